/*
 * Unit tests for service/majorcat_json: the catalog of major enforcement
 * decisions (重大执法决定法制审核目录清单, 《行政处罚法》第五十八条) to and from
 * JSON.
 *
 * Round trips: the default catalog, an empty one and one with each of the ten
 * rule kinds read back to the same catalog and write the same bytes; one
 * small catalog is compared with its exact canonical text. Then each class of
 * malformed input, table-driven, with its code and a message naming the rule
 * and the field; the domain's own codes for rules that are well formed but
 * wrong; the size limit at its boundary; and every allocation failing in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/majorcat.h"
#include "service/majorcat_json.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(act) MAJORCAT_ACT_BIT(MAJORCAT_ACT_##act)

/* The fields of a well-formed FINE_AT_LEAST rule, to build inputs from. */
#define F_ID "\"id\":\"r2\""
#define F_TITLE "\"title\":\"对单位处以十万元以上罚款\""
#define F_KIND "\"kind\":\"fine_at_least\""
#define F_ACTS "\"acts\":[]"
#define F_THRESHOLD "\"threshold_fen\":10000000"
#define F_PARTY "\"party_type\":\"organization\""
#define F_CODES "\"matter_codes\":[]"
#define F_BASIS "\"basis\":\"《行政处罚法》第五十八条第一款第四项\""
#define RULE_1                                                                                     \
	"{\"id\":\"r1\",\"title\":\"涉及重大公共利益的\",\"kind\":\"public_interest\","          \
	"\"acts\":[],\"threshold_fen\":0,\"party_type\":\"\",\"matter_codes\":[],"               \
	"\"basis\":\"《行政处罚法》第五十八条第一款第一项\"}"
/* A catalog whose second rule has the given fields. */
#define WITH_RULE_2(fields) "{\"rules\":[" RULE_1 ",{" fields "}]}"

static void set_field(char *field, size_t size, const char *text)
{
	snprintf(field, size, "%s", text);
}

static struct majorcat_rule *new_rules(size_t count)
{
	struct majorcat_rule *rules = sx_calloc(count, sizeof(*rules));

	assert_non_null(rules);
	return rules;
}

static void fill_rule(struct majorcat_rule *r, const char *id, enum majorcat_rule_kind kind,
		      const char *party_type)
{
	set_field(r->id, sizeof(r->id), id);
	snprintf(r->title, sizeof(r->title), "规则 %s 的名称", id);
	r->kind = kind;
	set_field(r->party_type, sizeof(r->party_type), party_type);
	snprintf(r->basis, sizeof(r->basis), "《行政处罚法》第五十八条（%s）", id);
}

static void assert_catalogs_equal(const struct majorcat *a, const struct majorcat *b)
{
	assert_int_equal(a->count, b->count);
	if (a->count == 0) {
		assert_null(a->rules);
		assert_null(b->rules);
		return;
	}
	/* Both zeroed before their fields were written: padding compares too. */
	assert_memory_equal(a->rules, b->rules, a->count * sizeof(*a->rules));
}

/* canonical(c) reads back to c and writes the same bytes; returns the text (sx_free). */
static char *assert_round_trip(const struct majorcat *c)
{
	struct majorcat back = { 0 };
	struct sx_error err = { 0 };
	char *text = NULL, *again = NULL;
	size_t len = 0, again_len = 0;

	assert_int_equal(majorcat_json_canonical(&text, &len, c, &err), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_true(codec_is_valid_utf8(text, len));
	assert_int_equal(majorcat_json_parse(&back, text, len, &err), 0);
	assert_catalogs_equal(c, &back);
	assert_int_equal(majorcat_json_canonical(&again, &again_len, &back, &err), 0);
	assert_int_equal(again_len, len);
	assert_memory_equal(again, text, len);
	sx_free(again);
	majorcat_clear(&back);
	return text;
}

/* ---- round trips -------------------------------------------------------------------------- */

static void test_the_default_catalog_round_trips_byte_exactly(void **state)
{
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };
	char *text;

	(void)state;
	assert_int_equal(majorcat_default(&c, &err), 0);
	text = assert_round_trip(&c);
	/* Keys sorted, acts in enum order (第九条's order), no spaces between tokens. */
	assert_non_null(strstr(text, "{\"rules\":[{\"acts\":[\"revoke_license\","
				     "\"lower_qualification\",\"order_suspend\",\"order_close\","
				     "\"restrict_employment\",\"detention\"],"
				     "\"basis\":\"《行政处罚法》第九条"));
	assert_non_null(strstr(text, "\"id\":\"fine-person\",\"kind\":\"fine_at_least\","
				     "\"matter_codes\":[],\"party_type\":\"person\","
				     "\"threshold_fen\":1000000,"
				     "\"title\":\"对个人处以一万元以上罚款\"}"));
	assert_null(strstr(text, "\n"));
	assert_null(strstr(text, "\": "));
	sx_free(text);
	majorcat_clear(&c);
}

