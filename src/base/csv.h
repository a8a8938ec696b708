/*
 * base/csv — a strict, bounded reader for CSV files as spreadsheets write
 * them, in UTF-8 or GB18030.
 *
 * The reader takes the whole file as bytes, turns it into UTF-8 text it owns,
 * and hands out one row at a time as borrowed slices. It knows nothing of
 * what the columns mean; importers on top of it map headers to fields and
 * report per-row errors in their own words.
 *
 * Encoding (decided once, at csv_reader_open):
 *   - CSV_ENCODING_AUTO: bytes that are well-formed UTF-8 (RFC 3629, strict:
 *     codec_is_valid_utf8) are read as UTF-8; anything else is converted from
 *     GB18030 with iconv(3) ("UTF-8" from "GB18030"). GB18030 is what Excel
 *     and WPS on Chinese Windows write when asked for plain "CSV" (code page
 *     936, i.e. GBK, which GB18030 contains except for GBK's single byte 0x80
 *     for the euro sign, which GB18030 rejects).
 *     Limit of the heuristic: pure-ASCII files are both encodings (and read
 *     the same either way); a GB18030 text whose bytes happen to line up
 *     as UTF-8 is read as UTF-8. That takes a very short non-ASCII text:
 *     "一业" (D2 BB D2 B5) is also the UTF-8 "һҵ". About one common hanzi
 *     in five lines up on its own (a lead 0xC2..0xDF with a trail
 *     0x80..0xBF), random pairs about 3 % of the time, four in a row about
 *     0.2 % (measured over GB2312 level-1 hanzi), so a file with a few
 *     words of Chinese is almost always detected right. Callers that know
 *     better force the encoding (CSV_ENCODING_UTF8 or CSV_ENCODING_GB18030).
 *   - A UTF-8 BOM (EF BB BF) at the start makes AUTO mean UTF-8: such a file
 *     with a bad byte fails rather than being decoded as GB18030 nonsense.
 *     A leading U+FEFF (the UTF-8 BOM, or GB18030's 84 31 95 33) is dropped
 *     after conversion, whichever encoding applies.
 *   - NUL bytes are refused: a text CSV has none, while UTF-16 text (Excel's
 *     "Unicode text"), .xlsx (a ZIP) and .xls files do, and UTF-16 made of
 *     ASCII would otherwise pass as UTF-8. Files that start like .xlsx or
 *     .xls get a message that says so.
 *   - Bytes that are neither (or not the forced encoding) fail with
 *     SX_EINVALID, code "csv_bad_encoding", naming the physical line (the
 *     parser has not run yet, so it is a line of the file, not a row) and,
 *     in the detail, the byte offset where each decoding stopped. In AUTO
 *     mode the message names the place reached by the decoding that got
 *     further, as the more likely intended encoding.
 *   Conversion is bounded: the input may be at most max_input_bytes (64 MiB
 *   by default); a first pass checks and measures without allocating, and
 *   the text is then written into one allocation of exactly its size (for
 *   GB18030 at most 1.5 times the input).
 *
 * Syntax: RFC 4180 §2, with what spreadsheets really write:
 *   - fields are separated by ',' (or ';' or '\t' when the caller says so);
 *   - a row ends at CRLF, LF or a lone CR (classic Mac Excel's "CSV
 *     (Macintosh)" writes CR; reading it as data would glue rows together),
 *     or at the end of the text; the last row need not end with a line break;
 *   - a field that starts with '"' is quoted: it runs to the next '"' not
 *     doubled, may hold separators and line breaks (kept byte for byte, CRLF
 *     included), and "" in it stands for one '"'. After the closing quote
 *     comes a separator, a line break or the end of the text, nothing else;
 *   - a '"' anywhere in an unquoted field, or a quote followed by other text
 *     (`"he said "hi""`, an undoubled quote inside a quoted field), is an
 *     error (csv_stray_quote) naming row and column; a quoted field still
 *     open at the end of the text is csv_unterminated_quote;
 *   - empty fields are kept (",," is three empty fields; "a," is two);
 *     spaces are data, nothing is trimmed;
 *   - an empty line (no bytes between two line breaks) is skipped, but it
 *     still counts as a row for row_no, so that row_no is the row number a
 *     person sees when the file is opened in Excel or WPS. A trailing empty
 *     line is therefore simply ignored.
 *
 * Limits (all caller-set, 0 picks the default): max_input_bytes (64 MiB),
 * max_field_bytes (4096 bytes of UTF-8 after "" is unescaped — about 1365
 * hanzi, so importers of long texts raise it), max_fields per row (64),
 * max_rows (100 000, counting the header and skipped empty lines). Passing one
 * fails with SX_ETOOBIG and a code (csv_file_too_large, csv_field_too_long,
 * csv_too_many_fields, csv_too_many_rows); the limit itself is allowed.
 *
 * Errors: every failure of the input fills struct sx_error with a stable
 * code and a zh-CN message that names the row ("第 N 行", N = row_no as
 * above; for encoding errors the physical line) and, where it applies, the
 * column ("第 M 列", 1-based); the detail for the log adds the physical line
 * and byte offset. Failures of the whole file (too large, a workbook instead
 * of a CSV) name no row. Errors are sticky: once csv_reader_next has failed,
 * every later call fails the same way.
 *
 * Invariants: the reader's text is well-formed UTF-8 without NUL bytes, so
 * every field is too; fields never exceed max_field_bytes; a row never has
 * more than max_fields fields; nothing is read outside data[0..len) —
 * the input need not be NUL-terminated.
 *
 * What it does not do: no writing of CSV; no trimming or type conversion of
 * fields; no check that rows have as many fields as the header (importers
 * do that, with their own message); no Excel "sep=;" first line, no other
 * encodings (UTF-16, Big5); no streaming from a file descriptor — the caller
 * reads the file (bounded) and the reader holds the text whole; no thread
 * safety (one reader, one thread).
 *
 * Specs: RFC 4180 §2 (with the deviations above), RFC 3629 (UTF-8),
 * GB 18030-2005 as implemented by glibc's iconv.
 */
