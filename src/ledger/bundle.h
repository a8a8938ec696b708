/*
 * ledger/bundle — the offline proof bundle of one case (or any entity): the
 * events the log holds about it, an inclusion proof for each, the signed
 * checkpoint they are proved against, and optionally consistency proofs from
 * older tree sizes. `sanxiang export-proof` writes one, `sanxiang verify`
 * checks one without a server, and docs/ledger.md tells an outside auditor how
 * to check one by hand or with Go.
 *
 * Format: one JSON object (RFC 8259, UTF-8), fields in this order when
 * written, every field required unless marked, no other field allowed:
 *
 *   {
 *     "format": "sanxiang-proof-bundle/1",
 *     "hash": "sha256" | "sm3",          the log's hash, fixed when it was created
 *     "origin": "<checkpoint origin>",   first line of the checkpoint
 *     "entity": "<entity id>",           the case (or user, agency …) the events are about
 *     "checkpoint": "<signed note>",     the whole C2SP signed note, text and signature lines
 *     "vkeys": ["<vkey>", …],            the log's verifier keys as the exporter knew them
 *     "leaves": [                        ascending by index, no index twice, at least one
 *       {"index": I,                     0-based leaf index, < the checkpoint's size
 *        "data": "<leaf bytes>",         the canonical event JSON, as a JSON string
 *        "leaf_hash": "<base64>",        H(0x00 || data), standard base64 of 32 bytes
 *        "proof": ["<base64>", …]}       RFC 9162 §2.1.3.1 PATH(I, D[0:size]), leaf upwards
 *     ],
 *     "consistency": [                   may be empty; ascending by from, no from twice
 *       {"from": M,                      1 <= M <= size
 *        "from_root": "<base64>",        MTH(D[0:M])
 *        "proof": ["<base64>", …]}       RFC 9162 §2.1.4.1 PROOF(M, D[0:size])
 *     ],
 *     "pending": [I, …]                  indices of the entity's events appended after the
 *                                        checkpoint: named, not proved (may be empty)
 *   }
 *
 * Hashes are standard base64 with padding (RFC 4648 §4) of exactly 32 bytes,
 * as in the checkpoint and the proof API. Integers are JSON integers in
 * 0..2^63-1. "data" is carried as a string so that its exact bytes — which
 * are what is hashed — survive any JSON tool; the string decodes to UTF-8
 * without NUL bytes.
 *
 * What verifying proves: the trusted key(s) signed a checkpoint of this
 * origin whose tree contains each listed event at its index, each event is
 * the canonical JSON of an envelope about this entity, and (with an older
 * checkpoint) the signed tree grew from that one without rewriting history.
 * What it cannot prove: that the bundle lists *every* event about the entity
 * (a Merkle log proves membership, not absence); an auditor who needs that
 * reads all entries up to the checkpoint size from the tiles and filters by
 * entity.
 *
 * Invariants: pure — no I/O, no clock, no global state; everything comes
 * from the caller's bytes and keys. Every failure names one check with a
 * stable code and a zh-CN message that says which leaf (position in the
 * bundle and log index) or which proof failed. Checks run in a fixed order
 * (format, keys, checkpoint signature, checkpoint, each leaf in order: hash,
 * inclusion, canonical form, envelope, entity; consistency proofs; old
 * checkpoint) and the first failure is reported.
 *
 * Failure codes (struct sx_error.code) of bundle_verify:
 *   bad_bundle            SX_EINVALID   not a bundle of this format: JSON, fields, types,
 *                                       base64, order, limits, or no leaves
 *   unsupported_format    SX_EUNSUPPORTED  "format" names another version
 *   bad_key               SX_EINVALID   a vkey in the bundle does not parse
 *   checkpoint_malformed  SX_EINVALID   the checkpoint is not a signed note or not a checkpoint
 *   bad_signature         SX_ECORRUPT   a trusted key's signature does not verify
 *   unknown_key           SX_ECORRUPT   no trusted key signed the checkpoint
 *   sm2_signature_missing SX_ECORRUPT   an SM2 key is trusted but no trusted SM2 key signed
 *   wrong_origin          SX_ECORRUPT   checkpoint origin differs from the bundle's (or the
 *                                       old checkpoint's origin from the checkpoint's)
 *   leaf_not_covered      SX_ECORRUPT   a leaf index >= the checkpoint's size
 *   leaf_hash_mismatch    SX_ECORRUPT   H(0x00 || data) differs from the leaf_hash given
 *   inclusion_failed      SX_ECORRUPT   the inclusion proof does not lead to the signed root
 *   not_canonical         SX_ECORRUPT   data is not in canonical JSON form
 *   bad_event             SX_ECORRUPT   data is not an event envelope (at, data, entity, kind)
 *   wrong_entity          SX_ECORRUPT   the event's "entity" differs from the bundle's
 *   consistency_failed    SX_ECORRUPT   a consistency proof does not hold
 *   consistency_missing   SX_ECORRUPT   no consistency proof from the old checkpoint's size
 *   fork_detected         SX_ECORRUPT   the signed tree's history at the old size has
 *                                       another root than the signed old checkpoint
 *   old_checkpoint_newer  SX_ECONFLICT  the old checkpoint is larger than the bundle's
 * Old-checkpoint failures of signature or form use the same codes with a
 * message that says "旧检查点".
 *
 * Does not: read files or fetch keys (the CLI does), decide which keys to
 * trust (the caller passes them; without any it falls back to the bundle's
 * own keys and says so), or hash anything but leaves and proofs.
 *
 * Follows: RFC 9162 §2.1 (RFC 6962 tree, PATH, PROOF and their verification),
 * c2sp.org/tlog-checkpoint, c2sp.org/signed-note, RFC 8259, RFC 4648 §4.
 */
