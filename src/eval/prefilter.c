/* Anchors of rules, and the candidates of an event. */
#include "eval/prefilter.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/memo.h"

enum {
  ANCHOR_MIN = 3,            /* shorter runs say too little to be worth a lookup */
  ANCHOR_MAX = 16,           /* longer anchors only grow the automaton */
  ANCHORS_PER_CLAUSE = 8192, /* beyond this, a rule is cheaper to evaluate than to anchor */
  CLAUSES_PER_RULE = 8,      /* the most selective ones are kept */
  TREE_DEPTH = 64,
  MEMO_SLOTS = 16384, /* values remembered with their anchor texts: 5.6 MB */
  MEMO_TEXT = 256,    /* bytes of a value remembered */
  MEMO_TEXTS = 16,    /* anchor texts of a value remembered */
};

/* One of these anchors occurs when the node holds. */
typedef struct Clause {
  const char **items; /* as they appear in JSON text (a backslash doubled) */
  size_t count;
  size_t min_len; /* the shortest, unescaped */
} Clause;

/* Every clause holds when the node holds; none: the node may hold for any event. */
typedef struct Requirement {
  Clause *clauses;
  size_t count;
} Requirement;

static const Requirement always = {NULL, 0};

struct Prefilter {
  Grams *grams;           /* the anchor texts (ids: texts) */
  Grams *keyword_grams;   /* those of rules reading every value, or NULL: none */
  uint32_t *keyword_text; /* keyword_grams' id -> text */
  uint32_t *text_first;   /* text t's anchors: text_anchors[text_first[t] .. text_first[t+1]) */
  uint32_t *text_anchors;
  uint32_t *text_stamp; /* per text: the last scan it was found in */
  size_t text_count;
  uint32_t *texts; /* the texts found by the current scan, text_found of them */
  size_t text_found;
  uint32_t *anchor_clause; /* anchor -> clause */
  size_t anchor_count;
  Memo *memo;                 /* the anchor texts of values seen lately */
  uint32_t heard[MEMO_TEXTS]; /* the texts found in the value being scanned, */
  size_t heard_count;
  bool heard_all;         /* if that is all of them */
  uint32_t *clause_rule;  /* clause -> rule */
  uint32_t *clause_stamp; /* per clause: the last scan it was found in */
  uint32_t *rule_clauses; /* per rule: its number of clauses */
  uint32_t *rule_hits;    /* per rule: its clauses found by the current scan */
  uint32_t *unanchored;   /* rules that are candidates for every event */
  size_t unanchored_count;
  uint32_t *stamp; /* per rule: the last scan that touched it */
  uint32_t scan;   /* the current scan's number */
  uint64_t *found; /* the candidates of the current scan: a bit per rule */
  size_t found_words;
  size_t rule_count, clause_count;
};

/* Characters a JSON writer writes as themselves (or, for a backslash, as two); bytes of
 * non-ASCII characters when non_ascii (a line that escapes one, \u00e9, is not prefiltered). */
static bool clean(unsigned char c, bool non_ascii) {
  if (c >= 0x80)
    return non_ascii;
  if (c < 0x20 || c == 0x7f)
    return false;
  return c != '/' && c != '<' && c != '>' && c != '&' && c != '"';
}

