/*
 * base/pool — per-request arena allocator with a hard cap.
 *
 * A pool hands out memory by bumping a pointer through chunks it takes from
 * sx_malloc; nothing is freed one by one, everything goes at pool_destroy.
 * The HTTP layer creates one pool when a request starts and destroys it when
 * libmicrohttpd reports the request completed, so request code never frees
 * and cannot leak.
 *
 * Invariants:
 *   - every pointer returned is aligned to 16 bytes (enough for any C type on
 *     the platforms we build for) and stays valid until pool_destroy;
 *   - the chunk memory a pool holds never exceeds the max_bytes given at
 *     creation: the allocation that would pass it returns NULL, and the pool
 *     stays usable for smaller requests;
 *   - chunks start at 4 KiB and double up to 64 KiB; a request larger than a
 *     quarter of the next chunk's size is given a chunk of its own, so big
 *     buffers do not waste the tail of the current chunk.
 *
 * What it does not do: no free or realloc of single allocations, no thread
 * safety (one request, one thread), no zeroing unless pool_calloc is used.
 */
#ifndef SX_BASE_POOL_H
#define SX_BASE_POOL_H

#include <stddef.h>

struct pool;

/*
 * Creates an empty pool that will hold at most max_bytes of chunk memory
 * (the small pool header itself is not counted). Allocates no chunk yet.
 * Returns 0, SX_EINVALID (out NULL or max_bytes 0), SX_ENOMEM.
 * On success *out is freed with pool_destroy; on error *out is NULL.
 */
int pool_create(struct pool **out, size_t max_bytes);

/*
 * Returns size bytes (uninitialised, 16-byte aligned) owned by p, or NULL
 * when p is NULL, the cap would be exceeded, or sx_malloc fails. size 0 gives
 * a distinct 1-byte allocation. Never free the result; pool_destroy does.
 */
void *pool_alloc(struct pool *p, size_t size);

/* Like pool_alloc for count*size zeroed bytes; NULL when the product overflows. */
void *pool_calloc(struct pool *p, size_t count, size_t size);

/* Copies the NUL-terminated string s into p; NULL when s is NULL or allocation fails. */
char *pool_strdup(struct pool *p, const char *s);

/*
 * Copies exactly len bytes of s (which may contain NULs) into p and appends a
 * NUL, like sx_strndup. NULL when s is NULL or allocation fails.
 */
char *pool_strndup(struct pool *p, const char *s, size_t len);

/* printf into memory owned by p; NULL on a formatting error or when allocation fails. */
char *pool_printf(struct pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Bytes of chunk memory p holds: the quantity max_bytes caps. At least the
 * sum of the sizes handed out; 0 for a new pool or NULL.
 */
size_t pool_used_bytes(const struct pool *p);

/* Frees p and every allocation made from it. p may be NULL. */
void pool_destroy(struct pool *p);

#endif