static void test_an_empty_catalog_is_an_empty_rules_array_and_reads_back_empty(void **state)
{
	struct majorcat c = { 0 }, back = { 0 };
	struct sx_error err = { 0 };
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(majorcat_json_canonical(&text, &len, &c, &err), 0);
	assert_string_equal(text, "{\"rules\":[]}");
	assert_int_equal(len, strlen("{\"rules\":[]}"));
	memset(&back, 0x5a, sizeof(back));
	assert_int_equal(majorcat_json_parse(&back, text, len, &err), 0);
	assert_null(back.rules);
	assert_int_equal(back.count, 0);
	sx_free(text);
	/* len may be NULL. */
	assert_int_equal(majorcat_json_canonical(&text, NULL, &c, &err), 0);
	assert_string_equal(text, "{\"rules\":[]}");
	sx_free(text);
}

static void test_a_catalog_with_each_of_the_ten_kinds_round_trips(void **state)
{
	struct majorcat c = { .rules = new_rules(MAJORCAT_RULE_KIND_COUNT),
			      .count = MAJORCAT_RULE_KIND_COUNT };
	struct majorcat_rule *r;
	struct sx_error err = { 0 };
	char *text;

	(void)state;
	for (int kind = 1; kind <= MAJORCAT_RULE_KIND_COUNT; kind++) {
		char id[16];

		r = &c.rules[kind - 1];
		snprintf(id, sizeof(id), "kind.%d", kind);
		fill_rule(r, id, (enum majorcat_rule_kind)kind, kind % 2 == 0 ? "person" : "");
		if (kind == MAJORCAT_ACT_KIND)
			r->acts_mask = MAJORCAT_ACTS_KNOWN; /* every act, first and last included */
		if (kind == MAJORCAT_FINE_AT_LEAST)
			r->threshold_fen = MAJORCAT_MAX_FEN;
		if (kind == MAJORCAT_CONFISCATION_AT_LEAST)
			r->threshold_fen = 1;
		if (kind == MAJORCAT_COERCION_AT_LEAST)
			r->threshold_fen = 10000000;
		if (kind == MAJORCAT_MATTER) {
			/* Stored order, not sorted. */
			set_field(r->matter_codes[0], MAJORCAT_CODE_SIZE, "ZZ-9");
			set_field(r->matter_codes[1], MAJORCAT_CODE_SIZE, "AA-1");
			set_field(r->matter_codes[2], MAJORCAT_CODE_SIZE,
				  "0123456789abcdef0123456789ABCDEF");
			r->matter_code_count = 3;
		}
	}
	set_field(c.rules[2].party_type, sizeof(c.rules[2].party_type), "organization");
	assert_int_equal(majorcat_validate(&c, &err), 0);
	text = assert_round_trip(&c);
	assert_non_null(strstr(text, "\"matter_codes\":[\"ZZ-9\",\"AA-1\","
				     "\"0123456789abcdef0123456789ABCDEF\"]"));
	assert_non_null(strstr(text, "\"acts\":[\"warning\",\"fine\",\"confiscate\","));
	assert_non_null(strstr(text, "\"restrict_employment\",\"detention\",\"other\"]"));
	assert_non_null(strstr(text, "\"threshold_fen\":100000000000000,"));
	sx_free(text);
	majorcat_clear(&c);
}

