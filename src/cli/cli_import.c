/*
 * cli/cli_import — `sanxiang import officers|matters FILE --agency A`: bulk
 * import from the CSV files agencies export from their spreadsheets
 * (formats: docs/import.md), by the machine's operator acting as the
 * command-line admin. All or nothing (service/imports): a file with one bad
 * row imports nothing and the command lists every bad row.
 *
 * Progress goes to stderr every 1000 rows (on one line when stderr is a
 * terminal), so that a clerk importing 50,000 rows sees it move; the result
 * and the error report go to stdout.
 *
 * --agency takes the agency's id, its 统一社会信用代码 or its exact name.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "service/imports.h"
#include "service/registry.h"
#include "store/store.h"

struct import_flags {
	const char *db;
	const char *kind;          /* officers | matters */
	const char *file;
	const char *agency;
	const char *effective_from;
	const char *summary;
};

static void import__help(void)
{
	printf("用法：\n"
	       "  sanxiang import officers FILE --agency 机关 [--db PATH]\n"
	       "  sanxiang import matters FILE --agency 机关 --effective-from YYYY-MM-DD\n"
	       "                  --summary 修订说明 [--db PATH]\n\n"
	       "FILE 为 CSV 文件（UTF-8 或 GB18030，首行为列名），格式见 docs/import.md。\n"
	       "机关可写 ID、统一社会信用代码或全称。全部行校验通过才导入；\n"
	       "任一行有误则一行也不导入，并列出所有错误行。\n"
	       "执法事项导入后生成待审核的清单新版本，由机关负责人审核后公开。\n");
}

static int import__parse(struct import_flags *f, int argc, char **argv)
{
	int positional = 0;

	memset(f, 0, sizeof(*f));
	f->db = cli_default_db();
	for (int i = 1; i < argc; i++) {
		int got;

		if ((got = cli_flag(&f->db, argc, argv, &i, "--db")) != 0 ||
		    (got = cli_flag(&f->agency, argc, argv, &i, "--agency")) != 0 ||
		    (got = cli_flag(&f->effective_from, argc, argv, &i, "--effective-from")) != 0 ||
		    (got = cli_flag(&f->summary, argc, argv, &i, "--summary")) != 0) {
			if (got < 0)
				return cli_usage_error("import", "参数 %s 缺少取值", argv[i]);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error("import", "未知参数：%s", argv[i]);
		if (positional == 0)
			f->kind = argv[i];
		else if (positional == 1)
			f->file = argv[i];
		else
			return cli_usage_error("import", "多余的参数：%s", argv[i]);
		positional++;
	}
	if (f->kind == NULL || (strcmp(f->kind, "officers") != 0 && strcmp(f->kind, "matters") != 0))
		return cli_usage_error("import", "请指定 officers 或 matters");
	if (f->file == NULL)
		return cli_usage_error("import", "请指定要导入的 CSV 文件");
	if (f->agency == NULL)
		return cli_usage_error("import", "请用 --agency 指定机关");
	if (strcmp(f->kind, "matters") == 0 && (f->effective_from == NULL || f->summary == NULL))
		return cli_usage_error("import", "导入执法事项需要 --effective-from 和 --summary");
	return 0;
}

/* Finds the agency by id, credit code or exact name. */
static int import__agency(char out[STORE_ID_SIZE], const struct service *svc, const char *which,
			  struct sx_error *err)
{
	struct service_agency *items = NULL;
	size_t count = 0;
	int rc;

	if ((rc = service_agency_list_public(&items, &count, svc, err)) < 0)
		return rc;
	rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found",
			  "找不到该机关（可用机关 ID、统一社会信用代码或全称）");
	for (size_t i = 0; i < count; i++) {
		if (strcmp(items[i].id, which) == 0 || strcmp(items[i].credit_code, which) == 0 ||
		    strcmp(items[i].name, which) == 0) {
			snprintf(out, STORE_ID_SIZE, "%s", items[i].id);
			sx_error_clear(err);
			rc = 0;
			break;
		}
	}
	sx_free(items);
	return rc;
}

static void import__progress(size_t rows_done, size_t rows_total, void *ctx)
{
	bool tty = *(const bool *)ctx;

	(void)rows_total;
	fprintf(stderr, tty ? "\r已校验 %zu 行" : "已校验 %zu 行\n", rows_done);
	fflush(stderr);
}

static void import__print_report(const struct import_report *r)
{
	for (size_t i = 0; i < r->error_count; i++) {
		const struct import_row_error *e = &r->errors[i];

		if (e->row_no > 0)
			printf("第 %zu 行", e->row_no);
		else
			printf("文件");
		if (e->column[0])
			printf(" [%s]", e->column);
		printf("：%s（%s）\n", e->message, e->code);
	}
	if (r->error_total > r->error_count)
		printf("……另有 %zu 处错误未列出（共 %zu 处）\n", r->error_total - r->error_count,
		       r->error_total);
}

int cli_import(int argc, char **argv)
{
	struct import_flags f;
	struct import_result result;
	struct service_list_version version;
	struct service_actor actor;
	struct store *st = NULL;
	struct service svc;
	struct sx_error err;
	char agency_id[STORE_ID_SIZE];
	char *data = NULL;
	size_t len = 0, imported = 0;
	bool tty = isatty(STDERR_FILENO) == 1;
	int rc;

	if (cli_wants_help(argc, argv)) {
		import__help();
		return CLI_EXIT_OK;
	}
	if ((rc = import__parse(&f, argc, argv)) != 0)
		return rc;
	memset(&result, 0, sizeof(result));
	sx_error_clear(&err);
	if ((rc = cli_read_file(&data, &len, f.file, CSV_DEFAULT_MAX_INPUT_BYTES,
				"导入文件不超过 64 MiB", &err)) < 0)
		return cli_fail(rc, &err);
	if ((rc = store_open(&st, f.db, NULL, &err)) < 0)
		goto cleanup;
	service_init(&svc, st);
	service_actor_cli(&actor, cli_os_login());
	if ((rc = import__agency(agency_id, &svc, f.agency, &err)) < 0)
		goto cleanup;
	if (strcmp(f.kind, "officers") == 0)
		rc = service_import_officers(&result, &imported, &svc, &actor, agency_id, data, len,
					     import__progress, &tty, &err);
	else
		rc = service_import_matters(&version, &result, &svc, &actor, agency_id, data, len,
					    f.effective_from, f.summary, import__progress, &tty,
					    &err);
	if (tty)
		fprintf(stderr, "\n");
	if (rc < 0)
		goto cleanup;
	if (strcmp(f.kind, "officers") == 0)
		printf("已导入 %zu 名执法人员。\n", imported);
	else
		printf("已生成清单第 %lld 版（待审核，共 %lld 项，拟于 %s 生效）。\n"
		       "请机关负责人在工作人员界面或 API 审核后公开。\n",
		       (long long)version.version, (long long)version.item_count,
		       version.effective_from);
cleanup:
	if (rc < 0)
		import__print_report(&result.report);
	import_result_clear(&result);
	if (st)
		store_close(st);
	sx_free(data);
	return rc < 0 ? cli_fail(rc, &err) : CLI_EXIT_OK;
}
