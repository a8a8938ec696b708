/*
 * Unit tests for domain/redact: personal data found and masked in texts to be
 * published (事后公开), and the texts that must stay untouched.
 *
 * Every ID number, credit code and card number below was built outside this
 * code (python3, the one-liners of tests/unit/test_idcheck.c for GB 11643 and
 * GB 32100, and the textbook Luhn sum), so the tables do not echo the
 * implementation:
 *   33010619900101123X 11010519491231002X 440305201003150022  valid IDs
 *   330106199001011234   right date, wrong check digit (X expected)
 *   330106199013011234   month 13: no ID; fails Luhn too
 *   113301199001011032   valid 统一社会信用代码 (机构编制, 事业单位) whose
 *                        digits also read as a plausible ID (check 8 expected)
 *   91330106MA2B3C4D5D   valid 统一社会信用代码
 *   6222021234567890128 6217000000000000004 6225880123456783  pass Luhn
 *   6225880123456784     fails Luhn
 * Every table row is also run through the two promises of the header:
 * redact_check(redact_apply(x)) == 0 and redact_apply is idempotent.
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
#include "domain/redact.h"

static const char *const names[] = {"李四", "欧阳小明", "司马光明"};
static const char *const minors[] = {"王小红"};
static const char *const keep[] = {"33010012345", "15000012345"};

/* A 执法证号 shaped like a mobile number; kept only because it is listed. */
#define KEPT_CERT "执法证号15000012345"

/* The options of most rows: a natural person as party, two witnesses, a minor. */
static const struct redact_options person_opts = {
	.party_name = "张三",
	.party_is_person = true,
	.names = names,
	.name_count = 3,
	.minor_names = minors,
	.minor_name_count = 1,
	.keep = keep,
	.keep_count = 2,
};

static const struct redact_options org_opts = {
	.party_name = "示例市某某食品有限公司",
	.party_is_person = false,
	.keep = keep,
	.keep_count = 2,
};

static const struct redact_options compound_party_opts = {
	.party_name = "欧阳娜娜",
	.party_is_person = true,
};

struct mask_case {
	const char *text;
	const char *expected;
	const struct redact_options *opt; /* NULL = person_opts */
};

