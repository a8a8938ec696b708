/*
 * Unit tests for store/store_case (执法全过程记录, sql 0007) on both backends:
 * every row struct round-trips through insert and get with all its fields; a
 * case number is unique per agency only; a stage update against a stale stage
 * is refused and changes nothing; the case list filters by each field of
 * store_case_filter and its count agrees; 文号 counters count 1, 2, 3 per
 * (agency, word, year) and a rollback gives the number back; records read
 * with and without their bodies; an upload finishes once; evidence deletion
 * shows in the rows and in the blob reference count; the 调阅 log filters and
 * orders newest first; settings upsert; the history tables refuse UPDATE and
 * DELETE in the database itself; and the functions that allocate clean up
 * when an allocation fails (ASan reports leaks).
 *
 * Every test makes its own database with tests/support/testdb (a file in a
 * fresh mkdtemp directory, or a fresh PostgreSQL database when
 * SANXIANG_TEST_BACKEND=postgresql) with two agencies and three officers
 * inserted through the store, and removes both afterwards.
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
#include "store/db.h"
#include "store/store.h"
#include "testdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define AGENCY_A "01J00000000000000000AGENA1" /* region 110101 */
#define AGENCY_B "01J00000000000000000AGENB2" /* region 330100 */
#define OFFICER_1 "01J00000000000000000OFF001" /* agency A, cert A-0002 */
#define OFFICER_2 "01J00000000000000000OFF002" /* agency A, cert A-0001 */
#define OFFICER_3 "01J00000000000000000OFF003" /* agency B, cert B-0001 */
#define CASE_1 "01J00000000000000000CASE01"
#define CASE_2 "01J00000000000000000CASE02"
#define CASE_3 "01J00000000000000000CASE03"
#define CASE_4 "01J00000000000000000CASE04"
#define CASE_5 "01J00000000000000000CASE05"
#define CASE_6 "01J00000000000000000CASE06"

#define assert_ok(expr, errp)                                                                      \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != 0)                                                                     \
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,            \
				      (errp)->detail);                                             \
		assert_int_equal(rc__, 0);                                                         \
	} while (0)

/* Expects rc and, when code is not NULL, that error code. */
#define assert_fails(expr, want_rc, want_code, errp)                                               \
	do {                                                                                       \
		int rc__;                                                                          \
		sx_error_clear(errp);                                                              \
		rc__ = (expr);                                                                     \
		if (rc__ != (want_rc))                                                             \
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,            \
				      (errp)->detail);                                             \
		assert_int_equal(rc__, (want_rc));                                                 \
		if ((want_code) != NULL)                                                           \
			assert_string_equal((errp)->code, (const char *)(want_code));             \
	} while (0)

struct fixture {
	char dir[PATH_MAX - 32];
	char path[PATH_MAX];
	struct store *st;
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

static void officer_fill(struct store_officer *o, const char *id, const char *agency_id,
			 const char *name, const char *cert_no)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->agency_id, sizeof(o->agency_id), "%s", agency_id);
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->cert_no, sizeof(o->cert_no), "%s", cert_no);
	snprintf(o->cert_type, sizeof(o->cert_type), "行政执法证");
	snprintf(o->field, sizeof(o->field), "市场监管");
	snprintf(o->valid_from, sizeof(o->valid_from), "2025-01-01");
	snprintf(o->valid_to, sizeof(o->valid_to), "2030-12-31");
	snprintf(o->status, sizeof(o->status), "active");
	snprintf(o->id_number, sizeof(o->id_number), "11010519491231%s", cert_no + 2);
	snprintf(o->created_at, sizeof(o->created_at), T0);
	snprintf(o->created_by, sizeof(o->created_by), "cli:root");
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx;
	struct store_tx *tx = NULL;
	struct store_agency a, b;
	struct store_officer o;
	struct sx_error err;

	sx_mem_fail_after(-1);
	sx_error_clear(&err);
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_case_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	if (testdb_create(fx->path, sizeof(fx->path), fx->dir, &err) < 0 ||
	    store_create(fx->path, &err) < 0 || store_open(&fx->st, fx->path, NULL, &err) < 0)
		goto fail;
	agency_fill(&a, AGENCY_A, "11110101MB0000001A", "甲区市场监督管理局", "110101");
	agency_fill(&b, AGENCY_B, "11330100MB0000002B", "乙市生态环境局", "330100");
	if (store_begin(&tx, fx->st, STORE_TX_WRITE, &err) < 0 ||
	    store_agency_insert(tx, &a, &err) < 0 || store_agency_insert(tx, &b, &err) < 0)
		goto fail;
	officer_fill(&o, OFFICER_1, AGENCY_A, "张明", "A-0002");
	snprintf(o.photo_sha256, sizeof(o.photo_sha256), "%064d", 7);
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
	officer_fill(&o, OFFICER_2, AGENCY_A, "李华", "A-0001");
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
	officer_fill(&o, OFFICER_3, AGENCY_B, "王芳", "B-0001");
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
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

static struct store_tx *begin(struct fixture *fx, enum store_tx_mode mode)
{
	struct store_tx *tx = NULL;
	struct sx_error err;

	assert_ok(store_begin(&tx, fx->st, mode, &err), &err);
	return tx;
}

static void commit(struct store_tx *tx)
{
	struct sx_error err;

	assert_ok(store_commit(tx, &err), &err);
}

/* A case with every field set to something distinct. */
static void case_fill(struct store_case *c, const char *id, const char *agency_id,
		      const char *case_no, const char *stage, const char *created_at)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->agency_id, sizeof(c->agency_id), "%s", agency_id);
	snprintf(c->case_no, sizeof(c->case_no), "%s", case_no);
	snprintf(c->kind, sizeof(c->kind), "penalty");
	snprintf(c->procedure, sizeof(c->procedure), "general");
	snprintf(c->matter_code, sizeof(c->matter_code), "330217001000");
	snprintf(c->matter_name, sizeof(c->matter_name), "对销售不符合安全标准的食品的处罚");
	c->list_version = 3;
	snprintf(c->cause, sizeof(c->cause), "涉嫌销售过期食品案");
	snprintf(c->party_type, sizeof(c->party_type), "person");
	snprintf(c->party_name, sizeof(c->party_name), "赵某");
	snprintf(c->party_id_code, sizeof(c->party_id_code), "110105194912310021");
	snprintf(c->party_phone, sizeof(c->party_phone), "13800000000");
	snprintf(c->party_address, sizeof(c->party_address), "甲区人民路 2 号");
	snprintf(c->stage, sizeof(c->stage), "%s", stage);
	c->major = true;
	c->hearing_requested = false;
	snprintf(c->started_on, sizeof(c->started_on), "2026-01-05");
	snprintf(c->due_on, sizeof(c->due_on), "2026-04-05");
	c->extension_days = 0;
	snprintf(c->created_at, sizeof(c->created_at), "%s", created_at);
	snprintf(c->created_by, sizeof(c->created_by), "01J00000000000000000USER01");
	snprintf(c->updated_at, sizeof(c->updated_at), "%s", created_at);
}

static void insert_case(struct fixture *fx, const struct store_case *c)
{
	struct store_tx *tx = begin(fx, STORE_TX_WRITE);
	struct sx_error err;

	assert_ok(store_case_insert(tx, c, &err), &err);
	commit(tx);
}

/* CASE_1 of agency A, stage "investigation". */
static void insert_case_1(struct fixture *fx)
{
	struct store_case c;

	case_fill(&c, CASE_1, AGENCY_A, "示市监案〔2026〕1号", "investigation",
		  "2026-01-05T01:00:00.000000Z");
	insert_case(fx, &c);
}

static void assert_case_equal(const struct store_case *got, const struct store_case *want)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->agency_id, want->agency_id);
	assert_string_equal(got->case_no, want->case_no);
	assert_string_equal(got->kind, want->kind);
	assert_string_equal(got->procedure, want->procedure);
	assert_string_equal(got->matter_code, want->matter_code);
	assert_string_equal(got->matter_name, want->matter_name);
	assert_int_equal(got->list_version, want->list_version);
	assert_string_equal(got->cause, want->cause);
	assert_string_equal(got->party_type, want->party_type);
	assert_string_equal(got->party_name, want->party_name);
	assert_string_equal(got->party_id_code, want->party_id_code);
	assert_string_equal(got->party_phone, want->party_phone);
	assert_string_equal(got->party_address, want->party_address);
	assert_string_equal(got->stage, want->stage);
	assert_int_equal(got->major, want->major);
	assert_int_equal(got->hearing_requested, want->hearing_requested);
	assert_string_equal(got->started_on, want->started_on);
	assert_string_equal(got->due_on, want->due_on);
	assert_int_equal(got->extension_days, want->extension_days);
	assert_string_equal(got->decided_on, want->decided_on);
	assert_string_equal(got->closed_on, want->closed_on);
	assert_string_equal(got->archived_on, want->archived_on);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
	assert_string_equal(got->updated_at, want->updated_at);
}

