/* Running rules over events: which events each rule matches. */
#ifndef SIGMAC_EVAL_EVALUATE_H
#define SIGMAC_EVAL_EVALUATE_H

#include "eval/event.h"
#include "eval/sequence.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct RuleResult {
  const IrRule *rule;
  Chains matches;        /* one event each for an event query; a sequence's or sample's events */
  bool evaluated;        /* false: the rule could not be run (diagnostics say why) */
  bool tried;            /* correlations: evaluation was attempted */
} RuleResult;

/* Evaluates every detection rule of rules over events, with the semantics of the rule's language;
 * fields names the category, time and tiebreaker fields (NULL: eval_default_fields), limits the
 * size and samples per key of EQL results (NULL: search_default_limits).
 * Sigma rules read EVTX-rendered events by their own field names and ECS events through mapping
 * (may be NULL). Returns one result per detection rule, *count of them, in the arena. */
RuleResult *eval_rules(Arena *arena, DiagSink *diags, const IrRuleSet *rules,
                       const Mapping *mapping, const EvalFields *fields,
                       const SearchLimits *limits, const EventSet *events,
                       size_t *count);

#endif
