/*
 * Unit tests for service/officers (and store/store_officer under it) against
 * a real database (SQLite, or PostgreSQL when SANXIANG_TEST_BACKEND says so:
 * tests/support/testdb.h): every test gets a fresh database and its own
 * mkdtemp directory, with the ledger set up as `sanxiang init` does, three
 * agencies of 示例市 (330100) — A 市场监管, B 生态环境, J 司法局 — one
 * deactivated agency, and users of each role.
 *
 * Covered: who may register officers (agency heads in their own agency,
 * admins anywhere, nobody else); the record's validation (bad ID number),
 * unique certificate numbers; updates that may not touch the certificate or
 * ID number nor suspend without a reason; status changes with reasons, and
 * revocation being final; linking accounts (same agency, one officer per
 * account); the staff list always masking ID numbers and its scope; revealing
 * a whole ID number only to agency heads and admins, with exactly one audit
 * event per view; photos recognised by their magic bytes, the 512 KiB limit,
 * content addressing and the hash check on read; that no ID number ever
 * reaches the audit trail or the public ledger; and clean error paths when
 * an allocation fails (ASan reports leaks; a transaction left open would
 * hang teardown).
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
#include "crypto/hash.h"
#include "domain/idcheck.h"
#include "service/ledger.h"
#include "service/officers.h"
#include "service/service.h"
#include "store/db.h"
#include "store/store.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define T0 "2026-01-02T03:04:05.000000Z"
#define AGENCY_A "01J00000000000000000AGENA1"
#define AGENCY_B "01J00000000000000000AGENB2"
#define AGENCY_J "01J00000000000000000AGENJ3"
#define AGENCY_OFF "01J00000000000000000AGENX4"

/* First 17 digits of the ID numbers used here; the check digit is computed. */
#define ID17_ONE "33010619850312001"
#define ID17_TWO "33010219880705002"
#define ID17_THREE "33010519900101004"

#define assert_ok(expr, errp)                                                                      \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != 0)                                                                     \
			print_message("rc=%d code=%s message=%s detail=%s\n", rc__, (errp)->code, \
				      (errp)->message, (errp)->detail);                            \
		assert_int_equal(rc__, 0);                                                         \
	} while (0)

#define assert_error(expr, errp, want_rc, want_code)                                               \
	do {                                                                                       \
		int rc__ = (expr);                                                                 \
		if (rc__ != (want_rc) || strcmp((errp)->code, (want_code)) != 0)                   \
			print_message("rc=%d code=%s message=%s\n", rc__, (errp)->code,           \
				      (errp)->message);                                            \
		assert_int_equal(rc__, (want_rc));                                                 \
		assert_string_equal((errp)->code, (want_code));                                    \
	} while (0)

struct user_row {
	const char *id;
	const char *username;
	const char *agency_id;
	const char *role;
};

static const struct user_row user_rows[] = {
	{"01J00000000000000000USERAD", "admin", AGENCY_A, "admin"},
	{"01J00000000000000000USERAH", "head_a", AGENCY_A, "agency_head"},
	{"01J00000000000000000USERUH", "unit_a", AGENCY_A, "unit_head"},
	{"01J00000000000000000USEROA", "officer_a", AGENCY_A, "officer"},
	{"01J00000000000000000USEROC", "officer_a2", AGENCY_A, "officer"},
	{"01J00000000000000000USERBH", "head_b", AGENCY_B, "agency_head"},
	{"01J00000000000000000USEROB", "officer_b", AGENCY_B, "officer"},
	{"01J00000000000000000USERSV", "supervisor", AGENCY_J, "supervisor"},
};

struct fixture {
	char dir[256];
	char db[300];
	char key_dir[300];
	struct store *store;
	struct service svc;
};

static void agency_fill(struct store_agency *a, const char *id, const char *name,
			const char *credit_code, bool justice, bool active)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->credit_code, sizeof(a->credit_code), "%s", credit_code);
	snprintf(a->level, sizeof(a->level), "city");
	snprintf(a->region_code, sizeof(a->region_code), "330100");
	a->is_justice_bureau = justice;
	a->active = active;
	snprintf(a->created_at, sizeof(a->created_at), T0);
	snprintf(a->created_by, sizeof(a->created_by), "cli:root");
}

