/*
 * Tests for base/error: the error record keeps stable codes and messages,
 * and a message longer than its buffer is cut on a UTF-8 character boundary
 * (a cut inside a character would make the JSON error answer impossible).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/codec.h"
#include "base/error.h"

static void test_default_words_and_messages_fill_an_unset_record(void **state)
{
	struct sx_error err;

	(void)state;
	assert_int_equal(sx_error_set(&err, SX_ENOTFOUND, NULL, NULL), SX_ENOTFOUND);
	assert_string_equal(err.code, "not_found");
	assert_string_equal(err.message, sx_errno_message(SX_ENOTFOUND));
	assert_string_equal(sx_errno_code(SX_EMETHOD), "method_not_allowed");
	/* An unknown code falls back to "internal", never to garbage. */
	assert_string_equal(sx_errno_code(-999), "internal");
}

static void test_a_long_chinese_message_is_cut_on_a_character_boundary(void **state)
{
	char message[600];
	struct sx_error err;
	size_t len = 0;

	(void)state;
	/* 3-byte characters with a 1-byte offset: every possible cut position
	 * inside a character is reached by one of the three offsets. */
	for (int offset = 0; offset < 3; offset++) {
		len = 0;
		for (int i = 0; i < offset; i++)
			message[len++] = 'a';
		while (len + 3 < sizeof(message)) {
			memcpy(message + len, "审", 3);
			len += 3;
		}
		message[len] = '\0';
		sx_error_set(&err, SX_EINVALID, "x", message);
		assert_true(strlen(err.message) < SX_ERROR_MESSAGE_MAX);
		assert_true(strlen(err.message) >= SX_ERROR_MESSAGE_MAX - 4);
		assert_true(codec_is_valid_utf8(err.message, strlen(err.message)));
	}
}

static void test_a_short_message_is_kept_whole(void **state)
{
	struct sx_error err;

	(void)state;
	sx_error_set(&err, SX_EINVALID, "x", "执法证号格式不正确");
	assert_string_equal(err.message, "执法证号格式不正确");
}

static void test_utf8_prefix_len_never_splits_a_character(void **state)
{
	(void)state;
	assert_int_equal(codec_utf8_prefix_len("abc", 40), 3);
	assert_int_equal(codec_utf8_prefix_len("abcdef", 4), 4);
	/* "审核" is 6 bytes: 4 allows only the first character. */
	assert_int_equal(codec_utf8_prefix_len("审核", 4), 3);
	assert_int_equal(codec_utf8_prefix_len("审核", 6), 6);
	assert_int_equal(codec_utf8_prefix_len("审核", 2), 0);
	/* It stops before an ill-formed sequence. */
	assert_int_equal(codec_utf8_prefix_len("ab\xff" "cd", 40), 2);
	assert_int_equal(codec_utf8_prefix_len("", 40), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_words_and_messages_fill_an_unset_record),
		cmocka_unit_test(test_a_long_chinese_message_is_cut_on_a_character_boundary),
		cmocka_unit_test(test_a_short_message_is_kept_whole),
		cmocka_unit_test(test_utf8_prefix_len_never_splits_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
