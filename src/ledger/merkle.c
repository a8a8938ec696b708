/*
 * ledger/merkle — see merkle.h.
 *
 * Ranges. The recursive definitions of RFC 9162 (MTH, PATH, SUBPROOF) only
 * ever ask for the hash of a range of leaves [lo, hi) whose start lo is a
 * multiple of the largest power of two not above hi - lo: left halves are
 * complete subtrees and right halves start where a complete subtree ends. Such
 * a range is the concatenation of complete subtrees of sizes given by the one
 * bits of hi - lo, largest first, and its MTH is those subtree hashes folded
 * from the right: MTH = node(s1, node(s2, … node(s_{m-1}, s_m))). range_hash
 * relies on that and checks the alignment, so that a bug here shows up as
 * SX_EINTERNAL instead of a wrong hash.
 *
 * Proofs are built iteratively by walking down from the root, which yields the
 * RFC's list in reverse (root side first); the walk records into a local array
 * and copies it out reversed, so out is written only on success paths and the
 * recursion depth is never a question.
 *
 * Hashing uses the one-shot crypto_hash2 (about 0.5 µs for SHA-256, 1 µs for
 * SM3 per node here): a handful of hashes per call does not justify allocating
 * a streaming hasher, and without allocation there is no ENOMEM path to get
 * wrong.
 */
#include "ledger/merkle.h"

#include <string.h>

#include "base/error.h"

/* Number of significant bits of x: 0 for 0, 64 for values >= 2^63. */
static int bit_len(uint64_t x)
{
	return x == 0 ? 0 : 64 - __builtin_clzll((unsigned long long)x);
}

static int count_ones(uint64_t x)
{
	return __builtin_popcountll((unsigned long long)x);
}

/* Trailing zero bits of x; x must not be 0. */
static int trailing_zeros(uint64_t x)
{
	return __builtin_ctzll((unsigned long long)x);
}

/* The largest power of two strictly smaller than n; n must be >= 2. */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (bit_len(n - 1) - 1);
}

static bool alg_is_valid(enum crypto_hash_alg alg)
{
	return crypto_hash_size(alg) == MERKLE_HASH_BYTES;
}

static int read_stored(struct merkle_hash *out, merkle_reader_fn read, int level, uint64_t index,
		       void *ctx)
{
	int rc = read(out, level, index, ctx);

	return rc > 0 ? SX_EINTERNAL : rc;
}

int merkle_leaf_hash(struct merkle_hash *out, enum crypto_hash_alg alg, const void *data,
		     size_t len)
{
	if (out == NULL || !alg_is_valid(alg) || (data == NULL && len > 0))
		return SX_EINVALID;
	return crypto_hash2(alg, out->bytes, 0x00, data, len, NULL, 0);
}

int merkle_node_hash(struct merkle_hash *out, enum crypto_hash_alg alg,
		     const struct merkle_hash *left, const struct merkle_hash *right)
{
	if (out == NULL || left == NULL || right == NULL || !alg_is_valid(alg))
		return SX_EINVALID;
	return crypto_hash2(alg, out->bytes, 0x01, left->bytes, MERKLE_HASH_BYTES, right->bytes,
			    MERKLE_HASH_BYTES);
}

int merkle_empty_root(struct merkle_hash *out, enum crypto_hash_alg alg)
{
	if (out == NULL || !alg_is_valid(alg))
		return SX_EINVALID;
	return crypto_hash(alg, out->bytes, NULL, 0);
}

bool merkle_hash_equal(const struct merkle_hash *a, const struct merkle_hash *b)
{
	if (a == NULL || b == NULL)
		return false;
	return memcmp(a->bytes, b->bytes, MERKLE_HASH_BYTES) == 0;
}

/*
 * MTH(D[lo:hi]) for lo < hi with lo aligned as described at the top of the
 * file. Reads one stored subtree per one bit of hi - lo, smallest (rightmost)
 * first, and folds them leftwards.
 */
static int range_hash(struct merkle_hash *out, enum crypto_hash_alg alg, uint64_t lo, uint64_t hi,
		      merkle_reader_fn read, void *ctx)
{
	uint64_t span = hi - lo;
	struct merkle_hash acc, piece;
	bool have_acc = false;
	int rc;

	if (lo >= hi || (lo & (((uint64_t)1 << (bit_len(span) - 1)) - 1)) != 0)
		return SX_EINTERNAL;
	for (int level = 0; level < 64; level++) {
		uint64_t above, start;

		if ((span >> level & 1) == 0)
			continue;
		/* The pieces left of this one are the one bits of span above `level`. */
		above = level == 63 ? 0 : span >> (level + 1) << (level + 1);
		start = lo + above;
		if (!have_acc) {
			if ((rc = read_stored(&acc, read, level, start >> level, ctx)) < 0)
				return rc;
			have_acc = true;
			continue;
		}
		if ((rc = read_stored(&piece, read, level, start >> level, ctx)) < 0)
			return rc;
		if ((rc = merkle_node_hash(&acc, alg, &piece, &acc)) < 0)
			return rc;
	}
	*out = acc;
	return 0;
}

