/* sigmac lint: every check of docs/checks.md fires on its failing example, with the very
 * diagnostic written under it, and stays quiet on its passing one; the report formats; the
 * SigmaHQ corpus linted, with the count of findings per check. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "lint/json_schema.h"
#include "sigmac/sigmac.h"
#include "support.h"

/* The diagnostics of linting text as the file name, rendered. */
static char *lint_text(const char *name, const char *text) {
  SigmacSession *session = sigmac_session_new();
  sigmac_add_text(session, name, text, strlen(text));
  sigmac_finish(session);
  sigmac_lint(session);
  char *out = sigmac_render_diagnostics(session);
  sigmac_session_free(session);
  return out;
}

/* The first line of out that ends with "[id]", or NULL (malloc'd). */
static char *first_of(const char *out, const char *id) {
  char tail[128];
  snprintf(tail, sizeof tail, "[%s]", id);
  for (const char *line = out; *line;) {
    const char *eol = strchr(line, '\n');
    size_t len = eol ? (size_t)(eol - line) : strlen(line);
    if (len >= strlen(tail) && strncmp(line + len - strlen(tail), tail, strlen(tail)) == 0)
      return strndup(line, len);
    line += len + (eol != NULL);
  }
  return NULL;
}

/* The text of the next fenced block whose fence line is exactly fence, from *at on; NULL when
 * there is none. */
static char *next_block(const char **at, const char *fence) {
  size_t n = strlen(fence);
  for (const char *p = *at; (p = strstr(p, fence));) {
    if ((p == *at || p[-1] == '\n') && p[n] == '\n') {
      const char *start = p + n + 1, *end = strstr(start, "\n```");
      if (!end)
        return NULL;
      *at = end + 4;
      return strndup(start, (size_t)(end - start + 1));
    }
    p += n;
  }
  return NULL;
}

/* The next example of kind ("fail" or "pass"): a YAML, EQL or Elastic rule export block, and
 * the file name it is linted under. */
static char *next_example(const char **at, const char *kind, const char **name) {
  static const struct {
    const char *language, *name;
  } languages[] = {{"yaml", "rule.yml"}, {"eql", "rule.eql"}, {"json", "rule.ndjson"}};
  const char *best = NULL;
  size_t which = 0;
  for (size_t i = 0; i < 3; i++) {
    char fence[32];
    snprintf(fence, sizeof fence, "```%s %s\n", languages[i].language, kind);
    const char *hit = strstr(*at, fence);
    if (hit && (!best || hit < best)) {
      best = hit;
      which = i;
    }
  }
  if (!best)
    return NULL;
  *name = languages[which].name;
  char fence[32];
  snprintf(fence, sizeof fence, "```%s %s", languages[which].language, kind);
  *at = best;
  return next_block(at, fence);
}

Test(lint, every_check_of_the_docs_fires_on_its_failing_example_only) {
  char *doc = test_read_file("docs/checks.md", NULL);
  cr_assert(doc, "docs/checks.md is missing");
  const char *at = doc;
  size_t checks = 0;
  const char *fail_name, *pass_name;
  for (char *fail; (fail = next_example(&at, "fail", &fail_name));) {
    char *expected = next_block(&at, "```text");
    char *pass = next_example(&at, "pass", &pass_name);
    cr_assert(expected && pass, "an example without its diagnostic or passing example");
    expected[strcspn(expected, "\n")] = '\0';
    const char *open = strrchr(expected, '['), *close = strrchr(expected, ']');
    cr_assert(open && close > open, "no [id] in: %s", expected);
    char *id = strndup(open + 1, (size_t)(close - open - 1));
    char *out = lint_text(fail_name, fail);
    char *found = first_of(out, id);
    cr_assert(found, "%s does not fire on its failing example:\n%s", id, out);
    cr_assert_str_eq(found, expected);
    free(out);
    out = lint_text(pass_name, pass);
    char *quiet = first_of(out, id);
    cr_assert_null(quiet, "%s fires on its passing example: %s", id, quiet);
    free(out);
    free(found);
    free(id);
    free(fail);
    free(expected);
    free(pass);
    checks++;
  }
  cr_assert_geq(checks, 15, "docs/checks.md has %zu examples", checks);
  free(doc);
}

/* Ids and titles are looked up across the whole run: 600 rules, the last 300 repeating the
 * titles of the first 300 and every twentieth id (fewer than the 20 errors a file shows), each
 * repeat reported against its first. */
