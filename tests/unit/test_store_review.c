/*
 * Unit tests for store/store_review (重大执法决定法制审核, sql 0008) on both
 * backends: catalog versions, drafts and reviews are numbered 1, 2, … and a
 * repeated or skipped number is refused; every row struct round-trips with
 * all its fields, its owned bodies byte for byte (Chinese text, a 6000-byte
 * opinion); a review update against a stale status is refused and changes
 * nothing, and the submission columns are never rewritten; the review list
 * filters by each field of store_review_filter, orders accepted reviews by
 * due date first, pages, and its count agrees; the staffing counts leave out
 * disabled reviewers and officers whose certificate is not valid that day;
 * settings default without a row and upsert; catalog, drafts and discussions
 * refuse UPDATE and DELETE in the database itself and reviews refuse DELETE;
 * and the functions that allocate clean up when an allocation fails (ASan
 * reports leaks).
 *
 * Every test makes its own database with tests/support/testdb (a file in a
 * fresh mkdtemp directory, or a fresh PostgreSQL database when
 * SANXIANG_TEST_BACKEND=postgresql) with two agencies, three officers and
 * four cases inserted through the store, and removes both afterwards.
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
#include "store/store_review.h"
#include "testdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define AGENCY_A "01J00000000000000000AGENA1" /* region 110101 */
#define AGENCY_B "01J00000000000000000AGENB2" /* region 330100 */
#define OFFICER_1 "01J00000000000000000OFF001" /* agency A, valid 2025-01-01..2030-12-31 */
#define OFFICER_2 "01J00000000000000000OFF002" /* agency A, valid 2025-01-01..2030-12-31 */
#define OFFICER_3 "01J00000000000000000OFF003" /* agency B, valid 2025-01-01..2030-12-31 */
#define CASE_1 "01J00000000000000000CASE01"   /* agency A */
#define CASE_2 "01J00000000000000000CASE02"   /* agency A */
#define CASE_3 "01J00000000000000000CASE03"   /* agency A */
#define CASE_4 "01J00000000000000000CASE04"   /* agency B */
#define DRAFT_1 "01J00000000000000000DRAF01"  /* CASE_1 v1 */
#define DRAFT_2 "01J00000000000000000DRAF02"  /* CASE_2 v1 */
#define DRAFT_3 "01J00000000000000000DRAF03"  /* CASE_3 v1 */
#define DRAFT_4 "01J00000000000000000DRAF04"  /* CASE_4 v1 */
#define REVIEW_1 "01J00000000000000000REVW01"
#define REVIEW_2 "01J00000000000000000REVW02"
#define REVIEW_3 "01J00000000000000000REVW03"
#define REVIEW_4 "01J00000000000000000REVW04"
#define REVIEW_5 "01J00000000000000000REVW05"
#define REVIEW_6 "01J00000000000000000REVW06"
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

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

static void case_fill(struct store_case *c, const char *id, const char *agency_id,
		      const char *case_no)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->agency_id, sizeof(c->agency_id), "%s", agency_id);
	snprintf(c->case_no, sizeof(c->case_no), "%s", case_no);
	snprintf(c->kind, sizeof(c->kind), "penalty");
	snprintf(c->procedure, sizeof(c->procedure), "general");
	snprintf(c->matter_code, sizeof(c->matter_code), "330217001000");
	snprintf(c->matter_name, sizeof(c->matter_name), "对销售不符合安全标准的食品的处罚");
	c->list_version = 1;
	snprintf(c->cause, sizeof(c->cause), "涉嫌销售过期食品案");
	snprintf(c->party_type, sizeof(c->party_type), "organization");
	snprintf(c->party_name, sizeof(c->party_name), "某食品有限公司");
	snprintf(c->stage, sizeof(c->stage), "review");
	c->major = true;
	snprintf(c->started_on, sizeof(c->started_on), "2026-01-05");
	snprintf(c->due_on, sizeof(c->due_on), "2026-04-05");
	snprintf(c->created_at, sizeof(c->created_at), T0);
	snprintf(c->created_by, sizeof(c->created_by), "01J00000000000000000USER01");
	snprintf(c->updated_at, sizeof(c->updated_at), T0);
}

static int setup(void **state)
{
	static const struct {
		const char *id, *agency_id, *case_no;
	} cases[] = {
		{CASE_1, AGENCY_A, "示市监案〔2026〕1号"},
		{CASE_2, AGENCY_A, "示市监案〔2026〕2号"},
		{CASE_3, AGENCY_A, "示市监案〔2026〕3号"},
		{CASE_4, AGENCY_B, "乙环案〔2026〕1号"},
	};
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx;
	struct store_tx *tx = NULL;
	struct store_agency a, b;
	struct store_officer o;
	struct store_case c;
	struct sx_error err;

	sx_mem_fail_after(-1);
	sx_error_clear(&err);
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_review_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
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
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
	officer_fill(&o, OFFICER_2, AGENCY_A, "李华", "A-0001");
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
	officer_fill(&o, OFFICER_3, AGENCY_B, "王芳", "B-0001");
	if (store_officer_insert(tx, &o, &err) < 0)
		goto fail;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		case_fill(&c, cases[i].id, cases[i].agency_id, cases[i].case_no);
		if (store_case_insert(tx, &c, &err) < 0)
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

/* A string of `bytes` bytes (a multiple of 3 plus what is left in ASCII) of Chinese text
 * with a newline now and then, in a new buffer (free). */
static char *long_chinese(size_t bytes)
{
	static const char *const chars[] = {"审", "核", "意", "见", "：", "同", "意", "。"};
	char *s = malloc(bytes + 1);
	size_t n = 0;

	assert_non_null(s);
	for (size_t i = 0; n + 3 <= bytes; i++) {
		memcpy(s + n, chars[i % ARRAY_LEN(chars)], 3);
		n += 3;
	}
	for (; n < bytes; n++)
		s[n] = (n % 50 == 0) ? '\n' : 'x';
	s[n] = '\0';
	assert_int_equal(strlen(s), bytes);
	return s;
}

/* ---- catalog ---- */

static void catalog_fill(struct store_major_catalog *c, const char *agency_id, int64_t version,
			 char *body)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->agency_id, sizeof(c->agency_id), "%s", agency_id);
	c->version = version;
	c->body = body;
	snprintf(c->body_sha256, sizeof(c->body_sha256), "%s", version % 2 ? SHA_A : SHA_B);
	snprintf(c->note, sizeof(c->note), "第%lld版：增加吊销许可证", (long long)version);
	snprintf(c->published_at, sizeof(c->published_at), "2026-01-0%lldT00:00:00.000000Z",
		 (long long)version);
	snprintf(c->published_by, sizeof(c->published_by), "01J00000000000000000USER09");
	snprintf(c->published_by_name, sizeof(c->published_by_name), "法制科 周审");
}

static void assert_catalog_equal(const struct store_major_catalog *got,
				 const struct store_major_catalog *want)
{
	assert_string_equal(got->agency_id, want->agency_id);
	assert_int_equal(got->version, want->version);
	assert_non_null(got->body);
	assert_string_equal(got->body, want->body);
	assert_string_equal(got->body_sha256, want->body_sha256);
	assert_string_equal(got->note, want->note);
	assert_string_equal(got->published_at, want->published_at);
	assert_string_equal(got->published_by, want->published_by);
	assert_string_equal(got->published_by_name, want->published_by_name);
}

