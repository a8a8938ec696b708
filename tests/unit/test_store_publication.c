/*
 * Unit tests for store/store_publication (事后公开, sql 0009) on both
 * backends: a decision's versions round-trip with every field, its owned
 * full_text byte for byte (100 KiB of Chinese), and form one chain that
 * history follows both ways and by_record ends at; a version is corrected
 * once; an update against a stale status is refused and changes nothing, and
 * content is rewritten in draft only (content_frozen after it); the list
 * filters by each field of store_publication_filter, orders tasks by due date
 * and the rest newest first, pages, and its count agrees; the search index is
 * put, replaced and deleted; a search finds 2- and 5-character Chinese
 * queries, only among published rows, with filters, paging and a total that
 * agree, and treats quotes, % and _ as plain characters; a person's
 * party_code must be empty and publications refuse DELETE in the database;
 * and the reading functions clean up when an allocation fails (ASan reports
 * leaks).
 *
 * Every test makes its own database with tests/support/testdb (a file in a
 * fresh mkdtemp directory, or a fresh PostgreSQL database when
 * SANXIANG_TEST_BACKEND=postgresql) with two agencies, and removes both
 * afterwards. The PostgreSQL index needs the grams of a text: the tests take
 * them from search/zhnorm's zhnorm_grams, as the service does, over text that
 * is already in search form (simplified, lower case), so OpenCC is not needed.
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
#include "search/zhnorm.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_publication.h"
#include "testdb.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define AGENCY_A "01J00000000000000000AGENA1" /* region 110101 */
#define AGENCY_B "01J00000000000000000AGENB2" /* region 330100 */
#define PUB_1 "01J00000000000000000PUBL01"
#define PUB_2 "01J00000000000000000PUBL02"
#define PUB_3 "01J00000000000000000PUBL03"
#define PUB_4 "01J00000000000000000PUBL04"
#define PUB_5 "01J00000000000000000PUBL05"
#define PUB_6 "01J00000000000000000PUBL06"
#define PUB_7 "01J00000000000000000PUBL07"
#define RECORD_1 "01J00000000000000000RECD01"
#define RECORD_2 "01J00000000000000000RECD02"

#define assert_ok(expr, errp)                                                                      \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != 0)                                                                     \
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,             \
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
			print_message("rc=%d code=%s detail=%s\n", rc__, (errp)->code,             \
			              (errp)->detail);                                             \
		assert_int_equal(rc__, (want_rc));                                                 \
		if ((want_code) != NULL)                                                           \
			assert_string_equal((errp)->code, (const char *)(want_code));              \
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

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx;
	struct store_tx *tx = NULL;
	struct store_agency a, b;
	struct sx_error err;

	sx_mem_fail_after(-1);
	sx_error_clear(&err);
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/sx_pub_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
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
	static const char *const chars[] = {"行", "政", "处", "罚", "决", "定", "书", "。"};
	char *s = malloc(bytes + 1);
	size_t n = 0;

	assert_non_null(s);
	for (size_t i = 0; n + 3 <= bytes; i++) {
		memcpy(s + n, chars[i % ARRAY_LEN(chars)], 3);
		n += 3;
		if (i % 97 == 96 && n + 1 + 3 <= bytes)
			s[n++] = '\n';
	}
	for (; n < bytes; n++)
		s[n] = 'x';
	s[n] = '\0';
	assert_int_equal(strlen(s), bytes);
	return s;
}

/* ---- rows ---- */

/* A publication of an organization with every field set; region from the agency. */
static void pub_fill(struct store_publication *p, const char *id, const char *agency_id,
                     const char *record_id, int64_t version, const char *supersedes,
                     const char *status, const char *act_type, const char *decided_on,
                     const char *due_on)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->agency_id, sizeof(p->agency_id), "%s", agency_id);
	snprintf(p->region_code, sizeof(p->region_code), "%s",
	         strcmp(agency_id, AGENCY_A) == 0 ? "110101" : "330100");
	snprintf(p->case_id, sizeof(p->case_id), "01J00000000000000000CASE01");
	snprintf(p->record_id, sizeof(p->record_id), "%s", record_id);
	p->version = version;
	snprintf(p->supersedes, sizeof(p->supersedes), "%s", supersedes);
	snprintf(p->status, sizeof(p->status), "%s", status);
	snprintf(p->act_type, sizeof(p->act_type), "%s", act_type);
	snprintf(p->decided_on, sizeof(p->decided_on), "%s", decided_on);
	snprintf(p->due_on, sizeof(p->due_on), "%s", due_on);
	snprintf(p->agency_name, sizeof(p->agency_name), "甲区市场监督管理局");
	snprintf(p->party_type, sizeof(p->party_type), "organization");
	snprintf(p->party_name, sizeof(p->party_name), "某食品有限公司");
	snprintf(p->party_code, sizeof(p->party_code), "91110101MA0000001X");
	snprintf(p->category, sizeof(p->category), "行政处罚");
	snprintf(p->conclusion, sizeof(p->conclusion), "警告，并处罚款");
	snprintf(p->doc_no, sizeof(p->doc_no), "京甲市监罚〔2026〕%lld号", (long long)version);
	snprintf(p->legal_basis, sizeof(p->legal_basis),
	         "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项");
	snprintf(p->penalty, sizeof(p->penalty), "罚款人民币伍万元整");
	p->fine_fen = 5000000;
	p->confiscation_fen = 12345;
	p->full_text = NULL;
	snprintf(p->override_reason, sizeof(p->override_reason), "地址为企业注册地址，非个人信息");
	snprintf(p->made_at, sizeof(p->made_at), "2026-03-01T01:00:00.000000Z");
	snprintf(p->made_by, sizeof(p->made_by), "user:01J00000000000000000USER01");
	snprintf(p->made_by_name, sizeof(p->made_by_name), "张明");
	snprintf(p->checked_at, sizeof(p->checked_at), "2026-03-01T02:00:00.000000Z");
	snprintf(p->checked_by, sizeof(p->checked_by), "user:01J00000000000000000USER02");
	snprintf(p->checked_by_name, sizeof(p->checked_by_name), "李华");
	snprintf(p->published_at, sizeof(p->published_at), "2026-03-01T03:00:00.000000Z");
	snprintf(p->published_on, sizeof(p->published_on), "2026-03-01");
	snprintf(p->returned_reason, sizeof(p->returned_reason), "文号有误，请核对");
	snprintf(p->withhold_reason, sizeof(p->withhold_reason), "%s", "");
	snprintf(p->withhold_text, sizeof(p->withhold_text), "%s", "");
	snprintf(p->withdraw_reason, sizeof(p->withdraw_reason), "%s", "");
	snprintf(p->withdraw_text, sizeof(p->withdraw_text), "%s", "");
	snprintf(p->updated_at, sizeof(p->updated_at), "2026-03-01T03:00:00.000000Z");
}

