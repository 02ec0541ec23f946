/* EQL sequences and samples over events, as Elasticsearch matches them. */
#ifndef SIGMAC_EVAL_SEQUENCE_H
#define SIGMAC_EVAL_SEQUENCE_H

#include "eval/keys.h"
#include "eval/match.h"

/* A matched sequence or sample: its events, step by step (a step with runs=N is N entries). A
 * missing-event step ('![...]') has a NULL entry. */
typedef struct Chain {
  const Event **events;
  size_t count;
  const JoinKey *key; /* the join key the chain was matched under */
} Chain;

typedef struct Chains {
  Chain *items;
  size_t count;
  size_t capacity; /* grown by doubling */
} Chains;

/* Runs a sequence or sample query over events already in time order (eval timeline.h); head and
 * tail pipes applied. False when the matcher failed (a regex hit its limit; it has reported). */
bool sequence_run(Matcher *m, const IrQuery *query, const Event *const *events, size_t count,
                  Chains *out);

/* Samples (sample.c): per join key, in key order, sets of events one per step. */
void sample_run(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                Chains *out);

/* Appends a chain of count events to out (the events are copied). */
void chains_push(Arena *arena, Chains *out, const Event *const *events, size_t count,
                 const JoinKey *key);

/* head / tail pipes of q (may be NULL), then the request's size (limits may be NULL), on results
 * in time order. */
void chains_limit(Chains *out, const IrQuery *q, const SearchLimits *limits);

/* Whether event is in the step's category and satisfies its condition. */
bool step_matches(Matcher *m, const IrStep *step, const Event *event);

#endif
