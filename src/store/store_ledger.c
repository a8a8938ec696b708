/*
 * store/store_ledger — storage of the Merkle log (see store.h and
 * sql/sqlite/0002_ledger.sql). Hashes are stored as lower-case hex text so
 * that the SQL stays in the portable subset (no blob binding differences
 * between backends).
 */
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"
#include "ledger/event.h"
#include "store/store_internal.h"

static int store__hex32(char out[65], const unsigned char bytes[32])
{
	return codec_hex_encode(out, 65, bytes, 32);
}

static int store__unhex32(unsigned char out[32], const char *hex)
{
	size_t n = 0;

	if (hex == NULL || strlen(hex) != 64 || codec_hex_decode(out, 32, &n, hex, 64) < 0 || n != 32)
		return SX_ECORRUPT;
	return 0;
}

int store_ledger_size(uint64_t *out, struct store_tx *tx, struct sx_error *err)
{
	int64_t n = 0;
	int rc = store__query_int64(&n, tx, "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaf",
				    NULL, 0, err);

	*out = rc == 0 && n > 0 ? (uint64_t)n : 0;
	return rc;
}

int store_ledger_hash_get(unsigned char out[32], struct store_tx *tx, int level, uint64_t index,
			  struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx, "SELECT hash FROM ledger_hash WHERE level = $1 AND idx = $2",
			  STORE__PARAMS(P_INT(level), P_INT(index)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = store__unhex32(out, db_column_text(st, 0)) < 0
			     ? sx_error_setf(err, SX_ECORRUPT, NULL, NULL,
					     "ledger_hash (%d, %llu) is not 32 bytes of hex", level,
					     (unsigned long long)index)
			     : 0;
	else if (rc == DB_DONE)
		rc = SX_ENOTFOUND;
	db_finish(st);
	return rc;
}

/* ---- ledger_storage operations over a write transaction ---- */

static int store__ops_size(uint64_t *out, void *ctx, struct sx_error *err)
{
	return store_ledger_size(out, ctx, err);
}

static int store__ops_read_hash(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	return store_ledger_hash_get(out->bytes, ctx, level, index, NULL);
}

static int store__ops_put_leaf(void *ctx, uint64_t index, const char *kind, const char *entity_id,
			       const char *data, size_t len, const struct merkle_hash *leaf_hash,
			       const char *created_at, struct sx_error *err)
{
	struct store_tx *tx = ctx;
	char hex[65];
	char *text = NULL;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (store__hex32(hex, leaf_hash->bytes) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	/* data is canonical JSON without NUL bytes; bind it with its length. */
	text = sx_strndup(data, len);
	if (text == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	rc = store__exec(tx, NULL,
			 "INSERT INTO ledger_leaf (idx, kind, entity_id, data, leaf_hash, created_at) "
			 "VALUES ($1, $2, $3, $4, $5, $6)",
			 STORE__PARAMS(P_INT(index), P_TEXT(kind), P_TEXT(entity_id), P_TEXT(text),
				       P_TEXT(hex), P_TEXT(created_at)),
			 err);
	sx_free(text);
	return rc;
}

static int store__ops_put_hash(void *ctx, int level, uint64_t index, const struct merkle_hash *hash,
			       struct sx_error *err)
{
	char hex[65];

	if (store__hex32(hex, hash->bytes) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	return store__exec(ctx, NULL, "INSERT INTO ledger_hash (level, idx, hash) VALUES ($1, $2, $3)",
			   STORE__PARAMS(P_INT(level), P_INT(index), P_TEXT(hex)), err);
}

static const struct ledger_storage store_ledger_ops = {
	store__ops_size,
	store__ops_read_hash,
	store__ops_put_leaf,
	store__ops_put_hash,
};

const struct ledger_storage *store_ledger_storage(void)
{
	return &store_ledger_ops;
}

/* ---- meta ---- */

int store_ledger_meta_init(struct store_tx *tx, const char *hash_name, const char *origin,
			   struct sx_error *err)
{
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL, "INSERT INTO ledger_meta (key, value) VALUES ('hash', $1)",
			 STORE__PARAMS(P_TEXT(hash_name)), err);
	if (rc == 0)
		rc = store__exec(tx, NULL,
				 "INSERT INTO ledger_meta (key, value) VALUES ('origin', $1)",
				 STORE__PARAMS(P_TEXT(origin)), err);
	if (rc == SX_EEXISTS)
		return sx_error_set(err, SX_EEXISTS, "ledger_initialized", "防篡改日志已初始化，其哈希算法不能更改");
	return rc;
}

int store_ledger_meta_get(struct store_ledger_meta *out, struct store_tx *tx,
			  struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int found = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx, "SELECT key, value FROM ledger_meta", NULL, 0, err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *key = db_column_text(st, 0);

		if (key && strcmp(key, "hash") == 0) {
			store__column_copy(out->hash_name, sizeof(out->hash_name), st, 1);
			found |= 1;
		} else if (key && strcmp(key, "origin") == 0) {
			store__column_copy(out->origin, sizeof(out->origin), st, 1);
			found |= 2;
		}
	}
	db_finish(st);
	if (rc < 0)
		return rc;
	if (found != 3)
		return sx_error_set(err, SX_ENOTFOUND, "ledger_not_initialized", "防篡改日志尚未初始化");
	return 0;
}

/* ---- leaves ---- */

void store_ledger_leaf_clear(struct store_ledger_leaf *leaf)
{
	if (leaf == NULL)
		return;
	sx_free(leaf->data);
	memset(leaf, 0, sizeof(*leaf));
}

static int store__leaf_from_row(struct store_ledger_leaf *out, struct db_stmt *st,
				struct sx_error *err)
{
	const char *data = db_column_text(st, 3);

	memset(out, 0, sizeof(*out));
	out->index = (uint64_t)db_column_int64(st, 0);
	store__column_copy(out->kind, sizeof(out->kind), st, 1);
	store__column_copy(out->entity_id, sizeof(out->entity_id), st, 2);
	out->data_len = data ? db_column_bytes(st, 3) : 0;
	out->data = sx_strndup(data ? data : "", out->data_len);
	if (out->data == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if (store__unhex32(out->leaf_hash, db_column_text(st, 4)) < 0) {
		store_ledger_leaf_clear(out);
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "ledger_leaf %llu: bad hash",
				     (unsigned long long)db_column_int64(st, 0));
	}
	store__column_copy(out->created_at, sizeof(out->created_at), st, 5);
	return 0;
}

#define LEAF_COLUMNS "idx, kind, entity_id, data, leaf_hash, created_at"

int store_ledger_leaf_get(struct store_ledger_leaf *out, struct store_tx *tx, uint64_t index,
			  struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__query(&st, tx, "SELECT " LEAF_COLUMNS " FROM ledger_leaf WHERE idx = $1",
			  STORE__PARAMS(P_INT(index)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = store__leaf_from_row(out, st, err);
	else if (rc == DB_DONE)
		rc = sx_error_set(err, SX_ENOTFOUND, "leaf_not_found", "日志条目不存在");
	db_finish(st);
	return rc;
}

int store_ledger_leaf_range(struct store_tx *tx, uint64_t from, uint64_t count,
			    int (*cb)(const struct store_ledger_leaf *leaf, void *ctx), void *ctx,
			    struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = store__query(&st, tx,
			  "SELECT " LEAF_COLUMNS " FROM ledger_leaf WHERE idx >= $1 AND idx < $2 "
			  "ORDER BY idx",
			  STORE__PARAMS(P_INT(from), P_INT(from + count)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct store_ledger_leaf leaf;

		if ((rc = store__leaf_from_row(&leaf, st, err)) < 0)
			break;
		rc = cb(&leaf, ctx);
		store_ledger_leaf_clear(&leaf);
		if (rc < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}

int store_ledger_leaves_of(uint64_t **out, size_t *count, struct store_tx *tx,
			   const char *entity_id, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	uint64_t *items = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	rc = store__query(&st, tx, "SELECT idx FROM ledger_leaf WHERE entity_id = $1 ORDER BY idx",
			  STORE__PARAMS(P_TEXT(entity_id)), err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			break;
		items[len++] = (uint64_t)db_column_int64(st, 0);
	}
	db_finish(st);
	if (rc < 0) {
		sx_free(items);
		return rc;
	}
	*out = items;
	*count = len;
	return 0;
}

/* ---- checkpoints ---- */

void store_ledger_checkpoint_clear(struct store_ledger_checkpoint *c)
{
	if (c == NULL)
		return;
	sx_free(c->note);
	memset(c, 0, sizeof(*c));
}

int store_ledger_checkpoint_insert(struct store_tx *tx, uint64_t size, const unsigned char root[32],
				   const char *note, struct sx_error *err)
{
	char hex[65];
	char now[STORE_TIME_SIZE];
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (store__hex32(hex, root) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	sx_time_format_utc(now, sx_time_now_us());
	return store__exec(tx, NULL,
			   "INSERT INTO ledger_checkpoint (size, root, note, created_at) "
			   "VALUES ($1, $2, $3, $4)",
			   STORE__PARAMS(P_INT(size), P_TEXT(hex), P_TEXT(note), P_TEXT(now)), err);
}

static int store__checkpoint_query(struct store_ledger_checkpoint *out, struct store_tx *tx,
				   const char *sql, const struct store__param *params,
				   size_t count, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store__query(&st, tx, sql, params, count, err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *note = db_column_text(st, 2);

		out->size = (uint64_t)db_column_int64(st, 0);
		out->note_len = note ? db_column_bytes(st, 2) : 0;
		out->note = sx_strndup(note ? note : "", out->note_len);
		store__column_copy(out->created_at, sizeof(out->created_at), st, 3);
		if (out->note == NULL)
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		else if (store__unhex32(out->root, db_column_text(st, 1)) < 0)
			rc = sx_error_set(err, SX_ECORRUPT, NULL, NULL);
		else
			rc = 0;
		if (rc < 0)
			store_ledger_checkpoint_clear(out);
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "no_checkpoint", "尚未发布检查点");
	}
	db_finish(st);
	return rc;
}

int store_ledger_checkpoint_latest(struct store_ledger_checkpoint *out, struct store_tx *tx,
				   struct sx_error *err)
{
	return store__checkpoint_query(
		out, tx,
		"SELECT size, root, note, created_at FROM ledger_checkpoint ORDER BY size DESC LIMIT 1",
		NULL, 0, err);
}

int store_ledger_checkpoint_at(struct store_ledger_checkpoint *out, struct store_tx *tx,
			       uint64_t size, struct sx_error *err)
{
	return store__checkpoint_query(
		out, tx, "SELECT size, root, note, created_at FROM ledger_checkpoint WHERE size = $1",
		STORE__PARAMS(P_INT(size)), err);
}
