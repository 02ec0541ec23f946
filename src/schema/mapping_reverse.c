/* The inverse of a mapping, for writing Sigma from EQL: which Sigma logsource an EQL event
 * category and its conditions stand for, and which Sigma field name gives a target field back. */
#include <string.h>

#include "ir/ir_build.h"
#include "schema/mapping.h"

const char *mapping_sigma_field(Arena *arena, const Mapping *m, const IrLogsource *logsource,
                                const char *target) {
  /* the preferred names first (the taxonomy's own, such as TargetFilename over FileName), then
   * the first Sigma name whose forward mapping under this logsource gives target back */
  for (size_t i = 0; i < m->reverse_prefer.count; i++) {
    const char *forward = mapping_field(arena, m, logsource, m->reverse_prefer.items[i]);
    if (forward && strcmp(forward, target) == 0)
      return m->reverse_prefer.items[i];
  }
  for (size_t i = 0; i < m->field_count; i++) {
    const char *forward = mapping_field(arena, m, logsource, m->fields[i].sigma);
    if (forward && strcmp(forward, target) == 0)
      return m->fields[i].sigma;
  }
  size_t prefix = m->unmapped_prefix ? strlen(m->unmapped_prefix) : 0;
  if (prefix && strncmp(target, m->unmapped_prefix, prefix) == 0 && !strchr(target + prefix, '.')) {
    const char *name = target + prefix;
    const char *forward = mapping_field(arena, m, logsource, name);
    if (forward && strcmp(forward, target) == 0)
      return name;
  }
  return NULL;
}

/* True when the condition (field in values, exact) is one of the AND-ed children of where. */
static bool has_condition(const IrNode *where, const MapCondition *c) {
  const IrNode *const *parts =
      where->kind == IR_AND ? (const IrNode *const *)where->children : &where;
  size_t count = where->kind == IR_AND ? where->count : 1;
  for (size_t i = 0; i < count; i++) {
    const IrNode *part = parts[i];
    size_t n = part->kind == IR_OR ? part->count : 1;
    if (n != c->values.count)
      continue;
    bool all = true;
    for (size_t k = 0; k < n && all; k++) {
      const IrNode *leaf = part->kind == IR_OR ? part->children[k] : part;
      all = leaf->kind == IR_PRED && leaf->pred.match == IR_MATCH_EQUALS && leaf->pred.field &&
            strcmp(leaf->pred.field, c->field) == 0 && leaf->pred.value.kind == IR_VALUE_STRING &&
            leaf->pred.value.string.count == 1 &&
            strcmp(leaf->pred.value.string.segs[0].text, c->values.items[k]) == 0;
    }
    if (all)
      return true;
  }
  return false;
}

/* The value the query requires of host.os.type (Elastic's OS field), or NULL. */
static const char *os_of(const IrNode *where) {
  const IrNode *const *parts =
      where->kind == IR_AND ? (const IrNode *const *)where->children : &where;
  size_t count = where->kind == IR_AND ? where->count : 1;
  for (size_t i = 0; i < count; i++) {
    const IrPredicate *p = parts[i]->kind == IR_PRED ? &parts[i]->pred : NULL;
    if (p && p->match == IR_MATCH_EQUALS && p->field && strcmp(p->field, "host.os.type") == 0 &&
        p->value.kind == IR_VALUE_STRING && p->value.string.count == 1)
      return p->value.string.segs[0].text;
  }
  return NULL;
}

const MapLogsource *mapping_logsource_of(const Mapping *m, const char *category,
                                         const IrNode *where) {
  const MapLogsource *best = NULL;
  const char *os = os_of(where);
  for (size_t i = 0; i < m->logsource_count; i++) {
    const MapLogsource *row = &m->logsources[i];
    if (!row->eql_category || !category || strcmp(row->eql_category, category) != 0 ||
        (!row->when.category && !row->when.service))
      continue;
    bool all = true;
    for (size_t k = 0; k < row->condition_count && all; k++)
      all = has_condition(where, &row->conditions[k]);
    /* the row that explains most of the query wins, then one of the OS the query names;
       rows without conditions come last */
    bool same_os = os && row->when.product && strcmp(os, row->when.product) == 0;
    bool best_os = best && os && best->when.product && strcmp(os, best->when.product) == 0;
    if (all && (!best || row->condition_count > best->condition_count ||
                (row->condition_count == best->condition_count && same_os && !best_os)))
      best = row;
  }
  return best;
}
