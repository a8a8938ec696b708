/*
 * Unit tests for crypto/password: known answers from the reference argon2 CLI,
 * round trips, strict parsing of the PHC string, limits, needs_rehash and
 * allocation failure of argon2's working memory.
 *
 * Most tests use m = 1024 KiB so that the suite stays fast under ASan; one test
 * runs the defaults to prove they work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "crypto/password.h"

/*
 * Known answers from the reference implementation's CLI (Debian 12 package
 * `argon2`, 0~20171227-0.3+deb12u1), e.g.
 *     echo -n password | argon2 somesalt -id -t 2 -m 10 -p 1 -e
 * (-m is log2 of KiB: 10 means 1024 KiB).
 */
struct cli_vector {
	const char *password;
	const char *salt;
	struct crypto_password_params params;
	const char *encoded;
	const char *made_with; /* the command line, for the next person */
};

static const struct cli_vector cli_vectors[] = {
	{"password", "somesalt", {2, 1024, 1},
	 "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$"
	 "7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
	 "echo -n password | argon2 somesalt -id -t 2 -m 10 -p 1 -e"},
	{"correct horse battery staple", "saltsaltsalt", {3, 4096, 2},
	 "$argon2id$v=19$m=4096,t=3,p=2$c2FsdHNhbHRzYWx0$"
	 "kOSHtY/s6v2PPY7Ia6x1tJcI9J1NEgv6thPLufATWTo",
	 "echo -n 'correct horse battery staple' | argon2 saltsaltsalt -id -t 3 -m 12 -p 2 -e"},
	{"执法人员口令", "somesalt", {1, 256, 1},
	 "$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHQ$Djyz68zyf0chNRzf11Kcg+KkgfJTg9sRrAefgQxwT6A",
	 "echo -n '执法人员口令' | argon2 somesalt -id -t 1 -m 8 -p 1 -e  (UTF-8 bytes)"},
};

/* cli_vectors[0], taken apart so that the malformed cases below can reuse its pieces. */
#define HEAD "$argon2id$v=19$m=1024,t=2,p=1$"
#define SALT "c29tZXNhbHQ"                                 /* "somesalt" */
#define TAG "7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk" /* 32 bytes */
#define CLI_PASSWORD_VECTOR HEAD SALT "$" TAG

static const struct crypto_password_params cheap = {1, 1024, 1};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void test_cli_vectors_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cli_vectors) / sizeof(cli_vectors[0]); i++) {
		const struct cli_vector *v = &cli_vectors[i];

		int rc = crypto_password_verify(v->encoded, v->password, strlen(v->password));

		if (rc != 0)
			fail_msg("%s: rc %d", v->made_with, rc);
	}
}

static void test_hash_with_fixed_salt_reproduces_cli_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cli_vectors) / sizeof(cli_vectors[0]); i++) {
		const struct cli_vector *v = &cli_vectors[i];
		char out[CRYPTO_PASSWORD_HASH_MAX];

		assert_int_equal(crypto_password__hash_with_salt(out, v->password,
								 strlen(v->password), &v->params,
								 (const unsigned char *)v->salt,
								 strlen(v->salt)), 0);
		assert_string_equal(out, v->encoded);
	}
}

static void test_cli_vector_refuses_near_miss_passwords(void **state)
{
	static const char *const wrong[] = {"Password", "passwor", "password ", "passwore",
					    " password", "drowssap"};

	(void)state;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, wrong[i],
							strlen(wrong[i])), SX_EAUTH);
}

static void test_hash_then_verify_round_trips(void **state)
{
	char out[CRYPTO_PASSWORD_HASH_MAX];
	const char *pw = "s3cret-口令";
	size_t len = strlen(pw);

	(void)state;
	assert_int_equal(crypto_password_hash(out, pw, len, &cheap), 0);
	assert_true(starts_with(out, "$argon2id$v=19$m=1024,t=1,p=1$"));
	/* 16-byte salt -> 22 characters, 32-byte tag -> 43 characters. */
	assert_int_equal(strlen(out), strlen("$argon2id$v=19$m=1024,t=1,p=1$") + 22 + 1 + 43);
	assert_int_equal(crypto_password_verify(out, pw, len), 0);
	assert_int_equal(crypto_password_verify(out, pw, len - 1), SX_EAUTH);
	assert_int_equal(crypto_password_verify(out, "s3cret-口令!", len + 1), SX_EAUTH);
	assert_int_equal(crypto_password_verify(out, "S3cret-口令", len), SX_EAUTH);
}

