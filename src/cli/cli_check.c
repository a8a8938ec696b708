/*
 * cli/cli_check — `sanxiang check uscc CODE` and `sanxiang check idcard
 * NUMBER`: validates a 统一社会信用代码 (GB 32100-2015) or a 公民身份号码
 * (GB 11643-1999, and the 15-digit GB 11643-1989 form) with the rules of
 * domain/idcheck, for staff checking a party's number and for scripts.
 *
 * Exit 0 and "有效…" on stdout when valid; exit 1 and "无效：<reason>" on
 * stderr when not, the reason naming the first problem (length, a lower-case
 * or forbidden letter, a bad birth date, the check character expected and
 * found); exit 2 for usage errors. The input is taken as typed: no trimming
 * and no upper-casing, because the stored spelling must be exact.
 *
 * An ID number is shown back masked (first 6 and last 4 characters), as on
 * staff pages, so that it does not end up whole in terminal scroll-back.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/idcheck.h"

#define CHECK_REASON_SIZE 512

static void check__help(void)
{
	printf("用法：\n"
	       "  sanxiang check uscc CODE       校验统一社会信用代码（GB 32100-2015）\n"
	       "  sanxiang check idcard NUMBER   校验公民身份号码（GB 11643-1999）\n"
	       "                                 或 15 位旧号码（GB 11643-1989）\n\n"
	       "有效时输出“有效”并退出 0；无效时在标准错误输出原因并退出 1。\n"
	       "输入须与证件一致：字母用大写，不含空格。\n");
}

static int check__invalid(const char *what, const char *reason)
{
	fprintf(stderr, "无效：%s不正确：%s\n", what, reason);
	return CLI_EXIT_FAILURE;
}

static int check__uscc(const char *code)
{
	char reason[CHECK_REASON_SIZE];

	if (idcheck_credit_code_explain(reason, sizeof(reason), code, strlen(code)) < 0)
		return check__invalid("统一社会信用代码", reason);
	printf("有效：统一社会信用代码 %s（登记管理部门 %c，机构类别 %c，", code, code[0], code[1]);
	if (memcmp(code + 2, "100000", IDCHECK_REGION_CODE_LEN) == 0)
		printf("中央登记机关）\n");
	else
		printf("行政区划码 %.6s）\n", code + 2);
	return CLI_EXIT_OK;
}

static int check__idcard(const char *id)
{
	char reason[CHECK_REASON_SIZE];
	char masked[IDCHECK_PERSON_ID_LEN + 1];
	struct idcheck_date birth;
	size_t len = strlen(id);
	int sequence_digit;

	if (idcheck_person_id_explain(reason, sizeof(reason), id, len) < 0)
		return check__invalid("公民身份号码", reason);
	if (idcheck_person_id_birth_date(&birth, id, len) < 0 ||
	    idcheck_mask_person_id(masked, sizeof(masked), id, len) < 0) {
		/* explain accepted it, so the others must too. */
		fprintf(stderr, "错误[internal]：号码校验结果不一致\n");
		return CLI_EXIT_FAILURE;
	}
	/* The last digit of the sequence code tells the sex: odd for men. */
	sequence_digit = id[len == IDCHECK_PERSON_ID_LEN ? 16 : 14] - '0';
	printf("有效：%s%s，出生日期 %04d-%02d-%02d，性别 %s\n",
	       len == IDCHECK_PERSON_ID_LEN ? "公民身份号码 " : "15 位旧身份证号码 ", masked,
	       birth.year, birth.month, birth.day, sequence_digit % 2 ? "男" : "女");
	return CLI_EXIT_OK;
}

int cli_check(int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		check__help();
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "uscc") != 0 && strcmp(argv[1], "idcard") != 0)
		return cli_usage_error("check", "未知的 check 子命令：%s", argv[1]);
	if (argc < 3)
		return cli_usage_error("check", "check %s 需要一个号码", argv[1]);
	if (argc > 3)
		return cli_usage_error("check", "多余的参数：%s（号码中不能有空格）", argv[3]);
	if (strcmp(argv[1], "uscc") == 0)
		return check__uscc(argv[2]);
	return check__idcard(argv[2]);
}
