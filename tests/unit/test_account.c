/*
 * Unit tests for domain/account: role names and labels, who may list which
 * users (scope per role and the GB/T 2260 region prefix rule), the username,
 * display-name and password policies, the login throttle (delay, doubling,
 * cap, lockout, and the 0 = "never" switches) and session lifetimes at their
 * exact boundaries.
 *
 * account is pure (no I/O, no allocation), so there are no allocation
 * failure paths to exercise here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "domain/account.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* U+5F20 张, three bytes in UTF-8: a CJK character counts as "other". */
#define CJK "\xe5\xbc\xa0"

/* ---- roles ---- */

struct role_case {
	enum account_role role;
	const char *name;
	const char *label;
	enum account_scope list_scope;
	bool manages_users;
};

static const struct role_case role_cases[] = {
	{ACCOUNT_ROLE_OFFICER, "officer", "执法人员", ACCOUNT_SCOPE_NONE, false},
	{ACCOUNT_ROLE_UNIT_HEAD, "unit_head", "科室负责人", ACCOUNT_SCOPE_OWN_AGENCY, false},
	{ACCOUNT_ROLE_REVIEWER, "reviewer", "法制审核人员", ACCOUNT_SCOPE_NONE, false},
	{ACCOUNT_ROLE_AGENCY_HEAD, "agency_head", "机关负责人", ACCOUNT_SCOPE_OWN_AGENCY, false},
	{ACCOUNT_ROLE_SUPERVISOR, "supervisor", "监督人员", ACCOUNT_SCOPE_REGION, false},
	{ACCOUNT_ROLE_ADMIN, "admin", "系统管理员", ACCOUNT_SCOPE_ALL, true},
};

static void test_role_names_and_labels_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(role_cases); i++) {
		const struct role_case *c = &role_cases[i];
		enum account_role parsed = 0;

		assert_string_equal(account_role_name(c->role), c->name);
		assert_string_equal(account_role_label(c->role), c->label);
		assert_int_equal(account_role_from_name(&parsed, c->name), 0);
		assert_int_equal(parsed, c->role);
	}
}

static void test_unknown_role_names_are_rejected(void **state)
{
	static const char *const bad[] = {
		"", "Admin", "ADMIN", "admin ", " admin", "administrator", "adm", "unit-head",
		"unknown", "执法人员", "officer\n",
	};
	enum account_role parsed = ACCOUNT_ROLE_REVIEWER;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_int_equal(account_role_from_name(&parsed, bad[i]), SX_EINVALID);
	assert_int_equal(account_role_from_name(&parsed, NULL), SX_EINVALID);
	/* A failed parse must not hand back some other role. */
	assert_int_equal(parsed, ACCOUNT_ROLE_REVIEWER);
}

static void test_role_outside_the_enum_has_no_real_name_or_label(void **state)
{
	static const int outside[] = {0, -1, ACCOUNT_ROLE_ADMIN + 1, 1000};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(outside); i++) {
		const char *name = account_role_name((enum account_role)outside[i]);
		const char *label = account_role_label((enum account_role)outside[i]);

		assert_non_null(name);
		assert_non_null(label);
		for (size_t k = 0; k < ARRAY_LEN(role_cases); k++) {
			assert_string_not_equal(name, role_cases[k].name);
			assert_string_not_equal(label, role_cases[k].label);
		}
	}
}

static void test_user_list_scope_follows_the_role(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(role_cases); i++)
		assert_int_equal(account_user_list_scope(role_cases[i].role),
				 role_cases[i].list_scope);
	assert_int_equal(account_user_list_scope((enum account_role)0), ACCOUNT_SCOPE_NONE);
	assert_int_equal(account_user_list_scope((enum account_role)99), ACCOUNT_SCOPE_NONE);
}

static void test_only_admins_manage_users(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(role_cases); i++)
		assert_int_equal(account_can_manage_users(role_cases[i].role),
				 role_cases[i].manages_users);
	assert_false(account_can_manage_users((enum account_role)0));
}

/* ---- region scope ---- */

static void test_region_prefix_keeps_province_city_or_county_digits(void **state)
{
	static const struct {
		const char *code;
		const char *prefix;
	} cases[] = {
		{"330000", "33"},     /* province */
		{"330100", "3301"},   /* city */
		{"330106", "330106"}, /* county */
		{"110000", "11"},
		{"110101", "110101"},
		{"331000", "3310"},   /* "00" at the end only: a city */
		{"330010", "330010"}, /* inner zeros do not make a city */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[7];

		memset(out, 'x', sizeof(out));
		assert_int_equal(account_region_prefix(out, sizeof(out), cases[i].code), 0);
		assert_string_equal(out, cases[i].prefix);
	}
}

