/*
 * Unit tests for ledger/note against golang.org/x/mod/sumdb/note: the
 * package's own example (the "PeterNeumann" key, vkey and note from note.go's
 * documentation and note_test.go, golang-golang-x-mod-dev 0.7.0), a
 * checkpoint note made by Go's note.Sign from a fixed seed, forgeries, key
 * ID collisions, unknown keys, malformed notes and vkeys (Go's own mangling
 * table), SM2 lines next to Ed25519 lines, limits and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "ledger/note.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- golang.org/x/mod/sumdb/note: note.go documentation and note_test.go ---- */

#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
/* The 32-byte seed inside "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV...": base64 minus 0x01. */
#define PETER_SEED_HEX "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

#define PETER_TEXT                                                                     \
	"If you think cryptography is the answer to your problem,\n"                   \
	"then you don't know what your problem is.\n"
#define PETER_SIG                                                                      \
	"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2" \
	"pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_SIG                                                                      \
	"\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5" \
	"ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
/* Go's "Invalid signature" case: PETER_SIG with "ABCD" spliced in at byte 60. */
#define PETER_SIG_FORGED                                                               \
	"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZIABCDnNIuGUgYN1F" \
	"FYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

/*
 * Made by Go's note.Sign (golang-golang-x-mod-dev 0.7.0, go 1.19) with the
 * Ed25519 seed of RFC 8032 §7.1 TEST 1 under the name "sanxiang.example/log";
 * the root is SHA-256 of the empty string.
 */
#define RFC8032_TEST1_SEED_HEX "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define CHECKPOINT_NAME "sanxiang.example/log"
#define CHECKPOINT_VKEY "sanxiang.example/log+9c4e3ea8+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define CHECKPOINT_TEXT                                                                \
	"sanxiang.example/log\n42\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
#define CHECKPOINT_NOTE                                                                \
	CHECKPOINT_TEXT "\n"                                                           \
	"\xe2\x80\x94 sanxiang.example/log nE4+qG507CUWlnHBWLO1B2HgxOCG75uQTItcukV4PY53IxkKBw1I" \
	"JcM5hL9hEMgGn5tKT0s6w0lt0qSyROfB3a6y9AU=\n"

/* ---- helpers ---- */

static size_t hex_to_bytes(unsigned char *out, size_t out_size, const char *hex)
{
	size_t n = strlen(hex) / 2;

	assert_true(n <= out_size);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
	return n;
}

static struct crypto_sign_key *ed25519_from_seed(const char *seed_hex)
{
	unsigned char seed[32];
	struct crypto_sign_key *k = NULL;

	assert_int_equal(hex_to_bytes(seed, sizeof(seed), seed_hex), 32);
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_ED25519, seed, 32), 0);
	return k;
}

static void parse_vkey(struct note_verifier *v, const char *vkey)
{
	assert_int_equal(note_verifier_parse(v, vkey), 0);
	assert_non_null(v->key);
}

static int open_str(struct note_opened *out, const char *note, const struct note_verifier *v,
		    size_t count)
{
	return note_open(out, note, strlen(note), v, count);
}

/* Builds "— name base64(id || sig)\n" by hand, to forge lines the signer would not write. */
static void make_line(char *out, size_t out_size, const char *name, uint32_t id,
		      const unsigned char *sig, size_t sig_len)
{
	unsigned char raw[4 + 128];
	char b64[200];
	int n;

	assert_true(sig_len <= 128);
	raw[0] = (unsigned char)(id >> 24);
	raw[1] = (unsigned char)(id >> 16);
	raw[2] = (unsigned char)(id >> 8);
	raw[3] = (unsigned char)id;
	memcpy(raw + 4, sig, sig_len);
	assert_int_equal(codec_base64_encode(b64, sizeof(b64), raw, 4 + sig_len), 0);
	n = snprintf(out, out_size, "\xe2\x80\x94 %s %s\n", name, b64);
	assert_true(n > 0 && (size_t)n < out_size);
}

/* ---- the Go example ---- */

static void test_go_example_note_opens_with_the_go_example_vkey(void **state)
{
	struct note_verifier peter;
	struct note_opened o;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	assert_string_equal(peter.name, "PeterNeumann");
	assert_int_equal(peter.key_id, 0xc74f20a3);
	assert_int_equal(crypto_sign_key_alg(peter.key), CRYPTO_SIGN_ED25519);

	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, &peter, 1), 0);
	assert_int_equal(o.text_len, strlen(PETER_TEXT));
	assert_string_equal(o.text, PETER_TEXT);
	assert_int_equal(o.verifier_count, 1);
	assert_true(o.verified[0]);
	assert_int_equal(o.verified_count, 1);
	assert_int_equal(o.unknown_count, 0);
	note_opened_free(&o);
	assert_null(o.text);
	note_verifier_free(&peter);
	assert_null(peter.key);
	note_verifier_free(&peter);
}

