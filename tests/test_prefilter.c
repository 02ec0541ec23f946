/* The streaming evaluator's building blocks: Aho-Corasick, the JSON check, the prefilter's
 * anchors. The prefilter may only ever say too much (a candidate that does not match), never too
 * little: tests_eval_corpus.c compares whole runs with and without it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "base/json_plain.h"
#include "eval/aho.h"
#include "eval/grams.h"
#include "eval/json_check.h"
#include "eval/lean.h"
#include "eval/logsource.h"
#include "eval/memo.h"
#include "eval/prefilter.h"
#include "eval/router.h"
#include "eval/stream.h"
#include "eval/verdict_key.h"
#include "sigmac/sigmac.h"
#include "support.h"

typedef struct Hits {
  char text[256];
} Hits;

static bool note(uint32_t id, size_t end, void *context) {
  Hits *h = context;
  size_t used = strlen(h->text);
  snprintf(h->text + used, sizeof h->text - used, "%s%u@%zu", used ? " " : "", id, end);
  return false;
}

Test(prefilter, aho_corasick_finds_every_occurrence_ignoring_ascii_case) {
  Arena arena;
  arena_init(&arena);
  const char *literals[] = {"he", "she", "HERS", "his", ""};
  size_t lens[] = {2, 3, 4, 3, 0};
  Aho *aho = aho_build(&arena, literals, lens, 5);
  Hits h = {{0}};
  aho_scan(aho, "uSHErs", 6, note, &h);
  cr_assert_str_eq(h.text, "1@4 0@4 2@6"); /* she and he end at 4, hers at 6 */
  Hits none = {{0}};
  aho_scan(aho, "xyz\xff", 4, note, &none);
  cr_assert_str_eq(none.text, "");
  arena_free(&arena);
}

/* Every (literal, end) the scan reports, sorted: the two scanners report in different orders. */
typedef struct HitSet {
  uint64_t items[4096];
  size_t count;
} HitSet;

static bool collect(uint32_t id, size_t end, void *context) {
  HitSet *set = context;
  cr_assert_lt(set->count, 4096);
  set->items[set->count++] = (uint64_t)id << 32 | end;
  return false;
}

