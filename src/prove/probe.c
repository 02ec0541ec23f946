/* Probe events from a query (probe.h). */
#include "prove/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/strbuf.h"
#include "ir/ir_build.h"

enum { MAX_WITNESSES = 24, MAX_FIELDS = 64 };

/* The field a probe carries keywords (predicates without a field) in. */
#define KEYWORD_FIELD "message"

/* What a witness requires of one field, gathered from the predicates it must satisfy. */
typedef struct FieldPlan {
  const char *field;
  const IrPredicate *positive[16]; /* predicates the value must satisfy */
  size_t positive_count;
  bool negative;    /* a predicate it must not satisfy */
  bool needs_value; /* exists, or not null */
  bool must_be_missing;
} FieldPlan;

typedef struct Plan {
  FieldPlan fields[MAX_FIELDS];
  size_t count;
  const IrStrList *fixed;
} Plan;

static bool fixed_field(const IrStrList *fixed, const char *field) {
  for (size_t i = 0; fixed && i < fixed->count; i++)
    if (strcmp(fixed->items[i], field) == 0)
      return true;
  return false;
}

typedef struct Builder {
  Arena *arena;
  const EcsSchema *schema;
  ProbeSet set;
  size_t limit;
  json_t *seen; /* dumps of the probes made, to make each once */
} Builder;

static void free_json(void *v) { json_decref(v); }

static FieldPlan *plan_field(Plan *plan, const char *field) {
  for (size_t i = 0; i < plan->count; i++)
    if (strcmp(plan->fields[i].field, field) == 0)
      return &plan->fields[i];
  if (plan->count == MAX_FIELDS)
    return NULL;
  FieldPlan *f = &plan->fields[plan->count++];
  memset(f, 0, sizeof *f);
  f->field = field;
  return f;
}

/* Walks node requiring it to be true (want) or false, taking alternative k of each choice. */
static void walk(Plan *plan, const IrNode *node, bool want, size_t k) {
  switch (node->kind) {
  case IR_AND:
  case IR_OR: {
    bool all = (node->kind == IR_AND) == want; /* every child must have the wanted truth */
    for (size_t i = 0; i < node->count; i++) {
      size_t child_k = k / node->count + i;
      if (all || i == k % node->count)
        walk(plan, node->children[i], want, child_k);
      else if (node->kind == IR_AND) /* a near miss: the others hold */
        walk(plan, node->children[i], true, child_k);
    }
    break;
  }
  case IR_NOT:
    walk(plan, node->children[0], !want, k);
    break;
  case IR_NESTED: /* KQL's nested objects: no Sigma rule has them, and probes are flat */
    break;
  case IR_PRED: {
    const IrPredicate *p = &node->pred;
    if (p->match == IR_MATCH_EXPR || p->match == IR_MATCH_FIELDREF)
      break;
    /* a keyword is found inside any value: the probe carries it in a text field of its own */
    FieldPlan *f = plan_field(plan, p->field ? p->field : KEYWORD_FIELD);
    if (!f)
      break;
    if (p->field && fixed_field(plan->fixed, p->field))
      want = true; /* the logsource's own condition holds on every probe */
    if (p->match == IR_MATCH_NULL || p->match == IR_MATCH_EXISTS) {
      if (want == (p->match == IR_MATCH_NULL)) /* null wanted, or a value unwanted */
        f->must_be_missing = true;
      else
        f->needs_value = true;
    } else if (!want) {
      f->negative = true;
    } else if (f->positive_count < 16) {
      f->positive[f->positive_count++] = p;
    }
    break;
  }
  }
}

/* A number as JSON: an integer when it is one that fits, else a real (never a cast out of
 * range, which C leaves undefined). */
static json_t *number_json(double d) {
  if (d > -9.0e18 && d < 9.0e18 && d == (double)(long long)d)
    return json_integer((long long)d);
  return json_real(d);
}

/* Text that satisfies a string predicate: its literals, '?' as 'x', '*' as nothing. */
static void satisfying_text(const IrPredicate *p, StrBuf *out) {
  switch (p->match) {
  case IR_MATCH_EQUALS:
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    if (p->value.kind != IR_VALUE_STRING)
      break;
    for (size_t i = 0; i < p->value.string.count; i++) {
      const IrSegment *seg = &p->value.string.segs[i];
      if (seg->kind == IR_SEG_LITERAL)
        sb_putn(out, seg->text, seg->len);
      else if (seg->kind == IR_SEG_ONE)
        sb_putc(out, 'x');
    }
    break;
  default:
    break;
  }
}

