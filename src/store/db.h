/*
 * store/db — the small driver interface under the store.
 *
 * A struct db is one connection. Store functions prepare SQL written once in
 * the portable subset with PostgreSQL-style placeholders ($1, $2, …); the
 * SQLite driver binds them by name, so the same text runs on both backends.
 * Prepared statements are cached per connection and keyed by the SQL text:
 * db_prepare on the same text returns the cached statement, reset and with its
 * bindings cleared. A statement belongs to its connection and is only used by
 * the thread that holds that connection.
 *
 * Two drivers sit behind it, chosen by the DSN (db_dsn_is_postgresql):
 * db_sqlite.c for a file path and db_pg.c (libpq) for a PostgreSQL URI or
 * conninfo. db.c dispatches every call through the connection's ops table
 * (db_driver.h); only the driver files include sqlite3.h or libpq-fe.h.
 *
 * Errors map to SX_E* the same way on both: unique violations to SX_EEXISTS,
 * foreign-key, NOT NULL, check and bad-value errors to SX_EINVALID, lock
 * timeouts and deadlocks to SX_EBUSY, full disk to SX_ENOSPC, an append-only
 * trigger to SX_EPERM "append_only", a missing database to SX_ENOTFOUND
 * "db_not_found", others to SX_EIO; the driver's own message goes to
 * err->detail for the log (docs/postgresql.md has the table).
 *
 * This module does not pool connections or decide transactions: store.c does.
 */
#ifndef SX_STORE_DB_H
#define SX_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct db;
struct db_stmt;

enum db_open_mode {
	DB_OPEN_READ_WRITE = 1, /* the one writer connection; creates the file */
	DB_OPEN_READ_ONLY = 2,  /* a pooled reader */
};

enum db_step_result {
	DB_DONE = 0, /* no more rows */
	DB_ROW = 1,  /* a row is available through db_column_* */
};

/*
 * Whether dsn names a PostgreSQL database rather than a SQLite file: it starts
 * with "postgresql://" or "postgres://" (a libpq URI), or with a libpq keyword
 * and '=' (a conninfo such as "host=/run/postgresql dbname=sanxiang"; the
 * keywords are host, hostaddr, port, dbname, user, password, passfile,
 * service, sslmode, connect_timeout, application_name, options,
 * target_session_attrs, spaces allowed around '='). Anything else is a SQLite
 * path; write "./dbname=x.db" for a file whose name looks like a conninfo.
 * NULL is not PostgreSQL.
 */
bool db_dsn_is_postgresql(const char *dsn);

/*
 * Opens a connection. dsn: a file path for SQLite, a URI or conninfo for
 * PostgreSQL (above). create: whether a missing database file may be created
 * (only `init` creates; PostgreSQL databases are made by the operator and
 * create is ignored). busy_timeout_ms: how long to wait on a lock before
 * SX_EBUSY (PostgreSQL: lock_timeout). On error *out is NULL.
 */
int db_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
	    int busy_timeout_ms, struct sx_error *err);

/* Finalizes cached statements and closes. NULL is fine. */
void db_close(struct db *db);

/* Runs SQL without parameters (may hold several statements: migrations). */
int db_exec(struct db *db, const char *sql, struct sx_error *err);

/* Runs one parameterless statement through the statement cache: for the
 * statements every transaction repeats (BEGIN, SAVEPOINT, RELEASE, COMMIT),
 * which would otherwise be parsed anew each time. */
int db_exec_cached(struct db *db, const char *sql, struct sx_error *err);

/*
 * Prepares (or fetches from the cache) a statement. The statement is owned by
 * the connection; give it back with db_finish when done with its rows.
 */
int db_prepare(struct db_stmt **out, struct db *db, const char *sql, struct sx_error *err);

