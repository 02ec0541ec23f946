/* JSON Schema validation: one recursive walk over schema and instance together, collecting
 * problems at the instance path where they occur.
 *
 * anyOf and oneOf branches are tried speculatively: each branch's problems are cut off the list
 * and set aside, and when no branch holds, the branch that got furthest into the value speaks for
 * all of them (explain_no_match). Faults of the schema itself (a pattern that does not compile, a
 * $ref that points nowhere, the depth limit) go to a second list that speculation never discards,
 * so a broken schema is reported even from inside a branch that lost.
 *
 * Patterns are ECMA-262 regular expressions run on PCRE2 (the evaluator's eval/regex speaks
 * Sigma's PCRE flavour and has no way to ask for ECMA's '$', '\u' and '[^]'). */
#include "lint/json_schema.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "base/hash.h"
#include "base/strbuf.h"
#include "base/utf8.h"

enum {
  NESTING_MAX = 200,         /* validate() calls on the stack: a $ref cycle or a deep value */
  EQUALITY_DEPTH_MAX = 1000, /* nesting that const, enum and uniqueItems compare */
  SHOWN_CHARS_MAX = 60,      /* code points of an instance value quoted in a message */
  LISTED_NAMES_MAX = 10,     /* a forbidden property's message lists the allowed ones up to this */
  PATTERN_MATCH_LIMIT = 1000000,
  PATTERN_DEPTH_LIMIT = 10000,
  PATTERN_HEAP_LIMIT_KIB = 20 * 1024,
};

/* ECMA-262 as far as PCRE2 goes: '$' only at the very end (not before a final newline), \uXXXX
 * and \u{X} escapes, '[^]' as any character, '.' stopping at CR and LF. Known differences: ECMA's
 * '.' also stops at U+2028 and U+2029, and PCRE2 10.42 refuses variable-length lookbehinds (an
 * error message, like any pattern that does not compile). \d and \w stay ASCII, as in ECMA.
 * A subject that is not UTF-8 cannot make a match fail with an error. */
static const uint32_t ECMA_OPTIONS = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
                                     PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS;

_Static_assert(sizeof(json_int_t) == 8, "number comparisons assume 64-bit jansson integers");

/* The names the type keyword knows; messages list merged kinds in the order they were met. */
typedef enum JsonKind {
  KIND_NULL,
  KIND_BOOLEAN,
  KIND_OBJECT,
  KIND_ARRAY,
  KIND_NUMBER,
  KIND_STRING,
  KIND_INTEGER, /* a number with no fractional part, 1.0 included */
  KIND_COUNT,
} JsonKind;

static const char *const kind_names[KIND_COUNT] = {"null",   "boolean", "object", "array",
                                                   "number", "string",  "integer"};
static const char *const kind_phrases[KIND_COUNT] = {
    "null", "a boolean", "an object", "an array", "a number", "a string", "an integer"};

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

/* A compiled pattern, cached by the schema string it came from. */
typedef struct Pattern {
  const json_t *source; /* the schema's "pattern" string: the key; NULL for a free slot */
  pcre2_code *code;     /* NULL when it does not compile */
  const char *fault;    /* why it does not compile, ready to report */
} Pattern;

typedef struct PatternCache {
  Pattern *slots; /* open addressing, capacity a power of two, at most half full */
  size_t capacity;
  size_t count;
} PatternCache;

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
                                    each segment but uniqueItems' is pushed under a validate() */
  size_t nesting;                /* validate() calls on the stack */
  PatternCache patterns;
  pcre2_compile_context *compile_context; /* newline convention and ECMA's \u{...} */
  pcre2_match_context *match_context;     /* the match limits */
  pcre2_match_data *match_data;           /* shared by every match of the call */
} Validator;

static bool validate(Validator *v, const json_t *schema, const json_t *instance, const char *via);

/* ---- Values: equality, hashing, comparison ---- */

/* Compares an integer with a real exactly: <0, 0, >0. */
static int compare_integer_real(json_int_t i, double r) {
  if (r >= 9223372036854775808.0)
    return -1;
  if (r < -9223372036854775808.0)
    return 1;
  double whole = floor(r);
  json_int_t w = (json_int_t)whole;
  if (i != w)
    return i < w ? -1 : 1;
  return whole < r ? -1 : 0;
}

/* Compares two JSON numbers by value, as JSON Schema does (1 and 1.0 are equal). */
static int compare_numbers(const json_t *a, const json_t *b) {
  if (json_is_integer(a) && json_is_integer(b)) {
    json_int_t x = json_integer_value(a), y = json_integer_value(b);
    return (x > y) - (x < y);
  }
  if (json_is_real(a) && json_is_real(b)) {
    double x = json_real_value(a), y = json_real_value(b);
    return (x > y) - (x < y);
  }
  if (json_is_integer(a))
    return compare_integer_real(json_integer_value(a), json_real_value(b));
  return -compare_integer_real(json_integer_value(b), json_real_value(a));
}

/* JSON equality: numbers by value, objects regardless of member order. Past the depth limit
 * values count as different, which can only hide a duplicate, never invent one. */
static bool same_value(const json_t *a, const json_t *b, size_t depth) {
  if (depth > EQUALITY_DEPTH_MAX)
    return false;
  if (json_is_number(a) && json_is_number(b))
    return compare_numbers(a, b) == 0;
  if (json_typeof(a) != json_typeof(b))
    return false;
  switch (json_typeof(a)) {
  case JSON_STRING:
    return json_string_length(a) == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
  case JSON_ARRAY:
    if (json_array_size(a) != json_array_size(b))
      return false;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!same_value(json_array_get(a, i), json_array_get(b, i), depth + 1))
        return false;
    return true;
  case JSON_OBJECT: {
    if (json_object_size(a) != json_object_size(b))
      return false;
    const char *key;
    size_t key_len;
    json_t *member;
    json_object_keylen_foreach((json_t *)a, key, key_len, member) {
      const json_t *other = json_object_getn(b, key, key_len);
      if (!other || !same_value(member, other, depth + 1))
        return false;
    }
    return true;
  }
  case JSON_INTEGER:
  case JSON_REAL: /* compared above */
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
    return true;
  }
  return false;
}

