/*
 * Integration: the legal review of a major decision (重大执法决定法制审核,
 * docs/reviews.md) through a real `sanxiang serve`, as the demo users would:
 *
 *   agency_head   publishes the agency's catalog (one rule: every 普通程序
 *                 penalty is major) through the API; an officer may not; the
 *                 catalog reads without an account, as JSON and as a page
 *   officer       opens a penalty case (张明 and 王芳), walks it to 审查; the move
 *                 to 告知 → 409 review_required; → 法制审核; submitting without a
 *                 draft → 409 draft_required; a draft; submitting without an
 *                 调查终结报告 → 422 materials_incomplete with the review
 *                 ("returned", missing 调查终结报告); back to 审查 for the report,
 *                 → 法制审核, submit → 201 accepted with a due date
 *   reviewer2     a reviewer linked to 王芳's officer record (an officer on the
 *                 case) may not take it → 403 reviewer_conflict (回避,
 *                 《行政处罚法》第四十三条)
 *   reviewer      concludes 建议修改 with one problem; the move to 告知 →
 *                 409 review_not_passed; the officer objects, the reviewer
 *                 coordinates (maintained), the agency head upholds
 *   officer       saves draft 2, resubmits; the reviewer concludes 同意: the
 *                 法制审核意见书 is a record of the case and its PDF downloads;
 *                 → 告知; draft 3 saved after the approval: the agency head's
 *                 move to 决定 → 409 review_required; back through 审查 and
 *                 法制审核 for draft 3, approved; → 决定 by the agency head;
 *                 the 行政处罚决定书 must carry draft 3's values (409
 *                 draft_differs otherwise, 201 with them)
 *   pages         the queue and the review page (调阅理由 first for a reviewer
 *                 not on the case); a staff form with a forged CSRF token → 403
 *
 * Runs on SQLite and on PostgreSQL (integration.pg.test_review_path); on
 * PostgreSQL the server needs --blob-dir, made under /tmp as
 * test_case_walk does.
 */
#define _XOPEN_SOURCE 700 /* nftw, gmtime_r */

#include "itest.h"

#include "base/error.h"
#include "base/mem.h"
#include "domain/idcheck.h"
#include "testdb.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MATTER "330100-SJ-CF-003"   /* 处罚, not flagged major: the catalog makes it major */
#define ZHANG_CERT "33010020260001" /* 张明, the demo user "officer" */
#define WANG_CERT "33010020260003"  /* 王芳, the demo user "unit_head" */

#define CATALOG                                                                                             \
	"{\"catalog\":{\"rules\":[{\"id\":\"all-general\",\"title\":\"本机关作出的全部普通程序" \
	"行政处罚决定\",\"kind\":\"all_general_penalties\",\"acts\":[],\"threshold_fen\":0,"          \
	"\"party_type\":\"\",\"matter_codes\":[],\"basis\":"                                                \
	"\"《行政处罚法》第五十八条第一款第四项\"}]},"                                    \
	"\"note\":\"首次发布\"}"

#define INSPECTION_VALUES                                                                                     \
	"{\"inspect_start\":\"2026-12-01 09:00\",\"inspect_end\":\"2026-12-01 10:30\","                       \
	"\"place\":\"示例市某区某路 1 号仓库\",\"present_person\":\"王某（仓库管理员）\"," \
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","                                      \
	"\"findings\":\"仓库内存放超过保质期的饮料 120 瓶。\"}"

#define REPORT_VALUES                                                                                             \
	"{\"case_name\":\"某公司销售过期食品案\",\"party_info\":\"示例市某某超市有限公司\"," \
	"\"investigation\":\"2026 年 12 月 1 日现场检查，制作现场检查笔录。\","                  \
	"\"facts\":\"当事人销售超过保质期的饮料。\",\"evidence\":"                                  \
	"\"现场检查笔录、执法记录仪视频。\","                                                      \
	"\"nature\":\"违反《中华人民共和国食品安全法》第三十四条第十项。\","             \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","  \
	"\"proposal\":\"没收违法所得，罚款。\"}"

