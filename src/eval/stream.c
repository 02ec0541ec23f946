/* Streaming evaluation. */
#include "eval/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/index_mapping.h"
#include "eval/json_check.h"
#include "eval/lean.h"
#include "eval/lean_replay.h"
#include "eval/logsource.h"
#include "eval/memo.h"
#include "eval/prefilter.h"
#include "eval/router.h"
#include "eval/timeline.h"
#include "eval/verdict_key.h"

enum {
  VERDICT_SLOTS = 8192,               /* events remembered: 13 MB */
  REPORTED_PER_FILE = 100,            /* malformed lines reported one by one, then counted */
  MAX_EVENT_BYTES = 64 * 1024 * 1024, /* one event line; more is not an event */
  STEP_BLOCK = 4                      /* steps of a path copied at once */
};
_Static_assert(JSON_PATH_MAX % STEP_BLOCK == 0, "a path's array holds whole blocks");

/* A match, with what orders it among the others. */
typedef struct Found {
  const Event *event;
  EventOrder order;
} Found;

typedef struct RuleState {
  RuleResult *result;
  Matcher matcher;
  Found *found;
  size_t count, capacity;
  bool live; /* false once the rule failed (a regex limit): it is not evaluated further */
} RuleState;

typedef struct Stream {
  Arena *arena;
  DiagSink *diags;
  const EvalFields *fields;
  Prefilter *prefilter;
  RuleState *rules;
  size_t rule_count;
  uint32_t *candidates;
  JsonValueSink sink;    /* hands the values json_check() reads on (take_value()) */
  LeanKeys *lean;        /* the key names the rules read */
  RecordedValue *values; /* the values of the line being read that some lean tree keeps */
  size_t value_count, value_capacity;
  JsonStep *steps; /* their paths */
  size_t step_count, step_capacity;
  uint8_t *misses;   /* per lean slot: its values in a row the prefilter's memo did not know */
  Memo *verdicts;    /* the verdicts on events seen lately: the rules each matched */
  char *verdict_key; /* VERDICT_KEY bytes: the current event's key */
  uint32_t *matched; /* the rules the current event matched */
  Router *router;    /* the candidates an event's facts leave */
  FieldCache *field_cache; /* the fields the rules have read of the current event */
  bool *whole_event;       /* per rule: it reads the whole event (Sigma keywords) */
  bool keep_matches;       /* correlations read the matched events afterwards: keep their JSON */
  StreamStats *stats;
  const Source *file;          /* the file being read: its path, for events and diagnostics */
  const IndexMapping *mapping; /* the file's index mapping, or NULL */
  size_t malformed;            /* malformed lines in the file */
} Stream;

bool stream_possible(const IrRuleSet *rules) {
  for (size_t i = 0; i < rules->count; i++) {
    const IrRule *rule = rules->rules[i];
    if (rule->kind != IR_RULE_DETECTION)
      continue; /* filters are applied already; correlations run on the matches afterwards */
    for (size_t q = 0; q < rule->query_count; q++)
      if (rule->queries[q]->kind != IR_QUERY_EVENT)
        return false;
  }
  return true;
}

