/*
 * Unit tests for domain/officer: the state of an enforcement certificate
 * (执法证) on a given day, the words shown for each state and status, and
 * which certificate numbers are worth looking up (亮证).
 *
 * The state table crosses every status with days before, on and after each
 * end of the validity period: both ends are inclusive, and suspended (暂停)
 * or revoked (注销) win over dates that would otherwise make the certificate
 * valid. Malformed input — unknown status words, dates that are not real
 * "YYYY-MM-DD" days — must be SX_EINVALID whatever the status, because the
 * caller treats an error as stored data gone bad and must never show "有效"
 * for it.
 *
 * Certificate numbers are checked from a heap copy of exactly the given
 * length, with no NUL after it, so that ASan catches a read past the end.
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "domain/officer.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A string literal with its length, so that cases may hold NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

#define FROM "2024-01-01"
#define TO "2028-12-31"

/* ---- officer_credential_state ------------------------------------------------------------- */

struct state_case {
	const char *status;
	const char *valid_from;
	const char *valid_to;
	const char *today;
	enum officer_credential_state want;
	const char *why;
};

static const struct state_case state_cases[] = {
	/* active: the dates decide, both ends inclusive. */
	{"active", FROM, TO, "2023-12-31", OFFICER_CREDENTIAL_NOT_YET_VALID, "the day before from"},
	{"active", FROM, TO, "2024-01-01", OFFICER_CREDENTIAL_VALID, "on valid_from"},
	{"active", FROM, TO, "2024-01-02", OFFICER_CREDENTIAL_VALID, "the day after from"},
	{"active", FROM, TO, "2026-11-24", OFFICER_CREDENTIAL_VALID, "in the middle"},
	{"active", FROM, TO, "2028-12-30", OFFICER_CREDENTIAL_VALID, "the day before to"},
	{"active", FROM, TO, "2028-12-31", OFFICER_CREDENTIAL_VALID, "on valid_to"},
	{"active", FROM, TO, "2029-01-01", OFFICER_CREDENTIAL_EXPIRED, "the day after to"},
	{"active", FROM, TO, "1999-06-15", OFFICER_CREDENTIAL_NOT_YET_VALID, "long before"},
	{"active", FROM, TO, "9999-12-31", OFFICER_CREDENTIAL_EXPIRED, "long after"},
	/* Month and year boundaries, a leap day, a one-day certificate. */
	{"active", "2024-03-01", "2025-12-31", "2024-02-29", OFFICER_CREDENTIAL_NOT_YET_VALID,
	 "leap day before a March start"},
	{"active", "2024-02-29", "2025-12-31", "2024-02-29", OFFICER_CREDENTIAL_VALID,
	 "starts on a leap day"},
	{"active", "2024-01-01", "2025-12-31", "2026-01-01", OFFICER_CREDENTIAL_EXPIRED,
	 "new year after the last day (李华 in the demo)"},
	{"active", "2024-01-01", "2025-12-31", "2025-12-31", OFFICER_CREDENTIAL_VALID,
	 "the last day itself"},
	{"active", "2026-05-20", "2026-05-20", "2026-05-19", OFFICER_CREDENTIAL_NOT_YET_VALID,
	 "one-day certificate, the day before"},
	{"active", "2026-05-20", "2026-05-20", "2026-05-20", OFFICER_CREDENTIAL_VALID,
	 "one-day certificate, that day"},
	{"active", "2026-05-20", "2026-05-20", "2026-05-21", OFFICER_CREDENTIAL_EXPIRED,
	 "one-day certificate, the day after"},
	{"active", "2026-09-30", "2027-09-30", "2026-10-01", OFFICER_CREDENTIAL_VALID,
	 "month rolls over inside the period"},
	/* suspended overrides every date. */
	{"suspended", FROM, TO, "2023-12-31", OFFICER_CREDENTIAL_SUSPENDED, "before from"},
	{"suspended", FROM, TO, "2024-01-01", OFFICER_CREDENTIAL_SUSPENDED, "on valid_from"},
	{"suspended", FROM, TO, "2026-11-24", OFFICER_CREDENTIAL_SUSPENDED,
	 "inside the period (赵强 in the demo)"},
	{"suspended", FROM, TO, "2028-12-31", OFFICER_CREDENTIAL_SUSPENDED, "on valid_to"},
	{"suspended", FROM, TO, "2029-01-01", OFFICER_CREDENTIAL_SUSPENDED, "after to"},
	/* revoked overrides every date. */
	{"revoked", FROM, TO, "2023-12-31", OFFICER_CREDENTIAL_REVOKED, "before from"},
	{"revoked", FROM, TO, "2024-01-01", OFFICER_CREDENTIAL_REVOKED, "on valid_from"},
	{"revoked", FROM, TO, "2026-11-24", OFFICER_CREDENTIAL_REVOKED, "inside the period"},
	{"revoked", FROM, TO, "2028-12-31", OFFICER_CREDENTIAL_REVOKED, "on valid_to"},
	{"revoked", FROM, TO, "2029-01-01", OFFICER_CREDENTIAL_REVOKED, "after to"},
};

