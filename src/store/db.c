/*
 * store/db — picks the driver from the DSN and dispatches every db.h call
 * through the connection's ops table (db_driver.h).
 *
 * Invariant: a struct db and a struct db_stmt always come from a driver, so
 * their ops are set; the functions that db.h says accept NULL check it here
 * once rather than in each driver. The DSN rule of db_dsn_is_postgresql is
 * the one place that decides the backend; docs/postgresql.md repeats it.
 */
#include "store/db.h"

#include <string.h>

#include "store/db_driver.h"

/* libpq keywords a conninfo may start with (libpq "Parameter Key Words"). */
static const char *const db_conninfo_keywords[] = {
	"host",     "hostaddr", "port",    "dbname",          "user",
	"password", "passfile", "service", "sslmode",         "connect_timeout",
	"application_name",     "options", "target_session_attrs",
};

bool db_dsn_is_postgresql(const char *dsn)
{
	const char *p = dsn;
	size_t len = 0;

	if (dsn == NULL)
		return false;
	if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0)
		return true;
	while (*p == ' ' || *p == '\t')
		p++;
	while ((p[len] >= 'a' && p[len] <= 'z') || p[len] == '_')
		len++;
	if (len == 0)
		return false;
	for (const char *q = p + len; *q != '='; q++) {
		if (*q != ' ' && *q != '\t')
			return false;
	}
	for (size_t i = 0; i < sizeof(db_conninfo_keywords) / sizeof(db_conninfo_keywords[0]);
	     i++) {
		if (strlen(db_conninfo_keywords[i]) == len &&
		    memcmp(db_conninfo_keywords[i], p, len) == 0)
			return true;
	}
	return false;
}

int db_open(struct db **out, const char *dsn, enum db_open_mode mode, bool create,
	    int busy_timeout_ms, struct sx_error *err)
{
	*out = NULL;
	if (dsn == NULL || dsn[0] == '\0')
		return sx_error_set(err, SX_EINVALID, "db_path_missing", "未指定数据库路径");
	if (db_dsn_is_postgresql(dsn))
		return db_pg_open(out, dsn, mode, create, busy_timeout_ms, err);
	return db_sqlite_open(out, dsn, mode, create, busy_timeout_ms, err);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

int db_exec(struct db *db, const char *sql, struct sx_error *err)
{
	return db->ops->exec(db, sql, err);
}

int db_exec_cached(struct db *db, const char *sql, struct sx_error *err)
{
	return db->ops->exec_cached(db, sql, err);
}

int db_prepare(struct db_stmt **out, struct db *db, const char *sql, struct sx_error *err)
{
	*out = NULL;
	return db->ops->prepare(out, db, sql, err);
}

int db_bind_text(struct db_stmt *st, int idx, const char *text, size_t len)
{
	return st->db->ops->bind_text(st, idx, text, len);
}

int db_bind_str(struct db_stmt *st, int idx, const char *text)
{
	return st->db->ops->bind_text(st, idx, text, text ? strlen(text) : 0);
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t value)
{
	return st->db->ops->bind_int64(st, idx, value);
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return st->db->ops->bind_null(st, idx);
}

int db_step(struct db_stmt *st, struct sx_error *err)
{
	return st->db->ops->step(st, err);
}

const char *db_column_text(struct db_stmt *st, int col)
{
	return st->db->ops->column_text(st, col);
}

size_t db_column_bytes(struct db_stmt *st, int col)
{
	return st->db->ops->column_bytes(st, col);
}

int64_t db_column_int64(struct db_stmt *st, int col)
{
	return st->db->ops->column_int64(st, col);
}

bool db_column_is_null(struct db_stmt *st, int col)
{
	return st->db->ops->column_is_null(st, col);
}

void db_finish(struct db_stmt *st)
{
	if (st)
		st->db->ops->finish(st);
}

int db_begin_read(struct db *db, struct sx_error *err)
{
	return db->ops->begin_read(db, err);
}

int db_begin_write(struct db *db, struct sx_error *err)
{
	return db->ops->begin_write(db, err);
}

int db_commit(struct db *db, struct sx_error *err)
{
	return db->ops->commit(db, err);
}

void db_rollback(struct db *db)
{
	if (db)
		db->ops->rollback(db);
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_integrity_check(struct db *db, struct sx_error *err)
{
	return db->ops->integrity_check(db, err);
}

int db_table_exists(bool *out, struct db *db, const char *name, struct sx_error *err)
{
	*out = false;
	return db->ops->table_exists(out, db, name, err);
}

int db_is_empty(bool *out, struct db *db, struct sx_error *err)
{
	*out = false;
	return db->ops->is_empty(out, db, err);
}

const char *db_backend_name(const struct db *db)
{
	return db->ops->name;
}