static size_t hash_number(double d) {
  if (d == 0)
    d = 0; /* -0.0 equals 0.0 */
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return (size_t)(bits ^ (bits >> 31)) * 0x9E3779B97F4A7C15u;
}

/* A hash that agrees with same_value: equal values hash alike (1 and 1.0 included). */
static size_t value_hash(const json_t *value, size_t depth) {
  if (depth > EQUALITY_DEPTH_MAX)
    return 0;
  size_t hash = 0;
  switch (json_typeof(value)) {
  case JSON_OBJECT: {
    const char *key;
    size_t key_len;
    json_t *member;
    json_object_keylen_foreach((json_t *)value, key, key_len, member) {
      hash += hash_bytes(key, key_len) * 31 + value_hash(member, depth + 1); /* order-free */
    }
    return hash ^ 0x0B;
  }
  case JSON_ARRAY:
    for (size_t i = 0; i < json_array_size(value); i++)
      hash = hash * 31 + value_hash(json_array_get(value, i), depth + 1);
    return hash ^ 0xA7;
  case JSON_STRING:
    return hash_bytes(json_string_value(value), json_string_length(value));
  case JSON_INTEGER:
    return hash_number((double)json_integer_value(value));
  case JSON_REAL:
    return hash_number(json_real_value(value));
  case JSON_TRUE:
    return 1;
  case JSON_FALSE:
    return 2;
  case JSON_NULL:
    return 3;
  }
  return 0;
}

static bool has_kind(const json_t *instance, JsonKind kind) {
  switch (kind) {
  case KIND_NULL:
    return json_is_null(instance);
  case KIND_BOOLEAN:
    return json_is_boolean(instance);
  case KIND_OBJECT:
    return json_is_object(instance);
  case KIND_ARRAY:
    return json_is_array(instance);
  case KIND_NUMBER:
    return json_is_number(instance);
  case KIND_STRING:
    return json_is_string(instance);
  case KIND_INTEGER:
    return json_is_integer(instance) ||
           (json_is_real(instance) &&
            json_real_value(instance) == floor(json_real_value(instance)));
  case KIND_COUNT:
    break;
  }
  return false;
}

/* ---- Text of messages ---- */

/* Code points that must not reach a terminal raw: C0 and C1 controls, DEL, line and paragraph
 * separators, and the bidirectional overrides that can make text read other than it is. */
