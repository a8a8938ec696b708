/*
 * Integration: one 普通程序 penalty case walked from 立案 to 归档 through a real
 * `sanxiang serve`, as the demo users would (docs/cases.md):
 *
 *   officer       opens the case (matter 330100-SJ-CF-003: 处罚, not major; its
 *                 音像记录 stages 现场检查/调查取证 → investigation, 送达 → service)
 *                 with 张明 and 王芳 of 示例市市场监督管理局 from /api/v1/staff/officers;
 *                 a one-officer 现场检查笔录 → 409 two_officers_required, two → 201;
 *                 leaving investigation without a recording → 409 recording_required;
 *                 a video through the upload API (POST …/uploads, PUT with
 *                 Content-Range) lets it go on; 告知书 in notice;
 *                 the move to decision → 403 agency_head_required
 *   agency_head   decides; the officer makes the 行政处罚决定书 (201, 罚决〔year〕N号 and
 *                 a verification code); the PDF (?reason=) holds the title and 文号
 *                 (pdftotext); the agency head exempts 送达 from recording after the
 *                 move out of service was refused
 *   officer       service → execution → closed with a 结案审批表; archiving → 403
 *   unit_head     archives
 *   supervisor    reads the case: without a reason 400 reason_required, with one 200,
 *                 and finds the reading in GET /api/v1/accesses
 *   the party     reads the decision with the 案号 and the code (no account)
 *   unit_head     GET /api/v1/case-stats counts the case as archived
 *
 * Runs on SQLite and on PostgreSQL (integration.pg.test_case_walk); on
 * PostgreSQL the server needs --blob-dir, made under /tmp as
 * test_evidence_upload does.
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
#include <sys/wait.h>
#include <time.h>

#define MATTER "330100-SJ-CF-003"
#define ZHANG_CERT "33010020260001" /* 张明, the demo user "officer" */
#define WANG_CERT "33010020260003"  /* 王芳, the demo user "unit_head" */
#define MARKET "示例市市场监督管理局"
#define PDFTOTEXT_TIMEOUT_MS 60000

#define INSPECTION_VALUES                                                                       \
	"{\"inspect_start\":\"2026-12-01 09:00\",\"inspect_end\":\"2026-12-01 10:30\","         \
	"\"place\":\"示例市某区某路 1 号仓库\",\"present_person\":\"王某（仓库管理员）\","        \
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","                               \
	"\"findings\":\"仓库内存放超过保质期的饮料 120 瓶。\"}"

#define NOTICE_VALUES                                                                           \
	"{\"facts\":\"当事人销售超过保质期的饮料。\","                                           \
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","                   \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","            \
	"\"penalty_content\":\"没收违法所得 1200 元，罚款 50000 元。\","                        \
	"\"statement_days\":\"5\",\"hearing_days\":\"5\"}"

#define DECISION_VALUES                                                                         \
	"{\"party_address\":\"示例市某区某路 1 号\",\"facts\":\"当事人销售超过保质期的饮料。\","  \
	"\"evidence\":\"现场检查笔录、询问笔录、执法记录仪视频。\","                           \
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","                   \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","            \
	"\"penalty_content\":\"没收违法所得 1200 元，罚款 50000 元。\","                        \
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\","                            \
	"\"litigation_court\":\"示例市某区人民法院\",\"litigation_months\":\"6\"}"

#define REPORT_VALUES                                                                           \
	"{\"case_name\":\"某公司销售过期食品案\",\"party_info\":\"示例市某某超市有限公司\","       \
	"\"investigation\":\"现场检查、询问、调取进货单据。\","                                     \
	"\"facts\":\"当事人销售超过保质期的饮料。\",\"evidence\":\"现场检查笔录、执法记录仪视频。\"," \
	"\"nature\":\"违反《中华人民共和国食品安全法》第三十四条第十项。\","                         \
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","            \
	"\"proposal\":\"没收违法所得 1200 元，罚款 50000 元。\"}"

