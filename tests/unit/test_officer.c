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
 * Records entered by staff (officer_record_normalize): blanks trimmed, one
 * spelling per certificate and ID number, and every bad field refused with its
 * own code and a message that starts with the field's Chinese name (the CSV
 * importer puts the row number in front of it). ID numbers are synthetic
 * (region 330106, born in the 1980s) with check digits computed per GB 11643.
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

/* ---- officer_record_normalize -------------------------------------------------------------- */

/* A record that passes: synthetic person, check digit computed per GB 11643 (final 'X'). */
static struct officer_record good_record(void)
{
	struct officer_record r;

	memset(&r, 0, sizeof(r));
	memcpy(r.name, "张明", sizeof("张明"));
	memcpy(r.cert_no, "ZJ-33010020260001", sizeof("ZJ-33010020260001"));
	memcpy(r.cert_type, "行政执法证", sizeof("行政执法证"));
	memcpy(r.field, "市场监管", sizeof("市场监管"));
	memcpy(r.valid_from, "2024-01-01", sizeof("2024-01-01"));
	memcpy(r.valid_to, "2028-12-31", sizeof("2028-12-31"));
	memcpy(r.status, "active", sizeof("active"));
	memcpy(r.id_number, "33010619800315001X", sizeof("33010619800315001X"));
	return r;
}

/* Writes s into a fixed-size field, asserting that it fits with its NUL. */
#define SET_FIELD(field, s)                                                                        \
	do {                                                                                       \
		assert_true(strlen(s) < sizeof(field));                                            \
		memcpy((field), (s), strlen(s) + 1);                                               \
	} while (0)

static void test_a_good_record_is_accepted_unchanged(void **state)
{
	struct officer_record r = good_record();
	struct officer_record want = good_record();
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(officer_record_normalize(&r, &err), 0);
	assert_int_equal(err.rc, 0);
	assert_memory_equal(&r, &want, sizeof(r));
}

static void test_normalize_trims_blanks_and_upper_cases_cert_no_and_final_x(void **state)
{
	struct officer_record r = good_record();
	struct sx_error err;

	(void)state;
	SET_FIELD(r.name, " \t张明\t ");
	SET_FIELD(r.cert_no, "  zj-33010020260001 ");
	SET_FIELD(r.cert_type, " 行政执法证");
	SET_FIELD(r.field, "市场监管 ");
	SET_FIELD(r.status, " active ");
	SET_FIELD(r.id_number, "33010619800315001x");
	/* Dates fill their 11 bytes: there is no room for blanks around them. */
	assert_int_equal(officer_record_normalize(&r, &err), 0);
	assert_string_equal(r.name, "张明");
	assert_string_equal(r.cert_no, "ZJ-33010020260001");
	assert_string_equal(r.cert_type, "行政执法证");
	assert_string_equal(r.field, "市场监管");
	assert_string_equal(r.status, "active");
	assert_string_equal(r.id_number, "33010619800315001X");
}

/* Blanks inside a value are data: U+3000 is not an ASCII blank and is not trimmed. */
static void test_normalize_trims_only_ascii_blanks(void **state)
{
	struct officer_record r = good_record();
	struct sx_error err;

	(void)state;
	SET_FIELD(r.name, "\xE3\x80\x80张 明");
	assert_int_equal(officer_record_normalize(&r, &err), 0);
	assert_string_equal(r.name, "\xE3\x80\x80张 明");
}

enum officer_field {
	F_NAME,
	F_CERT_NO,
	F_CERT_TYPE,
	F_FIELD,
	F_FROM,
	F_TO,
	F_STATUS,
	F_ID,
};

struct bad_record_case {
	enum officer_field field;
	const char *value;
	const char *code;
	const char *message_start; /* the message names the field first */
	const char *why;
};