static int by_value(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* A small alphabet, so that literals overlap, repeat and share grams; upper case, a backslash,
 * a byte past ASCII. */
static char random_byte(uint32_t *seed) {
  static const char alphabet[] = "abcAB\\.\xe9\xc1"; /* \xc1: 0x41 with the top bit */
  *seed = *seed * 1103515245u + 12345u;
  return alphabet[(*seed >> 16) % (sizeof alphabet - 1)];
}

Test(prefilter, grams_find_every_occurrence_ignoring_ascii_case) {
  Arena arena;
  arena_init(&arena);
  const char *literals[] = {"he", "she", "HERS", "his", "", "she"};
  size_t lens[] = {2, 3, 4, 3, 0, 3};
  Grams *grams = grams_build(&arena, literals, lens, 6);
  HitSet *hits = arena_alloc(&arena, sizeof(HitSet));
  grams_scan(grams, "uSHErs", 6, collect, hits);
  qsort(hits->items, hits->count, sizeof(uint64_t), by_value);
  /* he and both copies of she end at 4, hers at 6 */
  uint64_t expected[] = {0ull << 32 | 4, 1ull << 32 | 4, 2ull << 32 | 6, 5ull << 32 | 4};
  cr_assert_eq(hits->count, 4);
  cr_assert_arr_eq(hits->items, expected, sizeof expected);
  hits->count = 0;
  grams_scan(grams, "xyz\xff", 4, collect, hits);
  cr_assert_eq(hits->count, 0);
  arena_free(&arena);
}

/* "aaaaa" to forty a's have one gram, "aaaa": 32 are filed under it, the rest scanned the
 * linear way; each is found at every end. */
Test(prefilter, grams_find_literals_whose_every_gram_is_full) {
  Arena arena;
  arena_init(&arena);
  static char a_run[64];
  memset(a_run, 'a', 63);
  const char *literals[36];
  size_t lens[36];
  for (size_t i = 0; i < 36; i++) {
    literals[i] = a_run;
    lens[i] = 5 + i;
  }
  HitSet *hits = arena_alloc(&arena, sizeof(HitSet));
  grams_scan(grams_build(&arena, literals, lens, 36), a_run, 44, collect, hits);
  size_t expected = 0;
  for (size_t i = 0; i < 36; i++)
    expected += 44 - lens[i] + 1;
  cr_assert_eq(hits->count, expected);
  qsort(hits->items, hits->count, sizeof(uint64_t), by_value);
  cr_assert_eq(hits->items[0], 0ull << 32 | 5);
  cr_assert_eq(hits->items[hits->count - 1], 35ull << 32 | 44);
  arena_free(&arena);
}

/* A literal of eight bytes or more is filed where the wide filter tells it by eight bytes: the
 * thousands of hashes among the anchors, filed by four, let every fifth position of a hash
 * value through. */
Test(prefilter, long_literals_are_told_by_eight_bytes) {
  Arena arena;
  arena_init(&arena);
  enum { HASHES = 1000 };
  static char texts[HASHES][16];
  const char *literals[HASHES + 3];
  size_t lens[HASHES + 3];
  uint32_t seed = 11;
  for (size_t i = 0; i < HASHES; i++) { /* the last sixteen hex digits of a hash, as anchors are */
    for (size_t k = 0; k < 16; k++) {
      seed = seed * 1103515245u + 12345u;
      texts[i][k] = "0123456789abcdef"[(seed >> 16) % 16];
    }
    literals[i] = texts[i];
    lens[i] = 16;
  }
  const char *others[] = {"\\svchost.exe", "cmd.exe", "certutil"};
  for (size_t i = 0; i < 3; i++) {
    literals[HASHES + i] = others[i];
    lens[HASHES + i] = strlen(others[i]);
  }
  Grams *grams = grams_build(&arena, literals, lens, HASHES + 3);
  cr_assert_eq(grams_wide_count(grams), HASHES + 2, "every one but cmd.exe (seven bytes)");
  HitSet *hits = arena_alloc(&arena, sizeof(HitSet));
  char value[80];
  snprintf(value, sizeof value, "SHA256=%.16s%.16s,C:\\CMD.EXE", texts[7], texts[HASHES - 1]);
  grams_scan(grams, value, strlen(value), collect, hits);
  qsort(hits->items, hits->count, sizeof(uint64_t), by_value);
  cr_assert_eq(hits->count, 3);
  cr_assert_eq(hits->items[0], 7ull << 32 | 23);
  cr_assert_eq(hits->items[1], (uint64_t)(HASHES - 1) << 32 | 39);
  cr_assert_eq(hits->items[2], (uint64_t)(HASHES + 1) << 32 | 50);
  arena_free(&arena);
}

Test(prefilter, grams_report_what_aho_corasick_reports) {
  uint32_t seed = 7;
  for (int round = 0; round < 2000; round++) {
    Arena arena;
    arena_init(&arena);
    char texts[40][24], text[300];
    const char *literals[40];
    size_t lens[40], count = 1 + round % 40;
    for (size_t i = 0; i < count; i++) {
      /* 0 to 11 bytes: every gram size, and empty ones; every other round up to 23, past the
       * 16 bytes kept where a literal is filed */
      lens[i] = (seed >> 8) % (round % 2 ? 24 : 12);
      if (round % 4 == 3) /* none shorter than six bytes: sampled scans, strides 3 to 20 */
        lens[i] = 6 + (round / 4 + (seed >> 8) % 4) % 18;
      for (size_t k = 0; k < lens[i]; k++)
        texts[i][k] = random_byte(&seed);
      literals[i] = texts[i];
      seed = seed * 1103515245u + 12345u;
    }
    size_t len = (seed >> 4) % sizeof text;
    for (size_t k = 0; k < len; k++)
      text[k] = random_byte(&seed);
    for (size_t copies = 0; copies < 4; copies++) { /* long literals occur only when planted */
      seed = seed * 1103515245u + 12345u;
      const char *lit = texts[(seed >> 8) % count];
      size_t lit_len = lens[(seed >> 8) % count],
             at = len > lit_len ? (seed >> 4) % (len - lit_len) : 0;
      for (size_t k = 0; k < lit_len && at + k < len; k++) /* in upper case where a letter */
        text[at + k] =
            (char)(lit[k] >= 'a' && lit[k] <= 'z' && (seed >> (k % 16)) & 1 ? lit[k] - 32 : lit[k]);
    }
    HitSet *by_aho = arena_alloc(&arena, sizeof(HitSet));
    aho_scan(aho_build(&arena, literals, lens, count), text, len, collect, by_aho);
    qsort(by_aho->items, by_aho->count, sizeof(uint64_t), by_value);
    for (int sampled = 0; sampled < 2; sampled++) {
      HitSet *by_grams = arena_alloc(&arena, sizeof(HitSet));
      grams_scan(sampled ? grams_build_sampled(&arena, literals, lens, count)
                         : grams_build(&arena, literals, lens, count),
                 text, len, collect, by_grams);
      qsort(by_grams->items, by_grams->count, sizeof(uint64_t), by_value);
      cr_assert_eq(by_grams->count, by_aho->count, "round %d, sampled %d", round, sampled);
      cr_assert_arr_eq(by_grams->items, by_aho->items, by_aho->count * sizeof(uint64_t),
                       "round %d, sampled %d", round, sampled);
    }
    arena_free(&arena);
  }
}

/* The values json_check hands on, each with whether a lean tree keeps it: "value+" or
 * "value-". */
typedef struct Seen {
  char text[512];
} Seen;

static void seen_value(const JsonValue *v, void *context) {
  Seen *seen = context;
  if (v->kind == '{' || v->kind == '[')
    return; /* where containers start: the scalars are this test's */
  size_t used = strlen(seen->text);
  snprintf(seen->text + used, sizeof seen->text - used, "%s%.*s%c", used ? " " : "", (int)v->len,
           v->text, v->kept ? '+' : '-');
}

Test(prefilter, json_check_agrees_with_jansson) {
  static const char *const texts[] = {
      "{}", "{\"a\": [1, -0.5e+3, true, false, null, \"x\\u00e9\\n\"]}", " [ ] ", "{\"a\":1}x",
      "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
      "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\x\"}", "{\"a\" 1}",
      "{\"a\":1,}", "[1 2]", "\"\xc3\x28\"", "\"tab\there\"", "{\"a\":\"\xe2\x82\xac\"}", "", "nul",
      "-", "1e", "[[[[]]]]",
      /* found by fuzzing: jansson rejects what does not fit
         its integers and doubles */
      "12345678901234567890", "9223372036854775808", "-9223372036854775808", "1e555", "-1e-400",
      "{\"a\": 9223372036854775807}",
      /* 600 digits and a small exponent overflow as 1e600 does */
      "{\"EventID\":1444444444444444444444444444444444444444444444444444444444444444444444444444"
      "444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444"
      "444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444"
      "444444444444444444444444444444444444444444444444444444444444444444444444444444444444444444"
      "4444444444444444444444444444444444444444444444444444444444444444444444e-3}",
      "0.000000000000000000000000000000000000000000000000000000000000000000000000000000001e-300",
      "123456789012345678901234567890123456789012345678901234567890.5e250", "1.5e308", "1.8e308",
      /* 2^1024 - 2^970, written out: rounds to infinity, which only all its digits show */
      "17976931348623158079372897140530341507993413271003782693617377898044496829276475"
      "09466490179775872070963302864166928879109465555478519404026306574886715058206819"
      "08902000708383676273854845817711531764475730270069855571366959622842914819860834"
      "936475292719074168444365510704342711559699508093042880177904174497792.0"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    bool is_object;
    json_t *parsed = json_loads(texts[i], JSON_DECODE_ANY, NULL);
    cr_assert_eq(json_check(texts[i], strlen(texts[i]), &is_object, NULL, NULL), parsed != NULL,
                 "%s", texts[i]);
    json_decref(parsed);
  }
  char deep[2 * JSON_CHECK_DEPTH + 8];
  memset(deep, '[', JSON_CHECK_DEPTH + 1);
  memset(deep + JSON_CHECK_DEPTH + 1, ']', JSON_CHECK_DEPTH + 1);
  bool is_object;
  cr_assert_not(json_check(deep, 2 * JSON_CHECK_DEPTH + 2, &is_object, NULL, NULL), "too deep");
  /* as deep as allowed, with a sink and routing facts: the recursion's frames fit a thread's
   * stack under the sanitizers too (fuzz_events found they did not, once) */
  static char nested[2 * JSON_CHECK_DEPTH + 16];
  size_t n = (size_t)snprintf(nested, sizeof nested, "{\"a\":");
  memset(nested + n, '[', JSON_CHECK_DEPTH - 1);
  memset(nested + n + JSON_CHECK_DEPTH - 1, ']', JSON_CHECK_DEPTH - 1);
  n += 2 * (JSON_CHECK_DEPTH - 1);
  nested[n++] = '}';
  Seen seen = {{0}};
  JsonValueSink sink = {seen_value, NULL, &seen};
  JsonFacts facts;
  cr_assert(json_check(nested, n, &is_object, &facts, &sink), "2048 deep in all");
}

/* The eight-bytes-at-a-time run of plain string bytes against the byte-by-byte definition: every
 * start and length over texts where each special byte ('"', '\\', controls, bytes past 0x7f)
 * sits at every place of a word, among neighbours that set and clear the borrows the word tests
 * depend on (0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xff, the bytes around '"' and '\\'). */
Test(prefilter, plain_runs_stop_at_the_first_special_byte) {
  static const unsigned char bytes[] = {0x00, 0x01, 0x1f, 0x20, 0x21, '!',  '"',  '#',  '[',
                                        '\\', ']',  'a',  'Z',  0x7e, 0x7f, 0x80, 0xc3, 0xff};
  uint32_t seed = 7;
  char text[40];
  for (int round = 0; round < 20000; round++) {
    for (size_t i = 0; i < sizeof text; i++) {
      seed = seed * 1103515245u + 12345u;
      /* mostly plain letters, so that runs are long enough to span words */
      text[i] = (seed >> 16) % 4 ? (char)('a' + (seed >> 20) % 26)
                                 : (char)bytes[(seed >> 18) % sizeof bytes];
    }
    for (size_t start = 0; start < 9; start++)
      for (size_t n = 0; start + n <= sizeof text; n++) {
        size_t expected = 0;
        while (expected < n && !json_special((unsigned char)text[start + expected]))
          expected++;
        cr_assert_eq(json_plain_run(text + start, n), expected, "round %d start %zu n %zu", round,
                     start, n);
      }
  }
}

Test(prefilter, json_check_notes_the_facts_that_route_an_event) {
  JsonFacts f;
  bool is_object;
  const char *evtx = "{\"Event\": {\"EventData\": {\"Channel\": \"no\"}, \"System\": "
                     "{\"EventID\": \"4688\", \"Channel\": \"Security\"}}}";
  cr_assert(json_check(evtx, strlen(evtx), &is_object, &f, NULL));
  cr_assert(f.evtx && f.has_event_id);
  cr_assert_eq(f.event_id, 4688);
  cr_assert_eq(f.channel_len, 8);
  cr_assert(strncmp(f.channel, "Security", 8) == 0);
  const char *ecs = "{\"host.os.type\": \"macos\", \"event\": {\"category\": [\"file\"]}}";
  cr_assert(json_check(ecs, strlen(ecs), &is_object, &f, NULL));
  cr_assert(!f.evtx && f.has_category && f.os_type_len == 5);
  const char *escaped =
      "{\"Event\": {\"System\": {\"Channel\": \"a\\\\b\", \"EventID\": {\"#text\": 1}}}}";
  cr_assert(json_check(escaped, strlen(escaped), &is_object, &f, NULL));
  cr_assert(f.evtx && !f.channel && !f.has_event_id, "escaped or nested values are not guessed");
  cr_assert(f.unsure, "the ID is an element: only its tree says");
  /* the event ID as event.c reads it from a tree: strtoll over the text, a real is none */
  static const struct {
    const char *id;
    bool has;
    long long value;
  } ids[] = {{"\" 12\"", true, 12}, {"\"+12\"", true, 12}, {"-3", true, -3},
             {"\"12a\"", false, 0}, {"1.0", false, 0},     {"\"\"", false, 0},
             {"[12]", false, 0},    {"null", false, 0}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "{\"Event\": {\"System\": {\"EventID\": %s}}}", ids[i].id);
    cr_assert(json_check(text, strlen(text), &is_object, &f, NULL));
    cr_assert(!f.unsure && f.has_event_id == ids[i].has, "%s", ids[i].id);
    cr_assert(!ids[i].has || f.event_id == ids[i].value, "%s", ids[i].id);
  }
  const char *twice = "{\"Event\": {\"System\": {\"Channel\": \"Security\"}, \"System\": {}}}";
  cr_assert(json_check(twice, strlen(twice), &is_object, &f, NULL));
  cr_assert(f.unsure, "a tree keeps the second System, without a channel");
  const char *escaped_id = "{\"Event\": {\"System\": {\"EventID\": \"\\u0031\"}}}";
  cr_assert(json_check(escaped_id, strlen(escaped_id), &is_object, &f, NULL));
  cr_assert(f.unsure);
}

