/* The golden runner: every golden/sigma/<case>.yml is compiled on its own; <case>.ir holds the
 * expected IR JSON and <case>.err the expected diagnostics (with carets), byte for byte. One line
 * per case, then "N passed, N failed". UPDATE_GOLDEN=1 rewrites the expectations instead (read
 * the diff before committing). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigmac/sigmac.h"
#include "support.h"

typedef struct Outcome {
  size_t passed;
  size_t failed;
} Outcome;

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compares actual with the file at path (or rewrites it); false on a difference. */
static bool check_expectation(const char *path, const char *actual, bool update, char **why) {
  if (update)
    return test_write_file(path, actual, strlen(actual));
  char *expected = test_read_file(path, NULL);
  if (!expected) {
    *why = strdup("expectation file missing (run with UPDATE_GOLDEN=1)");
    return false;
  }
  *why = test_first_difference(expected, actual);
  free(expected);
  return *why == NULL;
}

static bool exists(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file)
    fclose(file);
  return file != NULL;
}

/* The conversion of a case that compiled for target (eql, kql, spl): <stem>.<target> holds the
 * output, <stem>.<target>.err the diagnostics of the conversion (warnings, refusals) when there
 * are any. */
static bool check_target(SigmacSession *session, const char *stem, const char *target,
                         size_t diagnostics_before, bool update, char **why) {
  char out_path[1024], err_path[1024];
  bool eql_input = strstr(stem, "golden/eql/") != NULL; /* its input is <stem>.eql already */
  snprintf(out_path, sizeof out_path, eql_input ? "%s.out.%s" : "%s.%s", stem, target);
  snprintf(err_path, sizeof err_path, "%s.%s.err", stem, target);
  char *text = NULL;
  sigmac_convert(session, target, NULL, &text);
  char *added = sigmac_render_diagnostics_since(session, diagnostics_before);
  bool ok = check_expectation(out_path, text ? text : "", update, why);
  if (ok && (*added || exists(err_path)))
    ok = check_expectation(err_path, added, update, why);
  free(text);
  free(added);
  return ok;
}

static bool check_targets(SigmacSession *session, const char *stem, bool update, char **why) {
  return check_target(session, stem, "eql", sigmac_diagnostic_count(session), update, why) &&
         check_target(session, stem, "kql", sigmac_diagnostic_count(session), update, why) &&
         check_target(session, stem, "spl", sigmac_diagnostic_count(session), update, why);
}

/* A case that compiles may still warn: its warnings are <stem>.warn, which must then exist. */
static bool check_warnings(const char *stem, const char *diagnostics, bool update, char **why) {
  char path[1024];
  snprintf(path, sizeof path, "%s.warn", stem);
  if (!*diagnostics && !exists(path))
    return true;
  if (!*diagnostics && update) {
    remove(path);
    return true;
  }
  return check_expectation(path, diagnostics, update, why);
}

/* One case: the rule compiles to the .ir expectation, or fails with the .err expectation; the
 * expectations are named <stem>.ir, <stem>.err (and <stem>.placeholders for 'expand'). */
static bool run_case(const char *rule, const char *stem, bool update) {
  char ir_path[1024], err_path[1024], placeholders[1024];
  snprintf(ir_path, sizeof ir_path, "%s.ir", stem);
  snprintf(err_path, sizeof err_path, "%s.err", stem);
  snprintf(placeholders, sizeof placeholders, "%s.placeholders", stem);
  SigmacSession *session = sigmac_session_new();
  if (exists(placeholders))
    sigmac_load_placeholders(session, placeholders);
  sigmac_add_file(session, rule);
  sigmac_finish(session);
  char *diagnostics = sigmac_render_diagnostics(session);
  char *ir = sigmac_ir_json(session);
  bool failed_compile = sigmac_error_count(session) > 0;
  char *why = NULL;
  bool ok;
  if (failed_compile || exists(err_path))
    ok = check_expectation(err_path, diagnostics, update, &why) &&
         (update || failed_compile || (why = strdup("expected errors, compiled cleanly")) == NULL);
  else
    ok = check_expectation(ir_path, ir, update, &why) &&
         check_warnings(stem, diagnostics, update, &why) &&
         check_targets(session, stem, update, &why);
  printf("%s %s%s%s\n", ok ? "pass" : "FAIL", rule, why ? ": " : "", why ? why : "");
  free(why);
  free(diagnostics);
  free(ir);
  sigmac_session_free(session);
  return ok;
}

