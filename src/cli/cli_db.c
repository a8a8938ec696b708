/*
 * cli/cli_db — `init`, `migrate` and `demo`: creating, upgrading and filling
 * a database.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/demo.h"
#include "service/demo_cases.h"
#include "service/doctemplates.h"
#include "service/ledger.h"
#include "service/service.h"
#include "store/store.h"

/* Parses the flags every database command shares (only --db). */
static int cli__db_flags(const char **db, const char *command, int argc, char **argv)
{
	*db = cli_default_db();
	for (int i = 1; i < argc; i++) {
		int got = cli_flag(db, argc, argv, &i, "--db");

		if (got < 0)
			return cli_usage_error(command, "--db 需要一个值");
		if (got == 0)
			return cli_usage_error(command, "未知参数：%s", argv[i]);
	}
	return 0;
}

/* Creates the parent folder of a database file when missing (one level, as
 * `var/` in a fresh checkout). */
static void cli__make_parent(const char *path)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		fprintf(stderr, "警告：无法创建目录 %s：%s\n", dir, strerror(errno));
}

/* Removes a half-made SQLite database (and its WAL files) after a failed init,
 * so that running init again starts from nothing. */
static void cli__remove_db(const char *db)
{
	char path[4096];

	unlink(db);
	if (snprintf(path, sizeof(path), "%s-wal", db) < (int)sizeof(path))
		unlink(path);
	if (snprintf(path, sizeof(path), "%s-shm", db) < (int)sizeof(path))
		unlink(path);
}

int cli_init(int argc, char **argv)
{
	struct service_ledger_init_options lopt = {"sha256", NULL, NULL};
	struct store *st = NULL;
	struct service svc;
	struct sx_error err;
	const char *db = cli_default_db();
	char key_dir[4096];
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("用法：sanxiang init [--db PATH] [--ledger-hash sha256|sm3] [--ledger-origin NAME]\n"
		       "                   [--key-dir DIR]\n\n"
		       "创建新数据库并执行全部迁移；建立防篡改日志（哈希算法此后不能更改；sm3 为国密配置），\n"
		       "并在密钥目录（默认 <数据库>.keys）生成 Ed25519 与 SM2 签名密钥（权限 0600）。\n"
		       "数据库已有表时拒绝（退出码 5）。\n");
		return CLI_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		int got;

		if ((got = cli_flag(&db, argc, argv, &i, "--db")) == 0 &&
		    (got = cli_flag(&lopt.hash_name, argc, argv, &i, "--ledger-hash")) == 0 &&
		    (got = cli_flag(&lopt.origin, argc, argv, &i, "--ledger-origin")) == 0 &&
		    (got = cli_flag(&lopt.key_dir, argc, argv, &i, "--key-dir")) == 0)
			return cli_usage_error("init", "未知参数：%s", argv[i]);
		if (got < 0)
			return cli_usage_error("init", "%s 需要一个值", argv[i]);
	}
	if (strcmp(lopt.hash_name, "sha256") != 0 && strcmp(lopt.hash_name, "sm3") != 0)
		return cli_usage_error("init", "--ledger-hash 须为 sha256 或 sm3");
	if (lopt.key_dir == NULL) {
		if (service_ledger_default_key_dir(key_dir, sizeof(key_dir), db) < 0)
			return cli_usage_error("init", "%s", cli_key_dir_problem(db));
		lopt.key_dir = key_dir;
	}
	sx_error_clear(&err);
	if (!store_dsn_is_postgresql(db))
		cli__make_parent(db);
	if ((rc = store_create(db, &err)) < 0)
		return cli_fail(rc, &err);
	if ((rc = store_open(&st, db, NULL, &err)) == 0) {
		service_init(&svc, st);
		rc = service_ledger_init(&svc, &lopt, &err);
		store_close(st);
	}
	if (rc < 0) {
		/* A server database is the operator's: say what is left rather than
		 * drop anything in it. */
		if (store_dsn_is_postgresql(db))
			fprintf(stderr, "初始化未完成：请清空该 PostgreSQL 数据库后重试"
					"（例如 DROP SCHEMA public CASCADE; CREATE SCHEMA public;）\n");
		else
			cli__remove_db(db);
		return cli_fail(rc, &err);
	}
	printf("已创建数据库 %s（架构版本 %d），防篡改日志哈希 %s，签名密钥在 %s\n", db,
	       store_binary_schema_version(), lopt.hash_name, lopt.key_dir);
	return CLI_EXIT_OK;
}

int cli_migrate(int argc, char **argv)
{
	struct sx_error err;
	const char *db;
	int from = 0, to = 0;
	int rc;

	if (cli_wants_help(argc, argv)) {
		printf("用法：sanxiang migrate [--db PATH]\n\n"
		       "按编号顺序执行缺少的迁移，每个迁移一个事务；可重复执行。\n"
		       "数据库版本高于本程序时拒绝（退出码 6）。\n");
		return CLI_EXIT_OK;
	}
	if ((rc = cli__db_flags(&db, "migrate", argc, argv)) != 0)
		return rc;
	sx_error_clear(&err);
	if ((rc = store_migrate(db, &from, &to, &err)) < 0)
		return cli_fail(rc, &err);
	if (from == to)
		printf("数据库 %s 已是最新（架构版本 %d）\n", db, to);
	else
		printf("数据库 %s 已从架构版本 %d 升级到 %d\n", db, from, to);
	return CLI_EXIT_OK;
}

const char *cli_os_login(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name)
		return pw->pw_name;
	return user && user[0] ? user : "operator";
}

int cli_demo(int argc, char **argv)
{
	struct store *st = NULL;
	struct service svc;
	struct service_actor actor;
	struct service_demo_cases cases;
	struct doctemplates *templates = NULL;
	struct sx_error err;
	const char *db;
	int rc;

	memset(&cases, 0, sizeof(cases));
	if (cli_wants_help(argc, argv)) {
		printf("用法：sanxiang demo [--db PATH]\n\n"
		       "加载演示数据：示例市的三个机关（市场监督管理局、生态环境局、司法局）、\n"
		       "执法人员、执法事项，以及每个角色一个用户（密码 %s），\n"
		       "和市场监督管理局的三件演示案件（调查中、已决定、检查中）。\n"
		       "数据库中已有机关时拒绝（退出码 5）。\n",
		       SERVICE_DEMO_PASSWORD);
		return CLI_EXIT_OK;
	}
	if ((rc = cli__db_flags(&db, "demo", argc, argv)) != 0)
		return rc;
	sx_error_clear(&err);
	if ((rc = store_open(&st, db, NULL, &err)) < 0)
		return cli_fail(rc, &err);
	service_init(&svc, st);
	service_actor_cli(&actor, cli_os_login());
	rc = service_demo_load(&svc, &actor, &err);
	if (rc == 0 && (rc = doctemplates_load(&templates, &err)) == 0) {
		svc.templates = templates;
		rc = service_demo_cases_load(&cases, &svc, &actor, &err);
	}
	doctemplates_free(templates);
	store_close(st);
	if (rc < 0)
		return cli_fail(rc, &err);
	printf("已加载演示数据。演示用户：admin officer unit_head reviewer agency_head supervisor "
	       "officer2，密码均为 %s\n",
	       SERVICE_DEMO_PASSWORD);
	printf("演示案件 %zu 件；当事人可在 /party 以案号 %s、查验码 %s 查看送达的%s。\n",
	       cases.case_count, cases.decided_case_no, cases.verify_code, cases.decision_doc_no);
	return CLI_EXIT_OK;
}
