/*
 * Unit tests for base/csv: the RFC 4180 §2 examples, what spreadsheets
 * really write (LF, lone CR, BOM, empty lines, quoted line breaks), GB18030
 * input against its UTF-8 twin, every limit at its boundary and one past it,
 * the error records (code, row, column, zh-CN text), progress, sticky
 * errors, header lookup, and allocation failure at every allocation.
 *
 * Every input is handed to the reader in a heap buffer of exactly its length
 * (exact_copy), with no NUL after it, so AddressSanitizer reports any read
 * past the end.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/mem.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Cap on a rendering: enough for every table input and the big generated ones. */
#define RENDER_MAX ((size_t)4 * 1024 * 1024)

/*
 * '执法证号,姓名\r\n33010020260001,张明\r\n' in GB18030, made with
 *   python3 -c "print(', '.join('0x%02x' % b for b in
 *       '执法证号,姓名\r\n33010020260001,张明\r\n'.encode('gb18030')))"
 */
static const unsigned char officers_gb18030[] = {
	0xd6, 0xb4, 0xb7, 0xa8, 0xd6, 0xa4, 0xba, 0xc5, 0x2c, 0xd0, 0xd5, 0xc3,
	0xfb, 0x0d, 0x0a, 0x33, 0x33, 0x30, 0x31, 0x30, 0x30, 0x32, 0x30, 0x32,
	0x36, 0x30, 0x30, 0x30, 0x31, 0x2c, 0xd5, 0xc5, 0xc3, 0xf7, 0x0d, 0x0a,
};
static const char officers_utf8[] = "执法证号,姓名\r\n33010020260001,张明\r\n";

/* '张明,执法证号\r\n' in GB18030, made the same way. */
static const unsigned char line_gb18030[] = {
	0xd5, 0xc5, 0xc3, 0xf7, 0x2c, 0xd6, 0xb4, 0xb7, 0xa8, 0xd6, 0xa4, 0xba, 0xc5, 0x0d, 0x0a,
};
static const char line_utf8[] = "张明,执法证号\r\n";

/* U+FEFF in GB18030: python3 -c "print('\ufeff'.encode('gb18030').hex())" gives 84319533. */
static const unsigned char gb18030_bom[] = {0x84, 0x31, 0x95, 0x33};

/*
 * A heap copy of exactly len bytes, without a NUL after it; NULL when len is 0
 * (which the reader accepts). Plain malloc, so that sx_mem_fail_after counts
 * only the reader's allocations.
 */
static char *exact_copy(const void *s, size_t len)
{
	char *copy;

	if (len == 0)
		return NULL;
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, s, len);
	return copy;
}

/*
 * Reads all of input[0..len) and renders the rows as "row@line:[f1][f2]\n".
 * Returns what the reader last returned: 0 when every row was read, or the
 * error (err filled). out is initialised here; the caller frees it.
 */
static int render_all(struct buf *out, const void *input, size_t len,
		      const struct csv_options *opt, struct sx_error *err)
{
	struct csv_reader *r = NULL;
	char *data = exact_copy(input, len);
	struct csv_row row;
	int rc;

	buf_init(out, RENDER_MAX);
	sx_error_clear(err);
	rc = csv_reader_open(&r, data, len, opt, err);
	/* The reader keeps its own text: the input may go at once. */
	free(data);
	if (rc < 0) {
		assert_null(r);
		return rc;
	}
	while ((rc = csv_reader_next(r, &row, err)) == 1) {
		assert_true(row.count >= 1);
		assert_int_equal(buf_appendf(out, "%zu@%zu:", row.row_no, row.line_no), 0);
		for (size_t i = 0; i < row.count; i++) {
			assert_int_equal(buf_append_char(out, '['), 0);
			assert_int_equal(buf_append(out, row.fields[i].ptr, row.fields[i].len), 0);
			assert_int_equal(buf_append_char(out, ']'), 0);
		}
		assert_int_equal(buf_append_char(out, '\n'), 0);
	}
	csv_reader_free(r);
	return rc;
}

/* The rendering as a string ("" when empty). */
static const char *rendered(const struct buf *b)
{
	return b->data ? b->data : "";
}

struct parse_case {
	const char *name;
	const char *input;
	char separator;
	const char *rows;
};