static void test_signing_the_go_example_with_its_seed_reproduces_the_go_note(void **state)
{
	struct crypto_sign_key *k = ed25519_from_seed(PETER_SEED_HEX);
	struct note_signer signer = {"PeterNeumann", k};
	char vkey[NOTE_VKEY_MAX];
	uint32_t id = 0;
	unsigned char pub[32];
	size_t pub_len = 0;
	struct buf b;

	(void)state;
	assert_int_equal(note_vkey(vkey, sizeof(vkey), "PeterNeumann", k), 0);
	assert_string_equal(vkey, PETER_VKEY);
	assert_int_equal(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, k), 0);
	assert_int_equal(note_key_id(&id, "PeterNeumann", CRYPTO_SIGN_ED25519, pub, pub_len), 0);
	assert_int_equal(id, 0xc74f20a3);

	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_sign(&b, PETER_TEXT, strlen(PETER_TEXT), &signer, 1), 0);
	assert_int_equal(b.len, strlen(PETER_TEXT "\n" PETER_SIG));
	assert_string_equal(b.data, PETER_TEXT "\n" PETER_SIG);
	buf_free(&b);
	crypto_sign_key_free(k);
}

static void test_checkpoint_signed_with_a_fixed_seed_matches_the_note_go_signed(void **state)
{
	struct crypto_sign_key *k = ed25519_from_seed(RFC8032_TEST1_SEED_HEX);
	struct note_signer signer = {CHECKPOINT_NAME, k};
	struct note_verifier v;
	struct note_opened o;
	char vkey[NOTE_VKEY_MAX];
	struct buf b;

	(void)state;
	assert_int_equal(note_vkey(vkey, sizeof(vkey), CHECKPOINT_NAME, k), 0);
	assert_string_equal(vkey, CHECKPOINT_VKEY);
	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_sign(&b, CHECKPOINT_TEXT, strlen(CHECKPOINT_TEXT), &signer, 1), 0);
	assert_string_equal(b.data, CHECKPOINT_NOTE);

	parse_vkey(&v, CHECKPOINT_VKEY);
	assert_int_equal(note_open(&o, b.data, b.len, &v, 1), 0);
	assert_string_equal(o.text, CHECKPOINT_TEXT);
	note_opened_free(&o);
	note_verifier_free(&v);
	buf_free(&b);
	crypto_sign_key_free(k);
}

static void test_both_go_example_signatures_verify_when_both_keys_are_known(void **state)
{
	struct note_verifier v[2];
	struct note_opened o;

	(void)state;
	parse_vkey(&v[0], ENOCH_VKEY);
	parse_vkey(&v[1], PETER_VKEY);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG ENOCH_SIG, v, 2), 0);
	assert_true(o.verified[0]);
	assert_true(o.verified[1]);
	assert_int_equal(o.verified_count, 2);
	assert_int_equal(o.unknown_count, 0);
	note_opened_free(&o);
	note_verifier_free(&v[0]);
	note_verifier_free(&v[1]);
}

static void test_unknown_keys_are_skipped_and_counted(void **state)
{
	struct note_verifier peter;
	struct note_opened o;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" ENOCH_SIG PETER_SIG ENOCH_SIG, &peter, 1), 0);
	assert_int_equal(o.verified_count, 1);
	assert_int_equal(o.unknown_count, 2);
	note_opened_free(&o);
	note_verifier_free(&peter);
}

static void test_a_note_no_known_key_signed_is_not_found(void **state)
{
	struct note_verifier enoch;
	struct note_opened o;

	(void)state;
	parse_vkey(&enoch, ENOCH_VKEY);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, &enoch, 1), SX_ENOTFOUND);
	assert_null(o.text);
	assert_null(o.verified);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, NULL, 0), SX_ENOTFOUND);
	note_verifier_free(&enoch);
}

/* ---- forgeries ---- */

static void test_a_forged_signature_fails_as_corrupt(void **state)
{
	struct note_verifier v[2];
	struct note_opened o;

	(void)state;
	parse_vkey(&v[0], PETER_VKEY);
	parse_vkey(&v[1], ENOCH_VKEY);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG_FORGED, v, 1), SX_ECORRUPT);
	assert_null(o.text);
	/* A good signature by another known key does not excuse the bad one. */
	assert_int_equal(open_str(&o, PETER_TEXT "\n" ENOCH_SIG PETER_SIG_FORGED, v, 2),
			 SX_ECORRUPT);
	/* Nor does an earlier good signature by the same key (Go would skip the repeat). */
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG PETER_SIG_FORGED, v, 1),
			 SX_ECORRUPT);
	/* A repeated good signature is fine and counts once. */
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG PETER_SIG, v, 1), 0);
	assert_int_equal(o.verified_count, 1);
	note_opened_free(&o);
	/* The forged line by a key we do not know is skipped, as Go does. */
	assert_int_equal(open_str(&o, PETER_TEXT "\n" ENOCH_SIG PETER_SIG_FORGED, &v[1], 1), 0);
	assert_int_equal(o.unknown_count, 1);
	note_opened_free(&o);
	note_verifier_free(&v[0]);
	note_verifier_free(&v[1]);
}

