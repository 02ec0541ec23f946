/* Sigma correlation rules over the matches of the rules they reference (Sigma specification,
 * correlation rules; docs/evaluation.md has the exact semantics sigmac gives them). */
#ifndef SIGMAC_EVAL_CORRELATE_H
#define SIGMAC_EVAL_CORRELATE_H

#include "eval/evaluate.h"

/* Evaluates the correlation rule of result (result->rule) from the results of every rule, and
 * fills result->matches with one chain per correlation hit: the events that made it, in time
 * order. Referenced correlations must have been evaluated (results[i].evaluated) before; a
 * reference to a rule that could not be evaluated leaves this one unevaluated, with a
 * diagnostic. */
void correlate_run(Arena *arena, DiagSink *diags, const Mapping *mapping, const EvalFields *fields,
                   RuleResult *results, size_t count, RuleResult *result);

#endif
