/*
 * Unit tests for service/lists and service/imports against a real SQLite
 * database with the demo data (tests/unit/support/demo_fixture): the
 * 示例市市场监督管理局 has versions 1 and 2 approved (2 in force) and version
 * 3 pending, submitted by unit_head; the 生态环境局 has one approved version.
 *
 * What is proved: the public sees approved versions only — a pending version
 * is invisible until approved, then it is 即将生效 or in force; staff in
 * scope see pending versions, staff of other agencies do not; who may submit
 * and approve (never the submitter); one pending version at a time; a bad
 * version or a bad import stores nothing; imports are all or nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "base/time.h"
#include "demo_fixture.h"
#include "service/imports.h"
#include "service/lists.h"

static int setup(void **state)
{
	*state = demo_fixture_new("service-lists");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	demo_fixture_free(*state);
	return 0;
}

static void today(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out, y, m, d);
}

/* The version numbers the actor (NULL = public) sees, newest first, as "3,2,1". */
static void visible_versions(char *out, size_t size, struct demo_fixture *f,
			     const struct service_actor *actor, const char *agency)
{
	struct service_list_version *v = NULL;
	size_t n = 0, used = 0;
	struct sx_error err;

	out[0] = '\0';
	sx_error_clear(&err);
	assert_int_equal(service_list_versions(&v, &n, &f->svc, actor, agency, &err), 0);
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%lld", i ? "," : "",
					 (long long)v[i].version);
	sx_free(v);
}

/* Rejects the demo's pending version 3 so that a new one may be submitted. */
static void reject_pending(struct demo_fixture *f, const char *agency)
{
	struct service_actor head;
	struct sx_error err;

	demo_fixture_actor(&head, f, "agency_head");
	sx_error_clear(&err);
	assert_int_equal(service_list_decide(NULL, &f->svc, &head, agency, 3, false, "重新整理",
					     &err),
			 0);
}

static void test_public_sees_the_version_in_force_and_never_a_pending_one(void **state)
{
	struct demo_fixture *f = *state;
	struct service_list list;
	struct sx_error err;
	char agency[STORE_ID_SIZE], seen[64];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	assert_int_equal(list.version.version, 2);
	assert_true(list.version.in_force);
	assert_true(list.count > 0);
	service_list_clear(&list);

	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 3, SERVICE_LIST_ALL, NULL,
					  &err),
			 SX_ENOTFOUND);
	assert_string_equal(err.code, "list_version_not_found");
	visible_versions(seen, sizeof(seen), f, NULL, agency);
	assert_string_equal(seen, "2,1");
}

static void test_staff_in_scope_see_the_pending_version_and_others_do_not(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor reviewer, supervisor, other;
	struct service_list list;
	struct sx_error err;
	char agency[STORE_ID_SIZE], seen[64];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&reviewer, f, "reviewer");
	demo_fixture_actor(&supervisor, f, "supervisor");
	demo_fixture_actor(&other, f, "officer2");
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&list, &f->svc, &reviewer, agency, 3, SERVICE_LIST_ALL,
					  NULL, &err),
			 0);
	assert_string_equal(list.version.status, "pending");
	assert_false(list.version.in_force);
	service_list_clear(&list);
	visible_versions(seen, sizeof(seen), f, &supervisor, agency);
	assert_string_equal(seen, "3,2,1");
	visible_versions(seen, sizeof(seen), f, &other, agency);
	assert_string_equal(seen, "2,1");
	assert_int_equal(service_list_get(&list, &f->svc, &other, agency, 3, SERVICE_LIST_ALL, NULL,
					  &err),
			 SX_ENOTFOUND);
}