static void test_catalog_versions_count_up_and_a_repeated_or_skipped_version_is_refused(
	void **state)
{
	struct fixture *fx = *state;
	char body1[] = "{\"rules\":[{\"act\":\"revoke_license\",\"label\":\"吊销许可证\"}]}";
	char body2[] = "{\"rules\":[{\"act\":\"fine\",\"min_fen\":10000000}]}";
	struct store_major_catalog c1, c2, c, got, *versions = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	catalog_fill(&c1, AGENCY_A, 1, body1);
	catalog_fill(&c2, AGENCY_A, 2, body2);

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_major_catalog_latest(&got, tx, AGENCY_A, &err), SX_ENOTFOUND,
		     "catalog_not_found", &err);
	assert_null(got.body);
	assert_ok(store_major_catalog_versions(&versions, &n, tx, AGENCY_A, &err), &err);
	assert_null(versions);
	assert_int_equal(n, 0);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_WRITE);
	/* The first version is 1: not 2, not 0. */
	catalog_fill(&c, AGENCY_A, 2, body2);
	assert_fails(store_major_catalog_insert(tx, &c, &err), SX_EEXISTS, "catalog_version_exists",
		     &err);
	assert_true(err.message[0] != '\0');
	c.version = 0;
	assert_fails(store_major_catalog_insert(tx, &c, &err), SX_EINVALID, NULL, &err);
	c.version = 1;
	c.body = NULL;
	assert_fails(store_major_catalog_insert(tx, &c, &err), SX_EINVALID, NULL, &err);
	assert_ok(store_major_catalog_insert(tx, &c1, &err), &err);
	assert_ok(store_major_catalog_insert(tx, &c2, &err), &err);
	/* Repeated and skipped. */
	assert_fails(store_major_catalog_insert(tx, &c2, &err), SX_EEXISTS,
		     "catalog_version_exists", &err);
	catalog_fill(&c, AGENCY_A, 4, body2);
	assert_fails(store_major_catalog_insert(tx, &c, &err), SX_EEXISTS, "catalog_version_exists",
		     &err);
	/* Numbering is per agency. */
	catalog_fill(&c, AGENCY_B, 1, body1);
	assert_ok(store_major_catalog_insert(tx, &c, &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_major_catalog_latest(&got, tx, AGENCY_A, &err), &err);
	assert_catalog_equal(&got, &c2);
	store_major_catalog_clear(&got);
	assert_null(got.body);
	assert_ok(store_major_catalog_versions(&versions, &n, tx, AGENCY_A, &err), &err);
	assert_int_equal(n, 2);
	assert_catalog_equal(&versions[0], &c2);
	assert_catalog_equal(&versions[1], &c1);
	store_major_catalogs_free(versions, n);
	store_major_catalogs_free(NULL, 0);
	store_major_catalog_clear(NULL);
	store_rollback(tx);
}

/* ---- settings ---- */

static void test_review_settings_default_without_a_row_and_a_second_put_replaces_the_first(
	void **state)
{
	struct fixture *fx = *state;
	struct store_review_settings s, got;
	struct store_tx *tx;
	struct sx_error err;

	tx = begin(fx, STORE_TX_READ);
	memset(&got, 0x55, sizeof(got));
	assert_ok(store_review_settings_get(&got, tx, AGENCY_A, &err), &err);
	assert_string_equal(got.agency_id, AGENCY_A);
	assert_false(got.unit_pre_review);
	assert_string_equal(got.updated_at, "");
	assert_string_equal(got.updated_by, "");
	assert_fails(store_review_settings_get(&got, tx, "", &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);

	memset(&s, 0, sizeof(s));
	snprintf(s.agency_id, sizeof(s.agency_id), AGENCY_A);
	s.unit_pre_review = true;
	snprintf(s.updated_at, sizeof(s.updated_at), T0);
	snprintf(s.updated_by, sizeof(s.updated_by), "01J00000000000000000USER01");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_review_settings_put(tx, &s, &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_settings_get(&got, tx, AGENCY_A, &err), &err);
	assert_true(got.unit_pre_review);
	assert_string_equal(got.updated_at, T0);
	assert_string_equal(got.updated_by, "01J00000000000000000USER01");
	/* The other agency still has the defaults. */
	assert_ok(store_review_settings_get(&got, tx, AGENCY_B, &err), &err);
	assert_false(got.unit_pre_review);
	store_rollback(tx);

	s.unit_pre_review = false;
	snprintf(s.updated_at, sizeof(s.updated_at), "2026-02-02T00:00:00.000000Z");
	snprintf(s.updated_by, sizeof(s.updated_by), "cli:root");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_review_settings_put(tx, &s, &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_settings_get(&got, tx, AGENCY_A, &err), &err);
	assert_false(got.unit_pre_review);
	assert_string_equal(got.updated_at, "2026-02-02T00:00:00.000000Z");
	assert_string_equal(got.updated_by, "cli:root");
	store_rollback(tx);
}

/* ---- drafts ---- */

static void draft_fill(struct store_case_draft *d, const char *id, const char *case_id,
		       int64_t version, char *body)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->case_id, sizeof(d->case_id), "%s", case_id);
	d->version = version;
	d->body = body;
	snprintf(d->body_sha256, sizeof(d->body_sha256), SHA_A);
	snprintf(d->acts, sizeof(d->acts), "fine confiscate");
	d->fine_fen = 5000000 + version;
	d->confiscation_fen = 120000;
	d->coercion_value_fen = 7;
	d->public_interest = true;
	d->complex = false;
	d->multi_agency = true;
	snprintf(d->note, sizeof(d->note), "按审核意见调整罚款数额");
	snprintf(d->created_at, sizeof(d->created_at), "2026-02-0%lldT08:00:00.000000Z",
		 (long long)version);
	snprintf(d->created_by, sizeof(d->created_by), "01J00000000000000000USER01");
	snprintf(d->created_by_name, sizeof(d->created_by_name), "张明");
}

static void assert_draft_equal(const struct store_case_draft *got,
			       const struct store_case_draft *want)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->case_id, want->case_id);
	assert_int_equal(got->version, want->version);
	assert_non_null(got->body);
	assert_string_equal(got->body, want->body);
	assert_string_equal(got->body_sha256, want->body_sha256);
	assert_string_equal(got->acts, want->acts);
	assert_int_equal(got->fine_fen, want->fine_fen);
	assert_int_equal(got->confiscation_fen, want->confiscation_fen);
	assert_int_equal(got->coercion_value_fen, want->coercion_value_fen);
	assert_int_equal(got->public_interest, want->public_interest);
	assert_int_equal(got->complex, want->complex);
	assert_int_equal(got->multi_agency, want->multi_agency);
	assert_string_equal(got->note, want->note);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
	assert_string_equal(got->created_by_name, want->created_by_name);
}

static char DRAFT_BODY[] = "{\"fine_fen\":5000000,\"penalty_content\":\"罚款五万元\"}";

/* DRAFT_1..DRAFT_4: version 1 of each case. */
static void insert_drafts(struct fixture *fx)
{
	static const char *const ids[] = {DRAFT_1, DRAFT_2, DRAFT_3, DRAFT_4};
	static const char *const case_ids[] = {CASE_1, CASE_2, CASE_3, CASE_4};
	struct store_case_draft d;
	struct store_tx *tx = begin(fx, STORE_TX_WRITE);
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		draft_fill(&d, ids[i], case_ids[i], 1, DRAFT_BODY);
		assert_ok(store_case_draft_insert(tx, &d, &err), &err);
	}
	commit(tx);
}