static bool needs_escape(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x200E ||
         c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static uint32_t decode(const char *text, size_t n) {
  const unsigned char *p = (const unsigned char *)text;
  uint32_t c = n == 1 ? p[0] : n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
  for (size_t i = 1; i < n; i++)
    c = (c << 6) | (p[i] & 0x3Fu);
  return c;
}

/* Writes text[0..len) with control characters escaped (\n, \t, \r, \u001b; bytes that are not
 * UTF-8 as \xff), cut after max_chars code points with "...". */
static void put_text(StrBuf *sb, const char *text, size_t len, size_t max_chars) {
  size_t shown = 0;
  for (size_t i = 0; i < len; shown++) {
    if (shown == max_chars) {
      sb_puts(sb, "...");
      return;
    }
    size_t n = utf8_sequence_length(text + i, len - i);
    if (n == 0) {
      sb_printf(sb, "\\x%02x", (unsigned char)text[i++]);
      continue;
    }
    uint32_t c = decode(text + i, n);
    if (c == '\n' || c == '\t' || c == '\r')
      sb_printf(sb, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
    else if (needs_escape(c))
      sb_printf(sb, "\\u%04x", (unsigned)c);
    else
      sb_putn(sb, text + i, n);
    i += n;
  }
}

/* The shortest %g form that reads back as the same double. */
static void put_real(StrBuf *sb, double d) {
  char text[32];
  for (int precision = 15; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*g", precision, d);
    if (strtod(text, NULL) == d)
      break;
  }
  sb_puts(sb, text);
}

/* Writes a value for a message: strings as they are (in quotes when quoted), cut and escaped;
 * anything else as compact JSON. */
static void put_value(StrBuf *sb, const json_t *value, bool quoted) {
  switch (json_typeof(value)) {
  case JSON_STRING:
    if (quoted)
      sb_putc(sb, '\'');
    put_text(sb, json_string_value(value), json_string_length(value), SHOWN_CHARS_MAX);
    if (quoted)
      sb_putc(sb, '\'');
    return;
  case JSON_INTEGER:
    sb_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    return;
  case JSON_REAL:
    put_real(sb, json_real_value(value));
    return;
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
  case JSON_ARRAY:
  case JSON_OBJECT: {
    char *json = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    if (json)
      put_text(sb, json, strlen(json), SHOWN_CHARS_MAX);
    free(json);
    return;
  }
  }
}

/* Writes the separator before item i of n in a list read as "a, b or c". */
static void put_separator(StrBuf *sb, size_t i, size_t n, const char *last) {
  if (i > 0)
    sb_puts(sb, i + 1 == n ? last : ", ");
}

/* Writes what the instance is, for "..., not <it>". */
static void put_kind_of(StrBuf *sb, const json_t *instance, const Expect *expect) {
  bool wants_integer = memchr(expect->kinds, KIND_INTEGER, expect->kind_count) != NULL;
  switch (json_typeof(instance)) {
  case JSON_OBJECT:
    sb_puts(sb, "an object");
    return;
  case JSON_ARRAY:
    sb_puts(sb, "an array");
    return;
  case JSON_STRING:
    sb_puts(sb, "a string");
    return;
  case JSON_TRUE:
  case JSON_FALSE:
    sb_puts(sb, "a boolean");
    return;
  case JSON_NULL:
    sb_puts(sb, "null");
    return;
  case JSON_INTEGER:
  case JSON_REAL:
    if (wants_integer) /* it is a number, just not a whole one: show it */
      put_value(sb, instance, false);
    else
      sb_puts(sb, "a number");
    return;
  }
}

/* "must be a string or an array, not a number", "must be one of: a, b", "must be 'x'". */
static void put_must_be(StrBuf *sb, const Expect *expect, const json_t *instance) {
  sb_puts(sb, "must be ");
  for (size_t i = 0; i < expect->kind_count; i++) {
    put_separator(sb, i, expect->kind_count, " or ");
    sb_puts(sb, kind_phrases[expect->kinds[i]]);
  }
  if (expect->value_count == 1 && expect->kind_count == 0) {
    put_value(sb, expect->values[0], true);
    return;
  }
  if (expect->value_count) {
    sb_puts(sb, expect->kind_count ? " or one of: " : "one of: ");
    for (size_t i = 0; i < expect->value_count; i++) {
      sb_puts(sb, i ? ", " : "");
      put_value(sb, expect->values[i], false);
    }
    return;
  }
  sb_puts(sb, ", not ");
  put_kind_of(sb, instance, expect);
}

/* Moves a finished message into the arena. */
static char *finish(Validator *v, StrBuf *sb) {
  char *text = arena_strndup(v->arena, sb_text(sb), sb->len);
  sb_free(sb);
  return text;
}

static char *must_be(Validator *v, const Expect *expect, const json_t *instance) {
  StrBuf sb = STRBUF_INIT;
  put_must_be(&sb, expect, instance);
  return finish(v, &sb);
}

/* ---- Problems and the instance path ---- */

static bool same_problem(const Problem *a, const Problem *b) {
  return a->key == b->key && a->depth == b->depth && a->error.at_key == b->error.at_key &&
         strcmp(a->error.path, b->error.path) == 0 &&
         strcmp(a->error.keyword, b->error.keyword) == 0 &&
         strcmp(a->error.message, b->error.message) == 0;
}

static void append(Arena *arena, Problems *list, const Problem *p) {
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : 16;
    list->items = arena_grow(arena, list->items, list->count, capacity, sizeof *list->items);
    list->capacity = capacity;
  }
  list->items[list->count++] = *p;
}

/* Adds p to the found list unless found[floor..] has it already. */
static void add_problem(Validator *v, Problem p) {
  p.key = hash_text(p.error.path) ^ hash_text(p.error.keyword) * 31 ^ hash_text(p.error.message);
  for (size_t i = v->floor; i < v->found.count; i++)
    if (same_problem(&v->found.items[i], &p))
      return;
  append(v->arena, &v->found, &p);
}

/* Reports a problem with the value at the current path. */
static void report(Validator *v, Problem p) {
  p.error.path = arena_strndup(v->arena, sb_text(&v->path), v->path.len);
  p.depth = v->depth;
  size_t *trail = arena_array(v->arena, v->depth, sizeof *trail);
  if (v->depth)
    memcpy(trail, v->trail, v->depth * sizeof *trail);
  p.trail = trail;
  add_problem(v, p);
}

static void report_text(Validator *v, const char *keyword, const char *message) {
  report(v, (Problem){.error = {.keyword = keyword, .message = message}});
}

/* Reports a fault of the schema, once per message, at the first path that met it. */
static void fault(Validator *v, const char *keyword, const char *message) {
  for (size_t i = 0; i < v->faults.count; i++)
    if (strcmp(v->faults.items[i].error.message, message) == 0)
      return;
  Problem p = {.error = {.keyword = keyword, .message = message}, .depth = v->depth};
  p.error.path = arena_strndup(v->arena, sb_text(&v->path), v->path.len);
  append(v->arena, &v->faults, &p);
}

/* Appends the segment of the member at position in its object (~ and / escaped); returns the
 * length to pop back to. */
static size_t push_key(Validator *v, const char *key, size_t len, size_t position) {
  size_t old = v->path.len;
  v->trail[v->depth] = position;
  sb_putc(&v->path, '/');
  for (size_t i = 0; i < len; i++) {
    if (key[i] == '~' || key[i] == '/')
      sb_puts(&v->path, key[i] == '~' ? "~0" : "~1");
    else
      sb_putc(&v->path, key[i]);
  }
  v->depth++;
  return old;
}

static size_t push_index(Validator *v, size_t index) {
  size_t old = v->path.len;
  v->trail[v->depth] = index;
  sb_printf(&v->path, "/%zu", index);
  v->depth++;
  return old;
}

static void pop(Validator *v, size_t old) {
  v->path.len = old;
  v->path.data[old] = '\0';
  v->depth--;
}

/* ---- Schema numbers ---- */

/* Reads a count keyword (minLength, maxItems, ...): false when absent; a value that is not a
 * whole number >= 0 is a fault and counts as absent. */
static bool schema_count(Validator *v, const json_t *schema, const char *keyword, size_t *out) {
  const json_t *value = json_object_get(schema, keyword);
  if (!value)
    return false;
  double d = json_number_value(value);
  if (!json_is_number(value) || d < 0 || d != floor(d) || d > 1e15) {
    fault(v, keyword, arena_printf(v->arena, "the schema's %s is not a count", keyword));
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
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "the schema's type ");
  put_value(&sb, name, true);
  sb_puts(&sb, " is not a JSON Schema type");
  fault(v, "type", finish(v, &sb));
  return false;
}

/* type: a kind name or a list of them. */
static bool check_type(Validator *v, const json_t *schema, const json_t *instance) {
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
    if (has_kind(instance, expect.kinds[i]))
      return true;
  report(v, (Problem){.error = {.keyword = "type", .message = must_be(v, &expect, instance)},
                      .expect = expect});
  return false;
}

/* const and enum. */
static bool check_values(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = true;
  const json_t *constant = json_object_get(schema, "const");
  if (constant && !same_value(constant, instance, 0)) {
    const json_t **values = arena_array(v->arena, 1, sizeof *values);
    values[0] = constant;
    Expect expect = {.values = values, .value_count = 1};
    report(v, (Problem){.error = {.keyword = "const", .message = must_be(v, &expect, instance)},
                        .expect = expect});
    ok = false;
  }
  const json_t *options = json_object_get(schema, "enum");
  if (!options)
    return ok;
  if (!json_is_array(options) || json_array_size(options) == 0) {
    fault(v, "enum", arena_strdup(v->arena, "the schema's enum is not a non-empty list"));
    return false;
  }
  size_t n = json_array_size(options);
  for (size_t i = 0; i < n; i++)
    if (same_value(json_array_get(options, i), instance, 0))
      return ok;
  const json_t **values = arena_array(v->arena, n, sizeof *values);
  for (size_t i = 0; i < n; i++)
    values[i] = json_array_get(options, i);
  Expect expect = {.values = values, .value_count = n};
  report(v, (Problem){.error = {.keyword = "enum", .message = must_be(v, &expect, instance)},
                      .expect = expect});
  return false;
}

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

/* ---- Strings: lengths, pattern, format ---- */

static size_t code_points(const char *text, size_t len) {
  size_t count = 0;
  for (size_t i = 0; i < len; count++) {
    size_t n = utf8_sequence_length(text + i, len - i);
    i += n ? n : 1; /* a byte that is not UTF-8 counts as one */
  }
  return count;
}

/* "'<value>' <rest>", the value quoted, cut and escaped. */
static char *about(Validator *v, const json_t *instance, const char *rest) {
  StrBuf sb = STRBUF_INIT;
  put_value(&sb, instance, true);
  sb_putc(&sb, ' ');
  sb_puts(&sb, rest);
  return finish(v, &sb);
}

/* minLength and maxLength, in code points. */
static bool check_length(Validator *v, const json_t *schema, const json_t *instance) {
  size_t length = code_points(json_string_value(instance), json_string_length(instance));
  size_t limit;
  bool ok = true;
  if (schema_count(v, schema, "minLength", &limit) && length < limit) {
    char *rest = arena_printf(v->arena, "is shorter than %zu %s", limit,
                              plural(limit, "character", "characters"));
    report_text(v, "minLength", about(v, instance, rest));
    ok = false;
  }
  if (schema_count(v, schema, "maxLength", &limit) && length > limit) {
    char *rest = arena_printf(v->arena, "is longer than %zu %s (it has %zu)", limit,
                              plural(limit, "character", "characters"), length);
    report_text(v, "maxLength", about(v, instance, rest));
    ok = false;
  }
  return ok;
}

static uint32_t pointer_hash(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  return (uint32_t)((x >> 4) * 0x9E3779B97F4A7C15u >> 32);
}

static Pattern *find_slot(Pattern *slots, size_t capacity, const json_t *source) {
  size_t i = pointer_hash(source) & (capacity - 1);
  while (slots[i].source && slots[i].source != source)
    i = (i + 1) & (capacity - 1);
  return &slots[i];
}

static void grow_patterns(Validator *v) {
  PatternCache *cache = &v->patterns;
  size_t capacity = cache->capacity ? 2 * cache->capacity : 16;
  Pattern *slots = arena_array(v->arena, capacity, sizeof *slots);
  for (size_t i = 0; i < cache->capacity; i++)
    if (cache->slots[i].source)
      *find_slot(slots, capacity, cache->slots[i].source) = cache->slots[i];
  cache->slots = slots;
  cache->capacity = capacity;
}

static void compile_pattern(Validator *v, Pattern *slot) {
  int code;
  PCRE2_SIZE offset;
  const json_t *source = slot->source;
  slot->code = pcre2_compile((PCRE2_SPTR)json_string_value(source), json_string_length(source),
                             ECMA_OPTIONS, &code, &offset, v->compile_context);
  if (slot->code)
    return;
  PCRE2_UCHAR reason[256];
  if (pcre2_get_error_message(code, reason, sizeof reason) < 0)
    snprintf((char *)reason, sizeof reason, "PCRE2 error %d", code);
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "the schema's pattern '");
  put_text(&sb, json_string_value(source), json_string_length(source), SIZE_MAX);
  sb_printf(&sb, "' does not compile: %s (at offset %zu)", (const char *)reason, (size_t)offset);
  slot->fault = finish(v, &sb);
}

