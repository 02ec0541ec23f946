/* Join keys: doc-value semantics over JSON events. */
#include "eval/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ordering of doc values within one field: null first, then booleans, numbers, strings. */
static int part_rank(const json_t *v) {
  if (!v)
    return 0;
  if (json_is_boolean(v))
    return 1;
  if (json_is_number(v))
    return 2;
  return 3;
}

static int part_compare(const json_t *a, const json_t *b) {
  int ra = part_rank(a), rb = part_rank(b);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  switch (ra) {
  case 1:
    return json_is_true(a) - json_is_true(b);
  case 2: {
    double x = json_number_value(a), y = json_number_value(b);
    return x < y ? -1 : x > y;
  }
  case 3: {
    size_t la = json_string_length(a), lb = json_string_length(b);
    int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
    return c ? (c < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
  }
  default:
    return 0;
  }
}

static int qsort_parts(const void *a, const void *b) {
  return part_compare(*(const json_t *const *)a, *(const json_t *const *)b);
}

int join_key_compare(const JoinKey *a, const JoinKey *b) {
  for (size_t i = 0; i < a->count && i < b->count; i++) {
    int c = part_compare(a->parts[i], b->parts[i]);
    if (c)
      return c;
  }
  return a->count < b->count ? -1 : a->count > b->count;
}

const char *join_key_part_text(Arena *arena, const json_t *part) {
  if (!part)
    return "null";
  if (json_is_string(part))
    return arena_strndup(arena, json_string_value(part), json_string_length(part));
  if (json_is_integer(part))
    return arena_printf(arena, "%lld", (long long)json_integer_value(part));
  if (json_is_real(part))
    return arena_printf(arena, "%.17g", json_real_value(part));
  return json_is_true(part) ? "true" : "false";
}

/* The distinct values of one key field, sorted; a lone NULL for a null of an optional key. */
static size_t field_values(Arena *arena, const char *name, const Event *event,
                           const json_t ***out) {
  bool optional = name[0] == '?';
  const json_t *v = event_field(event, name + optional, false);
  size_t n = json_is_array(v) ? json_array_size(v) : 1;
  const json_t **values = arena_array(arena, n + 1, sizeof(json_t *));
  size_t count = 0;
  if (json_is_array(v)) {
    for (size_t i = 0; i < n; i++) {
      const json_t *item = json_array_get(v, i);
      if (json_is_string(item) || json_is_number(item) || json_is_boolean(item))
        values[count++] = item;
    }
  } else if (json_is_string(v) || json_is_number(v) || json_is_boolean(v)) {
    values[count++] = v;
  }
  qsort(values, count, sizeof *values, qsort_parts);
  size_t distinct = 0;
  for (size_t i = 0; i < count; i++)
    if (distinct == 0 || part_compare(values[distinct - 1], values[i]) != 0)
      values[distinct++] = values[i];
  if (distinct == 0 && optional)
    values[distinct++] = NULL; /* an optional key's null is a value */
  *out = values;
  return distinct;
}

static const char *key_text(Arena *arena, const json_t *const *parts, size_t count) {
  char *text = arena_strdup(arena, "");
  for (size_t i = 0; i < count; i++) {
    /* a type mark keeps the string "1", the number 1 and null apart */
    char mark = !parts[i]                   ? 'z'
                : json_is_string(parts[i])  ? 's'
                : json_is_boolean(parts[i]) ? 'b'
                                            : 'n';
    const char *value = parts[i] ? join_key_part_text(arena, parts[i]) : "";
    if (json_is_real(parts[i]) &&
        json_real_value(parts[i]) == (double)(long long)json_real_value(parts[i]))
      value = arena_printf(arena, "%lld", (long long)json_real_value(parts[i])); /* 1.0 is 1 */
    text = arena_printf(arena, "%s\x1f%c%s", text, mark, value);
  }
  return text;
}

void join_keys(Arena *arena, const IrQuery *q, const IrStep *step, const Event *event,
               JoinKeys *out) {
  size_t fields = q->by.count + step->by.count;
  const json_t ***values = arena_array(arena, fields + 1, sizeof(json_t **));
  size_t *counts = arena_array(arena, fields + 1, sizeof(size_t));
  size_t total = 1;
  for (size_t k = 0; k < fields; k++) {
    const char *name = k < q->by.count ? q->by.items[k] : step->by.items[k - q->by.count];
    counts[k] = field_values(arena, name, event, &values[k]);
    total *= counts[k];
    if (total == 0) {
      out->items = NULL;
      out->count = 0;
      return;
    }
  }
  /* the Cartesian product, the last field varying fastest: keys come out in key order */
  out->items = arena_array(arena, total, sizeof(JoinKey));
  out->count = total;
  for (size_t i = 0; i < total; i++) {
    const json_t **parts = arena_array(arena, fields + 1, sizeof(json_t *));
    size_t rest = i;
    for (size_t k = fields; k-- > 0;) {
      parts[k] = values[k][rest % counts[k]];
      rest /= counts[k];
    }
    out->items[i] = (JoinKey){parts, fields, key_text(arena, parts, fields)};
  }
}
