/* Probe events: events made from a rule itself, to show that a translation of it means the same.
 *
 * From a mapped single-event query (ECS field names), witnesses are built that satisfy it along
 * different branches (witness k takes alternative k of every 'or', so the values of a list are
 * each used by some witness), and each witness is varied one field at a time: the field missing,
 * null, empty, in an array, in another case, one character short at either end, with other
 * dashes, with a literal '*' or '?', as a number, and set to each predicate's own values just
 * inside and just outside it. For an ECS target (a schema given) every probe carries the query's
 * event category, so that the rule's logsource applies to it. */
#ifndef SIGMAC_PROVE_PROBE_H
#define SIGMAC_PROVE_PROBE_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "schema/ecs.h"
#include "sigmac/ir.h"

typedef struct ProbeSet {
  json_t **events; /* owned by the arena they were made in */
  size_t count;
} ProbeSet;

/* At most limit probe events for query (a mapped event query), in a stable order. With a schema,
 * only events an index of it could hold are made: an ip field holds addresses, a number field
 * numbers, a boolean field booleans (an index rejects other values, so no engine sees them). */
/* fixed names the fields of the logsource's own conditions (source, EventCode, event.type): they
 * are always satisfied and never varied, since an event without them is not of the logsource
 * and says nothing about the rule. */
ProbeSet probe_events(Arena *arena, const IrQuery *query, const EcsSchema *schema,
                      const IrStrList *fixed, size_t limit);

#endif
