/*
 * ledger/event — see event.h. Canonicalization walks the parsed JSON with
 * jansson and writes it out itself rather than trusting a dump flag for key
 * order and escaping: the bytes are part of a public hash.
 */
#include "ledger/event.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/time.h"

#define EVENT_MAX_DEPTH 32

static int event__write(struct buf *out, json_t *v, int depth, struct sx_error *err);

static int event__key_cmp(const void *a, const void *b)
{
	const char *const *ka = a;
	const char *const *kb = b;

	return strcmp(*ka, *kb);
}

static int event__write_object(struct buf *out, json_t *obj, int depth, struct sx_error *err)
{
	size_t n = json_object_size(obj);
	const char **keys = NULL;
	const char *key;
	json_t *value;
	size_t i = 0;
	int rc;

	keys = sx_calloc(n ? n : 1, sizeof(*keys));
	if (keys == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	json_object_foreach(obj, key, value) {
		(void)value;
		keys[i++] = key;
	}
	qsort(keys, n, sizeof(*keys), event__key_cmp);
	rc = buf_append_char(out, '{');
	for (i = 0; rc == 0 && i < n; i++) {
		if (i > 0 && (rc = buf_append_char(out, ',')) < 0)
			break;
		if ((rc = buf_append_json_string(out, keys[i], strlen(keys[i]))) < 0 ||
		    (rc = buf_append_char(out, ':')) < 0)
			break;
		rc = event__write(out, json_object_get(obj, keys[i]), depth + 1, err);
	}
	if (rc == 0)
		rc = buf_append_char(out, '}');
	sx_free(keys);
	return rc;
}

static int event__write(struct buf *out, json_t *v, int depth, struct sx_error *err)
{
	int rc = 0;

	if (depth > EVENT_MAX_DEPTH)
		return sx_error_set(err, SX_EINVALID, "event_too_deep", "事件嵌套层级过深");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return event__write_object(out, v, depth, err);
	case JSON_ARRAY:
		rc = buf_append_char(out, '[');
		for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
			if (i > 0 && (rc = buf_append_char(out, ',')) < 0)
				break;
			rc = event__write(out, json_array_get(v, i), depth + 1, err);
		}
		return rc == 0 ? buf_append_char(out, ']') : rc;
	case JSON_STRING:
		return buf_append_json_string(out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return buf_appendf(out, "%lld", (long long)json_integer_value(v));
	case JSON_TRUE:
		return buf_append_str(out, "true");
	case JSON_FALSE:
		return buf_append_str(out, "false");
	case JSON_NULL:
		return buf_append_str(out, "null");
	case JSON_REAL:
		break;
	}
	return sx_error_set(err, SX_EINVALID, "event_real_number",
			    "事件中不能使用小数，金额请以“分”为单位的整数表示");
}

static int event__canonical_value(struct buf *out, json_t *root, struct sx_error *err)
{
	int rc = event__write(out, root, 0, err);

	if (rc < 0 && err && err->rc == 0)
		sx_error_set(err, rc, NULL, NULL);
	return rc;
}

int ledger_json_canonical(char **out, size_t *len, const char *json, size_t json_len,
			  struct sx_error *err)
{
	json_error_t jerr;
	json_t *root;
	struct buf b;
	int rc;

	*out = NULL;
	*len = 0;
	root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (root == NULL)
		return sx_error_setf(err, SX_EINVALID, "bad_json", "事件内容不是合法的 JSON",
				     "event json: %s", jerr.text);
	buf_init(&b, LEDGER_LEAF_MAX_BYTES);
	rc = event__canonical_value(&b, root, err);
	json_decref(root);
	if (rc < 0) {
		buf_free(&b);
		if (rc == SX_ETOOBIG)
			return sx_error_set(err, rc, "event_too_large", "事件内容过大");
		return rc;
	}
	*out = buf_detach(&b, len);
	return *out ? 0 : sx_error_set(err, SX_ENOMEM, NULL, NULL);
}

int ledger_event_append(uint64_t *index, const struct ledger_storage *ops, void *ctx,
			enum crypto_hash_alg alg, const char *kind, const char *entity_id,
			const char *data_json, size_t data_len, struct sx_error *err)
{
	struct merkle_stored stored[MERKLE_MAX_STORED];
	struct merkle_hash leaf_hash;
	char *data = NULL;
	size_t canon_len = 0, stored_count = 0;
	char now[SX_TIME_TEXT_LEN];
	struct buf leaf;
	uint64_t size = 0;
	int rc;

	buf_init(&leaf, LEDGER_LEAF_MAX_BYTES);
	if (kind == NULL || kind[0] == '\0' || strlen(kind) > LEDGER_KIND_MAX || entity_id == NULL) {
		rc = sx_error_set(err, SX_EINVALID, "invalid", "事件类型或对象无效");
		goto cleanup;
	}
	if ((rc = ledger_json_canonical(&data, &canon_len, data_json, data_len, err)) < 0)
		goto cleanup;
	if (data[0] != '{') {
		rc = sx_error_set(err, SX_EINVALID, "invalid", "事件内容须为 JSON 对象");
		goto cleanup;
	}
	sx_time_format_utc(now, sx_time_now_us());
	/* Keys in byte order: at, data, entity, kind. */
	if ((rc = buf_append_str(&leaf, "{\"at\":")) < 0 ||
	    (rc = buf_append_json_string(&leaf, now, strlen(now))) < 0 ||
	    (rc = buf_append_str(&leaf, ",\"data\":")) < 0 ||
	    (rc = buf_append(&leaf, data, canon_len)) < 0 ||
	    (rc = buf_append_str(&leaf, ",\"entity\":")) < 0 ||
	    (rc = buf_append_json_string(&leaf, entity_id, strlen(entity_id))) < 0 ||
	    (rc = buf_append_str(&leaf, ",\"kind\":")) < 0 ||
	    (rc = buf_append_json_string(&leaf, kind, strlen(kind))) < 0 ||
	    (rc = buf_append_char(&leaf, '}')) < 0) {
		rc = sx_error_set(err, rc, rc == SX_ETOOBIG ? "event_too_large" : NULL,
				  rc == SX_ETOOBIG ? "事件内容过大" : NULL);
		goto cleanup;
	}
	if ((rc = ops->size(&size, ctx, err)) < 0)
		goto cleanup;
	if ((rc = merkle_leaf_hash(&leaf_hash, alg, leaf.data, leaf.len)) < 0 ||
	    (rc = merkle_stored_for_append(stored, MERKLE_MAX_STORED, &stored_count, alg, size,
					   &leaf_hash, ops->read_hash, ctx)) < 0) {
		rc = sx_error_setf(err, rc, NULL, NULL, "ledger hashing at size %llu",
				   (unsigned long long)size);
		goto cleanup;
	}
	if ((rc = ops->put_leaf(ctx, size, kind, entity_id, leaf.data, leaf.len, &leaf_hash, now,
				err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < stored_count; i++) {
		if ((rc = ops->put_hash(ctx, stored[i].level, stored[i].index, &stored[i].hash,
					err)) < 0)
			goto cleanup;
	}
	*index = size;
cleanup:
	sx_free(data);
	buf_free(&leaf);
	return rc;
}
