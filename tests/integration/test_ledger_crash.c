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
 *     written out in support/ledger_check, independent of src/ledger), and
 *     recomputing both roots from the entry bundles gives the two checkpoints'
 *     roots;
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
#include "ledger_check.h"

#include "base/error.h"
#include "base/mem.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 6
#define WORKERS 4
#define MAX_TARGET_ACKS 40   /* kill after 1..this many acknowledgements in a round */
#define MAX_KILL_DELAY_MS 40 /* and then after 0..this many milliseconds more */
/* Kill anyway after this long. Generous: under ASan on a loaded 2-core machine one user
 * creation takes seconds (argon2) and one fsync has been seen to stall for 12 s. */
#define ROUND_MAX_MS 30000
#define POLL_MS 20
#define TOOL_TIMEOUT_MS 60000
#define USER_PASSWORD "Crash-Test-2026"
#define RESPONSE_MAX_BYTES (64 * 1024)

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

/* ---- small helpers ----------------------------------------------------------------------- */

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
	size_t len = 0;
	int status = 0;
	FILE *f;
	int rc;

	snprintf(db, sizeof(db), "%s/test.db", itest_server_dir(s));
	snprintf(out_path, sizeof(out_path), "%s/integrity.out", itest_server_dir(s));
	rc = itest_run_program(&status, argv, NULL, out_path, TOOL_TIMEOUT_MS);
	if (rc == SX_ENOTFOUND)
		fail_msg("there is no sqlite3 on PATH for the integrity check; scripts/setup "
		         "installs it");
	if (rc == SX_EBUSY)
		fail_msg("sqlite3 integrity_check did not finish in %d ms", TOOL_TIMEOUT_MS);
	if (rc < 0)
		fail_msg("cannot run sqlite3 for the integrity check (error %d)", rc);
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

/* Whether exactly one signature line of cp carries k's key ID, and it verifies. */
static bool checkpoint_is_signed_by(const struct ledger_check_checkpoint *cp,
                                    const struct ledger_check_vkey *k)
{
	size_t by_key = 0;
	bool verifies = false;

	for (size_t i = 0; i < cp->sig_count; i++) {
		if (cp->sigs[i].key_id != k->key_id)
			continue;
		by_key++;
		verifies = ledger_check_sig_verifies(k, &cp->sigs[i], cp->note, cp->text_len);
	}
	return by_key == 1 && verifies;
}

