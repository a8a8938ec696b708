/*
 * Integration: the public face of the tamper-evident log, checked from the
 * outside the way an auditor would — the signed checkpoint, the verifier keys,
 * tiles and entry bundles, inclusion and consistency proofs — and the promise
 * that every acknowledged change is in the log.
 *
 * Everything is verified here independently of src/ledger: leaf and node
 * hashes with OpenSSL's SHA-256, tree heads recomputed from the entry bundles
 * (RFC 6962 §2.1), proofs checked with the algorithms of RFC 9162 §2.1.3.2 and
 * §2.1.4.2 written out below, Ed25519 and SM2 signatures checked with OpenSSL
 * against the keys of GET /ledger/keys. Only base64 comes from base/codec.
 *
 * One server for the group. Tests that need a full tile (more than 256
 * leaves) grow the log themselves by creating users through the API from
 * several threads at once (which also exercises group commit), so the tests
 * do not depend on each other's order. Demo data already holds ledger.init and
 * the demo's creations, so the log is never empty.
 *
 * The last test runs Go's golang.org/x/mod/sumdb/{note,tlog} against the
 * server (tests/interop/tlog_verify/main.go). It is a required interop test:
 * without a Go toolchain it fails, saying what to install.
 *
 * Spec: c2sp.org/tlog-checkpoint, c2sp.org/signed-note, c2sp.org/tlog-tiles,
 * RFC 6962 §2.1, RFC 9162 §2.1.3.2 and §2.1.4.2, RFC 8032 (Ed25519),
 * GB/T 32918 and GM/T 0009 (SM2 with SM3, distinguishing ID 1234567812345678).
 */
#include "itest.h"

#include "base/codec.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HASH_BYTES 32
#define TILE_WIDTH 256
#define MAX_PROOF 64
#define CHECKPOINT_WAIT_MS 30000 /* the server publishes at most once a second */
#define POLL_MS 50
#define CREATE_THREADS 4
#define FULL_TILE_USERS 260 /* with the demo's events, more than one full tile */
#define USER_PASSWORD "Ledger-Test-2026"
#define SIG_PREFIX "\xe2\x80\x94 " /* U+2014 EM DASH, then a space */
#define SIG_PREFIX_LEN 4
#define MAX_SIGS 8
#define NAME_MAX_BYTES 256
#define SM2_TYPE_NAME "sanxiang/sm2-sm3/v1"
#define SM2_DIST_ID "1234567812345678"
#define GO_GOPATH "/usr/share/gocode"
#define GO_TLOG_SOURCE GO_GOPATH "/src/golang.org/x/mod/sumdb/tlog/tlog.go"
#define GO_TIMEOUT_MS 240000

struct hash {
	unsigned char bytes[HASH_BYTES];
};

/* One signature line of a note: "— <name> base64(key ID || signature)". */
struct sig_line {
	char name[NAME_MAX_BYTES];
	uint32_t key_id;
	unsigned char sig[160];
	size_t sig_len; /* bytes of sig, without the key ID */
};

/* GET /ledger/checkpoint, parsed. */
struct checkpoint {
	char *note;      /* the whole body, NUL-terminated; sx_free */
	size_t note_len; /* bytes of note */
	size_t text_len; /* bytes of the signed text (up to the blank line, with its '\n') */
	char origin[NAME_MAX_BYTES];
	uint64_t size;
	struct hash root;
	struct sig_line sigs[MAX_SIGS];
	size_t sig_count;
};

/* One line of GET /ledger/keys: "<name>+<hex key ID>+base64(type || key)". */
struct vkey {
	char name[NAME_MAX_BYTES];
	uint32_t key_id;
	unsigned char material[128];
	size_t material_len;
};

/* The log's leaves 0..count-1, from the entry bundles. */
struct entries {
	char **data;       /* data[i]: entry i, NUL-terminated copy; sx_free */
	size_t *len;       /* bytes of data[i] */
	struct hash *leaf; /* SHA-256(0x00 || data[i]) */
	uint64_t count;
};

/* ---- hashing (OpenSSL, independent of src/) ---------------------------------------------- */

static void sha256_prefixed(struct hash *out, unsigned char prefix, const void *a, size_t alen,
                            const void *b, size_t blen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok;

	assert_non_null(ctx);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, &prefix, 1) == 1 &&
	     (alen == 0 || EVP_DigestUpdate(ctx, a, alen) == 1) &&
	     (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	     EVP_DigestFinal_ex(ctx, out->bytes, &len) == 1;
	EVP_MD_CTX_free(ctx);
	assert_true(ok);
	assert_int_equal(len, HASH_BYTES);
}

/* RFC 6962 §2.1: leaf hash H(0x00 || d). */
static void leaf_hash(struct hash *out, const void *data, size_t len)
{
	sha256_prefixed(out, 0x00, data, len, NULL, 0);
}

/* RFC 6962 §2.1: node hash H(0x01 || left || right); out may alias either. */
static void node_hash(struct hash *out, const struct hash *left, const struct hash *right)
{
	struct hash h;

	sha256_prefixed(&h, 0x01, left->bytes, HASH_BYTES, right->bytes, HASH_BYTES);
	*out = h;
}

static bool hash_equal(const struct hash *a, const struct hash *b)
{
	return memcmp(a->bytes, b->bytes, HASH_BYTES) == 0;
}

/* The largest power of two smaller than n (n > 1). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[0:n]) of RFC 6962 §2.1, straight from the definition (n >= 1). */
static void tree_hash(struct hash *out, const struct hash *leaves, uint64_t n)
{
	struct hash left, right;
	uint64_t k;

	if (n == 1) {
		*out = leaves[0];
		return;
	}
	k = split_point(n);
	tree_hash(&left, leaves, k);
	tree_hash(&right, leaves + k, n - k);
	node_hash(out, &left, &right);
}

/* ---- proof verification, RFC 9162 ---------------------------------------------------------- */