/* The 行政处罚决定书's values; PENALTY differs between the drafts. */
#define DECISION_VALUES(PENALTY)                                                                                       \
	"{\"party_address\":\"示例市某区某路 1 号\",\"facts\":\"当事人销售超过保质期的饮料。\"," \
	"\"evidence\":\"现场检查笔录、询问笔录、执法记录仪视频。\","                               \
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","                   \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","       \
	"\"penalty_content\":\"" PENALTY "\","                                                                         \
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\","                                            \
	"\"litigation_court\":\"示例市某区人民法院\",\"litigation_months\":\"6\"}"

#define PENALTY_1 "没收违法所得 1200 元，罚款 50000 元。"
#define PENALTY_2 "没收违法所得 1200 元，罚款 60000 元。"
#define PENALTY_3 "没收违法所得 1200 元，罚款 65000 元。"

/* ---- helpers (as test_case_walk) ------------------------------------------------------------ */

struct session {
	struct itest_client *c;
	char *csrf;
};

static void session_open(struct session *s, void **state, const char *username,
                         const char *password)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(itest_client_new(&s->c, *state), 0);
	assert_int_equal(itest_login(&s->csrf, s->c, username, password), 0);
}

static void session_close(struct session *s)
{
	itest_client_free(s->c);
	sx_free(s->csrf);
}

static void send_json(struct itest_response *r, struct session *s, const char *method,
                      const char *path, const char *fmt, ...)
{
	char body[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(itest_send_json(r, s->c, method, path, body, s->csrf), 0);
}

static void get(struct itest_response *r, struct itest_client *c, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	assert_int_equal(itest_get(r, c, path), 0);
}

static void try_move(struct itest_response *r, struct session *s, const char *case_id,
                     const char *to, const char *reason)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/move", case_id);
	if (reason)
		send_json(r, s, "POST", path, "{\"to\":\"%s\",\"reason\":\"%s\"}", to, reason);
	else
		send_json(r, s, "POST", path, "{\"to\":\"%s\"}", to);
}

static void move(struct session *s, const char *case_id, const char *to, const char *reason)
{
	struct itest_response r;

	try_move(&r, s, case_id, to, reason);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r.json, "case"), "stage")), to);
	itest_response_free(&r);
}

static void try_record(struct itest_response *r, struct session *s, const char *case_id,
                       const char *template_code, const char *values, const char *officers)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/records", case_id);
	if (officers)
		send_json(r, s, "POST", path,
		          "{\"template\":\"%s\",\"values\":%s,\"officer_ids\":%s}", template_code,
		          values, officers);
	else
		send_json(r, s, "POST", path, "{\"template\":\"%s\",\"values\":%s}", template_code,
		          values);
}

static void record(struct session *s, const char *case_id, const char *template_code,
                   const char *values, const char *officers)
{
	struct itest_response r;

	try_record(&r, s, case_id, template_code, values, officers);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
}

static char *officer_id(struct session *s, const char *cert_no)
{
	struct itest_response r;
	json_t *o;
	size_t i;
	char *id = NULL;

	get(&r, s->c, "/api/v1/staff/officers?page_size=100");
	ITEST_ASSERT_STATUS(r, 200);
	json_array_foreach(
	        json_object_get(r.json, "officers"), i,
	        o) if (strcmp(json_string_value(json_object_get(o, "cert_no")), cert_no) == 0) id =
	        sx_strdup(json_string_value(json_object_get(o, "id")));
	itest_response_free(&r);
	assert_non_null(id);
	return id;
}

static void utc_text(char out[32], long offset_s)
{
	time_t t = time(NULL) + offset_s;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000000Z", &tm) > 0);
}

