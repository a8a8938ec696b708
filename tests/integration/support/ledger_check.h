/*
 * ledger_check — an auditor's view of the tamper-evident log for the
 * integration tests: it fetches the signed checkpoint, the verifier keys and
 * the entry bundles over HTTP and verifies them from the outside.
 *
 * Everything here is written out independently of src/ledger, so that a bug
 * there cannot hide itself: leaf and node hashes with OpenSSL's SHA-256, tree
 * heads straight from the definition (RFC 6962 §2.1), inclusion and
 * consistency proofs with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2,
 * Ed25519 and SM2 signatures with OpenSSL against the keys of GET
 * /ledger/keys. Only base64 comes from base/codec.
 *
 * Invariants: the fetching and parsing functions are cmocka checks — what
 * the server sends must be well-formed, or the calling test fails with a
 * message that says what was wrong; they return only what a test goes on to
 * compare. The verifiers (…_verifies) never fail a test themselves: they
 * answer whether a proof or signature holds, so that a test can also show
 * that a wrong one does not. Everything allocated goes through base/mem and
 * is freed by this module's …_free functions.
 *
 * What this does not do: it does not decide what the log ought to hold (the
 * tests do), does not cache, and does not verify tiles of hashes beyond
 * naming them (ledger_check_tile_url).
 *
 * Spec: c2sp.org/tlog-checkpoint, c2sp.org/signed-note, c2sp.org/tlog-tiles,
 * RFC 6962 §2.1, RFC 9162 §2.1.3.2 and §2.1.4.2, RFC 8032 (Ed25519),
 * GB/T 32918 and GM/T 0009 (SM2 with SM3, distinguishing ID 1234567812345678).
 */
#ifndef SX_LEDGER_CHECK_H
#define SX_LEDGER_CHECK_H

#include "itest.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEDGER_CHECK_HASH_BYTES 32
#define LEDGER_CHECK_TILE_WIDTH 256 /* leaves of a full tile or entry bundle */
#define LEDGER_CHECK_MAX_PROOF 64   /* hashes in a proof of a tree below 2^64 leaves */
#define LEDGER_CHECK_MAX_SIGS 8     /* signature lines of a checkpoint */
#define LEDGER_CHECK_NAME_MAX_BYTES 256
/* The type name inside SM2 key material (ledger/note.h). */
#define LEDGER_CHECK_SM2_TYPE_NAME "sanxiang/sm2-sm3/v1"

struct ledger_check_hash {
	unsigned char bytes[LEDGER_CHECK_HASH_BYTES];
};

/* One signature line of a note: "— <name> base64(key ID || signature)". */
struct ledger_check_sig_line {
	char name[LEDGER_CHECK_NAME_MAX_BYTES];
	uint32_t key_id;
	unsigned char sig[160];
	size_t sig_len; /* bytes of sig, without the key ID */
};

/* GET /ledger/checkpoint, parsed. */
struct ledger_check_checkpoint {
	char *note;      /* the whole body, NUL-terminated; ledger_check_checkpoint_free */
	size_t note_len; /* bytes of note */
	size_t text_len; /* bytes of the signed text (up to the blank line, with its '\n') */
	char origin[LEDGER_CHECK_NAME_MAX_BYTES];
	uint64_t size; /* leaves */
	struct ledger_check_hash root;
	struct ledger_check_sig_line sigs[LEDGER_CHECK_MAX_SIGS];
	size_t sig_count;
};

/* One line of GET /ledger/keys: "<name>+<hex key ID>+base64(type || key)". */
struct ledger_check_vkey {
	char name[LEDGER_CHECK_NAME_MAX_BYTES];
	uint32_t key_id;
	unsigned char material[128]; /* type byte (0x01 Ed25519, 0xff other), then the key */
	size_t material_len;
};

/* The log's leaves 0..count-1, from the entry bundles. */
struct ledger_check_entries {
	char **data;                    /* data[i]: entry i, NUL-terminated copy */
	size_t *len;                    /* bytes of data[i] */
	struct ledger_check_hash *leaf; /* SHA-256(0x00 || data[i]) */
	uint64_t count;
};

/* ---- hashes and proofs (RFC 6962, RFC 9162) ---------------------------------------------- */

/* RFC 6962 §2.1: leaf hash H(0x00 || data[0..len)). Fails the test if OpenSSL fails. */
void ledger_check_leaf_hash(struct ledger_check_hash *out, const void *data, size_t len);

/* RFC 6962 §2.1: node hash H(0x01 || left || right); out may alias either. */
void ledger_check_node_hash(struct ledger_check_hash *out, const struct ledger_check_hash *left,
                            const struct ledger_check_hash *right);

/* Whether a and b are the same hash. */
bool ledger_check_hashes_equal(const struct ledger_check_hash *a,
                               const struct ledger_check_hash *b);

/*
 * MTH(leaves[0..n)) of RFC 6962 §2.1, straight from the recursive definition.
 * leaves are leaf hashes; n >= 1.
 */
void ledger_check_tree_hash(struct ledger_check_hash *out, const struct ledger_check_hash *leaves,
                            uint64_t n);

/*
 * RFC 9162 §2.1.3.2: whether path[0..path_len) proves that leaf is leaf
 * `index` of the tree of `size` leaves whose root is root. False for
 * index >= size.
 */
