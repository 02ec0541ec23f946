/* sigmac's SPL correlation pipelines read back into IR correlations (pipeline.h). The forms are
 * the ones the SPL backend writes (src/emit/spl_correlation.c says what each computes and why a
 * window ending at each event finds what Sigma's windows find); anything else is refused with
 * what was expected, at its place. What each form becomes:
 *
 *   streamstats count AS sigmac_count, where on it            event_count
 *   streamstats dc(F) AS sigmac_value_count, where on it      value_count over F
 *   latest time per rule (sigmac_tN, sigmac_lN), where on the number seen within the timespan
 *                                                             temporal
 *   a chain of latest start times (sigmac_sN, sigmac_pN), where the last rule closes it
 *                                                             temporal_ordered
 *
 * The searched rules are the subsearches of multisearch, named by their sigmac_rule tag, or the
 * single search before the pipeline. */
#include <stdlib.h>
#include <string.h>

#include "ir/ir_build.h"
#include "spl/pipeline.h"

typedef struct Reader {
  Parser *p;
  size_t index;      /* of the block in its file */
  IrRule **searched; /* tagged with their meta.name */
  size_t searched_count;
  IrAlias *aliases; /* sigmac_byN / sigmac_value copied per subsearch */
  size_t alias_count;
  IrStrList keys; /* the BY fields, the same in every streamstats */
  bool have_keys;
  Span by;            /* where they were first named */
  IrStrList not_null; /* the fields of the where isnotnull(...) filter */
  long long window;   /* seconds; -1 before the first streamstats */
} Reader;

static bool fail(Reader *r, const char *expected) {
  spl_lex_error(r->p, r->p->tok.span, "spl-unsupported",
                arena_printf(r->p->arena,
                             "expected %s: only sigmac's correlation pipelines are evaluated after "
                             "a search (docs/spl.md)",
                             expected));
  return false;
}

static bool word(Reader *r, const char *text) {
  return spl_lex_take_word(r->p, text) || fail(r, arena_printf(r->p->arena, "'%s'", text));
}

static bool token(Reader *r, TokKind kind, const char *shown) {
  return spl_lex_take(r->p, kind) || fail(r, shown);
}

static bool op(Reader *r, const char *text) {
  if (r->p->tok.kind == T_OP && strcmp(r->p->tok.op, text) == 0) {
    spl_lex_next(r->p);
    return true;
  }
  return fail(r, arena_printf(r->p->arena, "'%s'", text));
}

static bool command(Reader *r, const char *name) {
  return token(r, T_PIPE, "'|'") && word(r, name);
}

/* A number token; false (with an error) for anything else. */
static bool number(Reader *r, IrNumber *out) {
  const char *text = r->p->tok.kind == T_WORD ? spl_lex_text(r->p) : NULL;
  if (!text || !ir_plain_number(text))
    return fail(r, "a number");
  char *end;
  out->text = text;
  out->value = strtod(text, &end);
  out->integer = strtoll(text, &end, 10);
  out->is_integer = *end == '\0';
  spl_lex_next(r->p);
  return true;
}

/* A double-quoted tag naming one of the searched rules: its index, or -1 after an error. */
static long long tagged(Reader *r) {
  if (r->p->tok.kind != T_STRING)
    return fail(r, "a rule's tag in double quotes"), -1;
  const char *tag = spl_lex_name(r->p, r->p->tok);
  for (size_t i = 0; i < r->searched_count; i++)
    if (strcmp(r->searched[i]->meta.name, tag) == 0) {
      spl_lex_next(r->p);
      return (long long)i;
    }
  return fail(r, "the tag of one of the subsearches"), -1;
}

/* ---- the searches ---------------------------------------------------------------------------- */

static void alias(Reader *r, const char *name, const char *rule, const char *field) {
  Arena *arena = r->p->arena;
  IrAlias *a = NULL;
  for (size_t i = 0; i < r->alias_count && !a; i++)
    if (strcmp(r->aliases[i].name, name) == 0)
      a = &r->aliases[i];
  if (!a) {
    r->aliases = arena_push_slot(arena, r->aliases, r->alias_count, sizeof(IrAlias));
    a = &r->aliases[r->alias_count++];
    *a = (IrAlias){name, NULL, 0};
  }
  a->fields = arena_push_slot(arena, a->fields, a->count, sizeof(IrAliasField));
  a->fields[a->count++] = (IrAliasField){rule, field};
}

