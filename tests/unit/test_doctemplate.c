/*
 * Unit tests for domain/doctemplate: a small template built in memory (a
 * 罚款 notice with every field type), its validation rules one mutation at a
 * time, checking and normalizing filled values (required, unknown, money,
 * dates, choices, max_chars on CJK, bad UTF-8, system fields), rendering
 * (placeholders, formats, dropped optional paragraphs, seals) and the plain
 * text, and allocation failure at every allocation of render, text and
 * values_set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "domain/doctemplate.h"

#define SET(field, text) snprintf((field), sizeof(field), "%s", (text))

static void add_field(struct doctemplate *t, const char *name, const char *label,
		      enum doctemplate_field_type type, bool required, int max_chars)
{
	struct doctemplate_field *f = &t->fields[t->field_count++];

	SET(f->name, name);
	SET(f->label, label);
	f->type = type;
	f->required = required;
	f->max_chars = max_chars;
}

static void add_block(struct doctemplate *t, enum docblock_kind kind, const char *label,
		      const char *text)
{
	struct doctemplate_layout *b = &t->layout[t->layout_count++];

	b->block = kind;
	SET(b->label, label);
	b->text = sx_strdup(text);
	assert_non_null(b->text);
}

/* A numbered template using every field type. */
static void make_template(struct doctemplate *t)
{
	memset(t, 0, sizeof(*t));
	SET(t->code, "fine_notice");
	SET(t->title, "罚款通知书");
	SET(t->doc_word, "罚通");
	t->kinds_mask = 1u << DOCTEMPLATE_KIND_PENALTY;
	t->stages = sx_calloc(2, sizeof(*t->stages));
	assert_non_null(t->stages);
	SET(t->stages[0], "decision");
	SET(t->stages[1], "notice");
	t->stage_count = 2;
	t->served = true;
	t->fields = sx_calloc(9, sizeof(*t->fields));
	assert_non_null(t->fields);
	add_field(t, "facts", "违法事实", DOCTEMPLATE_TEXTAREA, true, 0);
	add_field(t, "place", "地点", DOCTEMPLATE_TEXT, true, 5);
	add_field(t, "found_on", "发现日期", DOCTEMPLATE_DATE, true, 0);
	add_field(t, "found_at", "检查时间", DOCTEMPLATE_DATETIME, false, 0);
	add_field(t, "fine", "罚款金额", DOCTEMPLATE_MONEY, false, 0);
	add_field(t, "days", "期限", DOCTEMPLATE_NUMBER, true, 0);
	add_field(t, "kind", "处罚种类", DOCTEMPLATE_CHOICE, true, 0);
	add_field(t, "staff", "执法人员", DOCTEMPLATE_OFFICERS, false, 0);
	add_field(t, "note", "备注", DOCTEMPLATE_TEXT, false, 0);
	t->fields[6].choices = sx_calloc(2, sizeof(*t->fields[6].choices));
	assert_non_null(t->fields[6].choices);
	SET(t->fields[6].choices[0], "警告");
	SET(t->fields[6].choices[1], "罚款");
	t->fields[6].choice_count = 2;
	t->layout = sx_calloc(10, sizeof(*t->layout));
	assert_non_null(t->layout);
	add_block(t, DOCBLOCK_FIELD, "当事人", "{{party_name}}（{{party_code}}）");
	add_block(t, DOCBLOCK_FIELD, "地点", "{{place}}");
	add_block(t, DOCBLOCK_PARAGRAPH, "", "经查，{{facts}}（{{found_on}}，{{found_at}}）");
	add_block(t, DOCBLOCK_HEADING, "", "处罚内容");
	add_block(t, DOCBLOCK_PARAGRAPH, "", "{{kind}}：罚款人民币{{fine}}元，{{days}}日内缴纳。");
	add_block(t, DOCBLOCK_PARAGRAPH, "", "备注：{{note}}");
	add_block(t, DOCBLOCK_TABLE_ROW, "文号", "{{doc_no}}");
	add_block(t, DOCBLOCK_SIGNATURE, "执法人员", "{{staff}}");
	add_block(t, DOCBLOCK_SEAL, "", "");
	add_block(t, DOCBLOCK_PARAGRAPH, "", "{{case_no}} {{officers}} {{date}} {{agency_name}}");
}

