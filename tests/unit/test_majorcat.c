/*
 * Unit tests for domain/majorcat: the catalog of major enforcement decisions
 * (重大执法决定法制审核目录清单, 《行政处罚法》第五十八条, 国办发〔2018〕118号)
 * and the function that says whether a case is major and why.
 *
 * Every rule kind is tried on both sides of its boundary (amounts: the
 * threshold itself matches, one 分 less does not; flags: set and not set;
 * acts and matters: listed and not listed). Then: the party-type filter,
 * several rules at once (reasons list every title, in catalog order, after the
 * 事项清单 flag), 简易程序 never major (第五十一条), inspections judged only by
 * the staff flags and the matter, the validation codes, bad cases, the
 * reasons cut at a character boundary, the default catalog and its one
 * allocation failing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "domain/majorcat.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(act) MAJORCAT_ACT_BIT(MAJORCAT_ACT_##act)
#define YUAN(n) ((int64_t)(n) * 100)

/* A general-procedure penalty against an organization, with nothing that makes it major. */
static struct majorcat_case plain_case(void)
{
	return (struct majorcat_case){
		.kind = "penalty",
		.procedure = "general",
		.matter_code = "CF-001",
		.party_type = "organization",
		.acts_mask = BIT(FINE),
	};
}

static struct majorcat_rule flag_rule(const char *id, enum majorcat_rule_kind kind)
{
	struct majorcat_rule r = { .kind = kind };

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.title, sizeof(r.title), "规则 %s", id);
	snprintf(r.basis, sizeof(r.basis), "《行政处罚法》第五十八条");
	return r;
}

static struct majorcat_rule amount_rule(const char *id, enum majorcat_rule_kind kind,
					int64_t threshold_fen, const char *party_type)
{
	struct majorcat_rule r = flag_rule(id, kind);

	r.threshold_fen = threshold_fen;
	snprintf(r.party_type, sizeof(r.party_type), "%s", party_type);
	return r;
}

static struct majorcat_rule acts_rule(const char *id, unsigned acts_mask)
{
	struct majorcat_rule r = flag_rule(id, MAJORCAT_ACT_KIND);

	r.acts_mask = acts_mask;
	return r;
}

static struct majorcat_rule matter_rule(const char *id, const char *code1, const char *code2)
{
	struct majorcat_rule r = flag_rule(id, MAJORCAT_MATTER);

	snprintf(r.matter_codes[0], sizeof(r.matter_codes[0]), "%s", code1);
	snprintf(r.matter_codes[1], sizeof(r.matter_codes[1]), "%s", code2);
	r.matter_code_count = 2;
	return r;
}

/* Matches k against a catalog of the one rule r; fails the test on an error. */
static struct majorcat_match match_one(const struct majorcat_rule *r, const struct majorcat_case *k)
{
	struct majorcat_rule copy = *r;
	struct majorcat c = { &copy, 1 };
	struct majorcat_match m;
	struct sx_error err = { 0 };
	int rc = majorcat_match(&m, &c, k, &err);

	if (rc != 0)
		fail_msg("majorcat_match: %d %s %s", rc, err.code, err.message);
	return m;
}

/* ---- each rule kind at its boundary --------------------------------------------------------- */

enum field {
	FIELD_NONE = 0,
	FIELD_FINE,
	FIELD_CONFISCATION,
	FIELD_COERCION,
	FIELD_HEARING,
	FIELD_PUBLIC_INTEREST,
	FIELD_COMPLEX,
	FIELD_MULTI_AGENCY,
	FIELD_ACTS,
	FIELD_MATTER,
	FIELD_KIND,
};

struct boundary_case {
	const char *name;
	struct majorcat_rule (*make)(void);
	enum field field;    /* what the case sets */
	int64_t amount;      /* FINE/CONFISCATION/COERCION; bool fields: != 0 */
	unsigned acts_mask;  /* FIELD_ACTS */
	const char *text;    /* FIELD_MATTER: the code; FIELD_KIND: "kind/procedure" */
	bool major;
};

static struct majorcat_rule make_fine(void)
{
	return amount_rule("fine", MAJORCAT_FINE_AT_LEAST, YUAN(100000), "");
}
static struct majorcat_rule make_confiscation(void)
{
	return amount_rule("conf", MAJORCAT_CONFISCATION_AT_LEAST, YUAN(50000), "");
}
static struct majorcat_rule make_coercion(void)
{
	return amount_rule("coer", MAJORCAT_COERCION_AT_LEAST, YUAN(100000), "");
}
static struct majorcat_rule make_hearing(void)
{
	return flag_rule("hearing", MAJORCAT_HEARING_HELD);
}
static struct majorcat_rule make_public_interest(void)
{
	return flag_rule("public", MAJORCAT_PUBLIC_INTEREST);
}
static struct majorcat_rule make_complex(void)
{
	return flag_rule("complex", MAJORCAT_COMPLEX);
}
static struct majorcat_rule make_multi_agency(void)
{
	return flag_rule("multi", MAJORCAT_MULTI_AGENCY);
}
static struct majorcat_rule make_acts(void)
{
	return acts_rule("acts", BIT(REVOKE_LICENSE) | BIT(ORDER_SUSPEND));
}
static struct majorcat_rule make_matter(void)
{
	return matter_rule("matter", "CF-007", "CF-009");
}
static struct majorcat_rule make_all_general(void)
{
	return flag_rule("all", MAJORCAT_ALL_GENERAL_PENALTIES);
}

