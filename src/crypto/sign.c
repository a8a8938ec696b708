/*
 * crypto/sign — see sign.h.
 *
 * Keys are OpenSSL 3 EVP_PKEYs of type "ED25519" or "SM2" made through the
 * provider interfaces (EVP_PKEY_fromdata, EVP_PKEY_generate), never through
 * the deprecated EC_KEY API. Ed25519 signs with EVP_DigestSign and no digest
 * (RFC 8032 pure mode). SM2 signs with EVP_DigestSign* and digest "SM3"; the
 * distinguishing identifier is set with EVP_PKEY_CTX_set1_id on the context
 * that EVP_DigestSignInit_ex returns, after init and before the first update:
 * OpenSSL 3.0's SM2 provider computes Z lazily on the first update and
 * refuses an identifier passed as an init parameter (it checks that Z is
 * still pending, which before init it is not).
 *
 * SM2 signatures are checked for minimal DER here before OpenSSL sees them,
 * so that a malformed signature (SX_EINVALID) can be told from a wrong one
 * (SX_ECORRUPT) without interpreting OpenSSL's return values, which mix the two.
 *
 * Failures of OpenSSL on valid input mean a broken installation or no memory;
 * they become SX_EINTERNAL and the thread's OpenSSL error queue is cleared.
 */
#include "crypto/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/mem.h"

struct crypto_sign_key {
	enum crypto_sign_alg alg;
	EVP_PKEY *pkey;   /* of type "ED25519" or "SM2", matching alg */
	bool has_private; /* false for keys made from a public key */
};

/* What GM/T 0009-2012 prescribes when the parties agree on no identifier. */
static const unsigned char sign_sm2_id[] = CRYPTO_SIGN_SM2_DEFAULT_ID;
#define SIGN_SM2_ID_LEN (sizeof(sign_sm2_id) - 1)

/* Stands in for a NULL message of length 0: OpenSSL wants a pointer. */
static const unsigned char sign_empty[1];

static int sign_openssl_failed(void)
{
	ERR_clear_error();
	return SX_EINTERNAL;
}

static bool sign_alg_is_known(enum crypto_sign_alg alg)
{
	return alg == CRYPTO_SIGN_ED25519 || alg == CRYPTO_SIGN_SM2;
}

const char *crypto_sign_alg_name(enum crypto_sign_alg alg)
{
	switch (alg) {
	case CRYPTO_SIGN_ED25519:
		return "ed25519";
	case CRYPTO_SIGN_SM2:
		return "sm2";
	}
	return NULL;
}

/* Wraps pkey (ownership passes, also on error) in a new key. */
static int sign_key_wrap(struct crypto_sign_key **out, enum crypto_sign_alg alg, EVP_PKEY *pkey,
			 bool has_private)
{
	struct crypto_sign_key *k = sx_calloc(1, sizeof(*k));

	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return SX_ENOMEM;
	}
	k->alg = alg;
	k->pkey = pkey;
	k->has_private = has_private;
	*out = k;
	return 0;
}

int crypto_sign_key_generate(struct crypto_sign_key **out, enum crypto_sign_alg alg)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	*out = NULL;
	if (!sign_alg_is_known(alg))
		return SX_EINVALID;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, alg == CRYPTO_SIGN_SM2 ? "SM2" : "ED25519", NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, &pkey) != 1) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	rc = sign_key_wrap(out, alg, pkey, true);
	pkey = NULL;

cleanup:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* Builds an SM2 key from params (group and public key, maybe private key). */
static int sign_sm2_fromdata(EVP_PKEY **out, OSSL_PARAM_BLD *bld, int selection)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY_CTX *check = NULL;
	EVP_PKEY *pkey = NULL;
	int rc;

	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	/* fromdata refuses points that are not on the curve; that is bad input, not a bug. */
	if (EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) {
		ERR_clear_error();
		rc = SX_EINVALID;
		goto cleanup;
	}
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (check == NULL) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	/* Also rejects the point at infinity and points outside the prime-order group. */
	if (EVP_PKEY_public_check(check) != 1) {
		ERR_clear_error();
		rc = SX_EINVALID;
		goto cleanup;
	}
	*out = pkey;
	pkey = NULL;
	rc = 0;