static void test_an_altered_text_fails_as_corrupt(void **state)
{
	static const char note[] = PETER_TEXT "\n" PETER_SIG;
	struct note_verifier peter;
	char copy[sizeof(note)];
	struct note_opened o;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	for (size_t i = 0; i + 1 < strlen(PETER_TEXT); i++) {
		memcpy(copy, note, sizeof(note));
		/* Letters to other letters, keeping the note well-formed. */
		if (copy[i] >= 'a' && copy[i] < 'z') {
			copy[i]++;
			assert_int_equal(open_str(&o, copy, &peter, 1), SX_ECORRUPT);
		}
	}
	note_verifier_free(&peter);
}

static void test_another_key_under_the_same_name_and_key_id_fails_as_corrupt(void **state)
{
	struct crypto_sign_key *other = ed25519_from_seed(RFC8032_TEST1_SEED_HEX);
	struct note_verifier peter;
	struct note_opened o;
	unsigned char sig[CRYPTO_SIGN_SIG_MAX_BYTES];
	size_t sig_len = 0;
	char line[256], note[1024];

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	/* A real signature of the very text, by a key that claims Peter's name and ID. */
	assert_int_equal(crypto_sign(sig, sizeof(sig), &sig_len, other, PETER_TEXT,
				     strlen(PETER_TEXT)), 0);
	make_line(line, sizeof(line), "PeterNeumann", 0xc74f20a3, sig, sig_len);
	snprintf(note, sizeof(note), "%s\n%s", PETER_TEXT, line);
	assert_int_equal(open_str(&o, note, &peter, 1), SX_ECORRUPT);
	/* An SM2-sized signature under an Ed25519 key's name and ID is just as bad. */
	memset(sig, 0x30, sizeof(sig));
	make_line(line, sizeof(line), "PeterNeumann", 0xc74f20a3, sig, 70);
	snprintf(note, sizeof(note), "%s\n%s", PETER_TEXT, line);
	assert_int_equal(open_str(&o, note, &peter, 1), SX_ECORRUPT);
	note_verifier_free(&peter);
	crypto_sign_key_free(other);
}

static void test_lines_sharing_only_the_name_or_only_the_key_id_are_unknown(void **state)
{
	struct note_verifier peter;
	struct note_opened o;
	unsigned char junk[64];
	char line1[256], line2[256], note[1024];

	(void)state;
	memset(junk, 0x5a, sizeof(junk));
	parse_vkey(&peter, PETER_VKEY);
	make_line(line1, sizeof(line1), "PeterNeumann", 0xc74f20a4, junk, sizeof(junk));
	make_line(line2, sizeof(line2), "PeterNeuman", 0xc74f20a3, junk, sizeof(junk));
	snprintf(note, sizeof(note), "%s\n%s%s%s", PETER_TEXT, line1, PETER_SIG, line2);
	assert_int_equal(open_str(&o, note, &peter, 1), 0);
	assert_int_equal(o.unknown_count, 2);
	note_opened_free(&o);
	snprintf(note, sizeof(note), "%s\n%s%s", PETER_TEXT, line1, line2);
	assert_int_equal(open_str(&o, note, &peter, 1), SX_ENOTFOUND);
	note_verifier_free(&peter);
}

/* ---- malformed notes ---- */

struct bad_note {
	const char *why;
	const char *note;
	int rc;
};

