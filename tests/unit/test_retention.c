/*
 * Unit tests for domain/retention: retention periods (保存期限) of evidence and
 * case files, their legal minimums, the config text form, and the first day a
 * record may be deleted.
 *
 * Minimums at their boundary: video/audio 731 days (2 years, a 29 February included), case file 10958
 * days (30 years, 国家档案局令第8号), photo/file not shorter than the case file;
 * 0 means permanent (video, audio, case file) or "with the case file"
 * (photo, file). Periods outside 0..73050 are bad_retention.
 *
 * Dates: days are added exactly, so a period crossing 29 February ends a day
 * earlier than the calendar anniversary (expected dates computed with Python's
 * datetime.date + timedelta). Evidence of a case not yet archived is never
 * deletable; deletion is allowed from the deletable date itself, not the day
 * before.
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
#include "domain/retention.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DEFAULT_TEXT "video=1095,audio=1095,photo=0,file=0,case_file=10958"

static struct retention_policy policy_default(void)
{
	struct retention_policy p;

	retention_policy_default(&p);
	return p;
}

static void assert_policy_equal(const struct retention_policy *a, const struct retention_policy *b)
{
	assert_int_equal(a->video_days, b->video_days);
	assert_int_equal(a->audio_days, b->audio_days);
	assert_int_equal(a->photo_days, b->photo_days);
	assert_int_equal(a->file_days, b->file_days);
	assert_int_equal(a->case_file_days, b->case_file_days);
}

/* ---- policy ------------------------------------------------------------------------------ */

static void test_the_default_policy_keeps_av_three_years_and_case_files_thirty(void **state)
{
	struct retention_policy p = policy_default();

	(void)state;
	assert_int_equal(p.video_days, 1095);
	assert_int_equal(p.audio_days, 1095);
	assert_int_equal(p.photo_days, 0);
	assert_int_equal(p.file_days, 0);
	assert_int_equal(p.case_file_days, 10958);
	assert_int_equal(retention_policy_check(&p, NULL), 0);
}

struct check_case {
	int64_t video, audio, photo, file, case_file;
	const char *code; /* NULL = accepted */
	const char *in_message;
};

static const struct check_case check_cases[] = {
	/* video and audio: 2 years, or 0 = permanent. */
	{731, 731, 0, 0, 10958, NULL, NULL},
	{730, 1095, 0, 0, 10958, "retention_too_short", "视频"},
	{1095, 730, 0, 0, 10958, "retention_too_short", "音频"},
	{1, 1095, 0, 0, 10958, "retention_too_short", "731"},
	{0, 0, 0, 0, 10958, NULL, NULL},
	/* case file: 30 years, or 0 = permanent. */
	{1095, 1095, 0, 0, 10957, "retention_too_short", "案卷"},
	{1095, 1095, 0, 0, 0, NULL, NULL},
	{1095, 1095, 0, 0, 73050, NULL, NULL},
	/* photo and file: not shorter than the case file. */
	{1095, 1095, 10957, 0, 10958, "retention_too_short", "照片"},
	{1095, 1095, 0, 10957, 10958, "retention_too_short", "文件"},
	{1095, 1095, 10958, 20000, 10958, NULL, NULL},
	{1095, 1095, 73050, 0, 0, "retention_too_short", "照片"},
	{1095, 1095, 0, 0, 0, NULL, NULL},
	/* range: 0..73050 for every kind, checked before the minimums. */
	{-1, 1095, 0, 0, 10958, "bad_retention", "视频"},
	{1095, 1095, 0, 0, 73051, "bad_retention", "案卷"},
	{1095, 1095, 0, -1, 10958, "bad_retention", "文件"},
	{1, 1095, 0, 0, INT64_MAX, "bad_retention", "案卷"},
	{73050, 73050, 73050, 73050, 73050, NULL, NULL},
};

static void test_each_period_is_checked_against_its_minimum_and_range(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct retention_policy p = {c->video, c->audio, c->photo, c->file, c->case_file};
		struct sx_error err = {0};
		int rc = retention_policy_check(&p, &err);

		if (c->code == NULL) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, SX_EINVALID);
		assert_string_equal(err.code, c->code);
		assert_non_null(strstr(err.message, c->in_message));
	}
}

