/*
 * Unit tests for ledger/merkle: RFC 6962 hashing, tree heads and proofs.
 *
 * Known answers come from the Certificate Transparency reference tree
 * (google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc:
 * kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs; the same vectors appear
 * in transparency-dev/merkle and certificate-transparency-go). That file counts
 * leaves from 1; the tables below use 0-based indices.
 *
 * Everything else is checked against an oracle written here from the
 * definitions of RFC 6962 §2.1 / RFC 9162 §2.1 (recursive MTH, PATH and
 * SUBPROOF over an array of leaf hashes, hashing with crypto_hash2 directly),
 * for every size up to 64, every index and every pair of sizes, and proofs are
 * tampered with to show that verification notices. The store behind the reader
 * is an in-memory table filled by merkle_stored_for_append; it refuses to read
 * past the tree size a call is about, so proofs provably depend only on their
 * own tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ----------------------------------------------------------------------------- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	fail_msg("bad hex digit %c", c);
	return -1;
}

/* Decodes hex into out and returns the byte count. */
static size_t from_hex(unsigned char *out, size_t out_size, const char *hex)
{
	size_t len = strlen(hex);

	assert_true(len % 2 == 0 && len / 2 <= out_size);
	for (size_t i = 0; i < len / 2; i++)
		out[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
	return len / 2;
}

static struct merkle_hash hash_from_hex(const char *hex)
{
	struct merkle_hash h;

	assert_int_equal(strlen(hex), 2 * MERKLE_HASH_BYTES);
	from_hex(h.bytes, sizeof(h.bytes), hex);
	return h;
}

static void assert_hash_equal(const struct merkle_hash *a, const struct merkle_hash *b)
{
	assert_memory_equal(a->bytes, b->bytes, MERKLE_HASH_BYTES);
}

static void assert_hash_hex(const struct merkle_hash *h, const char *hex)
{
	struct merkle_hash want = hash_from_hex(hex);

	assert_hash_equal(h, &want);
}

/* Verification must refuse: either as a mismatch or as malformed, never succeed or crash. */
static void assert_rejected(int rc)
{
	if (rc != SX_ECORRUPT && rc != SX_EINVALID)
		fail_msg("verification returned %d, want SX_ECORRUPT or SX_EINVALID", rc);
}

static int count_ones(uint64_t x)
{
	int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

static int trailing_ones(uint64_t x)
{
	int n = 0;

	for (; x & 1; x >>= 1)
		n++;
	return n;
}

/* ---- oracle: RFC 6962 §2.1 / RFC 9162 §2.1 written out recursively ------------------------ */

static void oracle_leaf(struct merkle_hash *out, enum crypto_hash_alg alg, const void *data,
			size_t len)
{
	assert_int_equal(crypto_hash2(alg, out->bytes, 0x00, data, len, NULL, 0), 0);
}

static void oracle_node(struct merkle_hash *out, enum crypto_hash_alg alg,
			const struct merkle_hash *left, const struct merkle_hash *right)
{
	struct merkle_hash l = *left, r = *right;

	assert_int_equal(crypto_hash2(alg, out->bytes, 0x01, l.bytes, sizeof(l.bytes), r.bytes,
				      sizeof(r.bytes)),
			 0);
}

/* The largest power of two smaller than n (n >= 2), found the slow way. */
static uint64_t oracle_split(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k *= 2;
	return k;
}

static void oracle_mth(struct merkle_hash *out, enum crypto_hash_alg alg,
		       const struct merkle_hash *leaves, uint64_t n)
{
	struct merkle_hash left, right;
	uint64_t k;

	if (n == 0) {
		assert_int_equal(crypto_hash(alg, out->bytes, NULL, 0), 0);
		return;
	}
	if (n == 1) {
		*out = leaves[0];
		return;
	}
	k = oracle_split(n);
	oracle_mth(&left, alg, leaves, k);
	oracle_mth(&right, alg, leaves + k, n - k);
	oracle_node(out, alg, &left, &right);
}

static void oracle_push(struct merkle_hash *out, size_t *count, const struct merkle_hash *h)
{
	assert_true(*count < MERKLE_MAX_PROOF);
	out[(*count)++] = *h;
}

/* PATH(m, D[n]) of RFC 9162 §2.1.3.1. */
static void oracle_path(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			uint64_t m, const struct merkle_hash *leaves, uint64_t n)
{
	struct merkle_hash h;
	uint64_t k;

	if (n == 1)
		return;
	k = oracle_split(n);
	if (m < k) {
		oracle_path(out, count, alg, m, leaves, k);
		oracle_mth(&h, alg, leaves + k, n - k);
	} else {
		oracle_path(out, count, alg, m - k, leaves + k, n - k);
		oracle_mth(&h, alg, leaves, k);
	}
	oracle_push(out, count, &h);
}

/* SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1. */
static void oracle_subproof(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			    uint64_t m, const struct merkle_hash *leaves, uint64_t n, bool b)
{
	struct merkle_hash h;
	uint64_t k;

	if (m == n) {
		if (!b) {
			oracle_mth(&h, alg, leaves, n);
			oracle_push(out, count, &h);
		}
		return;
	}
	k = oracle_split(n);
	if (m <= k) {
		oracle_subproof(out, count, alg, m, leaves, k, b);
		oracle_mth(&h, alg, leaves + k, n - k);
	} else {
		oracle_subproof(out, count, alg, m - k, leaves + k, n - k, false);
		oracle_mth(&h, alg, leaves, k);
	}
	oracle_push(out, count, &h);
}

/* ---- the store: complete-subtree hashes in memory ---------------------------------------- */

#define LOG_MAX_LEAVES 128u
#define LOG_LEVELS 8 /* log2(LOG_MAX_LEAVES) + 1 */

struct test_log {
	enum crypto_hash_alg alg;
	uint64_t size;                                         /* leaves appended */
	struct merkle_hash hashes[LOG_LEVELS][LOG_MAX_LEAVES]; /* [level][index] */
	bool is_stored[LOG_LEVELS][LOG_MAX_LEAVES];
	struct merkle_hash leaves[LOG_MAX_LEAVES]; /* leaf hashes, for the oracle */
	uint64_t read_limit; /* reads of subtrees ending past this leaf count fail the test */
	size_t reads;        /* reader calls so far */
	int fail_with;       /* when nonzero, the reader returns it */
};

static int log_read(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	struct test_log *log = ctx;

	log->reads++;
	if (log->fail_with != 0)
		return log->fail_with;
	if (level < 0 || level >= LOG_LEVELS || index >= LOG_MAX_LEAVES >> level)
		return SX_ENOTFOUND;
	if ((index + 1) << level > log->read_limit)
		fail_msg("read of (%d, %llu) looks past size %llu", level,
			 (unsigned long long)index, (unsigned long long)log->read_limit);
	if (!log->is_stored[level][index])
		return SX_ENOTFOUND;
	*out = log->hashes[level][index];
	return 0;
}

static struct test_log *log_new(enum crypto_hash_alg alg)
{
	struct test_log *log = sx_calloc(1, sizeof(*log));

	assert_non_null(log);
	log->alg = alg;
	log->read_limit = UINT64_MAX;
	return log;
}

/* Appends a leaf as the ledger will: leaf hash, then the subtrees it completes, write-once. */
static void log_append(struct test_log *log, const void *data, size_t len)
{
	struct merkle_stored stored[MERKLE_MAX_STORED];
	struct merkle_hash leaf;
	size_t count = 99;
	uint64_t n = log->size;

	assert_true(n < LOG_MAX_LEAVES);
	assert_int_equal(merkle_leaf_hash(&leaf, log->alg, data, len), 0);
	log->read_limit = n; /* appending leaf n may only look at leaves before it */
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count, log->alg, n,
						  &leaf, log_read, log),
			 0);
	log->read_limit = UINT64_MAX;
	assert_int_equal(count, 1 + (size_t)trailing_ones(n));
	for (size_t i = 0; i < count; i++) {
		int level = stored[i].level;
		uint64_t index = stored[i].index;

		assert_int_equal(level, (int)i);
		assert_true(index == n >> level);
		assert_false(log->is_stored[level][index]);
		log->hashes[level][index] = stored[i].hash;
		log->is_stored[level][index] = true;
	}
	log->leaves[n] = leaf;
	log->size = n + 1;
}