static bool ends_with(const char *text, const char *suffix) {
  size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

bool stream_file(const char *path) {
  return ends_with(path, ".ndjson") || ends_with(path, ".jsonl");
}

/* ---- one line ----------------------------------------------------------------------------------
 */

static void malformed(Stream *s, const char *text, size_t len, size_t line, const char *message,
                      size_t offset) {
  if (++s->malformed > REPORTED_PER_FILE)
    return;
  Source *piece = source_from_text(s->arena, s->file->path, text, len);
  piece->first_line = line - 1;
  if (offset >= len)
    offset = len ? len - 1 : 0;
  diag_report(s->diags, DIAG_ERROR, piece, (Span){offset, offset + 1}, "event-json", "%s", message);
}

static void free_json(void *value) { json_decref(value); }

static void record(Stream *s, RuleState *rs, const Event *event) {
  if (rs->count == rs->capacity) {
    size_t capacity = rs->capacity ? rs->capacity * 2 : 16;
    rs->found = arena_grow(s->arena, rs->found, rs->count, capacity, sizeof(Found));
    rs->capacity = capacity;
  }
  Found *f = &rs->found[rs->count++];
  Event *kept = arena_alloc(s->arena, sizeof *kept);
  *kept = *event;
  kept->cache = NULL;    /* it holds this event's lookups only while the event is read */
  if (s->keep_matches) { /* a correlation reads its group-by fields and time later */
    json_incref(kept->root);
    arena_on_free(s->arena, free_json, kept->root);
  } else {
    kept->root = NULL; /* the JSON is freed after the line; matches keep file, line and index */
  }
  f->event = kept;
  event_order(event, s->fields, &f->order);
}

/* Runs the candidates on an event; the rules it matched, into s->matched; how many. With
 * known (a remembered verdict), those rules are its matches, recorded without running them. */
static size_t evaluate(Stream *s, json_t *root, size_t line, size_t candidates,
                       const uint32_t *known, size_t known_count) {
  Event event = {root, s->file, line, s->stats->events - 1, {0}, NULL, s->field_cache};
  field_cache_next(s->field_cache);
  event_ready(&event, s->mapping);
  size_t matched = 0;
  for (size_t k = 0; known && k < known_count; k++)
    if (s->rules[known[k]].live)
      record(s, &s->rules[known[k]], &event);
  for (size_t c = 0; !known && c < candidates; c++) {
    RuleState *rs = &s->rules[s->candidates[c]];
    if (!rs->live)
      continue;
    s->stats->candidates++;
    if (eval_event_matches(&rs->matcher, rs->result->rule, &event)) {
      record(s, rs, &event);
      s->matched[matched++] = s->candidates[c];
    }
    if (rs->matcher.failed)
      rs->live = false;
  }
  return matched;
}

/* A value of the line: looked for anchors, and kept for the event's verdict key when a lean
 * tree holds it. */
static void take_value(const JsonValue *v, void *context) {
  Stream *s = context;
  /* values of keys only ordering reads are no rule's */
  bool read = v->kept && (v->below_all || v->key < 0 || lean_slot_named(s->lean, v->key));
  bool text = v->kind != 'n' && v->kind != '{' && v->kind != '['; /* true, false: text to Sigma */
  if (!text) {
    /* nothing an anchor can be found in */
  } else if (!read) {
    const JsonStep *last =
        v->depth && v->depth != JSON_PATH_UNKNOWN ? &v->path[v->depth - 1] : NULL;
    bool keyed = last && (last->code & JSON_STEP_TEXT);
    prefilter_feed_unread(s->prefilter, keyed ? last->key : NULL,
                          keyed ? last->code & ~JSON_STEP_TEXT : 0, v->text, v->len);
  } else if (v->kind == '0') {
    prefilter_feed_number(s->prefilter, v->text, v->len);
  } else {
    prefilter_feed_read(s->prefilter, v->text, v->len, v->key >= 0 ? &s->misses[v->key] : NULL);
  }
  if (!v->kept)
    return;
  if (s->value_count == s->value_capacity) {
    s->value_capacity = s->value_capacity ? 2 * s->value_capacity : 64;
    s->values = realloc(s->values, s->value_capacity * sizeof(RecordedValue));
    if (!s->values)
      abort();
  }
  size_t depth = v->depth == JSON_PATH_UNKNOWN ? 0 : v->depth;
  /* room for whole blocks of STEP_BLOCK steps: a path (JSON_PATH_MAX steps at most, in the
   * checker's array of as many) is copied a block at a time, a copy of fixed size */
  while (s->step_count + JSON_PATH_MAX > s->step_capacity) {
    s->step_capacity = s->step_capacity ? 2 * s->step_capacity : 256;
    s->steps = realloc(s->steps, s->step_capacity * sizeof(JsonStep));
    if (!s->steps)
      abort();
  }
  for (size_t d = 0; d < depth; d += STEP_BLOCK)
    memcpy(s->steps + s->step_count + d, v->path + d, STEP_BLOCK * sizeof(JsonStep));
  s->values[s->value_count++] = (RecordedValue){v->text,      v->len, v->kind,  v->kept,
                                                v->below_all, v->key, v->depth, s->step_count};
  s->step_count += depth;
}

static int32_t key_slot(const char *key, size_t len, void *context) {
  return lean_key_slot(((Stream *)context)->lean, key, len);
}

/* A line that is no JSON object: an error, or an array of events, each evaluated by every rule
 * (rare: no prefilter). */
static void take_other_line(Stream *s, const char *text, size_t len, size_t line, size_t start) {
  json_error_t error;
  json_t *value = json_loadb(text, len, JSON_DECODE_ANY, &error);
  if (!value) {
    malformed(s, text, len, line, arena_printf(s->arena, "invalid JSON: %s", error.text),
              error.position > 0 ? (size_t)error.position - 1 : 0);
    return;
  }
  if (!json_is_array(value)) {
    malformed(s, text, len, line, "an event must be a JSON object", start);
    json_decref(value);
    return;
  }
  if (json_array_size(value) > EVENT_ARRAY_LIMIT) {
    malformed(s, text, len, line,
              arena_printf(s->arena,
                           "an array of %zu events; sigmac reads at most %d from one "
                           "JSON value",
                           json_array_size(value), EVENT_ARRAY_LIMIT),
              start);
    json_decref(value);
    return;
  }
  size_t i;
  json_t *item;
  json_array_foreach(value, i, item) {
    if (!json_is_object(item)) {
      malformed(s, text, len, line,
                arena_printf(s->arena, "item %zu of the array is not a JSON object", i + 1), start);
      continue;
    }
    s->stats->events++;
    for (size_t r = 0; r < s->rule_count; r++)
      s->candidates[r] = (uint32_t)r;
    evaluate(s, item, line, s->rule_count, NULL, 0);
  }
  json_decref(value);
}

/* The verdicts of the candidates on an event line: remembered, or its lean tree parsed and the
 * rules run (and the verdicts remembered). */
static void judge(Stream *s, const char *text, size_t len, size_t line, size_t candidates) {
  bool whole = false;
  for (size_t c = 0; c < candidates && !whole; c++)
    whole = s->whole_event[s->candidates[c]];
  if (!whole)
    lean_want(s->lean, s->candidates, candidates); /* the tree of what these rules read */
  /* an event the same rules saw lately, with the same values they read, has the same verdict;
   * an index mapping rewrites values, and a whole-event rule reads them all: not remembered */
  size_t key_len = whole || s->mapping
                       ? 0
                       : verdict_key(s->verdict_key, s->candidates, candidates, s->values,
                                     s->value_count, s->steps, s->lean, s->misses);
  uint64_t hash = key_len ? memo_hash(s->verdict_key, key_len, 0) : 0;
  size_t known_count = 0;
  const uint32_t *known =
      key_len ? memo_find(s->verdicts, hash, s->verdict_key, key_len, 0, &known_count) : NULL;
  if (known) {
    s->stats->remembered++;
    if (known_count == 0)
      return; /* no rule matched it: nothing to read */
    /* its matches are recorded without running the rules: the tree need only hold what every
     * tree does (the time and what orders and correlates matches) */
    lean_want(s->lean, NULL, 0);
  }
  s->stats->parsed++;
  /* the tree from the values the check recorded, else from the line */
  json_t *root = whole ? NULL : lean_replay(s->lean, s->values, s->value_count, s->steps);
  if (!root && !whole)
    root = lean_parse(s->lean, text, len);
  if (!root)
    root = json_loadb(text, len, 0, NULL); /* checked above: it parses */
  if (!root)
    return;
  size_t matched = evaluate(s, root, line, candidates, known, known_count);
  if (key_len && !known)
    memo_keep(s->verdicts, hash, s->verdict_key, key_len, 0, s->matched, matched);
  json_decref(root);
}

static void take_line(Stream *s, const char *text, size_t len, size_t line) {
  size_t start = 0;
  while (start < len && json_is_space(text[start]))
    start++;
  if (start == len)
    return;
  bool is_object;
  JsonFacts seen;
  prefilter_begin(s->prefilter);
  s->value_count = s->step_count = 0;
  if (!json_check(text, len, &is_object, &seen, &s->sink) || !is_object) {
    take_other_line(s, text, len, line, start);
    return;
  }
  s->stats->events++;
  const uint64_t *allowed = router_allowed(s->router, &seen);
  size_t candidates = prefilter_end(s->prefilter, allowed, s->candidates);
  /* \u0041 for 'A', or an index mapping's null values and dates: the text as written need not
   * show the values the rules see, so the anchors say nothing */
  if (seen.odd_text || s->mapping) {
    candidates = 0;
    for (size_t r = 0; r < s->rule_count; r++)
      if (!allowed || allowed[r / 64] >> (r % 64) & 1)
        s->candidates[candidates++] = (uint32_t)r;
  }
  if (candidates)
    judge(s, text, len, line, candidates);
}

/* A line past MAX_EVENT_BYTES, reported by its first bytes. */
static void overlong(Stream *s, const char *line, size_t number) {
  malformed(s, line, 64, number, "this line is longer than an event may be (64 MiB)", 0);
}

/* Lines are read in chunks of this many bytes and handed on where they lie: no copy a line. */
enum { READ_CHUNK = 1 << 20 };

/* The lines of file, each handed to take_line() in place, its newline included as getline()
 * would give it; a line longer than an event may be is reported by its first bytes and skipped.
 * The buffer keeps a byte past its data for a NUL after the last line. */
static void read_lines(Stream *s, FILE *file) {
  size_t capacity = READ_CHUNK, have = 0, start = 0, number = 0;
  char *buffer = malloc(capacity + 1);
  if (!buffer)
    abort();
  bool skipping = false; /* the rest of an overlong line, already reported, is being passed */
  for (;;) {
    char *newline;
    while ((newline = memchr(buffer + start, '\n', have - start))) {
      size_t len = (size_t)(newline + 1 - (buffer + start));
      if (skipping)
        skipping = false;
      else if (++number, len > MAX_EVENT_BYTES)
        overlong(s, buffer + start, number);
      else
        take_line(s, buffer + start, len, number);
      start += len;
    }
    memmove(buffer, buffer + start, have - start); /* the line begun, to the front */
    have -= start;
    start = 0;
    if (have > MAX_EVENT_BYTES && !skipping) {
      overlong(s, buffer, ++number);
      skipping = true;
    }
    if (skipping)
      have = 0;
    if (capacity - have < READ_CHUNK / 2) { /* a long line: room for the rest of it */
      capacity *= 2;
      buffer = realloc(buffer, capacity + 1);
      if (!buffer)
        abort();
    }
    size_t got = fread(buffer + have, 1, capacity - have, file);
    if (got == 0)
      break;
    have += got;
  }
  if (have && !skipping) { /* the last line, without a newline */
    buffer[have] = '\0';
    take_line(s, buffer, have, ++number);
  }
  free(buffer);
}

static void read_file(Stream *s, const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    diag_report_file(s->diags, DIAG_ERROR, path, "io", "cannot read the events");
    return;
  }
  Source *src = source_from_text(s->arena, path, "", 0);
  s->file = src;
  s->malformed = 0;
  read_lines(s, file);
  if (ferror(file))
    diag_report_file(s->diags, DIAG_ERROR, path, "io", "reading the events failed");
  if (s->malformed > REPORTED_PER_FILE)
    diag_report_file(s->diags, DIAG_ERROR, path, "event-json",
                     "%zu more malformed lines (the first %d are reported)",
                     s->malformed - REPORTED_PER_FILE, REPORTED_PER_FILE);
  fclose(file);
}

