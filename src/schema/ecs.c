/* ECS field table. */
#include "schema/ecs.h"

#include <string.h>

#include "base/hash.h"
#include "schema/embedded.h"

EcsFamily ecs_family_of(const char *type) {
  static const struct {
    const char *type;
    EcsFamily family;
  } families[] = {
      {"keyword", ECS_STRING},
      {"constant_keyword", ECS_STRING},
      {"wildcard", ECS_STRING},
      {"match_only_text", ECS_TEXT},
      {"text", ECS_TEXT},
      {"long", ECS_NUMBER},
      {"integer", ECS_NUMBER},
      {"short", ECS_NUMBER},
      {"byte", ECS_NUMBER},
      {"float", ECS_NUMBER},
      {"double", ECS_NUMBER},
      {"scaled_float", ECS_NUMBER},
      {"half_float", ECS_NUMBER},
      {"unsigned_long", ECS_NUMBER},
      {"ip", ECS_IP},
      {"date", ECS_DATE},
      {"date_nanos", ECS_DATE},
      {"boolean", ECS_BOOLEAN},
  };
  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
    if (strcmp(families[i].type, type) == 0)
      return families[i].family;
  return ECS_OTHER;
}

static EcsField *slot(const EcsSchema *schema, const char *name) {
  size_t mask = schema->capacity - 1;
  for (size_t i = hash_text(name) & mask;; i = (i + 1) & mask)
    if (!schema->slots[i].name || strcmp(schema->slots[i].name, name) == 0)
      return &schema->slots[i];
}

EcsSchema *ecs_load(Arena *arena, const char *text, size_t len) {
  size_t lines = 1;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  EcsSchema *schema = arena_alloc(arena, sizeof *schema);
  schema->capacity = 16;
  while (schema->capacity < lines * 2)
    schema->capacity *= 2;
  schema->slots = arena_array(arena, schema->capacity, sizeof(EcsField));
  for (size_t at = 0; at < len;) {
    const char *line = text + at;
    const char *end = memchr(line, '\n', len - at);
    size_t line_len = end ? (size_t)(end - line) : len - at;
    at += line_len + 1;
    const char *tab = memchr(line, '\t', line_len);
    if (line_len == 0 || line[0] == '#' || !tab)
      continue;
    char *name = arena_strndup(arena, line, (size_t)(tab - line));
    char *type = arena_strndup(arena, tab + 1, line_len - (size_t)(tab - line) - 1);
    EcsField *field = slot(schema, name);
    if (!field->name)
      schema->count++;
    field->name = name;
    field->type = type;
    field->family = ecs_family_of(type);
  }
  return schema;
}

EcsSchema *ecs_builtin(Arena *arena) {
  return ecs_load(arena, (const char *)embedded_ecs_fields, embedded_ecs_fields_len);
}

const EcsField *ecs_lookup(const EcsSchema *schema, const char *name) {
  const EcsField *field = slot(schema, name);
  return field->name ? field : NULL;
}
