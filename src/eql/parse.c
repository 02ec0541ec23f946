/* The EQL parser: hand-written recursive descent over grammar/eql.ebnf, with a precedence table
 * for the binary operators. Each function carries its production. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eql/ast.h"

void eql_parser_init(EqlParser *p, Arena *arena, const Source *src, DiagSink *diags, bool endgame,
                     size_t max_depth) {
  memset(p, 0, sizeof *p);
  lex_init(&p->lx, arena, src, diags, endgame);
  p->arena = arena;
  p->diags = diags;
  p->src = src;
  p->endgame = endgame;
  p->max_depth = max_depth;
  p->tok = lex_next(&p->lx);
}

static void advance(EqlParser *p) {
  p->prev = p->tok;
  p->tok = lex_next(&p->lx);
  if (p->tok.kind == TK_ERROR)
    p->failed = true; /* the lexer has reported it */
}

static bool at(const EqlParser *p, TokenKind kind) { return p->tok.kind == kind; }

static bool accept(EqlParser *p, TokenKind kind) {
  if (!at(p, kind))
    return false;
  advance(p);
  return true;
}

static void error_at(EqlParser *p, Span span, const char *message) {
  if (!p->failed)
    diag_report(p->diags, DIAG_ERROR, p->src, span, "eql-syntax", "%s", message);
  p->failed = true;
}

static const char *saw(EqlParser *p) {
  if (at(p, TK_EOF))
    return lex_token_name(TK_EOF);
  return arena_printf(p->arena, "'%.*s'", (int)(p->tok.span.end - p->tok.span.start),
                      p->src->text + p->tok.span.start);
}

/* "expected X, saw 'tok'" at the current token. */
static void expected(EqlParser *p, const char *what) {
  error_at(p, p->tok.span, arena_printf(p->arena, "expected %s, saw %s", what, saw(p)));
}

static bool expect(EqlParser *p, TokenKind kind, const char *context) {
  if (accept(p, kind))
    return true;
  expected(p, arena_printf(p->arena, "%s%s", lex_token_name(kind), context));
  return false;
}

static IrExpr *node(EqlParser *p, IrExprKind kind, Span span) {
  IrExpr *e = arena_alloc(p->arena, sizeof *e);
  e->kind = kind;
  e->span = span;
  return e;
}

static void push_arg(EqlParser *p, IrExpr *e, IrExpr *arg) {
  e->args = arena_push_slot(p->arena, e->args, e->count, sizeof(IrExpr *));
  e->args[e->count++] = arg;
  if (arg && arg->span.end > e->span.end)
    e->span.end = arg->span.end;
}

static IrExpr *expression(EqlParser *p);

/* ---- primaries ------------------------------------------------------------------------------- */

static bool number_value(EqlParser *p, Token tok, IrNumber *out) {
  memset(out, 0, sizeof *out);
  out->text = arena_strndup(p->arena, p->src->text + tok.span.start, tok.span.end - tok.span.start);
  errno = 0;
  if (tok.kind == TK_INTEGER) {
    long long value = strtoll(out->text, NULL, 10);
    if (errno == 0) {
      out->is_integer = true;
      out->integer = value;
      out->value = (double)value;
      return true;
    }
  }
  out->value = strtod(out->text, NULL); /* too-large integers are doubles, as in Elasticsearch */
  return true;
}

/* field = [ "?" ] , name , { "." , name | "[" , INTEGER , "]" } ; */
static IrExpr *field(EqlParser *p, bool optional, size_t start) {
  StrBuf name = STRBUF_INIT;
  for (;;) {
    if (!at(p, TK_IDENT) && !at(p, TK_QUOTED_IDENT)) {
      expected(p, "a field name");
      sb_free(&name);
      return NULL;
    }
    sb_puts(&name, lex_identifier(&p->lx, p->tok));
    advance(p);
    /* name[0] indexes; "by name [step]" starts the next step */
    if (at(p, TK_LBRACKET) && lex_peek(&p->lx).kind == TK_INTEGER) {
      if (!p->endgame) {
        error_at(p, p->tok.span, "array indexes are not supported in Elasticsearch EQL");
        sb_free(&name);
        return NULL;
      }
      diag_report(p->diags, DIAG_WARNING, p->src, p->tok.span, "eql-endgame",
                  "array indexes are Endgame EQL; Elasticsearch does not have them");
      advance(p);
      if (!at(p, TK_INTEGER)) {
        expected(p, "an array index");
        sb_free(&name);
        return NULL;
      }
      sb_printf(&name, "[%.*s]", (int)(p->tok.span.end - p->tok.span.start),
                p->src->text + p->tok.span.start);
      advance(p);
      expect(p, TK_RBRACKET, " to close the array index");
    }
    if (!accept(p, TK_DOT))
      break;
    sb_putc(&name, '.');
  }
  IrExpr *e = node(p, IR_EXPR_FIELD, (Span){start, p->prev.span.end});
  e->text = arena_strdup(p->arena, sb_text(&name));
  e->optional = optional;
  sb_free(&name);
  return e;
}

