/* The SPL front end with Splunk's semantics: which events each search keeps (the examples of
 * ../shared/docs/spl-semantics.md), precedence in the search command, the regex command, and
 * syntax errors at their positions. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "base/source.h"
#include "base/strbuf.h"
#include "eval/evaluate.h"
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

/* A CIM data set, then a search of its fields: the search is what is evaluated. */
Test(spl, data_model_searches) {
  static const char *const events[] = {"{\"Processes\":{\"process_path\":\"C:\\\\x\\\\CURL.exe\"}}",
                                       "{\"Processes.process_path\":\"/usr/bin/wget\"}", NULL};
  cr_assert_str_eq(
      keeps("| datamodel Endpoint Processes search | search Processes.process_path=\"*curl.exe\"",
            events),
      "10");
  cr_assert_str_eq(keeps("| datamodel Endpoint Processes search | search "
                         "Processes.process_path=\"*/wget\" | regex Processes.process_path=\"^/\"",
                         events),
                   "01");
  syntax_error_at("| datamodel Endpoint Processes | search a=1", 31, "spl-unsupported");
  syntax_error_at("| datamodel Endpoint Processes search a=1", 38, "spl-unsupported");
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

/* ---- sigmac's correlation pipelines ---------------------------------------------------------- */

#define SEARCHES                                                                                   \
  "| multisearch\n"                                                                                \
  "  [search EventCode=4625 | eval sigmac_rule=\"failed\"]\n"                                      \
  "  [search EventCode=4624 | eval sigmac_rule=\"success\"]\n"                                     \
  "| where isnotnull('user')\n"                                                                    \
  "| sort 0 _time\n"

static const char ordered[] =
    SEARCHES "| eval sigmac_s1=if(sigmac_rule=\"failed\", _time, null())\n"
             "| streamstats time_window=300s max(sigmac_s1) AS sigmac_p1 BY user\n"
             "| where sigmac_rule=\"success\" AND _time - sigmac_p1 <= 300";

static const char temporal[] =
    SEARCHES "| eval sigmac_t1=if(sigmac_rule=\"failed\", _time, null()), "
             "sigmac_t2=if(sigmac_rule=\"success\", _time, null())\n"
             "| streamstats time_window=300s max(sigmac_t1) AS sigmac_l1, max(sigmac_t2) AS "
             "sigmac_l2 BY user\n"
             "| where if(_time - sigmac_l1 <= 300, 1, 0) + if(_time - sigmac_l2 <= 300, 1, 0) >= 2";

static const char counted[] = "EventCode=4625\n"
                              "| where isnotnull('user')\n"
                              "| sort 0 _time\n"
                              "| streamstats time_window=120s count AS sigmac_count BY user\n"
                              "| where sigmac_count >= 2";

static const char distinct[] = "EventCode=4625\n"
                               "| sort 0 _time\n"
                               "| streamstats time_window=7300s dc(host) AS sigmac_value_count\n"
                               "| where sigmac_value_count >= 3 AND sigmac_value_count <= 3";

/* alice fails then succeeds within 3 minutes (in order); bob succeeds then fails (any order);
 * carol fails twice in one minute and succeeds 6 minutes later; the failures are on three hosts
 * within two hours; one failure has no user. */
static const char logons[] =
    "{\"@timestamp\":\"2026-01-01T10:00:00Z\",\"EventCode\":\"4625\",\"user\":\"alice\",\"host\":"
    "\"a\"}\n"
    "{\"@timestamp\":\"2026-01-01T10:03:00Z\",\"EventCode\":\"4624\",\"user\":\"alice\",\"host\":"
    "\"a\"}\n"
    "{\"@timestamp\":\"2026-01-01T10:04:00Z\",\"EventCode\":\"4624\",\"user\":\"bob\",\"host\":"
    "\"a\"}\n"
    "{\"@timestamp\":\"2026-01-01T10:05:00Z\",\"EventCode\":\"4625\",\"user\":\"bob\",\"host\":"
    "\"b\"}\n"
    "{\"@timestamp\":\"2026-01-01T12:00:00Z\",\"EventCode\":\"4625\",\"user\":\"carol\",\"host\":"
    "\"c\"}\n"
    "{\"@timestamp\":\"2026-01-01T12:01:00Z\",\"EventCode\":\"4625\",\"user\":\"carol\",\"host\":"
    "\"c\"}\n"
    "{\"@timestamp\":\"2026-01-01T12:07:00Z\",\"EventCode\":\"4624\",\"user\":\"carol\",\"host\":"
    "\"c\"}\n"
    "{\"@timestamp\":\"2026-01-01T12:08:00Z\",\"EventCode\":\"4625\",\"host\":\"d\"}\n";

/* The SPL file's rules, its last a correlation over the others. */
static IrRuleSet compiled(const char *spl) {
  Source *src = source_from_text(&arena, "<spl>", spl, strlen(spl));
  IrRuleSet rules = {0};
  cr_assert(spl_compile(&arena, src, &diags, &rules), "%s: %s", spl,
            diags.count ? diags.items[diags.count - 1].message : "");
  cr_assert(rules.count >= 2 && rules.rules[rules.count - 1]->kind == IR_RULE_CORRELATION);
  return rules;
}

/* The matches of the correlation of spl over the logons, as "first-event-line,..." per match. */
static const char *fired(const char *spl) {
  IrRuleSet rules = compiled(spl);
  Source *src = source_from_text(&arena, "<events>", logons, strlen(logons));
  EventSet events = {0};
  cr_assert(event_load(&arena, src, &diags, &events));
  size_t count;
  RuleResult *results = eval_rules(&arena, &diags, &rules, NULL, NULL, NULL, &events, &count);
  const Chains *found = &results[count - 1].matches;
  cr_assert(results[count - 1].evaluated);
  StrBuf out = STRBUF_INIT;
  for (size_t i = 0; i < found->count; i++) {
    sb_puts(&out, i ? " " : "");
    for (size_t e = 0; e < found->items[i].count; e++)
      sb_printf(&out, "%s%zu", e ? "," : "", found->items[i].events[e]->line);
  }
  const char *text = arena_strdup(&arena, sb_text(&out));
  sb_free(&out);
  return text;
}

Test(spl, correlation_pipelines_read_back_as_correlations) {
  IrRuleSet rules = compiled(ordered);
  const IrCorrelation *c = rules.rules[2]->correlation;
  cr_assert_eq(c->kind, IR_CORR_TEMPORAL_ORDERED);
  cr_assert_eq(c->rule_count, 2);
  cr_assert_str_eq(c->rules[0].text, "failed");
  cr_assert_eq(c->rules[1].rule, rules.rules[1]);
  cr_assert_eq(c->timespan_seconds, 300);
  cr_assert_eq(c->group_by.count, 1);
  cr_assert_str_eq(c->group_by.items[0], "user");
  c = compiled(temporal).rules[2]->correlation;
  cr_assert_eq(c->kind, IR_CORR_TEMPORAL);
  cr_assert_eq(c->threshold_count, 1);
  cr_assert_eq(c->thresholds[0].op, IR_CMP_GTE);
  cr_assert_eq(c->thresholds[0].number.integer, 2);
  c = compiled(distinct).rules[1]->correlation;
  cr_assert_eq(c->kind, IR_CORR_VALUE_COUNT);
  cr_assert_str_eq(c->condition_fields.items[0], "host");
  cr_assert_eq(c->group_by.count, 0);
  cr_assert_eq(c->threshold_count, 2);
  cr_assert_eq(c->thresholds[1].op, IR_CMP_LTE);
}

Test(spl, correlation_pipelines_fire_as_streamstats_finds_them) {
  cr_assert_str_eq(fired(ordered), "1,2");      /* alice, in order within 5 minutes */
  cr_assert_str_eq(fired(temporal), "1,2 3,4"); /* alice, and bob in any order */
  cr_assert_str_eq(fired(counted), "5,6");      /* carol twice within 2 minutes */
  cr_assert_str_eq(fired(distinct), "1,4,5,6"); /* hosts a, b, c within about two hours */
}

static void pipeline_error_at(const char *spl, size_t at, const char *message) {
  Source *src = source_from_text(&arena, "<spl>", spl, strlen(spl));
  IrRuleSet rules = {0};
  size_t before = diags.count;
  cr_assert_not(spl_compile(&arena, src, &diags, &rules), "%s compiled", spl);
  cr_assert(diags.count > before, "%s: no diagnostic", spl);
  cr_assert_str_eq(diags.items[before].message, message);
  cr_assert_eq(diags.items[before].span.start, at, "%s: error at %zu, not %zu", spl,
               diags.items[before].span.start, at);
}

Test(spl, malformed_correlation_pipelines_are_errors_at_their_place) {
  pipeline_error_at(
      "a=1 | where isnotnull('u') | streamstats time_window=60s count AS sigmac_count", 29,
      "expected 'sort': only sigmac's correlation pipelines are evaluated after a search "
      "(docs/spl.md)");
  pipeline_error_at("a=1 | sort 0 _time | streamstats time_window=60s count AS sigmac_count BY u | "
                    "where sigmac_count >= 2",
                    71,
                    "the group-by field 'u' needs '| where isnotnull('u')' before the sort: events "
                    "without it take no part in a correlation");
  pipeline_error_at("a=1 | sort 0 _time | streamstats time_window=60m count AS sigmac_count | "
                    "where sigmac_count >= 2",
                    45,
                    "expected a time window in seconds, such as 300s: only sigmac's correlation "
                    "pipelines are evaluated after a search (docs/spl.md)");
  pipeline_error_at("a=1 | sort 0 _time | streamstats time_window=60s count AS sigmac_count | "
                    "where sigmac_count >= 2 | head 1",
                    97,
                    "expected the end of the pipeline: only sigmac's correlation pipelines are "
                    "evaluated after a search (docs/spl.md)");
  pipeline_error_at("| multisearch [search a=1 | eval sigmac_rule=\"x\"] | sort 0 _time | "
                    "streamstats time_window=60s count AS sigmac_count | where sigmac_count >= 2",
                    50,
                    "expected at least two subsearches, as multisearch requires: only sigmac's "
                    "correlation pipelines are evaluated after a search (docs/spl.md)");
  pipeline_error_at(
      "| multisearch [search a=1 | eval sigmac_rule=\"x\"] [search b=1 | eval sigmac_rule=\"x\"]",
      81,
      "expected a tag no other subsearch has: only sigmac's correlation pipelines are evaluated "
      "after a search (docs/spl.md)");
  pipeline_error_at("| multisearch [search a=1 | eval sigmac_rule=\"x\"] [search b=1 | eval "
                    "sigmac_rule=\"y\"] | sort 0 _time | eval sigmac_s1=if(sigmac_rule=\"x\", "
                    "_time, null()) | streamstats time_window=60s max(sigmac_s1) AS sigmac_p1 | "
                    "where sigmac_rule=\"z\" AND _time - sigmac_p1 <= 60",
                    231,
                    "expected the tag of one of the subsearches: only sigmac's correlation "
                    "pipelines are evaluated after a search (docs/spl.md)");
  pipeline_error_at("| multisearch [search a=1 | eval sigmac_rule=\"x\"] [search b=1 | eval "
                    "sigmac_rule=\"y\"] | sort 0 _time | eval sigmac_s1=if(sigmac_rule=\"x\", "
                    "_time, null()) | streamstats time_window=60s max(sigmac_s1) AS sigmac_p1 | "
                    "where sigmac_rule=\"y\" AND _time - sigmac_p1 <= 61",
                    260,
                    "expected the timespan of the streamstats window: only sigmac's correlation "
                    "pipelines are evaluated after a search (docs/spl.md)");
  pipeline_error_at("a=1 | sort 0 _time | eval sigmac_t1=if(sigmac_rule=\"x\", _time, null())", 19,
                    "expected streamstats: a single search has no rule tags to correlate: only "
                    "sigmac's correlation pipelines are evaluated after a search (docs/spl.md)");
  pipeline_error_at(
      "| multisearch [search * | eval sigmac_rule=\"x\"] [search b=1 | eval sigmac_rule=\"y\"]", 14,
      "this subsearch matches every event; a correlation's rule needs a condition");
}
