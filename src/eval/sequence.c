/* Sequences as Elasticsearch's SequenceMatcher runs them (eql-semantics.md section 7): one state
 * machine per join key, at most one pending sequence per state (a newer one replaces an older),
 * maxspan measured from the first event and inclusive, 'until' ending the key's pending
 * sequences, 'runs' repeating a step. Missing-event steps ('![...]') take no part in the machine:
 * each sequence it completes is then checked against them (missing.c). */
#include "eval/sequence.h"

#include <string.h>

#include "base/hash.h"
#include "eval/missing.h"
#include "eval/timeline.h"

bool step_matches(Matcher *m, const IrStep *step, const Event *event) {
  return event_in_category(event, step->category, m->fields) &&
         match_node(m, step->where, event) == T_TRUE;
}

void chains_push(Arena *arena, Chains *out, const Event *const *events, size_t count,
                 const JoinKey *key) {
  if (out->count == out->capacity) {
    size_t capacity = out->capacity ? out->capacity * 2 : 8;
    out->items = arena_grow(arena, out->items, out->count, capacity, sizeof(Chain));
    out->capacity = capacity;
  }
  const Event **copy = arena_array(arena, count + 1, sizeof(Event *));
  memcpy(copy, events, count * sizeof(Event *));
  out->items[out->count++] = (Chain){copy, count, key};
}

/* ---- the state machine ------------------------------------------------------------------------
 */

typedef struct Pending {
  const Event **events; /* the events matched so far, one per stage */
  size_t count;
  EventTime first; /* time of the first */
} Pending;

typedef struct KeyState {
  const JoinKey *key;
  Pending **slots; /* slots[s]: the pending sequence that has matched stages 0..s */
} KeyState;

typedef struct Machine {
  Arena *arena;          /* the machine's own: keys, pending sequences, the table */
  Arena *out;            /* where completed sequences go */
  const IrStep **stages; /* the positive steps, each repeated 'runs' times */
  size_t stage_count;
  KeyState *states; /* open addressing by key text */
  size_t capacity;
  size_t used;
} Machine;

enum { SWEEP_EVERY = 4096 }; /* events between two evictions of expired state */

static KeyState *state_of(Machine *mc, const JoinKey *key) {
  if (mc->used * 2 >= mc->capacity) {
    KeyState *old = mc->states;
    size_t old_capacity = mc->capacity;
    mc->capacity = old_capacity ? old_capacity * 2 : 64;
    mc->states = arena_array(mc->arena, mc->capacity, sizeof(KeyState));
    for (size_t i = 0; i < old_capacity; i++)
      if (old[i].key) {
        size_t k = hash_text(old[i].key->text) & (mc->capacity - 1);
        while (mc->states[k].key)
          k = (k + 1) & (mc->capacity - 1);
        mc->states[k] = old[i];
      }
  }
  size_t k = hash_text(key->text) & (mc->capacity - 1);
  while (mc->states[k].key && strcmp(mc->states[k].key->text, key->text) != 0)
    k = (k + 1) & (mc->capacity - 1);
  if (!mc->states[k].key) {
    mc->states[k].key = key;
    mc->states[k].slots = arena_array(mc->arena, mc->stage_count, sizeof(Pending *));
    mc->used++;
  }
  return &mc->states[k];
}

static Pending *extend(Arena *arena, const Pending *from, const Event *event, EventTime time,
                       size_t size) {
  Pending *p = arena_alloc(arena, sizeof *p);
  p->events = arena_array(arena, size, sizeof(Event *));
  if (from) {
    memcpy(p->events, from->events, from->count * sizeof(Event *));
    p->count = from->count;
    p->first = from->first;
  } else {
    p->first = time;
  }
  p->events[p->count++] = event;
  return p;
}

static const JoinKey *copy_key(Arena *arena, const JoinKey *key) {
  JoinKey *copy = arena_alloc(arena, sizeof *copy);
  copy->parts = arena_array(arena, key->count + 1, sizeof(json_t *));
  memcpy(copy->parts, key->parts, key->count * sizeof(json_t *));
  copy->count = key->count;
  copy->text = arena_strdup(arena, key->text);
  return copy;
}

/* Evicts what maxspan has expired: the pending sequences whose first event is more than maxspan
 * before now can never complete. The live state moves to a fresh arena and the old one is freed,
 * so that memory follows the keys active within maxspan, not every key ever seen. */
static void sweep(Machine *mc, EventTime now, long long maxspan_ns) {
  Arena fresh;
  arena_init(&fresh);
  Machine next = *mc;
  next.arena = &fresh;
  next.capacity = 64;
  while (next.capacity < mc->used * 2 + 2)
    next.capacity *= 2;
  next.states = arena_array(&fresh, next.capacity, sizeof(KeyState));
  next.used = 0;
  for (size_t i = 0; i < mc->capacity; i++) {
    const KeyState *old = &mc->states[i];
    bool live = false;
    for (size_t s = 0; old->key && s < mc->stage_count && !live; s++)
      live = old->slots[s] && now - old->slots[s]->first <= maxspan_ns;
    if (!live)
      continue;
    KeyState *ks = state_of(&next, copy_key(&fresh, old->key));
    for (size_t s = 0; s < mc->stage_count; s++) {
      const Pending *p = old->slots[s];
      if (!p || now - p->first > maxspan_ns)
        continue;
      Pending *copy = arena_alloc(&fresh, sizeof *copy);
      *copy = *p;
      copy->events = arena_array(&fresh, mc->stage_count, sizeof(Event *));
      memcpy(copy->events, p->events, p->count * sizeof(Event *));
      ks->slots[s] = copy;
    }
  }
  arena_free(mc->arena);
  *mc->arena = fresh; /* the machine's arena object stays where it is */
  next.arena = mc->arena;
  *mc = next;
}