/* function-call = FUNCTION-NAME , [ "~" ] , "(" , [ expression , { "," , expression } ] , ")" ; */
static IrExpr *call(EqlParser *p) {
  Token name = p->tok;
  IrExpr *e = node(p, IR_EXPR_CALL, name.span);
  e->text = lex_identifier(&p->lx, name);
  e->insensitive = name.kind == TK_FUNCTION_TILDE;
  advance(p);
  Span open = p->tok.span;
  expect(p, TK_LPAREN, " after the function name");
  if (!at(p, TK_RPAREN)) {
    do
      push_arg(p, e, expression(p));
    while (!p->failed && accept(p, TK_COMMA));
  }
  if (!p->failed && !accept(p, TK_RPAREN)) {
    size_t line, column;
    source_locate(p->src, open.start, &line, &column);
    expected(p, arena_printf(p->arena, "')' (to close '(' at line %zu, column %zu)", line, column));
  }
  e->span.end = p->prev.span.end;
  return e;
}

static IrExpr *constant(EqlParser *p) {
  Token tok = p->tok;
  IrExpr *e;
  switch (tok.kind) {
  case TK_NULL:
    e = node(p, IR_EXPR_NULL, tok.span);
    break;
  case TK_TRUE:
  case TK_FALSE:
    e = node(p, IR_EXPR_BOOL, tok.span);
    e->boolean = tok.kind == TK_TRUE;
    break;
  case TK_INTEGER:
  case TK_DECIMAL:
    e = node(p, IR_EXPR_NUMBER, tok.span);
    number_value(p, tok, &e->number);
    break;
  case TK_STRING: {
    e = node(p, IR_EXPR_STRING, tok.span);
    char *value;
    if (!lex_string_value(&p->lx, tok, &value, &e->len))
      p->failed = true;
    e->text = value;
    break;
  }
  default:
    return NULL;
  }
  advance(p);
  return e;
}

/* primary = constant | function-call | field | "(" , expression , ")" ; */
static IrExpr *primary(EqlParser *p) {
  IrExpr *c = constant(p);
  if (c || p->failed)
    return c;
  Token tok = p->tok;
  if (at(p, TK_LPAREN)) {
    advance(p);
    IrExpr *inner = expression(p);
    if (!p->failed && !accept(p, TK_RPAREN)) {
      size_t line, column;
      source_locate(p->src, tok.span.start, &line, &column);
      expected(p,
               arena_printf(p->arena, "')' (to close '(' at line %zu, column %zu)", line, column));
    }
    return inner;
  }
  if (at(p, TK_FUNCTION_TILDE))
    return call(p);
  if (at(p, TK_IDENT)) {
    if (lex_peek(&p->lx).kind == TK_LPAREN) /* a name followed by '(' is a call */
      return call(p);
  }
  if (accept(p, TK_QUESTION))
    return field(p, true, tok.span.start);
  if (at(p, TK_IDENT) || at(p, TK_QUOTED_IDENT))
    return field(p, false, tok.span.start);
  expected(p, "a field, a value, a function call or '('");
  return NULL;
}