/* A JSON value satisfying every positive predicate of a field as far as one value can: an exact
 * value wins, then prefix + inner parts + suffix. */
static json_t *value_for(const FieldPlan *f) {
  if (f->must_be_missing)
    return NULL;
  StrBuf prefix = STRBUF_INIT, middle = STRBUF_INIT, suffix = STRBUF_INIT;
  json_t *exact = NULL;
  for (size_t i = 0; i < f->positive_count && !exact; i++) {
    const IrPredicate *p = f->positive[i];
    StrBuf text = STRBUF_INIT;
    satisfying_text(p, &text);
    switch (p->match) {
    case IR_MATCH_EQUALS:
      if (!p->field) { /* a keyword: anywhere in the text */
        sb_printf(&middle, "%s%s ", middle.len ? "" : " ", sb_text(&text));
        if (p->value.kind == IR_VALUE_NUMBER && p->value.number.text)
          sb_printf(&middle, "%s ", p->value.number.text);
        break;
      }
      if (p->value.kind == IR_VALUE_NUMBER)
        exact = p->value.number.is_integer ? json_integer(p->value.number.integer)
                                           : json_real(p->value.number.value);
      else if (p->value.kind == IR_VALUE_BOOL)
        exact = json_boolean(p->value.boolean);
      else
        exact = json_stringn(sb_text(&text), text.len);
      break;
    case IR_MATCH_STARTSWITH:
      sb_putn(&prefix, sb_text(&text), text.len);
      break;
    case IR_MATCH_ENDSWITH:
      sb_putn(&suffix, sb_text(&text), text.len);
      break;
    case IR_MATCH_CONTAINS:
    case IR_MATCH_WILDCARD:
      sb_putn(&middle, sb_text(&text), text.len);
      break;
    case IR_MATCH_CIDR: {
      Cidr net;
      if (cidr_parse(p->pattern, strlen(p->pattern), &net, NULL, NULL, NULL)) {
        const char *slash = strchr(p->pattern, '/');
        exact = json_stringn(p->pattern, slash ? (size_t)(slash - p->pattern) : strlen(p->pattern));
      }
      break;
    }
    case IR_MATCH_LT:
    case IR_MATCH_LTE:
    case IR_MATCH_GT:
    case IR_MATCH_GTE: {
      double v = p->value.number.value;
      double d = p->match == IR_MATCH_LT ? v - 1 : p->match == IR_MATCH_GT ? v + 1 : v;
      exact = number_json(d);
      break;
    }
    default:
      break;
    }
    sb_free(&text);
  }
  if (!exact) {
    StrBuf all = STRBUF_INIT;
    sb_putn(&all, sb_text(&prefix), prefix.len);
    sb_putn(&all, sb_text(&middle), middle.len);
    sb_putn(&all, sb_text(&suffix), suffix.len);
    if (all.len == 0 && !f->positive_count && (f->negative || f->needs_value))
      sb_puts(&all, "sigmac-probe-other");
    exact = json_stringn(sb_text(&all), all.len);
    sb_free(&all);
  }
  sb_free(&prefix);
  sb_free(&middle);
  sb_free(&suffix);
  return exact;
}

/* Whether an index could hold v in a field of family (arrays: every element). */
static bool holds(EcsFamily family, const json_t *v) {
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
      if (!holds(family, item))
        return false;
    }
    return true;
  }
  if (json_is_null(v))
    return true;
  const char *text = json_is_string(v) ? json_string_value(v) : NULL;
  Cidr address;
  switch (family) {
  case ECS_IP:
    return text && cidr_parse(text, strlen(text), &address, NULL, NULL, NULL) && !strchr(text, '/');
  case ECS_NUMBER:
    if (json_is_number(v))
      return true;
    char *end;
    return text && *text && (strtod(text, &end), *end == '\0');
  case ECS_BOOLEAN:
    return json_is_boolean(v) ||
           (text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0));
  case ECS_STRING:
  case ECS_TEXT:
  case ECS_DATE:
  case ECS_OTHER:
    return true;
  }
  return true;
}

