/*
 * domain/publication — the pure rules of 事后公开: when a decision must be
 * published and when a fallen one must be taken down (deadlines in working
 * days), the statuses of a publication and who may move it, what its public
 * content must hold (a natural person's name masked, no ID number, an
 * organization's credit code valid), and which fields a correction changed.
 * Pure: no I/O, no allocation, no clock (callers pass "today").
 *
 * Where the rules come from:
 *   - 国办发〔2018〕118号 二(三) 加强事后公开: 行政执法机关要在执法决定作出之日
 *     起20个工作日内，向社会公布执法机关、执法对象、执法类别、执法结论等信息，
 *     接受社会监督，行政许可、行政处罚的执法决定信息要在执法决定作出之日起7个
 *     工作日内公开，但法律、行政法规另有规定的除外 (publication_due:
 *     PUBLICATION_DAYS_LICENSE_PENALTY, PUBLICATION_DAYS_OTHER; the fields of
 *     struct publication_content).
 *   - the same: 建立健全执法决定信息公开发布、撤销和更新机制。已公开的行政执法
 *     决定被依法撤销、确认违法或者要求重新作出的，应当及时从信息公示平台撤下原
 *     行政执法决定信息 (the withdrawal reasons). "及时" is made concrete by this
 *     project (DESIGN.md, 事后公开): within PUBLICATION_WITHDRAW_DAYS working days.
 *   - Days are counted with calendar/ (official holidays and make-up workdays,
 *     never weekday arithmetic); the day of the decision or event is not
 *     counted (《民法典》第二百零一条: 开始的当日不计入，自下一日开始计算).
 *   - 《政府信息公开条例》第十四条 (国家秘密 … 不予公开) and 第十五条 (涉及商业
 *     秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得
 *     公开): the reasons a decision is withheld (PUBLICATION_WITHHELD).
 *   - Review before release (issue 9): a second person checks the redacted text
 *     before it is published; the one who prepared it may not publish it.
 *
 * Statuses and moves (the only ones; publication_transition_check):
 *
 *     draft ──送核──▶ pending_check ──公开 (second person)──▶ published
 *       ▲                  │                                  │      │
 *       └──退回 (reason)───┘                   撤下 (reason) ─┘      └─ 更正 (reason)
 *       │                                          ▼                     ▼
 *       └──不予公开 (reason)──▶ withheld        withdrawn             corrected
 *
 *   withdrawn, corrected and withheld are final. A correction is a new version:
 *   the new row goes draft → pending_check → published like any version (so the
 *   second-person rule applies to it there), and when it is published the caller
 *   moves the old row published → corrected in the same transaction; the old one
 *   stays in history. publication_diff tells what changed.
 *
 * Invariants kept by the checks here: nothing is published without a second
 * person; a withheld decision is never published; a natural person's ID number
 * is never part of the public content; money is in 分 (int64_t), never floating
 * point.
 *
 * What it does not do: it keeps no history and no rows (the store does), it
 * does not find personal data in free text (that is redaction's job), and it
 * does not decide which decisions exist (cases and their decisions).
 */
#ifndef SX_DOMAIN_PUBLICATION_H
#define SX_DOMAIN_PUBLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "calendar/calendar.h"

#define PUBLICATION_DAYS_LICENSE_PENALTY 7 /* working days, 国办发〔2018〕118号 二(三) */
#define PUBLICATION_DAYS_OTHER 20          /* working days, the same */
#define PUBLICATION_WITHDRAW_DAYS 7        /* working days, DESIGN.md (118号: 及时) */

/* 行政执法行为类别 of a published decision. */
enum publication_act {
	PUBLICATION_ACT_LICENSE = 1, /* 行政许可: 7 working days */
	PUBLICATION_ACT_PENALTY,     /* 行政处罚: 7 working days */
	PUBLICATION_ACT_COERCION,    /* 行政强制: 20 */
	PUBLICATION_ACT_INSPECTION,  /* 行政检查: 20 */
	PUBLICATION_ACT_OTHER,       /* 其他 (行政征收、确认、给付 …): 20 */
};