static int seed(struct fixture *f, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency a;
	int rc;

	if ((rc = store_begin(&tx, f->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	agency_fill(&a, AGENCY_A, "示例市市场监督管理局", "CREDIT-A", false, true);
	if ((rc = store_agency_insert(tx, &a, err)) < 0)
		goto cleanup;
	agency_fill(&a, AGENCY_B, "示例市生态环境局", "CREDIT-B", false, true);
	if ((rc = store_agency_insert(tx, &a, err)) < 0)
		goto cleanup;
	agency_fill(&a, AGENCY_J, "示例市司法局", "CREDIT-J", true, true);
	if ((rc = store_agency_insert(tx, &a, err)) < 0)
		goto cleanup;
	agency_fill(&a, AGENCY_OFF, "示例市已撤销局", "CREDIT-X", false, false);
	if ((rc = store_agency_insert(tx, &a, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < ARRAY_LEN(user_rows); i++) {
		struct store_user u;

		memset(&u, 0, sizeof(u));
		snprintf(u.id, sizeof(u.id), "%s", user_rows[i].id);
		snprintf(u.username, sizeof(u.username), "%s", user_rows[i].username);
		snprintf(u.display_name, sizeof(u.display_name), "用户%zu", i);
		snprintf(u.agency_id, sizeof(u.agency_id), "%s", user_rows[i].agency_id);
		snprintf(u.role, sizeof(u.role), "%s", user_rows[i].role);
		/* Nobody logs in here: the hash is never checked. */
		snprintf(u.password_hash, sizeof(u.password_hash), "$argon2id$unused");
		snprintf(u.password_changed_at, sizeof(u.password_changed_at), T0);
		snprintf(u.created_at, sizeof(u.created_at), T0);
		snprintf(u.created_by, sizeof(u.created_by), "cli:root");
		if ((rc = store_user_insert(tx, &u, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = sx_calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct service_ledger_init_options lopt = {"sha256", "sanxiang.test/officers", NULL};
	struct sx_error err;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/sx-officers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
	lopt.key_dir = f->key_dir;
	if (service_ledger_init(&f->svc, &lopt, &err) < 0 || seed(f, &err) < 0) {
		fprintf(stderr, "test: setup: %s %s\n", err.code, err.detail);
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

/* The actor of the seeded user called username. */
static struct service_actor actor_of(const char *username)
{
	struct service_actor a;

	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < ARRAY_LEN(user_rows); i++) {
		if (strcmp(user_rows[i].username, username) != 0)
			continue;
		snprintf(a.user_id, sizeof(a.user_id), "%s", user_rows[i].id);
		snprintf(a.username, sizeof(a.username), "%s", username);
		snprintf(a.agency_id, sizeof(a.agency_id), "%s", user_rows[i].agency_id);
		snprintf(a.region_code, sizeof(a.region_code), "330100");
		assert_int_equal(account_role_from_name(&a.role, user_rows[i].role), 0);
		return a;
	}
	fail_msg("no user %s", username);
	return a;
}

/* An 18-character ID number from its first 17 digits. */
static void id_number(char out[19], const char *first17)
{
	snprintf(out, 19, "%s%c", first17, idcheck_person_id_check_char(first17));
}

/* What staff see of that number: the first 6 and the last 4 characters. */
static void masked(char out[19], const char *first17)
{
	char full[19];

	id_number(full, first17);
	snprintf(out, 19, "%.6s********%s", full, full + 14);
}

static void record_fill(struct officer_record *r, const char *name, const char *cert_no,
			const char *id17)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->cert_no, sizeof(r->cert_no), "%s", cert_no);
	snprintf(r->cert_type, sizeof(r->cert_type), "行政执法证");
	snprintf(r->field, sizeof(r->field), "市场监管");
	snprintf(r->valid_from, sizeof(r->valid_from), "2024-01-01");
	snprintf(r->valid_to, sizeof(r->valid_to), "2028-12-31");
	snprintf(r->status, sizeof(r->status), "active");
	if (id17)
		id_number(r->id_number, id17);
}

static int create(struct fixture *f, const char *as, const char *agency_id, const char *name,
		  const char *cert_no, const char *id17, const char *link, struct sx_error *err)
{
	struct service_actor actor = actor_of(as);
	struct officer_record r;
	struct service_officer out;

	record_fill(&r, name, cert_no, id17);
	sx_error_clear(err);
	return service_officer_create(&out, &f->svc, &actor, agency_id, &r, link, err);
}

static void create_ok(struct fixture *f, const char *cert_no, const char *id17)
{
	struct sx_error err;

	assert_ok(create(f, "head_a", AGENCY_A, "张明", cert_no, id17, NULL, &err), &err);
}

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

/* SELECT count(*) … with one text parameter, on a connection of its own. */
static int64_t count_where(struct fixture *f, const char *sql, const char *param)
{
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct sx_error err;
	int64_t n = -1;

	sx_error_clear(&err);
	assert_ok(db_open(&db, f->db, DB_OPEN_READ_ONLY, false, 1000, &err), &err);
	if (db_prepare(&st, db, sql, &err) == 0) {
		if (param)
			db_bind_str(st, 1, param);
		if (db_step(st, &err) == DB_ROW)
			n = db_column_int64(st, 0);
		db_finish(st);
	}
	db_close(db);
	assert_true(n >= 0);
	return n;
}

static struct service_officer staff_get(struct fixture *f, const char *as, const char *cert_no)
{
	struct service_actor actor = actor_of(as);
	struct service_officer o;
	struct sx_error err;

	sx_error_clear(&err);
	assert_ok(service_officer_staff_get(&o, &f->svc, &actor, cert_no, false, &err), &err);
	return o;
}

/* ---- who may register ---- */

static void test_officers_and_unit_heads_cannot_register_officers(void **state)
{
	static const char *const who[] = {"officer_a", "unit_a", "supervisor"};
	struct fixture *f = *state;
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(who); i++)
		assert_error(create(f, who[i], AGENCY_A, "张明", "A-0001", ID17_ONE, NULL, &err),
			     &err, SX_EPERM, "forbidden");
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer", NULL), 0);
	assert_int_equal(audit_count(f, "officer.create"), 0);
}

static void test_agency_head_of_another_agency_cannot_register_there(void **state)
{
	struct fixture *f = *state;
	struct sx_error err;

	assert_error(create(f, "head_b", AGENCY_A, "张明", "A-0001", ID17_ONE, NULL, &err), &err,
		     SX_EPERM, "forbidden");
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer", NULL), 0);
}

static void test_agency_head_registers_in_own_agency_and_admin_in_any(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a"), admin = actor_of("admin");
	struct officer_record r;
	struct service_officer out;
	struct sx_error err;
	char full[19], mask[19];

	/* No agency given: the head's own. Lower-case letters and blanks are normalised. */
	record_fill(&r, " 张明 ", "a-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_ok(service_officer_create(&out, &f->svc, &head, NULL, &r, NULL, &err), &err);
	assert_string_equal(out.cert_no, "A-0001");
	assert_string_equal(out.name, "张明");
	assert_string_equal(out.agency_id, AGENCY_A);
	assert_string_equal(out.agency_name, "示例市市场监督管理局");
	assert_true(out.ledger_index >= 0);
	assert_false(out.id_number_revealed);
	masked(mask, ID17_ONE);
	assert_string_equal(out.id_number, mask);
	assert_memory_equal(mask, "330106********001", 17);
	id_number(full, ID17_ONE);
	assert_string_not_equal(out.id_number, full);

	record_fill(&r, "陈静", "B-0001", ID17_TWO);
	assert_ok(service_officer_create(&out, &f->svc, &admin, AGENCY_B, &r, NULL, &err), &err);
	assert_string_equal(out.agency_id, AGENCY_B);
	assert_int_equal(audit_count(f, "officer.create"), 2);
	assert_int_equal(count_where(f, "SELECT count(*) FROM ledger_leaf WHERE kind = $1",
				     "officer.create"),
			 2);
}

static void test_deactivated_or_unknown_agency_takes_no_officers(void **state)
{
	struct fixture *f = *state;
	struct sx_error err;

	assert_error(create(f, "admin", AGENCY_OFF, "张明", "A-0001", ID17_ONE, NULL, &err), &err,
		     SX_EINVALID, "agency_inactive");
	assert_error(create(f, "admin", "01J00000000000000000NOSUCH", "张明", "A-0001", ID17_ONE,
			    NULL, &err),
		     &err, SX_ENOTFOUND, "agency_not_found");
}

static void test_a_certificate_number_is_registered_once(void **state)
{
	struct fixture *f = *state;
	struct sx_error err;

	create_ok(f, "A-0001", ID17_ONE);
	/* The same number in lower case is the same number. */
	assert_error(create(f, "admin", AGENCY_B, "陈静", "a-0001", ID17_TWO, NULL, &err), &err,
		     SX_EEXISTS, "cert_no_taken");
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer", NULL), 1);
}

static void test_bad_records_are_refused_with_the_field_named(void **state)
{
	static const struct {
		const char *name, *cert_no, *id_number, *code;
	} cases[] = {
		{"张明", "A-0001", "330106198503120010", "officer_bad_id_number"}, /* check digit */
		{"张明", "A-0001", "33010619850312001", "officer_bad_id_number"},  /* 17 digits */
		{"张明", "A-0001", "", "officer_bad_id_number"},
		{"", "A-0001", NULL, "officer_bad_name"},
		{"张明", "A 0001", NULL, "officer_bad_cert_no"},
	};
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct officer_record r;
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		record_fill(&r, cases[i].name, cases[i].cert_no, ID17_ONE);
		if (cases[i].id_number)
			snprintf(r.id_number, sizeof(r.id_number), "%s", cases[i].id_number);
		sx_error_clear(&err);
		assert_error(service_officer_create(NULL, &f->svc, &head, AGENCY_A, &r, NULL, &err),
			     &err, SX_EINVALID, cases[i].code);
	}
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer", NULL), 0);
}

/* ---- updates and status ---- */

static void test_update_changes_the_record_but_never_the_numbers(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct officer_record r;
	struct service_officer out;
	struct sx_error err;

	create_ok(f, "A-0001", ID17_ONE);
	/* Certificate and ID number left out: they stay. */
	record_fill(&r, "张小明", "", NULL);
	snprintf(r.valid_to, sizeof(r.valid_to), "2030-06-30");
	sx_error_clear(&err);
	assert_ok(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err);
	assert_string_equal(out.name, "张小明");
	assert_string_equal(out.valid_to, "2030-06-30");
	assert_true(out.ledger_index >= 0);
	assert_int_equal(count_where(f,
				     "SELECT count(*) FROM ledger_leaf WHERE kind = 'officer.update' "
				     "AND replace(data, $1, '') <> data",
				     "\"changed\":\"name,valid_to\""),
			 1);

	/* The same record again changes nothing and writes no event. */
	assert_ok(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err);
	assert_int_equal(out.ledger_index, -1);
	assert_int_equal(audit_count(f, "officer.update"), 1);

	id_number(r.id_number, ID17_TWO);
	assert_error(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err,
		     SX_EINVALID, "id_number_immutable");
	record_fill(&r, "张小明", "A-0002", ID17_ONE);
	assert_error(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err,
		     SX_EINVALID, "cert_no_immutable");
	/* Suspending needs a reason, which only set_status takes. */
	record_fill(&r, "张小明", "A-0001", ID17_ONE);
	snprintf(r.valid_to, sizeof(r.valid_to), "2030-06-30");
	snprintf(r.status, sizeof(r.status), "suspended");
	assert_error(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err,
		     SX_EINVALID, "reason_required");
	assert_string_equal(staff_get(f, "head_a", "A-0001").status, "active");

	/* Another agency's head may not touch it; an unknown certificate is not found. */
	head = actor_of("head_b");
	assert_error(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err,
		     SX_EPERM, "forbidden");
	head = actor_of("head_a");
	assert_error(service_officer_update(&out, &f->svc, &head, "A-9999", &r, &err), &err,
		     SX_ENOTFOUND, "officer_not_found");
}

static void test_suspending_and_revoking_need_a_reason(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer out;
	struct sx_error err;
	char long_reason[3 * 513 + 1];

	create_ok(f, "A-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "suspended", NULL,
						&err),
		     &err, SX_EINVALID, "reason_required");
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "revoked", " \n ",
						&err),
		     &err, SX_EINVALID, "reason_required");
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "retired", "x",
						&err),
		     &err, SX_EINVALID, "officer_bad_status");
	/* 513 characters (of three bytes each) is one too many; 512 is fine. */
	for (size_t i = 0; i < 513; i++)
		memcpy(long_reason + 3 * i, "停", 3);
	long_reason[3 * 513] = '\0';
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "suspended",
						long_reason, &err),
		     &err, SX_EINVALID, "bad_reason");
	long_reason[3 * 512] = '\0';
	assert_ok(service_officer_set_status(&out, &f->svc, &head, "A-0001", "暂停", long_reason,
					     &err),
		  &err);
	assert_string_equal(out.status, "suspended");
	assert_int_equal(out.state, OFFICER_CREDENTIAL_SUSPENDED);
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "suspended", "again",
						&err),
		     &err, SX_ECONFLICT, "status_unchanged");
	/* Lifting a suspension needs no reason. */
	assert_ok(service_officer_set_status(&out, &f->svc, &head, "A-0001", "active", NULL, &err),
		  &err);
	assert_string_equal(out.status, "active");
	assert_int_equal(audit_count(f, "officer.status"), 2);
	/* The reason stays out of the public log; its hash goes in. */
	/* replace(x, s, '') <> x: "x contains s" on both SQLite and PostgreSQL. */
	assert_int_equal(count_where(f,
				     "SELECT count(*) FROM ledger_leaf "
				     "WHERE replace(data, $1, '') <> data",
				     "停停停"),
			 0);
	assert_int_equal(count_where(f,
				     "SELECT count(*) FROM audit_event "
				     "WHERE replace(detail, $1, '') <> detail",
				     "停停停"),
			 1);
}

