/* libyaml events to a YamlNode tree with spans, bounded in depth and alias expansion. */
#include "sigma/yaml_tree.h"

#include "base/hash.h"
#include "base/utf8.h"

#include <string.h>
#include <yaml.h>

const YamlLimits yaml_default_limits = {.max_depth = 64, .max_weight = 1000000};

/* Anchors in an open-addressing table: a hostile file may declare many. */
typedef struct Anchor {
  const char *name;
  YamlNode *node;
  bool open; /* the anchored collection is still being built: an alias to it would recurse */
} Anchor;

typedef struct Frame {
  YamlNode *node;
  YamlNode *pending_key; /* maps: the key read, waiting for its value */
  size_t capacity;       /* allocated entries of items (and keys) */
  Anchor *anchor;        /* the anchor naming this collection, if any */
} Frame;

/* Every map key of the file, keyed by (map, key): duplicate checks stay linear on huge maps. */
typedef struct KeyEntry {
  const YamlNode *map;
  const char *key;
} KeyEntry;

typedef struct Loader {
  Arena *arena;
  const Source *src;
  const YamlLimits *limits;
  DiagSink *diags;
  Frame *stack;
  size_t depth;
  Anchor *anchors;
  size_t anchor_capacity;
  size_t anchor_count;
  KeyEntry *keys;
  size_t key_capacity;
  size_t key_count;
  YamlDocument *document; /* the document being built */
  bool failed;
} Loader;

static Span mark_span(const Loader *ld, yaml_mark_t start, yaml_mark_t end) {
  Span span = {source_offset_at(ld->src, start.line, start.column),
               source_offset_at(ld->src, end.line, end.column)};
  if (span.end < span.start)
    span.end = span.start;
  return span;
}

static void fail(Loader *ld, Span span, const char *id, const char *message) {
  if (!ld->failed)
    diag_report(ld->diags, DIAG_ERROR, ld->src, span, id, "%s", message);
  ld->failed = true;
}

/* ---- anchors ----------------------------------------------------------------------------------
 */

static Anchor *anchor_slot(Loader *ld, const char *name) {
  size_t mask = ld->anchor_capacity - 1;
  for (size_t i = hash_text(name) & mask;; i = (i + 1) & mask)
    if (!ld->anchors[i].name || strcmp(ld->anchors[i].name, name) == 0)
      return &ld->anchors[i];
}

static Anchor *anchor_find(Loader *ld, const char *name) {
  if (!ld->anchor_capacity)
    return NULL;
  Anchor *slot = anchor_slot(ld, name);
  return slot->name ? slot : NULL;
}

/* A later anchor of the same name replaces the earlier one, as YAML says. */
static Anchor *anchor_define(Loader *ld, const char *name, YamlNode *node) {
  if (ld->anchor_count * 2 >= ld->anchor_capacity) {
    Anchor *old = ld->anchors;
    size_t old_capacity = ld->anchor_capacity;
    ld->anchor_capacity = old_capacity ? old_capacity * 2 : 16;
    ld->anchors = arena_array(ld->arena, ld->anchor_capacity, sizeof(Anchor));
    for (size_t i = 0; i < old_capacity; i++)
      if (old[i].name)
        *anchor_slot(ld, old[i].name) = old[i];
  }
  Anchor *slot = anchor_slot(ld, name);
  if (!slot->name) {
    slot->name = arena_strdup(ld->arena, name);
    ld->anchor_count++;
  }
  slot->node = node;
  slot->open = false;
  return slot;
}

static KeyEntry *key_slot(KeyEntry *table, size_t capacity, const YamlNode *map, const char *key) {
  size_t mask = capacity - 1;
  for (size_t i = (hash_text(key) ^ (size_t)map) & mask;; i = (i + 1) & mask)
    if (!table[i].key || (table[i].map == map && strcmp(table[i].key, key) == 0))
      return &table[i];
}