/* A small video of the investigation through the resumable upload API, in one PUT. */
static void upload_video(struct session *s, const char *case_id)
{
	static const char data[] = "ftyp-isom video of the inspection, 0123456789abcdefghijklmnop";
	size_t len = sizeof(data) - 1;
	struct itest_response r;
	char path[128], start[32], end[32];
	char *id;

	utc_text(start, -3600);
	utc_text(end, -1800);
	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", case_id);
	send_json(&r, s, "POST", path,
	          "{\"kind\":\"video\",\"size\":%zu,\"content_type\":\"video/mp4\","
	          "\"file_name\":\"现场检查.mp4\",\"captured_start\":\"%s\","
	          "\"captured_end\":\"%s\",\"device_id\":\"ZFJLY-0012\","
	          "\"place\":\"示例市某区某路 1 号仓库\"}",
	          len, start, end);
	ITEST_ASSERT_STATUS(r, 201);
	id = sx_strdup(json_string_value(json_object_get(json_object_get(r.json, "upload"), "id")));
	assert_non_null(id);
	itest_response_free(&r);
	assert_int_equal(itest_upload_put(&r, s->c, id, data, 0, len - 1, len, s->csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	sx_free(id);
}

/* POST /api/v1/cases/:id/drafts with the values of one penalty text. */
static void save_draft(struct session *s, const char *case_id, const char *values,
                       json_int_t expect_version)
{
	struct itest_response r;
	char path[128];
	json_t *d;

	snprintf(path, sizeof(path), "/api/v1/cases/%s/drafts", case_id);
	send_json(&r, s, "POST", path,
	          "{\"values\":%s,\"acts\":\"fine confiscate\",\"fine_fen\":5000000,"
	          "\"confiscation_fen\":120000,\"note\":\"拟稿\"}",
	          values);
	ITEST_ASSERT_STATUS(r, 201);
	d = json_object_get(r.json, "draft");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), expect_version);
	assert_int_equal(json_integer_value(json_object_get(d, "fine_fen")), 5000000);
	assert_int_equal(json_array_size(json_object_get(d, "act_labels")), 2);
	itest_response_free(&r);
}

/* POST /api/v1/cases/:id/reviews; the answer is left in *r. */
static void try_submit(struct itest_response *r, struct session *s, const char *case_id)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/reviews", case_id);
	send_json(r, s, "POST", path, "{\"urgent\":false,\"note\":\"请审核\"}");
}

/* Submits and expects acceptance; returns the review id (sx_free). */
static char *submit(struct session *s, const char *case_id)
{
	struct itest_response r;
	json_t *rv;
	char *id;

	try_submit(&r, s, case_id);
	ITEST_ASSERT_STATUS(r, 201);
	rv = json_object_get(r.json, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "status")), "accepted");
	assert_string_equal(json_string_value(json_object_get(rv, "status_label")), "审核中");
	assert_int_equal(json_string_length(json_object_get(rv, "due_on")), 10);
	assert_int_equal(json_array_size(json_object_get(rv, "missing")), 0);
	id = sx_strdup(json_string_value(json_object_get(rv, "id")));
	assert_non_null(id);
	itest_response_free(&r);
	return id;
}

/* A conclusion with every item passed except `problem` (NULL = none); the answer in *r. */
static void try_conclude(struct itest_response *r, struct session *s, const char *review_id,
                         const char *problem, const char *conclusion, const char *opinion)
{
	static const char *const items[] = {"subject",   "qualification", "procedure",  "facts",
	                                    "evidence",  "law",           "discretion", "authority",
	                                    "documents", "crime"};
	char list[2048] = "", path[128];
	size_t used = 0;

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		bool bad = problem && strcmp(problem, items[i]) == 0;
		int n = snprintf(list + used, sizeof(list) - used,
		                 "%s{\"item\":\"%s\",\"passed\":%s,\"note\":\"%s\"}", i ? "," : "",
		                 items[i], bad ? "false" : "true",
		                 bad ? "证据不足以证明违法所得数额" : "");

		assert_true(n > 0 && (size_t)n < sizeof(list) - used);
		used += (size_t)n;
	}
	snprintf(path, sizeof(path), "/api/v1/reviews/%s/conclude", review_id);
	send_json(r, s, "POST", path,
	          "{\"checklist\":[%s],\"conclusion\":\"%s\",\"opinion\":\"%s\"}", list, conclusion,
	          opinion);
}

