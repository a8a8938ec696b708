/*
 * Unit tests for http/ratelimit: per-client token buckets for 亮证 lookups.
 *
 * Time is a parameter (now_us), so every test drives a fake clock and none
 * sleeps. What is checked:
 *   - a client gets exactly its burst at one instant, then is refused with a
 *     Retry-After of at least one second that is long enough (taking again
 *     that many seconds later succeeds) and not more than a second longer
 *     than the true wait;
 *   - tokens come back at per_minute a minute, refusals do not push the
 *     refill back, and a long idle fills the bucket only up to burst;
 *   - clients are independent of each other;
 *   - more distinct clients than the table has slots allocate nothing (the
 *     allocation hook stays armed throughout) and the limiter keeps working:
 *     a client that was evicted starts again with a full bucket, one that was
 *     not is still limited — never more than burst either way;
 *   - NULL, empty and over-long client strings are limited like any other
 *     client and do not overflow the slot's key; an empty string is not
 *     mistaken for a free slot even when the clock is near 0 (it was: the
 *     first lookup was refused);
 *   - concurrent takes from several threads hand out exactly burst tokens;
 *   - bad arguments and allocation failure in create.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/mem.h"
#include "http/ratelimit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define SECOND_US INT64_C(1000000)
/* An arbitrary start on the monotonic clock, far from 0 so that an
 * uninitialised timestamp of 0 would show up as a huge refill. */
#define T0 (INT64_C(3600) * 24 * SECOND_US)

static struct http_ratelimit *new_limit(int per_minute, int burst)
{
	struct http_ratelimit *rl = NULL;

	assert_int_equal(http_ratelimit_create(&rl, per_minute, burst), 0);
	assert_non_null(rl);
	return rl;
}

/* Takes tokens for client at now_us until refused (bounded); returns how many were allowed. */
static int take_until_refused(struct http_ratelimit *rl, const char *client, int64_t now_us,
			      int64_t *retry_after_seconds)
{
	int allowed = 0;

	while (http_ratelimit_take(rl, client, now_us, retry_after_seconds)) {
		assert_int_equal(*retry_after_seconds, 0);
		allowed++;
		if (allowed > 100000)
			fail_msg("client %s was never refused", client ? client : "(null)");
	}
	return allowed;
}

/* ---- create -------------------------------------------------------------------------------- */

static void test_create_rejects_rates_and_bursts_below_one(void **state)
{
	static const int cases[][2] = {
		{0, 1}, {1, 0}, {-1, 5}, {60, -1}, {INT_MIN, 20}, {60, INT_MIN}, {0, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct http_ratelimit *rl = (struct http_ratelimit *)&rl;

		assert_int_equal(http_ratelimit_create(&rl, cases[i][0], cases[i][1]), SX_EINVALID);
		assert_null(rl);
	}
}

static void test_create_reports_allocation_failure_and_leaves_nothing(void **state)
{
	struct http_ratelimit *rl = (struct http_ratelimit *)&rl;
	int rc;

	(void)state;
	sx_mem_fail_after(0);
	rc = http_ratelimit_create(&rl, 60, 20);
	sx_mem_fail_after(-1);
	assert_int_equal(rc, SX_ENOMEM);
	assert_null(rl);
	/* Freeing nothing is allowed, as for every free function. */
	http_ratelimit_free(NULL);
}

/* ---- one client ---------------------------------------------------------------------------- */

static const int rate_cases[][2] = {
	/* per_minute, burst */
	{60, 20}, {60, 5}, {3, 3}, {1, 1}, {6, 1}, {7, 2}, {100000, 20}, {120, 1},
};

static void test_a_client_gets_its_burst_then_is_refused_with_retry_after(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rate_cases); i++) {
		int per_minute = rate_cases[i][0], burst = rate_cases[i][1];
		struct http_ratelimit *rl = new_limit(per_minute, burst);
		int64_t retry = -1;
		int allowed = take_until_refused(rl, "192.0.2.1", T0, &retry);

		if (allowed != burst || retry < 1)
			fail_msg("%d/min burst %d: %d allowed, retry %lld", per_minute, burst,
				 allowed, (long long)retry);
		/* Still refused at the same instant, with the same advice. */
		{
			int64_t again = -1;

			assert_false(http_ratelimit_take(rl, "192.0.2.1", T0, &again));
			assert_int_equal(again, retry);
		}
		http_ratelimit_free(rl);
	}
}