/* After a restart: every ack is in the new tree, which extends `before`. */
static void assert_log_after_restart(struct itest_server *s, const struct ack *acks,
                                     size_t ack_count, const struct ledger_check_checkpoint *before,
                                     const struct ledger_check_vkey *ed25519_key)
{
	struct itest_client *c = new_client(s);
	struct ledger_check_hash proof[LEDGER_CHECK_MAX_PROOF];
	struct ledger_check_hash from_root, to_root, root;
	struct ledger_check_checkpoint after;
	struct ledger_check_entries e;
	struct itest_response r;
	uint64_t min_size = before->size;
	json_t **entries;
	size_t proof_len;
	char url[160];

	for (size_t i = 0; i < ack_count; i++) {
		if ((uint64_t)acks[i].ledger_index + 1 > min_size)
			min_size = (uint64_t)acks[i].ledger_index + 1;
	}
	/* The restarted server publishes a checkpoint of everything that was committed. */
	ledger_check_checkpoint_wait(&after, c, min_size);
	if (!checkpoint_is_signed_by(&after, ed25519_key)) {
		print_error(
		        "the checkpoint after the restart is not signed by the Ed25519 key:\n%s",
		        after.note);
		fail();
	}

	ledger_check_entries_fetch(&e, c, after.size);
	entries = sx_calloc(after.size, sizeof(*entries));
	assert_non_null(entries);
	for (uint64_t i = 0; i < after.size; i++)
		entries[i] = ledger_check_entry_json(&e, i);
	for (size_t i = 0; i < ack_count; i++) {
		uint64_t index = (uint64_t)acks[i].ledger_index;
		const json_t *entry;
		const char *kind, *entity;

		assert_true(index < after.size);
		entry = entries[index];
		kind = json_string_value(json_object_get(entry, "kind"));
		entity = json_string_value(json_object_get(entry, "entity"));
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
	ledger_check_tree_hash(&root, e.leaf, after.size);
	assert_true(ledger_check_hashes_equal(&root, &after.root));
	ledger_check_tree_hash(&root, e.leaf, before->size);
	if (!ledger_check_hashes_equal(&root, &before->root)) {
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
	ledger_check_json_hash(&from_root, r.json, "from_root");
	ledger_check_json_hash(&to_root, r.json, "to_root");
	assert_true(ledger_check_hashes_equal(&from_root, &before->root));
	assert_true(ledger_check_hashes_equal(&to_root, &after.root));
	proof_len = ledger_check_json_proof(proof, r.json);
	if (!ledger_check_consistency_verifies(before->size, after.size, &before->root, &after.root,
	                                       proof, proof_len)) {
		print_error("consistency proof %s does not verify:\n%s\n", url, r.body);
		fail();
	}
	itest_response_free(&r);

	for (uint64_t i = 0; i < after.size; i++)
		json_decref(entries[i]);
	sx_free(entries);
	ledger_check_entries_free(&e);
	ledger_check_checkpoint_free(&after);
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
	struct ledger_check_vkey keys[2]; /* [0] is the Ed25519 key */
	int64_t started = itest_now_ms();

	fprintf(stderr, "ledger crash test: seed %u (set LEDGER_CRASH_SEED to replay)\n",
	        (unsigned)seed);
	if (itest_server_port(s) == 0)
		assert_int_equal(itest_server_restart(s), 0);
	assert_int_equal(itest_demo_officer_role_and_agency(&role, &agency, s), 0);

	for (int round = 0; round < ROUNDS; round++) {
		struct round_state rs;
		struct worker workers[WORKERS];
		pthread_t threads[WORKERS];
		struct itest_client *c = new_client(s);
		struct ledger_check_checkpoint last, fresh;
		char cookie[256], csrf[256];
		char *keys_text = NULL;
		uint32_t target = 1 + next_random(&seed) % MAX_TARGET_ACKS;
		uint32_t delay_ms = next_random(&seed) % (MAX_KILL_DELAY_MS + 1);
		int64_t deadline = itest_now_ms() + ROUND_MAX_MS;
		uint64_t start_size;
		size_t acked;
		int status;

		/* The keys are the log's identity: a restart must not change them. */
		ledger_check_keys_fetch(keys, &keys_text, c);
		assert_int_equal(keys[0].material_len, 33);
		assert_int_equal(keys[0].material[0], 0x01); /* Ed25519 first */
		if (first_keys == NULL)
			first_keys = sx_strdup(keys_text);
		assert_string_equal(keys_text, first_keys);
		sx_free(keys_text);
		ledger_check_checkpoint_wait(&last, c, 1);
		assert_true(checkpoint_is_signed_by(&last, &keys[0]));
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
			if (ledger_check_checkpoint_fetch(&fresh, c) == 200) {
				assert_true(fresh.size >= last.size);
				ledger_check_checkpoint_free(&last);
				last = fresh;
			}
			pthread_mutex_lock(&rs.lock);
			acked = rs.count;
			pthread_mutex_unlock(&rs.lock);
			if (acked >= target && (round % 2 == 0 || last.size > start_size))
				break;
			if (itest_now_ms() > deadline) {
				if (round % 2 == 1)
					fail_msg("round %d: no new checkpoint in %d ms of appends "
					         "(%zu acknowledged)",
					         round, ROUND_MAX_MS, acked);
				break;
			}
			itest_sleep_ms(POLL_MS);
		}
		itest_sleep_ms(delay_ms);
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
		assert_log_after_restart(s, all, all_count, &last, &keys[0]);
		assert_database_integrity(s);
		ledger_check_checkpoint_free(&last);
	}
	fprintf(stderr, "ledger crash test: %d rounds, %zu acknowledged creations, %lld ms\n",
	        ROUNDS, all_count, (long long)(itest_now_ms() - started));
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

	return ITEST_RUN_GROUP_AS_MAIN("ledger_crash", tests, NULL);
}
