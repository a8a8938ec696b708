/*
 * Unit tests for store/db_pg, the PostgreSQL driver behind db.h, and for the
 * store on top of it with the real sql/pg migrations: the DSN rule, error
 * mapping by SQLSTATE (unique → SX_EEXISTS, check/foreign key/NOT NULL/bad
 * value → SX_EINVALID, append-only triggers → SX_EPERM "append_only", lock
 * timeout → SX_EBUSY, missing database → SX_ENOTFOUND, no server → SX_EIO),
 * savepoints after an error, int64 extremes, NULLs, text, a 10 000-row result,
 * the statement cache, snapshots of read transactions, one writer at a time,
 * and store_create / store_open / registry, lists, calendar, ledger and group
 * commit with concurrent writers.
 *
 * The server: SANXIANG_TEST_PG (a maintenance conninfo), else the last line of
 * the file SANXIANG_TEST_PG_FILE (what `scripts/pg-cluster start` printed, as
 * the ctest fixture writes it), else this test starts its own throwaway
 * cluster with scripts/pg-cluster in a mkdtemp dir and removes it at the end.
 * Every test gets a fresh database sx_dbpg_<pid>_<n> (UTF8, C collation),
 * dropped afterwards. Only db.h and store.h are used: no libpq here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/embedded.h"
#include "base/error.h"
#include "base/mem.h"
#include "ledger/event.h"
#include "ledger/merkle.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_calendar.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define T1 "2026-01-02T03:05:00.000000Z"
#define AGENCY_A "01J00000000000000000AGENA1"
#define AGENCY_B "01J00000000000000000AGENB2"
#define USER_1 "01J00000000000000000USER01"

#define assert_ok(expr, errp)                                                                      \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != 0)                                                                     \
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,            \
				      (errp)->detail);                                             \
		assert_int_equal(rc__, 0);                                                         \
	} while (0)

/* The server every test of this run uses. */
static char g_conninfo[1024];   /* maintenance conninfo (database "postgres" or as given) */
static char g_cluster_dir[256]; /* our own cluster's dir; "" when the server is someone else's */
static char g_script[PATH_MAX]; /* scripts/pg-cluster */
static unsigned g_db_counter;

struct fixture {
	char name[64];   /* the test's database */
	char dsn[1200];  /* g_conninfo with dbname=name */
	struct db *db;   /* a read-write connection to it, opened by setup */
};

/* ---- the server ---- */

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* The last non-empty line of path into out. */
static int read_last_line(char *out, size_t out_size, const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		chomp(line);
		if (line[0])
			snprintf(out, out_size, "%s", line);
	}
	fclose(f);
	return out[0] ? 0 : -1;
}

/* scripts/pg-cluster beside tests/: from SANXIANG_TEST_DATA (tests/data) or this file. */
static void find_script(void)
{
	const char *data = env_nonempty("SANXIANG_TEST_DATA");
	char here[PATH_MAX - 64];
	char *slash;

	if (data) {
		snprintf(g_script, sizeof(g_script), "%s/../../scripts/pg-cluster", data);
		if (access(g_script, X_OK) == 0)
			return;
	}
	snprintf(here, sizeof(here), "%s", __FILE__);
	slash = strrchr(here, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(here, sizeof(here), ".");
	snprintf(g_script, sizeof(g_script), "%s/../../scripts/pg-cluster", here);
}

static int run_script(const char *command, char *out, size_t out_size)
{
	char cmd[PATH_MAX + 512];
	char line[1024];
	FILE *p;

	if (strchr(g_script, '\'') || strchr(g_cluster_dir, '\''))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' %s '%s/pg'", g_script, command, g_cluster_dir);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	if (out)
		out[0] = '\0';
	while (fgets(line, sizeof(line), p)) {
		chomp(line);
		if (out && line[0])
			snprintf(out, out_size, "%s", line);
	}
	return pclose(p) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	const char *direct = env_nonempty("SANXIANG_TEST_PG");
	const char *file = env_nonempty("SANXIANG_TEST_PG_FILE");
	const char *tmp = env_nonempty("TMPDIR");

	(void)state;
	if (direct) {
		snprintf(g_conninfo, sizeof(g_conninfo), "%s", direct);
		return 0;
	}
	if (file) {
		if (read_last_line(g_conninfo, sizeof(g_conninfo), file) < 0) {
			print_message("SANXIANG_TEST_PG_FILE=%s holds no conninfo\n", file);
			return -1;
		}
		return 0;
	}
	/* Our own cluster. A short dir: the socket path must stay under 108 bytes. */
	find_script();
	snprintf(g_cluster_dir, sizeof(g_cluster_dir), "%s/sxdbpg.XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(g_cluster_dir) == NULL || chmod(g_cluster_dir, 0755) < 0) {
		print_message("cannot make %s\n", g_cluster_dir);
		g_cluster_dir[0] = '\0';
		return -1;
	}
	if (run_script("start", g_conninfo, sizeof(g_conninfo)) < 0 || g_conninfo[0] == '\0') {
		print_message("%s start failed: is postgresql-15 installed (scripts/setup)?\n",
			      g_script);
		run_script("stop", NULL, 0);
		rmdir(g_cluster_dir);
		g_cluster_dir[0] = '\0';
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g_cluster_dir[0]) {
		run_script("stop", NULL, 0);
		rmdir(g_cluster_dir);
	}
	return 0;
}

/* "<conninfo> dbname=<name>" (libpq keeps a keyword's last value), or the
 * URI form with ?dbname= / &dbname=. */
static void dsn_for(char *out, size_t out_size, const char *name)
{
	if (strncmp(g_conninfo, "postgres", 8) == 0 && strstr(g_conninfo, "://"))
		snprintf(out, out_size, "%s%sdbname=%s", g_conninfo,
			 strchr(g_conninfo, '?') ? "&" : "?", name);
	else
		snprintf(out, out_size, "%s dbname=%s", g_conninfo, name);
}

static int maintenance_exec(const char *sql)
{
	struct db *db = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = db_open(&db, g_conninfo, DB_OPEN_READ_WRITE, false, 5000, &err)) == 0)
		rc = db_exec(db, sql, &err);
	if (rc < 0)
		print_message("maintenance: %s: %s\n", sql, err.detail);
	db_close(db);
	return rc;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sx_error err;
	char sql[256];

	sx_mem_fail_after(-1);
	if (fx == NULL)
		return -1;
	*state = fx;
	snprintf(fx->name, sizeof(fx->name), "sx_dbpg_%ld_%u", (long)getpid(), ++g_db_counter);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", fx->name);
	maintenance_exec(sql);
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
		 "LC_CTYPE 'C'",
		 fx->name);
	if (maintenance_exec(sql) < 0)
		return -1;
	dsn_for(fx->dsn, sizeof(fx->dsn), fx->name);
	sx_error_clear(&err);
	if (db_open(&fx->db, fx->dsn, DB_OPEN_READ_WRITE, false, 2000, &err) < 0) {
		print_message("setup: %s\n", err.detail);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char sql[256];

	sx_mem_fail_after(-1);
	if (fx == NULL)
		return 0;
	db_close(fx->db);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", fx->name);
	maintenance_exec(sql);
	free(fx);
	return 0;
}

/* ---- small helpers ---- */

