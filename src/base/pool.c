/*
 * base/pool — see pool.h.
 *
 * Layout: each chunk is one sx_malloc block, a header rounded up to
 * POOL_ALIGN followed by `size` payload bytes. All chunks sit on one list
 * (for pool_destroy); `current` is the standard chunk being filled. Chunks of
 * their own (big requests) go on the list but never become current, so the
 * free tail of the current chunk keeps serving small requests.
 */
#include "base/pool.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/mem.h"

#define POOL_ALIGN 16
#define POOL_CHUNK_MIN 4096
#define POOL_CHUNK_MAX 65536

/*
 * Payload starts POOL_ALIGN-aligned when malloc's own alignment is at least
 * POOL_ALIGN (glibc on x86-64 and arm64); otherwise each chunk carries
 * POOL_ALIGN - 1 spare bytes so that the first allocation can be aligned.
 */
#define POOL_SLACK (_Alignof(max_align_t) >= POOL_ALIGN ? 0 : POOL_ALIGN - 1)

struct pool_chunk {
	struct pool_chunk *next;
	size_t size;  /* payload bytes after the header */
	size_t used;  /* payload bytes handed out, alignment padding included; <= size */
};

#define POOL_HEADER_SIZE \
	((sizeof(struct pool_chunk) + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN)

struct pool {
	struct pool_chunk *chunks;   /* every chunk, newest first; NULL before the first alloc */
	struct pool_chunk *current;  /* standard chunk being filled; NULL before the first alloc */
	size_t max_bytes;            /* cap on held_bytes; > 0 */
	size_t held_bytes;           /* sum of chunk payload sizes */
	size_t next_chunk_size;      /* POOL_CHUNK_MIN..POOL_CHUNK_MAX */
};

int pool_create(struct pool **out, size_t max_bytes)
{
	struct pool *p;

	if (out == NULL)
		return SX_EINVALID;
	*out = NULL;
	if (max_bytes == 0)
		return SX_EINVALID;
	p = sx_malloc(sizeof(*p));
	if (p == NULL)
		return SX_ENOMEM;
	p->chunks = NULL;
	p->current = NULL;
	p->max_bytes = max_bytes;
	p->held_bytes = 0;
	p->next_chunk_size = POOL_CHUNK_MIN;
	*out = p;
	return 0;
}

static unsigned char *chunk_payload(struct pool_chunk *c)
{
	return (unsigned char *)c + POOL_HEADER_SIZE;
}

/* Returns size bytes from c, aligned, or NULL when they do not fit. */
static void *chunk_take(struct pool_chunk *c, size_t size)
{
	unsigned char *at = chunk_payload(c) + c->used;
	size_t pad = (size_t)(-(uintptr_t)at & (POOL_ALIGN - 1));

	if (pad > c->size - c->used || size > c->size - c->used - pad)
		return NULL;
	c->used += pad + size;
	return at + pad;
}

/*
 * Gets a chunk with payload_size bytes from sx_malloc and puts it on the
 * list, or returns NULL when the cap or the allocator says no.
 */
static struct pool_chunk *pool_add_chunk(struct pool *p, size_t payload_size)
{
	struct pool_chunk *c;

	if (payload_size > p->max_bytes - p->held_bytes ||
	    payload_size > SIZE_MAX - POOL_HEADER_SIZE)
		return NULL;
	c = sx_malloc(POOL_HEADER_SIZE + payload_size);
	if (c == NULL)
		return NULL;
	c->size = payload_size;
	c->used = 0;
	c->next = p->chunks;
	p->chunks = c;
	p->held_bytes += payload_size;
	return c;
}

void *pool_alloc(struct pool *p, size_t size)
{
	struct pool_chunk *c;
	size_t need, chunk_size, room;
	void *ptr;

	if (p == NULL)
		return NULL;
	if (size == 0)
		size = 1;
	if (p->current != NULL && (ptr = chunk_take(p->current, size)) != NULL)
		return ptr;
	if (size > SIZE_MAX - POOL_SLACK)
		return NULL;
	need = size + POOL_SLACK;
	room = p->max_bytes - p->held_bytes;
	if (need > room)
		return NULL;

	if (size > p->next_chunk_size / 4) {
		c = pool_add_chunk(p, need);
		return c == NULL ? NULL : chunk_take(c, size);
	}

	/* Near the cap, a smaller chunk still serves this and later small requests. */
	chunk_size = p->next_chunk_size < room ? p->next_chunk_size : room;
	c = pool_add_chunk(p, chunk_size);
	if (c == NULL)
		return NULL;
	p->current = c;
	if (p->next_chunk_size < POOL_CHUNK_MAX)
		p->next_chunk_size *= 2;
	return chunk_take(c, size);
}

void *pool_calloc(struct pool *p, size_t count, size_t size)
{
	void *ptr;

	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	ptr = pool_alloc(p, count * size);
	if (ptr != NULL)
		memset(ptr, 0, count * size);
	return ptr;
}

char *pool_strndup(struct pool *p, const char *s, size_t len)
{
	char *copy;

	if (s == NULL || len == SIZE_MAX)
		return NULL;
	copy = pool_alloc(p, len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *pool_strdup(struct pool *p, const char *s)
{
	if (s == NULL)
		return NULL;
	return pool_strndup(p, s, strlen(s));
}

char *pool_printf(struct pool *p, const char *fmt, ...)
{
	va_list ap;
	char *out;
	int n;

	if (p == NULL || fmt == NULL)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	out = pool_alloc(p, (size_t)n + 1);
	if (out == NULL)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return out;
}

size_t pool_used_bytes(const struct pool *p)
{
	return p == NULL ? 0 : p->held_bytes;
}

void pool_destroy(struct pool *p)
{
	struct pool_chunk *c, *next;

	if (p == NULL)
		return;
	for (c = p->chunks; c != NULL; c = next) {
		next = c->next;
		sx_free(c);
	}
	sx_free(p);
}
