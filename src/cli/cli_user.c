/*
 * cli/cli_user — `sanxiang user add | passwd | disable | list`: account
 * management by the machine's operator. The operator acts as a synthetic
 * admin ("cli:<login>" in the audit trail); permission and policy checks are
 * the same service functions the web uses.
 *
 * Passwords are never taken from the command line (it shows in `ps` and in
 * shell history): --password-stdin reads one line from standard input,
 * otherwise the terminal is asked twice without echo.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "crypto/random.h"
#include "service/users.h"
#include "store/store.h"

#define USER_PASSWORD_MAX 1100

static void user__help(void)
{
	printf("用法：\n"
	       "  sanxiang user add --username U --name 姓名 --role ROLE --agency AGENCY_ID\n"
	       "                    [--password-stdin] [--db PATH]\n"
	       "  sanxiang user passwd --username U [--password-stdin] [--db PATH]\n"
	       "  sanxiang user disable --username U [--db PATH]\n"
	       "  sanxiang user list [--agency AGENCY_ID] [--json] [--db PATH]\n\n"
	       "角色：officer unit_head reviewer agency_head supervisor admin\n"
	       "密码至少 10 个字符，含至少两类字符；--password-stdin 从标准输入读取一行，\n"
	       "否则在终端上提示输入两次（不回显）。\n");
}

/* Reads one line into buf without its line ending. */
static int user__read_line(char *buf, size_t size, FILE *from)
{
	size_t len;

	if (fgets(buf, (int)size, from) == NULL)
		return SX_EINVALID;
	len = strlen(buf);
	if (len == size - 1 && buf[len - 1] != '\n')
		return SX_ETOOBIG;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

static int user__prompt(char *buf, size_t size, const char *prompt)
{
	struct termios old, quiet;
	int rc;

	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) < 0)
		return SX_EIO;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	rc = user__read_line(buf, size, stdin);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	return rc;
}

/* Gets the new password from stdin or the terminal into buf. */
static int user__password(char *buf, size_t size, bool from_stdin)
{
	char again[USER_PASSWORD_MAX];
	int rc;

	if (from_stdin)
		return user__read_line(buf, size, stdin) < 0
			       ? cli_usage_error("user", "未能从标准输入读取密码")
			       : 0;
	if (!isatty(STDIN_FILENO))
		return cli_usage_error("user", "标准输入不是终端：请使用 --password-stdin");
	if (user__prompt(buf, size, "新密码：") < 0 || user__prompt(again, sizeof(again), "再次输入：") < 0)
		return cli_usage_error("user", "未能读取密码");
	rc = strcmp(buf, again) == 0 ? 0 : CLI_EXIT_INVALID;
	crypto_cleanse(again, sizeof(again));
	if (rc != 0)
		fprintf(stderr, "错误[password_mismatch]：两次输入的密码不一致\n");
	return rc;
}

struct user_flags {
	const char *db;
	const char *username;
	const char *name;
	const char *role;
	const char *agency;
	bool password_stdin;
	bool json;
};

static int user__parse(struct user_flags *f, int argc, char **argv)
{
	memset(f, 0, sizeof(*f));
	f->db = cli_default_db();
	for (int i = 2; i < argc; i++) {
		static const struct {
			const char *name;
			size_t offset;
		} text_flags[] = {
			{"--db", offsetof(struct user_flags, db)},
			{"--username", offsetof(struct user_flags, username)},
			{"--name", offsetof(struct user_flags, name)},
			{"--role", offsetof(struct user_flags, role)},
			{"--agency", offsetof(struct user_flags, agency)},
		};
		bool matched = false;

		if (strcmp(argv[i], "--password-stdin") == 0) {
			f->password_stdin = true;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0) {
			f->json = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(text_flags) / sizeof(text_flags[0]) && !matched; k++) {
			const char *value = NULL;
			int got = cli_flag(&value, argc, argv, &i, text_flags[k].name);

			if (got < 0)
				return cli_usage_error("user", "%s 需要一个值", text_flags[k].name);
			if (got > 0) {
				*(const char **)(void *)((char *)f + text_flags[k].offset) = value;
				matched = true;
			}
		}
		if (!matched)
			return cli_usage_error("user", "未知参数：%s", argv[i]);
	}
	return 0;
}

