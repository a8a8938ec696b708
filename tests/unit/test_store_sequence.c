/*
 * Numbers that must have no gaps and no duplicates — list version numbers
 * now, document numbers (文号) later — taken as max+1 inside a write
 * transaction, under concurrency, on the backend the test runs on
 * (tests/support/testdb: SQLite by default, PostgreSQL in the unit.pg.* twin).
 *
 * Two store handles on the same database stand for two server processes;
 * each runs several threads. Writers are serialised per process (one writer
 * connection, group commit) and across processes by the backend (SQLite:
 * BEGIN IMMEDIATE; PostgreSQL: the advisory lock every sanxiang writer
 * takes, docs/postgresql.md), so max+1 read inside the transaction is always
 * the next free number. The test proves it: 4 threads × 25 versions give
 * exactly 1..100.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "store/store.h"
#include "testdb.h"

#define AGENCY "01J00000000000000000AGENA1"
#define THREADS 4
#define PER_THREAD 25

struct worker {
	struct store *store;
	int failures;            /* transactions that did not commit */
	char first_error[SX_ERROR_CODE_MAX + SX_ERROR_DETAIL_MAX + 2];
};

static int insert_next_version(struct store *st, struct sx_error *err)
{
	struct store_list_version v;
	struct store_tx *tx = NULL;
	int rc;

	memset(&v, 0, sizeof(v));
	if ((rc = sx_id_new(v.id)) < 0)
		return rc;
	snprintf(v.agency_id, sizeof(v.agency_id), AGENCY);
	snprintf(v.status, sizeof(v.status), "pending");
	snprintf(v.effective_from, sizeof(v.effective_from), "2027-01-01");
	snprintf(v.summary, sizeof(v.summary), "并发测试");
	snprintf(v.content_sha256, sizeof(v.content_sha256), "%064d", 0);
	sx_time_format_utc(v.created_at, sx_time_now_us());
	snprintf(v.created_by, sizeof(v.created_by), "cli:test");
	if ((rc = store_begin(&tx, st, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_list_version_max(&v.version, tx, AGENCY, err)) == 0) {
		v.version++;
		rc = store_list_version_insert(tx, &v, err);
	}
	if (rc < 0) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct sx_error err;

		sx_error_clear(&err);
		if (insert_next_version(w->store, &err) < 0) {
			if (w->failures++ == 0)
				snprintf(w->first_error, sizeof(w->first_error), "%s %s", err.code,
					 err.detail);
		}
	}
	return NULL;
}

static void test_concurrent_writers_from_two_processes_take_every_number_once(void **state)
{
	char dir[] = "/tmp/sx-seq-XXXXXX";
	char dsn[1024];
	struct store *stores[2] = {NULL, NULL};
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	struct store_list_version *rows = NULL;
	struct store_agency a;
	struct store_tx *tx = NULL;
	struct sx_error err;
	size_t count = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	sx_error_clear(&err);
	assert_int_equal(testdb_create(dsn, sizeof(dsn), dir, &err), 0);
	assert_int_equal(store_create(dsn, &err), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(store_open(&stores[i], dsn, NULL, &err), 0);

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), AGENCY);
	snprintf(a.name, sizeof(a.name), "示例市市场监督管理局");
	snprintf(a.credit_code, sizeof(a.credit_code), "11330100MB0000001X");
	snprintf(a.level, sizeof(a.level), "city");
	snprintf(a.region_code, sizeof(a.region_code), "330100");
	a.active = true;
	sx_time_format_utc(a.created_at, sx_time_now_us());
	snprintf(a.created_by, sizeof(a.created_by), "cli:test");
	assert_int_equal(store_begin(&tx, stores[0], STORE_TX_WRITE, &err), 0);
	assert_int_equal(store_agency_insert(tx, &a, &err), 0);
	assert_int_equal(store_commit(tx, &err), 0);

	for (int i = 0; i < THREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].store = stores[i % 2];
		assert_int_equal(pthread_create(&threads[i], NULL, worker_run, &workers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		if (workers[i].failures > 0)
			fail_msg("thread %d: %d transactions failed, first: %s", i, workers[i].failures,
				 workers[i].first_error);
	}

	assert_int_equal(store_begin(&tx, stores[1], STORE_TX_READ, &err), 0);
	assert_int_equal(store_list_version_list(&rows, &count, tx, AGENCY, true, &err), 0);
	store_rollback(tx);
	assert_int_equal(count, THREADS * PER_THREAD);
	/* Newest first: THREADS*PER_THREAD down to 1, each once. */
	for (size_t i = 0; i < count; i++)
		assert_int_equal(rows[i].version, (int64_t)(count - i));
	sx_free(rows);
	for (int i = 0; i < 2; i++)
		store_close(stores[i]);
	testdb_drop(dsn);
	{
		char path[1100];

		/* The SQLite file and its WAL; nothing for PostgreSQL. */
		snprintf(path, sizeof(path), "%s/test.db", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/test.db-wal", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/test.db-shm", dir);
		unlink(path);
		rmdir(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_writers_from_two_processes_take_every_number_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
