/*
 * Integration: logging in and out over the JSON API — session cookies,
 * session fixation, CSRF on logout, the growing delay after failed logins and
 * account lockout.
 *
 * Groups and why they are separate:
 *   - default flags: login, session, logout, growing delay. Failure counters
 *     are per username, so every test uses its own user (see the table below)
 *     and unknown usernames are unique per test.
 *   - --login-delay-after 0 --login-lockout-after 3: lockout.
 *   - --tls-proxy: the session cookie must carry Secure.
 *
 * Demo users by test (default group), so that failure counters never mix:
 *   admin        successful login, cookie attributes, logout
 *   officer      session read-back, fixation
 *   agency_head  a new token per login
 *   unit_head    one wrong password
 *   officer2     one wrong password (compared with an unknown user)
 *   reviewer     growing delay: the throttled attempt does not count
 *   supervisor   growing delay: the delay doubles
 *
 * Spec: OWASP ASVS 4.0 V2.2.1 (anti-automation), V3.2.1 (new session token on
 * authentication), V3.4 (cookie attributes), V4.2.2 (CSRF); RFC 6265 §4.1;
 * RFC 9110 §10.2.3 (Retry-After).
 */
#include "itest.h"

#include "base/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WRONG_PASSWORD "Wrong-Password-1"

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Retry-After as delay-seconds (RFC 9110 §10.2.3); fails the test if absent or malformed. */
static long retry_after_seconds(const struct itest_response *r)
{
	const char *v = itest_response_header(r, "Retry-After");
	char *end;
	long n;

	if (!v)
		fail_msg("429 without a Retry-After header");
	if (v[0] < '0' || v[0] > '9')
		fail_msg("Retry-After is not delay-seconds: \"%s\"", v);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0')
		fail_msg("Retry-After is not delay-seconds: \"%s\"", v);
	return n;
}

/* The fields every login and session answer carries, with user.username == username. */
static void assert_session_shape(const json_t *body, const char *username)
{
	json_t *user = json_object_get(body, "user");
	json_t *token = json_object_get(body, "csrf_token");

	assert_true(json_is_object(user));
	assert_non_null(json_object_get(user, "id"));
	assert_false(json_is_null(json_object_get(user, "id")));
	assert_string_equal(json_string_value(json_object_get(user, "username")), username);
	assert_true(json_is_string(json_object_get(user, "display_name")));
	assert_true(json_string_length(json_object_get(user, "display_name")) > 0);
	assert_true(json_is_string(json_object_get(user, "role")));
	assert_true(json_string_length(json_object_get(user, "role")) > 0);
	assert_non_null(json_object_get(user, "agency_id"));
	assert_true(json_is_string(token));
	assert_true(json_string_length(token) > 0);
}

/* GET /api/v1/session from a client with no cookies but the given sx_session value. */
static void get_session_with_cookie(struct itest_response *out, void **state, const char *value)
{
	struct itest_client *c = new_client(state);
	char header[1024];
	const char *headers[] = {header, NULL};

	assert_true(strlen(value) < sizeof(header) - 32);
	snprintf(header, sizeof(header), "Cookie: sx_session=%s", value);
	assert_int_equal(itest_request(out, c, "GET", "/api/v1/session", NULL, NULL, 0, headers),
	                 0);
	itest_client_free(c);
}

