/*
 * service/ledger — the tamper-evident log as the rest of sanxiang uses it:
 *
 * - service_ledger_record: append an event inside the caller's write
 *   transaction (so the event commits with the change it records, in the same
 *   group commit);
 * - set-up at `init` (hash chosen once, signing keys made with mode 0600);
 * - publishing signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note,
 *   signed with Ed25519 and SM2) and serving tiles, keys and proofs for them.
 *
 * Everything served is consistent with a published checkpoint: tiles and
 * proofs are computed for checkpoint sizes, never for the live tree.
 */
#ifndef SX_SERVICE_LEDGER_H
#define SX_SERVICE_LEDGER_H

#include "base/buf.h"
#include "ledger/merkle.h"
#include "service/service.h"

struct service_ledger;

struct service_ledger_init_options {
	const char *hash_name;   /* "sha256" (default) or "sm3" */
	const char *origin;      /* checkpoint origin line; NULL = "sanxiang.local/<ULID>" */
	const char *key_dir;     /* where the private keys go (created 0700) */
};

/* Sets up the ledger of a freshly created database: meta, keys, first event.
 * SX_EEXISTS when the ledger is already set up or a key file exists. */
int service_ledger_init(const struct service *svc, const struct service_ledger_init_options *opt,
			struct sx_error *err);

/* Loads the meta and the signing keys for serving; svc->ledger is set.
 * Keys are refused unless mode 0600 (crypto/sign). */
int service_ledger_open(struct service *svc, const char *key_dir, struct sx_error *err);
void service_ledger_close(struct service *svc);

/* The default key folder for a SQLite database path ("<db>.keys").
 * SX_EINVALID for a PostgreSQL DSN: the keys of a server database have no
 * natural place beside it, so --key-dir must name one. SX_ETOOBIG when too long. */
int service_ledger_default_key_dir(char *out, size_t out_size, const char *db);

/*
 * Appends one event within tx (a write transaction). data_json is a JSON
 * object without personal data. *index (may be NULL) receives the leaf index,
 * final when tx commits.
 */
int service_ledger_record(uint64_t *index, const struct service *svc, struct store_tx *tx,
			  const char *kind, const char *entity_id, const char *data_json,
			  struct sx_error *err);

/*
 * Like service_ledger_record with a flat object of string fields:
 * fields = {"key1", "value1", "key2", "value2", NULL}. Values are escaped.
 */
int service_ledger_record_fields(uint64_t *index, const struct service *svc, struct store_tx *tx,
				 const char *kind, const char *entity_id,
				 const char *const *fields, struct sx_error *err);

/* Publishes a checkpoint if the log grew since the last one. *size_out (may
 * be NULL) gets the size of the newest checkpoint afterwards. */
int service_ledger_publish(uint64_t *size_out, const struct service *svc, struct sx_error *err);

/* The newest signed checkpoint note (appended to out). SX_ENOTFOUND before
 * the first. */
int service_ledger_checkpoint(struct buf *out, uint64_t *size, const struct service *svc,
			      struct sx_error *err);

/* The verifier keys, one "vkey" per line (appended to out). */
int service_ledger_keys(struct buf *out, const struct service *svc, struct sx_error *err);

/*
 * A tile by its C2SP path below "tile/" (e.g. "0/x001/234" or "entries/000.p/5"),
 * for the newest checkpoint's tree. *full tells whether the tile is full (and
 * so immutable). SX_ENOTFOUND for a tile outside the published tree.
 */
int service_ledger_tile(struct buf *out, bool *full, const struct service *svc, const char *path,
			struct sx_error *err);

/* Inclusion proof of leaf index in the tree of `size` leaves (a published
 * checkpoint size). */
struct service_ledger_proof {
	uint64_t index, size, from, to;
	struct merkle_hash leaf_hash;      /* inclusion only */
	struct merkle_hash root;           /* root of size / to */
	struct merkle_hash from_root;      /* consistency only */
	struct merkle_hash path[MERKLE_MAX_PROOF];
	size_t path_len;
	char hash_name[16];
};
int service_ledger_prove_inclusion(struct service_ledger_proof *out, const struct service *svc,
				   uint64_t index, uint64_t size, struct sx_error *err);
int service_ledger_prove_consistency(struct service_ledger_proof *out, const struct service *svc,
				     uint64_t from, uint64_t to, struct sx_error *err);

#endif
