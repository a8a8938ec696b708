/*
 * domain/casefile — the lifecycle of one case (一案一卷) for 执法全过程记录:
 * which stages a case of each kind and procedure goes through, which moves
 * between them are allowed and why others are refused, the deadline of the
 * decision, and the words shown for kinds, procedures and stages. Pure: no
 * I/O, no allocation, no clock (callers pass "today").
 *
 * The paths (one transition table in casefile.c decides every move; a stage
 * "belongs" to a kind/procedure when some row of that pair names it):
 *
 *   行政处罚 · 普通程序 (《行政处罚法》第五十四条至第六十七条)
 *     FILED 立案 → INVESTIGATION 调查取证 → EXAMINATION 审查
 *       → [LEGAL_REVIEW 法制审核]   第五十八条: a major case (重大执法决定) must
 *                                   pass through it; a non-major case may not
 *                                   enter it; leaving it forward needs
 *                                   review_passed
 *       → NOTICE 告知                第四十四条 (事实、理由、依据、陈述申辩权),
 *                                   第六十三条 (听证权利)
 *       → [HEARING 听证]             第六十四条: when the party asked for one it
 *                                   must be held; otherwise it may not be
 *         → [LEGAL_REVIEW 法制审核]  第五十八条第一款第二项: a case that went
 *                                   through a hearing (经过听证程序) is major and
 *                                   is reviewed after it: HEARING → LEGAL_REVIEW
 *                                   for a major case only; LEGAL_REVIEW →
 *                                   DECISION needs review_passed and a hearing
 *                                   requested (without one the way out of the
 *                                   review is NOTICE: 第四十四条 告知 comes first)
 *       → DECISION 决定              第五十八条: a major case is decided only with
 *                                   review_passed, from NOTICE and from HEARING
 *                                   alike — a draft changed after the review
 *                                   (even in NOTICE or HEARING) closes the way
 *       → SERVICE 送达 (第六十一条) → EXECUTION 执行
 *       → CLOSED 结案 → ARCHIVED 归档 (final)
 *     besides, each with a non-empty reason (R):
 *       INVESTIGATION → CLOSED (R)   第五十七条第一款第二、三、四项: 不予行政处罚 /
 *       EXAMINATION → CLOSED (R)     违法事实不能成立 / 移送 — 撤销立案
 *       DECISION → CLOSED (R)        不予行政处罚决定
 *       NOTICE → EXAMINATION (R)     第四十五条: 陈述、申辩 raised new facts
 *       LEGAL_REVIEW → EXAMINATION (R)  审核未通过, returned
 *       HEARING → EXAMINATION (R)    the hearing raised new facts
 *     and without a reason: SERVICE → CLOSED (nothing to execute, e.g. 警告).
 *
 *   行政处罚 · 简易程序 (第五十一条至第五十三条; casefile_simple_eligible)
 *     ON_SPOT 当场处罚 → DECISION → SERVICE → EXECUTION → CLOSED → ARCHIVED;
 *     SERVICE → CLOSED.
 *
 *   行政检查 (《行政处罚法》/《优化营商环境条例》 practice; general procedure only)
 *     INSPECTION 现场检查 → HANDLING 检查处理 → [RECHECK 整改复查] → CLOSED
 *       → ARCHIVED; HANDLING → CLOSED; RECHECK → HANDLING (复查不合格).
 *
 *   行政强制 (《行政强制法》第十八条、第二十四条至第二十八条; general only)
 *     APPROVAL 强制审批 (第十八条第一项) → COERCION 实施强制 → DECISION
 *       → SERVICE → CLOSED → ARCHIVED;
 *     COERCION → CLOSED (R)          第二十八条: 解除查封、扣押.
 *
 * Invariants: every move is a row of the table; ARCHIVED has no way out;
 * a reason is "non-empty" when it holds a character other than ASCII blanks,
 * U+00A0 and U+3000 (全角空格).
 *
 * What it does not do: it keeps no history and does not set the gate flags of
 * struct casefile_state — the service sets `major` from the matter (and, by
 * 第五十八条第一款第二项, once a hearing has been held), records the hearing
 * request and the outcome of the legal review. review_passed must mean "the
 * latest review concluded 同意 on the current draft": when a case goes back
 * to EXAMINATION, or the draft changes after the review, the service must
 * clear it, since the draft the review approved is no longer the current one.
 */
