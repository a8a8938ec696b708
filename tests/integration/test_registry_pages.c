/*
 * Integration: the public registry (事前公开) on a real `sanxiang serve` with
 * the demo data, without logging in.
 *
 *   GET /api/v1/agencies, /agencies          the three 示例市 agencies, linked
 *   GET /api/v1/agencies/:id, /agencies/:id  every public field (duties,
 *                                            address, phone, complaint channel
 *                                            with the national hotline), links
 *                                            to the agency's officers and 亮证;
 *                                            404 not_found for unknown ids
 *   GET /api/v1/officers, /officers          search by name and by 证号 prefix,
 *                                            agency filter, paging and its
 *                                            links, credential states; 400
 *                                            bad_query / bad_page; 404 for an
 *                                            unknown agency; a search term
 *                                            like <script> comes back escaped
 *
 * The ID numbers (身份证号) of the demo officers must never leave the server:
 * every response of this file is searched for the 17-digit prefixes from
 * src/service/demo.c.
 *
 * The demo's validity dates make the states below true between 2026-01-01
 * and 2028-12-31 (Asia/Shanghai).
 */
#include "itest.h"

#include "base/error.h"
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define HTML_TYPE "text/html; charset=utf-8"
#define JSON_TYPE "application/json; charset=utf-8"

static const char *const demo_id_prefixes[] = {
        "33010619850312001", "33010219880705002", "33010519900101004",
        "33010619791120003", "33010419870415006", "33010819920808005",
};

/* ---- helpers ------------------------------------------------------------------------------- */

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static bool contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i + n <= len; i++) {
		if (memcmp(hay + i, needle, n) == 0)
			return true;
	}
	return false;
}

/* GET path; every answer of this file goes through here and is searched for ID numbers. */
static void fetch(struct itest_response *out, struct itest_client *c, const char *path)
{
	assert_int_equal(itest_get(out, c, path), 0);
	for (size_t i = 0; i < ARRAY_LEN(demo_id_prefixes); i++) {
		if (contains(out->body, out->body_len, demo_id_prefixes[i]))
			fail_msg("%s: the body holds ID number prefix %s", path,
			         demo_id_prefixes[i]);
		for (size_t h = 0; h < out->header_count; h++) {
			const char *v = out->headers[h].value;

			if (contains(v, strlen(v), demo_id_prefixes[i]))
				fail_msg("%s: header %s holds an ID number prefix", path,
				         out->headers[h].name);
		}
	}
}

static void expect_body_has(const struct itest_response *r, const char *needle)
{
	if (!contains(r->body, r->body_len, needle))
		fail_msg("body lacks \"%s\":\n%s", needle, r->body);
}

static void expect_body_lacks(const struct itest_response *r, const char *needle)
{
	if (contains(r->body, r->body_len, needle))
		fail_msg("body holds \"%s\":\n%s", needle, r->body);
}

/* The id of the demo agency called name, from the API (copied into out). */
static void agency_id(char *out, size_t size, struct itest_client *c, const char *name)
{
	struct itest_response r;
	json_t *list, *item;
	size_t i;

	fetch(&r, c, "/api/v1/agencies");
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "agencies");
	assert_true(json_is_array(list));
	json_array_foreach(list, i, item) {
		if (strcmp(json_string_value(json_object_get(item, "name")), name) == 0) {
			snprintf(out, size, "%s", json_string_value(json_object_get(item, "id")));
			itest_response_free(&r);
			return;
		}
	}
	fail_msg("no agency %s", name);
}

/* The certificate numbers of an officer list answer joined by ','. */
static void certs_of(char *out, size_t size, const struct itest_response *r)
{
	json_t *list = json_object_get(r->json, "officers"), *item;
	size_t i, used = 0;

	assert_true(json_is_array(list));
	out[0] = '\0';
	json_array_foreach(list, i, item) {
		int w = snprintf(out + used, size - used, "%s%s", i ? "," : "",
		                 json_string_value(json_object_get(item, "cert_no")));

		assert_true(w > 0 && (size_t)w < size - used);
		used += (size_t)w;
	}
}

/* ---- agencies ------------------------------------------------------------------------------ */