static const struct bad_note bad_notes[] = {
	/* golang.org/x/mod/sumdb/note TestOpen badMsgs */
	{"text only", PETER_TEXT, SX_EINVALID},
	{"no signatures after the blank line", PETER_TEXT "\n", SX_EINVALID},
	{"last line without newline",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuG"
		    "UgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
	 SX_EINVALID},
	{"control character", "\x01" PETER_TEXT "\n" PETER_SIG, SX_EINVALID},
	{"invalid UTF-8", "\xff" PETER_TEXT "\n" PETER_SIG, SX_EINVALID},
	{"space in key name",
	 PETER_TEXT "\n\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
		    "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"unexpected line after the signatures", PETER_TEXT "\n" PETER_SIG "Unexpected line.\n",
	 SX_EINVALID},
	/* ours */
	{"empty note", "", SX_EINVALID},
	{"blank line after the signatures", PETER_TEXT "\n" PETER_SIG "\n", SX_EINVALID},
	{"ASCII dashes instead of an em dash",
	 PETER_TEXT "\n-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
		    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"en dash",
	 PETER_TEXT "\n\xe2\x80\x93 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
		    "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"no space after the em dash",
	 PETER_TEXT "\n\xe2\x80\x94PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
		    "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"two spaces before the signature",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIu"
		    "GUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"trailing space",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
		    "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n",
	 SX_EINVALID},
	{"missing base64 padding",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
		    "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
	 SX_EINVALID},
	{"base64 with non-zero spare bits",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
		    "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n",
	 SX_EINVALID},
	{"signature of four bytes (a key ID only)",
	 PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08gow==\n", SX_EINVALID},
	{"empty key name",
	 PETER_TEXT "\n\xe2\x80\x94  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
		    "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"plus in key name",
	 PETER_TEXT "\n\xe2\x80\x94 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuG"
		    "UgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"no-break space in key name",
	 PETER_TEXT "\n\xe2\x80\x94 Peter\xc2\xa0Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
		    "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"ideographic space in key name",
	 PETER_TEXT "\n\xe2\x80\x94 Peter\xe3\x80\x80Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA"
		    "cElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	 SX_EINVALID},
	{"tab in the text", "a\tb\n\n" PETER_SIG, SX_EINVALID},
	{"carriage return line ends", "a\r\n\r\n" PETER_SIG, SX_EINVALID},
	{"overlong UTF-8 in the text", "a\xc0\xaf\n\n" PETER_SIG, SX_EINVALID},
	{"UTF-16 surrogate in the text", "a\xed\xa0\x80\n\n" PETER_SIG, SX_EINVALID},
};

static void test_malformed_notes_are_refused(void **state)
{
	struct note_verifier peter;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	for (size_t i = 0; i < ARRAY_LEN(bad_notes); i++) {
		struct note_opened o;
		int rc = open_str(&o, bad_notes[i].note, &peter, 1);

		if (rc != bad_notes[i].rc)
			fail_msg("%s: got %d, want %d", bad_notes[i].why, rc, bad_notes[i].rc);
		assert_null(o.text);
	}
	/* A NUL byte, which strlen-based helpers would hide. */
	{
		static const char with_nul[] = "a\0b\n\n" PETER_SIG;
		struct note_opened o;

		assert_int_equal(note_open(&o, with_nul, sizeof(with_nul) - 1, &peter, 1),
				 SX_EINVALID);
	}
	note_verifier_free(&peter);
}

static void test_the_text_ends_at_the_last_blank_line(void **state)
{
	static const char *const texts[] = {"\n", "a\n\nb\n", "a\n\n\n", "\xe2\x80\x94 x y\n\n"};
	struct crypto_sign_key *k = ed25519_from_seed(PETER_SEED_HEX);
	struct note_signer signer = {"PeterNeumann", k};
	struct note_verifier peter;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		struct note_opened o;
		struct buf b;

		buf_init(&b, NOTE_MAX_BYTES);
		assert_int_equal(note_sign(&b, texts[i], strlen(texts[i]), &signer, 1), 0);
		assert_int_equal(note_open(&o, b.data, b.len, &peter, 1), 0);
		assert_int_equal(o.text_len, strlen(texts[i]));
		assert_string_equal(o.text, texts[i]);
		note_opened_free(&o);
		buf_free(&b);
	}
	note_verifier_free(&peter);
	crypto_sign_key_free(k);
}

static void test_limits_are_100_signatures_and_one_mebibyte(void **state)
{
	struct note_verifier peter;
	struct note_opened o;
	struct buf b;
	char *big;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	buf_init(&b, NOTE_MAX_BYTES + 16);
	assert_int_equal(buf_append_str(&b, PETER_TEXT "\n"), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_append_str(&b, PETER_SIG), 0);
	assert_int_equal(note_open(&o, b.data, b.len, &peter, 1), 0);
	note_opened_free(&o);
	assert_int_equal(buf_append_str(&b, PETER_SIG), 0);
	assert_int_equal(note_open(&o, b.data, b.len, &peter, 1), SX_ETOOBIG);
	/* Also when none of the 101 is by a known key. */
	assert_int_equal(note_open(&o, b.data, b.len, NULL, 0), SX_ETOOBIG);
	buf_free(&b);

	big = malloc(NOTE_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, 'a', NOTE_MAX_BYTES + 1);
	assert_int_equal(note_open(&o, big, NOTE_MAX_BYTES + 1, &peter, 1), SX_ETOOBIG);
	free(big);
	note_verifier_free(&peter);
}

/* ---- SM2 next to Ed25519 ---- */

static void test_sm2_and_ed25519_lines_on_one_note_each_need_only_their_key(void **state)
{
	struct crypto_sign_key *ed = NULL;
	struct crypto_sign_key *sm = NULL;
	struct note_signer signers[2];
	struct note_verifier v_ed, v_sm, both[2];
	struct note_opened o;
	char vkey[NOTE_VKEY_MAX];
	struct buf b;
	char *sm2_line;

	(void)state;
	assert_int_equal(crypto_sign_key_generate(&ed, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign_key_generate(&sm, CRYPTO_SIGN_SM2), 0);
	signers[0] = (struct note_signer){CHECKPOINT_NAME, ed};
	signers[1] = (struct note_signer){CHECKPOINT_NAME, sm};
	assert_int_equal(note_vkey(vkey, sizeof(vkey), CHECKPOINT_NAME, ed), 0);
	parse_vkey(&v_ed, vkey);
	assert_int_equal(note_vkey(vkey, sizeof(vkey), CHECKPOINT_NAME, sm), 0);
	parse_vkey(&v_sm, vkey);
	assert_int_equal(crypto_sign_key_alg(v_sm.key), CRYPTO_SIGN_SM2);
	assert_int_not_equal(v_ed.key_id, v_sm.key_id);

	buf_init(&b, NOTE_MAX_BYTES);
	assert_int_equal(note_sign(&b, CHECKPOINT_TEXT, strlen(CHECKPOINT_TEXT), signers, 2), 0);

	assert_int_equal(note_open(&o, b.data, b.len, &v_ed, 1), 0);
	assert_int_equal(o.unknown_count, 1);
	note_opened_free(&o);
	assert_int_equal(note_open(&o, b.data, b.len, &v_sm, 1), 0);
	assert_int_equal(o.unknown_count, 1);
	assert_string_equal(o.text, CHECKPOINT_TEXT);
	note_opened_free(&o);
	both[0] = v_sm;
	both[1] = v_ed;
	assert_int_equal(note_open(&o, b.data, b.len, both, 2), 0);
	assert_int_equal(o.verified_count, 2);
	note_opened_free(&o);

	/* Alter the last base64 character before the padding of the SM2 (second) line. */
	sm2_line = strrchr(b.data, ' ');
	assert_non_null(sm2_line);
	{
		char *eq = strchr(sm2_line, '=');
		char *c = eq ? eq - 1 : b.data + b.len - 2;

		*c = *c == 'A' ? 'Q' : 'A';
	}
	assert_int_equal(note_open(&o, b.data, b.len, &v_sm, 1), SX_ECORRUPT);
	assert_int_equal(note_open(&o, b.data, b.len, &v_ed, 1), 0);
	note_opened_free(&o);

	buf_free(&b);
	note_verifier_free(&v_ed);
	note_verifier_free(&v_sm);
	crypto_sign_key_free(ed);
	crypto_sign_key_free(sm);
}

static void test_sm2_key_ids_and_vkeys_use_the_documented_key_material(void **state)
{
	unsigned char d[32], pub[65], material[100], input[300], digest[32];
	struct crypto_sign_key *k = NULL;
	char vkey[NOTE_VKEY_MAX], want_prefix[64];
	const char *b64;
	size_t material_len = 0, pub_len = 0, n = 0;
	uint32_t id = 0, want;

	(void)state;
	/* The GM/T 0003.5 Annex A key, so the vkey below is fixed. */
	hex_to_bytes(d, sizeof(d),
		     "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8");
	assert_int_equal(crypto_sign_key_from_private_raw(&k, CRYPTO_SIGN_SM2, d, 32), 0);
	assert_int_equal(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, k), 0);

	/* SHA-256("log.example" || 0x0A || 0xFF || "sanxiang/sm2-sm3/v1" || 0x00 || pub)[:4] */
	memcpy(input, "log.example\n\xffsanxiang/sm2-sm3/v1", 32);
	input[32] = 0x00;
	memcpy(input + 33, pub, 65);
	n = 33 + 65;
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, digest, input, n), 0);
	want = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
	       digest[3];
	assert_int_equal(note_key_id(&id, "log.example", CRYPTO_SIGN_SM2, pub, 65), 0);
	assert_int_equal(id, want);

	assert_int_equal(note_vkey(vkey, sizeof(vkey), "log.example", k), 0);
	snprintf(want_prefix, sizeof(want_prefix), "log.example+%08x+", (unsigned)want);
	assert_memory_equal(vkey, want_prefix, strlen(want_prefix));
	b64 = vkey + strlen(want_prefix);
	assert_int_equal(codec_base64_decode(material, sizeof(material), &material_len, b64,
					     strlen(b64)), 0);
	assert_int_equal(material_len, 86);
	assert_memory_equal(material, input + 12, 86);
	crypto_sign_key_free(k);
}

