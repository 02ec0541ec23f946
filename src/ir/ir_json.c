/* IR to JSON. Keys are written in one fixed order and optional keys only when set, so that the
 * output is stable and small enough to read in a golden diff. */
#include "ir/ir_json.h"

#include "base/json_out.h"
#include "base/utf8.h"
#include "ir/ir_build.h"

#include <string.h>

static void write_node(JsonOut *j, const IrNode *node);

static void write_strlist(JsonOut *j, const char *key, const IrStrList *list) {
  if (!list->count)
    return;
  jout_key(j, key);
  jout_array_begin(j);
  for (size_t i = 0; i < list->count; i++)
    jout_string(j, list->items[i]);
  jout_array_end(j);
}

/* Integers too large for long long keep their digits: JSON numbers have no size limit. */
static void write_number(JsonOut *j, const IrNumber *number) {
  const char *t = number->text ? number->text : "";
  size_t sign = t[0] == '-';
  if (number->is_integer)
    jout_int(j, number->integer);
  else if (t[sign] >= '1' && t[sign] <= '9' && strspn(t + sign, "0123456789") == strlen(t + sign))
    jout_raw(j, t);
  else
    jout_double(j, number->value);
}

/* A literal: a JSON string, or {"bytes": "<hex>"} when it is not UTF-8 (after wide/utf16), so
 * that raw bytes never read like the characters of the same code points. */
static void write_literal(JsonOut *j, const char *text, size_t len) {
  if (utf8_valid(text, len)) {
    jout_string_n(j, text, len);
    return;
  }
  StrBuf hex = STRBUF_INIT;
  for (size_t i = 0; i < len; i++)
    sb_printf(&hex, "%02x", (unsigned char)text[i]);
  jout_object_begin(j);
  jout_kv_string(j, "bytes", sb_text(&hex));
  jout_object_end(j);
  sb_free(&hex);
}

/* Literal-only strings are JSON strings; patterns are arrays in which literals are strings and
 * wildcards are {"wildcard": "*"} or {"wildcard": "?"}, so a literal '*' is never a wildcard. */
static void write_string_value(JsonOut *j, const IrString *s) {
  if (!ir_string_has_wildcards(s)) {
    jout_key(j, "value");
    if (s->count == 0)
      jout_string(j, "");
    else
      write_literal(j, s->segs[0].text, s->segs[0].len);
    return;
  }
  jout_key(j, "pattern");
  jout_array_begin(j);
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    switch (seg->kind) {
    case IR_SEG_LITERAL:
      write_literal(j, seg->text, seg->len);
      break;
    case IR_SEG_ANY:
    case IR_SEG_ONE:
      jout_object_begin(j);
      jout_kv_string(j, "wildcard", seg->kind == IR_SEG_ANY ? "*" : "?");
      jout_object_end(j);
      break;
    }
  }
  jout_array_end(j);
}

static void write_value(JsonOut *j, const IrValue *value) {
  switch (value->kind) {
  case IR_VALUE_STRING:
    write_string_value(j, &value->string);
    break;
  case IR_VALUE_NUMBER:
    jout_key(j, "value");
    write_number(j, &value->number);
    break;
  case IR_VALUE_BOOL:
    jout_key(j, "value");
    jout_bool(j, value->boolean);
    break;
  case IR_VALUE_NULL:
    jout_key(j, "value");
    jout_null(j);
    break;
  }
}

static void write_regex_flags(JsonOut *j, unsigned flags) {
  if (!flags)
    return;
  char text[4];
  size_t n = 0;
  if (flags & IR_RE_IGNORECASE)
    text[n++] = 'i';
  if (flags & IR_RE_MULTILINE)
    text[n++] = 'm';
  if (flags & IR_RE_DOTALL)
    text[n++] = 's';
  text[n] = '\0';
  jout_kv_string(j, "flags", text);
}

static void write_query(JsonOut *j, const IrQuery *query);

