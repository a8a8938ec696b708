/*
 * base/codec — see codec.h. Character classes are small functions rather than
 * 256-entry tables: these codecs run on ids, tokens and form fields, not on
 * bulk data, and a function is easier to check against the RFC than a table.
 */
#include "base/codec.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"

static const char hex_digits[] = "0123456789abcdef";
static const char base64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base64url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of a hex digit, or -1. */
static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int codec_hex_encode(char *out, size_t out_size, const void *data, size_t len)
{
	const unsigned char *bytes = data;

	if (out == NULL || (data == NULL && len != 0))
		return SX_EINVALID;
	if (len > (SIZE_MAX - 1) / 2 || out_size < 2 * len + 1)
		return SX_ETOOBIG;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[bytes[i] >> 4];
		out[2 * i + 1] = hex_digits[bytes[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return 0;
}

int codec_hex_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *hex,
		     size_t hex_len)
{
	if (out_len == NULL)
		return SX_EINVALID;
	*out_len = 0;
	if (out == NULL || (hex == NULL && hex_len != 0) || hex_len % 2 != 0)
		return SX_EINVALID;
	if (out_size < hex_len / 2)
		return SX_ETOOBIG;
	for (size_t i = 0; i < hex_len; i += 2) {
		int hi = hex_value((unsigned char)hex[i]);
		int lo = hex_value((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0)
			return SX_EINVALID;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*out_len = hex_len / 2;
	return 0;
}

size_t codec_base64_encoded_len(size_t len)
{
	size_t groups = len / 3 + (len % 3 != 0);

	if (groups > SIZE_MAX / 4)
		return SIZE_MAX;
	return groups * 4;
}

size_t codec_base64url_encoded_len(size_t len)
{
	size_t full = len / 3;
	size_t tail = len % 3;

	if (full > (SIZE_MAX - 3) / 4)
		return SIZE_MAX;
	/* A 1-byte tail takes 2 characters, a 2-byte tail 3. */
	return full * 4 + (tail == 0 ? 0 : tail + 1);
}

/*
 * Shared by both alphabets: writes the 4-character groups and the tail, with
 * '=' padding when pad is set. The caller has checked out_size.
 */
static void base64_encode_into(char *out, const unsigned char *bytes, size_t len,
			       const char *alphabet, bool pad)
{
	size_t o = 0;
	size_t i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)bytes[i] << 16 | (uint32_t)bytes[i + 1] << 8 | bytes[i + 2];

		out[o++] = alphabet[v >> 18 & 0x3f];
		out[o++] = alphabet[v >> 12 & 0x3f];
		out[o++] = alphabet[v >> 6 & 0x3f];
		out[o++] = alphabet[v & 0x3f];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)bytes[i] << 16;

		out[o++] = alphabet[v >> 18 & 0x3f];
		out[o++] = alphabet[v >> 12 & 0x3f];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)bytes[i] << 16 | (uint32_t)bytes[i + 1] << 8;

		out[o++] = alphabet[v >> 18 & 0x3f];
		out[o++] = alphabet[v >> 12 & 0x3f];
		out[o++] = alphabet[v >> 6 & 0x3f];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
}

int codec_base64_encode(char *out, size_t out_size, const void *data, size_t len)
{
	size_t need;

	if (out == NULL || (data == NULL && len != 0))
		return SX_EINVALID;
	need = codec_base64_encoded_len(len);
	if (need == SIZE_MAX || out_size < need + 1)
		return SX_ETOOBIG;
	base64_encode_into(out, data, len, base64_alphabet, true);
	return 0;
}

int codec_base64url_encode(char *out, size_t out_size, const void *data, size_t len)
{
	size_t need;

	if (out == NULL || (data == NULL && len != 0))
		return SX_EINVALID;
	need = codec_base64url_encoded_len(len);
	if (need == SIZE_MAX || out_size < need + 1)
		return SX_ETOOBIG;
	base64_encode_into(out, data, len, base64url_alphabet, false);
	return 0;
}

