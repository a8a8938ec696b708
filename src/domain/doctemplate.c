/*
 * domain/doctemplate — see doctemplate.h for the rules.
 *
 * Decisions taken here:
 *   - A placeholder is "{{" name "}}" with name of [a-z0-9_]; a "{{" that
 *     does not close, or holds anything else, is a template error. There is
 *     no escape: documents never need a literal "{{".
 *   - Trimming removes ASCII space, tab, CR, LF and U+3000 (全角空格) at both
 *     ends; after trimming, an empty value is "not filled".
 *   - Money in: digits, optionally '.' and one or two digits. "1,000", "¥5",
 *     "-1", "1e3", ".5", "5." and full-width digits are refused: a form field
 *     that guesses separators turns typos into fines.
 *   - Rendering looks up values through the template's field list, so a
 *     value with no field is never printed.
 */
#include "domain/doctemplate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define RENDER_MAX_BYTES (4u * 1024u * 1024u)
#define IDEOGRAPHIC_SPACE "\xe3\x80\x80"

/* Stage codes of the case workflow where a document may be made. */
static const char *const stage_codes[] = {
	"filed",    "investigation", "examination", "legal_review", "notice",  "hearing",
	"decision", "service",       "execution",   "closed",       "archived", "on_spot",
	"inspection", "handling",    "recheck",     "approval",     "coercion",
};

/* Field acts: the record is made on the spot by at least two officers
 * (《行政处罚法》第四十二条、第五十五条). */
static const char *const field_acts[] = { "inspect", "investigate", "collect", "serve", "coerce" };

/* Placeholders the system fills from the case (struct doctemplate_context). */
static const char *const system_names[] = {
	"party_name", "party_code", "agency_name", "case_no", "doc_no", "officers", "date",
};

static const char *const type_names[] = {
	[DOCTEMPLATE_TEXT] = "text",         [DOCTEMPLATE_TEXTAREA] = "textarea",
	[DOCTEMPLATE_DATE] = "date",         [DOCTEMPLATE_DATETIME] = "datetime",
	[DOCTEMPLATE_MONEY] = "money",       [DOCTEMPLATE_CHOICE] = "choice",
	[DOCTEMPLATE_OFFICERS] = "officers", [DOCTEMPLATE_PARTY] = "party",
	[DOCTEMPLATE_NUMBER] = "number",
};

static const char *const kind_names[] = {
	[DOCTEMPLATE_KIND_PENALTY] = "penalty",
	[DOCTEMPLATE_KIND_INSPECTION] = "inspection",
	[DOCTEMPLATE_KIND_COERCION] = "coercion",
};

static const char *const block_names[] = {
	[DOCBLOCK_FIELD] = "field",         [DOCBLOCK_PARAGRAPH] = "paragraph",
	[DOCBLOCK_HEADING] = "heading",     [DOCBLOCK_TABLE_ROW] = "table_row",
	[DOCBLOCK_SIGNATURE] = "signature", [DOCBLOCK_SEAL] = "seal",
};

static int fail(struct sx_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An SX_EINVALID whose message for people is formatted. */
static int fail(struct sx_error *err, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, SX_EINVALID, code, message);
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] != NULL && strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Length of a fixed-size field, or size when it holds no NUL. */
static size_t fixed_len(const char *s, size_t size)
{
	return strnlen(s, size);
}

