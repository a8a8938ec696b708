/*
 * Unit tests for ledger/tile: C2SP tlog-tiles paths (formatting, strict
 * parsing, round trips), which tiles exist for a tree size, the bytes of hash
 * tiles, and the entry bundle encoding.
 *
 * Path examples are the spec's own (c2sp.org/tlog-tiles: index 1234067 is
 * "x001/x234/067"; the tree of 70,000 leaves and the tree of 256 leaves in
 * "Partial Tiles") plus the examples of the project's DESIGN.md and of
 * transparency-dev/tessera's api/layout (EntriesPath(1234067, 8)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"
#include "ledger/tile.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- paths -------------------------------------------------------------------------------- */

struct path_case {
	int level;
	uint64_t index;
	int width;
	const char *path;
};

static const struct path_case path_cases[] = {
	/* c2sp.org/tlog-tiles: "index 1234067 will be encoded as x001/x234/067". */
	{0, 1234067, 256, "tile/0/x001/x234/067"},
	{1, 1234067, 8, "tile/1/x001/x234/067.p/8"},
	/* tessera api/layout example: EntriesPath(1234067, 8). */
	{TILE_LEVEL_ENTRIES, 1234067, 8, "tile/entries/x001/x234/067.p/8"},
	/* DESIGN.md and the ledger brief. */
	{0, 1234, 256, "tile/0/x001/234"},
	{1, 5, 7, "tile/1/005.p/7"},
	{TILE_LEVEL_ENTRIES, 1234, 3, "tile/entries/x001/234.p/3"},
	/* Edges: zero, group boundaries, widths 1 and 255, the largest level and index. */
	{0, 0, 256, "tile/0/000"},
	{0, 0, 1, "tile/0/000.p/1"},
	{0, 999, 255, "tile/0/999.p/255"},
	{2, 1000, 256, "tile/2/x001/000"},
	{10, 1000000, 256, "tile/10/x001/x000/000"},
	{3, 1000001, 16, "tile/3/x001/x000/001.p/16"},
	{TILE_LEVEL_ENTRIES, 0, 256, "tile/entries/000"},
	{63, UINT64_MAX, 255, "tile/63/x018/x446/x744/x073/x709/x551/615.p/255"},
	{TILE_LEVEL_ENTRIES, UINT64_MAX, 256, "tile/entries/x018/x446/x744/x073/x709/x551/615"},
};

static void test_paths_match_the_spec_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(path_cases); i++) {
		const struct path_case *c = &path_cases[i];
		const struct tile_id t = {c->level, c->index, c->width};
		struct tile_id parsed = {99, 99, 99};
		char out[TILE_PATH_MAX];

		assert_int_equal(tile_path_format(out, sizeof(out), &t), 0);
		assert_string_equal(out, c->path);
		assert_int_equal(tile_path_parse(&parsed, c->path, strlen(c->path)), 0);
		assert_int_equal(parsed.level, c->level);
		assert_true(parsed.index == c->index);
		assert_int_equal(parsed.width, c->width);
	}
}

static void test_format_then_parse_round_trips(void **state)
{
	static const uint64_t indices[] = {0,
					   1,
					   9,
					   10,
					   99,
					   100,
					   999,
					   1000,
					   1001,
					   999999,
					   1000000,
					   123456789,
					   1000000000000ULL,
					   UINT64_MAX / 256,
					   UINT64_MAX - 1,
					   UINT64_MAX};
	static const int levels[] = {TILE_LEVEL_ENTRIES, 0, 1, 7, 9, 10, 42, 63};
	static const int widths[] = {1, 2, 9, 10, 99, 100, 200, 255, 256};

	(void)state;
	for (size_t l = 0; l < ARRAY_LEN(levels); l++) {
		for (size_t i = 0; i < ARRAY_LEN(indices); i++) {
			for (size_t w = 0; w < ARRAY_LEN(widths); w++) {
				const struct tile_id t = {levels[l], indices[i], widths[w]};
				struct tile_id back;
				char out[TILE_PATH_MAX];

				assert_int_equal(tile_path_format(out, sizeof(out), &t), 0);
				assert_true(strlen(out) < TILE_PATH_MAX);
				assert_int_equal(tile_path_parse(&back, out, strlen(out)), 0);
				assert_int_equal(back.level, t.level);
				assert_true(back.index == t.index);
				assert_int_equal(back.width, t.width);
			}
		}
	}
}

