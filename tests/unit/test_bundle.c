/*
 * Unit tests for ledger/bundle: a small log is built in memory (events through
 * ledger_event_append over array-backed storage, plus two raw leaves that no
 * honest ledger writes), a checkpoint is signed with freshly generated Ed25519
 * and SM2 keys, and bundles of one entity are built and verified. Then every
 * way of lying the bundle format allows is tried — changed leaf bytes, a
 * shortened or altered proof, a forged signature, an unknown signer, forked
 * histories, another entity's event, non-canonical and non-event leaves,
 * malformed JSON — and each must fail with its documented code. Allocation
 * failure is injected into build and verify.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "ledger/bundle.h"
#include "ledger/checkpoint.h"
#include "ledger/event.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define ORIGIN "sanxiang.test/log"
#define CASE_A "01JCASEAAAAAAAAAAAAAAAAAAA"
#define CASE_B "01JCASEBBBBBBBBBBBBBBBBBBB"

/* ---- an in-memory log behind struct ledger_storage ---- */

#define LOG_MAX 64
#define LOG_LEVELS 7

struct mem_log {
	enum crypto_hash_alg alg;
	uint64_t size;
	struct merkle_hash hashes[LOG_LEVELS][LOG_MAX];
	bool is_stored[LOG_LEVELS][LOG_MAX];
	char *leaves[LOG_MAX];
	size_t leaf_len[LOG_MAX];
	char entity[LOG_MAX][64];
};

static int mem_size(uint64_t *out, void *ctx, struct sx_error *err)
{
	(void)err;
	*out = ((struct mem_log *)ctx)->size;
	return 0;
}

static int mem_read(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	struct mem_log *log = ctx;

	if (level < 0 || level >= LOG_LEVELS || index >= LOG_MAX || !log->is_stored[level][index])
		return SX_ENOTFOUND;
	*out = log->hashes[level][index];
	return 0;
}

static int mem_put_leaf(void *ctx, uint64_t index, const char *kind, const char *entity_id,
			const char *data, size_t len, const struct merkle_hash *leaf_hash,
			const char *created_at, struct sx_error *err)
{
	struct mem_log *log = ctx;

	(void)kind;
	(void)leaf_hash;
	(void)created_at;
	(void)err;
	assert_int_equal(index, log->size);
	assert_true(index < LOG_MAX);
	log->leaves[index] = sx_strndup(data, len);
	assert_non_null(log->leaves[index]);
	log->leaf_len[index] = len;
	snprintf(log->entity[index], sizeof(log->entity[index]), "%s", entity_id);
	log->size++;
	return 0;
}

static int mem_put_hash(void *ctx, int level, uint64_t index, const struct merkle_hash *hash,
			struct sx_error *err)
{
	struct mem_log *log = ctx;

	(void)err;
	assert_true(level < LOG_LEVELS && index < LOG_MAX);
	assert_false(log->is_stored[level][index]);
	log->hashes[level][index] = *hash;
	log->is_stored[level][index] = true;
	return 0;
}

static const struct ledger_storage mem_ops = {mem_size, mem_read, mem_put_leaf, mem_put_hash};

static void log_event(struct mem_log *log, const char *kind, const char *entity,
		      const char *data_json)
{
	struct sx_error err;
	uint64_t index = 0;

	sx_error_clear(&err);
	assert_int_equal(ledger_event_append(&index, &mem_ops, log, log->alg, kind, entity,
					     data_json, strlen(data_json), &err),
			 0);
}

/* A leaf no honest ledger writes, hashed and stored as is. */
static void log_raw(struct mem_log *log, const char *entity, const char *data)
{
	struct merkle_stored stored[MERKLE_MAX_STORED];
	struct merkle_hash leaf_hash;
	size_t count = 0;
	size_t len = strlen(data);

	assert_int_equal(merkle_leaf_hash(&leaf_hash, log->alg, data, len), 0);
	assert_int_equal(merkle_stored_for_append(stored, ARRAY_LEN(stored), &count, log->alg,
						  log->size, &leaf_hash, mem_read, log),
			 0);
	assert_int_equal(mem_put_leaf(log, log->size, "raw", entity, data, len, &leaf_hash, "",
				      NULL),
			 0);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(mem_put_hash(log, stored[i].level, stored[i].index,
					      &stored[i].hash, NULL),
				 0);
}

static void log_free(struct mem_log *log)
{
	if (log == NULL)
		return;
	for (size_t i = 0; i < LOG_MAX; i++)
		sx_free(log->leaves[i]);
	sx_free(log);
}

/* ---- fixture: a log of 13 leaves, keys, verifiers ---- */

#define LOG_SIZE 13
#define OLD_SIZE 6
#define LEAF_NOT_CANONICAL 6 /* entity CASE_A, keys out of order */
#define LEAF_NOT_EVENT 7     /* entity CASE_A, canonical but no envelope */

struct fixture {
	struct mem_log *log;
	struct crypto_sign_key *ed25519, *sm2, *stranger;
	struct note_verifier trusted[2]; /* ed25519, sm2 */
	char vkeys[2][NOTE_VKEY_MAX];
};

/* The honest leaves of CASE_A below LOG_SIZE. */
static const uint64_t case_a_leaves[] = {1, 3, 5, 8, 10, 12};

static struct mem_log *make_log(enum crypto_hash_alg alg)
{
	struct mem_log *log = sx_calloc(1, sizeof(*log));

