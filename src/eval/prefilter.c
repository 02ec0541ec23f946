/* Anchors of rules, and the candidates of an event. */
#include "eval/prefilter.h"

#include <stdlib.h>
#include <string.h>

enum {
  ANCHOR_MIN = 3,         /* shorter runs say too little to be worth a lookup */
  ANCHOR_MAX = 16,        /* longer anchors only grow the automaton */
  ANCHORS_PER_RULE = 512, /* beyond this, a rule is cheaper to evaluate than to anchor */
  TREE_DEPTH = 64,
};

typedef struct Anchors {
  bool always; /* no anchors: the node may hold for any event */
  const char **items; /* as they appear in JSON text (a backslash doubled) */
  size_t count;
  size_t min_len;     /* the shortest anchor, unescaped */
} Anchors;

static const Anchors always = {true, NULL, 0, 0};

struct Prefilter {
  Aho *aho;
  uint32_t *anchor_rule; /* anchor -> rule */
  size_t anchor_count;
  uint32_t *unanchored;  /* rules that are candidates for every event */
  size_t unanchored_count;
  uint32_t *stamp;       /* per rule: the last scan it was found in */
  uint32_t scan;         /* the current scan's number */
  uint32_t *found;       /* the rules found by the current scan */
  size_t found_count;
  size_t rule_count;
};

/* Characters a JSON writer writes as themselves (or, for a backslash, as two). */
static bool clean(unsigned char c) {
  if (c < 0x20 || c >= 0x7f)
    return false;
  return c != '/' && c != '<' && c != '>' && c != '&' && c != '"';
}

/* The anchor of a literal: its longest clean run (the last ANCHOR_MAX characters of it). */
static bool best_run(const IrString *s, const char **start, size_t *len) {
  *len = 0;
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    if (seg->kind != IR_SEG_LITERAL)
      continue;
    for (size_t at = 0; at < seg->len;) {
      size_t run = 0;
      while (at + run < seg->len && clean((unsigned char)seg->text[at + run]))
        run++;
      if (run > *len) {
        *len = run;
        *start = seg->text + at;
      }
      at += run + 1;
    }
  }
  if (*len > ANCHOR_MAX) {
    *start += *len - ANCHOR_MAX;
    *len = ANCHOR_MAX;
  }
  return *len >= ANCHOR_MIN;
}

static Anchors one(Arena *arena, const char *text, size_t len) {
  char *escaped = arena_alloc(arena, 2 * len + 1), *p = escaped;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\\')
      *p++ = '\\';
    *p++ = text[i];
  }
  Anchors a = {false, arena_alloc(arena, sizeof(char *)), 1, len};
  a.items[0] = escaped;
  return a;
}

static Anchors predicate(Arena *arena, const IrPredicate *pred) {
  if (pred->time_part != IR_TIME_NONE)
    return always;
  const char *start = NULL;
  size_t len = 0;
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    if (pred->value.kind == IR_VALUE_NUMBER) {
      const char *text = pred->value.number.text;
      IrSegment seg = {IR_SEG_LITERAL, text, strlen(text)};
      IrString s = {&seg, 1};
      return best_run(&s, &start, &len) ? one(arena, start, len) : always;
    }
    if (pred->value.kind != IR_VALUE_STRING)
      return always;
    return best_run(&pred->value.string, &start, &len) ? one(arena, start, len) : always;
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    return pred->value.kind == IR_VALUE_STRING && best_run(&pred->value.string, &start, &len)
               ? one(arena, start, len)
               : always;
  case IR_MATCH_REGEX:
  case IR_MATCH_CIDR:
  case IR_MATCH_EXISTS:
  case IR_MATCH_NULL:
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
  case IR_MATCH_FIELDREF:
  case IR_MATCH_EXPR:
    return always;
  }
  return always;
}

/* Higher is more selective: long anchors, few of them. */
static long score(const Anchors *a) {
  size_t len = a->min_len < 12 ? a->min_len : 12;
  return (long)len * 100 - (long)a->count;
}

static Anchors union_of(Arena *arena, const Anchors *a, const Anchors *b) {
  if (a->always || b->always || a->count + b->count > ANCHORS_PER_RULE)
    return always;
  Anchors u = {false, arena_array(arena, a->count + b->count, sizeof(char *)), 0, 0};
  memcpy(u.items, a->items, a->count * sizeof(char *));
  memcpy(u.items + a->count, b->items, b->count * sizeof(char *));
  u.count = a->count + b->count;
  u.min_len = a->count == 0 ? b->min_len
              : b->count == 0 ? a->min_len
              : a->min_len < b->min_len ? a->min_len : b->min_len;
  return u;
}