/* §2.1.3.2: verifies an inclusion proof of leaf `index` in a tree of `size` leaves. */
static bool inclusion_verifies(uint64_t index, uint64_t size, const struct hash *leaf,
                               const struct hash *path, size_t path_len, const struct hash *root)
{
	uint64_t fn = index;
	uint64_t sn = size - 1;
	struct hash r = *leaf;

	if (index >= size)
		return false;
	for (size_t i = 0; i < path_len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			node_hash(&r, &path[i], &r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(&r, &r, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && hash_equal(&r, root);
}

/* §2.1.4.2: verifies that the tree of `first` leaves (first_hash) is a prefix of the tree
 * of `second` leaves (second_hash). Equal sizes need an empty proof and equal roots. */
static bool consistency_verifies(uint64_t first, uint64_t second, const struct hash *first_hash,
                                 const struct hash *second_hash, const struct hash *proof,
                                 size_t proof_len)
{
	struct hash path[MAX_PROOF + 1];
	struct hash fr, sr;
	size_t n = 0;
	uint64_t fn, sn;

	if (first == 0 || first > second || proof_len > MAX_PROOF)
		return false;
	if (first == second)
		return proof_len == 0 && hash_equal(first_hash, second_hash);
	if (proof_len == 0)
		return false;
	if ((first & (first - 1)) == 0)
		path[n++] = *first_hash;
	memcpy(&path[n], proof, proof_len * sizeof(*proof));
	n += proof_len;
	fn = first - 1;
	sn = second - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	fr = path[0];
	sr = path[0];
	for (size_t i = 1; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			node_hash(&fr, &path[i], &fr);
			node_hash(&sr, &path[i], &sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(&sr, &sr, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && hash_equal(&fr, first_hash) && hash_equal(&sr, second_hash);
}

/* ---- small parsers --------------------------------------------------------------------------- */

static bool decode_hash(struct hash *out, const char *text, size_t len)
{
	size_t got = 0;

	return codec_base64_decode(out->bytes, sizeof(out->bytes), &got, text, len) == 0 &&
	       got == HASH_BYTES;
}

/* A JSON string member holding one base64 hash. */
static void json_hash(struct hash *out, const json_t *obj, const char *member)
{
	const json_t *v = json_object_get(obj, member);

	if (!json_is_string(v) || !decode_hash(out, json_string_value(v), json_string_length(v))) {
		print_error("member \"%s\" is not a base64 hash\n", member);
		fail();
	}
}

/* The "proof" array of a proof answer. */
static size_t json_proof(struct hash *out, const json_t *answer)
{
	const json_t *list = json_object_get(answer, "proof");
	size_t count = json_array_size(list);

	assert_true(json_is_array(list));
	assert_true(count <= MAX_PROOF);
	for (size_t i = 0; i < count; i++) {
		const json_t *v = json_array_get(list, i);

		assert_true(json_is_string(v));
		assert_true(decode_hash(&out[i], json_string_value(v), json_string_length(v)));
	}
	return count;
}

static uint64_t json_u64(const json_t *obj, const char *member)
{
	const json_t *v = json_object_get(obj, member);

	assert_true(json_is_integer(v));
	assert_true(json_integer_value(v) >= 0);
	return (uint64_t)json_integer_value(v);
}

/* A decimal without sign or leading zeros ("0" alone is fine). */
static bool parse_u64(uint64_t *out, const char *s, size_t len)
{
	uint64_t n = 0;

	if (len == 0 || len > 20 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || n > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	*out = n;
	return true;
}

/* key ID = SHA-256(name || "\n" || material)[:4], big-endian (c2sp.org/signed-note). */
static uint32_t key_id_of(const char *name, const unsigned char *material, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char digest[HASH_BYTES];
	unsigned int dlen = 0;
	int ok;

	assert_non_null(ctx);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, name, strlen(name)) == 1 &&
	     EVP_DigestUpdate(ctx, "\n", 1) == 1 && EVP_DigestUpdate(ctx, material, len) == 1 &&
	     EVP_DigestFinal_ex(ctx, digest, &dlen) == 1;
	EVP_MD_CTX_free(ctx);
	assert_true(ok);
	return (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
	       digest[3];
}

/* ---- checkpoint and keys ----------------------------------------------------------------- */

static void checkpoint_free(struct checkpoint *cp)
{
	sx_free(cp->note);
	memset(cp, 0, sizeof(*cp));
}

/* Parses a signed note holding a checkpoint; asserts that it is well-formed. */
static void checkpoint_parse(struct checkpoint *out, const char *note, size_t len)
{
	const char *end = note + len;
	const char *p = note;
	const char *nl;
	size_t split = 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	out->note = sx_malloc(len + 1);
	assert_non_null(out->note);
	memcpy(out->note, note, len);
	out->note[len] = '\0';
	out->note_len = len;

	/* The text ends at the last blank line (signed-note: signatures follow it). */
	for (size_t i = len >= 2 ? len - 2 : 0; len >= 2; i--) {
		if (note[i] == '\n' && note[i + 1] == '\n') {
			split = i;
			found = true;
			break;
		}
		if (i == 0)
			break;
	}
	if (!found) {
		print_error("checkpoint has no blank line before signatures:\n%.*s\n", (int)len,
		            note);
		fail();
	}
	out->text_len = split + 1;

	/* Line 1: origin. */
	nl = memchr(p, '\n', out->text_len);
	assert_non_null(nl);
	assert_true(nl > p && (size_t)(nl - p) < sizeof(out->origin));
	memcpy(out->origin, p, (size_t)(nl - p));
	out->origin[nl - p] = '\0';
	p = nl + 1;
	/* Line 2: size. */
	nl = memchr(p, '\n', (size_t)(note + out->text_len - p));
	assert_non_null(nl);
	if (!parse_u64(&out->size, p, (size_t)(nl - p))) {
		print_error("checkpoint size line \"%.*s\" is not a canonical decimal\n",
		            (int)(nl - p), p);
		fail();
	}
	p = nl + 1;
	/* Line 3: root; nothing after it (we write no extension lines). */
	nl = memchr(p, '\n', (size_t)(note + out->text_len - p));
	assert_non_null(nl);
	assert_true(decode_hash(&out->root, p, (size_t)(nl - p)));
	if (nl + 1 != note + out->text_len) {
		print_error("checkpoint text has more than three lines:\n%.*s\n",
		            (int)out->text_len, note);
		fail();
	}

	/* Signature lines. */
	p = note + split + 2;
	while (p < end) {
		struct sig_line *s;
		unsigned char raw[sizeof(s->sig) + 4];
		const char *space;
		size_t raw_len = 0;

		assert_true(out->sig_count < MAX_SIGS);
		s = &out->sigs[out->sig_count];
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || (size_t)(nl - p) < SIG_PREFIX_LEN ||
		    memcmp(p, SIG_PREFIX, SIG_PREFIX_LEN) != 0) {
			print_error("bad signature line \"%.*s\"\n", (int)(end - p), p);
			fail();
		}
		p += SIG_PREFIX_LEN;
		space = memchr(p, ' ', (size_t)(nl - p));
		assert_non_null(space);
		assert_true(space > p && (size_t)(space - p) < sizeof(s->name));
		memcpy(s->name, p, (size_t)(space - p));
		s->name[space - p] = '\0';
		assert_int_equal(codec_base64_decode(raw, sizeof(raw), &raw_len, space + 1,
		                                     (size_t)(nl - space - 1)),
		                 0);
		assert_true(raw_len >= 5);
		s->key_id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
		            (uint32_t)raw[2] << 8 | raw[3];
		s->sig_len = raw_len - 4;
		memcpy(s->sig, raw + 4, s->sig_len);
		out->sig_count++;
		p = nl + 1;
	}
}

/* GET /ledger/checkpoint once. Returns the HTTP status; on 200 *out is filled. */
static long checkpoint_fetch(struct checkpoint *out, struct itest_client *c)
{
	struct itest_response r;
	long status;

	memset(out, 0, sizeof(*out));
	assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
	status = r.status;
	if (status == 200)
		checkpoint_parse(out, r.body, r.body_len);
	itest_response_free(&r);
	return status;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls (bounded) until the newest checkpoint covers at least min_size leaves. */
static void checkpoint_wait(struct checkpoint *out, struct itest_client *c, uint64_t min_size)
{
	int64_t deadline = now_ms() + CHECKPOINT_WAIT_MS;
	long status = 0;

	for (;;) {
		status = checkpoint_fetch(out, c);
		if (status == 200 && out->size >= min_size)
			return;
		if (status == 200)
			checkpoint_free(out);
		if (now_ms() > deadline)
			break;
		sleep_ms(POLL_MS);
	}
	print_error("no checkpoint of at least %llu leaves within %d ms (last status %ld)\n",
	            (unsigned long long)min_size, CHECKPOINT_WAIT_MS, status);
	fail();
}

/* GET /ledger/keys: exactly two vkeys, parsed and their key IDs checked. */
static void keys_fetch(struct vkey out[2], struct itest_client *c)
{
	struct itest_response r;
	const char *p, *end;
	size_t count = 0;

	memset(out, 0, 2 * sizeof(*out));
	assert_int_equal(itest_get(&r, c, "/ledger/keys"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "text/plain; charset=utf-8");
	p = r.body;
	end = r.body + r.body_len;
	assert_true(r.body_len > 0 && end[-1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *plus1, *plus2;
		struct vkey *k;
		uint64_t id = 0;

		if (count == 2) {
			print_error("/ledger/keys has more than two lines:\n%s\n", r.body);
			fail();
		}
		k = &out[count++];
		plus1 = memchr(p, '+', (size_t)(nl - p));
		assert_non_null(plus1);
		plus2 = memchr(plus1 + 1, '+', (size_t)(nl - plus1 - 1));
		assert_non_null(plus2);
		assert_true(plus1 > p && (size_t)(plus1 - p) < sizeof(k->name));
		memcpy(k->name, p, (size_t)(plus1 - p));
		k->name[plus1 - p] = '\0';
		assert_int_equal(plus2 - plus1 - 1, 8);
		for (const char *h = plus1 + 1; h < plus2; h++) {
			int v = *h >= '0' && *h <= '9'   ? *h - '0'
			        : *h >= 'a' && *h <= 'f' ? *h - 'a' + 10
			                                 : -1;

			assert_true(v >= 0); /* lower-case hex, as sumdb/note writes it */
			id = id << 4 | (uint64_t)v;
		}
		k->key_id = (uint32_t)id;
		assert_int_equal(codec_base64_decode(k->material, sizeof(k->material),
		                                     &k->material_len, plus2 + 1,
		                                     (size_t)(nl - plus2 - 1)),
		                 0);
		assert_true(k->material_len > 1);
		assert_int_equal(k->key_id, key_id_of(k->name, k->material, k->material_len));
		p = nl + 1;
	}
	assert_int_equal(count, 2);
	itest_response_free(&r);
}

static bool ed25519_verifies(const struct vkey *k, const void *msg, size_t msg_len,
                             const unsigned char *sig, size_t sig_len)
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	bool ok = false;

	if (k->material_len != 33 || k->material[0] != 0x01 || sig_len != 64)
		return false;
	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->material + 1, 32);
	md = EVP_MD_CTX_new();
	ok = pkey && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) == 1 &&
	     EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return ok;
}

/* SM2 key material: 0xff || "sanxiang/sm2-sm3/v1" || 0x00 || 04 || X || Y (ledger/note.h). */
static bool sm2_verifies(const struct vkey *k, const void *msg, size_t msg_len,
                         const unsigned char *sig, size_t sig_len)
{
	const size_t name_len = sizeof(SM2_TYPE_NAME) - 1;
	const unsigned char *point = k->material + 1 + name_len + 1;
	EVP_PKEY_CTX *kctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	OSSL_PARAM key_params[3];
	OSSL_PARAM sig_params[2];
	bool ok = false;

	if (k->material_len != 1 + name_len + 1 + 65 || k->material[0] != 0xff ||
	    memcmp(k->material + 1, SM2_TYPE_NAME, name_len) != 0 ||
	    k->material[1 + name_len] != 0x00 || point[0] != 0x04)
		return false;
	key_params[0] =
	        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"SM2", 0);
	key_params[1] =
	        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, 65);
	key_params[2] = OSSL_PARAM_construct_end();
	sig_params[0] = OSSL_PARAM_construct_octet_string(
	        OSSL_PKEY_PARAM_DIST_ID, (void *)SM2_DIST_ID, sizeof(SM2_DIST_ID) - 1);
	sig_params[1] = OSSL_PARAM_construct_end();
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	md = EVP_MD_CTX_new();
	ok = kctx && md && EVP_PKEY_fromdata_init(kctx) == 1 &&
	     EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, key_params) == 1 &&
	     EVP_DigestVerifyInit_ex(md, NULL, "SM3", NULL, NULL, pkey, sig_params) == 1 &&
	     EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(kctx);
	return ok;
}

/* Whether the signature line s by key k verifies over text[0..len). */
static bool sig_verifies(const struct vkey *k, const struct sig_line *s, const char *text,
                         size_t len)
{
	if (strcmp(k->name, s->name) != 0 || k->key_id != s->key_id)
		return false;
	if (k->material[0] == 0x01)
		return ed25519_verifies(k, text, len, s->sig, s->sig_len);
	return sm2_verifies(k, text, len, s->sig, s->sig_len);
}

/* ---- tiles and entry bundles ------------------------------------------------------------- */

/* Writes N as C2SP tile path groups: 1234067 -> "x001/x234/067". */
static void format_tile_index(char *out, size_t size, uint64_t n)
{
	unsigned groups[8];
	size_t count = 0;
	size_t pos = 0;

	do {
		groups[count++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n > 0);
	out[0] = '\0';
	while (count > 0) {
		int w = snprintf(out + pos, size - pos, count > 1 ? "x%03u/" : "%03u",
		                 groups[count - 1]);

		assert_true(w > 0 && (size_t)w < size - pos);
		pos += (size_t)w;
		count--;
	}
}

/* "/ledger/tile/<level>/<N>[.p/<W>]"; level "entries" for a bundle. */
static void tile_url(char *out, size_t size, const char *level, uint64_t index, int width)
{
	char n[64];

	format_tile_index(n, sizeof(n), index);
	if (width == TILE_WIDTH)
		snprintf(out, size, "/ledger/tile/%s/%s", level, n);
	else
		snprintf(out, size, "/ledger/tile/%s/%s.p/%d", level, n, width);
}

static int tile_width_at(uint64_t size, uint64_t index)
{
	uint64_t left = size - index * TILE_WIDTH;

	return left >= TILE_WIDTH ? TILE_WIDTH : (int)left;
}

static void entries_free(struct entries *e)
{
	for (uint64_t i = 0; e->data && i < e->count; i++)
		sx_free(e->data[i]);
	sx_free(e->data);
	sx_free(e->len);
	sx_free(e->leaf);
	memset(e, 0, sizeof(*e));
}

/* Splits an entry bundle; asserts it holds exactly `width` entries and appends them to e. */
static void bundle_split(struct entries *e, const char *url, const unsigned char *p, size_t len,
                         int width)
{
	const unsigned char *end = p + len;
	int count = 0;

	while (p < end) {
		size_t n;

		if (end - p < 2) {
			print_error("%s: truncated length prefix\n", url);
			fail();
		}
		n = (size_t)p[0] << 8 | p[1];
		p += 2;
		if ((size_t)(end - p) < n) {
			print_error("%s: entry %d truncated\n", url, count);
			fail();
		}
		e->data[e->count] = sx_malloc(n + 1);
		assert_non_null(e->data[e->count]);
		memcpy(e->data[e->count], p, n);
		e->data[e->count][n] = '\0';
		e->len[e->count] = n;
		leaf_hash(&e->leaf[e->count], p, n);
		e->count++;
		p += n;
		count++;
		assert_true(count <= width);
	}
	if (count != width) {
		print_error("%s: %d entries, want %d\n", url, count, width);
		fail();
	}
}

/* Fetches entries 0..size-1 from the entry bundles of a tree of `size` leaves. */
static void entries_fetch(struct entries *out, struct itest_client *c, uint64_t size)
{
	memset(out, 0, sizeof(*out));
	out->data = sx_calloc(size, sizeof(*out->data));
	out->len = sx_calloc(size, sizeof(*out->len));
	out->leaf = sx_calloc(size, sizeof(*out->leaf));
	assert_true(out->data && out->len && out->leaf);
	for (uint64_t k = 0; k * TILE_WIDTH < size; k++) {
		struct itest_response r;
		char url[128];
		int width = tile_width_at(size, k);

		tile_url(url, sizeof(url), "entries", k, width);
		assert_int_equal(itest_get(&r, c, url), 0);
		if (r.status != 200)
			print_error("GET %s\n", url);
		ITEST_ASSERT_STATUS(r, 200);
		bundle_split(out, url, (const unsigned char *)r.body, r.body_len, width);
		itest_response_free(&r);
	}
	assert_int_equal(out->count, size);
}

/* Entry i parsed as JSON (json_decref it). */
static json_t *entry_json(const struct entries *e, uint64_t i)
{
	json_error_t jerr;
	json_t *v = json_loadb(e->data[i], e->len[i], JSON_REJECT_DUPLICATES, &jerr);

	if (!json_is_object(v)) {
		print_error("entry %llu is not a JSON object: %s\n", (unsigned long long)i,
		            e->data[i]);
		fail();
	}
	return v;
}

/* Roots of every prefix: roots[m] = MTH(D[0:m]) for 1 <= m <= count (roots[0] unused). */
static struct hash *prefix_roots(const struct entries *e)
{
	struct hash *roots = sx_calloc(e->count + 1, sizeof(*roots));

	assert_non_null(roots);
	for (uint64_t m = 1; m <= e->count; m++)
		tree_hash(&roots[m], e->leaf, m);
	return roots;
}

/* ---- creating users from several threads ------------------------------------------------- */

struct created_user {
	int64_t ledger_index; /* from the 201 answer */
	char id[64];          /* user.id */
};

/* One creating thread. It must not call cmocka: failures go to `failure`. */
struct creator {
	struct itest_server *server; /* borrowed */
	const char *role;            /* borrowed */
	json_t *agency;              /* this thread's own copy */
	char prefix[32];             /* usernames are <prefix>_<i> */
	size_t count;                /* users to create */
	struct created_user *out;    /* count entries */
	size_t done;                 /* entries of out filled */
	char failure[512];           /* empty when all went well */
};

static void *creator_run(void *arg)
{
	struct creator *cr = arg;
	struct itest_client *c = NULL;
	char *csrf = NULL;

	if (itest_client_new(&c, cr->server) < 0 ||
	    itest_login(&csrf, c, "admin", ITEST_DEMO_PASSWORD) < 0) {
		snprintf(cr->failure, sizeof(cr->failure), "%s: admin login failed", cr->prefix);
		goto cleanup;
	}
	for (size_t i = 0; i < cr->count; i++) {
		struct itest_response r;
		char username[64];
		json_t *body, *user, *index;
		char *text;
		int rc;

		snprintf(username, sizeof(username), "%s_%zu", cr->prefix, i);
		body = json_pack("{s:s, s:s, s:s, s:s, s:O}", "username", username, "display_name",
		                 "日志测试", "password", USER_PASSWORD, "role", cr->role,
		                 "agency_id", cr->agency);
		text = body ? json_dumps(body, JSON_COMPACT) : NULL;
		json_decref(body);
		if (text == NULL) {
			snprintf(cr->failure, sizeof(cr->failure), "%s: out of memory", username);
			goto cleanup;
		}
		rc = itest_send_json(&r, c, "POST", "/api/v1/users", text, csrf);
		free(text);
		if (rc < 0) {
			snprintf(cr->failure, sizeof(cr->failure), "%s: no answer (%d)", username,
			         rc);
			goto cleanup;
		}
		user = json_object_get(r.json, "user");
		index = json_object_get(r.json, "ledger_index");
		if (r.status != 201 || !json_is_integer(index) ||
		    !json_is_string(json_object_get(user, "id"))) {
			snprintf(cr->failure, sizeof(cr->failure),
			         "%s: want 201 with user.id and ledger_index, got %ld %.300s",
			         username, r.status, r.body);
			itest_response_free(&r);
			goto cleanup;
		}
		cr->out[i].ledger_index = json_integer_value(index);
		snprintf(cr->out[i].id, sizeof(cr->out[i].id), "%s",
		         json_string_value(json_object_get(user, "id")));
		cr->done = i + 1;
		itest_response_free(&r);
	}
cleanup:
	sx_free(csrf);
	itest_client_free(c);
	return NULL;
}

/* Role and agency of the demo officer, to create users like it. */
static void officer_role_and_agency(char **role, json_t **agency, struct itest_server *s)
{
	struct itest_client *c = NULL;
	struct itest_response r;
	json_t *user;

	assert_int_equal(itest_client_new(&c, s), 0);
	assert_int_equal(itest_login_response(&r, c, "officer", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	user = json_object_get(r.json, "user");
	*role = sx_strdup(json_string_value(json_object_get(user, "role")));
	assert_non_null(*role);
	*agency = json_incref(json_object_get(user, "agency_id"));
	assert_non_null(*agency);
	itest_response_free(&r);
	itest_client_free(c);
}

/*
 * Creates `count` users (usernames <prefix>_<thread>_<i>) from CREATE_THREADS threads at
 * once and returns what the server acknowledged, count entries (sx_free). Asserts that every
 * creation was acknowledged with 201.
 */
static struct created_user *create_users(struct itest_server *s, const char *prefix, size_t count)
{
	struct creator cr[CREATE_THREADS];
	pthread_t threads[CREATE_THREADS];
	struct created_user *all = sx_calloc(count, sizeof(*all));
	char *role = NULL;
	json_t *agency = NULL;
	size_t next = 0;
	bool failed = false;

	assert_non_null(all);
	officer_role_and_agency(&role, &agency, s);
	memset(cr, 0, sizeof(cr));
	for (int t = 0; t < CREATE_THREADS; t++) {
		cr[t].server = s;
		cr[t].role = role;
		cr[t].agency = json_deep_copy(agency);
		assert_non_null(cr[t].agency);
		snprintf(cr[t].prefix, sizeof(cr[t].prefix), "%s_%d", prefix, t);
		cr[t].count = count / CREATE_THREADS + ((size_t)t < count % CREATE_THREADS);
		cr[t].out = all + next;
		next += cr[t].count;
		assert_int_equal(pthread_create(&threads[t], NULL, creator_run, &cr[t]), 0);
	}
	for (int t = 0; t < CREATE_THREADS; t++) {
		assert_int_equal(pthread_join(threads[t], NULL), 0);
		if (cr[t].failure[0]) {
			print_error("creating users: %s\n", cr[t].failure);
			failed = true;
		}
		json_decref(cr[t].agency);
	}
	sx_free(role);
	json_decref(agency);
	if (failed) {
		sx_free(all);
		fail();
	}
	return all;
}

/* Waits for a checkpoint; grows the log with users until one covers min_size leaves. */
static void ensure_log_size(struct checkpoint *out, struct itest_server *s, struct itest_client *c,
                            uint64_t min_size)
{
	char prefix[32];

	checkpoint_wait(out, c, 1);
	if (out->size >= min_size)
		return;
	/* The log only grows, so its size makes the usernames unique. */
	snprintf(prefix, sizeof(prefix), "fill%llu", (unsigned long long)out->size);
	sx_free(create_users(s, prefix, (size_t)(min_size - out->size)));
	checkpoint_free(out);
	checkpoint_wait(out, c, min_size);
}

static struct itest_client *new_client(struct itest_server *s)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, s), 0);
	return c;
}

static bool has_token(const char *header, const char *token)
{
	return header && strstr(header, token) != NULL;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_checkpoint_is_a_note_signed_with_ed25519_and_sm2(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct itest_response r;
	struct checkpoint cp;
	struct vkey keys[2];
	struct entries e;
	struct hash root;
	json_t *first;
	char *tampered;

	checkpoint_wait(&cp, c, 1);
	assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "text/plain; charset=utf-8");
	/* A checkpoint changes as the log grows: never cached as immutable. */
	assert_false(has_token(itest_response_header(&r, "Cache-Control"), "immutable"));
	itest_response_free(&r);

	assert_true(cp.size >= 1);
	assert_int_equal(cp.sig_count, 2);
	keys_fetch(keys, c);
	assert_string_equal(keys[0].name, cp.origin);
	assert_string_equal(keys[1].name, cp.origin);
	/* Each signature line is by one of the keys, and each key signed once. */
	for (size_t k = 0; k < 2; k++) {
		size_t by_key = 0;

		for (size_t i = 0; i < cp.sig_count; i++) {
			if (cp.sigs[i].key_id != keys[k].key_id)
				continue;
			by_key++;
			if (!sig_verifies(&keys[k], &cp.sigs[i], cp.note, cp.text_len)) {
				print_error("signature by %s+%08x does not verify over:\n%.*s",
				            keys[k].name, (unsigned)keys[k].key_id,
				            (int)cp.text_len, cp.note);
				fail();
			}
		}
		assert_int_equal(by_key, 1);
	}
	/* The checks above are not vacuous: a changed size breaks both signatures. */
	tampered = sx_strdup(cp.note);
	assert_non_null(tampered);
	tampered[strlen(cp.origin) + 1] ^= 1;
	for (size_t i = 0; i < cp.sig_count; i++) {
		for (size_t k = 0; k < 2; k++)
			assert_false(sig_verifies(&keys[k], &cp.sigs[i], tampered, cp.text_len));
	}
	sx_free(tampered);

	/* The root is the RFC 6962 tree hash of exactly the leaves the bundles serve. */
	entries_fetch(&e, c, cp.size);
	tree_hash(&root, e.leaf, e.count);
	assert_true(hash_equal(&root, &cp.root));
	/* Leaf 0 is the log's birth certificate. */
	first = entry_json(&e, 0);
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "ledger.init");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(first, "data"), "origin")),
	        cp.origin);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(first, "data"), "hash")),
	        "sha256");
	json_decref(first);
	entries_free(&e);
	checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_keys_are_an_ed25519_vkey_then_an_sm2_vkey(void **state)
{
	struct itest_client *c = new_client(*state);
	struct vkey keys[2];

	/* keys_fetch checks: exactly two lines, key IDs = SHA-256(name \n material)[:4]. */
	keys_fetch(keys, c);
	assert_int_equal(keys[0].material_len, 33);
	assert_int_equal(keys[0].material[0], 0x01);
	assert_int_equal(keys[1].material_len, 1 + strlen(SM2_TYPE_NAME) + 1 + 65);
	assert_int_equal(keys[1].material[0], 0xff);
	assert_memory_equal(keys[1].material + 1, SM2_TYPE_NAME, strlen(SM2_TYPE_NAME));
	assert_string_equal(keys[0].name, keys[1].name);
	assert_int_not_equal(keys[0].key_id, keys[1].key_id);
	itest_client_free(c);
}

