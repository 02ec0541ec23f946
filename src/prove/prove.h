/* `sigmac prove`: for each rule and each target, the query the backend writes is parsed back with
 * the target's front end and evaluated with the target's semantics, next to the rule itself with
 * Sigma's, over the events given and over probe events made from the rule (probe.h). Where the
 * two disagree on an event, the translation does not mean what the rule means; the smallest such
 * event is kept as the witness.
 *
 * Field names: the rule reads events in its own taxonomy (EVTX-rendered events) or in ECS through
 * the mapping; the target reads ECS. An EVTX event is shown to the target as the mapping would
 * have written it: the rule's fields renamed, and the mapped event category and conditions added
 * when the rule's logsource applies to the event. Probes are made in ECS names. */
#ifndef SIGMAC_PROVE_PROVE_H
#define SIGMAC_PROVE_PROVE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "emit/emit.h"
#include "eval/event.h"

#define PROVE_VERDICTS(X)                                                                          \
  X(PROVE_PROVEN, "proven")             /* the same on every event */                              \
  X(PROVE_CASE_ONLY, "differs-by-case") /* only where letter case differs, as the conversion       \
                                           warned (the target cannot match case-insensitively) */  \
  X(PROVE_DIVERGES, "diverges")         /* an unexplained difference: a defect */                  \
  X(PROVE_REFUSED, "refused")           /* the backend refused the rule, saying why */             \
  X(PROVE_NOT_EVALUATED, "not-evaluated")

typedef enum ProveVerdict {
#define X(kind, name) kind,
  PROVE_VERDICTS(X)
#undef X
} ProveVerdict;

const char *prove_verdict_name(ProveVerdict verdict);

typedef struct ProveResult {
  const IrRule *rule;
  const char *target;
  ProveVerdict verdict;
  const char *reason; /* refused, not evaluated, diverges: why (with the check id) */
  const char *query;  /* what the backend wrote, when it wrote something */
  size_t given;       /* given events compared */
  size_t probes;      /* probe events compared */
  size_t differing;   /* events on which the rule and the query disagree */
  size_t matched;     /* events the rule matched (correlations: scenarios it fired on); a proof
                         over none shows little */
  size_t scenarios;   /* correlations: the scenarios compared (scenario.h) */
  char *example;      /* the smallest of them, as compact JSON (arena), or NULL */
  bool example_matches_rule; /* whether the rule matched the example (the query did not) */
} ProveResult;

/* A target and how rules reach it: the mapping the conversion uses (also to show events and
 * probes in the target's names) and the run's rules after it, index for index. */
typedef struct ProveTarget {
  const char *name; /* eql, kql, spl */
  const Mapping *mapping;
  const IrRuleSet *mapped;
} ProveTarget;

typedef struct ProveInput {
  const IrRuleSet *rules; /* as compiled (filters applied) */
  const EmitMeta *meta;
  const EventSet *events; /* given events; may be empty */
  const ProveTarget *targets;
  size_t target_count;
  size_t probe_limit; /* probes per rule */
  /* called after each rule with the rules done, their count and the rule's file; may be NULL */
  void (*progress)(void *user, const char *stage, size_t done, size_t total, const char *item);
  void *progress_user;
} ProveInput;

/* One result per standalone rule and target, in rule order. */
ProveResult *prove_run(Arena *arena, const ProveInput *input, size_t *count);

#endif
