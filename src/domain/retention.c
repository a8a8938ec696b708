/*
 * domain/retention — see retention.h for the periods and the rules they follow.
 *
 * Decisions taken here:
 *   - Dates are added as day counts (sx_date_to_days / sx_date_from_days), so
 *     leap days count like any other day: 1095 days from 2024-01-01 is
 *     2026-12-31, not 2027-01-01.
 *   - The config text is parsed from an end pointer, never by hunting for NUL
 *     inside an item; it is at most RETENTION_TEXT_MAX bytes. Messages never
 *     quote the text itself (it comes from outside); the detail for the log
 *     names the item's position.
 */
#include "domain/retention.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/time.h"

#define RETENTION_TEXT_MAX 512       /* bytes of config text accepted */
#define RETENTION_VALUE_MAX_DIGITS 6 /* RETENTION_MAX_DAYS has 5 */
#define RETENTION_KIND_COUNT 5

enum retention_zero {
	RETENTION_ZERO_PERMANENT = 1, /* 0 = kept permanently */
	RETENTION_ZERO_CASE_FILE,     /* 0 = the case_file period */
};

struct retention_kind {
	const char *code;
	const char *label;
	enum retention_zero zero;
};

/* In the order of struct retention_policy and of the text form. */
static const struct retention_kind retention_kinds[RETENTION_KIND_COUNT] = {
	{"video", "视频", RETENTION_ZERO_PERMANENT},
	{"audio", "音频", RETENTION_ZERO_PERMANENT},
	{"photo", "照片", RETENTION_ZERO_CASE_FILE},
	{"file", "文件", RETENTION_ZERO_CASE_FILE},
	{"case_file", "案卷", RETENTION_ZERO_PERMANENT},
};

#define RETENTION_CASE_FILE 4 /* index of case_file in retention_kinds */

static void retention__get(int64_t days[RETENTION_KIND_COUNT], const struct retention_policy *p)
{
	days[0] = p->video_days;
	days[1] = p->audio_days;
	days[2] = p->photo_days;
	days[3] = p->file_days;
	days[4] = p->case_file_days;
}

static void retention__set(struct retention_policy *p, const int64_t days[RETENTION_KIND_COUNT])
{
	p->video_days = days[0];
	p->audio_days = days[1];
	p->photo_days = days[2];
	p->file_days = days[3];
	p->case_file_days = days[4];
}

static int retention__kind_index(const char *code, size_t len)
{
	for (int i = 0; i < RETENTION_KIND_COUNT; i++) {
		if (strlen(retention_kinds[i].code) == len &&
		    memcmp(retention_kinds[i].code, code, len) == 0)
			return i;
	}
	return -1;
}

void retention_policy_default(struct retention_policy *out)
{
	out->video_days = 1095;
	out->audio_days = 1095;
	out->photo_days = 0;
	out->file_days = 0;
	out->case_file_days = RETENTION_CASE_FILE_MIN_DAYS;
}

static bool retention__in_range(const struct retention_policy *p)
{
	int64_t days[RETENTION_KIND_COUNT];

	retention__get(days, p);
	for (int i = 0; i < RETENTION_KIND_COUNT; i++) {
		if (days[i] < 0 || days[i] > RETENTION_MAX_DAYS)
			return false;
	}
	return true;
}

