/*
 * crypto/password — see password.h.
 *
 * We parse and write the PHC string ourselves and call libargon2 only for the
 * raw tag (argon2_ctx). The library's own argon2id_verify would also accept
 * strings we want refused (other versions, lenient numbers), would not tell us
 * the parameters for needs_rehash, and would allocate with plain malloc; with
 * argon2_ctx the memory goes through sx_malloc via the context's callbacks.
 *
 * Encoded string grammar (every field required, in this order):
 *
 *     "$argon2id$v=19$m=" u32 ",t=" u32 ",p=" u32 "$" b64 "$" b64 END
 *     u32 = "0" | [1-9][0-9]*  (fits in 32 bits)
 *     b64 = standard alphabet, no padding, length % 4 != 1, spare bits zero
 */
#include "crypto/password.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <openssl/evp.h>

#include "base/error.h"
#include "base/mem.h"
#include "crypto/random.h"

#define PASSWORD_PREFIX "$argon2id$v=19$m="

/* Decoding bounds; the length cap on the whole string binds first in practice. */
#define PASSWORD_SALT_MIN 8 /* ARGON2_MIN_SALT_LENGTH */
#define PASSWORD_SALT_MAX 64
#define PASSWORD_SALT_WRITE_MAX 32 /* keeps every string we write under CRYPTO_PASSWORD_HASH_MAX */
#define PASSWORD_TAG_MIN 4 /* ARGON2_MIN_OUTLEN */
#define PASSWORD_TAG_MAX 64

/*
 * The longest string we write: prefix, m (7 digits), ",t=" t (2), ",p=" p (2), "$",
 * salt of PASSWORD_SALT_WRITE_MAX bytes, "$", tag, NUL. Written out so that raising
 * a cap without the buffer fails to compile instead of failing at run time.
 */
_Static_assert(sizeof(PASSWORD_PREFIX) - 1 + 7 + 3 + 2 + 3 + 2 + 1 +
			       (PASSWORD_SALT_WRITE_MAX + 2) / 3 * 4 + 1 +
			       (CRYPTO_PASSWORD_TAG_BYTES + 2) / 3 * 4 + 1 <=
		       CRYPTO_PASSWORD_HASH_MAX,
	       "CRYPTO_PASSWORD_HASH_MAX too small for the longest encoded hash");
_Static_assert(CRYPTO_PASSWORD_M_COST_KIB_MAX <= 9999999 && CRYPTO_PASSWORD_T_COST_MAX <= 99 &&
		       CRYPTO_PASSWORD_PARALLELISM_MAX <= 99,
	       "digit counts in the length bound above");

/* An encoded hash taken apart. */
struct password_encoded {
	struct crypto_password_params params;
	unsigned char salt[PASSWORD_SALT_MAX];
	size_t salt_len; /* PASSWORD_SALT_MIN..PASSWORD_SALT_MAX */
	unsigned char tag[PASSWORD_TAG_MAX];
	size_t tag_len;  /* PASSWORD_TAG_MIN..PASSWORD_TAG_MAX */
};

void crypto_password_default_params(struct crypto_password_params *out)
{
	if (out == NULL)
		return;
	out->t_cost = 2;
	out->m_cost_kib = 19456;
	out->parallelism = 1;
}

static bool password_params_are_valid(const struct crypto_password_params *params)
{
	if (params->t_cost < 1 || params->t_cost > CRYPTO_PASSWORD_T_COST_MAX)
		return false;
	if (params->parallelism < 1 || params->parallelism > CRYPTO_PASSWORD_PARALLELISM_MAX)
		return false;
	/* Argon2 needs two blocks per slice, four slices per lane (RFC 9106 §3.1). */
	if (params->m_cost_kib < 8 * params->parallelism ||
	    params->m_cost_kib > CRYPTO_PASSWORD_M_COST_KIB_MAX)
		return false;
	return true;
}

static bool password_input_is_valid(const char *password, size_t password_len)
{
	if (password == NULL)
		return false;
	if (password_len < CRYPTO_PASSWORD_LEN_MIN || password_len > CRYPTO_PASSWORD_LEN_MAX)
		return false;
	/* A NUL would be cut off by any layer that treats the password as a C string. */
	return memchr(password, '\0', password_len) == NULL;
}

/* Argon2 working memory goes through our allocator so tests can make it fail. */
static int password_alloc(uint8_t **memory, size_t bytes)
{
	*memory = sx_malloc(bytes);
	return *memory ? 0 : -1;
}

static void password_free(uint8_t *memory, size_t bytes)
{
	(void)bytes;
	sx_free(memory);
}