static void assert_pub_equal(const struct store_publication *got,
                             const struct store_publication *want, bool with_text)
{
#define EQ(f) assert_string_equal(got->f, want->f)
	EQ(id);
	EQ(agency_id);
	EQ(region_code);
	EQ(case_id);
	EQ(record_id);
	assert_int_equal(got->version, want->version);
	EQ(supersedes);
	EQ(status);
	EQ(act_type);
	EQ(decided_on);
	EQ(due_on);
	EQ(agency_name);
	EQ(party_type);
	EQ(party_name);
	EQ(party_code);
	EQ(category);
	EQ(conclusion);
	EQ(doc_no);
	EQ(legal_basis);
	EQ(penalty);
	assert_int_equal(got->fine_fen, want->fine_fen);
	assert_int_equal(got->confiscation_fen, want->confiscation_fen);
	if (!with_text || want->full_text == NULL) {
		assert_null(got->full_text);
	} else {
		assert_non_null(got->full_text);
		assert_int_equal(strlen(got->full_text), strlen(want->full_text));
		assert_memory_equal(got->full_text, want->full_text, strlen(want->full_text));
	}
	EQ(override_reason);
	EQ(made_at);
	EQ(made_by);
	EQ(made_by_name);
	EQ(checked_at);
	EQ(checked_by);
	EQ(checked_by_name);
	EQ(published_at);
	EQ(published_on);
	EQ(returned_reason);
	EQ(withhold_reason);
	EQ(withhold_text);
	EQ(withdraw_reason);
	EQ(withdraw_text);
	EQ(withdraw_event_on);
	EQ(withdraw_due_on);
	EQ(withdrawn_at);
	EQ(withdrawn_by);
	EQ(withdrawn_by_name);
	EQ(updated_at);
#undef EQ
}

static void insert(struct fixture *fx, const struct store_publication *p)
{
	struct store_tx *tx = begin(fx, STORE_TX_WRITE);
	struct sx_error err;

	assert_ok(store_publication_insert(tx, p, &err), &err);
	commit(tx);
}

static void read_one(struct fixture *fx, struct store_publication *out, const char *id,
                     bool with_text)
{
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct sx_error err;

	assert_ok(store_publication_get(out, tx, id, with_text, &err), &err);
	store_rollback(tx);
}

/* Three versions of RECORD_1: 1 and 2 corrected, 3 published. */
static void insert_chain(struct fixture *fx, struct store_publication v[3], char *text)
{
	pub_fill(&v[0], PUB_1, AGENCY_A, RECORD_1, 1, "", "corrected", "penalty", "2026-02-27",
	         "2026-03-10");
	v[0].full_text = text;
	pub_fill(&v[1], PUB_2, AGENCY_A, RECORD_1, 2, PUB_1, "corrected", "penalty", "2026-02-27",
	         "2026-03-10");
	snprintf(v[1].conclusion, sizeof(v[1].conclusion), "警告，并处罚款（更正：金额）");
	pub_fill(&v[2], PUB_3, AGENCY_A, RECORD_1, 3, PUB_2, "published", "penalty", "2026-02-27",
	         "2026-03-10");
	v[2].full_text = text;
	/* Inserted out of version order: history sorts. */
	insert(fx, &v[0]);
	insert(fx, &v[2]);
	insert(fx, &v[1]);
}

static void assert_history(struct fixture *fx, const char *from_id,
                           const struct store_publication v[3])
{
	struct store_publication *rows = NULL;
	struct store_tx *tx = begin(fx, STORE_TX_READ);
	struct sx_error err;
	size_t n = 0;

	assert_ok(store_publication_history(&rows, &n, tx, from_id, &err), &err);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_pub_equal(&rows[i], &v[i], false);
	store_publications_free(rows, n);
	store_rollback(tx);
}

