/*
 * fuzz/fuzz_matter_json — libFuzzer target for matter_json_parse
 * (service/matter_json): the JSON of one 执法事项, as an agency's staff send
 * it to the API and as the store holds it (list_item.body), so outside text
 * that decides what is published.
 *
 * Each input is parsed whole. On error the matter is cleared (it may be
 * partly filled) and err must carry the returned code (SX_EINVALID or
 * SX_ENOMEM) with a zh-CN UTF-8 message. A parsed matter is checked with
 * matter_validate; parsing checks form only, so any matter it gives must
 * still write canonical JSON that reads back to the same canonical bytes
 * (the content hash of a list version depends on it). For a valid matter,
 * what the pages and the history show is checked too: matter_lines gives
 * non-empty UTF-8 lines and the same lines for the copy read back;
 * listdiff_compute finds the copy unchanged, and the matter added (every
 * line '+') against an empty list and removed (every line '-') the other
 * way; matter_copy writes the same canonical bytes; flowchart_svg draws its
 * steps into valid UTF-8. A mismatch aborts: these are invariants, not
 * hopes. Out of memory is never a finding.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_matter_json.c
 *   src/service/matter_json.c src/domain/matter.c src/domain/listdiff.c
 *   src/report/flowchart.c src/base/buf.c src/base/codec.c src/base/mem.c
 *   src/base/error.c -ljansson
 * Seeds: fuzz/corpus/matter_json/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/listdiff.h"
#include "domain/matter.h"
#include "report/flowchart.h"
#include "service/matter_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for the flowchart of 30 steps of 4 detail lines each, many times over. */
#define FLOWCHART_BUF_BYTES ((size_t)1024 * 1024)

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_err(const struct sx_error *err, int rc)
{
	check(rc == SX_EINVALID || rc == SX_ENOMEM);
	check(err->rc == rc && err->code[0] != '\0' && err->message[0] != '\0');
	check(memchr(err->code, '\0', sizeof(err->code)) != NULL);
	check(memchr(err->message, '\0', sizeof(err->message)) != NULL);
	check(codec_is_valid_utf8(err->message, strlen(err->message)));
}

/*
 * Writes m's canonical text into *out (sx_free) and checks its form.
 * Returns 0, or SX_ENOMEM (then *out is NULL).
 */
static int canonical(char **out, size_t *len, const struct matter *m)
{
	struct sx_error err;
	int rc = matter_json_canonical(out, len, m, &err);

	if (rc < 0) {
		check(rc == SX_ENOMEM && *out == NULL);
		return rc;
	}
	check(*out != NULL && *len > 0 && (*out)[*len] == '\0');
	check(codec_is_valid_utf8(*out, *len) && memchr(*out, '\0', *len) == NULL);
	return 0;
}

/* Canonical text reads back into *back and writes the same bytes again. */
static int check_round_trip(struct matter *back, const struct matter *m, char **text, size_t *len)
{
	char *again = NULL;
	size_t again_len = 0;
	struct sx_error err;
	int rc;

	if ((rc = canonical(text, len, m)) < 0)
		return rc;
	rc = matter_json_parse(back, *text, *len, &err);
	if (rc < 0) {
		/* Canonical text is the format itself: only memory may fail here. */
		check(rc == SX_ENOMEM);
		return rc;
	}
	if ((rc = canonical(&again, &again_len, back)) < 0)
		return rc;
	check(again_len == *len && memcmp(again, *text, *len) == 0);
	sx_free(again);
	return 0;
}

static void check_lines(const struct matter *m, const struct matter *back)
{
	char **lines = NULL, **back_lines = NULL;
	size_t count = 0, back_count = 0;

	if (matter_lines(&lines, &count, m) < 0 || matter_lines(&back_lines, &back_count, back) < 0)
		goto cleanup; /* out of memory: a valid matter has no other failure */
	check(count >= 1 && lines != NULL && back_count == count);
	for (size_t i = 0; i < count; i++) {
		check(lines[i] != NULL && lines[i][0] != '\0');
		check(codec_is_valid_utf8(lines[i], strlen(lines[i])));
		check(strcmp(lines[i], back_lines[i]) == 0);
	}
cleanup:
	matter_lines_free(lines, count);
	matter_lines_free(back_lines, back_count);
}

