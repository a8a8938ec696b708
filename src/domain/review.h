/*
 * domain/review — the legal review (法制审核) of a major enforcement decision
 * (重大执法决定) as pure rules: the checklist and the conclusion it allows,
 * the materials a submission must hold, the deadline in working days and its
 * one extension, who may not review (回避), and how many reviewers an agency
 * needs. Pure: no I/O, no allocation, no clock (callers pass "today").
 *
 * Where the rules come from:
 *   - 《行政处罚法》第五十八条: 有下列情形之一，在行政机关负责人作出行政处罚的
 *     决定之前，应当由从事行政处罚决定法制审核的人员进行法制审核；未经法制审核
 *     或者审核未通过的，不得作出决定. Only REVIEW_AGREE is "passed".
 *   - 国办发〔2018〕118号 四: 审核内容 — 行政执法主体是否合法，行政执法人员是否
 *     具备执法资格；行政执法程序是否合法；案件事实是否清楚，证据是否合法充分；
 *     适用法律、法规、规章是否准确，裁量基准运用是否适当；执法是否超越执法机关
 *     法定权限；行政执法文书是否完备、规范；违法行为是否涉嫌犯罪、需要移送司法
 *     机关等. These are the ten REVIEW_CHECK_* items.
 *   - 国办发〔2018〕118号 四: 原则上各级行政执法机关的法制审核人员不少于本单位
 *     执法人员总数的5% (review_staffing_short).
 *   - provincial rules: 审核期限 3 个工作日 (REVIEW_DAYS), 情况紧急 1 个工作日
 *     (REVIEW_DAYS_URGENT), 经批准可延长 2 个工作日 (REVIEW_EXTENSION_DAYS),
 *     once. Days are counted with calendar/ (official holidays and make-up
 *     workdays); the day of acceptance is not counted (《民法典》第二百零一条).
 *   - 回避: 《行政处罚法》第四十三条 (执法人员与案件有直接利害关系或者有其他关系
 *     可能影响公正执法的，应当回避). A reviewer who handled or submitted the case
 *     would review their own work, so they may not review it.
 *
 * The checklist: every item must be checked (checked = true) before any
 * conclusion. passed = false marks a problem, which needs a note saying what
 * is wrong. For REVIEW_CHECK_CRIME the question is "是否涉嫌犯罪需移送司法
 * 机关": passed = true means 未发现涉嫌犯罪; passed = false means the facts
 * suggest a crime, the case must go to the judicial organs (《行政处罚法》
 * 第二十七条: 违法行为涉嫌犯罪的，行政机关应当及时将案件移送司法机关), and the
 * review cannot agree to an administrative decision.
 *
 * What it does not do: it keeps no history (whether a review was already
 * extended, concluded or assigned is the caller's state), and it does not
 * decide which decisions are major (the catalog, domain/matter).
 */
#ifndef SX_DOMAIN_REVIEW_H
#define SX_DOMAIN_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "calendar/calendar.h"

#define REVIEW_CHECK_COUNT 10
#define REVIEW_NOTE_SIZE 1537         /* 1536 bytes: 512 CJK characters, and the NUL */
#define REVIEW_OPINION_MAX_BYTES 6144 /* 审核意见: 2048 CJK characters */

#define REVIEW_DAYS 3           /* working days */
#define REVIEW_DAYS_URGENT 1    /* working days, 情况紧急 */
#define REVIEW_EXTENSION_DAYS 2 /* working days, once, 经批准 */

#define REVIEW_STAFFING_PERCENT 5 /* 国办发〔2018〕118号 四 */

/* The ten points of 国办发〔2018〕118号 四, in the order of the review form. */
enum review_check {
	REVIEW_CHECK_SUBJECT = 0,   /* 执法主体合法 */
	REVIEW_CHECK_QUALIFICATION, /* 执法人员具备资格 */
	REVIEW_CHECK_PROCEDURE,     /* 程序合法 */
	REVIEW_CHECK_FACTS,         /* 事实清楚 */
	REVIEW_CHECK_EVIDENCE,      /* 证据确凿充分 */
	REVIEW_CHECK_LAW,           /* 适用法律准确 */
	REVIEW_CHECK_DISCRETION,    /* 裁量基准运用适当 */
	REVIEW_CHECK_AUTHORITY,     /* 未超越职权 */
	REVIEW_CHECK_DOCUMENTS,     /* 文书规范齐备 */
	REVIEW_CHECK_CRIME,         /* 是否涉嫌犯罪需移送司法机关 */
};

