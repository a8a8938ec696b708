/* base/mem — see mem.h. */
#include "base/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -1: disarmed; otherwise allocations left before one fails. */
static _Thread_local long mem_fail_countdown = -1;

void sx_mem_fail_after(long n)
{
	mem_fail_countdown = n < 0 ? -1 : n;
}

static int mem_should_fail(void)
{
	if (mem_fail_countdown < 0)
		return 0;
	if (mem_fail_countdown == 0) {
		mem_fail_countdown = -1;
		return 1;
	}
	mem_fail_countdown--;
	return 0;
}

void *sx_malloc(size_t size)
{
	if (mem_should_fail())
		return NULL;
	return malloc(size ? size : 1);
}

void *sx_calloc(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	if (mem_should_fail())
		return NULL;
	return calloc(count ? count : 1, size ? size : 1);
}

void *sx_realloc(void *ptr, size_t size)
{
	if (mem_should_fail())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void *sx_reallocarray(void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	return sx_realloc(ptr, count * size);
}

char *sx_strndup(const char *s, size_t len)
{
	char *copy;

	if (s == NULL || len == SIZE_MAX)
		return NULL;
	copy = sx_malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *sx_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return sx_strndup(s, strlen(s));
}

void sx_free(void *ptr)
{
	free(ptr);
}