static void test_drafts_round_trip_every_field_and_count_up_per_case(void **state)
{
	struct fixture *fx = *state;
	char body2[] = "{\"fine_fen\":3000000,\"penalty_content\":\"罚款三万元\"}";
	struct store_case_draft d1, d2, d, got, *drafts = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	draft_fill(&d1, DRAFT_1, CASE_1, 1, DRAFT_BODY);
	draft_fill(&d2, "01J00000000000000000DRAF12", CASE_1, 2, body2);
	d2.public_interest = false;
	d2.complex = true;
	d2.multi_agency = false;
	d2.note[0] = '\0';

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_case_draft_latest(&got, tx, CASE_1, &err), SX_ENOTFOUND,
		     "draft_not_found", &err);
	store_rollback(tx);

	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_case_draft_insert(tx, &d1, &err), &err);
	/* Repeated, skipped, and an id taken with the right number. */
	assert_fails(store_case_draft_insert(tx, &d1, &err), SX_EEXISTS, "draft_version_exists",
		     &err);
	draft_fill(&d, "01J00000000000000000DRAF13", CASE_1, 3, body2);
	assert_fails(store_case_draft_insert(tx, &d, &err), SX_EEXISTS, "draft_version_exists",
		     &err);
	assert_ok(store_case_draft_insert(tx, &d2, &err), &err);
	/* Numbering is per case. */
	draft_fill(&d, DRAFT_2, CASE_2, 1, DRAFT_BODY);
	assert_ok(store_case_draft_insert(tx, &d, &err), &err);
	draft_fill(&d, "01J00000000000000000DRAF14", CASE_3, 1, NULL);
	assert_fails(store_case_draft_insert(tx, &d, &err), SX_EINVALID, NULL, &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_draft_get(&got, tx, DRAFT_1, &err), &err);
	assert_draft_equal(&got, &d1);
	store_case_draft_clear(&got);
	assert_ok(store_case_draft_latest(&got, tx, CASE_1, &err), &err);
	assert_draft_equal(&got, &d2);
	store_case_draft_clear(&got);
	assert_fails(store_case_draft_get(&got, tx, "01J00000000000000000NONE00", &err),
		     SX_ENOTFOUND, "draft_not_found", &err);
	assert_fails(store_case_draft_get(&got, tx, "", &err), SX_ENOTFOUND, "draft_not_found",
		     &err);
	assert_ok(store_case_drafts(&drafts, &n, tx, CASE_1, &err), &err);
	assert_int_equal(n, 2);
	assert_draft_equal(&drafts[0], &d2);
	assert_draft_equal(&drafts[1], &d1);
	store_case_drafts_free(drafts, n);
	assert_ok(store_case_drafts(&drafts, &n, tx, CASE_4, &err), &err);
	assert_null(drafts);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

/* ---- reviews ---- */

/* A review as submitted: the later columns "" and the bodies NULL. */
static void review_fill(struct store_review *r, const char *id, const char *case_id,
			const char *agency_id, int64_t seq, const char *draft_id,
			const char *status, const char *submitted_at)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->case_id, sizeof(r->case_id), "%s", case_id);
	snprintf(r->agency_id, sizeof(r->agency_id), "%s", agency_id);
	r->seq = seq;
	snprintf(r->draft_id, sizeof(r->draft_id), "%s", draft_id);
	snprintf(r->draft_sha256, sizeof(r->draft_sha256), SHA_A);
	snprintf(r->status, sizeof(r->status), "%s", status);
	r->urgent = false;
	r->materials = 0x3ff;
	r->missing = 0;
	snprintf(r->submitted_at, sizeof(r->submitted_at), "%s", submitted_at);
	snprintf(r->submitted_by, sizeof(r->submitted_by), "01J00000000000000000USER01");
	snprintf(r->submitted_by_name, sizeof(r->submitted_by_name), "张明");
	snprintf(r->submit_note, sizeof(r->submit_note), "请审核");
	snprintf(r->updated_at, sizeof(r->updated_at), "%s", submitted_at);
}

/* Sets every column after the submission to something distinct. */
static void review_fill_rest(struct store_review *r, char *checklist, char *opinion)
{
	snprintf(r->returned_at, sizeof(r->returned_at), "2026-02-03T00:00:00.000000Z");
	snprintf(r->returned_reason, sizeof(r->returned_reason), "缺少听证笔录");
	snprintf(r->pre_review_result, sizeof(r->pre_review_result), "pass");
	snprintf(r->pre_review_at, sizeof(r->pre_review_at), "2026-02-04T00:00:00.000000Z");
	snprintf(r->pre_review_by, sizeof(r->pre_review_by), "01J00000000000000000USER02");
	snprintf(r->pre_review_by_name, sizeof(r->pre_review_by_name), "王芳");
	snprintf(r->pre_review_note, sizeof(r->pre_review_note), "初审通过");
	snprintf(r->reviewer_id, sizeof(r->reviewer_id), "01J00000000000000000USER03");
	snprintf(r->reviewer_name, sizeof(r->reviewer_name), "周审");
	snprintf(r->accepted_at, sizeof(r->accepted_at), "2026-02-05T00:00:00.000000Z");
	snprintf(r->accepted_on, sizeof(r->accepted_on), "2026-02-05");
	snprintf(r->due_on, sizeof(r->due_on), "2026-02-12");
	r->extended = true;
	snprintf(r->extension_reason, sizeof(r->extension_reason), "案情复杂");
	snprintf(r->extension_by, sizeof(r->extension_by), "01J00000000000000000USER04");
	snprintf(r->extension_by_name, sizeof(r->extension_by_name), "局长");
	snprintf(r->extension_at, sizeof(r->extension_at), "2026-02-06T00:00:00.000000Z");
	r->checklist = checklist;
	snprintf(r->conclusion, sizeof(r->conclusion), "amend");
	r->opinion = opinion;
	snprintf(r->opinion_record_id, sizeof(r->opinion_record_id), "01J00000000000000000RECD01");
	snprintf(r->concluded_at, sizeof(r->concluded_at), "2026-02-07T00:00:00.000000Z");
	snprintf(r->objection, sizeof(r->objection), "罚款过重");
	snprintf(r->objected_at, sizeof(r->objected_at), "2026-02-08T00:00:00.000000Z");
	snprintf(r->objected_by, sizeof(r->objected_by), "01J00000000000000000USER01");
	snprintf(r->objected_by_name, sizeof(r->objected_by_name), "张明");
	snprintf(r->coordination_result, sizeof(r->coordination_result), "maintained");
	snprintf(r->coordination, sizeof(r->coordination), "维持原审核意见");
	snprintf(r->coordinated_at, sizeof(r->coordinated_at), "2026-02-09T00:00:00.000000Z");
	snprintf(r->coordinated_by, sizeof(r->coordinated_by), "01J00000000000000000USER05");
	snprintf(r->coordinated_by_name, sizeof(r->coordinated_by_name), "法制科长");
	snprintf(r->head_decision, sizeof(r->head_decision), "uphold");
	snprintf(r->head_reason, sizeof(r->head_reason), "同意法制审核意见");
	snprintf(r->head_at, sizeof(r->head_at), "2026-02-10T00:00:00.000000Z");
	snprintf(r->head_by, sizeof(r->head_by), "01J00000000000000000USER04");
	snprintf(r->head_by_name, sizeof(r->head_by_name), "局长");
	snprintf(r->updated_at, sizeof(r->updated_at), "2026-02-10T00:00:00.000000Z");
}