/* Records key in map; false when the map already has it. */
static bool key_insert(Loader *ld, const YamlNode *map, const char *key) {
  if (ld->key_count * 2 >= ld->key_capacity) {
    KeyEntry *old = ld->keys;
    size_t old_capacity = ld->key_capacity;
    ld->key_capacity = old_capacity ? old_capacity * 2 : 64;
    ld->keys = arena_array(ld->arena, ld->key_capacity, sizeof(KeyEntry));
    for (size_t i = 0; i < old_capacity; i++)
      if (old[i].key)
        *key_slot(ld->keys, ld->key_capacity, old[i].map, old[i].key) = old[i];
  }
  KeyEntry *slot = key_slot(ld->keys, ld->key_capacity, map, key);
  if (slot->key)
    return false;
  slot->map = map;
  slot->key = key;
  ld->key_count++;
  return true;
}

/* ---- scalars ----------------------------------------------------------------------------------
 */

static bool is_one_of(const char *text, const char *const *words) {
  for (; *words; words++)
    if (strcmp(text, *words) == 0)
      return true;
  return false;
}

static bool all_digits(const char *p, const char *digits) {
  if (!*p)
    return false;
  for (; *p; p++)
    if (*p != '_' && !strchr(digits, *p))
      return false;
  return true;
}

/* YAML 1.1 integers as PyYAML reads them: decimal, 0x hex, 0b binary, 0 octal (sexagesimal
 * 1:30 is left a string; docs/ir.md says so). */
static bool looks_int(const char *text) {
  const char *p = text + (*text == '-' || *text == '+');
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    return all_digits(p + 2, "0123456789abcdefABCDEF");
  if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    return all_digits(p + 2, "01");
  if (p[0] == '0' && p[1])
    return all_digits(p + 1, "01234567");
  return *p >= '0' && *p <= '9' && all_digits(p, "0123456789");
}

/* YAML 1.1 floats as PyYAML reads them: a dot is required ("1e5" is a string there). */
static bool looks_float(const char *text) {
  static const char *const special[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
                                        "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
                                        ".NaN",  ".NAN",  NULL};
  if (is_one_of(text, special))
    return true;
  const char *p = text + (*text == '-' || *text == '+');
  size_t digits = 0;
  while ((*p >= '0' && *p <= '9') || (*p == '_' && digits)) {
    digits++;
    p++;
  }
  if (*p != '.')
    return false;
  p++;
  while ((*p >= '0' && *p <= '9') || *p == '_')
    p++;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p != '-' && *p != '+')
      return false;
    p++;
    if (!(*p >= '0' && *p <= '9'))
      return false;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  return *p == '\0';
}

