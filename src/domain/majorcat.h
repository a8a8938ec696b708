/*
 * domain/majorcat — the catalog of major enforcement decisions (重大执法决定法制
 * 审核目录清单) an agency keeps, and the pure function that says whether one case
 * is major — so that its decision must pass 法制审核 before it is made — and
 * which rules of the catalog matched. Pure: no I/O, no JSON, no clock; the
 * service layer reads the catalog from JSON (shape below) and fills in the case.
 *
 * Where the rules come from:
 *   - 《行政处罚法》第五十八条第一款: before a decision the agency's 法制审核
 *     staff review it when (一) 涉及重大公共利益的; (二) 直接关系当事人或者第三人
 *     重大权益，经过听证程序的; (三) 案件情况疑难复杂、涉及多个法律关系的;
 *     (四) 法律、法规规定应当进行法制审核的其他情形;
 *   - 国办发〔2018〕118号 (三项制度指导意见) 四(三): 各级行政执法机关要结合本机关
 *     行政执法行为的类别、执法层级、所属领域、涉案金额等因素，制定重大执法决定法制
 *     审核目录清单 — hence rules by act kind, amount, matter and staff flags;
 *   - provincial practice adds 吊销许可证件, 较大数额罚款 (thresholds that differ
 *     for persons and organizations), 责令停产停业, 没收较大数额违法所得, 行政强制
 *     (查封、扣押 above an amount), and in some agencies every 普通程序 penalty;
 *   - the kinds of penalty are those of 《行政处罚法》第九条: (一)警告、通报批评;
 *     (二)罚款、没收违法所得、没收非法财物; (三)暂扣许可证件、降低资质等级、吊销许可
 *     证件; (四)限制开展生产经营活动、责令停产停业、责令关闭、限制从业; (五)行政拘留;
 *     (六)法律、行政法规规定的其他行政处罚.
 *
 * How a case is judged (majorcat_match):
 *   - a 简易程序 case is never major: it is decided on the spot (第五十一条、
 *     第五十二条), there is no moment for a review. This wins over everything,
 *     matter_flagged_major included; a service that wants such matters handled
 *     as major must refuse the simple procedure for them;
 *   - matter_flagged_major (the 事项清单 marks the matter 重大执法决定) makes the
 *     case major even with an empty catalog: the published list says so;
 *   - otherwise the case is major when at least one rule matches. A rule with a
 *     party_type applies only to cases whose party is of that type;
 *   - an inspection (行政检查) case is judged only by the staff flags
 *     (public_interest, complex, multi_agency) and by its matter: its acts,
 *     amounts and hearing are ignored;
 *   - ALL_GENERAL_PENALTIES matches only penalty cases; amounts match when they
 *     are ≥ the threshold (the threshold itself matches, one 分 less does not).
 *
 * The catalog as JSON (what the service adapter reads; one object per rule,
 * every field present, unused ones empty/zero):
 *   {"rules": [
 *     {"id": "fine-organization",                 (1–32 of [A-Za-z0-9-_.], unique)
 *      "title": "对单位处以十万元以上罚款",           (中文, one line, 1–192 bytes)
 *      "kind": "fine_at_least",                    (majorcat_rule_kind_code)
 *      "acts": [],                                  (act_kind only: majorcat_act_code
 *                                                     words ↔ acts_mask)
 *      "threshold_fen": 10000000,                   (amount kinds only, 分)
 *      "party_type": "organization",                ("person" | "organization" | "")
 *      "matter_codes": [],                          (matter only: 执法事项 codes)
 *      "basis": "《行政处罚法》第五十八条第一款第四项…"} (legal basis, one line)
 *   ]}
 *
 * Ownership: struct majorcat owns its rules array (sx_calloc); majorcat_clear
 * frees it. Strings of a rule are fixed-size fields, NUL-terminated once
 * validated. struct majorcat_case borrows its strings.
 */
