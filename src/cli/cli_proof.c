/*
 * cli/cli_proof — `sanxiang export-proof` and `sanxiang verify`: the offline
 * proof bundle of a case (ledger/bundle.h, docs/ledger.md).
 *
 *   sanxiang export-proof --case ID --out FILE [--from-size M]... [--db PATH] [--key-dir DIR]
 *   sanxiang verify FILE [--key VKEY|KEYFILE]... [--old-checkpoint FILE]
 *
 * FILE may also be a case archive (a ZIP from `sanxiang export-case`): its
 * bundle is checked with the same options and its files against the bundle
 * (service/case_archive.h; the report is printed by cli_archive.c).
 *
 * export-proof never overwrites: FILE is written to a temporary file beside
 * it, fsync'd, and linked into place with link(2), which fails when FILE
 * exists (exit 5), so a reader sees either no file or the whole bundle, and
 * two exports cannot replace each other's file. Mode 0644: a bundle holds no
 * secret (the log is public).
 *
 * verify needs no server and no database. It exits 0 when every check holds,
 * 1 when one fails (the message, in Chinese, names the check and the leaf),
 * 2 for usage errors (including a --key that is neither a vkey nor a file of
 * vkeys). Without --key it checks against the bundle's own keys and warns
 * that this proves only that the bundle is self-consistent, not who signed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"
#include "cli/cli.h"
#include "ledger/bundle.h"
#include "ledger/note.h"
#include "service/case_archive.h"
#include "service/ledger.h"
#include "service/ledger_export.h"
#include "service/service.h"
#include "store/store.h"

#define PROOF_KEY_FILE_MAX_BYTES (64u * 1024)

/* ---- files ---- */

/* Reads the whole regular file at path into out (set up by the caller with its cap). */
static int proof__read_file(struct buf *out, const char *path)
{
	char chunk[8192];
	struct stat st;
	int fd;
	int rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SX_ENOTFOUND : errno == EACCES ? SX_EPERM : SX_EIO;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SX_EINVALID;
	}
	if ((uint64_t)st.st_size > out->max_bytes) {
		close(fd);
		return SX_ETOOBIG;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = SX_EIO;
			break;
		}
		if (n == 0)
			break;
		if ((rc = buf_append(out, chunk, (size_t)n)) < 0)
			break;
	}
	close(fd);
	return rc;
}

static int proof__write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ENOSPC ? SX_ENOSPC : SX_EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The folder of path ("." when it has none), for fsync after linking. */
static void proof__dir_of(char *out, size_t out_size, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, out_size, ".");
	else if (slash == path)
		snprintf(out, out_size, "/");
	else
		snprintf(out, out_size, "%.*s", (int)(slash - path), path);
}

/*
 * Creates path with data[0..len), mode 0644, all or nothing, never replacing
 * an existing file. SX_EEXISTS when path exists.
 */