int retention_policy_check(const struct retention_policy *p, struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	int64_t days[RETENTION_KIND_COUNT];

	if (p == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_retention", "保存期限设置缺失");
	retention__get(days, p);
	for (int i = 0; i < RETENTION_KIND_COUNT; i++) {
		if (days[i] < 0 || days[i] > RETENTION_MAX_DAYS) {
			snprintf(message, sizeof(message), "%s的保存期限无效：应为 0 至 %d 天",
				 retention_kinds[i].label, RETENTION_MAX_DAYS);
			return sx_error_set(err, SX_EINVALID, "bad_retention", message);
		}
	}
	for (int i = 0; i < RETENTION_KIND_COUNT; i++) {
		int64_t case_days = days[RETENTION_CASE_FILE];

		if (days[i] == 0)
			continue; /* permanent, or with the case file: never too short */
		if (i == RETENTION_CASE_FILE && days[i] < RETENTION_CASE_FILE_MIN_DAYS) {
			/* 国家档案局令第8号: 行政执法案卷 定期30年. */
			snprintf(message, sizeof(message),
				 "案卷的保存期限不得少于 30 年（%d 天），或设为 0 表示永久保存",
				 RETENTION_CASE_FILE_MIN_DAYS);
			return sx_error_set(err, SX_EINVALID, "retention_too_short", message);
		}
		if (retention_kinds[i].zero == RETENTION_ZERO_PERMANENT &&
		    i != RETENTION_CASE_FILE && days[i] < RETENTION_AV_MIN_DAYS) {
			snprintf(message, sizeof(message),
				 "%s的保存期限不得少于两年（%d 天），或设为 0 表示永久保存",
				 retention_kinds[i].label, RETENTION_AV_MIN_DAYS);
			return sx_error_set(err, SX_EINVALID, "retention_too_short", message);
		}
		if (retention_kinds[i].zero == RETENTION_ZERO_CASE_FILE &&
		    (case_days == 0 || days[i] < case_days)) {
			if (case_days == 0)
				snprintf(message, sizeof(message),
					 "%s的保存期限不得短于案卷："
					 "案卷永久保存时应设为 0（随案卷保存）",
					 retention_kinds[i].label);
			else
				snprintf(message, sizeof(message),
					 "%s的保存期限不得短于案卷（%" PRId64 " 天），"
					 "或设为 0 表示随案卷保存",
					 retention_kinds[i].label, case_days);
			return sx_error_set(err, SX_EINVALID, "retention_too_short", message);
		}
	}
	return 0;
}

static bool retention__is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrows [*b, *e) to leave out blanks at both ends. */
static void retention__trim(const char **b, const char **e)
{
	while (*b < *e && retention__is_blank(**b))
		(*b)++;
	while (*e > *b && retention__is_blank((*e)[-1]))
		(*e)--;
}

/* Decimal digits only, at most RETENTION_VALUE_MAX_DIGITS of them. */
static bool retention__parse_days(int64_t *out, const char *b, const char *e)
{
	int64_t v = 0;

	if (b == e || e - b > RETENTION_VALUE_MAX_DIGITS)
		return false;
	for (const char *s = b; s < e; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static int retention__parse_error(struct sx_error *err, size_t item, const char *what)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "保存期限设置第 %zu 项有误：%s", item, what);
	return sx_error_setf(err, SX_EINVALID, "bad_retention", message, "retention item %zu",
			     item);
}

int retention_policy_parse(struct retention_policy *out, const char *text, struct sx_error *err)
{
	struct retention_policy p;
	int64_t days[RETENTION_KIND_COUNT];
	bool seen[RETENTION_KIND_COUNT] = {false};
	const char *s, *end;
	size_t len, item = 0;
	int rc;

	if (out == NULL || text == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_retention", "保存期限设置缺失");
	len = strnlen(text, RETENTION_TEXT_MAX + 1);
	if (len > RETENTION_TEXT_MAX)
		return sx_error_set(err, SX_EINVALID, "bad_retention", "保存期限设置过长");
	s = text;
	end = text + len;
	{
		const char *b = s, *e = end;

		retention__trim(&b, &e);
		if (b == e)
			return sx_error_set(err, SX_EINVALID, "bad_retention",
					    "保存期限设置为空：应写成 video=1095,audio=1095,…");
	}

	retention_policy_default(&p);
	retention__get(days, &p);
	while (s <= end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *eq = memchr(s, '=', (size_t)(item_end - s));
		const char *kb = s, *ke, *vb, *ve = item_end;
		int k;

		item++;
		if (eq == NULL)
			return retention__parse_error(err, item, "应写成 名称=天数");
		ke = eq;
		vb = eq + 1;
		retention__trim(&kb, &ke);
		retention__trim(&vb, &ve);
		k = retention__kind_index(kb, (size_t)(ke - kb));
		if (k < 0)
			return retention__parse_error(
				err, item, "名称应为 video、audio、photo、file 或 case_file");
		if (seen[k])
			return retention__parse_error(err, item, "同一名称重复出现");
		seen[k] = true;
		if (!retention__parse_days(&days[k], vb, ve))
			return retention__parse_error(err, item, "天数应为 0 至 73050 的整数");
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	retention__set(&p, days);
	if ((rc = retention_policy_check(&p, err)) < 0)
		return rc;
	*out = p;
	return 0;
}

int retention_policy_format(char *out, size_t out_size, const struct retention_policy *p)
{
	int n;

	if (out == NULL || out_size < RETENTION_TEXT_MIN_SIZE)
		return SX_EINVALID;
	out[0] = '\0';
	if (p == NULL || !retention__in_range(p))
		return SX_EINVALID;
	n = snprintf(out, out_size,
		     "video=%" PRId64 ",audio=%" PRId64 ",photo=%" PRId64 ",file=%" PRId64
		     ",case_file=%" PRId64,
		     p->video_days, p->audio_days, p->photo_days, p->file_days, p->case_file_days);
	if (n < 0 || (size_t)n >= out_size) {
		out[0] = '\0';
		return SX_EINVALID;
	}
	return 0;
}

static bool retention__parse_date(int64_t *out_days, const char *text)
{
	int y, m, d;

	if (text == NULL || sx_date_parse(&y, &m, &d, text, strlen(text)) < 0)
		return false;
	*out_days = sx_date_to_days(y, m, d);
	return true;
}

int retention_deletable_from(char out[11], const struct retention_policy *p, const char *kind,
			     const char *archived_on, struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	int64_t days[RETENTION_KIND_COUNT];
	int64_t archived_days, period, last_days;
	int k, rc, y, m, d;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if ((rc = retention_policy_check(p, err)) < 0)
		return rc;
	k = kind ? retention__kind_index(kind, strlen(kind)) : -1;
	if (k < 0)
		return sx_error_set(err, SX_EINVALID, "bad_retention_kind",
				    "记录类型无效：应为视频、音频、照片、文件或案卷");
	if (archived_on == NULL || archived_on[0] == '\0')
		return sx_error_set(err, SX_ECONFLICT, "case_not_archived",
				    "案件尚未归档：归档前的案卷和证据不得删除");
	if (!retention__parse_date(&archived_days, archived_on))
		return sx_error_set(err, SX_EINVALID, "bad_date",
				    "归档日期无效：应为 YYYY-MM-DD 格式的日期");

	retention__get(days, p);
	period = days[k];
	if (period == 0 && retention_kinds[k].zero == RETENTION_ZERO_CASE_FILE)
		period = days[RETENTION_CASE_FILE];
	if (period == 0) {
		snprintf(message, sizeof(message), "%s按规定永久保存，不得删除",
			 retention_kinds[k].label);
		return sx_error_set(err, SX_ECONFLICT, "retained_permanently", message);
	}
	last_days = sx_date_to_days(9999, 12, 31);
	if (archived_days + period > last_days)
		return sx_error_set(err, SX_EINVALID, "bad_date",
				    "归档日期无效：保存期限届满日超出可表示的范围");
	sx_date_from_days(&y, &m, &d, archived_days + period);
	sx_date_format(out, y, m, d);
	return 0;
}

int retention_may_delete(const struct retention_policy *p, const char *kind,
			 const char *archived_on, const char *today, struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	char from[SX_DATE_TEXT_LEN];
	int64_t today_days;
	int rc;

	if (!retention__parse_date(&today_days, today))
		return sx_error_set(err, SX_EINVALID, "bad_date",
				    "当前日期无效：应为 YYYY-MM-DD 格式的日期");
	if ((rc = retention_deletable_from(from, p, kind, archived_on, err)) < 0)
		return rc;
	/* YYYY-MM-DD compares as text in date order. */
	if (strcmp(today, from) < 0) {
		snprintf(message, sizeof(message), "保存期限未满：%s 起方可删除", from);
		return sx_error_set(err, SX_ECONFLICT, "retention_not_expired", message);
	}
	return 0;
}
