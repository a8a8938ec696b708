/*
 * Unit tests for base/id: encoding against vectors computed independently
 * (the ULID README's timestamp example, and a 128-bit big-integer encoder in
 * Python for the full ids), range checks, validation, and order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/id.h"
#include "base/time.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct id_vector {
	int64_t ms;
	unsigned char random[10];
	const char *id;
};

static const struct id_vector vectors[] = {
	/* ulid/javascript README: ulid(1469918176385) starts "01ARYZ6S41". */
	{1469918176385LL, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "01ARYZ6S41000G40R40M30E209"},
	{1795505747123LL, {0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab},
	 "01M867PX5KVTPVXVR14D2PF2DB"},
	{0, {0}, "00000000000000000000000000"},
	{SX_ID_MAX_MS, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	 "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"},
};

static void test_id_from_parts_matches_reference_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(vectors); i++) {
		char id[SX_ID_LEN + 1];

		memset(id, '#', sizeof(id));
		assert_int_equal(sx_id_from_parts(id, vectors[i].ms, vectors[i].random), 0);
		assert_string_equal(id, vectors[i].id);
		assert_true(sx_id_is_valid(id, strlen(id)));
		assert_true(sx_id_timestamp_ms(id, SX_ID_LEN) == vectors[i].ms);
	}
}

static void test_id_from_parts_rejects_timestamps_outside_48_bits(void **state)
{
	const unsigned char random[10] = {0};
	char id[SX_ID_LEN + 1] = "not touched";

	(void)state;
	assert_int_equal(sx_id_from_parts(id, SX_ID_MAX_MS + 1, random), SX_EINVALID);
	assert_string_equal(id, "");
	assert_int_equal(sx_id_from_parts(id, -1, random), SX_EINVALID);
	assert_int_equal(sx_id_from_parts(id, INT64_MAX, random), SX_EINVALID);
	assert_int_equal(sx_id_from_parts(id, 0, NULL), SX_EINVALID);
	assert_int_equal(sx_id_from_parts(NULL, 0, random), SX_EINVALID);
}

static void test_ids_sort_by_timestamp_whatever_the_randomness(void **state)
{
	const unsigned char high[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const unsigned char low[10] = {0};
	static const int64_t times[] = {0, 1, 31, 32, 1023, 1024, 1795505747123LL,
					1795505747124LL, SX_ID_MAX_MS - 1};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(times); i++) {
		char earlier[SX_ID_LEN + 1], later[SX_ID_LEN + 1];

		assert_int_equal(sx_id_from_parts(earlier, times[i], high), 0);
		assert_int_equal(sx_id_from_parts(later, times[i] + 1, low), 0);
		assert_true(strcmp(earlier, later) < 0);
	}
}

static void test_id_validation_follows_the_crockford_alphabet(void **state)
{
	static const struct {
		const char *s;
		bool valid;
	} cases[] = {
		{"01ARYZ6S41000G40R40M30E209", true},
		{"7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true},
		{"00000000000000000000000000", true},
		{"8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false},  /* above 2^128 - 1 */
		{"Z0000000000000000000000000", false},
		{"01arYZ6S41000G40R40M30E209", false},  /* lower case */
		{"01ARYZ6S41000G40R40M30E20I", false},  /* I, L, O, U are not in the alphabet */
		{"01ARYZ6S41000G40R40M30E20L", false},
		{"01ARYZ6S41000G40R40M30E20O", false},
		{"01ARYZ6S41000G40R40M30E20U", false},
		{"01ARYZ6S41000G40R40M30E20-", false},
		{"01ARYZ6S41000G40R40M30E20", false},    /* 25 */
		{"01ARYZ6S41000G40R40M30E2099", false},  /* 27 */
		{"", false},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (sx_id_is_valid(cases[i].s, strlen(cases[i].s)) != cases[i].valid)
			fail_msg("\"%s\" should be %s", cases[i].s,
				 cases[i].valid ? "valid" : "invalid");
	}
	assert_false(sx_id_is_valid(NULL, SX_ID_LEN));
	/* The length decides, not a NUL: a valid prefix of a longer string is an id. */
	assert_true(sx_id_is_valid("01ARYZ6S41000G40R40M30E209XYZ", SX_ID_LEN));
	assert_false(sx_id_is_valid("01ARYZ6S41000G40R40M30E2\0009", SX_ID_LEN));
	assert_true(sx_id_timestamp_ms("8ZZZZZZZZZZZZZZZZZZZZZZZZZ", SX_ID_LEN) == -1);
}

static void test_new_ids_are_valid_current_and_distinct(void **state)
{
	char a[SX_ID_LEN + 1], b[SX_ID_LEN + 1];
	int64_t before_ms = sx_time_now_us() / 1000;
	int64_t after_ms;

	(void)state;
	assert_int_equal(sx_id_new(a), 0);
	assert_int_equal(sx_id_new(b), 0);
	after_ms = sx_time_now_us() / 1000;
	assert_int_equal(strlen(a), SX_ID_LEN);
	assert_true(sx_id_is_valid(a, SX_ID_LEN));
	assert_true(sx_id_is_valid(b, SX_ID_LEN));
	assert_true(sx_id_timestamp_ms(a, SX_ID_LEN) >= before_ms);
	assert_true(sx_id_timestamp_ms(b, SX_ID_LEN) <= after_ms);
	/* 80 random bits: a collision here means the randomness is missing. */
	assert_string_not_equal(a + 10, b + 10);
	assert_int_equal(sx_id_new(NULL), SX_EINVALID);
}

static void test_new_ids_from_later_milliseconds_sort_later(void **state)
{
	char first[SX_ID_LEN + 1], second[SX_ID_LEN + 1];
	int64_t start_ms;
	int polls = 0;

	(void)state;
	assert_int_equal(sx_id_new(first), 0);
	start_ms = sx_id_timestamp_ms(first, SX_ID_LEN);
	/* Poll (bounded) until the clock moves to the next millisecond. */
	while (sx_time_now_us() / 1000 == start_ms) {
		assert_true(++polls < 100000000);
	}
	assert_int_equal(sx_id_new(second), 0);
	assert_true(strcmp(first, second) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_from_parts_matches_reference_vectors),
		cmocka_unit_test(test_id_from_parts_rejects_timestamps_outside_48_bits),
		cmocka_unit_test(test_ids_sort_by_timestamp_whatever_the_randomness),
		cmocka_unit_test(test_id_validation_follows_the_crockford_alphabet),
		cmocka_unit_test(test_new_ids_are_valid_current_and_distinct),
		cmocka_unit_test(test_new_ids_from_later_milliseconds_sort_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