/* Value of a character of the base64 (url = false) or base64url alphabet, or -1. */
static int base64_value(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes n alphabet characters (no padding; n % 4 != 1) into out. Rejects
 * characters outside the alphabet and a tail whose unused bits are not zero,
 * so that each byte string has exactly one encoding.
 */
static int base64_decode_chars(unsigned char *out, size_t out_size, size_t *out_len,
			       const char *text, size_t n, bool url)
{
	size_t tail = n % 4;
	size_t need = n / 4 * 3 + (tail == 0 ? 0 : tail - 1);
	size_t o = 0;
	size_t i = 0;
	uint32_t v = 0;

	if (tail == 1)
		return SX_EINVALID;
	for (size_t k = 0; k < n; k++) {
		if (base64_value((unsigned char)text[k], url) < 0)
			return SX_EINVALID;
	}
	if (out_size < need)
		return SX_ETOOBIG;
	for (; i + 4 <= n; i += 4) {
		v = (uint32_t)base64_value((unsigned char)text[i], url) << 18 |
		    (uint32_t)base64_value((unsigned char)text[i + 1], url) << 12 |
		    (uint32_t)base64_value((unsigned char)text[i + 2], url) << 6 |
		    (uint32_t)base64_value((unsigned char)text[i + 3], url);
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	if (tail == 2) {
		v = (uint32_t)base64_value((unsigned char)text[i], url) << 18 |
		    (uint32_t)base64_value((unsigned char)text[i + 1], url) << 12;
		if ((v & 0xffff) != 0)
			return SX_EINVALID;
		out[o++] = (unsigned char)(v >> 16);
	} else if (tail == 3) {
		v = (uint32_t)base64_value((unsigned char)text[i], url) << 18 |
		    (uint32_t)base64_value((unsigned char)text[i + 1], url) << 12 |
		    (uint32_t)base64_value((unsigned char)text[i + 2], url) << 6;
		if ((v & 0xff) != 0)
			return SX_EINVALID;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
	}
	*out_len = o;
	return 0;
}

int codec_base64_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *text,
			size_t text_len)
{
	size_t pad = 0;

	if (out_len == NULL)
		return SX_EINVALID;
	*out_len = 0;
	if (out == NULL || (text == NULL && text_len != 0) || text_len % 4 != 0)
		return SX_EINVALID;
	/* Padding fills the last group only: "xx==" or "xxx=". An '=' anywhere else is
	 * outside the alphabet and fails in base64_decode_chars. */
	if (text_len >= 4 && text[text_len - 1] == '=') {
		pad = text[text_len - 2] == '=' ? 2 : 1;
	}
	return base64_decode_chars(out, out_size, out_len, text, text_len - pad, false);
}

int codec_base64url_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *text,
			   size_t text_len)
{
	if (out_len == NULL)
		return SX_EINVALID;
	*out_len = 0;
	if (out == NULL || (text == NULL && text_len != 0))
		return SX_EINVALID;
	return base64_decode_chars(out, out_size, out_len, text, text_len, true);
}

int codec_url_decode(char *out, size_t out_size, size_t *out_len, const char *text,
		     size_t text_len, bool plus_is_space)
{
	const char *p;
	const char *end;
	size_t o = 0;

	if (out_len == NULL)
		return SX_EINVALID;
	*out_len = 0;
	if (out == NULL || (text == NULL && text_len != 0))
		return SX_EINVALID;
	p = text != NULL ? text : "";
	end = p + text_len;
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '%') {
			int hi, lo;

			if (end - p < 3)
				return SX_EINVALID;
			hi = hex_value((unsigned char)p[1]);
			lo = hex_value((unsigned char)p[2]);
			if (hi < 0 || lo < 0)
				return SX_EINVALID;
			c = (unsigned char)(hi << 4 | lo);
			p += 3;
		} else {
			if (c == '+' && plus_is_space)
				c = ' ';
			p++;
		}
		/* A NUL would cut the value short for every C string consumer after us. */
		if (c == '\0')
			return SX_EINVALID;
		/* Keep one byte for the terminating NUL. */
		if (o + 1 >= out_size)
			return SX_ETOOBIG;
		out[o++] = (char)c;
	}
	if (o >= out_size)
		return SX_ETOOBIG;
	out[o] = '\0';
	*out_len = o;
	return 0;
}

/* Whether c is a UTF-8 continuation byte 10xxxxxx. */
static bool utf8_is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t codec_utf8_char_len(const char *s, size_t len, unsigned long *code_point)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80;  /* allowed range of the second byte (RFC 3629 §4) */
	unsigned char hi = 0xbf;
	unsigned long cp;
	size_t n;

	if (s == NULL || len == 0)
		return 0;
	if (u[0] < 0x80) {
		cp = u[0];
		n = 1;
	} else if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		cp = u[0] & 0x1f;
		n = 2;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		cp = u[0] & 0x0f;
		n = 3;
		if (u[0] == 0xe0)
			lo = 0xa0;  /* shorter forms would be overlong */
		else if (u[0] == 0xed)
			hi = 0x9f;  /* 0xa0.. would encode surrogates */
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		cp = u[0] & 0x07;
		n = 4;
		if (u[0] == 0xf0)
			lo = 0x90;  /* overlong */
		else if (u[0] == 0xf4)
			hi = 0x8f;  /* above U+10FFFF */
	} else {
		/* 0x80..0xc1: continuation or overlong 2-byte lead; 0xf5..0xff: never valid. */
		return 0;
	}
	if (n > len)
		return 0;
	if (n > 1) {
		if (u[1] < lo || u[1] > hi)
			return 0;
		for (size_t i = 1; i < n; i++) {
			if (!utf8_is_continuation(u[i]))
				return 0;
			cp = cp << 6 | (u[i] & 0x3f);
		}
	}
	if (code_point != NULL)
		*code_point = cp;
	return n;
}

bool codec_is_valid_utf8(const char *s, size_t len)
{
	size_t i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		size_t n;

		/* ASCII runs dominate real text; skip the general decoder for them. */
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = codec_utf8_char_len(s + i, len - i, NULL);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

int codec_utf8_prefix_len(const char *s, size_t max)
{
	size_t len = strnlen(s, max), n = 0, step;

	if (max > INT_MAX)
		len = strnlen(s, INT_MAX);
	while (n < len && (step = codec_utf8_char_len(s + n, len - n, NULL)) > 0)
		n += step;
	return (int)n;
}
