/* Rule metadata and logsource: every key of the rule, correlation and filter schemas, typed, and
 * the keys the specification leaves open kept as data so the rule prints back as Sigma. */
#include <stdarg.h>
#include <string.h>

#include "sigma/sigma_internal.h"

void sigma_error(SigmaCtx *ctx, const YamlNode *node, const char *check_id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = arena_vprintf(ctx->arena, fmt, args);
  va_end(args);
  diag_report(ctx->diags, DIAG_ERROR, ctx->src, node->span, check_id, "%s", message);
}

void sigma_error_at(SigmaCtx *ctx, Span span, const char *check_id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = arena_vprintf(ctx->arena, fmt, args);
  va_end(args);
  diag_report(ctx->diags, DIAG_ERROR, ctx->src, span, check_id, "%s", message);
}

void sigma_warning_at(SigmaCtx *ctx, Span span, const char *check_id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = arena_vprintf(ctx->arena, fmt, args);
  va_end(args);
  diag_report(ctx->diags, DIAG_WARNING, ctx->src, span, check_id, "%s", message);
}

/* Scalars that YAML resolved as numbers or dates are still text here ('date: 2024-01-01'). */
const char *sigma_string(SigmaCtx *ctx, const YamlNode *node, const char *key) {
  if (!node)
    return NULL;
  if (node->kind != YAML_SCALAR || node->type == YAML_NULL || node->type == YAML_BOOL) {
    sigma_error(ctx, node, "sigma-type", "'%s' must be a string, saw %s", key, yaml_describe(node));
    return NULL;
  }
  return node->text;
}

IrStrList sigma_string_list(SigmaCtx *ctx, const YamlNode *node, const char *key) {
  IrStrList list = {NULL, 0};
  if (!node)
    return list;
  if (node->kind != YAML_SEQUENCE) {
    sigma_error(ctx, node, "sigma-type", "'%s' must be a list of strings, saw %s", key,
                yaml_describe(node));
    return list;
  }
  list.items = arena_array(ctx->arena, node->count, sizeof(char *));
  for (size_t i = 0; i < node->count; i++) {
    const char *item = sigma_string(ctx, node->items[i], key);
    if (item)
      list.items[list.count++] = item;
  }
  return list;
}

IrData *sigma_data(SigmaCtx *ctx, const YamlNode *node) {
  IrData *data = arena_alloc(ctx->arena, sizeof *data);
  switch (node->kind) {
  case YAML_SCALAR:
    data->text = node->text;
    switch (node->type) {
    case YAML_STRING:
      data->kind = IR_DATA_STRING;
      break;
    case YAML_INT:
    case YAML_FLOAT:
      data->kind = IR_DATA_NUMBER;
      break;
    case YAML_BOOL:
      data->kind = IR_DATA_BOOL;
      data->text = node->boolean ? "true" : "false";
      break;
    case YAML_NULL:
      data->kind = IR_DATA_NULL;
      break;
    }
    return data;
  case YAML_SEQUENCE:
    data->kind = IR_DATA_LIST;
    data->items = arena_array(ctx->arena, node->count, sizeof(IrData *));
    for (size_t i = 0; i < node->count; i++)
      data->items[i] = sigma_data(ctx, node->items[i]);
    data->count = node->count;
    return data;
  case YAML_MAP:
    data->kind = IR_DATA_MAP;
    data->entries = arena_array(ctx->arena, node->count, sizeof(IrEntry));
    for (size_t i = 0; i < node->count; i++) {
      data->entries[i].key = node->keys[i]->text;
      data->entries[i].value = sigma_data(ctx, node->items[i]);
    }
    data->count = node->count;
    return data;
  }
  return data;
}

static bool one_of(const char *value, const char *const *allowed) {
  for (; *allowed; allowed++)
    if (strcmp(value, *allowed) == 0)
      return true;
  return false;
}

/* A string key whose value must be one of allowed (the schema's enums). */
static const char *enum_string(SigmaCtx *ctx, const YamlNode *doc, const char *key,
                               const char *const *allowed, const char *listed) {
  const YamlNode *node = yaml_map_get(doc, key);
  const char *value = sigma_string(ctx, node, key);
  if (value && !one_of(value, allowed)) {
    sigma_error(ctx, node, "sigma-value", "'%s' must be one of %s, saw '%s'", key, listed, value);
    return NULL;
  }
  return value;
}

static void read_related(SigmaCtx *ctx, const YamlNode *node, IrMeta *meta) {
  static const char *const types[] = {"derived", "obsolete", "merged", "renamed", "similar", NULL};
  if (node->kind != YAML_SEQUENCE) {
    sigma_error(ctx, node, "sigma-type", "'related' must be a list of maps with 'id' and 'type'");
    return;
  }
  meta->related = arena_array(ctx->arena, node->count, sizeof(IrRelated));
  for (size_t i = 0; i < node->count; i++) {
    const YamlNode *entry = node->items[i];
    if (entry->kind != YAML_MAP || !yaml_map_get(entry, "id") || !yaml_map_get(entry, "type")) {
      sigma_error(ctx, entry, "sigma-type", "each 'related' entry needs 'id' and 'type'");
      continue;
    }
    IrRelated *related = &meta->related[meta->related_count];
    related->id = sigma_string(ctx, yaml_map_get(entry, "id"), "id");
    related->type =
        enum_string(ctx, entry, "type", types, "derived, obsolete, merged, renamed or similar");
    if (related->id && related->type)
      meta->related_count++;
  }
}

