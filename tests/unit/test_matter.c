/*
 * Unit tests for domain/matter: one valid 许可 built by matter_make, then a
 * table of single mutations, each accepted or refused with the exact error
 * code (one rule per row, limits at their boundary and one past it); the
 * messages that name positions and laws; list checks (size limit, duplicate
 * codes, 5000 matters); money formatting; the readable lines, against a
 * golden list; deep copy; labels; and allocation failure at every
 * allocation of matter_copy, matter_lines and matter_validate_list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/matter.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SET(field, text) snprintf((field), sizeof(field), "%s", (text))

/* A valid 许可 with every part filled: 2 bases, 3 steps, a guide, 1 discretion row, 1 AV stage. */
static void matter_make(struct matter *m, const char *code)
{
	memset(m, 0, sizeof(*m));
	SET(m->code, code);
	SET(m->name, "食品经营许可");
	m->act_type = MATTER_ACT_LICENSE;
	SET(m->unit, "行政审批科");
	m->av_requirement = MATTER_AV_KEY_STEPS;

	m->basis = sx_calloc(2, sizeof(*m->basis));
	assert_non_null(m->basis);
	m->basis_count = 2;
	SET(m->basis[0].law, "《中华人民共和国食品安全法》");
	SET(m->basis[0].article, "第三十五条第一款");
	SET(m->basis[1].law, "《食品经营许可和备案管理办法》");
	SET(m->basis[1].article, "第十条");

	m->steps = sx_calloc(3, sizeof(*m->steps));
	assert_non_null(m->steps);
	m->step_count = 3;
	SET(m->steps[0].title, "受理");
	m->steps[0].days = 1;
	SET(m->steps[1].title, "审查");
	SET(m->steps[1].detail, "核查申请材料\n必要时现场核查");
	m->steps[1].days = 10;
	SET(m->steps[2].title, "决定");

	m->has_guide = true;
	m->guide.materials = sx_calloc(2, sizeof(*m->guide.materials));
	assert_non_null(m->guide.materials);
	m->guide.material_count = 2;
	SET(m->guide.materials[0], "食品经营许可申请书");
	SET(m->guide.materials[1], "营业执照复印件");
	m->guide.legal_days = 20;
	m->guide.promised_days = 10;
	SET(m->guide.place, "政务服务中心 3 号窗口");

	SET(m->remedies.review_body, "市人民政府");
	m->remedies.review_days = 60;
	SET(m->remedies.litigation_court, "区人民法院");
	m->remedies.litigation_months = 6;

	m->discretion = sx_calloc(1, sizeof(*m->discretion));
	assert_non_null(m->discretion);
	m->discretion_count = 1;
	SET(m->discretion[0].circumstance, "首次违法且及时改正");
	SET(m->discretion[0].level, "lighter");
	m->discretion[0].min_fen = 0;
	m->discretion[0].max_fen = 500000;
	SET(m->discretion[0].other, "警告");

	m->av_stages = sx_calloc(1, sizeof(*m->av_stages));
	assert_non_null(m->av_stages);
	m->av_stage_count = 1;
	SET(m->av_stages[0].stage, "现场核查");
}

/* Grows or shrinks *array to n elements, new ones copied from the first. */
static void resize(void **array, size_t *count, size_t size, size_t n)
{
	char *p = sx_reallocarray(*array, n, size);
	size_t i;

	assert_non_null(p);
	for (i = *count; i < n; i++)
		memcpy(p + i * size, p, size);
	*array = p;
	*count = n;
}

#define RESIZE(m, array, count, n) \
	do { \
		void *tmp_ = (m)->array; \
		resize(&tmp_, &(m)->count, sizeof(*(m)->array), (n)); \
		(m)->array = tmp_; \
	} while (0)

static void av_stages_resize(struct matter *m, size_t n)
{
	size_t i;

	RESIZE(m, av_stages, av_stage_count, n);
	for (i = 0; i < n; i++)
		snprintf(m->av_stages[i].stage, sizeof(m->av_stages[i].stage), "环节 %zu", i + 1);
}

/* ---- mutations, one rule each ---- */

static void m_code_of_32_bytes(struct matter *m)
{
	SET(m->code, "ABCDEFGHIJ0123456789abcdefghij-.");
}

static void m_code_with_every_allowed_mark(struct matter *m)
{
	SET(m->code, "a-b_c.D9");
}

static void m_name_with_inner_fullwidth_space(struct matter *m)
{
	SET(m->name, "食品　经营许可");
}

static void m_step_without_days_or_detail(struct matter *m)
{
	m->steps[0].days = 0;
}

static void m_step_of_max_days(struct matter *m)
{
	m->steps[0].days = MATTER_MAX_DAYS;
}

static void m_promise_same_as_legal(struct matter *m)
{
	m->guide.promised_days = 0;
}

static void m_promise_equal_to_legal(struct matter *m)
{
	m->guide.promised_days = 20;
}

static void m_legal_days_of_max(struct matter *m)
{
	m->guide.legal_days = MATTER_MAX_DAYS;
}

static void m_place_not_given(struct matter *m)
{
	SET(m->guide.place, "");
}

static void m_fee_with_basis(struct matter *m)
{
	m->guide.fee_fen = 123456;
	SET(m->guide.fee_basis, "《某收费标准》第三条");
}

static void m_fee_of_max(struct matter *m)
{
	m->guide.fee_fen = MATTER_MAX_FEN;
	SET(m->guide.fee_basis, "《某收费标准》第三条");
}

static void m_review_of_max_days(struct matter *m)
{
	m->remedies.review_days = 3650;
}

static void m_litigation_of_max_months(struct matter *m)
{
	m->remedies.litigation_months = 240;
}

static void m_no_discretion(struct matter *m)
{
	m->discretion_count = 0;
}

static void m_min_equal_to_max(struct matter *m)
{
	m->discretion[0].min_fen = 500000;
}

static void m_max_of_max_fen(struct matter *m)
{
	m->discretion[0].max_fen = MATTER_MAX_FEN;
}

static void m_no_penalty_row_of_zero(struct matter *m)
{
	SET(m->discretion[0].level, "no_penalty");
	m->discretion[0].max_fen = 0;
	SET(m->discretion[0].other, "");
}

