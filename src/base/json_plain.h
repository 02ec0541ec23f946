/* Runs of plain string bytes in JSON text, eight at a time: the readers of event lines spend
 * most of their time inside strings, where a byte needs a second look only when it ends the
 * string ('"'), starts an escape ('\'), is a control character (invalid) or starts a UTF-8
 * sequence (to be validated). */
#ifndef SIGMAC_BASE_JSON_PLAIN_H
#define SIGMAC_BASE_JSON_PLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/swar.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The top bit of each of the eight bytes at p that is '"', '\\', below 0x20 or above 0x7f, and
 * perhaps of bytes after the first such (swar.h): nonzero exactly when one is, the first exact. */
static inline uint64_t json_special8(const char *p) {
  uint64_t x = swar_load(p);
  return swar_zeros(x ^ (SWAR_ONES * '"')) | swar_zeros(x ^ (SWAR_ONES * '\\')) |
         swar_below(x, 0x20) | (x & SWAR_TOPS);
}

static inline bool json_special(unsigned char c) {
  return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

/* The length of the run of plain bytes at p, at most n; never reads past p + n. Sixteen bytes
 * at a time where SSE2 is (every x86-64): a signed compare below 0x20 holds for control
 * characters and for bytes from 0x80 alike. */
static inline size_t json_plain_run(const char *p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                space = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                               _mm_cmplt_epi8(x, space));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask)
      return i + (size_t)__builtin_ctz(mask);
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t hit = json_special8(p + i);
    if (hit)
      return i + swar_first(hit);
  }
  while (i < n && !json_special((unsigned char)p[i]))
    i++;
  return i;
}

#endif
