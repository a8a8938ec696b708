/*
 * base/time — see time.h. Digits are written and read by hand rather than
 * with snprintf/strptime: the widths are fixed, and strptime would accept
 * forms (spaces, one-digit fields) that we must reject.
 */
#include "base/time.h"

#include <time.h>

#include "base/error.h"

#define US_PER_SECOND 1000000LL
#define SECONDS_PER_DAY 86400LL
#define US_PER_DAY (SECONDS_PER_DAY * US_PER_SECOND)
/* Asia/Shanghai: UTC+8, no DST since 1991. */
#define SHANGHAI_OFFSET_US (8LL * 3600 * US_PER_SECOND)

/* Broken-down UTC (or local) time; fields in their calendar ranges. */
struct civil_time {
	int year;
	int month;
	int day;
	int hour;
	int minute;
	int second;
	int micros;  /* 0..999999 */
};

static int64_t clock_read_us(clockid_t clock)
{
	struct timespec ts;

	/* Cannot fail for these clocks on Linux; 0 keeps the contract "returns a value". */
	if (clock_gettime(clock, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * US_PER_SECOND + ts.tv_nsec / 1000;
}

int64_t sx_time_now_us(void)
{
	return clock_read_us(CLOCK_REALTIME);
}

int64_t sx_time_monotonic_us(void)
{
	return clock_read_us(CLOCK_MONOTONIC);
}

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int sx_date_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}

bool sx_date_is_valid(int year, int month, int day)
{
	return year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
	       day <= sx_date_days_in_month(year, month);
}

/* Hinnant's days_from_civil: eras of 400 years (146097 days), years starting in March. */
int64_t sx_date_to_days(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                          /* 0..399 */
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  /* 0..146096 */

	return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the inverse of sx_date_to_days. */
void sx_date_from_days(int *year, int *month, int *day, int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                                      /* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
	int64_t mp = (5 * doy + 2) / 153;                                    /* 0..11, March = 0 */
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

/* Floor division and its non-negative remainder, for times before 1970. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b;
	int64_t r = a % b;

	if (r < 0) {
		q--;
		r += b;
	}
	*rem = r;
	return q;
}

static int64_t clamp_us(int64_t us)
{
	if (us < SX_TIME_MIN_US)
		return SX_TIME_MIN_US;
	if (us > SX_TIME_MAX_US)
		return SX_TIME_MAX_US;
	return us;
}

/* Precondition: us within SX_TIME_MIN_US..SX_TIME_MAX_US. */
static void civil_from_us(struct civil_time *t, int64_t us)
{
	int64_t us_of_day;
	int64_t days = floor_div(us, US_PER_DAY, &us_of_day);
	int64_t secs = us_of_day / US_PER_SECOND;

	sx_date_from_days(&t->year, &t->month, &t->day, days);
	t->hour = (int)(secs / 3600);
	t->minute = (int)(secs / 60 % 60);
	t->second = (int)(secs % 60);
	t->micros = (int)(us_of_day % US_PER_SECOND);
}

/* Writes value as exactly width decimal digits (value must fit). */
static void put_digits(char *out, int value, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* Reads exactly width decimal digits; -1 when one of them is not a digit. */
static int get_digits(const char *text, int width)
{
	int value = 0;

	for (int i = 0; i < width; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		value = value * 10 + (text[i] - '0');
	}
	return value;
}

/* Writes "YYYY-MM-DD" (10 characters, no NUL). */
static void put_date(char *out, int year, int month, int day)
{
	put_digits(out, year, 4);
	out[4] = '-';
	put_digits(out + 5, month, 2);
	out[7] = '-';
	put_digits(out + 8, day, 2);
}

/* Writes "HH:MM:SS" (8 characters, no NUL). */
static void put_clock(char *out, const struct civil_time *t)
{
	put_digits(out, t->hour, 2);
	out[2] = ':';
	put_digits(out + 3, t->minute, 2);
	out[5] = ':';
	put_digits(out + 6, t->second, 2);
}

void sx_time_format_utc(char out[SX_TIME_TEXT_LEN], int64_t us)
{
	struct civil_time t;

	civil_from_us(&t, clamp_us(us));
	put_date(out, t.year, t.month, t.day);
	out[10] = 'T';
	put_clock(out + 11, &t);
	out[19] = '.';
	put_digits(out + 20, t.micros, 6);
	out[26] = 'Z';
	out[27] = '\0';
}

void sx_time_format_shanghai(char out[SX_TIME_DISPLAY_LEN], int64_t us)
{
	struct civil_time t;

	civil_from_us(&t, clamp_us(clamp_us(us) + SHANGHAI_OFFSET_US));
	put_date(out, t.year, t.month, t.day);
	out[10] = ' ';
	put_clock(out + 11, &t);
	out[19] = '\0';
}

void sx_time_shanghai_date(int *year, int *month, int *day, int64_t us)
{
	struct civil_time t;

	civil_from_us(&t, clamp_us(clamp_us(us) + SHANGHAI_OFFSET_US));
	*year = t.year;
	*month = t.month;
	*day = t.day;
}

/* Parses "YYYY-MM-DD" at text (10 bytes available) into t; false when malformed. */
static bool parse_date_fields(struct civil_time *t, const char *text)
{
	if (text[4] != '-' || text[7] != '-')
		return false;
	t->year = get_digits(text, 4);
	t->month = get_digits(text + 5, 2);
	t->day = get_digits(text + 8, 2);
	return sx_date_is_valid(t->year, t->month, t->day);
}

int sx_date_parse(int *year, int *month, int *day, const char *text, size_t len)
{
	struct civil_time t;

	if (year == NULL || month == NULL || day == NULL || text == NULL || len != 10)
		return SX_EINVALID;
	if (!parse_date_fields(&t, text))
		return SX_EINVALID;
	*year = t.year;
	*month = t.month;
	*day = t.day;
	return 0;
}

int sx_time_parse_utc(int64_t *out, const char *text, size_t len)
{
	struct civil_time t;
	int64_t seconds;

	if (out == NULL || text == NULL || len != SX_TIME_TEXT_LEN - 1)
		return SX_EINVALID;
	if (!parse_date_fields(&t, text))
		return SX_EINVALID;
	if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' ||
	    text[26] != 'Z')
		return SX_EINVALID;
	t.hour = get_digits(text + 11, 2);
	t.minute = get_digits(text + 14, 2);
	t.second = get_digits(text + 17, 2);
	t.micros = get_digits(text + 20, 6);
	if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 ||
	    t.second > 59 || t.micros < 0)
		return SX_EINVALID;
	seconds = sx_date_to_days(t.year, t.month, t.day) * SECONDS_PER_DAY + t.hour * 3600LL +
		  t.minute * 60LL + t.second;
	*out = seconds * US_PER_SECOND + t.micros;
	return 0;
}

void sx_date_format(char out[SX_DATE_TEXT_LEN], int year, int month, int day)
{
	if (year < 0)
		year = 0;
	if (year > 9999)
		year = 9999;
	if (month < 1)
		month = 1;
	if (month > 12)
		month = 12;
	if (day < 1)
		day = 1;
	if (day > sx_date_days_in_month(year, month))
		day = sx_date_days_in_month(year, month);
	put_date(out, year, month, day);
	out[10] = '\0';
}
