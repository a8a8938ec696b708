/*
 * Unit tests for store/ on both backends: creating and migrating a database and the
 * version checks around it, the agency/user/session/throttle/audit functions,
 * transactions (rollback leaves nothing, readers see what was committed, writes
 * refuse read transactions), the driver's name-bound placeholders and statement
 * cache, many threads writing and reading at once, and allocation failure at
 * every step of store_create, store_open, store_begin and store_user_list (ASan
 * reports anything left behind).
 *
 * Every test makes its own database with tests/support/testdb (a file in a
 * fresh mkdtemp directory under $TMPDIR or /tmp, or a fresh PostgreSQL database
 * when SANXIANG_TEST_BACKEND=postgresql) and removes both afterwards, WAL files
 * included. Tests that need to reach under the store (to forge a newer schema,
 * or to try an UPDATE the store never issues) open their own connection with
 * db_open. Tests of the SQLite file itself and of the SQLite driver's binding
 * and cache run on SQLite only (test_db_pg covers the PostgreSQL driver).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/embedded.h"
#include "base/error.h"
#include "base/mem.h"
#include "store/db.h"
#include "store/store.h"
#include "testdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define T1 "2026-01-02T03:05:00.000000Z"
#define T2 "2026-01-02T04:00:00.000000Z"
#define T3 "2026-01-03T00:00:00.000000Z"

#define AGENCY_A "01J00000000000000000AGENA1"
#define AGENCY_B "01J00000000000000000AGENB2"
#define AGENCY_C "01J00000000000000000AGENC3"
#define USER_1 "01J00000000000000000USER01"
#define USER_2 "01J00000000000000000USER02"

/* Fails the test with the store's own words when rc is not 0. */
#define assert_ok(expr, errp)                                                                      \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != 0)                                                                     \
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,            \
				      (errp)->detail);                                             \
		assert_int_equal(rc__, 0);                                                         \
	} while (0)

struct fixture {
	char dir[PATH_MAX - 32];
	char path[PATH_MAX];   /* the database's DSN: a file inside dir, or a PostgreSQL database */
	struct store *st;      /* opened by setup_store; NULL when a test closed it */
};

/* ---- fixture ---- */

static int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char file[PATH_MAX];

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		unlink(file);
	}
	closedir(d);
	return rmdir(dir);
}

static int setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx;
	struct sx_error err;

	sx_mem_fail_after(-1);
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_store_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	sx_error_clear(&err);
	if (testdb_create(fx->path, sizeof(fx->path), fx->dir, &err) < 0) {
		print_message("setup: %s %s\n", err.code, err.detail);
		return -1;
	}
	return 0;
}

static int setup_store(void **state)
{
	struct fixture *fx;
	struct sx_error err;

	if (setup_dir(state) < 0)
		return -1;
	fx = *state;
	if (store_create(fx->path, &err) < 0 || store_open(&fx->st, fx->path, NULL, &err) < 0) {
		print_message("setup: %s %s\n", err.code, err.detail);
		return -1;
	}
	return 0;
}

struct closer_ctx {
	struct store *st;
	atomic_bool closed;
};

static void *closer_main(void *arg)
{
	struct closer_ctx *ctx = arg;

	store_close(ctx->st);
	atomic_store(&ctx->closed, true);
	return NULL;
}

/*
 * store_close waits for open transactions, and a test that failed an assert
 * jumped out with its transaction still open. Close on a helper thread and
 * give up after a bound, leaking the store, so that the failure is reported
 * instead of hanging the run.
 */
static void close_store_bounded(struct store *st)
{
	const struct timespec tick = {0, 1000 * 1000};
	struct closer_ctx *ctx;
	pthread_t closer;

	if (st == NULL)
		return;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return;
	ctx->st = st;
	atomic_init(&ctx->closed, false);
	if (pthread_create(&closer, NULL, closer_main, ctx) != 0) {
		free(ctx);
		return;
	}
	for (int i = 0; i < 5000 && !atomic_load(&ctx->closed); i++)
		nanosleep(&tick, NULL);
	if (!atomic_load(&ctx->closed)) {
		print_message("teardown: store still has a transaction open; leaking it\n");
		pthread_detach(closer);
		return;
	}
	pthread_join(closer, NULL);
	free(ctx);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sx_mem_fail_after(-1);
	if (fx == NULL)
		return 0;
	close_store_bounded(fx->st);
	testdb_drop(fx->path);
	if (remove_dir(fx->dir) < 0)
		print_message("could not remove %s: %s\n", fx->dir, strerror(errno));
	free(fx);
	return 0;
}

static bool file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---- rows ---- */

static void agency_fill(struct store_agency *a, const char *id, const char *credit_code,
			const char *region_code)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->name, sizeof(a->name), "测试市场监督管理局%s", region_code);
	snprintf(a->credit_code, sizeof(a->credit_code), "%s", credit_code);
	snprintf(a->level, sizeof(a->level), "county");
	snprintf(a->region_code, sizeof(a->region_code), "%s", region_code);
	a->active = true;
	snprintf(a->created_at, sizeof(a->created_at), T0);
	snprintf(a->created_by, sizeof(a->created_by), "cli:root");
}

static void user_fill(struct store_user *u, const char *id, const char *username,
		      const char *agency_id)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	snprintf(u->username, sizeof(u->username), "%s", username);
	snprintf(u->display_name, sizeof(u->display_name), "张三 %s", username);
	snprintf(u->agency_id, sizeof(u->agency_id), "%s", agency_id);
	snprintf(u->role, sizeof(u->role), "officer");
	snprintf(u->password_hash, sizeof(u->password_hash),
		 "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo");
	snprintf(u->password_changed_at, sizeof(u->password_changed_at), T0);
	snprintf(u->created_at, sizeof(u->created_at), T0);
	snprintf(u->created_by, sizeof(u->created_by), "cli:root");
}

static void session_fill(struct store_session *s, const char *token_hash, const char *user_id)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->token_hash, sizeof(s->token_hash), "%s", token_hash);
	snprintf(s->user_id, sizeof(s->user_id), "%s", user_id);
	snprintf(s->csrf_token, sizeof(s->csrf_token), "csrf-%s", token_hash);
	snprintf(s->created_at, sizeof(s->created_at), T0);
	snprintf(s->last_seen_at, sizeof(s->last_seen_at), T0);
	snprintf(s->expires_at, sizeof(s->expires_at), T3);
	snprintf(s->remote_addr, sizeof(s->remote_addr), "192.0.2.7");
}

static void officer_fill(struct store_officer *o, const char *id, const char *agency_id)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->agency_id, sizeof(o->agency_id), "%s", agency_id);
	snprintf(o->name, sizeof(o->name), "李四");
	snprintf(o->cert_no, sizeof(o->cert_no), "11010100001");
	snprintf(o->cert_type, sizeof(o->cert_type), "行政执法证");
	snprintf(o->field, sizeof(o->field), "市场监管");
	snprintf(o->valid_from, sizeof(o->valid_from), "2025-01-01");
	snprintf(o->valid_to, sizeof(o->valid_to), "2030-12-31");
	snprintf(o->status, sizeof(o->status), "active");
	snprintf(o->id_number, sizeof(o->id_number), "11010519491231002X");
	snprintf(o->created_at, sizeof(o->created_at), T0);
	snprintf(o->created_by, sizeof(o->created_by), "cli:root");
}

static void version_fill(struct store_list_version *v, const char *id, const char *agency_id)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", id);
	snprintf(v->agency_id, sizeof(v->agency_id), "%s", agency_id);
	v->version = 1;
	snprintf(v->status, sizeof(v->status), "pending");
	snprintf(v->effective_from, sizeof(v->effective_from), "2025-01-01");
	snprintf(v->summary, sizeof(v->summary), "首次发布");
	snprintf(v->content_sha256, sizeof(v->content_sha256), "%064d", 0);
	snprintf(v->created_at, sizeof(v->created_at), T0);
	snprintf(v->created_by, sizeof(v->created_by), "cli:root");
}

static void assert_user_equal(const struct store_user *got, const struct store_user *want)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->username, want->username);
	assert_string_equal(got->display_name, want->display_name);
	assert_string_equal(got->agency_id, want->agency_id);
	assert_string_equal(got->role, want->role);
	assert_string_equal(got->password_hash, want->password_hash);
	assert_int_equal(got->disabled, want->disabled);
	assert_string_equal(got->password_changed_at, want->password_changed_at);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
}

