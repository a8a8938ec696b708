/*
 * Integration: the public face of the tamper-evident log, checked from the
 * outside the way an auditor would — the signed checkpoint, the verifier keys,
 * tiles and entry bundles, inclusion and consistency proofs — and the promise
 * that every acknowledged change is in the log.
 *
 * Everything is verified here independently of src/ledger, by the auditor's
 * code in support/ledger_check: leaf and node hashes with OpenSSL's SHA-256,
 * tree heads recomputed from the entry bundles (RFC 6962 §2.1), proofs checked
 * with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 written out there,
 * Ed25519 and SM2 signatures checked with OpenSSL against the keys of GET
 * /ledger/keys. Only base64 comes from base/codec.
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
#include "ledger_check.h"

#include "base/error.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CREATE_THREADS 4
#define FULL_TILE_USERS 260 /* with the demo's events, more than one full tile */
#define USER_PASSWORD "Ledger-Test-2026"
#define GO_GOPATH "/usr/share/gocode"
#define GO_TLOG_SOURCE GO_GOPATH "/src/golang.org/x/mod/sumdb/tlog/tlog.go"
#define GO_TIMEOUT_MS 240000

/* ---- small helpers ----------------------------------------------------------------------- */

static uint64_t json_u64(const json_t *obj, const char *member)
{
	const json_t *v = json_object_get(obj, member);

	assert_true(json_is_integer(v));
	assert_true(json_integer_value(v) >= 0);
	return (uint64_t)json_integer_value(v);
}

/* Roots of every prefix: roots[m] = MTH(D[0:m]) for 1 <= m <= count (roots[0] unused). */
static struct ledger_check_hash *prefix_roots(const struct ledger_check_entries *e)
{
	struct ledger_check_hash *roots = sx_calloc(e->count + 1, sizeof(*roots));

	assert_non_null(roots);
	for (uint64_t m = 1; m <= e->count; m++)
		ledger_check_tree_hash(&roots[m], e->leaf, m);
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
	assert_int_equal(itest_demo_officer_role_and_agency(&role, &agency, s), 0);
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
static void ensure_log_size(struct ledger_check_checkpoint *out, struct itest_server *s,
                            struct itest_client *c, uint64_t min_size)
{
	char prefix[32];

	ledger_check_checkpoint_wait(out, c, 1);
	if (out->size >= min_size)
		return;
	/* The log only grows, so its size makes the usernames unique. */
	snprintf(prefix, sizeof(prefix), "fill%llu", (unsigned long long)out->size);
	sx_free(create_users(s, prefix, (size_t)(min_size - out->size)));
	ledger_check_checkpoint_free(out);
	ledger_check_checkpoint_wait(out, c, min_size);
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
	struct ledger_check_checkpoint cp;
	struct ledger_check_vkey keys[2];
	struct ledger_check_entries e;
	struct ledger_check_hash root;
	json_t *first;
	char *tampered;

	ledger_check_checkpoint_wait(&cp, c, 1);
	assert_int_equal(itest_get(&r, c, "/ledger/checkpoint"), 0);
	ITEST_ASSERT_STATUS(r, 200);
	ITEST_ASSERT_CONTENT_TYPE(r, "text/plain; charset=utf-8");
	/* A checkpoint changes as the log grows: never cached as immutable. */
	assert_false(has_token(itest_response_header(&r, "Cache-Control"), "immutable"));
	itest_response_free(&r);