/* The compiled pattern of a schema string, compiled on first use. */
static Pattern *pattern_for(Validator *v, const json_t *source) {
  PatternCache *cache = &v->patterns;
  if (2 * (cache->count + 1) > cache->capacity)
    grow_patterns(v);
  Pattern *slot = find_slot(cache->slots, cache->capacity, source);
  if (!slot->source) {
    slot->source = source;
    cache->count++;
    compile_pattern(v, slot);
  }
  return slot;
}

/* pattern: an unanchored ECMA-262 search. */
static bool check_pattern(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *source = json_object_get(schema, "pattern");
  if (!source)
    return true;
  if (!json_is_string(source)) {
    fault(v, "pattern", arena_strdup(v->arena, "the schema's pattern is not a string"));
    return false;
  }
  Pattern *pattern = pattern_for(v, source);
  if (!pattern->code) {
    fault(v, "pattern", pattern->fault);
    return false;
  }
  int rc = pcre2_match(pattern->code, (PCRE2_SPTR)json_string_value(instance),
                       json_string_length(instance), 0, 0, v->match_data, v->match_context);
  if (rc >= 0)
    return true;
  StrBuf sb = STRBUF_INIT;
  put_value(&sb, instance, true);
  sb_puts(&sb, rc == PCRE2_ERROR_NOMATCH ? " does not match " : " could not be matched with ");
  put_text(&sb, json_string_value(source), json_string_length(source), SIZE_MAX);
  if (rc == PCRE2_ERROR_NOMATCH) {
    report_text(v, "pattern", finish(v, &sb));
    return false;
  }
  PCRE2_UCHAR reason[256];
  if (pcre2_get_error_message(rc, reason, sizeof reason) > 0)
    sb_printf(&sb, ": %s", (const char *)reason);
  fault(v, "pattern", finish(v, &sb)); /* the limit says nothing about the value */
  return false;
}