static void assert_body_equal(const char *got, const char *want)
{
	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_int_equal(strlen(got), strlen(want));
	assert_memory_equal(got, want, strlen(want));
}

static void assert_review_equal(const struct store_review *got, const struct store_review *want,
				bool bodies)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->case_id, want->case_id);
	assert_string_equal(got->agency_id, want->agency_id);
	assert_int_equal(got->seq, want->seq);
	assert_string_equal(got->draft_id, want->draft_id);
	assert_string_equal(got->draft_sha256, want->draft_sha256);
	assert_string_equal(got->status, want->status);
	assert_int_equal(got->urgent, want->urgent);
	assert_int_equal(got->materials, want->materials);
	assert_int_equal(got->missing, want->missing);
	assert_string_equal(got->submitted_at, want->submitted_at);
	assert_string_equal(got->submitted_by, want->submitted_by);
	assert_string_equal(got->submitted_by_name, want->submitted_by_name);
	assert_string_equal(got->submit_note, want->submit_note);
	assert_string_equal(got->returned_at, want->returned_at);
	assert_string_equal(got->returned_reason, want->returned_reason);
	assert_string_equal(got->pre_review_result, want->pre_review_result);
	assert_string_equal(got->pre_review_at, want->pre_review_at);
	assert_string_equal(got->pre_review_by, want->pre_review_by);
	assert_string_equal(got->pre_review_by_name, want->pre_review_by_name);
	assert_string_equal(got->pre_review_note, want->pre_review_note);
	assert_string_equal(got->reviewer_id, want->reviewer_id);
	assert_string_equal(got->reviewer_name, want->reviewer_name);
	assert_string_equal(got->accepted_at, want->accepted_at);
	assert_string_equal(got->accepted_on, want->accepted_on);
	assert_string_equal(got->due_on, want->due_on);
	assert_int_equal(got->extended, want->extended);
	assert_string_equal(got->extension_reason, want->extension_reason);
	assert_string_equal(got->extension_by, want->extension_by);
	assert_string_equal(got->extension_by_name, want->extension_by_name);
	assert_string_equal(got->extension_at, want->extension_at);
	if (bodies) {
		assert_body_equal(got->checklist, want->checklist);
		assert_body_equal(got->opinion, want->opinion);
	} else {
		assert_null(got->checklist);
		assert_null(got->opinion);
	}
	assert_string_equal(got->conclusion, want->conclusion);
	assert_string_equal(got->opinion_record_id, want->opinion_record_id);
	assert_string_equal(got->concluded_at, want->concluded_at);
	assert_string_equal(got->objection, want->objection);
	assert_string_equal(got->objected_at, want->objected_at);
	assert_string_equal(got->objected_by, want->objected_by);
	assert_string_equal(got->objected_by_name, want->objected_by_name);
	assert_string_equal(got->coordination_result, want->coordination_result);
	assert_string_equal(got->coordination, want->coordination);
	assert_string_equal(got->coordinated_at, want->coordinated_at);
	assert_string_equal(got->coordinated_by, want->coordinated_by);
	assert_string_equal(got->coordinated_by_name, want->coordinated_by_name);
	assert_string_equal(got->head_decision, want->head_decision);
	assert_string_equal(got->head_reason, want->head_reason);
	assert_string_equal(got->head_at, want->head_at);
	assert_string_equal(got->head_by, want->head_by);
	assert_string_equal(got->head_by_name, want->head_by_name);
	assert_string_equal(got->updated_at, want->updated_at);
}

static void insert_review(struct fixture *fx, const struct store_review *r)
{
	struct store_tx *tx = begin(fx, STORE_TX_WRITE);
	struct sx_error err;

	assert_ok(store_review_insert(tx, r, &err), &err);
	commit(tx);
}

static void test_review_round_trips_every_field_and_its_bodies_byte_for_byte(void **state)
{
	struct fixture *fx = *state;
	char checklist[] = "[{\"item\":\"主体合法\",\"ok\":true},{\"item\":\"程序合法\",\"ok\":true}]";
	char *opinion = long_chinese(6000);
	struct store_review r, plain, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_drafts(fx);
	/* Every column set (a review copied from another system, say). */
	review_fill(&r, REVIEW_1, CASE_1, AGENCY_A, 1, DRAFT_1, "concluded",
		    "2026-02-02T00:00:00.000000Z");
	r.urgent = true;
	r.materials = 0x155;
	r.missing = 0x2a;
	review_fill_rest(&r, checklist, opinion);
	insert_review(fx, &r);
	/* Just submitted: "" and NULL bodies stay "" and NULL. */
	review_fill(&plain, REVIEW_2, CASE_2, AGENCY_A, 1, DRAFT_2, "pre_review",
		    "2026-02-03T00:00:00.000000Z");
	insert_review(fx, &plain);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_get(&got, tx, REVIEW_1, &err), &err);
	assert_review_equal(&got, &r, true);
	store_review_clear(&got);
	assert_null(got.opinion);
	assert_ok(store_review_latest(&got, tx, CASE_2, &err), &err);
	assert_review_equal(&got, &plain, true);
	store_review_clear(&got);
	assert_fails(store_review_get(&got, tx, "01J00000000000000000NONE00", &err), SX_ENOTFOUND,
		     "review_not_found", &err);
	assert_fails(store_review_latest(&got, tx, CASE_3, &err), SX_ENOTFOUND, "review_not_found",
		     &err);
	store_review_clear(NULL);
	store_reviews_free(NULL, 0);
	store_rollback(tx);
	free(opinion);
}

static void test_review_seq_must_be_the_next_number_of_its_case(void **state)
{
	struct fixture *fx = *state;
	struct store_review r, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_drafts(fx);
	review_fill(&r, REVIEW_1, CASE_1, AGENCY_A, 2, DRAFT_1, "pre_review", T0);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_review_insert(tx, &r, &err), SX_EEXISTS, "review_exists", &err);
	r.seq = 0;
	assert_fails(store_review_insert(tx, &r, &err), SX_EINVALID, NULL, &err);
	r.seq = 1;
	assert_ok(store_review_insert(tx, &r, &err), &err);
	/* A second submission with the number already taken: a double submit. */
	review_fill(&r, REVIEW_2, CASE_1, AGENCY_A, 1, DRAFT_1, "pre_review", T0);
	assert_fails(store_review_insert(tx, &r, &err), SX_EEXISTS, "review_exists", &err);
	assert_true(err.message[0] != '\0');
	r.seq = 3;
	assert_fails(store_review_insert(tx, &r, &err), SX_EEXISTS, "review_exists", &err);
	r.seq = 2;
	assert_ok(store_review_insert(tx, &r, &err), &err);
	/* A status outside the list is refused by the database. */
	review_fill(&r, REVIEW_3, CASE_2, AGENCY_A, 1, DRAFT_2, "approved", T0);
	assert_fails(store_review_insert(tx, &r, &err), SX_EINVALID, NULL, &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_latest(&got, tx, CASE_1, &err), &err);
	assert_string_equal(got.id, REVIEW_2);
	assert_int_equal(got.seq, 2);
	store_review_clear(&got);
	store_rollback(tx);
}

