/* EQL expressions (IR_MATCH_EXPR) evaluated as Elasticsearch does: functions, arithmetic,
 * comparisons, lists and patterns, with null for missing fields. */
#ifndef SIGMAC_EVAL_EXPR_H
#define SIGMAC_EVAL_EXPR_H

#include "eval/match.h"

typedef enum ValueKind { V_NULL, V_BOOL, V_NUMBER, V_STRING } ValueKind;

typedef struct Value {
  ValueKind kind;
  bool boolean;
  double number;
  bool integer;     /* a whole number that came as one (integer division truncates) */
  const char *text; /* V_STRING */
  size_t len;
} Value;

/* The value of expr for event (strings may point into the event or the matcher's arena). */
Value expr_value(Matcher *m, const IrExpr *expr, const Event *event);

/* The truth of a boolean expression: null when Elasticsearch's script would give null. */
Truth expr_truth(Matcher *m, const IrExpr *expr, const Event *event);

#endif
