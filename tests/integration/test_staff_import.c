/*
 * Integration: bulk import from the browser (/staff/import) on a real
 * `sanxiang serve` with the demo data, the request bodies built here the
 * way Chromium builds them (multipart/form-data, CRLF line breaks, a
 * ----WebKitFormBoundary boundary).
 *
 *   - the page: a multipart form with the CSRF token, the file input and the
 *     matters fields, the server's size limit, the columns of both formats;
 *     no session sends it to the login;
 *   - officers_bad_row.csv: 400, nothing imported, the report names row 4
 *     and 身份证号, the form is there again and the file name is shown back;
 *   - officers_ok.csv: 200, "已导入 5 名", the register has 5 more;
 *   - without or with a wrong CSRF token: 403, nothing imported; another
 *     content type: 415; a malformed body: 400;
 *   - a unit head may not import officers: 403 from the service;
 *   - matters_ok.csv as unit head, effective the first of next month: the
 *     demo's version 3 is still pending, so 409 list_pending_exists, shown
 *     with the form and its values kept.
 *
 * Tests run in order against one server; the officers test leaves the five
 * officers of officers_ok.csv registered.
 */
#include "itest.h"

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTML_TYPE "text/html; charset=utf-8"
#define MARKET "示例市市场监督管理局"
#define BOUNDARY "----WebKitFormBoundaryS4nx1angImp0rt"
#define FORM_TYPE "multipart/form-data; boundary=" BOUNDARY

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

/* A client logged in as username; *csrf (sx_free) gets its CSRF token. */
static struct itest_client *staff(void **state, const char *username, char **csrf)
{
	struct itest_client *c = new_client(state);

	assert_int_equal(itest_login(csrf, c, username, ITEST_DEMO_PASSWORD), 0);
	return c;
}

/* Fails unless text[0..len) (NUL-terminated at len) holds needle; shows the page's <main>. */
static void expect_has(const char *text, size_t len, const char *needle)
{
	const char *hit = text ? strstr(text, needle) : NULL;
	const char *from;

	if (hit != NULL && (size_t)(hit - text) < len)
		return;
	from = text ? strstr(text, "<main>") : NULL;
	if (from == NULL)
		from = text ? text : "";
	fail_msg("lacks \"%s\":\n%.3000s", needle, from);
}

static void expect_body_has(const struct itest_response *r, const char *needle)
{
	expect_has(r->body, r->body_len, needle);
}

static char *read_fixture(size_t *len, const char *name)
{
	const char *root = getenv("SANXIANG_TEST_DATA");
	char path[1024];
	FILE *file;
	char *data;
	long size;

	snprintf(path, sizeof(path), "%s/import/%s", root ? root : "tests/data", name);
	file = fopen(path, "rb");
	if (file == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(file, 0, SEEK_END), 0);
	size = ftell(file);
	assert_true(size > 0);
	assert_int_equal(fseek(file, 0, SEEK_SET), 0);
	data = sx_malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, file), (size_t)size);
	data[size] = '\0';
	fclose(file);
	*len = (size_t)size;
	return data;
}

struct form_field {
	const char *name;
	const char *filename; /* NULL: a text field */
	const char *data;
	size_t len;
};

/* The body Chromium sends for fields, into b (the caller buf_free's it). */
static void build_form(struct buf *b, const struct form_field *fields, size_t count)
{
	buf_init(b, (size_t)4 * 1024 * 1024);
	for (size_t i = 0; i < count; i++) {
		const struct form_field *f = &fields[i];

		assert_int_equal(buf_appendf(b,
					     "--" BOUNDARY "\r\n"
					     "Content-Disposition: form-data; name=\"%s\"",
					     f->name),
				 0);
		if (f->filename != NULL)
			assert_int_equal(buf_appendf(b,
						     "; filename=\"%s\"\r\n"
						     "Content-Type: text/csv",
						     f->filename),
					 0);
		assert_int_equal(buf_append_str(b, "\r\n\r\n"), 0);
		assert_int_equal(buf_append(b, f->data, f->len), 0);
		assert_int_equal(buf_append_str(b, "\r\n"), 0);
	}
	assert_int_equal(buf_append_str(b, "--" BOUNDARY "--\r\n"), 0);
}