static void test_state_follows_status_and_inclusive_validity_dates(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(state_cases); i++) {
		const struct state_case *c = &state_cases[i];
		enum officer_credential_state got = (enum officer_credential_state)0;
		int rc = officer_credential_state(&got, c->status, c->valid_from, c->valid_to,
						  c->today);

		if (rc != 0 || got != c->want)
			fail_msg("case %zu (%s): %s %s..%s on %s: rc %d state %d, want %d", i, c->why,
				 c->status, c->valid_from, c->valid_to, c->today, rc, (int)got,
				 (int)c->want);
	}
}

/* Every malformed date, tried in each of the three date positions. */
static const char *const bad_dates[] = {
	NULL,
	"",
	"2024-1-01",
	"2024-01-1",
	"24-01-01",
	"2024-02-30",
	"2023-02-29",
	"2024-13-01",
	"2024-00-10",
	"2024-04-31",
	"2024-01-00",
	"2024/01/01",
	"20240101",
	"2024-01-01 ",
	" 2024-01-01",
	"2024-01-01T00:00:00Z",
	"2024-0a-01",
	"+024-01-01",
	"２０２４-01-01",
};

static const char *const all_statuses[] = {"active", "suspended", "revoked"};

static void test_malformed_dates_are_invalid_whatever_the_status(void **state)
{
	(void)state;
	for (size_t s = 0; s < ARRAY_LEN(all_statuses); s++) {
		for (size_t i = 0; i < ARRAY_LEN(bad_dates); i++) {
			const char *bad = bad_dates[i];
			const char *shown = bad ? bad : "(null)";
			enum officer_credential_state got;

			if (officer_credential_state(&got, all_statuses[s], bad, TO, "2026-01-01") !=
			    SX_EINVALID)
				fail_msg("%s: valid_from \"%s\" accepted", all_statuses[s], shown);
			if (officer_credential_state(&got, all_statuses[s], FROM, bad, "2026-01-01") !=
			    SX_EINVALID)
				fail_msg("%s: valid_to \"%s\" accepted", all_statuses[s], shown);
			if (officer_credential_state(&got, all_statuses[s], FROM, TO, bad) !=
			    SX_EINVALID)
				fail_msg("%s: today \"%s\" accepted", all_statuses[s], shown);
		}
	}
}

static void test_unknown_status_words_are_invalid(void **state)
{
	static const char *const bad_statuses[] = {
		NULL, "", "Active", "ACTIVE", "active ", " active", "activ", "activee",
		"suspend", "Suspended", "revoke", "REVOKED", "valid", "在岗", "active\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_statuses); i++) {
		enum officer_credential_state got;
		int rc = officer_credential_state(&got, bad_statuses[i], FROM, TO, "2026-01-01");

		if (rc != SX_EINVALID)
			fail_msg("status \"%s\": rc %d, want SX_EINVALID",
				 bad_statuses[i] ? bad_statuses[i] : "(null)", rc);
	}
}

/* ---- words --------------------------------------------------------------------------------- */