#define RECEIPT_VALUES                                                                          \
	"{\"document\":\"行政处罚决定书\",\"recipient\":\"王某（公司授权代表）\","                \
	"\"service_place\":\"示例市某区某路 1 号\",\"service_method\":\"直接送达\","             \
	"\"service_time\":\"2026-12-02 10:00\"}"

#define CLOSING_VALUES                                                                          \
	"{\"case_name\":\"某公司销售过期食品案\",\"decision_summary\":\"罚款 50000 元。\","       \
	"\"execution\":\"当事人已缴清罚款。\",\"closing_reason\":\"行政处罚决定执行完毕\","       \
	"\"handler_opinion\":\"建议结案\"}"

/* ---- helpers ------------------------------------------------------------------------------- */

struct session {
	struct itest_client *c;
	char *csrf;
};

static void session_open(struct session *s, void **state, const char *username)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(itest_client_new(&s->c, *state), 0);
	assert_int_equal(itest_login(&s->csrf, s->c, username, ITEST_DEMO_PASSWORD), 0);
}

static void session_close(struct session *s)
{
	itest_client_free(s->c);
	sx_free(s->csrf);
}

/* Sends a JSON body made from fmt with the session's CSRF token. */
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

static void get(struct itest_response *r, struct session *s, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	assert_int_equal(itest_get(r, s->c, path), 0);
}

/* POST /api/v1/cases/:id/move; the answer is left in *r. */
static void try_move(struct itest_response *r, struct session *s, const char *case_id,
		     const char *to)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/move", case_id);
	send_json(r, s, "POST", path, "{\"to\":\"%s\"}", to);
}

static void move(struct session *s, const char *case_id, const char *to)
{
	struct itest_response r;

	try_move(&r, s, case_id, to);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "case"),
							      "stage")),
			    to);
	itest_response_free(&r);
}

/* POST a record; officers may be NULL (no officer_ids). The answer is left in *r. */
static void try_record(struct itest_response *r, struct session *s, const char *case_id,
		       const char *template_code, const char *values, const char *officers)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/cases/%s/records", case_id);
	if (officers)
		send_json(r, s, "POST", path, "{\"template\":\"%s\",\"values\":%s,\"officer_ids\":%s}",
			  template_code, values, officers);
	else
		send_json(r, s, "POST", path, "{\"template\":\"%s\",\"values\":%s}", template_code,
			  values);
}

/* A record that must be made: returns its JSON (json_decref). */
static json_t *record(struct session *s, const char *case_id, const char *template_code,
		      const char *values, const char *officers)
{
	struct itest_response r;
	json_t *rec;

	try_record(&r, s, case_id, template_code, values, officers);
	ITEST_ASSERT_STATUS(r, 201);
	rec = json_incref(json_object_get(r.json, "record"));
	assert_non_null(rec);
	itest_response_free(&r);
	return rec;
}

/* The id of the officer with that certificate number in the staff list, and their agency. */
static char *officer_id(struct session *s, const char *cert_no, const char *name)
{
	struct itest_response r;
	json_t *o;
	size_t i;
	char *id = NULL;

	get(&r, s, "/api/v1/staff/officers?page_size=100");
	ITEST_ASSERT_STATUS(r, 200);
	json_array_foreach(json_object_get(r.json, "officers"), i, o) {
		if (strcmp(json_string_value(json_object_get(o, "cert_no")), cert_no) != 0)
			continue;
		assert_string_equal(json_string_value(json_object_get(o, "name")), name);
		assert_string_equal(json_string_value(json_object_get(o, "agency_name")), MARKET);
		id = sx_strdup(json_string_value(json_object_get(o, "id")));
	}
	itest_response_free(&r);
	assert_non_null(id);
	return id;
}

/* UTC "YYYY-MM-DDTHH:MM:SS.000000Z" of now + offset_s: the form the server parses
 * (sx_time_parse_utc; docs/evidence-upload.md shows it without the fraction). */
