/* The keywords that assert something of one value: type, const and enum for any value, then by
 * the value's kind minLength, maxLength, pattern and format (strings), minimum and maximum
 * (numbers), minItems, maxItems, uniqueItems and items (arrays), required, properties and
 * additionalProperties (objects). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/json_schema_internal.h"

enum {
  LISTED_NAMES_MAX = 10, /* a forbidden property's message lists the allowed ones up to this */
};

static const char *const kind_names[KIND_COUNT] = {
#define X(kind, name, phrase) [kind] = name,
    JSON_KINDS(X)
#undef X
};

/* Reads a count keyword (minLength, maxItems, ...): false when absent; a value that is not a
 * whole number >= 0 is a fault and counts as absent. */
static bool read_count(Validator *v, const json_t *schema, const char *keyword, size_t *out) {
  const json_t *value = json_object_get(schema, keyword);
  if (!value)
    return false;
  double d = json_number_value(value);
  if (!json_is_number(value) || d < 0 || d != floor(d) || d > 1e15) {
    schema_fault(v, keyword, arena_printf(v->arena, "the schema's %s is not a count", keyword));
    return false;
  }
  *out = (size_t)d;
  return true;
}

static const char *plural(size_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

/* ---- type, const, enum ---- */

/* Adds the kind named by a type keyword's string to expect; false (with a fault) when unknown. */
static bool add_kind(Validator *v, Expect *expect, const json_t *name) {
  for (int kind = 0; kind < KIND_COUNT; kind++) {
    if (json_is_string(name) && strcmp(json_string_value(name), kind_names[kind]) == 0) {
      if (!memchr(expect->kinds, kind, expect->kind_count))
        expect->kinds[expect->kind_count++] = (unsigned char)kind;
      return true;
    }
  }
  const char *problem = schema_about(v->arena, name, "is not a JSON Schema type");
  schema_fault(v, "type", arena_printf(v->arena, "the schema's type %s", problem));
  return false;
}

/* type: a kind name or a list of them. */
bool schema_check_type(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *type = json_object_get(schema, "type");
  if (!type)
    return true;
  Expect expect = {.kind_count = 0};
  if (json_is_array(type)) {
    for (size_t i = 0; i < json_array_size(type); i++)
      if (!add_kind(v, &expect, json_array_get(type, i)))
        return false;
  } else if (!add_kind(v, &expect, type)) {
    return false;
  }
  for (size_t i = 0; i < expect.kind_count; i++)
    if (schema_has_kind(instance, expect.kinds[i]))
      return true;
  schema_report(v, (Problem){.error = {.keyword = "type",
                                       .message = schema_must_be(v->arena, &expect, instance)},
                             .expect = expect});
  return false;
}

/* const and enum. */
bool schema_check_values(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = true;
  const json_t *constant = json_object_get(schema, "const");
  if (constant && !schema_same_value(constant, instance, 0)) {
    const json_t **values = arena_array(v->arena, 1, sizeof *values);
    values[0] = constant;
    Expect expect = {.values = values, .value_count = 1};
    schema_report(v, (Problem){.error = {.keyword = "const",
                                         .message = schema_must_be(v->arena, &expect, instance)},
                               .expect = expect});
    ok = false;
  }
  const json_t *options = json_object_get(schema, "enum");
  if (!options)
    return ok;
  if (!json_is_array(options) || json_array_size(options) == 0) {
    schema_fault(v, "enum", arena_strdup(v->arena, "the schema's enum is not a non-empty list"));
    return false;
  }
  size_t n = json_array_size(options);
  for (size_t i = 0; i < n; i++)
    if (schema_same_value(json_array_get(options, i), instance, 0))
      return ok;
  const json_t **values = arena_array(v->arena, n, sizeof *values);
  for (size_t i = 0; i < n; i++)
    values[i] = json_array_get(options, i);
  Expect expect = {.values = values, .value_count = n};
  schema_report(v, (Problem){.error = {.keyword = "enum",
                                       .message = schema_must_be(v->arena, &expect, instance)},
                             .expect = expect});
  return false;
}

/* ---- Strings ---- */

/* minLength and maxLength, in code points. */
static bool check_length(Validator *v, const json_t *schema, const json_t *instance) {
  size_t length = schema_code_points(json_string_value(instance), json_string_length(instance));
  size_t limit;
  bool ok = true;
  if (read_count(v, schema, "minLength", &limit) && length < limit) {
    char *rest = arena_printf(v->arena, "is shorter than %zu %s", limit,
                              plural(limit, "character", "characters"));
    schema_report_text(v, "minLength", schema_about(v->arena, instance, rest));
    ok = false;
  }
  if (read_count(v, schema, "maxLength", &limit) && length > limit) {
    char *rest = arena_printf(v->arena, "is longer than %zu %s (it has %zu)", limit,
                              plural(limit, "character", "characters"), length);
    schema_report_text(v, "maxLength", schema_about(v->arena, instance, rest));
    ok = false;
  }
  return ok;
}

static bool check_format(Validator *v, const json_t *schema, const json_t *instance) {
  const char *format = json_string_value(json_object_get(schema, "format"));
  if (!format)
    return true;
  const char *problem =
      schema_format_problem(format, json_string_value(instance), json_string_length(instance));
  if (!problem)
    return true;
  schema_report_text(v, "format", schema_about(v->arena, instance, problem));
  return false;
}

bool schema_check_string(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = check_length(v, schema, instance);
  ok = schema_check_pattern(v, schema, instance) && ok;
  return check_format(v, schema, instance) && ok;
}

/* ---- Numbers ---- */

/* minimum and maximum, both inclusive (draft-04's boolean exclusive forms are not used). */
bool schema_check_number(Validator *v, const json_t *schema, const json_t *instance) {
  static const char *const keywords[] = {"minimum", "maximum"};
  bool ok = true;
  for (int i = 0; i < 2; i++) {
    const json_t *limit = json_object_get(schema, keywords[i]);
    if (!limit)
      continue;
    if (!json_is_number(limit)) {
      schema_fault(v, keywords[i],
                   arena_printf(v->arena, "the schema's %s is not a number", keywords[i]));
      continue;
    }
    int order = schema_compare_numbers(instance, limit);
    if (i == 0 ? order >= 0 : order <= 0)
      continue;
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, i == 0 ? "must be at least " : "must be at most ");
    schema_put_value(&sb, limit, false);
    sb_puts(&sb, ", not ");
    schema_put_value(&sb, instance, false);
    schema_report_text(v, keywords[i], schema_finish(v->arena, &sb));
    ok = false;
  }
  return ok;
}

