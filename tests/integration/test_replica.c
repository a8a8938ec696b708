/*
 * Integration (PostgreSQL only): `serve --db-replica` reads public pages from
 * a streaming replica and everything staff see from the primary.
 *
 * The test makes its own pair of throwaway clusters rather than using the
 * ctest fixture's: a primary (`scripts/pg-cluster start`) and a hot standby
 * of it (`scripts/pg-cluster replica`, pg_basebackup -R). It loads the demo
 * data into a fresh database on the primary, waits until the replica has
 * replayed it, then pauses replay on the replica (pg_wal_replay_pause). An
 * admin registers an agency: the create answer and the staff view of the
 * agency's list versions come from the primary and show it at once, while the
 * public list and page, served from the paused replica, do not. Once replay
 * resumes the public sees it too. With the replica stopped, public pages are
 * read from the primary (serve logs a warning). SQLite has no replicas: serve refuses
 * --db-replica there with a usage error (exit 2).
 *
 * Environment: SANXIANG_BIN (the binary) and SANXIANG_PG_CLUSTER (the
 * scripts/pg-cluster tool), both set by CMakeLists.txt.
 */
#include "itest.h"

#include "base/mem.h"
#include "domain/idcheck.h"
#include "store/db.h"
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPLICA_WAIT_MS 30000
#define REPLICA_TOOL_TIMEOUT_MS 180000

/* What the tests need of the setup main() made. */
static struct {
	char base[64];                    /* the test's temp dir: clusters, keys, logs */
	char primary[TESTDB_DSN_MAX];     /* conninfo of the primary's "postgres" database */
	char replica[TESTDB_DSN_MAX];     /* the same for the replica */
	char dsn[TESTDB_DSN_MAX];         /* the test database on the primary */
	char replica_dsn[TESTDB_DSN_MAX]; /* the same database on the replica */
} g;

/* Runs argv to completion with its output in path; 0 when it exited 0. */
static int run(char *const *argv, const char *path, int want_status)
{
	int status = 0;

	if (itest_run_program(&status, argv, NULL, path, REPLICA_TOOL_TIMEOUT_MS) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want_status) {
		char cmd[256];

		fprintf(stderr, "replica: %s %s exited with %d (want %d); output in %s\n", argv[0],
			argv[1], WIFEXITED(status) ? WEXITSTATUS(status) : -1, want_status, path);
		snprintf(cmd, sizeof(cmd), "cat '%s' >&2", path);
		if (system(cmd) != 0)
			fprintf(stderr, "replica: cannot show %s\n", path);
		return -1;
	}
	return 0;
}

/* The last non-empty line of path into out (a conninfo pg-cluster printed). */
static int last_line(char *out, size_t out_size, const char *path)
{
	char line[TESTDB_DSN_MAX];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			snprintf(out, out_size, "%s", line);
	}
	fclose(f);
	return out[0] ? 0 : -1;
}

/* Runs one statement on dsn and copies the first column of its first row
 * (if any, "" otherwise) into out. */
static void sql_text(char *out, size_t out_size, const char *dsn, const char *sql)
{
	struct sx_error err;
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	int rc;

	sx_error_clear(&err);
	out[0] = '\0';
	rc = db_open(&db, dsn, DB_OPEN_READ_ONLY, false, 5000, &err);
	if (rc < 0)
		fail_msg("connect %s: %s", dsn, err.detail);
	rc = db_prepare(&st, db, sql, &err);
	if (rc == 0 && (rc = db_step(st, &err)) == DB_ROW && db_column_text(st, 0))
		snprintf(out, out_size, "%s", db_column_text(st, 0));
	db_finish(st);
	db_close(db);
	if (rc < 0)
		fail_msg("%s: %s", sql, err.detail);
}

/* Waits until the replica has replayed everything the primary has written so far. */
static void wait_for_replica(void)
{
	char lsn[64], sql[160], caught_up[8];
	int64_t deadline = itest_now_ms() + REPLICA_WAIT_MS;

	sql_text(lsn, sizeof(lsn), g.dsn, "SELECT pg_current_wal_lsn()::text");
	snprintf(sql, sizeof(sql), "SELECT (pg_last_wal_replay_lsn() >= '%s'::pg_lsn)::text", lsn);
	for (;;) {
		sql_text(caught_up, sizeof(caught_up), g.replica_dsn, sql);
		if (strcmp(caught_up, "true") == 0)
			return;
		if (itest_now_ms() > deadline)
			fail_msg("the replica did not reach %s within %d s", lsn,
				 REPLICA_WAIT_MS / 1000);
		itest_sleep_ms(50);
	}
}

/* Pauses (true) or resumes replay on the replica, and waits until it has. */
static void set_replay_paused(bool paused)
{
	char state[32];
	int64_t deadline = itest_now_ms() + REPLICA_WAIT_MS;

	sql_text(state, sizeof(state), g.replica_dsn,
		 paused ? "SELECT pg_wal_replay_pause()::text"
			: "SELECT pg_wal_replay_resume()::text");
	for (;;) {
		sql_text(state, sizeof(state), g.replica_dsn,
			 "SELECT pg_get_wal_replay_pause_state()");
		if (strcmp(state, paused ? "paused" : "not paused") == 0)
			return;
		if (itest_now_ms() > deadline)
			fail_msg("replay state stays %s", state);
		itest_sleep_ms(20);
	}
}

