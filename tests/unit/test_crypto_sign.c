/*
 * Unit tests for crypto/sign: Ed25519 against RFC 8032 §7.1 TEST 1–3 (exact
 * signatures), SM2 against the signature example of GM/T 0003.5-2012 Annex A
 * (recommended curve, ID "1234567812345678"), SM2 signatures made by the
 * openssl 3.0 CLI, round trips, tampering, malformed encodings, keys of the
 * wrong algorithm, key files (0600, refusal of open modes, keys written by the
 * openssl CLI) and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "crypto/sign.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Decodes a hex string (spaces allowed) into out; returns the byte count. */
static size_t hex_to_bytes(unsigned char *out, size_t out_size, const char *hex)
{
	size_t n = 0;
	int half = -1;

	for (const char *p = hex; *p != '\0'; p++) {
		int v = 0;

		if (*p == ' ')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			fail_msg("bad hex digit in test data");
		if (half < 0) {
			half = v;
		} else {
			assert_true(n < out_size);
			out[n++] = (unsigned char)(half << 4 | v);
			half = -1;
		}
	}
	assert_int_equal(half, -1);
	return n;
}

/* ---- published vectors ---- */

struct ed25519_vector {
	const char *name;
	const char *secret_hex;
	const char *public_hex;
	const char *message_hex;
	const char *signature_hex;
};

/* RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3. */
static const struct ed25519_vector ed25519_vectors[] = {
	{"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
	 "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e"
	 "458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	 "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290"
	 "ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

/*
 * GM/T 0003.5-2012 Annex A (= GB/T 32918.5-2017 Annex A): SM2 signature over
 * "message digest" on the recommended curve with ID "1234567812345678",
 * nonce k = 59276E27..EAC1BC21. DER encoding ours: both r and s have the top
 * bit set, so each INTEGER carries a leading zero.
 */
#define GMT_D_HEX "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
#define GMT_PUB_HEX                                                                    \
	"04"                                                                           \
	"09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"             \
	"CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
#define GMT_SIG_DER_HEX                                                                \
	"3046"                                                                         \
	"022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"       \
	"022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
#define GMT_MESSAGE "message digest"

/*
 * Made with the openssl 3.0.22 CLI from the key in SM2_CLI_PEM:
 *   printf 'sanxiang SM2 test vector\n' > v.msg
 *   openssl pkeyutl -sign -rawin -digest sm3 -inkey sm2.pem \
 *       -pkeyopt distid:1234567812345678 -in v.msg -out v.sig
 * and the same without -pkeyopt (OpenSSL's empty default identifier).
 */
#define CLI_MESSAGE "sanxiang SM2 test vector\n"
#define CLI_PUB_HEX                                                                    \
	"04de708307a45688e80b26c61a881748f33c516d6d169237d25dd1a051298b802f"           \
	"c911b8a921b276dceff0c5718de4148d46cbc330c73bcdd2b7f5698159999bee"
#define CLI_SIG_DEFAULT_ID_HEX                                                         \
	"3045022100f4d46036b530617fbfe41ee8f275e469de48f0003463447782c660a2f85f9e3b"   \
	"022005c24897f692c8397c60a8fddfa1c6da5de7fc6bc49ade3fe06e4b99fd0aa0e0"
#define CLI_SIG_EMPTY_ID_HEX                                                           \
	"30450220054b1f9f1abf278b3c4dbb7dc3c276773034e026f82c2e28e072ce9f32885d82"     \
	"0221009f70f4996c145a7843844d32ccc16f35b94490adb49bc25bf5d91c97f2e2117f"

/* `openssl genpkey -algorithm SM2` (3.0.22); its public key is CLI_PUB_HEX. */
static const char SM2_CLI_PEM[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgAlYUfqhbZVAyDr+4\n"
	"3gn4AXTJB48zNjfBjPYci8nDagShRANCAATecIMHpFaI6AsmxhqIF0jzPFFtbRaS\n"
	"N9Jd0aBRKYuAL8kRuKkhsnbc7/DFcY3kFI1Gy8MwxzvN0rf1aYFZmZvu\n"
	"-----END PRIVATE KEY-----\n";

/* `openssl genpkey -algorithm ED25519` (3.0.22). */
static const char ED25519_CLI_PEM[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MC4CAQAwBQYDK2VwBCIEIC+UnYLOG6HIXZrJ7kDk3bekPzRcBRQsc0FqL2STJShK\n"
	"-----END PRIVATE KEY-----\n";
#define ED25519_CLI_PUB_HEX "720a823ede1b613be1410a396b3db3aee12b8f79aa2e47e0ff02d27d722c31a6"

/* `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`: valid PKCS#8, wrong curve. */
static const char P256_PEM[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGxxuarFfLb1luA/I\n"
	"s8ZT8DpRB3gXEXpyQQQ9rNk55JOhRANCAAR6mp+nWyVgd4le9jYNloknX9mFRF6N\n"
	"M32qCHfVF7djxRP7eASDqmUTegxJqt6Xa6VyIm5y4Zxz/UAz1f6erb5R\n"
	"-----END PRIVATE KEY-----\n";

/* The same P-256 key in SEC1 form (`openssl ec`): not PKCS#8. */
static const char P256_SEC1_PEM[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIBscbmqxXy29ZbgPyLPGU/A6UQd4FxF6ckEEPazZOeSToAoGCCqGSM49\n"
	"AwEHoUQDQgAEepqfp1slYHeJXvY2DZaJJ1/ZhURejTN9qgh31Re3Y8UT+3gEg6pl\n"
	"E3oMSarel2ulciJucuGcc/1AM9X+nq2+UQ==\n"
	"-----END EC PRIVATE KEY-----\n";

/* SM2_CLI_PEM encrypted (`openssl pkcs8 -topk8 -v2 aes-128-cbc -passout pass:x`). */
static const char SM2_ENCRYPTED_PEM[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi2QBikh8Il3wICCAAw\n"
	"DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEPGDGKxuKz80OlT15fxJRG0EgZBR\n"
	"8SdkyJShOn68Lg6gBUgW5U5lrQ5hnYV4aJ37rIO2wbqhJ8aUr2Hq5CNwPxs2DjyL\n"
	"skNFGImQcsboO2lo5n7hM03Ns1IogULCN4rOueuLx4/+7cXlVtnDnPN8U7127p4x\n"
	"8xlnacHYfJC5/40ljn4VYSNXvFJcYkHnpJGKrnaayArBRKxtqNGMyRoGzr4n5/Y=\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

/* `openssl pkey -pubout` of SM2_CLI_PEM: a public key is not a private key file. */
static const char SM2_PUBLIC_PEM[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE3nCDB6RWiOgLJsYaiBdI8zxRbW0W\n"
	"kjfSXdGgUSmLgC/JEbipIbJ23O/wxXGN5BSNRsvDMMc7zdK39WmBWZmb7g==\n"
	"-----END PUBLIC KEY-----\n";

/* ---- helpers ---- */

struct fixture {
	char dir[64]; /* a fresh directory for key files */
};

static int setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/sx_sign_XXXXXX",
		 tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void path_in(char *out, size_t out_size, const struct fixture *f, const char *name)
{
	int n = snprintf(out, out_size, "%s/%s", f->dir, name);

	assert_true(n > 0 && (size_t)n < out_size);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static struct crypto_sign_key *key_from_public_hex(enum crypto_sign_alg alg, const char *hex)
{
	unsigned char raw[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t len = hex_to_bytes(raw, sizeof(raw), hex);
	struct crypto_sign_key *k = NULL;

	assert_int_equal(crypto_sign_key_from_public_raw(&k, alg, raw, len), 0);
	assert_non_null(k);
	return k;
}

static void assert_public_equals(const struct crypto_sign_key *k, const unsigned char *want,
				 size_t want_len)
{
	unsigned char raw[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t len = 99;

	assert_int_equal(crypto_sign_public_raw(raw, sizeof(raw), &len, k), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(raw, want, want_len);
}

/* ---- vectors ---- */

static void test_ed25519_reproduces_rfc8032_signatures_exactly(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ed25519_vectors); i++) {
		const struct ed25519_vector *v = &ed25519_vectors[i];
		unsigned char secret[32], pub[32], msg[8], want[64], sig[CRYPTO_SIGN_SIG_MAX_BYTES];
		size_t msg_len, sig_len = 0;
		struct crypto_sign_key *k = NULL;
		struct crypto_sign_key *pk = NULL;

		assert_int_equal(hex_to_bytes(secret, sizeof(secret), v->secret_hex), 32);
		assert_int_equal(hex_to_bytes(pub, sizeof(pub), v->public_hex), 32);
		msg_len = hex_to_bytes(msg, sizeof(msg), v->message_hex);
		assert_int_equal(hex_to_bytes(want, sizeof(want), v->signature_hex), 64);

		assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_ED25519, secret,
								  32), 0);
		assert_int_equal(crypto_sign_key_alg(k), CRYPTO_SIGN_ED25519);
		assert_true(crypto_sign_key_has_private(k));
		assert_public_equals(k, pub, 32);
		assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k, msg_len ? msg : NULL,
					     msg_len), 0);
		assert_int_equal(sig_len, 64);
		assert_memory_equal(sig, want, 64);

		assert_int_equal(crypto_sign_key_from_public_raw(&pk, CRYPTO_SIGN_ED25519, pub, 32),
				 0);
		assert_false(crypto_sign_key_has_private(pk));
		assert_int_equal(crypto_sign_verify(pk, msg, msg_len, want, 64), 0);
		crypto_sign_key_free(pk);
		crypto_sign_key_free(k);
	}
}

static void test_sm2_key_from_gmt0003_scalar_has_the_published_public_key(void **state)
{
	unsigned char d[32], pub[65];
	struct crypto_sign_key *k = NULL;

	(void)state;
	assert_int_equal(hex_to_bytes(d, sizeof(d), GMT_D_HEX), 32);
	assert_int_equal(hex_to_bytes(pub, sizeof(pub), GMT_PUB_HEX), 65);
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_SM2, d, 32), 0);
	assert_int_equal(crypto_sign_key_alg(k), CRYPTO_SIGN_SM2);
	assert_public_equals(k, pub, 65);
	crypto_sign_key_free(k);
}

static void test_sm2_verifies_the_gmt0003_annex_a_signature(void **state)
{
	unsigned char sig[80];
	size_t sig_len = hex_to_bytes(sig, sizeof(sig), GMT_SIG_DER_HEX);
	struct crypto_sign_key *k = key_from_public_hex(CRYPTO_SIGN_SM2, GMT_PUB_HEX);

	(void)state;
	assert_int_equal(sig_len, 72);
	assert_int_equal(crypto_sign_verify(k, GMT_MESSAGE, strlen(GMT_MESSAGE), sig, sig_len), 0);
	/* The same signature over a different message must not verify. */
	assert_int_equal(crypto_sign_verify(k, "message digesT", 14, sig, sig_len), SX_ECORRUPT);
	crypto_sign_key_free(k);
}

static void test_sm2_verifies_a_signature_made_by_the_openssl_cli(void **state)
{
	unsigned char sig[80];
	size_t sig_len = hex_to_bytes(sig, sizeof(sig), CLI_SIG_DEFAULT_ID_HEX);
	struct crypto_sign_key *k = key_from_public_hex(CRYPTO_SIGN_SM2, CLI_PUB_HEX);

	(void)state;
	assert_int_equal(crypto_sign_verify(k, CLI_MESSAGE, strlen(CLI_MESSAGE), sig, sig_len), 0);
	crypto_sign_key_free(k);
}

static void test_sm2_rejects_a_signature_made_with_the_empty_identifier(void **state)
{
	unsigned char sig[80];
	size_t sig_len = hex_to_bytes(sig, sizeof(sig), CLI_SIG_EMPTY_ID_HEX);
	struct crypto_sign_key *k = key_from_public_hex(CRYPTO_SIGN_SM2, CLI_PUB_HEX);

	(void)state;
	/* Proves the identifier takes part: OpenSSL's own default would accept this one. */
	assert_int_equal(crypto_sign_verify(k, CLI_MESSAGE, strlen(CLI_MESSAGE), sig, sig_len),
			 SX_ECORRUPT);
	crypto_sign_key_free(k);
}

/* ---- round trips and tampering ---- */

static const enum crypto_sign_alg both_algs[] = {CRYPTO_SIGN_ED25519, CRYPTO_SIGN_SM2};

static void test_generated_keys_sign_and_verify_messages_of_any_length(void **state)
{
	static const size_t lengths[] = {0, 1, 55, 64, 1000, 70000};
	unsigned char *msg = malloc(70000);

	(void)state;
	assert_non_null(msg);
	for (size_t i = 0; i < 70000; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (size_t a = 0; a < ARRAY_LEN(both_algs); a++) {
		struct crypto_sign_key *k = NULL;
		struct crypto_sign_key *pk = NULL;
		unsigned char pub[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
		size_t pub_len = 0;

		assert_int_equal(crypto_sign_key_generate(&k, both_algs[a]), 0);
		assert_int_equal(crypto_sign_key_alg(k), both_algs[a]);
		assert_int_equal(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, k), 0);
		assert_int_equal(pub_len, both_algs[a] == CRYPTO_SIGN_SM2 ? 65 : 32);
		assert_int_equal(crypto_sign_key_from_public_raw(&pk, both_algs[a], pub, pub_len),
				 0);
		for (size_t i = 0; i < ARRAY_LEN(lengths); i++) {
			unsigned char sig[CRYPTO_SIGN_SIG_MAX_BYTES];
			size_t sig_len = 0;

			assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k, msg,
						     lengths[i]), 0);
			if (both_algs[a] == CRYPTO_SIGN_SM2) {
				assert_true(sig_len >= 8 && sig_len <= 72);
				assert_int_equal(sig[0], 0x30);
			} else {
				assert_int_equal(sig_len, 64);
			}
			assert_int_equal(crypto_sign_verify(k, msg, lengths[i], sig, sig_len), 0);
			assert_int_equal(crypto_sign_verify(pk, msg, lengths[i], sig, sig_len), 0);
		}
		crypto_sign_key_free(pk);
		crypto_sign_key_free(k);
	}
	free(msg);
}

static void test_ed25519_is_deterministic_and_sm2_draws_a_fresh_nonce(void **state)
{
	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(both_algs); a++) {
		struct crypto_sign_key *k = NULL;
		unsigned char s1[CRYPTO_SIGN_SIG_MAX_BYTES], s2[CRYPTO_SIGN_SIG_MAX_BYTES];
		size_t l1 = 0, l2 = 0;

		assert_int_equal(crypto_sign_key_generate(&k, both_algs[a]), 0);
		assert_int_equal(crypto_sign(s1, sizeof(s1), &l1, k, "same", 4), 0);
		assert_int_equal(crypto_sign(s2, sizeof(s2), &l2, k, "same", 4), 0);
		if (both_algs[a] == CRYPTO_SIGN_ED25519)
			assert_memory_equal(s1, s2, 64);
		else
			assert_false(l1 == l2 && memcmp(s1, s2, l1) == 0);
		assert_int_equal(crypto_sign_verify(k, "same", 4, s2, l2), 0);
		crypto_sign_key_free(k);
	}
}

static void test_altered_message_or_signature_fails_as_corrupt(void **state)
{
	static const char msg[] = "checkpoint body\n";

	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(both_algs); a++) {
		struct crypto_sign_key *k = NULL;
		unsigned char sig[CRYPTO_SIGN_SIG_MAX_BYTES];
		unsigned char bad_msg[sizeof(msg)];
		size_t sig_len = 0;

		assert_int_equal(crypto_sign_key_generate(&k, both_algs[a]), 0);
		assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k, msg, strlen(msg)), 0);

		/* Every single-bit change of the message. */
		for (size_t i = 0; i < strlen(msg); i++) {
			for (int bit = 0; bit < 8; bit++) {
				memcpy(bad_msg, msg, sizeof(msg));
				bad_msg[i] ^= (unsigned char)(1u << bit);
				assert_int_equal(crypto_sign_verify(k, bad_msg, strlen(msg), sig,
								    sig_len), SX_ECORRUPT);
			}
		}
		/* A message one byte shorter or longer. */
		assert_int_equal(crypto_sign_verify(k, msg, strlen(msg) - 1, sig, sig_len),
				 SX_ECORRUPT);
		assert_int_equal(crypto_sign_verify(k, msg, strlen(msg) + 1, sig, sig_len),
				 SX_ECORRUPT);
		/* The last byte of the signature is value, never structure, in both encodings. */
		sig[sig_len - 1] ^= 0x01;
		assert_int_equal(crypto_sign_verify(k, msg, strlen(msg), sig, sig_len),
				 SX_ECORRUPT);
		sig[sig_len - 1] ^= 0x01;
		if (both_algs[a] == CRYPTO_SIGN_ED25519) {
			/* The R half too. */
			sig[0] ^= 0x80;
			assert_int_equal(crypto_sign_verify(k, msg, strlen(msg), sig, sig_len),
					 SX_ECORRUPT);
			sig[0] ^= 0x80;
		}
		assert_int_equal(crypto_sign_verify(k, msg, strlen(msg), sig, sig_len), 0);
		crypto_sign_key_free(k);
	}
}

