/* The evaluator's semantics, case by case: patterns, field resolution, missing fields and null
 * under 'not' (term queries against scripts), regexes, networks, numbers kept as text, keywords. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "base/strbuf.h"
#include "eql/eql.h"
#include "eval/evaluate.h"
#include "eval/event.h"
#include "eval/index_mapping.h"
#include "eval/match.h"
#include "ir/ir_build.h"
#include "sigma/sigma_internal.h"

static Arena arena;
static DiagSink diags;

static void setup(void) {
  arena_init(&arena);
  diag_sink_init(&diags, &arena);
}

static void teardown(void) { arena_free(&arena); }

TestSuite(eval, .init = setup, .fini = teardown);

static IrString pattern(const char *sigma) {
  return sigma_parse_string(&arena, sigma, strlen(sigma));
}

Test(eval, patterns_fold_ascii_case_and_take_utf8_characters) {
  IrString p = pattern("*\\cmd.EXE");
  cr_assert(match_pattern(&p, "C:\\Windows\\CMD.exe", 18, false));
  cr_assert_not(match_pattern(&p, "C:\\Windows\\CMD.exe", 18, true));
  IrString one = pattern("a?c");
  cr_assert(match_pattern(&one, "abc", 3, false));
  cr_assert(match_pattern(&one,
                          "a\xc3\xa9"
                          "c",
                          4, false)); /* é is one character */
  cr_assert_not(match_pattern(&one, "ac", 2, false));
  IrString stars = pattern("*a*b*a*");
  cr_assert(match_pattern(&stars, "xxaxxbxxa", 9, false));
  cr_assert_not(match_pattern(&stars, "xxaxxbxx", 8, false));
  IrString literal = pattern("a\\*b");
  cr_assert(match_pattern(&literal, "a*b", 3, false));
  cr_assert_not(match_pattern(&literal, "axxb", 4, false));
}

/* The glob as specified, by plain recursion: '*' takes any number of characters, '?' one, a
 * character being what its first byte says (a UTF-8 lead byte's width, one for any other). */
static size_t width_at(const char *text, size_t len, size_t at) {
  unsigned char c = (unsigned char)text[at];
  size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return at + n <= len ? n : len - at;
}

static bool reference_glob(const IrString *p, size_t s, const char *text, size_t len, size_t at,
                           bool cased) {
  if (s == p->count)
    return at == len;
  const IrSegment *seg = &p->segs[s];
  switch (seg->kind) {
  case IR_SEG_ANY:
    for (size_t from = at;; from += width_at(text, len, from)) {
      if (reference_glob(p, s + 1, text, len, from, cased))
        return true;
      if (from >= len)
        return false;
    }
  case IR_SEG_ONE:
    return at < len && reference_glob(p, s + 1, text, len, at + width_at(text, len, at), cased);
  case IR_SEG_LITERAL:
    if (at + seg->len > len)
      return false;
    for (size_t i = 0; i < seg->len; i++) {
      char a = seg->text[i], b = text[at + i];
      if (!cased && a >= 'A' && a <= 'Z')
        a = (char)(a | 0x20);
      if (!cased && b >= 'A' && b <= 'Z')
        b = (char)(b | 0x20);
      if (a != b)
        return false;
    }
    return reference_glob(p, s + 1, text, len, at + seg->len, cased);
  }
  return false;
}

/* The matcher's shortcuts for "lit", "lit*", "*lit" and "*lit*" and its backtracking for the
 * rest agree with the specification on random patterns and texts, invalid UTF-8 included (a lead
 * byte makes the glob step over the bytes after it). */
Test(eval, patterns_match_as_the_glob_is_specified) {
  static const char alphabet[] = "aAb*?\xc3\xa9\xe2";
  uint32_t seed = 1;
  for (int round = 0; round < 20000; round++) {
    char written[8], text[12];
    size_t written_len = 1 + round % 7, len = (size_t)(round / 7) % 12;
    for (size_t i = 0; i < written_len + len; i++) {
      seed = seed * 1103515245u + 12345u;
      char c = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
      if (i < written_len)
        written[i] = c;
      else
        text[i - written_len] = c == '*' || c == '?' ? 'a' : c;
    }
    IrString p = sigma_parse_string(&arena, written, written_len);
    bool cased = round % 3 == 0;
    cr_assert_eq(match_pattern(&p, text, len, cased), reference_glob(&p, 0, text, len, 0, cased),
                 "pattern %.*s, text %.*s", (int)written_len, written, (int)len, text);
  }
}

/* The same for the four shapes on longer ASCII texts and literals, where the matcher compares
 * and searches eight bytes at a time: literals of 1 to 19 letters (some longer than a word),
 * texts of up to 48 made mostly of the literal's own letters, so that near misses abound. */
