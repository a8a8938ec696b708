/*
 * base/mem — allocation with a test hook.
 *
 * All project code allocates through sx_malloc/sx_calloc/sx_realloc/sx_strdup
 * and frees with sx_free, so that unit tests can make the Nth allocation fail
 * (sx_mem_fail_after) and check that every error path cleans up. Vendor
 * objects (sqlite3, json_t, OpenSSL) are freed with their own functions.
 *
 * The failure countdown is thread-local: the one piece of mutable state
 * outside main, kept because it exists only to test error paths and is inert
 * (-1) unless a test arms it. sx_calloc and sx_realloc check size arithmetic
 * for overflow and fail with NULL rather than wrap.
 */
#ifndef SX_BASE_MEM_H
#define SX_BASE_MEM_H

#include <stddef.h>

void *sx_malloc(size_t size);
void *sx_calloc(size_t count, size_t size);
void *sx_realloc(void *ptr, size_t size);
/* Reallocates ptr to count*size bytes; NULL on overflow or failure (ptr stays valid). */
void *sx_reallocarray(void *ptr, size_t count, size_t size);
char *sx_strdup(const char *s);
char *sx_strndup(const char *s, size_t len);
void sx_free(void *ptr);

/*
 * Test hook: after n more successful allocations on this thread, the next one
 * fails (returns NULL) and the countdown disarms. n < 0 disarms.
 */
void sx_mem_fail_after(long n);

#endif
