/* The rules of the EQL language that the grammar does not say, as Elasticsearch enforces them
 * (../shared/docs/eql-semantics.md sections 1, 7 to 11): functions and their arguments,
 * comparisons, sequences, samples and pipes. Endgame-only forms are warnings. */
#include <string.h>

#include "base/cidr.h"
#include "eql/ast.h"
#include "eval/regex.h"

static void report(EqlParser *p, DiagSeverity severity, Span span, const char *id,
                   const char *message) {
  diag_report(p->diags, severity, p->src, span, id, "%s", message);
}

/* Elasticsearch's functions: name, arity, and whether a '~' form exists. */
static const struct {
  const char *name;
  int min, max; /* max -1: no limit */
  bool tilde;
} functions[] = {
    {"add", 2, 2, false},      {"between", 3, 4, true},        {"cidrMatch", 2, -1, false},
    {"concat", 1, -1, false},  {"divide", 2, 2, false},        {"endsWith", 2, 2, true},
    {"indexOf", 2, 3, true},   {"length", 1, 1, false},        {"modulo", 2, 2, false},
    {"multiply", 2, 2, false}, {"number", 1, 2, false},        {"startsWith", 2, 2, true},
    {"string", 1, 1, false},   {"stringContains", 2, 2, true}, {"substring", 2, 3, false},
    {"subtract", 2, 2, false},
};

/* Functions of the Endgame implementation that Elasticsearch does not have. */
static const char *const endgame_functions[] = {
    "arrayContains", "arrayCount", "arraySearch", "match", "matchLite", "wildcard", "safe", NULL};

static bool same_name(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if ((*a | 0x20) != (*b | 0x20))
      return false;
  return *a == *b;
}

static void check_call(EqlParser *p, const IrExpr *e) {
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    if (!same_name(functions[i].name, e->text))
      continue;
    int n = (int)e->count;
    if (n < functions[i].min || (functions[i].max >= 0 && n > functions[i].max))
      report(p, DIAG_ERROR, e->span, "eql-function-arity",
             functions[i].max < 0
                 ? arena_printf(p->arena, "%s() takes at least %d argument%s, saw %d",
                                functions[i].name, functions[i].min,
                                functions[i].min == 1 ? "" : "s", n)
             : functions[i].min == functions[i].max
                 ? arena_printf(p->arena, "%s() takes %d argument%s, saw %d", functions[i].name,
                                functions[i].min, functions[i].min == 1 ? "" : "s", n)
                 : arena_printf(p->arena, "%s() takes %d to %d arguments, saw %d",
                                functions[i].name, functions[i].min, functions[i].max, n));
    if (e->insensitive && !functions[i].tilde)
      report(p, DIAG_ERROR, e->span, "eql-function-tilde",
             arena_printf(p->arena, "%s() has no case-insensitive '~' form", functions[i].name));
    if (same_name(e->text, "cidrMatch") && n >= 1 && e->args[0] &&
        e->args[0]->kind != IR_EXPR_FIELD)
      report(p, DIAG_ERROR, e->args[0]->span, "eql-function-argument",
             "cidrMatch() takes a field of type ip first");
    for (int k = 1; same_name(e->text, "cidrMatch") && k < n; k++) {
      const IrExpr *net = e->args[k];
      Cidr cidr;
      const char *why = NULL;
      if (net && net->kind != IR_EXPR_STRING)
        report(p, DIAG_ERROR, net->span, "eql-function-argument",
               "cidrMatch() takes CIDR networks as strings after the field");
      else if (net && !cidr_parse(net->text, net->len, &cidr, NULL, NULL, &why))
        report(p, DIAG_ERROR, net->span, "eql-function-argument",
               arena_printf(p->arena, "invalid CIDR network '%s': %s", net->text, why));
    }
    return;
  }
  for (const char *const *g = endgame_functions; *g; g++)
    if (same_name(*g, e->text)) {
      report(p, p->endgame ? DIAG_WARNING : DIAG_ERROR, e->span, "eql-endgame",
             arena_printf(p->arena, "%s() is Endgame EQL; Elasticsearch does not have it", *g));
      return;
    }
  report(p, DIAG_ERROR, e->span, "eql-function-unknown",
         arena_printf(p->arena, "unknown function '%s'", e->text));
}

static bool is_field(const IrExpr *e) { return e && e->kind == IR_EXPR_FIELD; }

/* A regex operand that does not compile: Elasticsearch rejects the query. The Lucene pattern is
 * compiled as the evaluator runs it (regex_from_lucene): what PCRE cannot parse there, Lucene
 * cannot either (an unbalanced group or class, a dangling quantifier). */
static void check_regex(EqlParser *p, const IrExpr *pattern) {
  size_t offset;
  const char *error;
  const char *pcre = regex_from_lucene(p->arena, pattern->text);
  if (!regex_compile(p->arena, pcre, strlen(pcre), 0, &offset, &error))
    report(p, DIAG_ERROR, pattern->span, "eql-regex",
           arena_printf(p->arena, "this regex does not compile: %s", error));
}

