/*
 * calendar/calendar — see calendar.h for the counting convention, the file
 * format and the invariants.
 *
 * A known year is two bitsets over its days (bit i = day i of the year, 0 =
 * 1 January): the days listed "off" and the days listed "work". Everything
 * else follows from the weekday, computed from base/time's day numbers
 * (1970-01-01, day 0, was a Thursday). Loading parses the whole file into a
 * separate array first and swaps it in only when every check has passed, so
 * a bad file leaves the calendar as it was.
 */
#include "calendar/calendar.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"

#define CALENDAR__DAYS_MAX 366
#define CALENDAR__BITS_BYTES ((CALENDAR__DAYS_MAX + 7) / 8)

struct calendar__year {
	unsigned char off[CALENDAR__BITS_BYTES];  /* bit i set: day i is listed "off" */
	unsigned char work[CALENDAR__BITS_BYTES]; /* bit i set: day i is listed "work" */
	bool known; /* the year has data (always true inside a struct calendar) */
};

/* Top-level keys a data file may carry for people, besides "source" and "years". */
static const char *const calendar__doc_keys[] = {
	"source_repo", "source_commit", "source_url", "grouping", "notes", "omitted_from_work",
};

static const char *const calendar__weekday_names[7] = {
	"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日",
};

/* Fills err with rc, code and a formatted zh-CN message; returns rc. */
static int calendar__fail(struct sx_error *err, int rc, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int calendar__fail(struct sx_error *err, int rc, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	sx_error_set(err, rc, code, "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return rc;
}

static int calendar__invalid_data(struct sx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int calendar__invalid_data(struct sx_error *err, const char *fmt, ...)
{
	char reason[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return calendar__fail(err, SX_EINVALID, "calendar_data_invalid", "日历数据无效：%s",
			      reason);
}

static int calendar__last_year(const struct calendar *cal)
{
	return cal->first_year + cal->year_count - 1;
}

static int calendar__unknown_year(struct sx_error *err, const struct calendar *cal, int year)
{
	if (cal->year_count == 0)
		return calendar__fail(
			err, SX_ENOTFOUND, "calendar_year_unknown",
			"没有 %d 年的节假日安排数据（日历中尚无任何年份），无法计算工作日", year);
	return calendar__fail(err, SX_ENOTFOUND, "calendar_year_unknown",
			      "没有 %d 年的节假日安排数据（已知 %d—%d 年），无法计算工作日；"
			      "请先导入国务院办公厅公布的该年放假安排",
			      year, cal->first_year, calendar__last_year(cal));
}

static int calendar__invalid_date(struct sx_error *err, struct calendar_date d)
{
	return calendar__fail(err, SX_EINVALID, "invalid_date", "%04d-%02d-%02d 不是有效的日期",
			      d.year, d.month, d.day);
}

static bool calendar__bit(const unsigned char *bits, int i)
{
	return (bits[i / 8] >> (i % 8)) & 1;
}

static void calendar__set_bit(unsigned char *bits, int i)
{
	bits[i / 8] = (unsigned char)(bits[i / 8] | (1u << (i % 8)));
}

/* 0 = Monday … 6 = Sunday; days counts from 1970-01-01, a Thursday. */
static int calendar__weekday(int64_t days)
{
	return (int)(((days % 7) + 7 + 3) % 7);
}

static bool calendar__is_weekend(int64_t days)
{
	return calendar__weekday(days) >= 5;
}

/* The year's entry, or NULL when year is not known. */
static const struct calendar__year *calendar__year_of(const struct calendar *cal, int year)
{
	if (cal->year_count == 0 || year < cal->first_year || year > calendar__last_year(cal))
		return NULL;
	return &cal->years[year - cal->first_year];
}

static enum calendar_day_kind calendar__kind(const struct calendar__year *y, int year, int64_t days)
{
	int i = (int)(days - sx_date_to_days(year, 1, 1));

	if (calendar__bit(y->work, i))
		return CALENDAR_DAY_MAKEUP_WORKDAY;
	if (calendar__bit(y->off, i))
		return CALENDAR_DAY_HOLIDAY;
	return calendar__is_weekend(days) ? CALENDAR_DAY_WEEKEND : CALENDAR_DAY_WORKDAY;
}

static bool calendar__kind_is_workday(enum calendar_day_kind kind)
{
	return kind == CALENDAR_DAY_WORKDAY || kind == CALENDAR_DAY_MAKEUP_WORKDAY;
}

/* ---- parsing -------------------------------------------------------------------------------- */

/* Reads "YYYY" (exactly four digits) into *out. */
static int calendar__parse_year_key(int *out, const char *key)
{
	int year = 0;

	if (strlen(key) != 4)
		return SX_EINVALID;
	for (int i = 0; i < 4; i++) {
		if (key[i] < '0' || key[i] > '9')
			return SX_EINVALID;
		year = year * 10 + (key[i] - '0');
	}
	*out = year;
	return 0;
}

/*
 * Reads one of a year's lists ("off" or "work") into bits: every element a
 * real "YYYY-MM-DD" date of year, none twice; "work" days must be weekend days.
 */
static int calendar__parse_list(unsigned char *bits, int year, const char *name, const json_t *list,
				struct sx_error *err)
{
	bool is_work = strcmp(name, "work") == 0;
	size_t index;
	json_t *item;

	if (!json_is_array(list))
		return calendar__invalid_data(err, "%d 年的“%s”应为日期数组", year, name);
	json_array_foreach(list, index, item) {
		const char *text = json_string_value(item);
		const char *shown = text != NULL ? text : "(非字符串)";
		size_t len = json_is_string(item) ? json_string_length(item) : 0;
		int y, m, d;
		int64_t days;
		int i;

		if (text == NULL || sx_date_parse(&y, &m, &d, text, len) < 0)
			return calendar__invalid_data(
				err, "%d 年“%s”的第 %zu 项“%.*s”不是 YYYY-MM-DD 格式的真实日期",
				year, name, index + 1, codec_utf8_prefix_len(shown, 40), shown);
		if (y != year)
			return calendar__invalid_data(
				err, "%s 列在 %d 年的“%s”中：每个日期应列在它所属的年份下", text,
				year, name);
		days = sx_date_to_days(y, m, d);
		i = (int)(days - sx_date_to_days(y, 1, 1));
		if (calendar__bit(bits, i))
			return calendar__invalid_data(err, "%s 在 %d 年的“%s”中重复出现", text,
						      year, name);
		if (is_work && !calendar__is_weekend(days))
			return calendar__invalid_data(
				err, "%d 年“work”中的 %s 是%s：调休上班日只能是周六或周日", year,
				text, calendar__weekday_names[calendar__weekday(days)]);
		calendar__set_bit(bits, i);
	}
	return 0;
}

/* Reads the object of one year: exactly "off" (non-empty) and "work", disjoint. */
static int calendar__parse_year(struct calendar__year *out, int year, const json_t *obj,
				struct sx_error *err)
{
	const json_t *off = json_object_get(obj, "off");
	const json_t *work = json_object_get(obj, "work");
	const char *key;
	json_t *value;
	int rc;

	if (!json_is_object(obj))
		return calendar__invalid_data(err, "%d 年的数据应为含“off”和“work”的对象", year);
	json_object_foreach((json_t *)obj, key, value) {
		if (strcmp(key, "off") != 0 && strcmp(key, "work") != 0)
			return calendar__invalid_data(err, "%d 年含未知字段“%.*s”", year,
						      codec_utf8_prefix_len(key, 40), key);
	}
	if (off == NULL || work == NULL)
		return calendar__invalid_data(err, "%d 年缺少“%s”", year,
					      off == NULL ? "off" : "work");
	memset(out, 0, sizeof(*out));
	if ((rc = calendar__parse_list(out->off, year, "off", off, err)) < 0 ||
	    (rc = calendar__parse_list(out->work, year, "work", work, err)) < 0)
		return rc;
	/* Every year has at least 元旦 and 春节: an empty list is an incomplete file. */
	if (json_array_size(off) == 0)
		return calendar__invalid_data(err, "%d 年的“off”为空：每年至少有元旦和春节假期",
					      year);
	for (int i = 0; i < CALENDAR__DAYS_MAX; i++) {
		if (calendar__bit(out->off, i) && calendar__bit(out->work, i)) {
			int y, m, d;

			sx_date_from_days(&y, &m, &d, sx_date_to_days(year, 1, 1) + i);
			return calendar__invalid_data(err, "%04d-%02d-%02d 同时列在“off”和“work”中",
						      y, m, d);
		}
	}
	out->known = true;
	return 0;
}

static bool calendar__is_doc_key(const char *key)
{
	for (size_t i = 0; i < sizeof(calendar__doc_keys) / sizeof(calendar__doc_keys[0]); i++) {
		if (strcmp(key, calendar__doc_keys[i]) == 0)
			return true;
	}
	return false;
}

static int calendar__check_source(const json_t *source, struct sx_error *err)
{
	const char *text = json_string_value(source);
	size_t len = json_is_string(source) ? json_string_length(source) : 0;

	if (text == NULL)
		return calendar__invalid_data(err, "缺少“source”（数据来源，如放假通知的文号）");
	if (len == 0 || len >= CALENDAR_SOURCE_SIZE)
		return calendar__invalid_data(err, "“source”应为 1 至 %d 字节的文字",
					      CALENDAR_SOURCE_SIZE - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			return calendar__invalid_data(err, "“source”含控制字符");
	}
	return 0;
}

/*
 * Parses a whole file into *years (file_count entries from *file_first;
 * entries the file does not hold have known == false). *years is freed by the
 * caller with sx_free.
 */
static int calendar__parse(struct calendar__year **years, int *file_first, int *file_count,
			   struct calendar_file_info *info, const char *text, size_t len,
			   struct sx_error *err)
{
	json_error_t jerr;
	json_t *root = NULL;
	const json_t *years_obj;
	const char *key;
	json_t *value;
	int first = CALENDAR_YEAR_MAX + 1, last = CALENDAR_YEAR_MIN - 1;
	int rc = 0;

	*years = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		rc = calendar__invalid_data(err, "不是合法的 JSON（第 %d 行第 %d 列）", jerr.line,
					    jerr.column);
		if (err)
			snprintf(err->detail, sizeof(err->detail), "calendar json: %s", jerr.text);
		return rc;
	}
	if (!json_is_object(root)) {
		rc = calendar__invalid_data(err, "顶层应为 JSON 对象");
		goto cleanup;
	}
	json_object_foreach(root, key, value) {
		if (strcmp(key, "source") != 0 && strcmp(key, "years") != 0 &&
		    !calendar__is_doc_key(key)) {
			rc = calendar__invalid_data(err, "未知字段“%.*s”",
						    codec_utf8_prefix_len(key, 40), key);
			goto cleanup;
		}
	}
	if ((rc = calendar__check_source(json_object_get(root, "source"), err)) < 0)
		goto cleanup;
	years_obj = json_object_get(root, "years");
	if (!json_is_object(years_obj) || json_object_size(years_obj) == 0) {
		rc = calendar__invalid_data(err, "缺少“years”，或其中没有任何年份");
		goto cleanup;
	}
	json_object_foreach((json_t *)years_obj, key, value) {
		int year;

		if (calendar__parse_year_key(&year, key) < 0 || year < CALENDAR_YEAR_MIN ||
		    year > CALENDAR_YEAR_MAX) {
			rc = calendar__invalid_data(err,
						    "年份“%.*s”无效：应为 %d 至 %d 的四位数字",
						    codec_utf8_prefix_len(key, 40), key, CALENDAR_YEAR_MIN,
						    CALENDAR_YEAR_MAX);
			goto cleanup;
		}
		first = year < first ? year : first;
		last = year > last ? year : last;
	}
	*years = sx_calloc((size_t)(last - first + 1), sizeof(**years));
	if (*years == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	json_object_foreach((json_t *)years_obj, key, value) {
		int year = 0;

		calendar__parse_year_key(&year, key);
		if ((rc = calendar__parse_year(&(*years)[year - first], year, value, err)) < 0)
			goto cleanup;
	}
	if (info) {
		snprintf(info->source, sizeof(info->source), "%s",
			 json_string_value(json_object_get(root, "source")));
		info->first_year = first;
		info->last_year = last;
	}
	*file_first = first;
	*file_count = last - first + 1;
cleanup:
	if (rc < 0) {
		sx_free(*years);
		*years = NULL;
	}
	json_decref(root);
	return rc;
}

/* ---- merging -------------------------------------------------------------------------------- */

static int calendar__merge(struct calendar *cal, const struct calendar__year *file, int file_first,
			   int file_count, enum calendar_load_mode mode, struct sx_error *err)
{
	int file_last = file_first + file_count - 1;
	int first = file_first, last = file_last;
	struct calendar__year *merged;

	if (cal->year_count > 0) {
		first = cal->first_year < first ? cal->first_year : first;
		last = calendar__last_year(cal) > last ? calendar__last_year(cal) : last;
		/* A repeated year is reported before a gap: it is the likelier mistake. */
		for (int y = file_first; mode == CALENDAR_LOAD_ADD && y <= file_last; y++) {
			if (file[y - file_first].known && calendar__year_of(cal, y) != NULL)
				return calendar__fail(err, SX_EEXISTS, "calendar_year_exists",
						      "%d 年的节假日安排已经存在，不能重复导入", y);
		}
	}
	for (int y = first; y <= last; y++) {
		bool in_file = y >= file_first && y <= file_last && file[y - file_first].known;

		if (in_file || calendar__year_of(cal, y) != NULL)
			continue;
		if (cal->year_count == 0)
			return calendar__fail(err, SX_EINVALID, "calendar_year_gap",
					      "日历数据中的年份不连续：缺少 %d 年", y);
		return calendar__fail(err, SX_EINVALID, "calendar_year_gap",
				      "加入后已知年份将不连续：缺少 %d 年（已知 %d—%d 年）；"
				      "请按年份顺序逐年导入",
				      y, cal->first_year, calendar__last_year(cal));
	}
	merged = sx_calloc((size_t)(last - first + 1), sizeof(*merged));
	if (merged == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (int y = first; y <= last; y++) {
		bool in_file = y >= file_first && y <= file_last && file[y - file_first].known;

		merged[y - first] = in_file ? file[y - file_first] : *calendar__year_of(cal, y);
	}
	sx_free(cal->years);
	cal->years = merged;
	cal->first_year = first;
	cal->year_count = last - first + 1;
	return 0;
}

/* ---- public functions ----------------------------------------------------------------------- */

void calendar_init(struct calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
}

void calendar_clear(struct calendar *cal)
{
	if (cal == NULL)
		return;
	sx_free(cal->years);
	calendar_init(cal);
}

int calendar_load_json(struct calendar *cal, struct calendar_file_info *info, const char *text,
		       size_t len, enum calendar_load_mode mode, struct sx_error *err)
{
	struct calendar_file_info parsed;
	struct calendar__year *file = NULL;
	int file_first = 0, file_count = 0;
	int rc;

	if (cal == NULL || (text == NULL && len > 0) ||
	    (mode != CALENDAR_LOAD_ADD && mode != CALENDAR_LOAD_REPLACE))
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (len > CALENDAR_FILE_MAX_BYTES)
		return calendar__fail(err, SX_ETOOBIG, "too_large",
				      "日历数据文件超过 %d 字节的上限", CALENDAR_FILE_MAX_BYTES);
	if (text == NULL)
		text = "";
	if ((rc = calendar__parse(&file, &file_first, &file_count, &parsed, text, len, err)) < 0)
		return rc;
	rc = calendar__merge(cal, file, file_first, file_count, mode, err);
	sx_free(file);
	if (rc == 0 && info)
		*info = parsed;
	return rc;
}

bool calendar_has_year(const struct calendar *cal, int year)
{
	return cal != NULL && calendar__year_of(cal, year) != NULL;
}

int calendar_year_range(int *first, int *last, const struct calendar *cal)
{
	if (cal == NULL || cal->year_count == 0)
		return SX_ENOTFOUND;
	if (first)
		*first = cal->first_year;
	if (last)
		*last = calendar__last_year(cal);
	return 0;
}

int calendar_day_kind(enum calendar_day_kind *out, const struct calendar *cal,
		      struct calendar_date date, struct sx_error *err)
{
	const struct calendar__year *y;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!sx_date_is_valid(date.year, date.month, date.day))
		return calendar__invalid_date(err, date);
	if ((y = calendar__year_of(cal, date.year)) == NULL)
		return calendar__unknown_year(err, cal, date.year);
	*out = calendar__kind(y, date.year, sx_date_to_days(date.year, date.month, date.day));
	return 0;
}

int calendar_is_workday(bool *out, const struct calendar *cal, struct calendar_date date,
			struct sx_error *err)
{
	enum calendar_day_kind kind;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = calendar_day_kind(&kind, cal, date, err)) < 0)
		return rc;
	*out = calendar__kind_is_workday(kind);
	return 0;
}

int calendar_add_workdays(struct calendar_date *out, const struct calendar *cal,
			  struct calendar_date start, int n, struct sx_error *err)
{
	struct calendar_date d = start;
	int64_t days;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!sx_date_is_valid(start.year, start.month, start.day))
		return calendar__invalid_date(err, start);
	if (n < 0)
		return calendar__fail(err, SX_EINVALID, "invalid", "工作日数不能为负数（%d）", n);
	if (calendar__year_of(cal, start.year) == NULL)
		return calendar__unknown_year(err, cal, start.year);
	days = sx_date_to_days(start.year, start.month, start.day);
	/* The walk ends at most a year past the last known one (9999 at worst),
	 * which base/time still converts. */
	while (n > 0) {
		const struct calendar__year *y;

		days++;
		sx_date_from_days(&d.year, &d.month, &d.day, days);
		if ((y = calendar__year_of(cal, d.year)) == NULL)
			return calendar__unknown_year(err, cal, d.year);
		if (calendar__kind_is_workday(calendar__kind(y, d.year, days)))
			n--;
	}
	*out = d;
	return 0;
}

int calendar_workdays_between(int *out, const struct calendar *cal, struct calendar_date from,
			      struct calendar_date to, struct sx_error *err)
{
	int64_t from_days, to_days;
	int count = 0;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!sx_date_is_valid(from.year, from.month, from.day))
		return calendar__invalid_date(err, from);
	if (!sx_date_is_valid(to.year, to.month, to.day))
		return calendar__invalid_date(err, to);
	from_days = sx_date_to_days(from.year, from.month, from.day);
	to_days = sx_date_to_days(to.year, to.month, to.day);
	if (from_days > to_days)
		return calendar__fail(err, SX_EINVALID, "calendar_range_reversed",
				      "起始日期 %04d-%02d-%02d 晚于结束日期 %04d-%02d-%02d",
				      from.year, from.month, from.day, to.year, to.month, to.day);
	if (calendar__year_of(cal, from.year) == NULL)
		return calendar__unknown_year(err, cal, from.year);
	if (calendar__year_of(cal, to.year) == NULL)
		return calendar__unknown_year(err, cal, to.year);
	/* Both ends known and the known years contiguous: every day between is known. */
	for (int64_t days = from_days + 1; days <= to_days; days++) {
		int y, m, d;

		sx_date_from_days(&y, &m, &d, days);
		if (calendar__kind_is_workday(calendar__kind(calendar__year_of(cal, y), y, days)))
			count++;
	}
	*out = count;
	return 0;
}