static const char *const rejected_paths[] = {
	"",
	"tile",
	"tile/",
	"tile/0",
	"tile/0/",
	"/tile/0/000",
	"Tile/0/000",
	"tiles/0/000",
	"tile//000",
	"tile/0//000",
	"tile/0/000/",
	/* level */
	"tile/00/000",
	"tile/01/000",
	"tile/64/000",
	"tile/100/000",
	"tile/-1/000",
	"tile/+1/000",
	"tile/ 1/000",
	"tile/a/000",
	"tile/entry/000",
	"tile/entries000",
	"tile/Entries/000",
	"tile/data/000",
	/* index groups */
	"tile/0/0",
	"tile/0/00",
	"tile/0/0000",
	"tile/0/1234",
	"tile/0/0a0",
	"tile/0/ 000",
	"tile/0/x000/001",
	"tile/0/x000/x001/002",
	"tile/0/x001",
	"tile/0/x001/",
	"tile/0/x01/234",
	"tile/0/x0001/234",
	"tile/0/001/234",
	"tile/0/x001/x234",
	"tile/0/X001/234",
	"tile/0/xx001/234",
	"tile/0/x001//234",
	"tile/0/x018/x446/x744/x073/x709/x551/616",
	"tile/0/x019/x000/x000/x000/x000/x000/000",
	"tile/0/x001/x018/x446/x744/x073/x709/x551/615",
	/* width */
	"tile/0/000.p/256",
	"tile/0/000.p/0",
	"tile/0/000.p/00",
	"tile/0/000.p/007",
	"tile/0/000.p/",
	"tile/0/000.p",
	"tile/0/000.p/1000",
	"tile/0/000.p/300",
	"tile/0/000.p/8/",
	"tile/0/000.p/8x",
	"tile/0/000.p/-8",
	"tile/0/000.p/+8",
	"tile/0/000.q/8",
	"tile/0/000p/8",
	"tile/0/000.P/8",
	"tile/0/000.p/8.p/8",
	"tile/entries/000.p/256",
	"tile/0/000 ",
	"tile/0/000\n",
};

static void test_parse_rejects_non_canonical_paths(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rejected_paths); i++) {
		const char *p = rejected_paths[i];
		struct tile_id t = {7, 7, 7};
		int rc = tile_path_parse(&t, p, strlen(p));

		if (rc != SX_EINVALID)
			fail_msg("accepted \"%s\" (rc %d)", p, rc);
		/* Nothing is written on failure. */
		assert_int_equal(t.level, 7);
		assert_true(t.index == 7);
		assert_int_equal(t.width, 7);
	}
}

static void test_parse_uses_the_given_length_not_a_nul(void **state)
{
	static const char padded[] = "tile/0/x001/234.p/9 and more";
	static const char with_nul[] = "tile/0/000\0";
	struct tile_id t;

	(void)state;
	assert_int_equal(tile_path_parse(&t, padded, strlen("tile/0/x001/234.p/9")), 0);
	assert_true(t.index == 1234);
	assert_int_equal(t.width, 9);
	assert_int_equal(tile_path_parse(&t, padded, strlen("tile/0/x001/234")), 0);
	assert_int_equal(t.width, TILE_WIDTH);
	/* Cut inside the suffix or the index: not a path. */
	assert_int_equal(tile_path_parse(&t, padded, strlen("tile/0/x001/234.p")), SX_EINVALID);
	assert_int_equal(tile_path_parse(&t, padded, strlen("tile/0/x001/23")), SX_EINVALID);
	/* An embedded NUL counts as a byte, and is not allowed. */
	assert_int_equal(tile_path_parse(&t, with_nul, sizeof(with_nul) - 1), SX_EINVALID);
	assert_int_equal(tile_path_parse(&t, with_nul, sizeof(with_nul) - 2), 0);
	assert_int_equal(tile_path_parse(NULL, padded, 10), SX_EINVALID);
	assert_int_equal(tile_path_parse(&t, NULL, 10), SX_EINVALID);
	assert_int_equal(tile_path_parse(&t, padded, 0), SX_EINVALID);
}

