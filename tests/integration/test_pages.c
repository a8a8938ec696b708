/*
 * Integration: the HTML pages — the public portal and the staff login, home
 * and logout pages, driven the way a browser without JavaScript drives them:
 * GET the form, POST it back with its hidden token, follow nothing
 * automatically (redirects are asserted).
 *
 * The login form uses a double-submit token: GET /staff/login sets the cookie
 * sx_login_csrf and puts the same value in the hidden field csrf_token; the
 * POST must carry both. After login, forms carry the session's CSRF token.
 *
 * One server with default flags. Each test uses its own client (cookie jar);
 * only one test fails a login, once, so no throttling is involved.
 *
 * Spec: HTML Living Standard §4.10 (forms, application/x-www-form-urlencoded),
 * RFC 9110 §15.4.4 (303 See Other), OWASP CSRF Prevention Cheat Sheet
 * (double-submit cookie, synchronizer token).
 */
#include "itest.h"

#include "base/mem.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTML_TYPE "text/html; charset=utf-8"

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

/*
 * Checks that form is a POST form and has a hidden csrf_token; returns the
 * token (sx_free).
 */
static char *form_csrf_token(struct itest_slice form)
{
	char *method = NULL;
	char *type = NULL;
	char *token = NULL;

	assert_int_equal(
	        itest_html_attribute(&method, form.ptr, form.len, "form", NULL, NULL, "method"), 0);
	if (strcasecmp(method, "post") != 0)
		fail_msg("form method is \"%s\", want post", method);
	assert_int_equal(itest_html_attribute(&type, form.ptr, form.len, "input", "name",
	                                      "csrf_token", "type"),
	                 0);
	if (strcasecmp(type, "hidden") != 0)
		fail_msg("csrf_token input has type \"%s\", want hidden", type);
	assert_int_equal(itest_html_attribute(&token, form.ptr, form.len, "input", "name",
	                                      "csrf_token", "value"),
	                 0);
	assert_true(strlen(token) > 0);
	sx_free(method);
	sx_free(type);
	return token;
}

/* The login form in html: POST to /staff/login with username, password and csrf_token. */
static char *login_form_token(const struct itest_response *r)
{
	struct itest_slice form;
	char *v = NULL;

	if (itest_html_find_form(&form, r->body, r->body_len, "/staff/login") < 0)
		fail_msg("no <form action=\"/staff/login\"> in the page");
	assert_int_equal(
	        itest_html_attribute(&v, form.ptr, form.len, "input", "name", "username", "name"),
	        0);
	sx_free(v);
	assert_int_equal(
	        itest_html_attribute(&v, form.ptr, form.len, "input", "name", "password", "type"),
	        0);
	if (strcasecmp(v, "password") != 0)
		fail_msg("password input has type \"%s\", want password", v);
	sx_free(v);
	return form_csrf_token(form);
}

