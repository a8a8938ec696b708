/*
 * domain/casefile — see casefile.h for the paths and the laws they follow.
 *
 * Decisions taken here:
 *   - One table, `transitions`, is the only place that knows the paths. Which
 *     stages belong to a kind/procedure, where a case starts (the `from` of
 *     the pair's first row), which moves exist, which need a reason and which
 *     are gated on the case's flags are all read from it.
 *   - Gates are flags of a row, so a gated move is reported with its own
 *     code ("review_required") rather than "transition_not_allowed": the move
 *     is in the path, only the case is not ready for it.
 *   - Checks run from the cheapest to understand to the most specific: bad
 *     values, then the final stage, then the table, then gates, then the
 *     reason. A person is told the first thing to fix.
 *   - Of the gates of one row, those that choose the way (major or not, a
 *     hearing or not) come before those that wait for the review: a case
 *     without a hearing that asks LEGAL_REVIEW → DECISION is told to go to
 *     NOTICE, not to wait for a review that would not open the move either.
 */
#include "domain/casefile.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Row flags. */
enum {
	TR_REASON = 1 << 0,          /* needs a non-empty reason */
	TR_MAJOR_ONLY = 1 << 1,      /* only for a major case, else review_not_applicable */
	TR_NOT_MAJOR_ONLY = 1 << 2,  /* only for a non-major case, else review_required */
	TR_REVIEW_PASSED = 1 << 3,   /* needs review_passed, else review_required */
	TR_HEARING_ONLY = 1 << 4,    /* only with a hearing requested, else hearing_not_requested */
	TR_NO_HEARING_ONLY = 1 << 5, /* only without one, else hearing_required */
	TR_MAJOR_REVIEWED = 1 << 6,  /* a major case needs review_passed, else
				      * review_required; a non-major case passes */
};

struct transition {
	enum casefile_kind kind;
	enum casefile_procedure procedure;
	enum casefile_stage from;
	enum casefile_stage to;
	unsigned flags;
};

#define PEN_G CASEFILE_KIND_PENALTY, CASEFILE_PROC_GENERAL
#define PEN_S CASEFILE_KIND_PENALTY, CASEFILE_PROC_SIMPLE
#define INSP CASEFILE_KIND_INSPECTION, CASEFILE_PROC_GENERAL
#define COER CASEFILE_KIND_COERCION, CASEFILE_PROC_GENERAL

/* Rows of one pair are together, its first row starts at the pair's first
 * stage, and the rows of one `from` list the main path first. */
