/*
 * fuzz/fuzz_note — libFuzzer target for ledger/note: the C2SP signed notes
 * that carry checkpoints to `sanxiang verify`, witnesses and the public
 * portal, and the vkeys an auditor pastes in. Both arrive from outside.
 *
 * Input layout: the first line (up to the first '\n', or all of it) is tried
 * as a vkey with note_verifier_parse; the bytes after that line are opened
 * with note_open under the fixed verifier plus, when it parsed, that one (so
 * a seed "vkey\nnote" reaches signature verification under any key); and
 * the whole input is opened under the fixed verifier alone. The fixed
 * verifier is the Ed25519 key of RFC 8032 §7.1 TEST 1's seed named
 * "sanxiang.example/log", the key of tests/unit/test_note.c's Go-made
 * checkpoint, so seeds signed by it reach the success path.
 *
 * Besides ASan/UBSan findings it aborts when a promise of note.h is broken:
 * verifiers with a NUL-terminated valid name and the key ID the name and key
 * give, zeroed on error; opened text NUL-terminated, ending in '\n', a prefix
 * of the note followed by the blank line, UTF-8 without controls other than
 * '\n'; verified[] agreeing with verified_count (1..count); *out zeroed on
 * error; only documented return codes.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_note.c
 *   src/ledger/note.c src/crypto/sign.c src/crypto/hash.c src/base/codec.c src/base/buf.c
 *   src/base/mem.c src/base/error.c -lcrypto
 * Seeds: fuzz/corpus/note/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "crypto/sign.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_NAME "sanxiang.example/log"

/* RFC 8032 §7.1 TEST 1 secret key (the Ed25519 seed). */
static const unsigned char fixed_seed[CRYPTO_SIGN_PRIVATE_BYTES] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_verifier(const struct note_verifier *v)
{
	unsigned char pub[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t pub_len = 0;
	uint32_t id = 0;

	check(memchr(v->name, '\0', sizeof(v->name)) != NULL);
	check(note_name_is_valid(v->name));
	check(v->key != NULL);
	check(crypto_sign_public_raw(pub, sizeof(pub), &pub_len, v->key) == 0);
	check(note_key_id(&id, v->name, crypto_sign_key_alg(v->key), pub, pub_len) == 0);
	check(id == v->key_id);
}

static void open_note(const char *note, size_t len, const struct note_verifier *v, size_t count)
{
	struct note_opened o;
	size_t trues = 0;
	int rc;

	memset(&o, 0xa5, sizeof(o));
	rc = note_open(&o, note, len, v, count);
	if (rc < 0) {
		check(rc == SX_EINVALID || rc == SX_ETOOBIG || rc == SX_ECORRUPT ||
		      rc == SX_ENOTFOUND || rc == SX_ENOMEM || rc == SX_EINTERNAL);
		check(o.text == NULL && o.verified == NULL && o.text_len == 0 &&
		      o.verifier_count == 0 && o.verified_count == 0 && o.unknown_count == 0);
		note_opened_free(&o);
		return;
	}
	check(rc == 0);
	check(len <= NOTE_MAX_BYTES);
	check(o.text != NULL && o.text_len >= 1 && o.text_len < len);
	check(o.text[o.text_len] == '\0' && o.text[o.text_len - 1] == '\n');
	/* The text is the note's own bytes up to its blank line. */
	check(memcmp(o.text, note, o.text_len) == 0 && note[o.text_len] == '\n');
	check(codec_is_valid_utf8(o.text, o.text_len));
	for (size_t i = 0; i < o.text_len; i++)
		check((unsigned char)o.text[i] >= 0x20 || o.text[i] == '\n');
	check(o.verifier_count == count && o.verified != NULL);
	for (size_t i = 0; i < count; i++)
		trues += o.verified[i] ? 1 : 0;
	check(trues == o.verified_count && trues >= 1 && trues <= count);
	check(o.unknown_count + o.verified_count <= NOTE_MAX_SIGNATURES);
	note_opened_free(&o);
	check(o.text == NULL && o.verified == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t line_len = nl != NULL ? (size_t)(nl - in) : size;
	struct crypto_sign_key *key = NULL;
	struct note_verifier v[2];
	char *line = NULL;
	size_t count = 1;
	int rc;

	memset(v, 0, sizeof(v));
	if (crypto_sign_key_from_private_raw(&key, CRYPTO_SIGN_ED25519, fixed_seed,
					     sizeof(fixed_seed)) != 0)
		abort();
	check(note_verifier_from_key(&v[0], FIXED_NAME, key) == 0);
	check_verifier(&v[0]);

	/* A vkey is a C string: whatever follows an embedded NUL is not seen. */
	line = sx_malloc(line_len + 1);
	if (line == NULL)
		goto cleanup;
	if (line_len > 0)
		memcpy(line, in, line_len);
	line[line_len] = '\0';
	memset(&v[1], 0xa5, sizeof(v[1]));
	rc = note_verifier_parse(&v[1], line);
	if (rc == 0) {
		check_verifier(&v[1]);
		count = 2;
	} else {
		check(rc == SX_EINVALID || rc == SX_EUNSUPPORTED || rc == SX_ENOMEM ||
		      rc == SX_EINTERNAL);
		check(v[1].name[0] == '\0' && v[1].key_id == 0 && v[1].key == NULL);
	}

	if (nl != NULL)
		open_note(nl + 1, size - line_len - 1, v, count);
	open_note(in, size, v, 1);
cleanup:
	sx_free(line);
	note_verifier_free(&v[1]);
	note_verifier_free(&v[0]);
	crypto_sign_key_free(key);
	return 0;
}
