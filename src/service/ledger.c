/*
 * service/ledger — see ledger.h. Key files in the key folder:
 *   ledger-ed25519.pem   Ed25519 private key (PKCS#8 PEM, mode 0600)
 *   ledger-sm2.pem       SM2 private key (PKCS#8 PEM, mode 0600)
 * Both sign every checkpoint under the log's origin as key name.
 */
#include "service/ledger.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/id.h"
#include "base/log.h"
#include "base/mem.h"
#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/event.h"
#include "ledger/note.h"
#include "ledger/tile.h"

#define LEDGER_ED25519_FILE "ledger-ed25519.pem"
#define LEDGER_SM2_FILE "ledger-sm2.pem"
#define LEDGER_NOTE_MAX (64u * 1024)

struct service_ledger {
	enum crypto_hash_alg alg;
	char hash_name[16];
	char origin[256];
	struct crypto_sign_key *ed25519;
	struct crypto_sign_key *sm2;
};

static int ledger__key_path(char *out, size_t size, const char *dir, const char *file)
{
	if (snprintf(out, size, "%s/%s", dir, file) >= (int)size)
		return SX_ETOOBIG;
	return 0;
}

int service_ledger_default_key_dir(char *out, size_t out_size, const char *db)
{
	if (store_dsn_is_postgresql(db))
		return SX_EINVALID;
	if (snprintf(out, out_size, "%s.keys", db) >= (int)out_size)
		return SX_ETOOBIG;
	return 0;
}

static int ledger__make_key(const char *dir, const char *file, enum crypto_sign_alg alg,
			    struct sx_error *err)
{
	struct crypto_sign_key *key = NULL;
	char path[4096];
	int rc;