	assert_non_null(log);
	log->alg = alg;
	log_event(log, "ledger.init", "ledger", "{\"hash\":\"x\"}");             /* 0 */
	log_event(log, "case.create", CASE_A, "{\"matter\":\"M1\",\"fine_fen\":0}"); /* 1 */
	log_event(log, "user.create", "U1", "{\"role\":\"officer\"}");           /* 2 */
	log_event(log, "case.record", CASE_A, "{\"sha256\":\"ab\",\"stage\":\"调查\"}"); /* 3 */
	log_event(log, "case.record", CASE_B, "{\"sha256\":\"cd\"}");            /* 4 */
	log_event(log, "case.decide", CASE_A, "{\"fine_fen\":50000}");           /* 5 */
	log_raw(log, CASE_A, "{\"kind\":\"x\",\"at\":\"t\",\"data\":{},\"entity\":\"" CASE_A "\"}");
	log_raw(log, CASE_A, "{\"x\":1}");                                         /* 7 */
	log_event(log, "case.publish", CASE_A, "{\"url\":\"/d/1\"}");             /* 8 */
	log_event(log, "user.create", "U2", "{\"role\":\"reviewer\"}");          /* 9 */
	log_event(log, "case.review", CASE_A, "{\"opinion\":\"同意\"}");          /* 10 */
	log_event(log, "case.record", CASE_B, "{\"sha256\":\"ef\"}");            /* 11 */
	log_event(log, "case.close", CASE_A, "{}");                               /* 12 */
	assert_int_equal(log->size, LOG_SIZE);
	return log;
}

