/*
 * Unit tests for http/multipart: the bodies browsers and curl really send
 * (Chromium's, Firefox's and curl's boundaries and headers, CRLFs inside a
 * file, an empty file input, IE's full Windows path), the RFC 2046 §5.1.1
 * example with its quoted boundary, preamble and epilogue, every limit at
 * its boundary and one past it, and the malformed bodies that must be
 * refused, each with the reason written to the log (the error's detail), so
 * that a case cannot pass by failing for another reason.
 *
 * Every body is handed to the parser in a heap buffer of exactly its length
 * (exact_copy), with no NUL after it, so AddressSanitizer reports any read
 * past the end. The parser does not allocate, so there is no
 * allocation-failure test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "http/multipart.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A string literal with its length, so that bodies may hold NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

/* What Chromium sends: "----WebKitFormBoundary" and 16 random characters. */
#define WEBKIT_CT "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"
#define WEBKIT "------WebKitFormBoundary7MA4YWxkTrZu0gW"
/* Firefox: 27 dashes and up to 30 digits. */
#define FIREFOX_CT                                                                                 \
	"multipart/form-data; boundary=---------------------------9051914041544843365972754266"
#define FIREFOX "-----------------------------9051914041544843365972754266"
/* curl -F: 24 dashes and 16 hex digits. */
#define CURL_CT "multipart/form-data; boundary=------------------------d74496d66958873e"
#define CURL "--------------------------d74496d66958873e"
/* Short boundary for the cases about one rule. */
#define B_CT "multipart/form-data; boundary=B"

#define MESSAGE "上传的表单格式不正确"

/* A heap copy of exactly len bytes without a NUL after it; NULL when len is 0. */
static char *exact_copy(const char *s, size_t len)
{
	char *copy;

	if (len == 0)
		return NULL;
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, s, len);
	return copy;
}

struct expected_part {
	const char *name;
	const char *filename;     /* NULL = no filename parameter */
	const char *content_type; /* "" = none */
	const char *data;
	size_t len;
};

struct parse_case {
	const char *why;
	const char *content_type;
	const char *body;
	size_t len;
	size_t count;
	struct expected_part parts[4];
};