static const struct parse_case parse_cases[] = {
	/* RFC 4180 §2, items 1 to 7, in order. */
	{"rfc4180 rows end with CRLF", "aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n", 0,
	 "1@1:[aaa][bbb][ccc]\n2@2:[zzz][yyy][xxx]\n"},
	{"rfc4180 last row may lack a line break", "aaa,bbb,ccc\r\nzzz,yyy,xxx", 0,
	 "1@1:[aaa][bbb][ccc]\n2@2:[zzz][yyy][xxx]\n"},
	{"rfc4180 header is an ordinary row",
	 "field_name,field_name,field_name\r\naaa,bbb,ccc\r\n", 0,
	 "1@1:[field_name][field_name][field_name]\n2@2:[aaa][bbb][ccc]\n"},
	{"rfc4180 fields may be quoted", "\"aaa\",\"bbb\",\"ccc\"\r\nzzz,yyy,xxx", 0,
	 "1@1:[aaa][bbb][ccc]\n2@2:[zzz][yyy][xxx]\n"},
	{"rfc4180 quoted CRLF is data", "\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx", 0,
	 "1@1:[aaa][b\r\nbb][ccc]\n2@3:[zzz][yyy][xxx]\n"},
	{"rfc4180 doubled quote is one quote", "\"aaa\",\"b\"\"bb\",\"ccc\"", 0,
	 "1@1:[aaa][b\"bb][ccc]\n"},

	{"LF line ends", "a,b\nc,d\n", 0, "1@1:[a][b]\n2@2:[c][d]\n"},
	{"lone CR ends a row", "a,b\rc,d\r", 0, "1@1:[a][b]\n2@2:[c][d]\n"},
	{"mixed line ends", "a\r\nb\nc\rd", 0, "1@1:[a]\n2@2:[b]\n3@3:[c]\n4@4:[d]\n"},
	{"empty fields are kept", ",,\n", 0, "1@1:[][][]\n"},
	{"trailing separator gives a last empty field", "a,\n", 0, "1@1:[a][]\n"},
	{"trailing separator at the very end", "a,", 0, "1@1:[a][]\n"},
	{"leading separator gives a first empty field", ",a", 0, "1@1:[][a]\n"},
	{"quoted empty fields", "\"\",\"\"", 0, "1@1:[][]\n"},
	{"quoted separator is data", "\"a,b\",c", 0, "1@1:[a,b][c]\n"},
	{"quoted lone CR and LF are data and count as lines", "\"x\ry\nz\"\n2", 0,
	 "1@1:[x\ry\nz]\n2@4:[2]\n"},
	{"a quoted field of one escaped quote", "\"\"\"\"", 0, "1@1:[\"]\n"},
	{"escaped quote just before the closing quote", "\"a\"\"\"", 0, "1@1:[a\"]\n"},
	{"quoted field then CRLF", "\"a\"\r\n\"b\"", 0, "1@1:[a]\n2@2:[b]\n"},
	{"quoted field then lone CR", "\"a\"\r\"b\"\r", 0, "1@1:[a]\n2@2:[b]\n"},
	{"spaces are data", " a , b ", 0, "1@1:[ a ][ b ]\n"},
	{"a single space is a row", " ", 0, "1@1:[ ]\n"},
	{"empty line is skipped but counted", "a\n\nb\n", 0, "1@1:[a]\n3@3:[b]\n"},
	{"empty CRLF lines are skipped but counted", "a\r\n\r\n\r\nb", 0, "1@1:[a]\n4@4:[b]\n"},
	{"trailing empty lines are ignored", "a\r\n\r\n\r\n", 0, "1@1:[a]\n"},
	{"leading empty line", "\nh\n", 0, "2@2:[h]\n"},
	{"empty input has no rows", "", 0, ""},
	{"only line breaks have no rows", "\r\n\n\r", 0, ""},
	{"multi-line field moves the line but not the row", "h\n\"l1\nl2\nl3\",x\nnext", 0,
	 "1@1:[h]\n2@2:[l1\nl2\nl3][x]\n3@5:[next]\n"},
	{"Chinese text", "执法证号,姓名\n33010020260001,张明\n", 0,
	 "1@1:[执法证号][姓名]\n2@2:[33010020260001][张明]\n"},
	{"tab separator makes comma data", "a\tb,c\n", '\t', "1@1:[a][b,c]\n"},
	{"semicolon separator with quotes", "a;\"b;c\";d,e", ';', "1@1:[a][b;c][d,e]\n"},
	{"comma is the default separator", "a;b,c", 0, "1@1:[a;b][c]\n"},
	{"UTF-8 BOM is dropped", "\xEF\xBB\xBF执法证号,姓名\r\n", 0, "1@1:[执法证号][姓名]\n"},
	{"only a BOM has no rows", "\xEF\xBB\xBF", 0, ""},
	{"a quote right after the BOM opens a quoted field", "\xEF\xBB\xBF\"a\",b", 0,
	 "1@1:[a][b]\n"},
	{"only one BOM is dropped", "\xEF\xBB\xBF\xEF\xBB\xBF" "a", 0,
	 "1@1:[\xEF\xBB\xBF" "a]\n"},
};

static void test_rows_parse_as_rfc4180_and_spreadsheets_write_them(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct csv_options opt = {.separator = c->separator};
		struct sx_error err;
		struct buf out;
		int rc;

		rc = render_all(&out, c->input, strlen(c->input), &opt, &err);
		if (rc != 0)
			fail_msg("%s: rc %d (%s: %s)", c->name, rc, err.code, err.message);
		if (strcmp(rendered(&out), c->rows) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", c->name, rendered(&out), c->rows);
		buf_free(&out);
	}
}

struct error_case {
	const char *name;
	const char *input;
	struct csv_options opt;
	int rc;
	const char *code;
	const char *where;   /* how the message starts */
	const char *detail;  /* a part of the detail, or NULL */
	const char *rows;    /* the rows read before the error */
};