static void test_versions_round_trip_and_form_one_chain_that_history_follows_both_ways(void **state)
{
	struct fixture *fx = *state;
	char *text = long_chinese(3000);
	struct store_publication v[3], got, *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 7;

	insert_chain(fx, v, text);

	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &v[0], true);
	store_publication_clear(&got);
	read_one(fx, &got, PUB_1, false);
	assert_pub_equal(&got, &v[0], false);
	store_publication_clear(&got);
	read_one(fx, &got, PUB_2, true);
	assert_pub_equal(&got, &v[1], true); /* NULL full_text stays NULL */
	store_publication_clear(&got);

	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_publication_by_record(&got, tx, RECORD_1, &err), &err);
	assert_pub_equal(&got, &v[2], true);
	store_publication_clear(&got);
	assert_fails(store_publication_by_record(&got, tx, RECORD_2, &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_fails(store_publication_by_record(&got, tx, "", &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_fails(store_publication_get(&got, tx, PUB_7, true, &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_fails(store_publication_history(&rows, &n, tx, PUB_7, &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_null(rows);
	assert_int_equal(n, 0);
	store_rollback(tx);

	/* From the oldest, the middle and the newest version alike. */
	assert_history(fx, PUB_1, v);
	assert_history(fx, PUB_2, v);
	assert_history(fx, PUB_3, v);

	/* A single version is a chain of one. */
	pub_fill(&got, PUB_4, AGENCY_B, RECORD_2, 1, "", "draft", "license", "2026-03-02",
	         "2026-03-11");
	insert(fx, &got);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_publication_history(&rows, &n, tx, PUB_4, &err), &err);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, PUB_4);
	store_publications_free(rows, n);
	store_rollback(tx);
	free(text);
}

static void test_a_version_is_corrected_once_and_an_id_is_inserted_once(void **state)
{
	struct fixture *fx = *state;
	struct store_publication v[3], p, got;
	struct store_tx *tx;
	struct sx_error err;

	insert_chain(fx, v, NULL);
	tx = begin(fx, STORE_TX_WRITE);
	/* A second correction of version 1. */
	pub_fill(&p, PUB_4, AGENCY_A, RECORD_1, 2, PUB_1, "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EEXISTS, "publication_exists",
	             &err);
	/* The same id again. */
	pub_fill(&p, PUB_3, AGENCY_A, RECORD_2, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EEXISTS, "publication_exists",
	             &err);
	/* Not the store's arguments. */
	assert_fails(store_publication_insert(tx, NULL, &err), SX_EINVALID, NULL, &err);
	p.version = 0;
	snprintf(p.id, sizeof(p.id), PUB_5);
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	commit(tx);

	/* Nothing of the refused inserts is there. */
	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_publication_get(&got, tx, PUB_4, false, &err), SX_ENOTFOUND, NULL, &err);
	assert_fails(store_publication_get(&got, tx, PUB_5, false, &err), SX_ENOTFOUND, NULL, &err);
	assert_ok(store_publication_get(&got, tx, PUB_3, false, &err), &err);
	assert_string_equal(got.record_id, RECORD_1);
	store_rollback(tx);
}

static void test_the_schema_refuses_bad_values_and_a_persons_party_code(void **state)
{
	struct fixture *fx = *state;
	struct store_publication p;
	struct store_tx *tx;
	struct sx_error err;

	tx = begin(fx, STORE_TX_WRITE);
	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	snprintf(p.party_type, sizeof(p.party_type), "person");
	snprintf(p.party_name, sizeof(p.party_name), "张某");
	/* A natural person has no credit code to publish. */
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	p.party_code[0] = '\0';
	assert_ok(store_publication_insert(tx, &p, &err), &err);

	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "released", "penalty", "2026-02-27",
	         "2026-03-10");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "draft", "fine", "2026-02-27", "2026-03-10");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	snprintf(p.party_type, sizeof(p.party_type), "company");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "withheld", "penalty", "2026-02-27",
	         "2026-03-10");
	snprintf(p.withhold_reason, sizeof(p.withhold_reason), "secret");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "withdrawn", "penalty", "2026-02-27",
	         "2026-03-10");
	snprintf(p.withdraw_reason, sizeof(p.withdraw_reason), "cancelled");
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	p.fine_fen = -1;
	assert_fails(store_publication_insert(tx, &p, &err), SX_EINVALID, NULL, &err);
	/* Listed values are accepted. (personal_privacy and confirmed_illegal do not fit the
	 * header's 16-byte fields: reported to the header's owner.) */
	pub_fill(&p, PUB_2, AGENCY_A, RECORD_2, 1, "", "withheld", "inspection", "2026-02-27",
	         "2026-03-10");
	snprintf(p.withhold_reason, sizeof(p.withhold_reason), "state_secret");
	snprintf(p.withdraw_reason, sizeof(p.withdraw_reason), "other");
	assert_ok(store_publication_insert(tx, &p, &err), &err);
	commit(tx);
}

static void test_publications_refuse_delete_in_the_database(void **state)
{
	struct fixture *fx = *state;
	struct store_publication p;
	struct db *db = NULL;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "published", "penalty", "2026-02-27",
	         "2026-03-10");
	insert(fx, &p);
	assert_ok(db_open(&db, fx->path, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	sx_error_clear(&err);
	assert_int_equal(db_exec(db, "DELETE FROM publication", &err), SX_EPERM);
	assert_string_equal(err.code, "append_only");
	db_close(db);
	read_one(fx, &p, PUB_1, false);
	assert_string_equal(p.status, "published");
}

static void test_full_text_of_100_kib_round_trips_byte_for_byte(void **state)
{
	struct fixture *fx = *state;
	char *text = long_chinese(100 * 1024);
	struct store_publication p, got;
	struct store_tx *tx;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	p.full_text = text;
	insert(fx, &p);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &p, true);
	store_publication_clear(&got);
	/* And through an update in draft. */
	memcpy(text, "改", 3);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_update(tx, &p, "draft", &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	assert_ok(store_publication_by_record(&got, tx, RECORD_1, &err), &err);
	assert_pub_equal(&got, &p, true);
	store_publication_clear(&got);
	store_rollback(tx);
	free(text);
}

/* ---- update ---- */

static void test_an_update_with_a_stale_status_is_refused_and_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct store_publication p, changed, got;
	struct store_tx *tx;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	insert(fx, &p);
	changed = p;
	snprintf(changed.status, sizeof(changed.status), "pending_check");
	snprintf(changed.conclusion, sizeof(changed.conclusion), "改写的结论");
	snprintf(changed.updated_at, sizeof(changed.updated_at), "2026-03-02T00:00:00.000000Z");

	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_publication_update(tx, &changed, "pending_check", &err), SX_ECONFLICT,
	             "stale_publication", &err);
	assert_fails(store_publication_update(tx, &changed, "published", &err), SX_ECONFLICT,
	             "stale_publication", &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &p, true);

	/* The right status: it moves, and a second identical submit is stale. */
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_update(tx, &changed, "draft", &err), &err);
	assert_fails(store_publication_update(tx, &changed, "draft", &err), SX_ECONFLICT,
	             "stale_publication", &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &changed, true);
}