/* unary = ( "-" | "+" ) , unary | primary ; */
static IrExpr *unary(EqlParser *p) {
  Token tok = p->tok;
  if (accept(p, TK_MINUS) || accept(p, TK_PLUS)) {
    if (++p->depth > p->max_depth) {
      error_at(p, tok.span,
               arena_printf(p->arena, "expression nested deeper than %zu levels", p->max_depth));
      return NULL;
    }
    IrExpr *inner = unary(p);
    p->depth--;
    if (tok.kind == TK_PLUS || !inner)
      return inner;
    if (inner->kind == IR_EXPR_NUMBER) { /* a negative literal */
      inner->number.integer = -inner->number.integer;
      inner->number.value = -inner->number.value;
      inner->number.text = arena_printf(p->arena, "-%s", inner->number.text);
      inner->span.start = tok.span.start;
      return inner;
    }
    IrExpr *e = node(p, IR_EXPR_NEG, tok.span);
    push_arg(p, e, inner);
    return e;
  }
  return primary(p);
}

/* ---- operators ------------------------------------------------------------------------------- */

/* Arithmetic, tightest last: additive = multiplicative { (+|-) multiplicative } ;
 * multiplicative = unary { (*|/|%) unary } ; both left-associative. */
static const struct {
  TokenKind token;
  int precedence;
  const char *op;
} arithmetic[] = {{TK_PLUS, 1, "+"},
                  {TK_MINUS, 1, "-"},
                  {TK_STAR, 2, "*"},
                  {TK_SLASH, 2, "/"},
                  {TK_PERCENT, 2, "%"}};

static int arithmetic_op(TokenKind kind) {
  for (int i = 0; i < (int)(sizeof arithmetic / sizeof arithmetic[0]); i++)
    if (arithmetic[i].token == kind)
      return i;
  return -1;
}

/* A chain a + b + c ... nests to the left, one level per operator: bounded like nesting. */
static IrExpr *arith(EqlParser *p, int min_precedence) {
  IrExpr *left = unary(p);
  for (size_t chain = 0;; chain++) {
    int op = arithmetic_op(p->tok.kind);
    if (op < 0 || arithmetic[op].precedence < min_precedence || p->failed || !left)
      return left;
    if (chain + p->depth >= p->max_depth) {
      error_at(p, p->tok.span,
               arena_printf(p->arena, "arithmetic nested deeper than %zu levels", p->max_depth));
      return NULL;
    }
    advance(p);
    IrExpr *right = arith(p, arithmetic[op].precedence + 1);
    IrExpr *e = node(p, IR_EXPR_ARITH, left->span);
    e->op = arithmetic[op].op;
    push_arg(p, e, left);
    push_arg(p, e, right);
    left = right ? e : NULL;
  }
}

static const char *compare_op(TokenKind kind, bool endgame) {
  switch (kind) {
  case TK_EQ:
    return "==";
  case TK_NEQ:
    return "!=";
  case TK_LT:
    return "<";
  case TK_LTE:
    return "<=";
  case TK_GT:
    return ">";
  case TK_GTE:
    return ">=";
  case TK_ASSIGN:
    return endgame ? "==" : NULL; /* Endgame's '=' is equality */
  default:
    return NULL;
  }
}

/* pattern-values = constant | "(" , constant , { "," , constant } , ")" ; */
static void pattern_values(EqlParser *p, IrExpr *e) {
  if (!accept(p, TK_LPAREN)) {
    IrExpr *value = constant(p);
    if (!value)
      expected(p, "a constant after the operator");
    push_arg(p, e, value);
    return;
  }
  do {
    IrExpr *value = constant(p);
    if (!value && !p->failed)
      expected(p, "a constant in the list");
    push_arg(p, e, value);
  } while (!p->failed && accept(p, TK_COMMA));
  expect(p, TK_RPAREN, " to close the list");
}

/* [ "not" ] ( "in" | "in~" ) "(" expression { "," expression } ")" */
static IrExpr *in_list(EqlParser *p, IrExpr *left, bool negated, Span start) {
  IrExpr *e = node(p, IR_EXPR_IN, left->span);
  e->insensitive = at(p, TK_IN_TILDE);
  advance(p);
  push_arg(p, e, left);
  expect(p, TK_LPAREN, " after 'in'");
  do
    push_arg(p, e, expression(p));
  while (!p->failed && accept(p, TK_COMMA));
  expect(p, TK_RPAREN, " to close the 'in' list");
  e->span.end = p->prev.span.end;
  if (!negated)
    return e;
  IrExpr *not = node(p, IR_EXPR_NOT, (Span){start.start, e->span.end});
  push_arg(p, not, e);
  return not ;
}

