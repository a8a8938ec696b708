/*
 * Unit tests for base/log. stderr is pointed at a temporary file with dup2
 * around each call and restored before any assertion, so cmocka's own
 * messages still reach the terminal. The concurrency test writes long lines
 * from several threads into one O_APPEND file and checks that every line
 * came out whole, which fails if a line is ever written in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/time.h"

#define PREFIX_LEN (SX_TIME_TEXT_LEN - 1 + 1)  /* time and a space */

struct capture {
	int saved_stderr;
	int fd;
};

static void capture_begin(struct capture *c)
{
	char path[] = "/tmp/sanxiang_test_log_XXXXXX";

	c->fd = mkstemp(path);
	assert_true(c->fd >= 0);
	unlink(path);
	/* O_APPEND: concurrent writers each land at the end, as with a log file. */
	assert_int_equal(fcntl(c->fd, F_SETFL, O_APPEND), 0);
	c->saved_stderr = dup(STDERR_FILENO);
	assert_true(c->saved_stderr >= 0);
	assert_true(dup2(c->fd, STDERR_FILENO) >= 0);
}

/* Restores stderr and returns what was written, NUL-terminated; free with sx_free. */
static char *capture_end(struct capture *c, size_t *len_out)
{
	off_t size;
	char *text;
	size_t got = 0;

	assert_true(dup2(c->saved_stderr, STDERR_FILENO) >= 0);
	close(c->saved_stderr);
	size = lseek(c->fd, 0, SEEK_END);
	assert_true(size >= 0);
	text = sx_malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(lseek(c->fd, 0, SEEK_SET), 0);
	while (got < (size_t)size) {
		ssize_t n = read(c->fd, text + got, (size_t)size - got);

		assert_true(n > 0);
		got += (size_t)n;
	}
	text[got] = '\0';
	close(c->fd);
	*len_out = got;
	return text;
}

/*
 * Checks the "<time> <LEVEL> " prefix of line and that the time lies in
 * [before_us, after_us]; returns a pointer to the message.
 */
static const char *check_prefix(const char *line, const char *level, int64_t before_us,
				int64_t after_us)
{
	int64_t us = 0;
	size_t level_len = strlen(level);

	assert_int_equal(sx_time_parse_utc(&us, line, SX_TIME_TEXT_LEN - 1), 0);
	assert_true(us >= before_us && us <= after_us);
	assert_int_equal(line[SX_TIME_TEXT_LEN - 1], ' ');
	assert_memory_equal(line + PREFIX_LEN, level, level_len);
	assert_int_equal(line[PREFIX_LEN + level_len], ' ');
	return line + PREFIX_LEN + level_len + 1;
}

static void test_log_writes_one_line_with_time_level_and_message(void **state)
{
	struct capture c;
	int64_t before, after;
	size_t len;
	char *out;

	(void)state;
	before = sx_time_now_us();
	capture_begin(&c);
	sx_log(SX_LOG_INFO, "case %s has %d records", "01ARYZ6S41000G40R40M30E209", 3);
	out = capture_end(&c, &len);
	after = sx_time_now_us();

	assert_string_equal(check_prefix(out, "INFO", before, after),
			    "case 01ARYZ6S41000G40R40M30E209 has 3 records\n");
	assert_int_equal(len, strlen(out));
	sx_free(out);
}

