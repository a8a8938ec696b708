/*
 * ledger/event — events as leaves of the Merkle log.
 *
 * A leaf is the canonical JSON of an envelope
 *
 *   {"at":"2026-11-24T08:00:00.000000Z","data":{…},"entity":"01J…","kind":"user.create"}
 *
 * Canonical JSON here: UTF-8, object keys sorted by their UTF-8 bytes, no
 * insignificant whitespace, integers only (no floating point: money is in
 * fen), strings escaped minimally (", \, control characters). The same event
 * always gives the same bytes, so anyone can recompute its leaf hash.
 *
 * Events carry ids and content hashes (SHA-256 and SM3 of the files and
 * records they refer to), never personal data or file contents: the log is
 * public (tiles are served to anyone).
 *
 * This module does no SQL: storage is a set of operations the store provides
 * (struct ledger_storage), run inside the caller's write transaction, so an
 * event is committed together with the change it records.
 */
#ifndef SX_LEDGER_EVENT_H
#define SX_LEDGER_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"

#define LEDGER_LEAF_MAX_BYTES 65535   /* an entry bundle stores a uint16 length */
#define LEDGER_KIND_MAX 64

/* Storage operations over one open write transaction (ctx). */
struct ledger_storage {
	/* Leaves in the log as this transaction sees it. */
	int (*size)(uint64_t *out, void *ctx, struct sx_error *err);
	/* A stored complete-subtree hash (merkle_reader_fn). */
	merkle_reader_fn read_hash;
	int (*put_leaf)(void *ctx, uint64_t index, const char *kind, const char *entity_id,
			const char *data, size_t len, const struct merkle_hash *leaf_hash,
			const char *created_at, struct sx_error *err);
	int (*put_hash)(void *ctx, int level, uint64_t index, const struct merkle_hash *hash,
			struct sx_error *err);
};

/*
 * Canonicalizes a JSON text (see above). *out is NUL-terminated, freed with
 * sx_free. SX_EINVALID for malformed JSON, duplicate keys or a real number.
 */
int ledger_json_canonical(char **out, size_t *len, const char *json, size_t json_len,
			  struct sx_error *err);

/*
 * Appends one event: builds the envelope (kind, entity id, now, data =
 * canonical form of data_json, an object), stores the leaf and the new
 * subtree hashes through ops, and returns the leaf's index. The index is
 * final only when the caller's transaction commits. On error nothing was
 * stored (the caller rolls back).
 */
int ledger_event_append(uint64_t *index, const struct ledger_storage *ops, void *ctx,
			enum crypto_hash_alg alg, const char *kind, const char *entity_id,
			const char *data_json, size_t data_len, struct sx_error *err);

#endif