static int setup(void **state)
{
	struct fixture *fx = sx_calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->log = make_log(CRYPTO_HASH_SHA256);
	assert_int_equal(crypto_sign_key_generate(&fx->ed25519, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(crypto_sign_key_generate(&fx->sm2, CRYPTO_SIGN_SM2), 0);
	assert_int_equal(crypto_sign_key_generate(&fx->stranger, CRYPTO_SIGN_ED25519), 0);
	assert_int_equal(note_verifier_from_key(&fx->trusted[0], ORIGIN, fx->ed25519), 0);
	assert_int_equal(note_verifier_from_key(&fx->trusted[1], ORIGIN, fx->sm2), 0);
	assert_int_equal(note_vkey(fx->vkeys[0], sizeof(fx->vkeys[0]), ORIGIN, fx->ed25519), 0);
	assert_int_equal(note_vkey(fx->vkeys[1], sizeof(fx->vkeys[1]), ORIGIN, fx->sm2), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	log_free(fx->log);
	note_verifier_free(&fx->trusted[0]);
	note_verifier_free(&fx->trusted[1]);
	crypto_sign_key_free(fx->ed25519);
	crypto_sign_key_free(fx->sm2);
	crypto_sign_key_free(fx->stranger);
	sx_free(fx);
	return 0;
}

/* ---- helpers: checkpoints and bundles ---- */

/* Signs a checkpoint of (origin, size, root) with signers; the note goes to out (fresh). */
static void sign_checkpoint_root(struct buf *out, const char *origin, uint64_t size,
				 const struct merkle_hash *root, const struct note_signer *signers,
				 size_t count)
{
	struct checkpoint cp;
	struct buf text;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", origin);
	cp.size = size;
	memcpy(cp.root, root->bytes, sizeof(cp.root));
	buf_init(&text, 4096);
	buf_init(out, NOTE_MAX_BYTES);
	assert_int_equal(checkpoint_format(&text, &cp), 0);
	assert_int_equal(note_sign(out, text.data, text.len, signers, count), 0);
	buf_free(&text);
}

static void sign_checkpoint(struct buf *out, const struct fixture *fx, const struct mem_log *log,
			    uint64_t size, const struct note_signer *signers, size_t count)
{
	struct merkle_hash root;

	assert_int_equal(merkle_root(&root, log->alg, size, mem_read, (void *)log), 0);
	sign_checkpoint_root(out, ORIGIN, size, &root, signers, count);
	(void)fx;
}

static void sign_both(struct buf *out, const struct fixture *fx, const struct mem_log *log,
		      uint64_t size)
{
	const struct note_signer signers[] = {{ORIGIN, fx->ed25519}, {ORIGIN, fx->sm2}};

	sign_checkpoint(out, fx, log, size, signers, 2);
}

/* How a test bundle is made. Zero values give the honest bundle of CASE_A. */
struct make {
	const char *entity;             /* NULL = CASE_A */
	const uint64_t *indices;        /* NULL = case_a_leaves */
	size_t index_count;
	const char *checkpoint;         /* NULL = signed by both keys at LOG_SIZE */
	size_t checkpoint_len;
	const uint64_t *from;           /* consistency proofs from these sizes */
	size_t from_count;
	const char *origin;             /* bundle's origin; NULL = ORIGIN */
	uint64_t size;                  /* tree size the proofs are for; 0 = LOG_SIZE */
	size_t drop_proof_of;           /* 1-based leaf position whose last proof hash is dropped */
	size_t flip_proof_of;           /* 1-based leaf position whose first proof hash changes */
	bool flip_consistency;          /* alter the first hash of each consistency proof */
};

static void make_bundle(struct buf *out, const struct fixture *fx, const struct mem_log *log,
			const struct make *m)
{
	static struct merkle_hash proofs[LOG_MAX][MERKLE_MAX_PROOF];
	static struct merkle_hash cproofs[8][MERKLE_MAX_PROOF];
	struct bundle_leaf leaves[LOG_MAX];
	struct bundle_consistency consistency[8];
	const uint64_t *indices = m->indices ? m->indices : case_a_leaves;
	size_t count = m->indices ? m->index_count : ARRAY_LEN(case_a_leaves);
	const char *vkeys[] = {fx->vkeys[0], fx->vkeys[1]};
	const uint64_t pending[] = {LOG_SIZE + 3};
	struct bundle_parts parts;
	uint64_t size = m->size ? m->size : LOG_SIZE;
	struct buf note;
	struct sx_error err;

	buf_init(&note, NOTE_MAX_BYTES);
	if (m->checkpoint == NULL)
		sign_both(&note, fx, log, LOG_SIZE);
	for (size_t i = 0; i < count; i++) {
		size_t n = 0;

		/* A leaf past the tree has no proof: it goes in with an empty one. */
		if (indices[i] < size)
			assert_int_equal(merkle_inclusion_proof(proofs[i], &n, log->alg,
								indices[i], size, mem_read,
								(void *)log),
					 0);
		if (m->drop_proof_of == i + 1)
			n--;
		if (m->flip_proof_of == i + 1)
			proofs[i][0].bytes[7] ^= 0x10;
		leaves[i].index = indices[i];
		leaves[i].data = log->leaves[indices[i]];
		leaves[i].data_len = log->leaf_len[indices[i]];
		leaves[i].proof = proofs[i];
		leaves[i].proof_len = n;
	}
	for (size_t i = 0; i < m->from_count; i++) {
		size_t n = 0;

		assert_int_equal(merkle_consistency_proof(cproofs[i], &n, log->alg, m->from[i],
							  LOG_SIZE, mem_read, (void *)log),
				 0);
		assert_int_equal(merkle_root(&consistency[i].from_root, log->alg, m->from[i],
					     mem_read, (void *)log),
				 0);
		if (m->flip_consistency && n > 0)
			cproofs[i][0].bytes[0] ^= 0x01;
		consistency[i].from = m->from[i];
		consistency[i].proof = cproofs[i];
		consistency[i].proof_len = n;
	}
	memset(&parts, 0, sizeof(parts));
	parts.alg = log->alg;
	parts.origin = m->origin ? m->origin : ORIGIN;
	parts.entity = m->entity ? m->entity : CASE_A;
	parts.checkpoint = m->checkpoint ? m->checkpoint : note.data;
	parts.checkpoint_len = m->checkpoint ? m->checkpoint_len : note.len;
	parts.vkeys = vkeys;
	parts.vkey_count = 2;
	parts.leaves = leaves;
	parts.leaf_count = count;
	parts.consistency = consistency;
	parts.consistency_count = m->from_count;
	parts.pending = pending;
	parts.pending_count = 1;
	buf_init(out, BUNDLE_MAX_BYTES);
	sx_error_clear(&err);
	assert_int_equal(bundle_build(out, &parts, &err), 0);
	buf_free(&note);
}

static void make_honest(struct buf *out, const struct fixture *fx)
{
	const struct make m = {0};

	make_bundle(out, fx, fx->log, &m);
}

/* Verifies and checks the outcome: want_code NULL means it must hold. */
static void expect_verify(const char *bundle, size_t len, const struct bundle_verify_options *opt,
			  int want_rc, const char *want_code, const char *want_in_message)
{
	struct bundle_report r;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	rc = bundle_verify(&r, bundle, len, opt, &err);
	if (rc != want_rc || (want_code && strcmp(err.code, want_code) != 0))
		fail_msg("verify: rc %d code %s (%s); wanted %d %s", rc, err.code, err.message,
			 want_rc, want_code ? want_code : "ok");
	if (want_in_message != NULL && strstr(err.message, want_in_message) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.message, want_in_message);
	bundle_report_free(&r);
}

static struct bundle_verify_options trusting(const struct fixture *fx)
{
	struct bundle_verify_options opt = {fx->trusted, 2, NULL, 0};

	return opt;
}

/* Re-serializes the bundle after edit() changed its JSON. */
static void edit_bundle(struct buf *b, void (*edit)(json_t *doc, void *ctx), void *ctx)
{
	json_t *doc = json_loadb(b->data, b->len, 0, NULL);
	char *text;

	assert_non_null(doc);
	edit(doc, ctx);
	text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(text);
	buf_reset(b);
	assert_int_equal(buf_append_str(b, text), 0);
	free(text);
	json_decref(doc);
}

static json_t *leaf_at(json_t *doc, size_t pos)
{
	json_t *leaf = json_array_get(json_object_get(doc, "leaves"), pos);

	assert_non_null(leaf);
	return leaf;
}

/* ---- the honest bundle ---- */

static void test_bundle_of_a_case_verifies_against_trusted_keys(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct bundle_report r;
	struct sx_error err;
	struct buf b;

	make_honest(&b, fx);
	sx_error_clear(&err);
	assert_int_equal(bundle_verify(&r, b.data, b.len, &opt, &err), 0);
	assert_false(r.keys_from_bundle);
	assert_true(r.checkpoint_verified);
	assert_int_equal(r.checkpoint.size, LOG_SIZE);
	assert_string_equal(r.origin, ORIGIN);
	assert_string_equal(r.entity, CASE_A);
	assert_int_equal(r.alg, CRYPTO_HASH_SHA256);
	assert_int_equal(r.signer_count, 2);
	assert_int_equal(r.signers[0].alg, CRYPTO_SIGN_ED25519);
	assert_int_equal(r.signers[1].alg, CRYPTO_SIGN_SM2);
	assert_string_equal(r.signers[1].name, ORIGIN);
	assert_int_equal(r.leaf_count, ARRAY_LEN(case_a_leaves));
	for (size_t i = 0; i < r.leaf_count; i++)
		assert_int_equal(r.leaves[i].index, case_a_leaves[i]);
	assert_string_equal(r.leaves[0].kind, "case.create");
	assert_string_equal(r.leaves[5].kind, "case.close");
	assert_int_equal(strlen(r.leaves[0].at), 27);
	assert_int_equal(r.pending_count, 1);
	assert_false(r.old_checked);
	bundle_report_free(&r);
	buf_free(&b);
}

static void test_bundle_format_is_the_documented_json(void **state)
{
	struct fixture *fx = *state;
	json_t *doc, *leaf;
	struct buf b;
	const char *key;
	json_t *value;
	const char *order[] = {"format", "hash",   "origin",      "entity", "checkpoint",
			       "vkeys",  "leaves", "consistency", "pending"};
	size_t i = 0;
	struct merkle_hash h;
	char b64[64];

	make_honest(&b, fx);
	assert_true(b.len > 0 && b.data[b.len - 1] == '\n');
	doc = json_loadb(b.data, b.len, JSON_PRESERVE_ORDER, NULL);
	assert_non_null(doc);
	json_object_foreach(doc, key, value) {
		(void)value;
		assert_true(i < ARRAY_LEN(order));
		assert_string_equal(key, order[i++]);
	}
	assert_int_equal(i, ARRAY_LEN(order));
	assert_string_equal(json_string_value(json_object_get(doc, "format")),
			    "sanxiang-proof-bundle/1");
	assert_string_equal(json_string_value(json_object_get(doc, "hash")), "sha256");
	leaf = leaf_at(doc, 0);
	assert_int_equal(json_integer_value(json_object_get(leaf, "index")), 1);
	/* data is the leaf's exact bytes and leaf_hash their RFC 6962 leaf hash in base64. */
	assert_string_equal(json_string_value(json_object_get(leaf, "data")), fx->log->leaves[1]);
	assert_int_equal(merkle_leaf_hash(&h, CRYPTO_HASH_SHA256, fx->log->leaves[1],
					  fx->log->leaf_len[1]),
			 0);
	assert_int_equal(codec_base64_encode(b64, sizeof(b64), h.bytes, 32), 0);
	assert_string_equal(json_string_value(json_object_get(leaf, "leaf_hash")), b64);
	assert_int_equal(json_array_size(json_object_get(leaf, "proof")),
			 merkle_inclusion_proof_len(1, LOG_SIZE));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(doc, "pending"), 0)),
			 LOG_SIZE + 3);
	json_decref(doc);
	buf_free(&b);
}