static void test_revoked_officer_cannot_be_reactivated_or_changed(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a"), admin = actor_of("admin");
	struct service_officer out;
	struct officer_record r;
	struct sx_error err;
	static const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0};

	create_ok(f, "A-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_ok(service_officer_set_status(&out, &f->svc, &head, "A-0001", "revoked",
					     "调离执法岗位", &err),
		  &err);
	assert_int_equal(out.state, OFFICER_CREDENTIAL_REVOKED);
	assert_error(service_officer_set_status(&out, &f->svc, &admin, "A-0001", "active", NULL,
						&err),
		     &err, SX_ECONFLICT, "officer_revoked");
	assert_error(service_officer_set_status(&out, &f->svc, &head, "A-0001", "suspended", "x",
						&err),
		     &err, SX_ECONFLICT, "officer_revoked");
	record_fill(&r, "张小明", "A-0001", ID17_ONE);
	snprintf(r.status, sizeof(r.status), "revoked");
	assert_error(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err,
		     SX_ECONFLICT, "officer_revoked");
	assert_error(service_officer_link_user(&out, &f->svc, &head, "A-0001", "officer_a", &err),
		     &err, SX_ECONFLICT, "officer_revoked");
	assert_error(service_officer_set_photo(&out, &f->svc, &head, "A-0001", png, sizeof(png),
					       &err),
		     &err, SX_ECONFLICT, "officer_revoked");
	assert_string_equal(staff_get(f, "head_a", "A-0001").status, "revoked");
}