#ifndef SX_DOMAIN_MAJORCAT_H
#define SX_DOMAIN_MAJORCAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define MAJORCAT_ID_SIZE 33         /* 1–32 bytes of [A-Za-z0-9-_.] */
#define MAJORCAT_TITLE_SIZE 193     /* 192 bytes: 64 CJK characters */
#define MAJORCAT_PARTY_SIZE 16      /* "person" | "organization" | "" */
#define MAJORCAT_CODE_SIZE 33       /* a matter code, as MATTER_CODE_SIZE */
#define MAJORCAT_BASIS_SIZE 385     /* 384 bytes: 128 CJK characters */
#define MAJORCAT_REASONS_SIZE 1024

#define MAJORCAT_MAX_RULES 100
#define MAJORCAT_MAX_CODES 50       /* matter codes of one MATTER rule */
#define MAJORCAT_MAX_FEN ((int64_t)100000000000000) /* 1 万亿元, as MATTER_MAX_FEN */

enum majorcat_rule_kind {
	MAJORCAT_ALL_GENERAL_PENALTIES = 1, /* every 普通程序 penalty */
	MAJORCAT_ACT_KIND,          /* the decision includes one of acts_mask */
	MAJORCAT_FINE_AT_LEAST,     /* 罚款 ≥ threshold_fen */
	MAJORCAT_CONFISCATION_AT_LEAST, /* 没收违法所得/非法财物 value ≥ threshold_fen */
	MAJORCAT_HEARING_HELD,      /* a 听证 was held (第五十八条第一款第二项) */
	MAJORCAT_PUBLIC_INTEREST,   /* flagged: 涉及重大公共利益 (第一项) */
	MAJORCAT_COMPLEX,           /* flagged: 疑难复杂、涉及多个法律关系 (第三项) */
	MAJORCAT_MULTI_AGENCY,      /* flagged: 跨部门 / 涉及多个执法机关 */
	MAJORCAT_MATTER,            /* the case's matter code is one of matter_codes */
	MAJORCAT_COERCION_AT_LEAST, /* 查封、扣押 property value ≥ threshold_fen */
};

/* Number of rule kinds; valid kinds are 1..MAJORCAT_RULE_KIND_COUNT. */
#define MAJORCAT_RULE_KIND_COUNT 10

/* Kinds of penalty, 《行政处罚法》第九条. 通报批评 (same item as 警告) is recorded
 * as WARNING; 撤销许可 and other measures outside 第九条 as OTHER. */
enum majorcat_act {
	MAJORCAT_ACT_WARNING = 1,          /* 警告 (第一项) */
	MAJORCAT_ACT_FINE,                 /* 罚款 (第二项) */
	MAJORCAT_ACT_CONFISCATE,           /* 没收违法所得/非法财物 (第二项) */
	MAJORCAT_ACT_SUSPEND_LICENSE,      /* 暂扣许可证件 (第三项) */
	MAJORCAT_ACT_REVOKE_LICENSE,       /* 吊销许可证件 (第三项) */
	MAJORCAT_ACT_LOWER_QUALIFICATION,  /* 降低资质等级 (第三项) */
	MAJORCAT_ACT_RESTRICT_ACTIVITY,    /* 限制开展生产经营活动 (第四项) */
	MAJORCAT_ACT_ORDER_SUSPEND,        /* 责令停产停业 (第四项) */
	MAJORCAT_ACT_ORDER_CLOSE,          /* 责令关闭 (第四项) */
	MAJORCAT_ACT_RESTRICT_EMPLOYMENT,  /* 限制从业 (第四项) */
	MAJORCAT_ACT_DETENTION,            /* 行政拘留 (第五项) */
	MAJORCAT_ACT_OTHER,                /* 其他 (第六项) */
};

#define MAJORCAT_ACT_COUNT 12
/* The bit of an act in an acts_mask; bit 0 is never used. */
#define MAJORCAT_ACT_BIT(act) (1u << (unsigned)(act))
/* Every known act's bit: bits 1..MAJORCAT_ACT_COUNT. */
#define MAJORCAT_ACTS_KNOWN (((1u << (MAJORCAT_ACT_COUNT + 1)) - 1u) & ~1u)

