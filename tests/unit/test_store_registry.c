/*
 * Unit tests for the registry part of store/ on both backends: agencies' public
 * fields (duties, address, phone, complaint channel) round-trip through
 * insert, get and list; an officer's photo hash round-trips; and the public
 * officer list (store_officer_list, store_officer_list_count) filters by
 * agency, by name substring and by certificate-number prefix, treats the
 * SQL-special characters % _ ' \ in a query as plain text, pages with limit
 * and offset in a stable order (agency, then certificate number), refuses bad
 * filters, and cleans up when an allocation fails (ASan reports leaks).
 *
 * The public row type has no id_number field at all; the test proves it by
 * checking that no byte of a stored ID number appears anywhere in the rows.
 *
 * Every test makes its own database with tests/support/testdb (a file in a
 * fresh mkdtemp directory under $TMPDIR or /tmp, or a fresh PostgreSQL database
 * when SANXIANG_TEST_BACKEND=postgresql) and removes both afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/error.h"
#include "base/mem.h"
#include "store/store.h"
#include "testdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
/* Region 110101 sorts before 330100, so agency A's officers come first. */
#define AGENCY_A "01J00000000000000000AGENA1"
#define AGENCY_B "01J00000000000000000AGENB2"
#define ID_NUMBER_PREFIX "1101051949123"

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
	char path[PATH_MAX];
	struct store *st;
};

struct officer_row {
	const char *agency_id;
	const char *name;
	const char *cert_no;
	const char *status;
};

/* Names and numbers chosen so that LIKE wildcards would match too much if
 * they were not escaped: "100%" must not match "1000", "a_b" not "axb". */
static const struct officer_row officer_rows[] = {
	{AGENCY_A, "张明", "A-0001", "active"},
	{AGENCY_A, "张小明", "A-0002", "suspended"},
	{AGENCY_A, "李华", "A-0003", "revoked"},
	{AGENCY_A, "100%达标", "A-1000", "active"},
	{AGENCY_A, "1000号", "A-1001", "active"},
	{AGENCY_B, "a_b", "B-0001", "active"},
	{AGENCY_B, "axb", "B-0002", "active"},
	{AGENCY_B, "O'Brien", "B-0003", "active"},
	{AGENCY_B, "back\\slash", "B-0004", "active"},
};

/* ---- fixture ---- */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char file[PATH_MAX];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(dir);
}

static void agency_fill(struct store_agency *a, const char *id, const char *credit_code,
			const char *name, const char *region_code)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->credit_code, sizeof(a->credit_code), "%s", credit_code);
	snprintf(a->level, sizeof(a->level), "county");
	snprintf(a->region_code, sizeof(a->region_code), "%s", region_code);
	a->active = true;
	snprintf(a->created_at, sizeof(a->created_at), T0);
	snprintf(a->created_by, sizeof(a->created_by), "cli:root");
}