static const struct boundary_case boundary_cases[] = {
	{ "fine at threshold", make_fine, FIELD_FINE, YUAN(100000), 0, NULL, true },
	{ "fine one fen below", make_fine, FIELD_FINE, YUAN(100000) - 1, 0, NULL, false },
	{ "fine far above", make_fine, FIELD_FINE, YUAN(5000000), 0, NULL, true },
	{ "no fine", make_fine, FIELD_FINE, 0, 0, NULL, false },
	{ "confiscation at threshold", make_confiscation, FIELD_CONFISCATION, YUAN(50000), 0, NULL,
	  true },
	{ "confiscation one fen below", make_confiscation, FIELD_CONFISCATION, YUAN(50000) - 1, 0,
	  NULL, false },
	{ "coercion at threshold", make_coercion, FIELD_COERCION, YUAN(100000), 0, NULL, true },
	{ "coercion one fen below", make_coercion, FIELD_COERCION, YUAN(100000) - 1, 0, NULL,
	  false },
	{ "hearing held", make_hearing, FIELD_HEARING, 1, 0, NULL, true },
	{ "no hearing", make_hearing, FIELD_HEARING, 0, 0, NULL, false },
	{ "public interest", make_public_interest, FIELD_PUBLIC_INTEREST, 1, 0, NULL, true },
	{ "no public interest", make_public_interest, FIELD_PUBLIC_INTEREST, 0, 0, NULL, false },
	{ "complex", make_complex, FIELD_COMPLEX, 1, 0, NULL, true },
	{ "not complex", make_complex, FIELD_COMPLEX, 0, 0, NULL, false },
	{ "multi agency", make_multi_agency, FIELD_MULTI_AGENCY, 1, 0, NULL, true },
	{ "one agency", make_multi_agency, FIELD_MULTI_AGENCY, 0, 0, NULL, false },
	{ "a listed act", make_acts, FIELD_ACTS, 0, BIT(FINE) | BIT(ORDER_SUSPEND), NULL, true },
	{ "the other listed act", make_acts, FIELD_ACTS, 0, BIT(REVOKE_LICENSE), NULL, true },
	{ "only acts not listed", make_acts, FIELD_ACTS, 0,
	  BIT(FINE) | BIT(WARNING) | BIT(SUSPEND_LICENSE), NULL, false },
	{ "no acts", make_acts, FIELD_ACTS, 0, 0, NULL, false },
	{ "a listed matter", make_matter, FIELD_MATTER, 0, 0, "CF-009", true },
	{ "a matter not listed", make_matter, FIELD_MATTER, 0, 0, "CF-008", false },
	{ "a matter code differing in case", make_matter, FIELD_MATTER, 0, 0, "cf-009", false },
	{ "no matter", make_matter, FIELD_MATTER, 0, 0, "", false },
	{ "a general penalty", make_all_general, FIELD_KIND, 0, 0, "penalty/general", true },
	{ "a coercion", make_all_general, FIELD_KIND, 0, 0, "coercion/general", false },
	{ "an inspection", make_all_general, FIELD_KIND, 0, 0, "inspection/general", false },
};

static struct majorcat_case boundary_case_for(const struct boundary_case *b)
{
	struct majorcat_case k = plain_case();

	switch (b->field) {
	case FIELD_FINE:
		k.fine_fen = b->amount;
		break;
	case FIELD_CONFISCATION:
		k.confiscation_fen = b->amount;
		break;
	case FIELD_COERCION:
		k.coercion_value_fen = b->amount;
		break;
	case FIELD_HEARING:
		k.hearing_held = b->amount != 0;
		break;
	case FIELD_PUBLIC_INTEREST:
		k.public_interest = b->amount != 0;
		break;
	case FIELD_COMPLEX:
		k.complex = b->amount != 0;
		break;
	case FIELD_MULTI_AGENCY:
		k.multi_agency = b->amount != 0;
		break;
	case FIELD_ACTS:
		k.acts_mask = b->acts_mask;
		break;
	case FIELD_MATTER:
		k.matter_code = b->text;
		break;
	case FIELD_KIND:
		k.kind = strncmp(b->text, "penalty", 7) == 0	  ? "penalty"
			 : strncmp(b->text, "coercion", 8) == 0 ? "coercion"
								  : "inspection";
		k.procedure = "general";
		break;
	case FIELD_NONE:
		break;
	}
	return k;
}

static void test_each_rule_kind_matches_at_its_boundary_and_not_below_it(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(boundary_cases); i++) {
		const struct boundary_case *b = &boundary_cases[i];
		struct majorcat_rule r = b->make();
		struct majorcat_case k = boundary_case_for(b);
		struct majorcat_match m = match_one(&r, &k);

		if (m.major != b->major)
			fail_msg("%s: major %d, expected %d", b->name, m.major, b->major);
		if (b->major) {
			assert_int_equal(m.rule_count, 1);
			assert_int_equal(m.rule_index[0], 0);
			assert_string_equal(m.reasons, r.title);
		} else {
			assert_int_equal(m.rule_count, 0);
			assert_string_equal(m.reasons, "");
		}
	}
}

static void test_every_rule_kind_is_covered_by_the_boundary_table(void **state)
{
	bool seen[MAJORCAT_RULE_KIND_COUNT + 1] = { false };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(boundary_cases); i++) {
		struct majorcat_rule r = boundary_cases[i].make();

		seen[r.kind] = true;
	}
	for (int kind = 1; kind <= MAJORCAT_RULE_KIND_COUNT; kind++) {
		if (!seen[kind])
			fail_msg("rule kind %s has no boundary case",
				 majorcat_rule_kind_code((enum majorcat_rule_kind)kind));
	}
}

