/* The anchors rules require. */
#include "eval/anchors.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum {
  ANCHOR_MAX = 16,           /* longer anchors only grow the automaton */
  ANCHORS_PER_CLAUSE = 8192, /* beyond this, a rule is cheaper to evaluate than to anchor */
  CLAUSES_PER_RULE = 8,      /* the most selective ones are kept */
  TREE_DEPTH = 64,
};

static const Requirement always = {NULL, 0};

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
  return *len >= ANCHOR_MIN || (*len == ANCHOR_MIN_WIDE && (unsigned char)(*start)[0] >= 0x80 &&
                                (unsigned char)(*start)[1] >= 0x80);
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
/* The index just past an escape at p[i] ('\\') that is no literal, its argument included:
 * \x41 \x{263a} \o{101} \101 \1 \cA \k<name> \g{-1} \p{L} \pL \N{U+41}. */
static size_t skip_escape(const char *p, size_t len, size_t i) {
  char e = i + 1 < len ? p[i + 1] : 0;
  size_t j = i + 2;
  if (j < len && p[j] == '{' && strchr("xopPNgk", e)) { /* a braced argument */
    const char *close = memchr(p + j, '}', len - j);
    return close ? (size_t)(close - p) + 1 : len;
  }
  if (j < len && (e == 'k' || e == 'g') && (p[j] == '<' || p[j] == '\'')) {
    const char *close = memchr(p + j + 1, p[j] == '<' ? '>' : '\'', len - j - 1);
    return close ? (size_t)(close - p) + 1 : len;
  }
  if (e == 'x')
    while (j < len && j < i + 4 && strchr("0123456789abcdefABCDEF", p[j]) && p[j])
      j++;
  else if ((e >= '0' && e <= '9') || e == 'g')
    while (j < len && ((p[j] >= '0' && p[j] <= '9') || (e == 'g' && j == i + 2 && p[j] == '-')))
      j++;
  else if ((e == 'c' || e == 'p' || e == 'P') && j < len)
    j++; /* \cA, \pL */
  return j;
}

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
      if (c == '[' && i + 1 < len && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
        const char *close = strstr(p + i + 2, p[i + 1] == ':'   ? ":]"
                                              : p[i + 1] == '.' ? ".]"
                                                                : "=]");
        if (!close)
          return 0;
        i = (size_t)(close - p) + 1; /* [:digit:] and the like, inside a class */
        continue;
      }
      if (c == ']')
        in_class = false;
      if (!in_class && depth == 0)
        return i + 1;
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < len && p[i + 1] == '^')
        i++;
      if (i + 1 < len && p[i + 1] == ']')
        i++; /* ']' first in a class (or after '^') is literal */
      continue;
    }
    if (c == '(')
      depth++;
    else if (c == ')' && --depth == 0)
      return i + 1;
  }
  return 0;
}

/* Whether an inline option group, "(?x)" or "(?ix:", sets flag somewhere in p. */
static bool inline_flag(const char *p, char flag) {
  for (const char *at = strstr(p, "(?"); at; at = strstr(at + 2, "(?")) {
    const char *f = at + 2;
    while (*f && *f != ')' && *f != ':' && *f != '-' && (isalpha((unsigned char)*f) || *f == '^'))
      if (*f++ == flag)
        return true;
  }
  return false;
}

/* Whether a regex can be read for literals here: not with Lucene's complement, intersection,
 * any-string and quoting operators, nor with PCRE's extended mode, quoting, comments, callouts,
 * verbs ((*ACCEPT) ends a match early) or POSIX class names, which change what the characters
 * around them mean. No anchor is always safe. */
static bool readable_regex(const char *p, bool lucene) {
  if (lucene && strpbrk(p, "~&@#<>\""))
    return false;
  if (inline_flag(p, 'x'))
    return false;
  static const char *const unread[] = {"\\Q", "\\E", "(?#", "(?C", "(*", "[:"};
  for (size_t k = 0; k < sizeof unread / sizeof unread[0]; k++)
    if (strstr(p, unread[k]))
      return false;
  return true;
}

