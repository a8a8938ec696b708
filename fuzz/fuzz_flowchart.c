/*
 * fuzz/fuzz_flowchart — libFuzzer target for flowchart_svg (report/flowchart):
 * the 办理流程图 drawn from a matter's steps, whose titles and details are
 * text an agency typed (or imported) and that the public pages show inline.
 *
 * Input layout: one step per line ('\n'), "title|detail|days". A missing
 * detail is NULL, a missing days is 0; in the detail the two characters
 * "\n" stand for a line break (a real one would end the step). days is an
 * optional '-' and decimal digits, clamped to INT_MIN..INT_MAX; anything
 * after the digits is ignored. A line starting with '#' is not a step: the
 * rest of it is the chart's title (the last such line wins; none gives
 * NULL). Each text ends at an embedded NUL, as a C string does. Up to
 * FLOWCHART_MAX_STEPS + 1 steps are passed, so that the limit is reached.
 *
 * Besides ASan/UBSan findings it aborts when a promise of flowchart.h is
 * broken: SX_EINVALID exactly for 0 or too many steps, text that is not
 * UTF-8 or a negative limit; otherwise 0 with one SVG document, valid UTF-8
 * (codec_is_valid_utf8), from "<svg" to "</svg>\n", with one box (<rect>)
 * per step, no control characters but '\n', no U+FFFE or U+FFFF (XML 1.0
 * §2.2), every '&' starting one of the five entities the escaper writes, as
 * many '>' as '<' (text never holds either unescaped), and at most 2 title
 * lines, a limit line and FLOWCHART_MAX_DETAIL_LINES detail lines per box.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_flowchart.c
 *   src/report/flowchart.c src/base/buf.c src/base/codec.c src/base/mem.c
 *   src/base/error.c
 * Seeds: fuzz/corpus/flowchart/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "report/flowchart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS_PASSED (FLOWCHART_MAX_STEPS + 1)
/* Far above any chart of 31 boxes of at most 7 short lines. */
#define SVG_MAX_BYTES ((size_t)4 * 1024 * 1024)
/* Text lines a box may hold: title lines, the limit line, detail lines. */
#define BOX_MAX_TEXT_LINES (2 + 1 + FLOWCHART_MAX_DETAIL_LINES)

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

/* s[0..len) as an sx_malloc'd C string, cut at an embedded NUL; "\n" unescaped when asked. */
static char *text_dup(const char *s, size_t len, bool unescape)
{
	char *out = sx_malloc(len + 1);
	size_t n = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len && s[i] != '\0'; i++) {
		if (unescape && s[i] == '\\' && i + 1 < len && s[i + 1] == 'n') {
			out[n++] = '\n';
			i++;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

static int days_parse(const char *s, size_t len)
{
	bool negative = len > 0 && s[0] == '-';
	long long value = 0;

	for (size_t i = negative ? 1 : 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		value = value * 10 + (s[i] - '0');
		if (value > (long long)INT_MAX + 1)
			value = (long long)INT_MAX + 1;
	}
	if (negative)
		return value > (long long)INT_MAX ? INT_MIN : (int)-value;
	return value > INT_MAX ? INT_MAX : (int)value;
}

/* Fills step from one line "title|detail|days". Returns 0 or SX_ENOMEM. */
static int step_parse(struct flowchart_step *step, char **owned, const char *line, size_t len)
{
	const char *bar = memchr(line, '|', len);
	size_t title_len = bar != NULL ? (size_t)(bar - line) : len;
	const char *rest = bar != NULL ? bar + 1 : NULL;
	size_t rest_len = bar != NULL ? len - title_len - 1 : 0;

	step->detail = NULL;
	step->days = 0;
	if ((owned[0] = text_dup(line, title_len, false)) == NULL)
		return SX_ENOMEM;
	step->title = owned[0];
	if (rest != NULL) {
		const char *bar2 = memchr(rest, '|', rest_len);
		size_t detail_len = bar2 != NULL ? (size_t)(bar2 - rest) : rest_len;

		if ((owned[1] = text_dup(rest, detail_len, true)) == NULL)
			return SX_ENOMEM;
		step->detail = owned[1];
		if (bar2 != NULL)
			step->days = days_parse(bar2 + 1, rest_len - detail_len - 1);
	}
	return 0;
}

static size_t count_of(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), count = 0;

	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(s + i, needle, n) == 0)
			count++;
	}
	return count;
}

