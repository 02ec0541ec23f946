/* The Sigma backend (-t sigma): IR rules written as portable Sigma YAML (specification 2.1).
 * Rules from Sigma come back with their selections; rules from EQL get their ECS fields mapped
 * back to the Sigma taxonomy (the inverse of the mapping), their category and conditions turned
 * into a logsource, and a sequence becomes one rule per step plus a temporal_ordered correlation.
 * What Sigma cannot say (EQL functions, arithmetic, samples, 'until') is refused with the reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emit/emit.h"
#include "emit/eql_expr.h"
#include "emit/output.h"
#include "emit/yaml_text.h"
#include "ir/ir_build.h"

typedef struct Item {
  const char *key; /* field|modifiers, or "|all"-style keyword key, or NULL for keywords */
  char **values;   /* YAML scalars */
  size_t count;
  size_t capacity; /* of values (item_push()); 0: as many as count */
  bool scalar;     /* one value written without a list */
  bool all;        /* several values that must all hold (|all) */
} Item;

typedef struct Selection {
  const char *name;
  Item *items; /* a map; or for 'alternatives' one map per alternative */
  size_t count;
  Item **alternatives; /* a list of maps: alternatives[i] holds items, alt_counts[i] of them */
  size_t *alt_counts;
  size_t alt_count;
  char **keywords; /* a keyword list */
  size_t keyword_count;
} Selection;

typedef struct Writer {
  EmitCtx *ctx;
  const IrRule *rule;
  IrLogsource logsource; /* for mapping fields back */
  bool reverse;          /* EQL rule: map ECS fields back to Sigma names */
  Selection *sels;
  size_t sel_count;
  bool failed;
  bool quiet;          /* trying a shape: report nothing */
  const char **warned; /* fields already warned about in this rule */
  size_t warned_count;
} Writer;

static void refuse(Writer *w, const IrPredicate *pred, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void refuse(Writer *w, const IrPredicate *pred, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *message = arena_vprintf(w->ctx->arena, fmt, args);
  va_end(args);
  w->failed = true;
  if (w->quiet)
    return;
  const Source *src = pred && pred->src ? pred->src : w->rule->src;
  Span span = pred && pred->src ? pred->span : (Span){w->rule->span.start, w->rule->span.start + 1};
  diag_report(w->ctx->diags, DIAG_ERROR, src, span, "sigma-refused", "%s", message);
  w->failed = true;
}

/* ---- predicates as items --------------------------------------------------------------------- */

static const char *sigma_field(Writer *w, const IrPredicate *pred, const char *field) {
  if (!w->reverse || !w->ctx->mapping)
    return field;
  const char *name = mapping_sigma_field(w->ctx->arena, w->ctx->mapping, &w->logsource, field);
  if (name)
    return name;
  for (size_t i = 0; i < w->warned_count; i++)
    if (strcmp(w->warned[i], field) == 0)
      return field;
  if (!w->quiet) {
    w->warned = arena_push_slot(w->ctx->arena, w->warned, w->warned_count, sizeof(char *));
    w->warned[w->warned_count++] = field;
  }
  if (!w->quiet)
    diag_report(w->ctx->diags, DIAG_WARNING, pred->src, pred->span, "sigma-no-taxonomy-name",
                "'%s' has no name in the Sigma taxonomy for this logsource; kept as it is", field);
  return field;
}

static char *literal_value(Writer *w, const IrPredicate *pred, const IrString *s) {
  StrBuf text = STRBUF_INIT;
  if (!yaml_sigma_pattern(&text, s)) {
    refuse(w, pred, "the value holds bytes that are not UTF-8; YAML cannot hold them");
    sb_free(&text);
    return NULL;
  }
  char *value = arena_strdup(w->ctx->arena, sb_text(&text));
  sb_free(&text);
  return value;
}

static char *number_value(Writer *w, const IrNumber *n) {
  return n->is_integer ? arena_printf(w->ctx->arena, "%lld", n->integer)
                       : arena_strdup(w->ctx->arena, n->text);
}

static bool top_level_alternation(const char *pattern) {
  int depth = 0;
  bool in_class = false;
  for (const char *p = pattern; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
    } else if (in_class) {
      in_class = *p != ']';
    } else if (*p == '[') {
      in_class = true;
    } else if (*p == '(') {
      depth++;
    } else if (*p == ')') {
      depth--;
    } else if (*p == '|' && depth == 0) {
      return true;
    }
  }
  return false;
}

/* Characters Lucene reads literally but PCRE does not ('$' anywhere, '^' outside a class's
 * start) get a backslash. */
static const char *pcre_literals(Arena *arena, const char *lucene) {
  StrBuf out = STRBUF_INIT;
  bool in_class = false;
  for (const char *p = lucene; *p; p++) {
    if (*p == '\\' && p[1]) {
      sb_putn(&out, p, 2);
      p++;
    } else if (in_class) {
      in_class = *p != ']';
      sb_putc(&out, *p);
    } else if (*p == '[') {
      in_class = true;
      sb_putc(&out, '[');
      if (p[1] == '^')
        sb_putc(&out, *++p);
    } else {
      if (*p == '$' || *p == '^')
        sb_putc(&out, '\\');
      sb_putc(&out, *p);
    }
  }
  const char *result = arena_strndup(arena, sb_text(&out), out.len);
  sb_free(&out);
  return result;
}

/* A Lucene regex (from EQL, whole-value match) as a Sigma re (PCRE, found anywhere). */
static char *lucene_as_pcre(Writer *w, const IrPredicate *pred) {
  if (strpbrk(pred->pattern, "@&<>#~")) {
    refuse(w, pred, "the Lucene regex '%s' uses an operator PCRE does not have (@ & < > # ~)",
           pred->pattern);
    return NULL;
  }
  /* \A and \z anchor like Lucene's whole-value match (a '$' would allow a final newline); a
   * group is added only where an alternation needs it, so round trips stay the same */
  const char *body = pcre_literals(w->ctx->arena, pred->pattern);
  const char *pcre = top_level_alternation(pred->pattern)
                         ? arena_printf(w->ctx->arena, "\\A(?:%s)\\z", body)
                         : arena_printf(w->ctx->arena, "\\A%s\\z", body);
  StrBuf text = STRBUF_INIT;
  yaml_scalar(&text, pcre, strlen(pcre));
  char *value = arena_strdup(w->ctx->arena, sb_text(&text));
  sb_free(&text);
  return value;
}

