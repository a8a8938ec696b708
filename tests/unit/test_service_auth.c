/*
 * Unit tests for service/auth and service/users against a real database
 * (SQLite, or PostgreSQL when SANXIANG_TEST_BACKEND says so: tests/support/testdb.h):
 * every test gets a fresh database and its own mkdtemp directory,
 * loaded with the demo data (seven users of one city, 330100: admin,
 * officer, unit_head, reviewer and agency_head of the 市场监督管理局,
 * supervisor of the 司法局, officer2 of the 生态环境局).
 *
 * Covered: login and session resolution, one answer for wrong password and
 * unknown user, throttling and lockout (and that a success clears the count),
 * logout, disabling and password changes revoking sessions, CSRF checks, the
 * admin-only user management, list and find scopes per role, loading the demo
 * twice, and the audit trail. Idle expiry over real time needs clock control
 * and is covered by test_account (account_session_is_live); here only a
 * policy whose limits have already passed is checked.
 *
 * Argon2 runs with cheap parameters (t=1, 1 MiB) so that the suite stays fast;
 * only the unknown-user path verifies against the built-in dummy hash at the
 * default cost, which is its point.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_fixture.h"
#include "testdb.h"

#include "base/error.h"
#include "base/mem.h"
#include "crypto/password.h"
#include "domain/account.h"
#include "service/auth.h"
#include "service/demo.h"
#include "service/ledger.h"
#include "service/service.h"
#include "service/users.h"
#include "store/store.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DEMO_PW SERVICE_DEMO_PASSWORD
#define DEMO_PW_LEN (sizeof(SERVICE_DEMO_PASSWORD) - 1)
#define DEMO_USER_COUNT 7

static const struct crypto_password_params cheap_params = {
	.t_cost = 1,
	.m_cost_kib = 1024,
	.parallelism = 1,
};

struct fixture {
	char dir[256];
	char db[300];
	char key_dir[300];
	struct store *store;
	struct service svc;
	struct service_actor cli;   /* the synthetic command-line admin */
};

static int setup(void **state)
{
	struct fixture *f = sx_calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct service_ledger_init_options lopt = {"sha256", "sanxiang.test/service-auth", NULL};
	struct sx_error err;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/sx-service-auth-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL) {
		sx_free(f);
		return -1;
	}
	snprintf(f->key_dir, sizeof(f->key_dir), "%s/keys", f->dir);
	sx_error_clear(&err);
	if (testdb_create(f->db, sizeof(f->db), f->dir, &err) < 0 ||
	    store_create(f->db, &err) < 0 || store_open(&f->store, f->db, NULL, &err) < 0) {
		fprintf(stderr, "test: store: %s %s\n", err.code, err.detail);
		goto fail;
	}
	service_init(&f->svc, f->store);
	f->svc.password_params = &cheap_params;
	/* As `sanxiang init` does: changes are recorded in the ledger too. */
	lopt.key_dir = f->key_dir;
	if (service_ledger_init(&f->svc, &lopt, &err) < 0) {
		fprintf(stderr, "test: ledger: %s %s\n", err.code, err.detail);
		goto fail;
	}
	service_actor_cli(&f->cli, "tester");
	if (service_demo_load(&f->svc, &f->cli, &err) < 0) {
		fprintf(stderr, "test: demo: %s %s\n", err.code, err.detail);
		goto fail;
	}
	*state = f;
	return 0;
fail:
	store_close(f->store);
	testdb_drop(f->db);
	demo_fixture_remove_tree(f->dir);
	sx_free(f);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sx_mem_fail_after(-1);
	store_close(f->store);
	testdb_drop(f->db);
	demo_fixture_remove_tree(f->dir);
	sx_free(f);
	return 0;
}

/* ---- helpers ---- */

static int login(struct service_login_result *out, struct fixture *f, const char *username,
		 const char *password, struct sx_error *err)
{
	sx_error_clear(err);
	return service_login(out, &f->svc, username, password, strlen(password), "192.0.2.7", err);
}

/* Logs in with the demo password; fails the test otherwise. */
static void login_ok(struct service_login_result *out, struct fixture *f, const char *username)
{
	struct sx_error err;
	int rc = login(out, f, username, DEMO_PW, &err);

	if (rc != 0)
		fail_msg("login %s: %d %s (%s)", username, rc, err.code, err.detail);
}

static int resolve(struct service_actor *out, struct fixture *f, const char *token)
{
	struct sx_error err;

	sx_error_clear(&err);
	return service_session_resolve(out, &f->svc, token, &err);
}

/*
 * Reads happen in a transaction that is ended before anything is asserted: a
 * failed assertion leaves the test by longjmp, and a transaction left open
 * would make store_close in teardown wait forever.
 */
