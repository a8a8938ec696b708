/*
 * base/buf — strings that carry their length: struct buf (owning, growable,
 * with a hard cap) and struct slice (borrowed view).
 *
 * Invariants of struct buf:
 *   - len <= max_bytes, always: an append that would pass the cap fails with
 *     SX_ETOOBIG and leaves the buffer as it was (same len, same bytes);
 *   - data is NULL until the first non-empty append, and afterwards always
 *     NUL-terminated at data[len] (cap >= len + 1), so data can be handed to
 *     C string APIs when the content has no inner NUL;
 *   - every append is all-or-nothing: on any error nothing is appended.
 * Appenders may move data, so their input must not point into the same
 * buffer (append a copy instead).
 * The contents may contain NUL bytes (buf_append copies any bytes); only the
 * escaping appenders promise text.
 *
 * What it does not do: no shrinking, no insertion or removal in the middle,
 * no thread safety (one owner at a time).
 *
 * Modelled on curl's dynbuf (lib/dynbuf.c, docs/DYNBUF.md). JSON strings
 * follow RFC 8259 §7 with the minimal escaping of RFC 8785 §3.2.2.2, so the
 * output is also canonical JSON; HTML escaping follows the OWASP rule for
 * element content and quoted attribute values.
 */
#ifndef SX_BASE_BUF_H
#define SX_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* A borrowed run of bytes; not NUL-terminated in general. ptr may be NULL when len is 0. */
struct slice {
	const char *ptr;
	size_t len;
};

/* An owned, growable byte string; see the invariants above. */
struct buf {
	char *data;        /* sx_malloc'd; NULL until first growth; then NUL at data[len] */
	size_t len;        /* bytes of content, excluding the NUL; 0..max_bytes */
	size_t cap;        /* bytes allocated at data (content + NUL); 0 when data is NULL */
	size_t max_bytes;  /* hard cap on len, set by buf_init */
};

/* Makes b an empty buffer that may grow to max_bytes bytes of content. Allocates nothing. */
void buf_init(struct buf *b, size_t max_bytes);

/*
 * Appends len bytes from data (which may be NULL when len is 0).
 * Returns 0, SX_ETOOBIG (len + b->len would exceed max_bytes), SX_ENOMEM,
 * SX_EINVALID (NULL b, or NULL data with len > 0). On error b is unchanged.
 */
int buf_append(struct buf *b, const void *data, size_t len);

/* Appends the NUL-terminated string s (not its NUL). Same returns as buf_append. */
int buf_append_str(struct buf *b, const char *s);

/* Appends one byte. Same returns as buf_append. */
int buf_append_char(struct buf *b, char c);

/*
 * Appends printf-formatted text. Returns 0, SX_ETOOBIG, SX_ENOMEM, or
 * SX_EINVALID (NULL argument or a formatting error). On error b is unchanged.
 */
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends s[0..len) escaped for HTML element content and quoted attribute
 * values: & < > " ' become &amp; &lt; &gt; &quot; &#39;; every other byte is
 * copied. It does not make text safe inside <script>, <style>, unquoted
 * attributes or URLs. Returns as buf_append; on error b is unchanged.
 */
int buf_append_html_escaped(struct buf *b, const char *s, size_t len);

/*
 * Appends s[0..len) as a quoted JSON string. Escapes " and \ and the control
 * characters U+0000..U+001F (\b \t \n \f \r, others as \u00xx) and nothing
 * else, as RFC 8785 requires, so the same text always gives the same bytes.
 * The output is not safe to place inside an HTML <script> element as is.
 * Returns 0, SX_EINVALID (s is not well-formed UTF-8, or NULL with len > 0),
 * SX_ETOOBIG, SX_ENOMEM. On error b is unchanged.
 */
int buf_append_json_string(struct buf *b, const char *s, size_t len);

/* Empties b (len = 0) and keeps its memory for reuse. */
void buf_reset(struct buf *b);

/* Frees b's memory and makes it empty again with the same max_bytes. b may be NULL. */
void buf_free(struct buf *b);

/*
 * Hands the content to the caller and leaves b empty (as after buf_free).
 * Returns a NUL-terminated string the caller frees with sx_free; an empty
 * buffer gives an allocated "". *len_out (len_out may be NULL) receives the
 * length. Returns NULL (and *len_out = 0) only when b is NULL or allocating
 * the empty string fails; b is then unchanged.
 */
char *buf_detach(struct buf *b, size_t *len_out);

/* A view of b's content, valid until b is next changed. */
struct slice buf_as_slice(const struct buf *b);

/* A view of the NUL-terminated string s, without its NUL; {NULL, 0} when s is NULL. */
struct slice slice_from_str(const char *s);

/* Whether s holds exactly the bytes of the NUL-terminated string str. False when str is NULL. */
bool slice_eq_str(struct slice s, const char *str);

#endif