/* ---- agency case settings ---- */

static void test_case_settings_round_trip_and_a_second_put_replaces_the_first(void **state)
{
	struct fixture *fx = *state;
	struct store_case_settings s = {AGENCY_A, "示市监", T0, "01J00000000000000000USER01"};
	struct store_case_settings got;
	struct store_tx *tx;
	struct sx_error err;

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_case_settings_get(&got, tx, AGENCY_A, &err), SX_ENOTFOUND, NULL, &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_settings_put(tx, &s, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_settings_get(&got, tx, AGENCY_A, &err), &err);
	store_rollback(tx);
	assert_string_equal(got.agency_id, AGENCY_A);
	assert_string_equal(got.doc_prefix, "示市监");
	assert_string_equal(got.updated_at, T0);
	assert_string_equal(got.updated_by, "01J00000000000000000USER01");

	snprintf(s.doc_prefix, sizeof(s.doc_prefix), "示区市监");
	snprintf(s.updated_at, sizeof(s.updated_at), "2026-02-01T00:00:00.000000Z");
	snprintf(s.updated_by, sizeof(s.updated_by), "01J00000000000000000USER02");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_settings_put(tx, &s, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_settings_get(&got, tx, AGENCY_A, &err), &err);
	assert_fails(store_case_settings_get(&got, tx, AGENCY_B, &err), SX_ENOTFOUND, NULL, &err);
	store_rollback(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_settings_get(&got, tx, AGENCY_A, &err), &err);
	store_rollback(tx);
	assert_string_equal(got.doc_prefix, "示区市监");
	assert_string_equal(got.updated_at, "2026-02-01T00:00:00.000000Z");
	assert_string_equal(got.updated_by, "01J00000000000000000USER02");
}

/* ---- cases ---- */

static void test_case_round_trips_every_field_by_id_and_by_case_number(void **state)
{
	struct fixture *fx = *state;
	struct store_case c, got;
	struct store_tx *tx;
	struct sx_error err;

	case_fill(&c, CASE_1, AGENCY_A, "示市监案〔2026〕1号", "investigation",
		  "2026-01-05T01:00:00.000000Z");
	/* Values that differ from the defaults, so that a swapped column shows. */
	c.hearing_requested = true;
	c.extension_days = 30;
	snprintf(c.decided_on, sizeof(c.decided_on), "2026-03-01");
	snprintf(c.closed_on, sizeof(c.closed_on), "2026-03-20");
	snprintf(c.archived_on, sizeof(c.archived_on), "2026-03-30");
	snprintf(c.updated_at, sizeof(c.updated_at), "2026-03-30T08:00:00.000000Z");
	insert_case(fx, &c);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&got, tx, CASE_1, &err), &err);
	assert_case_equal(&got, &c);
	assert_ok(store_case_get_by_no(&got, tx, "示市监案〔2026〕1号", &err), &err);
	assert_case_equal(&got, &c);
	assert_fails(store_case_get(&got, tx, CASE_2, &err), SX_ENOTFOUND, "case_not_found", &err);
	assert_fails(store_case_get(&got, tx, "", &err), SX_ENOTFOUND, "case_not_found", &err);
	assert_fails(store_case_get_by_no(&got, tx, "示市监案〔2026〕2号", &err), SX_ENOTFOUND,
		     "case_not_found", &err);
	/* Writes need a write transaction. */
	assert_fails(store_case_insert(tx, &c, &err), SX_EINTERNAL, NULL, &err);
	store_rollback(tx);
}

static void test_case_number_is_unique_per_agency_only(void **state)
{
	struct fixture *fx = *state;
	struct store_case c, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_case_1(fx);
	case_fill(&c, CASE_2, AGENCY_A, "示市监案〔2026〕1号", "investigation",
		  "2026-01-06T01:00:00.000000Z");
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_case_insert(tx, &c, &err), SX_EEXISTS, "case_no_exists", &err);
	assert_true(err.message[0] != '\0');
	store_rollback(tx);

	/* Another agency may use the same text. */
	snprintf(c.agency_id, sizeof(c.agency_id), AGENCY_B);
	insert_case(fx, &c);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&got, tx, CASE_2, &err), &err);
	assert_string_equal(got.agency_id, AGENCY_B);
	/* The lookup by number alone gives the older one. */
	assert_ok(store_case_get_by_no(&got, tx, "示市监案〔2026〕1号", &err), &err);
	assert_string_equal(got.id, CASE_1);
	store_rollback(tx);
}

static void test_case_update_moves_the_stage_and_rewrites_only_the_changing_columns(void **state)
{
	struct fixture *fx = *state;
	struct store_case c, want, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_case_1(fx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&want, tx, CASE_1, &err), &err);
	store_rollback(tx);

	c = want;
	snprintf(c.stage, sizeof(c.stage), "decided");
	c.major = false;
	c.hearing_requested = true;
	snprintf(c.due_on, sizeof(c.due_on), "2026-05-05");
	c.extension_days = 30;
	snprintf(c.decided_on, sizeof(c.decided_on), "2026-04-01");
	snprintf(c.closed_on, sizeof(c.closed_on), "2026-04-02");
	snprintf(c.archived_on, sizeof(c.archived_on), "2026-04-03");
	snprintf(c.updated_at, sizeof(c.updated_at), "2026-04-01T02:00:00.000000Z");
	/* Columns that never change with the stage: must stay as stored. */
	snprintf(c.cause, sizeof(c.cause), "改写的案由");
	snprintf(c.party_name, sizeof(c.party_name), "改写");
	snprintf(c.case_no, sizeof(c.case_no), "改写");

	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_update(tx, &c, "investigation", &err), &err);
	commit(tx);

	snprintf(want.stage, sizeof(want.stage), "decided");
	want.major = false;
	want.hearing_requested = true;
	snprintf(want.due_on, sizeof(want.due_on), "2026-05-05");
	want.extension_days = 30;
	snprintf(want.decided_on, sizeof(want.decided_on), "2026-04-01");
	snprintf(want.closed_on, sizeof(want.closed_on), "2026-04-02");
	snprintf(want.archived_on, sizeof(want.archived_on), "2026-04-03");
	snprintf(want.updated_at, sizeof(want.updated_at), "2026-04-01T02:00:00.000000Z");
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&got, tx, CASE_1, &err), &err);
	store_rollback(tx);
	assert_case_equal(&got, &want);
}

static void test_case_update_with_a_stale_stage_is_refused_and_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_case c, before, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_case_1(fx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&before, tx, CASE_1, &err), &err);
	store_rollback(tx);

	c = before;
	snprintf(c.stage, sizeof(c.stage), "review");
	snprintf(c.updated_at, sizeof(c.updated_at), "2026-04-01T02:00:00.000000Z");
	tx = begin(fx, STORE_TX_WRITE);
	/* Someone else moved it first: the stored stage is not "notice". */
	assert_fails(store_case_update(tx, &c, "notice", &err), SX_ECONFLICT, "stale_stage", &err);
	assert_string_equal(err.message, "案件状态已被他人更新，请刷新后重试");
	store_rollback(tx);

	/* A double submit: the first moves the stage, the second is stale. */
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_update(tx, &c, "investigation", &err), &err);
	commit(tx);
	c.major = false;
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_case_update(tx, &c, "investigation", &err), SX_ECONFLICT, "stale_stage",
		     &err);
	store_rollback(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_get(&got, tx, CASE_1, &err), &err);
	store_rollback(tx);
	assert_string_equal(got.stage, "review");
	assert_true(got.major);

	/* No such case is not found, not stale; a missing expected stage is refused. */
	snprintf(c.id, sizeof(c.id), CASE_2);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_case_update(tx, &c, "review", &err), SX_ENOTFOUND, "case_not_found",
		     &err);
	assert_fails(store_case_update(tx, &c, NULL, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_case_update(tx, NULL, "review", &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

/*
 * Six cases for the list filters, newest first:
 *   CASE_5 B archived       created 05  due 2026-01-15
 *   CASE_4 B investigation  created 04  due ''           officer 3
 *   CASE_3 A review         created 03  due 2026-02-10  decided 2026-02-05  officer 2
 *   CASE_6 A investigation  created 02  due 2026-02-14  officer 1 (assist)
 *   CASE_2 A closed         created 02  due 2026-02-01   (same time: id desc)
 *   CASE_1 A investigation  created 01  due 2026-03-01  officer 1 (lead)
 */
static void insert_list_cases(struct fixture *fx)
{
	static const struct {
		const char *id, *agency, *no, *stage, *created, *due, *decided, *officer, *role;
	} rows[] = {
		{CASE_1, AGENCY_A, "甲1", "investigation", "2026-01-01T00:00:00.000000Z", "2026-03-01",
		 "", OFFICER_1, "lead"},
		{CASE_2, AGENCY_A, "甲2", "closed", "2026-01-02T00:00:00.000000Z", "2026-02-01", "",
		 NULL, NULL},
		{CASE_3, AGENCY_A, "甲3", "review", "2026-01-03T00:00:00.000000Z", "2026-02-10",
		 "2026-02-05", OFFICER_2, "lead"},
		{CASE_4, AGENCY_B, "乙4", "investigation", "2026-01-04T00:00:00.000000Z", "", "",
		 OFFICER_3, "lead"},
		{CASE_5, AGENCY_B, "乙5", "archived", "2026-01-05T00:00:00.000000Z", "2026-01-15", "",
		 NULL, NULL},
		{CASE_6, AGENCY_A, "甲6", "investigation", "2026-01-02T00:00:00.000000Z",
		 "2026-02-14", "", OFFICER_1, "assist"},
	};
	struct store_tx *tx = begin(fx, STORE_TX_WRITE);
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct store_case c;

		case_fill(&c, rows[i].id, rows[i].agency, rows[i].no, rows[i].stage,
			  rows[i].created);
		snprintf(c.due_on, sizeof(c.due_on), "%s", rows[i].due);
		snprintf(c.decided_on, sizeof(c.decided_on), "%s", rows[i].decided);
		assert_ok(store_case_insert(tx, &c, &err), &err);
		if (rows[i].officer) {
			struct store_case_officer o;

			memset(&o, 0, sizeof(o));
			snprintf(o.case_id, sizeof(o.case_id), "%s", rows[i].id);
			snprintf(o.officer_id, sizeof(o.officer_id), "%s", rows[i].officer);
			snprintf(o.role, sizeof(o.role), "%s", rows[i].role);
			snprintf(o.added_at, sizeof(o.added_at), T0);
			snprintf(o.added_by, sizeof(o.added_by), "01J00000000000000000USER01");
			assert_ok(store_case_officer_add(tx, &o, &err), &err);
		}
	}
	commit(tx);
}

/* The last two characters of each id ("01".."06") joined by ','. */
static void case_ids_of(char *out, size_t size, const struct store_case *rows, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? "," : "",
				 rows[i].id + strlen(rows[i].id) - 2);

		assert_true(w > 0 && (size_t)w < size - used);
		used += (size_t)w;
	}
}