static void test_region_prefix_rejects_anything_but_six_digits(void **state)
{
	static const char *const bad[] = {
		"", "33010", "3301000", "33010a", "a30100", " 33010", "330100 ", "33-100",
		"３３０１００", "33\n100",
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_int_equal(account_region_prefix(out, sizeof(out), bad[i]), SX_EINVALID);
	assert_int_equal(account_region_prefix(out, sizeof(out), NULL), SX_EINVALID);
}

static void test_region_prefix_rejects_an_output_smaller_than_seven_bytes(void **state)
{
	char out[7];

	(void)state;
	assert_int_equal(account_region_prefix(out, 6, "330106"), SX_EINVALID);
	assert_int_equal(account_region_prefix(out, 7, "330106"), 0);
	assert_string_equal(out, "330106");
}

struct cover_case {
	enum account_scope scope;
	const char *actor_agency;
	const char *actor_region;
	const char *target_agency;
	const char *target_region;
	bool covers;
};

static const struct cover_case cover_cases[] = {
	/* own agency: the agency id decides, the region does not */
	{ACCOUNT_SCOPE_OWN_AGENCY, "AG1", "330100", "AG1", "330100", true},
	{ACCOUNT_SCOPE_OWN_AGENCY, "AG1", "330100", "AG1", "440100", true},
	{ACCOUNT_SCOPE_OWN_AGENCY, "AG1", "330100", "AG2", "330100", false},
	{ACCOUNT_SCOPE_OWN_AGENCY, "AG1", "330100", "AG10", "330100", false},
	{ACCOUNT_SCOPE_OWN_AGENCY, "AG1", "330100", NULL, "330100", false},
	{ACCOUNT_SCOPE_OWN_AGENCY, NULL, "330100", "AG1", "330100", false},
	{ACCOUNT_SCOPE_OWN_AGENCY, NULL, "330100", NULL, "330100", false},
	/* region, city actor: the same first four digits */
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", "330100", true},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", "330106", true},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", "330200", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", "330000", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", "440106", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG1", "440106", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "330100", "AG2", NULL, false},
	/* region, province actor: the same first two digits */
	{ACCOUNT_SCOPE_REGION, "AG1", "330000", "AG2", "331002", true},
	{ACCOUNT_SCOPE_REGION, "AG1", "330000", "AG2", "330000", true},
	{ACCOUNT_SCOPE_REGION, "AG1", "330000", "AG2", "340100", false},
	/* region, county actor: only itself */
	{ACCOUNT_SCOPE_REGION, "AG1", "330106", "AG2", "330106", true},
	{ACCOUNT_SCOPE_REGION, "AG1", "330106", "AG2", "330105", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "330106", "AG2", "330100", false},
	/* region, actor without a valid region code sees nobody */
	{ACCOUNT_SCOPE_REGION, "AG1", NULL, "AG1", "330100", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "", "AG1", "330100", false},
	{ACCOUNT_SCOPE_REGION, "AG1", "3301", "AG1", "330100", false},
	/* all: everyone, even without agency or region */
	{ACCOUNT_SCOPE_ALL, "AG1", "330100", "AG2", "440100", true},
	{ACCOUNT_SCOPE_ALL, NULL, NULL, NULL, NULL, true},
	/* none: nobody, not even the actor's own agency */
	{ACCOUNT_SCOPE_NONE, "AG1", "330100", "AG1", "330100", false},
	{ACCOUNT_SCOPE_NONE, NULL, NULL, NULL, NULL, false},
};

static void test_scope_covers_exactly_what_each_scope_allows(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cover_cases); i++) {
		const struct cover_case *c = &cover_cases[i];
		struct account_actor actor = {ACCOUNT_ROLE_OFFICER, c->actor_agency,
					      c->actor_region};

		if (account_scope_covers(c->scope, &actor, c->target_agency, c->target_region) !=
		    c->covers)
			fail_msg("case %zu: scope %d actor %s/%s target %s/%s: want %d", i,
				 (int)c->scope, c->actor_agency ? c->actor_agency : "(null)",
				 c->actor_region ? c->actor_region : "(null)",
				 c->target_agency ? c->target_agency : "(null)",
				 c->target_region ? c->target_region : "(null)", (int)c->covers);
	}
}

/* ---- usernames ---- */

