/*
 * base/buf — see buf.h. Growth doubles the allocation (from BUF_MIN_CAP)
 * and never allocates more than max_bytes + 1, so a capped buffer cannot be
 * used to make the process hold more than its cap. Every appender first
 * computes how many bytes it will add, reserves them, then writes: that is
 * what makes appends all-or-nothing.
 */
#include "base/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"

/* First allocation: enough for ids and short strings without a string of tiny reallocs. */
#define BUF_MIN_CAP 64

void buf_init(struct buf *b, size_t max_bytes)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max_bytes = max_bytes;
}

/*
 * Makes room for extra more bytes of content plus the NUL. Checks the cap
 * before allocating; on failure b is unchanged.
 */
static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, new_cap, limit;
	char *data;

	if (extra > b->max_bytes || b->len > b->max_bytes - extra)
		return SX_ETOOBIG;
	/* <= max_bytes + 1, which wraps to 0 only when max_bytes is SIZE_MAX. */
	need = b->len + extra + 1;
	if (need == 0)
		return SX_ETOOBIG;
	if (need <= b->cap)
		return 0;
	limit = b->max_bytes == SIZE_MAX ? SIZE_MAX : b->max_bytes + 1;
	new_cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
	while (new_cap < need && new_cap <= SIZE_MAX / 2)
		new_cap *= 2;
	if (new_cap < need)
		new_cap = need;
	if (new_cap > limit)
		new_cap = limit;
	data = sx_realloc(b->data, new_cap);
	if (data == NULL)
		return SX_ENOMEM;
	if (b->data == NULL)
		data[0] = '\0';
	b->data = data;
	b->cap = new_cap;
	return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	int rc;

	if (b == NULL || (data == NULL && len != 0))
		return SX_EINVALID;
	if (len == 0)
		return 0;
	if ((rc = buf_reserve(b, len)) < 0)
		return rc;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
	if (s == NULL)
		return SX_EINVALID;
	return buf_append(b, s, strlen(s));
}

int buf_append_char(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rc;

	if (b == NULL || fmt == NULL)
		return SX_EINVALID;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SX_EINVALID;
	if (n == 0)
		return 0;
	if ((rc = buf_reserve(b, (size_t)n)) < 0)
		return rc;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		/* Arguments changed between the passes (only possible with a racing caller). */
		b->data[b->len] = '\0';
		return SX_EINVALID;
	}
	b->len += (size_t)n;
	return 0;
}

/* The entity for an HTML-special byte, or NULL when the byte is copied as is. */
static const char *html_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";  /* &apos; is not HTML 4; &#39; works everywhere */
	default:
		return NULL;
	}
}

int buf_append_html_escaped(struct buf *b, const char *s, size_t len)
{
	size_t out_len = 0;
	char *w;
	int rc;

	if (b == NULL || (s == NULL && len != 0))
		return SX_EINVALID;
	for (size_t i = 0; i < len; i++) {
		const char *entity = html_entity((unsigned char)s[i]);
		size_t n = entity ? strlen(entity) : 1;

		if (out_len > SIZE_MAX - n)
			return SX_ETOOBIG;
		out_len += n;
	}
	if (out_len == 0)
		return 0;
	if ((rc = buf_reserve(b, out_len)) < 0)
		return rc;
	w = b->data + b->len;
	for (size_t i = 0; i < len; i++) {
		const char *entity = html_entity((unsigned char)s[i]);

		if (entity != NULL) {
			size_t n = strlen(entity);

			memcpy(w, entity, n);
			w += n;
		} else {
			*w++ = s[i];
		}
	}
	b->len += out_len;
	b->data[b->len] = '\0';
	return 0;
}

/*
 * The short escape for c (RFC 8259 §7), 'u' when c needs \u00xx, or 0 when c
 * is copied as is.
 */
static char json_escape_char(unsigned char c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return c < 0x20 ? 'u' : 0;
	}
}

int buf_append_json_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t out_len = 2;  /* the quotes */
	char *w;
	int rc;

	if (b == NULL || (s == NULL && len != 0))
		return SX_EINVALID;
	if (!codec_is_valid_utf8(s, len))
		return SX_EINVALID;
	for (size_t i = 0; i < len; i++) {
		char e = json_escape_char((unsigned char)s[i]);
		size_t n = e == 0 ? 1 : e == 'u' ? 6 : 2;

		if (out_len > SIZE_MAX - n)
			return SX_ETOOBIG;
		out_len += n;
	}
	if ((rc = buf_reserve(b, out_len)) < 0)
		return rc;
	w = b->data + b->len;
	*w++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e = json_escape_char(c);

		if (e == 0) {
			*w++ = (char)c;
		} else if (e == 'u') {
			memcpy(w, "\\u00", 4);
			w[4] = hex[c >> 4];
			w[5] = hex[c & 0x0f];
			w += 6;
		} else {
			w[0] = '\\';
			w[1] = e;
			w += 2;
		}
	}
	*w = '"';
	b->len += out_len;
	b->data[b->len] = '\0';
	return 0;
}

void buf_reset(struct buf *b)
{
	if (b == NULL)
		return;
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	sx_free(b->data);
	buf_init(b, b->max_bytes);
}

char *buf_detach(struct buf *b, size_t *len_out)
{
	char *data;
	size_t len;

	if (len_out != NULL)
		*len_out = 0;
	if (b == NULL)
		return NULL;
	if (b->data == NULL) {
		data = sx_strdup("");
		if (data == NULL)
			return NULL;
		len = 0;
	} else {
		data = b->data;
		len = b->len;
	}
	buf_init(b, b->max_bytes);
	if (len_out != NULL)
		*len_out = len;
	return data;
}

struct slice buf_as_slice(const struct buf *b)
{
	struct slice s = {NULL, 0};

	if (b != NULL && b->data != NULL) {
		s.ptr = b->data;
		s.len = b->len;
	}
	return s;
}

struct slice slice_from_str(const char *s)
{
	struct slice out = {NULL, 0};

	if (s != NULL) {
		out.ptr = s;
		out.len = strlen(s);
	}
	return out;
}

bool slice_eq_str(struct slice s, const char *str)
{
	size_t n;

	if (str == NULL)
		return false;
	n = strlen(str);
	if (n != s.len)
		return false;
	return n == 0 || memcmp(s.ptr, str, n) == 0;
}