cleanup:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return rc;
}

/*
 * SM2 key pair from the scalar d. OpenSSL 3.0 does not derive the public
 * key on import and SM2 signing needs it, so P = [d]G is computed here.
 */
static int sign_sm2_from_scalar(EVP_PKEY **out, const unsigned char *raw)
{
	EC_GROUP *group = NULL;
	EC_POINT *point = NULL;
	BN_CTX *bn_ctx = NULL;
	BIGNUM *d = NULL;
	BIGNUM *limit = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	unsigned char pub[CRYPTO_SIGN_SM2_PUBLIC_BYTES];
	int rc;

	group = EC_GROUP_new_by_curve_name(NID_sm2);
	bn_ctx = BN_CTX_new();
	d = BN_secure_new();
	limit = BN_new();
	point = group ? EC_POINT_new(group) : NULL;
	bld = OSSL_PARAM_BLD_new();
	if (group == NULL || bn_ctx == NULL || d == NULL || limit == NULL || point == NULL ||
	    bld == NULL) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	if (BN_bin2bn(raw, CRYPTO_SIGN_PRIVATE_BYTES, d) == NULL ||
	    BN_copy(limit, EC_GROUP_get0_order(group)) == NULL || BN_sub_word(limit, 1) != 1) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	/* GB/T 32918: d in [1, n-2], so that 1 + d is invertible mod n (signing divides by it). */
	if (BN_is_zero(d) || BN_cmp(d, limit) >= 0) {
		rc = SX_EINVALID;
		goto cleanup;
	}
	if (EC_POINT_mul(group, point, d, NULL, NULL, bn_ctx) != 1 ||
	    EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub),
			       bn_ctx) != sizeof(pub)) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	rc = sign_sm2_fromdata(out, bld, EVP_PKEY_KEYPAIR);
	/* A point we just computed from a valid scalar cannot be bad input. */
	if (rc == SX_EINVALID)
		rc = SX_EINTERNAL;

cleanup:
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(point);
	BN_free(limit);
	BN_clear_free(d);
	BN_CTX_free(bn_ctx);
	EC_GROUP_free(group);
	return rc;
}

int crypto_sign_key_from_private_raw(struct crypto_sign_key **out, enum crypto_sign_alg alg,
				     const unsigned char *raw, size_t len)
{
	EVP_PKEY *pkey = NULL;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	*out = NULL;
	if (!sign_alg_is_known(alg) || raw == NULL || len != CRYPTO_SIGN_PRIVATE_BYTES)
		return SX_EINVALID;

	if (alg == CRYPTO_SIGN_ED25519) {
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, raw, len);
		if (pkey == NULL)
			return sign_openssl_failed();
	} else if ((rc = sign_sm2_from_scalar(&pkey, raw)) < 0) {
		return rc;
	}
	return sign_key_wrap(out, alg, pkey, true);
}

int crypto_sign_key_from_public_raw(struct crypto_sign_key **out, enum crypto_sign_alg alg,
				    const unsigned char *raw, size_t len)
{
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pkey = NULL;
	int rc;

	if (out == NULL)
		return SX_EINVALID;
	*out = NULL;
	if (!sign_alg_is_known(alg) || raw == NULL)
		return SX_EINVALID;

	if (alg == CRYPTO_SIGN_ED25519) {
		if (len != CRYPTO_SIGN_ED25519_PUBLIC_BYTES)
			return SX_EINVALID;
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, raw, len);
		if (pkey == NULL)
			return sign_openssl_failed();
		return sign_key_wrap(out, alg, pkey, false);
	}

	/* Only the uncompressed form: one key, one encoding. */
	if (len != CRYPTO_SIGN_SM2_PUBLIC_BYTES || raw[0] != 0x04)
		return SX_EINVALID;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, raw, len) != 1) {
		rc = sign_openssl_failed();
		goto cleanup;
	}
	if ((rc = sign_sm2_fromdata(&pkey, bld, EVP_PKEY_PUBLIC_KEY)) < 0)
		goto cleanup;
	rc = sign_key_wrap(out, alg, pkey, false);