/* Leaf i of the generated logs: distinct, of varying length. */
static size_t test_leaf_data(char *out, size_t out_size, uint64_t i)
{
	int n = snprintf(out, out_size, "event %llu%.*s", (unsigned long long)i, (int)(i % 7),
			 "......");

	assert_true(n > 0 && (size_t)n < out_size);
	return (size_t)n;
}

static struct test_log *log_with_leaves(enum crypto_hash_alg alg, uint64_t count)
{
	struct test_log *log = log_new(alg);
	char data[64];

	for (uint64_t i = 0; i < count; i++) {
		size_t len = test_leaf_data(data, sizeof(data), i);

		log_append(log, data, len);
	}
	return log;
}

/* ---- Certificate Transparency known answers ----------------------------------------------- */

/* kInputs: leaf data of the reference tree, hex. */
static const char *const ct_inputs[8] = {
	"",
	"00",
	"10",
	"2021",
	"3031",
	"40414243",
	"5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

/* kSHA256Roots: tree heads for sizes 1..8 (index size - 1). */
static const char *const ct_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

#define SHA256_EMPTY_HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* SM3(""): `printf '' | openssl dgst -sm3` (OpenSSL 3.0), as in test_crypto_hash.c. */
#define SM3_EMPTY_HEX "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
/* SM3("abc"): GB/T 32905-2016 appendix A.1. */
#define SM3_ABC_HEX "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

struct ct_proof {
	uint64_t a;    /* leaf index (inclusion) or old size (consistency) */
	uint64_t size; /* tree size (inclusion) or new size (consistency) */
	size_t count;
	const char *hex[3];
};

/* clang-format off */
/* kSHA256Paths (leaf numbers made 0-based). */
static const struct ct_proof ct_inclusion[] = {
	{0, 1, 0, {NULL}},
	{0, 8, 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{5, 8, 3,
	 {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{1, 5, 3,
	 {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

/* kSHA256Proofs. */
static const struct ct_proof ct_consistency[] = {
	{1, 1, 0, {NULL}},
	{1, 8, 3,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{6, 8, 3,
	 {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{2, 5, 2,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

/* clang-format on */

static struct test_log *ct_log(void)
{
	struct test_log *log = log_new(CRYPTO_HASH_SHA256);

	for (size_t i = 0; i < ARRAY_LEN(ct_inputs); i++) {
		unsigned char data[16];
		size_t len = from_hex(data, sizeof(data), ct_inputs[i]);

		log_append(log, data, len);
	}
	return log;
}

static void test_empty_root_is_the_hash_of_the_empty_string(void **state)
{
	struct merkle_hash h;
	struct test_log *log = log_new(CRYPTO_HASH_SHA256);

	(void)state;
	assert_int_equal(merkle_empty_root(&h, CRYPTO_HASH_SHA256), 0);
	assert_hash_hex(&h, SHA256_EMPTY_HEX);
	assert_int_equal(merkle_empty_root(&h, CRYPTO_HASH_SM3), 0);
	assert_hash_hex(&h, SM3_EMPTY_HEX);

	/* A tree of no leaves has that head, and computing it reads nothing. */
	memset(&h, 0, sizeof(h));
	assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 0, log_read, log), 0);
	assert_hash_hex(&h, SHA256_EMPTY_HEX);
	assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 0, NULL, NULL), 0);
	assert_hash_hex(&h, SHA256_EMPTY_HEX);
	assert_int_equal(log->reads, 0);
	sx_free(log);
}

static void test_leaf_and_node_hashes_use_the_rfc6962_prefixes(void **state)
{
	struct merkle_hash leaf0, leaf1, node, swapped;
	unsigned char zero = 0x00;

	(void)state;
	/* The head of size 1 is the leaf hash of the empty leaf; of size 2, the node over two. */
	assert_int_equal(merkle_leaf_hash(&leaf0, CRYPTO_HASH_SHA256, NULL, 0), 0);
	assert_hash_hex(&leaf0, ct_roots[0]);
	assert_int_equal(merkle_leaf_hash(&leaf1, CRYPTO_HASH_SHA256, &zero, 1), 0);
	assert_int_equal(merkle_node_hash(&node, CRYPTO_HASH_SHA256, &leaf0, &leaf1), 0);
	assert_hash_hex(&node, ct_roots[1]);

	/* Order matters. */
	assert_int_equal(merkle_node_hash(&swapped, CRYPTO_HASH_SHA256, &leaf1, &leaf0), 0);
	assert_false(merkle_hash_equal(&swapped, &node));

	/* out may alias either input. */
	assert_int_equal(merkle_node_hash(&leaf0, CRYPTO_HASH_SHA256, &leaf0, &leaf1), 0);
	assert_hash_equal(&leaf0, &node);
	assert_int_equal(merkle_leaf_hash(&leaf0, CRYPTO_HASH_SHA256, NULL, 0), 0);
	assert_int_equal(merkle_node_hash(&leaf1, CRYPTO_HASH_SHA256, &leaf0, &leaf1), 0);
	assert_hash_equal(&leaf1, &node);

	assert_true(merkle_hash_equal(&node, &node));
	assert_false(merkle_hash_equal(&node, NULL));
	assert_false(merkle_hash_equal(NULL, &node));
}

static void test_sm3_profile_hashes_leaves_and_nodes_with_sm3(void **state)
{
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	unsigned char message[1 + 2 * MERKLE_HASH_BYTES];
	struct merkle_hash leaf, other, node, sha_leaf, want;
	struct merkle_hash sha_root;

	(void)state;
	/* The profile really is SM3 (GB/T 32905-2016 A.1). */
	assert_int_equal(crypto_hash(CRYPTO_HASH_SM3, digest, "abc", 3), 0);
	memcpy(want.bytes, digest, MERKLE_HASH_BYTES);
	assert_hash_hex(&want, SM3_ABC_HEX);

	/* Leaf: SM3(0x00 || "abc"), with the message put together by hand. */
	message[0] = 0x00;
	memcpy(message + 1, "abc", 3);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SM3, want.bytes, message, 4), 0);
	assert_int_equal(merkle_leaf_hash(&leaf, CRYPTO_HASH_SM3, "abc", 3), 0);
	assert_hash_equal(&leaf, &want);
	assert_int_equal(merkle_leaf_hash(&sha_leaf, CRYPTO_HASH_SHA256, "abc", 3), 0);
	assert_false(merkle_hash_equal(&leaf, &sha_leaf));

	/* Node: SM3(0x01 || left || right). */
	assert_int_equal(merkle_leaf_hash(&other, CRYPTO_HASH_SM3, "def", 3), 0);
	message[0] = 0x01;
	memcpy(message + 1, leaf.bytes, MERKLE_HASH_BYTES);
	memcpy(message + 1 + MERKLE_HASH_BYTES, other.bytes, MERKLE_HASH_BYTES);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SM3, want.bytes, message, sizeof(message)), 0);
	assert_int_equal(merkle_node_hash(&node, CRYPTO_HASH_SM3, &leaf, &other), 0);
	assert_hash_equal(&node, &want);

	/* A whole SM3 tree differs from the SHA-256 one over the same leaves. */
	{
		struct test_log *sm3 = log_with_leaves(CRYPTO_HASH_SM3, 5);
		struct test_log *sha = log_with_leaves(CRYPTO_HASH_SHA256, 5);
		struct merkle_hash sm3_root;

		assert_int_equal(merkle_root(&sm3_root, CRYPTO_HASH_SM3, 5, log_read, sm3), 0);
		oracle_mth(&want, CRYPTO_HASH_SM3, sm3->leaves, 5);
		assert_hash_equal(&sm3_root, &want);
		assert_int_equal(merkle_root(&sha_root, CRYPTO_HASH_SHA256, 5, log_read, sha), 0);
		assert_false(merkle_hash_equal(&sm3_root, &sha_root));
		sx_free(sm3);
		sx_free(sha);
	}
}

static void test_roots_match_the_certificate_transparency_reference_tree(void **state)
{
	struct test_log *log = ct_log();
	struct merkle_hash root;

	(void)state;
	for (uint64_t size = 1; size <= 8; size++) {
		assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, size, log_read, log), 0);
		assert_hash_hex(&root, ct_roots[size - 1]);
	}
	assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, 0, log_read, log), 0);
	assert_hash_hex(&root, SHA256_EMPTY_HEX);
	sx_free(log);
}

