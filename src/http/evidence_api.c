/*
 * http/evidence_api — see evidence_api.h; the protocol is
 * docs/evidence-upload.md.
 *
 * A PUT's life: api_upload_put_begin runs at the first access call, before
 * any byte of body: session + CSRF, Content-Range and Content-Length, the
 * upload's size, then service_upload_begin takes the upload's exclusive blob
 * handle at START (the durable offset, or 409 "offset_mismatch" with the
 * offset in Upload-Offset). Each piece of body goes to blob_upload_write as
 * libmicrohttpd delivers it. At the end blob_upload_end fsyncs; when the
 * durable offset reaches the size, service_upload_complete names the file by
 * its hashes and records it (201), otherwise the answer is the new offset (200).
 *
 * A request that dies mid-body (client gone, timeout, server stopping) is
 * ended, not cancelled: TCP delivers the bytes in order and intact, each was
 * hashed as it was written, and blob_upload_end drops only a piece whose
 * write failed half way. Keeping them lets the client resume from what
 * reached the disk; the SHA-256 the finished evidence carries is what proves
 * the file whole, and the client can compare it with its own.
 *
 * Does not: decide who may upload or read (the service), hold a file in
 * memory, or serve several ranges as multipart/byteranges (the whole file is
 * sent instead, RFC 9110 §14.2).
 */
#include "http/evidence_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "blob/blob.h"
#include "http/handlers.h"
#include "service/evidence.h"

#define EVIDENCE_UPLOAD_OFFSET_HEADER "Upload-Offset"

/* A PUT in flight: pool memory of its request. */
struct evidence_put {
	struct service_actor actor;
	const char *upload_id;       /* pool string */
	struct blob_upload *blob;    /* NULL for "bytes * /TOTAL" and once ended */
	uint64_t start;              /* Content-Range START: the durable offset at begin */
	uint64_t expected;           /* bytes the request announced (END - START + 1; 0 for * /TOTAL) */
	uint64_t received;           /* bytes handed to blob_upload_write so far */
	uint64_t size;               /* the upload's total size in bytes */
	struct sx_error err;         /* why the body stopped being written; rc 0 = it did not */
};

/* ---- parsing ---- */

/* A decimal number without sign or blanks in [p, end); *p moves past it.
 * SX_EINVALID for no digits or overflow. */
static int evidence__number(uint64_t *out, const char **p, const char *end)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return SX_EINVALID;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned digit = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - digit) / 10)
			return SX_EINVALID;
		n = n * 10 + digit;
	}
	*out = n;
	*p = s;
	return 0;
}

/* Like evidence_api_parse_content_range, but also reads "bytes * /TOTAL"
 * (returns 1 then; *start and *end are 0). */
static int evidence__content_range(uint64_t *start, uint64_t *end, uint64_t *total,
				   const char *text, size_t len)
{
	const char *p = text, *stop = text + len;

	*start = *end = *total = 0;
	if (len < 6 || strncasecmp(p, "bytes ", 6) != 0)
		return SX_EINVALID;
	p += 6;
	if (p < stop && *p == '*') {
		p++;
		if (p == stop || *p++ != '/' || evidence__number(total, &p, stop) < 0 || p != stop ||
		    *total == 0)
			return SX_EINVALID;
		return 1;
	}
	if (evidence__number(start, &p, stop) < 0 || p == stop || *p++ != '-' ||
	    evidence__number(end, &p, stop) < 0 || p == stop || *p++ != '/' ||
	    evidence__number(total, &p, stop) < 0 || p != stop)
		return SX_EINVALID;
	if (*end < *start || *end >= *total)
		return SX_EINVALID;
	return 0;
}

int evidence_api_parse_content_range(uint64_t *start, uint64_t *end, uint64_t *total,
				     const char *text, size_t len)
{
	int rc;

	if (start == NULL || end == NULL || total == NULL || text == NULL)
		return SX_EINVALID;
	rc = evidence__content_range(start, end, total, text, len);
	return rc == 0 ? 0 : SX_EINVALID;
}

