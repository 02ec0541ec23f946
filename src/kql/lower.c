/* KQL into the IR, with Elasticsearch's semantics for what Kibana sends it
 * (../shared/docs/kql-semantics.md sections 3 to 6): a value matches a whole value exactly and
 * case-sensitively (term and wildcard queries on keyword fields), numbers and booleans by value,
 * 'field:*' is an exists query (false for null and empty arrays), 'not' keeps documents without
 * the field, a network value on an ip field is a CIDR test, and free text equals a whole value of
 * any field. Analysed text fields (match and match_phrase by tokens) are not modelled: the KQL
 * backend never writes a string match on them. */
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/source.h"
#include "ir/ir_build.h"
#include "kql/kql.h"

typedef struct Lowerer {
  Arena *arena;
  const Source *src;
  const EcsSchema *schema;
  DiagSink *diags;
  const char *prefix; /* the path of the nested query being lowered, with its dot, or "" */
  bool failed;
} Lowerer;

static void fail(Lowerer *l, Span span, const char *message) {
  diag_report(l->diags, DIAG_ERROR, l->src, span, "kql-unsupported", "%s", message);
  l->failed = true;
}

/* Whether a literal's text is its whole value (no NUL byte from a \u0000 inside). */
static bool whole_text(const KqlLiteral *v) {
  size_t len = 0;
  for (size_t i = 0; i < v->pattern.count; i++)
    len += v->pattern.segs[i].kind == IR_SEG_LITERAL ? v->pattern.segs[i].len : 1;
  return strlen(v->text) == len;
}

static IrNumber number_of(const char *text) {
  IrNumber n = {.text = text, .value = strtod(text, NULL)};
  char *end;
  long long integer = strtoll(text, &end, 10);
  if (*end == '\0' && strchr(text, '.') == NULL) {
    n.is_integer = true;
    n.integer = integer;
  }
  return n;
}

static EcsFamily family_of(const Lowerer *l, const char *field, bool *known) {
  const EcsField *f = l->schema && field ? ecs_lookup(l->schema, field) : NULL;
  *known = f != NULL;
  return f ? f->family : ECS_STRING;
}

/* field:value (field NULL: free text). */
static IrNode *is(Lowerer *l, const KqlNode *n) {
  IrPredicate pred = {0};
  pred.src = l->src;
  pred.span = n->span;
  pred.cased = true;
  if (n->has_field) {
    if (n->field.wildcard && strcmp(n->field.text, "*") != 0) {
      fail(l, n->field.span,
           "a field name with a wildcard stands for the fields of a data view, which an event "
           "does not have; name the fields");
      return NULL;
    }
    if (strcmp(n->field.text, "*") != 0)
      pred.field = arena_printf(l->arena, "%s%s", l->prefix, n->field.text);
  }
  const KqlLiteral *v = &n->value;
  if (!pred.field) { /* free text, or every field ('*:value') */
    if (v->wildcard && v->pattern.count == 1 && v->pattern.segs[0].kind == IR_SEG_ANY) {
      fail(l, n->span, "this matches every document; a rule needs a condition");
      return NULL;
    }
    pred.free_text = true;
    ir_classify_string(l->arena, &pred, &v->pattern);
    return ir_pred(l->arena, &pred);
  }
  if (v->wildcard && v->pattern.count == 1 && v->pattern.segs[0].kind == IR_SEG_ANY) {
    pred.match = IR_MATCH_NULL; /* field:* is an exists query: it has a value */
    return ir_not(l->arena, ir_pred(l->arena, &pred));
  }
  if (v->wildcard) {
    ir_classify_string(l->arena, &pred, &v->pattern);
    return ir_pred(l->arena, &pred);
  }
  bool known;
  EcsFamily fam = family_of(l, pred.field, &known);
  Cidr network;
  bool typed = whole_text(v); /* a value with a NUL byte can only be a string */
  if (typed && fam == ECS_IP && cidr_parse(v->text, strlen(v->text), &network, NULL, NULL, NULL)) {
    pred.match = IR_MATCH_CIDR; /* an ip field takes an address or a network */
    pred.pattern = v->text;
  } else if (typed && !v->quoted &&
             (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) && fam != ECS_STRING) {
    pred.match = IR_MATCH_EQUALS;
    pred.value.kind = IR_VALUE_BOOL;
    pred.value.boolean = v->text[0] == 't';
  } else if (typed && ir_plain_number(v->text) && (fam == ECS_NUMBER || (!known && !v->quoted))) {
    pred.match = IR_MATCH_EQUALS; /* a match query on a number compares the number */
    pred.value.kind = IR_VALUE_NUMBER;
    pred.value.number = number_of(v->text);
  } else {
    pred.match = IR_MATCH_EQUALS;
    pred.value.kind = IR_VALUE_STRING;
    pred.value.string = v->pattern;
  }
  return ir_pred(l->arena, &pred);
}

