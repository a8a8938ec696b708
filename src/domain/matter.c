/*
 * domain/matter — see matter.h for the rules and the laws they come from.
 *
 * Decisions taken here:
 *   - Text fields are fixed-size arrays: a field without a NUL inside its
 *     array is "too long". Control characters are C0 (U+0000..U+001F), DEL
 *     and C1 (U+007F..U+009F). The free-text fields (those of
 *     MATTER_TEXT_SIZE: step details, materials, fee basis, place, 违法情节,
 *     other measures) may hold '\n'; every other field is one line. "Blank"
 *     means only spaces, U+00A0 or U+3000 (全角空格) and line breaks.
 *   - A law's name is written in 书名号: "《…》" with something inside.
 *   - A matter that is not a 许可 must not carry a guide (has_guide false).
 *   - Arrays longer than their MATTER_MAX_* are matter_too_many; an act type
 *     or audio/video requirement outside its enum is matter_bad_act_type or
 *     matter_bad_av_requirement (codes the header's list does not name).
 *   - Messages name the position: "第 2 条裁量基准：…", "办理流程第 3 步：…".
 *
 * matter_lines writes these lines, in this order (N counts from 1 within
 * its group; parts in [] are left out when the field is empty or zero):
 *   编码：XK-001
 *   名称：…
 *   类别：许可
 *   责任单位：…
 *   实施依据 N：《…》第…条
 *   办理流程 N：受理[（5 个工作日）][｜detail]
 *   随机抽查：是|否
 *   重大执法决定：是|否
 *   音像记录：不要求|关键环节|全过程
 *   音像记录环节 N：现场检查[（全过程记录）]
 *   -- only when has_guide:
 *   申请材料 N：…
 *   法定时限：20 个工作日
 *   承诺时限：10 个工作日 | 承诺时限：同法定时限
 *   收费：不收费 | 收费：1,234.56 元[（依据：…）]
 *   [办理地点：…]
 *   --
 *   行政复议：<body>，60 日内
 *   行政诉讼：<court>，6 个月内
 *   裁量基准 N：从轻处罚｜<circumstance>｜0.00 元 至 5,000.00 元[｜<other>]
 * Only numbered lines carry " N" just before their first "：", which is what
 * listdiff relies on to compare lines without their ordinal.
 */
#include "domain/matter.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"

#define MATTER_CODE_MAX_LEN (MATTER_CODE_SIZE - 1)
#define MATTER_MAX_REVIEW_DAYS 3650
#define MATTER_MAX_LITIGATION_MONTHS 240

/* "《" and "》" in UTF-8. */
#define BOOK_TITLE_OPEN "\xe3\x80\x8a"
#define BOOK_TITLE_CLOSE "\xe3\x80\x8b"
#define BOOK_TITLE_MARK_LEN 3

/* Length of a fixed-size field and the field, for "%.*s": safe on a field without a NUL. */
#define FIELD(f) field_len((f), sizeof(f)), (f)

static const char *const act_type_labels[] = {
	[MATTER_ACT_LICENSE] = "许可",       [MATTER_ACT_PENALTY] = "处罚",
	[MATTER_ACT_COERCION] = "强制",      [MATTER_ACT_EXPROPRIATION] = "征收",
	[MATTER_ACT_CHARGE] = "收费",        [MATTER_ACT_INSPECTION] = "检查",
	[MATTER_ACT_CONFIRMATION] = "确认",  [MATTER_ACT_ADJUDICATION] = "裁决",
	[MATTER_ACT_REWARD] = "奖励",        [MATTER_ACT_OTHER] = "其他",
};

static const struct {
	const char *name;
	const char *label;
} av_texts[] = {
	[MATTER_AV_NONE] = { "none", "不要求" },
	[MATTER_AV_KEY_STEPS] = { "key_steps", "关键环节" },
	[MATTER_AV_FULL_PROCESS] = { "full_process", "全过程" },
};