static bool all_digits(const char *text, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

static int two_digits(const char *text) { return (text[0] - '0') * 10 + (text[1] - '0'); }

/* full-date = date-fullyear "-" date-month "-" date-mday   (RFC 3339), a real calendar day */
static bool is_date(const char *text, size_t len) {
  if (len != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text, 4) ||
      !all_digits(text + 5, 2) || !all_digits(text + 8, 2))
    return false;
  int year = atoi(text), month = two_digits(text + 5), day = two_digits(text + 8);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1)
    return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap);
}

/* time-numoffset = ("+" / "-") time-hour ":" time-minute; sets *minutes east of UTC. */
static bool is_offset(const char *text, size_t len, int *minutes) {
  if (len == 1 && (text[0] == 'Z' || text[0] == 'z')) {
    *minutes = 0;
    return true;
  }
  if (len != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' ||
      !all_digits(text + 1, 2) || !all_digits(text + 4, 2))
    return false;
  int hour = two_digits(text + 1), minute = two_digits(text + 4);
  *minutes = (text[0] == '-' ? -1 : 1) * (hour * 60 + minute);
  return hour <= 23 && minute <= 59;
}

/* date-time = full-date "T" partial-time time-offset   (RFC 3339; T and Z in either case)
 * partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
 * A leap second (:60) is allowed only where UTC is 23:59. */
static bool is_date_time(const char *text, size_t len) {
  if (len < 20 || !is_date(text, 10) || (text[10] != 'T' && text[10] != 't'))
    return false;
  const char *t = text + 11;
  if (t[2] != ':' || t[5] != ':' || !all_digits(t, 2) || !all_digits(t + 3, 2) ||
      !all_digits(t + 6, 2))
    return false;
  int hour = two_digits(t), minute = two_digits(t + 3), second = two_digits(t + 6);
  size_t at = 19;
  if (text[at] == '.') {
    size_t digits = 0;
    while (at + 1 + digits < len && all_digits(text + at + 1 + digits, 1))
      digits++;
    if (digits == 0)
      return false;
    at += 1 + digits;
  }
  int offset;
  if (!is_offset(text + at, len - at, &offset) || hour > 23 || minute > 59 || second > 60)
    return false;
  int utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440;
  return second < 60 || utc == 23 * 60 + 59;
}

static bool is_hex(const char *text, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (hex_digit_value(text[i]) < 0)
      return false;
  return true;
}

/* 8-4-4-4-12 hexadecimal digits, either case. */
static bool is_uuid(const char *text, size_t len) {
  return len == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-' &&
         is_hex(text, 8) && is_hex(text + 9, 4) && is_hex(text + 14, 4) && is_hex(text + 19, 4) &&
         is_hex(text + 24, 12);
}

/* No space, no C0 or C1 control character and no DEL: what every URI reference avoids. */
static bool is_uri_reference(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c <= 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] < 0xA0))
      return false;
  }
  return true;
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' (RFC 3986): a URI is absolute. */
static bool is_uri(const char *text, size_t len) {
  size_t i = 0;
  while (i < len && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
                     (i > 0 && ((text[i] >= '0' && text[i] <= '9') || text[i] == '+' ||
                                text[i] == '-' || text[i] == '.'))))
    i++;
  return i > 0 && i < len && text[i] == ':' && is_uri_reference(text, len);
}

/* The formats asserted: X(name, check, what a failing value is not). Others are annotations. */
#define SCHEMA_FORMATS(X)                                                                          \
  X("uuid", is_uuid, "is not a uuid (8-4-4-4-12 hex digits)")                                      \
  X("date", is_date, "is not a date (YYYY-MM-DD)")                                                 \
  X("date-time", is_date_time, "is not a date-time (RFC 3339, like 2024-01-31T12:00:00Z)")         \
  X("uri", is_uri, "is not a URI (a scheme like 'https:' first, no spaces)")                       \
  X("uri-reference", is_uri_reference,                                                             \
    "is not a URI reference (it holds a space or a control "                                       \
    "character)")