static void test_a_null_policy_is_bad_retention(void **state)
{
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_policy_check(NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_retention");
}

/* ---- text form --------------------------------------------------------------------------- */

static void test_the_default_policy_formats_and_parses_back(void **state)
{
	char text[RETENTION_TEXT_MIN_SIZE];
	struct retention_policy p = policy_default(), back = {0};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_policy_format(text, sizeof(text), &p), 0);
	assert_string_equal(text, DEFAULT_TEXT);
	assert_int_equal(retention_policy_parse(&back, text, &err), 0);
	assert_policy_equal(&back, &p);
}

static void test_valid_policies_round_trip_through_the_text_form(void **state)
{
	static const struct retention_policy policies[] = {
		{731, 731, 0, 0, 10958},
		{0, 0, 0, 0, 0},
		{73050, 73050, 73050, 73050, 73050},
		{1826, 731, 20000, 0, 18262},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(policies); i++) {
		char text[RETENTION_TEXT_MIN_SIZE];
		struct retention_policy back = {0};

		assert_int_equal(retention_policy_format(text, sizeof(text), &policies[i]), 0);
		assert_int_equal(retention_policy_parse(&back, text, NULL), 0);
		assert_policy_equal(&back, &policies[i]);
	}
}

static void test_keys_not_given_keep_their_default_and_blanks_are_allowed(void **state)
{
	struct retention_policy want = policy_default(), got = {0};

	(void)state;
	want.video_days = 1825;
	assert_int_equal(retention_policy_parse(&got, "video=1825", NULL), 0);
	assert_policy_equal(&got, &want);

	want.audio_days = 731;
	want.case_file_days = 0;
	assert_int_equal(
		retention_policy_parse(&got, " case_file = 0 ,\taudio=731 , video=1825 ", NULL), 0);
	assert_policy_equal(&got, &want);
}

static void test_malformed_config_text_is_bad_retention_and_leaves_out_unchanged(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"video",
		"video=",
		"=1095",
		"video=abc",
		"video=-1",
		"video=+1095",
		"video=10 95",
		"video=1095,",
		",video=1095",
		"video=1095,,audio=1095",
		"movie=1095",
		"Video=1095",
		"video=1095,video=1200",
		"video=1234567",
		"video=99999",
		"video==1095",
		"video=1095;audio=1095",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct retention_policy out = {1, 2, 3, 4, 5}, same = {1, 2, 3, 4, 5};
		struct sx_error err = {0};

		assert_int_equal(retention_policy_parse(&out, bad[i], &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_retention");
		assert_policy_equal(&out, &same);
	}
}

static void test_parsed_periods_below_their_minimum_are_too_short(void **state)
{
	struct retention_policy out = {1, 2, 3, 4, 5};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_policy_parse(&out, "audio=365", &err), SX_EINVALID);
	assert_string_equal(err.code, "retention_too_short");
	assert_non_null(strstr(err.message, "音频"));
	assert_int_equal(out.video_days, 1);
	assert_int_equal(retention_policy_parse(&out, "case_file=3650", &err), SX_EINVALID);
	assert_string_equal(err.code, "retention_too_short");
}

