/*
 * Unit tests for domain/casefile: the stages of a case (一案一卷), the moves
 * between them, the 简易程序 limits, the decision deadline and the mapping of
 * 音像记录 stage names.
 *
 * The paths are written down a second time here (`spec`), from the brief and
 * the law, independently of the module's table: every row must pass with a
 * case that satisfies its gates, every row under every combination of the
 * case's flags must be allowed or refused as its gates say (`gate_expect`, in
 * the order the header documents), and every (from, to) pair that is not a
 * row — all 17 × 17 pairs of every kind/procedure under every combination of
 * the case's flags — must be refused with the code that says why. So a row or
 * a gate added to or dropped from the module's table fails a test.
 *
 * Dates: "within 90 days of X" does not count X (《民法典》第二百零一条), so the
 * due date is X + 90; expected dates were computed independently (Python's
 * datetime) and cross month ends, a year end and a leap day.
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "domain/casefile.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The gates of a row; a row may carry several (bits). */
enum gate {
	GATE_NONE = 0,
	GATE_MAJOR = 1 << 0,          /* only a major case may take it */
	GATE_NOT_MAJOR = 1 << 1,      /* only a non-major case */
	GATE_REVIEW_PASSED = 1 << 2,  /* the review passed (the case is major) */
	GATE_HEARING = 1 << 3,        /* the party requested a hearing */
	GATE_NO_HEARING = 1 << 4,     /* the party did not */
	GATE_MAJOR_REVIEWED = 1 << 5, /* a major case only with its review passed;
				       * a non-major case passes (第五十八条) */
};

struct spec_row {
	enum casefile_kind kind;
	enum casefile_procedure proc;
	enum casefile_stage from;
	enum casefile_stage to;
	bool reason;
	unsigned gates; /* GATE_* bits */
};

#define PG CASEFILE_KIND_PENALTY, CASEFILE_PROC_GENERAL
#define PS CASEFILE_KIND_PENALTY, CASEFILE_PROC_SIMPLE
#define IN CASEFILE_KIND_INSPECTION, CASEFILE_PROC_GENERAL
#define CO CASEFILE_KIND_COERCION, CASEFILE_PROC_GENERAL

#define S(x) CASEFILE_STAGE_##x

/* The paths of the brief, rows of one `from` in the order staff should see them. */
static const struct spec_row spec[] = {
	{PG, S(FILED), S(INVESTIGATION), false, GATE_NONE},
	{PG, S(INVESTIGATION), S(EXAMINATION), false, GATE_NONE},
	{PG, S(INVESTIGATION), S(CLOSED), true, GATE_NONE},
	{PG, S(EXAMINATION), S(LEGAL_REVIEW), false, GATE_MAJOR},
	{PG, S(EXAMINATION), S(NOTICE), false, GATE_NOT_MAJOR},
	{PG, S(EXAMINATION), S(CLOSED), true, GATE_NONE},
	{PG, S(LEGAL_REVIEW), S(NOTICE), false, GATE_REVIEW_PASSED},
	/* 第五十八条第一款第二项: the review after a hearing leads to the decision. */
	{PG, S(LEGAL_REVIEW), S(DECISION), false, GATE_HEARING | GATE_REVIEW_PASSED},
	{PG, S(LEGAL_REVIEW), S(EXAMINATION), true, GATE_NONE},
	{PG, S(NOTICE), S(HEARING), false, GATE_HEARING},
	{PG, S(NOTICE), S(DECISION), false, GATE_NO_HEARING | GATE_MAJOR_REVIEWED},
	{PG, S(NOTICE), S(EXAMINATION), true, GATE_NONE},
	{PG, S(HEARING), S(DECISION), false, GATE_MAJOR_REVIEWED},
	{PG, S(HEARING), S(LEGAL_REVIEW), false, GATE_MAJOR},
	{PG, S(HEARING), S(EXAMINATION), true, GATE_NONE},
	{PG, S(DECISION), S(SERVICE), false, GATE_NONE},
	{PG, S(DECISION), S(CLOSED), true, GATE_NONE},
	{PG, S(SERVICE), S(EXECUTION), false, GATE_NONE},
	{PG, S(SERVICE), S(CLOSED), false, GATE_NONE},
	{PG, S(EXECUTION), S(CLOSED), false, GATE_NONE},
	{PG, S(CLOSED), S(ARCHIVED), false, GATE_NONE},

	{PS, S(ON_SPOT), S(DECISION), false, GATE_NONE},
	{PS, S(DECISION), S(SERVICE), false, GATE_NONE},
	{PS, S(SERVICE), S(EXECUTION), false, GATE_NONE},
	{PS, S(SERVICE), S(CLOSED), false, GATE_NONE},
	{PS, S(EXECUTION), S(CLOSED), false, GATE_NONE},
	{PS, S(CLOSED), S(ARCHIVED), false, GATE_NONE},

	{IN, S(INSPECTION), S(HANDLING), false, GATE_NONE},
	{IN, S(HANDLING), S(RECHECK), false, GATE_NONE},
	{IN, S(HANDLING), S(CLOSED), false, GATE_NONE},
	{IN, S(RECHECK), S(CLOSED), false, GATE_NONE},
	{IN, S(RECHECK), S(HANDLING), false, GATE_NONE},
	{IN, S(CLOSED), S(ARCHIVED), false, GATE_NONE},

	{CO, S(APPROVAL), S(COERCION), false, GATE_NONE},
	{CO, S(COERCION), S(DECISION), false, GATE_NONE},
	{CO, S(COERCION), S(CLOSED), true, GATE_NONE},
	{CO, S(DECISION), S(SERVICE), false, GATE_NONE},
	{CO, S(SERVICE), S(CLOSED), false, GATE_NONE},
	{CO, S(CLOSED), S(ARCHIVED), false, GATE_NONE},
};

static const struct {
	enum casefile_kind kind;
	enum casefile_procedure proc;
	enum casefile_stage first;
} pairs[] = {
	{PG, S(FILED)},
	{PS, S(ON_SPOT)},
	{IN, S(INSPECTION)},
	{CO, S(APPROVAL)},
};

static struct casefile_state state_at(enum casefile_kind kind, enum casefile_procedure proc,
				      enum casefile_stage stage)
{
	struct casefile_state s = {.kind = kind, .procedure = proc, .stage = stage};

	return s;
}

/* A case at row's `from` that satisfies the row's gates (a major case where
 * the gates allow one, so the review gates are passed, not merely skipped). */
static struct casefile_state state_for_row(const struct spec_row *r)
{
	struct casefile_state s = state_at(r->kind, r->proc, r->from);

	if (r->gates & (GATE_MAJOR | GATE_REVIEW_PASSED | GATE_MAJOR_REVIEWED))
		s.major = true;
	if (r->gates & (GATE_REVIEW_PASSED | GATE_MAJOR_REVIEWED))
		s.review_passed = true;
	if (r->gates & GATE_HEARING)
		s.hearing_requested = true;
	return s;
}

/*
 * The code a case with these flags gets for a row with these gates, NULL when
 * the move is open: the gates that choose the way first, then those that
 * wait for the review (the order casefile_transition_check documents).
 */
static const char *gate_expect(unsigned gates, const struct casefile_state *s)
{
	if ((gates & GATE_MAJOR) && !s->major)
		return "review_not_applicable";
	if ((gates & GATE_NOT_MAJOR) && s->major)
		return "review_required";
	if ((gates & GATE_HEARING) && !s->hearing_requested)
		return "hearing_not_requested";
	if ((gates & GATE_NO_HEARING) && s->hearing_requested)
		return "hearing_required";
	if ((gates & GATE_REVIEW_PASSED) && !s->review_passed)
		return "review_required";
	if ((gates & GATE_MAJOR_REVIEWED) && s->major && !s->review_passed)
		return "review_required";
	return NULL;
}