static void test_retry_after_is_long_enough_and_at_most_a_second_too_long(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rate_cases); i++) {
		int per_minute = rate_cases[i][0], burst = rate_cases[i][1];
		struct http_ratelimit *rl = new_limit(per_minute, burst);
		/* The true wait for one token from empty: 60 / per_minute seconds. */
		int64_t wait_us = 60 * SECOND_US / per_minute;
		int64_t wait_ceil_s = (wait_us + SECOND_US - 1) / SECOND_US;
		int64_t retry = 0, unused;

		take_until_refused(rl, "198.51.100.7", T0, &retry);
		if (retry < (wait_ceil_s < 1 ? 1 : wait_ceil_s) || retry > wait_ceil_s + 1)
			fail_msg("%d/min: Retry-After %lld for a wait of %lld us", per_minute,
				 (long long)retry, (long long)wait_us);
		/* A client that obeys Retry-After is served. */
		if (!http_ratelimit_take(rl, "198.51.100.7", T0 + retry * SECOND_US, &unused))
			fail_msg("%d/min: refused after waiting the advised %lld s", per_minute,
				 (long long)retry);
		http_ratelimit_free(rl);
	}
}

static void test_tokens_refill_at_the_configured_rate(void **state)
{
	struct http_ratelimit *rl = new_limit(60, 20); /* one token a second */
	int64_t retry;
	int64_t t;

	(void)state;
	assert_int_equal(take_until_refused(rl, "203.0.113.9", T0, &retry), 20);
	assert_false(http_ratelimit_take(rl, "203.0.113.9", T0 + 990 * 1000, &retry));
	assert_int_equal(retry, 1);
	assert_true(http_ratelimit_take(rl, "203.0.113.9", T0 + 1010 * 1000, &retry));
	assert_false(http_ratelimit_take(rl, "203.0.113.9", T0 + 1020 * 1000, &retry));
	/* Five seconds later: five tokens (and a bit), no more. */
	t = T0 + 6020 * 1000;
	assert_int_equal(take_until_refused(rl, "203.0.113.9", t, &retry), 5);
	http_ratelimit_free(rl);
}

static void test_refused_requests_do_not_delay_the_refill(void **state)
{
	struct http_ratelimit *rl = new_limit(6, 1); /* one token every 10 s */
	int64_t retry;

	(void)state;
	assert_true(http_ratelimit_take(rl, "192.0.2.44", T0, &retry));
	/* Hammering every 100 ms while empty must not reset the clock. */
	for (int64_t t = T0 + 100 * 1000; t < T0 + 10 * SECOND_US - 1000; t += 100 * 1000) {
		if (http_ratelimit_take(rl, "192.0.2.44", t, &retry))
			fail_msg("allowed %lld us after the only token", (long long)(t - T0));
		assert_true(retry >= 1);
	}
	assert_true(http_ratelimit_take(rl, "192.0.2.44", T0 + 10 * SECOND_US + 1000, &retry));
	http_ratelimit_free(rl);
}

static void test_a_long_idle_refills_only_up_to_the_burst(void **state)
{
	struct http_ratelimit *rl = new_limit(60, 20);
	int64_t retry;

	(void)state;
	assert_int_equal(take_until_refused(rl, "192.0.2.5", T0, &retry), 20);
	assert_int_equal(take_until_refused(rl, "192.0.2.5", T0 + 3600 * SECOND_US, &retry), 20);
	assert_int_equal(take_until_refused(rl, "192.0.2.5", T0 + 30 * 86400 * SECOND_US, &retry),
			 20);
	http_ratelimit_free(rl);
}

/* ---- many clients -------------------------------------------------------------------------- */

static void test_clients_have_independent_buckets(void **state)
{
	static const char *const clients[] = {
		"192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2", "::1", "127.0.0.1",
	};
	struct http_ratelimit *rl = new_limit(60, 3);
	int64_t retry;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(clients); i++) {
		assert_int_equal(take_until_refused(rl, clients[i], T0, &retry), 3);
		/* Exhausting this one left the earlier ones exhausted, no more. */
		for (size_t k = 0; k <= i; k++)
			assert_false(http_ratelimit_take(rl, clients[k], T0, &retry));
	}
	http_ratelimit_free(rl);
}