static void test_bundle_verifies_with_its_own_keys_but_says_they_are_unproven(void **state)
{
	struct fixture *fx = *state;
	struct bundle_report r;
	struct sx_error err;
	struct buf b;

	make_honest(&b, fx);
	sx_error_clear(&err);
	assert_int_equal(bundle_verify(&r, b.data, b.len, NULL, &err), 0);
	assert_true(r.keys_from_bundle);
	assert_int_equal(r.signer_count, 2);
	bundle_report_free(&r);
	buf_free(&b);
}

static void claim_sha256(json_t *doc, void *ctx)
{
	(void)ctx;
	assert_int_equal(json_object_set_new(doc, "hash", json_string("sha256")), 0);
}

static void test_sm3_log_bundle_verifies(void **state)
{
	struct fixture *fx = *state;
	struct mem_log *log = make_log(CRYPTO_HASH_SM3);
	struct bundle_verify_options opt = trusting(fx);
	const struct make m = {0};
	struct bundle_report r;
	struct sx_error err;
	struct buf b;

	make_bundle(&b, fx, log, &m);
	assert_non_null(strstr(b.data, "\"hash\": \"sm3\""));
	sx_error_clear(&err);
	assert_int_equal(bundle_verify(&r, b.data, b.len, &opt, &err), 0);
	assert_int_equal(r.alg, CRYPTO_HASH_SM3);
	bundle_report_free(&r);

	/* The same bundle claimed as SHA-256: its leaves no longer hash to their leaf hashes. */
	edit_bundle(&b, claim_sha256, NULL);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "leaf_hash_mismatch", "序号 1");
	buf_free(&b);
	log_free(log);
}

/* ---- tampered leaves and proofs ---- */

static void flip_data_byte(json_t *doc, void *ctx)
{
	json_t *leaf = leaf_at(doc, *(size_t *)ctx);
	char *data = sx_strdup(json_string_value(json_object_get(leaf, "data")));
	char *digit;

	assert_non_null(data);
	/* A digit of the timestamp: still canonical JSON, still the same entity. */
	digit = strstr(data, "\"at\":\"") + 6;
	*digit = *digit == '1' ? '2' : '1';
	assert_int_equal(json_object_set_new(leaf, "data", json_string(data)), 0);
	sx_free(data);
}

static void test_changed_byte_in_leaf_data_is_a_leaf_hash_mismatch(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	size_t pos = 2;
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, flip_data_byte, &pos);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "leaf_hash_mismatch", "序号 5");
	buf_free(&b);
}

static void set_leaf_hash_to_data_hash(json_t *doc, void *ctx)
{
	json_t *leaf = leaf_at(doc, *(size_t *)ctx);
	const char *data = json_string_value(json_object_get(leaf, "data"));
	struct merkle_hash h;
	char b64[64];

	assert_int_equal(merkle_leaf_hash(&h, CRYPTO_HASH_SHA256, data, strlen(data)), 0);
	assert_int_equal(codec_base64_encode(b64, sizeof(b64), h.bytes, 32), 0);
	assert_int_equal(json_object_set_new(leaf, "leaf_hash", json_string(b64)), 0);
}

static void test_changed_data_with_matching_leaf_hash_fails_inclusion(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	size_t pos = 0;
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, flip_data_byte, &pos);
	edit_bundle(&b, set_leaf_hash_to_data_hash, &pos);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "inclusion_failed", "序号 1");
	buf_free(&b);
}

static void test_dropped_hash_from_proof_path_fails_inclusion(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const struct make m = {.drop_proof_of = 4};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "inclusion_failed", "序号 8");
	buf_free(&b);
}

static void test_altered_hash_in_proof_path_fails_inclusion(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const struct make m = {.flip_proof_of = 6};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "inclusion_failed", "序号 12");
	buf_free(&b);
}

static void move_leaf(json_t *doc, void *ctx)
{
	json_t *leaf = leaf_at(doc, 0);

	(void)ctx;
	/* The event of leaf 1 claimed at index 2: its proof is for another position. */
	assert_int_equal(json_object_set_new(leaf, "index", json_integer(2)), 0);
}

static void test_leaf_claimed_at_another_index_fails_inclusion(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, move_leaf, NULL);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "inclusion_failed", "序号 2");
	buf_free(&b);
}

static void test_leaf_beyond_the_checkpoint_is_not_covered(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const uint64_t indices[] = {1, 3};
	struct merkle_hash root;
	struct buf b, note;
	const struct note_signer signers[] = {{ORIGIN, fx->ed25519}, {ORIGIN, fx->sm2}};
	struct make m = {.indices = indices, .index_count = 2, .size = 3};

	/* A checkpoint at size 3: leaf 3 came after it. */
	assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, 3, mem_read, fx->log), 0);
	sign_checkpoint_root(&note, ORIGIN, 3, &root, signers, 2);
	m.checkpoint = note.data;
	m.checkpoint_len = note.len;
	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "leaf_not_covered", "序号 3");
	buf_free(&b);
	buf_free(&note);
}

/* ---- signatures and keys ---- */

