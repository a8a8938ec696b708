/*
 * domain/retention — how long records of a case are kept (保存期限), and from
 * which day one may be deleted. Pure: no I/O, no allocation, no clock.
 *
 * Kinds of record: "video" "audio" "photo" "file" (evidence, by its
 * recording kind) and "case_file" (the text records and the case itself).
 * A period is a number of days counted from the day the case was archived
 * (归档日); evidence of a case not yet archived is never deletable.
 *
 * Legal minimums, and the meaning of 0:
 *   - case_file ≥ RETENTION_CASE_FILE_MIN_DAYS (30 years): 《机关文件材料归档
 *     范围和文书档案保管期限规定》(国家档案局令第8号) sets 定期30年 for 行政执法
 *     案卷; 0 = 永久 (kept permanently), which that rule also allows;
 *   - video, audio ≥ RETENTION_AV_MIN_DAYS (2 years): the national guidance
 *     practice for 执法音像记录 (保存期限不少于两年); 0 = 永久;
 *   - photo, file: at least as long as the case file; 0 = "as long as the
 *     case file" (the case_file period applies). With a permanent case file
 *     only 0 is long enough.
 * Every period is 0..RETENTION_MAX_DAYS (200 years).
 *
 * Days, not years, so that the arithmetic is exact: 30 years are at most
 * 10958 days (30 × 365 + 8 leap days), so 10958 days always cover 30
 * calendar years; likewise 2 years are at most 731 days (730 days from
 * 2023-03-01 end on 2025-02-28, a day short of two calendar years).
 */
#ifndef SX_DOMAIN_RETENTION_H
#define SX_DOMAIN_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define RETENTION_AV_MIN_DAYS 731          /* 2 years: 2 × 365 + a 29 February */
#define RETENTION_CASE_FILE_MIN_DAYS 10958 /* 30 years */
#define RETENTION_MAX_DAYS 73050           /* 200 years */
#define RETENTION_TEXT_MIN_SIZE 128        /* out_size for retention_policy_format */

/* Days per kind of record; 0 has the meaning the header comment gives per kind. */
struct retention_policy {
	int64_t video_days;     /* 0 = permanent, else ≥ RETENTION_AV_MIN_DAYS */
	int64_t audio_days;     /* 0 = permanent, else ≥ RETENTION_AV_MIN_DAYS */
	int64_t photo_days;     /* 0 = as long as the case file, else ≥ case_file_days */
	int64_t file_days;      /* 0 = as long as the case file, else ≥ case_file_days */
	int64_t case_file_days; /* 0 = permanent, else ≥ RETENTION_CASE_FILE_MIN_DAYS */
};

/* The defaults: video 1095 (3 years), audio 1095, photo 0 and file 0 (with
 * the case file), case_file 10958 (30 years). */
void retention_policy_default(struct retention_policy *out);

/*
 * Checks every period, kinds in the order video audio photo file case_file;
 * first the range of all, then the minimums. SX_EINVALID:
 *   "bad_retention"        p NULL, a period negative or > RETENTION_MAX_DAYS
 *   "retention_too_short"  below its minimum (message names the kind and the minimum)
 */
int retention_policy_check(const struct retention_policy *p, struct sx_error *err);

/*
 * Parses "video=1095,audio=1095,photo=0,file=0,case_file=10958" (a config
 * flag). Keys not given keep their default (retention_policy_default); each
 * key at most once; blanks around keys and values are allowed; values are
 * decimal digits only. The result must pass retention_policy_check.
 * SX_EINVALID "bad_retention" for an empty or malformed text, an unknown or
 * repeated key, or a bad value; "retention_too_short" from the check.
 * On error *out is unchanged.
 */
int retention_policy_parse(struct retention_policy *out, const char *text, struct sx_error *err);

/*
 * Writes p in the form retention_policy_parse reads, all five keys in the
 * order above. out_size ≥ RETENTION_TEXT_MIN_SIZE. SX_EINVALID for NULL
 * arguments, a smaller out_size, or a period outside 0..RETENTION_MAX_DAYS
 * (minimums are not checked: a too-short policy can still be shown).
 */
int retention_policy_format(char *out, size_t out_size, const struct retention_policy *p);

/*
 * The first day ("YYYY-MM-DD") a record of `kind` may be deleted:
 * archived_on + the kind's period in days (photo/file with 0: the case_file
 * period). p must pass retention_policy_check (its error is returned).
 * Errors:
 *   SX_EINVALID "bad_retention_kind"   kind not one of the five words
 *   SX_EINVALID "bad_date"             archived_on malformed, or the result after 9999-12-31
 *   SX_ECONFLICT "case_not_archived"   archived_on NULL or "" (checked before permanence)
 *   SX_ECONFLICT "retained_permanently" the period is 0 = 永久
 * On error out is set to "".
 */
int retention_deletable_from(char out[11], const struct retention_policy *p, const char *kind,
			     const char *archived_on, struct sx_error *err);

/*
 * 0 when a record of `kind` may be deleted on `today` (today ≥ deletable
 * from). The errors of retention_deletable_from, SX_EINVALID "bad_date" for a
 * malformed today, and SX_ECONFLICT "retention_not_expired" (the message
 * gives the first day deletion is allowed) otherwise.
 */
int retention_may_delete(const struct retention_policy *p, const char *kind,
			 const char *archived_on, const char *today, struct sx_error *err);

#endif
