/*
 * cli/cli_migrate_store — `sanxiang migrate-store --from SRC --to DST [--batch N]`:
 * moves a whole installation between backends (SQLite ⇄ PostgreSQL) and
 * proves the copy (docs/postgresql.md "Moving an installation between backends").
 *
 * Steps: open SRC (at this binary's schema version); create the schema on DST
 * with store_create, which refuses a database that already has tables; copy
 * with store_copy (N rows per write transaction, default 1000); then verify
 * on both sides, each in one read transaction: row counts per table, the
 * ledger's hash, size and root (merkle_root over the stored subtree hashes,
 * as service_ledger_publish computes it) and the latest signed checkpoint.
 * Exit 0 only when all of it is equal.
 *
 * What it does not do: signing keys are files beside the database, not rows,
 * so they are not copied — the command prints where they are. It never
 * empties or drops DST: after a failure the operator does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"
#include "service/ledger.h"
#include "store/store.h"

#define MIGRATE_STORE_DEFAULT_BATCH 1000
#define MIGRATE_STORE_MAX_BATCH 1000000

/* One side's answer to the questions verification asks. */
struct migrate_store_facts {
	int64_t rows[64]; /* per table of store_copy_table_name */
	bool has_ledger;  /* ledger_meta set */
	struct store_ledger_meta meta;
	uint64_t size;           /* leaves */
	struct merkle_hash root; /* MTH over the stored hashes */
	bool has_checkpoint;
	struct store_ledger_checkpoint checkpoint; /* note owned: store_ledger_checkpoint_clear */
};

static void migrate_store__progress(const char *table, int64_t rows, bool table_done, void *ctx)
{
	(void)ctx;
	if (table_done)
		printf("  %-20s %" PRId64 " 行\n", table, rows);
	else
		printf("  %-20s %" PRId64 " 行……\n", table, rows);
	fflush(stdout);
}

static int migrate_store__read_hash(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	return store_ledger_hash_get(out->bytes, ctx, level, index, NULL);
}

static int migrate_store__facts(struct migrate_store_facts *out, struct store *st,
                                struct sx_error *err)
{
	struct store_tx *tx = NULL;
	enum crypto_hash_alg alg;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, st, STORE_TX_READ, err)) < 0)
		return rc;
	for (size_t i = 0; i < store_copy_table_count() && i < 64; i++) {
		if ((rc = store_table_row_count(&out->rows[i], tx, store_copy_table_name(i), err)) <
		    0)
			goto cleanup;
	}
	rc = store_ledger_meta_get(&out->meta, tx, err);
	if (rc == SX_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	out->has_ledger = true;
	if ((rc = crypto_hash_from_name(&alg, out->meta.hash_name)) < 0) {
		rc = sx_error_setf(err, SX_ECORRUPT, "ledger_hash_unknown",
		                   "防篡改日志的哈希算法未知", "hash %s", out->meta.hash_name);
		goto cleanup;
	}
	if ((rc = store_ledger_size(&out->size, tx, err)) < 0)
		goto cleanup;
	if ((rc = merkle_root(&out->root, alg, out->size, migrate_store__read_hash, tx)) < 0) {
		rc = sx_error_setf(err, rc, "ledger_root_failed", "无法由存储的哈希计算日志树根",
		                   "size %" PRIu64, out->size);
		goto cleanup;
	}
	rc = store_ledger_checkpoint_latest(&out->checkpoint, tx, err);
	if (rc == SX_ENOTFOUND) {
		rc = 0;
	} else if (rc == 0) {
		out->has_checkpoint = true;
	}
cleanup:
	store_rollback(tx);
	return rc;
}

