/*
 * Unit tests for ledger/checkpoint: the example of c2sp.org/tlog-checkpoint,
 * one spelling per value (sizes, roots), extension lines, limits, bad
 * arguments and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"
#include "ledger/checkpoint.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The example at the top of c2sp.org/tlog-checkpoint. */
#define SPEC_TEXT                                                                      \
	"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
static const unsigned char spec_root[32] = {
	0x0a, 0xc5, 0x18, 0x6a, 0x91, 0x86, 0x3e, 0x8e, 0x1d, 0x90, 0xc8, 0x08,
	0x01, 0x4a, 0xa8, 0x9b, 0xf5, 0xda, 0x8e, 0x3e, 0xe1, 0xd9, 0xf0, 0x76,
	0x30, 0xf0, 0x37, 0x8f, 0x68, 0xf1, 0xab, 0x62,
};

/* SHA-256 of the empty string: the RFC 6962 root of the empty tree. */
#define EMPTY_ROOT_B64 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

static int parse_str(struct checkpoint *out, const char *text)
{
	return checkpoint_parse(out, text, strlen(text));
}

static void test_parses_and_reformats_the_spec_example(void **state)
{
	struct checkpoint c;
	struct buf b;

	(void)state;
	assert_int_equal(parse_str(&c, SPEC_TEXT), 0);
	assert_string_equal(c.origin, "example.com/behind-the-sofa");
	assert_int_equal(c.size, 20852163);
	assert_memory_equal(c.root, spec_root, 32);

	buf_init(&b, 1024);
	assert_int_equal(checkpoint_format(&b, &c), 0);
	assert_int_equal(b.len, strlen(SPEC_TEXT));
	assert_string_equal(b.data, SPEC_TEXT);
	buf_free(&b);
}

static void test_empty_tree_and_largest_size_round_trip(void **state)
{
	static const uint64_t sizes[] = {
		0, 1, 9, 10, 255, 256, 1000000, UINT64_MAX - 1, UINT64_MAX,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		struct checkpoint c = {.size = sizes[i]}, back;
		struct buf b;

		memcpy(c.origin, "执法.例子.中国/日志", sizeof("执法.例子.中国/日志"));
		for (int j = 0; j < 32; j++)
			c.root[j] = (unsigned char)(i * 31 + (size_t)j);
		buf_init(&b, 1024);
		assert_int_equal(checkpoint_format(&b, &c), 0);
		assert_int_equal(checkpoint_parse(&back, b.data, b.len), 0);
		assert_memory_equal(&back, &c, sizeof(c));
		buf_free(&b);
	}
	{
		struct checkpoint c;

		assert_int_equal(parse_str(&c, "log\n0\n" EMPTY_ROOT_B64 "\n"), 0);
		assert_int_equal(c.size, 0);
		assert_int_equal(parse_str(&c, "log\n18446744073709551615\n" EMPTY_ROOT_B64 "\n"),
				 0);
		assert_true(c.size == UINT64_MAX);
	}
}

static void test_extension_lines_are_accepted_and_dropped(void **state)
{
	struct checkpoint c;
	struct buf b;

	(void)state;
	assert_int_equal(parse_str(&c, SPEC_TEXT "ext one\n— two\n"), 0);
	assert_int_equal(c.size, 20852163);
	/* Reformatting drops them: how a caller notices they were there. */
	buf_init(&b, 1024);
	assert_int_equal(checkpoint_format(&b, &c), 0);
	assert_string_equal(b.data, SPEC_TEXT);
	buf_free(&b);
}

static void test_origins_may_be_anything_non_empty_on_one_line(void **state)
{
	char text[512];
	char origin[256];
	struct checkpoint c;

	(void)state;
	/* Spaces and '+' are only a SHOULD NOT; clients MUST NOT assume a format. */
	assert_int_equal(parse_str(&c, "my log+1\n5\n" EMPTY_ROOT_B64 "\n"), 0);
	assert_string_equal(c.origin, "my log+1");

	memset(origin, 'o', 255);
	origin[255] = '\0';
	snprintf(text, sizeof(text), "%s\n5\n%s\n", origin, EMPTY_ROOT_B64);
	assert_int_equal(parse_str(&c, text), 0);
	assert_int_equal(strlen(c.origin), 255);
	snprintf(text, sizeof(text), "%so\n5\n%s\n", origin, EMPTY_ROOT_B64);
	assert_int_equal(parse_str(&c, text), SX_ETOOBIG);
	assert_int_equal(c.origin[0], '\0');
}

struct bad_text {
	const char *why;
	const char *text;
};