static void step(struct session *s, const char *review_id, const char *what, const char *body)
{
	struct itest_response r;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/reviews/%s/%s", review_id, what);
	send_json(&r, s, "POST", path, "%s", body);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
}

/* POSTs a form made from fmt (its %s arguments are URL-encoded) with the session's csrf_token. */
static void form_post(struct itest_response *r, struct session *s, const char *path,
                      const char *fmt, ...)
{
	char body[8192];
	const char *p = fmt;
	size_t used;
	va_list ap;
	int n;

	n = snprintf(body, sizeof(body), "csrf_token=%s&", s->csrf);
	assert_true(n > 0 && (size_t)n < sizeof(body));
	used = (size_t)n;
	va_start(ap, fmt);
	while (*p) {
		if (p[0] == '%' && p[1] == 's') {
			char *escaped = NULL;

			assert_int_equal(
			        itest_form_escape(&escaped, s->c, va_arg(ap, const char *)), 0);
			n = snprintf(body + used, sizeof(body) - used, "%s", escaped);
			sx_free(escaped);
			p += 2;
		} else {
			n = snprintf(body + used, sizeof(body) - used, "%c", *p++);
		}
		assert_true(n > 0 && (size_t)n < sizeof(body) - used);
		used += (size_t)n;
	}
	va_end(ap);
	assert_int_equal(itest_request(r, s->c, "POST", path, "application/x-www-form-urlencoded",
	                               body, used, NULL),
	                 0);
}

static char *agency_of(struct session *s)
{
	struct itest_response r;
	char *id;

	get(&r, s->c, "/api/v1/session");
	ITEST_ASSERT_STATUS(r, 200);
	id = sx_strdup(
	        json_string_value(json_object_get(json_object_get(r.json, "user"), "agency_id")));
	assert_non_null(id);
	itest_response_free(&r);
	return id;
}

/* ---- the path ------------------------------------------------------------------------------ */