/* 《行政处罚法》第三十二条 (从轻, 减轻), 第三十三条 (不予处罚). */
static const struct {
	const char *name;
	const char *label;
} discretion_levels[] = {
	{ "no_penalty", "不予处罚" }, { "mitigated", "减轻处罚" }, { "lighter", "从轻处罚" },
	{ "ordinary", "一般" },       { "heavier", "从重处罚" },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum text_problem {
	TEXT_OK = 0,
	TEXT_TOO_LONG,  /* no NUL inside the field */
	TEXT_NOT_UTF8,
	TEXT_CONTROL,
	TEXT_BLANK,
};

static int field_len(const char *s, size_t size)
{
	return (int)strnlen(s, size);
}

static bool is_blank_char(unsigned long cp)
{
	return cp == ' ' || cp == '\n' || cp == 0xa0 || cp == 0x3000;
}

/* Checks s[0..len): UTF-8, no control characters ('\n' allowed when multiline), not blank. */
static enum text_problem span_check(const char *s, size_t len, bool multiline)
{
	bool blank = true;
	size_t i = 0;

	if (!codec_is_valid_utf8(s, len))
		return TEXT_NOT_UTF8;
	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0)
			return TEXT_NOT_UTF8;
		if ((cp < 0x20 && !(multiline && cp == '\n')) || (cp >= 0x7f && cp <= 0x9f))
			return TEXT_CONTROL;
		if (!is_blank_char(cp))
			blank = false;
		i += n;
	}
	return blank ? TEXT_BLANK : TEXT_OK;
}

/* Checks a fixed-size text field; an optional field may be empty or blank. */
static enum text_problem field_check(const char *s, size_t size, bool required, bool multiline)
{
	const char *end = memchr(s, '\0', size);
	enum text_problem p;

	if (end == NULL)
		return TEXT_TOO_LONG;
	p = span_check(s, (size_t)(end - s), multiline);
	if (p == TEXT_BLANK && !required)
		return TEXT_OK;
	return p;
}

static int fail(struct sx_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct sx_error *err, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, SX_EINVALID, code, message);
}

