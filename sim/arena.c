/* arena.c — see arena.h. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum { CHUNK_MIN = 64 * 1024, ALIGN = alignof(max_align_t) };

struct chunk {
	struct chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t bytes;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("mucsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

arena *arena_new(void)
{
	arena *a = xmalloc(sizeof *a);
	a->head = NULL;
	a->bytes = 0;
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *next = c->next;
		UNPOISON(c->data, c->size);
		free(c);
		c = next;
	}
	free(a);
}

static struct chunk *chunk_new(size_t want)
{
	if (want > SIZE_MAX / 2) {
		fputs("mucsim: allocation too large\n", stderr);
		abort();
	}
	struct chunk *c = xmalloc(sizeof *c + want);
	c->size = want;
	c->used = 0;
	POISON(c->data, want);
	return c;
}

/* size bytes aligned to align (a power of two, at most ALIGN), not
 * zeroed.  Strings take byte alignment: padding every one to ALIGN would
 * spread a world over more chunks and more page faults. */
static void *take(arena *a, size_t size, size_t align)
{
	struct chunk *c = a->head;
	size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;
	size_t need = size ? size : 1;
#ifdef MUCSIM_ARENA_MALLOC
	c = NULL;  /* every allocation gets a block of its own */
	struct chunk *fresh = chunk_new(need);
#else
	struct chunk *fresh = NULL;
	if (!c || start > c->size || c->size - start < need)
		fresh = chunk_new(need > CHUNK_MIN ? need : CHUNK_MIN);
#endif
	if (fresh) {
		/* A big one-off block goes behind the current chunk so the
		 * current chunk's free tail stays usable. */
		if (a->head && need > CHUNK_MIN) {
			fresh->next = a->head->next;
			a->head->next = fresh;
		} else {
			fresh->next = a->head;
			a->head = fresh;
		}
		c = fresh;
		start = 0;
	}
	void *p = c->data + start;
	c->used = start + need;
	a->bytes += size;
	UNPOISON(p, size);
	return p;
}

void *arena_alloc(arena *a, size_t size)
{
	void *p = take(a, size, ALIGN);
	memset(p, 0, size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *d = take(a, n + 1, 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *d = take(a, (size_t)n + 1, 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

size_t arena_bytes(const arena *a)
{
	return a->bytes;
}