static int64_t audit_count(struct fixture *f, const char *action)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;
	int rc;

	sx_error_clear(&err);
	if ((rc = store_begin(&tx, f->store, STORE_TX_READ, &err)) == 0) {
		rc = store_audit_count(&n, tx, action, &err);
		store_rollback(tx);
	}
	assert_int_equal(rc, 0);
	return n;
}

/* The stored throttle row of username: 0, or SX_ENOTFOUND when there is none. */
static int throttle_row(struct store_throttle *out, struct fixture *f, const char *username)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = store_begin(&tx, f->store, STORE_TX_READ, &err)) < 0)
		return rc;
	rc = store_throttle_get(out, tx, username, NULL);
	store_rollback(tx);
	return rc;
}

/* The user's id, looked up by the CLI admin. */
static void user_id_of(char out[STORE_ID_SIZE], struct fixture *f, const char *username)
{
	struct service_user u;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(service_user_find(&u, &f->svc, &f->cli, username, &err), 0);
	snprintf(out, STORE_ID_SIZE, "%s", u.id);
}

static bool list_has(const struct service_user *users, size_t count, const char *username)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(users[i].username, username) == 0)
			return true;
	}
	return false;
}

/* Whether the stored session with that hash carries a revocation time. */
static bool session_is_revoked(struct fixture *f, const char *session_hash)
{
	struct store_tx *tx = NULL;
	struct store_session session;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = store_begin(&tx, f->store, STORE_TX_READ, &err)) == 0) {
		rc = store_session_get(&session, tx, session_hash, &err);
		store_rollback(tx);
	}
	assert_int_equal(rc, 0);
	return session.revoked_at[0] != '\0';
}

/* ---- login and sessions ---- */

static void test_login_returns_a_token_csrf_and_the_actor(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;

	login_ok(&r, f, "officer");
	assert_int_equal(strlen(r.token), 43);
	assert_int_equal(strspn(r.token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789-_"),
			 43);
	assert_int_equal(strlen(r.actor.csrf_token), 43);
	assert_string_not_equal(r.actor.csrf_token, r.token);
	assert_true(r.actor.session_hash[0] != '\0');
	assert_string_equal(r.actor.username, "officer");
	assert_string_equal(r.actor.display_name, "张明");
	assert_int_equal(r.actor.role, ACCOUNT_ROLE_OFFICER);
	assert_string_equal(r.actor.agency_name, "示例市市场监督管理局");
	assert_string_equal(r.actor.region_code, "330100");
	assert_true(r.actor.user_id[0] != '\0');
	assert_int_equal(r.max_age_seconds, f->svc.session.max_seconds);
}

static void test_session_resolves_to_the_same_user(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor a;

	login_ok(&r, f, "agency_head");
	assert_int_equal(resolve(&a, f, r.token), 0);
	assert_string_equal(a.user_id, r.actor.user_id);
	assert_string_equal(a.username, "agency_head");
	assert_int_equal(a.role, ACCOUNT_ROLE_AGENCY_HEAD);
	assert_string_equal(a.agency_id, r.actor.agency_id);
	assert_string_equal(a.region_code, "330100");
	assert_string_equal(a.csrf_token, r.actor.csrf_token);
	assert_string_equal(a.session_hash, r.actor.session_hash);
	/* Resolving again changes nothing. */
	assert_int_equal(resolve(&a, f, r.token), 0);
	assert_string_equal(a.user_id, r.actor.user_id);
}

static void test_tokens_never_issued_do_not_resolve(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor a;
	struct sx_error err;
	char forged[44];
	const char *const bad[] = {"", "short", "x", NULL};

	login_ok(&r, f, "officer");
	/* Same shape as a real token, one character different. */
	memcpy(forged, r.token, sizeof(forged));
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	sx_error_clear(&err);
	assert_int_equal(service_session_resolve(&a, &f->svc, forged, &err), SX_EAUTH);
	assert_string_equal(err.code, "unauthenticated");
	assert_string_equal(a.user_id, "");
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		sx_error_clear(&err);
		assert_int_equal(service_session_resolve(&a, &f->svc, bad[i], &err), SX_EAUTH);
		assert_string_equal(err.code, "unauthenticated");
	}
	/* The session hash is not a token. */
	assert_int_equal(resolve(&a, f, r.actor.session_hash), SX_EAUTH);
}

static void test_wrong_password_and_unknown_user_get_the_same_answer(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error wrong, unknown;

	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &wrong), SX_EAUTH);
	assert_string_equal(r.token, "");
	assert_int_equal(login(&r, f, "nobody", DEMO_PW, &unknown), SX_EAUTH);
	assert_string_equal(r.token, "");
	assert_string_equal(wrong.code, "invalid_credentials");
	assert_string_equal(unknown.code, wrong.code);
	assert_string_equal(unknown.message, wrong.message);
	assert_int_equal(audit_count(f, "session.login"), 0);
}

