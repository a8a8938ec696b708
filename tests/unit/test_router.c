/*
 * Unit tests for http/router: literal segments, ":name" captures (copied into
 * the request's pool), the final "*" that takes the rest of the path,
 * trailing-slash significance, empty segments, the
 * not-found / wrong-method distinction and HEAD as GET, on a small table of
 * dummy handlers; then checks on the real route table of routes.c (patterns
 * well-formed, no duplicate method + pattern, no NULL handler, every route
 * reachable rather than shadowed by an earlier one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "base/pool.h"
#include "http/http.h"
#include "http/router.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Each dummy handler answers with its own number, so a test can tell which
 * one the router picked by calling it. */
enum {
	H_HEALTH = 1,
	H_USERS_LIST,
	H_USERS_CREATE,
	H_USER_GET,
	H_USER_DISABLE,
	H_AGENCY_USER,
	H_STAFF_REDIRECT,
	H_STAFF_HOME,
	H_SESSION_DELETE,
	H_ROOT,
	H_FILES,
};

#define DUMMY_HANDLER(fn, id)                                                         \
	static int fn(struct http_request *req, struct http_response *resp)          \
	{                                                                             \
		(void)req;                                                            \
		(void)resp;                                                           \
		return id;                                                            \
	}

DUMMY_HANDLER(h_health, H_HEALTH)
DUMMY_HANDLER(h_users_list, H_USERS_LIST)
DUMMY_HANDLER(h_users_create, H_USERS_CREATE)
DUMMY_HANDLER(h_user_get, H_USER_GET)
DUMMY_HANDLER(h_user_disable, H_USER_DISABLE)
DUMMY_HANDLER(h_agency_user, H_AGENCY_USER)
DUMMY_HANDLER(h_staff_redirect, H_STAFF_REDIRECT)
DUMMY_HANDLER(h_staff_home, H_STAFF_HOME)
DUMMY_HANDLER(h_session_delete, H_SESSION_DELETE)
DUMMY_HANDLER(h_root, H_ROOT)
DUMMY_HANDLER(h_files, H_FILES)

static const struct http_route test_routes[] = {
	{"GET", "/", h_root, false},
	{"GET", "/healthz", h_health, false},
	{"GET", "/users", h_users_list, true},
	{"POST", "/users", h_users_create, true},
	{"GET", "/users/:id", h_user_get, true},
	{"POST", "/users/:id/disable", h_user_disable, true},
	{"GET", "/agencies/:agency/users/:user", h_agency_user, true},
	{"GET", "/staff", h_staff_redirect, true},
	{"GET", "/staff/", h_staff_home, true},
	{"DELETE", "/session", h_session_delete, true},
	{"GET", "/files/*", h_files, false},
};

struct fixture {
	struct pool *pool;
	struct http_request req;
	char path[256];   /* writable, so a test can prove captures are copies */
};

static int setup(void **state)
{
	struct fixture *f = sx_calloc(1, sizeof(*f));

	if (f == NULL || pool_create(&f->pool, 64 * 1024) < 0) {
		sx_free(f);
		return -1;
	}
	f->req.pool = f->pool;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sx_mem_fail_after(-1);
	pool_destroy(f->pool);
	sx_free(f);
	return 0;
}

/* Matches method + path against the test table; returns the router's code
 * and, on success, the number of the handler it chose in *handler_id. */
static int route(struct fixture *f, const char *method, const char *path, int *handler_id)
{
	http_handler_fn handler = h_root;
	int rc;

	snprintf(f->path, sizeof(f->path), "%s", path);
	f->req.method = method;
	f->req.path = f->path;
	rc = http_router_match(&handler, test_routes, ARRAY_LEN(test_routes), &f->req);
	*handler_id = 0;
	if (rc == 0) {
		assert_non_null(handler);
		*handler_id = handler(NULL, NULL);
	} else {
		assert_null(handler);
	}
	return rc;
}