static int64_t query_int64(struct db *db, const char *sql)
{
	struct db_stmt *st = NULL;
	struct sx_error err;
	int64_t v;

	sx_error_clear(&err);
	assert_ok(db_prepare(&st, db, sql, &err), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	v = db_column_int64(st, 0);
	db_finish(st);
	return v;
}

/* Runs one statement with up to two text parameters; returns db_step's code
 * (DB_DONE/DB_ROW on success). */
static int run2(struct db *db, const char *sql, const char *p1, const char *p2,
		struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	sx_error_clear(err);
	if ((rc = db_prepare(&st, db, sql, err)) < 0)
		return rc;
	if (p1)
		assert_int_equal(db_bind_str(st, 1, p1), 0);
	if (p2)
		assert_int_equal(db_bind_str(st, 2, p2), 0);
	rc = db_step(st, err);
	db_finish(st);
	return rc;
}

/* ---- the DSN rule and the migration sets (no server) ---- */

static void test_dsn_rule_tells_postgresql_from_sqlite_paths(void **state)
{
	static const struct {
		const char *dsn;
		bool postgresql;
	} cases[] = {
		{"postgresql://localhost/sanxiang", true},
		{"postgres://u:p@db.example/sx?sslmode=require", true},
		{"postgresql:///sx?host=/run/postgresql", true},
		{"host=/run/postgresql dbname=sanxiang", true},
		{"dbname=sanxiang", true},
		{"  service = sanxiang", true},
		{"user=sx host=localhost port=5433", true},
		{"var/sanxiang.db", false},
		{"/srv/sanxiang/sanxiang.db", false},
		{"./dbname=x.db", false},
		{"sanxiang.db", false},
		{"hostname=x", false},
		{"postgresql:/nope", false},
		{"=x", false},
		{"", false},
		{NULL, false},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (db_dsn_is_postgresql(cases[i].dsn) != cases[i].postgresql)
			print_message("case %zu: %s\n", i, cases[i].dsn ? cases[i].dsn : "(null)");
		assert_int_equal(db_dsn_is_postgresql(cases[i].dsn), cases[i].postgresql);
	}
}

static void test_pg_migrations_mirror_the_sqlite_numbers_and_names(void **state)
{
	(void)state;
	assert_int_equal(embedded_pg_migration_count, embedded_migration_count);
	for (size_t i = 0; i < embedded_migration_count; i++) {
		assert_int_equal(embedded_pg_migrations[i].version, embedded_migrations[i].version);
		assert_string_equal(embedded_pg_migrations[i].name, embedded_migrations[i].name);
		assert_true(embedded_pg_migrations[i].size_bytes > 0);
	}
}

/* ---- connections ---- */

static void test_open_names_the_backend_and_runs_a_query(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(db_backend_name(fx->db), "postgresql");
	assert_int_equal(query_int64(fx->db, "SELECT 40 + 2"), 42);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM pg_settings "
					     "WHERE name = 'TimeZone' AND setting = 'UTC'"),
			 1);
}

static void test_a_missing_database_is_not_found(void **state)
{
	struct db *db = NULL;
	struct sx_error err;
	char dsn[1200];

	(void)state;
	sx_error_clear(&err);
	dsn_for(dsn, sizeof(dsn), "sx_dbpg_never_made");
	assert_int_equal(db_open(&db, dsn, DB_OPEN_READ_WRITE, true, 1000, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "db_not_found");
	assert_null(db);
}

static void test_an_unreachable_server_is_an_io_error(void **state)
{
	struct db *db = NULL;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(db_open(&db, "host=/nonexistent/sx port=1 dbname=x connect_timeout=2",
				 DB_OPEN_READ_WRITE, false, 1000, &err),
			 SX_EIO);
	assert_null(db);
	assert_true(strlen(err.detail) > 0);
}

/* ---- errors by SQLSTATE ---- */

static void test_constraint_violations_map_to_exists_and_invalid(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *sql;
		int rc;
	} cases[] = {
		{"INSERT INTO parent (id) VALUES ('a')", SX_EEXISTS},               /* unique */
		{"INSERT INTO child (id, parent_id, n) VALUES ('c2', 'zz', 1)", SX_EINVALID}, /* FK */
		{"INSERT INTO child (id, parent_id, n) VALUES ('c3', 'a', 0)", SX_EINVALID},  /* CHECK */
		{"INSERT INTO child (id, parent_id, n) VALUES ('c4', 'a', NULL)", SX_EINVALID}, /* NOT NULL */
		{"INSERT INTO child (id, parent_id, n) VALUES ('c5', 'a', 99999999999)", SX_EINVALID},
		{"SELECT CAST('x' AS BIGINT)", SX_EINVALID},                      /* 22P02 */
		{"SELECT * FROM no_such_table", SX_EIO},                          /* 42P01 */
	};
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db,
			  "CREATE TABLE parent (id TEXT PRIMARY KEY);"
			  "CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES "
			  "parent(id), n INTEGER NOT NULL CHECK (n > 0));"
			  "INSERT INTO parent (id) VALUES ('a');"
			  "INSERT INTO child (id, parent_id, n) VALUES ('c1', 'a', 1)",
			  &err),
		  &err);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int rc = run2(fx->db, cases[i].sql, NULL, NULL, &err);

		if (rc != cases[i].rc)
			print_message("case %zu: rc=%d detail=%s\n", i, rc, err.detail);
		assert_int_equal(rc, cases[i].rc);
		/* The server's words go to the log only. */
		assert_non_null(strstr(err.detail, "postgresql"));
	}
	/* The same mapping through db_exec (simple protocol). */
	assert_int_equal(db_exec(fx->db, "INSERT INTO parent (id) VALUES ('a')", &err), SX_EEXISTS);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM child"), 1);
}

static void test_append_only_tables_refuse_update_delete_and_truncate(void **state)
{
	struct fixture *fx = *state;
	static const char *const refused[] = {
		"UPDATE audit_event SET detail = 'x'",
		"DELETE FROM audit_event",
		"TRUNCATE audit_event",
		"UPDATE ledger_meta SET value = 'sm3'",
		"DELETE FROM ledger_meta",
		/* Row triggers fire only on rows; TRUNCATE is refused even when empty. */
		"TRUNCATE calendar_year",
		"TRUNCATE list_item",
		"TRUNCATE list_version, list_item",
		"TRUNCATE ledger_leaf",
		"TRUNCATE officer_photo",
	};
	struct store *st = NULL;
	struct store_tx *tx = NULL;
	struct store_audit ev = {"cli:root", "user.create", "user", USER_1, "detail"};
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_open(&st, fx->dsn, NULL, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	assert_ok(store_ledger_meta_init(tx, "sha256", "test.example/log", &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	store_close(st);
	for (size_t i = 0; i < ARRAY_LEN(refused); i++) {
		sx_error_clear(&err);
		assert_int_equal(db_exec(fx->db, refused[i], &err), SX_EPERM);
		assert_string_equal(err.code, "append_only");
		assert_string_equal(err.message, "该记录只能追加，不能修改或删除");
	}
	/* Through a prepared statement too, with the table named in the detail. */
	assert_int_equal(run2(fx->db, "DELETE FROM audit_event WHERE actor_id = $1", "cli:root",
			      NULL, &err),
			 SX_EPERM);
	assert_non_null(strstr(err.detail, "append_only: audit_event"));
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM audit_event"), 1);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM ledger_meta"), 2);
}

/* ---- transactions ---- */

static void test_a_refused_write_is_undone_alone_and_the_transaction_goes_on(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE t (id TEXT PRIMARY KEY)", &err), &err);
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "a", NULL, &err), DB_DONE);
	/* Two rows, the second taken: the statement is undone whole, row "b" too. */
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1), ($2)", "b", "a", &err),
			 SX_EEXISTS);
	assert_int_equal(run2(fx->db, "UPDATE t SET id = $2 WHERE id = $1", "a", "a", &err),
			 DB_DONE);
	/* As on SQLite, the transaction goes on. */
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "c", NULL, &err), DB_DONE);
	assert_ok(db_commit(fx->db, &err), &err);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM t"), 2);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM t WHERE id = 'b'"), 0);
}

