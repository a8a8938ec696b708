/*
 * Unit tests for base/time: known instants (expected values from Python's
 * datetime), the calendar rules (leap years, days per month) on parse, the
 * 0000..9999 range and clamping, a cross-check against gmtime_r, text order
 * = time order, and Asia/Shanghai output that ignores TZ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct instant {
	int64_t us;
	const char *utc;
	const char *shanghai;
};

static const struct instant instants[] = {
	{0, "1970-01-01T00:00:00.000000Z", "1970-01-01 08:00:00"},
	{1, "1970-01-01T00:00:00.000001Z", "1970-01-01 08:00:00"},
	{-1, "1969-12-31T23:59:59.999999Z", "1970-01-01 07:59:59"},
	{1795505747123456LL, "2026-11-24T07:35:47.123456Z", "2026-11-24 15:35:47"},
	{1709208000000000LL, "2024-02-29T12:00:00.000000Z", "2024-02-29 20:00:00"},
	{-2203891200000000LL, "1900-03-01T00:00:00.000000Z", "1900-03-01 08:00:00"},
	{951868799999999LL, "2000-02-29T23:59:59.999999Z", "2000-03-01 07:59:59"},
	{-14182940000000LL, "1969-07-20T20:17:40.000000Z", "1969-07-21 04:17:40"},
	{-62135596800000000LL, "0001-01-01T00:00:00.000000Z", "0001-01-01 08:00:00"},
	{SX_TIME_MIN_US, "0000-01-01T00:00:00.000000Z", "0000-01-01 08:00:00"},
	{SX_TIME_MAX_US, "9999-12-31T23:59:59.999999Z", "9999-12-31 23:59:59"},
};

static void test_format_utc_writes_known_instants(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(instants); i++) {
		char text[SX_TIME_TEXT_LEN];

		memset(text, '#', sizeof(text));
		sx_time_format_utc(text, instants[i].us);
		assert_string_equal(text, instants[i].utc);
		assert_int_equal(strlen(text), SX_TIME_TEXT_LEN - 1);
	}
}

static void test_parse_utc_reads_known_instants(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(instants); i++) {
		const char *text = instants[i].utc;
		int64_t us = 42;

		assert_int_equal(sx_time_parse_utc(&us, text, strlen(text)), 0);
		assert_true(us == instants[i].us);
	}
}

static void test_format_utc_clamps_times_outside_the_text_range(void **state)
{
	char text[SX_TIME_TEXT_LEN];

	(void)state;
	sx_time_format_utc(text, INT64_MIN);
	assert_string_equal(text, "0000-01-01T00:00:00.000000Z");
	sx_time_format_utc(text, SX_TIME_MIN_US - 1);
	assert_string_equal(text, "0000-01-01T00:00:00.000000Z");
	sx_time_format_utc(text, INT64_MAX);
	assert_string_equal(text, "9999-12-31T23:59:59.999999Z");
	sx_time_format_utc(text, SX_TIME_MAX_US + 1);
	assert_string_equal(text, "9999-12-31T23:59:59.999999Z");
}

static void test_parse_utc_rejects_malformed_or_impossible_times(void **state)
{
	static const char *bad[] = {
		"",
		"2026-11-24T07:35:47Z",                /* no fraction */
		"2026-11-24T07:35:47.123Z",            /* short fraction */
		"2026-11-24T07:35:47.1234567Z",        /* long fraction */
		"2026-11-24T07:35:47.123456",          /* no zone */
		"2026-11-24T07:35:47.123456z",         /* lower-case zone */
		"2026-11-24t07:35:47.123456Z",         /* lower-case T */
		"2026-11-24 07:35:47.123456Z",         /* space separator */
		"2026-11-24T07:35:47.123456+08:00",
		"2026-11-24T07:35:47,123456Z",
		"2026/11/24T07:35:47.123456Z",
		"2026-11-24T07-35-47.123456Z",
		"2026-13-24T07:35:47.123456Z",         /* month 13 */
		"2026-00-24T07:35:47.123456Z",         /* month 0 */
		"2026-11-00T07:35:47.123456Z",         /* day 0 */
		"2026-11-31T07:35:47.123456Z",         /* November has 30 days */
		"2026-01-32T07:35:47.123456Z",
		"2026-04-31T07:35:47.123456Z",
		"2023-02-29T07:35:47.123456Z",         /* not a leap year */
		"1900-02-29T07:35:47.123456Z",         /* century, not leap */
		"2000-02-30T07:35:47.123456Z",
		"2026-11-24T24:00:00.000000Z",         /* hour 24 */
		"2026-11-24T23:60:00.000000Z",         /* minute 60 */
		"2026-11-24T23:59:60.000000Z",         /* leap second */
		"2026-11-24T07:35:4a.123456Z",
		"2026-11-24T07:35:47.12345aZ",
		"+026-11-24T07:35:47.123456Z",
		"-026-11-24T07:35:47.123456Z",
		" 2026-11-24T07:35:47.123456Z",
		"2026-1-24T07:35:47.1234567Z",         /* right length, wrong shape */
		"20261124T073547.123456Z....",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int64_t us = 42;

		if (sx_time_parse_utc(&us, bad[i], strlen(bad[i])) != SX_EINVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(us == 42);
	}
}