static void test_password_is_compared_exactly(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;
	const char *const near[] = {"sanxiang@2026", "Sanxiang@2026 ", " Sanxiang@2026",
				    "Sanxiang@202", "SANXIANG@2026"};

	f->svc.throttle.delay_after = 0;
	f->svc.throttle.lockout_after = 0;
	for (size_t i = 0; i < ARRAY_LEN(near); i++)
		assert_int_equal(login(&r, f, "reviewer", near[i], &err), SX_EAUTH);
	/* The length given is what counts: a longer buffer with the right prefix fails. */
	sx_error_clear(&err);
	assert_int_equal(service_login(&r, &f->svc, "unit_head", "Sanxiang@2026!", DEMO_PW_LEN + 1,
				       NULL, &err),
			 SX_EAUTH);
	assert_int_equal(service_login(&r, &f->svc, "unit_head", "Sanxiang@2026!", DEMO_PW_LEN,
				       NULL, &err),
			 0);
}

static void test_malformed_credentials_are_refused_without_a_session(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;
	char long_name[80];

	const struct {
		const char *username;
		const char *password;
		size_t len;
	} cases[] = {
		{NULL, DEMO_PW, DEMO_PW_LEN},
		{"", DEMO_PW, DEMO_PW_LEN},
		{long_name, DEMO_PW, DEMO_PW_LEN},
		{"officer", NULL, 0},
		{"officer", NULL, DEMO_PW_LEN},
		{"officer", DEMO_PW, 0},
	};

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		sx_error_clear(&err);
		assert_int_equal(service_login(&r, &f->svc, cases[i].username, cases[i].password,
					       cases[i].len, NULL, &err),
				 SX_EAUTH);
		/* The same answer as a wrong password: nothing tells what was wrong. */
		assert_string_equal(err.code, "invalid_credentials");
		assert_string_equal(r.token, "");
	}
	assert_int_equal(audit_count(f, "session.login"), 0);
}

static void test_two_logins_give_two_live_sessions(void **state)
{
	struct fixture *f = *state;
	struct service_login_result a, b;
	struct service_actor x;

	login_ok(&a, f, "officer");
	login_ok(&b, f, "officer");
	assert_string_not_equal(a.token, b.token);
	assert_string_not_equal(a.actor.csrf_token, b.actor.csrf_token);
	assert_string_not_equal(a.actor.session_hash, b.actor.session_hash);
	assert_int_equal(resolve(&x, f, a.token), 0);
	assert_string_equal(x.csrf_token, a.actor.csrf_token);
	assert_int_equal(resolve(&x, f, b.token), 0);
	assert_string_equal(x.csrf_token, b.actor.csrf_token);
}

static void test_logout_revokes_only_that_session(void **state)
{
	struct fixture *f = *state;
	struct service_login_result a, b;
	struct service_actor x;
	struct sx_error err;

	login_ok(&a, f, "officer");
	login_ok(&b, f, "officer");
	assert_int_equal(resolve(&x, f, a.token), 0);
	sx_error_clear(&err);
	assert_int_equal(service_logout(&f->svc, &x, &err), 0);
	assert_int_equal(resolve(&x, f, a.token), SX_EAUTH);
	assert_true(session_is_revoked(f, a.actor.session_hash));
	assert_false(session_is_revoked(f, b.actor.session_hash));
	assert_int_equal(resolve(&x, f, b.token), 0);
	assert_int_equal(audit_count(f, "session.logout"), 1);
	/* An actor without a session (the CLI) has nothing to log out. */
	assert_int_equal(service_logout(&f->svc, &f->cli, &err), SX_EAUTH);
}

static void test_session_past_the_policy_limits_does_not_resolve(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor x;
	struct service strict;
	struct sx_error err;

	login_ok(&r, f, "officer");
	/* The same store read under policies whose limits have already passed. */
	strict = f->svc;
	strict.session.idle_seconds = 0;
	sx_error_clear(&err);
	assert_int_equal(service_session_resolve(&x, &strict, r.token, &err), SX_EAUTH);
	assert_string_equal(err.code, "unauthenticated");
	strict = f->svc;
	strict.session.max_seconds = 0;
	assert_int_equal(service_session_resolve(&x, &strict, r.token, &err), SX_EAUTH);
	/* Under the real policy it is live. */
	assert_int_equal(resolve(&x, f, r.token), 0);
}

/* ---- throttling ---- */

