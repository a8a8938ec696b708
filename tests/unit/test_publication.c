/*
 * Unit tests for domain/publication: the rules of 事后公开 — the deadlines of
 * publication (7 working days for 许可 and 处罚, 20 for the others,
 * 国办发〔2018〕118号 二(三)) and of withdrawal (7), overdue and days left,
 * the statuses and their moves (the second-person rule, reasons), the check of
 * the public content, and the diff of a correction.
 *
 * Deadlines use the built-in calendar (data/calendar/cn-holidays.json, loaded
 * with service_calendar_load_builtin, as test_review.c does). Around National
 * Day 2026 it says: 10-01..10-07 are off; 10-10 (Saturday) and 09-20 (Sunday)
 * are make-up workdays; 09-25..09-27 are off (Mid-Autumn). Expected dates were
 * counted by hand and re-checked with a few lines of Python over the same file
 * (step one day at a time counting workdays, the start day not counted).
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
#include "domain/idcheck.h"
#include "domain/publication.h"
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

/* ---- words ---- */

static void test_acts_statuses_and_reasons_have_codes_and_labels_that_round_trip(void **state)
{
	static const struct {
		enum publication_act a;
		const char *code, *label;
	} acts[] = {
	        {PUBLICATION_ACT_LICENSE, "license", "行政许可"},
	        {PUBLICATION_ACT_PENALTY, "penalty", "行政处罚"},
	        {PUBLICATION_ACT_COERCION, "coercion", "行政强制"},
	        {PUBLICATION_ACT_INSPECTION, "inspection", "行政检查"},
	        {PUBLICATION_ACT_OTHER, "other", "其他"},
	};
	static const struct {
		enum publication_status s;
		const char *code, *label;
	} statuses[] = {
	        {PUBLICATION_DRAFT, "draft", "待发布"},
	        {PUBLICATION_PENDING_CHECK, "pending_check", "待核"},
	        {PUBLICATION_PUBLISHED, "published", "已公开"},
	        {PUBLICATION_WITHDRAWN, "withdrawn", "已撤下"},
	        {PUBLICATION_CORRECTED, "corrected", "已更正"},
	        {PUBLICATION_WITHHELD, "withheld", "不予公开"},
	};
	static const struct {
		enum publication_withdraw_reason r;
		const char *code, *label;
	} withdraws[] = {
	        {PUBLICATION_WITHDRAW_REVOKED, "revoked", "被依法撤销"},
	        {PUBLICATION_WITHDRAW_CONFIRMED_ILLEGAL, "confirmed_illegal", "被确认违法"},
	        {PUBLICATION_WITHDRAW_REMADE, "remade", "被责令重新作出"},
	        {PUBLICATION_WITHDRAW_OTHER, "other", "其他"},
	};
	static const struct {
		enum publication_withhold_reason r;
		const char *code, *label;
	} withholds[] = {
	        {PUBLICATION_WITHHOLD_STATE_SECRET, "state_secret", "国家秘密"},
	        {PUBLICATION_WITHHOLD_TRADE_SECRET, "trade_secret", "商业秘密"},
	        {PUBLICATION_WITHHOLD_PERSONAL_PRIVACY, "personal_privacy", "个人隐私"},
	};
	struct sx_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(acts); i++) {
		enum publication_act a = PUBLICATION_ACT_OTHER;

		assert_string_equal(publication_act_code(acts[i].a), acts[i].code);
		assert_string_equal(publication_act_label(acts[i].a), acts[i].label);
		if (acts[i].a != PUBLICATION_ACT_LICENSE) {
			assert_int_equal(publication_act_from_code(&a, "license", &err), 0);
			assert_int_equal(a, PUBLICATION_ACT_LICENSE);
		}
		assert_int_equal(publication_act_from_code(&a, acts[i].code, &err), 0);
		assert_int_equal(a, acts[i].a);
	}
	for (size_t i = 0; i < ARRAY_LEN(statuses); i++) {
		enum publication_status s = 0;

		assert_string_equal(publication_status_code(statuses[i].s), statuses[i].code);
		assert_string_equal(publication_status_label(statuses[i].s), statuses[i].label);
		assert_int_equal(publication_status_from_code(&s, statuses[i].code, &err), 0);
		assert_int_equal(s, statuses[i].s);
	}
	for (size_t i = 0; i < ARRAY_LEN(withdraws); i++) {
		enum publication_withdraw_reason r = 0;

		assert_string_equal(publication_withdraw_reason_code(withdraws[i].r),
		                    withdraws[i].code);
		assert_string_equal(publication_withdraw_reason_label(withdraws[i].r),
		                    withdraws[i].label);
		assert_int_equal(publication_withdraw_reason_from_code(&r, withdraws[i].code, &err),
		                 0);
		assert_int_equal(r, withdraws[i].r);
	}
	for (size_t i = 0; i < ARRAY_LEN(withholds); i++) {
		enum publication_withhold_reason r = 0;

		assert_string_equal(publication_withhold_reason_code(withholds[i].r),
		                    withholds[i].code);
		assert_string_equal(publication_withhold_reason_label(withholds[i].r),
		                    withholds[i].label);
		assert_int_equal(publication_withhold_reason_from_code(&r, withholds[i].code, &err),
		                 0);
		assert_int_equal(r, withholds[i].r);
	}
}

