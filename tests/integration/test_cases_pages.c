/*
 * Integration: the staff pages of 执法全过程记录 (http/cases_pages) on a real
 * `sanxiang serve` with the demo data, with form bodies as a browser without
 * JavaScript sends them (application/x-www-form-urlencoded).
 *
 *   - without a session every case page sends to the login;
 *   - the 立案 form lists the agency's matters in force and its officers,
 *     the officer's own record checked; opening with one officer is refused
 *     (400) with the reason and the values kept; with two it answers 303 to
 *     the case page, which shows the 案号, 已立案 and the move to 调查取证;
 *   - a move without the CSRF token changes nothing (403); a move answers 303
 *     and the same move submitted twice is refused as stale (409), shown on
 *     the case page in Chinese;
 *   - 调查取证 → 审查 is shown disabled with the 音像记录 reason;
 *   - a record form is generated from the template (types, required marks);
 *     a record missing a required value comes back (400) with the values
 *     kept; a served record answers with its verification code on the page
 *     (not a redirect, no code in any URL), and the case page does not show
 *     it again;
 *   - a reviewer, not on the case, is asked for the 调阅理由 first and sees
 *     the case with it, the record's PDF link carrying the reason; an officer
 *     of another agency gets 404 as for a case that does not exist;
 *   - the agency head (not on the case, reason 督办) is offered the exemption
 *     and extension forms, the officer is not; an exemption without a reason
 *     and an extension of 0 days are refused on the page; with reasons they
 *     answer 303 keeping the 调阅理由, after which the officer sees the
 *     requirement exempted, 调查取证 → 审查 enabled and 120 days left.
 *   - the case list links unit heads to 案件统计, not officers; the page shows
 *     各环节案件数 with SVG bars and no style attribute (CSP); the CSV starts
 *     with the UTF-8 BOM and its header row and comes as an attachment; an
 *     officer gets 403 for both.
 *
 * Tests run in order against one server; they share one case (opened in the
 * second test).
 */
#include "itest.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_TYPE "text/html; charset=utf-8"
#define FORM_TYPE "application/x-www-form-urlencoded"
#define MATTER "330100-SJ-CF-003"

/* The case the tests share: its page path "/staff/cases/<id>". */
static char case_path[128];

static struct itest_client *staff(void **state, const char *username, char **csrf)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	assert_int_equal(itest_login(csrf, c, username, ITEST_DEMO_PASSWORD), 0);
	return c;
}

static void expect_has(const struct itest_response *r, const char *needle)
{
	const char *from;

	if (r->body && strstr(r->body, needle))
		return;
	from = r->body ? strstr(r->body, "<main>") : NULL;
	fail_msg("lacks \"%s\":\n%.4000s", needle, from ? from : r->body ? r->body : "");
}

static void expect_lacks(const struct itest_response *r, const char *needle)
{
	if (r->body && strstr(r->body, needle))
		fail_msg("has \"%s\" but should not", needle);
}

/* Appends name=value (escaped) to a form body. */
static void form_add(struct buf *b, struct itest_client *c, const char *name, const char *value)
{
	char *escaped = NULL;

	assert_int_equal(itest_form_escape(&escaped, c, value), 0);
	assert_int_equal(buf_appendf(b, "%s%s=%s", b->len ? "&" : "", name, escaped), 0);
	sx_free(escaped);
}

static void post_form(struct itest_response *r, struct itest_client *c, const char *path,
                      const struct buf *b)
{
	assert_int_equal(
	        itest_request(r, c, "POST", path, FORM_TYPE, b->data ? b->data : "", b->len, NULL),
	        0);
}

/* The value of the officer_id checkbox labelled with name, from an HTML page. */
static void officer_value(char *out, size_t size, const struct itest_response *r, const char *name)
{
	char needle[64];
	const char *hit, *value;

	snprintf(needle, sizeof(needle), "> %s <small>", name);
	hit = strstr(r->body, needle);
	if (hit == NULL)
		fail_msg("no checkbox for %s", name);
	for (value = hit; value > r->body && strncmp(value, "value=\"", 7) != 0; value--)
		;
	value += 7;
	snprintf(out, size, "%.*s", (int)strcspn(value, "\""), value);
}

