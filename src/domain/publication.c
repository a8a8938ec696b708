/*
 * domain/publication — see publication.h for the rules and the texts they
 * come from.
 *
 * Decisions taken here:
 *   - Texts are valid UTF-8. Single-line fields (names, codes, 文号, 执法类别)
 *     allow no control characters; multi-line ones and reasons allow '\t',
 *     '\n' and '\r'. C1 controls (U+0080..U+009F) and DEL are refused
 *     everywhere. "Blank" means only spaces, tabs, line breaks, U+00A0 and
 *     U+3000 (全角空格), as in domain/review.
 *   - Messages name fields by their labels and never quote the text (it may
 *     be long, and a party's name is exactly what must not leak into logs).
 *   - Dates are exactly "YYYY-MM-DD", which compares as text in date order
 *     once both are known valid.
 *   - The transition table is the only place that knows the moves; the
 *     reasons a move takes are a column of it.
 */
#include "domain/publication.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"
#include "domain/idcheck.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct publication__word {
	const char *code;
	const char *label;
};

/* Indexed by the enums; [0] unused where the enum starts at 1. */
static const struct publication__word publication__acts[] = {
        [PUBLICATION_ACT_LICENSE] = {"license", "行政许可"},
        [PUBLICATION_ACT_PENALTY] = {"penalty", "行政处罚"},
        [PUBLICATION_ACT_COERCION] = {"coercion", "行政强制"},
        [PUBLICATION_ACT_INSPECTION] = {"inspection", "行政检查"},
        [PUBLICATION_ACT_OTHER] = {"other", "其他"},
};

static const struct publication__word publication__statuses[] = {
        [PUBLICATION_DRAFT] = {"draft", "待发布"},
        [PUBLICATION_PENDING_CHECK] = {"pending_check", "待核"},
        [PUBLICATION_PUBLISHED] = {"published", "已公开"},
        [PUBLICATION_WITHDRAWN] = {"withdrawn", "已撤下"},
        [PUBLICATION_CORRECTED] = {"corrected", "已更正"},
        [PUBLICATION_WITHHELD] = {"withheld", "不予公开"},
};

static const struct publication__word publication__withdraw_reasons[] = {
        [PUBLICATION_WITHDRAW_REVOKED] = {"revoked", "被依法撤销"},
        [PUBLICATION_WITHDRAW_CONFIRMED_ILLEGAL] = {"confirmed_illegal", "被确认违法"},
        [PUBLICATION_WITHDRAW_REMADE] = {"remade", "被责令重新作出"},
        [PUBLICATION_WITHDRAW_OTHER] = {"other", "其他"},
};

static const struct publication__word publication__withhold_reasons[] = {
        [PUBLICATION_WITHHOLD_STATE_SECRET] = {"state_secret", "国家秘密"},
        [PUBLICATION_WITHHOLD_TRADE_SECRET] = {"trade_secret", "商业秘密"},
        [PUBLICATION_WITHHOLD_PERSONAL_PRIVACY] = {"personal_privacy", "个人隐私"},
};

static const struct publication__word publication__fields[PUBLICATION_FIELD_COUNT] = {
        [PUBLICATION_FIELD_AGENCY_NAME] = {"agency_name", "执法机关"},
        [PUBLICATION_FIELD_PARTY_TYPE] = {"party_type", "当事人类型"},
        [PUBLICATION_FIELD_PARTY_NAME] = {"party_name", "当事人名称"},
        [PUBLICATION_FIELD_PARTY_CODE] = {"party_code", "统一社会信用代码"},
        [PUBLICATION_FIELD_ACT_TYPE] = {"act_type", "行为类别"},
        [PUBLICATION_FIELD_CATEGORY] = {"category", "执法类别"},
        [PUBLICATION_FIELD_CONCLUSION] = {"conclusion", "执法结论"},
        [PUBLICATION_FIELD_DOC_NO] = {"doc_no", "文号"},
        [PUBLICATION_FIELD_DECIDED_ON] = {"decided_on", "决定日期"},
        [PUBLICATION_FIELD_LEGAL_BASIS] = {"legal_basis", "执法依据"},
        [PUBLICATION_FIELD_PENALTY] = {"penalty", "处罚内容"},
        [PUBLICATION_FIELD_FINE] = {"fine", "罚款金额"},
        [PUBLICATION_FIELD_CONFISCATION] = {"confiscation", "没收金额"},
        [PUBLICATION_FIELD_FULL_TEXT] = {"full_text", "决定书全文"},
};

