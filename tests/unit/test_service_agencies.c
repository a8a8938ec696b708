/*
 * Unit tests for service/agencies on the demo database
 * (tests/unit/support/demo_fixture): only admins register and change
 * agencies; the credit code is checked (GB 32100) and unique; the region
 * code must be of the agency's level; a parent must exist and must not make a
 * cycle; deactivation needs a reason, keeps the agency public and leaves it
 * out of the list of active agencies; every change is audited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "demo_fixture.h"
#include "domain/idcheck.h"
#include "service/agencies.h"

static int setup(void **state)
{
	*state = demo_fixture_new("service-agencies");
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	demo_fixture_free(*state);
	return 0;
}

/* A county bureau under parent, with a valid credit code ending the 17 given. */
static void county_input(struct service_agency_input *in, char code[19], const char *first17,
			 const char *parent)
{
	snprintf(code, 19, "%s%c", first17, idcheck_credit_code_check_char(first17));
	memset(in, 0, sizeof(*in));
	in->name = "示例市示例县市场监督管理局";
	in->credit_code = code;
	in->level = "county";
	in->region_code = "330122";
	in->parent_id = parent;
	in->duties = "负责全县市场监督管理。";
	in->phone = "0571-80000009";
}

static size_t active_count(struct demo_fixture *f)
{
	struct service_agency *items = NULL;
	size_t n = 0;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(service_agency_list_public(&items, &n, &f->svc, &err), 0);
	sx_free(items);
	return n;
}

static void test_an_admin_registers_a_county_bureau_under_the_city_bureau(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor admin;
	struct service_agency_input in;
	struct service_agency_public a;
	struct sx_error err;
	char parent[STORE_ID_SIZE], code[19];
	int64_t index = -1, audits = demo_fixture_audit_count(f, "agency.create");
	size_t before = active_count(f);

	demo_fixture_agency_id(parent, f, DEMO_MARKET);
	demo_fixture_actor(&admin, f, "admin");
	county_input(&in, code, "11330122MB0000009", parent);
	sx_error_clear(&err);
	assert_int_equal(service_agency_create(&a, &index, &f->svc, &admin, &in, &err), 0);
	assert_string_equal(a.parent_name, DEMO_MARKET);
	assert_string_equal(a.level, "county");
	assert_true(a.active);
	assert_true(index >= 0);
	assert_int_equal(active_count(f), before + 1);
	assert_int_equal(demo_fixture_audit_count(f, "agency.create"), audits + 1);
	/* The same code twice is one organisation registered twice. */
	assert_int_equal(service_agency_create(NULL, NULL, &f->svc, &admin, &in, &err), SX_EEXISTS);
}

static void test_only_admins_change_agencies(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor head, supervisor;
	struct service_agency_input in;
	struct sx_error err;
	char parent[STORE_ID_SIZE], code[19];

	demo_fixture_agency_id(parent, f, DEMO_MARKET);
	demo_fixture_actor(&head, f, "agency_head");
	demo_fixture_actor(&supervisor, f, "supervisor");
	county_input(&in, code, "11330122MB0000009", parent);
	sx_error_clear(&err);
	assert_int_equal(service_agency_create(NULL, NULL, &f->svc, &head, &in, &err), SX_EPERM);
	assert_int_equal(service_agency_create(NULL, NULL, &f->svc, &supervisor, &in, &err),
			 SX_EPERM);
	assert_int_equal(service_agency_update(NULL, NULL, &f->svc, &head, parent, &in, &err),
			 SX_EPERM);
	assert_int_equal(service_agency_set_active(NULL, NULL, &f->svc, &head, parent, false, "撤销",
						   &err),
			 SX_EPERM);
}