static const struct transition transitions[] = {
	/* 行政处罚 普通程序, 《行政处罚法》第五十四条至第六十七条. */
	{PEN_G, CASEFILE_STAGE_FILED, CASEFILE_STAGE_INVESTIGATION, 0},
	{PEN_G, CASEFILE_STAGE_INVESTIGATION, CASEFILE_STAGE_EXAMINATION, 0},
	/* 第五十七条第一款第二、三、四项: 不予处罚, 违法事实不能成立, 移送司法机关. */
	{PEN_G, CASEFILE_STAGE_INVESTIGATION, CASEFILE_STAGE_CLOSED, TR_REASON},
	/* 第五十八条: 重大执法决定 are reviewed before the decision. */
	{PEN_G, CASEFILE_STAGE_EXAMINATION, CASEFILE_STAGE_LEGAL_REVIEW, TR_MAJOR_ONLY},
	{PEN_G, CASEFILE_STAGE_EXAMINATION, CASEFILE_STAGE_NOTICE, TR_NOT_MAJOR_ONLY},
	{PEN_G, CASEFILE_STAGE_EXAMINATION, CASEFILE_STAGE_CLOSED, TR_REASON},
	{PEN_G, CASEFILE_STAGE_LEGAL_REVIEW, CASEFILE_STAGE_NOTICE, TR_REVIEW_PASSED},
	/* 第五十八条第一款第二项: a case that went through a hearing is reviewed
	 * after it, before the decision; without a hearing the way out of the
	 * review is NOTICE (第四十四条: 告知 comes before the decision). */
	{PEN_G, CASEFILE_STAGE_LEGAL_REVIEW, CASEFILE_STAGE_DECISION,
	 TR_HEARING_ONLY | TR_REVIEW_PASSED},
	{PEN_G, CASEFILE_STAGE_LEGAL_REVIEW, CASEFILE_STAGE_EXAMINATION, TR_REASON},
	/* 第四十四条, 第六十三条: 告知; 第六十四条: 听证 when the party asks for it.
	 * 第五十八条: a major case is decided only on the draft the review approved,
	 * so a draft changed after the review closes the way to DECISION. */
	{PEN_G, CASEFILE_STAGE_NOTICE, CASEFILE_STAGE_HEARING, TR_HEARING_ONLY},
	{PEN_G, CASEFILE_STAGE_NOTICE, CASEFILE_STAGE_DECISION,
	 TR_NO_HEARING_ONLY | TR_MAJOR_REVIEWED},
	/* 第四十五条: facts raised in 陈述、申辩 are examined again. */
	{PEN_G, CASEFILE_STAGE_NOTICE, CASEFILE_STAGE_EXAMINATION, TR_REASON},
	{PEN_G, CASEFILE_STAGE_HEARING, CASEFILE_STAGE_DECISION, TR_MAJOR_REVIEWED},
	/* 第五十八条第一款第二项: 经过听证程序 — the review after the hearing. */
	{PEN_G, CASEFILE_STAGE_HEARING, CASEFILE_STAGE_LEGAL_REVIEW, TR_MAJOR_ONLY},
	{PEN_G, CASEFILE_STAGE_HEARING, CASEFILE_STAGE_EXAMINATION, TR_REASON},
	/* 第六十一条: 送达. */
	{PEN_G, CASEFILE_STAGE_DECISION, CASEFILE_STAGE_SERVICE, 0},
	{PEN_G, CASEFILE_STAGE_DECISION, CASEFILE_STAGE_CLOSED, TR_REASON},
	{PEN_G, CASEFILE_STAGE_SERVICE, CASEFILE_STAGE_EXECUTION, 0},
	{PEN_G, CASEFILE_STAGE_SERVICE, CASEFILE_STAGE_CLOSED, 0},
	{PEN_G, CASEFILE_STAGE_EXECUTION, CASEFILE_STAGE_CLOSED, 0},
	{PEN_G, CASEFILE_STAGE_CLOSED, CASEFILE_STAGE_ARCHIVED, 0},

	/* 行政处罚 简易程序, 第五十一条至第五十三条. */
	{PEN_S, CASEFILE_STAGE_ON_SPOT, CASEFILE_STAGE_DECISION, 0},
	{PEN_S, CASEFILE_STAGE_DECISION, CASEFILE_STAGE_SERVICE, 0},
	{PEN_S, CASEFILE_STAGE_SERVICE, CASEFILE_STAGE_EXECUTION, 0},
	{PEN_S, CASEFILE_STAGE_SERVICE, CASEFILE_STAGE_CLOSED, 0},
	{PEN_S, CASEFILE_STAGE_EXECUTION, CASEFILE_STAGE_CLOSED, 0},
	{PEN_S, CASEFILE_STAGE_CLOSED, CASEFILE_STAGE_ARCHIVED, 0},

	/* 行政检查. */
	{INSP, CASEFILE_STAGE_INSPECTION, CASEFILE_STAGE_HANDLING, 0},
	{INSP, CASEFILE_STAGE_HANDLING, CASEFILE_STAGE_RECHECK, 0},
	{INSP, CASEFILE_STAGE_HANDLING, CASEFILE_STAGE_CLOSED, 0},
	{INSP, CASEFILE_STAGE_RECHECK, CASEFILE_STAGE_CLOSED, 0},
	{INSP, CASEFILE_STAGE_RECHECK, CASEFILE_STAGE_HANDLING, 0},
	{INSP, CASEFILE_STAGE_CLOSED, CASEFILE_STAGE_ARCHIVED, 0},

	/* 行政强制, 《行政强制法》第十八条 (审批), 第二十四条至第二十八条. */
	{COER, CASEFILE_STAGE_APPROVAL, CASEFILE_STAGE_COERCION, 0},
	{COER, CASEFILE_STAGE_COERCION, CASEFILE_STAGE_DECISION, 0},
	/* 第二十八条: 解除查封、扣押. */
	{COER, CASEFILE_STAGE_COERCION, CASEFILE_STAGE_CLOSED, TR_REASON},
	{COER, CASEFILE_STAGE_DECISION, CASEFILE_STAGE_SERVICE, 0},
	{COER, CASEFILE_STAGE_SERVICE, CASEFILE_STAGE_CLOSED, 0},
	{COER, CASEFILE_STAGE_CLOSED, CASEFILE_STAGE_ARCHIVED, 0},
};

