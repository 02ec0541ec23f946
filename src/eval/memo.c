/* Remembered keys and their numbers. */
#include "eval/memo.h"

#include <string.h>

#include "base/hash.h"

/* An entry: this header, then ids_max numbers, then key_max bytes. */
typedef struct Entry {
  uint64_t hash; /* 0: an empty slot */
  uint32_t len, count;
  uint32_t kind;
} Entry;

struct Memo {
  size_t slots, key_max, ids_max, stride;
  unsigned char *entries;
};

Memo *memo_new(Arena *arena, size_t slots, size_t key_max, size_t ids_max) {
  Memo *memo = arena_alloc(arena, sizeof *memo);
  size_t stride = sizeof(Entry) + ids_max * sizeof(uint32_t) + key_max;
  stride = (stride + 7) & ~(size_t)7;
  *memo = (Memo){slots, key_max, ids_max, stride, arena_table(arena, slots * stride)};
  return memo;
}

size_t memo_bytes(const Memo *memo) { return memo->slots * memo->stride; }

uint64_t memo_hash(const void *key, size_t len, unsigned kind) {
  return hash_words(key, len, kind);
}

static Entry *entry_of(const Memo *memo, uint64_t hash) {
  return (Entry *)(memo->entries + (hash & (memo->slots - 1)) * memo->stride);
}

const uint32_t *memo_find(const Memo *memo, uint64_t hash, const void *key, size_t len,
                          unsigned kind, size_t *count) {
  const Entry *e = entry_of(memo, hash);
  const uint32_t *ids = (const uint32_t *)(e + 1);
  if (e->hash != hash || e->len != len || e->kind != kind ||
      memcmp(ids + memo->ids_max, key, len) != 0)
    return NULL;
  *count = e->count;
  return ids;
}

void memo_prefetch(const Memo *memo, uint64_t hash) {
#if defined(__GNUC__)
  const unsigned char *e = (const unsigned char *)entry_of(memo, hash);
  __builtin_prefetch(e);                                                    /* the header, */
  __builtin_prefetch(e + sizeof(Entry) + memo->ids_max * sizeof(uint32_t)); /* the key's start */
#else
  (void)memo, (void)hash;
#endif
}

void memo_keep(Memo *memo, uint64_t hash, const void *key, size_t len, unsigned kind,
               const uint32_t *ids, size_t count) {
  if (len > memo->key_max || count > memo->ids_max)
    return;
  Entry *e = entry_of(memo, hash);
  uint32_t *kept = (uint32_t *)(e + 1);
  *e = (Entry){hash, (uint32_t)len, (uint32_t)count, kind};
  memcpy(kept, ids, count * sizeof(uint32_t));
  memcpy(kept + memo->ids_max, key, len);
}