/*
 * Strictness as a property: every single-byte substitution, insertion and
 * deletion applied to valid paths is either rejected or is itself the canonical
 * path of what it parses to. A parser that accepted a second spelling of any
 * tile would fail here.
 */
static size_t check_mutant(const char *s, size_t len)
{
	struct tile_id t;
	char back[TILE_PATH_MAX];

	if (tile_path_parse(&t, s, len) != 0)
		return 0;
	assert_int_equal(tile_path_format(back, sizeof(back), &t), 0);
	if (strlen(back) != len || memcmp(back, s, len) != 0)
		fail_msg("accepted \"%.*s\", which formats as \"%s\"", (int)len, s, back);
	return 1;
}

static void test_every_accepted_mutation_of_a_path_is_canonical(void **state)
{
	static const char alphabet[] = "0123456789x/.pentris-+ X";
	size_t accepted = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(path_cases); i++) {
		const char *p = path_cases[i].path;
		size_t len = strlen(p);
		char m[TILE_PATH_MAX + 1];

		for (size_t pos = 0; pos <= len; pos++) {
			for (size_t a = 0; a < sizeof(alphabet) - 1; a++) {
				/* substitute */
				if (pos < len) {
					memcpy(m, p, len);
					m[pos] = alphabet[a];
					accepted += check_mutant(m, len);
				}
				/* insert */
				memcpy(m, p, pos);
				m[pos] = alphabet[a];
				memcpy(m + pos + 1, p + pos, len - pos);
				accepted += check_mutant(m, len + 1);
			}
			/* delete */
			if (pos < len) {
				memcpy(m, p, pos);
				memcpy(m + pos, p + pos + 1, len - pos - 1);
				accepted += check_mutant(m, len - 1);
			}
		}
	}
	/* Many mutants are other valid tiles (another digit, another width); the check above ran
	 * on each of them. */
	assert_true(accepted > 100);
}

static void test_format_refuses_bad_tiles_and_small_buffers(void **state)
{
	static const struct tile_id bad[] = {
		{-2, 0, 256}, {64, 0, 256}, {0, 0, 0}, {0, 0, 257}, {0, 0, -1}, {INT32_MIN, 0, 1},
	};
	const struct tile_id ok = {1, 1234067, 8};
	const char *want = "tile/1/x001/x234/067.p/8";
	char out[TILE_PATH_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		memset(out, 'z', sizeof(out));
		assert_int_equal(tile_path_format(out, sizeof(out), &bad[i]), SX_EINVALID);
		assert_string_equal(out, "");
	}
	assert_int_equal(tile_path_format(NULL, sizeof(out), &ok), SX_EINVALID);
	assert_int_equal(tile_path_format(out, sizeof(out), NULL), SX_EINVALID);

	/* Exactly enough room, then one byte less. */
	assert_int_equal(tile_path_format(out, strlen(want) + 1, &ok), 0);
	assert_string_equal(out, want);
	memset(out, 'z', sizeof(out));
	assert_int_equal(tile_path_format(out, strlen(want), &ok), SX_ETOOBIG);
	assert_string_equal(out, "");
	assert_int_equal(tile_path_format(out, 0, &ok), SX_ETOOBIG);
	assert_int_equal(out[0], '\0');
}

/* ---- which tiles exist -------------------------------------------------------------------- */

