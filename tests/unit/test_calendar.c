/*
 * Unit tests for calendar/calendar: day kinds, adding working days and
 * counting them over the 2018–2026 data in data/calendar/cn-holidays.json,
 * and the validation of data files.
 *
 * Expected dates were worked out by hand from the State Council notices and
 * re-checked with an independent few lines of Python over the same JSON file
 * (a date is a workday if listed "work", else not if listed "off", else if it
 * is Monday–Friday; add = step one day at a time counting workdays; between =
 * workdays in (from, to]). The per-year totals (2019: 250, 2024: 251, 2025:
 * 248) also match the figures published when each notice came out.
 *
 * The data file is read from the source tree: $SANXIANG_TEST_DATA/../../data
 * (ctest sets SANXIANG_TEST_DATA to tests/data), else relative to this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/embedded.h"
#include "base/error.h"
#include "base/mem.h"
#include "calendar/calendar.h"

#define DATA_REL "data/calendar/cn-holidays.json"

static struct calendar_date day(int y, int m, int d)
{
	struct calendar_date date = {y, m, d};

	return date;
}

/* Reads the whole file into a NUL-terminated buffer (malloc'd by the test). */
static char *read_file(size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size + 1);
		if (data && fread(data, 1, (size_t)size, f) == (size_t)size) {
			data[size] = '\0';
			*len = (size_t)size;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

static char *read_builtin_data(size_t *len)
{
	const char *env = getenv("SANXIANG_TEST_DATA");
	char path[4096];
	const char *slash;

	if (env && env[0]) {
		snprintf(path, sizeof(path), "%s/../../%s", env, DATA_REL);
	} else {
		/* __FILE__ is .../tests/unit/test_calendar.c; strip three components. */
		const char *file = __FILE__;
		size_t keep = strlen(file);
		int parts = 0;

		while (keep > 0 && parts < 3) {
			keep--;
			if (file[keep] == '/')
				parts++;
		}
		slash = parts == 3 ? file + keep + 1 : file;
		snprintf(path, sizeof(path), "%.*s%s", (int)(slash - file), file, DATA_REL);
	}
	return read_file(len, path);
}

static int setup_builtin(void **state)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	struct sx_error err;
	size_t len = 0;
	char *text = read_builtin_data(&len);

	if (cal == NULL || text == NULL) {
		fprintf(stderr, "cannot read %s\n", DATA_REL);
		free(cal);
		free(text);
		return -1;
	}
	calendar_init(cal);
	sx_error_clear(&err);
	if (calendar_load_json(cal, NULL, text, len, CALENDAR_LOAD_ADD, &err) < 0) {
		fprintf(stderr, "built-in data refused: %s %s\n", err.code, err.message);
		free(text);
		free(cal);
		return -1;
	}
	free(text);
	*state = cal;
	return 0;
}

static int teardown_builtin(void **state)
{
	calendar_clear(*state);
	free(*state);
	return 0;
}

/* ---- the built-in data ----------------------------------------------------------------------- */

static void test_builtin_data_covers_2018_to_2026_and_nothing_else(void **state)
{
	const struct calendar *cal = *state;
	int first = 0, last = 0;

	assert_int_equal(calendar_year_range(&first, &last, cal), 0);
	assert_int_equal(first, 2018);
	assert_int_equal(last, 2026);
	assert_true(calendar_has_year(cal, 2018));
	assert_true(calendar_has_year(cal, 2026));
	assert_false(calendar_has_year(cal, 2017));
	assert_false(calendar_has_year(cal, 2027));
}

static void test_embedded_data_is_the_file_in_data_calendar(void **state)
{
	const struct embedded_asset *asset = embedded_asset_find("calendar/cn-holidays.json");
	size_t len = 0;
	char *text;

	(void)state;
	/* Fails until cmake/embed.cmake embeds data/calendar/ (see src/calendar/README.md). */
	assert_non_null(asset);
	text = read_builtin_data(&len);
	assert_non_null(text);
	assert_int_equal(asset->size_bytes, len);
	assert_memory_equal(asset->data, text, len);
	free(text);
}

struct kind_case {
	struct calendar_date date;
	enum calendar_day_kind kind;
	const char *why;
};

