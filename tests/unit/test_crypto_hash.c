/*
 * Unit tests for crypto/hash: published vectors for SHA-256 (FIPS 180-4 and
 * its NIST examples) and SM3 (GB/T 32905-2016 appendix A), streaming against
 * one-shot, RFC 6962 prefix hashing, names, bad arguments and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"

struct hash_vector {
	enum crypto_hash_alg alg;
	const char *unit;   /* repeated `repeat` times to form the message */
	size_t repeat;
	const char *hex;    /* expected digest */
};

#define SHA256_ABC_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SM3_ABC_HEX "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

static const struct hash_vector hash_vectors[] = {
	/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf"). */
	{CRYPTO_HASH_SHA256, "abc", 1, SHA256_ABC_HEX},
	{CRYPTO_HASH_SHA256, "", 1,
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{CRYPTO_HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{CRYPTO_HASH_SHA256, "a", 1000000,
	 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	/* GB/T 32905-2016 appendix A.1 and A.2. */
	{CRYPTO_HASH_SM3, "abc", 1, SM3_ABC_HEX},
	{CRYPTO_HASH_SM3, "abcd", 16,
	 "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	/* Not in the standard; from `printf '' | openssl dgst -sm3` (OpenSSL 3.0). */
	{CRYPTO_HASH_SM3, "", 1,
	 "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
};

/* Builds unit x repeat in a fresh sx_malloc buffer; *len gets its length. */
static unsigned char *repeat_message(const char *unit, size_t repeat, size_t *len)
{
	size_t unit_len = strlen(unit);
	unsigned char *msg = sx_malloc(unit_len * repeat);

	assert_non_null(msg);
	for (size_t i = 0; i < repeat; i++)
		memcpy(msg + i * unit_len, unit, unit_len);
	*len = unit_len * repeat;
	return msg;
}

/* Non-NULL pointer that functions must overwrite with NULL on failure. */
static max_align_t not_a_hasher;
#define HASHER_SENTINEL ((struct crypto_hasher *)&not_a_hasher)

static void digest_to_hex(char *out, const unsigned char *digest, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static void test_hash_matches_published_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hash_vectors) / sizeof(hash_vectors[0]); i++) {
		const struct hash_vector *v = &hash_vectors[i];
		unsigned char digest[CRYPTO_HASH_MAX_BYTES];
		char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];
		size_t len;
		unsigned char *msg = repeat_message(v->unit, v->repeat, &len);

		assert_int_equal(crypto_hash(v->alg, digest, msg, len), 0);
		digest_to_hex(hex, digest, crypto_hash_size(v->alg));
		assert_string_equal(hex, v->hex);

		memset(hex, 'x', sizeof(hex));
		assert_int_equal(crypto_hash_hex(hex, v->alg, msg, len), 0);
		assert_string_equal(hex, v->hex);
		sx_free(msg);
	}
}

static void test_streaming_in_odd_chunks_equals_published_vectors(void **state)
{
	static const size_t chunk_sizes[] = {1, 3, 7, 13, 63, 64, 65, 4097};

	(void)state;
	for (size_t i = 0; i < sizeof(hash_vectors) / sizeof(hash_vectors[0]); i++) {
		const struct hash_vector *v = &hash_vectors[i];
		size_t len;
		unsigned char *msg = repeat_message(v->unit, v->repeat, &len);

		for (size_t c = 0; c < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); c++) {
			struct crypto_hasher *h = NULL;
			unsigned char digest[CRYPTO_HASH_MAX_BYTES];
			char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

			/* The byte-at-a-time pass over a million bytes adds nothing but time. */
			if (len > 100000 && chunk_sizes[c] < 63)
				continue;
			assert_int_equal(crypto_hasher_new(&h, v->alg), 0);
			for (size_t off = 0; off < len; off += chunk_sizes[c]) {
				size_t n = len - off < chunk_sizes[c] ? len - off : chunk_sizes[c];

				assert_int_equal(crypto_hasher_update(h, msg + off, n), 0);
			}
			assert_int_equal(crypto_hasher_final(h, digest), 0);
			digest_to_hex(hex, digest, crypto_hash_size(v->alg));
			assert_string_equal(hex, v->hex);
			crypto_hasher_free(h);
		}
		sx_free(msg);
	}
}

static void test_hasher_accepts_empty_updates(void **state)
{
	struct crypto_hasher *h = NULL;
	unsigned char streamed[CRYPTO_HASH_MAX_BYTES];
	unsigned char one_shot[CRYPTO_HASH_MAX_BYTES];

	(void)state;
	assert_int_equal(crypto_hasher_new(&h, CRYPTO_HASH_SM3), 0);
	assert_int_equal(crypto_hasher_update(h, NULL, 0), 0);
	assert_int_equal(crypto_hasher_update(h, "ab", 2), 0);
	assert_int_equal(crypto_hasher_update(h, "", 0), 0);
	assert_int_equal(crypto_hasher_update(h, "c", 1), 0);
	assert_int_equal(crypto_hasher_final(h, streamed), 0);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SM3, one_shot, "abc", 3), 0);
	assert_memory_equal(streamed, one_shot, 32);
	crypto_hasher_free(h);
}

