/*
 * store/db_sqlite — the SQLite driver behind db.h.
 *
 * Each connection is opened with: WAL journal (readers never block the writer),
 * synchronous=FULL (a commit that returned is on disk: acknowledged writes
 * survive a crash of the process or the machine), foreign_keys=ON,
 * trusted_schema=OFF, and a busy timeout. Connections are opened with
 * SQLITE_OPEN_NOMUTEX: the store guarantees one thread per connection at a
 * time, so SQLite's own per-connection mutex would only cost.
 *
 * Placeholders are written $1, $2, … (PostgreSQL style). SQLite treats "$1" as
 * a named parameter whose index is its order of first appearance, so binding
 * looks the index up by name: SQL may use $2 before $1 or $1 twice.
 *
 * Its functions are reached through the ops table at the end of this file
 * (db_driver.h); db.c does the dispatch and the NULL checks db.h promises.
 */
#include "store/db_driver.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define DB_STMT_CACHE_MAX 128

struct sqlite_stmt {
	struct db_stmt base; /* first: a struct db_stmt * is a struct sqlite_stmt * */
	sqlite3_stmt *stmt;
	const char *key;    /* the caller's pointer: SQL is almost always a literal */
	char *sql;          /* owned copy; the cache key when pointers differ */
	bool in_use;        /* prepared and not yet finished */
	/* position[n] = SQLite's index of placeholder $n (0 = absent), worked out
	 * once at prepare so binding does no name lookup. */
	unsigned char position[DB_MAX_PARAMS + 1];
};

struct sqlite_db {
	struct db base; /* first: a struct db * is a struct sqlite_db * */
	sqlite3 *conn;
	struct sqlite_stmt cache[DB_STMT_CACHE_MAX];
	size_t cache_len;
	bool in_transaction;
};

static const struct db_ops sqlite_ops;

static struct sqlite_db *sqlite__db(struct db *db)
{
	return (struct sqlite_db *)db;
}

