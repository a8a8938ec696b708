/*
 * base/csv — see csv.h.
 *
 * How it works: csv_reader_open settles the encoding and produces the UTF-8
 * text, without the BOM, in one exact-size allocation the reader owns.
 * csv_reader_next then walks that text with an index and an end (never a
 * NUL hunt). Unquoted fields are slices of the text as it is; quoted fields
 * are unescaped in place — dropping one quote of each "" and the enclosing
 * quotes only ever moves bytes towards the front of the field's own raw
 * span, behind the read position — so reading needs no per-row allocation
 * and every field stays valid until the reader is freed. The one growing
 * allocation is the array of field slices, capped at max_fields.
 *
 * Because separators, quotes and line breaks are ASCII, and ASCII bytes never
 * occur inside a multi-byte UTF-8 sequence (nor inside a GB18030 one: its
 * trail bytes are 0x30..0x39 and 0x40..0xFE), splitting the text at them
 * keeps every field well-formed, and line counting on the raw GB18030 bytes
 * gives the same lines as on the converted text.
 */
#include "base/csv.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"

/* Output chunk for the measuring pass of GB18030 conversion; far above the 4-byte maximum. */
#define CSV_CONVERT_CHUNK 8192

/* First size of the field array; it doubles up to max_fields. */
#define CSV_FIELDS_MIN_CAP 16

struct csv_reader {
	char *text;                 /* UTF-8, no BOM, no NUL inside; sx_malloc'd, len + 1 bytes */
	size_t len;                 /* bytes of text */
	size_t pos;                 /* next byte to read, 0..len */
	size_t line_no;             /* physical line that pos is on, 1-based */
	size_t row_no;              /* rows begun so far, skipped empty lines included */
	struct slice *fields;       /* the current row's fields; sx_malloc'd; NULL before row 1 */
	size_t fields_cap;          /* entries at fields, 0..max_fields */
	enum csv_encoding encoding; /* CSV_ENCODING_UTF8 or CSV_ENCODING_GB18030 */
	char separator;             /* ',' ';' or '\t' */
	size_t max_field_bytes;
	size_t max_fields;          /* 1..INT_MAX */
	size_t max_rows;
	int failed_rc;              /* 0, or the error every later csv_reader_next returns */
	struct sx_error failure;    /* the record that goes with failed_rc */
};

/* Advice shared by the encoding messages: what a person can do about it. */
#define CSV_RESAVE_ADVICE "请用表格软件另存为 CSV 文件后重新导入"

/*
 * Cuts a UTF-8 string that snprintf may have truncated in the middle of a
 * sequence back to its last whole character, so messages stay valid UTF-8
 * (they end up in JSON).
 */
static void utf8_trim_incomplete(char *s)
{
	size_t len = strlen(s);
	size_t start = len;

	while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return;
	start--;
	if (codec_utf8_char_len(s + start, len - start, NULL) != len - start)
		s[start] = '\0';
}

/* Records err with a zh-CN message formatted from fmt and a ready detail; returns rc. */
static int csv_fail(struct sx_error *err, int rc, const char *code, const char *detail,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int csv_fail(struct sx_error *err, int rc, const char *code, const char *detail,
		    const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	utf8_trim_incomplete(message);
	return sx_error_setf(err, rc, code, message, "%s", detail);
}

/*
 * Fails reading a row: the message names the row and, when col is not 0,
 * the column, followed by what (zh-CN); the detail adds the physical line and
 * the byte offset in the UTF-8 text.
 */
static int row_fail(struct sx_error *err, int rc, const char *code, size_t row, size_t col,
		    size_t line, size_t offset, const char *what)
{
	char detail[SX_ERROR_DETAIL_MAX];

	snprintf(detail, sizeof(detail),
		 "csv %s: row %zu, column %zu, line %zu, byte offset %zu of the UTF-8 text", code,
		 row, col, line, offset);
	if (col == 0)
		return csv_fail(err, rc, code, detail, "第 %zu 行：%s", row, what);
	return csv_fail(err, rc, code, detail, "第 %zu 行第 %zu 列：%s", row, col, what);
}

/* A limit for people: "64 MiB", "8 KiB" or "1000 字节". */
static void format_size(char *out, size_t out_size, size_t bytes)
{
	const size_t mib = (size_t)1024 * 1024;

	if (bytes >= mib && bytes % mib == 0)
		snprintf(out, out_size, "%zu MiB", bytes / mib);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(out, out_size, "%zu KiB", bytes / 1024);
	else
		snprintf(out, out_size, "%zu 字节", bytes);
}

/* 1-based physical line of byte offset end in s: line breaks are CRLF, LF or a lone CR. */
static size_t line_of_offset(const char *s, size_t end)
{
	size_t line = 1;

	for (size_t i = 0; i < end; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == end || s[i + 1] != '\n')))
			line++;
	}
	return line;
}

