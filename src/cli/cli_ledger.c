/*
 * cli/cli_ledger — `sanxiang ledger root [--hash sha256|sm3]`: reads one
 * hex-encoded leaf per line on standard input and prints the RFC 6962 Merkle
 * tree hash of those leaves in hex, so that an auditor can recompute a tree
 * from leaves they hold, independently of the server. An empty input gives
 * the empty tree's hash, H("").
 *
 * It keeps only the O(log n) right edge of the tree in memory (the stored
 * hashes of complete subtrees on the current frontier), so any number of
 * leaves can be piped through.
 */
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"

#define LEDGER_LINE_MAX (2u * 65536 + 4)

/* Complete subtrees on the right edge: level -> hash, present when the bit of
 * that level is set in the leaf count. */
struct ledger_frontier {
	struct merkle_hash at[64];
	uint64_t count;
};

static int ledger__push(struct ledger_frontier *f, enum crypto_hash_alg alg,
			const struct merkle_hash *leaf)
{
	struct merkle_hash carry = *leaf;
	int level = 0;
	int rc;

	/* Like binary addition: merge with the stored subtree of each set bit. */
	while (f->count & ((uint64_t)1 << level)) {
		if ((rc = merkle_node_hash(&carry, alg, &f->at[level], &carry)) < 0)
			return rc;
		level++;
	}
	f->at[level] = carry;
	f->count++;
	return 0;
}

/* MTH: fold the frontier from the smallest subtree up (RFC 6962 §2.1: the
 * right part of an unbalanced tree is the smaller one). */
static int ledger__root(struct merkle_hash *out, const struct ledger_frontier *f,
			enum crypto_hash_alg alg)
{
	bool have = false;
	int rc;

	if (f->count == 0)
		return merkle_empty_root(out, alg);
	for (int level = 0; level < 64; level++) {
		if (!(f->count & ((uint64_t)1 << level)))
			continue;
		if (!have) {
			*out = f->at[level];
			have = true;
		} else if ((rc = merkle_node_hash(out, alg, &f->at[level], out)) < 0) {
			return rc;
		}
	}
	return 0;
}

static int ledger__root_command(int argc, char **argv)
{
	struct ledger_frontier frontier;
	enum crypto_hash_alg alg = CRYPTO_HASH_SHA256;
	struct merkle_hash root;
	char *line = NULL;
	unsigned char *leaf = NULL;
	char hex[2 * MERKLE_HASH_BYTES + 1];
	uint64_t line_no = 0;
	int rc = CLI_EXIT_OK;

	for (int i = 2; i < argc; i++) {
		const char *value = NULL;
		int got = cli_flag(&value, argc, argv, &i, "--hash");

		if (got <= 0)
			return cli_usage_error("ledger", got < 0 ? "--hash 需要一个值" : "未知参数：%s",
					       argv[i]);
		if (crypto_hash_from_name(&alg, value) < 0)
			return cli_usage_error("ledger", "--hash 须为 sha256 或 sm3");
	}
	memset(&frontier, 0, sizeof(frontier));
	line = sx_malloc(LEDGER_LINE_MAX);
	leaf = sx_malloc(LEDGER_LINE_MAX / 2);
	if (line == NULL || leaf == NULL) {
		rc = cli_fail(SX_ENOMEM, NULL);
		goto cleanup;
	}
	while (fgets(line, (int)LEDGER_LINE_MAX, stdin) != NULL) {
		size_t len = strlen(line);
		size_t n = 0;
		struct merkle_hash h;

		line_no++;
		if (len == LEDGER_LINE_MAX - 1 && line[len - 1] != '\n') {
			fprintf(stderr, "错误[line_too_long]：第 %llu 行超过 65535 字节的条目上限\n",
				(unsigned long long)line_no);
			rc = CLI_EXIT_INVALID;
			goto cleanup;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (codec_hex_decode(leaf, LEDGER_LINE_MAX / 2, &n, line, len) < 0) {
			fprintf(stderr, "错误[bad_hex]：第 %llu 行不是十六进制编码的条目\n",
				(unsigned long long)line_no);
			rc = CLI_EXIT_INVALID;
			goto cleanup;
		}
		if (merkle_leaf_hash(&h, alg, leaf, n) < 0 || ledger__push(&frontier, alg, &h) < 0) {
			rc = cli_fail(SX_EINTERNAL, NULL);
			goto cleanup;
		}
	}
	if (ledger__root(&root, &frontier, alg) < 0 ||
	    codec_hex_encode(hex, sizeof(hex), root.bytes, MERKLE_HASH_BYTES) < 0) {
		rc = cli_fail(SX_EINTERNAL, NULL);
		goto cleanup;
	}
	printf("%s\n", hex);
cleanup:
	sx_free(line);
	sx_free(leaf);
	return rc;
}

int cli_ledger(int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		printf("用法：sanxiang ledger root [--hash sha256|sm3]\n\n"
		       "从标准输入逐行读取十六进制编码的日志条目，输出 RFC 6962 默克尔树根（十六进制）。\n"
		       "无输入时输出空树的哈希。\n");
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "root") == 0)
		return ledger__root_command(argc, argv);
	return cli_usage_error("ledger", "未知的 ledger 子命令：%s", argv[1]);
}
