/*
 * base/time — clock readings, timestamps as text, and calendar dates.
 *
 * A point in time is an int64_t count of microseconds since 1970-01-01
 * 00:00:00 UTC (`_us`), ignoring leap seconds like POSIX time. Storage and
 * logs use the UTC text form "2026-11-24T07:35:47.123456Z" (RFC 3339 §5.6
 * with exactly six fraction digits and 'Z'): fixed width, so comparing the
 * texts byte by byte orders them like the times. People see Asia/Shanghai
 * wall time, which is UTC+8 all year (China has had no daylight saving time
 * since 1991), computed here without TZ or tzdata so that the output cannot
 * change with the host's configuration.
 *
 * Dates are the proleptic Gregorian calendar (ISO 8601), converted with
 * Howard Hinnant's days_from_civil / civil_from_days algorithms
 * (http://howardhinnant.github.io/date_algorithms.html) instead of
 * timegm/localtime: pure arithmetic, thread-safe, independent of TZ.
 *
 * Invariants: the text forms cover years 0000..9999; formatting clamps times
 * outside that range to its ends, parsing accepts only valid dates and times
 * inside it, and format(parse(t)) == t for every accepted t.
 *
 * What it does not do: no leap seconds (":60" is rejected), no time zone
 * offsets other than 'Z' in input, no other zones than UTC and Asia/Shanghai,
 * no working-day arithmetic (see calendar/).
 */
#ifndef SX_BASE_TIME_H
#define SX_BASE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" plus NUL. */
#define SX_TIME_TEXT_LEN 28
/* "YYYY-MM-DD HH:MM:SS" plus NUL. */
#define SX_TIME_DISPLAY_LEN 20
/* "YYYY-MM-DD" plus NUL. */
#define SX_DATE_TEXT_LEN 11

/* Smallest and largest times the text forms can show: 0000-01-01T00:00:00.000000Z and
 * 9999-12-31T23:59:59.999999Z. */
#define SX_TIME_MIN_US (-62167219200000000LL)
#define SX_TIME_MAX_US (253402300799999999LL)

/* Wall-clock time (CLOCK_REALTIME) in microseconds since the Unix epoch; may jump. */
int64_t sx_time_now_us(void);

/* Microseconds on CLOCK_MONOTONIC: for measuring durations, never for storage. */
int64_t sx_time_monotonic_us(void);

/*
 * Writes us as "2026-11-24T07:35:47.123456Z" (27 characters and a NUL).
 * Times outside SX_TIME_MIN_US..SX_TIME_MAX_US are clamped to those ends.
 */
void sx_time_format_utc(char out[SX_TIME_TEXT_LEN], int64_t us);

/*
 * Parses exactly the form sx_time_format_utc writes: len must be 27, every
 * field two or four digits (six for the fraction), month 1..12, day within
 * the month (leap years per the Gregorian rule), hour 0..23, minute and
 * second 0..59, ending in 'Z'. text need not be NUL-terminated.
 * Returns 0 and sets *out, or SX_EINVALID (then *out is unchanged).
 */
int sx_time_parse_utc(int64_t *out, const char *text, size_t len);

/*
 * Writes us as Asia/Shanghai wall time (UTC+8) "2026-11-24 15:35:47",
 * dropping the fraction. Clamped like sx_time_format_utc.
 */
void sx_time_format_shanghai(char out[SX_TIME_DISPLAY_LEN], int64_t us);

/* The calendar date in Asia/Shanghai at time us (clamped like sx_time_format_utc). */
void sx_time_shanghai_date(int *year, int *month, int *day, int64_t us);

/*
 * Parses "YYYY-MM-DD" (len must be 10): year 0000..9999, month 1..12, day
 * within the month. text need not be NUL-terminated.
 * Returns 0 and sets the three outputs, or SX_EINVALID (outputs unchanged).
 */
int sx_date_parse(int *year, int *month, int *day, const char *text, size_t len);

/* Whether year-month-day is a real date with year 0..9999. */
bool sx_date_is_valid(int year, int month, int day);

/* Days in month (1..12) of year; 0 for a month out of range. */
int sx_date_days_in_month(int year, int month);

/*
 * Days from 1970-01-01 to year-month-day (negative before it), proleptic
 * Gregorian. Precondition: sx_date_is_valid(year, month, day).
 */
int64_t sx_date_to_days(int year, int month, int day);

/*
 * The date days after 1970-01-01 (days may be negative).
 * Precondition: the result lies in years 0..9999
 * (-719528 <= days <= 2932896).
 */
void sx_date_from_days(int *year, int *month, int *day, int64_t days);

/*
 * Writes "YYYY-MM-DD". Precondition: sx_date_is_valid(year, month, day);
 * fields out of range are clamped to the nearest valid date so that the
 * output is always a date sx_date_parse accepts.
 */
void sx_date_format(char out[SX_DATE_TEXT_LEN], int year, int month, int day);

#endif