static void searched(Reader *r, Span span, IrNode *where, const char *name) {
  IrRule *rule =
      ir_event_rule(r->p->arena, IR_LANG_SPL, r->p->src, span, r->index, "splunk", where);
  rule->meta.name = name;
  rule->datamodel = r->p->datamodel;
  r->searched = arena_push_slot(r->p->arena, r->searched, r->searched_count, sizeof(IrRule *));
  r->searched[r->searched_count++] = rule;
}

/* [search ... | eval sigmac_rule="tag"{, sigmac_byN='F' | sigmac_value='F'}] */
static bool subsearch(Reader *r) {
  Parser *p = r->p;
  Span open = p->tok.span;
  if (!token(r, T_LBRACKET, "'[' and a subsearch"))
    return false;
  IrNode *where = spl_search_pipeline(p);
  if (!p->failed && !where)
    spl_lex_error(p, open, "spl-unsupported",
                  "this subsearch matches every event; a correlation's rule needs a condition");
  if (p->failed || !command(r, "eval") || !word(r, "sigmac_rule") || !op(r, "="))
    return false;
  if (p->tok.kind != T_STRING)
    return fail(r, "the rule's tag in double quotes");
  const char *tag = spl_lex_name(p, p->tok);
  for (size_t i = 0; i < r->searched_count; i++)
    if (strcmp(r->searched[i]->meta.name, tag) == 0)
      return fail(r, "a tag no other subsearch has");
  spl_lex_next(p);
  while (spl_lex_take(p, T_COMMA)) {
    const char *name = p->tok.kind == T_WORD ? spl_lex_text(p) : "";
    bool copy =
        strcmp(name, "sigmac_value") == 0 || (strncmp(name, "sigmac_by", 9) == 0 && name[9] &&
                                              strspn(name + 9, "0123456789") == strlen(name + 9));
    if (!copy)
      return fail(r, "sigmac_byN or sigmac_value, the fields a subsearch copies");
    spl_lex_next(p);
    const char *field = op(r, "=") ? spl_lex_quoted_field(p) : NULL;
    if (!field)
      return p->failed ? false : fail(r, "a field name in single quotes");
    alias(r, name, tag, field);
  }
  Span close = p->tok.span;
  if (!token(r, T_RBRACKET, "']'"))
    return false;
  searched(r, (Span){open.start, close.end}, where, tag);
  return true;
}

static bool multisearch(Reader *r) {
  if (!command(r, "multisearch"))
    return false;
  while (r->p->tok.kind == T_LBRACKET)
    if (!subsearch(r))
      return false;
  if (r->searched_count < 2)
    return fail(r, "at least two subsearches, as multisearch requires");
  return true;
}

/* ---- streamstats ----------------------------------------------------------------------------- */

/* [BY k {, k}]: the same keys in every streamstats. */
static bool by_clause(Reader *r) {
  IrStrList keys = {NULL, 0};
  Span by = r->p->tok.span;
  if (spl_lex_take_word(r->p, "BY")) {
    do {
      if (r->p->tok.kind != T_WORD)
        return fail(r, "a group-by field");
      keys.items = arena_push_slot(r->p->arena, keys.items, keys.count, sizeof(char *));
      keys.items[keys.count++] = spl_lex_text(r->p);
      spl_lex_next(r->p);
    } while (spl_lex_take(r->p, T_COMMA));
  }
  bool same = keys.count == r->keys.count;
  for (size_t i = 0; same && i < keys.count; i++)
    same = strcmp(keys.items[i], r->keys.items[i]) == 0;
  if (r->have_keys && !same)
    return fail(r, "the same BY fields as the streamstats before");
  if (!r->have_keys)
    r->by = by;
  r->keys = keys;
  r->have_keys = true;
  return true;
}