int calendar_workdays_left(int *out, const struct calendar *cal, struct calendar_date due,
			   struct calendar_date today, struct sx_error *err)
{
	int64_t due_days, today_days;
	int days = 0;
	int rc;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!sx_date_is_valid(due.year, due.month, due.day))
		return calendar__invalid_date(err, due);
	if (!sx_date_is_valid(today.year, today.month, today.day))
		return calendar__invalid_date(err, today);
	due_days = sx_date_to_days(due.year, due.month, due.day);
	today_days = sx_date_to_days(today.year, today.month, today.day);
	if (today_days <= due_days) {
		if ((rc = calendar_workdays_between(&days, cal, today, due, err)) < 0)
			return rc;
		*out = days;
		return 0;
	}
	if ((rc = calendar_workdays_between(&days, cal, due, today, err)) < 0)
		return rc;
	/* Past the due day: never 0, so that an overdue item never reads as "due today". */
	*out = days > 0 ? -days : -1;
	return 0;
}

const char *calendar_day_kind_name(enum calendar_day_kind kind)
{
	switch (kind) {
	case CALENDAR_DAY_WORKDAY:
		return "workday";
	case CALENDAR_DAY_WEEKEND:
		return "weekend";
	case CALENDAR_DAY_HOLIDAY:
		return "holiday";
	case CALENDAR_DAY_MAKEUP_WORKDAY:
		return "makeup_workday";
	}
	return "unknown";
}

const char *calendar_day_kind_label(enum calendar_day_kind kind)
{
	switch (kind) {
	case CALENDAR_DAY_WORKDAY:
		return "工作日";
	case CALENDAR_DAY_WEEKEND:
		return "周末";
	case CALENDAR_DAY_HOLIDAY:
		return "节假日";
	case CALENDAR_DAY_MAKEUP_WORKDAY:
		return "调休上班日";
	}
	return "未知";
}