static const struct spec_row *spec_find(enum casefile_kind kind, enum casefile_procedure proc,
					enum casefile_stage from, enum casefile_stage to)
{
	for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
		const struct spec_row *r = &spec[i];

		if (r->kind == kind && r->proc == proc && r->from == from && r->to == to)
			return r;
	}
	return NULL;
}

static bool spec_stage_belongs(enum casefile_kind kind, enum casefile_procedure proc,
			       enum casefile_stage stage)
{
	for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
		const struct spec_row *r = &spec[i];

		if (r->kind == kind && r->proc == proc && (r->from == stage || r->to == stage))
			return true;
	}
	return false;
}

/* Runs the check and asserts rc and, when refused, the stable code. */
static void check_move(const struct casefile_state *s, enum casefile_stage to, const char *reason,
			 int want_rc, const char *want_code)
{
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = casefile_transition_check(s, to, reason, &err);
	if (rc != want_rc || (want_code != NULL && strcmp(err.code, want_code) != 0))
		fail_msg("%s → %s: rc %d code \"%s\" (%s), want %d \"%s\"",
			 casefile_stage_code(s->stage) ? casefile_stage_code(s->stage) : "?",
			 casefile_stage_code(to) ? casefile_stage_code(to) : "?", rc, err.code,
			 err.message, want_rc, want_code ? want_code : "");
	if (want_rc < 0)
		assert_true(strlen(err.message) > 0);
}

/* ---- the table ---------------------------------------------------------------------------- */

static void test_every_allowed_transition_of_every_path_passes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
		struct casefile_state s = state_for_row(&spec[i]);

		check_move(&s, spec[i].to, spec[i].reason ? "违法事实不能成立" : NULL, 0, NULL);
		/* A reason given where none is needed does no harm. */
		check_move(&s, spec[i].to, "备注", 0, NULL);
	}
}

/* Every row under all 8 combinations of major, hearing_requested and
 * review_passed: open or refused exactly as its gates say. */
static void test_every_row_is_open_or_gated_as_its_gates_say(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
		for (unsigned flags = 0; flags < 8; flags++) {
			struct casefile_state s = state_at(spec[i].kind, spec[i].proc, spec[i].from);
			const char *want;

			s.major = flags & 1;
			s.hearing_requested = flags & 2;
			s.review_passed = flags & 4;
			want = gate_expect(spec[i].gates, &s);
			check_move(&s, spec[i].to, "理由", want ? SX_ECONFLICT : 0, want);
			/* A gate speaks before a missing reason. */
			if (want != NULL)
				check_move(&s, spec[i].to, NULL, SX_ECONFLICT, want);
		}
	}
}

static void test_moves_that_need_a_reason_are_refused_without_one(void **state)
{
	static const char *const no_reasons[] = {NULL, "", "   ", "\t\n", "\xe3\x80\x80\xe3\x80\x80",
						 " \xc2\xa0 "};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
		struct casefile_state s = state_for_row(&spec[i]);

		assert_int_equal(casefile_transition_needs_reason(spec[i].kind, spec[i].proc,
								  spec[i].from, spec[i].to),
				 spec[i].reason);
		for (size_t j = 0; j < ARRAY_LEN(no_reasons); j++)
			check_move(&s, spec[i].to, no_reasons[j], spec[i].reason ? SX_ECONFLICT : 0,
				     spec[i].reason ? "reason_required" : NULL);
	}
}

static void test_a_reason_needs_only_one_visible_character(void **state)
{
	struct casefile_state s = state_at(PG, S(INVESTIGATION));

	(void)state;
	check_move(&s, S(CLOSED), " 无 ", 0, NULL);
	check_move(&s, S(CLOSED), "\xe3\x80\x80x\xe3\x80\x80", 0, NULL);
}

static void test_service_to_closed_needs_no_reason_when_nothing_is_executed(void **state)
{
	struct casefile_state s = state_at(PG, S(SERVICE));

	(void)state;
	assert_false(casefile_transition_needs_reason(PG, S(SERVICE), S(CLOSED)));
	check_move(&s, S(CLOSED), NULL, 0, NULL);
	s.procedure = CASEFILE_PROC_SIMPLE;
	check_move(&s, S(CLOSED), NULL, 0, NULL);
}

static void test_needs_reason_is_false_for_moves_outside_the_table(void **state)
{
	(void)state;
	assert_false(casefile_transition_needs_reason(PG, S(FILED), S(CLOSED)));
	assert_false(casefile_transition_needs_reason(PS, S(INVESTIGATION), S(CLOSED)));
	assert_false(casefile_transition_needs_reason(0, 0, 0, 0));
}

/*
 * Every pair of stages of every path, under every combination of the case's
 * flags: a pair that is not a row is refused for the reason the header gives.
 */
static void test_every_move_outside_the_table_is_refused(void **state)
{
	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(pairs); p++) {
		for (int from = 0; from <= CASEFILE_STAGE_COUNT + 1; from++) {
			for (int to = 0; to <= CASEFILE_STAGE_COUNT + 1; to++) {
				for (unsigned flags = 0; flags < 8; flags++) {
					struct casefile_state s =
						state_at(pairs[p].kind, pairs[p].proc, from);

					if (spec_find(pairs[p].kind, pairs[p].proc, from, to))
						continue;
					s.major = flags & 1;
					s.hearing_requested = flags & 2;
					s.review_passed = flags & 4;
					if (!spec_stage_belongs(pairs[p].kind, pairs[p].proc, from))
						check_move(&s, to, "理由", SX_EINVALID, "bad_stage");
					else if (from == S(ARCHIVED))
						check_move(&s, to, "理由", SX_ECONFLICT,
							     "stage_final");
					else if (!spec_stage_belongs(pairs[p].kind, pairs[p].proc,
								     to))
						check_move(&s, to, "理由", SX_EINVALID, "bad_stage");
					else
						check_move(&s, to, "理由", SX_ECONFLICT,
							     "transition_not_allowed");
				}
			}
		}
	}
}

static void test_next_stages_are_exactly_the_table_rows_in_order(void **state)
{
	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(pairs); p++) {
		for (int from = 0; from <= CASEFILE_STAGE_COUNT + 1; from++) {
			struct casefile_state s = state_at(pairs[p].kind, pairs[p].proc, from);
			enum casefile_stage got[CASEFILE_STAGE_COUNT];
			size_t count = 99, want = 0;

			casefile_next_stages(got, &count, &s);
			for (size_t i = 0; i < ARRAY_LEN(spec); i++) {
				if (spec[i].kind != s.kind || spec[i].proc != s.procedure ||
				    spec[i].from != s.stage)
					continue;
				assert_true(want < count);
				assert_int_equal(got[want], spec[i].to);
				want++;
			}
			assert_int_equal(count, want);
		}
	}
}

static void test_next_stages_of_nothing_or_an_archived_case_are_none(void **state)
{
	struct casefile_state archived = state_at(PG, S(ARCHIVED));
	struct casefile_state bad = state_at(0, CASEFILE_PROC_GENERAL, S(FILED));
	enum casefile_stage got[CASEFILE_STAGE_COUNT];
	size_t count = 99;

	(void)state;
	casefile_next_stages(got, &count, NULL);
	assert_int_equal(count, 0);
	count = 99;
	casefile_next_stages(got, &count, &archived);
	assert_int_equal(count, 0);
	count = 99;
	casefile_next_stages(got, &count, &bad);
	assert_int_equal(count, 0);
	casefile_next_stages(got, NULL, &archived); /* must not crash */
}

