/* Lean events: a JSON tree of only the members the rules can read. Building jansson's tree of a
 * whole event costs more than everything else the streaming evaluator does; a rule reads a few of
 * an event's forty or so fields. The members kept are those whose key is one of the names the
 * rules' fields are made of (every part of "process.executable", a Sigma name with its EVTX
 * containers Event, EventData, System, ...), the objects leading to them, and whole arrays; the
 * tree keeps the event's shape, so field resolution works on it unchanged. Rules that search the
 * whole event (Sigma keywords) get the whole tree instead. */
#ifndef SIGMAC_EVAL_LEAN_H
#define SIGMAC_EVAL_LEAN_H

#include <jansson.h>
#include <stdint.h>

#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct LeanKeys LeanKeys;

/* The key names rules[0..count) can read (through mapping for Sigma rules; NULL: none), and the
 * fixed ones: EVTX containers, the logsource facts, extra (the category field, index mappings',
 * what correlations read), ordering (the time and tiebreaker fields, which order matches and
 * which no rule's verdict reads unless the rule names them); NULL entries are skipped.
 * *whole_event[i] tells whether rule i reads the whole event. */
LeanKeys *lean_keys(Arena *arena, const IrRule *const *rules, size_t count, const Mapping *mapping,
                    const char *const *extra, size_t extra_count, const char *const *ordering,
                    size_t ordering_count, bool *whole_event);

/* The number of a key some rule's lean tree keeps (text[0..len), decoded), or -1. */
int32_t lean_key_slot(LeanKeys *keys, const char *text, size_t len);

/* Whether a key (its number) is one of the rules' names or of the keys events' facts are read
 * from: false for those only the ordering of matches reads (the time field), whose values no
 * rule's verdict reads. */
bool lean_slot_named(const LeanKeys *keys, int32_t slot);

/* How many slots there are: every slot is below it. */
size_t lean_slot_capacity(const LeanKeys *keys);

/* Whether the rules of the last lean_want() can read the values of a key (its number): they
 * read it, or it is one of the keys events' facts are read from. */
bool lean_slot_read(const LeanKeys *keys, int32_t slot);

/* The trees lean_parse() builds from now on keep only what rules[0..count) (their indexes) read,
 * and the keys every tree keeps; before the first call, they keep what any rule reads. */
void lean_want(LeanKeys *keys, const uint32_t *rules, size_t count);

/* Whether the trees lean_parse() builds now keep a member whose key has number slot. */
bool lean_slot_kept(const LeanKeys *keys, int32_t slot);

/* The text of the key of number slot, *len bytes. */
const char *lean_slot_text(const LeanKeys *keys, int32_t slot, size_t *len);

/* A JSON string's text between its quotes (valid JSON, len bytes), decoded into out (room for
 * len bytes); the decoded length. */
size_t lean_decode_string(const char *text, size_t len, char *out);

/* A JSON number's text (valid JSON, as json_check() has found it) as jansson reads it: an
 * integer when it has no fraction or exponent, else a real. */
json_t *lean_number(const char *text, size_t len);

/* The lean tree of text[0..len), which json_check() has found to be one JSON object; NULL when
 * it cannot be built (then parse it whole). The caller owns the reference. */
json_t *lean_parse(LeanKeys *keys, const char *text, size_t len);

#endif
