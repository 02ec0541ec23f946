/* What the files of the JSON Schema validator share: the state of one json_schema_validate()
 * call, the problems it collects, and the functions one file offers the others.
 *
 *   json_schema.c           the public function, the walk and the keyword dispatch, $ref
 *   json_schema_keywords.c  type, const, enum and the keywords of strings, numbers, arrays, objects
 *   json_schema_branches.c  allOf, anyOf, oneOf, if/then/else: which failing branch speaks
 *   json_schema_problems.c  the problem lists and the instance path they are reported at
 *   json_schema_patterns.c  ECMA-262 patterns on PCRE2, compiled once per schema node
 *   json_schema_formats.c   the formats asserted (uuid, date, date-time, uri, uri-reference)
 *   json_schema_values.c    JSON equality and hashing, numbers, kinds, lengths in code points
 *   json_schema_messages.c  the text of messages: values quoted, cut and escaped
 *
 * jansson values are borrowed throughout; text lives in the call's arena. */
#ifndef SIGMAC_LINT_JSON_SCHEMA_INTERNAL_H
#define SIGMAC_LINT_JSON_SCHEMA_INTERNAL_H

#include "base/strbuf.h"
#include "lint/json_schema.h"

enum {
  NESTING_MAX = 200,    /* schema_validate() calls on the stack: a $ref cycle or a deep value */
  SHOWN_CHARS_MAX = 60, /* code points of an instance value quoted in a message */
};

/* The kinds the type keyword names: X(constant, its name in a schema, its phrase in a message).
 * Messages list merged kinds in the order they were met. KIND_INTEGER is a number with no
 * fractional part, 1.0 included. */
#define JSON_KINDS(X)                                                                              \
  X(KIND_NULL, "null", "null")                                                                     \
  X(KIND_BOOLEAN, "boolean", "a boolean")                                                          \
  X(KIND_OBJECT, "object", "an object")                                                            \
  X(KIND_ARRAY, "array", "an array")                                                               \
  X(KIND_NUMBER, "number", "a number")                                                             \
  X(KIND_STRING, "string", "a string")                                                             \
  X(KIND_INTEGER, "integer", "an integer")

typedef enum JsonKind {
#define X(kind, name, phrase) kind,
  JSON_KINDS(X)
#undef X
      KIND_COUNT,
} JsonKind;

/* What a value should have been. Kept with type, const and enum problems (and with summaries of
 * them) so that an anyOf whose branches all reject the value's kind can say so in one line. */
typedef struct Expect {
  unsigned char kinds[KIND_COUNT]; /* JsonKind, each once, in the order met */
  size_t kind_count;
  const json_t **values; /* allowed values, borrowed from the schema */
  size_t value_count;
} Expect;

/* One problem with the instance (or the schema), with what choosing among branches needs. */
typedef struct Problem {
  SchemaError error;   /* as the caller will see it */
  size_t depth;        /* segments in error.path */
  const size_t *trail; /* the position of each segment among its siblings: document order */
  size_t key;          /* hash of path, keyword and message: duplicates are looked for by it */
  Expect expect;       /* set by type, const, enum and their summaries; empty otherwise */
  const char *missing; /* set by required: the missing name, for "must have 'a' or 'b'" */
} Problem;

typedef struct Problems {
  Problem *items; /* in the arena; grown by copying */
  size_t count;
  size_t capacity;
} Problems;

/* The compiled patterns of one call and the PCRE2 objects that run them (json_schema_patterns.c:
 * the only file that sees PCRE2). */
typedef struct PatternSet PatternSet;

typedef struct Validator {
  Arena *arena;
  const json_t *root; /* the schema document: where $ref resolves */
  Problems found;     /* problems with the instance, in the order found */
  Problems faults;    /* problems with the schema: never discarded by speculation */
  size_t floor;       /* found.items[floor..] is the innermost speculation; duplicates are
                         looked for only there, so a branch keeps all its own problems */
  StrBuf path;        /* JSON pointer of the value being validated */
  size_t depth;       /* segments in path */
  size_t trail[NESTING_MAX + 2]; /* trail[i]: position of path segment i among its siblings;
                                    each segment but uniqueItems' is pushed under a
                                    schema_validate() */
  size_t nesting;                /* schema_validate() calls on the stack */
  PatternSet *patterns;
} Validator;

/* ---- The walk (json_schema.c) ---- */

