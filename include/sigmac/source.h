/* A loaded source file and byte spans into it: what diagnostics and IR nodes point at.
 * Sources live in the session arena; callers only read them. */
#ifndef SIGMAC_SOURCE_H
#define SIGMAC_SOURCE_H

#include <stddef.h>

/* A half-open byte range [start, end) in one source. */
typedef struct Span {
  size_t start;
  size_t end;
} Span;

typedef struct Source {
  const char *path;    /* as given by the caller; used verbatim in diagnostics */
  const char *text;    /* the bytes, NUL-terminated (the text itself may hold NULs) */
  size_t len;          /* bytes of text */
  size_t *line_starts; /* byte offset of each line's first byte */
  size_t line_count;   /* entries of line_starts (at least 1) */
  size_t first_line;   /* lines of the file before text (a piece read from a larger file, such as
                          one line of streamed events); 0 for a whole file */
} Source;

#endif
