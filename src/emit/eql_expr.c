/* Printing IrExpr trees as EQL, with the precedence of grammar/eql.ebnf. */
#include "emit/eql_expr.h"

#include <string.h>

#include "emit/eql_text.h"

/* Binding strength, weakest first. */
enum { P_OR = 1, P_AND, P_NOT, P_COMPARE, P_ADD, P_MUL, P_UNARY, P_PRIMARY };

static int precedence(const IrExpr *e) {
  switch (e->kind) {
  case IR_EXPR_OR:
    return P_OR;
  case IR_EXPR_AND:
    return P_AND;
  case IR_EXPR_NOT:
  case IR_EXPR_LINEAGE:
    return P_NOT;
  case IR_EXPR_COMPARE:
  case IR_EXPR_IN:
  case IR_EXPR_MATCH:
    return P_COMPARE;
  case IR_EXPR_ARITH:
    return strchr("+-", e->op[0]) ? P_ADD : P_MUL;
  case IR_EXPR_NEG:
    return P_UNARY;
  case IR_EXPR_FIELD:
  case IR_EXPR_STRING:
  case IR_EXPR_NUMBER:
  case IR_EXPR_BOOL:
  case IR_EXPR_NULL:
  case IR_EXPR_CALL:
    return P_PRIMARY;
  }
  return P_PRIMARY;
}

static bool print(const IrExpr *e, int context, StrBuf *out);

static bool list(IrExpr *const *args, size_t from, size_t count, StrBuf *out) {
  bool ok = true;
  for (size_t i = from; i < count; i++) {
    sb_puts(out, i > from ? ", " : "");
    ok = print(args[i], P_OR, out) && ok;
  }
  return ok;
}

static bool number(const IrNumber *n, StrBuf *out) {
  if (n->is_integer)
    sb_printf(out, "%lld", n->integer);
  else
    sb_puts(out, n->text);
  return true;
}

/* Operands of a binary operator: the right one binds one step tighter (left association). */
static bool binary(const IrExpr *e, int own, const char *op, StrBuf *out) {
  bool ok = print(e->args[0], own, out);
  sb_printf(out, " %s ", op);
  return print(e->args[1], own + 1, out) && ok;
}

static bool body(const IrExpr *e, StrBuf *out) {
  switch (e->kind) {
  case IR_EXPR_FIELD:
    eql_field(out, e->text, e->optional);
    return true;
  case IR_EXPR_STRING:
    return eql_string(out, e->text, e->len);
  case IR_EXPR_NUMBER:
    return number(&e->number, out);
  case IR_EXPR_BOOL:
    sb_puts(out, e->boolean ? "true" : "false");
    return true;
  case IR_EXPR_NULL:
    sb_puts(out, "null");
    return true;
  case IR_EXPR_CALL: {
    sb_printf(out, "%s%s(", e->text, e->insensitive ? "~" : "");
    bool ok = list(e->args, 0, e->count, out);
    sb_putc(out, ')');
    return ok;
  }
  case IR_EXPR_ARITH:
    return binary(e, precedence(e), e->op, out);
  case IR_EXPR_COMPARE:
    return binary(e, P_COMPARE, e->op, out);
  case IR_EXPR_NEG:
    sb_putc(out, '-');
    return print(e->args[0], P_UNARY, out);
  case IR_EXPR_IN: {
    bool ok = print(e->args[0], P_ADD, out);
    sb_printf(out, " %s (", e->insensitive ? "in~" : "in");
    ok = list(e->args, 1, e->count, out) && ok;
    sb_putc(out, ')');
    return ok;
  }
  case IR_EXPR_MATCH: {
    bool ok = print(e->args[0], P_ADD, out);
    sb_printf(out, " %s%s ", e->op, e->insensitive && strcmp(e->op, ":") != 0 ? "~" : "");
    if (e->count == 2)
      return print(e->args[1], P_PRIMARY, out) && ok;
    sb_putc(out, '(');
    ok = list(e->args, 1, e->count, out) && ok;
    sb_putc(out, ')');
    return ok;
  }
  case IR_EXPR_AND:
  case IR_EXPR_OR: {
    bool ok = true;
    for (size_t i = 0; i < e->count; i++) {
      sb_puts(out, i ? (e->kind == IR_EXPR_AND ? " and " : " or ") : "");
      ok = print(e->args[i], precedence(e) + 1, out) && ok;
    }
    return ok;
  }
  case IR_EXPR_NOT:
    sb_puts(out, "not ");
    return print(e->args[0], P_NOT, out);
  case IR_EXPR_LINEAGE:
    return false; /* Endgame-only: Elasticsearch has no lineage, so no EQL is written for it */
  }
  return true;
}

static bool print(const IrExpr *e, int context, StrBuf *out) {
  bool parens = precedence(e) < context;
  sb_puts(out, parens ? "(" : "");
  bool ok = body(e, out);
  sb_puts(out, parens ? ")" : "");
  return ok;
}

bool eql_expr_print(const IrExpr *expr, StrBuf *out) { return print(expr, P_OR, out); }
