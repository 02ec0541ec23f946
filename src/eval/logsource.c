/* Logsource tests. */
#include "eval/logsource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/timeline.h"
#include "schema/embedded.h"

/* A row of the EVTX table: a channel and its event IDs (none: any). */
typedef struct EvtxRow {
  const char *channel;
  size_t channel_len;
  long long *ids;
  size_t id_count;
} EvtxRow;

typedef struct EvtxRows {
  EvtxRow *items;
  size_t count;
} EvtxRows;

struct LogsourceTest {
  const char *product;
  bool other_product; /* a product named and not Windows: no EVTX event is of it */
  bool os_product;    /* the product is one of those an ECS event's host.os.type names */
  const char *category_name, *service_name; /* as the rule names them */
  EvtxRows category, service;               /* no rows: no condition */
  const MapLogsource *ecs;                  /* the mapping's row, or NULL */
  long long *event_ids; /* the detection's own EventID requirement; none: no condition */
  size_t event_id_count;
};

/* The event IDs an EventID test (or an OR of them) accepts, appended to ids; false when node is
 * no such test. */
static bool event_id_test(Arena *arena, const IrNode *node, long long **ids, size_t *count) {
  if (node->kind == IR_OR) {
    for (size_t i = 0; i < node->count; i++)
      if (!event_id_test(arena, node->children[i], ids, count))
        return false;
    return node->count > 0;
  }
  const IrPredicate *p = &node->pred;
  if (node->kind != IR_PRED || !p->field || strcmp(p->field, "EventID") != 0 ||
      p->match != IR_MATCH_EQUALS || p->value.kind != IR_VALUE_NUMBER ||
      !p->value.number.is_integer || p->time_part != IR_TIME_NONE)
    return false;
  *ids = arena_grow(arena, *ids, *count, *count + 1, sizeof(long long));
  (*ids)[(*count)++] = p->value.number.integer;
  return true;
}

/* The EventIDs every query of rule requires, or none (count 0) when one query does not. */
static void required_event_ids(Arena *arena, const IrRule *rule, LogsourceTest *t) {
  for (size_t q = 0; q < rule->query_count; q++) {
    const IrNode *where = rule->queries[q]->where;
    bool found = false;
    if (where && where->kind == IR_AND) {
      for (size_t i = 0; i < where->count && !found; i++)
        found = event_id_test(arena, where->children[i], &t->event_ids, &t->event_id_count);
    } else if (where) {
      found = event_id_test(arena, where, &t->event_ids, &t->event_id_count);
    }
    if (!found) {
      t->event_id_count = 0;
      return;
    }
  }
}

/* Whether field[0..len) is text, ignoring case when caseless. */
static bool field_is(const char *field, size_t len, const char *text, bool caseless) {
  return strlen(text) == len &&
         (caseless ? strncasecmp(field, text, len) : strncmp(field, text, len)) == 0;
}

/* The rows of kind ("category" or "service") and name, read from the embedded table: only the
 * rows that match are copied (every rule of thousands reads the table). */
static EvtxRows rows_of(Arena *arena, const char *kind, const char *name) {
  EvtxRows rows = {0};
  if (!name)
    return rows;
  const char *text = (const char *)embedded_evtx_logsources;
  const char *table_end = text + embedded_evtx_logsources_len;
  for (const char *line = text; line < table_end && *line;) {
    const char *end = memchr(line, '\n', (size_t)(table_end - line));
    end = end ? end : table_end;
    const char *fields[4] = {line, NULL, NULL, NULL}, *stops[4] = {end, end, end, end};
    for (int f = 1; f < 4; f++) {
      const char *tab =
          fields[f - 1] ? memchr(fields[f - 1], '\t', (size_t)(end - fields[f - 1])) : NULL;
      if (tab) {
        stops[f - 1] = tab;
        fields[f] = tab + 1;
      }
    }
    line = end < table_end ? end + 1 : table_end;
    if (fields[0][0] == '#' || !fields[2] ||
        !field_is(fields[0], (size_t)(stops[0] - fields[0]), kind, false) ||
        !field_is(fields[1], (size_t)(stops[1] - fields[1]), name, true))
      continue;
    rows.items = arena_grow(arena, rows.items, rows.count, rows.count + 1, sizeof(EvtxRow));
    EvtxRow *row = &rows.items[rows.count++];
    row->channel_len = (size_t)(stops[2] - fields[2]);
    row->channel = arena_strndup(arena, fields[2], row->channel_len);
    /* the IDs, comma-separated, each read as strtoll() reads it from the field alone */
    const char *ids =
        fields[3] ? arena_strndup(arena, fields[3], (size_t)(stops[3] - fields[3])) : NULL;
    for (const char *id = ids; id && *id;) {
      char *next;
      long long value = strtoll(id, &next, 10);
      if (next == id)
        break;
      row->ids = arena_grow(arena, row->ids, row->id_count, row->id_count + 1, sizeof(long long));
      row->ids[row->id_count++] = value;
      id = *next == ',' ? next + 1 : next;
    }
  }
  return rows;
}