static IrNode *range(Lowerer *l, const KqlNode *n) {
  if (n->field.wildcard) {
    fail(l, n->field.span, "a field name with a wildcard stands for the fields of a data view");
    return NULL;
  }
  if (!ir_plain_number(n->value.text)) {
    fail(l, n->value.span,
         "a range over dates or text is compared by Elasticsearch with the field's mapping and "
         "date math; only numeric ranges are evaluated");
    return NULL;
  }
  static const struct {
    const char *op;
    IrMatchKind match;
  } ops[] = {
      {"lt", IR_MATCH_LT}, {"lte", IR_MATCH_LTE}, {"gt", IR_MATCH_GT}, {"gte", IR_MATCH_GTE}};
  IrPredicate pred = {0};
  pred.src = l->src;
  pred.span = n->span;
  pred.field = arena_printf(l->arena, "%s%s", l->prefix, n->field.text);
  for (size_t i = 0; i < 4; i++)
    if (strcmp(ops[i].op, n->op) == 0)
      pred.match = ops[i].match;
  pred.value.kind = IR_VALUE_NUMBER;
  pred.value.number = number_of(n->value.text);
  return ir_pred(l->arena, &pred);
}

static IrNode *lower(Lowerer *l, const KqlNode *n);

/* path:{ query }: one object of the array at path must satisfy the whole query on its own (an
 * Elasticsearch nested query); its fields are written in full, path first. */
static IrNode *nested(Lowerer *l, const KqlNode *n) {
  const char *saved = l->prefix;
  const char *path = arena_printf(l->arena, "%s%s", saved, n->field.text);
  l->prefix = arena_printf(l->arena, "%s.", path);
  IrNode *inner = lower(l, n->children[0]);
  l->prefix = saved;
  if (!inner)
    return NULL;
  IrNode *out = ir_nested(l->arena, path, inner);
  out->pred.src = l->src;
  out->pred.span = n->span;
  return out;
}

static IrNode *lower(Lowerer *l, const KqlNode *n) {
  switch (n->kind) {
  case KQL_OR:
  case KQL_AND: {
    IrNode **children = arena_array(l->arena, n->count, sizeof(IrNode *));
    for (size_t i = 0; i < n->count; i++)
      if (!(children[i] = lower(l, n->children[i])))
        return NULL;
    return ir_join(l->arena, n->kind == KQL_OR ? IR_OR : IR_AND, children, n->count);
  }
  case KQL_NOT: {
    IrNode *child = lower(l, n->children[0]);
    return child ? ir_not(l->arena, child) : NULL;
  }
  case KQL_IS:
    return is(l, n);
  case KQL_RANGE:
    return range(l, n);
  case KQL_NESTED:
    return nested(l, n);
  case KQL_MATCH_ALL:
    fail(l, n->span, "an empty query matches every document; a rule needs a condition");
    return NULL;
  }
  return NULL;
}

IrNode *kql_lower(Arena *arena, const Source *src, const KqlNode *query, const EcsSchema *schema,
                  DiagSink *diags) {
  Lowerer l = {arena, src, schema, diags, "", false};
  IrNode *out = lower(&l, query);
  return l.failed ? NULL : out;
}

/* ---- files ------------------------------------------------------------------------------------
 */

/* Whether node is 'event.category:word', which EQL says as its event category. */
static const char *category_of(const IrNode *node) {
  const IrPredicate *p = &node->pred;
  if (node->kind != IR_PRED || !p->field || strcmp(p->field, "event.category") != 0 ||
      p->match != IR_MATCH_EQUALS || p->value.kind != IR_VALUE_STRING || p->value.string.count != 1)
    return NULL;
  const IrSegment *seg = &p->value.string.segs[0];
  for (size_t i = 0; i < seg->len; i++)
    if (!((seg->text[i] >= 'a' && seg->text[i] <= 'z') || seg->text[i] == '_'))
      return NULL;
  return seg->len ? seg->text : NULL;
}

/* event.category:X and rest: the category X (what EQL writes as 'X where rest'), and rest. */
static void split_category(Arena *arena, IrQuery *q) {
  IrNode *where = q->where;
  if (where->kind != IR_AND || where->count < 2 || !category_of(where->children[0]))
    return;
  q->category = category_of(where->children[0]);
  q->where = ir_join(arena, IR_AND, where->children + 1, where->count - 1);
}

/* Whether the line at [start, end) is blank or a '//' label line (what the KQL backend writes
 * above each query of a listing). */
static bool separator_line(const char *text, size_t start, size_t end) {
  while (start < end && (text[start] == ' ' || text[start] == '\t' || text[start] == '\r'))
    start++;
  return start == end || (end - start >= 2 && text[start] == '/' && text[start + 1] == '/');
}

bool kql_compile(Arena *arena, const Source *src, const KqlOptions *options,
                 const EcsSchema *schema, DiagSink *diags, IrRuleSet *rules) {
  size_t errors_before = diags->errors, index = 0, at = 0;
  for (Span span; source_next_block(src, &at, separator_line, &span); index++) {
    KqlNode *query = kql_parse(arena, src, span, options, diags);
    IrNode *where = query ? kql_lower(arena, src, query, schema, diags) : NULL;
    if (!where)
      continue;
    IrRule *rule = ir_event_rule(arena, IR_LANG_KQL, src, span, index, "ecs", where);
    split_category(arena, rule->queries[0]);
    ir_ruleset_push(arena, rules, rule);
  }
  if (index == 0)
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "kql-syntax",
                "empty file: expected a KQL query such as 'process.name:cmd.exe'");
  return diags->errors == errors_before;
}