static const struct error_case error_cases[] = {
	{"quote inside an unquoted field", "a\"b", {0}, SX_EINVALID, "csv_stray_quote",
	 "第 1 行第 1 列：", "line 1, byte offset 1", ""},
	{"quote inside an unquoted field of row 2 column 2", "x,y\nab,c\"d", {0}, SX_EINVALID,
	 "csv_stray_quote", "第 2 行第 2 列：", "line 2", "1@1:[x][y]\n"},
	{"text after a closing quote", "\"a\"b", {0}, SX_EINVALID, "csv_stray_quote",
	 "第 1 行第 1 列：", "byte offset 2", ""},
	{"undoubled quote inside a quoted field", "h\n\"he said \"hi\"\"", {0}, SX_EINVALID,
	 "csv_stray_quote", "第 2 行第 1 列：", NULL, "1@1:[h]\n"},
	{"space after a closing quote", "\"a\" ,b", {0}, SX_EINVALID, "csv_stray_quote",
	 "第 1 行第 1 列：", NULL, ""},
	{"space before an opening quote", "a, \"b\"", {0}, SX_EINVALID, "csv_stray_quote",
	 "第 1 行第 2 列：", NULL, ""},
	{"stray quote after a multi-line field names its row", "\"a\nb\",c\"d", {0}, SX_EINVALID,
	 "csv_stray_quote", "第 1 行第 2 列：", "line 2", ""},
	{"unterminated quote", "\"abc", {0}, SX_EINVALID, "csv_unterminated_quote",
	 "第 1 行第 1 列：", NULL, ""},
	{"unterminated quote names where the field opened", "a,\"b\n\nc", {0}, SX_EINVALID,
	 "csv_unterminated_quote", "第 1 行第 2 列：", "line 1, byte offset 2", ""},
	{"unterminated quote in row 2", "x\n\"", {0}, SX_EINVALID, "csv_unterminated_quote",
	 "第 2 行第 1 列：", NULL, "1@1:[x]\n"},
	{"unterminated quote ending in an escaped quote", "x\r\n\r\ny,\"\"\"", {0}, SX_EINVALID,
	 "csv_unterminated_quote", "第 3 行第 2 列：", "line 3", "1@1:[x]\n"},
	{"unterminated quote ending in a CR", "\"a\r", {0}, SX_EINVALID, "csv_unterminated_quote",
	 "第 1 行第 1 列：", NULL, ""},
	{"stray quote with a tab separator", "a\tb\"", {.separator = '\t'}, SX_EINVALID,
	 "csv_stray_quote", "第 1 行第 2 列：", NULL, ""},
};

static void check_error_record(const char *name, const struct sx_error *err, int rc,
			       const char *code, const char *where, const char *detail)
{
	size_t len = strlen(err->message);

	if (err->rc != rc || strcmp(err->code, code) != 0)
		fail_msg("%s: got %d %s, want %d %s", name, err->rc, err->code, rc, code);
	if (strncmp(err->message, where, strlen(where)) != 0)
		fail_msg("%s: message \"%s\" does not start with \"%s\"", name, err->message,
			 where);
	if (detail != NULL && strstr(err->detail, detail) == NULL)
		fail_msg("%s: detail \"%s\" lacks \"%s\"", name, err->detail, detail);
	/* Whole and valid: it goes into JSON and before people. */
	assert_true(codec_is_valid_utf8(err->message, len));
	assert_true(len < SX_ERROR_MESSAGE_MAX - 1);
}

static void test_malformed_rows_fail_with_code_row_and_column(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		struct sx_error err;
		struct buf out;
		int rc;

		rc = render_all(&out, c->input, strlen(c->input), &c->opt, &err);
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d", c->name, rc, c->rc);
		check_error_record(c->name, &err, c->rc, c->code, c->where, c->detail);
		if (strcmp(rendered(&out), c->rows) != 0)
			fail_msg("%s: rows before the error\n%s\nwant\n%s", c->name, rendered(&out),
				 c->rows);
		buf_free(&out);
	}
}

static const struct error_case limit_cases[] = {
	{"field of exactly max_field_bytes", "12345", {.max_field_bytes = 5}, 0, "", "", NULL,
	 "1@1:[12345]\n"},
	{"field one byte past max_field_bytes", "12345,123456", {.max_field_bytes = 5}, SX_ETOOBIG,
	 "csv_field_too_long", "第 1 行第 2 列：字段长度超过上限（5 字节）", NULL, ""},
	{"quoted field is measured after unescaping", "\"12\"\"45\"", {.max_field_bytes = 5}, 0, "",
	 "", NULL, "1@1:[12\"45]\n"},
	{"quoted field one byte past after unescaping", "\"12\"\"456\"", {.max_field_bytes = 5},
	 SX_ETOOBIG, "csv_field_too_long", "第 1 行第 1 列：", NULL, ""},
	{"quoted line breaks count as bytes", "x\n\"1\r\n45\"", {.max_field_bytes = 5}, 0, "", "",
	 NULL, "1@1:[x]\n2@2:[1\r\n45]\n"},
	{"limit is in UTF-8 bytes: 张明 is 6", "张明", {.max_field_bytes = 6}, 0, "", "", NULL,
	 "1@1:[张明]\n"},
	{"limit is in UTF-8 bytes: 张明 is not 5", "张明", {.max_field_bytes = 5}, SX_ETOOBIG,
	 "csv_field_too_long", "第 1 行第 1 列：", NULL, ""},
	{"row of exactly max_fields", "a,b,c\r\n", {.max_fields = 3}, 0, "", "", NULL,
	 "1@1:[a][b][c]\n"},
	{"row one field past max_fields", "x\na,b,c,d", {.max_fields = 3}, SX_ETOOBIG,
	 "csv_too_many_fields", "第 2 行第 4 列：字段数超过上限（3 个）", NULL, "1@1:[x]\n"},
	{"a trailing separator is one more field", "a,b,c,", {.max_fields = 3}, SX_ETOOBIG,
	 "csv_too_many_fields", "第 1 行第 4 列：", NULL, ""},
	{"max_fields of one", "a\nb", {.max_fields = 1}, 0, "", "", NULL, "1@1:[a]\n2@2:[b]\n"},
	{"exactly max_rows", "a\nb", {.max_rows = 2}, 0, "", "", NULL, "1@1:[a]\n2@2:[b]\n"},
	{"exactly max_rows and trailing empty lines", "a\nb\n\n\n", {.max_rows = 2}, 0, "", "",
	 NULL, "1@1:[a]\n2@2:[b]\n"},
	{"one row past max_rows", "a\nb\nc", {.max_rows = 2}, SX_ETOOBIG, "csv_too_many_rows",
	 "第 3 行：行数超过上限（2 行）", "line 3", "1@1:[a]\n2@2:[b]\n"},
	{"empty lines count towards max_rows", "a\n\nb", {.max_rows = 2}, SX_ETOOBIG,
	 "csv_too_many_rows", "第 3 行：", NULL, "1@1:[a]\n"},
	{"input of exactly max_input_bytes", "0123456789", {.max_input_bytes = 10}, 0, "", "", NULL,
	 "1@1:[0123456789]\n"},
	{"input one byte past max_input_bytes", "0123456789a", {.max_input_bytes = 10}, SX_ETOOBIG,
	 "csv_file_too_large", "文件过大，上限为 10 字节", "11 bytes", ""},
	{"a small input limit is said in bytes", "0123456789a", {.max_input_bytes = 8}, SX_ETOOBIG,
	 "csv_file_too_large", "文件过大，上限为 8 字节", NULL, ""},
};

