/*
 * domain/doctemplate — enforcement document templates (执法文书模板) as data:
 * what a document asks the officer to fill (fields), where it may be made
 * (case kinds and stages), whether it is served on the party (送达), and how
 * its text is laid out (a list of blocks with {{placeholders}}). Filled
 * values are checked and normalized here and the layout is rendered into a
 * struct docblock_doc (domain/docblock.h), from which report/pdf draws the
 * page and docblock_doc_text the plain text that is stored and hashed.
 *
 * Pure: no I/O, no JSON. service/doctemplates loads the templates shipped in
 * data/templates/<code>.json into these structs and converts filled values to and
 * from JSON.
 *
 * The documents follow the national 市场监督管理行政处罚文书格式范本 (2021)
 * and the contents the laws require of them, e.g. 《行政处罚法》第五十九条
 * (what a 行政处罚决定书 states), 第四十四条 (what the 事先告知 tells),
 * 《行政强制法》第二十四条 (查封扣押决定书). The law texts live in the
 * template data; this module only keeps the templates well-formed.
 *
 * Invariants of a template that passed doctemplate_validate:
 *   - code, field names: 1..32 bytes of [a-z0-9_], starting with a letter;
 *     field names are unique and none is a system placeholder name;
 *   - every {{name}} in the layout (label or text) names a field or one of
 *     the system placeholders party_name party_code agency_name case_no
 *     doc_no officers date; every field is used by the layout at least once;
 *   - a layout that prints {{doc_no}} belongs to a numbered template
 *     (doc_word non-empty);
 *   - at least one stage, each a known stage code, none twice; at least one
 *     case kind; field_act is "" or a known act;
 *   - texts are valid UTF-8 without control characters (layout texts may
 *     hold '\n').
 *
 * Values: the officer's input as name → string pairs. doctemplate_check_values
 * turns form input into the stored form: trimmed, money in 分 as a decimal
 * integer string ("100050" for 1000.50 元), dates as typed ("2026-03-05"),
 * datetimes "YYYY-MM-DD HH:MM"; empty optional values and values for
 * system-filled fields are removed. Checking is meant for form input only:
 * checking stored values again would read 分 as 元.
 *
 * Ownership: struct doctemplate owns its arrays and layout texts
 * (sx_malloc'd), freed by doctemplate_clear; struct doctemplate_values owns
 * its items and strings (doctemplate_values_clear); struct docblock_doc owns
 * all its strings (docblock_doc_clear).
 */
#ifndef SX_DOMAIN_DOCTEMPLATE_H
#define SX_DOMAIN_DOCTEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "domain/docblock.h"

#define DOCTEMPLATE_CODE_SIZE 33      /* 1..32 bytes of [a-z0-9_] */
#define DOCTEMPLATE_TITLE_SIZE 97     /* 32 CJK characters */
#define DOCTEMPLATE_WORD_SIZE 17      /* 文号 word: 5 CJK characters */
#define DOCTEMPLATE_STAGE_SIZE 17
#define DOCTEMPLATE_ACT_SIZE 16
#define DOCTEMPLATE_LABEL_SIZE 97
#define DOCTEMPLATE_HELP_SIZE 385     /* 128 CJK characters */

#define DOCTEMPLATE_MAX_FIELDS 100
#define DOCTEMPLATE_MAX_LAYOUT 200
#define DOCTEMPLATE_MAX_CHOICES 50
#define DOCTEMPLATE_MAX_STAGES 20
#define DOCTEMPLATE_MAX_TEXT_BYTES 8192  /* one layout text */

/* Default max_chars (UTF-8 characters) when a field gives 0. */
#define DOCTEMPLATE_TEXT_DEFAULT_CHARS 200
#define DOCTEMPLATE_TEXTAREA_DEFAULT_CHARS 20000

/* Largest money value: 1 万亿元 in 分, beyond any fine. */
#define DOCTEMPLATE_MAX_FEN 100000000000000LL
/* Largest number value (18 digits). */
#define DOCTEMPLATE_MAX_NUMBER 999999999999999999LL

/* Case kinds, bit (1 << kind) of kinds_mask. */
enum doctemplate_kind {
	DOCTEMPLATE_KIND_PENALTY = 1,    /* 行政处罚案件 */
	DOCTEMPLATE_KIND_INSPECTION = 2, /* 行政检查 */
	DOCTEMPLATE_KIND_COERCION = 3,   /* 行政强制 */
};
#define DOCTEMPLATE_KINDS_ALL ((1u << DOCTEMPLATE_KIND_PENALTY) | \
			       (1u << DOCTEMPLATE_KIND_INSPECTION) | \
			       (1u << DOCTEMPLATE_KIND_COERCION))

