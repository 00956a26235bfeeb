/* vec.h — a growable array of pointers in an arena.
 *
 * Used where a count is not known in advance (clients, inboxes, transcript
 * events).  Zero-initialise and vec_push().  Growing copies the items into
 * a twice larger array of the same arena; the old array is simply left
 * behind, which at most doubles the memory and keeps ownership trivial:
 * the vector dies with its arena. */
#ifndef MUCSIM_VEC_H
#define MUCSIM_VEC_H

#include <stddef.h>

#include "arena.h"

typedef struct vec {
	void **items;
	size_t len, cap;
} vec;

void vec_push(arena *a, vec *v, void *item);

#endif
