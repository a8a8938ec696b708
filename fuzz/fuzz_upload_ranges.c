/*
 * fuzz/fuzz_upload_ranges — libFuzzer target for the two header parsers of
 * evidence transfer (http/evidence_api): Content-Range of a resumable upload
 * ("bytes START-END/TOTAL", which decides where a phone's bytes land in a
 * file) and Range of a download ("bytes=a-b", "bytes=a-", "bytes=-n", which
 * decides what part of a file is sent). Both read outside headers verbatim.
 *
 * Input: the first byte picks the file size for Range (a few boundary sizes
 * and one from the input), the rest is the header text. Promises checked:
 * a Content-Range accepted has START ≤ END < TOTAL, and printing the numbers
 * back parses to the same numbers; a Range answer of PART lies inside the
 * file (first ≤ last < size); the same value parsed twice gives the same
 * answer. A broken promise aborts.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_upload_ranges.c
 *   (links with sanxiang_core, as the replay build does)
 * Seeds: fuzz/corpus/upload_ranges/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "http/evidence_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[] = {0, 1, 2, 10, 4096, UINT64_C(4) << 30, UINT64_MAX};
	uint64_t start, end, total, first = 0, last = 0, first2 = 0, last2 = 0, file_size;
	enum evidence_range_kind kind, again;
	char *text;

	if (size == 0)
		return 0;
	file_size = data[0] < sizeof(sizes) / sizeof(sizes[0]) * 16
			    ? sizes[data[0] % (sizeof(sizes) / sizeof(sizes[0]))]
			    : (uint64_t)data[0] * 977;
	if (!(text = sx_malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	if (evidence_api_parse_content_range(&start, &end, &total, text, size - 1) == 0) {
		char back[96];
		uint64_t s2, e2, t2;
		int n;

		check(start <= end && end < total);
		n = snprintf(back, sizeof(back), "bytes %llu-%llu/%llu", (unsigned long long)start,
			     (unsigned long long)end, (unsigned long long)total);
		check(n > 0 && (size_t)n < sizeof(back));
		check(evidence_api_parse_content_range(&s2, &e2, &t2, back, (size_t)n) == 0);
		check(s2 == start && e2 == end && t2 == total);
	}

	/* Range reads a NUL-terminated header value: cut at the first NUL. */
	kind = evidence_api_parse_range(&first, &last, text, file_size);
	again = evidence_api_parse_range(&first2, &last2, text, file_size);
	check(kind == again);
	check(kind == EVIDENCE_RANGE_WHOLE || kind == EVIDENCE_RANGE_PART ||
	      kind == EVIDENCE_RANGE_UNSATISFIABLE);
	if (kind == EVIDENCE_RANGE_PART) {
		check(first <= last && last < file_size);
		check(first == first2 && last == last2);
	}
	sx_free(text);
	return 0;
}
