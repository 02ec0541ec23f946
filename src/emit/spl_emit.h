/* The two halves of the SPL backend: the search of a detection rule (spl.c) and the pipeline of
 * a correlation over such searches (spl_correlation.c). Each reports why it refuses a rule. */
#ifndef SIGMAC_EMIT_SPL_EMIT_H
#define SIGMAC_EMIT_SPL_EMIT_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "emit/emit.h"

/* Appends the search of detection rule index (ctx->mapped): 'terms [| regex ...] [| eval ... |
 * search ...]', every command in it a streaming one. False after refusing. */
bool spl_detection_search(EmitCtx *ctx, size_t index, StrBuf *out);

/* Appends the pipeline of correlation rule index: its rules' searches (under multisearch when
 * several), then streamstats over a time window per group and a where on the result. False
 * after refusing. */
bool spl_correlation_search(EmitCtx *ctx, size_t index, StrBuf *out);

#endif