static void test_savepoint_rolled_back_after_an_error_lets_the_transaction_go_on(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE t (id TEXT PRIMARY KEY)", &err), &err);
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_ok(db_exec_cached(fx->db, "SAVEPOINT sx_tx", &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "one", NULL, &err),
			 DB_DONE);
	assert_ok(db_exec_cached(fx->db, "RELEASE sx_tx", &err), &err);
	assert_ok(db_exec_cached(fx->db, "SAVEPOINT sx_tx", &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "two", NULL, &err),
			 DB_DONE);
	/* A failing SELECT aborts the transaction (PostgreSQL's rule)... */
	assert_int_equal(run2(fx->db, "SELECT CAST($1 AS BIGINT)", "x", NULL, &err), SX_EINVALID);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "three", NULL, &err),
			 SX_EIO);
	assert_non_null(strstr(err.detail, "25P02"));
	/* ...until the member's savepoint is rolled back, as store.c does. */
	assert_ok(db_exec_cached(fx->db, "ROLLBACK TO sx_tx", &err), &err);
	assert_ok(db_exec_cached(fx->db, "RELEASE sx_tx", &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "four", NULL, &err),
			 DB_DONE);
	assert_ok(db_commit(fx->db, &err), &err);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM t"), 2);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM t WHERE id IN ('one', 'four')"),
			 2);
}

static void test_commit_of_a_failed_transaction_is_an_error_and_writes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE t (id TEXT PRIMARY KEY)", &err), &err);
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "a", NULL, &err), DB_DONE);
	assert_int_equal(db_exec(fx->db, "SELECT CAST('x' AS BIGINT)", &err), SX_EINVALID);
	sx_error_clear(&err);
	assert_int_equal(db_commit(fx->db, &err), SX_EIO);
	assert_non_null(strstr(err.detail, "rolled back"));
	db_rollback(fx->db); /* safe without an open transaction */
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM t"), 0);
}

static void test_a_read_transaction_sees_one_snapshot_and_cannot_write(void **state)
{
	struct fixture *fx = *state;
	struct db *reader = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE t (id TEXT PRIMARY KEY); "
				  "INSERT INTO t (id) VALUES ('a')",
			  &err),
		  &err);
	assert_ok(db_open(&reader, fx->dsn, DB_OPEN_READ_ONLY, false, 1000, &err), &err);
	assert_ok(db_begin_read(reader, &err), &err);
	assert_int_equal(query_int64(reader, "SELECT count(*) FROM t"), 1);
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_int_equal(run2(fx->db, "INSERT INTO t (id) VALUES ($1)", "b", NULL, &err), DB_DONE);
	assert_ok(db_commit(fx->db, &err), &err);
	assert_int_equal(query_int64(reader, "SELECT count(*) FROM t"), 1);
	assert_int_not_equal(run2(reader, "INSERT INTO t (id) VALUES ($1)", "c", NULL, &err), 0);
	db_rollback(reader);
	assert_ok(db_begin_read(reader, &err), &err);
	assert_int_equal(query_int64(reader, "SELECT count(*) FROM t"), 2);
	assert_ok(db_commit(reader, &err), &err);
	/* A reader connection refuses writes outside a transaction too. */
	assert_int_not_equal(db_exec(reader, "INSERT INTO t (id) VALUES ('d')", &err), 0);
	db_close(reader);
}

static void test_a_second_writer_waits_for_the_first_and_times_out_busy(void **state)
{
	struct fixture *fx = *state;
	struct db *other = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_open(&other, fx->dsn, DB_OPEN_READ_WRITE, false, 100, &err), &err);
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_int_equal(db_begin_write(other, &err), SX_EBUSY);
	/* The failed BEGIN left no transaction behind. */
	assert_int_equal(query_int64(other, "SELECT 1"), 1);
	assert_ok(db_commit(fx->db, &err), &err);
	assert_ok(db_begin_write(other, &err), &err);
	assert_ok(db_commit(other, &err), &err);
	db_close(other);
}

static void test_a_connection_lost_between_transactions_is_reopened(void **state)
{
	struct fixture *fx = *state;
	struct db *killer = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	int64_t pid = query_int64(fx->db, "SELECT pg_backend_pid()");

	sx_error_clear(&err);
	assert_ok(db_open(&killer, fx->dsn, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_ok(db_prepare(&st, killer, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", &err),
		  &err);
	assert_ok(db_bind_int64(st, 1, pid), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), 1);
	db_finish(st);
	db_close(killer);
	/* The next statement fails; the next BEGIN reconnects, and the cached
	 * statement is prepared again on the new connection. */
	assert_int_equal(run2(fx->db, "SELECT 1", NULL, NULL, &err), SX_EIO);
	assert_ok(db_begin_read(fx->db, &err), &err);
	assert_int_not_equal(query_int64(fx->db, "SELECT pg_backend_pid()"), pid);
	assert_int_equal(query_int64(fx->db, "SELECT 1"), 1);
	assert_ok(db_commit(fx->db, &err), &err);
}

/* Every allocation of the driver (connection, statement, its SQL, a long
 * text binding) fails once in turn: SX_ENOMEM, nothing leaked (ASan), and
 * the next try works. */
static void test_every_allocation_failure_is_out_of_memory_and_leaks_nothing(void **state)
{
	struct fixture *fx = *state;
	char long_text[200];
	long n;

	memset(long_text, 'y', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	for (n = 0; n < 32; n++) {
		struct db *db = NULL;
		struct db_stmt *st = NULL;
		struct sx_error err;
		int64_t length = 0;
		int rc;

		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = db_open(&db, fx->dsn, DB_OPEN_READ_WRITE, false, 1000, &err);
		if (rc == 0)
			rc = db_prepare(&st, db, "SELECT length($1)", &err);
		if (rc == 0 && (rc = db_bind_str(st, 1, long_text)) == 0 &&
		    (rc = db_step(st, &err)) == DB_ROW) {
			length = db_column_int64(st, 0);
			rc = 0;
		}
		sx_mem_fail_after(-1);
		db_finish(st);
		db_close(db);
		if (rc == 0) {
			assert_int_equal(length, sizeof(long_text) - 1);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
	}
	/* The connection, the statement, its SQL text and the long binding. */
	assert_true(n >= 4);
	assert_true(n < 32);
}

/* ---- values ---- */

static void test_int64_round_trips_including_the_extremes(void **state)
{
	struct fixture *fx = *state;
	static const int64_t values[] = {0, 1, -1, INT32_MAX, (int64_t)INT32_MAX + 1, INT32_MIN,
					 INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
	struct db_stmt *st = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE n (k INTEGER PRIMARY KEY, v BIGINT NOT NULL)",
			  &err),
		  &err);
	for (size_t i = 0; i < ARRAY_LEN(values); i++) {
		assert_ok(db_prepare(&st, fx->db, "INSERT INTO n (k, v) VALUES ($1, $2)", &err),
			  &err);
		assert_ok(db_bind_int64(st, 1, (int64_t)i), &err);
		assert_ok(db_bind_int64(st, 2, values[i]), &err);
		assert_int_equal(db_step(st, &err), DB_DONE);
		db_finish(st);
		assert_int_equal(db_changes(fx->db), 1);
	}
	assert_ok(db_prepare(&st, fx->db, "SELECT k, v, v = $1 FROM n ORDER BY k", &err), &err);
	assert_ok(db_bind_int64(st, 1, INT64_MIN), &err);
	for (size_t i = 0; i < ARRAY_LEN(values); i++) {
		assert_int_equal(db_step(st, &err), DB_ROW);
		assert_int_equal(db_column_int64(st, 0), (int64_t)i);
		assert_true(db_column_int64(st, 1) == values[i]);
		assert_int_equal(db_column_int64(st, 2), values[i] == INT64_MIN ? 1 : 0);
	}
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);
}

static void test_nulls_bind_and_read_as_null(void **state)
{
	struct fixture *fx = *state;
	struct db_stmt *st = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_prepare(&st, fx->db,
			     "SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS TEXT), "
			     "CAST($1 AS TEXT) IS NULL",
			     &err),
		  &err);
	assert_ok(db_bind_null(st, 1), &err);
	assert_ok(db_bind_str(st, 3, NULL), &err);
	/* $2 stays unbound: SQL NULL, as on SQLite. */
	assert_int_equal(db_step(st, &err), DB_ROW);
	for (int col = 0; col < 3; col++) {
		assert_true(db_column_is_null(st, col));
		assert_null(db_column_text(st, col));
		assert_int_equal(db_column_bytes(st, col), 0);
		assert_int_equal(db_column_int64(st, col), 0);
	}
	assert_int_equal(db_column_int64(st, 3), 1);
	/* Past the last column: NULL, not a crash. */
	assert_true(db_column_is_null(st, 4));
	assert_null(db_column_text(st, -1));
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);
}