static const struct parse_case good_cases[] = {
	{"Chromium: a hidden field, a CSV file with CRLFs inside (and at its end), a text field",
	 WEBKIT_CT,
	 LIT(WEBKIT "\r\n"
	     "Content-Disposition: form-data; name=\"csrf_token\"\r\n"
	     "\r\n"
	     "k7Qz-token\r\n" WEBKIT "\r\n"
	     "Content-Disposition: form-data; name=\"file\"; filename=\"officers.csv\"\r\n"
	     "Content-Type: text/csv\r\n"
	     "\r\n"
	     "姓名,执法证号\r\n张明,ZJ33010020260001\r\n\r\n" WEBKIT "\r\n"
	     "Content-Disposition: form-data; name=\"summary\"\r\n"
	     "\r\n"
	     "二〇二六年修订\r\n" WEBKIT "--\r\n"),
	 3,
	 {{"csrf_token", NULL, "", LIT("k7Qz-token")},
	  {"file", "officers.csv", "text/csv", LIT("姓名,执法证号\r\n张明,ZJ33010020260001\r\n")},
	  {"summary", NULL, "", LIT("二〇二六年修订")}}},
	{"Firefox on Windows: .csv as application/vnd.ms-excel, a Chinese file name",
	 FIREFOX_CT,
	 LIT(FIREFOX "\r\n"
	     "Content-Disposition: form-data; name=\"kind\"\r\n"
	     "\r\n"
	     "matters\r\n" FIREFOX "\r\n"
	     "Content-Disposition: form-data; name=\"file\"; filename=\"执法事项.csv\"\r\n"
	     "Content-Type: application/vnd.ms-excel\r\n"
	     "\r\n"
	     "事项编码\r\n" FIREFOX "--\r\n"),
	 2,
	 {{"kind", NULL, "", LIT("matters")},
	  {"file", "执法事项.csv", "application/vnd.ms-excel", LIT("事项编码")}}},
	{"curl -F: escaped backslash (a path separator) and quote, no CRLF after the end",
	 CURL_CT,
	 LIT(CURL "\r\n"
	     "Content-Disposition: form-data; name=\"file\"; filename=\"dir\\\\a\\\"b.csv\"\r\n"
	     "Content-Type: text/csv\r\n"
	     "\r\n"
	     "x\r\n" CURL "--"),
	 1,
	 {{"file", "a\"b.csv", "text/csv", LIT("x")}}},
	{"RFC 2046 §5.1.1 example as form-data: quoted boundary with a space, preamble, epilogue",
	 "multipart/form-data; boundary=\"simple boundary\"",
	 LIT("This is the preamble.  It is to be ignored, though it\r\n"
	     "is a handy place for composition agents to include an\r\n"
	     "explanatory note to non-MIME conformant readers.\r\n"
	     "\r\n"
	     "--simple boundary\r\n"
	     "Content-Disposition: form-data; name=\"a\"\r\n"
	     "\r\n"
	     "This is implicitly typed plain US-ASCII text.\r\n"
	     "It does NOT end with a linebreak.\r\n"
	     "--simple boundary\r\n"
	     "Content-Disposition: form-data; name=\"b\"\r\n"
	     "Content-type: text/plain; charset=us-ascii\r\n"
	     "\r\n"
	     "This is explicitly typed plain US-ASCII text.\r\n"
	     "It DOES end with a linebreak.\r\n"
	     "\r\n"
	     "--simple boundary--\r\n"
	     "\r\n"
	     "This is the epilogue.  It is also to be ignored.\r\n"),
	 2,
	 {{"a", NULL, "",
	   LIT("This is implicitly typed plain US-ASCII text.\r\n"
	       "It does NOT end with a linebreak.")},
	  {"b", NULL, "text/plain; charset=us-ascii",
	   LIT("This is explicitly typed plain US-ASCII text.\r\n"
	       "It DOES end with a linebreak.\r\n")}}},
	{"the boundary inside the data, but not at the start of a line, is data",
	 B_CT,
	 LIT("--B\r\n"
	     "Content-Disposition: form-data; name=\"f\"\r\n"
	     "\r\n"
	     "x--B\r\n-B\r\n--C\n--B\r--B\r\n--B--\r\n"),
	 1,
	 {{"f", NULL, "", LIT("x--B\r\n-B\r\n--C\n--B\r--B")}}},
	{"an empty file input: filename=\"\", application/octet-stream, no data",
	 WEBKIT_CT,
	 LIT(WEBKIT "\r\n"
	     "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
	     "Content-Type: application/octet-stream\r\n"
	     "\r\n"
	     "\r\n" WEBKIT "--\r\n"),
	 1,
	 {{"file", "", "application/octet-stream", LIT("")}}},
	{"IE: the whole Windows path, backslashes unescaped; only the last element is kept",
	 B_CT,
	 LIT("--B\r\n"
	     "Content-Disposition: form-data; name=\"file\"; "
	     "filename=\"C:\\Users\\clerk\\Desktop\\执法人员.csv\"\r\n"
	     "\r\n"
	     "1\r\n--B--\r\n"),
	 1,
	 {{"file", "执法人员.csv", "", LIT("1")}}},
	{"lower-case header names and form-data, unquoted token values, blanks around ';' and '='",
	 "Multipart/Form-Data ;charset=utf-8;  BOUNDARY = B",
	 LIT("--B\r\n"
	     "content-disposition:FORM-DATA ;name = n ; filename=a.csv\r\n"
	     "content-type:  text/csv  \r\n"
	     "\r\n"
	     "v\r\n--B--"),
	 1,
	 {{"n", "a.csv", "text/csv", LIT("v")}}},
	{"transport padding after delimiters, an unknown header and parameter ignored",
	 B_CT,
	 LIT("--B \t\r\n"
	     "X-Whatever: 1\r\n"
	     "Content-Disposition: form-data; name=\"n\"; size=3\r\n"
	     "Content-Transfer-Encoding: binary\r\n"
	     "\r\n"
	     "abc\r\n--B-- \r\n"),
	 1,
	 {{"n", NULL, "", LIT("abc")}}},
	{"binary data with NUL bytes, and a repeated name (both kept, in order)",
	 B_CT,
	 LIT("--B\r\n"
	     "Content-Disposition: form-data; name=\"n\"\r\n"
	     "\r\n"
	     "\0\x01\xff\r\n--B\r\n"
	     "Content-Disposition: form-data; name=\"n\"\r\n"
	     "\r\n"
	     "second\r\n--B--\r\n"),
	 2,
	 {{"n", NULL, "", LIT("\0\x01\xff")}, {"n", NULL, "", LIT("second")}}},
	{"a boundary of 70 characters, the most RFC 2046 allows",
	 "multipart/form-data; boundary="
	 "0123456789012345678901234567890123456789012345678901234567890123456789",
	 LIT("--0123456789012345678901234567890123456789012345678901234567890123456789\r\n"
	     "Content-Disposition: form-data; name=\"n\"\r\n"
	     "\r\n"
	     "v\r\n"
	     "--0123456789012345678901234567890123456789012345678901234567890123456789--\r\n"),
	 1,
	 {{"n", NULL, "", LIT("v")}}},
};