static void test_usernames_follow_the_rules(void **state)
{
	static const struct {
		const char *username;
		bool ok;
	} cases[] = {
		{"abc", true},
		{"officer", true},
		{"officer2", true},
		{"unit_head", true},
		{"zhang.ming", true},
		{"li-hua", true},
		{"a1.", true},
		{"a__", true},
		{"z09", true},
		{"ab", false},                 /* too short */
		{"a", false},
		{"", false},
		{"Abc", false},                /* upper case */
		{"abC", false},
		{"1abc", false},               /* must start with a letter */
		{".abc", false},
		{"_abc", false},
		{"-abc", false},
		{"ab c", false},
		{"ab\tc", false},
		{"ab@c", false},
		{"ab/c", false},
		{"ab+c", false},
		{"zh\xc3\xa0ng", false},       /* non-ASCII */
		{"\xe5\xbc\xa0" "abc", false},
		{"abc\n", false},
	};
	char longest[66];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct sx_error err;
		int rc;

		sx_error_clear(&err);
		rc = account_check_username(cases[i].username, &err);
		if (cases[i].ok) {
			if (rc != 0)
				fail_msg("username \"%s\" should be accepted", cases[i].username);
			assert_int_equal(err.rc, 0);
		} else {
			if (rc != SX_EINVALID)
				fail_msg("username \"%s\" should be rejected", cases[i].username);
			assert_int_equal(err.rc, SX_EINVALID);
			assert_string_equal(err.code, "invalid_username");
			assert_true(err.message[0] != '\0');
		}
	}

	/* 64 bytes is the limit, 65 is past it. */
	memset(longest, 'a', 64);
	longest[64] = '\0';
	assert_int_equal(account_check_username(longest, NULL), 0);
	longest[64] = 'a';
	longest[65] = '\0';
	assert_int_equal(account_check_username(longest, NULL), SX_EINVALID);
}

static void test_missing_username_is_rejected(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(account_check_username(NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "invalid_username");
}

/* ---- display names ---- */

static void test_display_names_follow_the_rules(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{"张明", true},
		{"A", true},
		{"Zhang Ming", true},
		{"阿卜杜拉·买买提", true},
		{"\xf0\x9f\x98\x80", true},     /* U+1F600: four bytes */
		{"", false},
		{"a\nb", false},                /* control characters */
		{"a\tb", false},
		{"a\rb", false},
		{"\x1b[31m", false},
		{"a\x1f", false},
		{"a\x7f", false},               /* DEL */
		{"\xff", false},                /* invalid UTF-8 */
		{"张\xe6\x98", false},          /* truncated sequence */
		{"\xc0\xaf", false},            /* overlong "/" */
		{"\xed\xa0\x80", false},        /* surrogate U+D800 */
		{"\xf4\x90\x80\x80", false},    /* above U+10FFFF */
		{"\x80" "abc", false},          /* stray continuation byte */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct sx_error err;
		int rc;

		sx_error_clear(&err);
		rc = account_check_display_name(cases[i].name, &err);
		if (cases[i].ok) {
			if (rc != 0)
				fail_msg("display name case %zu should be accepted", i);
		} else {
			if (rc != SX_EINVALID)
				fail_msg("display name case %zu should be rejected", i);
			assert_string_equal(err.code, "invalid_name");
		}
	}
	assert_int_equal(account_check_display_name(NULL, NULL), SX_EINVALID);
}

static void test_display_name_may_be_192_bytes_but_not_193(void **state)
{
	char name[64 * 3 + 2];

	(void)state;
	/* 64 CJK characters: exactly the 192-byte limit. */
	for (size_t i = 0; i < 64; i++)
		memcpy(name + 3 * i, CJK, 3);
	name[192] = '\0';
	assert_int_equal(account_check_display_name(name, NULL), 0);
	name[192] = 'x';
	name[193] = '\0';
	assert_int_equal(account_check_display_name(name, NULL), SX_EINVALID);
}

/* ---- passwords ---- */

/* The reason a password is refused, from the Chinese message. */
enum pw_verdict {
	PW_OK,
	PW_SHORT,    /* fewer than 10 code points */
	PW_CLASSES,  /* fewer than two character classes */
	PW_USERNAME, /* contains the username */
	PW_LONG,     /* more than 128 bytes */
	PW_BYTES,    /* invalid UTF-8 or NUL */
};

struct pw_case {
	const char *password;
	size_t len;            /* 0 = strlen(password) */
	const char *username;
	enum pw_verdict verdict;
};