static void test_text_keeps_its_bytes_and_a_nul_or_bad_utf8_is_refused(void **state)
{
	struct fixture *fx = *state;
	static const char chinese[] = "执法人员 “张三” \\ % _ '";
	char long_text[4000];
	struct db_stmt *st = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_prepare(&st, fx->db, "SELECT $1 || '', length($1)", &err), &err);
	assert_ok(db_bind_text(st, 1, chinese, strlen(chinese)), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), chinese);
	assert_int_equal(db_column_bytes(st, 0), strlen(chinese));
	assert_int_equal(db_column_int64(st, 1), 17); /* characters, not bytes */
	db_finish(st);

	assert_ok(db_prepare(&st, fx->db, "SELECT $1 || ''", &err), &err);
	assert_int_equal(db_bind_text(st, 1, "a\0b", 3), SX_EINVALID);
	/* Only the first len bytes count. */
	assert_ok(db_bind_text(st, 1, "abcdef", 3), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "abc");
	db_finish(st);

	/* Long text (allocated, not kept inline) replaces short text in the same slot. */
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_ok(db_prepare(&st, fx->db, "SELECT length($1 || $2)", &err), &err);
	assert_ok(db_bind_str(st, 1, "short"), &err);
	assert_ok(db_bind_str(st, 1, long_text), &err);
	assert_ok(db_bind_str(st, 2, long_text), &err);
	assert_ok(db_bind_int64(st, 2, 7), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_int_equal(db_column_int64(st, 0), sizeof(long_text));
	db_finish(st);

	assert_ok(db_prepare(&st, fx->db, "SELECT $1 || ''", &err), &err);
	assert_ok(db_bind_str(st, 1, "\xff\xfe"), &err);
	assert_int_equal(db_step(st, &err), SX_EINVALID);
	db_finish(st);
}

static void test_placeholders_may_repeat_and_come_out_of_order(void **state)
{
	struct fixture *fx = *state;
	struct db_stmt *st = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_prepare(&st, fx->db, "SELECT $2 || $1", &err), &err);
	assert_ok(db_bind_str(st, 1, "one"), &err);
	assert_ok(db_bind_str(st, 2, "two"), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "twoone");
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);

	assert_ok(db_prepare(&st, fx->db,
			     "SELECT $1 || '-' || $2 || '-' || $1, CAST($3 AS BIGINT) * 2", &err),
		  &err);
	assert_ok(db_bind_int64(st, 3, 21), &err);
	assert_ok(db_bind_str(st, 2, "y"), &err);
	assert_ok(db_bind_str(st, 1, "x"), &err);
	/* A placeholder the statement does not have. */
	assert_int_equal(db_bind_str(st, 4, "z"), SX_EINVALID);
	assert_int_equal(db_bind_int64(st, 0, 1), SX_EINVALID);
	assert_int_equal(db_bind_null(st, 65), SX_EINVALID);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "x-y-x");
	assert_int_equal(db_column_int64(st, 1), 42);
	db_finish(st);
}

static void test_ten_thousand_rows_come_back_in_order(void **state)
{
	struct fixture *fx = *state;
	enum { ROWS = 10000 };
	struct db_stmt *st = NULL;
	struct sx_error err;
	char text[32];
	int64_t n = 0;
	int rc;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE r (i BIGINT PRIMARY KEY, s TEXT NOT NULL)", &err),
		  &err);
	/* The server makes the rows (10 000 round trips would only measure the socket). */
	assert_ok(db_prepare(&st, fx->db,
			     "INSERT INTO r (i, s) SELECT g * CAST($2 AS BIGINT), 'row ' || g "
			     "FROM generate_series(0, CAST($1 AS INTEGER) - 1) AS g",
			     &err),
		  &err);
	assert_ok(db_bind_int64(st, 1, ROWS), &err);
	assert_ok(db_bind_int64(st, 2, 1000003), &err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);
	assert_int_equal(db_changes(fx->db), ROWS);
	assert_ok(db_prepare(&st, fx->db, "SELECT i, s FROM r ORDER BY i", &err), &err);
	while ((rc = db_step(st, &err)) == DB_ROW) {
		snprintf(text, sizeof(text), "row %lld", (long long)n);
		assert_true(db_column_int64(st, 0) == n * 1000003);
		assert_string_equal(db_column_text(st, 1), text);
		n++;
	}
	assert_int_equal(rc, DB_DONE);
	db_finish(st);
	assert_int_equal(n, ROWS);
}

static void test_changes_counts_the_rows_of_the_last_update(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE c (id INTEGER PRIMARY KEY, v TEXT);"
				  "INSERT INTO c VALUES (1, 'a'), (2, 'a'), (3, 'b')",
			  &err),
		  &err);
	assert_int_equal(db_changes(fx->db), 3);
	assert_int_equal(run2(fx->db, "UPDATE c SET v = $2 WHERE v = $1", "a", "z", &err), DB_DONE);
	assert_int_equal(db_changes(fx->db), 2);
	/* A SELECT leaves the count alone, as on SQLite. */
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM c"), 3);
	assert_int_equal(db_changes(fx->db), 2);
	assert_int_equal(run2(fx->db, "UPDATE c SET v = $2 WHERE v = $1", "none", "z", &err),
			 DB_DONE);
	assert_int_equal(db_changes(fx->db), 0);
}

