/* `sigmac prove`: the T1553.002 rules against their EQL and KQL over the golden fixtures and
 * probes (exact report), a wrong translation caught with its witness, and every rule of the
 * SigmaHQ corpus for every target (counts printed; no divergence). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/source.h"
#include "base/strbuf.h"
#include "ir/ir_build.h"
#include "prove/prove.h"
#include "schema/mapping.h"
#include "sigma/sigma.h"
#include "sigmac/sigmac.h"
#include "support.h"

static const char *const fixture_events[] = {
    "golden/t1553_002_events/endpoint.ndjson",
    "golden/t1553_002_events/winlogbeat.ndjson",
    "golden/t1553_002_events/sysmon-evtx.ndjson",
    "golden/t1553_002_events/macos-endpoint.ndjson",
    NULL,
};

/* The report of our rule over the fixtures: byte for byte (UPDATE_GOLDEN=1 rewrites it). */
Test(prove, t1553_002_over_the_fixtures_and_probes) {
  SigmacSession *session = sigmac_session_new();
  cr_assert(sigmac_add_file(session, "rules/t1553_002.yml"));
  for (const char *const *e = fixture_events; *e; e++)
    cr_assert(sigmac_add_events(session, *e), "%s", *e);
  cr_assert(sigmac_finish(session));
  char *report = NULL;
  cr_assert(sigmac_prove(session, NULL, NULL, &report), "a translation diverges:\n%s", report);
  const char *golden = "golden/t1553_002/prove.txt";
  if (getenv("UPDATE_GOLDEN")) {
    cr_assert(test_write_file(golden, report, strlen(report)));
  } else {
    char *expected = test_read_file(golden, NULL);
    cr_assert(expected, "%s is missing (run with UPDATE_GOLDEN=1)", golden);
    char *why = test_first_difference(expected, report);
    cr_assert(!why, "%s: %s", golden, why);
    free(expected);
  }
  cr_assert(strstr(report, "eql: 4 proven, 0 differs-by-case, 0 diverges, 0 refused, 0 not"));
  cr_assert(strstr(report, "spl: 4 proven, 0 differs-by-case, 0 diverges, 0 refused, 0 not"));
  free(report);
  sigmac_session_free(session);
}

static IrRule *compile_one(Arena *arena, DiagSink *diags, const char *yaml) {
  Source *src = source_from_text(arena, "<rule>", yaml, strlen(yaml));
  IrRuleSet set = {0};
  cr_assert(sigma_compile(arena, src, NULL, diags, &set));
  cr_assert_eq(set.count, 1);
  return set.rules[0];
}

/* A translation that means something else is caught: the backend is handed the mapped form of
 * another rule (contains 'y' instead of 'x'), and the smallest event that tells them apart is
 * shown. */
Test(prove, a_wrong_translation_diverges_with_a_witness) {
  Arena arena;
  arena_init(&arena);
  DiagSink diags;
  diag_sink_init(&diags, &arena);
  static const char *const head = "title: t\nlogsource: {category: process_creation, product: "
                                  "windows}\ndetection:\n  sel:\n    CommandLine|contains: ";
  IrRule *rule = compile_one(&arena, &diags, arena_printf(&arena, "%sx\n  condition: sel\n", head));
  IrRule *other =
      compile_one(&arena, &diags, arena_printf(&arena, "%sy\n  condition: sel\n", head));
  Mapping *mapping = mapping_builtin(&arena, "ecs_windows", &diags);
  IrRuleSet rules = {0}, mapped = {0};
  ir_ruleset_push(&arena, &rules, rule);
  ir_ruleset_push(&arena, &mapped, mapping_apply(&arena, mapping, other, &diags));
  EmitMeta meta = {0};
  ProveTarget targets[] = {{"eql", mapping, &mapped}, {"kql", mapping, &mapped}};
  ProveInput input = {&rules, &meta, NULL, targets, 2, 500, NULL, NULL};
  size_t count;
  ProveResult *results = prove_run(&arena, &input, &count);
  cr_assert_eq(count, 2);
  for (size_t i = 0; i < count; i++) {
    cr_assert_eq(results[i].verdict, PROVE_DIVERGES, "%s: %s", results[i].target,
                 prove_verdict_name(results[i].verdict));
    cr_assert(results[i].example);
    cr_assert(results[i].matched > 0, "the rule matched no probe: the proof would be empty");
  }
  cr_assert_str_eq(results[0].example,
                   "{\"event.category\":[\"process\"],\"event.type\":\"start\",\"process.command_"
                   "line\":\"y\"}");
  cr_assert(!results[0].example_matches_rule); /* the query matches it, the rule does not */
  arena_free(&arena);
}