/* ---- party type ----------------------------------------------------------------------------- */

struct party_case {
	const char *rule_party;
	const char *case_party;
	int64_t fine_fen;
	bool major;
};

static const struct party_case party_cases[] = {
	{ "person", "person", YUAN(10000), true },
	{ "person", "person", YUAN(10000) - 1, false },
	{ "person", "organization", YUAN(50000), false },
	{ "person", NULL, YUAN(50000), false },
	{ "person", "", YUAN(50000), false },
	{ "organization", "organization", YUAN(10000), true },
	{ "organization", "person", YUAN(10000), false },
	{ "", "person", YUAN(10000), true },
	{ "", "organization", YUAN(10000), true },
	{ "", NULL, YUAN(10000), true },
};

static void test_a_rule_with_a_party_type_applies_only_to_that_party(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(party_cases); i++) {
		const struct party_case *p = &party_cases[i];
		struct majorcat_rule r =
			amount_rule("fine", MAJORCAT_FINE_AT_LEAST, YUAN(10000), p->rule_party);
		struct majorcat_case k = plain_case();
		struct majorcat_match m;

		k.party_type = p->case_party;
		k.fine_fen = p->fine_fen;
		m = match_one(&r, &k);
		if (m.major != p->major)
			fail_msg("rule party '%s', case party '%s': major %d", p->rule_party,
				 p->case_party ? p->case_party : "(null)", m.major);
	}
}

static void test_fine_thresholds_of_the_default_differ_for_persons_and_organizations(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	k.fine_fen = YUAN(50000);
	k.party_type = "person";
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_string_equal(m.reasons, "对个人处以一万元以上罚款");
	k.party_type = "organization";
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);
	k.fine_fen = YUAN(100000);
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_string_equal(m.reasons, "对单位处以十万元以上罚款");
	majorcat_clear(&c);
}

/* ---- several rules, flags, procedures --------------------------------------------------------- */

static void test_reasons_list_the_matter_flag_then_every_matched_rule_in_catalog_order(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	k.fine_fen = YUAN(200000);
	k.acts_mask = BIT(FINE) | BIT(REVOKE_LICENSE);
	k.hearing_held = true;
	k.matter_flagged_major = true;
	assert_int_equal(majorcat_match(&m, &c, &k, &err), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 3);
	assert_string_equal(c.rules[m.rule_index[0]].id, "act-kind");
	assert_string_equal(c.rules[m.rule_index[1]].id, "fine-organization");
	assert_string_equal(c.rules[m.rule_index[2]].id, "hearing");
	assert_true(m.rule_index[0] < m.rule_index[1] && m.rule_index[1] < m.rule_index[2]);
	assert_string_equal(m.reasons,
			    "事项清单列为重大执法决定；"
			    "作出吊销许可证件、责令停产停业、责令关闭、限制从业、行政拘留、降低资质等级决定；"
			    "对单位处以十万元以上罚款；"
			    "直接关系当事人或者第三人重大权益，经过听证程序的");
	majorcat_clear(&c);
}

static void test_a_case_matching_nothing_is_not_major_and_has_no_reasons(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	k.fine_fen = YUAN(100000) - 1;
	k.confiscation_fen = YUAN(50000) - 1;
	k.coercion_value_fen = YUAN(100000) - 1;
	k.acts_mask = BIT(FINE) | BIT(CONFISCATE) | BIT(WARNING) | BIT(SUSPEND_LICENSE);
	memset(&m, 0x5a, sizeof(m));
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);
	assert_int_equal(m.rule_count, 0);
	assert_string_equal(m.reasons, "");
	majorcat_clear(&c);
}

static void test_the_matter_flag_makes_a_case_major_even_with_an_empty_catalog(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	k.matter_flagged_major = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 0);
	assert_string_equal(m.reasons, "事项清单列为重大执法决定");
	k.matter_flagged_major = false;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);
}

static void test_a_simple_procedure_case_is_never_major(void **state)
{
	struct majorcat_rule rules[3];
	struct majorcat c = { rules, 3 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	rules[0] = flag_rule("all", MAJORCAT_ALL_GENERAL_PENALTIES);
	rules[1] = flag_rule("complex", MAJORCAT_COMPLEX);
	rules[2] = matter_rule("matter", "CF-001", "CF-002");
	k.procedure = "simple";
	k.acts_mask = BIT(WARNING);
	k.complex = true;
	k.public_interest = true;
	k.matter_flagged_major = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);
	assert_int_equal(m.rule_count, 0);
	assert_string_equal(m.reasons, "");
	/* The same case in the general procedure is major by all three. */
	k.procedure = "general";
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 3);
}