/* One side of a diff against nothing: one entry of kind, every line op. */
static void check_diff_alone(const struct matter *m, bool added)
{
	struct listdiff d;
	size_t line_count = 0;
	char **lines = NULL;
	int rc;

	rc = added ? listdiff_compute(&d, NULL, 0, m, 1) : listdiff_compute(&d, m, 1, NULL, 0);
	if (rc < 0)
		return;
	check(d.count == 1 && d.entries != NULL);
	check(d.entries[0].kind == (added ? LISTDIFF_ADDED : LISTDIFF_REMOVED));
	check(d.added == (added ? 1u : 0u) && d.removed == (added ? 0u : 1u) && d.changed == 0);
	check(strcmp(d.entries[0].code, m->code) == 0 && strcmp(d.entries[0].name, m->name) == 0);
	if (matter_lines(&lines, &line_count, m) == 0)
		check(d.entries[0].line_count == line_count);
	for (size_t i = 0; i < d.entries[0].line_count; i++) {
		const struct listdiff_line *l = &d.entries[0].lines[i];

		check(l->op == (added ? '+' : '-'));
		check(l->text != NULL && codec_is_valid_utf8(l->text, strlen(l->text)));
		check(i >= line_count || strcmp(l->text, lines[i]) == 0);
	}
	matter_lines_free(lines, line_count);
	listdiff_free(&d);
}

static void check_diff(const struct matter *m, const struct matter *back)
{
	struct listdiff d;

	if (listdiff_compute(&d, m, 1, back, 1) == 0) {
		check(d.count == 0 && d.added == 0 && d.removed == 0 && d.changed == 0);
		listdiff_free(&d);
	}
	check_diff_alone(m, true);
	check_diff_alone(m, false);
}

static void check_copy(const struct matter *m, const char *text, size_t len)
{
	struct matter copy;
	char *copy_text = NULL;
	size_t copy_len = 0;

	if (matter_copy(&copy, m) < 0)
		return;
	if (canonical(&copy_text, &copy_len, &copy) == 0)
		check(copy_len == len && memcmp(copy_text, text, len) == 0);
	sx_free(copy_text);
	matter_clear(&copy);
}

/* The 办理流程图 of a valid matter always draws: its steps are what flowchart_svg accepts. */
static void check_flowchart(const struct matter *m)
{
	struct flowchart_step steps[MATTER_MAX_STEPS];
	struct buf svg;
	int rc;

	check(m->step_count >= 1 && m->step_count <= MATTER_MAX_STEPS);
	for (size_t i = 0; i < m->step_count; i++) {
		steps[i].title = m->steps[i].title;
		steps[i].detail = m->steps[i].detail;
		steps[i].days = m->steps[i].days;
	}
	buf_init(&svg, FLOWCHART_BUF_BYTES);
	rc = flowchart_svg(&svg, m->name, steps, m->step_count);
	check(rc == 0 || rc == SX_ENOMEM);
	if (rc == 0)
		check(svg.len > 0 && codec_is_valid_utf8(svg.data, svg.len));
	buf_free(&svg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matter m, back;
	struct sx_error err;
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(&back, 0, sizeof(back));
	sx_error_clear(&err);
	rc = matter_json_parse(&m, (const char *)data, size, &err);
	if (rc < 0) {
		check_err(&err, rc);
		goto cleanup;
	}
	check(rc == 0);
	check(m.act_type >= MATTER_ACT_LICENSE && m.act_type <= MATTER_ACT_OTHER);
	if (check_round_trip(&back, &m, &text, &len) < 0)
		goto cleanup;
	rc = matter_validate(&m, &err);
	if (rc < 0) {
		check(rc == SX_EINVALID && err.rc == rc && err.code[0] != '\0');
		check(codec_is_valid_utf8(err.message, strlen(err.message)));
		/* The copy read back is the same matter: the same verdict. */
		check(matter_validate(&back, &err) == rc);
		goto cleanup;
	}
	check(rc == 0 && matter_validate(&back, &err) == 0);
	check_lines(&m, &back);
	check_diff(&m, &back);
	check_copy(&m, text, len);
	check_flowchart(&m);
cleanup:
	sx_free(text);
	matter_clear(&back);
	matter_clear(&m);
	return 0;
}
