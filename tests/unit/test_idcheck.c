/*
 * Unit tests for domain/idcheck: credit codes (GB 32100-2015), ID numbers
 * (GB 11643-1999 and the 15-digit GB 11643-1989 form), region codes
 * (GB/T 2260) and masking.
 *
 * Every check character below was recomputed outside this code, with these
 * one-liners (python3), so that the tables do not merely echo the
 * implementation:
 *
 *   credit code, prints the 18th character of the 17 given:
 *   python3 -c 'import sys;C="0123456789ABCDEFGHJKLMNPQRTUWXY";s=sys.argv[1];
 *     print(C[-sum(C.index(c)*pow(3,i,31) for i,c in enumerate(s[:17]))%31])' 91350100M000100Y4
 *   -> 3
 *
 *   ID number, prints the 18th character of the 17 given:
 *   python3 -c 'import sys;s=sys.argv[1];c=(12-sum(int(d)*pow(2,17-i,11)
 *     for i,d in enumerate(s[:17])))%11;print("X" if c==10 else c)' 11010519491231002
 *   -> X
 *
 * (pow(3,i,31) for i = 0..16 is the GB 32100 weight row 1 3 9 27 19 26 16 17
 * 20 29 25 13 8 24 10 30 28; pow(2,17-i,11) is the GB 11643 row 7 9 10 5 8 4
 * 2 1 6 3 7 9 10 5 8 4 2.) Cases marked "constructed" are not real numbers:
 * they were built to isolate one rule and their check character was computed
 * as above, so that only the rule under test can reject them.
 *
 * The explanation functions are checked two ways: they must agree with the
 * checks on every table case and on every single-byte substitution of the
 * valid numbers, and their sentences must name the problem (a table of
 * reason fragments).
 *
 * The module does not allocate, so there is no allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "domain/idcheck.h"

/* A string literal with its length, so that cases may hold NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

static const char credit_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

struct text_case {
	const char *text;
	size_t len;
	const char *why;
};

/* ---- 统一社会信用代码 -------------------------------------------------- */

static const struct text_case valid_credit_codes[] = {
	/* Published codes; check character recomputed with the one-liner. */
	{ LIT("91350100M000100Y43"), "the example most often quoted (工商, 企业, 福州市); -> 3" },
	{ LIT("91440300708461136T"), "深圳市腾讯计算机系统有限公司; -> T" },
	{ LIT("914403001922038216"), "华为技术有限公司; -> 6" },
	{ LIT("91110108551385082Q"), "小米科技有限责任公司; -> Q" },
	{ LIT("91110000100010433L"), "中国石油天然气集团有限公司; -> L" },
	/* 北京市司法局 (机构编制, 机关), as listed on banshi.beijing.gov.cn. */
	{ LIT("11110000000029209E"), "北京市司法局; -> E" },
	/* Constructed: one per authority or rule the published ones miss. */
	{ LIT("11100000MB1234567F"), "constructed: central registration, region 100000; -> F" },
	{ LIT("51350100M000100Y47"), "constructed: 民政, 社会团体; -> 7" },
	{ LIT("92350100MA2YJ1XR98"), "constructed: 工商, 个体工商户; -> 8" },
	{ LIT("93330100MA28AB1235"), "constructed: 工商, 农民专业合作社; -> 5" },
	{ LIT("Y1110105MA01ABCDEM"), "constructed: 其他 (only type 1), county region; -> M" },
	{ LIT("31110000MD01234564"), "constructed: 司法行政, 律师执业机构; -> 4" },
	{ LIT("32440300MD1234567J"), "constructed: 司法行政, 公证处; -> J" },
	{ LIT("81440300MC0000001R"), "constructed: 工会, 基层工会; -> R" },
	{ LIT("N2440305MF1234567B"), "constructed: 农业, 村级集体经济组织; -> B" },
	{ LIT("A1110000MG00000010"), "constructed: 中央军委改革和编制办公室, 军队事业单位; -> 0" },
};

static const struct text_case invalid_credit_codes[] = {
	{ LIT("911100001000009730"), "check char 0, but the one-liner gives D" },
	{ LIT("91350100M000100Y44"), "check char 4 instead of 3" },
	{ LIT("91350100M000100Y4Y"), "check char Y instead of 3" },
	{ LIT("91350100m000100y43"), "lower-case m and y" },
	{ LIT("91350100M000100Y4"), "17 characters" },
	{ LIT("91350100M000100Y430"), "19 characters" },
	{ LIT(""), "empty" },
	{ LIT(" 91350100M000100Y4"), "leading space, 18 characters" },
	{ LIT("91350100M000100Y\0" "3"), "NUL inside" },
	{ LIT("91350100I000100Y4\0"), "letter I and NUL as check char: no check char to match" },
	{ LIT("9\0350100M000100Y43"), "NUL as type" },
	{ LIT("91350100M000100Y4\xb3"), "a byte above 0x7f (part of a full-width character)" },
	/* Forbidden letters I O Z S V, one each, in the 主体标识码 part. */
	{ LIT("91350100I000100Y43"), "letter I" },
	{ LIT("91350100O000100Y43"), "letter O" },
	{ LIT("91350100Z000100Y43"), "letter Z" },
	{ LIT("91350100S000100Y43"), "letter S" },
	{ LIT("91350100V000100Y43"), "letter V" },
	{ LIT("91350100M000100YI3"), "letter I in position 17" },
	{ LIT("91350100M000100Y4O"), "letter O as check char" },
	/* Constructed with a correct check char: only the structure is wrong. */
	{ LIT("B1350100M000100Y41"), "constructed: authority B is not allocated; -> 1" },
	{ LIT("94350100M000100Y4R"), "constructed: 工商 has no type 4; -> R" },
	{ LIT("99350100M000100Y4A"), "constructed: 工商 has no type 9 (其他); -> A" },
	{ LIT("Y2350100M000100Y4A"), "constructed: 其他 has only type 1; -> A" },
	{ LIT("1A350100M000100Y4F"), "constructed: type A does not exist; -> F" },
	{ LIT("91160100M000100Y4R"), "constructed: province 16 does not exist; -> R" },
	{ LIT("91000000M000100Y45"), "constructed: region 000000; -> 5" },
	{ LIT("91990000M000100Y4N"), "constructed: province 99; -> N" },
	{ LIT("91100100M000100Y41"), "constructed: 10 is only valid as the whole 100000; -> 1" },
	{ LIT("91101000M000100Y48"), "constructed: 101000 is not 100000; -> 8" },
	{ LIT("91830000M000100Y47"), "constructed: 83 is no GB/T 2260 province; -> 7" },
	{ LIT("9135A100M000100Y43"), "letter in the region part" },
};