/* Length of the longest well-formed UTF-8 prefix of s[0..len). */
static size_t utf8_valid_prefix(const char *s, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t n = codec_utf8_char_len(s + off, len - off, NULL);

		if (n == 0)
			break;
		off += n;
	}
	return off;
}

/*
 * Runs cd over in[0..len). With out NULL it only measures, writing into a
 * scratch chunk; otherwise it writes into out[0..out_size).
 * Returns 0 with *out_len the UTF-8 length, SX_EINVALID with *stop the offset
 * of the first sequence that is not GB18030 (invalid, or cut off by the end;
 * err untouched: the caller words it), SX_EINTERNAL (out_size too small, or
 * another iconv failure; err filled).
 */
static int gb18030_run(iconv_t cd, const char *in, size_t len, char *out, size_t out_size,
		       size_t *out_len, size_t *stop, struct sx_error *err)
{
	char chunk[CSV_CONVERT_CHUNK];
	/* iconv's prototype is not const-correct; it never writes through the input pointer. */
	char *src = (char *)in;
	size_t src_left = len;
	size_t total = 0;

	*out_len = 0;
	*stop = 0;
	iconv(cd, NULL, NULL, NULL, NULL);
	while (src_left > 0) {
		char *dst = out ? out + total : chunk;
		size_t dst_size = out ? out_size - total : sizeof(chunk);
		size_t dst_left = dst_size;
		size_t res = iconv(cd, &src, &src_left, &dst, &dst_left);

		total += dst_size - dst_left;
		if (res != (size_t)-1)
			continue;
		if (errno == E2BIG && out == NULL)
			continue;
		if (errno == EILSEQ || errno == EINVAL) {
			*stop = (size_t)(src - in);
			return SX_EINVALID;
		}
		return sx_error_setf(err, SX_EINTERNAL, NULL, NULL,
				     "iconv from GB18030 at offset %zu: %s", (size_t)(src - in),
				     strerror(errno));
	}
	*out_len = total;
	return 0;
}

/*
 * Converts data[0..len) from GB18030 into a new exact-size text: a measuring
 * pass that allocates nothing, then the real one. On SX_EINVALID, *stop is
 * the offset of the first bad sequence. *out is sx_malloc'd (len + 1 with a
 * NUL) and NULL on error.
 */
static int gb18030_to_utf8(char **out, size_t *out_len, size_t *stop, const char *data,
			   size_t len, struct sx_error *err)
{
	iconv_t cd;
	char *text = NULL;
	size_t measured = 0, written = 0;
	int rc;

	*out = NULL;
	*out_len = 0;
	*stop = 0;
	cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		if (errno == ENOMEM)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		return sx_error_setf(err, SX_EUNSUPPORTED, "csv_encoding_unsupported",
				     "服务器不支持 GB18030 编码转换，请将文件另存为 UTF-8 编码的 CSV 后重新导入",
				     "iconv_open(\"UTF-8\", \"GB18030\"): %s", strerror(errno));
	}
	if ((rc = gb18030_run(cd, data, len, NULL, 0, &measured, stop, err)) < 0)
		goto cleanup;
	if (measured == SIZE_MAX) {
		rc = sx_error_set(err, SX_ETOOBIG, NULL, NULL);
		goto cleanup;
	}
	text = sx_malloc(measured + 1);
	if (text == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	/* The input passed the first run, so any failure from here on is iconv's. */
	if ((rc = gb18030_run(cd, data, len, text, measured, &written, stop, err)) < 0) {
		if (rc == SX_EINVALID)
			rc = sx_error_setf(err, SX_EINTERNAL, NULL, NULL,
					   "iconv from GB18030: second run failed at offset %zu",
					   *stop);
		goto cleanup;
	}
	if (written != measured || !codec_is_valid_utf8(text, written) ||
	    memchr(text, '\0', written) != NULL) {
		rc = sx_error_setf(err, SX_EINTERNAL, NULL, NULL,
				   "iconv from GB18030: %zu bytes measured, %zu written, "
				   "or not UTF-8", measured, written);
		goto cleanup;
	}
	text[written] = '\0';
	*out = text;
	*out_len = written;
	text = NULL;
cleanup:
	iconv_close(cd);
	sx_free(text);
	return rc;
}

