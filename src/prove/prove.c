/* The prover (prove.h). */
#include "prove/prove.h"

#include <string.h>

#include "base/source.h"
#include "eql/eql.h"
#include "eval/evaluate.h"
#include "eval/logsource.h"
#include "eval/match.h"
#include "ir/ir_build.h"
#include "kql/kql.h"
#include "prove/probe.h"
#include "prove/scenario.h"
#include "spl/spl.h"

#define X(kind, name) [kind] = name,
static const char *const verdict_names[] = {PROVE_VERDICTS(X)};
#undef X

const char *prove_verdict_name(ProveVerdict verdict) { return verdict_names[verdict]; }

static void free_json(void *v) { json_decref(v); }

/* The first error of a sink as "message [id]". */
static const char *first_error(Arena *arena, const DiagSink *sink) {
  for (size_t i = 0; i < sink->count; i++)
    if (sink->items[i].severity == DIAG_ERROR)
      return arena_printf(arena, "%s [%s]", sink->items[i].message,
                          sink->items[i].check_id ? sink->items[i].check_id : "error");
  return "no reason given";
}

static bool warned(const DiagSink *sink, const char *check_id) {
  for (size_t i = 0; i < sink->count; i++)
    if (sink->items[i].check_id && strcmp(sink->items[i].check_id, check_id) == 0)
      return true;
  return false;
}

/* The query parsed back with the target's front end: one rule, or NULL (reason set). */
/* The query written for target, parsed back into *set: one rule, or (SPL) a correlation last
 * after the searches it correlates. Returns that last rule, or NULL with the reason. */
static const IrRule *parse_back(Arena *arena, const char *target, const char *text,
                                const Mapping *mapping, IrRuleSet *set, const char **reason) {
  DiagSink sink;
  diag_sink_init(&sink, arena);
  Source *src =
      source_from_text(arena, arena_printf(arena, "<%s query>", target), text, strlen(text));
  *set = (IrRuleSet){0};
  if (strcmp(target, "eql") == 0)
    eql_compile(arena, src, NULL, &sink, set);
  else if (strcmp(target, "kql") == 0)
    kql_compile(arena, src, NULL, mapping ? mapping->ecs : NULL, &sink, set);
  else
    spl_compile(arena, src, &sink, set);
  bool one = set->count == 1 ||
             (set->count > 1 && set->rules[set->count - 1]->kind == IR_RULE_CORRELATION);
  if (sink.errors || !one) {
    *reason = arena_printf(arena, "the %s written does not parse back as one query: %s", target,
                           first_error(arena, &sink));
    return NULL;
  }
  return set->rules[set->count - 1];
}

/* The fields a tree reads. */
static void fields_of(Arena *arena, const IrNode *node, IrStrList *out) {
  if (node->kind == IR_PRED) {
    const char *f = node->pred.field;
    for (size_t i = 0; f && i < out->count; i++)
      if (strcmp(out->items[i], f) == 0)
        return;
    if (f) {
      out->items = arena_push_slot(arena, out->items, out->count, sizeof(char *));
      out->items[out->count++] = f;
    }
    return;
  }
  for (size_t i = 0; i < node->count; i++)
    fields_of(arena, node->children[i], out);
}

/* An EVTX event as the mapping shows it to the target: the rule's fields under the target's
 * names, and the logsource's category and conditions when the rule applies to the event. */
static json_t *target_view(Arena *arena, const Mapping *mapping, const IrRule *rule,
                           const LogsourceTest *test, const Event *event) {
  json_t *view = json_object();
  IrStrList fields = {NULL, 0};
  for (size_t q = 0; q < rule->query_count; q++)
    fields_of(arena, rule->queries[q]->where, &fields);
  for (size_t i = 0; i < fields.count; i++) {
    json_t *v = event_field(event, fields.items[i], true);
    const char *name = mapping_field(arena, mapping, &rule->logsource, fields.items[i]);
    if (v)
      json_object_set(view, name ? name : fields.items[i], v);
  }
  if (logsource_applies(test, event)) {
    const MapLogsource *row = mapping_logsource(mapping, &rule->logsource);
    if (row && row->eql_category && strcmp(row->eql_category, "any") != 0)
      json_object_set_new(view, "event.category", json_pack("[s]", row->eql_category));
    for (size_t c = 0; row && c < row->condition_count; c++)
      if (row->conditions[c].values.count)
        json_object_set_new(view, row->conditions[c].field,
                            json_string(row->conditions[c].values.items[0]));
  }
  return view;
}

/* The rule with every string match made case-sensitive: what a target that cannot fold case
 * means by it. */
