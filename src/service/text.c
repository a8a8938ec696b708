/*
 * service/text — see text.h.
 */
#include "service/text.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"

static bool text__is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* U+3000 IDEOGRAPHIC SPACE, which Chinese input methods type as a blank. */
static size_t text__blank_len(const char *s, size_t len)
{
	if (len >= 1 && text__is_blank_byte(s[0]))
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}

bool service_text_is_blank(const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0, n;

	while (i < len && (n = text__blank_len(s + i, len - i)) > 0)
		i += n;
	return i == len;
}

int service_text_copy(char *dst, size_t dst_size, const char *src, const char *label,
		      size_t max_chars, unsigned flags, struct sx_error *err)
{
	char msg[SX_ERROR_MESSAGE_MAX];
	size_t len = src ? strlen(src) : 0, start = 0, end, i, chars = 0, n;

	if (dst_size > 0)
		dst[0] = '\0';
	if (!dst || dst_size == 0)
		return sx_error_set(err, SX_EINVALID, "invalid", NULL);
	while (start < len && (n = text__blank_len(src + start, len - start)) > 0)
		start += n;
	/* Trailing blanks: walk forward and remember where the last non-blank ended. */
	for (i = start, end = start; i < len;) {
		unsigned long cp;

		if ((n = text__blank_len(src + i, len - i)) > 0) {
			i += n;
			continue;
		}
		n = codec_utf8_char_len(src + i, len - i, &cp);
		if (n == 0) {
			snprintf(msg, sizeof(msg), "%s不是有效的 UTF-8 文本", label);
			return sx_error_set(err, SX_EINVALID, "bad_text", msg);
		}
		i += n;
		end = i;
	}
	if (start == end) {
		if (flags & SERVICE_TEXT_REQUIRED) {
			snprintf(msg, sizeof(msg), "%s不能为空", label);
			return sx_error_set(err, SX_EINVALID, "field_required", msg);
		}
		return 0;
	}
	for (i = start; i < end; i += n) {
		unsigned long cp;

		n = codec_utf8_char_len(src + i, end - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\t' &&
			       !((flags & SERVICE_TEXT_MULTILINE) && (cp == '\n' || cp == '\r'))) ||
		    (cp >= 0x7f && cp <= 0x9f)) {
			snprintf(msg, sizeof(msg), "%s含有控制字符或不是有效的 UTF-8 文本", label);
			return sx_error_set(err, SX_EINVALID, "bad_text", msg);
		}
		chars++;
	}
	if (chars > max_chars || end - start >= dst_size) {
		snprintf(msg, sizeof(msg), "%s过长（最多 %zu 个字）", label, max_chars);
		return sx_error_set(err, SX_EINVALID, "field_too_long", msg);
	}
	memcpy(dst, src + start, end - start);
	dst[end - start] = '\0';
	return 0;
}
