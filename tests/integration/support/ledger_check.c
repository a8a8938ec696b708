/*
 * ledger_check — see ledger_check.h. The RFC 9162 verifiers are the
 * algorithms of §2.1.3.2 and §2.1.4.2 written out line for line; the parsers
 * work from end pointers over the bodies libcurl received.
 *
 * Invariants: nothing here includes or calls src/ledger (a shared bug would
 * verify itself); base/codec is used for base64 only. Every allocation goes
 * through base/mem; OpenSSL objects are freed with their own functions.
 *
 * What this does not do: it does not retry requests, and it does not accept
 * anything the signed-note and tlog-tiles specs do not allow (no extension
 * lines in a checkpoint, no upper-case hex key IDs).
 */
#include "ledger_check.h"

#include "base/codec.h"
#include "base/mem.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define CHECKPOINT_WAIT_MS 30000 /* the server publishes at most once a second */
#define CHECKPOINT_POLL_MS 50
#define SIG_PREFIX "\xe2\x80\x94 " /* U+2014 EM DASH, then a space */
#define SIG_PREFIX_LEN 4
#define SM2_DIST_ID "1234567812345678"

/* ---- hashing (OpenSSL, independent of src/) ---------------------------------------------- */

static void sha256_prefixed(struct ledger_check_hash *out, unsigned char prefix, const void *a,
                            size_t alen, const void *b, size_t blen)
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
	assert_int_equal(len, LEDGER_CHECK_HASH_BYTES);
}

void ledger_check_leaf_hash(struct ledger_check_hash *out, const void *data, size_t len)
{
	sha256_prefixed(out, 0x00, data, len, NULL, 0);
}

void ledger_check_node_hash(struct ledger_check_hash *out, const struct ledger_check_hash *left,
                            const struct ledger_check_hash *right)
{
	struct ledger_check_hash h;

	sha256_prefixed(&h, 0x01, left->bytes, LEDGER_CHECK_HASH_BYTES, right->bytes,
	                LEDGER_CHECK_HASH_BYTES);
	*out = h;
}

bool ledger_check_hashes_equal(const struct ledger_check_hash *a, const struct ledger_check_hash *b)
{
	return memcmp(a->bytes, b->bytes, LEDGER_CHECK_HASH_BYTES) == 0;
}

/* The largest power of two smaller than n (n > 1). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void ledger_check_tree_hash(struct ledger_check_hash *out, const struct ledger_check_hash *leaves,
                            uint64_t n)
{
	struct ledger_check_hash left, right;
	uint64_t k;

	if (n == 1) {
		*out = leaves[0];
		return;
	}
	k = split_point(n);
	ledger_check_tree_hash(&left, leaves, k);
	ledger_check_tree_hash(&right, leaves + k, n - k);
	ledger_check_node_hash(out, &left, &right);
}

/* ---- proof verification, RFC 9162 -------------------------------------------------------- */