static void test_every_limit_holds_at_its_boundary_and_fails_one_past(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(limit_cases); i++) {
		const struct error_case *c = &limit_cases[i];
		struct sx_error err;
		struct buf out;
		int rc;

		rc = render_all(&out, c->input, strlen(c->input), &c->opt, &err);
		if (rc != c->rc)
			fail_msg("%s: rc %d (%s), want %d", c->name, rc, err.message, c->rc);
		if (c->rc != 0)
			check_error_record(c->name, &err, c->rc, c->code, c->where, c->detail);
		if (strcmp(rendered(&out), c->rows) != 0)
			fail_msg("%s: rows\n%s\nwant\n%s", c->name, rendered(&out), c->rows);
		buf_free(&out);
	}
}

/* count copies of unit, then tail; malloc'd, not NUL-terminated beyond *len_out. */
static char *repeat(const char *unit, size_t unit_len, size_t count, const char *tail,
		    size_t *len_out)
{
	size_t tail_len = strlen(tail);
	size_t len = unit_len * count + tail_len;
	char *s = malloc(len + 1);

	assert_non_null(s);
	for (size_t i = 0; i < count; i++)
		memcpy(s + i * unit_len, unit, unit_len);
	memcpy(s + unit_len * count, tail, tail_len);
	s[len] = '\0';
	*len_out = len;
	return s;
}

/* Opens input[0..len) with opt and reads to the end: the final rc and the rows read. */
static int read_to_end(const char *input, size_t len, const struct csv_options *opt,
		       size_t *rows, struct sx_error *err)
{
	struct csv_reader *r = NULL;
	struct csv_row row;
	char *data = exact_copy(input, len);
	int rc;

	*rows = 0;
	rc = csv_reader_open(&r, data, len, opt, err);
	free(data);
	if (rc < 0)
		return rc;
	while ((rc = csv_reader_next(r, &row, err)) == 1)
		(*rows)++;
	csv_reader_free(r);
	return rc;
}

static void test_default_limits_are_4096_bytes_64_fields_100000_rows(void **state)
{
	struct sx_error err;
	size_t len, rows;
	char *s;

	(void)state;
	s = repeat("x", 1, 4096, "\n", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), 0);
	assert_int_equal(rows, 1);
	free(s);
	s = repeat("x", 1, 4097, "\n", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), SX_ETOOBIG);
	check_error_record("4097 bytes", &err, SX_ETOOBIG, "csv_field_too_long", "第 1 行第 1 列：",
			   NULL);
	free(s);

	s = repeat("a,", 2, 63, "a\r\n", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), 0);
	free(s);
	s = repeat("a,", 2, 64, "a\r\n", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), SX_ETOOBIG);
	check_error_record("65 fields", &err, SX_ETOOBIG, "csv_too_many_fields",
			   "第 1 行第 65 列：", NULL);
	free(s);

	s = repeat("1\n", 2, 100000, "", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), 0);
	assert_int_equal(rows, 100000);
	free(s);
	s = repeat("1\n", 2, 100000, "1", &len);
	assert_int_equal(read_to_end(s, len, NULL, &rows, &err), SX_ETOOBIG);
	assert_int_equal(rows, 100000);
	check_error_record("100001 rows", &err, SX_ETOOBIG, "csv_too_many_rows", "第 100001 行：",
			   NULL);
	free(s);
}

static void test_default_input_limit_is_64_mib(void **state)
{
	const size_t mib64 = (size_t)64 * 1024 * 1024;
	struct csv_reader *r = NULL;
	struct sx_error err;
	char *data = malloc(mib64 + 1);

	(void)state;
	assert_non_null(data);
	memset(data, 'a', mib64 + 1);
	assert_int_equal(csv_reader_open(&r, data, mib64, NULL, &err), 0);
	csv_reader_free(r);
	assert_int_equal(csv_reader_open(&r, data, mib64 + 1, NULL, &err), SX_ETOOBIG);
	assert_null(r);
	check_error_record("64 MiB + 1", &err, SX_ETOOBIG, "csv_file_too_large",
			   "文件过大，上限为 64 MiB", "67108865 bytes");
	free(data);
}

/* Renders data[0..len) with opt, expecting success and the given encoding. */
static void expect_rows(const void *data, size_t len, const struct csv_options *opt,
			enum csv_encoding encoding, const char *rows)
{
	struct csv_reader *r = NULL;
	struct sx_error err;
	struct buf out;
	char *copy = exact_copy(data, len);
	int rc;