enum doctemplate_field_type {
	DOCTEMPLATE_TEXT = 1,  /* one line */
	DOCTEMPLATE_TEXTAREA,  /* several lines */
	DOCTEMPLATE_DATE,      /* YYYY-MM-DD */
	DOCTEMPLATE_DATETIME,  /* YYYY-MM-DD HH:MM ("T" accepted for the space) */
	DOCTEMPLATE_MONEY,     /* 元 with up to 2 decimals in, integer 分 stored */
	DOCTEMPLATE_CHOICE,    /* one of choices */
	DOCTEMPLATE_OFFICERS,  /* system-filled: the case's officers; not in forms */
	DOCTEMPLATE_PARTY,     /* system-filled: the case's party; not in forms */
	DOCTEMPLATE_NUMBER,    /* non-negative integer */
};

struct doctemplate_field {
	char name[DOCTEMPLATE_CODE_SIZE];      /* placeholder name, [a-z0-9_] */
	char label[DOCTEMPLATE_LABEL_SIZE];    /* 违法事实 */
	enum doctemplate_field_type type;
	bool required;
	int max_chars;                         /* text/textarea: UTF-8 characters; 0 = type default */
	char (*choices)[DOCTEMPLATE_LABEL_SIZE]; /* owned; choice_count entries (choice only) */
	size_t choice_count;                   /* 1..DOCTEMPLATE_MAX_CHOICES for choice, else 0 */
	char help[DOCTEMPLATE_HELP_SIZE];      /* hint shown under the input; "" = none */
};

struct doctemplate_layout {
	enum docblock_kind block;              /* DOCBLOCK_FIELD .. DOCBLOCK_SEAL */
	char label[DOCTEMPLATE_LABEL_SIZE];    /* may hold placeholders; "" = none */
	char *text;                            /* owned, never NULL after load; may hold placeholders */
};

struct doctemplate {
	char code[DOCTEMPLATE_CODE_SIZE];      /* penalty_decision */
	char title[DOCTEMPLATE_TITLE_SIZE];    /* 行政处罚决定书 */
	char doc_word[DOCTEMPLATE_WORD_SIZE];  /* 文号 word ("罚决"); "" = not numbered */
	int order;                             /* listing order (smaller first); ties by code */
	unsigned kinds_mask;                   /* bits (1 << enum doctemplate_kind) */
	char (*stages)[DOCTEMPLATE_STAGE_SIZE];/* owned; stage codes where it may be made */
	size_t stage_count;
	bool served;                           /* served on the party (送达) */
	char field_act[DOCTEMPLATE_ACT_SIZE];  /* "" or inspect investigate collect serve coerce */
	struct doctemplate_field *fields;      /* owned */
	size_t field_count;
	struct doctemplate_layout *layout;     /* owned; texts owned */
	size_t layout_count;
};

/* Frees everything t owns and zeroes it. t may be NULL. */
void doctemplate_clear(struct doctemplate *t);

/*
 * Checks the invariants of the header comment. SX_EINVALID "bad_template"
 * with a zh-CN message naming the part ("字段 fine_amount：…",
 * "版式第 3 块：未知占位符 {{fine}}").
 */
int doctemplate_validate(const struct doctemplate *t, struct sx_error *err);

/* Whether the template may be made at stage_code. False for NULL arguments. */
bool doctemplate_allows_stage(const struct doctemplate *t, const char *stage_code);

/* Whether the template may be made in a case of that kind. */
bool doctemplate_allows_kind(const struct doctemplate *t, enum doctemplate_kind kind);

/* The field named name, or NULL. */
const struct doctemplate_field *doctemplate_field_find(const struct doctemplate *t,
							const char *name);

/* Whether code is one of the stage codes templates may name. */
bool doctemplate_stage_is_known(const char *code);
/* Whether act is "" or one of the field acts. */
bool doctemplate_field_act_is_known(const char *act);

/* "text" … "number" <-> enum; SX_EINVALID for an unknown name. Name of an invalid type: "". */
int doctemplate_field_type_from_name(enum doctemplate_field_type *out, const char *name);
const char *doctemplate_field_type_name(enum doctemplate_field_type type);
/* Whether the system fills the type (officers, party): skipped in forms. */
bool doctemplate_field_type_is_system(enum doctemplate_field_type type);

/* "penalty" "inspection" "coercion" <-> enum; SX_EINVALID for another name. */
int doctemplate_kind_from_name(enum doctemplate_kind *out, const char *name);
const char *doctemplate_kind_name(enum doctemplate_kind kind);

/* "field" "paragraph" "heading" "table_row" "signature" "seal" <-> enum; SX_EINVALID otherwise. */
int doctemplate_block_from_name(enum docblock_kind *out, const char *name);
const char *doctemplate_block_name(enum docblock_kind kind);