/* One checklist item as the reviewer fills it in. */
struct review_item {
	bool checked; /* the reviewer has looked at this point */
	bool passed;  /* no problem found (CRIME: 未发现涉嫌犯罪); meaningful when checked */
	/* UTF-8; required (not blank) when checked and !passed; "" = none */
	char note[REVIEW_NOTE_SIZE];
};

enum review_conclusion {
	REVIEW_AGREE = 1, /* 同意: the review passed */
	REVIEW_REVISE,    /* 建议修改 */
	REVIEW_DISAGREE,  /* 不同意 */
};

/* 送审材料. */
enum review_material {
	REVIEW_MAT_DRAFT_DECISION = 0,   /* 拟作出的行政执法决定; required */
	REVIEW_MAT_INVESTIGATION_REPORT, /* 调查终结报告; required */
	REVIEW_MAT_EVIDENCE_LIST,        /* 证据目录; required */
	REVIEW_MAT_HEARING_RECORD,       /* 听证笔录; required when a hearing was held */
	REVIEW_MAT_DISCUSSION_RECORD,    /* 集体讨论记录; optional */
};

#define REVIEW_MAT_COUNT 5
#define REVIEW_MAT_ALL ((1u << REVIEW_MAT_COUNT) - 1u) /* every known material bit */

/* ---- words ---- */

/* "subject" "qualification" "procedure" "facts" "evidence" "law" "discretion"
 * "authority" "documents" "crime"; NULL out of range. */
const char *review_check_code(enum review_check c);
/* 执法主体合法 执法人员具备资格 程序合法 事实清楚 证据确凿充分 适用法律准确
 * 裁量基准运用适当 未超越职权 文书规范齐备 是否涉嫌犯罪需移送司法机关; NULL out of range. */
const char *review_check_label(enum review_check c);
/* Exact code → item. SX_EINVALID ("bad_review_check") for NULL or an unknown code; *out unchanged.
 */
int review_check_from_code(enum review_check *out, const char *code, struct sx_error *err);

/* "approve" "amend" "reject" (docs/glossary.md); NULL out of range. */
const char *review_conclusion_code(enum review_conclusion c);
/* 同意 建议修改 不同意; NULL out of range. */
const char *review_conclusion_label(enum review_conclusion c);
/* SX_EINVALID ("bad_conclusion") for NULL or an unknown code; *out unchanged. */
int review_conclusion_from_code(enum review_conclusion *out, const char *code,
                                struct sx_error *err);

/* "draft_decision" "investigation_report" "evidence_list" "hearing_record"
 * "discussion_record"; NULL out of range. */
const char *review_material_code(enum review_material m);
/* 拟作出的行政执法决定 调查终结报告 证据目录 听证笔录 集体讨论记录; NULL out of range. */
const char *review_material_label(enum review_material m);
/* SX_EINVALID ("bad_material") for NULL or an unknown code; *out unchanged. */
int review_material_from_code(enum review_material *out, const char *code, struct sx_error *err);

/* ---- the checklist and the conclusion ---- */

/*
 * Whether conclusion c may be given on this checklist with this opinion
 * (审核意见; NULL = none). Checked in this order, the first failure wins,
 * all SX_EINVALID:
 *   "checklist_incomplete"  items NULL, or an item not checked (the message
 *                           names the first one in enum order)
 *   "bad_note"              a note without a NUL inside REVIEW_NOTE_SIZE, not
 *                           UTF-8, or with control characters other than tab,
 *                           CR and LF (checked on every item, passed or not)
 *   "note_required"         a problem (checked, !passed) whose note is blank
 *                           (only spaces, tabs, line breaks, U+00A0, U+3000)
 *                           — both name the first item at fault, in enum order
 *   "bad_conclusion"        c is not one of the three
 *   "bad_opinion"           an opinion (any conclusion) longer than
 *                           REVIEW_OPINION_MAX_BYTES, not UTF-8, or with
 *                           control characters other than tab, CR and LF
 *   "agree_with_problems"   REVIEW_AGREE while an item has a problem (CRIME
 *                           not passed is reported first: the message says to
 *                           transfer the case)
 *   "problem_required"      REVISE or DISAGREE with every item passed
 *   "opinion_required"      REVISE or DISAGREE with a NULL or blank opinion
 * Returns 0 when the conclusion stands.
 */
int review_check_conclusion(const struct review_item items[REVIEW_CHECK_COUNT],
                            enum review_conclusion c, const char *opinion, struct sx_error *err);