static void test_case_list_filters_by_each_field_and_its_count_agrees(void **state)
{
	static const struct {
		struct store_case_filter f;
		const char *want;
		int64_t total;
	} cases[] = {
		{{NULL, NULL, NULL, NULL, false, NULL, 100, 0}, "05,04,03,06,02,01", 6},
		{{AGENCY_A, NULL, NULL, NULL, false, NULL, 100, 0}, "03,06,02,01", 4},
		{{AGENCY_B, NULL, NULL, NULL, false, NULL, 100, 0}, "05,04", 2},
		{{"", NULL, NULL, NULL, false, NULL, 100, 0}, "05,04,03,06,02,01", 6},
		{{NULL, "33", NULL, NULL, false, NULL, 100, 0}, "05,04", 2},
		{{NULL, "1101", NULL, NULL, false, NULL, 100, 0}, "03,06,02,01", 4},
		{{NULL, "110101", NULL, NULL, false, NULL, 100, 0}, "03,06,02,01", 4},
		{{NULL, "110102", NULL, NULL, false, NULL, 100, 0}, "", 0},
		{{NULL, "1_", NULL, NULL, false, NULL, 100, 0}, "", 0},
		{{NULL, "%", NULL, NULL, false, NULL, 100, 0}, "", 0},
		{{NULL, NULL, OFFICER_1, NULL, false, NULL, 100, 0}, "06,01", 2},
		{{NULL, NULL, OFFICER_3, NULL, false, NULL, 100, 0}, "04", 1},
		{{NULL, NULL, NULL, "investigation", false, NULL, 100, 0}, "04,06,01", 3},
		{{NULL, NULL, NULL, "closed", false, NULL, 100, 0}, "02", 1},
		{{NULL, NULL, NULL, NULL, true, NULL, 100, 0}, "04,03,06,01", 4},
		/* Overdue: a deadline before the day, not decided, not closed or archived. */
		{{NULL, NULL, NULL, NULL, false, "2026-02-15", 100, 0}, "06", 1},
		{{NULL, NULL, NULL, NULL, false, "2026-02-14", 100, 0}, "", 0},
		{{NULL, NULL, NULL, NULL, false, "2026-03-02", 100, 0}, "06,01", 2},
		{{NULL, NULL, NULL, NULL, false, "2027-01-01", 100, 0}, "06,01", 2},
		/* Together. */
		{{AGENCY_A, "11", OFFICER_1, "investigation", true, "2026-03-02", 100, 0}, "06,01",
		 2},
		{{AGENCY_B, NULL, OFFICER_1, NULL, false, NULL, 100, 0}, "", 0},
		/* Pages; the total ignores them. */
		{{NULL, NULL, NULL, NULL, false, NULL, 2, 0}, "05,04", 6},
		{{NULL, NULL, NULL, NULL, false, NULL, 2, 3}, "06,02", 6},
		{{NULL, NULL, NULL, NULL, false, NULL, 2, 6}, "", 6},
	};
	struct fixture *fx = *state;
	struct store_tx *tx;
	struct sx_error err;

	insert_list_cases(fx);
	tx = begin(fx, STORE_TX_READ);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_case *rows = NULL;
		size_t n = 99;
		int64_t total = -1;
		char got[128];

		assert_ok(store_case_list(&rows, &n, tx, &cases[i].f, &err), &err);
		assert_ok(store_case_list_count(&total, tx, &cases[i].f, &err), &err);
		case_ids_of(got, sizeof(got), rows, n);
		if (strcmp(got, cases[i].want) != 0 || total != cases[i].total)
			fail_msg("case %zu: got \"%s\" (%lld), want \"%s\" (%lld)", i, got,
				 (long long)total, cases[i].want, (long long)cases[i].total);
		if (n == 0)
			assert_null(rows);
		sx_free(rows);
	}
	store_rollback(tx);
}