Test(lint, duplicates_are_found_across_many_rules) {
  size_t size = 600 * 256, len = 0;
  char *text = malloc(size);
  cr_assert(text);
  for (int i = 0; i < 600; i++)
    len += (size_t)snprintf(text + len, size - len,
                            "%stitle: Rule %d\nid: 0b4ea9b8-0b1f-4c56-9d7f-%012d\nlogsource: "
                            "{product: windows, category: process_creation}\ndetection:\n  "
                            "selection: {Image|endswith: '\\\\r%d.exe'}\n  condition: selection\n",
                            i ? "---\n" : "", i % 300, i >= 300 && i % 20 == 0 ? i - 300 : i, i);
  char *out = lint_text("rules.yml", text);
  size_t titles = 0, ids = 0;
  for (const char *p = out; (p = strstr(p, "[sigma-duplicate-title]")); p++)
    titles++;
  for (const char *p = out; (p = strstr(p, "[sigma-duplicate-id]")); p++)
    ids++;
  cr_assert_eq(titles, 300, "%s", out);
  cr_assert_eq(ids, 15, "%zu: %s", ids, out);
  cr_assert(strstr(out, "rules.yml:4194:8: warning: title 'Rule 299' is also the title of the rule "
                        "at rules.yml:2094:8 [sigma-duplicate-title]\n"),
            "%s", out);
  free(out);
  free(text);
}

static int run(const char *args, char **out) { return test_sigmac(args, false, out); }

/* The reports: JSON with places, JUnit failing the file with errors, SARIF with a rule per
 * check and results pointing at their region; --werror turns warnings into exit 1. */
Test(lint, report_formats_and_werror) {
  char *out;
  cr_assert_eq(run("lint --format json rules/t1553_002.eql", &out), 1, "%s", out);
  json_error_t error;
  json_t *report = json_loads(out, 0, &error);
  cr_assert(report, "%s: %s", error.text, out);
  cr_assert_eq(json_integer_value(json_object_get(report, "errors")), 4);
  json_t *first = json_array_get(json_object_get(report, "diagnostics"), 0);
  cr_assert_str_eq(json_string_value(json_object_get(first, "check")), "eql-sequence");
  cr_assert_eq(json_integer_value(json_object_get(first, "line")), 1);
  cr_assert_eq(json_integer_value(json_object_get(first, "end_column")), 9);
  json_decref(report);
  free(out);
  cr_assert_eq(run("lint --format junit rules/t1553_002.eql rules/t1553_002.yml", &out), 1);
  cr_assert(strstr(out, "<testsuite name=\"sigmac lint\" tests=\"2\" failures=\"1\" errors=\"0\">"),
            "%s", out);
  cr_assert(strstr(out, "<testcase classname=\"sigmac.lint\" name=\"rules/t1553_002.yml\">\n"
                        "    </testcase>"),
            "%s", out);
  free(out);
  cr_assert_eq(run("lint --format sarif rules/t1553_002.eql", &out), 1);
  report = json_loads(out, 0, &error);
  cr_assert(report, "%s", error.text);
  json_t *run0 = json_array_get(json_object_get(report, "runs"), 0);
  json_t *result = json_array_get(json_object_get(run0, "results"), 1);
  cr_assert_str_eq(json_string_value(json_object_get(result, "ruleId")), "eql-pipe");
  json_t *rules =
      json_object_get(json_object_get(json_object_get(run0, "tool"), "driver"), "rules");
  size_t index = (size_t)json_integer_value(json_object_get(result, "ruleIndex"));
  cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, index), "id")),
                   "eql-pipe");
  json_t *region = json_object_get(
      json_object_get(json_array_get(json_object_get(result, "locations"), 0), "physicalLocation"),
      "region");
  cr_assert_eq(json_integer_value(json_object_get(region, "startLine")), 9);
  cr_assert_eq(json_integer_value(json_object_get(region, "startColumn")), 3);
  json_decref(report);
  free(out);
  char path[64];
  snprintf(path, sizeof path, "/tmp/sigmac-lint-%d.yml", (int)getpid());
  static const char rule[] = "title: t\nlogsource: {product: windows, category: process_creation}\n"
                             "detection:\n  sel:\n    Image: '*\\x.exe'\n  condition: sel\n";
  cr_assert(test_write_file(path, rule, sizeof rule - 1));
  char args[256];
  snprintf(args, sizeof args, "lint %s", path);
  cr_assert_eq(run(args, &out), 0);
  free(out);
  snprintf(args, sizeof args, "lint --werror %s", path);
  cr_assert_eq(run(args, &out), 1);
  free(out);
  cr_assert_eq(run("lint --format yaml rules/t1553_002.yml", &out), 2);
  free(out);
  unlink(path);
}

/* Error-level findings over the SigmaHQ corpus, each read (docs/checks.md lists examples): a
 * new one fails this test until it is read too. */
