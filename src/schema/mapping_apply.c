/* Applying a mapping to a rule: renamed fields, converted values, the logsource's event category,
 * conditions and index patterns. Order per field: conditional_fields, fields, then the unmapped
 * prefix (data/mappings/README.md). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/hash.h"
#include "ir/ir_build.h"
#include "schema/mapping.h"

static bool equal_or_unset(const char *want, const char *have) {
  return !want || (have && strcmp(want, have) == 0);
}

static bool when_matches(const MapWhen *when, const IrLogsource *logsource) {
  return equal_or_unset(when->product, logsource->product) &&
         equal_or_unset(when->category, logsource->category) &&
         equal_or_unset(when->service, logsource->service);
}

static bool listed(const IrStrList *list, const char *item) {
  for (size_t i = 0; item && i < list->count; i++)
    if (strcmp(list->items[i], item) == 0)
      return true;
  return false;
}

static const MapField *find_field(const Mapping *m, const char *sigma) {
  if (m->field_index) {
    for (size_t at = hash_text(sigma) & m->field_index_mask; m->field_index[at];
         at = (at + 1) & m->field_index_mask)
      if (strcmp(m->fields[m->field_index[at] - 1].sigma, sigma) == 0)
        return &m->fields[m->field_index[at] - 1];
    return NULL;
  }
  for (size_t i = 0; i < m->field_count; i++)
    if (strcmp(m->fields[i].sigma, sigma) == 0)
      return &m->fields[i];
  return NULL;
}

/* A table's answer for field under logsource, or NULL. */
static const char *table_target(const Mapping *m, const IrLogsource *logsource, const char *field) {
  const MapField *entry = find_field(m, field);
  if (!entry)
    return NULL;
  for (size_t i = 0; i < entry->conditional_count; i++)
    if (when_matches(&entry->conditionals[i].when, logsource))
      return entry->conditionals[i].field;
  return entry->target;
}

/* Names that already look like target names ("a.b", pySigma's \w+\. test) are kept. */
static bool already_dotted(const char *field) {
  const char *dot = strchr(field, '.');
  return dot && dot > field;
}

const char *mapping_field(Arena *arena, const Mapping *m, const IrLogsource *logsource,
                          const char *field) {
  const char *target = table_target(m, logsource, field);
  if (target)
    return target;
  if (already_dotted(field))
    return field;
  if (m->unmapped_prefix && listed(&m->unmapped_products, logsource->product))
    return arena_printf(arena, "%s%s", m->unmapped_prefix, field);
  return NULL;
}

const MapLogsource *mapping_logsource(const Mapping *m, const IrLogsource *logsource) {
  for (size_t i = 0; i < m->logsource_count; i++)
    if (when_matches(&m->logsources[i].when, logsource))
      return &m->logsources[i];
  return &m->fallback;
}

typedef struct Pass {
  Arena *arena;
  const Mapping *mapping;
  const IrRule *rule;
  IrRule *copy; /* the mapped rule: where a strict mapping says why it has no form */
  DiagSink *diags;
  const char **warned; /* fields already warned about in this rule */
  size_t warned_count;
} Pass;

static const char *describe_logsource(Arena *arena, const IrLogsource *l) {
  return arena_printf(arena, "%s%s%s%s%s%s", l->product ? "product " : "",
                      l->product ? l->product : "", l->category ? " category " : "",
                      l->category ? l->category : "", l->service ? " service " : "",
                      l->service ? l->service : "");
}

static void warn_once(Pass *p, const IrPredicate *pred, const char *message) {
  for (size_t i = 0; i < p->warned_count; i++)
    if (strcmp(p->warned[i], pred->field) == 0)
      return;
  p->warned = arena_push_slot(p->arena, p->warned, p->warned_count, sizeof(char *));
  p->warned[p->warned_count++] = pred->field;
  diag_report(p->diags, DIAG_WARNING, pred->src, pred->span, "mapping-unmapped-field", "%s",
              message);
}