/* EQL expressions: {"kind": ..., and the fields that kind uses}. */
static void write_expr(JsonOut *j, const IrExpr *e) {
  jout_object_begin(j);
  jout_kv_string(j, "kind", ir_expr_kind_name(e->kind));
  switch (e->kind) {
  case IR_EXPR_FIELD:
    jout_kv_string(j, "name", e->text);
    if (e->optional)
      jout_kv_bool(j, "optional", true);
    break;
  case IR_EXPR_STRING:
    jout_key(j, "value");
    write_literal(j, e->text, e->len);
    break;
  case IR_EXPR_NUMBER:
    jout_key(j, "value");
    write_number(j, &e->number);
    break;
  case IR_EXPR_BOOL:
    jout_kv_bool(j, "value", e->boolean);
    break;
  case IR_EXPR_CALL:
  case IR_EXPR_LINEAGE:
    jout_kv_string(j, "name", e->text);
    break;
  case IR_EXPR_ARITH:
  case IR_EXPR_COMPARE:
  case IR_EXPR_MATCH:
    jout_kv_string(j, "op", e->op);
    break;
  case IR_EXPR_NULL:
  case IR_EXPR_NEG:
  case IR_EXPR_IN:
  case IR_EXPR_AND:
  case IR_EXPR_OR:
  case IR_EXPR_NOT:
    break;
  }
  if (e->insensitive)
    jout_kv_bool(j, "insensitive", true);
  if (e->count) {
    jout_key(j, "args");
    jout_array_begin(j);
    for (size_t i = 0; i < e->count; i++)
      write_expr(j, e->args[i]);
    jout_array_end(j);
  }
  if (e->query) {
    jout_key(j, "query");
    write_query(j, e->query);
  }
  jout_object_end(j);
}

static void write_predicate(JsonOut *j, const IrPredicate *pred) {
  jout_kv_string(j, "field", pred->field);
  jout_kv_string(j, "match", ir_match_kind_name(pred->match));
  switch (pred->match) {
  case IR_MATCH_EQUALS:
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
    write_value(j, &pred->value);
    break;
  case IR_MATCH_REGEX:
    jout_kv_string(j, "regex", pred->pattern);
    write_regex_flags(j, pred->regex_flags);
    break;
  case IR_MATCH_CIDR:
    jout_kv_string(j, "cidr", pred->pattern);
    break;
  case IR_MATCH_FIELDREF:
    jout_kv_string(j, "ref", pred->pattern);
    if (pred->ref_anchor != IR_ANCHOR_WHOLE)
      jout_kv_string(j, "anchor", ir_anchor_name(pred->ref_anchor));
    break;
  case IR_MATCH_EXPR:
    jout_key(j, "expr");
    write_expr(j, pred->expr);
    break;
  case IR_MATCH_EXISTS:
  case IR_MATCH_NULL:
    break;
  }
  if (pred->lucene)
    jout_kv_bool(j, "lucene", true);
  if (pred->optional)
    jout_kv_bool(j, "optional", true);
  if (pred->script)
    jout_kv_bool(j, "script", true);
  if (pred->cased)
    jout_kv_bool(j, "cased", true);
  if (pred->free_text)
    jout_kv_bool(j, "free_text", true);
  if (pred->time_part != IR_TIME_NONE)
    jout_kv_string(j, "time_part", ir_time_part_name(pred->time_part));
}

static void write_node(JsonOut *j, const IrNode *node) {
  jout_object_begin(j);
  if (node->label)
    jout_kv_string(j, "label", node->label);
  switch (node->kind) {
  case IR_AND:
  case IR_OR:
    jout_key(j, ir_node_kind_name(node->kind));
    jout_array_begin(j);
    for (size_t i = 0; i < node->count; i++)
      write_node(j, node->children[i]);
    jout_array_end(j);
    break;
  case IR_NOT:
    jout_key(j, "not");
    write_node(j, node->children[0]);
    break;
  case IR_PRED:
    write_predicate(j, &node->pred);
    break;
  case IR_NESTED:
    jout_key(j, "nested");
    jout_object_begin(j);
    jout_kv_string(j, "path", node->path);
    jout_key(j, "where");
    write_node(j, node->children[0]);
    jout_object_end(j);
    break;
  }
  jout_object_end(j);
}

static void write_step(JsonOut *j, const IrStep *step) {
  jout_object_begin(j);
  jout_kv_string(j, "category", step->category);
  if (step->missing)
    jout_kv_bool(j, "missing", true);
  if (step->runs > 1)
    jout_kv_int(j, "runs", step->runs);
  write_strlist(j, "by", &step->by);
  jout_key(j, "where");
  write_node(j, step->where);
  jout_object_end(j);
}

