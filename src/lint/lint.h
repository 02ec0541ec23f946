/* `sigmac lint`: the checks of docs/checks.md over the files and rules of a run, reported into
 * the run's diagnostics next to the front ends' own. Each check's severity is its default
 * (checks.h). */
#ifndef SIGMAC_LINT_LINT_H
#define SIGMAC_LINT_LINT_H

#include "base/arena.h"
#include "base/diag.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct LintInput {
  const Source *const *sigma_sources; /* the Sigma YAML files of the run */
  size_t sigma_source_count;
  const IrRuleSet *rules; /* every rule compiled, of every language */
  const Mapping *mapping; /* the field mapping (field checks), or NULL */
} LintInput;

void lint_run(Arena *arena, DiagSink *diags, const LintInput *in);

#endif
