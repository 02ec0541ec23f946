/* Missing-event steps. */
#include "eval/missing.h"

#include <string.h>

#include "eval/timeline.h"

/* The events of a missing step under the sequence's join key (the step's own key fields, compared
 * by position with the sequence's key values), with times in (after, before); the first or the
 * last of them by time. False when there is none. */
static bool find_missing(Matcher *m, const IrQuery *q, const IrStep *step,
                         const Event *const *events, size_t count, const JoinKey *key,
                         const EventTime *after, const EventTime *before, bool want_last,
                         EventTime *found) {
  bool any = false;
  for (size_t i = 0; i < count; i++) {
    EventTime time;
    if (!event_time(events[i], m->fields, &time) || (after && time <= *after) ||
        (before && time >= *before) || !step_matches(m, step, events[i]))
      continue;
    JoinKeys keys;
    join_keys(m->arena, q, step, events[i], &keys);
    bool same_key = false;
    for (size_t k = 0; k < keys.count && !same_key; k++)
      same_key = !key || strcmp(keys.items[k].text, key->text) == 0;
    if (!same_key)
      continue;
    if (!any || (want_last ? time > *found : time < *found))
      *found = time;
    any = true;
    if (!want_last)
      return true; /* events are in time order: the first found is the oldest */
  }
  return any;
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
static bool survives(Matcher *m, const IrQuery *q, const Event *const *events, size_t count,
                     const Chain *chain, const IrStep **steps, size_t n) {
  EventTime first = 0, last = 0, lead = 0, trail = 0, t;
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
      if (find_missing(m, q, steps[j], events, count, chain->key, NULL, &first, true, &t) &&
          (!lead_found || t > lead))
        lead = t, lead_found = true;
    } else if (positive == chain->count) {
      has_trailing = true;
      if (find_missing(m, q, steps[j], events, count, chain->key, &last, NULL, false, &t) &&
          (!trail_found || t < trail))
        trail = t, trail_found = true;
    } else {
      EventTime before_time = 0, after_time = 0;
      event_time(chain->events[positive - 1], m->fields, &after_time);
      event_time(chain->events[positive], m->fields, &before_time);
      if (find_missing(m, q, steps[j], events, count, chain->key, &after_time, &before_time,
                       false, &t))
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
  const Event **entries = arena_array(m->arena, n + 1, sizeof(Event *));
  for (size_t c = 0; c < completed->count; c++) {
    const Chain *chain = &completed->items[c];
    if (!survives(m, q, events, count, chain, steps, n))
      continue;
    for (size_t j = 0, p = 0; j < n; j++)
      entries[j] = steps[j]->missing ? NULL : chain->events[p++];
    chains_push(m->arena, out, entries, n, chain->key);
  }
}
