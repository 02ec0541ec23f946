/* Running rules over events: which events each rule matches. */
#ifndef SIGMAC_EVAL_EVALUATE_H
#define SIGMAC_EVAL_EVALUATE_H

#include "eval/event.h"
#include "eval/sequence.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct RuleResult {
  const IrRule *rule;
  Chains matches;    /* one event each for an event query; a sequence's or sample's events */
  bool evaluated;    /* false: the rule could not be run (diagnostics say why) */
  bool tried;        /* correlations: evaluation was attempted */
  size_t state_peak; /* sequences: the most join keys held at once (bounded by maxspan) */
} RuleResult;

/* Evaluates every detection rule of rules over events, with the semantics of the rule's language;
 * fields names the category, time and tiebreaker fields (NULL: eval_default_fields), limits the
 * size and samples per key of EQL results (NULL: search_default_limits).
 * Sigma rules read EVTX-rendered events by their own field names and ECS events through mapping
 * (may be NULL). Returns one result per detection rule, *count of them, in the arena. */
RuleResult *eval_rules(Arena *arena, DiagSink *diags, const IrRuleSet *rules,
                       const Mapping *mapping, const EvalFields *fields, const SearchLimits *limits,
                       const EventSet *events, size_t *count);

/* The pieces eval_rules() is made of, for the streaming evaluator (stream.c): */

/* False (with a diagnostic) when the rule uses what cannot be evaluated (Endgame EQL). */
bool eval_runnable(DiagSink *diags, const IrRule *rule);

/* A matcher set up for rule: its language's semantics, the mapping for a Sigma rule. */
void eval_matcher_for(Matcher *m, Arena *arena, DiagSink *diags, const IrRule *rule,
                      const Mapping *mapping, const EvalFields *fields, const SearchLimits *limits);

/* Whether one event matches a detection rule of event queries: any of its queries (a Sigma
 * condition list is an OR), in the query's event category for EQL. */
bool eval_event_matches(Matcher *m, const IrRule *rule, const Event *event);

/* Evaluates the correlation rules among results from the matches of the others (each after the
 * correlations it references). */
void eval_correlations(Arena *arena, DiagSink *diags, const Mapping *mapping,
                       const EvalFields *fields, RuleResult *results, size_t count);

#endif
