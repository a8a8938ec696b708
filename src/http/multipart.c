/*
 * http/multipart — see multipart.h.
 *
 * How it works: the boundary comes first, from the Content-Type value; the
 * body is then walked with a position and an end pointer (never a NUL
 * hunt). A part's data runs to the next "CRLF--boundary", which is found
 * with memchr for CR and a compare, so the walk is linear in the body
 * whatever its bytes. Header lines are scanned at most
 * MULTIPART_MAX_HEADER_LINE_BYTES + 1 bytes ahead, and parameter values are
 * unquoted into a stack buffer of one header line, so every copy is bounded
 * by the line limit before it is bounded by its field.
 *
 * Every refusal goes through multipart__fail with a short English reason
 * for the log; the person sees one message, since a malformed form is the
 * sending program's fault and nothing a clerk can fix by hand.
 */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/codec.h"

#define MULTIPART_MESSAGE "上传的表单格式不正确"

static int multipart__fail(struct sx_error *err, const char *why)
{
	return sx_error_setf(err, SX_EINVALID, "bad_multipart", MULTIPART_MESSAGE, "multipart: %s",
			     why);
}

/* RFC 2045 §5.1 token characters: printable ASCII but space and tspecials. */
static bool multipart__is_token_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u < 0x7f && strchr("()<>@,;:\\\"/[]?=", u) == NULL;
}

/* RFC 2046 §5.1.1 bchars: DIGIT ALPHA ' ( ) + _ , - . / : = ? and space. */
static bool multipart__is_bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

static bool multipart__is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static const char *multipart__skip_ows(const char *p, const char *end)
{
	while (p < end && multipart__is_ows(*p))
		p++;
	return p;
}

static const char *multipart__skip_token(const char *p, const char *end)
{
	while (p < end && multipart__is_token_char(*p))
		p++;
	return p;
}

/* Whether s[0..len) is word, ignoring ASCII case. */
static bool multipart__is_word(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

static bool multipart__is_crlf(const char *p, const char *end)
{
	return end - p >= 2 && p[0] == '\r' && p[1] == '\n';
}

/*
 * Reads a parameter value at p: a token, or a quoted-string with the escapes
 * \" and \\ (any other backslash is kept: see multipart.h). The unquoted
 * value goes to value, NUL-terminated; value_size must exceed end - p, so it
 * always fits. Control characters are refused. Returns the position after
 * the value, or NULL with *why.
 */
static const char *multipart__value(const char *p, const char *end, char *value,
				    size_t value_size, size_t *value_len, const char **why)
{
	size_t n = 0;

	if ((size_t)(end - p) >= value_size) {
		*why = "parameter value too long";
		return NULL;
	}
	if (p < end && *p == '"') {
		for (p++; p < end; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '"') {
				value[n] = '\0';
				*value_len = n;
				return p + 1;
			}
			if (c == '\\' && end - p > 1 && (p[1] == '"' || p[1] == '\\'))
				c = (unsigned char)*++p;
			else if (c < 0x20 || c == 0x7f) {
				*why = "control character in a quoted string";
				return NULL;
			}
			value[n++] = (char)c;
		}
		*why = "unterminated quoted string";
		return NULL;
	}
	while (p < end && multipart__is_token_char(*p))
		value[n++] = *p++;
	if (n == 0) {
		*why = "parameter without a value";
		return NULL;
	}
	value[n] = '\0';
	*value_len = n;
	return p;
}

/*
 * Reads the next parameter of a header value at *pos: OWS ";" OWS token OWS
 * "=" OWS value. Returns 1 with its name (a slice of the input) and its
 * value (as multipart__value) and moves *pos past it; 0 when only OWS is
 * left; SX_EINVALID with *why.
 */
static int multipart__param(const char **pos, const char *end, struct slice *name, char *value,
			    size_t value_size, size_t *value_len, const char **why)
{
	const char *p = multipart__skip_ows(*pos, end);

	if (p == end)
		return 0;
	if (*p != ';') {
		*why = "text where ';' and a parameter should be";
		return SX_EINVALID;
	}
	p = multipart__skip_ows(p + 1, end);
	name->ptr = p;
	p = multipart__skip_token(p, end);
	name->len = (size_t)(p - name->ptr);
	if (name->len == 0) {
		*why = "parameter without a name";
		return SX_EINVALID;
	}
	p = multipart__skip_ows(p, end);
	if (p == end || *p != '=') {
		*why = "parameter without '='";
		return SX_EINVALID;
	}
	p = multipart__skip_ows(p + 1, end);
	if ((p = multipart__value(p, end, value, value_size, value_len, why)) == NULL)
		return SX_EINVALID;
	*pos = p;
	return 1;
}

