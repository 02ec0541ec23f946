/* Loading events and resolving field names in them. */
#include "eval/event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hash.h"
#include "base/json_space.h"
#include "eval/index_mapping.h"

static void free_json(void *object) { json_decref(object); }

/* The event ID of a JSON value: a number, or a string that is one. */
static bool event_id_of(const json_t *id, long long *out) {
  if (json_is_integer(id)) {
    *out = (long long)json_integer_value(id);
    return true;
  }
  if (!json_is_string(id) || !*json_string_value(id))
    return false;
  char *end;
  *out = strtoll(json_string_value(id), &end, 10);
  return *end == '\0';
}

/* A Windows event as Splunk's Windows add-on indexes it: source "WinEventLog:<channel>" (or
 * XmlWinEventLog:), EventCode. Its logsource is then tested as an EVTX event's. */
static bool splunk_facts(json_t *root, EventFacts *f) {
  const char *source = json_string_value(json_object_get(root, "source"));
  static const char *const prefixes[] = {"WinEventLog:", "XmlWinEventLog:"};
  for (size_t i = 0; source && i < 2; i++)
    if (strncasecmp(source, prefixes[i], strlen(prefixes[i])) == 0) {
      f->evtx = true;
      f->channel = source + strlen(prefixes[i]);
      f->channel_len = strlen(f->channel);
      f->has_event_id = event_id_of(json_object_get(root, "EventCode"), &f->event_id);
      return true;
    }
  return false;
}

static void read_facts(Event *event) {
  EventFacts *f = &event->facts;
  memset(f, 0, sizeof *f);
  json_t *evtx = json_object_get(event->root, "Event");
  if (json_is_object(evtx)) {
    f->evtx_event = evtx;
    f->evtx_data = json_object_get(evtx, "EventData");
    f->evtx_user = json_object_get(evtx, "UserData");
    f->evtx_system = json_object_get(evtx, "System");
  }
  json_t *system = f->evtx_system;
  if (json_is_object(system)) {
    f->evtx = true;
    f->channel = json_string_value(json_object_get(system, "Channel"));
    f->channel_len = f->channel ? strlen(f->channel) : 0;
    json_t *id = json_object_get(system, "EventID");
    if (json_is_object(id)) /* <EventID Qualifiers="...">4688</EventID> */
      id = json_object_get(id, "#text");
    f->has_event_id = event_id_of(id, &f->event_id);
    return;
  }
  if (splunk_facts(event->root, f))
    return;
  f->os_type = json_string_value(event_field(event, "host.os.type", false));
  f->os_type_len = f->os_type ? strlen(f->os_type) : 0;
  f->has_category = event_field(event, "event.category", false) != NULL;
}

void event_ready(Event *event, const struct IndexMapping *mapping) {
  event->mapping = mapping;
  if (mapping)
    index_mapping_apply(mapping, event->root);
  read_facts(event);
}

static void push(Arena *arena, EventSet *set, const Event *event) {
  if (set->count == set->capacity) {
    size_t capacity = set->capacity ? set->capacity * 2 : 64;
    set->events = arena_grow(arena, set->events, set->count, capacity, sizeof(Event));
    set->capacity = capacity;
  }
  set->events[set->count++] = *event;
}

static size_t line_of(const Source *src, size_t offset) {
  size_t line, column;
  source_locate(src, offset, &line, &column);
  return line;
}

/* Takes one parsed value: an object is an event; an array contributes its objects. */
static bool take(Arena *arena, const Source *src, DiagSink *diags, json_t *value, size_t offset,
                 EventSet *out) {
  size_t line = line_of(src, offset);
  if (json_is_object(value)) {
    Event event = {value, src, line, out->count, {0}, NULL, NULL};
    event_ready(&event, out->mapping);
    arena_on_free(arena, free_json, value);
    push(arena, out, &event);
    return true;
  }
  if (!json_is_array(value)) {
    diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "event-json",
                "an event must be a JSON object");
    json_decref(value);
    return false;
  }
  if (json_array_size(value) > EVENT_ARRAY_LIMIT) {
    diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "event-json",
                "an array of %zu events; sigmac reads at most %d from one JSON value",
                json_array_size(value), EVENT_ARRAY_LIMIT);
    json_decref(value);
    return false;
  }
  bool ok = true;
  size_t i;
  json_t *item;
  arena_on_free(arena, free_json, value);
  json_array_foreach(value, i, item) {
    if (!json_is_object(item)) {
      diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "event-json",
                  "item %zu of the array is not a JSON object", i + 1);
      ok = false;
      continue;
    }
    Event event = {item, src, line, out->count, {0}, NULL, NULL};
    event_ready(&event, out->mapping);
    push(arena, out, &event);
  }
  return ok;
}

bool event_load(Arena *arena, const Source *src, DiagSink *diags, EventSet *out) {
  bool ok = true;
  for (size_t at = 0; at < src->len;) {
    while (at < src->len && json_is_space(src->text[at]))
      at++;
    if (at >= src->len)
      break;
    json_error_t error;
    json_t *value =
        json_loadb(src->text + at, src->len - at, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &error);
    if (!value) {
      size_t offset = at + (error.position > 0 ? (size_t)error.position - 1 : 0);
      diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "event-json",
                  "invalid JSON: %s", error.text);
      ok = false;
      const char *next = memchr(src->text + offset, '\n', src->len - offset);
      at = next ? (size_t)(next - src->text) + 1 : src->len; /* go on at the next line */
      continue;
    }
    ok = take(arena, src, diags, value, at, out) && ok;
    at += (size_t)error.position;
  }
  return ok;
}

