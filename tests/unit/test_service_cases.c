/*
 * Unit tests for service/cases, service/case_records and service/evidence
 * (and store/store_case under them) on the demo data (tests/unit/support/
 * case_fixture), on SQLite or PostgreSQL (tests/support/testdb).
 *
 * Covered: opening a case (matter of the list in force and of the right act
 * type, two officers, party check digits, 案号 from the counter); who may read
 * and change a case; a field act with one officer or an expired certificate
 * refused; leaving a stage that needs audio/video refused until evidence is
 * uploaded or the agency head exempts it; the decision reserved to the agency
 * head; a stale double submit changing nothing; 文号 per word and year; 100
 * records made in parallel get 100 distinct consecutive numbers; the 调阅 log
 * (reason required from staff not on the case, every read logged); the party's
 * lookup with the verification code; a PDF of a decision; retention refusing
 * an early deletion.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "case_fixture.h"

#include "base/buf.h"
#include "base/mem.h"
#include "service/cases.h"
#include "service/evidence.h"

#define CF_PLAIN "330100-SJ-CF-003"   /* 处罚, not major; 现场检查/调查取证/送达 recorded */
#define CF_MAJOR "330100-SJ-CF-001"   /* 处罚, major: needs 法制审核 */
#define JC_MATTER "330100-SJ-JC-001"  /* 检查 */

static int setup(void **state)
{
	*state = case_fixture_new("service-cases");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	case_fixture_free(*state);
	return 0;
}

#define INSPECTION_VALUES                                                                       \
	"{\"inspect_start\":\"2026-12-01 09:00\",\"inspect_end\":\"2026-12-01 10:30\","         \
	"\"place\":\"示例市某区某路 1 号仓库\",\"present_person\":\"王某（仓库管理员）\","        \
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","                               \
	"\"findings\":\"仓库内存放超过保质期的饮料 120 瓶。\"}"

#define DECISION_VALUES CASE_FIXTURE_DECISION_VALUES

static void test_opening_a_case_numbers_it_and_sets_the_deadline(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0}, d = {0};

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	assert_string_equal(c.c.stage, "filed");
	assert_string_equal(c.c.case_no, "案〔2026〕1号");
	assert_int_equal(c.officer_count, 2);
	assert_string_equal(c.officers[0].role, "lead");
	assert_string_equal(c.officers[0].officer.id_number, "");
	assert_true(c.has_deadline);
	assert_int_equal(c.transition_count, 1);
	assert_true(c.ledger_index >= 0);
	assert_true(c.av_count >= 2); /* 调查取证 (twice mapped) and 送达 */
	case_fixture_open_case(&d, cf, "penalty", CF_PLAIN);
	assert_string_equal(d.c.case_no, "案〔2026〕2号");
	service_case_clear(&c);
	service_case_clear(&d);
}

