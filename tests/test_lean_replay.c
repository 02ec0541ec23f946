/* Lean trees made from the values json_check() recorded (lean_replay.h) are the trees
 * lean_parse() builds from the line, member for member and in the same order, for every set of
 * rules asked for: over the golden events and over random documents with what makes lean trees
 * hard (escaped keys, UserData, arrays of objects, repeated keys, nesting past the paths noted,
 * escapes and numbers of every form). Where the replay cannot tell, it says so (NULL). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/json_check.h"
#include "eval/lean.h"
#include "eval/lean_replay.h"
#include "eval/verdict_key.h"
#include "sigmac/sigmac.h"
#include "support.h"

/* Rules reading EVTX names, a Tag_Attribute name, UserData, dotted ECS names and keys that the
 * random documents use. */
static const char rules_text[] =
    "title: a\nlogsource: {product: windows}\n"
    "detection:\n  sel: {Image|endswith: '.exe', Provider_Name: x}\n  condition: sel\n---\n"
    "title: b\nlogsource: {product: windows}\n"
    "detection:\n  sel: {CommandLine|contains: x, 'process.name': y}\n  condition: sel\n---\n"
    "title: c\nlogsource: {product: windows}\n"
    "detection:\n  sel: {User|contains: x, k1: 3}\n  condition: sel\n---\n"
    "title: d\nlogsource: {product: windows}\n"
    "detection:\n  sel: {k2: x, 'k3.k4': y}\n  condition: sel\n";

/* The rules of rules_text and their lean keys. */
typedef struct Rules {
  Arena arena;
  SigmacSession *session;
  LeanKeys *keys;
  size_t count;
} Rules;

static void rules_open(Rules *r) {
  arena_init(&r->arena);
  r->session = sigmac_session_new();
  cr_assert(sigmac_add_text(r->session, "rules.yml", rules_text, strlen(rules_text)));
  const IrRuleSet *set = sigmac_rules(r->session);
  cr_assert_eq(set->count, 4);
  r->count = set->count;
  bool whole[4];
  static const char *const ordering[] = {"Event.System.TimeCreated.#attributes.SystemTime"};
  r->keys = lean_keys(&r->arena, (const IrRule *const *)set->rules, set->count, NULL, NULL, 0,
                      ordering, 1, whole);
}

static void rules_close(Rules *r) {
  sigmac_session_free(r->session);
  arena_free(&r->arena);
}

/* The values json_check() hands on that some tree keeps, with their paths. */
typedef struct Recorded {
  RecordedValue *items;
  size_t count, capacity;
  JsonStep *steps;
  size_t step_count, step_capacity;
  LeanKeys *keys;
} Recorded;

static void record(const JsonValue *v, void *context) {
  Recorded *r = context;
  if (!v->kept)
    return;
  size_t depth = v->depth == JSON_PATH_UNKNOWN ? 0 : v->depth;
  if (r->count == r->capacity) {
    r->capacity = r->capacity ? 2 * r->capacity : 64;
    r->items = realloc(r->items, r->capacity * sizeof(RecordedValue));
    cr_assert(r->items);
  }
  while (r->step_count + depth > r->step_capacity) {
    r->step_capacity = r->step_capacity ? 2 * r->step_capacity : 256;
    r->steps = realloc(r->steps, r->step_capacity * sizeof(JsonStep));
    cr_assert(r->steps);
  }
  if (depth)
    memcpy(r->steps + r->step_count, v->path, depth * sizeof(JsonStep));
  r->items[r->count++] = (RecordedValue){v->text,      v->len, v->kind,  v->kept,
                                         v->below_all, v->key, v->depth, r->step_count};
  r->step_count += depth;
}

static int32_t slot_of(const char *key, size_t len, void *context) {
  return lean_key_slot(((Recorded *)context)->keys, key, len);
}

typedef struct Tally {
  size_t compared, replayed;
} Tally;

/* The event's tree for each set of rules (none, each alone, all), by lean_parse() and by
 * lean_replay(): the same, or no replay. */
static void compare(const Rules *rules, const char *event, size_t len, Tally *tally) {
  LeanKeys *keys = rules->keys;
  size_t rule_count = rules->count;
  Recorded r = {.keys = keys};
  JsonValueSink sink = {record, slot_of, &r};
  bool is_object;
  if (!json_check(event, len, &is_object, NULL, &sink) || !is_object) {
    free(r.items), free(r.steps);
    return;
  }
  uint32_t all[8];
  for (size_t i = 0; i < rule_count; i++)
    all[i] = (uint32_t)i;
  for (size_t want = 0; want <= rule_count + 1; want++) {
    if (want == 0)
      lean_want(keys, NULL, 0);
    else if (want <= rule_count)
      lean_want(keys, &all[want - 1], 1);
    else
      lean_want(keys, all, rule_count);
    json_t *parsed = lean_parse(keys, event, len);
    cr_assert_not_null(parsed, "%.*s", (int)len, event);
    json_t *replayed = lean_replay(keys, r.items, r.count, r.steps);
    tally->compared++;
    if (replayed) {
      tally->replayed++;
      char *a = json_dumps(parsed, JSON_COMPACT), *b = json_dumps(replayed, JSON_COMPACT);
      cr_assert_str_eq(b, a, "rules %zu of %.*s", want, (int)len, event);
      free(a), free(b);
      json_decref(replayed);
    }
    json_decref(parsed);
  }
  free(r.items), free(r.steps);
}