static bool check_format(Validator *v, const json_t *schema, const json_t *instance) {
  const char *format = json_string_value(json_object_get(schema, "format"));
  if (!format)
    return true;
  const char *text = json_string_value(instance);
  size_t len = json_string_length(instance);
#define CHECK_FORMAT(name, check, problem)                                                         \
  if (strcmp(format, name) == 0) {                                                                 \
    if (check(text, len))                                                                          \
      return true;                                                                                 \
    report_text(v, "format", about(v, instance, problem));                                         \
    return false;                                                                                  \
  }
  SCHEMA_FORMATS(CHECK_FORMAT)
#undef CHECK_FORMAT
  return true;
}

static bool check_string(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = check_length(v, schema, instance);
  ok = check_pattern(v, schema, instance) && ok;
  return check_format(v, schema, instance) && ok;
}

/* ---- Numbers ---- */

/* minimum and maximum, both inclusive (draft-04's boolean exclusive forms are not used). */
static bool check_number(Validator *v, const json_t *schema, const json_t *instance) {
  static const char *const keywords[] = {"minimum", "maximum"};
  bool ok = true;
  for (int i = 0; i < 2; i++) {
    const json_t *limit = json_object_get(schema, keywords[i]);
    if (!limit)
      continue;
    if (!json_is_number(limit)) {
      fault(v, keywords[i], arena_printf(v->arena, "the schema's %s is not a number", keywords[i]));
      continue;
    }
    int order = compare_numbers(instance, limit);
    if (i == 0 ? order >= 0 : order <= 0)
      continue;
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, i == 0 ? "must be at least " : "must be at most ");
    put_value(&sb, limit, false);
    sb_puts(&sb, ", not ");
    put_value(&sb, instance, false);
    report_text(v, keywords[i], finish(v, &sb));
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
    keyed[i] = (Keyed){value_hash(json_array_get(instance, i), 0), i};
    first[i] = SIZE_MAX;
  }
  qsort(keyed, n, sizeof *keyed, by_hash_then_index);
  for (size_t run = 0; run < n; run++)
    for (size_t m = run; m > 0 && keyed[m - 1].hash == keyed[run].hash; m--) {
      size_t earlier = keyed[m - 1].index, later = keyed[run].index;
      if (first[earlier] == SIZE_MAX &&
          same_value(json_array_get(instance, earlier), json_array_get(instance, later), 0))
        first[later] = earlier; /* the earliest equal item wins: it is met last */
    }
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    if (first[i] == SIZE_MAX)
      continue;
    size_t old = push_index(v, i);
    char *rest = arena_printf(v->arena, "is a duplicate of item %zu", first[i]);
    report_text(v, "uniqueItems", about(v, json_array_get(instance, i), rest));
    pop(v, old);
    ok = false;
  }
  return ok;
}

/* minItems, maxItems, uniqueItems, items. */
static bool check_array(Validator *v, const json_t *schema, const json_t *instance) {
  size_t n = json_array_size(instance), limit;
  bool ok = true;
  if (schema_count(v, schema, "minItems", &limit) && n < limit) {
    report_text(v, "minItems",
                arena_printf(v->arena, "must have at least %zu %s, not %zu", limit,
                             plural(limit, "item", "items"), n));
    ok = false;
  }
  if (schema_count(v, schema, "maxItems", &limit) && n > limit) {
    report_text(v, "maxItems",
                arena_printf(v->arena, "must have at most %zu %s, not %zu", limit,
                             plural(limit, "item", "items"), n));
    ok = false;
  }
  if (json_is_true(json_object_get(schema, "uniqueItems")) && n > 1)
    ok = check_unique(v, instance) && ok;
  const json_t *items = json_object_get(schema, "items");
  if (json_is_array(items)) {
    fault(v, "items",
          arena_strdup(v->arena, "the schema's items is a list (tuple validation is "
                                 "not supported)"));
    return false;
  }
  for (size_t i = 0; items && i < n; i++) {
    size_t old = push_index(v, i);
    ok = validate(v, items, json_array_get(instance, i), "items") && ok;
    pop(v, old);
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
    report(v, (Problem){.error = {.keyword = "required", .message = about(v, name, "is required")},
                        .missing = json_string_value(name)});
    ok = false;
  }
  return ok;
}

/* "'sevrity' is not an allowed property (allowed: title, level)": the list helps with typos. */
static void forbid(Validator *v, const json_t *properties, const char *key, size_t key_len) {
  StrBuf sb = STRBUF_INIT;
  sb_putc(&sb, '\'');
  put_text(&sb, key, key_len, SHOWN_CHARS_MAX);
  sb_puts(&sb, "' is not an allowed property");
  size_t n = json_object_size(properties);
  if (n > 0 && n <= LISTED_NAMES_MAX) {
    const char *name;
    size_t name_len, i = 0;
    json_t *ignored;
    sb_puts(&sb, " (allowed: ");
    json_object_keylen_foreach((json_t *)properties, name, name_len, ignored) {
      sb_puts(&sb, i++ ? ", " : "");
      put_text(&sb, name, name_len, SHOWN_CHARS_MAX);
    }
    (void)ignored;
    sb_putc(&sb, ')');
  }
  report(v, (Problem){.error = {.keyword = "additionalProperties",
                                .message = finish(v, &sb),
                                .at_key = true}});
}

/* required, properties, additionalProperties; members are visited in the instance's order. */
static bool check_object(Validator *v, const json_t *schema, const json_t *instance) {
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
    size_t old = push_key(v, key, key_len, position++);
    if (declared) {
      ok = validate(v, declared, member, "properties") && ok;
    } else if (json_is_false(additional)) {
      forbid(v, properties, key, key_len);
      ok = false;
    } else if (additional && !json_is_true(additional)) {
      ok = validate(v, additional, member, "additionalProperties") && ok;
    }
    pop(v, old);
  }
  return ok;
}

