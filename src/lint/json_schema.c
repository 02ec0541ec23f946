/* JSON Schema validation: one recursive walk over schema and instance together, collecting
 * problems at the instance path where they occur. This file holds the walk: the public entry,
 * the dispatch over one schema object's keywords and $ref; the keywords themselves are in
 * json_schema_keywords.c and json_schema_branches.c (json_schema_internal.h lists the files). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/json_schema_internal.h"

/* When a value fails its type and also a const, enum or summary listing the allowed values, the
 * list says more ("must be one of: low, high" beats "must be a string, not a number"): the type
 * problem at found[index] is dropped. */
static void prefer_values(Validator *v, size_t index) {
  const Problem *typed = &v->found.items[index];
  for (size_t i = index + 1; i < v->found.count; i++) {
    const Problem *p = &v->found.items[i];
    if (p->expect.value_count && p->depth == typed->depth && !p->error.at_key &&
        strcmp(p->error.path, typed->error.path) == 0) {
      memmove(&v->found.items[index], &v->found.items[index + 1],
              (v->found.count - index - 1) * sizeof *v->found.items);
      v->found.count--;
      return;
    }
  }
}

static bool check_by_kind(Validator *v, const json_t *schema, const json_t *instance) {
  switch (json_typeof(instance)) {
  case JSON_STRING:
    return schema_check_string(v, schema, instance);
  case JSON_INTEGER:
  case JSON_REAL:
    return schema_check_number(v, schema, instance);
  case JSON_ARRAY:
    return schema_check_array(v, schema, instance);
  case JSON_OBJECT:
    return schema_check_object(v, schema, instance);
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
    return true;
  }
  return true;
}

/* ---- $ref ---- */

/* Follows a local JSON pointer ("#", "#/definitions/x", "#/$defs/a~1b") from the root; NULL
 * when it leads nowhere or is not local. */
static const json_t *resolve(Validator *v, const char *ref, size_t len) {
  if (len == 0 || ref[0] != '#')
    return NULL;
  const json_t *node = v->root;
  for (size_t at = 1; node && at < len;) {
    if (ref[at] != '/')
      return NULL;
    StrBuf segment = STRBUF_INIT;
    for (at++; at < len && ref[at] != '/'; at++) {
      bool escape = ref[at] == '~';
      if (escape && (at + 1 >= len || (ref[at + 1] != '0' && ref[at + 1] != '1'))) {
        sb_free(&segment);
        return NULL;
      }
      sb_putc(&segment, escape ? (ref[++at] == '0' ? '~' : '/') : ref[at]);
    }
    const char *key = sb_text(&segment);
    char *end;
    unsigned long long index = strtoull(key, &end, 10);
    bool numeric = segment.len > 0 && *end == '\0' && (key[0] != '0' || segment.len == 1);
    node = json_is_object(node)             ? json_object_getn(node, key, segment.len)
           : json_is_array(node) && numeric ? json_array_get(node, (size_t)index)
                                            : NULL;
    sb_free(&segment);
  }
  return node;
}

/* $ref, with its siblings applying too (draft 2020-12; in the draft-04 SARIF schema every $ref's
 * only sibling is a description, so the drafts agree there). */
static bool check_ref(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *ref = json_object_get(schema, "$ref");
  if (!ref)
    return true;
  const json_t *target = resolve(v, json_string_value(ref), json_string_length(ref));
  if (target)
    return schema_validate(v, target, instance, "$ref");
  const char *problem = schema_about(
      v->arena, ref,
      "points nowhere (only local JSON pointers such as '#/definitions/x' are followed)");
  schema_fault(v, "$ref", arena_printf(v->arena, "the schema's $ref %s", problem));
  return false;
}

/* ---- The walk ---- */

/* Every keyword of one schema object. When the type fails, the rest still runs: a const or enum
 * listing the allowed values then replaces the type problem, and other keywords apply only to
 * their own kinds anyway. */
static bool check_keywords(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = check_ref(v, schema, instance);
  size_t before = v->found.count;
  bool typed_ok = schema_check_type(v, schema, instance);
  size_t typed = !typed_ok && v->found.count > before ? before : SIZE_MAX; /* its problem */
  ok = typed_ok && ok;
  ok = schema_check_values(v, schema, instance) && ok;
  ok = check_by_kind(v, schema, instance) && ok;
  ok = schema_check_all_of(v, schema, instance) && ok;
  ok = schema_check_alternatives(v, schema, instance, "anyOf") && ok;
  ok = schema_check_alternatives(v, schema, instance, "oneOf") && ok;
  ok = schema_check_conditional(v, schema, instance) && ok;
  if (typed != SIZE_MAX)
    prefer_values(v, typed);
  return ok;
}

bool schema_validate(Validator *v, const json_t *schema, const json_t *instance, const char *via) {
  if (json_is_true(schema))
    return true;
  if (json_is_false(schema)) {
    schema_report_text(v, via, arena_strdup(v->arena, "no value is allowed here"));
    return false;
  }
  if (!json_is_object(schema)) {
    schema_fault(v, via, arena_strdup(v->arena, "the schema here is not an object or a boolean"));
    return false;
  }
  if (v->nesting >= NESTING_MAX) {
    schema_fault(
        v, via,
        arena_printf(v->arena,
                     "nesting deeper than %d levels (a $ref cycle or a too deeply nested value)",
                     NESTING_MAX));
    return false;
  }
  v->nesting++;
  bool ok = check_keywords(v, schema, instance);
  v->nesting--;
  return ok;
}

/* Document order: by position in the instance, a value's own problems before its members';
 * problems at the same place stay in the order found. */
static int in_document_order(const void *a, const void *b) {
  const Problem *x = *(const Problem *const *)a, *y = *(const Problem *const *)b;
  for (size_t i = 0; i < x->depth && i < y->depth; i++)
    if (x->trail[i] != y->trail[i])
      return x->trail[i] < y->trail[i] ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth < y->depth ? -1 : 1;
  return (x > y) - (x < y);
}

bool json_schema_validate(Arena *arena, const json_t *schema, const json_t *instance,
                          SchemaErrors *out) {
  Validator v = {.arena = arena, .root = schema, .path = STRBUF_INIT};
  v.patterns = schema_patterns_open(arena);
  schema_validate(&v, schema, instance, "");
  schema_patterns_close(v.patterns);
  sb_free(&v.path);
  size_t total = v.faults.count + v.found.count;
  if (total == 0)
    return true;
  out->items = arena_grow(arena, out->items, out->count, out->count + total, sizeof *out->items);
  for (size_t i = 0; i < v.faults.count; i++)
    out->items[out->count++] = v.faults.items[i].error;
  const Problem **sorted = arena_array(arena, v.found.count, sizeof *sorted);
  for (size_t i = 0; i < v.found.count; i++)
    sorted[i] = &v.found.items[i];
  qsort(sorted, v.found.count, sizeof *sorted, in_document_order);
  for (size_t i = 0; i < v.found.count; i++)
    out->items[out->count++] = sorted[i]->error;
  return false;
}
