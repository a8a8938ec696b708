/*
 * Integration: the tamper-evident log survives a crash. Each round, several
 * client threads create users as fast as they can; at a random moment after
 * some acknowledgements the server is killed with SIGKILL (no chance to flush
 * or to publish a last checkpoint), then started again on the same database.
 * In odd rounds the kill waits until a checkpoint signed during the round's
 * writes has been fetched, so the "old" tree is then one published mid-way;
 * in even rounds the kill usually comes before any new checkpoint. After the
 * restart:
 *
 *   - every acknowledged ledger_index (of this round and all earlier ones) is
 *     below the size of the new checkpoint, and its entry is the user.create
 *     event of exactly that user: an acknowledged change is never lost and its
 *     index is never handed out again;
 *   - the new checkpoint is consistent with the last one fetched before the
 *     kill: the consistency proof from the API verifies (RFC 9162 §2.1.4.2,
 *     written out here, independent of src/ledger), and recomputing both roots
 *     from the entry bundles gives the two checkpoints' roots;
 *   - the new checkpoint's Ed25519 signature verifies with GET /ledger/keys,
 *     and the keys did not change;
 *   - the database passes SQLite's PRAGMA integrity_check, run with the
 *     sqlite3 command-line tool (there is no API for it; scripts/setup
 *     installs sqlite3).
 *
 * Clients read the server's port once per round and build their own libcurl
 * requests, so the threads never touch the harness's server record while the
 * main thread kills and restarts it. The kill moment is random; the seed is
 * printed and can be fixed with LEDGER_CRASH_SEED to replay a failure.
 *
 * Spec: c2sp.org/tlog-checkpoint, c2sp.org/tlog-tiles, RFC 6962 §2.1,
 * RFC 9162 §2.1.4.2, SQLite WAL with synchronous=FULL (a commit that returned
 * survives a process crash).
 */
#include "itest.h"

#include "base/codec.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ROUNDS 6
#define WORKERS 4
#define MAX_TARGET_ACKS 40   /* kill after 1..this many acknowledgements in a round */
#define MAX_KILL_DELAY_MS 40 /* and then after 0..this many milliseconds more */
#define ROUND_MAX_MS 15000   /* kill anyway after this long */
#define CHECKPOINT_WAIT_MS 30000
#define POLL_MS 20
#define TOOL_TIMEOUT_MS 60000
#define HASH_BYTES 32
#define TILE_WIDTH 256
#define MAX_PROOF 64
#define USER_PASSWORD "Crash-Test-2026"
#define SIG_PREFIX "\xe2\x80\x94 " /* U+2014 EM DASH, then a space */
#define SIG_PREFIX_LEN 4
#define RESPONSE_MAX_BYTES (64 * 1024)

struct hash {
	unsigned char bytes[HASH_BYTES];
};

/* What a checkpoint says, and the Ed25519 signature line over it. */
struct checkpoint {
	uint64_t size;
	struct hash root;
	char *text; /* the signed text, NUL-terminated; sx_free */
	size_t text_len;
	char *note;              /* the whole note; sx_free */
	uint32_t ed25519_key_id; /* of the line whose key ID is the Ed25519 key's */
	unsigned char ed25519_sig[64];
	bool has_ed25519_sig;
};

/* A user creation the server acknowledged with 201. */
struct ack {
	int64_t ledger_index;
	char id[64];
};

/* What the workers of one round share; lock guards everything below it. */
struct round_state {
	pthread_mutex_t lock;
	bool stop;        /* set by the main thread after the kill */
	struct ack *acks; /* cap entries */
	size_t count;
	size_t cap;
	char failure[512]; /* the first non-201 answer, if any */
};

struct worker {
	struct round_state *rs; /* shared */
	int port;               /* the server's port for this round */
	const char *cookie;     /* "Cookie: sx_session=…" */
	const char *csrf;       /* "X-CSRF-Token: …" */
	const char *role;
	json_t *agency; /* this worker's own copy */
	int round;
	int number;
};

/* ---- hashing and proofs (OpenSSL, independent of src/) ----------------------------------- */

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

/* MTH(D[0:n]) of RFC 6962 §2.1 from the leaf hashes (n >= 1). */
static void tree_hash(struct hash *out, const struct hash *leaves, uint64_t n)
{
	struct hash left, right;
	uint64_t k = 1;

	if (n == 1) {
		*out = leaves[0];
		return;
	}
	while (k << 1 < n)
		k <<= 1;
	tree_hash(&left, leaves, k);
	tree_hash(&right, leaves + k, n - k);
	node_hash(out, &left, &right);
}