static void assert_width(int level, uint64_t index, uint64_t size, int want)
{
	int width = -7;
	int rc = tile_width_for(&width, level, index, size);

	if (want == 0) {
		assert_int_equal(rc, SX_ENOTFOUND);
		assert_int_equal(width, -7);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(width, want);
}

static void test_width_follows_the_spec_examples(void **state)
{
	(void)state;
	/* "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
	 * tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
	 * partial level 2 tile of width 1." */
	assert_width(0, 0, 70000, 256);
	assert_width(0, 272, 70000, 256);
	assert_width(0, 273, 70000, 112);
	assert_width(0, 274, 70000, 0);
	assert_width(TILE_LEVEL_ENTRIES, 272, 70000, 256);
	assert_width(TILE_LEVEL_ENTRIES, 273, 70000, 112);
	assert_width(TILE_LEVEL_ENTRIES, 274, 70000, 0);
	assert_width(1, 0, 70000, 256);
	assert_width(1, 1, 70000, 17);
	assert_width(1, 2, 70000, 0);
	assert_width(2, 0, 70000, 1);
	assert_width(2, 1, 70000, 0);
	assert_width(3, 0, 70000, 0);
	/* "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile
	 * of width 1." */
	assert_width(0, 0, 256, 256);
	assert_width(0, 1, 256, 0);
	assert_width(1, 0, 256, 1);
	assert_width(2, 0, 256, 0);
	/* Empty trees have no tiles; the largest trees stop at level 7. */
	assert_width(0, 0, 0, 0);
	assert_width(TILE_LEVEL_ENTRIES, 0, 0, 0);
	assert_width(7, 0, UINT64_MAX, 255);
	assert_width(8, 0, UINT64_MAX, 0);
	assert_width(63, 0, UINT64_MAX, 0);
	assert_width(0, UINT64_MAX / 256 - 1, UINT64_MAX, 256);
	assert_width(0, UINT64_MAX / 256, UINT64_MAX, 255);
	assert_width(0, UINT64_MAX, UINT64_MAX, 0);
}

static void test_width_for_every_size_up_to_1000_counts_the_hashes_per_tile(void **state)
{
	(void)state;
	for (uint64_t size = 0; size <= 1000; size++) {
		for (int level = 0; level <= 1; level++) {
			/* Count, hash by hash, how many of the level's hashes land in each tile. */
			uint64_t hashes_at_level = level == 0 ? size : size / 256;
			int counted[8] = {0};

			for (uint64_t j = 0; j < hashes_at_level; j++)
				counted[j / 256]++;
			for (uint64_t index = 0; index < ARRAY_LEN(counted); index++) {
				assert_width(level, index, size, counted[index]);
				if (level == 0)
					assert_width(TILE_LEVEL_ENTRIES, index, size,
						     counted[index]);
			}
		}
	}
}

static void test_width_for_refuses_bad_arguments(void **state)
{
	int width = 5;

	(void)state;
	assert_int_equal(tile_width_for(NULL, 0, 0, 1000), SX_EINVALID);
	assert_int_equal(tile_width_for(&width, -2, 0, 1000), SX_EINVALID);
	assert_int_equal(tile_width_for(&width, 64, 0, 1000), SX_EINVALID);
	assert_int_equal(width, 5);
}

/* ---- hash tiles ---------------------------------------------------------------------------- */

#define LOG_MAX_LEAVES 512u
#define LOG_LEVELS 10 /* log2(LOG_MAX_LEAVES) + 1 */

/* Complete-subtree hashes in memory, filled by merkle_stored_for_append as the ledger will. */
struct test_log {
	uint64_t size;
	struct merkle_hash hashes[LOG_LEVELS][LOG_MAX_LEAVES];
	bool is_stored[LOG_LEVELS][LOG_MAX_LEAVES];
	int fail_with; /* when nonzero, the reader returns it */
};

static int log_read(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	struct test_log *log = ctx;

	if (log->fail_with != 0)
		return log->fail_with;
	if (level < 0 || level >= LOG_LEVELS || index >= LOG_MAX_LEAVES >> level ||
	    !log->is_stored[level][index])
		return SX_ENOTFOUND;
	*out = log->hashes[level][index];
	return 0;
}

static void leaf_data(unsigned char *out, uint64_t i)
{
	for (int b = 0; b < 8; b++)
		out[b] = (unsigned char)(i >> (56 - 8 * b));
}

static struct test_log *log_with_leaves(uint64_t count)
{
	struct test_log *log = sx_calloc(1, sizeof(*log));

	assert_non_null(log);
	for (uint64_t n = 0; n < count; n++) {
		struct merkle_stored stored[MERKLE_MAX_STORED];
		struct merkle_hash leaf;
		unsigned char data[8];
		size_t stored_count = 0;

		leaf_data(data, n);
		assert_int_equal(merkle_leaf_hash(&leaf, CRYPTO_HASH_SHA256, data, sizeof(data)),
				 0);
		assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &stored_count,
							  CRYPTO_HASH_SHA256, n, &leaf, log_read,
							  log),
				 0);
		for (size_t i = 0; i < stored_count; i++) {
			log->hashes[stored[i].level][stored[i].index] = stored[i].hash;
			log->is_stored[stored[i].level][stored[i].index] = true;
		}
		log->size = n + 1;
	}
	return log;
}