static void test_parse_utc_uses_the_length_not_the_nul(void **state)
{
	const char text[] = "2026-11-24T07:35:47.123456Zjunk";
	int64_t us = 0;

	(void)state;
	assert_int_equal(sx_time_parse_utc(&us, text, 27), 0);
	assert_true(us == 1795505747123456LL);
	assert_int_equal(sx_time_parse_utc(&us, text, 28), SX_EINVALID);
	assert_int_equal(sx_time_parse_utc(&us, text, 26), SX_EINVALID);
	assert_int_equal(sx_time_parse_utc(NULL, text, 27), SX_EINVALID);
	assert_int_equal(sx_time_parse_utc(&us, NULL, 27), SX_EINVALID);
}

static void test_parse_utc_accepts_leap_days(void **state)
{
	static const char *leap[] = {
		"2024-02-29T00:00:00.000000Z", "2000-02-29T00:00:00.000000Z",
		"1600-02-29T00:00:00.000000Z", "0000-02-29T00:00:00.000000Z",
		"9996-02-29T00:00:00.000000Z",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(leap); i++) {
		int64_t us;
		char back[SX_TIME_TEXT_LEN];

		assert_int_equal(sx_time_parse_utc(&us, leap[i], strlen(leap[i])), 0);
		sx_time_format_utc(back, us);
		assert_string_equal(back, leap[i]);
	}
}

/* Deterministic 64-bit generator (splitmix64) so that failures reproduce. */
static uint64_t next_random(uint64_t *seed)
{
	uint64_t z = (*seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t random_time_us(uint64_t *seed)
{
	uint64_t span = (uint64_t)(SX_TIME_MAX_US - SX_TIME_MIN_US) + 1;

	return SX_TIME_MIN_US + (int64_t)(next_random(seed) % span);
}

static void test_format_agrees_with_gmtime_and_round_trips(void **state)
{
	uint64_t seed = 20261124;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		int64_t us = random_time_us(&seed);
		int64_t back = 0;
		char text[SX_TIME_TEXT_LEN];
		char expect[64];
		time_t secs;
		struct tm tm;

		sx_time_format_utc(text, us);
		assert_int_equal(sx_time_parse_utc(&back, text, strlen(text)), 0);
		if (back != us)
			fail_msg("%s did not round-trip", text);

		/* gmtime_r counts years from 1900 and has no fraction; floor to the second. */
		secs = (time_t)(us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000));
		assert_non_null(gmtime_r(&secs, &tm));
		snprintf(expect, sizeof(expect), "%04d-%02d-%02dT%02d:%02d:%02d",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		if (memcmp(text, expect, 19) != 0)
			fail_msg("%s disagrees with gmtime %s", text, expect);
	}
}

static void test_text_order_is_time_order(void **state)
{
	uint64_t seed = 7;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		int64_t a = random_time_us(&seed);
		/* Half of the pairs are close together, where ordering bugs hide. */
		int64_t b = i % 2 ? random_time_us(&seed)
				  : a + (int64_t)(next_random(&seed) % 2000000);
		char ta[SX_TIME_TEXT_LEN], tb[SX_TIME_TEXT_LEN];
		int cmp;

		if (b > SX_TIME_MAX_US)
			b = SX_TIME_MAX_US;
		sx_time_format_utc(ta, a);
		sx_time_format_utc(tb, b);
		cmp = strcmp(ta, tb);
		assert_true((a < b && cmp < 0) || (a == b && cmp == 0) || (a > b && cmp > 0));
	}
}