static void test_every_acknowledged_user_creation_is_in_the_log(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct created_user *users;
	struct checkpoint before, after;
	struct entries e;
	char *role = NULL;
	json_t *agency = NULL;
	int64_t max_index = -1;
	bool *seen;

	checkpoint_wait(&before, c, 1);
	officer_role_and_agency(&role, &agency, s);
	users = create_users(s, "lg", FULL_TILE_USERS);
	for (size_t i = 0; i < FULL_TILE_USERS; i++) {
		/* Appended after everything the earlier checkpoint covers. */
		assert_true(users[i].ledger_index >= (int64_t)before.size);
		if (users[i].ledger_index > max_index)
			max_index = users[i].ledger_index;
	}
	checkpoint_wait(&after, c, (uint64_t)max_index + 1);
	entries_fetch(&e, c, after.size);
	seen = sx_calloc(after.size, sizeof(*seen));
	assert_non_null(seen);
	for (size_t i = 0; i < FULL_TILE_USERS; i++) {
		uint64_t index = (uint64_t)users[i].ledger_index;
		json_t *entry, *data;

		assert_true(index < after.size);
		/* Group commit must never hand out one index twice. */
		if (seen[index]) {
			print_error("ledger_index %llu acknowledged twice\n",
			            (unsigned long long)index);
			fail();
		}
		seen[index] = true;
		entry = entry_json(&e, index);
		data = json_object_get(entry, "data");
		if (!json_is_string(json_object_get(entry, "kind")) ||
		    strcmp(json_string_value(json_object_get(entry, "kind")), "user.create") != 0 ||
		    !json_is_string(json_object_get(entry, "entity")) ||
		    strcmp(json_string_value(json_object_get(entry, "entity")), users[i].id) != 0) {
			print_error("entry %llu for user %s: %s\n", (unsigned long long)index,
			            users[i].id, e.data[index]);
			fail();
		}
		assert_string_equal(json_string_value(json_object_get(data, "role")), role);
		assert_true(json_equal(json_object_get(data, "agency_id"), agency));
		assert_true(json_is_string(json_object_get(entry, "at")));
		/* The public log names ids and roles, never the person. */
		assert_null(strstr(e.data[index], "日志测试"));
		assert_null(strstr(e.data[index], USER_PASSWORD));
		json_decref(entry);
	}
	sx_free(seen);
	entries_free(&e);
	checkpoint_free(&after);
	checkpoint_free(&before);
	sx_free(users);
	sx_free(role);
	json_decref(agency);
	itest_client_free(c);
}