static void test_two_hashes_of_one_password_use_different_salts(void **state)
{
	char a[CRYPTO_PASSWORD_HASH_MAX];
	char b[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(crypto_password_hash(a, "same", 4, &cheap), 0);
	assert_int_equal(crypto_password_hash(b, "same", 4, &cheap), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(crypto_password_verify(a, "same", 4), 0);
	assert_int_equal(crypto_password_verify(b, "same", 4), 0);
}

static void test_default_params_are_owasp_minimum_and_work(void **state)
{
	struct crypto_password_params p;
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	crypto_password_default_params(&p);
	assert_int_equal(p.t_cost, 2);
	assert_int_equal(p.m_cost_kib, 19456);
	assert_int_equal(p.parallelism, 1);

	assert_int_equal(crypto_password_hash(out, "default", 7, NULL), 0);
	assert_true(starts_with(out, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_int_equal(crypto_password_verify(out, "default", 7), 0);
	assert_false(crypto_password_needs_rehash(out, NULL));
}

static void test_password_length_and_content_limits(void **state)
{
	char big[CRYPTO_PASSWORD_LEN_MAX + 1];
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	memset(big, 'p', sizeof(big));

	assert_int_equal(crypto_password_hash(out, big, CRYPTO_PASSWORD_LEN_MAX, &cheap), 0);
	assert_int_equal(crypto_password_verify(out, big, CRYPTO_PASSWORD_LEN_MAX), 0);
	assert_int_equal(crypto_password_verify(out, big, CRYPTO_PASSWORD_LEN_MAX + 1),
			 SX_EINVALID);

	memcpy(out, "unchanged", 10);
	assert_int_equal(crypto_password_hash(out, big, CRYPTO_PASSWORD_LEN_MAX + 1, &cheap),
			 SX_EINVALID);
	assert_string_equal(out, "");
	assert_int_equal(crypto_password_hash(out, big, 0, &cheap), SX_EINVALID);
	assert_int_equal(crypto_password_hash(out, "pass\0word", 9, &cheap), SX_EINVALID);
	assert_int_equal(crypto_password_hash(out, "password\0", 9, &cheap), SX_EINVALID);
	assert_int_equal(crypto_password_hash(out, NULL, 8, &cheap), SX_EINVALID);
	assert_int_equal(crypto_password_hash(NULL, "password", 8, &cheap), SX_EINVALID);

	assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, "", 0), SX_EINVALID);
	assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, "password\0", 9),
			 SX_EINVALID);
	assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, NULL, 8), SX_EINVALID);
	assert_int_equal(crypto_password_verify(NULL, "password", 8), SX_EINVALID);
}

static void test_hash_refuses_params_out_of_range(void **state)
{
	static const struct crypto_password_params bad[] = {
		{0, 1024, 1},
		{CRYPTO_PASSWORD_T_COST_MAX + 1, 1024, 1},
		{1, 1024, 0},
		{1, 1024, CRYPTO_PASSWORD_PARALLELISM_MAX + 1},
		{1, 7, 1},
		{1, 15, 2},
		{1, CRYPTO_PASSWORD_M_COST_KIB_MAX + 1, 1},
		{1, UINT32_MAX, UINT32_MAX},
	};
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "unchanged", 10);
		assert_int_equal(crypto_password_hash(out, "password", 8, &bad[i]), SX_EINVALID);
		assert_string_equal(out, "");
	}
	/* The smallest legal memory for two lanes is accepted. */
	assert_int_equal(crypto_password_hash(out, "password", 8,
					      &(struct crypto_password_params){1, 16, 2}), 0);
	assert_int_equal(crypto_password_verify(out, "password", 8), 0);
}

static void test_hash_with_salt_refuses_bad_salts(void **state)
{
	static const unsigned char salt[33] = "0123456789abcdef0123456789abcdef";
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(crypto_password__hash_with_salt(out, "pw", 2, &cheap, NULL, 16),
			 SX_EINVALID);
	assert_int_equal(crypto_password__hash_with_salt(out, "pw", 2, &cheap, salt, 7),
			 SX_EINVALID);
	assert_int_equal(crypto_password__hash_with_salt(out, "pw", 2, &cheap, salt, 33),
			 SX_EINVALID);
	/* The largest salt is written and read back (the length bound is a static assert). */
	assert_int_equal(crypto_password__hash_with_salt(
				 out, "pw", 2,
				 &(struct crypto_password_params){1, 1024,
								  CRYPTO_PASSWORD_PARALLELISM_MAX},
				 salt, 32), 0);
	assert_int_equal(strlen(out), strlen("$argon2id$v=19$m=1024,t=1,p=16$") + 43 + 1 + 43);
	assert_int_equal(crypto_password_verify(out, "pw", 2), 0);
	assert_int_equal(crypto_password_verify(out, "pW", 2), SX_EAUTH);
}

