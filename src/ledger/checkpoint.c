/*
 * ledger/checkpoint — see checkpoint.h.
 *
 * The text is split into lines with an end pointer; each line is checked on
 * its own. The whole text is checked once up front for UTF-8 and control
 * characters, so that a checkpoint parsed here would also survive
 * note_open's checks, and so no line check has to repeat that.
 */
#include "ledger/checkpoint.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"

/* base64 of 32 bytes: 44 characters ending in one '='. */
#define CHECKPOINT_ROOT_B64_LEN 44

static bool checkpoint_text_is_clean(const char *s, size_t len, bool allow_newline)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 && !(allow_newline && s[i] == '\n'))
			return false;
	}
	return codec_is_valid_utf8(s, len);
}

int checkpoint_format(struct buf *out, const struct checkpoint *c)
{
	char root[CHECKPOINT_ROOT_B64_LEN + 1];
	size_t origin_len;
	int rc;

	if (out == NULL || c == NULL)
		return SX_EINVALID;
	origin_len = strnlen(c->origin, sizeof(c->origin));
	if (origin_len == 0 || origin_len == sizeof(c->origin) ||
	    !checkpoint_text_is_clean(c->origin, origin_len, false))
		return SX_EINVALID;
	if ((rc = codec_base64_encode(root, sizeof(root), c->root, sizeof(c->root))) < 0)
		return SX_EINTERNAL;
	/* One append, so that out is either complete or unchanged. */
	return buf_appendf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, root);
}

/* Parses a tree size: decimal digits, no sign, no leading zero unless "0". */
static int checkpoint_parse_size(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0 || (s[0] == '0' && len > 1))
		return SX_EINVALID;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return SX_EINVALID;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return SX_EINVALID;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int checkpoint_parse(struct checkpoint *out, const char *text, size_t len)
{
	const char *p = text;
	const char *end = text + len;
	struct slice lines[3];
	size_t n = 0;
	size_t root_len = 0;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || text == NULL)
		return SX_EINVALID;
	if (len == 0 || text[len - 1] != '\n' || !checkpoint_text_is_clean(text, len, true))
		return SX_EINVALID;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		/* Every line, extension lines included, is non-empty. */
		if (eol == p)
			return SX_EINVALID;
		if (n < 3)
			lines[n] = (struct slice){p, (size_t)(eol - p)};
		n++;
		p = eol + 1;
	}
	if (n < 3)
		return SX_EINVALID;

	if (lines[0].len >= sizeof(out->origin)) {
		rc = SX_ETOOBIG;
		goto cleanup;
	}
	if ((rc = checkpoint_parse_size(&out->size, lines[1].ptr, lines[1].len)) < 0)
		goto cleanup;
	if (lines[2].len != CHECKPOINT_ROOT_B64_LEN ||
	    codec_base64_decode(out->root, sizeof(out->root), &root_len, lines[2].ptr,
				lines[2].len) < 0 ||
	    root_len != CHECKPOINT_ROOT_BYTES) {
		rc = SX_EINVALID;
		goto cleanup;
	}
	memcpy(out->origin, lines[0].ptr, lines[0].len);
	out->origin[lines[0].len] = '\0';
	rc = 0;

cleanup:
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