static void test_case_list_refuses_bad_paging_and_a_null_filter(void **state)
{
	static const struct {
		int64_t limit, offset;
	} cases[] = {{0, 0}, {-1, 0}, {10, -1}};
	struct fixture *fx = *state;
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct store_case *rows = NULL;
	struct sx_error err;
	int64_t total = 0;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_case_filter f = {0};

		f.limit = cases[i].limit;
		f.offset = cases[i].offset;
		rows = (void *)&f;
		n = 7;
		assert_fails(store_case_list(&rows, &n, tx, &f, &err), SX_EINVALID, NULL, &err);
		assert_null(rows);
		assert_int_equal(n, 0);
	}
	assert_fails(store_case_list(&rows, &n, tx, NULL, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_case_list_count(&total, tx, NULL, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

struct joined {
	char text[256];
	size_t used;
	int stop_after; /* calls before the callback returns an error; -1 = never */
};

static int stage_count_cb(const char *stage, int64_t count, void *ctx)
{
	struct joined *j = ctx;
	int w;

	if (j->stop_after == 0)
		return SX_ECONFLICT;
	if (j->stop_after > 0)
		j->stop_after--;
	w = snprintf(j->text + j->used, sizeof(j->text) - j->used, "%s=%lld;", stage,
		     (long long)count);
	assert_true(w > 0 && (size_t)w < sizeof(j->text) - j->used);
	j->used += (size_t)w;
	return 0;
}

static void test_stage_counts_are_per_agency_or_over_all_and_stop_on_error(void **state)
{
	struct fixture *fx = *state;
	struct joined a = {.stop_after = -1}, all = {.stop_after = -1}, none = {.stop_after = -1};
	struct joined stop = {.stop_after = 1};
	struct store_tx *tx;
	struct sx_error err;

	insert_list_cases(fx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_stage_counts(tx, AGENCY_A, stage_count_cb, &a, &err), &err);
	assert_ok(store_case_stage_counts(tx, NULL, stage_count_cb, &all, &err), &err);
	assert_ok(store_case_stage_counts(tx, "01J00000000000000000NOSUCH", stage_count_cb, &none,
					  &err),
		  &err);
	assert_int_equal(store_case_stage_counts(tx, NULL, stage_count_cb, &stop, &err),
			 SX_ECONFLICT);
	assert_fails(store_case_stage_counts(tx, NULL, NULL, NULL, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
	assert_string_equal(a.text, "closed=1;investigation=2;review=1;");
	assert_string_equal(all.text, "archived=1;closed=1;investigation=3;review=1;");
	assert_string_equal(none.text, "");
	assert_string_equal(stop.text, "archived=1;");
}

/* ---- officers of a case ---- */

static void test_case_officers_join_the_whole_officer_row_lead_first(void **state)
{
	struct fixture *fx = *state;
	struct store_case_officer o, *rows = NULL;
	struct store_officer want;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	/* OFFICER_2 (A-0001) sorts before OFFICER_1 (A-0002) by certificate; lead goes first. */
	memset(&o, 0, sizeof(o));
	snprintf(o.case_id, sizeof(o.case_id), CASE_1);
	snprintf(o.officer_id, sizeof(o.officer_id), OFFICER_2);
	snprintf(o.role, sizeof(o.role), "assist");
	snprintf(o.added_at, sizeof(o.added_at), "2026-01-05T02:00:00.000000Z");
	snprintf(o.added_by, sizeof(o.added_by), "01J00000000000000000USER01");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_officer_add(tx, &o, &err), &err);
	snprintf(o.officer_id, sizeof(o.officer_id), OFFICER_1);
	snprintf(o.role, sizeof(o.role), "lead");
	snprintf(o.added_at, sizeof(o.added_at), "2026-01-05T03:00:00.000000Z");
	snprintf(o.added_by, sizeof(o.added_by), "01J00000000000000000USER02");
	assert_ok(store_case_officer_add(tx, &o, &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_WRITE);
	snprintf(o.role, sizeof(o.role), "assist");
	assert_fails(store_case_officer_add(tx, &o, &err), SX_EEXISTS, "case_officer_exists", &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_officers(&rows, &n, tx, CASE_1, &err), &err);
	assert_ok(store_officer_get(&want, tx, OFFICER_1, &err), &err);
	store_rollback(tx);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].case_id, CASE_1);
	assert_string_equal(rows[0].officer_id, OFFICER_1);
	assert_string_equal(rows[0].role, "lead");
	assert_string_equal(rows[0].added_at, "2026-01-05T03:00:00.000000Z");
	assert_string_equal(rows[0].added_by, "01J00000000000000000USER02");
	assert_memory_equal(&rows[0].officer, &want, sizeof(want));
	assert_string_equal(rows[0].officer.id_number, "110105194912310002");
	assert_int_equal(strlen(rows[0].officer.photo_sha256), 64);
	assert_string_equal(rows[1].officer_id, OFFICER_2);
	assert_string_equal(rows[1].role, "assist");
	assert_string_equal(rows[1].officer.name, "李华");
	assert_string_equal(rows[1].added_by, "01J00000000000000000USER01");
	sx_free(rows);

	tx = begin(fx, STORE_TX_READ);
	rows = (void *)&o;
	assert_ok(store_case_officers(&rows, &n, tx, CASE_2, &err), &err);
	store_rollback(tx);
	assert_null(rows);
	assert_int_equal(n, 0);
}

/* ---- stage history ---- */

static void transition_fill(struct store_case_transition *t, const char *case_id, int64_t seq,
			    const char *from, const char *to)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "01J0000000000000000TR%s%lld", case_id + 24,
		 (long long)seq);
	snprintf(t->case_id, sizeof(t->case_id), "%s", case_id);
	t->seq = seq;
	snprintf(t->from_stage, sizeof(t->from_stage), "%s", from);
	snprintf(t->to_stage, sizeof(t->to_stage), "%s", to);
	snprintf(t->reason, sizeof(t->reason), "理由 %lld", (long long)seq);
	snprintf(t->at, sizeof(t->at), "2026-01-0%lldT00:00:00.000000Z", (long long)seq);
	snprintf(t->by_id, sizeof(t->by_id), "01J00000000000000000USER01");
	snprintf(t->by_name, sizeof(t->by_name), "张明");
}

static int transition_cb(const struct store_case_transition *t, void *ctx)
{
	struct joined *j = ctx;
	int w;

	if (j->stop_after == 0)
		return SX_ECONFLICT;
	if (j->stop_after > 0)
		j->stop_after--;
	w = snprintf(j->text + j->used, sizeof(j->text) - j->used, "%s:%lld;", t->case_id + 24,
		     (long long)t->seq);
	assert_true(w > 0 && (size_t)w < sizeof(j->text) - j->used);
	j->used += (size_t)w;
	return 0;
}

static void test_transitions_keep_seq_order_and_refuse_a_taken_number(void **state)
{
	struct fixture *fx = *state;
	struct store_case_transition t, *rows = NULL;
	struct joined a = {.stop_after = -1}, all = {.stop_after = -1};
	struct joined stop = {.stop_after = 2};
	struct store_case c;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	case_fill(&c, CASE_4, AGENCY_B, "乙4", "investigation", T0);
	insert_case(fx, &c);
	tx = begin(fx, STORE_TX_WRITE);
	/* Inserted out of order: the reads order by seq. */
	transition_fill(&t, CASE_1, 2, "investigation", "review");
	assert_ok(store_case_transition_insert(tx, &t, &err), &err);
	transition_fill(&t, CASE_1, 1, "", "investigation");
	assert_ok(store_case_transition_insert(tx, &t, &err), &err);
	transition_fill(&t, CASE_4, 1, "", "investigation");
	assert_ok(store_case_transition_insert(tx, &t, &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_WRITE);
	transition_fill(&t, CASE_1, 2, "investigation", "closed");
	snprintf(t.id, sizeof(t.id), "01J0000000000000000TRXXXX2");
	assert_fails(store_case_transition_insert(tx, &t, &err), SX_EEXISTS, "transition_exists",
		     &err);
	t.seq = 0;
	assert_fails(store_case_transition_insert(tx, &t, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_transitions(&rows, &n, tx, CASE_1, &err), &err);
	assert_ok(store_case_transitions_each(tx, AGENCY_A, transition_cb, &a, &err), &err);
	assert_ok(store_case_transitions_each(tx, NULL, transition_cb, &all, &err), &err);
	assert_int_equal(store_case_transitions_each(tx, NULL, transition_cb, &stop, &err),
			 SX_ECONFLICT);
	store_rollback(tx);
	assert_int_equal(n, 2);
	transition_fill(&t, CASE_1, 1, "", "investigation");
	assert_memory_equal(&rows[0], &t, sizeof(t));
	transition_fill(&t, CASE_1, 2, "investigation", "review");
	assert_memory_equal(&rows[1], &t, sizeof(t));
	sx_free(rows);
	assert_string_equal(a.text, "01:1;01:2;");
	assert_string_equal(all.text, "01:1;01:2;04:1;");
	assert_string_equal(stop.text, "01:1;01:2;");
}

/* ---- 文号 counters ---- */

static int64_t next_number(struct store_tx *tx, const char *agency, const char *word, int64_t year)
{
	struct sx_error err;
	int64_t n = -1;

	assert_ok(store_doc_counter_next(&n, tx, agency, word, year, &err), &err);
	return n;
}

static void test_doc_counter_counts_per_agency_word_and_year_and_a_rollback_gives_back(
	void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx;
	struct sx_error err;
	int64_t n = -1;

	tx = begin(fx, STORE_TX_WRITE);
	assert_int_equal(next_number(tx, AGENCY_A, "罚决字", 2026), 1);
	assert_int_equal(next_number(tx, AGENCY_A, "罚决字", 2026), 2);
	assert_int_equal(next_number(tx, AGENCY_A, "罚告字", 2026), 1);
	assert_int_equal(next_number(tx, AGENCY_A, "罚决字", 2027), 1);
	assert_int_equal(next_number(tx, AGENCY_B, "罚决字", 2026), 1);
	commit(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_int_equal(next_number(tx, AGENCY_A, "罚决字", 2026), 3);
	store_rollback(tx);
	/* The number came back: no gap. */
	tx = begin(fx, STORE_TX_WRITE);
	assert_int_equal(next_number(tx, AGENCY_A, "罚决字", 2026), 3);
	assert_int_equal(next_number(tx, AGENCY_B, "罚决字", 2026), 2);
	commit(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_doc_counter_next(&n, tx, AGENCY_A, "", 2026, &err), SX_EINVALID, NULL,
		     &err);
	assert_fails(store_doc_counter_next(&n, tx, NULL, "罚决字", 2026, &err), SX_EINVALID,
		     NULL, &err);
	assert_fails(store_doc_counter_next(&n, tx, AGENCY_A, "罚决字", 0, &err), SX_EINVALID,
		     NULL, &err);
	store_rollback(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_doc_counter_next(&n, tx, AGENCY_A, "罚决字", 2026, &err), SX_EINTERNAL,
		     NULL, &err);
	store_rollback(tx);
}

/* ---- records ---- */

static void record_fill(struct store_case_record *r, const char *id, const char *created_at,
			int64_t doc_seq, const char *values_json, const char *body_text)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->case_id, sizeof(r->case_id), CASE_1);
	snprintf(r->stage, sizeof(r->stage), "investigation");
	snprintf(r->template_code, sizeof(r->template_code), "penalty_notice");
	snprintf(r->title, sizeof(r->title), "行政处罚告知书");
	if (doc_seq > 0) {
		snprintf(r->doc_no, sizeof(r->doc_no), "示市监罚告字〔2026〕%lld号",
			 (long long)doc_seq);
		snprintf(r->doc_word, sizeof(r->doc_word), "罚告字");
		r->doc_year = 2026;
		r->doc_seq = doc_seq;
	}
	snprintf(r->field_act, sizeof(r->field_act), "serve");
	snprintf(r->made_on, sizeof(r->made_on), "2026-01-20");
	r->values_json = (char *)values_json;
	r->body_text = (char *)body_text;
	snprintf(r->content_sha256, sizeof(r->content_sha256), "%064d", 42);
	r->served = true;
	snprintf(r->verify_hash, sizeof(r->verify_hash), "%064d", 43);
	snprintf(r->created_at, sizeof(r->created_at), "%s", created_at);
	snprintf(r->created_by, sizeof(r->created_by), "01J00000000000000000USER01");
}

#define RECORD_1 "01J00000000000000000REC001"
#define RECORD_2 "01J00000000000000000REC002"
#define VALUES_1 "{\"fine_fen\":500000,\"party\":\"赵某\"}"
#define BODY_1 "行政处罚告知书\n\n赵某：\n经查，你销售过期食品……"

/* Fields but the bodies. */
static void assert_record_head_equal(const struct store_case_record *got,
				     const struct store_case_record *want)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->case_id, want->case_id);
	assert_string_equal(got->stage, want->stage);
	assert_string_equal(got->template_code, want->template_code);
	assert_string_equal(got->title, want->title);
	assert_string_equal(got->doc_no, want->doc_no);
	assert_string_equal(got->doc_word, want->doc_word);
	assert_int_equal(got->doc_year, want->doc_year);
	assert_int_equal(got->doc_seq, want->doc_seq);
	assert_string_equal(got->field_act, want->field_act);
	assert_string_equal(got->made_on, want->made_on);
	assert_string_equal(got->content_sha256, want->content_sha256);
	assert_int_equal(got->served, want->served);
	assert_string_equal(got->verify_hash, want->verify_hash);
	assert_string_equal(got->supersedes, want->supersedes);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
}

