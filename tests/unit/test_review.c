/*
 * Unit tests for domain/review: the legal review (法制审核) of a major decision
 * — the ten-point checklist and the conclusions it allows, the materials of a
 * submission, the deadline in working days and its one extension, overdue and
 * days left, 回避, and the 5 % staffing rule (国办发〔2018〕118号 四).
 *
 * Deadlines use the built-in calendar (data/calendar/cn-holidays.json, loaded
 * with service_calendar_load_builtin). Around National Day 2026 it says:
 * 2026-09-30 is a Wednesday and a working day; 10-01..10-07 are off; 10-10
 * (Saturday) and 09-20 (Sunday) are make-up workdays; 09-25..09-27 are off
 * (Mid-Autumn). Expected dates were counted by hand and re-checked with a
 * few lines of Python over the same file (add = step one day at a time
 * counting workdays, the start day not counted).
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "calendar/calendar.h"
#include "domain/review.h"
#include "service/calendar.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int setup_calendar(void **state)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	struct sx_error err;

	if (cal == NULL)
		return -1;
	sx_error_clear(&err);
	if (service_calendar_load_builtin(cal, &err) < 0) {
		free(cal);
		return -1;
	}
	*state = cal;
	return 0;
}

static int teardown_calendar(void **state)
{
	calendar_clear(*state);
	free(*state);
	return 0;
}

/* A checklist with every item checked and passed, no notes. */
static void clean_checklist(struct review_item items[REVIEW_CHECK_COUNT])
{
	memset(items, 0, sizeof(struct review_item) * REVIEW_CHECK_COUNT);
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		items[i].checked = true;
		items[i].passed = true;
	}
}

/* Marks item c as a problem with a note. */
static void set_problem(struct review_item items[REVIEW_CHECK_COUNT], enum review_check c)
{
	items[c].passed = false;
	snprintf(items[c].note, sizeof(items[c].note), "%s", "证据不足以证明违法所得数额");
}

/* ---- words ---- */