static struct sqlite_stmt *sqlite__stmt(struct db_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

static int sqlite__exec(struct db *base, const char *sql, struct sx_error *err);
static void sqlite__close(struct db *base);

static int db__map_error(struct sqlite_db *db, int src, struct sx_error *err, const char *what)
{
	int ext = db->conn ? sqlite3_extended_errcode(db->conn) : src;
	const char *msg = db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(src);

	switch (src & 0xff) {
	case SQLITE_CONSTRAINT:
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return sx_error_setf(err, SX_EEXISTS, NULL, NULL, "sqlite %s: %s", what, msg);
		/* Append-only triggers RAISE(ABORT, 'append_only: …'). */
		if (strncmp(msg, "append_only", 11) == 0)
			return sx_error_setf(err, SX_EPERM, "append_only", "该记录只能追加，不能修改或删除",
					     "sqlite %s: %s", what, msg);
		return sx_error_setf(err, SX_EINVALID, NULL, NULL, "sqlite %s: %s", what, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sx_error_setf(err, SX_EBUSY, NULL, NULL, "sqlite %s: %s", what, msg);
	case SQLITE_FULL:
		return sx_error_setf(err, SX_ENOSPC, NULL, NULL, "sqlite %s: %s", what, msg);
	case SQLITE_NOMEM:
		return sx_error_setf(err, SX_ENOMEM, NULL, NULL, "sqlite %s: %s", what, msg);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "sqlite %s: %s", what, msg);
	case SQLITE_CANTOPEN:
		return sx_error_setf(err, SX_ENOTFOUND, "db_not_found", "数据库不存在或无法打开",
				     "sqlite %s: %s", what, msg);
	case SQLITE_TOOBIG:
		return sx_error_setf(err, SX_ETOOBIG, NULL, NULL, "sqlite %s: %s", what, msg);
	default:
		return sx_error_setf(err, SX_EIO, NULL, NULL, "sqlite %s: %s (%d)", what, msg, ext);
	}
}

int db_sqlite_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
		   int busy_timeout_ms, struct sx_error *err)
{
	struct sqlite_db *db = NULL;
	int flags = SQLITE_OPEN_NOMUTEX;
	int src;
	int rc = 0;

	*out = NULL;
	if (dsn == NULL || dsn[0] == '\0')
		return sx_error_set(err, SX_EINVALID, "db_path_missing", "未指定数据库路径");
	db = sx_calloc(1, sizeof(*db));
	if (db == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	db->base.ops = &sqlite_ops;
	if (mode == DB_OPEN_READ_ONLY)
		flags |= SQLITE_OPEN_READONLY;
	else
		flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	src = sqlite3_open_v2(dsn, &db->conn, flags, NULL);
	if (src != SQLITE_OK) {
		rc = db__map_error(db, src, err, "open");
		goto cleanup;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_busy_timeout(db->conn, busy_timeout_ms);
	if (mode == DB_OPEN_READ_WRITE) {
		rc = sqlite__exec(&db->base, "PRAGMA journal_mode=WAL;", err);
		if (rc < 0)
			goto cleanup;
	}
	rc = sqlite__exec(&db->base,
			  "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;",
			  err);
	if (rc < 0)
		goto cleanup;
	*out = &db->base;
	db = NULL;
cleanup:
	if (db)
		sqlite__close(&db->base);
	return rc;
}

static void sqlite__close(struct db *base)
{
	struct sqlite_db *db = sqlite__db(base);

	for (size_t i = 0; i < db->cache_len; i++) {
		sqlite3_finalize(db->cache[i].stmt);
		sx_free(db->cache[i].sql);
	}
	sqlite3_close_v2(db->conn);
	sx_free(db);
}

static int sqlite__exec(struct db *base, const char *sql, struct sx_error *err)
{
	struct sqlite_db *db = sqlite__db(base);
	char *msg = NULL;
	int src = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
	int rc = 0;

	if (src != SQLITE_OK)
		rc = db__map_error(db, src, err, "exec");
	sqlite3_free(msg);
	return rc;
}

static int sqlite__prepare(struct db_stmt **out, struct db *base, const char *sql,
			   struct sx_error *err)
{
	struct sqlite_db *db = sqlite__db(base);
	struct sqlite_stmt *slot = NULL;
	sqlite3_stmt *stmt = NULL;
	int src;

	*out = NULL;
	/* The store passes the same literal each time, so the first pass finds
	 * it by address — confirmed by the text, since a caller may build SQL
	 * in a buffer it reuses for other text — and the second by text only. */
	for (size_t pass = 0; pass < 2 && slot == NULL; pass++) {
		for (size_t i = 0; i < db->cache_len; i++) {
			if (pass == 0 ? db->cache[i].key == sql && strcmp(db->cache[i].sql, sql) == 0
				      : strcmp(db->cache[i].sql, sql) == 0) {
				slot = &db->cache[i];
				break;
			}
		}
	}
	if (slot) {
		if (slot->in_use)
			return sx_error_setf(err, SX_EINTERNAL, NULL, NULL,
					     "statement already in use: %.80s", sql);
		slot->in_use = true;
		*out = &slot->base;
		return 0;
	}
	src = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (src != SQLITE_OK)
		return db__map_error(db, src, err, "prepare");
	if (db->cache_len == DB_STMT_CACHE_MAX) {
		/* The store's SQL is a fixed set of literals far below the cap;
		 * reaching it is a bug, not load. */
		sqlite3_finalize(stmt);
		return sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "statement cache full");
	}
	slot = &db->cache[db->cache_len];
	slot->sql = sx_strdup(sql);
	if (slot->sql == NULL) {
		sqlite3_finalize(stmt);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	slot->base.db = base;
	slot->stmt = stmt;
	slot->key = sql;
	slot->in_use = true;
	memset(slot->position, 0, sizeof(slot->position));
	for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); i++) {
		const char *name = sqlite3_bind_parameter_name(stmt, i);
		char *end = NULL;
		long n = name && name[0] == '$' ? strtol(name + 1, &end, 10) : 0;

		/* Only $1..$64 are ours; anything else stays unbindable. */
		if (n >= 1 && n <= DB_MAX_PARAMS && end && *end == '\0' && i <= 255)
			slot->position[n] = (unsigned char)i;
	}
	db->cache_len++;
	*out = &slot->base;
	return 0;
}

static int db__param_index(struct sqlite_stmt *st, int idx)
{
	if (idx < 1 || idx > DB_MAX_PARAMS)
		return 0;
	return st->position[idx];
}

static int db__bind_result(int src)
{
	if (src == SQLITE_OK)
		return 0;
	if (src == SQLITE_NOMEM)
		return SX_ENOMEM;
	if (src == SQLITE_TOOBIG)
		return SX_ETOOBIG;
	return SX_EINVALID;
}

static int sqlite__bind_text(struct db_stmt *base, int idx, const char *text, size_t len)
{
	struct sqlite_stmt *st = sqlite__stmt(base);
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	if (text == NULL)
		return db__bind_result(sqlite3_bind_null(st->stmt, pos));
	return db__bind_result(sqlite3_bind_text64(st->stmt, pos, text, len, SQLITE_TRANSIENT,
						   SQLITE_UTF8));
}

static int sqlite__bind_int64(struct db_stmt *base, int idx, int64_t value)
{
	struct sqlite_stmt *st = sqlite__stmt(base);
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	return db__bind_result(sqlite3_bind_int64(st->stmt, pos, value));
}

static int sqlite__bind_null(struct db_stmt *base, int idx)
{
	struct sqlite_stmt *st = sqlite__stmt(base);
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	return db__bind_result(sqlite3_bind_null(st->stmt, pos));
}

