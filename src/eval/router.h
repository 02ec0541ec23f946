/* The streaming evaluator's router: which rules an event's facts (json_check.h) leave, before it
 * is parsed (a file_delete rule is no candidate for a Sysmon file creation). Rules share
 * logsource tests (the few hundred logsources and event IDs of thousands of rules), and events
 * share facts (a stream holds a few channels and event IDs): the rules a set of facts leaves are
 * worked out once, kept as a bit per rule, and the prefilter's candidates are ANDed with them. */
#ifndef SIGMAC_EVAL_ROUTER_H
#define SIGMAC_EVAL_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval/json_check.h"
#include "eval/logsource.h"

typedef struct Router Router;

/* The router of rule_count rules, tests[i] being rule i's logsource test (NULL: none). */
Router *router_new(Arena *arena, const LogsourceTest *const *tests, size_t rule_count);

/* The rules the facts leave: bit r % 64 of word r / 64 for rule r (rule_count / 64 + 1 words),
 * valid until the next call; NULL when the facts leave every rule (they are unsure). */
const uint64_t *router_allowed(Router *router, const JsonFacts *seen);

#endif