static const struct mask_case mask_cases[] = {
	/* 身份证号 */
	{"身份证号33010619900101123X，", "身份证号[身份证号已隐去]，", NULL},
	{"公民身份号码：11010519491231002x。", "公民身份号码：[身份证号已隐去]。", NULL},
	{"身份证号码330106199001011234", "身份证号码[身份证号已隐去]", NULL},
	{"身份证440305201003150022，住", "身份证[身份证号已隐去]，住", NULL},
	{"身份证号330106900101123。", "身份证号[身份证号已隐去]。", NULL},
	{"编号330106199013011234", "编号330106199013011234", NULL},
	{"代码113301199001011032", "代码113301199001011032", NULL},
	{"ID33010619900101123X", "ID33010619900101123X", NULL},
	{"证号 11010519491231002X 已核对", "证号 [身份证号已隐去] 已核对", NULL},
	/* 电话 */
	{"电话13812345678", "电话[电话已隐去]", NULL},
	{"手机：138 1234 5678。", "手机：[电话已隐去]。", NULL},
	{"手机138-1234-5678", "手机[电话已隐去]", NULL},
	{"电话+86 13812345678", "电话[电话已隐去]", NULL},
	{"电话+8613812345678", "电话[电话已隐去]", NULL},
	{"电话86-138-1234-5678", "电话[电话已隐去]", NULL},
	{"联系电话0571-88886666", "联系电话[电话已隐去]", NULL},
	{"电话010-68881234。", "电话[电话已隐去]。", NULL},
	{"电话020 38881234", "电话[电话已隐去]", NULL},
	{"电话057188886666", "电话[电话已隐去]", NULL},
	{"电话0571-88886666-8001", "电话[电话已隐去]", NULL},
	{"电话0571-88886666转8001。", "电话[电话已隐去]。", NULL},
	{"电话：0571-8888666", "电话：[电话已隐去]", NULL},
	{"13812345678和13987654321", "[电话已隐去]和[电话已隐去]", NULL},
	{"电话0571-88886666 13812345678", "电话[电话已隐去] [电话已隐去]", NULL},
	{"编号12345678901", "编号12345678901", NULL},
	/* 银行卡号 */
	{"银行卡号6222021234567890128", "银行卡号[银行卡号已隐去]", NULL},
	{"账号6225 8801 2345 6783。", "账号[银行卡号已隐去]。", NULL},
	{"卡号6217-0000-0000-0000-004", "卡号[银行卡号已隐去]", NULL},
	{"卡号6225880123456784", "卡号6225880123456784", NULL},
	{"卡号6225 8801 2345 6784", "卡号6225 8801 2345 6784", NULL},
	/* 详细地址 */
	{"住所：示例市某区人民路12号", "住所：示例市某区***", NULL},
	{"住址示例市某区某某街道人民路12号3幢2单元1201室，电话", "住址示例市某区***，电话", NULL},
	{"户籍地示例县某某镇某某村3组。", "户籍地示例县***。", NULL},
	{"某某旗团结路8号", "某某旗***", NULL},
	{"住示例市人民路12号", "住示例市***", NULL},
	{"住某区某某小区5栋", "住某区***", NULL},
	{"住示例市某区人民路12号的房屋", "住示例市某区***的房屋", NULL},
	{"经营场所位于示例市某区解放东路88号A座1203室。", "经营场所位于示例市某区***。", NULL},
	{"示例市某区", "示例市某区", NULL},
	{"示例市某区市场监督管理局", "示例市某区市场监督管理局", NULL},
	{"示例市某区某某街道办事处", "示例市某区某某街道办事处", NULL},
	{"示例县人民政府", "示例县人民政府", NULL},
	{"示例县某某镇人民政府", "示例县某某镇人民政府", NULL},
	{"示例市某区人民路店", "示例市某区人民路店", NULL},
	{"示例市某区人民法院", "示例市某区人民法院", NULL},
	{"某某超市人民路", "某某超市人民路", NULL},
	/* names */
	{"当事人张三于2026年1月2日", "当事人张某于2026年1月2日", NULL},
	{"证人李四、欧阳小明在场", "证人李某、欧阳某某在场", NULL},
	{"司马光明称，张三与李四系朋友。", "司马某某称，张某与李某系朋友。", NULL},
	{"张三、张三", "张某、张某", NULL},
	{"当事人示例市某某食品有限公司", "当事人示例市某某食品有限公司", &org_opts},
	{"当事人欧阳娜娜", "当事人欧阳某某", &compound_party_opts},
	/* minors (《未成年人保护法》第一百零三条) */
	{"其女王小红（15岁）", "其女某某（**岁）", NULL},
	{"张三之子，12周岁", "张某之子，**周岁", NULL},
	{"李四，男，十五岁", "李某，男，**岁", NULL},
	{"李四，男，35岁", "李某，男，35岁", NULL},
	{"不满十四周岁的未成年人", "不满十四周岁的未成年人", NULL},
	{"已满十六周岁不满十八周岁", "已满十六周岁不满十八周岁", NULL},
	{"本店经营10年", "本店经营10年", NULL},
	{"王小红在示例市某区人民路12号就读", "某某在示例市某区***就读", NULL},
	/* keep tokens */
	{"执法证号15000012345", "执法证号15000012345", NULL},
	{"执法人员张三（执法证号33010012345）", "执法人员张某（执法证号33010012345）", NULL},
	/* everything at once */
	{"张三，身份证号33010619900101123X，住示例市某区人民路12号，电话13812345678。",
	 "张某，身份证号[身份证号已隐去]，住示例市某区***，电话[电话已隐去]。", NULL},
};