static void test_failures_past_delay_after_throttle_even_the_right_password(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;

	/* A long first delay so that the test cannot outrun it on a slow machine. */
	f->svc.throttle.delay_after = 3;
	f->svc.throttle.delay_base_ms = 60 * 1000;
	f->svc.throttle.delay_max_ms = 120 * 1000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(login(&r, f, "officer", DEMO_PW, &err), SX_ETHROTTLED);
	assert_string_equal(err.code, "login_throttled");
	assert_true(r.retry_after_seconds >= 1);
	assert_true(r.retry_after_seconds <= 60);
	assert_string_equal(r.token, "");
	/* Throttled attempts change nothing: still throttled. */
	assert_int_equal(login(&r, f, "officer", DEMO_PW, &err), SX_ETHROTTLED);
	/* The count belongs to the username: another user is unaffected. */
	login_ok(&r, f, "unit_head");
	assert_int_equal(audit_count(f, "session.login"), 1);
}

static void test_unknown_usernames_are_throttled_like_known_ones(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;

	f->svc.throttle.delay_after = 1;
	f->svc.throttle.delay_base_ms = 60 * 1000;
	assert_int_equal(login(&r, f, "ghost", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(login(&r, f, "ghost", "Wrong@2026x", &err), SX_ETHROTTLED);
}

static void test_lockout_after_failures_locks_even_the_right_password(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;

	f->svc.throttle.delay_after = 0;
	f->svc.throttle.lockout_after = 3;
	f->svc.throttle.lockout_seconds = 900;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
		assert_string_equal(err.code, "invalid_credentials");
	}
	assert_int_equal(login(&r, f, "officer", DEMO_PW, &err), SX_ELOCKED);
	assert_string_equal(err.code, "account_locked");
	assert_true(r.retry_after_seconds >= 1);
	assert_true(r.retry_after_seconds <= 900);
	assert_string_equal(r.token, "");
	assert_int_equal(audit_count(f, "session.lockout"), 1);
	assert_int_equal(audit_count(f, "session.login"), 0);
}

static void test_no_delay_and_no_lockout_when_both_are_off(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;

	f->svc.throttle.delay_after = 0;
	f->svc.throttle.lockout_after = 0;
	for (int i = 0; i < 6; i++)
		assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	login_ok(&r, f, "officer");
}

static void test_success_clears_the_failure_count(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct store_throttle t;
	struct sx_error err;

	f->svc.throttle.delay_after = 3;
	f->svc.throttle.delay_base_ms = 60 * 1000;
	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(throttle_row(&t, f, "officer"), 0);
	assert_int_equal(t.failures, 2);
	login_ok(&r, f, "officer");
	assert_int_equal(throttle_row(&t, f, "officer"), SX_ENOTFOUND);
	/* Two more failures are the 1st and 2nd again, not the 3rd and 4th. */
	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	login_ok(&r, f, "officer");
}

/* ---- CSRF ---- */

static void test_csrf_check_accepts_only_the_sessions_token(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct sx_error err;
	char other[STORE_TOKEN_SIZE];

	login_ok(&r, f, "officer");
	sx_error_clear(&err);
	assert_int_equal(service_check_csrf(&r.actor, r.actor.csrf_token, &err), 0);
	assert_int_equal(err.rc, 0);
	assert_int_equal(service_check_csrf(&r.actor, NULL, &err), SX_ECSRF);
	assert_string_equal(err.code, "csrf_failed");
	assert_int_equal(service_check_csrf(&r.actor, "", NULL), SX_ECSRF);
	assert_int_equal(service_check_csrf(&r.actor, r.token, NULL), SX_ECSRF);
	snprintf(other, sizeof(other), "%s", r.actor.csrf_token);
	other[42] = other[42] == 'A' ? 'B' : 'A';
	assert_int_equal(service_check_csrf(&r.actor, other, NULL), SX_ECSRF);
	other[42] = '\0';
	assert_int_equal(service_check_csrf(&r.actor, other, NULL), SX_ECSRF);
	/* An actor without a session has no token to match, not even "". */
	assert_int_equal(service_check_csrf(&f->cli, "", NULL), SX_ECSRF);
	assert_int_equal(service_check_csrf(&f->cli, r.actor.csrf_token, NULL), SX_ECSRF);
}

/* ---- disabling and passwords ---- */

static void test_disabled_user_cannot_log_in_and_loses_sessions(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor x;
	struct service_user u;
	struct sx_error err, wrong;

	login_ok(&r, f, "officer");
	sx_error_clear(&err);
	assert_int_equal(service_user_disable(&u, &f->svc, &f->cli, r.actor.user_id, &err), 0);
	assert_true(u.disabled);
	assert_string_equal(u.username, "officer");
	assert_int_equal(resolve(&x, f, r.token), SX_EAUTH);
	/* Revoked, not merely refused while the flag is set. */
	assert_true(session_is_revoked(f, r.actor.session_hash));
	assert_int_equal(login(&r, f, "officer", DEMO_PW, &err), SX_EAUTH);
	/* Indistinguishable from a wrong password. */
	assert_int_equal(login(&r, f, "reviewer", "Wrong@2026x", &wrong), SX_EAUTH);
	assert_string_equal(err.code, wrong.code);
	assert_string_equal(err.message, wrong.message);
	assert_int_equal(audit_count(f, "user.disable"), 1);
	assert_int_equal(service_user_find(&u, &f->svc, &f->cli, "officer", &err), 0);
	assert_true(u.disabled);
}

static void test_session_of_a_user_disabled_in_the_store_stops_resolving(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor x;
	struct store_tx *tx = NULL;
	struct sx_error err;
	int rc;

	login_ok(&r, f, "officer");
	/* Disabled without the service revoking the sessions (another process,
	 * an older binary, a repair by hand): the flag alone must be enough. */
	sx_error_clear(&err);
	if ((rc = store_begin(&tx, f->store, STORE_TX_WRITE, &err)) == 0) {
		rc = store_user_set_disabled(tx, r.actor.user_id, true, &err);
		if (rc == 0)
			rc = store_commit(tx, &err);
		else
			store_rollback(tx);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(resolve(&x, f, r.token), SX_EAUTH);
}

static void test_only_admins_disable_and_not_themselves(void **state)
{
	struct fixture *f = *state;
	struct service_login_result admin, head;
	char officer_id[STORE_ID_SIZE];
	struct sx_error err;

	user_id_of(officer_id, f, "officer");
	login_ok(&head, f, "agency_head");
	sx_error_clear(&err);
	assert_int_equal(service_user_disable(NULL, &f->svc, &head.actor, officer_id, &err),
			 SX_EPERM);
	login_ok(&admin, f, "admin");
	assert_int_equal(service_user_disable(NULL, &f->svc, &admin.actor, admin.actor.user_id,
					      &err),
			 SX_ECONFLICT);
	assert_int_equal(service_user_disable(NULL, &f->svc, &admin.actor,
					      "01NOSUCHUSER0000000000000", &err),
			 SX_ENOTFOUND);
	assert_int_equal(audit_count(f, "user.disable"), 0);
	assert_int_equal(service_user_disable(NULL, &f->svc, &admin.actor, officer_id, &err), 0);
	assert_int_equal(audit_count(f, "user.disable"), 1);
}

static void test_set_password_revokes_sessions_and_the_new_one_works(void **state)
{
	static const char new_pw[] = "Qingshan#88river";
	struct fixture *f = *state;
	struct service_login_result a, b;
	struct service_actor x;
	struct sx_error err;

	login_ok(&a, f, "officer");
	login_ok(&b, f, "officer");
	sx_error_clear(&err);
	assert_int_equal(service_user_set_password(&f->svc, &f->cli, a.actor.user_id, new_pw,
						   strlen(new_pw), &err),
			 0);
	assert_int_equal(resolve(&x, f, a.token), SX_EAUTH);
	assert_int_equal(resolve(&x, f, b.token), SX_EAUTH);
	assert_true(session_is_revoked(f, a.actor.session_hash));
	assert_true(session_is_revoked(f, b.actor.session_hash));
	assert_int_equal(login(&a, f, "officer", DEMO_PW, &err), SX_EAUTH);
	assert_int_equal(login(&a, f, "officer", new_pw, &err), 0);
	assert_int_equal(resolve(&x, f, a.token), 0);
	assert_int_equal(audit_count(f, "user.password"), 1);
}

static void test_users_may_change_their_own_password_but_not_others(void **state)
{
	static const char new_pw[] = "Qingshan#88river";
	struct fixture *f = *state;
	struct service_login_result me;
	char other_id[STORE_ID_SIZE];
	struct sx_error err;

	user_id_of(other_id, f, "reviewer");
	/* Heads may see their agency's users but not reset their passwords. */
	login_ok(&me, f, "agency_head");
	sx_error_clear(&err);
	assert_int_equal(service_user_set_password(&f->svc, &me.actor, other_id, new_pw,
						   strlen(new_pw), &err),
			 SX_EPERM);
	login_ok(&me, f, "officer");
	assert_int_equal(service_user_set_password(&f->svc, &me.actor, other_id, new_pw,
						   strlen(new_pw), &err),
			 SX_EPERM);
	assert_int_equal(service_user_set_password(&f->svc, &me.actor, me.actor.user_id, "short",
						   5, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "weak_password");
	/* The password may not contain the username. */
	assert_int_equal(service_user_set_password(&f->svc, &me.actor, me.actor.user_id,
						   "MyOfficer#2026", 14, &err),
			 SX_EINVALID);
	assert_int_equal(audit_count(f, "user.password"), 0);
	assert_int_equal(service_user_set_password(&f->svc, &me.actor, me.actor.user_id, new_pw,
						   strlen(new_pw), &err),
			 0);
	assert_int_equal(login(&me, f, "reviewer", DEMO_PW, &err), 0);
	assert_int_equal(login(&me, f, "officer", new_pw, &err), 0);
}

/* ---- creating users ---- */

static void new_user(struct service_user_new *out, const char *username, const char *password,
		     const char *agency_id)
{
	memset(out, 0, sizeof(*out));
	out->username = username;
	out->display_name = "新同事";
	out->password = password;
	out->password_len = strlen(password);
	out->role = "officer";
	out->agency_id = agency_id;
}

static void test_user_create_is_for_admins_only(void **state)
{
	struct fixture *f = *state;
	struct service_login_result officer, head, sup;
	struct service_user_new in;
	struct service_user u;
	struct sx_error err;

	login_ok(&officer, f, "officer");
	login_ok(&head, f, "agency_head");
	login_ok(&sup, f, "supervisor");
	new_user(&in, "newbie", "Qingshan#88river", officer.actor.agency_id);
	sx_error_clear(&err);
	assert_int_equal(service_user_create(&u, &f->svc, &officer.actor, &in, &err), SX_EPERM);
	assert_string_equal(err.code, "forbidden");
	assert_int_equal(service_user_create(&u, &f->svc, &head.actor, &in, &err), SX_EPERM);
	assert_int_equal(service_user_create(&u, &f->svc, &sup.actor, &in, &err), SX_EPERM);
	assert_int_equal(audit_count(f, "user.create"), 0);
	assert_int_equal(service_user_find(&u, &f->svc, &f->cli, "newbie", &err), SX_ENOTFOUND);
}

static void test_cli_admin_creates_a_user_who_can_log_in(void **state)
{
	struct fixture *f = *state;
	struct service_login_result officer, r;
	struct service_user_new in;
	struct service_user u, found;
	struct sx_error err;

	login_ok(&officer, f, "officer");
	new_user(&in, "newbie", "Qingshan#88river", officer.actor.agency_id);
	in.role = "reviewer";
	sx_error_clear(&err);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), 0);
	assert_string_equal(u.username, "newbie");
	assert_string_equal(u.display_name, "新同事");
	assert_int_equal(u.role, ACCOUNT_ROLE_REVIEWER);
	assert_string_equal(u.agency_id, officer.actor.agency_id);
	assert_false(u.disabled);
	assert_int_equal(strlen(u.id), STORE_ID_SIZE - 1);
	assert_int_equal(audit_count(f, "user.create"), 1);

	assert_int_equal(service_user_find(&found, &f->svc, &f->cli, u.id, &err), 0);
	assert_string_equal(found.username, "newbie");
	assert_int_equal(login(&r, f, "newbie", "Qingshan#88river", &err), 0);
	assert_int_equal(r.actor.role, ACCOUNT_ROLE_REVIEWER);
}

static void test_user_create_rejects_bad_input(void **state)
{
	struct fixture *f = *state;
	struct service_login_result officer;
	struct service_user_new in;
	struct service_user u;
	struct sx_error err;
	const char *agency;

	login_ok(&officer, f, "officer");
	agency = officer.actor.agency_id;

	new_user(&in, "newbie", "short1", agency);
	sx_error_clear(&err);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	assert_string_equal(err.code, "weak_password");
	new_user(&in, "newbie", "Newbie#2026abc", agency);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	assert_string_equal(err.code, "weak_password");
	new_user(&in, "New Bie", "Qingshan#88river", agency);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	assert_string_equal(err.code, "invalid_username");
	new_user(&in, "newbie", "Qingshan#88river", agency);
	in.display_name = "";
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	new_user(&in, "newbie", "Qingshan#88river", agency);
	in.role = "superuser";
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	new_user(&in, "newbie", "Qingshan#88river", "01NOSUCHAGENCY000000000000");
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	new_user(&in, "newbie", "Qingshan#88river", NULL);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EINVALID);
	assert_int_equal(audit_count(f, "user.create"), 0);
}