static void test_review_update_rewrites_the_state_but_never_the_submission(void **state)
{
	struct fixture *fx = *state;
	char checklist[] = "[{\"item\":\"证据确凿\",\"ok\":false}]";
	char opinion[] = "建议将罚款数额调整为三万元。";
	struct store_review submitted, r, want, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_drafts(fx);
	review_fill(&submitted, REVIEW_1, CASE_1, AGENCY_A, 1, DRAFT_1, "pre_review", T0);
	insert_review(fx, &submitted);

	/* pre_review → concluded with every later column set; the submission in r is changed
	 * too, and must not be written. */
	r = submitted;
	snprintf(r.status, sizeof(r.status), "concluded");
	review_fill_rest(&r, checklist, opinion);
	want = r;
	r.urgent = true;
	r.materials = 1;
	r.missing = 2;
	snprintf(r.draft_id, sizeof(r.draft_id), DRAFT_2);
	snprintf(r.submitted_at, sizeof(r.submitted_at), "2030-01-01T00:00:00.000000Z");
	snprintf(r.submitted_by_name, sizeof(r.submitted_by_name), "别人");
	snprintf(r.submit_note, sizeof(r.submit_note), "改过的");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_review_update(tx, &r, "pre_review", &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_get(&got, tx, REVIEW_1, &err), &err);
	assert_review_equal(&got, &want, true);
	store_review_clear(&got);
	store_rollback(tx);

	/* A change that keeps the status names it as expected; bodies may go back to NULL. */
	r = want;
	r.checklist = NULL;
	r.opinion = NULL;
	snprintf(r.updated_at, sizeof(r.updated_at), "2026-03-01T00:00:00.000000Z");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_review_update(tx, &r, "concluded", &err), &err);
	assert_fails(store_review_update(tx, &r, "", &err), SX_EINVALID, NULL, &err);
	assert_fails(store_review_update(tx, NULL, "concluded", &err), SX_EINVALID, NULL, &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_get(&got, tx, REVIEW_1, &err), &err);
	assert_review_equal(&got, &r, true);
	store_review_clear(&got);
	store_rollback(tx);
}

static void test_review_update_with_a_stale_status_is_refused_and_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_review submitted, r, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_drafts(fx);
	review_fill(&submitted, REVIEW_1, CASE_1, AGENCY_A, 1, DRAFT_1, "pre_review", T0);
	insert_review(fx, &submitted);

	/* Two reviewers both saw pre_review; the first accepts, the second is refused. */
	r = submitted;
	snprintf(r.status, sizeof(r.status), "accepted");
	snprintf(r.reviewer_id, sizeof(r.reviewer_id), "01J00000000000000000USER03");
	snprintf(r.due_on, sizeof(r.due_on), "2026-02-12");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_review_update(tx, &r, "pre_review", &err), &err);
	commit(tx);

	r = submitted;
	snprintf(r.status, sizeof(r.status), "returned");
	snprintf(r.returned_reason, sizeof(r.returned_reason), "材料不全");
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_review_update(tx, &r, "pre_review", &err), SX_ECONFLICT, "stale_review",
		     &err);
	assert_true(err.message[0] != '\0');
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_get(&got, tx, REVIEW_1, &err), &err);
	assert_string_equal(got.status, "accepted");
	assert_string_equal(got.reviewer_id, "01J00000000000000000USER03");
	assert_string_equal(got.returned_reason, "");
	store_review_clear(&got);
	store_rollback(tx);
}

static void test_review_update_of_a_missing_review_is_not_found(void **state)
{
	struct fixture *fx = *state;
	struct store_review r;
	struct store_tx *tx;
	struct sx_error err;
	int64_t n = -1;

	review_fill(&r, REVIEW_1, CASE_1, AGENCY_A, 1, DRAFT_1, "accepted", T0);
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_review_update(tx, &r, "pre_review", &err), SX_ENOTFOUND,
		     "review_not_found", &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_table_row_count(&n, tx, "review", &err), &err);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

/*
 * R1 CASE_1#1 A returned   submitted T+1
 * R2 CASE_1#2 A accepted   due 03-10 reviewer REV1 submitted T+3
 * R3 CASE_2#1 A pre_review submitted T+2
 * R4 CASE_3#1 A accepted   due 03-05 reviewer REV2 submitted T+4
 * R5 CASE_4#1 B concluded  due 02-01 reviewer REV3 submitted T+0
 * R6 CASE_4#2 B accepted   due 02-20 reviewer REV3 submitted T+5
 * Full order: R6 R4 R2 (accepted by due_on), then R5 R1 R3 (by submitted_at).
 */
#define REV1 "01J00000000000000000REVR01"
#define REV2 "01J00000000000000000REVR02"
#define REV3 "01J00000000000000000REVR03"

static void insert_list_reviews(struct fixture *fx)
{
	static const struct {
		const char *id, *case_id, *agency_id, *draft_id, *status, *submitted_at;
		int64_t seq;
		const char *reviewer, *due_on;
	} rows[] = {
		{REVIEW_1, CASE_1, AGENCY_A, DRAFT_1, "returned", "2026-02-01T00:00:01.000000Z", 1,
		 "", ""},
		{REVIEW_2, CASE_1, AGENCY_A, DRAFT_1, "accepted", "2026-02-01T00:00:03.000000Z", 2,
		 REV1, "2026-03-10"},
		{REVIEW_3, CASE_2, AGENCY_A, DRAFT_2, "pre_review", "2026-02-01T00:00:02.000000Z", 1,
		 "", ""},
		{REVIEW_4, CASE_3, AGENCY_A, DRAFT_3, "accepted", "2026-02-01T00:00:04.000000Z", 1,
		 REV2, "2026-03-05"},
		{REVIEW_5, CASE_4, AGENCY_B, DRAFT_4, "concluded", "2026-02-01T00:00:00.000000Z", 1,
		 REV3, "2026-02-01"},
		{REVIEW_6, CASE_4, AGENCY_B, DRAFT_4, "accepted", "2026-02-01T00:00:05.000000Z", 2,
		 REV3, "2026-02-20"},
	};
	char opinion[] = "同意";
	struct store_review r;
	struct store_tx *tx;
	struct sx_error err;

	insert_drafts(fx);
	tx = begin(fx, STORE_TX_WRITE);
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		review_fill(&r, rows[i].id, rows[i].case_id, rows[i].agency_id, rows[i].seq,
			    rows[i].draft_id, rows[i].status, rows[i].submitted_at);
		snprintf(r.reviewer_id, sizeof(r.reviewer_id), "%s", rows[i].reviewer);
		snprintf(r.due_on, sizeof(r.due_on), "%s", rows[i].due_on);
		/* Bodies in the table must not come out of a list. */
		r.opinion = opinion;
		r.checklist = opinion;
		assert_ok(store_review_insert(tx, &r, &err), &err);
	}
	commit(tx);
}

/* Lists with f and expects exactly the ids of want (NULL-terminated), in order, and a count
 * of total. */
static void expect_list(struct fixture *fx, const struct store_review_filter *f,
			const char *const *want, int64_t total)
{
	struct store_review *rows = NULL;
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct sx_error err;
	size_t n = 0, i;
	int64_t count = -1;

	assert_ok(store_review_list(&rows, &n, tx, f, &err), &err);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= n)
			fail_msg("row %zu: want %s, list ended", i, want[i]);
		if (strcmp(rows[i].id, want[i]) != 0)
			fail_msg("row %zu: want %s, got %s", i, want[i], rows[i].id);
		assert_null(rows[i].opinion);
		assert_null(rows[i].checklist);
	}
	assert_int_equal(n, i);
	assert_ok(store_review_list_count(&count, tx, f, &err), &err);
	assert_int_equal(count, total);
	store_reviews_free(rows, n);
	store_rollback(tx);
}

