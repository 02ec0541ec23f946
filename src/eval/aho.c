/* Aho-Corasick as a DFA over byte classes. */
#include "eval/aho.h"

#include <string.h>

struct Aho {
  uint8_t byte_class[256]; /* lower-cased byte -> class; 0 for bytes no literal has */
  uint32_t classes;
  uint32_t states;
  uint32_t *delta;    /* delta[state * classes + class]: the next state */
  int32_t *first;     /* first literal ending at a state, or -1 */
  int32_t *same_next; /* the next literal with the same text, or -1 */
  uint32_t *dict;     /* the nearest state down the failure links that has a literal; 0: none */
  bool *reports;      /* whether a state, or one down its failure links, ends a literal */
};

static uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c; }

Aho *aho_build(Arena *arena, const char *const *literals, const size_t *lens, size_t count) {
  Aho *a = arena_alloc(arena, sizeof *a);
  size_t total = 1;
  a->classes = 1;
  for (size_t i = 0; i < count; i++) {
    total += lens[i];
    for (size_t k = 0; k < lens[i]; k++) {
      uint8_t c = lower((uint8_t)literals[i][k]);
      if (!a->byte_class[c])
        a->byte_class[c] = (uint8_t)(a->classes < 255 ? a->classes++ : 255);
    }
  }
  for (int c = 'A'; c <= 'Z'; c++)
    a->byte_class[c] = a->byte_class[c | 0x20];
  uint32_t k = a->classes;
  a->delta = arena_array(arena, total * k, sizeof(uint32_t));
  a->first = arena_array(arena, total, sizeof(int32_t));
  a->same_next = arena_array(arena, count + 1, sizeof(int32_t));
  a->dict = arena_array(arena, total, sizeof(uint32_t));
  a->reports = arena_array(arena, total, sizeof(bool));
  uint32_t *fail = arena_array(arena, total, sizeof(uint32_t));
  uint32_t *queue = arena_array(arena, total, sizeof(uint32_t));
  memset(a->first, 0xff, total * sizeof(int32_t));
  a->states = 1;
  /* the trie: an edge to state 0 means none yet (the root is never a child) */
  for (size_t i = 0; i < count; i++) {
    a->same_next[i] = -1;
    if (lens[i] == 0)
      continue;
    uint32_t s = 0;
    for (size_t j = 0; j < lens[i]; j++) {
      uint32_t *edge = &a->delta[s * k + a->byte_class[lower((uint8_t)literals[i][j])]];
      if (!*edge)
        *edge = a->states++;
      s = *edge;
    }
    a->same_next[i] = a->first[s];
    a->first[s] = (int32_t)i;
  }
  /* breadth first: failure links, then the missing edges from the failure state's */
  size_t head = 0, tail = 0;
  for (uint32_t c = 0; c < k; c++)
    if (a->delta[c]) {
      fail[a->delta[c]] = 0;
      queue[tail++] = a->delta[c];
    }
  while (head < tail) {
    uint32_t u = queue[head++];
    a->dict[u] = a->first[fail[u]] >= 0 ? fail[u] : a->dict[fail[u]];
    a->reports[u] = a->first[u] >= 0 || a->dict[u] != 0;
    for (uint32_t c = 0; c < k; c++) {
      uint32_t v = a->delta[u * k + c];
      if (v) {
        fail[v] = a->delta[fail[u] * k + c];
        queue[tail++] = v;
      } else {
        a->delta[u * k + c] = a->delta[fail[u] * k + c];
      }
    }
  }
  return a;
}

void aho_scan(const Aho *a, const char *text, size_t len,
              bool (*found)(uint32_t id, size_t end, void *context), void *context) {
  uint32_t s = 0, k = a->classes;
  const uint32_t *delta = a->delta;
  const uint8_t *cls = a->byte_class;
  for (size_t i = 0; i < len; i++) {
    s = delta[s * k + cls[(uint8_t)text[i]]];
    if (!a->reports[s])
      continue;
    for (uint32_t t = s; t; t = a->dict[t])
      for (int32_t id = a->first[t]; id >= 0; id = a->same_next[id])
        if (found((uint32_t)id, i + 1, context))
          return;
  }
}

size_t aho_bytes(const Aho *a) {
  return (size_t)a->states * a->classes * sizeof(uint32_t) +
         (size_t)a->states * (2 * sizeof(uint32_t) + sizeof(bool) + sizeof(int32_t));
}