static void test_vkeys_round_trip_for_both_algorithms(void **state)
{
	static const enum crypto_sign_alg algs[] = {CRYPTO_SIGN_ED25519, CRYPTO_SIGN_SM2};

	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(algs); a++) {
		struct crypto_sign_key *k = NULL;
		struct note_verifier parsed, direct;
		char vkey[NOTE_VKEY_MAX];
		unsigned char pub[65];
		size_t pub_len = 0;
		uint32_t id = 0;

		assert_int_equal(crypto_sign_key_generate(&k, algs[a]), 0);
		assert_int_equal(note_vkey(vkey, sizeof(vkey), "例子.中国/日志", k), 0);
		parse_vkey(&parsed, vkey);
		assert_string_equal(parsed.name, "例子.中国/日志");
		assert_int_equal(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, k), 0);
		assert_int_equal(note_key_id(&id, "例子.中国/日志", algs[a], pub, pub_len), 0);
		assert_int_equal(parsed.key_id, id);
		assert_int_equal(crypto_sign_key_alg(parsed.key), algs[a]);
		assert_false(crypto_sign_key_has_private(parsed.key));

		assert_int_equal(note_verifier_from_key(&direct, "例子.中国/日志", k), 0);
		assert_string_equal(direct.name, parsed.name);
		assert_int_equal(direct.key_id, parsed.key_id);
		assert_false(crypto_sign_key_has_private(direct.key));
		note_verifier_free(&direct);
		note_verifier_free(&parsed);
		crypto_sign_key_free(k);
	}
}