/*
 * Reads the boundary parameter of a Content-Type value of type
 * multipart/form-data into out (MULTIPART_MAX_BOUNDARY_BYTES + 1 bytes).
 * Returns 0, or SX_EINVALID with *why.
 */
static int multipart__boundary(char *out, size_t *out_len, const char *content_type,
			       const char **why)
{
	char value[MULTIPART_MAX_HEADER_LINE_BYTES + 1];
	const char *p, *end, *type;
	struct slice name;
	size_t header_len, len = 0;
	bool found = false;
	int rc;

	if (content_type == NULL) {
		*why = "no Content-Type";
		return SX_EINVALID;
	}
	header_len = strnlen(content_type, MULTIPART_MAX_HEADER_LINE_BYTES + 1);
	if (header_len > MULTIPART_MAX_HEADER_LINE_BYTES) {
		*why = "Content-Type too long";
		return SX_EINVALID;
	}
	end = content_type + header_len;
	type = multipart__skip_ows(content_type, end);
	p = multipart__skip_token(type, end);
	if (!multipart__is_word(type, (size_t)(p - type), "multipart") || p == end || *p != '/') {
		*why = "media type is not multipart/form-data";
		return SX_EINVALID;
	}
	type = p + 1;
	p = multipart__skip_token(type, end);
	if (!multipart__is_word(type, (size_t)(p - type), "form-data")) {
		*why = "media type is not multipart/form-data";
		return SX_EINVALID;
	}
	while ((rc = multipart__param(&p, end, &name, value, sizeof(value), &len, why)) == 1) {
		if (!multipart__is_word(name.ptr, name.len, "boundary"))
			continue;
		if (found) {
			*why = "boundary given twice";
			return SX_EINVALID;
		}
		found = true;
		if (len == 0 || len > MULTIPART_MAX_BOUNDARY_BYTES || value[len - 1] == ' ') {
			*why = "boundary empty, over 70 characters or ending in a space";
			return SX_EINVALID;
		}
		for (size_t i = 0; i < len; i++) {
			if (!multipart__is_bchar(value[i])) {
				*why = "boundary with a character outside RFC 2046 bchars";
				return SX_EINVALID;
			}
		}
		memcpy(out, value, len + 1);
		*out_len = len;
	}
	if (rc < 0)
		return rc;
	if (!found) {
		*why = "no boundary parameter";
		return SX_EINVALID;
	}
	return 0;
}

/* The CRLF that starts the next "CRLF--boundary" at or after p; NULL when there is none. */
static const char *multipart__find_delimiter(const char *p, const char *end, const char *boundary,
					     size_t boundary_len)
{
	while ((size_t)(end - p) >= boundary_len + 4) {
		/* A CR further on leaves no room for the whole delimiter. */
		const char *cr = memchr(p, '\r', (size_t)(end - p) - boundary_len - 3);

		if (cr == NULL)
			return NULL;
		if (cr[1] == '\n' && cr[2] == '-' && cr[3] == '-' &&
		    memcmp(cr + 4, boundary, boundary_len) == 0)
			return cr;
		p = cr + 1;
	}
	return NULL;
}

/*
 * What follows "--boundary" at p: "--" (the close delimiter: *last = true,
 * then padding and the end or a CRLF and the epilogue), or padding and CRLF
 * (a part follows). Returns the position after it (end after the close
 * delimiter), or NULL with *why.
 */
static const char *multipart__after_delimiter(const char *p, const char *end, bool *last,
					      const char **why)
{
	*last = end - p >= 2 && p[0] == '-' && p[1] == '-';
	if (*last) {
		p = multipart__skip_ows(p + 2, end);
		if (p == end || multipart__is_crlf(p, end))
			return end;
		*why = "text after the close delimiter on its line";
		return NULL;
	}
	p = multipart__skip_ows(p, end);
	if (multipart__is_crlf(p, end))
		return p + 2;
	*why = "text after a delimiter on its line";
	return NULL;
}

