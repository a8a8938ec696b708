/*
 * http/html — small pieces shared by the pages that build HTML fragments in
 * C (lists, registry, staff pages): escaped text, percent-encoded URL parts,
 * the pager, and the positive whole numbers that pages read from the query
 * or the path (page numbers, version numbers).
 *
 * Invariant: whatever these append is safe inside element content and inside
 * a double-quoted attribute.
 */
#ifndef SX_HTTP_HTML_H
#define SX_HTTP_HTML_H

#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

/* Appends s HTML-escaped; NULL appends nothing. */
int html_text(struct buf *b, const char *s);

/* Appends s percent-encoded for a path segment or query value (RFC 3986
 * unreserved characters kept, every other byte as %XX). The output holds only
 * unreserved characters and '%', none special in HTML. NULL appends nothing. */
int html_url_value(struct buf *b, const char *s);

/*
 * Reads a positive whole number of 1–9 decimal digits. Absent or empty text
 * gives `absent`. Anything else — signs, spaces, 0, more digits — is
 * SX_EINVALID with the caller's code and message (e.g. "bad_page").
 */
int html_number_arg(int64_t *out, const char *text, int64_t absent, const char *code,
		    const char *message, struct sx_error *err);

/* html_number_arg for page numbers and page sizes: SX_EINVALID "bad_page". */
int html_page_arg(int64_t *out, const char *text, int64_t absent, struct sx_error *err);

/*
 * A pager under a list: "上一页 第 N 页，共 M 页 下一页" linking to
 * path?agency=…&q=…&page=N (agency and q left out when empty). Nothing when
 * everything fits on one page.
 */
int html_pager(struct buf *b, const char *path, const char *agency, const char *q, int64_t page,
	       int64_t page_size, int64_t total);

/*
 * Appends fmt to b, where %s is a string HTML-escaped (NULL = nothing), %u a
 * string percent-encoded for a URL part, %r a trusted fragment the caller
 * built (appended as is), %d an int, %D an int64_t and %% a percent sign.
 * Safe by default: only %r appends unescaped text. Returns 0 or the first
 * buf error.
 */
int html_appendf(struct buf *b, const char *fmt, ...);

#endif