static int user__add(struct service *svc, const struct service_actor *actor,
		     const struct user_flags *f)
{
	char password[USER_PASSWORD_MAX];
	struct service_user_new in;
	struct service_user user;
	struct sx_error err;
	int rc;

	if (!f->username || !f->name || !f->role || !f->agency)
		return cli_usage_error("user", "user add 需要 --username --name --role --agency");
	if ((rc = user__password(password, sizeof(password), f->password_stdin)) != 0)
		return rc;
	sx_error_clear(&err);
	memset(&in, 0, sizeof(in));
	in.username = f->username;
	in.display_name = f->name;
	in.password = password;
	in.password_len = strlen(password);
	in.role = f->role;
	in.agency_id = f->agency;
	rc = service_user_create(&user, svc, actor, &in, &err);
	crypto_cleanse(password, sizeof(password));
	if (rc < 0)
		return cli_fail(rc, &err);
	printf("已创建用户 %s（%s，%s），id %s\n", user.username, user.display_name,
	       account_role_label(user.role), user.id);
	return CLI_EXIT_OK;
}

static int user__passwd(struct service *svc, const struct service_actor *actor,
			const struct user_flags *f)
{
	char password[USER_PASSWORD_MAX];
	struct service_user user;
	struct sx_error err;
	int rc;

	if (!f->username)
		return cli_usage_error("user", "user passwd 需要 --username");
	sx_error_clear(&err);
	if ((rc = service_user_find(&user, svc, actor, f->username, &err)) < 0)
		return cli_fail(rc, &err);
	if ((rc = user__password(password, sizeof(password), f->password_stdin)) != 0)
		return rc;
	rc = service_user_set_password(svc, actor, user.id, password, strlen(password), &err);
	crypto_cleanse(password, sizeof(password));
	if (rc < 0)
		return cli_fail(rc, &err);
	printf("已为用户 %s 设置新密码，其所有会话已失效\n", user.username);
	return CLI_EXIT_OK;
}

static int user__disable(struct service *svc, const struct service_actor *actor,
			 const struct user_flags *f)
{
	struct service_user user;
	struct sx_error err;
	int rc;

	if (!f->username)
		return cli_usage_error("user", "user disable 需要 --username");
	sx_error_clear(&err);
	if ((rc = service_user_find(&user, svc, actor, f->username, &err)) < 0 ||
	    (rc = service_user_disable(&user, svc, actor, user.id, &err)) < 0)
		return cli_fail(rc, &err);
	printf("已停用用户 %s，其所有会话已失效\n", user.username);
	return CLI_EXIT_OK;
}

static int user__list(struct service *svc, const struct service_actor *actor,
		      const struct user_flags *f)
{
	struct service_user *users = NULL;
	size_t count = 0;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if ((rc = service_user_list(&users, &count, svc, actor, f->agency, &err)) < 0)
		return cli_fail(rc, &err);
	if (f->json) {
		json_t *list = json_array();
		char *text;

		for (size_t i = 0; list && i < count; i++)
			json_array_append_new(
				list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", users[i].id,
						"username", users[i].username, "display_name",
						users[i].display_name, "agency_id", users[i].agency_id,
						"role", account_role_name(users[i].role), "disabled",
						users[i].disabled));
		text = list ? json_dumps(list, JSON_INDENT(2)) : NULL;
		if (text)
			printf("%s\n", text);
		free(text); /* jansson's allocator */
		json_decref(list);
		rc = text ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
	} else {
		printf("%-20s %-12s %-12s %-26s %s\n", "用户名", "角色", "状态", "所属机关 id", "姓名");
		for (size_t i = 0; i < count; i++)
			printf("%-20s %-12s %-12s %-26s %s\n", users[i].username,
			       account_role_name(users[i].role), users[i].disabled ? "disabled" : "active",
			       users[i].agency_id, users[i].display_name);
		rc = CLI_EXIT_OK;
	}
	sx_free(users);
	return rc;
}

int cli_user(int argc, char **argv)
{
	struct user_flags flags;
	struct store *st = NULL;
	struct service svc;
	struct service_actor actor;
	struct sx_error err;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (sub == NULL || cli_wants_help(argc, argv)) {
		user__help();
		return sub == NULL ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "list") != 0)
		return cli_usage_error("user", "未知的 user 子命令：%s", sub);
	if ((rc = user__parse(&flags, argc, argv)) != 0)
		return rc;
	sx_error_clear(&err);
	if ((rc = store_open(&st, flags.db, NULL, &err)) < 0)
		return cli_fail(rc, &err);
	service_init(&svc, st);
	service_actor_cli(&actor, cli_os_login());
	if (strcmp(sub, "add") == 0)
		rc = user__add(&svc, &actor, &flags);
	else if (strcmp(sub, "passwd") == 0)
		rc = user__passwd(&svc, &actor, &flags);
	else if (strcmp(sub, "disable") == 0)
		rc = user__disable(&svc, &actor, &flags);
	else
		rc = user__list(&svc, &actor, &flags);
	store_close(st);
	return rc;
}