static void test_an_inspection_is_judged_only_by_flags_and_its_matter(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_rule *rules;
	struct majorcat_case k = plain_case();
	struct majorcat_match m;
	size_t n;

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	/* The default plus a matter rule and an every-general-penalty rule. */
	n = c.count;
	rules = sx_calloc(n + 2, sizeof(*rules));
	assert_non_null(rules);
	memcpy(rules, c.rules, n * sizeof(*rules));
	rules[n] = matter_rule("matter", "JC-001", "JC-002");
	rules[n + 1] = flag_rule("all", MAJORCAT_ALL_GENERAL_PENALTIES);
	sx_free(c.rules);
	c.rules = rules;
	c.count = n + 2;

	k.kind = "inspection";
	k.matter_code = "JC-003";
	k.acts_mask = BIT(REVOKE_LICENSE) | BIT(DETENTION);
	k.fine_fen = YUAN(10000000);
	k.confiscation_fen = YUAN(10000000);
	k.coercion_value_fen = YUAN(10000000);
	k.hearing_held = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);

	k.matter_code = "JC-002";
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 1);
	assert_string_equal(c.rules[m.rule_index[0]].id, "matter");

	k.matter_code = NULL;
	k.complex = true;
	k.public_interest = true;
	k.multi_agency = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_int_equal(m.rule_count, 3);
	assert_string_equal(c.rules[m.rule_index[0]].id, "public-interest");
	assert_string_equal(c.rules[m.rule_index[1]].id, "complex");
	assert_string_equal(c.rules[m.rule_index[2]].id, "multi-agency");

	k.complex = k.public_interest = k.multi_agency = false;
	k.matter_flagged_major = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 0);
	majorcat_clear(&c);
}

static void test_a_coercion_is_major_by_the_value_seized(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	k.kind = "coercion";
	k.acts_mask = 0;
	k.coercion_value_fen = YUAN(100000);
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, 1);
	assert_string_equal(m.reasons, "查封、扣押财物价值十万元以上");
	k.coercion_value_fen = YUAN(100000) - 1;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_false(m.major);
	majorcat_clear(&c);
}

static void test_long_reasons_are_cut_at_a_character_with_an_ellipsis(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;
	size_t len;

	(void)state;
	c.rules = sx_calloc(MAJORCAT_MAX_RULES, sizeof(*c.rules));
	assert_non_null(c.rules);
	c.count = MAJORCAT_MAX_RULES;
	for (size_t i = 0; i < c.count; i++) {
		char id[24];
		size_t n = 0;

		snprintf(id, sizeof(id), "r%zu", i);
		c.rules[i] = flag_rule(id, MAJORCAT_COMPLEX);
		/* 64 CJK characters: 192 bytes, the longest title. */
		while (n + 3 < sizeof(c.rules[i].title)) {
			memcpy(c.rules[i].title + n, "疑", 3);
			n += 3;
		}
		c.rules[i].title[n] = '\0';
	}
	k.complex = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_true(m.major);
	assert_int_equal(m.rule_count, MAJORCAT_MAX_RULES);
	assert_int_equal(m.rule_index[MAJORCAT_MAX_RULES - 1], MAJORCAT_MAX_RULES - 1);
	len = strlen(m.reasons);
	assert_true(len < sizeof(m.reasons));
	assert_true(codec_is_valid_utf8(m.reasons, len));
	assert_true(len > 3);
	assert_memory_equal(m.reasons + len - 3, "…", 3);
	/* Whole titles only: five with their separators take 5 × 192 + 4 × 3 = 972 bytes, a
	 * sixth does not fit, so the text is those five and "…". */
	assert_int_equal(len, 5 * 192 + 4 * 3 + 3);
	majorcat_clear(&c);
}

static void test_a_cut_falls_back_a_title_when_the_last_one_left_no_room_for_the_ellipsis(
	void **state)
{
	struct majorcat_rule rules[7];
	struct majorcat c = { rules, 7 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		char id[24];

		snprintf(id, sizeof(id), "r%zu", i);
		rules[i] = flag_rule(id, MAJORCAT_HEARING_HELD);
		if (i < 5) {
			memset(rules[i].title, 'a', MAJORCAT_TITLE_SIZE - 1);
			rules[i].title[MAJORCAT_TITLE_SIZE - 1] = '\0';
		}
	}
	/* 5 × 192 + 4 × 3 = 972; "；" and 46 bytes end at 1021, which fits the 1024 bytes with
	 * its NUL but leaves no room for the "…" the seventh title needs: the sixth goes too. */
	memset(rules[5].title, 'b', 46);
	rules[5].title[46] = '\0';
	k.hearing_held = true;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_int_equal(m.rule_count, 7);
	assert_int_equal(strlen(m.reasons), 972 + 3);
	assert_memory_equal(m.reasons + 972, "…", 4);
	/* Without the seventh nothing is cut: the sixth is the last and fits. */
	c.count = 6;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_int_equal(strlen(m.reasons), 1021);
	assert_int_equal(m.reasons[1020], 'b');
	/* One byte shorter, the sixth stays and "…" follows it in the last bytes. */
	rules[5].title[45] = '\0';
	c.count = 7;
	assert_int_equal(majorcat_match(&m, &c, &k, NULL), 0);
	assert_int_equal(strlen(m.reasons), 1023);
	assert_memory_equal(m.reasons + 1020, "…", 4);
}

/* ---- validation ----------------------------------------------------------------------------- */

enum mutation {
	MUT_BAD_ID_EMPTY = 1,
	MUT_BAD_ID_CHARS,
	MUT_BAD_ID_UNTERMINATED,
	MUT_DUPLICATE_ID,
	MUT_TITLE_BLANK,
	MUT_TITLE_CONTROL,
	MUT_TITLE_NOT_UTF8,
	MUT_TITLE_UNTERMINATED,
	MUT_KIND_ZERO,
	MUT_KIND_TOO_BIG,
	MUT_ACTS_EMPTY,
	MUT_ACTS_UNKNOWN_BIT,
	MUT_ACTS_BIT_ZERO,
	MUT_ACTS_ON_FLAG_RULE,
	MUT_THRESHOLD_ZERO,
	MUT_THRESHOLD_NEGATIVE,
	MUT_THRESHOLD_TOO_BIG,
	MUT_THRESHOLD_ON_FLAG_RULE,
	MUT_PARTY_UNKNOWN,
	MUT_PARTY_UNTERMINATED,
	MUT_MATTER_NO_CODES,
	MUT_MATTER_TOO_MANY_CODES,
	MUT_MATTER_BAD_CODE,
	MUT_MATTER_REPEATED_CODE,
	MUT_CODES_ON_FLAG_RULE,
	MUT_BASIS_EMPTY,
	MUT_BASIS_NEWLINE,
	MUT_THRESHOLD_AT_MAX, /* accepted */
	MUT_PARTY_PERSON,     /* accepted */
};