	assert_true(cp.size >= 1);
	assert_int_equal(cp.sig_count, 2);
	ledger_check_keys_fetch(keys, NULL, c);
	assert_string_equal(keys[0].name, cp.origin);
	assert_string_equal(keys[1].name, cp.origin);
	/* Each signature line is by one of the keys, and each key signed once. */
	for (size_t k = 0; k < 2; k++) {
		size_t by_key = 0;

		for (size_t i = 0; i < cp.sig_count; i++) {
			if (cp.sigs[i].key_id != keys[k].key_id)
				continue;
			by_key++;
			if (!ledger_check_sig_verifies(&keys[k], &cp.sigs[i], cp.note,
			                               cp.text_len)) {
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
			assert_false(ledger_check_sig_verifies(&keys[k], &cp.sigs[i], tampered,
			                                       cp.text_len));
	}
	sx_free(tampered);

	/* The root is the RFC 6962 tree hash of exactly the leaves the bundles serve. */
	ledger_check_entries_fetch(&e, c, cp.size);
	ledger_check_tree_hash(&root, e.leaf, e.count);
	assert_true(ledger_check_hashes_equal(&root, &cp.root));
	/* Leaf 0 is the log's birth certificate. */
	first = ledger_check_entry_json(&e, 0);
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "ledger.init");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(first, "data"), "origin")),
	        cp.origin);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(first, "data"), "hash")),
	        "sha256");
	json_decref(first);
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_keys_are_an_ed25519_vkey_then_an_sm2_vkey(void **state)
{
	struct itest_client *c = new_client(*state);
	struct ledger_check_vkey keys[2];

	/* The fetch checks: exactly two lines, key IDs = SHA-256(name \n material)[:4]. */
	ledger_check_keys_fetch(keys, NULL, c);
	assert_int_equal(keys[0].material_len, 33);
	assert_int_equal(keys[0].material[0], 0x01);
	assert_int_equal(keys[1].material_len, 1 + strlen(LEDGER_CHECK_SM2_TYPE_NAME) + 1 + 65);
	assert_int_equal(keys[1].material[0], 0xff);
	assert_memory_equal(keys[1].material + 1, LEDGER_CHECK_SM2_TYPE_NAME,
	                    strlen(LEDGER_CHECK_SM2_TYPE_NAME));
	assert_string_equal(keys[0].name, keys[1].name);
	assert_int_not_equal(keys[0].key_id, keys[1].key_id);
	itest_client_free(c);
}

static void test_every_acknowledged_user_creation_is_in_the_log(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct created_user *users;
	struct ledger_check_checkpoint before, after;
	struct ledger_check_entries e;
	char *role = NULL;
	json_t *agency = NULL;
	int64_t max_index = -1;
	bool *seen;

	ledger_check_checkpoint_wait(&before, c, 1);
	assert_int_equal(itest_demo_officer_role_and_agency(&role, &agency, s), 0);
	users = create_users(s, "lg", FULL_TILE_USERS);
	for (size_t i = 0; i < FULL_TILE_USERS; i++) {
		/* Appended after everything the earlier checkpoint covers. */
		assert_true(users[i].ledger_index >= (int64_t)before.size);
		if (users[i].ledger_index > max_index)
			max_index = users[i].ledger_index;
	}
	ledger_check_checkpoint_wait(&after, c, (uint64_t)max_index + 1);
	ledger_check_entries_fetch(&e, c, after.size);
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
		entry = ledger_check_entry_json(&e, index);
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
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&after);
	ledger_check_checkpoint_free(&before);
	sx_free(users);
	sx_free(role);
	json_decref(agency);
	itest_client_free(c);
}

