/*
 * fuzz/fuzz_import_matters — libFuzzer target for import_matters_parse
 * (domain/import): the 执法事项 list (权力清单) an agency exports from its
 * spreadsheet and uploads, so outside input of any shape, in UTF-8 or
 * GB18030, with lists inside cells ("；"), "(N)" working days after steps and
 * 《法名》第…条 bases that the importer takes apart itself.
 *
 * Each input is parsed three times: whole with the default options, as the
 * upload page does; without its first byte, with options that byte picks
 * (separator, forced encoding, small limits), so that base/csv's failures
 * reach the importer; and whole again with the allocation that the last
 * byte counts to made to fail (base/mem's hook), so that every SX_ENOMEM
 * path is walked (LeakSanitizer reports what it forgets to free).
 *
 * Besides ASan/UBSan findings it aborts when a promise of import.h is
 * broken: 0 only with an empty report and one matter per data row, the list
 * passing matter_validate_list (every matter valid, codes unique) with a
 * service guide exactly for 许可; "import_rejected" with a report and no
 * records; a base/csv failure with its own code, no records and that code
 * as the last, row-0 entry of the report; SX_ENOMEM with a zeroed result;
 * the report lists min(found, IMPORT_MAX_ERRORS) entries, each with a code
 * and zh-CN UTF-8 texts, row 0 (the file) or a data row (≥ 2), rows in file
 * order; progress rising, its last call (rows, rows) on success.
 *
 * What an imported list goes through next is checked too, since the
 * importer is the only way outside text becomes matters in bulk: each
 * matter's canonical JSON (service/matter_json, what the store keeps) reads
 * back and writes the same bytes again; and listdiff_compute, given the
 * lists of the first two parses as old and new, agrees with itself (counts
 * by kind, '+' lines for added matters and '-' for removed ones, UTF-8
 * lines) and finds nothing between a list and itself.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_import_matters.c
 *   src/domain/import.c src/domain/officer.c src/domain/idcheck.c src/domain/matter.c
 *   src/domain/listdiff.c src/service/matter_json.c src/base/csv.c src/base/buf.c
 *   src/base/codec.c src/base/time.c src/base/mem.c src/base/error.c -ljansson
 * Seeds: fuzz/corpus/import_matters/. Without libFuzzer, fuzz/driver_replay.c replays them.
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
#include "domain/listdiff.h"
#include "domain/matter.h"
#include "service/matter_json.h"

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

/* Canonical JSON, read back, gives the same bytes. Out of memory is not a finding. */
static void check_round_trip(const struct matter *m)
{
	char *text = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	struct matter back;
	struct sx_error err;
	int rc;

	memset(&back, 0, sizeof(back));
	if ((rc = matter_json_canonical(&text, &len, m, &err)) < 0) {
		check(rc == SX_ENOMEM);
		goto cleanup;
	}
	check(text != NULL && text[len] == '\0' && codec_is_valid_utf8(text, len));
	if ((rc = matter_json_parse(&back, text, len, &err)) < 0) {
		check(rc == SX_ENOMEM);
		goto cleanup;
	}
	check(matter_validate(&back, &err) == 0);
	if ((rc = matter_json_canonical(&again, &again_len, &back, &err)) < 0) {
		check(rc == SX_ENOMEM);
		goto cleanup;
	}
	check(again_len == len && memcmp(again, text, len) == 0);
cleanup:
	sx_free(again);
	sx_free(text);
	matter_clear(&back);
}

static void check_matters(const struct matter *items, size_t count)
{
	struct sx_error err;

	check(matter_validate_list(items, count, &err) == 0);
	for (size_t i = 0; i < count; i++) {
		check(items[i].has_guide == (items[i].act_type == MATTER_ACT_LICENSE));
		check_round_trip(&items[i]);
	}
}

static bool matter_is_in(const char *code, const struct matter *items, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(items[i].code, code) == 0)
			return true;
	}
	return false;
}