struct majorcat_rule {
	char id[MAJORCAT_ID_SIZE];         /* stable, unique in the catalog */
	char title[MAJORCAT_TITLE_SIZE];   /* 中文, what reasons show: "对单位处以十万元以上罚款" */
	enum majorcat_rule_kind kind;
	unsigned acts_mask;                /* ACT_KIND: non-empty set of MAJORCAT_ACT_BIT;
					    * 0 for every other kind */
	int64_t threshold_fen;             /* FINE/CONFISCATION/COERCION_AT_LEAST:
					    * 1..MAJORCAT_MAX_FEN 分; 0 for other kinds */
	char party_type[MAJORCAT_PARTY_SIZE]; /* "person" | "organization"; "" = both */
	char matter_codes[MAJORCAT_MAX_CODES][MAJORCAT_CODE_SIZE]; /* MATTER: distinct codes */
	size_t matter_code_count;          /* MATTER: 1..MAJORCAT_MAX_CODES; 0 for other kinds */
	char basis[MAJORCAT_BASIS_SIZE];   /* legal basis, e.g. "《行政处罚法》第五十八条
					    * 第一款第一项"; required */
};

struct majorcat {
	struct majorcat_rule *rules;       /* owned (sx_calloc); NULL when count is 0 */
	size_t count;                      /* 0..MAJORCAT_MAX_RULES */
};

/* What the case looks like to the catalog. Borrowed strings. */
struct majorcat_case {
	const char *kind;          /* "penalty" | "inspection" | "coercion" (casefile_kind_code) */
	const char *procedure;     /* "general" | "simple" (simple only for penalty) */
	const char *matter_code;   /* NULL or "" = none */
	const char *party_type;    /* "person" | "organization"; NULL or "" = unknown/none */
	unsigned acts_mask;        /* MAJORCAT_ACT_BITs of the decision (draft) */
	int64_t fine_fen;          /* ≥ 0; 0 = no fine */
	int64_t confiscation_fen;  /* value confiscated, ≥ 0 */
	int64_t coercion_value_fen;/* value of property 查封、扣押, ≥ 0 */
	bool hearing_held;
	bool public_interest;      /* staff flags (第五十八条第一款第一项) */
	bool complex;              /* 第三项 */
	bool multi_agency;
	bool matter_flagged_major; /* the 事项清单's 重大执法决定 flag of the matter */
};

struct majorcat_match {
	bool major;
	size_t rule_count;                      /* rules that matched */
	size_t rule_index[MAJORCAT_MAX_RULES];  /* their indexes in the catalog, in catalog order */
	char reasons[MAJORCAT_REASONS_SIZE];    /* 中文, "" when not major: "事项清单列为重大
						 * 执法决定" (when matter_flagged_major) then each
						 * matched rule's title, joined by '；'. When all
						 * would not fit, whole titles only, then "…"
						 * (rule_index still lists every match) */
};

/* Frees the rules of c and zeroes it. c may be NULL. */
void majorcat_clear(struct majorcat *c);

/*
 * Checks the catalog. On the first problem returns SX_EINVALID with one of
 * these codes in err and a zh-CN message naming the rule ("第 2 条规则（fine-
 * person）：…"):
 *   majorcat_bad_catalog       c NULL, or rules NULL with count > 0
 *   majorcat_too_many          count > MAJORCAT_MAX_RULES
 *   majorcat_bad_id            id empty, too long or not of [A-Za-z0-9-_.]
 *   majorcat_duplicate_id      two rules with one id (the message names both)
 *   majorcat_bad_title         title empty/blank, too long, not UTF-8, control characters
 *   majorcat_bad_kind          kind out of range
 *   majorcat_bad_acts          ACT_KIND with an empty mask or unknown bits;
 *                              another kind with a non-zero mask
 *   majorcat_bad_threshold     an amount kind with threshold outside 1..MAJORCAT_MAX_FEN;
 *                              another kind with a non-zero threshold
 *   majorcat_bad_party_type    party_type not "", "person" or "organization"
 *   majorcat_bad_matter_codes  MATTER without codes, more than MAJORCAT_MAX_CODES,
 *                              a malformed or repeated code; another kind with codes
 *   majorcat_bad_basis         basis empty/blank, too long, not UTF-8, control characters
 * Rules are checked in order, fields in the order above.
 */