static void test_a_case_needs_a_matter_of_its_kind_and_two_officers(void **state)
{
	struct case_fixture *cf = *state;
	struct service_actor a;
	struct service_case c = {0};
	const char *one[] = {cf->zhang};
	struct service_case_input in = {0};
	struct sx_error err;

	case_fixture_actor(&a, cf, "officer");
	in.kind = "penalty";
	in.matter_code = JC_MATTER;
	in.cause = "案由";
	in.party_type = "organization";
	in.party_name = "某公司";
	in.officer_ids = one;
	in.officer_count = 1;
	in.fine_fen = -1;
	assert_int_equal(service_case_open(&c, &cf->f->svc, &a, &in, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "matter_kind_mismatch");
	in.matter_code = CF_PLAIN;
	assert_int_equal(service_case_open(&c, &cf->f->svc, &a, &in, &err), SX_EINVALID);
	assert_string_equal(err.code, "two_officers_required");
	in.party_id_code = "91330100MA2B3C4D5X";
	assert_int_equal(service_case_open(&c, &cf->f->svc, &a, &in, &err), SX_EINVALID);
	assert_true(strcmp(err.code, "bad_credit_code") == 0 || cf->credit_code[17] == 'X');
	in.party_id_code = NULL;
	in.matter_code = "NO-SUCH-MATTER";
	assert_int_equal(service_case_open(&c, &cf->f->svc, &a, &in, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "matter_not_found");
	/* A reviewer and a supervisor do not open cases. */
	case_fixture_actor(&a, cf, "supervisor");
	assert_int_equal(service_case_open(&c, &cf->f->svc, &a, &in, &err), SX_EPERM);
}

static void test_only_those_entitled_read_a_case_and_staff_give_a_reason(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c, r;
	struct service_actor a;
	struct service_access_page page;
	struct sx_error err;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_actor(&a, cf, "officer2"); /* 生态环境局 */
	assert_int_equal(service_case_get(&r, &cf->f->svc, &a, c.c.id, "看看", "", &err),
			 SX_ENOTFOUND);
	case_fixture_actor(&a, cf, "supervisor");
	assert_int_equal(service_case_get(&r, &cf->f->svc, &a, c.c.id, "", "", &err), SX_EINVALID);
	assert_string_equal(err.code, "reason_required");
	assert_int_equal(service_case_get(&r, &cf->f->svc, &a, c.c.id, "季度执法监督抽查", "10.0.0.1",
					  &err), 0);
	assert_false(r.secrets_visible);
	service_case_clear(&r);
	case_fixture_actor(&a, cf, "officer"); /* on the case: no reason needed */
	assert_int_equal(service_case_get(&r, &cf->f->svc, &a, c.c.id, NULL, "", &err), 0);
	service_case_clear(&r);
	case_fixture_actor(&a, cf, "supervisor");
	assert_int_equal(service_case_accesses(&page, &cf->f->svc, &a, c.c.id, 1, 50, &err), 0);
	assert_int_equal(page.total, 2);
	assert_string_equal(page.items[0].reason, "办理本案");
	assert_string_equal(page.items[1].reason, "季度执法监督抽查");
	assert_string_equal(page.items[1].remote_addr, "10.0.0.1");
	service_access_page_clear(&page);
	case_fixture_actor(&a, cf, "officer");
	assert_int_equal(service_case_accesses(&page, &cf->f->svc, &a, c.c.id, 1, 50, &err), SX_EPERM);
	service_case_clear(&c);
}

static void test_a_field_act_needs_two_officers_with_valid_certificates(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_record rec;
	const char *one[] = {cf->zhang};
	const char *expired[] = {cf->zhang, cf->li};
	const char *two[] = {cf->zhang, cf->wang};
	struct sx_error err;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&c, cf, "officer", c.c.id, "investigation", NULL);
	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "onsite_inspection",
				     INSPECTION_VALUES, one, 1, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "two_officers_required");
	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "onsite_inspection",
				     INSPECTION_VALUES, expired, 2, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_non_null(strstr(err.message, "李华"));
	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "onsite_inspection",
				     INSPECTION_VALUES, two, 2, &err), 0);
	assert_string_equal(rec.r.doc_no, "");
	assert_int_equal(rec.officer_count, 2);
	assert_non_null(strstr(rec.r.body_text, "现场检查笔录"));
	assert_int_equal(strlen(rec.r.content_sha256), 64);
	service_record_clear(&rec);
	/* A template of another stage is refused. */
	assert_int_equal(case_fixture_record(&rec, cf, "officer", c.c.id, "penalty_decision",
				     DECISION_VALUES, NULL, 0, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "template_not_for_stage");
	service_case_clear(&c);
}

