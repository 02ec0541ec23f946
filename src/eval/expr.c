/* EQL expression evaluation (../shared/docs/eql-semantics.md sections 1, 3, 4 and 10). Every
 * function gives null when its main argument is null; a null at the top of a condition is
 * false. */
#include "eval/expr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "eval/index_mapping.h"
#include "eval/regex.h"
#include "eval/timeline.h"
#include "ir/ir_build.h"

static const Value null_value = {V_NULL, false, 0, false, NULL, 0};

static Value number_value(double n, bool integer) {
  Value v = {V_NUMBER, false, n, integer, NULL, 0};
  return v;
}

static Value string_value(const char *text, size_t len) {
  Value v = {V_STRING, false, 0, false, text, len};
  return v;
}

static Value bool_value(bool b) {
  Value v = {V_BOOL, b, 0, false, NULL, 0};
  return v;
}

/* A JSON value as an EQL value; functions read an array's first value (its first doc value). */
static Value json_value(const json_t *j) {
  if (json_is_array(j))
    j = json_array_size(j) ? json_array_get(j, 0) : NULL;
  if (!j || json_is_null(j))
    return null_value;
  if (json_is_string(j))
    return string_value(json_string_value(j), json_string_length(j));
  if (json_is_integer(j))
    return number_value((double)json_integer_value(j), true);
  if (json_is_real(j))
    return number_value(json_real_value(j), false);
  if (json_is_boolean(j))
    return bool_value(json_is_true(j));
  return null_value;
}

static char fold(char c) { return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c; }

static bool same_text(const Value *a, const Value *b, bool insensitive) {
  if (a->len != b->len)
    return false;
  for (size_t i = 0; i < a->len; i++)
    if (insensitive ? fold(a->text[i]) != fold(b->text[i]) : a->text[i] != b->text[i])
      return false;
  return true;
}

/* Position of needle in hay at or after from, or -1. */
static long find(const Value *hay, const Value *needle, size_t from, bool insensitive) {
  if (needle->len > hay->len)
    return -1;
  for (size_t i = from; i + needle->len <= hay->len; i++) {
    Value window = string_value(hay->text + i, needle->len);
    if (same_text(&window, needle, insensitive))
      return (long)i;
  }
  return -1;
}

static Value text_of(Matcher *m, const Value *v) {
  char buf[64];
  switch (v->kind) {
  case V_STRING:
    return *v;
  case V_NUMBER:
    if (v->integer)
      snprintf(buf, sizeof buf, "%lld", (long long)v->number);
    else
      snprintf(buf, sizeof buf, "%.17g", v->number);
    return string_value(arena_strdup(m->arena, buf), strlen(buf));
  case V_BOOL:
    return string_value(v->boolean ? "true" : "false", v->boolean ? 4 : 5);
  case V_NULL:
    return null_value;
  }
  return null_value;
}

static bool named(const IrExpr *call, const char *name) {
  const char *a = call->text;
  for (; *a && *name; a++, name++)
    if (fold(*a) != fold(*name))
      return false;
  return *a == *name;
}

static Value arith(const char *op, Value a, Value b) {
  if (a.kind != V_NUMBER || b.kind != V_NUMBER)
    return null_value;
  bool integer = a.integer && b.integer;
  switch (op[0]) {
  case '+':
    return number_value(a.number + b.number, integer);
  case '-':
    return number_value(a.number - b.number, integer);
  case '*':
    return number_value(a.number * b.number, integer);
  case '/':
    if (b.number == 0)
      return null_value;
    return integer ? number_value(trunc(a.number / b.number), true)
                   : number_value(a.number / b.number, false);
  default: /* '%': the sign follows the dividend */
    if (b.number == 0)
      return null_value;
    return number_value(fmod(a.number, b.number), integer);
  }
}