/* Texts that must come back byte for byte. */
static const char *const keep_texts[] = {
	"2026年1月2日",
	"2026-01-02",
	"示市监罚决〔2026〕12号",
	"罚款50,000元",
	"罚款5万元",
	"1200.50 元",
	"统一社会信用代码91330106MA2B3C4D5D",
	"统一社会信用代码113301199001011032",
	"（2026）示0106行初123号",
	"依据《行政处罚法》第一百二十四条第一款第五项",
	"执法证号33010012345",
	"2026-12-06 10:30",
	"12.5%",
	"https://www.example.gov.cn/notice/13812345678",
	"订单号AB13812345678",
	"流水号20261206103012345678",
	"没收违法所得13812.45元",
	"示例市某区市场监督管理局",
	"示例市某区",
	"",
	"重量1381234567.8克",
	"比例13812345678%",
};

static char *apply_ok(const char *text, size_t len, const struct redact_options *opt, size_t *out_len)
{
	struct sx_error err = {0};
	char *out = NULL;

	assert_int_equal(redact_apply(&out, out_len, text, len, opt, &err), 0);
	assert_non_null(out);
	return out;
}

static void check_promises(const char *text, size_t len, const struct redact_options *opt)
{
	size_t once_len = 0, twice_len = 0;
	char *once = apply_ok(text, len, opt, &once_len);
	char *twice = apply_ok(once, once_len, opt, &twice_len);
	struct sx_error err = {0};

	assert_int_equal(redact_check(NULL, once, once_len, opt, &err), 0);
	assert_int_equal(twice_len, once_len);
	assert_memory_equal(twice, once, once_len);
	sx_free(once);
	sx_free(twice);
}

static void test_personal_data_in_every_table_row_is_masked_as_expected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++) {
		const struct mask_case *c = &mask_cases[i];
		const struct redact_options *opt = c->opt != NULL ? c->opt : &person_opts;
		size_t len = 0;
		char *out = apply_ok(c->text, strlen(c->text), opt, &len);

		if (strcmp(out, c->expected) != 0)
			fail_msg("row %zu: %s\n  got      %s\n  expected %s", i, c->text, out, c->expected);
		assert_int_equal(len, strlen(c->expected));
		sx_free(out);
		check_promises(c->text, strlen(c->text), opt);
	}
}

static void test_texts_without_personal_data_are_left_untouched(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(keep_texts) / sizeof(keep_texts[0]); i++) {
		const char *t = keep_texts[i];
		struct redact_span *spans = NULL;
		struct sx_error err = {0};
		size_t count = 99, len = 0;
		char *out;

		assert_int_equal(redact_find(&spans, &count, t, strlen(t), &person_opts, &err), 0);
		if (count != 0)
			fail_msg("row %zu: %s: found %s at %zu..%zu", i, t, redact_kind_code(spans[0].kind),
				 spans[0].start, spans[0].end);
		assert_null(spans);
		out = apply_ok(t, strlen(t), &person_opts, &len);
		assert_string_equal(out, t);
		sx_free(out);
		assert_int_equal(redact_check(NULL, t, strlen(t), &person_opts, &err), 0);
	}
}

static void test_a_keep_token_protects_what_would_otherwise_be_masked(void **state)
{
	struct redact_options no_keep = person_opts;
	size_t len = 0;
	char *out;

	(void)state;
	no_keep.keep_count = 0;
	out = apply_ok(KEPT_CERT, strlen(KEPT_CERT), &no_keep, &len);
	assert_string_equal(out, "执法证号[电话已隐去]");
	sx_free(out);
	out = apply_ok(KEPT_CERT, strlen(KEPT_CERT), &person_opts, &len);
	assert_string_equal(out, KEPT_CERT);
	sx_free(out);
}

