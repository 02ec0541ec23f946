/* Runs of plain string bytes in JSON text, eight at a time: the readers of event lines spend
 * most of their time inside strings, where a byte needs a second look only when it ends the
 * string ('"'), starts an escape ('\'), is a control character (invalid) or starts a UTF-8
 * sequence (to be validated). */
#ifndef SIGMAC_BASE_JSON_PLAIN_H
#define SIGMAC_BASE_JSON_PLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/swar.h"

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

/* The length of the run of plain bytes at p, at most n; never reads past p + n. */
static inline size_t json_plain_run(const char *p, size_t n) {
  size_t i = 0;
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
