/*
 * crypto/hash — see hash.h.
 *
 * Digests come from OpenSSL 3 by explicit fetch (EVP_MD_fetch) rather than the
 * legacy EVP_sha256()/EVP_sm3() objects: an explicit fetch fails visibly when a
 * provider lacks the algorithm, instead of failing later inside DigestInit. A
 * one-shot call fetches once; a hasher fetches once at creation and keeps the
 * EVP_MD for its whole life, so reset does not fetch again.
 *
 * On an OpenSSL failure the thread's OpenSSL error queue is cleared before
 * returning SX_EINTERNAL, so that a stale entry cannot be mistaken later for the
 * cause of an unrelated failure. These failures mean a broken installation,
 * never bad input.
 */
#include "crypto/hash.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "base/error.h"
#include "base/mem.h"

struct crypto_hasher {
	enum crypto_hash_alg alg;
	size_t size;       /* digest bytes, 1..CRYPTO_HASH_MAX_BYTES */
	EVP_MD *md;        /* fetched at creation, freed with the hasher */
	EVP_MD_CTX *ctx;
	bool is_finalized; /* true after final (or a failed reset) until a successful reset */
};

struct hash_alg_info {
	enum crypto_hash_alg alg;
	const char *name;          /* stable, stored in databases and checkpoints */
	const char *openssl_name;  /* name for EVP_MD_fetch */
	size_t size;               /* digest bytes */
};

static const struct hash_alg_info hash_algs[] = {
	{CRYPTO_HASH_SHA256, "sha256", "SHA2-256", 32},
	{CRYPTO_HASH_SM3, "sm3", "SM3", 32},
};

/* A piece of the message; hash_parts digests the concatenation of several. */
struct hash_part {
	const void *data;
	size_t len;
};

static const struct hash_alg_info *hash_alg_find(enum crypto_hash_alg alg)
{
	for (size_t i = 0; i < sizeof(hash_algs) / sizeof(hash_algs[0]); i++) {
		if (hash_algs[i].alg == alg)
			return &hash_algs[i];
	}
	return NULL;
}

static int hash_openssl_failed(void)
{
	ERR_clear_error();
	return SX_EINTERNAL;
}

static int hash_fetch(EVP_MD **out, const struct hash_alg_info *info)
{
	EVP_MD *md;

	md = EVP_MD_fetch(NULL, info->openssl_name, NULL);
	if (md == NULL)
		return hash_openssl_failed();
	/* Callers size their buffers from our table; a provider disagreeing is a broken install. */
	if (EVP_MD_get_size(md) < 0 || (size_t)EVP_MD_get_size(md) != info->size) {
		EVP_MD_free(md);
		return SX_EINTERNAL;
	}
	*out = md;
	return 0;
}

static void hash_to_hex(char *out, const unsigned char *digest, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int hash_parts(enum crypto_hash_alg alg, unsigned char *out, const struct hash_part *parts,
		      size_t count)
{
	const struct hash_alg_info *info = hash_alg_find(alg);
	EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned int written = 0;
	int rc;

	if (info == NULL || out == NULL)
		return SX_EINVALID;
	for (size_t i = 0; i < count; i++) {
		if (parts[i].data == NULL && parts[i].len > 0)
			return SX_EINVALID;
	}

	if ((rc = hash_fetch(&md, info)) < 0)
		goto cleanup;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		ERR_clear_error();
		rc = SX_ENOMEM;
		goto cleanup;
	}
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1) {
		rc = hash_openssl_failed();
		goto cleanup;
	}
	for (size_t i = 0; i < count; i++) {
		if (parts[i].len == 0)
			continue;
		if (EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1) {
			rc = hash_openssl_failed();
			goto cleanup;
		}
	}
	if (EVP_DigestFinal_ex(ctx, out, &written) != 1 || written != info->size) {
		rc = hash_openssl_failed();
		goto cleanup;
	}
	rc = 0;