static const struct pw_case pw_cases[] = {
	/* length counts code points, not bytes */
	{"Abcdefghi", 0, NULL, PW_SHORT},
	{"Abcdefghij", 0, NULL, PW_OK},
	{"Ab1!", 0, NULL, PW_SHORT},
	{"", 0, NULL, PW_SHORT},
	{CJK CJK CJK CJK CJK CJK CJK CJK CJK, 0, NULL, PW_SHORT},            /* 27 bytes, 9 chars */
	{CJK CJK CJK CJK CJK CJK CJK CJK "1", 0, NULL, PW_SHORT},            /* 9 chars */
	{CJK CJK CJK CJK CJK CJK CJK CJK CJK "1", 0, NULL, PW_OK},  /* 10 chars, 2 classes */
	{CJK CJK CJK CJK CJK CJK CJK CJK CJK "a", 0, NULL, PW_OK},
	{CJK CJK CJK CJK CJK CJK CJK CJK CJK CJK, 0, NULL, PW_CLASSES},      /* only "other" */
	/* one class only */
	{"abcdefghijkl", 0, NULL, PW_CLASSES},
	{"ABCDEFGHIJKL", 0, NULL, PW_CLASSES},
	{"123456789012", 0, NULL, PW_CLASSES},
	{"!@#$%^&*()-=", 0, NULL, PW_CLASSES},
	{"          ", 0, NULL, PW_CLASSES},
	/* any two classes suffice */
	{"abcdefghi1", 0, NULL, PW_OK},
	{"ABCDEFGHI1", 0, NULL, PW_OK},
	{"abcdefghi!", 0, NULL, PW_OK},
	{"123456789!", 0, NULL, PW_OK},
	{"abcdefghiJ", 0, NULL, PW_OK},
	{"Sanxiang@2026", 0, "officer", PW_OK},
	/* the username, in any case */
	{"officer2026!", 0, "officer", PW_USERNAME},
	{"Officer2026!", 0, "officer", PW_USERNAME},
	{"2026OFFICER!", 0, "officer", PW_USERNAME},
	{"xxOfFiCeRxx1", 0, "officer", PW_USERNAME},
	{"Zhang.Ming2026", 0, "zhang.ming", PW_USERNAME},
	{"Offi-cer2026!", 0, "officer", PW_OK},
	{"Officer1026!", 0, "officer2", PW_OK},    /* a prefix of the username is fine */
	{"Officer2026!", 0, NULL, PW_OK},
	{"Officer2026!", 0, "", PW_OK},
	/* byte rules */
	{"Abcdefghij\xff", 0, NULL, PW_BYTES},
	{"Abcdefghij\xe5\xbc", 0, NULL, PW_BYTES},  /* truncated */
	{"Abcdefghij\xc0\xaf", 0, NULL, PW_BYTES},  /* overlong */
	{"Abcdef\0ghij12", 13, NULL, PW_BYTES},     /* embedded NUL */
	{"Abcdefghij12\0", 13, NULL, PW_BYTES},     /* trailing NUL counted by len */
};

static void check_password_verdict(size_t i, const char *password, size_t len,
				   const char *username, enum pw_verdict verdict)
{
	static const struct {
		enum pw_verdict verdict;
		const char *needle;
	} reasons[] = {
		{PW_SHORT, "10"},
		{PW_CLASSES, "两类"},
		{PW_USERNAME, "用户名"},
		{PW_LONG, "128"},
		{PW_BYTES, "无效字符"},
	};
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = account_check_password(password, len, username, &err);
	if (verdict == PW_OK) {
		if (rc != 0)
			fail_msg("password case %zu should be accepted, got %d (%s)", i, rc,
				 err.message);
		return;
	}
	if (rc != SX_EINVALID)
		fail_msg("password case %zu should be rejected, got %d", i, rc);
	assert_string_equal(err.code, "weak_password");
	for (size_t k = 0; k < ARRAY_LEN(reasons); k++) {
		if (reasons[k].verdict == verdict && strstr(err.message, reasons[k].needle) == NULL)
			fail_msg("password case %zu: message \"%s\" lacks \"%s\"", i, err.message,
				 reasons[k].needle);
	}
}

static void test_password_policy_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pw_cases); i++) {
		const struct pw_case *c = &pw_cases[i];

		check_password_verdict(i, c->password, c->len ? c->len : strlen(c->password),
				       c->username, c->verdict);
	}
}