/* The open form's fields with the given officers (NULL = none). */
static void open_form(struct buf *b, struct itest_client *c, const char *csrf, const char *cause,
                      const char *o1, const char *o2)
{
	buf_init(b, 1u << 16);
	form_add(b, c, "csrf_token", csrf);
	form_add(b, c, "kind", "penalty");
	form_add(b, c, "procedure", "general");
	form_add(b, c, "matter_code", MATTER);
	form_add(b, c, "cause", cause);
	form_add(b, c, "party_type", "organization");
	form_add(b, c, "party_name", "示例市某某餐饮店");
	if (o1)
		form_add(b, c, "officer_id", o1);
	if (o2)
		form_add(b, c, "officer_id", o2);
}

static void test_without_a_session_the_case_pages_send_to_the_login(void **state)
{
	static const char *const paths[] = {"/staff/cases", "/staff/cases/new",
	                                    "/staff/cases/stats", "/staff/cases/stats.csv",
	                                    "/staff/cases/01M94K89W41Y4GSGVVG8E223Z1"};
	struct itest_client *c = NULL;
	struct itest_response r;

	assert_int_equal(itest_client_new(&c, *state), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(itest_get(&r, c, paths[i]), 0);
		ITEST_ASSERT_STATUS(r, 303);
		ITEST_ASSERT_LOCATION(r, c, "/staff/login");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_an_officer_opens_a_case_with_two_officers_and_lands_on_its_page(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = staff(state, "officer", &csrf);
	struct itest_response r;
	char zhang[64], wang[64];
	struct buf b;
	const char *loc;

	assert_int_equal(itest_get(&r, c, "/staff/cases/new"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_has(&r, "action=\"/staff/cases\"");
	expect_has(&r, "<option value=\"" MATTER "\">");
	expect_has(&r, "name=\"csrf_token\"");
	officer_value(zhang, sizeof(zhang), &r, "张明");
	officer_value(wang, sizeof(wang), &r, "王芳");
	{
		char own[160];

		/* The officer's own record is checked (the lead). */
		snprintf(own, sizeof(own), "value=\"%s\" checked> 张明", zhang);
		expect_has(&r, own);
	}
	itest_response_free(&r);

	/* One officer: refused, the form again with the reason and the cause kept. */
	open_form(&b, c, csrf, "一人立案的案由", zhang, NULL);
	post_form(&r, c, "/staff/cases", &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 400);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_has(&r, "class=\"notice error\"");
	expect_has(&r, "两名");
	expect_has(&r, "value=\"一人立案的案由\"");
	itest_response_free(&r);

	open_form(&b, c, csrf, "安排无健康证明人员从事接触直接入口食品工作", zhang, wang);
	post_form(&r, c, "/staff/cases", &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 303);
	loc = r.location;
	assert_non_null(loc);
	assert_non_null(strstr(loc, "/staff/cases/"));
	assert_non_null(strstr(loc, "?done=open"));
	snprintf(case_path, sizeof(case_path), "%.*s",
	         (int)strcspn(strstr(loc, "/staff/cases/"), "?"), strstr(loc, "/staff/cases/"));
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, case_path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "<h1 class=\"case-no\">示市监案〔"); /* the demo sets the 文书简称 */
	expect_has(&r, "data-to=\"investigation\"");
	expect_has(&r, "张明 <small>执法证 33010020260001（承办人）");
	expect_has(&r, "上传证据需要启用 JavaScript");
	expect_has(&r, "<script src=\"/static/upload.js\" defer></script>");
	itest_response_free(&r);

	/* The list shows it under 我的案件. */
	assert_int_equal(itest_get(&r, c, "/staff/cases?scope=mine&open=1"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, case_path);
	expect_has(&r, "安排无健康证明人员从事接触直接入口食品工作");
	itest_response_free(&r);

	sx_free(csrf);
	itest_client_free(c);
}

static void move_form(struct buf *b, struct itest_client *c, const char *csrf, const char *to,
                      const char *expected)
{
	buf_init(b, 1u << 16);
	form_add(b, c, "csrf_token", csrf);
	form_add(b, c, "view_reason", "");
	form_add(b, c, "to", to);
	form_add(b, c, "expected_stage", expected);
}

static void test_a_move_needs_the_csrf_token_and_a_double_submit_is_refused_as_stale(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = staff(state, "officer", &csrf);
	struct itest_response r;
	char path[160];
	struct buf b;

	snprintf(path, sizeof(path), "%s/move", case_path);
	move_form(&b, c, "wrong-token", "investigation", "filed");
	post_form(&r, c, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, c, case_path), 0);
	expect_has(&r, "<span class=\"stage stage-current\">立案</span>");
	itest_response_free(&r);

	move_form(&b, c, csrf, "investigation", "filed");
	post_form(&r, c, path, &b);
	ITEST_ASSERT_STATUS(r, 303);
	assert_non_null(strstr(r.location, "?done=move"));
	itest_response_free(&r);

	/* The same form again: the stage moved meanwhile. */
	post_form(&r, c, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 409);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_has(&r, "class=\"notice error\"");
	expect_has(&r, "<span class=\"stage stage-current\">调查取证</span>");
	/* 调查取证 → 审查 is offered, disabled, with the 音像记录 reason. */
	expect_has(&r, "data-to=\"examination\"");
	expect_has(&r, "disabled aria-disabled=\"true\">调查取证 → 审查</button>");
	expect_has(&r, "须录音或录像");
	itest_response_free(&r);

	sx_free(csrf);
	itest_client_free(c);
}

/* The values of an 责令改正通知书 (served, no field act); findings may be left out. */
static void rectification_form(struct buf *b, struct itest_client *c, const char *csrf,
                               bool with_findings)
{
	buf_init(b, 1u << 16);
	form_add(b, c, "csrf_token", csrf);
	form_add(b, c, "view_reason", "");
	form_add(b, c, "template", "inspection_rectification");
	form_add(b, c, "f_inspect_date", "2026-03-05");
	if (with_findings)
		form_add(b, c, "f_findings", "后厨两名从业人员未取得健康证明。");
	form_add(b, c, "f_legal_violated", "《中华人民共和国食品安全法》第四十五条");
	form_add(b, c, "f_rectify_basis", "《中华人民共和国食品安全法》第一百二十六条");
	form_add(b, c, "f_requirements", "立即调离，取得健康证明后方可上岗。");
	form_add(b, c, "f_deadline", "2026-03-20");
}

static void test_a_served_record_shows_its_code_once_and_never_in_a_url(void **state)
{
	char *csrf = NULL;
	struct itest_client *c = staff(state, "officer", &csrf);
	struct itest_response r;
	char path[192], code[32];
	const char *hit;
	struct buf b;

	snprintf(path, sizeof(path), "%s/records/new?template=onsite_inspection", case_path);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "<h1>现场检查笔录</h1>");
	expect_has(&r, "type=\"datetime-local\" name=\"f_inspect_start\" value=\"\" required");
	expect_has(&r, "<select name=\"f_avoid_request\" required>");
	expect_has(&r, "<textarea name=\"f_findings\"");
	expect_has(&r, "在场执法人员");
	itest_response_free(&r);

	snprintf(path, sizeof(path), "%s/records", case_path);
	rectification_form(&b, c, csrf, false);
	post_form(&r, c, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 400);
	expect_has(&r, "<h1>责令改正通知书</h1>");
	expect_has(&r, "class=\"notice error\"");
	expect_has(&r, "value=\"2026-03-20\""); /* the values are kept */
	itest_response_free(&r);

	rectification_form(&b, c, csrf, true);
	post_form(&r, c, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 200);
	assert_null(r.location);
	expect_has(&r, "当事人查验码");
	hit = strstr(r.body, "<p class=\"code-big\"><code>");
	assert_non_null(hit);
	hit += strlen("<p class=\"code-big\"><code>");
	snprintf(code, sizeof(code), "%.*s", (int)strcspn(hit, "<"), hit);
	assert_int_equal(strlen(code), 12);
	/* Not in any link or form of the page either. */
	{
		char attr[48];

		snprintf(attr, sizeof(attr), "=%s", code);
		expect_lacks(&r, attr);
	}
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, case_path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "责令改正通知书");
	expect_lacks(&r, code);
	itest_response_free(&r);

	sx_free(csrf);
	itest_client_free(c);
}

static void test_staff_not_on_the_case_give_a_reason_and_others_see_nothing(void **state)
{
	char *csrf = NULL, *csrf2 = NULL;
	struct itest_client *c = staff(state, "reviewer", &csrf);
	struct itest_client *other = staff(state, "officer2", &csrf2);
	struct itest_response r;
	char path[192];

	assert_int_equal(itest_get(&r, c, case_path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "调阅理由");
	expect_lacks(&r, "安排无健康证明人员");
	itest_response_free(&r);

	snprintf(path, sizeof(path), "%s?reason=%%E5%%A4%%8D%%E6%%A0%%B8", case_path); /* 复核 */
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "安排无健康证明人员");
	expect_has(&r, "调阅理由：复核");
	expect_has(&r, "/pdf?reason=%E5%A4%8D%E6%A0%B8\"");
	expect_has(&r, "name=\"view_reason\" value=\"复核\"");
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, other, path), 0);
	ITEST_ASSERT_STATUS(r, 404);
	expect_lacks(&r, "安排无健康证明人员");
	itest_response_free(&r);

	sx_free(csrf);
	sx_free(csrf2);
	itest_client_free(c);
	itest_client_free(other);
}

