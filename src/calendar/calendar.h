/*
 * calendar/calendar — working days (工作日) in mainland China, for legal
 * deadlines: publication of decisions within 7 or 20 working days, legal
 * review within 3 (1 if urgent), withdrawal within 7 (docs/calendar.md).
 *
 * A day is a working day when the State Council's yearly holiday notice
 * (国务院办公厅关于某年部分节假日安排的通知) makes it one (调休上班, "work"),
 * or, when the notice does not mention it, when it is Monday to Friday and not
 * listed as a day off ("off"). The notices are data, not code: they come from
 * a JSON file (the format of data/calendar/cn-holidays.json, below) that the
 * caller reads; this module parses and validates it.
 *
 * Counting (docs/calendar.md gives the legal reading):
 *   - the start day is never counted: "N 个工作日内" runs from the next day
 *     (《民法典》第二百零一条: 开始的当日不计入，自下一日开始计算);
 *   - calendar_add_workdays(start, n) is the n-th working day after start,
 *     and n = 0 gives start itself;
 *   - calendar_workdays_between(from, to) counts the working days in the
 *     half-open interval (from, to], so that between(d, add(d, n)) == n.
 *
 * Invariants: the known years form one contiguous range first_year ..
 * first_year + year_count - 1 inside CALENDAR_YEAR_MIN..CALENDAR_YEAR_MAX
 * (loading refuses anything that would leave a gap), so "known" is a range
 * test. No question about a date outside that range is answered by guessing
 * from weekdays: it is an error (SX_ENOTFOUND, code "calendar_year_unknown").
 * A loaded year has at least one day off; every make-up workday is a Saturday
 * or Sunday; no day is both off and work.
 *
 * File format (UTF-8 JSON, at most CALENDAR_FILE_MAX_BYTES):
 *
 *   {"source": "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）",
 *    "years": {"2027": {"off": ["2027-01-01", …], "work": ["2027-02-06", …]}}}
 *
 *   "source" (required, 1..CALENDAR_SOURCE_SIZE-1 bytes, no control
 *   characters) says where the dates come from. "years" (required, at least
 *   one) maps each year "YYYY" to exactly "off" (at least one date) and
 *   "work" (may be empty), arrays of "YYYY-MM-DD" dates of that same year,
 *   without duplicates. A weekend day may appear in "off" (notices list the
 *   weekend days inside a holiday); an unlisted weekend day is a rest day
 *   anyway. Other top-level keys are refused, except the documentation keys
 *   "source_repo", "source_commit", "source_url", "grouping", "notes" and
 *   "omitted_from_work", whose values are not read.
 *
 * What it does not do: no I/O (callers read the file and the database), no
 * time zones (dates are Asia/Shanghai calendar dates the caller has already
 * determined), no provincial holidays or extensions, no hours (期间以时计算).
 */
#ifndef SX_CALENDAR_CALENDAR_H
#define SX_CALENDAR_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Years a calendar may hold. The upper bound keeps the day after any known
 * date a valid base/time date. */
#define CALENDAR_YEAR_MIN 1949
#define CALENDAR_YEAR_MAX 9998

/* Largest data file accepted (the 2018–2026 file is about 8 KiB). */
#define CALENDAR_FILE_MAX_BYTES (1024 * 1024)

/* Room for the "source" text and its NUL. */
#define CALENDAR_SOURCE_SIZE 513

/* A calendar date; a plain value, no time zone. */
struct calendar_date {
	int year;  /* 0..9999 as in base/time; only known years are answered */
	int month; /* 1..12 */
	int day;   /* 1..31, valid for the month */
};

/* One year's days off and make-up workdays; private to calendar.c. */
struct calendar__year;

/*
 * The known years. Initialise with calendar_init, fill with
 * calendar_load_json, release with calendar_clear. Read-only use from several
 * threads at once is safe.
 */
struct calendar {
	int first_year;               /* first known year; meaningless when year_count is 0 */
	int year_count;               /* 0 = no data at all */
	struct calendar__year *years; /* year_count entries, years[i] is first_year + i; owned */
};

enum calendar_day_kind {
	CALENDAR_DAY_WORKDAY = 1,    /* Monday to Friday, not a day off */
	CALENDAR_DAY_WEEKEND,        /* Saturday or Sunday the notice does not mention */
	CALENDAR_DAY_HOLIDAY,        /* listed "off" (法定节假日 and the days joined to it) */
	CALENDAR_DAY_MAKEUP_WORKDAY, /* listed "work": a weekend day made a workday (调休上班) */
};