static void test_every_leaf_has_an_inclusion_proof_that_verifies(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct hash path[MAX_PROOF];
	struct checkpoint cp;
	struct entries e;
	struct hash *roots;
	struct hash wrong;

	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	entries_fetch(&e, c, cp.size);
	roots = prefix_roots(&e);
	assert_true(hash_equal(&roots[cp.size], &cp.root));
	/* Every leaf in the newest tree, and a few leaves in trees of older sizes. */
	const uint64_t sizes[] = {cp.size, 1,  2,  3,           4,   5,   7,   8,          9,
	                          15,      16, 17, cp.size / 2, 255, 256, 257, cp.size - 1};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t size = sizes[k];

		if (size < 1 || size > cp.size)
			continue;
		for (uint64_t i = 0; i < size; i++) {
			struct itest_response r;
			struct hash leaf, root;
			char url[160];
			size_t len;

			if (k > 0 && i != 0 && i != size / 2 && i != size - 1)
				continue;
			snprintf(url, sizeof(url),
			         "/api/v1/ledger/proof/inclusion?index=%llu&size=%llu",
			         (unsigned long long)i, (unsigned long long)size);
			assert_int_equal(itest_get(&r, c, url), 0);
			ITEST_ASSERT_STATUS(r, 200);
			ITEST_ASSERT_CONTENT_TYPE(r, "application/json; charset=utf-8");
			assert_string_equal(json_string_value(json_object_get(r.json, "hash")),
			                    "sha256");
			assert_int_equal(json_u64(r.json, "index"), i);
			assert_int_equal(json_u64(r.json, "size"), size);
			json_hash(&leaf, r.json, "leaf_hash");
			json_hash(&root, r.json, "root");
			len = json_proof(path, r.json);
			assert_true(hash_equal(&leaf, &e.leaf[i]));
			assert_true(hash_equal(&root, &roots[size]));
			if (!inclusion_verifies(i, size, &e.leaf[i], path, len, &roots[size])) {
				print_error("inclusion proof does not verify: %s\n%s\n", url,
				            r.body);
				fail();
			}
			/* Not vacuous: the same path proves no other leaf there. */
			wrong = e.leaf[i];
			wrong.bytes[0] ^= 1;
			assert_false(inclusion_verifies(i, size, &wrong, path, len, &roots[size]));
			itest_response_free(&r);
		}
	}
	sx_free(roots);
	entries_free(&e);
	checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_consistency_proofs_verify_between_sizes(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct hash proof[MAX_PROOF];
	struct checkpoint cp;
	struct entries e;
	struct hash *roots;

	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	entries_fetch(&e, c, cp.size);
	roots = prefix_roots(&e);
	assert_true(hash_equal(&roots[cp.size], &cp.root));
	const uint64_t sample[] = {1,  2,  3,   4,           5,   6,   7,   8,           9,
	                           16, 17, 100, cp.size / 2, 255, 256, 257, cp.size - 1, cp.size};
	const size_t sample_count = sizeof(sample) / sizeof(sample[0]);
	/* Every size into the newest tree; then pairs of sample sizes. */
	for (uint64_t m = 1; m <= cp.size + sample_count * sample_count; m++) {
		struct itest_response r;
		struct hash from_root, to_root;
		uint64_t from = m, to = cp.size;
		char url[160];
		size_t len;

		if (m > cp.size) {
			uint64_t pair = m - cp.size - 1;

			from = sample[pair / sample_count];
			to = sample[pair % sample_count];
			if (from > to || to > cp.size || from < 1)
				continue;
		}
		snprintf(url, sizeof(url), "/api/v1/ledger/proof/consistency?from=%llu&to=%llu",
		         (unsigned long long)from, (unsigned long long)to);
		assert_int_equal(itest_get(&r, c, url), 0);
		ITEST_ASSERT_STATUS(r, 200);
		assert_string_equal(json_string_value(json_object_get(r.json, "hash")), "sha256");
		assert_int_equal(json_u64(r.json, "from"), from);
		assert_int_equal(json_u64(r.json, "to"), to);
		json_hash(&from_root, r.json, "from_root");
		json_hash(&to_root, r.json, "to_root");
		len = json_proof(proof, r.json);
		assert_true(hash_equal(&from_root, &roots[from]));
		assert_true(hash_equal(&to_root, &roots[to]));
		if (!consistency_verifies(from, to, &roots[from], &roots[to], proof, len)) {
			print_error("consistency proof does not verify: %s\n%s\n", url, r.body);
			fail();
		}
		if (from == to) {
			assert_int_equal(len, 0);
		} else {
			/* Not vacuous: a flipped hash, or another old root, fails. */
			struct hash wrong = roots[from];

			wrong.bytes[HASH_BYTES - 1] ^= 1;
			assert_false(
			        consistency_verifies(from, to, &wrong, &roots[to], proof, len));
			proof[len - 1].bytes[0] ^= 1;
			assert_false(consistency_verifies(from, to, &roots[from], &roots[to], proof,
			                                  len));
		}
		itest_response_free(&r);
	}
	sx_free(roots);
	entries_free(&e);
	checkpoint_free(&cp);
	itest_client_free(c);
}