static void head_form(struct buf *b, struct itest_client *c, const char *csrf, const char *name,
                      const char *value, const char *reason)
{
	buf_init(b, 1u << 16);
	form_add(b, c, "csrf_token", csrf);
	form_add(b, c, "view_reason", "督办");
	form_add(b, c, name, value);
	form_add(b, c, "reason", reason);
}

static void test_the_agency_head_exempts_a_stage_and_extends_the_deadline_with_reasons(void **state)
{
	char *csrf = NULL, *officer_csrf = NULL;
	struct itest_client *head = staff(state, "agency_head", &csrf);
	struct itest_client *officer = staff(state, "officer", &officer_csrf);
	struct itest_response r;
	char path[192], view[192];
	struct buf b;

	snprintf(view, sizeof(view), "%s?reason=%%E7%%9D%%A3%%E5%%8A%%9E", case_path); /* 督办 */
	assert_int_equal(itest_get(&r, head, view), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "免于音像记录（机关负责人）");
	expect_has(&r, "延长办案期限（机关负责人）");
	expect_has(&r, "（剩余 90 天）");
	itest_response_free(&r);
	/* The officer is offered neither. */
	assert_int_equal(itest_get(&r, officer, case_path), 0);
	expect_lacks(&r, "免于音像记录（机关负责人）");
	expect_lacks(&r, "延长办案期限（机关负责人）");
	itest_response_free(&r);

	/* Without a reason: refused, shown on the case page (still opened with 督办). */
	snprintf(path, sizeof(path), "%s/exemptions", case_path);
	head_form(&b, head, csrf, "stage", "investigation", "");
	post_form(&r, head, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 400);
	expect_has(&r, "class=\"notice error\"");
	expect_has(&r, "调阅理由：督办");
	itest_response_free(&r);

	head_form(&b, head, csrf, "stage", "investigation", "执法记录仪故障，已书面说明");
	post_form(&r, head, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 303);
	assert_non_null(strstr(r.location, "?done=exempt&reason=%E7%9D%A3%E5%8A%9E"));
	itest_response_free(&r);

	snprintf(path, sizeof(path), "%s/extend", case_path);
	head_form(&b, head, csrf, "days", "0", "案情复杂");
	post_form(&r, head, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 400);
	expect_has(&r, "延长天数应为 1 到 3650 的整数");
	itest_response_free(&r);

	head_form(&b, head, csrf, "days", "30", "案情复杂，需补充鉴定");
	post_form(&r, head, path, &b);
	buf_free(&b);
	ITEST_ASSERT_STATUS(r, 303);
	itest_response_free(&r);

	/* The officer now sees the requirement met by the exemption, the move
	 * allowed and the longer deadline. */
	assert_int_equal(itest_get(&r, officer, case_path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "已登记免于录制");
	expect_has(&r, "<button type=\"submit\">调查取证 → 审查</button>");
	expect_has(&r, "（剩余 120 天）");
	itest_response_free(&r);

	sx_free(csrf);
	sx_free(officer_csrf);
	itest_client_free(head);
	itest_client_free(officer);
}

static void
test_a_unit_head_sees_the_statistics_and_downloads_them_and_an_officer_is_refused(void **state)
{
	static const char header[] = "执法机关,统计日期,案件总数,未结案件数,已超期案件数,";
	char *csrf = NULL, *officer_csrf = NULL;
	struct itest_client *head = staff(state, "unit_head", &csrf);
	struct itest_client *officer = staff(state, "officer", &officer_csrf);
	struct itest_response r;
	const char *disposition;

	/* The case list links to the page for a unit head, not for an officer. */
	assert_int_equal(itest_get(&r, head, "/staff/cases"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_has(&r, "href=\"/staff/cases/stats\"");
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, officer, "/staff/cases"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_lacks(&r, "href=\"/staff/cases/stats\"");
	itest_response_free(&r);

	/* The page, not the case "stats": the route comes before /staff/cases/:id. */
	assert_int_equal(itest_get(&r, head, "/staff/cases/stats"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(r.content_type, HTML_TYPE);
	expect_has(&r, "各环节案件数");
	expect_has(&r, "<svg class=\"stat-bar\"");
	expect_has(&r, "《行政处罚法》第六十条");
	expect_has(&r, "/staff/cases/stats.csv?agency_id=");
	expect_lacks(&r, "style=");
	expect_lacks(&r, "<script");
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, head, "/staff/cases/stats.csv"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(r.content_type, "text/csv; charset=utf-8");
	assert_true(r.body_len > 3);
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	assert_memory_equal(r.body + 3, header, sizeof(header) - 1);
	assert_non_null(
	        strstr(r.body, "\r\n环节,环节代码,在办案件数,已完成停留次数,平均停留天数\r\n"));
	assert_non_null(strstr(r.body, "\r\n调查取证,investigation,"));
	disposition = itest_response_header(&r, "Content-Disposition");
	assert_non_null(disposition);
	assert_non_null(strstr(disposition, "attachment; filename=\"case-stats-"));
	itest_response_free(&r);

	/* Officers get the service's refusal, as a page and as a download. */
	assert_int_equal(itest_get(&r, officer, "/staff/cases/stats"), 0);
	ITEST_ASSERT_STATUS(r, 403);
	expect_has(&r, "执法人员不能查看机关的案件统计");
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, officer, "/staff/cases/stats.csv"), 0);
	ITEST_ASSERT_STATUS(r, 403);
	expect_lacks(&r, "执法机关,统计日期");
	itest_response_free(&r);

	sx_free(csrf);
	sx_free(officer_csrf);
	itest_client_free(head);
	itest_client_free(officer);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_without_a_session_the_case_pages_send_to_the_login),
	        cmocka_unit_test(
	                test_an_officer_opens_a_case_with_two_officers_and_lands_on_its_page),
	        cmocka_unit_test(
	                test_a_move_needs_the_csrf_token_and_a_double_submit_is_refused_as_stale),
	        cmocka_unit_test(test_a_served_record_shows_its_code_once_and_never_in_a_url),
	        cmocka_unit_test(test_staff_not_on_the_case_give_a_reason_and_others_see_nothing),
	        cmocka_unit_test(
	                test_the_agency_head_exempts_a_stage_and_extends_the_deadline_with_reasons),
	        cmocka_unit_test(
	                test_a_unit_head_sees_the_statistics_and_downloads_them_and_an_officer_is_refused),
	};

	return ITEST_RUN_GROUP_AS_MAIN("cases_pages", tests, NULL);
}