	rc = csv_reader_open(&r, copy, len, opt, &err);
	free(copy);
	if (rc != 0)
		fail_msg("open: %d %s %s", rc, err.code, err.message);
	assert_int_equal(csv_reader_encoding(r), encoding);
	csv_reader_free(r);
	assert_int_equal(render_all(&out, data, len, opt, &err), 0);
	if (strcmp(rendered(&out), rows) != 0)
		fail_msg("got\n%s\nwant\n%s", rendered(&out), rows);
	buf_free(&out);
}

static void test_gb18030_input_reads_as_the_same_rows_as_utf8(void **state)
{
	static const char rows[] = "1@1:[执法证号][姓名]\n2@2:[33010020260001][张明]\n";

	(void)state;
	expect_rows(officers_utf8, strlen(officers_utf8), NULL, CSV_ENCODING_UTF8, rows);
	expect_rows(officers_gb18030, sizeof(officers_gb18030), NULL, CSV_ENCODING_GB18030, rows);
	expect_rows(officers_gb18030, sizeof(officers_gb18030),
		    &(struct csv_options){.encoding = CSV_ENCODING_GB18030}, CSV_ENCODING_GB18030,
		    rows);
}

static void test_gb18030_bom_is_dropped_like_the_utf8_one(void **state)
{
	unsigned char input[sizeof(gb18030_bom) + sizeof(officers_gb18030)];

	(void)state;
	memcpy(input, gb18030_bom, sizeof(gb18030_bom));
	memcpy(input + sizeof(gb18030_bom), officers_gb18030, sizeof(officers_gb18030));
	expect_rows(input, sizeof(input), NULL, CSV_ENCODING_GB18030,
		    "1@1:[执法证号][姓名]\n2@2:[33010020260001][张明]\n");
}

static void test_gb18030_longer_than_one_conversion_chunk_matches_utf8(void **state)
{
	const size_t copies = 2000; /* 30 000 bytes in, 40 000 out: several 8 KiB chunks */
	size_t gb_len, utf8_len;
	char *gb = repeat((const char *)line_gb18030, sizeof(line_gb18030), copies, "", &gb_len);
	char *utf8 = repeat(line_utf8, strlen(line_utf8), copies, "", &utf8_len);
	struct sx_error err;
	struct buf from_gb, from_utf8;

	(void)state;
	assert_int_equal(render_all(&from_gb, gb, gb_len, NULL, &err), 0);
	assert_int_equal(render_all(&from_utf8, utf8, utf8_len, NULL, &err), 0);
	assert_int_equal(from_gb.len, from_utf8.len);
	assert_memory_equal(from_gb.data, from_utf8.data, from_gb.len);
	assert_non_null(strstr(from_gb.data, "2000@2000:[张明][执法证号]\n"));
	buf_free(&from_gb);
	buf_free(&from_utf8);
	free(gb);
	free(utf8);
}

static void test_gbk_text_that_loose_utf8_detection_misreads_is_gb18030(void **state)
{
	/* "联通" in GBK: C1 is never a UTF-8 lead byte (overlong), so strict validation refuses. */
	static const unsigned char liantong[] = {0xc1, 0xaa, 0xcd, 0xa8};

	(void)state;
	expect_rows(liantong, sizeof(liantong), NULL, CSV_ENCODING_GB18030, "1@1:[联通]\n");
}

static void test_gb18030_that_is_also_utf8_is_read_as_utf8_unless_forced(void **state)
{
	/* "一业" in GB18030 is D2 BB D2 B5, which is also the UTF-8 "һҵ": the limit in csv.h. */
	static const unsigned char yiye[] = {0xd2, 0xbb, 0xd2, 0xb5};

	(void)state;
	expect_rows(yiye, sizeof(yiye), NULL, CSV_ENCODING_UTF8, "1@1:[һҵ]\n");
	expect_rows(yiye, sizeof(yiye), &(struct csv_options){.encoding = CSV_ENCODING_GB18030},
		    CSV_ENCODING_GB18030, "1@1:[一业]\n");
}

static void test_pure_ascii_reads_as_utf8(void **state)
{
	(void)state;
	expect_rows("a,b\r\n", 5, NULL, CSV_ENCODING_UTF8, "1@1:[a][b]\n");
}

struct encoding_case {
	const char *name;
	const char *input;
	size_t len;
	enum csv_encoding encoding;
	const char *where;
	const char *says;   /* a part of the message */
	const char *detail; /* a part of the detail, or NULL */
};

#define BYTES(s) s, sizeof(s) - 1