/* RECORD_1 numbered 1 and RECORD_2, unnumbered and unserved, superseding it. */
static void insert_records(struct fixture *fx, struct store_case_record *r1,
			   struct store_case_record *r2)
{
	struct store_tx *tx;
	struct sx_error err;

	record_fill(r1, RECORD_1, "2026-01-20T01:00:00.000000Z", 1, VALUES_1, BODY_1);
	record_fill(r2, RECORD_2, "2026-01-20T02:00:00.000000Z", 0, "{}", "");
	r2->field_act[0] = '\0';
	r2->served = false;
	r2->verify_hash[0] = '\0';
	snprintf(r2->supersedes, sizeof(r2->supersedes), RECORD_1);
	tx = begin(fx, STORE_TX_WRITE);
	/* Inserted newest first: the list orders by creation time. */
	assert_ok(store_case_record_insert(tx, r2, &err), &err);
	assert_ok(store_case_record_insert(tx, r1, &err), &err);
	commit(tx);
}

static void test_record_round_trips_with_and_without_its_bodies(void **state)
{
	struct fixture *fx = *state;
	struct store_case_record r1, r2, got, *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	insert_records(fx, &r1, &r2);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_record_get(&got, tx, RECORD_1, true, &err), &err);
	assert_record_head_equal(&got, &r1);
	assert_string_equal(got.values_json, VALUES_1);
	assert_string_equal(got.body_text, BODY_1);
	store_case_record_clear(&got);
	assert_null(got.values_json);
	assert_ok(store_case_record_get(&got, tx, RECORD_2, false, &err), &err);
	assert_record_head_equal(&got, &r2);
	assert_null(got.values_json);
	assert_null(got.body_text);
	store_case_record_clear(&got);
	/* An empty body reads as "", not as absent. */
	assert_ok(store_case_record_get(&got, tx, RECORD_2, true, &err), &err);
	assert_string_equal(got.values_json, "{}");
	assert_non_null(got.body_text);
	assert_string_equal(got.body_text, "");
	store_case_record_clear(&got);
	assert_fails(store_case_record_get(&got, tx, CASE_1, true, &err), SX_ENOTFOUND,
		     "record_not_found", &err);
	assert_null(got.values_json);

	assert_ok(store_case_records(&rows, &n, tx, CASE_1, true, &err), &err);
	assert_int_equal(n, 2);
	assert_record_head_equal(&rows[0], &r1);
	assert_record_head_equal(&rows[1], &r2);
	assert_string_equal(rows[0].body_text, BODY_1);
	assert_string_equal(rows[1].values_json, "{}");
	store_case_records_free(rows, n);
	assert_ok(store_case_records(&rows, &n, tx, CASE_1, false, &err), &err);
	assert_int_equal(n, 2);
	assert_null(rows[0].values_json);
	assert_null(rows[1].body_text);
	store_case_records_free(rows, n);
	assert_ok(store_case_records(&rows, &n, tx, CASE_2, true, &err), &err);
	assert_null(rows);
	assert_int_equal(n, 0);
	store_rollback(tx);
	store_case_records_free(NULL, 0);
	store_case_record_clear(NULL);
}

static void test_record_refuses_a_taken_number_and_missing_bodies(void **state)
{
	struct fixture *fx = *state;
	struct store_case_record r1, r2, r;
	struct store_tx *tx;
	struct sx_error err;

	insert_case_1(fx);
	insert_records(fx, &r1, &r2);
	/* A failed statement ends the transaction on PostgreSQL: one per failure. */
	tx = begin(fx, STORE_TX_WRITE);
	record_fill(&r, "01J00000000000000000REC003", T0, 1, "{}", "x");
	assert_fails(store_case_record_insert(tx, &r, &err), SX_EEXISTS, "doc_no_exists", &err);
	store_rollback(tx);
	tx = begin(fx, STORE_TX_WRITE);
	/* Unnumbered records do not collide. */
	record_fill(&r, "01J00000000000000000REC004", T0, 0, "{}", "x");
	assert_ok(store_case_record_insert(tx, &r, &err), &err);
	record_fill(&r, "01J00000000000000000REC005", T0, 0, NULL, "x");
	assert_fails(store_case_record_insert(tx, &r, &err), SX_EINVALID, NULL, &err);
	record_fill(&r, "01J00000000000000000REC005", T0, 0, "{}", NULL);
	assert_fails(store_case_record_insert(tx, &r, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

static void test_record_officers_keep_the_name_and_certificate_of_the_day(void **state)
{
	struct fixture *fx = *state;
	struct store_case_record r1, r2;
	struct store_case_record_officer o = {RECORD_1, OFFICER_1, "张明", "A-0002"};
	struct store_case_record_officer *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	insert_records(fx, &r1, &r2);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_record_officer_add(tx, &o, &err), &err);
	snprintf(o.officer_id, sizeof(o.officer_id), OFFICER_2);
	snprintf(o.name, sizeof(o.name), "李华（旧名）");
	snprintf(o.cert_no, sizeof(o.cert_no), "A-0001");
	assert_ok(store_case_record_officer_add(tx, &o, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_case_record_officer_add(tx, &o, &err), SX_EEXISTS,
		     "record_officer_exists", &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_record_officers(&rows, &n, tx, RECORD_1, &err), &err);
	store_rollback(tx);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].record_id, RECORD_1);
	assert_string_equal(rows[0].officer_id, OFFICER_2);
	assert_string_equal(rows[0].name, "李华（旧名）");
	assert_string_equal(rows[0].cert_no, "A-0001");
	assert_string_equal(rows[1].officer_id, OFFICER_1);
	assert_string_equal(rows[1].name, "张明");
	assert_string_equal(rows[1].cert_no, "A-0002");
	sx_free(rows);
}

/* ---- uploads and evidence ---- */

static void meta_fill(struct store_evidence_meta *m, const char *case_id, const char *kind)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->case_id, sizeof(m->case_id), "%s", case_id);
	snprintf(m->stage, sizeof(m->stage), "investigation");
	snprintf(m->kind, sizeof(m->kind), "%s", kind);
	m->size_bytes = 123456789012LL;
	snprintf(m->content_type, sizeof(m->content_type), "video/mp4");
	snprintf(m->file_name, sizeof(m->file_name), "现场检查 01.mp4");
	snprintf(m->captured_start, sizeof(m->captured_start), "2026-01-06T01:00:00.000000Z");
	snprintf(m->captured_end, sizeof(m->captured_end), "2026-01-06T01:30:00.000000Z");
	snprintf(m->device_id, sizeof(m->device_id), "DSJ-0042");
	snprintf(m->place, sizeof(m->place), "甲区人民路 2 号店内");
	snprintf(m->lat, sizeof(m->lat), "39.9042");
	snprintf(m->lon, sizeof(m->lon), "116.4074");
	snprintf(m->officer_id, sizeof(m->officer_id), OFFICER_1);
	snprintf(m->description, sizeof(m->description), "检查货架上的过期食品");
}