static int32_t read_keys(const char *key, size_t len, void *context) {
  (void)context;
  static const char *const read[] = {"Event", "EventData", "Image", "UserData", "tags", "n"};
  for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
    if (strlen(read[i]) == len && memcmp(read[i], key, len) == 0)
      return (int32_t)i;
  return -1;
}

Test(prefilter, json_check_says_which_values_a_lean_tree_keeps) {
  const char *event =
      "{\"Event\": {\"System\": {\"Image\": \"a\"}, \"EventData\": {\"Image\": \"b\", "
      "\"Other\": \"c\", \"n\": 7}, \"UserData\": {\"Any\": {\"x\": \"d\"}}}, "
      "\"tags\": [\"e\", {\"deep\": \"f\"}], \"Im\\u0061ge\": {\"z\": \"g\"}, \"x\": [\"h\"]}";
  Seen seen = {{0}};
  JsonValueSink sink = {seen_value, read_keys, &seen};
  bool is_object;
  cr_assert(json_check(event, strlen(event), &is_object, NULL, &sink));
  /* System is no key of the rules: its Image is left out, as lean_parse leaves it; below
   * UserData and in a kept array everything is kept; a key with an escape counts as kept */
  cr_assert_str_eq(seen.text, "a- b+ c- 7+ d+ e+ f+ g+ h-");
  Seen all = {{0}};
  JsonValueSink every = {seen_value, NULL, &all};
  cr_assert(json_check(event, strlen(event), &is_object, NULL, &every));
  cr_assert_str_eq(all.text, "a+ b+ c+ 7+ d+ e+ f+ g+ h+", "no key filter: every value is kept");
}

/* The rules of a YAML text, count of them, compiled in a new session (the caller frees it). */
static const IrRuleSet *compiled(SigmacSession **session, const char *yaml, size_t count) {
  *session = sigmac_session_new();
  cr_assert(sigmac_add_text(*session, "rules.yml", yaml, strlen(yaml)), "%s", yaml);
  const IrRuleSet *set = sigmac_rules(*session);
  cr_assert_eq(set->count, count, "%s", yaml);
  return set;
}

/* The prefilter of count rules given as YAML (no keyword rules, no mapping), in arena. */
static Prefilter *prefilter_of(SigmacSession **session, Arena *arena, const char *yaml,
                               size_t count) {
  const IrRuleSet *set = compiled(session, yaml, count);
  arena_init(arena);
  return prefilter_build(arena, (const IrRule *const *)set->rules, set->count, NULL, NULL, NULL);
}

/* Three rules reading one field each (Image, CommandLine, User), and their lean keys. */
static const char three_rules[] =
    "title: image\nlogsource: {product: windows}\n"
    "detection:\n  sel: {Image|endswith: '.exe'}\n  condition: sel\n---\n"
    "title: command line\nlogsource: {product: windows}\n"
    "detection:\n  sel: {CommandLine|contains: 'x'}\n  condition: sel\n---\n"
    "title: user\nlogsource: {product: windows}\n"
    "detection:\n  sel: {User|contains: 'x'}\n  condition: sel\n";

static LeanKeys *three_rule_keys(Arena *arena, SigmacSession **session) {
  const IrRuleSet *set = compiled(session, three_rules, 3);
  bool whole[3];
  return lean_keys(arena, (const IrRule *const *)set->rules, set->count, NULL, NULL, 0, NULL, 0,
                   whole);
}

/* A lean tree holds what the rules it is built for read, the keys every tree holds (EVTX
 * containers, the facts that route an event), and nothing else. */
