/* Join keys of EQL sequences and samples, built as Elasticsearch builds them from doc values: a
 * multi-valued field gives one key per distinct value (sorted, nulls dropped), several such
 * fields their Cartesian product; a missing or null value leaves the event out unless the key is
 * optional ('?field'), where null is a key value of its own (eql-semantics.md sections 5 and 7). */
#ifndef SIGMAC_EVAL_KEYS_H
#define SIGMAC_EVAL_KEYS_H

#include <jansson.h>

#include "base/arena.h"
#include "eval/event.h"
#include "sigmac/ir.h"

/* One join key: its values in key order (NULL for a null), and a text that is equal for equal
 * keys (for hashing and comparing). */
typedef struct JoinKey {
  const json_t **parts;
  size_t count;
  const char *text;
} JoinKey;

typedef struct JoinKeys {
  JoinKey *items;
  size_t count;
} JoinKeys;

/* The keys of event at step of q: q's shared keys, then the step's own. An event without usable
 * values gets no key (out->count == 0). A query without keys gives one empty key. */
void join_keys(Arena *arena, const IrQuery *q, const IrStep *step, const Event *event,
               JoinKeys *out);

/* Orders two keys of the same length as Elasticsearch's composite aggregation does: part by
 * part, null first, numbers by value, strings by bytes, false before true. */
int join_key_compare(const JoinKey *a, const JoinKey *b);

/* A key value as the response's join_keys shows it ("null" for a null). */
const char *join_key_part_text(Arena *arena, const json_t *part);

#endif