static void test_next_stages_of_examination_include_gated_ones(void **state)
{
	struct casefile_state s = state_at(PG, S(EXAMINATION));
	enum casefile_stage got[CASEFILE_STAGE_COUNT];
	size_t count = 0;

	(void)state;
	casefile_next_stages(got, &count, &s);
	assert_int_equal(count, 3);
	assert_int_equal(got[0], S(LEGAL_REVIEW));
	assert_int_equal(got[1], S(NOTICE));
	assert_int_equal(got[2], S(CLOSED));
	/* The caller learns why LEGAL_REVIEW is blocked for a non-major case. */
	check_move(&s, got[0], NULL, SX_ECONFLICT, "review_not_applicable");
}

/* ---- refusals, one by one -------------------------------------------------------------------- */

static void test_a_stage_cannot_be_skipped(void **state)
{
	struct casefile_state s = state_at(PG, S(INVESTIGATION));
	struct casefile_state on_spot = state_at(PS, S(ON_SPOT));
	struct casefile_state approval = state_at(CO, S(APPROVAL));
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), "理由", &err), SX_ECONFLICT);
	assert_string_equal(err.code, "transition_not_allowed");
	/* The message names both stages and what may come next. */
	assert_non_null(strstr(err.message, "调查取证"));
	assert_non_null(strstr(err.message, "决定"));
	assert_non_null(strstr(err.message, "审查"));
	assert_non_null(strstr(err.detail, "from=investigation to=decision"));
	check_move(&on_spot, S(SERVICE), NULL, SX_ECONFLICT, "transition_not_allowed");
	check_move(&approval, S(DECISION), NULL, SX_ECONFLICT, "transition_not_allowed");
	s.stage = S(FILED);
	check_move(&s, S(EXAMINATION), NULL, SX_ECONFLICT, "transition_not_allowed");
}

static void test_going_backwards_without_a_table_row_is_refused(void **state)
{
	struct casefile_state s = state_at(PG, S(DECISION));

	(void)state;
	check_move(&s, S(NOTICE), "重新告知", SX_ECONFLICT, "transition_not_allowed");
	s.stage = S(SERVICE);
	check_move(&s, S(DECISION), "重新决定", SX_ECONFLICT, "transition_not_allowed");
	s.stage = S(CLOSED);
	check_move(&s, S(EXECUTION), "继续执行", SX_ECONFLICT, "transition_not_allowed");
	s.stage = S(INVESTIGATION);
	check_move(&s, S(FILED), "重新立案", SX_ECONFLICT, "transition_not_allowed");
	s.stage = S(EXAMINATION);
	check_move(&s, S(EXAMINATION), "原地", SX_ECONFLICT, "transition_not_allowed");
}

static void test_a_non_major_case_cannot_enter_legal_review(void **state)
{
	struct casefile_state s = state_at(PG, S(EXAMINATION));

	(void)state;
	check_move(&s, S(LEGAL_REVIEW), NULL, SX_ECONFLICT, "review_not_applicable");
	s.major = true;
	check_move(&s, S(LEGAL_REVIEW), NULL, 0, NULL);
}

static void test_a_major_case_cannot_skip_legal_review(void **state)
{
	struct casefile_state s = state_at(PG, S(EXAMINATION));
	struct sx_error err;

	(void)state;
	s.major = true;
	s.review_passed = true; /* a stale flag does not open the way either */
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(NOTICE), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	assert_non_null(strstr(err.message, "第五十八条"));
}

static void test_a_major_case_cannot_leave_legal_review_before_it_passes(void **state)
{
	struct casefile_state s = state_at(PG, S(LEGAL_REVIEW));

	(void)state;
	s.major = true;
	check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
	/* Returned for changes: allowed with a reason, gate or not. */
	check_move(&s, S(EXAMINATION), "审核意见：证据不足", 0, NULL);
	s.review_passed = true;
	check_move(&s, S(NOTICE), NULL, 0, NULL);
}

static void test_a_requested_hearing_must_be_held_before_the_decision(void **state)
{
	struct casefile_state s = state_at(PG, S(NOTICE));
	struct sx_error err;

	(void)state;
	s.hearing_requested = true;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "hearing_required");
	assert_non_null(strstr(err.message, "听证"));
	check_move(&s, S(HEARING), NULL, 0, NULL);
}

static void test_a_hearing_is_not_held_unless_requested(void **state)
{
	struct casefile_state s = state_at(PG, S(NOTICE));

	(void)state;
	check_move(&s, S(HEARING), NULL, SX_ECONFLICT, "hearing_not_requested");
	check_move(&s, S(DECISION), NULL, 0, NULL);
}

/* 第五十八条: the service clears review_passed when the draft changes after the
 * review, so a major case in NOTICE may then not be decided. */
static void test_a_major_case_in_notice_is_decided_only_with_a_passed_review(void **state)
{
	struct casefile_state s = state_at(PG, S(NOTICE));
	struct sx_error err;

	(void)state;
	s.major = true;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	assert_non_null(strstr(err.message, "第五十八条"));
	assert_non_null(strstr(err.message, "重新提交法制审核"));
	s.review_passed = true;
	check_move(&s, S(DECISION), NULL, 0, NULL);
}

static void test_a_non_major_case_in_notice_is_decided_whatever_review_passed_says(void **state)
{
	struct casefile_state s = state_at(PG, S(NOTICE));

	(void)state;
	check_move(&s, S(DECISION), NULL, 0, NULL);
	s.review_passed = true;
	check_move(&s, S(DECISION), NULL, 0, NULL);
}

static void test_a_major_case_is_decided_after_the_hearing_only_with_a_passed_review(void **state)
{
	struct casefile_state s = state_at(PG, S(HEARING));
	struct sx_error err;

	(void)state;
	s.hearing_requested = true;
	check_move(&s, S(DECISION), NULL, 0, NULL); /* not major: no review needed */
	s.major = true;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	/* From the hearing the way to the review is direct. */
	assert_non_null(strstr(err.message, "请先转到法制审核"));
	s.review_passed = true;
	check_move(&s, S(DECISION), NULL, 0, NULL);
}

static void test_only_a_major_case_goes_from_the_hearing_to_legal_review(void **state)
{
	struct casefile_state s = state_at(PG, S(HEARING));
	struct sx_error err;

	(void)state;
	s.hearing_requested = true;
	s.review_passed = true; /* a stale flag does not make the case major */
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(LEGAL_REVIEW), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_not_applicable");
	assert_non_null(strstr(err.message, "第五十八条第一款第二项"));
	assert_false(casefile_transition_needs_reason(PG, S(HEARING), S(LEGAL_REVIEW)));
	s.major = true;
	check_move(&s, S(LEGAL_REVIEW), NULL, 0, NULL);
	s.review_passed = false;
	check_move(&s, S(LEGAL_REVIEW), NULL, 0, NULL);
}

