/* A growing byte buffer: every printer (backends, IR dump, diagnostics) writes into one, never
 * straight to a FILE *, so tests and library callers see the same bytes.
 * The buffer owns its heap memory; sb_free() releases it. data is always NUL-terminated. */
#ifndef SIGMAC_BASE_STRBUF_H
#define SIGMAC_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct StrBuf {
  char *data;      /* NUL-terminated once anything was written; NULL before */
  size_t len;      /* bytes written, not counting the NUL */
  size_t capacity; /* bytes allocated */
} StrBuf;

#define STRBUF_INIT                                                                                \
  { 0, 0, 0 }

void sb_putn(StrBuf *sb, const char *bytes, size_t len);
void sb_puts(StrBuf *sb, const char *text);
void sb_putc(StrBuf *sb, char c);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *sb, const char *fmt, va_list args);
/* Writes count copies of c. */
void sb_repeat(StrBuf *sb, char c, size_t count);
/* Empties the buffer but keeps its memory. */
void sb_clear(StrBuf *sb);
/* Returns the text ("" when nothing was written); the buffer still owns it. */
const char *sb_text(const StrBuf *sb);
/* Releases the memory; the buffer is empty and reusable after. */
void sb_free(StrBuf *sb);

#endif