static void test_every_leaf_has_an_inclusion_proof_that_verifies(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct ledger_check_hash path[LEDGER_CHECK_MAX_PROOF];
	struct ledger_check_checkpoint cp;
	struct ledger_check_entries e;
	struct ledger_check_hash *roots;
	struct ledger_check_hash wrong;

	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	ledger_check_entries_fetch(&e, c, cp.size);
	roots = prefix_roots(&e);
	assert_true(ledger_check_hashes_equal(&roots[cp.size], &cp.root));
	/* Every leaf in the newest tree, and a few leaves in trees of older sizes. */
	const uint64_t sizes[] = {cp.size, 1,  2,  3,           4,   5,   7,   8,          9,
	                          15,      16, 17, cp.size / 2, 255, 256, 257, cp.size - 1};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t size = sizes[k];

		if (size < 1 || size > cp.size)
			continue;
		for (uint64_t i = 0; i < size; i++) {
			struct itest_response r;
			struct ledger_check_hash leaf, root;
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
			ledger_check_json_hash(&leaf, r.json, "leaf_hash");
			ledger_check_json_hash(&root, r.json, "root");
			len = ledger_check_json_proof(path, r.json);
			assert_true(ledger_check_hashes_equal(&leaf, &e.leaf[i]));
			assert_true(ledger_check_hashes_equal(&root, &roots[size]));
			if (!ledger_check_inclusion_verifies(i, size, &e.leaf[i], path, len,
			                                     &roots[size])) {
				print_error("inclusion proof does not verify: %s\n%s\n", url,
				            r.body);
				fail();
			}
			/* Not vacuous: the same path proves no other leaf there. */
			wrong = e.leaf[i];
			wrong.bytes[0] ^= 1;
			assert_false(ledger_check_inclusion_verifies(i, size, &wrong, path, len,
			                                             &roots[size]));
			itest_response_free(&r);
		}
	}
	sx_free(roots);
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_consistency_proofs_verify_between_sizes(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct ledger_check_hash proof[LEDGER_CHECK_MAX_PROOF];
	struct ledger_check_checkpoint cp;
	struct ledger_check_entries e;
	struct ledger_check_hash *roots;

	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	ledger_check_entries_fetch(&e, c, cp.size);
	roots = prefix_roots(&e);
	assert_true(ledger_check_hashes_equal(&roots[cp.size], &cp.root));
	const uint64_t sample[] = {1,  2,  3,   4,           5,   6,   7,   8,           9,
	                           16, 17, 100, cp.size / 2, 255, 256, 257, cp.size - 1, cp.size};
	const size_t sample_count = sizeof(sample) / sizeof(sample[0]);
	/* Every size into the newest tree; then pairs of sample sizes. */
	for (uint64_t m = 1; m <= cp.size + sample_count * sample_count; m++) {
		struct itest_response r;
		struct ledger_check_hash from_root, to_root;
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
		ledger_check_json_hash(&from_root, r.json, "from_root");
		ledger_check_json_hash(&to_root, r.json, "to_root");
		len = ledger_check_json_proof(proof, r.json);
		assert_true(ledger_check_hashes_equal(&from_root, &roots[from]));
		assert_true(ledger_check_hashes_equal(&to_root, &roots[to]));
		if (!ledger_check_consistency_verifies(from, to, &roots[from], &roots[to], proof,
		                                       len)) {
			print_error("consistency proof does not verify: %s\n%s\n", url, r.body);
			fail();
		}
		if (from == to) {
			assert_int_equal(len, 0);
		} else {
			/* Not vacuous: a flipped hash, or another old root, fails. */
			struct ledger_check_hash wrong = roots[from];

			wrong.bytes[LEDGER_CHECK_HASH_BYTES - 1] ^= 1;
			assert_false(ledger_check_consistency_verifies(from, to, &wrong, &roots[to],
			                                               proof, len));
			proof[len - 1].bytes[0] ^= 1;
			assert_false(ledger_check_consistency_verifies(from, to, &roots[from],
			                                               &roots[to], proof, len));
		}
		itest_response_free(&r);
	}
	sx_free(roots);
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&cp);
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
static void assert_hash_tile(struct itest_client *c, const char *url,
                             const struct ledger_check_hash *hashes, int width)
{
	struct itest_response r;
	const char *cache;

	get_tile(&r, c, url);
	assert_int_equal(r.body_len, (size_t)width * LEDGER_CHECK_HASH_BYTES);
	for (int i = 0; i < width; i++) {
		if (memcmp(r.body + (size_t)i * LEDGER_CHECK_HASH_BYTES, hashes[i].bytes,
		           LEDGER_CHECK_HASH_BYTES) != 0) {
			print_error("%s: hash %d differs from the one computed from the entries\n",
			            url, i);
			fail();
		}
	}
	cache = itest_response_header(&r, "Cache-Control");
	assert_non_null(cache);
	if (width == LEDGER_CHECK_TILE_WIDTH) {
		assert_true(has_token(cache, "immutable"));
		assert_true(has_token(cache, "max-age="));
	} else {
		assert_false(has_token(cache, "immutable"));
	}
	itest_response_free(&r);
}

static void assert_bundle(struct itest_client *c, const char *url,
                          const struct ledger_check_entries *e, uint64_t first, int width)
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
	                 width == LEDGER_CHECK_TILE_WIDTH);
	itest_response_free(&r);
}