static void check_match(EqlParser *p, const IrExpr *e) {
  for (size_t i = 1; i < e->count; i++) {
    if (e->args[i] && e->args[i]->kind != IR_EXPR_STRING)
      report(p, DIAG_ERROR, e->args[i]->span, "eql-type",
             arena_printf(p->arena, "'%s' compares strings only; use '==' for %s", e->op,
                          e->args[i]->kind == IR_EXPR_NUMBER ? "numbers" : "other values"));
    else if (e->args[i] && strcmp(e->op, "regex") == 0)
      check_regex(p, e->args[i]);
  }
}

/* Elasticsearch documents field-to-field comparisons as unsupported, yet its own QA suite runs
 * ?x == ?y: a warning, not an error. */
static void check_compare(EqlParser *p, const IrExpr *e) {
  if (!p->endgame && is_field(e->args[0]) && is_field(e->args[1]))
    report(p, DIAG_WARNING, e->span, "eql-field-comparison",
           "Elasticsearch EQL documents comparing a field only with a constant; comparing two "
           "fields may be rejected");
}

static void expr(EqlParser *p, const IrExpr *e) {
  if (!e)
    return;
  switch (e->kind) {
  case IR_EXPR_CALL:
    check_call(p, e);
    break;
  case IR_EXPR_MATCH:
    check_match(p, e);
    break;
  case IR_EXPR_COMPARE:
    check_compare(p, e);
    break;
  case IR_EXPR_LINEAGE:
    report(
        p, DIAG_WARNING, e->span, "eql-endgame",
        arena_printf(p->arena, "'%s of' is Endgame EQL; Elasticsearch does not run it", e->text));
    break;
  case IR_EXPR_FIELD:
  case IR_EXPR_STRING:
  case IR_EXPR_NUMBER:
  case IR_EXPR_BOOL:
  case IR_EXPR_NULL:
  case IR_EXPR_ARITH:
  case IR_EXPR_NEG:
  case IR_EXPR_IN:
  case IR_EXPR_AND:
  case IR_EXPR_OR:
  case IR_EXPR_NOT:
    break;
  }
  for (size_t i = 0; i < e->count; i++)
    expr(p, e->args[i]);
}

static long positive_steps(const EqlStatement *st) {
  long steps = 0;
  for (size_t i = 0; i < st->term_count; i++)
    if (!st->terms[i].missing)
      steps += st->terms[i].runs;
  return steps;
}

static bool any_missing(const EqlStatement *st) {
  for (size_t i = 0; i < st->term_count; i++)
    if (st->terms[i].missing)
      return true;
  return false;
}

/* Elasticsearch joins on fields only ("Unsupported join key"). */
static void check_join_key(EqlParser *p, const IrExpr *key) {
  expr(p, key);
  if (key && key->kind != IR_EXPR_FIELD && !p->endgame)
    report(p, DIAG_ERROR, key->span, "eql-join-keys", "a join key must be a field");
  else if (key && key->kind != IR_EXPR_FIELD)
    report(p, DIAG_WARNING, key->span, "eql-endgame",
           "a join key that is an expression is Endgame EQL; Elasticsearch joins on fields");
}

static void check_term(EqlParser *p, const EqlTerm *term) {
  expr(p, term->where);
  for (size_t k = 0; k < term->by_count; k++)
    check_join_key(p, term->by[k]);
  if (term->runs_span.end && (term->runs < 1 || term->runs > 100))
    report(p, DIAG_ERROR, term->runs_span, "eql-sequence",
           arena_printf(p->arena, "runs must be from 1 to 100, saw %ld", term->runs));
}

/* Every step has the same number of join keys (shared ones plus its own). */
static void check_keys(EqlParser *p, const EqlStatement *st) {
  size_t expected = st->terms[0].by_count;
  for (size_t i = 1; i < st->term_count; i++)
    if (st->terms[i].by_count != expected)
      report(p, DIAG_ERROR, st->terms[i].by_count ? st->terms[i].by_span : st->terms[i].span,
             "eql-join-keys",
             arena_printf(p->arena,
                          "inconsistent number of join keys; expected [%zu] but found [%zu]",
                          expected, st->terms[i].by_count));
  if (st->until && st->until->by_count != expected)
    report(
        p, DIAG_ERROR, st->until->span, "eql-join-keys",
        arena_printf(p->arena,
                     "inconsistent number of join keys in 'until'; expected [%zu] but found [%zu]",
                     expected, st->until->by_count));
}

static bool runs_in_range(const EqlStatement *st) {
  for (size_t i = 0; i < st->term_count; i++)
    if (st->terms[i].runs < 1 || st->terms[i].runs > 100)
      return false;
  return true;
}

