/*
 * tests/unit/support/demo_fixture — a fresh SQLite database with the demo
 * data (service/demo) in its own mkdtemp directory, for unit tests of the
 * service layer that need real rows: agencies, the demo users of every role,
 * officers and the demo lists. The ledger is initialised as `sanxiang init`
 * does, so that service calls record their events.
 *
 * Argon2 runs with cheap parameters: the suite stays fast, and password
 * hashing is tested on its own (test_crypto_password).
 */
#ifndef SX_TEST_DEMO_FIXTURE_H
#define SX_TEST_DEMO_FIXTURE_H

#include <stdint.h>

#include "service/service.h"
#include "store/store.h"

struct demo_fixture {
	char dir[256];
	char db[300];
	char key_dir[300];
	struct store *store;
	struct service svc;
	struct service_actor cli;   /* the synthetic command-line admin */
};

/* Creates the fixture (NULL on failure, with the reason on stderr). name
 * goes into the directory name. */
struct demo_fixture *demo_fixture_new(const char *name);

/* Closes the store and removes the directory. NULL is fine. */
void demo_fixture_free(struct demo_fixture *f);

/* The actor of demo user `username`, as a web session would resolve it.
 * Fails the test (cmocka fail_msg) when the login does not work. */
void demo_fixture_actor(struct service_actor *out, struct demo_fixture *f, const char *username);

/* The id of the demo agency with that name; fails the test when absent. */
void demo_fixture_agency_id(char out[STORE_ID_SIZE], struct demo_fixture *f, const char *name);

/* Removes dir and everything below it (files and folders only: what the
 * fixtures make). For tests that build their own fixture directories. */
void demo_fixture_remove_tree(const char *dir);

/* Number of audit events with that action (NULL = all). */
int64_t demo_fixture_audit_count(struct demo_fixture *f, const char *action);

#define DEMO_MARKET "示例市市场监督管理局"
#define DEMO_ECOLOGY "示例市生态环境局"
#define DEMO_JUSTICE "示例市司法局"

#endif
