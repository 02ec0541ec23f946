/* The Sigma front end's driver: a file's YAML documents, each classified as a detection rule,
 * a correlation or a filter, into IR rules. */
#include <string.h>

#include "sigma/sigma_internal.h"

const SigmaOptions sigma_default_options = {
    .max_input_bytes = 4 * 1024 * 1024,
    .max_condition_depth = 64,
    .max_expansions = 4096,
    .placeholders = NULL,
};

static IrQuery *event_query(Arena *arena, IrNode *where) {
  IrQuery *query = arena_alloc(arena, sizeof *query);
  query->kind = IR_QUERY_EVENT;
  query->where = where;
  return query;
}

static void read_detection(SigmaCtx *ctx, const YamlNode *detection, IrRule *rule) {
  static const char *const reserved[] = {"condition", NULL};
  IrNode **conditions;
  size_t count;
  if (!sigma_conditions(ctx, detection, reserved, "detection", &conditions, &count))
    return;
  rule->queries = arena_array(ctx->arena, count, sizeof(IrQuery *));
  for (size_t i = 0; i < count; i++)
    rule->queries[i] = event_query(ctx->arena, conditions[i]);
  rule->query_count = count;
}

static bool require(SigmaCtx *ctx, const YamlNode *doc, const char *key, const char *kind) {
  if (yaml_map_get(doc, key))
    return true;
  sigma_error_at(ctx, (Span){doc->span.start, doc->span.start + 1}, "sigma-required",
                 "missing required key '%s' (a %s needs it)", key, kind);
  return false;
}

static IrRuleKind classify(const YamlNode *doc) {
  if (yaml_map_get(doc, "correlation"))
    return IR_RULE_CORRELATION;
  if (yaml_map_get(doc, "filter"))
    return IR_RULE_FILTER;
  return IR_RULE_DETECTION;
}

static void compile_document(SigmaCtx *ctx, const YamlDocument *document, size_t index,
                             IrRuleSet *rules) {
  const YamlNode *doc = document->root;
  if (doc->kind != YAML_MAP) {
    sigma_error(ctx, doc, "sigma-type", "a Sigma document must be a map, saw %s",
                yaml_describe(doc));
    return;
  }
  size_t errors_before = ctx->diags->errors;
  IrRule *rule = arena_alloc(ctx->arena, sizeof *rule);
  rule->kind = classify(doc);
  rule->origin = IR_LANG_SIGMA;
  rule->src = ctx->src;
  rule->span = doc->span;
  rule->document = index;
  sigma_read_meta(ctx, doc, &rule->meta, rule->kind == IR_RULE_CORRELATION);
  const YamlNode *logsource = yaml_map_get(doc, "logsource");
  switch (rule->kind) {
  case IR_RULE_DETECTION:
    if (!yaml_map_get(doc, "detection") && !logsource) {
      sigma_error_at(ctx, (Span){doc->span.start, doc->span.start + 1}, "sigma-required",
                     "not a Sigma rule: no 'detection', 'correlation' or 'filter'");
      return;
    }
    if (require(ctx, doc, "logsource", "rule") && require(ctx, doc, "detection", "rule"))
      read_detection(ctx, yaml_map_get(doc, "detection"), rule);
    break;
  case IR_RULE_CORRELATION:
    rule->correlation = sigma_correlation(ctx, yaml_map_get(doc, "correlation"));
    break;
  case IR_RULE_FILTER:
    if (require(ctx, doc, "logsource", "filter"))
      rule->filter = sigma_filter(ctx, yaml_map_get(doc, "filter"));
    break;
  }
  if (logsource)
    sigma_read_logsource(ctx, logsource, &rule->logsource);
  if (ctx->diags->errors == errors_before)
    ir_ruleset_push(ctx->arena, rules, rule);
}

bool sigma_compile(Arena *arena, const Source *src, const SigmaOptions *options, DiagSink *diags,
                   IrRuleSet *rules) {
  if (!options)
    options = &sigma_default_options;
  size_t errors_before = diags->errors;
  YamlFile file;
  if (!yaml_load(arena, src, &yaml_default_limits, diags, &file))
    return false;
  SigmaCtx ctx = {.arena = arena, .src = src, .options = options, .diags = diags};
  size_t documents = 0;
  for (size_t i = 0; i < file.count; i++) {
    const YamlNode *root = file.documents[i].root;
    if (!root || (root->kind == YAML_SCALAR && root->type == YAML_NULL && root->len == 0))
      continue; /* an empty document: between two '---', or after a trailing one */
    documents++;
    compile_document(&ctx, &file.documents[i], i, rules);
  }
  if (documents == 0)
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "sigma-required",
                "empty file: expected a Sigma rule, correlation or filter");
  return diags->errors == errors_before;
}

bool sigma_load_placeholders(Arena *arena, const Source *src, DiagSink *diags,
                             SigmaPlaceholders *out) {
  memset(out, 0, sizeof *out);
  out->loaded = true;
  YamlFile file;
  if (!yaml_load(arena, src, &yaml_default_limits, diags, &file))
    return false;
  const YamlNode *map = file.count ? file.documents[0].root : NULL;
  SigmaCtx ctx = {.arena = arena, .src = src, .options = &sigma_default_options, .diags = diags};
  if (!map || map->kind != YAML_MAP) {
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "sigma-placeholder",
                "a placeholder file is a map of placeholder names to lists of values");
    return false;
  }
  size_t errors_before = diags->errors;
  out->items = arena_array(arena, map->count, sizeof(SigmaPlaceholder));
  for (size_t i = 0; i < map->count; i++) {
    SigmaPlaceholder *p = &out->items[out->count++];
    p->name = map->keys[i]->text;
    if (map->items[i]->kind == YAML_SEQUENCE) {
      p->values = sigma_string_list(&ctx, map->items[i], p->name);
    } else {
      p->values.items = arena_alloc(arena, sizeof(char *));
      p->values.items[0] = sigma_string(&ctx, map->items[i], p->name);
      p->values.count = p->values.items[0] != NULL;
    }
  }
  return diags->errors == errors_before;
}
