/* Writing YAML scalars and Sigma values: quoted so that no text changes the document's shape,
 * and Sigma's wildcard escapes applied so that a literal '*' stays literal. */
#ifndef SIGMAC_EMIT_YAML_TEXT_H
#define SIGMAC_EMIT_YAML_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "sigmac/ir.h"

/* Appends text as a YAML scalar: single-quoted ('' for a quote), or double-quoted with escapes
 * when it holds line breaks or control characters. False when text is not UTF-8. */
bool yaml_scalar(StrBuf *out, const char *text, size_t len);

/* Appends a Sigma string pattern as a YAML scalar: wildcards as '*' and '?', literal '*', '?'
 * and the backslashes that would otherwise escape them written with a backslash. */
bool yaml_sigma_pattern(StrBuf *out, const IrString *pattern);

/* A plain key when it needs no quotes, else a quoted one. */
void yaml_key(StrBuf *out, const char *key);

#endif
