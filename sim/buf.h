/* buf.h — growable byte buffer, always NUL-terminated.
 *
 * A buf owns heap memory (not arena memory) because text is often built,
 * used and thrown away many times within one world: serializing a stanza to
 * hash it, formatting a report.  Initialise with BUF_INIT or buf_init(),
 * release with buf_free().  buf_take() hands the string to the caller, who
 * then owns it and must free() it.  Allocation failure aborts.
 */
#ifndef MUCSIM_BUF_H
#define MUCSIM_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data;   /* NUL-terminated; NULL until something is appended */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);                    /* len = 0, keeps memory */
void buf_append(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
const char *buf_str(const buf *b);         /* "" when empty, never NULL */
char *buf_take(buf *b);                    /* caller frees; b is reset */

#endif