static void test_a_major_case_is_decided_only_on_an_approved_current_draft(void **state)
{
	struct session officer, head, reviewer, admin, reviewer2;
	struct itest_client *public_client = NULL;
	struct itest_response r;
	char path[256], officers[256], credit[19];
	char *agency, *zhang, *wang, *case_id, *review1, *review2, *review3, *opinion_id;
	char text[256];
	json_t *rv, *x;
	json_int_t version;
	size_t i;
	bool found;

	session_open(&officer, state, "officer", ITEST_DEMO_PASSWORD);
	session_open(&head, state, "agency_head", ITEST_DEMO_PASSWORD);
	session_open(&reviewer, state, "reviewer", ITEST_DEMO_PASSWORD);
	session_open(&admin, state, "admin", ITEST_DEMO_PASSWORD);
	agency = agency_of(&head);

	/* The catalog: the agency head's to publish, everyone's to read. The demo data may have
	 * published one already: the new version is the next number. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/major-catalog", agency);
	assert_int_equal(itest_client_new(&public_client, *state), 0);
	get(&r, public_client, "%s", path);
	ITEST_ASSERT_STATUS(r, 200);
	version = json_integer_value(json_object_get(r.json, "version"));
	itest_response_free(&r);
	send_json(&r, &officer, "POST", path, "%s", CATALOG);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	send_json(&r, &head, "POST", path, "%s", CATALOG);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), version + 1);
	assert_false(json_is_true(json_object_get(r.json, "is_default")));
	itest_response_free(&r);
	send_json(&r, &head, "POST", path, "%s", CATALOG);
	ITEST_ASSERT_API_ERROR(r, 409, "catalog_unchanged");
	itest_response_free(&r);
	get(&r, public_client, "%s", path);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(r.json, "rules"), 0), "kind")),
	                    "all_general_penalties");
	assert_int_equal(json_array_size(json_object_get(r.json, "history")), (size_t)version + 1);
	itest_response_free(&r);
	get(&r, public_client, "/agencies/%s/major-catalog", agency);
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "本机关作出的全部普通程序行政处罚决定"));
	snprintf(text, sizeof(text), "第 %lld 版", (long long)version + 1);
	assert_non_null(strstr(r.body, text));
	itest_response_free(&r);

	/* A second reviewer, linked to 王芳's officer record: an officer on the case below. */
	send_json(
	        &r, &admin, "POST", "/api/v1/users",
	        "{\"username\":\"reviewer2\",\"display_name\":\"王芳（法制）\",\"password\":\"%s\","
	        "\"role\":\"reviewer\",\"agency_id\":\"%s\"}",
	        ITEST_DEMO_PASSWORD, agency);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	send_json(&r, &admin, "POST", "/api/v1/officers/" WANG_CERT "/user", "{\"username\":null}");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	send_json(&r, &admin, "POST", "/api/v1/officers/" WANG_CERT "/user",
	          "{\"username\":\"reviewer2\"}");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	session_open(&reviewer2, state, "reviewer2", ITEST_DEMO_PASSWORD);

	/* 立案 → 调查取证 → 审查 */
	zhang = officer_id(&officer, ZHANG_CERT);
	wang = officer_id(&officer, WANG_CERT);
	snprintf(officers, sizeof(officers), "[\"%s\",\"%s\"]", zhang, wang);
	snprintf(credit, sizeof(credit), "91330106MA0000008%c",
	         idcheck_credit_code_check_char("91330106MA0000008"));
	send_json(&r, &officer, "POST", "/api/v1/cases",
	          "{\"kind\":\"penalty\",\"procedure\":\"general\",\"matter_code\":\"%s\","
	          "\"cause\":\"涉嫌销售过期食品\",\"party_type\":\"organization\","
	          "\"party_name\":\"示例市某某超市有限公司\",\"party_id_code\":\"%s\","
	          "\"party_address\":\"示例市某区某路 1 号\",\"officer_ids\":%s}",
	          MATTER, credit, officers);
	ITEST_ASSERT_STATUS(r, 201);
	case_id = sx_strdup(
	        json_string_value(json_object_get(json_object_get(r.json, "case"), "id")));
	assert_non_null(case_id);
	itest_response_free(&r);
	move(&officer, case_id, "investigation", NULL);
	record(&officer, case_id, "onsite_inspection", INSPECTION_VALUES, officers);
	upload_video(&officer, case_id);
	move(&officer, case_id, "examination", NULL);

	/* The catalog makes the case major: 告知 needs the review first. */
	try_move(&r, &officer, case_id, "notice", NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "review_required");
	itest_response_free(&r);
	move(&officer, case_id, "legal_review", NULL);
	try_submit(&r, &officer, case_id);
	ITEST_ASSERT_API_ERROR(r, 409, "draft_required");
	itest_response_free(&r);
	save_draft(&officer, case_id, DECISION_VALUES(PENALTY_1), 1);

	/* Without the 调查终结报告: kept as returned, 422 with the list. */
	try_submit(&r, &officer, case_id);
	ITEST_ASSERT_STATUS(r, 422);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r.json, "error"), "code")),
	        "materials_incomplete");
	rv = json_object_get(r.json, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "status")), "returned");
	found = false;
	json_array_foreach(json_object_get(rv, "missing"), i,
	                   x) if (strcmp(json_string_value(json_object_get(x, "code")),
	                                 "investigation_report") == 0 &&
	                          strcmp(json_string_value(json_object_get(x, "label")),
	                                 "调查终结报告") == 0) found = true;
	assert_true(found);
	assert_int_equal(json_array_size(json_object_get(rv, "missing")), 1);
	itest_response_free(&r);

	/* Back to 审查 for the report, then submit again: accepted, the clock runs. */
	move(&officer, case_id, "examination", "补充调查终结报告");
	record(&officer, case_id, "investigation_report", REPORT_VALUES, NULL);
	move(&officer, case_id, "legal_review", NULL);
	review1 = submit(&officer, case_id);
	try_submit(&r, &officer, case_id);
	ITEST_ASSERT_API_ERROR(r, 409, "review_in_progress");
	itest_response_free(&r);

	/* 回避: a reviewer who is an officer on the case. */
	snprintf(path, sizeof(path), "/api/v1/reviews/%s/take", review1);
	send_json(&r, &reviewer2, "POST", path, "{}");
	ITEST_ASSERT_API_ERROR(r, 403, "reviewer_conflict");
	itest_response_free(&r);
	send_json(&r, &officer, "POST", path, "{}");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);

	/* The queue shows it; reading it needs the reviewer's 调阅理由. */
	get(&r, reviewer.c, "/api/v1/reviews?scope=queue&open=1");
	ITEST_ASSERT_STATUS(r, 200);
	found = false;
	json_array_foreach(json_object_get(r.json, "reviews"), i,
	                   x) if (strcmp(json_string_value(json_object_get(x, "id")), review1) == 0)
	        found = true;
	assert_true(found);
	itest_response_free(&r);
	get(&r, reviewer.c, "/api/v1/reviews/%s", review1);
	ITEST_ASSERT_API_ERROR(r, 400, "reason_required");
	itest_response_free(&r);
	get(&r, reviewer.c, "/api/v1/reviews/%s?reason=%s", review1, "legal-review");
	ITEST_ASSERT_STATUS(r, 200);
	rv = json_object_get(r.json, "review");
	assert_true(json_is_true(json_object_get(json_object_get(rv, "may"), "take")));
	assert_int_equal(json_array_size(json_object_get(rv, "checklist")), 10);
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(json_object_get(rv, "draft"), "values"),
	                            "penalty_content")),
	                    PENALTY_1);
	itest_response_free(&r);

	/* 建议修改: not passed, the decision's way stays closed. */
	step(&reviewer, review1, "take", "{}");
	try_conclude(&r, &reviewer, review1, "evidence", "approve", "");
	ITEST_ASSERT_API_ERROR(r, 400, "agree_with_problems");
	itest_response_free(&r);
	try_conclude(&r, &reviewer, review1, "evidence", "amend", "建议补充违法所得的证据");
	ITEST_ASSERT_STATUS(r, 200);
	rv = json_object_get(r.json, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "status")), "concluded");
	assert_string_equal(json_string_value(json_object_get(rv, "conclusion_label")), "建议修改");
	itest_response_free(&r);
	try_move(&r, &officer, case_id, "notice", NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "review_not_passed");
	itest_response_free(&r);

	/* Objection → coordination (maintained) → the agency head upholds. */
	step(&officer, review1, "object", "{\"reason\":\"违法所得已有销售记录证明\"}");
	step(&reviewer, review1, "coordinate",
	     "{\"result\":\"maintained\",\"note\":\"销售记录不完整，维持审核意见\"}");
	step(&head, review1, "head-decision",
	     "{\"decision\":\"uphold\",\"reason\":\"同意法制审核意见，补充证据\"}");
	try_move(&r, &officer, case_id, "notice", NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "review_not_passed");
	itest_response_free(&r);

	/* Draft 2, resubmitted and approved: the 法制审核意见书 is made. */
	save_draft(&officer, case_id, DECISION_VALUES(PENALTY_2), 2);
	review2 = submit(&officer, case_id);
	try_conclude(&r, &reviewer, review2, NULL, "approve", "同意");
	ITEST_ASSERT_STATUS(r, 200);
	rv = json_object_get(r.json, "review");
	assert_string_equal(json_string_value(json_object_get(rv, "conclusion")), "approve");
	opinion_id = sx_strdup(json_string_value(json_object_get(rv, "opinion_record_id")));
	assert_non_null(opinion_id);
	assert_true(strlen(opinion_id) > 0);
	itest_response_free(&r);
	get(&r, officer.c, "/api/v1/records/%s/pdf", opinion_id);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/pdf");
	assert_true(r.body_len > 5 && memcmp(r.body, "%PDF-", 5) == 0);
	itest_response_free(&r);
	get(&r, officer.c, "/api/v1/cases/%s", case_id);
	ITEST_ASSERT_STATUS(r, 200);
	found = false;
	json_array_foreach(json_object_get(json_object_get(r.json, "case"), "records"), i,
	                   x) if (strcmp(json_string_value(json_object_get(x, "id")), opinion_id) ==
	                                  0 &&
	                          strcmp(json_string_value(json_object_get(x, "template")),
	                                 "legal_review_opinion") == 0) found = true;
	assert_true(found);
	itest_response_free(&r);

	/* → 告知; a draft saved after the approval closes the way to the decision again. */
	move(&officer, case_id, "notice", NULL);
	save_draft(&officer, case_id, DECISION_VALUES(PENALTY_3), 3);
	try_move(&r, &head, case_id, "decision", NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "review_required");
	itest_response_free(&r);
	move(&officer, case_id, "examination", "决定草稿已修改，重新送审");
	move(&officer, case_id, "legal_review", NULL);
	review3 = submit(&officer, case_id);
	try_conclude(&r, &reviewer, review3, NULL, "approve", "同意");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	/* The pages of the case: the draft form shows the reviewed draft; the agency head records
	 * a 集体讨论 of it (a 调阅 for him: the reason travels with the form). */
	get(&r, officer.c, "/staff/cases/%s/draft", case_id);
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, PENALTY_3));
	assert_non_null(strstr(r.body, "name=\"act\" value=\"fine\" checked"));
	assert_non_null(strstr(r.body, "name=\"fine_yuan\" value=\"50000.00\""));
	itest_response_free(&r);
	get(&r, head.c, "/staff/cases/%s/discussions/new?reason=%s", case_id, "approval");
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "第 3 稿"));
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/staff/cases/%s/discussions", case_id);
	form_post(&r, &head, path,
	          "held_at=2026-12-05T09:30&place=%s&host=%s&attendees=%s&opinions=%s&conclusion=%s"
	          "&view_reason=approval",
	          "第一会议室", "孙局长", "孙局长 局长\n王芳 科长\n周律 法制审核员", "同意审核意见",
	          "同意作出决定");
	ITEST_ASSERT_STATUS(r, 303);
	snprintf(text, sizeof(text), "/staff/cases/%s?done=discussion&reason=approval", case_id);
	ITEST_ASSERT_LOCATION(r, head.c, text);
	itest_response_free(&r);

	move(&officer, case_id, "notice", NULL);
	move(&head, case_id, "decision", NULL);

	/* After the decision no draft is saved: the form comes back with the message. */
	snprintf(path, sizeof(path), "/staff/cases/%s/draft", case_id);
	form_post(&r, &officer, path,
	          "f_party_address=%s&f_facts=%s&f_evidence=%s&f_legal_violated=%s&f_legal_basis=%s"
	          "&f_penalty_content=%s&f_review_body=%s&f_review_days=60&f_litigation_court=%s"
	          "&f_litigation_months=6&act=fine&fine_yuan=1.5",
	          "示例市某区某路 1 号", "晚到的修改", "现场检查笔录。",
	          "《中华人民共和国食品安全法》第三十四条第十项",
	          "《中华人民共和国食品安全法》第一百二十四条第一款第五项", PENALTY_3,
	          "示例市人民政府", "示例市某区人民法院");
	ITEST_ASSERT_STATUS(r, 409);
	assert_non_null(strstr(r.body, "决定草稿只能在普通程序案件作出决定之前拟定"));
	assert_non_null(strstr(r.body, "晚到的修改"));
	itest_response_free(&r);

	/* The 行政处罚决定书 carries the reviewed draft's values, nothing else. */
	try_record(&r, &officer, case_id, "penalty_decision", DECISION_VALUES(PENALTY_1), NULL);
	ITEST_ASSERT_API_ERROR(r, 409, "draft_differs");
	itest_response_free(&r);
	record(&officer, case_id, "penalty_decision", DECISION_VALUES(PENALTY_3), NULL);

	/* The pages: the queue lists the reviews, a review asks for the 调阅理由 first. */
	get(&r, reviewer.c, "/staff/reviews?scope=agency");
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, review3));
	assert_non_null(strstr(r.body, "已审结"));
	itest_response_free(&r);
	get(&r, reviewer.c, "/staff/reviews/%s", review3);
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "name=\"reason\""));
	itest_response_free(&r);
	get(&r, reviewer.c, "/staff/reviews/%s?reason=%s", review3, "legal-review");
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "法制审核意见书（PDF）"));
	assert_non_null(strstr(r.body, PENALTY_3));
	itest_response_free(&r);
	get(&r, head.c, "/staff/reviews");
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "法制审核人员"));
	itest_response_free(&r);

	itest_client_free(public_client);
	sx_free(opinion_id);
	sx_free(review1);
	sx_free(review2);
	sx_free(review3);
	sx_free(case_id);
	sx_free(zhang);
	sx_free(wang);
	sx_free(agency);
	session_close(&reviewer2);
	session_close(&admin);
	session_close(&reviewer);
	session_close(&head);
	session_close(&officer);
}

