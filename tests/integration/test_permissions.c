/*
 * Integration: user administration over the JSON API — who may create, list,
 * disable and reset users, and the CSRF check on every state-changing call
 * that a cookie authenticates.
 *
 * One server with default flags; every test creates users with its own names
 * (prefix per test), so the order of tests does not matter. Demo users only
 * log in successfully here, so no failure counter is ever involved.
 *
 * Roles and agencies are not hard-coded: the role string of an officer and
 * the id of agency 1 are read from the demo officer's own login answer.
 *
 * Spec: OWASP ASVS 4.0 V4.1 (access control at a trusted service layer),
 * V4.2.2 (CSRF), V2.1.1 (passwords of at least a minimum length), V3.3
 * (session ends when the account is disabled).
 */
#include "itest.h"

#include "base/mem.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEW_PASSWORD "Abcdef-2026-x"

static const char *const demo_agency1_users[] = {
        "admin", "officer", "unit_head", "reviewer", "agency_head", "supervisor",
};

/* What most tests need: an admin session and the words to create an officer of agency 1. */
struct fixture {
	struct itest_client *admin;
	char *admin_csrf;
	char *officer_role; /* role string of the demo officer */
	json_t *agency1_id; /* agency_id of the demo officer (agency 1) */
};

static struct itest_client *new_client(void **state)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, *state), 0);
	return c;
}

