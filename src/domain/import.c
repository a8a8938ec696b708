/*
 * domain/import — see import.h for the file formats.
 *
 * How it works: one pass over the rows of base/csv. The header row is
 * checked first (every column known, none twice, the required ones there);
 * a file with a bad header is rejected without reading the rows, since their
 * cells cannot be told apart. Each data row is then parsed into a record on
 * the stack (officers) or a struct matter, and every problem found is added
 * to the report. Good records are kept only while the whole file is good:
 * at the first error the records gathered so far are dropped and later good
 * rows are checked but not kept, because a rejected file returns nothing.
 *
 * Decisions beyond the header (each has a test):
 *   - columns whose empty cell has a meaning may be left out of the file, as
 *     if every cell were empty: 状态 (empty = 在岗); 随机抽查, 重大执法决定
 *     (否), 音像记录 (不要求), 音像记录环节, the guide columns, 复议期限 (60),
 *     诉讼期限 (6). All others are required. A misspelt optional column is
 *     still caught, as an unknown column;
 *   - cells are trimmed of spaces, tabs, U+00A0, U+3000, U+FEFF and line
 *     breaks at both ends; a row whose cells are all blank (a formatted but
 *     empty spreadsheet row) is skipped like an empty line and not counted;
 *   - officer_record_normalize stops at the first bad field. To list every
 *     bad field of an officer row, the row is normalised again after each
 *     failure with the failing field replaced by a value known to pass;
 *   - matter rows: every problem of a single cell is listed; matter_validate
 *     (the rules that join cells) runs only on rows without one, and gives
 *     its first problem. Its column is found the same way as for officers:
 *     the matter is validated again with one column at a time replaced by a
 *     stand-in, and the column whose replacement changes the answer is named;
 *   - 是/否 cells take exactly 是 or 否 (empty = 否); money takes digits with
 *     at most two decimals ("35", "35.5", "35.50"), parsed exactly into 分;
 *   - matters' cells may be long (50 materials of up to 512 hanzi), so when
 *     the caller leaves max_field_bytes at 0 the matters importer raises it
 *     to IMPORT_MATTER_MAX_FIELD_BYTES.
 *
 * What it does not do: no I/O (the caller reads the file), no checks
 * against stored data (a certificate number already in the register is the
 * service's question), no partial import.
 */
#include "domain/import.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"
#include "domain/idcheck.h"

#define IMPORT_PROGRESS_EVERY 1000
#define IMPORT_MATTER_MAX_FIELD_BYTES ((size_t)128 * 1024)
#define IMPORT_MAX_COLUMNS 24     /* known columns of either file */
#define IMPORT_MAX_ITEMS 50       /* the largest of the MATTER_MAX_* list limits */
#define IMPORT_QUOTE_BYTES 60     /* of a cell quoted in a message */
#define IMPORT_KEY_SIZE 33        /* certificate numbers and matter codes, with the NUL */
#define IMPORT_ERRORS_MIN_CAP 16

_Static_assert(OFFICER_CERT_NO_SIZE <= IMPORT_KEY_SIZE, "certificate numbers fit a key");
_Static_assert(MATTER_CODE_SIZE <= IMPORT_KEY_SIZE, "matter codes fit a key");
_Static_assert(MATTER_MAX_MATERIALS <= IMPORT_MAX_ITEMS && MATTER_MAX_STEPS <= IMPORT_MAX_ITEMS &&
		       MATTER_MAX_BASIS <= IMPORT_MAX_ITEMS &&
		       MATTER_MAX_AV_STAGES <= IMPORT_MAX_ITEMS,
	       "item lists fit IMPORT_MAX_ITEMS");

/* UTF-8 of the full-width punctuation the formats use. */
#define FW_SEMICOLON "\xEF\xBC\x9B"   /* ； */
#define FW_PAREN_OPEN "\xEF\xBC\x88"  /* （ */
#define FW_PAREN_CLOSE "\xEF\xBC\x89" /* ） */
#define BOOK_OPEN "\xE3\x80\x8A"      /* 《 */
#define BOOK_CLOSE "\xE3\x80\x8B"     /* 》 */

struct import_column {
	const char *name; /* header text */
	bool required;    /* the header must have it */
};

/* A certificate number or matter code seen in the file, with its row. */
struct key_slot {
	char key[IMPORT_KEY_SIZE];
	size_t row_no; /* 0 = free slot */
};

/* Open addressing, linear probing, at most half full. */
struct key_set {
	struct key_slot *slots; /* sx_calloc'd; NULL until the first key */
	size_t cap;             /* slots, a power of two */
	size_t count;
};

struct import_run;

struct import_kind {
	const struct import_column *columns;
	size_t column_count;
	/* Parses one data row with as many fields as the header: 0, or SX_ENOMEM. */
	int (*row)(struct import_run *run, const struct csv_row *row);
};

struct import_run {
	struct import_result *out;
	const struct import_kind *kind;
	int index[IMPORT_MAX_COLUMNS]; /* csv column of each known column; -1 = not in the file */
	size_t field_count;            /* fields of the header row */
	size_t errors_cap;             /* entries allocated at out->report.errors */
	size_t records_cap;            /* entries allocated at out->officers or out->matters */
	size_t bad_rows;               /* distinct rows with an error */
	size_t last_bad_row;           /* row_no of the last row error; 0 = none */
	struct key_set keys;
};

/* ---- small text helpers -------------------------------------------------------------------- */

/* Length of a blank at the start of s[0..len): space, tab, U+00A0, U+3000, U+FEFF, and line
 * breaks when cells are trimmed (headers are trimmed as csv_header_index trims them). */
static size_t blank_at_start(const char *s, size_t len, bool line_breaks)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (len >= 1 && line_breaks && (s[0] == '\r' || s[0] == '\n'))
		return 1;
	if (len >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
		return 2;
	if (len >= 3 && (memcmp(s, "\xE3\x80\x80", 3) == 0 || memcmp(s, "\xEF\xBB\xBF", 3) == 0))
		return 3;
	return 0;
}