static void test_another_key_of_the_same_algorithm_does_not_verify(void **state)
{
	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(both_algs); a++) {
		struct crypto_sign_key *k1 = NULL;
		struct crypto_sign_key *k2 = NULL;
		unsigned char sig[CRYPTO_SIGN_SIG_MAX_BYTES];
		size_t sig_len = 0;

		assert_int_equal(crypto_sign_key_generate(&k1, both_algs[a]), 0);
		assert_int_equal(crypto_sign_key_generate(&k2, both_algs[a]), 0);
		assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k1, "m", 1), 0);
		assert_int_equal(crypto_sign_verify(k2, "m", 1, sig, sig_len), SX_ECORRUPT);
		crypto_sign_key_free(k1);
		crypto_sign_key_free(k2);
	}
}

static void test_a_key_of_the_other_algorithm_refuses_the_signature(void **state)
{
	struct crypto_sign_key *ed = NULL;
	struct crypto_sign_key *sm = NULL;
	unsigned char ed_sig[CRYPTO_SIGN_SIG_MAX_BYTES], sm_sig[CRYPTO_SIGN_SIG_MAX_BYTES];
	size_t ed_len = 0, sm_len = 0;

	(void)state;
	assert_int_equal(crypto_sign_key_generate(&ed, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign_key_generate(&sm, CRYPTO_SIGN_SM2), 0);
	assert_int_equal(crypto_sign(ed_sig, sizeof(ed_sig), &ed_len, ed, "m", 1), 0);
	assert_int_equal(crypto_sign(sm_sig, sizeof(sm_sig), &sm_len, sm, "m", 1), 0);
	/* An Ed25519 signature is no DER; an SM2 DER signature is not 64 bytes. */
	assert_int_equal(crypto_sign_verify(sm, "m", 1, ed_sig, ed_len), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(ed, "m", 1, sm_sig, sm_len), SX_EINVALID);
	crypto_sign_key_free(ed);
	crypto_sign_key_free(sm);
}

struct der_case {
	const char *why;
	const char *hex;
};

/* Variations of GMT_SIG_DER_HEX; each must be refused as malformed. */
static const struct der_case bad_der_cases[] = {
	{"trailing byte",
	 "3046022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA00"},
	{"sequence length says one byte more",
	 "3047022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
	{"long-form sequence length (BER)",
	 "308146022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
	{"r without its sign byte reads as negative",
	 "30450220F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
	{"r padded with a needless zero",
	 "304702220000F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
	{"s tagged as OCTET STRING",
	 "3046022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "042100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
	{"r is zero", "3006020100020101"},
	{"not a sequence", "3106020101020101"},
	{"only one integer", "3003020101"},
	{"empty", ""},
	{"r of 33 bytes without a leading zero",
	 "3047022101F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	 "022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"},
};

static void test_sm2_refuses_signatures_that_are_not_minimal_der(void **state)
{
	struct crypto_sign_key *k = key_from_public_hex(CRYPTO_SIGN_SM2, GMT_PUB_HEX);

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_der_cases); i++) {
		unsigned char sig[96];
		size_t sig_len = hex_to_bytes(sig, sizeof(sig), bad_der_cases[i].hex);
		int rc = crypto_sign_verify(k, GMT_MESSAGE, strlen(GMT_MESSAGE), sig, sig_len);

		if (rc != SX_EINVALID)
			fail_msg("%s: got %d, want SX_EINVALID", bad_der_cases[i].why, rc);
	}
	crypto_sign_key_free(k);
}

static void test_ed25519_refuses_signatures_of_the_wrong_length(void **state)
{
	unsigned char sig[65] = {0};
	struct crypto_sign_key *k =
		key_from_public_hex(CRYPTO_SIGN_ED25519, ed25519_vectors[0].public_hex);

	(void)state;
	hex_to_bytes(sig, sizeof(sig), ed25519_vectors[0].signature_hex);
	assert_int_equal(crypto_sign_verify(k, NULL, 0, sig, 64), 0);
	assert_int_equal(crypto_sign_verify(k, NULL, 0, sig, 63), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(k, NULL, 0, sig, 65), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(k, NULL, 0, sig, 0), SX_EINVALID);
	crypto_sign_key_free(k);
}

/* ---- key construction ---- */

static void test_public_only_keys_cannot_sign(void **state)
{
	unsigned char sig[CRYPTO_SIGN_SIG_MAX_BYTES];
	size_t sig_len = 7;
	struct crypto_sign_key *k = key_from_public_hex(CRYPTO_SIGN_SM2, GMT_PUB_HEX);

	(void)state;
	assert_false(crypto_sign_key_has_private(k));
	assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k, "m", 1), SX_EINVALID);
	assert_int_equal(sig_len, 0);
	crypto_sign_key_free(k);
}

struct raw_case {
	const char *why;
	enum crypto_sign_alg alg;
	const char *hex;
};

#define ZERO_32_HEX "0000000000000000000000000000000000000000000000000000000000000000"

static const struct raw_case bad_public_cases[] = {
	{"ed25519 31 bytes", CRYPTO_SIGN_ED25519,
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751"},
	{"ed25519 33 bytes", CRYPTO_SIGN_ED25519,
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00"},
	{"sm2 compressed form", CRYPTO_SIGN_SM2,
	 "0309F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"},
	{"sm2 without the 04 prefix", CRYPTO_SIGN_SM2,
	 "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
	 "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"},
	{"sm2 point not on the curve", CRYPTO_SIGN_SM2,
	 "0409F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
	 "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD14"},
	{"sm2 all zero", CRYPTO_SIGN_SM2, "04" ZERO_32_HEX ZERO_32_HEX},
	{"sm2 hybrid form 06", CRYPTO_SIGN_SM2,
	 "0609F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
	 "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"},
};

static void test_from_public_raw_refuses_wrong_lengths_and_bad_points(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_public_cases); i++) {
		unsigned char raw[80];
		size_t len = hex_to_bytes(raw, sizeof(raw), bad_public_cases[i].hex);
		struct crypto_sign_key *k = (struct crypto_sign_key *)raw;
		int rc = crypto_sign_key_from_public_raw(&k, bad_public_cases[i].alg, raw, len);

		if (rc != SX_EINVALID)
			fail_msg("%s: got %d, want SX_EINVALID", bad_public_cases[i].why, rc);
		assert_null(k);
	}
}

/* n of the SM2 recommended curve (GB/T 32918.5), and scalars around it. */
#define SM2_N_HEX "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123"

static const struct raw_case sm2_scalar_cases[] = {
	{"zero", CRYPTO_SIGN_SM2, ZERO_32_HEX},
	{"n - 1", CRYPTO_SIGN_SM2,
	 "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122"},
	{"n", CRYPTO_SIGN_SM2, SM2_N_HEX},
	{"all ones", CRYPTO_SIGN_SM2,
	 "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
};

static void test_sm2_private_scalars_must_lie_between_1_and_n_minus_2(void **state)
{
	static const char *const good[] = {
		"0000000000000000000000000000000000000000000000000000000000000001",
		"FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54121",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(sm2_scalar_cases); i++) {
		unsigned char d[32];
		struct crypto_sign_key *k = NULL;

		hex_to_bytes(d, sizeof(d), sm2_scalar_cases[i].hex);
		if (crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_SM2, d, 32) != SX_EINVALID)
			fail_msg("scalar %s was accepted", sm2_scalar_cases[i].why);
		assert_null(k);
	}
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		unsigned char d[32], sig[CRYPTO_SIGN_SIG_MAX_BYTES];
		size_t sig_len = 0;
		struct crypto_sign_key *k = NULL;

		hex_to_bytes(d, sizeof(d), good[i]);
		assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_SM2, d, 32), 0);
		assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, k, "m", 1), 0);
		assert_int_equal(crypto_sign_verify(k, "m", 1, sig, sig_len), 0);
		crypto_sign_key_free(k);
	}
}

