/*
 * fuzz/fuzz_import_officers — libFuzzer target for import_officers_parse
 * (domain/import): the officer register an agency exports from its
 * spreadsheet and uploads, so outside input of any shape, in UTF-8 or
 * GB18030.
 *
 * Each input is parsed three times: whole with the default options, as the
 * upload page does; without its first byte, with options that byte picks
 * (separator, forced encoding, small limits), so that base/csv's failures
 * reach the importer; and whole again with the allocation that the last
 * byte counts to made to fail (base/mem's hook), so that every SX_ENOMEM
 * path is walked (LeakSanitizer reports what it forgets to free).
 *
 * Besides ASan/UBSan findings it aborts when a promise of import.h is
 * broken: 0 only with an empty report and one normalised record per data
 * row (officer_record_normalize accepts it again unchanged, certificate
 * numbers unique); "import_rejected" with a report and no records; a
 * base/csv failure with its own code, no records and that code as the last,
 * row-0 entry of the report; SX_ENOMEM with a zeroed result; the report
 * lists min(found, IMPORT_MAX_ERRORS) entries, each with a code and zh-CN
 * UTF-8 texts, row 0 (the file) or a data row (≥ 2), rows in file order;
 * progress rising, its last call (rows, rows) on success; err agreeing with
 * the return code.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_import_officers.c
 *   src/domain/import.c src/domain/officer.c src/domain/idcheck.c src/domain/matter.c
 *   src/base/csv.c src/base/buf.c src/base/codec.c src/base/time.c src/base/mem.c
 *   src/base/error.c
 * Seeds: fuzz/corpus/import_officers/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/csv.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/import.h"
#include "domain/officer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the progress callback saw. */
struct progress {
	size_t calls;
	size_t last_done;
	size_t last_total;
};

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

/* A fixed-size text field: NUL-terminated inside its array, UTF-8 up to the NUL. */
static bool field_is_text(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul != NULL && codec_is_valid_utf8(s, (size_t)(nul - s));
}

static void on_progress(size_t rows_done, size_t rows_total, void *ctx)
{
	struct progress *p = ctx;

	check(rows_done >= p->last_done);
	check(rows_total == 0 || rows_total == rows_done);
	p->calls++;
	p->last_done = rows_done;
	p->last_total = rows_total;
}

static void check_err(const struct sx_error *err, int rc)
{
	check(err->rc == rc && err->code[0] != '\0' && err->message[0] != '\0');
	check(field_is_text(err->code, sizeof(err->code)));
	check(field_is_text(err->message, sizeof(err->message)));
}

static void check_report(const struct import_report *r)
{
	size_t last_row = 0;
	size_t listed = r->error_total < IMPORT_MAX_ERRORS ? r->error_total : IMPORT_MAX_ERRORS;

	check(r->error_count == listed);
	check(r->error_count == 0 || r->errors != NULL);
	for (size_t i = 0; i < r->error_count; i++) {
		const struct import_row_error *e = &r->errors[i];

		check(field_is_text(e->column, sizeof(e->column)));
		check(field_is_text(e->code, sizeof(e->code)) && e->code[0] != '\0');
		check(field_is_text(e->message, sizeof(e->message)) && e->message[0] != '\0');
		if (e->row_no == 0)
			continue;
		/* Row 1 is the header, whose problems are the file's (row 0). */
		check(e->row_no >= 2 && e->row_no >= last_row);
		last_row = e->row_no;
	}
}

static void check_officer(const struct officer_record *rec)
{
	struct officer_record again = *rec;
	struct sx_error err;

	check(field_is_text(rec->name, sizeof(rec->name)));
	check(field_is_text(rec->cert_no, sizeof(rec->cert_no)));
	check(field_is_text(rec->cert_type, sizeof(rec->cert_type)));
	check(field_is_text(rec->field, sizeof(rec->field)));
	check(field_is_text(rec->valid_from, sizeof(rec->valid_from)));
	check(field_is_text(rec->valid_to, sizeof(rec->valid_to)));
	check(field_is_text(rec->id_number, sizeof(rec->id_number)));
	check(strcmp(rec->status, "active") == 0 || strcmp(rec->status, "suspended") == 0 ||
	      strcmp(rec->status, "revoked") == 0);
	/* Already normalised: accepted again and left as it was. */
	check(officer_record_normalize(&again, &err) == 0);
	check(memcmp(&again, rec, sizeof(again)) == 0);
}

static void parse(const char *data, size_t size, const struct csv_options *opt, long fail_after)
{
	struct progress progress = {0, 0, 0};
	struct import_result out;
	struct sx_error err;
	int rc;

	memset(&out, 0xa5, sizeof(out));
	sx_error_clear(&err);
	sx_mem_fail_after(fail_after);
	rc = import_officers_parse(&out, data, size, opt, on_progress, &progress, &err);
	sx_mem_fail_after(-1);
	check(out.matters == NULL && out.matter_count == 0);
	if (rc == SX_ENOMEM) {
		static const struct import_result zero;

		check(memcmp(&out, &zero, sizeof(out)) == 0);
		check(err.rc == SX_ENOMEM);
		return;
	}
	check_report(&out.report);
	if (rc == 0) {
		check(out.report.error_total == 0 && out.report.error_count == 0);
		check(out.officer_count == out.report.rows);
		check(out.officer_count == 0 || out.officers != NULL);
		check(progress.calls >= 1 && progress.last_done == out.report.rows &&
		      progress.last_total == out.report.rows);
		for (size_t i = 0; i < out.officer_count; i++) {
			const struct officer_record *rec = &out.officers[i];

			check_officer(rec);
			for (size_t j = 0; j < i; j++)
				check(strcmp(out.officers[j].cert_no, rec->cert_no) != 0);
		}
	} else {
		check_err(&err, rc);
		check(out.officers == NULL && out.officer_count == 0);
		check(out.report.error_total >= 1);
		if (strcmp(err.code, "import_rejected") != 0) {
			const struct import_row_error *last;

			/* base/csv could not read the file: its failure ends the report. */
			last = &out.report.errors[out.report.error_count - 1];
			check(rc == SX_EINVALID || rc == SX_ETOOBIG || rc == SX_EUNSUPPORTED ||
			      rc == SX_EINTERNAL);
			if (out.report.error_total <= IMPORT_MAX_ERRORS)
				check(last->row_no == 0 && strcmp(last->code, err.code) == 0);
		} else {
			check(rc == SX_EINVALID);
		}
	}
	import_result_clear(&out);
	check(out.officers == NULL && out.report.errors == NULL && out.report.error_count == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char separators[] = {',', ';', '\t', 0};
	static const size_t field_bytes[] = {8, 32, 0, 0};
	static const size_t fields[] = {4, 8, 0, 0};
	struct csv_options opt;
	unsigned char b;

	parse((const char *)data, size, NULL, -1);
	if (size == 0)
		return 0;
	b = data[0];
	memset(&opt, 0, sizeof(opt));
	opt.separator = separators[b & 3];
	opt.encoding = (enum csv_encoding)(((b >> 2) & 3) % 3);
	opt.max_field_bytes = field_bytes[(b >> 4) & 3];
	opt.max_fields = fields[(b >> 6) & 3];
	opt.max_rows = (b & 0x80) ? 2 + (b & 3) : 0;
	parse((const char *)data + 1, size - 1, &opt, -1);
	parse((const char *)data, size, NULL, data[size - 1]);
	return 0;
}
