/* The lexical side of Kibana KQL output: field names, quoted phrases and unquoted patterns,
 * escaped so that no rule text can break out of them or turn into an operator. Facts:
 * ../shared/docs/kql-semantics.md sections 1 and 2 (Kibana's grammar.peggy and escapeKuery). */
#ifndef SIGMAC_EMIT_KQL_TEXT_H
#define SIGMAC_EMIT_KQL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "sigmac/ir.h"

/* Appends a field name: as it is when it holds only name characters, else double-quoted. */
void kql_field(StrBuf *out, const char *field);

/* Appends "text" as a quoted KQL phrase: \ and " escaped, tab/CR/LF as \t \r \n, other control
 * characters as \uXXXX. Inside quotes '*' is a literal. False (nothing written) when text is not
 * valid UTF-8. */
bool kql_quoted(StrBuf *out, const char *text, size_t len);

/* Appends an exact value: unquoted when it is a plain word (letters, digits, '_', '.', '-', and
 * not a number, true, false, null or a keyword), which Kibana reads the same as quoted on keyword
 * fields and Elastic's own rules write so; else as kql_quoted(). False as kql_quoted(). */
bool kql_exact(StrBuf *out, const char *text, size_t len);

/* Why a pattern has no unquoted KQL form. */
typedef enum KqlPatternError {
  KQL_PATTERN_OK,
  KQL_PATTERN_ONE,        /* a '?' wildcard: KQL has only '*' */
  KQL_PATTERN_WHITESPACE, /* whitespace at either end: Kibana trims unquoted values */
  KQL_PATTERN_BYTES,      /* not UTF-8 */
} KqlPatternError;

/* Appends a wildcard pattern unquoted: each literal special character (\ ( ) : < > " * { })
 * backslash-escaped, tab/CR/LF as \t \r \n, other control characters as \uXXXX, and the words
 * and/or/not that Kibana would read as operators escaped; IR_SEG_ANY as a bare '*'. On error
 * nothing is written. */
KqlPatternError kql_unquoted(StrBuf *out, const IrString *pattern);

#endif