static void test_unknown_words_are_refused_and_out_of_range_values_have_no_words(void **state)
{
	enum publication_act a = PUBLICATION_ACT_COERCION;
	enum publication_status s = PUBLICATION_DRAFT;
	enum publication_withdraw_reason wr = PUBLICATION_WITHDRAW_REMADE;
	enum publication_withhold_reason hr = PUBLICATION_WITHHOLD_TRADE_SECRET;
	struct sx_error err;

	(void)state;
	assert_null(publication_act_code(0));
	assert_null(publication_act_label((enum publication_act)6));
	assert_null(publication_status_code(0));
	assert_null(publication_status_label((enum publication_status)7));
	assert_null(publication_withdraw_reason_code(0));
	assert_null(publication_withhold_reason_label((enum publication_withhold_reason)4));
	assert_null(publication_field_code((enum publication_field) - 1));
	assert_null(publication_field_label((enum publication_field)PUBLICATION_FIELD_COUNT));

	sx_error_clear(&err);
	assert_int_equal(publication_act_from_code(&a, "处罚", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_act_type");
	assert_int_equal(publication_act_from_code(&a, NULL, &err), SX_EINVALID);
	assert_int_equal(publication_act_from_code(NULL, "penalty", &err), SX_EINVALID);
	assert_int_equal(a, PUBLICATION_ACT_COERCION);
	sx_error_clear(&err);
	assert_int_equal(publication_status_from_code(&s, "Published", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_status");
	assert_int_equal(s, PUBLICATION_DRAFT);
	sx_error_clear(&err);
	/* a withhold reason is not a withdraw reason, and the other way round */
	assert_int_equal(publication_withdraw_reason_from_code(&wr, "state_secret", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_reason");
	assert_int_equal(wr, PUBLICATION_WITHDRAW_REMADE);
	sx_error_clear(&err);
	assert_int_equal(publication_withhold_reason_from_code(&hr, "revoked", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_reason");
	assert_int_equal(hr, PUBLICATION_WITHHOLD_TRADE_SECRET);
}

/* ---- deadlines ---- */

static void test_a_penalty_decided_before_national_day_counts_the_make_up_saturday(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];

	/* 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班), 10-12 .. 10-15 */
	sx_error_clear(&err);
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_PENALTY, "2026-09-30", &err), 0);
	assert_string_equal(due, "2026-10-15");
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_LICENSE, "2026-09-30", &err), 0);
	assert_string_equal(due, "2026-10-15");
	/* decided on a holiday: counting starts on the next working day */
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_PENALTY, "2026-10-03", &err), 0);
	assert_string_equal(due, "2026-10-15");
	/* Sun 09-20 is a make-up workday and Mid-Autumn 09-25..27 is off:
	 * 09-20, 21, 22, 23, 24, 28, 29 */
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_LICENSE, "2026-09-18", &err), 0);
	assert_string_equal(due, "2026-09-29");
	/* a plain March week: Fri 03-06 + 7 = Tue 03-17 */
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_PENALTY, "2026-03-06", &err), 0);
	assert_string_equal(due, "2026-03-17");
}

static void test_other_acts_have_twenty_working_days(void **state)
{
	static const enum publication_act others[] = {
	        PUBLICATION_ACT_COERCION, PUBLICATION_ACT_INSPECTION, PUBLICATION_ACT_OTHER};
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];

	for (size_t i = 0; i < ARRAY_LEN(others); i++) {
		sx_error_clear(&err);
		assert_int_equal(publication_due(due, cal, others[i], "2026-09-30", &err), 0);
		assert_string_equal(due, "2026-11-03");
		assert_int_equal(publication_due(due, cal, others[i], "2026-03-06", &err), 0);
		assert_string_equal(due, "2026-04-03");
	}
}

static void test_a_withdrawal_is_due_seven_working_days_after_the_revocation(void **state)
{
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];

	sx_error_clear(&err);
	assert_int_equal(publication_withdraw_due(due, cal, "2026-09-30", &err), 0);
	assert_string_equal(due, "2026-10-15");
	assert_int_equal(publication_withdraw_due(due, cal, "2026-09-24", &err), 0);
	assert_string_equal(due, "2026-10-12");
	assert_int_equal(publication_withdraw_due(due, cal, "2026-12-22", &err), 0);
	assert_string_equal(due, "2026-12-31");
}