/* Any review, the first 100. */
static void filter_reset(struct store_review_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->limit = 100;
}

static void test_review_list_filters_by_each_field_orders_due_first_and_its_count_agrees(
	void **state)
{
	struct fixture *fx = *state;
	struct store_review_filter f;

	insert_list_reviews(fx);
	filter_reset(&f);
	expect_list(fx, &f,
		    (const char *const[]){REVIEW_6, REVIEW_4, REVIEW_2, REVIEW_5, REVIEW_1, REVIEW_3,
					  NULL},
		    6);
	filter_reset(&f);
	f.agency_id = AGENCY_A;
	expect_list(fx, &f, (const char *const[]){REVIEW_4, REVIEW_2, REVIEW_1, REVIEW_3, NULL}, 4);
	filter_reset(&f);
	f.agency_id = "";
	expect_list(fx, &f,
		    (const char *const[]){REVIEW_6, REVIEW_4, REVIEW_2, REVIEW_5, REVIEW_1, REVIEW_3,
					  NULL},
		    6);
	filter_reset(&f);
	f.region_prefix = "33";
	expect_list(fx, &f, (const char *const[]){REVIEW_6, REVIEW_5, NULL}, 2);
	filter_reset(&f);
	f.region_prefix = "1101";
	expect_list(fx, &f, (const char *const[]){REVIEW_4, REVIEW_2, REVIEW_1, REVIEW_3, NULL}, 4);
	filter_reset(&f);
	f.region_prefix = "1%";
	expect_list(fx, &f, (const char *const[]){NULL}, 0);
	filter_reset(&f);
	f.case_id = CASE_1;
	expect_list(fx, &f, (const char *const[]){REVIEW_2, REVIEW_1, NULL}, 2);
	filter_reset(&f);
	f.reviewer_id = REV3;
	expect_list(fx, &f, (const char *const[]){REVIEW_6, REVIEW_5, NULL}, 2);
	filter_reset(&f);
	f.status = "pre_review";
	expect_list(fx, &f, (const char *const[]){REVIEW_3, NULL}, 1);
	filter_reset(&f);
	f.open_only = true;
	expect_list(fx, &f, (const char *const[]){REVIEW_6, REVIEW_4, REVIEW_2, REVIEW_3, NULL}, 4);
	/* Overdue: accepted and due before the day; a concluded one with an old date is not. */
	filter_reset(&f);
	f.overdue_on = "2026-03-06";
	expect_list(fx, &f, (const char *const[]){REVIEW_6, REVIEW_4, NULL}, 2);
	filter_reset(&f);
	f.overdue_on = "2026-03-05";
	expect_list(fx, &f, (const char *const[]){REVIEW_6, NULL}, 1);
	/* Filters combine. */
	filter_reset(&f);
	f.agency_id = AGENCY_A;
	f.open_only = true;
	f.reviewer_id = REV2;
	expect_list(fx, &f, (const char *const[]){REVIEW_4, NULL}, 1);
	/* Paging: the count is of every match. */
	filter_reset(&f);
	f.limit = 2;
	f.offset = 1;
	expect_list(fx, &f, (const char *const[]){REVIEW_4, REVIEW_2, NULL}, 6);
	filter_reset(&f);
	f.offset = 6;
	expect_list(fx, &f, (const char *const[]){NULL}, 6);
}

static void test_review_list_refuses_bad_paging_and_a_null_filter(void **state)
{
	struct fixture *fx = *state;
	struct store_review_filter f = {0};
	struct store_review *rows = (struct store_review *)1;
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct sx_error err;
	size_t n = 7;
	int64_t count = 7;

	assert_fails(store_review_list(&rows, &n, tx, &f, &err), SX_EINVALID, NULL, &err);
	assert_null(rows);
	assert_int_equal(n, 0);
	f.limit = 1;
	f.offset = -1;
	assert_fails(store_review_list(&rows, &n, tx, &f, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_review_list(&rows, &n, tx, NULL, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_review_list_count(&count, tx, NULL, &err), SX_EINVALID, NULL, &err);
	assert_int_equal(count, 0);
	store_rollback(tx);
}

/* ---- staffing ---- */

static void user_fill(struct store_user *u, const char *id, const char *agency_id,
		      const char *role, bool disabled)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	snprintf(u->username, sizeof(u->username), "u_%s", id + 20);
	snprintf(u->display_name, sizeof(u->display_name), "用户%s", id + 20);
	snprintf(u->agency_id, sizeof(u->agency_id), "%s", agency_id);
	snprintf(u->role, sizeof(u->role), "%s", role);
	snprintf(u->password_hash, sizeof(u->password_hash), "$argon2id$v=19$m=65536,t=3,p=1$x$y");
	u->disabled = disabled;
	snprintf(u->password_changed_at, sizeof(u->password_changed_at), T0);
	snprintf(u->created_at, sizeof(u->created_at), T0);
	snprintf(u->created_by, sizeof(u->created_by), "cli:root");
}

static void test_staffing_counts_enabled_reviewers_and_officers_valid_that_day(void **state)
{
	static const struct {
		const char *id, *agency_id, *role;
		bool disabled;
	} users[] = {
		{"01J00000000000000000USRA01", AGENCY_A, "reviewer", false},
		{"01J00000000000000000USRA02", AGENCY_A, "reviewer", false},
		{"01J00000000000000000USRA03", AGENCY_A, "reviewer", true},
		{"01J00000000000000000USRA04", AGENCY_A, "officer", false},
		{"01J00000000000000000USRA05", AGENCY_A, "agency_head", false},
		{"01J00000000000000000USRB01", AGENCY_B, "reviewer", false},
	};
	static const struct {
		const char *id, *cert_no, *valid_from, *valid_to, *status;
	} officers[] = {
		{"01J00000000000000000OFF004", "A-0004", "2025-01-01", "2026-05-31", "active"},
		{"01J00000000000000000OFF005", "A-0005", "2025-01-01", "2030-12-31", "suspended"},
		{"01J00000000000000000OFF006", "A-0006", "2025-01-01", "2030-12-31", "revoked"},
		{"01J00000000000000000OFF007", "A-0007", "2026-06-02", "2030-12-31", "active"},
		/* Valid on its last and on its first day. */
		{"01J00000000000000000OFF008", "A-0008", "2025-01-01", "2026-06-01", "active"},
		{"01J00000000000000000OFF009", "A-0009", "2026-06-01", "2030-12-31", "active"},
	};
	struct fixture *fx = *state;
	struct store_user u;
	struct store_officer o;
	struct store_tx *tx;
	struct sx_error err;
	int64_t reviewers = -1, officer_count = -1;

	tx = begin(fx, STORE_TX_WRITE);
	for (size_t i = 0; i < ARRAY_LEN(users); i++) {
		user_fill(&u, users[i].id, users[i].agency_id, users[i].role, users[i].disabled);
		assert_ok(store_user_insert(tx, &u, &err), &err);
	}
	for (size_t i = 0; i < ARRAY_LEN(officers); i++) {
		officer_fill(&o, officers[i].id, AGENCY_A, "某某", officers[i].cert_no);
		snprintf(o.valid_from, sizeof(o.valid_from), "%s", officers[i].valid_from);
		snprintf(o.valid_to, sizeof(o.valid_to), "%s", officers[i].valid_to);
		snprintf(o.status, sizeof(o.status), "%s", officers[i].status);
		assert_ok(store_officer_insert(tx, &o, &err), &err);
	}
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	/* A: USRA01, USRA02; OFFICER_1, OFFICER_2, OFF008, OFF009. */
	assert_ok(store_review_staffing(&reviewers, &officer_count, tx, AGENCY_A, "2026-06-01",
					&err),
		  &err);
	assert_int_equal(reviewers, 2);
	assert_int_equal(officer_count, 4);
	/* The next day OFF008 has expired and OFF007 has begun. */
	assert_ok(store_review_staffing(&reviewers, &officer_count, tx, AGENCY_A, "2026-06-02",
					&err),
		  &err);
	assert_int_equal(officer_count, 4);
	assert_ok(store_review_staffing(&reviewers, &officer_count, tx, AGENCY_A, "2031-01-01",
					&err),
		  &err);
	assert_int_equal(reviewers, 2);
	assert_int_equal(officer_count, 0);
	assert_ok(store_review_staffing(&reviewers, &officer_count, tx, AGENCY_B, "2026-06-01",
					&err),
		  &err);
	assert_int_equal(reviewers, 1);
	assert_int_equal(officer_count, 1);
	assert_fails(store_review_staffing(&reviewers, &officer_count, tx, AGENCY_A, "", &err),
		     SX_EINVALID, NULL, &err);
	assert_int_equal(reviewers, 0);
	assert_int_equal(officer_count, 0);
	assert_fails(store_review_staffing(&reviewers, &officer_count, tx, NULL, "2026-06-01",
					   &err),
		     SX_EINVALID, NULL, &err);
	store_rollback(tx);
}

/* ---- discussions ---- */

static void discussion_fill(struct store_case_discussion *d, const char *id, const char *case_id,
			    const char *draft_id, const char *created_at, char *attendees,
			    char *opinions, char *conclusion)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->case_id, sizeof(d->case_id), "%s", case_id);
	snprintf(d->draft_id, sizeof(d->draft_id), "%s", draft_id);
	snprintf(d->draft_sha256, sizeof(d->draft_sha256), SHA_B);
	snprintf(d->held_at, sizeof(d->held_at), "2026-02-10 14:30");
	snprintf(d->place, sizeof(d->place), "局三楼会议室");
	snprintf(d->host, sizeof(d->host), "局长");
	d->attendees = attendees;
	d->opinions = opinions;
	d->conclusion = conclusion;
	snprintf(d->created_at, sizeof(d->created_at), "%s", created_at);
	snprintf(d->created_by, sizeof(d->created_by), "01J00000000000000000USER01");
	snprintf(d->created_by_name, sizeof(d->created_by_name), "张明");
}