int merkle_stored_for_append(struct merkle_stored *out, size_t out_cap, size_t *count,
			     enum crypto_hash_alg alg, uint64_t n,
			     const struct merkle_hash *leaf_hash, merkle_reader_fn read, void *ctx)
{
	struct merkle_hash left, current;
	uint64_t index = n;
	size_t needed, written = 0;
	int level = 0;
	int rc;

	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL || leaf_hash == NULL || read == NULL || !alg_is_valid(alg))
		return SX_EINVALID;
	if (n == UINT64_MAX)
		return SX_ETOOBIG;
	/* Leaf n completes one subtree per trailing one bit of n. */
	needed = 1 + (size_t)trailing_zeros(~n);
	if (out_cap < needed)
		return SX_ETOOBIG;

	current = *leaf_hash;
	out[written].level = 0;
	out[written].index = n;
	out[written].hash = current;
	written++;
	while (index & 1) {
		if ((rc = read_stored(&left, read, level, index - 1, ctx)) < 0)
			return rc;
		if ((rc = merkle_node_hash(&current, alg, &left, &current)) < 0)
			return rc;
		level++;
		index >>= 1;
		out[written].level = level;
		out[written].index = index;
		out[written].hash = current;
		written++;
	}
	*count = written;
	return 0;
}

int merkle_root(struct merkle_hash *out, enum crypto_hash_alg alg, uint64_t size,
		merkle_reader_fn read, void *ctx)
{
	if (out == NULL || !alg_is_valid(alg) || (read == NULL && size > 0))
		return SX_EINVALID;
	if (size == 0)
		return merkle_empty_root(out, alg);
	return range_hash(out, alg, 0, size, read, ctx);
}

size_t merkle_inclusion_proof_len(uint64_t index, uint64_t size)
{
	int inner;

	if (index >= size)
		return 0;
	/* Levels below the point where index and the last leaf part ways have a sibling each;
	 * above it, only the levels where index is a right child (RFC 9162 §2.1.3.2's loop). */
	inner = bit_len(index ^ (size - 1));
	return (size_t)inner + (size_t)count_ones(inner == 64 ? 0 : index >> inner);
}

size_t merkle_consistency_proof_len(uint64_t from, uint64_t to)
{
	int inner, border, shift;

	if (from == 0 || from >= to)
		return 0;
	/* The proof is the inclusion proof of leaf from - 1 in the tree of `to`, minus the
	 * levels inside the largest complete subtree that ends at from, plus that subtree's
	 * hash unless it is the whole old tree (from a power of two). */
	inner = bit_len((from - 1) ^ (to - 1));
	border = count_ones(inner == 64 ? 0 : (from - 1) >> inner);
	shift = trailing_zeros(from);
	return (size_t)(inner - shift + border) + ((from >> shift) == 1 ? 0 : 1);
}

/* Copies stack[0..depth) to out in reverse order: the walk goes root first, proofs leaf first. */
static void copy_reversed(struct merkle_hash *out, const struct merkle_hash *stack, size_t depth)
{
	for (size_t i = 0; i < depth; i++)
		out[i] = stack[depth - 1 - i];
}

int merkle_inclusion_proof(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			   uint64_t index, uint64_t size, merkle_reader_fn read, void *ctx)
{
	struct merkle_hash stack[MERKLE_MAX_PROOF];
	uint64_t lo = 0, hi = size;
	size_t depth = 0;
	int rc;

	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL || read == NULL || !alg_is_valid(alg) || index >= size)
		return SX_EINVALID;

	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);

		if (depth == MERKLE_MAX_PROOF)
			return SX_EINTERNAL;
		if (index < lo + k) {
			rc = range_hash(&stack[depth], alg, lo + k, hi, read, ctx);
			hi = lo + k;
		} else {
			rc = range_hash(&stack[depth], alg, lo, lo + k, read, ctx);
			lo += k;
		}
		if (rc < 0)
			return rc;
		depth++;
	}
	copy_reversed(out, stack, depth);
	*count = depth;
	return 0;
}