enum publication_status {
	PUBLICATION_DRAFT = 1,     /* 待发布: made by staff, editable */
	PUBLICATION_PENDING_CHECK, /* 待核: sent to a second person (送核) */
	PUBLICATION_PUBLISHED,     /* 已公开 */
	PUBLICATION_WITHDRAWN,     /* 已撤下: final; the public page says when and why */
	PUBLICATION_CORRECTED,     /* 已更正: final; replaced by a newer version */
	PUBLICATION_WITHHELD,      /* 不予公开: final; never published */
};

#define PUBLICATION_STATUS_COUNT 6

/* Why a published decision is taken down (国办发〔2018〕118号 二(三)). */
enum publication_withdraw_reason {
	PUBLICATION_WITHDRAW_REVOKED = 1,       /* 被依法撤销 */
	PUBLICATION_WITHDRAW_CONFIRMED_ILLEGAL, /* 被确认违法 */
	PUBLICATION_WITHDRAW_REMADE,            /* 被责令重新作出 */
	PUBLICATION_WITHDRAW_OTHER,             /* 其他: needs a text */
};

/* Why a decision is not published (《政府信息公开条例》第十四条、第十五条). */
enum publication_withhold_reason {
	PUBLICATION_WITHHOLD_STATE_SECRET = 1, /* 国家秘密, 第十四条 */
	PUBLICATION_WITHHOLD_TRADE_SECRET,     /* 商业秘密, 第十五条 */
	PUBLICATION_WITHHOLD_PERSONAL_PRIVACY, /* 个人隐私, 第十五条 */
};

/* Room for a reason text: 512 CJK characters, and the NUL. */
#define PUBLICATION_REASON_MAX_BYTES 1536

/* ---- words ---- */

/* "license" "penalty" "coercion" "inspection" "other"; NULL out of range. */
const char *publication_act_code(enum publication_act a);
/* 行政许可 行政处罚 行政强制 行政检查 其他; NULL out of range. */
const char *publication_act_label(enum publication_act a);
/* Exact code → act. SX_EINVALID ("bad_act_type") for NULL or an unknown code; *out unchanged. */
int publication_act_from_code(enum publication_act *out, const char *code, struct sx_error *err);

/* "draft" "pending_check" "published" "withdrawn" "corrected" "withheld"; NULL out of range. */
const char *publication_status_code(enum publication_status s);
/* 待发布 待核 已公开 已撤下 已更正 不予公开; NULL out of range. */
const char *publication_status_label(enum publication_status s);
/* SX_EINVALID ("bad_status") for NULL or an unknown code; *out unchanged. */
int publication_status_from_code(enum publication_status *out, const char *code,
                                 struct sx_error *err);

/* "revoked" "confirmed_illegal" "remade" "other"; NULL out of range. */
const char *publication_withdraw_reason_code(enum publication_withdraw_reason r);
/* 被依法撤销 被确认违法 被责令重新作出 其他; NULL out of range. */
const char *publication_withdraw_reason_label(enum publication_withdraw_reason r);
/* SX_EINVALID ("bad_reason") for NULL or an unknown code; *out unchanged. */
int publication_withdraw_reason_from_code(enum publication_withdraw_reason *out, const char *code,
                                          struct sx_error *err);

/* "state_secret" "trade_secret" "personal_privacy"; NULL out of range. */
const char *publication_withhold_reason_code(enum publication_withhold_reason r);
/* 国家秘密 商业秘密 个人隐私; NULL out of range. */
const char *publication_withhold_reason_label(enum publication_withhold_reason r);
/* SX_EINVALID ("bad_reason") for NULL or an unknown code; *out unchanged. */
int publication_withhold_reason_from_code(enum publication_withhold_reason *out, const char *code,
                                          struct sx_error *err);

/* ---- deadlines ---- */

/*
 * The publication's due date, "YYYY-MM-DD": the PUBLICATION_DAYS_LICENSE_PENALTY-th
 * (license, penalty) or PUBLICATION_DAYS_OTHER-th (every other act) working day
 * after decided_on, which is not counted.
 * Errors: SX_EINVALID for NULL out or cal, "bad_act_type" (act out of range),
 * "bad_date" (decided_on NULL or not a real "YYYY-MM-DD"); SX_ENOTFOUND
 * "calendar_year_unknown" (from calendar_add_workdays: the count reaches a year
 * cal does not know). On error out is "" (when out is not NULL).
 */
