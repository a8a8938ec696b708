/*
 * Unit tests for service/publications (事后公开, docs/publications.md) on the
 * demo data (tests/unit/support/case_fixture), on SQLite or PostgreSQL
 * (tests/support/testdb).
 *
 * Every test brings a general-procedure penalty case that is not major under
 * the default catalog (a drafted fine of 5 000 元) to decision and
 * makes its 行政处罚决定书, which opens the draft publication
 * (国办发〔2018〕118号 二(三): within 7 working days).
 *
 * Covered: the draft a decision opens (due date, the party of an organization
 * and of a person, the redacted full text; a person's draft passes the
 * redaction check it was made for); editing with the redaction check and its
 * override; send to check, return, the second person's publication;
 * withholding; the public search (simplified and traditional queries, the
 * snippet, filters, paging, the query length, no normalizer); the public page
 * of a draft, a published and a withdrawn decision, and the history it shows;
 * withdrawal and its event date; correction as a new version (its due date, a
 * withdrawal opened while it waits); the staff lists and overdue tasks;
 * allocation failure while deciding, publishing, correcting and searching.
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
#include "domain/publication.h"
#include "search/zhnorm.h"
#include "service/calendar.h"
#include "service/cases.h"
#include "service/publications.h"
#include "store/store_publication.h"

#define CF_PLAIN "330100-SJ-CF-003" /* 处罚, not flagged major in the 事项清单 */
#define PERSON_ID "11010519491231002X" /* GB 11643-1999's example, valid check char */

#define INSPECTION_VALUES                                                                          \
	"{\"inspect_start\":\"2026-12-01 09:00\",\"inspect_end\":\"2026-12-01 10:30\","            \
	"\"place\":\"示例市某区某路 1 号仓库\",\"present_person\":\"王某（仓库管理员）\","         \
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","                                  \
	"\"findings\":\"仓库内存放超过保质期的饮料 120 瓶。\"}"

#define REPORT_VALUES                                                                              \
	"{\"case_name\":\"某公司销售过期食品案\",\"party_info\":\"有限责任公司。\","               \
	"\"investigation\":\"2026 年 12 月 1 日现场检查。\","                                      \
	"\"facts\":\"当事人销售超过保质期的饮料。\",\"evidence\":\"现场检查笔录、照片。\","        \
	"\"nature\":\"违反《中华人民共和国食品安全法》第三十四条第十项。\","                       \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","              \
	"\"proposal\":\"没收违法所得，罚款 50000 元。\"}"

struct state {
	struct case_fixture *cf;
	struct zhnorm *z;
};

static int setup(void **state)
{
	struct state *s = sx_calloc(1, sizeof(*s));
	struct sx_error err;

	if (!s)
		return -1;
	*state = s;
	if (!(s->cf = case_fixture_new("service-publications")))
		return -1;
	if (zhnorm_open(&s->z, NULL, &err) != 0) {
		fprintf(stderr, "zhnorm_open: %s %s %s\n", err.code, err.message, err.detail);
		return -1;
	}
	s->cf->f->svc.zhnorm = s->z;
	return 0;
}

static int teardown(void **state)
{
	struct state *s = *state;

	sx_mem_fail_after(-1);
	if (s->cf)
		s->cf->f->svc.zhnorm = NULL;
	zhnorm_close(s->z);
	case_fixture_free(s->cf);
	sx_free(s);
	return 0;
}

/* ---- helpers ---- */

static const struct service *svc_of(struct case_fixture *cf)
{
	return &cf->f->svc;
}

static void actor(struct service_actor *out, struct case_fixture *cf, const char *username)
{
	case_fixture_actor(out, cf, username);
}

/*
 * Opens a case of CF_PLAIN (against the fixture's company, or against 张三 with
 * PERSON_ID when person), walks it to decision and makes its 行政处罚决定书
 * (CASE_FIXTURE_DECISION_VALUES) on made_on (NULL = today). rec receives the
 * decision record.
 */
static void walk_to_decision(char case_id[STORE_ID_SIZE], struct case_fixture *cf, bool person)
{
	struct service_actor officer, head;
	struct service_case_input in;
	struct service_case c = {0}, d = {0};
	struct service_record r;
	struct service_draft_input din;
	struct store_case_draft draft;
	const char *two[] = {cf->zhang, cf->wang};
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&head, cf, "agency_head");
	case_fixture_case_input(&in, cf, "penalty", CF_PLAIN);
	if (person) {
		in.party_type = "person";
		in.party_name = "张三";
		in.party_id_code = PERSON_ID;
	}
	if (service_case_open(&c, svc_of(cf), &officer, &in, &err) != 0)
		fail_msg("open: %s %s", err.code, err.message);
	case_fixture_move(NULL, cf, "officer", c.c.id, "investigation", NULL);
	if (case_fixture_record(&r, cf, "officer", c.c.id, "onsite_inspection", INSPECTION_VALUES,
				two, 2, &err) != 0)
		fail_msg("inspection: %s %s", err.code, err.message);
	service_record_clear(&r);
	if (case_fixture_record(&r, cf, "officer", c.c.id, "investigation_report", REPORT_VALUES,
				NULL, 0, &err) != 0)
		fail_msg("report: %s %s", err.code, err.message);
	service_record_clear(&r);
	if (service_case_exempt_recording(&d, svc_of(cf), &head, c.c.id, "investigation",
					  "测试用豁免", &err) != 0)
		fail_msg("exempt: %s %s", err.code, err.message);
	service_case_clear(&d);
	case_fixture_move(&c, cf, "officer", c.c.id, "examination", NULL);
	/* 5 000 元: below the default catalog's amounts, so not major (no 法制审核). */
	memset(&din, 0, sizeof(din));
	din.values_json = CASE_FIXTURE_DECISION_VALUES;
	din.values_len = strlen(CASE_FIXTURE_DECISION_VALUES);
	din.acts = "fine";
	din.fine_fen = 500000;
	if (service_draft_save(&draft, svc_of(cf), &officer, c.c.id, &din, &err) != 0)
		fail_msg("draft: %s %s", err.code, err.message);
	store_case_draft_clear(&draft);
	case_fixture_move(&c, cf, "officer", c.c.id, "notice", NULL);
	case_fixture_move(&c, cf, "agency_head", c.c.id, "decision", NULL);
	snprintf(case_id, STORE_ID_SIZE, "%s", c.c.id);
	service_case_clear(&c);
}

static void decision_input(struct service_record_input *rin, const char *made_on)
{
	memset(rin, 0, sizeof(*rin));
	rin->template_code = "penalty_decision";
	rin->values_json = CASE_FIXTURE_DECISION_VALUES;
	rin->values_len = strlen(CASE_FIXTURE_DECISION_VALUES);
	rin->made_on = made_on;
}