/* ---- Arrays ---- */

typedef struct Keyed {
  size_t hash;  /* value_hash of the item */
  size_t index; /* where it is in the array */
} Keyed;

static int by_hash_then_index(const void *a, const void *b) {
  const Keyed *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* uniqueItems: each item equal to an earlier one is reported at its own path, naming the first.
 * Items are sorted by hash so that only items with equal hashes are compared. */
static bool check_unique(Validator *v, const json_t *instance) {
  size_t n = json_array_size(instance);
  Keyed *keyed = arena_array(v->arena, n, sizeof *keyed);
  size_t *first = arena_array(v->arena, n, sizeof *first); /* SIZE_MAX: not a repeat */
  for (size_t i = 0; i < n; i++) {
    keyed[i] = (Keyed){schema_value_hash(json_array_get(instance, i), 0), i};
    first[i] = SIZE_MAX;
  }
  qsort(keyed, n, sizeof *keyed, by_hash_then_index);
  for (size_t run = 0; run < n; run++)
    for (size_t m = run; m > 0 && keyed[m - 1].hash == keyed[run].hash; m--) {
      size_t earlier = keyed[m - 1].index, later = keyed[run].index;
      if (first[earlier] == SIZE_MAX &&
          schema_same_value(json_array_get(instance, earlier), json_array_get(instance, later), 0))
        first[later] = earlier; /* the earliest equal item wins: it is met last */
    }
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    if (first[i] == SIZE_MAX)
      continue;
    size_t old = schema_push_index(v, i);
    char *rest = arena_printf(v->arena, "is a duplicate of item %zu", first[i]);
    schema_report_text(v, "uniqueItems", schema_about(v->arena, json_array_get(instance, i), rest));
    schema_pop(v, old);
    ok = false;
  }
  return ok;
}

