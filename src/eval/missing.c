/* Missing-event steps. */
#include "eval/missing.h"

#include <string.h>

#include "eval/timeline.h"

/* The events in time order with their times; those without a time come first and are skipped. */
typedef struct Timeline {
  const Event *const *events;
  const EventTime *times;
  size_t first_timed; /* the events before it have no time */
  size_t count;
} Timeline;

/* The first position at or after first_timed whose time is greater than t. */
static size_t after_time(const Timeline *t, EventTime at) {
  size_t lo = t->first_timed, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->times[mid] <= at)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The first position whose time is at least t. */
static size_t from_time(const Timeline *t, EventTime at) {
  size_t lo = t->first_timed, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->times[mid] < at)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static bool is_missing_event(Matcher *m, const IrQuery *q, const IrStep *step, const Event *event,
                             const JoinKey *key) {
  if (!step_matches(m, step, event))
    return false;
  JoinKeys keys;
  join_keys(m->arena, q, step, event, &keys);
  for (size_t k = 0; k < keys.count; k++)
    if (!key || strcmp(keys.items[k].text, key->text) == 0)
      return true;
  return false;
}

/* An event of a missing step under the sequence's join key (the step's own key fields, compared
 * by position with the sequence's key values), with a time in (after, before); the oldest, or
 * with want_last the newest. Binary search finds the window: events are in time order. */
static bool find_missing(Matcher *m, const IrQuery *q, const IrStep *step, const Timeline *t,
                         const JoinKey *key, const EventTime *after, const EventTime *before,
                         bool want_last, EventTime *found) {
  size_t from = after ? after_time(t, *after) : t->first_timed;
  size_t to = before ? from_time(t, *before) : t->count;
  if (want_last) {
    for (size_t i = to; i-- > from;)
      if (is_missing_event(m, q, step, t->events[i], key))
        return (*found = t->times[i]), true;
    return false;
  }
  for (size_t i = from; i < to; i++)
    if (is_missing_event(m, q, step, t->events[i], key))
      return (*found = t->times[i]), true;
  return false;
}

/* The steps as the result lists them: each step 'runs' times. */
static size_t layout(const IrQuery *q, const IrStep **steps) {
  size_t n = 0;
  for (size_t i = 0; i < q->step_count; i++)
    for (long r = 0; r < (q->steps[i].runs > 1 ? q->steps[i].runs : 1); r++) {
      if (steps)
        steps[n] = &q->steps[i];
      n++;
    }
  return n;
}

/* Whether a completed sequence survives its missing steps, as Elasticsearch's TumblingWindow
 * decides it (doCheckMissingEvents): an event of a step between two positive events (times
 * strictly between theirs) discards the sequence; leading and trailing steps count only
 * together: the newest leading event (before the first positive one) and the oldest trailing
 * event (after the last) discard it when they are within maxspan of each other, or of the last
 * (first) positive event when the query has only leading (trailing) steps. */
static bool survives(Matcher *m, const IrQuery *q, const Timeline *t, const Chain *chain,
                     const IrStep **steps, size_t n) {
  EventTime first = 0, last = 0, lead = 0, trail = 0, found;
  event_time(chain->events[0], m->fields, &first);
  event_time(chain->events[chain->count - 1], m->fields, &last);
  bool has_leading = false, has_trailing = false, lead_found = false, trail_found = false;
  size_t positive = 0; /* positive entries before entry j */
  for (size_t j = 0; j < n; j++) {
    if (!steps[j]->missing) {
      positive++;
      continue;
    }
    if (positive == 0) {
      has_leading = true;
      if (find_missing(m, q, steps[j], t, chain->key, NULL, &first, true, &found) &&
          (!lead_found || found > lead))
        lead = found, lead_found = true;
    } else if (positive == chain->count) {
      has_trailing = true;
      if (find_missing(m, q, steps[j], t, chain->key, &last, NULL, false, &found) &&
          (!trail_found || found < trail))
        trail = found, trail_found = true;
    } else {
      EventTime before_time = 0, after_time = 0;
      event_time(chain->events[positive - 1], m->fields, &after_time);
      event_time(chain->events[positive], m->fields, &before_time);
      if (find_missing(m, q, steps[j], t, chain->key, &after_time, &before_time, false, &found))
        return false;
    }
  }
  long long span = q->maxspan_ms * EVENT_NS_PER_MS;
  if (has_leading && has_trailing)
    return !(lead_found && trail_found && trail - lead <= span);
  if (has_leading)
    return !(lead_found && last - lead <= span);
  if (has_trailing)
    return !(trail_found && trail - first <= span);
  return true;
}

void missing_filter(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                    const Chains *completed, Chains *out) {
  size_t n = layout(q, NULL);
  const IrStep **steps = arena_array(m->arena, n + 1, sizeof(IrStep *));
  layout(q, steps);
  bool any_missing = false;
  for (size_t i = 0; i < q->step_count; i++)
    any_missing = any_missing || q->steps[i].missing;
  if (!any_missing) {
    *out = *completed;
    return;
  }
  Timeline t = {events, arena_array(m->arena, count + 1, sizeof(EventTime)), 0, count};
  EventTime *times = (EventTime *)t.times;
  for (size_t i = 0; i < count; i++)
    if (!event_time(events[i], m->fields, &times[i]))
      t.first_timed = i + 1; /* the events without a time come first (events_in_time_order) */
  const Event **entries = arena_array(m->arena, n + 1, sizeof(Event *));
  for (size_t c = 0; c < completed->count; c++) {
    const Chain *chain = &completed->items[c];
    if (!survives(m, q, &t, chain, steps, n))
      continue;
    for (size_t j = 0, p = 0; j < n; j++)
      entries[j] = steps[j]->missing ? NULL : chain->events[p++];
    chains_push(m->arena, out, entries, n, chain->key);
  }
}