static void test_shanghai_time_is_utc_plus_eight_regardless_of_tz(void **state)
{
	static const char *zones[] = {"UTC", "America/New_York", "Asia/Shanghai", "Europe/London"};
	const char *old_tz = getenv("TZ");
	char saved[256];
	bool had_tz = old_tz != NULL;

	if (had_tz)
		snprintf(saved, sizeof(saved), "%s", old_tz);

	(void)state;
	for (size_t z = 0; z < ARRAY_LEN(zones); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (size_t i = 0; i < ARRAY_LEN(instants); i++) {
			char text[SX_TIME_DISPLAY_LEN];

			memset(text, '#', sizeof(text));
			sx_time_format_shanghai(text, instants[i].us);
			assert_string_equal(text, instants[i].shanghai);
		}
	}
	if (had_tz) {
		setenv("TZ", saved, 1);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void test_shanghai_time_crosses_midnight_and_year_end(void **state)
{
	char text[SX_TIME_DISPLAY_LEN];
	int64_t us;
	int y, m, d;

	(void)state;
	assert_int_equal(sx_time_parse_utc(&us, "2026-12-31T16:00:00.000000Z", 27), 0);
	sx_time_format_shanghai(text, us);
	assert_string_equal(text, "2027-01-01 00:00:00");
	sx_time_shanghai_date(&y, &m, &d, us);
	assert_int_equal(y, 2027);
	assert_int_equal(m, 1);
	assert_int_equal(d, 1);

	sx_time_format_shanghai(text, us - 1);
	assert_string_equal(text, "2026-12-31 23:59:59");
	sx_time_shanghai_date(&y, &m, &d, us - 1);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);

	sx_time_format_shanghai(text, INT64_MAX);
	assert_string_equal(text, "9999-12-31 23:59:59");
	sx_time_format_shanghai(text, INT64_MIN);
	assert_string_equal(text, "0000-01-01 08:00:00");
}

static void test_date_parse_accepts_valid_dates(void **state)
{
	static const struct {
		const char *text;
		int y, m, d;
	} ok[] = {
		{"2026-11-24", 2026, 11, 24}, {"2024-02-29", 2024, 2, 29},
		{"2000-02-29", 2000, 2, 29},  {"0000-01-01", 0, 1, 1},
		{"9999-12-31", 9999, 12, 31}, {"2026-01-31", 2026, 1, 31},
		{"2026-04-30", 2026, 4, 30},  {"2026-12-31", 2026, 12, 31},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		int y = 0, m = 0, d = 0;

		assert_int_equal(sx_date_parse(&y, &m, &d, ok[i].text, strlen(ok[i].text)), 0);
		assert_int_equal(y, ok[i].y);
		assert_int_equal(m, ok[i].m);
		assert_int_equal(d, ok[i].d);
	}
}

static void test_date_parse_rejects_invalid_dates(void **state)
{
	static const char *bad[] = {
		"",           "2026-11-2",   "2026-11-240", "2026/11/24", "2026-11-24T",
		"26-11-24",   "2026-1-24",   "2026-13-01",  "2026-00-10", "2026-11-00",
		"2026-11-31", "2023-02-29",  "1900-02-29",  "2100-02-29", "2024-02-30",
		"2026-06-31", "2026-09-31",  " 2026-11-24", "2026-11-2 ", "２０２６-11-24",
		"+026-11-24", "2026-+1-24",  "2026--1-24",  "abcd-ef-gh",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		int y = -1, m = -1, d = -1;

		if (sx_date_parse(&y, &m, &d, bad[i], strlen(bad[i])) != SX_EINVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(y, -1);
		assert_int_equal(m, -1);
		assert_int_equal(d, -1);
	}
	assert_int_equal(sx_date_parse(NULL, NULL, NULL, "2026-11-24", 10), SX_EINVALID);
}

static void test_days_per_month_follow_the_gregorian_rules(void **state)
{
	(void)state;
	assert_int_equal(sx_date_days_in_month(2026, 2), 28);
	assert_int_equal(sx_date_days_in_month(2024, 2), 29);
	assert_int_equal(sx_date_days_in_month(1900, 2), 28);
	assert_int_equal(sx_date_days_in_month(2000, 2), 29);
	assert_int_equal(sx_date_days_in_month(2026, 4), 30);
	assert_int_equal(sx_date_days_in_month(2026, 12), 31);
	assert_int_equal(sx_date_days_in_month(2026, 0), 0);
	assert_int_equal(sx_date_days_in_month(2026, 13), 0);
	assert_false(sx_date_is_valid(-1, 1, 1));
	assert_false(sx_date_is_valid(10000, 1, 1));
	assert_true(sx_date_is_valid(0, 2, 29));
}

static void test_day_numbers_round_trip_over_the_whole_range(void **state)
{
	int64_t expect;

	(void)state;
	assert_true(sx_date_to_days(1970, 1, 1) == 0);
	assert_true(sx_date_to_days(2000, 3, 1) == 11017);
	assert_true(sx_date_to_days(0, 1, 1) == -719528);
	assert_true(sx_date_to_days(9999, 12, 31) == 2932896);

	/* Walk every day of 0000..9999 in calendar order: each is the previous + 1. */
	expect = sx_date_to_days(0, 1, 1);
	for (int y = 0; y <= 9999; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= sx_date_days_in_month(y, m); d++) {
				int yy, mm, dd;

				if (sx_date_to_days(y, m, d) != expect)
					fail_msg("%04d-%02d-%02d: wrong day number", y, m, d);
				sx_date_from_days(&yy, &mm, &dd, expect);
				if (yy != y || mm != m || dd != d)
					fail_msg("day %lld came back as %d-%d-%d",
						 (long long)expect, yy, mm, dd);
				expect++;
			}
		}
	}
	assert_true(expect == 2932897);
}

