/* Lean event trees. */
#include "eval/lean.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/json_plain.h"
#include "eval/json_check.h"

/* ---- the key names ------------------------------------------------------------------------------
 */

struct LeanKeys {
  const char **slots; /* open addressing; NULL: free */
  size_t *lens;
  size_t capacity, count;
};

static bool has_key(const LeanKeys *k, const char *text, size_t len) {
  for (size_t i = hash_bytes(text, len) & (k->capacity - 1);; i = (i + 1) & (k->capacity - 1)) {
    if (!k->slots[i])
      return false;
    if (k->lens[i] == len && memcmp(k->slots[i], text, len) == 0)
      return true;
  }
}

static void put_key(Arena *arena, LeanKeys *k, const char *text, size_t len) {
  if (len == 0 || has_key(k, text, len))
    return;
  if ((k->count + 1) * 2 > k->capacity) {
    LeanKeys grown = {arena_array(arena, k->capacity * 2, sizeof(char *)),
                      arena_array(arena, k->capacity * 2, sizeof(size_t)), k->capacity * 2, 0};
    for (size_t i = 0; i < k->capacity; i++)
      if (k->slots[i])
        put_key(arena, &grown, k->slots[i], k->lens[i]);
    *k = grown;
  }
  size_t i = hash_bytes(text, len) & (k->capacity - 1);
  while (k->slots[i])
    i = (i + 1) & (k->capacity - 1);
  k->slots[i] = arena_strndup(arena, text, len);
  k->lens[i] = len;
  k->count++;
}

bool lean_key_read(const LeanKeys *keys, const char *text, size_t len) {
  return has_key(keys, text, len);
}

/* Every key a name can be written with: each run of its dot-separated parts ("a.b.c": a, b, c,
 * a.b, b.c, a.b.c, for nested, flat and mixed documents), and the parts of a Sigma Tag_Attribute
 * name (Provider_Name: Provider, Name). */
static void put_name(Arena *arena, LeanKeys *k, const char *name) {
  if (!name)
    return;
  name += name[0] == '?';
  size_t len = strlen(name);
  for (size_t start = 0; start < len; start++) {
    if (start && name[start - 1] != '.')
      continue;
    for (size_t end = start + 1; end <= len; end++)
      if (end == len || name[end] == '.')
        put_key(arena, k, name + start, end - start);
  }
  const char *underscore = strchr(name, '_');
  if (underscore) {
    put_key(arena, k, name, (size_t)(underscore - name));
    put_key(arena, k, underscore + 1, strlen(underscore + 1));
  }
}

typedef struct Collect {
  Arena *arena;
  LeanKeys *keys;
  const Mapping *mapping;
  const IrRule *rule;
  bool whole; /* the rule reads the whole event */
} Collect;

static void put_field(Collect *c, const char *name) {
  put_name(c->arena, c->keys, name);
  if (c->mapping && c->rule->origin == IR_LANG_SIGMA && name)
    put_name(c->arena, c->keys, mapping_field(c->arena, c->mapping, &c->rule->logsource, name));
}

static void collect_expr(Collect *c, const IrExpr *e) {
  if (!e)
    return;
  if (e->kind == IR_EXPR_FIELD)
    put_field(c, e->text);
  for (size_t i = 0; i < e->count; i++)
    collect_expr(c, e->args[i]);
}

static void collect_node(Collect *c, const IrNode *node) {
  if (!node)
    return;
  if (node->kind != IR_PRED) {
    for (size_t i = 0; i < node->count; i++)
      collect_node(c, node->children[i]);
    return;
  }
  const IrPredicate *p = &node->pred;
  if (p->match == IR_MATCH_EXPR) {
    collect_expr(c, p->expr);
    return;
  }
  if (!p->field) {
    c->whole = true; /* a keyword: searched in every string of the event */
    return;
  }
  put_field(c, p->field);
  if (p->match == IR_MATCH_FIELDREF)
    put_field(c, p->pattern);
}

LeanKeys *lean_keys(Arena *arena, const IrRule *const *rules, size_t count, const Mapping *mapping,
                    const char *const *extra, size_t extra_count, bool *whole_event) {
  LeanKeys *keys = arena_alloc(arena, sizeof *keys);
  keys->capacity = 1024;
  keys->slots = arena_array(arena, keys->capacity, sizeof(char *));
  keys->lens = arena_array(arena, keys->capacity, sizeof(size_t));
  static const char *const fixed[] = {
      "Event.System.Channel", "Event.System.EventID", "Event.EventData",
      "Event.UserData",       "#attributes",          "#text",
      "event.category",       "event.type",           "host.os.type"};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    put_name(arena, keys, fixed[i]);
  for (size_t i = 0; i < extra_count; i++)
    put_name(arena, keys, extra[i]);
  for (size_t r = 0; r < count; r++) {
    Collect c = {arena, keys, mapping, rules[r], false};
    for (size_t q = 0; q < rules[r]->query_count; q++)
      collect_node(&c, rules[r]->queries[q]->where);
    if (mapping && rules[r]->origin == IR_LANG_SIGMA) { /* the logsource's conditions */
      const MapLogsource *row = mapping_logsource(mapping, &rules[r]->logsource);
      for (size_t i = 0; row && i < row->condition_count; i++)
        put_name(arena, keys, row->conditions[i].field);
    }
    whole_event[r] = c.whole;
  }
  return keys;
}

/* ---- the tree
 * ------------------------------------------------------------------------------------ */

typedef struct Reader {
  const char *p, *end;
  const LeanKeys *keys;
  char *buf; /* decoded strings */
  size_t cap;
  int depth;
} Reader;

static void space(Reader *r) {
  while (r->p < r->end && json_is_space(*r->p))
    r->p++;
}

