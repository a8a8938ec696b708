/*
 * base/log — see log.h. The line is assembled on the stack (no allocation, so
 * logging works when memory is short) and written with one write(2).
 */
#include "base/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/codec.h"
#include "base/time.h"

#define LOG_ELLIPSIS "..."
#define LOG_ELLIPSIS_LEN 3

static const char *log_level_name(enum sx_log_level level)
{
	switch (level) {
	case SX_LOG_DEBUG:
		return "DEBUG";
	case SX_LOG_INFO:
		return "INFO";
	case SX_LOG_WARN:
		return "WARN";
	default:
		return "ERROR";
	}
}

/*
 * Copies msg[0..len) into out (room for at most avail bytes), replacing what
 * could break or forge a line (see log.h). Returns the bytes written; when
 * the message does not fit, cuts it at a character boundary and ends it in
 * "...". avail must be > LOG_ELLIPSIS_LEN.
 */
static size_t log_sanitize(char *out, size_t avail, const char *msg, size_t len,
			   bool truncated)
{
	size_t o = 0;
	size_t cut = 0;  /* longest output so far that still leaves room for "..." */
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)msg[i];
		unsigned long cp = c;
		size_t in = 1;
		char one = 0;  /* single replacement byte, or 0 to copy the sequence */

		if (c < 0x20 || c == 0x7f) {
			one = ' ';
		} else if (c >= 0x80) {
			in = codec_utf8_char_len(msg + i, len - i, &cp);
			if (in == 0) {
				in = 1;
				one = '?';
			} else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
				one = ' ';
			}
		}
		if (o + (one ? 1 : in) > avail) {
			truncated = true;
			break;
		}
		if (one) {
			out[o++] = one;
		} else {
			memcpy(out + o, msg + i, in);
			o += in;
		}
		i += in;
		if (o <= avail - LOG_ELLIPSIS_LEN)
			cut = o;
	}
	if (truncated) {
		o = cut;
		memcpy(out + o, LOG_ELLIPSIS, LOG_ELLIPSIS_LEN);
		o += LOG_ELLIPSIS_LEN;
	}
	return o;
}

void sx_vlog(enum sx_log_level level, const char *fmt, va_list ap)
{
	char msg[SX_LOG_LINE_MAX];
	char line[SX_LOG_LINE_MAX];
	const char *name;
	size_t name_len, o, msg_len;
	bool truncated = false;
	int saved_errno = errno;
	int n;
	ssize_t w;

	if (level == SX_LOG_DEBUG && getenv("SANXIANG_DEBUG") == NULL)
		goto cleanup;
	name = log_level_name(level);
	name_len = strlen(name);

	if (fmt == NULL) {
		fmt = "(null log format)";
		n = (int)strlen(fmt);
		memcpy(msg, fmt, (size_t)n);
	} else {
		n = vsnprintf(msg, sizeof(msg), fmt, ap);
	}
	if (n < 0) {
		/* Keep the event visible even when its text could not be formatted. */
		n = snprintf(msg, sizeof(msg), "(log format error)");
	}
	msg_len = (size_t)n;
	if (msg_len >= sizeof(msg)) {
		msg_len = sizeof(msg) - 1;
		truncated = true;
	}

	sx_time_format_utc(line, sx_time_now_us());
	o = SX_TIME_TEXT_LEN - 1;
	line[o++] = ' ';
	memcpy(line + o, name, name_len);
	o += name_len;
	line[o++] = ' ';
	/* The prefix is at most 34 bytes, so the message always has thousands of bytes. */
	o += log_sanitize(line + o, sizeof(line) - o - 1, msg, msg_len, truncated);
	line[o++] = '\n';

	do {
		w = write(STDERR_FILENO, line, o);
	} while (w < 0 && errno == EINTR);
	/* Nothing useful to do on failure: stderr is where we would report it. */

cleanup:
	errno = saved_errno;
}

void sx_log(enum sx_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sx_vlog(level, fmt, ap);
	va_end(ap);
}