/* GET url: 200, application/octet-stream, returns the response (free it). */
static void get_tile(struct itest_response *r, struct itest_client *c, const char *url)
{
	assert_int_equal(itest_get(r, c, url), 0);
	if (r->status != 200)
		print_error("GET %s\n", url);
	ITEST_ASSERT_STATUS(*r, 200);
	ITEST_ASSERT_CONTENT_TYPE(*r, "application/octet-stream");
}

/* The hash tile's bytes are hashes[0..width) and its cacheability matches its fullness. */
static void assert_hash_tile(struct itest_client *c, const char *url, const struct hash *hashes,
                             int width)
{
	struct itest_response r;
	const char *cache;

	get_tile(&r, c, url);
	assert_int_equal(r.body_len, (size_t)width * HASH_BYTES);
	for (int i = 0; i < width; i++) {
		if (memcmp(r.body + (size_t)i * HASH_BYTES, hashes[i].bytes, HASH_BYTES) != 0) {
			print_error("%s: hash %d differs from the one computed from the entries\n",
			            url, i);
			fail();
		}
	}
	cache = itest_response_header(&r, "Cache-Control");
	assert_non_null(cache);
	if (width == TILE_WIDTH) {
		assert_true(has_token(cache, "immutable"));
		assert_true(has_token(cache, "max-age="));
	} else {
		assert_false(has_token(cache, "immutable"));
	}
	itest_response_free(&r);
}