static void test_literal_paths_match_their_route_without_params(void **state)
{
	static const struct {
		const char *method;
		const char *path;
		int handler;
	} cases[] = {
		{"GET", "/", H_ROOT},
		{"GET", "/healthz", H_HEALTH},
		{"GET", "/users", H_USERS_LIST},
		{"POST", "/users", H_USERS_CREATE},
		{"DELETE", "/session", H_SESSION_DELETE},
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int id;

		f->req.param_count = 99;
		assert_int_equal(route(f, cases[i].method, cases[i].path, &id), 0);
		assert_int_equal(id, cases[i].handler);
		assert_int_equal(f->req.param_count, 0);
	}
}

static void test_param_segment_captures_a_copy_of_its_value(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "GET", "/users/01HZX8K3M4", &id), 0);
	assert_int_equal(id, H_USER_GET);
	assert_int_equal(f->req.param_count, 1);
	assert_string_equal(f->req.params[0].name, "id");
	assert_string_equal(f->req.params[0].value, "01HZX8K3M4");
	assert_string_equal(http_request_param(&f->req, "id"), "01HZX8K3M4");
	assert_null(http_request_param(&f->req, "user"));

	/* The value lives in the pool, not in the path buffer. */
	memset(f->path, 'z', sizeof(f->path) - 1);
	assert_string_equal(f->req.params[0].value, "01HZX8K3M4");
}

static void test_param_followed_by_literal_segment_matches(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "POST", "/users/abc/disable", &id), 0);
	assert_int_equal(id, H_USER_DISABLE);
	assert_int_equal(f->req.param_count, 1);
	assert_string_equal(http_request_param(&f->req, "id"), "abc");
}

static void test_two_params_are_captured_in_order(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "GET", "/agencies/AG-7/users/u.9", &id), 0);
	assert_int_equal(id, H_AGENCY_USER);
	assert_int_equal(f->req.param_count, 2);
	assert_string_equal(f->req.params[0].name, "agency");
	assert_string_equal(f->req.params[0].value, "AG-7");
	assert_string_equal(f->req.params[1].name, "user");
	assert_string_equal(f->req.params[1].value, "u.9");
}

static void test_param_value_may_hold_any_byte_but_slash(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "GET", "/users/a:b%20c?d", &id), 0);
	assert_int_equal(id, H_USER_GET);
	assert_string_equal(http_request_param(&f->req, "id"), "a:b%20c?d");
	assert_int_equal(route(f, "GET", "/users/\xe5\xbc\xa0", &id), 0);
	assert_string_equal(http_request_param(&f->req, "id"), "\xe5\xbc\xa0");
}

static void test_final_star_captures_the_rest_of_the_path(void **state)
{
	static const char *const rests[] = {"a", "tile/0/x001/234", "a//b/", "entries/000.p/5"};
	struct fixture *f = *state;
	char path[128];
	int id;

	for (size_t i = 0; i < ARRAY_LEN(rests); i++) {
		snprintf(path, sizeof(path), "/files/%s", rests[i]);
		assert_int_equal(route(f, "GET", path, &id), 0);
		assert_int_equal(id, H_FILES);
		assert_int_equal(f->req.param_count, 1);
		assert_string_equal(http_request_param(&f->req, "*"), rests[i]);
	}
	/* The rest is one or more characters. */
	assert_int_equal(route(f, "GET", "/files/", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "GET", "/files", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "POST", "/files/a/b", &id), SX_EMETHOD);
}

static void test_trailing_slash_is_significant(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "GET", "/staff", &id), 0);
	assert_int_equal(id, H_STAFF_REDIRECT);
	assert_int_equal(route(f, "GET", "/staff/", &id), 0);
	assert_int_equal(id, H_STAFF_HOME);
	assert_int_equal(route(f, "GET", "/healthz/", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "GET", "/users/", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "GET", "/users/abc/", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "POST", "/users/abc/disable/", &id), SX_ENOTFOUND);
	assert_int_equal(route(f, "GET", "/staff//", &id), SX_ENOTFOUND);
}

static void test_empty_segment_does_not_match_a_param(void **state)
{
	static const char *const paths[] = {
		"/users/",
		"/users//disable",
		"/agencies//users/u1",
		"/agencies/a1/users/",
		"/agencies//users/",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		int id;

		if (route(f, "GET", paths[i], &id) != SX_ENOTFOUND)
			fail_msg("%s should not match", paths[i]);
		if (route(f, "POST", paths[i], &id) != SX_ENOTFOUND)
			fail_msg("POST %s should not match", paths[i]);
	}
}

