/*
 * http/evidence_api — evidence files over HTTP (evidence_api.c): the
 * resumable upload (a streaming route, router.h) and the download with
 * byte ranges. The protocol is docs/evidence-upload.md; the rules (who may
 * upload or read, sizes, hashing, the ledger event, the 调阅 log) are
 * service/evidence.h's.
 *
 *   POST   /api/v1/cases/:id/uploads         JSON metadata → 201 {"upload"} + Location
 *   GET    /api/v1/uploads/:id               {"upload"} + Upload-Offset (HEAD: headers only)
 *   PUT    /api/v1/uploads/:id               streaming; Content-Range: bytes START-END/TOTAL
 *                                            → 200 {"upload"} partial, 201 {"evidence"} whole
 *   DELETE /api/v1/uploads/:id               204, the upload is given up
 *   GET    /api/v1/evidence/:id/content      ?reason=; the file, Range → 206
 *
 * Invariants: a PUT writes nothing before its session and CSRF token are
 * checked (at the first access call, from the headers alone); bytes reach the
 * blob store as they arrive and are never held whole; a PUT is acknowledged
 * only after blob_upload_end has fsynced it, and as evidence only after
 * service_upload_complete has committed the row and the ledger event. A
 * download is answered from the file descriptor (sendfile), never read into
 * memory.
 *
 * Follows RFC 9110 §14 (Range, Content-Range, 206, 416; several ranges may be
 * answered with the whole file, §14.2), RFC 6266 + RFC 8187 (Content-Disposition
 * with filename*), 《行政处罚法》第四十七条 (执法全过程记录) and 第四十六条
 * (视听资料、电子数据 as evidence).
 */
#ifndef SX_HTTP_EVIDENCE_API_H
#define SX_HTTP_EVIDENCE_API_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/* Path patterns, for the route tables. */
#define EVIDENCE_API_UPLOAD_CREATE "/api/v1/cases/:id/uploads"
#define EVIDENCE_API_UPLOAD "/api/v1/uploads/:id"
#define EVIDENCE_API_CONTENT "/api/v1/evidence/:id/content"

/* Ordinary routes. */
int api_upload_create(struct http_request *req, struct http_response *resp);
int api_upload_get(struct http_request *req, struct http_response *resp);
int api_upload_delete(struct http_request *req, struct http_response *resp);
int api_evidence_content(struct http_request *req, struct http_response *resp);

/* The streaming PUT /api/v1/uploads/:id (see router.h for the calls). */
int api_upload_put_begin(void **stream, struct http_request *req, struct http_response *resp);
int api_upload_put_chunk(void *stream, struct http_request *req, const char *data, size_t len);
int api_upload_put_end(void *stream, struct http_request *req, struct http_response *resp);
void api_upload_put_abort(void *stream, struct http_request *req);

/*
 * Reads "bytes START-END/TOTAL" (RFC 9110 §14.4, END inclusive) from
 * text[0..len). Returns 0 with the three numbers, or SX_EINVALID when the
 * text is not exactly that, a number overflows, or END < START or END >= TOTAL.
 */
int evidence_api_parse_content_range(uint64_t *start, uint64_t *end, uint64_t *total,
				     const char *text, size_t len);

enum evidence_range_kind {
	EVIDENCE_RANGE_WHOLE = 0,     /* no usable Range: answer 200 with everything */
	EVIDENCE_RANGE_PART,          /* answer 206 with [first, last] */
	EVIDENCE_RANGE_UNSATISFIABLE, /* answer 416 with Content-Range: bytes * /SIZE */
};

/*
 * Interprets a Range header value (NULL = none) against a file of size bytes
 * (RFC 9110 §14.1.2): "bytes=a-b", "bytes=a-" and "bytes=-n" give a part
 * (last clamped to size - 1; a suffix longer than the file gives it whole);
 * a first byte at or past the end, or "-0", is unsatisfiable; several ranges,
 * another unit or a malformed value give the whole file (a server may ignore
 * Range). *first and *last (inclusive) are set for EVIDENCE_RANGE_PART only.
 */
enum evidence_range_kind evidence_api_parse_range(uint64_t *first, uint64_t *last,
						  const char *value, uint64_t size);

#endif