Test(prefilter, lean_trees_hold_what_their_rules_read) {
  Arena arena;
  arena_init(&arena);
  SigmacSession *session;
  LeanKeys *keys = three_rule_keys(&arena, &session);
  const char *event =
      "{\"Event\": {\"System\": {\"EventID\": 1, \"Computer\": \"a\"}, "
      "\"EventData\": {\"Image\": \"b.exe\", \"CommandLine\": \"x\", \"User\": \"u\"}}}";
  static const char *const expected[] = {
      "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"b.exe\", "
      "\"CommandLine\": \"x\", \"User\": \"u\"}}}", /* before lean_want(): what any rule reads */
      "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"b.exe\"}}}",
      "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"CommandLine\": \"x\"}}}"};
  for (uint32_t round = 0; round < 3; round++) {
    uint32_t rule = round - 1;
    if (round)
      lean_want(keys, &rule, 1);
    json_t *tree = lean_parse(keys, event, strlen(event));
    json_t *want = json_loads(expected[round], 0, NULL);
    cr_assert(json_equal(tree, want), "round %u: %s", round, json_dumps(tree, JSON_COMPACT));
    json_decref(tree), json_decref(want);
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* Key numbers of every length up to past 16 (the recent keys tell keys of up to 16 bytes apart
 * by a few of their bytes): a key a rule reads has its number, and a key one byte away from it,
 * asked for just before or after it, has none. */
Test(prefilter, keys_of_every_length_are_told_apart) {
  static const char letters[] = "abcdefghijklmnopqrst";
  char yaml[2048] = "title: long\nlogsource: {product: linux}\ndetection:\n  sel:\n";
  for (size_t len = 1; len <= 20; len++)
    snprintf(yaml + strlen(yaml), sizeof yaml - strlen(yaml), "    %.*s: x\n", (int)len, letters);
  strcat(yaml, "  condition: sel\n");
  SigmacSession *session;
  const IrRuleSet *set = compiled(&session, yaml, 1);
  Arena arena;
  arena_init(&arena);
  bool whole[1];
  LeanKeys *keys =
      lean_keys(&arena, (const IrRule *const *)set->rules, 1, NULL, NULL, 0, NULL, 0, whole);
  int32_t slots[21];
  for (size_t len = 1; len <= 20; len++) {
    slots[len] = lean_key_slot(keys, letters, len);
    cr_assert_geq(slots[len], 0, "%zu", len);
    for (size_t k = 1; k < len; k++)
      cr_assert_neq(slots[len], slots[k], "%zu and %zu", len, k);
  }
  for (size_t len = 1; len <= 20; len++)
    for (size_t at = 0; at < len; at++) {
      char near[21];
      memcpy(near, letters, len);
      near[at] = 'Z';
      cr_assert_eq(lean_key_slot(keys, letters, len), slots[len], "%zu", len);
      cr_assert_eq(lean_key_slot(keys, near, len), -1, "%.*s", (int)len, near);
      cr_assert_eq(lean_key_slot(keys, letters, len), slots[len], "%zu", len);
    }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* The memo: found exactly as kept (bytes, length and kind), replaced by a key of the same slot,
 * never kept too long or with too many numbers. */
Test(prefilter, memos_remember_exactly) {
  Arena arena;
  arena_init(&arena);
  enum { KEY_MAX = 40, IDS_MAX = 4 };
  Memo *memo = memo_new(&arena, 16, KEY_MAX, IDS_MAX);
  const char *value = "C:\\Windows\\System32\\svchost.exe";
  size_t len = strlen(value), count = 0;
  uint32_t ids[IDS_MAX + 1] = {7, 3};
  uint64_t hash = memo_hash(value, len, 1);
  cr_assert_null(memo_find(memo, hash, value, len, 1, &count));
  memo_keep(memo, hash, value, len, 1, ids, 2);
  const uint32_t *found = memo_find(memo, hash, value, len, 1, &count);
  cr_assert(found && count == 2 && found[0] == 7 && found[1] == 3);
  cr_assert_null(memo_find(memo, memo_hash(value, len, 0), value, len, 0, &count), "kind 0");
  cr_assert_null(memo_find(memo, memo_hash(value, len - 1, 1), value, len - 1, 1, &count));
  char other[64];
  strcpy(other, value);
  other[3] = 'w'; /* same length, one byte off: another hash, and were it the same, the compare */
  cr_assert_null(memo_find(memo, hash, other, len, 1, &count));
  cr_assert_neq(memo_hash(other, len, 1), hash);
  memo_keep(memo, hash, value, len, 1, ids, 0); /* kept again: no numbers now */
  found = memo_find(memo, hash, value, len, 1, &count);
  cr_assert(found && count == 0);
  char long_key[KEY_MAX + 1];
  memset(long_key, 'a', sizeof long_key);
  uint64_t long_hash = memo_hash(long_key, sizeof long_key, 1);
  memo_keep(memo, long_hash, long_key, sizeof long_key, 1, ids, 1);
  cr_assert_null(memo_find(memo, long_hash, long_key, sizeof long_key, 1, &count));
  memo_keep(memo, hash, value, len, 1, ids, IDS_MAX + 1);
  found = memo_find(memo, hash, value, len, 1, &count);
  cr_assert(found && count == 0, "a list too long is not kept: the old one stays");
  arena_free(&arena);
}

/* The values json_check hands on, kept for a verdict key with their paths, and the keys they
 * are numbered by. */
typedef struct Values {
  RecordedValue items[32];
  JsonStep steps[128];
  size_t count, step_count;
  LeanKeys *keys;
} Values;

static void keep_value(const JsonValue *v, void *context) {
  Values *values = context;
  if (!v->kept)
    return;
  cr_assert_lt(values->count, 32);
  cr_assert_leq(values->step_count + v->depth, 128);
  memcpy(values->steps + values->step_count, v->path, v->depth * sizeof(JsonStep));
  values->items[values->count++] = (RecordedValue){
      v->text, v->len, v->kind, v->kept, v->below_all, v->key, v->depth, values->step_count};
  values->step_count += v->depth;
}

static int32_t slot_of_key(const char *key, size_t len, void *context) {
  return lean_key_slot(((Values *)context)->keys, key, len);
}

/* The verdict key of an event for rule 0 of keys (lean_want() for it), into key, with the
 * prefilter's counts of new values per key (NULL: none); its length. */
static size_t key_with(LeanKeys *keys, const char *event, char *key, const uint8_t *misses) {
  Values values = {.count = 0, .keys = keys};
  JsonValueSink sink = {keep_value, slot_of_key, &values};
  bool is_object;
  cr_assert(json_check(event, strlen(event), &is_object, NULL, &sink), "%s", event);
  uint32_t rule = 0;
  lean_want(keys, &rule, 1);
  return verdict_key(key, &rule, 1, values.items, values.count, values.steps, keys, misses);
}

static size_t key_of(LeanKeys *keys, const char *event, char *key) {
  return key_with(keys, event, key, NULL);
}

/* An event's verdict key holds what its rules read, where and as what: events that differ
 * only elsewhere have the same key, a value at another place or of another type makes another. */
Test(prefilter, verdict_keys_hold_what_the_rules_read) {
  Arena arena;
  arena_init(&arena);
  SigmacSession *session;
  LeanKeys *keys = three_rule_keys(&arena, &session);
  static const struct {
    const char *event;
    bool same; /* as the first event's key */
  } cases[] = {
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"a.exe\", "
       "\"User\": \"u\", \"Pid\": 1}}}",
       true},
      /* another user (read by the other rule only) and process ID (read by none) */
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"a.exe\", "
       "\"User\": \"v\", \"Pid\": 2}}}",
       true},
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"b.exe\"}}}", false},
      {"{\"Event\": {\"System\": {\"EventID\": 2}, \"EventData\": {\"Image\": \"a.exe\"}}}",
       false}, /* the facts routing reads count */
      {"{\"Event\": {\"System\": {\"EventID\": \"1\"}, \"EventData\": {\"Image\": \"a.exe\"}}}",
       false}, /* a string, not a number */
      {"{\"Event\": {\"System\": {\"EventID\": 1, \"Image\": \"a.exe\"}, \"EventData\": {}}}",
       false}, /* the same value elsewhere */
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": [\"a.exe\"]}}}",
       false},
      /* an empty object where a rule reads: a value as much as "a.exe" is */
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": \"a.exe\", "
       "\"User\": \"u\", \"Pid\": 1, \"Image\": {}}}}",
       false},
      /* an item of an array where a key was: paths are written out, not hashed */
      {"{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": [\"a.exe\"]}}", false},
  };
  char first[VERDICT_KEY], key[VERDICT_KEY];
  size_t first_len = key_of(keys, cases[0].event, first);
  cr_assert_gt(first_len, 0);
  for (size_t i = 1; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = key_of(keys, cases[i].event, key);
    bool same = len == first_len && memcmp(key, first, len) == 0;
    cr_assert_eq(same, cases[i].same, "%s", cases[i].event);
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* An event one of whose values the rules read is of a key whose values are new every time has
 * no verdict key (it would be new too); a key the rules do not read, or one whose values were
 * new fewer times in a row, leaves the key as it is. */
Test(prefilter, verdict_keys_leave_out_events_whose_values_are_always_new) {
  Arena arena;
  arena_init(&arena);
  SigmacSession *session;
  LeanKeys *keys = three_rule_keys(&arena, &session);
  const char *event = "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\"Image\": "
                      "\"a.exe\", \"User\": \"u\"}}}";
  uint8_t *misses = arena_alloc(&arena, lean_slot_capacity(keys));
  int32_t image = lean_key_slot(keys, "Image", 5), user = lean_key_slot(keys, "User", 4);
  cr_assert(image >= 0 && user >= 0);
  char plain[VERDICT_KEY], key[VERDICT_KEY];
  size_t plain_len = key_with(keys, event, plain, misses);
  cr_assert_gt(plain_len, 0);
  misses[user] = PREFILTER_NEW_IN_A_ROW; /* read by another rule only */
  misses[image] = PREFILTER_NEW_IN_A_ROW - 1;
  cr_assert_eq(key_with(keys, event, key, misses), plain_len);
  cr_assert_arr_eq(key, plain, plain_len);
  misses[image] = PREFILTER_NEW_IN_A_ROW;
  cr_assert_eq(key_with(keys, event, key, misses), 0);
  arena_free(&arena);
  sigmac_session_free(session);
}

/* Routing decides each distinct logsource test once per event: tests are the same when their
 * logsource (names up to case) and the event IDs their detections require are. */
/* The logsource tests of count rules given as YAML, into tests. */
static void logsource_tests_of(SigmacSession **session, Arena *arena, const char *yaml,
                               size_t count, const LogsourceTest **tests) {
  const IrRuleSet *set = compiled(session, yaml, count);
  for (size_t i = 0; i < count; i++)
    tests[i] = logsource_test(arena, set->rules[i], NULL);
}

Test(prefilter, logsource_tests_are_the_same_when_they_say_the_same) {
  static const char rules_text[] =
      "title: a\nlogsource: {product: windows, category: process_creation}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n---\n"
      "title: b\nlogsource: {product: Windows, category: Process_Creation}\n"
      "detection:\n  sel: {CommandLine: y}\n  condition: sel\n---\n"
      "title: c\nlogsource: {product: windows, category: file_event}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n---\n"
      "title: d\nlogsource: {product: windows, service: security}\n"
      "detection:\n  sel: {EventID: 4688, Image: x}\n  condition: sel\n---\n"
      "title: e\nlogsource: {product: windows, service: security}\n"
      "detection:\n  sel: {EventID: 4624}\n  condition: sel\n---\n"
      "title: f\nlogsource: {product: windows, service: security}\n"
      "detection:\n  sel: {EventID: 4688}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  arena_init(&arena);
  const LogsourceTest *t[6];
  logsource_tests_of(&session, &arena, rules_text, 6, t);
  static const bool same[6][6] = {
      {1, 1, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0},
      {0, 0, 0, 1, 0, 1}, {0, 0, 0, 0, 1, 0}, {0, 0, 0, 1, 0, 1},
  };
  for (size_t i = 0; i < 6; i++)
    for (size_t j = 0; j < 6; j++)
      cr_assert_eq(logsource_same_test(t[i], t[j]), same[i][j], "rules %zu and %zu", i, j);
  arena_free(&arena);
  sigmac_session_free(session);
}

/* The router's rules for a set of facts are each rule's logsource verdict on them, whichever
 * facts came before: over a few hundred sets of facts seen in turn (more than it keeps, so they
 * take each other's places), each differing from others in one fact only. */
Test(prefilter, the_router_leaves_the_rules_whose_logsource_the_facts_allow) {
  static const char rules_text[] =
      "title: a\nlogsource: {product: windows, category: process_creation}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n---\n"
      "title: b\nlogsource: {product: windows, category: file_event}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n---\n"
      "title: c\nlogsource: {product: windows, service: security}\n"
      "detection:\n  sel: {EventID: 4624}\n  condition: sel\n---\n"
      "title: d\nlogsource: {product: linux, category: process_creation}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n---\n"
      "title: e\nlogsource: {category: process_creation}\n"
      "detection:\n  sel: {Image: x}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  arena_init(&arena);
  const LogsourceTest *tests[6];
  logsource_tests_of(&session, &arena, rules_text, 5, tests);
  tests[5] = NULL; /* a rule without a logsource test: every event's */
  Router *router = router_new(&arena, tests, 6);
  static const char *channels[] = {"Microsoft-Windows-Sysmon/Operational",
                                   "microsoft-windows-sysmon/operational", "Security", NULL};
  static const char *os_types[] = {"windows", "linux", NULL};
  char long_channel[200];
  memset(long_channel, 'S', sizeof long_channel);
  uint32_t seed = 7;
  for (size_t round = 0; round < 3000; round++) {
    seed = seed * 1103515245u + 12345u;
    JsonFacts seen = {0};
    seen.evtx = seed >> 8 & 1;
    size_t c = seed >> 9 & 3;
    seen.channel = c == 3 && (seed >> 11 & 1) ? long_channel : channels[c];
    seen.channel_len = !seen.channel                  ? 0
                       : seen.channel == long_channel ? sizeof long_channel
                                                      : strlen(seen.channel);
    seen.has_event_id = seed >> 12 & 1;
    seen.event_id = seed >> 13 & 1 ? 1 : seed >> 14 & 1 ? 11 : (long long)(seed >> 20 & 255);
    size_t o = (seed >> 15) % 3;
    seen.os_type = os_types[o];
    seen.os_type_len = seen.os_type ? strlen(seen.os_type) : 0;
    seen.has_category = seed >> 17 & 1;
    seen.unsure = (seed >> 18 & 15) == 0;
    const uint64_t *allowed = router_allowed(router, &seen);
    if (seen.unsure) {
      cr_assert_null(allowed, "unsure facts leave every rule");
      continue;
    }
    cr_assert_not_null(allowed);
    EventFacts facts = {.evtx = seen.evtx,
                        .channel = seen.channel,
                        .channel_len = seen.channel_len,
                        .has_event_id = seen.has_event_id,
                        .event_id = seen.event_id,
                        .os_type = seen.os_type,
                        .os_type_len = seen.os_type_len,
                        .has_category = seen.has_category};
    for (size_t r = 0; r < 6; r++) {
      bool expected = !tests[r] || logsource_verdict(tests[r], &facts) != LOGSOURCE_NO;
      cr_assert_eq(allowed[0] >> r & 1, expected,
                   "round %zu, rule %zu: evtx %d channel %zu event ID %d:%lld os %zu category %d",
                   round, r, seen.evtx, c, seen.has_event_id, seen.event_id, o, seen.has_category);
    }
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* The stream remembers the verdicts on events that repeat what the rules read, whatever else
 * differs (process IDs, GUIDs, the time): golden/eval/remembered.ndjson's lines 2, 4 and 8
 * repeat lines 1, 3 and 5 so, and line 9 differs in the case of a value read. */
Test(prefilter, the_stream_remembers_verdicts_of_repeated_events) {
  char *yaml = test_read_file("golden/eval/remembered.yml", NULL);
  cr_assert(yaml);
  SigmacSession *session;
  const IrRuleSet *set = compiled(&session, yaml, 3);
  Arena arena;
  arena_init(&arena);
  DiagSink diags;
  diag_sink_init(&diags, &arena);
  StreamInput input = {"golden/eval/remembered.ndjson", NULL};
  size_t count;
  StreamStats stats;
  RuleResult *results =
      stream_rules(&arena, &diags, set, NULL, NULL, NULL, &input, 1, &count, &stats);
  cr_assert_eq(count, 3);
  cr_assert_eq(stats.events, 10);
  cr_assert_eq(stats.remembered, 3, "remembered %zu", stats.remembered);
  cr_assert_eq(results[0].matches.count + results[1].matches.count + results[2].matches.count, 7);
  arena_free(&arena);
  sigmac_session_free(session);
  free(yaml);
}

/* A value no rule's field reads is searched for the anchors of rules that read every value
 * (Sigma keywords) alone. */
Test(prefilter, unread_values_are_searched_for_keyword_anchors_only) {
  static const char keyword_rules[] =
      "title: field\nlogsource: {product: windows}\n"
      "detection:\n  sel: {Image|contains: 'mimikatz'}\n  condition: sel\n---\n"
      "title: keyword\nlogsource: {product: windows}\n"
      "detection:\n  kw: ['sekurlsa']\n  condition: kw\n";
  SigmacSession *session;
  const IrRuleSet *set = compiled(&session, keyword_rules, 2);
  Arena arena;
  arena_init(&arena);
  bool whole_event[] = {false, true};
  Prefilter *pf = prefilter_build(&arena, (const IrRule *const *)set->rules, set->count, NULL,
                                  whole_event, NULL);
  uint32_t out[2];
  const char *both = "mimikatz sekurlsa::logonpasswords";
  prefilter_begin(pf);
  prefilter_feed(pf, both, strlen(both), false);
  cr_assert_eq(prefilter_end(pf, NULL, out), 1, "only the keyword rule reads an unread value");
  cr_assert_eq(out[0], 1);
  prefilter_begin(pf);
  prefilter_feed(pf, both, strlen(both), true);
  cr_assert_eq(prefilter_end(pf, NULL, out), 2);
  Prefilter *plain =
      prefilter_build(&arena, (const IrRule *const *)set->rules, set->count, NULL, NULL, NULL);
  prefilter_begin(plain);
  prefilter_feed(plain, both, strlen(both), false);
  cr_assert_eq(prefilter_end(plain, NULL, out), 0, "no rule said to read every value");
  arena_free(&arena);
  sigmac_session_free(session);
}

/* Unread values are searched at the end of the event for the keyword texts of the keyword
 * rules its logsource leaves (a scanner per set of them: a long text alone is looked for at
 * every few bytes, a short one at each), also past the values held for it, whatever the key
 * and however often a value repeats. */
Test(prefilter, unread_values_are_searched_for_the_keywords_of_the_rules_left) {
  static const char keyword_rules[] =
      "title: long\nlogsource: {product: windows}\n"
      "detection:\n  kw: ['sekurlsa::logonpasswords']\n  condition: kw\n---\n"
      "title: short\nlogsource: {product: windows, service: system}\n"
      "detection:\n  kw: ['abc']\n  condition: kw\n";
  SigmacSession *session;
  const IrRuleSet *set = compiled(&session, keyword_rules, 2);
  Arena arena;
  arena_init(&arena);
  bool whole_event[] = {true, true};
  Prefilter *pf = prefilter_build(&arena, (const IrRule *const *)set->rules, set->count, NULL,
                                  whole_event, NULL);
  const uint64_t long_only = 1, both = 3;
  static const char *const values[] = {"sekurlsa::logonpasswords", "abc", "no"};
  char filler[300][8];
  for (int round = 0; round < 12; round++) { /* rounds repeat values: the last-value table */
    const uint64_t *allowed = round % 2 ? &long_only : &both;
    size_t at = round / 2 % 3 == 2 ? 250 : (size_t)(round / 2 % 3) * 20; /* past 128 values */
    prefilter_begin(pf);
    for (size_t i = 0; i < 300; i++) {
      snprintf(filler[i], sizeof filler[i], "v%zu", i);
      const char *text = i == at ? values[0] : i == at + 1 ? values[1] : filler[i];
      prefilter_feed_unread(pf, i % 2 ? "key" : "other", i % 2 ? 3 : 5, text, strlen(text));
    }
    uint32_t out[2];
    size_t n = prefilter_end(pf, allowed, out);
    cr_assert_eq(n, round % 2 ? 1 : 2, "round %d", round);
    cr_assert_eq(out[0], 0, "round %d", round);
    prefilter_begin(pf); /* neither keyword */
    prefilter_feed_unread(pf, "key", 3, values[2], 2);
    prefilter_feed_unread(pf, "key", 3, "abd sekurlsa::logonpassword", 27);
    cr_assert_eq(prefilter_end(pf, allowed, out), 0, "round %d", round);
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* More sets of keyword rules than the scanners kept: each set's scanner is made again when it
 * comes back (its memory given back when another takes its place), and finds the same. */
Test(prefilter, keyword_scanners_made_again_find_the_same) {
  char yaml[2048] = "";
  for (int r = 0; r < 5; r++)
    snprintf(yaml + strlen(yaml), sizeof yaml - strlen(yaml),
             "%stitle: k%d\nlogsource: {product: windows}\n"
             "detection:\n  kw: ['keyword-number-%d']\n  condition: kw\n",
             r ? "---\n" : "", r, r);
  SigmacSession *session;
  const IrRuleSet *set = compiled(&session, yaml, 5);
  Arena arena;
  arena_init(&arena);
  bool whole_event[] = {true, true, true, true, true};
  Prefilter *pf = prefilter_build(&arena, (const IrRule *const *)set->rules, set->count, NULL,
                                  whole_event, NULL);
  const char *value = "keyword-number-0 keyword-number-1 keyword-number-2 keyword-number-3 "
                      "keyword-number-4";
  for (int round = 0; round < 3; round++)
    for (uint64_t allowed = 1; allowed < 32; allowed++) { /* 31 sets, 8 scanners kept */
      prefilter_begin(pf);
      prefilter_feed_unread(pf, "key", 3, value, strlen(value));
      uint32_t out[5];
      size_t n = prefilter_end(pf, &allowed, out);
      cr_assert_eq(n, (size_t)__builtin_popcountll(allowed), "round %d, set %llu", round,
                   (unsigned long long)allowed);
      for (size_t i = 0; i < n; i++)
        cr_assert(allowed >> out[i] & 1, "round %d, set %llu", round, (unsigned long long)allowed);
    }
  arena_free(&arena);
  sigmac_session_free(session);
}

static const char rules[] =
    "title: a\nlogsource: {product: windows, category: process_creation}\n"
    "detection:\n  img: {Image|endswith: '\\certutil.exe'}\n"
    "  cli: {CommandLine|contains: [' -urlcache ', ' -verifyctl ']}\n"
    "  condition: img and cli\n---\n"
    "title: b\nlogsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel: {CommandLine|re: 'x{3}'}\n  condition: sel\n---\n"
    "title: c\nlogsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel: {Image|endswith: '\\cmd.exe'}\n  condition: not sel\n";

/* The candidates for an event, asked twice: the second time its values are remembered, and the
 * answer must be the same. */
static size_t candidates(Prefilter *pf, const char *event, uint32_t *out) {
  size_t first = prefilter_candidates(pf, event, strlen(event), out);
  uint32_t again[8];
  cr_assert_leq(first, 8);
  memcpy(again, out, first * sizeof(uint32_t));
  cr_assert_eq(prefilter_candidates(pf, event, strlen(event), out), first, "%s", event);
  cr_assert(memcmp(again, out, first * sizeof(uint32_t)) == 0, "%s", event);
  return first;
}

Test(prefilter, rules_are_candidates_only_when_every_anchor_clause_is_met) {
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rules, 3);
  cr_assert_eq(prefilter_unanchored(pf), 2); /* a regex, and a negation */
  uint32_t out[3];
  /* the JSON text doubles backslashes; the anchors are written the same way */
  cr_assert_eq(
      candidates(pf, "{\"Image\":\"C:\\\\W\\\\CERTUTIL.exe\",\"CommandLine\":\"c -urlcache x\"}",
                 out),
      3);
  cr_assert_eq(
      candidates(pf, "{\"Image\":\"C:\\\\W\\\\certutil.exe\",\"CommandLine\":\"c -f x\"}", out), 2,
      "the command line anchor is missing: rule a is no candidate");
  cr_assert_eq(out[0], 1);
  cr_assert_eq(out[1], 2);
  arena_free(&arena);
  sigmac_session_free(session);
}

/* An OR of two ANDs whose most selective clauses are a common value (Details) beside a rare
 * one (TargetObject): every choice of one clause per operand is required, so the common value
 * alone, or with the other operand's key, leaves the rule out. */
Test(prefilter, an_or_of_ands_requires_every_choice_of_their_clauses) {
  static const char rule[] =
      "title: a\nlogsource: {product: windows, category: registry_set}\n"
      "detection:\n"
      "  set1: {TargetObject|endswith: '\\Explorer\\HideClock', Details: 'DWORD (0x00000001)'}\n"
      "  set0: {TargetObject|endswith: '\\Advanced\\ShowInfoTip', Details: 'DWORD (0x00000000)'}\n"
      "  condition: 1 of set*\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rule, 1);
  static const struct {
    const char *event;
    size_t candidates;
  } cases[] = {
      {"{\"TargetObject\":\"HKU\\\\x\\\\Run\",\"Details\":\"DWORD (0x00000001)\"}", 0},
      {"{\"TargetObject\":\"HKU\\\\x\\\\Explorer\\\\HideClock\",\"Details\":\"DWORD "
       "(0x00000000)\"}",
       0},
      {"{\"TargetObject\":\"HKU\\\\x\\\\Explorer\\\\HideClock\",\"Details\":\"DWORD "
       "(0x00000001)\"}",
       1},
      {"{\"TargetObject\":\"HKU\\\\Advanced\\\\ShowInfoTip\",\"Details\":\"dword (0x00000000)\"}",
       1},
      {"{\"TargetObject\":\"HKU\\\\Advanced\\\\ShowInfoTip\",\"Details\":\"DWORD (0x00000001)\"}",
       0},
  };
  uint32_t out[1];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    cr_assert_eq(candidates(pf, cases[i].event, out), cases[i].candidates, "%s", cases[i].event);
  arena_free(&arena);
  sigmac_session_free(session);
}

/* A key whose last sixteen values were all new (a hash, a GUID) has its values scanned without
 * the memo, each still finding its texts; one in thirty-two still asks the memo, which keeps
 * it, so that a value repeating again is known the next time and the key's count starts over. */
Test(prefilter, values_of_a_key_always_new_skip_the_memo) {
  static const char rule[] = "title: hash\nlogsource: {product: windows}\n"
                             "detection:\n  sel: {Hashes|contains: 'DEADBEEF'}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rule, 1);
  uint8_t misses = 0;
  uint32_t out[1];
  char value[80];
  for (unsigned i = 0; i < 200; i++) { /* new every time; every third holds the anchor */
    snprintf(value, sizeof value, "SHA256=%08X%s%08X", i * 2654435761u, i % 3 ? "" : "deadbeef", i);
    prefilter_begin(pf);
    prefilter_feed_read(pf, value, strlen(value), &misses);
    cr_assert_eq(prefilter_end(pf, NULL, out), i % 3 == 0, "%s", value);
    cr_assert_eq(misses, i < 16 ? i + 1 : 16);
  }
  cr_assert_eq(prefilter_skipped(pf), 184 - 184 / 32, "all past the sixteenth but the retries");
  snprintf(value, sizeof value, "SHA256=%s", "00DEADBEEF00");
  size_t repeated = 0;
  while (misses && repeated < 100) { /* the same value: known at the second retry */
    prefilter_begin(pf);
    prefilter_feed_read(pf, value, strlen(value), &misses);
    cr_assert_eq(prefilter_end(pf, NULL, out), 1);
    repeated++;
  }
  cr_assert_eq(misses, 0);
  cr_assert_leq(repeated, 2 * 32);
  arena_free(&arena);
  sigmac_session_free(session);
}

/* An integer of one or two digits a field equals is found as a value's whole text, as a number
 * or a string (the matcher compares a string with its digits exactly), not inside another
 * value; 0, which -0 equals, gives no anchor. */
Test(prefilter, short_integers_are_whole_values) {
  static const char rules_text[] =
      "title: port\nlogsource: {product: windows}\n"
      "detection:\n  sel: {DestinationPort: 88}\n  condition: sel\n---\n"
      "title: zero\nlogsource: {product: windows}\n"
      "detection:\n  sel: {Count: 0}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rules_text, 2);
  cr_assert_eq(prefilter_unanchored(pf), 1, "the zero");
  static const struct {
    const char *value;
    bool number;
    size_t candidates; /* the zero's rule is always one */
  } values[] = {{"88", true, 2},   {"88", false, 2},  {"8888", true, 1},
                {"088", false, 1}, {"8", true, 1},    {"x88", false, 1},
                {"-8", true, 1},   {"880", false, 1}, {"SourcePort 88", false, 1}};
  uint32_t out[2];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    prefilter_begin(pf);
    if (values[i].number)
      prefilter_feed_number(pf, values[i].value, strlen(values[i].value));
    else
      prefilter_feed(pf, values[i].value, strlen(values[i].value), true);
    cr_assert_eq(prefilter_end(pf, NULL, out), values[i].candidates, "%s", values[i].value);
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* A value the memo has not seen whose head (up to its last backslash) it has: the head's texts
 * are taken from the memo, the rest scanned from where a text ending past the head can start,
 * so that a text across the two is found as well as one in each. */
Test(prefilter, a_new_value_in_a_known_folder_finds_every_text) {
  static const char rules_text[] =
      "title: across\nlogsource: {product: windows}\n"
      "detection:\n  sel: {CommandLine|contains: 'Downloads\\evil'}\n  condition: sel\n---\n"
      "title: head\nlogsource: {product: windows}\n"
      "detection:\n  sel: {CommandLine|contains: 'Users\\bob'}\n  condition: sel\n---\n"
      "title: tail\nlogsource: {product: windows}\n"
      "detection:\n  sel: {CommandLine|contains: 'l.exe'}\n  condition: sel\n---\n"
      "title: none\nlogsource: {product: windows}\n"
      "detection:\n  sel: {CommandLine|contains: 'nowhere'}\n  condition: sel\n---\n"
      "title: just past\nlogsource: {product: windows}\n"
      "detection:\n  sel: {CommandLine|contains: 'oads\\e'}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rules_text, 5);
  static const struct {
    const char *value; /* as JSON writes it */
    size_t candidates;
    uint32_t first;
  } values[] = {
      {"C:\\\\Users\\\\bob\\\\Downloads\\\\a.txt", 1, 1},    /* the head's texts remembered */
      {"C:\\\\Users\\\\bob\\\\Downloads\\\\evil.exe", 4, 0}, /* the head from the memo */
      {"C:\\\\Users\\\\bob\\\\Downloads\\\\evil.exe", 4, 0}, /* the value from the memo */
      {"C:\\\\Users\\\\bob\\\\Downloads\\\\b.txt", 1, 1},
      {"C:\\\\Users\\\\eve\\\\Downloads\\\\evil.exe", 3, 0}, /* another head */
  };
  uint32_t out[5];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    size_t n = prefilter_candidates(pf, values[i].value, strlen(values[i].value), out);
    cr_assert_eq(n, values[i].candidates, "%s", values[i].value);
    cr_assert_eq(out[0], values[i].first, "%s", values[i].value);
  }
  arena_free(&arena);
  sigmac_session_free(session);
}

/* 70 rules over two words of candidate bits, rule r with r % 10 + 1 clauses, clause j the
 * token "tokjqz" of field fj: an event with the tokens of clauses 0 .. m-1 leaves the rules of
 * up to m clauses. A rule of more than eight clauses has eight tested (only more candidates). */
Test(prefilter, each_rule_needs_all_its_clauses_whatever_its_word) {
  enum { RULES = 70 };
  char *yaml = calloc(RULES, 512);
  cr_assert(yaml);
  for (int r = 0; r < RULES; r++) {
    char *at = yaml + strlen(yaml);
    at += sprintf(at, "%stitle: r%d\nlogsource: {product: linux}\ndetection:\n  sel:\n",
                  r ? "---\n" : "", r);
    for (int j = 0; j <= r % 10; j++)
      at += sprintf(at, "    f%d: tok%dqz\n", j, j);
    sprintf(at, "  condition: sel\n");
  }
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, yaml, RULES);
  cr_assert_eq(prefilter_unanchored(pf), 0);
  for (int m = 0; m <= 10; m++) {
    char event[512] = "{\"x\":\"-\"";
    for (int j = 0; j < m; j++)
      sprintf(event + strlen(event), ",\"f%d\":\"tok%dqz\"", j, j);
    strcat(event, "}");
    uint32_t out[RULES];
    size_t n = prefilter_candidates(pf, event, strlen(event), out), k = 0;
    for (uint32_t r = 0; r < RULES; r++) {
      int clauses = (int)(r % 10) + 1;
      bool listed = k < n && out[k] == r;
      k += listed;
      if (clauses > 8 && m >= 8 && m < clauses)
        continue; /* eight of its clauses are tested, which ones is not said */
      cr_assert_eq(listed, clauses <= m, "m %d: rule %u of %d clauses", m, r, clauses);
    }
    cr_assert_eq(k, n, "m %d: the candidates are in ascending order", m);
  }
  arena_free(&arena);
  sigmac_session_free(session);
  free(yaml);
}

/* A value's non-ASCII characters are anchors as UTF-8 (Sigma folds ASCII case only); a regex's
 * are not (PCRE2 folds Unicode case); a line escaping one is not prefiltered at all. */
/* One character of two UTF-8 bytes is an anchor (a Cyrillic look-alike in a file name): found
 * in a longer value and as a value of its own (two bytes), its bytes' case never folded, and not
 * in ASCII text. An ASCII run of two bytes is none. */
Test(prefilter, a_two_byte_character_is_an_anchor) {
  static const char rules_text[] =
      "title: cyrillic a\nlogsource: {product: windows, category: file_event}\n"
      "detection:\n  sel: {TargetFilename|contains: '\u0430'}\n  condition: sel\n---\n"
      "title: ascii two\nlogsource: {product: windows, category: file_event}\n"
      "detection:\n  sel: {TargetFilename|contains: 'ab'}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, rules_text, 2);
  cr_assert_eq(prefilter_unanchored(pf), 1, "two ASCII bytes are no anchor");
  uint32_t out[2];
  static const struct {
    const char *event;
    size_t candidates;
  } cases[] = {
      {"{\"TargetFilename\":\"C:\\\\p\xd0\xb0yload.exe\"}", 2}, /* U+0430 inside */
      {"{\"TargetFilename\":\"\xd0\xb0\"}", 2},                 /* a value of two bytes */
      {"{\"TargetFilename\":\"C:\\\\payload.exe\"}", 1},        /* ASCII: the Latin a */
      {"{\"TargetFilename\":\"\xd0\x90\"}", 1},                 /* U+0410: no case folding */
      {"{\"TargetFilename\":\"x\xd1\x80\xd0\"}", 1},            /* other bytes of Cyrillic */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    cr_assert_eq(candidates(pf, cases[i].event, out), cases[i].candidates, "%s", cases[i].event);
  arena_free(&arena);
  sigmac_session_free(session);
}

Test(prefilter, non_ascii_values_are_anchors_as_utf8) {
  static const char unicode_rules[] =
      "title: braille\nlogsource: {product: windows, category: process_creation}\n"
      "detection:\n  sel: {CommandLine|contains: '\u2800\u2800\u2800.exe'}\n"
      "  condition: sel\n---\n"
      "title: cyrillic regex\nlogsource: {product: windows, category: process_creation}\n"
      "detection:\n  sel: {CommandLine|re: '\u0410\u0411\u0412'}\n  condition: sel\n";
  SigmacSession *session;
  Arena arena;
  Prefilter *pf = prefilter_of(&session, &arena, unicode_rules, 2);
  cr_assert_eq(prefilter_unanchored(pf), 1, "the regex has no anchor");
  uint32_t out[2];
  cr_assert_eq(
      candidates(pf, "{\"CommandLine\":\"a\xe2\xa0\x80\xe2\xa0\x80\xe2\xa0\x80.EXE\"}", out), 2);
  cr_assert_eq(candidates(pf, "{\"CommandLine\":\"a   .exe\"}", out), 1);
  cr_assert_eq(out[0], 1);
  JsonFacts f;
  bool is_object;
  const char *escaped = "{\"CommandLine\": \"\\u2800\\u2800\\u2800.exe\"}";
  cr_assert(json_check(escaped, strlen(escaped), &is_object, &f, NULL));
  cr_assert(f.odd_text, "the anchors cannot be read in \\u2800");
  arena_free(&arena);
  sigmac_session_free(session);
}

/* A regex gives the literal its top level requires: never a character a quantifier makes
 * optional, nothing from groups or classes, one anchor per branch of a top-level '|'. Each
 * case: the regex, a text it matches (so the rule must be a candidate), a text without the
 * anchor it should have (so it must not be). */
Test(prefilter, regexes_give_the_literals_they_require) {
  static const struct {
    const char *re, *matching, *other;
  } cases[] = {
      {"ipconfig\\s+/all", "c ipconfig  /all", "c ifconfig /all"},
      {"abcd?efg", "x abcefg", "x abdefg"},
      {"(?i)werfault\\.exe[0-9]{2,4}", "WERFAULT.EXE12", "werfault exe12"},
      {"foo1x|bar2y", "a bar2y b", "a foo b"},
      {"(aa|bb)cccc", "bbcccc", "aabbb"},
      {"x{0,3}yyyy", "yyyy", "xxxx"},
      {"[a-z]+zzzz", "qzzzz", "zzz"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char rule[512];
    snprintf(rule, sizeof rule,
             "title: r\nlogsource: {product: windows, category: process_creation}\n"
             "detection:\n  sel: {CommandLine|re: '%s'}\n  condition: sel\n",
             cases[i].re);
    SigmacSession *session;
    const IrRuleSet *set = compiled(&session, rule, 1);
    Arena arena;
    arena_init(&arena);
    Prefilter *pf =
        prefilter_build(&arena, (const IrRule *const *)set->rules, set->count, NULL, NULL, NULL);
    cr_assert_eq(prefilter_unanchored(pf), 0, "%s has an anchor", cases[i].re);
    uint32_t out[1];
    char event[256];
    snprintf(event, sizeof event, "{\"CommandLine\": \"%s\"}", cases[i].matching);
    cr_assert_eq(candidates(pf, event, out), 1, "%s must be tried on %s", cases[i].re, event);
    snprintf(event, sizeof event, "{\"CommandLine\": \"%s\"}", cases[i].other);
    cr_assert_eq(candidates(pf, event, out), 0, "%s need not be tried on %s", cases[i].re, event);
    arena_free(&arena);
    sigmac_session_free(session);
  }
}