static void check_sequence(EqlParser *p, const EqlStatement *st) {
  long steps = positive_steps(st);
  if (!runs_in_range(st))
    return; /* the runs error says it; counting steps with it would only confuse */
  if (steps < 2 && !any_missing(st))
    report(p, DIAG_ERROR, st->keyword_span, "eql-sequence",
           arena_printf(p->arena,
                        "a sequence needs at least two steps, this one has %ld; a single step is "
                        "an event query: drop 'sequence' and the brackets",
                        steps));
  if (steps < 1)
    report(p, DIAG_ERROR, st->keyword_span, "eql-sequence",
           "a sequence needs at least one step that is not missing ('!')");
  if (any_missing(st) && !st->maxspan_text)
    report(p, DIAG_ERROR, st->keyword_span, "eql-sequence",
           "a sequence with missing events ('!') needs 'with maxspan'");
  if (st->maxspan_text && st->maxspan_ms <= 0)
    report(p, DIAG_ERROR, st->maxspan_span, "eql-sequence", "a positive maxspan value is required");
  if (st->until && st->until->missing)
    report(p, DIAG_ERROR, st->until->span, "eql-sequence",
           "a missing event ('!') cannot be the 'until' step");
  if (st->until && st->until->runs_span.end)
    report(p, DIAG_ERROR, st->until->runs_span, "eql-sequence",
           "'with runs' does not apply to the 'until' step");
}

/* Pipes: Elasticsearch runs head and tail with one non-negative integer. */
static void check_pipe(EqlParser *p, const EqlStatement *st, const EqlPipe *pipe) {
  static const char *const endgame_pipes[] = {"count",  "unique", "unique_count",
                                              "filter", "sort",   NULL};
  for (size_t i = 0; i < pipe->count; i++)
    expr(p, pipe->args[i]);
  if (strcmp(pipe->name, "head") == 0 || strcmp(pipe->name, "tail") == 0) {
    const IrExpr *arg = pipe->count ? pipe->args[0] : NULL;
    if (pipe->count != 1)
      report(p, DIAG_ERROR, pipe->count ? pipe->args[1]->span : pipe->span, "eql-pipe",
             arena_printf(p->arena, "pipe [%s] expects exactly one argument but found [%zu]",
                          pipe->name, pipe->count));
    else if (!arg || arg->kind != IR_EXPR_NUMBER || !arg->number.is_integer ||
             arg->number.integer < 0)
      report(p, DIAG_ERROR, arg ? arg->span : pipe->span, "eql-pipe",
             arena_printf(p->arena, "pipe [%s] expects a positive integer but found [%.*s]",
                          pipe->name, (int)(arg->span.end - arg->span.start),
                          p->src->text + arg->span.start));
    return;
  }
  if (strcmp(pipe->name, "where") == 0) {
    report(p, DIAG_ERROR, pipe->span, "eql-pipe",
           st->shape == EQL_SEQUENCE
               ? "'where' is not an EQL pipe; put the condition in the sequence step"
               : "'where' is not an EQL pipe; put the condition in the query after 'where'");
    return;
  }
  for (const char *const *g = endgame_pipes; *g; g++)
    if (strcmp(*g, pipe->name) == 0) {
      report(p, DIAG_WARNING, pipe->span, "eql-endgame",
             arena_printf(
                 p->arena,
                 "pipe [%s] is Endgame EQL; Elasticsearch rejects it (only head and tail run)",
                 pipe->name));
      return;
    }
  report(p, DIAG_ERROR, pipe->span, "eql-pipe",
         arena_printf(p->arena, "unrecognized pipe [%s]; Elasticsearch runs head and tail",
                      pipe->name));
}

void eql_check(EqlParser *p, const EqlStatement *st) {
  for (size_t i = 0; i < st->term_count; i++)
    check_term(p, &st->terms[i]);
  if (st->until)
    check_term(p, st->until);
  for (size_t k = 0; k < st->by_count; k++)
    check_join_key(p, st->by[k]);
  switch (st->shape) {
  case EQL_EVENT:
    break;
  case EQL_SEQUENCE:
    check_sequence(p, st);
    check_keys(p, st);
    break;
  case EQL_SAMPLE:
    if (st->term_count < 2)
      report(p, DIAG_ERROR, st->keyword_span, "eql-sample", "a sample needs at least two steps");
    if (st->pipe_count)
      report(p, DIAG_ERROR, st->pipes[0].span, "eql-sample", "a sample takes no pipes");
    check_keys(p, st);
    break;
  case EQL_JOIN:
    report(
        p, DIAG_WARNING, st->keyword_span, "eql-endgame",
        "'join' is Endgame EQL; Elasticsearch does not run it (a 'sample' joins unordered events)");
    check_keys(p, st);
    break;
  }
  for (size_t i = 0; i < st->pipe_count; i++)
    check_pipe(p, st, &st->pipes[i]);
}
