/* IR constructors, string patterns and the names of the IR's enums. */
#include "ir/ir_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_FUNCTION(function, type, TABLE)                                                       \
  const char *function(type kind) {                                                                \
    switch (kind) { TABLE(NAME_CASE) }                                                             \
    return "?";                                                                                    \
  }
#define NAME_CASE(kind, name)                                                                      \
  case kind:                                                                                       \
    return name;

NAME_FUNCTION(ir_segment_kind_name, IrSegmentKind, IR_SEGMENT_KINDS)
NAME_FUNCTION(ir_value_kind_name, IrValueKind, IR_VALUE_KINDS)
NAME_FUNCTION(ir_match_kind_name, IrMatchKind, IR_MATCH_KINDS)
NAME_FUNCTION(ir_anchor_name, IrAnchor, IR_ANCHOR_KINDS)
NAME_FUNCTION(ir_time_part_name, IrTimePart, IR_TIME_PARTS)
NAME_FUNCTION(ir_node_kind_name, IrNodeKind, IR_NODE_KINDS)
NAME_FUNCTION(ir_expr_kind_name, IrExprKind, IR_EXPR_KINDS)
NAME_FUNCTION(ir_pipe_kind_name, IrPipeKind, IR_PIPE_KINDS)
NAME_FUNCTION(ir_query_kind_name, IrQueryKind, IR_QUERY_KINDS)
NAME_FUNCTION(ir_data_kind_name, IrDataKind, IR_DATA_KINDS)
NAME_FUNCTION(ir_correlation_kind_name, IrCorrelationKind, IR_CORRELATION_KINDS)
NAME_FUNCTION(ir_compare_kind_name, IrCompareKind, IR_COMPARE_KINDS)
NAME_FUNCTION(ir_rule_kind_name, IrRuleKind, IR_RULE_KINDS)
NAME_FUNCTION(ir_language_name, IrLanguage, IR_LANGUAGE_KINDS)

IrNode *ir_pred(Arena *arena, const IrPredicate *pred) {
  IrNode *node = arena_alloc(arena, sizeof *node);
  node->kind = IR_PRED;
  node->pred = *pred;
  return node;
}

IrNode *ir_not(Arena *arena, IrNode *child) {
  IrNode *node = arena_alloc(arena, sizeof *node);
  node->kind = IR_NOT;
  node->children = arena_alloc(arena, sizeof(IrNode *));
  node->children[0] = child;
  node->count = 1;
  return node;
}

IrNode *ir_nested(Arena *arena, const char *path, IrNode *child) {
  IrNode *node = ir_not(arena, child);
  node->kind = IR_NESTED;
  node->path = path;
  return node;
}

/* An unlabelled child of the same kind is spliced in: (a or (b or c)) is (a or b or c). */
IrNode *ir_join(Arena *arena, IrNodeKind kind, IrNode **children, size_t count) {
  if (count == 1)
    return children[0];
  size_t total = 0;
  for (size_t i = 0; i < count; i++)
    total += children[i]->kind == kind && !children[i]->label ? children[i]->count : 1;
  IrNode *node = arena_alloc(arena, sizeof *node);
  node->kind = kind;
  node->children = arena_array(arena, total, sizeof(IrNode *));
  for (size_t i = 0; i < count; i++) {
    if (children[i]->kind == kind && !children[i]->label) {
      memcpy(node->children + node->count, children[i]->children,
             children[i]->count * sizeof(IrNode *));
      node->count += children[i]->count;
    } else {
      node->children[node->count++] = children[i];
    }
  }
  return node;
}

IrNode *ir_clone(Arena *arena, const IrNode *node) {
  IrNode *copy = arena_alloc(arena, sizeof *copy);
  *copy = *node;
  if (node->count) {
    copy->children = arena_array(arena, node->count, sizeof(IrNode *));
    for (size_t i = 0; i < node->count; i++)
      copy->children[i] = ir_clone(arena, node->children[i]);
  }
  return copy;
}

/* ---- strings ----------------------------------------------------------------------------------
 */

void ir_sb_init(IrStringBuilder *b, Arena *arena) {
  memset(b, 0, sizeof *b);
  b->arena = arena;
}

static void push_segment(IrStringBuilder *b, IrSegment seg) {
  if (b->count == b->capacity) {
    size_t capacity = b->capacity ? b->capacity * 2 : 4;
    b->segs = arena_grow(b->arena, b->segs, b->count, capacity, sizeof(IrSegment));
    b->capacity = capacity;
  }
  b->segs[b->count++] = seg;
}

static void flush_literal(IrStringBuilder *b) {
  if (!b->literal.len)
    return;
  IrSegment seg = {IR_SEG_LITERAL, arena_strndup(b->arena, b->literal.data, b->literal.len),
                   b->literal.len};
  push_segment(b, seg);
  sb_clear(&b->literal);
}

void ir_sb_literal(IrStringBuilder *b, const char *text, size_t len) {
  sb_putn(&b->literal, text, len);
}

void ir_sb_wildcard(IrStringBuilder *b, IrSegmentKind kind) {
  flush_literal(b);
  if (kind == IR_SEG_ANY && b->count && b->segs[b->count - 1].kind == IR_SEG_ANY)
    return;
  IrSegment seg = {kind, NULL, 0};
  push_segment(b, seg);
}

