/*
 * http/respond — building responses and reading bodies: JSON, HTML, redirects,
 * cookies, errors, JSON and form bodies. Everything here is independent of
 * libmicrohttpd (server.c turns a struct http_response into the wire format).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/codec.h"
#include "base/log.h"
#include "http/http.h"
#include "http/template.h"

int http_status_for_error(int rc)
{
	switch (rc) {
	case SX_OK:
		return 200;
	case SX_EINVALID:
		return 400;
	case SX_EAUTH:
		return 401;
	case SX_EPERM:
	case SX_ECSRF:
		return 403;
	case SX_ENOTFOUND:
		return 404;
	case SX_EMETHOD:
		return 405;
	case SX_EEXISTS:
	case SX_ECONFLICT:
		return 409;
	case SX_ETOOBIG:
		return 413;
	case SX_EUNSUPPORTED:
		return 415;
	case SX_ETHROTTLED:
	case SX_ELOCKED:
		return 429;
	case SX_ENOMEM:
	case SX_EBUSY:
		return 503;
	case SX_ENOSPC:
		return 507;
	default:
		return 500;
	}
}

void http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, HTTP_RESPONSE_MAX_BYTES);
	resp->fd = -1;
}

/* Drops the file of an answer that will not be sent after all. */
static void respond__close_fd(struct http_response *resp)
{
	if (resp->fd >= 0)
		close(resp->fd);
	resp->fd = -1;
	resp->fd_offset = 0;
	resp->fd_length = 0;
}

void http_response_release(struct http_response *resp)
{
	buf_free(&resp->body);
	respond__close_fd(resp);
}

void http_respond_fd(struct http_response *resp, int status, int fd, uint64_t offset,
		     uint64_t length)
{
	respond__close_fd(resp);
	buf_reset(&resp->body);
	resp->status = status;
	resp->fd = fd;
	resp->fd_offset = offset;
	resp->fd_length = length;
}

int http_response_header(struct http_response *resp, struct http_request *req,
			 const char *name, const char *value)
{
	struct http_header *h;

	if (resp->header_count == HTTP_MAX_RESPONSE_HEADERS)
		return SX_ETOOBIG;
	h = &resp->headers[resp->header_count];
	h->name = pool_strdup(req->pool, name);
	h->value = pool_strdup(req->pool, value);
	if (h->name == NULL || h->value == NULL)
		return SX_ENOMEM;
	resp->header_count++;
	return 0;
}

int http_respond_json_take(struct http_response *resp, struct http_request *req, int status,
			   json_t *body)
{
	struct sx_error err;
	int rc;

	if (body == NULL) {
		sx_error_set(&err, SX_ENOMEM, NULL, NULL);
		return http_respond_error(resp, req, &err);
	}
	rc = http_respond_json(resp, status, body);
	json_decref(body);
	return rc;
}

int http_respond_json(struct http_response *resp, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	int rc;

	if (text == NULL)
		return SX_ENOMEM;
	buf_reset(&resp->body);
	rc = buf_append_str(&resp->body, text);
	free(text); /* allocated by jansson's default allocator */
	if (rc < 0)
		return rc;
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	return 0;
}

int http_respond_html(struct http_response *resp, int status, const char *html, size_t len)
{
	int rc;

	buf_reset(&resp->body);
	if ((rc = buf_append(&resp->body, html, len)) < 0)
		return rc;
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	return 0;
}

int http_respond_page(struct http_response *resp, struct http_request *req, int status,
		      const char *name, const struct template_var *vars, size_t count)
{
	struct sx_error err;
	int rc;

	buf_reset(&resp->body);
	sx_error_clear(&err);
	rc = template_render_page(&resp->body, name, vars, count, &err);
	if (rc < 0)
		return http_respond_error(resp, req, &err);
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	return 0;
}

int http_respond_redirect(struct http_response *resp, struct http_request *req,
			  const char *location)
{
	int rc = http_response_header(resp, req, "Location", location);

	if (rc < 0)
		return rc;
	buf_reset(&resp->body);
	resp->status = 303;
	resp->content_type = "text/plain; charset=utf-8";
	return 0;
}

bool http_request_wants_json(const struct http_request *req)
{
	const char *accept;

	if (strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/healthz") == 0 ||
	    strncmp(req->path, "/ledger/", 8) == 0)
		return true;
	accept = http_request_header(req, "Accept");
	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

int http_respond_error(struct http_response *resp, struct http_request *req,
		       const struct sx_error *err)
{
	int rc_code = err && err->rc ? err->rc : SX_EINTERNAL;
	int status = http_status_for_error(rc_code);
	const char *code = err && err->code[0] ? err->code : sx_errno_code(rc_code);
	const char *message = err && err->message[0] ? err->message : sx_errno_message(rc_code);
	int rc;

	respond__close_fd(resp);

	if (status >= 500)
		sx_log(SX_LOG_ERROR, "%s %s: %s (%s)", req->method, req->path, code,
		       err && err->detail[0] ? err->detail : "-");
	if (http_request_wants_json(req)) {
		json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);

		if (body == NULL)
			return SX_ENOMEM;
		rc = http_respond_json(resp, status, body);
		json_decref(body);
		return rc;
	}
	{
		struct template_var vars[] = {
			{"title", "出错了"},
			{"status", pool_printf(req->pool, "%d", status)},
			{"message", message},
			{"code", code},
		};

		buf_reset(&resp->body);
		rc = template_render_page(&resp->body, "error.html", vars,
					  sizeof(vars) / sizeof(vars[0]), NULL);
		if (rc < 0)
			return rc;
		resp->status = status;
		resp->content_type = "text/html; charset=utf-8";
	}
	return 0;
}

