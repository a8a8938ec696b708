/*
 * Unit tests for service/doctemplates: every shipped template loads and
 * validates (with the 文号 words and law texts users expect); a filled
 * 行政处罚决定书 renders with its remedies and payment paragraphs; broken
 * template files are SX_ECORRUPT naming the file; filled values from JSON
 * (strict against hostile bodies) and their canonical JSON; the description
 * for forms; and allocation failure at every allocation of load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/embedded.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/doctemplate.h"
#include "service/doctemplates.h"

static void test_every_shipped_template_loads_and_validates(void **state)
{
	static const struct {
		const char *code;
		const char *title;
		const char *doc_word;
	} expected[] = {
		{ "case_filing", "立案审批表", "立" },
		{ "onsite_inspection", "现场检查笔录", "" },
		{ "inquiry", "询问笔录", "" },
		{ "evidence_preservation", "证据先行登记保存通知书", "保存" },
		{ "seizure_decision", "查封扣押决定书", "强制" },
		{ "investigation_report", "案件调查终结报告", "" },
		{ "penalty_notice", "行政处罚事先告知书", "罚告" },
		{ "hearing_notice", "听证通知书", "听通" },
		{ "hearing_record", "听证笔录", "" },
		{ "penalty_decision", "行政处罚决定书", "罚决" },
		{ "service_receipt", "送达回证", "" },
		{ "case_closing", "结案审批表", "结" },
		{ "simple_penalty_decision", "当场行政处罚决定书", "简罚" },
		{ "inspection_rectification", "责令改正通知书", "责改" },
		{ "extension_approval", "延期审批表", "" },
	};
	struct doctemplates *r = NULL;
	struct sx_error err = { 0 };
	size_t files = 0;

	(void)state;
	assert_int_equal(doctemplates_load(&r, &err), 0);
	for (size_t i = 0; i < embedded_asset_count; i++) {
		const char *path = embedded_assets[i].path;
		size_t len = strlen(path);

		/* web/templates/<name>.html are assets named templates/ too. */
		if (strncmp(path, "templates/", 10) == 0 && len > 15 &&
		    strcmp(path + len - 5, ".json") == 0)
			files++;
	}
	assert_int_equal(doctemplates_count(r), files);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct doctemplate *t = doctemplates_find(r, expected[i].code);

		if (t == NULL)
			fail_msg("template %s missing", expected[i].code);
		assert_string_equal(t->title, expected[i].title);
		assert_string_equal(t->doc_word, expected[i].doc_word);
	}
	for (size_t i = 0; i < doctemplates_count(r); i++) {
		const struct doctemplate *t = doctemplates_at(r, i);

		assert_int_equal(doctemplate_validate(t, &err), 0);
		if (i > 0)
			assert_true(doctemplates_at(r, i - 1)->order <= t->order);
		/* A served document carries the seal; a field act names its officers. */
		if (t->served)
			assert_int_equal(t->layout[t->layout_count - 1].block, DOCBLOCK_SEAL);
	}
	assert_null(doctemplates_at(r, doctemplates_count(r)));
	assert_null(doctemplates_find(r, "nothing"));
	assert_true(doctemplate_allows_stage(doctemplates_find(r, "penalty_decision"), "decision"));
	assert_true(doctemplates_find(r, "penalty_decision")->served);
	assert_string_equal(doctemplates_find(r, "onsite_inspection")->field_act, "inspect");
	doctemplates_free(r);
}

/* Whether some block of t's layout contains needle. */
static bool layout_says(const struct doctemplate *t, const char *needle)
{
	for (size_t i = 0; i < t->layout_count; i++)
		if (strstr(t->layout[i].text, needle) != NULL)
			return true;
	return false;
}

static void test_notices_state_the_rights_the_law_requires(void **state)
{
	struct doctemplates *r = NULL;
	const struct doctemplate *notice, *decision;

	(void)state;
	assert_int_equal(doctemplates_load(&r, NULL), 0);
	notice = doctemplates_find(r, "penalty_notice");
	assert_true(layout_says(notice, "陈述、申辩"));
	assert_true(layout_says(notice, "要求举行听证"));
	assert_true(layout_says(notice, "第六十三条、第六十四条"));
	decision = doctemplates_find(r, "penalty_decision");
	assert_true(layout_says(decision, "十五日内"));
	assert_true(layout_says(decision, "申请行政复议"));
	assert_true(layout_says(doctemplates_find(r, "seizure_decision"), "提起行政诉讼"));
	assert_true(layout_says(doctemplates_find(r, "simple_penalty_decision"), "申请行政复议"));
	doctemplates_free(r);
}