/* The anchor of a literal: its longest clean run (the last ANCHOR_MAX characters of it). */
static bool best_run(const IrString *s, bool non_ascii, const char **start, size_t *len) {
  *len = 0;
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    if (seg->kind != IR_SEG_LITERAL)
      continue;
    for (size_t at = 0; at < seg->len;) {
      size_t run = 0;
      while (at + run < seg->len && clean((unsigned char)seg->text[at + run], non_ascii))
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

static Requirement one(Arena *arena, const char *text, size_t len) {
  char *escaped = arena_alloc(arena, 2 * len + 1), *p = escaped;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\\')
      *p++ = '\\';
    *p++ = text[i];
  }
  Requirement r = {arena_alloc(arena, sizeof(Clause)), 1};
  r.clauses[0].items = arena_alloc(arena, sizeof(char *));
  r.clauses[0].items[0] = escaped;
  r.clauses[0].count = 1;
  r.clauses[0].min_len = len;
  return r;
}

/* non_ascii: whether the literal's non-ASCII characters are matched byte for byte (Sigma and EQL
 * values fold ASCII case only), not so for a regex (PCRE2 folds Unicode case). */
static Requirement literal(Arena *arena, const IrString *s, bool non_ascii) {
  const char *start = NULL;
  size_t len = 0;
  return best_run(s, non_ascii, &start, &len) ? one(arena, start, len) : always;
}

static Requirement any_of(Arena *arena, const Requirement *parts, size_t n);

/* ---- regexes
 * ------------------------------------------------------------------------------------- A regex's
 * anchor: the longest run of literal characters its top level requires (outside groups and classes,
 * not made optional by a quantifier), in each branch of a top-level '|'. Anything this reading does
 * not know makes no anchor, which is always safe. */

/* The literal a PCRE escape stands for (punctuation), or 0 for a class or an assertion. */
static char escaped_literal(char c) {
  return strchr(".\\-/^$|?*+()[]{}\"' :#@%&=<>,;!~`_", c) && c ? c : 0;
}

typedef struct Branch {
  char run[256], best[256];
  size_t run_len, best_len;
} Branch;

static void keep_run(Branch *b) {
  if (b->run_len > b->best_len) {
    memcpy(b->best, b->run, b->run_len);
    b->best_len = b->run_len;
  }
  b->run_len = 0;
}

/* Skips a group or a class starting at p[i]; the index after it, or 0 when unbalanced. */
static size_t skip_nested(const char *p, size_t len, size_t i) {
  int depth = 0;
  bool in_class = false;
  for (; i < len; i++) {
    char c = p[i];
    if (c == '\\') {
      i++;
      continue;
    }
    if (in_class) {
      if (c == ']')
        in_class = false;
      if (!in_class && depth == 0)
        return i + 1;
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < len && p[i + 1] == ']')
        i++; /* ']' first in a class is literal */
      continue;
    }
    if (c == '(')
      depth++;
    else if (c == ')' && --depth == 0)
      return i + 1;
  }
  return 0;
}

static Requirement regex_requirement(Arena *arena, const char *p, bool lucene) {
  size_t len = strlen(p);
  if (lucene && strpbrk(p, "~&@#<>\""))
    return always; /* Lucene's complement, intersection, any-string and quoting operators */
  Branch *branches = arena_array(arena, len + 2, sizeof(Branch));
  size_t count = 1;
  for (size_t i = 0; i < len;) {
    Branch *b = &branches[count - 1];
    char c = p[i];
    if (c == '|') {
      keep_run(b);
      count++;
      i++;
      continue;
    }
    if (c == '(' || c == '[') {
      keep_run(b);
      size_t next = skip_nested(p, len, i);
      if (!next)
        return always;
      i = next;
      continue;
    }
    if (c == '?' || c == '*' || (c == '{' && i + 1 < len && (p[i + 1] == '0' || p[i + 1] == ','))) {
      if (b->run_len) /* the last character is optional */
        b->run_len--;
      keep_run(b);
      i += c == '{' ? strcspn(p + i, "}") + 1 : 1;
      if (i < len && (p[i] == '?' || p[i] == '+'))
        i++; /* lazy or possessive */
      continue;
    }
    if (c == '+' || c == '{') { /* at least once: the character stays, the run ends */
      keep_run(b);
      i += c == '{' ? strcspn(p + i, "}") + 1 : 1;
      if (i < len && (p[i] == '?' || p[i] == '+'))
        i++;
      continue;
    }
    if (c == '.' || c == '^' || c == '$' || c == ')' || c == ']' || c == '}') {
      keep_run(b);
      i++;
      continue;
    }
    if (c == '\\') {
      char lit = i + 1 < len ? escaped_literal(p[i + 1]) : 0;
      if (!lit || (i + 1 < len && (p[i + 1] == 'Q' || p[i + 1] == 'E'))) {
        keep_run(b); /* \s \d \b \x41 \1 ...: no literal */
        i += 2;
        continue;
      }
      c = lit;
      i++;
    }
    if (b->run_len < sizeof b->run)
      b->run[b->run_len++] = c;
    i++;
  }
  keep_run(&branches[count - 1]);
  Requirement *parts = arena_array(arena, count, sizeof(Requirement));
  for (size_t k = 0; k < count; k++) {
    IrSegment seg = {IR_SEG_LITERAL, branches[k].best, branches[k].best_len};
    IrString s = {&seg, 1};
    char *copy = arena_strndup(arena, branches[k].best, branches[k].best_len);
    seg.text = copy;
    parts[k] = literal(arena, &s, false);
  }
  return count == 1 ? parts[0] : any_of(arena, parts, count);
}

