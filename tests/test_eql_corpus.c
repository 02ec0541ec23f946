/* Conformance of the EQL front end: the Endgame and Elasticsearch EQL suites, the parser cases of
 * the Endgame suite in Elasticsearch syntax mode, Elastic's production rules (parse and print
 * back to the same IR), and every query the EQL backend writes for the SigmaHQ corpus. Skipped,
 * with a message, where ../shared/corpus is absent. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigmac/sigmac.h"
#include "support.h"

/* Compiles one query; returns the error count, and the IR JSON in *ir when asked. */
static size_t compile_eql(const char *text, const char *syntax, char **ir, char **diagnostics) {
  SigmacSession *session = sigmac_session_new();
  sigmac_set_eql_syntax(session, syntax);
  sigmac_add_text(session, "query.eql", text, strlen(text));
  size_t errors = sigmac_error_count(session);
  if (ir)
    *ir = sigmac_ir_json(session);
  if (diagnostics)
    *diagnostics = sigmac_render_diagnostics(session);
  sigmac_session_free(session);
  return errors;
}

static json_t *load_json(const char *relative) {
  const char *corpus = test_corpus_dir();
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", corpus, relative);
  json_error_t error;
  json_t *root = json_load_file(path, 0, &error);
  cr_assert(root, "%s: %s", path, error.text);
  return root;
}

/* Every query of a suite file parses; prints the counts and each failure. */
static void suite(const char *relative, const char *syntax, size_t *passed, size_t *failed) {
  json_t *root = load_json(relative);
  json_t *queries = json_object_get(root, "queries");
  size_t i;
  json_t *q;
  json_array_foreach(queries, i, q) {
    const char *text = json_string_value(json_object_get(q, "query"));
    char *diagnostics;
    if (compile_eql(text, syntax, NULL, &diagnostics) == 0) {
      (*passed)++;
    } else {
      (*failed)++;
      printf("FAIL %s #%zu:\n%s\n%s\n", relative, i, text, diagnostics);
    }
    free(diagnostics);
  }
  json_decref(root);
}

Test(eql_corpus, suites_parse, .timeout = 300) {
  if (!test_corpus_dir())
    cr_skip("../shared/corpus is absent: the EQL suites are skipped");
  static const struct {
    const char *file;
    const char *syntax;
  } suites[] = {
      {"eql/test_queries.json", "endgame"},
      {"eql-es/test_queries.json", "elasticsearch"},
      {"eql-es/additional_test_queries.json", "elasticsearch"},
      {"eql-es/test_queries_date.json", "elasticsearch"},
      {"eql-es/test_queries_date_nanos.json", "elasticsearch"},
      {"eql-es/test_extra.json", "elasticsearch"},
      {"eql-es/test_missing_events.json", "elasticsearch"},
      {"eql-es/test_sample.json", "elasticsearch"},
      {"eql-es/test_sample_multi.json", "elasticsearch"},
      {"eql-es/test_failing_shards.json", "elasticsearch"},
  };
  size_t passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
    size_t p = 0, f = 0;
    suite(suites[i].file, suites[i].syntax, &p, &f);
    printf("%s: %zu parsed, %zu failed\n", suites[i].file, p, f);
    passed += p;
    failed += f;
  }
  printf("eql suites: %zu passed, %zu failed\n", passed, failed);
  fflush(stdout);
  cr_assert_eq(failed, 0);
}

/* Options of the Endgame implementation that Elasticsearch does not have. */
static bool endgame_only_options(json_t *flags) {
  static const char *const options[] = {"dollar_var", "allow_alias", "validate_optional_fields",
                                        "check_functions"};
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    if (json_object_get(flags, options[i]))
      return true;
  return false;
}

/* An invalid case whose text is valid in another call that enabled more of Elasticsearch's
 * features (allow_sample, allow_runs, allow_negation): the call had a feature switched off. */
static bool feature_switched_off(json_t *cases, const char *text) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    if (strcmp(json_string_value(json_object_get(c, "text")), text) == 0 &&
        strcmp(json_string_value(json_object_get(c, "outcome")), "ok") == 0)
      return true;
  }
  return false;
}

