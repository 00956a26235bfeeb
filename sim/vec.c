/* vec.c — see vec.h. */
#include "vec.h"

#include <string.h>

void vec_push(arena *a, vec *v, void *item)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = arena_alloc(a, cap * sizeof *items);
		if (v->len)
			memcpy(items, v->items, v->len * sizeof *items);
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = item;
}