/* RFC 9162 §2.1.4.2; equal sizes need an empty proof and equal roots. */
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

static bool decode_hash(struct hash *out, const char *text, size_t len)
{
	size_t got = 0;

	return codec_base64_decode(out->bytes, sizeof(out->bytes), &got, text, len) == 0 &&
	       got == HASH_BYTES;
}

static void json_hash(struct hash *out, const json_t *obj, const char *member)
{
	const json_t *v = json_object_get(obj, member);

	assert_true(json_is_string(v));
	assert_true(decode_hash(out, json_string_value(v), json_string_length(v)));
}

/* ---- small helpers ----------------------------------------------------------------------- */

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

/* xorshift32: a reproducible sequence from a printed seed. */
static uint32_t next_random(uint32_t *seed)
{
	uint32_t x = *seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*seed = x;
	return x;
}

static struct itest_client *new_client(struct itest_server *s)
{
	struct itest_client *c = NULL;

	assert_int_equal(itest_client_new(&c, s), 0);
	return c;
}

/* ---- checkpoint and keys ----------------------------------------------------------------- */

static void checkpoint_free(struct checkpoint *cp)
{
	sx_free(cp->text);
	sx_free(cp->note);
	memset(cp, 0, sizeof(*cp));
}

/*
 * Parses "origin\nsize\nroot\n\n— name base64(keyid || sig)\n…" and keeps the signature
 * line whose key ID is ed25519_key_id.
 */
static void checkpoint_parse(struct checkpoint *out, const char *note, size_t len,
                             uint32_t ed25519_key_id)
{
	const char *end = note + len;
	const char *size_line, *root_line, *nl, *p;
	size_t split = 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i + 1 < len; i++) {
		if (note[i] == '\n' && note[i + 1] == '\n') {
			split = i; /* the last blank line ends the text */
			found = true;
		}
	}
	assert_true(found);
	out->text_len = split + 1;
	out->text = sx_malloc(out->text_len + 1);
	out->note = sx_malloc(len + 1);
	assert_true(out->text && out->note);
	memcpy(out->text, note, out->text_len);
	out->text[out->text_len] = '\0';
	memcpy(out->note, note, len);
	out->note[len] = '\0';

	size_line = memchr(note, '\n', out->text_len);
	assert_non_null(size_line);
	size_line++;
	root_line = memchr(size_line, '\n', (size_t)(note + out->text_len - size_line));
	assert_non_null(root_line);
	root_line++;
	nl = memchr(root_line, '\n', (size_t)(note + out->text_len - root_line));
	assert_non_null(nl);
	assert_true(nl + 1 == note + out->text_len);
	assert_true(root_line - size_line >= 2 &&
	            (size_line[0] != '0' || root_line - size_line == 2));
	for (p = size_line; p < root_line - 1; p++) {
		assert_true(*p >= '0' && *p <= '9');
		out->size = out->size * 10 + (uint64_t)(*p - '0');
	}
	assert_true(decode_hash(&out->root, root_line, (size_t)(nl - root_line)));

	for (p = note + split + 2; p < end; p = nl + 1) {
		unsigned char raw[160];
		const char *space;
		size_t raw_len = 0;
		uint32_t id;

		nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		assert_true(nl - p > SIG_PREFIX_LEN && memcmp(p, SIG_PREFIX, SIG_PREFIX_LEN) == 0);
		space = memchr(p + SIG_PREFIX_LEN, ' ', (size_t)(nl - p - SIG_PREFIX_LEN));
		assert_non_null(space);
		assert_int_equal(codec_base64_decode(raw, sizeof(raw), &raw_len, space + 1,
		                                     (size_t)(nl - space - 1)),
		                 0);
		assert_true(raw_len >= 5);
		id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 |
		     raw[3];
		if (id == ed25519_key_id && raw_len == 4 + 64) {
			out->ed25519_key_id = id;
			memcpy(out->ed25519_sig, raw + 4, 64);
			out->has_ed25519_sig = true;
		}
	}
}

