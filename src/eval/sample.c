/* Samples as Elasticsearch runs them (eql-semantics.md section 8): the distinct join keys, in key
 * order; for each, the events of every step in index order (a search without sort), whatever
 * their timestamps; and up to max_samples_per_key samples built from them, the i-th sample taking
 * each step's i-th event (or its last one), never one event twice in a sample. */
#include "eval/sequence.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

typedef struct KeyGroup {
  const JoinKey *key;
  const Event ***by_step; /* per step, its events under this key, in input order */
  size_t *counts;
  size_t *capacities;
} KeyGroup;

typedef struct Groups {
  KeyGroup *items;
  size_t count, capacity;
  size_t *slots; /* open addressing by key text: index + 1 into items; 0: free */
  size_t slot_count;
} Groups;

static size_t *slot_of(const Groups *groups, const char *text) {
  size_t i = hash_text(text) & (groups->slot_count - 1);
  while (groups->slots[i] && strcmp(groups->items[groups->slots[i] - 1].key->text, text) != 0)
    i = (i + 1) & (groups->slot_count - 1);
  return &groups->slots[i];
}

static int by_input_order(const void *a, const void *b) {
  const Event *x = *(const Event *const *)a, *y = *(const Event *const *)b;
  return x->index < y->index ? -1 : x->index > y->index;
}

static int by_key(const void *a, const void *b) {
  return join_key_compare(((const KeyGroup *)a)->key, ((const KeyGroup *)b)->key);
}

static KeyGroup *group_of(Arena *arena, Groups *groups, const JoinKey *key, size_t steps) {
  if ((groups->count + 1) * 2 > groups->slot_count) { /* rehash into twice the slots */
    groups->slot_count = groups->slot_count ? groups->slot_count * 2 : 64;
    groups->slots = arena_array(arena, groups->slot_count, sizeof(size_t));
    for (size_t i = 0; i < groups->count; i++)
      *slot_of(groups, groups->items[i].key->text) = i + 1;
  }
  size_t *slot = slot_of(groups, key->text);
  if (*slot)
    return &groups->items[*slot - 1];
  if (groups->count == groups->capacity) {
    groups->capacity = groups->capacity ? groups->capacity * 2 : 16;
    groups->items =
        arena_grow(arena, groups->items, groups->count, groups->capacity, sizeof(KeyGroup));
  }
  KeyGroup *g = &groups->items[groups->count++];
  *slot = groups->count;
  g->key = key;
  g->by_step = arena_array(arena, steps, sizeof(Event **));
  g->counts = arena_array(arena, steps, sizeof(size_t));
  g->capacities = arena_array(arena, steps, sizeof(size_t));
  return g;
}

static void add_event(Arena *arena, KeyGroup *g, size_t step, const Event *event) {
  if (g->counts[step] == g->capacities[step]) {
    size_t capacity = g->capacities[step] ? g->capacities[step] * 2 : 4;
    g->by_step[step] =
        arena_grow(arena, g->by_step[step], g->counts[step], capacity, sizeof(Event *));
    g->capacities[step] = capacity;
  }
  g->by_step[step][g->counts[step]++] = event;
}

/* The i-th sample of a key: each step's i-th event, or its first one not in the sample yet. */
static bool build_sample(const KeyGroup *g, size_t steps, size_t i, const Event **sample) {
  for (size_t s = 0; s < steps; s++) {
    sample[s] = NULL;
    size_t n = g->counts[s];
    for (size_t k = 0; k < n && !sample[s]; k++) {
      const Event *candidate = g->by_step[s][(i + k < n ? i + k : (i + k) % n)];
      if (i + k >= n && k == 0)
        candidate = g->by_step[s][n - 1];
      bool used = false;
      for (size_t t = 0; t < s; t++)
        used = used || sample[t] == candidate;
      if (!used)
        sample[s] = candidate;
    }
    if (!sample[s])
      return false;
  }
  return true;
}

void sample_run(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                Chains *out) {
  const Event **input = arena_array(m->arena, count + 1, sizeof(Event *));
  memcpy(input, events, count * sizeof(Event *));
  qsort(input, count, sizeof(Event *), by_input_order);
  Groups groups = {0};
  for (size_t e = 0; e < count && !m->failed; e++)
    for (size_t s = 0; s < q->step_count; s++) {
      if (!step_matches(m, &q->steps[s], input[e]))
        continue;
      JoinKeys keys;
      join_keys(m->arena, q, &q->steps[s], input[e], &keys);
      for (size_t k = 0; k < keys.count; k++) {
        KeyGroup *g = group_of(m->arena, &groups, &keys.items[k], q->step_count);
        add_event(m->arena, g, s, input[e]);
      }
    }
  if (groups.count) /* qsort must not see the NULL array of no groups */
    qsort(groups.items, groups.count, sizeof(KeyGroup), by_key);
  const Event **sample = arena_array(m->arena, q->step_count + 1, sizeof(Event *));
  long long per_key = m->limits->max_samples_per_key > 0 ? m->limits->max_samples_per_key : 1;
  for (size_t k = 0; k < groups.count; k++) {
    const KeyGroup *g = &groups.items[k];
    size_t most = 0; /* a key has no more distinct samples than its most-matched step has events */
    for (size_t s = 0; s < q->step_count; s++)
      most = g->counts[s] > most ? g->counts[s] : most;
    for (size_t i = 0; i < most && (long long)i < per_key; i++)
      if (build_sample(g, q->step_count, i, sample))
        chains_push(m->arena, out, sample, q->step_count, g->key);
  }
}