static void test_user_create_refuses_a_taken_username(void **state)
{
	struct fixture *f = *state;
	struct service_login_result officer;
	struct service_user_new in;
	struct service_user u;
	struct sx_error err;

	login_ok(&officer, f, "officer");
	new_user(&in, "unit_head", "Qingshan#88river", officer.actor.agency_id);
	sx_error_clear(&err);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EEXISTS);
	new_user(&in, "newbie", "Qingshan#88river", officer.actor.agency_id);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), 0);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), SX_EEXISTS);
	assert_int_equal(audit_count(f, "user.create"), 1);
	/* The demo password still opens the old account, not a new one. */
	assert_int_equal(login(&officer, f, "unit_head", DEMO_PW, &err), 0);
	assert_int_equal(officer.actor.role, ACCOUNT_ROLE_UNIT_HEAD);
}

/* ---- listing and finding ---- */

static void test_officers_and_reviewers_may_not_list_users(void **state)
{
	static const char *const names[] = {"officer", "officer2", "reviewer"};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct service_login_result r;
		struct service_user *users = (struct service_user *)&users;
		size_t count = 99;
		struct sx_error err;

		login_ok(&r, f, names[i]);
		sx_error_clear(&err);
		assert_int_equal(service_user_list(&users, &count, &f->svc, &r.actor, NULL, &err),
				 SX_EPERM);
		assert_null(users);
		assert_int_equal(count, 0);
	}
}

