/* The Sigma front end: Sigma YAML (specification 2.1.0) into IR rules. */
#ifndef SIGMAC_SIGMA_H
#define SIGMAC_SIGMA_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "sigmac/ir.h"

/* Placeholder values for the 'expand' modifier: %name% -> values. */
typedef struct SigmaPlaceholder {
  const char *name;
  IrStrList values;
} SigmaPlaceholder;

typedef struct SigmaPlaceholders {
  SigmaPlaceholder *items;
  size_t count;
  bool loaded; /* a placeholder file was given */
} SigmaPlaceholders;

typedef struct SigmaOptions {
  size_t max_input_bytes; /* larger files are refused */
  size_t max_condition_depth;
  size_t max_expansions; /* values one detection item may expand into (windash, expand) */
  const SigmaPlaceholders *placeholders; /* NULL: none loaded */
} SigmaOptions;

extern const SigmaOptions sigma_default_options;

/* Compiles every document of src into IR rules appended to rules (in document order). Errors go
 * to diags; a document with errors adds no rule. Correlation and filter references stay unresolved
 * until sigma_resolve_references(). Returns false when any error was reported. */
bool sigma_compile(Arena *arena, const Source *src, const SigmaOptions *options, DiagSink *diags,
                   IrRuleSet *rules);

/* Resolves the rule references of correlations and filters against every rule of the run (by id,
 * then by name), reporting the ones that name no rule and correlation cycles. */
bool sigma_resolve_references(IrRuleSet *rules, DiagSink *diags);

/* The rule with every filter of the run that applies to it AND-ed into its conditions (a copy),
 * or the rule itself when none applies. References must be resolved first. */
IrRule *sigma_filtered(Arena *arena, const IrRuleSet *rules, IrRule *rule);

/* Reads a placeholder file: a YAML map of name -> list of strings. */
bool sigma_load_placeholders(Arena *arena, const Source *src, DiagSink *diags,
                             SigmaPlaceholders *out);

#endif