static Requirement predicate(Arena *arena, const IrPredicate *pred, const char *time_field) {
  /* an optional field's absence may satisfy it ("null"); EQL's time field compares as a date, so
   * its text need not appear */
  if (pred->time_part != IR_TIME_NONE || pred->optional ||
      (pred->field && time_field && strcmp(pred->field, time_field) == 0))
    return always;
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    if (pred->value.kind == IR_VALUE_NUMBER) {
      const char *text = pred->value.number.text;
      IrSegment seg = {IR_SEG_LITERAL, text, strlen(text)};
      IrString s = {&seg, 1};
      return literal(arena, &s, false);
    }
    return pred->value.kind == IR_VALUE_STRING ? literal(arena, &pred->value.string, true) : always;
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    return pred->value.kind == IR_VALUE_STRING ? literal(arena, &pred->value.string, true) : always;
  case IR_MATCH_REGEX:
    return pred->pattern ? regex_requirement(arena, pred->pattern, pred->lucene) : always;
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
static long score(const Clause *c) {
  size_t len = c->min_len < 12 ? c->min_len : 12;
  return (long)len * 100 - (long)c->count;
}

static const Clause *best_clause(const Requirement *r) {
  const Clause *best = &r->clauses[0];
  for (size_t i = 1; i < r->count; i++)
    if (score(&r->clauses[i]) > score(best))
      best = &r->clauses[i];
  return best;
}

/* Text found in nearly every Windows event: a clause holding it says little and costs a lookup on
 * every event, so an AND drops it when it has another clause (the rule stays as exact, it is
 * only tried more often). */
static bool common_anchor(const char *anchor) {
  static const char *const common[] = {"windows",
                                       "microsoft",
                                       ".exe",
                                       ".dll",
                                       "system32",
                                       "syswow64",
                                       "c:\\\\",
                                       "\\\\users\\\\",
                                       "program files",
                                       "\\\\appdata\\\\",
                                       "\\\\local\\\\",
                                       "\\\\temp\\\\",
                                       NULL};
  for (const char *const *c = common; *c; c++)
    if (strcasecmp(anchor, *c) == 0)
      return true;
  return false;
}

static bool common_clause(const Clause *c) {
  for (size_t i = 0; i < c->count; i++)
    if (common_anchor(c->items[i]))
      return true;
  return false;
}

/* AND: every operand's clauses (the most selective CLAUSES_PER_RULE of them, common ones left
 * out when others remain). */
static Requirement all_of(Arena *arena, const Requirement *parts, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += parts[i].count;
  if (total == 0)
    return always;
  Requirement r = {arena_array(arena, total, sizeof(Clause)), 0};
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < parts[i].count; k++)
      r.clauses[r.count++] = parts[i].clauses[k];
  size_t uncommon = 0;
  for (size_t k = 0; k < r.count; k++)
    uncommon += !common_clause(&r.clauses[k]);
  for (size_t k = 0; uncommon && k < r.count;) {
    if (common_clause(&r.clauses[k]))
      r.clauses[k] = r.clauses[--r.count];
    else
      k++;
  }
  while (r.count > CLAUSES_PER_RULE) { /* drop the least selective */
    size_t worst = 0;
    for (size_t k = 1; k < r.count; k++)
      if (score(&r.clauses[k]) < score(&r.clauses[worst]))
        worst = k;
    r.clauses[worst] = r.clauses[--r.count];
  }
  return r;
}

/* OR: one clause, the union of each operand's most selective clause. */
static Requirement any_of(Arena *arena, const Requirement *parts, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (parts[i].count == 0)
      return always;
    total += best_clause(&parts[i])->count;
  }
  if (n == 0 || total > ANCHORS_PER_CLAUSE)
    return always;
  Requirement r = {arena_alloc(arena, sizeof(Clause)), 1};
  Clause *u = &r.clauses[0];
  u->items = arena_array(arena, total, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const Clause *c = best_clause(&parts[i]);
    memcpy(u->items + u->count, c->items, c->count * sizeof(char *));
    u->count += c->count;
    u->min_len = i == 0 || c->min_len < u->min_len ? c->min_len : u->min_len;
  }
  return r;
}