static void check_part(const struct multipart_part *got, const struct expected_part *want,
		       const char *body, size_t len, const char *why)
{
	if (strcmp(got->name, want->name) != 0)
		fail_msg("%s: name \"%s\", want \"%s\"", why, got->name, want->name);
	if (got->has_filename != (want->filename != NULL) ||
	    strcmp(got->filename, want->filename ? want->filename : "") != 0)
		fail_msg("%s: filename \"%s\" (has %d), want \"%s\"", why, got->filename,
			 got->has_filename, want->filename ? want->filename : "(none)");
	if (strcmp(got->content_type, want->content_type) != 0)
		fail_msg("%s: content type \"%s\", want \"%s\"", why, got->content_type,
			 want->content_type);
	if (got->len != want->len || memcmp(got->data, want->data, want->len) != 0)
		fail_msg("%s: data \"%.*s\" (%zu bytes), want %zu bytes", why, (int)got->len,
			 got->data, got->len, want->len);
	/* A slice of the body, not a copy. */
	assert_true(got->data >= body && got->data + got->len <= body + len);
}

static void test_what_browsers_and_curl_send_is_read_part_by_part(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(good_cases); i++) {
		const struct parse_case *c = &good_cases[i];
		char *body = exact_copy(c->body, c->len);
		struct multipart_form form;
		struct sx_error err;
		int rc;

		sx_error_clear(&err);
		rc = multipart_parse(&form, c->content_type, body, c->len, &err);
		if (rc != 0)
			fail_msg("%s: rc %d, %s", c->why, rc, err.detail);
		if (form.count != c->count)
			fail_msg("%s: %zu parts, want %zu", c->why, form.count, c->count);
		for (size_t k = 0; k < c->count; k++)
			check_part(&form.parts[k], &c->parts[k], body, c->len, c->why);
		free(body);
	}
}

struct bad_case {
	const char *why;
	const char *content_type;
	const char *body;
	size_t len;
	const char *detail; /* part of the reason in err.detail */
};

#define ONE_PART(headers, data) "--B\r\n" headers "\r\n" data "\r\n--B--\r\n"
#define DISPOSITION(params) "Content-Disposition: form-data" params "\r\n"