static void
test_bad_dates_acts_and_unknown_years_are_refused_and_leave_an_empty_due_date(void **state)
{
	static const char *const bad[] = {
	        NULL, "", "2026-9-30", "2026-09-31", "2026-02-29", "2026-09-30x", "2026/09/30"};
	const struct calendar *cal = *state;
	struct sx_error err;
	char due[11];
	int left = 42;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		memset(due, 'x', sizeof(due));
		sx_error_clear(&err);
		assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_PENALTY, bad[i], &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_string_equal(due, "");
		memset(due, 'x', sizeof(due));
		sx_error_clear(&err);
		assert_int_equal(publication_withdraw_due(due, cal, bad[i], &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_string_equal(due, "");
		sx_error_clear(&err);
		assert_int_equal(publication_days_left(&left, cal, bad[i], "2026-10-08", &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		sx_error_clear(&err);
		assert_int_equal(publication_days_left(&left, cal, "2026-10-08", bad[i], &err),
		                 SX_EINVALID);
		assert_string_equal(err.code, "bad_date");
		assert_int_equal(left, 42);
	}
	memset(due, 'x', sizeof(due));
	sx_error_clear(&err);
	assert_int_equal(publication_due(due, cal, (enum publication_act)0, "2026-09-30", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_act_type");
	assert_string_equal(due, "");
	assert_int_equal(publication_due(NULL, cal, PUBLICATION_ACT_PENALTY, "2026-09-30", &err),
	                 SX_EINVALID);
	assert_int_equal(publication_due(due, NULL, PUBLICATION_ACT_PENALTY, "2026-09-30", &err),
	                 SX_EINVALID);
	assert_int_equal(publication_withdraw_due(due, NULL, "2026-09-30", &err), SX_EINVALID);
	assert_int_equal(publication_days_left(NULL, cal, "2026-09-30", "2026-09-30", &err),
	                 SX_EINVALID);

	/* Wed 12-23 + 7 runs into 2027, which the built-in data does not hold */
	sx_error_clear(&err);
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_PENALTY, "2026-12-23", &err),
	                 SX_ENOTFOUND);
	assert_string_equal(err.code, "calendar_year_unknown");
	assert_string_equal(due, "");
	sx_error_clear(&err);
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_OTHER, "2026-12-03", &err), 0);
	assert_string_equal(due, "2026-12-31");
	sx_error_clear(&err);
	assert_int_equal(publication_due(due, cal, PUBLICATION_ACT_OTHER, "2026-12-04", &err),
	                 SX_ENOTFOUND);
	sx_error_clear(&err);
	assert_int_equal(publication_withdraw_due(due, cal, "2026-12-23", &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "calendar_year_unknown");
	sx_error_clear(&err);
	assert_int_equal(publication_days_left(&left, cal, "2026-12-31", "2027-01-04", &err),
	                 SX_ENOTFOUND);
	assert_int_equal(left, 42);
}

static void test_a_publication_is_overdue_only_after_its_due_day(void **state)
{
	static const struct {
		const char *due, *done, *today;
		bool overdue;
	} cases[] = {
	        /* not done: today against the due day */
	        {"2026-10-15", "", "2026-10-14", false},
	        {"2026-10-15", "", "2026-10-15", false},
	        {"2026-10-15", "", "2026-10-16", true},
	        {"2026-10-15", NULL, "2026-10-16", true},
	        {"2026-10-15", NULL, "2025-12-31", false},
	        /* done: the day it was done, whatever today is */
	        {"2026-10-15", "2026-10-14", "2027-06-01", false},
	        {"2026-10-15", "2026-10-15", "2027-06-01", false},
	        {"2026-10-15", "2026-10-16", "2026-10-16", true},
	        {"2026-10-15", "2026-10-16", "2026-10-01", true},
	        /* nothing can be said about bad dates */
	        {"2026-10-15", "", "2026-1-16", false},
	        {"2026-10-15", "2026-10-32", "2027-01-01", false},
	        {"2026-13-15", "", "2027-01-01", false},
	        {NULL, "", "2027-01-01", false},
	        {"2026-10-15", NULL, NULL, false},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (publication_is_overdue(cases[i].due, cases[i].done, cases[i].today) !=
		    cases[i].overdue)
			fail_msg("case %zu: due %s done %s today %s", i,
			         cases[i].due ? cases[i].due : "NULL",
			         cases[i].done ? cases[i].done : "NULL",
			         cases[i].today ? cases[i].today : "NULL");
	}
}

static void test_working_days_left_count_down_to_zero_on_the_due_day_then_go_negative(void **state)
{
	static const struct {
		const char *today;
		int left;
	} cases[] = {
	        {"2026-09-30", 7},                     /* the decision day */
	        {"2026-10-01", 7},                     /* holidays do not count down */
	        {"2026-10-08", 6},  {"2026-10-10", 4}, /* the make-up Saturday counts down */
	        {"2026-10-14", 1},  {"2026-10-15", 0}, /* the due day: last day, not overdue */
	        {"2026-10-16", -1},                    /* overdue */
	        {"2026-10-17", -1},                    /* the weekend after: still −1, never 0 */
	        {"2026-10-18", -1}, {"2026-10-19", -2}, {"2026-10-20", -3},
	};
	const struct calendar *cal = *state;
	struct sx_error err;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int left = 99;

		sx_error_clear(&err);
		assert_int_equal(
		        publication_days_left(&left, cal, "2026-10-15", cases[i].today, &err), 0);
		if (left != cases[i].left)
			fail_msg("today %s: %d left, expected %d", cases[i].today, left,
			         cases[i].left);
	}
}

/* ---- statuses and moves ---- */

static const enum publication_status all_statuses[] = {
        PUBLICATION_DRAFT,     PUBLICATION_PENDING_CHECK, PUBLICATION_PUBLISHED,
        PUBLICATION_WITHDRAWN, PUBLICATION_CORRECTED,     PUBLICATION_WITHHELD,
};

/* The moves allowed, each with a reason that satisfies it. */
static const struct {
	enum publication_status from, to;
	const char *reason_code, *reason_text;
} allowed_moves[] = {
        {PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK, NULL, NULL},
        {PUBLICATION_PENDING_CHECK, PUBLICATION_PUBLISHED, NULL, NULL},
        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, NULL, "当事人姓名未隐名"},
        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "revoked", NULL},
        {PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED, NULL, "罚款金额录入错误"},
        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, "trade_secret", "涉及配方工艺"},
};

static void test_every_allowed_move_passes_and_every_other_move_is_refused(void **state)
{
	struct sx_error err;
	size_t allowed = 0;

	(void)state;
	for (size_t f = 0; f < ARRAY_LEN(all_statuses); f++) {
		for (size_t t = 0; t < ARRAY_LEN(all_statuses); t++) {
			enum publication_status from = all_statuses[f], to = all_statuses[t];
			const char *code = NULL, *text = NULL;
			bool listed = false;
			int rc;

			for (size_t m = 0; m < ARRAY_LEN(allowed_moves); m++) {
				if (allowed_moves[m].from == from && allowed_moves[m].to == to) {
					listed = true;
					code = allowed_moves[m].reason_code;
					text = allowed_moves[m].reason_text;
				}
			}
			assert_int_equal(publication_can_move(from, to), listed);
			sx_error_clear(&err);
			rc = publication_transition_check(from, to, code, text, "u-maker",
			                                  "u-checker", &err);
			if (listed) {
				allowed++;
				if (rc != 0)
					fail_msg("%s -> %s refused: %s",
					         publication_status_code(from),
					         publication_status_code(to), err.code);
				continue;
			}
			if (rc != SX_ECONFLICT || strcmp(err.code, "transition_not_allowed") != 0)
				fail_msg("%s -> %s: rc %d code %s", publication_status_code(from),
				         publication_status_code(to), rc, err.code);
			/* the message names both statuses */
			assert_non_null(strstr(err.message, publication_status_label(from)));
			assert_non_null(strstr(err.message, publication_status_label(to)));
		}
	}
	assert_int_equal(allowed, ARRAY_LEN(allowed_moves));
}