static Requirement node_requirement(Arena *arena, const IrNode *node, const char *time_field,
                                    int depth) {
  if (!node || depth > TREE_DEPTH)
    return always;
  switch (node->kind) {
  case IR_PRED:
    return predicate(arena, &node->pred, time_field);
  case IR_NOT:
    return always; /* 'not x' holds where x's anchors are absent */
  case IR_NESTED:
    return always; /* rare (KQL only), and its fields are keys inside the nested objects */
  case IR_AND:
  case IR_OR: {
    Requirement *parts = arena_array(arena, node->count + 1, sizeof(Requirement));
    for (size_t i = 0; i < node->count; i++)
      parts[i] = node_requirement(arena, node->children[i], time_field, depth + 1);
    return node->kind == IR_AND ? all_of(arena, parts, node->count)
                                : any_of(arena, parts, node->count);
  }
  }
  return always;
}

/* A rule's requirement: its queries are OR-ed (a Sigma condition list). */
static Requirement rule_requirement(Arena *arena, const IrRule *rule, const char *time_field) {
  if (rule->kind != IR_RULE_DETECTION || rule->query_count == 0)
    return always;
  Requirement *parts = arena_array(arena, rule->query_count, sizeof(Requirement));
  for (size_t q = 0; q < rule->query_count; q++) {
    const IrQuery *query = rule->queries[q];
    parts[q] = query->kind == IR_QUERY_EVENT ? node_requirement(arena, query->where, time_field, 0)
                                             : always;
  }
  return rule->query_count == 1 ? parts[0] : any_of(arena, parts, rule->query_count);
}

/* ---- anchor texts -------------------------------------------------------------------------
 * Rules share anchors ("\\system32\\" is one of hundreds): the scanners look for each text once,
 * ASCII case folded as they compare, and a text found names its anchors. */

static uint64_t folded_hash(const char *text, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    h = (h ^ (c >= 'A' && c <= 'Z' ? c | 0x20 : c)) * 1099511628211ull;
  }
  return h;
}

static bool same_folded_text(const char *a, size_t a_len, const char *b, size_t b_len) {
  return a_len == b_len && strncasecmp(a, b, a_len) == 0;
}

/* The distinct texts of the anchors (up to ASCII case) into text_at and text_lens, each with the
 * anchors it stands for. */
static void distinct_texts(Prefilter *pf, Arena *arena, const char **texts, const size_t *lens,
                           const char **text_at, size_t *text_lens) {
  size_t capacity = 64;
  while (capacity < 2 * pf->anchor_count)
    capacity *= 2;
  uint32_t *table = arena_array(arena, capacity, sizeof(uint32_t)); /* text + 1; 0: free */
  uint32_t *text_of = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  uint32_t *per_text = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  for (size_t a = 0; a < pf->anchor_count; a++) {
    size_t i = folded_hash(texts[a], lens[a]) & (capacity - 1);
    while (table[i] &&
           !same_folded_text(text_at[table[i] - 1], text_lens[table[i] - 1], texts[a], lens[a]))
      i = (i + 1) & (capacity - 1);
    if (!table[i]) {
      text_at[pf->text_count] = texts[a];
      text_lens[pf->text_count] = lens[a];
      table[i] = (uint32_t)++pf->text_count;
    }
    text_of[a] = table[i] - 1;
    per_text[text_of[a]]++;
  }
  pf->text_first = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  for (size_t t = 0, at = 0; t <= pf->text_count; at += per_text[t++])
    pf->text_first[t] = (uint32_t)at;
  uint32_t *filled = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  pf->text_anchors = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  for (size_t a = 0; a < pf->anchor_count; a++)
    pf->text_anchors[pf->text_first[text_of[a]] + filled[text_of[a]]++] = (uint32_t)a;
  pf->text_stamp = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  pf->texts = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
}

/* The scanner of the texts of rules reading every value (keyword searches): values that no
 * field reads are searched for these alone. */
