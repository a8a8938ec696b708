/*
 * Unit tests for base/buf: growth and NUL termination, the hard cap, the
 * all-or-nothing rule on every error (cap and allocation failure), HTML and
 * JSON escaping tables, detach and the slice helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/mem.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_init_makes_an_empty_buffer_without_allocating(void **state)
{
	struct buf b;

	(void)state;
	sx_mem_fail_after(0);  /* any allocation would fail */
	buf_init(&b, 100);
	sx_mem_fail_after(-1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max_bytes, 100);
}

static void test_append_grows_and_keeps_content_nul_terminated(void **state)
{
	struct buf b;
	char expect[10000];

	(void)state;
	buf_init(&b, sizeof(expect));
	for (size_t i = 0; i < sizeof(expect); i++) {
		char c = (char)('a' + i % 26);

		expect[i] = c;
		assert_int_equal(buf_append(&b, &c, 1), 0);
		assert_int_equal(b.len, i + 1);
		assert_int_equal(b.data[b.len], '\0');
		assert_true(b.cap >= b.len + 1);
	}
	assert_memory_equal(b.data, expect, sizeof(expect));
	buf_free(&b);
}

static void test_append_of_nothing_is_a_no_op(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, NULL, 0), 0);
	assert_int_equal(buf_append(&b, "x", 0), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_append_keeps_embedded_nul_bytes(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4);
	buf_free(&b);
}

static void test_append_past_the_cap_fails_and_leaves_buffer_unchanged(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_append(&b, "12345", 5), 0);
	assert_int_equal(buf_append(&b, "6789", 4), SX_ETOOBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_append(&b, "678", 3), 0);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_append(&b, "9", 1), SX_ETOOBIG);
	assert_string_equal(b.data, "12345678");
	/* The allocation never outgrows the cap plus its NUL. */
	assert_true(b.cap <= 9);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), SX_ETOOBIG);
	buf_free(&b);
}

static void test_zero_cap_buffer_accepts_only_empty_appends(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_append_str(&b, ""), 0);
	assert_int_equal(buf_append_str(&b, "a"), SX_ETOOBIG);
	assert_null(b.data);
	buf_free(&b);
}

static void test_append_rejects_null_arguments(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(NULL, "a", 1), SX_EINVALID);
	assert_int_equal(buf_append(&b, NULL, 1), SX_EINVALID);
	assert_int_equal(buf_append_str(&b, NULL), SX_EINVALID);
	assert_int_equal(buf_appendf(NULL, "%d", 1), SX_EINVALID);
	assert_int_equal(buf_append_html_escaped(&b, NULL, 1), SX_EINVALID);
	assert_int_equal(buf_append_json_string(&b, NULL, 1), SX_EINVALID);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_append_str_and_char_append_text(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_append_str(&b, "法制"), 0);
	assert_int_equal(buf_append_char(&b, '/'), 0);
	assert_int_equal(buf_append_str(&b, "审核"), 0);
	assert_string_equal(b.data, "法制/审核");
	assert_int_equal(b.len, strlen("法制/审核"));
	buf_free(&b);
}

static void test_appendf_formats_and_respects_the_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_appendf(&b, "%s-%03d", "case", 7), 0);
	assert_string_equal(b.data, "case-007");
	assert_int_equal(buf_appendf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_appendf(&b, "%09d", 1), SX_ETOOBIG);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "case-007");
	assert_int_equal(buf_appendf(&b, "%08d", 1), 0);
	assert_string_equal(b.data, "case-00700000001");
	buf_free(&b);
}

static void test_appendf_grows_past_the_first_allocation(void **state)
{
	struct buf b;
	char big[3001];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 10000);
	assert_int_equal(buf_append_str(&b, "head:"), 0);
	assert_int_equal(buf_appendf(&b, "%s|%s", big, big), 0);
	assert_int_equal(b.len, 5 + 3000 * 2 + 1);
	assert_memory_equal(b.data, "head:zzz", 8);
	assert_int_equal(b.data[5 + 3000], '|');
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
}

struct escape_case {
	const char *in;
	size_t in_len;
	const char *out;
};

#define E(lit, out) {lit, sizeof(lit) - 1, out}

static void test_html_escape_replaces_the_five_special_characters(void **state)
{
	static const struct escape_case cases[] = {
		E("", ""),
		E("plain", "plain"),
		E("a&b", "a&amp;b"),
		E("<script>", "&lt;script&gt;"),
		E("\"quoted\"", "&quot;quoted&quot;"),
		E("it's", "it&#39;s"),
		E("&amp;", "&amp;amp;"),
		E("处罚<决定>", "处罚&lt;决定&gt;"),
		E("<>&\"'", "&lt;&gt;&amp;&quot;&#39;"),
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b;

		buf_init(&b, 1000);
		assert_int_equal(buf_append_str(&b, "["), 0);
		assert_int_equal(buf_append_html_escaped(&b, cases[i].in, cases[i].in_len), 0);
		assert_int_equal(buf_append_str(&b, "]"), 0);
		assert_int_equal(b.len, strlen(cases[i].out) + 2);
		assert_memory_equal(b.data + 1, cases[i].out, strlen(cases[i].out));
		buf_free(&b);
	}
}

