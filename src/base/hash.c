/* String hashes. */
#include "base/hash.h"

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