static Outcome run_dir_ext(const char *dir, const char *ext);

static Outcome run_dir(const char *dir) { return run_dir_ext(dir, ".yml"); }

static Outcome run_dir_ext(const char *dir, const char *ext) {
  Outcome outcome = {0, 0};
  bool update = getenv("UPDATE_GOLDEN") != NULL;
  DIR *handle = opendir(dir);
  cr_assert(handle, "cannot open %s", dir);
  char *names[4096];
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(handle)) && count < 4096) {
    size_t len = strlen(entry->d_name), ext_len = strlen(ext);
    bool expectation = strstr(entry->d_name, ".out.") != NULL; /* <case>.out.eql is output */
    if (len > ext_len && strcmp(entry->d_name + len - ext_len, ext) == 0 && !expectation)
      names[count++] = strdup(entry->d_name);
  }
  closedir(handle);
  qsort(names, count, sizeof(char *), compare_names);
  for (size_t i = 0; i < count; i++) {
    char rule[1024], stem[1024];
    snprintf(rule, sizeof rule, "%s/%s", dir, names[i]);
    snprintf(stem, sizeof stem, "%s/%.*s", dir, (int)(strlen(names[i]) - strlen(ext)), names[i]);
    if (run_case(rule, stem, update))
      outcome.passed++;
    else
      outcome.failed++;
    free(names[i]);
  }
  printf("%zu passed, %zu failed\n", outcome.passed, outcome.failed);
  fflush(stdout);
  return outcome;
}

Test(golden, sigma_ir_and_diagnostics) {
  Outcome outcome = run_dir("golden/sigma");
  cr_assert(outcome.passed > 0, "no golden case ran");
  cr_assert_eq(outcome.failed, 0, "%zu golden cases failed", outcome.failed);
}

/* EQL cases: golden/eql/<case>.eql with <case>.ir or <case>.err, and <case>.out.eql (printed back).
 */
Test(golden, eql_ir_and_diagnostics) {
  Outcome outcome = run_dir_ext("golden/eql", ".eql");
  cr_assert(outcome.passed > 0, "no golden case ran");
  cr_assert_eq(outcome.failed, 0, "%zu golden cases failed", outcome.failed);
}

/* The published T1553.002 query: 'sigmac lint' reports each of its defects where it is. */
Test(golden, t1553_002_published_eql_lint) {
  cr_assert(run_case("rules/t1553_002.eql", "golden/t1553_002/published_eql",
                     getenv("UPDATE_GOLDEN") != NULL));
}

/* Our own rule is compiled where it lives, so the golden can never drift from it. */
Test(golden, t1553_002_rule) {
  cr_assert(run_case("rules/t1553_002.yml", "golden/t1553_002/t1553_002",
                     getenv("UPDATE_GOLDEN") != NULL));
}

/* The Elastic Security import of our rule for target (eql, kql): exact bytes, and every line a
 * rule object Kibana needs, of the rule type and language the target runs as. */