/* | streamstats time_window=Ns: the same window in every streamstats. */
static bool streamstats(Reader *r) {
  if (!command(r, "streamstats") || !word(r, "time_window") || !op(r, "="))
    return false;
  const char *text = r->p->tok.kind == T_WORD ? spl_lex_text(r->p) : "";
  size_t digits = strspn(text, "0123456789");
  if (!digits || digits > 12 || strcmp(text + digits, "s") != 0)
    return fail(r, "a time window in seconds, such as 300s");
  long long seconds = strtoll(text, NULL, 10);
  if (r->window >= 0 && seconds != r->window)
    return fail(r, "the same time window as the streamstats before");
  r->window = seconds;
  spl_lex_next(r->p);
  return true;
}

/* func(arg) AS name, each word as given. */
static bool aggregate(Reader *r, const char *func, const char *arg, const char *name) {
  return word(r, func) && token(r, T_LPAREN, "'('") && (!arg || word(r, arg)) &&
         token(r, T_RPAREN, "')'") && word(r, "AS") && word(r, name);
}

/* ---- conditions ------------------------------------------------------------------------------ */

static bool threshold(Reader *r, IrCorrelation *c) {
  static const char *const ops[] = {[IR_CMP_GT] = ">",   [IR_CMP_GTE] = ">=", [IR_CMP_LT] = "<",
                                    [IR_CMP_LTE] = "<=", [IR_CMP_EQ] = "==",  [IR_CMP_NEQ] = "!="};
  IrThreshold t = {IR_CMP_EQ, {0}};
  bool found = false;
  for (size_t k = 0; k < sizeof ops / sizeof *ops && !found; k++)
    if (r->p->tok.kind == T_OP && strcmp(r->p->tok.op, ops[k]) == 0) {
      t.op = (IrCompareKind)k;
      found = true;
    }
  if (!found)
    return fail(r, "a comparison: > >= < <= == !=");
  spl_lex_next(r->p);
  if (!number(r, &t.number))
    return false;
  c->thresholds =
      arena_push_slot(r->p->arena, c->thresholds, c->threshold_count, sizeof(IrThreshold));
  c->thresholds[c->threshold_count++] = t;
  return true;
}

/* | where name OP n {AND name OP n} */
static bool where_on(Reader *r, IrCorrelation *c, const char *name) {
  if (!command(r, "where"))
    return false;
  do {
    if (!word(r, name) || !threshold(r, c))
      return false;
  } while (spl_lex_take_word(r->p, "AND"));
  return true;
}

/* _time - name <= window */
static bool within(Reader *r, const char *name) {
  IrNumber n;
  if (!word(r, "_time") || !word(r, "-") || !word(r, name) || !op(r, "<="))
    return false;
  Parser at = *r->p;
  if (!number(r, &n))
    return false;
  if (!n.is_integer || n.integer != r->window) {
    *r->p = at; /* reported at the number */
    return fail(r, "the timespan of the streamstats window");
  }
  return true;
}

/* ---- the forms ------------------------------------------------------------------------------- */

static bool counting(Reader *r, IrCorrelation *c) {
  if (!streamstats(r))
    return false;
  if (spl_lex_take_word(r->p, "count")) {
    c->kind = IR_CORR_EVENT_COUNT;
    if (!word(r, "AS") || !word(r, "sigmac_count") || !by_clause(r))
      return false;
    return where_on(r, c, "sigmac_count");
  }
  c->kind = IR_CORR_VALUE_COUNT;
  if (!word(r, "dc") || !token(r, T_LPAREN, "'('"))
    return false;
  if (r->p->tok.kind != T_WORD)
    return fail(r, "the field dc() counts");
  c->condition_fields.items = arena_alloc(r->p->arena, sizeof(char *));
  c->condition_fields.items[0] = spl_lex_text(r->p);
  c->condition_fields.count = 1;
  spl_lex_next(r->p);
  if (!token(r, T_RPAREN, "')'") || !word(r, "AS") || !word(r, "sigmac_value_count") ||
      !by_clause(r))
    return false;
  return where_on(r, c, "sigmac_value_count");
}

