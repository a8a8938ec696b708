/*
 * Unit tests for domain/fieldact: who may carry out a field act (现场执法) —
 * at least two distinct officers (《行政处罚法》第四十二条, 《行政强制法》第十八条
 * 第二项), each with a certificate valid on the day (第五十五条) and belonging to
 * the agency handling the case.
 *
 * Boundaries: a certificate is valid on its valid_to day and expired the day
 * after, not yet valid the day before valid_from; 1 and 0 officers are too
 * few, 20 are allowed and 21 too many. The same officer listed twice counts
 * once. Problems are reported in list order, with the offending index.
 * Stored data gone bad (unknown status, malformed dates) must never pass as
 * a valid certificate.
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/codec.h"
#include "base/error.h"
#include "domain/fieldact.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define AGENCY "agency-city-smr"
#define OTHER_AGENCY "agency-county-smr"
#define DAY "2026-03-15"

static struct fieldact_officer officer(const char *id, const char *name, const char *cert_no)
{
	struct fieldact_officer o = {
		.officer_id = id,
		.name = name,
		.cert_no = cert_no,
		.status = "active",
		.valid_from = "2024-01-01",
		.valid_to = "2028-12-31",
		.agency_id = AGENCY,
	};

	return o;
}

/* ---- kinds ------------------------------------------------------------------------------- */

static void test_each_act_kind_has_its_code_and_label_and_round_trips(void **state)
{
	static const struct {
		enum fieldact_kind kind;
		const char *code;
		const char *label;
	} cases[] = {
		{FIELDACT_INSPECT, "inspect", "检查"},
		{FIELDACT_INVESTIGATE, "investigate", "调查"},
		{FIELDACT_COLLECT, "collect", "取证"},
		{FIELDACT_SERVE, "serve", "送达"},
		{FIELDACT_COERCE, "coerce", "强制"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		enum fieldact_kind got = 0;

		assert_string_equal(fieldact_kind_code(cases[i].kind), cases[i].code);
		assert_string_equal(fieldact_kind_label(cases[i].kind), cases[i].label);
		assert_int_equal(fieldact_kind_from_code(&got, cases[i].code, NULL), 0);
		assert_int_equal(got, cases[i].kind);
	}
	assert_string_equal(fieldact_kind_code((enum fieldact_kind)0), "unknown");
	assert_string_equal(fieldact_kind_label((enum fieldact_kind)99), "未知");
}

static void test_an_unknown_act_kind_word_is_bad_act_kind(void **state)
{
	static const char *const words[] = {"", "Inspect", "检查", "inspect ", "coercion"};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		struct sx_error err = {0};
		enum fieldact_kind got = FIELDACT_SERVE;

		assert_int_equal(fieldact_kind_from_code(&got, words[i], &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_act_kind");
		assert_int_equal(got, FIELDACT_SERVE);
	}
	{
		struct sx_error err = {0};
		enum fieldact_kind got = FIELDACT_SERVE;

		assert_int_equal(fieldact_kind_from_code(&got, NULL, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_act_kind");
		assert_int_equal(fieldact_kind_from_code(NULL, "serve", NULL), SX_EINVALID);
	}
}

/* ---- fieldact_check ---------------------------------------------------------------------- */

static void test_two_valid_officers_of_the_case_agency_may_act(void **state)
{
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "李四", "ZJ-0002")};
	struct sx_error err = {0};
	long bad = 7;

	(void)state;
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), 0);
	assert_int_equal(bad, -1);
	assert_int_equal(fieldact_check(NULL, o, 2, AGENCY, DAY, NULL), 0);
}

static void test_a_certificate_is_valid_on_its_last_day_and_expired_the_next(void **state)
{
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "李四", "ZJ-0002")};
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	o[1].valid_to = "2026-03-15";
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, "2026-03-15", &err), 0);
	assert_int_equal(bad, -1);

	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, "2026-03-16", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err.message, "李四"));
	assert_non_null(strstr(err.message, "ZJ-0002"));
	assert_non_null(strstr(err.message, "已过期"));
}

static void test_a_certificate_is_not_yet_valid_the_day_before_it_starts(void **state)
{
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "李四", "ZJ-0002")};
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	o[0].valid_from = "2024-02-29";
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, "2024-02-28", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_int_equal(bad, 0);
	assert_non_null(strstr(err.message, "张三"));
	assert_non_null(strstr(err.message, "尚未生效"));
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, "2024-02-29", &err), 0);
}