static void m_av_none_without_stages(struct matter *m)
{
	m->av_requirement = MATTER_AV_NONE;
	m->av_stage_count = 0;
}

static void m_full_process_with_every_stage_full(struct matter *m)
{
	av_stages_resize(m, 3);
	m->av_requirement = MATTER_AV_FULL_PROCESS;
	for (size_t i = 0; i < 3; i++)
		m->av_stages[i].full_process = true;
}

static void m_penalty_without_guide(struct matter *m)
{
	m->act_type = MATTER_ACT_PENALTY;
	m->has_guide = false;
}

static void m_max_basis(struct matter *m)
{
	RESIZE(m, basis, basis_count, MATTER_MAX_BASIS);
}

static void m_max_steps(struct matter *m)
{
	RESIZE(m, steps, step_count, MATTER_MAX_STEPS);
}

static void m_max_materials(struct matter *m)
{
	RESIZE(m, guide.materials, guide.material_count, MATTER_MAX_MATERIALS);
}

static void m_max_discretion(struct matter *m)
{
	RESIZE(m, discretion, discretion_count, MATTER_MAX_DISCRETION);
}

static void m_max_av_stages(struct matter *m)
{
	av_stages_resize(m, MATTER_MAX_AV_STAGES);
}

static void m_field_filling_its_array(struct matter *m)
{
	/* 128 three-byte characters: 384 bytes, the most MATTER_NAME_SIZE holds. */
	for (size_t i = 0; i < 128; i++)
		memcpy(m->name + 3 * i, "许", 3);
	m->name[384] = '\0';
}

static void m_code_empty(struct matter *m)
{
	SET(m->code, "");
}

static void m_code_without_nul(struct matter *m)
{
	memset(m->code, 'A', sizeof(m->code));
}

static void m_code_with_space(struct matter *m)
{
	SET(m->code, "XK 001");
}

static void m_code_with_slash(struct matter *m)
{
	SET(m->code, "XK/001");
}

static void m_code_with_cjk(struct matter *m)
{
	SET(m->code, "许可001");
}

static void m_name_empty(struct matter *m)
{
	SET(m->name, "");
}

static void m_name_of_spaces(struct matter *m)
{
	SET(m->name, "   ");
}

static void m_name_of_fullwidth_spaces(struct matter *m)
{
	SET(m->name, "　　");
}

static void m_name_with_line_break(struct matter *m)
{
	SET(m->name, "食品\n经营许可");
}

static void m_name_with_tab(struct matter *m)
{
	SET(m->name, "食品\t经营许可");
}

static void m_name_with_del(struct matter *m)
{
	SET(m->name, "食品\x7f");
}

static void m_name_with_c1_control(struct matter *m)
{
	SET(m->name, "食品\xc2\x85");
}

static void m_name_cut_utf8(struct matter *m)
{
	SET(m->name, "食品\xe8\xae");
}

static void m_name_overlong_utf8(struct matter *m)
{
	SET(m->name, "\xc0\xaf");
}

static void m_name_without_nul(struct matter *m)
{
	memset(m->name, 'a', sizeof(m->name));
}

static void m_act_type_zero(struct matter *m)
{
	m->act_type = (enum matter_act_type)0;
}

static void m_act_type_eleven(struct matter *m)
{
	m->act_type = (enum matter_act_type)11;
}

static void m_unit_blank(struct matter *m)
{
	SET(m->unit, " ");
}

static void m_av_requirement_unknown(struct matter *m)
{
	m->av_requirement = (enum matter_av_requirement)3;
}

static void m_no_basis(struct matter *m)
{
	m->basis_count = 0;
}

static void m_basis_array_missing(struct matter *m)
{
	sx_free(m->basis);
	m->basis = NULL;
}

static void m_too_many_basis(struct matter *m)
{
	RESIZE(m, basis, basis_count, MATTER_MAX_BASIS + 1);
}

static void m_law_without_marks(struct matter *m)
{
	SET(m->basis[1].law, "中华人民共和国食品安全法");
}

static void m_law_without_closing_mark(struct matter *m)
{
	SET(m->basis[1].law, "《食品安全法");
}

static void m_law_in_quotes(struct matter *m)
{
	SET(m->basis[1].law, "“食品安全法”");
}

static void m_law_of_empty_marks(struct matter *m)
{
	SET(m->basis[1].law, "《》");
}

static void m_law_of_blank_marks(struct matter *m)
{
	SET(m->basis[1].law, "《　》");
}

static void m_law_empty(struct matter *m)
{
	SET(m->basis[1].law, "");
}

static void m_law_with_text_after_marks(struct matter *m)
{
	SET(m->basis[1].law, "《食品安全法》第十条");
}

static void m_article_blank(struct matter *m)
{
	SET(m->basis[1].article, "  ");
}

static void m_no_steps(struct matter *m)
{
	m->step_count = 0;
}

static void m_too_many_steps(struct matter *m)
{
	RESIZE(m, steps, step_count, MATTER_MAX_STEPS + 1);
}

static void m_step_title_blank(struct matter *m)
{
	SET(m->steps[2].title, "");
}

static void m_step_title_with_line_break(struct matter *m)
{
	SET(m->steps[2].title, "决\n定");
}

static void m_step_detail_with_cr(struct matter *m)
{
	SET(m->steps[1].detail, "核查\r\n现场");
}

static void m_step_detail_with_tab(struct matter *m)
{
	SET(m->steps[1].detail, "核查\t现场");
}

static void m_step_days_negative(struct matter *m)
{
	m->steps[0].days = -1;
}

static void m_step_days_past_max(struct matter *m)
{
	m->steps[0].days = MATTER_MAX_DAYS + 1;
}

static void m_license_without_guide(struct matter *m)
{
	m->has_guide = false;
}

static void m_penalty_with_guide(struct matter *m)
{
	m->act_type = MATTER_ACT_PENALTY;
}

static void m_inspection_with_guide(struct matter *m)
{
	m->act_type = MATTER_ACT_INSPECTION;
}

static void m_no_materials(struct matter *m)
{
	m->guide.material_count = 0;
}