enum evidence_range_kind evidence_api_parse_range(uint64_t *first, uint64_t *last,
						  const char *value, uint64_t size)
{
	const char *p, *stop;
	uint64_t a = 0, b = 0;

	if (value == NULL || size == 0 || strncasecmp(value, "bytes=", 6) != 0)
		return EVIDENCE_RANGE_WHOLE;
	p = value + 6;
	stop = value + strlen(value);
	while (p < stop && (*p == ' ' || *p == '\t'))
		p++;
	while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t'))
		stop--;
	/* Several ranges: the whole file is a valid answer (RFC 9110 §14.2). */
	if (memchr(p, ',', (size_t)(stop - p)) != NULL)
		return EVIDENCE_RANGE_WHOLE;
	if (p < stop && *p == '-') {
		p++;
		if (evidence__number(&b, &p, stop) < 0 || p != stop)
			return EVIDENCE_RANGE_WHOLE;
		if (b == 0)
			return EVIDENCE_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return EVIDENCE_RANGE_PART;
	}
	if (evidence__number(&a, &p, stop) < 0 || p == stop || *p++ != '-')
		return EVIDENCE_RANGE_WHOLE;
	if (p == stop) {
		b = size - 1;
	} else if (evidence__number(&b, &p, stop) < 0 || p != stop || b < a) {
		return EVIDENCE_RANGE_WHOLE;
	}
	if (a >= size)
		return EVIDENCE_RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return EVIDENCE_RANGE_PART;
}

/* ---- JSON ---- */

static const char *evidence__or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static json_t *evidence__upload_json(struct http_request *req, const struct service_upload *u)
{
	const struct store_upload *s = &u->u;

	return json_pack("{s:s,s:s,s:s?,s:I,s:I,s:s,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?}", "id", s->id,
			 "case_id", s->meta.case_id, "case_no", evidence__or_null(u->case_no),
			 "size", (json_int_t)s->meta.size_bytes, "offset", (json_int_t)u->offset,
			 "status", s->status, "kind", s->meta.kind, "stage", s->meta.stage,
			 "content_type", s->meta.content_type, "file_name",
			 evidence__or_null(s->meta.file_name), "created_at", s->created_at,
			 "evidence_id", evidence__or_null(s->evidence_id), "url",
			 pool_printf(req->pool, "/api/v1/uploads/%s", s->id));
}

static json_t *evidence__json(struct http_request *req, const struct store_evidence *e)
{
	const struct store_evidence_meta *m = &e->meta;

	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,"
			 "s:s?,s:s?,s:s,s:s,s:s?}",
			 "id", e->id, "case_id", m->case_id, "sha256", e->sha256, "sm3", e->sm3,
			 "size", (json_int_t)m->size_bytes, "kind", m->kind, "stage", m->stage,
			 "content_type", m->content_type, "file_name",
			 evidence__or_null(m->file_name), "captured_start",
			 evidence__or_null(m->captured_start), "captured_end",
			 evidence__or_null(m->captured_end), "device_id",
			 evidence__or_null(m->device_id), "place", evidence__or_null(m->place),
			 "lat", evidence__or_null(m->lat), "lon", evidence__or_null(m->lon),
			 "officer_id", evidence__or_null(m->officer_id), "description",
			 evidence__or_null(m->description), "created_at", e->created_at,
			 "created_by", e->created_by, "content_url",
			 pool_printf(req->pool, "/api/v1/evidence/%s/content", e->id));
}

/* Sets the Upload-Offset header. */
static int evidence__offset_header(struct http_response *resp, struct http_request *req,
				   uint64_t offset)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)offset);
	return http_response_header(resp, req, EVIDENCE_UPLOAD_OFFSET_HEADER, text);
}

/* An error answer that also tells the client where to continue. */
static int evidence__error_at(struct http_response *resp, struct http_request *req,
			      const struct sx_error *err, uint64_t offset)
{
	int rc = http_respond_error(resp, req, err);

	if (rc < 0)
		return rc;
	return evidence__offset_header(resp, req, offset);
}