/* Leaf hash i, computed here from the data rather than read from the store. */
static void expected_leaf_hash(unsigned char *out, uint64_t i)
{
	unsigned char message[9];

	message[0] = 0x00;
	leaf_data(message + 1, i);
	assert_int_equal(crypto_hash(CRYPTO_HASH_SHA256, out, message, sizeof(message)), 0);
}

/* MTH of n consecutive hashes (n a power of two), by pairwise reduction in place. */
static void reduce_pairwise(unsigned char *hashes, size_t n)
{
	for (; n > 1; n /= 2) {
		for (size_t i = 0; i < n / 2; i++) {
			unsigned char pair[2 * MERKLE_HASH_BYTES];

			memcpy(pair, hashes + 2 * i * MERKLE_HASH_BYTES, sizeof(pair));
			assert_int_equal(crypto_hash2(CRYPTO_HASH_SHA256,
						      hashes + i * MERKLE_HASH_BYTES, 0x01, pair,
						      MERKLE_HASH_BYTES, pair + MERKLE_HASH_BYTES,
						      MERKLE_HASH_BYTES),
					 0);
		}
	}
}

static void test_hash_tiles_of_a_300_leaf_tree(void **state)
{
	struct test_log *log = log_with_leaves(300);
	unsigned char *tile = sx_malloc(TILE_FULL_BYTES);
	unsigned char want[MERKLE_HASH_BYTES];
	struct merkle_hash root256;
	int width = 0;

	(void)state;
	assert_non_null(tile);

	/* Level 0, tile 0: full, the leaf hashes 0..255. */
	assert_int_equal(tile_width_for(&width, 0, 0, 300), 0);
	assert_int_equal(width, 256);
	assert_int_equal(
		tile_hashes(tile, TILE_FULL_BYTES, &(struct tile_id){0, 0, width}, log_read, log),
		0);
	for (uint64_t i = 0; i < 256; i++) {
		expected_leaf_hash(want, i);
		assert_memory_equal(tile + i * MERKLE_HASH_BYTES, want, MERKLE_HASH_BYTES);
	}
	/* The spec's "each hash in a tile [at level 1] is the MTH of a full tile at the level
	 * below": reducing this tile gives the subtree of leaves 0..255. */
	reduce_pairwise(tile, 256);
	assert_int_equal(merkle_root(&root256, CRYPTO_HASH_SHA256, 256, log_read, log), 0);
	assert_memory_equal(tile, root256.bytes, MERKLE_HASH_BYTES);

	/* Level 0, tile 1: partial, width 44, leaf hashes 256..299. */
	assert_int_equal(tile_width_for(&width, 0, 1, 300), 0);
	assert_int_equal(width, 44);
	memset(tile, 0xaa, TILE_FULL_BYTES);
	assert_int_equal(tile_hashes(tile, 44 * MERKLE_HASH_BYTES, &(struct tile_id){0, 1, 44},
				     log_read, log),
			 0);
	for (uint64_t i = 0; i < 44; i++) {
		expected_leaf_hash(want, 256 + i);
		assert_memory_equal(tile + i * MERKLE_HASH_BYTES, want, MERKLE_HASH_BYTES);
	}
	/* Nothing past width * 32 bytes is written. */
	assert_int_equal(tile[44 * MERKLE_HASH_BYTES], 0xaa);

	/* Level 1, tile 0: width 1, the hash of the subtree of leaves 0..255. */
	assert_int_equal(tile_width_for(&width, 1, 0, 300), 0);
	assert_int_equal(width, 1);
	assert_int_equal(
		tile_hashes(tile, MERKLE_HASH_BYTES, &(struct tile_id){1, 0, 1}, log_read, log), 0);
	assert_memory_equal(tile, root256.bytes, MERKLE_HASH_BYTES);

	/* A wider partial tile than the tree has reaches a leaf that is not there. */
	assert_int_equal(
		tile_hashes(tile, TILE_FULL_BYTES, &(struct tile_id){0, 1, 45}, log_read, log),
		SX_ENOTFOUND);
	assert_int_equal(tile_width_for(&width, 1, 1, 300), SX_ENOTFOUND);

	sx_free(tile);
	sx_free(log);
}