/* ---- accounts ---- */

static void test_an_account_links_to_one_officer_of_its_own_agency(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer out;
	struct sx_error err;

	assert_ok(create(f, "head_a", AGENCY_A, "张明", "A-0001", ID17_ONE, "officer_a", &err),
		  &err);
	assert_string_equal(staff_get(f, "unit_a", "A-0001").username, "officer_a");
	create_ok(f, "A-0002", ID17_TWO);

	assert_error(create(f, "head_a", AGENCY_A, "李华", "A-0003", ID17_THREE, "officer_a", &err),
		     &err, SX_ECONFLICT, "user_already_linked");
	assert_error(service_officer_link_user(&out, &f->svc, &head, "A-0002", "officer_a", &err),
		     &err, SX_ECONFLICT, "user_already_linked");
	assert_error(service_officer_link_user(&out, &f->svc, &head, "A-0002", "officer_b", &err),
		     &err, SX_EINVALID, "user_other_agency");
	assert_error(service_officer_link_user(&out, &f->svc, &head, "A-0002", "nobody", &err),
		     &err, SX_ENOTFOUND, "user_not_found");

	assert_ok(service_officer_link_user(&out, &f->svc, &head, "A-0002", "officer_a2", &err),
		  &err);
	assert_string_equal(out.username, "officer_a2");
	assert_true(out.ledger_index >= 0);
	/* Linking again changes nothing. */
	assert_ok(service_officer_link_user(&out, &f->svc, &head, "A-0002", "officer_a2", &err),
		  &err);
	assert_int_equal(out.ledger_index, -1);
	/* Unlinked, the account is free for another officer. */
	assert_ok(service_officer_link_user(&out, &f->svc, &head, "A-0001", NULL, &err), &err);
	assert_string_equal(out.user_id, "");
	assert_ok(create(f, "head_a", AGENCY_A, "李华", "A-0003", ID17_THREE, "officer_a", &err),
		  &err);
	assert_string_equal(staff_get(f, "head_a", "A-0003").username, "officer_a");
	assert_int_equal(audit_count(f, "officer.user"), 2);
}