/* Index of code in words[first..count), or -1. */
static int publication__find(const struct publication__word *words, int first, int count,
                             const char *code)
{
	if (code == NULL)
		return -1;
	for (int i = first; i < count; i++) {
		if (strcmp(words[i].code, code) == 0)
			return i;
	}
	return -1;
}

/* words[i].code or .label when first <= i < count, else NULL. */
static const struct publication__word *publication__at(const struct publication__word *words,
                                                       int first, int count, int i)
{
	return i >= first && i < count ? &words[i] : NULL;
}

static const char *publication__code(const struct publication__word *words, int first, int count,
                                     int i)
{
	const struct publication__word *w = publication__at(words, first, count, i);

	return w != NULL ? w->code : NULL;
}

static const char *publication__label(const struct publication__word *words, int first, int count,
                                      int i)
{
	const struct publication__word *w = publication__at(words, first, count, i);

	return w != NULL ? w->label : NULL;
}

#define PUBLICATION__CODE(words, first, i)                                                         \
	publication__code(words, first, (int)ARRAY_LEN(words), (int)(i))
#define PUBLICATION__LABEL(words, first, i)                                                        \
	publication__label(words, first, (int)ARRAY_LEN(words), (int)(i))

const char *publication_act_code(enum publication_act a)
{
	return PUBLICATION__CODE(publication__acts, PUBLICATION_ACT_LICENSE, a);
}

const char *publication_act_label(enum publication_act a)
{
	return PUBLICATION__LABEL(publication__acts, PUBLICATION_ACT_LICENSE, a);
}

int publication_act_from_code(enum publication_act *out, const char *code, struct sx_error *err)
{
	int i = publication__find(publication__acts, PUBLICATION_ACT_LICENSE,
	                          (int)ARRAY_LEN(publication__acts), code);

	if (out == NULL || i < 0)
		return sx_error_set(
		        err, SX_EINVALID, "bad_act_type",
		        "行为类别无效：应为行政许可、行政处罚、行政强制、行政检查或其他");
	*out = (enum publication_act)i;
	return 0;
}

const char *publication_status_code(enum publication_status s)
{
	return PUBLICATION__CODE(publication__statuses, PUBLICATION_DRAFT, s);
}

const char *publication_status_label(enum publication_status s)
{
	return PUBLICATION__LABEL(publication__statuses, PUBLICATION_DRAFT, s);
}

int publication_status_from_code(enum publication_status *out, const char *code,
                                 struct sx_error *err)
{
	int i = publication__find(publication__statuses, PUBLICATION_DRAFT,
	                          (int)ARRAY_LEN(publication__statuses), code);

	if (out == NULL || i < 0)
		return sx_error_set(err, SX_EINVALID, "bad_status", "公开状态无效");
	*out = (enum publication_status)i;
	return 0;
}

const char *publication_withdraw_reason_code(enum publication_withdraw_reason r)
{
	return PUBLICATION__CODE(publication__withdraw_reasons, PUBLICATION_WITHDRAW_REVOKED, r);
}

const char *publication_withdraw_reason_label(enum publication_withdraw_reason r)
{
	return PUBLICATION__LABEL(publication__withdraw_reasons, PUBLICATION_WITHDRAW_REVOKED, r);
}

