/*
 * fuzz/fuzz_doctemplate_values — libFuzzer target for the values of a
 * document an officer fills in (service/doctemplates values JSON, checked by
 * domain/doctemplate against every shipped template and rendered): the body of
 * POST /api/v1/cases/:id/records, outside text that ends up in a case file,
 * its hash and its PDF.
 *
 * Each input is parsed whole. On error err carries the returned code with a
 * zh-CN UTF-8 message. Parsed values must write canonical JSON that reads back
 * to the same canonical bytes (the record's hash depends on it). Then, for
 * every template, the values are checked (a copy: checking normalizes in
 * place); values a template accepts must render into a document whose every
 * string is valid UTF-8 and whose plain text can be made. A broken promise
 * aborts. Out of memory is never a finding.
 *
 * The templates are loaded once per process (the one static below: a fuzz
 * harness, not product code) because loading them per input would dominate.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Ibuild/generated
 *   fuzz/fuzz_doctemplate_values.c src/service/doctemplates.c src/domain/doctemplate.c
 *   src/base/{buf,codec,mem,error,embedded}.c build/generated/embedded_assets.c -ljansson
 * Seeds: fuzz/corpus/doctemplate_values/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/doctemplate.h"
#include "service/doctemplates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool utf8(const char *s)
{
	return s && codec_is_valid_utf8(s, strlen(s));
}

static int copy_values(struct doctemplate_values *out, const struct doctemplate_values *v)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < v->count; i++)
		if ((rc = doctemplate_values_set(out, v->items[i].name, v->items[i].value)) < 0)
			return rc;
	return 0;
}

static void try_template(const struct doctemplate *t, const struct doctemplate_values *v)
{
	struct doctemplate_values mine;
	struct doctemplate_context ctx = {"示例市市场监督管理局", "示市监案〔2026〕1号",
					  "示市监罚决〔2026〕1号", "示例公司", "91330100MA2B3C4D5X",
					  "张明（执法证号 33010020260001）", "2026年12月6日"};
	struct docblock_doc doc;
	struct sx_error err;
	char bad[33];
	char *text = NULL;
	size_t len = 0, i;

	if (copy_values(&mine, v) < 0)
		goto done;
	if (doctemplate_check_values(bad, t, &mine, &err) < 0) {
		check(err.rc < 0 && utf8(err.message));
		goto done;
	}
	memset(&doc, 0, sizeof(doc));
	if (doctemplate_render(&doc, t, &mine, &ctx, &err) == 0) {
		check(utf8(doc.title) && utf8(doc.doc_no) && utf8(doc.agency_name));
		for (i = 0; i < doc.block_count; i++)
			check(utf8(doc.blocks[i].label) && utf8(doc.blocks[i].text));
		if (docblock_doc_text(&text, &len, &doc) == 0)
			check(codec_is_valid_utf8(text, len));
		sx_free(text);
	}
	docblock_doc_clear(&doc);
done:
	doctemplate_values_clear(&mine);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct doctemplates *templates;
	struct doctemplate_values v, again;
	struct sx_error err;
	char *json = NULL, *json2 = NULL;
	size_t i;

	if (!templates && doctemplates_load(&templates, &err) < 0)
		abort(); /* the shipped templates must load */
	memset(&v, 0, sizeof(v));
	memset(&again, 0, sizeof(again));
	if (doctemplates_values_from_json(&v, (const char *)data, size, &err) < 0) {
		check(err.rc < 0 && utf8(err.message));
		return 0;
	}
	if (doctemplates_values_to_json(&json, &v, &err) == 0) {
		if (doctemplates_values_from_json(&again, json, strlen(json), &err) == 0 &&
		    doctemplates_values_to_json(&json2, &again, &err) == 0)
			check(strcmp(json, json2) == 0);
	}
	for (i = 0; i < doctemplates_count(templates); i++)
		try_template(doctemplates_at(templates, i), &v);
	sx_free(json);
	sx_free(json2);
	doctemplate_values_clear(&v);
	doctemplate_values_clear(&again);
	return 0;
}