static void check_kibana_import(const char *target, const char *golden, const char *type,
                                const char *language, size_t rules) {
  SigmacSession *session = sigmac_session_new();
  cr_assert(sigmac_add_file(session, "rules/t1553_002.yml"));
  cr_assert(sigmac_finish(session));
  char *ndjson = NULL;
  sigmac_convert(session, target, "kibana-ndjson", &ndjson);
  cr_assert(ndjson);
  char *why = NULL;
  bool ok = check_expectation(golden, ndjson, getenv("UPDATE_GOLDEN") != NULL, &why);
  cr_assert(ok, "%s", why ? why : "");
  size_t lines = 0;
  for (char *line = ndjson; *line; lines++) {
    char *end = strchr(line, '\n');
    cr_assert(end, "every rule ends with a newline");
    json_error_t error;
    json_t *rule = json_loadb(line, (size_t)(end - line), 0, &error);
    cr_assert(rule, "line %zu is not JSON: %s", lines + 1, error.text);
    static const char *const keys[] = {"rule_id", "name",  "description", "type",       "language",
                                       "query",   "index", "severity",    "risk_score", "threat"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      cr_assert(json_object_get(rule, keys[k]), "line %zu lacks %s", lines + 1, keys[k]);
    cr_assert_str_eq(json_string_value(json_object_get(rule, "type")), type);
    cr_assert_str_eq(json_string_value(json_object_get(rule, "language")), language);
    json_decref(rule);
    line = end + 1;
  }
  cr_assert_eq(lines, rules);
  free(ndjson);
  sigmac_session_free(session);
}

Test(golden, t1553_002_kibana_ndjson) {
  check_kibana_import("eql", "golden/t1553_002/t1553_002.kibana.ndjson", "eql", "eql", 4);
}

/* KQL: the three single-event rules (the fourth, a sequence, is refused). */
Test(golden, t1553_002_kibana_kql_ndjson) {
  check_kibana_import("kql", "golden/t1553_002/t1553_002.kibana-kql.ndjson", "query", "kuery", 3);
}

/* Splunk savedsearches.conf for our rule: exact bytes; one stanza per single-event rule, each
 * with its search on one line. */
Test(golden, t1553_002_savedsearches) {
  SigmacSession *session = sigmac_session_new();
  cr_assert(sigmac_add_file(session, "rules/t1553_002.yml"));
  cr_assert(sigmac_finish(session));
  char *conf = NULL;
  sigmac_convert(session, "spl", "savedsearches", &conf);
  cr_assert(conf);
  char *why = NULL;
  bool ok = check_expectation("golden/t1553_002/t1553_002.savedsearches.conf", conf,
                              getenv("UPDATE_GOLDEN") != NULL, &why);
  cr_assert(ok, "%s", why ? why : "");
  size_t stanzas = 0, searches = 0, correlations = 0;
  for (char *line = conf; line && *line;
       line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    stanzas += line[0] == '[';
    searches += strncmp(line, "search = source=", 16) == 0;
    correlations += strncmp(line, "search = | multisearch ", 23) == 0;
  }
  cr_assert_eq(stanzas, 4);
  cr_assert_eq(searches, 3);
  cr_assert_eq(correlations, 1); /* #4, on one line */
  free(conf);
  sigmac_session_free(session);
}

/* -p splunk_cim: the CIM data sets of the detection's three rules, byte for byte; the
 * correlation over two data sets is refused (its reason in the .err golden, from the CLI). */
Test(golden, t1553_002_splunk_cim) {
  SigmacSession *session = sigmac_session_new();
  cr_assert(sigmac_add_file(session, "rules/t1553_002.yml"));
  cr_assert(sigmac_finish(session));
  cr_assert(sigmac_set_mapping(session, "splunk_cim"));
  char *spl = NULL;
  cr_assert_not(sigmac_convert(session, "spl", "default", &spl)); /* #4 is refused */
  cr_assert(spl);
  char *why = NULL;
  bool ok = check_expectation("golden/t1553_002/t1553_002.cim.spl", spl,
                              getenv("UPDATE_GOLDEN") != NULL, &why);
  cr_assert(ok, "%s", why ? why : "");
  free(spl);
  sigmac_session_free(session);
}

/* A field name with a line break (found by review): it would have ended the search line of a
 * savedsearches.conf stanza and added settings of its own. Every backend refuses it. */
Test(golden, hostile_field_names_never_reach_the_output) {
  static const char rule[] = "title: t\nlogsource: {category: process_creation, product: windows}\n"
                             "detection:\n  sel:\n    \"x\\ncron_schedule = * * * * *\": v\n"
                             "  sel2:\n    Image: '*'\n  condition: sel or sel2\n";
  static const char *const targets[][2] = {{"spl", "savedsearches"}, {"spl", NULL}, {"kql", NULL}};
  for (size_t t = 0; t < 3; t++) {
    SigmacSession *session = sigmac_session_new();
    cr_assert(sigmac_add_text(session, "hostile.yml", rule, sizeof rule - 1));
    cr_assert(sigmac_finish(session));
    char *out = NULL;
    cr_assert_not(sigmac_convert(session, targets[t][0], targets[t][1], &out), "%s", targets[t][0]);
    cr_assert(!out || !strstr(out, "cron_schedule"), "%s", out);
    free(out);
    sigmac_session_free(session);
  }
}