static void fixture_open(struct fixture *f, void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	json_t *user;

	memset(f, 0, sizeof(*f));
	assert_int_equal(itest_login_response(&r, c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	user = json_object_get(r.json, "user");
	assert_true(json_is_string(json_object_get(user, "role")));
	f->officer_role = sx_strdup(json_string_value(json_object_get(user, "role")));
	assert_non_null(f->officer_role);
	f->agency1_id = json_incref(json_object_get(user, "agency_id"));
	assert_non_null(f->agency1_id);
	assert_false(json_is_null(f->agency1_id));
	itest_response_free(&r);
	itest_client_free(c);

	f->admin = new_client(state);
	assert_int_equal(itest_login(&f->admin_csrf, f->admin, "admin", ITEST_DEMO_PASSWORD), 0);
}

static void fixture_close(struct fixture *f)
{
	itest_client_free(f->admin);
	sx_free(f->admin_csrf);
	sx_free(f->officer_role);
	json_decref(f->agency1_id);
}

static char *user_body(const char *username, const char *password, const char *role,
                       json_t *agency_id)
{
	char display[128];
	json_t *body;
	char *text;

	snprintf(display, sizeof(display), "测试用户 %s", username);
	body = json_pack("{s:s, s:s, s:s, s:s, s:O}", "username", username, "display_name", display,
	                 "password", password, "role", role, "agency_id", agency_id);
	assert_non_null(body);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	assert_non_null(text);
	return text;
}

/* POST /api/v1/users as client c with csrf (NULL: no header). */
static void post_user(struct itest_response *out, struct itest_client *c, const char *csrf,
                      const char *username, const char *password, const char *role,
                      json_t *agency_id)
{
	char *text = user_body(username, password, role, agency_id);

	assert_int_equal(itest_send_json(out, c, "POST", "/api/v1/users", text, csrf), 0);
	free(text);
}

/* Creates an officer of agency 1 as admin; returns its id as text (sx_free). */
static char *create_officer(struct fixture *f, const char *username, const char *password)
{
	struct itest_response r;
	char *id = NULL;

	post_user(&r, f->admin, f->admin_csrf, username, password, f->officer_role, f->agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(
	        itest_json_id_text(&id, json_object_get(json_object_get(r.json, "user"), "id")), 0);
	itest_response_free(&r);
	return id;
}

static void assert_login_status(void **state, const char *username, const char *password,
                                long status, const char *code)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_login_response(&r, c, username, password), 0);
	if (code)
		ITEST_ASSERT_API_ERROR(r, status, code);
	else
		ITEST_ASSERT_STATUS(r, status);
	itest_response_free(&r);
	itest_client_free(c);
}

static bool users_contain(const json_t *users, const char *username)
{
	size_t i;
	json_t *u;

	json_array_foreach(users, i, u)
	{
		if (json_is_string(json_object_get(u, "username")) &&
		    strcmp(json_string_value(json_object_get(u, "username")), username) == 0)
			return true;
	}
	return false;
}

/* ---- CSRF -------------------------------------------------------------------------------- */

static void test_creating_a_user_without_csrf_header_returns_403_csrf_failed(void **state)
{
	struct fixture f;
	struct itest_response r;

	fixture_open(&f, state);
	post_user(&r, f.admin, NULL, "csrf_missing", NEW_PASSWORD, f.officer_role, f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);

	/* The refused request created nothing: the same user can be created now. */
	post_user(&r, f.admin, f.admin_csrf, "csrf_missing", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	fixture_close(&f);
}

static void test_creating_a_user_with_a_wrong_csrf_token_returns_403_csrf_failed(void **state)
{
	struct fixture f;
	struct itest_response r;
	char *wrong;

	fixture_open(&f, state);
	/* Same length as the real token, one character changed. */
	wrong = sx_strdup(f.admin_csrf);
	assert_non_null(wrong);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	post_user(&r, f.admin, wrong, "csrf_wrong", NEW_PASSWORD, f.officer_role, f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);

	post_user(&r, f.admin, f.admin_csrf, "csrf_wrong", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	sx_free(wrong);
	fixture_close(&f);
}

static void test_csrf_token_of_another_session_is_rejected(void **state)
{
	struct fixture f;
	struct itest_client *other = new_client(state);
	struct itest_response r;
	char *other_csrf = NULL;

	fixture_open(&f, state);
	assert_int_equal(itest_login(&other_csrf, other, "admin", ITEST_DEMO_PASSWORD), 0);
	if (strcmp(other_csrf, f.admin_csrf) == 0)
		fail_msg("two logins got the same CSRF token %s", other_csrf);
	post_user(&r, other, f.admin_csrf, "csrf_crossed", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	sx_free(other_csrf);
	itest_client_free(other);
	fixture_close(&f);
}

/* ---- creating users ---------------------------------------------------------------------- */

static void test_admin_creates_a_user_who_can_then_log_in(void **state)
{
	struct fixture f;
	struct itest_client *c;
	struct itest_response r;
	json_t *user;

	fixture_open(&f, state);
	post_user(&r, f.admin, f.admin_csrf, "created_ok", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/json; charset=utf-8");
	user = json_object_get(r.json, "user");
	assert_true(json_is_object(user));
	assert_non_null(json_object_get(user, "id"));
	assert_false(json_is_null(json_object_get(user, "id")));
	assert_string_equal(json_string_value(json_object_get(user, "username")), "created_ok");
	assert_string_equal(json_string_value(json_object_get(user, "display_name")),
	                    "测试用户 created_ok");
	assert_string_equal(json_string_value(json_object_get(user, "role")), f.officer_role);
	assert_true(json_equal(json_object_get(user, "agency_id"), f.agency1_id));
	assert_true(json_is_false(json_object_get(user, "disabled")));
	assert_null(json_object_get(user, "password"));
	assert_null(json_object_get(user, "password_hash"));
	itest_response_free(&r);

	c = new_client(state);
	assert_int_equal(itest_login_response(&r, c, "created_ok", NEW_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(r.json, "user"), "role")),
	        f.officer_role);
	itest_response_free(&r);
	itest_client_free(c);
	fixture_close(&f);
}

static void test_creating_a_duplicate_username_returns_409_exists(void **state)
{
	struct fixture f;
	struct itest_response r;

	fixture_open(&f, state);
	post_user(&r, f.admin, f.admin_csrf, "dup_user", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	post_user(&r, f.admin, f.admin_csrf, "dup_user", NEW_PASSWORD, f.officer_role,
	          f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 409, "exists");
	itest_response_free(&r);
	post_user(&r, f.admin, f.admin_csrf, "officer", NEW_PASSWORD, f.officer_role, f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 409, "exists");
	itest_response_free(&r);

	/* The demo officer's password was not touched by the refused duplicate. */
	assert_login_status(state, "officer", ITEST_DEMO_PASSWORD, 201, NULL);
	fixture_close(&f);
}

static void test_password_shorter_than_10_characters_returns_400_weak_password(void **state)
{
	static const char *const weak[] = {"Abc-2026!", "Abc12", "x"};
	struct fixture f;
	struct itest_response r;
	size_t i;

	fixture_open(&f, state);
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		post_user(&r, f.admin, f.admin_csrf, "weak_pw", weak[i], f.officer_role,
		          f.agency1_id);
		if (r.status != 400)
			print_error("password \"%s\"\n", weak[i]);
		ITEST_ASSERT_API_ERROR(r, 400, "weak_password");
		itest_response_free(&r);
	}
	/* Ten characters is enough. */
	post_user(&r, f.admin, f.admin_csrf, "weak_pw", "Abc-2026!x", f.officer_role, f.agency1_id);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	assert_login_status(state, "weak_pw", "Abc-2026!x", 201, NULL);
	fixture_close(&f);
}

static void test_unknown_role_returns_400_invalid(void **state)
{
	struct fixture f;
	struct itest_response r;

	fixture_open(&f, state);
	post_user(&r, f.admin, f.admin_csrf, "bad_role", NEW_PASSWORD, "emperor", f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 400, "invalid");
	itest_response_free(&r);
	assert_login_status(state, "bad_role", NEW_PASSWORD, 401, "invalid_credentials");
	fixture_close(&f);
}

static void assert_cannot_create_users(void **state, const char *as_user, const char *username)
{
	struct fixture f;
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *csrf = NULL;

	fixture_open(&f, state);
	assert_int_equal(itest_login(&csrf, c, as_user, ITEST_DEMO_PASSWORD), 0);
	post_user(&r, c, csrf, username, NEW_PASSWORD, f.officer_role, f.agency1_id);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	assert_login_status(state, username, NEW_PASSWORD, 401, "invalid_credentials");
	sx_free(csrf);
	itest_client_free(c);
	fixture_close(&f);
}

static void test_officer_cannot_create_users(void **state)
{
	assert_cannot_create_users(state, "officer", "made_by_officer");
}

static void test_agency_head_cannot_create_users(void **state)
{
	assert_cannot_create_users(state, "agency_head", "made_by_agency_head");
}

/* ---- listing users ----------------------------------------------------------------------- */

static void test_admin_lists_all_users(void **state)
{
	struct fixture f;
	struct itest_response r;
	json_t *users;
	size_t i;

	fixture_open(&f, state);
	assert_int_equal(itest_get(&r, f.admin, "/api/v1/users"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "application/json; charset=utf-8");
	users = json_object_get(r.json, "users");
	assert_true(json_is_array(users));
	for (i = 0; i < sizeof(demo_agency1_users) / sizeof(demo_agency1_users[0]); i++) {
		if (!users_contain(users, demo_agency1_users[i]))
			fail_msg("admin's list lacks %s", demo_agency1_users[i]);
	}
	if (!users_contain(users, "officer2"))
		fail_msg("admin's list lacks officer2 (agency 2)");
	itest_response_free(&r);
	fixture_close(&f);
}

static void test_agency_head_lists_only_users_of_own_agency(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response login;
	struct itest_response r;
	json_t *agency;
	json_t *users;
	json_t *u;
	size_t i;

	assert_int_equal(itest_login_response(&login, c, "agency_head", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(login, 201);
	agency = json_object_get(json_object_get(login.json, "user"), "agency_id");
	assert_non_null(agency);

	assert_int_equal(itest_get(&r, c, "/api/v1/users"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	users = json_object_get(r.json, "users");
	assert_true(json_is_array(users));
	assert_true(users_contain(users, "officer"));
	assert_true(users_contain(users, "agency_head"));
	if (users_contain(users, "officer2"))
		fail_msg("agency_head of agency 1 sees officer2 of agency 2");
	json_array_foreach(users, i, u)
	{
		if (!json_equal(json_object_get(u, "agency_id"), agency))
			fail_msg("agency_head sees %s of another agency",
			         json_string_value(json_object_get(u, "username")));
	}
	itest_response_free(&r);
	itest_response_free(&login);
	itest_client_free(c);
}

static void test_officer_cannot_list_users(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char *csrf = NULL;

	assert_int_equal(itest_login(&csrf, c, "officer", ITEST_DEMO_PASSWORD), 0);
	assert_int_equal(itest_get(&r, c, "/api/v1/users"), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	sx_free(csrf);
	itest_client_free(c);
}

static void test_listing_users_without_login_returns_401_unauthenticated(void **state)
{
	struct itest_client *c = new_client(state);
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, "/api/v1/users"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	itest_client_free(c);
}

/* ---- disabling and passwords ------------------------------------------------------------- */

static void test_disabled_user_cannot_log_in_and_loses_existing_sessions(void **state)
{
	struct fixture f;
	struct itest_client *victim = new_client(state);
	struct itest_response r;
	char path[256];
	char *victim_csrf = NULL;
	char *id;
	json_t *user;

	fixture_open(&f, state);
	id = create_officer(&f, "to_disable", NEW_PASSWORD);
	assert_int_equal(itest_login(&victim_csrf, victim, "to_disable", NEW_PASSWORD), 0);

	snprintf(path, sizeof(path), "/api/v1/users/%s/disable", id);
	assert_int_equal(itest_send_json(&r, f.admin, "POST", path, "{}", f.admin_csrf), 0);
	ITEST_ASSERT_STATUS(r, 200);
	user = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(user, "username")), "to_disable");
	assert_true(json_is_true(json_object_get(user, "disabled")));
	itest_response_free(&r);

	assert_int_equal(itest_get(&r, victim, "/api/v1/session"), 0);
	ITEST_ASSERT_API_ERROR(r, 401, "unauthenticated");
	itest_response_free(&r);
	assert_login_status(state, "to_disable", NEW_PASSWORD, 401, "invalid_credentials");
	sx_free(id);
	sx_free(victim_csrf);
	itest_client_free(victim);
	fixture_close(&f);
}

static void test_officer_cannot_disable_users(void **state)
{
	struct fixture f;
	struct itest_client *c = new_client(state);
	struct itest_response r;
	char path[256];
	char *csrf = NULL;
	char *id;

	fixture_open(&f, state);
	id = create_officer(&f, "not_disabled", NEW_PASSWORD);
	assert_int_equal(itest_login(&csrf, c, "officer", ITEST_DEMO_PASSWORD), 0);
	snprintf(path, sizeof(path), "/api/v1/users/%s/disable", id);
	assert_int_equal(itest_send_json(&r, c, "POST", path, "{}", csrf), 0);
	ITEST_ASSERT_API_ERROR(r, 403, "forbidden");
	itest_response_free(&r);
	assert_login_status(state, "not_disabled", NEW_PASSWORD, 201, NULL);
	sx_free(id);
	sx_free(csrf);
	itest_client_free(c);
	fixture_close(&f);
}

static void test_admin_sets_a_password_after_which_only_the_new_one_works(void **state)
{
	static const char replaced[] = "Replaced-Password-7";
	struct fixture f;
	struct itest_response r;
	char path[256];
	char *id;

	fixture_open(&f, state);
	id = create_officer(&f, "pw_reset", NEW_PASSWORD);
	snprintf(path, sizeof(path), "/api/v1/users/%s/password", id);
	assert_int_equal(itest_send_json(&r, f.admin, "POST", path,
	                                 "{\"password\":\"Replaced-Password-7\"}", f.admin_csrf),
	                 0);
	ITEST_ASSERT_STATUS(r, 200);
	itest_response_free(&r);

	assert_login_status(state, "pw_reset", NEW_PASSWORD, 401, "invalid_credentials");
	assert_login_status(state, "pw_reset", replaced, 201, NULL);
	sx_free(id);
	fixture_close(&f);
}

static void test_setting_a_password_without_csrf_token_changes_nothing(void **state)
{
	struct fixture f;
	struct itest_response r;
	char path[256];
	char *id;

	fixture_open(&f, state);
	id = create_officer(&f, "pw_keep", NEW_PASSWORD);
	snprintf(path, sizeof(path), "/api/v1/users/%s/password", id);
	assert_int_equal(itest_send_json(&r, f.admin, "POST", path,
	                                 "{\"password\":\"Replaced-Password-7\"}", NULL),
	                 0);
	ITEST_ASSERT_API_ERROR(r, 403, "csrf_failed");
	itest_response_free(&r);
	assert_login_status(state, "pw_keep", NEW_PASSWORD, 201, NULL);
	sx_free(id);
	fixture_close(&f);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_creating_a_user_without_csrf_header_returns_403_csrf_failed),
	        cmocka_unit_test(
	                test_creating_a_user_with_a_wrong_csrf_token_returns_403_csrf_failed),
	        cmocka_unit_test(test_csrf_token_of_another_session_is_rejected),
	        cmocka_unit_test(test_admin_creates_a_user_who_can_then_log_in),
	        cmocka_unit_test(test_creating_a_duplicate_username_returns_409_exists),
	        cmocka_unit_test(
	                test_password_shorter_than_10_characters_returns_400_weak_password),
	        cmocka_unit_test(test_unknown_role_returns_400_invalid),
	        cmocka_unit_test(test_officer_cannot_create_users),
	        cmocka_unit_test(test_agency_head_cannot_create_users),
	        cmocka_unit_test(test_admin_lists_all_users),
	        cmocka_unit_test(test_agency_head_lists_only_users_of_own_agency),
	        cmocka_unit_test(test_officer_cannot_list_users),
	        cmocka_unit_test(test_listing_users_without_login_returns_401_unauthenticated),
	        cmocka_unit_test(test_disabled_user_cannot_log_in_and_loses_existing_sessions),
	        cmocka_unit_test(test_officer_cannot_disable_users),
	        cmocka_unit_test(test_admin_sets_a_password_after_which_only_the_new_one_works),
	        cmocka_unit_test(test_setting_a_password_without_csrf_token_changes_nothing),
	};
	int failures;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures = ITEST_RUN_GROUP("users and permissions", tests, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