static void test_agency_list_api_and_page_show_the_three_demo_agencies(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char id[64];

	fetch(&r, c, "/api/v1/agencies");
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, JSON_TYPE);
	assert_int_equal(json_array_size(json_object_get(r.json, "agencies")), 3);
	itest_response_free(&r);

	agency_id(id, sizeof(id), c, "示例市生态环境局");
	fetch(&r, c, "/agencies");
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "市级 · 行政区划代码 330100");
	expect_body_has(&r, "示例市市场监督管理局");
	expect_body_has(&r, "示例市司法局");
	{
		char link[128];

		snprintf(link, sizeof(link), "href=\"/agencies/%s\"", id);
		expect_body_has(&r, link);
	}
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_agency_detail_shows_every_public_field(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	json_t *a;
	char id[64], path[160];

	agency_id(id, sizeof(id), c, "示例市市场监督管理局");
	snprintf(path, sizeof(path), "/api/v1/agencies/%s", id);
	fetch(&r, c, path);
	ITEST_ASSERT_STATUS(r, 200);
	a = json_object_get(r.json, "agency");
	assert_string_equal(json_string_value(json_object_get(a, "id")), id);
	assert_string_equal(json_string_value(json_object_get(a, "level")), "city");
	assert_string_equal(json_string_value(json_object_get(a, "region_code")), "330100");
	assert_true(json_is_true(json_object_get(a, "active")));
	assert_true(json_is_false(json_object_get(a, "is_justice_bureau")));
	assert_true(json_is_null(json_object_get(a, "parent_id")));
	assert_int_equal(json_integer_value(json_object_get(a, "officer_count")), 4);
	assert_non_null(strstr(json_string_value(json_object_get(a, "complaint_channel")),
	                       "12315"));
	assert_true(strlen(json_string_value(json_object_get(a, "duties"))) > 30);
	assert_true(strlen(json_string_value(json_object_get(a, "address"))) > 0);
	assert_true(strlen(json_string_value(json_object_get(a, "phone"))) > 0);
	assert_null(json_object_get(a, "created_by"));
	itest_response_free(&r);

	snprintf(path, sizeof(path), "/agencies/%s", id);
	fetch(&r, c, path);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "<h1>示例市市场监督管理局</h1>");
	expect_body_has(&r, "主要职责");
	expect_body_has(&r, "投诉举报电话 12315");
	expect_body_has(&r, "登记执法人员</dt><dd>4 名");
	expect_body_has(&r, "href=\"/verify/officer\"");
	{
		char link[160];

		snprintf(link, sizeof(link), "href=\"/officers?agency=%s\"", id);
		expect_body_has(&r, link);
	}
	itest_response_free(&r);

	agency_id(id, sizeof(id), c, "示例市司法局");
	snprintf(path, sizeof(path), "/agencies/%s", id);
	fetch(&r, c, path);
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "12348");
	expect_body_has(&r, "司法行政机关");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_unknown_agency_is_404_on_page_and_api(void **state)
{
	static const char *const ids[] = {"01J00000000000000000NOSUCH", "x", "%3Cscript%3E",
	                                  "0123456789012345678901234567890123456789"};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		struct itest_response r;
		char path[160];

		snprintf(path, sizeof(path), "/api/v1/agencies/%s", ids[i]);
		fetch(&r, c, path);
		ITEST_ASSERT_API_ERROR(r, 404, "not_found");
		itest_response_free(&r);
		snprintf(path, sizeof(path), "/agencies/%s", ids[i]);
		fetch(&r, c, path);
		ITEST_ASSERT_STATUS(r, 404);
		ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
		expect_body_has(&r, "执法机关不存在");
		expect_body_lacks(&r, "<script>");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

/* ---- officers ------------------------------------------------------------------------------ */

static void test_officer_search_by_name_prefix_and_agency(void **state)
{
	static const struct {
		const char *query;   /* already URL-encoded */
		const char *want;
	} cases[] = {
	        {"", "33010020260001,33010020260002,33010020260003,33010020260004,"
	             "33010020260101,33010020260102"},
	        {"q=%E5%BC%A0", "33010020260001"},                       /* 张 */
	        {"q=%E9%9D%99", "33010020260101"},                       /* 静: inside the name */
	        {"q=330100202601", "33010020260101,33010020260102"},     /* 证号 prefix */
	        {"q=3301002026000", "33010020260001,33010020260002,33010020260003,33010020260004"},
	        {"q=20260001", ""},                                      /* not a prefix */
	        {"q=+%E5%BC%A0+", "33010020260001"},                     /* blanks trimmed */
	        {"q=%25", ""},                                           /* % is no wildcard */
	        {"q=_", ""},
	        {"q=%27", ""},
	};
	struct itest_client *c = new_client(state);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct itest_response r;
		char path[160], got[512];

		snprintf(path, sizeof(path), "/api/v1/officers?%s", cases[i].query);
		fetch(&r, c, path);
		ITEST_ASSERT_STATUS(r, 200);
		certs_of(got, sizeof(got), &r);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", path, got, cases[i].want);
		itest_response_free(&r);
	}
	{
		struct itest_response r;
		char id[64], path[160], got[512];

		agency_id(id, sizeof(id), c, "示例市生态环境局");
		snprintf(path, sizeof(path), "/api/v1/officers?agency_id=%s", id);
		fetch(&r, c, path);
		ITEST_ASSERT_STATUS(r, 200);
		certs_of(got, sizeof(got), &r);
		assert_string_equal(got, "33010020260101,33010020260102");
		assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
		itest_response_free(&r);
		snprintf(path, sizeof(path), "/api/v1/officers?agency_id=%s&q=%%E5%%BC%%A0", id);
		fetch(&r, c, path);
		certs_of(got, sizeof(got), &r);
		assert_string_equal(got, "");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_officer_items_carry_public_fields_and_state(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	json_t *list, *o;
	const char *const keys[] = {"name",       "cert_no",     "cert_type", "field",
	                            "agency_id",  "agency_name", "valid_from", "valid_to",
	                            "status",     "status_label", "state",    "state_label"};

	fetch(&r, c, "/api/v1/officers?q=33010020260002");
	ITEST_ASSERT_STATUS(r, 200);
	list = json_object_get(r.json, "officers");
	assert_int_equal(json_array_size(list), 1);
	o = json_array_get(list, 0);
	assert_int_equal(json_object_size(o), ARRAY_LEN(keys));
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		assert_true(json_is_string(json_object_get(o, keys[i])));
	assert_string_equal(json_string_value(json_object_get(o, "name")), "李华");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "expired");
	assert_string_equal(json_string_value(json_object_get(o, "state_label")), "已过期");
	assert_true(json_is_string(json_object_get(r.json, "checked_on")));
	itest_response_free(&r);

	fetch(&r, c, "/api/v1/officers?q=33010020260004");
	o = json_array_get(json_object_get(r.json, "officers"), 0);
	assert_string_equal(json_string_value(json_object_get(o, "state_label")), "已暂停执法");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_officer_paging_splits_the_list_and_links_pages(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char got[512];

	fetch(&r, c, "/api/v1/officers?page_size=4&page=2");
	ITEST_ASSERT_STATUS(r, 200);
	certs_of(got, sizeof(got), &r);
	assert_string_equal(got, "33010020260101,33010020260102");
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 6);
	assert_int_equal(json_integer_value(json_object_get(r.json, "page")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 4);
	itest_response_free(&r);

	fetch(&r, c, "/api/v1/officers?page_size=4&page=3");
	ITEST_ASSERT_STATUS(r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "officers")), 0);
	itest_response_free(&r);

	/* The page shows 20 a page: one page, no pager; page 2 is empty but links back. */
	fetch(&r, c, "/officers");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_lacks(&r, "class=\"pager\"");
	itest_response_free(&r);
	fetch(&r, c, "/officers?q=3301&page=2");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "没有找到符合条件的执法人员");
	expect_body_has(&r, "href=\"/officers?q=3301&amp;page=1\"");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_officer_page_lists_rows_linked_to_verify(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char id[64], path[160], opt[160];

	agency_id(id, sizeof(id), c, "示例市市场监督管理局");
	snprintf(path, sizeof(path), "/officers?agency=%s&q=%%E5%%BC%%A0", id);
	fetch(&r, c, path);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "<h1>执法人员 · 示例市市场监督管理局</h1>");
	expect_body_has(&r, "张明");
	expect_body_has(&r, "href=\"/verify/officer?cert=33010020260001\"");
	expect_body_has(&r, "state-valid");
	expect_body_has(&r, "value=\"张\"");
	snprintf(opt, sizeof(opt), "<option value=\"%s\" selected>", id);
	expect_body_has(&r, opt);
	expect_body_lacks(&r, "陈静");
	itest_response_free(&r);

	fetch(&r, c, "/officers");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "共 6 名执法人员");
	expect_body_has(&r, "已过期");
	expect_body_has(&r, "已暂停执法");
	expect_body_has(&r, "data-label=\"执法证号\"");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_search_term_is_escaped_in_the_page(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fetch(&r, c, "/officers?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_lacks(&r, "<script>");
	expect_body_has(&r, "&lt;script&gt;alert(1)&lt;/script&gt;");
	itest_response_free(&r);
	fetch(&r, c, "/officers?q=%22%3E%3Cb%3E");
	expect_body_lacks(&r, "\"><b>");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_bad_queries_pages_and_agencies_are_refused(void **state)
{
	static const struct {
		const char *path;
		long status;
		const char *code;
	} cases[] = {
	        /* 65 bytes */
	        {"/api/v1/officers?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 400,
	         "bad_query"},
	        {"/api/v1/officers?q=%FF%FE", 400, "bad_query"},
	        {"/api/v1/officers?q=%E5%BC", 400, "bad_query"},
	        {"/api/v1/officers?page=0", 400, "bad_page"},
	        {"/api/v1/officers?page=-1", 400, "bad_page"},
	        {"/api/v1/officers?page=x", 400, "bad_page"},
	        {"/api/v1/officers?page=100001", 400, "bad_page"},
	        {"/api/v1/officers?page_size=101", 400, "bad_page"},
	        {"/api/v1/officers?page_size=0", 400, "bad_page"},
	        {"/api/v1/officers?agency_id=01J00000000000000000NOSUCH", 404, "not_found"},
	        {"/api/v1/officers?agency_id=%27%20OR%201%3D1", 404, "not_found"},
	};
	struct itest_client *c = new_client(state);
	struct itest_response r;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		fetch(&r, c, cases[i].path);
		ITEST_ASSERT_API_ERROR(r, cases[i].status, cases[i].code);
		itest_response_free(&r);
	}
	/* 64 bytes exactly is fine. */
	fetch(&r, c, "/api/v1/officers?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	/* The page answers the same statuses as HTML. */
	fetch(&r, c, "/officers?q=%FF");
	ITEST_ASSERT_STATUS(r, 400);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	expect_body_has(&r, "bad_query");
	itest_response_free(&r);
	fetch(&r, c, "/officers?agency=01J00000000000000000NOSUCH");
	ITEST_ASSERT_STATUS(r, 404);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_index_links_to_the_registry_pages(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fetch(&r, c, "/");
	ITEST_ASSERT_STATUS(r, 200);
	expect_body_has(&r, "href=\"/agencies\"");
	expect_body_has(&r, "href=\"/officers\"");
	itest_response_free(&r);
	itest_client_free(c);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_agency_list_api_and_page_show_the_three_demo_agencies),
	        cmocka_unit_test(test_agency_detail_shows_every_public_field),
	        cmocka_unit_test(test_unknown_agency_is_404_on_page_and_api),
	        cmocka_unit_test(test_officer_search_by_name_prefix_and_agency),
	        cmocka_unit_test(test_officer_items_carry_public_fields_and_state),
	        cmocka_unit_test(test_officer_paging_splits_the_list_and_links_pages),
	        cmocka_unit_test(test_officer_page_lists_rows_linked_to_verify),
	        cmocka_unit_test(test_search_term_is_escaped_in_the_page),
	        cmocka_unit_test(test_bad_queries_pages_and_agencies_are_refused),
	        cmocka_unit_test(test_index_links_to_the_registry_pages),
	};

	return ITEST_RUN_GROUP_AS_MAIN("registry_pages", tests, NULL);
}