static const char *map_field(Pass *p, const IrPredicate *pred) {
  const IrLogsource *logsource = &p->rule->logsource;
  const char *field = pred->field;
  const char *target = table_target(p->mapping, logsource, field);
  if (target || already_dotted(field))
    return target ? target : field;
  const char *where = describe_logsource(p->arena, logsource);
  if (p->mapping->strict) { /* no name the target has: the rule cannot be written */
    if (!p->copy->unmappable) {
      p->copy->unmappable = arena_printf(p->arena, "field '%s' has no %s mapping for logsource %s",
                                         field, p->mapping->name, where + (*where == ' '));
      IrPredicate *at = arena_alloc(p->arena, sizeof *at); /* pred may be a fieldref's copy */
      *at = *pred;
      p->copy->unmappable_at = at;
    }
    return field;
  }
  const char *mapped = mapping_field(p->arena, p->mapping, logsource, field);
  if (!mapped && p->mapping->keep_names)
    return field; /* the target names its fields as Sigma does */
  if (mapped && !listed(&p->mapping->unmapped_known, field))
    warn_once(p, pred,
              arena_printf(p->arena,
                           "field '%s' has no %s mapping for logsource %s; it becomes '%s', which "
                           "the data may not carry",
                           field, p->mapping->name, where + (*where == ' '), mapped));
  else if (!mapped)
    warn_once(p, pred,
              arena_printf(p->arena, "field '%s' has no %s mapping for logsource %s; kept as it is",
                           field, p->mapping->name, where + (*where == ' ')));
  return mapped ? mapped : field;
}

/* A number the data holds as text: the text an event's string must be to equal it, as Sigma
 * compares them (an integer's digits; otherwise the text as written, without a leading '+'), and
 * compared exactly when letters make case matter ("-.INF" is not "-.inf"). */
static void number_to_string(Arena *arena, IrPredicate *pred) {
  const IrNumber *n = &pred->value.number;
  const char *text =
      n->is_integer ? arena_printf(arena, "%lld", n->integer) : n->text + (n->text[0] == '+');
  for (const char *c = text; *c; c++)
    pred->cased = pred->cased || (*c | 0x20) >= 'a';
  pred->value.kind = IR_VALUE_STRING;
  pred->value.string = ir_string_literal(arena, text, strlen(text));
}

/* value_maps: a value equal (case-insensitively) to a 'from' becomes its 'to'. */
static void rewrite_value(Pass *p, IrPredicate *pred) {
  for (size_t i = 0; i < p->mapping->value_map_count; i++) {
    const MapValueMap *vm = &p->mapping->value_maps[i];
    if (strcmp(vm->field, pred->field) != 0 || !when_matches(&vm->when, &p->rule->logsource))
      continue;
    const char *have = pred->value.kind == IR_VALUE_BOOL ? (pred->value.boolean ? "true" : "false")
                       : pred->value.kind == IR_VALUE_STRING && pred->value.string.count == 1
                           ? pred->value.string.segs[0].text
                           : NULL;
    for (size_t k = 0; have && k < vm->count; k++)
      if (strcasecmp(vm->pairs[k].key, have) == 0) {
        const char *to = vm->pairs[k].value->text;
        pred->cased = true; /* a value from the data source's own vocabulary, written exactly */
        pred->value.kind = IR_VALUE_STRING;
        pred->value.string = ir_string_literal(p->arena, to, strlen(to));
        return;
      }
  }
}

const char *mapping_value_back(const Mapping *mapping, const IrLogsource *logsource,
                               const char *target, const char *value) {
  for (size_t i = 0; i < mapping->value_map_count; i++) {
    const MapValueMap *vm = &mapping->value_maps[i];
    if (strcmp(vm->field, target) != 0 || !when_matches(&vm->when, logsource))
      continue;
    for (size_t k = 0; k < vm->count; k++)
      if (strcmp(vm->pairs[k].value->text, value) == 0)
        return vm->pairs[k].key;
  }
  return NULL;
}

/* A keyword (no field) is searched in the mapping's keyword field when it names one: a plain
 * keyword is found anywhere in it, a pattern matches as written. Without one it stays unbound
 * and the backend decides (EQL refuses). */
static void map_keyword(Pass *p, IrPredicate *pred) {
  if (!p->mapping->keyword_field)
    return;
  pred->field = p->mapping->keyword_field;
  if (pred->value.kind == IR_VALUE_NUMBER)
    number_to_string(p->arena, pred);
  if (pred->value.kind != IR_VALUE_STRING)
    return;
  /* a keyword is found anywhere in the text, wildcards or not: wrap the pattern in '*' */
  IrString pattern = ir_pattern_of(p->arena, pred);
  IrStringBuilder b;
  ir_sb_init(&b, p->arena);
  ir_sb_wildcard(&b, IR_SEG_ANY);
  for (size_t i = 0; i < pattern.count; i++) {
    if (pattern.segs[i].kind == IR_SEG_LITERAL)
      ir_sb_literal(&b, pattern.segs[i].text, pattern.segs[i].len);
    else
      ir_sb_wildcard(&b, pattern.segs[i].kind);
  }
  ir_sb_wildcard(&b, IR_SEG_ANY);
  IrString wrapped = ir_sb_finish(&b);
  ir_classify_string(p->arena, pred, &wrapped);
}