static void test_every_check_has_its_code_and_label_and_codes_round_trip(void **state)
{
	static const struct {
		enum review_check c;
		const char *code;
		const char *label;
	} cases[] = {
	        {REVIEW_CHECK_SUBJECT, "subject", "执法主体合法"},
	        {REVIEW_CHECK_QUALIFICATION, "qualification", "执法人员具备资格"},
	        {REVIEW_CHECK_PROCEDURE, "procedure", "程序合法"},
	        {REVIEW_CHECK_FACTS, "facts", "事实清楚"},
	        {REVIEW_CHECK_EVIDENCE, "evidence", "证据确凿充分"},
	        {REVIEW_CHECK_LAW, "law", "适用法律准确"},
	        {REVIEW_CHECK_DISCRETION, "discretion", "裁量基准运用适当"},
	        {REVIEW_CHECK_AUTHORITY, "authority", "未超越职权"},
	        {REVIEW_CHECK_DOCUMENTS, "documents", "文书规范齐备"},
	        {REVIEW_CHECK_CRIME, "crime", "是否涉嫌犯罪需移送司法机关"},
	};
	struct sx_error err;
	enum review_check out;

	(void)state;
	assert_int_equal(ARRAY_LEN(cases), REVIEW_CHECK_COUNT);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_string_equal(review_check_code(cases[i].c), cases[i].code);
		assert_string_equal(review_check_label(cases[i].c), cases[i].label);
		out = REVIEW_CHECK_SUBJECT;
		assert_int_equal(review_check_from_code(&out, cases[i].code, &err), 0);
		assert_int_equal(out, cases[i].c);
	}
	assert_null(review_check_code((enum review_check)REVIEW_CHECK_COUNT));
	assert_null(review_check_label((enum review_check) - 1));
	out = REVIEW_CHECK_LAW;
	sx_error_clear(&err);
	assert_int_equal(review_check_from_code(&out, "Subject", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_review_check");
	assert_int_equal(out, REVIEW_CHECK_LAW);
	assert_int_equal(review_check_from_code(&out, NULL, &err), SX_EINVALID);
}

static void test_conclusions_and_materials_have_their_codes_and_labels(void **state)
{
	static const struct {
		enum review_conclusion c;
		const char *code;
		const char *label;
	} conclusions[] = {
	        {REVIEW_AGREE, "approve", "同意"},
	        {REVIEW_REVISE, "amend", "建议修改"},
	        {REVIEW_DISAGREE, "reject", "不同意"},
	};
	static const struct {
		enum review_material m;
		const char *code;
		const char *label;
	} materials[] = {
	        {REVIEW_MAT_DRAFT_DECISION, "draft_decision", "拟作出的行政执法决定"},
	        {REVIEW_MAT_INVESTIGATION_REPORT, "investigation_report", "调查终结报告"},
	        {REVIEW_MAT_EVIDENCE_LIST, "evidence_list", "证据目录"},
	        {REVIEW_MAT_HEARING_RECORD, "hearing_record", "听证笔录"},
	        {REVIEW_MAT_DISCUSSION_RECORD, "discussion_record", "集体讨论记录"},
	};
	struct sx_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(conclusions); i++) {
		enum review_conclusion out = (enum review_conclusion)0;

		assert_string_equal(review_conclusion_code(conclusions[i].c), conclusions[i].code);
		assert_string_equal(review_conclusion_label(conclusions[i].c),
		                    conclusions[i].label);
		assert_int_equal(review_conclusion_from_code(&out, conclusions[i].code, &err), 0);
		assert_int_equal(out, conclusions[i].c);
	}
	assert_null(review_conclusion_code((enum review_conclusion)0));
	assert_null(review_conclusion_label((enum review_conclusion)4));
	sx_error_clear(&err);
	{
		enum review_conclusion out = REVIEW_AGREE;

		assert_int_equal(review_conclusion_from_code(&out, "agree", &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_conclusion");
		assert_int_equal(out, REVIEW_AGREE);
	}

	assert_int_equal(ARRAY_LEN(materials), REVIEW_MAT_COUNT);
	for (size_t i = 0; i < ARRAY_LEN(materials); i++) {
		enum review_material out = REVIEW_MAT_DISCUSSION_RECORD;

		assert_string_equal(review_material_code(materials[i].m), materials[i].code);
		assert_string_equal(review_material_label(materials[i].m), materials[i].label);
		assert_int_equal(review_material_from_code(&out, materials[i].code, &err), 0);
		assert_int_equal(out, materials[i].m);
	}
	assert_null(review_material_code((enum review_material)REVIEW_MAT_COUNT));
	sx_error_clear(&err);
	{
		enum review_material out = REVIEW_MAT_EVIDENCE_LIST;

		assert_int_equal(review_material_from_code(&out, "", &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_material");
		assert_int_equal(out, REVIEW_MAT_EVIDENCE_LIST);
	}
}

/* ---- checklist and conclusion ---- */

static void test_a_clean_complete_checklist_may_be_agreed_to(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	clean_checklist(items);
	assert_false(review_has_problem(items));
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, NULL, &err), 0);
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, "同意作出处罚决定。", &err),
	                 0);
}

static void test_every_unchecked_item_makes_the_checklist_incomplete_and_is_named(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		clean_checklist(items);
		items[i].checked = false;
		/* a later unchecked item is not the one named */
		if (i + 1 < REVIEW_CHECK_COUNT)
			items[i + 1].checked = false;
		sx_error_clear(&err);
		assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, NULL, &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "checklist_incomplete");
		assert_non_null(strstr(err.message, review_check_label((enum review_check)i)));
		if (i + 1 < REVIEW_CHECK_COUNT)
			assert_null(strstr(err.message,
			                   review_check_label((enum review_check)(i + 1))));
	}
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(NULL, REVIEW_REVISE, "意见", &err), SX_EINVALID);
	assert_string_equal(err.code, "checklist_incomplete");
}

