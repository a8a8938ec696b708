/*
 * `sanxiang migrate-store` end to end, SQLite → PostgreSQL → SQLite: a demo
 * installation on SQLite is served once (so that a signed checkpoint exists),
 * copied to a fresh PostgreSQL database, served from there with the source's
 * signing keys — the public agency list and the signed checkpoint must be
 * byte for byte what the SQLite server gave — then copied back to a new
 * SQLite file whose every table has the row count of the original. A second
 * copy into the now filled PostgreSQL database is refused with exit code 5.
 *
 * Needs PostgreSQL: registered only as integration.pg.test_migrate_store
 * (CMakeLists.txt, SX_PG_ONLY_INTEGRATION_TESTS), with the pgcluster fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "base/mem.h"
#include "itest.h"
#include "ledger_check.h"
#include "store/store.h"
#include "testdb.h"

/* What a server showed the public. */
struct shown {
	struct itest_response agencies;
	struct ledger_check_checkpoint checkpoint;
};

static void shown_fetch(struct shown *out, struct itest_server *s)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, s), 0);
	ledger_check_checkpoint_wait(&out->checkpoint, c, 1);
	assert_int_equal(itest_get(&out->agencies, c, "/agencies"), 0);
	assert_int_equal(out->agencies.status, 200);
	itest_client_free(c);
}

static void shown_free(struct shown *s)
{
	itest_response_free(&s->agencies);
	ledger_check_checkpoint_free(&s->checkpoint);
}

/* Runs `sanxiang migrate-store --from from --to to`; returns its exit code, output in log. */
static int migrate_store(const char *from, const char *to, const char *log)
{
	char *argv[] = {getenv("SANXIANG_BIN"),
	                "migrate-store",
	                "--from",
	                (char *)from,
	                "--to",
	                (char *)to,
	                "--batch",
	                "5",
	                NULL};
	int status = 0;

	assert_non_null(argv[0]);
	assert_int_equal(itest_run_program(&status, argv, NULL, log, 120000), 0);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void print_file(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

/* Every copied table has as many rows in b as in a. */
static void assert_same_row_counts(const char *a_dsn, const char *b_dsn)
{
	struct store *a = NULL;
	struct store *b = NULL;
	struct store_tx *ta = NULL;
	struct store_tx *tb = NULL;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(store_open(&a, a_dsn, NULL, &err), 0);
	assert_int_equal(store_open(&b, b_dsn, NULL, &err), 0);
	assert_int_equal(store_begin(&ta, a, STORE_TX_READ, &err), 0);
	assert_int_equal(store_begin(&tb, b, STORE_TX_READ, &err), 0);
	for (size_t i = 0; i < store_copy_table_count(); i++) {
		int64_t na = -1;
		int64_t nb = -2;

		assert_int_equal(store_table_row_count(&na, ta, store_copy_table_name(i), &err), 0);
		assert_int_equal(store_table_row_count(&nb, tb, store_copy_table_name(i), &err), 0);
		if (na != nb)
			fail_msg("%s: %lld rows, copy has %lld", store_copy_table_name(i),
			         (long long)na, (long long)nb);
	}
	store_rollback(ta);
	store_rollback(tb);
	store_close(a);
	store_close(b);
}

static void test_installation_moves_to_postgresql_and_back_unchanged(void **state)
{
	struct itest_server *sqlite_server = NULL;
	struct itest_server *pg_server = NULL;
	struct shown before;
	struct shown after;
	struct sx_error err;
	char src_db[1024];
	char key_dir[1024];
	char log[1024];
	char pg_dsn[TESTDB_DSN_MAX] = "";
	char back_dir[] = "/tmp/sx-mback-XXXXXX";
	char back_db[64];
	const char *extra[5];
	int code;

	(void)state;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));

	/* 1. A demo installation on SQLite, served once so that it has a signed checkpoint. */
	assert_int_equal(setenv("SANXIANG_TEST_BACKEND", "sqlite", 1), 0);
	assert_int_equal(itest_server_start(&sqlite_server, NULL), 0);
	shown_fetch(&before, sqlite_server);
	assert_int_equal(itest_server_stop(sqlite_server), 0);
	snprintf(src_db, sizeof(src_db), "%s/test.db", itest_server_dir(sqlite_server));
	snprintf(key_dir, sizeof(key_dir), "%s/test.db.keys", itest_server_dir(sqlite_server));
	snprintf(log, sizeof(log), "%s/migrate.log", itest_server_dir(sqlite_server));

	/* 2. Copied to a fresh PostgreSQL database. */
	assert_int_equal(setenv("SANXIANG_TEST_BACKEND", "postgresql", 1), 0);
	sx_error_clear(&err);
	assert_int_equal(
	        testdb_create(pg_dsn, sizeof(pg_dsn), itest_server_dir(sqlite_server), &err), 0);
	code = migrate_store(src_db, pg_dsn, log);
	if (code != 0) {
		print_file(log);
		fail_msg("migrate-store to PostgreSQL exited %d", code);
	}
	assert_true(file_contains(log, "核验通过"));
	assert_true(file_contains(log, key_dir));

	/* 3. Served from PostgreSQL with the source's keys: the public sees the same. The
	 * server makes a demo database of its own first; the later --db and --key-dir win. */
	extra[0] = "--db";
	extra[1] = pg_dsn;
	extra[2] = "--key-dir";
	extra[3] = key_dir;
	extra[4] = NULL;
	assert_int_equal(itest_server_start(&pg_server, extra), 0);
	shown_fetch(&after, pg_server);
	assert_int_equal(itest_server_stop(pg_server), 0);
	assert_int_equal(after.checkpoint.note_len, before.checkpoint.note_len);
	assert_memory_equal(after.checkpoint.note, before.checkpoint.note,
	                    before.checkpoint.note_len);
	assert_int_equal(after.agencies.body_len, before.agencies.body_len);
	assert_memory_equal(after.agencies.body, before.agencies.body, before.agencies.body_len);

	/* 4. A second copy into the filled database is refused, and nothing is changed. */
	code = migrate_store(src_db, pg_dsn, log);
	assert_int_equal(code, 5);
	assert_true(file_contains(log, "destination_not_empty"));

	/* 5. Back to a new SQLite file: every table as in the original. */
	assert_non_null(mkdtemp(back_dir));
	snprintf(back_db, sizeof(back_db), "%s/back.db", back_dir);
	code = migrate_store(pg_dsn, back_db, log);
	if (code != 0) {
		print_file(log);
		fail_msg("migrate-store back to SQLite exited %d", code);
	}
	assert_same_row_counts(src_db, back_db);
	assert_same_row_counts(pg_dsn, back_db);

	shown_free(&before);
	shown_free(&after);
	itest_server_free(pg_server);
	testdb_drop(pg_dsn);
	/* itest releases a server's database by the backend the environment names. */
	assert_int_equal(setenv("SANXIANG_TEST_BACKEND", "sqlite", 1), 0);
	itest_server_free(sqlite_server);
	unlink(back_db);
	snprintf(back_db, sizeof(back_db), "%s/back.db-wal", back_dir);
	unlink(back_db);
	snprintf(back_db, sizeof(back_db), "%s/back.db-shm", back_dir);
	unlink(back_db);
	rmdir(back_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_installation_moves_to_postgresql_and_back_unchanged),
	};
	int failed;

	if (!testdb_is_postgresql()) {
		fprintf(stderr, "test_migrate_store needs SANXIANG_TEST_BACKEND=postgresql\n");
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
