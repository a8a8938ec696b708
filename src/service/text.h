/*
 * service/text — checking and copying the free text people type into forms
 * (案由, names, addresses, reasons) before it is stored: valid UTF-8, no
 * control characters (newlines only where the field is multi-line), trimmed
 * of surrounding blanks, within a length counted in characters (what the
 * person sees) and within the destination's bytes.
 *
 * Messages name the field by its label so that the person knows which one
 * to fix: "案由不能为空", "案由过长（最多 256 个字）".
 */
#ifndef SX_SERVICE_TEXT_H
#define SX_SERVICE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum service_text_flags {
	SERVICE_TEXT_REQUIRED = 1,    /* blank is refused ("field_required") */
	SERVICE_TEXT_MULTILINE = 2,   /* \n (and \r\n) allowed inside */
};

/*
 * Copies src (NULL = "") trimmed into dst. Errors (dst is "" then):
 * SX_EINVALID "field_required" (blank and required), "bad_text" (invalid
 * UTF-8 or a control character), "field_too_long" (more than max_chars
 * characters, or more bytes than dst holds).
 */
int service_text_copy(char *dst, size_t dst_size, const char *src, const char *label,
		      size_t max_chars, unsigned flags, struct sx_error *err);

/* Whether s is NULL or only blanks. */
bool service_text_is_blank(const char *s);

#endif