static const struct encoding_case encoding_cases[] = {
	{"a byte neither encoding has, on line 3", BYTES("ok\r\nok\n\x80"), CSV_ENCODING_AUTO,
	 "第 3 行：", "既不是 UTF-8 也不是 GB18030", "offset 7) nor GB18030 (at offset 7)"},
	{"UTF-8 that goes bad late is placed by UTF-8", BYTES("中,\n\n\xff"), CSV_ENCODING_AUTO,
	 "第 3 行：", "既不是", "offset 6) nor GB18030 (at offset 2)"},
	{"GB18030 that goes bad late is placed by GB18030", BYTES("\xd5\xc5\xc3\xf7\n\n\n\x80"),
	 CSV_ENCODING_AUTO, "第 4 行：", "既不是", "offset 0) nor GB18030 (at offset 7)"},
	{"lone CRs count as lines before a bad byte", BYTES("a\rb\r\x80"), CSV_ENCODING_AUTO,
	 "第 3 行：", "既不是", NULL},
	{"CRLF counts as one line before a bad byte", BYTES("a\r\nb\r\n\x80"), CSV_ENCODING_AUTO,
	 "第 3 行：", "既不是", NULL},
	{"GB18030 cut off in the middle of a character", BYTES("\xd5\xc5\xc3"), CSV_ENCODING_AUTO,
	 "第 1 行：", "既不是", "GB18030 (at offset 2)"},
	/* D6 B4 happens to be UTF-8 (U+05B4); B7 is not. */
	{"forced UTF-8 refuses GB18030 where it stops being UTF-8", BYTES("\xd6\xb4\xb7\xa8"),
	 CSV_ENCODING_UTF8, "第 1 行：", "不是合法的 UTF-8", "offset 2"},
	{"forced GB18030 refuses what it cannot decode", BYTES("a\n\xff"), CSV_ENCODING_GB18030,
	 "第 2 行：", "不是合法的 GB18030", "offset 2"},
	/* Without the BOM rule, GB18030 would read this as EF BB, BF 61, 张, 明: nonsense. */
	{"a UTF-8 BOM means UTF-8 even when GB18030 would decode",
	 BYTES("\xEF\xBB\xBF" "a\xd5\xc5\xc3\xf7"), CSV_ENCODING_AUTO, "第 1 行：",
	 "不是合法的 UTF-8", "offset 4"},
	{"forced UTF-8 refuses an overlong form", BYTES("\xc0\xaf"), CSV_ENCODING_UTF8, "第 1 行：",
	 "UTF-8", NULL},
	{"a NUL byte", BYTES("a,b\nc\0d"), CSV_ENCODING_AUTO, "第 2 行：", "空字节",
	 "NUL byte at offset 5"},
	{"UTF-16LE text", BYTES("a\0,\0b\0"), CSV_ENCODING_AUTO, "第 1 行：", "UTF-16", NULL},
	{"a UTF-16LE BOM", BYTES("\xff\xfe" "a\0"), CSV_ENCODING_AUTO, "第 1 行：", "", NULL},
	{"an xlsx workbook", BYTES("PK\x03\x04\x14\0\x06\0"), CSV_ENCODING_AUTO, "文件是 Excel",
	 ".xlsx", NULL},
	{"an xls workbook", BYTES("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"), CSV_ENCODING_AUTO,
	 "文件是旧版 Excel", ".xls", NULL},
};

static void test_bytes_in_neither_encoding_fail_as_csv_bad_encoding(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(encoding_cases); i++) {
		const struct encoding_case *c = &encoding_cases[i];
		struct csv_options opt = {.encoding = c->encoding};
		struct csv_reader *r = (struct csv_reader *)&opt; /* must become NULL */
		struct sx_error err;
		char *data = exact_copy(c->input, c->len);
		int rc;

		rc = csv_reader_open(&r, data, c->len, &opt, &err);
		free(data);
		if (rc != SX_EINVALID)
			fail_msg("%s: rc %d", c->name, rc);
		assert_null(r);
		check_error_record(c->name, &err, SX_EINVALID, "csv_bad_encoding", c->where,
				   c->detail);
		if (strstr(err.message, c->says) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", c->name, err.message, c->says);
	}
}

static void test_progress_goes_from_zero_to_total(void **state)
{
	static const char input[] = "\xEF\xBB\xBFh1,h2\r\n\"a\nb\",c\r\n\r\nd,e\r\n\r\n";
	size_t len = sizeof(input) - 1;
	char *data = exact_copy(input, len);
	struct csv_reader *r = NULL;
	struct csv_row row;
	size_t done = 99, total = 99, last = 0, rows = 0;

	(void)state;
	assert_int_equal(csv_reader_open(&r, data, len, NULL, NULL), 0);
	csv_reader_progress(r, &done, &total);
	assert_int_equal(done, 0);
	assert_int_equal(total, len - 3); /* the BOM is not text */
	while (csv_reader_next(r, &row, NULL) == 1) {
		rows++;
		csv_reader_progress(r, &done, NULL);
		assert_true(done > last);
		assert_true(done <= total);
		last = done;
	}
	assert_int_equal(rows, 3);
	csv_reader_progress(r, &done, &total);
	assert_int_equal(done, total);
	assert_int_equal(csv_reader_next(r, &row, NULL), 0);
	csv_reader_progress(r, &done, NULL);
	assert_int_equal(done, total);
	csv_reader_free(r);
	free(data);

	csv_reader_progress(NULL, &done, &total);
	assert_int_equal(done, 0);
	assert_int_equal(total, 0);
}

static void test_progress_of_gb18030_counts_the_converted_text(void **state)
{
	char *data = exact_copy(officers_gb18030, sizeof(officers_gb18030));
	struct csv_reader *r = NULL;
	struct csv_row row;
	size_t done, total;

	(void)state;
	assert_int_equal(csv_reader_open(&r, data, sizeof(officers_gb18030), NULL, NULL), 0);
	csv_reader_progress(r, &done, &total);
	assert_int_equal(done, 0);
	assert_int_equal(total, strlen(officers_utf8));
	while (csv_reader_next(r, &row, NULL) == 1)
		;
	csv_reader_progress(r, &done, &total);
	assert_int_equal(done, total);
	csv_reader_free(r);
	free(data);
}

