/*
 * domain/review — see review.h for the rules and the texts they come from.
 *
 * Decisions taken here:
 *   - Texts (notes, the opinion) are valid UTF-8 with no control characters
 *     other than '\t', '\n' and '\r' (a note is written on several lines).
 *     "Blank" means only those, spaces, U+00A0 and U+3000 (全角空格).
 *   - Messages name the checklist item by its label, never quote the note or
 *     opinion (they come from people and may be long).
 *   - Dates are exactly "YYYY-MM-DD"; "YYYY-MM-DD" compares as text in date
 *     order, which review_is_overdue relies on once both are known valid.
 *   - The staffing ratio is computed in integers: ceil(officers × 5 / 100) is
 *     ceil(officers / 20), written so that it cannot overflow.
 */
#include "domain/review.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct review__word {
	const char *code;
	const char *label;
};

/* 国办发〔2018〕118号 四, in enum order. */
static const struct review__word review__checks[REVIEW_CHECK_COUNT] = {
        [REVIEW_CHECK_SUBJECT] = {"subject", "执法主体合法"},
        [REVIEW_CHECK_QUALIFICATION] = {"qualification", "执法人员具备资格"},
        [REVIEW_CHECK_PROCEDURE] = {"procedure", "程序合法"},
        [REVIEW_CHECK_FACTS] = {"facts", "事实清楚"},
        [REVIEW_CHECK_EVIDENCE] = {"evidence", "证据确凿充分"},
        [REVIEW_CHECK_LAW] = {"law", "适用法律准确"},
        [REVIEW_CHECK_DISCRETION] = {"discretion", "裁量基准运用适当"},
        [REVIEW_CHECK_AUTHORITY] = {"authority", "未超越职权"},
        [REVIEW_CHECK_DOCUMENTS] = {"documents", "文书规范齐备"},
        [REVIEW_CHECK_CRIME] = {"crime", "是否涉嫌犯罪需移送司法机关"},
};

/* Indexed by enum review_conclusion; [0] unused. */
static const struct review__word review__conclusions[] = {
        [REVIEW_AGREE] = {"approve", "同意"},
        [REVIEW_REVISE] = {"amend", "建议修改"},
        [REVIEW_DISAGREE] = {"reject", "不同意"},
};

static const struct review__word review__materials[REVIEW_MAT_COUNT] = {
        [REVIEW_MAT_DRAFT_DECISION] = {"draft_decision", "拟作出的行政执法决定"},
        [REVIEW_MAT_INVESTIGATION_REPORT] = {"investigation_report", "调查终结报告"},
        [REVIEW_MAT_EVIDENCE_LIST] = {"evidence_list", "证据目录"},
        [REVIEW_MAT_HEARING_RECORD] = {"hearing_record", "听证笔录"},
        [REVIEW_MAT_DISCUSSION_RECORD] = {"discussion_record", "集体讨论记录"},
};

/* Always required, whatever the case. */
#define REVIEW__MAT_REQUIRED                                                                       \
	((1u << REVIEW_MAT_DRAFT_DECISION) | (1u << REVIEW_MAT_INVESTIGATION_REPORT) |             \
	 (1u << REVIEW_MAT_EVIDENCE_LIST))

/* Officers per required reviewer: 5 % is one in twenty. */
#define REVIEW__OFFICERS_PER_REVIEWER (100 / REVIEW_STAFFING_PERCENT)

static bool review__check_is_valid(enum review_check c)
{
	return (int)c >= 0 && (int)c < REVIEW_CHECK_COUNT;
}

static bool review__conclusion_is_valid(enum review_conclusion c)
{
	return c == REVIEW_AGREE || c == REVIEW_REVISE || c == REVIEW_DISAGREE;
}

static bool review__material_is_valid(enum review_material m)
{
	return (int)m >= 0 && (int)m < REVIEW_MAT_COUNT;
}

/* Index of code in words[first..count), or -1. */
static int review__find(const struct review__word *words, int first, int count, const char *code)
{
	if (code == NULL)
		return -1;
	for (int i = first; i < count; i++) {
		if (strcmp(words[i].code, code) == 0)
			return i;
	}
	return -1;
}

