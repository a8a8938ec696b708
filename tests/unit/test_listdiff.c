/*
 * Unit tests for domain/listdiff: identical and empty versions, the first
 * version against nothing, added / removed / changed matters and their
 * order, line-level changes (an inserted step is one added line even though
 * later steps are renumbered; a rename is one '-' and one '+'; removals come
 * before additions at each place), the fallback when the comparison table
 * would be too large, bad input, and allocation failure at every allocation.
 *
 * Expected lines are written out here, in the format documented in
 * src/domain/matter.c, rather than recomputed with matter_lines.
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
#include "domain/listdiff.h"
#include "domain/matter.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SET(field, text) snprintf((field), sizeof(field), "%s", (text))

/* A valid 处罚 with 1 basis, 3 steps, 1 discretion row and no AV stages: 14 lines. */
static void matter_make(struct matter *m, const char *code, const char *name)
{
	static const char *const steps[] = { "立案", "调查取证", "决定" };
	size_t i;

	memset(m, 0, sizeof(*m));
	SET(m->code, code);
	SET(m->name, name);
	m->act_type = MATTER_ACT_PENALTY;
	SET(m->unit, "执法大队");
	m->av_requirement = MATTER_AV_NONE;
	m->basis = sx_calloc(1, sizeof(*m->basis));
	assert_non_null(m->basis);
	m->basis_count = 1;
	SET(m->basis[0].law, "《中华人民共和国食品安全法》");
	SET(m->basis[0].article, "第一百二十二条");
	m->steps = sx_calloc(ARRAY_LEN(steps), sizeof(*m->steps));
	assert_non_null(m->steps);
	m->step_count = ARRAY_LEN(steps);
	for (i = 0; i < ARRAY_LEN(steps); i++)
		SET(m->steps[i].title, steps[i]);
	SET(m->remedies.review_body, "区人民政府");
	m->remedies.review_days = 60;
	SET(m->remedies.litigation_court, "区人民法院");
	m->remedies.litigation_months = 6;
	m->discretion = sx_calloc(1, sizeof(*m->discretion));
	assert_non_null(m->discretion);
	m->discretion_count = 1;
	SET(m->discretion[0].circumstance, "首次违法");
	SET(m->discretion[0].level, "lighter");
	m->discretion[0].max_fen = 500000;
	assert_int_equal(matter_validate(m, NULL), 0);
}

#define MATTER_LINES 14

/* Inserts a step titled title at index (0-based). */
static void insert_step(struct matter *m, size_t index, const char *title, int days)
{
	struct matter_step *steps = sx_reallocarray(m->steps, m->step_count + 1, sizeof(*steps));

	assert_non_null(steps);
	memmove(&steps[index + 1], &steps[index], (m->step_count - index) * sizeof(*steps));
	memset(&steps[index], 0, sizeof(*steps));
	SET(steps[index].title, title);
	steps[index].days = days;
	m->steps = steps;
	m->step_count++;
}

static void clear_all(struct matter *items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		matter_clear(&items[i]);
}

struct want_line {
	char op;
	const char *text;
};

static void assert_entry(const struct listdiff_entry *e, enum listdiff_kind kind, const char *code,
			 const char *name, const struct want_line *want, size_t want_count)
{
	size_t i;

	assert_int_equal(e->kind, kind);
	assert_string_equal(e->code, code);
	assert_string_equal(e->name, name);
	for (i = 0; i < e->line_count && i < want_count; i++) {
		if (e->lines[i].op != want[i].op || strcmp(e->lines[i].text, want[i].text) != 0)
			fail_msg("%s line %zu: %c%s, expected %c%s", code, i + 1, e->lines[i].op,
				 e->lines[i].text, want[i].op, want[i].text);
	}
	assert_int_equal(e->line_count, want_count);
}

/* Diffs one matter against its changed self; returns the single entry's lines. */
static void diff_one(struct listdiff *d, const struct matter *old_m, const struct matter *new_m)
{
	assert_int_equal(listdiff_compute(d, old_m, 1, new_m, 1), 0);
	assert_int_equal(d->count, 1);
	assert_int_equal(d->changed, 1);
	assert_int_equal(d->added + d->removed, 0);
	assert_int_equal(d->entries[0].kind, LISTDIFF_CHANGED);
}