static const struct {
	const char *code;
	const char *label;
} stage_words[CASEFILE_STAGE_COUNT + 1] = {
	[CASEFILE_STAGE_FILED] = {"filed", "立案"},
	[CASEFILE_STAGE_INVESTIGATION] = {"investigation", "调查取证"},
	[CASEFILE_STAGE_EXAMINATION] = {"examination", "审查"},
	[CASEFILE_STAGE_LEGAL_REVIEW] = {"legal_review", "法制审核"},
	[CASEFILE_STAGE_NOTICE] = {"notice", "告知"},
	[CASEFILE_STAGE_HEARING] = {"hearing", "听证"},
	[CASEFILE_STAGE_DECISION] = {"decision", "决定"},
	[CASEFILE_STAGE_SERVICE] = {"service", "送达"},
	[CASEFILE_STAGE_EXECUTION] = {"execution", "执行"},
	[CASEFILE_STAGE_CLOSED] = {"closed", "结案"},
	[CASEFILE_STAGE_ARCHIVED] = {"archived", "归档"},
	[CASEFILE_STAGE_ON_SPOT] = {"on_spot", "当场处罚"},
	[CASEFILE_STAGE_INSPECTION] = {"inspection", "现场检查"},
	[CASEFILE_STAGE_HANDLING] = {"handling", "检查处理"},
	[CASEFILE_STAGE_RECHECK] = {"recheck", "整改复查"},
	[CASEFILE_STAGE_APPROVAL] = {"approval", "强制审批"},
	[CASEFILE_STAGE_COERCION] = {"coercion", "实施强制"},
};

#define KIND_COUNT 3
static const struct {
	const char *code;
	const char *label;
} kind_words[KIND_COUNT + 1] = {
	[CASEFILE_KIND_PENALTY] = {"penalty", "行政处罚"},
	[CASEFILE_KIND_INSPECTION] = {"inspection", "行政检查"},
	[CASEFILE_KIND_COERCION] = {"coercion", "行政强制"},
};

#define PROCEDURE_COUNT 2
static const struct {
	const char *code;
	const char *label;
} procedure_words[PROCEDURE_COUNT + 1] = {
	[CASEFILE_PROC_GENERAL] = {"general", "普通程序"},
	[CASEFILE_PROC_SIMPLE] = {"simple", "简易程序"},
};

/* 音像记录 names that are not stage labels, per kind (0 = any kind). Rows of a
 * particular kind come before the generic ones of the same name. */