static const struct bad_case bad_cases[] = {
	{"missing final boundary: the body stops after the data", WEBKIT_CT,
	 LIT(WEBKIT "\r\n"
	     "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
	     "\r\n"
	     "姓名,执法证号\r\n"),
	 "no close delimiter"},
	{"missing final boundary: a part delimiter ends the body", B_CT,
	 LIT("--B\r\n" DISPOSITION("; name=\"n\"") "\r\nv\r\n--B\r\n"),
	 "body ends inside the part headers"},
	{"the body stops inside the headers", B_CT, LIT("--B\r\nContent-Disposition: form-da"),
	 "body ends inside the part headers"},
	{"no Content-Type", NULL, LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")),
	 "no Content-Type"},
	{"urlencoded, not multipart", "application/x-www-form-urlencoded",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "not multipart/form-data"},
	{"multipart/mixed", "multipart/mixed; boundary=B",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "not multipart/form-data"},
	{"multipart/form-data without a boundary", "multipart/form-data",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "no boundary parameter"},
	{"an empty quoted boundary", "multipart/form-data; boundary=\"\"", LIT("----\r\n"),
	 "boundary empty"},
	{"a boundary of 71 characters", "multipart/form-data; boundary="
	 "01234567890123456789012345678901234567890123456789012345678901234567890",
	 LIT("--01234567890123456789012345678901234567890123456789012345678901234567890\r\n"),
	 "over 70"},
	{"a boundary ending in a space", "multipart/form-data; boundary=\"B \"",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "ending in a space"},
	{"a boundary with a character outside bchars", "multipart/form-data; boundary=a{b}",
	 LIT("--a{b}\r\n"), "bchars"},
	{"two boundaries", "multipart/form-data; boundary=B; boundary=C",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "boundary given twice"},
	{"text after the media type", "multipart/form-data boundary=B",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "';'"},
	{"a trailing ';' in the Content-Type", "multipart/form-data; boundary=B;",
	 LIT(ONE_PART(DISPOSITION("; name=\"n\""), "v")), "parameter without a name"},
	{"no delimiter line at all", B_CT, LIT("just text\r\n"), "no delimiter line"},
	{"an empty body", B_CT, NULL, 0, "no delimiter line"},
	{"only the close delimiter: no parts", B_CT, LIT("--B--\r\n"), "no parts"},
	{"the delimiter line carries more than the boundary", B_CT,
	 LIT("--Bx\r\n" DISPOSITION("; name=\"n\"") "\r\nv\r\n--B--\r\n"),
	 "text after a delimiter"},
	{"a longer boundary-like line starts inside the data", B_CT,
	 LIT("--B\r\n" DISPOSITION("; name=\"n\"") "\r\nv\r\n--Bogus\r\n--B--\r\n"),
	 "text after a delimiter"},
	{"text after the close delimiter and its padding, on its line", B_CT,
	 LIT("--B\r\n" DISPOSITION("; name=\"n\"") "\r\nv\r\n--B-- x\r\nepilogue"),
	 "close delimiter"},
	{"text after the close delimiter without CRLF", B_CT,
	 LIT("--B\r\n" DISPOSITION("; name=\"n\"") "\r\nv\r\n--B--epilogue"), "close delimiter"},
	{"bare LF line breaks", B_CT,
	 LIT("--B\nContent-Disposition: form-data; name=\"n\"\n\nv\n--B--\n"),
	 "text after a delimiter"},
	{"a bare LF inside the part headers", B_CT,
	 LIT("--B\r\nContent-Disposition: form-data; name=\"n\"\n\r\nv\r\n--B--\r\n"),
	 "bare LF"},
	{"a bare CR inside the part headers", B_CT,
	 LIT("--B\r\nContent-Disposition: form-data;\r name=\"n\"\r\n\r\nv\r\n--B--\r\n"),
	 "bare CR"},
	{"a NUL inside the part headers", B_CT,
	 LIT("--B\r\nContent-Disposition: form-data; name=\"n\0\"\r\n\r\nv\r\n--B--\r\n"),
	 "NUL in the part headers"},
	{"obsolete line folding", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"n\"") " ; filename=\"a.csv\"\r\n", "v")),
	 "without a field name"},
	{"a header line without ':'", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"n\"") "X-Note\r\n", "v")), "without a field name"},
	{"a blank before ':'", B_CT,
	 LIT(ONE_PART("Content-Disposition : form-data; name=n\r\n", "v")),
	 "without a field name"},
	{"no name", B_CT, LIT(ONE_PART(DISPOSITION("; filename=\"a.csv\""), "v")),
	 "part without a name"},
	{"an empty name", B_CT, LIT(ONE_PART(DISPOSITION("; name=\"\""), "v")), "name empty"},
	{"a name of 65 bytes", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"012345678901234567890123456789012345678901234567890"
				  "12345678901234\""),
		      "v")),
	 "over 64 bytes"},
	{"a name that is not UTF-8", B_CT, LIT(ONE_PART(DISPOSITION("; name=\"\xff\""), "v")),
	 "not UTF-8"},
	{"a filename that is not UTF-8 (GBK bytes)", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"f\"; filename=\"\xd6\xb4\xb7\xa8.csv\""), "v")),
	 "filename not UTF-8"},
	{"name given twice", B_CT, LIT(ONE_PART(DISPOSITION("; name=\"a\"; name=\"b\""), "v")),
	 "name given twice"},
	{"filename given twice", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"f\"; filename=\"a\"; filename=\"b\""), "v")),
	 "filename given twice"},
	{"filename*= (RFC 5987), which RFC 7578 forbids", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"f\"; filename*=UTF-8''a.csv"), "v")),
	 "extended parameter"},
	{"an unterminated quoted string", B_CT, LIT(ONE_PART(DISPOSITION("; name=\"n"), "v")),
	 "unterminated"},
	{"an escaped quote that leaves the string open", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"f\"; filename=\"C:\\dir\\\""), "v")), "unterminated"},
	{"a tab inside a quoted name", B_CT, LIT(ONE_PART(DISPOSITION("; name=\"a\tb\""), "v")),
	 "control character"},
	{"a parameter without a value", B_CT, LIT(ONE_PART(DISPOSITION("; name="), "v")),
	 "without a value"},
	{"a parameter without '='", B_CT, LIT(ONE_PART(DISPOSITION("; name"), "v")),
	 "without '='"},
	{"no Content-Disposition", B_CT, LIT(ONE_PART("Content-Type: text/plain\r\n", "v")),
	 "without Content-Disposition"},
	{"no headers at all", B_CT, LIT(ONE_PART("", "v")), "without Content-Disposition"},
	{"Content-Disposition attachment", B_CT,
	 LIT(ONE_PART("Content-Disposition: attachment; name=\"n\"\r\n", "v")), "not form-data"},
	{"Content-Disposition twice", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"a\"") DISPOSITION("; name=\"b\""), "v")),
	 "Content-Disposition given twice"},
	{"Content-Type twice", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"a\"") "Content-Type: a/b\r\nContent-Type: a/b\r\n",
		      "v")),
	 "Content-Type given twice"},
	{"a part Content-Type that is not ASCII", B_CT,
	 LIT(ONE_PART(DISPOSITION("; name=\"a\"") "Content-Type: 文本\r\n", "v")), "printable"},
	{"RFC 7578's quoted-printable example", B_CT,
	 LIT(ONE_PART("content-disposition: form-data; name=\"field1\"\r\n"
		      "content-type: text/plain;charset=UTF-8\r\n"
		      "content-transfer-encoding: quoted-printable\r\n",
		      "Joe owes =E2=82=AC10.00")),
	 "Content-Transfer-Encoding"},
};