static void make_cased(IrNode *node) {
  if (node->kind == IR_PRED) {
    IrMatchKind k = node->pred.match;
    if (k == IR_MATCH_EQUALS || k == IR_MATCH_CONTAINS || k == IR_MATCH_STARTSWITH ||
        k == IR_MATCH_ENDSWITH || k == IR_MATCH_WILDCARD)
      node->pred.cased = true;
    return;
  }
  for (size_t i = 0; i < node->count; i++)
    make_cased(node->children[i]);
}

static IrRule *cased_copy(Arena *arena, const IrRule *rule) {
  IrRule *copy = arena_alloc(arena, sizeof *copy);
  *copy = *rule;
  copy->queries = arena_array(arena, rule->query_count, sizeof(IrQuery *));
  for (size_t q = 0; q < rule->query_count; q++) {
    IrQuery *query = arena_alloc(arena, sizeof *query);
    *query = *rule->queries[q];
    query->where = ir_clone(arena, query->where);
    make_cased(query->where);
    copy->queries[q] = query;
  }
  return copy;
}

typedef struct Comparison {
  Arena *arena;
  const IrRule *rule, *cased, *query;
  Matcher rule_m, cased_m, query_m;
  bool case_warned;
  ProveResult *result;
  size_t explained;
  const Source *probe_src;
} Comparison;

/* One event: the rule on its own view, the query on the target's view. */
static void compare(Comparison *c, json_t *rule_view, json_t *query_view, const Source *src,
                    size_t line) {
  Event rule_event = {.root = rule_view, .src = src, .line = line};
  Event query_event = {.root = query_view, .src = src, .line = line};
  event_ready(&rule_event, NULL);
  event_ready(&query_event, NULL);
  bool by_rule = eval_event_matches(&c->rule_m, c->rule, &rule_event);
  bool by_query = eval_event_matches(&c->query_m, c->query, &query_event);
  c->result->matched += by_rule;
  if (by_rule == by_query)
    return;
  if (c->case_warned && eval_event_matches(&c->cased_m, c->cased, &rule_event) == by_query) {
    c->explained++;
    return;
  }
  c->result->differing++;
  char *dump = json_dumps(query_view, JSON_COMPACT | JSON_SORT_KEYS);
  if (dump && (!c->result->example || strlen(dump) < strlen(c->result->example))) {
    c->result->example = arena_strdup(c->arena, dump);
    c->result->example_matches_rule = by_rule;
  }
  free(dump);
}

/* The rule (index i of the run) written for target t and parsed back with the target's front
 * end, its warnings and errors into sink; or NULL with the verdict set: refused (the backend's
 * reason) or diverges (what it wrote does not parse). */
static const IrRule *translate_noting(Arena *arena, const ProveInput *in, size_t i,
                                      const ProveTarget *t, ProveResult *result, DiagSink *sink,
                                      IrRuleSet *parsed) {
  EmitCtx ctx = {arena, sink, t->mapping, in->rules, t->mapped, in->meta, false, 0, 0, 0, 0};
  StrBuf text = STRBUF_INIT;
  bool written = emit_backend(t->name)->query(&ctx, i, &text);
  result->query = written ? arena_strdup(arena, sb_text(&text)) : NULL;
  sb_free(&text);
  if (!written) {
    result->verdict = PROVE_REFUSED;
    result->reason = first_error(arena, sink);
    return NULL;
  }
  const IrRule *query =
      parse_back(arena, t->name, result->query, t->mapping, parsed, &result->reason);
  if (!query)
    result->verdict = PROVE_DIVERGES;
  return query;
}

static const IrRule *translate(Arena *arena, const ProveInput *in, size_t i, const ProveTarget *t,
                               ProveResult *result, IrRuleSet *parsed) {
  DiagSink sink;
  diag_sink_init(&sink, arena);
  return translate_noting(arena, in, i, t, result, &sink, parsed);
}

/* The index in the run of a referenced rule (the run holds copies with filters applied). */
static size_t index_of(const IrRuleSet *rules, const IrRule *ref) {
  for (size_t i = 0; i < rules->count; i++)
    if (rules->rules[i] == ref ||
        (rules->rules[i]->src == ref->src && rules->rules[i]->document == ref->document))
      return i;
  return rules->count;
}