int publication_withdraw_reason_from_code(enum publication_withdraw_reason *out, const char *code,
                                          struct sx_error *err)
{
	int i = publication__find(publication__withdraw_reasons, PUBLICATION_WITHDRAW_REVOKED,
	                          (int)ARRAY_LEN(publication__withdraw_reasons), code);

	if (out == NULL || i < 0)
		return sx_error_set(
		        err, SX_EINVALID, "bad_reason",
		        "撤下原因无效：应为被依法撤销、被确认违法、被责令重新作出或其他");
	*out = (enum publication_withdraw_reason)i;
	return 0;
}

const char *publication_withhold_reason_code(enum publication_withhold_reason r)
{
	return PUBLICATION__CODE(publication__withhold_reasons, PUBLICATION_WITHHOLD_STATE_SECRET,
	                         r);
}

const char *publication_withhold_reason_label(enum publication_withhold_reason r)
{
	return PUBLICATION__LABEL(publication__withhold_reasons, PUBLICATION_WITHHOLD_STATE_SECRET,
	                          r);
}

int publication_withhold_reason_from_code(enum publication_withhold_reason *out, const char *code,
                                          struct sx_error *err)
{
	int i = publication__find(publication__withhold_reasons, PUBLICATION_WITHHOLD_STATE_SECRET,
	                          (int)ARRAY_LEN(publication__withhold_reasons), code);

	if (out == NULL || i < 0)
		return sx_error_set(err, SX_EINVALID, "bad_reason",
		                    "不予公开的理由无效：应为国家秘密、商业秘密或个人隐私");
	*out = (enum publication_withhold_reason)i;
	return 0;
}

const char *publication_field_code(enum publication_field f)
{
	return PUBLICATION__CODE(publication__fields, 0, f);
}

const char *publication_field_label(enum publication_field f)
{
	return PUBLICATION__LABEL(publication__fields, 0, f);
}

/* ---- texts ---- */

enum publication__text {
	PUBLICATION__TEXT_OK = 0,
	PUBLICATION__TEXT_BLANK, /* empty or only blanks */
	PUBLICATION__TEXT_BAD,   /* not UTF-8, or a forbidden control character */
};

static bool publication__is_blank(unsigned long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 || cp == 0x3000;
}

/* Checks s[0..len) by the rules of the file comment. */
static enum publication__text publication__text_check(const char *s, size_t len, bool multiline)
{
	bool blank = true;
	size_t i = 0;

	if (!codec_is_valid_utf8(s, len))
		return PUBLICATION__TEXT_BAD;
	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);
		bool line_char = cp == '\t' || cp == '\n' || cp == '\r';

		if (n == 0)
			return PUBLICATION__TEXT_BAD;
		if ((cp < 0x20 && !(multiline && line_char)) || (cp >= 0x7f && cp <= 0x9f))
			return PUBLICATION__TEXT_BAD;
		if (!publication__is_blank(cp))
			blank = false;
		i += n;
	}
	return blank ? PUBLICATION__TEXT_BLANK : PUBLICATION__TEXT_OK;
}

/* A fixed-size field: its NUL inside the array, then the text rules. */
static enum publication__text publication__field_text(const char *field, size_t size,
                                                      bool multiline)
{
	const char *end = memchr(field, '\0', size);

	if (end == NULL)
		return PUBLICATION__TEXT_BAD;
	return publication__text_check(field, (size_t)(end - field), multiline);
}

static bool publication__is_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* ---- deadlines ---- */

/* Exactly "YYYY-MM-DD", a real date. */
static bool publication__parse_date(struct calendar_date *out, const char *text)
{
	if (text == NULL || strnlen(text, SX_DATE_TEXT_LEN) != SX_DATE_TEXT_LEN - 1)
		return false;
	return sx_date_parse(&out->year, &out->month, &out->day, text, SX_DATE_TEXT_LEN - 1) == 0;
}

