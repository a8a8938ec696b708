/*
 * http/ratelimit — per-client token buckets for public endpoints that a
 * script could hammer (亮证 lookups: enumerating certificate numbers must be
 * slow). A client is its remote address. Each bucket holds up to `burst`
 * tokens and refills at `per_minute` tokens a minute; a request takes one.
 *
 * The table has a fixed number of slots (open addressing over a hash of the
 * address); when it is full the least recently used slot is reused, so
 * memory stays bounded whatever the number of clients. Thread-safe.
 */
#ifndef SX_HTTP_RATELIMIT_H
#define SX_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct http_ratelimit;

/* SX_ENOMEM or 0. per_minute ≥ 1, burst ≥ 1. */
int http_ratelimit_create(struct http_ratelimit **out, int per_minute, int burst);
void http_ratelimit_free(struct http_ratelimit *rl);

/*
 * Takes a token for client at now_us (monotonic). Returns true when allowed;
 * otherwise false with *retry_after_seconds (≥ 1) until the next token.
 */
bool http_ratelimit_take(struct http_ratelimit *rl, const char *client, int64_t now_us,
			 int64_t *retry_after_seconds);

#endif
