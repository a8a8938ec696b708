/*
 * Unit tests for tests/support/testdb, the helper that gives the store,
 * service and HTTP tests a fresh database on either backend.
 *
 * Everywhere: the SQLite DSN is "<dir>/test.db" and no file is made; a bad
 * backend name, a missing conninfo, a DSN that does not fit and bad arguments
 * are refused with dsn left "".
 *
 * Where the environment names a real PostgreSQL cluster (unit.pg.test_testdb,
 * which the ctest fixture pg.cluster_start serves): every call makes another,
 * empty database that the store driver can open, the conninfo may come from
 * the last line of a file with other output before it, testdb_drop removes
 * the database (it can no longer be opened) and refuses to drop one it did not
 * make (the maintenance database stays). Those tests are skipped on SQLite.
 *
 * The module allocates nothing itself (the driver does, and test_store checks
 * the driver's failure paths), so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "store/db.h"
#include "testdb.h"

#define ENV_BACKEND "SANXIANG_TEST_BACKEND"
#define ENV_PG "SANXIANG_TEST_PG"
#define ENV_PG_FILE "SANXIANG_TEST_PG_FILE"

/* The environment the test program started with, restored before every test. */
static struct {
	char *backend;
	char *pg;
	char *pg_file;
} saved;

struct fixture {
	char dir[PATH_MAX - 64];
	char file[PATH_MAX]; /* a conninfo file some tests write; removed by teardown */
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	restore_env(ENV_BACKEND, saved.backend);
	restore_env(ENV_PG, saved.pg);
	restore_env(ENV_PG_FILE, saved.pg_file);
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_testdb_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->file, sizeof(fx->file), "%s/conninfo", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/test.db", fx->dir);
	unlink(path);
	unlink(fx->file);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static bool file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Whether the environment the program started with points at a real cluster. */
static bool real_postgresql(void)
{
	return saved.backend != NULL && strcmp(saved.backend, "postgresql") == 0 &&
	       ((saved.pg != NULL && saved.pg[0] != '\0') ||
	        (saved.pg_file != NULL && saved.pg_file[0] != '\0'));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* Opens dsn with the store's driver; returns its rc and closes it again. */
static int open_rc(const char *dsn, bool *empty)
{
	struct db *db = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = db_open(&db, dsn, DB_OPEN_READ_WRITE, false, 1000, &err);
	if (rc == 0 && empty != NULL)
		rc = db_is_empty(empty, db, &err);
	if (rc < 0)
		print_message("db_open %s: %s %s\n", dsn, err.code, err.detail);
	db_close(db);
	return rc;
}

/* ---- everywhere ---- */

static void test_sqlite_dsn_is_test_db_in_the_dir_and_no_file_is_made(void **state)
{
	static const char *const backends[] = {NULL, "", "sqlite"};
	struct fixture *fx = *state;
	char dsn[TESTDB_DSN_MAX];
	char want[PATH_MAX + 16];
	struct sx_error err;

	snprintf(want, sizeof(want), "%s/test.db", fx->dir);
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		restore_env(ENV_BACKEND, backends[i]);
		assert_false(testdb_is_postgresql());
		sx_error_clear(&err);
		assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), 0);
		assert_string_equal(dsn, want);
		assert_false(file_exists(dsn));
		testdb_drop(dsn);
	}
}

static void test_an_unknown_backend_is_refused(void **state)
{
	static const char *const names[] = {"pg", "PostgreSQL", "mysql", "sqlite3"};
	struct fixture *fx = *state;
	char dsn[TESTDB_DSN_MAX];
	struct sx_error err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		restore_env(ENV_BACKEND, names[i]);
		assert_false(testdb_is_postgresql());
		memcpy(dsn, "junk", 5);
		sx_error_clear(&err);
		assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_test_backend");
		assert_string_equal(dsn, "");
	}
}

static void test_a_dsn_that_does_not_fit_is_refused(void **state)
{
	struct fixture *fx = *state;
	char dsn[16];
	struct sx_error err;

	restore_env(ENV_BACKEND, "sqlite");
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), SX_EINVALID);
	assert_string_equal(dsn, "");
}

static void test_bad_arguments_are_refused(void **state)
{
	struct fixture *fx = *state;
	char dsn[TESTDB_DSN_MAX];
	struct sx_error err;

	assert_int_equal(testdb_create(NULL, sizeof(dsn), fx->dir, &err), SX_EINVALID);
	assert_int_equal(testdb_create(dsn, 0, fx->dir, &err), SX_EINVALID);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), NULL, &err), SX_EINVALID);
	testdb_drop(NULL);
	testdb_drop("");
}

static void test_postgresql_without_a_conninfo_is_refused(void **state)
{
	struct fixture *fx = *state;
	char dsn[TESTDB_DSN_MAX];
	struct sx_error err;

	setenv(ENV_BACKEND, "postgresql", 1);
	assert_true(testdb_is_postgresql());
	/* Neither variable, an empty one, a missing file, a file with no line. */
	unsetenv(ENV_PG);
	unsetenv(ENV_PG_FILE);
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), SX_EINVALID);
	assert_string_equal(err.code, "no_test_pg");
	assert_string_equal(dsn, "");

	setenv(ENV_PG, "", 1);
	setenv(ENV_PG_FILE, fx->file, 1);
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), SX_EINVALID);
	assert_string_equal(err.code, "no_test_pg");

	write_file(fx->file, "\n  \n\n");
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), SX_EINVALID);
	assert_string_equal(err.code, "no_test_pg");
	assert_string_equal(dsn, "");
}

