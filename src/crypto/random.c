/*
 * crypto/random — see random.h.
 *
 * Tokens are produced in chunks of TOKEN_CHUNK_BYTES random bytes, a multiple
 * of 3, so that every chunk but the last encodes to whole base64 quads and the
 * chunks concatenate into one valid encoding; the stack never holds more than
 * one chunk of the secret, and that chunk is wiped before returning.
 */
#include "crypto/random.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/error.h"

#define TOKEN_CHUNK_BYTES 48 /* multiple of 3: encodes to 64 characters without padding */

int crypto_random_bytes(void *out, size_t len)
{
	unsigned char *p = out;

	if (out == NULL && len > 0)
		return SX_EINVALID;
	/* RAND_bytes takes an int length. */
	while (len > 0) {
		int chunk = len > INT_MAX ? INT_MAX : (int)len;

		if (RAND_bytes(p, chunk) != 1) {
			ERR_clear_error();
			return SX_EINTERNAL;
		}
		p += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

size_t crypto_random_token_len(size_t nbytes)
{
	size_t quads = nbytes / 3;
	size_t rest = nbytes % 3;

	if (quads > (SIZE_MAX - 3) / 4)
		return 0;
	/* A trailing group of 1 or 2 bytes encodes to 2 or 3 characters without padding. */
	return quads * 4 + (rest ? rest + 1 : 0);
}

/* Standard base64 to base64url (RFC 4648 §5), '=' padding dropped; returns the new length. */
static size_t token_to_url_alphabet(unsigned char *s, size_t len)
{
	while (len > 0 && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	return len;
}

int crypto_random_token(char *out, size_t out_size, size_t nbytes)
{
	unsigned char raw[TOKEN_CHUNK_BYTES];
	unsigned char encoded[TOKEN_CHUNK_BYTES / 3 * 4 + 1]; /* +1: EVP_EncodeBlock writes a NUL */
	size_t need = crypto_random_token_len(nbytes);
	size_t written = 0;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	if (out_size > 0)
		out[0] = '\0';
	if (nbytes == 0)
		return SX_EINVALID;
	if (need == 0 || out_size <= need)
		return SX_ETOOBIG;

	while (nbytes > 0) {
		size_t chunk = nbytes < TOKEN_CHUNK_BYTES ? nbytes : TOKEN_CHUNK_BYTES;
		size_t len;

		if ((rc = crypto_random_bytes(raw, chunk)) < 0)
			goto cleanup;
		len = (size_t)EVP_EncodeBlock(encoded, raw, (int)chunk);
		len = token_to_url_alphabet(encoded, len);
		memcpy(out + written, encoded, len);
		written += len;
		nbytes -= chunk;
	}
	out[written] = '\0';
	rc = 0;

cleanup:
	if (rc < 0) {
		/* A half-made token must not be mistaken for one, nor linger. */
		crypto_cleanse(out, written);
		out[0] = '\0';
	}
	crypto_cleanse(raw, sizeof(raw));
	crypto_cleanse(encoded, sizeof(encoded));
	return rc;
}

bool crypto_equal(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return true;
	if (a == NULL || b == NULL)
		return false;
	return CRYPTO_memcmp(a, b, len) == 0;
}

bool crypto_str_equal(const char *a, const char *b)
{
	size_t a_len;

	if (a == NULL || b == NULL)
		return false;
	a_len = strlen(a);
	if (a_len != strlen(b))
		return false;
	return crypto_equal(a, b, a_len);
}

void crypto_cleanse(void *p, size_t len)
{
	if (p == NULL || len == 0)
		return;
	OPENSSL_cleanse(p, len);
}