static void test_a_problem_without_a_note_is_refused_for_every_item(void **state)
{
	static const char *const blanks[] = {"", "   ", "\xe3\x80\x80\n\t", "\xc2\xa0"};
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		for (size_t b = 0; b < ARRAY_LEN(blanks); b++) {
			clean_checklist(items);
			items[i].passed = false;
			snprintf(items[i].note, sizeof(items[i].note), "%s", blanks[b]);
			sx_error_clear(&err);
			assert_int_equal(
			        review_check_conclusion(items, REVIEW_REVISE, "请补充证据", &err),
			        SX_EINVALID);
			assert_string_equal(err.code, "note_required");
			assert_non_null(
			        strstr(err.message, review_check_label((enum review_check)i)));
		}
	}
	/* with a note the same problem is accepted; passed items carry none */
	clean_checklist(items);
	set_problem(items, REVIEW_CHECK_EVIDENCE);
	assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "请补充证据", &err), 0);
}

static void test_a_note_without_its_nul_or_with_control_characters_is_bad(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	clean_checklist(items);
	memset(items[REVIEW_CHECK_LAW].note, 'a', sizeof(items[REVIEW_CHECK_LAW].note));
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_note");
	assert_non_null(strstr(err.message, "适用法律准确"));

	clean_checklist(items);
	set_problem(items, REVIEW_CHECK_FACTS);
	snprintf(items[REVIEW_CHECK_FACTS].note, sizeof(items[0].note), "%s", "事实\x01不清");
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "意见", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_note");

	clean_checklist(items);
	set_problem(items, REVIEW_CHECK_FACTS);
	snprintf(items[REVIEW_CHECK_FACTS].note, sizeof(items[0].note), "%s", "\xe4\xb8");
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "意见", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_note");

	/* several lines are fine */
	snprintf(items[REVIEW_CHECK_FACTS].note, sizeof(items[0].note), "%s",
	         "一、违法时间不清；\r\n二、\t地点不清。");
	assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "意见", &err), 0);
}

static void test_agree_is_refused_while_any_item_has_a_problem(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	for (int i = 0; i < REVIEW_CHECK_COUNT; i++) {
		clean_checklist(items);
		set_problem(items, (enum review_check)i);
		assert_true(review_has_problem(items));
		sx_error_clear(&err);
		assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, "同意", &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "agree_with_problems");
		if (i != REVIEW_CHECK_CRIME)
			assert_non_null(
			        strstr(err.message, review_check_label((enum review_check)i)));
		/* the same checklist may be sent back */
		assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "请修改", &err), 0);
		assert_int_equal(review_check_conclusion(items, REVIEW_DISAGREE, "不同意", &err),
		                 0);
	}
}

static void test_a_suspected_crime_cannot_be_agreed_to_and_asks_for_transfer(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	clean_checklist(items);
	set_problem(items, REVIEW_CHECK_DOCUMENTS);
	set_problem(items, REVIEW_CHECK_CRIME);
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "agree_with_problems");
	assert_non_null(strstr(err.message, "移送司法机关"));
	assert_int_equal(
	        review_check_conclusion(items, REVIEW_DISAGREE, "涉嫌犯罪，建议移送公安机关", &err),
	        0);
}

static void test_revise_and_disagree_need_a_problem(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	clean_checklist(items);
	/* a note on a passed item is not a problem */
	snprintf(items[REVIEW_CHECK_PROCEDURE].note, sizeof(items[0].note), "%s", "已告知听证权利");
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_REVISE, "请修改", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "problem_required");
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_DISAGREE, "不同意", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "problem_required");
}

static void test_revise_and_disagree_need_an_opinion(void **state)
{
	static const enum review_conclusion cs[] = {REVIEW_REVISE, REVIEW_DISAGREE};
	static const char *const opinions[] = {NULL, "", " \xe3\x80\x80\n"};
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;

	(void)state;
	clean_checklist(items);
	set_problem(items, REVIEW_CHECK_DISCRETION);
	for (size_t c = 0; c < ARRAY_LEN(cs); c++) {
		for (size_t o = 0; o < ARRAY_LEN(opinions); o++) {
			sx_error_clear(&err);
			assert_int_equal(review_check_conclusion(items, cs[c], opinions[o], &err),
			                 SX_EINVALID);
			assert_string_equal(err.code, "opinion_required");
		}
	}
}

