/* Evaluating IR predicates and trees against events, with the semantics of the language the rule
 * is in: Sigma (case-insensitive strings, PCRE searched anywhere, keywords over the whole event)
 * or Elasticsearch EQL (term queries false on a missing field, functions null on one, Lucene
 * regexes matching the whole value). docs/evaluation.md has the table. */
#ifndef SIGMAC_EVAL_MATCH_H
#define SIGMAC_EVAL_MATCH_H

#include "base/arena.h"
#include "base/diag.h"
#include "eval/event.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

/* Three-valued: EQL's scripts give null on a missing field, which 'not' keeps null. */
typedef enum Truth { T_FALSE, T_TRUE, T_NULL } Truth;

typedef struct PredCache PredCache;

/* Which fields hold an event's category, time and tiebreaker (Elasticsearch's
 * event_category_field, timestamp_field and tiebreaker_field). */
typedef struct EvalFields {
  const char *category;   /* default event.category */
  const char *time;       /* default @timestamp */
  const char *tiebreaker; /* NULL: input order breaks ties */
} EvalFields;

extern const EvalFields eval_default_fields;

/* Request parameters of an Elasticsearch EQL search that change which results come back. */
typedef struct SearchLimits {
  long long size;                /* at most this many results of a query; < 0: no limit */
  long long max_samples_per_key; /* samples: how many per join key */
} SearchLimits;

extern const SearchLimits search_default_limits; /* no size limit, one sample per key */

/* What evaluation needs besides the event: compiled regexes (once per predicate), and where to
 * report a regex that hits its limits. */
typedef struct Matcher {
  Arena *arena;
  DiagSink *diags;
  bool sigma_names; /* resolve Sigma taxonomy names in EVTX-rendered events */
  PredCache *cache; /* per predicate: its pattern, regex, network, made once */
  size_t cache_count;
  size_t cache_capacity; /* a power of two: open addressing by the predicate's address */
  bool failed;           /* a regex hit a limit, or an expression could not be evaluated */
  /* Sigma rules over ECS events: a field the event lacks under its Sigma name is looked up
   * under the name the mapping gives it for the rule's logsource */
  const Mapping *mapping;
  const IrLogsource *logsource;
  const EvalFields *fields;
  const Source *src; /* the rule's source, where expression problems are reported */
  const SearchLimits *limits;
  const struct LogsourceTest *logsource_test; /* Sigma rules: made on first use (logsource.h) */
  size_t sequence_state_peak; /* the most join keys a sequence held state for at once */
  const char *scope; /* inside a nested query: its path, which the event's root stands for */
  size_t scope_len;
} Matcher;

void matcher_init(Matcher *m, Arena *arena, DiagSink *diags, bool sigma_names);

/* The truth of node for event. */
Truth match_node(Matcher *m, const IrNode *node, const Event *event);

/* A number kept per key (an IR node) for the matcher's life, 0 until set: what evaluation works
 * out once about a node, such as the function an EQL call names. The pointer is valid until the
 * next cache lookup. */
int *matcher_memo(Matcher *m, const void *key);

/* Whether text matches an EQL regex (Lucene syntax, the whole value), compiled once per key (the
 * pattern's IR node); a pattern that cannot compile or hits a limit fails the rule, reported at
 * span of src. */
bool match_lucene_regex(Matcher *m, const void *key, const char *pattern, bool cased,
                        const char *text, size_t len, const Source *src, Span span);

/* Whether text matches a string pattern (wildcards '*' and '?', '?' one UTF-8 character),
 * ignoring ASCII case unless cased. */
bool match_pattern(const IrString *pattern, const char *text, size_t len, bool cased);

#endif