static void test_an_update_of_a_missing_publication_is_not_found(void **state)
{
	struct fixture *fx = *state;
	struct store_publication p;
	struct store_tx *tx;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	tx = begin(fx, STORE_TX_WRITE);
	assert_fails(store_publication_update(tx, &p, "draft", &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_fails(store_publication_update(tx, &p, "", &err), SX_EINVALID, NULL, &err);
	assert_fails(store_publication_update(tx, NULL, "draft", &err), SX_EINVALID, NULL, &err);
	store_rollback(tx);
	/* Not in a read transaction. */
	insert(fx, &p);
	tx = begin(fx, STORE_TX_READ);
	sx_error_clear(&err);
	assert_true(store_publication_update(tx, &p, "draft", &err) < 0);
	store_rollback(tx);
}

static void test_content_is_rewritten_in_draft_and_frozen_after_it(void **state)
{
	struct fixture *fx = *state;
	char text[] = "行政处罚决定书（公开版）", other[] = "行政处罚决定书（改）";
	struct store_publication p, next, got;
	struct store_tx *tx;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "draft", "penalty", "2026-02-27",
	         "2026-03-10");
	insert(fx, &p);

	/* In draft every content column is rewritten, full_text from NULL to text. */
	next = p;
	snprintf(next.agency_name, sizeof(next.agency_name), "甲区市场监管局");
	snprintf(next.party_name, sizeof(next.party_name), "某某食品有限公司");
	snprintf(next.category, sizeof(next.category), "食品安全");
	snprintf(next.conclusion, sizeof(next.conclusion), "罚款");
	snprintf(next.doc_no, sizeof(next.doc_no), "京甲市监罚〔2026〕9号");
	snprintf(next.legal_basis, sizeof(next.legal_basis), "《食品安全法》第一百二十四条");
	snprintf(next.penalty, sizeof(next.penalty), "罚款人民币陆万元整");
	next.fine_fen = 6000000;
	next.confiscation_fen = 0;
	next.full_text = text;
	snprintf(next.status, sizeof(next.status), "pending_check");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_update(tx, &next, "draft", &err), &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &next, true);
	store_publication_clear(&got);

	/* After draft: a changed content column is refused and nothing is written. */
	p = next;
	snprintf(p.status, sizeof(p.status), "published");
	snprintf(p.published_at, sizeof(p.published_at), "2026-03-03T00:00:00.000000Z");
	tx = begin(fx, STORE_TX_WRITE);
	snprintf(p.conclusion, sizeof(p.conclusion), "改写的结论");
	assert_fails(store_publication_update(tx, &p, "pending_check", &err), SX_ECONFLICT,
	             "content_frozen", &err);
	p = next;
	snprintf(p.status, sizeof(p.status), "published");
	p.fine_fen = 1;
	assert_fails(store_publication_update(tx, &p, "pending_check", &err), SX_ECONFLICT,
	             "content_frozen", &err);
	p = next;
	snprintf(p.status, sizeof(p.status), "published");
	p.full_text = other;
	assert_fails(store_publication_update(tx, &p, "pending_check", &err), SX_ECONFLICT,
	             "content_frozen", &err);
	/* A row read without its text has full_text NULL: that is a change too. */
	p.full_text = NULL;
	assert_fails(store_publication_update(tx, &p, "pending_check", &err), SX_ECONFLICT,
	             "content_frozen", &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &next, true);
	store_publication_clear(&got);

	/* The same content with new state columns moves on. */
	p = next;
	snprintf(p.status, sizeof(p.status), "published");
	snprintf(p.published_at, sizeof(p.published_at), "2026-03-03T00:00:00.000000Z");
	snprintf(p.published_on, sizeof(p.published_on), "2026-03-03");
	snprintf(p.checked_by_name, sizeof(p.checked_by_name), "王芳");
	snprintf(p.override_reason, sizeof(p.override_reason), "%s", "");
	snprintf(p.due_on, sizeof(p.due_on), "2026-03-12");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_update(tx, &p, "pending_check", &err), &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &p, true);
	store_publication_clear(&got);

	/* Withdrawal: state columns only. */
	snprintf(p.status, sizeof(p.status), "withdrawn");
	snprintf(p.withdraw_reason, sizeof(p.withdraw_reason), "revoked");
	snprintf(p.withdraw_text, sizeof(p.withdraw_text), "行政复议决定撤销原处罚决定");
	snprintf(p.withdraw_event_on, sizeof(p.withdraw_event_on), "2026-04-01");
	snprintf(p.withdraw_due_on, sizeof(p.withdraw_due_on), "2026-04-10");
	snprintf(p.withdrawn_at, sizeof(p.withdrawn_at), "2026-04-02T00:00:00.000000Z");
	snprintf(p.withdrawn_by, sizeof(p.withdrawn_by), "user:01J00000000000000000USER03");
	snprintf(p.withdrawn_by_name, sizeof(p.withdrawn_by_name), "周审");
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_update(tx, &p, "published", &err), &err);
	commit(tx);
	read_one(fx, &got, PUB_1, true);
	assert_pub_equal(&got, &p, true);
	store_publication_clear(&got);
}

/* ---- lists ---- */

/*
 * P1 A published penalty 03-01 (due 03-10)      P4 B published penalty 01-15, withdrawal
 * P2 A draft     license 03-05 (due 03-14)         task open (event 04-01, due 04-10)
 * P3 A pending   penalty 02-01 (due 02-10)      P5 B withdrawn coercion 01-20 (task done)
 *                                               P6 B withheld inspection 03-05, region 330102
 */