/* A probe of a referenced rule's mapped query that the rule itself matches, or NULL. */
static json_t *witness_of(Arena *arena, const ProveInput *in, const ProveTarget *t, size_t r) {
  const IrRule *ref = in->rules->rules[r], *mapped = t->mapped->rules[r];
  if (ref->kind != IR_RULE_DETECTION || mapped->query_count != 1 ||
      mapped->queries[0]->kind != IR_QUERY_EVENT)
    return NULL;
  DiagSink sink;
  diag_sink_init(&sink, arena);
  Matcher m;
  eval_matcher_for(&m, arena, &sink, ref, t->mapping, NULL, NULL);
  ProbeSet probes =
      probe_events(arena, mapped->queries[0], t->mapping ? t->mapping->ecs : NULL, NULL, 200);
  for (size_t p = 0; p < probes.count; p++) {
    Event e = {.root = probes.events[p]};
    event_ready(&e, NULL);
    if (eval_event_matches(&m, ref, &e))
      return probes.events[p];
  }
  return NULL;
}

/* Whether rule (of rules, with mapping for Sigma) fires on the scenario's events. */
static bool fires(Arena *arena, DiagSink *sink, const IrRuleSet *rules, const IrRule *rule,
                  const Mapping *mapping, const Scenario *s) {
  EventSet events = {0};
  events.events = arena_array(arena, s->count, sizeof(Event));
  static Source scenario_src = {"<scenario>", "", 0, NULL, 0, 0};
  for (size_t k = 0; k < s->count; k++) {
    Event *e = &events.events[events.count];
    *e = (Event){.root = s->events[k], .src = &scenario_src, .line = k + 1, .index = k};
    event_ready(e, NULL);
    events.count++;
  }
  size_t count;
  RuleResult *results = eval_rules(arena, sink, rules, mapping, NULL, NULL, &events, &count);
  for (size_t r = 0; r < count; r++)
    if (results[r].rule == rule)
      return results[r].matches.count > 0;
  return false;
}

/* A correlation against its translation: both must fire, or both stay silent, on each scenario
 * made from its referenced rules' witnesses (scenario.h). */
static void prove_correlation(Arena *arena, const ProveInput *in, size_t i, const ProveTarget *t,
                              ProveResult *result) {
  const IrRule *rule = in->rules->rules[i];
  const IrCorrelation *c = rule->correlation;
  IrRuleSet parsed; /* the query, and for SPL the searches it correlates */
  const IrRule *query = translate(arena, in, i, t, result, &parsed);
  if (!query)
    return;
  json_t **witnesses = arena_array(arena, c->rule_count + 1, sizeof(json_t *));
  for (size_t k = 0; k < c->rule_count; k++) {
    size_t r = c->rules[k].rule ? index_of(in->rules, c->rules[k].rule) : in->rules->count;
    witnesses[k] = r < in->rules->count ? witness_of(arena, in, t, r) : NULL;
    if (!witnesses[k]) {
      result->verdict = PROVE_NOT_EVALUATED;
      result->reason = arena_printf(arena,
                                    "no event was found that the referenced rule '%s' matches, "
                                    "to build the correlation's scenarios from",
                                    c->rules[k].text);
      return;
    }
  }
  ScenarioSet scenarios = scenarios_for(arena, rule, t->mapping, witnesses);
  DiagSink eval_sink;
  diag_sink_init(&eval_sink, arena);
  for (size_t k = 0; k < scenarios.count; k++) {
    const Scenario *s = &scenarios.items[k];
    bool by_rule = fires(arena, &eval_sink, in->rules, rule, t->mapping, s);
    bool by_query = fires(arena, &eval_sink, &parsed, query, NULL, s);
    result->probes += s->count;
    result->scenarios++;
    result->matched += by_rule;
    if (by_rule == by_query)
      continue;
    result->differing++;
    if (!result->example) {
      json_t *list = json_array();
      for (size_t e = 0; e < s->count; e++)
        json_array_append(list, s->events[e]);
      char *dump = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
      result->example = arena_printf(arena, "%s", dump ? dump : "[]");
      result->reason =
          arena_printf(arena, "on the scenario '%s' the %s fires and the %s does not", s->name,
                       by_rule ? "rule" : "query", by_rule ? "query" : "rule");
      result->example_matches_rule = by_rule;
      free(dump);
      json_decref(list);
    }
  }
  if (eval_sink.errors) {
    result->verdict = PROVE_NOT_EVALUATED;
    result->reason = first_error(arena, &eval_sink);
  } else {
    result->verdict = result->differing ? PROVE_DIVERGES : PROVE_PROVEN;
  }
}