static int proof__write_new(const char *path, const char *data, size_t len, struct sx_error *err)
{
	char tmp[4096], dir[4096];
	int fd = -1, dir_fd;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return sx_error_set(err, SX_EINVALID, "bad_path", "输出文件路径过长");
	fd = mkstemp(tmp);
	if (fd < 0)
		return sx_error_setf(err, errno == EACCES ? SX_EPERM : SX_EIO, "write_failed",
				     "无法在输出文件所在目录创建文件", "mkstemp %s: %s", tmp,
				     strerror(errno));
	if (fchmod(fd, 0644) < 0 || (rc = proof__write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
		rc = sx_error_setf(err, errno == ENOSPC ? SX_ENOSPC : SX_EIO, "write_failed",
				   "写入证明包失败", "%s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = sx_error_setf(err, SX_EIO, "write_failed", "写入证明包失败", "close %s: %s",
				   tmp, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	/* link(2), unlike rename(2), refuses to replace: the no-overwrite check and the
	 * publication are one step. */
	if (link(tmp, path) < 0) {
		rc = errno == EEXIST ? sx_error_set(err, SX_EEXISTS, "file_exists",
						    "输出文件已存在，不会覆盖；请换一个文件名")
				     : sx_error_setf(err, SX_EIO, "write_failed", "写入证明包失败",
						     "link %s -> %s: %s", tmp, path,
						     strerror(errno));
		goto cleanup;
	}
	proof__dir_of(dir, sizeof(dir), path);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd >= 0) {
		(void)fsync(dir_fd);
		close(dir_fd);
	}
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

/* ---- export-proof ---- */

static int proof__parse_size(uint64_t *out, const char *text)
{
	char *end = NULL;
	unsigned long long n;

	if (text[0] < '0' || text[0] > '9')
		return SX_EINVALID;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > (unsigned long long)INT64_MAX)
		return SX_EINVALID;
	*out = n;
	return 0;
}

static void proof__export_usage(void)
{
	printf("用法：sanxiang export-proof --case ID --out FILE [--from-size M]... [--db PATH]\n"
	       "                           [--key-dir DIR]\n\n"
	       "导出案件（或任何对象）的离线证明包：该对象在防篡改日志中的全部事件、每个事件的\n"
	       "包含证明，以及最新的已签名检查点。--from-size M 另附从树大小 M 到该检查点的\n"
	       "一致性证明（核验方持有旧检查点时使用，可重复）。检查点之后的事件只列出序号，\n"
	       "不予证明。\n"
	       "输出文件已存在时拒绝覆盖（退出码 5）。密钥目录默认为 <数据库>.keys。\n"
	       "核验：sanxiang verify FILE --key <公钥>（详见 docs/ledger.md）。\n");
}

/* Prints what the new bundle holds, read back from its bytes. */
static void proof__export_summary(const struct buf *bundle, const char *path)
{
	struct bundle_report r;

	if (bundle_verify(&r, bundle->data, bundle->len, NULL, NULL) == 0) {
		printf("已导出对象 %s 的 %zu 个事件的证明到 %s\n"
		       "检查点：日志 %s，树大小 %llu\n",
		       r.entity, r.leaf_count, path, r.checkpoint.origin,
		       (unsigned long long)r.checkpoint.size);
		if (r.consistency_count > 0)
			printf("附一致性证明 %zu 个\n", r.consistency_count);
		if (r.pending_count > 0)
			printf("另有 %zu 个事件发生在该检查点之后，本包未予证明；稍后可重新导出\n",
			       r.pending_count);
	} else {
		printf("已导出证明包到 %s\n", path);
	}
	bundle_report_free(&r);
}

int cli_export_proof(int argc, char **argv)
{
	struct store *st = NULL;
	struct service svc;
	struct sx_error err;
	const char *db = cli_default_db();
	const char *entity = NULL, *out_path = NULL, *key_dir = NULL;
	uint64_t from[BUNDLE_MAX_CONSISTENCY];
	size_t from_count = 0;
	char dir_buf[4096]; /* the default key folder, "<db>.keys" */
	struct buf bundle;
	struct stat exists;
	bool svc_ready = false;
	int rc;

	if (cli_wants_help(argc, argv)) {
		proof__export_usage();
		return CLI_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		const char *size_text = NULL;
		int got;

		if ((got = cli_flag(&db, argc, argv, &i, "--db")) == 0 &&
		    (got = cli_flag(&entity, argc, argv, &i, "--case")) == 0 &&
		    (got = cli_flag(&out_path, argc, argv, &i, "--out")) == 0 &&
		    (got = cli_flag(&key_dir, argc, argv, &i, "--key-dir")) == 0 &&
		    (got = cli_flag(&size_text, argc, argv, &i, "--from-size")) == 0)
			return cli_usage_error("export-proof", "未知参数：%s", argv[i]);
		if (got < 0)
			return cli_usage_error("export-proof", "%s 需要一个值", argv[i]);
		if (size_text != NULL) {
			if (from_count == BUNDLE_MAX_CONSISTENCY)
				return cli_usage_error("export-proof", "--from-size 最多 %d 个",
						       BUNDLE_MAX_CONSISTENCY);
			if (proof__parse_size(&from[from_count++], size_text) < 0)
				return cli_usage_error("export-proof",
						       "--from-size 须为正整数：%s", size_text);
		}
	}
	if (entity == NULL || entity[0] == '\0')
		return cli_usage_error("export-proof", "缺少 --case ID");
	if (out_path == NULL || out_path[0] == '\0')
		return cli_usage_error("export-proof", "缺少 --out FILE");
	sx_error_clear(&err);
	/* Say so before any work; the final link(2) checks again. */
	if (lstat(out_path, &exists) == 0) {
		sx_error_set(&err, SX_EEXISTS, "file_exists", "输出文件已存在，不会覆盖；请换一个文件名");
		return cli_fail(SX_EEXISTS, &err);
	}
	if (key_dir == NULL) {
		if (service_ledger_default_key_dir(dir_buf, sizeof(dir_buf), db) < 0)
			return cli_usage_error("export-proof", "%s", cli_key_dir_problem(db));
		key_dir = dir_buf;
	}

	buf_init(&bundle, BUNDLE_MAX_BYTES);
	if ((rc = store_open(&st, db, NULL, &err)) < 0)
		goto cleanup;
	service_init(&svc, st);
	if ((rc = service_ledger_open(&svc, key_dir, &err)) < 0)
		goto cleanup;
	svc_ready = true;
	if ((rc = service_ledger_export(&bundle, &svc, entity, from, from_count, &err)) < 0 ||
	    (rc = proof__write_new(out_path, bundle.data, bundle.len, &err)) < 0)
		goto cleanup;
	proof__export_summary(&bundle, out_path);
cleanup:
	if (svc_ready)
		service_ledger_close(&svc);
	if (st)
		store_close(st);
	buf_free(&bundle);
	return rc < 0 ? cli_fail(rc, &err) : CLI_EXIT_OK;
}

/* ---- verify ---- */

struct proof_keys {
	struct note_verifier v[BUNDLE_MAX_VKEYS];
	size_t count;
};

static void proof__keys_free(struct proof_keys *k)
{
	for (size_t i = 0; i < k->count; i++)
		note_verifier_free(&k->v[i]);
	k->count = 0;
}

/*
 * Adds the vkeys of text[0..len), one per line (blank lines and lines
 * starting with '#' skipped). Returns 0 or CLI_EXIT_USAGE (printed).
 */
static int proof__add_key_lines(struct proof_keys *k, const char *text, size_t len,
				const char *source)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t line_len = (size_t)((eol ? eol : end) - p);
		char vkey[NOTE_VKEY_MAX];
		struct note_verifier v;
		bool duplicate = false;
		int rc;

		while (line_len > 0 && (p[line_len - 1] == '\r' || p[line_len - 1] == ' '))
			line_len--;
		if (line_len > 0 && p[0] != '#') {
			if (line_len >= sizeof(vkey))
				return cli_usage_error("verify", "%s 中有过长的公钥行", source);
			memcpy(vkey, p, line_len);
			vkey[line_len] = '\0';
			rc = note_verifier_parse(&v, vkey);
			if (rc == SX_EUNSUPPORTED) {
				fprintf(stderr, "警告：跳过不支持的公钥类型：%s\n", vkey);
			} else if (rc < 0) {
				return cli_usage_error("verify",
						       "--key 的值不是合法的公钥（vkey），"
						       "也不是可读的公钥文件：%s",
						       vkey);
			} else {
				for (size_t i = 0; i < k->count && !duplicate; i++)
					duplicate = k->v[i].key_id == v.key_id &&
						    strcmp(k->v[i].name, v.name) == 0;
				if (duplicate) {
					note_verifier_free(&v);
				} else if (k->count == BUNDLE_MAX_VKEYS) {
					note_verifier_free(&v);
					return cli_usage_error("verify", "可信公钥最多 %d 个",
							       BUNDLE_MAX_VKEYS);
				} else {
					k->v[k->count++] = v;
				}
			}
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

/* A --key value: a file of vkey lines when it names a regular file, else vkey text. */
static int proof__add_key(struct proof_keys *k, const char *value)
{
	struct stat st;
	struct buf file;
	int rc;

	if (stat(value, &st) == 0 && S_ISREG(st.st_mode)) {
		buf_init(&file, PROOF_KEY_FILE_MAX_BYTES);
		rc = proof__read_file(&file, value);
		if (rc == 0)
			rc = proof__add_key_lines(k, file.data ? file.data : "", file.len, value);
		else
			rc = cli_usage_error("verify", "无法读取公钥文件 %s", value);
		buf_free(&file);
		return rc;
	}
	if (strchr(value, '+') == NULL)
		return cli_usage_error("verify", "--key 的值不是公钥（vkey），也不是可读的文件：%s",
				       value);
	return proof__add_key_lines(k, value, strlen(value), "--key");
}

static void proof__verify_usage(void)
{
	printf("用法：sanxiang verify FILE [--key VKEY|KEYFILE]... [--old-checkpoint FILE]\n\n"
	       "离线核验 export-proof 导出的证明包，无需服务器：检查点的签名、每个事件的包含证明、\n"
	       "事件内容的规范形式与所属对象；给出旧检查点时，另核验日志自那时以来只增不改（无分叉）。\n"
	       "--key 为日志公钥（/ledger/keys 的一行，或含若干行的文件），可重复；\n"
	       "未给出时仅用证明包自带的公钥，只能说明证明包内部一致，不能证明签名者身份。\n"
	       "退出码：0 全部核验通过；1 核验未通过（说明哪一项、哪个事件）；2 用法错误。\n");
}

static const char *proof__alg_label(enum crypto_sign_alg alg)
{
	return alg == CRYPTO_SIGN_SM2 ? "SM2" : alg == CRYPTO_SIGN_ED25519 ? "Ed25519" : "?";
}

static void proof__print_report(const struct bundle_report *r, const char *path)
{
	char root[64] = "";

	codec_base64_encode(root, sizeof(root), r->checkpoint.root, CHECKPOINT_ROOT_BYTES);
	printf("证明包 %s 核验通过。\n", path);
	printf("  日志：%s（哈希 %s）\n", r->checkpoint.origin, crypto_hash_name(r->alg));
	printf("  对象：%s\n", r->entity);
	printf("  检查点：树大小 %llu，树根 %s\n", (unsigned long long)r->checkpoint.size, root);
	printf("  签名公钥：");
	for (size_t i = 0; i < r->signer_count; i++)
		printf("%s%s+%08x（%s）", i ? "，" : "", r->signers[i].name,
		       (unsigned)r->signers[i].key_id, proof__alg_label(r->signers[i].alg));
	printf("%s\n", r->keys_from_bundle ? "［取自证明包，未经独立确认］" : "");
	printf("  已核验 %zu 个事件均包含于树大小为 %llu 的检查点：\n", r->leaf_count,
	       (unsigned long long)r->checkpoint.size);
	for (size_t i = 0; i < r->leaf_count; i++) {
		const struct bundle_leaf_info *l = &r->leaves[i];
		char shown[SX_TIME_DISPLAY_LEN];
		int64_t us = 0;
		bool parsed = sx_time_parse_utc(&us, l->at, strlen(l->at)) == 0;

		if (parsed)
			sx_time_format_shanghai(shown, us);
		printf("    序号 %-8llu %-24s %s\n", (unsigned long long)l->index, l->kind,
		       parsed ? shown : l->at);
	}
	for (size_t i = 0; i < r->consistency_count; i++) {
		char from_root[64] = "";

		codec_base64_encode(from_root, sizeof(from_root), r->consistency[i].from_root.bytes,
				    MERKLE_HASH_BYTES);
		printf("  一致性：树大小 %llu（树根 %s）→ %llu 成立\n",
		       (unsigned long long)r->consistency[i].from, from_root,
		       (unsigned long long)r->checkpoint.size);
	}
	if (r->old_checked)
		printf("  旧检查点（树大小 %llu）与本检查点一致：日志只增未改，未发现分叉。\n",
		       (unsigned long long)r->old_size);
	if (r->pending_count > 0)
		printf("  另有 %zu 个事件发生在该检查点之后，本包未予证明。\n", r->pending_count);
	printf("  注意：证明包证明所列事件在日志中，不能证明该对象没有其他事件（见 docs/ledger.md）。\n");
	if (r->keys_from_bundle)
		fprintf(stderr,
			"警告：未提供可信公钥（--key），只使用了证明包自带的公钥。这只说明证明包内部一致，\n"
			"      不能证明检查点确由该日志签署。请从可信渠道取得日志公钥（如 /ledger/keys\n"
			"      或机关公布的公钥），用 --key 再次核验。\n");
}

int cli_verify(int argc, char **argv)
{
	struct proof_keys keys;
	struct bundle_verify_options opt;
	struct bundle_report report;
	struct sx_error err;
	const char *path = NULL, *old_path = NULL;
	struct buf bundle, old;
	int rc = CLI_EXIT_OK;

	if (cli_wants_help(argc, argv)) {
		proof__verify_usage();
		return CLI_EXIT_OK;
	}
	memset(&keys, 0, sizeof(keys));
	memset(&report, 0, sizeof(report));
	buf_init(&bundle, BUNDLE_MAX_BYTES);
	buf_init(&old, NOTE_MAX_BYTES);
	for (int i = 1; i < argc; i++) {
		const char *key = NULL;
		int got;

		if ((got = cli_flag(&key, argc, argv, &i, "--key")) == 0 &&
		    (got = cli_flag(&old_path, argc, argv, &i, "--old-checkpoint")) == 0) {
			if (argv[i][0] == '-' && argv[i][1] != '\0') {
				rc = cli_usage_error("verify", "未知参数：%s", argv[i]);
				goto cleanup;
			}
			if (path != NULL) {
				rc = cli_usage_error("verify", "只能核验一个证明包：%s", argv[i]);
				goto cleanup;
			}
			path = argv[i];
			continue;
		}
		if (got < 0) {
			rc = cli_usage_error("verify", "%s 需要一个值", argv[i]);
			goto cleanup;
		}
		if (key != NULL && (rc = proof__add_key(&keys, key)) != 0)
			goto cleanup;
	}
	if (path == NULL) {
		rc = cli_usage_error("verify", "缺少证明包文件 FILE");
		goto cleanup;
	}
	if (old_path != NULL && (rc = proof__read_file(&old, old_path)) < 0) {
		fprintf(stderr, "核验失败[unreadable]：无法读取旧检查点 %s（%s）\n", old_path,
			rc == SX_ENOTFOUND ? "文件不存在" : rc == SX_ETOOBIG ? "文件过大" : "读取失败");
		rc = CLI_EXIT_FAILURE;
		goto cleanup;
	}
	memset(&opt, 0, sizeof(opt));
	opt.trusted = keys.v;
	opt.trusted_count = keys.count;
	opt.old_checkpoint = old_path ? (old.data ? old.data : "") : NULL;
	opt.old_checkpoint_len = old.len;
	/* A case archive (export-case) is a ZIP holding a bundle: checked with the same keys. */
	if (service_case_archive_is_zip(path)) {
		rc = cli_verify_archive(path, &opt);
		goto cleanup;
	}
	if ((rc = proof__read_file(&bundle, path)) < 0) {
		fprintf(stderr, "核验失败[unreadable]：无法读取证明包 %s（%s）\n", path,
			rc == SX_ENOTFOUND ? "文件不存在" : rc == SX_ETOOBIG ? "文件过大" : "读取失败");
		rc = CLI_EXIT_FAILURE;
		goto cleanup;
	}
	sx_error_clear(&err);
	if (bundle_verify(&report, bundle.data, bundle.len, &opt, &err) < 0) {
		fprintf(stderr, "核验失败[%s]：%s\n", err.code, err.message);
		if (report.checkpoint_verified)
			fprintf(stderr, "（检查点：日志 %s，树大小 %llu；此前已核验 %zu 个事件）\n",
				report.checkpoint.origin,
				(unsigned long long)report.checkpoint.size, report.leaf_count);
		rc = CLI_EXIT_FAILURE;
		goto cleanup;
	}
	proof__print_report(&report, path);
	rc = CLI_EXIT_OK;
cleanup:
	bundle_report_free(&report);
	proof__keys_free(&keys);
	buf_free(&bundle);
	buf_free(&old);
	return rc;
}
