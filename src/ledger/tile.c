/*
 * ledger/tile — see tile.h.
 *
 * The path parser reads left to right from an end pointer and checks each
 * canonical rule where it applies (no leading zeros, 'x' on every group but
 * the last, first group not "x000", width 1..255), so that parse and format
 * are exact inverses; the unit test checks that by mutating valid paths and
 * requiring every accepted mutation to format back to itself.
 */
#include "ledger/tile.h"

#include <stdbool.h>
#include <string.h>

#include "base/error.h"

/* Groups of three digits needed for any uint64_t index (20 digits). */
#define TILE_INDEX_GROUPS_MAX 7

static const char tile_prefix[] = "tile/";
static const char tile_entries[] = "entries/";
static const char tile_partial[] = ".p/";

static bool tile_level_is_valid(int level)
{
	return level == TILE_LEVEL_ENTRIES || (level >= 0 && level <= TILE_MAX_LEVEL);
}

static bool tile_width_is_valid(int width)
{
	return width >= 1 && width <= TILE_WIDTH;
}

/* Appends len bytes to out[*pos..); the caller sized out for the longest path. */
static void put(char *out, size_t *pos, const char *s, size_t len)
{
	memcpy(out + *pos, s, len);
	*pos += len;
}

/* Appends value (< 1000) in decimal without leading zeros. */
static void put_decimal(char *out, size_t *pos, unsigned value)
{
	char digits[3];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	while (n > 0)
		out[(*pos)++] = digits[--n];
}

static void put_group(char *out, size_t *pos, unsigned value)
{
	out[(*pos)++] = (char)('0' + value / 100);
	out[(*pos)++] = (char)('0' + value / 10 % 10);
	out[(*pos)++] = (char)('0' + value % 10);
}

