/*
 * domain/majorcat — see majorcat.h for the rules and the laws they come from.
 *
 * Decisions taken here:
 *   - Text fields are fixed-size arrays: a field without a NUL inside its
 *     array is "too long". Titles and bases are one line: no C0/C1 control
 *     characters, not only blanks (spaces, U+00A0, U+3000).
 *   - Duplicate ids are found by comparing every pair: at most 100 rules, so
 *     the check stays allocation-free.
 *   - The case's kind and procedure are parsed with casefile's words, so that
 *     "simple" for an inspection is refused the same way everywhere.
 */
#include "domain/majorcat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/casefile.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Length of a fixed-size field, for "%.*s": safe on a field without a NUL. */
#define FIELD(f) (int)strnlen((f), sizeof(f)), (f)

/* "；" (U+FF1B) and "…" (U+2026) in UTF-8. */
#define REASON_SEPARATOR "\xef\xbc\x9b"
#define REASON_ELLIPSIS "\xe2\x80\xa6"

static const char *const matter_flag_reason = "事项清单列为重大执法决定";

static const struct {
	const char *code;
	const char *label;
} rule_kinds[] = {
	[MAJORCAT_ALL_GENERAL_PENALTIES] = { "all_general_penalties", "全部普通程序处罚" },
	[MAJORCAT_ACT_KIND] = { "act_kind", "处罚种类" },
	[MAJORCAT_FINE_AT_LEAST] = { "fine_at_least", "罚款数额" },
	[MAJORCAT_CONFISCATION_AT_LEAST] = { "confiscation_at_least", "没收数额" },
	[MAJORCAT_HEARING_HELD] = { "hearing_held", "经过听证" },
	[MAJORCAT_PUBLIC_INTEREST] = { "public_interest", "涉及重大公共利益" },
	[MAJORCAT_COMPLEX] = { "complex", "疑难复杂" },
	[MAJORCAT_MULTI_AGENCY] = { "multi_agency", "跨部门" },
	[MAJORCAT_MATTER] = { "matter", "执法事项" },
	[MAJORCAT_COERCION_AT_LEAST] = { "coercion_at_least", "查封扣押数额" },
};

/* 《行政处罚法》第九条. */
static const struct {
	const char *code;
	const char *label;
} acts[] = {
	[MAJORCAT_ACT_WARNING] = { "warning", "警告" },
	[MAJORCAT_ACT_FINE] = { "fine", "罚款" },
	[MAJORCAT_ACT_CONFISCATE] = { "confiscate", "没收违法所得/非法财物" },
	[MAJORCAT_ACT_SUSPEND_LICENSE] = { "suspend_license", "暂扣许可证件" },
	[MAJORCAT_ACT_REVOKE_LICENSE] = { "revoke_license", "吊销许可证件" },
	[MAJORCAT_ACT_LOWER_QUALIFICATION] = { "lower_qualification", "降低资质等级" },
	[MAJORCAT_ACT_RESTRICT_ACTIVITY] = { "restrict_activity", "限制开展生产经营活动" },
	[MAJORCAT_ACT_ORDER_SUSPEND] = { "order_suspend", "责令停产停业" },
	[MAJORCAT_ACT_ORDER_CLOSE] = { "order_close", "责令关闭" },
	[MAJORCAT_ACT_RESTRICT_EMPLOYMENT] = { "restrict_employment", "限制从业" },
	[MAJORCAT_ACT_DETENTION] = { "detention", "行政拘留" },
	[MAJORCAT_ACT_OTHER] = { "other", "其他" },
};

_Static_assert(ARRAY_LEN(rule_kinds) == MAJORCAT_RULE_KIND_COUNT + 1, "one entry per rule kind");
_Static_assert(ARRAY_LEN(acts) == MAJORCAT_ACT_COUNT + 1, "one entry per act");
_Static_assert(MAJORCAT_ACT_COUNT < 31, "acts fit an unsigned mask");

/* ---- words ---------------------------------------------------------------- */

const char *majorcat_rule_kind_code(enum majorcat_rule_kind kind)
{
	if (kind < 1 || kind > MAJORCAT_RULE_KIND_COUNT)
		return NULL;
	return rule_kinds[kind].code;
}

const char *majorcat_rule_kind_label(enum majorcat_rule_kind kind)
{
	if (kind < 1 || kind > MAJORCAT_RULE_KIND_COUNT)
		return NULL;
	return rule_kinds[kind].label;
}

int majorcat_rule_kind_from_code(enum majorcat_rule_kind *out, const char *code,
				 struct sx_error *err)
{
	size_t i;

