/* Lean event trees. */
#include "eval/lean.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/json_plain.h"
#include "eval/json_check.h"

/* ---- the key names ------------------------------------------------------------------------------
 */

/* Why every tree keeps a key: rules' verdicts may read it (events' facts, the caller's extra
 * names), or only the ordering of matches does (the time and tiebreaker fields). */
enum { FIXED = 1, EXTRA = 2 };

/* A key looked up lately, and its slot (or -1). */
typedef struct RecentKey {
  uint64_t head, tail;
  uint32_t len; /* 0: none */
  int32_t slot;
} RecentKey;

struct LeanKeys {
  const char **slots; /* open addressing; NULL: free */
  size_t *lens;
  uint32_t *tags;
  size_t capacity, count;
  uint8_t *always; /* per slot: every tree keeps it, as one of the FIXED keys or an EXTRA one */
  uint8_t *named;  /* per slot: a FIXED key, or one of some rule's names */
  uint32_t *stamp; /* per slot: the last lean_want() that asked for it */
  uint32_t now;    /* the current lean_want(); 0 before the first: every key is wanted */
  uint32_t *first; /* rule r's slots: slot_of[first[r] .. first[r + 1]) */
  RecentKey recent[256]; /* by the key's words: an event's keys are those of the last ones */
  uint32_t *slot_of;
};

/* The slot of a key, or the free one it would take. A slot's tag (the hash's high bits) tells
 * most other keys apart before their text is compared. */
static size_t find_slot(const LeanKeys *k, const char *text, size_t len) {
  uint64_t hash = hash_words(text, len, 0);
  uint32_t tag = (uint32_t)(hash >> 32);
  size_t i = (size_t)hash & (k->capacity - 1);
  while (k->slots[i] &&
         (k->tags[i] != tag || k->lens[i] != len || memcmp(k->slots[i], text, len) != 0))
    i = (i + 1) & (k->capacity - 1);
  return i;
}

static bool has_key(const LeanKeys *k, const char *text, size_t len) {
  return k->slots[find_slot(k, text, len)] != NULL;
}

static void put_key(Arena *arena, LeanKeys *k, const char *text, size_t len) {
  if (has_key(k, text, len))
    return;
  if ((k->count + 1) * 4 > k->capacity) { /* a quarter full: absent keys (most of an event's)
                                             end their probe soon */
    LeanKeys grown = {0};
    grown.slots = arena_array(arena, k->capacity * 2, sizeof(char *));
    grown.lens = arena_array(arena, k->capacity * 2, sizeof(size_t));
    grown.tags = arena_array(arena, k->capacity * 2, sizeof(uint32_t));
    grown.capacity = k->capacity * 2;
    for (size_t i = 0; i < k->capacity; i++)
      if (k->slots[i])
        put_key(arena, &grown, k->slots[i], k->lens[i]);
    *k = grown;
  }
  size_t i = find_slot(k, text, len);
  k->slots[i] = arena_strndup(arena, text, len);
  k->lens[i] = len;
  k->tags[i] = (uint32_t)(hash_words(text, len, 0) >> 32);
  k->count++;
}

int32_t lean_key_slot(LeanKeys *keys, const char *text, size_t len) {
  if (len == 0 || len > 16) {
    size_t slot = find_slot(keys, text, len);
    return keys->slots[slot] ? (int32_t)slot : -1;
  }
  /* a key of up to 16 bytes is told by its length and two words: its first and last eight
   * bytes (overlapping when shorter), its first and last four below eight, its first, middle
   * and last below four; the recent keys are found by those, without hashing the key */
  uint64_t head, tail = 0;
  if (len >= 8) {
    memcpy(&head, text, 8);
    if (len > 8)
      memcpy(&tail, text + len - 8, 8);
  } else if (len >= 4) {
    uint32_t first, last;
    memcpy(&first, text, 4);
    memcpy(&last, text + len - 4, 4);
    head = (uint64_t)last << 32 | first;
  } else {
    head = (uint64_t)(unsigned char)text[0] | (uint64_t)(unsigned char)text[len / 2] << 8 |
           (uint64_t)(unsigned char)text[len - 1] << 16;
  }
  RecentKey *r = &keys->recent[(head * 0x9E3779B97F4A7C15ull + tail + len) >> 56];
  if (r->len != len || r->head != head || r->tail != tail) {
    size_t slot = find_slot(keys, text, len);
    *r = (RecentKey){head, tail, (uint32_t)len, keys->slots[slot] ? (int32_t)slot : -1};
  }
  return r->slot;
}