Test(eval, shaped_patterns_match_long_ascii_texts_as_specified) {
  static const char letters[] = "abAB.\\";
  static const char *const shapes[] = {"%s", "%s*", "*%s", "*%s*"};
  uint32_t seed = 3;
  for (int round = 0; round < 20000; round++) {
    char lit[20], written[48], text[48];
    size_t lit_len = 1 + (size_t)round % 19, len = (size_t)(round / 19) % 48;
    for (size_t i = 0; i < lit_len + len; i++) {
      seed = seed * 1103515245u + 12345u;
      char c = letters[(seed >> 16) % (sizeof letters - 1)];
      if (i < lit_len)
        lit[i] = c == '\\' ? 'b' : c; /* no escape in the written value */
      else
        text[i - lit_len] = c;
    }
    lit[lit_len] = '\0';
    if (len >= lit_len && round % 2) /* plant the literal, in another case, somewhere */
      for (size_t i = 0, at = (size_t)round % (len - lit_len + 1); i < lit_len; i++)
        text[at + i] = lit[i] >= 'a' && lit[i] <= 'z' ? (char)(lit[i] - 32) : lit[i];
    int written_len = snprintf(written, sizeof written, shapes[round % 4], lit);
    IrString p = sigma_parse_string(&arena, written, (size_t)written_len);
    bool cased = round % 3 == 0;
    cr_assert_eq(match_pattern(&p, text, len, cased), reference_glob(&p, 0, text, len, 0, cased),
                 "pattern %s, text %.*s", written, (int)len, text);
  }
}

static Event event_of(const char *json) {
  Source *src = source_from_text(&arena, "event.json", json, strlen(json));
  EventSet set = {0};
  cr_assert(event_load(&arena, src, &diags, &set));
  cr_assert_eq(set.count, 1);
  return set.events[0];
}

Test(eval, fields_resolve_flat_nested_mixed_and_evtx) {
  Event e = event_of("{\"process.name\": \"a\", \"process\": {\"pid\": 4},"
                     " \"user\": {\"name.full\": \"b\"},"
                     " \"Event\": {\"System\": {\"EventID\": 1, \"Provider\": {\"#attributes\":"
                     " {\"Name\": \"Sysmon\"}}}, \"EventData\": {\"Image\": \"c\"}}}");
  cr_assert_str_eq(json_string_value(event_field(&e, "process.name", false)), "a");
  cr_assert_eq(json_integer_value(event_field(&e, "process.pid", false)), 4);
  cr_assert_str_eq(json_string_value(event_field(&e, "user.name.full", false)), "b");
  cr_assert_null(event_field(&e, "Image", false));
  cr_assert_str_eq(json_string_value(event_field(&e, "Image", true)), "c");
  cr_assert_eq(json_integer_value(event_field(&e, "EventID", true)), 1);
  cr_assert_str_eq(json_string_value(event_field(&e, "Provider_Name", true)), "Sysmon");
}

/* The streaming evaluator's cache of field lookups: the same answers as without it, for names
 * written anywhere (a buffer reused between lookups), per event, and per kind of name. */
Test(eval, field_lookups_are_cached_per_event) {
  FieldCache *cache = field_cache_new(&arena);
  Event first = event_of("{\"Event\": {\"System\": {\"EventID\": 1}, "
                         "\"EventData\": {\"Image\": \"a\"}}, \"Image\": null}");
  Event second = event_of("{\"Event\": {\"System\": {\"EventID\": 2}, "
                          "\"EventData\": {\"Image\": \"b\"}}}");
  first.cache = second.cache = cache;
  field_cache_next(cache);
  char name[16];
  strcpy(name, "EventID");
  cr_assert_eq(json_integer_value(event_field(&first, name, true)), 1);
  strcpy(name, "Image");
  cr_assert(json_is_null(event_field(&first, name, true)), "the top-level key comes first");
  strcpy(name, "EventID");
  cr_assert_null(event_field(&first, name, false), "not a Sigma name: not looked up in EVTX");
  cr_assert_eq(json_integer_value(event_field(&first, "EventID", true)), 1);
  field_cache_next(cache);
  cr_assert_eq(json_integer_value(event_field(&second, "EventID", true)), 2);
  cr_assert_str_eq(json_string_value(event_field(&second, "Image", true)), "b");
}

static IrNode *pred_node(const char *field, IrMatchKind match, const char *value, bool script) {
  IrPredicate pred;
  memset(&pred, 0, sizeof pred);
  pred.field = field;
  pred.script = script;
  if (match == IR_MATCH_REGEX || match == IR_MATCH_CIDR) {
    pred.match = match;
    pred.pattern = value;
  } else {
    IrString p = pattern(value);
    ir_classify_string(&arena, &pred, &p);
  }
  return ir_pred(&arena, &pred);
}