static void test_a_pending_version_becomes_public_only_when_approved(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor head;
	struct service_list_version v;
	struct service_list list;
	struct sx_error err;
	char agency[STORE_ID_SIZE], seen[64];
	int64_t approvals = demo_fixture_audit_count(f, "list.approve");

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&head, f, "agency_head");
	sx_error_clear(&err);
	assert_int_equal(service_list_decide(&v, &f->svc, &head, agency, 3, true, "同意发布", &err),
			 0);
	assert_string_equal(v.status, "approved");
	assert_true(v.ledger_index >= 0);
	assert_int_equal(demo_fixture_audit_count(f, "list.approve"), approvals + 1);
	visible_versions(seen, sizeof(seen), f, NULL, agency);
	assert_string_equal(seen, "3,2,1");
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 3, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	/* The demo's version 3 takes effect on the first of next month. */
	assert_true(list.version.upcoming);
	assert_false(list.version.in_force);
	service_list_clear(&list);
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	assert_int_equal(list.version.version, 2);
	service_list_clear(&list);
	/* Decided once. */
	assert_int_equal(service_list_decide(&v, &f->svc, &head, agency, 3, false, "再议", &err),
			 SX_ECONFLICT);
}

static void test_the_submitter_and_other_roles_cannot_approve(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor submitter, officer, reviewer;
	struct sx_error err;
	char agency[STORE_ID_SIZE];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&officer, f, "officer");
	demo_fixture_actor(&reviewer, f, "reviewer");
	demo_fixture_actor(&submitter, f, "admin");
	sx_error_clear(&err);
	assert_int_equal(service_list_decide(NULL, &f->svc, &officer, agency, 3, true, NULL, &err),
			 SX_EPERM);
	assert_int_equal(service_list_decide(NULL, &f->svc, &reviewer, agency, 3, true, NULL, &err),
			 SX_EPERM);
	/* A rejection needs a reason. */
	assert_int_equal(service_list_decide(NULL, &f->svc, &submitter, agency, 3, false, "  ", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "note_required");
}

static void test_nobody_approves_what_they_submitted(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor head;
	struct service_list list;
	struct service_list_version v;
	struct sx_error err;
	char agency[STORE_ID_SIZE], date[11];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	reject_pending(f, agency);
	demo_fixture_actor(&head, f, "agency_head");
	today(date);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	assert_int_equal(service_list_submit(&v, &f->svc, &head, agency, date, "局长自行提交",
					     list.items, list.count, &err),
			 0);
	assert_int_equal(v.version, 4);
	assert_int_equal(service_list_decide(NULL, &f->svc, &head, agency, 4, true, NULL, &err),
			 SX_EPERM);
	assert_string_equal(err.code, "same_person");
	service_list_clear(&list);
}

static void test_only_one_version_waits_for_approval_at_a_time(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor unit_head;
	struct service_list list;
	struct sx_error err;
	char agency[STORE_ID_SIZE], date[11];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&unit_head, f, "unit_head");
	today(date);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	assert_int_equal(service_list_submit(NULL, &f->svc, &unit_head, agency, date, "再改一次",
					     list.items, list.count, &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "list_pending_exists");
	service_list_clear(&list);
}