const char *review_check_code(enum review_check c)
{
	return review__check_is_valid(c) ? review__checks[c].code : NULL;
}

const char *review_check_label(enum review_check c)
{
	return review__check_is_valid(c) ? review__checks[c].label : NULL;
}

int review_check_from_code(enum review_check *out, const char *code, struct sx_error *err)
{
	int i = review__find(review__checks, 0, REVIEW_CHECK_COUNT, code);

	if (out == NULL || i < 0)
		return sx_error_set(err, SX_EINVALID, "bad_review_check", "审核要点无效");
	*out = (enum review_check)i;
	return 0;
}

const char *review_conclusion_code(enum review_conclusion c)
{
	return review__conclusion_is_valid(c) ? review__conclusions[c].code : NULL;
}

const char *review_conclusion_label(enum review_conclusion c)
{
	return review__conclusion_is_valid(c) ? review__conclusions[c].label : NULL;
}

int review_conclusion_from_code(enum review_conclusion *out, const char *code, struct sx_error *err)
{
	int i = review__find(review__conclusions, REVIEW_AGREE, (int)ARRAY_LEN(review__conclusions),
	                     code);

	if (out == NULL || i < 0)
		return sx_error_set(err, SX_EINVALID, "bad_conclusion",
		                    "审核结论无效：应为同意、建议修改或不同意");
	*out = (enum review_conclusion)i;
	return 0;
}

const char *review_material_code(enum review_material m)
{
	return review__material_is_valid(m) ? review__materials[m].code : NULL;
}

const char *review_material_label(enum review_material m)
{
	return review__material_is_valid(m) ? review__materials[m].label : NULL;
}

int review_material_from_code(enum review_material *out, const char *code, struct sx_error *err)
{
	int i = review__find(review__materials, 0, REVIEW_MAT_COUNT, code);

	if (out == NULL || i < 0)
		return sx_error_set(err, SX_EINVALID, "bad_material", "送审材料类型无效");
	*out = (enum review_material)i;
	return 0;
}

/* ---- texts ---- */

enum review__text {
	REVIEW__TEXT_OK = 0,
	REVIEW__TEXT_BLANK, /* empty or only blanks */
	REVIEW__TEXT_BAD,   /* not UTF-8, or a control character */
};

static bool review__is_blank(unsigned long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xa0 || cp == 0x3000;
}

/* Checks s[0..len) by the rules of the file comment. */
static enum review__text review__text_check(const char *s, size_t len)
{
	bool blank = true;
	size_t i = 0;

	if (!codec_is_valid_utf8(s, len))
		return REVIEW__TEXT_BAD;
	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0)
			return REVIEW__TEXT_BAD;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return REVIEW__TEXT_BAD;
		if (!review__is_blank(cp))
			blank = false;
		i += n;
	}
	return blank ? REVIEW__TEXT_BLANK : REVIEW__TEXT_OK;
}

/* A note: NUL inside its array, then the text rules. */
static enum review__text review__note_check(const char note[REVIEW_NOTE_SIZE])
{
	const char *end = memchr(note, '\0', REVIEW_NOTE_SIZE);

	if (end == NULL)
		return REVIEW__TEXT_BAD;
	return review__text_check(note, (size_t)(end - note));
}

static int review__item_error(struct sx_error *err, const char *code, enum review_check c,
                              const char *what)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "审核要点“%s”%s", review__checks[c].label, what);
	return sx_error_set(err, SX_EINVALID, code, message);
}

bool review_has_problem(const struct review_item items[REVIEW_CHECK_COUNT])
{
	if (items == NULL)
		return false;
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		if (items[i].checked && !items[i].passed)
			return true;
	}
	return false;
}

int review_check_conclusion(const struct review_item items[REVIEW_CHECK_COUNT],
                            enum review_conclusion c, const char *opinion, struct sx_error *err)
{
	enum review__text opinion_state = REVIEW__TEXT_BLANK;

