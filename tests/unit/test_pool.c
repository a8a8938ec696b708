/*
 * Unit tests for base/pool: alignment, no overlap between allocations,
 * chunking (big requests get their own chunk and do not retire the current
 * one), the hard cap, string helpers, and allocation failure at every step
 * (ASan reports any chunk left behind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "base/pool.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool is_aligned_16(const void *ptr)
{
	return ((uintptr_t)ptr & 15) == 0;
}

static void test_create_rejects_null_out_and_zero_cap(void **state)
{
	struct pool *p = (struct pool *)&p;

	(void)state;
	assert_int_equal(pool_create(NULL, 100), SX_EINVALID);
	assert_int_equal(pool_create(&p, 0), SX_EINVALID);
	assert_null(p);
}

static void test_create_reports_allocation_failure(void **state)
{
	struct pool *p = (struct pool *)&p;

	(void)state;
	sx_mem_fail_after(0);
	assert_int_equal(pool_create(&p, 100), SX_ENOMEM);
	sx_mem_fail_after(-1);
	assert_null(p);
}

static void test_new_pool_holds_no_memory(void **state)
{
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	assert_int_equal(pool_used_bytes(p), 0);
	pool_destroy(p);
	assert_int_equal(pool_used_bytes(NULL), 0);
	pool_destroy(NULL);
}

static void test_allocations_are_aligned_and_do_not_overlap(void **state)
{
	static const size_t sizes[] = {1, 3, 16, 17, 100, 0, 255, 1024, 1500, 5000, 7, 65536, 9};
	unsigned char *ptrs[ARRAY_LEN(sizes)];
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		ptrs[i] = pool_alloc(p, sizes[i]);
		assert_non_null(ptrs[i]);
		assert_true(is_aligned_16(ptrs[i]));
		memset(ptrs[i], (int)i + 1, sizes[i] ? sizes[i] : 1);
	}
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		for (size_t k = 0; k < (sizes[i] ? sizes[i] : 1); k++)
			assert_int_equal(ptrs[i][k], i + 1);
	}
	pool_destroy(p);
}

static void test_zero_size_allocations_are_distinct(void **state)
{
	struct pool *p;
	void *a, *b;

	(void)state;
	assert_int_equal(pool_create(&p, 4096), 0);
	a = pool_alloc(p, 0);
	b = pool_alloc(p, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	pool_destroy(p);
}

static void test_many_small_allocations_span_chunks_and_keep_their_contents(void **state)
{
	enum { COUNT = 5000 };
	uint32_t *ptrs[COUNT];
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	for (uint32_t i = 0; i < COUNT; i++) {
		ptrs[i] = pool_alloc(p, 24);
		assert_non_null(ptrs[i]);
		ptrs[i][0] = i;
		ptrs[i][5] = ~i;
	}
	for (uint32_t i = 0; i < COUNT; i++) {
		assert_int_equal(ptrs[i][0], i);
		assert_int_equal(ptrs[i][5], ~i);
	}
	/* 5000 * 32 aligned bytes = 160000; growing chunks waste at most one chunk's tail each. */
	assert_true(pool_used_bytes(p) >= COUNT * 24);
	assert_true(pool_used_bytes(p) < COUNT * 32 + 65536);
	pool_destroy(p);
}

static void test_big_allocation_has_its_own_chunk_and_small_ones_continue(void **state)
{
	struct pool *p;
	unsigned char *a, *big, *b;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	a = pool_alloc(p, 16);
	assert_non_null(a);
	assert_int_equal(pool_used_bytes(p), 4096);
	/* Does not fit in the rest of the first chunk, and is more than a quarter of the next. */
	big = pool_alloc(p, 5000);
	assert_non_null(big);
	assert_int_equal(pool_used_bytes(p), 4096 + 5000);
	memset(big, 0x55, 5000);
	/* The first chunk still serves small requests, right after a. */
	b = pool_alloc(p, 16);
	assert_ptr_equal(b, a + 16);
	assert_int_equal(pool_used_bytes(p), 4096 + 5000);
	/* A request that fits in the current chunk is served from it. */
	assert_non_null(pool_alloc(p, 3000));
	assert_int_equal(pool_used_bytes(p), 4096 + 5000);
	pool_destroy(p);
}

static void test_cap_is_never_exceeded(void **state)
{
	struct pool *p;
	size_t handed_out = 0;

	(void)state;
	assert_int_equal(pool_create(&p, 10000), 0);
	for (;;) {
		void *ptr = pool_alloc(p, 100);

		if (ptr == NULL)
			break;
		memset(ptr, 0xaa, 100);
		handed_out += 100;
		assert_true(pool_used_bytes(p) <= 10000);
	}
	assert_true(pool_used_bytes(p) <= 10000);
	/* Near the cap a smaller last chunk is used, so little is lost beyond alignment (12 of
	 * every 112 bytes here). */
	assert_true(handed_out >= 8500);
	pool_destroy(p);
}

