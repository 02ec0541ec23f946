/* Remembered values and their anchor texts. */
#include "eval/value_memo.h"

#include <string.h>

#include "base/swar.h"

enum { MEMO_SLOTS = 4096 }; /* 1.3 MB: the distinct common values of a stream fit */

typedef struct Kept {
  uint64_t hash; /* 0: an empty slot (a hash of 0 is stored as 1) */
  uint16_t len;
  uint8_t kind, count;
  uint32_t ids[MEMO_TEXTS];
  char text[MEMO_TEXT];
} Kept;

struct ValueMemo {
  Kept slots[MEMO_SLOTS];
};

ValueMemo *value_memo_new(Arena *arena) { return arena_alloc(arena, sizeof(ValueMemo)); }

size_t value_memo_bytes(void) { return sizeof(ValueMemo); }

/* Eight bytes at a time, multiplied in: values differ in few bytes (GUIDs, times), and any
 * byte changes every bit of the result. */
uint64_t value_memo_hash(const char *text, size_t len, unsigned kind) {
  uint64_t h = 0x9E3779B97F4A7C15ull * (len + 1) ^ kind;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    h = (h ^ swar_load(text + i)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  memcpy(&tail, text + i, len - i);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  return h ? h : 1;
}

const uint32_t *value_memo_find(const ValueMemo *memo, uint64_t hash, const char *text, size_t len,
                                unsigned kind, size_t *count) {
  const Kept *k = &memo->slots[hash & (MEMO_SLOTS - 1)];
  if (k->hash != hash || k->len != len || k->kind != kind || memcmp(k->text, text, len) != 0)
    return NULL;
  *count = k->count;
  return k->ids;
}

void value_memo_keep(ValueMemo *memo, uint64_t hash, const char *text, size_t len, unsigned kind,
                     const uint32_t *ids, size_t count) {
  if (len > MEMO_TEXT || count > MEMO_TEXTS)
    return;
  Kept *k = &memo->slots[hash & (MEMO_SLOTS - 1)];
  k->hash = hash;
  k->len = (uint16_t)len;
  k->kind = (uint8_t)kind;
  k->count = (uint8_t)count;
  memcpy(k->ids, ids, count * sizeof(uint32_t));
  memcpy(k->text, text, len);
}
