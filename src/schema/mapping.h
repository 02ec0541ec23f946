/* Field mappings: how a Sigma rule's taxonomy (Image, CommandLine, ...) becomes a target's field
 * names (ECS: process.executable, ...), which event category and index patterns its logsource
 * means, and which values change type on the way. Format: data/mappings/README.md. */
#ifndef SIGMAC_SCHEMA_MAPPING_H
#define SIGMAC_SCHEMA_MAPPING_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "schema/ecs.h"
#include "sigmac/ir.h"

/* A logsource test: each key that is set must equal the rule's. */
typedef struct MapWhen {
  const char *product;
  const char *category;
  const char *service;
} MapWhen;

typedef struct MapConditional {
  MapWhen when;
  const char *field;
} MapConditional;

typedef struct MapField {
  const char *sigma;            /* the rule's field name */
  const char *target;           /* unconditional target, or NULL */
  MapConditional *conditionals; /* tried first, in order */
  size_t conditional_count;
} MapField;

typedef struct MapCondition {
  const char *field; /* target field */
  IrStrList values;  /* any of, exact */
} MapCondition;

typedef struct MapLogsource {
  MapWhen when;
  const char *eql_category; /* "process", ..., or "any" */
  MapCondition *conditions; /* AND-ed to every query of the rule */
  size_t condition_count;
  IrStrList index;
  const char *datamodel; /* Splunk CIM: the data set searched ("Endpoint.Processes"), or NULL */
} MapLogsource;

typedef struct MapValueMap {
  const char *field; /* target field */
  MapWhen when;
  IrEntry *pairs; /* from (as text) -> to (IrData string) */
  size_t count;
} MapValueMap;

typedef struct Mapping {
  const char *name;
  const char *description;
  const char *target; /* "ecs" */
  MapField *fields;
  size_t field_count;
  IrStrList unmapped_products; /* rules of these products get the prefix */
  const char *unmapped_prefix;
  IrStrList unmapped_known;  /* names known to exist under the prefix */
  IrStrList string_products; /* numbers become strings for these products ... */
  IrStrList keep_numbers;    /* ... except in these target fields */
  MapValueMap *value_maps;
  size_t value_map_count;
  MapLogsource *logsources;
  size_t logsource_count;
  MapLogsource fallback;     /* 'default' */
  const char *keyword_field; /* keywords.field: where unbound keywords are searched, or NULL */
  bool keep_names;           /* a field no table names is the target's own name (no warning) */
  bool strict; /* a field no table names, or a logsource no row names, has no form: refused */
  IrStrList reverse_prefer; /* Sigma names tried first when mapping fields back */
  const EcsSchema *ecs;     /* the target schema, for field types */
  /* fields by Sigma name, open addressing (field number + 1; 0: free), a quarter full: every
   * predicate of every rule is looked up; NULL (a mapping built by hand): looked through */
  uint32_t *field_index;
  size_t field_index_mask;
} Mapping;

/* Reads a mapping file; NULL after reporting errors. */
Mapping *mapping_load(Arena *arena, const Source *src, DiagSink *diags);

/* A built-in mapping by name ("ecs_windows"), or NULL when there is none by that name. */
Mapping *mapping_builtin(Arena *arena, const char *name, DiagSink *diags);

/* The names of the built-in mappings, NULL-terminated. */
extern const char *const mapping_builtin_names[];

/* The mapped copy of rule: fields renamed, values converted, the logsource's event category and
 * conditions added to each query, index patterns chosen. The input rule is not changed. Fields no
 * table covers are warnings naming the field and the logsource. A correlation's group-by fields
 * are mapped with each referenced rule's logsource (see mapping_field). */
IrRule *mapping_apply(Arena *arena, const Mapping *mapping, const IrRule *rule, DiagSink *diags);

/* The target name of a Sigma field under a logsource, or NULL when no table and no prefix covers
 * it (then the name is kept as it is). */
const char *mapping_field(Arena *arena, const Mapping *mapping, const IrLogsource *logsource,
                          const char *field);

/* The value a value map of logsource rewrote into value on target field (network.direction
 * "egress" was Initiated "true"; exactly, as the mapped query compares it), or NULL when none
 * did: what the rule compares an event's value with when it reads a mapped field. */
const char *mapping_value_back(const Mapping *mapping, const IrLogsource *logsource,
                               const char *target, const char *value);

/* The inverse: the Sigma field name whose mapping under logsource gives target, or NULL. */
const char *mapping_sigma_field(Arena *arena, const Mapping *mapping, const IrLogsource *logsource,
                                const char *target);

/* The logsource row an EQL category and condition stand for: the row with that category whose
 * conditions all appear among the condition's AND-ed parts (the most such conditions wins), or
 * NULL. */
const MapLogsource *mapping_logsource_of(const Mapping *mapping, const char *category,
                                         const IrNode *where);

/* The logsource row that applies to a rule (the default row when none matches). */
const MapLogsource *mapping_logsource(const Mapping *mapping, const IrLogsource *logsource);

#endif