static void test_a_review_leads_to_the_decision_only_after_a_hearing_request_and_a_pass(void **state)
{
	struct casefile_state s = state_at(PG, S(LEGAL_REVIEW));
	struct sx_error err;

	(void)state;
	s.major = true;
	/* Neither: the way is told first — without a hearing, NOTICE comes next. */
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "hearing_not_requested");
	assert_non_null(strstr(err.message, "第四十四条"));
	assert_non_null(strstr(err.message, "告知"));
	/* A passed review without a hearing still goes to NOTICE, not DECISION. */
	s.review_passed = true;
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "hearing_not_requested");
	check_move(&s, S(NOTICE), NULL, 0, NULL);
	/* After a hearing request, the review must still pass. */
	s.review_passed = false;
	s.hearing_requested = true;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "review_required");
	assert_non_null(strstr(err.message, "不能作出决定"));
	s.review_passed = true;
	check_move(&s, S(DECISION), NULL, 0, NULL);
	assert_false(casefile_transition_needs_reason(PG, S(LEGAL_REVIEW), S(DECISION)));
}

static void test_next_stages_of_legal_review_and_hearing_list_the_new_moves_in_order(void **state)
{
	struct casefile_state s = state_at(PG, S(LEGAL_REVIEW));
	enum casefile_stage got[CASEFILE_STAGE_COUNT];
	size_t count = 0;

	(void)state;
	casefile_next_stages(got, &count, &s);
	assert_int_equal(count, 3);
	assert_int_equal(got[0], S(NOTICE)); /* the main path stays first */
	assert_int_equal(got[1], S(DECISION));
	assert_int_equal(got[2], S(EXAMINATION));
	s.stage = S(HEARING);
	count = 0;
	casefile_next_stages(got, &count, &s);
	assert_int_equal(count, 3);
	assert_int_equal(got[0], S(DECISION));
	assert_int_equal(got[1], S(LEGAL_REVIEW));
	assert_int_equal(got[2], S(EXAMINATION));
	/* The caller learns why each is blocked for a non-major case without a hearing. */
	check_move(&s, got[1], NULL, SX_ECONFLICT, "review_not_applicable");
	s.stage = S(LEGAL_REVIEW);
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "hearing_not_requested");
}

static void test_a_gate_is_reported_before_a_missing_reason(void **state)
{
	struct casefile_state s = state_at(PG, S(EXAMINATION));

	(void)state;
	/* NOTICE → EXAMINATION needs a reason and has no gate: reason_required. */
	s.stage = S(NOTICE);
	check_move(&s, S(EXAMINATION), NULL, SX_ECONFLICT, "reason_required");
	/* A gated row without reason: the gate speaks. */
	s.stage = S(EXAMINATION);
	s.major = true;
	check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
}

static void test_nothing_leaves_an_archived_case(void **state)
{
	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(pairs); p++) {
		struct casefile_state s = state_at(pairs[p].kind, pairs[p].proc, S(ARCHIVED));
		struct sx_error err;

		sx_error_clear(&err);
		assert_int_equal(casefile_transition_check(&s, S(CLOSED), "更正", &err),
				 SX_ECONFLICT);
		assert_string_equal(err.code, "stage_final");
		assert_non_null(strstr(err.message, "归档"));
		check_move(&s, pairs[p].first, "重新办理", SX_ECONFLICT, "stage_final");
	}
}

static void test_a_stage_of_another_kind_is_a_bad_stage(void **state)
{
	struct casefile_state s = state_at(PG, S(FILED));
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(&s, S(COERCION), NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_stage");
	assert_non_null(strstr(err.message, "实施强制"));
	assert_non_null(strstr(err.message, "行政处罚"));
	/* A general-procedure case never is 当场处罚, and the other way round. */
	s.stage = S(ON_SPOT);
	check_move(&s, S(DECISION), NULL, SX_EINVALID, "bad_stage");
	s = state_at(PS, S(DECISION));
	check_move(&s, S(NOTICE), NULL, SX_EINVALID, "bad_stage");
	s = state_at(IN, S(HANDLING));
	check_move(&s, S(DECISION), NULL, SX_EINVALID, "bad_stage");
	s = state_at(CO, S(COERCION));
	check_move(&s, S(EXECUTION), NULL, SX_EINVALID, "bad_stage");
	s = state_at(CO, S(FILED));
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_stage");
}

static void test_stages_out_of_range_are_bad_stages(void **state)
{
	struct casefile_state s = state_at(PG, S(FILED));

	(void)state;
	check_move(&s, 0, NULL, SX_EINVALID, "bad_stage");
	check_move(&s, CASEFILE_STAGE_COUNT + 1, NULL, SX_EINVALID, "bad_stage");
	check_move(&s, (enum casefile_stage)-1, NULL, SX_EINVALID, "bad_stage");
	s.stage = 0;
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_stage");
	s.stage = (enum casefile_stage)1000;
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_stage");
}

static void test_bad_kinds_and_procedures_are_refused(void **state)
{
	struct casefile_state s = state_at(IN, S(INSPECTION));
	struct sx_error err;

	(void)state;
	s.procedure = CASEFILE_PROC_SIMPLE;
	check_move(&s, S(HANDLING), NULL, SX_EINVALID, "bad_procedure");
	s = state_at(CO, S(APPROVAL));
	s.procedure = CASEFILE_PROC_SIMPLE;
	check_move(&s, S(COERCION), NULL, SX_EINVALID, "bad_procedure");
	s = state_at(PG, S(FILED));
	s.procedure = 0;
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_procedure");
	s.procedure = 3;
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_procedure");
	s = state_at(0, CASEFILE_PROC_GENERAL, S(FILED));
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_kind");
	s.kind = 4;
	check_move(&s, S(INVESTIGATION), NULL, SX_EINVALID, "bad_kind");
	sx_error_clear(&err);
	assert_int_equal(casefile_transition_check(NULL, S(INVESTIGATION), NULL, &err),
			 SX_EINVALID);

	assert_int_equal(casefile_kind_procedure_check(PG, NULL), 0);
	assert_int_equal(casefile_kind_procedure_check(PS, NULL), 0);
	assert_int_equal(casefile_kind_procedure_check(IN, NULL), 0);
	assert_int_equal(casefile_kind_procedure_check(CO, NULL), 0);
	sx_error_clear(&err);
	assert_int_equal(casefile_kind_procedure_check(CASEFILE_KIND_INSPECTION,
						       CASEFILE_PROC_SIMPLE, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_procedure");
	assert_non_null(strstr(err.message, "行政检查"));
	assert_int_equal(casefile_kind_procedure_check(CASEFILE_KIND_COERCION,
						       CASEFILE_PROC_SIMPLE, NULL),
			 SX_EINVALID);
}

static void test_a_null_error_record_still_returns_the_code(void **state)
{
	struct casefile_state s = state_at(PG, S(ARCHIVED));

	(void)state;
	assert_int_equal(casefile_transition_check(&s, S(CLOSED), NULL, NULL), SX_ECONFLICT);
	s.stage = S(FILED);
	assert_int_equal(casefile_transition_check(&s, S(DECISION), NULL, NULL), SX_ECONFLICT);
	assert_int_equal(casefile_transition_check(&s, S(COERCION), NULL, NULL), SX_EINVALID);
	s.stage = S(INVESTIGATION);
	assert_int_equal(casefile_transition_check(&s, S(CLOSED), NULL, NULL), SX_ECONFLICT);
}

/* ---- walks ----------------------------------------------------------------------------------- */

/* Moves s to `to`, asserting the move is allowed. */
static void step(struct casefile_state *s, enum casefile_stage to, const char *reason)
{
	check_move(s, to, reason, 0, NULL);
	s->stage = to;
}

static void walk_general_penalty(bool major, bool hearing)
{
	struct casefile_state s = state_at(PG, casefile_first_stage(PG));

	s.major = major;
	assert_int_equal(s.stage, S(FILED));
	step(&s, S(INVESTIGATION), NULL);
	step(&s, S(EXAMINATION), NULL);
	if (major) {
		check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
		step(&s, S(LEGAL_REVIEW), NULL);
		check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
		s.review_passed = true; /* the reviewer agreed */
		step(&s, S(NOTICE), NULL);
	} else {
		check_move(&s, S(LEGAL_REVIEW), NULL, SX_ECONFLICT, "review_not_applicable");
		step(&s, S(NOTICE), NULL);
	}
	s.hearing_requested = hearing;
	if (hearing) {
		check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "hearing_required");
		step(&s, S(HEARING), NULL);
	} else {
		check_move(&s, S(HEARING), NULL, SX_ECONFLICT, "hearing_not_requested");
	}
	step(&s, S(DECISION), NULL);
	assert_true(casefile_stage_is_decided(s.stage));
	step(&s, S(SERVICE), NULL);
	step(&s, S(EXECUTION), NULL);
	step(&s, S(CLOSED), NULL);
	assert_false(casefile_stage_is_open(s.stage));
	step(&s, S(ARCHIVED), NULL);
	check_move(&s, S(CLOSED), "重开", SX_ECONFLICT, "stage_final");
}

static void test_a_general_penalty_case_walks_to_the_archive(void **state)
{
	(void)state;
	walk_general_penalty(false, false);
}

static void test_a_major_case_walks_through_legal_review(void **state)
{
	(void)state;
	walk_general_penalty(true, false);
}

static void test_a_case_with_a_hearing_walks_through_it(void **state)
{
	(void)state;
	walk_general_penalty(false, true);
}

static void test_a_major_case_with_a_hearing_walks_through_both(void **state)
{
	(void)state;
	walk_general_penalty(true, true);
}

static void test_a_case_returned_from_the_hearing_is_reviewed_again(void **state)
{
	struct casefile_state s = state_at(PG, S(HEARING));

	(void)state;
	s.major = true;
	s.hearing_requested = true;
	s.review_passed = true;
	step(&s, S(EXAMINATION), "听证中当事人提出新证据");
	s.review_passed = false; /* the service clears it: the draft changed */
	check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
	step(&s, S(LEGAL_REVIEW), NULL);
	check_move(&s, S(NOTICE), NULL, SX_ECONFLICT, "review_required");
}

/* 第五十八条第一款第二项: a case that went through a hearing is major, so it
 * is reviewed after the hearing, before the decision. */
static void test_a_case_heard_is_reviewed_after_the_hearing_before_the_decision(void **state)
{
	struct casefile_state s = state_at(PG, S(EXAMINATION));

	(void)state;
	step(&s, S(NOTICE), NULL);
	s.hearing_requested = true;
	step(&s, S(HEARING), NULL);
	s.major = true; /* the service: 经过听证程序 */
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "review_required");
	step(&s, S(LEGAL_REVIEW), NULL);
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "review_required");
	s.review_passed = true; /* the reviewer agreed */
	step(&s, S(DECISION), NULL);
	step(&s, S(SERVICE), NULL);
	step(&s, S(CLOSED), NULL);
	step(&s, S(ARCHIVED), NULL);
}