int publication_due(char out[11], const struct calendar *cal, enum publication_act act,
                    const char *decided_on, struct sx_error *err);

/*
 * The withdrawal's due date: the PUBLICATION_WITHDRAW_DAYS-th working day after
 * event_on, the day the revocation, the confirmation of illegality or the order
 * to re-make took effect as the caller records it (not counted).
 * Errors as publication_due ("bad_date" for event_on). On error out is "".
 */
int publication_withdraw_due(char out[11], const struct calendar *cal, const char *event_on,
                             struct sx_error *err);

/*
 * Whether a publication (or withdrawal) due on due_on is overdue:
 *   - done_on set (not NULL, not ""): it was done late, done_on > due_on;
 *   - done_on NULL or "" (not done yet): today > due_on.
 * The due day itself is never overdue. False when due_on, or the date that is
 * compared (done_on when set, else today), is not a real "YYYY-MM-DD": nothing
 * can be said about it.
 */
bool publication_is_overdue(const char *due_on, const char *done_on, const char *today);

/*
 * Working days left on today until due_on, as review_workdays_left:
 *   - today ≤ due_on: the working days in (today, due_on], 0 on the due day;
 *   - today > due_on: −(working days in (due_on, today]), but at most −1, so an
 *     overdue publication never shows 0.
 * Errors: SX_EINVALID for NULL out or cal, "bad_date" (either date malformed);
 * SX_ENOTFOUND "calendar_year_unknown". On error *out is unchanged.
 */
int publication_days_left(int *out, const struct calendar *cal, const char *due_on,
                          const char *today, struct sx_error *err);

/* ---- statuses and moves ---- */

/* Whether from → to is one of the moves in the diagram above (bad statuses: false). */
bool publication_can_move(enum publication_status from, enum publication_status to);

/*
 * Whether from → to may happen now, with this reason, by this actor. Checked in
 * this order, the first failure wins:
 *   SX_EINVALID  "bad_status"              from or to out of range
 *   SX_EINVALID  "bad_actor"               actor_user_id NULL or ""
 *   SX_ECONFLICT "transition_not_allowed"  not a move of the diagram (the
 *                                          message names both statuses)
 *   SX_EINVALID  "bad_reason"              reason_text longer than
 *                                          PUBLICATION_REASON_MAX_BYTES, not UTF-8
 *                                          or with control characters other than
 *                                          tab, CR and LF (any move); reason_code
 *                                          not NULL/"" on a move that takes none,
 *                                          or not a code of the move's reasons
 *   SX_EINVALID  "reason_required"         the move's reason is missing (below)
 *   SX_EPERM     "second_person_required"  pending_check → published by the
 *                                          maker, or with the maker unknown
 *                                          (maker_user_id NULL or ""): the
 *                                          second person cannot be shown
 * Reasons by move ("text" = reason_text not blank; blank is only spaces, tabs,
 * line breaks, U+00A0 and U+3000):
 *   draft → pending_check        none
 *   pending_check → published    none; actor ≠ maker
 *   pending_check → draft (退回)  text (what to fix)
 *   published → withdrawn        a withdraw reason code; text as well for "other"
 *   published → corrected        text (what was wrong)
 *   draft → withheld             a withhold reason code and text (why it is secret)
 * maker_user_id is the user who prepared the publication (made the draft); it is
 * only compared on publishing. Returns 0 when the move stands.
 */
int publication_transition_check(enum publication_status from, enum publication_status to,
                                 const char *reason_code, const char *reason_text,
                                 const char *maker_user_id, const char *actor_user_id,
                                 struct sx_error *err);

/* ---- the public content ---- */

enum publication_party_type {
	PUBLICATION_PARTY_PERSON = 1,   /* 自然人: name masked, no code */
	PUBLICATION_PARTY_ORGANIZATION, /* 法人或其他组织: name and 统一社会信用代码 */
};