static bool check_by_kind(Validator *v, const json_t *schema, const json_t *instance) {
  switch (json_typeof(instance)) {
  case JSON_STRING:
    return check_string(v, schema, instance);
  case JSON_INTEGER:
  case JSON_REAL:
    return check_number(v, schema, instance);
  case JSON_ARRAY:
    return check_array(v, schema, instance);
  case JSON_OBJECT:
    return check_object(v, schema, instance);
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
    return true;
  }
  return true;
}

/* ---- anyOf, oneOf, allOf, if ---- */

/* Validates a branch speculatively: its problems are cut off the found list into *cut. */
static bool try_branch(Validator *v, const json_t *schema, const json_t *instance, const char *via,
                       Problems *cut) {
  size_t start = v->found.count, outer_floor = v->floor;
  v->floor = start;
  bool ok = validate(v, schema, instance, via);
  cut->count = cut->capacity = v->found.count - start;
  cut->items = arena_array(v->arena, cut->count, sizeof *cut->items);
  if (cut->count)
    memcpy(cut->items, v->found.items + start, cut->count * sizeof *cut->items);
  v->found.count = start;
  v->floor = outer_floor;
  return ok;
}

static bool has_expect(const Problem *p) { return p->expect.kind_count || p->expect.value_count; }

/* How far a failing branch got into the value at depth: 0 when it rejects the value's kind (a
 * type, const or enum problem at the value itself) or failed only on a schema fault; 1 when it
 * takes the kind but fails at the value itself (a missing property, a pattern); 1 + k when
 * every problem is k levels deeper. */
static size_t branch_rank(const Problems *cut, size_t depth) {
  size_t least = SIZE_MAX;
  for (size_t i = 0; i < cut->count; i++) {
    const Problem *p = &cut->items[i];
    if (p->depth == depth && has_expect(p))
      return 0;
    if (p->depth < least)
      least = p->depth;
  }
  return least == SIZE_MAX ? 0 : 1 + (least - depth);
}

/* Adds the branch's expectation at depth (values preferred to kinds) into merged. */
static void merge_expect(Validator *v, Expect *merged, const Problems *cut, size_t depth) {
  const Expect *best = NULL;
  for (size_t i = 0; i < cut->count; i++) {
    const Problem *p = &cut->items[i];
    if (p->depth == depth && has_expect(p) &&
        (!best || (!best->value_count && p->expect.value_count)))
      best = &p->expect;
  }
  if (!best)
    return;
  for (size_t i = 0; i < best->kind_count; i++)
    if (!memchr(merged->kinds, best->kinds[i], merged->kind_count))
      merged->kinds[merged->kind_count++] = best->kinds[i];
  const json_t **values =
      arena_array(v->arena, merged->value_count + best->value_count, sizeof *values);
  if (merged->value_count)
    memcpy(values, merged->values, merged->value_count * sizeof *values);
  for (size_t i = 0; i < best->value_count; i++) {
    bool seen = false;
    for (size_t j = 0; j < merged->value_count && !seen; j++)
      seen = same_value(values[j], best->values[i], 0);
    if (!seen)
      values[merged->value_count++] = best->values[i];
  }
  merged->values = values;
}

/* Every branch rejects the value's kind: one problem listing what it could have been. */
static void summarise_kinds(Validator *v, const char *keyword, const Problems *cuts, size_t n,
                            const json_t *instance) {
  Expect merged = {.kind_count = 0};
  for (size_t i = 0; i < n; i++)
    merge_expect(v, &merged, &cuts[i], v->depth);
  char *message = merged.kind_count || merged.value_count
                      ? must_be(v, &merged, instance)
                      : arena_strdup(v->arena, "matches none of the allowed forms");
  report(v, (Problem){.error = {.keyword = keyword, .message = message}, .expect = merged});
}

/* True when every problem of the branch is a missing property of the value itself. */
static bool only_missing(const Problems *cut, size_t depth) {
  for (size_t i = 0; i < cut->count; i++)
    if (!cut->items[i].missing || cut->items[i].depth != depth)
      return false;
  return cut->count > 0;
}

/* Branches that differ only in what they require: "must have 'text' or 'id'". */
static void summarise_missing(Validator *v, const char *keyword, const Problems *cuts,
                              const bool *tied, size_t n) {
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "must have ");
  size_t count = 0, i_th = 0;
  for (size_t i = 0; i < n; i++)
    count += tied[i];
  for (size_t i = 0; i < n; i++) {
    if (!tied[i])
      continue;
    put_separator(&sb, i_th++, count, " or ");
    for (size_t j = 0; j < cuts[i].count; j++) {
      put_separator(&sb, j, cuts[i].count, " and ");
      sb_putc(&sb, '\'');
      put_text(&sb, cuts[i].items[j].missing, strlen(cuts[i].items[j].missing), SHOWN_CHARS_MAX);
      sb_putc(&sb, '\'');
    }
  }
  report_text(v, keyword, finish(v, &sb));
}

/* No branch holds. The branch that got furthest speaks (its own problems are reported); when
 * all reject the value's kind, one summary says what it should be; when several tie, they are
 * summarised if they only differ in required names, else the first speaks. */
static void explain_no_match(Validator *v, const char *keyword, const Problems *cuts, size_t n,
                             const json_t *instance) {
  size_t best = 0, top = 0, ties = 0;
  bool *tied = arena_array(v->arena, n, sizeof *tied);
  for (size_t i = 0; i < n; i++) {
    size_t rank = branch_rank(&cuts[i], v->depth);
    if (i == 0 || rank > top) {
      best = i, top = rank, ties = 0;
      memset(tied, 0, n * sizeof *tied);
    }
    if (rank == top)
      tied[i] = true, ties++;
  }
  if (top == 0) {
    summarise_kinds(v, keyword, cuts, n, instance);
    return;
  }
  bool all_missing = ties > 1;
  for (size_t i = 0; i < n && all_missing; i++)
    all_missing = !tied[i] || only_missing(&cuts[i], v->depth);
  if (all_missing) {
    summarise_missing(v, keyword, cuts, tied, n);
    return;
  }
  for (size_t i = 0; i < cuts[best].count; i++)
    add_problem(v, cuts[best].items[i]);
}