/* A wildcard pattern with '*' at an end is a contains / startswith / endswith of what is left
 * (which still has wildcards inside); false for one without, or for '*' alone. */
static bool wildcard_shape(const IrString *s, IrString *inner, IrMatchKind *match) {
  bool before = s->count > 1 && s->segs[0].kind == IR_SEG_ANY;
  bool after = s->count > 1 && s->segs[s->count - 1].kind == IR_SEG_ANY;
  if (!before && !after)
    return false;
  inner->segs = s->segs + before;
  inner->count = s->count - before - after;
  if (inner->count == 0)
    return false;
  *match = before && after ? IR_MATCH_CONTAINS : before ? IR_MATCH_ENDSWITH : IR_MATCH_STARTSWITH;
  return true;
}

/* The modifiers of a predicate's match kind, and its value as YAML. */
/* A regex as Sigma's 're' with its flags: an EQL (Lucene) regex becomes PCRE, with '.' matching
 * newlines ('s') and case following the operator. */
static char *regex_item(Writer *w, const IrPredicate *pred, const char **mods) {
  *mods = arena_printf(w->ctx->arena, "|re%s%s%s", pred->lucene ? "|s" : "",
                       pred->regex_flags & IR_RE_IGNORECASE || (pred->lucene && !pred->cased) ? "|i"
                                                                                              : "",
                       pred->regex_flags & IR_RE_MULTILINE ? "|m" : "");
  if (!pred->lucene && (pred->regex_flags & IR_RE_DOTALL))
    *mods = arena_printf(w->ctx->arena, "%s|s", *mods);
  if (pred->lucene)
    return lucene_as_pcre(w, pred);
  StrBuf text = STRBUF_INIT;
  yaml_scalar(&text, pred->pattern, strlen(pred->pattern));
  char *value = arena_strdup(w->ctx->arena, sb_text(&text));
  sb_free(&text);
  return value;
}

static bool item_of(Writer *w, const IrPredicate *pred, const char **key, char **value) {
  static const char *const time_parts[] = {"", "minute", "hour", "day", "week", "month", "year"};
  const char *field = pred->field ? sigma_field(w, pred, pred->field) : "";
  const char *mods = "";
  const IrString *s = &pred->value.string;
  IrMatchKind match = pred->match;
  IrString inner;
  if (match == IR_MATCH_WILDCARD && wildcard_shape(s, &inner, &match))
    s = &inner; /* '*x?y*' is contains 'x?y', as a rule writes it */
  switch (match) {
  case IR_MATCH_EQUALS:
  case IR_MATCH_WILDCARD:
    *value = pred->value.kind == IR_VALUE_STRING   ? literal_value(w, pred, s)
             : pred->value.kind == IR_VALUE_NUMBER ? number_value(w, &pred->value.number)
             : pred->value.kind == IR_VALUE_BOOL   ? (pred->value.boolean ? "true" : "false")
                                                   : "null";
    break;
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
    mods = match == IR_MATCH_CONTAINS     ? "|contains"
           : match == IR_MATCH_STARTSWITH ? "|startswith"
                                          : "|endswith";
    *value = literal_value(w, pred, s);
    break;
  case IR_MATCH_REGEX:
    *value = regex_item(w, pred, &mods);
    break;
  case IR_MATCH_CIDR:
    mods = "|cidr";
    *value = arena_printf(w->ctx->arena, "'%s'", pred->pattern);
    break;
  case IR_MATCH_EXISTS:
    mods = "|exists";
    *value = "true";
    break;
  case IR_MATCH_NULL:
    *value = "null";
    break;
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
    mods = arena_printf(w->ctx->arena, "|%s", ir_match_kind_name(pred->match));
    *value = number_value(w, &pred->value.number);
    break;
  case IR_MATCH_FIELDREF:
    mods = pred->ref_anchor == IR_ANCHOR_WHOLE
               ? "|fieldref"
               : arena_printf(w->ctx->arena, "|fieldref|%s", ir_anchor_name(pred->ref_anchor));
    *value = arena_printf(w->ctx->arena, "'%s'", sigma_field(w, pred, pred->pattern));
    break;
  case IR_MATCH_EXPR: {
    StrBuf text = STRBUF_INIT;
    eql_expr_print(pred->expr, &text);
    refuse(w, pred, "Sigma has no form for the EQL expression '%s'", sb_text(&text));
    sb_free(&text);
    return false;
  }
  }
  if (!*value)
    return false;
  bool stringly = pred->match == IR_MATCH_EQUALS || pred->match == IR_MATCH_CONTAINS ||
                  pred->match == IR_MATCH_STARTSWITH || pred->match == IR_MATCH_ENDSWITH ||
                  pred->match == IR_MATCH_WILDCARD;
  bool cased = pred->cased && stringly && pred->value.kind == IR_VALUE_STRING;
  *key = arena_printf(w->ctx->arena, "%s%s%s%s%s", field, mods, cased ? "|cased" : "",
                      pred->time_part ? "|" : "", time_parts[pred->time_part]);
  return true;
}

/* ---- selections ------------------------------------------------------------------------------ */

/* Adds value to an item's values, doubling their room when it is full (a list of n values
 * copied log n times, not n). */
static void item_push(Writer *w, Item *item, char *value) {
  if (item->count >= item->capacity) {
    size_t capacity = item->count < 4 ? 8 : 2 * item->count;
    item->values = arena_grow(w->ctx->arena, item->values, item->count, capacity, sizeof(char *));
    item->capacity = capacity;
  }
  item->values[item->count++] = value;
}

/* A node that is one detection item: a predicate, an 'or' of predicates with one key (a value
 * list), a 'not' of those (neq; exists: false), or an 'and' of one key (|all). */