#ifndef SX_DOMAIN_CASEFILE_H
#define SX_DOMAIN_CASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum casefile_kind {
	CASEFILE_KIND_PENALTY = 1, /* 行政处罚 */
	CASEFILE_KIND_INSPECTION,  /* 行政检查 */
	CASEFILE_KIND_COERCION,    /* 行政强制 */
};

enum casefile_procedure {
	CASEFILE_PROC_GENERAL = 1, /* 普通程序 */
	CASEFILE_PROC_SIMPLE,      /* 简易程序 (行政处罚 only) */
};

enum casefile_stage {
	CASEFILE_STAGE_FILED = 1,     /* 立案 — penalty general start */
	CASEFILE_STAGE_INVESTIGATION, /* 调查取证 */
	CASEFILE_STAGE_EXAMINATION,   /* 审查 (案件审核) */
	CASEFILE_STAGE_LEGAL_REVIEW,  /* 法制审核 — only when the case is major */
	CASEFILE_STAGE_NOTICE,        /* 告知 (陈述、申辩、听证权利) */
	CASEFILE_STAGE_HEARING,       /* 听证 — only when the party requested one */
	CASEFILE_STAGE_DECISION,      /* 决定 */
	CASEFILE_STAGE_SERVICE,       /* 送达 */
	CASEFILE_STAGE_EXECUTION,     /* 执行 */
	CASEFILE_STAGE_CLOSED,        /* 结案 */
	CASEFILE_STAGE_ARCHIVED,      /* 归档 (final) */
	CASEFILE_STAGE_ON_SPOT,       /* 当场处罚 — 简易程序 start: 当场查明事实、告知、
				       * 听取陈述申辩 */
	CASEFILE_STAGE_INSPECTION,    /* 现场检查 — inspection kind start */
	CASEFILE_STAGE_HANDLING,      /* 检查处理 (合格 / 责令整改 / 移送立案) */
	CASEFILE_STAGE_RECHECK,       /* 整改复查 */
	CASEFILE_STAGE_APPROVAL,      /* 强制审批 — coercion start (《行政强制法》第十八条第一项:
				       * 实施前须向行政机关负责人报告并经批准) */
	CASEFILE_STAGE_COERCION,      /* 实施强制 (查封、扣押 …) */
};

/* Number of stages; valid stages are 1..CASEFILE_STAGE_COUNT. */
#define CASEFILE_STAGE_COUNT 17

/* 《行政处罚法》第六十条: 九十日 from 立案, unless a law provides otherwise. */
#define CASEFILE_PENALTY_DECISION_DAYS 90
/* 《行政强制法》第二十五条: 查封、扣押 at most 三十日, extension at most 三十日. */
#define CASEFILE_COERCION_DAYS 30
#define CASEFILE_COERCION_MAX_EXTENSION_DAYS 30
/* Upper bound of any limit or extension, in days: ten years, beyond any real one. */
#define CASEFILE_MAX_DAYS 3650

/* 《行政处罚法》第五十一条: 当场处罚 limits, in 分. */
#define CASEFILE_SIMPLE_MAX_FEN_PERSON ((int64_t)20000)        /* 二百元 */
#define CASEFILE_SIMPLE_MAX_FEN_ORGANIZATION ((int64_t)300000) /* 三千元 */

struct casefile_state {
	enum casefile_kind kind;
	enum casefile_procedure procedure;
	enum casefile_stage stage;   /* the current stage */
	bool major;                  /* 重大执法决定: needs LEGAL_REVIEW (第五十八条;
				      * 第一款第二项: also once heard) */
	bool hearing_requested;      /* the party asked for a hearing in time
				      * (第六十四条第一项: 五日内) */
	bool review_passed;          /* the latest legal review concluded 同意 on the
				      * current draft */
};

/* ---- transitions ---- */