static void test_the_maker_cannot_publish_their_own_publication(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_PENDING_CHECK,
	                                              PUBLICATION_PUBLISHED, NULL, NULL, "u-1",
	                                              "u-1", &err),
	                 SX_EPERM);
	assert_string_equal(err.code, "second_person_required");
	/* an unknown maker cannot be shown to be someone else */
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_PENDING_CHECK,
	                                              PUBLICATION_PUBLISHED, NULL, NULL, "", "u-2",
	                                              &err),
	                 SX_EPERM);
	assert_string_equal(err.code, "second_person_required");
	assert_int_equal(publication_transition_check(PUBLICATION_PENDING_CHECK,
	                                              PUBLICATION_PUBLISHED, NULL, NULL, NULL,
	                                              "u-2", &err),
	                 SX_EPERM);
	/* a second person may; the maker may send it for checking and take it back */
	assert_int_equal(publication_transition_check(PUBLICATION_PENDING_CHECK,
	                                              PUBLICATION_PUBLISHED, NULL, NULL, "u-1",
	                                              "u-2", &err),
	                 0);
	assert_int_equal(publication_transition_check(PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK,
	                                              NULL, NULL, "u-1", "u-1", &err),
	                 0);
	assert_int_equal(publication_transition_check(PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT,
	                                              NULL, "补充文号", "u-1", "u-1", &err),
	                 0);
}

static void test_moves_without_an_actor_or_with_bad_statuses_are_invalid(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK,
	                                              NULL, NULL, "u-1", NULL, &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_actor");
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK,
	                                              NULL, NULL, "u-1", "", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_actor");
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check((enum publication_status)0, PUBLICATION_DRAFT,
	                                              NULL, NULL, "u-1", "u-2", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_status");
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_PUBLISHED,
	                                              (enum publication_status)7, NULL, NULL, "u-1",
	                                              "u-2", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_status");
	assert_false(publication_can_move((enum publication_status)0, PUBLICATION_DRAFT));
}

static void test_reasons_are_required_where_the_move_needs_them(void **state)
{
	static const struct {
		enum publication_status from, to;
		const char *code, *text;
		const char *error; /* NULL = accepted */
	} cases[] = {
	        /* 退回: a text, no code */
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, NULL, NULL, "reason_required"},
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, NULL, " \t\u3000\n",
	         "reason_required"},
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, "revoked", "文号有误", "bad_reason"},
	        /* 撤下: a code; "other" needs a text too */
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, NULL, "行政复议撤销",
	         "reason_required"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "", NULL, "reason_required"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "state_secret", NULL, "bad_reason"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "confirmed_illegal", NULL, NULL},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "remade", "", NULL},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "other", NULL, "reason_required"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "other", "  ", "reason_required"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_WITHDRAWN, "other",
	         "当事人主动履行后依申请撤下", NULL},
	        /* 更正: a text */
	        {PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED, NULL, "", "reason_required"},
	        {PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED, "other", "金额有误", "bad_reason"},
	        /* 不予公开: a code and a text */
	        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, NULL, "涉密", "reason_required"},
	        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, "state_secret", NULL, "reason_required"},
	        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, "revoked", "涉密", "bad_reason"},
	        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, "state_secret", "经定密为秘密级", NULL},
	        {PUBLICATION_DRAFT, PUBLICATION_WITHHELD, "personal_privacy", "涉及未成年人", NULL},
	        /* moves without reasons refuse a code but accept a note */
	        {PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK, "revoked", NULL, "bad_reason"},
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_PUBLISHED, NULL, "已核对", NULL},
	        /* bad texts on any move */
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, NULL, "文号\x01有误", "bad_reason"},
	        {PUBLICATION_PENDING_CHECK, PUBLICATION_DRAFT, NULL, "\xe6\x96", "bad_reason"},
	        {PUBLICATION_DRAFT, PUBLICATION_PENDING_CHECK, NULL, "\x7f", "bad_reason"},
	};
	struct sx_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int rc;

		sx_error_clear(&err);
		rc = publication_transition_check(cases[i].from, cases[i].to, cases[i].code,
		                                  cases[i].text, "u-maker", "u-checker", &err);
		if (cases[i].error == NULL) {
			if (rc != 0)
				fail_msg("case %zu refused: %s", i, err.code);
		} else if (rc != SX_EINVALID || strcmp(err.code, cases[i].error) != 0) {
			fail_msg("case %zu: rc %d code \"%s\", expected %s", i, rc, err.code,
			         cases[i].error);
		}
	}
}