static char *login_and_take_cookie(struct itest_client *c, const char *username)
{
	struct itest_response r;
	char *cookie = NULL;

	assert_int_equal(itest_login_response(&r, c, username, ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(itest_response_cookie(&cookie, &r, "sx_session"), 0);
	assert_true(strlen(cookie) > 0);
	itest_response_free(&r);
	return cookie;
}

/* ---- default flags ----------------------------------------------------------------------- */

static void test_login_with_right_password_returns_201_user_csrf_token_and_cookie(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_login_response(&r, c, "admin", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/json; charset=utf-8");
	assert_session_shape(r.json, "admin");

	assert_non_null(r.set_cookie);
	assert_true(itest_response_cookie_has(&r, "sx_session", "Path=/"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "HttpOnly"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "SameSite=Strict"));
	if (itest_response_cookie_has(&r, "sx_session", "Secure"))
		fail_msg("cookie is Secure without --tls-proxy: %s", r.set_cookie);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_session_get_returns_the_logged_in_user(void **state)
{
	static const char *const fields[] = {"id", "username", "display_name", "role", "agency_id"};
	struct itest_client *c = new_client(state);
	struct itest_response login;
	struct itest_response r;
	json_t *a;
	json_t *b;
	size_t i;

	assert_int_equal(itest_login_response(&login, c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(login, 201);
	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/json; charset=utf-8");
	assert_session_shape(r.json, "officer");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		a = json_object_get(json_object_get(login.json, "user"), fields[i]);
		b = json_object_get(json_object_get(r.json, "user"), fields[i]);
		if (!json_equal(a, b))
			fail_msg("user.%s differs between login and GET /api/v1/session",
			         fields[i]);
	}
	itest_response_free(&r);
	itest_response_free(&login);
	itest_client_free(c);
}

static void test_session_get_without_cookie_returns_401_unauthenticated(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_login_with_wrong_password_returns_401_invalid_credentials(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_login_response(&r, c, "unit_head", WRONG_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "invalid_credentials");
	itest_response_free(&r);

	/* A failed login leaves the client without a session. */
	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_unknown_user_gets_the_same_401_as_a_wrong_password(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response known;
	struct itest_response unknown;

	assert_int_equal(itest_login_response(&known, c, "officer2", WRONG_PASSWORD), 0);
	assert_int_equal(itest_login_response(&unknown, c, "nobody_enumerated", WRONG_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(known, 401, "invalid_credentials");
	ITEST_ASSERT_API_ERROR(unknown, 401, "invalid_credentials");
	assert_string_equal(itest_error_message(&known), itest_error_message(&unknown));
	itest_response_free(&known);
	itest_response_free(&unknown);
	itest_client_free(c);
}

static void test_each_login_issues_a_new_session_token_and_the_old_one_still_works(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *first = login_and_take_cookie(c, "agency_head");
	/* The second login presents the first cookie: the server must not reuse it. */
	char *second = login_and_take_cookie(c, "agency_head");

	if (strcmp(first, second) == 0)
		fail_msg("second login reused the session token %s", first);

	get_session_with_cookie(&r, state, first);
	ITEST_ASSERT_STATUS(r, 200);
	assert_session_shape(r.json, "agency_head");
	itest_response_free(&r);
	get_session_with_cookie(&r, state, second);
	ITEST_ASSERT_STATUS(r, 200);
	assert_session_shape(r.json, "agency_head");
	itest_response_free(&r);
	sx_free(first);
	sx_free(second);
	itest_client_free(c);
}

static void test_login_does_not_adopt_a_session_token_chosen_by_the_client(void **state)
{
	static const char planted[] = "AttackerChosenSessionValue0123456789abcdefXYZ";
	static const char body[] = "{\"username\":\"officer\",\"password\":\"Sanxiang@2026\"}";
	static const char *const headers[] = {
	        "Cookie: sx_session=AttackerChosenSessionValue0123456789abcdefXYZ", NULL};
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *issued = NULL;

	assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json", body,
	                               strlen(body), headers),
	                 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(itest_response_cookie(&issued, &r, "sx_session"), 0);
	assert_string_not_equal(issued, planted);
	itest_response_free(&r);

	get_session_with_cookie(&r, state, planted);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	sx_free(issued);
	itest_client_free(c);
}

static void test_never_issued_session_cookie_returns_401_unauthenticated(void **state)
{
	static const char *const forged[] = {
	        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	        "0000000000000000000000000000000000000000000000000000000000000000",
	        "x",
	};
	struct itest_response r;
	size_t i;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		get_session_with_cookie(&r, state, forged[i]);
		if (r.status != 401)
			print_error("sx_session=%s\n", forged[i]);
		ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
		itest_response_free(&r);
	}
}

static void test_logout_returns_204_and_ends_the_session_on_the_server(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *csrf = NULL;
	char *cookie = NULL;

	assert_int_equal(itest_login_response(&r, c, "admin", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(itest_response_cookie(&cookie, &r, "sx_session"), 0);
	csrf = sx_strdup(json_string_value(json_object_get(r.json, "csrf_token")));
	assert_non_null(csrf);
	itest_response_free(&r);

	assert_int_equal(itest_send_json(&r, c, "DELETE", "/api/v1/session", NULL, csrf), 0);
	ITEST_ASSERT_STATUS(r, 204);
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	/* Not just a cleared cookie: the old token itself is dead. */
	get_session_with_cookie(&r, state, cookie);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	sx_free(cookie);
	sx_free(csrf);
	itest_client_free(c);
}

static void test_logout_without_right_csrf_token_returns_403_and_keeps_the_session(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *csrf = NULL;

	assert_int_equal(itest_login(&csrf, c, "admin", ITEST_DEMO_PASSWORD), 0);

	assert_int_equal(itest_send_json(&r, c, "DELETE", "/api/v1/session", NULL, NULL), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	assert_int_equal(itest_send_json(&r, c, "DELETE", "/api/v1/session", NULL,
	                                 "not-the-token-0123456789"),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	sx_free(csrf);
	itest_client_free(c);
}

static void fail_logins(struct itest_client *c, const char *username, int count)
{
	struct itest_response r;
	int i;

	for (i = 0; i < count; i++) {
		assert_int_equal(itest_login_response(&r, c, username, WRONG_PASSWORD), 0);
		if (r.status != 401)
			print_error("failed login %d of %d for %s\n", i + 1, count, username);
		ITEST_ASSERT_API_ERROR(r, 401, "invalid_credentials");
		itest_response_free(&r);
	}
}

static void test_three_failed_logins_throttle_the_next_even_with_the_right_password(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	int64_t deadline;
	long delay_s;
	int i;

	fail_logins(c, "reviewer", 3);
	for (i = 0; i < 2; i++) {
		assert_int_equal(itest_login_response(&r, c, "reviewer", ITEST_DEMO_PASSWORD), 0);
		ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
		assert_null(r.set_cookie);
		delay_s = retry_after_seconds(&r);
		if (delay_s < 1 || delay_s > 2)
			fail_msg("Retry-After %ld after 3 failures, want 1 (s)", delay_s);
		itest_response_free(&r);
	}

	/*
	 * Keep trying with the right password: throttled attempts do not count as
	 * failures, so the 1 s delay ends and the login succeeds. Were they counted,
	 * each one would double the delay again and this would run into the bound.
	 */
	deadline = now_ms() + delay_s * 1000 + 1500;
	for (;;) {
		assert_int_equal(itest_login_response(&r, c, "reviewer", ITEST_DEMO_PASSWORD), 0);
		if (r.status == 201)
			break;
		ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
		itest_response_free(&r);
		if (now_ms() > deadline)
			fail_msg("still throttled %ld ms after the delay should have ended", 1500L);
		pause_ms(100);
	}
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_delay_doubles_with_each_further_failure(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	int64_t deadline;
	long delay_s;

	fail_logins(c, "supervisor", 3);
	assert_int_equal(itest_login_response(&r, c, "supervisor", WRONG_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
	delay_s = retry_after_seconds(&r);
	itest_response_free(&r);

	/* Wait out the first delay; the first attempt let through is failure number four. */
	deadline = now_ms() + delay_s * 1000 + 1500;
	for (;;) {
		assert_int_equal(itest_login_response(&r, c, "supervisor", WRONG_PASSWORD), 0);
		if (r.status == 401)
			break;
		ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
		itest_response_free(&r);
		if (now_ms() > deadline)
			fail_msg("still throttled after the first delay should have ended");
		pause_ms(100);
	}
	ITEST_ASSERT_API_ERROR(r, 401, "invalid_credentials");
	itest_response_free(&r);

	assert_int_equal(itest_login_response(&r, c, "supervisor", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
	delay_s = retry_after_seconds(&r);
	if (delay_s < 2 || delay_s > 3)
		fail_msg("Retry-After %ld after 4 failures, want 2 (s)", delay_s);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_unknown_usernames_are_throttled_like_known_ones(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fail_logins(c, "nobody_throttled", 3);
	assert_int_equal(itest_login_response(&r, c, "nobody_throttled", WRONG_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "login_throttled");
	assert_true(retry_after_seconds(&r) >= 1);
	itest_response_free(&r);
	itest_client_free(c);
}

/* ---- --login-delay-after 0 --login-lockout-after 3 --------------------------------------- */

static void test_three_wrong_passwords_lock_the_account_even_for_the_right_one(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fail_logins(c, "officer", 3);
	assert_int_equal(itest_login_response(&r, c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "account_locked");
	assert_null(r.set_cookie);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_a_locked_account_does_not_affect_other_users(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fail_logins(c, "unit_head", 3);
	assert_int_equal(itest_login_response(&r, c, "unit_head", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "account_locked");
	itest_response_free(&r);

	assert_int_equal(itest_login_response(&r, c, "reviewer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_unknown_usernames_lock_like_known_ones(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	fail_logins(c, "nobody_locked", 3);
	assert_int_equal(itest_login_response(&r, c, "nobody_locked", WRONG_PASSWORD), 0);
	ITEST_ASSERT_API_ERROR(r, 429, "account_locked");
	itest_response_free(&r);
	itest_client_free(c);
}

/* ---- --tls-proxy ------------------------------------------------------------------------- */

static void test_login_behind_tls_proxy_sets_a_secure_cookie(void **state)
{
	static const char body[] = "{\"username\":\"admin\",\"password\":\"Sanxiang@2026\"}";
	static const char *const headers[] = {"X-Forwarded-Proto: https", NULL};
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_request(&r, c, "POST", "/api/v1/session", "application/json", body,
	                               strlen(body), headers),
	                 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_true(itest_response_cookie_has(&r, "sx_session", "Secure"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "HttpOnly"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "SameSite=Strict"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "Path=/"));
	itest_response_free(&r);
	itest_client_free(c);
}

int main(void)
{
	static const char *const lockout_flags[] = {"--login-delay-after", "0",
	                                            "--login-lockout-after", "3", NULL};
	static const char *const tls_flags[] = {"--tls-proxy", NULL};
	struct CMUnitTest defaults[] = {
	        cmocka_unit_test(
	                test_login_with_right_password_returns_201_user_csrf_token_and_cookie),
	        cmocka_unit_test(test_session_get_returns_the_logged_in_user),
	        cmocka_unit_test(test_session_get_without_cookie_returns_401_unauthenticated),
	        cmocka_unit_test(test_login_with_wrong_password_returns_401_invalid_credentials),
	        cmocka_unit_test(test_unknown_user_gets_the_same_401_as_a_wrong_password),
	        cmocka_unit_test(
	                test_each_login_issues_a_new_session_token_and_the_old_one_still_works),
	        cmocka_unit_test(test_login_does_not_adopt_a_session_token_chosen_by_the_client),
	        cmocka_unit_test(test_never_issued_session_cookie_returns_401_unauthenticated),
	        cmocka_unit_test(test_logout_returns_204_and_ends_the_session_on_the_server),
	        cmocka_unit_test(
	                test_logout_without_right_csrf_token_returns_403_and_keeps_the_session),
	        cmocka_unit_test(
	                test_three_failed_logins_throttle_the_next_even_with_the_right_password),
	        cmocka_unit_test(test_delay_doubles_with_each_further_failure),
	        cmocka_unit_test(test_unknown_usernames_are_throttled_like_known_ones),
	};
	struct CMUnitTest lockout[] = {
	        cmocka_unit_test(
	                test_three_wrong_passwords_lock_the_account_even_for_the_right_one),
	        cmocka_unit_test(test_a_locked_account_does_not_affect_other_users),
	        cmocka_unit_test(test_unknown_usernames_lock_like_known_ones),
	};
	struct CMUnitTest tls[] = {
	        cmocka_unit_test(test_login_behind_tls_proxy_sets_a_secure_cookie),
	};
	int failures = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures += ITEST_RUN_GROUP("auth", defaults, NULL);
	failures += ITEST_RUN_GROUP("auth lockout", lockout, lockout_flags);
	failures += ITEST_RUN_GROUP("auth behind a TLS proxy", tls, tls_flags);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