static int publication__bad_date(struct sx_error *err, const char *what)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "%s无效：应为 YYYY-MM-DD 格式的日期", what);
	return sx_error_set(err, SX_EINVALID, "bad_date", message);
}

/* out = the n-th working day after start, as text. */
static int publication__add(char out[11], const struct calendar *cal, struct calendar_date start,
                            int n, struct sx_error *err)
{
	struct calendar_date due;
	int rc;

	if ((rc = calendar_add_workdays(&due, cal, start, n, err)) < 0)
		return rc;
	sx_date_format(out, due.year, due.month, due.day);
	return 0;
}

int publication_due(char out[11], const struct calendar *cal, enum publication_act act,
                    const char *decided_on, struct sx_error *err)
{
	struct calendar_date decided;
	int days;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if (publication_act_code(act) == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_act_type", "行为类别无效");
	if (!publication__parse_date(&decided, decided_on))
		return publication__bad_date(err, "决定日期");
	/* 国办发〔2018〕118号 二(三): 许可、处罚 7 个工作日, the others 20. */
	days = act == PUBLICATION_ACT_LICENSE || act == PUBLICATION_ACT_PENALTY
	               ? PUBLICATION_DAYS_LICENSE_PENALTY
	               : PUBLICATION_DAYS_OTHER;
	return publication__add(out, cal, decided, days, err);
}

int publication_withdraw_due(char out[11], const struct calendar *cal, const char *event_on,
                             struct sx_error *err)
{
	struct calendar_date event;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if (!publication__parse_date(&event, event_on))
		return publication__bad_date(err, "撤销、确认违法或责令重新作出的日期");
	return publication__add(out, cal, event, PUBLICATION_WITHDRAW_DAYS, err);
}

bool publication_is_overdue(const char *due_on, const char *done_on, const char *today)
{
	struct calendar_date due, when;
	const char *compared = publication__is_set(done_on) ? done_on : today;

	if (!publication__parse_date(&due, due_on) || !publication__parse_date(&when, compared))
		return false;
	return strcmp(compared, due_on) > 0;
}

int publication_days_left(int *out, const struct calendar *cal, const char *due_on,
                          const char *today, struct sx_error *err)
{
	struct calendar_date due, now;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!publication__parse_date(&due, due_on))
		return publication__bad_date(err, "公开期限");
	if (!publication__parse_date(&now, today))
		return publication__bad_date(err, "当前日期");
	return calendar_workdays_left(out, cal, due, now, err);
}

/* ---- statuses and moves ---- */

/* What a move needs besides the actor. */
enum publication__needs {
	PUBLICATION__NEEDS_NOTHING = 0,
	PUBLICATION__NEEDS_SECOND_PERSON, /* actor ≠ maker */
	PUBLICATION__NEEDS_TEXT,          /* a reason text, no code */
	PUBLICATION__NEEDS_WITHDRAW,      /* a withdraw reason code; text for "other" */
	PUBLICATION__NEEDS_WITHHOLD,      /* a withhold reason code and a text */
};

struct publication__move {
	enum publication_status from;
	enum publication_status to;
	enum publication__needs needs;
	const char *text_what; /* what the text must say, for the message */
};

static const struct publication__move publication__moves[] = {
        {PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK, PUBLICATION__NEEDS_NOTHING, NULL},
        {PUBLICATION_PENDING_CHECK, PUBLICATION_PUBLISHED, PUBLICATION__NEEDS_SECOND_PERSON, NULL},
        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, PUBLICATION__NEEDS_TEXT,
         "退回时须写明需要修改之处"},
        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, PUBLICATION__NEEDS_WITHDRAW,
         "撤下原因为“其他”时须写明具体原因"},
        {PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED, PUBLICATION__NEEDS_TEXT,
         "更正时须写明更正原因"},
        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, PUBLICATION__NEEDS_WITHHOLD,
         "不予公开时须写明具体理由"},
};