static void test_agency_head_lists_only_their_own_agency(void **state)
{
	static const char *const heads[] = {"agency_head", "unit_head"};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_LEN(heads); i++) {
		struct service_login_result r;
		struct service_user *users = NULL;
		size_t count = 0;
		struct sx_error err;

		login_ok(&r, f, heads[i]);
		sx_error_clear(&err);
		assert_int_equal(service_user_list(&users, &count, &f->svc, &r.actor, NULL, &err),
				 0);
		assert_int_equal(count, 5);
		for (size_t k = 0; k < count; k++)
			assert_string_equal(users[k].agency_id, r.actor.agency_id);
		assert_true(list_has(users, count, "officer"));
		assert_true(list_has(users, count, "admin"));
		assert_false(list_has(users, count, "officer2"));
		assert_false(list_has(users, count, "supervisor"));
		sx_free(users);
		users = NULL;

		/* Naming another agency is forbidden, naming one's own is fine. */
		assert_int_equal(service_user_list(&users, &count, &f->svc, &r.actor,
						   "01OTHERAGENCY0000000000000", &err),
				 SX_EPERM);
		assert_null(users);
		assert_int_equal(service_user_list(&users, &count, &f->svc, &r.actor,
						   r.actor.agency_id, &err),
				 0);
		assert_int_equal(count, 5);
		sx_free(users);
	}
}

