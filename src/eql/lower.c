/* EQL conditions into IR: every comparison of a field with constants that the IR's predicates
 * say exactly becomes one (==, :, like, regex, in, startsWith~, cidrMatch, null checks, numeric
 * ranges); anything else stays an IrExpr inside an IR_MATCH_EXPR predicate. */
#include <string.h>

#include "eql/ast.h"
#include "ir/ir_build.h"

typedef struct Lowering {
  Arena *arena;
  const Source *src;
  IrQuery *query; /* its 'endgame' names the first Endgame-only construct met */
} Lowering;

/* Records an Endgame-only construct the IR cannot hold: backends and the evaluator refuse the
 * query, naming it (the checks have warned). */
static void endgame_only(const Lowering *l, const char *what) {
  if (!l->query->endgame)
    l->query->endgame = what;
}

static IrPredicate base(const Lowering *l, const IrExpr *field, Span span) {
  IrPredicate pred;
  memset(&pred, 0, sizeof pred);
  pred.field = field ? field->text : NULL;
  pred.optional = field && field->optional;
  pred.src = l->src;
  pred.span = span;
  return pred;
}

static IrNode *expr_pred(const Lowering *l, IrExpr *e) {
  IrPredicate pred = base(l, NULL, e->span);
  pred.match = IR_MATCH_EXPR;
  pred.expr = e;
  return ir_pred(l->arena, &pred);
}

static bool is_field(const IrExpr *e) { return e && e->kind == IR_EXPR_FIELD; }

static bool is_constant(const IrExpr *e) {
  return e && (e->kind == IR_EXPR_STRING || e->kind == IR_EXPR_NUMBER || e->kind == IR_EXPR_BOOL ||
               e->kind == IR_EXPR_NULL);
}

/* EQL ':' / like patterns: every '*' and '?' is a wildcard; there is no escape. */
static IrString pattern(Arena *arena, const char *text, size_t len) {
  IrStringBuilder b;
  ir_sb_init(&b, arena);
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '*' || text[i] == '?')
      ir_sb_wildcard(&b, text[i] == '*' ? IR_SEG_ANY : IR_SEG_ONE);
    else
      ir_sb_literal(&b, &text[i], 1);
  }
  return ir_sb_finish(&b);
}

/* field == constant (also written constant == field). */
static IrNode *equality(const Lowering *l, const IrExpr *field, const IrExpr *value, Span span,
                        bool cased) {
  IrPredicate pred = base(l, field, span);
  pred.match = IR_MATCH_EQUALS;
  pred.cased = cased && value->kind == IR_EXPR_STRING; /* case means nothing for the others */
  switch (value->kind) {
  case IR_EXPR_STRING:
    pred.value.kind = IR_VALUE_STRING;
    pred.value.string = ir_string_literal(l->arena, value->text, value->len);
    break;
  case IR_EXPR_NUMBER:
    pred.value.kind = IR_VALUE_NUMBER;
    pred.value.number = value->number;
    break;
  case IR_EXPR_BOOL:
    pred.value.kind = IR_VALUE_BOOL;
    pred.value.boolean = value->boolean;
    break;
  case IR_EXPR_NULL:
    pred.match = IR_MATCH_NULL;
    break;
  default:
    return NULL;
  }
  return ir_pred(l->arena, &pred);
}