struct validation_case {
	enum mutation mutation;
	const char *code; /* NULL = accepted */
	const char *in_message;
};

static const struct validation_case validation_cases[] = {
	{ MUT_BAD_ID_EMPTY, "majorcat_bad_id", "第 2 条规则" },
	{ MUT_BAD_ID_CHARS, "majorcat_bad_id", "编号" },
	{ MUT_BAD_ID_UNTERMINATED, "majorcat_bad_id", "编号" },
	{ MUT_DUPLICATE_ID, "majorcat_duplicate_id", "第 1 条与第 2 条" },
	{ MUT_TITLE_BLANK, "majorcat_bad_title", "名称" },
	{ MUT_TITLE_CONTROL, "majorcat_bad_title", "名称" },
	{ MUT_TITLE_NOT_UTF8, "majorcat_bad_title", "名称" },
	{ MUT_TITLE_UNTERMINATED, "majorcat_bad_title", "名称" },
	{ MUT_KIND_ZERO, "majorcat_bad_kind", "规则类型" },
	{ MUT_KIND_TOO_BIG, "majorcat_bad_kind", "规则类型" },
	{ MUT_ACTS_EMPTY, "majorcat_bad_acts", "处罚种类" },
	{ MUT_ACTS_UNKNOWN_BIT, "majorcat_bad_acts", "处罚种类" },
	{ MUT_ACTS_BIT_ZERO, "majorcat_bad_acts", "处罚种类" },
	{ MUT_ACTS_ON_FLAG_RULE, "majorcat_bad_acts", "只有" },
	{ MUT_THRESHOLD_ZERO, "majorcat_bad_threshold", "大于零" },
	{ MUT_THRESHOLD_NEGATIVE, "majorcat_bad_threshold", "大于零" },
	{ MUT_THRESHOLD_TOO_BIG, "majorcat_bad_threshold", "1 万亿元" },
	{ MUT_THRESHOLD_ON_FLAG_RULE, "majorcat_bad_threshold", "不使用数额标准" },
	{ MUT_PARTY_UNKNOWN, "majorcat_bad_party_type", "当事人类型" },
	{ MUT_PARTY_UNTERMINATED, "majorcat_bad_party_type", "当事人类型" },
	{ MUT_MATTER_NO_CODES, "majorcat_bad_matter_codes", "1 至 50" },
	{ MUT_MATTER_TOO_MANY_CODES, "majorcat_bad_matter_codes", "1 至 50" },
	{ MUT_MATTER_BAD_CODE, "majorcat_bad_matter_codes", "第 2 个" },
	{ MUT_MATTER_REPEATED_CODE, "majorcat_bad_matter_codes", "重复" },
	{ MUT_CODES_ON_FLAG_RULE, "majorcat_bad_matter_codes", "只有" },
	{ MUT_BASIS_EMPTY, "majorcat_bad_basis", "依据" },
	{ MUT_BASIS_NEWLINE, "majorcat_bad_basis", "依据" },
	{ MUT_THRESHOLD_AT_MAX, NULL, NULL },
	{ MUT_PARTY_PERSON, NULL, NULL },
};