/* ---- vkeys ---- */

static void test_vkey_parse_refuses_every_mangling_go_refuses(void **state)
{
	const char *vkey = PETER_VKEY;
	size_t len = strlen(vkey);
	char s[sizeof(PETER_VKEY)];

	(void)state;
	/* note_test.go TestNewVerifier: every proper substring, and every byte plus one. */
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i + 1; j <= len; j++) {
			struct note_verifier v;

			if (i == 0 && j == len)
				continue;
			memcpy(s, vkey + i, j - i);
			s[j - i] = '\0';
			if (note_verifier_parse(&v, s) == 0)
				fail_msg("accepted substring %s", s);
			assert_null(v.key);
		}
	}
	for (size_t i = 0; i < len; i++) {
		struct note_verifier v;

		memcpy(s, vkey, len + 1);
		s[i]++;
		if (note_verifier_parse(&v, s) == 0)
			fail_msg("accepted %s", s);
	}
}

static void test_vkey_parse_tells_wrong_keys_from_unknown_algorithms(void **state)
{
	struct note_verifier v;

	(void)state;
	/* note_test.go: wrong length key and unknown algorithm, each with an adjusted key ID. */
	assert_int_equal(note_verifier_parse(&v, "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBf"
						 "sVkmqq/LDE4izWy10TWBADKEY=="),
			 SX_EINVALID);
	assert_int_equal(note_verifier_parse(&v, "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBf"
						 "sVkmqq/LDE4izWy10TW"),
			 SX_EUNSUPPORTED);
	/* Go's ParseUint accepts upper-case hex, and so do we. */
	assert_int_equal(note_verifier_parse(&v, "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBf"
						 "sVkmqq/LDE4izWy10TW"),
			 0);
	assert_int_equal(v.key_id, 0xc74f20a3);
	note_verifier_free(&v);
	assert_int_equal(note_verifier_parse(&v, "PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsV"
						 "kmqq/LDE4izWy10TW"),
			 SX_EINVALID);
	assert_int_equal(note_verifier_parse(&v, NULL), SX_EINVALID);
	assert_int_equal(note_verifier_parse(NULL, PETER_VKEY), SX_EINVALID);
}

/* ---- signing rules ---- */

static void test_note_sign_refuses_texts_and_signers_that_break_the_rules(void **state)
{
	struct crypto_sign_key *k = ed25519_from_seed(PETER_SEED_HEX);
	struct crypto_sign_key *pub_only = NULL;
	struct note_verifier peter;
	struct note_signer good = {"PeterNeumann", k};
	struct note_signer twice[2] = {{"PeterNeumann", k}, {"PeterNeumann", k}};
	static const char *const bad_texts[] = {
		"", "no newline", "tab\there\n", "cr\r\n", "bad \xff utf8\n", "nul\0x\n",
	};
	static const char *const bad_names[] = {"", "a b", "a+b", "a\nb", "a\xe2\x80\x83" "b"};
	struct buf b;

	(void)state;
	parse_vkey(&peter, PETER_VKEY);
	static const unsigned char some_point[32] = "0123456789abcdef0123456789abcde";

	assert_int_equal(crypto_sign_key_from_public_raw(&pub_only, CRYPTO_SIGN_ED25519,
							 some_point, 32), 0);
	buf_init(&b, NOTE_MAX_BYTES);
	for (size_t i = 0; i < ARRAY_LEN(bad_texts); i++) {
		size_t len = strlen(bad_texts[i]);

		if (i == ARRAY_LEN(bad_texts) - 1)
			len = 6; /* "nul\0x\n" */
		assert_int_equal(note_sign(&b, bad_texts[i], len, &good, 1), SX_EINVALID);
		assert_int_equal(b.len, 0);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad_names); i++) {
		struct note_signer s = {bad_names[i], k};

		assert_int_equal(note_sign(&b, "t\n", 2, &s, 1), SX_EINVALID);
	}
	{
		struct note_signer s = {"PeterNeumann", pub_only};

		assert_int_equal(note_sign(&b, "t\n", 2, &s, 1), SX_EINVALID);
	}
	assert_int_equal(note_sign(&b, "t\n", 2, twice, 2), SX_EINVALID);
	assert_int_equal(note_sign(&b, "t\n", 2, &good, 0), SX_EINVALID);
	assert_int_equal(note_sign(&b, "t\n", 2, NULL, 1), SX_EINVALID);
	assert_int_equal(note_sign(NULL, "t\n", 2, &good, 1), SX_EINVALID);
	assert_int_equal(note_sign(&b, NULL, 2, &good, 1), SX_EINVALID);
	assert_int_equal(b.len, 0);

	/* Appends to what out holds; on error leaves it as it was. */
	assert_int_equal(buf_append_str(&b, "before|"), 0);
	assert_int_equal(note_sign(&b, PETER_TEXT, strlen(PETER_TEXT), &good, 1), 0);
	assert_string_equal(b.data, "before|" PETER_TEXT "\n" PETER_SIG);
	buf_free(&b);
	buf_init(&b, 100);
	assert_int_equal(note_sign(&b, PETER_TEXT, strlen(PETER_TEXT), &good, 1), SX_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);

	note_verifier_free(&peter);
	crypto_sign_key_free(pub_only);
	crypto_sign_key_free(k);
}