/* substring(s, start[, end]): Python slicing, negative positions from the end. */
static Value substring(Value s, Value start, Value end, bool has_end) {
  if (s.kind != V_STRING || start.kind != V_NUMBER || (has_end && end.kind != V_NUMBER))
    return null_value;
  long len = (long)s.len, from = (long)start.number, to = has_end ? (long)end.number : len;
  from = from < 0 ? (from + len < 0 ? 0 : from + len) : (from > len ? len : from);
  to = to < 0 ? (to + len < 0 ? 0 : to + len) : (to > len ? len : to);
  return to <= from ? string_value("", 0) : string_value(s.text + from, (size_t)(to - from));
}

/* between(s, left, right[, greedy]): the text after the first left and before the first (or,
 * greedy, last) right that follows it. */
static Value between(Value s, Value left, Value right, bool greedy, bool insensitive) {
  if (s.kind != V_STRING || left.kind != V_STRING || right.kind != V_STRING)
    return null_value;
  long start = find(&s, &left, 0, insensitive);
  if (start < 0)
    return string_value("", 0);
  size_t from = (size_t)start + left.len;
  long end = -1;
  for (long at = find(&s, &right, from, insensitive); at >= 0;
       at = find(&s, &right, (size_t)at + 1, insensitive)) {
    end = at;
    if (!greedy)
      break;
  }
  return end < 0 ? string_value("", 0) : string_value(s.text + from, (size_t)end - from);
}

/* The functions Elasticsearch EQL has. The Endgame-only ones (arrayContains, match, ...) are
 * refused rather than guessed at. */
typedef enum Function {
  FN_UNKNOWN = 1, /* matcher_memo() keeps 0 for "not looked up yet" */
  FN_ADD,
  FN_SUBTRACT,
  FN_MULTIPLY,
  FN_DIVIDE,
  FN_MODULO,
  FN_LENGTH,
  FN_STRING,
  FN_CONCAT,
  FN_STARTS_WITH,
  FN_ENDS_WITH,
  FN_STRING_CONTAINS,
  FN_INDEX_OF,
  FN_BETWEEN,
  FN_SUBSTRING,
  FN_NUMBER,
  FN_CIDR_MATCH,
} Function;

/* The function a call names (case-insensitive, as Elasticsearch reads them), looked up once per
 * call node rather than once per event. */
static Function function_of(Matcher *m, const IrExpr *e) {
  static const struct {
    const char *name;
    Function fn;
  } functions[] = {{"add", FN_ADD},
                   {"subtract", FN_SUBTRACT},
                   {"multiply", FN_MULTIPLY},
                   {"divide", FN_DIVIDE},
                   {"modulo", FN_MODULO},
                   {"length", FN_LENGTH},
                   {"string", FN_STRING},
                   {"concat", FN_CONCAT},
                   {"startsWith", FN_STARTS_WITH},
                   {"endsWith", FN_ENDS_WITH},
                   {"stringContains", FN_STRING_CONTAINS},
                   {"indexOf", FN_INDEX_OF},
                   {"between", FN_BETWEEN},
                   {"substring", FN_SUBSTRING},
                   {"number", FN_NUMBER},
                   {"cidrMatch", FN_CIDR_MATCH}};
  int *memo = matcher_memo(m, e);
  if (*memo)
    return (Function)*memo;
  Function fn = FN_UNKNOWN;
  for (size_t i = 0; i < sizeof functions / sizeof functions[0] && fn == FN_UNKNOWN; i++)
    if (named(e, functions[i].name))
      fn = functions[i].fn;
  *matcher_memo(m, e) = (int)fn;
  return fn;
}