	if (out != NULL && code != NULL) {
		for (i = 1; i < ARRAY_LEN(rule_kinds); i++) {
			if (strcmp(code, rule_kinds[i].code) == 0) {
				*out = (enum majorcat_rule_kind)i;
				return 0;
			}
		}
	}
	return sx_error_set(err, SX_EINVALID, "majorcat_bad_kind", "未知的重大执法决定规则类型");
}

const char *majorcat_act_code(enum majorcat_act act)
{
	if (act < 1 || act > MAJORCAT_ACT_COUNT)
		return NULL;
	return acts[act].code;
}

const char *majorcat_act_label(enum majorcat_act act)
{
	if (act < 1 || act > MAJORCAT_ACT_COUNT)
		return NULL;
	return acts[act].label;
}

int majorcat_act_from_code(enum majorcat_act *out, const char *code, struct sx_error *err)
{
	size_t i;

	if (out != NULL && code != NULL) {
		for (i = 1; i < ARRAY_LEN(acts); i++) {
			if (strcmp(code, acts[i].code) == 0) {
				*out = (enum majorcat_act)i;
				return 0;
			}
		}
	}
	return sx_error_set(err, SX_EINVALID, "majorcat_bad_act", "未知的行政处罚种类");
}

/* ---- validation ----------------------------------------------------------- */

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

static bool is_blank_char(unsigned long cp)
{
	return cp == ' ' || cp == 0xa0 || cp == 0x3000;
}

/* A one-line text field: NUL inside, UTF-8, no control characters, not blank. */
static bool text_field_is_valid(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);
	bool blank = true;
	size_t len, i = 0;

	if (end == NULL)
		return false;
	len = (size_t)(end - s);
	if (!codec_is_valid_utf8(s, len))
		return false;
	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		if (!is_blank_char(cp))
			blank = false;
		i += n;
	}
	return !blank;
}