static void test_days_are_classified_as_the_notices_say(void **state)
{
	const struct calendar *cal = *state;
	static const struct kind_case cases[] = {
		/* 2019 National Day: 1–7 October off, Sun 29 Sep and Sat 12 Oct worked. */
		{{2019, 9, 27}, CALENDAR_DAY_WORKDAY, "Friday before the holiday"},
		{{2019, 9, 28}, CALENDAR_DAY_WEEKEND, "Saturday not in the notice"},
		{{2019, 9, 29}, CALENDAR_DAY_MAKEUP_WORKDAY, "Sunday made a workday"},
		{{2019, 9, 30}, CALENDAR_DAY_WORKDAY, "Monday"},
		{{2019, 10, 1}, CALENDAR_DAY_HOLIDAY, "国庆节"},
		{{2019, 10, 2}, CALENDAR_DAY_HOLIDAY, "国庆节"},
		{{2019, 10, 3}, CALENDAR_DAY_HOLIDAY, "国庆节"},
		{{2019, 10, 4}, CALENDAR_DAY_HOLIDAY, "Friday joined to the holiday"},
		{{2019, 10, 5}, CALENDAR_DAY_HOLIDAY, "Saturday inside the holiday, listed off"},
		{{2019, 10, 6}, CALENDAR_DAY_HOLIDAY, "Sunday inside the holiday, listed off"},
		{{2019, 10, 7}, CALENDAR_DAY_HOLIDAY, "Monday joined to the holiday"},
		{{2019, 10, 8}, CALENDAR_DAY_WORKDAY, "first day back"},
		{{2019, 10, 12}, CALENDAR_DAY_MAKEUP_WORKDAY, "Saturday made a workday"},
		{{2019, 10, 13}, CALENDAR_DAY_WEEKEND, "ordinary Sunday"},
		/* 2019 Spring Festival: 4–10 February off, 2 and 3 February (Sat, Sun) worked. */
		{{2019, 2, 1}, CALENDAR_DAY_WORKDAY, "Friday"},
		{{2019, 2, 2}, CALENDAR_DAY_MAKEUP_WORKDAY, "Saturday made a workday"},
		{{2019, 2, 3}, CALENDAR_DAY_MAKEUP_WORKDAY, "Sunday made a workday"},
		{{2019, 2, 4}, CALENDAR_DAY_HOLIDAY, "除夕"},
		{{2019, 2, 5}, CALENDAR_DAY_HOLIDAY, "春节"},
		{{2019, 2, 10}, CALENDAR_DAY_HOLIDAY, "Sunday, last day off"},
		{{2019, 2, 11}, CALENDAR_DAY_WORKDAY, "first day back"},
		/* Year end 2018/2019: 29 December (Sat) worked, 30 (Sun) and 31 (Mon) off. */
		{{2018, 12, 28}, CALENDAR_DAY_WORKDAY, "Friday"},
		{{2018, 12, 29}, CALENDAR_DAY_MAKEUP_WORKDAY, "make-up Saturday, listed in 2018"},
		{{2018, 12, 30}, CALENDAR_DAY_HOLIDAY, "Sunday listed off"},
		{{2018, 12, 31}, CALENDAR_DAY_HOLIDAY, "Monday off, from the 2019 notice"},
		{{2019, 1, 1}, CALENDAR_DAY_HOLIDAY, "元旦"},
		{{2019, 1, 2}, CALENDAR_DAY_WORKDAY, "Wednesday"},
		/* 2020: the national Spring Festival extension. */
		{{2020, 1, 19}, CALENDAR_DAY_MAKEUP_WORKDAY, "Sunday made a workday"},
		{{2020, 1, 30}, CALENDAR_DAY_HOLIDAY, "last day of the original holiday"},
		{{2020, 1, 31}, CALENDAR_DAY_HOLIDAY, "extension"},
		{{2020, 2, 1}, CALENDAR_DAY_HOLIDAY, "make-up Saturday cancelled by the extension"},
		{{2020, 2, 2}, CALENDAR_DAY_HOLIDAY, "extension"},
		{{2020, 2, 3}, CALENDAR_DAY_WORKDAY, "Monday: isOffDay=false in holiday-cn"},
		/* Others. */
		{{2019, 12, 31}, CALENDAR_DAY_WORKDAY, "last day of 2019"},
		{{2020, 1, 1}, CALENDAR_DAY_HOLIDAY, "元旦 2020"},
		{{2024, 2, 9}, CALENDAR_DAY_WORKDAY, "除夕 2024 was not yet a holiday"},
		{{2024, 2, 18}, CALENDAR_DAY_MAKEUP_WORKDAY, "Sunday after Spring Festival 2024"},
		{{2024, 2, 29}, CALENDAR_DAY_WORKDAY, "leap day"},
		{{2026, 12, 31}, CALENDAR_DAY_WORKDAY, "last known day, a Thursday"},
		{{2018, 1, 1}, CALENDAR_DAY_HOLIDAY, "first known day"},
	};
	struct sx_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum calendar_day_kind kind = 0;
		/* Start from the wrong answer so that an unwritten output fails. */
		bool workday = !(cases[i].kind == CALENDAR_DAY_WORKDAY ||
				 cases[i].kind == CALENDAR_DAY_MAKEUP_WORKDAY);

		sx_error_clear(&err);
		if (calendar_day_kind(&kind, cal, cases[i].date, &err) != 0 ||
		    kind != cases[i].kind)
			fail_msg("%04d-%02d-%02d (%s): got %s, want %s", cases[i].date.year,
				 cases[i].date.month, cases[i].date.day, cases[i].why,
				 calendar_day_kind_name(kind),
				 calendar_day_kind_name(cases[i].kind));
		assert_int_equal(calendar_is_workday(&workday, cal, cases[i].date, &err), 0);
		assert_int_equal(workday, cases[i].kind == CALENDAR_DAY_WORKDAY ||
						  cases[i].kind == CALENDAR_DAY_MAKEUP_WORKDAY);
	}
}