static void alter_signature(json_t *doc, void *ctx)
{
	char *note = sx_strdup(json_string_value(json_object_get(doc, "checkpoint")));
	char *line;
	char *b64;

	(void)ctx;
	assert_non_null(note);
	/* The first signature line (Ed25519): change a base64 character of the signature. */
	line = strstr(note, "\n\n") + 2;
	b64 = strchr(line + strlen("\xe2\x80\x94 "), ' ') + 20;
	*b64 = *b64 == 'A' ? 'B' : 'A';
	assert_int_equal(json_object_set_new(doc, "checkpoint", json_string(note)), 0);
	sx_free(note);
}

static void test_altered_signature_is_a_bad_signature(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, alter_signature, NULL);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "bad_signature", "检查点");
	/* The bundle's own keys catch it too. */
	expect_verify(b.data, b.len, NULL, SX_ECORRUPT, "bad_signature", NULL);
	buf_free(&b);
}

static void alter_checkpoint_size(json_t *doc, void *ctx)
{
	char *note = sx_strdup(json_string_value(json_object_get(doc, "checkpoint")));
	char *size;

	(void)ctx;
	assert_non_null(note);
	size = strchr(note, '\n') + 1;
	assert_int_equal(size[0], '1'); /* "13" becomes "12" */
	size[1] = '2';
	assert_int_equal(json_object_set_new(doc, "checkpoint", json_string(note)), 0);
	sx_free(note);
}

static void test_altered_checkpoint_text_is_a_bad_signature(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, alter_checkpoint_size, NULL);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "bad_signature", NULL);
	buf_free(&b);
}

static void test_checkpoint_signed_by_an_unknown_key_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const struct note_signer signers[] = {{ORIGIN, fx->stranger}};
	struct buf b, note;
	struct make m = {0};

	sign_checkpoint(&note, fx, fx->log, LOG_SIZE, signers, 1);
	m.checkpoint = note.data;
	m.checkpoint_len = note.len;
	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "unknown_key", "未知");
	buf_free(&b);
	buf_free(&note);
}

static void test_trusted_sm2_key_requires_an_sm2_signature(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const struct note_signer signers[] = {{ORIGIN, fx->ed25519}};
	struct buf b, note;
	struct make m = {0};

	sign_checkpoint(&note, fx, fx->log, LOG_SIZE, signers, 1);
	m.checkpoint = note.data;
	m.checkpoint_len = note.len;
	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "sm2_signature_missing", "SM2");
	/* Trusting only the Ed25519 key, the Ed25519 signature is enough. */
	opt.trusted_count = 1;
	expect_verify(b.data, b.len, &opt, 0, NULL, NULL);
	buf_free(&b);
	buf_free(&note);
}

static void test_sm2_signature_alone_verifies_when_only_sm2_is_trusted(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = {&fx->trusted[1], 1, NULL, 0};
	struct buf b;

	make_honest(&b, fx);
	expect_verify(b.data, b.len, &opt, 0, NULL, NULL);
	buf_free(&b);
}

static void break_vkey(json_t *doc, void *ctx)
{
	(void)ctx;
	assert_int_equal(json_array_set_new(json_object_get(doc, "vkeys"), 0,
					    json_string("not+a+vkey")),
			 0);
}

static void test_malformed_vkey_in_bundle_is_a_bad_key(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, break_vkey, NULL);
	expect_verify(b.data, b.len, NULL, SX_EINVALID, "bad_key", NULL);
	/* With trusted keys given, the bundle's vkeys are not used. */
	expect_verify(b.data, b.len, &opt, 0, NULL, NULL);
	buf_free(&b);
}

static void test_bundle_origin_other_than_the_checkpoints_is_wrong_origin(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const struct make m = {.origin = "other.example/log"};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "wrong_origin", NULL);
	buf_free(&b);
}

/* ---- events ---- */

static void test_event_of_another_entity_is_wrong_entity(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const uint64_t indices[] = {1, 4, 5};
	const struct make m = {.indices = indices, .index_count = 3};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "wrong_entity", "序号 4");
	buf_free(&b);
}

static void test_non_canonical_leaf_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const uint64_t indices[] = {1, LEAF_NOT_CANONICAL};
	const struct make m = {.indices = indices, .index_count = 2};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "not_canonical", "序号 6");
	buf_free(&b);
}

static void test_leaf_that_is_not_an_event_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	const uint64_t indices[] = {LEAF_NOT_EVENT};
	const struct make m = {.indices = indices, .index_count = 1};
	struct buf b;

	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "bad_event", "序号 7");
	buf_free(&b);
}

/* ---- consistency with an old checkpoint ---- */

static void verify_with_old(const struct fixture *fx, const struct make *m, const char *old,
			    size_t old_len, int want_rc, const char *want_code)
{
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	opt.old_checkpoint = old;
	opt.old_checkpoint_len = old_len;
	make_bundle(&b, fx, fx->log, m);
	expect_verify(b.data, b.len, &opt, want_rc, want_code, NULL);
	buf_free(&b);
}

static void test_old_checkpoint_consistent_with_the_bundle_passes(void **state)
{
	struct fixture *fx = *state;
	const uint64_t from[] = {2, OLD_SIZE, LOG_SIZE};
	const struct make m = {.from = from, .from_count = 3};
	struct bundle_verify_options opt = trusting(fx);
	struct bundle_report r;
	struct sx_error err;
	struct buf old, b;

	sign_both(&old, fx, fx->log, OLD_SIZE);
	opt.old_checkpoint = old.data;
	opt.old_checkpoint_len = old.len;
	make_bundle(&b, fx, fx->log, &m);
	sx_error_clear(&err);
	assert_int_equal(bundle_verify(&r, b.data, b.len, &opt, &err), 0);
	assert_true(r.old_checked);
	assert_int_equal(r.old_size, OLD_SIZE);
	assert_int_equal(r.consistency_count, 3);
	assert_int_equal(r.consistency[1].from, OLD_SIZE);
	bundle_report_free(&r);
	buf_free(&b);
	buf_free(&old);

	/* The same checkpoint as old needs no proof. */
	sign_both(&old, fx, fx->log, LOG_SIZE);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, 0, NULL);
	buf_free(&old);
}

