/*
 * Unit tests for service/reviews (重大执法决定法制审核, docs/reviews.md) and
 * the gate it makes in service/cases and service/case_records, on the demo
 * data (tests/unit/support/case_fixture), on SQLite or PostgreSQL
 * (tests/support/testdb).
 *
 * Covered: publishing the catalog of major decisions (versions, unchanged,
 * who may, bad JSON, the default for an agency without one, the audit row);
 * whether a case is major (a catalog rule, the default's amounts); the gate
 * of 《行政处罚法》第五十八条 on the moves to NOTICE and DECISION and on the
 * 行政处罚决定书's values; submission (materials, 科室初审, the due date in
 * working days, urgent, one open review); the review itself (回避, taking,
 * the checklist, the 法制审核意见书, the one extension); the disagreement
 * (objection, coordination, the head's decision on a 集体讨论); 集体讨论
 * before a heavy decision (第五十七条第二款); the lists and staffing; the
 * 调阅 of a review and what the reader may do; allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "case_fixture.h"

#include "base/mem.h"
#include "service/calendar.h"
#include "service/cases.h"
#include "service/evidence.h"
#include "service/reviews.h"

#define CF_PLAIN "330100-SJ-CF-003" /* 处罚, not flagged major in the 事项清单 */

/* The catalog that makes every general-procedure penalty major. */
#define CATALOG_ALL                                                                                \
	"{\"rules\":[{\"id\":\"all\",\"title\":\"普通程序行政处罚\","                      \
	"\"kind\":\"all_general_penalties\",\"acts\":[],\"threshold_fen\":0,\"party_type\":\"\","  \
	"\"matter_codes\":[],\"basis\":\"《行政处罚法》第五十八条第一款第四项\"}]}"

#define INSPECTION_VALUES                                                                                     \
	"{\"inspect_start\":\"2026-12-01 09:00\",\"inspect_end\":\"2026-12-01 10:30\","                       \
	"\"place\":\"示例市某区某路 1 号仓库\",\"present_person\":\"王某（仓库管理员）\"," \
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","                                      \
	"\"findings\":\"仓库内存放超过保质期的饮料 120 瓶。\"}"

#define REPORT_VALUES                                                                                               \
	"{\"case_name\":\"某公司销售过期食品案\",\"party_info\":\"有限责任公司。\","               \
	"\"investigation\":\"2026 年 12 月 1 日现场检查。\","                                               \
	"\"facts\":\"当事人销售超过保质期的饮料。\",\"evidence\":\"现场检查笔录、照片。\"," \
	"\"nature\":\"违反《中华人民共和国食品安全法》第三十四条第十项。\","               \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","    \
	"\"proposal\":\"没收违法所得，罚款 50000 元。\"}"

/* Same fields as CASE_FIXTURE_DECISION_VALUES with another penalty. */
#define OTHER_DECISION_VALUES                                                                                          \
	"{\"party_address\":\"示例市某区某路 1 号\",\"facts\":\"当事人销售超过保质期的饮料。\"," \
	"\"evidence\":\"现场检查笔录、询问笔录、照片。\","                                              \
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","                   \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","       \
	"\"penalty_content\":\"没收违法所得 1200 元，罚款 80000 元。\","                                   \
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\","                                            \
	"\"litigation_court\":\"示例市某区人民法院\",\"litigation_months\":\"6\"}"

#define OPINION_VALUES                                                                             \
	"{\"submitted_materials\":\"决定草稿\",\"review_points\":\"均通过\","               \
	"\"conclusion\":\"同意\",\"opinion\":\"同意\",\"reviewer\":\"周律\"}"

static int setup(void **state)
{
	*state = case_fixture_new("service-reviews");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	sx_mem_fail_after(-1);
	case_fixture_free(*state);
	return 0;
}

/* ---- helpers ---- */

static const struct service *svc_of(struct case_fixture *cf)
{
	return &cf->f->svc;
}

static void publish_catalog_all(struct case_fixture *cf)
{
	struct service_actor head;
	struct service_major_catalog cat;
	struct sx_error err;

	case_fixture_actor(&head, cf, "agency_head");
	if (service_major_catalog_publish(&cat, svc_of(cf), &head, NULL, CATALOG_ALL,
	                                  strlen(CATALOG_ALL), "全部普通程序处罚", &err) != 0)
		fail_msg("publish: %s %s", err.code, err.message);
	service_major_catalog_clear(&cat);
}

/* Saves a draft as "officer"; returns service_draft_save's code. */
static int draft(struct case_fixture *cf, const char *case_id, const char *values, const char *acts,
                 int64_t fine_fen, bool complex, struct sx_error *err)
{
	struct service_actor a;
	struct service_draft_input in;
	struct store_case_draft d;
	int rc;

	memset(&in, 0, sizeof(in));
	case_fixture_actor(&a, cf, "officer");
	in.values_json = values;
	in.values_len = strlen(values);
	in.acts = acts;
	in.fine_fen = fine_fen;
	in.complex = complex;
	rc = service_draft_save(&d, svc_of(cf), &a, case_id, &in, err);
	if (rc == 0) {
		assert_true(d.version >= 1);
		assert_int_equal(strlen(d.body_sha256), 64);
		store_case_draft_clear(&d);
	}
	return rc;
}

static void draft_ok(struct case_fixture *cf, const char *case_id, const char *values,
                     const char *acts, int64_t fine_fen, bool complex)
{
	struct sx_error err;

	if (draft(cf, case_id, values, acts, fine_fen, complex, &err) != 0)
		fail_msg("draft: %s %s", err.code, err.message);
}

/* Opens a case of CF_PLAIN and brings it to examination: the 调查终结报告 (when report) and a
 * 现场检查笔录 made in investigation, the recording of investigation exempted. */
static void walk_to_examination(struct service_case *c, struct case_fixture *cf, bool report)
{
	struct service_actor head;
	struct service_case d = {0};
	struct service_record rec;
	const char *two[] = {cf->zhang, cf->wang};
	struct sx_error err;

	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_open_case(c, cf, "penalty", CF_PLAIN);
	case_fixture_move(NULL, cf, "officer", c->c.id, "investigation", NULL);
	if (case_fixture_record(&rec, cf, "officer", c->c.id, "onsite_inspection",
	                        INSPECTION_VALUES, two, 2, &err) != 0)
		fail_msg("inspection: %s %s", err.code, err.message);
	service_record_clear(&rec);
	if (report) {
		if (case_fixture_record(&rec, cf, "officer", c->c.id, "investigation_report",
		                        REPORT_VALUES, NULL, 0, &err) != 0)
			fail_msg("report: %s %s", err.code, err.message);
		service_record_clear(&rec);
	}
	assert_int_equal(service_case_exempt_recording(&d, svc_of(cf), &head, c->c.id,
	                                               "investigation", "测试用豁免", &err),
	                 0);
	service_case_clear(&d);
	case_fixture_move(c, cf, "officer", c->c.id, "examination", NULL);
}