static void test_a_reason_text_longer_than_its_limit_is_refused(void **state)
{
	char text[PUBLICATION_REASON_MAX_BYTES + 2];
	struct sx_error err;

	(void)state;
	memset(text, 'a', PUBLICATION_REASON_MAX_BYTES);
	text[PUBLICATION_REASON_MAX_BYTES] = '\0';
	assert_int_equal(publication_transition_check(PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED,
	                                              NULL, text, "u-1", "u-2", &err),
	                 0);
	text[PUBLICATION_REASON_MAX_BYTES] = 'a';
	text[PUBLICATION_REASON_MAX_BYTES + 1] = '\0';
	sx_error_clear(&err);
	assert_int_equal(publication_transition_check(PUBLICATION_PUBLISHED, PUBLICATION_CORRECTED,
	                                              NULL, text, "u-1", "u-2", &err),
	                 SX_EINVALID);
	assert_string_equal(err.code, "bad_reason");
}

/* ---- the public content ---- */

/* A valid credit code: 91 (工商, 企业) 110105 (朝阳区) MA01ABCDE + its check char. */
static void credit_code(char out[19], bool right_check_char)
{
	char check;

	memcpy(out, "91110105MA01ABCDE", 17);
	check = idcheck_credit_code_check_char(out);
	assert_true(check != '\0');
	out[17] = right_check_char ? check : (check == '0' ? '1' : '0');
	out[18] = '\0';
}

static void organization_penalty(struct publication_content *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->agency_name, sizeof(c->agency_name), "%s", "某县市场监督管理局");
	c->party_type = PUBLICATION_PARTY_ORGANIZATION;
	snprintf(c->party_name, sizeof(c->party_name), "%s", "某县甲乙商贸有限公司");
	credit_code(c->party_code, true);
	c->act_type = PUBLICATION_ACT_PENALTY;
	snprintf(c->category, sizeof(c->category), "%s", "罚款；没收违法所得");
	snprintf(c->conclusion, sizeof(c->conclusion), "%s",
	         "当事人销售过期食品，违反《中华人民共和国食品安全法》第三十四条第十项。");
	snprintf(c->doc_no, sizeof(c->doc_no), "%s", "某市监罚〔2026〕12号");
	snprintf(c->decided_on, sizeof(c->decided_on), "%s", "2026-09-30");
	snprintf(c->legal_basis, sizeof(c->legal_basis), "%s",
	         "《中华人民共和国食品安全法》第一百二十四条第一款");
	snprintf(c->penalty, sizeof(c->penalty), "%s",
	         "1. 没收违法所得 1200 元；\n2. 罚款 50000 元。");
	c->fine_fen = 5000000;
	c->confiscation_fen = 120000;
	c->full_text = "行政处罚决定书\n当事人：某县甲乙商贸有限公司……";
	c->full_text_len = strlen(c->full_text);
}

static void person_penalty(struct publication_content *c)
{
	organization_penalty(c);
	c->party_type = PUBLICATION_PARTY_PERSON;
	snprintf(c->party_name, sizeof(c->party_name), "%s", "张某");
	c->party_code[0] = '\0';
}

static void test_complete_contents_of_an_organization_and_a_person_pass(void **state)
{
	struct publication_content c;
	struct sx_error err;

	(void)state;
	organization_penalty(&c);
	sx_error_clear(&err);
	assert_int_equal(publication_content_check(&c, &err), 0);
	person_penalty(&c);
	assert_int_equal(publication_content_check(&c, &err), 0);
	/* an inspection without 文号, penalty or amounts, no full text */
	organization_penalty(&c);
	c.act_type = PUBLICATION_ACT_INSPECTION;
	c.doc_no[0] = '\0';
	c.penalty[0] = '\0';
	c.fine_fen = 0;
	c.confiscation_fen = 0;
	c.full_text = NULL;
	c.full_text_len = 0;
	assert_int_equal(publication_content_check(&c, &err), 0);
	assert_int_equal(publication_content_check(NULL, &err), SX_EINVALID);
}

