/*
 * http/ledger_routes — the public face of the tamper-evident log
 * (docs/ledger.md):
 *
 *   GET /ledger/checkpoint          newest signed checkpoint (C2SP signed note)
 *   GET /ledger/keys                verifier keys, one vkey per line
 *   GET /ledger/tile/...            C2SP tlog-tiles: hash tiles and entry bundles
 *   GET /api/v1/ledger/proof/inclusion?index=I&size=N
 *   GET /api/v1/ledger/proof/consistency?from=M&to=N
 *
 * All public: the log holds no personal data. Full tiles never change and
 * are cached for a year; partial tiles and checkpoints change and are not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "http/handlers.h"
#include "service/ledger.h"
#include "store/store.h"

static int ledger__text(struct http_request *req, struct http_response *resp, struct buf *body,
			const char *cache)
{
	int rc;

	buf_reset(&resp->body);
	if ((rc = buf_append(&resp->body, body->data ? body->data : "", body->len)) < 0)
		return rc;
	resp->status = 200;
	resp->content_type = "text/plain; charset=utf-8";
	return http_response_header(resp, req, "Cache-Control", cache);
}

int ledger_checkpoint_get(struct http_request *req, struct http_response *resp)
{
	struct buf note;
	struct sx_error err;
	int rc;

	buf_init(&note, 1u << 20);
	sx_error_clear(&err);
	rc = service_ledger_checkpoint(&note, NULL, req->app->svc, &err);
	rc = rc < 0 ? http_respond_error(resp, req, &err)
		    : ledger__text(req, resp, &note, "no-cache");
	buf_free(&note);
	return rc;
}

int ledger_keys_get(struct http_request *req, struct http_response *resp)
{
	struct buf keys;
	struct sx_error err;
	int rc;

	buf_init(&keys, 1u << 16);
	sx_error_clear(&err);
	rc = service_ledger_keys(&keys, req->app->svc, &err);
	rc = rc < 0 ? http_respond_error(resp, req, &err)
		    : ledger__text(req, resp, &keys, "public, max-age=3600");
	buf_free(&keys);
	return rc;
}

int ledger_tile_get(struct http_request *req, struct http_response *resp)
{
	struct buf tile;
	struct sx_error err;
	bool full = false;
	int rc;

	buf_init(&tile, 32u * 1024 * 1024);
	sx_error_clear(&err);
	rc = service_ledger_tile(&tile, &full, req->app->svc, http_request_param(req, "*"), &err);
	if (rc < 0) {
		buf_free(&tile);
		return http_respond_error(resp, req, &err);
	}
	buf_reset(&resp->body);
	rc = buf_append(&resp->body, tile.data ? tile.data : "", tile.len);
	buf_free(&tile);
	if (rc < 0)
		return rc;
	resp->status = 200;
	resp->content_type = "application/octet-stream";
	return http_response_header(resp, req, "Cache-Control",
				    full ? "public, max-age=31536000, immutable" : "no-cache");
}

/* A required decimal query parameter (no sign, no leading '+', ≤ 2^63). */
static int ledger__query_u64(uint64_t *out, struct http_request *req, const char *name,
			     struct sx_error *err)
{
	const char *text = http_request_query(req, name);
	char *end = NULL;
	unsigned long long n;

	if (text == NULL || text[0] < '0' || text[0] > '9')
		goto bad;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || n > (unsigned long long)INT64_MAX)
		goto bad;
	*out = n;
	return 0;
bad:
	{
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "查询参数 %s 须为非负整数", name);
		return sx_error_set(err, SX_EINVALID, "invalid", message);
	}
}

static json_t *ledger__b64(const struct merkle_hash *h)
{
	char text[64];

	if (codec_base64_encode(text, sizeof(text), h->bytes, MERKLE_HASH_BYTES) < 0)
		return NULL;
	return json_string(text);
}

static json_t *ledger__path_json(const struct service_ledger_proof *p)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < p->path_len; i++) {
		if (json_array_append_new(list, ledger__b64(&p->path[i])) < 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

int ledger_proof_inclusion_get(struct http_request *req, struct http_response *resp)
{
	struct service_ledger_proof proof;
	struct sx_error err;
	uint64_t index = 0, size = 0;

	sx_error_clear(&err);
	if (ledger__query_u64(&index, req, "index", &err) < 0 ||
	    ledger__query_u64(&size, req, "size", &err) < 0 ||
	    service_ledger_prove_inclusion(&proof, req->app->svc, index, size, &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, json_pack("{s:s,s:I,s:I,s:o,s:o,s:o}", "hash", proof.hash_name, "index",
				      (json_int_t)proof.index, "size", (json_int_t)proof.size,
				      "leaf_hash", ledger__b64(&proof.leaf_hash), "root",
				      ledger__b64(&proof.root), "proof", ledger__path_json(&proof)));
}

int ledger_proof_consistency_get(struct http_request *req, struct http_response *resp)
{
	struct service_ledger_proof proof;
	struct sx_error err;
	uint64_t from = 0, to = 0;

	sx_error_clear(&err);
	if (ledger__query_u64(&from, req, "from", &err) < 0 ||
	    ledger__query_u64(&to, req, "to", &err) < 0 ||
	    service_ledger_prove_consistency(&proof, req->app->svc, from, to, &err) < 0)
		return http_respond_error(resp, req, &err);
	return http_respond_json_take(resp, req, 200, json_pack("{s:s,s:I,s:I,s:o,s:o,s:o}", "hash", proof.hash_name, "from",
				      (json_int_t)proof.from, "to", (json_int_t)proof.to,
				      "from_root", ledger__b64(&proof.from_root), "to_root",
				      ledger__b64(&proof.root), "proof", ledger__path_json(&proof)));
}