static void test_after_an_error_every_call_fails_the_same_way(void **state)
{
	static const char input[] = "ok\na\"b\nc\n";
	char *data = exact_copy(input, sizeof(input) - 1);
	struct csv_reader *r = NULL;
	struct csv_row row;
	struct sx_error first, again;

	(void)state;
	assert_int_equal(csv_reader_open(&r, data, sizeof(input) - 1, NULL, NULL), 0);
	assert_int_equal(csv_reader_next(r, &row, NULL), 1);
	assert_int_equal(csv_reader_next(r, &row, &first), SX_EINVALID);
	assert_int_equal(row.count, 0);
	assert_null(row.fields);
	assert_string_equal(first.code, "csv_stray_quote");
	/* Without an error record the failure is still kept. */
	assert_int_equal(csv_reader_next(r, &row, NULL), SX_EINVALID);
	assert_int_equal(csv_reader_next(r, &row, &again), SX_EINVALID);
	assert_int_equal(again.rc, SX_EINVALID);
	assert_string_equal(again.code, first.code);
	assert_string_equal(again.message, first.message);
	assert_string_equal(again.detail, first.detail);
	csv_reader_free(r);
	free(data);
}

static void test_reading_past_the_end_keeps_returning_zero(void **state)
{
	char *data = exact_copy("a", 1);
	struct csv_reader *r = NULL;
	struct csv_row row;

	(void)state;
	assert_int_equal(csv_reader_open(&r, data, 1, NULL, NULL), 0);
	assert_int_equal(csv_reader_next(r, &row, NULL), 1);
	assert_int_equal(csv_reader_next(r, &row, NULL), 0);
	assert_int_equal(row.count, 0);
	assert_null(row.fields);
	assert_int_equal(csv_reader_next(r, &row, NULL), 0);
	csv_reader_free(r);
	free(data);
}

