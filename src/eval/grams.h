/* Which of many literals occur in a text, ignoring ASCII case, found through rare grams: each
 * literal is filed under one gram of it (four bytes, or the whole literal when shorter): of
 * those with eight bytes of the literal from them when it has such, the one fewest literals
 * share. Two filters small enough to stay in the cache say at each position of the text whether
 * a filed gram may start there, and only then are the literals filed under it compared: one
 * with a bit per hash of the eight bytes from such a gram (a position of a hash value often
 * starts four bytes that one of thousands of hashes has, seldom eight), one with a word per hash
 * of another gram's first three bytes and a bit in it for the fourth.
 * The prefilter runs it over every event: an Aho-Corasick automaton of its 23,000 anchors is a
 * 40 MB table in which a scan waits on a cache miss at nearly every byte, where this takes two
 * loads per byte from 256 KB, independent of the ones before. A literal
 * whose every gram already has 32 literals filed under it ("aaaaa" when "aaaa" is all it
 * holds) would make one position cost too many compares: such literals go to a small
 * Aho-Corasick automaton scanned as well, so a scan stays linear in the text whatever the
 * literals. */
#ifndef SIGMAC_EVAL_GRAMS_H
#define SIGMAC_EVAL_GRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct Grams Grams;

/* Files count literals (bytes, len each; empty ones are ignored); literal i reports id i. The
 * literals are copied. Owned by arena. */
Grams *grams_build(Arena *arena, const char *const *literals, const size_t *lens, size_t count);

/* The same for a few long literals searched in much text (Sigma keywords in every value no field
 * reads): when the shortest nonempty literal has m >= 6 bytes, the scan looks at every
 * (m - 3)-th position only, each literal being filed under its grams at its first m - 3 offsets
 * (any occurrence covers one looked-at position with one of them); shorter literals make it
 * what grams_build() makes. */
Grams *grams_build_sampled(Arena *arena, const char *const *literals, const size_t *lens,
                           size_t count);

/* Every how many positions a scan looks: 1, or more for a sampled scanner. */
size_t grams_stride(const Grams *grams);

/* How many filed grams the wide filter tells by the eight bytes from them in their literal. */
size_t grams_wide_count(const Grams *grams);

/* Calls found(id, end, context) for every occurrence in text[0..len) of a literal, end being the
 * offset just past it, in no particular order; stops early when found returns true. */
void grams_scan(const Grams *grams, const char *text, size_t len,
                bool (*found)(uint32_t id, size_t end, void *context), void *context);

/* Bytes the scanner takes (for the benchmark's memory figures). */
size_t grams_bytes(const Grams *grams);

#endif