static IrNode *compare(const Lowering *l, IrExpr *e) {
  IrExpr *a = e->args[0], *b = e->args[1];
  static const char *const flipped[][2] = {{"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
  const char *op = e->op;
  if (is_constant(a) && is_field(b)) { /* constant on the left: turn it round */
    IrExpr *t = a;
    a = b, b = t;
    for (size_t i = 0; i < 4; i++)
      if (strcmp(op, flipped[i][0]) == 0) {
        op = flipped[i][1];
        break;
      }
  }
  if (!is_field(a) || !is_constant(b))
    return expr_pred(l, e);
  if (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0) {
    IrNode *eq = equality(l, a, b, e->span, true);
    return !eq ? expr_pred(l, e) : op[0] == '!' ? ir_not(l->arena, eq) : eq;
  }
  if (b->kind != IR_EXPR_NUMBER)
    return expr_pred(l, e); /* ordering strings: kept as an expression */
  IrPredicate pred = base(l, a, e->span);
  pred.match = strcmp(op, "<") == 0    ? IR_MATCH_LT
               : strcmp(op, "<=") == 0 ? IR_MATCH_LTE
               : strcmp(op, ">") == 0  ? IR_MATCH_GT
                                       : IR_MATCH_GTE;
  pred.value.kind = IR_VALUE_NUMBER;
  pred.value.number = b->number;
  return ir_pred(l->arena, &pred);
}

/* field : "p", field like~ ("a", "b"), field regex "r": an OR over the values. */
static IrNode *match(const Lowering *l, IrExpr *e) {
  IrExpr *field = e->args[0];
  if (!is_field(field))
    return expr_pred(l, e);
  IrNode **alternatives = arena_array(l->arena, e->count - 1, sizeof(IrNode *));
  for (size_t i = 1; i < e->count; i++) {
    const IrExpr *value = e->args[i];
    if (!value || value->kind != IR_EXPR_STRING)
      return expr_pred(l, e);
    IrPredicate pred = base(l, field, e->span);
    pred.cased = !e->insensitive;
    if (strcmp(e->op, "regex") == 0) {
      pred.match = IR_MATCH_REGEX;
      pred.pattern = value->text;
      pred.lucene = true;
    } else {
      IrString p = pattern(l->arena, value->text, value->len);
      ir_classify_string(l->arena, &pred, &p);
    }
    alternatives[i - 1] = ir_pred(l->arena, &pred);
  }
  return ir_join(l->arena, IR_OR, alternatives, e->count - 1);
}

static IrNode *in_list(const Lowering *l, IrExpr *e) {
  IrExpr *field = e->args[0];
  if (!is_field(field))
    return expr_pred(l, e);
  IrNode **alternatives = arena_array(l->arena, e->count - 1, sizeof(IrNode *));
  for (size_t i = 1; i < e->count; i++) {
    IrNode *eq =
        is_constant(e->args[i]) ? equality(l, field, e->args[i], e->span, !e->insensitive) : NULL;
    if (!eq)
      return expr_pred(l, e);
    alternatives[i - 1] = eq;
  }
  return ir_join(l->arena, IR_OR, alternatives, e->count - 1);
}

static bool named(const IrExpr *call, const char *name) {
  size_t n = strlen(name);
  if (strlen(call->text) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((call->text[i] | 0x20) != (name[i] | 0x20))
      return false;
  return true;
}

/* startsWith~(field, "x"), endsWith, stringContains, cidrMatch(field, "net", ...). */
static IrNode *function(const Lowering *l, IrExpr *e) {
  IrMatchKind kind = named(e, "startsWith")       ? IR_MATCH_STARTSWITH
                     : named(e, "endsWith")       ? IR_MATCH_ENDSWITH
                     : named(e, "stringContains") ? IR_MATCH_CONTAINS
                     : named(e, "cidrMatch")      ? IR_MATCH_CIDR
                                                  : IR_MATCH_EXPR;
  if (kind == IR_MATCH_EXPR || e->count < 2 || !is_field(e->args[0]) ||
      (kind != IR_MATCH_CIDR && e->count != 2))
    return expr_pred(l, e);
  IrNode **alternatives = arena_array(l->arena, e->count - 1, sizeof(IrNode *));
  for (size_t i = 1; i < e->count; i++) {
    const IrExpr *value = e->args[i];
    if (!value || value->kind != IR_EXPR_STRING)
      return expr_pred(l, e);
    IrPredicate pred = base(l, e->args[0], e->span);
    pred.script = true;
    pred.match = kind;
    pred.cased = kind != IR_MATCH_CIDR && !e->insensitive;
    if (kind == IR_MATCH_CIDR)
      pred.pattern = value->text;
    else {
      pred.value.kind = IR_VALUE_STRING;
      pred.value.string = ir_string_literal(l->arena, value->text, value->len);
    }
    alternatives[i - 1] = ir_pred(l->arena, &pred);
  }
  return ir_join(l->arena, IR_OR, alternatives, e->count - 1);
}

static IrNode *lower(const Lowering *l, IrExpr *e) {
  switch (e->kind) {
  case IR_EXPR_AND:
  case IR_EXPR_OR: {
    IrNode **children = arena_array(l->arena, e->count, sizeof(IrNode *));
    for (size_t i = 0; i < e->count; i++)
      children[i] = lower(l, e->args[i]);
    return ir_join(l->arena, e->kind == IR_EXPR_AND ? IR_AND : IR_OR, children, e->count);
  }
  case IR_EXPR_NOT:
    return ir_not(l->arena, lower(l, e->args[0]));
  case IR_EXPR_COMPARE:
    return compare(l, e);
  case IR_EXPR_MATCH:
    return match(l, e);
  case IR_EXPR_IN:
    return in_list(l, e);
  case IR_EXPR_CALL:
    return function(l, e);
  case IR_EXPR_FIELD:
  case IR_EXPR_STRING:
  case IR_EXPR_NUMBER:
  case IR_EXPR_BOOL:
  case IR_EXPR_NULL:
  case IR_EXPR_ARITH:
  case IR_EXPR_NEG:
  case IR_EXPR_LINEAGE:
    return expr_pred(l, e);
  }
  return expr_pred(l, e);
}

/* Endgame-only expressions the IR would hold without complaint: array indexes (the parser keeps
 * "a[1]" as a field name). Functions and lineage are refused where they are evaluated. */
static void scan_endgame(const Lowering *l, const IrExpr *e) {
  if (!e)
    return;
  if (e->kind == IR_EXPR_FIELD && strchr(e->text, '['))
    endgame_only(l, "an array index");
  for (size_t i = 0; i < e->count; i++)
    scan_endgame(l, e->args[i]);
}

/* Join keys as field names (the source text for an Endgame key that is an expression). */
static IrStrList keys(const Lowering *l, IrExpr **exprs, size_t count) {
  IrStrList list = {arena_array(l->arena, count, sizeof(char *)), count};
  for (size_t i = 0; i < count; i++) {
    if (!is_field(exprs[i]))
      endgame_only(l, "a join key that is an expression");
    list.items[i] =
        is_field(exprs[i])
            ? (exprs[i]->optional ? arena_printf(l->arena, "?%s", exprs[i]->text) : exprs[i]->text)
            : arena_strndup(l->arena, l->src->text + exprs[i]->span.start,
                            exprs[i]->span.end - exprs[i]->span.start);
  }
  return list;
}

static void step(const Lowering *l, const EqlTerm *term, IrStep *out) {
  out->category = term->category; /* NULL: 'any' */
  scan_endgame(l, term->where);
  out->where = lower(l, term->where);
  out->by = keys(l, term->by, term->by_count);
  out->missing = term->missing;
  out->runs = term->runs;
  if (term->fork)
    endgame_only(l, "'fork'");
}

static void pipes(const Lowering *l, const EqlStatement *st, IrQuery *q) {
  q->pipes = arena_array(l->arena, st->pipe_count, sizeof(IrPipe));
  for (size_t i = 0; i < st->pipe_count; i++) {
    const EqlPipe *pipe = &st->pipes[i];
    bool head = strcmp(pipe->name, "head") == 0, tail = strcmp(pipe->name, "tail") == 0;
    if ((!head && !tail) || pipe->count != 1 || pipe->args[0]->kind != IR_EXPR_NUMBER) {
      endgame_only(l, arena_printf(l->arena, "the pipe '%s'", pipe->name));
      continue;
    }
    q->pipes[q->pipe_count].kind = head ? IR_PIPE_HEAD : IR_PIPE_TAIL;
    q->pipes[q->pipe_count++].count = pipe->args[0]->number.integer;
  }
}

IrQuery *eql_lower(Arena *arena, const Source *src, const EqlStatement *st) {
  IrQuery *q = arena_alloc(arena, sizeof *q);
  Lowering l = {arena, src, q};
  switch (st->shape) {
  case EQL_EVENT:
    q->kind = IR_QUERY_EVENT;
    q->category = st->terms[0].category; /* NULL: 'any' */
    scan_endgame(&l, st->terms[0].where);
    q->where = lower(&l, st->terms[0].where);
    break;
  case EQL_SEQUENCE:
  case EQL_SAMPLE:
  case EQL_JOIN: /* an Endgame join is unordered like a sample; the checks have warned */
    q->kind = st->shape == EQL_SEQUENCE ? IR_QUERY_SEQUENCE : IR_QUERY_SAMPLE;
    q->by = keys(&l, st->by, st->by_count);
    q->maxspan_ms = st->maxspan_ms;
    q->maxspan_text = st->maxspan_text;
    q->steps = arena_array(arena, st->term_count, sizeof(IrStep));
    q->step_count = st->term_count;
    for (size_t i = 0; i < st->term_count; i++)
      step(&l, &st->terms[i], &q->steps[i]);
    if (st->until) {
      q->until = arena_alloc(arena, sizeof(IrStep));
      step(&l, st->until, q->until);
    }
    if (st->shape == EQL_JOIN)
      endgame_only(&l, "a join");
    break;
  }
  pipes(&l, st, q);
  return q;
}