static void utc_text(char out[32], long offset_s)
{
	time_t t = time(NULL) + offset_s;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000000Z", &tm) > 0);
}

/* The year in Asia/Shanghai (UTC+8, no daylight saving): the year of a 文号 made today. */
static int shanghai_year(void)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	return tm.tm_year + 1900;
}

/* Uploads a small video of the case's current stage through the resumable upload API,
 * in two PUTs. */
static void upload_video(struct session *s, const char *case_id)
{
	static const char data[] = "ftyp-isom video of the inspection, 0123456789abcdefghijklmnop";
	size_t len = sizeof(data) - 1, half = len / 2;
	struct itest_response r;
	char path[128], start[32], end[32];
	const char *upload_id;
	char *id;

	utc_text(start, -3600);
	utc_text(end, -1800);
	snprintf(path, sizeof(path), "/api/v1/cases/%s/uploads", case_id);
	send_json(&r, s, "POST", path,
		  "{\"kind\":\"video\",\"size\":%zu,\"content_type\":\"video/mp4\","
		  "\"file_name\":\"现场检查.mp4\",\"captured_start\":\"%s\","
		  "\"captured_end\":\"%s\",\"device_id\":\"ZFJLY-0012\","
		  "\"place\":\"示例市某区某路 1 号仓库\",\"lat\":\"30.2741\",\"lon\":\"120.1551\"}",
		  len, start, end);
	ITEST_ASSERT_STATUS(r, 201);
	upload_id = json_string_value(json_object_get(json_object_get(r.json, "upload"), "id"));
	assert_non_null(upload_id);
	id = sx_strdup(upload_id);
	assert_non_null(id);
	itest_response_free(&r);

	assert_int_equal(itest_upload_put(&r, s->c, id, data, 0, half - 1, len, s->csrf), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	assert_int_equal(itest_upload_put(&r, s->c, id, data, half, len - 1, len, s->csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "evidence"),
							      "kind")),
			    "video");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "evidence"),
							      "stage")),
			    "investigation");
	itest_response_free(&r);
	sx_free(id);
}

/* Reads a whole small file into a NUL-terminated string (sx_free). */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0 && len < 16 * 1024 * 1024);
	rewind(f);
	text = sx_malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

