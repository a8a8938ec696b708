/*
 * sx_make_note — writes a checkpoint signed as a C2SP note by a fresh Ed25519
 * key and a fresh SM2 key, for tests/interop/test_note_interop.sh to hand to
 * Go's golang.org/x/mod/sumdb/note and to the openssl CLI.
 *
 *     sx_make_note DIR
 *
 * Writes into DIR (which must exist):
 *     checkpoint.txt    the checkpoint text (the note's signed text)
 *     checkpoint.note   the signed note: text, blank line, Ed25519 line, SM2 line
 *     ed25519.vkey      the Ed25519 verifier key (sumdb/note format), no newline
 *     sm2.vkey          the SM2 verifier key (type 0xff, see ledger/note.h), no newline
 *     ed25519.key       the private keys, PKCS#8 PEM, mode 0600
 *     sm2.key
 *
 * The keys are generated, saved, and loaded back before signing, so the
 * files on disk are what signed the note. Before writing the note, the
 * program opens it with ledger/note and parses it with ledger/checkpoint and
 * fails if either disagrees. Exit status 0 on success, 1 on any failure (with
 * a message on stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

#define ORIGIN "sanxiang.example/interop-log"

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *fp;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return SX_EINVALID;
	fp = fopen(path, "wb");
	if (fp == NULL)
		return SX_EIO;
	if (fwrite(data, 1, len, fp) != len) {
		fclose(fp);
		return SX_EIO;
	}
	return fclose(fp) == 0 ? 0 : SX_EIO;
}

/* Generates a key of alg, saves it as DIR/name, and loads it back into *out. */
static int make_key(struct crypto_sign_key **out, enum crypto_sign_alg alg, const char *dir,
		    const char *name)
{
	struct crypto_sign_key *k = NULL;
	struct sx_error err;
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	int rc;

	sx_error_clear(&err);
	if (n < 0 || (size_t)n >= sizeof(path))
		return SX_EINVALID;
	if ((rc = crypto_sign_key_generate(&k, alg)) < 0)
		goto cleanup;
	if ((rc = crypto_sign_key_save_private(k, path, &err)) < 0)
		goto cleanup;
	rc = crypto_sign_key_load_private(out, path, &err);

cleanup:
	if (rc < 0)
		fprintf(stderr, "sx_make_note: key %s: %s (%s) %s\n", path, sx_errno_code(rc),
			err.code, err.detail);
	crypto_sign_key_free(k);
	return rc;
}

static int run(const char *dir)
{
	struct crypto_sign_key *ed = NULL;
	struct crypto_sign_key *sm = NULL;
	struct note_verifier verifiers[2] = {{{0}, 0, NULL}, {{0}, 0, NULL}};
	struct note_opened opened = {0};
	struct checkpoint c = {.size = 123456789}, back;
	struct buf text, note;
	char ed_vkey[NOTE_VKEY_MAX], sm_vkey[NOTE_VKEY_MAX];
	const char *step = "";
	int rc;

	buf_init(&text, 4096);
	buf_init(&note, NOTE_MAX_BYTES);
	memcpy(c.origin, ORIGIN, sizeof(ORIGIN));

	step = "keys";
	if ((rc = make_key(&ed, CRYPTO_SIGN_ED25519, dir, "ed25519.key")) < 0 ||
	    (rc = make_key(&sm, CRYPTO_SIGN_SM2, dir, "sm2.key")) < 0)
		goto cleanup;

	step = "checkpoint";
	if ((rc = crypto_hash(CRYPTO_HASH_SHA256, c.root, "sanxiang interop", 16)) < 0 ||
	    (rc = checkpoint_format(&text, &c)) < 0)
		goto cleanup;

	step = "sign";
	{
		const struct note_signer signers[2] = {{ORIGIN, ed}, {ORIGIN, sm}};

		if ((rc = note_sign(&note, text.data, text.len, signers, 2)) < 0)
			goto cleanup;
	}

	step = "vkeys";
	if ((rc = note_vkey(ed_vkey, sizeof(ed_vkey), ORIGIN, ed)) < 0 ||
	    (rc = note_vkey(sm_vkey, sizeof(sm_vkey), ORIGIN, sm)) < 0 ||
	    (rc = note_verifier_parse(&verifiers[0], ed_vkey)) < 0 ||
	    (rc = note_verifier_parse(&verifiers[1], sm_vkey)) < 0)
		goto cleanup;

	step = "self-check";
	if ((rc = note_open(&opened, note.data, note.len, verifiers, 2)) < 0)
		goto cleanup;
	if (opened.verified_count != 2 || opened.unknown_count != 0 ||
	    opened.text_len != text.len || memcmp(opened.text, text.data, text.len) != 0) {
		rc = SX_EINTERNAL;
		goto cleanup;
	}
	if ((rc = checkpoint_parse(&back, opened.text, opened.text_len)) < 0)
		goto cleanup;
	if (memcmp(&back, &c, sizeof(c)) != 0) {
		rc = SX_EINTERNAL;
		goto cleanup;
	}

	step = "write";
	if ((rc = write_file(dir, "checkpoint.txt", text.data, text.len)) < 0 ||
	    (rc = write_file(dir, "checkpoint.note", note.data, note.len)) < 0 ||
	    (rc = write_file(dir, "ed25519.vkey", ed_vkey, strlen(ed_vkey))) < 0 ||
	    (rc = write_file(dir, "sm2.vkey", sm_vkey, strlen(sm_vkey))) < 0)
		goto cleanup;
	rc = 0;

cleanup:
	if (rc < 0)
		fprintf(stderr, "sx_make_note: %s failed: %s\n", step, sx_errno_code(rc));
	note_opened_free(&opened);
	note_verifier_free(&verifiers[0]);
	note_verifier_free(&verifiers[1]);
	buf_free(&note);
	buf_free(&text);
	crypto_sign_key_free(sm);
	crypto_sign_key_free(ed);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sx_make_note DIR\n");
		return 2;
	}
	return run(argv[1]) < 0 ? 1 : 0;
}