/* Fails open with csv_bad_encoding at the physical line of offset; detail is for the log. */
static int encoding_fail(struct sx_error *err, const char *data, size_t offset,
			 const char *detail, const char *what)
{
	return csv_fail(err, SX_EINVALID, "csv_bad_encoding", detail, "第 %zu 行：%s",
			line_of_offset(data, offset), what);
}

/*
 * Turns data[0..len) into the reader's UTF-8 text by the rules in csv.h.
 * Sets r->text, r->len and r->encoding; on error r->text stays NULL.
 */
static int reader_load_text(struct csv_reader *r, const char *data, size_t len,
			    enum csv_encoding encoding, struct sx_error *err)
{
	static const char xlsx_magic[] = {'P', 'K', 3, 4};
	static const unsigned char xls_magic[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	char detail[SX_ERROR_DETAIL_MAX];
	const char *nul;
	size_t utf8_ok, gb_stop = 0, skip = 0;
	char *text = NULL;
	size_t text_len = 0;
	int rc;

	/* Workbooks hold NULs too; saying what the file is helps more than "not text". */
	if (len >= sizeof(xlsx_magic) && memcmp(data, xlsx_magic, sizeof(xlsx_magic)) == 0)
		return sx_error_set(err, SX_EINVALID, "csv_bad_encoding",
				    "文件是 Excel 工作簿（.xlsx），不是 CSV 文件，" CSV_RESAVE_ADVICE);
	if (len >= sizeof(xls_magic) && memcmp(data, xls_magic, sizeof(xls_magic)) == 0)
		return sx_error_set(err, SX_EINVALID, "csv_bad_encoding",
				    "文件是旧版 Excel 工作簿（.xls），不是 CSV 文件，" CSV_RESAVE_ADVICE);
	if (len > 0 && (nul = memchr(data, '\0', len)) != NULL) {
		snprintf(detail, sizeof(detail), "csv: NUL byte at offset %zu",
			 (size_t)(nul - data));
		return encoding_fail(err, data, (size_t)(nul - data), detail,
				     "文件含有空字节，不是文本格式的 CSV 文件（可能是 UTF-16 编码），"
				     CSV_RESAVE_ADVICE);
	}

	/*
	 * A UTF-8 BOM says what the writer meant; decoding such a file as GB18030
	 * after a bad byte would turn it into plausible nonsense instead of an error.
	 */
	if (encoding == CSV_ENCODING_AUTO && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		encoding = CSV_ENCODING_UTF8;
	if (encoding != CSV_ENCODING_GB18030) {
		utf8_ok = codec_is_valid_utf8(data, len) ? len : utf8_valid_prefix(data, len);
		if (utf8_ok == len) {
			if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
				skip = 3;
			text = sx_malloc(len - skip + 1);
			if (text == NULL)
				return sx_error_set(err, SX_ENOMEM, NULL, NULL);
			if (len > skip)
				memcpy(text, data + skip, len - skip);
			text[len - skip] = '\0';
			r->text = text;
			r->len = len - skip;
			r->encoding = CSV_ENCODING_UTF8;
			return 0;
		}
		if (encoding == CSV_ENCODING_UTF8) {
			snprintf(detail, sizeof(detail), "csv: not UTF-8 at byte offset %zu",
				 utf8_ok);
			return encoding_fail(err, data, utf8_ok, detail,
					     "文件不是合法的 UTF-8 编码文本，" CSV_RESAVE_ADVICE);
		}
	} else {
		utf8_ok = 0;
	}

	rc = gb18030_to_utf8(&text, &text_len, &gb_stop, data, len, err);
	if (rc == SX_EINVALID) {
		if (encoding == CSV_ENCODING_GB18030) {
			snprintf(detail, sizeof(detail), "csv: not GB18030 at byte offset %zu",
				 gb_stop);
			return encoding_fail(err, data, gb_stop, detail,
					     "文件不是合法的 GB18030 编码文本，" CSV_RESAVE_ADVICE);
		}
		snprintf(detail, sizeof(detail),
			 "csv: not UTF-8 (bad byte at offset %zu) nor GB18030 (at offset %zu)",
			 utf8_ok, gb_stop);
		/* The decoding that got further is the more likely intended one. */
		return encoding_fail(err, data, utf8_ok > gb_stop ? utf8_ok : gb_stop, detail,
				     "文件既不是 UTF-8 也不是 GB18030 编码的文本，" CSV_RESAVE_ADVICE);
	}
	if (rc < 0)
		return rc;
	if (text_len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		memmove(text, text + 3, text_len - 3 + 1);
		text_len -= 3;
	}
	r->text = text;
	r->len = text_len;
	r->encoding = CSV_ENCODING_GB18030;
	return 0;
}

int csv_reader_open(struct csv_reader **out, const char *data, size_t len,
		    const struct csv_options *opt, struct sx_error *err)
{
	static const struct csv_options defaults;
	struct csv_reader *r = NULL;
	size_t max_input;
	char limit[32];
	char detail[SX_ERROR_DETAIL_MAX];
	int rc;

	if (out != NULL)
		*out = NULL;
	if (opt == NULL)
		opt = &defaults;
	if (out == NULL || (data == NULL && len != 0) ||
	    (opt->separator != 0 && opt->separator != ',' && opt->separator != ';' &&
	     opt->separator != '\t') ||
	    (opt->encoding != CSV_ENCODING_AUTO && opt->encoding != CSV_ENCODING_UTF8 &&
	     opt->encoding != CSV_ENCODING_GB18030) ||
	    opt->max_fields > INT_MAX)
		return sx_error_set(err, SX_EINVALID, NULL, "CSV 读取参数不合法");

	max_input = opt->max_input_bytes ? opt->max_input_bytes : CSV_DEFAULT_MAX_INPUT_BYTES;
	if (len > max_input || len == SIZE_MAX) {
		format_size(limit, sizeof(limit), max_input);
		snprintf(detail, sizeof(detail), "csv: input of %zu bytes, max_input_bytes %zu",
			 len, max_input);
		return csv_fail(err, SX_ETOOBIG, "csv_file_too_large", detail, "文件过大，上限为 %s",
				limit);
	}

	r = sx_calloc(1, sizeof(*r));
	if (r == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	r->line_no = 1;
	r->separator = opt->separator ? opt->separator : ',';
	r->max_field_bytes =
		opt->max_field_bytes ? opt->max_field_bytes : CSV_DEFAULT_MAX_FIELD_BYTES;
	r->max_fields = opt->max_fields ? opt->max_fields : CSV_DEFAULT_MAX_FIELDS;
	r->max_rows = opt->max_rows ? opt->max_rows : CSV_DEFAULT_MAX_ROWS;
	if ((rc = reader_load_text(r, data, len, opt->encoding, err)) < 0)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	csv_reader_free(r);
	return rc;
}

/* Makes room for one more field; the cap never passes max_fields. */
static int reader_reserve_field(struct csv_reader *r, size_t count)
{
	struct slice *fields;
	size_t cap;

	if (count < r->fields_cap)
		return 0;
	cap = r->fields_cap ? r->fields_cap * 2 : CSV_FIELDS_MIN_CAP;
	if (cap > r->max_fields)
		cap = r->max_fields;
	fields = sx_reallocarray(r->fields, cap, sizeof(*fields));
	if (fields == NULL)
		return SX_ENOMEM;
	r->fields = fields;
	r->fields_cap = cap;
	return 0;
}

static int field_too_long(const struct csv_reader *r, struct sx_error *err, size_t col,
			  size_t line)
{
	char what[96];

	snprintf(what, sizeof(what), "字段长度超过上限（%zu 字节）", r->max_field_bytes);
	return row_fail(err, SX_ETOOBIG, "csv_field_too_long", r->row_no, col, line, r->pos, what);
}

/*
 * Reads the quoted field that starts at r->pos (on its opening quote),
 * unescaping it in place, and leaves r->pos after the closing quote.
 */
static int read_quoted_field(struct csv_reader *r, struct slice *out, size_t col,
			     struct sx_error *err)
{
	char *text = r->text;
	size_t open_line = r->line_no;
	size_t open_pos = r->pos;
	size_t start, w;

	r->pos++;
	start = w = r->pos;
	for (;;) {
		size_t step = 1;
		char c;

		if (r->pos == r->len)
			return row_fail(err, SX_EINVALID, "csv_unterminated_quote", r->row_no, col,
					open_line, open_pos,
					"引号没有闭合，该字段一直到文件末尾都没有结束引号");
		c = text[r->pos];
		if (c == '"') {
			if (r->pos + 1 == r->len || text[r->pos + 1] != '"')
				break;
			step = 2;
		} else if (c == '\n' || (c == '\r' && (r->pos + 1 == r->len ||
						       text[r->pos + 1] != '\n'))) {
			/* A CR before an LF is one line break with it, counted at the LF. */
			r->line_no++;
		}
		if (w - start == r->max_field_bytes)
			return field_too_long(r, err, col, open_line);
		text[w++] = c;
		r->pos += step;
	}
	r->pos++;
	*out = (struct slice){text + start, w - start};
	if (r->pos < r->len && text[r->pos] != r->separator && text[r->pos] != '\r' &&
	    text[r->pos] != '\n')
		return row_fail(err, SX_EINVALID, "csv_stray_quote", r->row_no, col, r->line_no,
				r->pos - 1,
				"引号字段的结束引号后还有其他字符（字段中的双引号须写成两个）");
	return 0;
}

/* Reads the unquoted field at r->pos and leaves r->pos on what ends it. */
static int read_plain_field(struct csv_reader *r, struct slice *out, size_t col,
			    struct sx_error *err)
{
	const char *text = r->text;
	size_t start = r->pos;

	while (r->pos < r->len) {
		char c = text[r->pos];

		if (c == r->separator || c == '\r' || c == '\n')
			break;
		if (c == '"')
			return row_fail(err, SX_EINVALID, "csv_stray_quote", r->row_no, col,
					r->line_no, r->pos,
					"未加引号的字段中有双引号（含双引号的字段须整体加引号，"
					"其中的双引号写成两个）");
		if (r->pos - start == r->max_field_bytes)
			return field_too_long(r, err, col, r->line_no);
		r->pos++;
	}
	*out = (struct slice){text + start, r->pos - start};
	return 0;
}

/* Steps over the line break at r->pos (CRLF, LF or CR), if there is one. */
static void skip_line_break(struct csv_reader *r)
{
	if (r->pos == r->len)
		return;
	if (r->text[r->pos] == '\r' && r->pos + 1 < r->len && r->text[r->pos + 1] == '\n')
		r->pos++;
	r->pos++;
	r->line_no++;
}

static int reader_read_row(struct csv_reader *r, struct csv_row *out, struct sx_error *err)
{
	size_t count = 0;
	size_t line;
	char what[96];
	int rc;

	/* An empty line is a row a spreadsheet shows with nothing in it: count it, skip it. */
	while (r->pos < r->len && (r->text[r->pos] == '\r' || r->text[r->pos] == '\n')) {
		skip_line_break(r);
		r->row_no++;
	}
	if (r->pos == r->len)
		return 0;

	r->row_no++;
	line = r->line_no;
	if (r->row_no > r->max_rows) {
		snprintf(what, sizeof(what), "行数超过上限（%zu 行）", r->max_rows);
		return row_fail(err, SX_ETOOBIG, "csv_too_many_rows", r->row_no, 0, line, r->pos,
				what);
	}
	for (;;) {
		struct slice field;

		if (count == r->max_fields) {
			snprintf(what, sizeof(what), "字段数超过上限（%zu 个）", r->max_fields);
			return row_fail(err, SX_ETOOBIG, "csv_too_many_fields", r->row_no,
					count + 1, r->line_no, r->pos, what);
		}
		if (reader_reserve_field(r, count) < 0)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		if (r->pos < r->len && r->text[r->pos] == '"')
			rc = read_quoted_field(r, &field, count + 1, err);
		else
			rc = read_plain_field(r, &field, count + 1, err);
		if (rc < 0)
			return rc;
		r->fields[count++] = field;
		if (r->pos < r->len && r->text[r->pos] == r->separator) {
			r->pos++;
			continue;
		}
		skip_line_break(r);
		break;
	}
	out->line_no = line;
	out->row_no = r->row_no;
	out->count = count;
	out->fields = r->fields;
	return 1;
}

int csv_reader_next(struct csv_reader *r, struct csv_row *out, struct sx_error *err)
{
	struct sx_error local;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (r == NULL || out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (r->failed_rc < 0) {
		if (err != NULL)
			*err = r->failure;
		return r->failed_rc;
	}
	sx_error_clear(&local);
	rc = reader_read_row(r, out, &local);
	if (rc < 0) {
		/* The row may be half unescaped in place: reading on would misread it. */
		memset(out, 0, sizeof(*out));
		r->failed_rc = rc;
		r->failure = local;
		if (err != NULL)
			*err = local;
	}
	return rc;
}

void csv_reader_progress(const struct csv_reader *r, size_t *done_bytes, size_t *total_bytes)
{
	if (done_bytes != NULL)
		*done_bytes = r ? r->pos : 0;
	if (total_bytes != NULL)
		*total_bytes = r ? r->len : 0;
}

enum csv_encoding csv_reader_encoding(const struct csv_reader *r)
{
	return r ? r->encoding : CSV_ENCODING_AUTO;
}

void csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	sx_free(r->text);
	sx_free(r->fields);
	sx_free(r);
}

/* Length of the blank (space, tab, U+00A0, U+3000, U+FEFF) at the start of s[0..len), or 0. */
static size_t blank_at_start(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (len >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
		return 2;
	if (len >= 3 && (memcmp(s, "\xE3\x80\x80", 3) == 0 || memcmp(s, "\xEF\xBB\xBF", 3) == 0))
		return 3;
	return 0;
}

/* Length of the blank at the end of s[0..len), or 0. */
static size_t blank_at_end(const char *s, size_t len)
{
	if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		return 1;
	if (len >= 2 && memcmp(s + len - 2, "\xC2\xA0", 2) == 0)
		return 2;
	if (len >= 3 && (memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0 ||
			 memcmp(s + len - 3, "\xEF\xBB\xBF", 3) == 0))
		return 3;
	return 0;
}

int csv_header_index(const struct csv_row *header, const char *name)
{
	size_t name_len;
	int found = CSV_HEADER_NOT_FOUND;

	if (header == NULL || name == NULL || (header->fields == NULL && header->count != 0))
		return CSV_HEADER_NOT_FOUND;
	name_len = strlen(name);
	for (size_t i = 0; i < header->count && i <= INT_MAX; i++) {
		const char *s = header->fields[i].ptr;
		size_t len = header->fields[i].len;
		size_t n;

		if (s == NULL)
			len = 0;
		while ((n = blank_at_start(s, len)) > 0) {
			s += n;
			len -= n;
		}
		while ((n = blank_at_end(s, len)) > 0)
			len -= n;
		if (len != name_len || (len > 0 && memcmp(s, name, len) != 0))
			continue;
		if (found != CSV_HEADER_NOT_FOUND)
			return CSV_HEADER_DUPLICATE;
		found = (int)i;
	}
	return found;
}