static void test_bytes_after_len_are_never_read(void **state)
{
	/* Past len come a quote and a separator, which would change the rows if they were read. */
	static const char backing[] = "a,b\"x,\"";
	char *data = exact_copy(backing, sizeof(backing) - 1);
	struct sx_error err;
	struct buf out;

	(void)state;
	assert_int_equal(render_all(&out, data, 3, NULL, &err), 0);
	assert_string_equal(rendered(&out), "1@1:[a][b]\n");
	buf_free(&out);
	/* Cut after an opening quote and after a closing one. */
	assert_int_equal(render_all(&out, data + 3, 1, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "csv_unterminated_quote");
	buf_free(&out);
	assert_int_equal(render_all(&out, "\"a\"\"", 3, NULL, &err), 0);
	assert_string_equal(rendered(&out), "1@1:[a]\n");
	buf_free(&out);
	free(data);
}

static void test_fields_stay_valid_until_the_reader_is_freed(void **state)
{
	static const char input[] = "\"执法\"\"证号\",姓名\n1,\"张\n明\"\n";
	char *data = exact_copy(input, sizeof(input) - 1);
	struct csv_reader *r = NULL;
	struct csv_row row;
	struct slice header[2];

	(void)state;
	assert_int_equal(csv_reader_open(&r, data, sizeof(input) - 1, NULL, NULL), 0);
	free(data);
	assert_int_equal(csv_reader_next(r, &row, NULL), 1);
	assert_int_equal(row.count, 2);
	memcpy(header, row.fields, sizeof(header));
	assert_int_equal(csv_reader_next(r, &row, NULL), 1);
	assert_true(slice_eq_str(row.fields[1], "张\n明"));
	assert_int_equal(csv_reader_next(r, &row, NULL), 0);
	assert_true(slice_eq_str(header[0], "执法\"证号"));
	assert_true(slice_eq_str(header[1], "姓名"));
	csv_reader_free(r);
}

static void test_bad_arguments_are_invalid_and_allocate_nothing(void **state)
{
	static const struct csv_options bad_options[] = {
		{.separator = ':'},
		{.separator = '"'},
		{.separator = '\n'},
		{.encoding = (enum csv_encoding)7},
		{.max_fields = (size_t)INT_MAX + 1},
	};
	struct csv_reader *r = (struct csv_reader *)&r;
	struct csv_row row;
	struct sx_error err;

	(void)state;
	assert_int_equal(csv_reader_open(NULL, "a", 1, NULL, &err), SX_EINVALID);
	assert_int_equal(csv_reader_open(&r, NULL, 1, NULL, &err), SX_EINVALID);
	assert_null(r);
	for (size_t i = 0; i < ARRAY_LEN(bad_options); i++) {
		r = (struct csv_reader *)&r;
		sx_mem_fail_after(0); /* allocating anything would fail the open with SX_ENOMEM */
		assert_int_equal(csv_reader_open(&r, "a", 1, &bad_options[i], &err), SX_EINVALID);
		sx_mem_fail_after(-1);
		assert_null(r);
		assert_int_equal(err.rc, SX_EINVALID);
	}

	assert_int_equal(csv_reader_open(&r, NULL, 0, NULL, &err), 0);
	assert_int_equal(csv_reader_next(r, &row, &err), 0);
	assert_int_equal(csv_reader_next(r, NULL, &err), SX_EINVALID);
	assert_int_equal(csv_reader_next(NULL, &row, &err), SX_EINVALID);
	assert_int_equal(csv_reader_encoding(r), CSV_ENCODING_UTF8);
	csv_reader_free(r);
	csv_reader_free(NULL);
	assert_int_equal(csv_reader_encoding(NULL), CSV_ENCODING_AUTO);
}

/* Opens input, reads the first row and looks name up in it. */
static int header_index_of(const char *input, const char *name)
{
	char *data = exact_copy(input, strlen(input));
	struct csv_reader *r = NULL;
	struct csv_row row;
	int index;

	assert_int_equal(csv_reader_open(&r, data, strlen(input), NULL, NULL), 0);
	free(data);
	assert_int_equal(csv_reader_next(r, &row, NULL), 1);
	index = csv_header_index(&row, name);
	csv_reader_free(r);
	return index;
}

static void test_header_index_trims_blanks_and_boms_and_matches_exactly(void **state)
{
	static const char header[] = "\xEF\xBB\xBF\xEF\xBB\xBF执法证号 ,姓名\t,\xE3\x80\x80单位"
				     "\xE3\x80\x80,\xC2\xA0备注,\"  状态\xEF\xBB\xBF \",姓名1\xC2\xA0,";
	static const struct {
		const char *name;
		int index;
	} cases[] = {
		{"执法证号", 0}, {"姓名", 1},  {"单位", 2},  {"备注", 3},
		{"状态", 4},     {"姓名1", 5}, {"姓", CSV_HEADER_NOT_FOUND},
		{"执法证号 ", CSV_HEADER_NOT_FOUND},       {"名", CSV_HEADER_NOT_FOUND},
		{"", 6},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int got = header_index_of(header, cases[i].name);

		if (got != cases[i].index)
			fail_msg("\"%s\": got %d, want %d", cases[i].name, got, cases[i].index);
	}
}

static void test_header_index_reports_a_duplicate_name(void **state)
{
	struct slice fields[2] = {{"a", 1}, {"b", 1}};
	struct csv_row row = {.line_no = 1, .row_no = 1, .count = 2, .fields = fields};

	(void)state;
	assert_int_equal(header_index_of("姓名,单位, 姓名 ", "姓名"), CSV_HEADER_DUPLICATE);
	assert_int_equal(header_index_of("姓名,单位, 姓名 ", "单位"), 1);
	assert_int_equal(csv_header_index(NULL, "a"), CSV_HEADER_NOT_FOUND);
	assert_int_equal(csv_header_index(&row, NULL), CSV_HEADER_NOT_FOUND);
	assert_int_equal(csv_header_index(&row, "b"), 1);
}

/* Opens and reads everything with the allocation after n failing; the final rc. */
static int read_with_failing_allocation(const void *input, size_t len, long n)
{
	char *data = exact_copy(input, len);
	struct csv_reader *r = NULL;
	struct csv_row row;
	struct sx_error err;
	int rc;

	sx_mem_fail_after(n);
	rc = csv_reader_open(&r, data, len, NULL, &err);
	if (rc == 0) {
		while ((rc = csv_reader_next(r, &row, &err)) == 1)
			;
	}
	sx_mem_fail_after(-1);
	csv_reader_free(r);
	free(data);
	if (rc == SX_ENOMEM)
		assert_string_equal(err.code, "out_of_memory");
	return rc;
}

static void test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing(void **state)
{
	/* 40 fields make the field array grow twice (16, then 32, then 64 slices). */
	size_t wide_len;
	char *wide = repeat("\"a\"\"b\",", 7, 39, "z\r\nshort\r\n", &wide_len);
	const struct {
		const void *data;
		size_t len;
	} inputs[] = {
		{wide, wide_len},
		{officers_gb18030, sizeof(officers_gb18030)},
		{officers_utf8, strlen(officers_utf8)},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
		long n;

		for (n = 0; n < 100; n++) {
			int rc = read_with_failing_allocation(inputs[i].data, inputs[i].len, n);

			if (rc == 0)
				break;
			if (rc != SX_ENOMEM)
				fail_msg("input %zu with allocation %ld failing: rc %d", i, n, rc);
		}
		/* At least one allocation was failed, or the loop proved nothing. */
		assert_true(n > 0 && n < 100);
		if (i == 0)
			assert_int_equal(n, 5); /* reader, text, 16, 32 and 64 slices */
	}
	free(wide);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_parse_as_rfc4180_and_spreadsheets_write_them),
		cmocka_unit_test(test_malformed_rows_fail_with_code_row_and_column),
		cmocka_unit_test(test_every_limit_holds_at_its_boundary_and_fails_one_past),
		cmocka_unit_test(test_default_limits_are_4096_bytes_64_fields_100000_rows),
		cmocka_unit_test(test_default_input_limit_is_64_mib),
		cmocka_unit_test(test_gb18030_input_reads_as_the_same_rows_as_utf8),
		cmocka_unit_test(test_gb18030_bom_is_dropped_like_the_utf8_one),
		cmocka_unit_test(test_gb18030_longer_than_one_conversion_chunk_matches_utf8),
		cmocka_unit_test(test_gbk_text_that_loose_utf8_detection_misreads_is_gb18030),
		cmocka_unit_test(test_gb18030_that_is_also_utf8_is_read_as_utf8_unless_forced),
		cmocka_unit_test(test_pure_ascii_reads_as_utf8),
		cmocka_unit_test(test_bytes_in_neither_encoding_fail_as_csv_bad_encoding),
		cmocka_unit_test(test_progress_goes_from_zero_to_total),
		cmocka_unit_test(test_progress_of_gb18030_counts_the_converted_text),
		cmocka_unit_test(test_after_an_error_every_call_fails_the_same_way),
		cmocka_unit_test(test_reading_past_the_end_keeps_returning_zero),
		cmocka_unit_test(test_bytes_after_len_are_never_read),
		cmocka_unit_test(test_fields_stay_valid_until_the_reader_is_freed),
		cmocka_unit_test(test_bad_arguments_are_invalid_and_allocate_nothing),
		cmocka_unit_test(test_header_index_trims_blanks_and_boms_and_matches_exactly),
		cmocka_unit_test(test_header_index_reports_a_duplicate_name),
		cmocka_unit_test(test_allocation_failure_at_every_step_is_enomem_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