static void expect_refused(const char *why, const char *content_type, const char *body,
			   size_t len, const char *detail)
{
	char *copy = exact_copy(body, len);
	struct multipart_form form;
	struct sx_error err;
	int rc;

	memset(&form, 0xa5, sizeof(form));
	sx_error_clear(&err);
	rc = multipart_parse(&form, content_type, copy, len, &err);
	free(copy);
	if (rc != SX_EINVALID)
		fail_msg("%s: rc %d, want SX_EINVALID", why, rc);
	assert_int_equal(err.rc, SX_EINVALID);
	assert_string_equal(err.code, "bad_multipart");
	assert_string_equal(err.message, MESSAGE);
	if (strstr(err.detail, detail) == NULL)
		fail_msg("%s: detail \"%s\" lacks \"%s\"", why, err.detail, detail);
	/* Nothing half-parsed is left behind. */
	assert_int_equal(form.count, 0);
	assert_null(multipart_get(&form, "n"));
}

static void test_malformed_bodies_are_refused_with_their_reason(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		expect_refused(c->why, c->content_type, c->body, c->len, c->detail);
	}
}

/* n parts named p0, p1, … with boundary B, into b (the caller frees it). */
static void make_parts(struct buf *b, size_t n)
{
	buf_init(b, 1u << 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buf_appendf(b,
					     "--B\r\nContent-Disposition: form-data; name=\"p%zu\""
					     "\r\n\r\nv%zu\r\n",
					     i, i),
				 0);
	assert_int_equal(buf_append_str(b, "--B--\r\n"), 0);
}