/* Validates instance (at the current path) against schema, reached through keyword via; true
 * when it holds. Keywords that hold subschemas call it for each. */
bool schema_validate(Validator *v, const json_t *schema, const json_t *instance, const char *via);

/* ---- Keywords (json_schema_keywords.c, json_schema_branches.c, json_schema_patterns.c) ----
 * Each checks its keywords of one schema object against instance, reports what fails and returns
 * true when all hold. The per-kind ones expect an instance of their kind. */

bool schema_check_type(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_values(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_string(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_number(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_array(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_object(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_pattern(Validator *v, const json_t *schema, const json_t *instance);
bool schema_check_all_of(Validator *v, const json_t *schema, const json_t *instance);
/* keyword: "anyOf" (at least one branch holds) or "oneOf" (exactly one). */
bool schema_check_alternatives(Validator *v, const json_t *schema, const json_t *instance,
                               const char *keyword);
bool schema_check_conditional(Validator *v, const json_t *schema, const json_t *instance);

/* ---- Patterns (json_schema_patterns.c) ---- */

/* PCRE2 objects for one call, in arena; like the arena, out of memory aborts. */
PatternSet *schema_patterns_open(Arena *arena);
/* Frees the compiled patterns: the cache is keyed by schema nodes the caller may free as soon
 * as json_schema_validate() returns. */
void schema_patterns_close(PatternSet *patterns);

/* ---- Formats (json_schema_formats.c) ---- */

/* What text[0..len) is not when it fails format ("is not a date (YYYY-MM-DD)"); NULL when it
 * fits or the format is not one that is asserted. */
const char *schema_format_problem(const char *format, const char *text, size_t len);

/* ---- Problems and the instance path (json_schema_problems.c) ---- */

/* Adds p to the found list unless found[floor..] has it already. */
void schema_add_problem(Validator *v, Problem p);
/* Reports a problem with the value at the current path, which fills in p's path, depth and
 * trail. */
void schema_report(Validator *v, Problem p);
void schema_report_text(Validator *v, const char *keyword, const char *message);
/* Reports a fault of the schema, once per message, at the first path that met it. */
void schema_fault(Validator *v, const char *keyword, const char *message);

/* Appends the segment of the member at position in its object, or of item index; each returns
 * the length to pass to schema_pop(). */
size_t schema_push_key(Validator *v, const char *key, size_t len, size_t position);
size_t schema_push_index(Validator *v, size_t index);
void schema_pop(Validator *v, size_t old);

/* ---- Values (json_schema_values.c) ---- */

/* Compares two JSON numbers by value, as JSON Schema does (1 and 1.0 are equal): <0, 0, >0. */
int schema_compare_numbers(const json_t *a, const json_t *b);
/* JSON equality: numbers by value, objects regardless of member order. Past the depth limit
 * values count as different, which can only hide a duplicate, never invent one. Start at 0. */
bool schema_same_value(const json_t *a, const json_t *b, size_t depth);
/* A hash that agrees with schema_same_value: equal values hash alike. Start depth at 0. */
size_t schema_value_hash(const json_t *value, size_t depth);
bool schema_has_kind(const json_t *instance, JsonKind kind);
/* Length in code points; a byte that is not UTF-8 counts as one. */
size_t schema_code_points(const char *text, size_t len);

/* ---- Text of messages (json_schema_messages.c) ---- */

/* Writes text[0..len) with control characters escaped (\n, \t, \r, \u001b; bytes that are not
 * UTF-8 as \xff), cut after max_chars code points with "...". */
void schema_put_text(StrBuf *sb, const char *text, size_t len, size_t max_chars);
/* Writes a value: strings as they are (in quotes when quoted), cut and escaped; anything else
 * as compact JSON. */
void schema_put_value(StrBuf *sb, const json_t *value, bool quoted);
/* Moves a finished message into the arena and frees sb. */
char *schema_finish(Arena *arena, StrBuf *sb);
/* "must be a string or an array, not a number", "must be one of: a, b", "must be 'x'". */
char *schema_must_be(Arena *arena, const Expect *expect, const json_t *instance);
/* "'<value>' <rest>", the value quoted, cut and escaped. */
char *schema_about(Arena *arena, const json_t *value, const char *rest);
/* "must have 'text' or 'id' and 'name'": the missing names of the branches marked in tied, each
 * of whose problems names one (Problem.missing). */
char *schema_must_have(Arena *arena, const Problems *cuts, const bool *tied, size_t n);

#endif