static void officer_fill(struct store_officer *o, size_t i)
{
	const struct officer_row *r = &officer_rows[i];

	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "01J00000000000000000OFF%03zu", i);
	snprintf(o->agency_id, sizeof(o->agency_id), "%s", r->agency_id);
	snprintf(o->name, sizeof(o->name), "%s", r->name);
	snprintf(o->cert_no, sizeof(o->cert_no), "%s", r->cert_no);
	snprintf(o->cert_type, sizeof(o->cert_type), "行政执法证");
	snprintf(o->field, sizeof(o->field), "市场监管");
	snprintf(o->valid_from, sizeof(o->valid_from), "2025-01-01");
	snprintf(o->valid_to, sizeof(o->valid_to), "2030-12-31");
	snprintf(o->status, sizeof(o->status), "%s", r->status);
	snprintf(o->id_number, sizeof(o->id_number), ID_NUMBER_PREFIX "%04zu1", i);
	snprintf(o->created_at, sizeof(o->created_at), T0);
	snprintf(o->created_by, sizeof(o->created_by), "cli:root");
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx;
	struct store_tx *tx = NULL;
	struct store_agency a, b;
	struct sx_error err;

	sx_mem_fail_after(-1);
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_registry_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	sx_error_clear(&err);
	if (testdb_create(fx->path, sizeof(fx->path), fx->dir, &err) < 0 ||
	    store_create(fx->path, &err) < 0 || store_open(&fx->st, fx->path, NULL, &err) < 0)
		goto fail;
	agency_fill(&a, AGENCY_A, "11110101MB0000001A", "甲区市场监督管理局", "110101");
	agency_fill(&b, AGENCY_B, "11330100MB0000002B", "乙市生态环境局", "330100");
	snprintf(a.duties, sizeof(a.duties), "负责本区市场监管。\n查处违法行为。");
	snprintf(a.address, sizeof(a.address), "甲区人民路 1 号");
	snprintf(a.phone, sizeof(a.phone), "010-12345678");
	snprintf(a.complaint_channel, sizeof(a.complaint_channel), "投诉举报电话 12315");
	if (store_begin(&tx, fx->st, STORE_TX_WRITE, &err) < 0 ||
	    store_agency_insert(tx, &a, &err) < 0 || store_agency_insert(tx, &b, &err) < 0)
		goto fail;
	for (size_t i = 0; i < ARRAY_LEN(officer_rows); i++) {
		struct store_officer o;

		officer_fill(&o, i);
		if (i == 0)
			snprintf(o.photo_sha256, sizeof(o.photo_sha256), "%064d", 7);
		if (store_officer_insert(tx, &o, &err) < 0)
			goto fail;
	}
	if (store_commit(tx, &err) < 0) {
		tx = NULL;
		goto fail;
	}
	return 0;
fail:
	print_message("setup: %s %s\n", err.code, err.detail);
	store_rollback(tx);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sx_mem_fail_after(-1);
	if (fx == NULL)
		return 0;
	store_close(fx->st);
	testdb_drop(fx->path);
	remove_dir(fx->dir);
	free(fx);
	return 0;
}

/* Runs the list and the count with one filter in a read transaction. */
static void list(struct store *st, const char *agency_id, const char *query, int64_t limit,
		 int64_t offset, struct store_officer_public **rows, size_t *count, int64_t *total)
{
	struct store_officer_filter f = {agency_id, query, limit, offset};
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, st, STORE_TX_READ, &err), &err);
	assert_ok(store_officer_list(rows, count, tx, &f, &err), &err);
	assert_ok(store_officer_list_count(total, tx, &f, &err), &err);
	store_rollback(tx);
}

/* The certificate numbers of rows joined by ',' for one comparison per case. */
static void certs_of(char *out, size_t size, const struct store_officer_public *rows, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? "," : "", rows[i].cert_no);

		assert_true(w > 0 && (size_t)w < size - used);
		used += (size_t)w;
	}
}

/* ---- tests ---- */

static void test_agency_public_fields_round_trip_through_get_and_list(void **state)
{
	struct fixture *fx = *state;
	struct store_agency *got = calloc(1, sizeof(*got)), *all = NULL;
	struct store_tx *tx = NULL;
	struct sx_error err;
	size_t n = 0;

	assert_non_null(got);
	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_agency_get(got, tx, AGENCY_A, &err), &err);
	assert_string_equal(got->duties, "负责本区市场监管。\n查处违法行为。");
	assert_string_equal(got->address, "甲区人民路 1 号");
	assert_string_equal(got->phone, "010-12345678");
	assert_string_equal(got->complaint_channel, "投诉举报电话 12315");
	/* Not filled in reads as "", never as garbage. */
	assert_ok(store_agency_get(got, tx, AGENCY_B, &err), &err);
	assert_string_equal(got->duties, "");
	assert_string_equal(got->phone, "");
	assert_ok(store_agency_list(&all, &n, tx, &err), &err);
	store_rollback(tx);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].id, AGENCY_A);
	assert_string_equal(all[0].complaint_channel, "投诉举报电话 12315");
	sx_free(all);
	free(got);
}