/* Whether the public list of agencies, as GET /api/v1/agencies gives it, names id. */
static bool public_list_has(struct itest_client *c, const char *id, size_t *count)
{
	struct itest_response r;
	json_t *list, *a;
	size_t i;
	bool found = false;

	assert_int_equal(itest_get(&r, c, "/api/v1/agencies"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "agencies");
	assert_true(json_is_array(list));
	json_array_foreach(list, i, a) {
		const char *aid = json_string_value(json_object_get(a, "id"));

		found = found || (aid && id && strcmp(aid, id) == 0);
	}
	if (count)
		*count = json_array_size(list);
	itest_response_free(&r);
	return found;
}

static long get_status(struct itest_client *c, const char *path)
{
	struct itest_response r;
	long status;

	assert_int_equal(itest_get(&r, c, path), 0);
	status = r.status;
	itest_response_free(&r);
	return status;
}

static void test_public_pages_come_from_the_replica_and_staff_reads_from_the_primary(void **state)
{
	struct itest_client *anon = NULL, *admin = NULL;
	struct itest_response r;
	char *csrf = NULL;
	char code[19], body[1024], path[192], id[64];
	size_t before = 0, after = 0;
	int64_t deadline;

	assert_int_equal(itest_client_new(&anon, *state), 0);
	assert_int_equal(itest_client_new(&admin, *state), 0);
	wait_for_replica();
	assert_false(public_list_has(anon, "no-such-id", &before));
	assert_true(before > 0); /* the demo agencies, read from the replica */

	set_replay_paused(true);
	assert_int_equal(itest_login(&csrf, admin, "admin", ITEST_DEMO_PASSWORD), 0);
	snprintf(code, sizeof(code), "11330122MB0000011%c",
		 idcheck_credit_code_check_char("11330122MB0000011"));
	snprintf(body, sizeof(body),
		 "{\"name\":\"示例市副本县市场监督管理局\",\"credit_code\":\"%s\",\"level\":\"county\","
		 "\"region_code\":\"330122\"}",
		 code);
	assert_int_equal(itest_send_json(&r, admin, "POST", "/api/v1/agencies", body, csrf), 0);
	/* The answer reads the new agency back: from the primary, or it would be 404. */
	ITEST_ASSERT_STATUS(r, 201);
	snprintf(id, sizeof(id), "%s",
		 json_string_value(json_object_get(json_object_get(r.json, "agency"), "id")));
	itest_response_free(&r);
	assert_true(strlen(id) > 0);

	/* The replica has not replayed the insert: the public does not see it yet… */
	assert_false(public_list_has(anon, id, &after));
	assert_int_equal(after, before);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s", id);
	assert_int_equal(get_status(anon, path), 404);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions", id);
	assert_int_equal(get_status(anon, path), 404);
	/* …while staff, reading the primary, do. */
	assert_int_equal(get_status(admin, path), 200);

	set_replay_paused(false);
	deadline = itest_now_ms() + REPLICA_WAIT_MS;
	while (!public_list_has(anon, id, &after)) {
		if (itest_now_ms() > deadline)
			fail_msg("the public list never showed agency %s", id);
		itest_sleep_ms(50);
	}
	assert_int_equal(after, before + 1);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s", id);
	assert_int_equal(get_status(anon, path), 200);
	sx_free(csrf);
	itest_client_free(anon);
	itest_client_free(admin);
}

/* Runs after the test above, on the same server: the replica goes away. */
static void test_public_pages_fall_back_to_the_primary_when_the_replica_is_down(void **state)
{
	const char *tool = getenv("SANXIANG_PG_CLUSTER");
	struct itest_client *anon = NULL;
	char rdir[96], out[128];
	char *stop[] = {(char *)tool, "stop", rdir, NULL};
	size_t before = 0, after = 0;

	assert_int_equal(itest_client_new(&anon, *state), 0);
	assert_false(public_list_has(anon, "no-such-id", &before));
	snprintf(rdir, sizeof(rdir), "%s/r", g.base);
	snprintf(out, sizeof(out), "%s/replica-stop.out", g.base);
	assert_int_equal(run(stop, out, 0), 0);
	/* Twice: the first finds the pooled connection dead, the second the replica resting. */
	assert_false(public_list_has(anon, "no-such-id", &after));
	assert_int_equal(after, before);
	assert_false(public_list_has(anon, "no-such-id", &after));
	assert_int_equal(after, before);
	itest_client_free(anon);
}

static void test_serve_refuses_a_replica_for_a_sqlite_database(void **state)
{
	char db[128], out[128];
	char *argv[] = {getenv("SANXIANG_BIN"), "serve", "--db", db, "--db-replica",
			"host=/nonexistent dbname=x", NULL};

	(void)state;
	snprintf(db, sizeof(db), "%s/sqlite.db", g.base);
	snprintf(out, sizeof(out), "%s/sqlite-serve.out", g.base);
	assert_int_equal(run(argv, out, 2), 0);
}

/* Starts the two clusters and loads the demo data into a fresh database. */
static int setup(void)
{
	const char *tool = getenv("SANXIANG_PG_CLUSTER");
	const char *bin = getenv("SANXIANG_BIN");
	char pdir[96], rdir[96], out[128], keys[96];
	struct sx_error err;

	if (!tool || !bin) {
		fprintf(stderr, "replica: SANXIANG_PG_CLUSTER and SANXIANG_BIN must be set\n");
		return -1;
	}
	/* Short, under /tmp: a socket path must stay under 108 bytes. */
	snprintf(g.base, sizeof(g.base), "/tmp/sxrep.XXXXXX");
	if (mkdtemp(g.base) == NULL || chmod(g.base, 0755) < 0) {
		g.base[0] = '\0';
		return -1;
	}
	snprintf(pdir, sizeof(pdir), "%s/p", g.base);
	snprintf(rdir, sizeof(rdir), "%s/r", g.base);
	snprintf(keys, sizeof(keys), "%s/keys", g.base);
	{
		char *start[] = {(char *)tool, "start", pdir, NULL};
		char *replica[] = {(char *)tool, "replica", pdir, rdir, NULL};

		snprintf(out, sizeof(out), "%s/primary.out", g.base);
		if (run(start, out, 0) < 0 || last_line(g.primary, sizeof(g.primary), out) < 0)
			return -1;
		snprintf(out, sizeof(out), "%s/replica.out", g.base);
		if (run(replica, out, 0) < 0 || last_line(g.replica, sizeof(g.replica), out) < 0)
			return -1;
	}
	/* itest's own database and ours live on this primary. */
	setenv("SANXIANG_TEST_BACKEND", "postgresql", 1);
	setenv("SANXIANG_TEST_PG", g.primary, 1);
	unsetenv("SANXIANG_TEST_PG_FILE");
	sx_error_clear(&err);
	if (testdb_create(g.dsn, sizeof(g.dsn), g.base, &err) < 0) {
		fprintf(stderr, "replica: test database: %s\n", err.detail);
		return -1;
	}
	/* testdb's DSN is the maintenance conninfo followed by " dbname=…". */
	if (strncmp(g.dsn, g.primary, strlen(g.primary)) != 0 ||
	    snprintf(g.replica_dsn, sizeof(g.replica_dsn), "%s%s", g.replica,
		     g.dsn + strlen(g.primary)) >= (int)sizeof(g.replica_dsn))
		return -1;
	{
		char *init[] = {(char *)bin, "init", "--db", g.dsn, "--key-dir", keys, NULL};
		char *demo[] = {(char *)bin, "demo", "--db", g.dsn, NULL};

		snprintf(out, sizeof(out), "%s/setup.out", g.base);
		if (run(init, out, 0) < 0 || run(demo, out, 0) < 0)
			return -1;
	}
	return 0;
}

/* Stops what setup started; every step tolerates a setup that stopped half-way. */
static void teardown(void)
{
	const char *tool = getenv("SANXIANG_PG_CLUSTER");
	char pdir[96], rdir[96], cmd[160];
	char *stop_replica[] = {(char *)tool, "stop", rdir, NULL};
	char *stop_primary[] = {(char *)tool, "stop", pdir, NULL};
	int status = 0;

	if (g.base[0] == '\0')
		return;
	testdb_drop(g.dsn);
	snprintf(pdir, sizeof(pdir), "%s/p", g.base);
	snprintf(rdir, sizeof(rdir), "%s/r", g.base);
	/* The standby first: stopped after its primary it would wait for it. */
	if (tool) {
		itest_run_program(&status, stop_replica, NULL, "/dev/null", REPLICA_TOOL_TIMEOUT_MS);
		itest_run_program(&status, stop_primary, NULL, "/dev/null", REPLICA_TOOL_TIMEOUT_MS);
	}
	if (getenv("SANXIANG_KEEP_TEST_DIR")) {
		fprintf(stderr, "replica: kept %s\n", g.base);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.base);
	if (system(cmd) != 0)
		fprintf(stderr, "replica: cannot remove %s\n", g.base);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_public_pages_come_from_the_replica_and_staff_reads_from_the_primary),
		cmocka_unit_test(
			test_public_pages_fall_back_to_the_primary_when_the_replica_is_down),
		cmocka_unit_test(test_serve_refuses_a_replica_for_a_sqlite_database),
	};
	char keys[96];
	int rc = 1;

	if (setup() == 0) {
		const char *extra[] = {"--db",         g.dsn, "--key-dir", keys, "--db-replica",
				       g.replica_dsn, NULL};

		snprintf(keys, sizeof(keys), "%s/keys", g.base);
		rc = ITEST_RUN_GROUP_AS_MAIN("replica", tests, extra);
	}
	teardown();
	return rc;
}