static void test_supervisor_lists_the_region_and_admin_lists_all(void **state)
{
	struct fixture *f = *state;
	struct service_login_result sup, admin;
	const struct service_actor *actors[3];
	static const char *const all[] = {"admin",       "officer",    "unit_head", "reviewer",
					  "agency_head", "supervisor", "officer2"};

	login_ok(&sup, f, "supervisor");
	login_ok(&admin, f, "admin");
	actors[0] = &sup.actor;
	actors[1] = &admin.actor;
	actors[2] = &f->cli;
	for (size_t i = 0; i < ARRAY_LEN(actors); i++) {
		struct service_user *users = NULL;
		size_t count = 0;
		struct sx_error err;

		sx_error_clear(&err);
		assert_int_equal(service_user_list(&users, &count, &f->svc, actors[i], NULL, &err),
				 0);
		assert_int_equal(count, DEMO_USER_COUNT);
		for (size_t k = 0; k < ARRAY_LEN(all); k++)
			assert_true(list_has(users, count, all[k]));
		sx_free(users);
	}
}

static void test_supervisor_of_another_region_sees_nobody(void **state)
{
	struct fixture *f = *state;
	struct service_login_result sup;
	struct service_actor elsewhere;
	struct service_user *users = NULL;
	struct service_user u;
	size_t count = 99;
	struct sx_error err;

	login_ok(&sup, f, "supervisor");
	elsewhere = sup.actor;
	snprintf(elsewhere.region_code, sizeof(elsewhere.region_code), "%s", "440100");
	sx_error_clear(&err);
	assert_int_equal(service_user_list(&users, &count, &f->svc, &elsewhere, NULL, &err), 0);
	assert_int_equal(count, 0);
	sx_free(users);
	assert_int_equal(service_user_find(&u, &f->svc, &elsewhere, "officer", &err),
			 SX_ENOTFOUND);
}

static void test_user_find_outside_the_scope_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct service_login_result head, officer;
	struct service_user u;
	char officer2_id[STORE_ID_SIZE];
	struct sx_error err;

	user_id_of(officer2_id, f, "officer2");
	login_ok(&head, f, "agency_head");
	sx_error_clear(&err);
	assert_int_equal(service_user_find(&u, &f->svc, &head.actor, "officer", &err), 0);
	assert_string_equal(u.username, "officer");
	assert_int_equal(u.role, ACCOUNT_ROLE_OFFICER);
	/* By username and by id: both hidden, and as "not found", not "forbidden". */
	assert_int_equal(service_user_find(&u, &f->svc, &head.actor, "officer2", &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "user_not_found");
	assert_int_equal(service_user_find(&u, &f->svc, &head.actor, officer2_id, &err),
			 SX_ENOTFOUND);
	assert_int_equal(service_user_find(&u, &f->svc, &head.actor, "nobody", &err),
			 SX_ENOTFOUND);
	/* Officers have no listing scope at all. */
	login_ok(&officer, f, "officer");
	assert_int_equal(service_user_find(&u, &f->svc, &officer.actor, "officer", &err),
			 SX_EPERM);
}