static bool as_item(Writer *w, const IrNode *node, Item *out) {
  memset(out, 0, sizeof *out);
  if (node->kind == IR_PRED) {
    out->values = arena_alloc(w->ctx->arena, sizeof(char *));
    out->count = out->capacity = 1;
    out->scalar = true;
    return item_of(w, &node->pred, &out->key, &out->values[0]);
  }
  if (node->kind == IR_NOT) {
    const IrNode *child = node->children[0];
    if (child->label)
      return false; /* 'not' over a named selection stays 'not name' */
    if (child->kind == IR_PRED && child->pred.match == IR_MATCH_NULL)
      return false; /* not null: 'not' over a selection of its own, as the spec writes it */
    if (child->kind == IR_PRED && child->pred.match == IR_MATCH_EXISTS) {
      if (!as_item(w, child, out))
        return false;
      out->values[0] = "false";
      return true;
    }
    if (!as_item(w, child, out) || strstr(out->key, "|all"))
      return false;
    out->key = arena_printf(w->ctx->arena, "%s|neq", out->key);
    return true;
  }
  if (node->kind != IR_OR && node->kind != IR_AND)
    return false;
  out->values = arena_array(w->ctx->arena, node->count, sizeof(char *));
  out->capacity = node->count;
  for (size_t i = 0; i < node->count; i++) {
    const IrNode *child = node->children[i];
    const char *key;
    if (child->kind != IR_PRED || !child->pred.field || child->label ||
        child->pred.match == IR_MATCH_NULL)
      return false; /* null stands in no list (the specification says so) */
    if (!item_of(w, &child->pred, &key, &out->values[out->count]))
      return false;
    if (out->key && strcmp(out->key, key) != 0)
      return false;
    out->key = key;
    out->count++;
  }
  if (node->kind == IR_AND)
    out->key = arena_printf(w->ctx->arena, "%s|all", out->key);
  return true;
}

static Item *find_key(Item *items, size_t count, const char *key) {
  for (size_t k = 0; k < count; k++)
    if (strcmp(items[k].key, key) == 0)
      return &items[k];
  return NULL;
}

/* contains / startswith / endswith written with explicit wildcards under the field alone
 * ('CommandLine: *x*'): the same test, for when a map already uses the modifier's key. */
static bool as_wildcard_item(Writer *w, const IrNode *node, Item *out) {
  size_t n = node->kind == IR_OR ? node->count : 1;
  if (node->kind != IR_PRED && node->kind != IR_OR)
    return false;
  Item item = {
      .values = arena_array(w->ctx->arena, n, sizeof(char *)), .capacity = n, .scalar = n == 1};
  for (size_t i = 0; i < n; i++) {
    const IrNode *leaf = node->kind == IR_OR ? node->children[i] : node;
    const IrPredicate *pred = &leaf->pred;
    bool shaped = leaf->kind == IR_PRED && pred->field && !leaf->label &&
                  pred->value.kind == IR_VALUE_STRING &&
                  (pred->match == IR_MATCH_CONTAINS || pred->match == IR_MATCH_STARTSWITH ||
                   pred->match == IR_MATCH_ENDSWITH || pred->match == IR_MATCH_WILDCARD ||
                   pred->match == IR_MATCH_EQUALS);
    if (!shaped)
      return false;
    IrString pattern = ir_pattern_of(w->ctx->arena, pred);
    const char *key = arena_printf(w->ctx->arena, "%s%s", sigma_field(w, pred, pred->field),
                                   pred->cased ? "|cased" : "");
    if (item.key && strcmp(item.key, key) != 0)
      return false;
    item.key = key;
    item.values[item.count] = literal_value(w, pred, &pattern);
    if (!item.values[item.count++])
      return false;
  }
  *out = item;
  return true;
}

/* A map: an 'and' of items with different keys, or one item. */
static bool as_map(Writer *w, const IrNode *node, Item **items, size_t *count) {
  size_t n = node->kind == IR_AND && !node->label ? node->count : 1;
  Item single;
  if (as_item(w, node, &single)) { /* one item (its 'and' may be an |all) */
    *items = arena_alloc(w->ctx->arena, sizeof(Item));
    (*items)[0] = single;
    *count = 1;
    return true;
  }
  if (node->kind != IR_AND)
    return false;
  n = node->count;
  *items = arena_array(w->ctx->arena, n, sizeof(Item));
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    Item item;
    if (node->children[i]->label || !as_item(w, node->children[i], &item))
      return false; /* named selections stay apart */
    Item *same = find_key(*items, *count, item.key);
    bool last = *count > 0 && same == &(*items)[*count - 1];
    if (same && !(same->scalar && item.scalar && last) &&
        as_wildcard_item(w, node->children[i], &item))
      same = find_key(*items, *count, item.key); /* the same test under the plain key */
    if (!same) {
      (*items)[(*count)++] = item;
      continue;
    } /* the key again: its values must all hold, which Sigma writes with |all */
    if (!same->scalar || !item.scalar || strstr(item.key, "|neq") || strstr(item.key, "|all"))
      return false;
    item_push(w, same, item.values[0]);
    same->all = true;
  }
  for (size_t k = 0; k < *count; k++)
    if ((*items)[k].all) {
      (*items)[k].key = arena_printf(w->ctx->arena, "%s|all", (*items)[k].key);
      (*items)[k].scalar = false;
    }
  return true;
}

static bool keyword_list(Writer *w, const IrNode *node, Selection *sel) {
  size_t n = node->kind == IR_OR ? node->count : 1;
  sel->keywords = arena_array(w->ctx->arena, n, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const IrNode *leaf = node->kind == IR_OR ? node->children[i] : node;
    IrMatchKind m = leaf->kind == IR_PRED ? leaf->pred.match : IR_MATCH_EXPR;
    bool text = m == IR_MATCH_EQUALS || m == IR_MATCH_CONTAINS || m == IR_MATCH_STARTSWITH ||
                m == IR_MATCH_ENDSWITH || m == IR_MATCH_WILDCARD;
    if (!text || leaf->pred.field || leaf->pred.value.kind != IR_VALUE_STRING)
      return false;
    IrString pattern = ir_pattern_of(w->ctx->arena, &leaf->pred);
    sel->keywords[i] = literal_value(w, &leaf->pred, &pattern);
    if (!sel->keywords[i])
      return false;
  }
  sel->keyword_count = n;
  return true;
}

