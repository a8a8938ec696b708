/*
 * Unit tests for crypto/random: token length and alphabet (RFC 4648 §5,
 * canonical, unpadded), buffer limits, constant-time comparisons and wiping.
 * Randomness itself cannot be proven here; the tests check that output varies
 * and decodes back to exactly the number of bytes asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "crypto/random.h"

static int url_value(char c)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *hit;

	if (c == '\0')
		return -1;
	hit = strchr(alphabet, c);
	return hit ? (int)(hit - alphabet) : -1;
}

/*
 * Decodes an unpadded base64url token strictly (alphabet, no length % 4 == 1,
 * zero spare bits) and returns the number of bytes, or -1 if it is not canonical.
 */
static long token_decoded_len(const char *token)
{
	size_t len = strlen(token);
	unsigned acc = 0;
	unsigned bits = 0;
	long bytes = 0;

	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = url_value(token[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes++;
			acc &= (1u << bits) - 1;
		}
	}
	return acc == 0 ? bytes : -1;
}

static void test_random_bytes_differ_between_calls(void **state)
{
	unsigned char a[32];
	unsigned char b[32];
	static const unsigned char zero[32];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(crypto_random_bytes(a, sizeof(a)), 0);
	assert_int_equal(crypto_random_bytes(b, sizeof(b)), 0);
	/* Each fails by chance with probability 2^-256. */
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
}

static void test_random_bytes_check_their_arguments(void **state)
{
	(void)state;
	assert_int_equal(crypto_random_bytes(NULL, 0), 0);
	assert_int_equal(crypto_random_bytes(NULL, 1), SX_EINVALID);
}

static void test_token_len_is_unpadded_base64_length(void **state)
{
	static const struct {
		size_t nbytes;
		size_t len;
	} cases[] = {
		{0, 0}, {1, 2}, {2, 3}, {3, 4}, {4, 6}, {16, 22}, {32, 43},
		{47, 63}, {48, 64}, {49, 66}, {96, 128}, {SIZE_MAX, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(crypto_random_token_len(cases[i].nbytes), cases[i].len);
}

static void test_token_is_canonical_base64url_of_the_asked_length(void **state)
{
	char token[256];

	(void)state;
	/* Crosses the internal 48-byte chunk boundary twice. */
	for (size_t nbytes = 1; nbytes <= 100; nbytes++) {
		memset(token, '#', sizeof(token));
		assert_int_equal(crypto_random_token(token, sizeof(token), nbytes), 0);
		assert_int_equal(strlen(token), crypto_random_token_len(nbytes));
		assert_int_equal(token_decoded_len(token), (long)nbytes);
	}
}

static void test_tokens_use_the_url_safe_alphabet(void **state)
{
	char token[65];
	bool saw_dash = false;
	bool saw_underscore = false;

	(void)state;
	/* 6400 characters: missing '-' or '_' by chance has probability about e^-100. */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(crypto_random_token(token, sizeof(token), 48), 0);
		assert_null(strchr(token, '+'));
		assert_null(strchr(token, '/'));
		assert_null(strchr(token, '='));
		saw_dash = saw_dash || strchr(token, '-') != NULL;
		saw_underscore = saw_underscore || strchr(token, '_') != NULL;
	}
	assert_true(saw_dash);
	assert_true(saw_underscore);
}

static void test_tokens_do_not_repeat(void **state)
{
	char tokens[64][23];

	(void)state;
	for (size_t i = 0; i < 64; i++) {
		assert_int_equal(crypto_random_token(tokens[i], sizeof(tokens[i]), 16), 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(tokens[i], tokens[j]);
	}
}

static void test_token_refuses_a_buffer_one_byte_too_small(void **state)
{
	char buf[64];

	(void)state;
	memset(buf, '#', sizeof(buf));
	assert_int_equal(crypto_random_token(buf, 43, 32), SX_ETOOBIG);
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], '#'); /* nothing written past the terminator */

	assert_int_equal(crypto_random_token(buf, 44, 32), 0);
	assert_int_equal(strlen(buf), 43);
}

static void test_token_checks_its_arguments(void **state)
{
	char buf[8] = "#######";

	(void)state;
	assert_int_equal(crypto_random_token(NULL, 64, 16), SX_EINVALID);
	assert_int_equal(crypto_random_token(buf, sizeof(buf), 0), SX_EINVALID);
	assert_string_equal(buf, "");

	memcpy(buf, "#######", 8);
	assert_int_equal(crypto_random_token(buf, 0, 1), SX_ETOOBIG);
	assert_int_equal(buf[0], '#'); /* out_size 0: not even a terminator */
	assert_int_equal(crypto_random_token(buf, sizeof(buf), SIZE_MAX), SX_ETOOBIG);
	assert_string_equal(buf, "");
}

static void test_equal_compares_every_byte(void **state)
{
	unsigned char a[64];
	unsigned char b[64];

	(void)state;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)(i * 7 + 1);
	memcpy(b, a, sizeof(a));
	assert_true(crypto_equal(a, b, sizeof(a)));
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		assert_false(crypto_equal(a, b, sizeof(a)));
		assert_true(crypto_equal(a, b, i)); /* the prefix before the change still matches */
		b[i] ^= 0x80;
	}
}

static void test_equal_handles_empty_and_null(void **state)
{
	(void)state;
	assert_true(crypto_equal(NULL, NULL, 0));
	assert_true(crypto_equal("a", NULL, 0));
	assert_false(crypto_equal(NULL, "a", 1));
	assert_false(crypto_equal("a", NULL, 1));
}

static void test_str_equal_cases(void **state)
{
	static const struct {
		const char *a;
		const char *b;
		bool equal;
	} cases[] = {
		{"abc", "abc", true},
		{"", "", true},
		{"abc", "abd", false},
		{"abc", "xbc", false},
		{"abc", "ab", false},
		{"ab", "abc", false},
		{"", "a", false},
		{"token", NULL, false},
		{NULL, "token", false},
		{NULL, NULL, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(crypto_str_equal(cases[i].a, cases[i].b), cases[i].equal);
}

static void test_cleanse_zeroes_the_buffer(void **state)
{
	unsigned char secret[40];
	static const unsigned char zero[40];

	(void)state;
	memset(secret, 0xa5, sizeof(secret));
	crypto_cleanse(secret, 16);
	assert_memory_equal(secret, zero, 16);
	assert_int_equal(secret[16], 0xa5); /* only the given range */
	crypto_cleanse(secret, sizeof(secret));
	assert_memory_equal(secret, zero, sizeof(secret));
	crypto_cleanse(NULL, 10);
	crypto_cleanse(secret, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes_differ_between_calls),
		cmocka_unit_test(test_random_bytes_check_their_arguments),
		cmocka_unit_test(test_token_len_is_unpadded_base64_length),
		cmocka_unit_test(test_token_is_canonical_base64url_of_the_asked_length),
		cmocka_unit_test(test_tokens_use_the_url_safe_alphabet),
		cmocka_unit_test(test_tokens_do_not_repeat),
		cmocka_unit_test(test_token_refuses_a_buffer_one_byte_too_small),
		cmocka_unit_test(test_token_checks_its_arguments),
		cmocka_unit_test(test_equal_compares_every_byte),
		cmocka_unit_test(test_equal_handles_empty_and_null),
		cmocka_unit_test(test_str_equal_cases),
		cmocka_unit_test(test_cleanse_zeroes_the_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