/* Keeps the last element of a path in s (both '/' and '\' separate), in place. */
static void multipart__basename(char *s, size_t *len)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++) {
		if (s[i] == '/' || s[i] == '\\')
			start = i + 1;
	}
	memmove(s, s + start, *len - start + 1);
	*len -= start;
}

/* Reads a Content-Disposition value v[0..end) into part. Returns 0 or SX_EINVALID with *why. */
static int multipart__disposition(struct multipart_part *part, const char *v, const char *end,
				  const char **why)
{
	char value[MULTIPART_MAX_HEADER_LINE_BYTES + 1];
	const char *p = multipart__skip_token(v, end);
	bool has_name = false;
	struct slice name;
	size_t len = 0;
	int rc;

	if (!multipart__is_word(v, (size_t)(p - v), "form-data")) {
		*why = "Content-Disposition is not form-data";
		return SX_EINVALID;
	}
	while ((rc = multipart__param(&p, end, &name, value, sizeof(value), &len, why)) == 1) {
		if (name.ptr[name.len - 1] == '*') {
			*why = "extended parameter (RFC 7578 §4.2 forbids name*= and filename*=)";
			return SX_EINVALID;
		}
		if (multipart__is_word(name.ptr, name.len, "name")) {
			if (has_name) {
				*why = "name given twice";
				return SX_EINVALID;
			}
			if (len == 0 || len > MULTIPART_MAX_NAME_BYTES ||
			    !codec_is_valid_utf8(value, len)) {
				*why = "name empty, over 64 bytes or not UTF-8";
				return SX_EINVALID;
			}
			memcpy(part->name, value, len + 1);
			has_name = true;
		} else if (multipart__is_word(name.ptr, name.len, "filename")) {
			if (part->has_filename) {
				*why = "filename given twice";
				return SX_EINVALID;
			}
			if (!codec_is_valid_utf8(value, len)) {
				*why = "filename not UTF-8";
				return SX_EINVALID;
			}
			multipart__basename(value, &len);
			len = (size_t)codec_utf8_prefix_len(value, sizeof(part->filename) - 1);
			memcpy(part->filename, value, len);
			part->filename[len] = '\0';
			part->has_filename = true;
		}
	}
	if (rc < 0)
		return rc;
	if (!has_name) {
		*why = "part without a name";
		return SX_EINVALID;
	}
	return 0;
}

/* Reads a part's Content-Type value v[0..end) (already trimmed). */
static int multipart__content_type(struct multipart_part *part, const char *v, const char *end,
				   const char **why)
{
	size_t len = (size_t)(end - v);

	if (len >= sizeof(part->content_type)) {
		*why = "part Content-Type over 127 bytes";
		return SX_EINVALID;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c > 0x7e) {
			*why = "part Content-Type not printable ASCII";
			return SX_EINVALID;
		}
	}
	memcpy(part->content_type, v, len);
	part->content_type[len] = '\0';
	return 0;
}

/*
 * The end of the header line at p: the CR of its CRLF, at most
 * MULTIPART_MAX_HEADER_LINE_BYTES bytes on. NULL with *why for a line too
 * long, a bare CR or LF or a NUL, or a body that ends first.
 */
static const char *multipart__line_end(const char *p, const char *end, const char **why)
{
	const size_t most = MULTIPART_MAX_HEADER_LINE_BYTES + 1; /* the line and its CR */
	size_t room = (size_t)(end - p);
	size_t scan = room < most ? room : most;

	for (const char *q = p; q < p + scan; q++) {
		if (*q == '\r') {
			if (q + 1 == end)
				break;
			if (q[1] == '\n')
				return q;
			*why = "bare CR in the part headers";
			return NULL;
		}
		if (*q == '\n') {
			*why = "bare LF in the part headers";
			return NULL;
		}
		if (*q == '\0') {
			*why = "NUL in the part headers";
			return NULL;
		}
	}
	*why = room > most ? "header line over 1024 bytes" : "body ends inside the part headers";
	return NULL;
}

/*
 * Reads the headers of a part at p, up to and including the empty line, into
 * part. Returns the position of the data, or NULL with *why.
 */