/* name=if(sigmac_rule="tag", value, null()): the rule tagged, or -1. */
static long long tag_if(Reader *r, const char *name, const char *value) {
  if (!word(r, name) || !op(r, "=") || !word(r, "if") || !token(r, T_LPAREN, "'('") ||
      !word(r, "sigmac_rule") || !op(r, "="))
    return -1;
  long long rule = tagged(r);
  if (rule < 0 || !token(r, T_COMMA, "','") || !word(r, value) || !token(r, T_COMMA, "','") ||
      !word(r, "null") || !token(r, T_LPAREN, "'('") || !token(r, T_RPAREN, "')'") ||
      !token(r, T_RPAREN, "')'"))
    return -1;
  return rule;
}

/* The rules in the order a form names them; each searched rule once. */
static bool order_rules(Reader *r, IrCorrelation *c, const long long *order, size_t count) {
  if (count != r->searched_count)
    return fail(r, "every subsearch's rule in the correlation");
  c->rules = arena_array(r->p->arena, count, sizeof(IrRuleRef));
  for (size_t i = 0; i < count; i++) {
    for (size_t j = 0; j < i; j++)
      if (order[j] == order[i])
        return fail(r, "each subsearch's rule once");
    IrRule *rule = r->searched[order[i]];
    c->rules[i] = (IrRuleRef){rule->meta.name, rule, r->p->src, rule->span};
  }
  c->rule_count = count;
  return true;
}

/* | eval sigmac_tN=if(...), ... | streamstats max(sigmac_tN) AS sigmac_lN, ... | where
 * if(_time - sigmac_l1 <= T, 1, 0) + ... OP n {AND ...} */
static bool temporal(Reader *r, IrCorrelation *c) {
  c->kind = IR_CORR_TEMPORAL;
  size_t n = r->searched_count;
  long long *order = arena_array(r->p->arena, n, sizeof(long long));
  if (!command(r, "eval"))
    return false;
  for (size_t i = 0; i < n; i++)
    if ((i && !token(r, T_COMMA, "','")) ||
        (order[i] = tag_if(r, arena_printf(r->p->arena, "sigmac_t%zu", i + 1), "_time")) < 0)
      return false;
  if (!order_rules(r, c, order, n) || !streamstats(r))
    return false;
  for (size_t i = 0; i < n; i++)
    if ((i && !token(r, T_COMMA, "','")) ||
        !aggregate(r, "max", arena_printf(r->p->arena, "sigmac_t%zu", i + 1),
                   arena_printf(r->p->arena, "sigmac_l%zu", i + 1)))
      return false;
  if (!by_clause(r) || !command(r, "where"))
    return false;
  do {
    for (size_t i = 0; i < n; i++) {
      if ((i && !word(r, "+")) || !word(r, "if") || !token(r, T_LPAREN, "'('") ||
          !within(r, arena_printf(r->p->arena, "sigmac_l%zu", i + 1)) ||
          !token(r, T_COMMA, "','") || !word(r, "1") || !token(r, T_COMMA, "','") ||
          !word(r, "0") || !token(r, T_RPAREN, "')'"))
        return false;
    }
    if (!threshold(r, c))
      return false;
  } while (spl_lex_take_word(r->p, "AND"));
  return true;
}

/* {| eval sigmac_sN=if(..., _time or sigmac_p<N-1>, null()) | streamstats max(sigmac_sN) AS
 * sigmac_pN} | where sigmac_rule="last" AND _time - sigmac_pN <= T */
static bool ordered(Reader *r, IrCorrelation *c) {
  c->kind = IR_CORR_TEMPORAL_ORDERED;
  size_t n = r->searched_count;
  long long *order = arena_array(r->p->arena, n, sizeof(long long));
  size_t steps = 0;
  while (steps + 1 < n) {
    const char *from = steps ? arena_printf(r->p->arena, "sigmac_p%zu", steps) : "_time";
    const char *s = arena_printf(r->p->arena, "sigmac_s%zu", steps + 1);
    if (!command(r, "eval") || (order[steps] = tag_if(r, s, from)) < 0 || !streamstats(r) ||
        !aggregate(r, "max", s, arena_printf(r->p->arena, "sigmac_p%zu", steps + 1)) ||
        !by_clause(r))
      return false;
    steps++;
  }
  if (!command(r, "where") || !word(r, "sigmac_rule") || !op(r, "=") ||
      (order[steps] = tagged(r)) < 0 || !word(r, "AND") ||
      !within(r, arena_printf(r->p->arena, "sigmac_p%zu", steps)))
    return false;
  return order_rules(r, c, order, n);
}

