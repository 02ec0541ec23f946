/* The ECS schema: field names and their Elasticsearch types, loaded from data/ecs/ecs_fields.tsv
 * (compiled in) or a file of the same form given at run time. */
#ifndef SIGMAC_SCHEMA_ECS_H
#define SIGMAC_SCHEMA_ECS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Families of Elasticsearch field types, as far as query languages care. */
typedef enum EcsFamily {
  ECS_STRING, /* keyword, constant_keyword, wildcard: exact terms, EQL ':' and like work */
  ECS_TEXT,   /* match_only_text, text: analysed; EQL cannot match them exactly */
  ECS_NUMBER, /* long, integer, float, double, scaled_float, ... */
  ECS_IP,
  ECS_DATE,
  ECS_BOOLEAN,
  ECS_OTHER, /* object, nested, flattened, geo_point: not comparable */
} EcsFamily;

typedef struct EcsField {
  const char *name;
  const char *type; /* as ECS writes it: keyword, long, ip, ... */
  EcsFamily family;
} EcsField;

typedef struct EcsSchema {
  EcsField *slots; /* open addressing by name */
  size_t capacity;
  size_t count;
} EcsSchema;

/* Parses "field<TAB>type" lines ('#' lines are comments) into arena. */
EcsSchema *ecs_load(Arena *arena, const char *text, size_t len);
/* The compiled-in ECS 9.4 schema, built on first use in arena. */
EcsSchema *ecs_builtin(Arena *arena);
/* The field, or NULL when ECS does not define it. */
const EcsField *ecs_lookup(const EcsSchema *schema, const char *name);
EcsFamily ecs_family_of(const char *type);

#endif