#ifndef SX_LEDGER_BUNDLE_H
#define SX_LEDGER_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/event.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

#define BUNDLE_FORMAT "sanxiang-proof-bundle/1"
#define BUNDLE_MAX_BYTES (64u * 1024 * 1024) /* a whole bundle */
#define BUNDLE_MAX_LEAVES 100000             /* leaves (and pending indices) in one bundle */
#define BUNDLE_MAX_CONSISTENCY 64            /* consistency proofs in one bundle */
#define BUNDLE_MAX_VKEYS 16                  /* vkeys in a bundle, and trusted verifiers */
#define BUNDLE_ENTITY_MAX 128                /* bytes of an entity id including its NUL */
#define BUNDLE_AT_MAX 40                     /* bytes of an event's "at" including its NUL */

/* One leaf to put into a bundle (borrowed). */
struct bundle_leaf {
	uint64_t index;                  /* leaf index in the log, 0..2^63-1 */
	const char *data;                /* the leaf bytes (canonical event JSON) */
	size_t data_len;                 /* 1..LEDGER_LEAF_MAX_BYTES */
	const struct merkle_hash *proof; /* inclusion proof in the checkpoint's tree */
	size_t proof_len;                /* 0..MERKLE_MAX_PROOF */
};

/* One consistency proof to put into a bundle (borrowed). */
struct bundle_consistency {
	uint64_t from;                   /* older tree size, 1..checkpoint size */
	struct merkle_hash from_root;    /* MTH of the first `from` leaves */
	const struct merkle_hash *proof; /* PROOF(from, checkpoint size) */
	size_t proof_len;                /* 0..MERKLE_MAX_PROOF */
};

/* Everything a bundle is built from (all borrowed). */
struct bundle_parts {
	enum crypto_hash_alg alg;
	const char *origin;                            /* the checkpoint's origin */
	const char *entity;                            /* 1..BUNDLE_ENTITY_MAX-1 bytes */
	const char *checkpoint;                        /* signed note */
	size_t checkpoint_len;                         /* 1..NOTE_MAX_BYTES */
	const char *const *vkeys;                      /* NUL-terminated vkeys */
	size_t vkey_count;                             /* 0..BUNDLE_MAX_VKEYS */
	const struct bundle_leaf *leaves;              /* ascending index */
	size_t leaf_count;                             /* 1..BUNDLE_MAX_LEAVES */
	const struct bundle_consistency *consistency;  /* ascending from; may be NULL when 0 */
	size_t consistency_count;                      /* 0..BUNDLE_MAX_CONSISTENCY */
	const uint64_t *pending;                       /* may be NULL when 0 */
	size_t pending_count;                          /* 0..BUNDLE_MAX_LEAVES */
};