static void test_old_checkpoint_of_same_size_and_other_root_is_a_fork(void **state)
{
	struct fixture *fx = *state;
	const struct note_signer signers[] = {{ORIGIN, fx->ed25519}, {ORIGIN, fx->sm2}};
	struct mem_log *forked = make_log(CRYPTO_HASH_SHA256); /* other timestamps, other root */
	struct buf old;

	sign_checkpoint(&old, fx, forked, LOG_SIZE, signers, 2);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, SX_ECORRUPT, "fork_detected");
	buf_free(&old);
	log_free(forked);
}

static void test_old_checkpoint_of_smaller_forked_tree_is_a_fork(void **state)
{
	struct fixture *fx = *state;
	struct mem_log *forked = make_log(CRYPTO_HASH_SHA256);
	const uint64_t from[] = {OLD_SIZE};
	const struct make m = {.from = from, .from_count = 1};
	struct buf old;

	sign_both(&old, fx, forked, OLD_SIZE);
	verify_with_old(fx, &m, old.data, old.len, SX_ECORRUPT, "fork_detected");
	buf_free(&old);
	log_free(forked);
}

static void test_consistency_proof_that_does_not_verify_fails(void **state)
{
	struct fixture *fx = *state;
	const uint64_t from[] = {OLD_SIZE};
	const struct make m = {.from = from, .from_count = 1, .flip_consistency = true};
	struct buf old;

	sign_both(&old, fx, fx->log, OLD_SIZE);
	verify_with_old(fx, &m, old.data, old.len, SX_ECORRUPT, "consistency_failed");
	/* Even without an old checkpoint a broken proof in the bundle fails. */
	verify_with_old(fx, &m, NULL, 0, SX_ECORRUPT, "consistency_failed");
	buf_free(&old);
}

static void test_old_checkpoint_without_a_proof_from_its_size_fails(void **state)
{
	struct fixture *fx = *state;
	const uint64_t from[] = {OLD_SIZE + 1};
	const struct make m = {.from = from, .from_count = 1};
	struct buf old;

	sign_both(&old, fx, fx->log, OLD_SIZE);
	verify_with_old(fx, &m, old.data, old.len, SX_ECORRUPT, "consistency_missing");
	buf_free(&old);
}

static void test_old_checkpoint_newer_than_the_bundle_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct mem_log *longer = make_log(CRYPTO_HASH_SHA256);
	struct buf old;

	log_event(longer, "case.extra", CASE_B, "{}");
	sign_both(&old, fx, longer, LOG_SIZE + 1);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, SX_ECONFLICT,
			"old_checkpoint_newer");
	buf_free(&old);
	log_free(longer);
}

static void test_old_checkpoint_of_another_log_or_signer_is_refused(void **state)
{
	struct fixture *fx = *state;
	const struct note_signer signers[] = {{"other.example/log", fx->ed25519}};
	const struct note_signer stranger[] = {{ORIGIN, fx->stranger}};
	const struct note_signer both[] = {{ORIGIN, fx->ed25519}, {ORIGIN, fx->sm2}};
	struct merkle_hash root;
	struct buf old;

	/* Another origin, signed by a key named for it: not a trusted key. */
	assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, OLD_SIZE, mem_read, fx->log), 0);
	sign_checkpoint_root(&old, "other.example/log", OLD_SIZE, &root, signers, 1);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, SX_ECORRUPT, "unknown_key");
	buf_free(&old);
	/* Another origin signed by the trusted keys. */
	sign_checkpoint_root(&old, "other.example/log", OLD_SIZE, &root, both, 2);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, SX_ECORRUPT, "wrong_origin");
	buf_free(&old);
	sign_checkpoint(&old, fx, fx->log, OLD_SIZE, stranger, 1);
	verify_with_old(fx, &(struct make){0}, old.data, old.len, SX_ECORRUPT, "unknown_key");
	buf_free(&old);
	verify_with_old(fx, &(struct make){0}, "not a note", 10, SX_EINVALID,
			"checkpoint_malformed");
}

static void test_old_checkpoint_of_another_origin_is_wrong_origin(void **state)
{
	struct fixture *fx = *state;
	struct crypto_sign_key *ed = fx->ed25519;
	struct note_verifier v[3];
	struct bundle_verify_options opt;
	const struct note_signer signers[] = {{"other.example/log", ed}};
	struct merkle_hash root;
	struct buf old, b;

	/* The caller trusts a key named for the other log as well. */
	v[0] = fx->trusted[0];
	v[1] = fx->trusted[1];
	assert_int_equal(note_verifier_from_key(&v[2], "other.example/log", ed), 0);
	assert_int_equal(merkle_root(&root, CRYPTO_HASH_SHA256, OLD_SIZE, mem_read, fx->log), 0);
	sign_checkpoint_root(&old, "other.example/log", OLD_SIZE, &root, signers, 1);
	memset(&opt, 0, sizeof(opt));
	opt.trusted = v;
	opt.trusted_count = 3;
	opt.old_checkpoint = old.data;
	opt.old_checkpoint_len = old.len;
	/* Trusting an SM2 key means the old checkpoint needs an SM2 signature too. */
	make_honest(&b, fx);
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "sm2_signature_missing", "旧检查点");
	v[1] = v[2];
	opt.trusted_count = 2;
	expect_verify(b.data, b.len, &opt, SX_ECORRUPT, "wrong_origin", "旧检查点");
	buf_free(&b);
	buf_free(&old);
	note_verifier_free(&v[2]);
}

/* ---- malformed bundles ---- */

struct malformed_case {
	const char *name;
	const char *find;    /* replaced in the honest bundle (first occurrence) */
	const char *replace;
	int rc;
	const char *code;
};

