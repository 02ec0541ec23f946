/* libFuzzer target for the streaming evaluator's readers of untrusted event lines: the JSON check
 * must agree with jansson on what is JSON (but for NUL bytes, where jansson stops reading and the
 * check sees garbage), and unless it says it is unsure, the routing facts it notes must be those
 * event.c reads from jansson's tree; the lean tree must be built from any object the check
 * accepts without a crash, and the prefilter's gram scanner must find in the line exactly the
 * literals an Aho-Corasick automaton finds. Crashers found are kept as cases in
 * tests/test_prefilter.c. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/aho.h"
#include "eval/event.h"
#include "eval/grams.h"
#include "eval/json_check.h"
#include "eval/lean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Literals of every gram size, repeated texts, case, and a run of 'a's long enough that some
 * go to the scanner's overflow automaton. */
enum { LITERALS = 48, HITS_MAX = 1 << 16 };

typedef struct Hits {
  uint64_t items[HITS_MAX];
  size_t count;
} Hits;

static bool note(uint32_t id, size_t end, void *context) {
  Hits *h = context;
  if (h->count < HITS_MAX)
    h->items[h->count] = (uint64_t)id << 32 | end;
  h->count++;
  return false;
}

static int by_value(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void compare_scanners(const char *text, size_t len) {
  static Arena arena;
  static Aho *aho;
  static Grams *grams;
  static Hits by_aho, by_grams;
  if (!aho) {
    static const char *const words[] = {"a",       "Ev",    "nul",   "true",  "event",   "EVENT",
                                        "\\\\cmd", "1.5e3", "\\u00", "\"}\"", "{\"a\":", "ab"};
    static char run[64];
    const char *literals[LITERALS];
    size_t lens[LITERALS];
    memset(run, 'a', sizeof run);
    for (size_t i = 0; i < LITERALS; i++) {
      bool word = i < sizeof words / sizeof words[0];
      literals[i] = word ? words[i] : run;
      lens[i] = word ? strlen(words[i]) : 5 + i % 40;
    }
    arena_init(&arena);
    aho = aho_build(&arena, literals, lens, LITERALS);
    grams = grams_build(&arena, literals, lens, LITERALS);
  }
  by_aho.count = by_grams.count = 0;
  aho_scan(aho, text, len, note, &by_aho);
  grams_scan(grams, text, len, note, &by_grams);
  if (by_aho.count != by_grams.count)
    abort();
  size_t n = by_aho.count < HITS_MAX ? by_aho.count : HITS_MAX;
  qsort(by_aho.items, n, sizeof(uint64_t), by_value);
  qsort(by_grams.items, n, sizeof(uint64_t), by_value);
  if (by_aho.count <= HITS_MAX && memcmp(by_aho.items, by_grams.items, n * sizeof(uint64_t)))
    abort(); /* the scanners disagree */
}

static bool same_text(const char *a, size_t a_len, const char *b, size_t b_len) {
  return a_len == b_len && (!a_len || memcmp(a, b, a_len) == 0);
}

/* The facts the check noted against those the tree gives (an EVTX event's, or an ECS event's
 * host.os.type): the router trusts them to drop rules before parsing. */
static void compare_facts(const JsonFacts *seen, json_t *root) {
  Event event = {root, NULL, 1, 0, {0}, NULL};
  event_ready(&event, NULL);
  const EventFacts *tree = &event.facts;
  if (seen->unsure)
    return;
  if (seen->evtx != tree->evtx)
    abort();
  if (seen->evtx) {
    if (seen->has_event_id != tree->has_event_id ||
        (seen->has_event_id && seen->event_id != tree->event_id))
      abort(); /* the check misread the event ID */
    if (seen->channel &&
        !same_text(seen->channel, seen->channel_len, tree->channel, tree->channel_len))
      abort();
  } else if (seen->os_type &&
             !same_text(seen->os_type, seen->os_type_len, tree->os_type, tree->os_type_len)) {
    abort();
  }
}

/* The bounds of the input, for the sink's checks. */
static const char *input_start, *input_end;

static void check_value(const JsonValue *v, void *context) {
  (void)context;
  if (v->text < input_start || v->len > (size_t)(input_end - v->text) ||
      !strchr("\"0tfn{[", v->kind) || (v->below_all && !v->kept) ||
      (v->depth != JSON_PATH_UNKNOWN && v->depth > JSON_PATH_MAX))
    abort(); /* a value outside the line, or a site that cannot be */
  for (size_t d = 0; v->depth != JSON_PATH_UNKNOWN && d < v->depth; d++) {
    const JsonStep *step = &v->path[d];
    size_t key_len = step->code & ~JSON_STEP_TEXT;
    if ((step->code & JSON_STEP_TEXT) &&
        (step->key < input_start || key_len > (size_t)(input_end - step->key)))
      abort(); /* a key of the path outside the line */
  }
}

/* Keys numbered by their first byte, every third one not kept. */
static int32_t some_keys(const char *key, size_t len, void *context) {
  (void)context;
  return len && (unsigned char)key[0] % 3 ? (unsigned char)key[0] : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  compare_scanners((const char *)data, size);
  if (memchr(data, 0, size))
    return 0;
  bool is_object;
  JsonFacts facts;
  bool ok = json_check((const char *)data, size, &is_object, &facts, NULL);
  json_t *parsed = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
  if (ok != (parsed != NULL))
    abort(); /* the check and jansson disagree */
  if (ok && is_object)
    compare_facts(&facts, parsed);
  input_start = (const char *)data, input_end = (const char *)data + size;
  JsonValueSink sink = {check_value, some_keys, NULL};
  if (json_check((const char *)data, size, &is_object, NULL, &sink) != ok)
    abort(); /* the sink changed the verdict */
  json_decref(parsed);
  if (ok && is_object) {
    static Arena arena;
    static LeanKeys *keys;
    static bool whole[1];
    if (!keys) {
      static const char *const names[] = {"a.b", "x", "Event.System.Channel", "UserData"};
      arena_init(&arena);
      keys = lean_keys(&arena, NULL, 0, NULL, names, 4, NULL, 0, whole);
    }
    json_decref(lean_parse(keys, (const char *)data, size));
  }
  return 0;
}
