/* The checks `sigmac lint` knows: each with a stable id, a default severity and the text a
 * report shows about it (SARIF rules, `sigmac list checks`, docs/checks.md has the examples).
 * The front ends' own diagnostics (sigma-*, eql-*, yaml-*) are listed too, so every id a lint
 * report holds is described. */
#ifndef SIGMAC_LINT_CHECKS_H
#define SIGMAC_LINT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef struct LintCheck {
  const char *id;
  DiagSeverity severity; /* by default */
  const char *summary;   /* one line: what the check finds */
  bool off_by_default;   /* reported only when a .sigmac.yml gives it a severity */
} LintCheck;

extern const LintCheck lint_checks[];
extern const size_t lint_check_count;

/* The check of that id, or NULL. */
const LintCheck *lint_check(const char *id);

#endif