/* POSTs fields to /staff/import as c. */
static void post_form(struct itest_response *r, struct itest_client *c,
		      const struct form_field *fields, size_t count)
{
	struct buf b;

	build_form(&b, fields, count);
	assert_int_equal(
		itest_request(r, c, "POST", "/staff/import", FORM_TYPE, b.data, b.len, NULL), 0);
	buf_free(&b);
}

/* The part of the page from the report table to its end; fails when there is none. */
static struct itest_slice report_table(const struct itest_response *r)
{
	struct itest_slice s;
	const char *start = strstr(r->body, "import-report");
	const char *end = start ? strstr(start, "</table>") : NULL;

	if (start == NULL || end == NULL)
		fail_msg("no report table:\n%.3000s", r->body);
	s.ptr = start;
	s.len = (size_t)(end - start);
	return s;
}

static void agency_id(char *out, size_t size, struct itest_client *c, const char *name)
{
	struct itest_response r;
	json_t *item;
	size_t i;

	assert_int_equal(itest_get(&r, c, "/api/v1/agencies"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	json_array_foreach(json_object_get(r.json, "agencies"), i, item) {
		if (strcmp(json_string_value(json_object_get(item, "name")), name) == 0) {
			snprintf(out, size, "%s", json_string_value(json_object_get(item, "id")));
			itest_response_free(&r);
			return;
		}
	}
	fail_msg("no agency %s", name);
}

static json_int_t officer_total(struct itest_client *c)
{
	struct itest_response r;
	char id[64], path[256];
	json_int_t n;

	agency_id(id, sizeof(id), c, MARKET);
	snprintf(path, sizeof(path), "/api/v1/officers?agency_id=%s", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	n = json_integer_value(json_object_get(r.json, "total"));
	itest_response_free(&r);
	return n;
}

static void test_the_page_offers_a_multipart_form_and_states_the_size_limit(void **state)
{
	char *csrf = NULL, *value = NULL;
	struct itest_client *head = staff(state, "agency_head", &csrf);
	struct itest_client *anonymous = new_client(state);
	struct itest_response r;
	struct itest_slice form;

	assert_int_equal(itest_get(&r, head, "/staff/import"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	assert_int_equal(itest_html_find_form(&form, r.body, r.body_len, "/staff/import"), 0);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "form", "action",
					      "/staff/import", "enctype"),
			 0);
	assert_string_equal(value, "multipart/form-data");
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "form", "action",
					      "/staff/import", "method"),
			 0);
	assert_string_equal(value, "post");
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "input", "name",
					      "csrf_token", "value"),
			 0);
	assert_string_equal(value, csrf);
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "input", "name", "file",
					      "accept"),
			 0);
	assert_string_equal(value, ".csv,text/csv");
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "input", "name",
					      "effective_from", "type"),
			 0);
	assert_string_equal(value, "date");
	sx_free(value);
	expect_has(form.ptr, form.len, "name=\"summary\"");
	expect_has(form.ptr, form.len, "value=\"officers\"");
	expect_has(form.ptr, form.len, "value=\"matters\"");
	/* The limit (serve's default, 1 MiB), the way for bigger files, the rules, the columns. */
	expect_body_has(&r, "1 MiB（1048576 字节）");
	expect_body_has(&r, "sanxiang import");
	expect_body_has(&r, "全部导入或全不导入");
	expect_body_has(&r, "姓名,执法证号,证件类型,执法领域,有效期起,有效期止,状态,身份证号");
	expect_body_has(&r, "事项编码,事项名称,事项类别,实施依据");
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, anonymous, "/staff/import"), 0);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, anonymous, "/staff/login");
	itest_response_free(&r);

	sx_free(csrf);
	itest_client_free(head);
	itest_client_free(anonymous);
}