static void break_agency_blank(struct publication_content *c)
{
	snprintf(c->agency_name, sizeof(c->agency_name), "%s", "\u3000 ");
}
static void break_agency_no_nul(struct publication_content *c)
{
	memset(c->agency_name, 'a', sizeof(c->agency_name));
}
static void break_agency_newline(struct publication_content *c)
{
	snprintf(c->agency_name, sizeof(c->agency_name), "%s", "某县\n市场监督管理局");
}
static void break_party_type(struct publication_content *c)
{
	c->party_type = (enum publication_party_type)3;
}
static void break_party_name_empty(struct publication_content *c)
{
	c->party_name[0] = '\0';
}
static void break_party_name_utf8(struct publication_content *c)
{
	snprintf(c->party_name, sizeof(c->party_name), "%s", "公司\xe5");
}
static void break_person_unmasked(struct publication_content *c)
{
	c->party_type = PUBLICATION_PARTY_PERSON;
	snprintf(c->party_name, sizeof(c->party_name), "%s", "张三丰");
	c->party_code[0] = '\0';
}
static void break_person_with_id(struct publication_content *c)
{
	c->party_type = PUBLICATION_PARTY_PERSON;
	snprintf(c->party_name, sizeof(c->party_name), "%s", "李某某");
	snprintf(c->party_code, sizeof(c->party_code), "%s", "11010519491231002X");
}
static void break_credit_code_check_char(struct publication_content *c)
{
	credit_code(c->party_code, false);
}
static void break_credit_code_missing(struct publication_content *c)
{
	c->party_code[0] = '\0';
}
static void break_credit_code_lower_case(struct publication_content *c)
{
	c->party_code[8] = 'm';
}
static void break_credit_code_no_nul(struct publication_content *c)
{
	memset(c->party_code, '1', sizeof(c->party_code));
}
static void break_act_type(struct publication_content *c)
{
	c->act_type = (enum publication_act)0;
}
static void break_category(struct publication_content *c)
{
	c->category[0] = '\0';
}
static void break_conclusion(struct publication_content *c)
{
	snprintf(c->conclusion, sizeof(c->conclusion), "%s", "\r\n\t");
}
static void break_conclusion_control(struct publication_content *c)
{
	snprintf(c->conclusion, sizeof(c->conclusion), "%s", "结论\x1b[31m");
}
static void break_doc_no(struct publication_content *c)
{
	c->doc_no[0] = '\0';
}
static void break_decided_on(struct publication_content *c)
{
	snprintf(c->decided_on, sizeof(c->decided_on), "%s", "2026-02-30");
}
static void break_decided_on_empty(struct publication_content *c)
{
	c->decided_on[0] = '\0';
}
static void break_decided_on_no_nul(struct publication_content *c)
{
	memcpy(c->decided_on, "2026-09-30x", sizeof(c->decided_on));
}
static void break_legal_basis(struct publication_content *c)
{
	c->legal_basis[0] = '\0';
}
static void break_penalty(struct publication_content *c)
{
	c->penalty[0] = '\0';
}
static void break_fine_negative(struct publication_content *c)
{
	c->fine_fen = -1;
}
static void break_fine_too_large(struct publication_content *c)
{
	c->fine_fen = PUBLICATION_AMOUNT_MAX_FEN + 1;
}
static void break_fine_on_license(struct publication_content *c)
{
	c->act_type = PUBLICATION_ACT_LICENSE;
	c->confiscation_fen = 0;
}
static void break_confiscation(struct publication_content *c)
{
	c->confiscation_fen = INT64_MIN;
}
static void break_confiscation_on_coercion(struct publication_content *c)
{
	c->act_type = PUBLICATION_ACT_COERCION;
	c->fine_fen = 0;
}
static void break_full_text_null(struct publication_content *c)
{
	c->full_text = NULL;
	c->full_text_len = 5;
}
static void break_full_text_too_long(struct publication_content *c)
{
	c->full_text_len = PUBLICATION_FULL_TEXT_MAX_BYTES + 1;
}
static void break_full_text_control(struct publication_content *c)
{
	c->full_text = "决定书\0全文";
	c->full_text_len = 16;
}

static void test_each_field_refusal_names_its_field(void **state)
{
	static const struct {
		void (*mutate)(struct publication_content *c);
		const char *code;
		const char *label; /* a word the message must hold */
	} cases[] = {
	        {break_agency_blank, "bad_agency_name", "执法机关"},
	        {break_agency_no_nul, "bad_agency_name", "执法机关"},
	        {break_agency_newline, "bad_agency_name", "执法机关"},
	        {break_party_type, "bad_party_type", "当事人类型"},
	        {break_party_name_empty, "bad_party_name", "当事人名称"},
	        {break_party_name_utf8, "bad_party_name", "当事人名称"},
	        {break_person_unmasked, "party_name_not_masked", "隐名"},
	        {break_person_with_id, "party_code_for_person", "身份证件号码"},
	        {break_credit_code_check_char, "bad_party_code", "校验码"},
	        {break_credit_code_missing, "bad_party_code", "不能为空"},
	        {break_credit_code_lower_case, "bad_party_code", "统一社会信用代码"},
	        {break_credit_code_no_nul, "bad_party_code", "统一社会信用代码"},
	        {break_act_type, "bad_act_type", "行为类别"},
	        {break_category, "bad_category", "执法类别"},
	        {break_conclusion, "bad_conclusion", "执法结论"},
	        {break_conclusion_control, "bad_conclusion", "执法结论"},
	        {break_doc_no, "bad_doc_no", "文号"},
	        {break_decided_on, "bad_decided_on", "决定日期"},
	        {break_decided_on_empty, "bad_decided_on", "决定日期"},
	        {break_decided_on_no_nul, "bad_decided_on", "决定日期"},
	        {break_legal_basis, "bad_legal_basis", "执法依据"},
	        {break_penalty, "bad_penalty", "处罚内容"},
	        {break_fine_negative, "bad_fine", "罚款金额"},
	        {break_fine_too_large, "bad_fine", "罚款金额"},
	        {break_fine_on_license, "bad_fine", "罚款金额"},
	        {break_confiscation, "bad_confiscation", "没收金额"},
	        {break_confiscation_on_coercion, "bad_confiscation", "没收金额"},
	        {break_full_text_null, "bad_full_text", "决定书全文"},
	        {break_full_text_too_long, "bad_full_text", "决定书全文"},
	        {break_full_text_control, "bad_full_text", "决定书全文"},
	};
	struct publication_content c;
	struct sx_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int rc;

		organization_penalty(&c);
		cases[i].mutate(&c);
		sx_error_clear(&err);
		rc = publication_content_check(&c, &err);
		if (rc != SX_EINVALID || strcmp(err.code, cases[i].code) != 0)
			fail_msg("case %zu: rc %d code \"%s\", expected %s", i, rc, err.code,
			         cases[i].code);
		if (strstr(err.message, cases[i].label) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.message,
			         cases[i].label);
	}
}

static void test_a_person_with_an_id_number_is_refused_even_when_the_name_is_masked(void **state)
{
	struct publication_content c;
	struct sx_error err;

	(void)state;
	person_penalty(&c);
	/* a valid ID number, and a credit code: a person publishes neither */
	snprintf(c.party_code, sizeof(c.party_code), "%s", "11010519491231002X");
	assert_int_equal(idcheck_person_id(c.party_code, strlen(c.party_code)), 0);
	sx_error_clear(&err);
	assert_int_equal(publication_content_check(&c, &err), SX_EINVALID);
	assert_string_equal(err.code, "party_code_for_person");
	credit_code(c.party_code, true);
	sx_error_clear(&err);
	assert_int_equal(publication_content_check(&c, &err), SX_EINVALID);
	assert_string_equal(err.code, "party_code_for_person");
	/* the message never quotes the number */
	assert_null(strstr(err.message, "9111"));
}