static void insert_list_rows(struct fixture *fx)
{
	struct store_publication p;

	pub_fill(&p, PUB_1, AGENCY_A, RECORD_1, 1, "", "published", "penalty", "2026-03-01",
	         "2026-03-10");
	insert(fx, &p);
	pub_fill(&p, PUB_2, AGENCY_A, "", 1, "", "draft", "license", "2026-03-05", "2026-03-14");
	insert(fx, &p);
	pub_fill(&p, PUB_3, AGENCY_A, "", 1, "", "pending_check", "penalty", "2026-02-01",
	         "2026-02-10");
	insert(fx, &p);
	pub_fill(&p, PUB_4, AGENCY_B, "", 1, "", "published", "penalty", "2026-01-15",
	         "2026-01-26");
	snprintf(p.withdraw_reason, sizeof(p.withdraw_reason), "remade");
	snprintf(p.withdraw_event_on, sizeof(p.withdraw_event_on), "2026-04-01");
	snprintf(p.withdraw_due_on, sizeof(p.withdraw_due_on), "2026-04-10");
	insert(fx, &p);
	pub_fill(&p, PUB_5, AGENCY_B, "", 1, "", "withdrawn", "coercion", "2026-01-20",
	         "2026-02-17");
	snprintf(p.withdraw_reason, sizeof(p.withdraw_reason), "revoked");
	snprintf(p.withdraw_event_on, sizeof(p.withdraw_event_on), "2026-02-01");
	snprintf(p.withdraw_due_on, sizeof(p.withdraw_due_on), "2026-02-10");
	snprintf(p.withdrawn_at, sizeof(p.withdrawn_at), "2026-02-03T00:00:00.000000Z");
	insert(fx, &p);
	pub_fill(&p, PUB_6, AGENCY_B, "", 1, "", "withheld", "inspection", "2026-03-05",
	         "2026-04-02");
	snprintf(p.region_code, sizeof(p.region_code), "330102");
	snprintf(p.withhold_reason, sizeof(p.withhold_reason), "trade_secret");
	insert(fx, &p);
}

static void test_the_list_filters_by_each_field_orders_pages_and_its_count_agrees(void **state)
{
	static const struct {
		struct store_publication_filter f;
		const char *want[7];
	} cases[] = {
	        /* Newest decision first; equal dates by id. */
	        {{.limit = 50}, {PUB_2, PUB_6, PUB_1, PUB_3, PUB_5, PUB_4}},
	        {{.agency_id = AGENCY_A, .limit = 50}, {PUB_2, PUB_1, PUB_3}},
	        {{.region_prefix = "33", .limit = 50}, {PUB_6, PUB_5, PUB_4}},
	        {{.region_prefix = "330100", .limit = 50}, {PUB_5, PUB_4}},
	        {{.region_prefix = "3301%", .limit = 50}, {NULL}},
	        {{.status = "published", .limit = 50}, {PUB_1, PUB_4}},
	        {{.act_type = "penalty", .limit = 50}, {PUB_1, PUB_3, PUB_4}},
	        {{.from_on = "2026-02-01", .to_on = "2026-03-01", .limit = 50}, {PUB_1, PUB_3}},
	        {{.from_on = "2026-03-02", .limit = 50}, {PUB_2, PUB_6}},
	        {{.to_on = "2026-01-20", .limit = 50}, {PUB_5, PUB_4}},
	        /* Tasks, soonest due first: a publication's due_on, a withdrawal's due. */
	        {{.tasks_only = true, .limit = 50}, {PUB_3, PUB_2, PUB_4}},
	        {{.tasks_only = true, .agency_id = AGENCY_B, .limit = 50}, {PUB_4}},
	        {{.tasks_only = true, .overdue_on = "2026-03-15", .limit = 50}, {PUB_3, PUB_2}},
	        {{.tasks_only = true, .overdue_on = "2026-03-14", .limit = 50}, {PUB_3}},
	        {{.tasks_only = true, .overdue_on = "2026-04-11", .limit = 50},
	         {PUB_3, PUB_2, PUB_4}},
	        {{.tasks_only = true, .overdue_on = "2026-02-10", .limit = 50}, {NULL}},
	        /* Paging. */
	        {{.limit = 2, .offset = 1}, {PUB_6, PUB_1}},
	        {{.limit = 2, .offset = 5}, {PUB_4}},
	        {{.limit = 2, .offset = 6}, {NULL}},
	        {{.tasks_only = true, .limit = 1, .offset = 2}, {PUB_4}},
	};
	struct fixture *fx = *state;
	struct store_publication *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	size_t n = 0;

	insert_list_rows(fx);
	tx = begin(fx, STORE_TX_READ);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct store_publication_filter all = cases[i].f;
		size_t want = 0;
		int64_t total = -1;

		while (want < ARRAY_LEN(cases[i].want) && cases[i].want[want] != NULL)
			want++;
		assert_ok(store_publication_list(&rows, &n, tx, &cases[i].f, &err), &err);
		if (n != want)
			fail_msg("case %zu: %zu rows, want %zu", i, n, want);
		for (size_t j = 0; j < n; j++) {
			if (strcmp(rows[j].id, cases[i].want[j]) != 0)
				fail_msg("case %zu row %zu: %s, want %s", i, j, rows[j].id,
				         cases[i].want[j]);
			assert_null(rows[j].full_text);
		}
		store_publications_free(rows, n);
		/* The count is that of the whole list, paging aside. */
		all.limit = 50;
		all.offset = 0;
		assert_ok(store_publication_list(&rows, &n, tx, &all, &err), &err);
		store_publications_free(rows, n);
		assert_ok(store_publication_list_count(&total, tx, &cases[i].f, &err), &err);
		if (total != (int64_t)n)
			fail_msg("case %zu: count %lld, list %zu", i, (long long)total, n);
	}
	store_rollback(tx);
}

static void test_the_list_refuses_bad_paging_and_a_null_filter(void **state)
{
	struct fixture *fx = *state;
	struct store_publication_filter f = {.limit = 0};
	struct store_publication *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	int64_t total = 0;
	size_t n = 0;

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_publication_list(&rows, &n, tx, &f, &err), SX_EINVALID, NULL, &err);
	f.limit = 1;
	f.offset = -1;
	assert_fails(store_publication_list(&rows, &n, tx, &f, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_publication_list(&rows, &n, tx, NULL, &err), SX_EINVALID, NULL, &err);
	assert_fails(store_publication_list_count(&total, tx, NULL, &err), SX_EINVALID, NULL, &err);
	assert_null(rows);
	assert_int_equal(n, 0);
	store_rollback(tx);
}