int majorcat_validate(const struct majorcat *c, struct sx_error *err);

/*
 * Whether the case k is major under catalog c, and why (see the header
 * comment for the rules). c must be valid: it is checked first and its
 * majorcat_validate error returned. Errors for the case, SX_EINVALID
 * "majorcat_bad_case" (the message names the field): k NULL, kind or
 * procedure unknown or not a pair casefile allows, party_type not one of the
 * words, a negative amount, acts_mask with unknown bits.
 * On success *out is filled; on error *out is zeroed (not major). out NULL is
 * SX_EINVALID "majorcat_bad_case".
 */
int majorcat_match(struct majorcat_match *out, const struct majorcat *c,
		   const struct majorcat_case *k, struct sx_error *err);

/*
 * A sensible catalog for an agency that has not written its own:
 *   act-kind            吊销许可证件 责令停产停业 责令关闭 限制从业 行政拘留 降低资质等级
 *   fine-person         个人 罚款 ≥ 1 万元
 *   fine-organization   单位 罚款 ≥ 10 万元
 *   confiscation        没收 ≥ 5 万元
 *   coercion            查封、扣押 ≥ 10 万元
 *   hearing, public-interest, complex, multi-agency   the flags
 * each with its basis. Left out on purpose: ALL_GENERAL_PENALTIES (it would
 * make every other penalty rule moot; an agency opts in) and MATTER (the
 * codes are the agency's own; the 事项清单's flag already counts).
 * *out is overwritten, not cleared first: pass a zeroed or cleared catalog.
 * Returns 0, SX_EINVALID (out NULL), SX_ENOMEM (then *out is zeroed).
 */
int majorcat_default(struct majorcat *out, struct sx_error *err);

/* ---- words ---- */

/* "all_general_penalties" "act_kind" "fine_at_least" "confiscation_at_least"
 * "hearing_held" "public_interest" "complex" "multi_agency" "matter"
 * "coercion_at_least"; NULL out of range. */
const char *majorcat_rule_kind_code(enum majorcat_rule_kind kind);
/* 全部普通程序处罚 处罚种类 罚款数额 没收数额 经过听证 涉及重大公共利益
 * 疑难复杂 跨部门 执法事项 查封扣押数额; NULL out of range. */
const char *majorcat_rule_kind_label(enum majorcat_rule_kind kind);
/* Exact code → kind. SX_EINVALID "majorcat_bad_kind" for NULL or an unknown
 * code; *out unchanged. err may be NULL. */
int majorcat_rule_kind_from_code(enum majorcat_rule_kind *out, const char *code,
				 struct sx_error *err);

/* "warning" "fine" "confiscate" "suspend_license" "revoke_license"
 * "lower_qualification" "restrict_activity" "order_suspend" "order_close"
 * "restrict_employment" "detention" "other"; NULL out of range. */
const char *majorcat_act_code(enum majorcat_act act);
/* 警告 罚款 没收违法所得/非法财物 暂扣许可证件 吊销许可证件 降低资质等级
 * 限制开展生产经营活动 责令停产停业 责令关闭 限制从业 行政拘留 其他; NULL out of range. */
const char *majorcat_act_label(enum majorcat_act act);
/* Exact code → act. SX_EINVALID "majorcat_bad_act" for NULL or an unknown
 * code; *out unchanged. err may be NULL. */
int majorcat_act_from_code(enum majorcat_act *out, const char *code, struct sx_error *err);

#endif