/*
 * The staff forms: a form without the session's CSRF token changes nothing (403), the draft
 * page of a case outside review answers, and the catalog of an agency that published none is
 * the default one (public JSON and page).
 */
static void test_staff_forms_need_the_csrf_token_and_the_default_catalog_is_public(void **state)
{
	struct session officer;
	struct itest_client *public_client = NULL;
	struct itest_response r;
	char body[256], path[128];
	char *agency;

	session_open(&officer, state, "officer2", ITEST_DEMO_PASSWORD);
	agency = agency_of(&officer);

	snprintf(body, sizeof(body), "csrf_token=forged&urgent=1&note=x");
	snprintf(path, sizeof(path), "/staff/cases/%s/reviews", "0000000000000000000000000A");
	assert_int_equal(itest_request(&r, officer.c, "POST", path,
	                               "application/x-www-form-urlencoded", body, strlen(body),
	                               NULL),
	                 0);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/staff/reviews/%s/take", "0000000000000000000000000A");
	assert_int_equal(itest_request(&r, officer.c, "POST", path,
	                               "application/x-www-form-urlencoded", body, strlen(body),
	                               NULL),
	                 0);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);

	/* An officer has no review list: the page says where to go instead. */
	get(&r, officer.c, "/staff/reviews");
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "案件页面"));
	itest_response_free(&r);

	assert_int_equal(itest_client_new(&public_client, *state), 0);
	get(&r, public_client, "/api/v1/agencies/%s/major-catalog", agency);
	ITEST_ASSERT_STATUS(r, 200);
	assert_true(json_is_true(json_object_get(r.json, "is_default")));
	assert_true(json_array_size(json_object_get(r.json, "rules")) > 0);
	itest_response_free(&r);
	get(&r, public_client, "/agencies/%s/major-catalog", agency);
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "平台默认目录"));
	itest_response_free(&r);
	get(&r, public_client, "/api/v1/agencies/%s/major-catalog?version=0", agency);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_version");
	itest_response_free(&r);

	itest_client_free(public_client);
	sx_free(agency);
	session_close(&officer);
}

static int remove_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_a_major_case_is_decided_only_on_an_approved_current_draft),
	        cmocka_unit_test(
	                test_staff_forms_need_the_csrf_token_and_the_default_catalog_is_public),
	};
	const char *args[] = {NULL, NULL, NULL};
	char blob_dir[] = "/tmp/sx-blobs.XXXXXX";
	int rc;

	if (testdb_is_postgresql()) {
		if (mkdtemp(blob_dir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		args[0] = "--blob-dir";
		args[1] = blob_dir;
	}
	rc = ITEST_RUN_GROUP_AS_MAIN("review_path", tests, args);
	if (args[0] != NULL)
		nftw(blob_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