/* ---- the search index ---- */

/* Puts body (already in search form) into the index with its zhnorm grams. */
static int index_put(struct store_tx *tx, const char *id, const char *body, struct sx_error *err)
{
	char **grams = NULL;
	size_t count = 0;
	int rc;

	assert_ok(zhnorm_grams(&grams, &count, body, strlen(body), err), err);
	rc = store_publication_index_put(tx, id, body, (const char *const *)grams, count, err);
	zhnorm_grams_free(grams, count);
	return rc;
}

/* Searches with q (its grams computed here); checks that the ids come in the order given
 * (NULL-terminated) and that *total is want_total. */
static void search_expect(struct store_tx *tx, struct store_publication_search q,
                          int64_t want_total, const char *const *want)
{
	struct store_publication *rows = NULL;
	char **grams = NULL;
	struct sx_error err;
	size_t count = 0, n = 0, want_n = 0;
	int64_t total = -1;

	sx_error_clear(&err);
	assert_ok(zhnorm_grams(&grams, &count, q.query, strlen(q.query), &err), &err);
	q.grams = (const char *const *)grams;
	q.gram_count = count;
	if (q.limit == 0)
		q.limit = 50;
	assert_ok(store_publication_search(&rows, &n, &total, tx, &q, &err), &err);
	while (want[want_n] != NULL)
		want_n++;
	if (n != want_n || total != want_total)
		fail_msg("query \"%s\": %zu rows (want %zu), total %lld (want %lld)", q.query, n,
		         want_n, (long long)total, (long long)want_total);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].id, want[i]) != 0)
			fail_msg("query \"%s\" row %zu: %s, want %s", q.query, i, rows[i].id,
			         want[i]);
		assert_null(rows[i].full_text);
	}
	store_publications_free(rows, n);
	zhnorm_grams_free(grams, count);
}

#define IDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