cleanup:
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int crypto_sign_public_raw(unsigned char *out, size_t out_size, size_t *len,
			   const struct crypto_sign_key *k)
{
	unsigned char raw[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t raw_len = sizeof(raw);

	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || k == NULL)
		return SX_EINVALID;

	if (k->alg == CRYPTO_SIGN_ED25519) {
		if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &raw_len) != 1 ||
		    raw_len != CRYPTO_SIGN_ED25519_PUBLIC_BYTES)
			return sign_openssl_failed();
	} else {
		if (EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, raw,
						    sizeof(raw), &raw_len) != 1 ||
		    raw_len != CRYPTO_SIGN_SM2_PUBLIC_BYTES || raw[0] != 0x04)
			return sign_openssl_failed();
	}
	if (out_size < raw_len)
		return SX_ETOOBIG;
	memcpy(out, raw, raw_len);
	*len = raw_len;
	return 0;
}

/*
 * Whether sig is the minimal DER of SEQUENCE { INTEGER r, INTEGER s } with r
 * and s positive and at most 32 bytes each: the only SM2 encoding we accept.
 */
static bool sign_sm2_der_is_minimal(const unsigned char *sig, size_t len)
{
	size_t pos = 2;

	/* Shortest: 30 06 02 01 rr 02 01 ss. Longest: both integers 33 bytes. */
	if (len < 8 || len > CRYPTO_SIGN_SM2_SIG_MAX_BYTES)
		return false;
	if (sig[0] != 0x30 || sig[1] != len - 2)
		return false;
	for (int i = 0; i < 2; i++) {
		size_t n;
		const unsigned char *v;

		if (len - pos < 2 || sig[pos] != 0x02)
			return false;
		n = sig[pos + 1];
		v = sig + pos + 2;
		if (n < 1 || n > 33 || len - pos - 2 < n)
			return false;
		if (v[0] & 0x80)
			return false; /* negative */
		if (v[0] == 0x00 && (n == 1 || !(v[1] & 0x80)))
			return false; /* zero, or a leading zero byte that is not needed */
		if (n == 33 && v[0] != 0x00)
			return false; /* more than 256 bits */
		pos += 2 + n;
	}
	return pos == len;
}

/*
 * Starts a sign or verify operation with k on mctx: Ed25519 without digest,
 * SM2 with SM3 and the default identifier.
 */
static int sign_init(EVP_MD_CTX *mctx, const struct crypto_sign_key *k, bool is_sign)
{
	EVP_PKEY_CTX *pctx = NULL; /* owned by mctx */
	const char *md = k->alg == CRYPTO_SIGN_SM2 ? "SM3" : NULL;
	int ok;

	if (is_sign)
		ok = EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, k->pkey, NULL);
	else
		ok = EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, k->pkey, NULL);
	if (ok != 1)
		return sign_openssl_failed();
	if (k->alg == CRYPTO_SIGN_SM2 &&
	    EVP_PKEY_CTX_set1_id(pctx, sign_sm2_id, (int)SIGN_SM2_ID_LEN) != 1)
		return sign_openssl_failed();
	return 0;
}