/* Where Elasticsearch itself differs from the Endgame implementation's Elasticsearch mode,
 * Elasticsearch wins (docs/eql-frontend.md lists these). */
static const char *const elasticsearch_differs[] = {
    /* Elasticsearch requires two steps in a sequence (EqlBase.g4: sequenceTerm sequenceTerm+) */
    "sequence [process where process.name != null]",
    NULL,
};

static bool known_difference(const char *text) {
  for (const char *const *d = elasticsearch_differs; *d; d++)
    if (strcmp(*d, text) == 0)
      return true;
  return false;
}

/* The Endgame parser's own cases in Elasticsearch syntax mode: each valid one parses, each
 * invalid one is rejected, case by case. */
Test(eql_corpus, parser_cases_in_elasticsearch_mode, .timeout = 120) {
  if (!test_corpus_dir())
    cr_skip("../shared/corpus is absent: the EQL parser cases are skipped");
  json_t *root = load_json("eql/extracted/parser_cases.json");
  json_t *cases = json_object_get(root, "cases");
  size_t agree = 0, disagree = 0, skipped = 0, differs = 0, i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    json_t *flags = json_object_get(c, "flags");
    if (!json_is_true(json_object_get(flags, "elasticsearch_syntax")))
      continue;
    const char *text = json_string_value(json_object_get(c, "text"));
    bool valid = strcmp(json_string_value(json_object_get(c, "outcome")), "ok") == 0;
    if (endgame_only_options(flags) || (!valid && feature_switched_off(cases, text))) {
      skipped++;
      continue;
    }
    char *diagnostics;
    bool parsed = compile_eql(text, "elasticsearch", NULL, &diagnostics) == 0;
    if (known_difference(text)) {
      differs++;
      cr_expect(!parsed, "Elasticsearch rejects %s", text);
    } else if (parsed == valid) {
      agree++;
    } else {
      disagree++;
      printf("DISAGREE (suite says %s) %s\n%s\n", valid ? "valid" : "invalid", text, diagnostics);
    }
    free(diagnostics);
  }
  json_decref(root);
  printf("eql parser cases (elasticsearch syntax): %zu passed, %zu failed (%zu where Elasticsearch "
         "differs, %zu skipped: Endgame-only options or a feature switched off)\n",
         agree, disagree, differs, skipped);
  fflush(stdout);
  cr_assert_eq(disagree, 0);
}

/* The IR JSON without the "source" line, so two texts compare by meaning. */
static void strip_source(char *json) {
  char *line = strstr(json, "\"source\": ");
  if (!line)
    return;
  char *end = strchr(line, '\n');
  memmove(line, end, strlen(end) + 1);
}

/* Parses text, prints it back as EQL and parses that: both IRs must be equal. Returns false (with
 * the reason in *why) when the text does not parse, does not print, or the IRs differ. */
static bool round_trip(const char *text, char **why) {
  SigmacSession *first = sigmac_session_new();
  sigmac_add_text(first, "query.eql", text, strlen(text));
  if (sigmac_error_count(first)) {
    *why = sigmac_render_diagnostics(first);
    sigmac_session_free(first);
    return false;
  }
  char *ir = sigmac_ir_json(first), *printed = NULL;
  bool ok = sigmac_convert(first, "eql", NULL, &printed);
  if (!ok) {
    *why = sigmac_render_diagnostics(first);
  } else {
    SigmacSession *second = sigmac_session_new();
    sigmac_add_text(second, "query.eql", printed, strlen(printed));
    char *again = sigmac_ir_json(second);
    strip_source(ir);
    strip_source(again);
    char *difference = test_first_difference(ir, again);
    ok = sigmac_error_count(second) == 0 && !difference;
    if (!ok) {
      char *diagnostics = sigmac_render_diagnostics(second);
      size_t size =
          strlen(printed) + strlen(diagnostics) + (difference ? strlen(difference) : 0) + 64;
      *why = malloc(size);
      snprintf(*why, size, "printed:\n%s\n%s%s", printed, diagnostics,
               difference ? difference : "");
      free(diagnostics);
    }
    free(difference);
    free(again);
    sigmac_session_free(second);
  }
  free(ir);
  free(printed);
  sigmac_session_free(first);
  return ok;
}

