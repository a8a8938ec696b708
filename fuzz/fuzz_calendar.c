/*
 * fuzz/fuzz_calendar — libFuzzer target for calendar_load_json: the holiday
 * data files (data/calendar/cn-holidays.json and the yearly State Council
 * notices an administrator imports with `sanxiang calendar import`), outside
 * input on which every legal deadline depends.
 *
 * Each input is loaded into an empty calendar. Besides ASan/UBSan findings it
 * aborts when a promise of calendar.h is broken: on error the calendar is
 * unchanged (still empty) and err carries the returned code, a documented
 * failure code and a UTF-8 message; on success the file's source is
 * NUL-terminated and non-empty without controls, its year range is that of
 * the calendar and inside CALENDAR_YEAR_MIN..MAX, every day of the first and
 * last year has a kind, with make-up workdays only on weekends, other days'
 * kind agreeing with the weekday, and at least one holiday a year;
 * between(d, add(d, n)) == n; loading the same file again is refused in ADD
 * mode (calendar unchanged) and accepted in REPLACE mode.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_calendar.c
 *   src/calendar/calendar.c src/base/time.c src/base/codec.c src/base/mem.c
 *   src/base/error.c -ljansson
 * Seeds: fuzz/corpus/calendar/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"
#include "calendar/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_error(const struct sx_error *err, int rc)
{
	static const char *const codes[] = {"calendar_data_invalid", "calendar_year_gap",
					    "calendar_year_exists"};
	bool known = false;

	check(rc < 0 && err->rc == rc && err->message[0] != '\0');
	check(memchr(err->code, '\0', sizeof(err->code)) != NULL);
	check(memchr(err->message, '\0', sizeof(err->message)) != NULL);
	check(codec_is_valid_utf8(err->message, strlen(err->message)));
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		known = known || strcmp(err->code, codes[i]) == 0;
	check(known || rc == SX_ETOOBIG || rc == SX_ENOMEM);
}

/* Walks every day of a known year: kinds agree with the weekday and the rules above. */
static void check_year(const struct calendar *cal, int year)
{
	struct sx_error err;
	size_t holidays = 0;

	for (int month = 1; month <= 12; month++) {
		int days = sx_date_days_in_month(year, month);

		for (int day = 1; day <= days; day++) {
			struct calendar_date d = {year, month, day};
			int64_t n = sx_date_to_days(year, month, day);
			bool weekend = (((n % 7) + 7 + 3) % 7) >= 5; /* 1970-01-01 was a Thursday */
			enum calendar_day_kind kind;
			bool work;

			check(calendar_day_kind(&kind, cal, d, &err) == 0);
			check(calendar_is_workday(&work, cal, d, &err) == 0);
			switch (kind) {
			case CALENDAR_DAY_WORKDAY:
				check(!weekend && work);
				break;
			case CALENDAR_DAY_WEEKEND:
				check(weekend && !work);
				break;
			case CALENDAR_DAY_HOLIDAY:
				check(!work);
				holidays++;
				break;
			case CALENDAR_DAY_MAKEUP_WORKDAY:
				check(weekend && work);
				break;
			default:
				check(false);
			}
		}
	}
	check(holidays >= 1);
}

static void check_counting(const struct calendar *cal, int year)
{
	static const int counts[] = {0, 1, 3, 7, 20};
	struct calendar_date start = {year, 1, 1}, end;
	struct sx_error err;

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		int between = -1;
		bool work = false;
		int rc = calendar_add_workdays(&end, cal, start, counts[i], &err);

		if (rc < 0) {
			check(rc == SX_ENOTFOUND && err.rc == rc);
			continue;
		}
		check(calendar_workdays_between(&between, cal, start, end, &err) == 0);
		check(between == counts[i]);
		check(calendar_is_workday(&work, cal, end, &err) == 0);
		check(counts[i] == 0 || work);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct calendar_file_info info;
	struct calendar cal;
	struct sx_error err;
	int first, last, rc;

	calendar_init(&cal);
	memset(&info, 0xa5, sizeof(info));
	rc = calendar_load_json(&cal, &info, text, size, CALENDAR_LOAD_ADD, &err);
	if (rc < 0) {
		check_error(&err, rc);
		check(cal.year_count == 0 && !calendar_has_year(&cal, 2024));
		goto cleanup;
	}
	check(rc == 0);
	check(memchr(info.source, '\0', sizeof(info.source)) != NULL && info.source[0] != '\0');
	check(codec_is_valid_utf8(info.source, strlen(info.source)));
	for (size_t i = 0; info.source[i] != '\0'; i++)
		check((unsigned char)info.source[i] >= 0x20 && info.source[i] != 0x7f);
	check(info.first_year >= CALENDAR_YEAR_MIN && info.first_year <= info.last_year &&
	      info.last_year <= CALENDAR_YEAR_MAX);
	check(calendar_year_range(&first, &last, &cal) == 0);
	check(first == info.first_year && last == info.last_year);
	check(cal.year_count == last - first + 1);
	check(!calendar_has_year(&cal, first - 1) && !calendar_has_year(&cal, last + 1));
	check_year(&cal, first);
	if (last != first)
		check_year(&cal, last);
	check_counting(&cal, first);

	/* The same file again: refused when adding, with nothing changed; fine when replacing. */
	rc = calendar_load_json(&cal, NULL, text, size, CALENDAR_LOAD_ADD, &err);
	check(rc == SX_EEXISTS && strcmp(err.code, "calendar_year_exists") == 0);
	check(calendar_year_range(&first, &last, &cal) == 0);
	check(first == info.first_year && last == info.last_year);
	check(calendar_load_json(&cal, NULL, text, size, CALENDAR_LOAD_REPLACE, &err) == 0);
	check(calendar_year_range(&first, &last, &cal) == 0);
	check(first == info.first_year && last == info.last_year);
cleanup:
	calendar_clear(&cal);
	check(cal.year_count == 0 && cal.years == NULL);
	return 0;
}