static int password_argon2_error(int argon2_rc)
{
	switch (argon2_rc) {
	case ARGON2_OK:
		return 0;
	case ARGON2_MEMORY_ALLOCATION_ERROR:
		return SX_ENOMEM;
	default:
		/* Inputs were checked before the call: this is a library or thread failure. */
		return SX_EINTERNAL;
	}
}

/* Computes the raw argon2id tag into out[0..out_len). Inputs must already be validated. */
static int password_compute(unsigned char *out, size_t out_len, const char *password,
			    size_t password_len, const struct crypto_password_params *params,
			    const unsigned char *salt, size_t salt_len)
{
	argon2_context ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.outlen = (uint32_t)out_len;
	/*
	 * argon2_context has no const members, but libargon2 writes through pwd/salt only
	 * with ARGON2_FLAG_CLEAR_*, which we do not set; via uintptr_t to say so on purpose.
	 */
	ctx.pwd = (uint8_t *)(uintptr_t)password;
	ctx.pwdlen = (uint32_t)password_len;
	ctx.salt = (uint8_t *)(uintptr_t)salt;
	ctx.saltlen = (uint32_t)salt_len;
	ctx.t_cost = params->t_cost;
	ctx.m_cost = params->m_cost_kib;
	ctx.lanes = params->parallelism;
	ctx.threads = params->parallelism;
	ctx.version = ARGON2_VERSION_13;
	ctx.allocate_cbk = password_alloc;
	ctx.free_cbk = password_free;
	ctx.flags = ARGON2_DEFAULT_FLAGS;
	return password_argon2_error(argon2_ctx(&ctx, Argon2_id));
}

/* Standard base64 without padding into out (room for 4 * ceil(len / 3) + 1); returns the length. */
static size_t password_b64_encode(char *out, const unsigned char *data, size_t len)
{
	size_t n = (size_t)EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	return n;
}

static int password_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes s[0..end) (standard alphabet, no padding) into out[0..cap), strictly:
 * a final group of one character, unused bits that are not zero, or any
 * character outside the alphabet make it SX_EINVALID, as does a result longer
 * than cap. Sets *out_len.
 */
static int password_b64_decode(unsigned char *out, size_t cap, size_t *out_len, const char *s,
			       const char *end)
{
	size_t len = (size_t)(end - s);
	size_t rest = len % 4;
	size_t n = len / 4 * 3 + (rest ? rest - 1 : 0);
	uint32_t acc = 0;
	size_t bits = 0;
	size_t written = 0;

	if (rest == 1 || n > cap)
		return SX_EINVALID;
	for (const char *p = s; p < end; p++) {
		int v = password_b64_value(*p);

		if (v < 0)
			return SX_EINVALID;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[written++] = (unsigned char)(acc >> bits);
			acc &= (UINT32_C(1) << bits) - 1;
		}
	}
	/* Leftover bits must be zero, or two spellings would decode to one value. */
	if (acc != 0)
		return SX_EINVALID;
	*out_len = written;
	return 0;
}

static bool password_take_literal(const char **pos, const char *end, const char *literal)
{
	size_t len = strlen(literal);

	if ((size_t)(end - *pos) < len || memcmp(*pos, literal, len) != 0)
		return false;
	*pos += len;
	return true;
}

/* Parses a decimal u32 at *pos without sign or leading zeros and advances *pos. */
static bool password_take_u32(uint32_t *out, const char **pos, const char *end)
{
	const char *p = *pos;
	uint32_t value = 0;

	if (p == end || *p < '0' || *p > '9')
		return false;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		uint32_t digit = (uint32_t)(*p - '0');

		if (value > (UINT32_MAX - digit) / 10)
			return false;
		value = value * 10 + digit;
	}
	*out = value;
	*pos = p;
	return true;
}

static int password_parse(struct password_encoded *out, const char *encoded)
{
	size_t len = strnlen(encoded, CRYPTO_PASSWORD_HASH_MAX);
	const char *pos = encoded;
	const char *end = encoded + len;
	const char *salt_end;

	if (len == CRYPTO_PASSWORD_HASH_MAX)
		return SX_EINVALID;
	if (!password_take_literal(&pos, end, PASSWORD_PREFIX) ||
	    !password_take_u32(&out->params.m_cost_kib, &pos, end) ||
	    !password_take_literal(&pos, end, ",t=") ||
	    !password_take_u32(&out->params.t_cost, &pos, end) ||
	    !password_take_literal(&pos, end, ",p=") ||
	    !password_take_u32(&out->params.parallelism, &pos, end) ||
	    !password_take_literal(&pos, end, "$"))
		return SX_EINVALID;
	if (!password_params_are_valid(&out->params))
		return SX_EINVALID;

	salt_end = memchr(pos, '$', (size_t)(end - pos));
	if (salt_end == NULL)
		return SX_EINVALID;
	if (password_b64_decode(out->salt, sizeof(out->salt), &out->salt_len, pos, salt_end) < 0 ||
	    out->salt_len < PASSWORD_SALT_MIN)
		return SX_EINVALID;
	pos = salt_end + 1;
	if (password_b64_decode(out->tag, sizeof(out->tag), &out->tag_len, pos, end) < 0 ||
	    out->tag_len < PASSWORD_TAG_MIN)
		return SX_EINVALID;
	return 0;
}