Test(eval, a_missing_field_is_false_for_terms_and_null_for_scripts) {
  Event e = event_of("{\"a\": \"x\"}");
  Matcher m;
  matcher_init(&m, &arena, &diags, false);
  IrNode *term = pred_node("b", IR_MATCH_EQUALS, "x", false);
  IrNode *script = pred_node("b", IR_MATCH_STARTSWITH, "x*", true);
  cr_assert_eq(match_node(&m, term, &e), T_FALSE);
  cr_assert_eq(match_node(&m, ir_not(&arena, term), &e), T_TRUE); /* must_not: kept */
  cr_assert_eq(match_node(&m, script, &e), T_NULL);
  cr_assert_eq(match_node(&m, ir_not(&arena, script), &e), T_NULL); /* nullSafeFilter: dropped */
}

Test(eval, regex_searches_anywhere_and_lucene_matches_whole_values) {
  Event e = event_of("{\"c\": \"run cmd.exe /c\"}");
  Matcher m;
  matcher_init(&m, &arena, &diags, false);
  IrNode *pcre = pred_node("c", IR_MATCH_REGEX, "cmd\\.exe", false);
  cr_assert_eq(match_node(&m, pcre, &e), T_TRUE);
  IrNode *lucene = pred_node("c", IR_MATCH_REGEX, "cmd\\.exe", false);
  lucene->pred.lucene = true;
  lucene->pred.cased = true;
  cr_assert_eq(match_node(&m, lucene, &e), T_FALSE);
  IrNode *whole = pred_node("c", IR_MATCH_REGEX, "run.*/c", false);
  whole->pred.lucene = true;
  cr_assert_eq(match_node(&m, whole, &e), T_TRUE);
}

Test(eval, networks_numbers_arrays_and_keywords) {
  Event e = event_of("{\"ip\": \"10.1.2.3\", \"id\": \"4688\", \"tags\": [\"a\", \"b\"],"
                     " \"deep\": {\"x\": [\"say Mimikatz now\"]}}");
  Matcher m;
  matcher_init(&m, &arena, &diags, false);
  cr_assert_eq(match_node(&m, pred_node("ip", IR_MATCH_CIDR, "10.0.0.0/8", false), &e), T_TRUE);
  cr_assert_eq(match_node(&m, pred_node("ip", IR_MATCH_CIDR, "10.2.0.0/16", false), &e), T_FALSE);
  IrPredicate number;
  memset(&number, 0, sizeof number);
  number.field = "id";
  number.match = IR_MATCH_EQUALS;
  number.value.kind = IR_VALUE_NUMBER;
  number.value.number.value = 4688;
  cr_assert_eq(match_node(&m, ir_pred(&arena, &number), &e), T_TRUE); /* 4688 and "4688" */
  cr_assert_eq(match_node(&m, pred_node("tags", IR_MATCH_EQUALS, "B", false), &e), T_TRUE);
  IrNode *keyword = pred_node(NULL, IR_MATCH_EQUALS, "mimikatz", false);
  cr_assert_eq(match_node(&m, keyword, &e), T_TRUE);
}

/* A value list of eight or more literals of one field is matched as a set (one Aho-Corasick
 * pass, only over the value's last or first bytes when every literal is held at that end): the
 * same verdicts as its literals tried one by one, for lists of endswith, startswith, equals and
 * contains values and their mixes, over values shorter and longer than the longest literal. */
Test(eval, value_lists_match_as_their_literals_do) {
  static const char alphabet[] = "abAB.\\";
  uint32_t seed = 5;
  for (int round = 0; round < 3000; round++) {
    size_t count = 8 + round % 5;
    IrNode *children[12];
    for (size_t i = 0; i < count; i++) {
      char literal[16], text[24];
      size_t len = 1 + (seed >> 8) % 5;
      for (size_t k = 0; k < len; k++) {
        seed = seed * 1103515245u + 12345u;
        literal[k] = alphabet[(seed >> 16) % 6];
      }
      literal[len] = '\0';
      /* round % 4: ends and equals, starts and equals, any, equals alone */
      seed = seed * 1103515245u + 12345u;
      int form = round % 4 == 0   ? (seed >> 9) % 2 * 2     /* endswith or equals */
                 : round % 4 == 1 ? 1 + (seed >> 9) % 2 * 1 /* startswith or equals */
                 : round % 4 == 2 ? (int)((seed >> 9) % 4)
                                  : 2;
      /* a backslash written twice: Sigma's escape of a literal backslash */
      char *at = text;
      if (form == 0 || form == 3)
        *at++ = '*';
      for (size_t k = 0; k < len; k++) {
        if (literal[k] == '\\')
          *at++ = '\\';
        *at++ = literal[k];
      }
      if (form == 1 || form == 3)
        *at++ = '*';
      *at = '\0';
      children[i] = pred_node("f", IR_MATCH_EQUALS, text, false);
    }
    IrNode *list = ir_join(&arena, IR_OR, children, count);
    char value[24], json[96];
    size_t value_len = (seed >> 12) % 12;
    for (size_t k = 0; k < value_len; k++) {
      seed = seed * 1103515245u + 12345u;
      value[k] = alphabet[(seed >> 16) % 6];
    }
    char *j = json + sprintf(json, "{\"f\": \"");
    for (size_t k = 0; k < value_len; k++) {
      if (value[k] == '\\')
        *j++ = '\\';
      *j++ = value[k];
    }
    strcpy(j, "\"}");
    Event e = event_of(json);
    Matcher as_set, one_by_one;
    matcher_init(&as_set, &arena, &diags, false);
    matcher_init(&one_by_one, &arena, &diags, false);
    Truth expected = T_FALSE;
    for (size_t i = 0; i < count && expected != T_TRUE; i++)
      if (match_node(&one_by_one, children[i], &e) == T_TRUE)
        expected = T_TRUE;
    cr_assert_eq(match_node(&as_set, list, &e), expected, "round %d: %s", round, json);
  }
}