bool ledger_check_inclusion_verifies(uint64_t index, uint64_t size,
                                     const struct ledger_check_hash *leaf,
                                     const struct ledger_check_hash *path, size_t path_len,
                                     const struct ledger_check_hash *root)
{
	uint64_t fn = index;
	uint64_t sn = size - 1;
	struct ledger_check_hash r = *leaf;

	if (index >= size)
		return false;
	for (size_t i = 0; i < path_len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			ledger_check_node_hash(&r, &path[i], &r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			ledger_check_node_hash(&r, &r, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && ledger_check_hashes_equal(&r, root);
}

bool ledger_check_consistency_verifies(uint64_t first, uint64_t second,
                                       const struct ledger_check_hash *first_hash,
                                       const struct ledger_check_hash *second_hash,
                                       const struct ledger_check_hash *proof, size_t proof_len)
{
	struct ledger_check_hash path[LEDGER_CHECK_MAX_PROOF + 1];
	struct ledger_check_hash fr, sr;
	size_t n = 0;
	uint64_t fn, sn;

	if (first == 0 || first > second || proof_len > LEDGER_CHECK_MAX_PROOF)
		return false;
	if (first == second)
		return proof_len == 0 && ledger_check_hashes_equal(first_hash, second_hash);
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
			ledger_check_node_hash(&fr, &path[i], &fr);
			ledger_check_node_hash(&sr, &path[i], &sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			ledger_check_node_hash(&sr, &sr, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && ledger_check_hashes_equal(&fr, first_hash) &&
	       ledger_check_hashes_equal(&sr, second_hash);
}

/* ---- small parsers ----------------------------------------------------------------------- */

bool ledger_check_hash_decodes(struct ledger_check_hash *out, const char *text, size_t len)
{
	size_t got = 0;

	return codec_base64_decode(out->bytes, sizeof(out->bytes), &got, text, len) == 0 &&
	       got == LEDGER_CHECK_HASH_BYTES;
}

void ledger_check_json_hash(struct ledger_check_hash *out, const json_t *obj, const char *member)
{
	const json_t *v = json_object_get(obj, member);

	if (!json_is_string(v) ||
	    !ledger_check_hash_decodes(out, json_string_value(v), json_string_length(v))) {
		print_error("member \"%s\" is not a base64 hash\n", member);
		fail();
	}
}

size_t ledger_check_json_proof(struct ledger_check_hash *out, const json_t *answer)
{
	const json_t *list = json_object_get(answer, "proof");
	size_t count = json_array_size(list);

	assert_true(json_is_array(list));
	assert_true(count <= LEDGER_CHECK_MAX_PROOF);
	for (size_t i = 0; i < count; i++) {
		const json_t *v = json_array_get(list, i);

		assert_true(json_is_string(v));
		assert_true(ledger_check_hash_decodes(&out[i], json_string_value(v),
		                                      json_string_length(v)));
	}
	return count;
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
	unsigned char digest[LEDGER_CHECK_HASH_BYTES];
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

void ledger_check_checkpoint_free(struct ledger_check_checkpoint *cp)
{
	sx_free(cp->note);
	memset(cp, 0, sizeof(*cp));
}

void ledger_check_checkpoint_parse(struct ledger_check_checkpoint *out, const char *note,
                                   size_t len)
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
	assert_true(ledger_check_hash_decodes(&out->root, p, (size_t)(nl - p)));
	if (nl + 1 != note + out->text_len) {
		print_error("checkpoint text has more than three lines:\n%.*s\n",
		            (int)out->text_len, note);
		fail();
	}

	/* Signature lines. */
	p = note + split + 2;
	while (p < end) {
		struct ledger_check_sig_line *s;
		unsigned char raw[sizeof(s->sig) + 4];
		const char *space;
		size_t raw_len = 0;

		assert_true(out->sig_count < LEDGER_CHECK_MAX_SIGS);
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

long ledger_check_checkpoint_fetch(struct ledger_check_checkpoint *out, struct itest_client *c)
{
	struct itest_response r;
	long status;

	memset(out, 0, sizeof(*out));
	assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
	status = r.status;
	if (status == 200)
		ledger_check_checkpoint_parse(out, r.body, r.body_len);
	itest_response_free(&r);
	return status;
}

void ledger_check_checkpoint_wait(struct ledger_check_checkpoint *out, struct itest_client *c,
                                  uint64_t min_size)
{
	int64_t deadline = itest_now_ms() + CHECKPOINT_WAIT_MS;
	long status = 0;

	for (;;) {
		status = ledger_check_checkpoint_fetch(out, c);
		if (status == 200 && out->size >= min_size)
			return;
		if (status == 200)
			ledger_check_checkpoint_free(out);
		if (itest_now_ms() > deadline)
			break;
		itest_sleep_ms(CHECKPOINT_POLL_MS);
	}
	print_error("no checkpoint of at least %llu leaves within %d ms (last status %ld)\n",
	            (unsigned long long)min_size, CHECKPOINT_WAIT_MS, status);
	fail();
}

void ledger_check_keys_fetch(struct ledger_check_vkey out[2], char **body, struct itest_client *c)
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
		struct ledger_check_vkey *k;
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
	if (body) {
		*body = sx_strdup(r.body);
		assert_non_null(*body);
	}
	itest_response_free(&r);
}

static bool ed25519_verifies(const struct ledger_check_vkey *k, const void *msg, size_t msg_len,
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
static bool sm2_verifies(const struct ledger_check_vkey *k, const void *msg, size_t msg_len,
                         const unsigned char *sig, size_t sig_len)
{
	const size_t name_len = sizeof(LEDGER_CHECK_SM2_TYPE_NAME) - 1;
	const unsigned char *point = k->material + 1 + name_len + 1;
	EVP_PKEY_CTX *kctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	OSSL_PARAM key_params[3];
	EVP_PKEY_CTX *vctx = NULL; /* owned by md */
	bool ok = false;

	if (k->material_len != 1 + name_len + 1 + 65 || k->material[0] != 0xff ||
	    memcmp(k->material + 1, LEDGER_CHECK_SM2_TYPE_NAME, name_len) != 0 ||
	    k->material[1 + name_len] != 0x00 || point[0] != 0x04)
		return false;
	key_params[0] =
	        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"SM2", 0);
	key_params[1] =
	        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, 65);
	key_params[2] = OSSL_PARAM_construct_end();
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	md = EVP_MD_CTX_new();
	/* The distinguishing identifier goes on the context after init: OpenSSL
	 * 3.0.19's SM2 provider ignores or refuses one passed as an init
	 * parameter (Z is computed on the first update). */
	ok = kctx && md && EVP_PKEY_fromdata_init(kctx) == 1 &&
	     EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, key_params) == 1 &&
	     EVP_DigestVerifyInit_ex(md, &vctx, "SM3", NULL, NULL, pkey, NULL) == 1 &&
	     EVP_PKEY_CTX_set1_id(vctx, SM2_DIST_ID, sizeof(SM2_DIST_ID) - 1) == 1 &&
	     EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(kctx);
	return ok;
}

bool ledger_check_sig_verifies(const struct ledger_check_vkey *k,
                               const struct ledger_check_sig_line *s, const char *text, size_t len)
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

void ledger_check_tile_url(char *out, size_t size, const char *level, uint64_t index, int width)
{
	char n[64];

	format_tile_index(n, sizeof(n), index);
	if (width == LEDGER_CHECK_TILE_WIDTH)
		snprintf(out, size, "/ledger/tile/%s/%s", level, n);
	else
		snprintf(out, size, "/ledger/tile/%s/%s.p/%d", level, n, width);
}

int ledger_check_tile_width_at(uint64_t size, uint64_t index)
{
	uint64_t left = size - index * LEDGER_CHECK_TILE_WIDTH;

	return left >= LEDGER_CHECK_TILE_WIDTH ? LEDGER_CHECK_TILE_WIDTH : (int)left;
}

void ledger_check_entries_free(struct ledger_check_entries *e)
{
	for (uint64_t i = 0; e->data && i < e->count; i++)
		sx_free(e->data[i]);
	sx_free(e->data);
	sx_free(e->len);
	sx_free(e->leaf);
	memset(e, 0, sizeof(*e));
}

/* Splits an entry bundle; asserts it holds exactly `width` entries and appends them to e. */
static void bundle_split(struct ledger_check_entries *e, const char *url, const unsigned char *p,
                         size_t len, int width)
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
		ledger_check_leaf_hash(&e->leaf[e->count], p, n);
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

void ledger_check_entries_fetch(struct ledger_check_entries *out, struct itest_client *c,
                                uint64_t size)
{
	memset(out, 0, sizeof(*out));
	out->data = sx_calloc(size, sizeof(*out->data));
	out->len = sx_calloc(size, sizeof(*out->len));
	out->leaf = sx_calloc(size, sizeof(*out->leaf));
	assert_true(out->data && out->len && out->leaf);
	for (uint64_t k = 0; k * LEDGER_CHECK_TILE_WIDTH < size; k++) {
		struct itest_response r;
		char url[128];
		int width = ledger_check_tile_width_at(size, k);

		ledger_check_tile_url(url, sizeof(url), "entries", k, width);
		assert_int_equal(itest_get(&r, c, url), 0);
		if (r.status != 200)
			print_error("GET %s\n", url);
		ITEST_ASSERT_STATUS(r, 200);
		bundle_split(out, url, (const unsigned char *)r.body, r.body_len, width);
		itest_response_free(&r);
	}
	assert_int_equal(out->count, size);
}

json_t *ledger_check_entry_json(const struct ledger_check_entries *e, uint64_t i)
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