static Value concat(Matcher *m, const IrExpr *e, const Event *event, const Value *first) {
  size_t total = 0;
  Value *parts = arena_array(m->arena, e->count + 1, sizeof(Value));
  for (size_t i = 0; i < e->count; i++) {
    Value v = i < 4 ? first[i] : expr_value(m, e->args[i], event);
    parts[i] = text_of(m, &v);
    if (parts[i].kind == V_NULL)
      return null_value;
    total += parts[i].len;
  }
  char *text = arena_alloc(m->arena, total + 1);
  size_t at = 0;
  for (size_t i = 0; i < e->count; i++) {
    memcpy(text + at, parts[i].text, parts[i].len);
    at += parts[i].len;
  }
  return string_value(text, total);
}

/* startsWith, endsWith, stringContains (ci: their '~' forms). */
static Value string_test(Function fn, const Value *a, bool ci) {
  if (a[0].kind != V_STRING || a[1].kind != V_STRING || a[1].len > a[0].len)
    return a[0].kind == V_STRING && a[1].kind == V_STRING ? bool_value(false) : null_value;
  if (fn == FN_STRING_CONTAINS)
    return bool_value(a[1].len > 0 || a[0].len > 0 ? find(&a[0], &a[1], 0, ci) >= 0 : false);
  Value part = fn == FN_STARTS_WITH ? string_value(a[0].text, a[1].len)
                                    : string_value(a[0].text + a[0].len - a[1].len, a[1].len);
  return bool_value(same_text(&part, &a[1], ci));
}

/* number(s[, base]): base 10 by default (also for a null base), 16 for base 0 or "0x". */
static Value number_of_text(Matcher *m, const IrExpr *e, const Value *a) {
  if (a[0].kind != V_STRING)
    return a[0].kind == V_NUMBER ? a[0] : null_value;
  char *text = arena_strndup(m->arena, a[0].text, a[0].len), *end;
  int base = e->count > 1 && a[1].kind == V_NUMBER ? (int)a[1].number : 10;
  double n = base == 10 && !strstr(text, "0x") ? strtod(text, &end)
                                               : (double)strtoll(text, &end, base ? base : 16);
  while (*end == ' ')
    end++;
  return *end ? null_value : number_value(n, n == trunc(n) && fabs(n) < 9e15);
}

static Value cidr_match(Matcher *m, const IrExpr *e, const Event *event, const Value *a) {
  if (a[0].kind != V_STRING)
    return null_value;
  for (size_t i = 1; i < e->count; i++) {
    Value net = i < 4 ? a[i] : expr_value(m, e->args[i], event);
    Cidr cidr;
    if (net.kind == V_STRING && cidr_parse(net.text, net.len, &cidr, NULL, NULL, NULL) &&
        cidr_contains(&cidr, a[0].text, a[0].len))
      return bool_value(true);
  }
  return bool_value(false);
}

static Value call(Matcher *m, const IrExpr *e, const Event *event) {
  Function fn = function_of(m, e);
  if (fn == FN_UNKNOWN) {
    if (!m->failed && m->src)
      diag_report(m->diags, DIAG_ERROR, m->src, e->span, "eval-unsupported",
                  "%s() is not an Elasticsearch EQL function, so it is not evaluated", e->text);
    m->failed = true;
    return null_value;
  }
  Value a[4] = {null_value, null_value, null_value, null_value};
  for (size_t i = 0; i < e->count && i < 4; i++)
    a[i] = expr_value(m, e->args[i], event);
  bool ci = e->insensitive;
  switch (fn) {
  case FN_ADD:
    return arith("+", a[0], a[1]);
  case FN_SUBTRACT:
    return arith("-", a[0], a[1]);
  case FN_MULTIPLY:
    return arith("*", a[0], a[1]);
  case FN_DIVIDE:
    return arith("/", a[0], a[1]);
  case FN_MODULO:
    return arith("%", a[0], a[1]);
  case FN_LENGTH:
    return a[0].kind == V_STRING ? number_value((double)a[0].len, true) : null_value;
  case FN_STRING:
    return text_of(m, &a[0]);
  case FN_CONCAT:
    return concat(m, e, event, a);
  case FN_NUMBER:
    return a[0].kind == V_NULL ? null_value : number_of_text(m, e, a);
  default:
    break;
  }
  if (a[0].kind == V_NULL || (e->count > 1 && a[1].kind == V_NULL))
    return null_value; /* every other function is null on a null argument */
  switch (fn) {
  case FN_STARTS_WITH:
  case FN_ENDS_WITH:
  case FN_STRING_CONTAINS:
    return string_test(fn, a, ci);
  case FN_INDEX_OF: {
    size_t from =
        e->count > 2 && a[2].kind == V_NUMBER && a[2].number > 0 ? (size_t)a[2].number : 0;
    long at = a[0].kind == V_STRING && a[1].kind == V_STRING && from <= a[0].len
                  ? find(&a[0], &a[1], from, ci)
                  : -1;
    return at < 0 ? null_value : number_value((double)at, true);
  }
  case FN_BETWEEN:
    return between(a[0], a[1], a[2], e->count > 3 && a[3].kind == V_BOOL && a[3].boolean, ci);
  case FN_SUBSTRING:
    return substring(a[0], a[1], a[2], e->count > 2);
  case FN_CIDR_MATCH:
    return cidr_match(m, e, event, a);
  default:
    return null_value; /* not reached: the cases above are every function */
  }
}