static void test_one_rule_writes_exactly_the_canonical_text(void **state)
{
	struct majorcat c = { .rules = new_rules(1), .count = 1 };
	struct sx_error err = { 0 };
	char *text = NULL;
	size_t len = 0;

	(void)state;
	set_field(c.rules[0].id, sizeof(c.rules[0].id), "m");
	set_field(c.rules[0].title, sizeof(c.rules[0].title), "食品安全 \"重大\" 事项");
	c.rules[0].kind = MAJORCAT_MATTER;
	set_field(c.rules[0].matter_codes[0], MAJORCAT_CODE_SIZE, "SP-002");
	set_field(c.rules[0].matter_codes[1], MAJORCAT_CODE_SIZE, "SP-001");
	c.rules[0].matter_code_count = 2;
	set_field(c.rules[0].basis, sizeof(c.rules[0].basis), "国办发〔2018〕118号");
	assert_int_equal(majorcat_json_canonical(&text, &len, &c, &err), 0);
	assert_string_equal(text, "{\"rules\":[{\"acts\":[],\"basis\":\"国办发〔2018〕118号\","
				  "\"id\":\"m\",\"kind\":\"matter\","
				  "\"matter_codes\":[\"SP-002\",\"SP-001\"],\"party_type\":\"\","
				  "\"threshold_fen\":0,"
				  "\"title\":\"食品安全 \\\"重大\\\" 事项\"}]}");
	sx_free(text);
	majorcat_clear(&c);
}

static void test_keys_in_any_order_acts_in_any_order_and_spaces_are_read(void **state)
{
	static const char text[] =
		"{ \"rules\" : [ { \"basis\": \"依据\", \"acts\": [\"detention\", \"warning\"],\n"
		"  \"threshold_fen\": 0, \"matter_codes\": [], \"party_type\": \"\",\n"
		"  \"kind\": \"act_kind\", \"title\": \"处罚种类\", \"id\": \"a\" } ] }\n";
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(majorcat_json_parse(&c, text, strlen(text), &err), 0);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.rules[0].kind, MAJORCAT_ACT_KIND);
	assert_int_equal(c.rules[0].acts_mask, BIT(WARNING) | BIT(DETENTION));
	assert_string_equal(c.rules[0].title, "处罚种类");
	majorcat_clear(&c);
}

