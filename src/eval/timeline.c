/* Event time and order. */
#include "eval/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

bool read_digits(const char **p, const char *end, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (*p >= end || **p < '0' || **p > '9')
      return false;
    v = v * 10 + (**p - '0');
  }
  *out = v;
  return true;
}

/* Up to nine fraction digits as nanoseconds (more are dropped). */
static long long fraction_ns(const char **p, const char *end) {
  long long ns = 0;
  int n = 0;
  for (; *p < end && **p >= '0' && **p <= '9'; (*p)++)
    if (n < 9)
      ns = ns * 10 + (**p - '0'), n++;
  for (; n < 9; n++)
    ns *= 10;
  return ns;
}

static bool epoch_millis(const char *text, const char *end, EventTime *out) {
  const char *p = text;
  bool negative = p < end && *p == '-';
  p += negative;
  if (p >= end || *p < '0' || *p > '9')
    return false;
  long long ms = 0;
  for (; p < end && *p >= '0' && *p <= '9'; p++) {
    if (ms > 9000000000000LL) /* beyond year 2255: not a time we can hold in nanoseconds */
      return false;
    ms = ms * 10 + (*p - '0');
  }
  long long ns = 0;
  if (p < end && *p == '.') {
    p++;
    ns = fraction_ns(&p, end) / 1000; /* a fraction of a millisecond: six digits of ns */
  }
  if (p != end)
    return false;
  EventTime t = ms * EVENT_NS_PER_MS + ns;
  *out = negative ? -t : t;
  return true;
}

bool timestamp_parse(const char *text, size_t len, EventTime *out) {
  const char *p = text, *end = text + len;
  if (epoch_millis(text, end, out))
    return true;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!read_digits(&p, end, 4, &year) || p >= end || *p++ != '-' ||
      !read_digits(&p, end, 2, &month) || p >= end || *p++ != '-' ||
      !read_digits(&p, end, 2, &day) || month < 1 || month > 12 || day < 1 || day > 31)
    return false;
  long long ns = 0, offset_minutes = 0;
  if (p < end && (*p == 'T' || *p == ' ')) {
    p++;
    if (!read_digits(&p, end, 2, &hour) || p >= end || *p++ != ':' ||
        !read_digits(&p, end, 2, &minute))
      return false;
    if (p < end && *p == ':') {
      p++;
      if (!read_digits(&p, end, 2, &second))
        return false;
      if (p < end && (*p == '.' || *p == ',')) {
        p++;
        ns = fraction_ns(&p, end);
      }
    }
    if (p < end && (*p == 'Z' || *p == 'z')) {
      p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
      int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
      if (!read_digits(&p, end, 2, &oh))
        return false;
      if (p < end && *p == ':')
        p++;
      if (p < end && !read_digits(&p, end, 2, &om))
        return false;
      offset_minutes = sign * (oh * 60 + om);
    }
  }
  if (p != end || hour > 23 || minute > 59 || second > 60 || year < 1678 || year > 2261)
    return false;
  long long seconds = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400LL +
                      hour * 3600LL + minute * 60LL + second - offset_minutes * 60LL;
  *out = seconds * 1000000000LL + ns;
  return true;
}

EventTime time_from_millis(double ms) {
  double whole = floor(ms);
  return (EventTime)whole * EVENT_NS_PER_MS + (EventTime)llround((ms - whole) * EVENT_NS_PER_MS);
}

bool event_time(const Event *event, const EvalFields *fields, EventTime *out) {
  const json_t *v = event_field(event, fields->time, false);
  if (json_is_integer(v) && llabs((long long)json_integer_value(v)) < 9000000000000LL) {
    *out = (EventTime)json_integer_value(v) * EVENT_NS_PER_MS;
    return true;
  }
  if (json_is_real(v) && json_real_value(v) > -9e12 && json_real_value(v) < 9e12) {
    *out = time_from_millis(json_real_value(v));
    return true;
  }
  return json_is_string(v) && timestamp_parse(json_string_value(v), json_string_length(v), out);
}

void event_order(const Event *event, const EvalFields *fields, EventOrder *out) {
  const json_t *t = fields->tiebreaker ? event_field(event, fields->tiebreaker, false) : NULL;
  out->has_time = event_time(event, fields, &out->time);
  out->has_tiebreaker = json_is_number(t);
  out->tiebreaker = out->has_tiebreaker ? json_number_value(t) : 0;
  out->index = event->index;
}

int event_order_compare(const EventOrder *x, const EventOrder *y) {
  if (x->has_time != y->has_time)
    return x->has_time ? 1 : -1;
  if (x->has_time && x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->has_tiebreaker != y->has_tiebreaker)
    return x->has_tiebreaker ? -1 : 1;
  if (x->tiebreaker != y->tiebreaker)
    return x->tiebreaker < y->tiebreaker ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

typedef struct Timed {
  const Event *event;
  EventOrder order;
} Timed;

static int by_time(const void *a, const void *b) {
  return event_order_compare(&((const Timed *)a)->order, &((const Timed *)b)->order);
}

const Event **events_in_time_order(Arena *arena, const EventSet *events, const EvalFields *fields) {
  Timed *timed = arena_array(arena, events->count + 1, sizeof(Timed));
  for (size_t i = 0; i < events->count; i++) {
    timed[i].event = &events->events[i];
    event_order(&events->events[i], fields, &timed[i].order);
  }
  if (events->count)
    qsort(timed, events->count, sizeof(Timed), by_time);
  const Event **order = arena_array(arena, events->count + 1, sizeof(Event *));
  for (size_t i = 0; i < events->count; i++)
    order[i] = timed[i].event;
  return order;
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