static void m_too_many_materials(struct matter *m)
{
	RESIZE(m, guide.materials, guide.material_count, MATTER_MAX_MATERIALS + 1);
}

static void m_material_blank(struct matter *m)
{
	SET(m->guide.materials[1], "\n");
}

static void m_legal_days_zero(struct matter *m)
{
	m->guide.legal_days = 0;
}

static void m_legal_days_past_max(struct matter *m)
{
	m->guide.legal_days = MATTER_MAX_DAYS + 1;
}

static void m_promise_negative(struct matter *m)
{
	m->guide.promised_days = -1;
}

static void m_promise_past_legal(struct matter *m)
{
	m->guide.promised_days = 21;
}

static void m_fee_negative(struct matter *m)
{
	m->guide.fee_fen = -1;
}

static void m_fee_past_max(struct matter *m)
{
	m->guide.fee_fen = MATTER_MAX_FEN + 1;
	SET(m->guide.fee_basis, "《某收费标准》第三条");
}

static void m_fee_without_basis(struct matter *m)
{
	m->guide.fee_fen = 100;
}

static void m_fee_with_blank_basis(struct matter *m)
{
	m->guide.fee_fen = 100;
	SET(m->guide.fee_basis, "　");
}

static void m_place_with_control(struct matter *m)
{
	SET(m->guide.place, "窗口\x1b");
}

static void m_review_body_blank(struct matter *m)
{
	SET(m->remedies.review_body, "");
}

static void m_review_days_59(struct matter *m)
{
	m->remedies.review_days = 59;
}

static void m_review_days_past_max(struct matter *m)
{
	m->remedies.review_days = 3651;
}

static void m_court_blank(struct matter *m)
{
	SET(m->remedies.litigation_court, " ");
}

static void m_litigation_5_months(struct matter *m)
{
	m->remedies.litigation_months = 5;
}

static void m_litigation_past_max(struct matter *m)
{
	m->remedies.litigation_months = 241;
}

static void m_too_many_discretion(struct matter *m)
{
	RESIZE(m, discretion, discretion_count, MATTER_MAX_DISCRETION + 1);
}

static void m_discretion_array_missing(struct matter *m)
{
	sx_free(m->discretion);
	m->discretion = NULL;
}

static void m_circumstance_blank(struct matter *m)
{
	SET(m->discretion[0].circumstance, "");
}

static void m_level_unknown(struct matter *m)
{
	SET(m->discretion[0].level, "severe");
}

static void m_level_as_label(struct matter *m)
{
	SET(m->discretion[0].level, "从轻处罚");
}

static void m_level_empty(struct matter *m)
{
	SET(m->discretion[0].level, "");
}

static void m_level_without_nul(struct matter *m)
{
	memset(m->discretion[0].level, 'a', sizeof(m->discretion[0].level));
}

static void m_min_negative(struct matter *m)
{
	m->discretion[0].min_fen = -1;
}

static void m_min_above_max(struct matter *m)
{
	m->discretion[0].min_fen = 500001;
}

static void m_max_past_max_fen(struct matter *m)
{
	m->discretion[0].max_fen = MATTER_MAX_FEN + 1;
}

static void m_other_with_control(struct matter *m)
{
	SET(m->discretion[0].other, "警告\x01");
}

static void m_av_none_with_stage(struct matter *m)
{
	m->av_requirement = MATTER_AV_NONE;
}

static void m_key_steps_without_stages(struct matter *m)
{
	m->av_stage_count = 0;
}

static void m_full_process_without_stages(struct matter *m)
{
	m->av_requirement = MATTER_AV_FULL_PROCESS;
	m->av_stage_count = 0;
}

static void m_full_process_with_a_partial_stage(struct matter *m)
{
	av_stages_resize(m, 2);
	m->av_requirement = MATTER_AV_FULL_PROCESS;
	m->av_stages[0].full_process = true;
}

static void m_av_stage_blank(struct matter *m)
{
	SET(m->av_stages[0].stage, " ");
}

static void m_av_stage_repeated(struct matter *m)
{
	av_stages_resize(m, 3);
	SET(m->av_stages[2].stage, "环节 1");
}

static void m_too_many_av_stages(struct matter *m)
{
	av_stages_resize(m, MATTER_MAX_AV_STAGES + 1);
}

struct mutation_case {
	const char *name;
	void (*mutate)(struct matter *m);
	const char *code; /* NULL: still valid */
};

#define CASE(fn, code) { #fn, fn, code }