static void assert_meta_equal(const struct store_evidence_meta *got,
			      const struct store_evidence_meta *want)
{
	assert_string_equal(got->case_id, want->case_id);
	assert_string_equal(got->stage, want->stage);
	assert_string_equal(got->kind, want->kind);
	assert_int_equal(got->size_bytes, want->size_bytes);
	assert_string_equal(got->content_type, want->content_type);
	assert_string_equal(got->file_name, want->file_name);
	assert_string_equal(got->captured_start, want->captured_start);
	assert_string_equal(got->captured_end, want->captured_end);
	assert_string_equal(got->device_id, want->device_id);
	assert_string_equal(got->place, want->place);
	assert_string_equal(got->lat, want->lat);
	assert_string_equal(got->lon, want->lon);
	assert_string_equal(got->officer_id, want->officer_id);
	assert_string_equal(got->description, want->description);
}

#define UPLOAD_1 "01J00000000000000000UPL001"
#define EVIDENCE_1 "01J00000000000000000EVI001"
#define EVIDENCE_2 "01J00000000000000000EVI002"
#define EVIDENCE_3 "01J00000000000000000EVI003"

static void test_upload_round_trips_and_finishes_only_once(void **state)
{
	struct fixture *fx = *state;
	struct store_upload u, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_case_1(fx);
	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), UPLOAD_1);
	meta_fill(&u.meta, CASE_1, "video");
	snprintf(u.status, sizeof(u.status), "open");
	snprintf(u.created_at, sizeof(u.created_at), T0);
	snprintf(u.created_by, sizeof(u.created_by), "01J00000000000000000USER01");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_upload_insert(tx, &u, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_upload_insert(tx, &u, &err), SX_EEXISTS, "upload_exists", &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_upload_get(&got, tx, UPLOAD_1, &err), &err);
	assert_fails(store_upload_get(&got, tx, CASE_1, &err), SX_ENOTFOUND, "upload_not_found",
		     &err);
	store_rollback(tx);
	assert_ok(store_upload_get(&got, (tx = begin(fx, STORE_TX_READ)), UPLOAD_1, &err), &err);
	store_rollback(tx);
	assert_string_equal(got.id, UPLOAD_1);
	assert_meta_equal(&got.meta, &u.meta);
	assert_string_equal(got.status, "open");
	assert_string_equal(got.evidence_id, "");
	assert_string_equal(got.created_at, T0);
	assert_string_equal(got.created_by, "01J00000000000000000USER01");
	assert_string_equal(got.finished_at, "");

	tx = begin(fx, STORE_TX_WRITE);
	/* Bad arguments are refused before anything is written. */
	assert_fails(store_upload_finish(tx, UPLOAD_1, "complete", "", T0, &err), SX_EINVALID, NULL,
		     &err);
	assert_fails(store_upload_finish(tx, UPLOAD_1, "aborted", EVIDENCE_1, T0, &err),
		     SX_EINVALID, NULL, &err);
	assert_fails(store_upload_finish(tx, UPLOAD_1, "open", NULL, T0, &err), SX_EINVALID, NULL,
		     &err);
	assert_fails(store_upload_finish(tx, UPLOAD_1, "complete", EVIDENCE_1, "", &err),
		     SX_EINVALID, NULL, &err);
	assert_fails(store_upload_finish(tx, CASE_1, "aborted", NULL, T0, &err), SX_ENOTFOUND,
		     "upload_not_found", &err);
	assert_ok(store_upload_finish(tx, UPLOAD_1, "complete", EVIDENCE_1,
				      "2026-01-06T02:00:00.000000Z", &err),
		  &err);
	commit(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_upload_finish(tx, UPLOAD_1, "aborted", NULL, T0, &err), SX_ECONFLICT,
		     "upload_finished", &err);
	assert_fails(store_upload_finish(tx, UPLOAD_1, "complete", EVIDENCE_2, T0, &err),
		     SX_ECONFLICT, "upload_finished", &err);
	store_rollback(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_upload_get(&got, tx, UPLOAD_1, &err), &err);
	store_rollback(tx);
	assert_string_equal(got.status, "complete");
	assert_string_equal(got.evidence_id, EVIDENCE_1);
	assert_string_equal(got.finished_at, "2026-01-06T02:00:00.000000Z");
}

static void evidence_fill(struct store_evidence *e, const char *id, const char *case_id,
			  const char *created_at, int sha)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", id);
	meta_fill(&e->meta, case_id, "photo");
	snprintf(e->sha256, sizeof(e->sha256), "%064d", sha);
	snprintf(e->sm3, sizeof(e->sm3), "%064d", sha + 1000);
	snprintf(e->created_at, sizeof(e->created_at), "%s", created_at);
	snprintf(e->created_by, sizeof(e->created_by), "01J00000000000000000USER01");
}

static void assert_evidence_equal(const struct store_evidence *got,
				  const struct store_evidence *want)
{
	assert_string_equal(got->id, want->id);
	assert_meta_equal(&got->meta, &want->meta);
	assert_string_equal(got->sha256, want->sha256);
	assert_string_equal(got->sm3, want->sm3);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
	assert_string_equal(got->deleted_at, want->deleted_at);
	assert_string_equal(got->deleted_by, want->deleted_by);
	assert_string_equal(got->delete_reason, want->delete_reason);
}

static int64_t blob_refs(struct fixture *fx, int sha)
{
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct sx_error err;
	char hex[STORE_SHA256_HEX_SIZE];
	int64_t n = -1;

	snprintf(hex, sizeof(hex), "%064d", sha);
	assert_ok(store_evidence_blob_refs(&n, tx, hex, &err), &err);
	store_rollback(tx);
	return n;
}

static void test_evidence_deletion_shows_in_the_rows_and_the_blob_reference_count(void **state)
{
	struct fixture *fx = *state;
	struct store_evidence e1, e2, e3, got, *rows = NULL;
	struct store_case c;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	case_fill(&c, CASE_2, AGENCY_A, "甲2", "investigation", T0);
	insert_case(fx, &c);
	/* e1 and e2 hold the same bytes (same blob) in two cases. */
	evidence_fill(&e1, EVIDENCE_1, CASE_1, "2026-01-06T01:00:00.000000Z", 1);
	evidence_fill(&e2, EVIDENCE_2, CASE_2, "2026-01-06T02:00:00.000000Z", 1);
	evidence_fill(&e3, EVIDENCE_3, CASE_1, "2026-01-06T00:30:00.000000Z", 3);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_evidence_insert(tx, &e1, &err), &err);
	assert_ok(store_evidence_insert(tx, &e2, &err), &err);
	assert_ok(store_evidence_insert(tx, &e3, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_evidence_insert(tx, &e3, &err), SX_EEXISTS, "evidence_exists", &err);
	store_rollback(tx);
	assert_int_equal(blob_refs(fx, 1), 2);
	assert_int_equal(blob_refs(fx, 3), 1);
	assert_int_equal(blob_refs(fx, 9), 0);

	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_evidence_delete(tx, EVIDENCE_1, "保存期限届满", "2031-01-01T00:00:00.000000Z",
					"01J00000000000000000ADMIN1", &err),
		  &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_evidence_delete(tx, CASE_1, "no such", T0, "x", &err), SX_ENOTFOUND,
		     "evidence_not_found", &err);
	assert_fails(store_evidence_delete(tx, EVIDENCE_1, "again", T0, "x", &err), SX_EEXISTS,
		     "evidence_deleted", &err);
	store_rollback(tx);
	assert_int_equal(blob_refs(fx, 1), 1);

	snprintf(e1.deleted_at, sizeof(e1.deleted_at), "2031-01-01T00:00:00.000000Z");
	snprintf(e1.deleted_by, sizeof(e1.deleted_by), "01J00000000000000000ADMIN1");
	snprintf(e1.delete_reason, sizeof(e1.delete_reason), "保存期限届满");
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_evidence_get(&got, tx, EVIDENCE_1, &err), &err);
	assert_evidence_equal(&got, &e1);
	assert_ok(store_evidence_get(&got, tx, EVIDENCE_2, &err), &err);
	assert_evidence_equal(&got, &e2);
	assert_fails(store_evidence_get(&got, tx, CASE_1, &err), SX_ENOTFOUND, "evidence_not_found",
		     &err);
	assert_ok(store_evidence_list(&rows, &n, tx, CASE_1, &err), &err);
	store_rollback(tx);
	/* Creation order, the deleted one included. */
	assert_int_equal(n, 2);
	assert_evidence_equal(&rows[0], &e3);
	assert_evidence_equal(&rows[1], &e1);
	sx_free(rows);

	/* The schema refuses an empty file. */
	evidence_fill(&e3, "01J00000000000000000EVI004", CASE_1, T0, 4);
	e3.meta.size_bytes = 0;
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_evidence_insert(tx, &e3, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

/* ---- recording exemptions ---- */

static void test_recording_exemptions_round_trip_and_need_a_reason(void **state)
{
	struct fixture *fx = *state;
	struct store_recording_exemption e1 = {"01J00000000000000000EXM001", CASE_1,
					       "investigation", "执法记录仪故障，已报备",
					       "2026-01-07T00:00:00.000000Z",
					       "01J00000000000000000HEAD01"};
	struct store_recording_exemption e2 = {"01J00000000000000000EXM002", CASE_1, "serve",
					       "当事人拒绝，现场两名见证人签字",
					       "2026-01-06T00:00:00.000000Z",
					       "01J00000000000000000HEAD01"};
	struct store_recording_exemption *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_case_1(fx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_recording_exemption_insert(tx, &e1, &err), &err);
	assert_ok(store_recording_exemption_insert(tx, &e2, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	snprintf(e1.id, sizeof(e1.id), "01J00000000000000000EXM003");
	e1.reason[0] = '\0';
	assert_fails(store_recording_exemption_insert(tx, &e1, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_recording_exemptions(&rows, &n, tx, CASE_1, &err), &err);
	store_rollback(tx);
	assert_int_equal(n, 2);
	assert_memory_equal(&rows[0], &e2, sizeof(e2));
	assert_string_equal(rows[1].id, "01J00000000000000000EXM001");
	assert_string_equal(rows[1].reason, "执法记录仪故障，已报备");
	assert_string_equal(rows[1].stage, "investigation");
	assert_string_equal(rows[1].created_at, "2026-01-07T00:00:00.000000Z");
	assert_string_equal(rows[1].created_by, "01J00000000000000000HEAD01");
	sx_free(rows);
}

/* ---- 调阅 log ---- */

static void access_fill(struct store_case_access *a, int i, const char *case_id,
			const char *agency_id, const char *at)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "01J00000000000000000ACC%03d", i);
	snprintf(a->case_id, sizeof(a->case_id), "%s", case_id);
	snprintf(a->agency_id, sizeof(a->agency_id), "%s", agency_id);
	snprintf(a->object_type, sizeof(a->object_type), "evidence");
	snprintf(a->object_id, sizeof(a->object_id), EVIDENCE_1);
	snprintf(a->action, sizeof(a->action), "download");
	snprintf(a->reason, sizeof(a->reason), "复核案卷 %d", i);
	snprintf(a->actor_id, sizeof(a->actor_id), "01J00000000000000000USER01");
	snprintf(a->actor_name, sizeof(a->actor_name), "法制审核员");
	snprintf(a->remote_addr, sizeof(a->remote_addr), "192.0.2.%d", i);
	snprintf(a->at, sizeof(a->at), "%s", at);
}

/* The last three characters of each id joined by ','. */
static void access_ids_of(char *out, size_t size, const struct store_case_access *rows, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? "," : "",
				 rows[i].id + strlen(rows[i].id) - 3);

		assert_true(w > 0 && (size_t)w < size - used);
		used += (size_t)w;
	}
}