static void test_sixteen_parts_are_read_and_a_seventeenth_is_refused(void **state)
{
	struct multipart_form form;
	struct sx_error err;
	struct buf b;
	char *copy;

	(void)state;
	make_parts(&b, MULTIPART_MAX_PARTS);
	copy = exact_copy(b.data, b.len);
	assert_int_equal(multipart_parse(&form, B_CT, copy, b.len, &err), 0);
	assert_int_equal(form.count, MULTIPART_MAX_PARTS);
	assert_string_equal(form.parts[15].name, "p15");
	assert_int_equal(form.parts[15].len, 3);
	assert_memory_equal(form.parts[15].data, "v15", 3);
	free(copy);
	buf_free(&b);

	make_parts(&b, MULTIPART_MAX_PARTS + 1);
	expect_refused("17 parts", B_CT, b.data, b.len, "more than 16 parts");
	buf_free(&b);
}

/* One part whose Content-Disposition line is exactly line_bytes long (CRLF excluded). */
static void make_long_header(struct buf *b, size_t line_bytes)
{
	static const char head[] = "Content-Disposition: form-data; name=\"n\"; x=\"";
	size_t pad = line_bytes - (sizeof(head) - 1) - 1;

	buf_init(b, 1u << 20);
	assert_int_equal(buf_append_str(b, "--B\r\n"), 0);
	assert_int_equal(buf_append_str(b, head), 0);
	for (size_t i = 0; i < pad; i++)
		assert_int_equal(buf_append_char(b, 'x'), 0);
	assert_int_equal(buf_append_str(b, "\"\r\n\r\nv\r\n--B--\r\n"), 0);
}

static void test_a_header_line_of_1024_bytes_is_read_and_one_more_byte_is_refused(void **state)
{
	struct multipart_form form;
	struct sx_error err;
	struct buf b;
	char *copy;

	(void)state;
	make_long_header(&b, MULTIPART_MAX_HEADER_LINE_BYTES);
	copy = exact_copy(b.data, b.len);
	assert_int_equal(multipart_parse(&form, B_CT, copy, b.len, &err), 0);
	assert_int_equal(form.count, 1);
	assert_string_equal(form.parts[0].name, "n");
	free(copy);
	buf_free(&b);

	make_long_header(&b, MULTIPART_MAX_HEADER_LINE_BYTES + 1);
	expect_refused("1025-byte header line", B_CT, b.data, b.len, "header line over 1024 bytes");
	buf_free(&b);
}

static void test_eight_header_lines_are_read_and_a_ninth_is_refused(void **state)
{
	static const char eight[] = "--B\r\n"
				    "Content-Disposition: form-data; name=\"n\"\r\n"
				    "X-1: 1\r\nX-2: 2\r\nX-3: 3\r\nX-4: 4\r\nX-5: 5\r\nX-6: 6\r\n"
				    "X-7: 7\r\n\r\nv\r\n--B--\r\n";
	static const char nine[] = "--B\r\n"
				   "Content-Disposition: form-data; name=\"n\"\r\n"
				   "X-1: 1\r\nX-2: 2\r\nX-3: 3\r\nX-4: 4\r\nX-5: 5\r\nX-6: 6\r\n"
				   "X-7: 7\r\nX-8: 8\r\n\r\nv\r\n--B--\r\n";
	struct multipart_form form;
	struct sx_error err;
	char *copy = exact_copy(LIT(eight));

	(void)state;
	assert_int_equal(multipart_parse(&form, B_CT, copy, sizeof(eight) - 1, &err), 0);
	assert_int_equal(form.count, 1);
	free(copy);
	expect_refused("nine header lines", B_CT, LIT(nine), "more than 8 header lines");
}

static void test_a_name_of_64_bytes_is_kept_whole(void **state)
{
	static const char body[] =
		ONE_PART(DISPOSITION("; name=\"0123456789012345678901234567890123456789012345678901"
				     "234567890123\""),
			 "v");
	struct multipart_form form;
	struct sx_error err;
	char *copy = exact_copy(LIT(body));

	(void)state;
	assert_int_equal(multipart_parse(&form, B_CT, copy, sizeof(body) - 1, &err), 0);
	assert_int_equal(strlen(form.parts[0].name), MULTIPART_MAX_NAME_BYTES);
	assert_non_null(multipart_get(
		&form, "0123456789012345678901234567890123456789012345678901234567890123"));
	free(copy);
}