static const struct doctemplate_context ctx = {
	.agency_name = "示例市市场监督管理局",
	.case_no = "示市监立〔2026〕3号",
	.doc_no = "示市监罚通〔2026〕7号",
	.party_name = "某某食品有限公司",
	.party_code = "91110000MA00000000",
	.officers = "张三（执法证号 001）、李四（执法证号 002）",
	.date = "2026年3月5日",
};

static void fill_valid(struct doctemplate_values *v)
{
	memset(v, 0, sizeof(*v));
	assert_int_equal(doctemplate_values_set(v, "facts", "  销售过期食品。\n共 3 件。  "), 0);
	assert_int_equal(doctemplate_values_set(v, "place", "一号仓库"), 0);
	assert_int_equal(doctemplate_values_set(v, "found_on", "2026-03-01"), 0);
	assert_int_equal(doctemplate_values_set(v, "found_at", "2026-03-01T09:05"), 0);
	assert_int_equal(doctemplate_values_set(v, "fine", "1000.5"), 0);
	assert_int_equal(doctemplate_values_set(v, "days", "015"), 0);
	assert_int_equal(doctemplate_values_set(v, "kind", "罚款"), 0);
}

static void test_the_base_template_is_valid(void **state)
{
	struct doctemplate t;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	assert_int_equal(doctemplate_validate(&t, &err), 0);
	assert_true(doctemplate_allows_stage(&t, "decision"));
	assert_false(doctemplate_allows_stage(&t, "hearing"));
	assert_false(doctemplate_allows_stage(&t, NULL));
	assert_true(doctemplate_allows_kind(&t, DOCTEMPLATE_KIND_PENALTY));
	assert_false(doctemplate_allows_kind(&t, DOCTEMPLATE_KIND_COERCION));
	doctemplate_clear(&t);
}

/* One mutation of the base template and the message part it must produce. */
struct mutation {
	const char *what;
	void (*apply)(struct doctemplate *t);
	const char *message_part;
};

static void m_unknown_placeholder(struct doctemplate *t)
{
	sx_free(t->layout[1].text);
	t->layout[1].text = sx_strdup("{{place}}{{nowhere}}");
}
static void m_unclosed_placeholder(struct doctemplate *t)
{
	sx_free(t->layout[1].text);
	t->layout[1].text = sx_strdup("{{place}} {{place");
}
static void m_duplicate_field(struct doctemplate *t) { SET(t->fields[1].name, "facts"); }
static void m_system_name_field(struct doctemplate *t) { SET(t->fields[8].name, "date"); }
static void m_unused_field(struct doctemplate *t)
{
	sx_free(t->layout[5].text);
	t->layout[5].text = sx_strdup("备注");
}
static void m_doc_no_without_word(struct doctemplate *t) { t->doc_word[0] = '\0'; }
static void m_no_stage(struct doctemplate *t) { t->stage_count = 0; }
static void m_unknown_stage(struct doctemplate *t) { SET(t->stages[1], "lunch"); }
static void m_repeated_stage(struct doctemplate *t) { SET(t->stages[1], "decision"); }
static void m_no_kind(struct doctemplate *t) { t->kinds_mask = 0; }
static void m_bad_act(struct doctemplate *t) { SET(t->field_act, "dance"); }
static void m_choice_without_choices(struct doctemplate *t) { t->fields[6].choice_count = 0; }
static void m_required_system_field(struct doctemplate *t) { t->fields[7].required = true; }
static void m_bad_code(struct doctemplate *t) { SET(t->code, "Fine-Notice"); }
static void m_paragraph_without_text(struct doctemplate *t) { t->layout[3].text[0] = '\0'; }

