/* EQL sequences and samples over events, as Elasticsearch matches them. */
#ifndef SIGMAC_EVAL_SEQUENCE_H
#define SIGMAC_EVAL_SEQUENCE_H

#include "eval/match.h"

/* A matched sequence or sample: its events, step by step. */
typedef struct Chain {
  const Event **events;
  size_t count;
} Chain;

typedef struct Chains {
  Chain *items;
  size_t count;
} Chains;

/* Runs a sequence or sample query over events already in time order; head/tail pipes applied.
 * False (with a diagnostic at rule) when the query uses what is not evaluated yet. */
bool sequence_run(Matcher *m, const IrRule *rule, const IrQuery *query, const Event *const *events,
                  size_t count, Chains *out);

/* Events in time order: by @timestamp (ISO-8601 text, or epoch milliseconds), ties and events
 * without one in input order. */
const Event **events_in_time_order(Arena *arena, const EventSet *events, const EvalFields *fields);

/* An event's time in milliseconds (ISO-8601 text, a number, or a string holding one), or 0
 * when it has none. */
double event_time(const Event *event, const EvalFields *fields);

/* Whether the event's category field holds category (a string, or an array holding it). */
bool event_in_category(const Event *event, const char *category, const EvalFields *fields);

#endif