/* A node as one selection: a map, a list of maps, or keywords; false when it is none. */
static bool as_selection(Writer *w, const IrNode *node, Selection *sel) {
  memset(sel, 0, sizeof *sel);
  if (keyword_list(w, node, sel))
    return true;
  sel->keyword_count = 0;
  if (as_map(w, node, &sel->items, &sel->count))
    return true;
  if (node->kind != IR_OR)
    return false;
  /* a list of maps; neighbours with one key share a map with a value list */
  sel->alternatives = arena_array(w->ctx->arena, node->count, sizeof(Item *));
  sel->alt_counts = arena_array(w->ctx->arena, node->count, sizeof(size_t));
  for (size_t i = 0; i < node->count; i++) {
    const IrNode *child = node->children[i];
    if (child->label)
      return false;
    Item item;
    bool single = child->kind == IR_PRED && child->pred.field && as_item(w, child, &item);
    Item *last = sel->alt_count ? &sel->alternatives[sel->alt_count - 1][0] : NULL;
    single = single && child->pred.match != IR_MATCH_NULL &&
             !(last && strcmp(last->values[0], "null") == 0);
    if (single && last && sel->alt_counts[sel->alt_count - 1] == 1 &&
        strcmp(last->key, item.key) == 0 && !strstr(last->key, "|all")) {
      item_push(w, last, item.values[0]);
      last->scalar = false;
      continue;
    }
    if (!as_map(w, child, &sel->alternatives[sel->alt_count], &sel->alt_counts[sel->alt_count]))
      return false;
    sel->alt_count++;
  }
  return true;
}

static bool name_taken(const Writer *w, const char *name) {
  for (size_t i = 0; i < w->sel_count; i++)
    if (strcmp(w->sels[i].name, name) == 0)
      return true;
  return false;
}

/* A search identifier the condition grammar can read ([A-Za-z0-9_.-]); others are renamed. */
static const char *usable_label(Writer *w, const char *label) {
  if (!label ||
      strspn(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
          strlen(label))
    return label;
  char *name = arena_strdup(w->ctx->arena, label);
  for (char *c = name; *c; c++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *c))
      *c = '_';
  return name;
}

static const char *add_selection(Writer *w, const char *label, Selection *sel) {
  label = usable_label(w, label);
  if (label && name_taken(w, label) && w->rule->origin == IR_LANG_SIGMA)
    return label; /* the same identifier named again by another condition of the list */
  const char *name = label;
  for (size_t n = 1; !name || name_taken(w, name); n++)
    name = n == 1 ? "selection" : arena_printf(w->ctx->arena, "selection_%zu", n);
  sel->name = name;
  w->sels = arena_push_slot(w->ctx->arena, w->sels, w->sel_count, sizeof(Selection));
  w->sels[w->sel_count++] = *sel;
  return name;
}

/* The EQL backend writes Sigma's 'not X' over a field outside ECS as (?f == null or not X), so
 * that events without the field still pass; reading it back, that is 'not X' again. */
static const IrNode *unwrapped_not(const IrNode *node) {
  if (node->kind != IR_OR || node->count != 2 || node->label)
    return NULL;
  const IrNode *null = node->children[0], *not = node->children[1];
  if (null->kind != IR_PRED || null->pred.match != IR_MATCH_NULL || !null->pred.optional ||
      not ->kind != IR_NOT)
    return NULL;
  const IrNode *inner = not ->children[0];
  const IrNode *leaf = inner->kind == IR_OR ? inner->children[0] : inner;
  if (leaf->kind != IR_PRED || !leaf->pred.field || strcmp(leaf->pred.field, null->pred.field) != 0)
    return NULL;
  return not ;
}

/* The condition over selections for node; selections are collected as they are named. */
static const char *condition(Writer *w, const IrNode *node, int context) {
  Arena *arena = w->ctx->arena;
  if (w->reverse && unwrapped_not(node))
    node = unwrapped_not(node);
  Selection sel;
  bool failed_before = w->failed;
  w->quiet = true; /* try the shape first; a node that is no selection may still be a condition */
  bool selection = as_selection(w, node, &sel);
  w->quiet = false;
  w->failed = failed_before;
  if (selection) {
    as_selection(w, node, &sel); /* again, to report its warnings once */
    return add_selection(w, node->label, &sel);
  }
  switch (node->kind) {
  case IR_AND:
  case IR_OR: {
    int own = node->kind == IR_OR ? 1 : 2;
    StrBuf text = STRBUF_INIT;
    for (size_t i = 0; i < node->count; i++) {
      sb_puts(&text, i ? (own == 1 ? " or " : " and ") : "");
      sb_puts(&text, condition(w, node->children[i], own + 1));
    }
    const char *result = arena_printf(arena, own < context ? "(%s)" : "%s", sb_text(&text));
    sb_free(&text);
    return result;
  }
  case IR_NOT:
    return arena_printf(arena, "not %s", condition(w, node->children[0], 3));
  case IR_PRED: {
    Item item; /* refused by item_of, which says why */
    as_item(w, node, &item);
    return "unsupported";
  }
  case IR_NESTED:
    refuse(w, &node->pred,
           "Sigma has no nested query: '%s:{ ... }' needs one object of '%s' to satisfy the "
           "whole query, which Sigma's flattened fields cannot say",
           node->path, node->path);
    return "unsupported";
  }
  return "";
}

/* ---- documents ------------------------------------------------------------------------------- */

static void put_scalar(StrBuf *out, const char *text) {
  if (!yaml_scalar(out, text, strlen(text)))
    sb_puts(out, "''");
}

static void put_list(StrBuf *out, const char *key, const IrStrList *list) {
  if (!list->count)
    return;
  sb_printf(out, "%s:\n", key);
  for (size_t i = 0; i < list->count; i++) {
    sb_puts(out, "    - ");
    put_scalar(out, list->items[i]);
    sb_putc(out, '\n');
  }
}

static void put_field(StrBuf *out, const char *key, const char *value) {
  if (!value)
    return;
  sb_printf(out, "%s: ", key);
  put_scalar(out, value);
  sb_putc(out, '\n');
}

