/* Sequences as Elasticsearch's SequenceMatcher runs them (eql-semantics.md section 7): one state
 * machine per join key, at most one pending sequence per state (a newer one replaces an older),
 * maxspan measured from the first event and inclusive, 'until' ending the key's pending
 * sequences, 'runs' repeating a step. Samples (section 8): per join key, one event per step in
 * any order, whatever the timestamps. */
#include "eval/sequence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval/expr.h"

/* ---- time -------------------------------------------------------------------------------------- */

static long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

double event_time(const Event *event, const EvalFields *fields) {
  const json_t *v = event_field(event, fields->time, false);
  if (json_is_number(v))
    return json_number_value(v);
  if (!json_is_string(v))
    return 0;
  const char *text = json_string_value(v);
  if (*text && strspn(text, "0123456789.") == strlen(text)) /* epoch milliseconds as text */
    return strtod(text, NULL);
  int year, month, day, hour = 0, minute = 0;
  double second = 0;
  if (sscanf(json_string_value(v), "%d-%d-%d%*c%d:%d:%lf", &year, &month, &day, &hour, &minute,
             &second) < 3)
    return 0;
  return ((double)days_from_civil(year, (unsigned)month, (unsigned)day) * 86400.0 + hour * 3600.0 +
          minute * 60.0 + second) * 1000.0;
}

typedef struct Timed {
  const Event *event;
  double time;
  double tiebreaker; /* events without one sort after those with one */
} Timed;

static int by_time(const void *a, const void *b) {
  const Timed *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->tiebreaker != y->tiebreaker)
    return x->tiebreaker < y->tiebreaker ? -1 : 1;
  return x->event->index < y->event->index ? -1 : x->event->index > y->event->index;
}

bool event_in_category(const Event *event, const char *category, const EvalFields *fields) {
  if (!category)
    return true;
  const json_t *c = event_field(event, fields->category, false);
  if (json_is_string(c))
    return strcmp(json_string_value(c), category) == 0;
  size_t i;
  json_t *item;
  json_array_foreach(c, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), category) == 0)
      return true;
  }
  return false;
}

const Event **events_in_time_order(Arena *arena, const EventSet *events, const EvalFields *fields) {
  Timed *timed = arena_array(arena, events->count + 1, sizeof(Timed));
  for (size_t i = 0; i < events->count; i++) {
    const json_t *t = fields->tiebreaker ? event_field(&events->events[i], fields->tiebreaker, false)
                                         : NULL;
    timed[i] = (Timed){&events->events[i], event_time(&events->events[i], fields),
                       json_is_number(t) ? json_number_value(t) : 1e300};
  }
  qsort(timed, events->count, sizeof(Timed), by_time);
  const Event **order = arena_array(arena, events->count + 1, sizeof(Event *));
  for (size_t i = 0; i < events->count; i++)
    order[i] = timed[i].event;
  return order;
}

/* ---- keys ------------------------------------------------------------------------------------ */

/* The join key of an event at a step: the values of the shared keys, then the step's, joined;
 * NULL when one is missing (such an event takes no part), unless the key is optional ('?'). */