/* A draft changed after the review: the decision waits for a new review. */
static void test_a_draft_changed_after_the_review_sends_the_case_back_to_review(void **state)
{
	struct casefile_state s = state_at(PG, S(LEGAL_REVIEW));

	(void)state;
	s.major = true;
	s.review_passed = true;
	step(&s, S(NOTICE), NULL);
	s.review_passed = false; /* the draft changed during NOTICE */
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "review_required");
	step(&s, S(EXAMINATION), "告知后修改了处罚决定书草稿");
	step(&s, S(LEGAL_REVIEW), NULL);
	s.review_passed = true;
	step(&s, S(NOTICE), NULL);
	s.hearing_requested = true;
	step(&s, S(HEARING), NULL);
	s.review_passed = false; /* changed again, after the hearing */
	check_move(&s, S(DECISION), NULL, SX_ECONFLICT, "review_required");
	step(&s, S(LEGAL_REVIEW), NULL);
	s.review_passed = true;
	step(&s, S(DECISION), NULL);
}

static void test_simple_inspection_and_coercion_cases_walk_to_the_archive(void **state)
{
	struct casefile_state s = state_at(PS, casefile_first_stage(PS));

	(void)state;
	assert_int_equal(s.stage, S(ON_SPOT));
	step(&s, S(DECISION), NULL);
	step(&s, S(SERVICE), NULL);
	step(&s, S(EXECUTION), NULL);
	step(&s, S(CLOSED), NULL);
	step(&s, S(ARCHIVED), NULL);

	s = state_at(IN, casefile_first_stage(IN));
	assert_int_equal(s.stage, S(INSPECTION));
	step(&s, S(HANDLING), NULL);
	step(&s, S(RECHECK), NULL);
	step(&s, S(HANDLING), NULL); /* 复查不合格 */
	step(&s, S(RECHECK), NULL);
	step(&s, S(CLOSED), NULL);
	step(&s, S(ARCHIVED), NULL);

	s = state_at(CO, casefile_first_stage(CO));
	assert_int_equal(s.stage, S(APPROVAL));
	step(&s, S(COERCION), NULL);
	check_move(&s, S(CLOSED), NULL, SX_ECONFLICT, "reason_required");
	step(&s, S(DECISION), NULL);
	step(&s, S(SERVICE), NULL);
	step(&s, S(CLOSED), NULL);
	step(&s, S(ARCHIVED), NULL);
}

static void test_first_stage_is_zero_for_an_invalid_pair(void **state)
{
	(void)state;
	assert_int_equal(casefile_first_stage(IN), S(INSPECTION));
	assert_int_equal(casefile_first_stage(CASEFILE_KIND_INSPECTION, CASEFILE_PROC_SIMPLE), 0);
	assert_int_equal(casefile_first_stage(CASEFILE_KIND_COERCION, CASEFILE_PROC_SIMPLE), 0);
	assert_int_equal(casefile_first_stage(0, CASEFILE_PROC_GENERAL), 0);
	assert_int_equal(casefile_first_stage(CASEFILE_KIND_PENALTY, 0), 0);
}

/* ---- 简易程序 ------------------------------------------------------------------------------- */

static void test_simple_procedure_limits_hold_at_the_boundary(void **state)
{
	struct sx_error err;

	(void)state;
	assert_int_equal(casefile_simple_eligible(true, 0, NULL), 0);
	assert_int_equal(casefile_simple_eligible(true, 20000, NULL), 0);
	sx_error_clear(&err);
	assert_int_equal(casefile_simple_eligible(true, 20001, &err), SX_EINVALID);
	assert_string_equal(err.code, "simple_not_eligible");
	assert_non_null(strstr(err.message, "200 元"));
	assert_non_null(strstr(err.message, "200.01 元"));
	assert_non_null(strstr(err.message, "公民"));
	assert_non_null(strstr(err.message, "第五十一条"));

	assert_int_equal(casefile_simple_eligible(false, 0, NULL), 0);
	assert_int_equal(casefile_simple_eligible(false, 300000, NULL), 0);
	sx_error_clear(&err);
	assert_int_equal(casefile_simple_eligible(false, 300001, &err), SX_EINVALID);
	assert_string_equal(err.code, "simple_not_eligible");
	assert_non_null(strstr(err.message, "3000 元"));
	assert_non_null(strstr(err.message, "法人或者其他组织"));

	assert_int_equal(casefile_simple_eligible(false, INT64_MAX, NULL), SX_EINVALID);
}