static void test_password_may_be_128_bytes_but_not_129(void **state)
{
	char pw[130];

	(void)state;
	memset(pw, 'a', sizeof(pw));
	pw[0] = 'A';
	check_password_verdict(0, pw, 128, "officer", PW_OK);
	check_password_verdict(1, pw, 129, "officer", PW_LONG);
	/* The limit is on bytes, not characters: 42 CJK characters and "12" are
	 * 128 bytes (44 characters), one more digit passes the limit. */
	for (size_t i = 0; i < 42; i++)
		memcpy(pw + 3 * i, CJK, 3);
	memcpy(pw + 126, "123", 3);
	check_password_verdict(2, pw, 128, NULL, PW_OK);
	check_password_verdict(3, pw, 129, NULL, PW_LONG);
}

static void test_missing_password_is_rejected(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(account_check_password(NULL, 0, "officer", &err), SX_EINVALID);
	assert_string_equal(err.code, "weak_password");
	assert_int_equal(account_check_password(NULL, 12, NULL, NULL), SX_EINVALID);
}

/* ---- throttling ---- */

#define NOW_US 1780000000000000LL

static const struct account_throttle_policy test_policy = {
	.delay_after = 3,
	.delay_base_ms = 1000,
	.delay_max_ms = 8000,
	.lockout_after = 10,
	.lockout_seconds = 900,
};

struct throttle_case {
	int failures;
	int64_t wait_ms;   /* after now; 0 = no wait */
	bool locked;
};

static void check_throttle_cases(const struct account_throttle_policy *policy,
				 const struct throttle_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		bool locked = !cases[i].locked;
		int64_t until = account_throttle_after_failure(policy, cases[i].failures, NOW_US,
							       &locked);

		if (until - NOW_US != cases[i].wait_ms * 1000 || locked != cases[i].locked)
			fail_msg("after %d failures: wait %lld us locked %d, "
				 "want %lld ms locked %d",
				 cases[i].failures, (long long)(until - NOW_US), (int)locked,
				 (long long)cases[i].wait_ms, (int)cases[i].locked);
	}
}

static void test_throttle_doubles_from_the_threshold_up_to_the_cap_then_locks(void **state)
{
	static const struct throttle_case cases[] = {
		{0, 0, false},
		{1, 0, false},
		{2, 0, false},        /* below delay_after: no wait */
		{3, 1000, false},     /* at delay_after: the base delay */
		{4, 2000, false},     /* doubling */
		{5, 4000, false},
		{6, 8000, false},     /* reaches the cap */
		{7, 8000, false},     /* and stays there */
		{9, 8000, false},
		{10, 900000, true},   /* lockout_after: locked for lockout_seconds */
		{11, 900000, true},
		{1000000, 900000, true},
	};

	(void)state;
	check_throttle_cases(&test_policy, cases, ARRAY_LEN(cases));
}

static void test_throttle_cap_that_is_not_a_power_of_two_is_respected(void **state)
{
	struct account_throttle_policy p = test_policy;
	static const struct throttle_case cases[] = {
		{3, 1000, false},
		{5, 4000, false},
		{6, 5000, false},
		{9, 5000, false},
	};

	(void)state;
	p.delay_max_ms = 5000;
	check_throttle_cases(&p, cases, ARRAY_LEN(cases));
}

static void test_throttle_with_delay_after_zero_never_delays(void **state)
{
	struct account_throttle_policy p = test_policy;
	static const struct throttle_case cases[] = {
		{1, 0, false},
		{3, 0, false},
		{9, 0, false},
		{10, 900000, true},   /* lockout still applies */
	};

	(void)state;
	p.delay_after = 0;
	check_throttle_cases(&p, cases, ARRAY_LEN(cases));
}

static void test_throttle_with_lockout_after_zero_never_locks(void **state)
{
	struct account_throttle_policy p = test_policy;
	static const struct throttle_case cases[] = {
		{2, 0, false},
		{3, 1000, false},
		{10, 8000, false},
		{1000, 8000, false},
		{2147483647, 8000, false}, /* no overflow however many failures */
	};

	(void)state;
	p.lockout_after = 0;
	check_throttle_cases(&p, cases, ARRAY_LEN(cases));
}

static void test_throttle_with_both_switches_off_never_waits(void **state)
{
	struct account_throttle_policy p = test_policy;
	static const struct throttle_case cases[] = {
		{1, 0, false},
		{10, 0, false},
		{100000, 0, false},
	};

	(void)state;
	p.delay_after = 0;
	p.lockout_after = 0;
	check_throttle_cases(&p, cases, ARRAY_LEN(cases));
}

