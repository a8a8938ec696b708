/*
 * Integration: a write the server has acknowledged survives the server being
 * killed (SIGKILL, no chance to flush) and a graceful stop (SIGTERM, exit 0).
 *
 * Each round logs in as admin, creates a user (201 = acknowledged), kills the
 * server at once, starts it again on the same database and logs in as the new
 * user. Rounds repeat because one lucky flush proves little. The restarted
 * server listens on a new port; clients read it from the server on every
 * request, but sessions are not assumed to survive, so every round logs in
 * afresh.
 *
 * One server for the group: the tests restart it themselves and leave it
 * running, so they do not depend on each other's order.
 *
 * Spec: SQLite "Atomic Commit" and WAL durability (synchronous=FULL in WAL
 * mode, or NORMAL with checkpoints, must not lose a committed transaction on
 * a process crash).
 */
#include "itest.h"

#include "base/mem.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define ROUNDS 5
#define USER_PASSWORD "Durable-Password-1"

static struct itest_client *new_client(struct itest_server *s)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, s), 0);
	return c;
}

/* Logs in as admin and creates username; asserts the 201 acknowledgement. */
static void create_user_as_admin(struct itest_server *s, const char *username, const char *role,
                                 json_t *agency)
{
	struct itest_client *c = new_client(s);
	struct itest_response r;
	char *csrf = NULL;
	json_t *body;
	char *text;

	assert_int_equal(itest_login(&csrf, c, "admin", ITEST_DEMO_PASSWORD), 0);
	body = json_pack("{s:s, s:s, s:s, s:s, s:O}", "username", username, "display_name",
	                 "持久性测试", "password", USER_PASSWORD, "role", role, "agency_id",
	                 agency);
	assert_non_null(body);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	assert_non_null(text);
	assert_int_equal(itest_send_json(&r, c, "POST", "/api/v1/users", text, csrf), 0);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	free(text);
	sx_free(csrf);
	itest_client_free(c);
}

static void assert_user_logs_in(struct itest_server *s, const char *username)
{
	struct itest_client *c = new_client(s);
	struct itest_response r;

	assert_int_equal(itest_login_response(&r, c, username, USER_PASSWORD), 0);
	if (r.status != 201)
		print_error("user %s after restart\n", username);
	ITEST_ASSERT_STATUS(r, 201);
	itest_response_free(&r);
	itest_client_free(c);
}

static void ensure_running(struct itest_server *s)
{
	if (itest_server_port(s) == 0)
		assert_int_equal(itest_server_restart(s), 0);
}

static void test_acknowledged_write_survives_sigkill(void **state)
{
	struct itest_server *s = *state;
	char names[ROUNDS][32];
	char *role = NULL;
	json_t *agency = NULL;
	int status;
	int i;
	int j;

	ensure_running(s);
	assert_int_equal(itest_demo_officer_role_and_agency(&role, &agency, s), 0);
	for (i = 0; i < ROUNDS; i++) {
		snprintf(names[i], sizeof(names[i]), "durable_kill_%d", i);
		create_user_as_admin(s, names[i], role, agency);

		status = itest_server_kill(s, SIGKILL);
		assert_true(status >= 0);
		/* It must have died of our signal, not exited on its own before. */
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);

		assert_int_equal(itest_server_restart(s), 0);
		for (j = 0; j <= i; j++)
			assert_user_logs_in(s, names[j]);
	}
	sx_free(role);
	json_decref(agency);
}

static void test_graceful_stop_exits_zero_and_keeps_acknowledged_writes(void **state)
{
	struct itest_server *s = *state;
	char *role = NULL;
	json_t *agency = NULL;

	ensure_running(s);
	assert_int_equal(itest_demo_officer_role_and_agency(&role, &agency, s), 0);
	create_user_as_admin(s, "durable_term", role, agency);
	assert_int_equal(itest_server_stop(s), 0);
	assert_int_equal(itest_server_restart(s), 0);
	assert_user_logs_in(s, "durable_term");
	sx_free(role);
	json_decref(agency);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_acknowledged_write_survives_sigkill),
	        cmocka_unit_test(test_graceful_stop_exits_zero_and_keeps_acknowledged_writes),
	};

	return ITEST_RUN_GROUP_AS_MAIN("durability", tests, NULL);
}