static void put_data(StrBuf *out, const IrData *data, int indent);

static void put_data_entry(StrBuf *out, const char *key, const IrData *value, int indent) {
  sb_repeat(out, ' ', (size_t)indent);
  yaml_key(out, key);
  sb_putc(out, ':');
  if (value->kind == IR_DATA_LIST || value->kind == IR_DATA_MAP) {
    sb_putc(out, '\n');
    put_data(out, value, indent + 4);
  } else {
    sb_putc(out, ' ');
    put_data(out, value, indent);
  }
}

/* Custom keys kept from a Sigma rule, written back as they were read. */
static void put_data(StrBuf *out, const IrData *data, int indent) {
  switch (data->kind) {
  case IR_DATA_STRING:
    put_scalar(out, data->text);
    sb_putc(out, '\n');
    break;
  case IR_DATA_NUMBER:
  case IR_DATA_BOOL:
    sb_printf(out, "%s\n", data->text);
    break;
  case IR_DATA_NULL:
    sb_puts(out, "null\n");
    break;
  case IR_DATA_LIST:
    for (size_t i = 0; i < data->count; i++) {
      sb_repeat(out, ' ', (size_t)indent);
      sb_puts(out, "- ");
      if (data->items[i]->kind == IR_DATA_LIST || data->items[i]->kind == IR_DATA_MAP) {
        sb_putc(out, '\n');
        put_data(out, data->items[i], indent + 4);
      } else {
        put_data(out, data->items[i], indent);
      }
    }
    break;
  case IR_DATA_MAP:
    for (size_t i = 0; i < data->count; i++)
      put_data_entry(out, data->entries[i].key, data->entries[i].value, indent);
    break;
  }
}

static void put_values(StrBuf *out, const Item *item, int indent) {
  sb_repeat(out, ' ', (size_t)indent);
  yaml_key(out, item->key);
  if (item->scalar) {
    sb_printf(out, ": %s\n", item->values[0]);
    return;
  }
  sb_puts(out, ":\n");
  for (size_t i = 0; i < item->count; i++) {
    sb_repeat(out, ' ', (size_t)indent + 4);
    sb_printf(out, "- %s\n", item->values[i]);
  }
}

static void put_selection(StrBuf *out, const Selection *sel) {
  sb_printf(out, "    %s:\n", sel->name);
  for (size_t i = 0; i < sel->keyword_count; i++)
    sb_printf(out, "        - %s\n", sel->keywords[i]);
  for (size_t i = 0; i < sel->count; i++)
    put_values(out, &sel->items[i], 8);
  for (size_t a = 0; a < sel->alt_count; a++)
    for (size_t i = 0; i < sel->alt_counts[a]; i++) {
      /* the first item of each alternative opens a list entry */
      StrBuf line = STRBUF_INIT;
      put_values(&line, &sel->alternatives[a][i], 10);
      char *text = line.data;
      if (i == 0)
        text[8] = '-';
      sb_puts(out, text);
      sb_free(&line);
    }
}

/* A stable UUID (version 4 layout) from a name: the same input always gets the same id. */
static const char *stable_uuid(Arena *arena, const char *name) {
  unsigned long long a = 1469598103934665603ULL, b = 1099511628211ULL * 31;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    a = (a ^ *p) * 1099511628211ULL;
    b = (b ^ *p) * 1099511628211ULL + 0x9e3779b97f4a7c15ULL;
  }
  return arena_printf(arena, "%08llx-%04llx-4%03llx-%04llx-%012llx", a >> 32, (a >> 16) & 0xFFFF,
                      a & 0xFFF, 0x8000 | ((b >> 48) & 0x3FFF), b & 0xFFFFFFFFFFFFULL);
}

/* The file's name without folders and extension, in the characters a Sigma rule name uses. */
static const char *file_stem(Arena *arena, const char *path) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  const char *dot = strrchr(base, '.');
  char *stem = arena_strndup(arena, base, dot ? (size_t)(dot - base) : strlen(base));
  for (char *c = stem; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
      *c = *c >= 'A' && *c <= 'Z' ? (char)(*c | 0x20) : '_';
  return stem;
}

/* Metadata: the Sigma rule's own, or for EQL what the command line gave, with stable defaults. */
static void put_meta_head(Writer *w, StrBuf *out, const char *suffix) {
  const IrMeta *m = &w->rule->meta;
  const EmitMeta *given = w->ctx->meta;
  if (w->rule->origin == IR_LANG_SIGMA) {
    put_field(out, "title", m->title);
    put_field(out, "id", m->id);
    put_field(out, "name", m->name);
    put_field(out, "status", m->status);
    put_field(out, "description", m->description);
    put_list(out, "references", &m->references);
    put_field(out, "author", m->author);
    put_field(out, "date", m->date);
    put_field(out, "modified", m->modified);
    put_list(out, "tags", &m->tags);
    return;
  }
  /* an exported rule's own metadata first, then the command line's, then stable defaults */
  const char *stem = file_stem(w->ctx->arena, w->rule->src ? w->rule->src->path : "query");
  const char *title = m->title ? m->title : given && given->title ? given->title : stem;
  const char *id = m->id ? m->id : given ? given->id : NULL;
  put_field(out, "title", suffix ? arena_printf(w->ctx->arena, "%s (%s)", title, suffix) : title);
  const char *id_seed = arena_printf(w->ctx->arena, "%s#%zu#%s", id ? id : stem, w->rule->document,
                                     suffix ? suffix : "");
  put_field(out, "id", id && !suffix ? id : stable_uuid(w->ctx->arena, id_seed));
  if (suffix)
    put_field(out, "name", arena_printf(w->ctx->arena, "%s_%s", stem, suffix));
  put_field(out, "status", "experimental");
  put_field(out, "description",
            m->description ? m->description
            : given        ? given->description
                           : NULL);
  put_list(out, "references", &m->references);
  put_field(out, "author", given ? given->author : NULL);
  put_field(out, "date", given ? given->date : NULL);
  IrStrList tags = m->tags;
  if (given && given->tags.count) {
    IrStrList both = {arena_array(w->ctx->arena, tags.count + given->tags.count, sizeof(char *)),
                      0};
    for (size_t i = 0; i < tags.count; i++)
      both.items[both.count++] = tags.items[i];
    for (size_t i = 0; i < given->tags.count; i++)
      both.items[both.count++] = given->tags.items[i];
    tags = both;
  }
  put_list(out, "tags", &tags);
}