static const struct {
	const char *name;
	enum casefile_kind kind;
	enum casefile_stage stage;
} av_aliases[] = {
	{"现场检查", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"现场检查", CASEFILE_KIND_INSPECTION, CASEFILE_STAGE_INSPECTION},
	/* 《行政处罚法》第五十六条: 先行登记保存 / 查封扣押 while collecting evidence. */
	{"查封扣押", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"查封", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"扣押", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"查封扣押", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	{"查封", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	{"扣押", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	{"实施查封扣押", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"实施查封扣押", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	/* 《行政强制法》第二十七条、第二十八条: 解除 is the decision that ends a 查封扣押. */
	{"解除查封扣押", CASEFILE_KIND_COERCION, CASEFILE_STAGE_DECISION},
	/* 抽样 (sampling) happens during the inspection or the investigation. */
	{"抽样", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_INVESTIGATION},
	{"抽样", CASEFILE_KIND_INSPECTION, CASEFILE_STAGE_INSPECTION},
	{"强制拆除", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_EXECUTION},
	{"强制执行", CASEFILE_KIND_PENALTY, CASEFILE_STAGE_EXECUTION},
	{"强制拆除", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	{"强制执行", CASEFILE_KIND_COERCION, CASEFILE_STAGE_COERCION},
	{"留置送达", 0, CASEFILE_STAGE_SERVICE},
	{"送达", 0, CASEFILE_STAGE_SERVICE},
	{"听证", 0, CASEFILE_STAGE_HEARING},
	{"询问", 0, CASEFILE_STAGE_INVESTIGATION},
	{"调查", 0, CASEFILE_STAGE_INVESTIGATION},
	{"当场处罚", 0, CASEFILE_STAGE_ON_SPOT},
};

static bool kind_is_valid(enum casefile_kind k)
{
	return k >= CASEFILE_KIND_PENALTY && k <= CASEFILE_KIND_COERCION;
}

static bool procedure_is_valid(enum casefile_procedure p)
{
	return p >= CASEFILE_PROC_GENERAL && p <= CASEFILE_PROC_SIMPLE;
}

static bool stage_is_valid(enum casefile_stage s)
{
	return s >= CASEFILE_STAGE_FILED && s <= CASEFILE_STAGE_COUNT;
}

/* Whether a row of kind (and of procedure, unless any_procedure) names stage. */
static bool stage_belongs(enum casefile_kind kind, enum casefile_procedure proc, bool any_procedure,
			  enum casefile_stage stage)
{
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		const struct transition *t = &transitions[i];

		if (t->kind != kind || (!any_procedure && t->procedure != proc))
			continue;
		if (t->from == stage || t->to == stage)
			return true;
	}
	return false;
}

static const struct transition *transition_find(enum casefile_kind kind,
						enum casefile_procedure proc,
						enum casefile_stage from, enum casefile_stage to)
{
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		const struct transition *t = &transitions[i];

		if (t->kind == kind && t->procedure == proc && t->from == from && t->to == to)
			return t;
	}
	return NULL;
}

/* Whether s[0..len) starts with the UTF-8 of a blank: ASCII blank, U+00A0 or
 * U+3000; returns its length in bytes, 0 when it is not one. */
static size_t blank_len(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ||
			 s[0] == '\v' || s[0] == '\f'))
		return 1;
	if (len >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
		return 2;
	if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static bool reason_is_given(const char *reason)
{
	size_t len, i = 0;

	if (reason == NULL)
		return false;
	len = strlen(reason);
	while (i < len) {
		size_t n = blank_len(reason + i, len - i);

		if (n == 0)
			return true;
		i += n;
	}
	return false;
}

int casefile_kind_procedure_check(enum casefile_kind kind, enum casefile_procedure proc,
				  struct sx_error *err)
{
	if (!kind_is_valid(kind))
		return sx_error_setf(err, SX_EINVALID, "bad_kind", "案件类型不合法", "kind=%d",
				     (int)kind);
	if (!procedure_is_valid(proc))
		return sx_error_setf(err, SX_EINVALID, "bad_procedure", "办案程序不合法",
				     "procedure=%d", (int)proc);
	if (casefile_first_stage(kind, proc) == 0) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "%s案件只适用普通程序，不适用%s",
			 kind_words[kind].label, procedure_words[proc].label);
		return sx_error_set(err, SX_EINVALID, "bad_procedure", message);
	}
	return 0;
}

enum casefile_stage casefile_first_stage(enum casefile_kind kind, enum casefile_procedure proc)
{
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		if (transitions[i].kind == kind && transitions[i].procedure == proc)
			return transitions[i].from;
	}
	return (enum casefile_stage)0;
}

/* Refuses a stage that is out of range or not of the case's kind/procedure. */
static int bad_stage(struct sx_error *err, const struct casefile_state *s,
		     enum casefile_stage stage)
{
	char message[SX_ERROR_MESSAGE_MAX];