static void test_statement_cache_refuses_a_statement_in_use_and_survives_rollback(void **state)
{
	struct fixture *fx = *state;
	static const char sql[] = "SELECT count(*) FROM s WHERE id = $1";
	struct db_stmt *a = NULL, *b = NULL;
	struct sx_error err;
	char copy[sizeof(sql)];

	sx_error_clear(&err);
	assert_ok(db_exec(fx->db, "CREATE TABLE s (id TEXT PRIMARY KEY)", &err), &err);
	/* Prepared inside a transaction that rolls back: the server keeps it. */
	assert_ok(db_begin_write(fx->db, &err), &err);
	assert_ok(db_prepare(&a, fx->db, sql, &err), &err);
	assert_int_equal(db_prepare(&b, fx->db, sql, &err), SX_EINTERNAL);
	assert_null(b);
	db_finish(a);
	db_rollback(fx->db);
	/* Same text at another address finds the same statement. */
	memcpy(copy, sql, sizeof(sql));
	assert_ok(db_prepare(&b, fx->db, copy, &err), &err);
	assert_ptr_equal(a, b);
	assert_ok(db_bind_str(b, 1, "x"), &err);
	assert_int_equal(db_step(b, &err), DB_ROW);
	assert_int_equal(db_column_int64(b, 0), 0);
	db_finish(b);
	/* A statement that does not parse is not cached and breaks nothing. */
	assert_int_not_equal(db_prepare(&a, fx->db, "SELEC nonsense", &err), 0);
	assert_null(a);
	assert_int_equal(query_int64(fx->db, "SELECT 7"), 7);
}

static void test_catalog_queries_see_the_current_schema(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;
	bool flag = false;

	sx_error_clear(&err);
	assert_ok(db_is_empty(&flag, fx->db, &err), &err);
	assert_true(flag);
	assert_ok(db_table_exists(&flag, fx->db, "widget", &err), &err);
	assert_false(flag);
	assert_ok(db_exec(fx->db, "CREATE TABLE widget (id TEXT)", &err), &err);
	assert_ok(db_table_exists(&flag, fx->db, "widget", &err), &err);
	assert_true(flag);
	assert_ok(db_is_empty(&flag, fx->db, &err), &err);
	assert_false(flag);
	/* A view is not a table; pg_catalog's tables are not ours. */
	assert_ok(db_exec(fx->db, "CREATE VIEW gadget AS SELECT 1 AS x", &err), &err);
	assert_ok(db_table_exists(&flag, fx->db, "gadget", &err), &err);
	assert_false(flag);
	assert_ok(db_table_exists(&flag, fx->db, "pg_class", &err), &err);
	assert_false(flag);
	assert_ok(db_integrity_check(fx->db, &err), &err);
}

/* ---- the store on PostgreSQL ---- */

static void fill_agency(struct store_agency *a, const char *id, const char *name,
			const char *credit, const char *region)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->credit_code, sizeof(a->credit_code), "%s", credit);
	snprintf(a->level, sizeof(a->level), "county");
	snprintf(a->region_code, sizeof(a->region_code), "%s", region);
	a->active = true;
	snprintf(a->created_at, sizeof(a->created_at), T0);
	snprintf(a->created_by, sizeof(a->created_by), "cli:root");
	snprintf(a->duties, sizeof(a->duties), "负责本县市场监管");
}

static void fill_officer(struct store_officer *o, const char *id, const char *agency,
			 const char *name, const char *cert)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->agency_id, sizeof(o->agency_id), "%s", agency);
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->cert_no, sizeof(o->cert_no), "%s", cert);
	snprintf(o->cert_type, sizeof(o->cert_type), "行政执法证");
	snprintf(o->field, sizeof(o->field), "市场监管");
	snprintf(o->valid_from, sizeof(o->valid_from), "2025-01-01");
	snprintf(o->valid_to, sizeof(o->valid_to), "2030-01-01");
	snprintf(o->status, sizeof(o->status), "active");
	snprintf(o->id_number, sizeof(o->id_number), "11010519491231002X");
	snprintf(o->created_at, sizeof(o->created_at), T0);
	snprintf(o->created_by, sizeof(o->created_by), "cli:root");
}

static void test_store_create_refuses_a_second_time_and_open_checks_the_version(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	struct sx_error err;
	int version = 0, from = -1, to = -1;
	bool exists = false;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_schema_version(&version, fx->dsn, &err), &err);
	assert_int_equal(version, store_binary_schema_version());
	assert_int_equal(store_create(fx->dsn, &err), SX_EEXISTS);
	assert_string_equal(err.code, "already_initialized");
	assert_ok(store_migrate(fx->dsn, &from, &to, &err), &err);
	assert_int_equal(from, store_binary_schema_version());
	assert_int_equal(to, store_binary_schema_version());
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM schema_version"),
			 (int64_t)embedded_pg_migration_count);
	/* 0005 dropped the demo table of 0001, as on SQLite. */
	assert_ok(db_table_exists(&exists, fx->db, "matter", &err), &err);
	assert_false(exists);
	assert_ok(db_table_exists(&exists, fx->db, "officer_photo", &err), &err);
	assert_true(exists);
	/* One version behind: refused until migrated; one ahead: too new. */
	assert_ok(db_exec(fx->db, "DELETE FROM schema_version WHERE version = "
				  "(SELECT max(version) FROM schema_version)",
			  &err),
		  &err);
	assert_int_equal(store_open(&st, fx->dsn, NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "schema_outdated");
	assert_null(st);
	assert_ok(db_exec(fx->db, "INSERT INTO schema_version (version, name, applied_at) "
				  "VALUES (999, 'future', '" T0 "')",
			  &err),
		  &err);
	assert_int_equal(store_open(&st, fx->dsn, NULL, &err), SX_ETOONEW);
	assert_int_equal(store_migrate(fx->dsn, &from, &to, &err), SX_ETOONEW);
	assert_null(st);
}