/* Whether the checklist holds a problem (an item checked and not passed). items may be NULL
 * (false). */
bool review_has_problem(const struct review_item items[REVIEW_CHECK_COUNT]);

/* ---- materials ---- */

/*
 * Which required materials are missing from a submission. present_mask has
 * bit (1u << m) for each enum review_material m present. Required: the draft
 * decision, the investigation report and the evidence list, and the hearing
 * record when hearing_held. The discussion record is never required.
 *
 * *missing_mask (may be NULL) receives bit (1u << m) for each missing one, 0
 * when complete. Returns 0 when complete, or SX_EINVALID:
 *   "materials_incomplete"  something is missing; the message lists the labels
 *                           of the missing ones in enum order
 *   "bad_material"          present_mask has bits outside REVIEW_MAT_ALL
 *                           (*missing_mask is then 0)
 */
int review_materials_check(unsigned *missing_mask, unsigned present_mask, bool hearing_held,
                           struct sx_error *err);

/* ---- deadlines ---- */

/*
 * The review's due date, "YYYY-MM-DD": the REVIEW_DAYS-th (urgent:
 * REVIEW_DAYS_URGENT-th) working day after accepted_on, which is not counted.
 * Errors: SX_EINVALID "bad_date" (accepted_on NULL or not a real
 * "YYYY-MM-DD"), SX_EINVALID for NULL out or cal, SX_ENOTFOUND
 * "calendar_year_unknown" (from calendar_add_workdays: the count reaches a
 * year cal does not know). On error out is "" (when out is not NULL).
 */
int review_due(char out[11], const struct calendar *cal, const char *accepted_on, bool urgent,
               struct sx_error *err);

/*
 * The due date after the one extension: the REVIEW_EXTENSION_DAYS-th working
 * day after due_on. extended says whether the review was extended before.
 * Errors: SX_EINVALID "bad_date" (due_on malformed, checked first),
 * SX_ECONFLICT "already_extended" when extended, and review_due's others.
 * On error out is "".
 */
int review_extend(char out[11], const struct calendar *cal, const char *due_on, bool extended,
                  struct sx_error *err);

/*
 * Whether a review due on due_on is overdue on today: today > due_on. The
 * caller asks only for reviews not yet concluded. False when either date is
 * NULL or not a real "YYYY-MM-DD" (nothing can be said about it).
 */
bool review_is_overdue(const char *due_on, const char *today);

/*
 * Working days left on today until due_on:
 *   - today ≤ due_on: the working days in (today, due_on], so 0 on the due
 *     day itself (the last day, not yet overdue);
 *   - today > due_on (overdue): −(working days in (due_on, today]), but
 *     never more than −1, so an overdue review never shows 0 (a weekend
 *     right after the due day gives −1).
 * Errors: SX_EINVALID "bad_date" (either date malformed), SX_EINVALID for NULL
 * out or cal, SX_ENOTFOUND "calendar_year_unknown". On error *out is unchanged.
 */
int review_workdays_left(int *out, const struct calendar *cal, const char *due_on,
                         const char *today, struct sx_error *err);

/* ---- who reviews ---- */

/*
 * 回避: whether the reviewer may review this case. The reviewer may not be one
 * of the case's officers (matched by officer id; reviewer_officer_id NULL or ""
 * means the reviewer has no officer record, which is fine) nor the user who
 * submitted the case for review (submitter_user_id NULL or "" = unknown, not
 * compared). case_officer_ids holds count ids; NULL or "" entries are skipped.
 * The officer ids are compared first. Returns 0, or SX_EPERM
 * "reviewer_conflict" (the message says why), or SX_EINVALID: "bad_reviewer"
 * for a NULL or "" reviewer_user_id, the default code for NULL
 * case_officer_ids with count > 0.
 */
int review_assignment_check(const char *reviewer_user_id, const char *reviewer_officer_id,
                            const char *const *case_officer_ids, size_t count,
                            const char *submitter_user_id, struct sx_error *err);

/*
 * Staffing (国办发〔2018〕118号 四): an agency needs at least
 * max(1, ceil(5 % × officers)) reviewers. *required (may be NULL) receives
 * that number; negative counts are taken as 0. Returns true when reviewers is
 * below it (the agency is flagged). 20 officers need 1, 21 need 2, 0 need 1.
 */
bool review_staffing_short(int64_t *required, int64_t reviewers, int64_t officers);

#endif