static void migrate_store__hex(char out[2 * MERKLE_HASH_BYTES + 1], const unsigned char *bytes)
{
	for (size_t i = 0; i < MERKLE_HASH_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

/* Prints the comparison; true when both sides agree on everything. */
static bool migrate_store__compare(const struct migrate_store_facts *a,
                                   const struct migrate_store_facts *b)
{
	char hex_a[2 * MERKLE_HASH_BYTES + 1];
	char hex_b[2 * MERKLE_HASH_BYTES + 1];
	bool ok = true;

	printf("核验：\n");
	for (size_t i = 0; i < store_copy_table_count() && i < 64; i++) {
		bool same = a->rows[i] == b->rows[i];

		printf("  %-20s 源 %" PRId64 " 行，目标 %" PRId64 " 行  %s\n",
		       store_copy_table_name(i), a->rows[i], b->rows[i], same ? "一致" : "不一致");
		ok = ok && same;
	}
	if (a->has_ledger != b->has_ledger) {
		printf("  防篡改日志：一方未初始化  不一致\n");
		return false;
	}
	if (!a->has_ledger) {
		printf("  防篡改日志：两侧均未初始化\n");
		return ok;
	}
	migrate_store__hex(hex_a, a->root.bytes);
	migrate_store__hex(hex_b, b->root.bytes);
	if (strcmp(a->meta.hash_name, b->meta.hash_name) != 0 ||
	    strcmp(a->meta.origin, b->meta.origin) != 0 || a->size != b->size ||
	    strcmp(hex_a, hex_b) != 0) {
		printf("  防篡改日志：源 %" PRIu64 " 条 %s，目标 %" PRIu64 " 条 %s  不一致\n",
		       a->size, hex_a, b->size, hex_b);
		ok = false;
	} else {
		printf("  防篡改日志：%s，%" PRIu64 " 条，树根 %s  一致\n", a->meta.hash_name,
		       a->size, hex_a);
	}
	if (a->has_checkpoint != b->has_checkpoint ||
	    (a->has_checkpoint &&
	     (a->checkpoint.size != b->checkpoint.size ||
	      a->checkpoint.note_len != b->checkpoint.note_len ||
	      memcmp(a->checkpoint.note, b->checkpoint.note, a->checkpoint.note_len) != 0))) {
		printf("  最新签名检查点  不一致\n");
		ok = false;
	} else if (a->has_checkpoint) {
		printf("  最新签名检查点：%" PRIu64 " 条  一致\n", a->checkpoint.size);
	} else {
		printf("  最新签名检查点：两侧均无\n");
	}
	return ok;
}

static void migrate_store__print_keys(const char *from, const char *to)
{
	char dir[4096];

	if (service_ledger_default_key_dir(dir, sizeof(dir), from) == 0)
		printf("签名密钥不在数据库中，未复制：源的默认密钥目录为 %s", dir);
	else
		printf("签名密钥不在数据库中，未复制：源使用 --key-dir 指定的密钥目录");
	if (service_ledger_default_key_dir(dir, sizeof(dir), to) == 0)
		printf("；请将其复制为 %s（保持权限 0600）。\n", dir);
	else
		printf("；目标是 PostgreSQL，请将其复制到服务器上，并以 serve --key-dir 指定。\n");
}

int cli_migrate_store(int argc, char **argv)
{
	struct migrate_store_facts src_facts;
	struct migrate_store_facts dst_facts;
	struct store *src = NULL;
	struct store *dst = NULL;
	struct sx_error err;
	const char *from = NULL;
	const char *to = NULL;
	const char *batch_text = NULL;
	long batch = MIGRATE_STORE_DEFAULT_BATCH;
	bool created = false;
	int rc;

	memset(&src_facts, 0, sizeof(src_facts));
	memset(&dst_facts, 0, sizeof(dst_facts));
	if (cli_wants_help(argc, argv)) {
		printf("用法：sanxiang migrate-store --from 源数据库 --to 目标数据库 [--batch "
		       "N]\n\n"
		       "将整套数据（全部数据表）从一个数据库复制到另一个，可在 SQLite 与 "
		       "PostgreSQL 之间迁移。\n"
		       "目标必须为空（没有任何表）：本命令先在目标上执行全部迁移，再按依赖顺序逐表"
		       "复制，\n"
		       "每 N 行（默认 "
		       "1000）一个写事务；最后核验两侧各表行数、防篡改日志树根与最新签名检查点，\n"
		       "全部一致才以退出码 0 结束。签名密钥不在数据库中，须另行复制密钥目录。\n"
		       "失败后目标中可能留有部分数据：请清空目标后重试。\n");
		return CLI_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		int got;

		if ((got = cli_flag(&from, argc, argv, &i, "--from")) == 0 &&
		    (got = cli_flag(&to, argc, argv, &i, "--to")) == 0 &&
		    (got = cli_flag(&batch_text, argc, argv, &i, "--batch")) == 0)
			return cli_usage_error("migrate-store", "未知参数：%s", argv[i]);
		if (got < 0)
			return cli_usage_error("migrate-store", "%s 需要一个值", argv[i]);
	}
	if (from == NULL || to == NULL)
		return cli_usage_error("migrate-store", "须同时指定 --from 与 --to");
	if (strcmp(from, to) == 0)
		return cli_usage_error("migrate-store", "--from 与 --to 不能是同一个数据库");
	if (batch_text != NULL) {
		char *end = NULL;

		batch = strtol(batch_text, &end, 10);
		if (end == batch_text || *end != '\0' || batch < 1 ||
		    batch > MIGRATE_STORE_MAX_BATCH)
			return cli_usage_error("migrate-store", "--batch 须为 1 到 %d 之间的整数",
			                       MIGRATE_STORE_MAX_BATCH);
	}
	sx_error_clear(&err);
	if ((rc = store_open(&src, from, NULL, &err)) < 0)
		goto cleanup;
	rc = store_create(to, &err);
	if (rc == SX_EEXISTS) {
		fprintf(stderr,
		        "错误[destination_not_empty]：目标数据库 %s 已有数据表；"
		        "migrate-store 只写入空数据库\n",
		        to);
		rc = CLI_EXIT_EXISTS;
		goto done;
	}
	if (rc < 0)
		goto cleanup;
	created = true;
	if ((rc = store_open(&dst, to, NULL, &err)) < 0)
		goto cleanup;
	printf("已在 %s 上建立架构（版本 %d），开始复制：\n", to, store_binary_schema_version());
	if ((rc = store_copy(dst, src, (size_t)batch, migrate_store__progress, NULL, &err)) < 0)
		goto cleanup;
	if ((rc = migrate_store__facts(&src_facts, src, &err)) < 0 ||
	    (rc = migrate_store__facts(&dst_facts, dst, &err)) < 0)
		goto cleanup;
	if (!migrate_store__compare(&src_facts, &dst_facts)) {
		fprintf(stderr,
		        "错误[verification_failed]：核验未通过；请清空目标数据库 %s 后重试\n", to);
		rc = CLI_EXIT_FAILURE;
		goto done;
	}
	printf("核验通过。\n");
	migrate_store__print_keys(from, to);
	rc = CLI_EXIT_OK;
	goto done;
cleanup:
	if (created)
		fprintf(stderr,
		        "迁移未完成：目标数据库 %s 中可能留有部分数据，请清空后重试"
		        "（SQLite 删除该文件；PostgreSQL 例如 DROP SCHEMA public CASCADE; "
		        "CREATE SCHEMA public;）\n",
		        to);
	rc = cli_fail(rc, &err);
done:
	store_ledger_checkpoint_clear(&src_facts.checkpoint);
	store_ledger_checkpoint_clear(&dst_facts.checkpoint);
	store_close(dst);
	store_close(src);
	return rc;
}