static void test_leaving_a_stage_needs_its_recording_or_an_exemption(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0}, d = {0};
	struct service_actor a;
	struct sx_error err;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&c, cf, "officer", c.c.id, "investigation", NULL);
	case_fixture_actor(&a, cf, "officer");
	assert_int_equal(service_case_move(&d, &cf->f->svc, &a, c.c.id, NULL, "examination", NULL,
					   &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "recording_required");
	/* A photo does not satisfy an audio/video requirement. */
	case_fixture_upload(cf, c.c.id, "photo", "JPEG-bytes-of-a-photo");
	assert_int_equal(service_case_move(&d, &cf->f->svc, &a, c.c.id, NULL, "examination", NULL,
					   &err),
			 SX_ECONFLICT);
	case_fixture_upload(cf, c.c.id, "video",
			    "video bytes recorded at the inspection, 0123456789");
	case_fixture_move(&d, cf, "officer", c.c.id, "examination", NULL);
	assert_string_equal(d.c.stage, "examination");
	service_case_clear(&d);

	/* Another case: the agency head exempts the stage with a reason. */
	service_case_clear(&c);
	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&c, cf, "officer", c.c.id, "investigation", NULL);
	case_fixture_actor(&a, cf, "officer");
	assert_int_equal(service_case_exempt_recording(&d, &cf->f->svc, &a, c.c.id, "investigation",
						       "设备故障", &err),
			 SX_EPERM);
	case_fixture_actor(&a, cf, "agency_head");
	assert_int_equal(service_case_exempt_recording(&d, &cf->f->svc, &a, c.c.id, "investigation",
						       "", &err),
			 SX_EINVALID);
	assert_int_equal(service_case_exempt_recording(&d, &cf->f->svc, &a, c.c.id, "investigation",
						       "执法记录仪故障，已书面说明", &err),
			 0);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "officer", c.c.id, "examination", NULL);
	service_case_clear(&d);
	service_case_clear(&c);
}

/* Walks a plain case to the decision stage (exempting the recording stages). */
static void walk_to_decision(struct service_case *c, struct case_fixture *cf)
{
	struct service_actor head;
	struct service_case d = {0};
	struct sx_error err;

	case_fixture_actor(&head, cf, "agency_head");
	case_fixture_open_case(c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&d, cf, "officer", c->c.id, "investigation", NULL);
	service_case_clear(&d);
	assert_int_equal(service_case_exempt_recording(&d, &cf->f->svc, &head, c->c.id,
						       "investigation", "测试用豁免", &err),
			 0);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "officer", c->c.id, "examination", NULL);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "officer", c->c.id, "notice", NULL);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "agency_head", c->c.id, "decision", NULL);
	service_case_clear(&d);
}

static void test_only_the_agency_head_decides_and_a_double_submit_changes_nothing(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0}, d = {0};
	struct service_actor a;
	struct sx_error err;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&d, cf, "officer", c.c.id, "investigation", NULL);
	service_case_clear(&d);
	case_fixture_actor(&a, cf, "officer");
	/* The page showed "filed": a second click of the same button. */
	assert_int_equal(service_case_move(&d, &cf->f->svc, &a, c.c.id, "filed", "investigation",
					   NULL, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "stale_stage");
	/* Skipping stages is refused with the table's reason. */
	assert_int_equal(service_case_move(&d, &cf->f->svc, &a, c.c.id, NULL, "decision", NULL,
					   &err),
			 SX_ECONFLICT);
	service_case_clear(&c);

	walk_to_decision(&c, cf);
	assert_int_equal(service_case_get(&d, &cf->f->svc, &a, c.c.id, NULL, "", &err), 0);
	assert_string_equal(d.c.stage, "decision");
	assert_true(d.c.decided_on[0] != '\0');
	assert_false(d.overdue);
	service_case_clear(&d);
	service_case_clear(&c);

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_actor(&a, cf, "officer");
	case_fixture_move(&d, cf, "officer", c.c.id, "investigation", NULL);
	service_case_clear(&d);
	case_fixture_actor(&a, cf, "agency_head");
	assert_int_equal(service_case_exempt_recording(&d, &cf->f->svc, &a, c.c.id, "investigation",
						       "测试", &err),
			 0);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "officer", c.c.id, "examination", NULL);
	service_case_clear(&d);
	case_fixture_move(&d, cf, "officer", c.c.id, "notice", NULL);
	service_case_clear(&d);
	case_fixture_actor(&a, cf, "officer");
	assert_int_equal(service_case_move(&d, &cf->f->svc, &a, c.c.id, NULL, "decision", NULL,
					   &err),
			 SX_EPERM);
	assert_string_equal(err.code, "agency_head_required");
	service_case_clear(&c);
}

