/*
 * base/log — one line per event on stderr.
 *
 * Line format:  "<UTC time> <LEVEL> <message>\n", e.g.
 *   2026-11-24T07:35:47.123456Z INFO server listening on 127.0.0.1:8080
 * The time is sx_time_format_utc of the wall clock; LEVEL is DEBUG, INFO,
 * WARN or ERROR. stderr is expected to go to journald or a file that a
 * supervisor collects.
 *
 * Invariants:
 *   - a line is exactly one write(2) of at most SX_LOG_LINE_MAX (= PIPE_BUF,
 *     4096) bytes, so lines from different threads and processes never
 *     interleave, even through a pipe (POSIX makes writes of up to PIPE_BUF
 *     bytes to a pipe atomic). Longer messages are cut at a UTF-8 character
 *     boundary and end in "...";
 *   - a line is one line: control characters (U+0000..U+001F, U+007F, the C1
 *     controls U+0080..U+009F, and U+2028/U+2029) in the message become
 *     spaces, and bytes that are not UTF-8 become '?', so that text from
 *     requests cannot forge log lines or send terminal escape sequences;
 *   - DEBUG lines appear only while the environment variable SANXIANG_DEBUG
 *     is set (to anything, even empty), read at every call: no global state;
 *   - errno is the same after a call as before it.
 *
 * What it does not do: no log files, rotation, syslog or levels per module;
 * no buffering (a line is written before the call returns); it never fails
 * the caller — a line that cannot be written is dropped. Never log secrets,
 * passwords, tokens or personal data (ID numbers, phone numbers).
 */
#ifndef SX_BASE_LOG_H
#define SX_BASE_LOG_H

#include <stdarg.h>

/* Longest line sx_log writes, newline included: PIPE_BUF on Linux. */
#define SX_LOG_LINE_MAX 4096

enum sx_log_level {
	SX_LOG_DEBUG,
	SX_LOG_INFO,
	SX_LOG_WARN,
	SX_LOG_ERROR,
};

/* Writes one printf-formatted line at level to stderr (see above). Unknown levels log as ERROR. */
void sx_log(enum sx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sx_log with a va_list, for wrappers. */
void sx_vlog(enum sx_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