/* Flips every bit pattern 0xff of every byte of every element: each must be noticed. */
static void assert_every_byte_of_inclusion_proof_matters(const struct merkle_hash *leaf,
							 uint64_t index, uint64_t size,
							 const struct merkle_hash *proof,
							 size_t count,
							 const struct merkle_hash *root)
{
	struct merkle_hash copy[MERKLE_MAX_PROOF];

	memcpy(copy, proof, count * sizeof(*proof));
	for (size_t j = 0; j < count; j++) {
		for (size_t b = 0; b < MERKLE_HASH_BYTES; b++) {
			copy[j].bytes[b] ^= 0xff;
			assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf, index,
								 size, copy, count, root),
					 SX_ECORRUPT);
			copy[j].bytes[b] ^= 0xff;
		}
	}
}

static void test_inclusion_proofs_match_the_certificate_transparency_vectors(void **state)
{
	struct test_log *log = ct_log();

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ct_inclusion); i++) {
		const struct ct_proof *v = &ct_inclusion[i];
		struct merkle_hash proof[MERKLE_MAX_PROOF], want[3];
		struct merkle_hash root = hash_from_hex(ct_roots[v->size - 1]);
		size_t count = 99;

		for (size_t j = 0; j < v->count; j++)
			want[j] = hash_from_hex(v->hex[j]);
		log->read_limit = v->size;
		assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, v->a,
							v->size, log_read, log),
				 0);
		log->read_limit = UINT64_MAX;
		assert_int_equal(count, v->count);
		assert_int_equal(merkle_inclusion_proof_len(v->a, v->size), v->count);
		for (size_t j = 0; j < v->count; j++)
			assert_hash_equal(&proof[j], &want[j]);

		/* The published proof, not just ours, verifies against the published head. */
		assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[v->a],
							 v->a, v->size, want, v->count, &root),
				 0);
		assert_every_byte_of_inclusion_proof_matters(&log->leaves[v->a], v->a, v->size,
							     want, v->count, &root);
		/* A different leaf, or the empty head, fails. */
		assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256,
							 &log->leaves[(v->a + 1) % 8], v->a,
							 v->size, want, v->count, &root),
				 SX_ECORRUPT);
		root = hash_from_hex(SHA256_EMPTY_HEX);
		assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[v->a],
							 v->a, v->size, want, v->count, &root),
				 SX_ECORRUPT);
	}
	sx_free(log);
}