static void test_a_bad_submission_stores_nothing(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor unit_head, officer, other_head;
	struct service_list list;
	struct sx_error err;
	char agency[STORE_ID_SIZE], date[11], seen[64];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	reject_pending(f, agency);
	demo_fixture_actor(&unit_head, f, "unit_head");
	demo_fixture_actor(&officer, f, "officer");
	today(date);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&list, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err),
			 0);
	/* Officers do not edit lists. */
	assert_int_equal(service_list_submit(NULL, &f->svc, &officer, agency, date, "改",
					     list.items, list.count, &err),
			 SX_EPERM);
	/* A date in the past. */
	assert_int_equal(service_list_submit(NULL, &f->svc, &unit_head, agency, "2020-01-01", "改",
					     list.items, list.count, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	/* No summary. */
	assert_int_equal(service_list_submit(NULL, &f->svc, &unit_head, agency, date, "",
					     list.items, list.count, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_summary");
	/* A matter without legal basis. */
	list.items[0].basis_count = 0;
	assert_int_equal(service_list_submit(NULL, &f->svc, &unit_head, agency, date, "改",
					     list.items, list.count, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "matter_no_basis");
	list.items[0].basis_count = 1;
	/* The head of another agency. */
	demo_fixture_actor(&other_head, f, "officer2");
	other_head.role = ACCOUNT_ROLE_AGENCY_HEAD;
	assert_int_equal(service_list_submit(NULL, &f->svc, &other_head, agency, date, "改",
					     list.items, list.count, &err),
			 SX_EPERM);
	service_list_clear(&list);
	visible_versions(seen, sizeof(seen), f, &unit_head, agency);
	assert_string_equal(seen, "3,2,1");
}

static void test_the_diff_of_a_version_names_what_changed(void **state)
{
	struct demo_fixture *f = *state;
	struct service_list_version from, to;
	struct listdiff d;
	struct sx_error err;
	char agency[STORE_ID_SIZE];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	sx_error_clear(&err);
	assert_int_equal(service_list_diff(&d, &from, &to, &f->svc, NULL, agency, 0, 2, &err), 0);
	assert_int_equal(from.version, 1);
	assert_int_equal(to.version, 2);
	assert_true(d.count > 0);
	assert_true(d.added + d.removed + d.changed == d.count);
	listdiff_free(&d);
	/* The first version against nothing: everything is added. */
	assert_int_equal(service_list_diff(&d, &from, &to, &f->svc, NULL, agency, 0, 1, &err), 0);
	assert_int_equal(from.version, 0);
	assert_int_equal(d.added, (size_t)to.item_count);
	listdiff_free(&d);
}

static void test_views_pick_random_inspection_and_av_matters(void **state)
{
	struct demo_fixture *f = *state;
	struct service_list all, random, av, disc;
	struct sx_error err;
	char agency[STORE_ID_SIZE];

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&all, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err), 0);
	assert_int_equal(service_list_get(&random, &f->svc, NULL, agency, 0, SERVICE_LIST_RANDOM,
					  NULL, &err), 0);
	assert_int_equal(service_list_get(&av, &f->svc, NULL, agency, 0, SERVICE_LIST_AV, NULL,
					  &err), 0);
	assert_int_equal(service_list_get(&disc, &f->svc, NULL, agency, 0, SERVICE_LIST_DISCRETION,
					  NULL, &err), 0);
	assert_true(random.count > 0 && random.count < all.count);
	assert_true(av.count > 0 && av.count <= all.count);
	assert_true(disc.count > 0);
	for (size_t i = 0; i < random.count; i++)
		assert_true(random.items[i].random_inspection);
	for (size_t i = 0; i < av.count; i++)
		assert_int_not_equal(av.items[i].av_requirement, MATTER_AV_NONE);
	for (size_t i = 0; i < disc.count; i++)
		assert_true(disc.items[i].discretion_count > 0);
	/* One matter by code. */
	{
		struct service_list one;

		assert_int_equal(service_list_get(&one, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL,
						  all.items[0].code, &err), 0);
		assert_int_equal(one.count, 1);
		assert_string_equal(one.items[0].code, all.items[0].code);
		service_list_clear(&one);
		assert_int_equal(service_list_get(&one, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL,
						  "NO-SUCH-CODE", &err), SX_ENOTFOUND);
		assert_string_equal(err.code, "matter_not_found");
	}
	service_list_clear(&all);
	service_list_clear(&random);
	service_list_clear(&av);
	service_list_clear(&disc);
}

/* ---- imports ---- */

static int64_t officer_count(struct demo_fixture *f, const char *agency)
{
	struct store_tx *tx = NULL;
	struct sx_error err;
	int64_t n = -1;

	sx_error_clear(&err);
	if (store_begin(&tx, f->store, STORE_TX_READ, &err) == 0) {
		if (store_officer_count(&n, tx, agency, &err) < 0)
			n = -1;
		store_rollback(tx);
	}
	return n;
}

static char *read_fixture(size_t *len, const char *name)
{
	const char *root = getenv("SANXIANG_TEST_DATA");
	char path[1024];
	FILE *file;
	char *data;
	long size;

	snprintf(path, sizeof(path), "%s/import/%s", root ? root : "tests/data", name);
	file = fopen(path, "rb");
	if (file == NULL)
		fail_msg("cannot open %s", path);
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	data = sx_malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, file), (size_t)size);
	data[size] = '\0';
	fclose(file);
	*len = (size_t)size;
	return data;
}