static void test_a_long_filename_is_cut_at_a_character_boundary(void **state)
{
	struct multipart_form form;
	struct sx_error err;
	struct buf b;
	char *copy;

	(void)state;
	/* "a" and 100 × "执" (3 bytes each): 301 bytes; 255 would split the 86th 执. */
	buf_init(&b, 1u << 20);
	assert_int_equal(buf_append_str(&b, "--B\r\nContent-Disposition: form-data; name=\"f\"; "
					    "filename=\"dir/a"),
			 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_append_str(&b, "执"), 0);
	assert_int_equal(buf_append_str(&b, "\"\r\n\r\nv\r\n--B--\r\n"), 0);
	copy = exact_copy(b.data, b.len);
	assert_int_equal(multipart_parse(&form, B_CT, copy, b.len, &err), 0);
	assert_true(form.parts[0].has_filename);
	assert_int_equal(strlen(form.parts[0].filename), 1 + 84 * 3);
	assert_int_equal(form.parts[0].filename[0], 'a');
	assert_memory_equal(form.parts[0].filename + 1 + 83 * 3, "执", 3);
	free(copy);
	buf_free(&b);
}

static void test_get_finds_the_first_part_of_a_name(void **state)
{
	static const char body[] = "--B\r\n" DISPOSITION("; name=\"a\"") "\r\n1\r\n"
				   "--B\r\n" DISPOSITION("; name=\"b\"") "\r\n2\r\n"
				   "--B\r\n" DISPOSITION("; name=\"a\"") "\r\n3\r\n--B--\r\n";
	const struct multipart_part *p;
	struct multipart_form form;
	struct sx_error err;
	char *copy = exact_copy(LIT(body));

	(void)state;
	assert_int_equal(multipart_parse(&form, B_CT, copy, sizeof(body) - 1, &err), 0);
	assert_int_equal(form.count, 3);
	p = multipart_get(&form, "a");
	assert_ptr_equal(p, &form.parts[0]);
	assert_memory_equal(p->data, "1", 1);
	assert_ptr_equal(multipart_get(&form, "b"), &form.parts[1]);
	assert_null(multipart_get(&form, "c"));
	assert_null(multipart_get(&form, "A"));
	assert_null(multipart_get(&form, NULL));
	assert_null(multipart_get(NULL, "a"));
	free(copy);
}

static void test_bad_arguments_are_refused_without_crashing(void **state)
{
	struct multipart_form form;
	struct sx_error err;

	(void)state;
	sx_error_clear(&err);
	assert_int_equal(multipart_parse(NULL, B_CT, "x", 1, &err), SX_EINVALID);
	assert_string_equal(err.code, "invalid");
	sx_error_clear(&err);
	assert_int_equal(multipart_parse(&form, B_CT, NULL, 5, &err), SX_EINVALID);
	assert_string_equal(err.code, "invalid");
	/* A NULL err is allowed: only the code comes back. */
	assert_int_equal(multipart_parse(&form, B_CT, "x", 1, NULL), SX_EINVALID);
	assert_int_equal(form.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_browsers_and_curl_send_is_read_part_by_part),
		cmocka_unit_test(test_malformed_bodies_are_refused_with_their_reason),
		cmocka_unit_test(test_sixteen_parts_are_read_and_a_seventeenth_is_refused),
		cmocka_unit_test(
			test_a_header_line_of_1024_bytes_is_read_and_one_more_byte_is_refused),
		cmocka_unit_test(test_eight_header_lines_are_read_and_a_ninth_is_refused),
		cmocka_unit_test(test_a_name_of_64_bytes_is_kept_whole),
		cmocka_unit_test(test_a_long_filename_is_cut_at_a_character_boundary),
		cmocka_unit_test(test_get_finds_the_first_part_of_a_name),
		cmocka_unit_test(test_bad_arguments_are_refused_without_crashing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