/* walk_to_examination, a draft (fine + confiscate, 50 000 元), then legal_review. */
static void walk_to_legal_review(struct service_case *c, struct case_fixture *cf, bool report)
{
	walk_to_examination(c, cf, report);
	draft_ok(cf, c->c.id, CASE_FIXTURE_DECISION_VALUES, "fine confiscate", 5000000, false);
	case_fixture_move(c, cf, "officer", c->c.id, "legal_review", NULL);
	assert_string_equal(c->c.stage, "legal_review");
}

static void submit_ok(struct service_review *out, struct case_fixture *cf, const char *case_id)
{
	struct service_actor a;
	struct sx_error err;

	case_fixture_actor(&a, cf, "officer");
	if (service_review_submit(out, svc_of(cf), &a, case_id, false, "请审核", &err) != 0)
		fail_msg("submit: %s %s %s", err.code, err.message, err.detail);
}

static void items_all_passed(struct review_item items[REVIEW_CHECK_COUNT])
{
	memset(items, 0, sizeof(struct review_item) * REVIEW_CHECK_COUNT);
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		items[i].checked = true;
		items[i].passed = true;
	}
}

static void items_with_problem(struct review_item items[REVIEW_CHECK_COUNT])
{
	items_all_passed(items);
	items[REVIEW_CHECK_DISCRETION].passed = false;
	snprintf(items[REVIEW_CHECK_DISCRETION].note, sizeof(items[0].note), "%s",
	         "罚款数额与裁量基准不符");
}

static void conclude_ok(struct service_review *out, struct case_fixture *cf, const char *review_id,
                        const char *conclusion)
{
	struct service_actor rv;
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;
	bool approve = strcmp(conclusion, "approve") == 0;

	case_fixture_actor(&rv, cf, "reviewer");
	if (approve)
		items_all_passed(items);
	else
		items_with_problem(items);
	if (service_review_conclude(out, svc_of(cf), &rv, review_id, items, conclusion,
	                            approve ? "" : "建议按裁量基准降低罚款数额", &err) != 0)
		fail_msg("conclude: %s %s %s", err.code, err.message, err.detail);
}

/* Moves as username; returns service_case_move's code (the moved case is cleared). */
static int move(struct case_fixture *cf, const char *username, const char *case_id, const char *to,
                struct sx_error *err)
{
	struct service_actor a;
	struct service_case d = {0};
	int rc;

	case_fixture_actor(&a, cf, username);
	rc = service_case_move(&d, svc_of(cf), &a, case_id, NULL, to, NULL, err);
	if (rc == 0)
		service_case_clear(&d);
	return rc;
}

/* The case's review state as the officer sees it. */
static void case_review(struct service_case_review *out, struct case_fixture *cf,
                        const char *case_id)
{
	struct service_actor a;
	struct service_case c;
	struct sx_error err;

	case_fixture_actor(&a, cf, "officer");
	if (service_case_get(&c, svc_of(cf), &a, case_id, NULL, "", &err) != 0)
		fail_msg("case get: %s %s", err.code, err.message);
	*out = c.review;
	/* The bodies are NULL in a case's review state: a copy of the flat parts is enough. */
	memset(&c.review, 0, sizeof(c.review));
	service_case_clear(&c);
}

static int64_t review_count(struct case_fixture *cf)
{
	struct service_actor a;
	struct service_review_page p;
	struct service_review_query q = {SERVICE_REVIEW_SCOPE_AGENCY, false, false, 1, 100};
	struct sx_error err;
	int64_t n;

	case_fixture_actor(&a, cf, "agency_head");
	if (service_review_list(&p, svc_of(cf), &a, &q, &err) != 0)
		fail_msg("list: %s %s", err.code, err.message);
	n = p.total;
	service_review_page_clear(&p);
	return n;
}

/* The gate's refusals for want of a (passed) review of the current draft. */
static bool is_review_gate(const char *code)
{
	return strcmp(code, "review_required") == 0 || strcmp(code, "review_not_passed") == 0;
}

/* ---- the catalog ---- */