static void write_query(JsonOut *j, const IrQuery *query) {
  jout_object_begin(j);
  jout_kv_string(j, "kind", ir_query_kind_name(query->kind));
  if (query->category)
    jout_kv_string(j, "category", query->category);
  switch (query->kind) {
  case IR_QUERY_EVENT:
    jout_key(j, "where");
    write_node(j, query->where);
    break;
  case IR_QUERY_SEQUENCE:
  case IR_QUERY_SAMPLE:
    write_strlist(j, "by", &query->by);
    if (query->maxspan_text)
      jout_kv_string(j, "maxspan", query->maxspan_text);
    jout_key(j, "steps");
    jout_array_begin(j);
    for (size_t i = 0; i < query->step_count; i++)
      write_step(j, &query->steps[i]);
    jout_array_end(j);
    if (query->until) {
      jout_key(j, "until");
      write_step(j, query->until);
    }
    break;
  }
  if (query->pipe_count) {
    jout_key(j, "pipes");
    jout_array_begin(j);
    for (size_t i = 0; i < query->pipe_count; i++) {
      jout_object_begin(j);
      jout_kv_string(j, "kind", ir_pipe_kind_name(query->pipes[i].kind));
      jout_kv_int(j, "count", query->pipes[i].count);
      jout_object_end(j);
    }
    jout_array_end(j);
  }
  jout_object_end(j);
}

static void write_data(JsonOut *j, const IrData *data) {
  switch (data->kind) {
  case IR_DATA_STRING:
    jout_string(j, data->text);
    break;
  case IR_DATA_NUMBER:
  case IR_DATA_BOOL:
    /* numbers and booleans keep the text the rule wrote */
    jout_object_begin(j);
    jout_kv_string(j, ir_data_kind_name(data->kind), data->text);
    jout_object_end(j);
    break;
  case IR_DATA_NULL:
    jout_null(j);
    break;
  case IR_DATA_LIST:
    jout_array_begin(j);
    for (size_t i = 0; i < data->count; i++)
      write_data(j, data->items[i]);
    jout_array_end(j);
    break;
  case IR_DATA_MAP:
    jout_object_begin(j);
    for (size_t i = 0; i < data->count; i++) {
      jout_key(j, data->entries[i].key);
      write_data(j, data->entries[i].value);
    }
    jout_object_end(j);
    break;
  }
}

static void write_custom(JsonOut *j, const IrEntry *entries, size_t count) {
  if (!count)
    return;
  jout_key(j, "custom");
  jout_object_begin(j);
  for (size_t i = 0; i < count; i++) {
    jout_key(j, entries[i].key);
    write_data(j, entries[i].value);
  }
  jout_object_end(j);
}

static void write_optional(JsonOut *j, const char *key, const char *value) {
  if (value)
    jout_kv_string(j, key, value);
}

static void write_meta(JsonOut *j, const IrMeta *m) {
  jout_key(j, "meta");
  jout_object_begin(j);
  write_optional(j, "title", m->title);
  write_optional(j, "id", m->id);
  write_optional(j, "name", m->name);
  write_optional(j, "status", m->status);
  write_optional(j, "description", m->description);
  write_optional(j, "license", m->license);
  write_optional(j, "author", m->author);
  write_optional(j, "date", m->date);
  write_optional(j, "modified", m->modified);
  write_optional(j, "level", m->level);
  write_optional(j, "taxonomy", m->taxonomy);
  write_strlist(j, "references", &m->references);
  write_strlist(j, "fields", &m->fields);
  write_strlist(j, "falsepositives", &m->falsepositives);
  write_strlist(j, "tags", &m->tags);
  write_strlist(j, "scope", &m->scope);
  if (m->related_count) {
    jout_key(j, "related");
    jout_array_begin(j);
    for (size_t i = 0; i < m->related_count; i++) {
      jout_object_begin(j);
      jout_kv_string(j, "id", m->related[i].id);
      jout_kv_string(j, "type", m->related[i].type);
      jout_object_end(j);
    }
    jout_array_end(j);
  }
  write_custom(j, m->custom, m->custom_count);
  jout_object_end(j);
}