static void test_each_state_has_its_code_and_public_label(void **state)
{
	static const struct {
		enum officer_credential_state state;
		const char *code;
		const char *label;
	} cases[] = {
		{OFFICER_CREDENTIAL_VALID, "valid", "有效"},
		{OFFICER_CREDENTIAL_NOT_YET_VALID, "not_yet_valid", "尚未生效"},
		{OFFICER_CREDENTIAL_EXPIRED, "expired", "已过期"},
		{OFFICER_CREDENTIAL_SUSPENDED, "suspended", "已暂停执法"},
		{OFFICER_CREDENTIAL_REVOKED, "revoked", "已注销"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_string_equal(officer_credential_state_code(cases[i].state), cases[i].code);
		assert_string_equal(officer_credential_state_label(cases[i].state), cases[i].label);
	}
}

static void test_a_state_outside_the_enum_is_unknown_not_valid(void **state)
{
	static const int outside[] = {0, -1, OFFICER_CREDENTIAL_REVOKED + 1, 99};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(outside); i++) {
		enum officer_credential_state s = (enum officer_credential_state)outside[i];

		assert_string_equal(officer_credential_state_code(s), "unknown");
		assert_string_equal(officer_credential_state_label(s), "未知");
	}
}

static void test_status_words_have_chinese_labels_and_others_are_unknown(void **state)
{
	static const struct {
		const char *status;
		const char *label;
	} cases[] = {
		{"active", "在岗"},  {"suspended", "暂停"}, {"revoked", "注销"},
		{NULL, "未知"},      {"", "未知"},          {"Active", "未知"},
		{"active ", "未知"}, {"retired", "未知"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_string_equal(officer_status_label(cases[i].status), cases[i].label);
}

/* ---- officer_cert_no_is_well_formed -------------------------------------------------------- */

struct cert_case {
	const char *text;
	size_t len;
	bool want;
	const char *why;
};

static const struct cert_case cert_cases[] = {
	{LIT("33010020260001"), true, "a demo certificate"},
	{LIT("1234"), true, "4 characters, the shortest"},
	{LIT("ABCD"), true, "upper-case letters"},
	{LIT("abcd"), true, "lower-case letters"},
	{LIT("330100-SJ-0001"), true, "hyphens"},
	{LIT("----"), true, "only hyphens: still the allowed alphabet"},
	{LIT("0123456789abcdefghijABCDEFGHIJ-z"), true, "32 characters, the longest"},
	{LIT(""), false, "empty"},
	{LIT("123"), false, "3 characters"},
	{LIT("0123456789abcdefghijABCDEFGHIJ-zZ"), false, "33 characters"},
	{LIT("<script>"), false, "markup"},
	{LIT("1234 5678"), false, "a space"},
	{LIT("1234_5678"), false, "an underscore"},
	{LIT("12.34"), false, "a dot"},
	{LIT("1234/"), false, "a slash"},
	{LIT("12%34"), false, "a percent sign"},
	{LIT("+1234"), false, "a plus sign"},
	{LIT("1234'"), false, "a quote"},
	{LIT("12\x00" "34"), false, "an inner NUL byte"},
	{LIT("1234\n"), false, "a trailing newline"},
	{LIT("张明1234"), false, "Chinese characters"},
	{LIT("１２３４"), false, "full-width digits"},
	{LIT("1234\xff"), false, "a byte that is not UTF-8"},
	{"1234<", 4, true, "only the given length counts"},
	{"<1234", 4, false, "the given length starts at the pointer"},
};

static void test_cert_numbers_are_4_to_32_digits_letters_or_hyphens(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cert_cases); i++) {
		const struct cert_case *c = &cert_cases[i];
		char *copy = sx_malloc(c->len ? c->len : 1);
		bool got;

		assert_non_null(copy);
		memcpy(copy, c->text, c->len);
		got = officer_cert_no_is_well_formed(copy, c->len);
		sx_free(copy);
		if (got != c->want)
			fail_msg("case %zu (%s): got %d, want %d", i, c->why, got, c->want);
	}
}

static void test_null_cert_number_is_not_well_formed(void **state)
{
	(void)state;
	assert_false(officer_cert_no_is_well_formed(NULL, 0));
	assert_false(officer_cert_no_is_well_formed(NULL, 14));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_follows_status_and_inclusive_validity_dates),
		cmocka_unit_test(test_malformed_dates_are_invalid_whatever_the_status),
		cmocka_unit_test(test_unknown_status_words_are_invalid),
		cmocka_unit_test(test_each_state_has_its_code_and_public_label),
		cmocka_unit_test(test_a_state_outside_the_enum_is_unknown_not_valid),
		cmocka_unit_test(test_status_words_have_chinese_labels_and_others_are_unknown),
		cmocka_unit_test(test_cert_numbers_are_4_to_32_digits_letters_or_hyphens),
		cmocka_unit_test(test_null_cert_number_is_not_well_formed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