	if (!stage_is_valid(stage))
		return sx_error_setf(err, SX_EINVALID, "bad_stage", "案件环节不合法", "stage=%d",
				     (int)stage);
	snprintf(message, sizeof(message), "“%s”不是%s（%s）案件的环节",
		 stage_words[stage].label, kind_words[s->kind].label,
		 procedure_words[s->procedure].label);
	return sx_error_setf(err, SX_EINVALID, "bad_stage", message,
			     "stage=%s kind=%s procedure=%s", stage_words[stage].code,
			     kind_words[s->kind].code, procedure_words[s->procedure].code);
}

static int not_allowed(struct sx_error *err, const struct casefile_state *s,
		       enum casefile_stage to)
{
	char message[SX_ERROR_MESSAGE_MAX];
	enum casefile_stage next[CASEFILE_STAGE_COUNT];
	size_t count = 0, used;
	int n;

	casefile_next_stages(next, &count, s);
	n = snprintf(message, sizeof(message), "不能从“%s”转到“%s”：办案流程中没有这一步",
		     stage_words[s->stage].label, stage_words[to].label);
	used = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < count && used < sizeof(message); i++) {
		n = snprintf(message + used, sizeof(message) - used, "%s%s",
			     i == 0 ? "，当前可转到：" : "、", stage_words[next[i]].label);
		used += n < 0 ? 0 : (size_t)n;
	}
	return sx_error_setf(err, SX_ECONFLICT, "transition_not_allowed", message,
			     "kind=%s procedure=%s from=%s to=%s", kind_words[s->kind].code,
			     procedure_words[s->procedure].code, stage_words[s->stage].code,
			     stage_words[to].code);
}

/*
 * Checks the gate flags of row t against the case; 0 when every gate is open.
 * The gates that choose the way (major or not, hearing or not) run before
 * those that wait for the review; the words depend on the row, since one flag
 * guards moves out of different stages.
 */
static int gates_check(const struct transition *t, const struct casefile_state *s,
		       struct sx_error *err)
{
	bool from_hearing = t->from == CASEFILE_STAGE_HEARING;

	if ((t->flags & TR_MAJOR_ONLY) && !s->major)
		return sx_error_set(err, SX_ECONFLICT, "review_not_applicable",
				    from_hearing
					    ? "本案未认定为重大执法决定，不进行法制审核；经过听证程序的"
					      "案件属于重大执法决定（《行政处罚法》第五十八条第一款"
					      "第二项），请先更正案件认定"
					    : "本案不是重大执法决定，不进行法制审核，请直接转到告知；"
					      "如属重大执法决定，请先更正案件认定");
	if ((t->flags & TR_NOT_MAJOR_ONLY) && s->major)
		return sx_error_set(err, SX_ECONFLICT, "review_required",
				    "本案属于重大执法决定，告知前必须经过法制审核"
				    "（《行政处罚法》第五十八条），请先转到法制审核");
	if ((t->flags & TR_HEARING_ONLY) && !s->hearing_requested)
		return sx_error_set(err, SX_ECONFLICT, "hearing_not_requested",
				    t->to == CASEFILE_STAGE_HEARING
					    ? "当事人未申请听证，不能进入听证；如当事人已在告知后五日内"
					      "申请（《行政处罚法》第六十四条），请先登记听证申请"
					    : "当事人未申请听证，法制审核后应先告知当事人"
					      "（《行政处罚法》第四十四条），不能直接作出决定，"
					      "请转到告知");
	if ((t->flags & TR_NO_HEARING_ONLY) && s->hearing_requested)
		return sx_error_set(err, SX_ECONFLICT, "hearing_required",
				    "当事人已申请听证，作出决定前必须组织听证"
				    "（《行政处罚法》第六十四条），请先转到听证");
	if ((t->flags & TR_REVIEW_PASSED) && !s->review_passed)
		return sx_error_set(err, SX_ECONFLICT, "review_required",
				    t->to == CASEFILE_STAGE_NOTICE
					    ? "法制审核尚未同意，不能进入告知（《行政处罚法》第五十八条），"
					      "请待审核同意，或退回审查修改"
					    : "法制审核尚未同意，不能作出决定（《行政处罚法》第五十八条），"
					      "请待审核同意，或退回审查修改");
	if ((t->flags & TR_MAJOR_REVIEWED) && s->major && !s->review_passed)
		return sx_error_set(err, SX_ECONFLICT, "review_required",
				    from_hearing
					    ? "重大执法决定须经法制审核同意当前决定草稿后才能作出决定"
					      "（《行政处罚法》第五十八条），请先转到法制审核"
					    : "重大执法决定须经法制审核同意当前决定草稿后才能作出决定"
					      "（《行政处罚法》第五十八条）；审核后草稿有改动的，"
					      "请退回审查后重新提交法制审核");
	return 0;
}