static void put_meta_tail(Writer *w, StrBuf *out) {
  const IrMeta *m = &w->rule->meta;
  if (w->rule->origin == IR_LANG_SIGMA) {
    put_list(out, "fields", &m->fields);
    put_list(out, "falsepositives", &m->falsepositives);
    put_field(out, "level", m->level);
    for (size_t i = 0; i < m->custom_count; i++)
      put_data_entry(out, m->custom[i].key, m->custom[i].value, 0);
    return;
  }
  put_list(out, "falsepositives", &m->falsepositives);
  put_field(out, "level",
            m->level                              ? m->level
            : w->ctx->meta && w->ctx->meta->level ? w->ctx->meta->level
                                                  : "medium");
}

static void put_logsource(StrBuf *out, const IrLogsource *l) {
  sb_puts(out, "logsource:\n");
  if (l->product)
    sb_printf(out, "    product: %s\n", l->product);
  if (l->category)
    sb_printf(out, "    category: %s\n", l->category);
  if (l->service)
    sb_printf(out, "    service: %s\n", l->service);
  if (l->definition) {
    sb_puts(out, "    definition: ");
    put_scalar(out, l->definition);
    sb_putc(out, '\n');
  }
  for (size_t i = 0; i < l->custom_count; i++)
    put_data_entry(out, l->custom[i].key, l->custom[i].value, 4);
}

/* ---- rules ----------------------------------------------------------------------------------- */

static bool same_condition(const IrNode *node, const MapCondition *c) {
  size_t n = node->kind == IR_OR ? node->count : 1;
  if (n != c->values.count)
    return false;
  for (size_t k = 0; k < n; k++) {
    const IrNode *leaf = node->kind == IR_OR ? node->children[k] : node;
    if (leaf->kind != IR_PRED || leaf->pred.match != IR_MATCH_EQUALS || !leaf->pred.field ||
        strcmp(leaf->pred.field, c->field) != 0 || leaf->pred.value.kind != IR_VALUE_STRING ||
        leaf->pred.value.string.count != 1 ||
        strcmp(leaf->pred.value.string.segs[0].text, c->values.items[k]) != 0)
      return false;
  }
  return true;
}

/* The condition without the AND-ed parts the logsource stands for (and without the
 * event.category test of an 'any where'). */
static const IrNode *without(Arena *arena, const IrNode *where, const MapCondition *conditions,
                             size_t count) {
  const IrNode *const *parts =
      where->kind == IR_AND ? (const IrNode *const *)where->children : &where;
  size_t n = where->kind == IR_AND ? where->count : 1;
  IrNode **kept = arena_array(arena, n, sizeof(IrNode *));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    bool drop = false;
    for (size_t c = 0; c < count && !drop; c++)
      drop = same_condition(parts[i], &conditions[c]);
    if (!drop)
      kept[k++] = (IrNode *)parts[i];
  }
  if (k == 0)
    return NULL;
  return k == n ? where : ir_join(arena, IR_AND, kept, k);
}

/* 'any where event.category == "file" and ...' is 'file where ...'. */
static const char *category_of(Writer *w, const IrQuery *q, const IrNode **where) {
  if (q->category)
    return q->category;
  const IrNode *const *parts =
      (*where)->kind == IR_AND ? (const IrNode *const *)(*where)->children : where;
  size_t n = (*where)->kind == IR_AND ? (*where)->count : 1;
  for (size_t i = 0; i < n; i++) {
    const IrPredicate *p = parts[i]->kind == IR_PRED ? &parts[i]->pred : NULL;
    if (p && p->match == IR_MATCH_EQUALS && p->field && strcmp(p->field, "event.category") == 0 &&
        p->value.kind == IR_VALUE_STRING && p->value.string.count == 1) {
      const char *category = p->value.string.segs[0].text;
      MapCondition c = {"event.category", {&category, 1}};
      *where = without(w->ctx->arena, *where, &c, 1);
      return category;
    }
  }
  return "any";
}

/* The Sigma logsource of an EQL event query, and its condition without what the logsource
 * says; false after refusing. */
/* Whether node is 'not (field is null)', a test that field has a value. */
static const char *value_test_field(const IrNode *node) {
  if (node->kind != IR_NOT || node->children[0]->kind != IR_PRED)
    return NULL;
  const IrPredicate *p = &node->children[0]->pred;
  return p->match == IR_MATCH_NULL ? p->field : NULL;
}

/* Whether a condition is the cidrMatch() the EQL backend guards: networks of field. */
static bool guarded_test(const IrNode *node, const char *field) {
  if (node->kind == IR_PRED)
    return node->pred.match == IR_MATCH_CIDR && node->pred.field &&
           strcmp(node->pred.field, field) == 0;
  if (node->kind != IR_OR)
    return false;
  for (size_t i = 0; i < node->count; i++)
    if (!guarded_test(node->children[i], field))
      return false;
  return true;
}

/* The condition without the value tests an AND makes redundant in Sigma: EQL writes
 * '?f != null and cidrMatch(f, ...)' so that a missing f is false rather than null, and in Sigma
 * the cidr test alone is false then already (the EQL backend writes the guard again). */
static const IrNode *without_guards(Arena *arena, const IrNode *node) {
  if (node->kind == IR_PRED)
    return node;
  IrNode **kept = arena_array(arena, node->count, sizeof(IrNode *));
  size_t k = 0;
  bool changed = false;
  for (size_t i = 0; i < node->count; i++) {
    const char *field = node->kind == IR_AND ? value_test_field(node->children[i]) : NULL;
    bool redundant = false;
    for (size_t j = 0; field && j < node->count && !redundant; j++)
      redundant = j != i && guarded_test(node->children[j], field);
    if (redundant) {
      changed = true;
      continue;
    }
    kept[k] = (IrNode *)without_guards(arena, node->children[i]);
    changed = changed || kept[k] != node->children[i];
    k++;
  }
  if (!changed)
    return node;
  if (node->kind == IR_NOT)
    return ir_not(arena, kept[0]);
  IrNode *out = (IrNode *)ir_join(arena, node->kind, kept, k);
  if (out->kind == node->kind && node->label && out != kept[0])
    out->label = node->label;
  return out;
}

