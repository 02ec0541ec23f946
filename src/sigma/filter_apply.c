/* Sigma filters (sigma-filters-specification): a filter's condition is AND-ed into every
 * condition of each detection rule it applies to. It applies when each of the filter's
 * logsource keys that is set equals the rule's, and the filter names the rule (by id or name) or
 * names none (pySigma's semantics; see ../shared/docs/sigma-spec-notes.md section 7). */
#include <string.h>

#include "ir/ir_build.h"
#include "sigma/sigma.h"

static bool same_or_unset(const char *want, const char *have) {
  return !want || (have && strcmp(want, have) == 0);
}

static bool applies(const IrRule *filter, const IrRule *rule) {
  const IrLogsource *f = &filter->logsource, *r = &rule->logsource;
  if (!same_or_unset(f->product, r->product) || !same_or_unset(f->category, r->category) ||
      !same_or_unset(f->service, r->service))
    return false;
  if (filter->filter->rule_count == 0)
    return true;
  for (size_t i = 0; i < filter->filter->rule_count; i++)
    if (filter->filter->rules[i].rule == rule)
      return true;
  return false;
}

IrRule *sigma_filtered(Arena *arena, const IrRuleSet *rules, IrRule *rule) {
  if (rule->kind != IR_RULE_DETECTION)
    return rule;
  IrRule *copy = NULL;
  for (size_t f = 0; f < rules->count; f++) {
    const IrRule *filter = rules->rules[f];
    if (filter->kind != IR_RULE_FILTER || !applies(filter, rule))
      continue;
    if (!copy) {
      copy = arena_alloc(arena, sizeof *copy);
      *copy = *rule;
      copy->queries = arena_array(arena, rule->query_count, sizeof(IrQuery *));
      for (size_t q = 0; q < rule->query_count; q++) {
        copy->queries[q] = arena_alloc(arena, sizeof(IrQuery));
        *copy->queries[q] = *rule->queries[q];
      }
    }
    for (size_t q = 0; q < copy->query_count; q++) {
      IrNode *both[2] = {copy->queries[q]->where, ir_clone(arena, filter->filter->where)};
      copy->queries[q]->where = ir_join(arena, IR_AND, both, 2);
    }
  }
  return copy ? copy : rule;
}
