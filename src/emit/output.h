/* Whole-run output shared by the backends: the plain query listing and Kibana's rule import. */
#ifndef SIGMAC_EMIT_OUTPUT_H
#define SIGMAC_EMIT_OUTPUT_H

#include "emit/emit.h"

typedef bool (*EmitQueryFn)(EmitCtx *ctx, size_t index, StrBuf *out);

/* Every standalone rule's query; when there are several, each is labelled with a comment line
 * (between comment and comment_end, the language's comment markers; comment_end may be "")
 * naming its file, document and title, and queries are separated by a blank line. False when any
 * rule was refused. */
bool emit_output_default(EmitCtx *ctx, EmitQueryFn query, const char *comment,
                         const char *comment_end, StrBuf *out);

/* Kibana detection-rule import (NDJSON): one rule object per line with the query, its language
 * and type, index patterns, name, description, severity and risk score from the level, ATT&CK
 * threat mapping from the tags, false positives, references and rule_id from the Sigma id. */
bool emit_output_kibana(EmitCtx *ctx, EmitQueryFn query, const char *type, const char *language,
                        StrBuf *out);

#endif