bool ledger_check_inclusion_verifies(uint64_t index, uint64_t size,
                                     const struct ledger_check_hash *leaf,
                                     const struct ledger_check_hash *path, size_t path_len,
                                     const struct ledger_check_hash *root);

/*
 * RFC 9162 §2.1.4.2: whether proof[0..proof_len) proves that the tree of
 * `first` leaves (root first_hash) is a prefix of the tree of `second` leaves
 * (root second_hash). Equal sizes need an empty proof and equal roots; first
 * must be >= 1 and proof_len <= LEDGER_CHECK_MAX_PROOF, or the answer is no.
 */
bool ledger_check_consistency_verifies(uint64_t first, uint64_t second,
                                       const struct ledger_check_hash *first_hash,
                                       const struct ledger_check_hash *second_hash,
                                       const struct ledger_check_hash *proof, size_t proof_len);

/*
 * Whether text[0..len) is padded base64 of exactly one hash; if so, *out
 * holds it (otherwise *out is unspecified).
 */
bool ledger_check_hash_decodes(struct ledger_check_hash *out, const char *text, size_t len);

/* The JSON string member `member` of obj as a hash; fails the test if it is not one. */
void ledger_check_json_hash(struct ledger_check_hash *out, const json_t *obj, const char *member);

/*
 * The "proof" array of a proof answer into out[0..LEDGER_CHECK_MAX_PROOF).
 * Returns the number of hashes; fails the test if "proof" is not an array of
 * at most LEDGER_CHECK_MAX_PROOF base64 hashes.
 */
size_t ledger_check_json_proof(struct ledger_check_hash *out, const json_t *answer);

/* ---- checkpoint and keys (c2sp.org/tlog-checkpoint, c2sp.org/signed-note) ---------------- */

/*
 * Parses a signed note holding a checkpoint, note[0..len): origin, canonical
 * decimal size and base64 root, no extension lines, a blank line, then
 * signature lines "— name base64(key ID || sig)" (at most
 * LEDGER_CHECK_MAX_SIGS). Fails the test if the note is not one. *out owns a
 * copy of the note: free it with ledger_check_checkpoint_free.
 */
void ledger_check_checkpoint_parse(struct ledger_check_checkpoint *out, const char *note,
                                   size_t len);

/* Frees what cp holds and zeroes it; a zeroed cp is fine. */
void ledger_check_checkpoint_free(struct ledger_check_checkpoint *cp);

/*
 * GET /ledger/checkpoint once. Returns the HTTP status; on 200 *out is the
 * parsed checkpoint (ledger_check_checkpoint_free), otherwise zeroed.
 */
long ledger_check_checkpoint_fetch(struct ledger_check_checkpoint *out, struct itest_client *c);

/*
 * Polls GET /ledger/checkpoint until it covers at least min_size leaves, for
 * at most 30 s (the server publishes at most once a second); fails the test
 * after that. *out as ledger_check_checkpoint_fetch.
 */
void ledger_check_checkpoint_wait(struct ledger_check_checkpoint *out, struct itest_client *c,
                                  uint64_t min_size);

/*
 * GET /ledger/keys: asserts status 200, text/plain; charset=utf-8, exactly two
 * lines, a lower-case hex key ID that equals SHA-256(name || "\n" ||
 * material)[:4] on each, and fills out[0..2) in the server's order.
 * body: when not NULL, *body gets a copy of the whole answer (sx_free), for
 * comparing the keys across restarts byte for byte.
 */
void ledger_check_keys_fetch(struct ledger_check_vkey out[2], char **body, struct itest_client *c);

/*
 * Whether signature line s is by key k (same name and key ID) and verifies
 * over text[0..len): Ed25519 for material type 0x01, SM2 with SM3 and the
 * default distinguishing ID for LEDGER_CHECK_SM2_TYPE_NAME material.
 */
bool ledger_check_sig_verifies(const struct ledger_check_vkey *k,
                               const struct ledger_check_sig_line *s, const char *text, size_t len);

/* ---- tiles and entry bundles (c2sp.org/tlog-tiles) ---------------------------------------- */

/*
 * Writes "/ledger/tile/<level>/<N>[.p/<W>]" to out[0..size): level "0", "1", …
 * or "entries" for a bundle; N in x-prefixed groups of three digits
 * (1234067 -> x001/x234/067); ".p/<W>" when width < LEDGER_CHECK_TILE_WIDTH.
 * Fails the test if out is too small for the index.
 */
void ledger_check_tile_url(char *out, size_t size, const char *level, uint64_t index, int width);

/* The width of tile `index` of a tree of `size` leaves (index * 256 < size). */
int ledger_check_tile_width_at(uint64_t size, uint64_t index);

/*
 * Fetches entries 0..size-1 from the entry bundles of a tree of `size` leaves
 * (size >= 1): every bundle must answer 200 and hold exactly its width of
 * length-prefixed entries, nothing after them. Fails the test otherwise.
 * *out: ledger_check_entries_free.
 */
void ledger_check_entries_fetch(struct ledger_check_entries *out, struct itest_client *c,
                                uint64_t size);

/* Frees what e holds and zeroes it; a zeroed e is fine. */
void ledger_check_entries_free(struct ledger_check_entries *e);

/*
 * Entry i (< e->count) parsed as JSON, duplicate keys rejected; fails the test
 * if it is not a JSON object. The caller owns the result (json_decref).
 */
json_t *ledger_check_entry_json(const struct ledger_check_entries *e, uint64_t i);

#endif