static void test_each_year_has_the_published_number_of_working_days(void **state)
{
	const struct calendar *cal = *state;
	static const struct {
		int year;
		int workdays;
	} cases[] = {
		{2018, 250}, {2019, 250}, {2020, 249}, {2021, 250}, {2022, 249},
		{2023, 249}, {2024, 251}, {2025, 248}, {2026, 248},
	};
	struct sx_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = -1;
		bool first_is_workday = true;
		int y = cases[i].year;

		/* (1 January, 31 December] plus 1 January itself: 2017 is not known. */
		assert_int_equal(
			calendar_workdays_between(&n, cal, day(y, 1, 1), day(y, 12, 31), &err), 0);
		assert_int_equal(calendar_is_workday(&first_is_workday, cal, day(y, 1, 1), &err),
				 0);
		if (n + (first_is_workday ? 1 : 0) != cases[i].workdays)
			fail_msg("%d: %d working days, want %d", y, n + (first_is_workday ? 1 : 0),
				 cases[i].workdays);
	}
}

/* ---- adding and counting --------------------------------------------------------------------- */

struct add_case {
	struct calendar_date start;
	int n;
	struct calendar_date want;
	const char *why;
};

static void test_add_workdays_skips_the_start_day_holidays_and_counts_make_up_days(void **state)
{
	const struct calendar *cal = *state;
	static const struct add_case cases[] = {
		{{2019, 9, 27}, 1, {2019, 9, 29}, "the next working day is the make-up Sunday"},
		{{2019, 9, 30}, 1, {2019, 10, 8}, "across the National Day week"},
		{{2019, 9, 30}, 5, {2019, 10, 12}, "the fifth is the make-up Saturday"},
		{{2019, 9, 30}, 7, {2019, 10, 15}, "7 working days to publish a penalty"},
		{{2019, 10, 1}, 1, {2019, 10, 8}, "starting on a holiday"},
		{{2019, 10, 6}, 3, {2019, 10, 10}, "starting on a Sunday inside the holiday"},
		{{2019, 2, 1}, 1, {2019, 2, 2}, "the make-up Saturday before Spring Festival"},
		{{2019, 2, 1}, 3, {2019, 2, 11}, "Sat, Sun worked, then the holiday week"},
		{{2018, 12, 28}, 1, {2018, 12, 29}, "make-up Saturday at the year end"},
		{{2018, 12, 28}, 2, {2019, 1, 2}, "across 30, 31 December and 元旦"},
		{{2019, 12, 31}, 1, {2020, 1, 2}, "across the year end, 1 January off"},
		{{2020, 1, 23}, 1, {2020, 2, 3}, "across the extended Spring Festival 2020"},
		{{2020, 1, 23}, 2, {2020, 2, 4}, "the day after"},
		{{2024, 2, 8}, 1, {2024, 2, 9}, "除夕 2024 was a working day"},
		{{2021, 1, 1}, 20, {2021, 1, 29}, "20 working days for other decisions"},
		{{2026, 12, 24}, 4, {2026, 12, 30}, "ending inside the last known year"},
		{{2019, 10, 1}, 0, {2019, 10, 1}, "n = 0 is the start date, even a holiday"},
		{{2026, 12, 31}, 0, {2026, 12, 31}, "n = 0 on the last known day"},
	};
	struct sx_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct calendar_date got = {0, 0, 0};

		sx_error_clear(&err);
		if (calendar_add_workdays(&got, cal, cases[i].start, cases[i].n, &err) != 0)
			fail_msg("%04d-%02d-%02d + %d (%s): %s", cases[i].start.year,
				 cases[i].start.month, cases[i].start.day, cases[i].n, cases[i].why,
				 err.message);
		if (memcmp(&got, &cases[i].want, sizeof(got)) != 0)
			fail_msg(
				"%04d-%02d-%02d + %d (%s): got %04d-%02d-%02d, want %04d-%02d-%02d",
				cases[i].start.year, cases[i].start.month, cases[i].start.day,
				cases[i].n, cases[i].why, got.year, got.month, got.day,
				cases[i].want.year, cases[i].want.month, cases[i].want.day);
	}
}

static void test_workdays_between_counts_the_half_open_interval(void **state)
{
	const struct calendar *cal = *state;
	static const struct {
		struct calendar_date from, to;
		int want;
		const char *why;
	} cases[] = {
		{{2019, 9, 28}, {2019, 10, 12}, 7, "29 Sep, 30 Sep, 8–11 Oct, 12 Oct"},
		{{2019, 9, 30}, {2019, 10, 8}, 1, "the start day is not counted, the end day is"},
		{{2019, 1, 31}, {2019, 2, 28}, 17, "February 2019 with Spring Festival"},
		{{2018, 12, 28}, {2019, 1, 2}, 2, "across the year end"},
		{{2020, 1, 1}, {2020, 2, 29}, 37, "the 2020 extension"},
		{{2019, 10, 3}, {2019, 10, 3}, 0, "from == to"},
		{{2019, 10, 1}, {2019, 10, 7}, 0, "inside the holiday"},
	};
	struct sx_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = -1;

		sx_error_clear(&err);
		assert_int_equal(
			calendar_workdays_between(&n, cal, cases[i].from, cases[i].to, &err), 0);
		if (n != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].why, n, cases[i].want);
	}
}

