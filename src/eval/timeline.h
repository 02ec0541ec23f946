/* What the EvalFields name, read from events: an event's category and time, and the order of a
 * set of events (time, then tiebreaker, then input order), as Elasticsearch sorts search hits. */
#ifndef SIGMAC_EVAL_TIMELINE_H
#define SIGMAC_EVAL_TIMELINE_H

#include <stdbool.h>

#include "eval/match.h"

/* Nanoseconds since the epoch. Elasticsearch keeps date_nanos to the nanosecond, which a double
 * of milliseconds cannot hold. */
typedef long long EventTime;

enum { EVENT_NS_PER_MS = 1000000 };

/* Parses a timestamp as Elasticsearch's default date format reads it: ISO-8601 (date, optional
 * time, fraction to the nanosecond, 'Z' or an offset) or epoch milliseconds as text, with an
 * optional fraction. False when text is neither. */
bool timestamp_parse(const char *text, size_t len, EventTime *out);

/* Reads exactly n decimal digits at *p (before end) into *out, advancing *p; false when there
 * are fewer. */
bool read_digits(const char **p, const char *end, int n, int *out);

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
long long days_from_civil(long long year, unsigned month, unsigned day);

/* Epoch milliseconds (a fraction allowed) as a time, exactly for whole milliseconds. */
EventTime time_from_millis(double ms);

/* An event's time (a number of epoch milliseconds, or text timestamp_parse() reads); false when
 * it has none. */
bool event_time(const Event *event, const EvalFields *fields, EventTime *out);

/* What orders an event among others: time, then tiebreaker (events without one after those with
 * one), then input order; events without a time first, as the oldest. */
typedef struct EventOrder {
  bool has_time;
  EventTime time;
  bool has_tiebreaker;
  double tiebreaker;
  size_t index;
} EventOrder;

void event_order(const Event *event, const EvalFields *fields, EventOrder *out);
int event_order_compare(const EventOrder *a, const EventOrder *b);

/* Events in time order: by time, then by tiebreaker (events without one after those with one),
 * then in input order; events without a time come first, as the oldest. */
const Event **events_in_time_order(Arena *arena, const EventSet *events, const EvalFields *fields);

/* Whether the event's category field holds category (a string, or an array holding it); a NULL
 * category ('any') holds for every event. */
bool event_in_category(const Event *event, const char *category, const EvalFields *fields);

#endif
