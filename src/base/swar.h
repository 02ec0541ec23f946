/* Eight bytes at a time in a 64-bit word ("SIMD within a register"), for the scans of event
 * text that run over every byte: finding a byte, folding ASCII case. Portable C: a word is read
 * with memcpy, and where the first byte of a word sits in it depends on the byte order, which
 * swar_first() takes into account. */
#ifndef SIGMAC_BASE_SWAR_H
#define SIGMAC_BASE_SWAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_TOPS 0x8080808080808080ull

static inline uint64_t swar_load(const char *p) {
  uint64_t x;
  memcpy(&x, p, 8);
  return x;
}

/* The top bit of each zero byte of x, and perhaps of bytes after the first zero one (a borrow
 * can set a top bit only above a byte that set its own): nonzero exactly when a byte is zero,
 * and the first such byte is exact. */
static inline uint64_t swar_zeros(uint64_t x) { return (x - SWAR_ONES) & ~x & SWAR_TOPS; }

/* The top bit of each byte of x below n (n at most 0x80), as swar_zeros() does. */
static inline uint64_t swar_below(uint64_t x, uint8_t n) {
  return (x - SWAR_ONES * n) & ~x & SWAR_TOPS;
}

/* x with its ASCII capitals lower-cased: a byte's top bit is set below when it is at least 'A'
 * and not past 'Z' (its low seven bits plus 0x3f, and plus 0x25, carry into it just so; they
 * cannot carry into the next byte), and that bit moved to 0x20 is the case bit. */
static inline uint64_t swar_lower(uint64_t x) {
  uint64_t low7 = x & 0x7f7f7f7f7f7f7f7full;
  uint64_t at_least_a = low7 + 0x3f3f3f3f3f3f3f3full, past_z = low7 + 0x2525252525252525ull;
  uint64_t capital = at_least_a & ~past_z & ~x & SWAR_TOPS;
  return x | capital >> 2;
}

/* The offset in the word of the first byte (in memory order) whose top bit is set in mask
 * (nonzero). */
static inline size_t swar_first(uint64_t mask) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return (size_t)__builtin_ctzll(mask) >> 3;
#else
  unsigned char bytes[8];
  memcpy(bytes, &mask, 8);
  size_t i = 0;
  while (!(bytes[i] & 0x80))
    i++;
  return i;
#endif
}

#endif