static void test_the_index_is_put_replaced_and_deleted(void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx;
	struct sx_error err;

	insert_list_rows(fx);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(index_put(tx, PUB_1, "某食品有限公司销售过期食品，罚款五万元", &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	search_expect(tx, (struct store_publication_search){.query = "过期食品"}, 1, IDS(PUB_1));
	store_rollback(tx);

	/* Replaced: the old text is gone, the new one found, still one entry. */
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(index_put(tx, PUB_1, "某餐饮店未取得许可从事经营，警告", &err), &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	search_expect(tx, (struct store_publication_search){.query = "过期食品"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "未取得许可"}, 1, IDS(PUB_1));
	search_expect(tx, (struct store_publication_search){.query = "某"}, 1, IDS(PUB_1));
	store_rollback(tx);

	/* Deleted, and deleting what is absent is fine. */
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(store_publication_index_delete(tx, PUB_1, &err), &err);
	assert_ok(store_publication_index_delete(tx, PUB_1, &err), &err);
	assert_ok(store_publication_index_delete(tx, PUB_7, &err), &err);
	/* Only rows that exist are indexed. */
	assert_fails(index_put(tx, PUB_7, "不存在的公开信息", &err), SX_ENOTFOUND,
	             "publication_not_found", &err);
	assert_fails(store_publication_index_put(tx, "", "正文", NULL, 0, &err), SX_EINVALID, NULL,
	             &err);
	assert_fails(store_publication_index_put(tx, PUB_1, NULL, NULL, 0, &err), SX_EINVALID, NULL,
	             &err);
	assert_fails(store_publication_index_delete(tx, "", &err), SX_EINVALID, NULL, &err);
	commit(tx);
	tx = begin(fx, STORE_TX_READ);
	search_expect(tx, (struct store_publication_search){.query = "未取得许可"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "某"}, 0, NONE);
	store_rollback(tx);
}

/*
 * Bodies of the list rows, all indexed; only P1 and P4 are published.
 * A PUB_7 published in agency A, decided 2026-03-01 like P1 (ties by id), is
 * added to the index as well.
 */
static void insert_indexed_rows(struct fixture *fx)
{
	static const struct {
		const char *id, *body;
	} bodies[] = {
	        {PUB_1, "甲公司销售过期食品，没收违法所得，罚款五万元"},
	        {PUB_2, "乙公司销售过期食品（草稿）"},
	        {PUB_3, "丙公司销售过期食品（待核）"},
	        {PUB_4, "丁公司生产不合格食品，罚款十万元"},
	        {PUB_5, "戊公司销售过期食品（已撤下）"},
	        {PUB_6, "己公司销售过期食品（不予公开）"},
	        {PUB_7, "庚超市销售过期食品，警告"},
	};
	struct store_publication p;
	struct store_tx *tx;
	struct sx_error err;

	insert_list_rows(fx);
	pub_fill(&p, PUB_7, AGENCY_A, "", 1, "", "published", "penalty", "2026-03-01",
	         "2026-03-10");
	insert(fx, &p);
	tx = begin(fx, STORE_TX_WRITE);
	for (size_t i = 0; i < ARRAY_LEN(bodies); i++)
		assert_ok(index_put(tx, bodies[i].id, bodies[i].body, &err), &err);
	commit(tx);
}

static void test_search_finds_short_and_long_chinese_queries_among_published_rows_only(void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx;

	insert_indexed_rows(fx);
	tx = begin(fx, STORE_TX_READ);
	/* 2 characters (a substring test on SQLite) and 5 (a trigram MATCH). Drafts, pending,
	 * withdrawn and withheld rows are in the index here but never found. */
	search_expect(tx, (struct store_publication_search){.query = "食品"}, 3,
	              IDS(PUB_1, PUB_7, PUB_4));
	search_expect(tx, (struct store_publication_search){.query = "销售过期食"}, 2,
	              IDS(PUB_1, PUB_7));
	search_expect(tx, (struct store_publication_search){.query = "罚款"}, 2, IDS(PUB_1, PUB_4));
	search_expect(tx, (struct store_publication_search){.query = "十万"}, 1, IDS(PUB_4));
	search_expect(tx, (struct store_publication_search){.query = "警"}, 1, IDS(PUB_7));
	search_expect(tx, (struct store_publication_search){.query = "，罚款五"}, 1, IDS(PUB_1));
	/* Characters that are all there, but not in that order or not adjacent. */
	search_expect(tx, (struct store_publication_search){.query = "过期销售"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "品食"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "甲公司生产"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "草稿"}, 0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "不予公开"}, 0, NONE);
	store_rollback(tx);
}

static void test_search_filters_pages_and_its_total_counts_every_match(void **state)
{
	struct fixture *fx = *state;
	struct store_tx *tx;

	insert_indexed_rows(fx);
	tx = begin(fx, STORE_TX_READ);
	search_expect(tx, (struct store_publication_search){.query = "食品", .agency_id = AGENCY_B},
	              1, IDS(PUB_4));
	search_expect(tx, (struct store_publication_search){.query = "食品", .region_prefix = "11"},
	              2, IDS(PUB_1, PUB_7));
	search_expect(tx,
	              (struct store_publication_search){.query = "食品", .region_prefix = "3301%"},
	              0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "食品", .act_type = "license"},
	              0, NONE);
	search_expect(tx, (struct store_publication_search){.query = "食品", .act_type = "penalty"},
	              3, IDS(PUB_1, PUB_7, PUB_4));
	search_expect(tx,
	              (struct store_publication_search){.query = "销售过期食品",
	                                                .from_on = "2026-03-01",
	                                                .to_on = "2026-03-01"},
	              2, IDS(PUB_1, PUB_7));
	search_expect(tx, (struct store_publication_search){.query = "食品", .to_on = "2026-02-28"},
	              1, IDS(PUB_4));
	/* Pages of one; the total stays the number of all matches. */
	search_expect(tx, (struct store_publication_search){.query = "食品", .limit = 1}, 3,
	              IDS(PUB_1));
	search_expect(tx,
	              (struct store_publication_search){.query = "食品", .limit = 1, .offset = 1},
	              3, IDS(PUB_7));
	search_expect(tx,
	              (struct store_publication_search){.query = "食品", .limit = 2, .offset = 2},
	              3, IDS(PUB_4));
	search_expect(tx,
	              (struct store_publication_search){.query = "食品", .limit = 2, .offset = 3},
	              3, NONE);
	search_expect(
	        tx,
	        (struct store_publication_search){.query = "销售过期食品", .limit = 1, .offset = 1},
	        2, IDS(PUB_7));
	store_rollback(tx);
}

static void test_quotes_percent_and_underscore_in_a_query_are_plain_characters(void **state)
{
	static const struct {
		const char *query;
		const char *want; /* NULL = none */
	} cases[] = {
	        {"\"", PUB_1},   /* one quote: the substring test */
	        {"a\"b", PUB_1}, /* quote inside an FTS5 phrase */
	        {"\"b%c_d\"", PUB_1},
	        {"%", PUB_1},
	        {"_", PUB_1},
	        {"%c", PUB_1},
	        {"c_d", PUB_1},
	        {"x%y", NULL}, /* not a wildcard: P2 has xzy */
	        {"x_y", NULL},
	        {"x%", NULL},
	        {"%%%", NULL},
	        {"___", NULL},
	        {"a\" OR \"x", NULL}, /* no FTS5 operators */
	        {"\" OR \"", NULL},
	        {"xz*", NULL},
	        {"NEAR(x y)", NULL},
	        {"body:xzy", NULL}, /* no column filter */
	        {"xzy", PUB_2},
	        {"'; DELETE FROM publication; --", NULL},
	        {"\\", NULL},
	        {"{x}", PUB_2}, /* braces and quotes in PostgreSQL's array literal */
	        {"{\"x\\\"}", NULL},
	};
	struct fixture *fx = *state;
	struct store_publication p;
	struct store_tx *tx;
	struct sx_error err;

	pub_fill(&p, PUB_1, AGENCY_A, "", 1, "", "published", "penalty", "2026-03-01",
	         "2026-03-10");
	insert(fx, &p);
	pub_fill(&p, PUB_2, AGENCY_A, "", 1, "", "published", "penalty", "2026-03-02",
	         "2026-03-10");
	insert(fx, &p);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(index_put(tx, PUB_1, "决定 a\"b%c_d\" 结束", &err), &err);
	assert_ok(index_put(tx, PUB_2, "决定 xzy 与 x y 与 {x} 结束", &err), &err);
	commit(tx);

	tx = begin(fx, STORE_TX_READ);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (cases[i].want != NULL)
			search_expect(tx,
			              (struct store_publication_search){.query = cases[i].query}, 1,
			              IDS(cases[i].want));
		else
			search_expect(tx,
			              (struct store_publication_search){.query = cases[i].query}, 0,
			              NONE);
	}
	/* A query that is more than one word finds the two rows that share it. */
	search_expect(tx, (struct store_publication_search){.query = "结束"}, 2, IDS(PUB_2, PUB_1));
	store_rollback(tx);
	/* Nothing was deleted by any of it. */
	read_one(fx, &p, PUB_1, false);
	read_one(fx, &p, PUB_2, false);
}