static Anchors node_anchors(Arena *arena, const IrNode *node, int depth) {
  if (!node || depth > TREE_DEPTH)
    return always;
  switch (node->kind) {
  case IR_PRED:
    return predicate(arena, &node->pred);
  case IR_NOT:
    return always; /* 'not x' holds where x's anchors are absent */
  case IR_AND: {
    Anchors best = always;
    for (size_t i = 0; i < node->count; i++) {
      Anchors a = node_anchors(arena, node->children[i], depth + 1);
      if (!a.always && (best.always || score(&a) > score(&best)))
        best = a;
    }
    return best;
  }
  case IR_OR: {
    Anchors u = {false, NULL, 0, 0};
    for (size_t i = 0; i < node->count && !u.always; i++) {
      Anchors a = node_anchors(arena, node->children[i], depth + 1);
      u = union_of(arena, &u, &a);
    }
    return node->count ? u : always;
  }
  }
  return always;
}

/* A rule's anchors: the union over its queries (a Sigma condition list is an OR). */
static Anchors rule_anchors(Arena *arena, const IrRule *rule) {
  if (rule->kind != IR_RULE_DETECTION || rule->query_count == 0)
    return always;
  Anchors u = {false, NULL, 0, 0};
  for (size_t q = 0; q < rule->query_count && !u.always; q++) {
    const IrQuery *query = rule->queries[q];
    Anchors a = query->kind == IR_QUERY_EVENT ? node_anchors(arena, query->where, 0) : always;
    u = union_of(arena, &u, &a);
  }
  return u;
}

Prefilter *prefilter_build(Arena *arena, const IrRule *const *rules, size_t count) {
  Prefilter *pf = arena_alloc(arena, sizeof *pf);
  pf->rule_count = count;
  pf->stamp = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->found = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->unanchored = arena_array(arena, count + 1, sizeof(uint32_t));
  Anchors *per_rule = arena_array(arena, count + 1, sizeof(Anchors));
  size_t total = 0;
  for (size_t r = 0; r < count; r++) {
    per_rule[r] = rule_anchors(arena, rules[r]);
    if (per_rule[r].always)
      pf->unanchored[pf->unanchored_count++] = (uint32_t)r;
    else
      total += per_rule[r].count;
  }
  const char **texts = arena_array(arena, total + 1, sizeof(char *));
  size_t *lens = arena_array(arena, total + 1, sizeof(size_t));
  pf->anchor_rule = arena_array(arena, total + 1, sizeof(uint32_t));
  for (size_t r = 0; r < count; r++)
    for (size_t i = 0; !per_rule[r].always && i < per_rule[r].count; i++) {
      texts[pf->anchor_count] = per_rule[r].items[i];
      lens[pf->anchor_count] = strlen(per_rule[r].items[i]);
      pf->anchor_rule[pf->anchor_count++] = (uint32_t)r;
    }
  pf->aho = aho_build(arena, texts, lens, pf->anchor_count);
  return pf;
}

static void found_anchor(uint32_t id, void *context) {
  Prefilter *pf = context;
  uint32_t rule = pf->anchor_rule[id];
  if (pf->stamp[rule] != pf->scan) {
    pf->stamp[rule] = pf->scan;
    pf->found[pf->found_count++] = rule;
  }
}

static int ascending(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

size_t prefilter_candidates(Prefilter *pf, const char *text, size_t len, uint32_t *out) {
  if (++pf->scan == 0) { /* the stamps wrapped around: start them again */
    memset(pf->stamp, 0, pf->rule_count * sizeof(uint32_t));
    pf->scan = 1;
  }
  pf->found_count = 0;
  for (size_t i = 0; i < pf->unanchored_count; i++) {
    uint32_t rule = pf->unanchored[i];
    pf->stamp[rule] = pf->scan;
    pf->found[pf->found_count++] = rule;
  }
  aho_scan(pf->aho, text, len, found_anchor, pf);
  memcpy(out, pf->found, pf->found_count * sizeof(uint32_t));
  qsort(out, pf->found_count, sizeof(uint32_t), ascending);
  return pf->found_count;
}

size_t prefilter_unanchored(const Prefilter *pf) { return pf->unanchored_count; }
size_t prefilter_anchor_count(const Prefilter *pf) { return pf->anchor_count; }
size_t prefilter_bytes(const Prefilter *pf) { return aho_bytes(pf->aho); }