static void test_officer_photo_hash_round_trips_and_empty_means_none(void **state)
{
	struct fixture *fx = *state;
	struct store_officer o;
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	assert_ok(store_officer_get_by_cert(&o, tx, "A-0001", &err), &err);
	assert_int_equal(strlen(o.photo_sha256), 64);
	assert_ok(store_officer_get_by_cert(&o, tx, "A-0002", &err), &err);
	assert_string_equal(o.photo_sha256, "");
	store_rollback(tx);
}

static void test_officer_list_filters_by_agency_name_and_cert_prefix(void **state)
{
	static const struct {
		const char *agency_id;
		const char *query;
		const char *want;  /* certificate numbers in order */
	} cases[] = {
		{NULL, NULL, "A-0001,A-0002,A-0003,A-1000,A-1001,B-0001,B-0002,B-0003,B-0004"},
		{NULL, "", "A-0001,A-0002,A-0003,A-1000,A-1001,B-0001,B-0002,B-0003,B-0004"},
		{AGENCY_B, NULL, "B-0001,B-0002,B-0003,B-0004"},
		{NULL, "明", "A-0001,A-0002"},            /* name substring */
		{NULL, "小明", "A-0002"},
		{NULL, "张", "A-0001,A-0002"},            /* name prefix */
		{NULL, "A-000", "A-0001,A-0002,A-0003"},  /* certificate prefix */
		{NULL, "A-1000", "A-1000"},
		{NULL, "0001", ""},                       /* not a prefix of any number */
		{AGENCY_B, "明", ""},                     /* both conditions hold */
		{AGENCY_A, "A-00", "A-0001,A-0002,A-0003"},
		{"01J00000000000000000NOSUCH", NULL, ""},
		/* SQL-special characters are plain text. */
		{NULL, "%", "A-1000"},                    /* only the name holding a % */
		{NULL, "100%", "A-1000"},                 /* not "1000号" */
		{NULL, "_", "B-0001"},                    /* only "a_b" */
		{NULL, "a_b", "B-0001"},                  /* not "axb" */
		{NULL, "'", "B-0003"},
		{NULL, "O'B", "B-0003"},
		{NULL, "\\", "B-0004"},
		{NULL, "k\\s", "B-0004"},
		{NULL, "' OR '1'='1", ""},
		{NULL, "%%", ""},
		{NULL, "A-%", ""},                        /* % is no wildcard in the prefix either */
		{NULL, "B_0", ""},                        /* _ is no wildcard in the prefix */
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_officer_public *rows = NULL;
		size_t n = 99;
		int64_t total = -1;
		char got[512];

		list(fx->st, cases[i].agency_id, cases[i].query, 100, 0, &rows, &n, &total);
		certs_of(got, sizeof(got), rows, n);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (query \"%s\"): got \"%s\", want \"%s\"", i,
				 cases[i].query ? cases[i].query : "(null)", got, cases[i].want);
		assert_int_equal(total, (int64_t)n);
		if (n == 0)
			assert_null(rows);
		sx_free(rows);
	}
}

static void test_officer_list_rows_carry_agency_name_and_public_fields(void **state)
{
	struct fixture *fx = *state;
	struct store_officer_public *rows = NULL;
	size_t n = 0;
	int64_t total = 0;

	list(fx->st, NULL, "A-0002", 10, 0, &rows, &n, &total);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].agency_id, AGENCY_A);
	assert_string_equal(rows[0].agency_name, "甲区市场监督管理局");
	assert_string_equal(rows[0].name, "张小明");
	assert_string_equal(rows[0].cert_type, "行政执法证");
	assert_string_equal(rows[0].field, "市场监管");
	assert_string_equal(rows[0].valid_from, "2025-01-01");
	assert_string_equal(rows[0].valid_to, "2030-12-31");
	assert_string_equal(rows[0].status, "suspended");
	assert_string_equal(rows[0].photo_sha256, "");
	sx_free(rows);
}