/* Every line of the golden event files: each replayed, the same. */
Test(lean_replay, golden_events_replay_as_they_parse) {
  Rules rules;
  rules_open(&rules);
  Tally tally = {0};
  static const char *const dirs[] = {"golden/eval", "golden/eval/stream"};
  for (size_t d = 0; d < 2; d++) {
    DIR *dir = opendir(dirs[d]);
    cr_assert(dir, "%s", dirs[d]);
    for (struct dirent *entry; (entry = readdir(dir));) {
      size_t n = strlen(entry->d_name);
      if (n < 7 || strcmp(entry->d_name + n - 7, ".ndjson") != 0)
        continue;
      char path[512];
      snprintf(path, sizeof path, "%s/%s", dirs[d], entry->d_name);
      char *text = test_read_file(path, NULL);
      cr_assert(text, "%s", path);
      for (char *line = text, *end; *line; line = end + (*end != '\0')) {
        end = strchr(line, '\n');
        if (!end)
          end = line + strlen(line);
        compare(&rules, line, (size_t)(end - line), &tally);
      }
      free(text);
    }
    closedir(dir);
  }
  cr_assert_gt(tally.compared, 800, "%zu compared", tally.compared);
  cr_assert_geq(tally.replayed * 100, tally.compared * 95, "%zu of %zu replayed", tally.replayed,
                tally.compared);
  rules_close(&rules);
}

/* A random JSON document of what lean trees find hard. */
typedef struct Writer {
  char text[16384];
  size_t len;
  uint32_t seed;
} Writer;

static uint32_t next(Writer *w) {
  w->seed = w->seed * 1103515245u + 12345u;
  return w->seed >> 8;
}

static void put(Writer *w, const char *s) {
  size_t n = strlen(s);
  if (w->len + n < sizeof w->text)
    memcpy(w->text + w->len, s, n), w->len += n;
}

static void random_value(Writer *w, int depth);

static void random_key(Writer *w) {
  static const char *const keys[] = {"\"Image\"", "\"CommandLine\"",  "\"User\"",
                                     "\"k1\"",    "\"k2\"",           "\"k3\"",
                                     "\"k4\"",    "\"k3.k4\"",        "\"process\"",
                                     "\"name\"",  "\"process.name\"", "\"Provider\"",
                                     "\"Name\"",  "\"#attributes\"",  "\"UserData\"",
                                     "\"Event\"", "\"EventData\"",    "\"System\"",
                                     "\"other\"", "\"Im\\u0061ge\"",  "\"k\\\"1\"",
                                     "\"\"",      "\"x.y\"",          "\"#text\""};
  put(w, keys[next(w) % (sizeof keys / sizeof keys[0])]);
}

static void random_value(Writer *w, int depth) {
  static const char *const scalars[] = {"\"C:\\\\Windows\\\\cmd.exe\"",
                                        "\"a\\u00e9\\n\\t\\\"q\\\"\"",
                                        "\"\\ud83d\\ude00\"",
                                        "\"\"",
                                        "0",
                                        "-12",
                                        "9223372036854775807",
                                        "-9223372036854775808",
                                        "1.5",
                                        "-0.0",
                                        "1e3",
                                        "2E-2",
                                        "true",
                                        "false",
                                        "null",
                                        "\"plain text\"",
                                        "\"x\\/y\""};
  uint32_t pick = next(w) % 10;
  if (depth > 22 || pick < 5) {
    put(w, scalars[next(w) % (sizeof scalars / sizeof scalars[0])]);
    return;
  }
  bool object = pick < 8;
  put(w, object ? "{" : "[");
  size_t members = next(w) % 5;
  for (size_t i = 0; i < members; i++) {
    if (i)
      put(w, next(w) % 4 ? "," : " , ");
    if (object) {
      random_key(w);
      put(w, ":");
    }
    random_value(w, depth + 1);
  }
  put(w, object ? "}" : "]");
}

Test(lean_replay, random_documents_replay_as_they_parse) {
  Rules rules;
  rules_open(&rules);
  Tally tally = {0};
  Writer w = {.seed = 11};
  for (int round = 0; round < 4000; round++) {
    w.len = 0;
    put(&w, "{");
    size_t members = 1 + next(&w) % 6;
    for (size_t i = 0; i < members; i++) {
      if (i)
        put(&w, ",");
      random_key(&w);
      put(&w, ":");
      random_value(&w, 1);
    }
    put(&w, "}");
    compare(&rules, w.text, w.len, &tally);
  }
  /* escaped keys and deep values make some trees the line's alone; most are replayed */
  cr_assert_gt(tally.replayed * 2, tally.compared, "%zu of %zu replayed", tally.replayed,
               tally.compared);
  cr_assert_lt(tally.replayed, tally.compared, "some cannot be: the fallback was never tried");
  rules_close(&rules);
}

/* Documents the replay must make itself (no escaped key, no value too deep): what UserData and
 * arrays hold is kept whole, a repeated key keeps its last value. */
Test(lean_replay, whole_containers_and_repeated_keys_are_replayed) {
  Rules rules;
  rules_open(&rules);
  static const char *const documents[] = {
      "{\"Event\":{\"UserData\":{\"Wrapper\":{\"Any\":\"a\\\\b\",\"n\":[1,{\"z\":2.5}]}}}}",
      "{\"Image\":[{\"other\":1,\"Name\":\"x\"},[true,null],\"C:\\\\w\\\\a.exe\"],\"k9\":3}",
      "{\"k1\":1,\"k1\":{\"k2\":\"x\"},\"process\":{\"name\":\"a\",\"name\":\"b\",\"pid\":4}}",
      "{\"Provider\":{\"#attributes\":{\"Name\":\"P\",\"Guid\":\"{G}\"}},\"k3.k4\":-1e2}",
  };
  for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++) {
    Tally tally = {0};
    compare(&rules, documents[i], strlen(documents[i]), &tally);
    cr_assert_eq(tally.replayed, tally.compared, "%s: %zu of %zu replayed", documents[i],
                 tally.replayed, tally.compared);
  }
  rules_close(&rules);
}
