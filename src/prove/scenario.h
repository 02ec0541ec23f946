/* Scenarios for correlations: small timelines built from the referenced rules' witnesses, on
 * which a correlation and its translation (an EQL sequence, ...) must both fire or both stay
 * silent. A correlation's matches and a sequence's chains are not the same objects (a window of
 * events against the first chain that completes), so what is compared is whether each fires on
 * each scenario:
 *   - every step once, in order, one second apart, one group          (fires)
 *   - the same, in reverse order                                       (fires if not ordered)
 *   - the same, the last step one second past the timespan             (silent)
 *   - the same, each step in another group                             (silent)
 *   - the first step alone                                             (fires only for a count
 *                                                                       of one)
 *   - the first step as many times as the thresholds need, in order    (event_count)
 * The group-by fields get one value per group, under each step's mapped field names. */
#ifndef SIGMAC_PROVE_SCENARIO_H
#define SIGMAC_PROVE_SCENARIO_H

#include <jansson.h>

#include "base/arena.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct Scenario {
  const char *name;
  json_t **events; /* owned by the arena */
  size_t count;
} Scenario;

typedef struct ScenarioSet {
  Scenario *items;
  size_t count;
} ScenarioSet;

/* The scenarios of correlation rule (its referenced rules resolved and Sigma), their events in
 * the field names of mapping; witnesses[i] is an event the i-th referenced rule matches (in
 * those names), or NULL when none was found (no scenario is made then). */
ScenarioSet scenarios_for(Arena *arena, const IrRule *rule, const Mapping *mapping,
                          json_t *const *witnesses);

#endif