static size_t blank_at_end(const char *s, size_t len, bool line_breaks)
{
	if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		return 1;
	if (len >= 1 && line_breaks && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		return 1;
	if (len >= 2 && memcmp(s + len - 2, "\xC2\xA0", 2) == 0)
		return 2;
	if (len >= 3 && (memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0 ||
			 memcmp(s + len - 3, "\xEF\xBB\xBF", 3) == 0))
		return 3;
	return 0;
}

static struct slice trim(struct slice s, bool line_breaks)
{
	size_t n;

	if (s.ptr == NULL)
		s.len = 0;
	while ((n = blank_at_start(s.ptr, s.len, line_breaks)) > 0) {
		s.ptr += n;
		s.len -= n;
	}
	while ((n = blank_at_end(s.ptr, s.len, line_breaks)) > 0)
		s.len -= n;
	return s;
}

static bool starts_with(struct slice s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool ends_with(struct slice s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

/* Copies s into dst[size] with a NUL; false (dst untouched) when it does not fit. */
static bool copy_text(char *dst, size_t size, struct slice s)
{
	if (s.len >= size)
		return false;
	if (s.len > 0)
		memcpy(dst, s.ptr, s.len);
	dst[s.len] = '\0';
	return true;
}

/*
 * Writes s for quoting in a message: at most IMPORT_QUOTE_BYTES on a character
 * boundary, then "…" when cut. The reader's text is well-formed UTF-8.
 */
static const char *quote(char out[IMPORT_QUOTE_BYTES + 4], struct slice s)
{
	size_t n = 0;
	size_t step;

	while (n < s.len && (step = codec_utf8_char_len(s.ptr + n, s.len - n, NULL)) > 0 &&
	       n + step <= IMPORT_QUOTE_BYTES)
		n += step;
	if (n > 0)
		memcpy(out, s.ptr, n);
	if (n < s.len)
		memcpy(out + n, "…", sizeof("…"));
	else
		out[n] = '\0';
	return out;
}

/* ---- the report ---------------------------------------------------------------------------- */

/* Drops every record of r (the report stays). */
static void result_drop_records(struct import_result *r)
{
	for (size_t i = 0; i < r->matter_count; i++)
		matter_clear(&r->matters[i]);
	sx_free(r->matters);
	r->matters = NULL;
	r->matter_count = 0;
	sx_free(r->officers);
	r->officers = NULL;
	r->officer_count = 0;
}

/*
 * Adds one problem: counted always, listed while fewer than IMPORT_MAX_ERRORS
 * are. The first problem drops the records gathered so far.
 * Returns 0 or SX_ENOMEM.
 */
static int report_add(struct import_run *run, size_t row_no, const char *column, const char *code,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int report_add(struct import_run *run, size_t row_no, const char *column, const char *code,
		      const char *fmt, ...)
{
	struct import_report *report = &run->out->report;
	struct import_row_error *e;
	char message[2 * sizeof(e->message)];
	va_list ap;
	int n;

	if (report->error_total == 0) {
		result_drop_records(run->out);
		run->records_cap = 0;
	}
	report->error_total++;
	if (row_no != 0 && row_no != run->last_bad_row) {
		run->bad_rows++;
		run->last_bad_row = row_no;
	}
	if (report->error_count == IMPORT_MAX_ERRORS)
		return 0;
	if (report->error_count == run->errors_cap) {
		size_t cap = run->errors_cap ? run->errors_cap * 2 : IMPORT_ERRORS_MIN_CAP;
		struct import_row_error *grown;

		if (cap > IMPORT_MAX_ERRORS)
			cap = IMPORT_MAX_ERRORS;
		grown = sx_reallocarray(report->errors, cap, sizeof(*grown));
		if (grown == NULL)
			return SX_ENOMEM;
		report->errors = grown;
		run->errors_cap = cap;
	}
	e = &report->errors[report->error_count++];
	memset(e, 0, sizeof(*e));
	e->row_no = row_no;
	snprintf(e->column, sizeof(e->column), "%.*s",
		 codec_utf8_prefix_len(column, sizeof(e->column) - 1), column);
	snprintf(e->code, sizeof(e->code), "%s", code);
	va_start(ap, fmt);
	n = vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (n < 0)
		message[0] = '\0';
	/* Cut on a character boundary: the report is sent as JSON. */
	snprintf(e->message, sizeof(e->message), "%.*s",
		 codec_utf8_prefix_len(message, sizeof(e->message) - 1), message);
	return 0;
}

/* A problem of one cell: "第 N 行 <column>：<text>". */
static int cell_error(struct import_run *run, size_t row_no, int column, const char *code,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int cell_error(struct import_run *run, size_t row_no, int column, const char *code,
		      const char *fmt, ...)
{
	const char *name = run->kind->columns[column].name;
	char text[SX_ERROR_MESSAGE_MAX * 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		text[0] = '\0';
	return report_add(run, row_no, name, code, "第 %zu 行 %s：%s", row_no, name, text);
}

/* ---- the set of keys seen ------------------------------------------------------------------ */

static size_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static struct key_slot *key_find(struct key_slot *slots, size_t cap, const char *key)
{
	size_t i = key_hash(key) & (cap - 1);

	while (slots[i].row_no != 0 && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/*
 * Records that key was seen on row_no. *earlier receives the row it was first
 * seen on, or 0 when it is new. key must be shorter than IMPORT_KEY_SIZE.
 * Returns 0 or SX_ENOMEM (then the set is unchanged).
 */
static int key_set_put(size_t *earlier, struct key_set *set, const char *key, size_t row_no)
{
	struct key_slot *slot;

	*earlier = 0;
	if ((set->count + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct key_slot *slots = sx_calloc(cap, sizeof(*slots));

		if (slots == NULL)
			return SX_ENOMEM;
		for (size_t i = 0; i < set->cap; i++) {
			if (set->slots[i].row_no != 0)
				*key_find(slots, cap, set->slots[i].key) = set->slots[i];
		}
		sx_free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	slot = key_find(set->slots, set->cap, key);
	if (slot->row_no != 0) {
		*earlier = slot->row_no;
		return 0;
	}
	snprintf(slot->key, sizeof(slot->key), "%s", key);
	slot->row_no = row_no;
	set->count++;
	return 0;
}

/* ---- cells --------------------------------------------------------------------------------- */

/* The trimmed cell of a known column; empty when the column is not in the file. */
static struct slice cell_of(const struct import_run *run, const struct csv_row *row, int column)
{
	/* A real (empty) string rather than NULL: callers do pointer arithmetic
	 * on cells, and NULL + 0 is undefined in C11 (6.5.6p8). */
	struct slice empty = {"", 0};

	if (run->index[column] < 0)
		return empty;
	return trim(row->fields[run->index[column]], true);
}

static bool row_is_blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->count; i++) {
		if (trim(row->fields[i], true).len > 0)
			return false;
	}
	return true;
}

/* Copies a text cell; reports it when too long. Returns 0, 1 (reported) or SX_ENOMEM. */
static int cell_text(struct import_run *run, const struct csv_row *row, int column,
		     const char *code, char *dst, size_t size)
{
	int rc;

	if (copy_text(dst, size, cell_of(run, row, column)))
		return 0;
	rc = cell_error(run, row->row_no, column, code, "过长（最多 %zu 字节，约 %zu 个汉字）",
			size - 1, (size - 1) / 3);
	return rc < 0 ? rc : 1;
}

/* 是 / 否; empty = 否. Returns 0, 1 (reported) or SX_ENOMEM. */
static int cell_yes_no(struct import_run *run, const struct csv_row *row, int column, bool *out)
{
	struct slice s = cell_of(run, row, column);
	char shown[IMPORT_QUOTE_BYTES + 4];
	int rc;

	if (s.len == 0 || slice_eq_str(s, "否")) {
		*out = false;
		return 0;
	}
	if (slice_eq_str(s, "是")) {
		*out = true;
		return 0;
	}
	rc = cell_error(run, row->row_no, column, "import_bad_yes_no", "应填写“是”或“否”，实为“%s”",
			quote(shown, s));
	return rc < 0 ? rc : 1;
}

/* Digits only, value min..max; empty gives empty_value. Returns 0, 1 (reported) or SX_ENOMEM. */
static int cell_int(struct import_run *run, const struct csv_row *row, int column, int *out,
		    int empty_value, int min, int max, const char *unit)
{
	struct slice s = cell_of(run, row, column);
	char shown[IMPORT_QUOTE_BYTES + 4];
	long value = 0;
	size_t i;
	int rc;

	if (s.len == 0) {
		*out = empty_value;
		return 0;
	}
	for (i = 0; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
		value = value * 10 + (s.ptr[i] - '0');
		if (value > max)
			break;
	}
	if (i == s.len && value >= min && value <= max) {
		*out = (int)value;
		return 0;
	}
	rc = cell_error(run, row->row_no, column, "import_bad_number",
			"应为 %d—%d 之间的整数（%s），实为“%s”", min, max, unit, quote(shown, s));
	return rc < 0 ? rc : 1;
}

enum money_parse {
	MONEY_OK = 0,
	MONEY_MALFORMED,
	MONEY_NEGATIVE,
	MONEY_TOO_PRECISE,
	MONEY_TOO_LARGE,
};

/*
 * Yuan as written by people ("1234", "1234.5", "1234.56") into 分, exactly:
 * digits, then optionally '.' and one or two digits. Nothing else (no sign,
 * no thousands separator, no "元").
 */
static enum money_parse money_parse_fen(int64_t *out, struct slice s)
{
	int64_t yuan = 0;
	int64_t cents = 0;
	size_t decimals = 0;
	size_t i = 0;

	if (s.len > 0 && s.ptr[0] == '-')
		return MONEY_NEGATIVE;
	for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
		if (yuan > MATTER_MAX_FEN / 100)
			return MONEY_TOO_LARGE;
		yuan = yuan * 10 + (s.ptr[i] - '0');
	}
	if (i == 0)
		return MONEY_MALFORMED;
	if (i < s.len) {
		if (s.ptr[i] != '.')
			return MONEY_MALFORMED;
		/* Counting every decimal but keeping only two: a cell with twenty
		 * decimals must be refused, not overflow. */
		for (i++; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
			if (decimals < 2)
				cents = cents * 10 + (s.ptr[i] - '0');
			decimals++;
		}
		if (decimals == 0 || i < s.len)
			return MONEY_MALFORMED;
		if (decimals > 2)
			return MONEY_TOO_PRECISE;
		if (decimals == 1)
			cents *= 10;
	}
	if (yuan > MATTER_MAX_FEN / 100 || yuan * 100 + cents > MATTER_MAX_FEN)
		return MONEY_TOO_LARGE;
	*out = yuan * 100 + cents;
	return MONEY_OK;
}

/* Money in 元; empty = 0. Returns 0, 1 (reported) or SX_ENOMEM. */
static int cell_money(struct import_run *run, const struct csv_row *row, int column, int64_t *out)
{
	struct slice s = cell_of(run, row, column);
	char shown[IMPORT_QUOTE_BYTES + 4];
	const char *why;
	int rc;

	if (s.len == 0) {
		*out = 0;
		return 0;
	}
	switch (money_parse_fen(out, s)) {
	case MONEY_OK:
		return 0;
	case MONEY_NEGATIVE:
		why = "金额不能为负数";
		break;
	case MONEY_TOO_PRECISE:
		why = "金额以元为单位，最多两位小数（到分）";
		break;
	case MONEY_TOO_LARGE:
		why = "金额超过上限";
		break;
	default:
		why = "应为以元为单位的金额，只写数字和小数点（如 120 或 35.50）";
		break;
	}
	rc = cell_error(run, row->row_no, column, "import_bad_money", "%s，实为“%s”", why,
			quote(shown, s));
	return rc < 0 ? rc : 1;
}

/*
 * Splits a list cell at '；' and ';' into trimmed, non-empty items. Stores at
 * most max of them and returns how many there are (possibly more than max).
 */
static size_t split_items(struct slice *items, size_t max, struct slice cell)
{
	size_t count = 0;
	size_t start = 0;
	size_t i = 0;

	while (i <= cell.len) {
		size_t sep = 0;

		if (i == cell.len)
			sep = 0;
		else if (cell.ptr[i] == ';')
			sep = 1;
		else if (cell.len - i >= 3 && memcmp(cell.ptr + i, FW_SEMICOLON, 3) == 0)
			sep = 3;
		else {
			i++;
			continue;
		}
		{
			struct slice item = {cell.ptr + start, i - start};

			item = trim(item, true);
			if (item.len > 0) {
				if (count < max)
					items[count] = item;
				count++;
			}
		}
		if (sep == 0)
			break;
		i += sep;
		start = i;
	}
	return count;
}

/*
 * The items of a list cell into items[0..*count), at most max of them.
 * Returns 0, 1 (too many: reported, *count = 0) or SX_ENOMEM.
 */
static int cell_items(size_t *count, struct import_run *run, const struct csv_row *row,
		      int column, struct slice items[IMPORT_MAX_ITEMS], size_t max)
{
	size_t found = split_items(items, max, cell_of(run, row, column));
	int rc;

	*count = 0;
	if (found <= max) {
		*count = found;
		return 0;
	}
	rc = cell_error(run, row->row_no, column, "matter_too_many",
			"最多 %zu 项（以“；”分隔），实有 %zu 项", max, found);
	return rc < 0 ? rc : 1;
}

/* ---- header -------------------------------------------------------------------------------- */

static int header_check(struct import_run *run, const struct csv_row *header)
{
	const struct import_kind *kind = run->kind;
	char shown[IMPORT_QUOTE_BYTES + 4];
	int rc;

	run->field_count = header->count;
	for (size_t i = 0; i < header->count; i++) {
		struct slice name = trim(header->fields[i], false);
		bool known = false;

		for (size_t c = 0; c < kind->column_count && !known; c++)
			known = slice_eq_str(name, kind->columns[c].name);
		if (known)
			continue;
		if (name.len == 0)
			rc = report_add(run, 0, "", "import_unknown_column",
					"第 %zu 列没有列名：请填写列名或删除该列", i + 1);
		else
			rc = report_add(run, 0, quote(shown, name), "import_unknown_column",
					"第 %zu 列“%s”不是本文件的列：请对照导入模板检查列名"
					"（不认识的列不会被略过）",
					i + 1, shown);
		if (rc < 0)
			return rc;
	}
	for (size_t c = 0; c < kind->column_count; c++) {
		const char *name = kind->columns[c].name;
		int index = csv_header_index(header, name);

		run->index[c] = index < 0 ? -1 : index;
		rc = 0;
		if (index == CSV_HEADER_DUPLICATE)
			rc = report_add(run, 0, name, "import_duplicate_column",
					"列“%s”出现了不止一次：请只保留一列", name);
		else if (index == CSV_HEADER_NOT_FOUND && kind->columns[c].required)
			rc = report_add(run, 0, name, "import_missing_column", "缺少必需的列“%s”",
					name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- officers ------------------------------------------------------------------------------ */

#define OFFICER_DATE_FORMAT "应为真实存在的日期，格式 YYYY-MM-DD（如 2026-01-31）"

enum officer_column {
	OC_NAME,
	OC_CERT_NO,
	OC_CERT_TYPE,
	OC_FIELD,
	OC_FROM,
	OC_TO,
	OC_STATUS,
	OC_ID_NUMBER,
	OC_COUNT,
};

static const struct import_column officer_columns[OC_COUNT] = {
	[OC_NAME] = {"姓名", true},         [OC_CERT_NO] = {"执法证号", true},
	[OC_CERT_TYPE] = {"证件类型", true}, [OC_FIELD] = {"执法领域", true},
	[OC_FROM] = {"有效期起", true},      [OC_TO] = {"有效期止", true},
	[OC_STATUS] = {"状态", false},      [OC_ID_NUMBER] = {"身份证号", true},
};

/*
 * Where each column goes in the record, its code, a value that passes in its
 * place, and what to say of a cell too long for the field (NULL: "过长").
 */
static const struct {
	size_t offset;
	size_t size;
	const char *code;
	const char *stand_in;
	const char *too_long;
} officer_fields[OC_COUNT] = {
	[OC_NAME] = {offsetof(struct officer_record, name), OFFICER_NAME_SIZE, "officer_bad_name",
		     "某"},
	[OC_CERT_NO] = {offsetof(struct officer_record, cert_no), OFFICER_CERT_NO_SIZE,
			"officer_bad_cert_no", "0000", "应为 4—32 位数字、字母或“-”"},
	[OC_CERT_TYPE] = {offsetof(struct officer_record, cert_type), OFFICER_TEXT_SIZE,
			  "officer_bad_cert_type", "某"},
	[OC_FIELD] = {offsetof(struct officer_record, field), OFFICER_TEXT_SIZE,
		      "officer_bad_field", "某"},
	[OC_FROM] = {offsetof(struct officer_record, valid_from), 11, "officer_bad_dates",
		     "0001-01-01", OFFICER_DATE_FORMAT},
	[OC_TO] = {offsetof(struct officer_record, valid_to), 11, "officer_bad_dates",
		   "9999-12-31", OFFICER_DATE_FORMAT},
	[OC_STATUS] = {offsetof(struct officer_record, status), 16, "officer_bad_status", "active"},
	/* GB 11643-1999's own example number. */
	[OC_ID_NUMBER] = {offsetof(struct officer_record, id_number), OFFICER_ID_NUMBER_SIZE,
			  "officer_bad_id_number", "11010519491231002X"},
};

static char *officer_field(struct officer_record *r, int column)
{
	return (char *)r + officer_fields[column].offset;
}

static void officer_stand_in(struct officer_record *r, int column)
{
	snprintf(officer_field(r, column), officer_fields[column].size, "%s",
		 officer_fields[column].stand_in);
}

/* The column an officer_record_normalize error is about; -1 when unknown. */
static int officer_error_column(const struct sx_error *e, const struct officer_record *r)
{
	int y, m, d;

	if (strcmp(e->code, "officer_bad_dates") == 0) {
		/* valid_from is checked first; a reversed period is the end date's fault. */
		if (sx_date_parse(&y, &m, &d, r->valid_from, strlen(r->valid_from)) < 0)
			return OC_FROM;
		return OC_TO;
	}
	for (int c = 0; c < OC_COUNT; c++) {
		if (strcmp(e->code, officer_fields[c].code) == 0)
			return c;
	}
	return -1;
}

static int officer_append(struct import_run *run, const struct officer_record *rec)
{
	struct import_result *out = run->out;

	if (out->officer_count == run->records_cap) {
		size_t cap = run->records_cap ? run->records_cap * 2 : 16;
		struct officer_record *grown = sx_reallocarray(out->officers, cap, sizeof(*grown));

		if (grown == NULL)
			return SX_ENOMEM;
		out->officers = grown;
		run->records_cap = cap;
	}
	out->officers[out->officer_count++] = *rec;
	return 0;
}

/*
 * Copies an officer cell into its field. A cell too long for it is reported
 * (with the idcheck explanation for ID numbers) and replaced by the stand-in.
 * Returns 0, 1 (reported) or SX_ENOMEM.
 */
static int officer_cell(struct import_run *run, const struct csv_row *row, int column,
			struct officer_record *rec)
{
	struct slice s = cell_of(run, row, column);
	char shown[IMPORT_QUOTE_BYTES + 4];
	char reason[SX_ERROR_MESSAGE_MAX];
	int rc;

	if (copy_text(officer_field(rec, column), officer_fields[column].size, s))
		return 0;
	officer_stand_in(rec, column);
	if (column == OC_ID_NUMBER) {
		idcheck_person_id_explain(reason, sizeof(reason), s.ptr, s.len);
		rc = cell_error(run, row->row_no, column, officer_fields[column].code, "%s",
				reason);
	} else if (officer_fields[column].too_long != NULL) {
		rc = cell_error(run, row->row_no, column, officer_fields[column].code,
				"%s，实为“%s”", officer_fields[column].too_long, quote(shown, s));
	} else {
		rc = cell_error(run, row->row_no, column, officer_fields[column].code,
				"过长（最多 %zu 字节，约 %zu 个汉字）", officer_fields[column].size - 1,
				(officer_fields[column].size - 1) / 3);
	}
	return rc < 0 ? rc : 1;
}

static int officer_row(struct import_run *run, const struct csv_row *row)
{
	size_t row_no = row->row_no;
	struct officer_record rec;
	bool bad[OC_COUNT] = {false};
	bool normalized = false;
	struct slice status;
	size_t earlier;
	int rc;

	memset(&rec, 0, sizeof(rec));
	for (int c = 0; c < OC_COUNT; c++) {
		if (c == OC_STATUS)
			continue;
		if ((rc = officer_cell(run, row, c, &rec)) < 0)
			return rc;
		bad[c] = rc > 0;
	}
	status = cell_of(run, row, OC_STATUS);
	if (status.len == 0) {
		officer_stand_in(&rec, OC_STATUS); /* empty = 在岗 */
	} else {
		char label[32];
		const char *word = NULL;

		if (!copy_text(label, sizeof(label), status) ||
		    officer_status_from_label(&word, label) < 0) {
			char shown[IMPORT_QUOTE_BYTES + 4];

			if ((rc = cell_error(run, row_no, OC_STATUS, "officer_bad_status",
					     "应为在岗、暂停或注销（空白视为在岗），实为“%s”",
					     quote(shown, status))) < 0)
				return rc;
			bad[OC_STATUS] = true;
			word = "active";
		}
		snprintf(rec.status, sizeof(rec.status), "%s", word);
	}

	/* Every bad field: normalise again with each failing one replaced by its stand-in. */
	for (int round = 0; round <= OC_COUNT; round++) {
		struct sx_error e;
		int c;

		sx_error_clear(&e);
		if (officer_record_normalize(&rec, &e) == 0) {
			normalized = true;
			break;
		}
		c = officer_error_column(&e, &rec);
		if ((rc = report_add(run, row_no, c < 0 ? "" : officer_columns[c].name, e.code,
				     "第 %zu 行 %s", row_no, e.message)) < 0)
			return rc;
		if (c < 0 || bad[c])
			break; /* the stand-in failed too: stop rather than loop */
		bad[c] = true;
		officer_stand_in(&rec, c);
	}

	if (normalized && !bad[OC_CERT_NO]) {
		if ((rc = key_set_put(&earlier, &run->keys, rec.cert_no, row_no)) < 0)
			return rc;
		if (earlier != 0 &&
		    (rc = cell_error(run, row_no, OC_CERT_NO, "import_duplicate_cert_no",
				     "“%s”与第 %zu 行重复", rec.cert_no, earlier)) < 0)
			return rc;
	}
	if (run->out->report.error_total == 0)
		return officer_append(run, &rec);
	return 0;
}

static const struct import_kind officer_kind = {
	officer_columns,
	OC_COUNT,
	officer_row,
};

/* ---- matters ------------------------------------------------------------------------------- */

enum matter_column {
	MC_CODE,
	MC_NAME,
	MC_ACT_TYPE,
	MC_BASIS,
	MC_UNIT,
	MC_STEPS,
	MC_RANDOM,
	MC_AV,
	MC_AV_STAGES,
	MC_MAJOR,
	MC_MATERIALS,
	MC_LEGAL_DAYS,
	MC_PROMISED_DAYS,
	MC_FEE,
	MC_FEE_BASIS,
	MC_PLACE,
	MC_REVIEW_BODY,
	MC_REVIEW_DAYS,
	MC_COURT,
	MC_LITIGATION_MONTHS,
	MC_COUNT,
};

_Static_assert(MC_COUNT <= IMPORT_MAX_COLUMNS && OC_COUNT <= IMPORT_MAX_COLUMNS,
	       "columns fit run.index");

static const struct import_column matter_columns[MC_COUNT] = {
	[MC_CODE] = {"事项编码", true},
	[MC_NAME] = {"事项名称", true},
	[MC_ACT_TYPE] = {"事项类别", true},
	[MC_BASIS] = {"实施依据", true},
	[MC_UNIT] = {"责任单位", true},
	[MC_STEPS] = {"办理流程", true},
	[MC_RANDOM] = {"随机抽查", false},
	[MC_AV] = {"音像记录", false},
	[MC_AV_STAGES] = {"音像记录环节", false},
	[MC_MAJOR] = {"重大执法决定", false},
	[MC_MATERIALS] = {"申请材料", false},
	[MC_LEGAL_DAYS] = {"法定时限", false},
	[MC_PROMISED_DAYS] = {"承诺时限", false},
	[MC_FEE] = {"收费标准", false},
	[MC_FEE_BASIS] = {"收费依据", false},
	[MC_PLACE] = {"办理地点", false},
	[MC_REVIEW_BODY] = {"复议机关", true},
	[MC_REVIEW_DAYS] = {"复议期限", false},
	[MC_COURT] = {"诉讼法院", true},
	[MC_LITIGATION_MONTHS] = {"诉讼期限", false},
};

static const int guide_columns[] = {
	MC_MATERIALS, MC_LEGAL_DAYS, MC_PROMISED_DAYS, MC_FEE, MC_FEE_BASIS, MC_PLACE,
};

/*
 * Reports a required cell left empty (for a list, one without items).
 * Returns 0 (filled), 1 (reported) or SX_ENOMEM.
 */
static int cell_required(struct import_run *run, const struct csv_row *row, int column,
			 const char *code, const char *why)
{
	struct slice cell = cell_of(run, row, column);
	struct slice items[IMPORT_MAX_ITEMS];
	bool list = column == MC_BASIS || column == MC_STEPS || column == MC_MATERIALS;
	int rc;

	if (list ? split_items(items, IMPORT_MAX_ITEMS, cell) > 0 : cell.len > 0)
		return 0;
	rc = cell_error(run, row->row_no, column, code, "%s", why ? why : "不能为空");
	return rc < 0 ? rc : 1;
}

/* 实施依据: items 《法名》第…条…. */
static int matter_basis_cell(struct import_run *run, const struct csv_row *row,
			     struct matter *m)
{
	struct slice items[IMPORT_MAX_ITEMS];
	char shown[IMPORT_QUOTE_BYTES + 4];
	size_t count;
	int rc;

	rc = cell_items(&count, run, row, MC_BASIS, items, MATTER_MAX_BASIS);
	if (rc != 0 || count == 0)
		return rc;
	m->basis = sx_calloc(count, sizeof(*m->basis));
	if (m->basis == NULL)
		return SX_ENOMEM;
	m->basis_count = count;
	for (size_t i = 0; i < count; i++) {
		struct slice item = items[i];
		const char *end = NULL;
		struct slice law, article;
		const char *why = NULL;

		for (size_t k = 0; item.len >= 3 && k <= item.len - 3 && end == NULL; k++) {
			if (memcmp(item.ptr + k, BOOK_CLOSE, 3) == 0)
				end = item.ptr + k;
		}
		if (!starts_with(item, BOOK_OPEN) || end == NULL) {
			why = "应写作《法律法规名称》加条款，如《中华人民共和国行政处罚法》第五十一条";
		} else {
			law.ptr = item.ptr;
			law.len = (size_t)(end - item.ptr) + 3;
			article.ptr = end + 3;
			article.len = item.len - law.len;
			article = trim(article, true);
			if (law.len <= 6)
				why = "《》中缺少法律法规名称";
			else if (article.len == 0)
				why = "缺少条款（如第五十一条）";
			else if (!copy_text(m->basis[i].law, sizeof(m->basis[i].law), law))
				why = "法律法规名称过长";
			else if (!copy_text(m->basis[i].article, sizeof(m->basis[i].article),
					    article))
				why = "条款过长";
		}
		if (why != NULL) {
			rc = cell_error(run, row->row_no, MC_BASIS, "matter_bad_basis",
					"第 %zu 项“%s”：%s", i + 1, quote(shown, item), why);
			return rc < 0 ? rc : 1;
		}
	}
	return 0;
}

/*
 * Splits a trailing "(x)" or "（x）" off item: *inner receives x, trimmed, and
 * the function returns the text before it, trimmed. Returns item itself and an
 * empty *inner when there is no such suffix.
 */
static struct slice split_paren_suffix(struct slice item, struct slice *inner)
{
	size_t close_len = ends_with(item, ")") ? 1 : ends_with(item, FW_PAREN_CLOSE) ? 3 : 0;
	struct slice head = item;

	inner->ptr = NULL;
	inner->len = 0;
	if (close_len == 0)
		return item;
	for (size_t k = item.len - close_len; k-- > 0;) {
		size_t open_len = 0;

		if (item.ptr[k] == '(')
			open_len = 1;
		else if (item.len - k >= 3 && memcmp(item.ptr + k, FW_PAREN_OPEN, 3) == 0)
			open_len = 3;
		if (open_len == 0)
			continue;
		inner->ptr = item.ptr + k + open_len;
		inner->len = item.len - close_len - k - open_len;
		*inner = trim(*inner, true);
		head.len = k;
		return trim(head, true);
	}
	return item;
}

/* 办理流程: step titles, each optionally followed by "(N)" working days. */
static int matter_steps_cell(struct import_run *run, const struct csv_row *row,
			     struct matter *m)
{
	struct slice items[IMPORT_MAX_ITEMS];
	char shown[IMPORT_QUOTE_BYTES + 4];
	size_t count;
	int rc;

	rc = cell_items(&count, run, row, MC_STEPS, items, MATTER_MAX_STEPS);
	if (rc != 0 || count == 0)
		return rc;
	m->steps = sx_calloc(count, sizeof(*m->steps));
	if (m->steps == NULL)
		return SX_ENOMEM;
	m->step_count = count;
	for (size_t i = 0; i < count; i++) {
		struct slice inner;
		struct slice title = split_paren_suffix(items[i], &inner);
		bool digits = inner.len > 0;
		const char *why = NULL;
		long days = 0;

		for (size_t k = 0; k < inner.len && digits; k++) {
			digits = inner.ptr[k] >= '0' && inner.ptr[k] <= '9';
			if (digits && days <= MATTER_MAX_DAYS)
				days = days * 10 + (inner.ptr[k] - '0');
		}
		if (!digits) {
			/* "(含取证)" and the like belong to the title. */
			title = items[i];
			days = 0;
		} else if (days < 1 || days > MATTER_MAX_DAYS) {
			why = "括号中的时限应为 1—3650 个工作日";
		}
		if (why == NULL && title.len == 0)
			why = "缺少步骤名称";
		if (why == NULL && !copy_text(m->steps[i].title, sizeof(m->steps[i].title), title))
			why = "步骤名称过长（最多 32 个汉字）";
		if (why != NULL) {
			rc = cell_error(run, row->row_no, MC_STEPS, "matter_bad_step",
					"第 %zu 项“%s”：%s", i + 1, quote(shown, items[i]), why);
			return rc < 0 ? rc : 1;
		}
		m->steps[i].days = (int)days;
	}
	return 0;
}

/* 音像记录: 不要求 / 关键环节 / 全过程 (or the names); empty = 不要求. */
static int matter_av_cell(struct import_run *run, const struct csv_row *row, struct matter *m)
{
	static const enum matter_av_requirement all[] = {
		MATTER_AV_NONE,
		MATTER_AV_KEY_STEPS,
		MATTER_AV_FULL_PROCESS,
	};
	struct slice s = cell_of(run, row, MC_AV);
	char shown[IMPORT_QUOTE_BYTES + 4];
	char word[32];
	int rc;

	m->av_requirement = MATTER_AV_NONE;
	if (s.len == 0)
		return 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (slice_eq_str(s, matter_av_label(all[i]))) {
			m->av_requirement = all[i];
			return 0;
		}
	}
	if (copy_text(word, sizeof(word), s) && matter_av_from_name(&m->av_requirement, word) == 0)
		return 0;
	rc = cell_error(run, row->row_no, MC_AV, "import_bad_av",
			"应为不要求、关键环节或全过程，实为“%s”", quote(shown, s));
	return rc < 0 ? rc : 1;
}

/* 音像记录环节: stages, "(全过程)" marking a fully recorded one. */
static int matter_av_stages_cell(struct import_run *run, const struct csv_row *row,
				 struct matter *m)
{
	struct slice items[IMPORT_MAX_ITEMS];
	char shown[IMPORT_QUOTE_BYTES + 4];
	size_t count;
	int rc;

	rc = cell_items(&count, run, row, MC_AV_STAGES, items, MATTER_MAX_AV_STAGES);
	if (rc != 0 || count == 0)
		return rc;
	m->av_stages = sx_calloc(count, sizeof(*m->av_stages));
	if (m->av_stages == NULL)
		return SX_ENOMEM;
	m->av_stage_count = count;
	for (size_t i = 0; i < count; i++) {
		struct slice inner;
		struct slice stage = split_paren_suffix(items[i], &inner);
		bool full = slice_eq_str(inner, "全过程");
		const char *why = NULL;

		if (!full)
			stage = items[i];
		if (stage.len == 0)
			why = "缺少环节名称";
		else if (!copy_text(m->av_stages[i].stage, sizeof(m->av_stages[i].stage), stage))
			why = "环节名称过长（最多 32 个汉字）";
		if (why != NULL) {
			rc = cell_error(run, row->row_no, MC_AV_STAGES, "matter_bad_av_stage",
					"第 %zu 项“%s”：%s", i + 1, quote(shown, items[i]), why);
			return rc < 0 ? rc : 1;
		}
		m->av_stages[i].full_process = full || m->av_requirement == MATTER_AV_FULL_PROCESS;
	}
	return 0;
}

/* 申请材料: one text per item. */
static int matter_materials_cell(struct import_run *run, const struct csv_row *row,
				 struct matter *m)
{
	struct slice items[IMPORT_MAX_ITEMS];
	char shown[IMPORT_QUOTE_BYTES + 4];
	size_t count;
	int rc;

	rc = cell_items(&count, run, row, MC_MATERIALS, items, MATTER_MAX_MATERIALS);
	if (rc != 0 || count == 0)
		return rc;
	m->guide.materials = sx_calloc(count, sizeof(*m->guide.materials));
	if (m->guide.materials == NULL)
		return SX_ENOMEM;
	m->guide.material_count = count;
	for (size_t i = 0; i < count; i++) {
		if (copy_text(m->guide.materials[i], sizeof(m->guide.materials[i]), items[i]))
			continue;
		rc = cell_error(run, row->row_no, MC_MATERIALS, "matter_bad_guide",
				"第 %zu 项“%s”：过长（最多 512 个汉字）", i + 1,
				quote(shown, items[i]));
		return rc < 0 ? rc : 1;
	}
	return 0;
}

/*
 * Puts values known to pass into the fields of one column of m, a shallow
 * copy (the arrays stay the caller's): the scratch fields hold the
 * replacement lists. Returns false for a column without a stand-in.
 */
static bool matter_stand_in(struct matter *m, int column, struct matter_basis *basis,
			    struct matter_step *step, char (*material)[MATTER_TEXT_SIZE])
{
	switch (column) {
	case MC_CODE:
		snprintf(m->code, sizeof(m->code), "%s", "X");
		return true;
	case MC_NAME:
		snprintf(m->name, sizeof(m->name), "%s", "某");
		return true;
	case MC_UNIT:
		snprintf(m->unit, sizeof(m->unit), "%s", "某");
		return true;
	case MC_BASIS:
		memset(basis, 0, sizeof(*basis));
		snprintf(basis->law, sizeof(basis->law), "%s", "《某法》");
		snprintf(basis->article, sizeof(basis->article), "%s", "第一条");
		m->basis = basis;
		m->basis_count = 1;
		return true;
	case MC_STEPS:
		memset(step, 0, sizeof(*step));
		snprintf(step->title, sizeof(step->title), "%s", "某");
		m->steps = step;
		m->step_count = 1;
		return true;
	case MC_MATERIALS:
		snprintf(*material, sizeof(*material), "%s", "某");
		m->guide.materials = material;
		m->guide.material_count = 1;
		return true;
	case MC_PROMISED_DAYS:
		m->guide.promised_days = 0;
		return true;
	case MC_LEGAL_DAYS:
		m->guide.legal_days = MATTER_MAX_DAYS;
		return true;
	case MC_FEE_BASIS:
		snprintf(m->guide.fee_basis, sizeof(m->guide.fee_basis), "%s", "某");
		return true;
	case MC_FEE:
		m->guide.fee_fen = 0;
		return true;
	case MC_PLACE:
		m->guide.place[0] = '\0';
		return true;
	case MC_REVIEW_BODY:
		snprintf(m->remedies.review_body, sizeof(m->remedies.review_body), "%s", "某");
		return true;
	case MC_REVIEW_DAYS:
		m->remedies.review_days = MATTER_REVIEW_MIN_DAYS;
		return true;
	case MC_COURT:
		snprintf(m->remedies.litigation_court, sizeof(m->remedies.litigation_court), "%s",
			 "某");
		return true;
	case MC_LITIGATION_MONTHS:
		m->remedies.litigation_months = MATTER_LITIGATION_MIN_MONTHS;
		return true;
	default:
		return false;
	}
}

/*
 * The column a matter_validate error is about, "" when it cannot be told.
 * Codes that name one column say so; for the rules that join cells (guide,
 * remedies, …) each column in turn is replaced by a stand-in and the matter
 * validated again: the column whose replacement changes the answer is the one
 * at fault. The order puts the cell a person most likely mistyped first (the
 * promised time before the legal one it exceeds, the fee's basis before the
 * fee).
 */
static const char *matter_error_column(const struct sx_error *e, const struct matter *m)
{
	static const struct {
		const char *code;
		int column;
	} by_code[] = {
		{"matter_bad_code", MC_CODE},
		{"matter_bad_name", MC_NAME},
		{"matter_bad_act_type", MC_ACT_TYPE},
		{"matter_bad_unit", MC_UNIT},
		{"matter_bad_av_requirement", MC_AV},
		{"matter_no_basis", MC_BASIS},
		{"matter_bad_basis", MC_BASIS},
		{"matter_no_steps", MC_STEPS},
		{"matter_bad_step", MC_STEPS},
		{"matter_guide_required", MC_MATERIALS},
		{"matter_av_stages_required", MC_AV_STAGES},
		{"matter_bad_av_stage", MC_AV_STAGES},
	};
	static const int suspects[] = {
		MC_MATERIALS, MC_PROMISED_DAYS, MC_LEGAL_DAYS, MC_FEE_BASIS, MC_FEE,
		MC_PLACE, MC_REVIEW_BODY, MC_REVIEW_DAYS, MC_COURT, MC_LITIGATION_MONTHS,
		MC_CODE, MC_NAME, MC_UNIT, MC_BASIS, MC_STEPS,
	};
	struct matter_basis basis;
	struct matter_step step;
	char material[1][MATTER_TEXT_SIZE];

	for (size_t i = 0; i < sizeof(by_code) / sizeof(by_code[0]); i++) {
		if (strcmp(e->code, by_code[i].code) == 0)
			return matter_columns[by_code[i].column].name;
	}
	for (size_t i = 0; i < sizeof(suspects) / sizeof(suspects[0]); i++) {
		struct matter probe = *m;
		struct sx_error again;

		if (!matter_stand_in(&probe, suspects[i], &basis, &step, material))
			continue;
		sx_error_clear(&again);
		if (matter_validate(&probe, &again) == 0 || strcmp(again.code, e->code) != 0 ||
		    strcmp(again.message, e->message) != 0)
			return matter_columns[suspects[i]].name;
	}
	return "";
}

/*
 * Fills m from the cells of row, reporting every problem of a single cell.
 * Returns 0 (m complete), 1 (something reported; m partly filled) or
 * SX_ENOMEM. m owns what was allocated either way.
 */
static int matter_from_cells(struct import_run *run, const struct csv_row *row,
			     struct matter *m)
{
	size_t row_no = row->row_no;
	bool reported = false;
	bool act_known = false;
	char label[32];
	int rc;

/* Runs one cell step: SX_ENOMEM ends the row, a report marks it bad. */
#define CELL(step)                                                                                 \
	do {                                                                                       \
		if ((rc = (step)) < 0)                                                             \
			return rc;                                                                 \
		reported |= rc > 0;                                                                \
	} while (0)

	CELL(cell_required(run, row, MC_CODE, "matter_bad_code", NULL));
	CELL(cell_text(run, row, MC_CODE, "matter_bad_code", m->code, sizeof(m->code)));
	CELL(cell_required(run, row, MC_NAME, "matter_bad_name", NULL));
	CELL(cell_text(run, row, MC_NAME, "matter_bad_name", m->name, sizeof(m->name)));
	{
		struct slice s = cell_of(run, row, MC_ACT_TYPE);
		char shown[IMPORT_QUOTE_BYTES + 4];

		if (s.len == 0) {
			CELL(cell_required(run, row, MC_ACT_TYPE, "import_bad_act_type", NULL));
		} else if (copy_text(label, sizeof(label), s) &&
			   matter_act_type_from_label(&m->act_type, label) == 0) {
			act_known = true;
		} else {
			CELL(cell_error(run, row_no, MC_ACT_TYPE, "import_bad_act_type",
					"应为许可、处罚、强制、征收、收费、检查、确认、裁决、奖励或"
					"其他，实为“%s”",
					quote(shown, s)));
			reported = true;
		}
	}
	CELL(cell_required(run, row, MC_BASIS, "matter_no_basis", NULL));
	CELL(matter_basis_cell(run, row, m));
	CELL(cell_required(run, row, MC_UNIT, "matter_bad_unit", NULL));
	CELL(cell_text(run, row, MC_UNIT, "matter_bad_unit", m->unit, sizeof(m->unit)));
	CELL(cell_required(run, row, MC_STEPS, "matter_no_steps", NULL));
	CELL(matter_steps_cell(run, row, m));
	CELL(cell_yes_no(run, row, MC_RANDOM, &m->random_inspection));
	CELL(matter_av_cell(run, row, m));
	CELL(matter_av_stages_cell(run, row, m));
	CELL(cell_yes_no(run, row, MC_MAJOR, &m->major_decision));

	/* The service guide: required for 许可, refused for the others. */
	if (act_known && m->act_type == MATTER_ACT_LICENSE) {
		m->has_guide = true;
		CELL(cell_required(run, row, MC_MATERIALS, "matter_guide_required",
				   "许可事项必须填写申请材料（办事指南）"));
		CELL(cell_required(run, row, MC_LEGAL_DAYS, "matter_guide_required",
				   "许可事项必须填写法定时限（办事指南）"));
	} else if (act_known) {
		for (size_t i = 0; i < sizeof(guide_columns) / sizeof(guide_columns[0]); i++) {
			if (cell_of(run, row, guide_columns[i]).len == 0)
				continue;
			CELL(cell_error(run, row_no, guide_columns[i], "import_guide_not_allowed",
					"只有许可事项填写此列（本行事项类别为“%s”），请留空",
					label));
			reported = true;
		}
	}
	CELL(matter_materials_cell(run, row, m));
	CELL(cell_int(run, row, MC_LEGAL_DAYS, &m->guide.legal_days, 0, 1, MATTER_MAX_DAYS,
		      "工作日"));
	CELL(cell_int(run, row, MC_PROMISED_DAYS, &m->guide.promised_days, 0, 1,
		      MATTER_MAX_DAYS, "工作日"));
	CELL(cell_money(run, row, MC_FEE, &m->guide.fee_fen));
	CELL(cell_text(run, row, MC_FEE_BASIS, "matter_bad_guide", m->guide.fee_basis,
		       sizeof(m->guide.fee_basis)));
	CELL(cell_text(run, row, MC_PLACE, "matter_bad_guide", m->guide.place,
		       sizeof(m->guide.place)));

	CELL(cell_required(run, row, MC_REVIEW_BODY, "matter_bad_remedies", NULL));
	CELL(cell_text(run, row, MC_REVIEW_BODY, "matter_bad_remedies", m->remedies.review_body,
		       sizeof(m->remedies.review_body)));
	CELL(cell_int(run, row, MC_REVIEW_DAYS, &m->remedies.review_days,
		      MATTER_REVIEW_MIN_DAYS, 1, MATTER_MAX_DAYS, "日"));
	CELL(cell_required(run, row, MC_COURT, "matter_bad_remedies", NULL));
	CELL(cell_text(run, row, MC_COURT, "matter_bad_remedies", m->remedies.litigation_court,
		       sizeof(m->remedies.litigation_court)));
	CELL(cell_int(run, row, MC_LITIGATION_MONTHS, &m->remedies.litigation_months,
		      MATTER_LITIGATION_MIN_MONTHS, 1, 1200, "个月"));
#undef CELL
	return reported ? 1 : 0;
}

static int matter_append(struct import_run *run, struct matter *m)
{
	struct import_result *out = run->out;

	if (out->matter_count == run->records_cap) {
		size_t cap = run->records_cap ? run->records_cap * 2 : 16;
		struct matter *grown = sx_reallocarray(out->matters, cap, sizeof(*grown));

		if (grown == NULL)
			return SX_ENOMEM;
		out->matters = grown;
		run->records_cap = cap;
	}
	out->matters[out->matter_count++] = *m;
	memset(m, 0, sizeof(*m)); /* the result owns the arrays now */
	return 0;
}

static int matter_row(struct import_run *run, const struct csv_row *row)
{
	size_t row_no = row->row_no;
	bool code_ok = false;
	struct matter m;
	size_t earlier;
	int rc;

	memset(&m, 0, sizeof(m));
	rc = matter_from_cells(run, row, &m);
	if (rc < 0)
		goto cleanup;
	code_ok = m.code[0] != '\0';
	if (rc == 0) {
		struct sx_error e;

		sx_error_clear(&e);
		if (matter_validate(&m, &e) < 0) {
			if ((rc = report_add(run, row_no, matter_error_column(&e, &m),
					     e.code[0] ? e.code : "matter_invalid", "第 %zu 行：%s",
					     row_no, e.message)) < 0)
				goto cleanup;
			code_ok = code_ok && strcmp(e.code, "matter_bad_code") != 0;
		}
	}
	if (code_ok) {
		if ((rc = key_set_put(&earlier, &run->keys, m.code, row_no)) < 0)
			goto cleanup;
		if (earlier != 0 &&
		    (rc = cell_error(run, row_no, MC_CODE, "import_duplicate_code",
				     "“%s”与第 %zu 行重复", m.code, earlier)) < 0)
			goto cleanup;
	}
	rc = 0;
	if (run->out->report.error_total == 0)
		rc = matter_append(run, &m);
cleanup:
	matter_clear(&m);
	return rc;
}

static const struct import_kind matter_kind = {
	matter_columns,
	MC_COUNT,
	matter_row,
};

/* ---- the common pass ----------------------------------------------------------------------- */

/*
 * Reads the header and the rows. Returns 0 (report may hold errors), a
 * base/csv failure (csv_err filled; *csv_failed set) or SX_ENOMEM.
 */
static int import_read(struct import_run *run, struct csv_reader *reader,
		       import_progress_fn progress, void *ctx, struct sx_error *csv_err,
		       bool *csv_failed)
{
	struct import_report *report = &run->out->report;
	struct csv_row row;
	int rc;

	rc = csv_reader_next(reader, &row, csv_err);
	if (rc < 0) {
		*csv_failed = rc != SX_ENOMEM;
		return rc;
	}
	if (rc == 0)
		return report_add(run, 0, "", "import_empty_file", "%s",
				  "文件是空的：第一行应为表头（列名）");
	if ((rc = header_check(run, &row)) < 0 || report->error_total > 0)
		return rc;
	while ((rc = csv_reader_next(reader, &row, csv_err)) == 1) {
		if (row_is_blank(&row))
			continue;
		report->rows++;
		if (row.count != run->field_count)
			rc = report_add(run, row.row_no, "", "import_bad_field_count",
					"第 %zu 行：有 %zu 列，表头有 %zu 列（单元格中的逗号是否"
					"缺少引号？）",
					row.row_no, row.count, run->field_count);
		else
			rc = run->kind->row(run, &row);
		if (rc < 0)
			return rc;
		if (progress != NULL && report->rows % IMPORT_PROGRESS_EVERY == 0)
			progress(report->rows, 0, ctx);
	}
	if (rc < 0) {
		*csv_failed = rc != SX_ENOMEM;
		return rc;
	}
	if (progress != NULL)
		progress(report->rows, report->rows, ctx);
	return 0;
}

static int import_parse(struct import_result *out, const char *data, size_t len,
			const struct csv_options *opt, import_progress_fn progress, void *ctx,
			struct sx_error *err, const struct import_kind *kind)
{
	char message[SX_ERROR_MESSAGE_MAX];
	struct csv_reader *reader = NULL;
	struct import_run run;
	struct sx_error csv_err;
	bool csv_failed = false;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	run.out = out;
	run.kind = kind;
	sx_error_clear(&csv_err);

	rc = csv_reader_open(&reader, data, len, opt, &csv_err);
	if (rc < 0)
		csv_failed = rc != SX_ENOMEM;
	else
		rc = import_read(&run, reader, progress, ctx, &csv_err, &csv_failed);
	if (csv_failed) {
		/* Not a CSV we can read: its own code, and a row-0 entry for the report. */
		int added = report_add(&run, 0, "", csv_err.code, "%s", csv_err.message);

		if (added < 0)
			rc = added;
		else if (err != NULL)
			*err = csv_err;
		goto cleanup;
	}
	if (rc < 0 || out->report.error_total == 0)
		goto cleanup;
	if (run.bad_rows > 0)
		snprintf(message, sizeof(message),
			 "有 %zu 行数据有错误（共 %zu 处），未导入任何记录：请按错误清单修改后"
			 "重新导入",
			 run.bad_rows, out->report.error_total);
	else
		snprintf(message, sizeof(message), "%s",
			 "文件的表头有错误或文件为空，未导入任何记录：请对照导入模板修改后"
			 "重新导入");
	rc = sx_error_setf(err, SX_EINVALID, "import_rejected", message,
			   "%zu bad rows, %zu errors, %zu rows", run.bad_rows,
			   out->report.error_total, out->report.rows);

cleanup:
	csv_reader_free(reader);
	sx_free(run.keys.slots);
	if (rc == SX_ENOMEM) {
		import_result_clear(out);
		sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	return rc;
}

int import_officers_parse(struct import_result *out, const char *data, size_t len,
			  const struct csv_options *opt, import_progress_fn progress, void *ctx,
			  struct sx_error *err)
{
	return import_parse(out, data, len, opt, progress, ctx, err, &officer_kind);
}

int import_matters_parse(struct import_result *out, const char *data, size_t len,
			 const struct csv_options *opt, import_progress_fn progress, void *ctx,
			 struct sx_error *err)
{
	struct csv_options wide = {0};

	if (opt != NULL)
		wide = *opt;
	if (wide.max_field_bytes == 0)
		wide.max_field_bytes = IMPORT_MATTER_MAX_FIELD_BYTES;
	return import_parse(out, data, len, &wide, progress, ctx, err, &matter_kind);
}

void import_result_clear(struct import_result *r)
{
	if (r == NULL)
		return;
	result_drop_records(r);
	sx_free(r->report.errors);
	memset(r, 0, sizeof(*r));
}