static void test_hash_tiles_refuse_bad_requests(void **state)
{
	struct test_log *log = log_with_leaves(4);
	unsigned char tile[4 * MERKLE_HASH_BYTES];
	static const int errors[] = {SX_EIO, SX_EBUSY, 3};

	(void)state;
	assert_int_equal(tile_hashes(tile, sizeof(tile), &(struct tile_id){0, 0, 4}, log_read, log),
			 0);
	assert_int_equal(tile_hashes(NULL, sizeof(tile), &(struct tile_id){0, 0, 4}, log_read, log),
			 SX_EINVALID);
	assert_int_equal(tile_hashes(tile, sizeof(tile), NULL, log_read, log), SX_EINVALID);
	assert_int_equal(tile_hashes(tile, sizeof(tile), &(struct tile_id){0, 0, 4}, NULL, log),
			 SX_EINVALID);
	/* Entry bundles are not hash tiles. */
	assert_int_equal(tile_hashes(tile, sizeof(tile),
				     &(struct tile_id){TILE_LEVEL_ENTRIES, 0, 4}, log_read, log),
			 SX_EINVALID);
	assert_int_equal(
		tile_hashes(tile, sizeof(tile), &(struct tile_id){64, 0, 4}, log_read, log),
		SX_EINVALID);
	assert_int_equal(tile_hashes(tile, sizeof(tile), &(struct tile_id){0, 0, 0}, log_read, log),
			 SX_EINVALID);
	assert_int_equal(
		tile_hashes(tile, sizeof(tile), &(struct tile_id){0, 0, 257}, log_read, log),
		SX_EINVALID);
	/* Too small a buffer, by one byte. */
	assert_int_equal(
		tile_hashes(tile, sizeof(tile) - 1, &(struct tile_id){0, 0, 4}, log_read, log),
		SX_ETOOBIG);
	/* Tiles no tree of uint64_t size can have. */
	assert_int_equal(tile_hashes(tile, sizeof(tile), &(struct tile_id){8, 0, 1}, log_read, log),
			 SX_ENOTFOUND);
	assert_int_equal(
		tile_hashes(tile, sizeof(tile), &(struct tile_id){0, UINT64_MAX, 1}, log_read, log),
		SX_ENOTFOUND);
	assert_int_equal(tile_hashes(tile, sizeof(tile), &(struct tile_id){0, UINT64_MAX / 256, 4},
				     log_read, log),
			 SX_ENOTFOUND);
	/* Reader failures come back as they are; a positive return is a reader bug. */
	for (size_t i = 0; i < ARRAY_LEN(errors); i++) {
		log->fail_with = errors[i];
		assert_int_equal(
			tile_hashes(tile, sizeof(tile), &(struct tile_id){0, 0, 4}, log_read, log),
			errors[i] > 0 ? SX_EINTERNAL : errors[i]);
	}
	sx_free(log);
}

