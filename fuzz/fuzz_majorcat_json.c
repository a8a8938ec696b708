/*
 * fuzz/fuzz_majorcat_json — libFuzzer target for majorcat_json_parse
 * (service/majorcat_json): the catalog of major enforcement decisions
 * (重大执法决定法制审核目录清单) as an agency's staff send it and the store
 * keeps it, so outside text that decides which decisions need 法制审核
 * (《行政处罚法》第五十八条).
 *
 * Each input is parsed twice: once normally, once with an allocation failing
 * (the first byte picks which). On error the catalog must be left empty and
 * err must carry the returned code (SX_EINVALID, SX_ETOOBIG or SX_ENOMEM)
 * with a non-empty zh-CN UTF-8 message. A catalog that reads is valid
 * (majorcat_validate), writes canonical text that reads back to the same
 * catalog (byte-compared: both are zeroed before being filled) and to the same
 * bytes, and judges a few fixed cases exactly as its copy does. A mismatch
 * aborts: these are invariants, not hopes. Out of memory is never a finding.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_majorcat_json.c
 *   src/service/majorcat_json.c src/domain/majorcat.c src/domain/casefile.c
 *   src/base/codec.c src/base/time.c src/base/mem.c src/base/error.c -ljansson
 * Seeds: fuzz/corpus/majorcat_json/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/majorcat.h"
#include "service/majorcat_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_err(const struct sx_error *err, int rc)
{
	check(rc == SX_EINVALID || rc == SX_ETOOBIG || rc == SX_ENOMEM);
	check(err->rc == rc && err->code[0] != '\0' && err->message[0] != '\0');
	check(memchr(err->code, '\0', sizeof(err->code)) != NULL);
	check(memchr(err->message, '\0', sizeof(err->message)) != NULL);
	check(codec_is_valid_utf8(err->message, strlen(err->message)));
}

static void check_empty(const struct majorcat *c)
{
	check(c->rules == NULL && c->count == 0);
}

static void check_same(const struct majorcat *a, const struct majorcat *b)
{
	check(a->count == b->count);
	if (a->count > 0)
		check(memcmp(a->rules, b->rules, a->count * sizeof(*a->rules)) == 0);
}

/* The same verdict for a few cases from both copies: rules that match the same way. */
static void check_matches(const struct majorcat *c, const struct majorcat *back)
{
	static const struct majorcat_case cases[] = {
		{ .kind = "penalty", .procedure = "general", .party_type = "organization",
		  .acts_mask = MAJORCAT_ACT_BIT(MAJORCAT_ACT_FINE), .fine_fen = 10000000 },
		{ .kind = "penalty", .procedure = "general", .party_type = "person",
		  .matter_code = "CF-001", .acts_mask = MAJORCAT_ACTS_KNOWN, .fine_fen = 1,
		  .confiscation_fen = 5000000, .hearing_held = true },
		{ .kind = "inspection", .procedure = "general", .public_interest = true,
		  .complex = true, .multi_agency = true, .matter_code = "JC-001" },
		{ .kind = "coercion", .procedure = "general", .coercion_value_fen = 10000000 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct majorcat_match a, b;
		struct sx_error err;

		check(majorcat_match(&a, c, &cases[i], &err) == 0);
		check(majorcat_match(&b, back, &cases[i], &err) == 0);
		check(a.major == b.major && a.rule_count == b.rule_count);
		check(memcmp(a.rule_index, b.rule_index,
			     a.rule_count * sizeof(a.rule_index[0])) == 0);
		check(strcmp(a.reasons, b.reasons) == 0);
		check(codec_is_valid_utf8(a.reasons, strlen(a.reasons)));
		check(a.major == (a.rule_count > 0));
	}
}

/* canonical(c) reads back to c and writes the same bytes again. */
static void check_round_trip(const struct majorcat *c)
{
	struct majorcat back = { 0 };
	char *text = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	struct sx_error err;
	int rc;

	rc = majorcat_json_canonical(&text, &len, c, &err);
	if (rc < 0) {
		check(rc == SX_ENOMEM && text == NULL && len == 0);
		return;
	}
	check(text != NULL && len > 0 && text[len] == '\0' && strlen(text) == len);
	check(codec_is_valid_utf8(text, len));
	rc = majorcat_json_parse(&back, text, len, &err);
	if (rc < 0) {
		/* Canonical text is the format itself: only memory may fail here. */
		check(rc == SX_ENOMEM);
		check_empty(&back);
		goto cleanup;
	}
	check_same(c, &back);
	rc = majorcat_json_canonical(&again, &again_len, &back, &err);
	if (rc == 0)
		check(again_len == len && memcmp(again, text, len) == 0);
	check_matches(c, &back);
cleanup:
	sx_free(again);
	sx_free(text);
	majorcat_clear(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct majorcat c;
	struct sx_error err;
	int rc;

	/* Normal pass. */
	memset(&c, 0xa5, sizeof(c));
	sx_error_clear(&err);
	rc = majorcat_json_parse(&c, (const char *)data, size, &err);
	if (rc < 0) {
		check_err(&err, rc);
		check_empty(&c);
	} else {
		check(rc == 0 && c.count <= MAJORCAT_MAX_RULES);
		check(majorcat_validate(&c, &err) == 0);
		check_round_trip(&c);
	}
	majorcat_clear(&c);

	/* The same input with one allocation failing: an error or the same verdict. */
	memset(&c, 0xa5, sizeof(c));
	sx_error_clear(&err);
	sx_mem_fail_after(size > 0 ? data[0] % 4 : 0);
	rc = majorcat_json_parse(&c, (const char *)data, size, &err);
	sx_mem_fail_after(-1);
	if (rc < 0) {
		check_err(&err, rc);
		check_empty(&c);
	} else {
		check(majorcat_validate(&c, &err) == 0);
	}
	majorcat_clear(&c);
	return 0;
}