static void test_hasher_refuses_data_after_final_until_reset(void **state)
{
	struct crypto_hasher *h = NULL;
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

	(void)state;
	assert_int_equal(crypto_hasher_new(&h, CRYPTO_HASH_SHA256), 0);
	assert_int_equal(crypto_hasher_update(h, "xyz", 3), 0);
	assert_int_equal(crypto_hasher_final(h, digest), 0);
	assert_int_equal(crypto_hasher_update(h, "abc", 3), SX_EINVALID);
	assert_int_equal(crypto_hasher_final(h, digest), SX_EINVALID);

	/* After a reset the earlier "xyz" must not leak into the new message. */
	assert_int_equal(crypto_hasher_reset(h), 0);
	assert_int_equal(crypto_hasher_update(h, "abc", 3), 0);
	assert_int_equal(crypto_hasher_final(h, digest), 0);
	digest_to_hex(hex, digest, 32);
	assert_string_equal(hex, SHA256_ABC_HEX);
	crypto_hasher_free(h);
}

static void test_hasher_reset_mid_message_discards_what_was_fed(void **state)
{
	struct crypto_hasher *h = NULL;
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

	(void)state;
	assert_int_equal(crypto_hasher_new(&h, CRYPTO_HASH_SM3), 0);
	assert_int_equal(crypto_hasher_update(h, "garbage", 7), 0);
	assert_int_equal(crypto_hasher_reset(h), 0);
	assert_int_equal(crypto_hasher_update(h, "abc", 3), 0);
	assert_int_equal(crypto_hasher_final(h, digest), 0);
	digest_to_hex(hex, digest, 32);
	assert_string_equal(hex, SM3_ABC_HEX);
	crypto_hasher_free(h);
}

static void test_hash2_equals_hash_of_concatenation(void **state)
{
	static const enum crypto_hash_alg algs[] = {CRYPTO_HASH_SHA256, CRYPTO_HASH_SM3};
	const unsigned char left[] = "left node";
	const unsigned char right[] = "right node, longer than the left";

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		unsigned char joined[1 + sizeof(left) + sizeof(right)];
		unsigned char expected[CRYPTO_HASH_MAX_BYTES];
		unsigned char got[CRYPTO_HASH_MAX_BYTES];

		joined[0] = 0x01;
		memcpy(joined + 1, left, sizeof(left));
		memcpy(joined + 1 + sizeof(left), right, sizeof(right));
		assert_int_equal(crypto_hash(algs[i], expected, joined, sizeof(joined)), 0);
		assert_int_equal(crypto_hash2(algs[i], got, 0x01, left, sizeof(left), right,
					      sizeof(right)), 0);
		assert_memory_equal(got, expected, 32);

		/* Leaf shape: b absent. */
		joined[0] = 0x00;
		assert_int_equal(crypto_hash(algs[i], expected, joined, 1 + sizeof(left)), 0);
		assert_int_equal(crypto_hash2(algs[i], got, 0x00, left, sizeof(left), NULL, 0), 0);
		assert_memory_equal(got, expected, 32);
	}
}

static void test_hash2_of_empty_leaf_is_the_rfc6962_empty_leaf_hash(void **state)
{
	unsigned char got[CRYPTO_HASH_MAX_BYTES];
	char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

	(void)state;
	/* SHA-256(0x00), the leaf hash of an empty entry in every RFC 6962 log. */
	assert_int_equal(crypto_hash2(CRYPTO_HASH_SHA256, got, 0x00, NULL, 0, NULL, 0), 0);
	digest_to_hex(hex, got, 32);
	assert_string_equal(hex,
			    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

static void test_hash_names_round_trip(void **state)
{
	static const enum crypto_hash_alg algs[] = {CRYPTO_HASH_SHA256, CRYPTO_HASH_SM3};
	enum crypto_hash_alg alg = 0;

	(void)state;
	assert_string_equal(crypto_hash_name(CRYPTO_HASH_SHA256), "sha256");
	assert_string_equal(crypto_hash_name(CRYPTO_HASH_SM3), "sm3");
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(crypto_hash_from_name(&alg, crypto_hash_name(algs[i])), 0);
		assert_int_equal(alg, algs[i]);
		assert_int_equal(crypto_hash_size(algs[i]), 32);
	}
}

static void test_hash_from_name_rejects_other_spellings(void **state)
{
	static const char *const names[] = {"SHA256", "sha-256", "sha2-256", "SM3", "sm3 ",
					    "", "md5", "sha1", "sha256\n"};
	enum crypto_hash_alg alg = CRYPTO_HASH_SM3;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(crypto_hash_from_name(&alg, names[i]), SX_EINVALID);
		assert_int_equal(alg, CRYPTO_HASH_SM3); /* untouched on error */
	}
	assert_int_equal(crypto_hash_from_name(&alg, NULL), SX_EINVALID);
	assert_int_equal(crypto_hash_from_name(NULL, "sha256"), SX_EINVALID);
}

