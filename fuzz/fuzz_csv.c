/*
 * fuzz/fuzz_csv — libFuzzer target for base/csv, the reader under bulk
 * import of officers and 执法事项 (issue 5 §5): files an agency uploads, so
 * outside input of any shape.
 *
 * Each input is read twice: whole with the default options, as an importer
 * opens a file; then without its first byte, with options that byte picks
 * (separator, forced encoding, small limits), so that every limit and both
 * encodings are reached. Besides ASan/UBSan findings it aborts when the
 * reader breaks a promise of csv.h: fields within the limits, well-formed
 * UTF-8 without NULs; row numbers rising and never above the physical line;
 * progress rising to the total at the end; sticky errors with a valid zh-CN
 * message. libFuzzer hands over a buffer of exactly size bytes, so a read
 * past the end is an ASan report.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_csv.c
 *   src/base/csv.c src/base/buf.c src/base/codec.c src/base/mem.c src/base/error.c
 * Seeds: fuzz/corpus/csv/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_error(const struct sx_error *err, int rc)
{
	check(rc < 0 && err->rc == rc && err->code[0] != '\0' && err->message[0] != '\0');
	check(codec_is_valid_utf8(err->message, strlen(err->message)));
}

static void read_all(const char *data, size_t size, const struct csv_options *opt)
{
	size_t max_field_bytes = CSV_DEFAULT_MAX_FIELD_BYTES;
	size_t max_fields = CSV_DEFAULT_MAX_FIELDS;
	size_t max_rows = CSV_DEFAULT_MAX_ROWS;
	size_t last_row = 0, last_done = 0, done, total;
	struct csv_reader *r = NULL;
	struct sx_error err, again;
	struct csv_row row;
	int rc;

	if (opt != NULL) {
		max_field_bytes = opt->max_field_bytes ? opt->max_field_bytes : max_field_bytes;
		max_fields = opt->max_fields ? opt->max_fields : max_fields;
		max_rows = opt->max_rows ? opt->max_rows : max_rows;
	}
	rc = csv_reader_open(&r, data, size, opt, &err);
	if (rc < 0) {
		check(r == NULL);
		check_error(&err, rc);
		return;
	}
	csv_reader_progress(r, &done, &total);
	check(done == 0);
	while ((rc = csv_reader_next(r, &row, &err)) == 1) {
		check(row.count >= 1 && row.count <= max_fields && row.fields != NULL);
		check(row.row_no > last_row && row.row_no <= max_rows && row.line_no >= row.row_no);
		last_row = row.row_no;
		for (size_t i = 0; i < row.count; i++) {
			const struct slice *f = &row.fields[i];

			check(f->len <= max_field_bytes);
			check(codec_is_valid_utf8(f->ptr, f->len));
			check(f->len == 0 || memchr(f->ptr, '\0', f->len) == NULL);
		}
		/* Any row may be a header; the trimming must hold on arbitrary bytes. */
		check(csv_header_index(&row, "执法证号") < (int)row.count);
		csv_reader_progress(r, &done, &total);
		check(done > last_done && done <= total);
		last_done = done;
	}
	if (rc == 0) {
		csv_reader_progress(r, &done, &total);
		check(done == total);
		check(csv_reader_next(r, &row, &err) == 0);
	} else {
		check_error(&err, rc);
		check(csv_reader_next(r, &row, &again) == rc);
		check(strcmp(again.message, err.message) == 0);
	}
	csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char separators[] = {',', ';', '\t', 0};
	static const size_t field_bytes[] = {1, 4, 16, 0};
	static const size_t fields[] = {1, 2, 5, 0};
	struct csv_options opt;
	unsigned char b;

	read_all((const char *)data, size, NULL);
	if (size == 0)
		return 0;
	b = data[0];
	memset(&opt, 0, sizeof(opt));
	opt.separator = separators[b & 3];
	opt.encoding = (enum csv_encoding)(((b >> 2) & 3) % 3);
	opt.max_field_bytes = field_bytes[(b >> 4) & 3];
	opt.max_fields = fields[(b >> 6) & 3];
	opt.max_rows = 1 + (b & 7);
	opt.max_input_bytes = (b & 0x20) ? 256 : 0;
	read_all((const char *)data + 1, size - 1, &opt);
	return 0;
}