/* Elastic's 1,081 production EQL queries parse, print back and parse to the same IR. */
Test(eql_corpus, detection_rules_parse_and_round_trip, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the detection-rules run is skipped");
  char path[4096];
  snprintf(path, sizeof path, "%s/detection-rules/rule_queries.ndjson", corpus);
  FILE *file = fopen(path, "r");
  cr_assert(file);
  char *line = NULL;
  size_t capacity = 0, passed = 0, failed = 0;
  while (getline(&line, &capacity, file) > 0) {
    json_t *rule = json_loads(line, 0, NULL);
    if (strcmp(json_string_value(json_object_get(rule, "language")), "eql") == 0) {
      char *why = NULL;
      if (round_trip(json_string_value(json_object_get(rule, "query")), &why)) {
        passed++;
      } else {
        failed++;
        printf("FAIL %s\n%s\n", json_string_value(json_object_get(rule, "path")), why);
      }
      free(why);
    }
    json_decref(rule);
  }
  free(line);
  fclose(file);
  printf("detection-rules eql: %zu passed, %zu failed\n", passed, failed);
  fflush(stdout);
  cr_assert_eq(passed + failed, 1081);
  cr_assert_eq(failed, 0);
}

/* The reason a conversion was refused: the first error's message up to its first quote, so
 * that refusals group by kind rather than by the construct each names. */
static void refusal_reason(SigmacSession *session, char *reason, size_t size) {
  snprintf(reason, size, "?");
  for (size_t i = 0; i < sigmac_diagnostic_count(session); i++) {
    const char *severity, *id, *message;
    sigmac_diagnostic(session, i, &severity, &id, &message);
    if (strcmp(severity, "error") != 0)
      continue;
    size_t len = strcspn(message, "'(");
    snprintf(reason, size, "[%s] %.*s", id, (int)(len < 70 ? len : 70), message);
    return;
  }
}

/* Elastic's production EQL rules to portable Sigma: converted, or refused with a reason. */
Test(eql_corpus, detection_rules_to_sigma, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the detection-rules run is skipped");
  char path[4096];
  snprintf(path, sizeof path, "%s/detection-rules/rule_queries.ndjson", corpus);
  FILE *file = fopen(path, "r");
  cr_assert(file);
  char *line = NULL, reasons[32][128];
  size_t capacity = 0, converted = 0, refused = 0, counts[32] = {0}, kinds = 0;
  while (getline(&line, &capacity, file) > 0) {
    json_t *rule = json_loads(line, 0, NULL);
    if (strcmp(json_string_value(json_object_get(rule, "language")), "eql") == 0) {
      SigmacSession *session = sigmac_session_new();
      const char *query = json_string_value(json_object_get(rule, "query"));
      sigmac_add_text(session, "rule.eql", query, strlen(query));
      char *out = NULL;
      if (sigmac_convert(session, "sigma", NULL, &out)) {
        converted++;
      } else {
        char reason[128];
        refusal_reason(session, reason, sizeof reason);
        size_t k = 0;
        while (k < kinds && strcmp(reasons[k], reason) != 0)
          k++;
        if (k == kinds && kinds < 32)
          snprintf(reasons[kinds++], sizeof reasons[0], "%s", reason);
        counts[k < 32 ? k : 31]++;
        refused++;
      }
      free(out);
      sigmac_session_free(session);
    }
    json_decref(rule);
  }
  free(line);
  fclose(file);
  printf("detection-rules eql to sigma: converted %zu, refused %zu\n", converted, refused);
  for (size_t k = 0; k < kinds; k++)
    printf("  refused %zu: %s\n", counts[k], reasons[k]);
  fflush(stdout);
  cr_assert_eq(converted + refused, 1081);
  for (size_t k = 0; k < kinds; k++)
    cr_assert(strncmp(reasons[k], "[sigma-refused]", 15) == 0, "not a refusal: %s", reasons[k]);
}