static void test_full_tiles_are_immutable_and_partial_tiles_are_not(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct ledger_check_checkpoint cp;
	struct ledger_check_entries e;
	struct ledger_check_hash *level1;
	uint64_t level1_count;
	char url[128];

	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	assert_true(cp.size < 65536); /* one level-1 tile, and it is partial */
	ledger_check_entries_fetch(&e, c, cp.size);
	for (uint64_t k = 0; k * LEDGER_CHECK_TILE_WIDTH < cp.size; k++) {
		int width = ledger_check_tile_width_at(cp.size, k);

		ledger_check_tile_url(url, sizeof(url), "0", k, width);
		assert_hash_tile(c, url, e.leaf + k * LEDGER_CHECK_TILE_WIDTH, width);
		ledger_check_tile_url(url, sizeof(url), "entries", k, width);
		assert_bundle(c, url, &e, k * LEDGER_CHECK_TILE_WIDTH, width);
	}
	/* Level 1 holds MTH of each complete run of 256 leaves. */
	level1_count = cp.size / LEDGER_CHECK_TILE_WIDTH;
	level1 = sx_calloc(level1_count, sizeof(*level1));
	assert_non_null(level1);
	for (uint64_t i = 0; i < level1_count; i++)
		ledger_check_tree_hash(&level1[i], e.leaf + i * LEDGER_CHECK_TILE_WIDTH,
		                       LEDGER_CHECK_TILE_WIDTH);
	ledger_check_tile_url(url, sizeof(url), "1", 0, (int)level1_count);
	assert_hash_tile(c, url, level1, (int)level1_count);
	sx_free(level1);

	/* A client with an older checkpoint asks for a narrower partial tile: served as the
	 * prefix of the current one, and not immutable (a partial tile). */
	ledger_check_tile_url(url, sizeof(url), "0", 0, 5);
	assert_hash_tile(c, url, e.leaf, 5);
	ledger_check_tile_url(url, sizeof(url), "entries", 0, 3);
	assert_bundle(c, url, &e, 0, 3);
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&cp);
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
	struct ledger_check_checkpoint cp;
	uint64_t last;
	int width;
	char url[128];

	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	last = cp.size / LEDGER_CHECK_TILE_WIDTH;
	width = (int)(cp.size % LEDGER_CHECK_TILE_WIDTH);
	/* So that width + 1 is a partial tile. */
	assert_true(width > 0 && width < LEDGER_CHECK_TILE_WIDTH - 1);
	/* Wider than what is published, at levels 0 and 1 and for entries. */
	ledger_check_tile_url(url, sizeof(url), "0", last, width + 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "entries", last, width + 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "0", last, LEDGER_CHECK_TILE_WIDTH);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "entries", last, LEDGER_CHECK_TILE_WIDTH);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "1", 0,
	                      (int)(cp.size / LEDGER_CHECK_TILE_WIDTH) + 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "1", 0, LEDGER_CHECK_TILE_WIDTH);
	assert_not_found(c, url);
	/* Past the last tile, and a level the tree does not reach. */
	ledger_check_tile_url(url, sizeof(url), "0", last + 1, 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "entries", last + 1, 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "2", 0, 1);
	assert_not_found(c, url);
	ledger_check_tile_url(url, sizeof(url), "0", 1000000, 1);
	assert_not_found(c, url);
	ledger_check_checkpoint_free(&cp);
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
	struct ledger_check_checkpoint cp;
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

	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	assert_true(cp.size / LEDGER_CHECK_TILE_WIDTH == 1);
	width = cp.size % LEDGER_CHECK_TILE_WIDTH;
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
	ledger_check_checkpoint_free(&cp);
	itest_client_free(c);
}

static void test_bad_proof_requests_are_rejected_with_a_code(void **state)
{
	struct itest_server *s = *state;
	struct itest_client *c = new_client(s);
	struct ledger_check_checkpoint cp;
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

	ledger_check_checkpoint_wait(&cp, c, 4);
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
	ledger_check_checkpoint_free(&cp);
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
	int status = 0;
	int rc;

	/* Checking each length also tells gcc -O2 the truncation is handled. */
	if (snprintf(gocache, sizeof(gocache), "GOCACHE=%s/gocache", work_dir) >= (int)sizeof(gocache) ||
	    snprintf(home, sizeof(home), "HOME=%s", work_dir) >= (int)sizeof(home) ||
	    snprintf(path, sizeof(path), "PATH=%s",
	             getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin") >=
	            (int)sizeof(path) ||
	    snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", work_dir) >= (int)sizeof(tmpdir) ||
	    snprintf(log_path, sizeof(log_path), "%s/go.log", work_dir) >= (int)sizeof(log_path))
		fail_msg("paths for the Go verifier are too long (work dir %s)", work_dir);
	rc = itest_run_program(&status, argv, envp, log_path, GO_TIMEOUT_MS);
	if (rc == SX_ENOTFOUND)
		fail_msg("The Go interop test is required, but there is no `go` on PATH. Install "
		         "Debian's golang-go and golang-golang-x-mod-dev (scripts/setup does).");
	if (rc == SX_EBUSY)
		print_error("go run did not finish within %d ms\n", GO_TIMEOUT_MS);
	else if (rc < 0)
		fail_msg("cannot run go (error %d)", rc);
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
	struct ledger_check_checkpoint cp;
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
	ensure_log_size(&cp, s, c, LEDGER_CHECK_TILE_WIDTH + 20);
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", itest_server_port(s));
	status = run_go_verifier(main_go, base_url, work_dir);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg(
		        "Go's sumdb/note and sumdb/tlog did not verify the log (wait status 0x%x); "
		        "see the go output above",
		        (unsigned)status);
	ledger_check_checkpoint_free(&cp);
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

	return ITEST_RUN_GROUP_AS_MAIN("ledger", tests, NULL);
}
