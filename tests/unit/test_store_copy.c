/*
 * store_copy (`sanxiang migrate-store` underneath): the table list covers the
 * schema, a copy carries every row (NULLs as NULL, small batches), and a
 * destination that holds rows is refused. Runs on the backend of
 * tests/support/testdb (SQLite, and PostgreSQL in the unit.pg.* twin); the
 * SQLite ⇄ PostgreSQL round trip is tests/integration/test_migrate_store.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/mem.h"
#include "base/time.h"
#include "store/db.h"
#include "store/store.h"
#include "testdb.h"

#define AGENCY "01J00000000000000000AGENA1"

struct copy_db {
	char dir[32];
	char dsn[TESTDB_DSN_MAX];
	struct store *st;
};

static void copy_db_make(struct copy_db *d)
{
	struct sx_error err;

	snprintf(d->dir, sizeof(d->dir), "/tmp/sx-copy-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	sx_error_clear(&err);
	assert_int_equal(testdb_create(d->dsn, sizeof(d->dsn), d->dir, &err), 0);
	assert_int_equal(store_create(d->dsn, &err), 0);
	assert_int_equal(store_open(&d->st, d->dsn, NULL, &err), 0);
}

static void copy_db_remove(struct copy_db *d)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char path[128];

	store_close(d->st);
	testdb_drop(d->dsn);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/test.db%s", d->dir, suffixes[i]);
		unlink(path);
	}
	rmdir(d->dir);
}

/* One agency, officer_count officers (every other one with user_id NULL) and an audit event. */
static void fill(struct store *st, int officer_count)
{
	struct store_agency a;
	struct store_tx *tx = NULL;
	struct store_audit ev = {"cli:test", "test.fill", "agency", AGENCY, NULL};
	struct sx_error err;

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), AGENCY);
	snprintf(a.name, sizeof(a.name), "示例市市场监督管理局");
	snprintf(a.credit_code, sizeof(a.credit_code), "11330100MB0000001X");
	snprintf(a.level, sizeof(a.level), "city");
	snprintf(a.region_code, sizeof(a.region_code), "330100");
	snprintf(a.duties, sizeof(a.duties), "负责市场监督管理。\n含换行与'引号'");
	a.active = true;
	sx_time_format_utc(a.created_at, sx_time_now_us());
	snprintf(a.created_by, sizeof(a.created_by), "cli:test");
	sx_error_clear(&err);
	assert_int_equal(store_begin(&tx, st, STORE_TX_WRITE, &err), 0);
	assert_int_equal(store_agency_insert(tx, &a, &err), 0);
	for (int i = 0; i < officer_count; i++) {
		struct store_officer o;

		memset(&o, 0, sizeof(o));
		snprintf(o.id, sizeof(o.id), "01J000000000000000OFFC%04d", i % 10000);
		snprintf(o.agency_id, sizeof(o.agency_id), AGENCY);
		snprintf(o.name, sizeof(o.name), "执法人员%d", i);
		snprintf(o.cert_no, sizeof(o.cert_no), "330100%08d", i % 100000000);
		snprintf(o.cert_type, sizeof(o.cert_type), "行政执法证");
		snprintf(o.field, sizeof(o.field), "市场监管");
		snprintf(o.valid_from, sizeof(o.valid_from), "2024-01-01");
		snprintf(o.valid_to, sizeof(o.valid_to), "2028-12-31");
		snprintf(o.status, sizeof(o.status), "active");
		snprintf(o.id_number, sizeof(o.id_number), "33010519900101%04d", i % 10000);
		if (i % 2)
			snprintf(o.photo_sha256, sizeof(o.photo_sha256), "%064d", i);
		snprintf(o.created_at, sizeof(o.created_at), "%s", a.created_at);
		snprintf(o.created_by, sizeof(o.created_by), "cli:test");
		assert_int_equal(store_officer_insert(tx, &o, &err), 0);
	}
	assert_int_equal(store_audit_append(tx, &ev, &err), 0);
	assert_int_equal(store_commit(tx, &err), 0);
}

static int64_t rows_of(struct store *st, const char *table)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	sx_error_clear(&err);
	assert_int_equal(store_begin(&tx, st, STORE_TX_READ, &err), 0);
	assert_int_equal(store_table_row_count(&n, tx, table, &err), 0);
	store_rollback(tx);
	return n;
}

static void count_progress(const char *table, int64_t rows, bool table_done, void *ctx)
{
	int *calls = ctx;

	(void)table;
	(void)rows;
	(void)table_done;
	(*calls)++;
}

static void test_copy_list_names_every_table_of_a_fresh_database(void **state)
{
	struct copy_db d;
	struct store_tx *tx = NULL;
	struct sx_error err;
	char unlisted[64] = "x";

	(void)state;
	copy_db_make(&d);
	sx_error_clear(&err);
	assert_int_equal(store_begin(&tx, d.st, STORE_TX_READ, &err), 0);
	assert_int_equal(store_copy_unlisted_table(unlisted, sizeof(unlisted), tx, &err), 0);
	store_rollback(tx);
	if (unlisted[0] != '\0')
		fail_msg("table %s is missing from store_copy__tables (src/store/store_copy.c)",
		         unlisted);
	copy_db_remove(&d);
}