static void write_logsource(JsonOut *j, const IrLogsource *l) {
  if (!l->product && !l->category && !l->service && !l->definition && !l->custom_count)
    return;
  jout_key(j, "logsource");
  jout_object_begin(j);
  write_optional(j, "product", l->product);
  write_optional(j, "category", l->category);
  write_optional(j, "service", l->service);
  write_optional(j, "definition", l->definition);
  write_custom(j, l->custom, l->custom_count);
  jout_object_end(j);
}

static void write_refs(JsonOut *j, const IrRuleRef *refs, size_t count) {
  jout_key(j, "rules");
  jout_array_begin(j);
  for (size_t i = 0; i < count; i++) {
    jout_object_begin(j);
    jout_kv_string(j, "ref", refs[i].text);
    if (refs[i].rule)
      jout_kv_string(j, "resolved",
                     refs[i].rule->meta.id ? refs[i].rule->meta.id : refs[i].rule->meta.name);
    jout_object_end(j);
  }
  jout_array_end(j);
}

static void write_correlation(JsonOut *j, const IrCorrelation *c) {
  jout_key(j, "correlation");
  jout_object_begin(j);
  jout_kv_string(j, "type", ir_correlation_kind_name(c->kind));
  write_refs(j, c->rules, c->rule_count);
  write_strlist(j, "group_by", &c->group_by);
  jout_kv_string(j, "timespan", c->timespan_text);
  jout_kv_int(j, "timespan_seconds", c->timespan_seconds);
  if (c->threshold_count) {
    jout_key(j, "condition");
    jout_object_begin(j);
    for (size_t i = 0; i < c->threshold_count; i++) {
      jout_key(j, ir_compare_kind_name(c->thresholds[i].op));
      write_number(j, &c->thresholds[i].number);
    }
    jout_object_end(j);
  }
  write_strlist(j, "condition_fields", &c->condition_fields);
  write_optional(j, "percentile", c->percentile);
  write_optional(j, "expression", c->expression);
  if (c->alias_count) {
    jout_key(j, "aliases");
    jout_object_begin(j);
    for (size_t i = 0; i < c->alias_count; i++) {
      jout_key(j, c->aliases[i].name);
      jout_object_begin(j);
      for (size_t k = 0; k < c->aliases[i].count; k++)
        jout_kv_string(j, c->aliases[i].fields[k].rule, c->aliases[i].fields[k].field);
      jout_object_end(j);
    }
    jout_object_end(j);
  }
  if (c->generate)
    jout_kv_bool(j, "generate", true);
  jout_object_end(j);
}

static void write_rule(JsonOut *j, const IrRule *rule) {
  jout_object_begin(j);
  jout_kv_string(j, "kind", ir_rule_kind_name(rule->kind));
  jout_kv_string(j, "origin", ir_language_name(rule->origin));
  jout_kv_string(j, "source", rule->src ? rule->src->path : NULL);
  jout_kv_int(j, "document", (long long)rule->document);
  if (rule->datamodel)
    jout_kv_string(j, "datamodel", rule->datamodel);
  write_meta(j, &rule->meta);
  write_logsource(j, &rule->logsource);
  if (rule->query_count) {
    jout_key(j, "queries");
    jout_array_begin(j);
    for (size_t i = 0; i < rule->query_count; i++)
      write_query(j, rule->queries[i]);
    jout_array_end(j);
  }
  if (rule->correlation)
    write_correlation(j, rule->correlation);
  if (rule->filter) {
    jout_key(j, "filter");
    jout_object_begin(j);
    write_refs(j, rule->filter->rules, rule->filter->rule_count);
    jout_key(j, "where");
    write_node(j, rule->filter->where);
    jout_object_end(j);
  }
  jout_object_end(j);
}

void ir_json_write(const IrRuleSet *rules, StrBuf *out) {
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_kv_int(&j, "sigmac_ir", 1);
  jout_key(&j, "rules");
  jout_array_begin(&j);
  for (size_t i = 0; i < rules->count; i++)
    write_rule(&j, rules->rules[i]);
  jout_array_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
}
