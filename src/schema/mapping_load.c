/* Reading a mapping file (data/mappings/README.md) into a Mapping. */
#include <string.h>

#include "base/hash.h"
#include "schema/embedded.h"
#include "schema/mapping.h"
#include "sigma/yaml_tree.h"

const char *const mapping_builtin_names[] = {"ecs_windows", "splunk_windows", NULL};

typedef struct Reader {
  Arena *arena;
  const Source *src;
  DiagSink *diags;
  bool failed;
} Reader;

static void fail(Reader *r, const YamlNode *node, const char *message) {
  diag_report(r->diags, DIAG_ERROR, r->src, node ? node->span : (Span){0, 1}, "mapping", "%s",
              message);
  r->failed = true;
}

static const char *string(Reader *r, const YamlNode *node, const char *what) {
  if (!node)
    return NULL;
  if (node->kind != YAML_SCALAR || node->type == YAML_NULL) {
    fail(r, node, arena_printf(r->arena, "'%s' must be a string", what));
    return NULL;
  }
  return node->text;
}

/* A string or a list of strings. */
static IrStrList strings(Reader *r, const YamlNode *node, const char *what) {
  IrStrList list = {NULL, 0};
  if (!node)
    return list;
  size_t n = node->kind == YAML_SEQUENCE ? node->count : 1;
  list.items = arena_array(r->arena, n, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const char *item = string(r, node->kind == YAML_SEQUENCE ? node->items[i] : node, what);
    if (item)
      list.items[list.count++] = item;
  }
  return list;
}

static MapWhen read_when(Reader *r, const YamlNode *node) {
  MapWhen when = {NULL, NULL, NULL};
  if (!node)
    return when;
  if (node->kind != YAML_MAP) {
    fail(r, node, "'when' must be a map of product, category and service");
    return when;
  }
  for (size_t i = 0; i < node->count; i++) {
    const char *key = node->keys[i]->text;
    const char **slot = strcmp(key, "product") == 0    ? &when.product
                        : strcmp(key, "category") == 0 ? &when.category
                        : strcmp(key, "service") == 0  ? &when.service
                                                       : NULL;
    if (!slot)
      fail(r, node->keys[i], arena_printf(r->arena, "unknown logsource key '%s' in 'when'", key));
    else
      *slot = string(r, node->items[i], key);
  }
  return when;
}

static MapField *field_slot(Reader *r, Mapping *m, const char *sigma, size_t *capacity) {
  for (size_t i = 0; i < m->field_count; i++)
    if (strcmp(m->fields[i].sigma, sigma) == 0)
      return &m->fields[i];
  if (m->field_count == *capacity) {
    *capacity = *capacity ? *capacity * 2 : 64;
    m->fields = arena_grow(r->arena, m->fields, m->field_count, *capacity, sizeof(MapField));
  }
  MapField *field = &m->fields[m->field_count++];
  field->sigma = sigma;
  return field;
}

static void read_fields(Reader *r, Mapping *m, const YamlNode *fields,
                        const YamlNode *conditional) {
  size_t capacity = 0;
  for (size_t i = 0; fields && i < fields->count; i++)
    field_slot(r, m, fields->keys[i]->text, &capacity)->target =
        string(r, fields->items[i], fields->keys[i]->text);
  for (size_t i = 0; conditional && i < conditional->count; i++) {
    const YamlNode *rows = conditional->items[i];
    if (rows->kind != YAML_SEQUENCE) {
      fail(r, rows, "a conditional field is a list of {when, field} rows");
      continue;
    }
    MapField *field = field_slot(r, m, conditional->keys[i]->text, &capacity);
    field->conditionals = arena_array(r->arena, rows->count, sizeof(MapConditional));
    for (size_t k = 0; k < rows->count; k++) {
      field->conditionals[k].when = read_when(r, yaml_map_get(rows->items[k], "when"));
      field->conditionals[k].field = string(r, yaml_map_get(rows->items[k], "field"), "field");
    }
    field->conditional_count = rows->count;
  }
}

static void read_logsource(Reader *r, const YamlNode *node, MapLogsource *out) {
  out->when = read_when(r, yaml_map_get(node, "when"));
  out->eql_category = string(r, yaml_map_get(node, "eql_category"), "eql_category");
  if (!out->eql_category)
    out->eql_category = "any";
  out->index = strings(r, yaml_map_get(node, "index"), "index");
  out->datamodel = string(r, yaml_map_get(node, "datamodel"), "datamodel");
  const YamlNode *conditions = yaml_map_get(node, "conditions");
  if (!conditions)
    return;
  if (conditions->kind != YAML_MAP) {
    fail(r, conditions, "'conditions' must be a map of field -> value(s)");
    return;
  }
  out->conditions = arena_array(r->arena, conditions->count, sizeof(MapCondition));
  for (size_t i = 0; i < conditions->count; i++) {
    out->conditions[i].field = conditions->keys[i]->text;
    out->conditions[i].values = strings(r, conditions->items[i], out->conditions[i].field);
  }
  out->condition_count = conditions->count;
}