static void test_credit_code_accepts_published_and_constructed_valid_codes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_credit_codes) / sizeof(valid_credit_codes[0]); i++) {
		const struct text_case *c = &valid_credit_codes[i];

		if (idcheck_credit_code(c->text, c->len) != 0)
			fail_msg("rejected %s (%s)", c->text, c->why);
	}
}

static void test_credit_code_rejects_each_kind_of_invalid_code(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invalid_credit_codes) / sizeof(invalid_credit_codes[0]); i++) {
		const struct text_case *c = &invalid_credit_codes[i];

		if (idcheck_credit_code(c->text, c->len) != SX_EINVALID)
			fail_msg("accepted %.*s (%s)", (int)c->len, c->text, c->why);
	}
}

static void test_credit_code_rejects_null(void **state)
{
	(void)state;
	assert_int_equal(idcheck_credit_code(NULL, 0), SX_EINVALID);
	assert_int_equal(idcheck_credit_code(NULL, 18), SX_EINVALID);
}

static void test_credit_code_check_char_reproduces_every_valid_code(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_credit_codes) / sizeof(valid_credit_codes[0]); i++) {
		const struct text_case *c = &valid_credit_codes[i];

		assert_int_equal(idcheck_credit_code_check_char(c->text), c->text[17]);
	}
}

static void test_credit_code_check_char_wraps_31_to_0_and_30_to_y(void **state)
{
	(void)state;
	/* sum 0: 31 - 0 = 31, which the standard writes as 0. */
	assert_int_equal(idcheck_credit_code_check_char("00000000000000000"), '0');
	/* sum 1: 31 - 1 = 30, the last character of the set. */
	assert_int_equal(idcheck_credit_code_check_char("10000000000000000"), 'Y');
	/* The suggested 911100001000009730 has sum giving D, per the one-liner. */
	assert_int_equal(idcheck_credit_code_check_char("91110000100000973"), 'D');
}

static void test_credit_code_check_char_ignores_structure_but_not_charset(void **state)
{
	(void)state;
	/* Authority B is unallocated, but the check char is still defined. */
	assert_int_equal(idcheck_credit_code_check_char("B1350100M000100Y4"), '1');
	assert_int_equal(idcheck_credit_code_check_char("91350100m000100Y4"), '\0');
	assert_int_equal(idcheck_credit_code_check_char("91350100I000100Y4"), '\0');
	assert_int_equal(idcheck_credit_code_check_char("91350100M000100Y\0"), '\0');
	assert_int_equal(idcheck_credit_code_check_char(NULL), '\0');
}

/*
 * The allocation table restated independently of the implementation: every
 * (authority, type) pair that may appear, from GB 32100-2015 and the later
 * allocations. Every other pair of charset characters must be refused.
 */
static const char *const allocated_credit_types[] = {
	"11", "12", "13", "19",                   /* 机构编制 */
	"21", "29",                               /* 外交 */
	"31", "32", "33", "34", "35", "39",       /* 司法行政 */
	"41", "49",                               /* 文化 */
	"51", "52", "53", "59",                   /* 民政 */
	"61", "62", "69",                         /* 旅游 */
	"71", "72", "79",                         /* 宗教 */
	"81", "89",                               /* 工会 */
	"91", "92", "93",                         /* 工商 */
	"A1", "A9",                               /* 中央军委改革和编制办公室 */
	"N1", "N2", "N3", "N9",                   /* 农业 */
	"Y1",                                     /* 其他 */
};

static int pair_is_allocated(char authority, char type)
{
	size_t i;

	for (i = 0; i < sizeof(allocated_credit_types) / sizeof(allocated_credit_types[0]); i++) {
		const char *pair = allocated_credit_types[i];

		if (pair[0] == authority && pair[1] == type)
			return 1;
	}
	return 0;
}