/* Every rule of the corpus, every target (EQL, KQL, SPL): each translation proven, differing
 * only where it warned (KQL's case), refused with a reason, or not evaluated (correlations);
 * none diverges. */
Test(prove, sigmahq_corpus_every_target, .timeout = 600) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the corpus proof is skipped");
  char dir[1024], errors[64 + sizeof ".list"];
  snprintf(dir, sizeof dir, "%s/sigma/rules", corpus);
  snprintf(errors, sizeof errors, "/tmp/sigmac-prove-%d.err", (int)getpid());
  StrBuf command = STRBUF_INIT;
  sb_printf(&command, "%s prove --format json", test_sigmac_command());
  if (test_stride() == 1) {
    sb_printf(&command, " %s", dir);
  } else { /* every Nth rule file, by name, listed in a file the shell reads back: one command
               line argument cannot hold them (128 KiB) */
    char list[1200], *out;
    snprintf(list, sizeof list, "find %s -name '*.yml' | sort | awk 'NR %% %zu == 1' > %s.list",
             dir, test_stride(), errors);
    cr_assert_eq(test_shell(list, &out), 0);
    free(out);
    sb_printf(&command, " $(cat %s.list)", errors);
  }
  sb_printf(&command, " 2>%s", errors);
  FILE *pipe = popen(sb_text(&command), "r");
  cr_assert(pipe);
  sb_free(&command);
  StrBuf out = STRBUF_INIT;
  char chunk[65536];
  for (size_t n; (n = fread(chunk, 1, sizeof chunk, pipe)) > 0;)
    sb_putn(&out, chunk, n);
  int status = pclose(pipe);
  if (status != 0) { /* what went wrong, from its diagnostics (or valgrind's report) */
    char *said = test_read_file(errors, NULL);
    size_t len = said ? strlen(said) : 0;
    printf("sigmac prove exited with %d; the end of its standard error:\n%s\n", status,
           said ? said + (len > 4000 ? len - 4000 : 0) : "");
    free(said);
  }
  unlink(errors);
  strcat(errors, ".list");
  unlink(errors);
  json_error_t error;
  json_t *report = json_loads(sb_text(&out), 0, &error);
  cr_assert(report, "the prove report is not JSON: %s", error.text);
  json_t *counts = json_object_get(report, "counts");
  const char *target;
  json_t *verdicts;
  json_object_foreach(counts, target, verdicts) {
    printf("prove %s over the corpus:", target);
    const char *verdict;
    json_t *n;
    json_object_foreach(verdicts, verdict, n) {
      printf(" %lld %s", json_integer_value(n), verdict);
    }
    printf("\n");
  }
  size_t i;
  json_t *r;
  size_t diverging = 0;
  json_array_foreach(json_object_get(report, "results"), i, r) {
    if (strcmp(json_string_value(json_object_get(r, "verdict")), "diverges") == 0) {
      diverging++;
      printf("diverges: %s %s: %s\n", json_string_value(json_object_get(r, "file")),
             json_string_value(json_object_get(r, "target")),
             json_string_value(json_object_get(r, "reason")));
    }
  }
  json_decref(report);
  sb_free(&out);
  cr_assert_eq(diverging, 0);
  cr_assert_eq(status, 0);
}