static void test_a_negative_fine_is_not_an_amount(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(casefile_simple_eligible(true, -1, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_amount");
	assert_int_equal(casefile_simple_eligible(false, INT64_MIN, NULL), SX_EINVALID);
}

/* ---- deadlines ------------------------------------------------------------------------------- */

static void expect_due(enum casefile_kind kind, const char *start, int extension, const char *want)
{
	char out[11];
	struct sx_error err;

	sx_error_clear(&err);
	if (casefile_decision_due(out, kind, start, extension, &err) != 0)
		fail_msg("%s + %d: %s %s", start, extension, err.code, err.message);
	assert_string_equal(out, want);
}

static void expect_due_refused(enum casefile_kind kind, const char *start, int extension,
			       int want_rc, const char *want_code)
{
	char out[11] = "x";
	struct sx_error err;

	sx_error_clear(&err);
	assert_int_equal(casefile_decision_due(out, kind, start, extension, &err), want_rc);
	assert_string_equal(err.code, want_code);
	assert_string_equal(out, "");
}

static void test_a_penalty_decision_is_due_90_calendar_days_after_filing(void **state)
{
	(void)state;
	expect_due(CASEFILE_KIND_PENALTY, "2026-01-01", 0, "2026-04-01");
	/* Across a year end, and onto a leap day. */
	expect_due(CASEFILE_KIND_PENALTY, "2024-10-15", 0, "2025-01-13");
	expect_due(CASEFILE_KIND_PENALTY, "2023-12-01", 0, "2024-02-29");
	expect_due(CASEFILE_KIND_PENALTY, "2025-12-01", 0, "2026-03-01");
}

static void test_an_approved_extension_moves_the_due_date(void **state)
{
	char out[11];

	(void)state;
	expect_due(CASEFILE_KIND_PENALTY, "2026-01-01", 30, "2026-05-01");
	expect_due(CASEFILE_KIND_PENALTY, "2026-01-01", CASEFILE_MAX_DAYS, "2036-03-29");
	expect_due_refused(CASEFILE_KIND_PENALTY, "2026-01-01", -1, SX_EINVALID, "bad_extension");
	expect_due_refused(CASEFILE_KIND_PENALTY, "2026-01-01", CASEFILE_MAX_DAYS + 1, SX_EINVALID,
			   "bad_extension");
	/* A law providing otherwise: 60 days. */
	assert_int_equal(casefile_decision_due_within(out, CASEFILE_KIND_PENALTY, "2026-01-01", 60,
						      0, NULL),
			 0);
	assert_string_equal(out, "2026-03-02");
	assert_int_equal(casefile_decision_due_within(out, CASEFILE_KIND_PENALTY, "2026-01-01", 0,
						      0, NULL),
			 SX_EINVALID);
	assert_int_equal(casefile_decision_due_within(out, CASEFILE_KIND_PENALTY, "2026-01-01",
						      CASEFILE_MAX_DAYS + 1, 0, NULL),
			 SX_EINVALID);
}

static void test_a_seizure_lasts_30_days_and_may_be_extended_by_30_at_most(void **state)
{
	struct sx_error err;
	char out[11];

	(void)state;
	expect_due(CASEFILE_KIND_COERCION, "2026-03-10", 0, "2026-04-09");
	expect_due(CASEFILE_KIND_COERCION, "2026-03-10", 30, "2026-05-09");
	sx_error_clear(&err);
	assert_int_equal(casefile_decision_due(out, CASEFILE_KIND_COERCION, "2026-03-10", 31, &err),
			 SX_EINVALID);
	assert_string_equal(err.code, "bad_extension");
	assert_non_null(strstr(err.message, "第二十五条"));
	expect_due_refused(CASEFILE_KIND_COERCION, "2026-03-10", -1, SX_EINVALID, "bad_extension");
}

static void test_inspections_have_no_decision_deadline(void **state)
{
	(void)state;
	expect_due_refused(CASEFILE_KIND_INSPECTION, "2026-03-10", 0, SX_ENOTFOUND, "no_deadline");
	expect_due_refused(0, "2026-03-10", 0, SX_EINVALID, "bad_kind");
	expect_due_refused(4, "2026-03-10", 0, SX_EINVALID, "bad_kind");
}

static void test_malformed_start_dates_are_refused(void **state)
{
	static const char *const bad[] = {"",           "2026-02-30", "2026-1-01",   "2026-01-01x",
					  "2026/01/01", "20260101",   "2025-02-29", "9999-12-01"};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		expect_due_refused(CASEFILE_KIND_PENALTY, bad[i], 0, SX_EINVALID, "bad_date");
	expect_due_refused(CASEFILE_KIND_PENALTY, NULL, 0, SX_EINVALID, "bad_date");
	assert_int_equal(casefile_decision_due(NULL, CASEFILE_KIND_PENALTY, "2026-01-01", 0, NULL),
			 SX_EINVALID);
}

static void test_an_undecided_case_is_overdue_the_day_after_the_due_date(void **state)
{
	(void)state;
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(EXAMINATION), "2026-04-01",
					 "2026-03-31"));
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(EXAMINATION), "2026-04-01",
					 "2026-04-01"));
	assert_true(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(EXAMINATION), "2026-04-01",
					"2026-04-02"));
	assert_true(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(FILED), "2025-12-31",
					"2026-01-01"));
	assert_true(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(ON_SPOT), "2026-04-01",
					"2026-05-01"));
	assert_true(casefile_is_overdue(CASEFILE_KIND_COERCION, S(COERCION), "2026-04-09",
					"2026-04-10"));
	assert_true(casefile_is_overdue(CASEFILE_KIND_COERCION, S(APPROVAL), "2026-04-09",
					"2026-04-10"));
}

static void test_a_decided_case_is_never_overdue(void **state)
{
	static const enum casefile_stage decided[] = {S(DECISION), S(SERVICE), S(EXECUTION),
						      S(CLOSED), S(ARCHIVED)};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(decided); i++) {
		assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, decided[i], "2026-04-01",
						 "2027-01-01"));
		assert_false(casefile_is_overdue(CASEFILE_KIND_COERCION, decided[i], "2026-04-01",
						 "2027-01-01"));
	}
}

static void test_overdue_is_false_without_a_deadline_or_with_bad_input(void **state)
{
	(void)state;
	assert_false(casefile_is_overdue(CASEFILE_KIND_INSPECTION, S(HANDLING), "2026-04-01",
					 "2027-01-01"));
	assert_false(casefile_is_overdue(0, S(FILED), "2026-04-01", "2027-01-01"));
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, 0, "2026-04-01", "2027-01-01"));
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(FILED), "2026-04-31",
					 "2027-01-01"));
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(FILED), "2026-04-01", NULL));
	assert_false(casefile_is_overdue(CASEFILE_KIND_PENALTY, S(FILED), NULL, "2027-01-01"));
}

static void test_days_left_counts_calendar_days_to_the_due_date(void **state)
{
	int left = 12345;

	(void)state;
	assert_int_equal(casefile_days_left(&left, "2026-04-01", "2026-04-01"), 0);
	assert_int_equal(left, 0);
	assert_int_equal(casefile_days_left(&left, "2026-04-01", "2026-03-31"), 0);
	assert_int_equal(left, 1);
	assert_int_equal(casefile_days_left(&left, "2026-04-01", "2026-04-03"), 0);
	assert_int_equal(left, -2);
	assert_int_equal(casefile_days_left(&left, "2025-01-13", "2024-10-15"), 0);
	assert_int_equal(left, 90);
	left = 7;
	assert_int_equal(casefile_days_left(&left, "2026-02-29", "2026-01-01"), SX_EINVALID);
	assert_int_equal(casefile_days_left(&left, "2026-02-01", "tomorrow"), SX_EINVALID);
	assert_int_equal(casefile_days_left(&left, NULL, "2026-01-01"), SX_EINVALID);
	assert_int_equal(left, 7);
	assert_int_equal(casefile_days_left(NULL, "2026-02-01", "2026-01-01"), SX_EINVALID);
}

