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

#include "base/mem.h"
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

/*
 * The catalog queries are the one place in db.c that speaks a dialect: each
 * backend names its tables and keys differently, and the answer is small, so
 * the SQL is picked here by backend rather than grown into the ops table.
 */
static const char db__sqlite_tables[] =
	"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
	"ESCAPE '\\' ORDER BY name";
static const char db__pg_tables[] =
	"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
	"AND table_type = 'BASE TABLE' ORDER BY table_name";
static const char db__sqlite_columns[] = "SELECT name, pk FROM pragma_table_info($1) ORDER BY cid";
static const char db__pg_columns[] =
	"SELECT c.column_name, COALESCE((SELECT k.ordinal_position"
	" FROM information_schema.table_constraints t"
	" JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema"
	" AND k.constraint_name = t.constraint_name"
	" WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name"
	" AND t.constraint_type = 'PRIMARY KEY' AND k.column_name = c.column_name), 0)"
	" FROM information_schema.columns c"
	" WHERE c.table_schema = current_schema() AND c.table_name = CAST($1 AS TEXT)"
	" ORDER BY c.ordinal_position";

static bool db__is_pg(const struct db *db)
{
	return strcmp(db->ops->name, "postgresql") == 0;
}

/* Appends one slot of elem_size bytes to *items (doubling), zeroed; NULL when out of memory. */
static void *db__grow(void **items, size_t *cap, size_t len, size_t elem_size)
{
	if (len == *cap) {
		size_t next = *cap ? *cap * 2 : 16;
		void *grown = sx_reallocarray(*items, next, elem_size);

		if (grown == NULL)
			return NULL;
		*items = grown;
		*cap = next;
	}
	memset((char *)*items + len * elem_size, 0, elem_size);
	return (char *)*items + len * elem_size;
}

static int db__name_copy(char dst[DB_NAME_SIZE], struct db_stmt *st, struct sx_error *err)
{
	const char *text = db_column_text(st, 0);
	size_t len = db_column_bytes(st, 0);

	if (text == NULL || len >= DB_NAME_SIZE)
		return sx_error_setf(err, SX_ETOOBIG, "catalog_name_too_long", "数据库对象名称过长",
				     "name of %zu bytes", len);
	memcpy(dst, text, len);
	dst[len] = '\0';
	return 0;
}

int db_table_names(struct db_name **out, size_t *count, struct db *db, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	void *items = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = db_prepare(&st, db, db__is_pg(db) ? db__pg_tables : db__sqlite_tables, err)) < 0)
		goto cleanup;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct db_name *slot = db__grow(&items, &cap, len, sizeof(*slot));

		if (slot == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, "out_of_memory", "内存不足");
			goto cleanup;
		}
		if ((rc = db__name_copy(slot->name, st, err)) < 0)
			goto cleanup;
		len++;
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = len ? items : NULL;
	*count = len;
	if (len)
		items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}

int db_table_columns(struct db_column **out, size_t *count, struct db *db, const char *table,
		     struct sx_error *err)
{
	struct db_stmt *st = NULL;
	void *items = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (table == NULL)
		return sx_error_set(err, SX_EINVALID, "table_missing", "未指定数据表");
	if ((rc = db_prepare(&st, db, db__is_pg(db) ? db__pg_columns : db__sqlite_columns,
			     err)) < 0 ||
	    (rc = db_bind_str(st, 1, table)) < 0)
		goto cleanup;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct db_column *slot = db__grow(&items, &cap, len, sizeof(*slot));

		if (slot == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, "out_of_memory", "内存不足");
			goto cleanup;
		}
		if ((rc = db__name_copy(slot->name, st, err)) < 0)
			goto cleanup;
		slot->pk = (int)db_column_int64(st, 1);
		len++;
	}
	if (rc < 0)
		goto cleanup;
	if (len == 0) {
		rc = sx_error_setf(err, SX_ENOTFOUND, "table_not_found", "数据表不存在", "table %s",
				   table);
		goto cleanup;
	}
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	return rc;
}