static IrExpr *match(EqlParser *p, IrExpr *left) {
  TokenKind kind = p->tok.kind;
  IrExpr *e = node(p, IR_EXPR_MATCH, left->span);
  e->op = kind == TK_COLON || kind == TK_NCOLON      ? ":"
          : kind == TK_LIKE || kind == TK_LIKE_TILDE ? "like"
                                                     : "regex";
  e->insensitive =
      kind == TK_COLON || kind == TK_NCOLON || kind == TK_LIKE_TILDE || kind == TK_REGEX_TILDE;
  advance(p);
  push_arg(p, e, left);
  pattern_values(p, e);
  e->span.end = p->prev.span.end;
  if (kind != TK_NCOLON)
    return e;
  IrExpr *not = node(p, IR_EXPR_NOT, e->span);
  push_arg(p, not, e);
  return not ;
}

/* comparison = additive [ compare-op additive | [not] (in | in~) (...) | (: like regex) values ] */
static IrExpr *comparison(EqlParser *p) {
  IrExpr *left = arith(p, 1);
  if (!left || p->failed)
    return left;
  Token tok = p->tok;
  const char *op = compare_op(tok.kind, p->endgame);
  IrExpr *result = left;
  if (op) {
    advance(p);
    result = node(p, IR_EXPR_COMPARE, left->span);
    result->op = op;
    push_arg(p, result, left);
    push_arg(p, result, arith(p, 1));
  } else if (at(p, TK_IN) || at(p, TK_IN_TILDE)) {
    return in_list(p, left, false, tok.span);
  } else if (at(p, TK_NOT)) {
    Token next = lex_peek(&p->lx);
    if (next.kind != TK_IN && next.kind != TK_IN_TILDE)
      return left;
    advance(p);
    return in_list(p, left, true, left->span);
  } else if (at(p, TK_COLON) || at(p, TK_NCOLON) || at(p, TK_LIKE) || at(p, TK_LIKE_TILDE) ||
             at(p, TK_REGEX) || at(p, TK_REGEX_TILDE)) {
    return match(p, left);
  }
  if (!p->failed && at(p, TK_ASSIGN) && !p->endgame)
    error_at(p, p->tok.span, "'=' is not an EQL comparison; use '==' (or ':' to ignore case)");
  else if (!p->failed && compare_op(p->tok.kind, p->endgame))
    error_at(p, p->tok.span, "comparisons cannot be chained; join them with 'and'");
  return result;
}

static IrExpr *subquery_expr(EqlParser *p, IrExpr *lineage);

static bool lineage_word(const char *word, size_t len) {
  return (len == 10 && memcmp(word, "descendant", 10) == 0) ||
         (len == 5 && (memcmp(word, "child", 5) == 0 || memcmp(word, "event", 5) == 0));
}

/* not-expression = "not" not-expression | lineage | comparison ;
 * lineage = ("descendant" | "child" | "event") "of" subquery ;   (Endgame) */
static IrExpr *negation(EqlParser *p) {
  Token tok = p->tok;
  if (++p->depth > p->max_depth) {
    error_at(p, tok.span,
             arena_printf(p->arena, "expression nested deeper than %zu levels", p->max_depth));
    return NULL;
  }
  IrExpr *result;
  if (accept(p, TK_NOT)) {
    IrExpr *inner = negation(p);
    result = node(p, IR_EXPR_NOT, tok.span);
    push_arg(p, result, inner);
  } else if (at(p, TK_IDENT)) {
    Token next = lex_peek(&p->lx);
    const char *word = p->src->text + tok.span.start;
    size_t len = tok.span.end - tok.span.start;
    bool lineage = next.kind == TK_OF && lineage_word(word, len);
    if (lineage) {
      result = node(p, IR_EXPR_LINEAGE, tok.span);
      result->text = lex_identifier(&p->lx, tok);
      advance(p);
      advance(p); /* of */
      result = subquery_expr(p, result);
    } else {
      result = comparison(p);
    }
  } else {
    result = comparison(p);
  }
  p->depth--;
  return result;
}

/* and-expression = not-expression { "and" not-expression } ;
 * or-expression = and-expression { "or" and-expression } ;  n-ary, left to right */