static void test_small_output_buffers_are_refused(void **state)
{
	struct crypto_sign_key *ed = NULL;
	struct crypto_sign_key *sm = NULL;
	unsigned char buf[CRYPTO_SIGN_SIG_MAX_BYTES];
	size_t len = 5;

	(void)state;
	assert_int_equal(crypto_sign_key_generate(&ed, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign_key_generate(&sm, CRYPTO_SIGN_SM2), 0);
	assert_int_equal(crypto_sign_public_raw(buf, 31, &len, ed), SX_ETOOBIG);
	assert_int_equal(len, 0);
	assert_int_equal(crypto_sign_public_raw(buf, 64, &len, sm), SX_ETOOBIG);
	assert_int_equal(crypto_sign_public_raw(buf, 32, &len, ed), 0);
	assert_int_equal(len, 32);
	assert_int_equal(crypto_sign(buf, 63, &len, ed, "m", 1), SX_ETOOBIG);
	assert_int_equal(len, 0);
	/* SM2 needs room for the longest DER even if this signature would be shorter. */
	assert_int_equal(crypto_sign(buf, 71, &len, sm, "m", 1), SX_ETOOBIG);
	assert_int_equal(crypto_sign(buf, 72, &len, sm, "m", 1), 0);
	crypto_sign_key_free(ed);
	crypto_sign_key_free(sm);
}

static void test_bad_arguments_are_refused(void **state)
{
	struct crypto_sign_key *k = NULL;
	struct crypto_sign_key *loaded = NULL;
	unsigned char buf[CRYPTO_SIGN_SIG_MAX_BYTES] = {0};
	size_t len = 0;

	(void)state;
	assert_int_equal(crypto_sign_key_generate(NULL, CRYPTO_SIGN_SM2), SX_EINVALID);
	assert_int_equal(crypto_sign_key_generate(&k, (enum crypto_sign_alg)7), SX_EINVALID);
	assert_null(k);
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_ED25519, buf, 31),
			 SX_EINVALID);
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_ED25519, NULL, 32),
			 SX_EINVALID);
	assert_int_equal(crypto_sign_key_from_public_raw(&k, (enum crypto_sign_alg)0, buf, 32),
			 SX_EINVALID);
	assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign(NULL, 64, &len, k, "m", 1), SX_EINVALID);
	assert_int_equal(crypto_sign(buf, sizeof(buf), NULL, k, "m", 1), SX_EINVALID);
	assert_int_equal(crypto_sign(buf, sizeof(buf), &len, NULL, "m", 1), SX_EINVALID);
	assert_int_equal(crypto_sign(buf, sizeof(buf), &len, k, NULL, 1), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(NULL, "m", 1, buf, 64), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(k, NULL, 1, buf, 64), SX_EINVALID);
	assert_int_equal(crypto_sign_verify(k, "m", 1, NULL, 64), SX_EINVALID);
	assert_int_equal(crypto_sign_public_raw(NULL, 32, &len, k), SX_EINVALID);
	assert_int_equal(crypto_sign_public_raw(buf, 32, NULL, k), SX_EINVALID);
	assert_int_equal(crypto_sign_public_raw(buf, 32, &len, NULL), SX_EINVALID);
	assert_int_equal(crypto_sign_key_save_private(NULL, "/tmp/x", NULL), SX_EINVALID);
	assert_int_equal(crypto_sign_key_save_private(k, NULL, NULL), SX_EINVALID);
	assert_int_equal(crypto_sign_key_load_private(NULL, "/tmp/x", NULL), SX_EINVALID);
	loaded = (struct crypto_sign_key *)&loaded;
	assert_int_equal(crypto_sign_key_load_private(&loaded, NULL, NULL), SX_EINVALID);
	assert_null(loaded);
	crypto_sign_key_free(k);
	assert_false(crypto_sign_key_has_private(NULL));
	crypto_sign_key_free(NULL);
}