static void test_note_sign_refuses_notes_over_one_mebibyte(void **state)
{
	struct crypto_sign_key *k = ed25519_from_seed(PETER_SEED_HEX);
	struct note_signer s = {"PeterNeumann", k};
	size_t len = NOTE_MAX_BYTES - 50; /* fits as text, not with its signature line */
	char *text = malloc(NOTE_MAX_BYTES + 1);
	struct buf b;

	(void)state;
	assert_non_null(text);
	memset(text, 'a', NOTE_MAX_BYTES + 1);
	text[len - 1] = '\n';
	buf_init(&b, 2 * NOTE_MAX_BYTES);
	assert_int_equal(note_sign(&b, text, len, &s, 1), SX_ETOOBIG);
	text[NOTE_MAX_BYTES] = '\n';
	assert_int_equal(note_sign(&b, text, NOTE_MAX_BYTES + 1, &s, 1), SX_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	free(text);
	crypto_sign_key_free(k);
}

struct name_case {
	const char *name;
	bool valid;
};

static const struct name_case name_cases[] = {
	{"PeterNeumann", true},
	{"example.com/log42", true},
	{"执法.例子.中国/日志", true},
	{"a-b_c~d=e", true},
	{"", false},
	{"a b", false},
	{"a+b", false},
	{"a\tb", false},
	{"a\x01" "b", false},
	{"a\xc2\x85" "b", false},     /* U+0085 NEXT LINE */
	{"a\xc2\xa0" "b", false},     /* U+00A0 NO-BREAK SPACE */
	{"a\xe1\x9a\x80" "b", false}, /* U+1680 OGHAM SPACE MARK */
	{"a\xe2\x80\x8a" "b", false}, /* U+200A HAIR SPACE */
	{"a\xe2\x80\xa8" "b", false}, /* U+2028 LINE SEPARATOR */
	{"a\xe2\x80\xaf" "b", false}, /* U+202F NARROW NO-BREAK SPACE */
	{"a\xe3\x80\x80" "b", false}, /* U+3000 IDEOGRAPHIC SPACE */
	{"a\xe2\x80\x8b" "b", true},  /* U+200B ZERO WIDTH SPACE is not White_Space */
	{"a\xff" "b", false},
	{"a\xc0\xa0" "b", false},     /* overlong space */
};

static void test_key_names_follow_go_rules(void **state)
{
	char long_name[NOTE_NAME_MAX + 1];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(name_cases); i++) {
		if (note_name_is_valid(name_cases[i].name) != name_cases[i].valid)
			fail_msg("name case %zu: want %s", i,
				 name_cases[i].valid ? "valid" : "invalid");
	}
	assert_false(note_name_is_valid(NULL));
	memset(long_name, 'n', sizeof(long_name));
	long_name[NOTE_NAME_MAX - 1] = '\0';
	assert_true(note_name_is_valid(long_name));
	long_name[NOTE_NAME_MAX - 1] = 'n';
	long_name[NOTE_NAME_MAX] = '\0';
	assert_false(note_name_is_valid(long_name));
}

static void test_verifier_lists_must_be_complete_and_name_each_key_once(void **state)
{
	struct note_verifier v[2];
	struct note_opened o;

	(void)state;
	parse_vkey(&v[0], PETER_VKEY);
	parse_vkey(&v[1], PETER_VKEY);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, v, 2), SX_EINVALID);
	note_verifier_free(&v[1]);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, v, 2), SX_EINVALID);
	assert_int_equal(open_str(&o, PETER_TEXT "\n" PETER_SIG, NULL, 1), SX_EINVALID);
	assert_int_equal(note_open(NULL, "x", 1, v, 1), SX_EINVALID);
	assert_int_equal(note_open(&o, NULL, 1, v, 1), SX_EINVALID);
	note_verifier_free(&v[0]);
}