/* Leaves the five officers of officers_ok.csv registered. */
static void test_a_bad_row_imports_nothing_and_the_good_file_imports_every_officer(void **state)
{
	char *csrf = NULL;
	struct itest_client *head = staff(state, "agency_head", &csrf);
	struct itest_response r;
	struct itest_slice table, form;
	json_int_t before = officer_total(head);
	size_t len;
	char *csv = read_fixture(&len, "officers_bad_row.csv");
	struct form_field fields[] = {
		{"csrf_token", NULL, csrf, strlen(csrf)},
		{"kind", NULL, "officers", 8},
		{"file", "officers_bad_row.csv", csv, len},
		{"effective_from", NULL, "", 0},
		{"summary", NULL, "", 0},
	};

	post_form(&r, head, fields, 5);
	ITEST_ASSERT_STATUS(r, 400);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "未导入任何记录");
	expect_body_has(&r, "officers_bad_row.csv");
	table = report_table(&r);
	expect_has(table.ptr, table.len, "<td data-label=\"行号\">4</td>");
	expect_has(table.ptr, table.len, "<td data-label=\"列\">身份证号</td>");
	/* One bad row: the other rows are not in the report. */
	assert_null(strstr(table.ptr, "<td data-label=\"行号\">3</td>"));
	/* The form again, to try once more. */
	assert_int_equal(itest_html_find_form(&form, r.body, r.body_len, "/staff/import"), 0);
	itest_response_free(&r);
	sx_free(csv);
	assert_int_equal(officer_total(head), before);

	csv = read_fixture(&len, "officers_ok.csv");
	fields[2].filename = "officers_ok.csv";
	fields[2].data = csv;
	fields[2].len = len;
	post_form(&r, head, fields, 5);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "已导入 5 名执法人员");
	expect_body_has(&r, "officers_ok.csv");
	assert_null(strstr(r.body, "import-report"));
	itest_response_free(&r);
	assert_int_equal(officer_total(head), before + 5);

	/* The same file again: every certificate number is taken now. */
	post_form(&r, head, fields, 5);
	ITEST_ASSERT_STATUS(r, 400);
	table = report_table(&r);
	expect_has(table.ptr, table.len, "执法证号");
	itest_response_free(&r);
	assert_int_equal(officer_total(head), before + 5);

	sx_free(csv);
	sx_free(csrf);
	itest_client_free(head);
}

static void test_without_the_csrf_token_or_as_another_form_nothing_is_imported(void **state)
{
	char *csrf = NULL;
	struct itest_client *head = staff(state, "agency_head", &csrf);
	struct itest_client *anonymous = new_client(state);
	struct itest_response r;
	json_int_t before = officer_total(head);
	static const char csv[] = "姓名,执法证号,证件类型,执法领域,有效期起,有效期止,身份证号\r\n"
				  "周全,ZJ33010020269901,行政执法证,市场监管,2024-01-01,2028-12-31,"
				  "330106198503010064\r\n";
	struct form_field fields[] = {
		{"kind", NULL, "officers", 8},
		{"file", "one.csv", csv, sizeof(csv) - 1},
		{"csrf_token", NULL, "not-the-token", 13},
	};
	static const char bad[] = "--" BOUNDARY "\r\nContent-Disposition: form-data\r\n\r\nx\r\n";

	/* No token at all, then a wrong one. */
	post_form(&r, head, fields, 2);
	ITEST_ASSERT_STATUS(r, 403);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "csrf_failed");
	itest_response_free(&r);
	post_form(&r, head, fields, 3);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);
	assert_int_equal(officer_total(head), before);

	/* Not multipart: 415. Malformed multipart: 400. No session: to the login. */
	assert_int_equal(itest_request(&r, head, "POST", "/staff/import",
				       "application/x-www-form-urlencoded", "kind=officers", 13,
				       NULL),
			 0);
	ITEST_ASSERT_STATUS(r, 415);
	itest_response_free(&r);
	assert_int_equal(itest_request(&r, head, "POST", "/staff/import", FORM_TYPE, bad,
				       sizeof(bad) - 1, NULL),
			 0);
	ITEST_ASSERT_STATUS(r, 400);
	expect_body_has(&r, "上传的表单格式不正确");
	itest_response_free(&r);
	post_form(&r, anonymous, fields, 3);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, anonymous, "/staff/login");
	itest_response_free(&r);
	assert_int_equal(officer_total(head), before);

	sx_free(csrf);
	itest_client_free(head);
	itest_client_free(anonymous);
}