	if (items == NULL)
		return sx_error_set(err, SX_EINVALID, "checklist_incomplete", "审核要点尚未填写");
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		if (!items[i].checked)
			return review__item_error(err, "checklist_incomplete", (enum review_check)i,
			                          "尚未审核：十项审核要点须全部审核后方可作出结论");
	}
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		enum review__text t = review__note_check(items[i].note);

		if (t == REVIEW__TEXT_BAD)
			return review__item_error(err, "bad_note", (enum review_check)i,
			                          "的说明过长或含有无效字符");
		if (!items[i].passed && t == REVIEW__TEXT_BLANK)
			return review__item_error(err, "note_required", (enum review_check)i,
			                          "存在问题，须写明问题所在");
	}
	if (!review__conclusion_is_valid(c))
		return sx_error_set(err, SX_EINVALID, "bad_conclusion",
		                    "审核结论无效：应为同意、建议修改或不同意");
	if (opinion != NULL) {
		size_t len = strnlen(opinion, REVIEW_OPINION_MAX_BYTES + 1);

		if (len > REVIEW_OPINION_MAX_BYTES)
			return sx_error_set(err, SX_EINVALID, "bad_opinion", "审核意见过长");
		opinion_state = review__text_check(opinion, len);
		if (opinion_state == REVIEW__TEXT_BAD)
			return sx_error_set(err, SX_EINVALID, "bad_opinion",
			                    "审核意见含有无效字符");
	}

	if (c == REVIEW_AGREE) {
		/* A suspected crime goes to the judicial organs (《行政处罚法》第二十七条):
		 * no administrative decision may be agreed to instead. */
		if (!items[REVIEW_CHECK_CRIME].passed)
			return sx_error_set(
			        err, SX_EINVALID, "agree_with_problems",
			        "案件涉嫌犯罪，应当移送司法机关，不得同意作出行政执法决定");
		for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
			if (!items[i].passed)
				return review__item_error(
				        err, "agree_with_problems", (enum review_check)i,
				        "存在问题，不能作出同意的结论：应建议修改或不同意");
		}
		return 0;
	}
	if (!review_has_problem(items))
		return sx_error_set(err, SX_EINVALID, "problem_required",
		                    "审核要点均未发现问题，不能作出建议修改或不同意的结论："
		                    "请标明存在问题的要点");
	if (opinion_state == REVIEW__TEXT_BLANK)
		return sx_error_set(err, SX_EINVALID, "opinion_required",
		                    "建议修改或不同意时，须写明审核意见");
	return 0;
}

/* ---- materials ---- */

int review_materials_check(unsigned *missing_mask, unsigned present_mask, bool hearing_held,
                           struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	unsigned required = REVIEW__MAT_REQUIRED;
	unsigned missing;
	size_t used;

	if (missing_mask != NULL)
		*missing_mask = 0;
	if ((present_mask & ~REVIEW_MAT_ALL) != 0)
		return sx_error_set(err, SX_EINVALID, "bad_material", "送审材料类型无效");
	/* 《行政处罚法》第六十五条: 听证结束后，行政机关应当根据听证笔录作出决定. */
	if (hearing_held)
		required |= 1u << REVIEW_MAT_HEARING_RECORD;
	missing = required & ~present_mask;
	if (missing_mask != NULL)
		*missing_mask = missing;
	if (missing == 0)
		return 0;

	used = (size_t)snprintf(message, sizeof(message), "送审材料不齐全，缺少：");
	for (int m = 0; m < REVIEW_MAT_COUNT && used < sizeof(message); m++) {
		if ((missing & (1u << m)) == 0)
			continue;
		/* At most five short labels: the message has room for all of them. */
		used += (size_t)snprintf(message + used, sizeof(message) - used, "%s%s",
		                         (missing & ((1u << m) - 1u)) ? "、" : "",
		                         review__materials[m].label);
	}
	return sx_error_set(err, SX_EINVALID, "materials_incomplete", message);
}

/* ---- deadlines ---- */

/* Exactly "YYYY-MM-DD", a real date. */
static bool review__parse_date(struct calendar_date *out, const char *text)
{
	if (text == NULL || strnlen(text, SX_DATE_TEXT_LEN) != SX_DATE_TEXT_LEN - 1)
		return false;
	return sx_date_parse(&out->year, &out->month, &out->day, text, SX_DATE_TEXT_LEN - 1) == 0;
}

