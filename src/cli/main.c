/*
 * sanxiang — entry point. Picks the subcommand and hands over; everything
 * else lives in src/cli/ (see docs/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"serve", cli_serve, "运行 Web 服务（公众门户、工作人员界面、JSON API）"},
	{"init", cli_init, "创建新数据库并执行全部迁移"},
	{"migrate", cli_migrate, "将已有数据库升级到本程序的架构版本"},
	{"migrate-store", cli_migrate_store, "在 SQLite 与 PostgreSQL 之间迁移整套数据并核验"},
	{"demo", cli_demo, "加载演示数据（机关、执法人员、执法事项、各角色用户）"},
	{"user", cli_user, "管理用户：add | passwd | disable | list"},
	{"ledger", cli_ledger, "防篡改日志工具：root（由条目重算树根）"},
	{"calendar", cli_calendar, "工作日计算：add-workdays | is-workday | between | import"},
	{"import", cli_import, "从 CSV 批量导入：officers（执法人员）| matters（执法事项）"},
	{"check", cli_check, "校验统一社会信用代码（uscc）或公民身份号码（idcard）"},
	{"export-proof", cli_export_proof, "导出案件的离线证明包（事件、包含证明、已签名检查点）"},
	{"export-case", cli_export_case, "导出案件归档（一案一卷 ZIP：文书、证据、调阅记录、证明包）"},
	{"verify", cli_verify, "离线核验证明包或案件归档（无需服务器；退出码 0 通过，1 未通过）"},
};

static void usage(FILE *to)
{
	fprintf(to, "sanxiang — 行政执法三项制度平台\n\n"
		    "用法：sanxiang <命令> [参数...]\n"
		    "      sanxiang <命令> --help\n\n命令：\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(to, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(to, "\n通用参数：--db PATH 或 PostgreSQL DSN（默认 $SANXIANG_DB 或 var/sanxiang.db）\n"
		    "退出码见 docs/cli.md。\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "未知命令：%s\n\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