static const struct publication__move *publication__find_move(enum publication_status from,
                                                              enum publication_status to)
{
	for (size_t i = 0; i < ARRAY_LEN(publication__moves); i++) {
		if (publication__moves[i].from == from && publication__moves[i].to == to)
			return &publication__moves[i];
	}
	return NULL;
}

bool publication_can_move(enum publication_status from, enum publication_status to)
{
	return publication__find_move(from, to) != NULL;
}

/* The reason code for move m: 0 when it fits, else "bad_reason"/"reason_required". */
static int publication__reason_code_check(const struct publication__move *m, const char *code,
                                          bool *is_other, struct sx_error *err)
{
	enum publication_withdraw_reason wr;
	enum publication_withhold_reason hr;
	int rc;

	*is_other = false;
	switch (m->needs) {
	case PUBLICATION__NEEDS_WITHDRAW:
		if (!publication__is_set(code))
			return sx_error_set(err, SX_EINVALID, "reason_required",
			                    "撤下须选择原因：被依法撤销、被确认违法、"
			                    "被责令重新作出或其他");
		if ((rc = publication_withdraw_reason_from_code(&wr, code, err)) < 0)
			return rc;
		*is_other = wr == PUBLICATION_WITHDRAW_OTHER;
		return 0;
	case PUBLICATION__NEEDS_WITHHOLD:
		if (!publication__is_set(code))
			return sx_error_set(err, SX_EINVALID, "reason_required",
			                    "不予公开须选择理由：国家秘密、商业秘密或个人隐私");
		return publication_withhold_reason_from_code(&hr, code, err);
	default:
		if (publication__is_set(code))
			return sx_error_set(err, SX_EINVALID, "bad_reason",
			                    "这一操作不需要选择原因");
		return 0;
	}
}