static void test_unknown_alg_is_refused_everywhere(void **state)
{
	static const int bad_algs[] = {0, 3, -1, 99};
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	char hex[2 * CRYPTO_HASH_MAX_BYTES + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_algs) / sizeof(bad_algs[0]); i++) {
		enum crypto_hash_alg alg = (enum crypto_hash_alg)bad_algs[i];
		struct crypto_hasher *h = HASHER_SENTINEL;

		assert_int_equal(crypto_hash_size(alg), 0);
		assert_null(crypto_hash_name(alg));
		assert_int_equal(crypto_hash(alg, digest, "abc", 3), SX_EINVALID);
		assert_int_equal(crypto_hash2(alg, digest, 0, "abc", 3, NULL, 0), SX_EINVALID);
		hex[0] = 'x';
		assert_int_equal(crypto_hash_hex(hex, alg, "abc", 3), SX_EINVALID);
		assert_string_equal(hex, "");
		assert_int_equal(crypto_hasher_new(&h, alg), SX_EINVALID);
		assert_null(h);
	}
}

static void test_hash_rejects_null_pointers_with_lengths(void **state)
{
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	struct crypto_hasher *h = NULL;

	(void)state;
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, NULL, "abc", 3), SX_EINVALID);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, digest, NULL, 1), SX_EINVALID);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, digest, NULL, 0), 0);
	assert_int_equal(crypto_hash2(CRYPTO_HASH_SHA256, digest, 0, NULL, 1, NULL, 0),
			 SX_EINVALID);
	assert_int_equal(crypto_hash2(CRYPTO_HASH_SHA256, digest, 0, "a", 1, NULL, 1),
			 SX_EINVALID);
	assert_int_equal(crypto_hash2(CRYPTO_HASH_SHA256, NULL, 0, "a", 1, NULL, 0), SX_EINVALID);
	assert_int_equal(crypto_hash_hex(NULL, CRYPTO_HASH_SHA256, "a", 1), SX_EINVALID);

	assert_int_equal(crypto_hasher_new(NULL, CRYPTO_HASH_SHA256), SX_EINVALID);
	assert_int_equal(crypto_hasher_update(NULL, "a", 1), SX_EINVALID);
	assert_int_equal(crypto_hasher_final(NULL, digest), SX_EINVALID);
	assert_int_equal(crypto_hasher_reset(NULL), SX_EINVALID);

	assert_int_equal(crypto_hasher_new(&h, CRYPTO_HASH_SHA256), 0);
	assert_int_equal(crypto_hasher_update(h, NULL, 5), SX_EINVALID);
	assert_int_equal(crypto_hasher_final(h, NULL), SX_EINVALID);
	/* The refused calls must not have spoiled the hasher. */
	assert_int_equal(crypto_hasher_final(h, digest), 0);
	crypto_hasher_free(h);
	crypto_hasher_free(NULL);
}

static void test_hasher_new_cleans_up_when_allocation_fails(void **state)
{
	struct crypto_hasher *h = HASHER_SENTINEL;

	(void)state;
	sx_mem_fail_after(0);
	assert_int_equal(crypto_hasher_new(&h, CRYPTO_HASH_SM3), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_null(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_matches_published_vectors),
		cmocka_unit_test(test_streaming_in_odd_chunks_equals_published_vectors),
		cmocka_unit_test(test_hasher_accepts_empty_updates),
		cmocka_unit_test(test_hasher_refuses_data_after_final_until_reset),
		cmocka_unit_test(test_hasher_reset_mid_message_discards_what_was_fed),
		cmocka_unit_test(test_hash2_equals_hash_of_concatenation),
		cmocka_unit_test(test_hash2_of_empty_leaf_is_the_rfc6962_empty_leaf_hash),
		cmocka_unit_test(test_hash_names_round_trip),
		cmocka_unit_test(test_hash_from_name_rejects_other_spellings),
		cmocka_unit_test(test_unknown_alg_is_refused_everywhere),
		cmocka_unit_test(test_hash_rejects_null_pointers_with_lengths),
		cmocka_unit_test(test_hasher_new_cleans_up_when_allocation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
