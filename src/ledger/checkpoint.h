/*
 * ledger/checkpoint — the body of a C2SP tlog-checkpoint: which log, how many
 * leaves, which root.
 *
 * A checkpoint is the text of a signed note (ledger/note) that commits the log
 * to its Merkle tree at one size. Clients (the public portal, `sanxiang
 * verify`, Go's sumdb/tlog, witnesses) check inclusion and consistency proofs
 * against it, so its bytes must be exactly what the spec says:
 *
 *     <origin>\n
 *     <tree size, decimal, no leading zeros ("0" for the empty tree)>\n
 *     <root hash, standard base64 with padding>\n
 *     [<extension line>\n ...]
 *
 * Invariants: checkpoint_format writes exactly three lines; checkpoint_parse
 * accepts one spelling per value (no "+", no leading zeros, canonical base64
 * of exactly 32 bytes), so the same checkpoint always has the same text and the
 * same signatures. The root is the RFC 6962 root hash of the log's hash
 * (SHA-256 or SM3, both 32 bytes); the checkpoint does not say which, the
 * log's configuration does.
 *
 * Extension lines: the spec makes them OPTIONAL and opaque, NOT RECOMMENDED,
 * and non-empty if present. We never write them; parse accepts them (they
 * must be non-empty) and drops them. The signature covers them, so a caller
 * that must refuse them compares checkpoint_format of the result with the text.
 *
 * Does not: sign or verify (ledger/note), compute roots (the tree module), or
 * check that the origin is a schema-less URL (a SHOULD; clients MUST NOT
 * assume it).
 *
 * Follows: c2sp.org/tlog-checkpoint, RFC 6962 §2.1, RFC 4648 §4.
 */
#ifndef SX_LEDGER_CHECKPOINT_H
#define SX_LEDGER_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define CHECKPOINT_ORIGIN_MAX 256 /* bytes of an origin including its NUL */
#define CHECKPOINT_ROOT_BYTES 32

struct checkpoint {
	char origin[CHECKPOINT_ORIGIN_MAX]; /* NUL-terminated, 1..255 bytes of UTF-8, no controls */
	uint64_t size;                      /* leaves in the tree; 0 = empty tree */
	unsigned char root[CHECKPOINT_ROOT_BYTES]; /* RFC 6962 root hash of the first size leaves */
};

/*
 * Appends the checkpoint text of c ("origin\nsize\nbase64(root)\n") to out, a
 * buffer the caller has set up with buf_init.
 *
 * Returns 0; SX_EINVALID for NULL arguments or an origin that is empty, not
 * NUL-terminated within origin[], not UTF-8, or holds a control character;
 * SX_ETOOBIG when out's cap is reached; SX_ENOMEM. On error out is unchanged.
 */
int checkpoint_format(struct buf *out, const struct checkpoint *c);

/*
 * Parses the checkpoint text text[0..len) (a note's text: it ends in '\n').
 * Extension lines are allowed and ignored (see above).
 *
 * Returns 0 and fills *out; SX_EINVALID for NULL arguments, fewer than three
 * lines, an empty line, a text not ending in '\n', text that is not UTF-8 or
 * holds a control character other than '\n', a size with a sign, leading zero
 * or other non-digit or above UINT64_MAX, or a root that is not canonical
 * base64 of exactly 32 bytes; SX_ETOOBIG for an origin longer than 255 bytes.
 * On error *out is zeroed (when out is not NULL).
 */
int checkpoint_parse(struct checkpoint *out, const char *text, size_t len);

#endif
