/* Runs of plain string bytes in JSON text, eight at a time: the readers of event lines spend
 * most of their time inside strings, where a byte needs a second look only when it ends the
 * string ('"'), starts an escape ('\'), is a control character (invalid) or starts a UTF-8
 * sequence (to be validated). */
#ifndef SIGMAC_BASE_JSON_PLAIN_H
#define SIGMAC_BASE_JSON_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The top bit of each of the eight bytes at p that is '"', '\\', below 0x20 or above 0x7f, and
 * perhaps of bytes after the first such (in memory order). The classic tests: (v - 0x01..) & ~v
 * sets the top bit of a byte of v that is 0 (v being x XOR the quote or the backslash),
 * (x - 0x20..) & ~x of a byte below 0x20, x itself of a byte above 0x7f. A borrow can set a top
 * bit only above a byte that set its own, so the lowest bit set is exact. */
static inline uint64_t json_special8(const char *p) {
  const uint64_t ones = 0x0101010101010101ull;
  uint64_t x;
  memcpy(&x, p, 8);
  uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
  uint64_t hit =
      ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((x - ones * 0x20) & ~x) | x;
  return hit & 0x8080808080808080ull;
}

static inline bool json_special(unsigned char c) {
  return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

/* The length of the run of plain bytes at p, at most n; never reads past p + n. */
static inline size_t json_plain_run(const char *p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t hit = json_special8(p + i);
    if (!hit)
      continue;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return i + ((size_t)__builtin_ctzll(hit) >> 3); /* the first byte in memory is the lowest */
#else
    break; /* found below, byte by byte */
#endif
  }
  while (i < n && !json_special((unsigned char)p[i]))
    i++;
  return i;
}

#endif
