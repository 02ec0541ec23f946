/* The streaming evaluator's router: which candidate rules an event's facts (json_check.h) leave,
 * before it is parsed (a file_delete rule is no candidate for a Sysmon file creation). Rules
 * share logsource tests (the few hundred logsources and event IDs of thousands of rules): each
 * is decided once per event. */
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

/* Drops from candidates[0..count) the rules the facts rule out; how many are left. */
size_t router_route(Router *router, const JsonFacts *seen, uint32_t *candidates, size_t count);

#endif