static IrExpr *boolean(EqlParser *p, TokenKind op_token, IrExprKind kind) {
  IrExpr *first = op_token == TK_OR ? boolean(p, TK_AND, IR_EXPR_AND) : negation(p);
  if (!at(p, op_token) || p->failed)
    return first;
  IrExpr *e = node(p, kind, first ? first->span : p->tok.span);
  push_arg(p, e, first);
  while (!p->failed && accept(p, op_token))
    push_arg(p, e, op_token == TK_OR ? boolean(p, TK_AND, IR_EXPR_AND) : negation(p));
  return e;
}

/* expression = or-expression ; */
static IrExpr *expression(EqlParser *p) { return boolean(p, TK_OR, IR_EXPR_OR); }

/* ---- queries --------------------------------------------------------------------------------- */

/* event-filter = ( "any" | category ) , "where" , expression ; */
static void event_filter(EqlParser *p, EqlTerm *term) {
  Token tok = p->tok;
  term->category_span = tok.span;
  if (accept(p, TK_ANY)) {
    term->category = NULL;
  } else if (at(p, TK_IDENT) || at(p, TK_QUOTED_IDENT)) {
    term->category = lex_identifier(&p->lx, tok);
    advance(p);
  } else if (at(p, TK_STRING)) {
    char *value;
    size_t len;
    lex_string_value(&p->lx, tok, &value, &len);
    term->category = value;
    advance(p);
  } else {
    expected(p, "an event category or 'any'");
    return;
  }
  if (!accept(p, TK_WHERE)) {
    expected(p, "'where' after the event category");
    return;
  }
  term->where = expression(p);
}

/* join-keys = "by" , expression , { "," , expression } ; */
static void join_keys(EqlParser *p, IrExpr ***keys, size_t *count, Span *span) {
  span->start = p->tok.span.start;
  advance(p); /* by */
  do {
    IrExpr *key = expression(p);
    *keys = arena_push_slot(p->arena, *keys, *count, sizeof(IrExpr *));
    (*keys)[(*count)++] = key;
  } while (!p->failed && accept(p, TK_COMMA));
  span->end = p->prev.span.end;
}

/* subquery = "[" , event-filter , "]" ; */
static bool subquery(EqlParser *p, EqlTerm *term) {
  Span open = p->tok.span;
  if (!expect(p, TK_LBRACKET, " to open a query step"))
    return false;
  event_filter(p, term);
  if (!p->failed && !accept(p, TK_RBRACKET)) {
    size_t line, column;
    source_locate(p->src, open.start, &line, &column);
    expected(p, arena_printf(p->arena, "']' (to close '[' at line %zu, column %zu)", line, column));
  }
  return !p->failed;
}

static IrExpr *subquery_expr(EqlParser *p, IrExpr *lineage) {
  EqlTerm term;
  memset(&term, 0, sizeof term);
  if (subquery(p, &term)) {
    IrExpr *where = term.where;
    lineage->args = arena_alloc(p->arena, sizeof(IrExpr *));
    lineage->args[0] = where;
    lineage->count = 1;
    lineage->op = term.category;
    lineage->span.end = p->prev.span.end;
  }
  return lineage;
}

/* time-unit = INTEGER , [ "ms" | "s" | "m" | "h" | "d" ] ; */
static void maxspan(EqlParser *p, EqlStatement *st) {
  static const struct {
    const char *unit;
    long long ms;
  } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  Token value = p->tok;
  st->maxspan_span = value.span;
  if (at(p, TK_DECIMAL)) {
    error_at(p, value.span,
             arena_printf(p->arena, "decimal time interval [%.*s] not supported",
                          (int)(value.span.end - value.span.start),
                          p->src->text + value.span.start));
    return;
  }
  if (!expect(p, TK_INTEGER, " (the maxspan, e.g. 5m)"))
    return;
  errno = 0;
  long long amount = strtoll(p->src->text + value.span.start, NULL, 10);
  if (errno == ERANGE || amount > 100LL * 365 * 86400000) {
    error_at(p, value.span, "maxspan is too large (more than 100 years)");
    return;
  }
  if (!at(p, TK_IDENT)) { /* "5m" and "5 m" both read: Elasticsearch skips the space */
    error_at(
        p, value.span,
        arena_printf(p->arena, "no time unit specified, did you mean [s] as in [%llds]?", amount));
    return;
  }
  const char *unit = p->src->text + p->tok.span.start;
  size_t unit_len = p->tok.span.end - p->tok.span.start;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].unit) == unit_len && memcmp(units[i].unit, unit, unit_len) == 0)
      st->maxspan_ms = amount * units[i].ms;
  st->maxspan_span.end = p->tok.span.end;
  st->maxspan_text = arena_printf(p->arena, "%lld%.*s", amount, (int)unit_len, unit);
  if (!st->maxspan_ms && amount > 0)
    error_at(p, p->tok.span,
             arena_printf(p->arena, "unknown time unit '%.*s'; use ms, s, m, h or d", (int)unit_len,
                          unit));
  advance(p);
}