int tile_path_format(char *out, size_t out_size, const struct tile_id *t)
{
	char path[TILE_PATH_MAX];
	unsigned groups[TILE_INDEX_GROUPS_MAX];
	size_t pos = 0, group_count = 0;
	uint64_t n;

	if (out == NULL || t == NULL || !tile_level_is_valid(t->level) ||
	    !tile_width_is_valid(t->width)) {
		if (out != NULL && out_size > 0)
			out[0] = '\0';
		return SX_EINVALID;
	}

	put(path, &pos, tile_prefix, sizeof(tile_prefix) - 1);
	if (t->level == TILE_LEVEL_ENTRIES) {
		put(path, &pos, tile_entries, sizeof(tile_entries) - 1);
	} else {
		put_decimal(path, &pos, (unsigned)t->level);
		path[pos++] = '/';
	}
	n = t->index;
	do {
		groups[group_count++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n > 0);
	while (group_count > 1) {
		path[pos++] = 'x';
		put_group(path, &pos, groups[--group_count]);
		path[pos++] = '/';
	}
	put_group(path, &pos, groups[0]);
	if (t->width != TILE_WIDTH) {
		put(path, &pos, tile_partial, sizeof(tile_partial) - 1);
		put_decimal(path, &pos, (unsigned)t->width);
	}

	if (pos >= out_size) {
		if (out_size > 0)
			out[0] = '\0';
		return SX_ETOOBIG;
	}
	memcpy(out, path, pos);
	out[pos] = '\0';
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool has_prefix(const char *p, const char *end, const char *prefix, size_t prefix_len)
{
	return (size_t)(end - p) >= prefix_len && memcmp(p, prefix, prefix_len) == 0;
}

/*
 * Reads a decimal number of 1..max_digits digits without leading zeros ("0"
 * itself is fine) at *p. Returns false when there is none or it is longer.
 */
static bool parse_small_decimal(unsigned *out, const char **p, const char *end, int max_digits)
{
	const char *q = *p;
	unsigned value = 0;
	int digits = 0;

	while (q < end && is_digit(*q)) {
		if (++digits > max_digits)
			return false;
		value = value * 10 + (unsigned)(*q - '0');
		q++;
	}
	if (digits == 0 || (digits > 1 && **p == '0'))
		return false;
	*out = value;
	*p = q;
	return true;
}

/* Reads exactly three digits at *p. */
static bool parse_group(unsigned *out, const char **p, const char *end)
{
	const char *q = *p;

	if (end - q < 3 || !is_digit(q[0]) || !is_digit(q[1]) || !is_digit(q[2]))
		return false;
	*out = (unsigned)(q[0] - '0') * 100 + (unsigned)(q[1] - '0') * 10 + (unsigned)(q[2] - '0');
	*p = q + 3;
	return true;
}

int tile_path_parse(struct tile_id *out, const char *path, size_t len)
{
	const char *p = path, *end;
	struct tile_id t;
	unsigned value;
	bool is_first = true;

	if (out == NULL || path == NULL)
		return SX_EINVALID;
	end = path + len;

	if (!has_prefix(p, end, tile_prefix, sizeof(tile_prefix) - 1))
		return SX_EINVALID;
	p += sizeof(tile_prefix) - 1;
	if (has_prefix(p, end, tile_entries, sizeof(tile_entries) - 1)) {
		t.level = TILE_LEVEL_ENTRIES;
		p += sizeof(tile_entries) - 1;
	} else {
		if (!parse_small_decimal(&value, &p, end, 2) || value > TILE_MAX_LEVEL)
			return SX_EINVALID;
		if (p == end || *p != '/')
			return SX_EINVALID;
		t.level = (int)value;
		p++;
	}

	t.index = 0;
	for (;;) {
		bool is_last = p == end || *p != 'x';

		if (!is_last)
			p++;
		if (!parse_group(&value, &p, end))
			return SX_EINVALID;
		/* A leading zero group would give a second spelling of the same index. */
		if (!is_last && is_first && value == 0)
			return SX_EINVALID;
		if (t.index > (UINT64_MAX - value) / 1000)
			return SX_EINVALID;
		t.index = t.index * 1000 + value;
		is_first = false;
		if (is_last)
			break;
		if (p == end || *p != '/')
			return SX_EINVALID;
		p++;
	}

	t.width = TILE_WIDTH;
	if (p != end) {
		if (!has_prefix(p, end, tile_partial, sizeof(tile_partial) - 1))
			return SX_EINVALID;
		p += sizeof(tile_partial) - 1;
		/* A full tile has no ".p/256" spelling, and an empty tile does not exist. */
		if (!parse_small_decimal(&value, &p, end, 3) || value == 0 || value >= TILE_WIDTH)
			return SX_EINVALID;
		t.width = (int)value;
		if (p != end)
			return SX_EINVALID;
	}
	*out = t;
	return 0;
}

int tile_width_for(int *width, int level, uint64_t index, uint64_t tree_size)
{
	uint64_t count, full;
	unsigned shift;

	if (width == NULL || !tile_level_is_valid(level))
		return SX_EINVALID;
	if (level == TILE_LEVEL_ENTRIES)
		level = 0;
	shift = (unsigned)level * TILE_HEIGHT;
	count = shift >= 64 ? 0 : tree_size >> shift;
	full = count / TILE_WIDTH;
	if (index < full) {
		*width = TILE_WIDTH;
		return 0;
	}
	if (index == full && count % TILE_WIDTH != 0) {
		*width = (int)(count % TILE_WIDTH);
		return 0;
	}
	return SX_ENOTFOUND;
}

int tile_hashes(unsigned char *out, size_t out_size, const struct tile_id *t, merkle_reader_fn read,
		void *ctx)
{
	struct merkle_hash h;
	uint64_t first;
	int level, rc;

	if (out == NULL || t == NULL || read == NULL || t->level < 0 || t->level > TILE_MAX_LEVEL ||
	    !tile_width_is_valid(t->width))
		return SX_EINVALID;
	if (out_size < (size_t)t->width * MERKLE_HASH_BYTES)
		return SX_ETOOBIG;
	/* Tree levels of uint64_t trees stop at 63: tile level 8 would start at tree level 64. */
	level = t->level * TILE_HEIGHT;
	if (level > 63 || t->index > UINT64_MAX / TILE_WIDTH)
		return SX_ENOTFOUND;
	/* index <= UINT64_MAX / 256, so first + 255 cannot wrap either. */
	first = t->index * TILE_WIDTH;

	for (int i = 0; i < t->width; i++) {
		rc = read(&h, level, first + (uint64_t)i, ctx);
		if (rc > 0)
			rc = SX_EINTERNAL;
		if (rc < 0)
			return rc;
		memcpy(out + (size_t)i * MERKLE_HASH_BYTES, h.bytes, MERKLE_HASH_BYTES);
	}
	return 0;
}

int tile_bundle_append(struct buf *out, const void *entry, size_t len)
{
	unsigned char prefix[2];
	size_t old_len;
	int rc;

	if (out == NULL || (entry == NULL && len > 0))
		return SX_EINVALID;
	if (len > TILE_ENTRY_MAX)
		return SX_ETOOBIG;
	/* Check the cap for both parts first, so the common refusal needs no rollback. */
	if (out->len > out->max_bytes || out->max_bytes - out->len < 2 + len)
		return SX_ETOOBIG;

	old_len = out->len;
	prefix[0] = (unsigned char)(len >> 8);
	prefix[1] = (unsigned char)(len & 0xff);
	if ((rc = buf_append(out, prefix, sizeof(prefix))) < 0)
		return rc;
	if ((rc = buf_append(out, entry, len)) < 0) {
		/* Growing for the entry failed after the prefix went in: take the prefix back,
		 * keeping buf's invariant of a NUL at data[len]. */
		out->len = old_len;
		out->data[old_len] = '\0';
		return rc;
	}
	return 0;
}

int tile_bundle_next(const unsigned char **entry, size_t *len, const unsigned char **cursor,
		     const unsigned char *end)
{
	const unsigned char *p;
	size_t n;

	if (entry == NULL || len == NULL || cursor == NULL || *cursor == NULL || end == NULL)
		return SX_EINVALID;
	p = *cursor;
	if (p > end)
		return SX_EINVALID;
	if (p == end)
		return 0;
	if (end - p < 2)
		return SX_EINVALID;
	n = (size_t)p[0] << 8 | (size_t)p[1];
	if ((size_t)(end - p - 2) < n)
		return SX_EINVALID;
	*entry = p + 2;
	*len = n;
	*cursor = p + 2 + n;
	return 1;
}