/* ---- entry bundles ------------------------------------------------------------------------ */

static void test_bundle_encodes_big_endian_length_prefixes(void **state)
{
	static const unsigned char want[] = {0x00, 0x00, 0x00, 0x02, 'a', 'b', 0x00, 0x01, 0x00};
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(tile_bundle_append(&b, NULL, 0), 0);
	assert_int_equal(tile_bundle_append(&b, "ab", 2), 0);
	assert_int_equal(tile_bundle_append(&b, "\0", 1), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	buf_free(&b);
}

static void test_bundle_round_trips_entries_of_every_size_class(void **state)
{
	static const size_t lengths[] = {0, 1, 255, 256, 257, 1000, 65534, 65535};
	unsigned char *entry = sx_malloc(TILE_ENTRY_MAX);
	const unsigned char *cursor, *end, *got;
	struct buf b;
	size_t got_len;

	(void)state;
	assert_non_null(entry);
	for (size_t i = 0; i < TILE_ENTRY_MAX; i++)
		entry[i] = (unsigned char)(i * 31 + 7);
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < ARRAY_LEN(lengths); i++)
		assert_int_equal(tile_bundle_append(&b, entry, lengths[i]), 0);
	/* 0x0100 for 256 and 0xffff for 65535: the high byte comes first. */
	assert_int_equal((unsigned char)b.data[2 + 0 + 2 + 1 + 2 + 255], 0x01);
	assert_int_equal((unsigned char)b.data[2 + 0 + 2 + 1 + 2 + 255 + 1], 0x00);

	cursor = (const unsigned char *)b.data;
	end = cursor + b.len;
	for (size_t i = 0; i < ARRAY_LEN(lengths); i++) {
		assert_int_equal(tile_bundle_next(&got, &got_len, &cursor, end), 1);
		assert_int_equal(got_len, lengths[i]);
		if (got_len > 0)
			assert_memory_equal(got, entry, got_len);
	}
	assert_int_equal(tile_bundle_next(&got, &got_len, &cursor, end), 0);
	assert_ptr_equal(cursor, end);
	/* And again: the end stays the end. */
	assert_int_equal(tile_bundle_next(&got, &got_len, &cursor, end), 0);
	buf_free(&b);
	sx_free(entry);
}

static void test_bundle_append_refuses_and_leaves_the_bundle_unchanged(void **state)
{
	unsigned char *big = sx_calloc(1, TILE_ENTRY_MAX + 1);
	struct buf b, small;

	(void)state;
	assert_non_null(big);
	buf_init(&b, 1 << 20);
	assert_int_equal(tile_bundle_append(&b, "keep", 4), 0);

	assert_int_equal(tile_bundle_append(&b, big, TILE_ENTRY_MAX + 1), SX_ETOOBIG);
	assert_int_equal(tile_bundle_append(&b, NULL, 1), SX_EINVALID);
	assert_int_equal(tile_bundle_append(NULL, "x", 1), SX_EINVALID);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "\x00\x04keep", 6);

	/* The cap counts prefix and entry together: 6 + 2 + 2 fits in 10, 6 + 2 + 3 does not. */
	buf_init(&small, 10);
	assert_int_equal(tile_bundle_append(&small, "keep", 4), 0);
	assert_int_equal(tile_bundle_append(&small, "abc", 3), SX_ETOOBIG);
	assert_int_equal(small.len, 6);
	assert_int_equal(small.data[6], '\0');
	assert_int_equal(tile_bundle_append(&small, "ab", 2), 0);
	assert_int_equal(small.len, 10);
	assert_int_equal(tile_bundle_append(&small, NULL, 0), SX_ETOOBIG);
	assert_int_equal(small.len, 10);

	buf_free(&small);
	buf_free(&b);
	sx_free(big);
}