/* GET /staff/login; returns the hidden token of its form (sx_free). */
static char *open_login_page(struct itest_client *c)
{
	struct itest_response r;
	char *token;

	assert_int_equal(itest_get(&r, c, "/staff/login"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	token = login_form_token(&r);
	itest_response_free(&r);
	return token;
}

/* POSTs the login form; token NULL leaves the csrf_token field out. */
static void post_login(struct itest_response *out, struct itest_client *c, const char *username,
                       const char *password, const char *token)
{
	char *u = NULL;
	char *p = NULL;
	char *t = NULL;
	char body[2048];
	int n;

	assert_int_equal(itest_form_escape(&u, c, username), 0);
	assert_int_equal(itest_form_escape(&p, c, password), 0);
	if (token) {
		assert_int_equal(itest_form_escape(&t, c, token), 0);
		n = snprintf(body, sizeof(body), "username=%s&password=%s&csrf_token=%s", u, p, t);
	} else {
		n = snprintf(body, sizeof(body), "username=%s&password=%s", u, p);
	}
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_int_equal(itest_request(out, c, "POST", "/staff/login",
	                               "application/x-www-form-urlencoded", body, (size_t)n, NULL),
	                 0);
	sx_free(u);
	sx_free(p);
	sx_free(t);
}

/* Logs c in through the login page; asserts the 303 to /staff/. */
static void staff_login(struct itest_client *c, const char *username)
{
	struct itest_response r;
	char *token = open_login_page(c);

	post_login(&r, c, username, ITEST_DEMO_PASSWORD, token);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/");
	itest_response_free(&r);
	sx_free(token);
}

/* GET /staff/ logged in; returns the logout form's token (sx_free). */
static char *staff_home_logout_token(struct itest_client *c)
{
	struct itest_response r;
	struct itest_slice form;
	char *token;

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	if (itest_html_find_form(&form, r.body, r.body_len, "/staff/logout") < 0)
		fail_msg("no <form action=\"/staff/logout\"> on /staff/");
	token = form_csrf_token(form);
	itest_response_free(&r);
	return token;
}

static void post_logout(struct itest_response *out, struct itest_client *c, const char *token)
{
	char *t = NULL;
	char body[512];
	int n = 0;

	if (token) {
		assert_int_equal(itest_form_escape(&t, c, token), 0);
		n = snprintf(body, sizeof(body), "csrf_token=%s", t);
		assert_true(n > 0 && (size_t)n < sizeof(body));
	}
	assert_int_equal(itest_request(out, c, "POST", "/staff/logout",
	                               "application/x-www-form-urlencoded", token ? body : "",
	                               (size_t)n, NULL),
	                 0);
	sx_free(t);
}

static bool contains_bytes(const char *hay, size_t hay_len, const void *needle, size_t len)
{
	size_t i;

	for (i = 0; len <= hay_len && i <= hay_len - len; i++) {
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	}
	return false;
}

/*
 * Whether page contains a run of Chinese characters that base does not: the
 * error message that a failed login adds to the otherwise same form.
 */
static bool has_new_chinese_text(const struct itest_response *page,
                                 const struct itest_response *base)
{
	const unsigned char *p = (const unsigned char *)page->body;
	size_t len = page->body_len;
	size_t i = 0;
	size_t start;

	while (i < len) {
		start = i;
		while (i + 2 < len && itest_has_cjk((const char *)p + i, 3))
			i += 3;
		if (i > start && !contains_bytes(base->body, base->body_len, p + start, i - start))
			return true;
		if (i == start)
			i++;
	}
	return false;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_portal_home_page_is_public_html_in_chinese(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	if (!strstr(r.body, "三项"))
		fail_msg("the portal page does not mention 三项");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_staff_login_page_has_a_form_with_hidden_token_matching_its_cookie(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *cookie = NULL;
	char *token;

	assert_int_equal(itest_get(&r, c, "/staff/login"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	token = login_form_token(&r);
	assert_int_equal(itest_response_cookie(&cookie, &r, "sx_login_csrf"), 0);
	assert_string_equal(token, cookie);
	itest_response_free(&r);
	sx_free(cookie);
	sx_free(token);
	itest_client_free(c);
}

static void test_staff_login_with_valid_form_redirects_to_staff_home_with_session(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *token = open_login_page(c);

	post_login(&r, c, "unit_head", ITEST_DEMO_PASSWORD, token);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/");
	assert_true(itest_response_cookie_has(&r, "sx_session", "HttpOnly"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "SameSite=Strict"));
	assert_true(itest_response_cookie_has(&r, "sx_session", "Path=/"));
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
}

static void test_staff_login_without_csrf_token_returns_403(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *token = open_login_page(c);

	post_login(&r, c, "reviewer", ITEST_DEMO_PASSWORD, NULL);
	ITEST_ASSERT_STATUS(r, 403);
	assert_null(strstr(r.set_cookie ? r.set_cookie : "", "sx_session="));
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 303);
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
}

static void test_staff_login_with_wrong_csrf_token_returns_403(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *token = open_login_page(c);

	token[0] = token[0] == 'A' ? 'B' : 'A';
	post_login(&r, c, "reviewer", ITEST_DEMO_PASSWORD, token);
	ITEST_ASSERT_STATUS(r, 403);
	assert_null(strstr(r.set_cookie ? r.set_cookie : "", "sx_session="));
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
}

static void test_staff_login_with_token_but_without_its_cookie_returns_403(void **state)
{
	struct itest_client *page_client = new_client(state);
	struct itest_client *c = new_client(state);
	struct itest_response r;
	/* A real token, issued to someone else's browser. */
	char *token = open_login_page(page_client);

	post_login(&r, c, "agency_head", ITEST_DEMO_PASSWORD, token);
	ITEST_ASSERT_STATUS(r, 403);
	assert_null(strstr(r.set_cookie ? r.set_cookie : "", "sx_session="));
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
	itest_client_free(page_client);
}

static void test_staff_login_with_wrong_password_shows_the_form_with_a_chinese_error(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response page;
	struct itest_response r;
	char *token;
	char *again;

	assert_int_equal(itest_get(&page, c, "/staff/login"), 0);
	ITEST_ASSERT_STATUS(page, 200);
	token = login_form_token(&page);

	post_login(&r, c, "officer", "Wrong-Password-1", token);
	ITEST_ASSERT_STATUS(r, 401);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	assert_null(strstr(r.set_cookie ? r.set_cookie : "", "sx_session="));
	again = login_form_token(&r);
	if (!has_new_chinese_text(&r, &page))
		fail_msg("the 401 page has no Chinese text that the login page lacks");
	itest_response_free(&r);

	/* The form shown again works. */
	post_login(&r, c, "officer", ITEST_DEMO_PASSWORD, again);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/");
	itest_response_free(&r);
	itest_response_free(&page);
	sx_free(token);
	sx_free(again);
	itest_client_free(c);
}

static void test_staff_home_without_login_redirects_to_login(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/login");
	itest_response_free(&r);
	itest_client_free(c);
}

static void test_staff_home_shows_display_name_and_a_logout_form(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response session;
	struct itest_response r;
	const char *name;
	char *token;

	staff_login(c, "admin");
	/* The same cookie serves the API: ask it for the display name. */
	assert_int_equal(itest_get(&session, c, "/api/v1/session"), 0);
	ITEST_ASSERT_STATUS(session, 200);
	name = json_string_value(
	        json_object_get(json_object_get(session.json, "user"), "display_name"));
	assert_non_null(name);
	assert_true(strlen(name) > 0);

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, HTML_TYPE);
	if (!strstr(r.body, name))
		fail_msg("/staff/ does not show the display name \"%s\"", name);
	itest_response_free(&r);
	token = staff_home_logout_token(c);
	sx_free(token);
	itest_response_free(&session);
	itest_client_free(c);
}

static void test_staff_logout_with_csrf_token_redirects_to_login_and_ends_the_session(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *token;

	staff_login(c, "supervisor");
	token = staff_home_logout_token(c);
	post_logout(&r, c, token);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/login");
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 303);
	ITEST_ASSERT_LOCATION(r, c, "/staff/login");
	itest_response_free(&r);
	assert_int_equal(itest_get(&r, c, "/api/v1/session"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
}

static void test_staff_logout_without_csrf_token_returns_403_and_keeps_the_session(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *token;

	staff_login(c, "agency_head");
	token = staff_home_logout_token(c);
	post_logout(&r, c, NULL);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);
	token[0] = token[0] == 'A' ? 'B' : 'A';
	post_logout(&r, c, token);
	ITEST_ASSERT_STATUS(r, 403);
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, c, "/staff/"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);
	sx_free(token);
	itest_client_free(c);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_portal_home_page_is_public_html_in_chinese),
	        cmocka_unit_test(
	                test_staff_login_page_has_a_form_with_hidden_token_matching_its_cookie),
	        cmocka_unit_test(
	                test_staff_login_with_valid_form_redirects_to_staff_home_with_session),
	        cmocka_unit_test(test_staff_login_without_csrf_token_returns_403),
	        cmocka_unit_test(test_staff_login_with_wrong_csrf_token_returns_403),
	        cmocka_unit_test(test_staff_login_with_token_but_without_its_cookie_returns_403),
	        cmocka_unit_test(
	                test_staff_login_with_wrong_password_shows_the_form_with_a_chinese_error),
	        cmocka_unit_test(test_staff_home_without_login_redirects_to_login),
	        cmocka_unit_test(test_staff_home_shows_display_name_and_a_logout_form),
	        cmocka_unit_test(
	                test_staff_logout_with_csrf_token_redirects_to_login_and_ends_the_session),
	        cmocka_unit_test(
	                test_staff_logout_without_csrf_token_returns_403_and_keeps_the_session),
	};
	int failures;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures = ITEST_RUN_GROUP("pages", tests, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