static void test_find_reports_byte_offsets_and_kinds_in_order(void **state)
{
	static const char text[] = "张三电话13812345678，李四住某区人民路1号，王小红";
	struct redact_span *spans = NULL;
	struct sx_error err = {0};
	size_t count = 0;
	const size_t phone = strlen("张三电话"), li = strlen("张三电话13812345678，");
	const size_t addr = strlen("张三电话13812345678，李四住某区");
	const size_t minor = strlen("张三电话13812345678，李四住某区人民路1号，");

	(void)state;
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &person_opts, &err), 0);
	assert_int_equal(count, 5);
	assert_int_equal(spans[0].start, 0);
	assert_int_equal(spans[0].end, strlen("张三"));
	assert_int_equal(spans[0].kind, REDACT_PARTY_NAME);
	assert_int_equal(spans[1].start, phone);
	assert_int_equal(spans[1].end, phone + 11);
	assert_int_equal(spans[1].kind, REDACT_PHONE);
	assert_int_equal(spans[2].start, li);
	assert_int_equal(spans[2].kind, REDACT_PERSON_NAME);
	assert_int_equal(spans[3].start, addr);
	assert_int_equal(spans[3].end, addr + strlen("人民路1号"));
	assert_int_equal(spans[3].kind, REDACT_ADDRESS);
	assert_int_equal(spans[4].start, minor);
	assert_int_equal(spans[4].end, strlen(text));
	assert_int_equal(spans[4].kind, REDACT_MINOR);
	sx_free(spans);
}

static void test_manual_marks_are_masked_and_merge_with_overlapping_findings(void **state)
{
	static const char text[] = "某某食品店电话13812345678。";
	const size_t shop = strlen("某某"), phone = strlen("某某食品店电话");
	const struct redact_span marks[] = {
		{shop, shop + strlen("食品"), REDACT_MANUAL},
		/* from 电话 into the middle of the number */
		{phone - strlen("电话"), phone + 5, REDACT_MANUAL},
	};
	struct redact_options opt = person_opts;
	struct redact_span *spans = NULL, first;
	struct sx_error err = {0};
	size_t count = 0, len = 0;
	char *out;

	(void)state;
	opt.manual = marks;
	opt.manual_count = 2;
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), 0);
	assert_int_equal(count, 2);
	assert_int_equal(spans[1].start, phone - strlen("电话"));
	assert_int_equal(spans[1].end, phone + 11);
	assert_int_equal(spans[1].kind, REDACT_MANUAL);
	sx_free(spans);
	out = apply_ok(text, strlen(text), &opt, &len);
	assert_string_equal(out, "某某■■店■■。");
	/* Marks are instructions for apply, not findings: the check ignores them. */
	assert_int_equal(redact_check(&first, out, len, &opt, &err), 0);
	sx_free(out);
}