static void test_an_unknown_conclusion_or_a_bad_opinion_is_refused(void **state)
{
	struct review_item items[REVIEW_CHECK_COUNT];
	struct sx_error err;
	char *long_opinion;

	(void)state;
	clean_checklist(items);
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, (enum review_conclusion)0, NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_conclusion");
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, (enum review_conclusion)9, NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_conclusion");

	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, "同意\x7f", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_opinion");

	long_opinion = malloc(REVIEW_OPINION_MAX_BYTES + 2);
	assert_non_null(long_opinion);
	memset(long_opinion, 'x', REVIEW_OPINION_MAX_BYTES + 1);
	long_opinion[REVIEW_OPINION_MAX_BYTES + 1] = '\0';
	sx_error_clear(&err);
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, long_opinion, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_opinion");
	long_opinion[REVIEW_OPINION_MAX_BYTES] = '\0'; /* exactly the limit */
	assert_int_equal(review_check_conclusion(items, REVIEW_AGREE, long_opinion, &err), 0);
	free(long_opinion);
}

/* ---- materials ---- */

#define BIT(m) (1u << (m))
#define REQUIRED3                                                                                  \
	(BIT(REVIEW_MAT_DRAFT_DECISION) | BIT(REVIEW_MAT_INVESTIGATION_REPORT) |                   \
	 BIT(REVIEW_MAT_EVIDENCE_LIST))

static void test_the_three_required_materials_make_a_complete_submission(void **state)
{
	struct sx_error err;
	unsigned missing = 99;

	(void)state;
	assert_int_equal(review_materials_check(&missing, REQUIRED3, false, &err), 0);
	assert_int_equal(missing, 0);
	/* the discussion record is never required, but may be present */
	missing = 99;
	assert_int_equal(review_materials_check(&missing,
	                                        REQUIRED3 | BIT(REVIEW_MAT_DISCUSSION_RECORD),
	                                        false, &err),
	                 0);
	assert_int_equal(missing, 0);
	assert_int_equal(review_materials_check(NULL, REQUIRED3, false, &err), 0);
}

static void test_missing_materials_are_listed_by_label_in_order(void **state)
{
	struct sx_error err;
	unsigned missing = 0;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(review_materials_check(&missing, 0, false, &err), SX_EINVALID);
	assert_string_equal(err.code, "materials_incomplete");
	assert_int_equal(missing, REQUIRED3);
	assert_non_null(strstr(err.message, "拟作出的行政执法决定、调查终结报告、证据目录"));
	assert_null(strstr(err.message, "听证笔录"));
	assert_null(strstr(err.message, "集体讨论记录"));

	sx_error_clear(&err);
	assert_int_equal(review_materials_check(&missing,
	                                        BIT(REVIEW_MAT_DRAFT_DECISION) |
	                                                BIT(REVIEW_MAT_EVIDENCE_LIST),
	                                        false, &err),
	                 SX_EINVALID);
	assert_int_equal(missing, BIT(REVIEW_MAT_INVESTIGATION_REPORT));
	assert_non_null(strstr(err.message, "缺少：调查终结报告"));
	assert_null(strstr(err.message, "证据目录"));
}

static void test_a_hearing_held_requires_its_record(void **state)
{
	struct sx_error err;
	unsigned missing = 0;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(review_materials_check(&missing, REQUIRED3, true, &err), SX_EINVALID);
	assert_string_equal(err.code, "materials_incomplete");
	assert_int_equal(missing, BIT(REVIEW_MAT_HEARING_RECORD));
	assert_non_null(strstr(err.message, "听证笔录"));

	assert_int_equal(review_materials_check(
	                         &missing, REQUIRED3 | BIT(REVIEW_MAT_HEARING_RECORD), true, &err),
	                 0);
	assert_int_equal(missing, 0);

	sx_error_clear(&err);
	assert_int_equal(
	        review_materials_check(&missing, BIT(REVIEW_MAT_DRAFT_DECISION), true, &err),
	        SX_EINVALID);
	assert_int_equal(missing, BIT(REVIEW_MAT_INVESTIGATION_REPORT) |
	                                  BIT(REVIEW_MAT_EVIDENCE_LIST) |
	                                  BIT(REVIEW_MAT_HEARING_RECORD));
	assert_non_null(strstr(err.message, "调查终结报告、证据目录、听证笔录"));
}

