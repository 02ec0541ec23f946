/* String hashes for the project's open-addressing tables (names, join keys, event keys). djb2:
 * the keys are short and the tables probe linearly, so a cheap hash is enough. */
#ifndef SIGMAC_BASE_HASH_H
#define SIGMAC_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

size_t hash_bytes(const char *text, size_t len);
size_t hash_text(const char *text); /* NUL-terminated */

/* A hash of bytes[0..len) and seed, never 0, eight bytes at a time, multiplied in: for the
 * tables the streaming evaluator looks up per key or value of every event, where djb2's byte at
 * a time costs more, and keys differing in one byte (GUIDs, times) must differ in every bit. */
uint64_t hash_words(const void *bytes, size_t len, uint64_t seed);

#endif