static const struct malformed_case malformed_cases[] = {
	{"not json", "{", "[", SX_EINVALID, "bad_bundle"},
	{"another format version", "sanxiang-proof-bundle/1", "sanxiang-proof-bundle/2",
	 SX_EUNSUPPORTED, "unsupported_format"},
	{"unknown field", "\"format\"", "\"extra\": 1, \"format\"", SX_EINVALID, "bad_bundle"},
	{"duplicate field", "\"format\"", "\"hash\": \"sha256\", \"format\"", SX_EINVALID,
	 "bad_bundle"},
	{"unknown hash", "\"sha256\"", "\"md5\"", SX_EINVALID, "bad_bundle"},
	{"real index", "\"index\": 1,", "\"index\": 1.0,", SX_EINVALID, "bad_bundle"},
	{"negative index", "\"index\": 1,", "\"index\": -1,", SX_EINVALID, "bad_bundle"},
	{"leaves out of order", "\"index\": 3,", "\"index\": 1,", SX_EINVALID, "bad_bundle"},
	{"unknown leaf field", "\"index\": 1,", "\"index\": 1, \"note\": 0,", SX_EINVALID,
	 "bad_bundle"},
	{"leaf hash not base64", "\"leaf_hash\": \"", "\"leaf_hash\": \"*", SX_EINVALID,
	 "bad_bundle"},
	{"pending before checkpoint", "\"pending\": [", "\"pending\": [2, ", SX_EINVALID,
	 "bad_bundle"},
	{"checkpoint not a note", "\"checkpoint\": \"", "\"checkpoint\": \"x", SX_ECORRUPT,
	 "bad_signature"},
	{"empty entity", "\"entity\": \"" CASE_A "\"", "\"entity\": \"\"", SX_EINVALID,
	 "bad_bundle"},
};

static void test_malformed_bundles_are_refused_with_their_code(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf honest;

	make_honest(&honest, fx);
	for (size_t i = 0; i < ARRAY_LEN(malformed_cases); i++) {
		const struct malformed_case *c = &malformed_cases[i];
		const char *at = strstr(honest.data, c->find);
		struct buf b;

		if (at == NULL)
			fail_msg("case %s: \"%s\" not in the bundle", c->name, c->find);
		buf_init(&b, BUNDLE_MAX_BYTES);
		assert_int_equal(buf_append(&b, honest.data, (size_t)(at - honest.data)), 0);
		assert_int_equal(buf_append_str(&b, c->replace), 0);
		assert_int_equal(buf_append_str(&b, at + strlen(c->find)), 0);
		print_message("case %s\n", c->name);
		expect_verify(b.data, b.len, &opt, c->rc, c->code, NULL);
		buf_free(&b);
	}
	expect_verify(NULL, 0, &opt, SX_EINVALID, "bad_bundle", NULL);
	buf_free(&honest);
}

static void empty_leaves(json_t *doc, void *ctx)
{
	(void)ctx;
	assert_int_equal(json_object_set_new(doc, "leaves", json_array()), 0);
}

static void test_bundle_without_leaves_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b;

	make_honest(&b, fx);
	edit_bundle(&b, empty_leaves, NULL);
	expect_verify(b.data, b.len, &opt, SX_EINVALID, "bad_bundle", "没有条目");
	buf_free(&b);
}

static void test_checkpoint_that_is_not_a_signed_note_is_malformed(void **state)
{
	/* A change inside the signed text is a bad signature ("checkpoint not a note" above); a
	 * checkpoint without signature lines is not a note at all. */
	struct fixture *fx = *state;
	struct bundle_verify_options opt = trusting(fx);
	struct buf b, note;
	struct make m = {0};

	buf_init(&note, NOTE_MAX_BYTES);
	assert_int_equal(buf_append_str(&note, ORIGIN "\n13\nAAAA\n"), 0);
	m.checkpoint = note.data;
	m.checkpoint_len = note.len;
	make_bundle(&b, fx, fx->log, &m);
	expect_verify(b.data, b.len, &opt, SX_EINVALID, "checkpoint_malformed", NULL);
	buf_free(&b);
	buf_free(&note);
}