static void test_over_long_config_text_and_null_arguments_are_refused(void **state)
{
	char text[600];
	struct retention_policy out;
	struct sx_error err = {0};

	(void)state;
	memset(text, ' ', sizeof(text) - 1);
	memcpy(text + sizeof(text) - 11, "video=1095", 10);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(retention_policy_parse(&out, text, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_retention");
	assert_int_equal(retention_policy_parse(&out, NULL, &err), SX_EINVALID);
	assert_int_equal(retention_policy_parse(NULL, "video=1095", &err), SX_EINVALID);
}

static void test_format_refuses_a_small_buffer_and_periods_out_of_range(void **state)
{
	char text[RETENTION_TEXT_MIN_SIZE];
	struct retention_policy p = policy_default();

	(void)state;
	assert_int_equal(retention_policy_format(text, sizeof(text) - 1, &p), SX_EINVALID);
	assert_int_equal(retention_policy_format(NULL, sizeof(text), &p), SX_EINVALID);
	assert_int_equal(retention_policy_format(text, sizeof(text), NULL), SX_EINVALID);
	assert_string_equal(text, "");
	p.file_days = -1;
	assert_int_equal(retention_policy_format(text, sizeof(text), &p), SX_EINVALID);
	p.file_days = INT64_MAX;
	assert_int_equal(retention_policy_format(text, sizeof(text), &p), SX_EINVALID);
	assert_string_equal(text, "");

	/* Too short is still shown: format checks the range only. */
	p.file_days = 1;
	assert_int_equal(retention_policy_format(text, sizeof(text), &p), 0);
	assert_string_equal(text, "video=1095,audio=1095,photo=0,file=1,case_file=10958");
}

/* ---- deletable dates --------------------------------------------------------------------- */

struct date_case {
	const char *kind;
	int64_t days;       /* the kind's period (case_file keeps 10958 unless it is the kind) */
	const char *archived_on;
	const char *want;
};

static const struct date_case date_cases[] = {
	{"video", 1095, "2024-01-01", "2026-12-31"},      /* 2024 is a leap year */
	{"video", 1095, "2025-01-01", "2028-01-01"},      /* no 29 February inside */
	{"audio", 731, "2023-03-01", "2025-03-01"},       /* crosses 2024-02-29 */
	{"audio", 731, "2024-02-29", "2026-03-01"},       /* archived on a leap day */
	{"case_file", 10958, "2026-01-01", "2056-01-02"}, /* 7 leap days in 2026..2055 */
	{"case_file", 10958, "2000-02-29", "2030-03-01"},
	{"case_file", 73050, "2026-01-01", "2226-01-03"},
	{"photo", 0, "2026-01-01", "2056-01-02"},         /* 0 = with the case file */
	{"file", 0, "2024-02-29", "2054-03-01"},
	{"photo", 20000, "2026-01-01", "2080-10-04"},
};

static struct retention_policy policy_with(const char *kind, int64_t days)
{
	struct retention_policy p = policy_default();

	if (strcmp(kind, "video") == 0)
		p.video_days = days;
	else if (strcmp(kind, "audio") == 0)
		p.audio_days = days;
	else if (strcmp(kind, "photo") == 0)
		p.photo_days = days;
	else if (strcmp(kind, "file") == 0)
		p.file_days = days;
	else
		p.case_file_days = days;
	return p;
}

static void test_the_deletable_date_adds_exact_days_across_leap_years(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(date_cases); i++) {
		const struct date_case *c = &date_cases[i];
		struct retention_policy p = policy_with(c->kind, c->days);
		char out[11] = "x";
		struct sx_error err = {0};

		assert_int_equal(retention_deletable_from(out, &p, c->kind, c->archived_on, &err),
				 0);
		assert_string_equal(out, c->want);
	}
}

static void test_permanent_records_are_never_deletable(void **state)
{
	static const char *const kinds[] = {"video", "audio", "case_file"};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct retention_policy p = policy_with(kinds[i], 0);
		char out[11] = "x";
		struct sx_error err = {0};

		assert_int_equal(retention_deletable_from(out, &p, kinds[i], "2026-01-01", &err),
				 SX_ECONFLICT);
		assert_string_equal(err.code, "retained_permanently");
		assert_string_equal(out, "");
	}
	{
		/* Photos kept with a permanent case file are permanent too. */
		struct retention_policy p = policy_with("case_file", 0);
		char out[11];
		struct sx_error err = {0};

		assert_int_equal(retention_deletable_from(out, &p, "photo", "2026-01-01", &err),
				 SX_ECONFLICT);
		assert_string_equal(err.code, "retained_permanently");
		assert_non_null(strstr(err.message, "照片"));
	}
}

