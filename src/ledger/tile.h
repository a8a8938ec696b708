/*
 * ledger/tile — the C2SP tlog-tiles view of the ledger's Merkle tree: tile
 * paths, which tiles exist for a tree size, the bytes of a hash tile, and the
 * entry bundle encoding.
 *
 * Tiles have height 8. The tile at level L, index N holds the hashes at tree
 * level 8L with indices 256N .. 256N + W - 1, i.e. for i in 0..W-1
 * MTH(D[(256N + i) * 256^L : (256N + i + 1) * 256^L]), each 32 bytes,
 * concatenated; W = 256 is a full tile, W in 1..255 a partial one. For a tree
 * of s leaves, level L has c = floor(s / 256^L) hashes, so floor(c / 256) full
 * tiles and, when c mod 256 > 0, one partial tile of width c mod 256 (e.g.
 * s = 70,000: 273 full level-0 tiles and one of width 112, one full level-1
 * tile and one of width 17, one level-2 tile of width 1). Entry bundles mirror
 * the level-0 tiles: bundle N holds entries 256N .. 256N + W - 1, each as a
 * big-endian uint16 length followed by that many bytes.
 *
 * Paths: "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]", where <L> is
 * 0..63 in decimal without leading zeros, <N> is written in zero-padded groups
 * of three digits, all but the last prefixed with 'x' (1234067 is
 * "x001/x234/067", 0 is "000"), and ".p/<W>" appears only for W in 1..255, in
 * decimal without leading zeros. Every tile has exactly one path, and the
 * parser accepts nothing else, so a path can be used as a cache or file name.
 *
 * Invariants: no allocation except through struct buf in tile_bundle_append;
 * hashes come from a merkle_reader_fn (see ledger/merkle.h), nothing is stored.
 *
 * Does not: serve HTTP, compress bundles, prune, or produce checkpoints.
 *
 * Follows: C2SP tlog-tiles (c2sp.org/tlog-tiles), RFC 6962 §2.1.
 */
#ifndef SX_LEDGER_TILE_H
#define SX_LEDGER_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ledger/merkle.h"

/* Tree levels covered by one tile. */
#define TILE_HEIGHT 8

/* Hashes (or entries) in a full tile: 2^TILE_HEIGHT. */
#define TILE_WIDTH 256

/* Highest tile level a path may name (the spec's bound; trees of uint64_t size reach level 7). */
#define TILE_MAX_LEVEL 63

/* tile_id.level of an entry bundle ("tile/entries/…"). */
#define TILE_LEVEL_ENTRIES (-1)

/* Bytes a path can take, with its NUL: "tile/entries/" (13) + 7 groups (33) + ".p/255" (6) + 1. */
#define TILE_PATH_MAX 64

/* Bytes of a full hash tile. */
#define TILE_FULL_BYTES (TILE_WIDTH * MERKLE_HASH_BYTES)

/* Largest entry an entry bundle can carry: the length prefix is a uint16. */
#define TILE_ENTRY_MAX 65535

/* A tile or entry bundle. */
struct tile_id {
	int level;      /* L, 0..TILE_MAX_LEVEL; TILE_LEVEL_ENTRIES (-1) for an entry bundle */
	uint64_t index; /* N, position of the tile in its level from the left */
	int width;      /* W, 1..TILE_WIDTH hashes or entries; TILE_WIDTH = full */
};

/*
 * Writes the path of t, e.g. "tile/0/x001/234", "tile/1/005.p/7",
 * "tile/entries/x001/234.p/3", NUL-terminated, into out[0..out_size).
 * TILE_PATH_MAX always suffices.
 *
 * Returns 0; SX_EINVALID for NULL arguments, level outside -1..63 or width
 * outside 1..256; SX_ETOOBIG when out_size cannot hold the path (then out is
 * the empty string when out_size > 0).
 */
int tile_path_format(char *out, size_t out_size, const struct tile_id *t);

/*
 * Parses path[0..len) (no NUL needed; an embedded NUL is rejected) as a tile
 * or entry bundle path starting with "tile/", the exact inverse of
 * tile_path_format: any non-canonical spelling is rejected — a level with
 * leading zeros or above 63, a leading "x000" group, a group of other than
 * three digits, a missing 'x' or one on the last group, an index beyond
 * uint64_t, ".p/256", ".p/0", a width with leading zeros, or trailing bytes.
 *
 * Returns 0 and fills *out; SX_EINVALID for NULL arguments or a path that is
 * not canonical (then *out is unchanged).
 */
int tile_path_parse(struct tile_id *out, const char *path, size_t len);

/*
 * Sets *width to the width of tile (level, index) in the tree of tree_size
 * leaves: TILE_WIDTH for a full tile, or c mod 256 for the rightmost partial
 * tile, where c = tree_size >> (8 * level). level TILE_LEVEL_ENTRIES gives the
 * entry bundle's width (that of the level-0 tile). A partial tile exists only
 * with this width at this size: the same index at another width belongs to
 * another tree size.
 *
 * Returns 0; SX_EINVALID for NULL width or level outside -1..63;
 * SX_ENOTFOUND when the tree has no such tile (index past the last tile, or
 * the level is empty). On error *width is unchanged.
 */
int tile_width_for(int *width, int level, uint64_t index, uint64_t tree_size);

/*
 * Fills out with the hash tile t: the t->width hashes at tree level 8 * level,
 * indices 256 * index .. 256 * index + width - 1, concatenated, 32 bytes each
 * (width * MERKLE_HASH_BYTES bytes). Reads each hash through read; the caller
 * checks with tile_width_for that the tile belongs to a tree size it has
 * published.
 *
 * Returns 0; SX_EINVALID for NULL arguments, an entry bundle, or a level or
 * width out of range; SX_ETOOBIG when out_size < width * MERKLE_HASH_BYTES;
 * SX_ENOTFOUND when no tree of uint64_t size has that tile (level >= 8, or the
 * indices overflow); the reader's error (a positive return becomes
 * SX_EINTERNAL). On error out is unspecified.
 */
int tile_hashes(unsigned char *out, size_t out_size, const struct tile_id *t, merkle_reader_fn read,
		void *ctx);

/*
 * Appends one entry to an entry bundle being built in out: its length as a
 * big-endian uint16, then entry[0..len). entry may be NULL when len is 0.
 *
 * Returns 0; SX_EINVALID for NULL out or NULL entry with len > 0; SX_ETOOBIG
 * when len > TILE_ENTRY_MAX or out's cap cannot take 2 + len more bytes;
 * SX_ENOMEM. On error out is unchanged (same length and bytes).
 */
int tile_bundle_append(struct buf *out, const void *entry, size_t len);

/*
 * Reads the next entry of an entry bundle. *cursor points at the next length
 * prefix and end one past the bundle's last byte. On success *entry and *len
 * describe the entry (pointing into the bundle, not copied) and *cursor moves
 * past it.
 *
 * Returns 1 when an entry was read; 0 at the end of the bundle (*cursor ==
 * end); SX_EINVALID for NULL arguments, *cursor > end, or a truncated length
 * prefix or entry (then *cursor, *entry and *len are unchanged).
 */
int tile_bundle_next(const unsigned char **entry, size_t *len, const unsigned char **cursor,
		     const unsigned char *end);

#endif