/* ---- the results -------------------------------------------------------------------------------
 */

static int found_order(const void *a, const void *b) {
  return event_order_compare(&((const Found *)a)->order, &((const Found *)b)->order);
}

static void finish(Stream *s, const SearchLimits *limits) {
  for (size_t r = 0; r < s->rule_count; r++) {
    RuleState *rs = &s->rules[r];
    if (rs->count)
      qsort(rs->found, rs->count, sizeof(Found), found_order);
    for (size_t i = 0; i < rs->count; i++)
      chains_push(s->arena, &rs->result->matches, &rs->found[i].event, 1, NULL);
    chains_limit(&rs->result->matches,
                 rs->result->rule->query_count == 1 ? rs->result->rule->queries[0] : NULL, limits);
    rs->result->evaluated = rs->live;
  }
}

/* The names correlations read of their rules' events: group-by and condition fields, aliases,
 * each as written and as mapped under every referenced rule's logsource, and the EVTX time. */
static const char **correlation_fields(Arena *arena, const IrRuleSet *rules, const Mapping *mapping,
                                       size_t *count) {
  size_t n = 0, capacity = 8;
  const char **out = arena_array(arena, capacity, sizeof(char *));
  out[n++] = "Event.System.TimeCreated.#attributes.SystemTime";
  for (size_t i = 0; i < rules->count; i++) {
    const IrCorrelation *c = rules->rules[i]->correlation;
    for (size_t k = 0; c && k < c->group_by.count + c->condition_fields.count + c->alias_count;
         k++) {
      const char *names[64];
      size_t m = 0;
      if (k < c->group_by.count) {
        names[m++] = c->group_by.items[k];
      } else if (k < c->group_by.count + c->condition_fields.count) {
        names[m++] = c->condition_fields.items[k - c->group_by.count];
      } else {
        const IrAlias *alias = &c->aliases[k - c->group_by.count - c->condition_fields.count];
        for (size_t f = 0; f < alias->count && m < 64; f++)
          names[m++] = alias->fields[f].field;
      }
      for (size_t j = 0; j < m; j++)
        for (size_t r = 0; r <= c->rule_count; r++) { /* as written, then as each rule maps it */
          if (n == capacity) {
            out = arena_grow(arena, out, n, capacity * 2, sizeof(char *));
            capacity *= 2;
          }
          const IrRule *ref = r ? c->rules[r - 1].rule : NULL;
          out[n++] = !r               ? names[j]
                     : ref && mapping ? mapping_field(arena, mapping, &ref->logsource, names[j])
                                      : NULL;
        }
    }
  }
  *count = n;
  return out;
}