/* GET /ledger/checkpoint once; returns the status, *out filled on 200. */
static long checkpoint_fetch(struct checkpoint *out, struct itest_client *c, uint32_t key_id)
{
	struct itest_response r;
	long status;

	memset(out, 0, sizeof(*out));
	assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
	status = r.status;
	if (status == 200)
		checkpoint_parse(out, r.body, r.body_len, key_id);
	itest_response_free(&r);
	return status;
}

/* Polls (bounded) until a checkpoint of at least min_size leaves is published. */
static void checkpoint_wait(struct checkpoint *out, struct itest_client *c, uint32_t key_id,
                            uint64_t min_size)
{
	int64_t deadline = now_ms() + CHECKPOINT_WAIT_MS;
	long status = 0;

	for (;;) {
		status = checkpoint_fetch(out, c, key_id);
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

/* The Ed25519 public key and key ID from the first line of GET /ledger/keys; *text gets
 * the whole body (sx_free) so that rounds can compare it. */
static void keys_fetch(unsigned char pub[32], uint32_t *key_id, char **text, struct itest_client *c)
{
	struct itest_response r;
	unsigned char material[64];
	unsigned char digest[HASH_BYTES];
	unsigned int dlen = 0;
	const char *nl, *plus1, *plus2;
	size_t material_len = 0;
	EVP_MD_CTX *md;

	assert_int_equal(itest_get(&r, c, "/ledger/keys"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	nl = memchr(r.body, '\n', r.body_len);
	assert_non_null(nl);
	plus1 = memchr(r.body, '+', (size_t)(nl - r.body));
	assert_non_null(plus1);
	plus2 = memchr(plus1 + 1, '+', (size_t)(nl - plus1 - 1));
	assert_non_null(plus2);
	assert_int_equal(codec_base64_decode(material, sizeof(material), &material_len, plus2 + 1,
	                                     (size_t)(nl - plus2 - 1)),
	                 0);
	assert_int_equal(material_len, 33);
	assert_int_equal(material[0], 0x01); /* Ed25519 first */
	memcpy(pub, material + 1, 32);
	/* key ID = SHA-256(name || "\n" || material)[:4] (c2sp.org/signed-note) */
	md = EVP_MD_CTX_new();
	assert_non_null(md);
	assert_true(EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	            EVP_DigestUpdate(md, r.body, (size_t)(plus1 - r.body)) == 1 &&
	            EVP_DigestUpdate(md, "\n", 1) == 1 &&
	            EVP_DigestUpdate(md, material, material_len) == 1 &&
	            EVP_DigestFinal_ex(md, digest, &dlen) == 1);
	EVP_MD_CTX_free(md);
	*key_id = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
	          digest[3];
	*text = sx_strdup(r.body);
	assert_non_null(*text);
	itest_response_free(&r);
}

static bool ed25519_verifies(const unsigned char pub[32], const struct checkpoint *cp)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = pkey && md && cp->has_ed25519_sig &&
	          EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) == 1 &&
	          EVP_DigestVerify(md, cp->ed25519_sig, 64, (const unsigned char *)cp->text,
	                           cp->text_len) == 1;

	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return ok;
}

/* ---- entries ------------------------------------------------------------------------------ */

/* "/ledger/tile/entries/<N>[.p/<W>]" with N in C2SP's x-prefixed groups of three digits. */
static void bundle_url(char *out, size_t size, uint64_t index, int width)
{
	unsigned groups[8];
	size_t count = 0;
	size_t pos;

	do {
		groups[count++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index > 0);
	pos = (size_t)snprintf(out, size, "/ledger/tile/entries/");
	while (count > 1) {
		pos += (size_t)snprintf(out + pos, size - pos, "x%03u/", groups[--count]);
		assert_true(pos < size);
	}
	pos += (size_t)snprintf(out + pos, size - pos, "%03u", groups[0]);
	if (width < TILE_WIDTH)
		pos += (size_t)snprintf(out + pos, size - pos, ".p/%d", width);
	assert_true(pos < size);
}

/* The whole log of `size` leaves from its entry bundles: leaf hashes and entries as JSON. */
static void entries_fetch(struct hash *leaves, json_t **entries, struct itest_client *c,
                          uint64_t size)
{
	uint64_t n = 0;

	for (uint64_t k = 0; k * TILE_WIDTH < size; k++) {
		int width = size - k * TILE_WIDTH >= TILE_WIDTH ? TILE_WIDTH
		                                                : (int)(size - k * TILE_WIDTH);
		struct itest_response r;
		const unsigned char *p, *end;
		char url[128];

		bundle_url(url, sizeof(url), k, width);
		assert_int_equal(itest_get(&r, c, url), 0);
		if (r.status != 200)
			print_error("GET %s\n", url);
		ITEST_ASSERT_STATUS(r, 200);
		p = (const unsigned char *)r.body;
		end = p + r.body_len;
		for (int i = 0; i < width; i++, n++) {
			size_t len;

			assert_true(end - p >= 2);
			len = (size_t)p[0] << 8 | p[1];
			assert_true((size_t)(end - p - 2) >= len);
			sha256_prefixed(&leaves[n], 0x00, p + 2, len, NULL, 0);
			entries[n] = json_loadb((const char *)p + 2, len, 0, NULL);
			if (!json_is_object(entries[n])) {
				print_error("entry %llu is not a JSON object\n",
				            (unsigned long long)n);
				fail();
			}
			p += 2 + len;
		}
		assert_ptr_equal(p, end);
		itest_response_free(&r);
	}
	assert_int_equal(n, size);
}

/* ---- workers ------------------------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	char *buf = ctx;
	size_t have = strlen(buf);
	size_t n = size * nmemb;

	if (n >= RESPONSE_MAX_BYTES - have)
		return 0;
	memcpy(buf + have, data, n);
	buf[have + n] = '\0';
	return n;
}

static bool should_stop(struct round_state *rs)
{
	bool stop;

	pthread_mutex_lock(&rs->lock);
	stop = rs->stop;
	pthread_mutex_unlock(&rs->lock);
	return stop;
}

/* Creates users until told to stop or until the server stops answering. No cmocka here. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct curl_slist *headers = NULL;
	char *body_buf = sx_malloc(RESPONSE_MAX_BYTES);
	CURL *easy = curl_easy_init();
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/users", w->port);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = headers ? curl_slist_append(headers, w->cookie) : NULL;
	headers = headers ? curl_slist_append(headers, w->csrf) : NULL;
	if (easy == NULL || headers == NULL || body_buf == NULL) {
		pthread_mutex_lock(&w->rs->lock);
		snprintf(w->rs->failure, sizeof(w->rs->failure), "worker set-up: out of memory");
		pthread_mutex_unlock(&w->rs->lock);
		goto cleanup;
	}
	for (unsigned i = 0; !should_stop(w->rs); i++) {
		char username[64];
		json_t *req, *answer, *index, *id;
		char *text;
		long status = 0;
		CURLcode cc;

		snprintf(username, sizeof(username), "crash_r%d_w%d_%u", w->round, w->number, i);
		req = json_pack("{s:s, s:s, s:s, s:s, s:O}", "username", username, "display_name",
		                "崩溃测试", "password", USER_PASSWORD, "role", w->role, "agency_id",
		                w->agency);
		text = req ? json_dumps(req, JSON_COMPACT) : NULL;
		json_decref(req);
		if (text == NULL)
			break;
		body_buf[0] = '\0';
		curl_easy_reset(easy);
		curl_easy_setopt(easy, CURLOPT_URL, url);
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(easy, CURLOPT_WRITEDATA, body_buf);
		curl_easy_setopt(easy, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		cc = curl_easy_perform(easy);
		free(text);
		/* No answer: the server was killed mid-request or is gone; not acknowledged. */
		if (cc != CURLE_OK)
			break;
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		answer = json_loads(body_buf, 0, NULL);
		index = json_object_get(answer, "ledger_index");
		id = json_object_get(json_object_get(answer, "user"), "id");
		if (status != 201 || !json_is_integer(index) || !json_is_string(id)) {
			pthread_mutex_lock(&w->rs->lock);
			if (w->rs->failure[0] == '\0')
				snprintf(w->rs->failure, sizeof(w->rs->failure),
				         "%s: want 201 with user.id and ledger_index, got %ld "
				         "%.300s",
				         username, status, body_buf);
			pthread_mutex_unlock(&w->rs->lock);
			json_decref(answer);
			break;
		}
		pthread_mutex_lock(&w->rs->lock);
		if (w->rs->count < w->rs->cap) {
			struct ack *a = &w->rs->acks[w->rs->count++];

			a->ledger_index = json_integer_value(index);
			snprintf(a->id, sizeof(a->id), "%s", json_string_value(id));
		} else {
			w->rs->stop = true; /* enough for one round */
		}
		pthread_mutex_unlock(&w->rs->lock);
		json_decref(answer);
	}
cleanup:
	curl_slist_free_all(headers);
	curl_easy_cleanup(easy);
	sx_free(body_buf);
	return NULL;
}

/* ---- the integrity check ----------------------------------------------------------------- */

/* Runs `sqlite3 -readonly DB "PRAGMA integrity_check;"` and asserts it prints exactly "ok". */
static void assert_database_integrity(struct itest_server *s)
{
	char db[4096], out_path[4096], output[4096];
	char *const argv[] = {"sqlite3", "-readonly", db, "PRAGMA integrity_check;", NULL};
	posix_spawn_file_actions_t actions;
	int64_t deadline = now_ms() + TOOL_TIMEOUT_MS;
	size_t len = 0;
	pid_t pid = 0;
	int status = 0;
	FILE *f;
	int rc;

	snprintf(db, sizeof(db), "%s/test.db", itest_server_dir(s));
	snprintf(out_path, sizeof(out_path), "%s/integrity.out", itest_server_dir(s));
	assert_int_equal(posix_spawn_file_actions_init(&actions), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&actions, 1, out_path,
	                                                  O_WRONLY | O_CREAT | O_TRUNC, 0600),
	                 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&actions, 1, 2), 0);
	rc = posix_spawnp(&pid, "sqlite3", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc != 0)
		fail_msg("cannot run sqlite3 for the integrity check (%s); scripts/setup installs "
		         "it",
		         strerror(rc));
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("sqlite3 integrity_check did not finish in %d ms",
			         TOOL_TIMEOUT_MS);
		}
		sleep_ms(POLL_MS);
	}
	f = fopen(out_path, "r");
	assert_non_null(f);
	len = fread(output, 1, sizeof(output) - 1, f);
	output[len] = '\0';
	fclose(f);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strcmp(output, "ok\n") != 0)
		fail_msg("PRAGMA integrity_check on %s: wait status 0x%x, output:\n%s", db,
		         (unsigned)status, output);
}

