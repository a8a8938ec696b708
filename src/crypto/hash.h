/*
 * crypto/hash — message digests: SHA-256 and SM3, one-shot and streaming.
 *
 * The ledger hashes leaves and nodes (RFC 6962 §2.1: leaf = H(0x00 || data),
 * node = H(0x01 || left || right)) and the blob store hashes evidence while it
 * streams in. Both pick the algorithm per log or per file, so the algorithm is a
 * value (enum crypto_hash_alg) that can be stored by name ("sha256", "sm3").
 *
 * Invariants: every supported digest is CRYPTO_HASH_MAX_BYTES (32) bytes, so a
 * fixed array always fits; names are lower case and stable, because they are
 * written to the database and into checkpoints.
 *
 * Does not: do HMAC, key derivation or signatures; compare digests (use
 * crypto_equal from crypto/random.h when the comparison involves a secret).
 *
 * Follows: FIPS 180-4 (SHA-256), GB/T 32905-2016 (SM3), RFC 6962 §2.1 for the
 * prefix convention of crypto_hash2. Only this layer includes OpenSSL headers;
 * OpenSSL 3 must provide "SHA256" and "SM3" from its default provider.
 */
#ifndef SX_CRYPTO_HASH_H
#define SX_CRYPTO_HASH_H

#include <stddef.h>

enum crypto_hash_alg {
	CRYPTO_HASH_SHA256 = 1,
	CRYPTO_HASH_SM3 = 2,
};

/* Bytes in the largest digest; every out[] of this module has this size. */
#define CRYPTO_HASH_MAX_BYTES 32

/* Streaming hasher; opaque. Create with crypto_hasher_new, free with crypto_hasher_free. */
struct crypto_hasher;

/* Digest size in bytes of alg (32 for both algorithms), or 0 for an unknown alg. */
size_t crypto_hash_size(enum crypto_hash_alg alg);

/*
 * Stable lower-case name of alg: "sha256" or "sm3". Returns NULL for an unknown
 * alg. The string is static; do not free it.
 */
const char *crypto_hash_name(enum crypto_hash_alg alg);

/*
 * Looks up an algorithm by its stable name (exact, case-sensitive: "sha256",
 * "sm3"), as stored by crypto_hash_name.
 *
 * Returns 0 and sets *out, or SX_EINVALID for NULL arguments or an unknown name
 * (then *out is untouched).
 */
int crypto_hash_from_name(enum crypto_hash_alg *out, const char *name);

/*
 * One-shot digest of data[0..len) into out[0..crypto_hash_size(alg)).
 * data may be NULL when len is 0.
 *
 * Returns 0; SX_EINVALID for an unknown alg, NULL out, or NULL data with len > 0;
 * SX_ENOMEM when OpenSSL cannot allocate its context; SX_EINTERNAL when OpenSSL
 * cannot provide the digest. On error out is left unspecified.
 */
int crypto_hash(enum crypto_hash_alg alg, unsigned char out[CRYPTO_HASH_MAX_BYTES],
		const void *data, size_t len);

/*
 * Digest of prefix || a || b: the shape of RFC 6962 leaf hashes (prefix 0x00,
 * b NULL/0) and node hashes (prefix 0x01, a = left, b = right) without copying
 * the inputs together. a may be NULL when a_len is 0, b when b_len is 0.
 *
 * Returns as crypto_hash.
 */
int crypto_hash2(enum crypto_hash_alg alg, unsigned char out[CRYPTO_HASH_MAX_BYTES],
		 unsigned char prefix, const void *a, size_t a_len, const void *b, size_t b_len);

/*
 * Digest of data as lower-case hex, NUL-terminated: 2 * crypto_hash_size(alg)
 * characters. On error out is the empty string (when out is not NULL).
 *
 * Returns as crypto_hash.
 */
int crypto_hash_hex(char out[2 * CRYPTO_HASH_MAX_BYTES + 1], enum crypto_hash_alg alg,
		    const void *data, size_t len);

/*
 * Starts a streaming digest. The hasher is ready for crypto_hasher_update.
 *
 * Returns 0 and sets *out (caller frees with crypto_hasher_free); SX_EINVALID
 * for NULL out or an unknown alg; SX_ENOMEM; SX_EINTERNAL when OpenSSL cannot
 * provide the digest. On error *out is NULL (when out is not NULL).
 */
int crypto_hasher_new(struct crypto_hasher **out, enum crypto_hash_alg alg);

/*
 * Feeds data[0..len) to h. data may be NULL when len is 0.
 *
 * Returns 0; SX_EINVALID for NULL h, NULL data with len > 0, or a hasher that
 * has been finalized and not reset; SX_EINTERNAL when OpenSSL fails.
 */
int crypto_hasher_update(struct crypto_hasher *h, const void *data, size_t len);

/*
 * Writes the digest of everything fed since creation (or the last reset) to
 * out[0..crypto_hash_size(alg)). Afterwards h accepts no more data until
 * crypto_hasher_reset.
 *
 * Returns 0; SX_EINVALID for NULL arguments or a hasher already finalized;
 * SX_EINTERNAL when OpenSSL fails.
 */
int crypto_hasher_final(struct crypto_hasher *h, unsigned char out[CRYPTO_HASH_MAX_BYTES]);

/*
 * Starts a new message on h with the same algorithm, whatever state it was in,
 * so that callers hashing many small messages (Merkle nodes) reuse one context.
 *
 * Returns 0; SX_EINVALID for NULL h; SX_EINTERNAL when OpenSSL fails (then h
 * is left finalized and must be reset again or freed).
 */
int crypto_hasher_reset(struct crypto_hasher *h);

/* Frees h and its OpenSSL state. h may be NULL. */
void crypto_hasher_free(struct crypto_hasher *h);

#endif