/* "with" "runs" "=" INTEGER */
static void runs(EqlParser *p, EqlTerm *term) {
  Span start = p->tok.span;
  advance(p); /* with */
  if (!at(p, TK_IDENT) || p->tok.span.end - p->tok.span.start != 4 ||
      memcmp(p->src->text + p->tok.span.start, "runs", 4) != 0) {
    expected(p, "'runs' after 'with' in a sequence step");
    return;
  }
  advance(p);
  expect(p, TK_ASSIGN, " after 'runs'");
  Token value = p->tok;
  if (!accept(p, TK_INTEGER) && !p->failed)
    expected(p, "a whole number of runs");
  errno = 0;
  term->runs = strtol(p->src->text + value.span.start, NULL, 10);
  if (errno == ERANGE || term->runs > 1000000)
    term->runs = 1000000; /* far past the limit of 100 the checks report */
  term->runs_span = (Span){start.start, p->prev.span.end};
}

/* Endgame's "fork [= true|false]" after a step: read, and warned about. */
static void fork_option(EqlParser *p) {
  Span span = p->tok.span;
  advance(p);
  if (accept(p, TK_ASSIGN) && !accept(p, TK_TRUE) && !accept(p, TK_FALSE))
    expected(p, "true or false after 'fork='");
  span.end = p->prev.span.end;
  diag_report(p->diags, p->endgame ? DIAG_WARNING : DIAG_ERROR, p->src, span, "eql-endgame",
              "'fork' is Endgame EQL; Elasticsearch does not have it");
  if (!p->endgame)
    p->failed = true;
}

/* sequence-term = [ "!" ] , subquery , [ join-keys ] , [ "with" , "runs" , "=" , INTEGER ] ; */
static void term_of(EqlParser *p, EqlTerm *term, bool sequence) {
  memset(term, 0, sizeof *term);
  term->runs = 1;
  term->span.start = p->tok.span.start;
  if (sequence && accept(p, TK_BANG))
    term->missing = true;
  if (!subquery(p, term))
    return;
  if (at(p, TK_IDENT) && p->tok.span.end - p->tok.span.start == 4 &&
      memcmp(p->src->text + p->tok.span.start, "fork", 4) == 0) {
    fork_option(p);
    term->fork = true;
  }
  if (at(p, TK_BY))
    join_keys(p, &term->by, &term->by_count, &term->by_span);
  if (sequence && at(p, TK_WITH))
    runs(p, term);
  term->span.end = p->prev.span.end;
}

static EqlTerm *push_term(EqlParser *p, EqlStatement *st) {
  st->terms = arena_push_slot(p->arena, st->terms, st->term_count, sizeof(EqlTerm));
  return &st->terms[st->term_count++];
}

/* sequence = "sequence" [join-keys] [with maxspan=time] term {term} [until term] ;
 * sample = "sample" [join-keys] subquery {subquery} ;  join = "join" [join-keys] ... (Endgame) */