bool lean_slot_named(const LeanKeys *keys, int32_t slot) { return keys->named[slot]; }

size_t lean_slot_capacity(const LeanKeys *keys) { return keys->capacity; }

bool lean_slot_kept(const LeanKeys *keys, int32_t slot) {
  return keys->always[slot] || keys->stamp[slot] == keys->now;
}

const char *lean_slot_text(const LeanKeys *keys, int32_t slot, size_t *len) {
  *len = keys->lens[slot];
  return keys->slots[slot];
}

bool lean_slot_read(const LeanKeys *keys, int32_t slot) {
  return keys->always[slot] == FIXED || keys->stamp[slot] == keys->now;
}

/* Calls each(key, len, context) for every key a name can be written with: each run of its
 * dot-separated parts ("a.b.c": a, b, c, a.b, b.c, a.b.c, for nested, flat and mixed documents),
 * and the parts of a Sigma Tag_Attribute name (Provider_Name: Provider, Name). */
static void each_run(const char *name, void (*each)(const char *, size_t, void *), void *context) {
  size_t len = strlen(name);
  for (size_t start = 0; start <= len; start++) { /* runs may be empty: "a..b", "a." */
    if (start && name[start - 1] != '.')
      continue;
    for (size_t end = start; end <= len; end++)
      if (end == len || name[end] == '.')
        each(name + start, end - start, context);
  }
  const char *underscore = strchr(name, '_');
  if (underscore) {
    each(name, (size_t)(underscore - name), context);
    each(underscore + 1, strlen(underscore + 1), context);
  }
}

/* An EQL optional field's name is written with '?': its keys are those of the name after it,
 * and (a Sigma field may be named "?x") of the name as written. */
static void each_key(const char *name, void (*each)(const char *, size_t, void *), void *context) {
  each_run(name, each, context);
  if (name[0] == '?')
    each_run(name + 1, each, context);
}

/* The names each rule reads, then the names every tree keeps: those verdicts may read (row
 * count), those that only order matches (row count + 1). */
typedef struct Names {
  const char ***of; /* per rule, then the fixed ones: a list of names */
  size_t *count, *capacity;
} Names;

typedef struct Collect {
  Arena *arena;
  Names *names;
  size_t rule; /* whose names are collected */
  const Mapping *mapping;
  const IrRule *ir;
  bool whole; /* the rule reads the whole event */
} Collect;

static void put_name(Collect *c, const char *name) {
  if (!name)
    return;
  Names *n = c->names;
  size_t r = c->rule;
  if (n->count[r] == n->capacity[r]) {
    size_t capacity = n->capacity[r] ? 2 * n->capacity[r] : 8;
    n->of[r] = arena_grow(c->arena, n->of[r], n->count[r], capacity, sizeof(char *));
    n->capacity[r] = capacity;
  }
  n->of[r][n->count[r]++] = name;
}

