/* Correlation rules (sigma-correlation-rules-specification 2.1.0) and filters
 * (sigma-filters-specification): their sections into IrCorrelation and IrFilter. References to
 * other rules are resolved later, across the files of the run (resolve.c). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/item.h"

static const char *const correlation_types[] = {
#define X(kind, name) [kind] = name,
    IR_CORRELATION_KINDS(X)
#undef X
};

static IrRuleRef *read_refs(SigmaCtx *ctx, const YamlNode *node, size_t *count) {
  /* pySigma accepts a single name as well as a list */
  size_t n = node->kind == YAML_SEQUENCE ? node->count : 1;
  IrRuleRef *refs = arena_array(ctx->arena, n, sizeof(IrRuleRef));
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    const YamlNode *item = node->kind == YAML_SEQUENCE ? node->items[i] : node;
    const char *text = sigma_string(ctx, item, "rules");
    if (!text)
      continue;
    IrRuleRef *ref = &refs[(*count)++];
    ref->text = text;
    ref->src = ctx->src;
    ref->span = item->span;
  }
  return refs;
}

/* timespan = integer unit ; unit = "s" | "m" | "h" | "d" (pySigma adds "w", "M", "y"). */
static bool read_timespan(SigmaCtx *ctx, const YamlNode *node, IrCorrelation *corr) {
  static const struct {
    char unit;
    long long seconds;
  } units[] = {{'s', 1},      {'m', 60},      {'h', 3600},    {'d', 86400},
               {'w', 604800}, {'M', 2592000}, {'y', 31536000}};
  const char *text = sigma_string(ctx, node, "timespan");
  if (!text)
    return false;
  size_t digits = strspn(text, "0123456789");
  long long seconds = -1;
  if (digits > 0 && digits < 12 && text[digits] && !text[digits + 1]) {
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
      if (units[i].unit == text[digits])
        seconds = strtoll(text, NULL, 10) * units[i].seconds;
  }
  if (seconds <= 0) {
    sigma_error(
        ctx, node, "sigma-value",
        "invalid timespan '%s'; write a positive number and a unit: s, m, h or d (e.g. '5m')",
        text);
    return false;
  }
  corr->timespan_text = text;
  corr->timespan_seconds = seconds;
  return true;
}

static bool read_thresholds(SigmaCtx *ctx, const YamlNode *node, IrCorrelation *corr) {
  static const char *const ops[] = {
#define X(kind, name) [kind] = name,
      IR_COMPARE_KINDS(X)
#undef X
  };
  corr->thresholds = arena_array(ctx->arena, node->count, sizeof(IrThreshold));
  bool ok = true;
  for (size_t i = 0; i < node->count; i++) {
    const char *key = node->keys[i]->text;
    const YamlNode *value = node->items[i];
    if (strcmp(key, "field") == 0) {
      corr->condition_fields = value->kind == YAML_SEQUENCE ? sigma_string_list(ctx, value, "field")
                                                            : (IrStrList){NULL, 0};
      if (value->kind != YAML_SEQUENCE) {
        const char *field = sigma_string(ctx, value, "field");
        if (field) {
          corr->condition_fields.items = arena_alloc(ctx->arena, sizeof(char *));
          corr->condition_fields.items[0] = field;
          corr->condition_fields.count = 1;
        }
      }
      continue;
    }
    if (strcmp(key, "percentile") == 0) {
      corr->percentile = sigma_string(ctx, value, key);
      continue;
    }
    size_t op = 0;
    while (op < sizeof ops / sizeof ops[0] && strcmp(ops[op], key) != 0)
      op++;
    if (op == sizeof ops / sizeof ops[0]) {
      sigma_error(ctx, node->keys[i], "sigma-correlation",
                  "unknown key '%s' in a correlation condition; expected gt, gte, lt, lte, eq, neq "
                  "or field",
                  key);
      ok = false;
      continue;
    }
    IrThreshold *t = &corr->thresholds[corr->threshold_count];
    t->op = (IrCompareKind)op;
    if (value->kind != YAML_SCALAR || !sigma_number(ctx->arena, value, &t->number)) {
      sigma_error(ctx, value, "sigma-type", "'%s' expects a number, saw %s", key,
                  yaml_describe(value));
      ok = false;
      continue;
    }
    corr->threshold_count++;
  }
  return ok;
}

static bool is_temporal(IrCorrelationKind kind) {
  return kind == IR_CORR_TEMPORAL || kind == IR_CORR_TEMPORAL_ORDERED;
}

static bool read_condition(SigmaCtx *ctx, const YamlNode *section, IrCorrelation *corr) {
  const YamlNode *node = yaml_map_get(section, "condition");
  if (!node) {
    if (is_temporal(corr->kind))
      return true;
    sigma_error(ctx, section, "sigma-required", "%s %s correlation needs a 'condition'",
                corr->kind == IR_CORR_EVENT_COUNT ? "an" : "a", correlation_types[corr->kind]);
    return false;
  }
  if (node->kind == YAML_SCALAR && is_temporal(corr->kind)) {
    corr->expression = sigma_string(ctx, node, "condition");
    return corr->expression != NULL;
  }
  if (node->kind != YAML_MAP) {
    sigma_error(ctx, node, "sigma-type", "'condition' must be a map such as 'gte: 10', saw %s",
                yaml_describe(node));
    return false;
  }
  if (!read_thresholds(ctx, node, corr))
    return false;
  bool needs_field = !is_temporal(corr->kind) && corr->kind != IR_CORR_EVENT_COUNT;
  if (needs_field && corr->condition_fields.count == 0) {
    sigma_error(ctx, node, "sigma-required", "a %s correlation needs 'field' in its condition",
                correlation_types[corr->kind]);
    return false;
  }
  if (corr->threshold_count == 0) {
    sigma_error(ctx, node, "sigma-required", "the condition needs a comparison such as 'gte: 10'");
    return false;
  }
  return true;
}