static void test_allocation_up_to_the_cap_succeeds_and_one_byte_more_fails(void **state)
{
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 100), 0);
	assert_null(pool_alloc(p, 101));
	assert_int_equal(pool_used_bytes(p), 0);
	assert_non_null(pool_alloc(p, 100));
	assert_int_equal(pool_used_bytes(p), 100);
	assert_null(pool_alloc(p, 1));
	pool_destroy(p);
}

static void test_failed_big_allocation_leaves_pool_usable(void **state)
{
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 8192), 0);
	assert_non_null(pool_alloc(p, 10));
	assert_null(pool_alloc(p, 5000));
	assert_null(pool_alloc(p, SIZE_MAX));
	assert_null(pool_alloc(p, SIZE_MAX - 8));
	assert_non_null(pool_alloc(p, 10));
	assert_int_equal(pool_used_bytes(p), 4096);
	pool_destroy(p);
}

static void test_calloc_zeroes_and_rejects_overflow(void **state)
{
	struct pool *p;
	unsigned char *z;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	z = pool_calloc(p, 100, 7);
	assert_non_null(z);
	for (size_t i = 0; i < 700; i++)
		assert_int_equal(z[i], 0);
	assert_null(pool_calloc(p, SIZE_MAX / 2, 3));
	assert_null(pool_calloc(p, 3, SIZE_MAX / 2));
	assert_non_null(pool_calloc(p, 0, 8));
	pool_destroy(p);
}

static void test_string_helpers_copy_into_the_pool(void **state)
{
	struct pool *p;
	char src[] = "执法事项";
	char *s, *n, *f;

	(void)state;
	assert_int_equal(pool_create(&p, 1 << 20), 0);
	s = pool_strdup(p, src);
	assert_non_null(s);
	assert_ptr_not_equal(s, src);
	src[0] = 'X';
	assert_string_equal(s, "执法事项");

	n = pool_strndup(p, "a\0bcdef", 4);
	assert_non_null(n);
	assert_memory_equal(n, "a\0bc\0", 5);

	f = pool_printf(p, "%s-%04d-%c", "case", 42, 'z');
	assert_string_equal(f, "case-0042-z");
	f = pool_printf(p, "%s", "");
	assert_string_equal(f, "");

	assert_null(pool_strdup(p, NULL));
	assert_null(pool_strndup(p, NULL, 3));
	assert_null(pool_strndup(p, "x", SIZE_MAX));
	assert_null(pool_strdup(NULL, "x"));
	assert_null(pool_printf(NULL, "%d", 1));
	assert_null(pool_alloc(NULL, 1));
	pool_destroy(p);
}

static void test_printf_respects_the_cap(void **state)
{
	struct pool *p;

	(void)state;
	assert_int_equal(pool_create(&p, 10), 0);
	assert_null(pool_printf(p, "%s", "eleven char"));
	assert_string_equal(pool_printf(p, "%s", "ten chars"), "ten chars");
	pool_destroy(p);
}

/*
 * Fails the nth allocation of a mixed workload for every n until the
 * workload runs clean. Each failure must surface as NULL, the pool must stay
 * consistent, and pool_destroy must free everything (ASan checks leaks).
 */
static void test_failing_any_allocation_is_reported_and_leaks_nothing(void **state)
{
	bool completed = false;

	(void)state;
	for (long n = 0; !completed; n++) {
		struct pool *p = NULL;
		size_t failures = 0;
		size_t used_before;

		assert_true(n < 1000);
		assert_int_equal(pool_create(&p, 1 << 22), 0);
		sx_mem_fail_after(n);
		for (int i = 0; i < 40; i++) {
			size_t size = i % 5 == 4 ? 20000 : 700;
			unsigned char *ptr;

			used_before = pool_used_bytes(p);
			ptr = pool_alloc(p, size);
			if (ptr == NULL) {
				failures++;
				assert_int_equal(pool_used_bytes(p), used_before);
				continue;
			}
			memset(ptr, i, size);
		}
		if (pool_strdup(p, "tail") == NULL)
			failures++;
		sx_mem_fail_after(-1);
		completed = failures == 0;
		assert_true(failures <= 1);
		pool_destroy(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rejects_null_out_and_zero_cap),
		cmocka_unit_test(test_create_reports_allocation_failure),
		cmocka_unit_test(test_new_pool_holds_no_memory),
		cmocka_unit_test(test_allocations_are_aligned_and_do_not_overlap),
		cmocka_unit_test(test_zero_size_allocations_are_distinct),
		cmocka_unit_test(test_many_small_allocations_span_chunks_and_keep_their_contents),
		cmocka_unit_test(test_big_allocation_has_its_own_chunk_and_small_ones_continue),
		cmocka_unit_test(test_cap_is_never_exceeded),
		cmocka_unit_test(test_allocation_up_to_the_cap_succeeds_and_one_byte_more_fails),
		cmocka_unit_test(test_failed_big_allocation_leaves_pool_usable),
		cmocka_unit_test(test_calloc_zeroes_and_rejects_overflow),
		cmocka_unit_test(test_string_helpers_copy_into_the_pool),
		cmocka_unit_test(test_printf_respects_the_cap),
		cmocka_unit_test(test_failing_any_allocation_is_reported_and_leaks_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