/* A key whose signature on the checkpoint verified. */
struct bundle_signer {
	char name[NOTE_NAME_MAX];
	uint32_t key_id;
	enum crypto_sign_alg alg;
};

/* A leaf that verified. */
struct bundle_leaf_info {
	uint64_t index;
	char kind[LEDGER_KIND_MAX + 1]; /* the event's "kind" */
	char at[BUNDLE_AT_MAX];         /* the event's "at" (UTC, as recorded) */
};

/* A consistency proof that verified against the checkpoint. */
struct bundle_consistency_info {
	uint64_t from;
	struct merkle_hash from_root;
};

/*
 * What bundle_verify found. Filled as far as verification got, so that a
 * caller can say what was checked before a failure. Owns leaves; free with
 * bundle_report_free.
 */
struct bundle_report {
	enum crypto_hash_alg alg;            /* 0 until "hash" was read */
	char origin[CHECKPOINT_ORIGIN_MAX];  /* the bundle's origin; "" until read */
	char entity[BUNDLE_ENTITY_MAX];      /* "" until read */
	bool keys_from_bundle;               /* no trusted key given: the bundle's own vkeys were
						used, so who signed is NOT established */
	bool checkpoint_verified;            /* signature and form of the checkpoint hold */
	struct checkpoint checkpoint;        /* valid when checkpoint_verified */
	struct bundle_signer signers[BUNDLE_MAX_VKEYS]; /* keys that signed it, in key order */
	size_t signer_count;
	struct bundle_leaf_info *leaves;     /* leaves verified so far; sx_malloc'd */
	size_t leaf_count;
	struct bundle_consistency_info consistency[BUNDLE_MAX_CONSISTENCY]; /* verified proofs */
	size_t consistency_count;
	size_t pending_count;                /* events named as not yet covered */
	bool old_checked;                    /* an old checkpoint was given and is consistent */
	uint64_t old_size;                   /* its size, when old_checked */
};

/* How to verify (all borrowed). */
struct bundle_verify_options {
	const struct note_verifier *trusted; /* keys the caller trusts; may be NULL when 0 */
	size_t trusted_count;                /* 0 = use the bundle's vkeys (authenticity not
						established: report.keys_from_bundle) */
	const char *old_checkpoint;          /* an older signed checkpoint note, or NULL */
	size_t old_checkpoint_len;
};

/*
 * Writes the bundle of parts to out (a buffer the caller has set up with
 * buf_init) as indented JSON ending in "\n". Each leaf_hash is computed here
 * from the leaf's data; proofs are not checked (bundle_verify does that).
 *
 * Returns 0; SX_EINVALID (code "bad_bundle") for NULL arguments, an unknown
 * alg, an empty origin or entity, leaves out of order or twice, an index or
 * size over 2^63-1, data that is empty, not UTF-8 or holds a NUL, a proof
 * longer than MERKLE_MAX_PROOF; SX_ETOOBIG for counts over the limits or a
 * bundle over BUNDLE_MAX_BYTES or out's cap; SX_ENOMEM. On error out is
 * unchanged.
 */
int bundle_build(struct buf *out, const struct bundle_parts *parts, struct sx_error *err);

/*
 * Verifies the bundle bundle[0..len) as described at the top of this file.
 *
 * Trust: with opt->trusted_count > 0 the checkpoint must be signed by at
 * least one of opt->trusted, every signature by a trusted key must verify,
 * and when a trusted key is SM2 a trusted SM2 key must have signed. With
 * none, the same rules apply to the bundle's own vkeys and
 * out->keys_from_bundle is set: the caller must warn that this shows only
 * that the bundle is self-consistent, not who signed it.
 *
 * opt may be NULL (no trusted keys, no old checkpoint).
 *
 * Returns 0 when everything holds, with *out filled (free with
 * bundle_report_free); otherwise the SX_E* code listed at the top of this
 * file with err's code and message naming the failed check, and *out filled
 * as far as verification got (free it as well); SX_ENOMEM; SX_EINTERNAL.
 */
int bundle_verify(struct bundle_report *out, const char *bundle, size_t len,
		  const struct bundle_verify_options *opt, struct sx_error *err);

/* Frees what r owns and zeroes it. r may be NULL. */
void bundle_report_free(struct bundle_report *r);

#endif
