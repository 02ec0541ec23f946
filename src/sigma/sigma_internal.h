/* Private to src/sigma/: the state shared by the files of the Sigma front end. */
#ifndef SIGMAC_SIGMA_INTERNAL_H
#define SIGMAC_SIGMA_INTERNAL_H

#include "ir/ir_build.h"
#include "sigma/sigma.h"
#include "sigma/yaml_tree.h"

typedef struct SigmaCtx {
  Arena *arena;
  const Source *src;
  const SigmaOptions *options;
  DiagSink *diags;
  size_t errors_before; /* the sink's error count when the document started */
} SigmaCtx;

/* Reports an error at a YAML node. */
void sigma_error(SigmaCtx *ctx, const YamlNode *node, const char *check_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reports an error at a span. */
void sigma_error_at(SigmaCtx *ctx, Span span, const char *check_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sigma_warning_at(SigmaCtx *ctx, Span span, const char *check_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One search identifier of a detection (or filter) and its IR. */
typedef struct SigmaSelection {
  const char *name;
  const YamlNode *key;
  IrNode *tree; /* NULL when the selection had errors */
  bool used;    /* named by the condition */
} SigmaSelection;

typedef struct SigmaSelections {
  SigmaSelection *items;
  size_t count;
} SigmaSelections;

/* detection.c: the IR of one search identifier's value; NULL after reporting errors. */
IrNode *sigma_selection(SigmaCtx *ctx, const char *name, const YamlNode *value);

/* condition.c: parses a condition string (a YAML scalar) over the selections; NULL on error. */
IrNode *sigma_condition(SigmaCtx *ctx, const YamlNode *condition, SigmaSelections *selections);

/* value.c: a Sigma string value (wildcards and escapes per the specification) as an IrString. */
IrString sigma_parse_string(Arena *arena, const char *text, size_t len);

/* meta.c: the metadata and logsource of a document. */
void sigma_read_meta(SigmaCtx *ctx, const YamlNode *doc, IrMeta *meta, bool correlation);
void sigma_read_logsource(SigmaCtx *ctx, const YamlNode *node, IrLogsource *logsource);
/* A required string or list of strings; NULL / empty after reporting when the type is wrong. */
const char *sigma_string(SigmaCtx *ctx, const YamlNode *node, const char *key);
IrStrList sigma_string_list(SigmaCtx *ctx, const YamlNode *node, const char *key);
IrData *sigma_data(SigmaCtx *ctx, const YamlNode *node);

/* correlation.c */
IrCorrelation *sigma_correlation(SigmaCtx *ctx, const YamlNode *node);
IrFilter *sigma_filter(SigmaCtx *ctx, const YamlNode *node);

/* detection.c: the search identifiers of map (all keys but the reserved ones, a NULL-terminated
 * list) and the IR of each of its conditions ('condition' may be a list: several queries). what
 * names the map in messages ("detection", "filter"). False after reporting errors. */
bool sigma_conditions(SigmaCtx *ctx, const YamlNode *map, const char *const *reserved,
                      const char *what, IrNode ***conditions, size_t *count);

#endif
