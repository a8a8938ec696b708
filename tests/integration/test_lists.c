/*
 * Integration: the public lists (事前公开) and their review on a real
 * `sanxiang serve` with the demo data. The 示例市市场监督管理局 starts with
 * versions 1 and 2 approved (2 in force) and version 3 pending.
 *
 *   - the public pages and JSON of the list in force, one matter with its
 *     flowchart (SVG), 随机抽查, 裁量基准, 音像记录 and 历史版本 with a diff;
 *   - a pending version is invisible to the public (404, as a number never
 *     used) and visible to staff of the agency, until the agency head approves
 *     it; the submitter cannot approve, nor can an officer; writes need the
 *     CSRF header;
 *   - a version submitted and approved through the API: dated no earlier
 *     than the latest approved one, and its diff names the changed line;
 *   - a rejection through the staff page's form;
 *   - CSV imports over HTTP: one bad row imports nothing and answers 422 with
 *     a per-row report; the good file imports every officer.
 *
 * Tests run in order against one server; each says what state it leaves.
 */
#include "itest.h"

#include "base/error.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_TYPE "text/html; charset=utf-8"
#define MARKET "示例市市场监督管理局"

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static void expect_body_has(const struct itest_response *r, const char *needle)
{
	if (r->body == NULL || strstr(r->body, needle) == NULL)
		fail_msg("body lacks \"%s\":\n%.2000s", needle, r->body ? r->body : "");
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

/* A client logged in as username; *csrf (sx_free) gets its CSRF token. */
static struct itest_client *staff(void **state, const char *username, char **csrf)
{
	struct itest_client *c = new_client(state);

	assert_int_equal(itest_login(csrf, c, username, ITEST_DEMO_PASSWORD), 0);
	return c;
}

static long get_status(struct itest_client *c, const char *path)
{
	struct itest_response r;
	long status;

	assert_int_equal(itest_get(&r, c, path), 0);
	status = r.status;
	itest_response_free(&r);
	return status;
}

static void test_the_public_sees_the_list_in_force_with_its_parts(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char id[64], path[256], code[64];
	json_t *matters;

	agency_id(id, sizeof(id), c, MARKET);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "version"),
							    "version")),
			 2);
	matters = json_object_get(r.json, "matters");
	assert_true(json_array_size(matters) > 5);
	snprintf(code, sizeof(code), "%s",
		 json_string_value(json_object_get(json_array_get(matters, 0), "code")));
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/agencies/%s/matters", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "第 2 版");
	expect_body_has(&r, code);
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/agencies/%s/matters/%s", id, code);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "实施依据");
	expect_body_has(&r, "flowchart.svg");
	expect_body_has(&r, "申请行政复议");
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/agencies/%s/matters/%s/flowchart.svg", id, code);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "image/svg+xml");
	expect_body_has(&r, "<svg");
	expect_body_has(&r, "开始");
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/agencies/%s/random-inspection", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "随机抽查");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/agencies/%s/discretion", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "从轻处罚");
	expect_body_has(&r, " 元");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/agencies/%s/av-list", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "全过程");
	itest_response_free(&r);

	/* 历史版本: versions 2 and 1 with links to their diffs; not 3. */
	snprintf(path, sizeof(path), "/agencies/%s/versions", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	{
		char link[128];

		snprintf(link, sizeof(link), "/agencies/%s/versions/1", id);
		expect_body_has(&r, link);
		snprintf(link, sizeof(link), "/agencies/%s/versions/3", id);
		assert_null(strstr(r.body, link));
	}
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/agencies/%s/versions/2", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "第 1 版</a>相比");
	expect_body_has(&r, "<ins>");
	itest_response_free(&r);

	/* Bad parameters are 400 with a code, an unknown agency 404. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters?version=abc", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_version");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters?view=everything", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_view");
	itest_response_free(&r);
	assert_int_equal(get_status(c, "/agencies/01J0000000000000000000NONE/matters"), 404);
	itest_client_free(c);
}

/* Leaves version 3 approved (effective the first of next month). */
static void test_a_pending_version_is_public_only_once_the_agency_head_approves_it(void **state)
{
	struct itest_client *pub = new_client(state);
	char *unit_csrf = NULL, *head_csrf = NULL, *officer_csrf = NULL;
	struct itest_client *unit = staff(state, "unit_head", &unit_csrf);
	struct itest_client *head = staff(state, "agency_head", &head_csrf);
	struct itest_client *officer = staff(state, "officer", &officer_csrf);
	struct itest_response r;
	char id[64], path[256];

	agency_id(id, sizeof(id), pub, MARKET);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/3", id);
	assert_int_equal(itest_get(&r, pub, path), 0);
	ITEST_ASSERT_API_ERROR(r, 404, "list_version_not_found");
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/agencies/%s/versions/3", id);
	assert_int_equal(get_status(pub, path), 404);
	snprintf(path, sizeof(path), "/agencies/%s/matters?version=3", id);
	assert_int_equal(get_status(pub, path), 404);
	/* Staff of the agency see it. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/3", id);
	assert_int_equal(itest_get(&r, unit, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "version"),
							      "status")),
			    "pending");
	itest_response_free(&r);

	/* Without the CSRF header, as the submitter, and as an officer: refused. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/3/approve", id);
	assert_int_equal(itest_send_json(&r, head, "POST", path, "{}", NULL), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, unit, "POST", path, "{}", unit_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, officer, "POST", path, "{}", officer_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);

	assert_int_equal(itest_send_json(&r, head, "POST", path, "{\"note\":\"同意\"}", head_csrf),
			 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "version"),
							      "status")),
			    "approved");
	assert_true(json_is_integer(json_object_get(json_object_get(r.json, "version"),
						    "ledger_index")));
	itest_response_free(&r);
	/* Decided once. */
	assert_int_equal(itest_send_json(&r, head, "POST", path, "{}", head_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 409, "list_version_decided");
	itest_response_free(&r);

	/* Now public, as 即将生效; version 2 stays in force until then. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/3", id);
	assert_int_equal(itest_get(&r, pub, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "version"), "upcoming")));
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters", id);
	assert_int_equal(itest_get(&r, pub, path), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "version"),
							    "version")),
			 2);
	itest_response_free(&r);

	sx_free(unit_csrf);
	sx_free(head_csrf);
	sx_free(officer_csrf);
	itest_client_free(pub);
	itest_client_free(unit);
	itest_client_free(head);
	itest_client_free(officer);
}

/* The effective date of version n as the public sees it (copied into out). */
static void effective_of(char out[11], struct itest_client *c, const char *id, int n)
{
	struct itest_response r;
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/%d", id, n);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	snprintf(out, 11, "%s",
		 json_string_value(json_object_get(json_object_get(r.json, "version"),
						   "effective_from")));
	itest_response_free(&r);
}

/* Leaves version 4 approved, effective with version 3 (the first of next month). */
static void test_a_version_submitted_and_approved_through_the_api_shows_its_diff(void **state)
{
	struct itest_client *pub = new_client(state);
	char *unit_csrf = NULL, *head_csrf = NULL;
	struct itest_client *unit = staff(state, "unit_head", &unit_csrf);
	struct itest_client *head = staff(state, "agency_head", &head_csrf);
	struct itest_response r;
	char id[64], path[256], date[11];
	json_t *matters, *body;
	char *text;

	agency_id(id, sizeof(id), pub, MARKET);
	/* Not before the latest approved version's date: version 3's. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions", id);
	assert_int_equal(itest_send_json(&r, unit, "POST", path,
					 "{\"effective_from\":\"2020-01-01\",\"summary\":\"x\","
					 "\"matters\":[]}",
					 unit_csrf),
			 0);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_date");
	itest_response_free(&r);
	effective_of(date, pub, id, 3);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters?version=3", id);
	assert_int_equal(itest_get(&r, pub, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	matters = json_deep_copy(json_object_get(r.json, "matters"));
	itest_response_free(&r);
	json_object_set_new(json_array_get(matters, 0), "name",
			    json_string("经集体讨论改名后的事项名称"));
	body = json_pack("{s:s,s:s,s:o}", "effective_from", date, "summary", "调整事项名称",
			 "matters", matters);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);

	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions", id);
	assert_int_equal(itest_send_json(&r, unit, "POST", path, text, unit_csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "version"),
							    "version")),
			 4);
	itest_response_free(&r);
	/* One pending version at a time. */
	assert_int_equal(itest_send_json(&r, unit, "POST", path, text, unit_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 409, "list_pending_exists");
	itest_response_free(&r);
	free(text);
	/* A malformed matter is refused with the field named. */
	assert_int_equal(itest_send_json(&r, unit, "POST", path,
					 "{\"effective_from\":\"2099-01-01\",\"summary\":\"x\","
					 "\"matters\":[{\"code\":\"A\",\"colour\":\"red\"}]}",
					 unit_csrf),
			 0);
	ITEST_ASSERT_API_ERROR(r, 400, "unknown_field");
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/4", id);
	assert_int_equal(get_status(pub, path), 404);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/4/approve", id);
	assert_int_equal(itest_send_json(&r, head, "POST", path, NULL, head_csrf), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/4", id);
	assert_int_equal(itest_get(&r, pub, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	{
		json_t *diff = json_object_get(r.json, "diff");

		assert_int_equal(json_integer_value(json_object_get(diff, "from")), 3);
		assert_int_equal(json_integer_value(json_object_get(diff, "changed")), 1);
		assert_int_equal(json_integer_value(json_object_get(diff, "added")), 0);
	}
	assert_non_null(strstr(r.body, "经集体讨论改名后的事项名称"));
	itest_response_free(&r);

	sx_free(unit_csrf);
	sx_free(head_csrf);
	itest_client_free(pub);
	itest_client_free(unit);
	itest_client_free(head);
}

/* Leaves version 5 rejected. */
static void test_the_staff_page_rejects_a_version_with_a_reason(void **state)
{
	char *unit_csrf = NULL, *head_csrf = NULL;
	struct itest_client *unit = staff(state, "unit_head", &unit_csrf);
	struct itest_client *head = staff(state, "agency_head", &head_csrf);
	struct itest_response r;
	struct itest_slice form;
	char id[64], path[256], date[11], body[256];
	char *text, *escaped = NULL;
	json_t *matters, *req;

	agency_id(id, sizeof(id), unit, MARKET);
	effective_of(date, unit, id, 4);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/matters", id);
	assert_int_equal(itest_get(&r, unit, path), 0);
	matters = json_deep_copy(json_object_get(r.json, "matters"));
	itest_response_free(&r);
	req = json_pack("{s:s,s:s,s:o}", "effective_from", date, "summary", "待退回的版本",
			"matters", matters);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions", id);
	assert_int_equal(itest_send_json(&r, unit, "POST", path, text, unit_csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	free(text);

	assert_int_equal(itest_get(&r, head, "/staff/lists"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "待退回的版本");
	assert_int_equal(itest_html_find_form(&form, r.body, r.body_len, "/staff/lists/5/reject"),
			 0);
	itest_response_free(&r);
	/* The unit head sees the list but no decision forms. */
	assert_int_equal(itest_get(&r, unit, "/staff/lists"), 0);
	assert_int_not_equal(itest_html_find_form(&form, r.body, r.body_len,
						  "/staff/lists/5/reject"),
			     0);
	itest_response_free(&r);

	assert_int_equal(itest_form_escape(&escaped, head, head_csrf), 0);
	snprintf(body, sizeof(body), "csrf_token=%s&note=%%E8%%AF%%B7%%E8%%A1%%A5%%E5%%85%%85",
		 escaped);
	sx_free(escaped);
	assert_int_equal(itest_request(&r, head, "POST", "/staff/lists/5/reject",
				       "application/x-www-form-urlencoded", body, strlen(body), NULL),
			 0);
	ITEST_ASSERT_STATUS(r, 303);
	itest_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/list-versions/5", id);
	assert_int_equal(itest_get(&r, unit, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "version"),
							      "status")),
			    "rejected");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "version"),
							      "decision_note")),
			    "请补充");
	itest_response_free(&r);

	sx_free(unit_csrf);
	sx_free(head_csrf);
	itest_client_free(unit);
	itest_client_free(head);
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
	assert_int_equal(fseek(file, 0, SEEK_SET), 0);
	data = sx_malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, file), (size_t)size);
	data[size] = '\0';
	fclose(file);
	*len = (size_t)size;
	return data;
}

static json_int_t officer_total(struct itest_client *c, const char *id)
{
	struct itest_response r;
	char path[256];
	json_int_t n;

	snprintf(path, sizeof(path), "/api/v1/officers?agency_id=%s", id);
	assert_int_equal(itest_get(&r, c, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	n = json_integer_value(json_object_get(r.json, "total"));
	itest_response_free(&r);
	return n;
}

/* Leaves the five officers of officers_ok.csv registered. */
static void test_an_import_with_one_bad_row_imports_nothing_and_says_which_row(void **state)
{
	char *head_csrf = NULL;
	struct itest_client *head = staff(state, "agency_head", &head_csrf);
	struct itest_response r;
	char id[64], path[256], header[160];
	const char *headers[2] = {header, NULL};
	json_t *errors;
	size_t len;
	char *bad = read_fixture(&len, "officers_bad_row.csv");
	json_int_t before;

	agency_id(id, sizeof(id), head, MARKET);
	before = officer_total(head, id);
	snprintf(header, sizeof(header), "X-CSRF-Token: %s", head_csrf);
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/officers/import", id);
	assert_int_equal(itest_request(&r, head, "POST", path, "text/csv", bad, len, headers), 0);
	ITEST_ASSERT_API_ERROR(r, 400, "import_rejected");
	errors = json_object_get(json_object_get(r.json, "report"), "errors");
	assert_int_equal(json_array_size(errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "row")), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "column")),
			    "身份证号");
	itest_response_free(&r);
	sx_free(bad);
	assert_int_equal(officer_total(head, id), before);

	bad = read_fixture(&len, "officers_ok.csv");
	assert_int_equal(itest_request(&r, head, "POST", path, "text/csv", bad, len, headers), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "imported")), 5);
	itest_response_free(&r);
	assert_int_equal(officer_total(head, id), before + 5);
	/* Not a CSV content type. */
	assert_int_equal(itest_request(&r, head, "POST", path, "application/json", bad, len,
				       headers),
			 0);
	ITEST_ASSERT_API_ERROR(r, 415, "unsupported");
	itest_response_free(&r);
	sx_free(bad);
	sx_free(head_csrf);
	itest_client_free(head);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_public_sees_the_list_in_force_with_its_parts),
		cmocka_unit_test(
			test_a_pending_version_is_public_only_once_the_agency_head_approves_it),
		cmocka_unit_test(
			test_a_version_submitted_and_approved_through_the_api_shows_its_diff),
		cmocka_unit_test(test_the_staff_page_rejects_a_version_with_a_reason),
		cmocka_unit_test(test_an_import_with_one_bad_row_imports_nothing_and_says_which_row),
	};

	return ITEST_RUN_GROUP_AS_MAIN("lists", tests, NULL);
}
