/* Recent things remembered by their bytes: a direct-mapped table whose entries each hold a key
 * (up to key_max bytes, and a kind) and a short list of numbers (up to ids_max). A key takes the
 * place of whatever its hash's slot held; a key or a list too long is not kept. Streams repeat
 * themselves, and the streaming evaluator uses two: the anchor texts of recent values
 * (prefilter.c) and the verdicts on recent events (verdict_key.h). */
#ifndef SIGMAC_EVAL_MEMO_H
#define SIGMAC_EVAL_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct Memo Memo;

/* A table of slots entries (a power of two). */
Memo *memo_new(Arena *arena, size_t slots, size_t key_max, size_t ids_max);

/* What a memo takes (for the benchmark's memory figures). */
size_t memo_bytes(const Memo *memo);

/* A hash of key[0..len) and kind, never 0: eight bytes at a time, multiplied in, so that keys
 * differing in a byte (GUIDs, times) differ in every bit. */
uint64_t memo_hash(const void *key, size_t len, unsigned kind);

/* The numbers kept for key[0..len) of kind, hashed as above, *count of them; NULL when it is not
 * kept. */
const uint32_t *memo_find(const Memo *memo, uint64_t hash, const void *key, size_t len,
                          unsigned kind, size_t *count);

/* Starts loading the slot of hash, for a memo_find() a little later: a memo of megabytes misses
 * the caches on nearly every look-up, and a few look-ups begun together wait for memory once. */
void memo_prefetch(const Memo *memo, uint64_t hash);

/* Keeps ids[0..count) for key[0..len) of kind, in place of what its slot held. */
void memo_keep(Memo *memo, uint64_t hash, const void *key, size_t len, unsigned kind,
               const uint32_t *ids, size_t count);

#endif