/* 1..size-1 bytes of [A-Za-z0-9-_.], NUL inside the field. */
static bool code_is_well_formed(const char *code, size_t size)
{
	const char *end = memchr(code, '\0', size);
	size_t len, i;

	if (end == NULL)
		return false;
	len = (size_t)(end - code);
	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		char ch = code[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

static bool party_type_is_known(const char *s)
{
	return strcmp(s, "person") == 0 || strcmp(s, "organization") == 0;
}

static bool kind_uses_threshold(enum majorcat_rule_kind kind)
{
	return kind == MAJORCAT_FINE_AT_LEAST || kind == MAJORCAT_CONFISCATION_AT_LEAST ||
	       kind == MAJORCAT_COERCION_AT_LEAST;
}

/* Checks rules[index]; earlier rules are already valid (for the duplicate check). */
static int validate_rule(const struct majorcat_rule *rules, size_t index, struct sx_error *err)
{
	const struct majorcat_rule *r = &rules[index];
	size_t n = index + 1, i, j;

	if (!code_is_well_formed(r->id, sizeof(r->id)))
		return fail(err, "majorcat_bad_id",
			    "第 %zu 条规则：编号须为 1 至 %d 个字母、数字或 -_.", n,
			    MAJORCAT_ID_SIZE - 1);
	for (i = 0; i < index; i++) {
		if (strcmp(rules[i].id, r->id) == 0)
			return fail(err, "majorcat_duplicate_id",
				    "第 %zu 条与第 %zu 条规则编号重复：%s", i + 1, n, r->id);
	}
	if (!text_field_is_valid(r->title, sizeof(r->title)))
		return fail(err, "majorcat_bad_title",
			    "第 %zu 条规则（%s）：名称须为 1 至 %d 字节的单行文本", n, r->id,
			    MAJORCAT_TITLE_SIZE - 1);
	if (r->kind < 1 || r->kind > MAJORCAT_RULE_KIND_COUNT)
		return fail(err, "majorcat_bad_kind", "第 %zu 条规则（%s）：规则类型无效", n,
			    r->id);
	if (r->kind == MAJORCAT_ACT_KIND) {
		if (r->acts_mask == 0 || (r->acts_mask & ~MAJORCAT_ACTS_KNOWN) != 0)
			return fail(err, "majorcat_bad_acts",
				    "第 %zu 条规则（%s）：须列出至少一种已知的处罚种类", n, r->id);
	} else if (r->acts_mask != 0) {
		return fail(err, "majorcat_bad_acts",
			    "第 %zu 条规则（%s）：只有“处罚种类”规则可以列出处罚种类", n, r->id);
	}
	if (kind_uses_threshold(r->kind)) {
		if (r->threshold_fen < 1 || r->threshold_fen > MAJORCAT_MAX_FEN)
			return fail(err, "majorcat_bad_threshold",
				    "第 %zu 条规则（%s）：数额标准须大于零且不超过 1 万亿元", n,
				    r->id);
	} else if (r->threshold_fen != 0) {
		return fail(err, "majorcat_bad_threshold",
			    "第 %zu 条规则（%s）：“%s”规则不使用数额标准", n, r->id,
			    rule_kinds[r->kind].label);
	}
	if (memchr(r->party_type, '\0', sizeof(r->party_type)) == NULL ||
	    (r->party_type[0] != '\0' && !party_type_is_known(r->party_type)))
		return fail(err, "majorcat_bad_party_type",
			    "第 %zu 条规则（%s）：当事人类型须为 person、organization 或留空", n,
			    r->id);
	if (r->kind == MAJORCAT_MATTER) {
		if (r->matter_code_count == 0 || r->matter_code_count > MAJORCAT_MAX_CODES)
			return fail(err, "majorcat_bad_matter_codes",
				    "第 %zu 条规则（%s）：须列出 1 至 %d 个执法事项编码", n, r->id,
				    MAJORCAT_MAX_CODES);
		for (i = 0; i < r->matter_code_count; i++) {
			if (!code_is_well_formed(r->matter_codes[i], MAJORCAT_CODE_SIZE))
				return fail(err, "majorcat_bad_matter_codes",
					    "第 %zu 条规则（%s）：第 %zu 个执法事项编码格式不正确", n,
					    r->id, i + 1);
			for (j = 0; j < i; j++) {
				if (strcmp(r->matter_codes[j], r->matter_codes[i]) == 0)
					return fail(err, "majorcat_bad_matter_codes",
						    "第 %zu 条规则（%s）：执法事项编码重复：%s", n,
						    r->id, r->matter_codes[i]);
			}
		}
	} else if (r->matter_code_count != 0) {
		return fail(err, "majorcat_bad_matter_codes",
			    "第 %zu 条规则（%s）：只有“执法事项”规则可以列出事项编码", n, r->id);
	}
	if (!text_field_is_valid(r->basis, sizeof(r->basis)))
		return fail(err, "majorcat_bad_basis",
			    "第 %zu 条规则（%s）：依据须为 1 至 %d 字节的单行文本", n, r->id,
			    MAJORCAT_BASIS_SIZE - 1);
	return 0;
}

int majorcat_validate(const struct majorcat *c, struct sx_error *err)
{
	size_t i;
	int rc;

	if (c == NULL || (c->rules == NULL && c->count > 0))
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_catalog", "重大执法决定目录无效");
	if (c->count > MAJORCAT_MAX_RULES)
		return fail(err, "majorcat_too_many", "重大执法决定目录最多 %d 条规则，现有 %zu 条",
			    MAJORCAT_MAX_RULES, c->count);
	for (i = 0; i < c->count; i++) {
		if ((rc = validate_rule(c->rules, i, err)) < 0)
			return rc;
	}
	return 0;
}

void majorcat_clear(struct majorcat *c)
{
	if (c == NULL)
		return;
	sx_free(c->rules);
	memset(c, 0, sizeof(*c));
}

/* ---- matching ------------------------------------------------------------- */

/* The case's fields, parsed. */
struct parsed_case {
	enum casefile_kind kind;
	enum casefile_procedure procedure;
	const char *party_type; /* "" = unknown */
	const char *matter_code; /* "" = none */
};

static int parse_case(struct parsed_case *out, const struct majorcat_case *k,
		      struct sx_error *err)
{
	if (k == NULL)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "案件信息缺失");
	if (casefile_kind_from_code(&out->kind, k->kind) < 0)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "案件类别无效");
	if (casefile_procedure_from_code(&out->procedure, k->procedure) < 0 ||
	    casefile_kind_procedure_check(out->kind, out->procedure, NULL) < 0)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "案件程序无效");
	out->party_type = k->party_type != NULL ? k->party_type : "";
	if (out->party_type[0] != '\0' && !party_type_is_known(out->party_type))
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case",
				    "当事人类型须为 person、organization 或留空");
	out->matter_code = k->matter_code != NULL ? k->matter_code : "";
	if (k->fine_fen < 0 || k->confiscation_fen < 0 || k->coercion_value_fen < 0)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "案件涉及的数额不能为负数");
	if ((k->acts_mask & ~MAJORCAT_ACTS_KNOWN) != 0)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "处罚种类无效");
	return 0;
}