/* Ordering of two values: numbers numerically, strings by bytes; -2 when they do not compare. */
static int order(const Value *a, const Value *b) {
  if (a->kind == V_NUMBER && b->kind == V_NUMBER)
    return a->number < b->number ? -1 : a->number > b->number;
  if (a->kind == V_STRING && b->kind == V_STRING) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    return c ? (c < 0 ? -1 : 1) : (a->len < b->len ? -1 : a->len > b->len);
  }
  if (a->kind == V_BOOL && b->kind == V_BOOL)
    return a->boolean == b->boolean ? 0 : a->boolean ? 1 : -1;
  return -2;
}

static bool optional_without_value(const IrExpr *e, const Value *v) {
  return e->kind == IR_EXPR_FIELD && e->optional && v->kind == V_NULL;
}

static bool is_null_text(const Value *v) {
  return v->kind == V_STRING && v->len == 4 && memcmp(v->text, "null", 4) == 0;
}

/* The kind an index mapping gives a field expression (FIELD_OTHER without one). */
static FieldKind kind_of(const IrExpr *e, const Event *event) {
  return e->kind == IR_EXPR_FIELD && event->mapping
             ? index_mapping_kind(event->mapping, e->text + (e->text[0] == '?'))
             : FIELD_OTHER;
}

/* Whether an expression is a date: EQL's time field, or a date field of the index mapping. */
static bool is_date(const Matcher *m, const IrExpr *e, const Event *event) {
  return (e->kind == IR_EXPR_FIELD && m->fields->time && strcmp(e->text, m->fields->time) == 0) ||
         kind_of(e, event) == FIELD_DATE;
}

/* A value as a time: the time field's value, date text, or epoch milliseconds. */
static bool as_time(Matcher *m, const IrExpr *e, const Value *v, const Event *event,
                    EventTime *out) {
  if (e->kind == IR_EXPR_FIELD && m->fields->time && strcmp(e->text, m->fields->time) == 0)
    return event_time(event, m->fields, out);
  if (v->kind == V_STRING)
    return timestamp_parse(v->text, v->len, out);
  if (v->kind == V_NUMBER)
    return (*out = time_from_millis(v->number)), true;
  return false;
}

