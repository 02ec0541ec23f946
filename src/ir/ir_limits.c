/* The list and value limits of ir_limits.h, over queries, their steps and expressions. */
#include "ir/ir_limits.h"

#include <string.h>

/* Bytes of a string value: its literal parts (wildcards are not bytes of it). */
static size_t string_bytes(const IrString *s) {
  size_t bytes = 0;
  for (size_t i = 0; i < s->count; i++)
    bytes += s->segs[i].kind == IR_SEG_LITERAL ? s->segs[i].len : 0;
  return bytes;
}

/* The first predicate at or below node, to say where a list is. */
static const IrPredicate *first_predicate(const IrNode *node) {
  while (node && node->kind != IR_PRED)
    node = node->count ? node->children[0] : NULL;
  return node ? &node->pred : NULL;
}

static bool expr_ok(const IrExpr *expr, const IrPredicate *at, DiagSink *diags);
static bool query_ok(const IrQuery *query, DiagSink *diags);

/* what: "a list" (of items) or "a value", "a pattern" (of bytes). */
static bool report(DiagSink *diags, const IrPredicate *at, const char *what, size_t size,
                   size_t limit) {
  const char *unit = strcmp(what, "a list") == 0 ? "items" : "bytes";
  if (at)
    diag_report(diags, DIAG_ERROR, at->src, at->span, "ir-limit",
                "%s of %zu %s; sigmac takes at most %zu", what, size, unit, limit);
  else
    diag_report_file(diags, DIAG_ERROR, NULL, "ir-limit", "%s of %zu %s; sigmac takes at most %zu",
                     what, size, unit, limit);
  return false;
}

static bool predicate_ok(const IrPredicate *pred, DiagSink *diags) {
  if (pred->value.kind == IR_VALUE_STRING && string_bytes(&pred->value.string) > IR_STRING_LIMIT)
    return report(diags, pred, "a value", string_bytes(&pred->value.string), IR_STRING_LIMIT);
  if (pred->pattern && strlen(pred->pattern) > IR_STRING_LIMIT)
    return report(diags, pred, "a pattern", strlen(pred->pattern), IR_STRING_LIMIT);
  return !pred->expr || expr_ok(pred->expr, pred, diags);
}

static bool expr_ok(const IrExpr *expr, const IrPredicate *at, DiagSink *diags) {
  if (expr->count > IR_LIST_LIMIT)
    return report(diags, at, "a list", expr->count, IR_LIST_LIMIT);
  if (expr->kind == IR_EXPR_STRING && expr->len > IR_STRING_LIMIT)
    return report(diags, at, "a value", expr->len, IR_STRING_LIMIT);
  for (size_t i = 0; i < expr->count; i++)
    if (!expr_ok(expr->args[i], at, diags))
      return false;
  return !expr->query || query_ok(expr->query, diags); /* a lineage's subquery */
}

static bool node_ok(const IrNode *node, DiagSink *diags);

static bool children_ok(const IrNode *node, DiagSink *diags) {
  for (size_t i = 0; i < node->count; i++)
    if (!node_ok(node->children[i], diags))
      return false;
  return true;
}

static bool node_ok(const IrNode *node, DiagSink *diags) {
  if (!node)
    return true;
  switch (node->kind) {
  case IR_PRED:
    return predicate_ok(&node->pred, diags);
  case IR_AND:
  case IR_OR:
    if (node->count > IR_LIST_LIMIT)
      return report(diags, first_predicate(node->children[IR_LIST_LIMIT]), "a list", node->count,
                    IR_LIST_LIMIT);
    return children_ok(node, diags);
  case IR_NOT:
  case IR_NESTED:
    return children_ok(node, diags);
  }
  return true;
}

static bool query_ok(const IrQuery *query, DiagSink *diags) {
  if (!node_ok(query->where, diags))
    return false;
  for (size_t s = 0; s < query->step_count; s++)
    if (!node_ok(query->steps[s].where, diags))
      return false;
  return !query->until || node_ok(query->until->where, diags);
}

bool ir_check_limits(const IrRule *rule, DiagSink *diags) {
  for (size_t q = 0; q < rule->query_count; q++)
    if (!query_ok(rule->queries[q], diags))
      return false;
  return true;
}