/* The diff between two valid lists. Out of memory is not a finding. */
static void check_diff(const struct matter *old_items, size_t old_count,
		       const struct matter *new_items, size_t new_count)
{
	size_t added = 0, removed = 0, changed = 0;
	struct listdiff d;
	int rc;

	rc = listdiff_compute(&d, old_items, old_count, new_items, new_count);
	if (rc < 0) {
		check(rc == SX_ENOMEM && d.count == 0 && d.entries == NULL);
		return;
	}
	check(rc == 0 && d.count <= old_count + new_count);
	check(d.count == 0 || d.entries != NULL);
	for (size_t i = 0; i < d.count; i++) {
		const struct listdiff_entry *e = &d.entries[i];
		bool in_old = matter_is_in(e->code, old_items, old_count);
		bool in_new = matter_is_in(e->code, new_items, new_count);
		char want = 0;

		check(field_is_text(e->code, sizeof(e->code)) && e->code[0] != '\0');
		check(field_is_text(e->name, sizeof(e->name)));
		switch (e->kind) {
		case LISTDIFF_ADDED:
			check(!in_old && in_new);
			want = '+';
			added++;
			break;
		case LISTDIFF_REMOVED:
			check(in_old && !in_new);
			want = '-';
			removed++;
			break;
		case LISTDIFF_CHANGED:
			check(in_old && in_new);
			changed++;
			break;
		default:
			check(false);
		}
		check(e->line_count >= 1 && e->lines != NULL);
		for (size_t k = 0; k < e->line_count; k++) {
			const struct listdiff_line *l = &e->lines[k];

			check(l->op == '+' || l->op == '-');
			check(want == 0 || l->op == want);
			check(l->text != NULL && codec_is_valid_utf8(l->text, strlen(l->text)));
		}
	}
	check(added == d.added && removed == d.removed && changed == d.changed);
	check(added + removed + changed == d.count);
	listdiff_free(&d);
}

/*
 * Parses one input. Returns 1 when it gave matters, which are then in *kept
 * (caller import_result_clear's it); 0 otherwise.
 */
static int parse(struct import_result *kept, const char *data, size_t size,
		 const struct csv_options *opt, long fail_after)
{
	struct progress progress = {0, 0, 0};
	struct import_result out;
	struct sx_error err;
	int rc;

	memset(&out, 0xa5, sizeof(out));
	sx_error_clear(&err);
	sx_mem_fail_after(fail_after);
	rc = import_matters_parse(&out, data, size, opt, on_progress, &progress, &err);
	sx_mem_fail_after(-1);
	check(out.officers == NULL && out.officer_count == 0);
	if (rc == SX_ENOMEM) {
		static const struct import_result zero;

		check(memcmp(&out, &zero, sizeof(out)) == 0);
		check(err.rc == SX_ENOMEM);
		return 0;
	}
	check_report(&out.report);
	if (rc == 0) {
		check(out.report.error_total == 0 && out.report.error_count == 0);
		check(out.matter_count == out.report.rows);
		check(out.matter_count == 0 || out.matters != NULL);
		check(progress.calls >= 1 && progress.last_done == out.report.rows &&
		      progress.last_total == out.report.rows);
		check_matters(out.matters, out.matter_count);
		if (kept != NULL && out.matter_count > 0) {
			*kept = out;
			return 1;
		}
	} else {
		check_err(&err, rc);
		check(out.matters == NULL && out.matter_count == 0);
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
	check(out.matters == NULL && out.report.errors == NULL && out.report.error_count == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char separators[] = {',', ';', '\t', 0};
	static const size_t field_bytes[] = {16, 256, 0, 0};
	static const size_t fields[] = {8, 24, 0, 0};
	struct import_result first, second;
	bool have_first, have_second = false;
	struct csv_options opt;
	unsigned char b;

	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	have_first = parse(&first, (const char *)data, size, NULL, -1) == 1;
	if (have_first) {
		check_diff(NULL, 0, first.matters, first.matter_count);
		check_diff(first.matters, first.matter_count, NULL, 0);
		check_diff(first.matters, first.matter_count, first.matters, first.matter_count);
	}
	if (size == 0)
		goto cleanup;
	b = data[0];
	memset(&opt, 0, sizeof(opt));
	opt.separator = separators[b & 3];
	opt.encoding = (enum csv_encoding)(((b >> 2) & 3) % 3);
	opt.max_field_bytes = field_bytes[(b >> 4) & 3];
	opt.max_fields = fields[(b >> 6) & 3];
	opt.max_rows = (b & 0x80) ? 2 + (b & 3) : 0;
	have_second = parse(&second, (const char *)data + 1, size - 1, &opt, -1) == 1;
	if (have_first && have_second)
		check_diff(first.matters, first.matter_count, second.matters, second.matter_count);
	parse(NULL, (const char *)data, size, NULL, data[size - 1]);
cleanup:
	import_result_clear(&first);
	import_result_clear(&second);
	return 0;
}