static void map_predicate(Pass *p, IrPredicate *pred) {
  if (!pred->field) {
    map_keyword(p, pred);
    return;
  }
  pred->field = map_field(p, pred);
  if (pred->match == IR_MATCH_FIELDREF) {
    IrPredicate ref = *pred;
    ref.field = pred->pattern;
    pred->pattern = map_field(p, &ref);
  }
  bool stringly = listed(&p->mapping->string_products, p->rule->logsource.product);
  if (stringly && pred->match == IR_MATCH_EQUALS && pred->value.kind == IR_VALUE_NUMBER &&
      !listed(&p->mapping->keep_numbers, pred->field))
    number_to_string(p->arena, pred);
  rewrite_value(p, pred);
}

static IrNode *map_node(Pass *p, const IrNode *node) {
  IrNode *copy = arena_alloc(p->arena, sizeof *copy);
  *copy = *node;
  switch (node->kind) {
  case IR_AND:
  case IR_OR:
  case IR_NOT:
  case IR_NESTED: /* KQL only, whose fields are not mapped: the path stays as it is */
    copy->children = arena_array(p->arena, node->count, sizeof(IrNode *));
    for (size_t i = 0; i < node->count; i++)
      copy->children[i] = map_node(p, node->children[i]);
    break;
  case IR_PRED:
    map_predicate(p, &copy->pred);
    break;
  }
  return copy;
}

/* The logsource's conditions as IR: exact (case-sensitive) equality, a list is any of. */
static IrNode *condition_node(Arena *arena, const MapCondition *c) {
  IrNode **alternatives = arena_array(arena, c->values.count, sizeof(IrNode *));
  for (size_t i = 0; i < c->values.count; i++) {
    IrPredicate pred;
    memset(&pred, 0, sizeof pred);
    pred.field = c->field;
    pred.match = IR_MATCH_EQUALS;
    pred.cased = true;
    pred.value.kind = IR_VALUE_STRING;
    pred.value.string = ir_string_literal(arena, c->values.items[i], strlen(c->values.items[i]));
    alternatives[i] = ir_pred(arena, &pred);
  }
  return ir_join(arena, IR_OR, alternatives, c->values.count);
}

static IrQuery *map_query(Pass *p, const IrQuery *query, const MapLogsource *source) {
  IrQuery *copy = arena_alloc(p->arena, sizeof *copy);
  *copy = *query;
  if (query->kind != IR_QUERY_EVENT)
    return copy; /* sequences come from EQL, whose fields are already ECS */
  copy->category = query->category ? query->category : source->eql_category;
  if (copy->category && strcmp(copy->category, "any") == 0)
    copy->category = NULL; /* 'any where' */
  IrNode **parts = arena_array(p->arena, source->condition_count + 1, sizeof(IrNode *));
  for (size_t i = 0; i < source->condition_count; i++)
    parts[i] = condition_node(p->arena, &source->conditions[i]);
  parts[source->condition_count] = map_node(p, query->where);
  copy->where = ir_join(p->arena, IR_AND, parts, source->condition_count + 1);
  return copy;
}

IrRule *mapping_apply(Arena *arena, const Mapping *mapping, const IrRule *rule, DiagSink *diags) {
  IrRule *copy = arena_alloc(arena, sizeof *copy);
  *copy = *rule;
  copy->taxonomy_out = mapping->target;
  Pass p = {arena, mapping, rule, copy, diags, NULL, 0};
  if (rule->kind == IR_RULE_DETECTION) {
    const MapLogsource *source = mapping_logsource(mapping, &rule->logsource);
    if (mapping->strict && source == &mapping->fallback) {
      const char *where = describe_logsource(arena, &rule->logsource);
      copy->unmappable = arena_printf(arena, "the %s mapping has no data set for logsource %s",
                                      mapping->name, *where ? where + (*where == ' ') : "(none)");
    }
    copy->index = source->index;
    copy->queries = arena_array(arena, rule->query_count, sizeof(IrQuery *));
    for (size_t i = 0; i < rule->query_count; i++)
      copy->queries[i] = map_query(&p, rule->queries[i], source);
  }
  return copy;
}