	if (ledger__key_path(path, sizeof(path), dir, file) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_key_dir", "密钥目录路径过长");
	if ((rc = crypto_sign_key_generate(&key, alg)) < 0)
		return sx_error_set(err, rc, NULL, "无法生成签名密钥");
	rc = crypto_sign_key_save_private(key, path, err);
	crypto_sign_key_free(key);
	return rc;
}

int service_ledger_init(const struct service *svc, const struct service_ledger_init_options *opt,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	enum crypto_hash_alg alg;
	const char *hash_name = opt->hash_name ? opt->hash_name : "sha256";
	char origin[256];
	struct buf event;
	uint64_t first_index = 0;
	bool keys_made = false;
	int rc;

	buf_init(&event, 1024);
	if (crypto_hash_from_name(&alg, hash_name) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_ledger_hash",
				    "日志哈希算法须为 sha256 或 sm3");
	if (opt->origin) {
		if (opt->origin[0] == '\0' || strlen(opt->origin) >= sizeof(origin) ||
		    strpbrk(opt->origin, " \t\r\n+") != NULL)
			return sx_error_set(err, SX_EINVALID, "bad_ledger_origin",
					    "日志来源名称无效（不能为空、不能含空白或“+”）");
		snprintf(origin, sizeof(origin), "%s", opt->origin);
	} else {
		char id[SX_ID_LEN + 1];

		if ((rc = sx_id_new(id)) < 0)
			return sx_error_set(err, rc, NULL, NULL);
		snprintf(origin, sizeof(origin), "sanxiang.local/%s", id);
	}
	if (mkdir(opt->key_dir, 0700) < 0 && errno != EEXIST)
		return sx_error_setf(err, SX_EIO, "bad_key_dir", "无法创建密钥目录", "mkdir %s: %s",
				     opt->key_dir, strerror(errno));
	if ((rc = ledger__make_key(opt->key_dir, LEDGER_ED25519_FILE, CRYPTO_SIGN_ED25519, err)) < 0)
		return rc;
	keys_made = true;
	if ((rc = ledger__make_key(opt->key_dir, LEDGER_SM2_FILE, CRYPTO_SIGN_SM2, err)) < 0)
		goto cleanup;

	if ((rc = buf_append_str(&event, "{\"hash\":")) < 0 ||
	    (rc = buf_append_json_string(&event, hash_name, strlen(hash_name))) < 0 ||
	    (rc = buf_append_str(&event, ",\"origin\":")) < 0 ||
	    (rc = buf_append_json_string(&event, origin, strlen(origin))) < 0 ||
	    (rc = buf_append_char(&event, '}')) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	if ((rc = store_ledger_meta_init(tx, hash_name, origin, err)) < 0 ||
	    (rc = ledger_event_append(&first_index, store_ledger_storage(), tx, alg, "ledger.init",
				      "ledger", event.data, event.len, err)) < 0)
		goto cleanup;
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	buf_free(&event);
	if (rc < 0 && keys_made) {
		/* Keys of a log that was never created would block the next try. */
		char path[4096];

		if (ledger__key_path(path, sizeof(path), opt->key_dir, LEDGER_ED25519_FILE) == 0)
			unlink(path);
		if (ledger__key_path(path, sizeof(path), opt->key_dir, LEDGER_SM2_FILE) == 0)
			unlink(path);
	}
	return rc;
}

int service_ledger_open(struct service *svc, const char *key_dir, struct sx_error *err)
{
	struct service_ledger *l = NULL;
	struct store_tx *tx = NULL;
	struct store_ledger_meta meta;
	char path[4096];
	int rc;

	l = sx_calloc(1, sizeof(*l));
	if (l == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		goto cleanup;
	rc = store_ledger_meta_get(&meta, tx, err);
	store_rollback(tx);
	if (rc < 0)
		goto cleanup;
	if (crypto_hash_from_name(&l->alg, meta.hash_name) < 0) {
		rc = sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "ledger hash %s", meta.hash_name);
		goto cleanup;
	}
	snprintf(l->hash_name, sizeof(l->hash_name), "%s", meta.hash_name);
	snprintf(l->origin, sizeof(l->origin), "%s", meta.origin);
	if ((rc = ledger__key_path(path, sizeof(path), key_dir, LEDGER_ED25519_FILE)) < 0 ||
	    (rc = crypto_sign_key_load_private(&l->ed25519, path, err)) < 0)
		goto cleanup;
	if ((rc = ledger__key_path(path, sizeof(path), key_dir, LEDGER_SM2_FILE)) < 0 ||
	    (rc = crypto_sign_key_load_private(&l->sm2, path, err)) < 0)
		goto cleanup;
	svc->ledger = l;
	l = NULL;
cleanup:
	if (l) {
		crypto_sign_key_free(l->ed25519);
		crypto_sign_key_free(l->sm2);
		sx_free(l);
	}
	return rc;
}

void service_ledger_close(struct service *svc)
{
	if (svc->ledger == NULL)
		return;
	crypto_sign_key_free(svc->ledger->ed25519);
	crypto_sign_key_free(svc->ledger->sm2);
	sx_free(svc->ledger);
	svc->ledger = NULL;
}

int service_ledger_record(uint64_t *index, const struct service *svc, struct store_tx *tx,
			  const char *kind, const char *entity_id, const char *data_json,
			  struct sx_error *err)
{
	enum crypto_hash_alg alg;
	uint64_t ignored;
	int rc;

	if (svc->ledger) {
		alg = svc->ledger->alg;
	} else {
		/* Commands that do not serve still record events; the hash is
		 * whatever the log was created with. */
		struct store_ledger_meta meta;

		if ((rc = store_ledger_meta_get(&meta, tx, err)) < 0)
			return rc;
		if (crypto_hash_from_name(&alg, meta.hash_name) < 0)
			return sx_error_set(err, SX_ECORRUPT, NULL, NULL);
	}
	return ledger_event_append(index ? index : &ignored, store_ledger_storage(), tx, alg, kind,
				   entity_id, data_json, strlen(data_json), err);
}

int service_ledger_record_fields(uint64_t *index, const struct service *svc, struct store_tx *tx,
				 const char *kind, const char *entity_id,
				 const char *const *fields, struct sx_error *err)
{
	struct buf json;
	int rc;

	buf_init(&json, LEDGER_LEAF_MAX_BYTES);
	rc = buf_append_char(&json, '{');
	for (size_t i = 0; rc == 0 && fields[i] && fields[i + 1]; i += 2) {
		if (i > 0)
			rc = buf_append_char(&json, ',');
		if (rc == 0)
			rc = buf_append_json_string(&json, fields[i], strlen(fields[i]));
		if (rc == 0)
			rc = buf_append_char(&json, ':');
		if (rc == 0)
			rc = buf_append_json_string(&json, fields[i + 1], strlen(fields[i + 1]));
	}
	if (rc == 0)
		rc = buf_append_char(&json, '}');
	if (rc == 0)
		rc = service_ledger_record(index, svc, tx, kind, entity_id, json.data, err);
	else
		sx_error_set(err, rc, NULL, NULL);
	buf_free(&json);
	return rc;
}

static int ledger__read_hash(struct merkle_hash *out, int level, uint64_t index, void *ctx)
{
	return store_ledger_hash_get(out->bytes, ctx, level, index, NULL);
}

int service_ledger_publish(uint64_t *size_out, const struct service *svc, struct sx_error *err)
{
	const struct service_ledger *l = svc->ledger;
	struct store_tx *tx = NULL;
	struct store_ledger_checkpoint last;
	struct checkpoint cp;
	struct merkle_hash root;
	struct buf body, note;
	uint64_t size = 0;
	bool have_last = false;
	int rc;

	if (l == NULL)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	memset(&last, 0, sizeof(last));
	buf_init(&body, LEDGER_NOTE_MAX);
	buf_init(&note, LEDGER_NOTE_MAX);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		goto cleanup;
	if ((rc = store_ledger_size(&size, tx, err)) < 0)
		goto cleanup;
	rc = store_ledger_checkpoint_latest(&last, tx, err);
	if (rc == 0)
		have_last = true;
	else if (rc != SX_ENOTFOUND)
		goto cleanup;
	rc = 0;
	if (have_last && last.size >= size) {
		size = last.size;
		goto cleanup;
	}
	if ((rc = merkle_root(&root, l->alg, size, ledger__read_hash, tx)) < 0) {
		rc = sx_error_setf(err, rc, NULL, NULL, "ledger root at %llu",
				   (unsigned long long)size);
		goto cleanup;
	}
	store_rollback(tx);
	tx = NULL;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", l->origin);
	cp.size = size;
	memcpy(cp.root, root.bytes, sizeof(cp.root));
	{
		const struct note_signer signers[] = {
			{l->origin, l->ed25519},
			{l->origin, l->sm2},
		};

		if ((rc = checkpoint_format(&body, &cp)) < 0 ||
		    (rc = note_sign(&note, body.data, body.len, signers, 2)) < 0) {
			rc = sx_error_set(err, rc, NULL, "无法签署检查点");
			goto cleanup;
		}
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	rc = store_ledger_checkpoint_insert(tx, size, root.bytes, note.data, err);
	if (rc == SX_EEXISTS) {
		/* Another publisher signed the same size first: same tree, done. */
		rc = 0;
		store_rollback(tx);
		tx = NULL;
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	store_ledger_checkpoint_clear(&last);
	buf_free(&body);
	buf_free(&note);
	if (rc == 0 && size_out)
		*size_out = size;
	return rc;
}

int service_ledger_checkpoint(struct buf *out, uint64_t *size, const struct service *svc,
			      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_ledger_checkpoint cp;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_ledger_checkpoint_latest(&cp, tx, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	rc = buf_append(out, cp.note, cp.note_len);
	if (size)
		*size = cp.size;
	store_ledger_checkpoint_clear(&cp);
	return rc < 0 ? sx_error_set(err, rc, NULL, NULL) : 0;
}

int service_ledger_keys(struct buf *out, const struct service *svc, struct sx_error *err)
{
	const struct service_ledger *l = svc->ledger;
	char vkey[512];
	int rc;

	if (l == NULL)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	if ((rc = note_vkey(vkey, sizeof(vkey), l->origin, l->ed25519)) < 0 ||
	    (rc = buf_append_str(out, vkey)) < 0 || (rc = buf_append_char(out, '\n')) < 0 ||
	    (rc = note_vkey(vkey, sizeof(vkey), l->origin, l->sm2)) < 0 ||
	    (rc = buf_append_str(out, vkey)) < 0 || (rc = buf_append_char(out, '\n')) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	return 0;
}

/* The size of the newest checkpoint, within a read transaction. */
static int ledger__published_size(uint64_t *out, struct store_tx *tx, struct sx_error *err)
{
	struct store_ledger_checkpoint cp;
	int rc = store_ledger_checkpoint_latest(&cp, tx, err);

	*out = rc == 0 ? cp.size : 0;
	store_ledger_checkpoint_clear(&cp);
	return rc;
}

struct ledger_bundle_ctx {
	struct buf *out;
};

static int ledger__bundle_leaf(const struct store_ledger_leaf *leaf, void *ctx)
{
	struct ledger_bundle_ctx *b = ctx;

	return tile_bundle_append(b->out, leaf->data, leaf->data_len);
}

int service_ledger_tile(struct buf *out, bool *full, const struct service *svc, const char *path,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct tile_id tile;
	char full_path[256];
	uint64_t size = 0;
	int available = 0;
	int rc;

	*full = false;
	if (snprintf(full_path, sizeof(full_path), "tile/%s", path) >= (int)sizeof(full_path) ||
	    tile_path_parse(&tile, full_path, strlen(full_path)) < 0)
		return sx_error_set(err, SX_ENOTFOUND, "not_found", "瓦片路径无效");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = ledger__published_size(&size, tx, err)) < 0)
		goto cleanup;
	/* Entry bundles live at level 0's coordinates. */
	rc = tile_width_for(&available, tile.level < 0 ? 0 : tile.level, tile.index, size);
	if (rc < 0 || tile.width > available ||
	    (tile.width == TILE_WIDTH && available != TILE_WIDTH)) {
		rc = sx_error_set(err, SX_ENOTFOUND, "not_found", "该瓦片不在已发布的日志树中");
		goto cleanup;
	}
	*full = tile.width == TILE_WIDTH;
	if (tile.level < 0) {
		struct ledger_bundle_ctx b = {out};

		rc = store_ledger_leaf_range(tx, tile.index * TILE_WIDTH, (uint64_t)tile.width,
					     ledger__bundle_leaf, &b, err);
	} else {
		size_t bytes = (size_t)tile.width * MERKLE_HASH_BYTES;
		unsigned char *hashes = sx_malloc(bytes);

		if (hashes == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto cleanup;
		}
		rc = tile_hashes(hashes, bytes, &tile, ledger__read_hash, tx);
		if (rc == 0)
			rc = buf_append(out, hashes, bytes);
		sx_free(hashes);
		if (rc < 0)
			sx_error_setf(err, rc, NULL, NULL, "tile %s", path);
	}
cleanup:
	store_rollback(tx);
	return rc;
}

static int ledger__proof_setup(struct service_ledger_proof *out, struct store_tx **tx,
			       const struct service *svc, uint64_t size, struct sx_error *err)
{
	uint64_t published = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (svc->ledger == NULL)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	snprintf(out->hash_name, sizeof(out->hash_name), "%s", svc->ledger->hash_name);
	if ((rc = store_begin(tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = ledger__published_size(&published, *tx, err);
	if (rc == 0 && (size == 0 || size > published))
		rc = sx_error_set(err, SX_EINVALID, "size_not_published",
				  "树大小须在 1 到最新检查点的大小之间");
	return rc;
}

int service_ledger_prove_inclusion(struct service_ledger_proof *out, const struct service *svc,
				   uint64_t index, uint64_t size, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	enum crypto_hash_alg alg;
	int rc;

	if ((rc = ledger__proof_setup(out, &tx, svc, size, err)) < 0)
		goto cleanup;
	alg = svc->ledger->alg;
	if (index >= size) {
		rc = sx_error_set(err, SX_EINVALID, "index_out_of_range", "条目序号须小于树大小");
		goto cleanup;
	}
	out->index = index;
	out->size = size;
	if ((rc = ledger__read_hash(&out->leaf_hash, 0, index, tx)) < 0 ||
	    (rc = merkle_root(&out->root, alg, size, ledger__read_hash, tx)) < 0 ||
	    (rc = merkle_inclusion_proof(out->path, &out->path_len, alg, index, size,
					 ledger__read_hash, tx)) < 0)
		rc = sx_error_setf(err, rc, NULL, NULL, "inclusion %llu in %llu",
				   (unsigned long long)index, (unsigned long long)size);
cleanup:
	store_rollback(tx);
	return rc;
}

int service_ledger_prove_consistency(struct service_ledger_proof *out, const struct service *svc,
				     uint64_t from, uint64_t to, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	enum crypto_hash_alg alg;
	int rc;

	if ((rc = ledger__proof_setup(out, &tx, svc, to, err)) < 0)
		goto cleanup;
	alg = svc->ledger->alg;
	if (from == 0 || from > to) {
		rc = sx_error_set(err, SX_EINVALID, "bad_range", "须满足 1 ≤ from ≤ to");
		goto cleanup;
	}
	out->from = from;
	out->to = to;
	if ((rc = merkle_root(&out->from_root, alg, from, ledger__read_hash, tx)) < 0 ||
	    (rc = merkle_root(&out->root, alg, to, ledger__read_hash, tx)) < 0 ||
	    (rc = merkle_consistency_proof(out->path, &out->path_len, alg, from, to,
					   ledger__read_hash, tx)) < 0)
		rc = sx_error_setf(err, rc, NULL, NULL, "consistency %llu..%llu",
				   (unsigned long long)from, (unsigned long long)to);
cleanup:
	store_rollback(tx);
	return rc;
}