const LogsourceTest *logsource_test(Arena *arena, const IrRule *rule, const Mapping *mapping) {
  const IrLogsource *logsource = &rule->logsource;
  LogsourceTest *t = arena_alloc(arena, sizeof *t);
  t->product = logsource->product;
  t->other_product = logsource->product && strcasecmp(logsource->product, "windows") != 0;
  t->os_product = logsource->product && (!strcasecmp(logsource->product, "windows") ||
                                         !strcasecmp(logsource->product, "linux") ||
                                         !strcasecmp(logsource->product, "macos"));
  t->category_name = logsource->category;
  t->service_name = logsource->service;
  bool windows = !logsource->product || strcasecmp(logsource->product, "windows") == 0;
  if (windows) {
    t->category = rows_of(arena, "category", logsource->category);
    t->service = rows_of(arena, "service", logsource->service);
  }
  t->ecs = mapping ? mapping_logsource(mapping, logsource) : NULL;
  if (windows)
    required_event_ids(arena, rule, t);
  return t;
}

static bool same_name(const char *a, const char *b) {
  return a == b || (a && b && strcasecmp(a, b) == 0);
}

bool logsource_same_test(const LogsourceTest *a, const LogsourceTest *b) {
  if (!same_name(a->product, b->product) || !same_name(a->category_name, b->category_name) ||
      !same_name(a->service_name, b->service_name) || a->ecs != b->ecs ||
      a->event_id_count != b->event_id_count)
    return false;
  for (size_t i = 0; i < a->event_id_count; i++)
    if (a->event_ids[i] != b->event_ids[i])
      return false;
  return true;
}

static bool row_holds(const EvtxRows *rows, const EventFacts *f) {
  if (rows->count == 0)
    return true;
  for (size_t r = 0; r < rows->count; r++) {
    const EvtxRow *row = &rows->items[r];
    if (f->channel && (row->channel_len != f->channel_len ||
                       strncasecmp(f->channel, row->channel, f->channel_len) != 0))
      continue;
    if (row->id_count == 0)
      return true;
    if (!f->has_event_id)
      continue; /* the row names its event IDs: an event without one is not of them */
    for (size_t i = 0; i < row->id_count; i++)
      if (row->ids[i] == f->event_id)
        return true;
  }
  return false;
}

/* A mapping condition: the field holds one of the values (an array: one of its elements). */
static bool value_in(const json_t *v, const IrStrList *values) {
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
      if (value_in(item, values))
        return true;
    }
    return false;
  }
  char number[32];
  const char *text = json_string_value(v);
  if (json_is_integer(v)) {
    snprintf(number, sizeof number, "%lld", (long long)json_integer_value(v));
    text = number;
  }
  for (size_t i = 0; text && i < values->count; i++)
    if (strcmp(text, values->items[i]) == 0)
      return true;
  return false;
}

static bool ecs_holds(const MapLogsource *row, const Event *event) {
  if (!row)
    return true;
  if (row->eql_category && strcmp(row->eql_category, "any") != 0 &&
      !event_in_category(event, row->eql_category, &eval_default_fields))
    return false;
  for (size_t c = 0; c < row->condition_count; c++)
    if (!value_in(event_field(event, row->conditions[c].field, false), &row->conditions[c].values))
      return false;
  return true;
}

LogsourceVerdict logsource_verdict(const LogsourceTest *t, const EventFacts *f) {
  if (f->evtx) {
    if (t->other_product)
      return LOGSOURCE_NO;
    if (!row_holds(&t->category, f) || !row_holds(&t->service, f))
      return LOGSOURCE_NO;
    bool id_ok = t->event_id_count == 0 || !f->has_event_id;
    for (size_t i = 0; i < t->event_id_count && !id_ok; i++)
      id_ok = t->event_ids[i] == f->event_id;
    return id_ok ? LOGSOURCE_YES : LOGSOURCE_NO;
  }
  if (f->os_type && t->os_product &&
      (strlen(t->product) != f->os_type_len ||
       strncasecmp(f->os_type, t->product, f->os_type_len) != 0))
    return LOGSOURCE_NO;
  return f->has_category && t->ecs ? LOGSOURCE_FIELDS : LOGSOURCE_YES;
}

bool logsource_applies(const LogsourceTest *t, const Event *event) {
  LogsourceVerdict v = logsource_verdict(t, &event->facts);
  return v == LOGSOURCE_YES || (v == LOGSOURCE_FIELDS && ecs_holds(t->ecs, event));
}