/* ---- the staff register and ID numbers ---- */

static void test_staff_list_masks_every_id_number(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer_staff_page page;
	struct sx_error err;
	char full[19], mask[19];

	create_ok(f, "A-0002", ID17_TWO);
	create_ok(f, "A-0001", ID17_ONE);
	assert_ok(create(f, "admin", AGENCY_B, "陈静", "B-0001", ID17_THREE, NULL, &err), &err);

	/* Even an agency head, who may reveal one by one, gets a masked list. */
	sx_error_clear(&err);
	assert_ok(service_officer_staff_list(&page, &f->svc, &head, NULL, NULL, NULL, &err), &err);
	assert_int_equal(page.total, 2);
	assert_int_equal(page.count, 2);
	assert_string_equal(page.agency_name, "示例市市场监督管理局");
	assert_string_equal(page.items[0].cert_no, "A-0001");
	assert_string_equal(page.items[1].cert_no, "A-0002");
	masked(mask, ID17_ONE);
	assert_string_equal(page.items[0].id_number, mask);
	masked(mask, ID17_TWO);
	id_number(full, ID17_TWO);
	assert_string_equal(page.items[1].id_number, mask);
	assert_string_not_equal(page.items[1].id_number, full);
	for (size_t i = 0; i < page.count; i++) {
		assert_false(page.items[i].id_number_revealed);
		assert_true(page.items[i].may_reveal);
	}
	service_officer_staff_page_clear(&page);

	/* Query by certificate prefix. */
	assert_ok(service_officer_staff_list(&page, &f->svc, &head, AGENCY_A, "A-0002", NULL, &err),
		  &err);
	assert_int_equal(page.count, 1);
	service_officer_staff_page_clear(&page);

	/* Scope: another agency's officer sees nothing of A; the supervisor sees
	 * the region; the command-line admin lists every agency. */
	head = actor_of("officer_b");
	assert_error(service_officer_staff_list(&page, &f->svc, &head, AGENCY_A, NULL, NULL, &err),
		     &err, SX_EPERM, "forbidden");
	head = actor_of("supervisor");
	assert_ok(service_officer_staff_list(&page, &f->svc, &head, AGENCY_A, NULL, NULL, &err),
		  &err);
	assert_int_equal(page.count, 2);
	assert_false(page.items[0].may_manage);
	assert_false(page.items[0].may_reveal);
	service_officer_staff_page_clear(&page);
	service_actor_cli(&head, "root");
	assert_ok(service_officer_staff_list(&page, &f->svc, &head, NULL, NULL, NULL, &err), &err);
	assert_int_equal(page.count, 3);
	assert_string_equal(page.items[2].agency_name, "示例市生态环境局");
	service_officer_staff_page_clear(&page);
}