static bool rule_matches(const struct majorcat_rule *r, const struct majorcat_case *k,
			 const struct parsed_case *p)
{
	size_t i;

	if (r->party_type[0] != '\0' && strcmp(r->party_type, p->party_type) != 0)
		return false;
	/* An inspection has no decision of its own: only the flags and its matter count. */
	if (p->kind == CASEFILE_KIND_INSPECTION && r->kind != MAJORCAT_PUBLIC_INTEREST &&
	    r->kind != MAJORCAT_COMPLEX && r->kind != MAJORCAT_MULTI_AGENCY &&
	    r->kind != MAJORCAT_MATTER)
		return false;
	switch (r->kind) {
	case MAJORCAT_ALL_GENERAL_PENALTIES:
		return p->kind == CASEFILE_KIND_PENALTY && p->procedure == CASEFILE_PROC_GENERAL;
	case MAJORCAT_ACT_KIND:
		return (k->acts_mask & r->acts_mask) != 0;
	case MAJORCAT_FINE_AT_LEAST:
		return k->fine_fen >= r->threshold_fen;
	case MAJORCAT_CONFISCATION_AT_LEAST:
		return k->confiscation_fen >= r->threshold_fen;
	case MAJORCAT_HEARING_HELD:
		return k->hearing_held;
	case MAJORCAT_PUBLIC_INTEREST:
		return k->public_interest;
	case MAJORCAT_COMPLEX:
		return k->complex;
	case MAJORCAT_MULTI_AGENCY:
		return k->multi_agency;
	case MAJORCAT_MATTER:
		for (i = 0; i < r->matter_code_count; i++) {
			if (strcmp(r->matter_codes[i], p->matter_code) == 0)
				return true;
		}
		return false;
	case MAJORCAT_COERCION_AT_LEAST:
		return k->coercion_value_fen >= r->threshold_fen;
	}
	return false;
}

/* The reasons text being built; once cut, nothing more is added. */
struct reasons {
	char *buf;
	size_t size;
	size_t len;      /* bytes written, excluding the NUL */
	size_t prev_len; /* len before the last piece: where a cut may fall back to */
	bool cut;
};

/*
 * Appends "；" (unless first) and text when that fits with its NUL. Otherwise
 * ends the text with "…" after the last whole piece — or the one before it
 * when the last left no room for "…" — and stops. The fallback always has
 * room: a piece is at least a separator and one byte (4 bytes), and the last
 * one ended before size.
 */
static void reasons_add(struct reasons *r, const char *text, size_t text_len)
{
	size_t sep_len = r->len > 0 ? strlen(REASON_SEPARATOR) : 0;
	size_t ellipsis_len = strlen(REASON_ELLIPSIS);
	size_t at;

	if (r->cut)
		return;
	if (r->len + sep_len + text_len + 1 <= r->size) {
		r->prev_len = r->len;
		memcpy(r->buf + r->len, REASON_SEPARATOR, sep_len);
		memcpy(r->buf + r->len + sep_len, text, text_len);
		r->len += sep_len + text_len;
		r->buf[r->len] = '\0';
		return;
	}
	at = r->len + ellipsis_len + 1 <= r->size ? r->len : r->prev_len;
	memcpy(r->buf + at, REASON_ELLIPSIS, ellipsis_len + 1);
	r->len = at + ellipsis_len;
	r->cut = true;
}

int majorcat_match(struct majorcat_match *out, const struct majorcat *c,
		   const struct majorcat_case *k, struct sx_error *err)
{
	struct parsed_case p;
	struct reasons reasons;
	size_t i;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_case", "缺少结果参数");
	memset(out, 0, sizeof(*out));
	if ((rc = majorcat_validate(c, err)) < 0)
		return rc;
	if ((rc = parse_case(&p, k, err)) < 0)
		return rc;
	/* 《行政处罚法》第五十一条、第五十二条: decided on the spot, no room for a review. */
	if (p.procedure == CASEFILE_PROC_SIMPLE)
		return 0;

	reasons = (struct reasons){ .buf = out->reasons, .size = sizeof(out->reasons) };
	if (k->matter_flagged_major) {
		out->major = true;
		reasons_add(&reasons, matter_flag_reason, strlen(matter_flag_reason));
	}
	for (i = 0; i < c->count; i++) {
		const struct majorcat_rule *r = &c->rules[i];

		if (!rule_matches(r, k, &p))
			continue;
		out->major = true;
		out->rule_index[out->rule_count++] = i;
		reasons_add(&reasons, r->title, strnlen(r->title, sizeof(r->title)));
	}
	return 0;
}