static const char *multipart__headers(struct multipart_part *part, const char *p,
				      const char *end, const char **why)
{
	bool has_disposition = false, has_type = false, has_encoding = false;
	size_t lines = 0;

	for (;;) {
		const char *eol = multipart__line_end(p, end, why);
		const char *colon, *v, *v_end;
		size_t name_len;

		if (eol == NULL)
			return NULL;
		if (eol == p)
			break;
		if (++lines > MULTIPART_MAX_HEADER_LINES) {
			*why = "more than 8 header lines in a part";
			return NULL;
		}
		colon = multipart__skip_token(p, eol);
		if (colon == p || colon == eol || *colon != ':') {
			/* Also obsolete line folding: a line that starts with a blank. */
			*why = "header line without a field name and ':'";
			return NULL;
		}
		name_len = (size_t)(colon - p);
		v = multipart__skip_ows(colon + 1, eol);
		v_end = eol;
		while (v_end > v && multipart__is_ows(v_end[-1]))
			v_end--;
		if (multipart__is_word(p, name_len, "Content-Disposition")) {
			if (has_disposition) {
				*why = "Content-Disposition given twice";
				return NULL;
			}
			has_disposition = true;
			if (multipart__disposition(part, v, v_end, why) < 0)
				return NULL;
		} else if (multipart__is_word(p, name_len, "Content-Type")) {
			if (has_type) {
				*why = "Content-Type given twice";
				return NULL;
			}
			has_type = true;
			if (multipart__content_type(part, v, v_end, why) < 0)
				return NULL;
		} else if (multipart__is_word(p, name_len, "Content-Transfer-Encoding")) {
			size_t value_len = (size_t)(v_end - v);

			if (has_encoding || !(multipart__is_word(v, value_len, "7bit") ||
					      multipart__is_word(v, value_len, "8bit") ||
					      multipart__is_word(v, value_len, "binary"))) {
				*why = "Content-Transfer-Encoding other than 7bit, 8bit or binary";
				return NULL;
			}
			has_encoding = true;
		}
		p = eol + 2;
	}
	if (!has_disposition) {
		*why = "part without Content-Disposition";
		return NULL;
	}
	return p + 2;
}

int multipart_parse(struct multipart_form *out, const char *content_type, const char *body,
		    size_t len, struct sx_error *err)
{
	char boundary[MULTIPART_MAX_BOUNDARY_BYTES + 1];
	size_t boundary_len = 0;
	const char *p, *end, *why = NULL;
	bool last = false;
	int rc;

	if (out == NULL || (body == NULL && len > 0))
		return sx_error_set(err, SX_EINVALID, "invalid", NULL);
	memset(out, 0, sizeof(*out));
	if (body == NULL)
		body = "";
	end = body + len;
	if ((rc = multipart__boundary(boundary, &boundary_len, content_type, &why)) < 0)
		goto cleanup;
	/* The first delimiter line: at the very start, or after the preamble's CRLF. */
	if (len >= boundary_len + 2 && body[0] == '-' && body[1] == '-' &&
	    memcmp(body + 2, boundary, boundary_len) == 0)
		p = body + 2 + boundary_len;
	else if ((p = multipart__find_delimiter(body, end, boundary, boundary_len)) != NULL)
		p += 4 + boundary_len;
	else {
		why = "no delimiter line";
		rc = SX_EINVALID;
		goto cleanup;
	}
	for (;;) {
		struct multipart_part *part;
		const char *next;

		if ((p = multipart__after_delimiter(p, end, &last, &why)) == NULL) {
			rc = SX_EINVALID;
			goto cleanup;
		}
		if (last)
			break;
		if (out->count == MULTIPART_MAX_PARTS) {
			why = "more than 16 parts";
			rc = SX_EINVALID;
			goto cleanup;
		}
		part = &out->parts[out->count];
		if ((p = multipart__headers(part, p, end, &why)) == NULL) {
			rc = SX_EINVALID;
			goto cleanup;
		}
		if ((next = multipart__find_delimiter(p, end, boundary, boundary_len)) == NULL) {
			why = "no close delimiter";
			rc = SX_EINVALID;
			goto cleanup;
		}
		part->data = p;
		part->len = (size_t)(next - p);
		out->count++;
		p = next + 4 + boundary_len;
	}
	if (out->count == 0) {
		why = "no parts";
		rc = SX_EINVALID;
	}
cleanup:
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		return multipart__fail(err, why);
	}
	return 0;
}

const struct multipart_part *multipart_get(const struct multipart_form *form, const char *name)
{
	if (form == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < form->count && i < MULTIPART_MAX_PARTS; i++) {
		if (strcmp(form->parts[i].name, name) == 0)
			return &form->parts[i];
	}
	return NULL;
}
