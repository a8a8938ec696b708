/*
 * Integration: the health check, the shape of API errors, request body limits
 * and graceful shutdown of a real `sanxiang serve`.
 *
 * Every error under /api/ must be {"error":{"code","message"}} with
 * Content-Type application/json; charset=utf-8 and a Chinese message; the
 * assertions in itest.h check all of that for every error tested here.
 *
 * Groups: one server with default flags; one started with
 * --max-body-bytes 1024; one that a test shuts down with SIGTERM while a
 * client still holds a keep-alive connection.
 *
 * Spec: RFC 9110 §15.5.5 (404), §15.5.6 (405), §15.5.14 (413), §15.5.16 (415).
 */
#include "itest.h"

#include "base/mem.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_MIB (2u * 1024u * 1024u)

/*
 * A login body for an unknown user of exactly size_bytes bytes, padded with
 * JSON whitespace: it means the same at every size, so only its size can make
 * the server treat it differently.
 */
static char *login_body_of_size(size_t size_bytes)
{
	static const char head[] = "{\"username\":\"nobody_big\",\"password\":\"wrong-password\"";
	size_t fixed = sizeof(head) - 1 + 1;
	char *body;

	assert_true(size_bytes > fixed);
	body = sx_malloc(size_bytes + 1);
	assert_non_null(body);
	memcpy(body, head, sizeof(head) - 1);
	memset(body + sizeof(head) - 1, ' ', size_bytes - fixed);
	body[size_bytes - 1] = '}';
	body[size_bytes] = '\0';
	return body;
}

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static void test_healthz_returns_200_status_ok(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/healthz"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	assert_true(json_is_object(r.json));
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_unknown_api_route_returns_404_not_found_as_json(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/api/v1/no-such-route"), 0);
	ITEST_ASSERT_API_ERROR(r, 404, "not_found");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_wrong_method_on_known_path_returns_405_method_not_allowed(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_send_json(&r, c, "PATCH", "/api/v1/session", "{}", NULL), 0);
	ITEST_ASSERT_API_ERROR(r, 405, "method_not_allowed");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_malformed_json_body_returns_400_bad_json(void **state)
{
	static const char *const bodies[] = {
	        "{\"username\":\"admin\",\"password\":",
	        "{username: admin}",
	        "not json at all",
	        "{\"username\":\"admin\",\"password\":\"x\"}}",
	};
	struct itest_client *c = new_client(state);
	struct itest_response r;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/session", bodies[i], NULL),
		                 0);
		if (r.status != 400)
			print_error("body: %s\n", bodies[i]);
		ITEST_ASSERT_API_ERROR(r, 400, "bad_json");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_unknown_field_in_body_returns_400_unknown_field(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/session",
	                                 "{\"username\":\"nobody_field\",\"password\":\"x\","
	                                 "\"remember_me\":true}",
	                                 NULL),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 400, "unknown_field");
	itest_response_free(&r);
	itest_client_free(c);
}

/* The error message quotes the unknown field; a long Chinese name must be cut
 * on a character boundary, or the answer cannot be JSON (it was a 503). */
static void test_long_chinese_unknown_field_still_returns_400_unknown_field(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char body[512];
	size_t len = 0;

	len += (size_t)snprintf(body, sizeof(body), "{\"username\":\"nobody_field\",\"password\":\"x\",\"ab");
	while (len < 300) {
		memcpy(body + len, "审", 3);
		len += 3;
	}
	len += (size_t)snprintf(body + len, sizeof(body) - len, "\":true}");
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/session", body, NULL), 0);
	ITEST_ASSERT_API_ERROR(r, 400, "unknown_field");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_missing_field_in_body_returns_400_invalid(void **state)
{
	static const char *const bodies[] = {
	        "{\"username\":\"nobody_missing\"}",
	        "{\"password\":\"Sanxiang@2026\"}",
	        "{}",
	};
	struct itest_client *c = new_client(state);
	struct itest_response r;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/session", bodies[i], NULL),
		                 0);
		if (r.status != 400)
			print_error("body: %s\n", bodies[i]);
		ITEST_ASSERT_API_ERROR(r, 400, "invalid");
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_non_json_content_type_returns_415_unsupported(void **state)
{
	static const char body[] = "{\"username\":\"admin\",\"password\":\"Sanxiang@2026\"}";
	static const char *const types[] = {
	        "text/plain",
	        "application/x-www-form-urlencoded",
	};
	struct itest_client *c = new_client(state);
	struct itest_response r;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", types[i], body,
		                               strlen(body), NULL),
		                 0);
		if (r.status != 415)
			print_error("Content-Type: %s\n", types[i]);
		ITEST_ASSERT_API_ERROR(r, 415, "unsupported");
		assert_null(r.set_cookie);
		itest_response_free(&r);
	}
	itest_client_free(c);
}