/* Sizes include the NUL; "N CJK" = N characters of 3 bytes. */
#define PUBLICATION_AGENCY_NAME_SIZE 301             /* 100 CJK */
#define PUBLICATION_PARTY_NAME_SIZE 301              /* 100 CJK */
#define PUBLICATION_PARTY_CODE_SIZE 19               /* 18 characters, GB 32100 */
#define PUBLICATION_CATEGORY_SIZE 193                /* 64 CJK */
#define PUBLICATION_CONCLUSION_SIZE 3073             /* 1024 CJK */
#define PUBLICATION_DOC_NO_SIZE 193                  /* 64 CJK */
#define PUBLICATION_LEGAL_BASIS_SIZE 6145            /* 2048 CJK */
#define PUBLICATION_PENALTY_SIZE 3073                /* 1024 CJK */
#define PUBLICATION_FULL_TEXT_MAX_BYTES (192 * 1024) /* 65536 CJK */
/* Largest amount accepted, in 分: 10^14 分 = 1 万亿元, far above any fine. */
#define PUBLICATION_AMOUNT_MAX_FEN INT64_C(100000000000000)

/*
 * What the public sees of a decision (国办发〔2018〕118号 二(三): 执法机关、执法
 * 对象、执法类别、执法结论 …). Texts are UTF-8, NUL-terminated inside their
 * arrays. Single-line fields allow no control characters at all; conclusion,
 * legal_basis, penalty and full_text allow tab, CR and LF.
 */
struct publication_content {
	char agency_name[PUBLICATION_AGENCY_NAME_SIZE]; /* 执法机关; required */
	enum publication_party_type party_type;         /* 执法对象的类型 */
	/* 执法对象: an organization's full name; a natural person's name masked
	 * (publication_person_name_is_masked) */
	char party_name[PUBLICATION_PARTY_NAME_SIZE];
	/* 统一社会信用代码: required for an organization; "" for a person, whose ID
	 * number is never published */
	char party_code[PUBLICATION_PARTY_CODE_SIZE];
	enum publication_act act_type;                  /* 行为类别 */
	char category[PUBLICATION_CATEGORY_SIZE];       /* 执法类别, e.g. 罚款; required */
	char conclusion[PUBLICATION_CONCLUSION_SIZE];   /* 执法结论; required */
	char doc_no[PUBLICATION_DOC_NO_SIZE];           /* 文号; required except for inspection */
	char decided_on[11];                            /* 决定日期 "YYYY-MM-DD"; required */
	char legal_basis[PUBLICATION_LEGAL_BASIS_SIZE]; /* 执法依据; required */
	char penalty[PUBLICATION_PENALTY_SIZE]; /* 处罚内容; required for a penalty, else "" allowed
	                                         */
	int64_t fine_fen; /* 罚款, 分; 0..PUBLICATION_AMOUNT_MAX_FEN; 0 unless a penalty */
	int64_t confiscation_fen; /* 没收违法所得/非法财物, 分; as fine_fen */
	/* 决定书全文, already redacted; borrowed, not owned (a 决定书 runs to tens of
	 * thousands of characters, too large to embed); NULL or length 0 = not
	 * published; at most PUBLICATION_FULL_TEXT_MAX_BYTES */
	const char *full_text;
	size_t full_text_len; /* bytes; full_text need not be NUL-terminated */
};

/*
 * Whether name is a natural person's name masked for publication: a surname
 * followed by 某 or 某某 — "张某", "张某某", "欧阳某", "欧阳某某" — or "某某" for
 * a name without a usable surname (foreign or transliterated names). Precisely:
 * 2 to 4 characters; a prefix of 0, 1 or 2 CJK ideographs other than 某, where a
 * 2-character prefix must be a compound surname of the list in publication.c
 * (欧阳, 司马, 诸葛 …; otherwise "张三某" would publish a given name); then 1 or
 * 2 某 and nothing after them; no prefix means exactly "某某". NULL is false.
 */
bool publication_person_name_is_masked(const char *name);

