/* Sigma's regular expressions (PCRE style, found anywhere in the value) as Lucene regular
 * expressions (the syntax of Elasticsearch's regexp query and of EQL's regex / regex~, which
 * must match the whole value). */
#ifndef SIGMAC_EMIT_LUCENE_REGEX_H
#define SIGMAC_EMIT_LUCENE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/strbuf.h"

typedef struct LuceneRegex {
  const char *text; /* the Lucene pattern (bytes; the caller quotes it for its language) */
  size_t len;       /* bytes of text: a \x00 in the PCRE pattern puts a NUL inside */
  bool ignore_case; /* PCRE 'i' (flag or a leading (?i)): use the case-insensitive form */
} LuceneRegex;

/* Translates pattern with the IR's regex flags. On a construct Lucene cannot express, returns
 * false with *error naming it and *error_offset its byte offset in pattern. */
bool lucene_from_pcre(Arena *arena, const char *pattern, unsigned flags, LuceneRegex *out,
                      size_t *error_offset, const char **error);

/* Appends text as a Lucene regex literal: every reserved character is backslash-escaped. */
void lucene_escape_literal(StrBuf *out, const char *text, size_t len);

#endif