static void test_each_broken_template_is_refused_naming_the_problem(void **state)
{
	static const struct mutation rows[] = {
		{ "unknown placeholder", m_unknown_placeholder, "未知占位符 {{nowhere}}" },
		{ "unclosed placeholder", m_unclosed_placeholder, "占位符格式错误" },
		{ "duplicate field", m_duplicate_field, "字段 facts 重复" },
		{ "system name", m_system_name_field, "系统占位符重名" },
		{ "unused field", m_unused_field, "字段 note 未在版式中使用" },
		{ "doc_no without word", m_doc_no_without_word, "无文号的文书" },
		{ "no stage", m_no_stage, "至少应有一个环节" },
		{ "unknown stage", m_unknown_stage, "环节未知" },
		{ "repeated stage", m_repeated_stage, "环节 decision 重复" },
		{ "no kind", m_no_kind, "案件类型" },
		{ "bad act", m_bad_act, "现场执法行为" },
		{ "choice without choices", m_choice_without_choices, "选项应有" },
		{ "required system field", m_required_system_field, "系统填写" },
		{ "bad code", m_bad_code, "编码" },
		{ "paragraph without text", m_paragraph_without_text, "heading 块应有文字" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct doctemplate t;
		struct sx_error err = { 0 };

		make_template(&t);
		rows[i].apply(&t);
		if (doctemplate_validate(&t, &err) != SX_EINVALID)
			fail_msg("%s: accepted", rows[i].what);
		assert_string_equal(err.code, "bad_template");
		if (strstr(err.message, rows[i].message_part) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", rows[i].what, err.message,
				 rows[i].message_part);
		doctemplate_clear(&t);
	}
}

static void test_checked_values_are_trimmed_and_normalized(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct sx_error err = { 0 };
	char bad[DOCTEMPLATE_CODE_SIZE] = "x";

	(void)state;
	make_template(&t);
	fill_valid(&v);
	assert_int_equal(doctemplate_values_set(&v, "staff", "伪造的执法人员"), 0);
	assert_int_equal(doctemplate_values_set(&v, "note", " \xe3\x80\x80 "), 0);
	assert_int_equal(doctemplate_check_values(bad, &t, &v, &err), 0);
	assert_string_equal(bad, "");
	assert_string_equal(doctemplate_values_get(&v, "facts"), "销售过期食品。\n共 3 件。");
	assert_string_equal(doctemplate_values_get(&v, "fine"), "100050");
	assert_string_equal(doctemplate_values_get(&v, "days"), "15");
	assert_string_equal(doctemplate_values_get(&v, "found_at"), "2026-03-01 09:05");
	assert_null(doctemplate_values_get(&v, "staff"));
	assert_null(doctemplate_values_get(&v, "note"));
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

struct value_case {
	const char *name;
	const char *value;   /* NULL: remove the field */
	int rc;
	const char *code;
	const char *normalized; /* expected value after checking, when rc is 0 */
};

static void test_each_value_is_accepted_or_refused_naming_the_label(void **state)
{
	static const struct value_case rows[] = {
		{ "fine", "1000.50", 0, "", "100050" },
		{ "fine", "0", 0, "", "0" },
		{ "fine", "0.05", 0, "", "5" },
		{ "fine", "5", 0, "", "500" },
		{ "fine", "1000000000000", 0, "", "100000000000000" },
		{ "fine", "1000000000000.01", SX_EINVALID, "bad_field", NULL },
		{ "fine", "1,000.5", SX_EINVALID, "bad_field", NULL },
		{ "fine", "-5", SX_EINVALID, "bad_field", NULL },
		{ "fine", "1.005", SX_EINVALID, "bad_field", NULL },
		{ "fine", ".5", SX_EINVALID, "bad_field", NULL },
		{ "fine", "5.", SX_EINVALID, "bad_field", NULL },
		{ "fine", "1e3", SX_EINVALID, "bad_field", NULL },
		{ "fine", "\xef\xbc\x95", SX_EINVALID, "bad_field", NULL }, /* full-width 5 */
		{ "found_on", "2026-02-29", SX_EINVALID, "bad_field", NULL },
		{ "found_on", "2028-02-29", 0, "", "2028-02-29" },
		{ "found_on", "2026-3-1", SX_EINVALID, "bad_field", NULL },
		{ "found_at", "2026-03-01 24:00", SX_EINVALID, "bad_field", NULL },
		{ "found_at", "2026-03-01 23:59", 0, "", "2026-03-01 23:59" },
		{ "found_at", "2026-03-01", SX_EINVALID, "bad_field", NULL },
		{ "kind", "没收", SX_EINVALID, "bad_field", NULL },
		{ "kind", "警告", 0, "", "警告" },
		{ "days", "1.5", SX_EINVALID, "bad_field", NULL },
		{ "days", "0", 0, "", "0" },
		{ "days", "1234567890123456789", SX_EINVALID, "bad_field", NULL },
		{ "place", "一二三四五", 0, "", "一二三四五" },
		{ "place", "一二三四五六", SX_EINVALID, "bad_field", NULL },
		{ "place", "一行\n两行", SX_EINVALID, "bad_field", NULL },
		{ "place", "\xe4\xb8", SX_EINVALID, "bad_utf8", NULL },
		{ "facts", "a\x01z", SX_EINVALID, "bad_field", NULL },
		{ "facts", "   ", SX_EINVALID, "field_required", NULL },
		{ "facts", NULL, SX_EINVALID, "field_required", NULL },
		{ "found_at", NULL, 0, "", NULL },
		{ "surprise", "x", SX_EINVALID, "unknown_field", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct value_case *row = &rows[i];
		struct doctemplate t;
		struct doctemplate_values v;
		struct sx_error err = { 0 };
		char bad[DOCTEMPLATE_CODE_SIZE];
		int rc;

		make_template(&t);
		fill_valid(&v);
		if (row->value == NULL)
			doctemplate_values_remove(&v, row->name);
		else
			assert_int_equal(doctemplate_values_set(&v, row->name, row->value), 0);
		rc = doctemplate_check_values(bad, &t, &v, &err);
		if (rc != row->rc)
			fail_msg("row %zu (%s=%s): rc %d, want %d (%s)", i, row->name,
				 row->value ? row->value : "(absent)", rc, row->rc, err.message);
		if (rc == 0) {
			if (row->normalized == NULL)
				assert_null(doctemplate_values_get(&v, row->name));
			else
				assert_string_equal(doctemplate_values_get(&v, row->name),
						    row->normalized);
		} else {
			const struct doctemplate_field *f = doctemplate_field_find(&t, row->name);

			assert_string_equal(err.code, row->code);
			assert_string_equal(bad, row->name);
			if (f != NULL && strstr(err.message, f->label) == NULL)
				fail_msg("row %zu: message \"%s\" lacks the label %s", i, err.message,
					 f->label);
		}
		doctemplate_values_clear(&v);
		doctemplate_clear(&t);
	}
}

static void test_missing_required_field_names_its_label(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	fill_valid(&v);
	doctemplate_values_remove(&v, "kind");
	assert_int_equal(doctemplate_check_values(NULL, &t, &v, &err), SX_EINVALID);
	assert_string_equal(err.code, "field_required");
	assert_string_equal(err.message, "“处罚种类”为必填项");
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_values_set_replaces_and_refuses_bad_names(void **state)
{
	struct doctemplate_values v = { 0 };

	(void)state;
	assert_int_equal(doctemplate_values_set(&v, "a", "1"), 0);
	assert_int_equal(doctemplate_values_set(&v, "a", "2"), 0);
	assert_int_equal(v.count, 1);
	assert_string_equal(doctemplate_values_get(&v, "a"), "2");
	assert_int_equal(doctemplate_values_set(&v, "", "x"), SX_EINVALID);
	assert_int_equal(doctemplate_values_set(&v, "abcdefghijklmnopqrstuvwxyz0123456", "x"),
			 SX_EINVALID);
	assert_int_equal(doctemplate_values_set(&v, NULL, "x"), SX_EINVALID);
	assert_int_equal(doctemplate_values_set(&v, "b", NULL), SX_EINVALID);
	assert_null(doctemplate_values_get(&v, "b"));
	assert_int_equal(v.count, 1);
	doctemplate_values_clear(&v);
	assert_int_equal(v.count, 0);
}

static const struct docblock *find_block(const struct docblock_doc *d, const char *needle)
{
	for (size_t i = 0; i < d->block_count; i++)
		if (strstr(d->blocks[i].text, needle) != NULL ||
		    strstr(d->blocks[i].label, needle) != NULL)
			return &d->blocks[i];
	return NULL;
}

static void test_render_fills_placeholders_in_document_formats(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct docblock_doc d;
	struct sx_error err = { 0 };
	const struct docblock *b;

	(void)state;
	make_template(&t);
	fill_valid(&v);
	assert_int_equal(doctemplate_check_values(NULL, &t, &v, &err), 0);
	assert_int_equal(doctemplate_render(&d, &t, &v, &ctx, &err), 0);
	assert_string_equal(d.title, "罚款通知书");
	assert_string_equal(d.doc_no, "示市监罚通〔2026〕7号");
	assert_string_equal(d.agency_name, "示例市市场监督管理局");
	assert_string_equal(d.case_no, "示市监立〔2026〕3号");
	assert_int_equal(d.block_count, 9); /* 备注 dropped */
	assert_int_equal(d.blocks[0].kind, DOCBLOCK_FIELD);
	assert_string_equal(d.blocks[0].label, "当事人");
	assert_string_equal(d.blocks[0].text, "某某食品有限公司（91110000MA00000000）");
	assert_string_equal(d.blocks[2].text,
			    "经查，销售过期食品。\n共 3 件。（2026年3月1日，2026年3月1日9时05分）");
	assert_string_equal(d.blocks[4].text, "罚款：罚款人民币1,000.50元，15日内缴纳。");
	assert_null(find_block(&d, "备注"));
	b = find_block(&d, "执法人员");
	assert_non_null(b);
	assert_int_equal(b->kind, DOCBLOCK_SIGNATURE);
	assert_string_equal(b->text, ctx.officers);
	assert_int_equal(d.blocks[7].kind, DOCBLOCK_SEAL);
	assert_string_equal(d.blocks[7].label, "示例市市场监督管理局");
	assert_string_equal(d.blocks[7].text, "2026年3月5日");
	assert_string_equal(d.blocks[8].text, "示市监立〔2026〕3号 张三（执法证号 001）、李四（执法证号 002） "
					      "2026年3月5日 示例市市场监督管理局");
	docblock_doc_clear(&d);
	assert_null(d.blocks);
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_render_keeps_a_paragraph_once_an_optional_value_is_given(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct docblock_doc d;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	fill_valid(&v);
	assert_int_equal(doctemplate_values_set(&v, "note", "当事人当场改正"), 0);
	assert_int_equal(doctemplate_check_values(NULL, &t, &v, &err), 0);
	assert_int_equal(doctemplate_render(&d, &t, &v, &ctx, &err), 0);
	assert_int_equal(d.block_count, 10);
	assert_non_null(find_block(&d, "备注：当事人当场改正"));
	docblock_doc_clear(&d);
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_render_without_context_or_values_leaves_blanks(void **state)
{
	struct doctemplate t;
	struct docblock_doc d;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	assert_int_equal(doctemplate_render(&d, &t, NULL, NULL, &err), 0);
	assert_string_equal(d.doc_no, "");
	assert_string_equal(d.agency_name, "");
	assert_string_equal(d.blocks[0].text, "（）");
	docblock_doc_clear(&d);
	/* An unnumbered template prints no 文号 even when the context has one. */
	t.doc_word[0] = '\0';
	assert_int_equal(doctemplate_render(&d, &t, NULL, &ctx, &err), 0);
	assert_string_equal(d.doc_no, "");
	docblock_doc_clear(&d);
	doctemplate_clear(&t);
}

static void test_render_refuses_unchecked_money(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct docblock_doc d;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	fill_valid(&v); /* fine is still "1000.5", not 分 */
	assert_int_equal(doctemplate_render(&d, &t, &v, &ctx, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_field");
	assert_null(d.blocks);
	assert_int_equal(doctemplate_render(NULL, &t, &v, &ctx, &err), SX_EINVALID);
	assert_int_equal(doctemplate_render(&d, NULL, &v, &ctx, &err), SX_EINVALID);
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_text_has_one_line_per_block(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct docblock_doc d;
	struct sx_error err = { 0 };
	char *text = NULL;
	size_t len = 0;

	(void)state;
	make_template(&t);
	fill_valid(&v);
	assert_int_equal(doctemplate_check_values(NULL, &t, &v, &err), 0);
	assert_int_equal(doctemplate_render(&d, &t, &v, &ctx, &err), 0);
	assert_int_equal(docblock_doc_text(&text, &len, &d), 0);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text,
			    "示例市市场监督管理局\n"
			    "罚款通知书\n"
			    "示市监罚通〔2026〕7号\n"
			    "案号：示市监立〔2026〕3号\n"
			    "当事人：某某食品有限公司（91110000MA00000000）\n"
			    "地点：一号仓库\n"
			    "经查，销售过期食品。\n共 3 件。（2026年3月1日，2026年3月1日9时05分）\n"
			    "处罚内容\n"
			    "罚款：罚款人民币1,000.50元，15日内缴纳。\n"
			    "文号：示市监罚通〔2026〕7号\n"
			    "执法人员：张三（执法证号 001）、李四（执法证号 002）\n"
			    "示例市市场监督管理局 2026年3月5日\n"
			    "示市监立〔2026〕3号 张三（执法证号 001）、李四（执法证号 002） 2026年3月5日 "
			    "示例市市场监督管理局\n");
	sx_free(text);
	assert_int_equal(docblock_doc_text(NULL, &len, &d), SX_EINVALID);
	docblock_doc_clear(&d);
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_out_of_memory_at_every_allocation_is_enomem(void **state)
{
	struct doctemplate t;
	struct doctemplate_values v;
	struct sx_error err = { 0 };

	(void)state;
	make_template(&t);
	fill_valid(&v);
	assert_int_equal(doctemplate_check_values(NULL, &t, &v, &err), 0);
	for (long n = 0;; n++) {
		struct docblock_doc d;
		char *text = NULL;
		size_t len = 0;
		int rc;

		sx_mem_fail_after(n);
		rc = doctemplate_render(&d, &t, &v, &ctx, &err);
		if (rc == 0)
			rc = docblock_doc_text(&text, &len, &d);
		sx_mem_fail_after(-1);
		docblock_doc_clear(&d);
		if (rc == 0) {
			assert_non_null(text);
			sx_free(text);
			assert_true(n > 10);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
		assert_null(text);
	}
	for (long n = 0; n < 2; n++) {
		struct doctemplate_values w = { 0 };

		assert_int_equal(doctemplate_values_set(&w, "a", "1"), 0);
		sx_mem_fail_after(n);
		assert_int_equal(doctemplate_values_set(&w, "b", "2"), SX_ENOMEM);
		sx_mem_fail_after(-1);
		assert_int_equal(w.count, 1);
		assert_null(doctemplate_values_get(&w, "b"));
		doctemplate_values_clear(&w);
	}
	doctemplate_values_clear(&v);
	doctemplate_clear(&t);
}

static void test_names_round_trip(void **state)
{
	enum doctemplate_field_type type;
	enum doctemplate_kind kind;
	enum docblock_kind block;

	(void)state;
	for (int i = DOCTEMPLATE_TEXT; i <= DOCTEMPLATE_NUMBER; i++) {
		assert_int_equal(doctemplate_field_type_from_name(
					 &type, doctemplate_field_type_name((enum doctemplate_field_type)i)),
				 0);
		assert_int_equal(type, i);
	}
	assert_int_equal(doctemplate_field_type_from_name(&type, "blob"), SX_EINVALID);
	assert_string_equal(doctemplate_field_type_name((enum doctemplate_field_type)0), "");
	assert_int_equal(doctemplate_kind_from_name(&kind, "coercion"), 0);
	assert_int_equal(kind, DOCTEMPLATE_KIND_COERCION);
	assert_int_equal(doctemplate_block_from_name(&block, "seal"), 0);
	assert_int_equal(block, DOCBLOCK_SEAL);
	assert_int_equal(doctemplate_block_from_name(&block, "table"), SX_EINVALID);
	assert_true(doctemplate_stage_is_known("legal_review"));
	assert_false(doctemplate_stage_is_known("Decision"));
	assert_true(doctemplate_field_act_is_known(""));
	assert_false(doctemplate_field_act_is_known("walk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_base_template_is_valid),
		cmocka_unit_test(test_each_broken_template_is_refused_naming_the_problem),
		cmocka_unit_test(test_checked_values_are_trimmed_and_normalized),
		cmocka_unit_test(test_each_value_is_accepted_or_refused_naming_the_label),
		cmocka_unit_test(test_missing_required_field_names_its_label),
		cmocka_unit_test(test_values_set_replaces_and_refuses_bad_names),
		cmocka_unit_test(test_render_fills_placeholders_in_document_formats),
		cmocka_unit_test(test_render_keeps_a_paragraph_once_an_optional_value_is_given),
		cmocka_unit_test(test_render_without_context_or_values_leaves_blanks),
		cmocka_unit_test(test_render_refuses_unchecked_money),
		cmocka_unit_test(test_text_has_one_line_per_block),
		cmocka_unit_test(test_out_of_memory_at_every_allocation_is_enomem),
		cmocka_unit_test(test_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
