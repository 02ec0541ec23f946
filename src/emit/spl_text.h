/* The lexical side of Splunk SPL output: field names, quoted search values and regex strings,
 * escaped so that no rule text can break out of them. Facts: ../shared/docs/spl-semantics.md
 * sections 1, 4 and 7. */
#ifndef SIGMAC_EMIT_SPL_TEXT_H
#define SIGMAC_EMIT_SPL_TEXT_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "sigmac/ir.h"

/* Appends a field name for the search command: bare when it is only word characters and dots
 * and no keyword (AND, OR, NOT, IN, search), else double-quoted. False (nothing written) for a
 * name with control characters, which no SPL text can hold. */
bool spl_field(StrBuf *out, const char *field);

/* Whether a field can be named in the regex command, which takes it bare: word characters,
 * dots and dashes. */
bool spl_regex_field(const char *field);

/* Appends text as a double-quoted string of eval and where, \ and " backslash-escaped. False
 * (nothing written) for control characters or bytes that are not UTF-8. */
bool spl_eval_string(StrBuf *out, const char *text);

/* Why a pattern has no search form. */
typedef enum SplValueError {
  SPL_VALUE_OK,
  SPL_VALUE_STAR,    /* a literal '*': search has no escape for it */
  SPL_VALUE_ONE,     /* a '?' wildcard: search has only '*' */
  SPL_VALUE_CONTROL, /* a control character: no documented escape in a quoted value */
  SPL_VALUE_BYTES,   /* not UTF-8 */
} SplValueError;

/* Appends a pattern as a quoted search value: \ and " backslash-escaped, IR_SEG_ANY as '*'. On
 * error nothing is written. */
SplValueError spl_value(StrBuf *out, const IrString *pattern);

/* Appends a PCRE as a quoted string for the regex command. Backslashes pass through to PCRE as
 * written (Splunk hands \\ to PCRE as it is); every quote, escaped or not, becomes PCRE's \x22,
 * so no quote is left that could end the string. False (nothing written) for control
 * characters, bytes that are not UTF-8, or a final lone backslash. */
bool spl_regex_string(StrBuf *out, const char *text);

/* Appends a pattern as a PCRE matching the whole value: ^...$, literals escaped, '*' as .*, '?'
 * as '.', (?s) so that wildcards cross line breaks, (?i) unless cased. */
void spl_pattern_regex(StrBuf *out, const IrString *pattern, bool cased);

#endif
