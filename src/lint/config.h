/* What a rule repository says about the checks: .sigmac.yml files found upward from each linted
 * file (check severities, off), the one found from the working directory (a newer ATT&CK table,
 * more fields), and inline '# sigmac: disable=id' comments per document. config.c has the
 * format. */
#ifndef SIGMAC_LINT_CONFIG_H
#define SIGMAC_LINT_CONFIG_H

#include "base/arena.h"
#include "base/diag.h"

typedef struct LintConfig LintConfig;
typedef struct LintConfigs LintConfigs;

/* The configurations of a run; problems in them are reported into diags. */
LintConfigs *lint_configs_new(Arena *arena, DiagSink *diags);

/* The run-wide file the working directory's configuration names under key ("attack", "fields"
 * or "index-patterns"), joined to its directory; NULL when none. */
const char *lint_configs_path(LintConfigs *configs, const char *key);

/* Applies each diagnostic's file's configuration and inline disables to diags: turned off ones
 * are dropped, others take the configured severity; the counts follow. Checks that are off by
 * default stay off unless a configuration gives them a severity. */
void lint_configs_apply(LintConfigs *configs);

#endif