static void test_records_of_a_case_not_archived_are_not_deletable(void **state)
{
	struct retention_policy p = policy_default();
	char out[11];
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_deletable_from(out, &p, "video", "", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "case_not_archived");
	assert_int_equal(retention_deletable_from(out, &p, "case_file", NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "case_not_archived");
	/* Not archived wins over permanent. */
	p.video_days = 0;
	assert_int_equal(retention_deletable_from(out, &p, "video", "", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "case_not_archived");
}

static void test_deletable_from_refuses_bad_kinds_dates_and_policies(void **state)
{
	struct retention_policy p = policy_default();
	char out[11] = "x";
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_deletable_from(out, &p, "movie", "2026-01-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_retention_kind");
	assert_string_equal(out, "");
	assert_int_equal(retention_deletable_from(out, &p, NULL, "2026-01-01", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_retention_kind");
	assert_int_equal(retention_deletable_from(out, &p, "video", "2026-02-29", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	assert_int_equal(retention_deletable_from(out, &p, "video", "2026/01/01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	/* The result would lie after 9999-12-31. */
	assert_int_equal(retention_deletable_from(out, &p, "case_file", "9990-01-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	assert_int_equal(retention_deletable_from(out, &p, "video", "9996-12-31", &err), 0);
	assert_string_equal(out, "9999-12-31");

	p.video_days = 100;
	assert_int_equal(retention_deletable_from(out, &p, "video", "2026-01-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "retention_too_short");
	assert_int_equal(retention_deletable_from(out, NULL, "video", "2026-01-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_retention");
	assert_int_equal(retention_deletable_from(NULL, &p, "video", "2026-01-01", &err),
			 SX_EINVALID);
}

static void test_deletion_is_allowed_from_the_deletable_date_not_the_day_before(void **state)
{
	struct retention_policy p = policy_default();
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_may_delete(&p, "video", "2024-01-01", "2026-12-31", &err), 0);
	assert_int_equal(retention_may_delete(&p, "video", "2024-01-01", "2027-06-01", &err), 0);
	assert_int_equal(retention_may_delete(&p, "video", "2024-01-01", "2026-12-30", &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "retention_not_expired");
	assert_non_null(strstr(err.message, "2026-12-31"));
}

static void test_may_delete_passes_on_the_deletable_date_errors(void **state)
{
	struct retention_policy p = policy_default();
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(retention_may_delete(&p, "video", "2024-01-01", "2026-13-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	assert_int_equal(retention_may_delete(&p, "video", "2024-01-01", NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_date");
	assert_int_equal(retention_may_delete(&p, "photo", "", "2099-01-01", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "case_not_archived");
	p.case_file_days = 0;
	assert_int_equal(retention_may_delete(&p, "file", "2024-01-01", "9999-12-31", &err),
			 SX_ECONFLICT);
	assert_string_equal(err.code, "retained_permanently");
	assert_int_equal(retention_may_delete(&p, "sound", "2024-01-01", "2099-01-01", &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_retention_kind");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_the_default_policy_keeps_av_three_years_and_case_files_thirty),
		cmocka_unit_test(test_each_period_is_checked_against_its_minimum_and_range),
		cmocka_unit_test(test_a_null_policy_is_bad_retention),
		cmocka_unit_test(test_the_default_policy_formats_and_parses_back),
		cmocka_unit_test(test_valid_policies_round_trip_through_the_text_form),
		cmocka_unit_test(test_keys_not_given_keep_their_default_and_blanks_are_allowed),
		cmocka_unit_test(
			test_malformed_config_text_is_bad_retention_and_leaves_out_unchanged),
		cmocka_unit_test(test_parsed_periods_below_their_minimum_are_too_short),
		cmocka_unit_test(test_over_long_config_text_and_null_arguments_are_refused),
		cmocka_unit_test(test_format_refuses_a_small_buffer_and_periods_out_of_range),
		cmocka_unit_test(test_the_deletable_date_adds_exact_days_across_leap_years),
		cmocka_unit_test(test_permanent_records_are_never_deletable),
		cmocka_unit_test(test_records_of_a_case_not_archived_are_not_deletable),
		cmocka_unit_test(test_deletable_from_refuses_bad_kinds_dates_and_policies),
		cmocka_unit_test(
			test_deletion_is_allowed_from_the_deletable_date_not_the_day_before),
		cmocka_unit_test(test_may_delete_passes_on_the_deletable_date_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
