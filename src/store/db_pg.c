/*
 * store/db_pg — the PostgreSQL driver behind db.h (libpq; docs/postgresql.md).
 *
 * One PGconn per struct db. Each connection is set up with client_encoding
 * UTF8, TimeZone UTC, standard_conforming_strings on, lock_timeout = the busy
 * timeout, fallback application_name "sanxiang", and for pooled readers
 * default_transaction_read_only on. The database must use the UTF8 encoding
 * (the schema holds Chinese text) and PostgreSQL must be 11 or later
 * (EXECUTE FUNCTION in triggers; tested with 15).
 *
 * Statements are prepared on the server once per connection (PQprepare,
 * names "sx1", "sx2", …) and cached by SQL text like the SQLite driver's.
 * Parameters travel as text (int64 as decimal) and results come back as text
 * (PQexecPrepared, text format): the server infers each parameter's type from
 * the SQL, which is why a parameter used only in "$1 IS NULL" must be written
 * CAST($1 AS TEXT) in the store. A statement's whole result is fetched by its
 * first db_step and kept until the next step past the end or db_finish, so
 * several statements may be open at once as on SQLite; results are bounded by
 * the queries' own LIMITs and ranges.
 *
 * Transactions: a read transaction is REPEATABLE READ READ ONLY (one snapshot
 * of the last committed state); a write transaction is READ COMMITTED plus
 * pg_advisory_xact_lock(DB_PG_WRITER_LOCK), so that writers of one database
 * run one at a time as on SQLite (BEGIN IMMEDIATE), across processes too, and
 * waiting longer than lock_timeout is SX_EBUSY.
 *
 * Statement atomicity as on SQLite: there a failed statement is undone alone
 * and the transaction goes on (the store relies on it: an INSERT refused as
 * SX_EEXISTS need not end the transaction). PostgreSQL instead refuses every
 * later statement until ROLLBACK. So an INSERT, UPDATE or DELETE run inside a
 * transaction on a read-write connection is sent in one pipeline (one round
 * trip) as SAVEPOINT sx_stmt; the statement; RELEASE sx_stmt — and when it
 * fails, ROLLBACK TO sx_stmt leaves the transaction as it was before it. A
 * failing SELECT or db_exec inside a transaction still aborts it (the store's
 * SELECTs fail only on a lost connection or a bug; db_exec runs migrations,
 * which roll back whole). store.c rolls a failed member of a group commit back
 * to its own savepoint, and a COMMIT that the server turned into a rollback is
 * reported as an error, never as success.
 *
 * Errors map by SQLSTATE (pg__map_error); the server's text goes to
 * err->detail only. A connection lost between transactions is re-opened at
 * the next BEGIN (PQreset) and its statements are prepared again on first use.
 *
 * What it does not do: no binary parameters or results, no COPY, no
 * LISTEN/NOTIFY, no creating databases (the operator creates them).
 */
#include "store/db_driver.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"

#define PG_STMT_CACHE_MAX 256
#define PG_SHORT_TEXT 32 /* bytes, NUL included: an int64, an id, a time, a hash prefix */
#define PG_MIN_SERVER_VERSION 110000
/* The advisory lock every sanxiang writer takes: "sanxiang" in ASCII. */
#define DB_PG_WRITER_LOCK "8314047850545770087"

struct pg_stmt {
	struct db_stmt base;          /* first: a struct db_stmt * is a struct pg_stmt * */
	const char *key;              /* the caller's pointer: SQL is almost always a literal */
	char *sql;                    /* owned copy; the cache key when pointers differ */
	char name[16];                /* server-side name, "sx<n>" */
	int nparams;                  /* highest $n, as the server described the statement */
	bool in_use;                  /* prepared and not yet finished */
	bool stale;                   /* the connection was reset: prepare again before use */
	bool executed;                /* the first step has run the statement */
	bool is_write;                /* INSERT, UPDATE or DELETE: guarded by sx_stmt */
	/* values[i] is $(i+1) as text, NULL = SQL NULL; it points into short_text[i]
	 * (an int64 in decimal, or text shorter than PG_SHORT_TEXT: no allocation
	 * on the common path) or owned[i] (longer text, sx_malloc). */
	const char *values[DB_MAX_PARAMS];
	char *owned[DB_MAX_PARAMS];
	char short_text[DB_MAX_PARAMS][PG_SHORT_TEXT];
	PGresult *res;                /* the whole result, after the first step */
	int row;                      /* current row; -1 before the first */
	int nrows;
};