static const struct {
  const char *check;
  long long count;
} corpus_errors[] = {
    {"ecs-type-clash", 8}, /* IpAddress '-' and wildcards on ip fields: docs/checks.md */
    {NULL, 0},
};

Test(lint, sigmahq_corpus_counts_per_check, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the corpus lint is skipped");
  char args[1024], *out;
  snprintf(args, sizeof args, "lint --format json %s/sigma/rules", corpus);
  int status = run(args, &out);
  cr_assert(status == 0 || status == 1, "exit status %d", status);
  json_error_t error;
  json_t *report = json_loads(out, 0, &error);
  cr_assert(report, "%s", error.text);
  json_t *counts = json_object(), *errors = json_object();
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(report, "diagnostics"), i, d) {
    const char *check = json_string_value(json_object_get(d, "check"));
    json_t *target =
        strcmp(json_string_value(json_object_get(d, "severity")), "error") == 0 ? errors : counts;
    json_int_t n = json_integer_value(json_object_get(target, check));
    json_object_set_new(target, check, json_integer(n + 1));
  }
  printf("lint over the corpus: %lld files, %lld errors, %lld warnings\n",
         json_integer_value(json_object_get(report, "files")),
         json_integer_value(json_object_get(report, "errors")),
         json_integer_value(json_object_get(report, "warnings")));
  const char *check;
  json_t *n;
  json_object_foreach(errors, check, n) printf("  error %s: %lld\n", check, json_integer_value(n));
  json_object_foreach(counts, check, n)
      printf("  warning %s: %lld\n", check, json_integer_value(n));
  json_object_foreach(errors, check, n) {
    long long expected = 0;
    for (size_t k = 0; corpus_errors[k].check; k++)
      if (strcmp(corpus_errors[k].check, check) == 0)
        expected = corpus_errors[k].count;
    cr_expect_eq(json_integer_value(n), expected, "%s: %lld errors, %lld read", check,
                 json_integer_value(n), expected);
  }
  json_decref(counts);
  json_decref(errors);
  json_decref(report);
  free(out);
}

/* GitHub code scanning takes SARIF 2.1.0: the report validates against the schema
 * (../shared/data/sarif; the test is skipped without it), for errors and warnings alike. */
Test(lint, sarif_validates_against_the_sarif_schema) {
  char schema_path[1024];
  snprintf(schema_path, sizeof schema_path, "%s/../shared/data/sarif/sarif-schema-2.1.0.json",
           SIGMAC_SOURCE_DIR);
  json_t *schema = json_load_file(schema_path, 0, NULL);
  if (!schema)
    cr_skip("../shared/data/sarif is absent: the SARIF schema test is skipped");
  char *out;
  run("lint --format sarif rules/t1553_002.eql rules/t1553_002.yml golden/cli/cim_refusals.yml",
      &out);
  json_error_t error;
  json_t *log = json_loads(out, 0, &error);
  cr_assert(log, "%s", error.text);
  cr_assert_gt(
      json_array_size(json_object_get(json_array_get(json_object_get(log, "runs"), 0), "results")),
      0);
  Arena arena;
  arena_init(&arena);
  SchemaErrors errors = {NULL, 0};
  bool valid = json_schema_validate(&arena, schema, log, &errors);
  cr_assert(valid, "%zu errors, the first at %s: %s", errors.count,
            errors.count ? errors.items[0].path : "", errors.count ? errors.items[0].message : "");
  arena_free(&arena);
  json_decref(log);
  json_decref(schema);
  free(out);
}

/* .sigmac.yml found upward from the file: a check turned off, one off by default turned on, a
 * severity changed; an inline comment turns a check off for its document; a bad key is an
 * error at its place. */