/* ---- default catalog ------------------------------------------------------ */

struct default_rule {
	const char *id;
	const char *title;
	enum majorcat_rule_kind kind;
	unsigned acts_mask;
	int64_t threshold_fen;
	const char *party_type;
	const char *basis;
};

#define YUAN(n) ((int64_t)(n) * 100)

static const struct default_rule default_rules[] = {
	{ "act-kind", "作出吊销许可证件、责令停产停业、责令关闭、限制从业、行政拘留、降低资质等级决定",
	  MAJORCAT_ACT_KIND,
	  MAJORCAT_ACT_BIT(MAJORCAT_ACT_REVOKE_LICENSE) | MAJORCAT_ACT_BIT(MAJORCAT_ACT_ORDER_SUSPEND) |
		  MAJORCAT_ACT_BIT(MAJORCAT_ACT_ORDER_CLOSE) |
		  MAJORCAT_ACT_BIT(MAJORCAT_ACT_RESTRICT_EMPLOYMENT) |
		  MAJORCAT_ACT_BIT(MAJORCAT_ACT_DETENTION) |
		  MAJORCAT_ACT_BIT(MAJORCAT_ACT_LOWER_QUALIFICATION),
	  0, "",
	  "《行政处罚法》第九条、第五十八条第一款第四项、第六十三条第一款；国办发〔2018〕118号" },
	{ "fine-person", "对个人处以一万元以上罚款", MAJORCAT_FINE_AT_LEAST, 0, YUAN(10000),
	  "person", "《行政处罚法》第五十八条第一款第四项、第六十三条第一款第一项；国办发〔2018〕118号" },
	{ "fine-organization", "对单位处以十万元以上罚款", MAJORCAT_FINE_AT_LEAST, 0,
	  YUAN(100000), "organization",
	  "《行政处罚法》第五十八条第一款第四项、第六十三条第一款第一项；国办发〔2018〕118号" },
	{ "confiscation", "没收违法所得或者非法财物价值五万元以上", MAJORCAT_CONFISCATION_AT_LEAST,
	  0, YUAN(50000), "",
	  "《行政处罚法》第五十八条第一款第四项、第六十三条第一款第二项；国办发〔2018〕118号" },
	{ "coercion", "查封、扣押财物价值十万元以上", MAJORCAT_COERCION_AT_LEAST, 0, YUAN(100000), "",
	  "《行政强制法》第九条第二项、第三项，第十八条；国办发〔2018〕118号" },
	{ "hearing", "直接关系当事人或者第三人重大权益，经过听证程序的", MAJORCAT_HEARING_HELD, 0, 0,
	  "", "《行政处罚法》第五十八条第一款第二项" },
	{ "public-interest", "涉及重大公共利益的", MAJORCAT_PUBLIC_INTEREST, 0, 0, "",
	  "《行政处罚法》第五十八条第一款第一项" },
	{ "complex", "案件情况疑难复杂、涉及多个法律关系的", MAJORCAT_COMPLEX, 0, 0, "",
	  "《行政处罚法》第五十八条第一款第三项" },
	{ "multi-agency", "涉及多个执法机关或者跨部门、跨领域的", MAJORCAT_MULTI_AGENCY, 0, 0, "",
	  "《行政处罚法》第五十八条第一款第四项；国办发〔2018〕118号" },
};

/* Copies a NUL-terminated text into a fixed field; the defaults are known to fit. */
static void set_field(char *field, size_t size, const char *text)
{
	snprintf(field, size, "%s", text);
}

int majorcat_default(struct majorcat *out, struct sx_error *err)
{
	struct majorcat_rule *rules;
	size_t i;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "majorcat_bad_catalog", "重大执法决定目录无效");
	memset(out, 0, sizeof(*out));
	rules = sx_calloc(ARRAY_LEN(default_rules), sizeof(*rules));
	if (rules == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (i = 0; i < ARRAY_LEN(default_rules); i++) {
		const struct default_rule *d = &default_rules[i];
		struct majorcat_rule *r = &rules[i];

		set_field(r->id, sizeof(r->id), d->id);
		set_field(r->title, sizeof(r->title), d->title);
		r->kind = d->kind;
		r->acts_mask = d->acts_mask;
		r->threshold_fen = d->threshold_fen;
		set_field(r->party_type, sizeof(r->party_type), d->party_type);
		set_field(r->basis, sizeof(r->basis), d->basis);
	}
	out->rules = rules;
	out->count = ARRAY_LEN(default_rules);
	return 0;
}