static void test_algorithm_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(crypto_sign_alg_name(CRYPTO_SIGN_ED25519), "ed25519");
	assert_string_equal(crypto_sign_alg_name(CRYPTO_SIGN_SM2), "sm2");
	assert_null(crypto_sign_alg_name((enum crypto_sign_alg)9));
}

/* ---- key files ---- */

static void test_saved_keys_are_0600_pkcs8_and_load_back(void **state)
{
	struct fixture *f = *state;

	for (size_t a = 0; a < ARRAY_LEN(both_algs); a++) {
		char path[128];
		struct crypto_sign_key *k = NULL;
		struct crypto_sign_key *loaded = NULL;
		struct sx_error err;
		struct stat st;
		unsigned char pub[CRYPTO_SIGN_PUBLIC_MAX_BYTES], sig[CRYPTO_SIGN_SIG_MAX_BYTES];
		size_t pub_len = 0, sig_len = 0;
		char head[28] = {0};
		FILE *fp;

		path_in(path, sizeof(path), f, a == 0 ? "ed25519.pem" : "sm2.pem");
		assert_int_equal(crypto_sign_key_generate(&k, both_algs[a]), 0);
		/* A permissive umask must not widen the mode. */
		mode_t old = umask(0);
		int rc = crypto_sign_key_save_private(k, path, &err);

		umask(old);
		assert_int_equal(rc, 0);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0600);
		fp = fopen(path, "rb");
		assert_non_null(fp);
		assert_int_equal(fread(head, 1, 27, fp), 27);
		fclose(fp);
		assert_string_equal(head, "-----BEGIN PRIVATE KEY-----");

		assert_int_equal(crypto_sign_key_load_private(&loaded, path, &err), 0);
		assert_int_equal(crypto_sign_key_alg(loaded), both_algs[a]);
		assert_true(crypto_sign_key_has_private(loaded));
		assert_int_equal(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, k), 0);
		assert_public_equals(loaded, pub, pub_len);
		assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, loaded, "m", 1), 0);
		assert_int_equal(crypto_sign_verify(k, "m", 1, sig, sig_len), 0);
		crypto_sign_key_free(loaded);
		crypto_sign_key_free(k);
	}
}