static bool logsource_of(Writer *w, const IrQuery *q, const IrNode **where) {
  *where = q->where;
  const char *category = category_of(w, q, where);
  const MapLogsource *row =
      w->ctx->mapping && *where ? mapping_logsource_of(w->ctx->mapping, category, *where) : NULL;
  if (!row) {
    refuse(w, NULL,
           "no logsource of the '%s' mapping stands for '%s where' with these conditions (for "
           "example, process_creation needs event.type == \"start\")",
           w->ctx->mapping ? w->ctx->mapping->name : "", category);
    return false;
  }
  memset(&w->logsource, 0, sizeof w->logsource);
  w->logsource.product = row->when.product;
  w->logsource.category = row->when.category;
  w->logsource.service = row->when.service;
  *where = without(w->ctx->arena, *where, row->conditions, row->condition_count);
  if (*where)
    *where = without_guards(w->ctx->arena, *where);
  if (!*where)
    refuse(w, NULL, "the query tests nothing beyond its logsource; Sigma needs a selection");
  return *where != NULL;
}

/* One detection document; a Sigma rule's condition list comes back as a list. */
static bool detection_doc(Writer *w, const IrNode *const *wheres, size_t count, const char *suffix,
                          StrBuf *out) {
  w->sels = NULL;
  w->sel_count = 0;
  const char **conds = arena_array(w->ctx->arena, count, sizeof(char *));
  for (size_t i = 0; i < count; i++)
    conds[i] = condition(w, wheres[i], 0);
  if (w->failed)
    return false;
  put_meta_head(w, out, suffix);
  put_logsource(out, &w->logsource);
  sb_puts(out, "detection:\n");
  for (size_t i = 0; i < w->sel_count; i++)
    put_selection(out, &w->sels[i]);
  sb_puts(out, "    condition:");
  for (size_t i = 0; i < count; i++) {
    sb_puts(out, count > 1 ? "\n        - " : " ");
    put_scalar(out, conds[i]);
  }
  sb_putc(out, '\n');
  put_meta_tail(w, out);
  return true;
}