/* Compares the rule (index i of the run) with the query written for target. */
static void prove_one(Arena *arena, const ProveInput *in, size_t i, const ProveTarget *t,
                      ProveResult *result) {
  const char *target = t->name;
  const Mapping *mapping = t->mapping;
  const IrRule *rule = in->rules->rules[i], *mapped = t->mapped->rules[i];
  result->rule = rule;
  result->target = target;
  if (rule->kind == IR_RULE_CORRELATION && rule->origin == IR_LANG_SIGMA) {
    prove_correlation(arena, in, i, t, result);
    return;
  }
  if (rule->kind != IR_RULE_DETECTION || rule->origin != IR_LANG_SIGMA) {
    result->verdict = PROVE_NOT_EVALUATED;
    result->reason = "only Sigma rules are proven against their translations";
    return;
  }
  for (size_t q = 0; q < rule->query_count; q++)
    if (rule->queries[q]->kind != IR_QUERY_EVENT) {
      result->verdict = PROVE_NOT_EVALUATED;
      result->reason = "only single-event rules are compared";
      return;
    }
  DiagSink sink; /* the conversion's warnings: which differences it announced */
  diag_sink_init(&sink, arena);
  IrRuleSet parsed;
  const IrRule *query = translate_noting(arena, in, i, t, result, &sink, &parsed);
  if (!query)
    return;
  DiagSink eval_sink;
  diag_sink_init(&eval_sink, arena);
  Comparison c = {.arena = arena, .rule = rule, .cased = cased_copy(arena, rule), .query = query};
  c.case_warned = warned(&sink, "kql-case-sensitive");
  c.result = result;
  eval_matcher_for(&c.rule_m, arena, &eval_sink, rule, mapping, NULL, NULL);
  eval_matcher_for(&c.cased_m, arena, &eval_sink, c.cased, mapping, NULL, NULL);
  eval_matcher_for(&c.query_m, arena, &eval_sink, query, NULL, NULL, NULL);
  const LogsourceTest *test = logsource_test(arena, rule, mapping);
  for (size_t e = 0; in->events && e < in->events->count; e++) {
    const Event *given = &in->events->events[e];
    json_t *view = given->facts.evtx ? target_view(arena, mapping, rule, test, given)
                                     : json_incref(given->root);
    arena_on_free(arena, free_json, view);
    compare(&c, given->root, view, given->src, given->line);
    result->given++;
  }
  Source *probe_src = source_from_text(arena, "<probe>", "", 0);
  const MapLogsource *row = mapping ? mapping_logsource(mapping, &rule->logsource) : NULL;
  IrStrList fixed = {NULL, 0};
  for (size_t k = 0; row && k < row->condition_count; k++) {
    fixed.items = arena_push_slot(arena, fixed.items, fixed.count, sizeof(char *));
    fixed.items[fixed.count++] = row->conditions[k].field;
  }
  for (size_t q = 0; q < mapped->query_count; q++) {
    ProbeSet probes = probe_events(arena, mapped->queries[q], mapping ? mapping->ecs : NULL, &fixed,
                                   in->probe_limit / mapped->query_count);
    for (size_t p = 0; p < probes.count; p++)
      compare(&c, probes.events[p], probes.events[p], probe_src, p + 1);
    result->probes += probes.count;
  }
  if (c.rule_m.failed || c.query_m.failed || eval_sink.errors) {
    result->verdict = PROVE_NOT_EVALUATED;
    result->reason = first_error(arena, &eval_sink);
  } else if (result->differing) {
    result->verdict = PROVE_DIVERGES;
    result->reason = result->example_matches_rule ? "the rule matches an event the query does not"
                                                  : "the query matches an event the rule does not";
  } else if (c.explained) {
    result->verdict = PROVE_CASE_ONLY;
    result->differing = c.explained;
    result->reason = "KQL matches keyword fields case-sensitively, as the conversion warned "
                     "[kql-case-sensitive]";
  } else {
    result->verdict = PROVE_PROVEN;
  }
}

ProveResult *prove_run(Arena *arena, const ProveInput *in, size_t *count) {
  ProveResult *results =
      arena_array(arena, in->rules->count * in->target_count + 1, sizeof(ProveResult));
  *count = 0;
  for (size_t i = 0; i < in->rules->count; i++) {
    if (in->rules->rules[i]->kind == IR_RULE_FILTER)
      continue;
    for (size_t t = 0; t < in->target_count; t++) {
      /* probes, matchers and parsed queries die with the comparison: a corpus takes gigabytes
         otherwise; what the report shows is copied out */
      Arena scratch;
      arena_init(&scratch);
      ProveResult *r = &results[(*count)++];
      prove_one(&scratch, in, i, &in->targets[t], r);
      r->reason = r->reason ? arena_strdup(arena, r->reason) : NULL;
      r->query = r->query ? arena_strdup(arena, r->query) : NULL;
      r->example = r->example ? arena_strdup(arena, r->example) : NULL;
      arena_free(&scratch);
    }
    const IrRule *rule = in->rules->rules[i];
    if (in->progress)
      in->progress(in->progress_user, "proving", i + 1, in->rules->count,
                   rule->src ? rule->src->path : "");
  }
  return results;
}