static void test_consistency_proofs_match_the_certificate_transparency_vectors(void **state)
{
	struct test_log *log = ct_log();

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ct_consistency); i++) {
		const struct ct_proof *v = &ct_consistency[i];
		struct merkle_hash proof[MERKLE_MAX_PROOF], want[3];
		struct merkle_hash old_root = hash_from_hex(ct_roots[v->a - 1]);
		struct merkle_hash new_root = hash_from_hex(ct_roots[v->size - 1]);
		size_t count = 99;

		for (size_t j = 0; j < v->count; j++)
			want[j] = hash_from_hex(v->hex[j]);
		log->read_limit = v->size;
		assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, v->a,
							  v->size, log_read, log),
				 0);
		log->read_limit = UINT64_MAX;
		assert_int_equal(count, v->count);
		assert_int_equal(merkle_consistency_proof_len(v->a, v->size), v->count);
		for (size_t j = 0; j < v->count; j++)
			assert_hash_equal(&proof[j], &want[j]);

		assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, v->a, v->size,
							   &old_root, &new_root, want, v->count),
				 0);
		for (size_t j = 0; j < v->count; j++) {
			for (size_t b = 0; b < MERKLE_HASH_BYTES; b++) {
				want[j].bytes[b] ^= 0xff;
				assert_int_equal(merkle_verify_consistency(
							 CRYPTO_HASH_SHA256, v->a, v->size,
							 &old_root, &new_root, want, v->count),
						 SX_ECORRUPT);
				want[j].bytes[b] ^= 0xff;
			}
		}
		if (v->a != v->size) {
			/* Heads swapped. */
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, v->a,
								   v->size, &new_root, &old_root,
								   want, v->count),
					 SX_ECORRUPT);
		}
	}
	sx_free(log);
}

/* ---- the store ---------------------------------------------------------------------------- */

static void test_append_stores_the_leaf_and_every_completed_subtree(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, 64);

	(void)state;
	/* After 64 leaves exactly the complete subtrees are stored, each with its MTH. */
	for (int level = 0; level < LOG_LEVELS; level++) {
		for (uint64_t index = 0; index < LOG_MAX_LEAVES >> level; index++) {
			bool is_complete = (index + 1) << level <= 64;
			struct merkle_hash want;

			assert_int_equal(log->is_stored[level][index], is_complete);
			if (!is_complete)
				continue;
			oracle_mth(&want, CRYPTO_HASH_SHA256, log->leaves + (index << level),
				   (uint64_t)1 << level);
			assert_hash_equal(&log->hashes[level][index], &want);
		}
	}
	sx_free(log);
}

static void test_append_reads_only_the_left_siblings_it_completes(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, 31);
	struct merkle_stored stored[MERKLE_MAX_STORED];
	struct merkle_hash leaf, want;
	size_t count = 0;

	(void)state;
	/* Leaf 31 completes subtrees of 2, 4, 8, 16 and 32 leaves: five reads, six entries. */
	assert_int_equal(merkle_leaf_hash(&leaf, CRYPTO_HASH_SHA256, "x", 1), 0);
	log->reads = 0;
	log->read_limit = 31;
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, 31, &leaf, log_read, log),
			 0);
	assert_int_equal(log->reads, 5);
	assert_int_equal(count, 6);
	assert_int_equal(stored[5].level, 5);
	assert_true(stored[5].index == 0);
	log->leaves[31] = leaf;
	oracle_mth(&want, CRYPTO_HASH_SHA256, log->leaves, 32);
	assert_hash_equal(&stored[5].hash, &want);

	/* An even leaf completes nothing above itself and reads nothing. */
	log->reads = 0;
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, 30, &leaf, log_read, log),
			 0);
	assert_int_equal(count, 1);
	assert_int_equal(log->reads, 0);
	assert_int_equal(stored[0].level, 0);
	assert_true(stored[0].index == 30);
	assert_hash_equal(&stored[0].hash, &leaf);

	/* Too little room is refused before anything is read. */
	count = 99;
	assert_int_equal(merkle_stored_for_append(stored, 5, &count, CRYPTO_HASH_SHA256, 31, &leaf,
						  log_read, log),
			 SX_ETOOBIG);
	assert_int_equal(count, 0);
	assert_int_equal(log->reads, 0);
	assert_int_equal(merkle_stored_for_append(stored, 6, &count, CRYPTO_HASH_SHA256, 31, &leaf,
						  log_read, log),
			 0);
	sx_free(log);
}

static void test_root_reads_one_subtree_per_one_bit_of_the_size(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, LOG_MAX_LEAVES);

	(void)state;
	for (uint64_t size = 1; size <= LOG_MAX_LEAVES; size++) {
		struct merkle_hash root, want;

		log->reads = 0;
		log->read_limit = size;
		assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, size, log_read, log), 0);
		assert_int_equal(log->reads, (size_t)count_ones(size));
		oracle_mth(&want, CRYPTO_HASH_SHA256, log->leaves, size);
		assert_hash_equal(&root, &want);
	}
	sx_free(log);
}

/* ---- every proof of every tree up to 64 leaves, against the oracle ----------------------- */

#define ORACLE_MAX_SIZE 64

