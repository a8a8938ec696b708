/* tests/unit/support/demo_fixture — see demo_fixture.h. */
#include "demo_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/mem.h"
#include "crypto/password.h"
#include "service/auth.h"
#include "service/demo.h"
#include "service/ledger.h"
#include "service/registry.h"
#include "testdb.h"

static const struct crypto_password_params demo_fixture_cheap = {
	.t_cost = 1,
	.m_cost_kib = 1024,
	.parallelism = 1,
};

void demo_fixture_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			demo_fixture_remove_tree(path);
		else if (unlink(path) < 0)
			fprintf(stderr, "test: cannot remove %s: %s\n", path, strerror(errno));
	}
	closedir(d);
	if (rmdir(dir) < 0)
		fprintf(stderr, "test: cannot remove %s: %s\n", dir, strerror(errno));
}

struct demo_fixture *demo_fixture_new(const char *name)
{
	struct demo_fixture *f = sx_calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct service_ledger_init_options lopt = {"sha256", "sanxiang.test/unit", NULL};
	struct sx_error err;

	if (f == NULL)
		return NULL;
	snprintf(f->dir, sizeof(f->dir), "%s/sx-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	if (mkdtemp(f->dir) == NULL) {
		sx_free(f);
		return NULL;
	}
	snprintf(f->key_dir, sizeof(f->key_dir), "%s/keys", f->dir);
	sx_error_clear(&err);
	if (testdb_create(f->db, sizeof(f->db), f->dir, &err) < 0 ||
	    store_create(f->db, &err) < 0 || store_open(&f->store, f->db, NULL, &err) < 0) {
		fprintf(stderr, "test: store: %s %s\n", err.code, err.detail);
		goto fail;
	}
	service_init(&f->svc, f->store);
	f->svc.password_params = &demo_fixture_cheap;
	lopt.key_dir = f->key_dir;
	if (service_ledger_init(&f->svc, &lopt, &err) < 0) {
		fprintf(stderr, "test: ledger: %s %s\n", err.code, err.detail);
		goto fail;
	}
	service_actor_cli(&f->cli, "tester");
	if (service_demo_load(&f->svc, &f->cli, &err) < 0) {
		fprintf(stderr, "test: demo: %s %s %s\n", err.code, err.message, err.detail);
		goto fail;
	}
	return f;
fail:
	store_close(f->store);
	testdb_drop(f->db);
	demo_fixture_remove_tree(f->dir);
	sx_free(f);
	return NULL;
}

void demo_fixture_free(struct demo_fixture *f)
{
	if (f == NULL)
		return;
	sx_mem_fail_after(-1);
	store_close(f->store);
	testdb_drop(f->db);
	demo_fixture_remove_tree(f->dir);
	sx_free(f);
}

void demo_fixture_actor(struct service_actor *out, struct demo_fixture *f, const char *username)
{
	struct service_login_result r;
	struct sx_error err;

	sx_error_clear(&err);
	if (service_login(&r, &f->svc, username, SERVICE_DEMO_PASSWORD,
			  strlen(SERVICE_DEMO_PASSWORD), "192.0.2.1", &err) < 0)
		fail_msg("login %s: %s %s", username, err.code, err.detail);
	*out = r.actor;
}

void demo_fixture_agency_id(char out[STORE_ID_SIZE], struct demo_fixture *f, const char *name)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	struct sx_error err;
	bool found = false;

	sx_error_clear(&err);
	if (service_agency_list_public(&items, &count, &f->svc, &err) < 0)
		fail_msg("agency list: %s", err.code);
	for (size_t i = 0; i < count; i++) {
		if (strcmp(items[i].name, name) == 0) {
			snprintf(out, STORE_ID_SIZE, "%s", items[i].id);
			found = true;
		}
	}
	sx_free(items);
	if (!found)
		fail_msg("no demo agency %s", name);
}

int64_t demo_fixture_audit_count(struct demo_fixture *f, const char *action)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	/* Ended before anything is asserted: an open transaction would make
	 * store_close wait forever after a failed assertion. */
	sx_error_clear(&err);
	if (store_begin(&tx, f->store, STORE_TX_READ, &err) == 0) {
		if (store_audit_count(&n, tx, action, &err) < 0)
			n = -1;
		store_rollback(tx);
	}
	return n;
}