/* Rule 2 of a two-rule catalog, changed by mut; rule 1 is a valid flag rule. */
static void mutate(struct majorcat_rule rules[2], enum mutation mut)
{
	struct majorcat_rule *r = &rules[1];

	rules[0] = flag_rule("first", MAJORCAT_COMPLEX);
	switch (mut) {
	case MUT_BAD_ID_EMPTY:
		*r = flag_rule("", MAJORCAT_COMPLEX);
		break;
	case MUT_BAD_ID_CHARS:
		*r = flag_rule("a b", MAJORCAT_COMPLEX);
		break;
	case MUT_BAD_ID_UNTERMINATED:
		*r = flag_rule("x", MAJORCAT_COMPLEX);
		memset(r->id, 'a', sizeof(r->id));
		break;
	case MUT_DUPLICATE_ID:
		*r = flag_rule("first", MAJORCAT_PUBLIC_INTEREST);
		break;
	case MUT_TITLE_BLANK:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		snprintf(r->title, sizeof(r->title), " 　 ");
		break;
	case MUT_TITLE_CONTROL:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		snprintf(r->title, sizeof(r->title), "疑难\t复杂");
		break;
	case MUT_TITLE_NOT_UTF8:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		snprintf(r->title, sizeof(r->title), "ab\xc3");
		break;
	case MUT_TITLE_UNTERMINATED:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		memset(r->title, 'a', sizeof(r->title));
		break;
	case MUT_KIND_ZERO:
		*r = flag_rule("second", 0);
		break;
	case MUT_KIND_TOO_BIG:
		*r = flag_rule("second", MAJORCAT_RULE_KIND_COUNT + 1);
		break;
	case MUT_ACTS_EMPTY:
		*r = acts_rule("second", 0);
		break;
	case MUT_ACTS_UNKNOWN_BIT:
		*r = acts_rule("second", BIT(FINE) | (1u << (MAJORCAT_ACT_COUNT + 1)));
		break;
	case MUT_ACTS_BIT_ZERO:
		*r = acts_rule("second", 1u);
		break;
	case MUT_ACTS_ON_FLAG_RULE:
		*r = flag_rule("second", MAJORCAT_HEARING_HELD);
		r->acts_mask = BIT(FINE);
		break;
	case MUT_THRESHOLD_ZERO:
		*r = amount_rule("second", MAJORCAT_FINE_AT_LEAST, 0, "");
		break;
	case MUT_THRESHOLD_NEGATIVE:
		*r = amount_rule("second", MAJORCAT_CONFISCATION_AT_LEAST, -1, "");
		break;
	case MUT_THRESHOLD_TOO_BIG:
		*r = amount_rule("second", MAJORCAT_COERCION_AT_LEAST, MAJORCAT_MAX_FEN + 1, "");
		break;
	case MUT_THRESHOLD_ON_FLAG_RULE:
		*r = amount_rule("second", MAJORCAT_PUBLIC_INTEREST, 100, "");
		break;
	case MUT_PARTY_UNKNOWN:
		*r = amount_rule("second", MAJORCAT_FINE_AT_LEAST, 100, "company");
		break;
	case MUT_PARTY_UNTERMINATED:
		*r = amount_rule("second", MAJORCAT_FINE_AT_LEAST, 100, "");
		memset(r->party_type, 'p', sizeof(r->party_type));
		break;
	case MUT_MATTER_NO_CODES:
		*r = matter_rule("second", "A", "B");
		r->matter_code_count = 0;
		break;
	case MUT_MATTER_TOO_MANY_CODES:
		*r = matter_rule("second", "A", "B");
		for (size_t i = 0; i < MAJORCAT_MAX_CODES; i++)
			snprintf(r->matter_codes[i], sizeof(r->matter_codes[i]), "C%zu", i);
		r->matter_code_count = MAJORCAT_MAX_CODES + 1;
		break;
	case MUT_MATTER_BAD_CODE:
		*r = matter_rule("second", "A", "B/C");
		break;
	case MUT_MATTER_REPEATED_CODE:
		*r = matter_rule("second", "A", "A");
		break;
	case MUT_CODES_ON_FLAG_RULE:
		*r = matter_rule("second", "A", "B");
		r->kind = MAJORCAT_COMPLEX;
		break;
	case MUT_BASIS_EMPTY:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		r->basis[0] = '\0';
		break;
	case MUT_BASIS_NEWLINE:
		*r = flag_rule("second", MAJORCAT_COMPLEX);
		snprintf(r->basis, sizeof(r->basis), "《行政处罚法》\n第五十八条");
		break;
	case MUT_THRESHOLD_AT_MAX:
		*r = amount_rule("second", MAJORCAT_FINE_AT_LEAST, MAJORCAT_MAX_FEN, "organization");
		break;
	case MUT_PARTY_PERSON:
		*r = flag_rule("second", MAJORCAT_HEARING_HELD);
		snprintf(r->party_type, sizeof(r->party_type), "person");
		break;
	}
}

static void test_each_catalog_problem_is_refused_with_its_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(validation_cases); i++) {
		const struct validation_case *v = &validation_cases[i];
		struct majorcat_rule rules[2];
		struct majorcat c = { rules, 2 };
		struct majorcat_case k = plain_case();
		struct majorcat_match m;
		struct sx_error err = { 0 };
		int rc;

		mutate(rules, v->mutation);
		rc = majorcat_validate(&c, &err);
		if (v->code == NULL) {
			if (rc != 0)
				fail_msg("mutation %d refused: %s %s", v->mutation, err.code,
					 err.message);
			continue;
		}
		if (rc != SX_EINVALID || strcmp(err.code, v->code) != 0)
			fail_msg("mutation %d: rc %d code '%s', expected %s", v->mutation, rc, err.code,
				 v->code);
		if (strstr(err.message, v->in_message) == NULL)
			fail_msg("mutation %d: message '%s' lacks '%s'", v->mutation, err.message,
				 v->in_message);
		/* majorcat_match refuses the same catalog with the same code. */
		sx_error_clear(&err);
		memset(&m, 0x5a, sizeof(m));
		assert_int_equal(majorcat_match(&m, &c, &k, &err), SX_EINVALID);
		assert_string_equal(err.code, v->code);
		assert_false(m.major);
		assert_int_equal(m.rule_count, 0);
	}
}

