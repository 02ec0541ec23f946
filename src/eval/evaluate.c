/* Rules over events in time order: event queries here, sequences and samples in sequence.c,
 * head and tail on the results; then Sigma correlations (correlate.c) over the matches of the
 * rules they reference. */
#include "eval/evaluate.h"

#include <string.h>

#include "eval/correlate.h"
#include "eval/logsource.h"
#include "eval/match.h"
#include "eval/timeline.h"

bool eval_runnable(DiagSink *diags, const IrRule *rule) {
  for (size_t i = 0; i < rule->query_count; i++)
    if (rule->queries[i]->endgame) {
      diag_report(diags, DIAG_ERROR, rule->src, (Span){rule->span.start, rule->span.start + 1},
                  "eval-unsupported", "%s is Endgame EQL, which is not evaluated",
                  rule->queries[i]->endgame);
      return false;
    }
  return true;
}

bool eval_event_matches(Matcher *m, const IrRule *rule, const Event *event) {
  if (rule->origin == IR_LANG_SIGMA) { /* a rule is only tried on its logsource's events */
    if (!m->logsource_test)
      m->logsource_test = logsource_test(m->arena, rule, m->mapping);
    if (!logsource_applies(m->logsource_test, event))
      return false;
  }
  for (size_t q = 0; q < rule->query_count; q++) {
    const IrQuery *query = rule->queries[q];
    bool category_ok =
        rule->origin == IR_LANG_SIGMA || event_in_category(event, query->category, m->fields);
    if (category_ok && match_node(m, query->where, event) == T_TRUE)
      return true;
  }
  return false;
}

static void run_events(Matcher *m, const IrRule *rule, const Event *const *order, size_t count,
                       Chains *out) {
  for (size_t e = 0; e < count && !m->failed; e++)
    if (eval_event_matches(m, rule, order[e]))
      chains_push(m->arena, out, &order[e], 1, NULL);
  chains_limit(out, rule->query_count == 1 ? rule->queries[0] : NULL, m->limits);
}

void eval_matcher_for(Matcher *m, Arena *arena, DiagSink *diags, const IrRule *rule,
                      const Mapping *mapping, const EvalFields *fields,
                      const SearchLimits *limits) {
  matcher_init(m, arena, diags, rule->origin == IR_LANG_SIGMA);
  m->fields = fields ? fields : &eval_default_fields;
  m->src = rule->src;
  if (limits)
    m->limits = limits;
  if (rule->origin == IR_LANG_SIGMA) {
    m->mapping = mapping;
    m->logsource = &rule->logsource;
  }
}

static void run_rule(Arena *arena, DiagSink *diags, const Mapping *mapping,
                     const EvalFields *fields, const SearchLimits *limits,
                     const Event *const *order, size_t count, RuleResult *result) {
  const IrRule *rule = result->rule;
  if (!eval_runnable(diags, rule))
    return;
  Matcher m;
  eval_matcher_for(&m, arena, diags, rule, mapping, fields, limits);
  const IrQuery *q = rule->queries[0];
  bool ok = true;
  if (q->kind == IR_QUERY_EVENT)
    run_events(&m, rule, order, count, &result->matches);
  else
    ok = sequence_run(&m, q, order, count, &result->matches);
  result->evaluated = ok && !m.failed;
  result->state_peak = m.sequence_state_peak;
}

/* Whether every correlation a correlation references has been evaluated (or tried). */
static bool references_ready(const RuleResult *results, size_t count, const IrRule *rule) {
  const IrCorrelation *corr = rule->correlation;
  for (size_t r = 0; r < corr->rule_count; r++) {
    const IrRule *ref = corr->rules[r].rule;
    if (!ref || ref->kind != IR_RULE_CORRELATION)
      continue;
    for (size_t i = 0; i < count; i++)
      if (results[i].rule == ref && !results[i].tried)
        return false;
  }
  return true;
}

void eval_correlations(Arena *arena, DiagSink *diags, const Mapping *mapping,
                       const EvalFields *fields, RuleResult *results, size_t count) {
  /* after the rules they reference; one that references another waits for it */
  bool progress = true;
  while (progress) {
    progress = false;
    for (size_t i = 0; i < count; i++) {
      RuleResult *result = &results[i];
      if (result->rule->kind != IR_RULE_CORRELATION || result->evaluated || result->tried ||
          !references_ready(results, count, result->rule))
        continue;
      correlate_run(arena, diags, mapping, fields, results, count, result);
      result->tried = progress = true;
    }
  }
  for (size_t i = 0; i < count; i++)
    if (results[i].rule->kind == IR_RULE_CORRELATION && !results[i].tried)
      diag_report(diags, DIAG_ERROR, results[i].rule->src,
                  (Span){results[i].rule->span.start, results[i].rule->span.start + 1},
                  "eval-unsupported",
                  "this correlation references a correlation that could not be evaluated (or "
                  "itself, through others)");
}

RuleResult *eval_rules(Arena *arena, DiagSink *diags, const IrRuleSet *rules,
                       const Mapping *mapping, const EvalFields *fields, const SearchLimits *limits,
                       const EventSet *events, size_t *count) {
  RuleResult *results = arena_array(arena, rules->count + 1, sizeof(RuleResult));
  if (!fields)
    fields = &eval_default_fields;
  const Event **order = events_in_time_order(arena, events, fields);
  *count = 0;
  for (size_t i = 0; i < rules->count; i++) {
    const IrRule *rule = rules->rules[i];
    if (rule->kind == IR_RULE_FILTER)
      continue;
    RuleResult *result = &results[(*count)++];
    result->rule = rule;
    if (rule->kind != IR_RULE_CORRELATION)
      run_rule(arena, diags, mapping, fields, limits, order, events->count, result);
  }
  eval_correlations(arena, diags, mapping, fields, results, *count);
  return results;
}