static void test_officer_list_rows_hold_no_id_number_bytes(void **state)
{
	struct fixture *fx = *state;
	struct store_officer_public *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	const char *needle = ID_NUMBER_PREFIX;

	list(fx->st, NULL, NULL, 100, 0, &rows, &n, &total);
	assert_int_equal(n, ARRAY_LEN(officer_rows));
	/* Search the raw bytes, padding included: the secret must not be
	 * anywhere in what the public list hands upward. */
	for (size_t off = 0; off + strlen(needle) <= n * sizeof(*rows); off++)
		assert_false(memcmp((const char *)rows + off, needle, strlen(needle)) == 0);
	sx_free(rows);
}

static void test_officer_list_pages_with_limit_and_offset(void **state)
{
	static const struct {
		int64_t limit, offset;
		const char *want;
	} cases[] = {
		{4, 0, "A-0001,A-0002,A-0003,A-1000"},
		{4, 4, "A-1001,B-0001,B-0002,B-0003"},
		{4, 8, "B-0004"},
		{4, 12, ""},
		{1, 5, "B-0001"},
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_officer_public *rows = NULL;
		size_t n = 0;
		int64_t total = 0;
		char got[256];

		list(fx->st, NULL, NULL, cases[i].limit, cases[i].offset, &rows, &n, &total);
		certs_of(got, sizeof(got), rows, n);
		assert_string_equal(got, cases[i].want);
		/* The total ignores paging. */
		assert_int_equal(total, (int64_t)ARRAY_LEN(officer_rows));
		sx_free(rows);
	}
}

static void test_officer_list_refuses_bad_paging(void **state)
{
	static const struct {
		int64_t limit, offset;
	} cases[] = {{0, 0}, {-1, 0}, {10, -1}};
	struct fixture *fx = *state;
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, STORE_TX_READ, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_officer_filter f = {NULL, NULL, cases[i].limit, cases[i].offset};
		struct store_officer_public *rows = (void *)&f;
		size_t n = 7;

		assert_int_equal(store_officer_list(&rows, &n, tx, &f, &err), SX_EINVALID);
		assert_null(rows);
		assert_int_equal(n, 0);
	}
	{
		struct store_officer_public *rows = NULL;
		size_t n = 0;
		int64_t total = 0;

		assert_int_equal(store_officer_list(&rows, &n, tx, NULL, &err), SX_EINVALID);
		assert_int_equal(store_officer_list_count(&total, tx, NULL, &err), SX_EINVALID);
	}
	store_rollback(tx);
}

static void test_officer_list_cleans_up_when_allocation_fails(void **state)
{
	struct fixture *fx = *state;
	bool succeeded = false;

	for (int n = 0; n < 50 && !succeeded; n++) {
		struct store_officer_filter f = {NULL, "A-", 100, 0};
		struct store_officer_public *rows = NULL;
		struct store_tx *tx = NULL;
		struct sx_error err;
		size_t count = 0;
		int64_t total = 0;
		int rc;

		if (store_begin(&tx, fx->st, STORE_TX_READ, &err) < 0)
			continue;
		sx_mem_fail_after(n);
		rc = store_officer_list(&rows, &count, tx, &f, &err);
		if (rc < 0) {
			sx_mem_fail_after(-1);
			store_rollback(tx);
			assert_int_equal(rc, SX_ENOMEM);
			assert_null(rows);
			assert_int_equal(count, 0);
			continue;
		}
		rc = store_officer_list_count(&total, tx, &f, &err);
		sx_mem_fail_after(-1);
		store_rollback(tx);
		sx_free(rows);
		if (rc < 0) {
			assert_int_equal(rc, SX_ENOMEM);
			continue;
		}
		succeeded = true;
		assert_int_equal(count, 5);
		assert_int_equal(total, 5);
	}
	assert_true(succeeded);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_agency_public_fields_round_trip_through_get_and_list),
		T(test_officer_photo_hash_round_trips_and_empty_means_none),
		T(test_officer_list_filters_by_agency_name_and_cert_prefix),
		T(test_officer_list_rows_carry_agency_name_and_public_fields),
		T(test_officer_list_rows_hold_no_id_number_bytes),
		T(test_officer_list_pages_with_limit_and_offset),
		T(test_officer_list_refuses_bad_paging),
		T(test_officer_list_cleans_up_when_allocation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