static void test_identical_versions_have_no_entries(void **state)
{
	struct matter old_items[2], new_items[2];
	struct listdiff d;

	(void)state;
	matter_make(&old_items[0], "CF-1", "甲");
	matter_make(&old_items[1], "CF-2", "乙");
	/* Same content in other memory, and in another order: order alone is no change. */
	matter_make(&new_items[0], "CF-2", "乙");
	matter_make(&new_items[1], "CF-1", "甲");
	assert_int_equal(listdiff_compute(&d, old_items, 2, new_items, 2), 0);
	assert_int_equal(d.count, 0);
	assert_null(d.entries);
	assert_int_equal(d.added + d.removed + d.changed, 0);
	listdiff_free(&d);
	clear_all(old_items, 2);
	clear_all(new_items, 2);
}

static void test_two_empty_versions_have_no_entries(void **state)
{
	struct listdiff d;

	(void)state;
	assert_int_equal(listdiff_compute(&d, NULL, 0, NULL, 0), 0);
	assert_int_equal(d.count, 0);
	assert_null(d.entries);
	listdiff_free(&d);
	listdiff_free(NULL);
}

static const struct want_line cf1_lines[MATTER_LINES] = {
	{ '+', "编码：CF-1" },
	{ '+', "名称：甲" },
	{ '+', "类别：处罚" },
	{ '+', "责任单位：执法大队" },
	{ '+', "实施依据 1：《中华人民共和国食品安全法》第一百二十二条" },
	{ '+', "办理流程 1：立案" },
	{ '+', "办理流程 2：调查取证" },
	{ '+', "办理流程 3：决定" },
	{ '+', "随机抽查：否" },
	{ '+', "重大执法决定：否" },
	{ '+', "音像记录：不要求" },
	{ '+', "行政复议：区人民政府，60 日内" },
	{ '+', "行政诉讼：区人民法院，6 个月内" },
	{ '+', "裁量基准 1：从轻处罚｜首次违法｜0.00 元 至 5,000.00 元" },
};

static void test_first_version_lists_every_matter_as_added_in_its_order(void **state)
{
	struct matter new_items[2];
	struct listdiff d;
	size_t i;

	(void)state;
	matter_make(&new_items[0], "CF-9", "壬");
	matter_make(&new_items[1], "CF-1", "甲");
	assert_int_equal(listdiff_compute(&d, NULL, 0, new_items, 2), 0);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.added, 2);
	assert_int_equal(d.removed + d.changed, 0);
	assert_int_equal(d.entries[0].kind, LISTDIFF_ADDED);
	assert_string_equal(d.entries[0].code, "CF-9");
	assert_string_equal(d.entries[0].lines[0].text, "编码：CF-9");
	for (i = 0; i < d.entries[0].line_count; i++)
		assert_int_equal(d.entries[0].lines[i].op, '+');
	assert_entry(&d.entries[1], LISTDIFF_ADDED, "CF-1", "甲", cf1_lines, ARRAY_LEN(cf1_lines));
	listdiff_free(&d);
	clear_all(new_items, 2);
}

static void test_matters_gone_from_the_new_version_are_removed_in_old_order(void **state)
{
	struct matter old_items[3];
	struct listdiff d;
	size_t i;

	(void)state;
	matter_make(&old_items[0], "CF-3", "丙");
	matter_make(&old_items[1], "CF-1", "甲");
	matter_make(&old_items[2], "CF-2", "乙");
	assert_int_equal(listdiff_compute(&d, old_items, 3, &old_items[1], 1), 0);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.removed, 2);
	assert_int_equal(d.added + d.changed, 0);
	assert_string_equal(d.entries[0].code, "CF-3");
	assert_string_equal(d.entries[1].code, "CF-2");
	for (i = 0; i < 2; i++) {
		size_t j;

		assert_int_equal(d.entries[i].kind, LISTDIFF_REMOVED);
		assert_int_equal(d.entries[i].line_count, MATTER_LINES);
		for (j = 0; j < d.entries[i].line_count; j++)
			assert_int_equal(d.entries[i].lines[j].op, '-');
	}
	assert_string_equal(d.entries[1].name, "乙");
	assert_string_equal(d.entries[1].lines[1].text, "名称：乙");
	listdiff_free(&d);
	clear_all(old_items, 3);
}

