/* arena.h — region allocator: one per world (or per script), freed at once.
 *
 * Everything a world allocates — stanzas, JIDs, rooms, transcript entries —
 * comes from its arena, so destroying the world is O(number of chunks) and
 * cannot leak.  There is no per-object free: an object lives as long as its
 * arena.  Memory is bounded by the limits each module enforces on its input.
 *
 * Under AddressSanitizer the unused tail of every chunk stays poisoned and
 * chunks are poisoned again when the arena is freed, so a stray read past an
 * allocation or a use after arena_free() is reported.  Configure with
 * -DMUCSIM_ARENA_MALLOC=ON to make every allocation its own malloc() block,
 * which lets ASan catch overflows between neighbouring allocations too.
 *
 * Allocation failure aborts: the simulator has no meaningful way to go on
 * without memory, and every input is bounded well below the machine's size.
 */
#ifndef MUCSIM_ARENA_H
#define MUCSIM_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);                 /* NULL is allowed */

void *arena_alloc(arena *a, size_t size);  /* zeroed, max-aligned */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);

size_t arena_bytes(const arena *a);        /* bytes handed out so far */

#endif