static void test_unit_head_may_not_reveal_an_id_number(void **state)
{
	struct fixture *f = *state;
	struct service_actor unit = actor_of("unit_a"), head_b = actor_of("head_b");
	struct service_officer out;
	struct sx_error err;
	char mask[19];

	create_ok(f, "A-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_error(service_officer_staff_get(&out, &f->svc, &unit, "A-0001", true, &err), &err,
		     SX_EPERM, "forbidden_id_number");
	assert_string_equal(out.id_number, "");
	/* An agency head of another agency is outside the scope altogether. */
	assert_error(service_officer_staff_get(&out, &f->svc, &head_b, "A-0001", true, &err), &err,
		     SX_EPERM, "forbidden");
	assert_int_equal(audit_count(f, "officer.id_number.view"), 0);
	/* Without reveal the unit head sees the masked number. */
	masked(mask, ID17_ONE);
	assert_string_equal(staff_get(f, "unit_a", "A-0001").id_number, mask);
}

static void test_agency_head_reveal_logs_exactly_one_audit_event(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a"), admin = actor_of("admin");
	struct service_officer out;
	struct sx_error err;
	char full[19];

	create_ok(f, "A-0001", ID17_ONE);
	id_number(full, ID17_ONE);
	assert_int_equal(audit_count(f, "officer.id_number.view"), 0);
	sx_error_clear(&err);
	assert_ok(service_officer_staff_get(&out, &f->svc, &head, "a-0001", true, &err), &err);
	assert_string_equal(out.id_number, full);
	assert_true(out.id_number_revealed);
	assert_int_equal(audit_count(f, "officer.id_number.view"), 1);
	/* Who saw whose number. */
	assert_int_equal(count_where(f,
				     "SELECT count(*) FROM audit_event WHERE action = "
				     "'officer.id_number.view' AND object_id = "
				     "(SELECT id FROM officer WHERE cert_no = 'A-0001') AND actor_id = $1",
				     head.user_id),
			 1);
	/* Reading without reveal logs nothing; each reveal logs one. */
	(void)staff_get(f, "head_a", "A-0001");
	assert_int_equal(audit_count(f, "officer.id_number.view"), 1);
	assert_ok(service_officer_staff_get(&out, &f->svc, &admin, "A-0001", true, &err), &err);
	assert_int_equal(audit_count(f, "officer.id_number.view"), 2);
	/* Access is not a change: nothing goes to the public ledger. */
	assert_int_equal(count_where(f, "SELECT count(*) FROM ledger_leaf WHERE kind LIKE $1",
				     "officer.id_number%"),
			 0);
}

/* ---- photos ---- */

