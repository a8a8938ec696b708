/*
 * fuzz/fuzz_checkpoint — libFuzzer target for ledger/checkpoint and the path
 * parser of ledger/tile: a checkpoint's text comes from a note anyone can
 * hand to `sanxiang verify`, and tile paths are request paths of the public
 * tile server (c2sp.org/tlog-tiles).
 *
 * Every input is given whole to both checkpoint_parse and tile_path_parse.
 * Besides ASan/UBSan findings it aborts when a promise of checkpoint.h or
 * tile.h is broken: a parsed origin is NUL-terminated, 1..255 bytes of UTF-8
 * without controls; one spelling per value, so checkpoint_format of the
 * result is exactly the first three lines of the text (anything after them is
 * extension lines, each non-empty); *out zeroed on error. A parsed tile path
 * is in range and tile_path_format gives back exactly the input (the parser
 * is its exact inverse); on error *out is unchanged.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_checkpoint.c
 *   src/ledger/checkpoint.c src/ledger/tile.c src/ledger/merkle.c src/crypto/hash.c
 *   src/base/codec.c src/base/buf.c src/base/mem.c src/base/error.c -lcrypto
 * Seeds: fuzz/corpus/checkpoint/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "ledger/checkpoint.h"
#include "ledger/tile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static void fuzz_checkpoint(const char *text, size_t len)
{
	struct checkpoint c;
	struct buf b;
	size_t origin_len;
	int rc;

	memset(&c, 0xa5, sizeof(c));
	rc = checkpoint_parse(&c, text, len);
	if (rc < 0) {
		static const struct checkpoint zero;

		check(rc == SX_EINVALID || rc == SX_ETOOBIG);
		check(memcmp(&c, &zero, sizeof(c)) == 0);
		return;
	}
	check(rc == 0);
	check(memchr(c.origin, '\0', sizeof(c.origin)) != NULL);
	origin_len = strlen(c.origin);
	check(origin_len >= 1 && codec_is_valid_utf8(c.origin, origin_len));
	for (size_t i = 0; i < origin_len; i++)
		check((unsigned char)c.origin[i] >= 0x20);

	buf_init(&b, 4096);
	/* Out of memory is not a finding; anything else from format is. */
	rc = checkpoint_format(&b, &c);
	if (rc != SX_ENOMEM) {
		check(rc == 0 && b.len <= len && memcmp(b.data, text, b.len) == 0);
		/* What follows the three lines are extension lines: non-empty, '\n'-ended. */
		check(b.len == len || (text[b.len] != '\n' && text[len - 1] == '\n'));
		for (size_t i = b.len; i + 1 < len; i++)
			check(text[i] != '\n' || text[i + 1] != '\n');
	}
	buf_free(&b);
}

static void fuzz_tile_path(const char *path, size_t len)
{
	struct tile_id t, sentinel;
	char again[TILE_PATH_MAX];
	int rc;

	memset(&sentinel, 0x5a, sizeof(sentinel));
	t = sentinel;
	rc = tile_path_parse(&t, path, len);
	if (rc < 0) {
		check(rc == SX_EINVALID);
		check(memcmp(&t, &sentinel, sizeof(t)) == 0);
		return;
	}
	check(rc == 0);
	check(t.level >= TILE_LEVEL_ENTRIES && t.level <= TILE_MAX_LEVEL);
	check(t.width >= 1 && t.width <= TILE_WIDTH);
	check(tile_path_format(again, sizeof(again), &t) == 0);
	check(strlen(again) == len && memcmp(again, path, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_checkpoint((const char *)data, size);
	fuzz_tile_path((const char *)data, size);
	return 0;
}