/* A comparison with EQL's time field is between times (it is a date field). */
static bool time_compare(Matcher *m, const IrExpr *e, const Value *a, const Value *b,
                         const Event *event, Truth *out) {
  bool a_time = is_date(m, e->args[0], event), b_time = is_date(m, e->args[1], event);
  EventTime x, y;
  if (m->sigma_names || !(a_time || b_time) || a->kind == V_NULL || b->kind == V_NULL ||
      !as_time(m, e->args[0], a, event, &x) || !as_time(m, e->args[1], b, event, &y))
    return false;
  const char *op = e->op;
  bool holds = strcmp(op, "==") == 0   ? x == y
               : strcmp(op, "!=") == 0 ? x != y
               : strcmp(op, "<") == 0  ? x < y
               : strcmp(op, "<=") == 0 ? x <= y
               : strcmp(op, ">") == 0  ? x > y
                                       : x >= y;
  *out = holds ? T_TRUE : T_FALSE;
  return true;
}

static Truth compare(Matcher *m, const IrExpr *e, const Event *event) {
  Value a = expr_value(m, e->args[0], event), b = expr_value(m, e->args[1], event);
  const char *op = e->op;
  Truth timed;
  if (time_compare(m, e, &a, &b, event, &timed))
    return timed;
  if (a.kind == V_STRING && b.kind == V_STRING &&
      (kind_of(e->args[0], event) == FIELD_VERSION ||
       kind_of(e->args[1], event) == FIELD_VERSION)) {
    int c = version_compare(a.text, a.len, b.text, b.len); /* a version field of the index */
    bool holds = strcmp(op, "==") == 0   ? c == 0
                 : strcmp(op, "!=") == 0 ? c != 0
                 : strcmp(op, "<") == 0  ? c < 0
                 : strcmp(op, "<=") == 0 ? c <= 0
                 : strcmp(op, ">") == 0  ? c > 0
                                         : c >= 0;
    return holds ? T_TRUE : T_FALSE;
  }
  if (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0) {
    /* Elasticsearch: an optional field without a value equals the string "null" */
    bool optional_null = (optional_without_value(e->args[0], &a) && is_null_text(&b)) ||
                         (optional_without_value(e->args[1], &b) && is_null_text(&a));
    if (optional_null)
      return op[0] == '=' ? T_TRUE : T_FALSE;
    bool equal = a.kind == V_NULL || b.kind == V_NULL ? a.kind == b.kind /* == null tests absence */
                                                      : order(&a, &b) == 0;
    return (equal == (op[0] == '=')) ? T_TRUE : T_FALSE;
  }
  if (a.kind == V_NULL || b.kind == V_NULL)
    return T_NULL;
  int c = order(&a, &b);
  if (c == -2)
    return T_NULL;
  bool holds = strcmp(op, "<") == 0    ? c < 0
               : strcmp(op, "<=") == 0 ? c <= 0
               : strcmp(op, ">") == 0  ? c > 0
                                       : c >= 0;
  return holds ? T_TRUE : T_FALSE;
}

static Truth in_list(Matcher *m, const IrExpr *e, const Event *event) {
  Value a = expr_value(m, e->args[0], event);
  if (a.kind == V_NULL)
    return T_NULL;
  for (size_t i = 1; i < e->count; i++) {
    Value b = expr_value(m, e->args[i], event);
    bool equal = a.kind == V_STRING && b.kind == V_STRING ? same_text(&a, &b, e->insensitive)
                                                          : order(&a, &b) == 0;
    if (equal)
      return T_TRUE;
  }
  return T_FALSE;
}