static void test_entries_follow_the_new_order_then_removed_ones(void **state)
{
	struct matter old_items[4], new_items[3];
	struct listdiff d;

	(void)state;
	matter_make(&old_items[0], "A", "甲");
	matter_make(&old_items[1], "B", "乙");
	matter_make(&old_items[2], "C", "丙");
	matter_make(&old_items[3], "D", "丁");
	matter_make(&new_items[0], "E", "戊");
	matter_make(&new_items[1], "C", "丙（新）");
	matter_make(&new_items[2], "A", "甲");
	assert_int_equal(listdiff_compute(&d, old_items, 4, new_items, 3), 0);
	assert_int_equal(d.count, 4);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.changed, 1);
	assert_int_equal(d.removed, 2);
	assert_int_equal(d.entries[0].kind, LISTDIFF_ADDED);
	assert_string_equal(d.entries[0].code, "E");
	assert_int_equal(d.entries[1].kind, LISTDIFF_CHANGED);
	assert_string_equal(d.entries[1].code, "C");
	assert_string_equal(d.entries[1].name, "丙（新）");
	assert_int_equal(d.entries[2].kind, LISTDIFF_REMOVED);
	assert_string_equal(d.entries[2].code, "B");
	assert_int_equal(d.entries[3].kind, LISTDIFF_REMOVED);
	assert_string_equal(d.entries[3].code, "D");
	listdiff_free(&d);
	clear_all(old_items, 4);
	clear_all(new_items, 3);
}