static void test_unknown_path_is_not_found(void **state)
{
	static const char *const paths[] = {
		"", "/nope", "/HEALTHZ", "/healthzz", "/health", "healthz", "/users/a/b",
		"/users/a/disablex", "/agencies/a/users", "//healthz", "/session/x",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
		int id;

		if (route(f, "GET", paths[i], &id) != SX_ENOTFOUND)
			fail_msg("GET \"%s\" should be not found", paths[i]);
	}
}

static void test_known_path_with_wrong_method_is_method_error(void **state)
{
	static const struct {
		const char *method;
		const char *path;
	} cases[] = {
		{"POST", "/healthz"},
		{"DELETE", "/users"},
		{"PUT", "/users/abc"},
		{"GET", "/users/abc/disable"},
		{"GET", "/session"},
		{"POST", "/staff/"},
		{"get", "/healthz"},          /* methods are case-sensitive (RFC 9110 §9.1) */
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int id;

		if (route(f, cases[i].method, cases[i].path, &id) != SX_EMETHOD)
			fail_msg("%s %s should be a method error", cases[i].method, cases[i].path);
	}
}

static void test_head_matches_get_routes_only(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "HEAD", "/healthz", &id), 0);
	assert_int_equal(id, H_HEALTH);
	assert_int_equal(route(f, "HEAD", "/users/x1", &id), 0);
	assert_int_equal(id, H_USER_GET);
	assert_string_equal(http_request_param(&f->req, "id"), "x1");
	assert_int_equal(route(f, "HEAD", "/session", &id), SX_EMETHOD);
	assert_int_equal(route(f, "HEAD", "/nope", &id), SX_ENOTFOUND);
}

static void test_literal_match_clears_params_of_an_earlier_match(void **state)
{
	struct fixture *f = *state;
	int id;

	assert_int_equal(route(f, "GET", "/users/first", &id), 0);
	assert_int_equal(f->req.param_count, 1);
	assert_int_equal(route(f, "GET", "/healthz", &id), 0);
	assert_int_equal(f->req.param_count, 0);
	assert_null(http_request_param(&f->req, "id"));
}

static void test_empty_table_finds_nothing(void **state)
{
	struct fixture *f = *state;
	http_handler_fn handler = h_root;

	f->req.method = "GET";
	f->req.path = "/";
	assert_int_equal(http_router_match(&handler, test_routes, 0, &f->req), SX_ENOTFOUND);
	assert_null(handler);
}

static void test_more_params_than_the_request_holds_do_not_match(void **state)
{
	static const struct http_route many[] = {
		{"GET", "/:a/:b/:c/:d/:e/:f/:g/:h/:i", h_root, false},
		{"GET", "/:a/:b/:c/:d/:e/:f/:g/:h", h_health, false},
	};
	struct fixture *f = *state;
	http_handler_fn handler = NULL;

	f->req.method = "GET";
	f->req.path = "/1/2/3/4/5/6/7/8/9";
	assert_int_equal(http_router_match(&handler, many, ARRAY_LEN(many), &f->req),
			 SX_ENOTFOUND);
	f->req.path = "/1/2/3/4/5/6/7/8";
	assert_int_equal(http_router_match(&handler, many, ARRAY_LEN(many), &f->req), 0);
	assert_int_equal(handler(NULL, NULL), H_HEALTH);
	assert_int_equal(f->req.param_count, HTTP_MAX_PATH_PARAMS);
	assert_string_equal(http_request_param(&f->req, "h"), "8");
}

/* ---- the real route table ---- */

static bool is_known_method(const char *m)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

	for (size_t i = 0; i < ARRAY_LEN(methods); i++) {
		if (strcmp(m, methods[i]) == 0)
			return true;
	}
	return false;
}