static void test_a_served_decision_has_a_number_a_pdf_and_the_party_can_read_it(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_record rec, again;
	struct service_party_view v;
	struct service_actor a;
	struct buf pdf;
	struct sx_error err;

	walk_to_decision(&c, cf);
	if (case_fixture_record(&rec, cf, "officer", c.c.id, "penalty_decision", DECISION_VALUES,
				NULL, 0, &err) != 0)
		fail_msg("decision: %s %s", err.code, err.message);
	assert_string_equal(rec.r.doc_no, "罚决〔2026〕1号");
	assert_true(rec.r.served);
	assert_int_equal(strlen(rec.verify_code), 12);
	assert_non_null(strstr(rec.r.body_text, "行政处罚决定书"));
	assert_non_null(strstr(rec.r.body_text, rec.verify_code));
	assert_non_null(strstr(rec.r.body_text, "示例市人民政府"));

	case_fixture_actor(&a, cf, "agency_head");
	buf_init(&pdf, 16u * 1024 * 1024);
	assert_int_equal(service_record_pdf(&pdf, &again, &cf->f->svc, &a, rec.r.id, NULL, "", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "reason_required");
	assert_int_equal(pdf.len, 0);
	assert_int_equal(service_record_pdf(&pdf, &again, &cf->f->svc, &a, rec.r.id, "签发决定书", "",
					    &err),
			 0);
	assert_true(pdf.len > 1000);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	service_record_clear(&again);
	buf_free(&pdf);

	assert_int_equal(service_party_documents(&v, &cf->f->svc, c.c.case_no, "AAAAAAAAAAAA", "",
						 &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "party_not_found");
	if (service_party_documents(&v, &cf->f->svc, c.c.case_no, rec.verify_code, "", &err) != 0)
		fail_msg("party: %s %s %s", err.code, err.message, err.detail);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.docs[0].doc_no, "罚决〔2026〕1号");
	service_party_view_clear(&v);
	service_record_clear(&rec);
	service_case_clear(&c);
}

struct parallel_arg {
	struct case_fixture *cf;
	const char *case_id;
	char doc_no[STORE_CASE_NO_SIZE];
	int rc;
};

static void *parallel_record(void *p)
{
	struct parallel_arg *arg = p;
	struct service_record rec;
	struct sx_error err;

	arg->rc = case_fixture_record(&rec, arg->cf, "officer", arg->case_id, "case_filing",
				      "{\"case_name\":\"某公司销售过期食品案\",\"case_source\":\"投诉\","
				      "\"source_date\":\"2026-12-01\",\"party_address\":\"某路 1 号\","
				      "\"summary\":\"投诉称其销售过期饮料。\",\"filing_basis\":\"《行政处罚法》第五十四条\","
				      "\"handler_opinion\":\"建议立案\"}",
				      NULL, 0, &err);
	if (arg->rc == 0) {
		snprintf(arg->doc_no, sizeof(arg->doc_no), "%s", rec.r.doc_no);
		service_record_clear(&rec);
	} else {
		snprintf(arg->doc_no, sizeof(arg->doc_no), "%s", err.code);
	}
	return NULL;
}

static void test_a_hundred_parallel_numbers_are_distinct_and_consecutive(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	enum { N = 100 };
	static struct parallel_arg args[N];
	pthread_t threads[N];
	bool seen[N + 1];
	size_t i;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		args[i].cf = cf;
		args[i].case_id = c.c.id;
		assert_int_equal(pthread_create(&threads[i], NULL, parallel_record, &args[i]), 0);
	}
	for (i = 0; i < N; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < N; i++) {
		unsigned n = 0;

		if (args[i].rc != 0)
			fail_msg("record %zu: %s", i, args[i].doc_no);
		assert_int_equal(sscanf(args[i].doc_no, "立〔2026〕%u号", &n), 1);
		assert_true(n >= 1 && n <= N);
		assert_false(seen[n]);
		seen[n] = true;
	}
	service_case_clear(&c);
}