static char *key_of(Arena *arena, const IrQuery *q, const IrStep *step, const Event *event) {
  size_t total = q->by.count + step->by.count;
  char *key = arena_strdup(arena, "");
  for (size_t k = 0; k < total; k++) {
    const char *name = k < q->by.count ? q->by.items[k] : step->by.items[k - q->by.count];
    bool optional = name[0] == '?';
    const json_t *v = event_field(event, name + optional, false);
    if (json_is_array(v))
      v = json_array_size(v) ? json_array_get(v, 0) : NULL;
    char *text = v && !json_is_null(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
    if (!text && !optional)
      return NULL;
    key = arena_printf(arena, "%s\x1f%s", key, text ? text : "null");
    free(text);
  }
  return key;
}

static bool step_matches(Matcher *m, const IrStep *step, const Event *event) {
  return event_in_category(event, step->category, m->fields) &&
         match_node(m, step->where, event) == T_TRUE;
}

/* ---- sequences ------------------------------------------------------------------------------- */

typedef struct Pending {
  const Event **events; /* the events matched so far, one per stage */
  size_t count;
  double first;         /* time of the first */
} Pending;

typedef struct KeyState {
  const char *key;
  Pending **slots;      /* slots[s]: the pending sequence that has matched stages 0..s */
} KeyState;

typedef struct Machine {
  Arena *arena;
  const IrStep **stages; /* the steps, each repeated 'runs' times */
  size_t stage_count;
  KeyState *states;      /* open addressing by key */
  size_t capacity;
  size_t used;
} Machine;

static size_t hash_text(const char *s) {
  size_t h = 5381;
  for (; *s; s++)
    h = h * 33 + (unsigned char)*s;
  return h;
}

static KeyState *state_of(Machine *mc, const char *key) {
  if (mc->used * 2 >= mc->capacity) {
    KeyState *old = mc->states;
    size_t old_capacity = mc->capacity;
    mc->capacity = old_capacity ? old_capacity * 2 : 64;
    mc->states = arena_array(mc->arena, mc->capacity, sizeof(KeyState));
    for (size_t i = 0; i < old_capacity; i++)
      if (old[i].key) {
        size_t k = hash_text(old[i].key) & (mc->capacity - 1);
        while (mc->states[k].key)
          k = (k + 1) & (mc->capacity - 1);
        mc->states[k] = old[i];
      }
  }
  size_t k = hash_text(key) & (mc->capacity - 1);
  while (mc->states[k].key && strcmp(mc->states[k].key, key) != 0)
    k = (k + 1) & (mc->capacity - 1);
  if (!mc->states[k].key) {
    mc->states[k].key = key;
    mc->states[k].slots = arena_array(mc->arena, mc->stage_count, sizeof(Pending *));
    mc->used++;
  }
  return &mc->states[k];
}

static Pending *extend(Arena *arena, const Pending *from, const Event *event, double time,
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

static void emit(Arena *arena, Chains *out, const Pending *p) {
  out->items = arena_grow(arena, out->items, out->count, out->count + 1, sizeof(Chain));
  out->items[out->count].events = p->events;
  out->items[out->count++].count = p->count;
}

/* One event through the machine: the latest stage first, so an event never fills two stages of
 * one sequence. */
static void advance(Matcher *m, Machine *mc, const IrQuery *q, const Event *event, Chains *out) {
  size_t n = mc->stage_count;
  for (size_t s = n; s-- > 0;) {
    const IrStep *step = mc->stages[s];
    if (!step_matches(m, step, event))
      continue;
    const char *key = key_of(mc->arena, q, step, event);
    if (!key)
      continue;
    KeyState *ks = state_of(mc, key);
    Pending *before = s ? ks->slots[s - 1] : NULL;
    if (s && !before)
      continue;
    double time = event_time(event, m->fields);
    if (before && q->maxspan_ms && time - before->first > (double)q->maxspan_ms) {
      ks->slots[s - 1] = NULL; /* too late: the span is measured from the first event */
      continue;
    }
    Pending *grown = extend(mc->arena, before, event, time, n);
    if (s)
      ks->slots[s - 1] = NULL;
    if (s == n - 1)
      emit(mc->arena, out, grown);
    else
      ks->slots[s] = grown; /* a newer sequence in a state replaces the older */
  }
}

static void until(Matcher *m, Machine *mc, const IrQuery *q, const Event *event) {
  if (!q->until || !step_matches(m, q->until, event))
    return;
  const char *key = key_of(mc->arena, q, q->until, event);
  if (!key)
    return;
  KeyState *ks = state_of(mc, key);
  memset(ks->slots, 0, mc->stage_count * sizeof(Pending *));
}

static void run_sequence(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                         Chains *out) {
  Machine mc = {.arena = m->arena};
  for (size_t i = 0; i < q->step_count; i++)
    mc.stage_count += (size_t)(q->steps[i].runs > 1 ? q->steps[i].runs : 1);
  mc.stages = arena_array(m->arena, mc.stage_count, sizeof(IrStep *));
  for (size_t i = 0, s = 0; i < q->step_count; i++)
    for (long r = 0; r < (q->steps[i].runs > 1 ? q->steps[i].runs : 1); r++)
      mc.stages[s++] = &q->steps[i];
  for (size_t e = 0; e < count && !m->failed; e++) {
    until(m, &mc, q, events[e]);
    advance(m, &mc, q, events[e], out);
  }
}

/* ---- samples --------------------------------------------------------------------------------- */

/* Per join key (in order of first appearance), the first event of each step, all distinct. */
static void run_sample(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                       Chains *out) {
  const char **keys = arena_array(m->arena, count + 1, sizeof(char *));
  size_t key_count = 0;
  for (size_t e = 0; e < count; e++)
    for (size_t s = 0; s < q->step_count; s++) {
      const char *key = step_matches(m, &q->steps[s], events[e])
                            ? key_of(m->arena, q, &q->steps[s], events[e])
                            : NULL;
      bool seen = !key;
      for (size_t k = 0; k < key_count && !seen; k++)
        seen = strcmp(keys[k], key) == 0;
      if (!seen)
        keys[key_count++] = key;
    }
  for (size_t k = 0; k < key_count; k++) {
    Pending sample = {arena_array(m->arena, q->step_count, sizeof(Event *)), 0, 0};
    for (size_t s = 0; s < q->step_count; s++)
      for (size_t e = 0; e < count; e++) {
        bool used = false;
        for (size_t i = 0; i < sample.count; i++)
          used = used || sample.events[i] == events[e];
        const char *key;
        if (!used && step_matches(m, &q->steps[s], events[e]) &&
            (key = key_of(m->arena, q, &q->steps[s], events[e])) && strcmp(key, keys[k]) == 0) {
          sample.events[sample.count++] = events[e];
          break;
        }
      }
    if (sample.count == q->step_count)
      emit(m->arena, out, &sample);
  }
}

static void apply_pipes(const IrQuery *q, Chains *out) {
  for (size_t i = 0; i < q->pipe_count; i++) {
    size_t n = (size_t)q->pipes[i].count;
    if (n >= out->count)
      continue;
    if (q->pipes[i].kind == IR_PIPE_TAIL)
      out->items += out->count - n;
    out->count = n;
  }
}

bool sequence_run(Matcher *m, const IrRule *rule, const IrQuery *query, const Event *const *events,
                  size_t count, Chains *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < query->step_count; i++)
    if (query->steps[i].missing) {
      diag_report(m->diags, DIAG_ERROR, rule->src, (Span){rule->span.start, rule->span.start + 1},
                  "eval-unsupported", "evaluating missing events ('![...]') is not supported yet");
      return false;
    }
  if (query->kind == IR_QUERY_SAMPLE)
    run_sample(m, query, events, count, out);
  else
    run_sequence(m, query, events, count, out);
  apply_pipes(query, out);
  return !m->failed;
}