static const struct doctemplate_context ctx = {
	.agency_name = "示例市市场监督管理局",
	.case_no = "示市监立〔2026〕3号",
	.doc_no = "示市监罚决〔2026〕12号",
	.party_name = "某某食品有限公司",
	.party_code = "91110000MA00000000",
	.officers = "张三、李四",
	.date = "2026年3月20日",
};

static const char decision_json[] =
	"{\"party_address\":\"示例市中山路1号\",\"facts\":\"当事人销售超过保质期的食品。\","
	"\"evidence\":\"现场检查笔录、询问笔录。\",\"legal_violated\":\"《中华人民共和国食品安全法》"
	"第三十四条第十项\",\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款\","
	"\"penalty_content\":\"1.没收超过保质期的食品；2.罚款人民币五万元。\",\"fine_amount\":50000,"
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\",\"litigation_court\":"
	"\"示例市中山区人民法院\",\"litigation_months\":6}";

static const struct docblock *find_block(const struct docblock_doc *d, const char *needle)
{
	for (size_t i = 0; i < d->block_count; i++)
		if (strstr(d->blocks[i].text, needle) != NULL)
			return &d->blocks[i];
	return NULL;
}

static void test_a_filled_penalty_decision_renders_remedies_and_payment(void **state)
{
	struct doctemplates *r = NULL;
	struct doctemplate_values v;
	struct docblock_doc d;
	struct sx_error err = { 0 };
	const struct doctemplate *t;
	char *text = NULL;
	size_t len;

	(void)state;
	assert_int_equal(doctemplates_load(&r, &err), 0);
	t = doctemplates_find(r, "penalty_decision");
	assert_int_equal(doctemplates_values_from_json(&v, decision_json, strlen(decision_json), &err),
			 0);
	assert_int_equal(doctemplate_check_values(NULL, t, &v, &err), 0);
	assert_string_equal(doctemplate_values_get(&v, "fine_amount"), "5000000");
	assert_int_equal(doctemplate_render(&d, t, &v, &ctx, &err), 0);
	assert_string_equal(d.title, "行政处罚决定书");
	assert_string_equal(d.doc_no, "示市监罚决〔2026〕12号");
	assert_non_null(find_block(&d, "如不服本处罚决定，可以在收到本决定书之日起60日内向示例市人民"
				       "政府申请行政复议，或者在6个月内依法向示例市中山区人民法院提起"
				       "行政诉讼。"));
	assert_non_null(find_block(&d, "罚没款合计人民币50,000.00元。当事人应当自收到本决定书之日起"
				       "十五日内缴纳罚没款"));
	assert_non_null(find_block(&d, "经查，当事人销售超过保质期的食品。"));
	/* Optional paragraphs without values are left out. */
	assert_null(find_block(&d, "没收的非法财物"));
	assert_int_equal(d.blocks[d.block_count - 1].kind, DOCBLOCK_SEAL);
	assert_string_equal(d.blocks[d.block_count - 1].label, "示例市市场监督管理局");
	assert_int_equal(docblock_doc_text(&text, &len, &d), 0);
	assert_non_null(strstr(text, "行政处罚决定书\n示市监罚决〔2026〕12号\n"));
	assert_non_null(strstr(text, "当事人：某某食品有限公司\n"));
	sx_free(text);
	docblock_doc_clear(&d);
	doctemplate_values_clear(&v);
	doctemplates_free(r);
}