static void test_copy_list_check_reports_a_table_added_outside_the_list(void **state)
{
	struct copy_db d;
	struct store_tx *tx = NULL;
	struct db *db = NULL;
	struct sx_error err;
	char unlisted[64] = "";

	(void)state;
	copy_db_make(&d);
	sx_error_clear(&err);
	assert_int_equal(db_open(&db, d.dsn, DB_OPEN_READ_WRITE, false, 5000, &err), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE zz_new_feature (id TEXT PRIMARY KEY)", &err), 0);
	db_close(db);
	assert_int_equal(store_begin(&tx, d.st, STORE_TX_READ, &err), 0);
	assert_int_equal(store_copy_unlisted_table(unlisted, sizeof(unlisted), tx, &err), 0);
	store_rollback(tx);
	assert_string_equal(unlisted, "zz_new_feature");
	copy_db_remove(&d);
}

static void test_copy_carries_every_row_in_small_batches(void **state)
{
	struct copy_db src;
	struct copy_db dst;
	struct store_officer o;
	struct store_agency a;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int calls = 0;

	(void)state;
	copy_db_make(&src);
	copy_db_make(&dst);
	fill(src.st, 5);
	sx_error_clear(&err);
	assert_int_equal(store_copy(dst.st, src.st, 2, count_progress, &calls, &err), 0);
	for (size_t i = 0; i < store_copy_table_count(); i++)
		assert_int_equal(rows_of(dst.st, store_copy_table_name(i)),
		                 rows_of(src.st, store_copy_table_name(i)));
	assert_int_equal(rows_of(dst.st, "officer"), 5);
	/* 5 officers in batches of 2: two batch reports and one end report; one end per table. */
	assert_int_equal(calls, (int)store_copy_table_count() + 2);

	assert_int_equal(store_begin(&tx, dst.st, STORE_TX_READ, &err), 0);
	assert_int_equal(store_agency_get(&a, tx, AGENCY, &err), 0);
	assert_string_equal(a.duties, "负责市场监督管理。\n含换行与'引号'");
	assert_true(a.active);
	assert_int_equal(store_officer_get_by_cert(&o, tx, "33010000000001", &err), 0);
	assert_string_equal(o.photo_sha256,
	                    "0000000000000000000000000000000000000000000000000000000000000001");
	assert_int_equal(store_officer_get_by_cert(&o, tx, "33010000000002", &err), 0);
	assert_string_equal(o.photo_sha256, "");
	store_rollback(tx);
	copy_db_remove(&src);
	copy_db_remove(&dst);
}

static void test_copy_into_a_database_with_rows_is_refused(void **state)
{
	struct copy_db src;
	struct copy_db dst;
	struct sx_error err;

	(void)state;
	copy_db_make(&src);
	copy_db_make(&dst);
	fill(src.st, 1);
	fill(dst.st, 0);
	sx_error_clear(&err);
	assert_int_equal(store_copy(dst.st, src.st, 1000, NULL, NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "destination_not_empty");
	assert_int_equal(rows_of(dst.st, "officer"), 0);
	copy_db_remove(&src);
	copy_db_remove(&dst);
}

static void test_copy_with_bad_arguments_is_refused(void **state)
{
	struct copy_db d;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = 0;

	(void)state;
	copy_db_make(&d);
	sx_error_clear(&err);
	assert_int_equal(store_copy(d.st, d.st, 10, NULL, NULL, &err), SX_EINVALID);
	assert_int_equal(store_copy(NULL, d.st, 10, NULL, NULL, &err), SX_EINVALID);
	assert_int_equal(store_copy(d.st, NULL, 10, NULL, NULL, &err), SX_EINVALID);
	assert_int_equal(store_begin(&tx, d.st, STORE_TX_READ, &err), 0);
	assert_int_equal(store_table_row_count(&n, tx, "agency; DROP TABLE agency", &err),
	                 SX_EINVALID);
	assert_int_equal(store_table_row_count(&n, tx, "schema_version", &err), 0);
	assert_true(n >= 1);
	store_rollback(tx);
	assert_null(store_copy_table_name(store_copy_table_count()));
	assert_string_equal(store_copy_table_name(0), "agency");
	copy_db_remove(&d);
}

static void test_copy_out_of_memory_fails_cleanly(void **state)
{
	struct copy_db src;
	struct sx_error err;
	int failures = 0;

	(void)state;
	copy_db_make(&src);
	fill(src.st, 3);
	/* Each attempt needs a fresh destination: a failed copy leaves rows behind (few
	 * attempts: on PostgreSQL each destination is a CREATE DATABASE plus migrations). */
	for (long n = 0; n < 200; n += 17) {
		struct copy_db dst;
		int rc;

		copy_db_make(&dst);
		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = store_copy(dst.st, src.st, 2, NULL, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc < 0)
			failures++;
		copy_db_remove(&dst);
	}
	assert_true(failures > 0);
	copy_db_remove(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_copy_list_names_every_table_of_a_fresh_database),
	        cmocka_unit_test(test_copy_list_check_reports_a_table_added_outside_the_list),
	        cmocka_unit_test(test_copy_carries_every_row_in_small_batches),
	        cmocka_unit_test(test_copy_into_a_database_with_rows_is_refused),
	        cmocka_unit_test(test_copy_with_bad_arguments_is_refused),
	        cmocka_unit_test(test_copy_out_of_memory_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
