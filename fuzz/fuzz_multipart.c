/*
 * fuzz/fuzz_multipart — libFuzzer target for http/multipart, the reader of
 * the multipart/form-data bodies that browsers send to /staff/import: outside
 * input of any shape, from anyone who can reach the server (the CSRF token
 * is inside the body, so the body is parsed before anyone is trusted).
 *
 * Input: up to the first '\n', the Content-Type value; the rest, the body.
 * An input without '\n' is a body under a fixed Chromium-style boundary.
 * Every input is also parsed whole as a body with the boundary "B", so that
 * random bytes reach the part reader with a short boundary.
 *
 * Besides ASan/UBSan findings it aborts when the parser breaks a promise of
 * multipart.h: on success 1..16 parts in body order, each name 1..64 bytes
 * of UTF-8, filename UTF-8 of at most 255 bytes and empty unless
 * has_filename, content_type printable ASCII under 128 bytes, data a slice
 * of the body that does not overlap the previous part's; multipart_get
 * returning the first part of a name; on failure no parts and an error with
 * code bad_multipart and a UTF-8 message. The body is handed over in a
 * buffer that ends exactly where libFuzzer's does, so a read past its end
 * is an ASan report.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_multipart.c
 *   src/http/multipart.c src/base/buf.c src/base/codec.c src/base/mem.c src/base/error.c
 * Seeds: fuzz/corpus/multipart/. Without libFuzzer, fuzz/driver_replay.c replays them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "http/multipart.h"

#define FUZZ_CONTENT_TYPE "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, which libFuzzer records with its input. */
static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool is_printable_ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	}
	return true;
}

static void parse(const char *content_type, const char *body, size_t len)
{
	struct multipart_form form;
	struct sx_error err;
	const char *last_end = body;
	int rc;

	sx_error_clear(&err);
	rc = multipart_parse(&form, content_type, body, len, &err);
	if (rc < 0) {
		check(rc == SX_EINVALID && err.rc == rc && strcmp(err.code, "bad_multipart") == 0);
		check(codec_is_valid_utf8(err.message, strlen(err.message)));
		check(form.count == 0);
		return;
	}
	check(rc == 0 && form.count >= 1 && form.count <= MULTIPART_MAX_PARTS);
	for (size_t i = 0; i < form.count; i++) {
		const struct multipart_part *p = &form.parts[i];
		size_t name_len = strnlen(p->name, sizeof(p->name));
		size_t filename_len = strnlen(p->filename, sizeof(p->filename));

		check(name_len >= 1 && name_len <= MULTIPART_MAX_NAME_BYTES);
		check(codec_is_valid_utf8(p->name, name_len));
		check(filename_len < sizeof(p->filename));
		check(codec_is_valid_utf8(p->filename, filename_len));
		check(p->has_filename || filename_len == 0);
		check(strnlen(p->content_type, sizeof(p->content_type)) < sizeof(p->content_type));
		check(is_printable_ascii(p->content_type));
		check(p->data != NULL && p->data >= last_end && p->len <= len &&
		      p->data + p->len <= body + len);
		last_end = p->data + p->len;
		{
			const struct multipart_part *first = multipart_get(&form, p->name);

			check(first != NULL && first <= p && strcmp(first->name, p->name) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = size ? memchr(text, '\n', size) : NULL;

	parse("multipart/form-data; boundary=B", text, size);
	if (nl == NULL) {
		parse(FUZZ_CONTENT_TYPE, text, size);
	} else {
		size_t ct_len = (size_t)(nl - text);
		char *content_type = malloc(ct_len + 1);

		if (content_type == NULL)
			return 0;
		memcpy(content_type, text, ct_len);
		content_type[ct_len] = '\0';
		parse(content_type, nl + 1, size - ct_len - 1);
		free(content_type);
	}
	return 0;
}