static void resolve_plain(YamlNode *node) {
  static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
  static const char *const trues[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON",  NULL};
  static const char *const falses[] = {"false", "False", "FALSE", "no",  "No",
                                       "NO",    "off",   "Off",   "OFF", NULL};
  if (is_one_of(node->text, nulls))
    node->type = YAML_NULL;
  else if (is_one_of(node->text, trues))
    node->type = YAML_BOOL, node->boolean = true;
  else if (is_one_of(node->text, falses))
    node->type = YAML_BOOL, node->boolean = false;
  else if (looks_int(node->text))
    node->type = YAML_INT;
  else if (looks_float(node->text))
    node->type = YAML_FLOAT;
  else
    node->type = YAML_STRING;
}

static YamlStyle style_of(yaml_scalar_style_t style) {
  switch (style) {
  case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    return YAML_STYLE_SINGLE;
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
    return YAML_STYLE_DOUBLE;
  case YAML_LITERAL_SCALAR_STYLE:
  case YAML_FOLDED_SCALAR_STYLE:
    return YAML_STYLE_BLOCK;
  case YAML_ANY_SCALAR_STYLE:
  case YAML_PLAIN_SCALAR_STYLE:
    return YAML_STYLE_PLAIN;
  }
  return YAML_STYLE_PLAIN;
}

/* The scalar tags of YAML's core schema (!!str, !!int ...); others (!!python/object, !!binary)
 * would mean something sigmac does not do, so they are errors rather than plain text. */
static bool core_scalar_tag(const char *tag) {
  static const char *const core[] = {"str", "int", "float", "bool", "null", "timestamp", NULL};
  if (strncmp(tag, "tag:yaml.org,2002:", 18) != 0)
    return false;
  for (const char *const *t = core; *t; t++)
    if (strcmp(tag + 18, *t) == 0)
      return true;
  return false;
}

static YamlNode *make_scalar(Loader *ld, const yaml_event_t *event) {
  YamlNode *node = arena_alloc(ld->arena, sizeof *node);
  node->kind = YAML_SCALAR;
  node->span = mark_span(ld, event->start_mark, event->end_mark);
  node->text =
      arena_strndup(ld->arena, (const char *)event->data.scalar.value, event->data.scalar.length);
  node->len = event->data.scalar.length;
  node->style = style_of(event->data.scalar.style);
  node->weight = 1;
  if (memchr(event->data.scalar.value, 0, event->data.scalar.length))
    fail(ld, node->span, "yaml-nul",
         "this value holds a NUL character (\\0), which a rule's values cannot carry: every "
         "target would see the value cut short there and match more than written");
  const char *tag = (const char *)event->data.scalar.tag;
  if (tag && strcmp(tag, "tag:yaml.org,2002:str") == 0)
    node->type = YAML_STRING;
  else if (tag && strcmp(tag, "!") != 0 && !core_scalar_tag(tag))
    fail(ld, node->span, "yaml-syntax", arena_printf(ld->arena, "unsupported YAML tag '%s'", tag));
  else if (node->style == YAML_STYLE_PLAIN && !(tag && strcmp(tag, "!") == 0))
    resolve_plain(node);
  else
    node->type = YAML_STRING;
  return node;
}

static void attach(Loader *ld, YamlNode *node);

/* ---- collections ------------------------------------------------------------------------------
 */

static void append(Loader *ld, Frame *frame, YamlNode *key, YamlNode *value) {
  YamlNode *node = frame->node;
  if (node->count == frame->capacity) {
    size_t capacity = frame->capacity ? frame->capacity * 2 : 4;
    node->items = arena_grow(ld->arena, node->items, node->count, capacity, sizeof(YamlNode *));
    if (node->kind == YAML_MAP)
      node->keys = arena_grow(ld->arena, node->keys, node->count, capacity, sizeof(YamlNode *));
    frame->capacity = capacity;
  }
  if (node->kind == YAML_MAP)
    node->keys[node->count] = key;
  node->items[node->count++] = value;
}

/* Adds a finished node to the open collection, or makes it the document's root; at is where
 * the node was written (an alias's own position, for limit errors). */
static void attach_at(Loader *ld, YamlNode *node, Span at) {
  if (ld->depth == 0) {
    ld->document->root = node;
    if (node->weight > ld->limits->max_weight)
      fail(ld, at, "yaml-limit", "document expands to too many nodes (alias expansion)");
    return;
  }
  Frame *frame = &ld->stack[ld->depth - 1];
  YamlNode *parent = frame->node;
  parent->weight += node->weight;
  if (parent->weight > ld->limits->max_weight) {
    fail(ld, at, "yaml-limit",
         arena_printf(ld->arena, "document expands to more than %zu nodes (alias expansion)",
                      ld->limits->max_weight));
    return;
  }
  if (parent->kind == YAML_SEQUENCE) {
    append(ld, frame, NULL, node);
    return;
  }
  if (!frame->pending_key) {
    if (node->kind != YAML_SCALAR) {
      fail(ld, node->span, "yaml-syntax", "map keys must be plain values, not lists or maps");
      return;
    }
    frame->pending_key = node;
    return;
  }
  YamlNode *key = frame->pending_key;
  frame->pending_key = NULL;
  if (!key_insert(ld, parent, key->text))
    fail(ld, key->span, "yaml-duplicate-key",
         arena_printf(ld->arena, "duplicate key '%s' in this map", key->text));
  append(ld, frame, key, node);
}

static void attach(Loader *ld, YamlNode *node) { attach_at(ld, node, node->span); }

static void open_collection(Loader *ld, const yaml_event_t *event, YamlKind kind,
                            const yaml_char_t *anchor) {
  YamlNode *node = arena_alloc(ld->arena, sizeof *node);
  node->kind = kind;
  node->span = mark_span(ld, event->start_mark, event->end_mark);
  node->weight = 1;
  if (ld->depth >= ld->limits->max_depth) {
    fail(ld, node->span, "yaml-limit",
         arena_printf(ld->arena, "nesting deeper than %zu levels", ld->limits->max_depth));
    return;
  }
  Frame *frame = &ld->stack[ld->depth++];
  memset(frame, 0, sizeof *frame);
  frame->node = node;
  if (anchor) {
    frame->anchor = anchor_define(ld, (const char *)anchor, node);
    frame->anchor->open = true;
  }
}

static void close_collection(Loader *ld, const yaml_event_t *event) {
  Frame *frame = &ld->stack[--ld->depth];
  YamlNode *node = frame->node;
  node->span.end = source_offset_at(ld->src, event->end_mark.line, event->end_mark.column);
  if (frame->anchor && frame->anchor->node == node)
    frame->anchor->open = false;
  attach(ld, node);
}

static void take_alias(Loader *ld, const yaml_event_t *event) {
  Span span = mark_span(ld, event->start_mark, event->end_mark);
  Anchor *anchor = anchor_find(ld, (const char *)event->data.alias.anchor);
  if (!anchor)
    fail(ld, span, "yaml-syntax",
         arena_printf(ld->arena, "unknown anchor '%s'", (const char *)event->data.alias.anchor));
  else if (anchor->open)
    fail(ld, span, "yaml-limit", "an alias may not refer to a collection that contains it");
  else
    attach_at(ld, anchor->node, span);
}

/* ---- driver -----------------------------------------------------------------------------------
 */

static void push_document(Loader *ld, YamlFile *out, size_t *capacity, Span span) {
  if (out->count == *capacity) {
    *capacity = *capacity ? *capacity * 2 : 4;
    out->documents =
        arena_grow(ld->arena, out->documents, out->count, *capacity, sizeof(YamlDocument));
  }
  ld->document = &out->documents[out->count++];
  memset(ld->document, 0, sizeof *ld->document);
  ld->document->span = span;
}

static void report_parser_error(Loader *ld, const yaml_parser_t *parser) {
  /* At the end of the input the problem mark says nothing; the context mark (the quote or
   * bracket left open) is where the reader must look. */
  bool at_end = source_offset_at(ld->src, parser->problem_mark.line, parser->problem_mark.column) >=
                ld->src->len;
  yaml_mark_t mark = at_end && parser->context ? parser->context_mark : parser->problem_mark;
  Span span = mark_span(ld, mark, mark);
  const char *problem = parser->problem ? parser->problem : "invalid YAML";
  const char *message =
      parser->context ? arena_printf(ld->arena, "%s (%s)", problem, parser->context) : problem;
  fail(ld, span, "yaml-syntax", message);
}

/* Handles one event; false ends the stream. */
static bool handle(Loader *ld, YamlFile *out, size_t *doc_capacity, const yaml_event_t *event) {
  switch (event->type) {
  case YAML_NO_EVENT:
  case YAML_STREAM_START_EVENT:
    return true;
  case YAML_STREAM_END_EVENT:
    return false;
  case YAML_DOCUMENT_START_EVENT:
    push_document(ld, out, doc_capacity, mark_span(ld, event->start_mark, event->end_mark));
    return true;
  case YAML_DOCUMENT_END_EVENT:
    ld->document->span.end =
        source_offset_at(ld->src, event->end_mark.line, event->end_mark.column);
    return true;
  case YAML_ALIAS_EVENT:
    take_alias(ld, event);
    return true;
  case YAML_SCALAR_EVENT: {
    YamlNode *node = make_scalar(ld, event);
    if (event->data.scalar.anchor)
      anchor_define(ld, (const char *)event->data.scalar.anchor, node);
    attach(ld, node);
    return true;
  }
  case YAML_SEQUENCE_START_EVENT:
    open_collection(ld, event, YAML_SEQUENCE, event->data.sequence_start.anchor);
    return true;
  case YAML_MAPPING_START_EVENT:
    open_collection(ld, event, YAML_MAP, event->data.mapping_start.anchor);
    return true;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    close_collection(ld, event);
    return true;
  }
  return true;
}

bool yaml_load(Arena *arena, const Source *src, const YamlLimits *limits, DiagSink *diags,
               YamlFile *out) {
  memset(out, 0, sizeof *out);
  out->src = src;
  Loader ld = {
      .arena = arena, .src = src, .limits = limits ? limits : &yaml_default_limits, .diags = diags};
  ld.stack = arena_array(arena, ld.limits->max_depth + 1, sizeof(Frame));
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    diag_report_file(diags, DIAG_ERROR, src->path, "yaml-syntax", "cannot start the YAML parser");
    return false;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
  size_t doc_capacity = 0;
  bool more = true;
  while (more && !ld.failed) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      report_parser_error(&ld, &parser);
      break;
    }
    more = handle(&ld, out, &doc_capacity, &event);
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return !ld.failed;
}