static void test_save_never_overwrites_an_existing_file(void **state)
{
	struct fixture *f = *state;
	char path[128], link_path[128], content[16] = {0};
	struct crypto_sign_key *k = NULL;
	struct sx_error err;
	FILE *fp;

	path_in(path, sizeof(path), f, "taken.pem");
	path_in(link_path, sizeof(link_path), f, "dangling.pem");
	write_file(path, "precious", 8, 0600);
	assert_int_equal(symlink("/nonexistent/sx-target", link_path), 0);
	assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_SM2), 0);

	assert_int_equal(crypto_sign_key_save_private(k, path, &err), SX_EEXISTS);
	assert_string_equal(err.code, "key_exists");
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(content, 1, sizeof(content) - 1, fp), 8);
	fclose(fp);
	assert_string_equal(content, "precious");

	assert_int_equal(crypto_sign_key_save_private(k, link_path, &err), SX_EEXISTS);
	assert_int_equal(access("/nonexistent/sx-target", F_OK), -1);
	crypto_sign_key_free(k);
}

static void test_save_refuses_public_only_keys_and_missing_directories(void **state)
{
	struct fixture *f = *state;
	char path[128];
	struct crypto_sign_key *pk = key_from_public_hex(CRYPTO_SIGN_SM2, GMT_PUB_HEX);
	struct crypto_sign_key *k = NULL;
	struct sx_error err;

	path_in(path, sizeof(path), f, "public.pem");
	assert_int_equal(crypto_sign_key_save_private(pk, path, &err), SX_EINVALID);
	assert_int_equal(access(path, F_OK), -1);

	path_in(path, sizeof(path), f, "no/such/dir/key.pem");
	assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign_key_save_private(k, path, &err), SX_EIO);
	assert_string_equal(err.code, "key_io");
	assert_non_null(strstr(err.detail, path));
	crypto_sign_key_free(k);
	crypto_sign_key_free(pk);
}

