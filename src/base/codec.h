/*
 * base/codec — byte encodings: hex, base64, base64url, URL (percent) decoding
 * and strict UTF-8 validation.
 *
 * Every function works on explicit lengths; inputs need not be NUL-terminated
 * and may contain NUL bytes. Encoders write a NUL-terminated text and fail
 * with SX_ETOOBIG, writing nothing, when out_size cannot hold it. Decoders
 * check the whole input and the output size before relying on the result; on
 * error *out_len is 0 and the contents of out are unspecified (they may hold
 * part of the decoded bytes, never more than out_size).
 *
 * Decoders are strict on purpose: one byte string has exactly one accepted
 * encoding, so that values that are compared, hashed or signed after decoding
 * cannot be smuggled in a second spelling.
 *
 * What it does not do: no whitespace or line breaks in base64, no URL
 * encoding (the HTTP layer builds URLs from fixed parts and ids), no
 * normalisation or transcoding of UTF-8.
 *
 * Specs: RFC 4648 §4 (base64), §5 (base64url), §8 (base16, which we write in
 * lower case); RFC 3986 §2.1 (percent-encoding) and the WHATWG URL standard's
 * application/x-www-form-urlencoded ('+' is a space); RFC 3629 §4 (UTF-8
 * syntax: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
#ifndef SX_BASE_CODEC_H
#define SX_BASE_CODEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Writes data as lower-case hex followed by a NUL.
 * out_size must be at least 2*len+1. data may be NULL only when len is 0.
 * Returns 0, SX_EINVALID (NULL out or data), SX_ETOOBIG (out too small; nothing written).
 */
int codec_hex_encode(char *out, size_t out_size, const void *data, size_t len);

/*
 * Decodes hex_len hex digits (upper or lower case) into out.
 * out_size must be at least hex_len/2; *out_len receives the byte count.
 * Returns 0, SX_EINVALID (odd length, non-hex digit, NULL argument),
 * SX_ETOOBIG (out too small).
 */
int codec_hex_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *hex,
		     size_t hex_len);

/*
 * Length of the padded base64 text for len bytes, excluding the NUL:
 * 4*ceil(len/3). Returns SIZE_MAX when that does not fit in a size_t.
 */
size_t codec_base64_encoded_len(size_t len);

/* Length of the unpadded base64url text for len bytes, excluding the NUL; SIZE_MAX on overflow. */
size_t codec_base64url_encoded_len(size_t len);

/*
 * Writes data as base64 (RFC 4648 §4 alphabet, '=' padding) followed by a NUL.
 * out_size must be at least codec_base64_encoded_len(len)+1.
 * Returns 0, SX_EINVALID (NULL argument), SX_ETOOBIG (out too small; nothing written).
 */
int codec_base64_encode(char *out, size_t out_size, const void *data, size_t len);

/*
 * Decodes padded base64. Strict: text_len must be a multiple of 4, padding is
 * required and only at the end, no whitespace, and the unused low bits of the
 * last character must be zero (RFC 4648 §3.5 non-canonical encodings are
 * rejected). An empty text decodes to zero bytes.
 * out_size must hold the decoded bytes (at most text_len/4*3).
 * Returns 0, SX_EINVALID (malformed text, NULL argument), SX_ETOOBIG (out too small).
 */
int codec_base64_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *text,
			size_t text_len);

/*
 * Writes data as base64url (RFC 4648 §5 alphabet '-' '_', no padding) followed by a NUL.
 * out_size must be at least codec_base64url_encoded_len(len)+1.
 * Returns 0, SX_EINVALID (NULL argument), SX_ETOOBIG (out too small; nothing written).
 */
int codec_base64url_encode(char *out, size_t out_size, const void *data, size_t len);

/*
 * Decodes unpadded base64url. Strict: '=' is rejected, text_len % 4 must not
 * be 1, and the unused low bits of the last character must be zero.
 * Returns 0, SX_EINVALID (malformed text, NULL argument), SX_ETOOBIG (out too small).
 */
int codec_base64url_decode(unsigned char *out, size_t out_size, size_t *out_len, const char *text,
			   size_t text_len);

/*
 * Decodes %XX escapes (hex digits in either case) and, when plus_is_space,
 * '+' as a space (form bodies and query strings); every other byte is copied.
 * Writes a NUL after the decoded bytes, so out_size must be at least the
 * decoded length + 1 (text_len + 1 always suffices).
 * The output is a C string without inner NULs: "%00" and raw NUL bytes are
 * rejected. It is not checked for UTF-8; callers that need text call
 * codec_is_valid_utf8 on the result.
 * Returns 0, SX_EINVALID (truncated or non-hex escape, NUL byte, NULL argument),
 * SX_ETOOBIG (out too small).
 */
int codec_url_decode(char *out, size_t out_size, size_t *out_len, const char *text,
		     size_t text_len, bool plus_is_space);

/*
 * Whether s[0..len) is well-formed UTF-8 (RFC 3629): shortest forms only, no
 * UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF. NUL bytes are
 * well-formed. s may be NULL when len is 0.
 */
bool codec_is_valid_utf8(const char *s, size_t len);

/*
 * Length in bytes (1..4) of the well-formed UTF-8 sequence that starts at
 * s[0], looking at no more than len bytes; 0 when len is 0 or the bytes there
 * are not a well-formed sequence (by the rules of codec_is_valid_utf8).
 * When the result is nonzero and code_point is not NULL, *code_point receives
 * the decoded scalar value.
 */
size_t codec_utf8_char_len(const char *s, size_t len, unsigned long *code_point);

/*
 * Bytes of the NUL-terminated s to quote in a message: at most max, ending on
 * a character boundary (and before the first ill-formed sequence). For
 * "%.*s": a plain "%.40s" can cut a UTF-8 sequence in two, and a message
 * that is not UTF-8 cannot be sent as JSON.
 */
int codec_utf8_prefix_len(const char *s, size_t max);

#endif