static void test_credit_code_accepts_only_the_allocated_authority_type_pairs(void **state)
{
	char code[19] = "00440300MA5CJQ4N5?";
	size_t a, t;
	int accepted = 0;

	(void)state;
	for (a = 0; a < 31; a++) {
		for (t = 0; t < 31; t++) {
			int want;

			code[0] = credit_charset[a];
			code[1] = credit_charset[t];
			code[17] = idcheck_credit_code_check_char(code);
			assert_int_not_equal(code[17], '\0');
			want = pair_is_allocated(code[0], code[1]) ? 0 : SX_EINVALID;
			if (idcheck_credit_code(code, 18) != want)
				fail_msg("%s: expected %d", code, want);
			accepted += want == 0;
		}
	}
	assert_int_equal(accepted, (int)(sizeof(allocated_credit_types) /
					 sizeof(allocated_credit_types[0])));
}

/* Weights 3^i mod 31 are all non-zero mod the prime 31: any one change shows. */
static void test_credit_code_rejects_every_single_character_substitution(void **state)
{
	char code[19];
	size_t pos, k;

	(void)state;
	memcpy(code, "91440300708461136T", 19);
	for (pos = 0; pos < 18; pos++) {
		char orig = code[pos];

		for (k = 0; k < 31; k++) {
			if (credit_charset[k] == orig)
				continue;
			code[pos] = credit_charset[k];
			if (idcheck_credit_code(code, 18) != SX_EINVALID)
				fail_msg("accepted %s", code);
		}
		code[pos] = orig;
	}
	assert_int_equal(idcheck_credit_code(code, 18), 0);
}

/* Neighbouring weights differ by a factor 3, so swapping two unequal neighbours shows. */
static void test_credit_code_rejects_every_adjacent_transposition(void **state)
{
	char code[19];
	size_t pos;

	(void)state;
	memcpy(code, "914403001922038216", 19);
	for (pos = 0; pos + 1 < 17; pos++) {
		char tmp;

		if (code[pos] == code[pos + 1])
			continue;
		tmp = code[pos];
		code[pos] = code[pos + 1];
		code[pos + 1] = tmp;
		if (idcheck_credit_code(code, 18) != SX_EINVALID)
			fail_msg("accepted %s", code);
		code[pos + 1] = code[pos];
		code[pos] = tmp;
	}
	assert_int_equal(idcheck_credit_code(code, 18), 0);
}

/* ---- 公民身份号码 ------------------------------------------------------- */

static const struct text_case valid_person_ids[] = {
	{ LIT("11010519491231002X"), "GB 11643-1999's example; -> X" },
	{ LIT("440305200002291232"), "constructed: 2000-02-29, 2000 is a leap year; -> 2" },
	{ LIT("110105199602290011"), "constructed: 1996-02-29; -> 1" },
	{ LIT("11010519000101001X"), "constructed: 1900-01-01, the first accepted day; -> X" },
	{ LIT("110105210012310021"), "constructed: 2100-12-31, the last accepted day; -> 1" },
	{ LIT("810000199006150037"), "constructed: 香港 region, as on 港澳居民居住证; -> 7" },
	{ LIT("830000198001010026"), "constructed: 83, as on 台湾居民居住证; -> 6" },
};

static const struct text_case invalid_person_ids[] = {
	{ LIT("440524188001010014"), "GB 11643-1999's second example: check right, 1880 < 1900" },
	{ LIT("110105194912310021"), "check 1 instead of X" },
	{ LIT("11010519491231002x"), "lower-case x" },
	{ LIT("110105194902300020"), "constructed: February 30; -> 0" },
	{ LIT("110105190002290017"), "constructed: 1900-02-29, 1900 is no leap year; -> 7" },
	{ LIT("110105210002290012"), "constructed: 2100-02-29, 2100 is no leap year; -> 2" },
	{ LIT("110105199702290019"), "constructed: 1997-02-29; -> 9" },
	{ LIT("110105194904310011"), "constructed: April 31; -> 1" },
	{ LIT("110105194913010010"), "constructed: month 13; -> 0" },
	{ LIT("110105194900010011"), "constructed: month 00; -> 1" },
	{ LIT("110105194912000013"), "constructed: day 00; -> 3" },
	{ LIT("110105210101010012"), "constructed: 2101 > 2100; -> 2" },
	{ LIT("110105189912310015"), "constructed: 1899 < 1900; -> 5" },
	{ LIT("010105194912310026"), "constructed: first digit 0; -> 6" },
	{ LIT("910105194912310029"), "constructed: first digit 9 (not accepted yet); -> 9" },
	{ LIT("1101051949123100AX"), "letter in the sequence" },
	{ LIT("1101051949123100X2"), "X before the last position" },
	{ LIT("11010519491231002"), "17 characters" },
	{ LIT("11010519491231002X0"), "19 characters" },
	{ LIT("110105491231002"), "a 15-digit number is not an 18-digit one" },
	{ LIT(""), "empty" },
	{ LIT("11010519491231002\0"), "NUL as check char" },
	{ LIT("1101051949123100A\0"), "letter, then NUL where no check char can be computed" },
	{ LIT(" 11010519491231002X"), "leading space" },
	{ LIT("11010519491231002\xd8"), "a byte above 0x7f as check char" },
};

static void test_person_id_accepts_the_standards_example_and_edge_dates(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_person_ids) / sizeof(valid_person_ids[0]); i++) {
		const struct text_case *c = &valid_person_ids[i];

		if (idcheck_person_id(c->text, c->len) != 0)
			fail_msg("rejected %s (%s)", c->text, c->why);
	}
}