static void assert_discussion_equal(const struct store_case_discussion *got,
				    const struct store_case_discussion *want)
{
	assert_string_equal(got->id, want->id);
	assert_string_equal(got->case_id, want->case_id);
	assert_string_equal(got->draft_id, want->draft_id);
	assert_string_equal(got->draft_sha256, want->draft_sha256);
	assert_string_equal(got->held_at, want->held_at);
	assert_string_equal(got->place, want->place);
	assert_string_equal(got->host, want->host);
	assert_body_equal(got->attendees, want->attendees);
	assert_body_equal(got->opinions, want->opinions);
	assert_body_equal(got->conclusion, want->conclusion);
	assert_string_equal(got->created_at, want->created_at);
	assert_string_equal(got->created_by, want->created_by);
	assert_string_equal(got->created_by_name, want->created_by_name);
}

static void test_discussions_round_trip_with_their_bodies_oldest_first(void **state)
{
	struct fixture *fx = *state;
	char attendees[] = "[{\"name\":\"局长\",\"title\":\"主持\"},{\"name\":\"张明\",\"title\":\"承办人\"}]";
	char *opinions = long_chinese(4500);
	char conclusion[] = "同意按拟作出的决定执行。\n\t（一致通过）";
	char empty[] = "";
	struct store_case_discussion d1, d2, bad, *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_drafts(fx);
	discussion_fill(&d1, "01J00000000000000000DISC02", CASE_1, DRAFT_1,
			"2026-02-10T07:00:00.000000Z", attendees, opinions, conclusion);
	discussion_fill(&d2, "01J00000000000000000DISC01", CASE_1, DRAFT_1,
			"2026-02-11T07:00:00.000000Z", attendees, empty, conclusion);
	tx = begin(fx, STORE_TX_WRITE);
	/* Inserted newest first; read oldest first. */
	assert_ok(store_case_discussion_insert(tx, &d2, &err), &err);
	assert_ok(store_case_discussion_insert(tx, &d1, &err), &err);
	bad = d1;
	snprintf(bad.id, sizeof(bad.id), "01J00000000000000000DISC03");
	bad.opinions = NULL;
	assert_fails(store_case_discussion_insert(tx, &bad, &err), SX_EINVALID, NULL, &err);
	/* The draft discussed must exist. */
	bad.opinions = empty;
	snprintf(bad.draft_id, sizeof(bad.draft_id), "01J00000000000000000NONE00");
	assert_fails(store_case_discussion_insert(tx, &bad, &err), SX_EINVALID, NULL, &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_discussions(&rows, &n, tx, CASE_1, &err), &err);
	assert_int_equal(n, 2);
	assert_discussion_equal(&rows[0], &d1);
	assert_discussion_equal(&rows[1], &d2);
	store_case_discussions_free(rows, n);
	assert_ok(store_case_discussions(&rows, &n, tx, CASE_2, &err), &err);
	assert_null(rows);
	assert_int_equal(n, 0);
	store_case_discussion_clear(NULL);
	store_case_discussions_free(NULL, 0);
	store_rollback(tx);
	free(opinions);
}

/* ---- the database keeps history ---- */

static void test_catalog_drafts_and_discussions_refuse_update_and_delete_in_the_database(
	void **state)
{
	static const char *const statements[] = {
		"UPDATE major_catalog SET note = 'rewritten'",
		"DELETE FROM major_catalog",
		"UPDATE case_draft SET fine_fen = 1",
		"DELETE FROM case_draft",
		"UPDATE case_discussion SET conclusion = 'rewritten'",
		"DELETE FROM case_discussion",
		"DELETE FROM review",
	};
	struct fixture *fx = *state;
	char body[] = "{\"rules\":[]}", text[] = "[]";
	struct store_major_catalog c;
	struct store_case_discussion d;
	struct store_review r;
	struct store_case_draft got;
	struct store_tx *tx;
	struct db *db = NULL;
	struct sx_error err;
	int64_t n = 0;

	insert_drafts(fx);
	catalog_fill(&c, AGENCY_A, 1, body);
	discussion_fill(&d, "01J00000000000000000DISC01", CASE_1, DRAFT_1, T0, text, text, text);
	review_fill(&r, REVIEW_1, CASE_1, AGENCY_A, 1, DRAFT_1, "pre_review", T0);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_major_catalog_insert(tx, &c, &err), &err);
	assert_ok(store_case_discussion_insert(tx, &d, &err), &err);
	assert_ok(store_review_insert(tx, &r, &err), &err);
	commit(tx);

	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	for (size_t i = 0; i < ARRAY_LEN(statements); i++) {
		sx_error_clear(&err);
		if (db_exec(db, statements[i], &err) != SX_EPERM ||
		    strcmp(err.code, "append_only") != 0)
			fail_msg("\"%s\" was not refused: %s %s", statements[i], err.code,
				 err.detail);
	}
	/* Reviews do change, through store_review_update's compare-and-set. */
	assert_ok(db_exec(db, "UPDATE review SET updated_at = updated_at", &err), &err);
	db_close(db);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_case_draft_get(&got, tx, DRAFT_1, &err), &err);
	assert_int_equal(got.fine_fen, 5000001);
	store_case_draft_clear(&got);
	assert_ok(store_table_row_count(&n, tx, "major_catalog", &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_table_row_count(&n, tx, "case_discussion", &err), &err);
	assert_int_equal(n, 1);
	assert_ok(store_table_row_count(&n, tx, "review", &err), &err);
	assert_int_equal(n, 1);
	store_rollback(tx);
}