static bool read_aliases(SigmaCtx *ctx, const YamlNode *node, IrCorrelation *corr) {
  if (node->kind != YAML_MAP) {
    sigma_error(ctx, node, "sigma-type", "'aliases' must be a map of alias -> {rule: field}");
    return false;
  }
  corr->aliases = arena_array(ctx->arena, node->count, sizeof(IrAlias));
  for (size_t i = 0; i < node->count; i++) {
    const YamlNode *fields = node->items[i];
    if (fields->kind != YAML_MAP) {
      sigma_error(ctx, fields, "sigma-type", "alias '%s' must map rule names to fields",
                  node->keys[i]->text);
      return false;
    }
    IrAlias *alias = &corr->aliases[corr->alias_count++];
    alias->name = node->keys[i]->text;
    alias->fields = arena_array(ctx->arena, fields->count, sizeof(IrAliasField));
    for (size_t j = 0; j < fields->count; j++) {
      alias->fields[j].rule = fields->keys[j]->text;
      alias->fields[j].field = sigma_string(ctx, fields->items[j], alias->name);
      if (!alias->fields[j].field)
        return false;
    }
    alias->count = fields->count;
  }
  return true;
}

static bool read_type(SigmaCtx *ctx, const YamlNode *node, IrCorrelation *corr) {
  const char *type = sigma_string(ctx, node, "type");
  for (size_t k = 0; type && k < sizeof correlation_types / sizeof correlation_types[0]; k++)
    if (strcmp(type, correlation_types[k]) == 0) {
      corr->kind = (IrCorrelationKind)k;
      return true;
    }
  if (type)
    sigma_error(ctx, node, "sigma-value",
                "unknown correlation type '%s'; expected event_count, value_count, temporal, "
                "temporal_ordered, value_sum, value_avg, value_percentile or value_median",
                type);
  return false;
}

static bool check_keys(SigmaCtx *ctx, const YamlNode *node, const char *const *known,
                       const char *what) {
  bool ok = true;
  for (size_t i = 0; i < node->count; i++) {
    const char *const *k = known;
    while (*k && strcmp(*k, node->keys[i]->text) != 0)
      k++;
    if (!*k) {
      sigma_error(ctx, node->keys[i], "sigma-correlation", "unknown key '%s' in '%s'",
                  node->keys[i]->text, what);
      ok = false;
    }
  }
  return ok;
}

IrCorrelation *sigma_correlation(SigmaCtx *ctx, const YamlNode *node) {
  static const char *const known[] = {"type",      "rules",   "group-by", "timespan",
                                      "condition", "aliases", "generate", NULL};
  if (node->kind != YAML_MAP) {
    sigma_error(ctx, node, "sigma-type", "'correlation' must be a map, saw %s",
                yaml_describe(node));
    return NULL;
  }
  IrCorrelation *corr = arena_alloc(ctx->arena, sizeof *corr);
  bool ok = check_keys(ctx, node, known, "correlation");
  const YamlNode *type = yaml_map_get(node, "type"), *rules = yaml_map_get(node, "rules");
  const YamlNode *timespan = yaml_map_get(node, "timespan");
  const char *missing = !type ? "type" : !rules ? "rules" : !timespan ? "timespan" : NULL;
  if (missing) {
    sigma_error(ctx, node, "sigma-required", "'correlation' has no '%s'", missing);
    return NULL;
  }
  ok = read_type(ctx, type, corr) && ok;
  corr->rules = read_refs(ctx, rules, &corr->rule_count);
  ok = read_timespan(ctx, timespan, corr) && ok;
  const YamlNode *group_by = yaml_map_get(node, "group-by");
  if (group_by)
    corr->group_by = sigma_string_list(ctx, group_by, "group-by");
  if (ok)
    ok = read_condition(ctx, node, corr);
  const YamlNode *aliases = yaml_map_get(node, "aliases");
  if (aliases)
    ok = read_aliases(ctx, aliases, corr) && ok;
  const YamlNode *generate = yaml_map_get(node, "generate");
  if (generate && (generate->kind != YAML_SCALAR || generate->type != YAML_BOOL)) {
    sigma_error(ctx, generate, "sigma-type", "'generate' must be true or false");
    ok = false;
  }
  corr->generate = generate && generate->kind == YAML_SCALAR && generate->boolean;
  if (corr->rule_count == 0 && ok) {
    sigma_error(ctx, rules, "sigma-required", "a correlation needs at least one rule");
    ok = false;
  }
  return ok ? corr : NULL;
}

IrFilter *sigma_filter(SigmaCtx *ctx, const YamlNode *node) {
  static const char *const reserved[] = {"rules", "condition", NULL};
  if (node->kind != YAML_MAP) {
    sigma_error(ctx, node, "sigma-type", "'filter' must be a map, saw %s", yaml_describe(node));
    return NULL;
  }
  IrFilter *filter = arena_alloc(ctx->arena, sizeof *filter);
  const YamlNode *rules = yaml_map_get(node, "rules");
  bool any = rules && rules->kind == YAML_SCALAR && strcmp(rules->text, "any") == 0;
  if (rules && !any)
    filter->rules = read_refs(ctx, rules, &filter->rule_count);
  IrNode **conditions;
  size_t count;
  if (!sigma_conditions(ctx, node, reserved, "filter", &conditions, &count))
    return NULL;
  if (count != 1) {
    sigma_error(ctx, yaml_map_get(node, "condition"), "sigma-type",
                "a filter has one condition, not a list");
    return NULL;
  }
  filter->where = conditions[0];
  return filter;
}