/* The text of a PDF, by pdftotext (poppler-utils, installed by scripts/setup). */
static char *pdf_text(void **state, const char *pdf, size_t len)
{
	const char *dir = itest_server_dir(*state);
	char pdf_path[512], text_path[512];
	char *argv[] = {"pdftotext", "-enc", "UTF-8", pdf_path, "-", NULL};
	FILE *f;
	int status = 0;

	snprintf(pdf_path, sizeof(pdf_path), "%s/decision.pdf", dir);
	snprintf(text_path, sizeof(text_path), "%s/decision.txt", dir);
	assert_non_null(f = fopen(pdf_path, "wb"));
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(itest_run_program(&status, argv, NULL, text_path, PDFTOTEXT_TIMEOUT_MS), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return read_file(text_path);
}

/* The count of stage `code` in a /api/v1/case-stats answer. */
static json_int_t stats_stage_count(const json_t *stats, const char *code)
{
	json_t *st;
	size_t i;

	json_array_foreach(json_object_get(stats, "stages"), i, st)
		if (strcmp(json_string_value(json_object_get(st, "stage")), code) == 0)
			return json_integer_value(json_object_get(st, "count"));
	fail_msg("no stage %s in the statistics", code);
	return -1;
}

/* ---- the walk ------------------------------------------------------------------------------ */

static void test_a_penalty_case_walks_from_filing_to_archive(void **state)
{
	struct session officer, head, unit, supervisor, party, reviewer;
	struct itest_response r;
	json_t *inspection, *report, *notice, *decision, *closing, *receipt, *c, *t;
	char *review_id = NULL;
	char *zhang, *wang, *case_id = NULL, *case_no = NULL, *doc_no = NULL, *code = NULL;
	char officers[256], one[128], credit[19], path[512], prefix[64];
	char *escaped_no = NULL, *escaped_code = NULL, *text;
	json_int_t archived_before, total_before;
	bool found;
	size_t i;
	static const char *const walked[] = {"filed",	     "investigation", "examination",
					     "legal_review", "notice",	      "decision",
					     "service",	     "execution",     "closed",
					     "archived"};

	session_open(&officer, state, "officer");
	session_open(&head, state, "agency_head");
	session_open(&unit, state, "unit_head");
	session_open(&supervisor, state, "supervisor");
	session_open(&reviewer, state, "reviewer");
	assert_int_equal(itest_client_new(&party.c, *state), 0);
	party.csrf = NULL;

	/* Statistics before, to compare with at the end; officers see none. */
	get(&r, &officer, "/api/v1/case-stats");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	get(&r, &unit, "/api/v1/case-stats");
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "agency_name")), MARKET);
	archived_before = stats_stage_count(r.json, "archived");
	total_before = json_integer_value(json_object_get(r.json, "total"));
	itest_response_free(&r);

	/* 立案 */
	zhang = officer_id(&officer, ZHANG_CERT, "张明");
	wang = officer_id(&officer, WANG_CERT, "王芳");
	snprintf(officers, sizeof(officers), "[\"%s\",\"%s\"]", zhang, wang);
	snprintf(one, sizeof(one), "[\"%s\"]", zhang);
	snprintf(credit, sizeof(credit), "91330106MA0000002%c",
		 idcheck_credit_code_check_char("91330106MA0000002"));
	send_json(&r, &officer, "POST", "/api/v1/cases",
		  "{\"kind\":\"penalty\",\"procedure\":\"general\",\"matter_code\":\"%s\","
		  "\"cause\":\"涉嫌销售过期食品\",\"party_type\":\"organization\","
		  "\"party_name\":\"示例市某某超市有限公司\",\"party_id_code\":\"%s\","
		  "\"party_address\":\"示例市某区某路 1 号\",\"officer_ids\":%s}",
		  MATTER, credit, officers);
	ITEST_ASSERT_STATUS(r, 201);
	c = json_object_get(r.json, "case");
	assert_string_equal(json_string_value(json_object_get(c, "stage")), "filed");
	assert_false(json_is_true(json_object_get(c, "major")));
	case_id = sx_strdup(json_string_value(json_object_get(c, "id")));
	case_no = sx_strdup(json_string_value(json_object_get(c, "case_no")));
	assert_non_null(case_id);
	assert_non_null(case_no);
	itest_response_free(&r);

	/* 调查取证: the two-officer rule, then the recording gate. */
	move(&officer, case_id, "investigation");
	try_record(&r, &officer, case_id, "onsite_inspection", INSPECTION_VALUES, one);
	ITEST_ASSERT_API_ERROR(r, 409, "two_officers_required");
	itest_response_free(&r);
	inspection = record(&officer, case_id, "onsite_inspection", INSPECTION_VALUES, officers);
	assert_int_equal(json_array_size(json_object_get(inspection, "officers")), 2);
	assert_string_equal(json_string_value(json_object_get(inspection, "doc_no")), "");
	try_move(&r, &officer, case_id, "examination");
	ITEST_ASSERT_API_ERROR(r, 409, "recording_required");
	itest_response_free(&r);
	upload_video(&officer, case_id);
	move(&officer, case_id, "examination");

	/* 法制审核: the demo bureau reviews every general-procedure penalty (its catalog of
	 * major decisions), so no API lets the case past 审查 without a passed review. */
	report = record(&officer, case_id, "investigation_report", REPORT_VALUES, NULL);
	try_move(&r, &officer, case_id, "notice");
	ITEST_ASSERT_API_ERROR(r, 409, "review_required");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/cases/%s/drafts", case_id);
	send_json(&r, &officer, "POST", path,
		  "{\"values\":%s,\"acts\":\"fine confiscate\",\"fine_fen\":5000000,"
		  "\"confiscation_fen\":120000,\"note\":\"拟处罚意见\"}",
		  DECISION_VALUES);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	move(&officer, case_id, "legal_review");
	snprintf(path, sizeof(path), "/api/v1/cases/%s/reviews", case_id);
	send_json(&r, &officer, "POST", path, "{\"urgent\":false,\"note\":\"请予审核\"}");
	ITEST_ASSERT_STATUS(r, 201);
	review_id = sx_strdup(json_string_value(
		json_object_get(json_object_get(r.json, "review"), "id")));
	assert_non_null(review_id);
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/reviews/%s/conclude", review_id);
	send_json(&r, &reviewer, "POST", path,
		  "{\"checklist\":[{\"item\":\"subject\",\"passed\":true},"
		  "{\"item\":\"qualification\",\"passed\":true},"
		  "{\"item\":\"procedure\",\"passed\":true},{\"item\":\"facts\",\"passed\":true},"
		  "{\"item\":\"evidence\",\"passed\":true},{\"item\":\"law\",\"passed\":true},"
		  "{\"item\":\"discretion\",\"passed\":true},"
		  "{\"item\":\"authority\",\"passed\":true},"
		  "{\"item\":\"documents\",\"passed\":true},{\"item\":\"crime\",\"passed\":true}],"
		  "\"conclusion\":\"approve\",\"opinion\":\"同意。\"}");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	get(&r, &officer, "/api/v1/cases/%s", case_id);
	ITEST_ASSERT_STATUS(r, 200);
	c = json_object_get(json_object_get(r.json, "case"), "review");
	assert_true(json_is_true(json_object_get(c, "major")));
	assert_true(json_is_true(json_object_get(c, "review_passed")));
	itest_response_free(&r);

	/* 告知 */
	move(&officer, case_id, "notice");
	notice = record(&officer, case_id, "penalty_notice", NOTICE_VALUES, NULL);
	assert_true(json_is_true(json_object_get(notice, "served")));

	/* 决定: the agency head's alone. */
	try_move(&r, &officer, case_id, "decision");
	ITEST_ASSERT_API_ERROR(r, 403, "agency_head_required");
	itest_response_free(&r);
	move(&head, case_id, "decision");
	decision = record(&officer, case_id, "penalty_decision", DECISION_VALUES, NULL);
	doc_no = sx_strdup(json_string_value(json_object_get(decision, "doc_no")));
	code = sx_strdup(json_string_value(json_object_get(decision, "verify_code")));
	assert_non_null(doc_no);
	assert_non_null(code);
	assert_int_equal(strlen(code), 12);
	snprintf(prefix, sizeof(prefix), "罚决〔%d〕", shanghai_year());
	assert_non_null(strstr(doc_no, prefix));
	assert_true(strlen(doc_no) > strlen("号") &&
		    strcmp(doc_no + strlen(doc_no) - strlen("号"), "号") == 0);

	/* The PDF, read by the agency head (not on the case: a reason is needed). */
	get(&r, &head, "/api/v1/records/%s/pdf",
	    json_string_value(json_object_get(decision, "id")));
	ITEST_ASSERT_API_ERROR(r, 400, "reason_required");
	itest_response_free(&r);
	get(&r, &head, "/api/v1/records/%s/pdf?reason=%s",
	    json_string_value(json_object_get(decision, "id")), "sign");
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/pdf");
	assert_true(r.body_len > 1000);
	text = pdf_text(state, r.body, r.body_len);
	itest_response_free(&r);
	if (!strstr(text, "行政处罚决定书") || !strstr(text, doc_no))
		fail_msg("the PDF's text lacks the title or %s:\n%s", doc_no, text);
	sx_free(text);

	/* 送达: the recording gate again, met this time by the agency head's exemption. */
	move(&officer, case_id, "service");
	receipt = record(&officer, case_id, "service_receipt", RECEIPT_VALUES, officers);
	try_move(&r, &officer, case_id, "execution");
	ITEST_ASSERT_API_ERROR(r, 409, "recording_required");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/cases/%s/exemptions", case_id);
	send_json(&r, &officer, "POST", path,
		  "{\"stage\":\"service\",\"reason\":\"执法记录仪电量耗尽，已由当事人签收送达回证\"}");
	ITEST_ASSERT_API_ERROR(r, 403, "agency_head_required");
	itest_response_free(&r);
	send_json(&r, &head, "POST", path,
		  "{\"stage\":\"service\",\"reason\":\"执法记录仪电量耗尽，已由当事人签收送达回证\"}");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	/* 执行 → 结案 → 归档 */
	move(&officer, case_id, "execution");
	move(&officer, case_id, "closed");
	closing = record(&officer, case_id, "case_closing", CLOSING_VALUES, NULL);
	assert_string_equal(json_string_value(json_object_get(closing, "stage")), "closed");
	try_move(&r, &officer, case_id, "archived");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	move(&unit, case_id, "archived");

	/* The case file: every move in order, each from the stage before. */
	get(&r, &officer, "/api/v1/cases/%s", case_id);
	ITEST_ASSERT_STATUS(r, 200);
	c = json_object_get(r.json, "case");
	assert_string_equal(json_string_value(json_object_get(c, "stage")), "archived");
	assert_true(json_string_length(json_object_get(c, "archived_on")) == 10);
	assert_int_equal(json_array_size(json_object_get(c, "transitions")),
			 sizeof(walked) / sizeof(walked[0]));
	json_array_foreach(json_object_get(c, "transitions"), i, t) {
		assert_int_equal(json_integer_value(json_object_get(t, "seq")), (json_int_t)i + 1);
		assert_string_equal(json_string_value(json_object_get(t, "to")), walked[i]);
		assert_string_equal(json_string_value(json_object_get(t, "from")),
				    i == 0 ? "" : walked[i - 1]);
	}
	/* 现场检查笔录, 调查终结报告, 法制审核意见书, 告知书, 决定书, 送达回证, 结案审批表 */
	assert_int_equal(json_array_size(json_object_get(c, "records")), 7);
	assert_int_equal(json_array_size(json_object_get(c, "evidence")), 1);
	assert_int_equal(json_array_size(json_object_get(c, "exemptions")), 1);
	itest_response_free(&r);

	/* 调阅 by the supervisor: a reason is required, and the reading is logged. */
	get(&r, &supervisor, "/api/v1/cases/%s", case_id);
	ITEST_ASSERT_API_ERROR(r, 400, "reason_required");
	itest_response_free(&r);
	get(&r, &supervisor, "/api/v1/cases/%s?reason=%s", case_id, "audit-2026");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	get(&r, &supervisor, "/api/v1/accesses");
	ITEST_ASSERT_STATUS(r, 200);
	found = false;
	json_array_foreach(json_object_get(r.json, "accesses"), i, t)
		if (strcmp(json_string_value(json_object_get(t, "case_id")), case_id) == 0 &&
		    strcmp(json_string_value(json_object_get(t, "reason")), "audit-2026") == 0 &&
		    strcmp(json_string_value(json_object_get(t, "actor_name")), "吴监督") == 0)
			found = true;
	assert_true(found);
	itest_response_free(&r);

	/* The party, with the 案号 and the decision's code, without an account. */
	assert_int_equal(itest_form_escape(&escaped_no, party.c, case_no), 0);
	assert_int_equal(itest_form_escape(&escaped_code, party.c, code), 0);
	get(&r, &party, "/api/v1/party/documents?case_no=%s&code=%s", escaped_no, escaped_code);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "case_no")), case_no);
	found = false;
	json_array_foreach(json_object_get(r.json, "documents"), i, t)
		if (strcmp(json_string_value(json_object_get(t, "doc_no")), doc_no) == 0)
			found = true;
	assert_true(found);
	itest_response_free(&r);

	/* The same through the public page (code in the POST body, never a URL), then the
	 * decision as PDF; a wrong code gets the same 404 as a wrong number. */
	{
		char form[1024];
		const char *pdf_form;

		snprintf(form, sizeof(form), "case_no=%s&code=%s", escaped_no, escaped_code);
		assert_int_equal(itest_request(&r, party.c, "POST", "/party",
					       "application/x-www-form-urlencoded", form, strlen(form),
					       NULL),
				 0);
		ITEST_ASSERT_STATUS(r, 200);
		assert_non_null(strstr(r.body, "行政处罚决定书"));
		assert_non_null(strstr(r.body, doc_no));
		pdf_form = strstr(r.body, "name=\"record_id\" value=\"");
		assert_non_null(pdf_form);
		{
			char record_id[32] = "";

			sscanf(pdf_form + strlen("name=\"record_id\" value=\""), "%26[0-9A-Z]",
			       record_id);
			itest_response_free(&r);
			snprintf(form, sizeof(form), "case_no=%s&code=%s&record_id=%s", escaped_no,
				 escaped_code, record_id);
			assert_int_equal(itest_request(&r, party.c, "POST", "/party/pdf",
						       "application/x-www-form-urlencoded", form,
						       strlen(form), NULL),
					 0);
			ITEST_ASSERT_STATUS(r, 200);
			assert_true(r.body_len > 5 && memcmp(r.body, "%PDF-", 5) == 0);
			itest_response_free(&r);
		}
		snprintf(form, sizeof(form), "case_no=%s&code=ZZZZZZZZZZZZ", escaped_no);
		assert_int_equal(itest_request(&r, party.c, "POST", "/party",
					       "application/x-www-form-urlencoded", form, strlen(form),
					       NULL),
				 0);
		ITEST_ASSERT_STATUS(r, 404);
		assert_non_null(strstr(r.body, "案号或查验码不正确"));
		itest_response_free(&r);
	}

	/* The statistics count the case as archived. */
	get(&r, &unit, "/api/v1/case-stats");
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(stats_stage_count(r.json, "archived"), archived_before + 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), total_before + 1);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(r.json, "missing_recordings"), "cases")),
			 0);
	itest_response_free(&r);

	json_decref(inspection);
	json_decref(report);
	sx_free(review_id);
	json_decref(notice);
	json_decref(decision);
	json_decref(receipt);
	json_decref(closing);
	sx_free(escaped_no);
	sx_free(escaped_code);
	sx_free(doc_no);
	sx_free(code);
	sx_free(case_no);
	sx_free(case_id);
	sx_free(zhang);
	sx_free(wang);
	itest_client_free(party.c);
	session_close(&supervisor);
	session_close(&reviewer);
	session_close(&unit);
	session_close(&head);
	session_close(&officer);
}

