/*
 * Integration: registering and changing agencies over the JSON API, on a
 * real `sanxiang serve` with the demo data. An admin registers a county
 * bureau under the city bureau and it appears on the public list and page;
 * an agency head is refused (403); a wrong check character is 400
 * bad_credit_code; the credit code cannot be changed; deactivating needs a
 * reason and keeps the page public, marked 已停用, while the agency leaves the
 * list of active agencies.
 */
#include "itest.h"

#include "base/mem.h"
#include "domain/idcheck.h"

#include <stdio.h>
#include <string.h>

static struct itest_client *staff(void **state, const char *username, char **csrf)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	assert_int_equal(itest_login(csrf, c, username, ITEST_DEMO_PASSWORD), 0);
	return c;
}

static size_t agency_count(struct itest_client *c)
{
	struct itest_response r;
	size_t n;

	assert_int_equal(itest_get(&r, c, "/api/v1/agencies"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	n = json_array_size(json_object_get(r.json, "agencies"));
	itest_response_free(&r);
	return n;
}

static void test_an_admin_registers_changes_and_deactivates_a_county_bureau(void **state)
{
	char *admin_csrf = NULL, *head_csrf = NULL;
	struct itest_client *admin = staff(state, "admin", &admin_csrf);
	struct itest_client *head = staff(state, "agency_head", &head_csrf);
	struct itest_response r;
	char code[19], body[1024], path[160], id[64];
	json_t *agency;
	size_t before = agency_count(admin);

	snprintf(code, sizeof(code), "11330122MB0000009%c",
		 idcheck_credit_code_check_char("11330122MB0000009"));
	snprintf(body, sizeof(body),
		 "{\"name\":\"示例市示例县市场监督管理局\",\"credit_code\":\"%s\",\"level\":\"county\","
		 "\"region_code\":\"330122\",\"duties\":\"负责全县市场监督管理。\","
		 "\"phone\":\"0571-80000009\",\"complaint_channel\":\"12315\"}",
		 code);
	/* An agency head may not. */
	assert_int_equal(itest_send_json(&r, head, "POST", "/api/v1/agencies", body, head_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, admin, "POST", "/api/v1/agencies", body, admin_csrf),
			 0);
	ITEST_ASSERT_STATUS(r, 201);
	agency = json_object_get(r.json, "agency");
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(agency, "id")));
	assert_string_equal(json_string_value(json_object_get(agency, "level_label")), "县级");
	assert_true(json_is_integer(json_object_get(r.json, "ledger_index")));
	itest_response_free(&r);
	assert_int_equal(agency_count(admin), before + 1);

	/* A wrong check character. */
	code[17] = code[17] == '0' ? '1' : '0';
	snprintf(body, sizeof(body),
		 "{\"name\":\"另一个局\",\"credit_code\":\"%s\",\"level\":\"county\","
		 "\"region_code\":\"330122\"}",
		 code);
	assert_int_equal(itest_send_json(&r, admin, "POST", "/api/v1/agencies", body, admin_csrf),
			 0);
	ITEST_ASSERT_API_ERROR(r, 400, "bad_credit_code");
	itest_response_free(&r);

	/* The credit code is not a field of an update. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s", id);
	assert_int_equal(itest_send_json(&r, admin, "POST", path,
					 "{\"name\":\"改名\",\"credit_code\":\"x\",\"level\":\"county\","
					 "\"region_code\":\"330122\"}",
					 admin_csrf),
			 0);
	ITEST_ASSERT_API_ERROR(r, 400, "credit_code_immutable");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, admin, "POST", path,
					 "{\"name\":\"示例市示例县市场监督管理局\",\"level\":\"county\","
					 "\"region_code\":\"330122\",\"address\":\"示例县城关镇 1 号\"}",
					 admin_csrf),
			 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "agency"),
							      "address")),
			    "示例县城关镇 1 号");
	itest_response_free(&r);

	/* Deactivation: a reason, then the page stays, marked. */
	snprintf(path, sizeof(path), "/api/v1/agencies/%s/deactivate", id);
	assert_int_equal(itest_send_json(&r, admin, "POST", path, "{}", admin_csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 400, "reason_required");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, admin, "POST", path, "{\"reason\":\"机构改革\"}",
					 admin_csrf),
			 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	assert_int_equal(agency_count(admin), before);
	snprintf(path, sizeof(path), "/agencies/%s", id);
	assert_int_equal(itest_get(&r, head, path), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_non_null(strstr(r.body, "已停用"));
	itest_response_free(&r);

	sx_free(admin_csrf);
	sx_free(head_csrf);
	itest_client_free(admin);
	itest_client_free(head);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_admin_registers_changes_and_deactivates_a_county_bureau),
	};

	return ITEST_RUN_GROUP_AS_MAIN("agencies_api", tests, NULL);
}