static void test_every_inclusion_proof_up_to_64_leaves_matches_the_oracle(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, ORACLE_MAX_SIZE + 1);
	struct merkle_hash roots[ORACLE_MAX_SIZE + 2];

	(void)state;
	for (uint64_t size = 0; size <= ORACLE_MAX_SIZE + 1; size++)
		oracle_mth(&roots[size], CRYPTO_HASH_SHA256, log->leaves, size);

	for (uint64_t size = 1; size <= ORACLE_MAX_SIZE; size++) {
		for (uint64_t index = 0; index < size; index++) {
			struct merkle_hash proof[MERKLE_MAX_PROOF + 1], want[MERKLE_MAX_PROOF];
			const struct merkle_hash *leaf = &log->leaves[index];
			size_t count = 99, want_count = 0;
			int rc;

			log->read_limit = size;
			assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256,
								index, size, log_read, log),
					 0);
			log->read_limit = UINT64_MAX;
			oracle_path(want, &want_count, CRYPTO_HASH_SHA256, index, log->leaves,
				    size);
			assert_int_equal(count, want_count);
			assert_int_equal(merkle_inclusion_proof_len(index, size), want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * sizeof(proof[0]));

			assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf, index,
								 size, proof, count, &roots[size]),
					 0);

			/* One flipped byte in each element (a different byte each time). */
			for (size_t j = 0; j < count; j++) {
				size_t b = (size_t)(index + 7 * j) % MERKLE_HASH_BYTES;

				proof[j].bytes[b] ^= 0x01;
				assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf,
									 index, size, proof, count,
									 &roots[size]),
						 SX_ECORRUPT);
				proof[j].bytes[b] ^= 0x01;
			}
			/* Another leaf at this index; this leaf at another index. */
			rc = merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[index + 1],
						     index, size, proof, count, &roots[size]);
			assert_int_equal(rc, SX_ECORRUPT);
			for (uint64_t other = 0; other < size; other++) {
				if (other == index)
					continue;
				rc = merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf, other, size,
							     proof, count, &roots[size]);
				assert_rejected(rc);
			}
			/* Another size, checked against that size's own head: a proof from one
			 * checkpoint does not carry over to another. */
			if (index < size - 1)
				assert_rejected(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf,
									index, size - 1, proof,
									count, &roots[size - 1]));
			assert_rejected(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf, index,
								size + 1, proof, count,
								&roots[size + 1]));
			/* Truncated, extended (by garbage and by the head itself). */
			if (count > 0)
				assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf,
									 index, size, proof,
									 count - 1, &roots[size]),
						 SX_EINVALID);
			proof[count] = roots[size];
			assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, leaf, index,
								 size, proof, count + 1,
								 &roots[size]),
					 SX_EINVALID);
		}
	}
	sx_free(log);
}

static void test_every_consistency_proof_up_to_64_leaves_matches_the_oracle(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, ORACLE_MAX_SIZE + 1);
	struct merkle_hash roots[ORACLE_MAX_SIZE + 2];

	(void)state;
	for (uint64_t size = 0; size <= ORACLE_MAX_SIZE + 1; size++)
		oracle_mth(&roots[size], CRYPTO_HASH_SHA256, log->leaves, size);

	for (uint64_t to = 1; to <= ORACLE_MAX_SIZE; to++) {
		for (uint64_t from = 1; from <= to; from++) {
			struct merkle_hash proof[MERKLE_MAX_PROOF + 1], want[MERKLE_MAX_PROOF];
			size_t count = 99, want_count = 0;

			log->read_limit = to;
			assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256,
								  from, to, log_read, log),
					 0);
			log->read_limit = UINT64_MAX;
			oracle_subproof(want, &want_count, CRYPTO_HASH_SHA256, from, log->leaves,
					to, true);
			assert_int_equal(count, want_count);
			assert_int_equal(merkle_consistency_proof_len(from, to), want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * sizeof(proof[0]));

			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								   &roots[from], &roots[to], proof,
								   count),
					 0);
			if (from == to) {
				assert_int_equal(count, 0);
				continue;
			}

			for (size_t j = 0; j < count; j++) {
				size_t b = (size_t)(from + 5 * j + to) % MERKLE_HASH_BYTES;

				proof[j].bytes[b] ^= 0x80;
				assert_int_equal(merkle_verify_consistency(
							 CRYPTO_HASH_SHA256, from, to, &roots[from],
							 &roots[to], proof, count),
						 SX_ECORRUPT);
				proof[j].bytes[b] ^= 0x80;
			}
			/* Wrong heads: swapped, or one of another size. */
			assert_rejected(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								  &roots[to], &roots[from], proof,
								  count));
			assert_rejected(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								  &roots[from - 1], &roots[to],
								  proof, count));
			assert_rejected(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								  &roots[from], &roots[to + 1],
								  proof, count));
			/* Wrong sizes, each with its own true head. */
			if (from > 1)
				assert_rejected(merkle_verify_consistency(
					CRYPTO_HASH_SHA256, from - 1, to, &roots[from - 1],
					&roots[to], proof, count));
			if (from + 1 < to)
				assert_rejected(merkle_verify_consistency(
					CRYPTO_HASH_SHA256, from + 1, to, &roots[from + 1],
					&roots[to], proof, count));
			assert_rejected(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to + 1,
								  &roots[from], &roots[to + 1],
								  proof, count));
			if (from < to - 1)
				assert_rejected(merkle_verify_consistency(
					CRYPTO_HASH_SHA256, from, to - 1, &roots[from],
					&roots[to - 1], proof, count));
			/* Truncated, empty, extended. */
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								   &roots[from], &roots[to], proof,
								   count - 1),
					 SX_EINVALID);
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								   &roots[from], &roots[to], NULL,
								   0),
					 SX_EINVALID);
			proof[count] = proof[count - 1];
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, to,
								   &roots[from], &roots[to], proof,
								   count + 1),
					 SX_EINVALID);
		}
	}
	sx_free(log);
}