static void test_key_id_and_vkey_refuse_bad_arguments(void **state)
{
	struct crypto_sign_key *k = ed25519_from_seed(PETER_SEED_HEX);
	unsigned char pub[65] = {4};
	char vkey[NOTE_VKEY_MAX];
	uint32_t id;

	(void)state;
	assert_int_equal(note_key_id(&id, "a b", CRYPTO_SIGN_ED25519, pub, 32), SX_EINVALID);
	assert_int_equal(note_key_id(&id, "ab", CRYPTO_SIGN_ED25519, pub, 65), SX_EINVALID);
	assert_int_equal(note_key_id(&id, "ab", CRYPTO_SIGN_SM2, pub, 32), SX_EINVALID);
	assert_int_equal(note_key_id(&id, "ab", (enum crypto_sign_alg)5, pub, 32), SX_EINVALID);
	assert_int_equal(note_key_id(NULL, "ab", CRYPTO_SIGN_ED25519, pub, 32), SX_EINVALID);
	assert_int_equal(note_vkey(vkey, sizeof(vkey), "a+b", k), SX_EINVALID);
	assert_int_equal(note_vkey(vkey, strlen(PETER_VKEY), "PeterNeumann", k), SX_ETOOBIG);
	assert_string_equal(vkey, "");
	assert_int_equal(note_vkey(vkey, 10, "PeterNeumann", k), SX_ETOOBIG);
	assert_int_equal(note_vkey(vkey, strlen(PETER_VKEY) + 1, "PeterNeumann", k), 0);
	assert_string_equal(vkey, PETER_VKEY);
	crypto_sign_key_free(k);
}

/* ---- allocation failure ---- */

static void test_allocation_failures_are_reported_and_leak_nothing(void **state)
{
	struct crypto_sign_key *ed = ed25519_from_seed(PETER_SEED_HEX);
	struct crypto_sign_key *sm = NULL;
	struct note_signer signers[2];
	struct note_verifier v[2];
	char vkey[NOTE_VKEY_MAX];
	struct buf b;
	int rc;

	(void)state;
	assert_int_equal(crypto_sign_key_generate(&sm, CRYPTO_SIGN_SM2), 0);
	signers[0] = (struct note_signer){"PeterNeumann", ed};
	signers[1] = (struct note_signer){"PeterNeumann", sm};
	assert_int_equal(note_vkey(vkey, sizeof(vkey), "PeterNeumann", sm), 0);

	for (long n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = note_verifier_parse(&v[0], vkey);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(v[0].key);
	}
	for (long n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = note_verifier_from_key(&v[1], "PeterNeumann", ed);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(v[1].key);
	}

	buf_init(&b, NOTE_MAX_BYTES);
	for (long n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = note_sign(&b, PETER_TEXT, strlen(PETER_TEXT), signers, 2);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_int_equal(b.len, 0);
		assert_true(n < 50);
	}
	for (long n = 0;; n++) {
		struct note_opened o;

		sx_mem_fail_after(n);
		rc = note_open(&o, b.data, b.len, v, 2);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(o.verified_count, 2);
			note_opened_free(&o);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(o.text);
		assert_null(o.verified);
		assert_true(n < 50);
	}
	buf_free(&b);
	note_verifier_free(&v[0]);
	note_verifier_free(&v[1]);
	crypto_sign_key_free(sm);
	crypto_sign_key_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_example_note_opens_with_the_go_example_vkey),
		cmocka_unit_test(test_signing_the_go_example_with_its_seed_reproduces_the_go_note),
		cmocka_unit_test(
			test_checkpoint_signed_with_a_fixed_seed_matches_the_note_go_signed),
		cmocka_unit_test(test_both_go_example_signatures_verify_when_both_keys_are_known),
		cmocka_unit_test(test_unknown_keys_are_skipped_and_counted),
		cmocka_unit_test(test_a_note_no_known_key_signed_is_not_found),
		cmocka_unit_test(test_a_forged_signature_fails_as_corrupt),
		cmocka_unit_test(test_an_altered_text_fails_as_corrupt),
		cmocka_unit_test(test_another_key_under_the_same_name_and_key_id_fails_as_corrupt),
		cmocka_unit_test(test_lines_sharing_only_the_name_or_only_the_key_id_are_unknown),
		cmocka_unit_test(test_malformed_notes_are_refused),
		cmocka_unit_test(test_the_text_ends_at_the_last_blank_line),
		cmocka_unit_test(test_limits_are_100_signatures_and_one_mebibyte),
		cmocka_unit_test(test_sm2_and_ed25519_lines_on_one_note_each_need_only_their_key),
		cmocka_unit_test(test_sm2_key_ids_and_vkeys_use_the_documented_key_material),
		cmocka_unit_test(test_vkeys_round_trip_for_both_algorithms),
		cmocka_unit_test(test_vkey_parse_refuses_every_mangling_go_refuses),
		cmocka_unit_test(test_vkey_parse_tells_wrong_keys_from_unknown_algorithms),
		cmocka_unit_test(test_note_sign_refuses_texts_and_signers_that_break_the_rules),
		cmocka_unit_test(test_note_sign_refuses_notes_over_one_mebibyte),
		cmocka_unit_test(test_key_names_follow_go_rules),
		cmocka_unit_test(test_verifier_lists_must_be_complete_and_name_each_key_once),
		cmocka_unit_test(test_key_id_and_vkey_refuse_bad_arguments),
		cmocka_unit_test(test_allocation_failures_are_reported_and_leak_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