static void test_postgresql_that_cannot_be_reached_fails_with_an_empty_dsn(void **state)
{
	struct fixture *fx = *state;
	char conninfo[PATH_MAX + 64];
	char dsn[TESTDB_DSN_MAX];
	struct sx_error err;

	/* A socket dir that exists but where no server listens. */
	snprintf(conninfo, sizeof(conninfo), "host=%s dbname=postgres", fx->dir);
	setenv(ENV_BACKEND, "postgresql", 1);
	setenv(ENV_PG, conninfo, 1);
	sx_error_clear(&err);
	assert_true(testdb_create(dsn, sizeof(dsn), fx->dir, &err) < 0);
	assert_true(err.rc < 0);
	assert_string_equal(dsn, "");
}

/* ---- on a real cluster ---- */

static void test_each_call_makes_another_empty_database_that_drop_removes(void **state)
{
	struct fixture *fx = *state;
	char one[TESTDB_DSN_MAX], two[TESTDB_DSN_MAX];
	struct sx_error err;
	bool empty = false;

	if (!real_postgresql())
		skip();
	sx_error_clear(&err);
	assert_int_equal(testdb_create(one, sizeof(one), fx->dir, &err), 0);
	assert_int_equal(testdb_create(two, sizeof(two), fx->dir, &err), 0);
	assert_string_not_equal(one, two);
	assert_non_null(strstr(one, " dbname=sx_t_"));
	assert_false(file_exists(one));

	assert_int_equal(open_rc(one, &empty), 0);
	assert_true(empty);
	assert_int_equal(open_rc(two, &empty), 0);
	assert_true(empty);

	testdb_drop(one);
	assert_true(open_rc(one, NULL) < 0);
	assert_int_equal(open_rc(two, NULL), 0);
	testdb_drop(two);
	assert_true(open_rc(two, NULL) < 0);
}

static void test_the_conninfo_is_the_last_line_of_the_file(void **state)
{
	struct fixture *fx = *state;
	char conninfo[TESTDB_DSN_MAX];
	char text[TESTDB_DSN_MAX + 128];
	char dsn[TESTDB_DSN_MAX];
	struct sx_error err;
	char *cut;

	if (!real_postgresql())
		skip();
	/* The maintenance conninfo is what precedes the dbname testdb appends. */
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), 0);
	testdb_drop(dsn);
	cut = strstr(dsn, " dbname=sx_t_");
	assert_non_null(cut);
	snprintf(conninfo, sizeof(conninfo), "%.*s", (int)(cut - dsn), dsn);
	/* The same conninfo behind other output, with blanks around it. */
	snprintf(text, sizeof(text), "pg-cluster: started\n\n  %s  \n\n", conninfo);
	write_file(fx->file, text);
	unsetenv(ENV_PG);
	setenv(ENV_PG_FILE, fx->file, 1);
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), 0);
	assert_int_equal(strncmp(dsn, conninfo, strlen(conninfo)), 0);
	assert_int_equal(open_rc(dsn, NULL), 0);
	testdb_drop(dsn);
	assert_true(open_rc(dsn, NULL) < 0);
}

static void test_drop_refuses_a_database_it_did_not_make(void **state)
{
	struct fixture *fx = *state;
	char dsn[TESTDB_DSN_MAX];
	char other[TESTDB_DSN_MAX + 32];
	char *cut;
	struct sx_error err;

	if (!real_postgresql())
		skip();
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), fx->dir, &err), 0);
	/* The maintenance database, and a name that only starts like ours. */
	cut = strstr(dsn, " dbname=sx_t_");
	assert_non_null(cut);
	snprintf(other, sizeof(other), "%.*s dbname=postgres", (int)(cut - dsn), dsn);
	testdb_drop(other);
	assert_int_equal(open_rc(other, NULL), 0);
	snprintf(other, sizeof(other), "%s;x", dsn);
	testdb_drop(other);
	assert_int_equal(open_rc(dsn, NULL), 0);
	testdb_drop(dsn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(
	                test_sqlite_dsn_is_test_db_in_the_dir_and_no_file_is_made, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_an_unknown_backend_is_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_a_dsn_that_does_not_fit_is_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_bad_arguments_are_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_postgresql_without_a_conninfo_is_refused,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_postgresql_that_cannot_be_reached_fails_with_an_empty_dsn, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_each_call_makes_another_empty_database_that_drop_removes, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(test_the_conninfo_is_the_last_line_of_the_file,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_drop_refuses_a_database_it_did_not_make, setup,
	                                        teardown),
	};
	int failures;

	saved.backend = dup_env(ENV_BACKEND);
	saved.pg = dup_env(ENV_PG);
	saved.pg_file = dup_env(ENV_PG_FILE);
	failures = cmocka_run_group_tests_name("testdb", tests, NULL, NULL);
	free(saved.backend);
	free(saved.pg);
	free(saved.pg_file);
	return failures;
}