static void decide_on(struct service_record *rec, struct case_fixture *cf, bool person,
		      const char *made_on)
{
	struct service_record_input rin;
	struct service_actor officer;
	char case_id[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	walk_to_decision(case_id, cf, person);
	decision_input(&rin, made_on);
	if (service_record_make(rec, svc_of(cf), &officer, case_id, &rin, &err) != 0)
		fail_msg("decision: %s %s %s", err.code, err.message, err.detail);
}

static void decide(struct service_record *rec, struct case_fixture *cf, bool person)
{
	decide_on(rec, cf, person, NULL);
}

/* The publication the decision record opened (latest version), straight from the store. */
static void by_record(struct store_publication *out, struct case_fixture *cf,
		      const char *record_id)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int rc;

	if (store_begin(&tx, svc_of(cf)->store, STORE_TX_READ, &err) != 0)
		fail_msg("begin: %s", err.message);
	rc = store_publication_by_record(out, tx, record_id, &err);
	store_rollback(tx);
	if (rc != 0)
		fail_msg("by record: %s %s", err.code, err.message);
}

/* Decides a case and returns the id of its draft publication in id. */
static void decided_draft(char id[STORE_ID_SIZE], struct case_fixture *cf, bool person)
{
	struct service_record rec;
	struct store_publication p;

	decide(&rec, cf, person);
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	snprintf(id, STORE_ID_SIZE, "%s", p.id);
	store_publication_clear(&p);
	service_record_clear(&rec);
}

static void get_as(struct service_publication *out, struct case_fixture *cf,
		   const char *username, const char *id)
{
	struct service_actor a;
	struct sx_error err;

	actor(&a, cf, username);
	if (service_publication_get(out, svc_of(cf), &a, id, &err) != 0)
		fail_msg("get: %s %s", err.code, err.message);
}