static void test_a_unit_head_may_not_import_officers(void **state)
{
	char *csrf = NULL;
	struct itest_client *unit = staff(state, "unit_head", &csrf);
	struct itest_response r;
	size_t len;
	char *csv = read_fixture(&len, "officers_ok.csv");
	struct form_field fields[] = {
		{"csrf_token", NULL, csrf, strlen(csrf)},
		{"kind", NULL, "officers", 8},
		{"file", "officers_ok.csv", csv, len},
	};

	post_form(&r, unit, fields, 3);
	ITEST_ASSERT_STATUS(r, 403);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "forbidden");
	expect_body_has(&r, "只有机关负责人或系统管理员可以导入执法人员");
	itest_response_free(&r);
	sx_free(csv);
	sx_free(csrf);
	itest_client_free(unit);
}

/* The first day of next month in China's time (UTC+8), as YYYY-MM-DD. */
static void first_of_next_month(char out[11])
{
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;

	assert_non_null(gmtime_r(&now, &tm));
	tm.tm_mon++;
	if (tm.tm_mon == 12) {
		tm.tm_mon = 0;
		tm.tm_year++;
	}
	assert_int_equal(strftime(out, 11, "%Y-%m-01", &tm), 10);
}

static void test_matters_meet_the_pending_version_of_the_demo(void **state)
{
	char *csrf = NULL, *value = NULL;
	struct itest_client *unit = staff(state, "unit_head", &csrf);
	struct itest_response r;
	struct itest_slice form;
	char date[11];
	size_t len;
	char *csv = read_fixture(&len, "matters_ok.csv");
	static const char summary[] = "按权责清单批量调整";
	struct form_field fields[] = {
		{"csrf_token", NULL, csrf, strlen(csrf)},
		{"kind", NULL, "matters", 7},
		{"file", "matters_ok.csv", csv, len},
		{"effective_from", NULL, date, 10},
		{"summary", NULL, summary, sizeof(summary) - 1},
	};

	first_of_next_month(date);
	/* The demo's version 3 is pending: a new one must wait for its decision. */
	post_form(&r, unit, fields, 5);
	ITEST_ASSERT_STATUS(r, 409);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "该机关已有待审核的清单版本");
	expect_body_has(&r, "matters_ok.csv");
	/* The form again, matters chosen and the values kept. */
	assert_int_equal(itest_html_find_form(&form, r.body, r.body_len, "/staff/import"), 0);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "input", "name",
					      "effective_from", "value"),
			 0);
	assert_string_equal(value, date);
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "input", "name",
					      "summary", "value"),
			 0);
	assert_string_equal(value, summary);
	sx_free(value);
	assert_int_equal(itest_html_attribute(&value, form.ptr, form.len, "option", "value",
					      "matters", "selected"),
			 0);
	sx_free(value);
	itest_response_free(&r);

	sx_free(csv);
	sx_free(csrf);
	itest_client_free(unit);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_page_offers_a_multipart_form_and_states_the_size_limit),
		cmocka_unit_test(
			test_a_bad_row_imports_nothing_and_the_good_file_imports_every_officer),
		cmocka_unit_test(
			test_without_the_csrf_token_or_as_another_form_nothing_is_imported),
		cmocka_unit_test(test_a_unit_head_may_not_import_officers),
		cmocka_unit_test(test_matters_meet_the_pending_version_of_the_demo),
	};

	return ITEST_RUN_GROUP_AS_MAIN("staff_import", tests, NULL);
}