static void put_field(Collect *c, const char *name) {
  put_name(c, name);
  if (c->mapping && c->ir->origin == IR_LANG_SIGMA && name)
    put_name(c, mapping_field(c->arena, c->mapping, &c->ir->logsource, name));
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

typedef struct Filing {
  Arena *arena;
  LeanKeys *keys;
  size_t count; /* keys counted, or slots listed, so far */
  size_t rule;  /* the rule whose slots are listed */
} Filing;

static void file_key(const char *key, size_t len, void *context) {
  Filing *f = context;
  put_key(f->arena, f->keys, key, len);
}

/* Marks a key every tree keeps, as f->rule says (FIXED wins over EXTRA). */
static void mark_always(const char *key, size_t len, void *context) {
  Filing *f = context;
  LeanKeys *k = f->keys;
  size_t slot = find_slot(k, key, len);
  if (k->slots[slot] && k->always[slot] != FIXED)
    k->always[slot] = (uint8_t)f->rule;
  if (k->slots[slot] && f->rule == FIXED)
    k->named[slot] = 1;
}

/* Lists a key's slot for the rule being listed (once: the stamps note the rule listing it,
 * plus one, until lean_want() takes them over). */
static void list_slot(const char *key, size_t len, void *context) {
  Filing *f = context;
  LeanKeys *k = f->keys;
  size_t slot = find_slot(k, key, len);
  if (!k->slots[slot] || k->stamp[slot] == f->rule + 1)
    return;
  k->named[slot] = 1;
  k->stamp[slot] = (uint32_t)f->rule + 1;
  k->slot_of[f->count++] = (uint32_t)slot;
}

static void count_key(const char *key, size_t len, void *context) {
  (void)key, (void)len;
  ((Filing *)context)->count++;
}

/* The table of every name's keys, then (its slots final) which keys every tree keeps and the
 * slots of each rule's keys. */
static void file_names(Arena *arena, LeanKeys *keys, const Names *names, size_t rule_count) {
  Filing filing = {arena, keys, 0, 0};
  for (size_t r = 0; r <= rule_count + 1; r++)
    for (size_t i = 0; i < names->count[r]; i++)
      each_key(names->of[r][i], file_key, &filing);
  keys->always = arena_array(arena, keys->capacity, sizeof(uint8_t));
  keys->named = arena_array(arena, keys->capacity, sizeof(uint8_t));
  keys->stamp = arena_array(arena, keys->capacity, sizeof(uint32_t));
  for (size_t row = rule_count; row <= rule_count + 1; row++) {
    filing.rule = row == rule_count ? FIXED : EXTRA;
    for (size_t i = 0; i < names->count[row]; i++)
      each_key(names->of[row][i], mark_always, &filing);
  }
  Filing counting = {arena, keys, 0, 0};
  for (size_t r = 0; r < rule_count; r++)
    for (size_t i = 0; i < names->count[r]; i++)
      each_key(names->of[r][i], count_key, &counting);
  keys->slot_of = arena_array(arena, counting.count + 1, sizeof(uint32_t));
  keys->first = arena_array(arena, rule_count + 1, sizeof(uint32_t));
  Filing listing = {arena, keys, 0, 0};
  for (size_t r = 0; r < rule_count; r++) {
    keys->first[r] = (uint32_t)listing.count;
    listing.rule = r;
    for (size_t i = 0; i < names->count[r]; i++)
      each_key(names->of[r][i], list_slot, &listing);
  }
  keys->first[rule_count] = (uint32_t)listing.count;
  memset(keys->stamp, 0,
         keys->capacity * sizeof(uint32_t)); /* every key wanted until lean_want() */
}

LeanKeys *lean_keys(Arena *arena, const IrRule *const *rules, size_t count, const Mapping *mapping,
                    const char *const *extra, size_t extra_count, const char *const *ordering,
                    size_t ordering_count, bool *whole_event) {
  LeanKeys *keys = arena_alloc(arena, sizeof *keys);
  keys->capacity = 1024;
  keys->slots = arena_array(arena, keys->capacity, sizeof(char *));
  keys->lens = arena_array(arena, keys->capacity, sizeof(size_t));
  keys->tags = arena_array(arena, keys->capacity, sizeof(uint32_t));
  Names names = {arena_array(arena, count + 2, sizeof(char **)),
                 arena_array(arena, count + 2, sizeof(size_t)),
                 arena_array(arena, count + 2, sizeof(size_t))};
  /* what routing and event facts read (event.c), and the extra names: in every tree */
  static const char *const fixed[] = {"Event.System.Channel",
                                      "Event.System.EventID",
                                      "Event.EventData",
                                      "Event.UserData",
                                      "#attributes",
                                      "#text",
                                      "event.category",
                                      "event.type",
                                      "host.os.type",
                                      "source",
                                      "EventCode"};
  Collect always = {arena, &names, count, NULL, NULL, false};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    put_name(&always, fixed[i]);
  for (size_t i = 0; i < extra_count; i++)
    put_name(&always, extra[i]);
  always.rule = count + 1;
  for (size_t i = 0; i < ordering_count; i++)
    put_name(&always, ordering[i]);
  for (size_t r = 0; r < count; r++) {
    Collect c = {arena, &names, r, mapping, rules[r], false};
    for (size_t q = 0; q < rules[r]->query_count; q++)
      collect_node(&c, rules[r]->queries[q]->where);
    if (mapping && rules[r]->origin == IR_LANG_SIGMA) { /* the logsource's conditions */
      const MapLogsource *row = mapping_logsource(mapping, &rules[r]->logsource);
      for (size_t i = 0; row && i < row->condition_count; i++)
        put_name(&c, row->conditions[i].field);
    }
    whole_event[r] = c.whole;
  }
  file_names(arena, keys, &names, count);
  return keys;
}

void lean_want(LeanKeys *keys, const uint32_t *rules, size_t count) {
  if (++keys->now == 0) { /* the stamps wrapped around: start them again */
    memset(keys->stamp, 0, keys->capacity * sizeof(uint32_t));
    keys->now = 1;
  }
  for (size_t i = 0; i < count; i++)
    for (uint32_t k = keys->first[rules[i]]; k < keys->first[rules[i] + 1]; k++)
      keys->stamp[keys->slot_of[k]] = keys->now;
}

/* Whether the current tree keeps a member named text[0..len) (found among the recent keys:
 * json_check() has just looked up the same ones). */
static bool wanted(LeanKeys *k, const char *text, size_t len) {
  int32_t slot = lean_key_slot(k, text, len);
  return slot >= 0 && lean_slot_kept(k, slot);
}

/* ---- the tree
 * ------------------------------------------------------------------------------------ */

typedef struct Reader {
  const char *p, *end;
  LeanKeys *keys;
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

size_t lean_decode_string(const char *text, size_t len, char *out) {
  const char *p = text, *close = text + len;
  size_t n = 0;
  while (p < close) {
    if (*p != '\\') {
      const char *escape = memchr(p, '\\', (size_t)(close - p));
      size_t run = (size_t)((escape ? escape : close) - p);
      memcpy(out + n, p, run);
      n += run;
      p += run;
      continue;
    }
    char e = p[1];
    p += 2;
    switch (e) {
    case 'b':
      out[n++] = '\b';
      break;
    case 'f':
      out[n++] = '\f';
      break;
    case 'n':
      out[n++] = '\n';
      break;
    case 'r':
      out[n++] = '\r';
      break;
    case 't':
      out[n++] = '\t';
      break;
    case 'u': {
      unsigned cp = hex4(p);
      p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF) { /* a pair: json_check has made sure of it */
        unsigned low = hex4(p + 2);
        p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      n += put_utf8(out + n, cp);
      break;
    }
    default: /* " \ / */
      out[n++] = e;
      break;
    }
  }
  return n;
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
  size_t n = lean_decode_string(start, (size_t)(close - start), r->buf);
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

/* What ends a number or a literal in valid JSON text. */
static bool number_end(char c) { return c == ',' || c == '}' || c == ']' || json_is_space(c); }

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
  default: /* a number, true, false or null */
    while (r->p < r->end && !number_end(*r->p))
      r->p++;
  }
}

static json_t *read_value(Reader *r, bool keep_all);

static json_t *read_number(Reader *r) {
  const char *start = r->p;
  while (r->p < r->end && !number_end(*r->p))
    r->p++;
  return lean_number(start, (size_t)(r->p - start));
}

json_t *lean_number(const char *start, size_t n) {
  bool integer = true;
  for (size_t i = 0; i < n; i++)
    if (start[i] == '.' || start[i] == 'e' || start[i] == 'E')
      integer = false;
  char buffer[64];
  char *text = n < sizeof buffer ? buffer : malloc(n + 1); /* a real of many digits */
  if (!text)
    abort();
  memcpy(text, start, n);
  text[n] = '\0';
  /* json_check() has made sure an integer fits in a long long, as jansson requires: its
   * limits, 9223372036854775807 and the negative one, are integers too */
  json_t *number = integer ? json_integer(strtoll(text, NULL, 10)) : json_real(strtod(text, NULL));
  if (text != buffer)
    free(text);
  return number;
}

/* An object: the members whose key the rules can read (all of them under keep_all, and below
 * UserData, whose wrapper element is named by each provider). */
/* An object: the members whose key the rules can read (all of them under keep_all, and below
 * UserData, whose wrapper element is named by each provider). A key without escapes is read
 * where it stands; one with escapes is decoded, and copied before its value reuses the buffer. */
static json_t *read_object(Reader *r, bool keep_all) {
  json_t *object = json_object();
  r->p++;
  space(r);
  while (*r->p != '}') {
    const char *key = r->p + 1;
    size_t len = json_plain_run(key, (size_t)(r->end - key));
    char *decoded = NULL;
    if (key[len] == '"') {
      r->p = key + len + 1;
    } else {
      len = read_string(r);
      key = r->buf;
    }
    bool kept = keep_all || wanted(r->keys, key, len);
    space(r);
    r->p++; /* ':' */
    space(r);
    if (kept) {
      if (key == r->buf)
        key = decoded = strndup(r->buf, len);
      bool below_all = keep_all || (len == 8 && memcmp(key, "UserData", 8) == 0);
      json_t *value = read_value(r, below_all);
      if (!value || json_object_setn_new_nocheck(object, key, len, value) != 0) {
        free(decoded);
        json_decref(object);
        return NULL;
      }
    } else {
      skip_value(r);
    }
    free(decoded);
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

json_t *lean_parse(LeanKeys *keys, const char *text, size_t len) {
  Reader r = {text, text + len, keys, NULL, 0, 0};
  space(&r);
  if (r.p >= r.end || *r.p != '{')
    return NULL;
  json_t *root = read_object(&r, false);
  free(r.buf);
  return root;
}