static void test_unknown_material_bits_are_refused(void **state)
{
	struct sx_error err;
	unsigned missing = 7;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(
	        review_materials_check(&missing, REQUIRED3 | BIT(REVIEW_MAT_COUNT), false, &err),
	        SX_EINVALID);
	assert_string_equal(err.code, "bad_material");
	assert_int_equal(missing, 0);
}

/* ---- deadlines ---- */

static void test_an_urgent_review_accepted_before_national_day_is_due_after_it(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];

	sx_error_clear(&err);
	assert_int_equal(review_due(due, cal, "2026-09-30", true, &err), 0);
	assert_string_equal(due, "2026-10-08");
}

static void test_a_normal_review_counts_a_make_up_saturday_as_a_working_day(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];

	/* 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班) */
	assert_int_equal(review_due(due, cal, "2026-09-30", false, &err), 0);
	assert_string_equal(due, "2026-10-10");
	/* 09-20 is a make-up Sunday: Fri 09-18 + 3 = Sun 09-20, Mon 09-21, Tue 09-22 */
	assert_int_equal(review_due(due, cal, "2026-09-18", false, &err), 0);
	assert_string_equal(due, "2026-09-22");
	/* a plain weekend: Fri 03-06 + 3 = Mon, Tue, Wed */
	assert_int_equal(review_due(due, cal, "2026-03-06", false, &err), 0);
	assert_string_equal(due, "2026-03-11");
	/* Mid-Autumn 09-25..27 off: Thu 09-24 + 3 = 09-28, 09-29, 09-30; urgent 09-28 */
	assert_int_equal(review_due(due, cal, "2026-09-24", false, &err), 0);
	assert_string_equal(due, "2026-09-30");
	assert_int_equal(review_due(due, cal, "2026-09-24", true, &err), 0);
	assert_string_equal(due, "2026-09-28");
	/* accepted on a holiday: counting starts the next working day */
	assert_int_equal(review_due(due, cal, "2026-10-03", true, &err), 0);
	assert_string_equal(due, "2026-10-08");
}

static void test_a_review_may_be_extended_once_by_two_working_days(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11], extended[11];

	assert_int_equal(review_due(due, cal, "2026-09-30", false, &err), 0);
	/* from Sat 10-10: Mon 10-12, Tue 10-13 */
	sx_error_clear(&err);
	assert_int_equal(review_extend(extended, cal, due, false, &err), 0);
	assert_string_equal(extended, "2026-10-13");

	memset(due, 'x', sizeof(due));
	sx_error_clear(&err);
	assert_int_equal(review_extend(due, cal, extended, true, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "already_extended");
	assert_string_equal(due, "");
}

