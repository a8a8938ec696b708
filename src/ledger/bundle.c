/*
 * ledger/bundle — see bundle.h. Building writes through jansson with
 * JSON_PRESERVE_ORDER, so the fields come out in the documented order;
 * verifying parses with duplicate keys refused and every field type checked
 * before any hashing, then runs the checks in the documented order. Leaf data
 * is parsed twice on purpose: once by jansson to read the envelope, once by
 * ledger_json_canonical to compare bytes, because "canonical" is defined by
 * the bytes the log hashed, not by what a parser makes of them.
 */
#include "ledger/bundle.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"

/* Base64 of a 32-byte hash: 44 characters and a NUL. */
#define BUNDLE_B64_HASH_LEN 44

static int bundle__fail(struct sx_error *err, int rc, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bundle__fail(struct sx_error *err, int rc, const char *code, const char *fmt, ...)
{
	char message[SX_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return sx_error_set(err, rc, code, message);
}

static int bundle__bad(struct sx_error *err, const char *what)
{
	return bundle__fail(err, SX_EINVALID, "bad_bundle", "证明包格式错误：%s", what);
}

/* ---- building ---- */

static json_t *bundle__hash_json(const struct merkle_hash *h)
{
	char text[BUNDLE_B64_HASH_LEN + 1];

	if (codec_base64_encode(text, sizeof(text), h->bytes, MERKLE_HASH_BYTES) < 0)
		return NULL;
	return json_string(text);
}

static json_t *bundle__hashes_json(const struct merkle_hash *hashes, size_t count)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < count; i++) {
		if (json_array_append_new(list, bundle__hash_json(&hashes[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

/* Sets key to v in obj; jansson takes v's reference even on failure. A NULL v is a failed
 * allocation. */
static int bundle__set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return SX_ENOMEM;
	return json_object_set_new(obj, key, v) < 0 ? SX_ENOMEM : 0;
}

/* Appends v to list; jansson takes v's reference even on failure. */
static int bundle__append(json_t *list, json_t *v)
{
	if (v == NULL)
		return SX_ENOMEM;
	return json_array_append_new(list, v) < 0 ? SX_ENOMEM : 0;
}

static int bundle__check_parts(const struct bundle_parts *p, struct sx_error *err)
{
	size_t origin_len, entity_len;

	if (crypto_hash_name(p->alg) == NULL)
		return bundle__bad(err, "未知的哈希算法");
	if (p->origin == NULL || p->entity == NULL || p->checkpoint == NULL ||
	    (p->vkey_count > 0 && p->vkeys == NULL) || p->leaves == NULL ||
	    (p->consistency_count > 0 && p->consistency == NULL) ||
	    (p->pending_count > 0 && p->pending == NULL))
		return bundle__bad(err, "缺少必要的组成部分");
	origin_len = strlen(p->origin);
	entity_len = strlen(p->entity);
	if (origin_len == 0 || origin_len >= CHECKPOINT_ORIGIN_MAX || entity_len == 0 ||
	    entity_len >= BUNDLE_ENTITY_MAX || !codec_is_valid_utf8(p->origin, origin_len) ||
	    !codec_is_valid_utf8(p->entity, entity_len))
		return bundle__bad(err, "日志来源或对象标识为空、过长或不是 UTF-8");
	if (p->checkpoint_len == 0 || p->checkpoint_len > NOTE_MAX_BYTES ||
	    memchr(p->checkpoint, '\0', p->checkpoint_len) != NULL ||
	    !codec_is_valid_utf8(p->checkpoint, p->checkpoint_len))
		return bundle__bad(err, "检查点为空、过大或不是 UTF-8 文本");
	if (p->leaf_count == 0)
		return bundle__bad(err, "没有条目");
	if (p->leaf_count > BUNDLE_MAX_LEAVES || p->vkey_count > BUNDLE_MAX_VKEYS ||
	    p->consistency_count > BUNDLE_MAX_CONSISTENCY || p->pending_count > BUNDLE_MAX_LEAVES)
		return sx_error_set(err, SX_ETOOBIG, "bad_bundle", "证明包的条目、公钥或证明过多");
	for (size_t i = 0; i < p->vkey_count; i++) {
		if (p->vkeys[i] == NULL || !codec_is_valid_utf8(p->vkeys[i], strlen(p->vkeys[i])))
			return bundle__bad(err, "公钥为空或不是 UTF-8");
	}
	for (size_t i = 0; i < p->leaf_count; i++) {
		const struct bundle_leaf *l = &p->leaves[i];

		if (l->index > INT64_MAX || (i > 0 && l->index <= p->leaves[i - 1].index))
			return bundle__bad(err, "条目序号须递增且不超过 2^63-1");
		if (l->data == NULL || l->data_len == 0 || l->data_len > LEDGER_LEAF_MAX_BYTES ||
		    memchr(l->data, '\0', l->data_len) != NULL ||
		    !codec_is_valid_utf8(l->data, l->data_len))
			return bundle__bad(err, "条目内容为空、过长、含 NUL 字节或不是 UTF-8");
		if (l->proof_len > MERKLE_MAX_PROOF || (l->proof_len > 0 && l->proof == NULL))
			return bundle__bad(err, "包含证明过长");
	}
	for (size_t i = 0; i < p->consistency_count; i++) {
		const struct bundle_consistency *c = &p->consistency[i];

		if (c->from == 0 || c->from > INT64_MAX ||
		    (i > 0 && c->from <= p->consistency[i - 1].from))
			return bundle__bad(err, "一致性证明的起始大小须递增且在 1 到 2^63-1 之间");
		if (c->proof_len > MERKLE_MAX_PROOF || (c->proof_len > 0 && c->proof == NULL))
			return bundle__bad(err, "一致性证明过长");
	}
	for (size_t i = 0; i < p->pending_count; i++) {
		if (p->pending[i] > INT64_MAX || (i > 0 && p->pending[i] <= p->pending[i - 1]))
			return bundle__bad(err, "待覆盖条目序号须递增且不超过 2^63-1");
	}
	return 0;
}

static json_t *bundle__leaf_json(enum crypto_hash_alg alg, const struct bundle_leaf *l, int *rc)
{
	struct merkle_hash leaf_hash;
	json_t *obj;

	if ((*rc = merkle_leaf_hash(&leaf_hash, alg, l->data, l->data_len)) < 0)
		return NULL;
	*rc = SX_ENOMEM;
	obj = json_object();
	if (obj == NULL)
		return NULL;
	if (bundle__set(obj, "index", json_integer((json_int_t)l->index)) < 0 ||
	    bundle__set(obj, "data", json_stringn(l->data, l->data_len)) < 0 ||
	    bundle__set(obj, "leaf_hash", bundle__hash_json(&leaf_hash)) < 0 ||
	    bundle__set(obj, "proof", bundle__hashes_json(l->proof, l->proof_len)) < 0) {
		json_decref(obj);
		return NULL;
	}
	*rc = 0;
	return obj;
}

static json_t *bundle__consistency_json(const struct bundle_consistency *c)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (bundle__set(obj, "from", json_integer((json_int_t)c->from)) < 0 ||
	    bundle__set(obj, "from_root", bundle__hash_json(&c->from_root)) < 0 ||
	    bundle__set(obj, "proof", bundle__hashes_json(c->proof, c->proof_len)) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *bundle__vkeys_json(const struct bundle_parts *p)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < p->vkey_count; i++) {
		if (bundle__append(list, json_string(p->vkeys[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

static json_t *bundle__leaves_json(const struct bundle_parts *p, int *rc)
{
	json_t *list = json_array();

	*rc = list ? 0 : SX_ENOMEM;
	for (size_t i = 0; *rc == 0 && i < p->leaf_count; i++) {
		json_t *leaf = bundle__leaf_json(p->alg, &p->leaves[i], rc);

		if (*rc == 0)
			*rc = bundle__append(list, leaf);
	}
	if (*rc < 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

static json_t *bundle__consistency_list_json(const struct bundle_parts *p)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < p->consistency_count; i++) {
		if (bundle__append(list, bundle__consistency_json(&p->consistency[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

static json_t *bundle__pending_json(const struct bundle_parts *p)
{
	json_t *list = json_array();

	for (size_t i = 0; list != NULL && i < p->pending_count; i++) {
		if (bundle__append(list, json_integer((json_int_t)p->pending[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

static int bundle__build_json(json_t **out, const struct bundle_parts *p)
{
	json_t *root = json_object();
	json_t *leaves;
	int rc = 0;

	*out = NULL;
	if (root == NULL)
		return SX_ENOMEM;
	if (bundle__set(root, "format", json_string(BUNDLE_FORMAT)) < 0 ||
	    bundle__set(root, "hash", json_string(crypto_hash_name(p->alg))) < 0 ||
	    bundle__set(root, "origin", json_string(p->origin)) < 0 ||
	    bundle__set(root, "entity", json_string(p->entity)) < 0 ||
	    bundle__set(root, "checkpoint", json_stringn(p->checkpoint, p->checkpoint_len)) < 0 ||
	    bundle__set(root, "vkeys", bundle__vkeys_json(p)) < 0) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	leaves = bundle__leaves_json(p, &rc);
	if (rc < 0)
		goto cleanup;
	if (bundle__set(root, "leaves", leaves) < 0 ||
	    bundle__set(root, "consistency", bundle__consistency_list_json(p)) < 0 ||
	    bundle__set(root, "pending", bundle__pending_json(p)) < 0) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	*out = root;
	root = NULL;
cleanup:
	json_decref(root);
	return rc;
}

int bundle_build(struct buf *out, const struct bundle_parts *parts, struct sx_error *err)
{
	json_t *doc = NULL;
	char *text = NULL;
	struct buf whole;
	int rc;

	buf_init(&whole, BUNDLE_MAX_BYTES);
	if (out == NULL || parts == NULL)
		return bundle__bad(err, "缺少参数");
	if ((rc = bundle__check_parts(parts, err)) < 0)
		return rc;
	if ((rc = bundle__build_json(&doc, parts)) < 0) {
		sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	if ((rc = buf_append_str(&whole, text)) < 0 || (rc = buf_append_char(&whole, '\n')) < 0 ||
	    (rc = buf_append(out, whole.data, whole.len)) < 0) {
		if (rc == SX_ETOOBIG)
			sx_error_set(err, rc, "bundle_too_large", "证明包过大");
		else
			sx_error_set(err, rc, NULL, NULL);
	}
cleanup:
	free(text); /* json_dumps allocates with jansson's allocator, malloc by default */
	json_decref(doc);
	buf_free(&whole);
	return rc;
}

/* ---- verifying: reading fields ---- */

static bool bundle__only_keys(json_t *obj, const char *const *keys, size_t count)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		size_t i;

		(void)value;
		for (i = 0; i < count && strcmp(keys[i], key) != 0; i++)
			;
		if (i == count)
			return false;
	}
	return true;
}

/* A string without NUL bytes of 1..max_len bytes; NULL otherwise. */
static const char *bundle__text(json_t *obj, const char *key, size_t max_len, size_t *len)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	*len = json_string_length(v);
	if (*len == 0 || *len > max_len || strlen(s) != *len)
		return NULL;
	return s;
}

static bool bundle__uint(uint64_t *out, json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static bool bundle__hash(struct merkle_hash *out, json_t *v)
{
	size_t n = 0;

	if (!json_is_string(v) || json_string_length(v) != BUNDLE_B64_HASH_LEN)
		return false;
	return codec_base64_decode(out->bytes, sizeof(out->bytes), &n, json_string_value(v),
				   BUNDLE_B64_HASH_LEN) == 0 &&
	       n == MERKLE_HASH_BYTES;
}

static bool bundle__proof(struct merkle_hash *out, size_t *count, json_t *v)
{
	size_t n = json_array_size(v);

	if (!json_is_array(v) || n > MERKLE_MAX_PROOF)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!bundle__hash(&out[i], json_array_get(v, i)))
			return false;
	}
	*count = n;
	return true;
}

/* ---- verifying: keys and checkpoints ---- */

struct bundle_keys {
	struct note_verifier owned[BUNDLE_MAX_VKEYS]; /* parsed from the bundle */
	size_t owned_count;
	const struct note_verifier *use;              /* owned or the caller's */
	size_t count;
};

static void bundle__keys_free(struct bundle_keys *k)
{
	for (size_t i = 0; i < k->owned_count; i++)
		note_verifier_free(&k->owned[i]);
	k->owned_count = 0;
}

static bool bundle__same_key(const struct note_verifier *a, const struct note_verifier *b)
{
	return a->key_id == b->key_id && strcmp(a->name, b->name) == 0;
}

static int bundle__keys_from_bundle(struct bundle_keys *k, json_t *vkeys, struct sx_error *err)
{
	for (size_t i = 0; i < json_array_size(vkeys); i++) {
		json_t *v = json_array_get(vkeys, i);
		struct note_verifier *slot = &k->owned[k->owned_count];
		bool duplicate = false;
		int rc;

		if (!json_is_string(v))
			return bundle__bad(err, "vkeys 须为字符串数组");
		rc = note_verifier_parse(slot, json_string_value(v));
		/* A signature type this verifier does not know: not ours to judge. */
		if (rc == SX_EUNSUPPORTED)
			continue;
		if (rc == SX_ENOMEM)
			return sx_error_set(err, rc, NULL, NULL);
		if (rc < 0)
			return bundle__fail(err, SX_EINVALID, "bad_key",
					    "证明包中的第 %zu 个公钥格式错误", i + 1);
		for (size_t j = 0; j < k->owned_count; j++)
			duplicate = duplicate || bundle__same_key(&k->owned[j], slot);
		if (duplicate)
			note_verifier_free(slot);
		else
			k->owned_count++;
	}
	k->use = k->owned;
	k->count = k->owned_count;
	if (k->count == 0)
		return bundle__fail(err, SX_ECORRUPT, "unknown_key",
				    "证明包未附带可用的公钥，且未提供可信公钥");
	return 0;
}

static int bundle__keys_trusted(struct bundle_keys *k, const struct bundle_verify_options *opt,
				struct sx_error *err)
{
	if (opt->trusted_count > BUNDLE_MAX_VKEYS || opt->trusted == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_key", "可信公钥过多或为空");
	for (size_t i = 0; i < opt->trusted_count; i++) {
		if (opt->trusted[i].key == NULL)
			return sx_error_set(err, SX_EINVALID, "bad_key", "可信公钥无效");
		for (size_t j = 0; j < i; j++) {
			if (bundle__same_key(&opt->trusted[i], &opt->trusted[j]))
				return sx_error_set(err, SX_EINVALID, "bad_key", "可信公钥重复");
		}
	}
	k->use = opt->trusted;
	k->count = opt->trusted_count;
	return 0;
}

/*
 * Opens and parses a signed checkpoint; which is "检查点" or "旧检查点" for
 * messages. Fills signers (may be NULL) with the keys that signed.
 */
static int bundle__open_checkpoint(struct checkpoint *out, struct bundle_signer *signers,
				   size_t *signer_count, const char *note, size_t len,
				   const struct bundle_keys *k, const char *which,
				   struct sx_error *err)
{
	struct note_opened opened;
	bool sm2_trusted = false, sm2_signed = false;
	int rc;

	rc = note_open(&opened, note, len, k->use, k->count);
	switch (rc) {
	case 0:
		break;
	case SX_ECORRUPT:
		return bundle__fail(err, rc, "bad_signature",
				    "%s的签名无效：可信公钥的签名验证未通过，内容可能被篡改", which);
	case SX_ENOTFOUND:
		return bundle__fail(err, SX_ECORRUPT, "unknown_key",
				    "%s未经任何可信公钥签名（签名公钥未知）", which);
	case SX_EINVALID:
	case SX_ETOOBIG:
		return bundle__fail(err, SX_EINVALID, "checkpoint_malformed",
				    "%s不是格式正确的签名文本（C2SP signed note）", which);
	default:
		return sx_error_set(err, rc, NULL, NULL);
	}
	for (size_t i = 0; i < k->count; i++) {
		bool is_sm2 = crypto_sign_key_alg(k->use[i].key) == CRYPTO_SIGN_SM2;

		sm2_trusted = sm2_trusted || is_sm2;
		sm2_signed = sm2_signed || (is_sm2 && opened.verified[i]);
		if (signers != NULL && opened.verified[i]) {
			struct bundle_signer *s = &signers[(*signer_count)++];

			snprintf(s->name, sizeof(s->name), "%s", k->use[i].name);
			s->key_id = k->use[i].key_id;
			s->alg = crypto_sign_key_alg(k->use[i].key);
		}
	}
	if (sm2_trusted && !sm2_signed) {
		rc = bundle__fail(err, SX_ECORRUPT, "sm2_signature_missing",
				  "%s缺少可信 SM2 公钥的签名（国密配置要求 SM2 签名）", which);
		goto cleanup;
	}
	if (checkpoint_parse(out, opened.text, opened.text_len) < 0) {
		rc = bundle__fail(err, SX_EINVALID, "checkpoint_malformed",
				  "%s的正文不是格式正确的检查点（C2SP tlog-checkpoint）", which);
		goto cleanup;
	}
	rc = 0;
cleanup:
	note_opened_free(&opened);
	return rc;
}

/* ---- verifying: leaves ---- */

/* Copies the string member key of obj into out; false when absent, not a string or too long. */
static bool bundle__copy_member(char *out, size_t out_size, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || json_string_length(v) >= out_size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return false;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return true;
}

/*
 * The checks on one leaf after its proof: canonical form, envelope, entity.
 * pos is the leaf's 1-based position in the bundle, for messages.
 */
static int bundle__check_event(struct bundle_leaf_info *info, const char *data, size_t len,
			       const char *entity, size_t pos, struct sx_error *err)
{
	char entity_seen[BUNDLE_ENTITY_MAX];
	json_t *event = NULL;
	char *canon = NULL;
	size_t canon_len = 0;
	int rc;

	event = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
	if (event == NULL) {
		rc = bundle__fail(err, SX_ECORRUPT, "bad_event",
				  "第 %zu 个条目（序号 %llu）的内容不是合法的 JSON", pos,
				  (unsigned long long)info->index);
		goto cleanup;
	}
	rc = ledger_json_canonical(&canon, &canon_len, data, len, NULL);
	if (rc == SX_ENOMEM) {
		sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	if (rc < 0 || canon_len != len || memcmp(canon, data, len) != 0) {
		rc = bundle__fail(err, SX_ECORRUPT, "not_canonical",
				  "第 %zu 个条目（序号 %llu）的内容不是规范 JSON 形式", pos,
				  (unsigned long long)info->index);
		goto cleanup;
	}
	if (!json_is_object(event) || !json_is_object(json_object_get(event, "data")) ||
	    !bundle__copy_member(info->kind, sizeof(info->kind), event, "kind") ||
	    !bundle__copy_member(info->at, sizeof(info->at), event, "at") ||
	    !bundle__copy_member(entity_seen, sizeof(entity_seen), event, "entity")) {
		rc = bundle__fail(err, SX_ECORRUPT, "bad_event",
				  "第 %zu 个条目（序号 %llu）不是事件（须含 at、data、entity、kind）",
				  pos, (unsigned long long)info->index);
		goto cleanup;
	}
	if (strcmp(entity_seen, entity) != 0) {
		rc = bundle__fail(err, SX_ECORRUPT, "wrong_entity",
				  "第 %zu 个条目（序号 %llu）属于其他对象，而非证明包所述对象", pos,
				  (unsigned long long)info->index);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sx_free(canon);
	json_decref(event);
	return rc;
}

static int bundle__check_leaves(struct bundle_report *r, json_t *leaves, struct sx_error *err)
{
	static const char *const leaf_keys[] = {"index", "data", "leaf_hash", "proof"};
	struct merkle_hash root, given, computed;
	struct merkle_hash proof[MERKLE_MAX_PROOF];
	size_t n = json_array_size(leaves);
	uint64_t previous = 0;
	int rc;

	memcpy(root.bytes, r->checkpoint.root, MERKLE_HASH_BYTES);
	r->leaves = sx_calloc(n, sizeof(*r->leaves));
	if (r->leaves == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		json_t *leaf = json_array_get(leaves, i);
		struct bundle_leaf_info *info = &r->leaves[i];
		size_t pos = i + 1, data_len = 0, proof_len = 0;
		const char *data;

		if (!json_is_object(leaf) || !bundle__only_keys(leaf, leaf_keys, 4) ||
		    !bundle__uint(&info->index, json_object_get(leaf, "index")) ||
		    (data = bundle__text(leaf, "data", LEDGER_LEAF_MAX_BYTES, &data_len)) == NULL ||
		    !bundle__hash(&given, json_object_get(leaf, "leaf_hash")) ||
		    !bundle__proof(proof, &proof_len, json_object_get(leaf, "proof")))
			return bundle__fail(err, SX_EINVALID, "bad_bundle",
					    "证明包格式错误：第 %zu 个条目缺少字段或字段类型错误",
					    pos);
		if (i > 0 && info->index <= previous)
			return bundle__fail(err, SX_EINVALID, "bad_bundle",
					    "证明包格式错误：第 %zu 个条目的序号未按升序排列", pos);
		previous = info->index;
		if (info->index >= r->checkpoint.size)
			return bundle__fail(err, SX_ECORRUPT, "leaf_not_covered",
					    "第 %zu 个条目（序号 %llu）不在检查点覆盖的 %llu 个条目之内",
					    pos, (unsigned long long)info->index,
					    (unsigned long long)r->checkpoint.size);
		if ((rc = merkle_leaf_hash(&computed, r->alg, data, data_len)) < 0)
			return sx_error_set(err, rc, NULL, NULL);
		if (!merkle_hash_equal(&computed, &given))
			return bundle__fail(err, SX_ECORRUPT, "leaf_hash_mismatch",
					    "第 %zu 个条目（序号 %llu）的内容与其叶哈希不符，内容已被改动",
					    pos, (unsigned long long)info->index);
		rc = merkle_verify_inclusion(r->alg, &computed, info->index, r->checkpoint.size,
					     proof, proof_len, &root);
		if (rc == SX_EINVALID)
			return bundle__fail(err, SX_ECORRUPT, "inclusion_failed",
					    "第 %zu 个条目（序号 %llu）的包含证明长度应为 %zu，实为 %zu",
					    pos, (unsigned long long)info->index,
					    merkle_inclusion_proof_len(info->index,
								       r->checkpoint.size),
					    proof_len);
		if (rc == SX_ECORRUPT)
			return bundle__fail(err, rc, "inclusion_failed",
					    "第 %zu 个条目（序号 %llu）的包含证明不成立：算出的树根与检查点不符",
					    pos, (unsigned long long)info->index);
		if (rc < 0)
			return sx_error_set(err, rc, NULL, NULL);
		if ((rc = bundle__check_event(info, data, data_len, r->entity, pos, err)) < 0)
			return rc;
		r->leaf_count++;
	}
	return 0;
}

/* ---- verifying: consistency ---- */

static int bundle__check_consistency(struct bundle_report *r, json_t *list, struct sx_error *err)
{
	static const char *const keys[] = {"from", "from_root", "proof"};
	struct merkle_hash root, proof[MERKLE_MAX_PROOF];

	memcpy(root.bytes, r->checkpoint.root, MERKLE_HASH_BYTES);
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);
		struct bundle_consistency_info *info = &r->consistency[i];
		size_t proof_len = 0;
		int rc;

		if (!json_is_object(c) || !bundle__only_keys(c, keys, 3) ||
		    !bundle__uint(&info->from, json_object_get(c, "from")) ||
		    !bundle__hash(&info->from_root, json_object_get(c, "from_root")) ||
		    !bundle__proof(proof, &proof_len, json_object_get(c, "proof")))
			return bundle__fail(err, SX_EINVALID, "bad_bundle",
					    "证明包格式错误：第 %zu 个一致性证明缺少字段或字段类型错误",
					    i + 1);
		if (info->from == 0 || info->from > r->checkpoint.size ||
		    (i > 0 && info->from <= r->consistency[i - 1].from))
			return bundle__fail(err, SX_EINVALID, "bad_bundle",
					    "证明包格式错误：第 %zu 个一致性证明的起始大小无效或未按升序排列",
					    i + 1);
		rc = merkle_verify_consistency(r->alg, info->from, r->checkpoint.size,
					       &info->from_root, &root, proof, proof_len);
		if (rc == SX_ECORRUPT || rc == SX_EINVALID)
			return bundle__fail(err, SX_ECORRUPT, "consistency_failed",
					    "从树大小 %llu 到 %llu 的一致性证明不成立",
					    (unsigned long long)info->from,
					    (unsigned long long)r->checkpoint.size);
		if (rc < 0)
			return sx_error_set(err, rc, NULL, NULL);
		r->consistency_count++;
	}
	return 0;
}

static int bundle__check_pending(struct bundle_report *r, json_t *list, struct sx_error *err)
{
	uint64_t previous = 0;

	for (size_t i = 0; i < json_array_size(list); i++) {
		uint64_t index = 0;

		if (!bundle__uint(&index, json_array_get(list, i)) || index < r->checkpoint.size ||
		    (i > 0 && index <= previous))
			return bundle__bad(err, "pending 须为检查点之后的条目序号，按升序排列");
		previous = index;
	}
	r->pending_count = json_array_size(list);
	return 0;
}

static int bundle__check_old(struct bundle_report *r, const struct bundle_verify_options *opt,
			     const struct bundle_keys *k, struct sx_error *err)
{
	struct checkpoint old;
	struct merkle_hash old_root, empty;
	const struct bundle_consistency_info *proved = NULL;
	int rc;

	if ((rc = bundle__open_checkpoint(&old, NULL, NULL, opt->old_checkpoint,
					  opt->old_checkpoint_len, k, "旧检查点", err)) < 0)
		return rc;
	if (strcmp(old.origin, r->checkpoint.origin) != 0)
		return sx_error_set(err, SX_ECORRUPT, "wrong_origin",
				    "旧检查点属于另一个日志（来源名称不同）");
	if (old.size > r->checkpoint.size)
		return bundle__fail(err, SX_ECONFLICT, "old_checkpoint_newer",
				    "旧检查点（%llu 个条目）比证明包的检查点（%llu 个条目）新，"
				    "请重新导出证明包",
				    (unsigned long long)old.size,
				    (unsigned long long)r->checkpoint.size);
	memcpy(old_root.bytes, old.root, MERKLE_HASH_BYTES);
	if (old.size == 0) {
		if ((rc = merkle_empty_root(&empty, r->alg)) < 0)
			return sx_error_set(err, rc, NULL, NULL);
		proved = NULL;
		if (!merkle_hash_equal(&empty, &old_root))
			return sx_error_set(err, SX_ECORRUPT, "fork_detected",
					    "旧检查点声称日志为空，但其树根不是空树的哈希");
	} else if (old.size == r->checkpoint.size) {
		if (memcmp(old.root, r->checkpoint.root, CHECKPOINT_ROOT_BYTES) != 0)
			return bundle__fail(err, SX_ECORRUPT, "fork_detected",
					    "发现分叉：两个已签名检查点的树大小同为 %llu，树根却不同",
					    (unsigned long long)old.size);
	} else {
		for (size_t i = 0; i < r->consistency_count; i++) {
			if (r->consistency[i].from == old.size)
				proved = &r->consistency[i];
		}
		if (proved == NULL)
			return bundle__fail(err, SX_ECORRUPT, "consistency_missing",
					    "证明包中没有从树大小 %llu 出发的一致性证明"
					    "（导出时请加 --from-size %llu）",
					    (unsigned long long)old.size,
					    (unsigned long long)old.size);
		/* The proof held for from_root, which it fixes: a different signed root at that
		 * size means the log signed two histories. */
		if (!merkle_hash_equal(&proved->from_root, &old_root))
			return bundle__fail(err, SX_ECORRUPT, "fork_detected",
					    "发现分叉：日志在树大小 %llu 处的历史与已签名的旧检查点不符",
					    (unsigned long long)old.size);
	}
	r->old_checked = true;
	r->old_size = old.size;
	return 0;
}

/* ---- verifying: the whole ---- */

int bundle_verify(struct bundle_report *out, const char *bundle, size_t len,
		  const struct bundle_verify_options *opt, struct sx_error *err)
{
	static const char *const top_keys[] = {"format", "hash", "origin", "entity", "checkpoint",
					       "vkeys", "leaves", "consistency", "pending"};
	static const struct bundle_verify_options no_options;
	struct bundle_keys keys;
	json_error_t jerr;
	json_t *doc = NULL;
	json_t *format, *vkeys, *leaves, *consistency, *pending;
	const char *s, *checkpoint;
	size_t s_len = 0, checkpoint_len = 0;
	int rc;

	memset(&keys, 0, sizeof(keys));
	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	memset(out, 0, sizeof(*out));
	if (opt == NULL)
		opt = &no_options;
	if (bundle == NULL || len == 0)
		return bundle__bad(err, "内容为空");
	if (len > BUNDLE_MAX_BYTES)
		return sx_error_set(err, SX_ETOOBIG, "bad_bundle", "证明包过大");

	doc = json_loadb(bundle, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		rc = bundle__fail(err, SX_EINVALID, "bad_bundle",
				  "证明包不是合法的 JSON（第 %d 行第 %d 列）", jerr.line, jerr.column);
		goto cleanup;
	}
	format = json_object_get(doc, "format");
	if (!json_is_object(doc) || !json_is_string(format)) {
		rc = bundle__bad(err, "缺少 format 字段");
		goto cleanup;
	}
	if (strcmp(json_string_value(format), BUNDLE_FORMAT) != 0) {
		rc = sx_error_set(err, SX_EUNSUPPORTED, "unsupported_format",
				  "不支持此证明包格式版本（本程序支持 " BUNDLE_FORMAT "）");
		goto cleanup;
	}
	if (!bundle__only_keys(doc, top_keys, sizeof(top_keys) / sizeof(top_keys[0]))) {
		rc = bundle__bad(err, "含有未知字段");
		goto cleanup;
	}
	if ((s = bundle__text(doc, "hash", 16, &s_len)) == NULL ||
	    crypto_hash_from_name(&out->alg, s) < 0) {
		rc = bundle__bad(err, "hash 须为 sha256 或 sm3");
		goto cleanup;
	}
	if ((s = bundle__text(doc, "origin", CHECKPOINT_ORIGIN_MAX - 1, &s_len)) == NULL) {
		rc = bundle__bad(err, "origin 缺失或过长");
		goto cleanup;
	}
	memcpy(out->origin, s, s_len + 1);
	if ((s = bundle__text(doc, "entity", BUNDLE_ENTITY_MAX - 1, &s_len)) == NULL) {
		rc = bundle__bad(err, "entity 缺失或过长");
		goto cleanup;
	}
	memcpy(out->entity, s, s_len + 1);
	checkpoint = bundle__text(doc, "checkpoint", NOTE_MAX_BYTES, &checkpoint_len);
	vkeys = json_object_get(doc, "vkeys");
	leaves = json_object_get(doc, "leaves");
	consistency = json_object_get(doc, "consistency");
	pending = json_object_get(doc, "pending");
	if (checkpoint == NULL || !json_is_array(vkeys) || !json_is_array(leaves) ||
	    !json_is_array(consistency) || !json_is_array(pending)) {
		rc = bundle__bad(err, "缺少 checkpoint、vkeys、leaves、consistency 或 pending 字段");
		goto cleanup;
	}
	if (json_array_size(leaves) == 0) {
		rc = bundle__bad(err, "没有条目");
		goto cleanup;
	}
	if (json_array_size(vkeys) > BUNDLE_MAX_VKEYS ||
	    json_array_size(leaves) > BUNDLE_MAX_LEAVES ||
	    json_array_size(consistency) > BUNDLE_MAX_CONSISTENCY ||
	    json_array_size(pending) > BUNDLE_MAX_LEAVES) {
		rc = sx_error_set(err, SX_ETOOBIG, "bad_bundle", "证明包的条目、公钥或证明过多");
		goto cleanup;
	}

	if (opt->trusted_count > 0) {
		rc = bundle__keys_trusted(&keys, opt, err);
	} else {
		out->keys_from_bundle = true;
		rc = bundle__keys_from_bundle(&keys, vkeys, err);
	}
	if (rc < 0)
		goto cleanup;
	if ((rc = bundle__open_checkpoint(&out->checkpoint, out->signers, &out->signer_count,
					  checkpoint, checkpoint_len, &keys, "检查点", err)) < 0)
		goto cleanup;
	if (strcmp(out->checkpoint.origin, out->origin) != 0) {
		rc = sx_error_set(err, SX_ECORRUPT, "wrong_origin",
				  "检查点属于另一个日志：其来源名称与证明包所述不同");
		goto cleanup;
	}
	out->checkpoint_verified = true;
	if ((rc = bundle__check_leaves(out, leaves, err)) < 0 ||
	    (rc = bundle__check_consistency(out, consistency, err)) < 0 ||
	    (rc = bundle__check_pending(out, pending, err)) < 0)
		goto cleanup;
	if (opt->old_checkpoint != NULL && (rc = bundle__check_old(out, opt, &keys, err)) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	bundle__keys_free(&keys);
	json_decref(doc);
	return rc;
}

void bundle_report_free(struct bundle_report *r)
{
	if (r == NULL)
		return;
	sx_free(r->leaves);
	memset(r, 0, sizeof(*r));
}