static void test_load_refuses_files_open_to_group_or_others(void **state)
{
	static const mode_t open_modes[] = {0644, 0640, 0604, 0620, 0602, 0610, 0601, 0660, 0666};
	static const mode_t closed_modes[] = {0600, 0400, 0700};
	struct fixture *f = *state;
	char path[128];

	path_in(path, sizeof(path), f, "mode.pem");
	write_file(path, SM2_CLI_PEM, strlen(SM2_CLI_PEM), 0600);
	for (size_t i = 0; i < ARRAY_LEN(open_modes); i++) {
		struct crypto_sign_key *k = (struct crypto_sign_key *)&k;
		struct sx_error err;

		assert_int_equal(chmod(path, open_modes[i]), 0);
		if (crypto_sign_key_load_private(&k, path, &err) != SX_EPERM)
			fail_msg("mode %04o was accepted", (unsigned)open_modes[i]);
		assert_null(k);
		assert_string_equal(err.code, "key_permissions");
		assert_non_null(strstr(err.detail, path));
	}
	for (size_t i = 0; i < ARRAY_LEN(closed_modes); i++) {
		struct crypto_sign_key *k = NULL;

		assert_int_equal(chmod(path, closed_modes[i]), 0);
		assert_int_equal(crypto_sign_key_load_private(&k, path, NULL), 0);
		crypto_sign_key_free(k);
	}
}

static void test_load_reads_keys_written_by_the_openssl_cli(void **state)
{
	struct fixture *f = *state;
	char path[128];
	unsigned char want[65], sig[80];
	size_t want_len, sig_len;
	struct crypto_sign_key *k = NULL;

	path_in(path, sizeof(path), f, "cli-sm2.pem");
	write_file(path, SM2_CLI_PEM, strlen(SM2_CLI_PEM), 0600);
	assert_int_equal(crypto_sign_key_load_private(&k, path, NULL), 0);
	assert_int_equal(crypto_sign_key_alg(k), CRYPTO_SIGN_SM2);
	want_len = hex_to_bytes(want, sizeof(want), CLI_PUB_HEX);
	assert_public_equals(k, want, want_len);
	/* The key loaded from the file verifies what the CLI signed with it. */
	sig_len = hex_to_bytes(sig, sizeof(sig), CLI_SIG_DEFAULT_ID_HEX);
	assert_int_equal(crypto_sign_verify(k, CLI_MESSAGE, strlen(CLI_MESSAGE), sig, sig_len), 0);
	crypto_sign_key_free(k);

	path_in(path, sizeof(path), f, "cli-ed25519.pem");
	write_file(path, ED25519_CLI_PEM, strlen(ED25519_CLI_PEM), 0600);
	assert_int_equal(crypto_sign_key_load_private(&k, path, NULL), 0);
	assert_int_equal(crypto_sign_key_alg(k), CRYPTO_SIGN_ED25519);
	want_len = hex_to_bytes(want, sizeof(want), ED25519_CLI_PUB_HEX);
	assert_public_equals(k, want, want_len);
	crypto_sign_key_free(k);
}

struct file_case {
	const char *why;
	const char *content;
	int rc;
	const char *code;
};

static const struct file_case bad_file_cases[] = {
	{"P-256 key", P256_PEM, SX_EUNSUPPORTED, "key_algorithm"},
	{"SEC1 EC PRIVATE KEY", P256_SEC1_PEM, SX_EINVALID, "key_malformed"},
	{"encrypted PKCS#8", SM2_ENCRYPTED_PEM, SX_EINVALID, "key_malformed"},
	{"public key", SM2_PUBLIC_PEM, SX_EINVALID, "key_malformed"},
	{"empty file", "", SX_EINVALID, "key_malformed"},
	{"not PEM", "hello, world\n", SX_EINVALID, "key_malformed"},
	{"truncated PEM",
	 "-----BEGIN PRIVATE KEY-----\n"
	 "MC4CAQAwBQYDK2VwBCIEIC+UnYLOG6HIXZrJ7kDk3bekPzRcBRQsc0FqL2STJShK\n",
	 SX_EINVALID, "key_malformed"},
	{"PKCS#8 label around garbage",
	 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", SX_EINVALID,
	 "key_malformed"},
};

static void test_load_refuses_other_algorithms_and_malformed_files(void **state)
{
	struct fixture *f = *state;
	char path[128];

	path_in(path, sizeof(path), f, "bad.pem");
	for (size_t i = 0; i < ARRAY_LEN(bad_file_cases); i++) {
		const struct file_case *c = &bad_file_cases[i];
		struct crypto_sign_key *k = NULL;
		struct sx_error err;
		int rc;

		write_file(path, c->content, strlen(c->content), 0600);
		rc = crypto_sign_key_load_private(&k, path, &err);
		if (rc != c->rc)
			fail_msg("%s: got %d, want %d", c->why, rc, c->rc);
		assert_null(k);
		assert_string_equal(err.code, c->code);
		assert_int_equal(unlink(path), 0);
	}
}