static void test_only_a_surname_followed_by_mou_counts_as_a_masked_name(void **state)
{
	static const struct {
		const char *name;
		bool masked;
	} cases[] =
	        {
	                {"张某", true},        {"张某某", true},
	                {"欧阳某", true},      {"欧阳某某", true},
	                {"诸葛某", true},      {"某某", true},
	                {"𠈌某", true}, /* a surname outside the BMP */
	                {"张三", false},       {"张三丰", false},
	                {"张某三", false}, /* a given-name character after 某 */
	                {"张三某", false}, /* 张三 is not a compound surname */
	                {"某", false},         {"某某某", false},
	                {"欧阳某某某", false}, /* five characters */
	                {"欧阳修某", false},   {"张", false},
	                {"", false},           {"Z某", false},
	                {"张 某", false},      {"张某 ", false},
	                {"张\xe6\x9f", false}, {NULL, false},
	        };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (publication_person_name_is_masked(cases[i].name) != cases[i].masked)
			fail_msg("\"%s\" should %sbe masked",
			         cases[i].name ? cases[i].name : "NULL",
			         cases[i].masked ? "" : "not ");
	}
}

/* ---- corrections ---- */

static void change_agency(struct publication_content *c)
{
	c->agency_name[0] = 'X';
}
static void change_party_type(struct publication_content *c)
{
	c->party_type = PUBLICATION_PARTY_PERSON;
}
static void change_party_name(struct publication_content *c)
{
	snprintf(c->party_name, sizeof(c->party_name), "%s", "某县甲乙商贸有限责任公司");
}
static void change_party_code(struct publication_content *c)
{
	c->party_code[0] = '\0';
}
static void change_act_type(struct publication_content *c)
{
	c->act_type = PUBLICATION_ACT_OTHER;
}
static void change_category(struct publication_content *c)
{
	snprintf(c->category, sizeof(c->category), "%s", "罚款");
}
static void change_conclusion(struct publication_content *c)
{
	c->conclusion[3] = 'X';
}
static void change_doc_no(struct publication_content *c)
{
	snprintf(c->doc_no, sizeof(c->doc_no), "%s", "某市监罚〔2026〕13号");
}
static void change_decided_on(struct publication_content *c)
{
	snprintf(c->decided_on, sizeof(c->decided_on), "%s", "2026-09-29");
}
static void change_legal_basis(struct publication_content *c)
{
	snprintf(c->legal_basis, sizeof(c->legal_basis), "%s", "《食品安全法》第一百二十四条");
}
static void change_penalty(struct publication_content *c)
{
	snprintf(c->penalty, sizeof(c->penalty), "%s", "罚款 5000 元。");
}
static void change_fine(struct publication_content *c)
{
	c->fine_fen = 500000;
}
static void change_confiscation(struct publication_content *c)
{
	c->confiscation_fen = 0;
}
static void change_full_text(struct publication_content *c)
{
	c->full_text_len -= 1;
}

static void test_the_diff_names_each_changed_field_and_only_it(void **state)
{
	static const struct {
		void (*mutate)(struct publication_content *c);
		enum publication_field field;
		const char *code, *label;
	} cases[] = {
	        {change_agency, PUBLICATION_FIELD_AGENCY_NAME, "agency_name", "执法机关"},
	        {change_party_type, PUBLICATION_FIELD_PARTY_TYPE, "party_type", "当事人类型"},
	        {change_party_name, PUBLICATION_FIELD_PARTY_NAME, "party_name", "当事人名称"},
	        {change_party_code, PUBLICATION_FIELD_PARTY_CODE, "party_code", "统一社会信用代码"},
	        {change_act_type, PUBLICATION_FIELD_ACT_TYPE, "act_type", "行为类别"},
	        {change_category, PUBLICATION_FIELD_CATEGORY, "category", "执法类别"},
	        {change_conclusion, PUBLICATION_FIELD_CONCLUSION, "conclusion", "执法结论"},
	        {change_doc_no, PUBLICATION_FIELD_DOC_NO, "doc_no", "文号"},
	        {change_decided_on, PUBLICATION_FIELD_DECIDED_ON, "decided_on", "决定日期"},
	        {change_legal_basis, PUBLICATION_FIELD_LEGAL_BASIS, "legal_basis", "执法依据"},
	        {change_penalty, PUBLICATION_FIELD_PENALTY, "penalty", "处罚内容"},
	        {change_fine, PUBLICATION_FIELD_FINE, "fine", "罚款金额"},
	        {change_confiscation, PUBLICATION_FIELD_CONFISCATION, "confiscation", "没收金额"},
	        {change_full_text, PUBLICATION_FIELD_FULL_TEXT, "full_text", "决定书全文"},
	};
	struct publication_content before, after;
	enum publication_field out[PUBLICATION_FIELD_COUNT];
	size_t count = 99;

	(void)state;
	assert_int_equal(ARRAY_LEN(cases), PUBLICATION_FIELD_COUNT);
	organization_penalty(&before);
	organization_penalty(&after);
	assert_int_equal(publication_diff(out, &count, &before, &after), 0);
	assert_int_equal(count, 0);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		organization_penalty(&after);
		cases[i].mutate(&after);
		count = 99;
		assert_int_equal(publication_diff(out, &count, &before, &after), 0);
		if (count != 1 || out[0] != cases[i].field)
			fail_msg("case %zu: %zu fields changed", i, count);
		assert_string_equal(publication_field_code(cases[i].field), cases[i].code);
		assert_string_equal(publication_field_label(cases[i].field), cases[i].label);
	}
}

