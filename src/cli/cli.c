/* cli — shared helpers for the subcommands (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"

int cli_exit_code(int rc)
{
	switch (rc) {
	case SX_OK:
		return CLI_EXIT_OK;
	case SX_EINVALID:
	case SX_ETOOBIG:
		return CLI_EXIT_INVALID;
	case SX_ENOTFOUND:
		return CLI_EXIT_NOT_FOUND;
	case SX_EEXISTS:
		return CLI_EXIT_EXISTS;
	case SX_ETOONEW:
		return CLI_EXIT_TOO_NEW;
	case SX_EPERM:
		return CLI_EXIT_PERM;
	default:
		return CLI_EXIT_FAILURE;
	}
}

int cli_fail(int rc, const struct sx_error *err)
{
	int code_rc = err && err->rc ? err->rc : rc;

	fprintf(stderr, "错误[%s]：%s\n", err && err->code[0] ? err->code : sx_errno_code(code_rc),
		err && err->message[0] ? err->message : sx_errno_message(code_rc));
	if (err && err->detail[0])
		sx_log(SX_LOG_ERROR, "%s", err->detail);
	return cli_exit_code(code_rc);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "用法错误：");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n请运行 sanxiang %s --help 查看用法。\n", command ? command : "");
	return CLI_EXIT_USAGE;
}

int cli_flag(const char **value, int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, len) != 0)
		return 0;
	if (arg[len] == '=') {
		*value = arg + len + 1;
		return 1;
	}
	if (arg[len] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

const char *cli_default_db(void)
{
	const char *env = getenv("SANXIANG_DB");

	return env && env[0] ? env : CLI_DEFAULT_DB;
}

int cli_read_file(char **out, size_t *len, const char *path, size_t max_bytes,
		  const char *limit_words, struct sx_error *err)
{
	FILE *file = fopen(path, "rb");
	char message[SX_ERROR_MESSAGE_MAX];
	char *data = NULL;
	size_t got;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (file == NULL)
		return sx_error_setf(err, errno == ENOENT ? SX_ENOTFOUND : SX_EIO, NULL,
				     errno == ENOENT ? "找不到要导入的文件" : "无法读取要导入的文件",
				     "fopen %s: %s", path, strerror(errno));
	/* One byte more than the limit tells "too big" from "exactly the limit". */
	if (max_bytes > SIZE_MAX - 2 || (data = sx_malloc(max_bytes + 2)) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	got = fread(data, 1, max_bytes + 1, file);
	if (ferror(file)) {
		rc = sx_error_setf(err, SX_EIO, NULL, "无法读取要导入的文件", "fread %s", path);
		goto cleanup;
	}
	if (got > max_bytes) {
		snprintf(message, sizeof(message), "文件过大：%s", limit_words);
		rc = sx_error_set(err, SX_ETOOBIG, "too_large", message);
		goto cleanup;
	}
	data[got] = '\0';
	*out = data;
	*len = got;
	data = NULL;
cleanup:
	sx_free(data);
	fclose(file);
	return rc;
}

const char *cli_key_dir_problem(const char *db)
{
	return store_dsn_is_postgresql(db) ? "PostgreSQL 数据库须用 --key-dir 指定签名密钥目录"
					   : "数据库路径过长";
}
