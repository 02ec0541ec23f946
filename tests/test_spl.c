/* The SPL front end with Splunk's semantics: which events each search keeps (the examples of
 * ../shared/docs/spl-semantics.md), precedence in the search command, the regex command, and
 * syntax errors at their positions. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "base/source.h"
#include "eval/event.h"
#include "eval/match.h"
#include "spl/spl.h"

static Arena arena;
static DiagSink diags;

static void setup(void) {
  arena_init(&arena);
  diag_sink_init(&diags, &arena);
}
static void teardown(void) { arena_free(&arena); }

TestSuite(spl, .init = setup, .fini = teardown);

static IrNode *parse(const char *text) {
  Source *src = source_from_text(&arena, "<spl>", text, strlen(text));
  return spl_parse(&arena, src, (Span){0, src->len}, 100, &diags);
}

/* Which of the events (JSON objects, '|'-separated) the search keeps, as a string of 0 and 1. */
static const char *keeps(const char *search, const char *const *events) {
  IrNode *where = parse(search);
  cr_assert(where, "%s does not parse: %s", search, diags.count ? diags.items[0].message : "");
  static char out[32];
  size_t n = 0;
  for (; events[n]; n++) {
    json_error_t error;
    json_t *root = json_loads(events[n], 0, &error);
    cr_assert(root, "%s", error.text);
    Event e = {.root = root};
    event_ready(&e, NULL);
    Matcher m;
    matcher_init(&m, &arena, &diags, false);
    out[n] = match_node(&m, where, &e) == T_TRUE ? '1' : '0';
    json_decref(root);
  }
  out[n] = '\0';
  return out;
}

Test(spl, not_keeps_events_without_the_field_and_not_equal_does_not) {
  static const char *const events[] = {"{\"f\":\"a\"}", "{\"f\":\"v\"}", "{}", NULL};
  cr_assert_str_eq(keeps("f!=v", events), "100");
  cr_assert_str_eq(keeps("NOT f=v", events), "101");
  cr_assert_str_eq(keeps("f=*", events), "110");
  cr_assert_str_eq(keeps("NOT f=*", events), "001");
}

Test(spl, values_are_case_insensitive_with_star_wildcards_lists_and_networks) {
  static const char *const events[] = {"{\"Image\":\"C:\\\\Windows\\\\CMD.exe\"}",
                                       "{\"Image\":\"C:\\\\x\\\\cmd.exe.bak\"}",
                                       "{\"ip\":\"10.1.2.3\"}", NULL};
  cr_assert_str_eq(keeps("Image=\"*\\\\cmd.exe\"", events), "100");
  cr_assert_str_eq(keeps("Image IN (\"*\\\\cmd.exe\", \"*.bak\")", events), "110");
  cr_assert_str_eq(keeps("ip=\"10.0.0.0/8\"", events), "001");
  cr_assert_str_eq(keeps("\"*cmd.exe*\"", events), "110"); /* a term of the raw event */
}

/* In search, OR binds tighter than AND: a b OR c is a AND (b OR c). */
Test(spl, or_binds_tighter_than_and_in_search) {
  static const char *const events[] = {"{\"a\":1,\"c\":3}", "{\"b\":2,\"c\":3}",
                                       "{\"a\":1,\"b\":2}", NULL};
  cr_assert_str_eq(keeps("a=1 b=2 OR c=3", events), "101");
  cr_assert_str_eq(keeps("a=1 AND b=2 OR c=3", events), "101");
  cr_assert_str_eq(keeps("(a=1 b=2) OR c=3", events), "111");
  cr_assert_str_eq(keeps("NOT a=1 OR b=2", events), "011"); /* (NOT a=1) OR b=2 */
}

Test(spl, the_regex_command_filters_with_an_unanchored_pcre) {
  static const char *const events[] = {"{\"c\":\"run cmd /c x\"}", "{\"c\":\"RUN CMD /C\"}",
                                       "{\"d\":\"x\"}", NULL};
  cr_assert_str_eq(keeps("* | regex c=\"cmd /c\"", events), "100");
  cr_assert_str_eq(keeps("* | regex c=\"(?i)cmd /c\"", events), "110");
  cr_assert_str_eq(keeps("c=* | regex c!=\"cmd\"", events), "010");
  cr_assert_str_eq(keeps("\"*x*\" | search d=x", events), "001");
  cr_assert_str_eq(keeps("* | regex c=\"say \\x22hi\\x22|cmd\"", events), "100");
}

Test(spl, quoted_field_names_and_numbers) {
  static const char *const events[] = {"{\"c-uri\":\"/a\",\"n\":5}",
                                       "{\"c-uri\":\"/b\",\"n\":\"12\"}", NULL};
  cr_assert_str_eq(keeps("\"c-uri\"=\"/a\"", events), "10");
  cr_assert_str_eq(keeps("n>6", events), "01");
  cr_assert_str_eq(keeps("n<=5", events), "10");
}

static void syntax_error_at(const char *search, size_t at, const char *id) {
  size_t before = diags.count;
  cr_assert_null(parse(search), "%s parsed", search);
  cr_assert(diags.count > before, "%s: no diagnostic", search);
  cr_assert_eq(diags.items[before].span.start, at, "%s: error at %zu, not %zu", search,
               diags.items[before].span.start, at);
  cr_assert_str_eq(diags.items[before].check_id, id);
}

Test(spl, malformed_searches_are_errors_at_their_place) {
  syntax_error_at("Image=\"*cmd.exe", 6, "spl-syntax");
  syntax_error_at("(a=1 OR b=2", 0, "spl-syntax");
  syntax_error_at("a=1 | stats count", 6, "spl-unsupported");
  syntax_error_at("a=", 2, "spl-syntax");
  syntax_error_at("f IN (a b)", 8, "spl-syntax");
  syntax_error_at("*", 0, "spl-unsupported");
  syntax_error_at("a>x", 2, "spl-unsupported");
  syntax_error_at("* | regex c=cmd", 12, "spl-syntax");
}

/* What a review found: eval's match() keeps a regex's own group numbers (a rex wrapper shifted
 * them), anchored patterns end at \z ('$' also matches before a final line break), and the
 * condition an eval computes is read only as ="true". */
Test(spl, deferred_regexes_keep_their_meaning) {
  static const char *const events[] = {"{\"c\":\"aa\"}", "{\"c\":\"ab\"}", "{\"d\":\"x\"}",
                                       "{\"c\":\"abc\\n\"}", NULL};
  cr_assert_str_eq(keeps("* | eval sigmac_c1=if(isnotnull('c') AND match('c', \"(a)\\1\"), "
                         "\"true\", \"false\") | search sigmac_c1=\"true\" OR d=x",
                         events),
                   "1010");
  cr_assert_str_eq(keeps("* | regex c=\"(?s)^abc\\z\"", events), "0000");
  cr_assert_str_eq(keeps("* | regex c=\"(?s)^abc$\"", events), "0001");
  syntax_error_at("* | eval sigmac_c1=if(isnotnull('c') AND match('c', \"a\"), \"true\", "
                  "\"false\") | search sigmac_c1=\"false\"",
                  94, "spl-unsupported");
}
