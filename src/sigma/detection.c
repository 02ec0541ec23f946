/* A detection (or filter) map: its search identifiers into IR, and its condition(s) over them.
 * Maps are AND, lists of maps OR, lists of plain values keywords (OR), as the specification's
 * "Detection" section says. */
#include <string.h>

#include "sigma/item.h"

/* A map of detection items: every item must hold. */
static IrNode *item_map(SigmaCtx *ctx, const YamlNode *map) {
  if (map->count == 0) {
    sigma_error(ctx, map, "sigma-value", "empty map in a selection");
    return NULL;
  }
  IrNode **nodes = arena_array(ctx->arena, map->count, sizeof(IrNode *));
  bool ok = true;
  for (size_t i = 0; i < map->count; i++) {
    ItemKey key;
    nodes[i] = item_key_parse(ctx, map->keys[i], &key)
                   ? sigma_item(ctx, map->keys[i], &key, map->items[i])
                   : NULL;
    ok = ok && nodes[i];
  }
  return ok ? ir_join(ctx->arena, IR_AND, nodes, map->count) : NULL;
}

/* Keywords: plain values with no field, any of which may hold. */
static IrNode *keywords(SigmaCtx *ctx, const YamlNode *list) {
  ItemKey key;
  memset(&key, 0, sizeof key);
  key.shape = key.type = MOD_COUNT;
  return sigma_item(ctx, NULL, &key, list);
}

static IrNode *map_list(SigmaCtx *ctx, const YamlNode *list) {
  IrNode **nodes = arena_array(ctx->arena, list->count, sizeof(IrNode *));
  bool ok = true;
  for (size_t i = 0; i < list->count; i++) {
    if (list->items[i]->kind != YAML_MAP) {
      sigma_error(ctx, list->items[i], "sigma-type",
                  "this list mixes maps and plain values; a selection is a map, a list of maps, or "
                  "a list of keywords");
      return NULL;
    }
    nodes[i] = item_map(ctx, list->items[i]);
    ok = ok && nodes[i];
  }
  return ok ? ir_join(ctx->arena, IR_OR, nodes, list->count) : NULL;
}

IrNode *sigma_selection(SigmaCtx *ctx, const char *name, const YamlNode *value) {
  IrNode *tree = NULL;
  switch (value->kind) {
  case YAML_MAP:
    tree = item_map(ctx, value);
    break;
  case YAML_SEQUENCE:
    if (value->count == 0)
      sigma_error(ctx, value, "sigma-value", "search identifier '%s' is an empty list", name);
    else if (value->items[0]->kind == YAML_MAP)
      tree = map_list(ctx, value);
    else
      tree = keywords(ctx, value);
    break;
  case YAML_SCALAR:
    if (strcmp(name, "timeframe") == 0)
      sigma_error(
          ctx, value, "sigma-type",
          "'timeframe' in a detection is Sigma 1.0; express it with a correlation rule's timespan");
    else
      sigma_error(ctx, value, "sigma-type",
                  "search identifier '%s' must be a map or a list, saw %s", name,
                  yaml_describe(value));
    break;
  }
  if (tree)
    tree->label = name;
  return tree;
}

static bool is_reserved(const char *key, const char *const *reserved) {
  for (; *reserved; reserved++)
    if (strcmp(key, *reserved) == 0)
      return true;
  return false;
}

/* Reads every search identifier of map (skipping reserved keys) into selections. */
static bool read_selections(SigmaCtx *ctx, const YamlNode *map, const char *const *reserved,
                            SigmaSelections *out) {
  out->items = arena_array(ctx->arena, map->count, sizeof(SigmaSelection));
  out->count = 0;
  bool ok = true;
  for (size_t i = 0; i < map->count; i++) {
    const char *name = map->keys[i]->text;
    if (is_reserved(name, reserved))
      continue;
    SigmaSelection *sel = &out->items[out->count++];
    sel->name = name;
    sel->key = map->keys[i];
    sel->tree = sigma_selection(ctx, name, map->items[i]);
    ok = ok && sel->tree;
  }
  return ok;
}

bool sigma_conditions(SigmaCtx *ctx, const YamlNode *map, const char *const *reserved,
                      const char *what, IrNode ***conditions, size_t *count) {
  *conditions = NULL;
  *count = 0;
  if (map->kind != YAML_MAP) {
    sigma_error(ctx, map, "sigma-type", "'%s' must be a map, saw %s", what, yaml_describe(map));
    return false;
  }
  SigmaSelections selections;
  bool ok = read_selections(ctx, map, reserved, &selections);
  const YamlNode *condition = yaml_map_get(map, "condition");
  if (!condition) {
    sigma_error_at(ctx, (Span){map->span.start, map->span.start + 1}, "sigma-required",
                   "'%s' has no 'condition'", what);
    return false;
  }
  if (selections.count == 0) {
    sigma_error(ctx, map, "sigma-required", "'%s' has no search identifier", what);
    return false;
  }
  size_t n = condition->kind == YAML_SEQUENCE ? condition->count : 1;
  if (condition->kind == YAML_MAP || n == 0) {
    sigma_error(ctx, condition, "sigma-type", "'condition' must be a string or a list of strings");
    return false;
  }
  *conditions = arena_array(ctx->arena, n, sizeof(IrNode *));
  for (size_t i = 0; i < n; i++) {
    const YamlNode *text = condition->kind == YAML_SEQUENCE ? condition->items[i] : condition;
    if (text->kind != YAML_SCALAR || text->type != YAML_STRING) {
      sigma_error(ctx, text, "sigma-type", "a condition must be a string, saw %s",
                  yaml_describe(text));
      ok = false;
      continue;
    }
    (*conditions)[i] = sigma_condition(ctx, text, &selections);
    ok = ok && (*conditions)[i];
  }
  *count = n;
  return ok;
}