static void test_store_registry_users_sessions_and_audit_work_on_postgresql(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	struct store_tx *tx = NULL;
	struct store_agency a, b, got, *agencies = NULL;
	struct store_user u, ug, *users = NULL;
	struct store_officer o, og, *staff = NULL;
	struct store_officer_public *pub = NULL;
	struct store_officer_filter filter = {NULL, NULL, 10, 0};
	struct store_user_filter ufilter = {NULL, NULL};
	struct store_session s, sg;
	struct store_throttle th = {3, T0, T1}, thg;
	struct store_audit ev = {"cli:root", "agency.create", "agency", AGENCY_A, NULL};
	struct sx_error err;
	size_t count = 0;
	int64_t n = 0;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_open(&st, fx->dsn, NULL, &err), &err);

	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	fill_agency(&a, AGENCY_A, "乙县市场监督管理局", "11330000000000000A", "330102");
	fill_agency(&b, AGENCY_B, "甲县市场监督管理局", "11330000000000000B", "330101");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	assert_ok(store_agency_insert(tx, &b, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	/* A duplicate credit code fails alone; the batch and the store go on. */
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	snprintf(a.id, sizeof(a.id), "01J00000000000000000AGENX9");
	assert_int_equal(store_agency_insert(tx, &a, &err), SX_EEXISTS);
	assert_string_equal(err.code, "exists");
	store_rollback(tx);

	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	snprintf(a.id, sizeof(a.id), AGENCY_A);
	snprintf(a.phone, sizeof(a.phone), "0571-12345678");
	assert_ok(store_agency_update(tx, &a, &err), &err);
	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), USER_1);
	snprintf(u.username, sizeof(u.username), "zhangsan");
	snprintf(u.display_name, sizeof(u.display_name), "张三");
	snprintf(u.agency_id, sizeof(u.agency_id), AGENCY_A);
	snprintf(u.role, sizeof(u.role), "officer");
	snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$v=19$m=65536,t=3,p=1$x$y");
	snprintf(u.password_changed_at, sizeof(u.password_changed_at), T0);
	snprintf(u.created_at, sizeof(u.created_at), T0);
	snprintf(u.created_by, sizeof(u.created_by), "cli:root");
	assert_ok(store_user_insert(tx, &u, &err), &err);
	fill_officer(&o, "01J00000000000000000OFFIC1", AGENCY_A, "张三", "330102001");
	snprintf(o.user_id, sizeof(o.user_id), USER_1);
	assert_ok(store_officer_insert(tx, &o, &err), &err);
	fill_officer(&o, "01J00000000000000000OFFIC2", AGENCY_B, "李四_百分%", "330101002");
	assert_ok(store_officer_insert(tx, &o, &err), &err);
	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", 7);
	snprintf(s.user_id, sizeof(s.user_id), USER_1);
	snprintf(s.csrf_token, sizeof(s.csrf_token), "csrf");
	snprintf(s.created_at, sizeof(s.created_at), T0);
	snprintf(s.last_seen_at, sizeof(s.last_seen_at), T0);
	snprintf(s.expires_at, sizeof(s.expires_at), T1);
	assert_ok(store_session_insert(tx, &s, &err), &err);
	assert_ok(store_session_touch(tx, s.token_hash, T1, &err), &err);
	assert_ok(store_throttle_put(tx, "zhangsan", &th, &err), &err);
	th.failures = 4;
	assert_ok(store_throttle_put(tx, "zhangsan", &th, &err), &err);
	assert_ok(store_user_set_disabled(tx, USER_1, true, &err), &err);
	assert_int_equal(store_user_set_disabled(tx, "nobody", true, &err), SX_ENOTFOUND);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_agency_get(&got, tx, AGENCY_A, &err), &err);
	assert_string_equal(got.phone, "0571-12345678");
	assert_string_equal(got.duties, "负责本县市场监管");
	assert_true(got.active);
	assert_ok(store_agency_list(&agencies, &count, tx, &err), &err);
	assert_int_equal(count, 2);
	assert_string_equal(agencies[0].id, AGENCY_B); /* region 330101 first */
	assert_ok(store_user_get_by_username(&ug, tx, "zhangsan", &err), &err);
	assert_true(ug.disabled);
	assert_ok(store_user_list(&users, &count, tx, &ufilter, &err), &err);
	assert_int_equal(count, 1);
	sx_free(users);
	ufilter.region_prefix = "3301";
	ufilter.agency_id = AGENCY_A;
	assert_ok(store_user_list(&users, &count, tx, &ufilter, &err), &err);
	assert_int_equal(count, 1);
	sx_free(users);
	ufilter.region_prefix = "44";
	assert_ok(store_user_list(&users, &count, tx, &ufilter, &err), &err);
	assert_int_equal(count, 0);
	sx_free(users);
	assert_ok(store_officer_get_by_cert(&og, tx, "330102001", &err), &err);
	assert_string_equal(og.user_id, USER_1);
	assert_string_equal(og.photo_sha256, "");
	assert_ok(store_officer_by_user(&og, tx, USER_1, &err), &err);
	assert_string_equal(og.cert_no, "330102001");
	assert_ok(store_officer_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 2);
	assert_ok(store_officer_count(&n, tx, AGENCY_B, &err), &err);
	assert_int_equal(n, 1);
	/* The search: certificate prefix, or a name containing the text with % _ literal. */
	filter.query = "3301";
	assert_ok(store_officer_list_count(&n, tx, &filter, &err), &err);
	assert_int_equal(n, 2);
	filter.query = "_百分%";
	assert_ok(store_officer_list(&pub, &count, tx, &filter, &err), &err);
	assert_int_equal(count, 1);
	assert_string_equal(pub[0].agency_name, "甲县市场监督管理局");
	sx_free(pub);
	filter.query = "百_";
	assert_ok(store_officer_list_count(&n, tx, &filter, &err), &err);
	assert_int_equal(n, 0);
	filter.query = NULL;
	filter.agency_id = AGENCY_A;
	assert_ok(store_officer_list_staff(&staff, &count, tx, &filter, &err), &err);
	assert_int_equal(count, 1);
	assert_string_equal(staff[0].id_number, "11010519491231002X");
	sx_free(staff);
	filter.agency_id = NULL;
	filter.limit = 1;
	filter.offset = 1;
	assert_ok(store_officer_list(&pub, &count, tx, &filter, &err), &err);
	assert_int_equal(count, 1);
	assert_string_equal(pub[0].cert_no, "330102001");
	sx_free(pub);
	assert_ok(store_session_get(&sg, tx, s.token_hash, &err), &err);
	assert_string_equal(sg.last_seen_at, T1);
	assert_string_equal(sg.revoked_at, "");
	assert_ok(store_throttle_get(&thg, tx, "zhangsan", &err), &err);
	assert_int_equal(thg.failures, 4);
	assert_ok(store_audit_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_audit_count(&n, tx, "agency.create", &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_audit_count(&n, tx, "user.create", &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_integrity_check(tx, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	sx_free(agencies);

	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_revoke_user(tx, USER_1, T1, &err), &err);
	assert_ok(store_throttle_clear(tx, "zhangsan", &err), &err);
	assert_ok(store_user_set_password(tx, USER_1, "$argon2id$new", T1, &err), &err);
	snprintf(og.status, sizeof(og.status), "suspended");
	assert_ok(store_officer_update(tx, &og, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_int_equal(store_throttle_get(&thg, tx, "zhangsan", &err), SX_ENOTFOUND);
	assert_ok(store_session_get(&sg, tx, s.token_hash, &err), &err);
	assert_string_equal(sg.revoked_at, T1);
	assert_ok(store_officer_get(&og, tx, "01J00000000000000000OFFIC1", &err), &err);
	assert_string_equal(og.status, "suspended");
	assert_ok(store_commit(tx, &err), &err);
	store_close(st);
}

static int count_year(const struct store_calendar_year *row, void *ctx)
{
	int *n = ctx;

	if (row->year != 2027 || strcmp(row->data, "{\"year\":2027}") != 0 ||
	    strcmp(row->source, "国务院办公厅通知") != 0)
		return SX_ECORRUPT;
	(*n)++;
	return 0;
}

static void test_store_lists_photos_and_calendar_work_on_postgresql(void **state)
{
	struct fixture *fx = *state;
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 1};
	struct store *st = NULL;
	struct store_tx *tx = NULL;
	struct store_agency a;
	struct store_list_version v, vg, *versions = NULL;
	struct store_list_item item, *items = NULL;
	struct store_list_item_filter ifilter = {NULL, false, false, true};
	struct store_officer_photo p, pg;
	struct store_calendar_year year;
	int years = 0;
	struct sx_error err;
	size_t count = 0;
	int64_t n = 0;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_open(&st, fx->dsn, NULL, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	fill_agency(&a, AGENCY_A, "乙县市场监督管理局", "11330000000000000A", "330102");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	memset(&v, 0, sizeof(v));
	snprintf(v.id, sizeof(v.id), "01J00000000000000000VERS01");
	snprintf(v.agency_id, sizeof(v.agency_id), AGENCY_A);
	v.version = 1;
	snprintf(v.status, sizeof(v.status), "pending");
	snprintf(v.effective_from, sizeof(v.effective_from), "2026-02-01");
	snprintf(v.summary, sizeof(v.summary), "首版");
	v.item_count = 2;
	snprintf(v.content_sha256, sizeof(v.content_sha256), "%064d", 0);
	snprintf(v.created_at, sizeof(v.created_at), T0);
	snprintf(v.created_by, sizeof(v.created_by), "cli:root");
	assert_ok(store_list_version_insert(tx, &v, &err), &err);
	for (int i = 0; i < 2; i++) {
		memset(&item, 0, sizeof(item));
		item.ord = i;
		snprintf(item.code, sizeof(item.code), "CF-%03d", i);
		snprintf(item.name, sizeof(item.name), "事项 %d", i);
		snprintf(item.act_type, sizeof(item.act_type), "处罚");
		item.random_inspection = i == 1;
		snprintf(item.av_requirement, sizeof(item.av_requirement), i ? "key_steps" : "none");
		item.body = (char *)"{\"code\":\"x\"}";
		assert_ok(store_list_item_insert(tx, v.id, &item, &err), &err);
	}
	assert_int_equal(store_list_item_insert(tx, v.id, &item, &err), SX_EEXISTS);
	store_rollback(tx);

	/* The rolled-back member wrote nothing; do it again and commit. */
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	assert_ok(store_list_version_insert(tx, &v, &err), &err);
	for (int i = 0; i < 2; i++) {
		memset(&item, 0, sizeof(item));
		item.ord = i;
		snprintf(item.code, sizeof(item.code), "CF-%03d", i);
		snprintf(item.name, sizeof(item.name), "事项 %d", i);
		snprintf(item.act_type, sizeof(item.act_type), "处罚");
		item.random_inspection = i == 1;
		snprintf(item.av_requirement, sizeof(item.av_requirement), i ? "key_steps" : "none");
		item.body = (char *)"{\"code\":\"x\"}";
		assert_ok(store_list_item_insert(tx, v.id, &item, &err), &err);
	}
	memset(&p, 0, sizeof(p));
	snprintf(p.sha256, sizeof(p.sha256), "%064d", 1);
	snprintf(p.content_type, sizeof(p.content_type), "image/png");
	p.data = (unsigned char *)png;
	p.size_bytes = sizeof(png);
	snprintf(p.created_at, sizeof(p.created_at), T0);
	snprintf(p.created_by, sizeof(p.created_by), "cli:root");
	assert_ok(store_officer_photo_put(tx, &p, &err), &err);
	assert_ok(store_officer_photo_put(tx, &p, &err), &err); /* known hash: nothing written */
	memset(&year, 0, sizeof(year));
	year.year = 2027;
	year.data = "{\"year\":2027}";
	year.data_len = strlen(year.data);
	snprintf(year.source, sizeof(year.source), "国务院办公厅通知");
	snprintf(year.imported_at, sizeof(year.imported_at), T0);
	snprintf(year.imported_by, sizeof(year.imported_by), "cli:root");
	assert_ok(store_calendar_year_insert(tx, &year, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_calendar_year_insert(tx, &year, &err), SX_EEXISTS);
	assert_string_equal(err.code, "calendar_year_exists");
	store_rollback(tx);
	year.year = 1900;
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_calendar_year_insert(tx, &year, &err), SX_EINVALID);
	store_rollback(tx);

	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_list_version_decide(tx, v.id, "approved", "2026-02-01", T1, "cli:root",
					    NULL, &err),
		  &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_list_version_decide(tx, v.id, "rejected", "2026-02-01", T1,
						   "cli:root", "again", &err),
			 SX_ECONFLICT);
	store_rollback(tx);
	/* Under the store, the database itself refuses a second decision. */
	assert_int_equal(db_exec(fx->db, "UPDATE list_version SET status = 'rejected'", &err),
			 SX_EPERM);
	assert_non_null(strstr(err.detail, "append_only: list_version decided"));

	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_list_version_get(&vg, tx, AGENCY_A, 1, &err), &err);
	assert_string_equal(vg.status, "approved");
	assert_string_equal(vg.decision_note, "");
	assert_int_equal(store_list_version_get(&vg, tx, AGENCY_A, INT64_MAX, &err), SX_ENOTFOUND);
	assert_ok(store_list_version_latest(&vg, tx, AGENCY_A, NULL, &err), &err);
	assert_ok(store_list_version_latest(&vg, tx, AGENCY_A, "approved", &err), &err);
	assert_int_equal(store_list_version_latest(&vg, tx, AGENCY_A, "pending", &err),
			 SX_ENOTFOUND);
	assert_ok(store_list_version_current(&vg, tx, AGENCY_A, "2026-03-01", &err), &err);
	assert_int_equal(store_list_version_current(&vg, tx, AGENCY_A, "2026-01-01", &err),
			 SX_ENOTFOUND);
	assert_ok(store_list_version_list(&versions, &count, tx, AGENCY_A, false, &err), &err);
	assert_int_equal(count, 1);
	sx_free(versions);
	assert_ok(store_list_version_max(&n, tx, AGENCY_A, &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_list_items(&items, &count, tx, v.id, &ifilter, &err), &err);
	assert_int_equal(count, 2);
	assert_string_equal(items[1].code, "CF-001");
	assert_string_equal(items[0].body, "{\"code\":\"x\"}");
	store_list_items_free(items, count);
	ifilter.code = "CF-001";
	ifilter.with_body = false;
	assert_ok(store_list_items(&items, &count, tx, v.id, &ifilter, &err), &err);
	assert_int_equal(count, 1);
	assert_null(items[0].body);
	store_list_items_free(items, count);
	ifilter.code = NULL;
	ifilter.random_only = true;
	ifilter.av_only = true;
	assert_ok(store_list_items(&items, &count, tx, v.id, &ifilter, &err), &err);
	assert_int_equal(count, 1);
	store_list_items_free(items, count);
	assert_ok(store_calendar_year_each(tx, count_year, &years, &err), &err);
	assert_int_equal(years, 1);
	assert_ok(store_officer_photo_get(&pg, tx, p.sha256, &err), &err);
	assert_int_equal(pg.size_bytes, sizeof(png));
	assert_memory_equal(pg.data, png, sizeof(png));
	store_officer_photo_clear(&pg);
	assert_ok(store_commit(tx, &err), &err);
	store_close(st);
}

struct leaf_counter {
	uint64_t next;
};

static int count_leaf(const struct store_ledger_leaf *leaf, void *ctx)
{
	struct leaf_counter *c = ctx;

	if (leaf->index != c->next)
		return SX_ECORRUPT;
	c->next++;
	return 0;
}

static int read_hash(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	return store_ledger_hash_get(out->bytes, ctx, level, index, NULL);
}

static void test_ledger_appends_and_proves_on_postgresql(void **state)
{
	struct fixture *fx = *state;
	enum { EVENTS = 13 };
	struct store *st = NULL;
	struct store_tx *tx = NULL;
	struct store_ledger_meta meta;
	struct store_ledger_leaf leaf;
	struct store_ledger_checkpoint cp;
	struct merkle_hash root, proof[MERKLE_MAX_PROOF], leaf_hash;
	struct leaf_counter counter = {0};
	struct sx_error err;
	uint64_t index = 0, size = 0, *leaves = NULL;
	size_t count = 0;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_open(&st, fx->dsn, NULL, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_ledger_meta_init(tx, "sha256", "test.example/log", &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	for (uint64_t i = 0; i < EVENTS; i++) {
		assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
		assert_ok(ledger_event_append(&index, store_ledger_storage(), tx, CRYPTO_HASH_SHA256,
					      "user.create", i % 2 ? USER_1 : AGENCY_A,
					      "{\"n\":1}", 7, &err),
			  &err);
		assert_int_equal(index, i);
		assert_ok(store_commit(tx, &err), &err);
	}
	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_ledger_meta_get(&meta, tx, &err), &err);
	assert_string_equal(meta.hash_name, "sha256");
	assert_ok(store_ledger_size(&size, tx, &err), &err);
	assert_int_equal(size, EVENTS);
	assert_ok(merkle_root(&root, CRYPTO_HASH_SHA256, size, read_hash, tx), &err);
	for (uint64_t i = 0; i < EVENTS; i++) {
		assert_ok(store_ledger_leaf_get(&leaf, tx, i, &err), &err);
		memcpy(leaf_hash.bytes, leaf.leaf_hash, sizeof(leaf_hash.bytes));
		assert_ok(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, i, size,
						 read_hash, tx),
			  &err);
		assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &leaf_hash, i, size,
							 proof, count, &root),
				 0);
		store_ledger_leaf_clear(&leaf);
	}
	assert_ok(store_ledger_leaf_range(tx, 0, EVENTS + 5, count_leaf, &counter, &err), &err);
	assert_int_equal(counter.next, EVENTS);
	assert_ok(store_ledger_leaves_of(&leaves, &count, tx, USER_1, &err), &err);
	assert_int_equal(count, EVENTS / 2);
	assert_int_equal(leaves[0], 1);
	sx_free(leaves);
	assert_int_equal(store_ledger_leaf_get(&leaf, tx, EVENTS, &err), SX_ENOTFOUND);
	assert_int_equal(store_ledger_checkpoint_latest(&cp, tx, &err), SX_ENOTFOUND);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_ledger_checkpoint_insert(tx, size, root.bytes, "note\n", &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_ledger_checkpoint_insert(tx, size, root.bytes, "x", &err),
			 SX_EEXISTS);
	store_rollback(tx);
	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_ledger_checkpoint_latest(&cp, tx, &err), &err);
	assert_int_equal(cp.size, EVENTS);
	assert_string_equal(cp.note, "note\n");
	assert_memory_equal(cp.root, root.bytes, 32);
	store_ledger_checkpoint_clear(&cp);
	assert_ok(store_ledger_checkpoint_at(&cp, tx, EVENTS, &err), &err);
	store_ledger_checkpoint_clear(&cp);
	assert_ok(store_commit(tx, &err), &err);
	store_close(st);
	assert_int_equal(db_exec(fx->db, "UPDATE ledger_leaf SET kind = 'x' WHERE idx = 0", &err),
			 SX_EPERM);
	assert_int_equal(db_exec(fx->db, "DELETE FROM ledger_hash", &err), SX_EPERM);
}

