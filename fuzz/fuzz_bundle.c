/*
 * fuzz/fuzz_bundle — libFuzzer target for ledger/bundle: the offline proof
 * bundles that `sanxiang verify` and the public verify page accept from
 * anyone (JSON, a signed note, vkeys, base64 proofs, event JSON inside).
 *
 * Each input is verified twice: with no trusted keys (the bundle's own vkeys
 * are used, as an auditor without keys would), and trusting the fixed Ed25519
 * key of RFC 8032 §7.1 TEST 1's seed named "sanxiang.example/log" with an old
 * checkpoint of size 2 signed by it, whose root is that of the seed
 * fuzz/corpus/bundle/sha256_ed25519.json's first two leaves, so the old-
 * checkpoint checks are reached too.
 *
 * Besides ASan/UBSan findings it aborts when a promise of bundle.h is
 * broken: on failure err carries the returned code, a documented failure
 * code and a UTF-8 message; the report's strings are NUL-terminated and its
 * counts within the limits whatever happened; on success the checkpoint is
 * verified, its origin is the bundle's, every leaf is covered by it and in
 * ascending order with NUL-terminated kind and at, every consistency proof
 * starts in 1..size, and keys_from_bundle says which keys were used.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_bundle.c
 *   src/ledger/bundle.c src/ledger/note.c src/ledger/checkpoint.c src/ledger/merkle.c
 *   src/ledger/event.c src/crypto/sign.c src/crypto/hash.c src/base/codec.c src/base/buf.c
 *   src/base/time.c src/base/mem.c src/base/error.c -lcrypto -ljansson
 * Seeds: fuzz/corpus/bundle/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "crypto/sign.h"
#include "ledger/bundle.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIXED_NAME "sanxiang.example/log"

/* MTH of the first two leaves of the seed sha256_ed25519.json. */
#define OLD_CHECKPOINT_TEXT "sanxiang.example/log\n2\naiOJ7miguxuD8HRePAYBDE4SVHbS+wv1JJvU6NANZ2Q=\n"

/* RFC 8032 §7.1 TEST 1 secret key (the Ed25519 seed). */
static const unsigned char fixed_seed[CRYPTO_SIGN_PRIVATE_BYTES] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
	0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
	0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

/* The failure codes bundle.h documents for bundle_verify. */
static const char *const failure_codes[] = {
	"bad_bundle",         "unsupported_format", "bad_key",
	"checkpoint_malformed", "bad_signature",    "unknown_key",
	"sm2_signature_missing", "wrong_origin",    "leaf_not_covered",
	"leaf_hash_mismatch", "inclusion_failed",   "not_canonical",
	"bad_event",          "wrong_entity",       "consistency_failed",
	"consistency_missing", "fork_detected",     "old_checkpoint_newer",
};

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_report(const struct bundle_report *r)
{
	check(terminated(r->origin, sizeof(r->origin)));
	check(terminated(r->entity, sizeof(r->entity)));
	check(r->signer_count <= BUNDLE_MAX_VKEYS);
	check(r->leaf_count <= BUNDLE_MAX_LEAVES);
	check(r->leaf_count == 0 || r->leaves != NULL);
	check(r->consistency_count <= BUNDLE_MAX_CONSISTENCY);
	check(r->pending_count <= BUNDLE_MAX_LEAVES);
	for (size_t i = 0; i < r->signer_count; i++)
		check(terminated(r->signers[i].name, sizeof(r->signers[i].name)));
	for (size_t i = 0; i < r->leaf_count; i++) {
		check(terminated(r->leaves[i].kind, sizeof(r->leaves[i].kind)));
		check(terminated(r->leaves[i].at, sizeof(r->leaves[i].at)));
	}
}

static void check_success(const struct bundle_report *r, bool trusted, bool with_old)
{
	check(r->alg == CRYPTO_HASH_SHA256 || r->alg == CRYPTO_HASH_SM3);
	check(r->keys_from_bundle == !trusted);
	check(r->checkpoint_verified && r->signer_count >= 1);
	check(strcmp(r->checkpoint.origin, r->origin) == 0 && r->entity[0] != '\0');
	check(r->leaf_count >= 1);
	for (size_t i = 0; i < r->leaf_count; i++) {
		check(r->leaves[i].index < r->checkpoint.size);
		check(i == 0 || r->leaves[i - 1].index < r->leaves[i].index);
	}
	for (size_t i = 0; i < r->consistency_count; i++)
		check(r->consistency[i].from >= 1 && r->consistency[i].from <= r->checkpoint.size);
	check(r->old_checked == with_old);
	check(!r->old_checked || r->old_size <= r->checkpoint.size);
}

static void verify(const char *bundle, size_t len, const struct bundle_verify_options *opt)
{
	bool trusted = opt != NULL && opt->trusted_count > 0;
	bool with_old = opt != NULL && opt->old_checkpoint != NULL;
	struct bundle_report r;
	struct sx_error err;
	bool known = false;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = bundle_verify(&r, bundle, len, opt, &err);
	check_report(&r);
	if (rc == 0) {
		check_success(&r, trusted, with_old);
	} else {
		check(rc < 0 && err.rc == rc && err.message[0] != '\0');
		check(terminated(err.code, sizeof(err.code)));
		check(terminated(err.message, sizeof(err.message)));
		check(codec_is_valid_utf8(err.message, strlen(err.message)));
		for (size_t i = 0; i < sizeof(failure_codes) / sizeof(failure_codes[0]); i++)
			known = known || strcmp(err.code, failure_codes[i]) == 0;
		check(known || rc == SX_ENOMEM || rc == SX_EINTERNAL);
	}
	bundle_report_free(&r);
	check(r.leaves == NULL && r.leaf_count == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crypto_sign_key *key = NULL;
	struct bundle_verify_options opt;
	struct note_verifier v;
	struct note_signer s;
	struct buf old;

	verify((const char *)data, size, NULL);

	memset(&v, 0, sizeof(v));
	buf_init(&old, NOTE_MAX_BYTES);
	if (crypto_sign_key_from_private_raw(&key, CRYPTO_SIGN_ED25519, fixed_seed,
					     sizeof(fixed_seed)) != 0)
		abort();
	check(note_verifier_from_key(&v, FIXED_NAME, key) == 0);
	s.name = FIXED_NAME;
	s.key = key;
	check(note_sign(&old, OLD_CHECKPOINT_TEXT, strlen(OLD_CHECKPOINT_TEXT), &s, 1) == 0);
	memset(&opt, 0, sizeof(opt));
	opt.trusted = &v;
	opt.trusted_count = 1;
	opt.old_checkpoint = old.data;
	opt.old_checkpoint_len = old.len;
	verify((const char *)data, size, &opt);

	buf_free(&old);
	note_verifier_free(&v);
	crypto_sign_key_free(key);
	return 0;
}