static void test_the_agency_head_publishes_a_catalog_once_per_content(void **state)
{
	struct case_fixture *cf = *state;
	struct service_actor head, officer;
	struct service_major_catalog cat, got;
	struct sx_error err;
	int64_t audits = demo_fixture_audit_count(cf->f, "majorcat.publish");

	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&officer, cf, "officer");
	/* Before: the default, as for any agency that has not written its own. */
	assert_int_equal(service_major_catalog_get(&got, svc_of(cf), head.agency_id, 0, &err), 0);
	assert_true(got.is_default);
	assert_int_equal(got.row.version, 0);
	assert_true(got.catalog.count > 0);
	assert_int_equal(got.history_count, 0);
	service_major_catalog_clear(&got);
	assert_int_equal(service_major_catalog_get(&got, svc_of(cf), head.agency_id, 1, &err),
	                 SX_ENOTFOUND);
	assert_string_equal(err.code, "catalog_not_found");

	assert_int_equal(service_major_catalog_publish(&cat, svc_of(cf), &officer, NULL,
	                                               CATALOG_ALL, strlen(CATALOG_ALL), NULL,
	                                               &err),
	                 SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	assert_int_equal(service_major_catalog_publish(&cat, svc_of(cf), &head, NULL,
	                                               "{\"rules\":", 10, NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_json");
	assert_int_equal(service_major_catalog_publish(&cat, svc_of(cf), &head, NULL,
	                                               "{\"rules\":[{\"id\":\"x\"}]}", 22, NULL,
	                                               &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_catalog");

	if (service_major_catalog_publish(&cat, svc_of(cf), &head, NULL, CATALOG_ALL,
	                                  strlen(CATALOG_ALL), "全部普通程序处罚", &err) != 0)
		fail_msg("publish: %s %s %s", err.code, err.message, err.detail);
	assert_false(cat.is_default);
	assert_int_equal(cat.row.version, 1);
	assert_int_equal(cat.catalog.count, 1);
	assert_string_equal(cat.catalog.rules[0].title, "普通程序行政处罚");
	assert_int_equal(cat.history_count, 1);
	service_major_catalog_clear(&cat);
	assert_int_equal(demo_fixture_audit_count(cf->f, "majorcat.publish"), audits + 1);

	/* Public reading: no actor. */
	assert_int_equal(service_major_catalog_get(&got, svc_of(cf), head.agency_id, 0, &err), 0);
	assert_false(got.is_default);
	assert_int_equal(got.row.version, 1);
	assert_non_null(got.row.body);
	assert_string_equal(got.row.note, "全部普通程序处罚");
	assert_string_equal(got.agency_name, DEMO_MARKET);
	service_major_catalog_clear(&got);
	assert_int_equal(service_major_catalog_get(&got, svc_of(cf), head.agency_id, 1, &err), 0);
	assert_int_equal(got.row.version, 1);
	service_major_catalog_clear(&got);
	assert_int_equal(service_major_catalog_get(&got, svc_of(cf), head.agency_id, 2, &err),
	                 SX_ENOTFOUND);

	assert_int_equal(service_major_catalog_publish(&cat, svc_of(cf), &head, NULL, CATALOG_ALL,
	                                               strlen(CATALOG_ALL), NULL, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "catalog_unchanged");
	assert_int_equal(demo_fixture_audit_count(cf->f, "majorcat.publish"), audits + 1);

	/* Another agency still has the default; an unknown one is not found. */
	{
		char eco[STORE_ID_SIZE];

		demo_fixture_agency_id(eco, cf->f, DEMO_ECOLOGY);
		assert_int_equal(service_major_catalog_get(&got, svc_of(cf), eco, 0, &err), 0);
		assert_true(got.is_default);
		service_major_catalog_clear(&got);
		/* The head of one agency cannot publish for another. */
		assert_int_equal(service_major_catalog_publish(&cat, svc_of(cf), &head, eco,
		                                               CATALOG_ALL, strlen(CATALOG_ALL),
		                                               NULL, &err),
		                 SX_EPERM);
	}
	assert_int_equal(
	        service_major_catalog_get(&got, svc_of(cf), "01ZZZZZZZZZZZZZZZZZZZZZZZZ", 0, &err),
	        SX_ENOTFOUND);
	assert_string_equal(err.code, "agency_not_found");
}

/* ---- major or not ---- */

static void test_a_catalog_rule_makes_a_general_penalty_case_major(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_case_review rv;

	publish_catalog_all(cf);
	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_review(&rv, cf, c.c.id);
	assert_true(rv.applicable);
	assert_true(rv.major);
	assert_non_null(strstr(rv.major_reasons, "普通程序行政处罚"));
	assert_false(rv.has_draft);
	assert_false(rv.review_passed);
	service_case_clear(&c);
}

static void test_the_default_catalog_makes_a_case_major_by_the_drafted_fine(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_case_review rv;
	struct sx_error err;

	walk_to_examination(&c, cf, true);
	/* 5 000 元 for an organization: below the default's 10 万元. */
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine", 500000, false);
	case_review(&rv, cf, c.c.id);
	assert_true(rv.has_draft);
	assert_false(rv.major);
	assert_string_equal(rv.major_reasons, "");
	/* Not major: no legal review; straight to notice would be allowed. */
	assert_int_equal(move(cf, "officer", c.c.id, "legal_review", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_not_applicable");

	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine", 10000000, false);
	case_review(&rv, cf, c.c.id);
	assert_true(rv.major);
	assert_int_equal(rv.draft.version, 2);
	assert_non_null(strstr(rv.major_reasons, "对单位处以十万元以上罚款"));
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	service_case_clear(&c);
}

/* ---- the gate ---- */

static void test_a_major_case_reaches_notice_and_decision_only_after_approval(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, r2;
	struct service_case_review cr;
	struct service_record rec;
	struct sx_error err;

	publish_catalog_all(cf);
	walk_to_examination(&c, cf, true);
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine confiscate", 5000000, false);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	case_fixture_move(&c, cf, "officer", c.c.id, "legal_review", NULL);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");

	/* The 法制审核意见书 is made by the review only. */
	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "legal_review_opinion",
	                                     OPINION_VALUES, NULL, 0, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "opinion_from_review");

	submit_ok(&r, cf, c.c.id);
	assert_string_equal(r.r.status, "accepted");
	/* Open but not concluded: still no way out. */
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), SX_ECONFLICT);
	assert_true(strcmp(err.code, "review_not_passed") == 0 ||
	            strcmp(err.code, "review_required") == 0);
	conclude_ok(&r2, cf, r.r.id, "amend");
	assert_string_equal(r2.r.conclusion, "amend");
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_not_passed");
	service_review_clear(&r2);
	service_review_clear(&r);

	/* Back to examination, a new draft, a new review that agrees. */
	case_fixture_move(&c, cf, "officer", c.c.id, "examination", "按审核意见修改");
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine confiscate", 4000000, false);
	case_fixture_move(&c, cf, "officer", c.c.id, "legal_review", NULL);
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(r.r.seq, 2);
	conclude_ok(&r2, cf, r.r.id, "approve");
	case_review(&cr, cf, c.c.id);
	assert_true(cr.review_passed);
	assert_string_equal(cr.reviewed_by, "周律");
	assert_string_equal(cr.submitted_by, "张明");
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	service_review_clear(&r2);
	service_review_clear(&r);

	/* A draft saved in notice after the approval makes the review moot. */
	draft_ok(cf, c.c.id, OTHER_DECISION_VALUES, "fine confiscate", 8000000, false);
	case_review(&cr, cf, c.c.id);
	assert_false(cr.review_passed);
	assert_int_equal(move(cf, "agency_head", c.c.id, "decision", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	service_case_clear(&c);
}

static void test_the_decision_document_of_a_major_case_carries_the_reviewed_draft(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, r2;
	struct service_record rec;
	struct sx_error err;

	publish_catalog_all(cf);
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	conclude_ok(&r2, cf, r.r.id, "approve");
	service_review_clear(&r2);
	service_review_clear(&r);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	assert_int_equal(move(cf, "officer", c.c.id, "decision", &err), SX_EPERM);
	assert_string_equal(err.code, "agency_head_required");
	if (move(cf, "agency_head", c.c.id, "decision", &err) != 0)
		fail_msg("decision: %s %s", err.code, err.message);
	/* No more drafts once decided. */
	assert_int_equal(draft(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine", 100, false, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "wrong_stage");

	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "penalty_decision",
	                                     OTHER_DECISION_VALUES, NULL, 0, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "draft_differs");
	if (case_fixture_record(&rec, cf, "officer", c.c.id, "penalty_decision",
	                        CASE_FIXTURE_DECISION_VALUES, NULL, 0, &err) != 0)
		fail_msg("decision document: %s %s", err.code, err.message);
	assert_non_null(strstr(rec.r.body_text, "行政处罚决定书"));
	service_record_clear(&rec);
	service_case_clear(&c);
}

/* ---- submission ---- */

static void test_a_submission_needs_the_stage_a_draft_and_the_materials(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r;
	struct service_actor a, head;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&head, cf, "agency_head");
	walk_to_examination(&c, cf, false);
	/* examination: not yet. */
	assert_int_equal(service_review_submit(&r, svc_of(cf), &a, c.c.id, false, NULL, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "wrong_stage");
	case_fixture_move(&c, cf, "officer", c.c.id, "legal_review", NULL);
	assert_int_equal(service_review_submit(&r, svc_of(cf), &a, c.c.id, false, NULL, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "draft_required");
	/* Someone not on the case may not submit. */
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine confiscate", 5000000, false);
	assert_int_equal(service_review_submit(&r, svc_of(cf), &head, c.c.id, false, NULL, &err),
	                 SX_EPERM);
	assert_int_equal(review_count(cf), 0);

	/* No 调查终结报告: kept as returned with the list, no clock. */
	assert_int_equal(service_review_submit(&r, svc_of(cf), &a, c.c.id, false, NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "materials_incomplete");
	assert_non_null(strstr(err.message, "调查终结报告"));
	assert_string_equal(r.r.status, "returned");
	assert_true((r.r.missing & (1 << REVIEW_MAT_INVESTIGATION_REPORT)) != 0);
	assert_true((r.r.missing & (1 << REVIEW_MAT_EVIDENCE_LIST)) == 0);
	assert_true((r.r.materials & (1 << REVIEW_MAT_DRAFT_DECISION)) != 0);
	assert_string_equal(r.r.due_on, "");
	assert_string_equal(r.r.accepted_on, "");
	assert_non_null(strstr(r.r.returned_reason, "调查终结报告"));
	service_review_clear(&r);
	assert_int_equal(review_count(cf), 1);
	service_case_clear(&c);
}

static void test_the_unit_head_pre_reviews_when_the_agency_asks_for_it(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, p;
	struct service_actor a, head, unit, rv;
	struct calendar cal;
	char due[11];
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&unit, cf, "unit_head");
	case_fixture_actor(&rv, cf, "reviewer");
	assert_int_equal(service_review_settings_put(svc_of(cf), &a, NULL, true, &err), SX_EPERM);
	assert_int_equal(service_review_settings_put(svc_of(cf), &head, NULL, true, &err), 0);
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_string_equal(r.r.status, "pre_review");
	assert_string_equal(r.r.due_on, "");
	assert_false(r.may_pre_review); /* the officer */
	{
		struct service_review g;
		struct sx_error e2;

		assert_int_equal(service_review_get(&g, svc_of(cf), &unit, r.r.id, NULL, "", &e2),
		                 0);
		assert_true(g.may_pre_review);
		assert_false(g.may_take);
		service_review_clear(&g);
	}
	/* Only the unit head, with a word that exists, and a note to return it. */
	assert_int_equal(service_review_pre_review(&p, svc_of(cf), &rv, r.r.id, "pass", NULL, &err),
	                 SX_EPERM);
	assert_int_equal(service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "ok", NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_result");
	assert_int_equal(
	        service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "return", "  ", &err),
	        SX_EINVALID);
	/* A reviewer cannot take it before the pre-review. */
	assert_int_equal(service_review_take(&p, svc_of(cf), &rv, r.r.id, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_not_open");

	if (service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "pass", NULL, &err) != 0)
		fail_msg("pre_review: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(p.r.status, "accepted");
	assert_string_equal(p.r.pre_review_result, "pass");
	assert_string_equal(p.r.accepted_on, p.today);
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	assert_int_equal(review_due(due, &cal, p.today, false, &err), 0);
	calendar_clear(&cal);
	assert_string_equal(p.r.due_on, due);
	assert_true(p.ledger_index >= 0);
	/* Passed once: a second pre-review finds nothing to do. */
	service_review_clear(&p);
	assert_int_equal(
	        service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "pass", NULL, &err),
	        SX_ECONFLICT);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_a_pre_review_return_needs_a_note_and_ends_the_submission(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, p;
	struct service_actor head, unit;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&unit, cf, "unit_head");
	assert_int_equal(service_review_settings_put(svc_of(cf), &head, NULL, true, &err), 0);
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(
	        service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "return", NULL, &err),
	        SX_EINVALID);
	if (service_review_pre_review(&p, svc_of(cf), &unit, r.r.id, "return", "证据目录不全",
	                              &err) != 0)
		fail_msg("return: %s %s", err.code, err.message);
	assert_string_equal(p.r.status, "returned");
	assert_string_equal(p.r.returned_reason, "证据目录不全");
	assert_string_equal(p.r.due_on, "");
	service_review_clear(&p);
	service_review_clear(&r);
	/* Returned: the officer may submit again. */
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(r.r.seq, 2);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_an_urgent_submission_is_due_in_one_working_day_and_only_one_is_open(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, again;
	struct service_actor a;
	struct calendar cal;
	char due[11];
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	walk_to_legal_review(&c, cf, true);
	if (service_review_submit(&r, svc_of(cf), &a, c.c.id, true, NULL, &err) != 0)
		fail_msg("submit: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(r.r.status, "accepted");
	assert_true(r.r.urgent);
	assert_string_equal(r.r.accepted_on, r.today);
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	assert_int_equal(review_due(due, &cal, r.today, true, &err), 0);
	assert_string_equal(r.r.due_on, due);
	assert_int_equal(r.workdays_left, REVIEW_DAYS_URGENT);
	calendar_clear(&cal);
	assert_true(r.ledger_index >= 0);
	assert_true(r.draft_current);
	assert_non_null(r.draft.body);
	assert_string_equal(r.stage, "legal_review");

	assert_int_equal(service_review_submit(&again, svc_of(cf), &a, c.c.id, false, NULL, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "review_in_progress");
	assert_int_equal(draft(cf, c.c.id, OTHER_DECISION_VALUES, "fine", 100, false, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "review_in_progress");
	assert_int_equal(review_count(cf), 1);
	service_review_clear(&r);
	service_case_clear(&c);
}

/* ---- the review ---- */

static void test_a_reviewer_takes_and_concludes_with_the_whole_checklist(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, t, done;
	struct service_actor a, rv, unit;
	struct review_item items[REVIEW_CHECK_COUNT];
	struct service_record rec;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&rv, cf, "reviewer");
	case_fixture_actor(&unit, cf, "unit_head");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_false(r.may_take);
	assert_false(r.may_conclude);
	/* 回避: the submitter (an officer on the case) cannot take it, nor the unit head on it. */
	assert_int_equal(service_review_take(&t, svc_of(cf), &a, r.r.id, &err), SX_EPERM);
	assert_int_equal(service_review_take(&t, svc_of(cf), &unit, r.r.id, &err), SX_EPERM);
	if (service_review_take(&t, svc_of(cf), &rv, r.r.id, &err) != 0)
		fail_msg("take: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(t.r.reviewer_name, "周律");
	assert_false(t.may_take);
	assert_true(t.may_conclude);
	service_review_clear(&t);
	assert_int_equal(service_review_take(&t, svc_of(cf), &rv, r.r.id, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "already_taken");

	items_all_passed(items);
	items[REVIEW_CHECK_LAW].checked = false;
	assert_int_equal(service_review_conclude(&done, svc_of(cf), &rv, r.r.id, items, "approve",
	                                         NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "checklist_incomplete");
	items_with_problem(items);
	assert_int_equal(service_review_conclude(&done, svc_of(cf), &rv, r.r.id, items, "approve",
	                                         NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "agree_with_problems");
	assert_int_equal(
	        service_review_conclude(&done, svc_of(cf), &rv, r.r.id, items, "maybe", NULL, &err),
	        SX_EINVALID);
	assert_string_equal(err.code, "bad_conclusion");
	/* Only the reviewer concludes. */
	items_all_passed(items);
	assert_int_equal(service_review_conclude(&done, svc_of(cf), &a, r.r.id, items, "approve",
	                                         NULL, &err),
	                 SX_EPERM);

	if (service_review_conclude(&done, svc_of(cf), &rv, r.r.id, items, "approve", NULL, &err) !=
	    0)
		fail_msg("conclude: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(done.r.status, "concluded");
	assert_string_equal(done.r.conclusion, "approve");
	assert_true(done.r.concluded_at[0] != '\0');
	assert_int_equal(strlen(done.r.opinion_record_id), strlen(r.r.id));
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		assert_true(done.items[i].checked);
		assert_true(done.items[i].passed);
	}
	assert_false(done.may_object);
	assert_false(done.may_conclude);
	/* The officer has nothing to object to after 同意. */
	assert_int_equal(service_review_get(&t, svc_of(cf), &a, r.r.id, NULL, "", &err), 0);
	assert_false(t.may_object);
	assert_string_equal(t.r.conclusion, "approve");
	service_review_clear(&t);
	assert_int_equal(service_review_object(&t, svc_of(cf), &a, r.r.id, "不服", &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "nothing_to_object");
	/* A concluded review takes no second conclusion. */
	assert_int_equal(
	        service_review_conclude(&t, svc_of(cf), &rv, r.r.id, items, "approve", NULL, &err),
	        SX_ECONFLICT);
	assert_string_equal(err.code, "review_not_open");

	{
		struct service_actor reader;

		case_fixture_actor(&reader, cf, "officer");
		if (service_record_get(&rec, svc_of(cf), &reader, done.r.opinion_record_id, NULL,
		                       "", &err) != 0)
			fail_msg("opinion record: %s %s", err.code, err.message);
	}
	assert_string_equal(rec.r.template_code, "legal_review_opinion");
	assert_string_equal(rec.r.case_id, c.c.id);
	assert_non_null(strstr(rec.r.body_text, "同意"));
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++)
		assert_non_null(strstr(rec.r.body_text, review_check_label((enum review_check)i)));
	assert_non_null(strstr(rec.r.body_text, "周律"));
	service_record_clear(&rec);
	service_review_clear(&done);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_the_agency_head_extends_a_review_once_with_a_reason(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, x;
	struct service_actor head, rv;
	struct calendar cal;
	char due[11];
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&rv, cf, "reviewer");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(service_review_extend(&x, svc_of(cf), &rv, r.r.id, "案情复杂", &err),
	                 SX_EPERM);
	assert_int_equal(service_review_extend(&x, svc_of(cf), &head, r.r.id, "", &err),
	                 SX_EINVALID);
	assert_int_equal(service_review_extend(&x, svc_of(cf), &head, r.r.id, NULL, &err),
	                 SX_EINVALID);
	if (service_review_extend(&x, svc_of(cf), &head, r.r.id, "案情复杂，需补充核实", &err) != 0)
		fail_msg("extend: %s %s %s", err.code, err.message, err.detail);
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	assert_int_equal(review_extend(due, &cal, r.r.due_on, false, &err), 0);
	calendar_clear(&cal);
	assert_string_equal(x.r.due_on, due);
	assert_true(x.r.extended);
	assert_string_equal(x.r.extension_reason, "案情复杂，需补充核实");
	assert_string_equal(x.r.extension_by_name, "孙局长");
	assert_false(x.may_extend);
	service_review_clear(&x);
	assert_int_equal(service_review_extend(&x, svc_of(cf), &head, r.r.id, "再延一次", &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "already_extended");
	/* A concluded review has no deadline left to extend. */
	conclude_ok(&x, cf, r.r.id, "approve");
	service_review_clear(&x);
	assert_int_equal(service_review_extend(&x, svc_of(cf), &head, r.r.id, "再延", &err),
	                 SX_ECONFLICT);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_a_review_cannot_be_concluded_once_the_case_left_legal_review(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, s;
	struct service_actor rv;
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&rv, cf, "reviewer");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	case_fixture_move(&c, cf, "officer", c.c.id, "examination", "补充调查");
	/* Still open: the draft stays frozen, and no conclusion outside the stage. */
	assert_int_equal(draft(cf, c.c.id, OTHER_DECISION_VALUES, "fine", 100, false, &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "review_in_progress");
	items_all_passed(items);
	assert_int_equal(
	        service_review_conclude(&s, svc_of(cf), &rv, r.r.id, items, "approve", NULL, &err),
	        SX_ECONFLICT);
	assert_string_equal(err.code, "wrong_stage");
	service_review_clear(&r);
	service_case_clear(&c);
}

/* ---- disagreement ---- */

static const struct service_discussion_input discussion_of_three = {
        "2026-12-02 09:30",
        "局三楼会议室",
        "孙局长",
        "孙局长 局长\n李某 副局长\n周律 法制审核员\n",
        "与会人员认为事实清楚，证据充分。",
        "同意按草稿作出处罚决定。"};

static void test_an_objection_maintained_goes_to_the_head_and_a_discussion(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, s, o;
	struct service_actor a, rv, head;
	struct service_case_review cr;
	struct store_case_discussion d;
	struct service_discussion_input two = discussion_of_three;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&rv, cf, "reviewer");
	case_fixture_actor(&head, cf, "agency_head");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	conclude_ok(&s, cf, r.r.id, "amend");
	assert_true(s.may_coordinate == false);
	service_review_clear(&s);
	/* The officer reads it: may object now. */
	assert_int_equal(service_review_get(&s, svc_of(cf), &a, r.r.id, NULL, "", &err), 0);
	assert_true(s.may_object);
	assert_false(s.may_take);
	service_review_clear(&s);

	assert_int_equal(service_review_object(&o, svc_of(cf), &rv, r.r.id, "不服", &err),
	                 SX_EPERM);
	assert_int_equal(service_review_object(&o, svc_of(cf), &a, r.r.id, " ", &err), SX_EINVALID);
	if (service_review_object(&o, svc_of(cf), &a, r.r.id, "罚款数额在裁量基准之内", &err) != 0)
		fail_msg("object: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.r.objection, "罚款数额在裁量基准之内");
	assert_false(o.may_object);
	service_review_clear(&o);
	assert_int_equal(service_review_object(&o, svc_of(cf), &a, r.r.id, "再次异议", &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "already_objected");

	/* The head cannot decide before the coordination. */
	assert_int_equal(
	        service_review_head_decide(&o, svc_of(cf), &head, r.r.id, "proceed", "理由", &err),
	        SX_ECONFLICT);
	assert_string_equal(err.code, "nothing_to_decide");
	assert_int_equal(
	        service_review_coordinate(&o, svc_of(cf), &rv, r.r.id, "kept", "协调", &err),
	        SX_EINVALID);
	assert_string_equal(err.code, "bad_result");
	assert_int_equal(
	        service_review_coordinate(&o, svc_of(cf), &rv, r.r.id, "maintained", "", &err),
	        SX_EINVALID);
	if (service_review_coordinate(&o, svc_of(cf), &rv, r.r.id, "maintained",
	                              "经协调，审核意见不变", &err) != 0)
		fail_msg("coordinate: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.r.coordination_result, "maintained");
	assert_string_equal(o.r.status, "concluded");
	service_review_clear(&o);

	assert_int_equal(
	        service_review_head_decide(&o, svc_of(cf), &rv, r.r.id, "proceed", "理由", &err),
	        SX_EPERM);
	assert_int_equal(service_review_head_decide(&o, svc_of(cf), &head, r.r.id, "proceed",
	                                            "裁量适当", &err),
	                 SX_ECONFLICT);
	assert_string_equal(err.code, "discussion_required");

	/* 集体讨论: three or more attendees, by the agency head. */
	two.attendees = "孙局长 局长\n\n李某 副局长\n";
	assert_int_equal(service_discussion_record(&d, svc_of(cf), &head, c.c.id, &two, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "attendees_required");
	assert_int_equal(
	        service_discussion_record(&d, svc_of(cf), &a, c.c.id, &discussion_of_three, &err),
	        SX_EPERM);
	two = discussion_of_three;
	two.held_at = "2026-12-02";
	assert_int_equal(service_discussion_record(&d, svc_of(cf), &head, c.c.id, &two, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	if (service_discussion_record(&d, svc_of(cf), &head, c.c.id, &discussion_of_three, &err) !=
	    0)
		fail_msg("discussion: %s %s %s", err.code, err.message, err.detail);
	assert_non_null(strstr(d.attendees, "周律 法制审核员"));
	assert_string_equal(d.held_at, "2026-12-02 09:30");
	store_case_discussion_clear(&d);

	if (service_review_head_decide(&o, svc_of(cf), &head, r.r.id, "proceed", "裁量适当",
	                               &err) != 0)
		fail_msg("head: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.r.head_decision, "proceed");
	service_review_clear(&o);
	case_review(&cr, cf, c.c.id);
	assert_true(cr.review_passed);
	assert_true(cr.discussion_done);
	assert_string_equal(cr.discussed_by, "孙局长");
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_a_coordination_that_changes_the_opinion_reopens_the_review(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, s, o;
	struct service_actor a, rv;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&rv, cf, "reviewer");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(
	        service_review_coordinate(&o, svc_of(cf), &rv, r.r.id, "changed", "协调", &err),
	        SX_ECONFLICT);
	assert_string_equal(err.code, "nothing_to_coordinate");
	conclude_ok(&s, cf, r.r.id, "reject");
	service_review_clear(&s);
	/* Nothing to object to after 同意 only; here a 不同意. */
	if (service_review_object(&o, svc_of(cf), &a, r.r.id, "事实清楚，证据充分", &err) != 0)
		fail_msg("object: %s %s", err.code, err.message);
	service_review_clear(&o);
	if (service_review_coordinate(&o, svc_of(cf), &rv, r.r.id, "changed",
	                              "承办人补充说明后，审核意见改变", &err) != 0)
		fail_msg("coordinate: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.r.status, "accepted");
	assert_string_equal(o.r.conclusion, "");
	assert_true(o.may_conclude);
	service_review_clear(&o);
	conclude_ok(&s, cf, r.r.id, "approve");
	assert_string_equal(s.r.status, "concluded");
	assert_string_equal(s.r.conclusion, "approve");
	service_review_clear(&s);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	service_review_clear(&r);
	service_case_clear(&c);
}

/* ---- 集体讨论 before a heavy decision ---- */

static void test_a_heavy_decision_needs_a_discussion_of_the_latest_draft(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, s;
	struct service_actor head;
	struct service_case_review cr;
	struct store_case_discussion d;
	struct sx_error err;

	case_fixture_actor(&head, cf, "agency_head");
	/* The default catalog: 吊销许可证件 is major by its act-kind rule. */
	walk_to_examination(&c, cf, true);
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine revoke_license", 500000, false);
	case_review(&cr, cf, c.c.id);
	assert_true(cr.major);
	assert_true(cr.discussion_required);
	assert_false(cr.discussion_done);
	case_fixture_move(&c, cf, "officer", c.c.id, "legal_review", NULL);
	submit_ok(&r, cf, c.c.id);
	conclude_ok(&s, cf, r.r.id, "approve");
	service_review_clear(&s);
	service_review_clear(&r);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	assert_int_equal(move(cf, "agency_head", c.c.id, "decision", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "discussion_required");
	if (service_discussion_record(&d, svc_of(cf), &head, c.c.id, &discussion_of_three, &err) !=
	    0)
		fail_msg("discussion: %s %s %s", err.code, err.message, err.detail);
	store_case_discussion_clear(&d);
	case_review(&cr, cf, c.c.id);
	assert_true(cr.discussion_done);
	assert_int_equal(cr.discussion_count, 1);
	assert_int_equal(move(cf, "agency_head", c.c.id, "decision", &err), 0);
	service_case_clear(&c);
}

static void test_after_a_hearing_the_review_needs_its_record_and_a_discussion(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0}, h = {0};
	struct service_review r, s;
	struct service_actor a;
	struct service_case_review cr;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	conclude_ok(&s, cf, r.r.id, "approve");
	service_review_clear(&s);
	service_review_clear(&r);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	if (service_case_request_hearing(&h, svc_of(cf), &a, c.c.id, "当事人书面申请听证", &err) !=
	    0)
		fail_msg("hearing request: %s %s", err.code, err.message);
	service_case_clear(&h);
	assert_int_equal(move(cf, "officer", c.c.id, "hearing", &err), 0);
	/* 第五十七条第二款 as the service reads it: a hearing makes the head discuss. */
	case_review(&cr, cf, c.c.id);
	assert_true(cr.discussion_required);
	/* The review from before the hearing does not open the decision. */
	assert_int_equal(move(cf, "agency_head", c.c.id, "decision", &err), SX_ECONFLICT);
	assert_true(is_review_gate(err.code));
	/* 第五十八条第一款第二项: reviewed again after the hearing, with its 听证笔录. */
	assert_int_equal(move(cf, "officer", c.c.id, "legal_review", &err), 0);
	assert_int_equal(service_review_submit(&r, svc_of(cf), &a, c.c.id, false, NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "materials_incomplete");
	assert_non_null(strstr(err.message, "听证笔录"));
	assert_int_equal(r.r.seq, 2);
	assert_string_equal(r.r.status, "returned");
	assert_true((r.r.missing & (1 << REVIEW_MAT_HEARING_RECORD)) != 0);
	assert_true((r.r.missing & (1 << REVIEW_MAT_INVESTIGATION_REPORT)) == 0);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_a_review_from_before_the_hearing_does_not_open_the_decision(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0}, h = {0};
	struct service_review r, s;
	struct service_actor a, head;
	struct store_case_discussion d;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&head, cf, "agency_head");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	conclude_ok(&s, cf, r.r.id, "approve");
	service_review_clear(&s);
	service_review_clear(&r);
	assert_int_equal(move(cf, "officer", c.c.id, "notice", &err), 0);
	if (service_case_request_hearing(&h, svc_of(cf), &a, c.c.id, "当事人书面申请听证", &err) !=
	    0)
		fail_msg("hearing request: %s %s", err.code, err.message);
	service_case_clear(&h);
	assert_int_equal(move(cf, "officer", c.c.id, "hearing", &err), 0);
	if (service_discussion_record(&d, svc_of(cf), &head, c.c.id, &discussion_of_three, &err) !=
	    0)
		fail_msg("discussion: %s %s %s", err.code, err.message, err.detail);
	store_case_discussion_clear(&d);
	/* 第五十八条第一款第二项: 经过听证程序的 — the review must follow the hearing. */
	assert_int_equal(move(cf, "agency_head", c.c.id, "decision", &err), SX_ECONFLICT);
	assert_true(is_review_gate(err.code));
	service_case_clear(&c);
}

static void test_a_complex_draft_needs_a_discussion_too(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_case_review cr;

	walk_to_examination(&c, cf, true);
	draft_ok(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "warning", 0, true);
	case_review(&cr, cf, c.c.id);
	assert_true(cr.major); /* the default's complex flag rule */
	assert_true(cr.discussion_required);
	service_case_clear(&c);
}

static void test_draft_input_is_checked(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct sx_error err;

	walk_to_examination(&c, cf, true);
	assert_int_equal(
	        draft(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine jail", 100, false, &err),
	        SX_EINVALID);
	assert_string_equal(err.code, "bad_acts");
	assert_int_equal(draft(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "", 100, false, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_acts");
	assert_int_equal(draft(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine", 0, false, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_amount");
	assert_int_equal(draft(cf, c.c.id, CASE_FIXTURE_DECISION_VALUES, "fine", -5, false, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_amount");
	assert_int_equal(draft(cf, c.c.id, "{\"facts\":\"只有事实\"}", "fine", 100, false, &err),
	                 SX_EINVALID);
	{
		struct service_actor head;
		struct service_draft_input in;
		struct store_case_draft d;

		memset(&in, 0, sizeof(in));
		in.values_json = CASE_FIXTURE_DECISION_VALUES;
		in.values_len = strlen(CASE_FIXTURE_DECISION_VALUES);
		in.acts = "fine";
		in.fine_fen = 100;
		case_fixture_actor(&head, cf, "agency_head");
		assert_int_equal(service_draft_save(&d, svc_of(cf), &head, c.c.id, &in, &err),
		                 SX_EPERM);
	}
	service_case_clear(&c);
}

/* ---- lists, staffing, reading ---- */

static void test_the_lists_show_open_reviews_to_those_who_may_see_them(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r;
	struct service_actor a, rv, head, sup, eco;
	struct service_review_page p;
	struct service_review_query q = {SERVICE_REVIEW_SCOPE_QUEUE, false, false, 1, 20};
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&rv, cf, "reviewer");
	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&sup, cf, "supervisor");
	case_fixture_actor(&eco, cf, "officer2");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);

	if (service_review_list(&p, svc_of(cf), &rv, &q, &err) != 0)
		fail_msg("queue: %s %s %s", err.code, err.message, err.detail);
	assert_int_equal(p.total, 1);
	assert_int_equal(p.count, 1);
	assert_string_equal(p.items[0].r.id, r.r.id);
	assert_string_equal(p.items[0].case_no, c.c.case_no);
	assert_string_equal(p.items[0].agency_name, DEMO_MARKET);
	assert_int_equal(p.items[0].workdays_left, REVIEW_DAYS);
	assert_false(p.items[0].overdue);
	assert_int_equal(p.open_count, 1);
	assert_int_equal(p.overdue_count, 0);
	service_review_page_clear(&p);

	assert_int_equal(service_review_list(&p, svc_of(cf), &a, &q, &err), SX_EPERM);
	q.scope = SERVICE_REVIEW_SCOPE_AGENCY;
	assert_int_equal(service_review_list(&p, svc_of(cf), &a, &q, &err), SX_EPERM);
	assert_int_equal(service_review_list(&p, svc_of(cf), &head, &q, &err), 0);
	assert_int_equal(p.total, 1);
	service_review_page_clear(&p);
	q.scope = SERVICE_REVIEW_SCOPE_REGION;
	assert_int_equal(service_review_list(&p, svc_of(cf), &head, &q, &err), SX_EPERM);
	if (service_review_list(&p, svc_of(cf), &sup, &q, &err) != 0)
		fail_msg("region: %s %s", err.code, err.message);
	assert_int_equal(p.total, 1);
	assert_int_equal(p.open_count, 1);
	service_review_page_clear(&p);
	q.per_page = 0;
	assert_int_equal(service_review_list(&p, svc_of(cf), &sup, &q, &err), SX_EINVALID);
	q.per_page = 20;
	q.scope = 99;
	assert_int_equal(service_review_list(&p, svc_of(cf), &sup, &q, &err), SX_EINVALID);

	/* Concluded: off the queue, still in the agency's list, no longer open. */
	{
		struct service_review s;

		conclude_ok(&s, cf, r.r.id, "approve");
		service_review_clear(&s);
	}
	q.scope = SERVICE_REVIEW_SCOPE_QUEUE;
	assert_int_equal(service_review_list(&p, svc_of(cf), &rv, &q, &err), 0);
	assert_int_equal(p.total, 0);
	assert_int_equal(p.open_count, 0);
	service_review_page_clear(&p);
	q.scope = SERVICE_REVIEW_SCOPE_AGENCY;
	assert_int_equal(service_review_list(&p, svc_of(cf), &rv, &q, &err), 0);
	assert_int_equal(p.total, 1);
	assert_int_equal(p.open_count, 0);
	service_review_page_clear(&p);
	service_review_clear(&r);
	service_case_clear(&c);
}

static void test_staffing_counts_reviewers_against_valid_officers(void **state)
{
	struct case_fixture *cf = *state;
	struct service_actor head, a, sup;
	struct service_review_staffing s;
	int64_t required = 0;
	struct sx_error err;

	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&sup, cf, "supervisor");
	assert_int_equal(service_review_staffing(&s, svc_of(cf), &head, NULL, &err), 0);
	assert_string_equal(s.agency_id, head.agency_id);
	assert_int_equal(s.reviewers, 1); /* 周律 */
	assert_int_equal(s.officers, 2);  /* 张明, 王芳: 李华 expired, 赵强 suspended */
	assert_true(s.required >= 1);
	assert_int_equal(s.short_staffed,
	                 review_staffing_short(&required, s.reviewers, s.officers));
	assert_int_equal(s.required, required);
	assert_false(s.short_staffed);
	assert_int_equal(service_review_staffing(&s, svc_of(cf), &a, NULL, &err), SX_EPERM);
	assert_int_equal(service_review_staffing(&s, svc_of(cf), &sup, head.agency_id, &err), 0);
	assert_int_equal(s.reviewers, 1);
	{
		char eco[STORE_ID_SIZE];

		/* 生态环境局 has officers and no reviewer. */
		demo_fixture_agency_id(eco, cf->f, DEMO_ECOLOGY);
		assert_int_equal(service_review_staffing(&s, svc_of(cf), &sup, eco, &err), 0);
		assert_int_equal(s.reviewers, 0);
		assert_true(s.short_staffed);
		assert_int_equal(service_review_staffing(&s, svc_of(cf), &head, eco, &err),
		                 SX_EPERM);
	}
	assert_int_equal(
	        service_review_staffing(&s, svc_of(cf), &sup, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", &err),
	        SX_ENOTFOUND);
}

static void test_reading_a_review_is_a_logged_access_with_the_readers_rights(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, g;
	struct service_actor a, rv, head, eco;
	struct service_access_page page;
	int64_t before;
	struct sx_error err;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_actor(&rv, cf, "reviewer");
	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_actor(&eco, cf, "officer2");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	assert_int_equal(service_case_accesses(&page, svc_of(cf), &head, c.c.id, 1, 100, &err), 0);
	before = page.total;
	service_access_page_clear(&page);

	/* The reviewer is not on the case: a reason is required. */
	assert_int_equal(service_review_get(&g, svc_of(cf), &rv, r.r.id, "", "", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "reason_required");
	if (service_review_get(&g, svc_of(cf), &rv, r.r.id, "法制审核", "10.0.0.9", &err) != 0)
		fail_msg("get: %s %s %s", err.code, err.message, err.detail);
	assert_true(g.may_take);
	assert_true(g.may_conclude);
	assert_false(g.may_object);
	assert_false(g.may_extend);
	assert_false(g.may_pre_review);
	assert_true(g.ledger_index >= 0);
	assert_non_null(g.draft.body);
	assert_string_equal(g.case_no, c.c.case_no);
	assert_string_equal(g.party_name, "示例市某某食品有限公司");
	assert_string_equal(g.stage, "legal_review");
	assert_non_null(strstr(g.major_reasons, "普通程序行政处罚"));
	assert_int_equal(g.workdays_left, REVIEW_DAYS);
	service_review_clear(&g);

	assert_int_equal(service_case_accesses(&page, svc_of(cf), &head, c.c.id, 1, 100, &err), 0);
	assert_int_equal(page.total, before + 1);
	assert_string_equal(page.items[0].reason, "法制审核");
	assert_string_equal(page.items[0].remote_addr, "10.0.0.9");
	assert_string_equal(page.items[0].actor_name, "周律");
	service_access_page_clear(&page);

	/* The head may extend; the officer may not object to an open review. */
	assert_int_equal(service_review_get(&g, svc_of(cf), &head, r.r.id, "督办", "", &err), 0);
	assert_true(g.may_extend);
	assert_false(g.may_take);
	service_review_clear(&g);
	assert_int_equal(service_review_get(&g, svc_of(cf), &a, r.r.id, NULL, "", &err), 0);
	assert_false(g.may_object);
	assert_false(g.may_take);
	service_review_clear(&g);
	/* Another agency's officer does not see it at all. */
	assert_int_equal(service_review_get(&g, svc_of(cf), &eco, r.r.id, "看看", "", &err),
	                 SX_ENOTFOUND);
	assert_int_equal(service_review_get(&g, svc_of(cf), &rv, "01ZZZZZZZZZZZZZZZZZZZZZZZZ",
	                                    "审核", "", &err),
	                 SX_ENOTFOUND);
	assert_string_equal(err.code, "review_not_found");
	service_review_clear(&r);
	service_case_clear(&c);
}

/* ---- allocation failure ---- */

static void test_a_submission_that_runs_out_of_memory_leaves_nothing_behind(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r;
	struct service_actor a;
	struct sx_error err;
	long n;
	int rc = -1;
	bool committed = false;

	publish_catalog_all(cf);
	case_fixture_actor(&a, cf, "officer");
	walk_to_legal_review(&c, cf, true);
	for (n = 0; n < 5000; n++) {
		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = service_review_submit(&r, svc_of(cf), &a, c.c.id, false, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld: %d %s %s %s", n, rc, err.code, err.message,
			         err.detail);
		/* Nothing committed: the case has no review. (As service_case_move does, the
		 * answer is read after the commit: a failure there reports the error for a
		 * whole change, which must then be complete.) */
		if (review_count(cf) != 0) {
			struct service_case_review cr;

			case_review(&cr, cf, c.c.id);
			assert_string_equal(cr.review.status, "accepted");
			assert_int_equal(strlen(cr.review.due_on), 10);
			committed = true;
			break;
		}
	}
	assert_true(n > 0);
	if (!committed) {
		assert_int_equal(rc, 0);
		assert_string_equal(r.r.status, "accepted");
		assert_int_equal(r.r.seq, 1);
		service_review_clear(&r);
	}
	assert_int_equal(review_count(cf), 1);
	service_case_clear(&c);
}

static void test_a_conclusion_that_runs_out_of_memory_leaves_the_review_open(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_review r, s;
	struct service_actor rv;
	struct review_item items[REVIEW_CHECK_COUNT];
	struct service_case_review cr;
	struct sx_error err;
	long n;
	int rc = -1;
	bool committed = false;

	publish_catalog_all(cf);
	case_fixture_actor(&rv, cf, "reviewer");
	walk_to_legal_review(&c, cf, true);
	submit_ok(&r, cf, c.c.id);
	items_all_passed(items);
	for (n = 0; n < 20000; n++) {
		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = service_review_conclude(&s, svc_of(cf), &rv, r.r.id, items, "approve", NULL,
		                             &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld: %d %s %s %s", n, rc, err.code, err.message,
			         err.detail);
		case_review(&cr, cf, c.c.id);
		if (strcmp(cr.review.status, "concluded") == 0) {
			/* Committed whole; only the answer read afterwards ran out. */
			assert_string_equal(cr.review.conclusion, "approve");
			assert_true(cr.review.opinion_record_id[0] != '\0');
			committed = true;
			break;
		}
		if (strcmp(cr.review.status, "accepted") != 0 || cr.review.opinion_record_id[0])
			fail_msg("allocation %ld: the review changed to %s", n, cr.review.status);
	}
	assert_true(n > 0);
	if (!committed) {
		assert_int_equal(rc, 0);
		assert_string_equal(s.r.status, "concluded");
		service_review_clear(&s);
	}
	case_review(&cr, cf, c.c.id);
	assert_true(cr.review_passed);
	service_review_clear(&r);
	service_case_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(
	                test_the_agency_head_publishes_a_catalog_once_per_content, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_catalog_rule_makes_a_general_penalty_case_major, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_the_default_catalog_makes_a_case_major_by_the_drafted_fine, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_major_case_reaches_notice_and_decision_only_after_approval, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_the_decision_document_of_a_major_case_carries_the_reviewed_draft,
	                setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_submission_needs_the_stage_a_draft_and_the_materials, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_the_unit_head_pre_reviews_when_the_agency_asks_for_it, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_pre_review_return_needs_a_note_and_ends_the_submission, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_an_urgent_submission_is_due_in_one_working_day_and_only_one_is_open,
	                setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_reviewer_takes_and_concludes_with_the_whole_checklist, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_the_agency_head_extends_a_review_once_with_a_reason, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_review_cannot_be_concluded_once_the_case_left_legal_review, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_an_objection_maintained_goes_to_the_head_and_a_discussion, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_coordination_that_changes_the_opinion_reopens_the_review, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_heavy_decision_needs_a_discussion_of_the_latest_draft, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_after_a_hearing_the_review_needs_its_record_and_a_discussion, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_review_from_before_the_hearing_does_not_open_the_decision, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(test_a_complex_draft_needs_a_discussion_too, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_draft_input_is_checked, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_the_lists_show_open_reviews_to_those_who_may_see_them, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_staffing_counts_reviewers_against_valid_officers, setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                test_reading_a_review_is_a_logged_access_with_the_readers_rights, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_submission_that_runs_out_of_memory_leaves_nothing_behind, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(
	                test_a_conclusion_that_runs_out_of_memory_leaves_the_review_open, setup,
	                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