/*
 * Whether c may be published. Checked in field order (the enum publication_field
 * order below), the first failure wins, all SX_EINVALID; the message names the
 * field by its label:
 *   default code              c NULL
 *   "bad_<field code>"        a text field without its NUL, not UTF-8, with
 *                             forbidden control characters, or (required ones)
 *                             blank; party_type or act_type out of range;
 *                             decided_on not a real "YYYY-MM-DD"; penalty blank
 *                             for a penalty; an amount negative, above
 *                             PUBLICATION_AMOUNT_MAX_FEN, or not 0 for an act
 *                             other than a penalty; full_text NULL with a
 *                             length, too long or bad text
 *   "party_name_not_masked"   a person whose name fails
 *                             publication_person_name_is_masked
 *   "party_code_for_person"   a person with a party_code (an ID number must
 *                             never be published)
 *   "bad_party_code"          an organization without a code, or whose code
 *                             fails idcheck_credit_code (the check character)
 * Returns 0 when the content may be published.
 */
int publication_content_check(const struct publication_content *c, struct sx_error *err);

/* ---- corrections ---- */

/* The fields of struct publication_content, in its order. */
enum publication_field {
	PUBLICATION_FIELD_AGENCY_NAME = 0, /* 执法机关 */
	PUBLICATION_FIELD_PARTY_TYPE,      /* 当事人类型 */
	PUBLICATION_FIELD_PARTY_NAME,      /* 当事人名称 */
	PUBLICATION_FIELD_PARTY_CODE,      /* 统一社会信用代码 */
	PUBLICATION_FIELD_ACT_TYPE,        /* 行为类别 */
	PUBLICATION_FIELD_CATEGORY,        /* 执法类别 */
	PUBLICATION_FIELD_CONCLUSION,      /* 执法结论 */
	PUBLICATION_FIELD_DOC_NO,          /* 文号 */
	PUBLICATION_FIELD_DECIDED_ON,      /* 决定日期 */
	PUBLICATION_FIELD_LEGAL_BASIS,     /* 执法依据 */
	PUBLICATION_FIELD_PENALTY,         /* 处罚内容 */
	PUBLICATION_FIELD_FINE,            /* 罚款金额 */
	PUBLICATION_FIELD_CONFISCATION,    /* 没收金额 */
	PUBLICATION_FIELD_FULL_TEXT,       /* 决定书全文 */
};

#define PUBLICATION_FIELD_COUNT 14

/* "agency_name" "party_type" "party_name" "party_code" "act_type" "category"
 * "conclusion" "doc_no" "decided_on" "legal_basis" "penalty" "fine"
 * "confiscation" "full_text"; NULL out of range. */
const char *publication_field_code(enum publication_field f);
/* The labels in the enum comments; NULL out of range. */
const char *publication_field_label(enum publication_field f);

/*
 * Which fields differ between the old and the new version of a publication, in
 * field order. out has room for PUBLICATION_FIELD_COUNT; *count receives how many
 * were written (0 = no change). Text fields compare up to their NUL (or the end
 * of their array); full_text compares its bytes (NULL equals length 0). Neither
 * version needs to pass publication_content_check.
 * Returns 0, or SX_EINVALID for a NULL argument (then *count is 0 when count is
 * not NULL).
 */
int publication_diff(enum publication_field out[PUBLICATION_FIELD_COUNT], size_t *count,
                     const struct publication_content *before,
                     const struct publication_content *after);

/*
 * The history line's list of changed fields: their labels joined with "、"
 * ("文号、处罚内容"), NUL-terminated, "" for count 0. fields holds count values.
 * Returns 0, SX_EINVALID (out NULL or out_size 0, fields NULL with count > 0, a
 * field out of range: out is then ""), SX_ETOOBIG (out too small: out holds as
 * many whole labels as fit). PUBLICATION_DIFF_DESCRIBE_SIZE always suffices.
 */
#define PUBLICATION_DIFF_DESCRIBE_SIZE 256 /* all 14 labels: 223 bytes with the NUL */
int publication_diff_describe(char *out, size_t out_size, const enum publication_field *fields,
                              size_t count);

#endif