struct pg_db {
	struct db base;               /* first: a struct db * is a struct pg_db * */
	PGconn *conn;
	enum db_open_mode mode;
	int busy_timeout_ms;
	struct pg_stmt *cache[PG_STMT_CACHE_MAX];
	size_t cache_len;
	unsigned next_name;           /* the last "sx<n>" used */
	int64_t changes;              /* rows of the last INSERT/UPDATE/DELETE */
};

static const struct db_ops pg_ops;

static struct pg_db *pg__db(struct db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *pg__stmt(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

/* The connection's last error without its trailing newline, for err->detail. */
static void pg__conn_message(char *out, size_t out_size, PGconn *conn)
{
	const char *msg = conn ? PQerrorMessage(conn) : "out of memory";
	size_t len;

	snprintf(out, out_size, "%s", msg ? msg : "");
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
}

/*
 * SQLSTATE → SX_E* (PostgreSQL manual, appendix A "PostgreSQL Error Codes").
 * An entry of two characters is a whole class. Not listed: SX_EIO.
 */
static const struct {
	const char *state;
	int rc;
} pg_states[] = {
	{"23505", SX_EEXISTS},  /* unique_violation */
	{"23503", SX_EINVALID}, /* foreign_key_violation */
	{"23514", SX_EINVALID}, /* check_violation */
	{"23502", SX_EINVALID}, /* not_null_violation */
	{"23P01", SX_EINVALID}, /* exclusion_violation */
	{"22", SX_EINVALID},    /* data_exception: bad number, bad UTF-8, out of range */
	{"40001", SX_EBUSY},    /* serialization_failure */
	{"40P01", SX_EBUSY},    /* deadlock_detected */
	{"55P03", SX_EBUSY},    /* lock_not_available: lock_timeout */
	{"57014", SX_EBUSY},    /* query_canceled: statement_timeout */
	{"53100", SX_ENOSPC},   /* disk_full */
	{"53200", SX_ENOMEM},   /* out_of_memory */
	{"54000", SX_ETOOBIG},  /* program_limit_exceeded */
	{"XX001", SX_ECORRUPT}, /* data_corrupted */
	{"XX002", SX_ECORRUPT}, /* index_corrupted */
};

/* Maps a failed result (or, with res NULL, the connection's state) to SX_E*. */
static int pg__map_error(struct pg_db *db, const PGresult *res, struct sx_error *err,
			 const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char conn_msg[SX_ERROR_DETAIL_MAX];
	const char *msg;

	pg__conn_message(conn_msg, sizeof(conn_msg), db->conn);
	msg = primary ? primary : conn_msg;
	/* No SQLSTATE: the connection failed, or libpq itself did. */
	if (state == NULL)
		return sx_error_setf(err, SX_EIO, NULL, NULL, "postgresql %s: %s", what, msg);
	/* The append-only triggers RAISE EXCEPTION 'append_only: <table>' (P0001). */
	if (strcmp(state, "P0001") == 0 && strncmp(msg, "append_only", 11) == 0)
		return sx_error_setf(err, SX_EPERM, "append_only", "该记录只能追加，不能修改或删除",
				     "postgresql %s: %s", what, msg);
	if (strcmp(state, "3D000") == 0)
		return sx_error_setf(err, SX_ENOTFOUND, "db_not_found", "数据库不存在或无法打开",
				     "postgresql %s: %s %s", what, state, msg);
	for (size_t i = 0; i < sizeof(pg_states) / sizeof(pg_states[0]); i++) {
		if (strncmp(state, pg_states[i].state, strlen(pg_states[i].state)) == 0)
			return sx_error_setf(err, pg_states[i].rc, NULL, NULL,
					     "postgresql %s: %s %s", what, state, msg);
	}
	return sx_error_setf(err, SX_EIO, NULL, NULL, "postgresql %s: %s %s", what, state, msg);
}

/* Remembers the rows changed by an INSERT, UPDATE, DELETE or MERGE; other
 * commands leave the count as it was, as sqlite3_changes does. */
static void pg__note_changes(struct pg_db *db, const PGresult *res)
{
	const char *status = PQcmdStatus((PGresult *)res);
	const char *tuples;

	if (status == NULL ||
	    (strncmp(status, "INSERT ", 7) != 0 && strncmp(status, "UPDATE ", 7) != 0 &&
	     strncmp(status, "DELETE ", 7) != 0 && strncmp(status, "MERGE ", 6) != 0))
		return;
	tuples = PQcmdTuples((PGresult *)res);
	db->changes = tuples && tuples[0] ? strtoll(tuples, NULL, 10) : 0;
}

/* Runs SQL through the simple query protocol; 0 when every statement ran. */
static int pg__exec(struct db *base, const char *sql, struct sx_error *err)
{
	struct pg_db *db = pg__db(base);
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = 0;

	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
		pg__note_changes(db, res);
	else if (status != PGRES_EMPTY_QUERY)
		rc = pg__map_error(db, res, err, "exec");
	PQclear(res);
	return rc;
}

/* Server notices: warnings go to the log, the rest (e.g. "relation already
 * exists, skipping" from CREATE TABLE IF NOT EXISTS) are dropped. */
static void pg__notice(void *ctx, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	(void)ctx;
	if (severity && strcmp(severity, "WARNING") == 0)
		sx_log(SX_LOG_WARN, "postgresql: %s", msg ? msg : "");
}

/* The session settings every connection (and every reset) gets. */
static int pg__configure(struct pg_db *db, struct sx_error *err)
{
	const char *encoding = PQparameterStatus(db->conn, "server_encoding");
	char sql[256];
	int timeout_ms = db->busy_timeout_ms > 0 ? db->busy_timeout_ms : 1;

	if (PQserverVersion(db->conn) < PG_MIN_SERVER_VERSION)
		return sx_error_setf(err, SX_EUNSUPPORTED, NULL,
				     "PostgreSQL 版本过低，需要 11 或更高版本",
				     "postgresql server version %d", PQserverVersion(db->conn));
	if (encoding == NULL || strcmp(encoding, "UTF8") != 0)
		return sx_error_setf(err, SX_EUNSUPPORTED, NULL, "PostgreSQL 数据库编码须为 UTF8",
				     "postgresql server_encoding %s", encoding ? encoding : "(unknown)");
	PQsetNoticeReceiver(db->conn, pg__notice, NULL);
	snprintf(sql, sizeof(sql),
		 "SET TimeZone = 'UTC'; SET standard_conforming_strings = on; "
		 "SET lock_timeout = %d; SET default_transaction_read_only = %s",
		 timeout_ms, db->mode == DB_OPEN_READ_ONLY ? "on" : "off");
	return pg__exec(&db->base, sql, err);
}

static void pg__stmt_clear_bindings(struct pg_stmt *st)
{
	for (int i = 0; i < DB_MAX_PARAMS; i++) {
		sx_free(st->owned[i]);
		st->owned[i] = NULL;
		st->values[i] = NULL;
	}
}

static void pg__stmt_free(struct pg_stmt *st)
{
	if (st == NULL)
		return;
	PQclear(st->res);
	pg__stmt_clear_bindings(st);
	sx_free(st->sql);
	sx_free(st);
}

static void pg__close(struct db *base)
{
	struct pg_db *db = pg__db(base);

	for (size_t i = 0; i < db->cache_len; i++)
		pg__stmt_free(db->cache[i]);
	PQfinish(db->conn);
	sx_free(db);
}

int db_pg_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
	       int busy_timeout_ms, struct sx_error *err)
{
	/* expand_dbname: the DSN is a URI or conninfo, expanded in place. libpq
	 * keeps a keyword's last value, so what comes before the DSN is a default
	 * it may override (connect_timeout, seconds: an unreachable host fails
	 * instead of hanging for minutes) and what comes after is imposed. */
	static const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name",
					   "client_encoding", NULL};
	const char *values[] = {"10", dsn, "sanxiang", "UTF8", NULL};
	struct pg_db *db = NULL;
	char msg[SX_ERROR_DETAIL_MAX];
	int rc = 0;

	/* A PostgreSQL database is created by its operator: `create` only
	 * decides whether a missing SQLite file may be made. */
	(void)create;
	*out = NULL;
	db = sx_calloc(1, sizeof(*db));
	if (db == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	db->base.ops = &pg_ops;
	db->mode = mode;
	db->busy_timeout_ms = busy_timeout_ms;
	db->conn = PQconnectdbParams(keys, values, 1);
	if (db->conn == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg__conn_message(msg, sizeof(msg), db->conn);
		/* libpq gives no SQLSTATE for a refused connection: the server's
		 * FATAL text (English with the C locale) is all there is. */
		if (strstr(msg, "database \"") && strstr(msg, "\" does not exist"))
			rc = sx_error_setf(err, SX_ENOTFOUND, "db_not_found", "数据库不存在或无法打开",
					   "postgresql connect: %s", msg);
		else
			rc = sx_error_setf(err, SX_EIO, NULL, "无法连接 PostgreSQL 数据库",
					   "postgresql connect: %s", msg);
		goto cleanup;
	}
	if ((rc = pg__configure(db, err)) < 0)
		goto cleanup;
	*out = &db->base;
	db = NULL;
cleanup:
	if (db)
		pg__close(&db->base);
	return rc;
}

/* Outside a transaction, re-opens a connection the server or network
 * dropped; its prepared statements died with it. */
static int pg__ensure_connected(struct pg_db *db, struct sx_error *err)
{
	char msg[SX_ERROR_DETAIL_MAX];

	if (PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg__conn_message(msg, sizeof(msg), db->conn);
		return sx_error_setf(err, SX_EIO, NULL, "无法连接 PostgreSQL 数据库",
				     "postgresql reconnect: %s", msg);
	}
	for (size_t i = 0; i < db->cache_len; i++)
		db->cache[i]->stale = true;
	sx_log(SX_LOG_WARN, "postgresql: connection re-established");
	return pg__configure(db, err);
}

/* Prepares st->sql on the server under st->name and learns its parameters. */
static int pg__server_prepare(struct pg_db *db, struct pg_stmt *st, struct sx_error *err)
{
	PGresult *res = PQprepare(db->conn, st->name, st->sql, 0, NULL);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg__map_error(db, res, err, "prepare");
		PQclear(res);
		return rc;
	}
	PQclear(res);
	res = PQdescribePrepared(db->conn, st->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg__map_error(db, res, err, "describe");
	} else if (PQnparams(res) > DB_MAX_PARAMS) {
		rc = sx_error_setf(err, SX_EINVALID, NULL, NULL, "more than %d parameters: %.80s",
				   DB_MAX_PARAMS, st->sql);
	} else {
		st->nparams = PQnparams(res);
		st->stale = false;
	}
	PQclear(res);
	return rc;
}