static void test_person_id_rejects_each_kind_of_invalid_number(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invalid_person_ids) / sizeof(invalid_person_ids[0]); i++) {
		const struct text_case *c = &invalid_person_ids[i];

		if (idcheck_person_id(c->text, c->len) != SX_EINVALID)
			fail_msg("accepted %.*s (%s)", (int)c->len, c->text, c->why);
	}
	assert_int_equal(idcheck_person_id(NULL, 18), SX_EINVALID);
}

static void test_person_id_check_char_reproduces_the_standards_examples(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(idcheck_person_id_check_char("11010519491231002"), 'X');
	/* Right although the number as a whole fails on its 1880 birth year. */
	assert_int_equal(idcheck_person_id_check_char("44052418800101001"), '4');
	for (i = 0; i < sizeof(valid_person_ids) / sizeof(valid_person_ids[0]); i++)
		assert_int_equal(idcheck_person_id_check_char(valid_person_ids[i].text),
				 valid_person_ids[i].text[17]);
}

static void test_person_id_check_char_wraps_11_to_0_and_10_to_x(void **state)
{
	(void)state;
	/* sum 0: (12 - 0) mod 11 = 1. */
	assert_int_equal(idcheck_person_id_check_char("00000000000000000"), '1');
	/* sum 1 (weight of position 8): 11 mod 11 = 0. */
	assert_int_equal(idcheck_person_id_check_char("00000001000000000"), '0');
	/* sum 7 (weight of position 1): 5. */
	assert_int_equal(idcheck_person_id_check_char("10000000000000000"), '5');
}

static void test_person_id_check_char_rejects_non_digits(void **state)
{
	(void)state;
	assert_int_equal(idcheck_person_id_check_char("1101051949123100X"), '\0');
	assert_int_equal(idcheck_person_id_check_char("11010519491231 02"), '\0');
	assert_int_equal(idcheck_person_id_check_char("1101051949123100\0"), '\0');
	assert_int_equal(idcheck_person_id_check_char(NULL), '\0');
}

/* Weights 2^k mod 11 are non-zero mod the prime 11: any one changed digit shows. */
static void test_person_id_rejects_every_single_digit_substitution(void **state)
{
	static const char alphabet[] = "0123456789X";
	char id[19];
	size_t pos, k;

	(void)state;
	memcpy(id, "11010519491231002X", 19);
	for (pos = 0; pos < 18; pos++) {
		char orig = id[pos];

		for (k = 0; k < sizeof(alphabet) - 1; k++) {
			if (alphabet[k] == orig || (alphabet[k] == 'X' && pos != 17))
				continue;
			id[pos] = alphabet[k];
			if (idcheck_person_id(id, 18) != SX_EINVALID)
				fail_msg("accepted %s", id);
		}
		id[pos] = orig;
	}
	assert_int_equal(idcheck_person_id(id, 18), 0);
}

/* MOD 11-2 catches every swap of two unequal neighbours among the 17 digits. */
static void test_person_id_rejects_every_adjacent_transposition(void **state)
{
	char id[19];
	size_t pos;

	(void)state;
	memcpy(id, "440305200002291232", 19);
	for (pos = 0; pos + 1 < 17; pos++) {
		char tmp;

		if (id[pos] == id[pos + 1])
			continue;
		tmp = id[pos];
		id[pos] = id[pos + 1];
		id[pos + 1] = tmp;
		if (idcheck_person_id(id, 18) != SX_EINVALID)
			fail_msg("accepted %s", id);
		id[pos + 1] = id[pos];
		id[pos] = tmp;
	}
	assert_int_equal(idcheck_person_id(id, 18), 0);
}

/* ---- 15-digit numbers (GB 11643-1989) ------------------------------------ */

static const struct text_case valid_person_ids_15[] = {
	{ LIT("110105491231002"), "the 1999 example in its 15-digit form (1949-12-31)" },
	{ LIT("440305960229123"), "constructed: 1996-02-29" },
	{ LIT("820000000101001"), "constructed: 1900-01-01, 澳门 region" },
};

static const struct text_case invalid_person_ids_15[] = {
	{ LIT("110105490230002"), "February 30" },
	{ LIT("110105000229001"), "1900-02-29: 19YY makes 00 the non-leap 1900" },
	{ LIT("110105491301002"), "month 13" },
	{ LIT("110105491200002"), "day 00" },
	{ LIT("11010549123100X"), "no check character exists in the 15-digit form" },
	{ LIT("910105491231002"), "first digit 9" },
	{ LIT("010105491231002"), "first digit 0" },
	{ LIT("11010549123100"), "14 digits" },
	{ LIT("1101054912310020"), "16 digits" },
	{ LIT("11010519491231002X"), "an 18-digit number is not a 15-digit one" },
	{ LIT(""), "empty" },
};

static void test_person_id_15_accepts_legacy_numbers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_person_ids_15) / sizeof(valid_person_ids_15[0]); i++) {
		const struct text_case *c = &valid_person_ids_15[i];

		if (idcheck_person_id_15(c->text, c->len) != 0)
			fail_msg("rejected %s (%s)", c->text, c->why);
	}
}