bool event_load_lines(Arena *arena, const Source *src, EventSet *out) {
  for (size_t line = 1; line <= src->line_count; line++) {
    const char *text;
    size_t len;
    source_line(src, line, &text, &len);
    if (len == 0)
      continue;
    json_t *object = json_object();
    json_object_set_new(object, "_raw", json_stringn(text, len));
    arena_on_free(arena, free_json, object);
    Event event = {object, src, line, out->count, {0}, NULL, NULL};
    event_ready(&event, out->mapping);
    push(arena, out, &event);
  }
  return true;
}

/* name in object: the whole name as a key, else a dotted prefix that names an object holding
 * the rest (longest prefix first, so "a.b" as one key wins over a: {b: ...}). */
static json_t *lookup(json_t *object, const char *name, size_t len) {
  if (!json_is_object(object))
    return NULL;
  json_t *direct = json_object_getn(object, name, len);
  if (direct)
    return direct;
  for (size_t i = len; i-- > 0;) {
    if (name[i] != '.')
      continue;
    json_t *child = json_object_getn(object, name, i);
    json_t *found = child ? lookup(child, name + i + 1, len - i - 1) : NULL;
    if (found)
      return found;
  }
  return NULL;
}

static json_t *user_data_field(json_t *user_data, const char *name) {
  json_t *value = json_object_get(user_data, name);
  const char *key;
  json_t *wrapper;
  json_object_foreach(user_data, key, wrapper) {
    if (!value && json_is_object(wrapper))
      value = json_object_get(wrapper, name);
  }
  return value;
}

/* EVTX-rendered events (Event.System, Event.EventData): Sigma names the fields by themselves. */
static json_t *evtx_field(const EventFacts *f, const char *name) {
  if (!f->evtx_event)
    return NULL;
  json_t *value = json_object_get(f->evtx_data, name);
  if (!value) /* UserData wraps its fields in one element named by the provider's schema */
    value = user_data_field(f->evtx_user, name);
  if (!value)
    value = json_object_get(f->evtx_system, name);
  const char *underscore = strchr(name, '_');
  if (!value && underscore) { /* Provider_Name: System.Provider.#attributes.Name */
    json_t *tag = json_object_getn(f->evtx_system, name, (size_t)(underscore - name));
    value = json_object_get(json_object_get(tag, "#attributes"), underscore + 1);
  }
  if (json_is_object(value) &&
      json_object_get(value, "#text")) /* <Data>text</Data> with attributes */
    value = json_object_get(value, "#text");
  return value;
}

/* Appends to *out (made on the first value, so that a field found nowhere costs no allocation)
 * the values of name under v, going through arrays of objects at any level. */
static void collect_through_arrays(json_t *v, const char *name, size_t len, json_t **out) {
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) { collect_through_arrays(item, name, len, out); }
    return;
  }
  if (!json_is_object(v))
    return;
  json_t *direct = json_object_getn(v, name, len);
  if (direct) {
    if (!*out)
      *out = json_array();
    if (json_is_array(direct))
      json_array_extend(*out, direct);
    else
      json_array_append(*out, direct);
  }
  for (size_t i = len; i-- > 0;)
    if (name[i] == '.') {
      json_t *child = json_object_getn(v, name, i);
      if (child)
        collect_through_arrays(child, name + i + 1, len - i - 1, out);
    }
}

json_t *event_field_flattened(const Event *event, const char *name) {
  json_t *out = NULL;
  collect_through_arrays(event->root, name, strlen(name), &out);
  if (out && json_array_size(out) == 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}

enum {
  CACHE_SLOTS = 256, /* more names than half of this in one event are not kept */
  CACHED_NAME = 48   /* nor longer names */
};

typedef struct CachedField {
  char name[CACHED_NAME]; /* a copy: the caller's text may not outlive the lookup */
  size_t len, hash;
  uint32_t stamp; /* the event it was looked up in */
  bool sigma_names;
  json_t *value;
} CachedField;

struct FieldCache {
  CachedField slots[CACHE_SLOTS];
  uint32_t now, count;
};

FieldCache *field_cache_new(Arena *arena) {
  FieldCache *cache = arena_alloc(arena, sizeof *cache);
  cache->now = 1;
  return cache;
}

void field_cache_next(FieldCache *cache) {
  cache->count = 0;
  if (++cache->now == 0) { /* the stamps wrapped around */
    memset(cache->slots, 0, sizeof cache->slots);
    cache->now = 1;
  }
}

static json_t *find_field(const Event *event, const char *name, size_t len, bool sigma_names) {
  json_t *value = lookup(event->root, name, len);
  if (!value && sigma_names)
    value = evtx_field(&event->facts, name);
  return value;
}

json_t *event_field(const Event *event, const char *name, bool sigma_names) {
  size_t len = strlen(name);
  FieldCache *cache = event->cache;
  if (!cache || len >= CACHED_NAME)
    return find_field(event, name, len, sigma_names);
  size_t hash = (size_t)hash_words(name, len, sigma_names);
  size_t i = hash & (CACHE_SLOTS - 1);
  for (; cache->slots[i].stamp == cache->now; i = (i + 1) & (CACHE_SLOTS - 1)) {
    const CachedField *c = &cache->slots[i];
    if (c->hash == hash && c->len == len && c->sigma_names == sigma_names &&
        memcmp(c->name, name, len) == 0)
      return c->value;
  }
  json_t *value = find_field(event, name, len, sigma_names);
  if (2 * cache->count < CACHE_SLOTS) {
    CachedField *c = &cache->slots[i];
    memcpy(c->name, name, len);
    c->len = len;
    c->hash = hash;
    c->stamp = cache->now;
    c->sigma_names = sigma_names;
    c->value = value;
    cache->count++;
  }
  return value;
}