#ifndef SX_BASE_CSV_H
#define SX_BASE_CSV_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

#define CSV_DEFAULT_MAX_INPUT_BYTES ((size_t)64 * 1024 * 1024)
#define CSV_DEFAULT_MAX_FIELD_BYTES ((size_t)4096)
#define CSV_DEFAULT_MAX_FIELDS ((size_t)64)
#define CSV_DEFAULT_MAX_ROWS ((size_t)100000)

/* csv_header_index results other than a column index. */
#define CSV_HEADER_NOT_FOUND (-1)
#define CSV_HEADER_DUPLICATE (-2)

enum csv_encoding {
	CSV_ENCODING_AUTO = 0, /* detect: strict UTF-8, else GB18030 (see above) */
	CSV_ENCODING_UTF8,
	CSV_ENCODING_GB18030,
};

/* Reading options. A zeroed struct (or a NULL pointer) means all defaults. */
struct csv_options {
	enum csv_encoding encoding; /* CSV_ENCODING_AUTO (0) detects */
	char separator;             /* ',' ';' or '\t'; 0 = ',' */
	size_t max_input_bytes;     /* input length; 0 = CSV_DEFAULT_MAX_INPUT_BYTES */
	size_t max_field_bytes;     /* UTF-8 bytes of one field; 0 = CSV_DEFAULT_MAX_FIELD_BYTES */
	size_t max_fields;          /* fields per row, <= INT_MAX; 0 = CSV_DEFAULT_MAX_FIELDS */
	size_t max_rows;            /* highest row_no allowed; 0 = CSV_DEFAULT_MAX_ROWS */
};

/*
 * One row, filled by csv_reader_next. The fields array belongs to the reader
 * and is valid until the next csv_reader_next or csv_reader_free; the bytes
 * the slices point to stay valid (unchanged) until csv_reader_free, so a
 * caller may keep copies of the slices (e.g. of the header row) meanwhile.
 * Field bytes are UTF-8 without NULs and are not NUL-terminated.
 */
struct csv_row {
	size_t line_no;             /* 1-based physical line where the row starts */
	size_t row_no;              /* 1-based, as a spreadsheet numbers rows (empty lines count) */
	size_t count;               /* fields in the row, 1..max_fields */
	const struct slice *fields; /* count slices; each field's len <= max_field_bytes */
};

struct csv_reader;

/*
 * Checks data[0..len) and converts it to UTF-8 text that the reader owns.
 * data need not be NUL-terminated and is not used after the call returns, so
 * the caller may free it at once. data may be NULL when len is 0. opt may be
 * NULL (defaults). err may be NULL.
 * Returns 0, SX_EINVALID (NULL out, NULL data with len > 0, a separator other
 * than ',' ';' '\t', max_fields > INT_MAX, an unknown encoding; or bytes that
 * are not text in the encoding: code "csv_bad_encoding"), SX_ETOOBIG (len >
 * max_input_bytes: "csv_file_too_large"), SX_ENOMEM, SX_EUNSUPPORTED
 * ("csv_encoding_unsupported": iconv cannot convert from GB18030 on this
 * system, e.g. glibc's gconv modules are missing; only when GB18030 is
 * needed), SX_EINTERNAL (iconv misbehaved).
 * On success *out is freed with csv_reader_free; on error *out is NULL.
 */
int csv_reader_open(struct csv_reader **out, const char *data, size_t len,
		    const struct csv_options *opt, struct sx_error *err);

/*
 * Reads the next row into *out.
 * Returns 1 (a row is in *out), 0 (no more rows; *out is zeroed; later calls
 * return 0 again), or a negative code with err filled: SX_EINVALID
 * (csv_stray_quote, csv_unterminated_quote; or NULL r or out), SX_ETOOBIG
 * (csv_field_too_long, csv_too_many_fields, csv_too_many_rows), SX_ENOMEM.
 * On error *out is zeroed and the reader stays failed: later calls return
 * the same code and fill err with the same record.
 */
int csv_reader_next(struct csv_reader *r, struct csv_row *out, struct sx_error *err);

/*
 * Progress for a progress bar: *done_bytes of *total_bytes of the UTF-8 text
 * (without the BOM) have been read. Starts at 0, never decreases, and equals
 * *total_bytes once csv_reader_next has returned 0. Either pointer may be
 * NULL; r NULL gives 0 of 0.
 */
void csv_reader_progress(const struct csv_reader *r, size_t *done_bytes, size_t *total_bytes);

/* The encoding the input was read in: CSV_ENCODING_UTF8 or CSV_ENCODING_GB18030. */
enum csv_encoding csv_reader_encoding(const struct csv_reader *r);

/* Frees r and its text (fields handed out become invalid). r may be NULL. */
void csv_reader_free(struct csv_reader *r);

/*
 * The 0-based column whose header field, trimmed of spaces, tabs, U+00A0
 * (no-break space), U+3000 (ideographic space) and U+FEFF (a stray BOM), is
 * exactly name (no case folding, no prefix match, name itself not trimmed).
 * Returns the index, CSV_HEADER_NOT_FOUND (-1: no such column, or a NULL
 * argument) or CSV_HEADER_DUPLICATE (-2: more than one column has that name,
 * so taking any one would be a guess). Both failures are negative.
 */
int csv_header_index(const struct csv_row *header, const char *name);

#endif