static void client_name(char *out, size_t size, unsigned n)
{
	snprintf(out, size, "10.%u.%u.%u", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

static void test_many_distinct_clients_allocate_nothing_and_are_still_limited(void **state)
{
	enum { CLIENTS = 20000 }; /* well over the 4096 slots */
	struct http_ratelimit *rl = new_limit(1, 2);
	char name[32];
	int64_t retry;
	void *probe;
	int again;

	(void)state;
	assert_int_equal(take_until_refused(rl, "192.0.2.200", T0, &retry), 2);
	/* Any allocation through sx_* while this is armed would fail and disarm it. */
	sx_mem_fail_after(0);
	for (unsigned n = 0; n < CLIENTS; n++) {
		client_name(name, sizeof(name), n);
		/* A client seen for the first time always has a full bucket. */
		if (!http_ratelimit_take(rl, name, T0 + 1 + n, &retry)) {
			sx_mem_fail_after(-1);
			fail_msg("new client %s refused after %u others", name, n);
		}
	}
	probe = sx_malloc(1);
	sx_mem_fail_after(-1);
	if (probe != NULL) {
		sx_free(probe);
		fail_msg("take allocated memory while serving %d clients", CLIENTS);
	}

	/* The most recent clients are remembered and limited as before. */
	for (unsigned n = CLIENTS - 10; n < CLIENTS; n++) {
		client_name(name, sizeof(name), n);
		assert_int_equal(take_until_refused(rl, name, T0 + 1 + CLIENTS, &retry), 1);
	}

	/*
	 * The first client, exhausted before the crowd came (1/min: the 20 ms
	 * since are worth 0.0003 tokens). Evicted, it starts afresh with its
	 * burst; kept, it is still refused. Anything else is a bug.
	 */
	again = take_until_refused(rl, "192.0.2.200", T0 + 2 + CLIENTS, &retry);
	if (again != 0 && again != 2)
		fail_msg("evicted-or-kept client got %d tokens", again);
	assert_true(retry >= 1);
	http_ratelimit_free(rl);
}

/* ---- odd client strings -------------------------------------------------------------------- */

static void test_null_empty_and_over_long_clients_are_limited_like_others(void **state)
{
	char long_client[1000];
	char longest_key[64];
	struct http_ratelimit *rl;
	int64_t retry;

	(void)state;
	memset(long_client, '7', sizeof(long_client) - 1);
	long_client[sizeof(long_client) - 1] = '\0';
	memset(longest_key, 'a', sizeof(longest_key) - 1);
	longest_key[sizeof(longest_key) - 1] = '\0';

	rl = new_limit(60, 4);
	assert_int_equal(take_until_refused(rl, NULL, T0, &retry), 4);
	assert_true(retry >= 1);
	http_ratelimit_free(rl);

	rl = new_limit(60, 4);
	assert_int_equal(take_until_refused(rl, "", T0, &retry), 4);
	assert_true(retry >= 1);
	/* The empty client's bucket is kept, like anyone's. */
	assert_false(http_ratelimit_take(rl, "", T0, &retry));
	assert_int_equal(take_until_refused(rl, "192.0.2.77", T0, &retry), 4);
	assert_false(http_ratelimit_take(rl, "", T0, &retry));
	http_ratelimit_free(rl);

	/* The monotonic clock may be near its origin (a freshly booted host):
	 * an empty client string is then still a new client with a full bucket,
	 * not an unused slot with no tokens. */
	rl = new_limit(60, 4);
	assert_int_equal(take_until_refused(rl, "", 0, &retry), 4);
	assert_int_equal(take_until_refused(rl, "192.0.2.78", 0, &retry), 4);
	http_ratelimit_free(rl);

	rl = new_limit(60, 4);
	assert_int_equal(take_until_refused(rl, long_client, T0, &retry), 4);
	assert_true(retry >= 1);
	/* 63 bytes still fit the key: a bucket of its own. */
	assert_int_equal(take_until_refused(rl, longest_key, T0, &retry), 4);
	assert_false(http_ratelimit_take(rl, longest_key, T0, &retry));
	http_ratelimit_free(rl);
}

/* ---- threads ------------------------------------------------------------------------------- */

/* Enough contention that a missing lock loses updates (it did, with the lock removed). */
#define HAMMER_THREADS 8
#define HAMMER_TAKES 20000
#define HAMMER_BURST 50000

struct hammer {
	struct http_ratelimit *rl;
	int allowed;
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	int64_t retry;

	for (int i = 0; i < HAMMER_TAKES; i++) {
		if (http_ratelimit_take(h->rl, "192.0.2.99", T0, &retry))
			h->allowed++;
	}
	return NULL;
}

static void test_concurrent_takes_never_exceed_the_burst(void **state)
{
	struct http_ratelimit *rl = new_limit(1, HAMMER_BURST);
	struct hammer hammers[HAMMER_THREADS];
	pthread_t threads[HAMMER_THREADS];
	int total = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(threads); i++) {
		hammers[i].rl = rl;
		hammers[i].allowed = 0;
		assert_int_equal(pthread_create(&threads[i], NULL, hammer_run, &hammers[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_LEN(threads); i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		total += hammers[i].allowed;
	}
	assert_int_equal(total, HAMMER_BURST);
	http_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rejects_rates_and_bursts_below_one),
		cmocka_unit_test(test_create_reports_allocation_failure_and_leaves_nothing),
		cmocka_unit_test(test_a_client_gets_its_burst_then_is_refused_with_retry_after),
		cmocka_unit_test(test_retry_after_is_long_enough_and_at_most_a_second_too_long),
		cmocka_unit_test(test_tokens_refill_at_the_configured_rate),
		cmocka_unit_test(test_refused_requests_do_not_delay_the_refill),
		cmocka_unit_test(test_a_long_idle_refills_only_up_to_the_burst),
		cmocka_unit_test(test_clients_have_independent_buckets),
		cmocka_unit_test(test_many_distinct_clients_allocate_nothing_and_are_still_limited),
		cmocka_unit_test(test_null_empty_and_over_long_clients_are_limited_like_others),
		cmocka_unit_test(test_concurrent_takes_never_exceed_the_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
