/*
 * http/multipart — a strict, bounded reader of multipart/form-data bodies
 * (what a browser sends for a <form enctype="multipart/form-data"> with a
 * file input), over a body already complete in memory.
 *
 * It reads the boundary from the request's Content-Type value, splits the
 * body into parts, and for each part reads the Content-Disposition
 * parameters name= and filename= and the optional Content-Type. A part's
 * data is a slice of the body: nothing is copied, so the body must outlive
 * the form. No allocation.
 *
 * Specs: RFC 7578 (multipart/form-data), RFC 2046 §5.1.1 (the multipart
 * syntax: preamble, "--" boundary delimiter lines, close delimiter,
 * epilogue), RFC 2045 §5.1 (parameters: token or quoted-string), RFC 2183
 * (Content-Disposition).
 *
 * What is accepted:
 *   - Content-Type "multipart/form-data" (any case) with exactly one
 *     boundary parameter, a token or a quoted-string of 1–70 characters from
 *     RFC 2046's bchars, not ending in a space; other parameters are ignored;
 *   - a preamble before the first delimiter line and an epilogue after the
 *     close delimiter (both ignored); transport padding (spaces and tabs)
 *     after a delimiter; the close delimiter may end the body without CRLF;
 *   - part headers: "Name: value" lines ending in CRLF, then an empty line.
 *     Content-Disposition must be "form-data" with a name parameter;
 *     Content-Type is kept as given; Content-Transfer-Encoding may only be
 *     7bit, 8bit or binary (RFC 7578 §4.7); other header fields are ignored
 *     (RFC 7578 §4.8). Parameters other than name and filename are ignored.
 *   - quoted-strings: "\"" and "\\" are escapes for '"' and '\'; a backslash
 *     before any other character is kept as it is, because Internet Explorer
 *     (and IE mode in the browsers agencies use) sends Windows paths such as
 *     "C:\Users\x\a.csv" unescaped. Percent escapes (HTML's %22 for '"') are
 *     not decoded.
 *   - filename keeps only what follows the last '/' or '\' (RFC 7578 §4.2:
 *     a path is not to be trusted, and IE sends the whole one), cut to 255
 *     bytes at a character boundary; it may be empty (a file input with no
 *     file chosen), which has_filename tells from "no filename parameter".
 *
 * What is refused, as SX_EINVALID with code "bad_multipart" and the message
 * "上传的表单格式不正确" (the reason is in the error's detail, for the log):
 * another media type; a missing, empty, too long or ill-formed boundary; a
 * body without a delimiter line, without parts, or without the close
 * delimiter; text after a delimiter other than padding; lines ending in a
 * bare CR or LF in the headers; obsolete header line folding; a header line
 * over MULTIPART_MAX_HEADER_LINE_BYTES or more than
 * MULTIPART_MAX_HEADER_LINES of them in a part; a part without
 * Content-Disposition form-data and a name, with an empty name or one over
 * MULTIPART_MAX_NAME_BYTES, or with name or filename given twice; extended
 * parameters (name*=, filename*=: RFC 7578 §4.2 forbids them); names and
 * filenames that are not UTF-8 or hold control characters; a part
 * Content-Type over 127 bytes or not printable ASCII; more than
 * MULTIPART_MAX_PARTS parts; a delimiter line that carries more text than
 * the boundary (RFC 2046: the boundary must not occur in the data, so such a
 * body is malformed rather than data).
 *
 * Line breaks are CRLF throughout, as browsers send them; inside a part's
 * data anything goes (CRLFs, "--boundary" not at the start of a line), up to
 * the CRLF that begins the next delimiter line, which belongs to the
 * delimiter and not to the data.
 *
 * What it does not do: no streaming, no nested multipart/mixed (RFC 7578
 * §4.3 deprecates it), no charset conversion (browsers send the page's
 * UTF-8), no _charset_ field handling, no limit on the body length (the
 * server's --max-body-bytes has bounded it already).
 */
#ifndef SX_HTTP_MULTIPART_H
#define SX_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define MULTIPART_MAX_PARTS 16
#define MULTIPART_MAX_HEADER_LINE_BYTES 1024 /* bytes of one header line, CRLF excluded */
#define MULTIPART_MAX_HEADER_LINES 8         /* header lines of one part */
#define MULTIPART_MAX_NAME_BYTES 64          /* bytes of a part's name */
#define MULTIPART_MAX_BOUNDARY_BYTES 70      /* RFC 2046 §5.1.1 */
#define MULTIPART_FILENAME_SIZE 256          /* filename[]: up to 255 bytes and a NUL */
#define MULTIPART_CONTENT_TYPE_SIZE 128      /* content_type[]: up to 127 bytes and a NUL */

/* One part of a form. The strings are NUL-terminated copies; data points into the body. */
struct multipart_part {
	char name[MULTIPART_MAX_NAME_BYTES + 1];        /* 1..64 bytes of UTF-8 */
	char filename[MULTIPART_FILENAME_SIZE];         /* last path element; "" = none or empty */
	bool has_filename;                              /* a filename parameter was given */
	char content_type[MULTIPART_CONTENT_TYPE_SIZE]; /* as sent; "" = none (text/plain) */
	const char *data;                               /* into the body; not NULL after parsing */
	size_t len;                                     /* bytes at data, NULs included */
};

/* A parsed form: parts in the order of the body. */
struct multipart_form {
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	size_t count; /* 1..MULTIPART_MAX_PARTS after a successful parse */
};

/*
 * Parses body[0..len) as multipart/form-data with the boundary of
 * content_type (the request's Content-Type header value, NUL-terminated;
 * NULL when the request had none). body need not be NUL-terminated and may
 * be NULL when len is 0; it must outlive *out, whose data slices point into it.
 * Returns 0 and fills *out; SX_EINVALID "bad_multipart" (see the header
 * comment), or SX_EINVALID "invalid" when out is NULL or body is NULL with
 * len > 0. On error *out holds no parts (count 0).
 */
int multipart_parse(struct multipart_form *out, const char *content_type, const char *body,
		    size_t len, struct sx_error *err);

/*
 * The first part called name (compared exactly), borrowed from form; NULL
 * when there is none or an argument is NULL. A form may repeat a name (a
 * group of checkboxes); the others are in form->parts.
 */
const struct multipart_part *multipart_get(const struct multipart_form *form, const char *name);

#endif