int merkle_consistency_proof(struct merkle_hash *out, size_t *count, enum crypto_hash_alg alg,
			     uint64_t from, uint64_t to, merkle_reader_fn read, void *ctx)
{
	struct merkle_hash stack[MERKLE_MAX_PROOF];
	uint64_t lo = 0, hi = to, m = from;
	bool is_old_root = true; /* SUBPROOF's b: [lo, lo + m) is still the whole old tree */
	size_t depth = 0;
	int rc;

	if (count != NULL)
		*count = 0;
	if (out == NULL || count == NULL || read == NULL || !alg_is_valid(alg) || from == 0 ||
	    from > to)
		return SX_EINVALID;
	if (merkle_consistency_proof_len(from, to) > MERKLE_MAX_PROOF)
		return SX_ETOOBIG;

	/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, with m counted from lo. */
	while (m != hi - lo) {
		uint64_t k = split_point(hi - lo);

		if (depth == MERKLE_MAX_PROOF)
			return SX_EINTERNAL;
		if (m <= k) {
			rc = range_hash(&stack[depth], alg, lo + k, hi, read, ctx);
			hi = lo + k;
		} else {
			rc = range_hash(&stack[depth], alg, lo, lo + k, read, ctx);
			lo += k;
			m -= k;
			is_old_root = false;
		}
		if (rc < 0)
			return rc;
		depth++;
	}
	/* The verifier knows the old head; any other common subtree must be sent. */
	if (!is_old_root) {
		if (depth == MERKLE_MAX_PROOF)
			return SX_EINTERNAL;
		if ((rc = range_hash(&stack[depth], alg, lo, hi, read, ctx)) < 0)
			return rc;
		depth++;
	}
	copy_reversed(out, stack, depth);
	*count = depth;
	return 0;
}

int merkle_verify_inclusion(enum crypto_hash_alg alg, const struct merkle_hash *leaf_hash,
			    uint64_t index, uint64_t size, const struct merkle_hash *proof,
			    size_t count, const struct merkle_hash *root)
{
	struct merkle_hash r;
	uint64_t fn, sn;
	int rc;

	if (leaf_hash == NULL || root == NULL || (proof == NULL && count > 0) ||
	    !alg_is_valid(alg) || index >= size)
		return SX_EINVALID;
	if (count != merkle_inclusion_proof_len(index, size))
		return SX_EINVALID;

	/* RFC 9162 §2.1.3.2, step by step. */
	fn = index;
	sn = size - 1;
	r = *leaf_hash;
	for (size_t i = 0; i < count; i++) {
		if (sn == 0)
			return SX_ECORRUPT;
		if ((fn & 1) || fn == sn) {
			if ((rc = merkle_node_hash(&r, alg, &proof[i], &r)) < 0)
				return rc;
			if (!(fn & 1)) {
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			if ((rc = merkle_node_hash(&r, alg, &r, &proof[i])) < 0)
				return rc;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !merkle_hash_equal(&r, root))
		return SX_ECORRUPT;
	return 0;
}

int merkle_verify_consistency(enum crypto_hash_alg alg, uint64_t from, uint64_t to,
			      const struct merkle_hash *from_root,
			      const struct merkle_hash *to_root, const struct merkle_hash *proof,
			      size_t count)
{
	const struct merkle_hash *first;
	struct merkle_hash fr, sr;
	uint64_t fn, sn;
	size_t next;
	int rc;

	if (from_root == NULL || to_root == NULL || (proof == NULL && count > 0) ||
	    !alg_is_valid(alg) || from == 0 || from > to)
		return SX_EINVALID;
	if (from == to) {
		if (count != 0)
			return SX_EINVALID;
		return merkle_hash_equal(from_root, to_root) ? 0 : SX_ECORRUPT;
	}
	if (count != merkle_consistency_proof_len(from, to))
		return SX_EINVALID;

	/* RFC 9162 §2.1.4.2. Step 2 prepends the old head when from is a power of two; here
	 * `first` stands for the first element of that (possibly prepended) path. */
	if ((from & (from - 1)) == 0) {
		first = from_root;
		next = 0;
	} else {
		first = &proof[0];
		next = 1;
	}
	fn = from - 1;
	sn = to - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	fr = *first;
	sr = *first;
	for (size_t i = next; i < count; i++) {
		const struct merkle_hash *c = &proof[i];

		if (sn == 0)
			return SX_ECORRUPT;
		if ((fn & 1) || fn == sn) {
			if ((rc = merkle_node_hash(&fr, alg, c, &fr)) < 0)
				return rc;
			if ((rc = merkle_node_hash(&sr, alg, c, &sr)) < 0)
				return rc;
			if (!(fn & 1)) {
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
			}
		} else {
			if ((rc = merkle_node_hash(&sr, alg, &sr, c)) < 0)
				return rc;
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !merkle_hash_equal(&fr, from_root) || !merkle_hash_equal(&sr, to_root))
		return SX_ECORRUPT;
	return 0;
}