static void test_bundle_append_rolls_back_when_growing_for_the_entry_fails(void **state)
{
	struct buf b;
	char copy[256];
	size_t len;

	(void)state;
	/* The first allocation fails: nothing appended, nothing allocated. */
	buf_init(&b, 1 << 20);
	sx_mem_fail_after(0);
	assert_int_equal(tile_bundle_append(&b, "entry", 5), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_int_equal(b.len, 0);
	assert_null(b.data);

	/* Fill until exactly the 2-byte prefix fits without growing; then growing for the entry
	 * fails after the prefix went in, and the prefix must be taken back. */
	assert_int_equal(buf_append(&b, "x", 1), 0);
	while (b.cap - b.len - 1 > 2)
		assert_int_equal(buf_append(&b, "y", 1), 0);
	assert_true(b.len < sizeof(copy));
	len = b.len;
	memcpy(copy, b.data, len);
	sx_mem_fail_after(0);
	assert_int_equal(tile_bundle_append(&b, "entry", 5), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, copy, len);
	assert_int_equal(b.data[len], '\0');

	/* Afterwards the same append succeeds. */
	assert_int_equal(tile_bundle_append(&b, "entry", 5), 0);
	assert_int_equal(b.len, len + 7);
	assert_memory_equal(b.data + len,
			    "\x00\x05"
			    "entry",
			    7);
	buf_free(&b);
}

static void test_bundle_next_refuses_truncated_bundles(void **state)
{
	static const unsigned char bundle[] = {0x00, 0x03, 'a', 'b', 'c', 0x00, 0x05, 'd', 'e'};
	const unsigned char *cursor, *entry = NULL;
	size_t len = 77;

	(void)state;
	cursor = bundle;
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + sizeof(bundle)), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(entry, "abc", 3);
	/* The second entry claims 5 bytes but has 2. */
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + sizeof(bundle)),
			 SX_EINVALID);
	assert_ptr_equal(cursor, bundle + 5);
	assert_int_equal(len, 3);
	assert_ptr_equal(entry, bundle + 2);

	/* Half a length prefix. */
	cursor = bundle;
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + 1), SX_EINVALID);
	assert_ptr_equal(cursor, bundle);
	/* An entry cut short by one byte. */
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + 4), SX_EINVALID);
	/* Empty bundle. */
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle), 0);
	/* A cursor past the end, and NULL arguments. */
	cursor = bundle + 3;
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + 2), SX_EINVALID);
	assert_int_equal(tile_bundle_next(NULL, &len, &cursor, bundle + 9), SX_EINVALID);
	assert_int_equal(tile_bundle_next(&entry, NULL, &cursor, bundle + 9), SX_EINVALID);
	assert_int_equal(tile_bundle_next(&entry, &len, NULL, bundle + 9), SX_EINVALID);
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, NULL), SX_EINVALID);
	cursor = NULL;
	assert_int_equal(tile_bundle_next(&entry, &len, &cursor, bundle + 9), SX_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_match_the_spec_examples),
		cmocka_unit_test(test_format_then_parse_round_trips),
		cmocka_unit_test(test_parse_rejects_non_canonical_paths),
		cmocka_unit_test(test_parse_uses_the_given_length_not_a_nul),
		cmocka_unit_test(test_every_accepted_mutation_of_a_path_is_canonical),
		cmocka_unit_test(test_format_refuses_bad_tiles_and_small_buffers),
		cmocka_unit_test(test_width_follows_the_spec_examples),
		cmocka_unit_test(test_width_for_every_size_up_to_1000_counts_the_hashes_per_tile),
		cmocka_unit_test(test_width_for_refuses_bad_arguments),
		cmocka_unit_test(test_hash_tiles_of_a_300_leaf_tree),
		cmocka_unit_test(test_hash_tiles_refuse_bad_requests),
		cmocka_unit_test(test_bundle_encodes_big_endian_length_prefixes),
		cmocka_unit_test(test_bundle_round_trips_entries_of_every_size_class),
		cmocka_unit_test(test_bundle_append_refuses_and_leaves_the_bundle_unchanged),
		cmocka_unit_test(test_bundle_append_rolls_back_when_growing_for_the_entry_fails),
		cmocka_unit_test(test_bundle_next_refuses_truncated_bundles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