int crypto_sign(unsigned char *sig, size_t sig_size, size_t *sig_len,
		const struct crypto_sign_key *k, const void *msg, size_t len)
{
	EVP_MD_CTX *mctx = NULL;
	size_t need, written;
	int rc;

	if (sig_len != NULL)
		*sig_len = 0;
	if (sig == NULL || sig_len == NULL || k == NULL || (msg == NULL && len > 0) ||
	    !k->has_private)
		return SX_EINVALID;
	need = k->alg == CRYPTO_SIGN_SM2 ? CRYPTO_SIGN_SM2_SIG_MAX_BYTES
					 : CRYPTO_SIGN_ED25519_SIG_BYTES;
	if (sig_size < need)
		return SX_ETOOBIG;
	if (msg == NULL)
		msg = sign_empty;

	mctx = EVP_MD_CTX_new();
	if (mctx == NULL) {
		ERR_clear_error();
		return SX_ENOMEM;
	}
	if ((rc = sign_init(mctx, k, true)) < 0)
		goto cleanup;
	written = sig_size;
	if (k->alg == CRYPTO_SIGN_ED25519) {
		if (EVP_DigestSign(mctx, sig, &written, msg, len) != 1 ||
		    written != CRYPTO_SIGN_ED25519_SIG_BYTES) {
			rc = sign_openssl_failed();
			goto cleanup;
		}
	} else {
		if (EVP_DigestSignUpdate(mctx, msg, len) != 1 ||
		    EVP_DigestSignFinal(mctx, sig, &written) != 1 ||
		    !sign_sm2_der_is_minimal(sig, written)) {
			rc = sign_openssl_failed();
			goto cleanup;
		}
	}
	*sig_len = written;
	rc = 0;

cleanup:
	EVP_MD_CTX_free(mctx);
	return rc;
}

int crypto_sign_verify(const struct crypto_sign_key *k, const void *msg, size_t len,
		       const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *mctx = NULL;
	int ok;
	int rc;

	if (k == NULL || sig == NULL || (msg == NULL && len > 0))
		return SX_EINVALID;
	if (k->alg == CRYPTO_SIGN_ED25519 && sig_len != CRYPTO_SIGN_ED25519_SIG_BYTES)
		return SX_EINVALID;
	if (k->alg == CRYPTO_SIGN_SM2 && !sign_sm2_der_is_minimal(sig, sig_len))
		return SX_EINVALID;
	if (msg == NULL)
		msg = sign_empty;

	mctx = EVP_MD_CTX_new();
	if (mctx == NULL) {
		ERR_clear_error();
		return SX_ENOMEM;
	}
	if ((rc = sign_init(mctx, k, false)) < 0)
		goto cleanup;
	if (k->alg == CRYPTO_SIGN_ED25519) {
		ok = EVP_DigestVerify(mctx, sig, sig_len, msg, len);
	} else {
		if (EVP_DigestVerifyUpdate(mctx, msg, len) != 1) {
			rc = sign_openssl_failed();
			goto cleanup;
		}
		ok = EVP_DigestVerifyFinal(mctx, sig, sig_len);
	}
	/* The encoding was checked above, so any refusal means the signature is wrong. */
	ERR_clear_error();
	rc = ok == 1 ? 0 : SX_ECORRUPT;

cleanup:
	EVP_MD_CTX_free(mctx);
	return rc;
}

enum crypto_sign_alg crypto_sign_key_alg(const struct crypto_sign_key *k)
{
	return k->alg;
}

bool crypto_sign_key_has_private(const struct crypto_sign_key *k)
{
	return k != NULL && k->has_private;
}

void crypto_sign_key_free(struct crypto_sign_key *k)
{
	if (k == NULL)
		return;
	/* OpenSSL wipes private key material when it frees the key. */
	EVP_PKEY_free(k->pkey);
	sx_free(k);
}

/* ---- key files ---- */

/* Maps errno of a failed open/write/fsync to an SX_E* code. */
static int sign_errno_rc(int e)
{
	switch (e) {
	case ENOENT:
		return SX_ENOTFOUND;
	case EEXIST:
		return SX_EEXISTS;
	case EACCES:
	case EPERM:
	case EROFS:
		return SX_EPERM;
	case ENOSPC:
	case EDQUOT:
		return SX_ENOSPC;
	default:
		return SX_EIO;
	}
}

static int sign_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsyncs the directory that holds path, so that the new name is durable too. */
static int sign_fsync_parent(const char *path, int *saved_errno)
{
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int fd = -1;
	int rc;

	if (slash == NULL)
		dir = sx_strdup(".");
	else
		dir = sx_strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return SX_ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		*saved_errno = errno;
		rc = SX_EIO;
		goto cleanup;
	}
	rc = 0;