/* ---- the test ---------------------------------------------------------------------------- */

static uint32_t crash_seed(void)
{
	const char *text = getenv("LEDGER_CRASH_SEED");
	char *end = NULL;
	unsigned long v;

	if (text && text[0]) {
		v = strtoul(text, &end, 10);
		if (end && *end == '\0' && v != 0 && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	v = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	return (uint32_t)v ? (uint32_t)v : 1u;
}

/* Role and agency of the demo officer, to create users like it. */
static void officer_role_and_agency(char **role, json_t **agency, struct itest_server *s)
{
	struct itest_client *c = new_client(s);
	struct itest_response r;
	json_t *user;

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

/* An admin session for raw requests: "Cookie: …" and "X-CSRF-Token: …" header lines. */
static void admin_session(char *cookie, size_t cookie_size, char *csrf, size_t csrf_size,
                          struct itest_server *s)
{
	struct itest_client *c = new_client(s);
	struct itest_response r;
	char *token = NULL;

	assert_int_equal(itest_login_response(&r, c, "admin", ITEST_DEMO_PASSWORD), 0);
	ITEST_ASSERT_STATUS(r, 201);
	assert_int_equal(itest_response_cookie(&token, &r, "sx_session"), 0);
	snprintf(cookie, cookie_size, "Cookie: sx_session=%s", token);
	assert_true(json_is_string(json_object_get(r.json, "csrf_token")));
	snprintf(csrf, csrf_size, "X-CSRF-Token: %s",
	         json_string_value(json_object_get(r.json, "csrf_token")));
	sx_free(token);
	itest_response_free(&r);
	itest_client_free(c);
}

/* After a restart: every ack is in the new tree, which extends `before`. */
static void assert_log_after_restart(struct itest_server *s, const struct ack *acks,
                                     size_t ack_count, const struct checkpoint *before,
                                     const unsigned char pub[32], uint32_t key_id)
{
	struct itest_client *c = new_client(s);
	struct hash proof[MAX_PROOF];
	struct hash from_root, to_root, root;
	struct checkpoint after;
	struct itest_response r;
	uint64_t min_size = before->size;
	struct hash *leaves;
	json_t **entries;
	size_t proof_len;
	char url[160];

	for (size_t i = 0; i < ack_count; i++) {
		if ((uint64_t)acks[i].ledger_index + 1 > min_size)
			min_size = (uint64_t)acks[i].ledger_index + 1;
	}
	/* The restarted server publishes a checkpoint of everything that was committed. */
	checkpoint_wait(&after, c, key_id, min_size);
	if (!ed25519_verifies(pub, &after)) {
		print_error(
		        "the checkpoint after the restart is not signed by the Ed25519 key:\n%s",
		        after.note);
		fail();
	}

	leaves = sx_calloc(after.size, sizeof(*leaves));
	entries = sx_calloc(after.size, sizeof(*entries));
	assert_true(leaves && entries);
	entries_fetch(leaves, entries, c, after.size);
	for (size_t i = 0; i < ack_count; i++) {
		uint64_t index = (uint64_t)acks[i].ledger_index;
		const json_t *e = entries[index];
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *entity = json_string_value(json_object_get(e, "entity"));

		assert_true(index < after.size);
		if (!kind || !entity || strcmp(kind, "user.create") != 0 ||
		    strcmp(entity, acks[i].id) != 0) {
			print_error("acknowledged index %llu was user %s; after the crash it holds "
			            "kind %s entity %s\n",
			            (unsigned long long)index, acks[i].id, kind ? kind : "-",
			            entity ? entity : "-");
			fail();
		}
	}
	/* Both trees, recomputed from the entries, are the ones the checkpoints sign. */
	tree_hash(&root, leaves, after.size);
	assert_true(hash_equal(&root, &after.root));
	tree_hash(&root, leaves, before->size);
	if (!hash_equal(&root, &before->root)) {
		print_error("the first %llu leaves after the crash do not give the root of the "
		            "checkpoint published before it\n",
		            (unsigned long long)before->size);
		fail();
	}

	/* And the server proves it: consistency from the old checkpoint to the new. */
	snprintf(url, sizeof(url), "/api/v1/ledger/proof/consistency?from=%llu&to=%llu",
	         (unsigned long long)before->size, (unsigned long long)after.size);
	assert_int_equal(itest_get(&r, c, url), 0);
	ITEST_ASSERT_STATUS(r, 200);
	json_hash(&from_root, r.json, "from_root");
	json_hash(&to_root, r.json, "to_root");
	assert_true(hash_equal(&from_root, &before->root));
	assert_true(hash_equal(&to_root, &after.root));
	proof_len = json_array_size(json_object_get(r.json, "proof"));
	assert_true(proof_len <= MAX_PROOF);
	for (size_t i = 0; i < proof_len; i++) {
		const json_t *v = json_array_get(json_object_get(r.json, "proof"), i);

		assert_true(json_is_string(v));
		assert_true(decode_hash(&proof[i], json_string_value(v), json_string_length(v)));
	}
	if (!consistency_verifies(before->size, after.size, &before->root, &after.root, proof,
	                          proof_len)) {
		print_error("consistency proof %s does not verify:\n%s\n", url, r.body);
		fail();
	}
	itest_response_free(&r);

	for (uint64_t i = 0; i < after.size; i++)
		json_decref(entries[i]);
	sx_free(entries);
	sx_free(leaves);
	checkpoint_free(&after);
	itest_client_free(c);
}

static void test_acknowledged_entries_survive_sigkill_and_the_tree_stays_consistent(void **state)
{
	struct itest_server *s = *state;
	uint32_t seed = crash_seed();
	struct ack *all = NULL;
	size_t all_count = 0;
	char *role = NULL;
	json_t *agency = NULL;
	char *first_keys = NULL;
	unsigned char pub[32];
	uint32_t key_id = 0;
	int64_t started = now_ms();

	fprintf(stderr, "ledger crash test: seed %u (set LEDGER_CRASH_SEED to replay)\n",
	        (unsigned)seed);
	if (itest_server_port(s) == 0)
		assert_int_equal(itest_server_restart(s), 0);
	officer_role_and_agency(&role, &agency, s);

	for (int round = 0; round < ROUNDS; round++) {
		struct round_state rs;
		struct worker workers[WORKERS];
		pthread_t threads[WORKERS];
		struct itest_client *c = new_client(s);
		struct checkpoint last, fresh;
		char cookie[256], csrf[256];
		char *keys = NULL;
		uint32_t target = 1 + next_random(&seed) % MAX_TARGET_ACKS;
		uint32_t delay_ms = next_random(&seed) % (MAX_KILL_DELAY_MS + 1);
		int64_t deadline = now_ms() + ROUND_MAX_MS;
		uint64_t start_size;
		size_t acked;
		int status;

		/* The keys are the log's identity: a restart must not change them. */
		keys_fetch(pub, &key_id, &keys, c);
		if (first_keys == NULL)
			first_keys = sx_strdup(keys);
		assert_string_equal(keys, first_keys);
		sx_free(keys);
		checkpoint_wait(&last, c, key_id, 1);
		assert_true(ed25519_verifies(pub, &last));
		admin_session(cookie, sizeof(cookie), csrf, sizeof(csrf), s);

		memset(&rs, 0, sizeof(rs));
		assert_int_equal(pthread_mutex_init(&rs.lock, NULL), 0);
		rs.cap = 4096;
		rs.acks = sx_calloc(rs.cap, sizeof(*rs.acks));
		assert_non_null(rs.acks);
		for (int w = 0; w < WORKERS; w++) {
			workers[w] = (struct worker){&rs,  itest_server_port(s),   cookie, csrf,
			                             role, json_deep_copy(agency), round,  w};
			assert_non_null(workers[w].agency);
			assert_int_equal(pthread_create(&threads[w], NULL, worker_run, &workers[w]),
			                 0);
		}
		/* Keep the newest checkpoint while the log grows; kill after `target` acks. In odd
		 * rounds also wait until a checkpoint covers some of this round's appends, so
		 * that the old tree is sometimes one signed in the middle of the writes. */
		start_size = last.size;
		for (;;) {
			if (checkpoint_fetch(&fresh, c, key_id) == 200) {
				assert_true(fresh.size >= last.size);
				checkpoint_free(&last);
				last = fresh;
			}
			pthread_mutex_lock(&rs.lock);
			acked = rs.count;
			pthread_mutex_unlock(&rs.lock);
			if (acked >= target && (round % 2 == 0 || last.size > start_size))
				break;
			if (now_ms() > deadline) {
				if (round % 2 == 1)
					fail_msg("round %d: no new checkpoint in %d ms of appends "
					         "(%zu acknowledged)",
					         round, ROUND_MAX_MS, acked);
				break;
			}
			sleep_ms(POLL_MS);
		}
		sleep_ms(delay_ms);
		status = itest_server_kill(s, SIGKILL);
		assert_true(status >= 0);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);

		pthread_mutex_lock(&rs.lock);
		rs.stop = true;
		pthread_mutex_unlock(&rs.lock);
		for (int w = 0; w < WORKERS; w++) {
			assert_int_equal(pthread_join(threads[w], NULL), 0);
			json_decref(workers[w].agency);
		}
		if (rs.failure[0])
			fail_msg("round %d: %s", round, rs.failure);
		fprintf(stderr,
		        "round %d: killed after %zu acknowledged creations (target %u, +%u ms); "
		        "last checkpoint before the kill: %llu leaves\n",
		        round, rs.count, (unsigned)target, (unsigned)delay_ms,
		        (unsigned long long)last.size);
		assert_true(rs.count >= 1);
		all = sx_realloc(all, (all_count + rs.count) * sizeof(*all));
		assert_non_null(all);
		memcpy(all + all_count, rs.acks, rs.count * sizeof(*all));
		all_count += rs.count;
		sx_free(rs.acks);
		pthread_mutex_destroy(&rs.lock);
		itest_client_free(c);

		assert_int_equal(itest_server_restart(s), 0);
		assert_log_after_restart(s, all, all_count, &last, pub, key_id);
		assert_database_integrity(s);
		checkpoint_free(&last);
	}
	fprintf(stderr, "ledger crash test: %d rounds, %zu acknowledged creations, %lld ms\n",
	        ROUNDS, all_count, (long long)(now_ms() - started));
	sx_free(all);
	sx_free(first_keys);
	sx_free(role);
	json_decref(agency);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_acknowledged_entries_survive_sigkill_and_the_tree_stays_consistent),
	};
	int failures;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	failures = ITEST_RUN_GROUP("ledger_crash", tests, NULL);
	curl_global_cleanup();
	return failures == 0 ? 0 : 1;
}
