/* JSON Schema validation for `sigmac lint` (Sigma rules against the Sigma specification's
 * schemas, draft 2020-12) and for the tests (sigmac's SARIF against SARIF 2.1.0, draft-04).
 *
 * Only the keywords those schemas use are asserted: type, properties, additionalProperties,
 * required, enum, const, pattern, format (uuid, date, date-time, uri, uri-reference), items,
 * minItems, maxItems, uniqueItems, minLength, maxLength, minimum, maximum, anyOf, oneOf, allOf,
 * if/then/else and local $ref ("#", "#/definitions/x", "#/$defs/x"). Every other keyword is an
 * annotation and is ignored, as JSON Schema says of unknown keywords.
 *
 * jansson values are borrowed: nothing here takes or drops a reference. */
#ifndef SIGMAC_LINT_JSON_SCHEMA_H
#define SIGMAC_LINT_JSON_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/arena.h"

typedef struct SchemaError {
  const char *path;    /* where in the instance, as a JSON pointer: "" for the root,
                          "/detection/condition", "/tags/2" (exact, so not escaped for display:
                          a key may hold any character) */
  bool at_key;         /* the error is about the member's name itself (a property that
                          additionalProperties forbids): point at the key, not the value */
  const char *keyword; /* the schema keyword that failed: "required", "type", "enum", "pattern",
                          "format", "additionalProperties", ... */
  const char *message; /* for people, naming the value; control characters of the instance are
                          escaped and long values cut: "'title' is required", "must be a string,
                          not a number", "'2024-13-01' is not a date (YYYY-MM-DD)" */
} SchemaError;

typedef struct SchemaErrors {
  SchemaError *items;
  size_t count;
} SchemaErrors;

/* Validates instance against schema (the root of a schema document: $ref resolves inside it).
 * Errors are appended to *out, allocated in arena (out->items may be moved to a bigger array
 * there, so *out must be empty or come from an earlier call with the same arena); true when this
 * call found none. Errors come in document order (a value's own before its members'), each
 * once. Faults of the schema itself (a pattern that does not compile, a $ref that points
 * nowhere, nesting past the depth limit, a pattern stopped by its match limit) are errors too,
 * listed first, each once. Patterns are compiled once per schema node per call and freed before
 * the call returns. */
bool json_schema_validate(Arena *arena, const json_t *schema, const json_t *instance,
                          SchemaErrors *out);

#endif
