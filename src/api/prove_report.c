/* Prove reports. */
#include "api/prove_report.h"

#include <string.h>

#include "base/json_out.h"

enum { VERDICT_COUNT = PROVE_NOT_EVALUATED + 1 };

static const char *rule_path(const IrRule *rule) { return rule->src ? rule->src->path : ""; }

static const char *rule_title(const IrRule *rule) {
  return rule->meta.title ? rule->meta.title : "(no title)";
}

static void text_result(const ProveResult *r, StrBuf *out) {
  sb_printf(out, "%s #%zu: %s: %s: %s", rule_path(r->rule), r->rule->document + 1,
            rule_title(r->rule), r->target, prove_verdict_name(r->verdict));
  switch (r->verdict) {
  case PROVE_PROVEN:
    if (r->scenarios)
      sb_printf(out, " over %zu scenarios (%zu events), firing on %zu", r->scenarios, r->probes,
                r->matched);
    else
      sb_printf(out, " over %zu given events and %zu probes, %zu matched", r->given, r->probes,
                r->matched);
    sb_puts(out, r->matched ? "\n" : " (a weak proof: both stay silent on all of them)\n");
    break;
  case PROVE_CASE_ONLY:
    sb_printf(out, " on %zu of %zu events: %s\n", r->differing, r->given + r->probes, r->reason);
    break;
  case PROVE_DIVERGES:
    if (r->example)
      sb_printf(out, " on %zu of %zu events: %s, e.g. %s\n", r->differing, r->given + r->probes,
                r->reason, r->example);
    else
      sb_printf(out, ": %s\n", r->reason);
    break;
  case PROVE_REFUSED:
  case PROVE_NOT_EVALUATED:
    sb_printf(out, ": %s\n", r->reason);
    break;
  }
}

/* counts[target][verdict] */
static void count_verdicts(const ProveResult *results, size_t count, const char *const *targets,
                           size_t target_count, size_t (*counts)[VERDICT_COUNT]) {
  for (size_t i = 0; i < count; i++)
    for (size_t t = 0; t < target_count; t++)
      if (strcmp(results[i].target, targets[t]) == 0)
        counts[t][results[i].verdict]++;
}

static void text_report(const ProveResult *results, size_t count, const char *const *targets,
                        size_t target_count, size_t (*counts)[VERDICT_COUNT], StrBuf *out) {
  for (size_t i = 0; i < count; i++)
    text_result(&results[i], out);
  for (size_t t = 0; t < target_count; t++) {
    sb_printf(out, "%s:", targets[t]);
    for (int v = 0; v < VERDICT_COUNT; v++)
      sb_printf(out, "%s %zu %s", v ? "," : "", counts[t][v], prove_verdict_name((ProveVerdict)v));
    size_t weak = 0; /* proofs over events none of which the rule matched */
    for (size_t i = 0; i < count; i++)
      weak += strcmp(results[i].target, targets[t]) == 0 && results[i].verdict == PROVE_PROVEN &&
              results[i].matched == 0;
    if (weak)
      sb_printf(out, " (%zu proven only over events the rule did not match)", weak);
    sb_putc(out, '\n');
  }
}

static void json_report(const ProveResult *results, size_t count, const char *const *targets,
                        size_t target_count, size_t (*counts)[VERDICT_COUNT], StrBuf *out) {
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_key(&j, "results");
  jout_array_begin(&j);
  for (size_t i = 0; i < count; i++) {
    const ProveResult *r = &results[i];
    jout_object_begin(&j);
    jout_kv_string(&j, "file", rule_path(r->rule));
    jout_kv_int(&j, "document", (long long)r->rule->document + 1);
    jout_kv_string(&j, "title", rule_title(r->rule));
    jout_kv_string(&j, "target", r->target);
    jout_kv_string(&j, "verdict", prove_verdict_name(r->verdict));
    if (r->reason)
      jout_kv_string(&j, "reason", r->reason);
    if (r->query)
      jout_kv_string(&j, "query", r->query);
    jout_kv_int(&j, "given_events", (long long)r->given);
    jout_kv_int(&j, "probes", (long long)r->probes);
    jout_kv_int(&j, "differing", (long long)r->differing);
    jout_kv_int(&j, "matched", (long long)r->matched);
    if (r->scenarios)
      jout_kv_int(&j, "scenarios", (long long)r->scenarios);
    if (r->example) {
      jout_key(&j, "example");
      jout_raw(&j, r->example);
      jout_kv_bool(&j, "example_matches_rule", r->example_matches_rule);
    }
    jout_object_end(&j);
  }
  jout_array_end(&j);
  jout_key(&j, "counts");
  jout_object_begin(&j);
  for (size_t t = 0; t < target_count; t++) {
    jout_key(&j, targets[t]);
    jout_object_begin(&j);
    for (int v = 0; v < VERDICT_COUNT; v++)
      jout_kv_int(&j, prove_verdict_name((ProveVerdict)v), (long long)counts[t][v]);
    jout_object_end(&j);
  }
  jout_object_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
}

bool prove_report_write(const ProveResult *results, size_t count, const char *const *targets,
                        size_t target_count, const char *format, StrBuf *out) {
  size_t counts[8][VERDICT_COUNT] = {{0}};
  if (target_count > 8)
    target_count = 8;
  count_verdicts(results, count, targets, target_count, counts);
  if (!format || strcmp(format, "text") == 0)
    text_report(results, count, targets, target_count, counts, out);
  else if (strcmp(format, "json") == 0)
    json_report(results, count, targets, target_count, counts, out);
  else
    return false;
  return true;
}