static void build_keyword_grams(Prefilter *pf, Arena *arena, const char **text_at,
                                const size_t *text_lens, const bool *whole_event) {
  size_t n = 0;
  const char **kept = arena_array(arena, pf->text_count + 1, sizeof(char *));
  size_t *kept_lens = arena_array(arena, pf->text_count + 1, sizeof(size_t));
  pf->keyword_text = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  for (size_t t = 0; t < pf->text_count; t++) {
    bool keyword = false;
    for (uint32_t k = pf->text_first[t]; k < pf->text_first[t + 1] && !keyword; k++)
      keyword = whole_event[pf->clause_rule[pf->anchor_clause[pf->text_anchors[k]]]];
    if (keyword) {
      kept[n] = text_at[t];
      kept_lens[n] = text_lens[t];
      pf->keyword_text[n++] = (uint32_t)t;
    }
  }
  if (n)
    pf->keyword_grams = grams_build(arena, kept, kept_lens, n);
}

Prefilter *prefilter_build(Arena *arena, const IrRule *const *rules, size_t count,
                           const char *time_field, const bool *whole_event) {
  Prefilter *pf = arena_alloc(arena, sizeof *pf);
  pf->rule_count = count;
  pf->stamp = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->found_words = count / 64 + 1;
  pf->found = arena_array(arena, pf->found_words, sizeof(uint64_t));
  pf->unanchored = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->rule_clauses = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->rule_hits = arena_array(arena, count + 1, sizeof(uint32_t));
  Requirement *per_rule = arena_array(arena, count + 1, sizeof(Requirement));
  size_t anchors = 0;
  for (size_t r = 0; r < count; r++) {
    per_rule[r] = rule_requirement(arena, rules[r], time_field);
    pf->rule_clauses[r] = (uint32_t)per_rule[r].count;
    pf->clause_count += per_rule[r].count;
    if (per_rule[r].count == 0)
      pf->unanchored[pf->unanchored_count++] = (uint32_t)r;
    for (size_t c = 0; c < per_rule[r].count; c++)
      anchors += per_rule[r].clauses[c].count;
  }
  const char **texts = arena_array(arena, anchors + 1, sizeof(char *));
  size_t *lens = arena_array(arena, anchors + 1, sizeof(size_t));
  pf->anchor_clause = arena_array(arena, anchors + 1, sizeof(uint32_t));
  pf->clause_rule = arena_array(arena, pf->clause_count + 1, sizeof(uint32_t));
  pf->clause_stamp = arena_array(arena, pf->clause_count + 1, sizeof(uint32_t));
  for (size_t r = 0, clause = 0; r < count; r++)
    for (size_t c = 0; c < per_rule[r].count; c++, clause++) {
      pf->clause_rule[clause] = (uint32_t)r;
      for (size_t i = 0; i < per_rule[r].clauses[c].count; i++) {
        texts[pf->anchor_count] = per_rule[r].clauses[c].items[i];
        lens[pf->anchor_count] = strlen(texts[pf->anchor_count]);
        pf->anchor_clause[pf->anchor_count++] = (uint32_t)clause;
      }
    }
  const char **text_at = arena_array(arena, pf->anchor_count + 1, sizeof(char *));
  size_t *text_lens = arena_array(arena, pf->anchor_count + 1, sizeof(size_t));
  distinct_texts(pf, arena, texts, lens, text_at, text_lens);
  pf->grams = grams_build(arena, text_at, text_lens, pf->text_count);
  if (whole_event)
    build_keyword_grams(pf, arena, text_at, text_lens, whole_event);
  pf->memo = memo_new(arena, MEMO_SLOTS, MEMO_TEXT, MEMO_TEXTS);
  return pf;
}

/* The number of the lowest bit set in bits (nonzero). */
static unsigned lowest_bit(uint64_t bits) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(bits);
#else
  unsigned n = 0;
  while (!(bits & 1)) {
    bits >>= 1;
    n++;
  }
  return n;
#endif
}

/* An anchor found: its clause holds; a rule whose clauses all hold is a candidate. */
static void found_anchor(Prefilter *pf, uint32_t id) {
  uint32_t clause = pf->anchor_clause[id];
  if (pf->clause_stamp[clause] == pf->scan)
    return;
  pf->clause_stamp[clause] = pf->scan;
  uint32_t rule = pf->clause_rule[clause];
  if (pf->stamp[rule] != pf->scan) {
    pf->stamp[rule] = pf->scan;
    pf->rule_hits[rule] = 0;
  }
  if (++pf->rule_hits[rule] == pf->rule_clauses[rule])
    pf->found[rule / 64] |= (uint64_t)1 << (rule % 64);
}