/* ---- 音像记录 stage names ------------------------------------------------------------------ */

struct av_case {
	enum casefile_kind kind;
	const char *name;
	int want_rc;
	enum casefile_stage want;
};

static const struct av_case av_cases[] = {
	{CASEFILE_KIND_PENALTY, "现场检查", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_INSPECTION, "现场检查", 0, S(INSPECTION)},
	{CASEFILE_KIND_COERCION, "现场检查", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_COERCION, "查封扣押", 0, S(COERCION)},
	{CASEFILE_KIND_COERCION, "查封", 0, S(COERCION)},
	{CASEFILE_KIND_COERCION, "扣押", 0, S(COERCION)},
	{CASEFILE_KIND_PENALTY, "查封扣押", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_PENALTY, "扣押", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_INSPECTION, "查封扣押", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "留置送达", 0, S(SERVICE)},
	{CASEFILE_KIND_PENALTY, "送达", 0, S(SERVICE)},
	{CASEFILE_KIND_COERCION, "留置送达", 0, S(SERVICE)},
	{CASEFILE_KIND_INSPECTION, "送达", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "强制拆除", 0, S(EXECUTION)},
	{CASEFILE_KIND_PENALTY, "强制执行", 0, S(EXECUTION)},
	{CASEFILE_KIND_COERCION, "强制拆除", 0, S(COERCION)},
	{CASEFILE_KIND_COERCION, "强制执行", 0, S(COERCION)},
	{CASEFILE_KIND_PENALTY, "听证", 0, S(HEARING)},
	{CASEFILE_KIND_COERCION, "听证", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "询问", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_PENALTY, "调查", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_PENALTY, "调查取证", 0, S(INVESTIGATION)},
	{CASEFILE_KIND_INSPECTION, "询问", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "当场处罚", 0, S(ON_SPOT)},
	{CASEFILE_KIND_PENALTY, "执行", 0, S(EXECUTION)},
	{CASEFILE_KIND_COERCION, "执行", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "决定", 0, S(DECISION)},
	{CASEFILE_KIND_COERCION, "决定", 0, S(DECISION)},
	{CASEFILE_KIND_COERCION, "实施强制", 0, S(COERCION)},
	{CASEFILE_KIND_INSPECTION, "整改复查", 0, S(RECHECK)},
	{CASEFILE_KIND_PENALTY, "实施强制", SX_ENOTFOUND, 0},
	/* Blanks around the name are not part of it; inside they are. */
	{CASEFILE_KIND_PENALTY, "  听证\xe3\x80\x80", 0, S(HEARING)},
	{CASEFILE_KIND_PENALTY, "\t送达\n", 0, S(SERVICE)},
	{CASEFILE_KIND_PENALTY, "听 证", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "听证会", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "   ", SX_ENOTFOUND, 0},
	{CASEFILE_KIND_PENALTY, "hearing", SX_ENOTFOUND, 0},
};

static void test_av_stage_names_map_to_the_stage_where_they_happen(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(av_cases); i++) {
		enum casefile_stage got = (enum casefile_stage)99;
		int rc = casefile_stage_for_av_name(&got, av_cases[i].kind, av_cases[i].name);

		if (rc != av_cases[i].want_rc)
			fail_msg("case %zu (%s): rc %d, want %d", i, av_cases[i].name, rc,
				 av_cases[i].want_rc);
		if (rc == 0 && got != av_cases[i].want)
			fail_msg("case %zu (%s): stage %s, want %s", i, av_cases[i].name,
				 casefile_stage_code(got), casefile_stage_code(av_cases[i].want));
		if (rc != 0)
			assert_int_equal(got, 99);
	}
}

static void test_av_name_lookup_refuses_bad_arguments(void **state)
{
	enum casefile_stage got;

	(void)state;
	assert_int_equal(casefile_stage_for_av_name(NULL, CASEFILE_KIND_PENALTY, "听证"),
			 SX_EINVALID);
	assert_int_equal(casefile_stage_for_av_name(&got, CASEFILE_KIND_PENALTY, NULL),
			 SX_EINVALID);
	assert_int_equal(casefile_stage_for_av_name(&got, 0, "听证"), SX_EINVALID);
	assert_int_equal(casefile_stage_for_av_name(&got, 4, "听证"), SX_EINVALID);
}

/* ---- words ----------------------------------------------------------------------------------- */

static void test_every_stage_has_a_code_and_label_that_round_trip(void **state)
{
	static const char *const codes[] = {
		NULL,          "filed",   "investigation", "examination", "legal_review",
		"notice",      "hearing", "decision",      "service",     "execution",
		"closed",      "archived", "on_spot",      "inspection",  "handling",
		"recheck",     "approval", "coercion",
	};
	static const char *const labels[] = {
		NULL,       "立案",     "调查取证", "审查",     "法制审核", "告知",
		"听证",     "决定",     "送达",     "执行",     "结案",     "归档",
		"当场处罚", "现场检查", "检查处理", "整改复查", "强制审批", "实施强制",
	};

	(void)state;
	assert_int_equal(ARRAY_LEN(codes), CASEFILE_STAGE_COUNT + 1);
	for (int i = 1; i <= CASEFILE_STAGE_COUNT; i++) {
		enum casefile_stage back = 0;

		assert_string_equal(casefile_stage_code(i), codes[i]);
		assert_string_equal(casefile_stage_label(i), labels[i]);
		assert_int_equal(casefile_stage_from_code(&back, codes[i]), 0);
		assert_int_equal(back, i);
	}
	assert_null(casefile_stage_code(0));
	assert_null(casefile_stage_code(CASEFILE_STAGE_COUNT + 1));
	assert_null(casefile_stage_label(0));
	assert_null(casefile_stage_label((enum casefile_stage)-3));
}

static void test_unknown_stage_codes_are_refused(void **state)
{
	enum casefile_stage back = S(FILED);

	(void)state;
	assert_int_equal(casefile_stage_from_code(&back, "Filed"), SX_EINVALID);
	assert_int_equal(casefile_stage_from_code(&back, "立案"), SX_EINVALID);
	assert_int_equal(casefile_stage_from_code(&back, ""), SX_EINVALID);
	assert_int_equal(casefile_stage_from_code(&back, NULL), SX_EINVALID);
	assert_int_equal(back, S(FILED));
	assert_int_equal(casefile_stage_from_code(NULL, "filed"), SX_EINVALID);
}