static void test_a_decision_without_remedies_is_refused_naming_the_label(void **state)
{
	struct doctemplates *r = NULL;
	struct doctemplate_values v;
	struct sx_error err = { 0 };
	char bad[DOCTEMPLATE_CODE_SIZE];

	(void)state;
	assert_int_equal(doctemplates_load(&r, &err), 0);
	assert_int_equal(doctemplates_values_from_json(&v, decision_json, strlen(decision_json), &err),
			 0);
	doctemplate_values_remove(&v, "review_body");
	assert_int_equal(doctemplate_check_values(bad, doctemplates_find(r, "penalty_decision"), &v,
						  &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "field_required");
	assert_string_equal(bad, "review_body");
	assert_non_null(strstr(err.message, "行政复议机关"));
	doctemplate_values_clear(&v);
	doctemplates_free(r);
}

/* One broken template file and the words its error must carry. */
struct bad_file {
	const char *path;
	const char *json;
	const char *message_part;
};

static void test_broken_template_files_are_corrupt_naming_the_file(void **state)
{
	static const struct bad_file rows[] = {
		{ "templates/x.json", "{", "不是合法的 JSON" },
		{ "templates/x.json", "[]", "应为对象" },
		{ "templates/x.json",
		  "{\"code\":\"x\",\"title\":\"某文书\",\"doc_word\":\"\",\"kinds\":[\"penalty\"],"
		  "\"stages\":[\"decision\"],\"served\":false,\"field_act\":\"\",\"fields\":[],"
		  "\"layout\":[{\"block\":\"paragraph\",\"text\":\"{{fine}}\"}]}",
		  "未知占位符 {{fine}}" },
		{ "templates/y.json",
		  "{\"code\":\"x\",\"title\":\"某文书\",\"doc_word\":\"\",\"kinds\":[\"penalty\"],"
		  "\"stages\":[\"decision\"],\"served\":false,\"field_act\":\"\",\"fields\":[],"
		  "\"layout\":[{\"block\":\"paragraph\",\"text\":\"文字\"}]}",
		  "文件名与编码 x 不一致" },
		{ "templates/x.json",
		  "{\"code\":\"x\",\"title\":\"某文书\",\"doc_word\":\"\",\"kinds\":[\"penalty\"],"
		  "\"stages\":[\"decision\"],\"served\":false,\"field_act\":\"\",\"fields\":[],"
		  "\"layout\":[{\"block\":\"paragraph\",\"text\":\"文字\"}],\"colour\":1}",
		  "未知字段 colour" },
		{ "templates/x.json",
		  "{\"code\":\"x\",\"title\":\"某文书\",\"doc_word\":\"\",\"kinds\":[\"penalty\"],"
		  "\"stages\":[\"decision\"],\"served\":false,\"field_act\":\"\",\"fields\":"
		  "[{\"name\":\"a\",\"label\":\"甲\",\"type\":\"blob\",\"required\":true}],"
		  "\"layout\":[{\"block\":\"paragraph\",\"text\":\"{{a}}\"}]}",
		  "类型 blob 未知" },
		{ "templates/x.json",
		  "{\"code\":\"x\",\"title\":\"某文书\",\"doc_word\":\"\",\"kinds\":[\"penalty\"],"
		  "\"stages\":[],\"served\":false,\"field_act\":\"\",\"fields\":[],"
		  "\"layout\":[{\"block\":\"paragraph\",\"text\":\"文字\"}]}",
		  "至少应有一个环节" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct embedded_asset assets[2] = {
			{ "calendar/cn.json", "{}", 2 },
			{ rows[i].path, rows[i].json, strlen(rows[i].json) },
		};
		struct doctemplates *r = (struct doctemplates *)1;
		struct sx_error err = { 0 };

		assert_int_equal(doctemplates__load_assets(&r, assets, 2, &err), SX_ECORRUPT);
		assert_null(r);
		assert_string_equal(err.code, "bad_template");
		if (strstr(err.message, rows[i].path) == NULL ||
		    strstr(err.message, rows[i].message_part) == NULL)
			fail_msg("row %zu: message \"%s\"", i, err.message);
	}
}

static void test_no_template_at_all_is_corrupt(void **state)
{
	struct embedded_asset assets[1] = { { "calendar/cn.json", "{}", 2 } };
	struct doctemplates *r = NULL;
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(doctemplates__load_assets(&r, assets, 1, &err), SX_ECORRUPT);
	assert_null(r);
}

static void test_values_json_round_trip_is_canonical_and_order_free(void **state)
{
	static const char a[] = "{\"b\":\"第二\",\"a\":\"引号\\\" 换行\\n 斜杠/\",\"c\":1000.5}";
	static const char b[] = "{ \"c\" : \"1000.5\", \"a\":\"引号\\\" 换行\\u000a 斜杠\\/\","
				"\"b\":\"\\u7b2c\\u4e8c\"}";
	struct doctemplate_values va, vb, vc;
	struct sx_error err = { 0 };
	char *ja = NULL, *jb = NULL, *jc = NULL;

	(void)state;
	assert_int_equal(doctemplates_values_from_json(&va, a, strlen(a), &err), 0);
	assert_int_equal(doctemplates_values_from_json(&vb, b, strlen(b), &err), 0);
	assert_int_equal(doctemplates_values_to_json(&ja, &va, &err), 0);
	assert_int_equal(doctemplates_values_to_json(&jb, &vb, &err), 0);
	assert_string_equal(ja, "{\"a\":\"引号\\\" 换行\\n 斜杠/\",\"b\":\"第二\",\"c\":\"1000.5\"}");
	assert_string_equal(ja, jb);
	assert_int_equal(doctemplates_values_from_json(&vc, ja, strlen(ja), &err), 0);
	assert_int_equal(doctemplates_values_to_json(&jc, &vc, &err), 0);
	assert_string_equal(ja, jc);
	sx_free(ja);
	sx_free(jb);
	sx_free(jc);
	doctemplate_values_clear(&va);
	doctemplate_values_clear(&vb);
	doctemplate_values_clear(&vc);
}

static void test_numbers_are_read_in_their_shortest_form(void **state)
{
	static const char j[] = "{\"a\":0.1,\"b\":5,\"c\":-3,\"d\":1e20}";
	struct doctemplate_values v;

	(void)state;
	assert_int_equal(doctemplates_values_from_json(&v, j, strlen(j), NULL), 0);
	assert_string_equal(doctemplate_values_get(&v, "a"), "0.1");
	assert_string_equal(doctemplate_values_get(&v, "b"), "5");
	assert_string_equal(doctemplate_values_get(&v, "c"), "-3");
	assert_string_equal(doctemplate_values_get(&v, "d"), "1e+20");
	doctemplate_values_clear(&v);
}

struct hostile {
	const char *what;
	const char *json;
	const char *code;
};

static void test_hostile_value_bodies_are_refused(void **state)
{
	static const struct hostile rows[] = {
		{ "not json", "{\"a\":", "bad_json" },
		{ "array", "[\"a\"]", "bad_json" },
		{ "string", "\"a\"", "bad_json" },
		{ "nested object", "{\"a\":{\"b\":\"c\"}}", "bad_json" },
		{ "nested array", "{\"a\":[\"b\"]}", "bad_json" },
		{ "duplicate key", "{\"a\":\"1\",\"a\":\"2\"}", "bad_json" },
		{ "null", "{\"a\":null}", "bad_field" },
		{ "boolean", "{\"a\":true}", "bad_field" },
		{ "empty key", "{\"\":\"x\"}", "bad_field" },
		{ "long key", "{\"abcdefghijklmnopqrstuvwxyz0123456\":\"x\"}", "bad_field" },
		{ "nul in value", "{\"a\":\"x\\u0000y\"}", NULL }, /* bad_json or bad_field */
	};
	struct doctemplate_values v;
	struct sx_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = doctemplates_values_from_json(&v, rows[i].json, strlen(rows[i].json), &err);

		if (rc != SX_EINVALID)
			fail_msg("%s: rc %d", rows[i].what, rc);
		if (rows[i].code != NULL && strcmp(err.code, rows[i].code) != 0)
			fail_msg("%s: code %s", rows[i].what, err.code);
		assert_int_equal(v.count, 0);
		assert_null(v.items);
	}
	assert_int_equal(doctemplates_values_from_json(&v, NULL, 0, &err), SX_EINVALID);
}

static void test_huge_values_and_too_many_keys_are_refused(void **state)
{
	size_t big = DOCTEMPLATES_MAX_VALUE_BYTES + 16;
	char *json = sx_malloc(big + 32);
	struct doctemplate_values v;
	struct sx_error err = { 0 };
	size_t len;

	(void)state;
	assert_non_null(json);
	len = (size_t)snprintf(json, 16, "{\"a\":\"");
	memset(json + len, 'x', DOCTEMPLATES_MAX_VALUE_BYTES);
	len += DOCTEMPLATES_MAX_VALUE_BYTES;
	memcpy(json + len, "\"}", 3);
	assert_int_equal(doctemplates_values_from_json(&v, json, len + 2, &err), 0);
	doctemplate_values_clear(&v);
	memcpy(json + len, "x\"}", 4);
	assert_int_equal(doctemplates_values_from_json(&v, json, len + 3, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_field");
	sx_free(json);

	json = sx_malloc(201 * 16 + 8);
	assert_non_null(json);
	len = 0;
	json[len++] = '{';
	for (int i = 0; i < 201; i++)
		len += (size_t)snprintf(json + len, 16, "%s\"k%d\":\"v\"", i ? "," : "", i);
	json[len++] = '}';
	assert_int_equal(doctemplates_values_from_json(&v, json, len, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_json");
	sx_free(json);
}

static void test_values_to_json_refuses_invalid_utf8(void **state)
{
	struct doctemplate_values v = { 0 };
	struct sx_error err = { 0 };
	char *out = (char *)1;

	(void)state;
	assert_int_equal(doctemplate_values_set(&v, "a", "\xff"), 0);
	assert_int_equal(doctemplates_values_to_json(&out, &v, &err), SX_EINVALID);
	assert_null(out);
	doctemplate_values_clear(&v);
	assert_int_equal(doctemplates_values_to_json(&out, &v, &err), 0);
	assert_string_equal(out, "{}");
	sx_free(out);
}

static void test_describe_lists_fields_for_forms(void **state)
{
	struct doctemplates *r = NULL;
	struct sx_error err = { 0 };
	char *json = NULL;

	(void)state;
	assert_int_equal(doctemplates_load(&r, &err), 0);
	assert_int_equal(doctemplates_describe_json(&json, doctemplates_find(r, "penalty_decision"),
						    &err),
			 0);
	assert_non_null(strstr(json, "\"code\":\"penalty_decision\""));
	assert_non_null(strstr(json, "\"doc_word\":\"罚决\""));
	assert_non_null(strstr(json, "\"kinds\":[\"penalty\"]"));
	assert_non_null(strstr(json, "\"name\":\"fine_amount\""));
	assert_non_null(strstr(json, "\"type\":\"money\""));
	assert_non_null(strstr(json, "\"served\":true"));
	sx_free(json);
	assert_int_equal(doctemplates_describe_json(&json, NULL, &err), SX_EINVALID);
	assert_null(json);
	doctemplates_free(r);
}

static void test_load_out_of_memory_at_every_allocation_is_enomem(void **state)
{
	(void)state;
	for (long n = 0;; n++) {
		struct doctemplates *r = NULL;
		struct sx_error err = { 0 };
		int rc;

		sx_mem_fail_after(n);
		rc = doctemplates_load(&r, &err);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_true(n > 15);
			doctemplates_free(r);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d (%s)", n, rc, err.message);
		assert_null(r);
	}
}

static void test_values_from_json_out_of_memory_is_enomem(void **state)
{
	(void)state;
	for (long n = 0;; n++) {
		struct doctemplate_values v;
		struct sx_error err = { 0 };
		char *json = NULL;
		int rc;

		sx_mem_fail_after(n);
		rc = doctemplates_values_from_json(&v, decision_json, strlen(decision_json), &err);
		if (rc == 0)
			rc = doctemplates_values_to_json(&json, &v, &err);
		sx_mem_fail_after(-1);
		doctemplate_values_clear(&v);
		if (rc == 0) {
			sx_free(json);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
		assert_null(json);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shipped_template_loads_and_validates),
		cmocka_unit_test(test_notices_state_the_rights_the_law_requires),
		cmocka_unit_test(test_a_filled_penalty_decision_renders_remedies_and_payment),
		cmocka_unit_test(test_a_decision_without_remedies_is_refused_naming_the_label),
		cmocka_unit_test(test_broken_template_files_are_corrupt_naming_the_file),
		cmocka_unit_test(test_no_template_at_all_is_corrupt),
		cmocka_unit_test(test_values_json_round_trip_is_canonical_and_order_free),
		cmocka_unit_test(test_numbers_are_read_in_their_shortest_form),
		cmocka_unit_test(test_hostile_value_bodies_are_refused),
		cmocka_unit_test(test_huge_values_and_too_many_keys_are_refused),
		cmocka_unit_test(test_values_to_json_refuses_invalid_utf8),
		cmocka_unit_test(test_describe_lists_fields_for_forms),
		cmocka_unit_test(test_load_out_of_memory_at_every_allocation_is_enomem),
		cmocka_unit_test(test_values_from_json_out_of_memory_is_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
