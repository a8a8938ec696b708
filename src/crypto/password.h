/*
 * crypto/password — password hashing with argon2id for staff accounts.
 *
 * A stored password is one string in the PHC format that the argon2 reference
 * implementation and its CLI write:
 *
 *     $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag>
 *
 * salt and tag in standard base64 (RFC 4648 §4) without padding. The string
 * carries its own parameters, so raising the defaults later leaves old hashes
 * verifiable; crypto_password_needs_rehash tells the login path when to store a
 * fresh hash.
 *
 * Invariants: only argon2id, version 19 (0x13) is written or accepted; every
 * string we write fits in CRYPTO_PASSWORD_HASH_MAX including the NUL; decoding
 * is strict (no '=' padding, no non-zero spare bits, no leading zeros, no
 * unknown fields), so one hash has exactly one spelling. Parameters, read or
 * written, are bounded (CRYPTO_PASSWORD_*_MAX) so that neither a long request
 * body nor a doctored stored hash can make one verification arbitrarily costly.
 * Argon2's working memory is allocated through sx_malloc (so tests can fail it)
 * and wiped by libargon2 before it is freed.
 *
 * Does not: throttle or lock accounts (service/), normalize Unicode (the bytes
 * the browser sends are the password), accept argon2i, argon2d, version 16 or
 * other schemes such as bcrypt.
 *
 * Follows: RFC 9106 (Argon2), the PHC string format
 * (github.com/P-H-C/phc-string-format), OWASP Password Storage Cheat Sheet 2023
 * for the default parameters (argon2id, m = 19 MiB, t = 2, p = 1).
 */
#ifndef SX_CRYPTO_PASSWORD_H
#define SX_CRYPTO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes for an encoded hash including the NUL; every string we write fits. */
#define CRYPTO_PASSWORD_HASH_MAX 160

/* Password length in bytes, inclusive bounds. */
#define CRYPTO_PASSWORD_LEN_MIN 1
#define CRYPTO_PASSWORD_LEN_MAX 1024

#define CRYPTO_PASSWORD_SALT_BYTES 16 /* drawn fresh for every hash */
#define CRYPTO_PASSWORD_TAG_BYTES 32  /* argon2 output length we write */

/* Upper bounds on parameters, read or written. */
#define CRYPTO_PASSWORD_T_COST_MAX 64
#define CRYPTO_PASSWORD_M_COST_KIB_MAX 1048576 /* 1 GiB */
#define CRYPTO_PASSWORD_PARALLELISM_MAX 16

struct crypto_password_params {
	uint32_t t_cost;      /* passes over memory, 1..CRYPTO_PASSWORD_T_COST_MAX */
	uint32_t m_cost_kib;  /* memory in KiB, 8 * parallelism..CRYPTO_PASSWORD_M_COST_KIB_MAX */
	uint32_t parallelism; /* lanes (and threads), 1..CRYPTO_PASSWORD_PARALLELISM_MAX */
};

/* Fills out with the defaults: t_cost 2, m_cost_kib 19456, parallelism 1. NULL out: no-op. */
void crypto_password_default_params(struct crypto_password_params *out);

/*
 * Hashes password[0..password_len) with argon2id, a fresh 16-byte salt and a
 * 32-byte tag, and writes the encoded string (NUL-terminated) to out.
 * params NULL means crypto_password_default_params.
 *
 * Returns 0; SX_EINVALID for NULL out or password, a length outside
 * CRYPTO_PASSWORD_LEN_MIN..CRYPTO_PASSWORD_LEN_MAX, a NUL byte inside the
 * password, or params out of range; SX_ENOMEM when argon2's memory cannot be
 * allocated; SX_EINTERNAL when randomness or libargon2 fails. On error out is
 * the empty string (when out is not NULL).
 */
int crypto_password_hash(char out[CRYPTO_PASSWORD_HASH_MAX], const char *password,
			 size_t password_len, const struct crypto_password_params *params);

/*
 * Checks password[0..password_len) against an encoded hash, comparing the tags
 * in constant time. encoded is NUL-terminated and at most
 * CRYPTO_PASSWORD_HASH_MAX - 1 characters.
 *
 * Returns 0 on a match; SX_EAUTH on a mismatch; SX_EINVALID for NULL
 * arguments, a password that crypto_password_hash would refuse, or an encoded
 * string that is malformed, not argon2id v=19, or has parameters out of range;
 * SX_ENOMEM; SX_EINTERNAL when libargon2 fails.
 */
int crypto_password_verify(const char *encoded, const char *password, size_t password_len);

/*
 * true when encoded should be replaced by a fresh hash after a successful
 * login: its t_cost or m_cost_kib is lower than params (NULL = defaults), its
 * salt is shorter than CRYPTO_PASSWORD_SALT_BYTES or its tag shorter than
 * CRYPTO_PASSWORD_TAG_BYTES, or it cannot be parsed at all. Parallelism is not
 * compared: more lanes do not make a hash stronger against an attacker.
 */
bool crypto_password_needs_rehash(const char *encoded, const struct crypto_password_params *params);

/*
 * For known-answer tests only (layer-internal): crypto_password_hash with a
 * caller-chosen salt of 8..32 bytes. Reusing a salt across passwords defeats its
 * purpose; production code calls crypto_password_hash. Returns as
 * crypto_password_hash, plus SX_EINVALID for a NULL salt or a length out of range.
 */
int crypto_password__hash_with_salt(char out[CRYPTO_PASSWORD_HASH_MAX], const char *password,
				    size_t password_len,
				    const struct crypto_password_params *params,
				    const unsigned char *salt, size_t salt_len);

#endif