static bool indexable(const Builder *b, const json_t *event) {
  const char *field;
  json_t *value;
  json_object_foreach((json_t *)event, field, value) {
    const EcsField *f = b->schema ? ecs_lookup(b->schema, field) : NULL;
    if (f && !holds(f->family, value))
      return false;
  }
  return true;
}

/* Adds a probe (a copy of event) unless an equal one was made already. */
static void add(Builder *b, json_t *event) {
  if (b->set.count >= b->limit || !indexable(b, event)) {
    json_decref(event);
    return;
  }
  char *dump = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
  bool fresh = dump && !json_object_get(b->seen, dump);
  if (fresh) {
    json_object_set_new(b->seen, dump, json_true());
    b->set.events = arena_push_slot(b->arena, b->set.events, b->set.count, sizeof(json_t *));
    b->set.events[b->set.count++] = event;
    arena_on_free(b->arena, free_json, event);
  } else {
    json_decref(event);
  }
  free(dump);
}

/* The witness with field set to value (NULL: removed). Takes value. */
static void variant(Builder *b, const json_t *witness, const char *field, json_t *value) {
  json_t *event = json_deep_copy(witness);
  if (value)
    json_object_set_new(event, field, value);
  else
    json_object_del(event, field);
  add(b, event);
}

static void change_case(char *text, int mode) {
  for (char *c = text; *c; c++) {
    bool upper = *c >= 'A' && *c <= 'Z', lower = *c >= 'a' && *c <= 'z';
    if (mode == 0 && lower)
      *c = (char)(*c - 32);
    else if (mode == 1 && upper)
      *c = (char)(*c + 32);
    else if (mode == 2 && (upper || lower))
      *c = (char)(*c ^ 0x20);
  }
}

/* Variants of a string value: other cases, one character short at either end, longer, other
 * dashes, literal wildcard characters. */