static void test_load_reports_missing_files_directories_and_oversized_files(void **state)
{
	struct fixture *f = *state;
	char path[128];
	struct crypto_sign_key *k = NULL;
	struct sx_error err;
	char *big;

	path_in(path, sizeof(path), f, "absent.pem");
	assert_int_equal(crypto_sign_key_load_private(&k, path, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "key_not_found");

	assert_int_equal(chmod(f->dir, 0700), 0);
	assert_int_equal(crypto_sign_key_load_private(&k, f->dir, &err), SX_EINVALID);

	big = malloc(CRYPTO_SIGN_KEY_FILE_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, 'A', CRYPTO_SIGN_KEY_FILE_MAX_BYTES + 1);
	path_in(path, sizeof(path), f, "big.pem");
	write_file(path, big, CRYPTO_SIGN_KEY_FILE_MAX_BYTES + 1, 0600);
	assert_int_equal(crypto_sign_key_load_private(&k, path, &err), SX_ETOOBIG);
	assert_null(k);
	free(big);
}

/* ---- allocation failure ---- */

static void test_allocation_failures_are_reported_and_leak_nothing(void **state)
{
	struct fixture *f = *state;
	char path[128];
	unsigned char d[32], pub[65];
	struct crypto_sign_key *k = NULL;
	struct crypto_sign_key *saved = NULL;
	int rc;

	hex_to_bytes(d, sizeof(d), GMT_D_HEX);
	hex_to_bytes(pub, sizeof(pub), GMT_PUB_HEX);

	sx_mem_fail_after(0);
	assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_SM2), SX_ENOMEM);
	assert_null(k);
	sx_mem_fail_after(0);
	assert_int_equal(crypto_sign_key_generate(&k, CRYPTO_SIGN_ED25519), SX_ENOMEM);
	sx_mem_fail_after(0);
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_SM2, d, 32), SX_ENOMEM);
	sx_mem_fail_after(0);
	assert_int_equal(crypto_sign_key_from_public_raw(&k, CRYPTO_SIGN_SM2, pub, 65), SX_ENOMEM);
	assert_null(k);
	sx_mem_fail_after(-1);

	/* save: fail each allocation in turn; a failed save leaves no file behind. */
	assert_int_equal(crypto_sign_key_from_private_raw(&saved, CRYPTO_SIGN_SM2, d, 32), 0);
	path_in(path, sizeof(path), f, "alloc.pem");
	for (long n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = crypto_sign_key_save_private(saved, path, NULL);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_int_equal(access(path, F_OK), -1);
		assert_true(n < 10);
	}
	/* load: the same, then the loaded key is the saved one. */
	for (long n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = crypto_sign_key_load_private(&k, path, NULL);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(k);
		assert_true(n < 10);
	}
	assert_public_equals(k, pub, 65);
	crypto_sign_key_free(k);
	crypto_sign_key_free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ed25519_reproduces_rfc8032_signatures_exactly),
		cmocka_unit_test(test_sm2_key_from_gmt0003_scalar_has_the_published_public_key),
		cmocka_unit_test(test_sm2_verifies_the_gmt0003_annex_a_signature),
		cmocka_unit_test(test_sm2_verifies_a_signature_made_by_the_openssl_cli),
		cmocka_unit_test(test_sm2_rejects_a_signature_made_with_the_empty_identifier),
		cmocka_unit_test(test_generated_keys_sign_and_verify_messages_of_any_length),
		cmocka_unit_test(test_ed25519_is_deterministic_and_sm2_draws_a_fresh_nonce),
		cmocka_unit_test(test_altered_message_or_signature_fails_as_corrupt),
		cmocka_unit_test(test_another_key_of_the_same_algorithm_does_not_verify),
		cmocka_unit_test(test_a_key_of_the_other_algorithm_refuses_the_signature),
		cmocka_unit_test(test_sm2_refuses_signatures_that_are_not_minimal_der),
		cmocka_unit_test(test_ed25519_refuses_signatures_of_the_wrong_length),
		cmocka_unit_test(test_public_only_keys_cannot_sign),
		cmocka_unit_test(test_from_public_raw_refuses_wrong_lengths_and_bad_points),
		cmocka_unit_test(test_sm2_private_scalars_must_lie_between_1_and_n_minus_2),
		cmocka_unit_test(test_small_output_buffers_are_refused),
		cmocka_unit_test(test_bad_arguments_are_refused),
		cmocka_unit_test(test_algorithm_names_are_stable),
		cmocka_unit_test_setup_teardown(test_saved_keys_are_0600_pkcs8_and_load_back,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_save_never_overwrites_an_existing_file,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
			test_save_refuses_public_only_keys_and_missing_directories, setup_dir,
			teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_refuses_files_open_to_group_or_others,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_reads_keys_written_by_the_openssl_cli,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
			test_load_refuses_other_algorithms_and_malformed_files, setup_dir,
			teardown_dir),
		cmocka_unit_test_setup_teardown(
			test_load_reports_missing_files_directories_and_oversized_files, setup_dir,
			teardown_dir),
		cmocka_unit_test_setup_teardown(
			test_allocation_failures_are_reported_and_leak_nothing, setup_dir,
			teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