/* ---- POST /api/v1/cases/:id/uploads ---- */

/* An optional string field: *out NULL when absent or null; numbers (lat,
 * lon) are accepted and written as text in the pool. */
static int evidence__field(const char **out, struct http_request *req, json_t *body,
			   const char *name, bool number_ok, struct sx_error *err)
{
	json_t *v = json_object_get(body, name);
	char message[SX_ERROR_MESSAGE_MAX];

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
			goto bad;
		*out = json_string_value(v);
		return 0;
	}
	if (number_ok && json_is_number(v)) {
		*out = pool_printf(req->pool, "%.10g", json_number_value(v));
		return *out ? 0 : sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
bad:
	snprintf(message, sizeof(message), "字段类型错误：%s", name);
	return sx_error_set(err, SX_EINVALID, "invalid", message);
}

int api_upload_create(struct http_request *req, struct http_response *resp)
{
	static const char *const fields[] = {
		"kind",       "size",   "stage",  "content_type", "file_name",
		"captured_start", "captured_end", "device_id", "place", "lat",
		"lon",        "officer_id", "description", NULL};
	struct service_upload_input in;
	struct service_upload up;
	struct service_actor actor;
	struct sx_error err;
	json_t *body = NULL, *size;
	const char *location;
	int rc;

	memset(&in, 0, sizeof(in));
	sx_error_clear(&err);
	if ((rc = http_session_actor_for_write(&actor, req, &err)) < 0 ||
	    (rc = http_request_json(&body, req, &err)) < 0 ||
	    (rc = http_json_check_fields(body, fields, &err)) < 0 ||
	    (rc = http_json_string(&in.kind, NULL, body, "kind", &err)) < 0)
		goto fail;
	size = json_object_get(body, "size");
	if (!json_is_integer(size)) {
		rc = sx_error_set(&err, SX_EINVALID, "bad_size", "文件大小应为正整数（字节）");
		goto fail;
	}
	in.size_bytes = (int64_t)json_integer_value(size);
	if ((rc = evidence__field(&in.stage, req, body, "stage", false, &err)) < 0 ||
	    (rc = evidence__field(&in.content_type, req, body, "content_type", false, &err)) < 0 ||
	    (rc = evidence__field(&in.file_name, req, body, "file_name", false, &err)) < 0 ||
	    (rc = evidence__field(&in.captured_start, req, body, "captured_start", false, &err)) <
		    0 ||
	    (rc = evidence__field(&in.captured_end, req, body, "captured_end", false, &err)) < 0 ||
	    (rc = evidence__field(&in.device_id, req, body, "device_id", false, &err)) < 0 ||
	    (rc = evidence__field(&in.place, req, body, "place", false, &err)) < 0 ||
	    (rc = evidence__field(&in.lat, req, body, "lat", true, &err)) < 0 ||
	    (rc = evidence__field(&in.lon, req, body, "lon", true, &err)) < 0 ||
	    (rc = evidence__field(&in.officer_id, req, body, "officer_id", false, &err)) < 0 ||
	    (rc = evidence__field(&in.description, req, body, "description", false, &err)) < 0 ||
	    (rc = service_upload_create(&up, req->app->svc, &actor, http_request_param(req, "id"),
					&in, &err)) < 0)
		goto fail;
	json_decref(body);
	location = pool_printf(req->pool, "/api/v1/uploads/%s", up.u.id);
	if (location == NULL)
		return SX_ENOMEM;
	if ((rc = http_response_header(resp, req, "Location", location)) < 0 ||
	    (rc = evidence__offset_header(resp, req, up.offset)) < 0)
		return rc;
	return http_respond_json_take(resp, req, 201,
				      json_pack("{s:o}", "upload", evidence__upload_json(req, &up)));
fail:
	json_decref(body);
	return http_respond_error(resp, req, &err);
}