static void assert_bundle(struct itest_client *c, const char *url, const struct entries *e,
                          uint64_t first, int width)
{
	struct itest_response r;
	const unsigned char *p;

	get_tile(&r, c, url);
	p = (const unsigned char *)r.body;
	for (int i = 0; i < width; i++) {
		size_t n = e->len[first + (uint64_t)i];

		assert_true((size_t)(p - (const unsigned char *)r.body) + 2 + n <= r.body_len);
		assert_int_equal((size_t)p[0] << 8 | p[1], n);
		assert_memory_equal(p + 2, e->data[first + (uint64_t)i], n);
		p += 2 + n;
	}
	assert_ptr_equal(p, (const unsigned char *)r.body + r.body_len);
	assert_int_equal(has_token(itest_response_header(&r, "Cache-Control"), "immutable"),
	                 width == TILE_WIDTH);
	itest_response_free(&r);
}

static void test_full_tiles_are_immutable_and_partial_tiles_are_not(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct checkpoint cp;
	struct entries e;
	struct hash *level1;
	uint64_t level1_count;
	char url[128];

	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	assert_true(cp.size < 65536); /* one level-1 tile, and it is partial */
	entries_fetch(&e, c, cp.size);
	for (uint64_t k = 0; k * TILE_WIDTH < cp.size; k++) {
		int width = tile_width_at(cp.size, k);

		tile_url(url, sizeof(url), "0", k, width);
		assert_hash_tile(c, url, e.leaf + k * TILE_WIDTH, width);
		tile_url(url, sizeof(url), "entries", k, width);
		assert_bundle(c, url, &e, k * TILE_WIDTH, width);
	}
	/* Level 1 holds MTH of each complete run of 256 leaves. */
	level1_count = cp.size / TILE_WIDTH;
	level1 = sx_calloc(level1_count, sizeof(*level1));
	assert_non_null(level1);
	for (uint64_t i = 0; i < level1_count; i++)
		tree_hash(&level1[i], e.leaf + i * TILE_WIDTH, TILE_WIDTH);
	tile_url(url, sizeof(url), "1", 0, (int)level1_count);
	assert_hash_tile(c, url, level1, (int)level1_count);
	sx_free(level1);

	/* A client with an older checkpoint asks for a narrower partial tile: served as the
	 * prefix of the current one, and not immutable (a partial tile). */
	tile_url(url, sizeof(url), "0", 0, 5);
	assert_hash_tile(c, url, e.leaf, 5);
	tile_url(url, sizeof(url), "entries", 0, 3);
	assert_bundle(c, url, &e, 0, 3);
	entries_free(&e);
	checkpoint_free(&cp);
	itest_client_free(c);
}