static void test_the_diff_lists_several_changes_in_field_order_for_the_history_line(void **state)
{
	struct publication_content before, after;
	enum publication_field out[PUBLICATION_FIELD_COUNT];
	char line[PUBLICATION_DIFF_DESCRIBE_SIZE], small[12];
	size_t count = 0;

	(void)state;
	organization_penalty(&before);
	organization_penalty(&after);
	change_penalty(&after);
	change_doc_no(&after);
	assert_int_equal(publication_diff(out, &count, &before, &after), 0);
	assert_int_equal(count, 2);
	assert_int_equal(out[0], PUBLICATION_FIELD_DOC_NO);
	assert_int_equal(out[1], PUBLICATION_FIELD_PENALTY);
	assert_int_equal(publication_diff_describe(line, sizeof(line), out, count), 0);
	assert_string_equal(line, "文号、处罚内容");
	/* "文号" is 6 bytes: it fits in 12 with its NUL, "、处罚内容" does not */
	assert_int_equal(publication_diff_describe(small, sizeof(small), out, count), SX_ETOOBIG);
	assert_string_equal(small, "文号");
	assert_int_equal(publication_diff_describe(line, sizeof(line), out, 0), 0);
	assert_string_equal(line, "");

	/* everything changed: all 14 labels fit */
	for (int f = 0; f < PUBLICATION_FIELD_COUNT; f++)
		out[f] = (enum publication_field)f;
	assert_int_equal(
	        publication_diff_describe(line, sizeof(line), out, PUBLICATION_FIELD_COUNT), 0);
	assert_int_equal(strlen(line) + 1, 223);
	assert_non_null(strstr(line, "执法机关、当事人类型"));
	assert_non_null(strstr(line, "没收金额、决定书全文"));

	/* a NULL full text equals an empty one; bytes after a field's NUL are ignored */
	organization_penalty(&before);
	organization_penalty(&after);
	before.full_text = NULL;
	before.full_text_len = 0;
	after.full_text = "";
	after.full_text_len = 0;
	after.doc_no[sizeof(after.doc_no) - 1] = 'x';
	assert_int_equal(publication_diff(out, &count, &before, &after), 0);
	assert_int_equal(count, 0);
}

static void test_diff_and_describe_refuse_null_and_unknown_fields(void **state)
{
	struct publication_content c;
	enum publication_field out[PUBLICATION_FIELD_COUNT];
	enum publication_field bad = (enum publication_field)PUBLICATION_FIELD_COUNT;
	char line[64] = "unchanged";
	size_t count = 7;

	(void)state;
	organization_penalty(&c);
	assert_int_equal(publication_diff(NULL, &count, &c, &c), SX_EINVALID);
	assert_int_equal(count, 0);
	count = 7;
	assert_int_equal(publication_diff(out, &count, NULL, &c), SX_EINVALID);
	assert_int_equal(count, 0);
	assert_int_equal(publication_diff(out, &count, &c, NULL), SX_EINVALID);
	assert_int_equal(publication_diff(out, NULL, &c, &c), SX_EINVALID);
	assert_int_equal(publication_diff_describe(line, sizeof(line), &bad, 1), SX_EINVALID);
	assert_string_equal(line, "");
	assert_int_equal(publication_diff_describe(line, sizeof(line), NULL, 1), SX_EINVALID);
	assert_int_equal(publication_diff_describe(NULL, 10, out, 0), SX_EINVALID);
	assert_int_equal(publication_diff_describe(line, 0, out, 0), SX_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_acts_statuses_and_reasons_have_codes_and_labels_that_round_trip),
	        cmocka_unit_test(
	                test_unknown_words_are_refused_and_out_of_range_values_have_no_words),
	        cmocka_unit_test(
	                test_a_penalty_decided_before_national_day_counts_the_make_up_saturday),
	        cmocka_unit_test(test_other_acts_have_twenty_working_days),
	        cmocka_unit_test(test_a_withdrawal_is_due_seven_working_days_after_the_revocation),
	        cmocka_unit_test(
	                test_bad_dates_acts_and_unknown_years_are_refused_and_leave_an_empty_due_date),
	        cmocka_unit_test(test_a_publication_is_overdue_only_after_its_due_day),
	        cmocka_unit_test(
	                test_working_days_left_count_down_to_zero_on_the_due_day_then_go_negative),
	        cmocka_unit_test(test_every_allowed_move_passes_and_every_other_move_is_refused),
	        cmocka_unit_test(test_the_maker_cannot_publish_their_own_publication),
	        cmocka_unit_test(test_moves_without_an_actor_or_with_bad_statuses_are_invalid),
	        cmocka_unit_test(test_reasons_are_required_where_the_move_needs_them),
	        cmocka_unit_test(test_a_reason_text_longer_than_its_limit_is_refused),
	        cmocka_unit_test(test_complete_contents_of_an_organization_and_a_person_pass),
	        cmocka_unit_test(test_each_field_refusal_names_its_field),
	        cmocka_unit_test(
	                test_a_person_with_an_id_number_is_refused_even_when_the_name_is_masked),
	        cmocka_unit_test(test_only_a_surname_followed_by_mou_counts_as_a_masked_name),
	        cmocka_unit_test(test_the_diff_names_each_changed_field_and_only_it),
	        cmocka_unit_test(
	                test_the_diff_lists_several_changes_in_field_order_for_the_history_line),
	        cmocka_unit_test(test_diff_and_describe_refuse_null_and_unknown_fields),
	};

	return cmocka_run_group_tests(tests, setup_calendar, teardown_calendar);
}
