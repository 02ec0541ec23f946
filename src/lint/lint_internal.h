/* What the lint passes share: the run's context and how a finding is reported. */
#ifndef SIGMAC_LINT_LINT_INTERNAL_H
#define SIGMAC_LINT_LINT_INTERNAL_H

#include "lint/lint.h"
#include "schema/attack.h"
#include "sigma/yaml_tree.h"

typedef struct LintCtx {
  Arena *arena;
  DiagSink *diags;
  const LintInput *in;
  const AttackTable *attack;
  const YamlNode *taxonomy; /* data/sigma-taxonomy-fields.yml: products -> fields per logsource */
  const struct EcsSchema *extra_fields; /* a .sigmac.yml's 'fields', or NULL */
  const YamlNode *extra_patterns;       /* its 'index-patterns' file's patterns map, or NULL */
  const struct json_t *schemas[3];      /* the Sigma schemas (correlation, filter, detection), as
                                           parsed on first use */
} LintCtx;

/* A YAML data file compiled in (data/<name>), as a tree parsed once per process; NULL if it
 * does not parse. */
const YamlNode *lint_builtin_yaml(const char *name, const unsigned char *text, size_t len);

/* A finding of check id at span of src, with the check's severity. */
void lint_report(LintCtx *ctx, const char *id, const Source *src, Span span, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The checks of one YAML document of a Sigma file (sigma_document.c, sigma_detection.c,
 * sigma_logsource.c). */
void lint_sigma_document(LintCtx *ctx, const Source *src, const YamlNode *root);
void lint_sigma_detection(LintCtx *ctx, const Source *src, const YamlNode *root);
void lint_sigma_logsource(LintCtx *ctx, const Source *src, const YamlNode *root);

/* Fields against ECS and the rules' index patterns (fields.c), over every rule of the run. */
void lint_fields(LintCtx *ctx);

#endif
