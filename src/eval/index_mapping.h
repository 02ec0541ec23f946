/* Elasticsearch index mappings for the evaluator: what indexing does to a document before EQL
 * sees it. `sigmac test --index-mapping FILE` gives the mapping of the events files that follow
 * it; with one, an event is read as that index would hold it:
 *   - an alias field (type alias, path) reads its target's value;
 *   - a field with a null_value reads that value where the document has null;
 *   - a date field is a time: its text is parsed with the field's format (Java date patterns
 *     such as dd-MM-yyyy, or named formats; strict_date_optional_time||epoch_millis by default)
 *     and held as epoch milliseconds, so that it compares and joins as a date across indices;
 *   - a version field compares by semantic-version precedence (1.11.3 after 1.5.0, a
 *     pre-release before its release, text that is no version after every version).
 * The mapping is the JSON of PUT <index>/_mapping ({"properties": ...}, or wrapped in
 * "mappings"); lines starting with '#' are comments (as in Elasticsearch's own test data). */
#ifndef SIGMAC_EVAL_INDEX_MAPPING_H
#define SIGMAC_EVAL_INDEX_MAPPING_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"

typedef enum FieldKind { FIELD_OTHER, FIELD_DATE, FIELD_VERSION, FIELD_ALIAS } FieldKind;

typedef struct MappedField {
  const char *path; /* dotted */
  FieldKind kind;
  const char *format;   /* FIELD_DATE: the format, NULL for the default */
  const char *alias_of; /* FIELD_ALIAS: the target's path */
  json_t *null_value;   /* or NULL */
} MappedField;

typedef struct IndexMapping {
  const char *path; /* the file */
  MappedField *fields;
  size_t count;
} IndexMapping;

/* Reads a mapping; NULL (with a diagnostic) when it is no mapping. */
IndexMapping *index_mapping_load(Arena *arena, const Source *src, DiagSink *diags);

/* Rewrites an event's JSON as the index holds it: null values, dates as epoch milliseconds,
 * aliases as copies of their targets (flat dotted keys). */
void index_mapping_apply(const IndexMapping *mapping, json_t *root);

/* The kind of a field in the mapping (FIELD_OTHER when it has none). */
FieldKind index_mapping_kind(const IndexMapping *mapping, const char *path);

/* Orders two version texts by semantic-version precedence: <0, 0, >0. */
int version_compare(const char *a, size_t alen, const char *b, size_t blen);

/* Parses text as a date in format (NULL: strict_date_optional_time||epoch_millis) into epoch
 * milliseconds; false when no alternative of the format reads it. */
bool date_parse(const char *format, const char *text, size_t len, double *millis);

#endif