/*
 * Whether the case may move from s->stage to `to`. reason may be NULL or ""
 * when the move needs none. Returns 0 when allowed; otherwise, with err
 * filled (err may be NULL):
 *   SX_EINVALID "bad_kind"       s->kind out of range (also for s == NULL)
 *   SX_EINVALID "bad_procedure"  procedure out of range or not one of the kind
 *   SX_EINVALID "bad_stage"      s->stage or `to` out of range, or not a
 *                                stage of that kind/procedure
 *   SX_ECONFLICT "stage_final"            s->stage is ARCHIVED
 *   SX_ECONFLICT "transition_not_allowed" no table row; the message names both
 *                                         stages and the ones allowed next
 *   then the gates of the row, first those that choose the way:
 *   SX_ECONFLICT "review_not_applicable"  non-major case into LEGAL_REVIEW (from
 *                                         EXAMINATION or HEARING)
 *   SX_ECONFLICT "review_required"        major case EXAMINATION → NOTICE
 *   SX_ECONFLICT "hearing_not_requested"  NOTICE → HEARING or LEGAL_REVIEW →
 *                                         DECISION without a request
 *   SX_ECONFLICT "hearing_required"       NOTICE → DECISION with a hearing requested
 *   then those that wait for the review (第五十八条):
 *   SX_ECONFLICT "review_required"        without review_passed: LEGAL_REVIEW →
 *                                         NOTICE or → DECISION, and a major case
 *                                         NOTICE → DECISION or HEARING → DECISION
 *   SX_ECONFLICT "reason_required"        the row needs a reason and none was given
 * Checked in that order, so a gate is reported before a missing reason, and a
 * move the case may not take at all (e.g. LEGAL_REVIEW → DECISION without a
 * hearing) before a review it would still wait for.
 */
int casefile_transition_check(const struct casefile_state *s, enum casefile_stage to,
			      const char *reason, struct sx_error *err);

/*
 * The table's candidates from s->stage for s's kind/procedure, in table order
 * (the main path first), ignoring gates and reasons: callers run
 * casefile_transition_check on each to tell why one is blocked. out must hold
 * CASEFILE_STAGE_COUNT entries; *count receives 0..CASEFILE_STAGE_COUNT
 * (0 for an invalid state, a NULL s, or ARCHIVED).
 */
void casefile_next_stages(enum casefile_stage out[], size_t *count, const struct casefile_state *s);

/* Whether the table row from → to of that kind/procedure needs a reason;
 * false when there is no row. */
bool casefile_transition_needs_reason(enum casefile_kind kind, enum casefile_procedure proc,
				      enum casefile_stage from, enum casefile_stage to);

/* Where a new case of that kind/procedure starts: FILED, ON_SPOT, INSPECTION
 * or APPROVAL; 0 (no stage) for an invalid pair. */
enum casefile_stage casefile_first_stage(enum casefile_kind kind, enum casefile_procedure proc);

/* 0 when the pair is valid: penalty has GENERAL and SIMPLE, inspection and
 * coercion only GENERAL. SX_EINVALID "bad_kind" for a kind out of range,
 * "bad_procedure" otherwise. */
int casefile_kind_procedure_check(enum casefile_kind kind, enum casefile_procedure proc,
				  struct sx_error *err);

/*
 * 简易程序 eligibility (《行政处罚法》第五十一条): 0 when fine_fen ≤ 20000 (二百元)
 * for a natural person (is_person) or ≤ 300000 (三千元) for a legal person or
 * other organization; 0 fen means 警告 only and is always eligible.
 * SX_EINVALID "simple_not_eligible" over the limit (the message names it),
 * "bad_amount" for a negative fine.
 */
int casefile_simple_eligible(bool is_person, int64_t fine_fen, struct sx_error *err);

/* ---- words ---- */

/* "filed" "investigation" "examination" "legal_review" "notice" "hearing"
 * "decision" "service" "execution" "closed" "archived" "on_spot" "inspection"
 * "handling" "recheck" "approval" "coercion"; NULL out of range. */
const char *casefile_stage_code(enum casefile_stage s);
/* 立案 调查取证 审查 法制审核 告知 听证 决定 送达 执行 结案 归档 当场处罚 现场检查
 * 检查处理 整改复查 强制审批 实施强制; NULL out of range. */
const char *casefile_stage_label(enum casefile_stage s);
/* Exact code → stage. SX_EINVALID ("bad_stage") for NULL or an unknown code; *out unchanged. */
int casefile_stage_from_code(enum casefile_stage *out, const char *code);

/* "penalty" "inspection" "coercion"; NULL out of range. */
const char *casefile_kind_code(enum casefile_kind k);
/* 行政处罚 行政检查 行政强制; NULL out of range. */
const char *casefile_kind_label(enum casefile_kind k);
/* SX_EINVALID ("bad_kind") for NULL or an unknown code; *out unchanged. */
int casefile_kind_from_code(enum casefile_kind *out, const char *code);

/* "general" "simple"; NULL out of range. */
const char *casefile_procedure_code(enum casefile_procedure p);
/* 普通程序 简易程序; NULL out of range. */
const char *casefile_procedure_label(enum casefile_procedure p);
/* SX_EINVALID ("bad_procedure") for NULL or an unknown code; *out unchanged. */
int casefile_procedure_from_code(enum casefile_procedure *out, const char *code);