static void test_photo_is_recognised_by_its_magic_bytes_only(void **state)
{
	static const struct {
		const char *what;
		unsigned char bytes[12];
		size_t len;
		const char *content_type; /* NULL = refused as bad_photo */
	} cases[] = {
		{"jpeg", {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, 10, "image/jpeg"},
		{"png", {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D}, 12, "image/png"},
		{"gif", {'G', 'I', 'F', '8', '9', 'a'}, 6, NULL},
		{"two jpeg bytes", {0xFF, 0xD8}, 2, NULL},
		{"png without its line ends", {0x89, 'P', 'N', 'G', 0x0A, 0x0A, 0x1A, 0x0A}, 8, NULL},
		{"text", {'<', 's', 'v', 'g', '>'}, 5, NULL},
		{"nothing", {0}, 0, NULL},
	};
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer out;
	struct service_officer_photo photo;
	struct sx_error err;

	create_ok(f, "A-0001", ID17_ONE);
	create_ok(f, "A-0002", ID17_TWO);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char hex[65];
		int rc;

		sx_error_clear(&err);
		rc = service_officer_set_photo(&out, &f->svc, &head, "A-0001", cases[i].bytes,
					       cases[i].len, &err);
		if (cases[i].content_type == NULL) {
			if (rc != SX_EINVALID || strcmp(err.code, "bad_photo") != 0)
				fail_msg("%s: rc %d %s", cases[i].what, rc, err.code);
			continue;
		}
		assert_ok(rc, &err);
		assert_ok(crypto_hash_hex(hex, CRYPTO_HASH_SHA256, cases[i].bytes, cases[i].len),
			  &err);
		assert_string_equal(out.photo_sha256, hex);
		assert_ok(service_officer_photo(&photo, &f->svc, hex, &err), &err);
		assert_string_equal(photo.content_type, cases[i].content_type);
		assert_int_equal(photo.size_bytes, cases[i].len);
		assert_memory_equal(photo.data, cases[i].bytes, cases[i].len);
		service_officer_photo_clear(&photo);
		/* The same bytes for another officer are the same stored photo. */
		assert_ok(service_officer_set_photo(&out, &f->svc, &head, "A-0002", cases[i].bytes,
						    cases[i].len, &err),
			  &err);
	}
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer_photo", NULL), 2);
	assert_int_equal(audit_count(f, "officer.photo"), 4);
	/* Not a hash, or a hash never stored: not found. */
	assert_error(service_officer_photo(&photo, &f->svc, "../../etc/passwd", &err), &err,
		     SX_ENOTFOUND, "photo_not_found");
	assert_error(service_officer_photo(&photo, &f->svc,
					   "0000000000000000000000000000000000000000000000000000000000000000",
					   &err),
		     &err, SX_ENOTFOUND, "photo_not_found");
	/* Only officer managers set photos. */
	head = actor_of("unit_a");
	assert_error(service_officer_set_photo(&out, &f->svc, &head, "A-0001", cases[0].bytes,
					       cases[0].len, &err),
		     &err, SX_EPERM, "forbidden");
}

static void test_photo_over_512_kib_is_too_large(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer out;
	struct service_officer_photo photo;
	struct sx_error err;
	size_t max = 512 * 1024;
	unsigned char *big = sx_malloc(max + 1);

	assert_non_null(big);
	for (size_t i = 0; i < max + 1; i++)
		big[i] = (unsigned char)(i * 7);
	memcpy(big, "\xFF\xD8\xFF\xE1", 4);
	create_ok(f, "A-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_error(service_officer_set_photo(&out, &f->svc, &head, "A-0001", big, max + 1, &err),
		     &err, SX_ETOOBIG, "photo_too_large");
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer_photo", NULL), 0);
	assert_ok(service_officer_set_photo(&out, &f->svc, &head, "A-0001", big, max, &err), &err);
	assert_ok(service_officer_photo(&photo, &f->svc, out.photo_sha256, &err), &err);
	assert_int_equal(photo.size_bytes, max);
	assert_memory_equal(photo.data, big, max);
	service_officer_photo_clear(&photo);
	sx_free(big);
}

static void test_stored_photos_are_immutable(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 3};
	struct service_officer out;
	struct db *db = NULL;
	struct sx_error err;

	create_ok(f, "A-0001", ID17_ONE);
	sx_error_clear(&err);
	assert_ok(service_officer_set_photo(&out, &f->svc, &head, "A-0001", jpeg, sizeof(jpeg),
					    &err),
		  &err);
	assert_ok(db_open(&db, f->db, DB_OPEN_READ_WRITE, false, 1000, &err), &err);
	assert_int_not_equal(db_exec(db, "UPDATE officer_photo SET content_type = 'image/png'", &err),
			     0);
	assert_int_not_equal(db_exec(db, "DELETE FROM officer_photo", &err), 0);
	db_close(db);
	assert_int_equal(count_where(f, "SELECT count(*) FROM officer_photo WHERE content_type = $1",
				     "image/jpeg"),
			 1);
}

/* ---- no ID number in the trail ---- */