/* field : "p*", like, regex: patterns are EQL's ('*' and '?' wildcards, no escape). */
static Truth match(Matcher *m, const IrExpr *e, const Event *event) {
  Value a = expr_value(m, e->args[0], event);
  if (a.kind == V_NULL)
    return T_NULL;
  Value text = text_of(m, &a);
  for (size_t i = 1; i < e->count; i++) {
    Value p = expr_value(m, e->args[i], event);
    if (p.kind != V_STRING)
      continue;
    if (strcmp(e->op, "regex") == 0) {
      /* the pattern is a literal (the checks require it), so its node keys the compiled regex */
      const char *pattern = e->args[i]->kind == IR_EXPR_STRING
                                ? e->args[i]->text
                                : arena_strndup(m->arena, p.text, p.len);
      if (match_lucene_regex(m, e->args[i], pattern, !e->insensitive, text.text, text.len, m->src,
                             e->args[i]->span))
        return T_TRUE;
      continue;
    }
    IrStringBuilder b;
    ir_sb_init(&b, m->arena);
    for (size_t k = 0; k < p.len; k++)
      if (p.text[k] == '*' || p.text[k] == '?')
        ir_sb_wildcard(&b, p.text[k] == '*' ? IR_SEG_ANY : IR_SEG_ONE);
      else
        ir_sb_literal(&b, &p.text[k], 1);
    IrString pattern = ir_sb_finish(&b);
    if (match_pattern(&pattern, text.text, text.len, !e->insensitive))
      return T_TRUE;
  }
  return T_FALSE;
}

Value expr_value(Matcher *m, const IrExpr *e, const Event *event) {
  switch (e->kind) {
  case IR_EXPR_FIELD:
    return json_value(event_field(event, e->text, false));
  case IR_EXPR_STRING:
    return string_value(e->text, e->len);
  case IR_EXPR_NUMBER:
    return number_value(e->number.value, e->number.is_integer);
  case IR_EXPR_BOOL:
    return bool_value(e->boolean);
  case IR_EXPR_NULL:
    return null_value;
  case IR_EXPR_CALL:
    return call(m, e, event);
  case IR_EXPR_ARITH:
    return arith(e->op, expr_value(m, e->args[0], event), expr_value(m, e->args[1], event));
  case IR_EXPR_NEG: {
    Value v = expr_value(m, e->args[0], event);
    return v.kind == V_NUMBER ? number_value(-v.number, v.integer) : null_value;
  }
  case IR_EXPR_COMPARE:
  case IR_EXPR_IN:
  case IR_EXPR_MATCH:
  case IR_EXPR_AND:
  case IR_EXPR_OR:
  case IR_EXPR_NOT:
  case IR_EXPR_LINEAGE: {
    Truth t = expr_truth(m, e, event);
    return t == T_NULL ? null_value : bool_value(t == T_TRUE);
  }
  }
  return null_value;
}

Truth expr_truth(Matcher *m, const IrExpr *e, const Event *event) {
  switch (e->kind) {
  case IR_EXPR_COMPARE:
    return compare(m, e, event);
  case IR_EXPR_IN:
    return in_list(m, e, event);
  case IR_EXPR_MATCH:
    return match(m, e, event);
  case IR_EXPR_AND:
  case IR_EXPR_OR: {
    bool is_and = e->kind == IR_EXPR_AND;
    Truth result = is_and ? T_TRUE : T_FALSE;
    for (size_t i = 0; i < e->count; i++) {
      Truth t = expr_truth(m, e->args[i], event);
      if (t == (is_and ? T_FALSE : T_TRUE))
        return t;
      if (t == T_NULL)
        result = T_NULL;
    }
    return result;
  }
  case IR_EXPR_NOT: {
    Truth t = expr_truth(m, e->args[0], event);
    return t == T_NULL ? T_NULL : t == T_TRUE ? T_FALSE : T_TRUE;
  }
  case IR_EXPR_LINEAGE:
    m->failed = true; /* Endgame lineage needs process trees: not evaluated */
    return T_NULL;
  case IR_EXPR_FIELD:
  case IR_EXPR_STRING:
  case IR_EXPR_NUMBER:
  case IR_EXPR_BOOL:
  case IR_EXPR_NULL:
  case IR_EXPR_CALL:
  case IR_EXPR_ARITH:
  case IR_EXPR_NEG: {
    Value v = expr_value(m, e, event);
    return v.kind == V_NULL ? T_NULL : v.kind == V_BOOL ? (v.boolean ? T_TRUE : T_FALSE) : T_NULL;
  }
  }
  return T_NULL;
}
