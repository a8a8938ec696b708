/*
 * ledger/merkle — the mathematics of the ledger's Merkle tree: leaf and node
 * hashes, tree heads, inclusion and consistency proofs and their verification.
 *
 * The tree is the one of RFC 6962 §2.1 (as restated in RFC 9162 §2.1): for n
 * leaves D[0:n], MTH({}) = H(""), MTH({d}) = H(0x00 || d), and for n > 1,
 * with k the largest power of two smaller than n,
 * MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])). H is SHA-256 (the
 * default, interoperable with C2SP tooling) or SM3 (the 国密 profile), fixed
 * per log; both give 32 bytes.
 *
 * Storage model. The log keeps the hash of every *complete* subtree, named by
 * (level, index): level 0 holds the leaf hashes, and (k, i) is MTH of leaves
 * [i*2^k, (i+1)*2^k). A complete subtree never changes once its last leaf is
 * appended, so these hashes are written once (merkle_stored_for_append) and
 * every tree head and proof for any size is computed from O(log n) of them
 * (the same scheme as Go's golang.org/x/mod/sumdb/tlog and the hashes that
 * C2SP tlog-tiles serves). Hashes reach this module only through a
 * caller-provided merkle_reader_fn.
 *
 * Invariants: every function is pure apart from calling the reader; nothing is
 * allocated; a proof never has more than MERKLE_MAX_PROOF hashes; a proof for
 * size n reads only subtrees inside leaves [0, n), so it is the same whatever
 * the log has grown to since.
 *
 * Does not: store anything, know about SQL, tiles or checkpoints (see
 * ledger/tile and the ledger module), or hash leaf *data* into events — the
 * caller decides what a leaf is.
 *
 * Follows: RFC 6962 §2.1 (tree, MTH), RFC 9162 §2.1.3.1 (PATH), §2.1.3.2
 * (verifying inclusion), §2.1.4.1 (PROOF / SUBPROOF), §2.1.4.2 (verifying
 * consistency); GB/T 32905-2016 for SM3.
 */
#ifndef SX_LEDGER_MERKLE_H
#define SX_LEDGER_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"

/* Bytes in every hash of the tree, for SHA-256 and SM3 alike. */
#define MERKLE_HASH_BYTES 32

/*
 * The most hashes a proof made here has. Inclusion proofs never need more for
 * trees of up to 2^64 - 1 leaves; consistency proofs can need 65 once `to`
 * reaches 2^63 leaves (e.g. from 2^64 - 3 to 2^64 - 1), and those are refused.
 */
#define MERKLE_MAX_PROOF 64

/* The most subtree hashes one append creates: the leaf and up to 63 completed parents. */
#define MERKLE_MAX_STORED 64

/* One hash of the tree: a leaf hash, an interior node or a tree head. */
struct merkle_hash {
	unsigned char bytes[MERKLE_HASH_BYTES];
};

/*
 * Reads the stored hash of the complete subtree (level, index) — leaves
 * [index * 2^level, (index + 1) * 2^level) — into *out.
 *
 * Returns 0, or a negative SX_E* code that the calling function passes on
 * unchanged (SX_ENOTFOUND when the subtree is not stored, SX_EIO …). A
 * positive return is a bug in the reader and becomes SX_EINTERNAL.
 */
typedef int (*merkle_reader_fn)(struct merkle_hash *out, int level, uint64_t index, void *ctx);

/* A complete-subtree hash to store: (level, index) as for merkle_reader_fn. */
struct merkle_stored {
	int level;               /* 0..63; 0 = leaf hash */
	uint64_t index;          /* position among the subtrees of this level, from the left */
	struct merkle_hash hash; /* MTH of leaves [index << level, (index + 1) << level) */
};

/*
 * Computes the leaf hash H(0x00 || data) of data[0..len) (RFC 6962 §2.1).
 * data may be NULL when len is 0.
 *
 * Returns 0; SX_EINVALID for NULL out, an unknown alg or NULL data with
 * len > 0; SX_ENOMEM or SX_EINTERNAL from crypto/hash. On error *out is
 * unspecified.
 */
int merkle_leaf_hash(struct merkle_hash *out, enum crypto_hash_alg alg, const void *data,
		     size_t len);

/*
 * Computes the interior node hash H(0x01 || left || right) (RFC 6962 §2.1).
 * out may alias left or right.
 *
 * Returns as merkle_leaf_hash (SX_EINVALID also for NULL left or right).
 */
int merkle_node_hash(struct merkle_hash *out, enum crypto_hash_alg alg,
		     const struct merkle_hash *left, const struct merkle_hash *right);

/*
 * Computes the tree head of the empty tree, H("") (RFC 6962 §2.1; not the
 * all-zero hash that Go's tlog.TreeHash uses for size 0).
 *
 * Returns as merkle_leaf_hash.
 */
int merkle_empty_root(struct merkle_hash *out, enum crypto_hash_alg alg);

/* Whether a and b hold the same bytes. Not constant time: tree hashes are public. */
bool merkle_hash_equal(const struct merkle_hash *a, const struct merkle_hash *b);