int publication_transition_check(enum publication_status from, enum publication_status to,
                                 const char *reason_code, const char *reason_text,
                                 const char *maker_user_id, const char *actor_user_id,
                                 struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	const struct publication__move *m;
	enum publication__text text = PUBLICATION__TEXT_BLANK;
	bool is_other = false;
	bool text_needed;
	int rc;

	if (publication_status_code(from) == NULL || publication_status_code(to) == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_status", "公开状态无效");
	if (!publication__is_set(actor_user_id))
		return sx_error_set(err, SX_EINVALID, "bad_actor", "未指明操作人员");
	m = publication__find_move(from, to);
	if (m == NULL) {
		snprintf(message, sizeof(message), "不能从“%s”转为“%s”",
		         publication__statuses[from].label, publication__statuses[to].label);
		return sx_error_setf(err, SX_ECONFLICT, "transition_not_allowed", message,
		                     "from=%s to=%s", publication__statuses[from].code,
		                     publication__statuses[to].code);
	}

	if (reason_text != NULL) {
		size_t len = strnlen(reason_text, PUBLICATION_REASON_MAX_BYTES + 1);

		if (len > PUBLICATION_REASON_MAX_BYTES)
			return sx_error_set(err, SX_EINVALID, "bad_reason", "原因说明过长");
		text = publication__text_check(reason_text, len, true);
		if (text == PUBLICATION__TEXT_BAD)
			return sx_error_set(err, SX_EINVALID, "bad_reason", "原因说明含有无效字符");
	}
	/* A missing code is reported before a missing text: the code is chosen first. */
	if ((rc = publication__reason_code_check(m, reason_code, &is_other, err)) < 0)
		return rc;
	text_needed = m->needs == PUBLICATION__NEEDS_TEXT ||
	              m->needs == PUBLICATION__NEEDS_WITHHOLD ||
	              (m->needs == PUBLICATION__NEEDS_WITHDRAW && is_other);
	if (text_needed && text == PUBLICATION__TEXT_BLANK)
		return sx_error_set(err, SX_EINVALID, "reason_required", m->text_what);

	/* Review before release (issue 9): the one who prepared the text may not
	 * release it; an unknown maker cannot be shown to be someone else. */
	if (m->needs == PUBLICATION__NEEDS_SECOND_PERSON &&
	    (!publication__is_set(maker_user_id) || strcmp(maker_user_id, actor_user_id) == 0))
		return sx_error_set(err, SX_EPERM, "second_person_required",
		                    "公开前须由制作人以外的另一名工作人员核对，制作人不能自行公开");
	return 0;
}

/* ---- the public content ---- */

/* Two-character surnames (复姓) accepted before 某; a one-character prefix is
 * any ideograph. The list holds the compound surnames in use today; a party
 * whose compound surname is missing can be published as "某某". */
static const char *const publication__compound_surnames[] = {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "呼延",
        "闻人", "澹台", "公冶", "太史", "申屠", "钟离", "赫连", "拓跋", "万俟", "濮阳",
        "单于", "宗政", "仲孙", "百里", "东郭", "公羊", "左丘", "第五", "司空", "亓官",
};

static bool publication__is_ideograph(unsigned long cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	       (cp >= 0x20000 && cp <= 0x3134f);
}

#define PUBLICATION__MOU 0x67d0 /* 某 */

bool publication_person_name_is_masked(const char *name)
{
	unsigned long cps[4];
	size_t starts[5];
	size_t n = 0, i = 0, len, prefix = 0, mou;

	if (name == NULL)
		return false;
	len = strnlen(name, 17);
	if (len > 16 || !codec_is_valid_utf8(name, len))
		return false;
	while (i < len) {
		size_t step;

		if (n == ARRAY_LEN(cps))
			return false; /* more than 4 characters */
		step = codec_utf8_char_len(name + i, len - i, &cps[n]);
		if (step == 0)
			return false;
		starts[n++] = i;
		i += step;
	}
	starts[n] = len;
	if (n < 2)
		return false;
	while (prefix < n && cps[prefix] != PUBLICATION__MOU) {
		if (!publication__is_ideograph(cps[prefix]))
			return false;
		prefix++;
	}
	mou = n - prefix;
	if (prefix > 2 || mou < 1 || mou > 2)
		return false;
	for (size_t k = prefix; k < n; k++) {
		if (cps[k] != PUBLICATION__MOU)
			return false;
	}
	if (prefix == 0)
		return mou == 2; /* "某某" */
	if (prefix == 2) {
		for (size_t k = 0; k < ARRAY_LEN(publication__compound_surnames); k++) {
			const char *s = publication__compound_surnames[k];

			if (strlen(s) == starts[2] && memcmp(s, name, starts[2]) == 0)
				return true;
		}
		return false;
	}
	return true;
}

static int publication__field_error(struct sx_error *err, enum publication_field f,
                                    const char *what)
{
	char code[SX_ERROR_CODE_MAX];
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(code, sizeof(code), "bad_%s", publication__fields[f].code);
	snprintf(message, sizeof(message), "%s%s", publication__fields[f].label, what);
	return sx_error_set(err, SX_EINVALID, code, message);
}

/* A text field: NUL inside size, text rules, not blank when required. */
static int publication__text_field(struct sx_error *err, enum publication_field f,
                                   const char *field, size_t size, bool multiline, bool required)
{
	enum publication__text t = publication__field_text(field, size, multiline);

	if (t == PUBLICATION__TEXT_BAD)
		return publication__field_error(err, f, "过长或含有无效字符");
	if (required && t == PUBLICATION__TEXT_BLANK)
		return publication__field_error(err, f, "不能为空");
	return 0;
}

static int publication__amount(struct sx_error *err, enum publication_field f, int64_t fen,
                               enum publication_act act)
{
	if (fen < 0 || fen > PUBLICATION_AMOUNT_MAX_FEN)
		return publication__field_error(err, f, "超出范围");
	if (fen != 0 && act != PUBLICATION_ACT_PENALTY)
		return publication__field_error(err, f, "只能用于行政处罚决定");
	return 0;
}

int publication_content_check(const struct publication_content *c, struct sx_error *err)
{
	struct calendar_date decided;
	bool person;
	int rc;

	if (c == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_AGENCY_NAME, c->agency_name,
	                                  sizeof(c->agency_name), false, true)) < 0)
		return rc;
	if (c->party_type != PUBLICATION_PARTY_PERSON &&
	    c->party_type != PUBLICATION_PARTY_ORGANIZATION)
		return publication__field_error(err, PUBLICATION_FIELD_PARTY_TYPE,
		                                "无效：应为自然人或法人、其他组织");
	person = c->party_type == PUBLICATION_PARTY_PERSON;
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_PARTY_NAME, c->party_name,
	                                  sizeof(c->party_name), false, true)) < 0)
		return rc;
	if (person && !publication_person_name_is_masked(c->party_name))
		return sx_error_set(err, SX_EINVALID, "party_name_not_masked",
		                    "自然人的姓名须隐名处理后公开，如“张某”“欧阳某某”或“某某”");
	if (memchr(c->party_code, '\0', sizeof(c->party_code)) == NULL)
		return publication__field_error(err, PUBLICATION_FIELD_PARTY_CODE, "过长");
	if (person) {
		/* An ID number is personal information and never public
		 * (《个人信息保护法》第二十八条: 身份识别信息属于敏感个人信息). */
		if (c->party_code[0] != '\0')
			return sx_error_set(err, SX_EINVALID, "party_code_for_person",
			                    "自然人不公开身份证件号码，证件号码一栏须为空");
	} else if (idcheck_credit_code(c->party_code, strlen(c->party_code)) != 0) {
		return publication__field_error(
		        err, PUBLICATION_FIELD_PARTY_CODE,
		        c->party_code[0] == '\0' ? "不能为空" : "无效：请核对代码及其校验码");
	}
	if (publication_act_code(c->act_type) == NULL)
		return publication__field_error(err, PUBLICATION_FIELD_ACT_TYPE, "无效");
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_CATEGORY, c->category,
	                                  sizeof(c->category), false, true)) < 0)
		return rc;
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_CONCLUSION, c->conclusion,
	                                  sizeof(c->conclusion), true, true)) < 0)
		return rc;
	/* A check often ends without a written decision, hence without a 文号. */
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_DOC_NO, c->doc_no,
	                                  sizeof(c->doc_no), false,
	                                  c->act_type != PUBLICATION_ACT_INSPECTION)) < 0)
		return rc;
	if (memchr(c->decided_on, '\0', sizeof(c->decided_on)) == NULL ||
	    !publication__parse_date(&decided, c->decided_on))
		return publication__field_error(err, PUBLICATION_FIELD_DECIDED_ON,
		                                "无效：应为 YYYY-MM-DD 格式的日期");
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_LEGAL_BASIS, c->legal_basis,
	                                  sizeof(c->legal_basis), true, true)) < 0)
		return rc;
	if ((rc = publication__text_field(err, PUBLICATION_FIELD_PENALTY, c->penalty,
	                                  sizeof(c->penalty), true,
	                                  c->act_type == PUBLICATION_ACT_PENALTY)) < 0)
		return rc;
	if ((rc = publication__amount(err, PUBLICATION_FIELD_FINE, c->fine_fen, c->act_type)) < 0)
		return rc;
	if ((rc = publication__amount(err, PUBLICATION_FIELD_CONFISCATION, c->confiscation_fen,
	                              c->act_type)) < 0)
		return rc;
	if (c->full_text == NULL && c->full_text_len > 0)
		return publication__field_error(err, PUBLICATION_FIELD_FULL_TEXT, "无效");
	if (c->full_text_len > PUBLICATION_FULL_TEXT_MAX_BYTES)
		return publication__field_error(err, PUBLICATION_FIELD_FULL_TEXT, "过长");
	if (c->full_text_len > 0 &&
	    publication__text_check(c->full_text, c->full_text_len, true) == PUBLICATION__TEXT_BAD)
		return publication__field_error(err, PUBLICATION_FIELD_FULL_TEXT, "含有无效字符");
	return 0;
}