typedef enum MetaKind { META_STRING, META_LIST, META_RELATED, META_ENUM, META_SECTION } MetaKind;

/* The keys the schemas define. Sections (detection, logsource, ...) are read elsewhere. */
static const struct {
  const char *key;
  MetaKind kind;
  size_t offset; /* into IrMeta, for strings and lists */
} meta_keys[] = {
    {"title", META_STRING, offsetof(IrMeta, title)},
    {"id", META_STRING, offsetof(IrMeta, id)},
    {"name", META_STRING, offsetof(IrMeta, name)},
    {"description", META_STRING, offsetof(IrMeta, description)},
    {"license", META_STRING, offsetof(IrMeta, license)},
    {"author", META_STRING, offsetof(IrMeta, author)},
    {"date", META_STRING, offsetof(IrMeta, date)},
    {"modified", META_STRING, offsetof(IrMeta, modified)},
    {"taxonomy", META_STRING, offsetof(IrMeta, taxonomy)},
    {"references", META_LIST, offsetof(IrMeta, references)},
    {"fields", META_LIST, offsetof(IrMeta, fields)},
    {"falsepositives", META_LIST, offsetof(IrMeta, falsepositives)},
    {"tags", META_LIST, offsetof(IrMeta, tags)},
    {"scope", META_LIST, offsetof(IrMeta, scope)},
    {"related", META_RELATED, 0},
    {"status", META_ENUM, 0},
    {"level", META_ENUM, 0},
    {"logsource", META_SECTION, 0},
    {"detection", META_SECTION, 0},
    {"correlation", META_SECTION, 0},
    {"filter", META_SECTION, 0},
};

static void read_known(SigmaCtx *ctx, const YamlNode *doc, size_t k, const YamlNode *value,
                       IrMeta *meta) {
  static const char *const statuses[] = {"stable",     "test",        "experimental",
                                         "deprecated", "unsupported", NULL};
  static const char *const levels[] = {"informational", "low", "medium", "high", "critical", NULL};
  const char *key = meta_keys[k].key;
  char *field = (char *)meta + meta_keys[k].offset;
  switch (meta_keys[k].kind) {
  case META_STRING:
    *(const char **)field = sigma_string(ctx, value, key);
    break;
  case META_LIST:
    *(IrStrList *)field = sigma_string_list(ctx, value, key);
    break;
  case META_RELATED:
    read_related(ctx, value, meta);
    break;
  case META_ENUM:
    if (strcmp(key, "status") == 0)
      meta->status = enum_string(ctx, doc, key, statuses,
                                 "stable, test, experimental, deprecated or unsupported");
    else
      meta->level =
          enum_string(ctx, doc, key, levels, "informational, low, medium, high or critical");
    break;
  case META_SECTION:
    break;
  }
}

void sigma_read_meta(SigmaCtx *ctx, const YamlNode *doc, IrMeta *meta, bool correlation) {
  (void)correlation;
  meta->custom = arena_array(ctx->arena, doc->count, sizeof(IrEntry));
  for (size_t i = 0; i < doc->count; i++) {
    const char *key = doc->keys[i]->text;
    size_t k = 0, n = sizeof meta_keys / sizeof meta_keys[0];
    while (k < n && strcmp(meta_keys[k].key, key) != 0)
      k++;
    if (k < n) {
      read_known(ctx, doc, k, doc->items[i], meta);
      continue;
    }
    meta->custom[meta->custom_count].key = key;
    meta->custom[meta->custom_count++].value = sigma_data(ctx, doc->items[i]);
  }
  const YamlNode *title = yaml_map_get(doc, "title");
  if (!title)
    sigma_error_at(ctx, (Span){doc->span.start, doc->span.start + 1}, "sigma-required",
                   "missing required key 'title'");
}

void sigma_read_logsource(SigmaCtx *ctx, const YamlNode *node, IrLogsource *logsource) {
  if (node->kind != YAML_MAP) {
    sigma_error(ctx, node, "sigma-type", "'logsource' must be a map, saw %s", yaml_describe(node));
    return;
  }
  logsource->custom = arena_array(ctx->arena, node->count, sizeof(IrEntry));
  for (size_t i = 0; i < node->count; i++) {
    const char *key = node->keys[i]->text;
    const YamlNode *value = node->items[i];
    if (strcmp(key, "product") == 0)
      logsource->product = sigma_string(ctx, value, key);
    else if (strcmp(key, "category") == 0)
      logsource->category = sigma_string(ctx, value, key);
    else if (strcmp(key, "service") == 0)
      logsource->service = sigma_string(ctx, value, key);
    else if (strcmp(key, "definition") == 0)
      logsource->definition = sigma_string(ctx, value, key);
    else {
      logsource->custom[logsource->custom_count].key = key;
      logsource->custom[logsource->custom_count++].value = sigma_data(ctx, value);
    }
  }
  if (!logsource->product && !logsource->category && !logsource->service)
    sigma_error(ctx, node, "sigma-required",
                "'logsource' needs at least one of 'product', 'category' or 'service'");
}