static void test_suspended_and_revoked_officers_are_refused_with_the_reason(void **state)
{
	static const struct {
		const char *status;
		const char *reason;
	} cases[] = {{"suspended", "已暂停执法"}, {"revoked", "已注销"}};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
						officer("o2", "李四", "ZJ-0002")};
		struct sx_error err = {0};
		long bad = -5;

		o[0].status = cases[i].status;
		assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
		assert_string_equal(err.code, "officer_cert_invalid");
		assert_int_equal(bad, 0);
		assert_non_null(strstr(err.message, cases[i].reason));
		assert_non_null(strstr(err.message, "张三"));
	}
}

static void test_one_officer_is_not_enough(void **state)
{
	struct fieldact_officer o[1] = {officer("o1", "张三", "ZJ-0001")};
	struct sx_error err = {0};
	long bad = 3;

	(void)state;
	assert_int_equal(fieldact_check(&bad, o, 1, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "two_officers_required");
	assert_int_equal(bad, -1);
	assert_string_equal(err.message,
			    "现场执法须由两名以上持有效执法证的执法人员进行，当前只有 1 名");
}

static void test_no_officers_is_not_enough(void **state)
{
	struct sx_error err = {0};
	long bad = 3;

	(void)state;
	assert_int_equal(fieldact_check(&bad, NULL, 0, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "two_officers_required");
	assert_int_equal(bad, -1);
	assert_non_null(strstr(err.message, "当前只有 0 名"));
}

static void test_the_same_officer_listed_twice_counts_once(void **state)
{
	struct fieldact_officer o[3] = {officer("o1", "张三", "ZJ-0001"),
					officer("o1", "张三", "ZJ-0001"),
					officer("o1", "张三", "ZJ-0001")};
	struct sx_error err = {0};
	long bad = 3;

	(void)state;
	assert_int_equal(fieldact_check(&bad, o, 3, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "two_officers_required");
	assert_non_null(strstr(err.message, "当前只有 1 名"));

	o[2].officer_id = "o2";
	assert_int_equal(fieldact_check(&bad, o, 3, AGENCY, DAY, &err), 0);
}

static void test_an_officer_of_another_agency_is_out_of_area(void **state)
{
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "王五", "ZJ-0009")};
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	o[1].agency_id = OTHER_AGENCY;
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_out_of_area");
	assert_int_equal(bad, 1);
	assert_non_null(strstr(err.message, "王五"));
	assert_non_null(strstr(err.message, "ZJ-0009"));

	o[1].agency_id = NULL;
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_out_of_area");
	assert_int_equal(bad, 1);
}

static void test_the_first_problem_in_list_order_is_reported(void **state)
{
	struct fieldact_officer o[3] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "李四", "ZJ-0002"),
					officer("o3", "王五", "ZJ-0003")};
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	o[1].agency_id = OTHER_AGENCY;
	o[2].status = "revoked";
	assert_int_equal(fieldact_check(&bad, o, 3, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_out_of_area");
	assert_int_equal(bad, 1);

	/* Swapped: the revoked officer now comes first. */
	o[1].agency_id = AGENCY;
	o[1].status = "revoked";
	o[2].agency_id = OTHER_AGENCY;
	o[2].status = "active";
	assert_int_equal(fieldact_check(&bad, o, 3, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_int_equal(bad, 1);

	/* One officer with both problems: the certificate is reported. */
	o[1].agency_id = OTHER_AGENCY;
	assert_int_equal(fieldact_check(&bad, o, 3, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_int_equal(bad, 1);
}

static void test_a_malformed_act_date_is_bad_date(void **state)
{
	static const char *const dates[] = {"", "2026-02-30", "20260315", "2026-3-15",
					    "2026-03-15T00"};
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("o2", "李四", "ZJ-0002")};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(dates); i++) {
		struct sx_error err = {0};
		long bad = 4;

		assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, dates[i], &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_int_equal(bad, -1);
	}
	{
		struct sx_error err = {0};

		assert_int_equal(fieldact_check(NULL, o, 2, AGENCY, NULL, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
	}
}

static void test_twenty_officers_are_allowed_and_twenty_one_too_many(void **state)
{
	struct fieldact_officer o[FIELDACT_MAX_OFFICERS + 1];
	char ids[FIELDACT_MAX_OFFICERS + 1][8];
	struct sx_error err = {0};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(o); i++) {
		snprintf(ids[i], sizeof(ids[i]), "o%zu", i);
		o[i] = officer(ids[i], "执法员", "ZJ-0001");
	}
	assert_int_equal(fieldact_check(NULL, o, FIELDACT_MAX_OFFICERS, AGENCY, DAY, &err), 0);
	assert_int_equal(fieldact_check(NULL, o, FIELDACT_MAX_OFFICERS + 1, AGENCY, DAY, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "too_many_officers");
}

static void test_unreadable_certificate_data_never_passes_as_valid(void **state)
{
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	for (int c = 0; c < 4; c++) {
		struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
						officer("o2", "李四", "ZJ-0002")};

		if (c == 0)
			o[1].status = "on_leave";
		else if (c == 1)
			o[1].status = NULL;
		else if (c == 2)
			o[1].valid_to = "2028-13-01";
		else
			o[1].valid_from = NULL;
		assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
		assert_string_equal(err.code, "officer_cert_invalid");
		assert_int_equal(bad, 1);
	}
}

static void test_a_missing_officer_id_or_case_agency_is_bad_officer(void **state)
{
	struct fieldact_officer o[2] = {officer("o1", "张三", "ZJ-0001"),
					officer("", "李四", "ZJ-0002")};
	struct sx_error err = {0};
	long bad = -5;

	(void)state;
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_officer");
	assert_int_equal(bad, 1);

	o[1].officer_id = NULL;
	assert_int_equal(fieldact_check(&bad, o, 2, AGENCY, DAY, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_officer");

	o[1].officer_id = "o2";
	assert_int_equal(fieldact_check(&bad, o, 2, NULL, DAY, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_officer");
	assert_int_equal(bad, -1);
	assert_int_equal(fieldact_check(&bad, o, 2, "", DAY, &err), SX_EINVALID);
	assert_int_equal(fieldact_check(&bad, NULL, 2, AGENCY, DAY, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_officer");
}

static void test_messages_stay_valid_utf8_with_very_long_names(void **state)
{
	char name[400] = "";
	struct fieldact_officer o[2] = {officer("o1", NULL, NULL),
					officer("o2", "李四", "ZJ-0002")};
	struct sx_error err = {0};

	(void)state;
	for (int i = 0; i < 120; i++)
		memcpy(name + (size_t)i * 3, "张", 3);
	name[360] = '\0';
	o[1].name = name;
	o[1].status = "suspended";
	assert_int_equal(fieldact_check(NULL, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "officer_cert_invalid");
	assert_true(codec_is_valid_utf8(err.message, strlen(err.message)));
	assert_non_null(strstr(err.message, "已暂停执法"));

	/* A NULL name and certificate number read as "". */
	o[0].status = "revoked";
	assert_int_equal(fieldact_check(NULL, o, 2, AGENCY, DAY, &err), SX_ECONFLICT);
	assert_non_null(strstr(err.message, "已注销"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_act_kind_has_its_code_and_label_and_round_trips),
		cmocka_unit_test(test_an_unknown_act_kind_word_is_bad_act_kind),
		cmocka_unit_test(test_two_valid_officers_of_the_case_agency_may_act),
		cmocka_unit_test(test_a_certificate_is_valid_on_its_last_day_and_expired_the_next),
		cmocka_unit_test(test_a_certificate_is_not_yet_valid_the_day_before_it_starts),
		cmocka_unit_test(test_suspended_and_revoked_officers_are_refused_with_the_reason),
		cmocka_unit_test(test_one_officer_is_not_enough),
		cmocka_unit_test(test_no_officers_is_not_enough),
		cmocka_unit_test(test_the_same_officer_listed_twice_counts_once),
		cmocka_unit_test(test_an_officer_of_another_agency_is_out_of_area),
		cmocka_unit_test(test_the_first_problem_in_list_order_is_reported),
		cmocka_unit_test(test_a_malformed_act_date_is_bad_date),
		cmocka_unit_test(test_twenty_officers_are_allowed_and_twenty_one_too_many),
		cmocka_unit_test(test_unreadable_certificate_data_never_passes_as_valid),
		cmocka_unit_test(test_a_missing_officer_id_or_case_agency_is_bad_officer),
		cmocka_unit_test(test_messages_stay_valid_utf8_with_very_long_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
