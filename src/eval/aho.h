/* Aho-Corasick: finds which of many literals occur in a text, in one pass, ignoring ASCII case.
 * The evaluator matches a long Sigma value list with it (match.c), and the gram scanner
 * (grams.h) hands it the literals it cannot file cheaply; the tests compare the two. The automaton
 * is a full DFA over byte classes (the distinct lower-cased bytes of the literals, and one class
 * for every other byte), so a scan costs one table lookup per byte. */
#ifndef SIGMAC_EVAL_AHO_H
#define SIGMAC_EVAL_AHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct Aho Aho;

/* Builds the automaton of count literals (bytes, len each; empty ones are ignored); literal i
 * reports id i. Owned by arena. */
Aho *aho_build(Arena *arena, const char *const *literals, const size_t *lens, size_t count);

/* Calls found(id, end, context) for every occurrence in text[0..len) of a literal, end being the
 * offset just past it; stops early when found returns true. */
void aho_scan(const Aho *aho, const char *text, size_t len,
              bool (*found)(uint32_t id, size_t end, void *context), void *context);

/* Bytes the automaton takes (for the benchmark's memory figures). */
size_t aho_bytes(const Aho *aho);

#endif