static void test_throttle_defaults_match_the_documentation(void **state)
{
	struct account_throttle_policy p;
	static const struct throttle_case cases[] = {
		{2, 0, false},
		{3, 1000, false},
		{9, 60000, false},
		{10, 15 * 60 * 1000, true},
	};

	(void)state;
	account_throttle_default(&p);
	assert_int_equal(p.delay_after, 3);
	assert_int_equal(p.delay_base_ms, 1000);
	assert_int_equal(p.delay_max_ms, 60000);
	assert_int_equal(p.lockout_after, 10);
	assert_int_equal(p.lockout_seconds, 900);
	check_throttle_cases(&p, cases, ARRAY_LEN(cases));
}

/* ---- sessions ---- */

#define US 1000000LL

static void test_session_expires_after_idle_seconds_exactly(void **state)
{
	const struct account_session_policy p = {.idle_seconds = 7200, .max_seconds = 43200};
	const int64_t t = NOW_US;

	(void)state;
	assert_true(account_session_is_live(&p, t, t, t));
	assert_true(account_session_is_live(&p, t, t, t + 7200 * US - 1));
	assert_false(account_session_is_live(&p, t, t, t + 7200 * US));
	assert_false(account_session_is_live(&p, t, t, t + 7200 * US + 1));
	/* Being seen again restarts the idle clock. */
	assert_true(account_session_is_live(&p, t, t + 3600 * US, t + 7200 * US));
	assert_true(account_session_is_live(&p, t, t + 3600 * US, t + 10800 * US - 1));
	assert_false(account_session_is_live(&p, t, t + 3600 * US, t + 10800 * US));
}

static void test_session_expires_after_max_seconds_however_active(void **state)
{
	const struct account_session_policy p = {.idle_seconds = 7200, .max_seconds = 43200};
	const int64_t t = NOW_US;
	const int64_t end = t + 43200 * US;

	(void)state;
	assert_true(account_session_is_live(&p, t, end - 1, end - 1));
	assert_false(account_session_is_live(&p, t, end, end));
	assert_false(account_session_is_live(&p, t, end - 1, end));
	assert_false(account_session_is_live(&p, t, end + US, end + US));
}

static void test_session_defaults_are_two_hours_idle_and_twelve_hours_total(void **state)
{
	struct account_session_policy p;

	(void)state;
	account_session_default(&p);
	assert_int_equal(p.idle_seconds, 2 * 3600);
	assert_int_equal(p.max_seconds, 12 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names_and_labels_round_trip),
		cmocka_unit_test(test_unknown_role_names_are_rejected),
		cmocka_unit_test(test_role_outside_the_enum_has_no_real_name_or_label),
		cmocka_unit_test(test_user_list_scope_follows_the_role),
		cmocka_unit_test(test_only_admins_manage_users),
		cmocka_unit_test(test_region_prefix_keeps_province_city_or_county_digits),
		cmocka_unit_test(test_region_prefix_rejects_anything_but_six_digits),
		cmocka_unit_test(test_region_prefix_rejects_an_output_smaller_than_seven_bytes),
		cmocka_unit_test(test_scope_covers_exactly_what_each_scope_allows),
		cmocka_unit_test(test_usernames_follow_the_rules),
		cmocka_unit_test(test_missing_username_is_rejected),
		cmocka_unit_test(test_display_names_follow_the_rules),
		cmocka_unit_test(test_display_name_may_be_192_bytes_but_not_193),
		cmocka_unit_test(test_password_policy_table),
		cmocka_unit_test(test_password_may_be_128_bytes_but_not_129),
		cmocka_unit_test(test_missing_password_is_rejected),
		cmocka_unit_test(test_throttle_doubles_from_the_threshold_up_to_the_cap_then_locks),
		cmocka_unit_test(test_throttle_cap_that_is_not_a_power_of_two_is_respected),
		cmocka_unit_test(test_throttle_with_delay_after_zero_never_delays),
		cmocka_unit_test(test_throttle_with_lockout_after_zero_never_locks),
		cmocka_unit_test(test_throttle_with_both_switches_off_never_waits),
		cmocka_unit_test(test_throttle_defaults_match_the_documentation),
		cmocka_unit_test(test_session_expires_after_idle_seconds_exactly),
		cmocka_unit_test(test_session_expires_after_max_seconds_however_active),
		cmocka_unit_test(test_session_defaults_are_two_hours_idle_and_twelve_hours_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