/* What calendar_load_json does with a year the calendar already knows. */
enum calendar_load_mode {
	CALENDAR_LOAD_ADD = 1, /* refuse it: SX_EEXISTS, "calendar_year_exists" */
	CALENDAR_LOAD_REPLACE, /* the file's version of the year replaces the known one */
};

/* What a loaded file said about itself. */
struct calendar_file_info {
	char source[CALENDAR_SOURCE_SIZE]; /* the "source" text */
	int first_year;                    /* lowest year in the file */
	int last_year;                     /* highest year in the file */
};

/* Makes cal an empty calendar (no known years). */
void calendar_init(struct calendar *cal);

/* Frees what cal holds and leaves it empty. cal may be NULL. */
void calendar_clear(struct calendar *cal);

/*
 * Parses a data file (format above) and adds its years to cal.
 *
 * text need not be NUL-terminated. info (may be NULL) receives the file's
 * source and year range on success.
 *
 * Returns 0, or:
 *   SX_EINVALID  malformed or invalid data ("calendar_data_invalid", the
 *                message names the year and date at fault), or the known
 *                years would not be contiguous afterwards ("calendar_year_gap");
 *   SX_EEXISTS   mode CALENDAR_LOAD_ADD and the file holds a year cal knows
 *                ("calendar_year_exists");
 *   SX_ETOOBIG   len > CALENDAR_FILE_MAX_BYTES;
 *   SX_ENOMEM.
 * On error cal is unchanged.
 */
int calendar_load_json(struct calendar *cal, struct calendar_file_info *info, const char *text,
		       size_t len, enum calendar_load_mode mode, struct sx_error *err);

/* Whether cal holds data for year. */
bool calendar_has_year(const struct calendar *cal, int year);

/*
 * The first and last known year. Returns 0, or SX_ENOTFOUND when cal is
 * empty (outputs unchanged).
 */
int calendar_year_range(int *first, int *last, const struct calendar *cal);

/*
 * What kind of day date is.
 * Returns 0, SX_EINVALID ("invalid_date": not a real date), or SX_ENOTFOUND
 * ("calendar_year_unknown": its year is not known; the message names it).
 */
int calendar_day_kind(enum calendar_day_kind *out, const struct calendar *cal,
		      struct calendar_date date, struct sx_error *err);

/* Whether date is a working day (WORKDAY or MAKEUP_WORKDAY). Errors as calendar_day_kind. */
int calendar_is_workday(bool *out, const struct calendar *cal, struct calendar_date date,
			struct sx_error *err);

/*
 * The n-th working day after start (start itself is not counted; n = 0
 * gives start). start's year must be known, whatever n is.
 *
 * Returns 0, SX_EINVALID (start not a real date, or n < 0), or SX_ENOTFOUND
 * ("calendar_year_unknown") when start, or a day the count reaches, lies
 * outside the known years. On error *out is unchanged.
 */
int calendar_add_workdays(struct calendar_date *out, const struct calendar *cal,
			  struct calendar_date start, int n, struct sx_error *err);

/*
 * The number of working days in (from, to]: from is not counted, to is.
 * from == to gives 0.
 *
 * Returns 0, SX_EINVALID (a date not real; "calendar_range_reversed" when
 * from is after to), or SX_ENOTFOUND ("calendar_year_unknown") when either
 * date lies outside the known years. On error *out is unchanged.
 */
int calendar_workdays_between(int *out, const struct calendar *cal, struct calendar_date from,
			      struct calendar_date to, struct sx_error *err);

/*
 * Working days left on `today` until `due`, for deadline displays:
 *   - today <= due: the working days in (today, due], so 0 on the due day;
 *   - today > due (overdue): -(working days in (due, today]), but never more
 *     than -1 (a weekend right after the due day gives -1, not 0).
 * Errors as calendar_workdays_between; on error *out is unchanged.
 */
int calendar_workdays_left(int *out, const struct calendar *cal, struct calendar_date due,
			   struct calendar_date today, struct sx_error *err);

/* A stable lower-case name for kind ("workday", "weekend", "holiday", "makeup_workday"). */
const char *calendar_day_kind_name(enum calendar_day_kind kind);

/* The zh-CN label for kind (工作日, 周末, 节假日, 调休上班日). */
const char *calendar_day_kind_label(enum calendar_day_kind kind);

#endif