static void test_body_over_default_limit_of_1_mib_returns_413_too_large(void **state)
{
	struct itest_client *c = new_client(state);
	char *body = login_body_of_size(TWO_MIB);
	struct itest_response r;

	assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json", body,
	                               TWO_MIB, NULL),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 413, "too_large");
	itest_response_free(&r);

	/* The server still serves after refusing a large body. */
	assert_int_equal(itest_get(&r, c, "/healthz"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	sx_free(body);
	itest_client_free(c);
}

static void test_body_under_default_limit_is_read(void **state)
{
	struct itest_client *c = new_client(state);
	/* 512 KiB: well above small buffers, below the 1 MiB default. */
	char *body = login_body_of_size(512u * 1024u);
	struct itest_response r;

	assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json", body,
	                               512u * 1024u, NULL),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 401, "invalid_credentials");
	itest_response_free(&r);
	sx_free(body);
	itest_client_free(c);
}

static void test_body_over_configured_limit_returns_413_too_large(void **state)
{
	static const size_t sizes[] = {1025, 2048};
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *body;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		body = login_body_of_size(sizes[i]);
		assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json",
		                               body, sizes[i], NULL),
		                 0);
		if (r.status != 413)
			print_error("body of %zu bytes, limit 1024\n", sizes[i]);
		ITEST_ASSERT_API_ERROR(r, 413, "too_large");
		itest_response_free(&r);
		sx_free(body);
	}
	itest_client_free(c);
}

static void test_body_of_exactly_the_configured_limit_is_read(void **state)
{
	struct itest_client *c = new_client(state);
	char *body = login_body_of_size(1024);
	struct itest_response r;

	assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json", body,
	                               1024, NULL),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 401, "invalid_credentials");
	itest_response_free(&r);
	sx_free(body);
	itest_client_free(c);
}

static void test_body_under_configured_limit_is_accepted(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_login_response(&r, c, "admin", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_sigterm_makes_server_exit_with_status_zero(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *csrf = NULL;

	/* Leave a session and an idle keep-alive connection open: shutdown must not wait on it. */
	assert_int_equal(itest_login(&csrf, c, "officer", ITEST_DEMO_PASSWORD), 0);
	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	assert_int_equal(itest_server_stop(s), 0);
	sx_free(csrf);
	itest_client_free(c);
}

int main(void)
{
	static const char *const small_limit[] = {"--max-body-bytes", "1024", NULL};
	struct CMUnitTest defaults[] = {
	        cmocka_unit_test(test_healthz_returns_200_status_ok),
	        cmocka_unit_test(test_unknown_api_route_returns_404_not_found_as_json),
	        cmocka_unit_test(test_wrong_method_on_known_path_returns_405_method_not_allowed),
	        cmocka_unit_test(test_malformed_json_body_returns_400_bad_json),
	        cmocka_unit_test(test_unknown_field_in_body_returns_400_unknown_field),
	        cmocka_unit_test(test_long_chinese_unknown_field_still_returns_400_unknown_field),
	        cmocka_unit_test(test_missing_field_in_body_returns_400_invalid),
	        cmocka_unit_test(test_non_json_content_type_returns_415_unsupported),
	        cmocka_unit_test(test_body_over_default_limit_of_1_mib_returns_413_too_large),
	        cmocka_unit_test(test_body_under_default_limit_is_read),
	};
	struct CMUnitTest limited[] = {
	        cmocka_unit_test(test_body_over_configured_limit_returns_413_too_large),
	        cmocka_unit_test(test_body_of_exactly_the_configured_limit_is_read),
	        cmocka_unit_test(test_body_under_configured_limit_is_accepted),
	};
	struct CMUnitTest shutdown[] = {
	        cmocka_unit_test(test_sigterm_makes_server_exit_with_status_zero),
	};
	int failures = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures += ITEST_RUN_GROUP("health and errors", defaults, NULL);
	failures += ITEST_RUN_GROUP("body limit --max-body-bytes 1024", limited, small_limit);
	failures += ITEST_RUN_GROUP("graceful shutdown", shutdown, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