/* anyOf (at least one branch holds) and oneOf (exactly one). */
static bool check_alternatives(Validator *v, const json_t *schema, const json_t *instance,
                               const char *keyword) {
  const json_t *branches = json_object_get(schema, keyword);
  if (!branches)
    return true;
  size_t n = json_array_size(branches), matches = 0;
  if (n == 0) {
    fault(v, keyword, arena_printf(v->arena, "the schema's %s is not a non-empty list", keyword));
    return false;
  }
  bool exactly_one = strcmp(keyword, "oneOf") == 0;
  Problems *cuts = arena_array(v->arena, n, sizeof *cuts);
  for (size_t i = 0; i < n; i++) {
    if (try_branch(v, json_array_get(branches, i), instance, keyword, &cuts[i]))
      matches++;
    if (matches && !exactly_one)
      return true;
  }
  if (matches == 1)
    return true;
  if (matches > 1)
    report_text(v, keyword, arena_strdup(v->arena, "matches more than one of the allowed forms"));
  else
    explain_no_match(v, keyword, cuts, n, instance);
  return false;
}

static bool check_all_of(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *all = json_object_get(schema, "allOf");
  bool ok = true;
  for (size_t i = 0; i < json_array_size(all); i++)
    ok = validate(v, json_array_get(all, i), instance, "allOf") && ok;
  return ok;
}

/* if/then/else: the if's own problems are never reported, only which way it went. */
static bool check_conditional(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *condition = json_object_get(schema, "if");
  if (!condition)
    return true;
  Problems ignored;
  bool holds = try_branch(v, condition, instance, "if", &ignored);
  const char *keyword = holds ? "then" : "else";
  const json_t *next = json_object_get(schema, keyword);
  return !next || validate(v, next, instance, keyword);
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
    return validate(v, target, instance, "$ref");
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "the schema's $ref ");
  put_value(&sb, ref, true);
  sb_puts(&sb, " points nowhere (only local JSON pointers such as '#/definitions/x' are followed)");
  fault(v, "$ref", finish(v, &sb));
  return false;
}

/* ---- The walk ---- */

/* Every keyword of one schema object. When the type fails, the rest still runs: a const or enum
 * listing the allowed values then replaces the type problem, and other keywords apply only to
 * their own kinds anyway. */
static bool check_keywords(Validator *v, const json_t *schema, const json_t *instance) {
  bool ok = check_ref(v, schema, instance);
  size_t before = v->found.count;
  bool typed_ok = check_type(v, schema, instance);
  size_t typed = !typed_ok && v->found.count > before ? before : SIZE_MAX; /* its problem */
  ok = typed_ok && ok;
  ok = check_values(v, schema, instance) && ok;
  ok = check_by_kind(v, schema, instance) && ok;
  ok = check_all_of(v, schema, instance) && ok;
  ok = check_alternatives(v, schema, instance, "anyOf") && ok;
  ok = check_alternatives(v, schema, instance, "oneOf") && ok;
  ok = check_conditional(v, schema, instance) && ok;
  if (typed != SIZE_MAX)
    prefer_values(v, typed);
  return ok;
}

/* Validates instance (at the current path) against schema, reached through keyword via. */
static bool validate(Validator *v, const json_t *schema, const json_t *instance, const char *via) {
  if (json_is_true(schema))
    return true;
  if (json_is_false(schema)) {
    report_text(v, via, arena_strdup(v->arena, "no value is allowed here"));
    return false;
  }
  if (!json_is_object(schema)) {
    fault(v, via, arena_strdup(v->arena, "the schema here is not an object or a boolean"));
    return false;
  }
  if (v->nesting >= NESTING_MAX) {
    fault(v, via,
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

/* PCRE2 objects the call needs; like the arena, out of memory aborts. */
static void open_validator(Validator *v) {
  v->compile_context = pcre2_compile_context_create(NULL);
  v->match_context = pcre2_match_context_create(NULL);
  v->match_data = pcre2_match_data_create(1, NULL);
  if (!v->compile_context || !v->match_context || !v->match_data)
    abort();
  pcre2_set_newline(v->compile_context, PCRE2_NEWLINE_ANYCRLF);
#ifdef PCRE2_EXTRA_ALT_BSUX
  pcre2_set_compile_extra_options(v->compile_context, PCRE2_EXTRA_ALT_BSUX);
#endif
  pcre2_set_match_limit(v->match_context, PATTERN_MATCH_LIMIT);
  pcre2_set_depth_limit(v->match_context, PATTERN_DEPTH_LIMIT);
  pcre2_set_heap_limit(v->match_context, PATTERN_HEAP_LIMIT_KIB);
}

/* The compiled patterns die with the call: the cache is keyed by schema nodes the caller may
 * free as soon as we return. */
static void close_validator(Validator *v) {
  for (size_t i = 0; i < v->patterns.capacity; i++)
    pcre2_code_free(v->patterns.slots[i].code);
  pcre2_compile_context_free(v->compile_context);
  pcre2_match_context_free(v->match_context);
  pcre2_match_data_free(v->match_data);
  sb_free(&v->path);
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
  open_validator(&v);
  validate(&v, schema, instance, "");
  close_validator(&v);
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