/* ---- GET / HEAD / DELETE /api/v1/uploads/:id ---- */

int api_upload_get(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct service_upload up;
	struct sx_error err;
	int rc;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_upload_status(&up, req->app->svc, &actor, http_request_param(req, "id"),
				  &err) < 0)
		return http_respond_error(resp, req, &err);
	if ((rc = evidence__offset_header(resp, req, up.offset)) < 0)
		return rc;
	return http_respond_json_take(resp, req, 200,
				      json_pack("{s:o}", "upload", evidence__upload_json(req, &up)));
}

int api_upload_delete(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct sx_error err;

	sx_error_clear(&err);
	if (http_session_actor_for_write(&actor, req, &err) < 0 ||
	    service_upload_abort(req->app->svc, &actor, http_request_param(req, "id"), &err) < 0)
		return http_respond_error(resp, req, &err);
	buf_reset(&resp->body);
	resp->status = 204;
	resp->content_type = NULL;
	return 0;
}

/* ---- PUT /api/v1/uploads/:id (streaming) ---- */

static int evidence__bad_range(struct sx_error *err, const char *message)
{
	return sx_error_set(err, SX_EINVALID, "bad_content_range", message);
}

int api_upload_put_begin(void **stream, struct http_request *req, struct http_response *resp)
{
	struct evidence_put *put;
	struct service_upload up;
	struct sx_error err;
	const char *range, *length, *p;
	uint64_t start = 0, end = 0, total = 0, current = 0, content_length = 0;
	bool offset_known = false;
	int form, rc;

	*stream = NULL;
	sx_error_clear(&err);
	put = pool_calloc(req->pool, 1, sizeof(*put));
	if (put == NULL) {
		rc = sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		goto fail;
	}
	put->upload_id = http_request_param(req, "id");
	if ((rc = http_session_actor_for_write(&put->actor, req, &err)) < 0)
		goto fail;
	range = http_request_header(req, "Content-Range");
	form = range ? evidence__content_range(&start, &end, &total, range, strlen(range))
		     : SX_EINVALID;
	if (form < 0) {
		rc = evidence__bad_range(&err, "缺少 Content-Range 或格式错误，应为 bytes 起始-结束/总大小");
		goto fail;
	}
	length = http_request_header(req, "Content-Length");
	p = length;
	if (length == NULL || evidence__number(&content_length, &p, length + strlen(length)) < 0 ||
	    *p != '\0' || content_length != (form == 1 ? 0 : end - start + 1)) {
		rc = evidence__bad_range(&err, "Content-Length 须等于 Content-Range 所示的字节数");
		goto fail;
	}
	if ((rc = service_upload_status(&up, req->app->svc, &put->actor, put->upload_id, &err)) <
	    0)
		goto fail;
	current = up.offset;
	offset_known = true;
	put->size = (uint64_t)up.u.meta.size_bytes;
	if (total != put->size) {
		rc = evidence__bad_range(&err, "Content-Range 中的总大小与上传任务的文件大小不符");
		goto fail;
	}
	if (form == 1) {
		/* "bytes * /TOTAL", no body: completes an upload whose bytes are
		 * all in (a retry after a failed completion) or reports the offset. */
		put->start = up.offset;
		*stream = put;
		return 0;
	}
	rc = service_upload_begin(&put->blob, &current, req->app->svc, &put->actor, put->upload_id,
				  start, &err);
	if (rc < 0)
		goto fail;
	put->start = start;
	put->expected = end - start + 1;
	*stream = put;
	return 0;
fail:
	if (offset_known)
		return evidence__error_at(resp, req, &err, current);
	return http_respond_error(resp, req, &err);
}

int api_upload_put_chunk(void *stream, struct http_request *req, const char *data, size_t len)
{
	struct evidence_put *put = stream;

	(void)req;
	if (put->blob == NULL || len > put->expected - put->received)
		return sx_error_set(&put->err, SX_EINVALID, "too_many_bytes",
				    "上传的字节数超过 Content-Range 声明的范围");
	if (blob_upload_write(put->blob, data, len, &put->err) < 0)
		return put->err.rc;
	put->received += len;
	return 0;
}