static void test_sm3_log_proofs_match_the_sm3_oracle(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SM3, 21);
	struct merkle_hash roots[22];

	(void)state;
	for (uint64_t size = 0; size <= 21; size++) {
		struct merkle_hash root;

		oracle_mth(&roots[size], CRYPTO_HASH_SM3, log->leaves, size);
		assert_int_equal(merkle_root(&root, CRYPTO_HASH_SM3, size, log_read, log), 0);
		assert_hash_equal(&root, &roots[size]);
	}
	for (uint64_t to = 1; to <= 21; to++) {
		for (uint64_t a = 0; a < to; a++) {
			struct merkle_hash proof[MERKLE_MAX_PROOF], want[MERKLE_MAX_PROOF];
			size_t count = 0, want_count = 0;

			assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SM3, a,
								to, log_read, log),
					 0);
			oracle_path(want, &want_count, CRYPTO_HASH_SM3, a, log->leaves, to);
			assert_int_equal(count, want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * sizeof(proof[0]));
			assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SM3, &log->leaves[a],
								 a, to, proof, count, &roots[to]),
					 0);
			/* The same proof checked as SHA-256 fails: the profile is part of the log.
			 */
			if (count > 0)
				assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256,
									 &log->leaves[a], a, to,
									 proof, count, &roots[to]),
						 SX_ECORRUPT);

			want_count = 0;
			assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SM3,
								  a + 1, to, log_read, log),
					 0);
			oracle_subproof(want, &want_count, CRYPTO_HASH_SM3, a + 1, log->leaves, to,
					true);
			assert_int_equal(count, want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * sizeof(proof[0]));
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SM3, a + 1, to,
								   &roots[a + 1], &roots[to], proof,
								   count),
					 0);
		}
	}
	sx_free(log);
}

/* ---- huge trees: every leaf the same, so any (level, index) is known --------------------- */

struct uniform_tree {
	enum crypto_hash_alg alg;
	struct merkle_hash level_hash[64]; /* MTH of 2^level equal leaves */
};

static int uniform_read(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	const struct uniform_tree *u = ctx;

	(void)index;
	if (level < 0 || level > 63)
		return SX_ENOTFOUND;
	*out = u->level_hash[level];
	return 0;
}

static void uniform_init(struct uniform_tree *u, enum crypto_hash_alg alg)
{
	u->alg = alg;
	oracle_leaf(&u->level_hash[0], alg, "same", 4);
	for (int level = 1; level < 64; level++)
		oracle_node(&u->level_hash[level], alg, &u->level_hash[level - 1],
			    &u->level_hash[level - 1]);
}

/* MTH of n equal leaves by the RFC's recursion: the left part is a perfect tree. */
static void uniform_mth(struct merkle_hash *out, const struct uniform_tree *u, uint64_t n)
{
	struct merkle_hash right;
	uint64_t k;
	int level = 0;

	if ((n & (n - 1)) == 0) {
		while (((uint64_t)1 << level) != n)
			level++;
		*out = u->level_hash[level];
		return;
	}
	k = oracle_split(n);
	while (((uint64_t)1 << level) != k)
		level++;
	uniform_mth(&right, u, n - k);
	oracle_node(out, u->alg, &u->level_hash[level], &right);
}

static void test_proofs_in_trees_of_nearly_2_pow_64_leaves_verify(void **state)
{
	static const uint64_t sizes[] = {
		UINT64_MAX,
		UINT64_MAX - 1,
		(uint64_t)1 << 63,
		((uint64_t)1 << 63) + 1,
		((uint64_t)1 << 63) - 1,
		((uint64_t)1 << 32) + 12345,
		0x5555555555555555ULL,
	};
	struct uniform_tree u;

	(void)state;
	uniform_init(&u, CRYPTO_HASH_SHA256);
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		uint64_t size = sizes[i];
		const uint64_t indices[] = {0, 1, size / 2, size / 3, size - 2, size - 1};
		struct merkle_hash root, want;

		assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, size, uniform_read, &u), 0);
		uniform_mth(&want, &u, size);
		assert_hash_equal(&root, &want);

		for (size_t j = 0; j < ARRAY_LEN(indices); j++) {
			struct merkle_hash proof[MERKLE_MAX_PROOF];
			struct merkle_hash old_root;
			uint64_t from = indices[j] + 1;
			size_t count = 0;

			assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256,
								indices[j], size, uniform_read, &u),
					 0);
			assert_int_equal(count, merkle_inclusion_proof_len(indices[j], size));
			assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256,
								 &u.level_hash[0], indices[j], size,
								 proof, count, &root),
					 0);

			if (merkle_consistency_proof_len(from, size) > MERKLE_MAX_PROOF)
				continue;
			assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256,
								  from, size, uniform_read, &u),
					 0);
			assert_int_equal(count, merkle_consistency_proof_len(from, size));
			uniform_mth(&old_root, &u, from);
			assert_int_equal(merkle_verify_consistency(CRYPTO_HASH_SHA256, from, size,
								   &old_root, &root, proof, count),
					 0);
		}
	}
	/* The longest inclusion proof has 64 hashes. */
	assert_int_equal(merkle_inclusion_proof_len(0, UINT64_MAX), 64);
}

static void test_consistency_proof_longer_than_64_hashes_is_refused(void **state)
{
	struct merkle_hash proof[MERKLE_MAX_PROOF];
	struct uniform_tree u;
	size_t count = 99;

	(void)state;
	uniform_init(&u, CRYPTO_HASH_SHA256);
	/* Only trees of 2^63 leaves or more get there; this pair needs 65. */
	assert_int_equal(merkle_consistency_proof_len(UINT64_MAX - 2, UINT64_MAX), 65);
	assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, UINT64_MAX - 2,
						  UINT64_MAX, uniform_read, &u),
			 SX_ETOOBIG);
	assert_int_equal(count, 0);
	/* Below 2^63 leaves every proof fits. */
	assert_true(merkle_consistency_proof_len(((uint64_t)1 << 63) - 3,
						 ((uint64_t)1 << 63) - 1) <= MERKLE_MAX_PROOF);
}