static void test_person_id_15_rejects_bad_dates_lengths_and_characters(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invalid_person_ids_15) / sizeof(invalid_person_ids_15[0]); i++) {
		const struct text_case *c = &invalid_person_ids_15[i];

		if (idcheck_person_id_15(c->text, c->len) != SX_EINVALID)
			fail_msg("accepted %.*s (%s)", (int)c->len, c->text, c->why);
	}
	assert_int_equal(idcheck_person_id_15(NULL, 15), SX_EINVALID);
}

/* ---- birth dates --------------------------------------------------------- */

static void test_birth_date_is_read_from_both_generations(void **state)
{
	static const struct {
		const char *id;
		int year, month, day;
	} cases[] = {
		{ "11010519491231002X", 1949, 12, 31 },
		{ "110105491231002", 1949, 12, 31 },
		{ "440305200002291232", 2000, 2, 29 },
		{ "440305960229123", 1996, 2, 29 },
		{ "110105210012310021", 2100, 12, 31 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *id = cases[i].id;
		struct idcheck_date d = { 0, 0, 0 };

		assert_int_equal(idcheck_person_id_birth_date(&d, id, strlen(id)), 0);
		assert_int_equal(d.year, cases[i].year);
		assert_int_equal(d.month, cases[i].month);
		assert_int_equal(d.day, cases[i].day);
	}
}

static void test_birth_date_refuses_invalid_numbers_and_leaves_out_alone(void **state)
{
	struct idcheck_date d = { 7, 7, 7 };

	(void)state;
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("110105194912310021")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("440524188001010014")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("110105490230002")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("1101054912310")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("910105491231002")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, LIT("1101054912310A2")), SX_EINVALID);
	assert_int_equal(idcheck_person_id_birth_date(&d, NULL, 18), SX_EINVALID);
	assert_int_equal(d.year, 7);
	assert_int_equal(d.month, 7);
	assert_int_equal(d.day, 7);
	assert_int_equal(idcheck_person_id_birth_date(NULL, LIT("11010519491231002X")),
			 SX_EINVALID);
}

/* ---- 行政区划代码 -------------------------------------------------------- */