static void test_user_list_cleans_up_after_allocation_failure(void **state)
{
	struct fixture *f = *state;
	long n;
	int rc = SX_ENOMEM;

	for (n = 0; n < 50; n++) {
		struct service_user *users = (struct service_user *)&users;
		size_t count = 99;
		struct sx_error err;

		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = service_user_list(&users, &count, &f->svc, &f->cli, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(count, DEMO_USER_COUNT);
			sx_free(users);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(users);
		assert_int_equal(count, 0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
}

static void test_login_cleans_up_after_allocation_failure(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_actor x;
	long n;
	int rc = SX_ENOMEM;

	for (n = 0; n < 200; n++) {
		struct sx_error err;

		sx_error_clear(&err);
		sx_mem_fail_after(n);
		rc = service_login(&r, &f->svc, "officer", DEMO_PW, DEMO_PW_LEN, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_string_equal(r.token, "");
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	assert_int_equal(resolve(&x, f, r.token), 0);
	/* Out of memory is not a wrong password: nothing counted against the user. */
	assert_int_equal(audit_count(f, "session.login"), 1);
}

/* ---- demo data and audit ---- */

static void test_demo_load_twice_is_refused(void **state)
{
	struct fixture *f = *state;
	struct service_login_result officer;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(service_demo_load(&f->svc, &f->cli, &err), SX_EEXISTS);
	assert_string_equal(err.code, "demo_present");
	login_ok(&officer, f, "officer");
	assert_int_equal(service_demo_load(&f->svc, &officer.actor, &err), SX_EPERM);
	assert_int_equal(audit_count(f, "demo.load"), 1);
}

static void test_audit_trail_grows_with_each_change(void **state)
{
	struct fixture *f = *state;
	struct service_login_result r;
	struct service_user_new in;
	struct service_user u;
	struct sx_error err;
	int64_t total = audit_count(f, NULL);

	assert_true(total >= 1);
	assert_int_equal(audit_count(f, "session.login"), 0);
	login_ok(&r, f, "officer");
	assert_int_equal(audit_count(f, "session.login"), 1);
	login_ok(&r, f, "officer");
	assert_int_equal(audit_count(f, "session.login"), 2);

	new_user(&in, "newbie", "Qingshan#88river", r.actor.agency_id);
	sx_error_clear(&err);
	assert_int_equal(service_user_create(&u, &f->svc, &f->cli, &in, &err), 0);
	assert_int_equal(audit_count(f, "user.create"), 1);
	assert_int_equal(service_user_disable(NULL, &f->svc, &f->cli, u.id, &err), 0);
	assert_int_equal(audit_count(f, "user.disable"), 1);
	/* A failed login of an existing user leaves no audit event, only a count. */
	assert_int_equal(login(&r, f, "officer", "Wrong@2026x", &err), SX_EAUTH);
	assert_int_equal(audit_count(f, NULL), total + 4);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_login_returns_a_token_csrf_and_the_actor),
		T(test_session_resolves_to_the_same_user),
		T(test_tokens_never_issued_do_not_resolve),
		T(test_wrong_password_and_unknown_user_get_the_same_answer),
		T(test_password_is_compared_exactly),
		T(test_malformed_credentials_are_refused_without_a_session),
		T(test_two_logins_give_two_live_sessions),
		T(test_logout_revokes_only_that_session),
		T(test_session_past_the_policy_limits_does_not_resolve),
		T(test_failures_past_delay_after_throttle_even_the_right_password),
		T(test_unknown_usernames_are_throttled_like_known_ones),
		T(test_lockout_after_failures_locks_even_the_right_password),
		T(test_no_delay_and_no_lockout_when_both_are_off),
		T(test_success_clears_the_failure_count),
		T(test_csrf_check_accepts_only_the_sessions_token),
		T(test_disabled_user_cannot_log_in_and_loses_sessions),
		T(test_session_of_a_user_disabled_in_the_store_stops_resolving),
		T(test_only_admins_disable_and_not_themselves),
		T(test_set_password_revokes_sessions_and_the_new_one_works),
		T(test_users_may_change_their_own_password_but_not_others),
		T(test_user_create_is_for_admins_only),
		T(test_cli_admin_creates_a_user_who_can_log_in),
		T(test_user_create_rejects_bad_input),
		T(test_user_create_refuses_a_taken_username),
		T(test_officers_and_reviewers_may_not_list_users),
		T(test_agency_head_lists_only_their_own_agency),
		T(test_supervisor_lists_the_region_and_admin_lists_all),
		T(test_supervisor_of_another_region_sees_nobody),
		T(test_user_find_outside_the_scope_is_not_found),
		T(test_user_list_cleans_up_after_allocation_failure),
		T(test_login_cleans_up_after_allocation_failure),
		T(test_demo_load_twice_is_refused),
		T(test_audit_trail_grows_with_each_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