static void test_case_access_log_filters_and_lists_newest_first(void **state)
{
	static const struct {
		struct store_case_access_filter f;
		const char *want;
		int64_t total;
	} cases[] = {
		{{NULL, NULL, NULL, 100, 0}, "005,003,004,002,001", 5},
		{{CASE_1, NULL, NULL, 100, 0}, "004,002,001", 3},
		{{NULL, AGENCY_A, NULL, 100, 0}, "004,002,001", 3},
		{{NULL, AGENCY_B, NULL, 100, 0}, "003", 1},
		{{NULL, NULL, "33", 100, 0}, "003", 1},
		{{NULL, NULL, "110101", 100, 0}, "004,002,001", 3},
		{{NULL, NULL, "9", 100, 0}, "", 0},
		{{CASE_4, AGENCY_A, NULL, 100, 0}, "", 0},
		{{NULL, NULL, NULL, 2, 1}, "003,004", 5},
	};
	struct fixture *fx = *state;
	struct store_case_access a, *rows = NULL;
	struct store_case c;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;
	int64_t total = 0;

	insert_case_1(fx);
	case_fill(&c, CASE_4, AGENCY_B, "乙4", "investigation", T0);
	insert_case(fx, &c);
	tx = begin(fx, STORE_TX_WRITE);
	access_fill(&a, 1, CASE_1, AGENCY_A, "2026-02-01T00:00:00.000000Z");
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	/* 002 and 004 at the same time: id breaks the tie, newest (largest) first. */
	access_fill(&a, 4, CASE_1, AGENCY_A, "2026-02-02T00:00:00.000000Z");
	snprintf(a.action, sizeof(a.action), "party_view");
	snprintf(a.actor_id, sizeof(a.actor_id), "party");
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	access_fill(&a, 2, CASE_1, AGENCY_A, "2026-02-02T00:00:00.000000Z");
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	access_fill(&a, 3, CASE_4, AGENCY_B, "2026-02-03T00:00:00.000000Z");
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	/* An agency the table does not know still shows in the unfiltered log. */
	access_fill(&a, 5, CASE_4, "01J00000000000000000GONE00", "2026-02-04T00:00:00.000000Z");
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	access_fill(&a, 6, CASE_4, AGENCY_B, T0);
	snprintf(a.action, sizeof(a.action), "delete");
	assert_fails(store_case_access_insert(tx, &a, &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_READ);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char got[128];

		rows = NULL;
		assert_ok(store_case_access_list(&rows, &n, tx, &cases[i].f, &err), &err);
		assert_ok(store_case_access_count(&total, tx, &cases[i].f, &err), &err);
		access_ids_of(got, sizeof(got), rows, n);
		if (strcmp(got, cases[i].want) != 0 || total != cases[i].total)
			fail_msg("case %zu: got \"%s\" (%lld), want \"%s\" (%lld)", i, got,
				 (long long)total, cases[i].want, (long long)cases[i].total);
		sx_free(rows);
	}
	/* Every field of a row. */
	{
		struct store_case_access_filter f = {CASE_1, NULL, NULL, 1, 0};

		assert_ok(store_case_access_list(&rows, &n, tx, &f, &err), &err);
		access_fill(&a, 4, CASE_1, AGENCY_A, "2026-02-02T00:00:00.000000Z");
		snprintf(a.action, sizeof(a.action), "party_view");
		memset(a.actor_id, 0, sizeof(a.actor_id));
		snprintf(a.actor_id, sizeof(a.actor_id), "party");
		assert_int_equal(n, 1);
		assert_memory_equal(&rows[0], &a, sizeof(a));
		sx_free(rows);
	}
	{
		struct store_case_access_filter bad = {NULL, NULL, NULL, 0, 0};

		rows = NULL;
		assert_fails(store_case_access_list(&rows, &n, tx, &bad, &err), SX_EINVALID, NULL,
			     &err);
		assert_null(rows);
		bad.limit = 1;
		bad.offset = -1;
		assert_fails(store_case_access_list(&rows, &n, tx, &bad, &err), SX_EINVALID, NULL,
			     &err);
		assert_fails(store_case_access_list(&rows, &n, tx, NULL, &err), SX_EINVALID, NULL,
			     &err);
		assert_fails(store_case_access_count(&total, tx, NULL, &err), SX_EINVALID, NULL,
			     &err);
	}
	store_rollback(tx);
}

/* ---- installation settings ---- */