static void string_variants(Builder *b, const json_t *witness, const char *field, const char *v) {
  size_t len = strlen(v);
  for (int mode = 0; mode < 3; mode++) {
    char *copy = strdup(v);
    change_case(copy, mode);
    variant(b, witness, field, json_string(copy));
    free(copy);
  }
  if (len > 1) {
    variant(b, witness, field, json_stringn(v + 1, len - 1));
    variant(b, witness, field, json_stringn(v, len - 1));
  }
  variant(b, witness, field, json_string(arena_printf(b->arena, "x%s", v)));
  variant(b, witness, field, json_string(arena_printf(b->arena, "%sx", v)));
  variant(b, witness, field, json_string(arena_printf(b->arena, "%s*", v)));
  variant(b, witness, field, json_string(arena_printf(b->arena, "?%s", v)));
  static const char *const dashes[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
  for (size_t from = 0; from < 5; from++) {
    const char *at = strstr(v, dashes[from]);
    if (!at)
      continue;
    for (size_t to = 0; to < 5; to++)
      if (to != from)
        variant(b, witness, field,
                json_string(arena_printf(b->arena, "%.*s%s%s", (int)(at - v), v, dashes[to],
                                         at + strlen(dashes[from]))));
  }
}

/* Values just inside and just outside one predicate. */
static void predicate_values(Builder *b, const json_t *witness, const IrPredicate *p) {
  StrBuf text = STRBUF_INIT;
  satisfying_text(p, &text);
  const char *t = sb_text(&text);
  if (p->value.kind == IR_VALUE_STRING && text.len) {
    variant(b, witness, p->field, json_string(t));
    if (p->match == IR_MATCH_CONTAINS || p->match == IR_MATCH_ENDSWITH)
      variant(b, witness, p->field, json_string(arena_printf(b->arena, "pre%s", t)));
    if (p->match == IR_MATCH_CONTAINS || p->match == IR_MATCH_STARTSWITH)
      variant(b, witness, p->field, json_string(arena_printf(b->arena, "%spost", t)));
    if (text.len > 1) {
      variant(b, witness, p->field, json_stringn(t + 1, text.len - 1));
      variant(b, witness, p->field, json_stringn(t, text.len - 1));
    }
    StrBuf written = STRBUF_INIT; /* the pattern with its wildcards as literal characters */
    for (size_t i = 0; i < p->value.string.count; i++) {
      const IrSegment *seg = &p->value.string.segs[i];
      if (seg->kind == IR_SEG_LITERAL)
        sb_putn(&written, seg->text, seg->len);
      else
        sb_putc(&written, seg->kind == IR_SEG_ANY ? '*' : '?');
    }
    variant(b, witness, p->field, json_string(sb_text(&written)));
    sb_free(&written);
  } else if (p->value.kind == IR_VALUE_NUMBER && p->match != IR_MATCH_CIDR) {
    double v = p->value.number.value;
    for (int d = -1; d <= 1; d++)
      variant(b, witness, p->field, number_json(v + d));
    variant(b, witness, p->field, json_string(p->value.number.text ? p->value.number.text : "0"));
  }
  sb_free(&text);
}

static void collect_predicates(const IrNode *node, const IrPredicate ***out, size_t *count,
                               Arena *arena) {
  if (node->kind == IR_PRED) {
    if (node->pred.field) {
      *out = arena_push_slot(arena, *out, *count, sizeof(IrPredicate *));
      (*out)[(*count)++] = &node->pred;
    }
    return;
  }
  for (size_t i = 0; i < node->count; i++)
    collect_predicates(node->children[i], out, count, arena);
}

static size_t widest_or(const IrNode *node) {
  size_t widest = node->kind == IR_OR ? node->count : 1;
  for (size_t i = 0; i < node->count; i++) {
    size_t w = widest_or(node->children[i]);
    widest = w > widest ? w : widest;
  }
  return widest;
}

ProbeSet probe_events(Arena *arena, const IrQuery *query, const EcsSchema *schema,
                      const IrStrList *fixed, size_t limit) {
  Builder b = {arena, schema, {NULL, 0}, limit, json_object()};
  size_t witnesses = widest_or(query->where);
  witnesses = witnesses > MAX_WITNESSES ? MAX_WITNESSES : witnesses;
  json_t **made = arena_array(arena, witnesses * 2, sizeof(json_t *));
  size_t made_count = 0;
  for (size_t k = 0; k < witnesses * 2; k++) { /* satisfying witnesses, then failing ones */
    Plan plan = {.count = 0, .fixed = fixed};
    walk(&plan, query->where, k < witnesses, k % witnesses);
    json_t *event = json_object();
    /* an ECS event has a category; for 'any' one that no query tests, so that the rule's
       logsource conditions are tested as on every ECS event */
    bool any = !query->category || strcmp(query->category, "any") == 0;
    if (schema) /* ECS */
      json_object_set_new(event, "event.category",
                          json_pack("[s]", any ? "host" : query->category));
    for (size_t i = 0; i < plan.count; i++) {
      json_t *value = value_for(&plan.fields[i]);
      if (value)
        json_object_set_new(event, plan.fields[i].field, value);
    }
    made[made_count++] = json_incref(event);
    add(&b, event);
  }
  const IrPredicate **preds = NULL;
  size_t pred_count = 0;
  collect_predicates(query->where, &preds, &pred_count, arena);
  for (size_t w = 0; w < made_count; w++) {
    const json_t *witness = made[w];
    const char *field;
    json_t *value;
    json_object_foreach((json_t *)witness, field, value) {
      if (strcmp(field, "event.category") == 0 || fixed_field(fixed, field))
        continue;
      variant(&b, witness, field, NULL);
      variant(&b, witness, field, json_null());
      variant(&b, witness, field, json_string(""));
      variant(&b, witness, field, json_array());
      variant(&b, witness, field, json_pack("[sO]", "sigmac-probe-other", value));
      if (json_is_string(value))
        string_variants(&b, witness, field, json_string_value(value));
      else if (json_is_integer(value))
        variant(&b, witness, field,
                json_string(arena_printf(arena, "%lld", (long long)json_integer_value(value))));
    }
    for (size_t i = 0; i < pred_count && w < 2; i++) /* each predicate's values, on 2 witnesses */
      if (!fixed_field(fixed, preds[i]->field))
        predicate_values(&b, witness, preds[i]);
  }
  for (size_t w = 0; w < made_count; w++)
    json_decref(made[w]);
  json_decref(b.seen);
  return b.set;
}