/* [| where isnotnull('k') {AND isnotnull('k')}] | sort 0 _time */
static bool prologue(Reader *r) {
  Parser ahead = *r->p;
  spl_lex_next(&ahead);
  if (spl_lex_word_is(&ahead, "where")) {
    if (!command(r, "where"))
      return false;
    do {
      if (!word(r, "isnotnull") || !token(r, T_LPAREN, "'('"))
        return false;
      const char *field = spl_lex_quoted_field(r->p);
      if (!field)
        return fail(r, "a field name in single quotes");
      r->not_null.items =
          arena_push_slot(r->p->arena, r->not_null.items, r->not_null.count, sizeof(char *));
      r->not_null.items[r->not_null.count++] = field;
      if (!token(r, T_RPAREN, "')'"))
        return false;
    } while (spl_lex_take_word(r->p, "AND"));
  }
  return command(r, "sort") && word(r, "0") && word(r, "_time");
}

/* Every BY field is filtered by isnotnull first: events without one take no part, as Sigma's
 * group-by drops them. */
static bool keys_filtered(Reader *r) {
  for (size_t i = 0; i < r->keys.count; i++) {
    bool found = false;
    for (size_t j = 0; j < r->not_null.count && !found; j++)
      found = strcmp(r->keys.items[i], r->not_null.items[j]) == 0;
    if (!found) {
      spl_lex_error(r->p, r->by, "spl-unsupported",
                    arena_printf(r->p->arena,
                                 "the group-by field '%s' needs '| where isnotnull('%s')' before "
                                 "the sort: events without it take no part in a correlation",
                                 r->keys.items[i], r->keys.items[i]));
      return false;
    }
  }
  return true;
}

bool spl_correlation(Parser *p, Span block, size_t index, IrNode *single, IrRuleSet *rules) {
  Reader r = {.p = p, .index = index, .window = -1};
  IrCorrelation *c = arena_alloc(p->arena, sizeof *c);
  if (single)
    searched(&r, block, single, "search");
  else if (!multisearch(&r))
    return false;
  if (!prologue(&r))
    return false;
  Parser ahead = *p;
  spl_lex_next(&ahead);
  bool ok;
  if (spl_lex_word_is(&ahead, "streamstats")) {
    long long *order = arena_array(p->arena, r.searched_count, sizeof(long long));
    for (size_t i = 0; i < r.searched_count; i++) /* every search's events count */
      order[i] = (long long)i;
    ok = order_rules(&r, c, order, r.searched_count);
    ok = ok && counting(&r, c);
  } else {
    spl_lex_next(&ahead);
    if (single)
      ok = fail(&r, "streamstats: a single search has no rule tags to correlate");
    else if (spl_lex_word_is(&ahead, "sigmac_t1"))
      ok = temporal(&r, c);
    else
      ok = ordered(&r, c);
  }
  if (!ok || !keys_filtered(&r))
    return false;
  if (p->tok.kind != T_END)
    return fail(&r, "the end of the pipeline");
  c->group_by = r.keys;
  c->aliases = r.aliases;
  c->alias_count = r.alias_count;
  c->timespan_seconds = r.window;
  c->timespan_text = arena_printf(p->arena, "%llds", r.window);
  IrRule *rule = arena_alloc(p->arena, sizeof *rule);
  rule->kind = IR_RULE_CORRELATION;
  rule->origin = IR_LANG_SPL;
  rule->src = p->src;
  rule->span = block;
  rule->document = index;
  rule->correlation = c;
  rule->taxonomy_out = "splunk";
  for (size_t i = 0; i < r.searched_count; i++)
    ir_ruleset_push(p->arena, rules, r.searched[i]);
  ir_ruleset_push(p->arena, rules, rule);
  return true;
}