static void test_region_code_tells_the_level(void **state)
{
	static const struct {
		const char *code;
		enum idcheck_region_level level;
	} cases[] = {
		{ "110000", IDCHECK_REGION_PROVINCE }, /* 北京市 */
		{ "650000", IDCHECK_REGION_PROVINCE }, /* 新疆维吾尔自治区 */
		{ "710000", IDCHECK_REGION_PROVINCE }, /* 台湾省 */
		{ "820000", IDCHECK_REGION_PROVINCE }, /* 澳门特别行政区 */
		{ "350100", IDCHECK_REGION_CITY },     /* 福州市 */
		{ "440300", IDCHECK_REGION_CITY },     /* 深圳市 */
		{ "429000", IDCHECK_REGION_CITY },     /* 湖北 省直辖县级行政区划 */
		{ "110105", IDCHECK_REGION_COUNTY },   /* 北京市朝阳区 */
		{ "440305", IDCHECK_REGION_COUNTY },   /* 深圳市南山区 */
		{ "429004", IDCHECK_REGION_COUNTY },   /* 仙桃市 */
		{ "659001", IDCHECK_REGION_COUNTY },   /* 石河子市 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum idcheck_region_level level = 0;

		if (idcheck_region_code(&level, cases[i].code, 6) != 0)
			fail_msg("rejected %s", cases[i].code);
		if (level != cases[i].level)
			fail_msg("%s: level %d, expected %d", cases[i].code, (int)level,
				 (int)cases[i].level);
	}
}

static void test_region_code_rejects_unknown_provinces_and_bad_shapes(void **state)
{
	static const struct text_case cases[] = {
		{ LIT("100000"), "10 is no province (only credit codes use 100000)" },
		{ LIT("160000"), "inside 11..82 but no province" },
		{ LIT("200100"), "20 is no province" },
		{ LIT("470000"), "47 is no province" },
		{ LIT("830000"), "83 appears in ID numbers, but is no GB/T 2260 province" },
		{ LIT("000000"), "zero" },
		{ LIT("990000"), "99" },
		{ LIT("11010"), "5 digits" },
		{ LIT("1101050"), "7 digits" },
		{ LIT("11A105"), "letter" },
		{ LIT("11010 "), "space" },
		{ LIT("-11010"), "sign" },
		{ LIT(""), "empty" },
	};
	enum idcheck_region_level level = IDCHECK_REGION_COUNTY;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (idcheck_region_code(&level, cases[i].text, cases[i].len) != SX_EINVALID)
			fail_msg("accepted %s (%s)", cases[i].text, cases[i].why);
	}
	assert_int_equal(level, IDCHECK_REGION_COUNTY);
	assert_int_equal(idcheck_region_code(NULL, LIT("110000")), SX_EINVALID);
	assert_int_equal(idcheck_region_code(&level, NULL, 6), SX_EINVALID);
}

static void test_region_code_accepts_exactly_the_34_provinces(void **state)
{
	char code[7] = "000000";
	enum idcheck_region_level level;
	int p, accepted = 0;

	(void)state;
	for (p = 0; p < 100; p++) {
		code[0] = (char)('0' + p / 10);
		code[1] = (char)('0' + p % 10);
		if (idcheck_region_code(&level, code, 6) == 0) {
			accepted++;
			assert_int_equal(level, IDCHECK_REGION_PROVINCE);
		}
	}
	assert_int_equal(accepted, 34);
}

/* ---- masking ------------------------------------------------------------- */

static void test_mask_keeps_first_six_and_last_four(void **state)
{
	static const struct {
		const char *id;
		const char *masked;
	} cases[] = {
		{ "11010519491231002X", "110105********002X" },
		{ "110105199602290011", "110105********0011" },
		/* Fails validation (born 1880) but is shaped right: stored data still shows. */
		{ "440524188001010014", "440524********0014" },
		{ "110105491231002", "110105*****1002" },
	};
	char out[19];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(idcheck_mask_person_id(out, sizeof(out), cases[i].id,
							strlen(cases[i].id)), 0);
		assert_string_equal(out, cases[i].masked);
	}
}

static void test_mask_refuses_strings_not_shaped_like_an_id(void **state)
{
	static const struct text_case cases[] = {
		{ LIT("11010519491231002x"), "lower-case x" },
		{ LIT("1101051949123100X2"), "X not last" },
		{ LIT("11010549123100X"), "X in a 15-digit number" },
		{ LIT("11010519491231002"), "17 characters" },
		{ LIT("11010519491231002X0"), "19 characters" },
		{ LIT("1234567890"), "10 digits would be shown whole" },
		{ LIT("13800138000"), "a phone number" },
		{ LIT("91350100M000100Y43"), "a credit code" },
		{ LIT(""), "empty" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, '#', sizeof(out));
		if (idcheck_mask_person_id(out, sizeof(out), cases[i].text, cases[i].len) !=
		    SX_EINVALID)
			fail_msg("masked %s (%s)", cases[i].text, cases[i].why);
		assert_int_equal(out[0], '#');
	}
	assert_int_equal(idcheck_mask_person_id(NULL, 19, LIT("11010519491231002X")), SX_EINVALID);
	assert_int_equal(idcheck_mask_person_id(out, sizeof(out), NULL, 18), SX_EINVALID);
}

static void test_mask_needs_room_for_the_nul_and_writes_nothing_otherwise(void **state)
{
	char out[19];

	(void)state;
	memset(out, '#', sizeof(out));
	assert_int_equal(idcheck_mask_person_id(out, 18, LIT("11010519491231002X")), SX_ETOOBIG);
	assert_int_equal(idcheck_mask_person_id(out, 0, LIT("11010519491231002X")), SX_ETOOBIG);
	assert_int_equal(idcheck_mask_person_id(out, 15, LIT("110105491231002")), SX_ETOOBIG);
	assert_int_equal(out[0], '#');
	assert_int_equal(out[17], '#');
	assert_int_equal(idcheck_mask_person_id(out, 19, LIT("11010519491231002X")), 0);
	assert_string_equal(out, "110105********002X");
}

/* ---- explanations ------------------------------------------------------ */

struct reason_case {
	const char *text;
	size_t len;
	const char *want; /* a piece of the reason */
};

static void test_credit_code_explain_agrees_with_the_check_on_every_table_case(void **state)
{
	char reason[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_credit_codes) / sizeof(valid_credit_codes[0]); i++) {
		const struct text_case *c = &valid_credit_codes[i];

		memset(reason, '#', sizeof(reason));
		if (idcheck_credit_code_explain(reason, sizeof(reason), c->text, c->len) != 0)
			fail_msg("explain rejected %s (%s): %s", c->text, c->why, reason);
		assert_string_equal(reason, "");
	}
	for (i = 0; i < sizeof(invalid_credit_codes) / sizeof(invalid_credit_codes[0]); i++) {
		const struct text_case *c = &invalid_credit_codes[i];

		reason[0] = '\0';
		if (idcheck_credit_code_explain(reason, sizeof(reason), c->text, c->len) !=
		    SX_EINVALID)
			fail_msg("explain accepted %s (%s)", c->text, c->why);
		if (reason[0] == '\0')
			fail_msg("no reason for %s (%s)", c->text, c->why);
	}
}

static void test_credit_code_explain_agrees_with_the_check_on_every_byte_substitution(void **state)
{
	char code[IDCHECK_CREDIT_CODE_LEN];
	char reason[256];
	size_t i, pos;
	int b;

	(void)state;
	for (i = 0; i < sizeof(valid_credit_codes) / sizeof(valid_credit_codes[0]); i++) {
		for (pos = 0; pos < IDCHECK_CREDIT_CODE_LEN; pos++) {
			for (b = 0; b < 256; b++) {
				int want, got;

				memcpy(code, valid_credit_codes[i].text, sizeof(code));
				code[pos] = (char)b;
				want = idcheck_credit_code(code, sizeof(code));
				got = idcheck_credit_code_explain(reason, sizeof(reason), code,
								  sizeof(code));
				if (want != got)
					fail_msg("%s, 0x%02x at %zu: check %d, explain %d (%s)",
						 valid_credit_codes[i].text, b, pos + 1, want, got,
						 reason);
			}
		}
	}
}