static void assert_not_found(struct itest_client *c, const char *url)
{
	struct itest_response r;

	assert_int_equal(itest_get(&r, c, url), 0);
	if (r.status != 404)
		print_error("GET %s\n", url);
	ITEST_ASSERT_API_ERROR(r, 404, "not_found");
	itest_response_free(&r);
}

static void test_tiles_outside_the_published_tree_are_not_found(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct checkpoint cp;
	uint64_t last;
	int width;
	char url[128];

	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	last = cp.size / TILE_WIDTH;
	width = (int)(cp.size % TILE_WIDTH);
	assert_true(width > 0 && width < TILE_WIDTH - 1); /* so width + 1 is a partial tile */
	/* Wider than what is published, at levels 0 and 1 and for entries. */
	tile_url(url, sizeof(url), "0", last, width + 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "entries", last, width + 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "0", last, TILE_WIDTH);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "entries", last, TILE_WIDTH);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "1", 0, (int)(cp.size / TILE_WIDTH) + 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "1", 0, TILE_WIDTH);
	assert_not_found(c, url);
	/* Past the last tile, and a level the tree does not reach. */
	tile_url(url, sizeof(url), "0", last + 1, 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "entries", last + 1, 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "2", 0, 1);
	assert_not_found(c, url);
	tile_url(url, sizeof(url), "0", 1000000, 1);
	assert_not_found(c, url);
	checkpoint_free(&cp);
	itest_client_free(c);
}

/* Copies pattern to out[0..size), replacing "@N", "@M" and "@W" by n, m and w. */
static void expand(char *out, size_t size, const char *pattern, uint64_t n, uint64_t m, uint64_t w)
{
	size_t pos = 0;

	for (const char *p = pattern; *p; p++) {
		char number[24];
		const char *piece = p;
		size_t len = 1;

		if (p[0] == '@' && (p[1] == 'N' || p[1] == 'M' || p[1] == 'W')) {
			snprintf(number, sizeof(number), "%llu",
			         (unsigned long long)(p[1] == 'N'   ? n
			                              : p[1] == 'M' ? m
			                                            : w));
			piece = number;
			len = strlen(number);
			p++;
		}
		assert_true(pos + len < size);
		memcpy(out + pos, piece, len);
		pos += len;
	}
	out[pos] = '\0';
}

static void test_malformed_tile_paths_are_not_found(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct itest_response r;
	struct checkpoint cp;
	uint64_t width;
	char url[160];
	/* Misspellings of tiles that exist (tile/0/000, tile/0/001.p/W, tile/1/000.p/1,
	 * tile/entries/000): every tile has exactly one path. @W is W. (Percent-encoding is
	 * undone before routing, so "%30%30%30" is "000", RFC 3986 §6.2.2.2; "%20" is a space.) */
	static const char *const paths[] = {
	        "0/0",
	        "0/00",
	        "0/0000",
	        "00/000",
	        "+0/000",
	        "-1/000",
	        "0/x000/000",
	        "0/x000/001.p/@W",
	        "0/1.p/@W",
	        "0/01.p/@W",
	        "0/0001.p/@W",
	        "0/001.p/0@W",
	        "0/001.p/+@W",
	        "0/001.p/@W/",
	        "0/001.p/@W.p/1",
	        "0/001.P/@W",
	        "0/001/p/@W",
	        "0/x001.p/@W",
	        "0/000.p/256",
	        "0/000.p/0",
	        "0/000.p/",
	        "0/000.p",
	        "0/000/",
	        "0//000",
	        "0/000/000",
	        "1/000.p/01",
	        "1/0.p/1",
	        "entries/0",
	        "entries/00",
	        "entries/x000/000",
	        "entries/000.p/256",
	        "entries/000/",
	        "data/000",
	        "8/0/000",
	        "0",
	        "",
	        "entries",
	        "0/000.p/1/",
	        "0/%20000",
	        "0/000%20",
	        "0/000.p/0x10",
	};

	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	assert_true(cp.size / TILE_WIDTH == 1);
	width = cp.size % TILE_WIDTH;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char tile[64];

		expand(tile, sizeof(tile), paths[i], 0, 0, width);
		snprintf(url, sizeof(url), "/ledger/tile/%s", tile);
		assert_int_equal(itest_get(&r, c, url), 0);
		if (r.status != 404)
			print_error("GET %s: want 404\n", url);
		ITEST_ASSERT_STATUS(r, 404);
		itest_response_free(&r);
	}
	/* The canonical spellings of the same tiles are there. */
	snprintf(url, sizeof(url), "/ledger/tile/0/001.p/%llu", (unsigned long long)width);
	get_tile(&r, c, url);
	itest_response_free(&r);
	get_tile(&r, c, "/ledger/tile/0/000");
	itest_response_free(&r);
	get_tile(&r, c, "/ledger/tile/1/000.p/1");
	itest_response_free(&r);
	get_tile(&r, c, "/ledger/tile/entries/000");
	itest_response_free(&r);
	checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_bad_proof_requests_are_rejected_with_a_code(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct checkpoint cp;
	/* @N is the published size, @M is @N + 1. */
	static const struct {
		const char *query;
		const char *code;
	} cases[] = {
	        {"inclusion?index=0&size=@M", "size_not_published"},
	        {"inclusion?index=0&size=0", "size_not_published"},
	        {"inclusion?index=0&size=9223372036854775807", "size_not_published"},
	        {"inclusion?index=0&size=18446744073709551615", "invalid"},
	        {"inclusion?index=0&size=99999999999999999999999", "invalid"},
	        {"inclusion?index=@N&size=@N", "index_out_of_range"},
	        {"inclusion?index=@M&size=@N", "index_out_of_range"},
	        {"inclusion?index=5&size=3", "index_out_of_range"},
	        {"inclusion?size=@N", "invalid"},
	        {"inclusion?index=0", "invalid"},
	        {"inclusion", "invalid"},
	        {"inclusion?index=-1&size=@N", "invalid"},
	        {"inclusion?index=0&size=-1", "invalid"},
	        {"inclusion?index=%2B1&size=@N", "invalid"},
	        {"inclusion?index=%201&size=@N", "invalid"},
	        {"inclusion?index=abc&size=@N", "invalid"},
	        {"inclusion?index=1x&size=@N", "invalid"},
	        {"inclusion?index=&size=@N", "invalid"},
	        {"inclusion?index=0&size=@N.0", "invalid"},
	        {"inclusion?index=0x1&size=@N", "invalid"},
	        {"consistency?from=1&to=@M", "size_not_published"},
	        {"consistency?from=@N&to=@M", "size_not_published"},
	        {"consistency?from=0&to=@N", "bad_range"},
	        {"consistency?from=3&to=2", "bad_range"},
	        {"consistency?from=@M&to=@N", "bad_range"},
	        {"consistency?to=@N", "invalid"},
	        {"consistency?from=1", "invalid"},
	        {"consistency?from=-1&to=@N", "invalid"},
	        {"consistency?from=1&to=x", "invalid"},
	        {"consistency?from=0x1&to=@N", "invalid"},
	};

	checkpoint_wait(&cp, c, 4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct itest_response r;
		char query[128];
		char url[192];

		expand(query, sizeof(query), cases[i].query, cp.size, cp.size + 1, 0);
		snprintf(url, sizeof(url), "/api/v1/ledger/proof/%s", query);
		assert_int_equal(itest_get(&r, c, url), 0);
		if (r.status != 400 || !itest_error_code(&r) ||
		    strcmp(itest_error_code(&r), cases[i].code) != 0)
			print_error("GET %s\n", url);
		ITEST_ASSERT_API_ERROR(r, 400, cases[i].code);
		itest_response_free(&r);
	}
	checkpoint_free(&cp);
	itest_client_free(c);
}