/* 2019-01-01 plus i days (i < 731), computed without the calendar or base/time. */
static struct calendar_date day_of_2019_or_2020(int i)
{
	static const int month_days[2][12] = {
		{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
		{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	};
	struct calendar_date d = day(2019, 1, 1);

	while (i >= month_days[d.year == 2020][d.month - 1]) {
		i -= month_days[d.year == 2020][d.month - 1];
		if (++d.month > 12) {
			d.month = 1;
			d.year++;
		}
	}
	d.day += i;
	return d;
}

static void test_between_undoes_add_for_every_start_in_2019_and_2020(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;

	for (int i = 0; i < 731; i++) {
		struct calendar_date start = day_of_2019_or_2020(i);

		for (int n = 0; n <= 25; n += 5) {
			struct calendar_date end;
			int count = -1;
			bool workday = false;

			assert_int_equal(calendar_add_workdays(&end, cal, start, n, &err), 0);
			assert_int_equal(calendar_workdays_between(&count, cal, start, end, &err),
					 0);
			assert_int_equal(count, n);
			if (n > 0) {
				/* The n-th working day is itself a working day. */
				assert_int_equal(calendar_is_workday(&workday, cal, end, &err), 0);
				assert_true(workday);
			}
		}
	}
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void assert_unknown_year(int rc, const struct sx_error *err, const char *year)
{
	assert_int_equal(rc, SX_ENOTFOUND);
	assert_int_equal(err->rc, SX_ENOTFOUND);
	assert_string_equal(err->code, "calendar_year_unknown");
	if (strstr(err->message, year) == NULL)
		fail_msg("message does not name %s: %s", year, err->message);
}

static void test_dates_outside_the_known_years_are_errors_not_guesses(void **state)
{
	const struct calendar *cal = *state;
	struct calendar_date out = {1, 2, 3};
	enum calendar_day_kind kind = CALENDAR_DAY_WORKDAY;
	bool workday = true;
	int n = 42;
	struct sx_error err;

	sx_error_clear(&err);
	/* 2027-01-04 is an ordinary Monday: a weekday guess would say workday. */
	assert_unknown_year(calendar_is_workday(&workday, cal, day(2027, 1, 4), &err), &err,
			    "2027");
	assert_true(workday);
	assert_unknown_year(calendar_day_kind(&kind, cal, day(2017, 12, 29), &err), &err, "2017");
	assert_int_equal(kind, CALENDAR_DAY_WORKDAY);
	/* The count runs out of the data: 2026-12-31 is the last known day. */
	assert_unknown_year(calendar_add_workdays(&out, cal, day(2026, 12, 30), 2, &err), &err,
			    "2027");
	assert_unknown_year(calendar_add_workdays(&out, cal, day(2026, 12, 31), 1, &err), &err,
			    "2027");
	/* The start year must be known even though the start day is not counted. */
	assert_unknown_year(calendar_add_workdays(&out, cal, day(2017, 12, 31), 1, &err), &err,
			    "2017");
	assert_unknown_year(calendar_add_workdays(&out, cal, day(2030, 6, 1), 0, &err), &err,
			    "2030");
	assert_int_equal(out.year, 1);
	assert_int_equal(out.month, 2);
	assert_int_equal(out.day, 3);
	assert_unknown_year(
		calendar_workdays_between(&n, cal, day(2026, 12, 1), day(2027, 1, 5), &err), &err,
		"2027");
	assert_unknown_year(
		calendar_workdays_between(&n, cal, day(2017, 12, 1), day(2018, 1, 5), &err), &err,
		"2017");
	assert_int_equal(n, 42);
	/* The message names the known range too. */
	assert_non_null(strstr(err.message, "2018"));
	assert_non_null(strstr(err.message, "2026"));
}

static void test_an_empty_calendar_knows_no_year(void **state)
{
	struct calendar cal;
	bool workday = false;
	int first = 0;
	struct sx_error err;

	(void)state;
	calendar_init(&cal);
	assert_unknown_year(calendar_is_workday(&workday, &cal, day(2019, 10, 8), &err), &err,
			    "2019");
	assert_int_equal(calendar_year_range(&first, NULL, &cal), SX_ENOTFOUND);
	assert_false(calendar_has_year(&cal, 2019));
	assert_false(calendar_has_year(NULL, 2019));
	calendar_clear(&cal);
	calendar_clear(NULL);
}

static void test_invalid_dates_reversed_ranges_and_negative_counts_are_refused(void **state)
{
	const struct calendar *cal = *state;
	struct calendar_date out = {0, 0, 0};
	bool workday = false;
	int n = 0;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(calendar_is_workday(&workday, cal, day(2019, 2, 29), &err), SX_EINVALID);
	assert_string_equal(err.code, "invalid_date");
	assert_int_equal(calendar_is_workday(&workday, cal, day(2019, 13, 1), &err), SX_EINVALID);
	assert_int_equal(calendar_is_workday(&workday, cal, day(2019, 4, 31), &err), SX_EINVALID);
	assert_int_equal(calendar_add_workdays(&out, cal, day(2019, 2, 30), 1, &err), SX_EINVALID);
	assert_int_equal(calendar_add_workdays(&out, cal, day(2019, 3, 1), -1, &err), SX_EINVALID);
	assert_int_equal(
		calendar_workdays_between(&n, cal, day(2019, 10, 8), day(2019, 10, 7), &err),
		SX_EINVALID);
	assert_string_equal(err.code, "calendar_range_reversed");
	/* Reversed beats unknown: the order is wrong whatever the data. */
	assert_int_equal(calendar_workdays_between(&n, cal, day(2030, 1, 2), day(2030, 1, 1), &err),
			 SX_EINVALID);
	assert_int_equal(calendar_workdays_between(&n, cal, day(2019, 1, 1), day(2019, 0, 1), &err),
			 SX_EINVALID);
	assert_int_equal(calendar_is_workday(NULL, cal, day(2019, 1, 2), &err), SX_EINVALID);
	assert_int_equal(calendar_add_workdays(NULL, cal, day(2019, 1, 2), 1, &err), SX_EINVALID);
	assert_int_equal(
		calendar_workdays_between(&n, NULL, day(2019, 1, 2), day(2019, 1, 3), &err),
		SX_EINVALID);
	assert_int_equal(n, 0);
	assert_int_equal(out.year, 0);
}

/* ---- loading --------------------------------------------------------------------------------- */

/* A made-up 2027: 1–3 January off (Fri–Sun), 6–12 February off, Saturday 13 February worked. */
#define Y2027_BODY                                                                                 \
	"\"off\": [\"2027-01-01\", \"2027-01-02\", \"2027-01-03\", \"2027-02-06\", "               \
	"\"2027-02-07\", \"2027-02-08\", \"2027-02-09\", \"2027-02-10\", \"2027-02-11\", "         \
	"\"2027-02-12\"], \"work\": [\"2027-02-13\"]"
#define YEAR_2027 "\"2027\": {" Y2027_BODY "}"
#define FILE_2027 "{\"source\": \"made up for tests\", \"years\": {" YEAR_2027 "}}"
/* A file with one year: ONE_YEAR("2027", Q("2027-01-01") "," Q("2027-01-02"), ""). */
#define Q(date) "\"" date "\""
#define ONE_YEAR(year, off, work)                                                                  \
	"{\"source\": \"s\", \"years\": {\"" year "\": {\"off\": [" off "], \"work\": [" work "]}" \
											      "}}"
#define INVALID "calendar_data_invalid"

struct load_case {
	const char *json;
	int rc;
	const char *code;
	const char *in_message; /* a piece the message must contain; NULL = any */
};

static void test_load_refuses_invalid_files_and_leaves_the_calendar_alone(void **state)
{
	struct calendar *cal = *state;
	static const struct load_case cases[] = {
		/* Shape of the document. */
		{"{", SX_EINVALID, INVALID, "JSON"},
		{"[]", SX_EINVALID, INVALID, "对象"},
		{"{\"source\": \"s\", \"years\": {" YEAR_2027 "}, \"extra\": 1}", SX_EINVALID,
		 INVALID, "extra"},
		{"{\"years\": {" YEAR_2027 "}}", SX_EINVALID, INVALID, "source"},
		{"{\"source\": \"\", \"years\": {" YEAR_2027 "}}", SX_EINVALID, INVALID, "source"},
		{"{\"source\": \"a\\nb\", \"years\": {" YEAR_2027 "}}", SX_EINVALID, INVALID,
		 "控制字符"},
		{"{\"source\": 7, \"years\": {" YEAR_2027 "}}", SX_EINVALID, INVALID, "source"},
		{"{\"source\": \"s\"}", SX_EINVALID, INVALID, "years"},
		{"{\"source\": \"s\", \"years\": {}}", SX_EINVALID, INVALID, "years"},
		{"{\"source\": \"s\", \"years\": []}", SX_EINVALID, INVALID, "years"},
		{"{\"source\": \"s\", \"years\": {" YEAR_2027 ", " YEAR_2027 "}}", SX_EINVALID,
		 INVALID, "JSON"},
		/* Years and their objects. */
		{ONE_YEAR("27", Q("2027-01-01"), ""), SX_EINVALID, INVALID, "“27”"},
		{ONE_YEAR("20a7", Q("2027-01-01"), ""), SX_EINVALID, INVALID, "20a7"},
		{ONE_YEAR("1948", Q("1948-01-01"), ""), SX_EINVALID, INVALID, "1948"},
		{ONE_YEAR("9999", Q("9999-01-01"), ""), SX_EINVALID, INVALID, "9999"},
		{"{\"source\": \"s\", \"years\": {\"2027\": [\"2027-01-01\"]}}", SX_EINVALID,
		 INVALID, "2027"},
		{"{\"source\": \"s\", \"years\": {\"2027\": {" Y2027_BODY ", \"holidays\": []}}}",
		 SX_EINVALID, INVALID, "holidays"},
		{"{\"source\": \"s\", \"years\": {\"2027\": {\"off\": [\"2027-01-01\"]}}}",
		 SX_EINVALID, INVALID, "work"},
		{"{\"source\": \"s\", \"years\": {\"2027\": {\"off\": \"2027-01-01\", \"work\": "
		 "[]}}}",
		 SX_EINVALID, INVALID, "off"},
		{ONE_YEAR("2027", "", ""), SX_EINVALID, INVALID, "为空"},
		/* Dates. */
		{ONE_YEAR("2027", "20270101", ""), SX_EINVALID, INVALID, "第 1 项"},
		{ONE_YEAR("2027", Q("2027-1-01"), ""), SX_EINVALID, INVALID, "2027-1-01"},
		{ONE_YEAR("2027", Q("2027/01/01"), ""), SX_EINVALID, INVALID, "2027/01/01"},
		{ONE_YEAR("2027", Q("2027-01-01") "," Q("2027-02-30"), ""), SX_EINVALID, INVALID,
		 "2027-02-30"},
		{ONE_YEAR("2027", Q("2027-01-01") "," Q("2027-02-29"), ""), SX_EINVALID, INVALID,
		 "2027-02-29"},
		{ONE_YEAR("2027", Q("2027-01-01") "," Q("2026-12-31"), ""), SX_EINVALID, INVALID,
		 "2026-12-31"},
		{ONE_YEAR("2027", Q("2027-01-01"), Q("2028-01-01")), SX_EINVALID, INVALID,
		 "2028-01-01"},
		{ONE_YEAR("2027", Q("2027-01-01") "," Q("2027-01-01"), ""), SX_EINVALID, INVALID,
		 "重复"},
		{ONE_YEAR("2027", Q("2027-01-01"), Q("2027-01-04")), SX_EINVALID, INVALID,
		 "星期一"},
		{ONE_YEAR("2027", Q("2027-01-01") "," Q("2027-01-02"), Q("2027-01-02")),
		 SX_EINVALID, INVALID, "2027-01-02"},
		/* Against the known years 2018–2026. */
		{ONE_YEAR("2028", Q("2028-01-01"), ""), SX_EINVALID, "calendar_year_gap", "2027"},
		{ONE_YEAR("2016", Q("2016-01-01"), ""), SX_EINVALID, "calendar_year_gap", "2017"},
		{ONE_YEAR("2026", Q("2026-01-01"), ""), SX_EEXISTS, "calendar_year_exists", "2026"},
		{"{\"source\": \"s\", \"years\": {" YEAR_2027 ", "
		 "\"2026\": {\"off\": [\"2026-01-01\"], \"work\": []}}}",
		 SX_EEXISTS, "calendar_year_exists", "2026"},
	};
	struct sx_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct calendar_file_info info;
		int first = 0, last = 0;
		int rc;

		memset(&info, 0x5a, sizeof(info));
		sx_error_clear(&err);
		rc = calendar_load_json(cal, &info, cases[i].json, strlen(cases[i].json),
					CALENDAR_LOAD_ADD, &err);
		if (rc != cases[i].rc || strcmp(err.code, cases[i].code) != 0)
			fail_msg("case %zu %s: rc %d code %s (%s), want %d %s", i, cases[i].json,
				 rc, err.code, err.message, cases[i].rc, cases[i].code);
		if (cases[i].in_message && strstr(err.message, cases[i].in_message) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.message,
				 cases[i].in_message);
		/* Nothing changed, and info was not written. */
		assert_int_equal(calendar_year_range(&first, &last, cal), 0);
		assert_int_equal(first, 2018);
		assert_int_equal(last, 2026);
		assert_int_equal((unsigned char)info.source[0], 0x5a);
	}
}

static void test_a_file_with_a_gap_between_its_own_years_is_refused(void **state)
{
	const char *json = "{\"source\": \"s\", \"years\": {"
			   "\"2030\": {\"off\": [\"2030-01-01\"], \"work\": []},"
			   "\"2032\": {\"off\": [\"2032-01-01\"], \"work\": []}}}";
	struct calendar cal;
	struct sx_error err;

	(void)state;
	calendar_init(&cal);
	assert_int_equal(
		calendar_load_json(&cal, NULL, json, strlen(json), CALENDAR_LOAD_ADD, &err),
		SX_EINVALID);
	assert_string_equal(err.code, "calendar_year_gap");
	assert_non_null(strstr(err.message, "2031"));
	assert_int_equal(cal.year_count, 0);
	calendar_clear(&cal);
}

static void test_a_made_up_2027_extends_the_calendar_and_the_count_runs_into_it(void **state)
{
	struct calendar *cal = *state;
	struct calendar_file_info info;
	struct calendar_date out;
	enum calendar_day_kind kind;
	int first = 0, last = 0;
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(calendar_load_json(cal, &info, FILE_2027, strlen(FILE_2027),
					    CALENDAR_LOAD_ADD, &err),
			 0);
	assert_string_equal(info.source, "made up for tests");
	assert_int_equal(info.first_year, 2027);
	assert_int_equal(info.last_year, 2027);
	assert_int_equal(calendar_year_range(&first, &last, cal), 0);
	assert_int_equal(first, 2018);
	assert_int_equal(last, 2027);
	/* Thursday 2026-12-31 + 1: Friday 1 January 2027 is off, then the weekend. */
	assert_int_equal(calendar_add_workdays(&out, cal, day(2026, 12, 31), 1, &err), 0);
	assert_int_equal(out.year, 2027);
	assert_int_equal(out.month, 1);
	assert_int_equal(out.day, 4);
	assert_int_equal(calendar_day_kind(&kind, cal, day(2027, 2, 13), &err), 0);
	assert_int_equal(kind, CALENDAR_DAY_MAKEUP_WORKDAY);
	/* The same year again is refused, a second year after it is welcome. */
	assert_int_equal(calendar_load_json(cal, NULL, FILE_2027, strlen(FILE_2027),
					    CALENDAR_LOAD_ADD, &err),
			 SX_EEXISTS);
	assert_string_equal(err.code, "calendar_year_exists");
}

static void test_replace_mode_swaps_a_known_year_and_add_mode_does_not(void **state)
{
	struct calendar *cal = *state;
	/* A wrong 2019 in which 8 October is off. */
	const char *json = "{\"source\": \"s\", \"years\": {\"2019\": {\"off\": [\"2019-10-08\"], "
			   "\"work\": []}}}";
	enum calendar_day_kind kind;
	struct sx_error err;

	assert_int_equal(calendar_load_json(cal, NULL, json, strlen(json), CALENDAR_LOAD_ADD, &err),
			 SX_EEXISTS);
	assert_int_equal(calendar_day_kind(&kind, cal, day(2019, 10, 8), &err), 0);
	assert_int_equal(kind, CALENDAR_DAY_WORKDAY);
	assert_int_equal(
		calendar_load_json(cal, NULL, json, strlen(json), CALENDAR_LOAD_REPLACE, &err), 0);
	assert_int_equal(calendar_day_kind(&kind, cal, day(2019, 10, 8), &err), 0);
	assert_int_equal(kind, CALENDAR_DAY_HOLIDAY);
	/* The rest of 2019 is now the file's: National Day is an ordinary Tuesday. */
	assert_int_equal(calendar_day_kind(&kind, cal, day(2019, 10, 1), &err), 0);
	assert_int_equal(kind, CALENDAR_DAY_WORKDAY);
	/* Neighbouring years are untouched. */
	assert_int_equal(calendar_day_kind(&kind, cal, day(2018, 12, 29), &err), 0);
	assert_int_equal(kind, CALENDAR_DAY_MAKEUP_WORKDAY);
}

static void test_years_can_be_added_before_the_first_known_year(void **state)
{
	struct calendar *cal = *state;
	const char *json = "{\"source\": \"s\", \"years\": {\"2017\": {\"off\": [\"2017-01-01\", "
			   "\"2017-01-02\"], \"work\": []}}}";
	struct calendar_date out;
	int first = 0;
	struct sx_error err;

	assert_int_equal(calendar_load_json(cal, NULL, json, strlen(json), CALENDAR_LOAD_ADD, &err),
			 0);
	assert_int_equal(calendar_year_range(&first, NULL, cal), 0);
	assert_int_equal(first, 2017);
	/* Friday 2017-12-29 + 1: the weekend, then 元旦 2018 → Tuesday 2 January. */
	assert_int_equal(calendar_add_workdays(&out, cal, day(2017, 12, 29), 1, &err), 0);
	assert_int_equal(out.year, 2018);
	assert_int_equal(out.month, 1);
	assert_int_equal(out.day, 2);
}

static void test_load_refuses_oversized_and_null_input(void **state)
{
	struct calendar *cal = *state;
	char *big = malloc(CALENDAR_FILE_MAX_BYTES + 1);
	struct sx_error err;

	assert_non_null(big);
	memset(big, ' ', CALENDAR_FILE_MAX_BYTES + 1);
	assert_int_equal(calendar_load_json(cal, NULL, big, CALENDAR_FILE_MAX_BYTES + 1,
					    CALENDAR_LOAD_ADD, &err),
			 SX_ETOOBIG);
	free(big);
	assert_int_equal(calendar_load_json(cal, NULL, NULL, 5, CALENDAR_LOAD_ADD, &err),
			 SX_EINVALID);
	assert_int_equal(calendar_load_json(cal, NULL, NULL, 0, CALENDAR_LOAD_ADD, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "calendar_data_invalid");
	assert_int_equal(calendar_load_json(NULL, NULL, "{}", 2, CALENDAR_LOAD_ADD, &err),
			 SX_EINVALID);
	assert_int_equal(calendar_load_json(cal, NULL, FILE_2027, strlen(FILE_2027), 0, &err),
			 SX_EINVALID);
	assert_false(calendar_has_year(cal, 2027));
	/* A JSON text is not NUL-terminated: only len bytes are read. */
	assert_int_equal(calendar_load_json(cal, NULL, FILE_2027 "garbage", strlen(FILE_2027),
					    CALENDAR_LOAD_ADD, &err),
			 0);
	assert_true(calendar_has_year(cal, 2027));
}

static void test_allocation_failures_leave_the_calendar_unchanged(void **state)
{
	size_t len = 0;
	char *text = read_builtin_data(&len);
	struct calendar cal;
	struct sx_error err;
	int rc = SX_ENOMEM;
	long n;

	(void)state;
	assert_non_null(text);
	calendar_init(&cal);
	for (n = 0; n < 10 && rc == SX_ENOMEM; n++) {
		sx_mem_fail_after(n);
		rc = calendar_load_json(&cal, NULL, text, len, CALENDAR_LOAD_ADD, &err);
		sx_mem_fail_after(-1);
		if (rc == SX_ENOMEM)
			assert_int_equal(cal.year_count, 0);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 1); /* at least one failure was injected and survived */
	rc = SX_ENOMEM;
	for (n = 0; n < 10 && rc == SX_ENOMEM; n++) {
		sx_mem_fail_after(n);
		rc = calendar_load_json(&cal, NULL, FILE_2027, strlen(FILE_2027), CALENDAR_LOAD_ADD,
					&err);
		sx_mem_fail_after(-1);
		if (rc == SX_ENOMEM) {
			assert_int_equal(cal.first_year, 2018);
			assert_int_equal(cal.year_count, 9);
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(cal.year_count, 10);
	calendar_clear(&cal);
	free(text);
}

static void test_kind_names_and_labels_are_stable(void **state)
{
	(void)state;
	assert_string_equal(calendar_day_kind_name(CALENDAR_DAY_WORKDAY), "workday");
	assert_string_equal(calendar_day_kind_name(CALENDAR_DAY_WEEKEND), "weekend");
	assert_string_equal(calendar_day_kind_name(CALENDAR_DAY_HOLIDAY), "holiday");
	assert_string_equal(calendar_day_kind_name(CALENDAR_DAY_MAKEUP_WORKDAY), "makeup_workday");
	assert_string_equal(calendar_day_kind_label(CALENDAR_DAY_MAKEUP_WORKDAY), "调休上班日");
	assert_string_equal(calendar_day_kind_label(CALENDAR_DAY_HOLIDAY), "节假日");
	assert_string_equal(calendar_day_kind_name((enum calendar_day_kind)0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_builtin_data_covers_2018_to_2026_and_nothing_else, setup_builtin,
			teardown_builtin),
		cmocka_unit_test(test_embedded_data_is_the_file_in_data_calendar),
		cmocka_unit_test_setup_teardown(test_days_are_classified_as_the_notices_say,
						setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_each_year_has_the_published_number_of_working_days, setup_builtin,
			teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_add_workdays_skips_the_start_day_holidays_and_counts_make_up_days,
			setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(test_workdays_between_counts_the_half_open_interval,
						setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_between_undoes_add_for_every_start_in_2019_and_2020, setup_builtin,
			teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_dates_outside_the_known_years_are_errors_not_guesses, setup_builtin,
			teardown_builtin),
		cmocka_unit_test(test_an_empty_calendar_knows_no_year),
		cmocka_unit_test_setup_teardown(
			test_invalid_dates_reversed_ranges_and_negative_counts_are_refused,
			setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_load_refuses_invalid_files_and_leaves_the_calendar_alone,
			setup_builtin, teardown_builtin),
		cmocka_unit_test(test_a_file_with_a_gap_between_its_own_years_is_refused),
		cmocka_unit_test_setup_teardown(
			test_a_made_up_2027_extends_the_calendar_and_the_count_runs_into_it,
			setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(
			test_replace_mode_swaps_a_known_year_and_add_mode_does_not, setup_builtin,
			teardown_builtin),
		cmocka_unit_test_setup_teardown(test_years_can_be_added_before_the_first_known_year,
						setup_builtin, teardown_builtin),
		cmocka_unit_test_setup_teardown(test_load_refuses_oversized_and_null_input,
						setup_builtin, teardown_builtin),
		cmocka_unit_test(test_allocation_failures_leave_the_calendar_unchanged),
		cmocka_unit_test(test_kind_names_and_labels_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