static void test_search_refuses_an_empty_query_and_bad_paging(void **state)
{
	struct fixture *fx = *state;
	struct store_publication_search q = {.query = "", .limit = 10};
	struct store_publication *rows = NULL;
	struct store_tx *tx;
	struct sx_error err;
	int64_t total = 0;
	size_t n = 0;

	tx = begin(fx, STORE_TX_READ);
	assert_fails(store_publication_search(&rows, &n, &total, tx, &q, &err), SX_EINVALID, NULL,
	             &err);
	q.query = NULL;
	assert_fails(store_publication_search(&rows, &n, &total, tx, &q, &err), SX_EINVALID, NULL,
	             &err);
	q.query = "食品";
	q.limit = 0;
	assert_fails(store_publication_search(&rows, &n, &total, tx, &q, &err), SX_EINVALID, NULL,
	             &err);
	q.limit = 1;
	q.offset = -1;
	assert_fails(store_publication_search(&rows, &n, &total, tx, &q, &err), SX_EINVALID, NULL,
	             &err);
	assert_fails(store_publication_search(&rows, &n, &total, tx, NULL, &err), SX_EINVALID, NULL,
	             &err);
	assert_null(rows);
	store_rollback(tx);
}

/* ---- allocation failures ---- */

typedef int (*alloc_op)(struct store_tx *tx, struct sx_error *err);

static int op_get(struct store_tx *tx, struct sx_error *err)
{
	struct store_publication p;
	int rc = store_publication_get(&p, tx, PUB_1, true, err);

	if (rc < 0)
		assert_null(p.full_text);
	else
		assert_non_null(p.full_text);
	store_publication_clear(&p);
	return rc;
}

static int op_by_record(struct store_tx *tx, struct sx_error *err)
{
	struct store_publication p;
	int rc = store_publication_by_record(&p, tx, RECORD_1, err);

	if (rc < 0)
		assert_null(p.full_text);
	store_publication_clear(&p);
	return rc;
}

static int op_history(struct store_tx *tx, struct sx_error *err)
{
	struct store_publication *rows = NULL;
	size_t n = 0;
	int rc = store_publication_history(&rows, &n, tx, PUB_2, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 3);
	store_publications_free(rows, n);
	return rc;
}

static int op_list(struct store_tx *tx, struct sx_error *err)
{
	struct store_publication_filter f = {.agency_id = AGENCY_A, .limit = 10};
	struct store_publication *rows = NULL;
	size_t n = 0;
	int rc = store_publication_list(&rows, &n, tx, &f, err);

	assert_true(rc < 0 ? rows == NULL && n == 0 : n == 3);
	store_publications_free(rows, n);
	return rc;
}

static int op_search(struct store_tx *tx, const char *query, int64_t want, struct sx_error *err)
{
	static const char *const grams_long[] = {"品", "处", "处罚", "罚", "食", "食品"};
	static const char *const grams_short[] = {"罚"};
	struct store_publication_search q = {.query = query, .limit = 10};
	struct store_publication *rows = NULL;
	int64_t total = -1;
	size_t n = 0;
	int rc;

	/* Grams of the query (a subset of what zhnorm_grams gives, which @> allows), fixed
	 * here so that only the store's allocations are counted. */
	q.grams = strlen(query) > 3 ? grams_long : grams_short;
	q.gram_count = strlen(query) > 3 ? ARRAY_LEN(grams_long) : ARRAY_LEN(grams_short);
	rc = store_publication_search(&rows, &n, &total, tx, &q, err);
	assert_true(rc < 0 ? rows == NULL && n == 0 && total == 0
	                   : (int64_t)n == want && total == want);
	store_publications_free(rows, n);
	return rc;
}

static int op_search_long(struct store_tx *tx, struct sx_error *err)
{
	return op_search(tx, "食品处罚", 3, err);
}

static int op_search_short(struct store_tx *tx, struct sx_error *err)
{
	return op_search(tx, "罚", 3, err);
}

static void test_reads_clean_up_when_an_allocation_fails(void **state)
{
	static const alloc_op ops[] = {op_get,  op_by_record,   op_history,
	                               op_list, op_search_long, op_search_short};
	struct fixture *fx = *state;
	char *text = long_chinese(4000);
	struct store_publication v[3];
	struct store_tx *tx;
	struct sx_error err;

	insert_chain(fx, v, text);
	tx = begin(fx, STORE_TX_WRITE);
	assert_ok(index_put(tx, PUB_1, "食品处罚一", &err), &err);
	assert_ok(index_put(tx, PUB_2, "食品处罚二", &err), &err);
	assert_ok(index_put(tx, PUB_3, "食品处罚三", &err), &err);
	commit(tx);
	/* All three found: make them published for the search. */
	for (size_t i = 0; i < 2; i++) {
		struct store_publication p;

		read_one(fx, &p, v[i].id, true);
		snprintf(p.status, sizeof(p.status), "published");
		tx = begin(fx, STORE_TX_WRITE);
		assert_ok(store_publication_update(tx, &p, "corrected", &err), &err);
		commit(tx);
		store_publication_clear(&p);
	}

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
	free(text);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_versions_round_trip_and_form_one_chain_that_history_follows_both_ways),
	        T(test_a_version_is_corrected_once_and_an_id_is_inserted_once),
	        T(test_the_schema_refuses_bad_values_and_a_persons_party_code),
	        T(test_publications_refuse_delete_in_the_database),
	        T(test_full_text_of_100_kib_round_trips_byte_for_byte),
	        T(test_an_update_with_a_stale_status_is_refused_and_changes_nothing),
	        T(test_an_update_of_a_missing_publication_is_not_found),
	        T(test_content_is_rewritten_in_draft_and_frozen_after_it),
	        T(test_the_list_filters_by_each_field_orders_pages_and_its_count_agrees),
	        T(test_the_list_refuses_bad_paging_and_a_null_filter),
	        T(test_the_index_is_put_replaced_and_deleted),
	        T(test_search_finds_short_and_long_chinese_queries_among_published_rows_only),
	        T(test_search_filters_pages_and_its_total_counts_every_match),
	        T(test_quotes_percent_and_underscore_in_a_query_are_plain_characters),
	        T(test_search_refuses_an_empty_query_and_bad_paging),
	        T(test_reads_clean_up_when_an_allocation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