/* Values the officer filled: name → value pairs (strings). */
struct doctemplate_value {
	char name[DOCTEMPLATE_CODE_SIZE];
	char *value;                           /* owned, NUL-terminated */
};

struct doctemplate_values {
	struct doctemplate_value *items;       /* owned; count entries, names unique */
	size_t count;
};

/* Frees v's items and zeroes it. v may be NULL. */
void doctemplate_values_clear(struct doctemplate_values *v);

/*
 * Sets name to a copy of value, replacing an earlier value of that name.
 * name: 1..32 bytes. SX_EINVALID (NULL argument, bad name), SX_ENOMEM; on
 * error v is unchanged.
 */
int doctemplate_values_set(struct doctemplate_values *v, const char *name, const char *value);

/* The value of name; NULL when absent. */
const char *doctemplate_values_get(const struct doctemplate_values *v, const char *name);

/* Removes name (no-op when absent). */
void doctemplate_values_remove(struct doctemplate_values *v, const char *name);

/*
 * Checks filled values against the template and normalizes v in place:
 *   - every value is trimmed (ASCII blanks and U+3000 at both ends);
 *   - a name the template lacks: SX_EINVALID "unknown_field";
 *   - invalid UTF-8: "bad_utf8"; control characters (textarea allows
 *     '\n', '\r', '\t'): "bad_field";
 *   - required and empty after trimming: "field_required";
 *   - text/textarea longer than max_chars characters, a date that is not a
 *     real YYYY-MM-DD, a datetime not YYYY-MM-DD HH:MM (or with "T"), a
 *     money value that is not digits with at most 2 decimals (no signs,
 *     thousands separators or exponents; up to DOCTEMPLATE_MAX_FEN), a
 *     number that is not digits, a choice outside its list: "bad_field";
 *   - money becomes 分 ("1000.50" → "100050"), numbers lose leading zeros,
 *     datetimes use a space; empty optional values and values of
 *     system-filled fields (officers, party) are removed.
 * Messages name the field's label ("“罚款金额”应为金额…"). *bad_field
 * (bad_field may be NULL) receives the offending name, "" on success.
 * Returns 0, SX_EINVALID, SX_ENOMEM. On error v may be partly normalized.
 */
int doctemplate_check_values(char bad_field[DOCTEMPLATE_CODE_SIZE], const struct doctemplate *t,
			     struct doctemplate_values *v, struct sx_error *err);

/* System values that are not typed by the officer. NULL members count as "". */
struct doctemplate_context {
	const char *agency_name;  /* 制作机关 */
	const char *case_no;      /* 案号 */
	const char *doc_no;       /* 文号 (ignored for templates without a doc_word) */
	const char *party_name;   /* 当事人; also the value of party fields */
	const char *party_code;   /* 统一社会信用代码 / 身份证件号码, masked by the caller */
	const char *officers;     /* 执法人员 and their certificate numbers; also officers fields */
	const char *date;         /* the document's date, substituted as given */
};

/*
 * Fills the layout into *out. Placeholders take the value of the field (or
 * the context for system placeholders and officers/party fields); absent
 * values are "". Money prints as 元 with separators ("1,000.50"), dates as
 * "2026年3月5日", datetimes as "2026年3月5日10时30分". A field, paragraph
 * or heading block whose placeholders all name optional fields without a
 * value is dropped (table rows, signatures and seals always stay). A seal
 * without label or text takes the agency name and the date.
 * v holds values that passed doctemplate_check_values (v may be NULL: no
 * values). Returns 0, SX_EINVALID (NULL argument; a money/date value not
 * in its checked form: "bad_field"), SX_ETOOBIG (a block over 4 MiB),
 * SX_ENOMEM. *out is owned by the caller (docblock_doc_clear); on error it
 * is empty.
 */
int doctemplate_render(struct docblock_doc *out, const struct doctemplate *t,
		       const struct doctemplate_values *v, const struct doctemplate_context *ctx,
		       struct sx_error *err);

/* Frees everything d owns and zeroes it. d may be NULL. */
void docblock_doc_clear(struct docblock_doc *d);

/*
 * Plain text of a rendered document, one line each for the agency, the title,
 * the 文号 and "案号：…" (those that are not empty), then one line per block:
 * field, table row and signature "label：text" (just the text when the label
 * is empty, "label：" when the text is), paragraph and heading the text, seal
 * "label text". Lines end with '\n'. *out is sx_malloc'd (sx_free), *len its
 * length. Returns 0, SX_EINVALID (NULL argument), SX_ENOMEM; on error *out
 * is NULL and *len 0.
 */
int docblock_doc_text(char **out, size_t *len, const struct docblock_doc *d);

#endif