static void test_build_refuses_parts_it_cannot_write(void **state)
{
	struct fixture *fx = *state;
	const char *vkeys[] = {fx->vkeys[0]};
	struct merkle_hash proof[1];
	struct bundle_leaf leaves[2] = {
		{1, fx->log->leaves[1], fx->log->leaf_len[1], proof, 0},
		{3, fx->log->leaves[3], fx->log->leaf_len[3], proof, 0},
	};
	struct bundle_parts good = {CRYPTO_HASH_SHA256, ORIGIN, CASE_A, "note\n", 5, vkeys, 1,
				    leaves, 2, NULL, 0, NULL, 0};
	struct bundle_parts p;
	struct bundle_leaf bad_leaves[2];
	struct sx_error err;
	struct buf b;

	memset(proof, 0, sizeof(proof));
	buf_init(&b, BUNDLE_MAX_BYTES);
	assert_int_equal(bundle_build(&b, &good, NULL), 0);
	buf_free(&b);

	p = good;
	p.leaf_count = 0;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_bundle");
	p = good;
	p.alg = (enum crypto_hash_alg)9;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	p = good;
	p.entity = "";
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	p = good;
	memcpy(bad_leaves, leaves, sizeof(leaves));
	bad_leaves[1].index = 1; /* twice */
	p.leaves = bad_leaves;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	bad_leaves[1].index = (uint64_t)INT64_MAX + 1;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	memcpy(bad_leaves, leaves, sizeof(leaves));
	bad_leaves[0].data = "{\"a\":\"\xff\"}";
	bad_leaves[0].data_len = strlen(bad_leaves[0].data);
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	bad_leaves[0].data = "a\0b";
	bad_leaves[0].data_len = 3;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	memcpy(bad_leaves, leaves, sizeof(leaves));
	bad_leaves[0].proof_len = MERKLE_MAX_PROOF + 1;
	assert_int_equal(bundle_build(&b, &p, &err), SX_EINVALID);
	p = good;
	p.vkey_count = BUNDLE_MAX_VKEYS + 1;
	assert_int_equal(bundle_build(&b, &p, &err), SX_ETOOBIG);
	assert_int_equal(bundle_build(NULL, &good, &err), SX_EINVALID);
	assert_int_equal(bundle_build(&b, NULL, &err), SX_EINVALID);
	assert_int_equal(b.len, 0);

	/* A cap too small: out is left as it was. */
	buf_init(&b, 64);
	assert_int_equal(buf_append_str(&b, "keep"), 0);
	assert_int_equal(bundle_build(&b, &good, &err), SX_ETOOBIG);
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

static void test_verify_refuses_bad_trusted_keys(void **state)
{
	struct fixture *fx = *state;
	struct note_verifier twice[2] = {fx->trusted[0], fx->trusted[0]};
	struct bundle_verify_options opt = {twice, 2, NULL, 0};
	struct buf b;

	make_honest(&b, fx);
	expect_verify(b.data, b.len, &opt, SX_EINVALID, "bad_key", NULL);
	opt.trusted = NULL;
	expect_verify(b.data, b.len, &opt, SX_EINVALID, "bad_key", NULL);
	assert_int_equal(bundle_verify(NULL, b.data, b.len, &opt, NULL), SX_EINVALID);
	buf_free(&b);
}

/* ---- allocation failure ---- */

static void test_build_and_verify_clean_up_when_allocation_fails(void **state)
{
	struct fixture *fx = *state;
	const uint64_t from[] = {OLD_SIZE};
	const struct make m = {.from = from, .from_count = 1};
	struct bundle_verify_options opt = trusting(fx);
	struct buf honest, old;
	int rc;

	make_bundle(&honest, fx, fx->log, &m);
	sign_both(&old, fx, fx->log, OLD_SIZE);
	opt.old_checkpoint = old.data;
	opt.old_checkpoint_len = old.len;
	for (int use_bundle_keys = 0; use_bundle_keys < 2; use_bundle_keys++) {
		for (long n = 0;; n++) {
			struct bundle_report r;
			struct sx_error err;

			sx_error_clear(&err);
			sx_mem_fail_after(n);
			rc = bundle_verify(&r, honest.data, honest.len,
					   use_bundle_keys ? NULL : &opt, &err);
			sx_mem_fail_after(-1);
			bundle_report_free(&r);
			if (rc == 0)
				break;
			assert_int_equal(rc, SX_ENOMEM);
			assert_true(n < 1000);
		}
	}

	/* Building allocates only through buf and leaf hashing; jansson is not hooked. */
	for (long n = 0;; n++) {
		struct buf again;

		buf_init(&again, BUNDLE_MAX_BYTES);
		sx_mem_fail_after(n);
		rc = bundle_build(&again, &(struct bundle_parts){
			CRYPTO_HASH_SHA256, ORIGIN, CASE_A, old.data, old.len, NULL, 0,
			&(struct bundle_leaf){1, fx->log->leaves[1], fx->log->leaf_len[1], NULL, 0},
			1, NULL, 0, NULL, 0}, NULL);
		sx_mem_fail_after(-1);
		if (rc == 0) {
			assert_true(again.len > 0);
			buf_free(&again);
			break;
		}
		assert_int_equal(rc, SX_ENOMEM);
		assert_int_equal(again.len, 0);
		assert_true(n < 1000);
	}
	buf_free(&honest);
	buf_free(&old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundle_of_a_case_verifies_against_trusted_keys),
		cmocka_unit_test(test_bundle_format_is_the_documented_json),
		cmocka_unit_test(test_bundle_verifies_with_its_own_keys_but_says_they_are_unproven),
		cmocka_unit_test(test_sm3_log_bundle_verifies),
		cmocka_unit_test(test_changed_byte_in_leaf_data_is_a_leaf_hash_mismatch),
		cmocka_unit_test(test_changed_data_with_matching_leaf_hash_fails_inclusion),
		cmocka_unit_test(test_dropped_hash_from_proof_path_fails_inclusion),
		cmocka_unit_test(test_altered_hash_in_proof_path_fails_inclusion),
		cmocka_unit_test(test_leaf_claimed_at_another_index_fails_inclusion),
		cmocka_unit_test(test_leaf_beyond_the_checkpoint_is_not_covered),
		cmocka_unit_test(test_altered_signature_is_a_bad_signature),
		cmocka_unit_test(test_altered_checkpoint_text_is_a_bad_signature),
		cmocka_unit_test(test_checkpoint_signed_by_an_unknown_key_is_refused),
		cmocka_unit_test(test_trusted_sm2_key_requires_an_sm2_signature),
		cmocka_unit_test(test_sm2_signature_alone_verifies_when_only_sm2_is_trusted),
		cmocka_unit_test(test_malformed_vkey_in_bundle_is_a_bad_key),
		cmocka_unit_test(test_bundle_origin_other_than_the_checkpoints_is_wrong_origin),
		cmocka_unit_test(test_event_of_another_entity_is_wrong_entity),
		cmocka_unit_test(test_non_canonical_leaf_is_refused),
		cmocka_unit_test(test_leaf_that_is_not_an_event_is_refused),
		cmocka_unit_test(test_old_checkpoint_consistent_with_the_bundle_passes),
		cmocka_unit_test(test_old_checkpoint_of_same_size_and_other_root_is_a_fork),
		cmocka_unit_test(test_old_checkpoint_of_smaller_forked_tree_is_a_fork),
		cmocka_unit_test(test_consistency_proof_that_does_not_verify_fails),
		cmocka_unit_test(test_old_checkpoint_without_a_proof_from_its_size_fails),
		cmocka_unit_test(test_old_checkpoint_newer_than_the_bundle_is_refused),
		cmocka_unit_test(test_old_checkpoint_of_another_log_or_signer_is_refused),
		cmocka_unit_test(test_old_checkpoint_of_another_origin_is_wrong_origin),
		cmocka_unit_test(test_malformed_bundles_are_refused_with_their_code),
		cmocka_unit_test(test_bundle_without_leaves_is_refused),
		cmocka_unit_test(test_checkpoint_that_is_not_a_signed_note_is_malformed),
		cmocka_unit_test(test_build_refuses_parts_it_cannot_write),
		cmocka_unit_test(test_verify_refuses_bad_trusted_keys),
		cmocka_unit_test(test_build_and_verify_clean_up_when_allocation_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