static void test_credit_code_explain_names_the_problem(void **state)
{
	static const struct reason_case cases[] = {
		{ LIT(""), "为空" },
		{ LIT("91350100M000100Y4"), "长度应为 18 位，实际为 17 位" },
		{ LIT("91350100M000100Y430"), "实际为 19 位" },
		{ LIT("9135\xef\xbc\x90" "100M000100Y43"), "第 5 个字节起含有非 ASCII 字符" },
		{ LIT("91350100m000100y43"), "第 9 位是小写字母“m”" },
		{ LIT("91350100M000100y43"), "应写作“Y”" },
		{ LIT("91350100I000100Y43"), "第 9 位是字母“I”：GB 32100 的代码字符集不含" },
		{ LIT("91350100O000100Y43"), "第 9 位是字母“O”" },
		{ LIT("91350100S000100Y43"), "第 9 位是字母“S”" },
		{ LIT("91350100V000100Y43"), "第 9 位是字母“V”" },
		{ LIT("91350100Z000100Y43"), "第 9 位是字母“Z”" },
		{ LIT("91350100o000100Y43"), "无论大小写" },
		{ LIT("91350100M000100Y4O"), "第 18 位是字母“O”" },
		{ LIT(" 1350100M000100Y43"), "第 1 位空格" },
		{ LIT("91350100M000-00Y43"), "第 13 位“-”不是" },
		{ LIT("91350100M000100Y\0" "3"), "第 17 位字节 0x00" },
		{ LIT("B1350100M000100Y41"), "第 1 位登记管理部门代码“B”未分配" },
		{ LIT("94350100M000100Y4R"), "第 2 位机构类别代码“4”不属于登记管理部门“9”" },
		{ LIT("91990000M000100Y4N"), "第 3—8 位“990000”" },
		{ LIT("91350100M000100Y44"), "校验码（第 18 位）应为“3”，实际为“4”" },
		{ LIT("91350100M000100Y4Y"), "应为“3”，实际为“Y”" },
	};
	char reason[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reason[0] = '\0';
		assert_int_equal(idcheck_credit_code_explain(reason, sizeof(reason), cases[i].text,
							     cases[i].len),
				 SX_EINVALID);
		if (strstr(reason, cases[i].want) == NULL)
			fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, reason, cases[i].want);
	}
	assert_int_equal(idcheck_credit_code_explain(reason, sizeof(reason), NULL, 18),
			 SX_EINVALID);
	assert_non_null(strstr(reason, "为空"));
}

static void test_person_id_explain_agrees_with_the_checks_of_both_generations(void **state)
{
	const struct text_case *tables[] = { valid_person_ids, invalid_person_ids,
					     valid_person_ids_15, invalid_person_ids_15 };
	const size_t counts[] = {
		sizeof(valid_person_ids) / sizeof(valid_person_ids[0]),
		sizeof(invalid_person_ids) / sizeof(invalid_person_ids[0]),
		sizeof(valid_person_ids_15) / sizeof(valid_person_ids_15[0]),
		sizeof(invalid_person_ids_15) / sizeof(invalid_person_ids_15[0]),
	};
	char reason[256];
	size_t t, i;

	(void)state;
	for (t = 0; t < 4; t++) {
		for (i = 0; i < counts[t]; i++) {
			const struct text_case *c = &tables[t][i];
			int want = idcheck_person_id(c->text, c->len) == 0 ||
						   idcheck_person_id_15(c->text, c->len) == 0
					   ? 0
					   : SX_EINVALID;
			int got;

			memset(reason, '#', sizeof(reason));
			got = idcheck_person_id_explain(reason, sizeof(reason), c->text, c->len);
			if (got != want)
				fail_msg("%s (%s): explain %d, checks %d", c->text, c->why, got,
					 want);
			if ((got == 0) != (reason[0] == '\0'))
				fail_msg("%s (%s): reason \"%.200s\"", c->text, c->why, reason);
		}
	}
}

static void test_person_id_explain_agrees_with_the_check_on_every_byte_substitution(void **state)
{
	char id[IDCHECK_PERSON_ID_LEN];
	char reason[256];
	size_t i, pos;
	int b;

	(void)state;
	for (i = 0; i < sizeof(valid_person_ids) / sizeof(valid_person_ids[0]); i++) {
		for (pos = 0; pos < IDCHECK_PERSON_ID_LEN; pos++) {
			for (b = 0; b < 256; b++) {
				int want, got;

				memcpy(id, valid_person_ids[i].text, sizeof(id));
				id[pos] = (char)b;
				want = idcheck_person_id(id, sizeof(id));
				got = idcheck_person_id_explain(reason, sizeof(reason), id,
								sizeof(id));
				if (want != got)
					fail_msg("%s, 0x%02x at %zu: check %d, explain %d (%s)",
						 valid_person_ids[i].text, b, pos + 1, want, got,
						 reason);
			}
		}
	}
}