int casefile_transition_check(const struct casefile_state *s, enum casefile_stage to,
			      const char *reason, struct sx_error *err)
{
	const struct transition *t;
	int rc;

	if (s == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_kind", "案件状态缺失");
	if ((rc = casefile_kind_procedure_check(s->kind, s->procedure, err)) < 0)
		return rc;
	if (!stage_is_valid(s->stage) || !stage_belongs(s->kind, s->procedure, false, s->stage))
		return bad_stage(err, s, s->stage);
	if (s->stage == CASEFILE_STAGE_ARCHIVED)
		return sx_error_set(err, SX_ECONFLICT, "stage_final",
				    "案件已归档，不能再转到其他环节；"
				    "如需补正案卷，请按案卷管理规定另行办理");
	if (!stage_is_valid(to) || !stage_belongs(s->kind, s->procedure, false, to))
		return bad_stage(err, s, to);
	t = transition_find(s->kind, s->procedure, s->stage, to);
	if (t == NULL)
		return not_allowed(err, s, to);
	if ((rc = gates_check(t, s, err)) < 0)
		return rc;
	if ((t->flags & TR_REASON) && !reason_is_given(reason)) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message),
			 "从“%s”转到“%s”必须填写理由和依据，请补充后再提交",
			 stage_words[s->stage].label, stage_words[to].label);
		return sx_error_set(err, SX_ECONFLICT, "reason_required", message);
	}
	return 0;
}

void casefile_next_stages(enum casefile_stage out[], size_t *count, const struct casefile_state *s)
{
	size_t n = 0;

	if (count == NULL)
		return;
	if (out != NULL && s != NULL) {
		for (size_t i = 0; i < ARRAY_LEN(transitions) && n < CASEFILE_STAGE_COUNT; i++) {
			const struct transition *t = &transitions[i];

			if (t->kind == s->kind && t->procedure == s->procedure &&
			    t->from == s->stage)
				out[n++] = t->to;
		}
	}
	*count = n;
}

bool casefile_transition_needs_reason(enum casefile_kind kind, enum casefile_procedure proc,
				      enum casefile_stage from, enum casefile_stage to)
{
	const struct transition *t = transition_find(kind, proc, from, to);

	return t != NULL && (t->flags & TR_REASON) != 0;
}

int casefile_simple_eligible(bool is_person, int64_t fine_fen, struct sx_error *err)
{
	int64_t limit = is_person ? CASEFILE_SIMPLE_MAX_FEN_PERSON
				  : CASEFILE_SIMPLE_MAX_FEN_ORGANIZATION;
	char message[SX_ERROR_MESSAGE_MAX];

	if (fine_fen < 0)
		return sx_error_setf(err, SX_EINVALID, "bad_amount", "罚款金额不能为负数",
				     "fine_fen=%" PRId64, fine_fen);
	if (fine_fen <= limit)
		return 0;
	snprintf(message, sizeof(message),
		 "罚款 %" PRId64 ".%02" PRId64 " 元超过简易程序限额：对%s当场处罚的罚款"
		 "不得超过 %" PRId64 " 元（《行政处罚法》第五十一条），请适用普通程序",
		 fine_fen / 100, fine_fen % 100, is_person ? "公民" : "法人或者其他组织",
		 limit / 100);
	return sx_error_setf(err, SX_EINVALID, "simple_not_eligible", message,
			     "fine_fen=%" PRId64 " limit_fen=%" PRId64, fine_fen, limit);
}