/* A text found in the event: noted the first time (its anchors are taken at the end). */
static void found_text(Prefilter *pf, uint32_t text) {
  if (pf->text_stamp[text] == pf->scan)
    return;
  pf->text_stamp[text] = pf->scan;
  pf->texts[pf->text_found++] = text;
}

/* A text found by a scan of a value: noted for the memo too. */
static void heard_text(Prefilter *pf, uint32_t text) {
  bool known = false;
  for (size_t i = 0; i < pf->heard_count && !known; i++)
    known = pf->heard[i] == text;
  if (!known && pf->heard_count < MEMO_TEXTS)
    pf->heard[pf->heard_count++] = text;
  else if (!known)
    pf->heard_all = false;
  found_text(pf, text);
}

static bool found_by_grams(uint32_t id, size_t end, void *context) {
  (void)end;
  heard_text(context, id);
  return false;
}

static bool found_by_keyword_grams(uint32_t id, size_t end, void *context) {
  (void)end;
  Prefilter *pf = context;
  heard_text(pf, pf->keyword_text[id]);
  return false;
}

void prefilter_begin(Prefilter *pf) {
  if (++pf->scan == 0) { /* the stamps wrapped around: start them again */
    memset(pf->stamp, 0, pf->rule_count * sizeof(uint32_t));
    memset(pf->clause_stamp, 0, pf->clause_count * sizeof(uint32_t));
    memset(pf->text_stamp, 0, pf->text_count * sizeof(uint32_t));
    pf->scan = 1;
  }
  pf->text_found = 0;
  memset(pf->found, 0, pf->found_words * sizeof(uint64_t)); /* a scan may end without end() */
  for (size_t i = 0; i < pf->unanchored_count; i++)
    pf->found[pf->unanchored[i] / 64] |= (uint64_t)1 << (pf->unanchored[i] % 64);
}

void prefilter_feed(Prefilter *pf, const char *text, size_t len, bool read) {
  const Grams *grams = read ? pf->grams : pf->keyword_grams;
  if (!grams || len < ANCHOR_MIN)
    return;
  uint64_t hash = memo_hash(text, len, read);
  size_t count;
  const uint32_t *texts = memo_find(pf->memo, hash, text, len, read, &count);
  if (texts) { /* seen lately: its texts are known */
    for (size_t i = 0; i < count; i++)
      found_text(pf, texts[i]);
    return;
  }
  pf->heard_count = 0;
  pf->heard_all = true;
  grams_scan(grams, text, len, read ? found_by_grams : found_by_keyword_grams, pf);
  if (pf->heard_all)
    memo_keep(pf->memo, hash, text, len, read, pf->heard, pf->heard_count);
}

size_t prefilter_end(Prefilter *pf, uint32_t *out) {
  for (size_t t = 0; t < pf->text_found; t++) /* each text's anchors hold their clauses */
    for (uint32_t k = pf->text_first[pf->texts[t]]; k < pf->text_first[pf->texts[t] + 1]; k++)
      found_anchor(pf, pf->text_anchors[k]);
  size_t n = 0; /* the bits in ascending order */
  for (size_t w = 0; w < pf->found_words; w++)
    for (uint64_t bits = pf->found[w]; bits; bits &= bits - 1)
      out[n++] = (uint32_t)(w * 64 + lowest_bit(bits));
  return n;
}

size_t prefilter_candidates(Prefilter *pf, const char *text, size_t len, uint32_t *out) {
  prefilter_begin(pf);
  prefilter_feed(pf, text, len, true);
  return prefilter_end(pf, out);
}

size_t prefilter_unanchored(const Prefilter *pf) { return pf->unanchored_count; }
size_t prefilter_anchor_count(const Prefilter *pf) { return pf->anchor_count; }
size_t prefilter_bytes(const Prefilter *pf) {
  return grams_bytes(pf->grams) + (pf->keyword_grams ? grams_bytes(pf->keyword_grams) : 0) +
         memo_bytes(pf->memo);
}