/* Bindings: idx is the placeholder number ($1 = 1). text may hold any bytes
 * on SQLite; PostgreSQL takes valid UTF-8 without NUL bytes (a NUL is
 * SX_EINVALID at bind, bad UTF-8 SX_EINVALID at step). The driver copies it. */
int db_bind_text(struct db_stmt *st, int idx, const char *text, size_t len);
int db_bind_str(struct db_stmt *st, int idx, const char *text); /* NULL binds SQL NULL */
int db_bind_int64(struct db_stmt *st, int idx, int64_t value);
int db_bind_null(struct db_stmt *st, int idx);

/* Advances: DB_ROW, DB_DONE, or a negative SX_E* code with err filled. */
int db_step(struct db_stmt *st, struct sx_error *err);

/* Column access for the current row; col counts from 0. Text is valid until
 * the next step or finish; NULL columns give NULL text and 0 numbers. */
const char *db_column_text(struct db_stmt *st, int col);
size_t db_column_bytes(struct db_stmt *st, int col);
int64_t db_column_int64(struct db_stmt *st, int col);
bool db_column_is_null(struct db_stmt *st, int col);

/* Resets the statement and returns it to the cache. NULL is fine. */
void db_finish(struct db_stmt *st);

/* Transactions. db_begin_write takes the write lock at once (BEGIN IMMEDIATE
 * on SQLite; on PostgreSQL BEGIN plus a transaction-scoped advisory lock that
 * every sanxiang writer of the database takes) so a transaction never fails
 * half-way on lock upgrade and writers run one at a time on both. A read
 * transaction sees one snapshot of the last committed state (PostgreSQL:
 * REPEATABLE READ READ ONLY). db_commit of a transaction that the server has
 * already aborted is an error, never a silent rollback. */
int db_begin_read(struct db *db, struct sx_error *err);
int db_begin_write(struct db *db, struct sx_error *err);
int db_commit(struct db *db, struct sx_error *err);
void db_rollback(struct db *db); /* best effort; safe without an open transaction */

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db *db);

/* Runs the backend's integrity check; 0 when it reports ok, SX_ECORRUPT otherwise.
 * On PostgreSQL only a cheap sanity query: page checksums and pg_amcheck are
 * the operator's tools there (docs/postgresql.md). */
int db_integrity_check(struct db *db, struct sx_error *err);

/* Whether a table of that name exists (dialect-specific catalog query; on
 * PostgreSQL in current_schema()). */
int db_table_exists(bool *out, struct db *db, const char *name, struct sx_error *err);

/* Whether the database holds no tables at all (a fresh file; on PostgreSQL no
 * table in current_schema()). */
int db_is_empty(bool *out, struct db *db, struct sx_error *err);

/* "sqlite" or "postgresql". */
const char *db_backend_name(const struct db *db);

/* ---- catalog (for whole-database tools such as store_copy) ---- */

#define DB_NAME_SIZE 64 /* longest table or column name we handle, NUL included */

struct db_name {
	char name[DB_NAME_SIZE];
};

struct db_column {
	char name[DB_NAME_SIZE];
	int pk; /* 1-based position in the primary key; 0 = not part of it */
};

/*
 * The tables of the database sorted by name: SQLite's sqlite_master without
 * its own sqlite_* tables; PostgreSQL's information_schema.tables (base
 * tables of current_schema()). *out (sx_free) holds *count names; NULL when
 * there are none. SX_ETOOBIG for a name of DB_NAME_SIZE bytes or more.
 */
int db_table_names(struct db_name **out, size_t *count, struct db *db, struct sx_error *err);

/*
 * The columns of a table in declared order, each with its place in the
 * primary key (SQLite: pragma_table_info; PostgreSQL: information_schema).
 * *out (sx_free) holds *count columns; SX_ENOTFOUND ("table_not_found") when
 * the table has none, SX_ETOOBIG for an overlong name.
 */
int db_table_columns(struct db_column **out, size_t *count, struct db *db, const char *table,
		     struct sx_error *err);

#endif