static void test_an_inserted_step_is_one_added_line_despite_renumbering(void **state)
{
	static const struct want_line want[] = { { '+', "办理流程 2：告知（3 个工作日）" } };
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	matter_make(&old_m, "CF-1", "甲");
	matter_make(&new_m, "CF-1", "甲");
	insert_step(&new_m, 1, "告知", 3);
	diff_one(&d, &old_m, &new_m);
	assert_entry(&d.entries[0], LISTDIFF_CHANGED, "CF-1", "甲", want, ARRAY_LEN(want));
	listdiff_free(&d);
	matter_clear(&new_m);
	/* At the front, where every step after it is renumbered. */
	matter_make(&new_m, "CF-1", "甲");
	insert_step(&new_m, 0, "受理", 0);
	diff_one(&d, &old_m, &new_m);
	assert_int_equal(d.entries[0].line_count, 1);
	assert_int_equal(d.entries[0].lines[0].op, '+');
	assert_string_equal(d.entries[0].lines[0].text, "办理流程 1：受理");
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_a_removed_step_is_one_removed_line_with_its_old_number(void **state)
{
	static const struct want_line want[] = { { '-', "办理流程 2：调查取证" } };
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	matter_make(&old_m, "CF-1", "甲");
	matter_make(&new_m, "CF-1", "甲");
	new_m.steps[1] = new_m.steps[2];
	new_m.step_count = 2;
	diff_one(&d, &old_m, &new_m);
	assert_entry(&d.entries[0], LISTDIFF_CHANGED, "CF-1", "甲", want, ARRAY_LEN(want));
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_a_rename_shows_the_old_and_new_name_line(void **state)
{
	static const struct want_line want[] = {
		{ '-', "名称：对未取得许可从事食品生产经营的处罚" },
		{ '+', "名称：对未取得食品生产经营许可从事食品生产经营活动的处罚" },
	};
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	matter_make(&old_m, "CF-1", "对未取得许可从事食品生产经营的处罚");
	matter_make(&new_m, "CF-1", "对未取得食品生产经营许可从事食品生产经营活动的处罚");
	diff_one(&d, &old_m, &new_m);
	assert_entry(&d.entries[0], LISTDIFF_CHANGED, "CF-1",
		     "对未取得食品生产经营许可从事食品生产经营活动的处罚", want, ARRAY_LEN(want));
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_changes_in_two_places_come_in_line_order_removal_first(void **state)
{
	static const struct want_line want[] = {
		{ '-', "名称：甲" },
		{ '+', "名称：甲乙" },
		{ '-', "办理流程 2：调查取证" },
		{ '-', "办理流程 3：决定" },
		{ '+', "办理流程 2：调查" },
		{ '+', "办理流程 3：取证" },
		{ '+', "办理流程 4：告知" },
		{ '-', "裁量基准 1：从轻处罚｜首次违法｜0.00 元 至 5,000.00 元" },
		{ '+', "裁量基准 1：从轻处罚｜首次违法｜0.00 元 至 3,000.00 元｜警告" },
	};
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	matter_make(&old_m, "CF-1", "甲");
	matter_make(&new_m, "CF-1", "甲乙");
	SET(new_m.steps[1].title, "调查");
	SET(new_m.steps[2].title, "取证");
	insert_step(&new_m, 3, "告知", 0);
	new_m.discretion[0].max_fen = 300000;
	SET(new_m.discretion[0].other, "警告");
	diff_one(&d, &old_m, &new_m);
	assert_entry(&d.entries[0], LISTDIFF_CHANGED, "CF-1", "甲乙", want, ARRAY_LEN(want));
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_a_changed_flag_and_a_guide_show_as_their_own_lines(void **state)
{
	static const struct want_line want[] = {
		{ '-', "类别：处罚" },
		{ '+', "类别：许可" },
		{ '-', "重大执法决定：否" },
		{ '+', "重大执法决定：是" },
		{ '+', "申请材料 1：申请书" },
		{ '+', "法定时限：20 个工作日" },
		{ '+', "承诺时限：同法定时限" },
		{ '+', "收费：不收费" },
	};
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	matter_make(&old_m, "CF-1", "甲");
	matter_make(&new_m, "CF-1", "甲");
	new_m.act_type = MATTER_ACT_LICENSE;
	new_m.major_decision = true;
	new_m.has_guide = true;
	new_m.guide.materials = sx_calloc(1, sizeof(*new_m.guide.materials));
	assert_non_null(new_m.guide.materials);
	new_m.guide.material_count = 1;
	SET(new_m.guide.materials[0], "申请书");
	new_m.guide.legal_days = 20;
	assert_int_equal(matter_validate(&new_m, NULL), 0);
	diff_one(&d, &old_m, &new_m);
	assert_entry(&d.entries[0], LISTDIFF_CHANGED, "CF-1", "甲", want, ARRAY_LEN(want));
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

/* n bases "第 i 条", the first and last then changed in new_m. */
static void make_many_bases(struct matter *old_m, struct matter *new_m, size_t n)
{
	size_t i;

	matter_make(old_m, "CF-1", "甲");
	old_m->basis = sx_reallocarray(old_m->basis, n, sizeof(*old_m->basis));
	assert_non_null(old_m->basis);
	old_m->basis_count = n;
	for (i = 0; i < n; i++) {
		SET(old_m->basis[i].law, "《某条例》");
		snprintf(old_m->basis[i].article, sizeof(old_m->basis[i].article), "第 %zu 条",
			 i + 1);
	}
	assert_int_equal(matter_copy(new_m, old_m), 0);
	SET(new_m->basis[0].article, "第一条");
	SET(new_m->basis[n - 1].article, "最后一条");
}

static void test_a_long_middle_is_compared_line_by_line_below_the_table_limit(void **state)
{
	struct matter old_m, new_m;
	struct listdiff d;

	(void)state;
	/* 2000 × 2000 lines in the middle: 2001² cells, under 4 Mi. */
	make_many_bases(&old_m, &new_m, 2000);
	diff_one(&d, &old_m, &new_m);
	assert_int_equal(d.entries[0].line_count, 4);
	assert_string_equal(d.entries[0].lines[0].text, "实施依据 1：《某条例》第 1 条");
	assert_string_equal(d.entries[0].lines[1].text, "实施依据 1：《某条例》第一条");
	assert_string_equal(d.entries[0].lines[2].text, "实施依据 2000：《某条例》第 2000 条");
	assert_string_equal(d.entries[0].lines[3].text, "实施依据 2000：《某条例》最后一条");
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_a_middle_past_the_table_limit_is_all_removed_then_all_added(void **state)
{
	struct matter old_m, new_m;
	struct listdiff d;
	size_t i;

	(void)state;
	/* 2100 × 2100: 2101² cells, over 4 Mi. */
	make_many_bases(&old_m, &new_m, 2100);
	diff_one(&d, &old_m, &new_m);
	assert_int_equal(d.entries[0].line_count, 4200);
	for (i = 0; i < 4200; i++)
		assert_int_equal(d.entries[0].lines[i].op, i < 2100 ? '-' : '+');
	assert_string_equal(d.entries[0].lines[0].text, "实施依据 1：《某条例》第 1 条");
	assert_string_equal(d.entries[0].lines[2100].text, "实施依据 1：《某条例》第一条");
	listdiff_free(&d);
	matter_clear(&old_m);
	matter_clear(&new_m);
}

static void test_three_hundred_changed_matters_are_each_listed(void **state)
{
	static struct matter old_items[300], new_items[300];
	struct listdiff d;
	size_t i;

	(void)state;
	for (i = 0; i < 300; i++) {
		char code[16], name[32];

		snprintf(code, sizeof(code), "CF-%03zu", i);
		snprintf(name, sizeof(name), "事项 %zu", i);
		matter_make(&old_items[i], code, name);
		matter_make(&new_items[299 - i], code, name);
		new_items[299 - i].steps[2].days = 7;
	}
	assert_int_equal(listdiff_compute(&d, old_items, 300, new_items, 300), 0);
	assert_int_equal(d.count, 300);
	assert_int_equal(d.changed, 300);
	for (i = 0; i < 300; i++) {
		assert_string_equal(d.entries[i].code, new_items[i].code);
		assert_int_equal(d.entries[i].line_count, 2);
		assert_string_equal(d.entries[i].lines[1].text, "办理流程 3：决定（7 个工作日）");
	}
	listdiff_free(&d);
	clear_all(old_items, 300);
	clear_all(new_items, 300);
}

static void test_repeated_codes_and_bad_arguments_are_invalid(void **state)
{
	static const struct listdiff zero;
	struct matter items[2];
	struct listdiff d;

	(void)state;
	matter_make(&items[0], "CF-1", "甲");
	matter_make(&items[1], "CF-1", "乙");
	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(listdiff_compute(&d, items, 2, items, 1), SX_EINVALID);
	assert_memory_equal(&d, &zero, sizeof(zero));
	assert_int_equal(listdiff_compute(&d, items, 1, items, 2), SX_EINVALID);
	assert_memory_equal(&d, &zero, sizeof(zero));
	assert_int_equal(listdiff_compute(&d, NULL, 1, items, 1), SX_EINVALID);
	assert_int_equal(listdiff_compute(&d, items, 1, NULL, 1), SX_EINVALID);
	assert_int_equal(listdiff_compute(NULL, items, 1, items, 1), SX_EINVALID);
	/* A code without its NUL is not compared past its field. */
	memset(items[1].code, 'A', sizeof(items[1].code));
	assert_int_equal(listdiff_compute(&d, NULL, 0, &items[1], 1), SX_EINVALID);
	/* A matter matter_lines refuses makes the whole diff fail, leaving nothing behind. */
	SET(items[1].code, "CF-2");
	sx_free(items[1].steps);
	items[1].steps = NULL;
	assert_int_equal(listdiff_compute(&d, NULL, 0, items, 2), SX_EINVALID);
	assert_memory_equal(&d, &zero, sizeof(zero));
	clear_all(items, 2);
}

static void test_out_of_memory_at_every_allocation_is_enomem_and_leaves_nothing(void **state)
{
	static const struct listdiff zero;
	struct matter old_items[3], new_items[3];
	long n;

	(void)state;
	matter_make(&old_items[0], "A", "甲");
	matter_make(&old_items[1], "B", "乙");
	matter_make(&old_items[2], "C", "丙");
	matter_make(&new_items[0], "D", "丁");
	matter_make(&new_items[1], "A", "甲");
	matter_make(&new_items[2], "C", "丙（新）");
	insert_step(&new_items[2], 1, "告知", 3);
	for (n = 0; n < 10000; n++) {
		struct listdiff d;
		int rc;

		sx_mem_fail_after(n);
		rc = listdiff_compute(&d, old_items, 3, new_items, 3);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_int_equal(d.count, 3);
			listdiff_free(&d);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
		assert_memory_equal(&d, &zero, sizeof(zero));
	}
	/* Far more than a handful: the lines of each matter and of the diff were all failed. */
	assert_true(n > 50 && n < 10000);
	clear_all(old_items, 3);
	clear_all(new_items, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_versions_have_no_entries),
		cmocka_unit_test(test_two_empty_versions_have_no_entries),
		cmocka_unit_test(test_first_version_lists_every_matter_as_added_in_its_order),
		cmocka_unit_test(test_matters_gone_from_the_new_version_are_removed_in_old_order),
		cmocka_unit_test(test_entries_follow_the_new_order_then_removed_ones),
		cmocka_unit_test(test_an_inserted_step_is_one_added_line_despite_renumbering),
		cmocka_unit_test(test_a_removed_step_is_one_removed_line_with_its_old_number),
		cmocka_unit_test(test_a_rename_shows_the_old_and_new_name_line),
		cmocka_unit_test(test_changes_in_two_places_come_in_line_order_removal_first),
		cmocka_unit_test(test_a_changed_flag_and_a_guide_show_as_their_own_lines),
		cmocka_unit_test(test_a_long_middle_is_compared_line_by_line_below_the_table_limit),
		cmocka_unit_test(test_a_middle_past_the_table_limit_is_all_removed_then_all_added),
		cmocka_unit_test(test_three_hundred_changed_matters_are_each_listed),
		cmocka_unit_test(test_repeated_codes_and_bad_arguments_are_invalid),
		cmocka_unit_test(
			test_out_of_memory_at_every_allocation_is_enomem_and_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