/* Runs `go run main.go base_url` offline; returns its wait status or fails. */
static int run_go_verifier(const char *main_go, const char *base_url, const char *work_dir)
{
	char gocache[4096], home[4096], path[8192], tmpdir[4096], log_path[4096];
	char *const argv[] = {"go", "run", (char *)main_go, (char *)base_url, NULL};
	char *envp[] = {"GO111MODULE=off",
	                "GOPATH=" GO_GOPATH,
	                "GOPROXY=off",
	                "GOFLAGS=",
	                "GOTOOLCHAIN=local",
	                "GOTELEMETRY=off",
	                gocache,
	                home,
	                path,
	                tmpdir,
	                NULL};
	posix_spawn_file_actions_t actions;
	int64_t deadline = now_ms() + GO_TIMEOUT_MS;
	pid_t pid = 0;
	int status = 0;
	int rc;

	snprintf(gocache, sizeof(gocache), "GOCACHE=%s/gocache", work_dir);
	snprintf(home, sizeof(home), "HOME=%s", work_dir);
	snprintf(path, sizeof(path), "PATH=%s",
	         getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin");
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", work_dir);
	snprintf(log_path, sizeof(log_path), "%s/go.log", work_dir);
	assert_int_equal(posix_spawn_file_actions_init(&actions), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&actions, 1, log_path,
	                                                  O_WRONLY | O_CREAT | O_TRUNC, 0600),
	                 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&actions, 1, 2), 0);
	rc = posix_spawnp(&pid, "go", &actions, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&actions);
	if (rc == ENOENT)
		fail_msg("The Go interop test is required, but there is no `go` on PATH. Install "
		         "Debian's golang-go and golang-golang-x-mod-dev (scripts/setup does).");
	if (rc != 0)
		fail_msg("posix_spawnp go: %s", strerror(rc));
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		assert_true(got == 0);
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			print_error("go run did not finish within %d ms\n", GO_TIMEOUT_MS);
			break;
		}
		sleep_ms(20);
	}
	{
		FILE *f = fopen(log_path, "r");
		char line[1024];

		fprintf(stderr, "----- go run tests/interop/tlog_verify %s -----\n", base_url);
		while (f && fgets(line, sizeof(line), f))
			fputs(line, stderr);
		if (f)
			fclose(f);
		fprintf(stderr, "----- end of go output -----\n");
	}
	return status;
}

static void test_go_sumdb_verifies_checkpoint_tiles_and_proofs(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	const char *data = getenv("SANXIANG_TEST_DATA");
	char main_go[4096], work_dir[4096], base_url[64];
	struct checkpoint cp;
	int status;

	if (data == NULL || data[0] == '\0')
		fail_msg("SANXIANG_TEST_DATA is not set (ctest sets it to tests/data); the Go "
		         "program is found beside it, in tests/interop/tlog_verify/main.go");
	snprintf(main_go, sizeof(main_go), "%s/../interop/tlog_verify/main.go", data);
	if (access(main_go, R_OK) != 0)
		fail_msg("cannot read %s: %s", main_go, strerror(errno));
	if (access(GO_TLOG_SOURCE, R_OK) != 0)
		fail_msg("The Go interop test is required, but golang.org/x/mod is not at %s. "
		         "Install "
		         "Debian's golang-golang-x-mod-dev (scripts/setup does).",
		         GO_GOPATH);
	snprintf(work_dir, sizeof(work_dir), "%s/go", itest_server_dir(s));
	assert_true(mkdir(work_dir, 0700) == 0 || errno == EEXIST);

	/* More than one tile, so that Go reads a full tile, a partial one and level 1. */
	ensure_log_size(&cp, s, c, TILE_WIDTH + 20);
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", itest_server_port(s));
	status = run_go_verifier(main_go, base_url, work_dir);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg(
		        "Go's sumdb/note and sumdb/tlog did not verify the log (wait status 0x%x); "
		        "see the go output above",
		        (unsigned)status);
	checkpoint_free(&cp);
	itest_client_free(c);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_checkpoint_is_a_note_signed_with_ed25519_and_sm2),
	        cmocka_unit_test(test_keys_are_an_ed25519_vkey_then_an_sm2_vkey),
	        cmocka_unit_test(test_every_acknowledged_user_creation_is_in_the_log),
	        cmocka_unit_test(test_every_leaf_has_an_inclusion_proof_that_verifies),
	        cmocka_unit_test(test_consistency_proofs_verify_between_sizes),
	        cmocka_unit_test(test_full_tiles_are_immutable_and_partial_tiles_are_not),
	        cmocka_unit_test(test_tiles_outside_the_published_tree_are_not_found),
	        cmocka_unit_test(test_malformed_tile_paths_are_not_found),
	        cmocka_unit_test(test_bad_proof_requests_are_rejected_with_a_code),
	        cmocka_unit_test(test_go_sumdb_verifies_checkpoint_tiles_and_proofs),
	};
	int failures;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures = ITEST_RUN_GROUP("ledger", tests, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