/*
 * Computes the subtree hashes to store after appending leaf n (0-based; the
 * tree grows from n to n + 1 leaves) whose leaf hash is *leaf_hash: first
 * (0, n) = *leaf_hash, then, while the index at the current level is odd,
 * (level + 1, index / 2) = node(stored(level, index - 1), current). That is
 * 1 + (number of trailing one bits of n) entries, at most MERKLE_MAX_STORED.
 *
 * read must already return the hashes stored for leaves 0..n-1 — including
 * those of earlier leaves of the same batch that are not yet committed. It is
 * called once per entry after the first, never for a position >= n.
 *
 * out receives the entries in order of level; *count how many. out_cap is the
 * number of entries out can hold (MERKLE_MAX_STORED always suffices).
 *
 * Returns 0; SX_EINVALID for NULL arguments or an unknown alg; SX_ETOOBIG when
 * out_cap is too small for this n (checked before any read) or n is
 * UINT64_MAX (the tree would outgrow uint64_t); the reader's error; errors of
 * crypto/hash. On error *count is 0 (when count is not NULL) and out is
 * unspecified: store nothing.
 */
int merkle_stored_for_append(struct merkle_stored *out, size_t out_cap, size_t *count,
			     enum crypto_hash_alg alg, uint64_t n,
			     const struct merkle_hash *leaf_hash, merkle_reader_fn read, void *ctx);

/*
 * Computes the tree head MTH(D[0:size]) from complete-subtree reads: one read
 * per one bit of size (at most 64) and one node hash fewer. Size 0 gives
 * merkle_empty_root without reading.
 *
 * Returns 0; SX_EINVALID for NULL out or read (read may be NULL when size is
 * 0) or an unknown alg; the reader's error; errors of crypto/hash. On error
 * *out is unspecified.
 */
int merkle_root(struct merkle_hash *out, enum crypto_hash_alg alg, uint64_t size,
		merkle_reader_fn read, void *ctx);

/*
 * Computes the inclusion proof (audit path) of leaf `index` in the tree of
 * `size` leaves: PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, ordered from the
 * leaf's sibling up to the child of the root. out must hold MERKLE_MAX_PROOF
 * hashes; *count receives how many were written (0 for a tree of one leaf).
 *
 * Returns 0; SX_EINVALID for NULL arguments, an unknown alg or index >= size;
 * the reader's error (SX_ENOTFOUND when the log is shorter than size); errors
 * of crypto/hash. On error *count is 0 (when count is not NULL).
 */
int merkle_inclusion_proof(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			   uint64_t index, uint64_t size, merkle_reader_fn read, void *ctx);

/*
 * Computes the consistency proof between the trees of `from` and `to` leaves:
 * PROOF(from, D[0:to]) of RFC 9162 §2.1.4.1. from must be in 1..to; from == to
 * gives an empty proof. out must hold MERKLE_MAX_PROOF hashes; *count receives
 * how many were written.
 *
 * Returns 0; SX_EINVALID for NULL arguments, an unknown alg, from == 0 or
 * from > to; SX_ETOOBIG when the proof would have more than MERKLE_MAX_PROOF
 * hashes (only for trees of 2^63 leaves or more; checked before any read); the
 * reader's error; errors of crypto/hash. On error *count is 0 (when count is
 * not NULL).
 */
int merkle_consistency_proof(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			     uint64_t from, uint64_t to, merkle_reader_fn read, void *ctx);

/*
 * Number of hashes in the inclusion proof of leaf index in a tree of size
 * leaves, or 0 when index >= size. What merkle_verify_inclusion requires.
 */
size_t merkle_inclusion_proof_len(uint64_t index, uint64_t size);

/*
 * Number of hashes in the consistency proof from `from` to `to` leaves, or 0
 * when from == to or the sizes are invalid (from == 0, from > to).
 */
size_t merkle_consistency_proof_len(uint64_t from, uint64_t to);

/*
 * Checks that proof[0..count) proves leaf hash *leaf_hash at position index in
 * the tree of size leaves whose head is *root, by the algorithm of RFC 9162
 * §2.1.3.2. A proof whose length differs from merkle_inclusion_proof_len is
 * malformed and rejected before any hashing.
 *
 * Returns 0 when the proof holds; SX_ECORRUPT when it is well formed but the
 * computed root differs from *root; SX_EINVALID for NULL arguments (proof may
 * be NULL when count is 0), an unknown alg, index >= size, or a proof of the
 * wrong length; errors of crypto/hash.
 */
int merkle_verify_inclusion(enum crypto_hash_alg alg, const struct merkle_hash *leaf_hash,
			    uint64_t index, uint64_t size, const struct merkle_hash *proof,
			    size_t count, const struct merkle_hash *root);

/*
 * Checks that proof[0..count) proves the tree of `to` leaves with head
 * *to_root extends the tree of `from` leaves with head *from_root, by the
 * algorithm of RFC 9162 §2.1.4.2. For from == to the proof must be empty and
 * the heads equal.
 *
 * Returns 0 when the proof holds; SX_ECORRUPT when it is well formed but a
 * computed head differs; SX_EINVALID for NULL arguments (proof may be NULL
 * when count is 0), an unknown alg, from == 0, from > to, or a proof of the
 * wrong length (merkle_consistency_proof_len); errors of crypto/hash.
 */
int merkle_verify_consistency(enum crypto_hash_alg alg, uint64_t from, uint64_t to,
			      const struct merkle_hash *from_root,
			      const struct merkle_hash *to_root, const struct merkle_hash *proof,
			      size_t count);

#endif
