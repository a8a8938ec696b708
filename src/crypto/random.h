/*
 * crypto/random — unpredictable bytes and tokens, constant-time comparison,
 * wiping of secrets.
 *
 * Session ids, CSRF tokens, password salts and API keys all come from here, so
 * that there is one place that decides where randomness comes from (OpenSSL's
 * DRBG, seeded by the kernel) and one way to compare secrets.
 *
 * Invariants: a token is exactly crypto_random_token_len(nbytes) characters of
 * the base64url alphabet (RFC 4648 §5, "A-Z a-z 0-9 - _"), without padding, so
 * it can go into a cookie, a URL or a form field unescaped. Comparisons of equal
 * lengths take time independent of the content.
 *
 * Does not: provide a seedable or reproducible generator (tests that need fixed
 * values pass them in); hide the lengths of compared strings.
 *
 * Follows: RFC 4648 §5 (base64url), RFC 4086 (randomness requirements, via
 * OpenSSL RAND_bytes).
 */
#ifndef SX_CRYPTO_RANDOM_H
#define SX_CRYPTO_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Fills out[0..len) with cryptographically secure random bytes. len 0 does
 * nothing and succeeds.
 *
 * Returns 0; SX_EINVALID for NULL out with len > 0; SX_EINTERNAL when OpenSSL
 * cannot produce randomness (then out holds no usable secret and must not be used).
 */
int crypto_random_bytes(void *out, size_t len);

/*
 * Characters (without the NUL) of a token made from nbytes random bytes:
 * ceil(4 * nbytes / 3). Returns 0 when that does not fit in size_t.
 */
size_t crypto_random_token_len(size_t nbytes);

/*
 * Writes a token of nbytes random bytes (1 or more) encoded as base64url
 * without padding, NUL-terminated, into out[0..out_size). 32 bytes (256 bits)
 * make a 43-character token; use at least 16 for anything that guards access.
 *
 * Returns 0; SX_EINVALID for NULL out or nbytes 0; SX_ETOOBIG when out_size <
 * crypto_random_token_len(nbytes) + 1; SX_EINTERNAL as crypto_random_bytes.
 * On error out is the empty string when out_size > 0.
 */
int crypto_random_token(char *out, size_t out_size, size_t nbytes);

/*
 * true when a[0..len) equals b[0..len), in time that depends only on len.
 * len 0 is true. A NULL a or b with len > 0 is false.
 */
bool crypto_equal(const void *a, const void *b, size_t len);

/*
 * true when the NUL-terminated strings a and b are equal; false when either is
 * NULL. Strings of different lengths return false at once (lengths are not
 * secret: tokens have a fixed length); equal lengths compare in constant time.
 */
bool crypto_str_equal(const char *a, const char *b);

/* Overwrites p[0..len) with zeros in a way the compiler may not remove. p may be NULL. */
void crypto_cleanse(void *p, size_t len);

#endif