/* ---- corrections ---- */

/* Whether two fixed-size text fields hold different texts. */
static bool publication__text_differs(const char *a, const char *b, size_t size)
{
	return strncmp(a, b, size) != 0;
}

int publication_diff(enum publication_field out[PUBLICATION_FIELD_COUNT], size_t *count,
                     const struct publication_content *before,
                     const struct publication_content *after)
{
	bool changed[PUBLICATION_FIELD_COUNT];
	size_t n = 0;
	size_t before_len, after_len;

	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL || before == NULL || after == NULL)
		return SX_EINVALID;

#define PUBLICATION__TEXT(field)                                                                   \
	publication__text_differs(before->field, after->field, sizeof(before->field))
	changed[PUBLICATION_FIELD_AGENCY_NAME] = PUBLICATION__TEXT(agency_name);
	changed[PUBLICATION_FIELD_PARTY_TYPE] = before->party_type != after->party_type;
	changed[PUBLICATION_FIELD_PARTY_NAME] = PUBLICATION__TEXT(party_name);
	changed[PUBLICATION_FIELD_PARTY_CODE] = PUBLICATION__TEXT(party_code);
	changed[PUBLICATION_FIELD_ACT_TYPE] = before->act_type != after->act_type;
	changed[PUBLICATION_FIELD_CATEGORY] = PUBLICATION__TEXT(category);
	changed[PUBLICATION_FIELD_CONCLUSION] = PUBLICATION__TEXT(conclusion);
	changed[PUBLICATION_FIELD_DOC_NO] = PUBLICATION__TEXT(doc_no);
	changed[PUBLICATION_FIELD_DECIDED_ON] = PUBLICATION__TEXT(decided_on);
	changed[PUBLICATION_FIELD_LEGAL_BASIS] = PUBLICATION__TEXT(legal_basis);
	changed[PUBLICATION_FIELD_PENALTY] = PUBLICATION__TEXT(penalty);