cleanup:
	if (fd >= 0)
		close(fd);
	sx_free(dir);
	return rc;
}

int crypto_sign_key_save_private(const struct crypto_sign_key *k, const char *path,
				 struct sx_error *err)
{
	BIO *mem = NULL;
	char *pem = NULL;
	long pem_len;
	int fd = -1;
	bool created = false;
	int saved_errno = 0;
	int rc;

	if (k == NULL || path == NULL || path[0] == '\0' || !k->has_private)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);

	/* Secure-heap BIO: the PEM holds the private key and is wiped when freed. */
	mem = BIO_new(BIO_s_secmem());
	if (mem == NULL) {
		ERR_clear_error();
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	if (PEM_write_bio_PrivateKey(mem, k->pkey, NULL, NULL, 0, NULL, NULL) != 1) {
		rc = sx_error_set(err, sign_openssl_failed(), NULL, NULL);
		goto cleanup;
	}
	pem_len = BIO_get_mem_data(mem, &pem);
	if (pem_len <= 0 || pem == NULL) {
		rc = sx_error_set(err, sign_openssl_failed(), NULL, NULL);
		goto cleanup;
	}

	/* O_EXCL also refuses a symlink at path, dangling or not. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;

		rc = sign_errno_rc(e);
		if (rc == SX_ENOTFOUND)
			rc = SX_EIO; /* the directory is missing: a deployment problem */
		if (rc == SX_EEXISTS)
			sx_error_setf(err, rc, "key_exists", "签名密钥文件已存在，不会覆盖",
				      "%s: %s", path, strerror(e));
		else
			sx_error_setf(err, rc, "key_io", "无法创建签名密钥文件", "open %s: %s",
				      path, strerror(e));
		goto cleanup;
	}
	created = true;
	if (sign_write_all(fd, pem, (size_t)pem_len) != 0 || fsync(fd) != 0) {
		saved_errno = errno;
		rc = sign_errno_rc(saved_errno);
		sx_error_setf(err, rc, "key_io", "写入签名密钥文件失败", "write %s: %s", path,
			      strerror(saved_errno));
		goto cleanup;
	}
	if (close(fd) != 0) {
		fd = -1;
		saved_errno = errno;
		rc = sx_error_setf(err, SX_EIO, "key_io", "写入签名密钥文件失败", "close %s: %s",
				   path, strerror(saved_errno));
		goto cleanup;
	}
	fd = -1;
	if ((rc = sign_fsync_parent(path, &saved_errno)) < 0) {
		sx_error_setf(err, rc, "key_io", "写入签名密钥文件失败",
			      "fsync directory of %s: %s", path,
			      rc == SX_ENOMEM ? "out of memory" : strerror(saved_errno));
		goto cleanup;
	}
	rc = 0;

cleanup:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(path);
	BIO_free(mem);
	return rc;
}

/*
 * Decodes data[0..len) as one PEM block labelled "PRIVATE KEY" holding a
 * PKCS#8 PrivateKeyInfo. Other labels (encrypted PKCS#8, SEC1 "EC PRIVATE
 * KEY") are refused so that one format is all there is.
 */
static int sign_decode_pkcs8_pem(EVP_PKEY **out, const char *data, size_t len)
{
	BIO *bio = NULL;
	char *name = NULL;
	char *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	const unsigned char *p;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	int rc;

	if (len > INT32_MAX)
		return SX_ETOOBIG;
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL) {
		ERR_clear_error();
		return SX_ENOMEM;
	}
	if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1 ||
	    strcmp(name, PEM_STRING_PKCS8INF) != 0 || header[0] != '\0') {
		rc = SX_EINVALID;
		goto cleanup;
	}
	p = der;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, der_len);
	if (p8 == NULL || p != der + der_len) {
		rc = SX_EINVALID;
		goto cleanup;
	}
	*out = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
	rc = *out ? 0 : SX_EINVALID;

cleanup:
	ERR_clear_error();
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_clear_free(der, der_len > 0 ? (size_t)der_len : 0);
	OPENSSL_free(header);
	OPENSSL_free(name);
	BIO_free(bio);
	return rc;
}

