/* Test reports. */
#include "api/test_report.h"

#include <string.h>

#include "base/json_out.h"
#include "base/xml.h"

static bool is_chain_rule(const IrRule *rule) {
  return rule->kind == IR_RULE_CORRELATION ||
         (rule->query_count && rule->queries[0]->kind != IR_QUERY_EVENT);
}

static const char *chain_word(const IrRule *rule) {
  if (rule->kind == IR_RULE_CORRELATION)
    return "correlations";
  return rule->queries[0]->kind == IR_QUERY_SAMPLE ? "samples" : "sequences";
}

/* ---- text ------------------------------------------------------------------------------------ */

static void text_rule(const TestReport *r, size_t i, StrBuf *out) {
  const RuleResult *result = &r->results[i];
  const IrRule *rule = result->rule;
  sb_printf(out, "%s #%zu: %s: ", rule->src ? rule->src->path : "", rule->document + 1,
            rule->meta.title  ? rule->meta.title
            : rule->meta.name ? rule->meta.name /* an SPL correlation's search: its tag */
                              : "(no title)");
  if (!result->evaluated) {
    sb_puts(out, "not evaluated\n");
    return;
  }
  const Chains *found = &result->matches;
  bool chains = is_chain_rule(rule);
  if (chains)
    sb_printf(out, "%zu %s", found->count, chain_word(rule));
  else
    sb_printf(out, "%zu of %zu events", found->count, r->event_count);
  for (size_t k = 0; k < found->count; k++)
    sb_printf(out, "%s%s", k ? ", " : ": ",
              expect_match_text(r->arena, &found->items[k], chains, true));
  sb_putc(out, '\n');
  if (!r->verdicts)
    return;
  const RuleVerdict *v = &r->verdicts[i];
  for (size_t k = 0; k < v->unmatched_count; k++)
    sb_printf(out, "  expected, not matched: %s\n",
              expect_expected_text(r->arena, v->unmatched[k], chains));
  for (size_t k = 0; k < v->unexpected_count; k++)
    sb_printf(out, "  matched, not expected: %s\n", v->unexpected[k]);
}

static void text_report(const TestReport *r, StrBuf *out) {
  size_t differ = 0;
  for (size_t i = 0; i < r->count; i++) {
    text_rule(r, i, out);
    differ += r->verdicts && !r->verdicts[i].as_expected;
  }
  if (r->verdicts)
    sb_printf(out, "%zu rule%s as expected, %zu differ%s\n", r->count - differ,
              r->count - differ == 1 ? "" : "s", differ, differ == 1 ? "s" : "");
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void json_chain(JsonOut *j, const Chain *chain) {
  jout_array_begin(j);
  for (size_t e = 0; e < chain->count; e++) {
    if (!chain->events[e]) { /* a missing-event step ('![...]') */
      jout_null(j);
      continue;
    }
    jout_object_begin(j);
    jout_kv_string(j, "file", chain->events[e]->src->path);
    jout_kv_int(j, "line", (long long)chain->events[e]->line);
    jout_kv_int(j, "index", (long long)chain->events[e]->index);
    jout_object_end(j);
  }
  jout_array_end(j);
}

static void json_verdict(const TestReport *r, const RuleVerdict *v, bool chains, JsonOut *j) {
  jout_kv_bool(j, "as_expected", v->as_expected);
  jout_key(j, "unmatched");
  jout_array_begin(j);
  for (size_t k = 0; k < v->unmatched_count; k++)
    jout_string(j, expect_expected_text(r->arena, v->unmatched[k], chains));
  jout_array_end(j);
  jout_key(j, "unexpected");
  jout_array_begin(j);
  for (size_t k = 0; k < v->unexpected_count; k++)
    jout_string(j, v->unexpected[k]);
  jout_array_end(j);
}

static void json_report(const TestReport *r, StrBuf *out) {
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_key(&j, "rules");
  jout_array_begin(&j);
  for (size_t i = 0; i < r->count; i++) {
    const IrRule *rule = r->results[i].rule;
    jout_object_begin(&j);
    jout_kv_string(&j, "source", rule->src ? rule->src->path : NULL);
    jout_kv_int(&j, "document", (long long)rule->document);
    jout_kv_string(&j, "key", expect_rule_key(r->arena, rule));
    jout_kv_string(&j, "id", rule->meta.id);
    jout_kv_string(&j, "title", rule->meta.title);
    jout_kv_bool(&j, "evaluated", r->results[i].evaluated);
    jout_key(&j, "matches"); /* each match: its events (one for an event query) */
    jout_array_begin(&j);
    for (size_t k = 0; k < r->results[i].matches.count; k++)
      json_chain(&j, &r->results[i].matches.items[k]);
    jout_array_end(&j);
    if (r->verdicts)
      json_verdict(r, &r->verdicts[i], is_chain_rule(rule), &j);
    jout_object_end(&j);
  }
  jout_array_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
}

/* ---- JUnit XML ------------------------------------------------------------------------------- */

/* One test case per rule: a failure when it was not evaluated or (with expectations) differs. */
static void junit_report(const TestReport *r, StrBuf *out) {
  size_t failures = 0;
  for (size_t i = 0; i < r->count; i++)
    failures += !r->results[i].evaluated || (r->verdicts && !r->verdicts[i].as_expected);
  sb_printf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"sigmac test\" tests=\"%zu\" failures=\"%zu\">\n"
            "  <testsuite name=\"sigmac test\" tests=\"%zu\" failures=\"%zu\">\n",
            r->count, failures, r->count, failures);
  for (size_t i = 0; i < r->count; i++) {
    const IrRule *rule = r->results[i].rule;
    sb_puts(out, "    <testcase classname=\"");
    xml_text(out, rule->src ? rule->src->path : "");
    sb_puts(out, "\" name=\"");
    xml_text(out, expect_rule_key(r->arena, rule));
    sb_puts(out, "\"");
    const RuleVerdict *v = r->verdicts ? &r->verdicts[i] : NULL;
    if (r->results[i].evaluated && (!v || v->as_expected)) {
      sb_puts(out, "/>\n");
      continue;
    }
    bool chains = is_chain_rule(rule);
    sb_printf(out, ">\n      <failure message=\"%s\">",
              r->results[i].evaluated ? "matches differ from the expectations" : "not evaluated");
    for (size_t k = 0; v && k < v->unmatched_count; k++) {
      sb_puts(out, "expected, not matched: ");
      xml_text(out, expect_expected_text(r->arena, v->unmatched[k], chains));
      sb_putc(out, '\n');
    }
    for (size_t k = 0; v && k < v->unexpected_count; k++) {
      sb_puts(out, "matched, not expected: ");
      xml_text(out, v->unexpected[k]);
      sb_putc(out, '\n');
    }
    sb_puts(out, "</failure>\n    </testcase>\n");
  }
  sb_puts(out, "  </testsuite>\n</testsuites>\n");
}

bool test_report_write(const TestReport *report, const char *format, StrBuf *out) {
  if (!format || strcmp(format, "text") == 0)
    text_report(report, out);
  else if (strcmp(format, "json") == 0)
    json_report(report, out);
  else if (strcmp(format, "junit") == 0)
    junit_report(report, out);
  else
    return false;
  return true;
}