static void test_person_id_explain_names_the_problem(void **state)
{
	static const struct reason_case cases[] = {
		{ LIT(""), "为空" },
		{ LIT("1101051949123100"), "长度应为 18 位（或 15 位的旧号码），实际为 16 位" },
		{ LIT("\xef\xbc\x91" "10105194912310021"), "第 1 个字节起含有非 ASCII 字符" },
		{ LIT("11010519491231002x"), "第 18 位是小写“x”" },
		{ LIT("11010519491231002A"), "第 18 位“A”应为数字或“X”" },
		{ LIT("1101051949123100AX"), "第 17 位“A”不是数字" },
		{ LIT("1101051949123100X2"), "第 17 位是“X”：“X”只能出现在 18 位号码的末位" },
		{ LIT("11010519491231 02X"), "第 15 位空格不是数字" },
		{ LIT("910105194912310029"), "第 1 位是“9”" },
		{ LIT("010105194912310026"), "第 1 位是“0”" },
		{ LIT("110105194902300020"), "出生日期 1949-02-30 不是真实的日期" },
		{ LIT("110105199702290019"), "出生日期 1997-02-29 不是真实的日期" },
		{ LIT("440524188001010014"), "出生日期 1880-01-01 的年份不在 1900—2100 年之间" },
		{ LIT("110105194912310021"), "校验码（第 18 位）应为“X”，实际为“1”" },
		{ LIT("110105491331002"), "出生日期 1949-13-31 不是真实的日期" },
		{ LIT("11010549123100A"), "第 15 位“A”不是数字" },
	};
	char reason[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reason[0] = '\0';
		assert_int_equal(idcheck_person_id_explain(reason, sizeof(reason), cases[i].text,
							   cases[i].len),
				 SX_EINVALID);
		if (strstr(reason, cases[i].want) == NULL)
			fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, reason, cases[i].want);
	}
	assert_int_equal(idcheck_person_id_explain(reason, sizeof(reason), LIT("110105491231002")),
			 0);
	assert_string_equal(reason, "");
}

static void test_explain_cuts_the_reason_at_a_character_boundary(void **state)
{
	char reason[64];
	size_t size;

	(void)state;
	/* "长度应为 18 位…": every cut must leave valid UTF-8 (no partial 3-byte character). */
	for (size = 1; size <= sizeof(reason); size++) {
		size_t len, i = 0;

		memset(reason, '#', sizeof(reason));
		assert_int_equal(idcheck_credit_code_explain(reason, size, LIT("9135")),
				 SX_EINVALID);
		len = strlen(reason);
		assert_true(len < size);
		while (i < len) {
			unsigned char c = (unsigned char)reason[i];
			size_t n = c < 0x80 ? 1 : c >= 0xE0 ? 3 : 2;

			if (i + n > len)
				fail_msg("size %zu: partial character at byte %zu of \"%s\"", size,
					 i, reason);
			i += n;
		}
	}
	/* No buffer at all: only the verdict. */
	assert_int_equal(idcheck_credit_code_explain(NULL, 0, LIT("9135")), SX_EINVALID);
	assert_int_equal(idcheck_credit_code_explain(NULL, 0, LIT("91350100M000100Y43")), 0);
	assert_int_equal(idcheck_person_id_explain(NULL, 0, LIT("11010519491231002X")), 0);
	assert_int_equal(idcheck_person_id_explain(NULL, 0, LIT("11010519491231002x")),
			 SX_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credit_code_accepts_published_and_constructed_valid_codes),
		cmocka_unit_test(test_credit_code_rejects_each_kind_of_invalid_code),
		cmocka_unit_test(test_credit_code_rejects_null),
		cmocka_unit_test(test_credit_code_check_char_reproduces_every_valid_code),
		cmocka_unit_test(test_credit_code_check_char_wraps_31_to_0_and_30_to_y),
		cmocka_unit_test(test_credit_code_check_char_ignores_structure_but_not_charset),
		cmocka_unit_test(test_credit_code_accepts_only_the_allocated_authority_type_pairs),
		cmocka_unit_test(test_credit_code_rejects_every_single_character_substitution),
		cmocka_unit_test(test_credit_code_rejects_every_adjacent_transposition),
		cmocka_unit_test(test_person_id_accepts_the_standards_example_and_edge_dates),
		cmocka_unit_test(test_person_id_rejects_each_kind_of_invalid_number),
		cmocka_unit_test(test_person_id_check_char_reproduces_the_standards_examples),
		cmocka_unit_test(test_person_id_check_char_wraps_11_to_0_and_10_to_x),
		cmocka_unit_test(test_person_id_check_char_rejects_non_digits),
		cmocka_unit_test(test_person_id_rejects_every_single_digit_substitution),
		cmocka_unit_test(test_person_id_rejects_every_adjacent_transposition),
		cmocka_unit_test(test_person_id_15_accepts_legacy_numbers),
		cmocka_unit_test(test_person_id_15_rejects_bad_dates_lengths_and_characters),
		cmocka_unit_test(test_birth_date_is_read_from_both_generations),
		cmocka_unit_test(test_birth_date_refuses_invalid_numbers_and_leaves_out_alone),
		cmocka_unit_test(test_region_code_tells_the_level),
		cmocka_unit_test(test_region_code_rejects_unknown_provinces_and_bad_shapes),
		cmocka_unit_test(test_region_code_accepts_exactly_the_34_provinces),
		cmocka_unit_test(test_mask_keeps_first_six_and_last_four),
		cmocka_unit_test(test_mask_refuses_strings_not_shaped_like_an_id),
		cmocka_unit_test(test_mask_needs_room_for_the_nul_and_writes_nothing_otherwise),
		cmocka_unit_test(
			test_credit_code_explain_agrees_with_the_check_on_every_table_case),
		cmocka_unit_test(
			test_credit_code_explain_agrees_with_the_check_on_every_byte_substitution),
		cmocka_unit_test(test_credit_code_explain_names_the_problem),
		cmocka_unit_test(test_person_id_explain_agrees_with_the_checks_of_both_generations),
		cmocka_unit_test(
			test_person_id_explain_agrees_with_the_check_on_every_byte_substitution),
		cmocka_unit_test(test_person_id_explain_names_the_problem),
		cmocka_unit_test(test_explain_cuts_the_reason_at_a_character_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