/* True for a valid stage other than CLOSED and ARCHIVED; false out of range. */
bool casefile_stage_is_open(enum casefile_stage s);

/* Whether the decision has been made: DECISION, SERVICE, EXECUTION, CLOSED,
 * ARCHIVED (a case closed without a decision, e.g. 撤销立案, has nothing left
 * to decide either). False for earlier stages and out of range. */
bool casefile_stage_is_decided(enum casefile_stage s);

/*
 * Maps an 音像记录 stage name from an agency's list (free text; ASCII blanks
 * and U+3000 around it are ignored) to the stage of a case of that kind where
 * it happens. Aliases first, by kind:
 *   现场检查        → INVESTIGATION (penalty), INSPECTION (inspection)
 *   查封扣押 查封 扣押 → INVESTIGATION (penalty: 证据先行登记保存/查封扣押 during
 *                    investigation, 《行政处罚法》第五十六条), COERCION (coercion)
 *   强制拆除 强制执行 → EXECUTION (penalty), COERCION (coercion)
 *   留置送达 送达    → SERVICE;  听证 → HEARING;  询问 调查 → INVESTIGATION;
 *   当场处罚        → ON_SPOT
 * then the exact stage labels (casefile_stage_label). A match counts only if
 * the stage belongs to the kind (any procedure). Returns 0 and sets *out;
 * SX_ENOTFOUND ("av_stage_unknown") when nothing of that kind matches;
 * SX_EINVALID for NULL arguments or a kind out of range.
 */
int casefile_stage_for_av_name(enum casefile_stage *out, enum casefile_kind kind, const char *name);

/* ---- deadlines ----
 *
 * Dates are "YYYY-MM-DD" calendar dates (Asia/Shanghai). "Within N days of X"
 * does not count X: the period starts the next day (《民法典》第二百零一条第一款:
 * 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算), so the due date is
 * X + N and the decision may be made on that day itself. The days are calendar
 * days: only 二日、三日、五日、七日 of the 行政处罚法 are working days (第八十五条),
 * and only periods of 十日以内 of the 行政强制法 (第六十九条).
 * A due date falling on a holiday is NOT moved to the next working day
 * (《民法典》第二百零三条): the limit binds the agency itself, so the earlier,
 * stricter date is shown; calendar/ has the working-day arithmetic if that is
 * ever wanted.
 */

struct casefile_deadline {
	char due[11];        /* "YYYY-MM-DD" */
	int extension_days;  /* approved extension included in due; 0 = none */
};

/*
 * The date by which the decision is due for a case started (立案 / 查封扣押
 * 实施) on started_on:
 *   penalty:   started_on + 90 + extension_days (《行政处罚法》第六十条),
 *              extension 0..CASEFILE_MAX_DAYS;
 *   coercion:  started_on + 30 + extension_days (《行政强制法》第二十五条),
 *              extension 0..30;
 *   inspection: SX_ENOTFOUND "no_deadline".
 * SX_EINVALID "bad_kind", "bad_date" (malformed, or a due date after
 * 9999-12-31), "bad_extension". On error out is "".
 */
int casefile_decision_due(char out[11], enum casefile_kind kind, const char *started_on,
			  int extension_days, struct sx_error *err);

/*
 * Like casefile_decision_due with limit_days instead of 90 / 30, for a law
 * that provides otherwise (第六十条 "法律、法规、规章另有规定的，从其规定";
 * 第二十五条 "法律、行政法规另有规定的除外"). limit_days 1..CASEFILE_MAX_DAYS,
 * else SX_EINVALID "bad_limit"; the extension bounds stay those above.
 */
int casefile_decision_due_within(char out[11], enum casefile_kind kind, const char *started_on,
				 int limit_days, int extension_days, struct sx_error *err);

/*
 * Whether a case at `stage` is past its decision deadline: today > due and
 * the decision is not made (casefile_stage_is_decided false). Always false for
 * inspection, for a kind or stage out of range, and when either date is
 * malformed (casefile_days_left tells malformed dates apart).
 */
bool casefile_is_overdue(enum casefile_kind kind, enum casefile_stage stage, const char *due,
			 const char *today);

/* *out = due − today in days: 0 on the due date, negative when overdue.
 * SX_EINVALID for a NULL or malformed date (*out unchanged). */
int casefile_days_left(int *out, const char *due, const char *today);

#endif