static void test_audit_trail_and_ledger_never_hold_an_id_number(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	struct service_officer out;
	struct officer_record r;
	struct sx_error err;
	static const unsigned char png[] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7};
	const char *const id17s[] = {ID17_ONE, ID17_TWO};

	assert_ok(create(f, "head_a", AGENCY_A, "张明", "A-0001", ID17_ONE, "officer_a", &err),
		  &err);
	create_ok(f, "A-0002", ID17_TWO);
	sx_error_clear(&err);
	record_fill(&r, "张小明", "A-0001", ID17_ONE);
	assert_ok(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), &err);
	assert_ok(service_officer_set_status(&out, &f->svc, &head, "A-0001", "suspended", "调查中",
					     &err),
		  &err);
	assert_ok(service_officer_set_photo(&out, &f->svc, &head, "A-0001", png, sizeof(png), &err),
		  &err);
	assert_ok(service_officer_link_user(&out, &f->svc, &head, "A-0002", "officer_a2", &err),
		  &err);
	assert_ok(service_officer_staff_get(&out, &f->svc, &head, "A-0001", true, &err), &err);
	assert_ok(service_officer_staff_get(&out, &f->svc, &head, "A-0002", true, &err), &err);
	/* Failed attempts too. */
	id_number(r.id_number, ID17_TWO);
	assert_int_not_equal(service_officer_update(&out, &f->svc, &head, "A-0001", &r, &err), 0);

	assert_true(audit_count(f, NULL) >= 8);
	assert_true(count_where(f, "SELECT count(*) FROM ledger_leaf WHERE kind LIKE 'officer.%'",
				NULL) >= 6);
	for (size_t i = 0; i < ARRAY_LEN(id17s); i++) {
		char full[19];

		id_number(full, id17s[i]);
		/* The first 17 digits catch the number whatever its last character. */
		assert_int_equal(count_where(f,
					     "SELECT count(*) FROM audit_event WHERE "
					     "replace(detail, $1, '') <> detail "
					     "OR replace(object_id, $1, '') <> object_id",
					     id17s[i]),
				 0);
		assert_int_equal(count_where(f,
					     "SELECT count(*) FROM ledger_leaf WHERE "
					     "replace(data, $1, '') <> data "
					     "OR replace(entity_id, $1, '') <> entity_id",
					     id17s[i]),
				 0);
		assert_int_equal(count_where(f, "SELECT count(*) FROM officer WHERE id_number = $1",
					     full),
				 1);
	}
}

/* ---- allocation failures ---- */

static void test_writes_and_lists_clean_up_when_an_allocation_fails(void **state)
{
	struct fixture *f = *state;
	struct service_actor head = actor_of("head_a");
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 3};
	struct sx_error err;
	int rc = SX_ENOMEM;
	long n;

	/* Registration: every failure leaves no officer behind. */
	for (n = 0; n < 200 && rc != 0; n++) {
		sx_mem_fail_after(n);
		rc = create(f, "head_a", AGENCY_A, "张明", "A-0001", ID17_ONE, NULL, &err);
		sx_mem_fail_after(-1);
		if (rc != 0) {
			assert_int_equal(rc, SX_ENOMEM);
			assert_int_equal(count_where(f, "SELECT count(*) FROM officer", NULL), 0);
		}
	}
	assert_int_equal(rc, 0);
	assert_true(n > 1);

	rc = SX_ENOMEM;
	for (n = 0; n < 200 && rc != 0; n++) {
		struct service_officer out;

		sx_mem_fail_after(n);
		sx_error_clear(&err);
		rc = service_officer_set_photo(&out, &f->svc, &head, "A-0001", jpeg, sizeof(jpeg),
					       &err);
		sx_mem_fail_after(-1);
		if (rc != 0)
			assert_int_equal(rc, SX_ENOMEM);
	}
	assert_int_equal(rc, 0);

	rc = SX_ENOMEM;
	for (n = 0; n < 200 && rc != 0; n++) {
		struct service_officer_staff_page page;

		sx_mem_fail_after(n);
		sx_error_clear(&err);
		rc = service_officer_staff_list(&page, &f->svc, &head, NULL, "张", NULL, &err);
		sx_mem_fail_after(-1);
		if (rc != 0) {
			assert_int_equal(rc, SX_ENOMEM);
			assert_null(page.items);
		} else {
			assert_int_equal(page.count, 1);
		}
		service_officer_staff_page_clear(&page);
	}
	assert_int_equal(rc, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_officers_and_unit_heads_cannot_register_officers),
		T(test_agency_head_of_another_agency_cannot_register_there),
		T(test_agency_head_registers_in_own_agency_and_admin_in_any),
		T(test_deactivated_or_unknown_agency_takes_no_officers),
		T(test_a_certificate_number_is_registered_once),
		T(test_bad_records_are_refused_with_the_field_named),
		T(test_update_changes_the_record_but_never_the_numbers),
		T(test_suspending_and_revoking_need_a_reason),
		T(test_revoked_officer_cannot_be_reactivated_or_changed),
		T(test_an_account_links_to_one_officer_of_its_own_agency),
		T(test_staff_list_masks_every_id_number),
		T(test_unit_head_may_not_reveal_an_id_number),
		T(test_agency_head_reveal_logs_exactly_one_audit_event),
		T(test_photo_is_recognised_by_its_magic_bytes_only),
		T(test_photo_over_512_kib_is_too_large),
		T(test_stored_photos_are_immutable),
		T(test_audit_trail_and_ledger_never_hold_an_id_number),
		T(test_writes_and_lists_clean_up_when_an_allocation_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