static void test_html_escape_counts_the_escaped_length_against_the_cap(void **state)
{
	struct buf b;

	(void)state;
	/* "<" becomes 4 bytes: 1 raw byte would fit, the escaped form does not. */
	buf_init(&b, 5);
	assert_int_equal(buf_append_str(&b, "ab"), 0);
	assert_int_equal(buf_append_html_escaped(&b, "<", 1), SX_ETOOBIG);
	assert_string_equal(b.data, "ab");
	assert_int_equal(b.len, 2);
	assert_int_equal(buf_append_html_escaped(&b, ">", 1), SX_ETOOBIG);
	buf_free(&b);
	buf_init(&b, 6);
	assert_int_equal(buf_append_str(&b, "ab"), 0);
	assert_int_equal(buf_append_html_escaped(&b, "<", 1), 0);
	assert_string_equal(b.data, "ab&lt;");
	buf_free(&b);
}

static void test_json_string_escapes_per_rfc8785(void **state)
{
	static const struct escape_case cases[] = {
		E("", "\"\""),
		E("plain", "\"plain\""),
		E("say \"hi\"", "\"say \\\"hi\\\"\""),
		E("back\\slash", "\"back\\\\slash\""),
		E("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
		E("\x01\x1f", "\"\\u0001\\u001f\""),
		E("a\0b", "\"a\\u0000b\""),
		E("\x7f", "\"\x7f\""),                          /* DEL is not escaped */
		E("a/b", "\"a/b\""),                            /* solidus is not escaped */
		E("</script>", "\"</script>\""),
		E("行政执法", "\"行政执法\""),
		E("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),  /* astral, raw */
		E("\xe2\x80\xa8", "\"\xe2\x80\xa8\""),          /* U+2028 raw, as JCS says */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b;

		buf_init(&b, 1000);
		assert_int_equal(buf_append_json_string(&b, cases[i].in, cases[i].in_len), 0);
		assert_int_equal(b.len, strlen(cases[i].out));
		assert_string_equal(b.data, cases[i].out);
		buf_free(&b);
	}
}

static void test_json_string_rejects_invalid_utf8_and_leaves_buffer_unchanged(void **state)
{
	static const struct escape_case bad[] = {
		E("\xff", NULL),
		E("ok\xc0\x80", NULL),        /* overlong NUL */
		E("\xed\xa0\x80", NULL),      /* surrogate */
		E("\xe4\xb8", NULL),          /* truncated */
		E("\xf4\x90\x80\x80", NULL),  /* above U+10FFFF */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct buf b;

		buf_init(&b, 1000);
		assert_int_equal(buf_append_str(&b, "{"), 0);
		assert_int_equal(buf_append_json_string(&b, bad[i].in, bad[i].in_len),
				 SX_EINVALID);
		assert_int_equal(b.len, 1);
		assert_string_equal(b.data, "{");
		buf_free(&b);
	}
}

static void test_json_string_counts_quotes_and_escapes_against_the_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 7);
	assert_int_equal(buf_append_json_string(&b, "\x01", 1), SX_ETOOBIG);  /* needs 8 */
	assert_null(b.data);
	assert_int_equal(buf_append_json_string(&b, "\n\n", 2), 0);            /* needs 6 */
	assert_string_equal(b.data, "\"\\n\\n\"");
	assert_int_equal(buf_append_json_string(&b, "", 0), SX_ETOOBIG);      /* needs 2 */
	assert_int_equal(b.len, 6);
	buf_free(&b);
}

static void test_appenders_leave_buffer_unchanged_when_allocation_fails(void **state)
{
	struct buf b;
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big));
	buf_init(&b, 1000);
	assert_int_equal(buf_append_str(&b, "keep"), 0);

	sx_mem_fail_after(0);
	assert_int_equal(buf_append(&b, big, sizeof(big)), SX_ENOMEM);
	sx_mem_fail_after(0);
	assert_int_equal(buf_appendf(&b, "%.*s", (int)sizeof(big), big), SX_ENOMEM);
	sx_mem_fail_after(0);
	assert_int_equal(buf_append_html_escaped(&b, big, sizeof(big)), SX_ENOMEM);
	sx_mem_fail_after(0);
	assert_int_equal(buf_append_json_string(&b, big, sizeof(big)), SX_ENOMEM);
	sx_mem_fail_after(-1);

	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");
	assert_int_equal(buf_append(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 204);
	buf_free(&b);
}