static void test_evidence_is_kept_until_its_period_ends(void **state)
{
	struct case_fixture *cf = *state;
	struct service_case c = {0};
	struct service_actor a;
	struct sx_error err;

	case_fixture_open_case(&c, cf, "penalty", CF_PLAIN);
	case_fixture_move(&c, cf, "officer", c.c.id, "investigation", NULL);
	case_fixture_upload(cf, c.c.id, "video", "a video that must be kept");
	service_case_clear(&c);
	case_fixture_actor(&a, cf, "officer");
	assert_int_equal(service_case_get(&c, &cf->f->svc, &a, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", NULL, "",
					  &err),
			 SX_ENOTFOUND);
	{
		struct service_case_page page;
		struct service_case_query q = {SERVICE_CASES_MINE, NULL, false, false, 1, 20};

		assert_int_equal(service_case_list(&page, &cf->f->svc, &a, &q, &err), 0);
		assert_int_equal(page.total, 1);
		assert_string_equal(page.items[0].party_id_code, "");
		assert_int_equal(service_case_get(&c, &cf->f->svc, &a, page.items[0].id, NULL, "",
						  &err),
				 0);
		service_case_page_clear(&page);
	}
	assert_int_equal(c.evidence_count, 1);
	case_fixture_actor(&a, cf, "agency_head");
	assert_int_equal(service_evidence_delete(&cf->f->svc, &a, c.evidence[0].id, "到期", &err),
			 SX_EPERM);
	case_fixture_actor(&a, cf, "admin");
	assert_int_equal(service_evidence_delete(&cf->f->svc, &a, c.evidence[0].id, "到期", &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "case_not_archived");
	assert_int_equal(service_retention_policy_set(&cf->f->svc, &a, "video=100", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "retention_too_short");
	{
		struct service_retention_report r;

		/* The case is not archived: its video is kept whatever the period. */
		assert_int_equal(service_retention_report(&r, &cf->f->svc, &a, NULL, 100, &err), 0);
		assert_int_equal(r.total, 1);
		assert_int_equal(r.kept_not_archived, 1);
		assert_int_equal(r.deletable, 0);
		assert_int_equal(r.count, 0);
		assert_true(r.kept_bytes > 0);
		service_retention_report_clear(&r);
		case_fixture_actor(&a, cf, "officer");
		assert_int_equal(service_retention_report(&r, &cf->f->svc, &a, NULL, 100, &err),
				 SX_EPERM);
		case_fixture_actor(&a, cf, "agency_head");
		assert_int_equal(service_retention_report(&r, &cf->f->svc, &a, NULL, 100, &err), 0);
		assert_int_equal(r.total, 1);
		service_retention_report_clear(&r);
	}
	service_case_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_opening_a_case_numbers_it_and_sets_the_deadline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_case_needs_a_matter_of_its_kind_and_two_officers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_only_those_entitled_read_a_case_and_staff_give_a_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_field_act_needs_two_officers_with_valid_certificates, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_leaving_a_stage_needs_its_recording_or_an_exemption, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_only_the_agency_head_decides_and_a_double_submit_changes_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_served_decision_has_a_number_a_pdf_and_the_party_can_read_it, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_hundred_parallel_numbers_are_distinct_and_consecutive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_is_kept_until_its_period_ends, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