static int review__bad_date(struct sx_error *err, const char *what)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "%s无效：应为 YYYY-MM-DD 格式的日期", what);
	return sx_error_set(err, SX_EINVALID, "bad_date", message);
}

/* out = the n-th working day after start, as text. */
static int review__add(char out[11], const struct calendar *cal, struct calendar_date start, int n,
                       struct sx_error *err)
{
	struct calendar_date due;
	int rc;

	if ((rc = calendar_add_workdays(&due, cal, start, n, err)) < 0)
		return rc;
	sx_date_format(out, due.year, due.month, due.day);
	return 0;
}

int review_due(char out[11], const struct calendar *cal, const char *accepted_on, bool urgent,
               struct sx_error *err)
{
	struct calendar_date accepted;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if (!review__parse_date(&accepted, accepted_on))
		return review__bad_date(err, "受理日期");
	return review__add(out, cal, accepted, urgent ? REVIEW_DAYS_URGENT : REVIEW_DAYS, err);
}

int review_extend(char out[11], const struct calendar *cal, const char *due_on, bool extended,
                  struct sx_error *err)
{
	struct calendar_date due;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if (!review__parse_date(&due, due_on))
		return review__bad_date(err, "审核期限");
	if (extended)
		return sx_error_set(err, SX_ECONFLICT, "already_extended",
		                    "审核期限已延长过一次，不得再次延长");
	return review__add(out, cal, due, REVIEW_EXTENSION_DAYS, err);
}

bool review_is_overdue(const char *due_on, const char *today)
{
	struct calendar_date due, now;

	if (!review__parse_date(&due, due_on) || !review__parse_date(&now, today))
		return false;
	return strcmp(today, due_on) > 0;
}

int review_workdays_left(int *out, const struct calendar *cal, const char *due_on,
                         const char *today, struct sx_error *err)
{
	struct calendar_date due, now;

	if (out == NULL || cal == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!review__parse_date(&due, due_on))
		return review__bad_date(err, "审核期限");
	if (!review__parse_date(&now, today))
		return review__bad_date(err, "当前日期");
	return calendar_workdays_left(out, cal, due, now, err);
}

/* ---- who reviews ---- */

static bool review__is_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

int review_assignment_check(const char *reviewer_user_id, const char *reviewer_officer_id,
                            const char *const *case_officer_ids, size_t count,
                            const char *submitter_user_id, struct sx_error *err)
{
	if (!review__is_set(reviewer_user_id))
		return sx_error_set(err, SX_EINVALID, "bad_reviewer", "未指定审核人员");
	if (case_officer_ids == NULL && count > 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	/* 《行政处罚法》第四十三条: 回避. */
	if (review__is_set(reviewer_officer_id)) {
		for (size_t i = 0; i < count; i++) {
			if (review__is_set(case_officer_ids[i]) &&
			    strcmp(case_officer_ids[i], reviewer_officer_id) == 0)
				return sx_error_set(err, SX_EPERM, "reviewer_conflict",
				                    "审核人员是本案的承办执法人员，应当回避，"
				                    "不得审核本案");
		}
	}
	if (review__is_set(submitter_user_id) && strcmp(submitter_user_id, reviewer_user_id) == 0)
		return sx_error_set(err, SX_EPERM, "reviewer_conflict",
		                    "审核人员是本案的送审人，应当回避，不得审核本案");
	return 0;
}

bool review_staffing_short(int64_t *required, int64_t reviewers, int64_t officers)
{
	int64_t need;

	if (officers < 0)
		officers = 0;
	if (reviewers < 0)
		reviewers = 0;
	/* ceil(officers / 20) without officers + 19 overflowing near INT64_MAX. */
	need = officers / REVIEW__OFFICERS_PER_REVIEWER +
	       (officers % REVIEW__OFFICERS_PER_REVIEWER != 0 ? 1 : 0);
	if (need < 1)
		need = 1;
	if (required != NULL)
		*required = need;
	return reviewers < need;
}