static void test_log_names_each_level(void **state)
{
	static const struct {
		enum sx_log_level level;
		const char *name;
	} levels[] = {
		{SX_LOG_INFO, "INFO"},
		{SX_LOG_WARN, "WARN"},
		{SX_LOG_ERROR, "ERROR"},
		{(enum sx_log_level)42, "ERROR"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct capture c;
		int64_t before = sx_time_now_us();
		size_t len;
		char *out;

		capture_begin(&c);
		sx_log(levels[i].level, "x");
		out = capture_end(&c, &len);
		assert_string_equal(check_prefix(out, levels[i].name, before, sx_time_now_us()),
				    "x\n");
		sx_free(out);
	}
}

static void test_debug_lines_appear_only_while_sanxiang_debug_is_set(void **state)
{
	struct capture c;
	int64_t before;
	size_t len;
	char *out;

	(void)state;
	unsetenv("SANXIANG_DEBUG");
	capture_begin(&c);
	sx_log(SX_LOG_DEBUG, "hidden");
	out = capture_end(&c, &len);
	assert_int_equal(len, 0);
	sx_free(out);

	/* Set but empty still counts as set. */
	setenv("SANXIANG_DEBUG", "", 1);
	before = sx_time_now_us();
	capture_begin(&c);
	sx_log(SX_LOG_DEBUG, "shown");
	out = capture_end(&c, &len);
	assert_string_equal(check_prefix(out, "DEBUG", before, sx_time_now_us()), "shown\n");
	sx_free(out);

	/* Read at every call: unsetting turns it off again. */
	unsetenv("SANXIANG_DEBUG");
	capture_begin(&c);
	sx_log(SX_LOG_DEBUG, "hidden again");
	out = capture_end(&c, &len);
	assert_int_equal(len, 0);
	sx_free(out);
}

struct sanitize_case {
	const char *message;
	const char *expect;
};

static void test_log_message_cannot_break_or_forge_lines(void **state)
{
	static const struct sanitize_case cases[] = {
		{"a\nb", "a b"},
		{"user=x\n2026-11-24T07:35:47.123456Z INFO admin logged in",
		 "user=x 2026-11-24T07:35:47.123456Z INFO admin logged in"},
		{"cr\rtab\tvt\vff\fbell\a", "cr tab vt ff bell "},
		{"\x1b[31mred\x1b[0m", " [31mred [0m"},       /* ANSI escape */
		{"del\x7f", "del "},
		{"c1\xc2\x9b" "31m", "c1 31m"},                /* U+009B CSI */
		{"ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls ps "},     /* U+2028, U+2029 */
		{"bad\xff\xfe utf8 \xe4\xb8", "bad?? utf8 ??"},
		{"法制审核 passed", "法制审核 passed"},
		{"emoji \xf0\x9f\x98\x80 ok", "emoji \xf0\x9f\x98\x80 ok"},
		{"", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture c;
		int64_t before = sx_time_now_us();
		size_t len;
		char *out;
		const char *msg;

		capture_begin(&c);
		sx_log(SX_LOG_WARN, "%s", cases[i].message);
		out = capture_end(&c, &len);
		msg = check_prefix(out, "WARN", before, sx_time_now_us());
		assert_int_equal(out[len - 1], '\n');
		assert_ptr_equal(strchr(out, '\n'), out + len - 1);
		assert_ptr_equal(msg + strlen(cases[i].expect), out + len - 1);
		assert_memory_equal(msg, cases[i].expect, strlen(cases[i].expect));
		sx_free(out);
	}
}

/* Logs a message of n copies of fill followed by tail, returns the captured line. */
static char *log_long_message(size_t n, char fill, const char *tail, size_t *len)
{
	struct capture c;
	char *message = sx_malloc(n + strlen(tail) + 1);
	char *out;

	assert_non_null(message);
	memset(message, fill, n);
	memcpy(message + n, tail, strlen(tail) + 1);
	capture_begin(&c);
	sx_log(SX_LOG_INFO, "%s", message);
	out = capture_end(&c, len);
	sx_free(message);
	return out;
}

static void test_long_message_is_cut_to_one_pipe_buffer_with_ellipsis(void **state)
{
	/* "<27-char time> INFO " is 33 bytes; with the newline, 4062 bytes remain. */
	const size_t room = SX_LOG_LINE_MAX - PREFIX_LEN - strlen("INFO ") - 1;
	size_t len;
	char *out;

	(void)state;
	out = log_long_message(room, 'a', "", &len);
	assert_int_equal(len, SX_LOG_LINE_MAX);
	assert_int_equal(out[len - 2], 'a');
	assert_int_equal(out[len - 1], '\n');
	sx_free(out);

	out = log_long_message(room + 1, 'b', "", &len);
	assert_int_equal(len, SX_LOG_LINE_MAX);
	assert_memory_equal(out + len - 5, "b...\n", 5);
	sx_free(out);

	out = log_long_message(100000, 'c', "", &len);
	assert_int_equal(len, SX_LOG_LINE_MAX);
	assert_memory_equal(out + len - 5, "c...\n", 5);
	assert_null(memchr(out, '\n', len - 1));
	sx_free(out);
}

static void test_long_message_is_cut_at_a_character_boundary(void **state)
{
	const size_t room = SX_LOG_LINE_MAX - PREFIX_LEN - strlen("INFO ") - 1;
	size_t len;
	char *out;

	(void)state;
	/* "中" (3 bytes) would straddle the cut point: it must go entirely. */
	out = log_long_message(room - 4, 'a', "中中", &len);
	assert_true(codec_is_valid_utf8(out, len));
	assert_memory_equal(out + len - 5, "a...\n", 5);
	assert_true(len <= SX_LOG_LINE_MAX);
	sx_free(out);

	out = log_long_message(room - 7, 'a', "中中中", &len);
	assert_true(codec_is_valid_utf8(out, len));
	assert_memory_equal(out + len - 7, "中...\n", 7);
	sx_free(out);
}

static void test_log_leaves_errno_alone(void **state)
{
	struct capture c;
	size_t len;
	char *out;
	int seen;

	(void)state;
	capture_begin(&c);
	errno = ENOENT;
	sx_log(SX_LOG_ERROR, "open failed");
	seen = errno;
	errno = EACCES;
	setenv("SANXIANG_DEBUG", "1", 1);
	sx_log(SX_LOG_DEBUG, "denied");
	unsetenv("SANXIANG_DEBUG");
	out = capture_end(&c, &len);
	assert_int_equal(seen, ENOENT);
	assert_int_equal(errno, EACCES);
	assert_non_null(strstr(out, "ERROR open failed\n"));
	assert_non_null(strstr(out, "DEBUG denied\n"));
	sx_free(out);
}

enum { THREADS = 8, LINES_PER_THREAD = 150, FILL = 3900 };

static void *log_from_thread(void *arg)
{
	char fill[FILL + 1];
	char tag = (char)(intptr_t)arg;

	memset(fill, tag, FILL);
	fill[FILL] = '\0';
	for (int i = 0; i < LINES_PER_THREAD; i++)
		sx_log(SX_LOG_INFO, "%c%04d %s", tag, i, fill);
	return NULL;
}

static void test_lines_from_concurrent_threads_never_interleave(void **state)
{
	pthread_t threads[THREADS];
	int counts[THREADS] = {0};
	struct capture c;
	size_t len, lines = 0;
	char *out;
	const char *p;

	(void)state;
	capture_begin(&c);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&threads[t], NULL, log_from_thread,
						(void *)(intptr_t)('A' + t)), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(threads[t], NULL), 0);
	out = capture_end(&c, &len);

	for (p = out; p < out + len; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(out + len - p));
		const char *msg;
		char tag;

		assert_non_null(nl);
		assert_int_equal(nl - p, PREFIX_LEN + 5 + 5 + 1 + FILL);
		msg = p + PREFIX_LEN + 5;
		assert_memory_equal(p + PREFIX_LEN, "INFO ", 5);
		tag = msg[0];
		assert_true(tag >= 'A' && tag < 'A' + THREADS);
		assert_int_equal(msg[5], ' ');
		for (size_t k = 0; k < FILL; k++) {
			if (msg[6 + k] != tag)
				fail_msg("line %zu mixes '%c' and '%c'", lines, tag, msg[6 + k]);
		}
		counts[tag - 'A']++;
		p = nl + 1;
	}
	assert_int_equal(lines, THREADS * LINES_PER_THREAD);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(counts[t], LINES_PER_THREAD);
	sx_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_writes_one_line_with_time_level_and_message),
		cmocka_unit_test(test_log_names_each_level),
		cmocka_unit_test(test_debug_lines_appear_only_while_sanxiang_debug_is_set),
		cmocka_unit_test(test_log_message_cannot_break_or_forge_lines),
		cmocka_unit_test(test_long_message_is_cut_to_one_pipe_buffer_with_ellipsis),
		cmocka_unit_test(test_long_message_is_cut_at_a_character_boundary),
		cmocka_unit_test(test_log_leaves_errno_alone),
		cmocka_unit_test(test_lines_from_concurrent_threads_never_interleave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