static void assert_session_equal(const struct store_session *got, const struct store_session *want)
{
	assert_string_equal(got->token_hash, want->token_hash);
	assert_string_equal(got->user_id, want->user_id);
	assert_string_equal(got->csrf_token, want->csrf_token);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->last_seen_at, want->last_seen_at);
	assert_string_equal(got->expires_at, want->expires_at);
	assert_string_equal(got->revoked_at, want->revoked_at);
	assert_string_equal(got->remote_addr, want->remote_addr);
}

/* Inserts agency A and user "alice" (USER_1) in it, committed. */
static void seed_agency_and_user(struct store *st, struct store_agency *agency,
				 struct store_user *user)
{
	struct store_tx *tx = NULL;
	struct sx_error err;

	agency_fill(agency, AGENCY_A, "11110101MB0000001A", "110101");
	user_fill(user, USER_1, "alice", AGENCY_A);
	assert_ok(store_begin(&tx, st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, agency, &err), &err);
	assert_ok(store_user_insert(tx, user, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
}

static int64_t audit_count(struct store *st, const char *action)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_audit_count(&n, tx, action, &err), &err);
	store_rollback(tx);
	return n;
}

/* Runs a one-row, one-column query on a connection of its own. */
static int64_t query_int64(const char *path, const char *sql)
{
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	int64_t value;

	assert_ok(db_open(&db, path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_ok(db_prepare(&st, db, sql, &err), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	value = db_column_int64(st, 0);
	db_finish(st);
	db_close(db);
	return value;
}

static void exec_sql(const char *path, bool create, const char *sql)
{
	struct db *db = NULL;
	struct sx_error err;

	assert_ok(db_open(&db, path, DB_OPEN_READ_WRITE, create, 1000, &err), &err);
	assert_ok(db_exec(db, sql, &err), &err);
	db_close(db);
}

static bool table_exists(const char *path, const char *name)
{
	struct db *db = NULL;
	struct sx_error err;
	bool exists = false;

	assert_ok(db_open(&db, path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_ok(db_table_exists(&exists, db, name, &err), &err);
	db_close(db);
	return exists;
}

static bool database_is_empty(const char *path)
{
	struct db *db = NULL;
	struct sx_error err;
	bool empty = false;

	assert_ok(db_open(&db, path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_ok(db_is_empty(&empty, db, &err), &err);
	db_close(db);
	return empty;
}

/* ---- create, migrate, open ---- */

static void test_create_makes_a_database_at_the_binary_schema_version(void **state)
{
	struct fixture *fx = *state;
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	int version = -1;

	assert_true(store_binary_schema_version() >= 1);
	assert_int_equal(store_binary_schema_version(),
			 embedded_migrations[embedded_migration_count - 1].version);
	assert_false(file_exists(fx->path));
	assert_ok(store_create(fx->path, &err), &err);
	assert_true(file_exists(fx->path));
	assert_ok(store_schema_version(&version, fx->path, &err), &err);
	assert_int_equal(version, store_binary_schema_version());

	/* One schema_version row per migration, named after its file. */
	assert_int_equal(query_int64(fx->path, "SELECT count(*) FROM schema_version"),
			 (int64_t)embedded_migration_count);
	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_ONLY, false, 1000, &err), &err);
	assert_ok(db_prepare(&st, db, "SELECT name FROM schema_version WHERE version = $1", &err),
		  &err);
	assert_ok(db_bind_int64(st, 1, embedded_migrations[0].version), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), embedded_migrations[0].name);
	db_finish(st);
	db_close(db);

	assert_true(table_exists(fx->path, "app_user"));
	assert_true(table_exists(fx->path, "audit_event"));
	assert_ok(store_open(&fx->st, fx->path, NULL, &err), &err);
	assert_non_null(fx->st);
}

static void test_create_refuses_a_database_that_is_already_initialized(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;
	int version = -1;

	assert_ok(store_create(fx->path, &err), &err);
	sx_error_clear(&err);
	assert_int_equal(store_create(fx->path, &err), SX_EEXISTS);
	assert_int_equal(err.rc, SX_EEXISTS);
	assert_string_equal(err.code, "already_initialized");
	assert_int_equal(query_int64(fx->path, "SELECT count(*) FROM schema_version"),
			 (int64_t)embedded_migration_count);
	assert_ok(store_schema_version(&version, fx->path, &err), &err);
	assert_int_equal(version, store_binary_schema_version());
}

static void test_create_refuses_a_file_that_holds_an_unrelated_table(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	exec_sql(fx->path, true, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');");
	sx_error_clear(&err);
	assert_int_equal(store_create(fx->path, &err), SX_EEXISTS);
	assert_string_equal(err.code, "already_initialized");
	assert_false(table_exists(fx->path, "schema_version"));
	assert_false(table_exists(fx->path, "agency"));
	assert_int_equal(query_int64(fx->path, "SELECT count(*) FROM notes"), 1);
}

static void test_create_refuses_a_file_that_is_not_a_database(void **state)
{
	static const char text[] = "this is a text file, not an SQLite database\n";
	struct fixture *fx = *state;
	struct sx_error err;
	char back[sizeof(text)] = {0};
	FILE *f;

	f = fopen(fx->path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(store_create(fx->path, &err), SX_ECORRUPT);

	f = fopen(fx->path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back), f), sizeof(text) - 1);
	fclose(f);
	assert_memory_equal(back, text, sizeof(text) - 1);
}

static void test_migrate_on_an_up_to_date_database_is_idempotent(void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;

	assert_ok(store_create(fx->path, &err), &err);
	for (int round = 0; round < 2; round++) {
		int from = -1, to = -1;

		assert_ok(store_migrate(fx->path, &from, &to, &err), &err);
		assert_int_equal(from, store_binary_schema_version());
		assert_int_equal(to, store_binary_schema_version());
	}
	assert_ok(store_migrate(fx->path, NULL, NULL, &err), &err);
	assert_int_equal(query_int64(fx->path, "SELECT count(*) FROM schema_version"),
			 (int64_t)embedded_migration_count);
}

static void test_migrate_on_a_missing_file_fails_and_creates_no_file(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)fx;
	struct sx_error err;
	int from = -1, to = -1, version = -1;

	assert_int_equal(store_migrate(fx->path, &from, &to, &err), SX_ENOTFOUND);
	assert_false(file_exists(fx->path));
	assert_int_equal(store_open(&st, fx->path, NULL, &err), SX_ENOTFOUND);
	assert_null(st);
	assert_false(file_exists(fx->path));
	assert_int_equal(store_schema_version(&version, fx->path, &err), SX_ENOTFOUND);
	assert_false(file_exists(fx->path));
}

static void test_failed_migration_is_rolled_back_and_keeps_the_old_version(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	struct sx_error err;
	int version = -1;

	/* A table in the way of 0001's last CREATE: everything 0001 made before
	 * it must disappear with the failed transaction. */
	exec_sql(fx->path, true,
		 "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		 "applied_at TEXT NOT NULL); CREATE TABLE audit_event (x TEXT);");
	sx_error_clear(&err);
	assert_true(store_migrate(fx->path, NULL, NULL, &err) < 0);
	assert_string_equal(err.code, "migration_failed");
	assert_ok(store_schema_version(&version, fx->path, &err), &err);
	assert_int_equal(version, 0);
	assert_false(table_exists(fx->path, "agency"));
	assert_false(table_exists(fx->path, "app_user"));
	assert_int_equal(store_open(&st, fx->path, NULL, &err), SX_ECONFLICT);
	assert_null(st);
}

static void test_database_newer_than_the_binary_is_refused_by_migrate_and_open(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)fx;
	struct db *db = NULL;
	struct db_stmt *ins = NULL;
	struct sx_error err;
	int newer = store_binary_schema_version() + 1;
	int from = -1, to = -1, version = -1;

	assert_ok(store_create(fx->path, &err), &err);
	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_ok(db_prepare(&ins, db,
			     "INSERT INTO schema_version (version, name, applied_at) "
			     "VALUES ($1, 'from_the_future.sql', $2)",
			     &err),
		  &err);
	assert_ok(db_bind_int64(ins, 1, newer), &err);
	assert_ok(db_bind_str(ins, 2, T1), &err);
	assert_int_equal(db_step(ins, &err), DB_DONE);
	db_finish(ins);
	db_close(db);

	sx_error_clear(&err);
	assert_int_equal(store_migrate(fx->path, &from, &to, &err), SX_ETOONEW);
	assert_int_equal(err.rc, SX_ETOONEW);
	assert_int_equal(from, newer);
	sx_error_clear(&err);
	assert_int_equal(store_open(&st, fx->path, NULL, &err), SX_ETOONEW);
	assert_int_equal(err.rc, SX_ETOONEW);
	assert_null(st);
	/* Refusing changed nothing. */
	assert_ok(store_schema_version(&version, fx->path, &err), &err);
	assert_int_equal(version, newer);
	assert_int_equal(query_int64(fx->path, "SELECT count(*) FROM schema_version"),
			 (int64_t)embedded_migration_count + 1);
}

static void test_database_older_than_the_binary_is_refused_by_open_until_migrated(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)fx;
	struct sx_error err;
	int from = -1, to = -1;

	/* Version 0: the version table exists but no migration was applied. */
	exec_sql(fx->path, true,
		 "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		 "applied_at TEXT NOT NULL)");
	sx_error_clear(&err);
	assert_int_equal(store_open(&st, fx->path, NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "schema_outdated");
	assert_null(st);

	assert_ok(store_migrate(fx->path, &from, &to, &err), &err);
	assert_int_equal(from, 0);
	assert_int_equal(to, store_binary_schema_version());
	assert_ok(store_open(&fx->st, fx->path, NULL, &err), &err);
}

static void test_open_refuses_an_empty_database_as_outdated(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)fx;
	struct sx_error err;

	exec_sql(fx->path, true, "CREATE TABLE t (x); DROP TABLE t;");
	sx_error_clear(&err);
	assert_int_equal(store_open(&st, fx->path, NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "schema_outdated");
	assert_null(st);
	assert_false(table_exists(fx->path, "schema_version"));
}

/* ---- agencies and users ---- */

static void test_agency_and_user_round_trip_through_get_and_get_by_username(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency, child, got_agency;
	struct store_user user, got;
	struct store_tx *tx = NULL;
	struct sx_error err;

	agency_fill(&agency, AGENCY_A, "11110101MB0000001A", "110101");
	snprintf(agency.level, sizeof(agency.level), "city");
	agency.is_justice_bureau = true;
	agency_fill(&child, AGENCY_B, "11110102MB0000002B", "110102");
	snprintf(child.parent_id, sizeof(child.parent_id), AGENCY_A);
	child.active = false;
	user_fill(&user, USER_1, "alice", AGENCY_B);
	snprintf(user.role, sizeof(user.role), "reviewer");
	user.disabled = true;
	snprintf(user.password_changed_at, sizeof(user.password_changed_at), T1);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &agency, &err), &err);
	assert_ok(store_agency_insert(tx, &child, &err), &err);
	assert_ok(store_user_insert(tx, &user, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_agency_get(&got_agency, tx, AGENCY_A, &err), &err);
	assert_string_equal(got_agency.id, agency.id);
	assert_string_equal(got_agency.name, agency.name);
	assert_string_equal(got_agency.credit_code, agency.credit_code);
	assert_string_equal(got_agency.level, "city");
	assert_string_equal(got_agency.region_code, "110101");
	assert_string_equal(got_agency.parent_id, "");
	assert_true(got_agency.is_justice_bureau);
	assert_true(got_agency.active);
	assert_string_equal(got_agency.created_at, T0);
	assert_string_equal(got_agency.created_by, "cli:root");
	assert_ok(store_agency_get(&got_agency, tx, AGENCY_B, &err), &err);
	assert_string_equal(got_agency.parent_id, AGENCY_A);
	assert_false(got_agency.is_justice_bureau);
	assert_false(got_agency.active);

	memset(&got, 0x5a, sizeof(got));
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	assert_user_equal(&got, &user);
	memset(&got, 0x5a, sizeof(got));
	assert_ok(store_user_get_by_username(&got, tx, "alice", &err), &err);
	assert_user_equal(&got, &user);
	store_rollback(tx);
}

static void test_agency_list_is_ordered_by_region_then_name(void **state)
{
	struct fixture *fx = *state;
	struct store_agency a, *list = NULL;
	struct store_tx *tx = NULL;
	struct sx_error err;
	size_t count = 99;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	agency_fill(&a, AGENCY_C, "31310101MB0000003C", "310101");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	agency_fill(&a, AGENCY_A, "11110101MB0000001A", "110102");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	agency_fill(&a, AGENCY_B, "11110101MB0000002B", "110101");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	assert_ok(store_agency_list(&list, &count, tx, &err), &err);
	assert_int_equal(count, 3);
	assert_string_equal(list[0].id, AGENCY_B);
	assert_string_equal(list[1].id, AGENCY_A);
	assert_string_equal(list[2].id, AGENCY_C);
	sx_free(list);
	/* Same credit code twice is a taken unique value. */
	agency_fill(&a, "01J00000000000000000AGEND4", "31310101MB0000003C", "320101");
	assert_int_equal(store_agency_insert(tx, &a, &err), SX_EEXISTS);
	store_rollback(tx);
}

static void test_user_insert_refuses_a_taken_username(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user, dup, got;
	struct store_tx *tx = NULL;
	struct sx_error err;

	seed_agency_and_user(fx->st, &agency, &user);
	user_fill(&dup, USER_2, "alice", AGENCY_A);
	snprintf(dup.display_name, sizeof(dup.display_name), "冒名者");

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	sx_error_clear(&err);
	assert_int_equal(store_user_insert(tx, &dup, &err), SX_EEXISTS);
	assert_string_equal(err.code, "exists");
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_user_get_by_username(&got, tx, "alice", &err), &err);
	assert_user_equal(&got, &user);
	assert_int_equal(store_user_get(&got, tx, USER_2, &err), SX_ENOTFOUND);
	store_rollback(tx);
}

