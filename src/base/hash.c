/* String hashes. */
#include "base/hash.h"

#include "base/swar.h"

size_t hash_bytes(const char *text, size_t len) {
  size_t hash = 5381;
  for (size_t i = 0; i < len; i++)
    hash = hash * 33 + (unsigned char)text[i];
  return hash;
}

size_t hash_text(const char *text) {
  size_t hash = 5381;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    hash = hash * 33 + *p;
  return hash;
}

uint64_t hash_words(const void *bytes, size_t len, uint64_t seed) {
  const char *text = bytes;
  uint64_t h = 0x9E3779B97F4A7C15ull * (len + 1) ^ seed;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    h = (h ^ swar_load(text + i)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  if (i < len && len >= 8) /* the last eight bytes, overlapping the words before */
    tail = swar_load(text + len - 8);
  else
    for (; i < len; i++)
      tail = tail << 8 | (unsigned char)text[i];
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  return h ? h : 1;
}