int api_upload_put_end(void *stream, struct http_request *req, struct http_response *resp)
{
	struct evidence_put *put = stream;
	struct service_upload up;
	struct store_evidence e;
	struct sx_error err;
	uint64_t offset = put->start;
	int64_t ledger_index = -1;
	json_t *body;
	int rc;

	sx_error_clear(&err);
	if (put->blob != NULL) {
		rc = blob_upload_end(&offset, put->blob, &err);
		put->blob = NULL;
		if (put->err.rc != 0)
			return evidence__error_at(resp, req, &put->err, offset);
		if (rc < 0)
			return evidence__error_at(resp, req, &err, offset);
	}
	if (offset == put->size) {
		if (service_upload_complete(&e, &ledger_index, req->app->svc, &put->actor,
					    put->upload_id, &err) < 0)
			return evidence__error_at(resp, req, &err, offset);
		if ((rc = evidence__offset_header(resp, req, offset)) < 0 ||
		    (rc = http_response_header(resp, req, "Location",
					       pool_printf(req->pool, "/api/v1/evidence/%s/content",
							   e.id))) < 0)
			return rc;
		body = json_pack("{s:o,s:I}", "evidence", evidence__json(req, &e), "ledger_index",
				 (json_int_t)ledger_index);
		return http_respond_json_take(resp, req, 201, body);
	}
	if (service_upload_status(&up, req->app->svc, &put->actor, put->upload_id, &err) < 0)
		return evidence__error_at(resp, req, &err, offset);
	up.offset = offset;
	if ((rc = evidence__offset_header(resp, req, offset)) < 0)
		return rc;
	return http_respond_json_take(resp, req, 200,
				      json_pack("{s:o}", "upload", evidence__upload_json(req, &up)));
}

void api_upload_put_abort(void *stream, struct http_request *req)
{
	struct evidence_put *put = stream;
	struct sx_error err;
	uint64_t offset = put->start;

	(void)req;
	if (put->blob == NULL)
		return;
	/* Ended, not cancelled: see the header comment. */
	sx_error_clear(&err);
	if (blob_upload_end(&offset, put->blob, &err) < 0)
		sx_log(SX_LOG_WARN, "upload %s interrupted; keeping its bytes failed: %s %s",
		       put->upload_id, err.code, err.detail);
	else
		sx_log(SX_LOG_INFO, "upload %s interrupted at offset %llu of %llu", put->upload_id,
		       (unsigned long long)offset, (unsigned long long)put->size);
	put->blob = NULL;
}

/* ---- GET /api/v1/evidence/:id/content ---- */

/* The stored media type when it is one a browser may show from our origin
 * (audio, video, raster images, PDF) and is a plain token/token; anything
 * else is served as application/octet-stream, so that an uploaded HTML or
 * SVG file never runs as a page of this site. */
static const char *evidence__safe_type(const char *type)
{
	static const char *const prefixes[] = {"video/", "audio/", "image/jpeg", "image/png",
					       "image/gif", "image/webp", "application/pdf", NULL};
	size_t len = strcspn(type, ";");
	bool known = false;

	for (size_t i = 0; i < len; i++) {
		char c = type[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("!#$&^_.+-/", c) != NULL))
			return "application/octet-stream";
	}
	for (size_t i = 0; prefixes[i] && !known; i++)
		known = strncasecmp(type, prefixes[i], strlen(prefixes[i])) == 0 &&
			len >= strlen(prefixes[i]);
	return known && len > 0 && len == strlen(type) ? type : "application/octet-stream";
}

/* Content-Disposition: attachment with an ASCII filename for old clients and
 * the UTF-8 name as filename* (RFC 6266 §4.3, RFC 8187 §3.2). */