static void test_get_of_an_unknown_id_is_not_found(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user, got;
	struct store_session session;
	struct store_tx *tx = NULL;
	struct sx_error err;

	seed_agency_and_user(fx->st, &agency, &user);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	sx_error_clear(&err);
	assert_int_equal(store_user_get(&got, tx, USER_2, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "user_not_found");
	assert_int_equal(store_user_get_by_username(&got, tx, "bob", &err), SX_ENOTFOUND);
	/* Usernames compare exactly: no case folding, no LIKE patterns. */
	assert_int_equal(store_user_get_by_username(&got, tx, "ALICE", &err), SX_ENOTFOUND);
	assert_int_equal(store_user_get_by_username(&got, tx, "al%", &err), SX_ENOTFOUND);
	sx_error_clear(&err);
	assert_int_equal(store_agency_get(&agency, tx, AGENCY_C, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "agency_not_found");
	sx_error_clear(&err);
	assert_int_equal(store_session_get(&session, tx, "nope", &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "session_not_found");
	store_rollback(tx);
}

static void test_insert_refuses_rows_that_point_at_missing_rows(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency, orphan;
	struct store_user user, stray, got;
	struct store_session session;
	struct store_officer officer;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	seed_agency_and_user(fx->st, &agency, &user);
	user_fill(&stray, USER_2, "bob", AGENCY_C);
	agency_fill(&orphan, AGENCY_B, "11110102MB0000002B", "110102");
	snprintf(orphan.parent_id, sizeof(orphan.parent_id), AGENCY_C);
	session_fill(&session, "feedface", USER_2);
	officer_fill(&officer, "01J00000000000000000OFFIC1", AGENCY_A);
	snprintf(officer.user_id, sizeof(officer.user_id), USER_2);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_user_insert(tx, &stray, &err), SX_EINVALID);
	assert_int_equal(store_agency_insert(tx, &orphan, &err), SX_EINVALID);
	assert_int_equal(store_session_insert(tx, &session, &err), SX_EINVALID);
	assert_int_equal(store_officer_insert(tx, &officer, &err), SX_EINVALID);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_int_equal(store_user_get(&got, tx, USER_2, &err), SX_ENOTFOUND);
	assert_int_equal(store_agency_get(&orphan, tx, AGENCY_B, &err), SX_ENOTFOUND);
	assert_int_equal(store_session_get(&session, tx, "feedface", &err), SX_ENOTFOUND);
	assert_ok(store_officer_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

enum check_case_kind {
	CHECK_USER_ROLE,
	CHECK_AGENCY_LEVEL,
	CHECK_OFFICER_STATUS,
	CHECK_LIST_STATUS,
};

static void test_insert_refuses_values_outside_check_constraints(void **state)
{
	static const struct {
		enum check_case_kind kind;
		const char *value;
	} cases[] = {
		{CHECK_USER_ROLE, "root"},
		{CHECK_USER_ROLE, "Admin"},
		{CHECK_USER_ROLE, ""},
		{CHECK_AGENCY_LEVEL, "village"},
		{CHECK_AGENCY_LEVEL, "County"},
		{CHECK_OFFICER_STATUS, "expired"},
		{CHECK_LIST_STATUS, "罚款"},
		{CHECK_LIST_STATUS, "penalty"},
	};
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	seed_agency_and_user(fx->st, &agency, &user);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_agency a;
		struct store_user u;
		struct store_officer o;
		struct store_list_version v;
		int rc = 0;

		switch (cases[i].kind) {
		case CHECK_USER_ROLE:
			user_fill(&u, USER_2, "bob", AGENCY_A);
			snprintf(u.role, sizeof(u.role), "%s", cases[i].value);
			rc = store_user_insert(tx, &u, &err);
			break;
		case CHECK_AGENCY_LEVEL:
			agency_fill(&a, AGENCY_B, "11110102MB0000002B", "110102");
			snprintf(a.level, sizeof(a.level), "%s", cases[i].value);
			rc = store_agency_insert(tx, &a, &err);
			break;
		case CHECK_OFFICER_STATUS:
			officer_fill(&o, "01J00000000000000000OFFIC1", AGENCY_A);
			snprintf(o.status, sizeof(o.status), "%s", cases[i].value);
			rc = store_officer_insert(tx, &o, &err);
			break;
		case CHECK_LIST_STATUS:
			version_fill(&v, "01J00000000000000000VERSN1", AGENCY_A);
			snprintf(v.status, sizeof(v.status), "%s", cases[i].value);
			rc = store_list_version_insert(tx, &v, &err);
			break;
		}
		if (rc != SX_EINVALID)
			print_message("case %zu (%s): rc=%d\n", i, cases[i].value, rc);
		assert_int_equal(rc, SX_EINVALID);
	}
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_int_equal(store_user_get(&user, tx, USER_2, &err), SX_ENOTFOUND);
	assert_int_equal(store_agency_get(&agency, tx, AGENCY_B, &err), SX_ENOTFOUND);
	assert_ok(store_officer_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_list_version_max(&n, tx, AGENCY_A, &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

static void test_officer_counts_and_list_versions_follow_the_agency(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency, other;
	struct store_user user;
	struct store_officer o;
	struct store_list_version v;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	seed_agency_and_user(fx->st, &agency, &user);
	agency_fill(&other, AGENCY_B, "11110102MB0000002B", "110102");
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &other, &err), &err);
	officer_fill(&o, "01J00000000000000000OFFIC1", AGENCY_A);
	snprintf(o.user_id, sizeof(o.user_id), USER_1);
	assert_ok(store_officer_insert(tx, &o, &err), &err);
	officer_fill(&o, "01J00000000000000000OFFIC2", AGENCY_B);
	snprintf(o.cert_no, sizeof(o.cert_no), "11010200002");
	assert_ok(store_officer_insert(tx, &o, &err), &err);
	officer_fill(&o, "01J00000000000000000OFFIC3", AGENCY_B);
	/* cert_no 11010100001 is OFFIC1's */
	assert_int_equal(store_officer_insert(tx, &o, &err), SX_EEXISTS);
	version_fill(&v, "01J00000000000000000VERSN1", AGENCY_A);
	assert_ok(store_list_version_insert(tx, &v, &err), &err);
	version_fill(&v, "01J00000000000000000VERSN2", AGENCY_A);
	v.version = 2;
	assert_ok(store_list_version_insert(tx, &v, &err), &err);
	/* Version numbers are unique per agency. */
	version_fill(&v, "01J00000000000000000VERSN3", AGENCY_A);
	assert_int_equal(store_list_version_insert(tx, &v, &err), SX_EEXISTS);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_officer_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 2);
	assert_ok(store_officer_count(&n, tx, AGENCY_B, &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_officer_count(&n, tx, AGENCY_C, &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_list_version_max(&n, tx, AGENCY_A, &err), &err);
	assert_int_equal(n, 2);
	assert_ok(store_list_version_max(&n, tx, AGENCY_B, &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

static void test_user_list_filters_by_agency_by_region_prefix_or_not_at_all(void **state)
{
	static const struct {
		const char *agency_id;
		const char *region_prefix;
		bool no_filter;             /* pass a NULL filter pointer */
		const char *expect;         /* usernames in order, space-separated */
	} cases[] = {
		{NULL, NULL, true, "amy ann bea cid"},
		{NULL, NULL, false, "amy ann bea cid"},
		{AGENCY_A, NULL, false, "amy ann"},
		{AGENCY_B, NULL, false, "bea"},
		{"01J00000000000000000NOSUCH", NULL, false, ""},
		{NULL, "1101", false, "amy ann bea"},
		{NULL, "110102", false, "bea"},
		{NULL, "31", false, "cid"},
		{NULL, "44", false, ""},
		{NULL, "", false, "amy ann bea cid"},
		/* The prefix is text, not a pattern. */
		{NULL, "11%", false, ""},
		{NULL, "_1", false, ""},
		{AGENCY_A, "31", false, ""},
		{AGENCY_C, "3101", false, "cid"},
	};
	static const struct {
		const char *id;
		const char *username;
		const char *agency_id;
	} users[] = {
		{"01J00000000000000000USERC1", "cid", AGENCY_C},
		{"01J00000000000000000USERB1", "bea", AGENCY_B},
		{"01J00000000000000000USERA2", "ann", AGENCY_A},
		{"01J00000000000000000USERA1", "amy", AGENCY_A},
	};
	struct fixture *fx = *state;
	struct store_agency a;
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	agency_fill(&a, AGENCY_C, "31310101MB0000003C", "310101");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	agency_fill(&a, AGENCY_B, "11110102MB0000002B", "110102");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	agency_fill(&a, AGENCY_A, "11110101MB0000001A", "110101");
	assert_ok(store_agency_insert(tx, &a, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(users); i++) {
		struct store_user u;

		user_fill(&u, users[i].id, users[i].username, users[i].agency_id);
		assert_ok(store_user_insert(tx, &u, &err), &err);
	}
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_user_filter filter = {cases[i].agency_id, cases[i].region_prefix};
		struct store_user *list = NULL;
		size_t count = 99;
		char names[256] = "";
		size_t used = 0;

		assert_ok(store_user_list(&list, &count, tx, cases[i].no_filter ? NULL : &filter,
					  &err),
			  &err);
		for (size_t k = 0; k < count; k++) {
			int n = snprintf(names + used, sizeof(names) - used, "%s%s", k ? " " : "",
					 list[k].username);

			assert_true(n > 0 && (size_t)n < sizeof(names) - used);
			used += (size_t)n;
			assert_string_equal(list[k].role, "officer");
			assert_true(strstr(list[k].display_name, list[k].username) != NULL);
		}
		if (strcmp(names, cases[i].expect) != 0)
			print_message("case %zu: got \"%s\"\n", i, names);
		assert_string_equal(names, cases[i].expect);
		sx_free(list);
	}
	store_rollback(tx);
}

static void test_user_set_disabled_and_set_password_change_the_row(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user, got;
	struct store_tx *tx = NULL;
	struct sx_error err;
	static const char new_hash[] = "$argon2id$v=19$m=65536,t=3,p=1$bmV3c2FsdA$bmV3aGFzaA";

	seed_agency_and_user(fx->st, &agency, &user);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_user_set_disabled(tx, USER_1, true, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	store_rollback(tx);
	assert_true(got.disabled);
	user.disabled = true;
	assert_user_equal(&got, &user);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_user_set_disabled(tx, USER_1, false, &err), &err);
	assert_ok(store_user_set_password(tx, USER_1, new_hash, T2, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	store_rollback(tx);
	user.disabled = false;
	snprintf(user.password_hash, sizeof(user.password_hash), "%s", new_hash);
	snprintf(user.password_changed_at, sizeof(user.password_changed_at), T2);
	assert_user_equal(&got, &user);
	assert_string_equal(got.created_at, T0);
}

static void test_user_updates_of_an_unknown_id_are_not_found(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user, got;
	struct store_tx *tx = NULL;
	struct sx_error err;

	seed_agency_and_user(fx->st, &agency, &user);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	sx_error_clear(&err);
	assert_int_equal(store_user_set_disabled(tx, USER_2, true, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "user_not_found");
	sx_error_clear(&err);
	assert_int_equal(store_user_set_password(tx, USER_2, "x", T2, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "user_not_found");
	/* Setting the value a row already has still finds the row. */
	assert_ok(store_user_set_disabled(tx, USER_1, false, &err), &err);
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	assert_user_equal(&got, &user);
	assert_ok(store_commit(tx, &err), &err);
}

/* ---- sessions and throttling ---- */

static struct store_session session_read(struct store *st, const char *token_hash)
{
	struct store_session s;
	struct store_tx *tx = NULL;
	struct sx_error err;

	memset(&s, 0x5a, sizeof(s));
	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_session_get(&s, tx, token_hash, &err), &err);
	store_rollback(tx);
	return s;
}

static void test_session_touch_and_revoke_keep_the_row_with_revoked_at_set(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user;
	struct store_session s, got;
	struct store_tx *tx = NULL;
	struct sx_error err;

	seed_agency_and_user(fx->st, &agency, &user);
	session_fill(&s, "aaaa0001", USER_1);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_insert(tx, &s, &err), &err);
	assert_int_equal(store_session_insert(tx, &s, &err), SX_EEXISTS);
	assert_ok(store_commit(tx, &err), &err);
	got = session_read(fx->st, "aaaa0001");
	assert_session_equal(&got, &s);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_touch(tx, "aaaa0001", T1, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	got = session_read(fx->st, "aaaa0001");
	snprintf(s.last_seen_at, sizeof(s.last_seen_at), T1);
	assert_session_equal(&got, &s);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_revoke(tx, "aaaa0001", T2, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	got = session_read(fx->st, "aaaa0001");
	snprintf(s.revoked_at, sizeof(s.revoked_at), T2);
	assert_session_equal(&got, &s);

	/* A revoked session stays revoked at its first time and is not touched. */
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_revoke(tx, "aaaa0001", T3, &err), &err);
	assert_ok(store_session_touch(tx, "aaaa0001", T3, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	got = session_read(fx->st, "aaaa0001");
	assert_session_equal(&got, &s);
}

static void test_session_revoke_user_revokes_only_that_users_live_sessions(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency;
	struct store_user user, bob;
	struct store_session s[4], got;
	static const char *const tokens[] = {"tok-early", "tok-one", "tok-two", "tok-bob"};
	struct store_tx *tx = NULL;
	struct sx_error err;

	seed_agency_and_user(fx->st, &agency, &user);
	user_fill(&bob, USER_2, "bob", AGENCY_A);
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		session_fill(&s[i], tokens[i], i == 3 ? USER_2 : USER_1);
	snprintf(s[0].revoked_at, sizeof(s[0].revoked_at), T1);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_user_insert(tx, &bob, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		assert_ok(store_session_insert(tx, &s[i], &err), &err);
	assert_ok(store_session_revoke_user(tx, USER_1, T2, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	snprintf(s[1].revoked_at, sizeof(s[1].revoked_at), T2);
	snprintf(s[2].revoked_at, sizeof(s[2].revoked_at), T2);
	for (size_t i = 0; i < ARRAY_LEN(s); i++) {
		got = session_read(fx->st, tokens[i]);
		assert_session_equal(&got, &s[i]);
	}
	assert_string_equal(s[0].revoked_at, T1);
	assert_string_equal(s[3].revoked_at, "");
}

static void test_throttle_put_twice_keeps_the_latest_values_and_clear_removes_it(void **state)
{
	struct fixture *fx = *state;
	struct store_throttle first = {1, T0, T0};
	struct store_throttle second = {5, T1, T3};
	struct store_throttle other = {2, T2, T2};
	struct store_throttle got;
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_int_equal(store_throttle_get(&got, tx, "nobody", &err), SX_ENOTFOUND);
	assert_ok(store_throttle_put(tx, "alice", &first, &err), &err);
	assert_ok(store_throttle_put(tx, "mallory", &other, &err), &err);
	assert_ok(store_throttle_put(tx, "alice", &second, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	memset(&got, 0x5a, sizeof(got));
	assert_ok(store_throttle_get(&got, tx, "alice", &err), &err);
	assert_int_equal(got.failures, 5);
	assert_string_equal(got.last_failure_at, T1);
	assert_string_equal(got.blocked_until, T3);
	/* Usernames are exact: throttling "alice" says nothing about "Alice". */
	assert_int_equal(store_throttle_get(&got, tx, "Alice", &err), SX_ENOTFOUND);
	store_rollback(tx);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_throttle_clear(tx, "alice", &err), &err);
	assert_ok(store_throttle_clear(tx, "nobody", &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_int_equal(store_throttle_get(&got, tx, "alice", &err), SX_ENOTFOUND);
	assert_ok(store_throttle_get(&got, tx, "mallory", &err), &err);
	assert_int_equal(got.failures, 2);
	assert_string_equal(got.last_failure_at, T2);
	store_rollback(tx);
}

/* ---- audit trail ---- */

static void test_audit_event_refuses_update_and_delete_as_append_only(void **state)
{
	static const char *const statements[] = {
		"UPDATE audit_event SET action = 'user.delete'",
		"UPDATE audit_event SET detail = 'rewritten' WHERE action = 'user.create'",
		"DELETE FROM audit_event",
		"DELETE FROM audit_event WHERE action = 'user.create'",
	};
	struct fixture *fx = *state;
	struct store_audit ev = {"cli:root", "user.create", "user", USER_1, "{\"why\":\"test\"}"};
	struct store_audit bare = {"system", "session.login", "session", "t", NULL};
	struct store_tx *tx = NULL;
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	assert_ok(store_audit_append(tx, &bare, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_int_equal(audit_count(fx->st, NULL), 2);
	assert_int_equal(audit_count(fx->st, "user.create"), 1);
	assert_int_equal(audit_count(fx->st, "user.delete"), 0);

	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(statements); i++) {
		sx_error_clear(&err);
		assert_int_equal(db_exec(db, statements[i], &err), SX_EPERM);
		assert_string_equal(err.code, "append_only");
	}
	/* The prepared-statement path maps the trigger the same way. */
	assert_ok(db_prepare(&st, db, "DELETE FROM audit_event WHERE actor_id = $1", &err), &err);
	assert_ok(db_bind_str(st, 1, "cli:root"), &err);
	sx_error_clear(&err);
	assert_int_equal(db_step(st, &err), SX_EPERM);
	assert_string_equal(err.code, "append_only");
	db_finish(st);
	db_close(db);

	assert_int_equal(audit_count(fx->st, NULL), 2);
	assert_int_equal(query_int64(fx->path,
				     "SELECT count(*) FROM audit_event WHERE "
				     "detail = '{\"why\":\"test\"}' AND actor_id = 'cli:root'"),
			 1);
	/* NULL detail is stored as ''; id and time are filled in by the store. */
	assert_int_equal(query_int64(fx->path,
				     "SELECT count(*) FROM audit_event WHERE "
				     "detail = '' AND length(id) = 26 AND length(at) = 27"),
			 1);
}

/* ---- transactions ---- */

enum write_call {
	WRITE_AGENCY_INSERT,
	WRITE_USER_INSERT,
	WRITE_USER_SET_DISABLED,
	WRITE_USER_SET_PASSWORD,
	WRITE_SESSION_INSERT,
	WRITE_SESSION_TOUCH,
	WRITE_SESSION_REVOKE,
	WRITE_SESSION_REVOKE_USER,
	WRITE_THROTTLE_PUT,
	WRITE_THROTTLE_CLEAR,
	WRITE_OFFICER_INSERT,
	WRITE_LIST_VERSION_INSERT,
	WRITE_AUDIT_APPEND,
	WRITE_CALL_COUNT,
};

static int write_call_run(enum write_call call, struct store_tx *tx, struct sx_error *err)
{
	struct store_agency a;
	struct store_user u;
	struct store_session s;
	struct store_officer o;
	struct store_list_version v;
	struct store_throttle t = {9, T3, T3};
	struct store_audit ev = {"cli:root", "test.write", "test", "x", NULL};

	switch (call) {
	case WRITE_AGENCY_INSERT:
		agency_fill(&a, AGENCY_B, "11110102MB0000002B", "110102");
		return store_agency_insert(tx, &a, err);
	case WRITE_USER_INSERT:
		user_fill(&u, USER_2, "bob", AGENCY_A);
		return store_user_insert(tx, &u, err);
	case WRITE_USER_SET_DISABLED:
		return store_user_set_disabled(tx, USER_1, true, err);
	case WRITE_USER_SET_PASSWORD:
		return store_user_set_password(tx, USER_1, "changed", T3, err);
	case WRITE_SESSION_INSERT:
		session_fill(&s, "tok-new", USER_1);
		return store_session_insert(tx, &s, err);
	case WRITE_SESSION_TOUCH:
		return store_session_touch(tx, "tok-live", T3, err);
	case WRITE_SESSION_REVOKE:
		return store_session_revoke(tx, "tok-live", T3, err);
	case WRITE_SESSION_REVOKE_USER:
		return store_session_revoke_user(tx, USER_1, T3, err);
	case WRITE_THROTTLE_PUT:
		return store_throttle_put(tx, "alice", &t, err);
	case WRITE_THROTTLE_CLEAR:
		return store_throttle_clear(tx, "alice", err);
	case WRITE_OFFICER_INSERT:
		officer_fill(&o, "01J00000000000000000OFFIC1", AGENCY_A);
		return store_officer_insert(tx, &o, err);
	case WRITE_LIST_VERSION_INSERT:
		version_fill(&v, "01J00000000000000000VERSN1", AGENCY_A);
		return store_list_version_insert(tx, &v, err);
	case WRITE_AUDIT_APPEND:
		return store_audit_append(tx, &ev, err);
	case WRITE_CALL_COUNT:
		break;
	}
	return SX_EINVALID;
}

static void test_write_functions_refuse_a_read_transaction_and_write_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency, *agencies = NULL;
	struct store_user user, got;
	struct store_session live, got_session;
	struct store_throttle throttle = {1, T0, T1}, got_throttle;
	struct store_tx *tx = NULL;
	struct sx_error err;
	size_t count = 0;
	int64_t n = -1;

	seed_agency_and_user(fx->st, &agency, &user);
	session_fill(&live, "tok-live", USER_1);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_session_insert(tx, &live, &err), &err);
	assert_ok(store_throttle_put(tx, "alice", &throttle, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	for (int call = 0; call < WRITE_CALL_COUNT; call++) {
		int rc;

		sx_error_clear(&err);
		rc = write_call_run((enum write_call)call, tx, &err);
		if (rc != SX_EINTERNAL)
			print_message("write call %d: rc=%d %s\n", call, rc, err.detail);
		assert_int_equal(rc, SX_EINTERNAL);
		assert_int_equal(err.rc, SX_EINTERNAL);
	}
	/* The read transaction is still usable and commits cleanly. */
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_agency_list(&agencies, &count, tx, &err), &err);
	sx_free(agencies);
	assert_int_equal(count, 1);
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	assert_user_equal(&got, &user);
	assert_int_equal(store_user_get(&got, tx, USER_2, &err), SX_ENOTFOUND);
	assert_ok(store_session_get(&got_session, tx, "tok-live", &err), &err);
	assert_session_equal(&got_session, &live);
	assert_int_equal(store_session_get(&got_session, tx, "tok-new", &err), SX_ENOTFOUND);
	assert_ok(store_throttle_get(&got_throttle, tx, "alice", &err), &err);
	assert_int_equal(got_throttle.failures, 1);
	assert_string_equal(got_throttle.blocked_until, T1);
	assert_ok(store_officer_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_list_version_max(&n, tx, AGENCY_A, &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_audit_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

static void test_rolled_back_write_transaction_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_agency agency, got_agency;
	struct store_user user, got;
	struct store_audit ev = {"cli:root", "user.create", "user", USER_1, NULL};
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	agency_fill(&agency, AGENCY_A, "11110101MB0000001A", "110101");
	user_fill(&user, USER_1, "alice", AGENCY_A);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &agency, &err), &err);
	assert_ok(store_user_insert(tx, &user, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	/* Inside the transaction its own writes are visible. */
	assert_ok(store_user_get(&got, tx, USER_1, &err), &err);
	assert_ok(store_audit_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 1);
	store_rollback(tx);
	store_rollback(NULL);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_int_equal(store_agency_get(&got_agency, tx, AGENCY_A, &err), SX_ENOTFOUND);
	assert_int_equal(store_user_get(&got, tx, USER_1, &err), SX_ENOTFOUND);
	assert_ok(store_audit_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);

	/* The writer connection is free again and its statements were reset. */
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &agency, &err), &err);
	assert_ok(store_commit(tx, &err), &err);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_agency_get(&got_agency, tx, AGENCY_A, &err), &err);
	assert_int_equal(store_user_get(&got, tx, USER_1, &err), SX_ENOTFOUND);
	store_rollback(tx);
}

static void test_committed_write_is_visible_to_a_new_read_transaction(void **state)
{
	struct fixture *fx = *state;
	struct store_audit ev = {"cli:root", "test.commit", "test", "1", NULL};
	struct store_tx *before = NULL, *tx = NULL, *after = NULL;
	struct sx_error err;
	int64_t n = -1;

	/* A read transaction that has read holds its snapshot... */
	assert_ok(store_begin(&before, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_audit_count(&n, before, NULL, &err), &err);
	assert_int_equal(n, 0);

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	assert_ok(store_commit(tx, &err), &err);

	/* ...while a read transaction begun after the commit sees it. */
	assert_ok(store_begin(&after, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_audit_count(&n, after, "test.commit", &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_integrity_check(after, &err), &err);
	store_rollback(after);

	assert_ok(store_audit_count(&n, before, NULL, &err), &err);
	assert_int_equal(n, 0);
	assert_ok(store_commit(before, &err), &err);
	assert_int_equal(audit_count(fx->st, NULL), 1);

	/* And it survives closing and reopening the store. */
	store_close(fx->st);
	fx->st = NULL;
	assert_ok(store_open(&fx->st, fx->path, NULL, &err), &err);
	assert_int_equal(audit_count(fx->st, "test.commit"), 1);
}

/* ---- driver: placeholders and statement cache ---- */

static void test_placeholders_are_bound_by_name_not_position(void **state)
{
	struct fixture *fx = *state;
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	static const char bytes[] = {'a', '\0', 'b'};

	assert_ok(store_create(fx->path, &err), &err);
	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_string_equal(db_backend_name(db), "sqlite");

	assert_ok(db_prepare(&st, db, "SELECT $2 || $1", &err), &err);
	assert_ok(db_bind_str(st, 1, "one"), &err);
	assert_ok(db_bind_str(st, 2, "two"), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "twoone");
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);

	/* A placeholder used twice is one parameter. */
	assert_ok(db_prepare(&st, db, "SELECT $1 || '-' || $2 || '-' || $1, $3 + $3", &err), &err);
	assert_ok(db_bind_int64(st, 3, 21), &err);
	assert_ok(db_bind_str(st, 2, "y"), &err);
	assert_ok(db_bind_str(st, 1, "x"), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_column_text(st, 0), "x-y-x");
	assert_int_equal(db_column_int64(st, 1), 42);
	db_finish(st);

	/* A number the statement does not use is refused, not bound elsewhere. */
	assert_ok(db_prepare(&st, db, "SELECT $2", &err), &err);
	assert_int_equal(db_bind_str(st, 1, "x"), SX_EINVALID);
	assert_int_equal(db_bind_int64(st, 3, 1), SX_EINVALID);
	assert_int_equal(db_bind_null(st, 1), SX_EINVALID);
	db_finish(st);

	/* NULL text is SQL NULL; text carries its length, NUL bytes included. */
	assert_ok(db_prepare(&st, db, "SELECT $1, $2, length(CAST($2 AS BLOB))", &err), &err);
	assert_ok(db_bind_str(st, 1, NULL), &err);
	assert_ok(db_bind_text(st, 2, bytes, sizeof(bytes)), &err);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_true(db_column_is_null(st, 0));
	assert_null(db_column_text(st, 0));
	assert_int_equal(db_column_int64(st, 0), 0);
	assert_false(db_column_is_null(st, 1));
	assert_int_equal(db_column_bytes(st, 1), sizeof(bytes));
	assert_memory_equal(db_column_text(st, 1), bytes, sizeof(bytes));
	assert_int_equal(db_column_int64(st, 2), 3);
	db_finish(st);

	/* Bound by name through a real table: the $2 column gets $2's value. */
	assert_ok(db_prepare(&st, db,
			     "INSERT INTO login_throttle (blocked_until, last_failure_at, "
			     "failures, username) VALUES ($4, $3, $2, $1)",
			     &err),
		  &err);
	assert_ok(db_bind_str(st, 1, "carol"), &err);
	assert_ok(db_bind_int64(st, 2, 7), &err);
	assert_ok(db_bind_str(st, 3, T1), &err);
	assert_ok(db_bind_str(st, 4, T2), &err);
	assert_int_equal(db_step(st, &err), DB_DONE);
	db_finish(st);
	assert_int_equal(db_changes(db), 1);
	db_close(db);
	assert_int_equal(query_int64(fx->path, "SELECT failures FROM login_throttle WHERE "
					       "username = 'carol' AND last_failure_at = '" T1 "' "
					       "AND blocked_until = '" T2 "'"),
			 7);
}

static void test_statement_cache_refuses_a_statement_in_use_and_reuses_it_after_finish(
	void **state)
{
	struct fixture *fx = *state;
	struct db *db = NULL;
	struct db_stmt *first = NULL, *second = NULL, *other = NULL;
	struct sx_error err;
	char same_text[] = "SELECT $1, 'cached'";

	assert_ok(store_create(fx->path, &err), &err);
	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_ONLY, false, 1000, &err), &err);
	assert_ok(db_prepare(&first, db, "SELECT $1, 'cached'", &err), &err);
	assert_non_null(first);
	assert_ok(db_bind_str(first, 1, "bound"), &err);
	assert_int_equal(db_step(first, &err), DB_ROW);

	second = (struct db_stmt *)&second;
	sx_error_clear(&err);
	assert_int_equal(db_prepare(&second, db, same_text, &err), SX_EINTERNAL);
	assert_int_equal(err.rc, SX_EINTERNAL);
	assert_null(second);
	/* Other text is another statement, even while the first is in use. */
	assert_ok(db_prepare(&other, db, "SELECT $1, 'other'", &err), &err);
	assert_ptr_not_equal(other, first);
	db_finish(other);
	/* The refused prepare did not disturb the statement in use. */
	assert_string_equal(db_column_text(first, 0), "bound");
	db_finish(first);

	/* Same text from another buffer: the cached statement, reset, bindings cleared. */
	assert_ok(db_prepare(&second, db, same_text, &err), &err);
	assert_ptr_equal(second, first);
	assert_int_equal(db_step(second, &err), DB_ROW);
	assert_true(db_column_is_null(second, 0));
	assert_string_equal(db_column_text(second, 1), "cached");
	db_finish(second);
	db_finish(NULL);

	/* SQL that does not compile is an error and takes no cache slot. */
	sx_error_clear(&err);
	assert_true(db_prepare(&other, db, "SELEKT nothing", &err) < 0);
	assert_null(other);
	assert_true(err.rc < 0);
	db_close(db);
	db_close(NULL);
}

/* ---- concurrency ---- */

enum {
	WRITER_THREADS = 4,
	WRITES_PER_THREAD = 50,
	READER_THREADS = 2,
	READER_MAX_ROUNDS = 200000,
};

struct writer_ctx {
	struct store *st;
	int index;
	int failures;
	char first_failure[SX_ERROR_DETAIL_MAX + 32];
};

struct reader_ctx {
	struct store *st;
	atomic_int *writers_left;
	int rounds;
	int failures;
	bool went_backwards;
	int64_t last;
	char first_failure[SX_ERROR_DETAIL_MAX + 32];
};

static void *writer_main(void *arg)
{
	struct writer_ctx *ctx = arg;
	char action[32], object_id[32];

	snprintf(action, sizeof(action), "test.writer%d", ctx->index);
	for (int i = 0; i < WRITES_PER_THREAD; i++) {
		struct store_audit ev = {"system", action, "test", object_id, NULL};
		struct store_tx *tx = NULL;
		struct sx_error err;
		int rc;

		snprintf(object_id, sizeof(object_id), "%d-%d", ctx->index, i);
		sx_error_clear(&err);
		rc = store_begin(&tx, ctx->st, STORE_TX_WRITE, &err);
		if (rc == 0) {
			rc = store_audit_append(tx, &ev, &err);
			if (rc == 0)
				rc = store_commit(tx, &err);
			else
				store_rollback(tx);
		}
		if (rc < 0 && ctx->failures++ == 0)
			snprintf(ctx->first_failure, sizeof(ctx->first_failure), "rc=%d %s", rc,
				 err.detail);
	}
	return NULL;
}

static void *reader_main(void *arg)
{
	struct reader_ctx *ctx = arg;
	bool last_round = false;

	/* Keep reading while any writer runs, then once more after they all finished. */
	while (!last_round && ctx->rounds < READER_MAX_ROUNDS) {
		struct store_tx *tx = NULL;
		struct sx_error err;
		int64_t n = -1;
		int rc;

		last_round = atomic_load(ctx->writers_left) == 0;
		sx_error_clear(&err);
		rc = store_begin(&tx, ctx->st, STORE_TX_READ, &err);
		if (rc == 0) {
			rc = store_audit_count(&n, tx, NULL, &err);
			store_rollback(tx);
		}
		ctx->rounds++;
		if (rc < 0) {
			if (ctx->failures++ == 0)
				snprintf(ctx->first_failure, sizeof(ctx->first_failure),
					 "rc=%d %s", rc, err.detail);
			continue;
		}
		if (n < ctx->last || n > WRITER_THREADS * WRITES_PER_THREAD)
			ctx->went_backwards = true;
		ctx->last = n;
	}
	return NULL;
}

static void test_concurrent_writers_and_readers_lose_no_write(void **state)
{
	struct fixture *fx = *state;
	struct store_options opt = {.reader_count = 1, .busy_timeout_ms = 10000};
	struct writer_ctx writers[WRITER_THREADS];
	struct reader_ctx readers[READER_THREADS];
	pthread_t writer_threads[WRITER_THREADS], reader_threads[READER_THREADS];
	atomic_int writers_left = WRITER_THREADS;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	/* One reader connection for two reader threads: they must take turns. */
	store_close(fx->st);
	fx->st = NULL;
	assert_ok(store_open(&fx->st, fx->path, &opt, &err), &err);

	memset(writers, 0, sizeof(writers));
	memset(readers, 0, sizeof(readers));
	for (int i = 0; i < READER_THREADS; i++) {
		readers[i].st = fx->st;
		readers[i].writers_left = &writers_left;
		assert_int_equal(pthread_create(&reader_threads[i], NULL, reader_main, &readers[i]),
				 0);
	}
	for (int i = 0; i < WRITER_THREADS; i++) {
		writers[i].st = fx->st;
		writers[i].index = i;
		assert_int_equal(pthread_create(&writer_threads[i], NULL, writer_main, &writers[i]),
				 0);
	}
	for (int i = 0; i < WRITER_THREADS; i++) {
		assert_int_equal(pthread_join(writer_threads[i], NULL), 0);
		atomic_fetch_sub(&writers_left, 1);
	}
	for (int i = 0; i < READER_THREADS; i++)
		assert_int_equal(pthread_join(reader_threads[i], NULL), 0);

	for (int i = 0; i < WRITER_THREADS; i++) {
		if (writers[i].failures)
			print_message("writer %d: %s\n", i, writers[i].first_failure);
		assert_int_equal(writers[i].failures, 0);
	}
	for (int i = 0; i < READER_THREADS; i++) {
		if (readers[i].failures)
			print_message("reader %d: %s\n", i, readers[i].first_failure);
		assert_int_equal(readers[i].failures, 0);
		assert_false(readers[i].went_backwards);
		assert_true(readers[i].rounds >= 1);
		/* Its last read began after every writer had committed. */
		assert_int_equal(readers[i].last, WRITER_THREADS * WRITES_PER_THREAD);
	}

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_audit_count(&n, tx, NULL, &err), &err);
	assert_int_equal(n, WRITER_THREADS * WRITES_PER_THREAD);
	for (int i = 0; i < WRITER_THREADS; i++) {
		char action[32];

		snprintf(action, sizeof(action), "test.writer%d", i);
		assert_ok(store_audit_count(&n, tx, action, &err), &err);
		assert_int_equal(n, WRITES_PER_THREAD);
	}
	assert_ok(store_integrity_check(tx, &err), &err);
	store_rollback(tx);
}

static void test_store_close_waits_for_an_open_transaction(void **state)
{
	struct fixture *fx = *state;
	struct store_audit ev = {"cli:root", "test.close", "test", "1", NULL};
	struct closer_ctx ctx;
	struct store_tx *tx = NULL;
	struct sx_error err;
	pthread_t closer;
	const struct timespec delay = {0, 50 * 1000 * 1000};
	bool closed_early;
	int commit_rc;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_audit_append(tx, &ev, &err), &err);
	ctx.st = fx->st;
	atomic_init(&ctx.closed, false);
	fx->st = NULL;
	assert_int_equal(pthread_create(&closer, NULL, closer_main, &ctx), 0);
	/* Give the closer time to get stuck; a close that did not wait would have
	 * freed the store under us (ASan) or set the flag. No assert until the
	 * closer is joined: it holds a pointer to ctx on this stack. */
	nanosleep(&delay, NULL);
	closed_early = atomic_load(&ctx.closed);
	commit_rc = store_commit(tx, &err);
	assert_int_equal(pthread_join(closer, NULL), 0);
	assert_false(closed_early);
	assert_ok(commit_rc, &err);
	assert_true(atomic_load(&ctx.closed));

	assert_ok(store_open(&fx->st, fx->path, NULL, &err), &err);
	assert_int_equal(audit_count(fx->st, "test.close"), 1);
}

/* ---- allocation failure ---- */

enum { ALLOC_STEPS_MAX = 1000 };

static void test_store_open_fails_cleanly_when_any_allocation_fails(void **state)
{
	struct fixture *fx = *state;
	struct store_options opt = {.reader_count = 3};
	struct sx_error err;
	long n;

	assert_ok(store_create(fx->path, &err), &err);
	for (n = 0; n < ALLOC_STEPS_MAX; n++) {
		struct store *st = (struct store *)fx;
		int rc;

		sx_mem_fail_after(n);
		rc = store_open(&st, fx->path, &opt, &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_non_null(st);
			fx->st = st;
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(st);
	}
	/* The store allocates itself, a writer and three readers at least. */
	assert_true(n >= 5);
	assert_true(n < ALLOC_STEPS_MAX);
	assert_int_equal(audit_count(fx->st, NULL), 0);
}

static void test_store_create_fails_cleanly_on_any_allocation_and_can_be_retried(
	void **state)
{
	struct fixture *fx = *state;
	struct sx_error err;
	int version = -1;
	long n;

	for (n = 0; n < ALLOC_STEPS_MAX; n++) {
		int rc;

		sx_mem_fail_after(n);
		rc = store_create(fx->path, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			print_message("n=%ld: rc=%d code=%s %s\n", n, rc, err.code, err.detail);
		assert_int_equal(rc, SX_ENOMEM);
		/* A failed create leaves no table behind (nor, at first, a file), so
		 * that running it again is not refused as already initialized. */
		if (file_exists(fx->path))
			assert_true(database_is_empty(fx->path));
	}
	assert_true(n >= 1);
	assert_true(n < ALLOC_STEPS_MAX);
	assert_ok(store_schema_version(&version, fx->path, &err), &err);
	assert_int_equal(version, store_binary_schema_version());
	assert_ok(store_open(&fx->st, fx->path, NULL, &err), &err);
}

static void test_begin_fails_cleanly_when_allocation_fails_and_keeps_connections_free(
	void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx = (struct store_tx *)fx;
	struct sx_error err;

	for (int mode = STORE_TX_READ; mode <= STORE_TX_WRITE; mode++) {
		tx = (struct store_tx *)fx;
		sx_mem_fail_after(0);
		assert_int_equal(store_begin(&tx, fx->st, (enum store_tx_mode)mode, &err),
				 SX_ENOMEM);
		sx_mem_fail_after(-1);
		assert_null(tx);
	}
	/* Had a failed begin kept its connection, these would block for ever. */
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	store_rollback(tx);
	assert_int_equal(audit_count(fx->st, NULL), 0);
}

static void test_user_list_fails_cleanly_when_any_allocation_fails(void **state)
{
	enum { USERS = 40 };  /* enough rows to grow the result array twice */
	struct fixture *fx = *state;
	struct store_options opt = {.reader_count = 1};
	struct store_agency agency;
	struct store_tx *tx = NULL;
	struct sx_error err;

	store_close(fx->st);
	fx->st = NULL;
	assert_ok(store_open(&fx->st, fx->path, &opt, &err), &err);
	agency_fill(&agency, AGENCY_A, "11110101MB0000001A", "110101");
	assert_ok(store_begin(&tx, fx->st, STORE_TX_WRITE, &err), &err);
	assert_ok(store_agency_insert(tx, &agency, &err), &err);
	for (int i = 0; i < USERS; i++) {
		struct store_user u;
		char id[STORE_ID_SIZE], name[16];

		snprintf(id, sizeof(id), "01J00000000000000000US%04d", i);
		snprintf(name, sizeof(name), "user%02d", i);
		user_fill(&u, id, name, AGENCY_A);
		assert_ok(store_user_insert(tx, &u, &err), &err);
	}
	assert_ok(store_commit(tx, &err), &err);

	/* Twice: first with the statement not yet cached (its preparation
	 * allocates), then cached, so that every growth of the array fails once. */
	for (int pass = 0; pass < 2; pass++) {
		long n;

		for (n = 0; n < ALLOC_STEPS_MAX; n++) {
			struct store_user *list = (struct store_user *)fx;
			size_t count = 99;
			int rc;

			tx = NULL;
			sx_mem_fail_after(n);
			rc = store_begin(&tx, fx->st, STORE_TX_READ, &err);
			if (rc == 0)
				rc = store_user_list(&list, &count, tx, NULL, &err);
			sx_mem_fail_after(-1);
			if (rc == 0) {
				assert_int_equal(count, USERS);
				assert_string_equal(list[0].username, "user00");
				assert_string_equal(list[USERS - 1].username, "user39");
				sx_free(list);
				store_rollback(tx);
				break;
			}
			if (rc != SX_ENOMEM)
				print_message("pass %d n=%ld: rc=%d %s\n", pass, n, rc, err.detail);
			assert_int_equal(rc, SX_ENOMEM);
			if (tx != NULL) {
				assert_null(list);
				assert_int_equal(count, 0);
			}
			store_rollback(tx);
		}
		/* begin, then 16 -> 32 -> 64 rows: at least four allocations. */
		assert_true(n >= 4);
		assert_true(n < ALLOC_STEPS_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_create_refuses_a_database_that_is_already_initialized, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_create_refuses_a_file_that_holds_an_unrelated_table, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_migrate_on_an_up_to_date_database_is_idempotent, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_failed_migration_is_rolled_back_and_keeps_the_old_version, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_database_newer_than_the_binary_is_refused_by_migrate_and_open,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_database_older_than_the_binary_is_refused_by_open_until_migrated,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_agency_and_user_round_trip_through_get_and_get_by_username,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_agency_list_is_ordered_by_region_then_name,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_user_insert_refuses_a_taken_username,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_get_of_an_unknown_id_is_not_found, setup_store,
						teardown),
		cmocka_unit_test_setup_teardown(test_insert_refuses_rows_that_point_at_missing_rows,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_insert_refuses_values_outside_check_constraints, setup_store,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_officer_counts_and_list_versions_follow_the_agency, setup_store,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_user_list_filters_by_agency_by_region_prefix_or_not_at_all,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_user_set_disabled_and_set_password_change_the_row, setup_store,
			teardown),
		cmocka_unit_test_setup_teardown(test_user_updates_of_an_unknown_id_are_not_found,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_session_touch_and_revoke_keep_the_row_with_revoked_at_set,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_session_revoke_user_revokes_only_that_users_live_sessions,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_throttle_put_twice_keeps_the_latest_values_and_clear_removes_it,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_audit_event_refuses_update_and_delete_as_append_only, setup_store,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_write_functions_refuse_a_read_transaction_and_write_nothing,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_write_transaction_leaves_nothing,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_committed_write_is_visible_to_a_new_read_transaction, setup_store,
			teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers_and_readers_lose_no_write,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_store_close_waits_for_an_open_transaction,
						setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_store_open_fails_cleanly_when_any_allocation_fails, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_store_create_fails_cleanly_on_any_allocation_and_can_be_retried,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_begin_fails_cleanly_when_allocation_fails_and_keeps_connections_free,
			setup_store, teardown),
		cmocka_unit_test_setup_teardown(
			test_user_list_fails_cleanly_when_any_allocation_fails, setup_store,
			teardown),
	};
	/* The SQLite file itself (made, refused, never made, empty) and the SQLite driver's
	 * binding and statement cache: PostgreSQL has none of them (test_db_pg covers its driver). */
	const struct CMUnitTest sqlite_only[] = {
		cmocka_unit_test_setup_teardown(
			test_create_makes_a_database_at_the_binary_schema_version, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(test_create_refuses_a_file_that_is_not_a_database,
						setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_migrate_on_a_missing_file_fails_and_creates_no_file, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses_an_empty_database_as_outdated,
						setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_placeholders_are_bound_by_name_not_position,
						setup_dir, teardown),
		cmocka_unit_test_setup_teardown(
			test_statement_cache_refuses_a_statement_in_use_and_reuses_it_after_finish,
			setup_dir, teardown),
	};
	int failures;

	failures = cmocka_run_group_tests_name("store", tests, NULL, NULL);
	if (!testdb_is_postgresql())
		failures += cmocka_run_group_tests_name("store on SQLite only", sqlite_only, NULL,
							NULL);
	return failures;
}