/* Group commit: many writers, some of whose transactions fail and roll back
 * to their savepoint inside a shared batch. Every good write must land and
 * every failed one must leave nothing. */
enum { WRITERS = 6, WRITES_EACH = 20 };

struct writer_ctx {
	struct store *st;
	int id;
	int failures; /* assertions cannot run on these threads: counted instead */
};

static void *writer_main(void *arg)
{
	struct writer_ctx *w = arg;

	for (int i = 0; i < WRITES_EACH; i++) {
		struct store_tx *tx = NULL;
		struct store_agency dup;
		struct sx_error err;
		char object[32];
		struct store_audit ev = {"cli:root", "test.write", "test", object, NULL};

		snprintf(object, sizeof(object), "w%d-%d", w->id, i);
		sx_error_clear(&err);
		if (store_begin(&tx, w->st, STORE_TX_WRITE, &err) < 0) {
			w->failures++;
			continue;
		}
		if (store_audit_append(tx, &ev, &err) < 0) {
			w->failures++;
			store_rollback(tx);
			continue;
		}
		if (i % 4 == 3) {
			/* Fails on the unique credit code: this member rolls back. */
			fill_agency(&dup, "01J00000000000000000AGENX9", "重复", "11330000000000000A",
				    "330102");
			if (store_agency_insert(tx, &dup, &err) != SX_EEXISTS)
				w->failures++;
			store_rollback(tx);
			continue;
		}
		if (store_commit(tx, &err) < 0)
			w->failures++;
	}
	return NULL;
}