YamlNode *yaml_map_get(const YamlNode *map, const char *key) {
  if (!map || map->kind != YAML_MAP)
    return NULL;
  for (size_t i = 0; i < map->count; i++)
    if (strcmp(map->keys[i]->text, key) == 0)
      return map->items[i];
  return NULL;
}

static size_t utf8_width(unsigned long code) {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/* The source bytes an escape occupies and the value bytes it produces (YAML 1.1/1.2 escapes). */
static void escape_widths(const char *at, size_t available, size_t *source, size_t *produced) {
  char escape = available > 1 ? at[1] : 0;
  size_t digits = escape == 'x' ? 2 : escape == 'u' ? 4 : escape == 'U' ? 8 : 0;
  *source = 2 + digits;
  if (digits) {
    unsigned long code = 0;
    for (size_t i = 0; i < digits && 2 + i < available && hex_digit_value(at[2 + i]) >= 0; i++)
      code = code * 16 + (unsigned long)hex_digit_value(at[2 + i]);
    *produced = utf8_width(code);
    return;
  }
  switch (escape) {
  case 'N': /* U+0085 */
  case '_': /* U+00A0 */
    *produced = 2;
    return;
  case 'L': /* U+2028 */
  case 'P': /* U+2029 */
    *produced = 3;
    return;
  default:
    *produced = 1;
  }
}

static size_t double_quoted_offset(const Source *src, size_t start, size_t index) {
  size_t at = start + 1, produced = 0;
  while (at < src->len && produced < index && src->text[at] != '"') {
    if (src->text[at] == '\\') {
      size_t source, bytes;
      escape_widths(src->text + at, src->len - at, &source, &bytes);
      if (produced + bytes > index)
        break; /* the index falls inside this escape: point at the escape */
      at += source;
      produced += bytes;
    } else {
      at++;
      produced++;
    }
  }
  return at;
}

size_t yaml_scalar_offset(const Source *src, const YamlNode *scalar, size_t index) {
  size_t start = scalar->span.start;
  bool one_line = memchr(src->text + start, '\n', scalar->span.end - start) == NULL;
  if (!one_line || index > scalar->len)
    return start;
  switch (scalar->style) {
  case YAML_STYLE_PLAIN:
    return start + index;
  case YAML_STYLE_SINGLE: {
    size_t at = start + 1;
    for (size_t i = 0; i < index && at < src->len; i++)
      at += scalar->text[i] == '\'' ? 2 : 1;
    return at;
  }
  case YAML_STYLE_DOUBLE:
    return double_quoted_offset(src, start, index);
  case YAML_STYLE_BLOCK:
    return start;
  }
  return start;
}

const char *yaml_describe(const YamlNode *node) {
  if (!node)
    return "nothing";
  switch (node->kind) {
  case YAML_SEQUENCE:
    return "a list";
  case YAML_MAP:
    return "a map";
  case YAML_SCALAR:
    break;
  }
  switch (node->type) {
  case YAML_STRING:
    return "a string";
  case YAML_INT:
  case YAML_FLOAT:
    return "a number";
  case YAML_BOOL:
    return "a boolean";
  case YAML_NULL:
    return "null";
  }
  return "a value";
}
