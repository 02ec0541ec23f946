/* Events for the evaluator: JSON objects read with jansson (the project's only jansson user on
 * the read path), and field resolution over them. Functions borrow json_t pointers; the events
 * own their JSON and are freed with the arena they were loaded into. */
#ifndef SIGMAC_EVAL_EVENT_H
#define SIGMAC_EVAL_EVENT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"

/* What the logsource of a Sigma rule is tested against, read once per event. */
typedef struct EventFacts {
  bool evtx;           /* an EVTX-rendered Windows event (Event.System) */
  const char *channel; /* EVTX Event.System.Channel, or NULL */
  size_t channel_len;
  bool has_event_id;
  long long event_id;  /* EVTX Event.System.EventID */
  const char *os_type; /* ECS host.os.type, or NULL */
  size_t os_type_len;
  bool has_category; /* ECS event.category present */
  /* EVTX containers, found once for the field lookups of every rule (NULL when absent) */
  json_t *evtx_event;  /* Event, an object */
  json_t *evtx_data;   /* Event.EventData */
  json_t *evtx_user;   /* Event.UserData */
  json_t *evtx_system; /* Event.System */
} EventFacts;

struct IndexMapping;

typedef struct FieldCache FieldCache;

typedef struct Event {
  json_t *root;      /* a JSON object */
  const Source *src; /* the file it came from */
  size_t line;       /* 1-based line of its first byte in src */
  size_t index;      /* 0-based position in the input */
  EventFacts facts;
  const struct IndexMapping *mapping; /* the index mapping it was read with, or NULL */
  FieldCache *cache; /* the fields looked up in it so far (NULL: none kept), while it is read */
} Event;

/* A cache of field lookups for the event being evaluated: the streaming evaluator runs several
 * rules over each event, and they read the same few fields. field_cache_next() forgets what it
 * holds (the next event). */
FieldCache *field_cache_new(Arena *arena);
void field_cache_next(FieldCache *cache);

/* Readies an event read with mapping (may be NULL): the mapping applied to its JSON, its facts
 * read (pointers into it). */
void event_ready(Event *event, const struct IndexMapping *mapping);

typedef struct EventSet {
  Event *events;
  size_t count;
  size_t capacity;
  const struct IndexMapping *mapping; /* applied to the events loaded next (index_mapping.h) */
} EventSet;

/* Events one JSON value (an array: a whole file, or one line of NDJSON) may hold; past it the
 * value is an error and none of its events is read. */
enum { EVENT_ARRAY_LIMIT = 1000000 };

/* Reads NDJSON (one object per line), a JSON array of objects, or a single object from src into
 * out (appending). Malformed JSON and non-object values are errors at their line; the valid
 * events are kept. False when an error was reported. */
bool event_load(Arena *arena, const Source *src, DiagSink *diags, EventSet *out);

/* Reads raw log lines (a .raw or .log file): each non-empty line is an event holding it as the
 * string field "_raw", which keyword rules search like any other string. */
bool event_load_lines(Arena *arena, const Source *src, EventSet *out);

/* The value of a field: a flat dotted key ("process.name": ...), nested objects, or any mix of
 * the two. With sigma_names, a Sigma/Windows taxonomy name that is not found at the top is also
 * looked up in EVTX-rendered JSON: Event.EventData.<Name>, Event.System.<Name>, and
 * Event.System.<Tag>.#attributes.<Attribute> for a Tag_Attribute name (Provider_Name). NULL when
 * the event has no such field (a JSON null is returned as json_null). */
json_t *event_field(const Event *event, const char *name, bool sigma_names);

/* The values of a field that event_field() does not find because an array of objects lies on
 * its path ({"a": [{"b": 1}, {"b": [2]}]} for "a.b"), as Elasticsearch flattens them: a new
 * array (the caller owns the reference), or NULL when there are none. */
json_t *event_field_flattened(const Event *event, const char *name);

#endif
