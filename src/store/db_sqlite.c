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
 */
#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define DB_STMT_CACHE_MAX 128
#define DB_MAX_PARAMS 64

struct db_stmt {
	sqlite3_stmt *stmt;
	const char *key;    /* the caller's pointer: SQL is almost always a literal */
	char *sql;          /* owned copy; the cache key when pointers differ */
	bool in_use;        /* prepared and not yet finished */
	/* position[n] = SQLite's index of placeholder $n (0 = absent), worked out
	 * once at prepare so binding does no name lookup. */
	unsigned char position[DB_MAX_PARAMS + 1];
};

struct db {
	sqlite3 *conn;
	struct db_stmt cache[DB_STMT_CACHE_MAX];
	size_t cache_len;
	bool in_transaction;
};

static int db__map_error(struct db *db, int src, struct sx_error *err, const char *what)
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

int db_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
	    int busy_timeout_ms, struct sx_error *err)
{
	struct db *db = NULL;
	int flags = SQLITE_OPEN_NOMUTEX;
	int src;
	int rc = 0;

	*out = NULL;
	if (dsn == NULL || dsn[0] == '\0')
		return sx_error_set(err, SX_EINVALID, "db_path_missing", "未指定数据库路径");
	db = sx_calloc(1, sizeof(*db));
	if (db == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
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
		rc = db_exec(db, "PRAGMA journal_mode=WAL;", err);
		if (rc < 0)
			goto cleanup;
	}
	rc = db_exec(db,
		     "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;",
		     err);
	if (rc < 0)
		goto cleanup;
	*out = db;
	db = NULL;
cleanup:
	db_close(db);
	return rc;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->cache_len; i++) {
		sqlite3_finalize(db->cache[i].stmt);
		sx_free(db->cache[i].sql);
	}
	sqlite3_close_v2(db->conn);
	sx_free(db);
}

int db_exec(struct db *db, const char *sql, struct sx_error *err)
{
	char *msg = NULL;
	int src = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
	int rc = 0;

	if (src != SQLITE_OK)
		rc = db__map_error(db, src, err, "exec");
	sqlite3_free(msg);
	return rc;
}

int db_prepare(struct db_stmt **out, struct db *db, const char *sql, struct sx_error *err)
{
	struct db_stmt *slot = NULL;
	sqlite3_stmt *stmt = NULL;
	int src;

	*out = NULL;
	/* Pointer comparison first: the store passes the same literal each
	 * time, so a full string comparison is only the fallback. */
	for (size_t pass = 0; pass < 2 && slot == NULL; pass++) {
		for (size_t i = 0; i < db->cache_len; i++) {
			if (pass == 0 ? db->cache[i].key == sql : strcmp(db->cache[i].sql, sql) == 0) {
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
		*out = slot;
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
	*out = slot;
	return 0;
}

static int db__param_index(struct db_stmt *st, int idx)
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

int db_bind_text(struct db_stmt *st, int idx, const char *text, size_t len)
{
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	if (text == NULL)
		return db__bind_result(sqlite3_bind_null(st->stmt, pos));
	return db__bind_result(sqlite3_bind_text64(st->stmt, pos, text, len, SQLITE_TRANSIENT,
						   SQLITE_UTF8));
}

int db_bind_str(struct db_stmt *st, int idx, const char *text)
{
	return db_bind_text(st, idx, text, text ? strlen(text) : 0);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t value)
{
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	return db__bind_result(sqlite3_bind_int64(st->stmt, pos, value));
}

int db_bind_null(struct db_stmt *st, int idx)
{
	int pos = db__param_index(st, idx);

	if (pos == 0)
		return SX_EINVALID;
	return db__bind_result(sqlite3_bind_null(st->stmt, pos));
}

int db_step(struct db_stmt *st, struct sx_error *err)
{
	int src = sqlite3_step(st->stmt);
	struct db fake;

	if (src == SQLITE_ROW)
		return DB_ROW;
	if (src == SQLITE_DONE)
		return DB_DONE;
	memset(&fake, 0, sizeof(fake));
	fake.conn = sqlite3_db_handle(st->stmt);
	return db__map_error(&fake, src, err, "step");
}

const char *db_column_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->stmt, col);
}

size_t db_column_bytes(struct db_stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(st->stmt, col);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->stmt, col);
}

bool db_column_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

void db_finish(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	st->in_use = false;
}

int db_exec_cached(struct db *db, const char *sql, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(&st, db, sql, err);

	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	db_finish(st);
	return rc < 0 ? rc : 0;
}

int db_begin_read(struct db *db, struct sx_error *err)
{
	int rc = db_exec_cached(db, "BEGIN DEFERRED", err);

	if (rc == 0)
		db->in_transaction = true;
	return rc;
}

int db_begin_write(struct db *db, struct sx_error *err)
{
	int rc = db_exec_cached(db, "BEGIN IMMEDIATE", err);

	if (rc == 0)
		db->in_transaction = true;
	return rc;
}

int db_commit(struct db *db, struct sx_error *err)
{
	int rc = db_exec_cached(db, "COMMIT", err);

	if (rc == 0)
		db->in_transaction = false;
	return rc;
}

void db_rollback(struct db *db)
{
	if (db == NULL)
		return;
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	db->in_transaction = false;
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->conn);
}

int db_integrity_check(struct db *db, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(&st, db, "PRAGMA integrity_check", err);

	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		const char *result = db_column_text(st, 0);

		rc = (result && strcmp(result, "ok") == 0)
			     ? 0
			     : sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "integrity_check: %s",
					     result ? result : "(null)");
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ECORRUPT, NULL, NULL);
	}
	db_finish(st);
	return rc;
}

static int db__count_tables(int64_t *out, struct db *db, const char *name, struct sx_error *err)
{
	static const char sql_named[] =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1";
	static const char sql_all[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
	struct db_stmt *st = NULL;
	int rc = db_prepare(&st, db, name ? sql_named : sql_all, err);

	if (rc < 0)
		return rc;
	if (name && (rc = db_bind_str(st, 1, name)) < 0)
		goto cleanup;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = db_column_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	}
cleanup:
	db_finish(st);
	return rc;
}

int db_table_exists(bool *out, struct db *db, const char *name, struct sx_error *err)
{
	int64_t n = 0;
	int rc = db__count_tables(&n, db, name, err);

	*out = n > 0;
	return rc;
}

int db_is_empty(bool *out, struct db *db, struct sx_error *err)
{
	int64_t n = 0;
	int rc = db__count_tables(&n, db, NULL, err);

	*out = n == 0;
	return rc;
}

const char *db_backend_name(const struct db *db)
{
	(void)db;
	return "sqlite";
}
