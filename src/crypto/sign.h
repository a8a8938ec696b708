/*
 * crypto/sign — digital signatures: Ed25519 and SM2 with SM3.
 *
 * The ledger signs its checkpoints twice (ledger/note): with Ed25519, which
 * Go's golang.org/x/mod/sumdb/note and every C2SP tool verify, and with SM2,
 * which the 国密 profile requires. This module hides OpenSSL behind one opaque
 * key type whose algorithm is a value, so the note layer can treat both alike.
 *
 * Encodings (what crosses this module's boundary):
 *   - Ed25519 (RFC 8032 §5.1): public key 32 bytes; private key the 32-byte
 *     seed ("secret key" in RFC 8032); signature 64 bytes, pure Ed25519 over
 *     the message (no prehash, no context).
 *   - SM2 (GB/T 32918.1/.2, recommended curve of GB/T 32918.5): public key the
 *     65-byte uncompressed point 04 || X || Y; private key the 32-byte
 *     big-endian scalar d (1 <= d <= n-2); signature the DER encoding of
 *     SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009-2012), at most 72 bytes,
 *     computed over e = SM3(Z || M) with Z derived from the default
 *     distinguishing identifier "1234567812345678" (GM/T 0009-2012, GB/T
 *     35276-2017). OpenSSL 3.0's own default identifier is empty, so it is
 *     always set explicitly here.
 *   - Key files: unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY", RFC 5208/5958
 *     and RFC 7468), the format `openssl genpkey -algorithm ED25519|SM2`
 *     writes, so keys can be made and inspected with the openssl CLI.
 *
 * Invariants: a struct crypto_sign_key always holds a complete public key of
 * its algorithm; it holds the private key only when made by generate, load or
 * from_private_raw. Verification accepts exactly one encoding per signature:
 * Ed25519 signatures must be 64 bytes, SM2 signatures minimal DER with nothing
 * after them. OpenSSL errors are cleared from the thread's queue before an
 * error is returned.
 *
 * Does not: encrypt, agree keys, hash long streams (sign takes the whole
 * message: notes are at most 1 MiB), accept other curves or ECDSA, store keys
 * encrypted (protection is the 0600 file mode and the machine), or check who
 * owns a key file.
 *
 * Only this layer includes OpenSSL headers.
 */
#ifndef SX_CRYPTO_SIGN_H
#define SX_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum crypto_sign_alg {
	CRYPTO_SIGN_ED25519 = 1,
	CRYPTO_SIGN_SM2 = 2,
};

/* Bytes of a raw public key: Ed25519 32, SM2 65 (04 || X || Y). */
#define CRYPTO_SIGN_ED25519_PUBLIC_BYTES 32
#define CRYPTO_SIGN_SM2_PUBLIC_BYTES 65
#define CRYPTO_SIGN_PUBLIC_MAX_BYTES 65

/* Bytes of a raw private key (Ed25519 seed, SM2 scalar). */
#define CRYPTO_SIGN_PRIVATE_BYTES 32

/* Bytes of a signature: Ed25519 exactly 64, SM2 DER at most 72. */
#define CRYPTO_SIGN_ED25519_SIG_BYTES 64
#define CRYPTO_SIGN_SM2_SIG_MAX_BYTES 72
#define CRYPTO_SIGN_SIG_MAX_BYTES 72

/* The SM2 distinguishing identifier every signature of this module uses. */
#define CRYPTO_SIGN_SM2_DEFAULT_ID "1234567812345678"

/* Largest key file load_private reads, in bytes; a PKCS#8 PEM of either kind is < 300. */
#define CRYPTO_SIGN_KEY_FILE_MAX_BYTES 16384

/* A public key, possibly with its private key; opaque. Free with crypto_sign_key_free. */
struct crypto_sign_key;

/*
 * Stable lower-case name of alg: "ed25519" or "sm2". NULL for an unknown alg.
 * The string is static.
 */
const char *crypto_sign_alg_name(enum crypto_sign_alg alg);

/*
 * Makes a fresh key pair of alg from OpenSSL's DRBG.
 *
 * Returns 0 and sets *out (free with crypto_sign_key_free); SX_EINVALID for
 * NULL out or an unknown alg; SX_ENOMEM; SX_EINTERNAL when OpenSSL cannot
 * generate. On error *out is NULL (when out is not NULL).
 */
int crypto_sign_key_generate(struct crypto_sign_key **out, enum crypto_sign_alg alg);

/*
 * Makes a key pair from its raw private key: the 32-byte Ed25519 seed of
 * RFC 8032, or the 32-byte big-endian SM2 scalar d. For test vectors and for
 * deriving keys deterministically; keys for production come from generate.
 *
 * Returns 0 and sets *out (free with crypto_sign_key_free); SX_EINVALID for
 * NULL arguments, an unknown alg, len != 32, or an SM2 scalar outside
 * 1..n-2; SX_ENOMEM; SX_EINTERNAL. On error *out is NULL (when out is not NULL).
 */
int crypto_sign_key_from_private_raw(struct crypto_sign_key **out, enum crypto_sign_alg alg,
				     const unsigned char *raw, size_t len);

