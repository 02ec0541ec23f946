/* Which anchor texts recently seen values hold. Event streams repeat their values (the same
 * executables, parents, users, hosts, providers, channels: most of a Sysmon event's text is
 * in some earlier event), and finding a value's anchors costs a scan of every byte of it, where
 * finding the value here costs a hash and a compare. A direct-mapped table: a value takes the
 * place of whatever was at its hash's slot; values longer than MEMO_TEXT bytes, or holding more
 * than MEMO_TEXTS anchor texts, are not kept. The prefilter (prefilter.h) is its user. */
#ifndef SIGMAC_EVAL_VALUE_MEMO_H
#define SIGMAC_EVAL_VALUE_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum {
  MEMO_TEXT = 256, /* bytes of a value kept */
  MEMO_TEXTS = 16  /* anchor texts of a value kept */
};

typedef struct ValueMemo ValueMemo;

ValueMemo *value_memo_new(Arena *arena);

/* What a memo takes (for the benchmark's memory figures). */
size_t value_memo_bytes(void);

/* The hash under which text[0..len) is looked up and kept, for values of kind (the prefilter's
 * two: the values rules read, the others). */
uint64_t value_memo_hash(const char *text, size_t len, unsigned kind);

/* The anchor texts kept for text[0..len) of kind, hashed as above, *count of them; NULL when it
 * is not kept. */
const uint32_t *value_memo_find(const ValueMemo *memo, uint64_t hash, const char *text, size_t len,
                                unsigned kind, size_t *count);

/* Keeps text[0..len)'s anchor texts ids[0..count), in place of what its slot held. Does nothing
 * for a value or a list too long to keep. */
void value_memo_keep(ValueMemo *memo, uint64_t hash, const char *text, size_t len, unsigned kind,
                     const uint32_t *ids, size_t count);

#endif