static void test_group_commit_keeps_good_writes_and_drops_failed_ones(void **state)
{
	struct fixture *fx = *state;
	struct store_options opt = {.reader_count = 2, .busy_timeout_ms = 5000, .max_batch = 8};
	struct store *st = NULL;
	struct store_tx *tx = NULL;
	struct store_agency a;
	struct writer_ctx ctx[WRITERS];
	pthread_t threads[WRITERS];
	struct sx_error err;
	int64_t n = 0;

	sx_error_clear(&err);
	assert_ok(store_create(fx->dsn, &err), &err);
	assert_ok(store_open(&st, fx->dsn, &opt, &err), &err);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	fill_agency(&a, AGENCY_A, "乙县市场监督管理局", "11330000000000000A", "330102");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	for (int i = 0; i < WRITERS; i++) {
		ctx[i] = (struct writer_ctx){st, i, 0};
		assert_int_equal(pthread_create(&threads[i], NULL, writer_main, &ctx[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(ctx[i].failures, 0);
	}
	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_audit_count(&n, tx, "test.write", &err), &err);
	assert_int_equal(n, WRITERS * (WRITES_EACH - WRITES_EACH / 4));
	assert_ok(store_commit(tx, &err), &err);
	store_close(st);
	assert_int_equal(query_int64(fx->db, "SELECT count(*) FROM agency"), 1);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
		cmocka_unit_test(test_dsn_rule_tells_postgresql_from_sqlite_paths),
		cmocka_unit_test(test_pg_migrations_mirror_the_sqlite_numbers_and_names),
	};
#define PG_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest server[] = {
		PG_TEST(test_open_names_the_backend_and_runs_a_query),
		PG_TEST(test_a_missing_database_is_not_found),
		PG_TEST(test_an_unreachable_server_is_an_io_error),
		PG_TEST(test_constraint_violations_map_to_exists_and_invalid),
		PG_TEST(test_append_only_tables_refuse_update_delete_and_truncate),
		PG_TEST(test_a_refused_write_is_undone_alone_and_the_transaction_goes_on),
		PG_TEST(test_savepoint_rolled_back_after_an_error_lets_the_transaction_go_on),
		PG_TEST(test_commit_of_a_failed_transaction_is_an_error_and_writes_nothing),
		PG_TEST(test_a_read_transaction_sees_one_snapshot_and_cannot_write),
		PG_TEST(test_a_second_writer_waits_for_the_first_and_times_out_busy),
		PG_TEST(test_a_connection_lost_between_transactions_is_reopened),
		PG_TEST(test_every_allocation_failure_is_out_of_memory_and_leaks_nothing),
		PG_TEST(test_int64_round_trips_including_the_extremes),
		PG_TEST(test_nulls_bind_and_read_as_null),
		PG_TEST(test_text_keeps_its_bytes_and_a_nul_or_bad_utf8_is_refused),
		PG_TEST(test_placeholders_may_repeat_and_come_out_of_order),
		PG_TEST(test_ten_thousand_rows_come_back_in_order),
		PG_TEST(test_changes_counts_the_rows_of_the_last_update),
		PG_TEST(test_statement_cache_refuses_a_statement_in_use_and_survives_rollback),
		PG_TEST(test_catalog_queries_see_the_current_schema),
		PG_TEST(test_store_create_refuses_a_second_time_and_open_checks_the_version),
		PG_TEST(test_store_registry_users_sessions_and_audit_work_on_postgresql),
		PG_TEST(test_store_lists_photos_and_calendar_work_on_postgresql),
		PG_TEST(test_ledger_appends_and_proves_on_postgresql),
		PG_TEST(test_group_commit_keeps_good_writes_and_drops_failed_ones),
	};
#undef PG_TEST
	int failures = cmocka_run_group_tests_name("db_pg offline", offline, NULL, NULL);

	failures += cmocka_run_group_tests_name("db_pg", server, group_setup, group_teardown);
	return failures;
}