static void test_text_is_read_up_to_len_without_a_terminating_nul(void **state)
{
	static const char text[] = "{\"rules\":[]}garbage that is not JSON";
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(majorcat_json_parse(&c, text, strlen("{\"rules\":[]}"), &err), 0);
	assert_int_equal(c.count, 0);
	assert_int_equal(majorcat_json_parse(&c, text, strlen(text), &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_json");
}

/* ---- malformed input ---------------------------------------------------------------------- */

struct bad_case {
	const char *what;
	const char *text;
	int rc;
	const char *code;
	const char *needle[2]; /* substrings of the message; NULL = none */
};

static const struct bad_case bad_cases[] = {
	{ "unknown key in a rule",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY "," F_CODES
			   "," F_BASIS ",\"extra\":1"),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "extra" } },
	{ "missing key",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY
			   "," F_CODES),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "basis" } },
	{ "missing empty array",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_THRESHOLD "," F_PARTY "," F_CODES
			   "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "acts" } },
	{ "title of the wrong type",
	  WITH_RULE_2(F_ID ",\"title\":5," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY "," F_CODES
			   "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "title" } },
	{ "null id",
	  WITH_RULE_2("\"id\":null," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY
		      "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "id" } },
	{ "acts not an array",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND ",\"acts\":\"fine\"," F_THRESHOLD "," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "acts" } },
	{ "unknown kind word",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"Fine_At_Least\"," F_ACTS "," F_THRESHOLD
			   "," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "kind" } },
	{ "kind as its number",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":3," F_ACTS "," F_THRESHOLD "," F_PARTY "," F_CODES
			   "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "kind" } },
	{ "unknown act word",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"act_kind\",\"acts\":[\"fine\",\"revoke\"],"
			   "\"threshold_fen\":0," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "acts 第 2 项" } },
	{ "act listed twice",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"act_kind\",\"acts\":[\"fine\",\"fine\"],"
			   "\"threshold_fen\":0," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "acts 第 2 项重复" } },
	{ "act not a string",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"act_kind\",\"acts\":[2],"
			   "\"threshold_fen\":0," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "acts 第 1 项" } },
	{ "negative threshold",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":-1," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "threshold one 分 over the limit",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":100000000000001,"
			   F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "threshold at the int64 limit",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS
			   ",\"threshold_fen\":9223372036854775807," F_PARTY "," F_CODES
			   "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "threshold beyond int64",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS
			   ",\"threshold_fen\":99999999999999999999," F_PARTY "," F_CODES
			   "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "超出范围", "threshold_fen" } },
	{ "threshold beyond a double",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":1e999," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "超出范围", NULL } },
	{ "float threshold",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":10000000.0,"
			   F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "threshold with an exponent",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":1e7," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "threshold as a string",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":\"10000000\","
			   F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "threshold_fen" } },
	{ "party type longer than its field",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD
			   ",\"party_type\":\"organization-xxx\"," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "party_type" } },
	{ "id longer than its field",
	  WITH_RULE_2("\"id\":\"0123456789abcdef0123456789abcdefX\"," F_TITLE "," F_KIND "," F_ACTS
		      "," F_THRESHOLD "," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "id" } },
	{ "matter code not a string",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"matter\"," F_ACTS ",\"threshold_fen\":0,"
			   F_PARTY ",\"matter_codes\":[\"A\",{}]," F_BASIS),
	  SX_EINVALID, "bad_catalog", { "第 2 条规则", "matter_codes 第 2 项" } },
	{ "rule not an object", "{\"rules\":[" RULE_1 ",\"r2\"]}", SX_EINVALID, "bad_catalog",
	  { "第 2 条规则", "对象" } },
	{ "catalog not an object", "[" RULE_1 "]", SX_EINVALID, "bad_catalog",
	  { "JSON 对象", "rules" } },
	{ "catalog a string", "\"rules\"", SX_EINVALID, "bad_catalog", { "JSON 对象", NULL } },
	{ "rules not an array", "{\"rules\":" RULE_1 "}", SX_EINVALID, "bad_catalog",
	  { "rules", "数组" } },
	{ "rules null", "{\"rules\":null}", SX_EINVALID, "bad_catalog", { "rules", "数组" } },
	{ "rules missing", "{}", SX_EINVALID, "bad_catalog", { "缺少", "rules" } },
	{ "unknown key beside rules", "{\"rules\":[],\"version\":1}", SX_EINVALID, "bad_catalog",
	  { "未知字段 version", NULL } },
	{ "bad JSON", "{\"rules\":[" RULE_1, SX_EINVALID, "bad_json", { "JSON", NULL } },
	{ "empty text", "", SX_EINVALID, "bad_json", { "JSON", NULL } },
	{ "duplicate key", "{\"rules\":[],\"rules\":[]}", SX_EINVALID, "bad_json",
	  { "JSON", NULL } },
	{ "NUL escaped in a title",
	  WITH_RULE_2(F_ID ",\"title\":\"a\\u0000b\"," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "bad_json", { "JSON", NULL } },
	/* Well formed, but the rules are wrong: majorcat_validate's codes. */
	{ "duplicate id",
	  "{\"rules\":[" RULE_1 "," RULE_1 "]}", SX_EINVALID, "majorcat_duplicate_id",
	  { "第 1 条与第 2 条规则编号重复", NULL } },
	{ "act kind without acts",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"act_kind\"," F_ACTS ",\"threshold_fen\":0,"
			   F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_acts", { "第 2 条规则", NULL } },
	{ "acts on a kind that has none",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND ",\"acts\":[\"fine\"]," F_THRESHOLD "," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_acts", { "第 2 条规则", NULL } },
	{ "amount kind with a zero threshold",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS ",\"threshold_fen\":0," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_threshold", { "第 2 条规则", NULL } },
	{ "unknown party type that fits its field",
	  WITH_RULE_2(F_ID "," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD
			   ",\"party_type\":\"people\"," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_party_type", { "第 2 条规则", NULL } },
	{ "blank title",
	  WITH_RULE_2(F_ID ",\"title\":\"　 \"," F_KIND "," F_ACTS "," F_THRESHOLD "," F_PARTY
			   "," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_title", { "第 2 条规则", NULL } },
	{ "empty id", WITH_RULE_2("\"id\":\"\"," F_TITLE "," F_KIND "," F_ACTS "," F_THRESHOLD
				  "," F_PARTY "," F_CODES "," F_BASIS),
	  SX_EINVALID, "majorcat_bad_id", { "第 2 条规则", NULL } },
	{ "repeated matter code",
	  WITH_RULE_2(F_ID "," F_TITLE ",\"kind\":\"matter\"," F_ACTS ",\"threshold_fen\":0,"
			   F_PARTY ",\"matter_codes\":[\"A\",\"A\"]," F_BASIS),
	  SX_EINVALID, "majorcat_bad_matter_codes", { "第 2 条规则", NULL } },
};

static void test_each_malformed_input_is_refused_with_its_code_naming_rule_and_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct majorcat c;
		struct sx_error err = { 0 };
		int rc;

		memset(&c, 0x5a, sizeof(c));
		rc = majorcat_json_parse(&c, bc->text, strlen(bc->text), &err);
		if (rc != bc->rc || strcmp(err.code, bc->code) != 0)
			fail_msg("%s: got %d %s (%s), want %d %s", bc->what, rc, err.code,
				 err.message, bc->rc, bc->code);
		assert_int_equal(err.rc, rc);
		assert_true(codec_is_valid_utf8(err.message, strlen(err.message)));
		for (size_t j = 0; j < ARRAY_LEN(bc->needle); j++)
			if (bc->needle[j] != NULL && strstr(err.message, bc->needle[j]) == NULL)
				fail_msg("%s: message \"%s\" lacks \"%s\"", bc->what, err.message,
					 bc->needle[j]);
		/* Nothing is left behind, even after the rules were allocated. */
		assert_null(c.rules);
		assert_int_equal(c.count, 0);
	}
}

/* A catalog of one COMPLEX rule whose title is title_bytes bytes: "法"s, then 'a's to fill. */
static void build_title_catalog(struct buf *b, size_t title_bytes)
{
	buf_init(b, MAJORCAT_JSON_MAX_BYTES);
	assert_int_equal(buf_append_str(b, "{\"rules\":[{\"id\":\"t\",\"title\":\""), 0);
	for (size_t i = 0; i < title_bytes / 3; i++)
		assert_int_equal(buf_append_str(b, "法"), 0);
	for (size_t i = 0; i < title_bytes % 3; i++)
		assert_int_equal(buf_append_str(b, "a"), 0);
	assert_int_equal(buf_append_str(b, "\",\"kind\":\"complex\",\"acts\":[],"
					   "\"threshold_fen\":0,\"party_type\":\"\","
					   "\"matter_codes\":[],\"basis\":\"《行政处罚法》第五十八条\"}]}"),
			 0);
}

static void test_a_title_longer_than_its_field_is_refused_and_one_that_fits_is_read(void **state)
{
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };
	struct buf b;

	(void)state;
	build_title_catalog(&b, MAJORCAT_TITLE_SIZE - 1); /* 64 CJK characters: fits */
	assert_int_equal(majorcat_json_parse(&c, b.data, b.len, &err), 0);
	assert_int_equal(strlen(c.rules[0].title), MAJORCAT_TITLE_SIZE - 1);
	majorcat_clear(&c);
	buf_free(&b);

	build_title_catalog(&b, MAJORCAT_TITLE_SIZE); /* one byte more */
	assert_int_equal(majorcat_json_parse(&c, b.data, b.len, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_catalog");
	assert_non_null(strstr(err.message, "第 1 条规则"));
	assert_non_null(strstr(err.message, "title"));
	assert_non_null(strstr(err.message, "192"));
	assert_null(c.rules);
	buf_free(&b);
}

static void test_text_over_the_size_limit_is_too_big_and_at_the_limit_is_read(void **state)
{
	static const char head[] = "{\"rules\":[]}";
	char *text = sx_malloc(MAJORCAT_JSON_MAX_BYTES + 1);
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };

	(void)state;
	assert_non_null(text);
	/* Valid JSON padded with trailing spaces to exactly the limit. */
	memset(text, ' ', MAJORCAT_JSON_MAX_BYTES + 1);
	memcpy(text, head, strlen(head));
	assert_int_equal(majorcat_json_parse(&c, text, MAJORCAT_JSON_MAX_BYTES, &err), 0);
	assert_int_equal(c.count, 0);
	assert_int_equal(majorcat_json_parse(&c, text, MAJORCAT_JSON_MAX_BYTES + 1, &err),
			 SX_ETOOBIG);
	assert_string_equal(err.code, "too_big");
	assert_int_equal(err.rc, SX_ETOOBIG);
	assert_non_null(strstr(err.message, "256 KiB"));
	assert_int_equal(majorcat_json_parse(&c, text, SIZE_MAX, &err), SX_ETOOBIG);
	sx_free(text);
}

static void test_more_rules_or_matter_codes_than_the_catalog_holds_are_refused(void **state)
{
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };
	struct buf b;

	(void)state;
	buf_init(&b, MAJORCAT_JSON_MAX_BYTES);
	assert_int_equal(buf_append_str(&b, "{\"rules\":["), 0);
	for (int i = 0; i <= MAJORCAT_MAX_RULES; i++)
		assert_int_equal(buf_append_str(&b, i == 0 ? "0" : ",0"), 0);
	assert_int_equal(buf_append_str(&b, "]}"), 0);
	assert_int_equal(majorcat_json_parse(&c, b.data, b.len, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_too_many");
	assert_non_null(strstr(err.message, "101"));
	assert_null(c.rules);
	buf_free(&b);

	buf_init(&b, MAJORCAT_JSON_MAX_BYTES);
	assert_int_equal(buf_append_str(&b, "{\"rules\":[" RULE_1 ",{" F_ID "," F_TITLE
					   ",\"kind\":\"matter\"," F_ACTS ",\"threshold_fen\":0,"
					   F_PARTY "," F_BASIS ",\"matter_codes\":["),
			 0);
	for (int i = 0; i <= MAJORCAT_MAX_CODES; i++) {
		char code[24];

		snprintf(code, sizeof(code), "%s\"C-%d\"", i == 0 ? "" : ",", i);
		assert_int_equal(buf_append_str(&b, code), 0);
	}
	assert_int_equal(buf_append_str(&b, "]}]}"), 0);
	assert_int_equal(majorcat_json_parse(&c, b.data, b.len, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_matter_codes");
	assert_non_null(strstr(err.message, "第 2 条规则"));
	assert_null(c.rules);
	buf_free(&b);
}

static void test_null_arguments_are_refused(void **state)
{
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };
	char *text = (char *)"x";
	size_t len = 7;

	(void)state;
	assert_int_equal(majorcat_json_parse(NULL, "{\"rules\":[]}", 12, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_catalog");
	assert_int_equal(majorcat_json_parse(&c, NULL, 0, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_json");
	assert_int_equal(majorcat_json_canonical(NULL, &len, &c, &err), SX_EINVALID);
	assert_int_equal(len, 0);
	assert_int_equal(majorcat_json_canonical(&text, &len, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_catalog");
	assert_null(text);
	/* err may be NULL. */
	assert_int_equal(majorcat_json_parse(&c, "{", 1, NULL), SX_EINVALID);
}

static void test_an_invalid_catalog_has_no_canonical_text(void **state)
{
	struct majorcat c = { .rules = new_rules(2), .count = 2 };
	struct sx_error err = { 0 };
	char *text = (char *)"x";
	size_t len = 7;

	(void)state;
	fill_rule(&c.rules[0], "same", MAJORCAT_COMPLEX, "");
	fill_rule(&c.rules[1], "same", MAJORCAT_HEARING_HELD, "");
	assert_int_equal(majorcat_json_canonical(&text, &len, &c, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_duplicate_id");
	assert_null(text);
	assert_int_equal(len, 0);
	/* A field without its NUL is never read past. */
	set_field(c.rules[1].id, sizeof(c.rules[1].id), "other");
	memset(c.rules[1].title, 'a', sizeof(c.rules[1].title));
	assert_int_equal(majorcat_json_canonical(&text, &len, &c, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_title");
	majorcat_clear(&c);
}

/* ---- allocation failure ------------------------------------------------------------------- */

static void test_every_allocation_failing_in_parse_gives_enomem_and_leaves_nothing(void **state)
{
	struct majorcat c = { 0 }, back;
	struct sx_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	long n;
	int rc;

	(void)state;
	assert_int_equal(majorcat_default(&c, &err), 0);
	assert_int_equal(majorcat_json_canonical(&text, &len, &c, &err), 0);
	for (n = 0;; n++) {
		memset(&back, 0x5a, sizeof(back));
		sx_mem_fail_after(n);
		rc = majorcat_json_parse(&back, text, len, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_int_equal(err.rc, SX_ENOMEM);
		assert_null(back.rules);
		assert_int_equal(back.count, 0);
	}
	assert_true(n >= 1);
	assert_catalogs_equal(&c, &back);
	majorcat_clear(&back);
	sx_free(text);
	majorcat_clear(&c);
}

static void test_every_allocation_failing_in_canonical_gives_enomem_and_no_text(void **state)
{
	struct majorcat c = { 0 };
	struct sx_error err = { 0 };
	char *text;
	size_t len;
	long n;
	int rc;

	(void)state;
	assert_int_equal(majorcat_default(&c, &err), 0);
	for (n = 0;; n++) {
		text = (char *)"x";
		len = 7;
		sx_mem_fail_after(n);
		rc = majorcat_json_canonical(&text, &len, &c, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_string_equal(err.code, "out_of_memory");
		assert_null(text);
		assert_int_equal(len, 0);
	}
	assert_true(n >= 1);
	assert_non_null(strstr(text, "\"id\":\"multi-agency\""));
	sx_free(text);
	majorcat_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_default_catalog_round_trips_byte_exactly),
		cmocka_unit_test(
			test_an_empty_catalog_is_an_empty_rules_array_and_reads_back_empty),
		cmocka_unit_test(test_a_catalog_with_each_of_the_ten_kinds_round_trips),
		cmocka_unit_test(test_one_rule_writes_exactly_the_canonical_text),
		cmocka_unit_test(test_keys_in_any_order_acts_in_any_order_and_spaces_are_read),
		cmocka_unit_test(test_text_is_read_up_to_len_without_a_terminating_nul),
		cmocka_unit_test(
			test_each_malformed_input_is_refused_with_its_code_naming_rule_and_field),
		cmocka_unit_test(
			test_a_title_longer_than_its_field_is_refused_and_one_that_fits_is_read),
		cmocka_unit_test(test_text_over_the_size_limit_is_too_big_and_at_the_limit_is_read),
		cmocka_unit_test(
			test_more_rules_or_matter_codes_than_the_catalog_holds_are_refused),
		cmocka_unit_test(test_null_arguments_are_refused),
		cmocka_unit_test(test_an_invalid_catalog_has_no_canonical_text),
		cmocka_unit_test(
			test_every_allocation_failing_in_parse_gives_enomem_and_leaves_nothing),
		cmocka_unit_test(
			test_every_allocation_failing_in_canonical_gives_enomem_and_no_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