int crypto_password__hash_with_salt(char out[CRYPTO_PASSWORD_HASH_MAX], const char *password,
				    size_t password_len,
				    const struct crypto_password_params *params,
				    const unsigned char *salt, size_t salt_len)
{
	struct crypto_password_params defaults;
	unsigned char tag[CRYPTO_PASSWORD_TAG_BYTES];
	char salt_b64[PASSWORD_SALT_WRITE_MAX / 3 * 4 + 5];
	char tag_b64[CRYPTO_PASSWORD_TAG_BYTES / 3 * 4 + 5];
	int n;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	out[0] = '\0';
	if (params == NULL) {
		crypto_password_default_params(&defaults);
		params = &defaults;
	}
	if (!password_input_is_valid(password, password_len) || !password_params_are_valid(params))
		return SX_EINVALID;
	if (salt == NULL || salt_len < PASSWORD_SALT_MIN || salt_len > PASSWORD_SALT_WRITE_MAX)
		return SX_EINVALID;

	if ((rc = password_compute(tag, sizeof(tag), password, password_len, params, salt,
				   salt_len)) < 0)
		goto cleanup;
	password_b64_encode(salt_b64, salt, salt_len);
	password_b64_encode(tag_b64, tag, sizeof(tag));
	n = snprintf(out, CRYPTO_PASSWORD_HASH_MAX,
		     PASSWORD_PREFIX "%" PRIu32 ",t=%" PRIu32 ",p=%" PRIu32 "$%s$%s",
		     params->m_cost_kib, params->t_cost, params->parallelism, salt_b64, tag_b64);
	if (n < 0 || n >= CRYPTO_PASSWORD_HASH_MAX) {
		/* The bounds above make this unreachable; never hand out a cut-off hash. */
		out[0] = '\0';
		rc = SX_EINTERNAL;
		goto cleanup;
	}
	rc = 0;

cleanup:
	crypto_cleanse(tag, sizeof(tag));
	crypto_cleanse(tag_b64, sizeof(tag_b64));
	return rc;
}

int crypto_password_hash(char out[CRYPTO_PASSWORD_HASH_MAX], const char *password,
			 size_t password_len, const struct crypto_password_params *params)
{
	unsigned char salt[CRYPTO_PASSWORD_SALT_BYTES];
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	out[0] = '\0';
	if ((rc = crypto_random_bytes(salt, sizeof(salt))) < 0)
		return rc;
	return crypto_password__hash_with_salt(out, password, password_len, params, salt,
					       sizeof(salt));
}

int crypto_password_verify(const char *encoded, const char *password, size_t password_len)
{
	struct password_encoded parsed;
	unsigned char computed[PASSWORD_TAG_MAX];
	int rc;

	if (encoded == NULL || !password_input_is_valid(password, password_len))
		return SX_EINVALID;
	if ((rc = password_parse(&parsed, encoded)) < 0)
		return rc;
	if ((rc = password_compute(computed, parsed.tag_len, password, password_len,
				   &parsed.params, parsed.salt, parsed.salt_len)) < 0)
		goto cleanup;
	rc = crypto_equal(computed, parsed.tag, parsed.tag_len) ? 0 : SX_EAUTH;

cleanup:
	crypto_cleanse(computed, sizeof(computed));
	return rc;
}

bool crypto_password_needs_rehash(const char *encoded, const struct crypto_password_params *params)
{
	struct crypto_password_params defaults;
	struct password_encoded parsed;

	if (params == NULL) {
		crypto_password_default_params(&defaults);
		params = &defaults;
	}
	if (encoded == NULL || password_parse(&parsed, encoded) < 0)
		return true;
	return parsed.params.t_cost < params->t_cost ||
	       parsed.params.m_cost_kib < params->m_cost_kib ||
	       parsed.salt_len < CRYPTO_PASSWORD_SALT_BYTES ||
	       parsed.tag_len < CRYPTO_PASSWORD_TAG_BYTES;
}
