/* The streaming evaluator: rules of single-event queries over NDJSON files, event by event as the
 * lines are read, so that memory does not grow with the input. Each line is checked as JSON
 * without a tree (json_check.h), the prefilter (prefilter.h) names the rules it can match, and
 * only then is it parsed and those rules evaluated in full. Results are what eval_rules() would
 * give over the same events. */
#ifndef SIGMAC_EVAL_STREAM_H
#define SIGMAC_EVAL_STREAM_H

#include "eval/evaluate.h"

/* Whether every rule can be run this way: detection rules of event queries only (sequences,
 * samples and correlations need the events together). */
bool stream_possible(const IrRuleSet *rules);

/* Whether an events file is read as a stream: NDJSON by name (.ndjson, .jsonl). */
bool stream_file(const char *path);

typedef struct StreamStats {
  size_t events;       /* events read */
  size_t parsed;       /* events some rule was a candidate for, and so parsed */
  size_t remembered;   /* events whose verdicts were remembered from an event seen lately */
  size_t candidates;   /* rule evaluations done */
  size_t unanchored;   /* rules the prefilter finds no anchor for: candidates for every event */
  size_t anchors;      /* anchors of the others */
  size_t unremembered; /* values scanned without the prefilter's memo: their keys' are new */
  size_t prefilter_bytes;
} StreamStats;

struct IndexMapping;

/* The events files of a stream, each with the index mapping its events are read with (NULL:
 * none; index_mapping.h). */
typedef struct StreamInput {
  const char *path;
  const struct IndexMapping *mapping;
} StreamInput;

/* Runs rules over the events of inputs, in order (event indexes count across files). Malformed
 * lines are errors at their line; reading goes on. One result per detection rule, *count of
 * them, in arena; matches in time order, as eval_rules() gives them. */
RuleResult *stream_rules(Arena *arena, DiagSink *diags, const IrRuleSet *rules,
                         const Mapping *mapping, const EvalFields *fields,
                         const SearchLimits *limits, const StreamInput *inputs, size_t input_count,
                         size_t *count, StreamStats *stats);

#endif
