/*
 * domain/fieldact — who may carry out a field act (现场执法: 检查, 调查, 取证,
 * 送达, 强制) of a case. Pure: no I/O, no allocation; the caller loads the
 * officers and the case's agency and passes them in.
 *
 * The rule and where it comes from:
 *   - at least two officers (《行政处罚法》第四十二条: 行政处罚应当由具有行政执
 *     法资格的执法人员实施。执法人员不得少于两人，法律另有规定的除外; 《行政强制
 *     法》第十八条第二项: 由两名以上行政执法人员实施);
 *   - each holds a certificate valid on the day of the act (第五十五条: 执法人员
 *     在调查或者进行检查时，应当主动向当事人或者有关人员出示执法证件), valid as
 *     domain/officer decides: status active and valid_from ≤ day ≤ valid_to;
 *   - each certificate covers the case's area. A certificate is issued through
 *     an agency and covers the area that agency enforces in, so "covers the
 *     area" is decided here as "the officer belongs to the agency handling the
 *     case" (agency_id equal). An officer of another agency is refused, not
 *     merely left out of the count: the record lists who acted, and it must
 *     not name someone without authority there.
 *
 * The same officer listed twice counts once (officer_id decides). The "法律另有
 * 规定的除外" exception (e.g. 简易程序 on the spot) is not decided here: a
 * caller that applies one does not call fieldact_check.
 */
#ifndef SX_DOMAIN_FIELDACT_H
#define SX_DOMAIN_FIELDACT_H

#include <stddef.h>

#include "base/error.h"

#define FIELDACT_MIN_OFFICERS 2
#define FIELDACT_MAX_OFFICERS 20

enum fieldact_kind {
	FIELDACT_INSPECT = 1, /* 检查 */
	FIELDACT_INVESTIGATE, /* 调查 */
	FIELDACT_COLLECT,     /* 取证 */
	FIELDACT_SERVE,       /* 送达 */
	FIELDACT_COERCE,      /* 强制 */
};

/* Stable word for programs: "inspect" "investigate" "collect" "serve" "coerce";
 * "unknown" for a value outside the enum. */
const char *fieldact_kind_code(enum fieldact_kind kind);

/* What people read: 检查 调查 取证 送达 强制; "未知" outside the enum. */
const char *fieldact_kind_label(enum fieldact_kind kind);

/* The kind for a code word. SX_EINVALID "bad_act_kind" for anything else (NULL
 * included); *out is then unchanged. */
int fieldact_kind_from_code(enum fieldact_kind *out, const char *code, struct sx_error *err);

/* One officer taking part, as the caller loaded it. Borrowed strings. */
struct fieldact_officer {
	const char *officer_id;  /* stable id; required, decides "the same officer" */
	const char *name;        /* for messages; NULL reads as "" */
	const char *cert_no;     /* 执法证号, for messages; NULL reads as "" */
	const char *status;      /* active | suspended | revoked */
	const char *valid_from;  /* YYYY-MM-DD */
	const char *valid_to;    /* YYYY-MM-DD, inclusive */
	const char *agency_id;   /* the agency the officer belongs to (issued the certificate) */
};

/*
 * Returns 0 when the act may be recorded with these officers on on_date
 * ("YYYY-MM-DD"): at least FIELDACT_MIN_OFFICERS distinct officers, each
 * with a certificate valid that day and belonging to case_agency_id.
 *
 * Officers are checked in list order (a repeated officer_id is skipped), and
 * the first problem is reported; only when every listed officer passes is
 * the number of distinct officers checked. *bad_index (may be NULL) gets the
 * index of the offending officer, or -1 when the problem is not one officer's
 * (and on success).
 *
 * Errors:
 *   SX_EINVALID "bad_date"            on_date is not a real YYYY-MM-DD day
 *   SX_EINVALID "too_many_officers"   count > FIELDACT_MAX_OFFICERS
 *   SX_EINVALID "bad_officer"         an officer without officer_id, or
 *                                     officers NULL with count > 0, or
 *                                     case_agency_id NULL or ""
 *   SX_ECONFLICT "officer_cert_invalid"  the certificate is not valid that day
 *                                     (message names the officer and why: 已过期 /
 *                                     尚未生效 / 已暂停执法 / 已注销), or its stored
 *                                     status or dates cannot be read
 *   SX_ECONFLICT "officer_out_of_area"   the officer belongs to another agency
 *   SX_ECONFLICT "two_officers_required" fewer than two distinct officers
 */
int fieldact_check(long *bad_index, const struct fieldact_officer *officers, size_t count,
		   const char *case_agency_id, const char *on_date, struct sx_error *err);

#endif