static void test_bad_fields_are_refused_with_their_own_codes(void **state)
{
	static const struct {
		const char *field;
		const char *value;
		const char *code;
	} cases[] = {
		{"credit_code", "11330122MB000000X", "bad_credit_code"},
		{"credit_code", "11330122mb0000009", "bad_credit_code"},
		{"level", "district", "bad_level"},
		{"region_code", "330100", "bad_region_code"}, /* a city code for a county */
		{"region_code", "33012", "bad_region_code"},
		{"name", "", "invalid_name"},
		{"phone", "0571\n8000", "bad_text"},
		{"parent_id", "01J0000000000000000000NONE", "bad_parent"},
	};
	struct demo_fixture *f = *state;
	struct service_actor admin;
	struct sx_error err;
	char parent[STORE_ID_SIZE], code[19];
	size_t before = active_count(f);

	demo_fixture_agency_id(parent, f, DEMO_MARKET);
	demo_fixture_actor(&admin, f, "admin");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct service_agency_input in;

		county_input(&in, code, "11330122MB0000009", parent);
		if (strcmp(cases[i].field, "credit_code") == 0)
			in.credit_code = cases[i].value;
		else if (strcmp(cases[i].field, "level") == 0)
			in.level = cases[i].value;
		else if (strcmp(cases[i].field, "region_code") == 0)
			in.region_code = cases[i].value;
		else if (strcmp(cases[i].field, "name") == 0)
			in.name = cases[i].value;
		else if (strcmp(cases[i].field, "phone") == 0)
			in.phone = cases[i].value;
		else
			in.parent_id = cases[i].value;
		sx_error_clear(&err);
		if (service_agency_create(NULL, NULL, &f->svc, &admin, &in, &err) != SX_EINVALID ||
		    strcmp(err.code, cases[i].code) != 0)
			fail_msg("case %zu (%s=%s): got %s, want %s", i, cases[i].field,
				 cases[i].value, err.code, cases[i].code);
	}
	assert_int_equal(active_count(f), before);
}

static void test_an_agency_cannot_become_its_own_ancestor(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor admin;
	struct service_agency_input in;
	struct service_agency_public county;
	struct sx_error err;
	char city[STORE_ID_SIZE], code[19];

	demo_fixture_agency_id(city, f, DEMO_MARKET);
	demo_fixture_actor(&admin, f, "admin");
	county_input(&in, code, "11330122MB0000009", city);
	sx_error_clear(&err);
	assert_int_equal(service_agency_create(&county, NULL, &f->svc, &admin, &in, &err), 0);
	/* Make the city bureau a child of its own child. */
	memset(&in, 0, sizeof(in));
	in.name = DEMO_MARKET;
	in.level = "city";
	in.region_code = "330100";
	in.parent_id = county.id;
	assert_int_equal(service_agency_update(NULL, NULL, &f->svc, &admin, city, &in, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_parent");
	in.parent_id = city;
	assert_int_equal(service_agency_update(NULL, NULL, &f->svc, &admin, city, &in, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_parent");
}

static void test_a_deactivated_agency_stays_public_but_leaves_the_list(void **state)
{
	struct demo_fixture *f = *state;
	struct service_actor admin;
	struct service_agency_public a;
	struct sx_error err;
	char id[STORE_ID_SIZE];
	size_t before = active_count(f);

	demo_fixture_agency_id(id, f, DEMO_ECOLOGY);
	demo_fixture_actor(&admin, f, "admin");
	sx_error_clear(&err);
	assert_int_equal(service_agency_set_active(NULL, NULL, &f->svc, &admin, id, false, " ", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "reason_required");
	assert_int_equal(service_agency_set_active(&a, NULL, &f->svc, &admin, id, false,
						   "机构改革，职能并入市场监管局", &err),
			 0);
	assert_false(a.active);
	assert_int_equal(active_count(f), before - 1);
	assert_int_equal(service_agency_get_public(&a, &f->svc, id, &err), 0);
	assert_false(a.active);
	assert_int_equal(service_agency_set_active(NULL, NULL, &f->svc, &admin, id, false, "再次",
						   &err),
			 SX_ECONFLICT);
	assert_int_equal(demo_fixture_audit_count(f, "agency.deactivate"), 1);
	assert_int_equal(service_agency_set_active(NULL, NULL, &f->svc, &admin, id, true, NULL, &err),
			 0);
	assert_int_equal(active_count(f), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_an_admin_registers_a_county_bureau_under_the_city_bureau, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_admins_change_agencies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fields_are_refused_with_their_own_codes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_agency_cannot_become_its_own_ancestor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_a_deactivated_agency_stays_public_but_leaves_the_list, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