static const char *evidence__disposition(struct http_request *req, const struct store_evidence *e)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *name = e->meta.file_name[0] ? e->meta.file_name : e->id;
	size_t len = strlen(name);
	char *ascii = pool_alloc(req->pool, len + 1);
	char *encoded = pool_alloc(req->pool, len * 3 + 1);
	size_t n = 0;

	if (ascii == NULL || encoded == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		ascii[i] = (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '_' : (char)c;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c < 0x7f && strchr("!#$&+-.^_`|~", c) != NULL && c != '\0')) {
			encoded[n++] = (char)c;
		} else {
			encoded[n++] = '%';
			encoded[n++] = hex[c >> 4];
			encoded[n++] = hex[c & 15];
		}
	}
	ascii[len] = '\0';
	encoded[n] = '\0';
	return pool_printf(req->pool, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii,
			   encoded);
}

int api_evidence_content(struct http_request *req, struct http_response *resp)
{
	struct service_actor actor;
	struct store_evidence e;
	struct sx_error err;
	enum evidence_range_kind kind;
	uint64_t size, first = 0, last = 0;
	const char *etag, *if_range, *disposition;
	char range_text[80];
	int fd = -1;
	int rc;

	sx_error_clear(&err);
	if (http_session_actor(&actor, req, &err) < 0 ||
	    service_evidence_open(&fd, &e, req->app->svc, &actor, http_request_param(req, "id"),
				  http_request_query(req, "reason"), req->remote_addr, &err) < 0)
		return http_respond_error(resp, req, &err);
	size = (uint64_t)e.meta.size_bytes;
	kind = evidence_api_parse_range(&first, &last, http_request_header(req, "Range"), size);
	etag = pool_printf(req->pool, "\"%s\"", e.sha256);
	/* If-Range with another validator: the file changed for the client's
	 * purposes, so it gets the whole of it (RFC 9110 §13.1.5). */
	if_range = http_request_header(req, "If-Range");
	if (if_range && etag && strcmp(if_range, etag) != 0 && kind != EVIDENCE_RANGE_WHOLE)
		kind = EVIDENCE_RANGE_WHOLE;
	disposition = evidence__disposition(req, &e);
	if (etag == NULL || disposition == NULL) {
		rc = SX_ENOMEM;
		goto fail;
	}
	if ((rc = http_response_header(resp, req, "Accept-Ranges", "bytes")) < 0 ||
	    (rc = http_response_header(resp, req, "ETag", etag)) < 0)
		goto fail;
	if (kind == EVIDENCE_RANGE_UNSATISFIABLE) {
		close(fd);
		snprintf(range_text, sizeof(range_text), "bytes */%llu", (unsigned long long)size);
		if ((rc = http_response_header(resp, req, "Content-Range", range_text)) < 0)
			return rc;
		sx_error_set(&err, SX_EINVALID, "range_not_satisfiable",
			     "请求的字节范围超出文件大小");
		if ((rc = http_respond_error(resp, req, &err)) < 0)
			return rc;
		/* No SX_E* code means 416; this answer alone has it. */
		resp->status = 416;
		return 0;
	}
	if ((rc = http_response_header(resp, req, "Content-Disposition", disposition)) < 0)
		goto fail;
	resp->content_type = pool_strdup(req->pool, evidence__safe_type(e.meta.content_type));
	if (resp->content_type == NULL) {
		rc = SX_ENOMEM;
		goto fail;
	}
	if (kind == EVIDENCE_RANGE_PART) {
		snprintf(range_text, sizeof(range_text), "bytes %llu-%llu/%llu",
			 (unsigned long long)first, (unsigned long long)last,
			 (unsigned long long)size);
		if ((rc = http_response_header(resp, req, "Content-Range", range_text)) < 0)
			goto fail;
		http_respond_fd(resp, 206, fd, first, last - first + 1);
		return 0;
	}
	http_respond_fd(resp, 200, fd, 0, size);
	return 0;
fail:
	close(fd);
	return rc;
}