static void test_a_missing_or_oversized_catalog_is_refused(void **state)
{
	struct majorcat_rule *rules;
	struct majorcat c = { NULL, 1 };
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(majorcat_validate(NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_catalog");
	assert_int_equal(majorcat_validate(&c, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_catalog");
	c.count = 0;
	assert_int_equal(majorcat_validate(&c, &err), 0);

	rules = sx_calloc(MAJORCAT_MAX_RULES + 1, sizeof(*rules));
	assert_non_null(rules);
	for (size_t i = 0; i < MAJORCAT_MAX_RULES + 1; i++) {
		char id[24];

		snprintf(id, sizeof(id), "r%zu", i);
		rules[i] = flag_rule(id, MAJORCAT_COMPLEX);
	}
	c.rules = rules;
	c.count = MAJORCAT_MAX_RULES;
	assert_int_equal(majorcat_validate(&c, &err), 0);
	c.count = MAJORCAT_MAX_RULES + 1;
	assert_int_equal(majorcat_validate(&c, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_too_many");
	assert_non_null(strstr(err.message, "100"));
	sx_free(rules);
}

/* ---- bad cases ------------------------------------------------------------------------------ */

struct bad_case {
	const char *name;
	const char *kind;
	const char *procedure;
	const char *party_type;
	int64_t fine_fen, confiscation_fen, coercion_value_fen;
	unsigned acts_mask;
	const char *in_message;
};

static const struct bad_case bad_cases[] = {
	{ "no kind", NULL, "general", "person", 0, 0, 0, 0, "案件类别" },
	{ "unknown kind", "license", "general", "person", 0, 0, 0, 0, "案件类别" },
	{ "no procedure", "penalty", NULL, "person", 0, 0, 0, 0, "案件程序" },
	{ "unknown procedure", "penalty", "summary", "person", 0, 0, 0, 0, "案件程序" },
	{ "simple inspection", "inspection", "simple", "person", 0, 0, 0, 0, "案件程序" },
	{ "simple coercion", "coercion", "simple", "person", 0, 0, 0, 0, "案件程序" },
	{ "unknown party", "penalty", "general", "company", 0, 0, 0, 0, "当事人类型" },
	{ "negative fine", "penalty", "general", "person", -1, 0, 0, 0, "负数" },
	{ "negative confiscation", "penalty", "general", "person", 0, -1, 0, 0, "负数" },
	{ "negative coercion", "penalty", "general", "person", 0, 0, INT64_MIN, 0, "负数" },
	{ "unknown act bit", "penalty", "general", "person", 0, 0, 0, 1u << 20, "处罚种类" },
	{ "act bit zero", "penalty", "general", "person", 0, 0, 0, 1u, "处罚种类" },
};

static void test_a_malformed_case_is_refused_and_leaves_no_match(void **state)
{
	struct majorcat c = { 0 };

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct majorcat_case k = plain_case();
		struct majorcat_match m;
		struct sx_error err = { 0 };
		int rc;

		k.kind = b->kind;
		k.procedure = b->procedure;
		k.party_type = b->party_type;
		k.fine_fen = b->fine_fen;
		k.confiscation_fen = b->confiscation_fen;
		k.coercion_value_fen = b->coercion_value_fen;
		k.acts_mask = b->acts_mask;
		k.matter_flagged_major = true;
		memset(&m, 0x5a, sizeof(m));
		rc = majorcat_match(&m, &c, &k, &err);
		if (rc != SX_EINVALID || strcmp(err.code, "majorcat_bad_case") != 0)
			fail_msg("%s: rc %d code '%s'", b->name, rc, err.code);
		if (strstr(err.message, b->in_message) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", b->name, err.message, b->in_message);
		assert_false(m.major);
		assert_int_equal(m.rule_count, 0);
		assert_string_equal(m.reasons, "");
	}
	majorcat_clear(&c);
}

static void test_null_case_or_result_is_refused(void **state)
{
	struct majorcat c = { 0 };
	struct majorcat_case k = plain_case();
	struct majorcat_match m;
	struct sx_error err = { 0 };

	(void)state;
	assert_int_equal(majorcat_match(&m, &c, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_case");
	sx_error_clear(&err);
	assert_int_equal(majorcat_match(NULL, &c, &k, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_case");
	sx_error_clear(&err);
	assert_int_equal(majorcat_match(&m, NULL, &k, &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_catalog");
}

/* ---- default catalog ------------------------------------------------------------------------ */

static const struct majorcat_rule *find_rule(const struct majorcat *c, const char *id)
{
	for (size_t i = 0; i < c->count; i++) {
		if (strcmp(c->rules[i].id, id) == 0)
			return &c->rules[i];
	}
	fail_msg("rule %s missing", id);
	return NULL;
}

static void test_the_default_catalog_is_valid_and_holds_the_stated_rules(void **state)
{
	struct majorcat c = { 0 };
	const struct majorcat_rule *r;
	bool seen[MAJORCAT_RULE_KIND_COUNT + 1] = { false };

	(void)state;
	assert_int_equal(majorcat_default(&c, NULL), 0);
	assert_int_equal(majorcat_validate(&c, NULL), 0);
	assert_int_equal(c.count, 9);
	r = find_rule(&c, "act-kind");
	assert_int_equal(r->kind, MAJORCAT_ACT_KIND);
	assert_int_equal(r->acts_mask, BIT(REVOKE_LICENSE) | BIT(ORDER_SUSPEND) | BIT(ORDER_CLOSE) |
					       BIT(RESTRICT_EMPLOYMENT) | BIT(DETENTION) |
					       BIT(LOWER_QUALIFICATION));
	r = find_rule(&c, "fine-person");
	assert_int_equal(r->threshold_fen, YUAN(10000));
	assert_string_equal(r->party_type, "person");
	r = find_rule(&c, "fine-organization");
	assert_int_equal(r->threshold_fen, YUAN(100000));
	assert_string_equal(r->party_type, "organization");
	assert_int_equal(find_rule(&c, "confiscation")->threshold_fen, YUAN(50000));
	assert_int_equal(find_rule(&c, "coercion")->threshold_fen, YUAN(100000));
	for (size_t i = 0; i < c.count; i++) {
		seen[c.rules[i].kind] = true;
		assert_non_null(strstr(c.rules[i].basis, "《"));
	}
	for (int kind = 1; kind <= MAJORCAT_RULE_KIND_COUNT; kind++) {
		bool expected = kind != MAJORCAT_ALL_GENERAL_PENALTIES && kind != MAJORCAT_MATTER;

		if (seen[kind] != expected)
			fail_msg("default catalog: kind %s present %d",
				 majorcat_rule_kind_code((enum majorcat_rule_kind)kind), seen[kind]);
	}
	majorcat_clear(&c);
	assert_null(c.rules);
	assert_int_equal(c.count, 0);
	majorcat_clear(NULL);
}

static void test_the_default_catalog_reports_a_failed_allocation(void **state)
{
	struct majorcat c;
	struct sx_error err = { 0 };
	int rc;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	sx_mem_fail_after(0);
	rc = majorcat_default(&c, &err);
	sx_mem_fail_after(-1);
	assert_int_equal(rc, SX_ENOMEM);
	assert_string_equal(err.code, "out_of_memory");
	assert_null(c.rules);
	assert_int_equal(c.count, 0);
	assert_int_equal(majorcat_default(NULL, &err), SX_EINVALID);
}

/* ---- words ---------------------------------------------------------------------------------- */

static void test_rule_kind_and_act_words_round_trip_and_unknown_ones_are_refused(void **state)
{
	struct sx_error err = { 0 };
	enum majorcat_rule_kind kind = MAJORCAT_COMPLEX;
	enum majorcat_act act = MAJORCAT_ACT_FINE;

	(void)state;
	for (int i = 1; i <= MAJORCAT_RULE_KIND_COUNT; i++) {
		enum majorcat_rule_kind back = 0;

		assert_non_null(majorcat_rule_kind_label((enum majorcat_rule_kind)i));
		assert_int_equal(majorcat_rule_kind_from_code(
					 &back, majorcat_rule_kind_code((enum majorcat_rule_kind)i),
					 NULL),
				 0);
		assert_int_equal(back, i);
	}
	for (int i = 1; i <= MAJORCAT_ACT_COUNT; i++) {
		enum majorcat_act back = 0;

		assert_non_null(majorcat_act_label((enum majorcat_act)i));
		assert_int_equal(
			majorcat_act_from_code(&back, majorcat_act_code((enum majorcat_act)i), NULL),
			0);
		assert_int_equal(back, i);
	}
	assert_string_equal(majorcat_rule_kind_code(MAJORCAT_COERCION_AT_LEAST), "coercion_at_least");
	assert_string_equal(majorcat_rule_kind_label(MAJORCAT_HEARING_HELD), "经过听证");
	assert_string_equal(majorcat_act_code(MAJORCAT_ACT_REVOKE_LICENSE), "revoke_license");
	assert_string_equal(majorcat_act_label(MAJORCAT_ACT_ORDER_SUSPEND), "责令停产停业");
	assert_string_equal(majorcat_act_label(MAJORCAT_ACT_CONFISCATE), "没收违法所得/非法财物");
	assert_null(majorcat_rule_kind_code(0));
	assert_null(majorcat_rule_kind_label(MAJORCAT_RULE_KIND_COUNT + 1));
	assert_null(majorcat_act_code(MAJORCAT_ACT_COUNT + 1));
	assert_null(majorcat_act_label(0));

	assert_int_equal(majorcat_rule_kind_from_code(&kind, "Fine_At_Least", &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_kind");
	assert_int_equal(majorcat_rule_kind_from_code(&kind, NULL, NULL), SX_EINVALID);
	assert_int_equal(kind, MAJORCAT_COMPLEX);
	assert_int_equal(majorcat_act_from_code(&act, "revoke", &err), SX_EINVALID);
	assert_string_equal(err.code, "majorcat_bad_act");
	assert_int_equal(majorcat_act_from_code(NULL, "fine", NULL), SX_EINVALID);
	assert_int_equal(act, MAJORCAT_ACT_FINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_rule_kind_matches_at_its_boundary_and_not_below_it),
		cmocka_unit_test(test_every_rule_kind_is_covered_by_the_boundary_table),
		cmocka_unit_test(test_a_rule_with_a_party_type_applies_only_to_that_party),
		cmocka_unit_test(
			test_fine_thresholds_of_the_default_differ_for_persons_and_organizations),
		cmocka_unit_test(
			test_reasons_list_the_matter_flag_then_every_matched_rule_in_catalog_order),
		cmocka_unit_test(test_a_case_matching_nothing_is_not_major_and_has_no_reasons),
		cmocka_unit_test(test_the_matter_flag_makes_a_case_major_even_with_an_empty_catalog),
		cmocka_unit_test(test_a_simple_procedure_case_is_never_major),
		cmocka_unit_test(test_an_inspection_is_judged_only_by_flags_and_its_matter),
		cmocka_unit_test(test_a_coercion_is_major_by_the_value_seized),
		cmocka_unit_test(test_long_reasons_are_cut_at_a_character_with_an_ellipsis),
		cmocka_unit_test(
			test_a_cut_falls_back_a_title_when_the_last_one_left_no_room_for_the_ellipsis),
		cmocka_unit_test(test_each_catalog_problem_is_refused_with_its_code),
		cmocka_unit_test(test_a_missing_or_oversized_catalog_is_refused),
		cmocka_unit_test(test_a_malformed_case_is_refused_and_leaves_no_match),
		cmocka_unit_test(test_null_case_or_result_is_refused),
		cmocka_unit_test(test_the_default_catalog_is_valid_and_holds_the_stated_rules),
		cmocka_unit_test(test_the_default_catalog_reports_a_failed_allocation),
		cmocka_unit_test(
			test_rule_kind_and_act_words_round_trip_and_unknown_ones_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