static const struct bad_record_case bad_record_cases[] = {
	{F_NAME, "", "officer_bad_name", "姓名：不能为空", "empty name"},
	{F_NAME, " \t ", "officer_bad_name", "姓名：不能为空", "only blanks"},
	{F_NAME, "张\x01明", "officer_bad_name", "姓名：含有控制字符", "a control character"},
	{F_NAME, "张\n明", "officer_bad_name", "姓名：", "a line break"},
	{F_NAME, "张\x7f", "officer_bad_name", "姓名：", "DEL"},
	{F_NAME, "张\xC2\x85", "officer_bad_name", "姓名：", "a C1 control (NEL)"},
	{F_NAME, "\xff\xfe", "officer_bad_name", "姓名：", "not UTF-8"},
	{F_NAME, "\xE5\xBC", "officer_bad_name", "姓名：", "a cut UTF-8 sequence"},
	{F_CERT_NO, "", "officer_bad_cert_no", "执法证号：不能为空", "empty"},
	{F_CERT_NO, "ZJ1", "officer_bad_cert_no", "执法证号：应为 4—32 位", "too short"},
	{F_CERT_NO, "ZJ 0001", "officer_bad_cert_no", "执法证号：", "inner space"},
	{F_CERT_NO, "浙0001", "officer_bad_cert_no", "执法证号：", "a Chinese character"},
	{F_CERT_NO, "ZJ_0001", "officer_bad_cert_no", "执法证号：", "an underscore"},
	{F_CERT_TYPE, "", "officer_bad_cert_type", "证件类型：不能为空", "empty type"},
	{F_CERT_TYPE, "执法\t证", "officer_bad_cert_type", "证件类型：", "inner tab"},
	{F_FIELD, "", "officer_bad_field", "执法领域：不能为空", "empty field"},
	{F_FIELD, "市场\r监管", "officer_bad_field", "执法领域：", "inner CR"},
	{F_FROM, "", "officer_bad_dates", "有效期起：不能为空", "empty from"},
	{F_FROM, "2024/01/01", "officer_bad_dates", "有效期起：应为真实存在的日期", "slashes"},
	{F_FROM, "2024-1-1", "officer_bad_dates", "有效期起：", "no leading zeros"},
	{F_FROM, "2023-02-29", "officer_bad_dates", "有效期起：", "not a leap year"},
	{F_TO, "", "officer_bad_dates", "有效期止：不能为空", "empty to"},
	{F_TO, "2028-13-01", "officer_bad_dates", "有效期止：", "month 13"},
	{F_TO, "2023-12-31", "officer_bad_dates", "有效期止：早于有效期起", "to before from"},
	{F_STATUS, "", "officer_bad_status", "状态：应为在岗、暂停或注销", "empty status"},
	{F_STATUS, "在岗", "officer_bad_status", "状态：", "a label, not a status word"},
	{F_STATUS, "Active", "officer_bad_status", "状态：", "capitalised"},
	{F_STATUS, "retired", "officer_bad_status", "状态：", "unknown word"},
	{F_ID, "", "officer_bad_id_number", "身份证号：号码为空", "empty ID"},
	{F_ID, "330106198003150013", "officer_bad_id_number",
	 "身份证号：校验码（第 18 位）应为“X”，实际为“3”", "wrong check digit"},
	{F_ID, "33010619800315001", "officer_bad_id_number", "身份证号：长度应为 18 位",
	 "17 digits"},
	{F_ID, "330106800315001", "officer_bad_id_number", "身份证号：这是 15 位的旧号码",
	 "a valid legacy 15-digit number"},
	{F_ID, "330106198002300016", "officer_bad_id_number", "身份证号：出生日期", "30 February"},
	{F_ID, "９301061980031500", "officer_bad_id_number", "身份证号：第 1 个字节起含有非 ASCII",
	 "a full-width digit"},
	{F_ID, "93010619800315001X", "officer_bad_id_number", "身份证号：第 1 位是“9”",
	 "a foreigner's permanent residence number"},
};

static void set_officer_field(struct officer_record *r, enum officer_field f, const char *v)
{
	switch (f) {
	case F_NAME:
		SET_FIELD(r->name, v);
		break;
	case F_CERT_NO:
		SET_FIELD(r->cert_no, v);
		break;
	case F_CERT_TYPE:
		SET_FIELD(r->cert_type, v);
		break;
	case F_FIELD:
		SET_FIELD(r->field, v);
		break;
	case F_FROM:
		SET_FIELD(r->valid_from, v);
		break;
	case F_TO:
		SET_FIELD(r->valid_to, v);
		break;
	case F_STATUS:
		SET_FIELD(r->status, v);
		break;
	case F_ID:
		SET_FIELD(r->id_number, v);
		break;
	}
}

static void test_a_bad_field_is_refused_with_its_code_and_a_message_naming_it(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_record_cases); i++) {
		const struct bad_record_case *c = &bad_record_cases[i];
		struct officer_record r = good_record();
		struct sx_error err;
		int rc;

		set_officer_field(&r, c->field, c->value);
		sx_error_clear(&err);
		rc = officer_record_normalize(&r, &err);
		if (rc != SX_EINVALID || err.rc != SX_EINVALID || strcmp(err.code, c->code) != 0 ||
		    strncmp(err.message, c->message_start, strlen(c->message_start)) != 0)
			fail_msg("case %zu (%s): rc %d code %s message \"%s\", want %s \"%s…\"", i,
				 c->why, rc, err.code, err.message, c->code, c->message_start);
	}
}

/* Each status word passes; the normaliser does not translate labels (the importer does). */
static void test_every_status_word_passes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(all_statuses); i++) {
		struct officer_record r = good_record();

		SET_FIELD(r.status, all_statuses[i]);
		assert_int_equal(officer_record_normalize(&r, NULL), 0);
		assert_string_equal(r.status, all_statuses[i]);
	}
}

/* A one-day certificate (from = to) and a leap day are fine. */
static void test_dates_may_be_equal_and_fall_on_a_leap_day(void **state)
{
	struct officer_record r = good_record();

	(void)state;
	SET_FIELD(r.valid_from, "2024-02-29");
	SET_FIELD(r.valid_to, "2024-02-29");
	assert_int_equal(officer_record_normalize(&r, NULL), 0);
}