/* A sequence's state is bounded by maxspan: a key whose pending sequence has expired is evicted
 * as time moves on, so 20,000 keys seen once each, a second apart, with maxspan=5s, never make
 * more than a sweep interval's worth of state (src/eval/sequence.c). */
Test(eval, sequence_state_is_evicted_as_time_moves_on, .timeout = 60) {
  const char *query = "sequence by k with maxspan=5s [any where a == 1] [any where a == 2]";
  Source *src = source_from_text(&arena, "q.eql", query, strlen(query));
  IrRuleSet rules = {0};
  cr_assert(eql_compile(&arena, src, &eql_default_options, &diags, &rules));
  size_t n = 20000;
  StrBuf text = STRBUF_INIT;
  for (size_t i = 0; i < n; i++)
    sb_printf(&text, "{\"@timestamp\": %zu, \"k\": \"key%zu\", \"a\": 1}\n", i * 1000, i);
  sb_printf(&text, "{\"@timestamp\": %zu, \"k\": \"key%zu\", \"a\": 2}\n", n * 1000 - 500, n - 1);
  Source *events_src = source_from_text(&arena, "e.ndjson", text.data, text.len);
  sb_free(&text);
  EventSet events = {0};
  cr_assert(event_load(&arena, events_src, &diags, &events));
  size_t count;
  RuleResult *results = eval_rules(&arena, &diags, &rules, NULL, NULL, NULL, &events, &count);
  cr_assert_eq(count, 1);
  cr_assert(results[0].evaluated);
  cr_assert_eq(results[0].matches.count, 1, "the last key's sequence still completes");
  cr_assert_lt(results[0].state_peak, 4096 + 64, "peak %zu keys", results[0].state_peak);
}

Test(eval, versions_order_by_semantic_version_precedence) {
#define V(a, b) version_compare(a, strlen(a), b, strlen(b))
  cr_assert_lt(V("1.5.0", "1.11.3"), 0);
  cr_assert_lt(V("1.2.4-SNAPSHOT", "1.2.4"), 0, "a pre-release comes before its release");
  cr_assert_lt(V("1.0.0-alpha", "1.0.0-alpha.1"), 0);
  cr_assert_lt(V("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0, "numbers before words");
  cr_assert_lt(V("1.0.0-beta.2", "1.0.0-beta.11"), 0);
  cr_assert_eq(V("1.0.0+build.1", "1.0.0+build.2"), 0, "build metadata does not count");
  cr_assert_gt(V("bad", "99.0.0"), 0, "text that is no version sorts after every version");
  cr_assert_lt(V("abc", "bad"), 0);
#undef V
}

Test(eval, dates_parse_in_the_mapping_format) {
  double ms;
  cr_assert(date_parse("dd-MM-yyyy", "17-12-2022", 10, &ms));
  cr_assert_eq(ms, 1671235200000.0);
  cr_assert(date_parse(NULL, "1671235200000", 13, &ms));
  cr_assert_eq(ms, 1671235200000.0);
  cr_assert(date_parse(NULL, "2022-12-17", 10, &ms));
  cr_assert_eq(ms, 1671235200000.0);
  cr_assert(date_parse("yyyy-MM-dd'T'HH:mm:ss.SSS", "2022-12-17T01:02:03.004", 23, &ms));
  cr_assert_eq(ms, 1671235200000.0 + 3723004.0);
  cr_assert(date_parse("yyyy/MM/dd||epoch_second", "1671235200", 10, &ms));
  cr_assert_eq(ms, 1671235200000.0);
  cr_assert_not(date_parse("dd-MM-yyyy", "2022-12-17", 10, &ms));
}