int http_set_cookie(struct http_response *resp, struct http_request *req, const char *name,
		    const char *value, int64_t max_age_seconds)
{
	char max_age[48] = "";
	const char *line;

	if (max_age_seconds >= 0)
		snprintf(max_age, sizeof(max_age), "; Max-Age=%lld", (long long)max_age_seconds);
	line = pool_printf(req->pool, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
			   req->app->tls_proxy ? "; Secure" : "", max_age);
	if (line == NULL)
		return SX_ENOMEM;
	return http_response_header(resp, req, "Set-Cookie", line);
}

bool http_request_content_type_is(const struct http_request *req, const char *media_type)
{
	const char *ct = http_request_header(req, "Content-Type");
	size_t len = strlen(media_type);

	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, media_type, len) != 0)
		return false;
	return ct[len] == '\0' || ct[len] == ';' || ct[len] == ' ';
}

int http_request_json(json_t **out, const struct http_request *req, struct sx_error *err)
{
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (!http_request_content_type_is(req, "application/json"))
		return sx_error_set(err, SX_EUNSUPPORTED, "unsupported",
				    "请求体须为 JSON（Content-Type: application/json）");
	if (!codec_is_valid_utf8(req->body, req->body_len))
		return sx_error_set(err, SX_EINVALID, "bad_json", "请求体不是合法的 UTF-8 JSON");
	root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return sx_error_setf(err, SX_EINVALID, "bad_json", "请求体不是合法的 JSON",
				     "json line %d col %d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return sx_error_set(err, SX_EINVALID, "bad_json", "请求体须为 JSON 对象");
	}
	*out = root;
	return 0;
}

int http_json_check_fields(json_t *obj, const char *const *allowed, struct sx_error *err)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		bool known = false;

		(void)value;
		for (size_t i = 0; allowed[i] && !known; i++)
			known = strcmp(allowed[i], key) == 0;
		if (!known) {
			char message[SX_ERROR_MESSAGE_MAX];

			snprintf(message, sizeof(message), "不支持的字段：%.*s",
				 codec_utf8_prefix_len(key, 64), key);
			return sx_error_set(err, SX_EINVALID, "unknown_field", message);
		}
	}
	return 0;
}

int http_json_string(const char **out, size_t *len, json_t *obj, const char *field,
		     struct sx_error *err)
{
	json_t *value = json_object_get(obj, field);

	*out = NULL;
	if (!json_is_string(value)) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "缺少字段或类型错误：%s", field);
		return sx_error_set(err, SX_EINVALID, "invalid", message);
	}
	*out = json_string_value(value);
	if (len)
		*len = json_string_length(value);
	return 0;
}

int http_request_form(struct http_form *out, const struct http_request *req,
		      struct sx_error *err)
{
	const char *p = req->body;
	const char *end = req->body + req->body_len;

	memset(out, 0, sizeof(*out));
	if (!http_request_content_type_is(req, "application/x-www-form-urlencoded"))
		return sx_error_set(err, SX_EUNSUPPORTED, "unsupported", "表单类型不受支持");
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pair_end = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pair_end - p));
		const char *name_end = eq ? eq : pair_end;
		const char *value = eq ? eq + 1 : pair_end;
		size_t name_len = (size_t)(name_end - p), value_len = (size_t)(pair_end - value);
		char *name_out, *value_out;
		size_t n = 0;

		if (name_len > 0) {
			if (out->count == sizeof(out->fields) / sizeof(out->fields[0]))
				return sx_error_set(err, SX_ETOOBIG, "too_large", "表单字段过多");
			name_out = pool_alloc(req->pool, name_len + 1);
			value_out = pool_alloc(req->pool, value_len + 1);
			if (name_out == NULL || value_out == NULL)
				return sx_error_set(err, SX_ENOMEM, NULL, NULL);
			if (codec_url_decode(name_out, name_len + 1, &n, p, name_len, true) < 0 ||
			    codec_url_decode(value_out, value_len + 1, &n, value, value_len, true) < 0 ||
			    !codec_is_valid_utf8(value_out, n))
				return sx_error_set(err, SX_EINVALID, "bad_form", "表单内容格式错误");
			out->fields[out->count].name = name_out;
			out->fields[out->count].value = value_out;
			out->count++;
		}
		p = amp ? amp + 1 : end;
	}
	return 0;
}

const char *http_form_get(const struct http_form *form, const char *name)
{
	for (size_t i = 0; i < form->count; i++) {
		if (strcmp(form->fields[i].name, name) == 0)
			return form->fields[i].value;
	}
	return NULL;
}
