/*
 * domain/matter — 执法事项 (权力清单) as an agency publishes them, with the
 * parts that hang off each matter: legal basis, procedure steps (from which
 * the flowchart is drawn), the service guide of a 许可, remedies, the
 * 裁量基准 (discretion standards) and the 音像记录 stages. Pure: no I/O, no
 * JSON; the service and HTTP layers convert to and from their formats.
 *
 * What the rules are and where they come from:
 *   - act types are the ten of 国办发〔2018〕118号 and the 权力清单 practice:
 *     许可 处罚 强制 征收 收费 检查 确认 裁决 奖励 其他;
 *   - every matter names at least one legal basis (law + article): 《行政处罚
 *     法》第四条 ("公民、法人或者其他组织违反行政管理秩序的行为，应当给予行政处罚
 *     的，依照本法由法律、法规、规章规定") — nothing is enforced without one;
 *   - a 许可 publishes its service guide: materials, time limit, fees
 *     (《行政许可法》第三十条: 应当将…依据、条件、数量、程序、期限以及需要提交的
 *     全部材料的目录和申请书示范文本等在办公场所公示);
 *   - remedies name the 复议 body and period (《行政复议法》(2023) 第二十条: 六十
 *     日, a law may set longer) and the court and period (《行政诉讼法》第四十六条:
 *     六个月). Periods shorter than those are refused;
 *   - 裁量基准 rows give a penalty range in 分 (int64, never floating point)
 *     with min ≤ max; levels are 不予处罚 减轻处罚 从轻处罚 一般 从重处罚
 *     (《行政处罚法》第三十二条 从轻/减轻, 第三十三条 不予处罚);
 *   - the audio/video requirement is none / key_steps / full_process; a
 *     matter that requires recording lists the stages, and full_process means
 *     every listed stage is fully recorded (国办发〔2018〕118号 三(二): 查封扣押
 *     财产、强制拆除等直接涉及生命健康、重大财产权益的现场执法活动和执法办案场所,
 *     要推行全程音像记录).
 *
 * Ownership: a struct matter owns its arrays (allocated with sx_malloc and
 * friends); matter_clear frees them. Strings are fixed-size fields and are
 * always NUL-terminated UTF-8 once validated.
 */
#ifndef SX_DOMAIN_MATTER_H
#define SX_DOMAIN_MATTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define MATTER_CODE_SIZE 33        /* 1–32 bytes of [A-Za-z0-9-_.] */
#define MATTER_NAME_SIZE 385       /* 384 bytes: 128 CJK characters */
#define MATTER_LAW_SIZE 193        /* 《…》 title, 64 CJK characters */
#define MATTER_ARTICLE_SIZE 193    /* 第…条第…款第…项 */
#define MATTER_UNIT_SIZE 193       /* 责任单位 (an internal unit of the agency) */
#define MATTER_STEP_SIZE 97        /* a step's title: 32 CJK characters */
#define MATTER_TEXT_SIZE 1537      /* free text: 512 CJK characters */
#define MATTER_LEVEL_SIZE 16       /* discretion level word */

#define MATTER_MAX_BASIS 20
#define MATTER_MAX_STEPS 30
#define MATTER_MAX_MATERIALS 50
#define MATTER_MAX_DISCRETION 50
#define MATTER_MAX_AV_STAGES 20
#define MATTER_MAX_DAYS 3650       /* working days in one time limit */
#define MATTER_MAX_FEN ((int64_t)100000000000000) /* 1 万亿元: beyond any fine */

#define MATTER_REVIEW_MIN_DAYS 60      /* 《行政复议法》第二十条 */
#define MATTER_LITIGATION_MIN_MONTHS 6 /* 《行政诉讼法》第四十六条 */

enum matter_act_type {
	MATTER_ACT_LICENSE = 1,   /* 许可 */
	MATTER_ACT_PENALTY,       /* 处罚 */
	MATTER_ACT_COERCION,      /* 强制 */
	MATTER_ACT_EXPROPRIATION, /* 征收 */
	MATTER_ACT_CHARGE,        /* 收费 */
	MATTER_ACT_INSPECTION,    /* 检查 */
	MATTER_ACT_CONFIRMATION,  /* 确认 */
	MATTER_ACT_ADJUDICATION,  /* 裁决 */
	MATTER_ACT_REWARD,        /* 奖励 */
	MATTER_ACT_OTHER,         /* 其他 */
};

enum matter_av_requirement {
	MATTER_AV_NONE = 0,
	MATTER_AV_KEY_STEPS,
	MATTER_AV_FULL_PROCESS,
};

struct matter_basis {
	char law[MATTER_LAW_SIZE];         /* 《中华人民共和国食品安全法》 */
	char article[MATTER_ARTICLE_SIZE]; /* 第一百二十二条第一款 */
};

struct matter_step {
	char title[MATTER_STEP_SIZE];      /* 立案 */
	char detail[MATTER_TEXT_SIZE];     /* "" = none */
	int days;                          /* working-day limit of the step; 0 = none given */
};