/* ---- main ---------------------------------------------------------------------------------- */

/*
 * The settings around the case file: the agency head sets the agency's 文书简称 and the next
 * case number carries it; an admin sets the retention policy (one below the legal minimum is
 * refused), reads the retention report, and cannot delete evidence of a case not archived;
 * an officer may do none of it.
 */
static void test_settings_retention_and_deletion_follow_the_rules(void **state)
{
	struct session officer, head, admin;
	struct itest_response r;
	char path[160], officers[128], credit[19];
	char *zhang, *wang, *case_id, *evidence_id;
	json_t *c, *ev;
	size_t i;

	session_open(&officer, state, "officer");
	session_open(&head, state, "agency_head");
	session_open(&admin, state, "admin");

	/* 文书简称 */
	get(&r, &head, "/api/v1/session");
	ITEST_ASSERT_STATUS(r, 200);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/case-settings",
		 json_string_value(json_object_get(json_object_get(r.json, "user"), "agency_id")));
	itest_response_free(&r);
	send_json(&r, &officer, "POST", path, "{\"doc_prefix\":\"示市监\"}");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	send_json(&r, &head, "POST", path, "{\"doc_prefix\":\"示市监\",\"x\":1}");
	ITEST_ASSERT_API_ERROR(r, 400, "unknown_field");
	itest_response_free(&r);
	send_json(&r, &head, "POST", path, "{\"doc_prefix\":\"示市监\"}");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	zhang = officer_id(&officer, ZHANG_CERT, "张明");
	wang = officer_id(&officer, WANG_CERT, "王芳");
	snprintf(officers, sizeof(officers), "[\"%s\",\"%s\"]", zhang, wang);
	snprintf(credit, sizeof(credit), "91330106MA0000003%c",
		 idcheck_credit_code_check_char("91330106MA0000003"));
	send_json(&r, &officer, "POST", "/api/v1/cases",
		  "{\"kind\":\"penalty\",\"matter_code\":\"%s\",\"cause\":\"案由\","
		  "\"party_type\":\"organization\",\"party_name\":\"某公司\","
		  "\"party_id_code\":\"%s\",\"officer_ids\":%s}",
		  MATTER, credit, officers);
	ITEST_ASSERT_STATUS(r, 201);
	c = json_object_get(r.json, "case");
	assert_non_null(strstr(json_string_value(json_object_get(c, "case_no")), "示市监案〔"));
	case_id = sx_strdup(json_string_value(json_object_get(c, "id")));
	itest_response_free(&r);
	move(&officer, case_id, "investigation");
	upload_video(&officer, case_id);

	/* Retention */
	send_json(&r, &officer, "POST", "/api/v1/retention-policy", "{\"policy\":\"video=1095\"}");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	send_json(&r, &admin, "POST", "/api/v1/retention-policy", "{\"policy\":\"video=100\"}");
	ITEST_ASSERT_API_ERROR(r, 400, "retention_too_short");
	itest_response_free(&r);
	send_json(&r, &admin, "POST", "/api/v1/retention-policy",
		  "{\"policy\":\"video=1461,audio=1095,photo=0,file=0,case_file=10958\"}");
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "video_days")), 1461);
	itest_response_free(&r);
	get(&r, &admin, "/api/v1/retention-report");
	ITEST_ASSERT_STATUS(r, 200);
	assert_true(json_integer_value(json_object_get(json_object_get(r.json, "counts"),
						       "kept_not_archived")) >= 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "counts"),
							    "deletable")),
			 0);
	itest_response_free(&r);
	get(&r, &officer, "/api/v1/retention-report");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);

	/* Deletion before the period: refused, and the file still downloads. */
	get(&r, &officer, "/api/v1/cases/%s", case_id);
	ITEST_ASSERT_STATUS(r, 200);
	evidence_id = NULL;
	json_array_foreach(json_object_get(json_object_get(r.json, "case"), "evidence"), i, ev)
		evidence_id = sx_strdup(json_string_value(json_object_get(ev, "id")));
	assert_non_null(evidence_id);
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/evidence/%s/delete", evidence_id);
	send_json(&r, &head, "POST", path, "{\"reason\":\"到期\"}");
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	send_json(&r, &admin, "POST", path, "{\"reason\":\"到期\"}");
	ITEST_ASSERT_API_ERROR(r, 409, "case_not_archived");
	itest_response_free(&r);
	get(&r, &officer, "/api/v1/evidence/%s/content", evidence_id);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	sx_free(zhang);
	sx_free(wang);
	sx_free(case_id);
	sx_free(evidence_id);
	session_close(&officer);
	session_close(&head);
	session_close(&admin);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_penalty_case_walks_from_filing_to_archive),
		cmocka_unit_test(test_settings_retention_and_deletion_follow_the_rules),
	};
	const char *args[] = {NULL, NULL, NULL};
	char blob_dir[] = "/tmp/sx-blobs.XXXXXX";
	int rc;

	/* A DSN names no directory for the default <db dir>/blobs. */
	if (testdb_is_postgresql()) {
		if (mkdtemp(blob_dir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		args[0] = "--blob-dir";
		args[1] = blob_dir;
	}
	rc = ITEST_RUN_GROUP_AS_MAIN("case_walk", tests, args);
	if (args[0] != NULL)
		nftw(blob_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