static void test_check_names_the_kind_and_character_position_of_the_first_finding(void **state)
{
	static const char text[] = "经查，当事人身份证号33010619900101123X，电话13812345678";
	struct redact_span first = {0};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(redact_check(&first, text, strlen(text), &person_opts, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "personal_data_found");
	assert_int_equal(first.kind, REDACT_ID_NUMBER);
	assert_int_equal(first.start, strlen("经查，当事人身份证号"));
	/* 经查，当事人身份证号 is 10 characters: the number starts at the 11th. */
	assert_non_null(strstr(err.message, "第 11 字"));
	assert_non_null(strstr(err.message, "身份证号"));
}

static void test_invalid_utf8_is_refused_as_bad_text(void **state)
{
	static const char bad[] = "电话\xff" "13812345678";
	struct redact_span *spans = (struct redact_span *)1;
	struct sx_error err = {0};
	size_t count = 7, len = 7;
	char *out = (char *)1;

	(void)state;
	assert_int_equal(redact_find(&spans, &count, bad, strlen(bad), NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_text");
	assert_null(spans);
	assert_int_equal(count, 0);
	assert_int_equal(redact_apply(&out, &len, bad, strlen(bad), NULL, &err), SX_EINVALID);
	assert_null(out);
	assert_int_equal(redact_check(NULL, "\xe5\xbc", 2, NULL, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_text");
}

static void test_text_over_one_mebibyte_is_refused_as_too_big(void **state)
{
	size_t n = REDACT_MAX_TEXT_BYTES + 1, len = 0;
	char *big = sx_malloc(n), *out = NULL;
	struct redact_span *spans = NULL;
	struct sx_error err = {0};
	size_t count = 0;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	assert_int_equal(redact_find(&spans, &count, big, n, NULL, &err), SX_ETOOBIG);
	assert_string_equal(err.code, "too_big");
	assert_int_equal(redact_apply(&out, &len, big, n, NULL, &err), SX_ETOOBIG);
	/* The limit itself is accepted. */
	assert_int_equal(redact_find(&spans, &count, big, n - 1, NULL, &err), 0);
	assert_int_equal(count, 0);
	sx_free(big);
}

static void test_bad_arguments_and_options_are_refused(void **state)
{
	static const char *const one_char[] = {"张"};
	static const char *const spaced[] = {"李 四"};
	static const char *const null_name[] = {NULL};
	static const char *const empty_keep[] = {""};
	static const char text[] = "张三电话";
	struct redact_options opt;
	struct redact_span *spans = NULL;
	struct redact_span mark;
	struct sx_error err = {0};
	size_t count = 0;

	(void)state;
	assert_int_equal(redact_find(NULL, &count, text, 3, NULL, &err), SX_EINVALID);
	assert_int_equal(redact_find(&spans, NULL, text, 3, NULL, &err), SX_EINVALID);
	assert_int_equal(redact_find(&spans, &count, NULL, 3, NULL, &err), SX_EINVALID);
	assert_int_equal(redact_find(&spans, &count, NULL, 0, NULL, &err), 0);
	assert_int_equal(count, 0);

	opt = (struct redact_options){.names = one_char, .name_count = 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_name");
	opt = (struct redact_options){.minor_names = spaced, .minor_name_count = 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	assert_non_null(strstr(err.message, "未成年人第 1 个姓名"));
	opt = (struct redact_options){.names = null_name, .name_count = 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	opt = (struct redact_options){.names = NULL, .name_count = 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	opt = (struct redact_options){.names = names, .name_count = REDACT_MAX_NAMES + 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_ETOOBIG);
	opt = (struct redact_options){.party_name = "张", .party_is_person = true};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	/* An organisation's name is not a person's name and is not checked as one. */
	opt = (struct redact_options){.party_name = "张", .party_is_person = false};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), 0);
	opt = (struct redact_options){.keep = empty_keep, .keep_count = 1};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_keep");

	/* Marks: empty, past the end, cutting a character. */
	opt = (struct redact_options){.manual = &mark, .manual_count = 1};
	mark = (struct redact_span){2, 2, REDACT_MANUAL};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_manual_span");
	mark = (struct redact_span){3, strlen(text) + 1, REDACT_MANUAL};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	mark = (struct redact_span){1, 3, REDACT_MANUAL};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	mark = (struct redact_span){0, 4, REDACT_MANUAL};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), SX_EINVALID);
	mark = (struct redact_span){0, 3, REDACT_MANUAL};
	assert_int_equal(redact_find(&spans, &count, text, strlen(text), &opt, &err), 0);
	assert_int_equal(count, 1);
	sx_free(spans);
}

static void test_a_name_that_is_already_its_own_mask_is_no_finding(void **state)
{
	static const char *const masked[] = {"张某", "欧阳某某"};
	const struct redact_options opt = {.names = masked, .name_count = 2};
	struct sx_error err = {0};

	(void)state;
	assert_int_equal(redact_check(NULL, "张某与欧阳某某到场", strlen("张某与欧阳某某到场"), &opt, &err), 0);
}

static void test_person_names_keep_the_surname_and_compound_surnames_whole(void **state)
{
	static const struct {
		const char *name, *masked;
	} cases[] = {
		{"张三", "张某"},           {"张三丰", "张某某"},     {"欧阳小明", "欧阳某某"},
		{"欧阳明", "欧阳某"},       {"司马光明", "司马某某"}, {"诸葛亮", "诸葛某"},
		{"欧阳", "欧某"},           {"王", "某"},             {"约翰·史密斯", "约某某某某某"},
		{"上官婉儿", "上官某某"},   {"单于", "单某"},
	};
	struct sx_error err = {0};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(redact_mask_person_name(out, sizeof(out), cases[i].name, &err), 0);
		assert_string_equal(out, cases[i].masked);
	}
	assert_int_equal(redact_mask_person_name(out, strlen("张某"), "张三", &err), SX_ETOOBIG);
	assert_int_equal(redact_mask_person_name(out, strlen("张某") + 1, "张三", &err), 0);
	assert_int_equal(redact_mask_person_name(out, sizeof(out), "", &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_name");
	assert_int_equal(redact_mask_person_name(out, sizeof(out), NULL, &err), SX_EINVALID);
	assert_int_equal(redact_mask_person_name(NULL, 8, "张三", &err), SX_EINVALID);
	assert_int_equal(redact_mask_person_name(out, sizeof(out), "\xe5\xbc", &err), SX_EINVALID);
}

static void test_kind_codes_and_labels_cover_every_kind(void **state)
{
	(void)state;
	assert_string_equal(redact_kind_code(REDACT_ID_NUMBER), "id_number");
	assert_string_equal(redact_kind_code(REDACT_MANUAL), "manual");
	assert_string_equal(redact_kind_label(REDACT_PHONE), "电话号码");
	assert_string_equal(redact_kind_label(REDACT_MINOR), "未成年人信息");
	for (int k = 1; k <= REDACT_KIND_COUNT; k++) {
		assert_non_null(redact_kind_code((enum redact_kind)k));
		assert_non_null(redact_kind_label((enum redact_kind)k));
	}
	assert_null(redact_kind_code((enum redact_kind)0));
	assert_null(redact_kind_label((enum redact_kind)(REDACT_KIND_COUNT + 1)));
}

static void test_every_allocation_failure_is_reported_and_leaks_nothing(void **state)
{
	static const char text[] = "张三，身份证号33010619900101123X，住示例市某区人民路12号，"
				   "电话13812345678，其女王小红（15岁），证人李四。";
	const struct redact_span mark = {0, 3, REDACT_MANUAL};
	struct redact_options opt = person_opts;
	bool find_ok = false, apply_ok_seen = false, check_ok = false;

	(void)state;
	opt.manual = &mark;
	opt.manual_count = 1;
	for (long n = 0; n < 200 && !(find_ok && apply_ok_seen && check_ok); n++) {
		struct redact_span *spans = NULL;
		struct sx_error err = {0};
		size_t count = 0, len = 0;
		char *out = NULL;
		int rc;

		sx_mem_fail_after(n);
		rc = redact_find(&spans, &count, text, strlen(text), &opt, &err);
		assert_true(rc == 0 || rc == SX_ENOMEM);
		if (rc == 0)
			find_ok = true;
		else
			assert_null(spans);
		sx_free(spans);

		sx_mem_fail_after(n);
		rc = redact_apply(&out, &len, text, strlen(text), &opt, &err);
		assert_true(rc == 0 || rc == SX_ENOMEM);
		if (rc == 0)
			apply_ok_seen = true;
		else
			assert_null(out);
		sx_free(out);

		sx_mem_fail_after(n);
		rc = redact_check(NULL, text, strlen(text), &opt, &err);
		assert_true(rc == SX_ECONFLICT || rc == SX_ENOMEM);
		if (rc == SX_ECONFLICT)
			check_ok = true;
		sx_mem_fail_after(-1);
	}
	assert_true(find_ok && apply_ok_seen && check_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_personal_data_in_every_table_row_is_masked_as_expected),
		cmocka_unit_test(test_texts_without_personal_data_are_left_untouched),
		cmocka_unit_test(test_a_keep_token_protects_what_would_otherwise_be_masked),
		cmocka_unit_test(test_find_reports_byte_offsets_and_kinds_in_order),
		cmocka_unit_test(test_manual_marks_are_masked_and_merge_with_overlapping_findings),
		cmocka_unit_test(test_check_names_the_kind_and_character_position_of_the_first_finding),
		cmocka_unit_test(test_invalid_utf8_is_refused_as_bad_text),
		cmocka_unit_test(test_text_over_one_mebibyte_is_refused_as_too_big),
		cmocka_unit_test(test_bad_arguments_and_options_are_refused),
		cmocka_unit_test(test_a_name_that_is_already_its_own_mask_is_no_finding),
		cmocka_unit_test(test_person_names_keep_the_surname_and_compound_surnames_whole),
		cmocka_unit_test(test_kind_codes_and_labels_cover_every_kind),
		cmocka_unit_test(test_every_allocation_failure_is_reported_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