static const char *timespan(Writer *w, long long ms) {
  static const struct {
    long long ms;
    char unit;
  } units[] = {{86400000, 'd'}, {3600000, 'h'}, {60000, 'm'}, {1000, 's'}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (ms % units[i].ms == 0)
      return arena_printf(w->ctx->arena, "%lld%c", ms / units[i].ms, units[i].unit);
  refuse(w, NULL, "a Sigma timespan counts whole seconds; maxspan %lld ms is not one", ms);
  return NULL;
}

/* The Sigma names of the join keys of step i (shared keys first, then the step's own). */
static IrStrList step_keys(Writer *w, const IrQuery *q, size_t i) {
  const IrStep *step = &q->steps[i];
  IrStrList keys = {arena_array(w->ctx->arena, q->by.count + step->by.count + 1, sizeof(char *)),
                    0};
  for (size_t k = 0; k < q->by.count + step->by.count; k++) {
    const char *key = k < q->by.count ? q->by.items[k] : step->by.items[k - q->by.count];
    key += key[0] == '?'; /* Sigma group-by has no optional keys */
    const char *name = w->ctx->mapping
                           ? mapping_sigma_field(w->ctx->arena, w->ctx->mapping, &w->logsource, key)
                           : NULL;
    keys.items[keys.count++] = name ? name : key;
  }
  return keys;
}

static bool sequence_refusals(Writer *w, const IrQuery *q) {
  if (q->kind == IR_QUERY_SAMPLE)
    refuse(w, NULL, "a sample has no time window, and every Sigma correlation needs a timespan");
  else if (q->until)
    refuse(w, NULL, "Sigma correlations have no 'until'");
  else if (!q->maxspan_ms)
    refuse(w, NULL, "a sequence without maxspan has no Sigma timespan");
  else if (q->pipe_count)
    refuse(w, NULL, "Sigma has no pipes ('| %s')", ir_pipe_kind_name(q->pipes[0].kind));
  for (size_t i = 0; i < q->step_count && !w->failed; i++)
    if (q->steps[i].missing)
      refuse(w, NULL, "Sigma correlations cannot say that an event is missing ('![...]')");
    else if (q->steps[i].runs > 1 && q->step_count > 1)
      refuse(w, NULL, "Sigma cannot repeat one step of a longer sequence ('with runs=%ld')",
             q->steps[i].runs);
  return !w->failed;
}

/* An EQL sequence: one rule per step, then the correlation over them. A one-step sequence with
 * runs=N is an event_count of at least N. */
static bool sequence_docs(Writer *w, const IrQuery *q, StrBuf *out) {
  if (!sequence_refusals(w, q))
    return false;
  const char *span = timespan(w, q->maxspan_ms);
  if (!span)
    return false;
  IrStrList *keys = arena_array(w->ctx->arena, q->step_count, sizeof(IrStrList));
  const char **names = arena_array(w->ctx->arena, q->step_count, sizeof(char *));
  const char *stem = file_stem(w->ctx->arena, w->rule->src ? w->rule->src->path : "query");
  for (size_t i = 0; i < q->step_count; i++) {
    IrQuery step = {
        .kind = IR_QUERY_EVENT, .category = q->steps[i].category, .where = q->steps[i].where};
    const IrNode *where;
    const char *suffix = arena_printf(w->ctx->arena, "step_%zu", i + 1);
    names[i] = arena_printf(w->ctx->arena, "%s_%s", stem, suffix);
    if (!logsource_of(w, &step, &where))
      return false;
    keys[i] = step_keys(w, q, i);
    if (!detection_doc(w, &where, 1, suffix, out))
      return false;
    sb_puts(out, "---\n");
  }
  put_meta_head(w, out, NULL);
  sb_printf(out, "correlation:\n    type: %s\n    rules:\n",
            q->step_count == 1 ? "event_count" : "temporal_ordered");
  for (size_t i = 0; i < q->step_count; i++)
    sb_printf(out, "        - %s\n", names[i]);
  bool aliases = false;
  for (size_t k = 0; k < keys[0].count; k++)
    for (size_t i = 1; i < q->step_count; i++)
      aliases = aliases || strcmp(keys[i].items[k], keys[0].items[k]) != 0;
  if (keys[0].count) {
    sb_puts(out, "    group-by:\n");
    for (size_t k = 0; k < keys[0].count; k++)
      sb_printf(out, "        - %s\n",
                aliases ? arena_printf(w->ctx->arena, "key_%zu", k + 1) : keys[0].items[k]);
  }
  if (aliases) {
    sb_puts(out, "    aliases:\n");
    for (size_t k = 0; k < keys[0].count; k++) {
      sb_printf(out, "        key_%zu:\n", k + 1);
      for (size_t i = 0; i < q->step_count; i++)
        sb_printf(out, "            %s: %s\n", names[i], keys[i].items[k]);
    }
  }
  sb_printf(out, "    timespan: %s\n", span);
  if (q->step_count == 1)
    sb_printf(out, "    condition:\n        gte: %ld\n", q->steps[0].runs);
  sb_puts(out, "    generate: false\n");
  put_meta_tail(w, out);
  return true;
}

static void put_thresholds(StrBuf *out, const IrCorrelation *c) {
  if (!c->threshold_count && !c->condition_fields.count)
    return;
  sb_puts(out, "    condition:\n");
  for (size_t i = 0; i < c->condition_fields.count; i++)
    sb_printf(out, "        field: %s\n", c->condition_fields.items[i]);
  for (size_t i = 0; i < c->threshold_count; i++)
    sb_printf(out, "        %s: %s\n", ir_compare_kind_name(c->thresholds[i].op),
              c->thresholds[i].number.text);
}

/* A Sigma correlation written back as it was read. */
static void correlation_doc(Writer *w, StrBuf *out) {
  const IrCorrelation *c = w->rule->correlation;
  put_meta_head(w, out, NULL);
  sb_printf(out, "correlation:\n    type: %s\n    rules:\n", ir_correlation_kind_name(c->kind));
  for (size_t i = 0; i < c->rule_count; i++) {
    sb_puts(out, "        - ");
    put_scalar(out, c->rules[i].text);
    sb_putc(out, '\n');
  }
  if (c->group_by.count) {
    sb_puts(out, "    group-by:\n");
    for (size_t i = 0; i < c->group_by.count; i++) {
      sb_puts(out, "        - ");
      put_scalar(out, c->group_by.items[i]);
      sb_putc(out, '\n');
    }
  }
  for (size_t a = 0; a < c->alias_count; a++) {
    sb_printf(out, "%s        %s:\n", a ? "" : "    aliases:\n", c->aliases[a].name);
    for (size_t k = 0; k < c->aliases[a].count; k++)
      sb_printf(out, "            %s: %s\n", c->aliases[a].fields[k].rule,
                c->aliases[a].fields[k].field);
  }
  sb_printf(out, "    timespan: %s\n", c->timespan_text);
  put_thresholds(out, c);
  if (c->expression) {
    sb_puts(out, "    condition: ");
    put_scalar(out, c->expression);
    sb_putc(out, '\n');
  }
  if (c->generate)
    sb_puts(out, "    generate: true\n");
  put_meta_tail(w, out);
}

static bool sigma_query(EmitCtx *ctx, size_t index, StrBuf *out) {
  const IrRule *rule = ctx->rules->rules[index];
  Writer w = {.ctx = ctx, .rule = rule, .reverse = rule->origin == IR_LANG_EQL};
  switch (rule->kind) {
  case IR_RULE_DETECTION: {
    if (rule->origin == IR_LANG_SIGMA) {
      w.logsource = rule->logsource;
      const IrNode **wheres = arena_array(ctx->arena, rule->query_count, sizeof(IrNode *));
      for (size_t i = 0; i < rule->query_count; i++)
        wheres[i] = rule->queries[i]->where;
      return detection_doc(&w, wheres, rule->query_count, NULL, out);
    }
    const IrQuery *q = rule->queries[0];
    if (q->endgame) {
      refuse(&w, NULL, "the query uses %s, which is Endgame EQL and has no Sigma form", q->endgame);
      return false;
    }
    if (q->kind != IR_QUERY_EVENT)
      return sequence_docs(&w, q, out);
    if (q->pipe_count) {
      refuse(&w, NULL, "Sigma has no pipes ('| %s')", ir_pipe_kind_name(q->pipes[0].kind));
      return false;
    }
    const IrNode *where;
    return logsource_of(&w, q, &where) && detection_doc(&w, &where, 1, NULL, out);
  }
  case IR_RULE_CORRELATION:
    correlation_doc(&w, out);
    return true;
  case IR_RULE_FILTER:
    refuse(&w, NULL, "writing filters back is not supported yet");
    return false;
  }
  return false;
}

/* Every rule as a YAML document, documents separated by '---'. */
static bool sigma_output(EmitCtx *ctx, const char *format, StrBuf *out) {
  (void)format;
  bool ok = true, first = true;
  for (size_t i = 0; i < ctx->rules->count; i++) {
    if (!emit_selected(ctx, i))
      continue;
    StrBuf doc = STRBUF_INIT;
    if (emit_counted(ctx, sigma_query(ctx, i, &doc))) {
      sb_puts(out, first ? "" : "---\n");
      sb_putn(out, sb_text(&doc), doc.len);
      first = false;
    } else {
      ok = false;
    }
    sb_free(&doc);
  }
  return ok;
}

static const char *const sigma_formats[] = {"default", NULL};
static const char *const sigma_extensions[] = {".yml"};

const Backend emit_sigma_backend = {
    .name = "sigma",
    .description = "portable Sigma rules (specification 2.1), from Sigma or EQL",
    .formats = sigma_formats,
    .extensions = sigma_extensions,
    .query = sigma_query,
    .output = sigma_output,
    .maps_fields = false,
};