static unsigned hex4(const char *p) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char h = p[i];
    v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
  }
  return v;
}

static size_t put_utf8(char *out, unsigned cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* A string (at its opening quote), decoded into r->buf; its length. The text is valid JSON. */
static size_t read_string(Reader *r) {
  const char *start = ++r->p;
  const char *close = start;
  for (;;) {
    close += json_plain_run(close, (size_t)(r->end - close));
    if (*close == '"')
      break;
    close += *close == '\\' ? 2 : 1;
  }
  size_t need = (size_t)(close - start) + 1;
  if (need > r->cap) {
    r->cap = need * 2;
    r->buf = realloc(r->buf, r->cap);
    if (!r->buf)
      abort();
  }
  size_t n = 0;
  while (r->p < close) {
    if (*r->p != '\\') {
      const char *escape = memchr(r->p, '\\', (size_t)(close - r->p));
      size_t run = (size_t)((escape ? escape : close) - r->p);
      memcpy(r->buf + n, r->p, run);
      n += run;
      r->p += run;
      continue;
    }
    char e = r->p[1];
    r->p += 2;
    switch (e) {
    case 'b':
      r->buf[n++] = '\b';
      break;
    case 'f':
      r->buf[n++] = '\f';
      break;
    case 'n':
      r->buf[n++] = '\n';
      break;
    case 'r':
      r->buf[n++] = '\r';
      break;
    case 't':
      r->buf[n++] = '\t';
      break;
    case 'u': {
      unsigned cp = hex4(r->p);
      r->p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF) { /* a pair: json_check has made sure of it */
        unsigned low = hex4(r->p + 2);
        r->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      n += put_utf8(r->buf + n, cp);
      break;
    }
    default: /* " \ / */
      r->buf[n++] = e;
      break;
    }
  }
  r->p = close + 1;
  return n;
}

/* Past a string (at its opening quote) without decoding it: a member no rule reads. */
static void skip_string(Reader *r) {
  const char *p = r->p + 1;
  for (;;) {
    p += json_plain_run(p, (size_t)(r->end - p));
    if (*p == '"')
      break;
    p += *p == '\\' ? 2 : 1;
  }
  r->p = p + 1;
}

static void skip_value(Reader *r);

static void skip_container(Reader *r, char close) {
  r->p++;
  space(r);
  while (*r->p != close) {
    skip_value(r);
    space(r);
    if (*r->p == ':' || *r->p == ',') {
      r->p++;
      space(r);
    }
  }
  r->p++;
}

static void skip_value(Reader *r) {
  switch (*r->p) {
  case '{':
    skip_container(r, '}');
    return;
  case '[':
    skip_container(r, ']');
    return;
  case '"':
    skip_string(r);
    return;
  default:
    while (r->p < r->end && !strchr(",}] \t\r\n", *r->p))
      r->p++;
  }
}

static json_t *read_value(Reader *r, bool keep_all);

static json_t *read_number(Reader *r) {
  const char *start = r->p;
  bool integer = true;
  while (r->p < r->end && !strchr(",}] \t\r\n", *r->p)) {
    if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
      integer = false;
    r->p++;
  }
  char text[64];
  size_t n = (size_t)(r->p - start);
  if (n >= sizeof text)
    return json_real(strtod(start, NULL));
  memcpy(text, start, n);
  text[n] = '\0';
  if (integer) {
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end == '\0' && v != LLONG_MAX && v != LLONG_MIN)
      return json_integer(v);
  }
  return json_real(strtod(text, NULL));
}

/* An object: the members whose key the rules can read (all of them under keep_all, and below
 * UserData, whose wrapper element is named by each provider). */
static json_t *read_object(Reader *r, bool keep_all) {
  json_t *object = json_object();
  r->p++;
  space(r);
  while (*r->p != '}') {
    size_t len = read_string(r);
    bool wanted = keep_all || has_key(r->keys, r->buf, len);
    char *key = wanted ? strndup(r->buf, len) : NULL;
    space(r);
    r->p++; /* ':' */
    space(r);
    if (wanted) {
      bool below_all = keep_all || (len == 8 && memcmp(key, "UserData", 8) == 0);
      json_t *value = read_value(r, below_all);
      if (!value || json_object_set_new_nocheck(object, key, value) != 0) {
        free(key);
        json_decref(object);
        return NULL;
      }
    } else {
      skip_value(r);
    }
    free(key);
    space(r);
    if (*r->p == ',') {
      r->p++;
      space(r);
    }
  }
  r->p++;
  return object;
}

static json_t *read_value(Reader *r, bool keep_all) {
  switch (*r->p) {
  case '{':
    return read_object(r, keep_all);
  case '[': { /* arrays are kept whole: a field's values */
    json_t *array = json_array();
    r->p++;
    space(r);
    while (*r->p != ']') {
      json_t *item = read_value(r, true);
      if (!item || json_array_append_new(array, item) != 0) {
        json_decref(array);
        return NULL;
      }
      space(r);
      if (*r->p == ',') {
        r->p++;
        space(r);
      }
    }
    r->p++;
    return array;
  }
  case '"': {
    size_t len = read_string(r);
    return json_stringn_nocheck(r->buf, len); /* json_check has checked the UTF-8 */
  }
  case 't':
    r->p += 4;
    return json_true();
  case 'f':
    r->p += 5;
    return json_false();
  case 'n':
    r->p += 4;
    return json_null();
  default:
    return read_number(r);
  }
}

json_t *lean_parse(const LeanKeys *keys, const char *text, size_t len) {
  Reader r = {text, text + len, keys, NULL, 0, 0};
  space(&r);
  if (r.p >= r.end || *r.p != '{')
    return NULL;
  json_t *root = read_object(&r, false);
  free(r.buf);
  return root;
}