static const struct mutation_case mutation_cases[] = {
	CASE(m_code_of_32_bytes, NULL),
	CASE(m_code_with_every_allowed_mark, NULL),
	CASE(m_name_with_inner_fullwidth_space, NULL),
	CASE(m_step_without_days_or_detail, NULL),
	CASE(m_step_of_max_days, NULL),
	CASE(m_promise_same_as_legal, NULL),
	CASE(m_promise_equal_to_legal, NULL),
	CASE(m_legal_days_of_max, NULL),
	CASE(m_place_not_given, NULL),
	CASE(m_fee_with_basis, NULL),
	CASE(m_fee_of_max, NULL),
	CASE(m_review_of_max_days, NULL),
	CASE(m_litigation_of_max_months, NULL),
	CASE(m_no_discretion, NULL),
	CASE(m_min_equal_to_max, NULL),
	CASE(m_max_of_max_fen, NULL),
	CASE(m_no_penalty_row_of_zero, NULL),
	CASE(m_av_none_without_stages, NULL),
	CASE(m_full_process_with_every_stage_full, NULL),
	CASE(m_penalty_without_guide, NULL),
	CASE(m_max_basis, NULL),
	CASE(m_max_steps, NULL),
	CASE(m_max_materials, NULL),
	CASE(m_max_discretion, NULL),
	CASE(m_max_av_stages, NULL),
	CASE(m_field_filling_its_array, NULL),

	CASE(m_code_empty, "matter_bad_code"),
	CASE(m_code_without_nul, "matter_bad_code"),
	CASE(m_code_with_space, "matter_bad_code"),
	CASE(m_code_with_slash, "matter_bad_code"),
	CASE(m_code_with_cjk, "matter_bad_code"),
	CASE(m_name_empty, "matter_bad_name"),
	CASE(m_name_of_spaces, "matter_bad_name"),
	CASE(m_name_of_fullwidth_spaces, "matter_bad_name"),
	CASE(m_name_with_line_break, "matter_bad_name"),
	CASE(m_name_with_tab, "matter_bad_name"),
	CASE(m_name_with_del, "matter_bad_name"),
	CASE(m_name_with_c1_control, "matter_bad_name"),
	CASE(m_name_cut_utf8, "matter_bad_name"),
	CASE(m_name_overlong_utf8, "matter_bad_name"),
	CASE(m_name_without_nul, "matter_bad_name"),
	CASE(m_act_type_zero, "matter_bad_act_type"),
	CASE(m_act_type_eleven, "matter_bad_act_type"),
	CASE(m_unit_blank, "matter_bad_unit"),
	CASE(m_av_requirement_unknown, "matter_bad_av_requirement"),
	CASE(m_no_basis, "matter_no_basis"),
	CASE(m_basis_array_missing, "matter_bad_basis"),
	CASE(m_too_many_basis, "matter_too_many"),
	CASE(m_law_without_marks, "matter_bad_basis"),
	CASE(m_law_without_closing_mark, "matter_bad_basis"),
	CASE(m_law_in_quotes, "matter_bad_basis"),
	CASE(m_law_of_empty_marks, "matter_bad_basis"),
	CASE(m_law_of_blank_marks, "matter_bad_basis"),
	CASE(m_law_empty, "matter_bad_basis"),
	CASE(m_law_with_text_after_marks, "matter_bad_basis"),
	CASE(m_article_blank, "matter_bad_basis"),
	CASE(m_no_steps, "matter_no_steps"),
	CASE(m_too_many_steps, "matter_too_many"),
	CASE(m_step_title_blank, "matter_bad_step"),
	CASE(m_step_title_with_line_break, "matter_bad_step"),
	CASE(m_step_detail_with_cr, "matter_bad_step"),
	CASE(m_step_detail_with_tab, "matter_bad_step"),
	CASE(m_step_days_negative, "matter_bad_step"),
	CASE(m_step_days_past_max, "matter_bad_step"),
	CASE(m_license_without_guide, "matter_guide_required"),
	CASE(m_penalty_with_guide, "matter_bad_guide"),
	CASE(m_inspection_with_guide, "matter_bad_guide"),
	CASE(m_no_materials, "matter_bad_guide"),
	CASE(m_too_many_materials, "matter_too_many"),
	CASE(m_material_blank, "matter_bad_guide"),
	CASE(m_legal_days_zero, "matter_bad_guide"),
	CASE(m_legal_days_past_max, "matter_bad_guide"),
	CASE(m_promise_negative, "matter_bad_guide"),
	CASE(m_promise_past_legal, "matter_bad_guide"),
	CASE(m_fee_negative, "matter_bad_guide"),
	CASE(m_fee_past_max, "matter_bad_guide"),
	CASE(m_fee_without_basis, "matter_bad_guide"),
	CASE(m_fee_with_blank_basis, "matter_bad_guide"),
	CASE(m_place_with_control, "matter_bad_guide"),
	CASE(m_review_body_blank, "matter_bad_remedies"),
	CASE(m_review_days_59, "matter_bad_remedies"),
	CASE(m_review_days_past_max, "matter_bad_remedies"),
	CASE(m_court_blank, "matter_bad_remedies"),
	CASE(m_litigation_5_months, "matter_bad_remedies"),
	CASE(m_litigation_past_max, "matter_bad_remedies"),
	CASE(m_too_many_discretion, "matter_too_many"),
	CASE(m_discretion_array_missing, "matter_bad_discretion"),
	CASE(m_circumstance_blank, "matter_bad_discretion"),
	CASE(m_level_unknown, "matter_bad_discretion"),
	CASE(m_level_as_label, "matter_bad_discretion"),
	CASE(m_level_empty, "matter_bad_discretion"),
	CASE(m_level_without_nul, "matter_bad_discretion"),
	CASE(m_min_negative, "matter_bad_discretion"),
	CASE(m_min_above_max, "matter_bad_discretion"),
	CASE(m_max_past_max_fen, "matter_bad_discretion"),
	CASE(m_other_with_control, "matter_bad_discretion"),
	CASE(m_av_none_with_stage, "matter_bad_av_stage"),
	CASE(m_key_steps_without_stages, "matter_av_stages_required"),
	CASE(m_full_process_without_stages, "matter_av_stages_required"),
	CASE(m_full_process_with_a_partial_stage, "matter_bad_av_stage"),
	CASE(m_av_stage_blank, "matter_bad_av_stage"),
	CASE(m_av_stage_repeated, "matter_bad_av_stage"),
	CASE(m_too_many_av_stages, "matter_too_many"),
};

/* Validates matter_make + mutate; returns the error (err filled). */
static int validate_mutated(struct sx_error *err, void (*mutate)(struct matter *m))
{
	struct matter m;
	int rc;

	matter_make(&m, "XK-001");
	if (mutate != NULL)
		mutate(&m);
	sx_error_clear(err);
	rc = matter_validate(&m, err);
	matter_clear(&m);
	return rc;
}

static void test_the_base_matter_is_valid(void **state)
{
	struct sx_error err;

	(void)state;
	if (validate_mutated(&err, NULL) != 0)
		fail_msg("refused: %s %s", err.code, err.message);
}

static void test_each_mutation_is_accepted_or_refused_with_its_code(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(mutation_cases); i++) {
		const struct mutation_case *c = &mutation_cases[i];
		struct sx_error err;
		int rc = validate_mutated(&err, c->mutate);

		if (c->code == NULL) {
			if (rc != 0)
				fail_msg("%s: refused with %s (%s)", c->name, err.code,
					 err.message);
			continue;
		}
		if (rc != SX_EINVALID || err.rc != SX_EINVALID)
			fail_msg("%s: rc %d, expected %s", c->name, rc, c->code);
		if (strcmp(err.code, c->code) != 0)
			fail_msg("%s: code %s (%s), expected %s", c->name, err.code, err.message,
				 c->code);
		if (err.message[0] == '\0' ||
		    !codec_is_valid_utf8(err.message, strlen(err.message)))
			fail_msg("%s: empty or ill-formed message", c->name);
	}
}