static Requirement regex_requirement(Arena *arena, const char *p, bool lucene, bool caseless) {
  size_t len = strlen(p);
  if (!readable_regex(p, lucene))
    return always;
  /* PCRE2 folds case by Unicode: k and s match the Kelvin and long-s signs, which text need not
   * write as k or s */
  caseless = caseless || inline_flag(p, 'i');
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
        keep_run(b); /* \s \d \b \x41 \1 ...: no literal, nor is an argument */
        i = skip_escape(p, len, i);
        continue;
      }
      c = lit;
      i++;
    }
    if (caseless && strchr("kKsS", c)) {
      keep_run(b);
      i++;
      continue;
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
      /* an integer written as digits: an event's number equal to it shows them (a real, or a
       * string with an exponent, makes its line unread, json_check.h); a real need not */
      long long n = pred->value.number.integer;
      if (!pred->value.number.is_integer || n >= (1LL << 53) || n <= -(1LL << 53))
        return always; /* compared as a double, a larger one equals numbers of other digits */
      char *text = arena_printf(arena, "%lld", n); /* the digits as events write the number */
      size_t len = strlen(text);
      /* too short to look for in values: a whole value (not 0, which -0 equals) */
      if (len < ANCHOR_MIN && n != 0 && pred->field && !pred->free_text)
        return one(arena, arena_printf(arena, "%c%s", ANCHOR_WHOLE, text), len + 1);
      IrSegment seg = {IR_SEG_LITERAL, text, len};
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
    /* caseless as the matcher compiles it: a Lucene regex by its operator (regex~) */
    return pred->pattern
               ? regex_requirement(arena, pred->pattern, pred->lucene,
                                   pred->lucene ? !pred->cased
                                                : (pred->regex_flags & IR_RE_IGNORECASE) != 0)
               : always;
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

/* Up to two of a requirement's most selective clauses, into best[]; how many. */
static size_t two_best(const Requirement *r, const Clause **best) {
  best[0] = best_clause(r);
  best[1] = NULL;
  for (size_t i = 0; i < r->count; i++)
    if (&r->clauses[i] != best[0] && (!best[1] || score(&r->clauses[i]) > score(best[1])))
      best[1] = &r->clauses[i];
  return best[1] ? 2 : 1;
}

/* OR: (a1 AND a2) OR (b1 AND b2) requires (a1 OR b1), (a1 OR b2), (a2 OR b1) and (a2 OR b2):
 * each choice of one clause per operand gives a clause, the union of the chosen ones' anchors.
 * One choice (each operand's most selective clause) can be weak when a selective operand's best
 * clause is a value common in events ("DWORD (0x00000001)" beside a list of registry keys): the
 * two best clauses of up to three operands are combined, at most CLAUSES_PER_RULE choices. */
static Requirement any_of(Arena *arena, const Requirement *parts, size_t n) {
  if (n == 0)
    return always;
  const Clause *(*best)[2] = arena_array(arena, n, sizeof *best);
  size_t *options = arena_array(arena, n, sizeof(size_t)), choices = 1;
  for (size_t i = 0; i < n; i++) {
    if (parts[i].count == 0)
      return always;
    options[i] = two_best(&parts[i], best[i]);
    if (options[i] == 2 && choices * 2 > CLAUSES_PER_RULE)
      options[i] = 1;
    choices *= options[i];
  }
  Requirement r = {arena_array(arena, choices, sizeof(Clause)), 0};
  for (size_t choice = 0; choice < choices; choice++) {
    size_t total = 0;
    for (size_t i = 0, rest = choice; i < n; rest /= options[i++])
      total += best[i][rest % options[i]]->count;
    if (total > ANCHORS_PER_CLAUSE)
      continue;
    Clause *u = &r.clauses[r.count++];
    *u = (Clause){arena_array(arena, total, sizeof(char *)), 0, 0};
    for (size_t i = 0, rest = choice; i < n; rest /= options[i++]) {
      const Clause *c = best[i][rest % options[i]];
      memcpy(u->items + u->count, c->items, c->count * sizeof(char *));
      u->count += c->count;
      u->min_len = i == 0 || c->min_len < u->min_len ? c->min_len : u->min_len;
    }
  }
  return all_of(arena, &r, 1); /* common clauses dropped when others remain */
}

/* What a rule's predicates are read with. */
typedef struct Reading {
  Arena *arena;
  const char *time_field;
  const Mapping *mapping; /* Sigma rules' (NULL: none) */
  const IrRule *rule;
} Reading;

/* Whether a Sigma predicate reads a field whose values a value map of the mapping rewrites
 * (Initiated "true" is network.direction "egress" in ECS events): its literal need not be in
 * the event's text. */
static bool value_mapped(const Reading *x, const IrPredicate *pred) {
  if (!x->mapping || x->rule->origin != IR_LANG_SIGMA || !pred->field)
    return false;
  const char *target = mapping_field(x->arena, x->mapping, &x->rule->logsource, pred->field);
  for (size_t i = 0; target && i < x->mapping->value_map_count; i++)
    if (strcmp(x->mapping->value_maps[i].field, target) == 0)
      return true;
  return false;
}

static Requirement node_requirement(const Reading *x, const IrNode *node, int depth) {
  Arena *arena = x->arena;
  if (!node || depth > TREE_DEPTH)
    return always;
  switch (node->kind) {
  case IR_PRED:
    return value_mapped(x, &node->pred) ? always : predicate(arena, &node->pred, x->time_field);
  case IR_NOT:
    return always; /* 'not x' holds where x's anchors are absent */
  case IR_NESTED:
    return always; /* rare (KQL only), and its fields are keys inside the nested objects */
  case IR_AND:
  case IR_OR: {
    Requirement *parts = arena_array(arena, node->count + 1, sizeof(Requirement));
    for (size_t i = 0; i < node->count; i++)
      parts[i] = node_requirement(x, node->children[i], depth + 1);
    return node->kind == IR_AND ? all_of(arena, parts, node->count)
                                : any_of(arena, parts, node->count);
  }
  }
  return always;
}

/* A rule's requirement: its queries are OR-ed (a Sigma condition list). */
Requirement rule_requirement(Arena *arena, const IrRule *rule, const char *time_field,
                             const Mapping *mapping) {
  if (rule->kind != IR_RULE_DETECTION || rule->query_count == 0)
    return always;
  Reading x = {arena, time_field, mapping, rule};
  Requirement *parts = arena_array(arena, rule->query_count, sizeof(Requirement));
  for (size_t q = 0; q < rule->query_count; q++) {
    const IrQuery *query = rule->queries[q];
    parts[q] = query->kind == IR_QUERY_EVENT ? node_requirement(&x, query->where, 0) : always;
  }
  return rule->query_count == 1 ? parts[0] : any_of(arena, parts, rule->query_count);
}