static void test_malformed_dates_are_bad_date(void **state)
{
	static const char *const bad[] = {NULL,         "",           "2026-9-30",
	                                  "2026-09-31", "2026-02-29", "2026-09-30x",
	                                  "2026/09/30", "20260930"};
	const struct calendar *cal = *state;
	struct sx_error err;
	char out[11];
	int left = 42;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		memset(out, 'x', sizeof(out));
		sx_error_clear(&err);
		assert_int_equal(review_due(out, cal, bad[i], false, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_string_equal(out, "");
		sx_error_clear(&err);
		/* a bad date is reported before the extension is refused */
		assert_int_equal(review_extend(out, cal, bad[i], true, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		sx_error_clear(&err);
		assert_int_equal(review_workdays_left(&left, cal, bad[i], "2026-10-08", &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		sx_error_clear(&err);
		assert_int_equal(review_workdays_left(&left, cal, "2026-10-08", bad[i], &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_int_equal(left, 42);
		assert_false(review_is_overdue(bad[i], "2026-10-08"));
		assert_false(review_is_overdue("2026-10-08", bad[i]));
	}
	assert_int_equal(review_due(NULL, cal, "2026-09-30", false, &err), SX_EINVALID);
	assert_int_equal(review_due(out, NULL, "2026-09-30", false, &err), SX_EINVALID);
	assert_int_equal(review_extend(out, NULL, "2026-09-30", false, &err), SX_EINVALID);
	assert_int_equal(review_workdays_left(NULL, cal, "2026-09-30", "2026-09-30", &err),
	                 SX_EINVALID);
}

static void test_a_deadline_in_an_unknown_year_is_an_error_from_the_calendar(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char out[11];
	int left = 42;

	/* Wed 2026-12-30 + 3 runs into 2027, which the built-in data does not hold */
	sx_error_clear(&err);
	assert_int_equal(review_due(out, cal, "2026-12-30", false, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "calendar_year_unknown");
	assert_string_equal(out, "");
	assert_int_equal(review_due(out, cal, "2026-12-30", true, &err), 0);
	assert_string_equal(out, "2026-12-31");
	sx_error_clear(&err);
	assert_int_equal(review_extend(out, cal, "2026-12-31", false, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "calendar_year_unknown");
	sx_error_clear(&err);
	assert_int_equal(review_due(out, cal, "2017-12-29", false, &err), SX_ENOTFOUND);
	sx_error_clear(&err);
	assert_int_equal(review_workdays_left(&left, cal, "2026-12-31", "2027-01-04", &err),
	                 SX_ENOTFOUND);
	assert_string_equal(err.code, "calendar_year_unknown");
	assert_int_equal(left, 42);
}

static void test_a_review_is_overdue_only_after_its_due_day(void **state)
{
	(void)state;
	assert_false(review_is_overdue("2026-10-10", "2026-10-09"));
	assert_false(review_is_overdue("2026-10-10", "2026-10-10"));
	assert_true(review_is_overdue("2026-10-10", "2026-10-11"));
	assert_true(review_is_overdue("2026-10-10", "2027-01-01"));
	assert_false(review_is_overdue("2026-10-10", "2025-12-31"));
}

static void test_working_days_left_count_down_to_zero_then_go_negative(void **state)
{
	static const struct {
		const char *today;
		int left;
	} cases[] = {
	        {"2026-09-30", 3}, /* the day of acceptance */
	        {"2026-10-01", 3}, /* holidays do not count down */
	        {"2026-10-08", 2}, /* 10-09 and 10-10 left */
	        {"2026-10-09", 1},
	        {"2026-10-10", 0},  /* the due day itself: last day, not overdue */
	        {"2026-10-11", -1}, /* a Sunday right after: overdue, never shown as 0 */
	        {"2026-10-12", -1},
	        {"2026-10-13", -2},
	};
	const struct calendar *cal = *state;
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int left = 99;

		sx_error_clear(&err);
		assert_int_equal(
		        review_workdays_left(&left, cal, "2026-10-10", cases[i].today, &err), 0);
		assert_int_equal(left, cases[i].left);
		assert_int_equal(review_is_overdue("2026-10-10", cases[i].today),
		                 cases[i].left < 0);
	}
}

/* ---- 回避 ---- */

static void test_an_officer_of_the_case_may_not_review_it(void **state)
{
	const char *const officers[] = {"off-1", NULL, "", "off-2"};
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(
	        review_assignment_check("u-9", "off-2", officers, ARRAY_LEN(officers), "u-1", &err),
	        SX_EPERM);
	assert_string_equal(err.code, "reviewer_conflict");
	assert_non_null(strstr(err.message, "回避"));
	assert_non_null(strstr(err.message, "承办"));
}

static void test_the_submitter_may_not_review_the_case(void **state)
{
	const char *const officers[] = {"off-1", "off-2"};
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(
	        review_assignment_check("u-1", "", officers, ARRAY_LEN(officers), "u-1", &err),
	        SX_EPERM);
	assert_string_equal(err.code, "reviewer_conflict");
	assert_non_null(strstr(err.message, "送审人"));
}

static void test_an_unrelated_reviewer_may_review(void **state)
{
	const char *const officers[] = {"off-1", "off-2"};
	struct sx_error err;

	(void)state;
	/* no officer record */
	assert_int_equal(review_assignment_check("u-9", "", officers, 2, "u-1", &err), 0);
	assert_int_equal(review_assignment_check("u-9", NULL, officers, 2, "u-1", &err), 0);
	/* an officer, but not of this case; an empty id on the case matches nothing */
	assert_int_equal(review_assignment_check("u-9", "off-3", officers, 2, "u-1", &err), 0);
	/* the officer id is only compared with the first count entries */
	assert_int_equal(review_assignment_check("u-9", "off-2", officers, 1, "u-1", &err), 0);
	assert_int_equal(review_assignment_check("u-9", "off-3", NULL, 0, NULL, &err), 0);
}

static void test_an_assignment_without_a_reviewer_is_invalid(void **state)
{
	const char *const officers[] = {"off-1"};
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(review_assignment_check("", "", officers, 1, "u-1", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_reviewer");
	assert_int_equal(review_assignment_check(NULL, "", officers, 1, "u-1", &err), SX_EINVALID);
	assert_int_equal(review_assignment_check("u-9", "off-1", NULL, 1, "u-1", &err),
	                 SX_EINVALID);
}

/* ---- staffing ---- */

static void test_an_agency_needs_reviewers_for_five_percent_of_its_officers(void **state)
{
	static const struct {
		int64_t officers;
		int64_t required;
	} cases[] = {
	        {0, 1},
	        {1, 1},
	        {19, 1},
	        {20, 1},
	        {21, 2},
	        {40, 2},
	        {41, 3},
	        {100, 5},
	        {101, 6},
	        {-5, 1},
	        {INT64_MAX, INT64_MAX / 20 + 1},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t required = -1;
		int64_t need = cases[i].required;

		assert_true(review_staffing_short(&required, need - 1, cases[i].officers));
		assert_int_equal(required, need);
		assert_false(review_staffing_short(&required, need, cases[i].officers));
		assert_false(review_staffing_short(NULL, need + 1, cases[i].officers));
	}
	assert_true(review_staffing_short(NULL, 0, 0));
	assert_true(review_staffing_short(NULL, -1, 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_check_has_its_code_and_label_and_codes_round_trip),
	        cmocka_unit_test(test_conclusions_and_materials_have_their_codes_and_labels),
	        cmocka_unit_test(test_a_clean_complete_checklist_may_be_agreed_to),
	        cmocka_unit_test(
	                test_every_unchecked_item_makes_the_checklist_incomplete_and_is_named),
	        cmocka_unit_test(test_a_problem_without_a_note_is_refused_for_every_item),
	        cmocka_unit_test(test_a_note_without_its_nul_or_with_control_characters_is_bad),
	        cmocka_unit_test(test_agree_is_refused_while_any_item_has_a_problem),
	        cmocka_unit_test(test_a_suspected_crime_cannot_be_agreed_to_and_asks_for_transfer),
	        cmocka_unit_test(test_revise_and_disagree_need_a_problem),
	        cmocka_unit_test(test_revise_and_disagree_need_an_opinion),
	        cmocka_unit_test(test_an_unknown_conclusion_or_a_bad_opinion_is_refused),
	        cmocka_unit_test(test_the_three_required_materials_make_a_complete_submission),
	        cmocka_unit_test(test_missing_materials_are_listed_by_label_in_order),
	        cmocka_unit_test(test_a_hearing_held_requires_its_record),
	        cmocka_unit_test(test_unknown_material_bits_are_refused),
	        cmocka_unit_test(
	                test_an_urgent_review_accepted_before_national_day_is_due_after_it),
	        cmocka_unit_test(test_a_normal_review_counts_a_make_up_saturday_as_a_working_day),
	        cmocka_unit_test(test_a_review_may_be_extended_once_by_two_working_days),
	        cmocka_unit_test(test_malformed_dates_are_bad_date),
	        cmocka_unit_test(test_a_deadline_in_an_unknown_year_is_an_error_from_the_calendar),
	        cmocka_unit_test(test_a_review_is_overdue_only_after_its_due_day),
	        cmocka_unit_test(test_working_days_left_count_down_to_zero_then_go_negative),
	        cmocka_unit_test(test_an_officer_of_the_case_may_not_review_it),
	        cmocka_unit_test(test_the_submitter_may_not_review_the_case),
	        cmocka_unit_test(test_an_unrelated_reviewer_may_review),
	        cmocka_unit_test(test_an_assignment_without_a_reviewer_is_invalid),
	        cmocka_unit_test(test_an_agency_needs_reviewers_for_five_percent_of_its_officers),
	};

	return cmocka_run_group_tests(tests, setup_calendar, teardown_calendar);
}