static void test_an_officer_import_with_one_bad_row_imports_nothing(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor head;
	struct import_result result;
	struct sx_error err;
	char agency[STORE_ID_SIZE];
	size_t len, imported = 99;
	char *data = read_fixture(&len, "officers_bad_row.csv");
	int64_t before;

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&head, f, "agency_head");
	before = officer_count(f, agency);
	sx_error_clear(&err);
	assert_int_equal(service_import_officers(&result, &imported, &f->svc, &head, agency, data,
						 len, NULL, NULL, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "import_rejected");
	assert_int_equal(imported, 0);
	assert_int_equal(result.report.error_total, 1);
	assert_string_equal(result.report.errors[0].column, "身份证号");
	assert_int_equal(officer_count(f, agency), before);
	import_result_clear(&result);
	sx_free(data);
}

static void test_a_good_officer_import_writes_every_row_and_a_second_run_is_refused(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor head, officer;
	struct import_result result;
	struct sx_error err;
	char agency[STORE_ID_SIZE];
	size_t len, imported = 0;
	char *data = read_fixture(&len, "officers_ok.csv");
	int64_t before;

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	demo_fixture_actor(&head, f, "agency_head");
	demo_fixture_actor(&officer, f, "officer");
	before = officer_count(f, agency);
	sx_error_clear(&err);
	assert_int_equal(service_import_officers(&result, &imported, &f->svc, &officer, agency,
						 data, len, NULL, NULL, &err),
			 SX_EPERM);
	import_result_clear(&result);
	assert_int_equal(service_import_officers(&result, &imported, &f->svc, &head, agency, data,
						 len, NULL, NULL, &err),
			 0);
	assert_true(imported > 0);
	assert_int_equal(officer_count(f, agency), before + (int64_t)imported);
	import_result_clear(&result);
	/* The same file again: every certificate is taken, nothing is written. */
	assert_int_equal(service_import_officers(&result, &imported, &f->svc, &head, agency, data,
						 len, NULL, NULL, &err),
			 SX_EINVALID);
	assert_int_equal(result.report.error_total, result.report.rows);
	assert_string_equal(result.report.errors[0].code, "cert_no_taken");
	import_result_clear(&result);
	sx_free(data);
}

static void test_a_matter_import_becomes_a_pending_version_over_the_latest(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor unit_head;
	struct service_list_version v;
	struct service_list base, mine;
	struct import_result result;
	struct sx_error err;
	char agency[STORE_ID_SIZE], date[11];
	size_t len;
	char *data = read_fixture(&len, "matters_ok.csv");

	demo_fixture_agency_id(agency, f, DEMO_MARKET);
	reject_pending(f, agency);
	demo_fixture_actor(&unit_head, f, "unit_head");
	today(date);
	sx_error_clear(&err);
	assert_int_equal(service_list_get(&base, &f->svc, NULL, agency, 0, SERVICE_LIST_ALL, NULL,
					  &err), 0);
	assert_int_equal(service_import_matters(&v, &result, &f->svc, &unit_head, agency, data, len,
						date, "批量导入", NULL, NULL, &err),
			 0);
	assert_string_equal(v.status, "pending");
	assert_int_equal(v.version, 4);
	assert_true(v.item_count >= (int64_t)base.count);
	assert_int_equal(service_list_get(&mine, &f->svc, &unit_head, agency, 4, SERVICE_LIST_ALL,
					  NULL, &err), 0);
	assert_int_equal(mine.count, (size_t)v.item_count);
	service_list_clear(&mine);
	service_list_clear(&base);
	import_result_clear(&result);
	sx_free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_public_sees_the_version_in_force_and_never_a_pending_one, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_staff_in_scope_see_the_pending_version_and_others_do_not, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_a_pending_version_becomes_public_only_when_approved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_submitter_and_other_roles_cannot_approve,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_nobody_approves_what_they_submitted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_only_one_version_waits_for_approval_at_a_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_bad_submission_stores_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_diff_of_a_version_names_what_changed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_views_pick_random_inspection_and_av_matters,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_an_officer_import_with_one_bad_row_imports_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_good_officer_import_writes_every_row_and_a_second_run_is_refused,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_matter_import_becomes_a_pending_version_over_the_latest, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
