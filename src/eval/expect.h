/* Expectations for `sigmac test --expect FILE`: which events each rule must match, read from
 * YAML, and the differences between them and what the rules matched.
 *
 *   rules:
 *     <rule key>:                       # Sigma name, else id, else title; EQL: the file name
 *       - endpoint.ndjson:4             # an event: its file (base name) and 1-based line
 *       - [a.ndjson:3, a.ndjson:9]      # a chain: a sequence's, sample's or correlation's events
 *       - [a.ndjson:3, missing]         # 'missing' for a missing-event step
 *     <rule key>: []                    # must match nothing
 *
 * A rule that runs and is not listed must match nothing; a listed rule that did not run is an
 * error. The order of a rule's matches does not matter; the order within a chain does. */
#ifndef SIGMAC_EVAL_EXPECT_H
#define SIGMAC_EVAL_EXPECT_H

#include "eval/evaluate.h"

typedef struct ExpectedMatch {
  const char **refs; /* "file:line" or "missing", one per event of the match */
  size_t count;
  Span span;  /* where it is written */
  bool found; /* set by expect_compare */
} ExpectedMatch;

typedef struct ExpectedRule {
  const char *key;
  Span span;
  ExpectedMatch *matches;
  size_t count;
  bool ran; /* set by expect_compare */
} ExpectedRule;

typedef struct Expectations {
  const Source *src;
  ExpectedRule *rules;
  size_t count;
} Expectations;

/* Reads an expectations file; malformed entries are errors at their place (false). */
bool expect_load(Arena *arena, const Source *src, DiagSink *diags, Expectations *out);

/* The key a rule is listed under: its Sigma name, else its id, else its title, else its file's
 * base name (with "#N" for the N-th document of a file holding several). */
const char *expect_rule_key(Arena *arena, const IrRule *rule);

/* One match as text: its events' "file:line" (the file's base name, or its path as given),
 * comma-separated, in brackets when a chain; "missing" for a missing-event step. */
const char *expect_match_text(Arena *arena, const Chain *chain, bool chain_form, bool full_paths);

/* An expected match as text, as expect_match_text() writes a made one. */
const char *expect_expected_text(Arena *arena, const ExpectedMatch *match, bool chain_form);

/* What a rule matched against what was expected of it. */
typedef struct RuleVerdict {
  const char *key;
  bool as_expected;
  const char **unexpected; /* matches made but not expected (match texts) */
  size_t unexpected_count;
  const ExpectedMatch **unmatched; /* expected matches not made */
  size_t unmatched_count;
} RuleVerdict;

/* Compares every result with the expectations: one verdict per result, in order. Listed rules
 * that did not run are reported as errors at their place in the file. */
RuleVerdict *expect_compare(Arena *arena, DiagSink *diags, Expectations *expected,
                            const RuleResult *results, size_t count);

#endif