struct matter_guide {
	char (*materials)[MATTER_TEXT_SIZE]; /* owned array of material_count texts */
	size_t material_count;             /* 1..MATTER_MAX_MATERIALS */
	int legal_days;                    /* 法定办结时限, working days, 1..MATTER_MAX_DAYS */
	int promised_days;                 /* 承诺办结时限, 1..legal_days; 0 = same as legal */
	int64_t fee_fen;                   /* 0 = 不收费 */
	char fee_basis[MATTER_TEXT_SIZE];  /* required when fee_fen > 0 */
	char place[MATTER_TEXT_SIZE];      /* 办理地点 / 网上办理 address; "" = not given */
};

struct matter_remedies {
	char review_body[MATTER_UNIT_SIZE];     /* 行政复议机关 */
	int review_days;                        /* ≥ MATTER_REVIEW_MIN_DAYS */
	char litigation_court[MATTER_UNIT_SIZE];/* 管辖法院 */
	int litigation_months;                  /* ≥ MATTER_LITIGATION_MIN_MONTHS */
};

struct matter_discretion {
	char circumstance[MATTER_TEXT_SIZE];  /* 违法情节 */
	char level[MATTER_LEVEL_SIZE];        /* no_penalty | mitigated | lighter | ordinary | heavier */
	int64_t min_fen;                      /* 0..max_fen */
	int64_t max_fen;                      /* ≤ MATTER_MAX_FEN */
	char other[MATTER_TEXT_SIZE];         /* other measures: 警告, 没收违法所得 …; "" = none */
};

struct matter_av_stage {
	char stage[MATTER_STEP_SIZE];         /* 现场检查, 查封扣押 … */
	bool full_process;                    /* the stage is recorded from start to end */
};

struct matter {
	char code[MATTER_CODE_SIZE];
	char name[MATTER_NAME_SIZE];
	enum matter_act_type act_type;
	char unit[MATTER_UNIT_SIZE];
	bool random_inspection;               /* 随机抽查事项 */
	bool major_decision;                  /* 重大执法决定: needs legal review */
	enum matter_av_requirement av_requirement;

	struct matter_basis *basis;           /* owned; 1..MATTER_MAX_BASIS */
	size_t basis_count;
	struct matter_step *steps;            /* owned; 1..MATTER_MAX_STEPS */
	size_t step_count;
	bool has_guide;                       /* required (true) for 许可 */
	struct matter_guide guide;            /* meaningful when has_guide */
	struct matter_remedies remedies;
	struct matter_discretion *discretion; /* owned; 0..MATTER_MAX_DISCRETION */
	size_t discretion_count;
	struct matter_av_stage *av_stages;    /* owned; ≥1 unless av_requirement is none, then 0 */
	size_t av_stage_count;
};

/* Frees the arrays of m and zeroes it. m may be NULL. */
void matter_clear(struct matter *m);

/* Deep copy: *out receives its own arrays (matter_clear it). On error *out is zeroed. */
int matter_copy(struct matter *out, const struct matter *src);

/* "许可" … "其他" <-> enum. SX_EINVALID for an unknown word. */
int matter_act_type_from_label(enum matter_act_type *out, const char *label);
const char *matter_act_type_label(enum matter_act_type t);

/* "none" | "key_steps" | "full_process" <-> enum; labels 不要求 / 关键环节 / 全过程. */
int matter_av_from_name(enum matter_av_requirement *out, const char *name);
const char *matter_av_name(enum matter_av_requirement av);
const char *matter_av_label(enum matter_av_requirement av);

/* Discretion levels: names no_penalty mitigated lighter ordinary heavier;
 * labels 不予处罚 减轻处罚 从轻处罚 一般 从重处罚. matter_discretion_level_is_known
 * accepts exactly the names. matter_discretion_level_label returns "" for others. */
bool matter_discretion_level_is_known(const char *name);
const char *matter_discretion_level_label(const char *name);

/*
 * Checks every rule of the header comment and the size limits. On the first
 * problem returns SX_EINVALID with a stable code in err and a zh-CN message
 * naming the field ("第 2 条裁量基准：最低罚款不能高于最高罚款"):
 *   matter_bad_code, matter_bad_name, matter_bad_unit, matter_no_basis,
 *   matter_bad_basis, matter_no_steps, matter_bad_step, matter_guide_required,
 *   matter_bad_guide, matter_bad_remedies, matter_bad_discretion,
 *   matter_av_stages_required, matter_bad_av_stage, matter_too_many.
 * Texts must be valid UTF-8 without control characters (detail fields may hold
 * line breaks); names, codes and titles must not be empty or only blanks.
 */
int matter_validate(const struct matter *m, struct sx_error *err);

/* Checks a whole list: every matter valid, codes unique (matter_duplicate_code,
 * naming both positions). At most MATTER_MAX_LIST matters. */
#define MATTER_MAX_LIST 5000
int matter_validate_list(const struct matter *items, size_t count, struct sx_error *err);

/* Money for people: 123456 分 → "1,234.56 元". out_size ≥ 32. */
int matter_format_fen(char *out, size_t out_size, int64_t fen);

/*
 * The matter as readable lines, the unit of the 历史版本 diff: one line per
 * scalar field ("名称：…"), one per legal basis, step, material, discretion row
 * and AV stage ("裁量基准 2：从轻处罚｜首次违法…｜0.00 元 至 5,000.00 元｜警告").
 * Every line is self-contained so that a changed row reads on its own.
 * *out is an owned array of *count owned strings: matter_lines_free.
 */
int matter_lines(char ***out, size_t *count, const struct matter *m);
void matter_lines_free(char **lines, size_t count);

#endif