static void test_real_routes_are_well_formed(void **state)
{
	(void)state;
	assert_true(http_route_count > 0);
	for (size_t i = 0; i < http_route_count; i++) {
		const struct http_route *r = &http_routes[i];

		assert_non_null(r->method);
		assert_non_null(r->pattern);
		if (!is_known_method(r->method))
			fail_msg("route %zu has method \"%s\"", i, r->method);
		if (r->pattern[0] != '/')
			fail_msg("route %s %s does not start with /", r->method, r->pattern);
		if (r->handler == NULL)
			fail_msg("route %s %s has no handler", r->method, r->pattern);
		/* A "*" is only ever a whole final segment. */
		for (const char *c = strchr(r->pattern, '*'); c; c = strchr(c + 1, '*')) {
			if (c[-1] != '/' || c[1] != '\0')
				fail_msg("route %s %s has a misplaced *", r->method, r->pattern);
		}
		/* A ":" starts a whole segment and names it. */
		for (const char *c = strchr(r->pattern, ':'); c; c = strchr(c + 1, ':')) {
			if (c[-1] != '/' || c[1] == '/' || c[1] == '\0')
				fail_msg("route %s %s has a malformed parameter", r->method,
					 r->pattern);
		}
		assert_null(strstr(r->pattern, "//"));
	}
}

static void test_real_routes_do_not_repeat_method_and_pattern(void **state)
{
	(void)state;
	for (size_t i = 0; i < http_route_count; i++) {
		for (size_t k = i + 1; k < http_route_count; k++) {
			if (strcmp(http_routes[i].method, http_routes[k].method) == 0 &&
			    strcmp(http_routes[i].pattern, http_routes[k].pattern) == 0)
				fail_msg("%s %s appears twice", http_routes[i].method,
					 http_routes[i].pattern);
		}
	}
}

/* Builds a concrete path from a pattern by filling each ":name" with "x1"
 * and a final "*" with "x1/x1". */
static void path_from_pattern(char *out, size_t out_size, const char *pattern)
{
	size_t n = 0;

	for (const char *p = pattern; *p; ) {
		if (p[0] == '*' && p[1] == '\0') {
			assert_true(n + 5 < out_size);
			memcpy(out + n, "x1/x1", 5);
			n += 5;
			p++;
			continue;
		}
		if (*p == ':') {
			p += strcspn(p, "/");
			assert_true(n + 2 < out_size);
			memcpy(out + n, "x1", 2);
			n += 2;
			continue;
		}
		assert_true(n + 1 < out_size);
		out[n++] = *p++;
	}
	out[n] = '\0';
}

static void test_every_real_route_is_reachable(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < http_route_count; i++) {
		const struct http_route *r = &http_routes[i];
		http_handler_fn handler = NULL;
		int rc;

		path_from_pattern(f->path, sizeof(f->path), r->pattern);
		f->req.method = r->method;
		f->req.path = f->path;
		rc = http_router_match(&handler, http_routes, http_route_count, &f->req);
		if (rc != 0 || handler != r->handler)
			fail_msg("%s %s (as %s) reaches another handler or none (rc %d)",
				 r->method, r->pattern, f->path, rc);
		for (size_t k = 0; k < f->req.param_count; k++) {
			bool star = strcmp(f->req.params[k].name, "*") == 0;

			assert_string_equal(f->req.params[k].value, star ? "x1/x1" : "x1");
		}
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_literal_paths_match_their_route_without_params),
		T(test_param_segment_captures_a_copy_of_its_value),
		T(test_param_followed_by_literal_segment_matches),
		T(test_two_params_are_captured_in_order),
		T(test_param_value_may_hold_any_byte_but_slash),
		T(test_final_star_captures_the_rest_of_the_path),
		T(test_trailing_slash_is_significant),
		T(test_empty_segment_does_not_match_a_param),
		T(test_unknown_path_is_not_found),
		T(test_known_path_with_wrong_method_is_method_error),
		T(test_head_matches_get_routes_only),
		T(test_literal_match_clears_params_of_an_earlier_match),
		T(test_empty_table_finds_nothing),
		T(test_more_params_than_the_request_holds_do_not_match),
		cmocka_unit_test(test_real_routes_are_well_formed),
		cmocka_unit_test(test_real_routes_do_not_repeat_method_and_pattern),
		T(test_every_real_route_is_reachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