static void test_kinds_and_procedures_have_codes_and_labels(void **state)
{
	enum casefile_kind kind = 0;
	enum casefile_procedure proc = 0;

	(void)state;
	assert_string_equal(casefile_kind_code(CASEFILE_KIND_PENALTY), "penalty");
	assert_string_equal(casefile_kind_code(CASEFILE_KIND_INSPECTION), "inspection");
	assert_string_equal(casefile_kind_code(CASEFILE_KIND_COERCION), "coercion");
	assert_string_equal(casefile_kind_label(CASEFILE_KIND_PENALTY), "行政处罚");
	assert_string_equal(casefile_kind_label(CASEFILE_KIND_INSPECTION), "行政检查");
	assert_string_equal(casefile_kind_label(CASEFILE_KIND_COERCION), "行政强制");
	assert_null(casefile_kind_code(0));
	assert_null(casefile_kind_label(4));
	assert_int_equal(casefile_kind_from_code(&kind, "coercion"), 0);
	assert_int_equal(kind, CASEFILE_KIND_COERCION);
	assert_int_equal(casefile_kind_from_code(&kind, "permit"), SX_EINVALID);
	assert_int_equal(casefile_kind_from_code(&kind, NULL), SX_EINVALID);
	assert_int_equal(kind, CASEFILE_KIND_COERCION);

	assert_string_equal(casefile_procedure_code(CASEFILE_PROC_GENERAL), "general");
	assert_string_equal(casefile_procedure_code(CASEFILE_PROC_SIMPLE), "simple");
	assert_string_equal(casefile_procedure_label(CASEFILE_PROC_GENERAL), "普通程序");
	assert_string_equal(casefile_procedure_label(CASEFILE_PROC_SIMPLE), "简易程序");
	assert_null(casefile_procedure_code(0));
	assert_null(casefile_procedure_label(3));
	assert_int_equal(casefile_procedure_from_code(&proc, "simple"), 0);
	assert_int_equal(proc, CASEFILE_PROC_SIMPLE);
	assert_int_equal(casefile_procedure_from_code(&proc, "summary"), SX_EINVALID);
	assert_int_equal(casefile_procedure_from_code(NULL, "simple"), SX_EINVALID);
	assert_int_equal(proc, CASEFILE_PROC_SIMPLE);
}

static void test_only_closed_and_archived_stages_are_not_open(void **state)
{
	(void)state;
	for (int i = 1; i <= CASEFILE_STAGE_COUNT; i++)
		assert_int_equal(casefile_stage_is_open(i),
				 i != S(CLOSED) && i != S(ARCHIVED));
	assert_false(casefile_stage_is_open(0));
	assert_false(casefile_stage_is_open(CASEFILE_STAGE_COUNT + 1));
}

static void test_stages_from_the_decision_on_are_decided(void **state)
{
	(void)state;
	for (int i = 1; i <= CASEFILE_STAGE_COUNT; i++) {
		bool want = i == S(DECISION) || i == S(SERVICE) || i == S(EXECUTION) ||
			    i == S(CLOSED) || i == S(ARCHIVED);

		assert_int_equal(casefile_stage_is_decided(i), want);
	}
	assert_false(casefile_stage_is_decided(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allowed_transition_of_every_path_passes),
		cmocka_unit_test(test_every_row_is_open_or_gated_as_its_gates_say),
		cmocka_unit_test(test_moves_that_need_a_reason_are_refused_without_one),
		cmocka_unit_test(test_a_reason_needs_only_one_visible_character),
		cmocka_unit_test(test_service_to_closed_needs_no_reason_when_nothing_is_executed),
		cmocka_unit_test(test_needs_reason_is_false_for_moves_outside_the_table),
		cmocka_unit_test(test_every_move_outside_the_table_is_refused),
		cmocka_unit_test(test_next_stages_are_exactly_the_table_rows_in_order),
		cmocka_unit_test(test_next_stages_of_nothing_or_an_archived_case_are_none),
		cmocka_unit_test(test_next_stages_of_examination_include_gated_ones),
		cmocka_unit_test(test_a_stage_cannot_be_skipped),
		cmocka_unit_test(test_going_backwards_without_a_table_row_is_refused),
		cmocka_unit_test(test_a_non_major_case_cannot_enter_legal_review),
		cmocka_unit_test(test_a_major_case_cannot_skip_legal_review),
		cmocka_unit_test(test_a_major_case_cannot_leave_legal_review_before_it_passes),
		cmocka_unit_test(test_a_requested_hearing_must_be_held_before_the_decision),
		cmocka_unit_test(test_a_hearing_is_not_held_unless_requested),
		cmocka_unit_test(test_a_major_case_in_notice_is_decided_only_with_a_passed_review),
		cmocka_unit_test(
			test_a_non_major_case_in_notice_is_decided_whatever_review_passed_says),
		cmocka_unit_test(
			test_a_major_case_is_decided_after_the_hearing_only_with_a_passed_review),
		cmocka_unit_test(test_only_a_major_case_goes_from_the_hearing_to_legal_review),
		cmocka_unit_test(
			test_a_review_leads_to_the_decision_only_after_a_hearing_request_and_a_pass),
		cmocka_unit_test(
			test_next_stages_of_legal_review_and_hearing_list_the_new_moves_in_order),
		cmocka_unit_test(test_a_gate_is_reported_before_a_missing_reason),
		cmocka_unit_test(test_nothing_leaves_an_archived_case),
		cmocka_unit_test(test_a_stage_of_another_kind_is_a_bad_stage),
		cmocka_unit_test(test_stages_out_of_range_are_bad_stages),
		cmocka_unit_test(test_bad_kinds_and_procedures_are_refused),
		cmocka_unit_test(test_a_null_error_record_still_returns_the_code),
		cmocka_unit_test(test_a_general_penalty_case_walks_to_the_archive),
		cmocka_unit_test(test_a_major_case_walks_through_legal_review),
		cmocka_unit_test(test_a_case_with_a_hearing_walks_through_it),
		cmocka_unit_test(test_a_major_case_with_a_hearing_walks_through_both),
		cmocka_unit_test(test_a_case_returned_from_the_hearing_is_reviewed_again),
		cmocka_unit_test(test_a_case_heard_is_reviewed_after_the_hearing_before_the_decision),
		cmocka_unit_test(
			test_a_draft_changed_after_the_review_sends_the_case_back_to_review),
		cmocka_unit_test(test_simple_inspection_and_coercion_cases_walk_to_the_archive),
		cmocka_unit_test(test_first_stage_is_zero_for_an_invalid_pair),
		cmocka_unit_test(test_simple_procedure_limits_hold_at_the_boundary),
		cmocka_unit_test(test_a_negative_fine_is_not_an_amount),
		cmocka_unit_test(test_a_penalty_decision_is_due_90_calendar_days_after_filing),
		cmocka_unit_test(test_an_approved_extension_moves_the_due_date),
		cmocka_unit_test(test_a_seizure_lasts_30_days_and_may_be_extended_by_30_at_most),
		cmocka_unit_test(test_inspections_have_no_decision_deadline),
		cmocka_unit_test(test_malformed_start_dates_are_refused),
		cmocka_unit_test(test_an_undecided_case_is_overdue_the_day_after_the_due_date),
		cmocka_unit_test(test_a_decided_case_is_never_overdue),
		cmocka_unit_test(test_overdue_is_false_without_a_deadline_or_with_bad_input),
		cmocka_unit_test(test_days_left_counts_calendar_days_to_the_due_date),
		cmocka_unit_test(test_av_stage_names_map_to_the_stage_where_they_happen),
		cmocka_unit_test(test_av_name_lookup_refuses_bad_arguments),
		cmocka_unit_test(test_every_stage_has_a_code_and_label_that_round_trip),
		cmocka_unit_test(test_unknown_stage_codes_are_refused),
		cmocka_unit_test(test_kinds_and_procedures_have_codes_and_labels),
		cmocka_unit_test(test_only_closed_and_archived_stages_are_not_open),
		cmocka_unit_test(test_stages_from_the_decision_on_are_decided),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