/* Reads the whole file open at fd (at most max bytes) into a new sx_malloc'd buffer. */
static int sign_read_fd(char **out, size_t *out_len, int fd, size_t max)
{
	char *data = sx_malloc(max + 1);
	size_t len = 0;
	int rc;

	if (data == NULL)
		return SX_ENOMEM;
	/* Reading up to max + 1 tells a file that grew past the limit after fstat. */
	while (len < max + 1) {
		ssize_t n = read(fd, data + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = SX_EIO;
			goto cleanup;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		rc = SX_ETOOBIG;
		goto cleanup;
	}
	*out = data;
	*out_len = len;
	data = NULL;
	rc = 0;

cleanup:
	if (data != NULL) {
		OPENSSL_cleanse(data, len);
		sx_free(data);
	}
	return rc;
}

int crypto_sign_key_load_private(struct crypto_sign_key **out, const char *path,
				 struct sx_error *err)
{
	struct stat st;
	char *data = NULL;
	size_t data_len = 0;
	EVP_PKEY *pkey = NULL;
	enum crypto_sign_alg alg;
	int fd = -1;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || path == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		rc = sign_errno_rc(e);
		if (rc == SX_ENOTFOUND)
			sx_error_setf(err, rc, "key_not_found", "签名密钥文件不存在", "%s", path);
		else
			sx_error_setf(err, rc, "key_io", "无法读取签名密钥文件", "open %s: %s",
				      path, strerror(e));
		goto cleanup;
	}
	if (fstat(fd, &st) != 0) {
		rc = sx_error_setf(err, SX_EIO, "key_io", "无法读取签名密钥文件", "fstat %s: %s",
				   path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = sx_error_setf(err, SX_EINVALID, "key_malformed", "签名密钥路径不是普通文件",
				   "%s", path);
		goto cleanup;
	}
	if ((st.st_mode & 077) != 0) {
		rc = sx_error_setf(err, SX_EPERM, "key_permissions",
				   "签名密钥文件权限过宽，须仅限所有者读写（chmod 600）",
				   "%s has mode %04o", path, (unsigned)(st.st_mode & 07777));
		goto cleanup;
	}
	if (st.st_size > CRYPTO_SIGN_KEY_FILE_MAX_BYTES) {
		rc = sx_error_setf(err, SX_ETOOBIG, "key_malformed", "签名密钥文件过大",
				   "%s: %lld bytes", path, (long long)st.st_size);
		goto cleanup;
	}
	if ((rc = sign_read_fd(&data, &data_len, fd, CRYPTO_SIGN_KEY_FILE_MAX_BYTES)) < 0) {
		sx_error_setf(err, rc, rc == SX_EIO ? "key_io" : NULL, "无法读取签名密钥文件",
			      "read %s", path);
		goto cleanup;
	}
	if ((rc = sign_decode_pkcs8_pem(&pkey, data, data_len)) < 0) {
		sx_error_setf(err, rc, rc == SX_EINVALID ? "key_malformed" : NULL,
			      "签名密钥文件格式不正确（应为未加密的 PKCS#8 PEM）", "%s", path);
		goto cleanup;
	}
	if (EVP_PKEY_is_a(pkey, "ED25519")) {
		alg = CRYPTO_SIGN_ED25519;
	} else if (EVP_PKEY_is_a(pkey, "SM2")) {
		alg = CRYPTO_SIGN_SM2;
	} else {
		rc = sx_error_setf(err, SX_EUNSUPPORTED, "key_algorithm",
				   "签名密钥算法不受支持（仅支持 Ed25519 与 SM2）", "%s: %s", path,
				   EVP_PKEY_get0_type_name(pkey));
		goto cleanup;
	}
	if ((rc = sign_key_wrap(out, alg, pkey, true)) < 0) {
		pkey = NULL;
		sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	pkey = NULL;
	rc = 0;

cleanup:
	EVP_PKEY_free(pkey);
	if (data != NULL) {
		OPENSSL_cleanse(data, data_len);
		sx_free(data);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