static void test_other_argon2_variants_and_versions_are_refused(void **state)
{
	/* Same password, salt and cost as CLI_PASSWORD_VECTOR; made with -i, -d, and -id -v 10. */
#define V16_TAG "DJkDlhYQjMAOfRGtyek9T6PwKEE/HIKrG4LbYkikiYw"
	static const char *const others[] = {
		"$argon2i$v=19$m=1024,t=2,p=1$" SALT "$/AomWzXGuO56QhmXE3p9/0R81VDwTUaD1xQMkGw+IbQ",
		"$argon2d$v=19$m=1024,t=2,p=1$" SALT "$7WlpgAteZBAUBN8fsClBmqjAK0wlZUrln2Vai1gUJKs",
		"$argon2id$v=16$m=1024,t=2,p=1$" SALT "$" V16_TAG,
		/* v=16 without the version field, as the reference decoder would also accept. */
		"$argon2id$m=1024,t=2,p=1$" SALT "$" V16_TAG,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(crypto_password_verify(others[i], "password", 8), SX_EINVALID);
}

static void test_malformed_encoded_strings_are_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"$",
		"password",
		"$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"$argon2id$v=19$m=1024,t=2,p=1",
		HEAD "c29tZXNhbHQ",
		HEAD "c29tZXNhbHQ$",
		HEAD "$" TAG,
		/* leading zero, sign, overflow, zero, missing number */
		"$argon2id$v=19$m=01024,t=2,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=+1024,t=2,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=4294968320,t=2,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=1024,t=0,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=1024,t=2,p=0$" SALT "$" TAG,
		"$argon2id$v=19$m=,t=2,p=1$" SALT "$" TAG,
		/* cost beyond our caps: a doctored row must not make one login take a gigabyte */
		"$argon2id$v=19$m=2097152,t=2,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=1024,t=1000,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=1024,t=2,p=64$" SALT "$" TAG,
		/* fields out of order, extra field, spaces */
		"$argon2id$v=19$t=2,m=1024,p=1$" SALT "$" TAG,
		"$argon2id$v=19$m=1024,t=2,p=1,keyid=a$" SALT "$" TAG,
		"$argon2id$v=19$m=1024, t=2,p=1$" SALT "$" TAG,
		" $argon2id$v=19$m=1024,t=2,p=1$" SALT "$" TAG,
		"$ARGON2ID$v=19$m=1024,t=2,p=1$" SALT "$" TAG,
		/* padding, url alphabet, stray characters, trailing field */
		HEAD "c29tZXNhbHQ=$" TAG,
		HEAD SALT "$" TAG "=",
		HEAD SALT "$7FfsnA6vUe7qLpL_3Kqc3uR48ZJyFbUVt7jWZlf0Htk",
		HEAD "c29tZXNh bHQ$" TAG,
		HEAD SALT "$" TAG "$",
		HEAD SALT "$" TAG "\n",
		/* 5 tag characters: a length no encoding produces */
		HEAD SALT "$7Ffsn",
		/* salt of 3 bytes (argon2 needs 8) and tag of 3 bytes (argon2 needs 4) */
		HEAD "c29t$" TAG,
		HEAD SALT "$7Ffs",
		/*
		 * Same bytes as the CLI vector, spelled with a non-zero spare bit in the last
		 * character ('k' -> 'l'). A lenient decoder would accept it as the same hash.
		 */
		HEAD SALT "$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htl",
		HEAD "c29tZXNhbHR$" TAG,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = crypto_password_verify(bad[i], "password", 8);

		if (rc != SX_EINVALID)
			fail_msg("case %zu (%s): rc %d", i, bad[i], rc);
		assert_true(crypto_password_needs_rehash(bad[i], &cheap));
	}
}

static void test_overlong_encoded_string_is_invalid(void **state)
{
	char encoded[CRYPTO_PASSWORD_HASH_MAX + 64];
	size_t len = strlen(CLI_PASSWORD_VECTOR);

	(void)state;
	/* A valid prefix followed by tag characters up to and past the cap. */
	memcpy(encoded, CLI_PASSWORD_VECTOR, len);
	memset(encoded + len, 'A', sizeof(encoded) - len - 1);
	encoded[sizeof(encoded) - 1] = '\0';
	assert_int_equal(crypto_password_verify(encoded, "password", 8), SX_EINVALID);
}

