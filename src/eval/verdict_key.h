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

/* A value json_check() handed on (a kept one), kept for the key: its path is steps[path ..
 * path + depth) of the caller's log of steps. */
typedef struct RecordedValue {
  const char *text;
  size_t len;
  char kind;
  bool kept, below_all;
  int32_t key;
  size_t depth, path;
} RecordedValue;

/* Writes into key (VERDICT_KEY bytes) the key of an event: its candidate rules (indexes), then
 * each of its values and containers the lean tree of those rules holds (lean_want() has been
 * called for them), with its path (keys by number or text, items by index) and JSON type, in
 * the order written. Returns its length, or 0 when it does not fit, a value lies too deep or
 * one is of a key whose values are new every time (such an event is not remembered): misses
 * (NULL: none) holds per key its values in a row new to the prefilter's memo, and a key at
 * PREFILTER_NEW_IN_A_ROW is such. */
size_t verdict_key(char *key, const uint32_t *candidates, size_t candidate_count,
                   const RecordedValue *values, size_t value_count, const JsonStep *steps,
                   const LeanKeys *keys, const uint8_t *misses);

#endif