/* [a-z][a-z0-9_]{0,31} within s[0..len). */
static bool name_is_well_formed(const char *s, size_t len)
{
	if (len < 1 || len >= DOCTEMPLATE_CODE_SIZE || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* UTF-8 without control characters ('\n' allowed when multiline). */
static bool text_is_clean(const char *s, size_t len, bool multiline)
{
	size_t i = 0;

	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0)
			return false;
		if ((cp < 0x20 && !(multiline && cp == '\n')) || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += n;
	}
	return true;
}

/* A fixed-size text: NUL inside, clean, and non-empty when required. */
static bool fixed_text_ok(const char *s, size_t size, bool required)
{
	size_t len = fixed_len(s, size);

	if (len == size)
		return false;
	if (required && len == 0)
		return false;
	return text_is_clean(s, len, false);
}

bool doctemplate_stage_is_known(const char *code)
{
	return code != NULL && in_list(stage_codes, ARRAY_LEN(stage_codes), code);
}

bool doctemplate_field_act_is_known(const char *act)
{
	return act != NULL && (act[0] == '\0' || in_list(field_acts, ARRAY_LEN(field_acts), act));
}

int doctemplate_field_type_from_name(enum doctemplate_field_type *out, const char *name)
{
	if (out == NULL || name == NULL)
		return SX_EINVALID;
	for (size_t i = 1; i < ARRAY_LEN(type_names); i++) {
		if (strcmp(type_names[i], name) == 0) {
			*out = (enum doctemplate_field_type)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *doctemplate_field_type_name(enum doctemplate_field_type type)
{
	if ((size_t)type < 1 || (size_t)type >= ARRAY_LEN(type_names))
		return "";
	return type_names[type];
}

bool doctemplate_field_type_is_system(enum doctemplate_field_type type)
{
	return type == DOCTEMPLATE_OFFICERS || type == DOCTEMPLATE_PARTY;
}

int doctemplate_kind_from_name(enum doctemplate_kind *out, const char *name)
{
	if (out == NULL || name == NULL)
		return SX_EINVALID;
	for (size_t i = 1; i < ARRAY_LEN(kind_names); i++) {
		if (strcmp(kind_names[i], name) == 0) {
			*out = (enum doctemplate_kind)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *doctemplate_kind_name(enum doctemplate_kind kind)
{
	if ((size_t)kind < 1 || (size_t)kind >= ARRAY_LEN(kind_names))
		return "";
	return kind_names[kind];
}

int doctemplate_block_from_name(enum docblock_kind *out, const char *name)
{
	if (out == NULL || name == NULL)
		return SX_EINVALID;
	for (size_t i = 1; i < ARRAY_LEN(block_names); i++) {
		if (strcmp(block_names[i], name) == 0) {
			*out = (enum docblock_kind)i;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *doctemplate_block_name(enum docblock_kind kind)
{
	if ((size_t)kind < 1 || (size_t)kind >= ARRAY_LEN(block_names))
		return "";
	return block_names[kind];
}

void doctemplate_clear(struct doctemplate *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; t->fields != NULL && i < t->field_count; i++)
		sx_free(t->fields[i].choices);
	sx_free(t->fields);
	for (size_t i = 0; t->layout != NULL && i < t->layout_count; i++)
		sx_free(t->layout[i].text);
	sx_free(t->layout);
	sx_free(t->stages);
	memset(t, 0, sizeof(*t));
}

bool doctemplate_allows_stage(const struct doctemplate *t, const char *stage_code)
{
	if (t == NULL || stage_code == NULL || t->stages == NULL)
		return false;
	for (size_t i = 0; i < t->stage_count; i++)
		if (strncmp(t->stages[i], stage_code, DOCTEMPLATE_STAGE_SIZE) == 0 &&
		    strlen(stage_code) < DOCTEMPLATE_STAGE_SIZE)
			return true;
	return false;
}

bool doctemplate_allows_kind(const struct doctemplate *t, enum doctemplate_kind kind)
{
	if (t == NULL || (size_t)kind < 1 || (size_t)kind >= ARRAY_LEN(kind_names))
		return false;
	return (t->kinds_mask & (1u << kind)) != 0;
}

const struct doctemplate_field *doctemplate_field_find(const struct doctemplate *t,
							const char *name)
{
	if (t == NULL || name == NULL || t->fields == NULL)
		return NULL;
	for (size_t i = 0; i < t->field_count; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

/* ---- placeholders ---- */

/*
 * Finds the next placeholder in s[*pos..len): on return 1, the name is
 * s[*name_at..*name_at+*name_len) and *pos is past the "}}"; literal text
 * runs from the old *pos to *lit_end. Returns 0 at the end (literal to len),
 * -1 for a malformed placeholder.
 */
static int next_placeholder(const char *s, size_t len, size_t *pos, size_t *lit_end,
			    size_t *name_at, size_t *name_len)
{
	size_t i = *pos;

	while (i + 1 < len && !(s[i] == '{' && s[i + 1] == '{'))
		i++;
	if (i + 1 >= len) {
		*lit_end = len;
		*pos = len;
		return 0;
	}
	*lit_end = i;
	i += 2;
	*name_at = i;
	while (i < len && s[i] != '}')
		i++;
	if (i + 1 >= len || s[i + 1] != '}')
		return -1;
	*name_len = i - *name_at;
	if (!name_is_well_formed(s + *name_at, *name_len))
		return -1;
	*pos = i + 2;
	return 1;
}

static bool is_system_name(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(system_names); i++)
		if (strlen(system_names[i]) == len && memcmp(system_names[i], s, len) == 0)
			return true;
	return false;
}

static const struct doctemplate_field *field_find_n(const struct doctemplate *t, const char *s,
						     size_t len)
{
	for (size_t i = 0; i < t->field_count; i++)
		if (strlen(t->fields[i].name) == len && memcmp(t->fields[i].name, s, len) == 0)
			return &t->fields[i];
	return NULL;
}

/* Checks the placeholders of one text; marks used fields in used[]. */
static int check_placeholders(const struct doctemplate *t, const char *s, size_t len, bool *used,
			      size_t block, struct sx_error *err)
{
	size_t pos = 0, lit_end, at = 0, n = 0;
	int r;

	while ((r = next_placeholder(s, len, &pos, &lit_end, &at, &n)) == 1) {
		const struct doctemplate_field *f;

		if (is_system_name(s + at, n)) {
			if (n == 6 && memcmp(s + at, "doc_no", 6) == 0 && t->doc_word[0] == '\0')
				return fail(err, "bad_template",
					    "版式第 %zu 块：无文号的文书不能使用 {{doc_no}}", block);
			continue;
		}
		f = field_find_n(t, s + at, n);
		if (f == NULL)
			return fail(err, "bad_template", "版式第 %zu 块：未知占位符 {{%.*s}}", block,
				    (int)n, s + at);
		used[f - t->fields] = true;
	}
	if (r < 0)
		return fail(err, "bad_template", "版式第 %zu 块：占位符格式错误", block);
	return 0;
}

static int validate_field(const struct doctemplate *t, size_t i, struct sx_error *err)
{
	const struct doctemplate_field *f = &t->fields[i];
	size_t name_len = fixed_len(f->name, sizeof(f->name));

	if (!name_is_well_formed(f->name, name_len))
		return fail(err, "bad_template", "第 %zu 个字段：名称应为小写字母开头的 [a-z0-9_]",
			    i + 1);
	if (is_system_name(f->name, name_len))
		return fail(err, "bad_template", "字段 %s：名称与系统占位符重名", f->name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(t->fields[j].name, f->name) == 0)
			return fail(err, "bad_template", "字段 %s 重复", f->name);
	if (!fixed_text_ok(f->label, sizeof(f->label), true))
		return fail(err, "bad_template", "字段 %s：标签为空、过长或含控制字符", f->name);
	if (!fixed_text_ok(f->help, sizeof(f->help), false))
		return fail(err, "bad_template", "字段 %s：说明过长或含控制字符", f->name);
	if (doctemplate_field_type_name(f->type)[0] == '\0')
		return fail(err, "bad_template", "字段 %s：类型未知", f->name);
	if (f->max_chars < 0 || f->max_chars > DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS * 5)
		return fail(err, "bad_template", "字段 %s：max_chars 超出范围", f->name);
	if (f->max_chars > 0 && f->type != DOCTEMPLATE_TEXT && f->type != DOCTEMPLATE_TEXTAREA)
		return fail(err, "bad_template", "字段 %s：只有文本字段可设 max_chars", f->name);
	if (doctemplate_field_type_is_system(f->type) && f->required)
		return fail(err, "bad_template", "字段 %s：系统填写的字段不能设为必填", f->name);
	if (f->type != DOCTEMPLATE_CHOICE) {
		if (f->choice_count != 0)
			return fail(err, "bad_template", "字段 %s：只有选择字段可设选项", f->name);
		return 0;
	}
	if (f->choice_count == 0 || f->choice_count > DOCTEMPLATE_MAX_CHOICES ||
	    f->choices == NULL)
		return fail(err, "bad_template", "字段 %s：选项应有 1—%d 个", f->name,
			    DOCTEMPLATE_MAX_CHOICES);
	for (size_t c = 0; c < f->choice_count; c++) {
		if (!fixed_text_ok(f->choices[c], sizeof(f->choices[c]), true))
			return fail(err, "bad_template", "字段 %s：第 %zu 个选项不合法", f->name,
				    c + 1);
		for (size_t d = 0; d < c; d++)
			if (strcmp(f->choices[c], f->choices[d]) == 0)
				return fail(err, "bad_template", "字段 %s：选项“%s”重复",
					    f->name, f->choices[c]);
	}
	return 0;
}

static int validate_layout(const struct doctemplate *t, bool *used, struct sx_error *err)
{
	int rc;

	if (t->layout_count == 0 || t->layout == NULL)
		return fail(err, "bad_template", "文书模板至少应有一个版式块");
	if (t->layout_count > DOCTEMPLATE_MAX_LAYOUT)
		return fail(err, "bad_template", "版式块最多 %d 个", DOCTEMPLATE_MAX_LAYOUT);
	for (size_t i = 0; i < t->layout_count; i++) {
		const struct doctemplate_layout *b = &t->layout[i];
		size_t label_len = fixed_len(b->label, sizeof(b->label));
		size_t text_len;

		if (doctemplate_block_name(b->block)[0] == '\0')
			return fail(err, "bad_template", "版式第 %zu 块：类型未知", i + 1);
		if (b->text == NULL)
			return fail(err, "bad_template", "版式第 %zu 块：缺少文字", i + 1);
		text_len = strlen(b->text);
		if (text_len > DOCTEMPLATE_MAX_TEXT_BYTES || !text_is_clean(b->text, text_len, true))
			return fail(err, "bad_template", "版式第 %zu 块：文字过长或含控制字符",
				    i + 1);
		if (!fixed_text_ok(b->label, sizeof(b->label), false))
			return fail(err, "bad_template", "版式第 %zu 块：标签过长或含控制字符",
				    i + 1);
		switch (b->block) {
		case DOCBLOCK_FIELD:
		case DOCBLOCK_TABLE_ROW:
		case DOCBLOCK_SIGNATURE:
			if (label_len == 0)
				return fail(err, "bad_template", "版式第 %zu 块：%s 块应有标签",
					    i + 1, doctemplate_block_name(b->block));
			break;
		case DOCBLOCK_PARAGRAPH:
		case DOCBLOCK_HEADING:
			if (text_len == 0)
				return fail(err, "bad_template", "版式第 %zu 块：%s 块应有文字",
					    i + 1, doctemplate_block_name(b->block));
			break;
		case DOCBLOCK_SEAL:
			break;
		}
		if ((rc = check_placeholders(t, b->label, label_len, used, i + 1, err)) < 0 ||
		    (rc = check_placeholders(t, b->text, text_len, used, i + 1, err)) < 0)
			return rc;
	}
	return 0;
}

int doctemplate_validate(const struct doctemplate *t, struct sx_error *err)
{
	bool *used = NULL;
	int rc = 0;

	if (t == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_template", "文书模板为空");
	if (!name_is_well_formed(t->code, fixed_len(t->code, sizeof(t->code))))
		return fail(err, "bad_template", "文书模板编码应为小写字母开头的 [a-z0-9_]");
	if (!fixed_text_ok(t->title, sizeof(t->title), true))
		return fail(err, "bad_template", "文书模板 %s：标题为空、过长或含控制字符", t->code);
	if (!fixed_text_ok(t->doc_word, sizeof(t->doc_word), false) ||
	    strstr(t->doc_word, "{{") != NULL)
		return fail(err, "bad_template", "文书模板 %s：文号字过长或不合法", t->code);
	if (t->kinds_mask == 0 || (t->kinds_mask & ~DOCTEMPLATE_KINDS_ALL) != 0)
		return fail(err, "bad_template", "文书模板 %s：案件类型应为 penalty、inspection、coercion",
			    t->code);
	if (t->stage_count == 0 || t->stages == NULL)
		return fail(err, "bad_template", "文书模板 %s：至少应有一个环节", t->code);
	if (t->stage_count > DOCTEMPLATE_MAX_STAGES)
		return fail(err, "bad_template", "文书模板 %s：环节最多 %d 个", t->code,
			    DOCTEMPLATE_MAX_STAGES);
	for (size_t i = 0; i < t->stage_count; i++) {
		if (fixed_len(t->stages[i], sizeof(t->stages[i])) == sizeof(t->stages[i]) ||
		    !doctemplate_stage_is_known(t->stages[i]))
			return fail(err, "bad_template", "文书模板 %s：第 %zu 个环节未知", t->code,
				    i + 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->stages[i], t->stages[j]) == 0)
				return fail(err, "bad_template", "文书模板 %s：环节 %s 重复",
					    t->code, t->stages[i]);
	}
	if (fixed_len(t->field_act, sizeof(t->field_act)) == sizeof(t->field_act) ||
	    !doctemplate_field_act_is_known(t->field_act))
		return fail(err, "bad_template", "文书模板 %s：现场执法行为类型未知", t->code);
	if (t->field_count > DOCTEMPLATE_MAX_FIELDS)
		return fail(err, "bad_template", "文书模板 %s：字段最多 %d 个", t->code,
			    DOCTEMPLATE_MAX_FIELDS);
	if (t->field_count > 0 && t->fields == NULL)
		return fail(err, "bad_template", "文书模板 %s：字段缺失", t->code);
	for (size_t i = 0; i < t->field_count; i++)
		if ((rc = validate_field(t, i, err)) < 0)
			return rc;
	if (t->field_count > 0 && (used = sx_calloc(t->field_count, sizeof(*used))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if ((rc = validate_layout(t, used, err)) < 0)
		goto done;
	for (size_t i = 0; i < t->field_count; i++) {
		if (!used[i]) {
			rc = fail(err, "bad_template", "文书模板 %s：字段 %s 未在版式中使用", t->code,
				  t->fields[i].name);
			goto done;
		}
	}
done:
	sx_free(used);
	return rc;
}

/* ---- values ---- */

void doctemplate_values_clear(struct doctemplate_values *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v->items != NULL && i < v->count; i++)
		sx_free(v->items[i].value);
	sx_free(v->items);
	v->items = NULL;
	v->count = 0;
}

static struct doctemplate_value *values_find(const struct doctemplate_values *v, const char *name)
{
	for (size_t i = 0; v->items != NULL && i < v->count; i++)
		if (strcmp(v->items[i].name, name) == 0)
			return &v->items[i];
	return NULL;
}

int doctemplate_values_set(struct doctemplate_values *v, const char *name, const char *value)
{
	struct doctemplate_value *slot, *items;
	size_t name_len;
	char *copy;

	if (v == NULL || name == NULL || value == NULL)
		return SX_EINVALID;
	name_len = strnlen(name, DOCTEMPLATE_CODE_SIZE);
	if (name_len == 0 || name_len >= DOCTEMPLATE_CODE_SIZE)
		return SX_EINVALID;
	if ((copy = sx_strdup(value)) == NULL)
		return SX_ENOMEM;
	if ((slot = values_find(v, name)) != NULL) {
		sx_free(slot->value);
		slot->value = copy;
		return 0;
	}
	items = sx_reallocarray(v->items, v->count + 1, sizeof(*items));
	if (items == NULL) {
		sx_free(copy);
		return SX_ENOMEM;
	}
	v->items = items;
	slot = &items[v->count++];
	memset(slot->name, 0, sizeof(slot->name));
	memcpy(slot->name, name, name_len);
	slot->value = copy;
	return 0;
}

const char *doctemplate_values_get(const struct doctemplate_values *v, const char *name)
{
	const struct doctemplate_value *slot;

	if (v == NULL || name == NULL)
		return NULL;
	slot = values_find(v, name);
	return slot != NULL ? slot->value : NULL;
}

void doctemplate_values_remove(struct doctemplate_values *v, const char *name)
{
	struct doctemplate_value *slot;
	size_t at;

	if (v == NULL || name == NULL || (slot = values_find(v, name)) == NULL)
		return;
	at = (size_t)(slot - v->items);
	sx_free(slot->value);
	memmove(&v->items[at], &v->items[at + 1], (v->count - at - 1) * sizeof(v->items[0]));
	v->count--;
}

/* Trims ASCII blanks and U+3000 at both ends, in place. */
static void trim(char *s)
{
	size_t len = strlen(s), start = 0;

	for (;;) {
		if (start < len && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r' ||
				    s[start] == '\n'))
			start++;
		else if (len - start >= 3 && memcmp(s + start, IDEOGRAPHIC_SPACE, 3) == 0)
			start += 3;
		else
			break;
	}
	for (;;) {
		if (len > start && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
				    s[len - 1] == '\n'))
			len--;
		else if (len - start >= 3 && memcmp(s + len - 3, IDEOGRAPHIC_SPACE, 3) == 0)
			len -= 3;
		else
			break;
	}
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Yuan text → 分. Returns false for anything but digits[.d[d]] or a value too big. */
static bool parse_yuan(int64_t *fen, const char *s)
{
	const char *dot = strchr(s, '.');
	size_t int_len = dot ? (size_t)(dot - s) : strlen(s);
	int64_t yuan = 0, cents = 0;

	if (!all_digits(s, int_len) || int_len > 15)
		return false;
	for (size_t i = 0; i < int_len; i++)
		yuan = yuan * 10 + (s[i] - '0');
	if (dot != NULL) {
		size_t frac_len = strlen(dot + 1);

		if (frac_len < 1 || frac_len > 2 || !all_digits(dot + 1, frac_len))
			return false;
		cents = (dot[1] - '0') * 10 + (frac_len == 2 ? dot[2] - '0' : 0);
	}
	if (yuan > DOCTEMPLATE_MAX_FEN / 100)
		return false;
	*fen = yuan * 100 + cents;
	return *fen <= DOCTEMPLATE_MAX_FEN;
}

/* Checked 分 text (digits, no leading zero) → value. */
static bool parse_fen(int64_t *fen, const char *s)
{
	size_t len = strlen(s);
	int64_t v = 0;

	if (!all_digits(s, len) || len > 15 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	*fen = v;
	return v <= DOCTEMPLATE_MAX_FEN;
}

/* "YYYY-MM-DD HH:MM" or with 'T'; hour and minute out. */
static bool parse_datetime(int *y, int *mo, int *d, int *h, int *mi, const char *s)
{
	if (strlen(s) != 16 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
	    !all_digits(s + 11, 2) || !all_digits(s + 14, 2))
		return false;
	if (sx_date_parse(y, mo, d, s, 10) < 0)
		return false;
	*h = (s[11] - '0') * 10 + (s[12] - '0');
	*mi = (s[14] - '0') * 10 + (s[15] - '0');
	return *h < 24 && *mi < 60;
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Control characters other than those a textarea allows. */
static bool has_control(const char *s, size_t len, bool multiline)
{
	size_t i = 0;

	while (i < len) {
		unsigned long cp = 0;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0)
			return true;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			if (!(multiline && (cp == '\n' || cp == '\r' || cp == '\t')))
				return true;
		}
		i += n;
	}
	return false;
}

static int field_fail(char *bad_field, const struct doctemplate_field *f,
		      struct sx_error *err, const char *code, const char *what)
{
	if (bad_field != NULL)
		snprintf(bad_field, DOCTEMPLATE_CODE_SIZE, "%s", f->name);
	return fail(err, code, "“%s”%s", f->label, what);
}

/* Checks and normalizes one present, trimmed, non-empty value. */
static int check_one(char *bad_field, const struct doctemplate_field *f, struct doctemplate_value *item,
		     struct sx_error *err)
{
	char *s = item->value;
	size_t len = strlen(s);
	char msg[128];
	int y, mo, d, h, mi;
	int64_t fen;

	switch (f->type) {
	case DOCTEMPLATE_TEXT:
	case DOCTEMPLATE_TEXTAREA: {
		int max = f->max_chars > 0 ? f->max_chars
					   : f->type == DOCTEMPLATE_TEXT
						     ? DOCTEMPLATE_TEXT_DEFAULT_CHARS
						     : DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS;

		if (has_control(s, len, f->type == DOCTEMPLATE_TEXTAREA))
			return field_fail(bad_field, f, err, "bad_field",
					  f->type == DOCTEMPLATE_TEXT ? "应为一行文字，不能含换行或控制字符"
								      : "含有不允许的控制字符");
		if (utf8_chars(s, len) > (size_t)max) {
			snprintf(msg, sizeof(msg), "过长：最多 %d 个字", max);
			return field_fail(bad_field, f, err, "bad_field", msg);
		}
		return 0;
	}
	case DOCTEMPLATE_DATE:
		if (len != 10 || sx_date_parse(&y, &mo, &d, s, len) < 0)
			return field_fail(bad_field, f, err, "bad_field",
					  "应为有效日期，格式 YYYY-MM-DD");
		return 0;
	case DOCTEMPLATE_DATETIME:
		if (!parse_datetime(&y, &mo, &d, &h, &mi, s))
			return field_fail(bad_field, f, err, "bad_field",
					  "应为有效时间，格式 YYYY-MM-DD HH:MM");
		s[10] = ' ';
		return 0;
	case DOCTEMPLATE_MONEY:
		if (!parse_yuan(&fen, s))
			return field_fail(bad_field, f, err, "bad_field",
					  "应为以元为单位的金额，最多两位小数，不含逗号等符号");
		{
			/* 分 can be longer than the 元 text ("5" → "500"): a new string. */
			char digits[24];
			char *fen_text;

			snprintf(digits, sizeof(digits), "%" PRId64, fen);
			if ((fen_text = sx_strdup(digits)) == NULL)
				return sx_error_set(err, SX_ENOMEM, NULL, NULL);
			sx_free(item->value);
			item->value = fen_text;
		}
		return 0;
	case DOCTEMPLATE_NUMBER: {
		size_t i = 0;

		if (!all_digits(s, len))
			return field_fail(bad_field, f, err, "bad_field", "应为非负整数");
		while (i + 1 < len && s[i] == '0')
			i++;
		if (len - i > 18)
			return field_fail(bad_field, f, err, "bad_field", "数值过大");
		memmove(s, s + i, len - i + 1);
		return 0;
	}
	case DOCTEMPLATE_CHOICE:
		for (size_t c = 0; c < f->choice_count; c++)
			if (strcmp(f->choices[c], s) == 0)
				return 0;
		return field_fail(bad_field, f, err, "bad_field", "应为给定选项之一");
	case DOCTEMPLATE_OFFICERS:
	case DOCTEMPLATE_PARTY:
		return 0;
	}
	return field_fail(bad_field, f, err, "bad_field", "类型未知");
}

int doctemplate_check_values(char bad_field[DOCTEMPLATE_CODE_SIZE], const struct doctemplate *t,
			     struct doctemplate_values *v, struct sx_error *err)
{
	int rc;

	if (bad_field != NULL)
		bad_field[0] = '\0';
	if (t == NULL || v == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	for (size_t i = 0; i < v->count; i++) {
		struct doctemplate_value *item = &v->items[i];

		if (doctemplate_field_find(t, item->name) == NULL) {
			if (bad_field != NULL)
				snprintf(bad_field, DOCTEMPLATE_CODE_SIZE, "%s", item->name);
			return fail(err, "unknown_field", "文书“%s”没有字段 %.*s", t->title,
				    codec_utf8_prefix_len(item->name, 32), item->name);
		}
		if (!codec_is_valid_utf8(item->value, strlen(item->value))) {
			if (bad_field != NULL)
				snprintf(bad_field, DOCTEMPLATE_CODE_SIZE, "%s", item->name);
			return fail(err, "bad_utf8", "“%s”不是有效的 UTF-8 文本",
				    doctemplate_field_find(t, item->name)->label);
		}
	}
	for (size_t i = 0; i < t->field_count; i++) {
		const struct doctemplate_field *f = &t->fields[i];
		struct doctemplate_value *item = values_find(v, f->name);

		if (doctemplate_field_type_is_system(f->type)) {
			doctemplate_values_remove(v, f->name);
			continue;
		}
		if (item != NULL)
			trim(item->value);
		if (item == NULL || item->value[0] == '\0') {
			if (f->required)
				return field_fail(bad_field, f, err, "field_required", "为必填项");
			doctemplate_values_remove(v, f->name);
			continue;
		}
		if ((rc = check_one(bad_field, f, item, err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- rendering ---- */

void docblock_doc_clear(struct docblock_doc *d)
{
	if (d == NULL)
		return;
	sx_free(d->agency_name);
	sx_free(d->title);
	sx_free(d->doc_no);
	sx_free(d->case_no);
	for (size_t i = 0; d->blocks != NULL && i < d->block_count; i++) {
		sx_free(d->blocks[i].label);
		sx_free(d->blocks[i].text);
	}
	sx_free(d->blocks);
	memset(d, 0, sizeof(*d));
}

static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static const char *system_value(const struct doctemplate_context *ctx, const char *s, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} map[] = {
		{ "party_name", offsetof(struct doctemplate_context, party_name) },
		{ "party_code", offsetof(struct doctemplate_context, party_code) },
		{ "agency_name", offsetof(struct doctemplate_context, agency_name) },
		{ "case_no", offsetof(struct doctemplate_context, case_no) },
		{ "doc_no", offsetof(struct doctemplate_context, doc_no) },
		{ "officers", offsetof(struct doctemplate_context, officers) },
		{ "date", offsetof(struct doctemplate_context, date) },
	};

	if (ctx == NULL)
		return "";
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strlen(map[i].name) == n && memcmp(map[i].name, s, n) == 0)
			return or_empty(*(const char *const *)((const char *)ctx + map[i].offset));
	return "";
}

/* Appends 分 as "1,234.56". */
static int append_fen(struct buf *b, int64_t fen)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%" PRId64, fen / 100);
	int rc;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0 && (rc = buf_append_char(b, ',')) < 0)
			return rc;
		if ((rc = buf_append_char(b, digits[i])) < 0)
			return rc;
	}
	return buf_appendf(b, ".%02d", (int)(fen % 100));
}

/* Appends the rendered value of field f (value may be NULL). */
static int append_field_value(struct buf *b, const struct doctemplate_field *f, const char *value,
			      const struct doctemplate_context *ctx, struct sx_error *err)
{
	int y, mo, d, h, mi, rc;
	int64_t fen;

	if (f->type == DOCTEMPLATE_OFFICERS)
		value = ctx != NULL ? ctx->officers : NULL;
	else if (f->type == DOCTEMPLATE_PARTY)
		value = ctx != NULL ? ctx->party_name : NULL;
	if (value == NULL || value[0] == '\0')
		return 0;
	switch (f->type) {
	case DOCTEMPLATE_MONEY:
		if (!parse_fen(&fen, value))
			return fail(err, "bad_field", "“%s”不是已核验的金额", f->label);
		rc = append_fen(b, fen);
		break;
	case DOCTEMPLATE_DATE:
		if (strlen(value) != 10 || sx_date_parse(&y, &mo, &d, value, 10) < 0)
			return fail(err, "bad_field", "“%s”不是有效日期", f->label);
		rc = buf_appendf(b, "%d年%d月%d日", y, mo, d);
		break;
	case DOCTEMPLATE_DATETIME:
		if (!parse_datetime(&y, &mo, &d, &h, &mi, value))
			return fail(err, "bad_field", "“%s”不是有效时间", f->label);
		rc = buf_appendf(b, "%d年%d月%d日%d时%02d分", y, mo, d, h, mi);
		break;
	default:
		rc = buf_append_str(b, value);
		break;
	}
	if (rc == SX_ENOMEM)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if (rc < 0)
		return sx_error_set(err, rc, NULL, "文书内容过长");
	return 0;
}

/*
 * Substitutes the placeholders of s into *out (sx_malloc'd). *fillable is
 * set when s names at least one field or system placeholder other than
 * optional empty fields; *has_optional when it names an optional field.
 */
static int substitute(char **out, bool *fillable, bool *has_optional, const struct doctemplate *t,
		      const char *s, const struct doctemplate_values *v,
		      const struct doctemplate_context *ctx, struct sx_error *err)
{
	struct buf b;
	size_t len = strlen(s), pos = 0, start, lit_end, at = 0, n = 0;
	int r, rc = 0;

	*out = NULL;
	buf_init(&b, RENDER_MAX_BYTES);
	for (;;) {
		start = pos;
		r = next_placeholder(s, len, &pos, &lit_end, &at, &n);
		if ((rc = buf_append(&b, s + start, lit_end - start)) < 0)
			goto buf_error;
		if (r <= 0)
			break;
		if (is_system_name(s + at, n)) {
			*fillable = true;
			if ((rc = buf_append_str(&b, system_value(ctx, s + at, n))) < 0)
				goto buf_error;
		} else {
			const struct doctemplate_field *f = field_find_n(t, s + at, n);
			const char *value;

			if (f == NULL) {
				rc = fail(err, "bad_template", "未知占位符 {{%.*s}}", (int)n, s + at);
				goto done;
			}
			value = doctemplate_values_get(v, f->name);
			if (f->required || doctemplate_field_type_is_system(f->type) ||
			    (value != NULL && value[0] != '\0'))
				*fillable = true;
			if (!f->required && !doctemplate_field_type_is_system(f->type))
				*has_optional = true;
			if ((rc = append_field_value(&b, f, value, ctx, err)) < 0)
				goto done;
		}
	}
	if (r < 0) {
		rc = sx_error_set(err, SX_EINVALID, "bad_template", "占位符格式错误");
		goto done;
	}
	if ((*out = buf_detach(&b, NULL)) == NULL)
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
	goto done;
buf_error:
	if (rc == SX_ENOMEM)
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
	else
		rc = sx_error_set(err, rc, NULL, "文书内容过长");
done:
	buf_free(&b);
	return rc;
}

static int dup_into(char **out, const char *s, struct sx_error *err)
{
	if ((*out = sx_strdup(or_empty(s))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	return 0;
}

int doctemplate_render(struct docblock_doc *out, const struct doctemplate *t,
		       const struct doctemplate_values *v, const struct doctemplate_context *ctx,
		       struct sx_error *err)
{
	struct docblock_doc doc = { 0 };
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	memset(out, 0, sizeof(*out));
	if (t == NULL || t->layout == NULL || t->layout_count == 0)
		return sx_error_set(err, SX_EINVALID, "invalid", "参数无效");
	if ((rc = dup_into(&doc.agency_name, ctx ? ctx->agency_name : NULL, err)) < 0 ||
	    (rc = dup_into(&doc.title, t->title, err)) < 0 ||
	    (rc = dup_into(&doc.doc_no, ctx && t->doc_word[0] ? ctx->doc_no : NULL, err)) < 0 ||
	    (rc = dup_into(&doc.case_no, ctx ? ctx->case_no : NULL, err)) < 0)
		goto done;
	if ((doc.blocks = sx_calloc(t->layout_count, sizeof(*doc.blocks))) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (size_t i = 0; i < t->layout_count; i++) {
		const struct doctemplate_layout *l = &t->layout[i];
		struct docblock *blk = &doc.blocks[doc.block_count];
		bool fillable = false, has_optional = false;
		const char *label = l->label, *text = or_empty(l->text);
		bool droppable;

		if (l->block == DOCBLOCK_SEAL) {
			if (label[0] == '\0')
				label = "{{agency_name}}";
			if (text[0] == '\0')
				text = "{{date}}";
		}
		blk->kind = l->block;
		if ((rc = substitute(&blk->label, &fillable, &has_optional, t, label, v, ctx,
				     err)) < 0 ||
		    (rc = substitute(&blk->text, &fillable, &has_optional, t, text, v, ctx, err)) <
			    0) {
			doc.block_count++; /* so that docblock_doc_clear frees what was made */
			goto done;
		}
		droppable = l->block == DOCBLOCK_FIELD || l->block == DOCBLOCK_PARAGRAPH ||
			    l->block == DOCBLOCK_HEADING;
		if (droppable && has_optional && !fillable) {
			sx_free(blk->label);
			sx_free(blk->text);
			blk->label = blk->text = NULL;
			continue;
		}
		doc.block_count++;
	}
	*out = doc;
	return 0;
done:
	docblock_doc_clear(&doc);
	return rc;
}

static int text_line(struct buf *b, const char *label, const char *text)
{
	int rc;

	if (label[0] != '\0') {
		if ((rc = buf_append_str(b, label)) < 0 || (rc = buf_append_str(b, "：")) < 0)
			return rc;
	}
	if ((rc = buf_append_str(b, text)) < 0)
		return rc;
	return buf_append_char(b, '\n');
}

int docblock_doc_text(char **out, size_t *len, const struct docblock_doc *d)
{
	struct buf b;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || d == NULL || (d->block_count > 0 && d->blocks == NULL))
		return SX_EINVALID;
	/* No cap beyond what rendering produced: each block is at most RENDER_MAX_BYTES. */
	buf_init(&b, SIZE_MAX / 2);
	if (d->agency_name && d->agency_name[0] && (rc = text_line(&b, "", d->agency_name)) < 0)
		goto done;
	if ((rc = text_line(&b, "", or_empty(d->title))) < 0)
		goto done;
	if (d->doc_no && d->doc_no[0] && (rc = text_line(&b, "", d->doc_no)) < 0)
		goto done;
	if (d->case_no && d->case_no[0] && (rc = text_line(&b, "案号", d->case_no)) < 0)
		goto done;
	for (size_t i = 0; i < d->block_count; i++) {
		const struct docblock *blk = &d->blocks[i];
		const char *label = or_empty(blk->label), *text = or_empty(blk->text);

		switch (blk->kind) {
		case DOCBLOCK_PARAGRAPH:
		case DOCBLOCK_HEADING:
			rc = text_line(&b, "", text[0] ? text : label);
			break;
		case DOCBLOCK_SEAL:
			if ((rc = buf_append_str(&b, label)) == 0 && label[0] && text[0])
				rc = buf_append_char(&b, ' ');
			if (rc == 0)
				rc = text_line(&b, "", text);
			break;
		default:
			rc = text_line(&b, label, text);
			break;
		}
		if (rc < 0)
			goto done;
	}
	if ((*out = buf_detach(&b, len)) == NULL)
		rc = SX_ENOMEM;
done:
	buf_free(&b);
	return rc;
}