IrString ir_sb_finish(IrStringBuilder *b) {
  flush_literal(b);
  sb_free(&b->literal);
  IrString s = {b->segs, b->count};
  return s;
}

IrString ir_string_literal(Arena *arena, const char *text, size_t len) {
  IrString s = {NULL, 0};
  if (len) {
    s.segs = arena_alloc(arena, sizeof(IrSegment));
    s.segs[0].kind = IR_SEG_LITERAL;
    s.segs[0].text = arena_strndup(arena, text, len);
    s.segs[0].len = len;
    s.count = 1;
  }
  return s;
}

bool ir_string_has_wildcards(const IrString *s) {
  for (size_t i = 0; i < s->count; i++)
    if (s->segs[i].kind != IR_SEG_LITERAL)
      return true;
  return false;
}

static bool is_any(const IrString *s, size_t i) {
  return i < s->count && s->segs[i].kind == IR_SEG_ANY;
}

void ir_classify_string(Arena *arena, IrPredicate *pred, const IrString *pattern) {
  size_t n = pattern->count;
  size_t wild = 0;
  for (size_t i = 0; i < n; i++)
    wild += pattern->segs[i].kind != IR_SEG_LITERAL;
  pred->value.kind = IR_VALUE_STRING;
  IrMatchKind match = IR_MATCH_WILDCARD;
  size_t literal = 0;
  if (wild == 0)
    match = IR_MATCH_EQUALS;
  else if (n == 3 && wild == 2 && is_any(pattern, 0) && is_any(pattern, 2))
    match = IR_MATCH_CONTAINS, literal = 1;
  else if (n == 2 && wild == 1 && is_any(pattern, 1))
    match = IR_MATCH_STARTSWITH, literal = 0;
  else if (n == 2 && wild == 1 && is_any(pattern, 0))
    match = IR_MATCH_ENDSWITH, literal = 1;
  pred->match = match;
  if (match == IR_MATCH_WILDCARD || match == IR_MATCH_EQUALS) {
    pred->value.string = *pattern;
  } else {
    IrSegment seg = pattern->segs[literal];
    pred->value.string = ir_string_literal(arena, seg.text, seg.len);
  }
}

IrString ir_pattern_of(Arena *arena, const IrPredicate *pred) {
  const IrString *literal = &pred->value.string;
  bool before = pred->match == IR_MATCH_CONTAINS || pred->match == IR_MATCH_ENDSWITH;
  bool after = pred->match == IR_MATCH_CONTAINS || pred->match == IR_MATCH_STARTSWITH;
  if (!before && !after)
    return *literal;
  IrStringBuilder b;
  ir_sb_init(&b, arena);
  if (before)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  for (size_t i = 0; i < literal->count; i++)
    ir_sb_literal(&b, literal->segs[i].text, literal->segs[i].len);
  if (after)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  return ir_sb_finish(&b);
}

void ir_ruleset_push(Arena *arena, IrRuleSet *set, IrRule *rule) {
  if (set->count == set->capacity) {
    size_t capacity = set->capacity ? set->capacity * 2 : 16;
    set->rules = arena_grow(arena, set->rules, set->count, capacity, sizeof(IrRule *));
    set->capacity = capacity;
  }
  set->rules[set->count++] = rule;
}

IrRule *ir_event_rule(Arena *arena, IrLanguage origin, const Source *src, Span span, size_t index,
                      const char *taxonomy, IrNode *where) {
  IrRule *rule = arena_alloc(arena, sizeof *rule);
  rule->kind = IR_RULE_DETECTION;
  rule->origin = origin;
  rule->src = src;
  rule->span = span;
  rule->document = index;
  rule->taxonomy_out = taxonomy;
  IrQuery *q = arena_alloc(arena, sizeof *q);
  q->kind = IR_QUERY_EVENT;
  q->where = where;
  rule->queries = arena_alloc(arena, sizeof(IrQuery *));
  rule->queries[0] = q;
  rule->query_count = 1;
  return rule;
}

bool ir_plain_number(const char *text) {
  size_t sign = *text == '-' || *text == '+', digits = strspn(text + sign, "0123456789");
  const char *rest = text + sign + digits;
  if (digits && *rest == '.') {
    size_t fraction = strspn(rest + 1, "0123456789");
    rest += fraction ? 1 + fraction : 0;
  }
  return digits && *rest == '\0';
}

size_t ir_shortest_real(char *out, size_t size, double value) {
  int len = 0;
  for (int precision = 1; precision <= 17; precision++) {
    len = snprintf(out, size, "%.*g", precision, value);
    if (strtod(out, NULL) == value)
      break;
  }
  return len > 0 ? (size_t)len : 0;
}

bool ir_correlation_meets(const IrCorrelation *corr, double value) {
  for (size_t t = 0; t < corr->threshold_count; t++) {
    double n = corr->thresholds[t].number.value;
    bool ok;
    switch (corr->thresholds[t].op) {
    case IR_CMP_GT:
      ok = value > n;
      break;
    case IR_CMP_GTE:
      ok = value >= n;
      break;
    case IR_CMP_LT:
      ok = value < n;
      break;
    case IR_CMP_LTE:
      ok = value <= n;
      break;
    case IR_CMP_EQ:
      ok = value == n;
      break;
    case IR_CMP_NEQ:
    default:
      ok = value != n;
      break;
    }
    if (!ok)
      return false;
  }
  return true;
}
