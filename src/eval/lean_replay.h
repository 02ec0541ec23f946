/* Lean trees without a second reading of the line: json_check() has handed every value some lean
 * tree keeps, with its path, to the streaming evaluator (verdict_key.h's RecordedValue); the
 * tree lean_parse() would build for the rules of the last lean_want() is made from them, where
 * lean_parse() reads the whole line again (a kilobyte or more an event, most of it skipped). */
#ifndef SIGMAC_EVAL_LEAN_REPLAY_H
#define SIGMAC_EVAL_LEAN_REPLAY_H

#include "eval/lean.h"
#include "eval/verdict_key.h"

/* The tree lean_parse() would build of the event line whose kept values are values[0..count)
 * (the first its root object), their paths in steps; NULL when they cannot tell what it would
 * build (a key written with an escape where keys are looked up, a value deeper than the paths
 * note): then parse the line. The caller owns the reference. */
json_t *lean_replay(const LeanKeys *keys, const RecordedValue *values, size_t count,
                    const JsonStep *steps);

#endif