static int sqlite__step(struct db_stmt *base, struct sx_error *err)
{
	struct sqlite_stmt *st = sqlite__stmt(base);
	int src = sqlite3_step(st->stmt);

	if (src == SQLITE_ROW)
		return DB_ROW;
	if (src == SQLITE_DONE)
		return DB_DONE;
	return db__map_error(sqlite__db(base->db), src, err, "step");
}

static const char *sqlite__column_text(struct db_stmt *base, int col)
{
	return (const char *)sqlite3_column_text(sqlite__stmt(base)->stmt, col);
}

static size_t sqlite__column_bytes(struct db_stmt *base, int col)
{
	return (size_t)sqlite3_column_bytes(sqlite__stmt(base)->stmt, col);
}

static int64_t sqlite__column_int64(struct db_stmt *base, int col)
{
	return sqlite3_column_int64(sqlite__stmt(base)->stmt, col);
}

static bool sqlite__column_is_null(struct db_stmt *base, int col)
{
	return sqlite3_column_type(sqlite__stmt(base)->stmt, col) == SQLITE_NULL;
}

static void sqlite__finish(struct db_stmt *base)
{
	struct sqlite_stmt *st = sqlite__stmt(base);

	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	st->in_use = false;
}

static int sqlite__exec_cached(struct db *db, const char *sql, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc = sqlite__prepare(&st, db, sql, err);

	if (rc < 0)
		return rc;
	rc = sqlite__step(st, err);
	sqlite__finish(st);
	return rc < 0 ? rc : 0;
}

static int sqlite__begin_read(struct db *db, struct sx_error *err)
{
	int rc = sqlite__exec_cached(db, "BEGIN DEFERRED", err);

	if (rc == 0)
		sqlite__db(db)->in_transaction = true;
	return rc;
}

static int sqlite__begin_write(struct db *db, struct sx_error *err)
{
	int rc = sqlite__exec_cached(db, "BEGIN IMMEDIATE", err);

	if (rc == 0)
		sqlite__db(db)->in_transaction = true;
	return rc;
}

static int sqlite__commit(struct db *db, struct sx_error *err)
{
	int rc = sqlite__exec_cached(db, "COMMIT", err);

	if (rc == 0)
		sqlite__db(db)->in_transaction = false;
	return rc;
}

static void sqlite__rollback(struct db *base)
{
	struct sqlite_db *db = sqlite__db(base);

	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	db->in_transaction = false;
}

static int64_t sqlite__changes(struct db *db)
{
	return sqlite3_changes64(sqlite__db(db)->conn);
}

static int sqlite__integrity_check(struct db *db, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc = sqlite__prepare(&st, db, "PRAGMA integrity_check", err);

	if (rc < 0)
		return rc;
	rc = sqlite__step(st, err);
	if (rc == DB_ROW) {
		const char *result = sqlite__column_text(st, 0);

		rc = (result && strcmp(result, "ok") == 0)
			     ? 0
			     : sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "integrity_check: %s",
					     result ? result : "(null)");
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ECORRUPT, NULL, NULL);
	}
	sqlite__finish(st);
	return rc;
}

static int db__count_tables(int64_t *out, struct db *db, const char *name, struct sx_error *err)
{
	static const char sql_named[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1";
	static const char sql_all[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
	struct db_stmt *st = NULL;
	int rc = sqlite__prepare(&st, db, name ? sql_named : sql_all, err);

	if (rc < 0)
		return rc;
	if (name && (rc = sqlite__bind_text(st, 1, name, strlen(name))) < 0)
		goto cleanup;
	rc = sqlite__step(st, err);
	if (rc == DB_ROW) {
		*out = sqlite__column_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	}
cleanup:
	sqlite__finish(st);
	return rc;
}

static int sqlite__table_exists(bool *out, struct db *db, const char *name, struct sx_error *err)
{
	int64_t n = 0;
	int rc = db__count_tables(&n, db, name, err);

	*out = n > 0;
	return rc;
}

static int sqlite__is_empty(bool *out, struct db *db, struct sx_error *err)
{
	int64_t n = 0;
	int rc = db__count_tables(&n, db, NULL, err);

	*out = n == 0;
	return rc;
}

static const struct db_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite__close,
	.exec = sqlite__exec,
	.exec_cached = sqlite__exec_cached,
	.prepare = sqlite__prepare,
	.bind_text = sqlite__bind_text,
	.bind_int64 = sqlite__bind_int64,
	.bind_null = sqlite__bind_null,
	.step = sqlite__step,
	.column_text = sqlite__column_text,
	.column_bytes = sqlite__column_bytes,
	.column_int64 = sqlite__column_int64,
	.column_is_null = sqlite__column_is_null,
	.finish = sqlite__finish,
	.begin_read = sqlite__begin_read,
	.begin_write = sqlite__begin_write,
	.commit = sqlite__commit,
	.rollback = sqlite__rollback,
	.changes = sqlite__changes,
	.integrity_check = sqlite__integrity_check,
	.table_exists = sqlite__table_exists,
	.is_empty = sqlite__is_empty,
};
