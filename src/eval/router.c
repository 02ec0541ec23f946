/* Routing by facts, each distinct test decided once per event. */
#include "eval/router.h"

#include <string.h>

struct Router {
  const LogsourceTest *const *tests;
  uint32_t *test_of;    /* per rule: the number of its test among the distinct ones */
  uint32_t *test_stamp; /* per test: the last event it was decided for, */
  bool *test_verdict;   /* and whether the rules of the test stayed candidates */
  size_t test_count;
  uint32_t now;
};

Router *router_new(Arena *arena, const LogsourceTest *const *tests, size_t rule_count) {
  Router *r = arena_alloc(arena, sizeof *r);
  r->tests = tests;
  const LogsourceTest **distinct = arena_array(arena, rule_count + 1, sizeof(void *));
  r->test_of = arena_array(arena, rule_count + 1, sizeof(uint32_t));
  for (size_t i = 0; i < rule_count; i++) {
    size_t t = 0;
    while (tests[i] && t < r->test_count && !logsource_same_test(distinct[t], tests[i]))
      t++;
    if (tests[i] && t == r->test_count)
      distinct[r->test_count++] = tests[i];
    r->test_of[i] = (uint32_t)t;
  }
  r->test_stamp = arena_array(arena, r->test_count + 1, sizeof(uint32_t));
  r->test_verdict = arena_array(arena, r->test_count + 1, sizeof(bool));
  return r;
}

size_t router_route(Router *r, const JsonFacts *seen, uint32_t *candidates, size_t count) {
  if (seen->unsure)
    return count;      /* the tree will tell */
  if (++r->now == 0) { /* the stamps wrapped around */
    memset(r->test_stamp, 0, r->test_count * sizeof(uint32_t));
    r->now = 1;
  }
  EventFacts facts = {.evtx = seen->evtx,
                      .channel = seen->channel,
                      .channel_len = seen->channel_len,
                      .has_event_id = seen->has_event_id,
                      .event_id = seen->event_id,
                      .os_type = seen->os_type,
                      .os_type_len = seen->os_type_len,
                      .has_category = seen->has_category}; /* no tree yet: no containers */
  size_t kept = 0;
  for (size_t c = 0; c < count; c++) {
    const LogsourceTest *test = r->tests[candidates[c]];
    uint32_t t = r->test_of[candidates[c]];
    if (test && r->test_stamp[t] != r->now) {
      r->test_stamp[t] = r->now;
      r->test_verdict[t] = logsource_verdict(test, &facts) != LOGSOURCE_NO;
    }
    if (!test || r->test_verdict[t])
      candidates[kept++] = candidates[c];
  }
  return kept;
}