/* ---- allocation failure ---- */

/* One operation that allocates; frees what it got. */
typedef int (*alloc_op)(struct store_tx *tx, struct sx_error *err);

static int op_catalog(struct store_tx *tx, struct sx_error *err)
{
	struct store_major_catalog *rows = NULL, latest;
	size_t n = 0;
	int rc = store_major_catalog_versions(&rows, &n, tx, AGENCY_A, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 2);
	store_major_catalogs_free(rows, n);
	if (rc < 0)
		return rc;
	rc = store_major_catalog_latest(&latest, tx, AGENCY_A, err);
	if (rc < 0)
		assert_null(latest.body);
	store_major_catalog_clear(&latest);
	return rc;
}

static int op_drafts(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_draft *rows = NULL, one;
	size_t n = 0;
	int rc = store_case_drafts(&rows, &n, tx, CASE_1, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 1);
	store_case_drafts_free(rows, n);
	if (rc < 0)
		return rc;
	rc = store_case_draft_get(&one, tx, DRAFT_1, err);
	if (rc < 0)
		assert_null(one.body);
	store_case_draft_clear(&one);
	return rc;
}

static int op_review_get(struct store_tx *tx, struct sx_error *err)
{
	struct store_review r;
	int rc = store_review_get(&r, tx, REVIEW_2, err);

	if (rc < 0)
		assert_true(r.checklist == NULL && r.opinion == NULL);
	else
		assert_true(r.checklist != NULL && r.opinion != NULL);
	store_review_clear(&r);
	return rc;
}

static int op_review_list(struct store_tx *tx, struct sx_error *err)
{
	struct store_review_filter f = {NULL, "11", NULL, NULL, NULL, false, NULL, 100, 0};
	struct store_review *rows = NULL;
	size_t n = 0;
	int rc = store_review_list(&rows, &n, tx, &f, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 4);
	store_reviews_free(rows, n);
	return rc;
}

static int op_discussions(struct store_tx *tx, struct sx_error *err)
{
	struct store_case_discussion *rows = NULL;
	size_t n = 0;
	int rc = store_case_discussions(&rows, &n, tx, CASE_1, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 2);
	store_case_discussions_free(rows, n);
	return rc;
}

static void test_reads_clean_up_when_an_allocation_fails(void **state)
{
	static const alloc_op ops[] = {op_catalog, op_drafts, op_review_get, op_review_list,
				       op_discussions};
	struct fixture *fx = *state;
	char body[] = "{\"rules\":[{\"act\":\"revoke_license\"}]}", text[] = "[{\"name\":\"局长\"}]";
	char *opinion = long_chinese(6000);
	struct store_major_catalog c;
	struct store_case_discussion d;
	struct store_review r;
	struct store_tx *tx;
	struct sx_error err;

	insert_list_reviews(fx);
	tx = begin(fx, STORE_TX_WRITE);
	catalog_fill(&c, AGENCY_A, 1, body);
	assert_ok(store_major_catalog_insert(tx, &c, &err), &err);
	c.version = 2;
	assert_ok(store_major_catalog_insert(tx, &c, &err), &err);
	discussion_fill(&d, "01J00000000000000000DISC01", CASE_1, DRAFT_1, T0, text, opinion, text);
	assert_ok(store_case_discussion_insert(tx, &d, &err), &err);
	snprintf(d.id, sizeof(d.id), "01J00000000000000000DISC02");
	assert_ok(store_case_discussion_insert(tx, &d, &err), &err);
	/* REVIEW_2 concluded with both bodies. */
	review_fill(&r, REVIEW_2, CASE_1, AGENCY_A, 2, DRAFT_1, "concluded",
		    "2026-02-01T00:00:03.000000Z");
	review_fill_rest(&r, text, opinion);
	assert_ok(store_review_update(tx, &r, "accepted", &err), &err);
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
	free(opinion);
}

/* A write whose allocation fails (the PostgreSQL driver copies long parameters) writes
 * nothing; on SQLite the op may allocate nothing of ours, and then simply succeeds. */
static void test_a_review_update_that_runs_out_of_memory_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	char *opinion = long_chinese(6000);
	struct store_review r, got;
	struct store_tx *tx;
	struct sx_error err;
	bool succeeded = false;

	insert_list_reviews(fx);
	review_fill(&r, REVIEW_2, CASE_1, AGENCY_A, 2, DRAFT_1, "concluded",
		    "2026-02-01T00:00:03.000000Z");
	review_fill_rest(&r, opinion, opinion);
	for (int n = 0; n < 200 && !succeeded; n++) {
		int rc;

		tx = begin(fx, STORE_TX_WRITE);
		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = store_review_update(tx, &r, "accepted", &err);
		sx_mem_fail_after(-1);
		if (rc < 0) {
			if (rc != SX_ENOMEM)
				fail_msg("allocation %d: rc %d %s %s", n, rc, err.code, err.detail);
			store_rollback(tx);
			tx = begin(fx, STORE_TX_READ);
			assert_ok(store_review_get(&got, tx, REVIEW_2, &err), &err);
			assert_string_equal(got.status, "accepted");
			assert_string_equal(got.opinion, "同意");
			store_review_clear(&got);
			store_rollback(tx);
			continue;
		}
		commit(tx);
		succeeded = true;
	}
	assert_true(succeeded);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_review_get(&got, tx, REVIEW_2, &err), &err);
	assert_string_equal(got.status, "concluded");
	assert_body_equal(got.opinion, opinion);
	store_review_clear(&got);
	store_rollback(tx);
	free(opinion);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_catalog_versions_count_up_and_a_repeated_or_skipped_version_is_refused),
		T(test_review_settings_default_without_a_row_and_a_second_put_replaces_the_first),
		T(test_drafts_round_trip_every_field_and_count_up_per_case),
		T(test_review_round_trips_every_field_and_its_bodies_byte_for_byte),
		T(test_review_seq_must_be_the_next_number_of_its_case),
		T(test_review_update_rewrites_the_state_but_never_the_submission),
		T(test_review_update_with_a_stale_status_is_refused_and_changes_nothing),
		T(test_review_update_of_a_missing_review_is_not_found),
		T(test_review_list_filters_by_each_field_orders_due_first_and_its_count_agrees),
		T(test_review_list_refuses_bad_paging_and_a_null_filter),
		T(test_staffing_counts_enabled_reviewers_and_officers_valid_that_day),
		T(test_discussions_round_trip_with_their_bodies_oldest_first),
		T(test_catalog_drafts_and_discussions_refuse_update_and_delete_in_the_database),
		T(test_reads_clean_up_when_an_allocation_fails),
		T(test_a_review_update_that_runs_out_of_memory_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