static void read_value_maps(Reader *r, Mapping *m, const YamlNode *list) {
  if (!list)
    return;
  m->value_maps = arena_array(r->arena, list->count, sizeof(MapValueMap));
  for (size_t i = 0; i < list->count; i++) {
    MapValueMap *vm = &m->value_maps[m->value_map_count++];
    const YamlNode *row = list->items[i];
    vm->field = string(r, yaml_map_get(row, "field"), "field");
    vm->when = read_when(r, yaml_map_get(row, "when"));
    const YamlNode *map = yaml_map_get(row, "map");
    if (!map || map->kind != YAML_MAP) {
      fail(r, row, "a value map needs 'map': from -> to");
      continue;
    }
    vm->pairs = arena_array(r->arena, map->count, sizeof(IrEntry));
    for (size_t k = 0; k < map->count; k++) {
      vm->pairs[k].key = map->keys[k]->text;
      IrData *to = arena_alloc(r->arena, sizeof *to);
      to->kind = IR_DATA_STRING;
      to->text = string(r, map->items[k], "map value");
      vm->pairs[k].value = to;
    }
    vm->count = map->count;
  }
}

static void read_mapping(Reader *r, const YamlNode *root, Mapping *m) {
  m->name = string(r, yaml_map_get(root, "name"), "name");
  m->description = string(r, yaml_map_get(root, "description"), "description");
  m->target = string(r, yaml_map_get(root, "target"), "target");
  read_fields(r, m, yaml_map_get(root, "fields"), yaml_map_get(root, "conditional_fields"));
  const char *keep = string(r, yaml_map_get(root, "keep_names"), "keep_names");
  m->keep_names = keep && strcmp(keep, "true") == 0;
  const char *strict = string(r, yaml_map_get(root, "strict"), "strict");
  m->strict = strict && strcmp(strict, "true") == 0;
  const YamlNode *unmapped = yaml_map_get(root, "unmapped");
  m->unmapped_products = strings(r, yaml_map_get(unmapped, "products"), "products");
  m->unmapped_prefix = string(r, yaml_map_get(unmapped, "prefix"), "prefix");
  m->unmapped_known = strings(r, yaml_map_get(unmapped, "known"), "known");
  const YamlNode *string_values = yaml_map_get(root, "string_values");
  m->string_products = strings(r, yaml_map_get(string_values, "products"), "products");
  m->keep_numbers = strings(r, yaml_map_get(string_values, "keep_numbers"), "keep_numbers");
  read_value_maps(r, m, yaml_map_get(root, "value_maps"));
  m->keyword_field = string(r, yaml_map_get(yaml_map_get(root, "keywords"), "field"), "field");
  m->reverse_prefer = strings(r, yaml_map_get(root, "reverse_prefer"), "reverse_prefer");
  const YamlNode *logsources = yaml_map_get(root, "logsources");
  if (logsources && logsources->kind == YAML_SEQUENCE) {
    m->logsources = arena_array(r->arena, logsources->count, sizeof(MapLogsource));
    for (size_t i = 0; i < logsources->count; i++)
      read_logsource(r, logsources->items[i], &m->logsources[m->logsource_count++]);
  }
  const YamlNode *fallback = yaml_map_get(root, "default");
  if (fallback)
    read_logsource(r, fallback, &m->fallback);
  else
    m->fallback.eql_category = "any";
}

/* The index of the fields by Sigma name (find_field() in mapping_apply.c reads it). */
static void index_fields(Arena *arena, Mapping *m) {
  size_t capacity = 16;
  while (capacity < 4 * m->field_count)
    capacity *= 2;
  m->field_index_mask = capacity - 1;
  m->field_index = arena_array(arena, capacity, sizeof(uint32_t));
  for (size_t i = 0; i < m->field_count; i++) {
    size_t at = hash_text(m->fields[i].sigma) & m->field_index_mask;
    while (m->field_index[at])
      at = (at + 1) & m->field_index_mask;
    m->field_index[at] = (uint32_t)i + 1;
  }
}

Mapping *mapping_load(Arena *arena, const Source *src, DiagSink *diags) {
  YamlFile file;
  if (!yaml_load(arena, src, NULL, diags, &file))
    return NULL;
  Reader r = {arena, src, diags, false};
  const YamlNode *root = file.count ? file.documents[0].root : NULL;
  if (!root || root->kind != YAML_MAP) {
    fail(&r, root, "a mapping file is a YAML map (see data/mappings/README.md)");
    return NULL;
  }
  Mapping *mapping = arena_alloc(arena, sizeof *mapping);
  read_mapping(&r, root, mapping);
  if (r.failed)
    return NULL;
  index_fields(arena, mapping);
  /* field types are known for ECS targets; other targets are taken as strings */
  mapping->ecs = mapping->target && strcmp(mapping->target, "ecs") == 0 ? ecs_builtin(arena) : NULL;
  return mapping;
}

Mapping *mapping_builtin(Arena *arena, const char *name, DiagSink *diags) {
  const unsigned char *text;
  size_t len;
  if (strcmp(name, "ecs_windows") == 0) {
    text = embedded_mapping_ecs_windows;
    len = embedded_mapping_ecs_windows_len;
  } else if (strcmp(name, "splunk_windows") == 0) {
    text = embedded_mapping_splunk_windows;
    len = embedded_mapping_splunk_windows_len;
  } else if (strcmp(name, "splunk_cim") == 0) {
    text = embedded_mapping_splunk_cim;
    len = embedded_mapping_splunk_cim_len;
  } else {
    return NULL;
  }
  const Source *src = source_from_text(
      arena, arena_printf(arena, "<builtin>/data/mappings/%s.yml", name), (const char *)text, len);
  return mapping_load(arena, src, diags);
}