static const struct bad_text bad_texts[] = {
	{"empty", ""},
	{"no final newline", "log\n5\n" EMPTY_ROOT_B64},
	{"two lines", "log\n5\n"},
	{"empty origin", "\n5\n" EMPTY_ROOT_B64 "\n"},
	{"empty size", "log\n\n" EMPTY_ROOT_B64 "\n"},
	{"blank line after the root", "log\n5\n" EMPTY_ROOT_B64 "\n\n"},
	{"empty extension line", "log\n5\n" EMPTY_ROOT_B64 "\n\next\n"},
	{"leading zero", "log\n05\n" EMPTY_ROOT_B64 "\n"},
	{"zero spelled twice", "log\n00\n" EMPTY_ROOT_B64 "\n"},
	{"plus sign", "log\n+5\n" EMPTY_ROOT_B64 "\n"},
	{"minus sign", "log\n-5\n" EMPTY_ROOT_B64 "\n"},
	{"space before size", "log\n 5\n" EMPTY_ROOT_B64 "\n"},
	{"space after size", "log\n5 \n" EMPTY_ROOT_B64 "\n"},
	{"hex size", "log\n0x5\n" EMPTY_ROOT_B64 "\n"},
	{"exponent", "log\n1e3\n" EMPTY_ROOT_B64 "\n"},
	{"2^64", "log\n18446744073709551616\n" EMPTY_ROOT_B64 "\n"},
	{"far beyond 2^64", "log\n99999999999999999999999\n" EMPTY_ROOT_B64 "\n"},
	{"root of 31 bytes", "log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"},
	{"root of 33 bytes", "log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
	{"root without padding", "log\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n"},
	{"root with spare bits set", "log\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n"},
	{"root in base64url", "log\n5\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=\n"},
	{"root in hex",
	 "log\n5\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"},
	{"carriage returns", "log\r\n5\r\n" EMPTY_ROOT_B64 "\r\n"},
	{"tab in origin", "my\tlog\n5\n" EMPTY_ROOT_B64 "\n"},
	{"invalid UTF-8 in origin", "log\xff\n5\n" EMPTY_ROOT_B64 "\n"},
	{"control character in an extension line", "log\n5\n" EMPTY_ROOT_B64 "\nx\x01y\n"},
};

static void test_malformed_texts_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad_texts); i++) {
		struct checkpoint c;
		int rc;

		memset(&c, 0x55, sizeof(c));
		rc = parse_str(&c, bad_texts[i].text);
		if (rc != SX_EINVALID)
			fail_msg("%s: got %d, want SX_EINVALID", bad_texts[i].why, rc);
		assert_int_equal(c.origin[0], '\0');
		assert_int_equal(c.size, 0);
	}
	/* A NUL byte in the origin. */
	{
		static const char text[] = "l\0g\n5\n" EMPTY_ROOT_B64 "\n";
		struct checkpoint c;

		assert_int_equal(checkpoint_parse(&c, text, sizeof(text) - 1), SX_EINVALID);
	}
}

static void test_format_refuses_origins_that_would_break_the_text(void **state)
{
	static const char *const bad[] = {"", "two\nlines", "tab\there", "bad \xff utf8"};
	struct checkpoint c = {.size = 1};
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		memset(c.origin, 0, sizeof(c.origin));
		memcpy(c.origin, bad[i], strlen(bad[i]));
		assert_int_equal(checkpoint_format(&b, &c), SX_EINVALID);
	}
	/* Not NUL-terminated within the array. */
	memset(c.origin, 'o', sizeof(c.origin));
	assert_int_equal(checkpoint_format(&b, &c), SX_EINVALID);
	assert_int_equal(b.len, 0);
	assert_int_equal(checkpoint_format(NULL, &c), SX_EINVALID);
	assert_int_equal(checkpoint_format(&b, NULL), SX_EINVALID);
	assert_int_equal(checkpoint_parse(NULL, "x", 1), SX_EINVALID);
	buf_free(&b);
}

static void test_format_appends_and_leaves_out_unchanged_on_error(void **state)
{
	struct checkpoint c;
	struct buf b;

	(void)state;
	assert_int_equal(parse_str(&c, SPEC_TEXT), 0);
	buf_init(&b, strlen(SPEC_TEXT) + 3);
	assert_int_equal(buf_append_str(&b, "ab|"), 0);
	assert_int_equal(checkpoint_format(&b, &c), 0);
	assert_string_equal(b.data, "ab|" SPEC_TEXT);
	/* Full: nothing more fits, and nothing is half-written. */
	assert_int_equal(checkpoint_format(&b, &c), SX_ETOOBIG);
	assert_string_equal(b.data, "ab|" SPEC_TEXT);
	buf_free(&b);

	buf_init(&b, 1024);
	sx_mem_fail_after(0);
	assert_int_equal(checkpoint_format(&b, &c), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_and_reformats_the_spec_example),
		cmocka_unit_test(test_empty_tree_and_largest_size_round_trip),
		cmocka_unit_test(test_extension_lines_are_accepted_and_dropped),
		cmocka_unit_test(test_origins_may_be_anything_non_empty_on_one_line),
		cmocka_unit_test(test_malformed_texts_are_refused),
		cmocka_unit_test(test_format_refuses_origins_that_would_break_the_text),
		cmocka_unit_test(test_format_appends_and_leaves_out_unchanged_on_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
