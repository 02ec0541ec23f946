/* Correlation scenarios (scenario.h). */
#include "prove/scenario.h"

#include <stdio.h>
#include <string.h>

static void free_json(void *v) { json_decref(v); }

enum { BASE_SECONDS = 1767225600 }; /* 2026-01-01T00:00:00Z: any fixed instant */

static const char *timestamp(Arena *arena, long long offset_seconds) {
  long long t = BASE_SECONDS + offset_seconds;
  long long days = t / 86400, rest = t % 86400;
  /* civil date from days since 1970-01-01 (Howard Hinnant's algorithm) */
  long long z = days + 719468, era = z / 146097, doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  long long y = yoe + era * 400 + (m <= 2);
  return arena_printf(arena, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d, rest / 3600,
                      rest / 60 % 60, rest % 60);
}

/* A copy of the witness of step at time offset, in group g. */
static json_t *step_event(Arena *arena, const IrRule *rule, const Mapping *mapping,
                          const IrRule *step, json_t *witness, long long offset, int group) {
  json_t *event = json_deep_copy(witness);
  json_object_set_new(event, "@timestamp", json_string(timestamp(arena, offset)));
  const IrCorrelation *c = rule->correlation;
  for (size_t k = 0; k < c->group_by.count; k++) {
    const char *field = c->group_by.items[k];
    const char *mapped = mapping ? mapping_field(arena, mapping, &step->logsource, field) : NULL;
    json_object_set_new(event, mapped ? mapped : field,
                        json_string(arena_printf(arena, "sigmac-group-%d", group)));
  }
  arena_on_free(arena, free_json, event);
  return event;
}

static void add(Arena *arena, ScenarioSet *set, const char *name, json_t **events, size_t count) {
  set->items = arena_push_slot(arena, set->items, set->count, sizeof(Scenario));
  set->items[set->count++] = (Scenario){name, events, count};
}

/* The count the thresholds need at least (event_count: gte 3 needs 3); 2 when none says. */
static size_t needed_count(const IrCorrelation *c) {
  size_t need = 2;
  for (size_t i = 0; i < c->threshold_count; i++) {
    double n = c->thresholds[i].number.value;
    size_t at_least = c->thresholds[i].op == IR_CMP_GT ? (size_t)n + 1 : (size_t)n;
    if ((c->thresholds[i].op == IR_CMP_GT || c->thresholds[i].op == IR_CMP_GTE ||
         c->thresholds[i].op == IR_CMP_EQ) &&
        at_least > need && at_least < 64)
      need = at_least;
  }
  return need;
}

ScenarioSet scenarios_for(Arena *arena, const IrRule *rule, const Mapping *mapping,
                          json_t *const *witnesses) {
  ScenarioSet set = {NULL, 0};
  const IrCorrelation *c = rule->correlation;
  size_t n = c->rule_count;
  for (size_t i = 0; i < n; i++)
    if (!witnesses[i] || !c->rules[i].rule)
      return set;
  long long span = c->timespan_seconds > 0 ? c->timespan_seconds : 60;
  json_t **ordered = arena_array(arena, n, sizeof(json_t *));
  json_t **reversed = arena_array(arena, n, sizeof(json_t *));
  json_t **late = arena_array(arena, n, sizeof(json_t *));
  json_t **apart = arena_array(arena, n, sizeof(json_t *));
  for (size_t i = 0; i < n; i++) {
    const IrRule *step = c->rules[i].rule;
    ordered[i] = step_event(arena, rule, mapping, step, witnesses[i], (long long)i, 1);
    reversed[i] = step_event(arena, rule, mapping, step, witnesses[i], (long long)(n - 1 - i), 1);
    late[i] = step_event(arena, rule, mapping, step, witnesses[i],
                         i + 1 == n ? span + (long long)n : (long long)i, 1);
    apart[i] = step_event(arena, rule, mapping, step, witnesses[i], (long long)i, (int)i + 1);
  }
  add(arena, &set, "every step in order, one group", ordered, n);
  add(arena, &set, "every step in reverse order", reversed, n);
  add(arena, &set, "the last step past the timespan", late, n);
  if (c->group_by.count)
    add(arena, &set, "each step in another group", apart, n);
  add(arena, &set, "the first step alone", ordered, 1);
  size_t need = needed_count(c);
  json_t **repeated = arena_array(arena, need, sizeof(json_t *));
  for (size_t k = 0; k < need; k++)
    repeated[k] = step_event(arena, rule, mapping, c->rules[0].rule, witnesses[0], (long long)k, 1);
  add(arena, &set, "the first step repeated", repeated, need);
  return set;
}