/* Whether the event is an until event under key. */
static bool ends_key(const JoinKeys *until_keys, const JoinKey *key) {
  for (size_t k = 0; k < until_keys->count; k++)
    if (strcmp(until_keys->items[k].text, key->text) == 0)
      return true;
  return false;
}

/* One event through the machine: the latest stage first, so that an event never fills two stages
 * of one sequence; under each of its join keys. An event that is also an until event of the key
 * completes a sequence but does not carry one on to a middle stage (Elasticsearch checks until
 * events between a pending sequence's last event and the next, that one included, except for
 * the completing event). */
static void advance(Matcher *m, Machine *mc, const IrQuery *q, const Event *event,
                    const JoinKeys *until_keys, Chains *completed) {
  size_t n = mc->stage_count;
  EventTime time = 0;
  event_time(event, m->fields, &time);
  long long maxspan_ns = q->maxspan_ms * EVENT_NS_PER_MS;
  for (size_t s = n; s-- > 0;) {
    const IrStep *step = mc->stages[s];
    if (!step_matches(m, step, event))
      continue;
    JoinKeys keys;
    join_keys(mc->arena, q, step, event, &keys);
    for (size_t k = 0; k < keys.count; k++) {
      KeyState *ks = state_of(mc, &keys.items[k]);
      Pending *before = s ? ks->slots[s - 1] : NULL;
      if (s && !before)
        continue;
      if (before && ((q->maxspan_ms && time - before->first > maxspan_ns) ||
                     (s < n - 1 && ends_key(until_keys, ks->key)))) {
        ks->slots[s - 1] =
            NULL; /* too late (the span is measured from the first event), or ended */
        continue;
      }
      Pending *grown = extend(mc->arena, before, event, time, n);
      if (s)
        ks->slots[s - 1] = NULL;
      if (s == n - 1)
        chains_push(mc->out, completed, grown->events, grown->count, copy_key(mc->out, ks->key));
      else
        ks->slots[s] = grown; /* a newer sequence in a state replaces the older */
    }
  }
}

/* An until event ends the pending sequences of its key, but for those it has just started. */
static void until(Machine *mc, const Event *event, const JoinKeys *keys) {
  for (size_t k = 0; k < keys->count; k++) {
    KeyState *ks = state_of(mc, &keys->items[k]);
    for (size_t s = 0; s < mc->stage_count; s++)
      if (ks->slots[s] && ks->slots[s]->events[ks->slots[s]->count - 1] != event)
        ks->slots[s] = NULL;
  }
}

static void run_sequence(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                         Chains *out) {
  Arena own;
  arena_init(&own);
  Machine mc = {.arena = &own, .out = m->arena};
  for (size_t i = 0; i < q->step_count; i++)
    if (!q->steps[i].missing)
      mc.stage_count += (size_t)(q->steps[i].runs > 1 ? q->steps[i].runs : 1);
  mc.stages = arena_array(m->arena, mc.stage_count + 1, sizeof(IrStep *));
  for (size_t i = 0, s = 0; i < q->step_count; i++)
    for (long r = 0; !q->steps[i].missing && r < (q->steps[i].runs > 1 ? q->steps[i].runs : 1); r++)
      mc.stages[s++] = &q->steps[i];
  Chains completed = {0};
  long long maxspan_ns = q->maxspan_ms * EVENT_NS_PER_MS;
  for (size_t e = 0; e < count && !m->failed; e++) {
    JoinKeys until_keys = {0};
    if (q->until && step_matches(m, q->until, events[e]))
      join_keys(mc.arena, q, q->until, events[e], &until_keys);
    advance(m, &mc, q, events[e], &until_keys, &completed);
    until(&mc, events[e], &until_keys);
    EventTime now;
    if (maxspan_ns && (e + 1) % SWEEP_EVERY == 0 && event_time(events[e], m->fields, &now))
      sweep(&mc, now, maxspan_ns);
    if (mc.used > m->sequence_state_peak)
      m->sequence_state_peak = mc.used;
  }
  arena_free(&own);
  missing_filter(m, q, events, count, &completed, out);
}

void chains_limit(Chains *out, const IrQuery *q, const SearchLimits *limits) {
  for (size_t i = 0; q && i < q->pipe_count; i++) {
    size_t n = (size_t)q->pipes[i].count;
    if (n >= out->count)
      continue;
    if (q->pipes[i].kind == IR_PIPE_TAIL)
      out->items += out->count - n;
    out->count = n;
  }
  if (limits && limits->size >= 0 && (size_t)limits->size < out->count)
    out->count = (size_t)limits->size;
}

bool sequence_run(Matcher *m, const IrQuery *query, const Event *const *events, size_t count,
                  Chains *out) {
  memset(out, 0, sizeof *out);
  if (query->kind == IR_QUERY_SAMPLE)
    sample_run(m, query, events, count, out);
  else
    run_sequence(m, query, events, count, out);
  chains_limit(out, query, m->limits);
  return !m->failed;
}