static void test_append_handles_the_largest_positions(void **state)
{
	struct merkle_stored stored[MERKLE_MAX_STORED];
	struct uniform_tree u;
	size_t count = 99;

	(void)state;
	uniform_init(&u, CRYPTO_HASH_SHA256);
	/* Leaf 2^63 - 1 completes the subtree of 2^63 leaves: the most entries one append makes. */
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, ((uint64_t)1 << 63) - 1,
						  &u.level_hash[0], uniform_read, &u),
			 0);
	assert_int_equal(count, MERKLE_MAX_STORED);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(stored[i].level, (int)i);
		assert_true(stored[i].index == (((uint64_t)1 << 63) - 1) >> i);
		assert_hash_equal(&stored[i].hash, &u.level_hash[i]);
	}
	/* Leaf UINT64_MAX would make a tree of 2^64 leaves. */
	count = 99;
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, UINT64_MAX, &u.level_hash[0],
						  uniform_read, &u),
			 SX_ETOOBIG);
	assert_int_equal(count, 0);
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, UINT64_MAX - 1,
						  &u.level_hash[0], uniform_read, &u),
			 0);
	assert_int_equal(count, 1);
}

/* ---- errors ------------------------------------------------------------------------------- */

static void test_invalid_arguments_are_refused(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, 8);
	struct merkle_hash h, proof[MERKLE_MAX_PROOF];
	struct merkle_stored stored[MERKLE_MAX_STORED];
	const enum crypto_hash_alg bad_alg = (enum crypto_hash_alg)99;
	size_t count;

	(void)state;
	assert_int_equal(merkle_leaf_hash(NULL, CRYPTO_HASH_SHA256, "a", 1), SX_EINVALID);
	assert_int_equal(merkle_leaf_hash(&h, bad_alg, "a", 1), SX_EINVALID);
	assert_int_equal(merkle_leaf_hash(&h, (enum crypto_hash_alg)0, "a", 1), SX_EINVALID);
	assert_int_equal(merkle_leaf_hash(&h, CRYPTO_HASH_SHA256, NULL, 1), SX_EINVALID);
	assert_int_equal(merkle_node_hash(NULL, CRYPTO_HASH_SHA256, &h, &h), SX_EINVALID);
	assert_int_equal(merkle_node_hash(&h, CRYPTO_HASH_SHA256, NULL, &h), SX_EINVALID);
	assert_int_equal(merkle_node_hash(&h, CRYPTO_HASH_SHA256, &h, NULL), SX_EINVALID);
	assert_int_equal(merkle_node_hash(&h, bad_alg, &h, &h), SX_EINVALID);
	assert_int_equal(merkle_empty_root(NULL, CRYPTO_HASH_SHA256), SX_EINVALID);
	assert_int_equal(merkle_empty_root(&h, bad_alg), SX_EINVALID);

	log->reads = 0;
	assert_int_equal(merkle_root(NULL, CRYPTO_HASH_SHA256, 8, log_read, log), SX_EINVALID);
	assert_int_equal(merkle_root(&h, bad_alg, 8, log_read, log), SX_EINVALID);
	assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 8, NULL, log), SX_EINVALID);

	count = 99;
	assert_int_equal(merkle_stored_for_append(NULL, 64, &count, CRYPTO_HASH_SHA256, 8, &h,
						  log_read, log),
			 SX_EINVALID);
	assert_int_equal(count, 0);
	assert_int_equal(merkle_stored_for_append(stored, 64, NULL, CRYPTO_HASH_SHA256, 8, &h,
						  log_read, log),
			 SX_EINVALID);
	assert_int_equal(
		merkle_stored_for_append(stored, 64, &count, bad_alg, 8, &h, log_read, log),
		SX_EINVALID);
	assert_int_equal(merkle_stored_for_append(stored, 64, &count, CRYPTO_HASH_SHA256, 8, NULL,
						  log_read, log),
			 SX_EINVALID);
	assert_int_equal(
		merkle_stored_for_append(stored, 64, &count, CRYPTO_HASH_SHA256, 8, &h, NULL, log),
		SX_EINVALID);

	count = 99;
	assert_int_equal(
		merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 8, 8, log_read, log),
		SX_EINVALID);
	assert_int_equal(count, 0);
	assert_int_equal(
		merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 0, 0, log_read, log),
		SX_EINVALID);
	assert_int_equal(
		merkle_inclusion_proof(NULL, &count, CRYPTO_HASH_SHA256, 0, 8, log_read, log),
		SX_EINVALID);
	assert_int_equal(
		merkle_inclusion_proof(proof, NULL, CRYPTO_HASH_SHA256, 0, 8, log_read, log),
		SX_EINVALID);
	assert_int_equal(merkle_inclusion_proof(proof, &count, bad_alg, 0, 8, log_read, log),
			 SX_EINVALID);
	assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 0, 8, NULL, log),
			 SX_EINVALID);

	count = 99;
	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 0, 8, log_read, log),
		SX_EINVALID);
	assert_int_equal(count, 0);
	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 0, 0, log_read, log),
		SX_EINVALID);
	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 5, 4, log_read, log),
		SX_EINVALID);
	assert_int_equal(
		merkle_consistency_proof(NULL, &count, CRYPTO_HASH_SHA256, 1, 4, log_read, log),
		SX_EINVALID);
	assert_int_equal(
		merkle_consistency_proof(proof, NULL, CRYPTO_HASH_SHA256, 1, 4, log_read, log),
		SX_EINVALID);
	assert_int_equal(merkle_consistency_proof(proof, &count, bad_alg, 1, 4, log_read, log),
			 SX_EINVALID);
	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 1, 4, NULL, log),
		SX_EINVALID);
	/* None of these got as far as reading. */
	assert_int_equal(log->reads, 0);

	assert_int_equal(merkle_inclusion_proof_len(8, 8), 0);
	assert_int_equal(merkle_consistency_proof_len(0, 8), 0);
	assert_int_equal(merkle_consistency_proof_len(9, 8), 0);
	assert_int_equal(merkle_consistency_proof_len(8, 8), 0);
	sx_free(log);
}

