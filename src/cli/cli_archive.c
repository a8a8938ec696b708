/*
 * cli/cli_archive — `sanxiang export-case`: one case as a ZIP archive
 * (service/case_archive.h, docs/cases.md "Archive (归档)"), and the report
 * `sanxiang verify` prints for such a ZIP.
 *
 *   sanxiang export-case --case ID|案号 --out FILE.zip --reason TEXT [--db DSN]
 *                        [--key-dir DIR] [--blob-dir DIR]
 *
 * Runs as the machine's operator (a synthetic admin, cli:<login>): the export
 * is logged as 调阅 under that name with the reason given. FILE is never
 * overwritten (exit 5). The blob folder defaults to "blobs" beside a SQLite
 * file as for serve; with PostgreSQL and no --blob-dir, a case with evidence
 * cannot be exported (the files have no known place).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "blob/blob.h"
#include "cli/cli.h"
#include "service/case_archive.h"
#include "service/ledger.h"
#include "service/service.h"
#include "store/store.h"

static void archive__usage(void)
{
	printf("用法：sanxiang export-case --case 案件ID或案号 --out FILE.zip --reason 理由\n"
	       "                          [--db PATH|DSN] [--key-dir DIR] [--blob-dir DIR]\n\n"
	       "把一个案件导出为一个 ZIP 归档（一案一卷）：清单、案件信息、文书（存储的数据和 PDF）、\n"
	       "证据文件、调阅记录和防篡改日志的离线证明包。导出本身记入调阅记录和日志（须填写理由）。\n"
	       "输出文件已存在时拒绝覆盖（退出码 5）。密钥目录默认为 <数据库>.keys，证据目录默认为\n"
	       "数据库所在目录下的 blobs（PostgreSQL 须用 --blob-dir 指定）。\n"
	       "核验：sanxiang verify FILE.zip --key <日志公钥>（详见 docs/cases.md）。\n");
}

/* The default evidence folder beside a SQLite file; "" for PostgreSQL. */
static int archive__default_blob_dir(char *out, size_t out_size, const char *db)
{
	const char *slash = strrchr(db, '/');
	int n;

	out[0] = '\0';
	if (store_dsn_is_postgresql(db))
		return 0;
	if (slash == db)
		n = snprintf(out, out_size, "/blobs");
	else if (slash)
		n = snprintf(out, out_size, "%.*s/blobs", (int)(slash - db), db);
	else
		n = snprintf(out, out_size, "blobs");
	return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

int cli_export_case(int argc, char **argv)
{
	struct store *st = NULL;
	struct blob_store *blobs = NULL;
	struct service svc;
	struct service_actor actor;
	struct service_case_archive_info info;
	struct sx_error err;
	const char *db = cli_default_db();
	const char *which = NULL, *out_path = NULL, *key_dir = NULL, *blob_dir = NULL;
	const char *reason = NULL;
	char key_buf[4096], blob_buf[4096], case_id[STORE_ID_SIZE];
	struct stat exists, dir_st;
	bool ledger_open = false;
	int rc;

	if (cli_wants_help(argc, argv)) {
		archive__usage();
		return CLI_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		int got;

		if ((got = cli_flag(&db, argc, argv, &i, "--db")) == 0 &&
		    (got = cli_flag(&which, argc, argv, &i, "--case")) == 0 &&
		    (got = cli_flag(&out_path, argc, argv, &i, "--out")) == 0 &&
		    (got = cli_flag(&reason, argc, argv, &i, "--reason")) == 0 &&
		    (got = cli_flag(&key_dir, argc, argv, &i, "--key-dir")) == 0 &&
		    (got = cli_flag(&blob_dir, argc, argv, &i, "--blob-dir")) == 0)
			return cli_usage_error("export-case", "未知参数：%s", argv[i]);
		if (got < 0)
			return cli_usage_error("export-case", "%s 需要一个值", argv[i]);
	}
	if (!which || !*which)
		return cli_usage_error("export-case", "缺少 --case 案件ID或案号");
	if (!out_path || !*out_path)
		return cli_usage_error("export-case", "缺少 --out FILE.zip");
	if (!reason || !*reason)
		return cli_usage_error("export-case", "缺少 --reason 理由（导出即调阅，须说明理由）");
	if (blob_dir && !*blob_dir)
		return cli_usage_error("export-case", "--blob-dir 不能为空");
	sx_error_clear(&err);
	if (lstat(out_path, &exists) == 0) {
		sx_error_set(&err, SX_EEXISTS, "file_exists", "输出文件已存在，不会覆盖；请换一个文件名");
		return cli_fail(SX_EEXISTS, &err);
	}
	if (!key_dir) {
		if (service_ledger_default_key_dir(key_buf, sizeof(key_buf), db) < 0)
			return cli_usage_error("export-case", "%s", cli_key_dir_problem(db));
		key_dir = key_buf;
	}
	if (!blob_dir) {
		if (archive__default_blob_dir(blob_buf, sizeof(blob_buf), db) < 0)
			return cli_usage_error("export-case", "数据库路径过长：%s", db);
		blob_dir = blob_buf[0] ? blob_buf : NULL;
	}

	if ((rc = store_open(&st, db, NULL, &err)) < 0)
		goto done;
	service_init(&svc, st);
	/* Only an existing folder: exporting must not create an empty evidence store. */
	if (blob_dir && stat(blob_dir, &dir_st) == 0 && S_ISDIR(dir_st.st_mode)) {
		struct blob_store_options bo = {0};

		bo.root = blob_dir;
		if ((rc = blob_store_open(&blobs, &bo, &err)) < 0)
			goto done;
		svc.blobs = blobs;
	}
	if ((rc = service_ledger_open(&svc, key_dir, &err)) < 0)
		goto done;
	ledger_open = true;
	service_actor_cli(&actor, cli_os_login());
	if ((rc = service_case_archive_find(case_id, &svc, &actor, which, &err)) < 0 ||
	    (rc = service_case_archive_write(out_path, &info, &svc, &actor, case_id, reason, "",
					     &err)) < 0)
		goto done;
	printf("已导出案件 %s（%s）的归档到 %s\n"
	       "  文件 %zu 个：文书 %zu 份（数据与 PDF），证据文件 %zu 个（共 %llu 字节）\n"
	       "  证明包的检查点：树大小 %llu；本次导出记入日志，序号 %lld\n"
	       "  案件%s\n"
	       "核验：sanxiang verify %s --key <日志公钥>\n",
	       info.case_no, info.case_id, out_path, info.file_count, info.record_count,
	       info.evidence_count, (unsigned long long)info.evidence_bytes,
	       (unsigned long long)info.checkpoint_size, (long long)info.ledger_index,
	       info.case_archived ? "已归档" : "尚未归档（归档导出可随时进行）", out_path);
done:
	if (ledger_open)
		service_ledger_close(&svc);
	blob_store_close(blobs);
	if (st)
		store_close(st);
	return rc < 0 ? cli_fail(rc, &err) : CLI_EXIT_OK;
}

int cli_verify_archive(const char *path, const struct bundle_verify_options *opt)
{
	struct service_case_archive_report r;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = service_case_archive_verify(&r, path, opt, &err);
	if (rc < 0 && rc != SX_ECORRUPT) {
		fprintf(stderr, "核验失败[%s]：%s\n", err.code, err.message);
		service_case_archive_report_free(&r);
		return CLI_EXIT_FAILURE;
	}
	printf("案卷归档 %s\n", path);
	if (r.case_id[0])
		printf("  案件：%s（%s），%s\n  归档编号：%s\n", r.case_no, r.case_id,
		       r.case_archived ? "已归档" : "导出时尚未归档", r.archive_id);
	for (size_t i = 0; i < r.finding_count; i++)
		printf("  [%s] %s\n", r.findings[i].passed ? "通过" : "未通过", r.findings[i].text);
	if (r.failure_count > r.finding_count)
		printf("  ……另有未列出的问题，共 %zu 项未通过\n", r.failure_count);
	if (r.bundle_verified) {
		printf("  签名公钥：");
		for (size_t i = 0; i < r.bundle.signer_count; i++)
			printf("%s%s+%08x", i ? "，" : "", r.bundle.signers[i].name,
			       (unsigned)r.bundle.signers[i].key_id);
		printf("%s\n", r.bundle.keys_from_bundle ? "［取自证明包，未经独立确认］" : "");
		if (r.bundle.old_checked)
			printf("  旧检查点（树大小 %llu）与本检查点一致：日志只增未改。\n",
			       (unsigned long long)r.bundle.old_size);
	}
	if (rc == 0) {
		printf("结论：核验通过。\n");
	} else {
		printf("结论：核验未通过（%zu 项）。\n", r.failure_count);
		fprintf(stderr, "核验失败[%s]：%s\n", err.code, err.message);
	}
	if (r.bundle.keys_from_bundle)
		fprintf(stderr,
			"警告：未提供可信公钥（--key），只使用了证明包自带的公钥。这只说明归档内部一致，\n"
			"      不能证明检查点确由该日志签署。请从可信渠道取得日志公钥，用 --key 再次核验。\n");
	service_case_archive_report_free(&r);
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
