/* The lexical side of EQL output: string literals and field names, escaped so that no rule text
 * can break out of them. */
#ifndef SIGMAC_EMIT_EQL_TEXT_H
#define SIGMAC_EMIT_EQL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"

/* Appends "text" as an EQL string literal: \ " and control characters escaped. False (nothing
 * written) when text is not valid UTF-8, which no EQL string can hold. */
bool eql_string(StrBuf *out, const char *text, size_t len);

/* Appends a field name: each dotted segment that is not a plain identifier, or is a keyword, is
 * back-quoted (a back-quote inside is doubled). optional prefixes '?' (EQL optional field). */
void eql_field(StrBuf *out, const char *field, bool optional);

#endif
