/*
 * fuzz/fuzz_redact — libFuzzer target for domain/redact: the redaction of
 * texts that the public decision portal (事后公开) publishes, whose input is
 * whatever staff typed or imported into a 决定书.
 *
 * Input layout: the whole input is the text. Fixed options: a natural person
 * as party (张三), two other names, a minor (王小红), a keep token; and, in a
 * second pass, one manual mark whose offsets come from the first two bytes.
 * A third pass fails an allocation picked by the first byte.
 *
 * Besides ASan/UBSan findings it aborts when a promise of redact.h is
 * broken: SX_EINVALID exactly for text that is not UTF-8 (SX_ETOOBIG above
 * 1 MiB); redact_find's spans sorted, non-overlapping, non-empty, inside the
 * text, on character boundaries, of a known kind; redact_apply gives UTF-8,
 * redact_check of it is 0, applying again gives the same bytes, and a text
 * without findings comes back unchanged; redact_check agrees with
 * redact_find (without marks); under a failing allocation only SX_ENOMEM.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_redact.c
 *   src/domain/redact.c src/domain/idcheck.c src/base/buf.c src/base/codec.c
 *   src/base/mem.c src/base/error.c
 * Seeds: fuzz/corpus/redact/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"李四", "欧阳小明"};
static const char *const minors[] = {"王小红"};
static const char *const keep[] = {"15000012345"};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool is_boundary(const char *t, size_t len, size_t i)
{
	return i == len || ((unsigned char)t[i] & 0xC0) != 0x80;
}

static void check_spans(const struct redact_span *s, size_t count, const char *t, size_t len)
{
	for (size_t k = 0; k < count; k++) {
		check(s[k].start < s[k].end && s[k].end <= len);
		check(is_boundary(t, len, s[k].start) && is_boundary(t, len, s[k].end));
		check(redact_kind_code(s[k].kind) != NULL);
		check(k == 0 || s[k - 1].end <= s[k].start);
	}
}

/* One full round of promises with opt; returns early on an allowed error. */
static void run(const char *t, size_t len, const struct redact_options *opt, bool valid)
{
	struct redact_span *spans = NULL, first;
	struct sx_error err = {0};
	size_t count = 0, out_len = 0, again_len = 0;
	char *out = NULL, *again = NULL;
	struct redact_options no_marks = *opt;
	int rc;

	no_marks.manual = NULL;
	no_marks.manual_count = 0;
	rc = redact_find(&spans, &count, t, len, opt, &err);
	if (!valid) {
		check(rc == SX_EINVALID && spans == NULL && count == 0);
		return;
	}
	check(rc == 0 || rc == SX_EINVALID); /* EINVALID only for a mark off the text */
	if (rc < 0)
		return;
	check_spans(spans, count, t, len);
	sx_free(spans);

	rc = redact_apply(&out, &out_len, t, len, opt, &err);
	check(rc == 0);
	check(out != NULL && out[out_len] == '\0' && codec_is_valid_utf8(out, out_len));
	check(redact_check(NULL, out, out_len, &no_marks, &err) == 0);
	check(redact_apply(&again, &again_len, out, out_len, &no_marks, &err) == 0);
	check(again_len == out_len && memcmp(again, out, out_len) == 0);
	if (opt->manual_count == 0 && redact_find(&spans, &count, t, len, opt, &err) == 0) {
		rc = redact_check(&first, t, len, opt, &err);
		check(count == 0 ? rc == 0 : (rc == SX_ECONFLICT && first.start == spans[0].start &&
						 first.end == spans[0].end));
		if (count == 0)
			check(out_len == len && memcmp(out, t, len) == 0);
		sx_free(spans);
	}
	sx_free(out);
	sx_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	bool valid = codec_is_valid_utf8(t, size);
	struct redact_options opt = {
		.party_name = "张三",
		.party_is_person = true,
		.names = names,
		.name_count = 2,
		.minor_names = minors,
		.minor_name_count = 1,
		.keep = keep,
		.keep_count = 1,
	};
	struct redact_span mark;
	struct redact_span *spans = NULL;
	size_t count = 0;
	char *out = NULL;
	int rc;

	if (size > REDACT_MAX_TEXT_BYTES) {
		check(redact_find(&spans, &count, t, size, &opt, NULL) == SX_ETOOBIG);
		return 0;
	}
	run(t, size, &opt, valid);
	if (size >= 2) {
		size_t a = data[0] % size, b = data[1] % (size + 1);

		mark = (struct redact_span){a < b ? a : b, a < b ? b : a, REDACT_MANUAL};
		opt.manual = &mark;
		opt.manual_count = 1;
		run(t, size, &opt, valid);
		opt.manual = NULL;
		opt.manual_count = 0;
	}
	sx_mem_fail_after(size > 0 ? data[0] % 16 : 0);
	rc = redact_apply(&out, &count, t, size, &opt, NULL);
	sx_mem_fail_after(-1);
	check(rc == 0 || rc == SX_ENOMEM || (!valid && rc == SX_EINVALID));
	check(rc == 0 || out == NULL);
	sx_free(out);
	return 0;
}