static void test_first_append_fails_cleanly_when_allocation_fails(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	sx_mem_fail_after(0);
	assert_int_equal(buf_append_str(&b, "x"), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_reset_empties_and_keeps_memory(void **state)
{
	struct buf b;
	char *data;
	size_t cap;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_append_str(&b, "something"), 0);
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	sx_mem_fail_after(0);  /* reuse needs no allocation */
	assert_int_equal(buf_append_str(&b, "again"), 0);
	sx_mem_fail_after(-1);
	assert_string_equal(b.data, "again");
	buf_free(&b);
}

static void test_free_reinitialises_with_the_same_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 3);
	assert_int_equal(buf_append_str(&b, "abc"), 0);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max_bytes, 3);
	assert_int_equal(buf_append_str(&b, "abcd"), SX_ETOOBIG);
	buf_free(&b);
	buf_free(NULL);
}

static void test_detach_hands_over_content_and_empties_the_buffer(void **state)
{
	struct buf b;
	size_t len = 0;
	char *s;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_append(&b, "a\0c", 3), 0);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "a\0c\0", 4);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max_bytes, 100);
	sx_free(s);
}

static void test_detach_of_empty_buffer_returns_allocated_empty_string(void **state)
{
	struct buf b;
	size_t len = 99;
	char *s;

	(void)state;
	buf_init(&b, 100);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	sx_free(s);

	/* Reset leaves memory behind: detach hands that over too. */
	assert_int_equal(buf_append_str(&b, "x"), 0);
	buf_reset(&b);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "");
	assert_null(b.data);
	sx_free(s);
}

static void test_detach_returns_null_when_allocating_empty_string_fails(void **state)
{
	struct buf b;
	size_t len = 99;

	(void)state;
	buf_init(&b, 100);
	sx_mem_fail_after(0);
	assert_null(buf_detach(&b, &len));
	sx_mem_fail_after(-1);
	assert_int_equal(len, 0);
	assert_null(buf_detach(NULL, &len));
}

static void test_slice_helpers_compare_by_length_and_bytes(void **state)
{
	struct slice s = slice_from_str("case");
	struct slice empty = slice_from_str("");
	struct slice none = slice_from_str(NULL);
	struct slice part = {"cases", 4};
	struct slice with_nul = {"ca\0e", 4};
	struct buf b;

	(void)state;
	assert_int_equal(s.len, 4);
	assert_true(slice_eq_str(s, "case"));
	assert_false(slice_eq_str(s, "cas"));
	assert_false(slice_eq_str(s, "cases"));
	assert_false(slice_eq_str(s, "Case"));
	assert_false(slice_eq_str(s, NULL));
	assert_true(slice_eq_str(part, "case"));
	assert_false(slice_eq_str(with_nul, "ca"));
	assert_true(slice_eq_str(empty, ""));
	assert_null(none.ptr);
	assert_int_equal(none.len, 0);
	assert_true(slice_eq_str(none, ""));
	assert_false(slice_eq_str(none, "x"));

	buf_init(&b, 10);
	assert_int_equal(buf_as_slice(&b).len, 0);
	assert_int_equal(buf_append_str(&b, "abc"), 0);
	assert_true(slice_eq_str(buf_as_slice(&b), "abc"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_makes_an_empty_buffer_without_allocating),
		cmocka_unit_test(test_append_grows_and_keeps_content_nul_terminated),
		cmocka_unit_test(test_append_of_nothing_is_a_no_op),
		cmocka_unit_test(test_append_keeps_embedded_nul_bytes),
		cmocka_unit_test(test_append_past_the_cap_fails_and_leaves_buffer_unchanged),
		cmocka_unit_test(test_zero_cap_buffer_accepts_only_empty_appends),
		cmocka_unit_test(test_append_rejects_null_arguments),
		cmocka_unit_test(test_append_str_and_char_append_text),
		cmocka_unit_test(test_appendf_formats_and_respects_the_cap),
		cmocka_unit_test(test_appendf_grows_past_the_first_allocation),
		cmocka_unit_test(test_html_escape_replaces_the_five_special_characters),
		cmocka_unit_test(test_html_escape_counts_the_escaped_length_against_the_cap),
		cmocka_unit_test(test_json_string_escapes_per_rfc8785),
		cmocka_unit_test(test_json_string_rejects_invalid_utf8_and_leaves_buffer_unchanged),
		cmocka_unit_test(test_json_string_counts_quotes_and_escapes_against_the_cap),
		cmocka_unit_test(test_appenders_leave_buffer_unchanged_when_allocation_fails),
		cmocka_unit_test(test_first_append_fails_cleanly_when_allocation_fails),
		cmocka_unit_test(test_reset_empties_and_keeps_memory),
		cmocka_unit_test(test_free_reinitialises_with_the_same_cap),
		cmocka_unit_test(test_detach_hands_over_content_and_empties_the_buffer),
		cmocka_unit_test(test_detach_of_empty_buffer_returns_allocated_empty_string),
		cmocka_unit_test(test_detach_returns_null_when_allocating_empty_string_fails),
		cmocka_unit_test(test_slice_helpers_compare_by_length_and_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
