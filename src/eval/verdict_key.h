/* The key under which the streaming evaluator remembers the verdicts on an event (memo.h). A
 * rule's verdict on an event depends on the values it can read (its lean tree, lean.h) and on
 * nothing else, so an event whose candidate rules and readable values (each with its path and
 * JSON type, as written) are those of an event seen before gets that event's verdicts without
 * being parsed. Streams repeat such events: the same process started with the same command
 * line by the same parent, the same library loaded by the same program. */
#ifndef SIGMAC_EVAL_VERDICT_KEY_H
#define SIGMAC_EVAL_VERDICT_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "eval/json_check.h"
#include "eval/lean.h"

enum {
  VERDICT_KEY = 1536, /* bytes of a key: an event with a longer one is not remembered */
  VERDICT_MATCHES = 8 /* matching rules of an event remembered */
};

/* Writes into key (VERDICT_KEY bytes) the key of an event: its candidate rules (indexes), then
 * each of its values the lean tree of those rules holds (lean_want() has been called for them),
 * with its path and JSON type, in the order written. Returns its length, or 0 when it does not
 * fit (such an event is not remembered). */
size_t verdict_key(char *key, const uint32_t *candidates, size_t candidate_count,
                   const JsonValue *values, size_t value_count, const LeanKeys *keys);

#endif