static void test_date_format_writes_fixed_width_and_clamps(void **state)
{
	char text[SX_DATE_TEXT_LEN];

	(void)state;
	sx_date_format(text, 2026, 11, 24);
	assert_string_equal(text, "2026-11-24");
	sx_date_format(text, 7, 1, 2);
	assert_string_equal(text, "0007-01-02");
	sx_date_format(text, 2026, 2, 31);
	assert_string_equal(text, "2026-02-28");
	sx_date_format(text, 12345, 13, 0);
	assert_string_equal(text, "9999-12-01");
	sx_date_format(text, -5, -1, 40);
	assert_string_equal(text, "0000-01-31");
}

static void test_clocks_read_plausible_values(void **state)
{
	int64_t now = sx_time_now_us();
	int64_t a = sx_time_monotonic_us();
	int64_t b = sx_time_monotonic_us();
	int64_t secs = (int64_t)time(NULL);

	(void)state;
	assert_true(now / 1000000 >= secs - 2 && now / 1000000 <= secs + 2);
	assert_true(b >= a);
	assert_true(a > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_utc_writes_known_instants),
		cmocka_unit_test(test_parse_utc_reads_known_instants),
		cmocka_unit_test(test_format_utc_clamps_times_outside_the_text_range),
		cmocka_unit_test(test_parse_utc_rejects_malformed_or_impossible_times),
		cmocka_unit_test(test_parse_utc_uses_the_length_not_the_nul),
		cmocka_unit_test(test_parse_utc_accepts_leap_days),
		cmocka_unit_test(test_format_agrees_with_gmtime_and_round_trips),
		cmocka_unit_test(test_text_order_is_time_order),
		cmocka_unit_test(test_shanghai_time_is_utc_plus_eight_regardless_of_tz),
		cmocka_unit_test(test_shanghai_time_crosses_midnight_and_year_end),
		cmocka_unit_test(test_date_parse_accepts_valid_dates),
		cmocka_unit_test(test_date_parse_rejects_invalid_dates),
		cmocka_unit_test(test_days_per_month_follow_the_gregorian_rules),
		cmocka_unit_test(test_day_numbers_round_trip_over_the_whole_range),
		cmocka_unit_test(test_date_format_writes_fixed_width_and_clamps),
		cmocka_unit_test(test_clocks_read_plausible_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