#undef PUBLICATION__TEXT
	changed[PUBLICATION_FIELD_FINE] = before->fine_fen != after->fine_fen;
	changed[PUBLICATION_FIELD_CONFISCATION] =
	        before->confiscation_fen != after->confiscation_fen;
	before_len = before->full_text != NULL ? before->full_text_len : 0;
	after_len = after->full_text != NULL ? after->full_text_len : 0;
	changed[PUBLICATION_FIELD_FULL_TEXT] =
	        before_len != after_len ||
	        (before_len > 0 && memcmp(before->full_text, after->full_text, before_len) != 0);

	for (int f = 0; f < PUBLICATION_FIELD_COUNT; f++) {
		if (changed[f])
			out[n++] = (enum publication_field)f;
	}
	*count = n;
	return 0;
}

int publication_diff_describe(char *out, size_t out_size, const enum publication_field *fields,
                              size_t count)
{
	size_t used = 0;

	if (out == NULL || out_size == 0)
		return SX_EINVALID;
	out[0] = '\0';
	if (fields == NULL && count > 0)
		return SX_EINVALID;
	for (size_t i = 0; i < count; i++) {
		if (publication_field_label(fields[i]) == NULL) {
			out[0] = '\0';
			return SX_EINVALID;
		}
	}
	for (size_t i = 0; i < count; i++) {
		const char *sep = i == 0 ? "" : "、";
		const char *label = publication__fields[fields[i]].label;
		size_t need = strlen(sep) + strlen(label);

		if (need >= out_size - used)
			return SX_ETOOBIG;
		memcpy(out + used, sep, strlen(sep));
		memcpy(out + used + strlen(sep), label, strlen(label));
		used += need;
		out[used] = '\0';
	}
	return 0;
}
