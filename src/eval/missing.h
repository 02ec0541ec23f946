/* Missing-event steps of EQL sequences ('![...]'): which sequences the positive steps completed
 * survive them, and where the missing steps sit in each result. */
#ifndef SIGMAC_EVAL_MISSING_H
#define SIGMAC_EVAL_MISSING_H

#include "eval/sequence.h"

/* For each sequence of completed (events of the positive steps only, in order), checks the
 * query's missing steps against events (in time order) and appends the survivors to out, with a
 * NULL entry for each missing step (runs included). Without missing steps, copies completed. */
void missing_filter(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                    const Chains *completed, Chains *out);

#endif