static void test_messages_name_the_position_and_the_law(void **state)
{
	static const struct {
		void (*mutate)(struct matter *m);
		const char *want;
	} cases[] = {
		{ m_step_title_blank, "办理流程第 3 步：" },
		{ m_step_days_past_max, "办理流程第 1 步：" },
		{ m_law_without_marks, "第 2 条实施依据：" },
		{ m_law_without_marks, "书名号" },
		{ m_min_above_max, "第 1 条裁量基准：最低罚款不能高于最高罚款" },
		{ m_material_blank, "第 2 项申请材料" },
		{ m_penalty_with_guide, "只有许可事项有办事指南" },
		{ m_license_without_guide, "《行政许可法》第三十条" },
		{ m_review_days_59, "《行政复议法》第二十条" },
		{ m_litigation_5_months, "《行政诉讼法》第四十六条" },
		{ m_av_stage_repeated, "音像记录第 3 个环节与第 1 个环节重复" },
		{ m_full_process_with_a_partial_stage, "音像记录第 2 个环节" },
		{ m_name_without_nul, "最多 384 字节" },
		{ m_too_many_steps, "最多 30 步" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct sx_error err;

		assert_int_equal(validate_mutated(&err, cases[i].mutate), SX_EINVALID);
		if (strstr(err.message, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, cases[i].want);
	}
}

static void test_a_discretion_row_is_named_by_its_position(void **state)
{
	struct matter m;
	struct sx_error err;

	(void)state;
	matter_make(&m, "XK-001");
	RESIZE(&m, discretion, discretion_count, 3);
	m.discretion[1].min_fen = 600000;
	assert_int_equal(matter_validate(&m, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_bad_discretion");
	assert_string_equal(err.message, "第 2 条裁量基准：最低罚款不能高于最高罚款");
	matter_clear(&m);
}

static void test_validate_refuses_null_and_accepts_a_null_error_record(void **state)
{
	struct matter m;

	(void)state;
	assert_int_equal(matter_validate(NULL, NULL), SX_EINVALID);
	matter_make(&m, "XK-001");
	assert_int_equal(matter_validate(&m, NULL), 0);
	SET(m.name, "");
	assert_int_equal(matter_validate(&m, NULL), SX_EINVALID);
	matter_clear(&m);
}

/* ---- lists ---- */

/* count shallow copies of one valid matter (sharing its arrays), coded XK-00001 … */
static struct matter *list_make(struct matter *base, size_t count)
{
	struct matter *items = sx_calloc(count ? count : 1, sizeof(*items));
	size_t i;

	assert_non_null(items);
	matter_make(base, "XK-001");
	for (i = 0; i < count; i++) {
		items[i] = *base;
		snprintf(items[i].code, sizeof(items[i].code), "XK-%05zu", i + 1);
	}
	return items;
}

static void test_list_of_distinct_valid_matters_is_accepted(void **state)
{
	struct matter base, *items = list_make(&base, 3);
	struct sx_error err;

	(void)state;
	assert_int_equal(matter_validate_list(items, 3, &err), 0);
	assert_int_equal(matter_validate_list(NULL, 0, &err), 0);
	assert_int_equal(matter_validate_list(items, 1, &err), 0);
	assert_int_equal(matter_validate_list(NULL, 1, &err), SX_EINVALID);
	sx_free(items);
	matter_clear(&base);
}

static void test_list_names_the_first_repeated_code_by_both_positions(void **state)
{
	struct matter base, *items = list_make(&base, 5);
	struct sx_error err;

	(void)state;
	/* A B C B A: B repeats at 4 before A repeats at 5. */
	SET(items[0].code, "A");
	SET(items[1].code, "B");
	SET(items[2].code, "C");
	SET(items[3].code, "B");
	SET(items[4].code, "A");
	assert_int_equal(matter_validate_list(items, 5, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_duplicate_code");
	assert_string_equal(err.message, "第 2 个和第 4 个事项的编码都是“B”");
	/* Three times the same: the first two are named. */
	SET(items[1].code, "A");
	SET(items[3].code, "D");
	assert_int_equal(matter_validate_list(items, 5, &err), SX_EINVALID);
	assert_string_equal(err.message, "第 1 个和第 2 个事项的编码都是“A”");
	sx_free(items);
	matter_clear(&base);
}

static void test_list_prefixes_a_matters_error_with_its_code_or_position(void **state)
{
	struct matter base, *items = list_make(&base, 3);
	struct sx_error err;

	(void)state;
	items[1].remedies.review_days = 30;
	assert_int_equal(matter_validate_list(items, 3, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_bad_remedies");
	if (strstr(err.message, "事项 XK-00002：救济途径：") != err.message)
		fail_msg("message: %s", err.message);
	items[1].remedies.review_days = 60;
	SET(items[2].code, "bad code");
	assert_int_equal(matter_validate_list(items, 3, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_bad_code");
	if (strstr(err.message, "第 3 个事项：事项编码") != err.message)
		fail_msg("message: %s", err.message);
	sx_free(items);
	matter_clear(&base);
}

static void test_list_of_5000_is_accepted_and_5001_is_too_many(void **state)
{
	struct matter base, *items = list_make(&base, MATTER_MAX_LIST + 1);
	struct sx_error err;

	(void)state;
	assert_int_equal(matter_validate_list(items, MATTER_MAX_LIST, &err), 0);
	assert_int_equal(matter_validate_list(items, MATTER_MAX_LIST + 1, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_too_many");
	/* A repeat far apart is found (sorted, not only neighbours). */
	SET(items[MATTER_MAX_LIST - 1].code, "XK-00004");
	assert_int_equal(matter_validate_list(items, MATTER_MAX_LIST, &err), SX_EINVALID);
	assert_string_equal(err.code, "matter_duplicate_code");
	assert_string_equal(err.message, "第 4 个和第 5000 个事项的编码都是“XK-00004”");
	sx_free(items);
	matter_clear(&base);
}

static void test_list_check_out_of_memory_is_enomem(void **state)
{
	struct matter base, *items = list_make(&base, 3);
	struct sx_error err;
	int rc;

	(void)state;
	sx_mem_fail_after(0);
	rc = matter_validate_list(items, 3, &err);
	sx_mem_fail_after(-1);
	assert_int_equal(rc, SX_ENOMEM);
	assert_string_equal(err.code, "out_of_memory");
	sx_free(items);
	matter_clear(&base);
}

/* ---- money ---- */

static void test_fen_are_shown_as_yuan_with_separators(void **state)
{
	static const struct {
		int64_t fen;
		const char *want;
	} cases[] = {
		{ 0, "0.00 元" },
		{ 5, "0.05 元" },
		{ 100, "1.00 元" },
		{ 99999, "999.99 元" },
		{ 100000, "1,000.00 元" },
		{ 123456, "1,234.56 元" },
		{ 12345678, "123,456.78 元" },
		{ 123456789, "1,234,567.89 元" },
		{ MATTER_MAX_FEN, "1,000,000,000,000.00 元" },
		{ INT64_MAX, "92,233,720,368,547,758.07 元" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(matter_format_fen(out, sizeof(out), cases[i].fen), 0);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_fen_refuses_negatives_null_and_short_buffers(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(matter_format_fen(out, sizeof(out), -1), SX_EINVALID);
	assert_string_equal(out, "");
	assert_int_equal(matter_format_fen(NULL, 32, 100), SX_EINVALID);
	/* "1,234.56 元" is 12 bytes: 13 with the NUL fits, 12 does not. */
	assert_int_equal(matter_format_fen(out, 13, 123456), 0);
	assert_string_equal(out, "1,234.56 元");
	assert_int_equal(matter_format_fen(out, 12, 123456), SX_ETOOBIG);
	assert_string_equal(out, "");
	assert_int_equal(matter_format_fen(out, 0, 123456), SX_ETOOBIG);
}

/* ---- lines ---- */

static void assert_lines(const struct matter *m, const char *const *want, size_t want_count)
{
	char **lines = NULL;
	size_t count = 0, i;

	assert_int_equal(matter_lines(&lines, &count, m), 0);
	for (i = 0; i < count && i < want_count; i++) {
		if (strcmp(lines[i], want[i]) != 0)
			fail_msg("line %zu: \"%s\", expected \"%s\"", i + 1, lines[i], want[i]);
	}
	assert_int_equal(count, want_count);
	matter_lines_free(lines, count);
}

static void test_lines_of_a_license_follow_the_documented_order(void **state)
{
	static const char *const want[] = {
		"编码：XK-001",
		"名称：食品经营许可",
		"类别：许可",
		"责任单位：行政审批科",
		"实施依据 1：《中华人民共和国食品安全法》第三十五条第一款",
		"实施依据 2：《食品经营许可和备案管理办法》第十条",
		"办理流程 1：受理（1 个工作日）",
		"办理流程 2：审查（10 个工作日）｜核查申请材料\n必要时现场核查",
		"办理流程 3：决定",
		"随机抽查：否",
		"重大执法决定：否",
		"音像记录：关键环节",
		"音像记录环节 1：现场核查",
		"申请材料 1：食品经营许可申请书",
		"申请材料 2：营业执照复印件",
		"法定时限：20 个工作日",
		"承诺时限：10 个工作日",
		"收费：不收费",
		"办理地点：政务服务中心 3 号窗口",
		"行政复议：市人民政府，60 日内",
		"行政诉讼：区人民法院，6 个月内",
		"裁量基准 1：从轻处罚｜首次违法且及时改正｜0.00 元 至 5,000.00 元｜警告",
	};
	struct matter m;

	(void)state;
	matter_make(&m, "XK-001");
	assert_lines(&m, want, ARRAY_LEN(want));
	matter_clear(&m);
}

static void test_lines_of_a_penalty_have_no_guide_and_mark_full_recording(void **state)
{
	static const char *const want[] = {
		"编码：CF-7",
		"名称：食品经营许可",
		"类别：处罚",
		"责任单位：行政审批科",
		"实施依据 1：《中华人民共和国食品安全法》第三十五条第一款",
		"实施依据 2：《食品经营许可和备案管理办法》第十条",
		"办理流程 1：受理（1 个工作日）",
		"办理流程 2：审查（10 个工作日）｜核查申请材料\n必要时现场核查",
		"办理流程 3：决定",
		"随机抽查：是",
		"重大执法决定：是",
		"音像记录：全过程",
		"音像记录环节 1：环节 1（全过程记录）",
		"音像记录环节 2：环节 2（全过程记录）",
		"行政复议：市人民政府，60 日内",
		"行政诉讼：区人民法院，6 个月内",
		"裁量基准 1：一般｜首次违法且及时改正｜0.00 元 至 5,000.00 元｜警告",
		"裁量基准 2：从重处罚｜拒不改正｜5,000.00 元 至 1,234,567.89 元",
	};
	struct matter m;

	(void)state;
	matter_make(&m, "CF-7");
	m.act_type = MATTER_ACT_PENALTY;
	m.has_guide = false;
	m.random_inspection = true;
	m.major_decision = true;
	av_stages_resize(&m, 2);
	m.av_requirement = MATTER_AV_FULL_PROCESS;
	m.av_stages[0].full_process = m.av_stages[1].full_process = true;
	SET(m.discretion[0].level, "ordinary");
	RESIZE(&m, discretion, discretion_count, 2);
	SET(m.discretion[1].circumstance, "拒不改正");
	SET(m.discretion[1].level, "heavier");
	m.discretion[1].min_fen = 500000;
	m.discretion[1].max_fen = 123456789;
	SET(m.discretion[1].other, "");
	assert_int_equal(matter_validate(&m, NULL), 0);
	assert_lines(&m, want, ARRAY_LEN(want));
	matter_clear(&m);
}

static void test_lines_show_fee_basis_promise_and_missing_place(void **state)
{
	static const char *const want[] = {
		"承诺时限：同法定时限",
		"收费：1,234.56 元（依据：《某收费标准》第三条）",
		"行政复议：市人民政府，60 日内",
	};
	struct matter m;
	char **lines = NULL;
	size_t count = 0;

	(void)state;
	matter_make(&m, "XK-001");
	m_promise_same_as_legal(&m);
	m_fee_with_basis(&m);
	m_place_not_given(&m);
	assert_int_equal(matter_lines(&lines, &count, &m), 0);
	assert_int_equal(count, 21);
	assert_string_equal(lines[16], want[0]);
	assert_string_equal(lines[17], want[1]);
	assert_string_equal(lines[18], want[2]);
	matter_lines_free(lines, count);
	matter_clear(&m);
}

static void test_lines_of_an_unchecked_matter_do_not_read_past_its_fields(void **state)
{
	struct matter m;
	char **lines = NULL;
	size_t count = 0;

	(void)state;
	matter_make(&m, "XK-001");
	memset(m.name, 'a', sizeof(m.name));
	memset(m.discretion[0].level, 'b', sizeof(m.discretion[0].level));
	assert_int_equal(matter_lines(&lines, &count, &m), 0);
	assert_int_equal(strlen(lines[1]), strlen("名称：") + sizeof(m.name));
	assert_non_null(strstr(lines[count - 1], "裁量基准 1：bbbbbbbbbbbbbbbb｜"));
	matter_lines_free(lines, count);
	matter_clear(&m);
}

static void test_lines_refuse_missing_arrays_and_null_arguments(void **state)
{
	struct matter m;
	char **lines = (char **)&m;
	size_t count = 99;

	(void)state;
	matter_make(&m, "XK-001");
	sx_free(m.steps);
	m.steps = NULL;
	assert_int_equal(matter_lines(&lines, &count, &m), SX_EINVALID);
	assert_null(lines);
	assert_int_equal(count, 0);
	assert_int_equal(matter_lines(&lines, &count, NULL), SX_EINVALID);
	assert_int_equal(matter_lines(NULL, &count, &m), SX_EINVALID);
	assert_int_equal(matter_lines(&lines, NULL, &m), SX_EINVALID);
	m.discretion[0].min_fen = -5; /* not validated: a negative amount has no spelling */
	m.step_count = 0;
	lines = (char **)&m;
	assert_int_equal(matter_lines(&lines, &count, &m), SX_EINVALID);
	assert_null(lines);
	matter_lines_free(NULL, 0);
	matter_clear(&m);
}

static void test_lines_out_of_memory_at_every_allocation_is_enomem(void **state)
{
	struct matter m;
	long n;

	(void)state;
	matter_make(&m, "XK-001");
	for (n = 0; n < 1000; n++) {
		char **lines = (char **)&m;
		size_t count = 99;
		int rc;

		sx_mem_fail_after(n);
		rc = matter_lines(&lines, &count, &m);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			matter_lines_free(lines, count);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
		assert_null(lines);
		assert_int_equal(count, 0);
	}
	/* One array and 22 lines: every one of them was failed once. */
	assert_int_equal(n, 23);
	matter_clear(&m);
}

/* ---- copy, clear ---- */

static void test_copy_is_deep_and_independent(void **state)
{
	struct matter m, copy;
	char **a = NULL, **b = NULL;
	size_t na = 0, nb = 0, i;

	(void)state;
	matter_make(&m, "XK-001");
	assert_int_equal(matter_copy(&copy, &m), 0);
	assert_ptr_not_equal(copy.basis, m.basis);
	assert_ptr_not_equal(copy.steps, m.steps);
	assert_ptr_not_equal(copy.guide.materials, m.guide.materials);
	assert_ptr_not_equal(copy.discretion, m.discretion);
	assert_ptr_not_equal(copy.av_stages, m.av_stages);
	assert_int_equal(matter_lines(&a, &na, &m), 0);
	assert_int_equal(matter_lines(&b, &nb, &copy), 0);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	SET(copy.steps[0].title, "改过");
	assert_string_equal(m.steps[0].title, "受理");
	matter_lines_free(a, na);
	matter_lines_free(b, nb);
	/* The original goes first: the copy must not share anything with it. */
	matter_clear(&m);
	assert_int_equal(matter_validate(&copy, NULL), 0);
	matter_clear(&copy);
}

static void test_copy_of_empty_arrays_allocates_nothing(void **state)
{
	struct matter m, copy;

	(void)state;
	matter_make(&m, "CF-1");
	m_penalty_without_guide(&m);
	m_av_none_without_stages(&m);
	m_no_discretion(&m);
	m.guide.material_count = 0;
	assert_int_equal(matter_copy(&copy, &m), 0);
	assert_null(copy.discretion);
	assert_null(copy.av_stages);
	assert_null(copy.guide.materials);
	assert_int_equal(matter_validate(&copy, NULL), 0);
	matter_clear(&copy);
	matter_clear(&m);
}

static void test_copy_refuses_null_self_and_missing_arrays(void **state)
{
	static const struct matter zero;
	struct matter m, copy;

	(void)state;
	matter_make(&m, "XK-001");
	assert_int_equal(matter_copy(NULL, &m), SX_EINVALID);
	/* Onto itself: refused, and m keeps its arrays (ASan reports a leak otherwise). */
	assert_int_equal(matter_copy(&m, &m), SX_EINVALID);
	assert_int_equal(matter_validate(&m, NULL), 0);
	memset(&copy, 0x5a, sizeof(copy));
	assert_int_equal(matter_copy(&copy, NULL), SX_EINVALID);
	assert_memory_equal(&copy, &zero, sizeof(zero));
	sx_free(m.av_stages);
	m.av_stages = NULL;
	memset(&copy, 0x5a, sizeof(copy));
	assert_int_equal(matter_copy(&copy, &m), SX_EINVALID);
	assert_memory_equal(&copy, &zero, sizeof(zero));
	matter_clear(&m);
	matter_clear(NULL);
}

static void test_copy_out_of_memory_at_every_allocation_is_enomem(void **state)
{
	static const struct matter zero;
	struct matter m;
	long n;

	(void)state;
	matter_make(&m, "XK-001");
	for (n = 0; n < 100; n++) {
		struct matter copy;
		int rc;

		memset(&copy, 0x5a, sizeof(copy));
		sx_mem_fail_after(n);
		rc = matter_copy(&copy, &m);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			matter_clear(&copy);
			break;
		}
		if (rc != SX_ENOMEM)
			fail_msg("allocation %ld failing: rc %d", n, rc);
		assert_memory_equal(&copy, &zero, sizeof(zero));
	}
	assert_int_equal(n, 5); /* five arrays */
	matter_clear(&m);
}

static void test_clear_frees_and_zeroes(void **state)
{
	static const struct matter zero;
	struct matter m;

	(void)state;
	matter_make(&m, "XK-001");
	matter_clear(&m);
	assert_memory_equal(&m, &zero, sizeof(zero));
	matter_clear(&m);
}

/* ---- labels ---- */

static void test_act_type_labels_round_trip(void **state)
{
	static const char *const labels[] = {
		"许可", "处罚", "强制", "征收", "收费", "检查", "确认", "裁决", "奖励", "其他",
	};
	enum matter_act_type t;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(labels); i++) {
		assert_int_equal(matter_act_type_from_label(&t, labels[i]), 0);
		assert_int_equal(t, MATTER_ACT_LICENSE + (int)i);
		assert_string_equal(matter_act_type_label(t), labels[i]);
	}
	assert_int_equal(MATTER_ACT_OTHER, MATTER_ACT_LICENSE + 9);
	assert_int_equal(matter_act_type_from_label(&t, "处罚 "), SX_EINVALID);
	assert_int_equal(matter_act_type_from_label(&t, "penalty"), SX_EINVALID);
	assert_int_equal(matter_act_type_from_label(&t, ""), SX_EINVALID);
	assert_int_equal(matter_act_type_from_label(&t, NULL), SX_EINVALID);
	assert_int_equal(matter_act_type_from_label(NULL, "许可"), SX_EINVALID);
	assert_string_equal(matter_act_type_label((enum matter_act_type)0), "未知");
	assert_string_equal(matter_act_type_label((enum matter_act_type)11), "未知");
}

static void test_av_names_and_labels(void **state)
{
	static const struct {
		const char *name;
		const char *label;
		enum matter_av_requirement av;
	} cases[] = {
		{ "none", "不要求", MATTER_AV_NONE },
		{ "key_steps", "关键环节", MATTER_AV_KEY_STEPS },
		{ "full_process", "全过程", MATTER_AV_FULL_PROCESS },
	};
	enum matter_av_requirement av;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(matter_av_from_name(&av, cases[i].name), 0);
		assert_int_equal(av, cases[i].av);
		assert_string_equal(matter_av_name(av), cases[i].name);
		assert_string_equal(matter_av_label(av), cases[i].label);
	}
	assert_int_equal(matter_av_from_name(&av, "全过程"), SX_EINVALID);
	assert_int_equal(matter_av_from_name(&av, "Full_process"), SX_EINVALID);
	assert_int_equal(matter_av_from_name(&av, NULL), SX_EINVALID);
	assert_string_equal(matter_av_name((enum matter_av_requirement)7), "");
	assert_string_equal(matter_av_label((enum matter_av_requirement)-1), "未知");
}

static void test_discretion_levels_are_exactly_the_five_names(void **state)
{
	static const char *const names[] = { "no_penalty", "mitigated", "lighter", "ordinary",
					     "heavier" };
	static const char *const labels[] = { "不予处罚", "减轻处罚", "从轻处罚", "一般",
					      "从重处罚" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(names); i++) {
		assert_true(matter_discretion_level_is_known(names[i]));
		assert_string_equal(matter_discretion_level_label(names[i]), labels[i]);
		assert_false(matter_discretion_level_is_known(labels[i]));
	}
	assert_false(matter_discretion_level_is_known("Lighter"));
	assert_false(matter_discretion_level_is_known(""));
	assert_false(matter_discretion_level_is_known(NULL));
	assert_string_equal(matter_discretion_level_label("severe"), "");
	assert_string_equal(matter_discretion_level_label(NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_base_matter_is_valid),
		cmocka_unit_test(test_each_mutation_is_accepted_or_refused_with_its_code),
		cmocka_unit_test(test_messages_name_the_position_and_the_law),
		cmocka_unit_test(test_a_discretion_row_is_named_by_its_position),
		cmocka_unit_test(test_validate_refuses_null_and_accepts_a_null_error_record),
		cmocka_unit_test(test_list_of_distinct_valid_matters_is_accepted),
		cmocka_unit_test(test_list_names_the_first_repeated_code_by_both_positions),
		cmocka_unit_test(test_list_prefixes_a_matters_error_with_its_code_or_position),
		cmocka_unit_test(test_list_of_5000_is_accepted_and_5001_is_too_many),
		cmocka_unit_test(test_list_check_out_of_memory_is_enomem),
		cmocka_unit_test(test_fen_are_shown_as_yuan_with_separators),
		cmocka_unit_test(test_fen_refuses_negatives_null_and_short_buffers),
		cmocka_unit_test(test_lines_of_a_license_follow_the_documented_order),
		cmocka_unit_test(test_lines_of_a_penalty_have_no_guide_and_mark_full_recording),
		cmocka_unit_test(test_lines_show_fee_basis_promise_and_missing_place),
		cmocka_unit_test(test_lines_of_an_unchecked_matter_do_not_read_past_its_fields),
		cmocka_unit_test(test_lines_refuse_missing_arrays_and_null_arguments),
		cmocka_unit_test(test_lines_out_of_memory_at_every_allocation_is_enomem),
		cmocka_unit_test(test_copy_is_deep_and_independent),
		cmocka_unit_test(test_copy_of_empty_arrays_allocates_nothing),
		cmocka_unit_test(test_copy_refuses_null_self_and_missing_arrays),
		cmocka_unit_test(test_copy_out_of_memory_at_every_allocation_is_enomem),
		cmocka_unit_test(test_clear_frees_and_zeroes),
		cmocka_unit_test(test_act_type_labels_round_trip),
		cmocka_unit_test(test_av_names_and_labels),
		cmocka_unit_test(test_discretion_levels_are_exactly_the_five_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