/* The first bad field in header order is the one reported. */
static void test_the_first_bad_field_in_order_is_reported(void **state)
{
	struct officer_record r = good_record();
	struct sx_error err;

	(void)state;
	SET_FIELD(r.cert_type, "");
	SET_FIELD(r.id_number, "330106198003150013");
	assert_int_equal(officer_record_normalize(&r, &err), SX_EINVALID);
	assert_string_equal(err.code, "officer_bad_cert_type");
}

/* Fields filled to the last byte without a NUL are refused, never read past (ASan). */
static void test_fields_without_a_terminating_nul_are_refused(void **state)
{
	static const struct {
		enum officer_field field;
		const char *code;
	} cases[] = {
		{F_NAME, "officer_bad_name"},     {F_CERT_NO, "officer_bad_cert_no"},
		{F_CERT_TYPE, "officer_bad_cert_type"}, {F_FIELD, "officer_bad_field"},
		{F_FROM, "officer_bad_dates"},    {F_TO, "officer_bad_dates"},
		{F_STATUS, "officer_bad_status"}, {F_ID, "officer_bad_id_number"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct officer_record *r = sx_malloc(sizeof(*r));
		struct sx_error err;
		char *field = NULL;
		size_t size = 0;

		assert_non_null(r);
		*r = good_record();
		switch (cases[i].field) {
		case F_NAME:
			field = r->name, size = sizeof(r->name);
			break;
		case F_CERT_NO:
			field = r->cert_no, size = sizeof(r->cert_no);
			break;
		case F_CERT_TYPE:
			field = r->cert_type, size = sizeof(r->cert_type);
			break;
		case F_FIELD:
			field = r->field, size = sizeof(r->field);
			break;
		case F_FROM:
			field = r->valid_from, size = sizeof(r->valid_from);
			break;
		case F_TO:
			field = r->valid_to, size = sizeof(r->valid_to);
			break;
		case F_STATUS:
			field = r->status, size = sizeof(r->status);
			break;
		case F_ID:
			field = r->id_number, size = sizeof(r->id_number);
			break;
		}
		memset(field, '1', size);
		assert_int_equal(officer_record_normalize(r, &err), SX_EINVALID);
		if (strcmp(err.code, cases[i].code) != 0)
			fail_msg("case %zu: code %s, want %s", i, err.code, cases[i].code);
		sx_free(r);
	}
}

static void test_a_null_record_is_invalid(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(officer_record_normalize(NULL, &err), SX_EINVALID);
	assert_int_equal(err.rc, SX_EINVALID);
	assert_int_equal(officer_record_normalize(NULL, NULL), SX_EINVALID);
}

/* ---- officer_status_from_label ------------------------------------------------------------- */

static void test_status_labels_and_words_map_to_status_words(void **state)
{
	static const struct {
		const char *label;
		const char *want; /* NULL = SX_EINVALID */
	} cases[] = {
		{"在岗", "active"},     {"暂停", "suspended"}, {"注销", "revoked"},
		{"active", "active"},   {"suspended", "suspended"}, {"revoked", "revoked"},
		{"", NULL},             {" 在岗", NULL},       {"在岗 ", NULL},
		{"Active", NULL},       {"离岗", NULL},        {"未知", NULL},
		{"有效", NULL},         {"在", NULL},          {"在岗在岗", NULL},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = "untouched";
		int rc = officer_status_from_label(&got, cases[i].label);

		if (cases[i].want == NULL) {
			if (rc != SX_EINVALID || strcmp(got, "untouched") != 0)
				fail_msg("\"%s\": rc %d, got %s; want SX_EINVALID, out untouched",
					 cases[i].label, rc, got);
		} else if (rc != 0 || strcmp(got, cases[i].want) != 0) {
			fail_msg("\"%s\": rc %d, got %s; want %s", cases[i].label, rc, got,
				 cases[i].want);
		}
	}
}

static void test_status_from_label_refuses_null_arguments(void **state)
{
	const char *got = NULL;

	(void)state;
	assert_int_equal(officer_status_from_label(&got, NULL), SX_EINVALID);
	assert_int_equal(officer_status_from_label(NULL, "在岗"), SX_EINVALID);
	assert_null(got);
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
		cmocka_unit_test(test_a_good_record_is_accepted_unchanged),
		cmocka_unit_test(test_normalize_trims_blanks_and_upper_cases_cert_no_and_final_x),
		cmocka_unit_test(test_normalize_trims_only_ascii_blanks),
		cmocka_unit_test(test_a_bad_field_is_refused_with_its_code_and_a_message_naming_it),
		cmocka_unit_test(test_every_status_word_passes),
		cmocka_unit_test(test_dates_may_be_equal_and_fall_on_a_leap_day),
		cmocka_unit_test(test_the_first_bad_field_in_order_is_reported),
		cmocka_unit_test(test_fields_without_a_terminating_nul_are_refused),
		cmocka_unit_test(test_a_null_record_is_invalid),
		cmocka_unit_test(test_status_labels_and_words_map_to_status_words),
		cmocka_unit_test(test_status_from_label_refuses_null_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