static void test_verify_refuses_malformed_input_as_invalid(void **state)
{
	struct test_log *log = ct_log();
	struct merkle_hash root8 = hash_from_hex(ct_roots[7]);
	struct merkle_hash root6 = hash_from_hex(ct_roots[5]);
	struct merkle_hash proof[MERKLE_MAX_PROOF];
	const enum crypto_hash_alg bad_alg = (enum crypto_hash_alg)99;
	size_t count = 0;

	(void)state;
	assert_int_equal(
		merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 5, 8, log_read, log), 0);
	assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[5], 5, 8, proof,
						 count, &root8),
			 0);
	assert_int_equal(
		merkle_verify_inclusion(bad_alg, &log->leaves[5], 5, 8, proof, count, &root8),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_inclusion(CRYPTO_HASH_SHA256, NULL, 5, 8, proof, count, &root8),
		SX_EINVALID);
	assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[5], 5, 8, NULL,
						 count, &root8),
			 SX_EINVALID);
	assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[5], 5, 8, proof,
						 count, NULL),
			 SX_EINVALID);
	assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[5], 8, 8, proof,
						 count, &root8),
			 SX_EINVALID);
	assert_int_equal(
		merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[5], 0, 0, NULL, 0, &root8),
		SX_EINVALID);

	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 6, 8, log_read, log),
		0);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 6, 8, &root6, &root8, proof, count),
		0);
	assert_int_equal(merkle_verify_consistency(bad_alg, 6, 8, &root6, &root8, proof, count),
			 SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 6, 8, NULL, &root8, proof, count),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 6, 8, &root6, NULL, proof, count),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 6, 8, &root6, &root8, NULL, count),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 0, 8, &root6, &root8, proof, count),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 8, 6, &root8, &root6, proof, count),
		SX_EINVALID);
	/* Equal sizes: only an empty proof, and only equal heads. */
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 8, 8, &root8, &root8, NULL, 0), 0);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 8, 8, &root8, &root8, proof, 1),
		SX_EINVALID);
	assert_int_equal(
		merkle_verify_consistency(CRYPTO_HASH_SHA256, 8, 8, &root6, &root8, NULL, 0),
		SX_ECORRUPT);
	sx_free(log);
}

static int failing_read(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	(void)out;
	(void)level;
	(void)index;
	return *(int *)ctx;
}

static void test_reader_errors_are_passed_on(void **state)
{
	static const int errors[] = {SX_EIO, SX_ENOTFOUND, SX_EBUSY, 1};
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, 8);
	struct merkle_hash h, proof[MERKLE_MAX_PROOF];
	struct merkle_stored stored[MERKLE_MAX_STORED];
	size_t count;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(errors); i++) {
		int err = errors[i];
		int want = err > 0 ? SX_EINTERNAL : err;

		assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 5, failing_read, &err), want);
		count = 99;
		assert_int_equal(merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 1, 5,
							failing_read, &err),
				 want);
		assert_int_equal(count, 0);
		count = 99;
		assert_int_equal(merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 3, 5,
							  failing_read, &err),
				 want);
		assert_int_equal(count, 0);
		count = 99;
		assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
							  CRYPTO_HASH_SHA256, 7, &h, failing_read,
							  &err),
				 want);
		assert_int_equal(count, 0);
	}

	/* Asking about a tree larger than the log reaches a subtree that is not stored. */
	count = 99;
	assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 9, log_read, log), SX_ENOTFOUND);
	assert_int_equal(
		merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 0, 9, log_read, log),
		SX_ENOTFOUND);
	assert_int_equal(count, 0);
	assert_int_equal(
		merkle_consistency_proof(proof, &count, CRYPTO_HASH_SHA256, 8, 9, log_read, log),
		SX_ENOTFOUND);
	assert_int_equal(count, 0);
	sx_free(log);
}

static void test_merkle_functions_allocate_nothing(void **state)
{
	struct test_log *log = log_with_leaves(CRYPTO_HASH_SHA256, 20);
	struct merkle_hash h, proof[MERKLE_MAX_PROOF];
	struct merkle_stored stored[MERKLE_MAX_STORED];
	size_t count = 0;

	(void)state;
	/* Any sx_* allocation would fail; none happens, so nothing can leak or half-fail. */
	sx_mem_fail_after(0);
	assert_int_equal(merkle_root(&h, CRYPTO_HASH_SHA256, 19, log_read, log), 0);
	assert_int_equal(
		merkle_inclusion_proof(proof, &count, CRYPTO_HASH_SHA256, 3, 19, log_read, log), 0);
	assert_int_equal(merkle_verify_inclusion(CRYPTO_HASH_SHA256, &log->leaves[3], 3, 19, proof,
						 count, &h),
			 0);
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count,
						  CRYPTO_HASH_SHA256, 19, &log->leaves[19],
						  log_read, log),
			 0);
	sx_mem_fail_after(-1);
	sx_free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_root_is_the_hash_of_the_empty_string),
		cmocka_unit_test(test_leaf_and_node_hashes_use_the_rfc6962_prefixes),
		cmocka_unit_test(test_sm3_profile_hashes_leaves_and_nodes_with_sm3),
		cmocka_unit_test(test_roots_match_the_certificate_transparency_reference_tree),
		cmocka_unit_test(test_inclusion_proofs_match_the_certificate_transparency_vectors),
		cmocka_unit_test(
			test_consistency_proofs_match_the_certificate_transparency_vectors),
		cmocka_unit_test(test_append_stores_the_leaf_and_every_completed_subtree),
		cmocka_unit_test(test_append_reads_only_the_left_siblings_it_completes),
		cmocka_unit_test(test_root_reads_one_subtree_per_one_bit_of_the_size),
		cmocka_unit_test(test_every_inclusion_proof_up_to_64_leaves_matches_the_oracle),
		cmocka_unit_test(test_every_consistency_proof_up_to_64_leaves_matches_the_oracle),
		cmocka_unit_test(test_sm3_log_proofs_match_the_sm3_oracle),
		cmocka_unit_test(test_proofs_in_trees_of_nearly_2_pow_64_leaves_verify),
		cmocka_unit_test(test_consistency_proof_longer_than_64_hashes_is_refused),
		cmocka_unit_test(test_append_handles_the_largest_positions),
		cmocka_unit_test(test_invalid_arguments_are_refused),
		cmocka_unit_test(test_verify_refuses_malformed_input_as_invalid),
		cmocka_unit_test(test_reader_errors_are_passed_on),
		cmocka_unit_test(test_merkle_functions_allocate_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