RuleResult *stream_rules(Arena *arena, DiagSink *diags, const IrRuleSet *rules,
                         const Mapping *mapping, const EvalFields *fields,
                         const SearchLimits *limits, const StreamInput *inputs, size_t input_count,
                         size_t *count, StreamStats *stats) {
  memset(stats, 0, sizeof *stats);
  if (!fields)
    fields = &eval_default_fields;
  RuleResult *results = arena_array(arena, rules->count + 1, sizeof(RuleResult));
  const IrRule **runnable = arena_array(arena, rules->count + 1, sizeof(IrRule *));
  Stream s = {0};
  s.arena = arena;
  s.diags = diags;
  s.fields = fields;
  s.stats = stats;
  s.rules = arena_array(arena, rules->count + 1, sizeof(RuleState));
  *count = 0;
  for (size_t i = 0; i < rules->count; i++) {
    const IrRule *rule = rules->rules[i];
    if (rule->kind == IR_RULE_FILTER)
      continue;
    RuleResult *result = &results[(*count)++];
    result->rule = rule;
    s.keep_matches = s.keep_matches || rule->kind == IR_RULE_CORRELATION;
    if (rule->kind != IR_RULE_DETECTION || !eval_runnable(diags, rule))
      continue;
    RuleState *rs = &s.rules[s.rule_count];
    rs->result = result;
    rs->live = true;
    eval_matcher_for(&rs->matcher, arena, diags, rule, mapping, fields, limits);
    if (rule->origin == IR_LANG_SIGMA) /* made now: the router needs it before evaluation */
      rs->matcher.logsource_test = logsource_test(arena, rule, rs->matcher.mapping);
    runnable[s.rule_count++] = rule;
  }
  /* the lean trees keep what verdicts read besides the rules' fields (the category field, what
   * the index mappings rewrite and alias), and what orders and correlates the matched events
   * (the time and tiebreaker fields, what correlations read), which no verdict reads */
  size_t extra_count = 1;
  for (size_t i = 0; i < input_count; i++)
    extra_count += inputs[i].mapping ? 2 * inputs[i].mapping->count : 0;
  const char **extra = arena_array(arena, extra_count, sizeof(char *));
  extra[0] = fields->category; /* EQL rules read it */
  size_t k = 1;
  for (size_t i = 0; i < input_count; i++)
    for (size_t f = 0; inputs[i].mapping && f < inputs[i].mapping->count; f++) {
      extra[k++] = inputs[i].mapping->fields[f].path;
      extra[k++] = inputs[i].mapping->fields[f].alias_of;
    }
  size_t correlated_count;
  const char **correlated = correlation_fields(arena, rules, mapping, &correlated_count);
  const char **ordering = arena_array(arena, correlated_count + 2, sizeof(char *));
  ordering[0] = fields->time, ordering[1] = fields->tiebreaker;
  memcpy(ordering + 2, correlated, correlated_count * sizeof(char *));
  s.whole_event = arena_array(arena, s.rule_count + 1, sizeof(bool));
  s.lean = lean_keys(arena, runnable, s.rule_count, mapping, extra, extra_count, ordering,
                     correlated_count + 2, s.whole_event);
  /* a value the lean tree leaves out is searched for keyword anchors alone */
  const LogsourceTest **tests = arena_array(arena, s.rule_count + 1, sizeof(LogsourceTest *));
  for (size_t r = 0; r < s.rule_count; r++)
    tests[r] = s.rules[r].matcher.logsource_test;
  s.router = router_new(arena, tests, s.rule_count);
  s.prefilter =
      prefilter_build(arena, runnable, s.rule_count, fields->time, s.whole_event, mapping);
  s.sink = (JsonValueSink){take_value, key_slot, &s};
  s.misses = arena_alloc(arena, lean_slot_capacity(s.lean));
  s.verdicts = memo_new(arena, VERDICT_SLOTS, VERDICT_KEY, VERDICT_MATCHES);
  s.verdict_key = arena_alloc(arena, VERDICT_KEY);
  s.matched = arena_array(arena, s.rule_count + 1, sizeof(uint32_t));
  s.candidates = arena_array(arena, s.rule_count + 1, sizeof(uint32_t));
  s.field_cache = field_cache_new(arena);
  stats->unanchored = prefilter_unanchored(s.prefilter);
  stats->anchors = prefilter_anchor_count(s.prefilter);
  stats->prefilter_bytes = prefilter_bytes(s.prefilter);
  for (size_t i = 0; i < input_count; i++) {
    s.mapping = inputs[i].mapping;
    read_file(&s, inputs[i].path);
  }
  free(s.values);
  free(s.steps);
  stats->unremembered = prefilter_skipped(s.prefilter);
  finish(&s, limits);
  eval_correlations(arena, diags, mapping, fields, results, *count);
  return results;
}