/* minItems, maxItems, uniqueItems, items. */
bool schema_check_array(Validator *v, const json_t *schema, const json_t *instance) {
  size_t n = json_array_size(instance), limit;
  bool ok = true;
  if (read_count(v, schema, "minItems", &limit) && n < limit) {
    schema_report_text(v, "minItems",
                       arena_printf(v->arena, "must have at least %zu %s, not %zu", limit,
                                    plural(limit, "item", "items"), n));
    ok = false;
  }
  if (read_count(v, schema, "maxItems", &limit) && n > limit) {
    schema_report_text(v, "maxItems",
                       arena_printf(v->arena, "must have at most %zu %s, not %zu", limit,
                                    plural(limit, "item", "items"), n));
    ok = false;
  }
  if (json_is_true(json_object_get(schema, "uniqueItems")) && n > 1)
    ok = check_unique(v, instance) && ok;
  const json_t *items = json_object_get(schema, "items");
  if (json_is_array(items)) {
    schema_fault(v, "items",
                 arena_strdup(v->arena, "the schema's items is a list (tuple validation is "
                                        "not supported)"));
    return false;
  }
  for (size_t i = 0; items && i < n; i++) {
    size_t old = schema_push_index(v, i);
    ok = schema_validate(v, items, json_array_get(instance, i), "items") && ok;
    schema_pop(v, old);
  }
  return ok;
}

/* ---- Objects ---- */

static bool check_required(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *required = json_object_get(schema, "required");
  bool ok = true;
  for (size_t i = 0; i < json_array_size(required); i++) {
    const json_t *name = json_array_get(required, i);
    if (!json_is_string(name) ||
        json_object_getn(instance, json_string_value(name), json_string_length(name)))
      continue;
    schema_report(v, (Problem){.error = {.keyword = "required",
                                         .message = schema_about(v->arena, name, "is required")},
                               .missing = json_string_value(name)});
    ok = false;
  }
  return ok;
}

/* "'sevrity' is not an allowed property (allowed: title, level)": the list helps with typos. */
static void forbid(Validator *v, const json_t *properties, const char *key, size_t key_len) {
  StrBuf sb = STRBUF_INIT;
  sb_putc(&sb, '\'');
  schema_put_text(&sb, key, key_len, SHOWN_CHARS_MAX);
  sb_puts(&sb, "' is not an allowed property");
  size_t n = json_object_size(properties);
  if (n > 0 && n <= LISTED_NAMES_MAX) {
    const char *name;
    size_t name_len, i = 0;
    json_t *ignored;
    sb_puts(&sb, " (allowed: ");
    json_object_keylen_foreach((json_t *)properties, name, name_len, ignored) {
      sb_puts(&sb, i++ ? ", " : "");
      schema_put_text(&sb, name, name_len, SHOWN_CHARS_MAX);
    }
    (void)ignored;
    sb_putc(&sb, ')');
  }
  schema_report(v, (Problem){.error = {.keyword = "additionalProperties",
                                       .message = schema_finish(v->arena, &sb),
                                       .at_key = true}});
}

/* required, properties, additionalProperties; members are visited in the instance's order. */
bool schema_check_object(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = check_required(v, schema, instance);
  const json_t *properties = json_object_get(schema, "properties");
  const json_t *additional = json_object_get(schema, "additionalProperties");
  if (!json_is_object(properties))
    properties = NULL;
  const char *key;
  size_t key_len, position = 0;
  json_t *member;
  json_object_keylen_foreach((json_t *)instance, key, key_len, member) {
    const json_t *declared = properties ? json_object_getn(properties, key, key_len) : NULL;
    size_t old = schema_push_key(v, key, key_len, position++);
    if (declared) {
      ok = schema_validate(v, declared, member, "properties") && ok;
    } else if (json_is_false(additional)) {
      forbid(v, properties, key, key_len);
      ok = false;
    } else if (additional && !json_is_true(additional)) {
      ok = schema_validate(v, additional, member, "additionalProperties") && ok;
    }
    schema_pop(v, old);
  }
  return ok;
}