static void test_setting_put_inserts_then_replaces_and_get_refuses_to_truncate(void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx;
	struct sx_error err;
	char value[STORE_SETTING_SIZE];
	char small[4];

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_setting_get(value, sizeof(value), tx, "retention.evidence_years", &err),
		     SX_ENOTFOUND, "setting_not_found", &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_setting_put(tx, "retention.evidence_years", "30", T0, "admin", &err), &err);
	assert_ok(store_setting_put(tx, "site.notice", "", T0, "admin", &err), &err);
	assert_fails(store_setting_put(tx, "", "x", T0, "admin", &err), SX_EINVALID, NULL, &err);
	commit(tx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_setting_put(tx, "retention.evidence_years", "永久", T0, "admin", &err),
		  &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_setting_get(value, sizeof(value), tx, "retention.evidence_years", &err),
		  &err);
	assert_string_equal(value, "永久");
	assert_ok(store_setting_get(value, sizeof(value), tx, "site.notice", &err), &err);
	assert_string_equal(value, "");
	/* "永久" is 6 bytes: too long for 4, and not cut. */
	memcpy(small, "abc", 4);
	assert_fails(store_setting_get(small, sizeof(small), tx, "retention.evidence_years", &err),
		     SX_ETOOBIG, NULL, &err);
	assert_fails(store_setting_get(small, 0, tx, "site.notice", &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

/* ---- the database keeps history ---- */

static void test_history_tables_refuse_update_and_delete_in_the_database(void **state)
{
	static const char *const statements[] = {
		"UPDATE case_record SET title = 'rewritten'",
		"DELETE FROM case_record",
		"UPDATE case_transition SET reason = 'rewritten'",
		"DELETE FROM case_transition",
		"UPDATE evidence SET sha256 = 'x'",
		"DELETE FROM evidence_deletion",
		"DELETE FROM case_access",
		"UPDATE recording_exemption SET reason = 'x'",
		"DELETE FROM case_officer",
		"DELETE FROM case_file",
		"DELETE FROM upload",
	};
	struct fixture *fx = *state;
	struct store_case_record r1, r2;
	struct store_case_transition t;
	struct store_case_officer o;
	struct store_evidence e;
	struct store_case_access a;
	struct store_recording_exemption x = {"01J00000000000000000EXM001", CASE_1, "serve", "故障",
					      T0, "u"};
	struct store_upload u;
	struct store_case_record got;
	struct store_tx *tx;
	struct db *db = NULL;
	struct sx_error err;
	int64_t n = 0;

	insert_case_1(fx);
	insert_records(fx, &r1, &r2);
	memset(&o, 0, sizeof(o));
	snprintf(o.case_id, sizeof(o.case_id), CASE_1);
	snprintf(o.officer_id, sizeof(o.officer_id), OFFICER_1);
	snprintf(o.role, sizeof(o.role), "lead");
	snprintf(o.added_at, sizeof(o.added_at), T0);
	snprintf(o.added_by, sizeof(o.added_by), "u");
	tx = begin(fx, STORE_TX_WRITE);
	transition_fill(&t, CASE_1, 1, "", "investigation");
	assert_ok(store_case_transition_insert(tx, &t, &err), &err);
	assert_ok(store_case_officer_add(tx, &o, &err), &err);
	evidence_fill(&e, EVIDENCE_1, CASE_1, T0, 1);
	assert_ok(store_evidence_insert(tx, &e, &err), &err);
	assert_ok(store_evidence_delete(tx, EVIDENCE_1, "r", T0, "u", &err), &err);
	access_fill(&a, 1, CASE_1, AGENCY_A, T0);
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	assert_ok(store_recording_exemption_insert(tx, &x, &err), &err);
	memset(&u, 0, sizeof(u));
	snprintf(u.id, sizeof(u.id), UPLOAD_1);
	meta_fill(&u.meta, CASE_1, "audio");
	snprintf(u.status, sizeof(u.status), "open");
	snprintf(u.created_at, sizeof(u.created_at), T0);
	snprintf(u.created_by, sizeof(u.created_by), "u");
	assert_ok(store_upload_insert(tx, &u, &err), &err);
	commit(tx);

	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(statements); i++) {
		sx_error_clear(&err);
		if (db_exec(db, statements[i], &err) != SX_EPERM ||
		    strcmp(err.code, "append_only") != 0)
			fail_msg("\"%s\" was not refused: %s %s", statements[i], err.code,
				 err.detail);
	}
	db_close(db);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_record_get(&got, tx, RECORD_1, false, &err), &err);
	assert_string_equal(got.title, "行政处罚告知书");
	store_case_record_clear(&got);
	assert_ok(store_table_row_count(&n, tx, "case_transition", &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_table_row_count(&n, tx, "case_file", &err), &err);
	assert_int_equal(n, 1);
	store_rollback(tx);
}

/* ---- allocation failure ---- */

/* One read operation that allocates; frees what it got. */
typedef int (*alloc_op)(struct store_tx *tx, struct sx_error *err);

static int op_case_list(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_filter f = {NULL, "11", NULL, NULL, true, NULL, 100, 0};
	struct store_case *rows = NULL;
	size_t n = 0;
	int rc = store_case_list(&rows, &n, tx, &f, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 3);
	sx_free(rows);
	return rc;
}

static int op_records_with_bodies(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_record *rows = NULL;
	size_t n = 0;
	int rc = store_case_records(&rows, &n, tx, CASE_1, true, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 2);
	store_case_records_free(rows, n);
	return rc;
}

static int op_record_get_with_bodies(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_record r;
	int rc = store_case_record_get(&r, tx, RECORD_1, true, err);

	if (rc < 0)
		assert_true(r.values_json == NULL && r.body_text == NULL);
	store_case_record_clear(&r);
	return rc;
}

static int op_case_officers(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_officer *rows = NULL;
	size_t n = 0;
	int rc = store_case_officers(&rows, &n, tx, CASE_1, err);

	assert_true(rc < 0 ? rows == NULL : n == 1);
	sx_free(rows);
	return rc;
}

static int op_evidence_and_access(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_access_filter f = {CASE_1, NULL, "11", 10, 0};
	struct store_evidence *ev = NULL;
	struct store_case_access *acc = NULL;
	struct store_case_transition *tr = NULL;
	struct store_recording_exemption *ex = NULL;
	struct store_case_record_officer *ro = NULL;
	size_t n = 0;
	int rc;

	if ((rc = store_evidence_list(&ev, &n, tx, CASE_1, err)) == 0 &&
	    (rc = store_case_access_list(&acc, &n, tx, &f, err)) == 0 &&
	    (rc = store_case_transitions(&tr, &n, tx, CASE_1, err)) == 0 &&
	    (rc = store_recording_exemptions(&ex, &n, tx, CASE_1, err)) == 0)
		rc = store_case_record_officers(&ro, &n, tx, RECORD_1, err);
	sx_free(ev);
	sx_free(acc);
	sx_free(tr);
	sx_free(ex);
	sx_free(ro);
	return rc;
}

static void test_reads_clean_up_when_an_allocation_fails(void **state)
{
	static const alloc_op ops[] = {op_case_list, op_records_with_bodies,
				       op_record_get_with_bodies, op_case_officers,
				       op_evidence_and_access};
	struct fixture *fx = *state;
	struct store_case_record r1, r2;
	struct store_case_record_officer ro = {RECORD_1, OFFICER_1, "张明", "A-0002"};
	struct store_case_transition t;
	struct store_evidence e;
	struct store_case_access a;
	struct store_recording_exemption x = {"01J00000000000000000EXM001", CASE_1, "serve", "故障",
					      T0, "u"};
	struct store_tx *tx;
	struct sx_error err;

	insert_list_cases(fx);
	insert_records(fx, &r1, &r2);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_record_officer_add(tx, &ro, &err), &err);
	transition_fill(&t, CASE_1, 1, "", "investigation");
	assert_ok(store_case_transition_insert(tx, &t, &err), &err);
	evidence_fill(&e, EVIDENCE_1, CASE_1, T0, 1);
	assert_ok(store_evidence_insert(tx, &e, &err), &err);
	access_fill(&a, 1, CASE_1, AGENCY_A, T0);
	assert_ok(store_case_access_insert(tx, &a, &err), &err);
	assert_ok(store_recording_exemption_insert(tx, &x, &err), &err);
	commit(tx);

	for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
		bool succeeded = false;
		int failures = 0;

		for (int n = 0; n < 200 && !succeeded; n++) {
			int rc;

			tx = begin(fx, STORE_TX_READ);
			sx_error_clear(&err);
			sx_mem_fail_after(n);
			rc = ops[i](tx, &err);
			sx_mem_fail_after(-1);
			store_rollback(tx);
			if (rc < 0) {
				if (rc != SX_ENOMEM)
					fail_msg("op %zu, allocation %d: rc %d %s %s", i, n, rc,
						 err.code, err.detail);
				failures++;
				continue;
			}
			succeeded = true;
		}
		assert_true(succeeded);
		/* The op allocates: the first allocation failing must have been seen. */
		assert_true(failures > 0);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_case_settings_round_trip_and_a_second_put_replaces_the_first),
		T(test_case_round_trips_every_field_by_id_and_by_case_number),
		T(test_case_number_is_unique_per_agency_only),
		T(test_case_update_moves_the_stage_and_rewrites_only_the_changing_columns),
		T(test_case_update_with_a_stale_stage_is_refused_and_changes_nothing),
		T(test_case_list_filters_by_each_field_and_its_count_agrees),
		T(test_case_list_refuses_bad_paging_and_a_null_filter),
		T(test_stage_counts_are_per_agency_or_over_all_and_stop_on_error),
		T(test_case_officers_join_the_whole_officer_row_lead_first),
		T(test_transitions_keep_seq_order_and_refuse_a_taken_number),
		T(test_doc_counter_counts_per_agency_word_and_year_and_a_rollback_gives_back),
		T(test_record_round_trips_with_and_without_its_bodies),
		T(test_record_refuses_a_taken_number_and_missing_bodies),
		T(test_record_officers_keep_the_name_and_certificate_of_the_day),
		T(test_upload_round_trips_and_finishes_only_once),
		T(test_evidence_deletion_shows_in_the_rows_and_the_blob_reference_count),
		T(test_recording_exemptions_round_trip_and_need_a_reason),
		T(test_case_access_log_filters_and_lists_newest_first),
		T(test_setting_put_inserts_then_replaces_and_get_refuses_to_truncate),
		T(test_history_tables_refuse_update_and_delete_in_the_database),
		T(test_reads_clean_up_when_an_allocation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