cleanup:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

size_t crypto_hash_size(enum crypto_hash_alg alg)
{
	const struct hash_alg_info *info = hash_alg_find(alg);

	return info ? info->size : 0;
}

const char *crypto_hash_name(enum crypto_hash_alg alg)
{
	const struct hash_alg_info *info = hash_alg_find(alg);

	return info ? info->name : NULL;
}

int crypto_hash_from_name(enum crypto_hash_alg *out, const char *name)
{
	if (out == NULL || name == NULL)
		return SX_EINVALID;
	for (size_t i = 0; i < sizeof(hash_algs) / sizeof(hash_algs[0]); i++) {
		if (strcmp(hash_algs[i].name, name) == 0) {
			*out = hash_algs[i].alg;
			return 0;
		}
	}
	return SX_EINVALID;
}

int crypto_hash(enum crypto_hash_alg alg, unsigned char out[CRYPTO_HASH_MAX_BYTES],
		const void *data, size_t len)
{
	const struct hash_part part = {data, len};

	return hash_parts(alg, out, &part, 1);
}

int crypto_hash2(enum crypto_hash_alg alg, unsigned char out[CRYPTO_HASH_MAX_BYTES],
		 unsigned char prefix, const void *a, size_t a_len, const void *b, size_t b_len)
{
	const struct hash_part parts[3] = {{&prefix, 1}, {a, a_len}, {b, b_len}};

	return hash_parts(alg, out, parts, 3);
}

int crypto_hash_hex(char out[2 * CRYPTO_HASH_MAX_BYTES + 1], enum crypto_hash_alg alg,
		    const void *data, size_t len)
{
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	out[0] = '\0';
	if ((rc = crypto_hash(alg, digest, data, len)) < 0)
		return rc;
	hash_to_hex(out, digest, crypto_hash_size(alg));
	return 0;
}

int crypto_hasher_new(struct crypto_hasher **out, enum crypto_hash_alg alg)
{
	const struct hash_alg_info *info = hash_alg_find(alg);
	struct crypto_hasher *h = NULL;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	*out = NULL;
	if (info == NULL)
		return SX_EINVALID;

	h = sx_calloc(1, sizeof(*h));
	if (h == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	h->alg = alg;
	h->size = info->size;
	if ((rc = hash_fetch(&h->md, info)) < 0)
		goto cleanup;
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL) {
		ERR_clear_error();
		rc = SX_ENOMEM;
		goto cleanup;
	}
	if (EVP_DigestInit_ex2(h->ctx, h->md, NULL) != 1) {
		rc = hash_openssl_failed();
		goto cleanup;
	}
	*out = h;
	h = NULL;
	rc = 0;

cleanup:
	crypto_hasher_free(h);
	return rc;
}

int crypto_hasher_update(struct crypto_hasher *h, const void *data, size_t len)
{
	if (h == NULL || (data == NULL && len > 0) || h->is_finalized)
		return SX_EINVALID;
	if (len == 0)
		return 0;
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		return hash_openssl_failed();
	return 0;
}

int crypto_hasher_final(struct crypto_hasher *h, unsigned char out[CRYPTO_HASH_MAX_BYTES])
{
	unsigned int written = 0;

	if (h == NULL || out == NULL || h->is_finalized)
		return SX_EINVALID;
	h->is_finalized = true;
	if (EVP_DigestFinal_ex(h->ctx, out, &written) != 1 || written != h->size)
		return hash_openssl_failed();
	return 0;
}

int crypto_hasher_reset(struct crypto_hasher *h)
{
	if (h == NULL)
		return SX_EINVALID;
	h->is_finalized = true;
	if (EVP_DigestInit_ex2(h->ctx, h->md, NULL) != 1)
		return hash_openssl_failed();
	h->is_finalized = false;
	return 0;
}

void crypto_hasher_free(struct crypto_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	sx_free(h);
}
