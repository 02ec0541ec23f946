/* Backends: the one table of function pointers. Each backend prints a mapped rule's query into a
 * string builder (never to a FILE *), or refuses it with diagnostics saying why. */
#ifndef SIGMAC_EMIT_H
#define SIGMAC_EMIT_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/strbuf.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

/* Metadata given on the command line for rules whose source has none (EQL text). */
typedef struct EmitMeta {
  const char *title;
  const char *id;
  const char *level;
  const char *author;
  const char *date;
  const char *description;
  IrStrList tags;
} EmitMeta;

typedef struct EmitCtx {
  Arena *arena;
  DiagSink *diags;
  const Mapping *mapping;
  const IrRuleSet *rules;  /* the run's rules as compiled */
  const IrRuleSet *mapped; /* the same rules after mapping, index for index */
  const EmitMeta *meta;    /* metadata from the command line, for rules without their own */
  bool selecting;          /* write only rules select_first up to select_end (one file of an
                              output tree); false: every rule */
  size_t select_first, select_end;
  size_t converted, refused; /* rules written and refused, counted by the output functions */
} EmitCtx;

typedef struct Backend {
  const char *name; /* what -t takes */
  const char *description;
  const char *const *formats;    /* what -f takes, NULL-terminated; the first is the default */
  const char *const *extensions; /* the file name extension of each format, index for index */
  /* Prints the query (or queries, one per line group) of mapped rule number index of the run;
   * false after reporting why the target cannot express it. */
  bool (*query)(EmitCtx *ctx, size_t index, StrBuf *out);
  /* Prints the whole output of the run in format; false when any rule was refused. */
  bool (*output)(EmitCtx *ctx, const char *format, StrBuf *out);
  bool maps_fields; /* queries are written in the mapping's field names (Sigma keeps its own) */
} Backend;

/* The backend named name, or NULL. */
const Backend *emit_backend(const char *name);
/* Every backend, NULL-terminated. */
extern const Backend *const emit_backends[];

/* Whether rule index of the run is among those being written (ctx->selecting). */
bool emit_selected(const EmitCtx *ctx, size_t index);

/* Counts a rule written (ok) or refused, and passes ok on. */
bool emit_counted(EmitCtx *ctx, bool ok);

/* Whether rule index of the run is printed on its own: correlations always; detection rules
 * unless a correlation names them without 'generate: true'; filters never (they change rules);
 * none outside the selection. */
bool emit_standalone(const EmitCtx *ctx, size_t index);

#endif