static void test_every_single_character_change_is_refused(void **state)
{
	char tampered[sizeof(CLI_PASSWORD_VECTOR)];

	(void)state;
	for (size_t i = 0; i < sizeof(tampered) - 1; i++) {
		char c = CLI_PASSWORD_VECTOR[i];
		int rc;

		memcpy(tampered, CLI_PASSWORD_VECTOR, sizeof(tampered));
		if (c >= '0' && c <= '9')
			tampered[i] = (char)('0' + (c - '0' + 1) % 10);
		else if (c >= 'a' && c <= 'z')
			tampered[i] = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z')
			tampered[i] = (char)(c - 'A' + 'a');
		else
			tampered[i] = 'A';
		rc = crypto_password_verify(tampered, "password", 8);
		if (rc != SX_EINVALID && rc != SX_EAUTH)
			fail_msg("position %zu (%s): rc %d", i, tampered, rc);
	}
}

static void test_needs_rehash_when_parameters_are_weaker(void **state)
{
	static const struct {
		struct crypto_password_params wanted;
		bool needs;
	} cases[] = {
		{{2, 1024, 1}, false}, /* the same */
		{{1, 512, 1}, false},  /* weaker wanted: keep the stronger hash */
		{{2, 1024, 4}, false}, /* parallelism is not strength */
		{{3, 1024, 1}, true},
		{{2, 2048, 1}, true},
		{{2, 19456, 1}, true},
	};
	char encoded[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(crypto_password_hash(encoded, "pw", 2,
					      &(struct crypto_password_params){2, 1024, 1}), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(crypto_password_needs_rehash(encoded, &cases[i].wanted),
				 cases[i].needs);
	/* m = 1024 KiB is far below the defaults. */
	assert_true(crypto_password_needs_rehash(encoded, NULL));
	assert_true(crypto_password_needs_rehash(NULL, NULL));
}

static void test_needs_rehash_when_salt_is_short(void **state)
{
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	/* The CLI vectors' salts are 8 bytes; ours are 16. */
	assert_true(crypto_password_needs_rehash(CLI_PASSWORD_VECTOR,
						 &(struct crypto_password_params){1, 8, 1}));
	assert_int_equal(crypto_password__hash_with_salt(out, "pw", 2, &cheap,
							 (const unsigned char *)"8bytes!!", 8), 0);
	assert_true(crypto_password_needs_rehash(out, &cheap));
	assert_int_equal(crypto_password_hash(out, "pw", 2, &cheap), 0);
	assert_false(crypto_password_needs_rehash(out, &cheap));
}

static void test_allocation_failure_in_argon2_is_reported_and_cleaned_up(void **state)
{
	char out[CRYPTO_PASSWORD_HASH_MAX];

	(void)state;
	sx_mem_fail_after(0);
	assert_int_equal(crypto_password_hash(out, "password", 8, &cheap), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_string_equal(out, "");

	sx_mem_fail_after(0);
	assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, "password", 8), SX_ENOMEM);
	sx_mem_fail_after(-1);

	/* Nothing left half-done: the next calls work. */
	assert_int_equal(crypto_password_hash(out, "password", 8, &cheap), 0);
	assert_int_equal(crypto_password_verify(CLI_PASSWORD_VECTOR, "password", 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_vectors_verify),
		cmocka_unit_test(test_hash_with_fixed_salt_reproduces_cli_vectors),
		cmocka_unit_test(test_cli_vector_refuses_near_miss_passwords),
		cmocka_unit_test(test_hash_then_verify_round_trips),
		cmocka_unit_test(test_two_hashes_of_one_password_use_different_salts),
		cmocka_unit_test(test_default_params_are_owasp_minimum_and_work),
		cmocka_unit_test(test_password_length_and_content_limits),
		cmocka_unit_test(test_hash_refuses_params_out_of_range),
		cmocka_unit_test(test_hash_with_salt_refuses_bad_salts),
		cmocka_unit_test(test_other_argon2_variants_and_versions_are_refused),
		cmocka_unit_test(test_malformed_encoded_strings_are_invalid),
		cmocka_unit_test(test_overlong_encoded_string_is_invalid),
		cmocka_unit_test(test_every_single_character_change_is_refused),
		cmocka_unit_test(test_needs_rehash_when_parameters_are_weaker),
		cmocka_unit_test(test_needs_rehash_when_salt_is_short),
		cmocka_unit_test(test_allocation_failure_in_argon2_is_reported_and_cleaned_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