/*
 * Makes a public-only key from its raw encoding (see the top of this file).
 * SM2 points must be uncompressed and on the curve.
 *
 * Returns 0 and sets *out (free with crypto_sign_key_free); SX_EINVALID for
 * NULL arguments, an unknown alg, a wrong length or a point not on the curve;
 * SX_ENOMEM; SX_EINTERNAL. On error *out is NULL (when out is not NULL).
 */
int crypto_sign_key_from_public_raw(struct crypto_sign_key **out, enum crypto_sign_alg alg,
				    const unsigned char *raw, size_t len);

/*
 * Writes k's private key to a new file at path as unencrypted PKCS#8 PEM.
 * The file is created with O_CREAT | O_EXCL and mode 0600 (never widened by
 * the umask, only narrowed), written in full, fsync'd, and its directory
 * fsync'd, so after success the key survives a crash. err may be NULL.
 *
 * Returns 0; SX_EINVALID for NULL k or path, or a public-only key;
 * SX_EEXISTS (code "key_exists") when path exists, including as a dangling
 * symlink; SX_EPERM when the directory may not be written; SX_ENOSPC;
 * SX_EIO for other file errors; SX_ENOMEM; SX_EINTERNAL. On error no file is
 * left at path (a partly written one is removed) unless it was there before.
 */
int crypto_sign_key_save_private(const struct crypto_sign_key *k, const char *path,
				 struct sx_error *err);

/*
 * Reads a private key written by save_private (or by `openssl genpkey`) from
 * path. The file must be a regular file that neither group nor others may
 * read, write or execute (mode & 077 == 0), as OpenSSH insists for its keys:
 * a key others could read is no longer secret. Symlinks are followed; the
 * mode checked is that of the file opened. err may be NULL.
 *
 * Returns 0 and sets *out (free with crypto_sign_key_free); SX_EINVALID for
 * NULL arguments, a path that is not a regular file, or content that is not
 * an unencrypted PKCS#8 PEM private key (code "key_malformed"); SX_EPERM
 * (code "key_permissions") for a file open to group or others; SX_ENOTFOUND
 * when path does not exist; SX_EUNSUPPORTED (code "key_algorithm") for a key
 * that is neither Ed25519 nor SM2; SX_ETOOBIG for a file over
 * CRYPTO_SIGN_KEY_FILE_MAX_BYTES; SX_EIO; SX_ENOMEM. The bytes read are
 * wiped before returning. On error *out is NULL (when out is not NULL).
 */
int crypto_sign_key_load_private(struct crypto_sign_key **out, const char *path,
				 struct sx_error *err);

/*
 * Writes k's raw public key (see the top of this file) to out[0..out_size)
 * and its length to *len.
 *
 * Returns 0; SX_EINVALID for NULL arguments; SX_ETOOBIG when out_size is
 * smaller than the key (CRYPTO_SIGN_PUBLIC_MAX_BYTES always suffices), then
 * *len is 0; SX_EINTERNAL.
 */
int crypto_sign_public_raw(unsigned char *out, size_t out_size, size_t *len,
			   const struct crypto_sign_key *k);

/*
 * Signs msg[0..len) with k's private key: pure Ed25519 (64 bytes) or SM2 with
 * SM3 and the default identifier (DER, at most 72 bytes). Ed25519 signatures
 * are deterministic; SM2 signatures draw a fresh nonce each time. msg may be
 * NULL when len is 0.
 *
 * Returns 0 and writes the signature to sig[0..*sig_len); SX_EINVALID for
 * NULL arguments or a public-only key; SX_ETOOBIG when sig_size is smaller than
 * the largest signature of k's algorithm (CRYPTO_SIGN_SIG_MAX_BYTES always
 * suffices); SX_ENOMEM; SX_EINTERNAL. On error *sig_len is 0.
 */
int crypto_sign(unsigned char *sig, size_t sig_size, size_t *sig_len,
		const struct crypto_sign_key *k, const void *msg, size_t len);

/*
 * Checks that sig[0..sig_len) is k's signature of msg[0..len). msg may be
 * NULL when len is 0.
 *
 * Returns 0 when it is; SX_ECORRUPT when the signature is well-formed but
 * does not verify (wrong key, altered message, altered signature);
 * SX_EINVALID for NULL arguments or a malformed signature (Ed25519 not 64
 * bytes; SM2 not minimal DER of two positive integers of at most 32 bytes);
 * SX_ENOMEM; SX_EINTERNAL.
 */
int crypto_sign_verify(const struct crypto_sign_key *k, const void *msg, size_t len,
		       const unsigned char *sig, size_t sig_len);

/* The algorithm of k. k must not be NULL. */
enum crypto_sign_alg crypto_sign_key_alg(const struct crypto_sign_key *k);

/* Whether k holds a private key and so can sign. False for NULL. */
bool crypto_sign_key_has_private(const struct crypto_sign_key *k);

/* Frees k and wipes its private key. k may be NULL. */
void crypto_sign_key_free(struct crypto_sign_key *k);

#endif