/* ---- words ---- */

const char *casefile_stage_code(enum casefile_stage s)
{
	return stage_is_valid(s) ? stage_words[s].code : NULL;
}

const char *casefile_stage_label(enum casefile_stage s)
{
	return stage_is_valid(s) ? stage_words[s].label : NULL;
}

int casefile_stage_from_code(enum casefile_stage *out, const char *code)
{
	if (out == NULL || code == NULL)
		return SX_EINVALID;
	for (int i = CASEFILE_STAGE_FILED; i <= CASEFILE_STAGE_COUNT; i++) {
		if (strcmp(stage_words[i].code, code) == 0) {
			*out = (enum casefile_stage)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *casefile_kind_code(enum casefile_kind k)
{
	return kind_is_valid(k) ? kind_words[k].code : NULL;
}

const char *casefile_kind_label(enum casefile_kind k)
{
	return kind_is_valid(k) ? kind_words[k].label : NULL;
}

int casefile_kind_from_code(enum casefile_kind *out, const char *code)
{
	if (out == NULL || code == NULL)
		return SX_EINVALID;
	for (int i = CASEFILE_KIND_PENALTY; i <= KIND_COUNT; i++) {
		if (strcmp(kind_words[i].code, code) == 0) {
			*out = (enum casefile_kind)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *casefile_procedure_code(enum casefile_procedure p)
{
	return procedure_is_valid(p) ? procedure_words[p].code : NULL;
}

const char *casefile_procedure_label(enum casefile_procedure p)
{
	return procedure_is_valid(p) ? procedure_words[p].label : NULL;
}

int casefile_procedure_from_code(enum casefile_procedure *out, const char *code)
{
	if (out == NULL || code == NULL)
		return SX_EINVALID;
	for (int i = CASEFILE_PROC_GENERAL; i <= PROCEDURE_COUNT; i++) {
		if (strcmp(procedure_words[i].code, code) == 0) {
			*out = (enum casefile_procedure)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

bool casefile_stage_is_open(enum casefile_stage s)
{
	return stage_is_valid(s) && s != CASEFILE_STAGE_CLOSED && s != CASEFILE_STAGE_ARCHIVED;
}

bool casefile_stage_is_decided(enum casefile_stage s)
{
	switch (s) {
	case CASEFILE_STAGE_DECISION:
	case CASEFILE_STAGE_SERVICE:
	case CASEFILE_STAGE_EXECUTION:
	case CASEFILE_STAGE_CLOSED:
	case CASEFILE_STAGE_ARCHIVED:
		return true;
	default:
		return false;
	}
}

int casefile_stage_for_av_name(enum casefile_stage *out, enum casefile_kind kind, const char *name)
{
	const char *start;
	size_t len, n;

	if (out == NULL || name == NULL || !kind_is_valid(kind))
		return SX_EINVALID;
	start = name;
	len = strlen(name);
	while ((n = blank_len(start, len)) > 0) {
		start += n;
		len -= n;
	}
	/* Trailing blanks: step back over whichever blank ends the span. */
	for (;;) {
		if (len >= 1 && blank_len(start + len - 1, 1) == 1)
			len -= 1;
		else if (len >= 2 && blank_len(start + len - 2, 2) == 2)
			len -= 2;
		else if (len >= 3 && blank_len(start + len - 3, 3) == 3)
			len -= 3;
		else
			break;
	}
	for (size_t i = 0; i < ARRAY_LEN(av_aliases); i++) {
		if (av_aliases[i].kind != 0 && av_aliases[i].kind != kind)
			continue;
		if (strlen(av_aliases[i].name) != len ||
		    memcmp(av_aliases[i].name, start, len) != 0)
			continue;
		if (!stage_belongs(kind, (enum casefile_procedure)0, true, av_aliases[i].stage))
			continue;
		*out = av_aliases[i].stage;
		return 0;
	}
	for (int i = CASEFILE_STAGE_FILED; i <= CASEFILE_STAGE_COUNT; i++) {
		const char *label = stage_words[i].label;

		if (strlen(label) != len || memcmp(label, start, len) != 0)
			continue;
		if (!stage_belongs(kind, (enum casefile_procedure)0, true, (enum casefile_stage)i))
			continue;
		*out = (enum casefile_stage)i;
		return 0;
	}
	return SX_ENOTFOUND;
}

/* ---- deadlines ---- */

/* Parses "YYYY-MM-DD" into days since 1970-01-01; false when NULL or malformed. */
static bool date_days(int64_t *out, const char *text)
{
	int y, m, d;

	if (text == NULL || sx_date_parse(&y, &m, &d, text, strnlen(text, SX_DATE_TEXT_LEN)) < 0)
		return false;
	*out = sx_date_to_days(y, m, d);
	return true;
}

int casefile_decision_due_within(char out[11], enum casefile_kind kind, const char *started_on,
				 int limit_days, int extension_days, struct sx_error *err)
{
	int max_extension = CASEFILE_MAX_DAYS;
	int64_t start, due;
	int y, m, d;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if (kind == CASEFILE_KIND_INSPECTION)
		return sx_error_set(err, SX_ENOTFOUND, "no_deadline",
				    "行政检查案件没有作出决定的期限");
	if (kind == CASEFILE_KIND_COERCION)
		max_extension = CASEFILE_COERCION_MAX_EXTENSION_DAYS;
	else if (kind != CASEFILE_KIND_PENALTY)
		return sx_error_setf(err, SX_EINVALID, "bad_kind", "案件类型不合法", "kind=%d",
				     (int)kind);
	if (!date_days(&start, started_on))
		return sx_error_set(err, SX_EINVALID, "bad_date",
				    "起算日期不是有效的日期（YYYY-MM-DD）");
	if (limit_days < 1 || limit_days > CASEFILE_MAX_DAYS)
		return sx_error_setf(err, SX_EINVALID, "bad_limit", "办案期限天数不合法",
				     "limit_days=%d", limit_days);
	if (extension_days < 0 || extension_days > max_extension) {
		if (kind == CASEFILE_KIND_COERCION && extension_days > max_extension)
			return sx_error_setf(err, SX_EINVALID, "bad_extension",
					     "查封、扣押的延长期限不得超过三十日"
					     "（《行政强制法》第二十五条）",
					     "extension_days=%d", extension_days);
		return sx_error_setf(err, SX_EINVALID, "bad_extension", "延长天数不合法",
				     "extension_days=%d", extension_days);
	}
	due = start + limit_days + extension_days;
	if (due > sx_date_to_days(9999, 12, 31))
		return sx_error_set(err, SX_EINVALID, "bad_date", "期限超出可表示的日期范围");
	sx_date_from_days(&y, &m, &d, due);
	sx_date_format(out, y, m, d);
	return 0;
}

int casefile_decision_due(char out[11], enum casefile_kind kind, const char *started_on,
			  int extension_days, struct sx_error *err)
{
	int limit = kind == CASEFILE_KIND_COERCION ? CASEFILE_COERCION_DAYS
						   : CASEFILE_PENALTY_DECISION_DAYS;

	return casefile_decision_due_within(out, kind, started_on, limit, extension_days, err);
}

bool casefile_is_overdue(enum casefile_kind kind, enum casefile_stage stage, const char *due,
			 const char *today)
{
	int64_t due_days, today_days;

	if (kind != CASEFILE_KIND_PENALTY && kind != CASEFILE_KIND_COERCION)
		return false;
	if (!stage_is_valid(stage) || casefile_stage_is_decided(stage))
		return false;
	if (!date_days(&due_days, due) || !date_days(&today_days, today))
		return false;
	return today_days > due_days;
}

int casefile_days_left(int *out, const char *due, const char *today)
{
	int64_t due_days, today_days;

	if (out == NULL || !date_days(&due_days, due) || !date_days(&today_days, today))
		return SX_EINVALID;
	*out = (int)(due_days - today_days);
	return 0;
}