static void multi(EqlParser *p, EqlStatement *st) {
  bool sequence = st->shape == EQL_SEQUENCE;
  advance(p); /* sequence | sample | join */
  if (at(p, TK_BY))
    join_keys(p, &st->by, &st->by_count, &st->by_span);
  if (at(p, TK_WITH) && sequence) {
    advance(p);
    if (expect(p, TK_MAXSPAN, " after 'with'") && expect(p, TK_ASSIGN, " after 'maxspan'"))
      maxspan(p, st);
    if (at(p, TK_BY))
      error_at(p, p->tok.span, "please specify sequence [by] before [with] not after");
  }
  while (!p->failed && (at(p, TK_LBRACKET) || (sequence && at(p, TK_BANG))))
    term_of(p, push_term(p, st), sequence);
  if (!p->failed && st->term_count == 0)
    expected(p, "'[' to open the first step");
  if (!p->failed && at(p, TK_UNTIL) && st->shape != EQL_SAMPLE) {
    advance(p);
    st->until = arena_alloc(p->arena, sizeof(EqlTerm));
    term_of(p, st->until, sequence);
  }
}

/* pipe = "|" , pipe-name , [ expression , { "," , expression } ] ; Endgame separates arguments
 * with spaces too. */
static void pipe(EqlParser *p, EqlStatement *st) {
  advance(p); /* | */
  if (!at(p, TK_IDENT) && !at(p, TK_QUOTED_IDENT) && !at(p, TK_WHERE)) {
    expected(p, "a pipe name after '|'");
    return;
  }
  st->pipes = arena_push_slot(p->arena, st->pipes, st->pipe_count, sizeof(EqlPipe));
  EqlPipe *pipe = &st->pipes[st->pipe_count++];
  memset(pipe, 0, sizeof *pipe);
  pipe->span = p->tok.span;
  pipe->name = arena_strndup(p->arena, p->src->text + p->tok.span.start,
                             p->tok.span.end - p->tok.span.start);
  advance(p);
  while (!p->failed && !at(p, TK_PIPE) && !at(p, TK_EOF) && !at(p, TK_SEQUENCE) &&
         !at(p, TK_SAMPLE) && !at(p, TK_JOIN) && !at(p, TK_ANY)) {
    if (at(p, TK_IDENT) && lex_peek(&p->lx).kind == TK_WHERE) /* the next query's start */
      break;
    pipe->args = arena_push_slot(p->arena, pipe->args, pipe->count, sizeof(IrExpr *));
    pipe->args[pipe->count++] = expression(p);
    accept(p, TK_COMMA);
  }
}

/* True at a token that can only begin a query: recovery and query splitting stop there. */
static bool query_start(EqlParser *p) {
  if (at(p, TK_SEQUENCE) || at(p, TK_SAMPLE) || at(p, TK_JOIN))
    return true;
  if (!at(p, TK_ANY) && !at(p, TK_IDENT) && !at(p, TK_QUOTED_IDENT))
    return false;
  return lex_peek(&p->lx).kind == TK_WHERE;
}

/* After a syntax error: skip to the next query, so that a later one is still checked (a step's
 * "[process where" is not one). */
static void recover(EqlParser *p) {
  while (!at(p, TK_EOF)) {
    advance(p);
    if (query_start(p) && p->prev.kind != TK_LBRACKET && p->prev.kind != TK_BANG)
      return;
  }
}

/* statement = query , { pipe } ;  query = sequence | sample | join | event-query ; */
EqlStatement *eql_parse_statement(EqlParser *p) {
  if (at(p, TK_EOF))
    return NULL;
  p->failed = p->tok.kind == TK_ERROR;
  EqlStatement *st = arena_alloc(p->arena, sizeof *st);
  st->span.start = p->tok.span.start;
  st->keyword_span = p->tok.span;
  if (at(p, TK_SEQUENCE) || at(p, TK_SAMPLE) || at(p, TK_JOIN)) {
    st->shape = at(p, TK_SEQUENCE) ? EQL_SEQUENCE : at(p, TK_SAMPLE) ? EQL_SAMPLE : EQL_JOIN;
    multi(p, st);
  } else {
    st->shape = EQL_EVENT;
    EqlTerm *term = push_term(p, st);
    memset(term, 0, sizeof *term);
    term->runs = 1;
    term->span.start = p->tok.span.start;
    event_filter(p, term);
    term->span.end = p->prev.span.end;
  }
  while (!p->failed && at(p, TK_PIPE))
    pipe(p, st);
  if (!p->failed && !at(p, TK_EOF) && !query_start(p))
    expected(p, "'|', 'and', 'or' or the end of the query");
  st->span.end = p->prev.span.end;
  if (p->failed)
    recover(p);
  return st;
}