static int fail_text(struct sx_error *err, const char *code, enum text_problem p, size_t size,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Refuses a text field: fmt names it ("办理流程第 3 步：标题"), p says what is wrong. */
static int fail_text(struct sx_error *err, const char *code, enum text_problem p, size_t size,
		     const char *fmt, ...)
{
	char what[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	switch (p) {
	case TEXT_TOO_LONG:
		return fail(err, code, "%s过长：最多 %zu 字节", what, size - 1);
	case TEXT_NOT_UTF8:
		return fail(err, code, "%s不是有效的 UTF-8 文本", what);
	case TEXT_CONTROL:
		return fail(err, code, "%s含有不允许的控制字符", what);
	case TEXT_BLANK:
		return fail(err, code, "%s不能为空", what);
	case TEXT_OK:
		break;
	}
	return fail(err, code, "%s不合法", what);
}

static bool code_is_well_formed(const char *code)
{
	const char *end = memchr(code, '\0', MATTER_CODE_SIZE);
	size_t len, i;

	if (end == NULL)
		return false;
	len = (size_t)(end - code);
	if (len < 1 || len > MATTER_CODE_MAX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = code[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

void matter_clear(struct matter *m)
{
	if (m == NULL)
		return;
	sx_free(m->basis);
	sx_free(m->steps);
	sx_free(m->guide.materials);
	sx_free(m->discretion);
	sx_free(m->av_stages);
	memset(m, 0, sizeof(*m));
}

/* *out = a copy of src[0..count); NULL when count is 0. */
static int copy_array(void **out, const void *src, size_t count, size_t size)
{
	void *copy;

	*out = NULL;
	if (count == 0)
		return 0;
	if (src == NULL)
		return SX_EINVALID;
	copy = sx_reallocarray(NULL, count, size);
	if (copy == NULL)
		return SX_ENOMEM;
	memcpy(copy, src, count * size);
	*out = copy;
	return 0;
}

int matter_copy(struct matter *out, const struct matter *src)
{
	struct matter copy;
	void *array;
	int rc;

	/* out == src is refused untouched: zeroing it would lose the arrays it owns. */
	if (out == NULL || src == out)
		return SX_EINVALID;
	if (src == NULL) {
		memset(out, 0, sizeof(*out));
		return SX_EINVALID;
	}
	copy = *src;
	copy.basis = NULL;
	copy.steps = NULL;
	copy.guide.materials = NULL;
	copy.discretion = NULL;
	copy.av_stages = NULL;

	if ((rc = copy_array(&array, src->basis, src->basis_count, sizeof(*src->basis))) < 0)
		goto cleanup;
	copy.basis = array;
	if ((rc = copy_array(&array, src->steps, src->step_count, sizeof(*src->steps))) < 0)
		goto cleanup;
	copy.steps = array;
	if ((rc = copy_array(&array, src->guide.materials, src->guide.material_count,
			     sizeof(*src->guide.materials))) < 0)
		goto cleanup;
	copy.guide.materials = array;
	if ((rc = copy_array(&array, src->discretion, src->discretion_count,
			     sizeof(*src->discretion))) < 0)
		goto cleanup;
	copy.discretion = array;
	if ((rc = copy_array(&array, src->av_stages, src->av_stage_count,
			     sizeof(*src->av_stages))) < 0)
		goto cleanup;
	copy.av_stages = array;
	*out = copy;
	return 0;

cleanup:
	matter_clear(&copy);
	memset(out, 0, sizeof(*out));
	return rc;
}

int matter_act_type_from_label(enum matter_act_type *out, const char *label)
{
	size_t i;

	if (out == NULL || label == NULL)
		return SX_EINVALID;
	for (i = MATTER_ACT_LICENSE; i < ARRAY_LEN(act_type_labels); i++) {
		if (strcmp(label, act_type_labels[i]) == 0) {
			*out = (enum matter_act_type)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

static bool act_type_is_known(enum matter_act_type t)
{
	return (int)t >= MATTER_ACT_LICENSE && (int)t <= MATTER_ACT_OTHER;
}

const char *matter_act_type_label(enum matter_act_type t)
{
	return act_type_is_known(t) ? act_type_labels[t] : "未知";
}

static bool av_is_known(enum matter_av_requirement av)
{
	return (int)av >= MATTER_AV_NONE && (int)av <= MATTER_AV_FULL_PROCESS;
}

int matter_av_from_name(enum matter_av_requirement *out, const char *name)
{
	size_t i;

	if (out == NULL || name == NULL)
		return SX_EINVALID;
	for (i = 0; i < ARRAY_LEN(av_texts); i++) {
		if (strcmp(name, av_texts[i].name) == 0) {
			*out = (enum matter_av_requirement)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *matter_av_name(enum matter_av_requirement av)
{
	return av_is_known(av) ? av_texts[av].name : "";
}

const char *matter_av_label(enum matter_av_requirement av)
{
	return av_is_known(av) ? av_texts[av].label : "未知";
}

bool matter_discretion_level_is_known(const char *name)
{
	return matter_discretion_level_label(name)[0] != '\0';
}

const char *matter_discretion_level_label(const char *name)
{
	size_t i;

	if (name == NULL)
		return "";
	for (i = 0; i < ARRAY_LEN(discretion_levels); i++) {
		if (strcmp(name, discretion_levels[i].name) == 0)
			return discretion_levels[i].label;
	}
	return "";
}

/* ---- validation ---------------------------------------------------------- */

static int validate_basis(const struct matter *m, struct sx_error *err)
{
	enum text_problem p;
	size_t i;

	if (m->basis_count == 0)
		return fail(err, "matter_no_basis",
			    "至少应列出一条实施依据"
			    "（《行政处罚法》第四条：执法须有法律、法规、规章依据）");
	if (m->basis_count > MATTER_MAX_BASIS)
		return fail(err, "matter_too_many", "实施依据最多 %d 条，实际为 %zu 条",
			    MATTER_MAX_BASIS, m->basis_count);
	if (m->basis == NULL)
		return fail(err, "matter_bad_basis", "实施依据缺失");
	for (i = 0; i < m->basis_count; i++) {
		const struct matter_basis *b = &m->basis[i];
		size_t len;

		if ((p = field_check(b->law, sizeof(b->law), true, false)) != TEXT_OK)
			return fail_text(err, "matter_bad_basis", p, sizeof(b->law),
					 "第 %zu 条实施依据：法律名称", i + 1);
		len = strlen(b->law);
		if (len < 2 * BOOK_TITLE_MARK_LEN ||
		    memcmp(b->law, BOOK_TITLE_OPEN, BOOK_TITLE_MARK_LEN) != 0 ||
		    memcmp(b->law + len - BOOK_TITLE_MARK_LEN, BOOK_TITLE_CLOSE,
			   BOOK_TITLE_MARK_LEN) != 0 ||
		    span_check(b->law + BOOK_TITLE_MARK_LEN, len - 2 * BOOK_TITLE_MARK_LEN,
			       false) != TEXT_OK)
			return fail(err, "matter_bad_basis",
				    "第 %zu 条实施依据：法律名称应写在书名号内，"
				    "如《中华人民共和国行政许可法》",
				    i + 1);
		if ((p = field_check(b->article, sizeof(b->article), true, false)) != TEXT_OK)
			return fail_text(err, "matter_bad_basis", p, sizeof(b->article),
					 "第 %zu 条实施依据：条款", i + 1);
	}
	return 0;
}

static int validate_steps(const struct matter *m, struct sx_error *err)
{
	enum text_problem p;
	size_t i;

	if (m->step_count == 0)
		return fail(err, "matter_no_steps", "至少应列出一个办理步骤");
	if (m->step_count > MATTER_MAX_STEPS)
		return fail(err, "matter_too_many", "办理流程最多 %d 步，实际为 %zu 步",
			    MATTER_MAX_STEPS, m->step_count);
	if (m->steps == NULL)
		return fail(err, "matter_bad_step", "办理流程缺失");
	for (i = 0; i < m->step_count; i++) {
		const struct matter_step *s = &m->steps[i];

		if ((p = field_check(s->title, sizeof(s->title), true, false)) != TEXT_OK)
			return fail_text(err, "matter_bad_step", p, sizeof(s->title),
					 "办理流程第 %zu 步：名称", i + 1);
		if ((p = field_check(s->detail, sizeof(s->detail), false, true)) != TEXT_OK)
			return fail_text(err, "matter_bad_step", p, sizeof(s->detail),
					 "办理流程第 %zu 步：说明", i + 1);
		if (s->days < 0 || s->days > MATTER_MAX_DAYS)
			return fail(err, "matter_bad_step",
				    "办理流程第 %zu 步：时限应在 0—%d 个工作日之间", i + 1,
				    MATTER_MAX_DAYS);
	}
	return 0;
}

static int validate_guide(const struct matter *m, struct sx_error *err)
{
	const struct matter_guide *g = &m->guide;
	enum text_problem p;
	size_t i;

	if (m->act_type == MATTER_ACT_LICENSE && !m->has_guide)
		return fail(err, "matter_guide_required",
			    "许可事项应公示办事指南（《行政许可法》第三十条）");
	if (m->act_type != MATTER_ACT_LICENSE && m->has_guide)
		return fail(err, "matter_bad_guide", "只有许可事项有办事指南");
	if (!m->has_guide)
		return 0;
	if (g->material_count == 0)
		return fail(err, "matter_bad_guide", "办事指南：至少应列出一项申请材料");
	if (g->material_count > MATTER_MAX_MATERIALS)
		return fail(err, "matter_too_many", "申请材料最多 %d 项，实际为 %zu 项",
			    MATTER_MAX_MATERIALS, g->material_count);
	if (g->materials == NULL)
		return fail(err, "matter_bad_guide", "办事指南：申请材料缺失");
	for (i = 0; i < g->material_count; i++) {
		if ((p = field_check(g->materials[i], sizeof(g->materials[i]), true, true)) !=
		    TEXT_OK)
			return fail_text(err, "matter_bad_guide", p, sizeof(g->materials[i]),
					 "办事指南第 %zu 项申请材料", i + 1);
	}
	if (g->legal_days < 1 || g->legal_days > MATTER_MAX_DAYS)
		return fail(err, "matter_bad_guide",
			    "办事指南：法定办结时限应在 1—%d 个工作日之间", MATTER_MAX_DAYS);
	if (g->promised_days < 0)
		return fail(err, "matter_bad_guide", "办事指南：承诺办结时限不能为负数");
	if (g->promised_days > g->legal_days)
		return fail(err, "matter_bad_guide",
			    "办事指南：承诺办结时限（%d 个工作日）不能超过法定时限（%d 个工作日）",
			    g->promised_days, g->legal_days);
	if (g->fee_fen < 0 || g->fee_fen > MATTER_MAX_FEN)
		return fail(err, "matter_bad_guide", "办事指南：收费金额超出范围");
	if ((p = field_check(g->fee_basis, sizeof(g->fee_basis), g->fee_fen > 0, true)) !=
	    TEXT_OK)
		return fail_text(err, "matter_bad_guide", p, sizeof(g->fee_basis),
				 "办事指南：收费依据");
	if ((p = field_check(g->place, sizeof(g->place), false, true)) != TEXT_OK)
		return fail_text(err, "matter_bad_guide", p, sizeof(g->place),
				 "办事指南：办理地点");
	return 0;
}

static int validate_remedies(const struct matter_remedies *r, struct sx_error *err)
{
	enum text_problem p;

	if ((p = field_check(r->review_body, sizeof(r->review_body), true, false)) != TEXT_OK)
		return fail_text(err, "matter_bad_remedies", p, sizeof(r->review_body),
				 "救济途径：行政复议机关");
	if (r->review_days < MATTER_REVIEW_MIN_DAYS)
		return fail(err, "matter_bad_remedies",
			    "救济途径：行政复议期限不能少于 %d 日（《行政复议法》第二十条）",
			    MATTER_REVIEW_MIN_DAYS);
	if (r->review_days > MATTER_MAX_REVIEW_DAYS)
		return fail(err, "matter_bad_remedies", "救济途径：行政复议期限不能超过 %d 日",
			    MATTER_MAX_REVIEW_DAYS);
	if ((p = field_check(r->litigation_court, sizeof(r->litigation_court), true, false)) !=
	    TEXT_OK)
		return fail_text(err, "matter_bad_remedies", p, sizeof(r->litigation_court),
				 "救济途径：管辖法院");
	if (r->litigation_months < MATTER_LITIGATION_MIN_MONTHS)
		return fail(err, "matter_bad_remedies",
			    "救济途径：行政诉讼期限不能少于 %d 个月（《行政诉讼法》第四十六条）",
			    MATTER_LITIGATION_MIN_MONTHS);
	if (r->litigation_months > MATTER_MAX_LITIGATION_MONTHS)
		return fail(err, "matter_bad_remedies", "救济途径：行政诉讼期限不能超过 %d 个月",
			    MATTER_MAX_LITIGATION_MONTHS);
	return 0;
}

static int validate_discretion(const struct matter *m, struct sx_error *err)
{
	enum text_problem p;
	size_t i;

	if (m->discretion_count > MATTER_MAX_DISCRETION)
		return fail(err, "matter_too_many", "裁量基准最多 %d 条，实际为 %zu 条",
			    MATTER_MAX_DISCRETION, m->discretion_count);
	if (m->discretion_count > 0 && m->discretion == NULL)
		return fail(err, "matter_bad_discretion", "裁量基准缺失");
	for (i = 0; i < m->discretion_count; i++) {
		const struct matter_discretion *d = &m->discretion[i];

		if ((p = field_check(d->circumstance, sizeof(d->circumstance), true, true)) !=
		    TEXT_OK)
			return fail_text(err, "matter_bad_discretion", p, sizeof(d->circumstance),
					 "第 %zu 条裁量基准：违法情节", i + 1);
		if (memchr(d->level, '\0', sizeof(d->level)) == NULL ||
		    !matter_discretion_level_is_known(d->level))
			return fail(err, "matter_bad_discretion",
				    "第 %zu 条裁量基准：裁量档次应为"
				    "不予处罚、减轻处罚、从轻处罚、一般或从重处罚",
				    i + 1);
		if (d->min_fen < 0)
			return fail(err, "matter_bad_discretion",
				    "第 %zu 条裁量基准：最低罚款不能为负数", i + 1);
		if (d->max_fen > MATTER_MAX_FEN)
			return fail(err, "matter_bad_discretion",
				    "第 %zu 条裁量基准：最高罚款超出上限", i + 1);
		if (d->min_fen > d->max_fen)
			return fail(err, "matter_bad_discretion",
				    "第 %zu 条裁量基准：最低罚款不能高于最高罚款", i + 1);
		if ((p = field_check(d->other, sizeof(d->other), false, true)) != TEXT_OK)
			return fail_text(err, "matter_bad_discretion", p, sizeof(d->other),
					 "第 %zu 条裁量基准：其他处理措施", i + 1);
	}
	return 0;
}

static int validate_av(const struct matter *m, struct sx_error *err)
{
	enum text_problem p;
	size_t i, j;

	if (m->av_requirement == MATTER_AV_NONE) {
		if (m->av_stage_count > 0)
			return fail(err, "matter_bad_av_stage",
				    "不要求音像记录的事项不应列出音像记录环节");
		return 0;
	}
	if (m->av_stage_count == 0)
		return fail(err, "matter_av_stages_required",
			    "要求音像记录的事项应列出需要记录的环节");
	if (m->av_stage_count > MATTER_MAX_AV_STAGES)
		return fail(err, "matter_too_many", "音像记录环节最多 %d 个，实际为 %zu 个",
			    MATTER_MAX_AV_STAGES, m->av_stage_count);
	if (m->av_stages == NULL)
		return fail(err, "matter_bad_av_stage", "音像记录环节缺失");
	for (i = 0; i < m->av_stage_count; i++) {
		const struct matter_av_stage *s = &m->av_stages[i];

		if ((p = field_check(s->stage, sizeof(s->stage), true, false)) != TEXT_OK)
			return fail_text(err, "matter_bad_av_stage", p, sizeof(s->stage),
					 "音像记录第 %zu 个环节：名称", i + 1);
		if (m->av_requirement == MATTER_AV_FULL_PROCESS && !s->full_process)
			return fail(err, "matter_bad_av_stage",
				    "音像记录第 %zu 个环节："
				    "要求全过程记录的事项，每个环节都应全程记录",
				    i + 1);
		for (j = 0; j < i; j++) {
			if (strcmp(m->av_stages[j].stage, s->stage) == 0)
				return fail(err, "matter_bad_av_stage",
					    "音像记录第 %zu 个环节与第 %zu 个环节重复：“%.*s”",
					    i + 1, j + 1, codec_utf8_prefix_len(s->stage, 60),
					    s->stage);
		}
	}
	return 0;
}

int matter_validate(const struct matter *m, struct sx_error *err)
{
	enum text_problem p;
	int rc;

	if (m == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!code_is_well_formed(m->code))
		return fail(err, "matter_bad_code",
			    "事项编码应为 1—%d 位英文字母、数字或“-”“_”“.”", MATTER_CODE_MAX_LEN);
	if ((p = field_check(m->name, sizeof(m->name), true, false)) != TEXT_OK)
		return fail_text(err, "matter_bad_name", p, sizeof(m->name), "事项名称");
	if (!act_type_is_known(m->act_type))
		return fail(err, "matter_bad_act_type",
			    "事项类别应为"
			    "许可、处罚、强制、征收、收费、检查、确认、裁决、奖励或其他");
	if ((p = field_check(m->unit, sizeof(m->unit), true, false)) != TEXT_OK)
		return fail_text(err, "matter_bad_unit", p, sizeof(m->unit), "责任单位");
	if (!av_is_known(m->av_requirement))
		return fail(err, "matter_bad_av_requirement",
			    "音像记录要求应为不要求、关键环节或全过程");
	if ((rc = validate_basis(m, err)) < 0 || (rc = validate_steps(m, err)) < 0 ||
	    (rc = validate_guide(m, err)) < 0 || (rc = validate_remedies(&m->remedies, err)) < 0 ||
	    (rc = validate_discretion(m, err)) < 0 || (rc = validate_av(m, err)) < 0)
		return rc;
	return 0;
}

/* Orders by code, then by position, so that equal codes sit in list order. */
static int matter_ptr_cmp(const void *a, const void *b)
{
	const struct matter *x = *(const struct matter *const *)a;
	const struct matter *y = *(const struct matter *const *)b;
	int c = strcmp(x->code, y->code);

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

int matter_validate_list(const struct matter *items, size_t count, struct sx_error *err)
{
	const struct matter **sorted = NULL;
	size_t i, first = 0, second = 0;
	int rc = 0;

	if (items == NULL && count > 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (count > MATTER_MAX_LIST)
		return fail(err, "matter_too_many", "清单最多 %d 个事项，实际为 %zu 个",
			    MATTER_MAX_LIST, count);
	for (i = 0; i < count; i++) {
		char code[SX_ERROR_CODE_MAX];
		/* Room for the prefix; sx_error_set cuts the result on a character boundary. */
		char message[SX_ERROR_MESSAGE_MAX + MATTER_CODE_SIZE + 32];

		if ((rc = matter_validate(&items[i], err)) == 0)
			continue;
		if (err == NULL)
			return rc;
		/* err->code and err->message are rewritten below: work from copies. */
		memcpy(code, err->code, sizeof(code));
		if (code_is_well_formed(items[i].code))
			snprintf(message, sizeof(message), "事项 %s：%s", items[i].code,
				 err->message);
		else
			snprintf(message, sizeof(message), "第 %zu 个事项：%s", i + 1,
				 err->message);
		return sx_error_set(err, rc, code, message);
	}
	if (count < 2)
		return 0;

	sorted = sx_reallocarray(NULL, count, sizeof(*sorted));
	if (sorted == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	for (i = 0; i < count; i++)
		sorted[i] = &items[i];
	qsort(sorted, count, sizeof(*sorted), matter_ptr_cmp);
	/* Of all repeats, report the one whose second occurrence comes first in the list. */
	for (i = 1; i < count; i++) {
		size_t pos = (size_t)(sorted[i] - items);

		if (strcmp(sorted[i - 1]->code, sorted[i]->code) == 0 &&
		    (second == 0 || pos + 1 < second)) {
			first = (size_t)(sorted[i - 1] - items) + 1;
			second = pos + 1;
		}
	}
	if (second != 0)
		rc = fail(err, "matter_duplicate_code", "第 %zu 个和第 %zu 个事项的编码都是“%s”",
			  first, second, items[second - 1].code);

cleanup:
	sx_free(sorted);
	return rc;
}

int matter_format_fen(char *out, size_t out_size, int64_t fen)
{
	char digits[24];
	char text[48];
	size_t len, i, n = 0;

	if (out == NULL || fen < 0) {
		if (out != NULL && out_size > 0)
			out[0] = '\0';
		return SX_EINVALID;
	}
	len = (size_t)snprintf(digits, sizeof(digits), "%" PRId64, fen / 100);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			text[n++] = ',';
		text[n++] = digits[i];
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, ".%02d 元", (int)(fen % 100));
	if (n + 1 > out_size) {
		if (out_size > 0)
			out[0] = '\0';
		return SX_ETOOBIG;
	}
	memcpy(out, text, n + 1);
	return 0;
}

/* ---- lines --------------------------------------------------------------- */

struct line_list {
	char **lines;
	size_t count;
	size_t cap;
};

static int add_line(struct line_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_line(struct line_list *l, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (l->count == l->cap)
		return SX_EINVALID; /* the count made in advance was wrong: a bug */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SX_EINVALID;
	text = sx_malloc((size_t)n + 1);
	if (text == NULL)
		return SX_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->lines[l->count++] = text;
	return 0;
}

/* *sum += n, refusing to wrap. */
static bool add_count(size_t *sum, size_t n)
{
	if (n > SIZE_MAX - *sum)
		return false;
	*sum += n;
	return true;
}

static int lines_guide(struct line_list *l, const struct matter_guide *g)
{
	char fee[48];
	size_t i;
	int rc;

	for (i = 0; i < g->material_count; i++) {
		if ((rc = add_line(l, "申请材料 %zu：%.*s", i + 1, FIELD(g->materials[i]))) < 0)
			return rc;
	}
	if ((rc = add_line(l, "法定时限：%d 个工作日", g->legal_days)) < 0)
		return rc;
	if (g->promised_days == 0)
		rc = add_line(l, "承诺时限：同法定时限");
	else
		rc = add_line(l, "承诺时限：%d 个工作日", g->promised_days);
	if (rc < 0)
		return rc;
	if (g->fee_fen == 0)
		rc = add_line(l, "收费：不收费");
	else if ((rc = matter_format_fen(fee, sizeof(fee), g->fee_fen)) < 0)
		return rc;
	else if (field_len(g->fee_basis, sizeof(g->fee_basis)) > 0)
		rc = add_line(l, "收费：%s（依据：%.*s）", fee, FIELD(g->fee_basis));
	else
		rc = add_line(l, "收费：%s", fee);
	if (rc < 0)
		return rc;
	if (field_len(g->place, sizeof(g->place)) > 0)
		return add_line(l, "办理地点：%.*s", FIELD(g->place));
	return 0;
}

static int lines_discretion(struct line_list *l, const struct matter_discretion *d, size_t index)
{
	char min[48], max[48];
	const char *level = d->level;
	int level_len = field_len(d->level, sizeof(d->level));
	int rc;

	/* The label for a known level; an unknown one (not validated) is shown as it is. */
	if (memchr(d->level, '\0', sizeof(d->level)) != NULL &&
	    matter_discretion_level_is_known(d->level)) {
		level = matter_discretion_level_label(d->level);
		level_len = (int)strlen(level);
	}
	if ((rc = matter_format_fen(min, sizeof(min), d->min_fen)) < 0 ||
	    (rc = matter_format_fen(max, sizeof(max), d->max_fen)) < 0)
		return rc;
	return add_line(l, "裁量基准 %zu：%.*s｜%.*s｜%s 至 %s%s%.*s", index + 1, level_len, level,
			FIELD(d->circumstance), min, max,
			field_len(d->other, sizeof(d->other)) > 0 ? "｜" : "", FIELD(d->other));
}

static int lines_fill(struct line_list *l, const struct matter *m)
{
	size_t i;
	int rc;

	if ((rc = add_line(l, "编码：%.*s", FIELD(m->code))) < 0 ||
	    (rc = add_line(l, "名称：%.*s", FIELD(m->name))) < 0 ||
	    (rc = add_line(l, "类别：%s", matter_act_type_label(m->act_type))) < 0 ||
	    (rc = add_line(l, "责任单位：%.*s", FIELD(m->unit))) < 0)
		return rc;
	for (i = 0; i < m->basis_count; i++) {
		const struct matter_basis *b = &m->basis[i];

		if ((rc = add_line(l, "实施依据 %zu：%.*s%.*s", i + 1, FIELD(b->law),
				   FIELD(b->article))) < 0)
			return rc;
	}
	for (i = 0; i < m->step_count; i++) {
		const struct matter_step *s = &m->steps[i];
		char days[48] = "";

		if (s->days != 0)
			snprintf(days, sizeof(days), "（%d 个工作日）", s->days);
		if ((rc = add_line(l, "办理流程 %zu：%.*s%s%s%.*s", i + 1, FIELD(s->title), days,
				   field_len(s->detail, sizeof(s->detail)) > 0 ? "｜" : "",
				   FIELD(s->detail))) < 0)
			return rc;
	}
	if ((rc = add_line(l, "随机抽查：%s", m->random_inspection ? "是" : "否")) < 0 ||
	    (rc = add_line(l, "重大执法决定：%s", m->major_decision ? "是" : "否")) < 0 ||
	    (rc = add_line(l, "音像记录：%s", matter_av_label(m->av_requirement))) < 0)
		return rc;
	for (i = 0; i < m->av_stage_count; i++) {
		const struct matter_av_stage *s = &m->av_stages[i];

		if ((rc = add_line(l, "音像记录环节 %zu：%.*s%s", i + 1, FIELD(s->stage),
				   s->full_process ? "（全过程记录）" : "")) < 0)
			return rc;
	}
	if (m->has_guide && (rc = lines_guide(l, &m->guide)) < 0)
		return rc;
	if ((rc = add_line(l, "行政复议：%.*s，%d 日内", FIELD(m->remedies.review_body),
			   m->remedies.review_days)) < 0 ||
	    (rc = add_line(l, "行政诉讼：%.*s，%d 个月内", FIELD(m->remedies.litigation_court),
			   m->remedies.litigation_months)) < 0)
		return rc;
	for (i = 0; i < m->discretion_count; i++) {
		if ((rc = lines_discretion(l, &m->discretion[i], i)) < 0)
			return rc;
	}
	return 0;
}

int matter_lines(char ***out, size_t *count, const struct matter *m)
{
	struct line_list l = { NULL, 0, 0 };
	size_t total = 4 + 3 + 2; /* code name type unit; inspection major av; review litigation */
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL || m == NULL)
		return SX_EINVALID;
	if ((m->basis_count > 0 && m->basis == NULL) || (m->step_count > 0 && m->steps == NULL) ||
	    (m->discretion_count > 0 && m->discretion == NULL) ||
	    (m->av_stage_count > 0 && m->av_stages == NULL) ||
	    (m->has_guide && m->guide.material_count > 0 && m->guide.materials == NULL))
		return SX_EINVALID;
	if (!add_count(&total, m->basis_count) || !add_count(&total, m->step_count) ||
	    !add_count(&total, m->av_stage_count) || !add_count(&total, m->discretion_count))
		return SX_EINVALID;
	/* materials, 法定时限, 承诺时限, 收费, 办理地点 (counted even when left out) */
	if (m->has_guide &&
	    (!add_count(&total, m->guide.material_count) || !add_count(&total, 4)))
		return SX_EINVALID;

	l.lines = sx_calloc(total, sizeof(*l.lines));
	if (l.lines == NULL)
		return SX_ENOMEM;
	l.cap = total;
	if ((rc = lines_fill(&l, m)) < 0)
		goto cleanup;
	*out = l.lines;
	*count = l.count;
	return 0;

cleanup:
	matter_lines_free(l.lines, l.count);
	return rc;
}

void matter_lines_free(char **lines, size_t count)
{
	size_t i;

	if (lines == NULL)
		return;
	for (i = 0; i < count; i++)
		sx_free(lines[i]);
	sx_free(lines);
}