/* Whether sql starts with INSERT, UPDATE or DELETE (any case). */
static bool pg__sql_is_write(const char *sql)
{
	static const char *const verbs[] = {"INSERT", "UPDATE", "DELETE"};

	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '(')
		sql++;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strncasecmp(sql, verbs[i], 6) == 0 &&
		    (sql[6] == ' ' || sql[6] == '\t' || sql[6] == '\n'))
			return true;
	}
	return false;
}

static int pg__prepare(struct db_stmt **out, struct db *base, const char *sql,
		       struct sx_error *err)
{
	struct pg_db *db = pg__db(base);
	struct pg_stmt *slot = NULL;
	int rc;

	*out = NULL;
	/* The store passes the same literal each time, so the first pass finds
	 * it by address — confirmed by the text, since a caller may build SQL
	 * in a buffer it reuses for other text — and the second by text only. */
	for (size_t pass = 0; pass < 2 && slot == NULL; pass++) {
		for (size_t i = 0; i < db->cache_len; i++) {
			struct pg_stmt *c = db->cache[i];

			if (pass == 0 ? c->key == sql && strcmp(c->sql, sql) == 0
				      : strcmp(c->sql, sql) == 0) {
				slot = c;
				break;
			}
		}
	}
	if (slot) {
		if (slot->in_use)
			return sx_error_setf(err, SX_EINTERNAL, NULL, NULL,
					     "statement already in use: %.80s", sql);
		if (slot->stale && (rc = pg__server_prepare(db, slot, err)) < 0)
			return rc;
		slot->in_use = true;
		*out = &slot->base;
		return 0;
	}
	if (db->cache_len == PG_STMT_CACHE_MAX)
		return sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "statement cache full");
	slot = sx_calloc(1, sizeof(*slot));
	if (slot == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	slot->sql = sx_strdup(sql);
	if (slot->sql == NULL) {
		sx_free(slot);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	slot->base.db = base;
	slot->key = sql;
	slot->row = -1;
	slot->is_write = pg__sql_is_write(sql);
	snprintf(slot->name, sizeof(slot->name), "sx%u", ++db->next_name);
	if ((rc = pg__server_prepare(db, slot, err)) < 0) {
		pg__stmt_free(slot);
		return rc;
	}
	slot->in_use = true;
	db->cache[db->cache_len++] = slot;
	*out = &slot->base;
	return 0;
}

/* The binding slot of $idx, or -1 when the statement has no such placeholder. */
static int pg__param_slot(struct pg_stmt *st, int idx)
{
	if (idx < 1 || idx > st->nparams)
		return -1;
	sx_free(st->owned[idx - 1]);
	st->owned[idx - 1] = NULL;
	st->values[idx - 1] = NULL;
	return idx - 1;
}

static int pg__bind_text(struct db_stmt *base, int idx, const char *text, size_t len)
{
	struct pg_stmt *st = pg__stmt(base);
	int slot = pg__param_slot(st, idx);
	char *copy;

	if (slot < 0)
		return SX_EINVALID;
	if (text == NULL)
		return 0;
	/* Text parameters are C strings on the wire: a NUL would cut the value
	 * short without anyone noticing. */
	if (memchr(text, '\0', len) != NULL)
		return SX_EINVALID;
	if (len < PG_SHORT_TEXT) {
		copy = st->short_text[slot];
	} else {
		if (len == SIZE_MAX)
			return SX_ETOOBIG;
		copy = sx_malloc(len + 1);
		if (copy == NULL)
			return SX_ENOMEM;
		st->owned[slot] = copy;
	}
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	st->values[slot] = copy;
	return 0;
}

static int pg__bind_int64(struct db_stmt *base, int idx, int64_t value)
{
	struct pg_stmt *st = pg__stmt(base);
	int slot = pg__param_slot(st, idx);

	if (slot < 0)
		return SX_EINVALID;
	snprintf(st->short_text[slot], sizeof(st->short_text[slot]), "%" PRId64, value);
	st->values[slot] = st->short_text[slot];
	return 0;
}

static int pg__bind_null(struct db_stmt *base, int idx)
{
	return pg__param_slot(pg__stmt(base), idx) < 0 ? SX_EINVALID : 0;
}

/*
 * Runs a write statement inside an open transaction so that its failure
 * undoes only itself (see the file comment): SAVEPOINT, the statement and
 * RELEASE in one pipeline, then ROLLBACK TO on failure. Returns the result
 * to report: the statement's, or the first failure before it. NULL only when
 * libpq could not even send (the connection's message says why).
 */
static PGresult *pg__exec_guarded(struct pg_db *db, struct pg_stmt *st)
{
	PGconn *conn = db->conn;
	PGresult *saved = NULL, *res = NULL, *released = NULL;
	int finished = 0; /* queries whose results have all been read */
	bool synced = false;

	/* Blocking sends are safe in this pipeline: the server's replies to
	 * SAVEPOINT, a write without RETURNING and RELEASE are a few bytes each,
	 * so it never waits on us while we are still sending. */
	if (!PQenterPipelineMode(conn))
		return PQexecPrepared(conn, st->name, st->nparams, st->values, NULL, NULL, 0);
	if (!PQsendQueryParams(conn, "SAVEPOINT sx_stmt", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQsendQueryPrepared(conn, st->name, st->nparams, st->values, NULL, NULL, 0) ||
	    !PQsendQueryParams(conn, "RELEASE sx_stmt", 0, NULL, NULL, NULL, NULL, 0) ||
	    !PQpipelineSync(conn)) {
		/* Nothing usable was sent; a broken connection is all that is left. */
		PQexitPipelineMode(conn);
		return NULL;
	}
	/* Results arrive per query, each query's ended by a NULL, then the sync.
	 * A dead connection ends in NULLs only: the bound stops the loop. */
	while (!synced && finished < 4) {
		PGresult *r = PQgetResult(conn);

		if (r == NULL) {
			finished++;
			continue;
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			synced = true;
			PQclear(r);
		} else if (finished == 0 && saved == NULL) {
			saved = r;
		} else if (finished == 1 && res == NULL) {
			res = r;
		} else if (finished == 2 && released == NULL) {
			released = r;
		} else {
			PQclear(r);
		}
	}
	PQexitPipelineMode(conn);
	if (PQresultStatus(saved) != PGRES_COMMAND_OK) {
		/* The savepoint itself failed (e.g. the transaction had already
		 * failed): report that, nothing ran. */
		PQclear(res);
		PQclear(released);
		return saved;
	}
	PQclear(saved);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(released);
		PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT sx_stmt; RELEASE SAVEPOINT sx_stmt"));
		return res;
	}
	if (PQresultStatus(released) != PGRES_COMMAND_OK) {
		PQclear(res);
		return released;
	}
	PQclear(released);
	return res;
}

static int pg__step(struct db_stmt *base, struct sx_error *err)
{
	struct pg_stmt *st = pg__stmt(base);
	struct pg_db *db = pg__db(base->db);

	if (!st->executed) {
		ExecStatusType status;

		st->executed = true;
		if (st->is_write && db->mode == DB_OPEN_READ_WRITE &&
		    PQtransactionStatus(db->conn) == PQTRANS_INTRANS)
			st->res = pg__exec_guarded(db, st);
		else
			st->res = PQexecPrepared(db->conn, st->name, st->nparams, st->values,
						 NULL, NULL, 0);
		status = PQresultStatus(st->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			int rc = pg__map_error(db, st->res, err, "step");

			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		pg__note_changes(db, st->res);
		st->nrows = status == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		st->row = -1;
	}
	if (st->res && st->row + 1 < st->nrows) {
		st->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

/* Whether (current row, col) is a value of the result. */
static bool pg__has_cell(struct pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

static bool pg__column_is_null(struct db_stmt *base, int col)
{
	struct pg_stmt *st = pg__stmt(base);

	return !pg__has_cell(st, col) || PQgetisnull(st->res, st->row, col);
}

static const char *pg__column_text(struct db_stmt *base, int col)
{
	struct pg_stmt *st = pg__stmt(base);

	if (pg__column_is_null(base, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static size_t pg__column_bytes(struct db_stmt *base, int col)
{
	struct pg_stmt *st = pg__stmt(base);

	if (pg__column_is_null(base, col))
		return 0;
	return (size_t)PQgetlength(st->res, st->row, col);
}

/*
 * Integers arrive as decimal text. Like sqlite3_column_int64: NULL and text
 * that is not a number give 0, a fraction is cut off ("3.7" → 3), and a value
 * beyond int64 saturates. Booleans ("t"/"f") give 1/0.
 */
static int64_t pg__column_int64(struct db_stmt *base, int col)
{
	const char *text = pg__column_text(base, col);
	char *end = NULL;
	long long n;

	if (text == NULL)
		return 0;
	if (text[0] == 't' && text[1] == '\0')
		return 1;
	n = strtoll(text, &end, 10);
	if (end == text)
		return 0;
	return (int64_t)n;
}

static void pg__finish(struct db_stmt *base)
{
	struct pg_stmt *st = pg__stmt(base);

	PQclear(st->res);
	st->res = NULL;
	st->executed = false;
	st->row = -1;
	st->nrows = 0;
	pg__stmt_clear_bindings(st);
	st->in_use = false;
}

static int pg__begin_read(struct db *base, struct sx_error *err)
{
	int rc = pg__ensure_connected(pg__db(base), err);

	if (rc == 0)
		rc = pg__exec(base, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
	return rc;
}

static int pg__begin_write(struct db *base, struct sx_error *err)
{
	struct pg_db *db = pg__db(base);
	int rc = pg__ensure_connected(db, err);

	if (rc < 0)
		return rc;
	/* One round trip: the lock is taken in the transaction it guards. */
	rc = pg__exec(base,
		      "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE; "
		      "SELECT pg_advisory_xact_lock(" DB_PG_WRITER_LOCK ")",
		      err);
	if (rc < 0 && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		PQclear(PQexec(db->conn, "ROLLBACK"));
	return rc;
}

static int pg__commit(struct db *base, struct sx_error *err)
{
	struct pg_db *db = pg__db(base);
	PGresult *res = PQexec(db->conn, "COMMIT");
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg__map_error(db, res, err, "commit");
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* COMMIT of a transaction in the aborted state "succeeds" as a
		 * rollback: nothing was written. */
		rc = sx_error_setf(err, SX_EIO, NULL, NULL,
				   "postgresql commit: the transaction had failed and was rolled back");
	PQclear(res);
	return rc;
}

static void pg__rollback(struct db *base)
{
	struct pg_db *db = pg__db(base);
	PGTransactionStatusType ts = PQtransactionStatus(db->conn);

	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(db->conn, "ROLLBACK"));
}

static int pg__exec_cached(struct db *db, const char *sql, struct sx_error *err)
{
	/* BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO: nothing to plan, so the simple
	 * protocol's one round trip is as cheap as a prepared statement. */
	return pg__exec(db, sql, err);
}

static int64_t pg__changes(struct db *db)
{
	return pg__db(db)->changes;
}

/* Runs a one-row, one-column query with an optional text parameter. */
static int pg__query_one(int64_t *n_out, char *text_out, size_t text_size, struct db *db,
			 const char *sql, const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc = pg__prepare(&st, db, sql, err);

	if (rc < 0)
		return rc;
	if (param && (rc = pg__bind_text(st, 1, param, strlen(param))) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	rc = pg__step(st, err);
	if (rc == DB_ROW) {
		const char *text = pg__column_text(st, 0);

		if (n_out)
			*n_out = pg__column_int64(st, 0);
		if (text_out)
			snprintf(text_out, text_size, "%s", text ? text : "(null)");
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	}
cleanup:
	pg__finish(st);
	return rc;
}

static int pg__integrity_check(struct db *db, struct sx_error *err)
{
	/* A cheap sanity check of what this program relies on: the server
	 * answers, and the database still holds UTF-8. Page checksums
	 * (initdb --data-checksums) and pg_amcheck are the operator's tools. */
	char result[128];
	int rc = pg__query_one(NULL, result, sizeof(result), db,
			       "SELECT CASE WHEN current_setting('server_encoding') = 'UTF8' "
			       "THEN 'ok' ELSE 'server_encoding ' || "
			       "current_setting('server_encoding') END",
			       NULL, err);

	if (rc < 0)
		return rc;
	if (strcmp(result, "ok") != 0)
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "integrity_check: %s", result);
	return 0;
}

static int pg__table_exists(bool *out, struct db *db, const char *name, struct sx_error *err)
{
	int64_t n = 0;
	int rc = pg__query_one(&n, NULL, 0, db,
			       "SELECT count(*) FROM information_schema.tables "
			       "WHERE table_schema = current_schema() AND table_name = $1 "
			       "AND table_type = 'BASE TABLE'",
			       name, err);

	*out = rc == 0 && n > 0;
	return rc;
}

static int pg__is_empty(bool *out, struct db *db, struct sx_error *err)
{
	int64_t n = 0;
	int rc = pg__query_one(&n, NULL, 0, db,
			       "SELECT count(*) FROM information_schema.tables "
			       "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
			       NULL, err);

	*out = rc == 0 && n == 0;
	return rc;
}

static const struct db_ops pg_ops = {
	.name = "postgresql",
	.close = pg__close,
	.exec = pg__exec,
	.exec_cached = pg__exec_cached,
	.prepare = pg__prepare,
	.bind_text = pg__bind_text,
	.bind_int64 = pg__bind_int64,
	.bind_null = pg__bind_null,
	.step = pg__step,
	.column_text = pg__column_text,
	.column_bytes = pg__column_bytes,
	.column_int64 = pg__column_int64,
	.column_is_null = pg__column_is_null,
	.finish = pg__finish,
	.begin_read = pg__begin_read,
	.begin_write = pg__begin_write,
	.commit = pg__commit,
	.rollback = pg__rollback,
	.changes = pg__changes,
	.integrity_check = pg__integrity_check,
	.table_exists = pg__table_exists,
	.is_empty = pg__is_empty,
};