static void submit_as(struct case_fixture *cf, const char *username, const char *id)
{
	struct service_actor a;
	struct service_publication o;
	struct sx_error err;

	actor(&a, cf, username);
	if (service_publication_submit(&o, svc_of(cf), &a, id, &err) != 0)
		fail_msg("submit: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.status, "pending_check");
	service_publication_clear(&o);
}

static void publish_as(struct case_fixture *cf, const char *username, const char *id)
{
	struct service_actor a;
	struct service_publication o;
	struct sx_error err;

	actor(&a, cf, username);
	if (service_publication_publish(&o, svc_of(cf), &a, id, &err) != 0)
		fail_msg("publish: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.status, "published");
	service_publication_clear(&o);
}

/* Decides a case, sends its draft to check as "officer" and publishes it as "unit_head". */
static void published(char id[STORE_ID_SIZE], struct case_fixture *cf)
{
	decided_draft(id, cf, false);
	submit_as(cf, "officer", id);
	publish_as(cf, "unit_head", id);
}

static void input_unchanged(struct service_publication_input *in)
{
	memset(in, 0, sizeof(*in));
	in->fine_fen = -1;
	in->confiscation_fen = -1;
}

static int search(struct service_public_search_page *out, struct case_fixture *cf,
		  const char *q)
{
	struct service_public_search_query sq;
	struct sx_error err;
	int rc;

	memset(&sq, 0, sizeof(sq));
	sq.q = q;
	sq.page = 1;
	sq.per_page = 50;
	rc = service_public_search(out, svc_of(cf), &sq, &err);
	if (rc != 0)
		fail_msg("search %s: %s %s %s", q, err.code, err.message, err.detail);
	return rc;
}

static int64_t search_total(struct case_fixture *cf, const struct service_public_search_query *q)
{
	struct service_public_search_page pg;
	struct sx_error err;
	int64_t n;

	if (service_public_search(&pg, svc_of(cf), q, &err) != 0)
		fail_msg("search: %s %s %s", err.code, err.message, err.detail);
	n = pg.total;
	service_public_search_page_clear(&pg);
	return n;
}

static int64_t search_count(struct case_fixture *cf, const char *q)
{
	struct service_public_search_page pg;
	int64_t n;

	search(&pg, cf, q);
	n = pg.total;
	assert_int_equal((int64_t)pg.count, n);
	service_public_search_page_clear(&pg);
	return n;
}

/* ---- the draft a decision opens ---- */

static void test_making_the_decision_opens_a_draft_publication(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_record rec;
	struct store_publication p;
	struct calendar cal;
	char due[11];
	struct sx_error err;
	int rc;

	decide(&rec, cf, false);
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	assert_string_equal(p.status, "draft");
	assert_int_equal(p.version, 1);
	assert_string_equal(p.supersedes, "");
	assert_string_equal(p.act_type, "penalty");
	assert_string_equal(p.record_id, rec.r.id);
	assert_string_equal(p.case_id, rec.r.case_id);
	assert_string_equal(p.decided_on, rec.r.made_on);
	assert_string_equal(p.doc_no, rec.r.doc_no);
	assert_true(p.doc_no[0] != '\0');
	/* 7 working days after the decision (国办发〔2018〕118号 二(三)). */
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	rc = publication_due(due, &cal, PUBLICATION_ACT_PENALTY, rec.r.made_on, &err);
	calendar_clear(&cal);
	if (rc == SX_ENOTFOUND)
		due[0] = '\0';
	else
		assert_int_equal(rc, 0);
	assert_string_equal(p.due_on, due);
	assert_true(p.due_on[0] != '\0');
	/* An organization is published by name with its 统一社会信用代码. */
	assert_string_equal(p.party_type, "organization");
	assert_string_equal(p.party_name, "示例市某某食品有限公司");
	assert_string_equal(p.party_code, cf->credit_code);
	assert_non_null(strstr(p.penalty, "罚款 50000 元"));
	assert_non_null(strstr(p.legal_basis, "第一百二十四条"));
	assert_non_null(p.full_text);
	assert_non_null(strstr(p.full_text, "行政处罚决定书"));
	assert_non_null(strstr(p.full_text, "罚款 50000 元"));
	assert_non_null(strstr(p.full_text, cf->credit_code));
	/* The party's 查验码 is served with the document, never published. */
	assert_true(rec.verify_code[0] != '\0');
	assert_non_null(strstr(rec.r.body_text, rec.verify_code));
	assert_null(strstr(p.full_text, rec.verify_code));
	assert_non_null(strstr(p.full_text, "查验码"));
	store_publication_clear(&p);
	service_record_clear(&rec);
}

static void test_a_person_party_is_masked_and_the_id_number_never_published(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_record rec;
	struct store_publication p;

	decide(&rec, cf, true);
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	assert_string_equal(p.party_type, "person");
	assert_string_equal(p.party_name, "张某");
	assert_true(publication_person_name_is_masked(p.party_name));
	assert_string_equal(p.party_code, "");
	assert_non_null(p.full_text);
	assert_non_null(strstr(p.full_text, "行政处罚决定书"));
	assert_null(strstr(p.full_text, PERSON_ID));
	assert_null(strstr(p.full_text, "张三"));
	/* What the record itself says (the decision names the party). */
	assert_non_null(strstr(rec.r.body_text, "张三"));
	/* Not even masked (110105********002X): no ID number of a person at all. */
	assert_null(strstr(p.full_text, "110105"));
	assert_null(strstr(p.full_text, "002X"));
	store_publication_clear(&p);
	service_record_clear(&rec);
}

/* ---- editing ---- */

static void test_saving_refuses_personal_data_unless_a_reason_is_given(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_publication_input in;
	struct service_actor officer, sup;
	char id[STORE_ID_SIZE], pid[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&sup, cf, "supervisor");
	decided_draft(id, cf, false);

	get_as(&o, cf, "officer", id);
	assert_true(o.may_edit);
	assert_true(o.may_submit);
	assert_true(o.may_withhold);
	assert_false(o.may_publish);
	assert_true(o.task_open);
	service_publication_clear(&o);

	input_unchanged(&in);
	in.conclusion = "责令改正，给予罚款 50000 元的行政处罚。";
	if (service_publication_save(&o, svc_of(cf), &officer, id, &in, &err) != 0)
		fail_msg("save: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.conclusion, "责令改正，给予罚款 50000 元的行政处罚。");
	assert_string_equal(o.p.status, "draft");
	assert_true(o.ledger_index >= 0);
	/* Unchanged fields stay. */
	assert_string_equal(o.p.party_name, "示例市某某食品有限公司");
	assert_non_null(strstr(o.p.penalty, "罚款 50000 元"));
	assert_non_null(o.p.full_text);
	service_publication_clear(&o);

	/* A phone number left in the conclusion. */
	in.conclusion = "当事人联系电话 13812345678，给予罚款。";
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, id, &in, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "personal_data_found");
	get_as(&o, cf, "officer", id);
	assert_string_equal(o.p.conclusion, "责令改正，给予罚款 50000 元的行政处罚。");
	service_publication_clear(&o);

	/* Kept on purpose, with the reason. */
	in.override_reason = "该号码为单位公开的投诉电话";
	if (service_publication_save(&o, svc_of(cf), &officer, id, &in, &err) != 0)
		fail_msg("save with override: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.conclusion, "当事人联系电话 13812345678，给予罚款。");
	assert_string_equal(o.p.override_reason, "该号码为单位公开的投诉电话");
	service_publication_clear(&o);

	/* A supervisor reads but does not edit. */
	in.override_reason = NULL;
	in.conclusion = "给予罚款。";
	assert_int_equal(service_publication_save(&o, svc_of(cf), &sup, id, &in, &err), SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	get_as(&o, cf, "supervisor", id);
	assert_false(o.may_edit);
	assert_false(o.may_publish);
	assert_string_equal(o.p.conclusion, "当事人联系电话 13812345678，给予罚款。");
	service_publication_clear(&o);
	/* An unknown id. */
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, "nope", &in, &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "publication_not_found");

	/* A person's name must be masked. */
	decided_draft(pid, cf, true);
	input_unchanged(&in);
	in.party_name = "张三";
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, pid, &in, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "party_name_not_masked");
	in.party_name = "张某某";
	if (service_publication_save(&o, svc_of(cf), &officer, pid, &in, &err) != 0)
		fail_msg("save masked: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.party_name, "张某某");
	service_publication_clear(&o);
}

static void test_saving_refuses_the_real_name_of_a_person_party(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_publication_input in;
	struct service_actor officer;
	char id[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	decided_draft(id, cf, true);
	input_unchanged(&in);
	/* An ID number typed into the full text. */
	in.full_text = "当事人身份证号码 " PERSON_ID "，销售超过保质期的饮料。";
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, id, &in, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "personal_data_found");
	/* The party's own name, which the draft masked, typed back in. */
	in.full_text = "当事人张三销售超过保质期的饮料。";
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, id, &in, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "personal_data_found");
	in.conclusion = "对张三给予罚款。";
	in.full_text = NULL;
	assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, id, &in, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "personal_data_found");
}

/* ---- send to check, return, publish ---- */

static void test_a_second_person_publishes_what_was_sent_to_check(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_actor officer, unit_head;
	char id[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&unit_head, cf, "unit_head");
	decided_draft(id, cf, false);

	/* The unit head sends it and cannot then check it. */
	submit_as(cf, "unit_head", id);
	get_as(&o, cf, "unit_head", id);
	assert_true(o.may_return);
	assert_false(o.may_publish);
	assert_false(o.may_edit);
	service_publication_clear(&o);
	assert_int_equal(service_publication_publish(&o, svc_of(cf), &unit_head, id, &err),
			 SX_EPERM);
	assert_string_equal(err.code, "second_person_required");
	/* An officer checks nothing. */
	assert_int_equal(service_publication_publish(&o, svc_of(cf), &officer, id, &err),
			 SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	/* A sent one is not edited nor sent again. */
	assert_int_equal(service_publication_submit(&o, svc_of(cf), &officer, id, &err),
			 SX_ECONFLICT);
	{
		struct service_publication_input in;

		input_unchanged(&in);
		in.conclusion = "给予罚款。";
		assert_int_equal(service_publication_save(&o, svc_of(cf), &officer, id, &in, &err),
				 SX_ECONFLICT);
		assert_string_equal(err.code, "not_draft");
	}

	/* Returning needs a reason and goes back to draft. */
	assert_int_equal(service_publication_return(&o, svc_of(cf), &unit_head, id, NULL, &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_return(&o, svc_of(cf), &unit_head, id, "  ", &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_return(&o, svc_of(cf), &officer, id, "改", &err),
			 SX_EPERM);
	if (service_publication_return(&o, svc_of(cf), &unit_head, id, "执法结论写得不完整",
				       &err) != 0)
		fail_msg("return: %s %s", err.code, err.message);
	assert_string_equal(o.p.status, "draft");
	assert_string_equal(o.p.returned_reason, "执法结论写得不完整");
	service_publication_clear(&o);
	/* Returning a draft is no move. */
	assert_int_equal(service_publication_return(&o, svc_of(cf), &unit_head, id, "再退", &err),
			 SX_ECONFLICT);

	/* The officer sends it; the unit head publishes it. */
	submit_as(cf, "officer", id);
	if (service_publication_publish(&o, svc_of(cf), &unit_head, id, &err) != 0)
		fail_msg("publish: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.status, "published");
	assert_string_equal(o.p.published_on, o.today);
	assert_true(o.p.published_at[0] != '\0');
	assert_string_equal(o.p.checked_by, unit_head.user_id);
	assert_string_equal(o.p.made_by, officer.user_id);
	assert_false(o.task_open);
	assert_true(o.may_open_withdrawal);
	assert_true(o.may_correct);
	assert_true(o.ledger_index >= 0);
	service_publication_clear(&o);
	/* Published twice: no. */
	assert_int_equal(service_publication_publish(&o, svc_of(cf), &unit_head, id, &err),
			 SX_ECONFLICT);
}

static void test_a_withheld_publication_is_final(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_actor officer, sup;
	char id[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&sup, cf, "supervisor");
	decided_draft(id, cf, false);
	assert_int_equal(service_publication_withhold(&o, svc_of(cf), &officer, id,
						      "personal_privacy", NULL, &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_withhold(&o, svc_of(cf), &officer, id, "no_such",
						      "理由", &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_withhold(&o, svc_of(cf), &sup, id,
						      "personal_privacy", "理由", &err),
			 SX_EPERM);
	if (service_publication_withhold(&o, svc_of(cf), &officer, id, "personal_privacy",
					 "公开后可能危及未成年当事人的人身安全", &err) != 0)
		fail_msg("withhold: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.status, "withheld");
	assert_string_equal(o.p.withhold_reason, "personal_privacy");
	assert_string_equal(o.p.withhold_text, "公开后可能危及未成年当事人的人身安全");
	assert_false(o.task_open);
	assert_false(o.may_submit);
	assert_false(o.may_edit);
	service_publication_clear(&o);
	assert_int_equal(service_publication_submit(&o, svc_of(cf), &officer, id, &err),
			 SX_ECONFLICT);
	assert_int_equal(service_public_decision_get(&o, svc_of(cf), id, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "publication_not_found");
}

/* ---- the public search ---- */

static void test_the_public_search_finds_simplified_and_traditional_queries(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_public_search_page pg;
	struct service_public_search_query q;
	struct service_publication o;
	char a[STORE_ID_SIZE], b[STORE_ID_SIZE], draft_id[STORE_ID_SIZE];
	struct sx_error err;

	published(a, cf);
	/* Nothing before publishing: a draft is not in the index. */
	decided_draft(draft_id, cf, false);
	assert_int_equal(search_count(cf, "罚款"), 1);

	search(&pg, cf, "罚款");
	assert_int_equal(pg.count, 1);
	assert_string_equal(pg.items[0].p.id, a);
	assert_non_null(pg.items[0].snippet);
	assert_non_null(strstr(pg.items[0].snippet, "<mark>"));
	assert_non_null(strstr(pg.items[0].snippet, "罚款"));
	/* What the public never sees. */
	assert_string_equal(pg.items[0].p.made_by, "");
	assert_string_equal(pg.items[0].p.case_id, "");
	assert_null(pg.items[0].p.full_text);
	service_public_search_page_clear(&pg);
	/* Traditional characters find the same (2 characters and 4), marked in the snippet. */
	search(&pg, cf, "罰款");
	assert_int_equal(pg.count, 1);
	assert_non_null(strstr(pg.items[0].snippet, "<mark>罚款</mark>"));
	service_public_search_page_clear(&pg);
	assert_int_equal(search_count(cf, "处罚决定"), 1);
	assert_int_equal(search_count(cf, "處罰決定"), 1);
	assert_int_equal(search_count(cf, "高速公路超限运输"), 0);
	assert_int_equal(search_count(cf, "无"), 0);

	/* Bad queries. */
	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.per_page = 10;
	q.q = "   ";
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), SX_EINVALID);
	q.q = "罚款";
	q.per_page = 51;
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), SX_EINVALID);
	q.per_page = 10;

	/* Filters. */
	get_as(&o, cf, "officer", a);
	q.agency_id = o.p.agency_id;
	assert_int_equal(search_total(cf, &q), 1);
	q.agency_id = "no-such-agency";
	assert_int_equal(search_total(cf, &q), 0);
	q.agency_id = NULL;
	q.act_type = "penalty";
	assert_int_equal(search_total(cf, &q), 1);
	q.act_type = "license";
	assert_int_equal(search_total(cf, &q), 0);
	q.act_type = NULL;
	q.from_on = o.p.decided_on;
	q.to_on = o.p.decided_on;
	assert_int_equal(search_total(cf, &q), 1);
	q.from_on = "2099-01-01";
	q.to_on = NULL;
	assert_int_equal(search_total(cf, &q), 0);
	q.from_on = NULL;
	q.to_on = "2000-01-01";
	assert_int_equal(search_total(cf, &q), 0);
	q.to_on = NULL;
	q.region_prefix = o.p.region_code;
	assert_int_equal(search_total(cf, &q), 1);
	q.region_prefix = "99";
	assert_int_equal(search_total(cf, &q), 0);
	q.region_prefix = NULL;
	service_publication_clear(&o);

	/* Paging over two. */
	published(b, cf);
	q.per_page = 1;
	q.page = 2;
	if (service_public_search(&pg, svc_of(cf), &q, &err) != 0)
		fail_msg("search page 2: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 2);
	assert_int_equal(pg.count, 1);
	assert_int_equal(pg.page, 2);
	assert_true(strcmp(pg.items[0].p.id, a) == 0 || strcmp(pg.items[0].p.id, b) == 0);
	service_public_search_page_clear(&pg);
	q.page = 3;
	if (service_public_search(&pg, svc_of(cf), &q, &err) != 0)
		fail_msg("search page 3: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 2);
	assert_int_equal(pg.count, 0);
	service_public_search_page_clear(&pg);
}

static void test_a_hit_in_the_full_text_is_marked_in_its_snippet(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_public_search_page pg;
	char a[STORE_ID_SIZE];

	published(a, cf);
	/* "行政处罚决定书" is in the full text only (not in the title fields). */
	search(&pg, cf, "處罰決定");
	assert_int_equal(pg.count, 1);
	assert_string_equal(pg.items[0].p.id, a);
	assert_non_null(pg.items[0].snippet);
	assert_non_null(strstr(pg.items[0].snippet, "<mark>处罚决定</mark>"));
	service_public_search_page_clear(&pg);
}

static void test_a_person_draft_as_opened_can_be_sent_to_check(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	char id[STORE_ID_SIZE];

	/* The redaction check must accept the text the redaction made. */
	decided_draft(id, cf, true);
	submit_as(cf, "officer", id);
	publish_as(cf, "unit_head", id);
	assert_int_equal(search_count(cf, "张某"), 1);
	assert_int_equal(search_count(cf, "张三"), 0);
}

static void test_a_query_of_more_than_100_characters_is_refused(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_public_search_page pg;
	struct service_public_search_query q;
	char ascii[160], cjk[3 * 101 + 1];
	struct sx_error err;

	memset(&q, 0, sizeof(q));
	q.page = 1;
	q.per_page = 10;
	/* 100 characters pass, 101 do not, whether ASCII or CJK. */
	memset(ascii, 'a', 100);
	ascii[100] = '\0';
	q.q = ascii;
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), 0);
	service_public_search_page_clear(&pg);
	for (int i = 0; i < 100; i++)
		memcpy(cjk + 3 * i, "罚", 3);
	cjk[300] = '\0';
	q.q = cjk;
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), 0);
	service_public_search_page_clear(&pg);
	memcpy(cjk + 300, "罚", 3);
	cjk[303] = '\0';
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_query");
	memset(ascii, 'a', 150);
	ascii[150] = '\0';
	q.q = ascii;
	assert_int_equal(service_public_search(&pg, svc_of(cf), &q, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_query");
}

/* ---- the public page and withdrawal ---- */

static void test_the_public_page_and_a_withdrawal(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_actor officer, sup;
	struct calendar cal;
	char id[STORE_ID_SIZE], draft_id[STORE_ID_SIZE], due[11], doc_no[STORE_PUB_DOC_NO_SIZE];
	char decided_on[11];
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&sup, cf, "supervisor");
	decided_draft(draft_id, cf, false);
	assert_int_equal(service_public_decision_get(&o, svc_of(cf), draft_id, &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "publication_not_found");
	assert_int_equal(service_public_decision_get(&o, svc_of(cf), "nope", &err), SX_ENOTFOUND);

	published(id, cf);
	if (service_public_decision_get(&o, svc_of(cf), id, &err) != 0)
		fail_msg("public get: %s %s", err.code, err.message);
	assert_string_equal(o.p.status, "published");
	assert_string_equal(o.p.party_name, "示例市某某食品有限公司");
	assert_non_null(strstr(o.p.penalty, "罚款 50000 元"));
	assert_non_null(o.p.full_text);
	assert_string_equal(o.p.made_by, "");
	assert_string_equal(o.p.made_by_name, "");
	assert_string_equal(o.p.checked_by, "");
	assert_string_equal(o.p.case_id, "");
	assert_string_equal(o.p.record_id, "");
	assert_false(o.may_edit);
	assert_false(o.may_withdraw);
	snprintf(doc_no, sizeof(doc_no), "%s", o.p.doc_no);
	snprintf(decided_on, sizeof(decided_on), "%s", o.p.decided_on);
	assert_true(doc_no[0] != '\0');
	service_publication_clear(&o);

	/* Withdrawing needs the task first. */
	assert_int_equal(service_publication_withdraw(&o, svc_of(cf), &officer, id, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "no_withdrawal_task");
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id, "nope",
							     NULL, "", &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id, "other",
							     NULL, "", &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &sup, id, "revoked",
							     NULL, "", &err),
			 SX_EPERM);
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id,
							     "revoked", NULL, "12/06/2026", &err),
			 SX_EINVALID);
	if (service_publication_open_withdrawal(&o, svc_of(cf), &officer, id, "revoked",
						"行政复议机关决定撤销", "", &err) != 0)
		fail_msg("open withdrawal: %s %s %s", err.code, err.message, err.detail);
	service_publication_clear(&o);
	get_as(&o, cf, "officer", id);
	assert_string_equal(o.p.status, "published");
	assert_string_equal(o.p.withdraw_reason, "revoked");
	assert_string_equal(o.p.withdraw_event_on, o.today);
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	assert_int_equal(publication_withdraw_due(due, &cal, o.today, &err), 0);
	calendar_clear(&cal);
	assert_string_equal(o.p.withdraw_due_on, due);
	assert_true(o.task_open);
	assert_false(o.overdue);
	assert_true(o.days_left > 0);
	assert_true(o.may_withdraw);
	assert_false(o.may_open_withdrawal);
	assert_false(o.may_correct);
	service_publication_clear(&o);
	/* Only once. */
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id,
							     "revoked", NULL, "", &err),
			 SX_ECONFLICT);

	if (service_publication_withdraw(&o, svc_of(cf), &officer, id, &err) != 0)
		fail_msg("withdraw: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(o.p.status, "withdrawn");
	assert_true(o.p.withdrawn_at[0] != '\0');
	assert_string_equal(o.p.withdrawn_by, officer.user_id);
	assert_false(o.task_open);
	service_publication_clear(&o);

	if (service_public_decision_get(&o, svc_of(cf), id, &err) != 0)
		fail_msg("public get withdrawn: %s %s", err.code, err.message);
	assert_string_equal(o.p.status, "withdrawn");
	assert_string_equal(o.p.doc_no, doc_no);
	assert_string_equal(o.p.decided_on, decided_on);
	assert_string_equal(o.p.withdraw_reason, "revoked");
	assert_string_equal(o.p.withdraw_text, "行政复议机关决定撤销");
	assert_true(o.p.withdrawn_at[0] != '\0');
	assert_string_equal(o.p.withdrawn_by, "");
	assert_string_equal(o.p.party_name, "");
	assert_string_equal(o.p.party_code, "");
	assert_string_equal(o.p.conclusion, "");
	assert_string_equal(o.p.penalty, "");
	assert_string_equal(o.p.legal_basis, "");
	assert_null(o.p.full_text);
	assert_int_equal(o.p.fine_fen, 0);
	service_publication_clear(&o);
	assert_int_equal(search_count(cf, "罚款"), 0);
}

static void test_a_withdrawal_event_lies_between_the_decision_and_today(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_actor officer;
	char id[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	published(id, cf);
	/* The decision cannot have fallen before it was made, nor in the future. */
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id,
							     "revoked", NULL, "2026-01-05", &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_open_withdrawal(&o, svc_of(cf), &officer, id,
							     "revoked", NULL, "2099-01-05", &err),
			 SX_EINVALID);
	get_as(&o, cf, "officer", id);
	assert_string_equal(o.p.withdraw_event_on, "");
	assert_false(o.task_open);
	service_publication_clear(&o);
}

static void test_a_correction_does_not_drop_a_withdrawal_opened_meanwhile(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o, n;
	struct service_actor officer, unit_head;
	char id[STORE_ID_SIZE], nid[STORE_ID_SIZE];
	struct sx_error err;
	int rc_withdrawal, rc_publish;

	actor(&officer, cf, "officer");
	actor(&unit_head, cf, "unit_head");
	published(id, cf);
	if (service_publication_correct(&n, svc_of(cf), &officer, id, "文字错误", &err) != 0)
		fail_msg("correct: %s %s", err.code, err.message);
	snprintf(nid, sizeof(nid), "%s", n.p.id);
	service_publication_clear(&n);
	submit_as(cf, "officer", nid);
	/* While the correction waits, the decision is revoked. */
	rc_withdrawal = service_publication_open_withdrawal(&o, svc_of(cf), &officer, id,
							    "revoked", "复议撤销", "", &err);
	if (rc_withdrawal == 0)
		service_publication_clear(&o);
	rc_publish = service_publication_publish(&o, svc_of(cf), &unit_head, nid, &err);
	if (rc_publish == 0)
		service_publication_clear(&o);
	/* Either may be refused, but if both stand the published version carries the task:
	 * the fallen decision must not stay on the portal with no withdrawal task. */
	get_as(&o, cf, "officer", rc_publish == 0 ? nid : id);
	if (rc_withdrawal == 0) {
		assert_string_equal(o.p.withdraw_event_on, o.today);
		assert_true(o.task_open);
	}
	assert_string_equal(o.p.status, "published");
	service_publication_clear(&o);
}

/* ---- correction ---- */

static void test_a_correction_is_a_new_version_that_replaces_the_old_one(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o, n;
	struct service_publication_input in;
	struct service_public_search_page pg;
	struct service_actor officer, unit_head;
	char id[STORE_ID_SIZE], nid[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&unit_head, cf, "unit_head");
	published(id, cf);
	assert_int_equal(service_publication_correct(&n, svc_of(cf), &officer, id, NULL, &err),
			 SX_EINVALID);
	assert_int_equal(service_publication_correct(&n, svc_of(cf), &officer, id, " ", &err),
			 SX_EINVALID);
	if (service_publication_correct(&n, svc_of(cf), &officer, id, "罚款金额录入有误",
					&err) != 0)
		fail_msg("correct: %s %s %s", err.code, err.message, err.detail);
	assert_string_equal(n.p.status, "draft");
	assert_int_equal(n.p.version, 2);
	assert_string_equal(n.p.supersedes, id);
	assert_string_not_equal(n.p.id, id);
	assert_true(n.may_edit);
	snprintf(nid, sizeof(nid), "%s", n.p.id);
	service_publication_clear(&n);
	/* One correction of a version at a time. */
	assert_int_equal(service_publication_correct(&n, svc_of(cf), &officer, id, "再次更正",
						     &err),
			 SX_EEXISTS);
	/* The old one stays published until the new one is. */
	get_as(&o, cf, "officer", id);
	assert_string_equal(o.p.status, "published");
	service_publication_clear(&o);

	input_unchanged(&in);
	in.penalty = "没收违法所得 1200 元，罚款 30000 元。";
	in.fine_fen = 3000000;
	if (service_publication_save(&n, svc_of(cf), &officer, nid, &in, &err) != 0)
		fail_msg("save: %s %s %s", err.code, err.message, err.detail);
	service_publication_clear(&n);
	submit_as(cf, "officer", nid);
	publish_as(cf, "unit_head", nid);

	get_as(&o, cf, "officer", id);
	assert_string_equal(o.p.status, "corrected");
	service_publication_clear(&o);
	get_as(&n, cf, "officer", nid);
	assert_string_equal(n.p.status, "published");
	assert_string_equal(n.p.penalty, "没收违法所得 1200 元，罚款 30000 元。");
	assert_int_equal(n.history_count, 2);
	assert_string_equal(n.history[0].id, id);
	assert_string_equal(n.history[1].id, nid);
	assert_non_null(strstr(n.changes, "处罚内容"));
	service_publication_clear(&n);
	/* The public sees both pages, the old one as corrected. */
	if (service_public_decision_get(&o, svc_of(cf), id, &err) != 0)
		fail_msg("public get corrected: %s %s", err.code, err.message);
	assert_string_equal(o.p.status, "corrected");
	assert_int_equal(o.history_count, 2);
	service_publication_clear(&o);

	/* Only the new version is searched. */
	search(&pg, cf, "罚款 30000 元");
	assert_int_equal(pg.total, 1);
	assert_string_equal(pg.items[0].p.id, nid);
	service_public_search_page_clear(&pg);
	search(&pg, cf, "罚款");
	assert_int_equal(pg.total, 1);
	assert_string_equal(pg.items[0].p.id, nid);
	service_public_search_page_clear(&pg);
	/* A corrected version is not corrected again. */
	assert_int_equal(service_publication_correct(&n, svc_of(cf), &officer, id, "再次更正",
						     &err),
			 SX_ECONFLICT);
}

static void test_a_correction_of_a_late_publication_is_not_born_overdue(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_record rec;
	struct service_publication n;
	struct service_actor officer;
	struct store_publication p;
	struct sx_error err;

	actor(&officer, cf, "officer");
	decide_on(&rec, cf, false, "2026-11-02");
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	submit_as(cf, "officer", p.id);
	publish_as(cf, "unit_head", p.id);
	if (service_publication_correct(&n, svc_of(cf), &officer, p.id, "文字错误", &err) != 0)
		fail_msg("correct: %s %s", err.code, err.message);
	assert_true(n.task_open);
	/* The correction is a new task of today, not the decision's late one. */
	assert_false(n.overdue);
	assert_true(strcmp(n.p.due_on, n.today) >= 0);
	service_publication_clear(&n);
	store_publication_clear(&p);
	service_record_clear(&rec);
}

static void test_the_public_history_hides_an_unpublished_correction(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o, n;
	struct service_publication_input in;
	struct service_actor officer;
	char id[STORE_ID_SIZE], nid[STORE_ID_SIZE];
	struct sx_error err;

	actor(&officer, cf, "officer");
	published(id, cf);
	if (service_publication_correct(&n, svc_of(cf), &officer, id, "罚款金额录入有误",
					&err) != 0)
		fail_msg("correct: %s %s", err.code, err.message);
	snprintf(nid, sizeof(nid), "%s", n.p.id);
	service_publication_clear(&n);
	input_unchanged(&in);
	in.penalty = "没收违法所得 1200 元，罚款 30000 元。";
	if (service_publication_save(&n, svc_of(cf), &officer, nid, &in, &err) != 0)
		fail_msg("save: %s %s", err.code, err.message);
	service_publication_clear(&n);
	/* The staff see the chain of two; the public only what was published. */
	get_as(&o, cf, "officer", id);
	assert_int_equal(o.history_count, 2);
	service_publication_clear(&o);
	if (service_public_decision_get(&o, svc_of(cf), id, &err) != 0)
		fail_msg("public get: %s %s", err.code, err.message);
	for (size_t i = 0; i < o.history_count; i++) {
		assert_string_not_equal(o.history[i].status, "draft");
		assert_null(strstr(o.history[i].penalty, "30000"));
	}
	assert_int_equal(o.history_count, 1);
	service_publication_clear(&o);
}

static void test_a_withdrawal_takes_the_corrected_versions_off_too(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o, n;
	struct service_actor officer;
	char id[STORE_ID_SIZE], nid[STORE_ID_SIZE];
	struct sx_error err;
	int rc;

	actor(&officer, cf, "officer");
	published(id, cf);
	if (service_publication_correct(&n, svc_of(cf), &officer, id, "文字错误", &err) != 0)
		fail_msg("correct: %s %s", err.code, err.message);
	snprintf(nid, sizeof(nid), "%s", n.p.id);
	service_publication_clear(&n);
	submit_as(cf, "officer", nid);
	publish_as(cf, "unit_head", nid);
	if (service_publication_open_withdrawal(&n, svc_of(cf), &officer, nid, "revoked",
						"复议撤销", "", &err) != 0)
		fail_msg("open withdrawal: %s %s", err.code, err.message);
	service_publication_clear(&n);
	if (service_publication_withdraw(&n, svc_of(cf), &officer, nid, &err) != 0)
		fail_msg("withdraw: %s %s", err.code, err.message);
	service_publication_clear(&n);
	/* The revoked decision's content is off the portal in every version. */
	rc = service_public_decision_get(&o, svc_of(cf), id, &err);
	if (rc == 0) {
		assert_string_equal(o.p.penalty, "");
		assert_string_equal(o.p.conclusion, "");
		assert_null(o.p.full_text);
		for (size_t i = 0; i < o.history_count; i++)
			assert_string_equal(o.history[i].penalty, "");
		service_publication_clear(&o);
	} else {
		assert_int_equal(rc, SX_ENOTFOUND);
	}
}

/* ---- lists ---- */

static void test_the_lists_show_the_tasks_of_the_scope(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication_page pg;
	struct service_publication_query q;
	struct service_actor officer, sup, admin;
	struct calendar cal;
	char id[STORE_ID_SIZE];
	int days;
	struct sx_error err;

	actor(&officer, cf, "officer");
	actor(&sup, cf, "supervisor");
	actor(&admin, cf, "admin");
	decided_draft(id, cf, false);

	memset(&q, 0, sizeof(q));
	q.scope = SERVICE_PUBLICATION_SCOPE_AGENCY;
	q.tasks_only = true;
	q.page = 1;
	q.per_page = 20;
	if (service_publication_list(&pg, svc_of(cf), &officer, &q, &err) != 0)
		fail_msg("list: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 1);
	assert_int_equal(pg.count, 1);
	assert_int_equal(pg.task_count, 1);
	assert_int_equal(pg.overdue_count, 0);
	assert_string_equal(pg.items[0].p.id, id);
	assert_string_equal(pg.items[0].p.status, "draft");
	assert_null(pg.items[0].p.full_text);
	assert_false(pg.items[0].overdue);
	assert_int_equal(service_calendar_load_builtin(&cal, &err), 0);
	assert_int_equal(publication_days_left(&days, &cal, pg.items[0].p.due_on, pg.today, &err),
			 0);
	calendar_clear(&cal);
	assert_int_equal(pg.items[0].days_left, days);
	assert_true(days > 0);
	service_publication_page_clear(&pg);

	q.overdue_only = true;
	if (service_publication_list(&pg, svc_of(cf), &officer, &q, &err) != 0)
		fail_msg("list overdue: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 0);
	assert_int_equal(pg.count, 0);
	assert_int_equal(pg.task_count, 1);
	service_publication_page_clear(&pg);

	/* A status filter. */
	q.overdue_only = false;
	q.tasks_only = false;
	q.status = "published";
	if (service_publication_list(&pg, svc_of(cf), &officer, &q, &err) != 0)
		fail_msg("list published: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 0);
	service_publication_page_clear(&pg);
	q.status = NULL;

	/* The region, for supervisors and admins only. */
	q.scope = SERVICE_PUBLICATION_SCOPE_REGION;
	if (service_publication_list(&pg, svc_of(cf), &sup, &q, &err) != 0)
		fail_msg("list region: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 1);
	assert_string_equal(pg.items[0].p.id, id);
	service_publication_page_clear(&pg);
	if (service_publication_list(&pg, svc_of(cf), &admin, &q, &err) != 0)
		fail_msg("list admin: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 1);
	service_publication_page_clear(&pg);
	assert_int_equal(service_publication_list(&pg, svc_of(cf), &officer, &q, &err), SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	q.scope = SERVICE_PUBLICATION_SCOPE_AGENCY;
	assert_int_equal(service_publication_list(&pg, svc_of(cf), &sup, &q, &err), SX_EPERM);
	q.per_page = 0;
	assert_int_equal(service_publication_list(&pg, svc_of(cf), &officer, &q, &err),
			 SX_EINVALID);
	q.per_page = 20;
	q.scope = 0;
	assert_int_equal(service_publication_list(&pg, svc_of(cf), &officer, &q, &err),
			 SX_EINVALID);
}

static void test_a_draft_past_its_due_date_is_listed_as_overdue(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_record rec;
	struct service_publication_page pg;
	struct service_publication_query q;
	struct service_publication o;
	struct service_actor officer;
	struct store_publication p;
	struct sx_error err;

	actor(&officer, cf, "officer");
	/* Decided on a Monday a month ago: 7 working days are long past. */
	decide_on(&rec, cf, false, "2026-11-02");
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	assert_string_equal(p.decided_on, "2026-11-02");
	assert_string_equal(p.due_on, "2026-11-11");
	get_as(&o, cf, "officer", p.id);
	assert_true(o.task_open);
	assert_true(o.overdue);
	assert_true(o.days_left < 0);
	service_publication_clear(&o);

	memset(&q, 0, sizeof(q));
	q.scope = SERVICE_PUBLICATION_SCOPE_AGENCY;
	q.overdue_only = true;
	q.page = 1;
	q.per_page = 20;
	if (service_publication_list(&pg, svc_of(cf), &officer, &q, &err) != 0)
		fail_msg("list overdue: %s %s", err.code, err.message);
	assert_int_equal(pg.total, 1);
	assert_int_equal(pg.overdue_count, 1);
	assert_int_equal(pg.task_count, 1);
	assert_string_equal(pg.items[0].p.id, p.id);
	assert_true(pg.items[0].overdue);
	assert_true(pg.items[0].days_left < 0);
	service_publication_page_clear(&pg);
	store_publication_clear(&p);
	service_record_clear(&rec);
}

static void test_without_the_normalizer_nothing_is_published_or_searched(void **state)
{
	struct state *st = *state;
	struct case_fixture *cf = st->cf;
	struct service_publication o;
	struct service_public_search_page pg;
	struct service_public_search_query q;
	struct service_actor unit_head;
	char id[STORE_ID_SIZE];
	struct sx_error err;
	int rc;

	actor(&unit_head, cf, "unit_head");
	decided_draft(id, cf, false);
	submit_as(cf, "officer", id);
	memset(&q, 0, sizeof(q));
	q.q = "罚款";
	q.page = 1;
	q.per_page = 10;
	cf->f->svc.zhnorm = NULL;
	rc = service_publication_publish(&o, svc_of(cf), &unit_head, id, &err);
	cf->f->svc.zhnorm = st->z;
	assert_int_equal(rc, SX_EINTERNAL);
	assert_string_equal(err.code, "zhnorm_unavailable");
	get_as(&o, cf, "unit_head", id);
	assert_string_equal(o.p.status, "pending_check");
	service_publication_clear(&o);
	cf->f->svc.zhnorm = NULL;
	rc = service_public_search(&pg, svc_of(cf), &q, &err);
	cf->f->svc.zhnorm = st->z;
	assert_int_equal(rc, SX_EINTERNAL);
	assert_string_equal(err.code, "zhnorm_unavailable");
	publish_as(cf, "unit_head", id);
	assert_int_equal(search_count(cf, "罚款"), 1);
}

/* ---- allocation failure ---- */

static void test_publishing_fails_cleanly_when_memory_runs_out(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_actor unit_head;
	char id[STORE_ID_SIZE];
	struct sx_error err;
	long n;
	int rc = -1;

	actor(&unit_head, cf, "unit_head");
	decided_draft(id, cf, false);
	submit_as(cf, "officer", id);
	for (n = 0; n < 100000; n++) {
		sx_mem_fail_after(n);
		rc = service_publication_publish(&o, svc_of(cf), &unit_head, id, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("attempt %ld: %d %s %s %s", n, rc, err.code, err.message,
				 err.detail);
		get_as(&o, cf, "unit_head", id);
		assert_string_equal(o.p.status, "pending_check");
		service_publication_clear(&o);
		assert_int_equal(search_count(cf, "罚款"), 0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	assert_string_equal(o.p.status, "published");
	service_publication_clear(&o);
	assert_int_equal(search_count(cf, "罚款"), 1);
}

static int64_t agency_publication_count(struct case_fixture *cf)
{
	struct service_publication_page pg;
	struct service_publication_query q = {SERVICE_PUBLICATION_SCOPE_AGENCY, false, false, NULL,
					      1, 100};
	struct service_actor a;
	struct sx_error err;
	int64_t n;

	actor(&a, cf, "officer");
	if (service_publication_list(&pg, svc_of(cf), &a, &q, &err) != 0)
		fail_msg("list: %s %s", err.code, err.message);
	n = pg.total;
	service_publication_page_clear(&pg);
	return n;
}

static void test_a_decision_that_runs_out_of_memory_opens_no_publication(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_record rec;
	struct service_record_input rin;
	struct service_actor officer;
	struct store_publication p;
	char case_id[STORE_ID_SIZE];
	struct sx_error err;
	long n;
	int rc = -1;

	actor(&officer, cf, "officer");
	walk_to_decision(case_id, cf, true);
	decision_input(&rin, NULL);
	for (n = 0; n < 100000; n++) {
		sx_mem_fail_after(n);
		rc = service_record_make(&rec, svc_of(cf), &officer, case_id, &rin, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("attempt %ld: %d %s %s %s", n, rc, err.code, err.message,
				 err.detail);
		/* The record and its publication share one transaction. */
		assert_int_equal(agency_publication_count(cf), 0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	memset(&p, 0, sizeof(p));
	by_record(&p, cf, rec.r.id);
	assert_string_equal(p.status, "draft");
	assert_string_equal(p.party_name, "张某");
	assert_int_equal(agency_publication_count(cf), 1);
	store_publication_clear(&p);
	service_record_clear(&rec);
}

static void test_a_correction_or_a_search_that_runs_out_of_memory_changes_nothing(void **state)
{
	struct case_fixture *cf = ((struct state *)*state)->cf;
	struct service_publication o;
	struct service_public_search_page pg;
	struct service_public_search_query q;
	struct service_actor officer;
	char id[STORE_ID_SIZE];
	struct sx_error err;
	long n;
	int rc = -1;

	actor(&officer, cf, "officer");
	published(id, cf);
	for (n = 0; n < 100000; n++) {
		sx_mem_fail_after(n);
		rc = service_publication_correct(&o, svc_of(cf), &officer, id, "更正", &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("correct %ld: %d %s %s %s", n, rc, err.code, err.message,
				 err.detail);
		assert_null(o.history);
		assert_int_equal(agency_publication_count(cf), 1);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(o.p.version, 2);
	service_publication_clear(&o);
	assert_int_equal(agency_publication_count(cf), 2);

	memset(&q, 0, sizeof(q));
	q.q = "處罰決定";
	q.page = 1;
	q.per_page = 10;
	for (n = 0; n < 100000; n++) {
		sx_mem_fail_after(n);
		rc = service_public_search(&pg, svc_of(cf), &q, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		if (rc != SX_ENOMEM)
			fail_msg("search %ld: %d %s %s %s", n, rc, err.code, err.message,
				 err.detail);
		assert_null(pg.items);
		assert_int_equal(pg.count, 0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	assert_int_equal(pg.total, 1);
	assert_string_equal(pg.items[0].p.id, id);
	service_public_search_page_clear(&pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_making_the_decision_opens_a_draft_publication,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_person_party_is_masked_and_the_id_number_never_published, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_saving_refuses_personal_data_unless_a_reason_is_given, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_saving_refuses_the_real_name_of_a_person_party, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_second_person_publishes_what_was_sent_to_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_withheld_publication_is_final, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_the_public_search_finds_simplified_and_traditional_queries, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_a_hit_in_the_full_text_is_marked_in_its_snippet,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_person_draft_as_opened_can_be_sent_to_check,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_query_of_more_than_100_characters_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_public_page_and_a_withdrawal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_a_withdrawal_event_lies_between_the_decision_and_today, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_correction_does_not_drop_a_withdrawal_opened_meanwhile, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_correction_is_a_new_version_that_replaces_the_old_one, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_correction_of_a_late_publication_is_not_born_overdue, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_the_public_history_hides_an_unpublished_correction, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_withdrawal_takes_the_corrected_versions_off_too, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_lists_show_the_tasks_of_the_scope, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_draft_past_its_due_date_is_listed_as_overdue,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_without_the_normalizer_nothing_is_published_or_searched, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_publishing_fails_cleanly_when_memory_runs_out,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_decision_that_runs_out_of_memory_opens_no_publication, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_correction_or_a_search_that_runs_out_of_memory_changes_nothing, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