static void check_svg(const struct buf *svg, size_t step_count)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	static const char tail[] = "</svg>\n";
	const char *s = svg->data;
	size_t len = svg->len, opens = 0, closes = 0;
	size_t text_elements;

	check(s != NULL && len > sizeof(tail));
	check(codec_is_valid_utf8(s, len));
	check(memcmp(s, "<svg ", 5) == 0 &&
	      memcmp(s + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0);
	check(memchr(s, '\0', len) == NULL);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		check(c >= 0x20 || c == '\n');
		if (c == '<')
			opens++;
		else if (c == '>')
			closes++;
		else if (c == '&') {
			bool known = false;

			for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
				size_t n = strlen(entities[k]);

				if (len - i >= n && memcmp(s + i, entities[k], n) == 0)
					known = true;
			}
			check(known);
		}
	}
	/* U+FFFE and U+FFFF are not XML characters. */
	check(count_of(s, len, "\xef\xbf\xbe") == 0 && count_of(s, len, "\xef\xbf\xbf") == 0);
	/* Text never holds '<' or '>': they are escaped, so each one is a tag's. */
	check(opens == closes);
	check(count_of(s, len, "<rect ") == step_count);
	check(count_of(s, len, "<svg ") == 1 && count_of(s, len, "</svg>") == 1);
	text_elements = count_of(s, len, "<text ");
	/* Two ellipses with a label each, then the boxes. */
	check(text_elements >= 2 + step_count &&
	      text_elements <= 2 + BOX_MAX_TEXT_LINES * step_count);
	check(count_of(s, len, "</text>") == text_elements);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct flowchart_step steps[MAX_STEPS_PASSED];
	char *owned[2 * MAX_STEPS_PASSED + 1];
	const char *title = NULL;
	bool expect_valid = true;
	size_t count = 0, pos = 0;
	struct buf svg;
	int rc;

	memset(owned, 0, sizeof(owned));
	buf_init(&svg, SVG_MAX_BYTES);
	while (pos < size && count < MAX_STEPS_PASSED) {
		const char *nl = memchr(in + pos, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - (in + pos)) : size - pos;

		if (len > 0 && in[pos] == '#') {
			sx_free(owned[2 * MAX_STEPS_PASSED]);
			owned[2 * MAX_STEPS_PASSED] = text_dup(in + pos + 1, len - 1, false);
			if (owned[2 * MAX_STEPS_PASSED] == NULL)
				goto cleanup;
			title = owned[2 * MAX_STEPS_PASSED];
		} else {
			if (step_parse(&steps[count], &owned[2 * count], in + pos, len) < 0)
				goto cleanup;
			count++;
		}
		pos += len + 1;
	}

	if (count == 0 || count > FLOWCHART_MAX_STEPS)
		expect_valid = false;
	if (title != NULL && !codec_is_valid_utf8(title, strlen(title)))
		expect_valid = false;
	for (size_t i = 0; i < count; i++) {
		const struct flowchart_step *st = &steps[i];

		if (!codec_is_valid_utf8(st->title, strlen(st->title)) ||
		    (st->detail != NULL && !codec_is_valid_utf8(st->detail, strlen(st->detail))) ||
		    st->days < 0)
			expect_valid = false;
	}

	rc = flowchart_svg(&svg, title, count > 0 ? steps : NULL, count);
	if (!expect_valid) {
		check(rc == SX_EINVALID);
		goto cleanup;
	}
	/* Nothing else is refused; memory may run out. */
	check(rc == 0 || rc == SX_ENOMEM);
	if (rc == 0)
		check_svg(&svg, count);
cleanup:
	buf_free(&svg);
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		sx_free(owned[i]);
	return 0;
}
