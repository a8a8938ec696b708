/*
 * http — the types every handler sees: a request, a response, the app
 * context, and the helpers to read headers, cookies, query and form fields,
 * JSON bodies, and to answer with JSON, HTML or an error.
 *
 * Only server.c includes microhttpd.h; handlers see this header. All memory
 * a handler allocates for a request comes from req->pool, which the server
 * frees when libmicrohttpd reports the request completed: handlers free
 * nothing but jansson objects they created.
 *
 * Errors: handlers fill a struct sx_error and call http_respond_error; the
 * code→status mapping lives in http_status_for_error alone. Under /api/ (and
 * for clients that accept only JSON) errors are {"error":{"code","message"}};
 * elsewhere an HTML page in Chinese.
 */
#ifndef SX_HTTP_HTTP_H
#define SX_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/pool.h"
#include "service/service.h"

#define HTTP_MAX_PATH_PARAMS 8
#define HTTP_MAX_RESPONSE_HEADERS 12
#define HTTP_RESPONSE_MAX_BYTES (16u * 1024 * 1024)

struct http_ratelimit;

/* Settings shared by all requests; read-only while serving (the rate
 * limiter locks itself). */
struct http_app {
	struct service *svc;
	bool tls_proxy;            /* behind a TLS proxy: cookies get Secure */
	size_t max_body_bytes;     /* JSON and form bodies */
	const char *public_url;    /* how the public reaches us, no trailing '/': QR links */
	struct http_ratelimit *verify_limit; /* 亮证 lookups per client; NULL = unlimited */
};

struct http_param {
	const char *name;
	const char *value;
};

struct http_request {
	struct pool *pool;
	struct http_app *app;
	void *conn;                       /* the server's connection handle; opaque */
	const char *method;
	const char *path;
	const char *body;                 /* NUL-terminated; body_len excludes the NUL */
	size_t body_len;
	const char *remote_addr;
	struct http_param params[HTTP_MAX_PATH_PARAMS];
	size_t param_count;
};

struct http_header {
	const char *name;
	const char *value;
};

/*
 * An answer. The body is either body (a buf, the default) or, when fd >= 0,
 * fd_length bytes of the open file fd from fd_offset, which the server sends
 * without copying them into memory (sendfile) and then closes. The response
 * owns fd from the moment it is set: whoever replaces the answer (an error
 * after all) closes it, which http_respond_error does.
 */
struct http_response {
	int status;
	const char *content_type;         /* static or pool string */
	struct buf body;
	struct http_header headers[HTTP_MAX_RESPONSE_HEADERS];
	size_t header_count;
	int fd;                           /* -1 = answer with body; else a file the response owns */
	uint64_t fd_offset;               /* bytes into fd where the answer starts */
	uint64_t fd_length;               /* bytes of fd to send */
};

typedef int (*http_handler_fn)(struct http_request *req, struct http_response *resp);

/* ---- reading the request (implemented by server.c) ---- */

/* A request header, case-insensitive; NULL when absent. */
const char *http_request_header(const struct http_request *req, const char *name);
/* A cookie's value; NULL when absent. */
const char *http_request_cookie(const struct http_request *req, const char *name);
/* A decoded query-string argument; NULL when absent. */
const char *http_request_query(const struct http_request *req, const char *name);
/* A path parameter captured by the router (":id"); NULL when absent. */
const char *http_request_param(const struct http_request *req, const char *name);

/* Whether the request's Content-Type (ignoring parameters) is media_type. */
bool http_request_content_type_is(const struct http_request *req, const char *media_type);

/*
 * Parses the body as a JSON object. Errors: SX_EUNSUPPORTED ("unsupported")
 * unless Content-Type is application/json; SX_EINVALID ("bad_json") for
 * malformed JSON, duplicate keys or a non-object. Caller json_decref's *out.
 */
int http_request_json(json_t **out, const struct http_request *req, struct sx_error *err);

/* Rejects fields of obj not in allowed (NULL-terminated): SX_EINVALID
 * ("unknown_field") naming the field. */
int http_json_check_fields(json_t *obj, const char *const *allowed, struct sx_error *err);

/* A required string field: SX_EINVALID ("invalid") when missing or not a
 * string. *out points into obj. */
int http_json_string(const char **out, size_t *len, json_t *obj, const char *field,
		     struct sx_error *err);

/*
 * Parses an application/x-www-form-urlencoded body into fields (pool memory).
 * SX_EUNSUPPORTED for another content type, SX_EINVALID for bad escapes.
 */
/* Fields of one form: the longest (the draft decision: 17 template fields, 12 act boxes, amounts,
 * flags, note, CSRF token, 调阅理由) stays well below it. */
#define HTTP_FORM_MAX_FIELDS 64
struct http_form {
	struct http_param fields[HTTP_FORM_MAX_FIELDS];
	size_t count;
};
int http_request_form(struct http_form *out, const struct http_request *req,
		      struct sx_error *err);
const char *http_form_get(const struct http_form *form, const char *name);

/* ---- answering ---- */

/* Adds a response header (copied into the pool). SX_ETOOBIG past the limit. */
int http_response_header(struct http_response *resp, struct http_request *req,
			 const char *name, const char *value);

/* Makes resp an empty answer: status 0, no headers, an empty body buf with
 * the response cap, no file (fd -1). Free with http_response_release. */
void http_response_init(struct http_response *resp);

/* Frees the body buf and closes the file, if any; resp may then be
 * initialised again. */
void http_response_release(struct http_response *resp);

/*
 * Answers with status and length bytes of fd from offset (taking fd: it is
 * closed with the response, or here at once when resp already has a file).
 * The body buf is emptied; content_type and headers are the caller's.
 */
void http_respond_fd(struct http_response *resp, int status, int fd, uint64_t offset,
		     uint64_t length);

/* Sets status, JSON content type and the serialized body; takes no reference. */
int http_respond_json(struct http_response *resp, int status, json_t *body);

/* Sends body with status, taking the reference (it is json_decref'd here);
 * a NULL body (building it ran out of memory) becomes a 503 error answer. */
int http_respond_json_take(struct http_response *resp, struct http_request *req, int status,
			   json_t *body);

/* Sets status and an HTML body (text/html; charset=utf-8). */
int http_respond_html(struct http_response *resp, int status, const char *html, size_t len);

struct template_var;

/* Renders web/templates/<name> inside the layout as an HTML answer with
 * status; a template failure becomes an error answer instead. */
int http_respond_page(struct http_response *resp, struct http_request *req, int status,
		      const char *name, const struct template_var *vars, size_t count);

/* 303 See Other to location. */
int http_respond_redirect(struct http_response *resp, struct http_request *req,
			  const char *location);

/* The one mapping from SX_E* codes to HTTP statuses. */
int http_status_for_error(int rc);

/* Answers with err: JSON for API clients, an HTML page for people. A file
 * the answer had (resp->fd) is closed first. */
int http_respond_error(struct http_response *resp, struct http_request *req,
		       const struct sx_error *err);

/* Whether the client should get JSON errors (path under /api/ or /healthz, or
 * an Accept header naming application/json without text/html). */
bool http_request_wants_json(const struct http_request *req);

/* Sets a cookie: Path=/, HttpOnly, SameSite=Strict, Secure behind a TLS
 * proxy. max_age_seconds < 0 omits Max-Age (session cookie); 0 deletes. */
int http_set_cookie(struct http_response *resp, struct http_request *req, const char *name,
		    const char *value, int64_t max_age_seconds);

#endif