Test(lint, configuration_files_and_inline_disables) {
  char dir[64], path[128], *out;
  snprintf(dir, sizeof dir, "/tmp/sigmac-lint-config-%d", (int)getpid());
  snprintf(path, sizeof path, "%s/rules", dir);
  cr_assert_eq(system(strcat(strcpy((char[256]){0}, "mkdir -p "), path)), 0);
  snprintf(path, sizeof path, "%s/.sigmac.yml", dir);
  static const char config[] = "checks:\n  sigma-escaped-wildcard: off\n"
                               "  leading-wildcard: warning\n  sigma-unused-selection: error\n";
  cr_assert(test_write_file(path, config, sizeof config - 1));
  snprintf(path, sizeof path, "%s/rules/r.yml", dir);
  static const char rule[] =
      "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n"
      "  sel:\n    Image|contains: 'C:\\*'\n  other:\n    User: x\n  condition: sel\n"
      "---\n# sigmac: disable=sigma-unused-selection\ntitle: u\n"
      "logsource: {product: windows, category: process_creation}\ndetection:\n"
      "  sel:\n    Image|endswith: x\n  other:\n    User: x\n  condition: sel\n";
  cr_assert(test_write_file(path, rule, sizeof rule - 1));
  char args[256];
  snprintf(args, sizeof args, "lint --format json %s", path);
  cr_assert_eq(run(args, &out), 1, "%s", out);
  json_t *report = json_loads(out, 0, NULL);
  cr_assert(report, "%s", out);
  size_t i, unused = 0, leading = 0, escaped = 0;
  json_t *d;
  json_array_foreach(json_object_get(report, "diagnostics"), i, d) {
    const char *check = json_string_value(json_object_get(d, "check"));
    const char *severity = json_string_value(json_object_get(d, "severity"));
    if (strcmp(check, "sigma-unused-selection") == 0) {
      unused++;
      cr_assert_str_eq(severity, "error");
      cr_assert_eq(json_integer_value(json_object_get(d, "line")), 6); /* the first rule's */
    }
    leading += strcmp(check, "leading-wildcard") == 0 && strcmp(severity, "warning") == 0;
    escaped += strcmp(check, "sigma-escaped-wildcard") == 0;
  }
  cr_assert_eq(unused, 1, "%s", out);
  cr_assert_eq(leading, 1, "%s", out);
  cr_assert_eq(escaped, 0, "%s", out);
  json_decref(report);
  free(out);
  snprintf(path, sizeof path, "%s/.sigmac.yml", dir);
  cr_assert(test_write_file(path, "checks:\n  nope: off\nextra: 1\n", 29));
  snprintf(path, sizeof path, "%s/rules/r.yml", dir);
  snprintf(args, sizeof args, "lint %s", path);
  run(args, &out);
  free(out);
  cr_assert_eq(test_sigmac(args, true, &out), 1);
  cr_assert(strstr(out, ".sigmac.yml:2:3: warning: sigmac has no check 'nope' (sigmac list checks, "
                        "docs/checks.md) [config]\n"),
            "%s", out);
  cr_assert(strstr(out, ".sigmac.yml:3:1: error: 'extra' is no key of .sigmac.yml (checks, attack, "
                        "fields, index-patterns) [config]\n"),
            "%s", out);
  free(out);
  snprintf(args, sizeof args, "rm -rf %s", dir);
  cr_assert_eq(system(args), 0);
}

/* The run-wide data of the working directory's .sigmac.yml: a newer ATT&CK table, more fields,
 * more index patterns (its entries first). */
Test(lint, configuration_data_files) {
  char dir[64], path[128], *out;
  snprintf(dir, sizeof dir, "/tmp/sigmac-lint-data-%d", (int)getpid());
  snprintf(path, sizeof path, "mkdir -p %s", dir);
  cr_assert_eq(system(path), 0);
  static const struct {
    const char *name, *text;
  } files[] = {
      {".sigmac.yml", "attack: attack.tsv\nfields: fields.tsv\nindex-patterns: patterns.yml\n"},
      {"attack.tsv", "tactic\tTA0099\tstealth\tStealth\ntechnique\tT9999\tNew\tstealth\n"},
      {"fields.tsv", "process.made_up\tkeyword\n"},
      {"patterns.yml", "patterns:\n  \"custom-*\": {event_categories: [registry]}\n"},
      {"rule.yml", "title: t\ntags: [attack.stealth, attack.t9999]\n"
                   "logsource: {product: windows, category: process_creation}\n"
                   "detection:\n  sel:\n    process.made_up: x\n  condition: sel\n"},
      {"rule.ndjson", "{\"name\": \"n\", \"type\": \"eql\", \"language\": \"eql\", \"index\": "
                      "[\"custom-*\"], \"query\": \"process where process.name : \\\"x\\\"\"}\n"},
  };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
    cr_assert(test_write_file(path, files[i].text, strlen(files[i].text)));
  }
  char command[512];
  snprintf(command, sizeof command, "cd %s && %s lint rule.yml rule.ndjson 2>&1", dir,
           test_sigmac_command());
  test_shell(command, &out);
  cr_assert_null(strstr(out, "sigma-attack-tag"), "%s", out);
  cr_assert_null(strstr(out, "ecs-unknown-field"), "%s", out);
  cr_assert(strstr(out, "rule.ndjson#1.eql:1:1: warning: custom-* holds no process events: its "
                        "data source writes registry events [index-category]"),
            "%s", out);
  free(out);
  snprintf(command, sizeof command, "rm -rf %s", dir);
  cr_assert_eq(system(command), 0);
}
