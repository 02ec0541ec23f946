/* Conformance of the evaluator: each of the SigmaHQ regression cases (a rule and one Windows
 * event, EVTX rendered as JSON) must match. Skipped, with a message, without ../shared/corpus. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sigmac/sigmac.h"
#include "support.h"

/* id -> rule file, read from the "id:" line of every rule of the corpus. */
static char *ids[4096], *paths[4096];
static size_t rule_count;

static int index_rule(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info, (void)ftw;
  size_t len = strlen(path);
  if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".yml") != 0 || rule_count == 4096)
    return 0;
  char *text = test_read_file(path, NULL);
  const char *id = text ? strstr(text, "\nid: ") : NULL;
  if (id) {
    ids[rule_count] = strndup(id + 5, strcspn(id + 5, "\r\n"));
    paths[rule_count++] = strdup(path);
  }
  free(text);
  return 0;
}

static const char *rule_path(const char *id) {
  for (size_t i = 0; i < rule_count; i++)
    if (strcmp(ids[i], id) == 0)
      return paths[i];
  return NULL;
}

static size_t passed, failed;

/* One regression case: info.yml names the rule; <rule id>.json beside it is the event (or
 * <rule id>.raw, a raw log line). */
static int run_case(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info, (void)ftw;
  size_t len = strlen(path);
  bool json = len > 5 && strcmp(path + len - 5, ".json") == 0;
  bool raw = len > 4 && strcmp(path + len - 4, ".raw") == 0; /* a raw log line */
  if (type != FTW_F || (!json && !raw))
    return 0;
  char id[128];
  const char *base = strrchr(path, '/') + 1;
  snprintf(id, sizeof id, "%.*s", (int)(strlen(base) - (json ? 5 : 4)), base);
  const char *rule = rule_path(id);
  SigmacSession *session = sigmac_session_new();
  char *out = NULL;
  bool ok = rule && sigmac_add_file(session, rule) && sigmac_add_events(session, path) &&
            sigmac_test(session, "json", &out) && strstr(out, "\"line\": 1") != NULL;
  if (ok) {
    passed++;
  } else {
    failed++;
    char *why = sigmac_render_diagnostics(session);
    printf("FAIL %s (rule %s)\n%s%s\n", path, rule ? rule : "not found", why, out ? out : "");
    free(why);
  }
  free(out);
  sigmac_session_free(session);
  return 0;
}

Test(eval_corpus, sigma_regression_cases_match, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the Sigma regression cases are skipped");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/sigma/rules", corpus);
  cr_assert_eq(nftw(dir, index_rule, 16, FTW_PHYS), 0);
  snprintf(dir, sizeof dir, "%s/sigma/regression_data/rules", corpus);
  cr_assert_eq(nftw(dir, run_case, 16, FTW_PHYS), 0);
  printf("sigma regression cases: %zu passed, %zu failed\n", passed, failed);
  fflush(stdout);
  for (size_t i = 0; i < rule_count; i++)
    free(ids[i]), free(paths[i]);
  cr_assert_eq(failed, 0);
}

/* ---- the streaming evaluator gives what the in-memory one gives -------------------------------
 */

static FILE *compact_out;

static int append_event(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info, (void)ftw;
  size_t len = strlen(path);
  if (type != FTW_F || len < 5 || strcmp(path + len - 5, ".json") != 0)
    return 0;
  json_t *event = json_load_file(path, 0, NULL);
  char *line = event ? json_dumps(event, JSON_COMPACT) : NULL;
  if (line)
    fprintf(compact_out, "%s\n", line);
  free(line);
  json_decref(event);
  return 0;
}

static SigmacSession *streamed, *loaded;

/* Whether path names a rule file: Sigma YAML, or an EQL or KQL query. */
static bool rule_file(const char *path) {
  size_t n = strlen(path);
  return n > 4 && (!strcmp(path + n - 4, ".yml") || !strcmp(path + n - 4, ".eql") ||
                   !strcmp(path + n - 4, ".kql"));
}

static int add_rule(const char *path, const struct stat *st, int kind, struct FTW *ftw) {
  (void)st, (void)ftw;
  if (kind == FTW_F && rule_file(path)) {
    sigmac_add_file(streamed, path);
    sigmac_add_file(loaded, path);
  }
  return 0;
}

static void drop_all(char *text, const char *what) {
  for (char *at; (at = strstr(text, what));)
    memmove(at, at + strlen(what), strlen(at + strlen(what)) + 1);
}

/* The rules under rules_path (a file or a folder) over the NDJSON events file, streamed and
 * read whole (through a link named .json): the two reports must be the same, and some rule must
 * match. */
static void compare_stream_and_load(const char *rules_path, const char *events,
                                    const char *category) {
  char tmp[] = "/tmp/sigmac-stream-XXXXXX";
  cr_assert(mkdtemp(tmp));
  char stream_path[64], loaded_path[64];
  snprintf(stream_path, sizeof stream_path, "%s/events.ndjson", tmp);
  snprintf(loaded_path, sizeof loaded_path, "%s/events.json", tmp);
  char *text = test_read_file(events, NULL);
  cr_assert(text, "%s", events);
  FILE *copy = fopen(stream_path, "w");
  cr_assert(copy);
  fputs(text, copy);
  fclose(copy);
  free(text);
  cr_assert_eq(link(stream_path, loaded_path), 0); /* same bytes, read whole: not a stream */
  streamed = sigmac_session_new(), loaded = sigmac_session_new();
  cr_assert_eq(nftw(rules_path, add_rule, 16, FTW_PHYS), 0);
  sigmac_set_event_fields(streamed, category, NULL, NULL);
  sigmac_set_event_fields(loaded, category, NULL, NULL);
  cr_assert(sigmac_add_events(streamed, stream_path));
  cr_assert(sigmac_add_events(loaded, loaded_path));
  sigmac_finish(streamed);
  sigmac_finish(loaded);
  char *out_a = NULL, *out_b = NULL;
  sigmac_test(streamed, "text", &out_a);
  sigmac_test(loaded, "text", &out_b);
  drop_all(out_a, stream_path);
  drop_all(out_b, loaded_path);
  char *difference = test_first_difference(out_b, out_a);
  cr_assert_null(difference, "%s: streamed and loaded results differ: %s", events, difference);
  cr_assert(strstr(out_a, " events: :"), "no rule matched anything: the comparison says little");
  free(out_a), free(out_b);
  sigmac_session_free(streamed), sigmac_session_free(loaded);
  unlink(stream_path), unlink(loaded_path), rmdir(tmp);
}

Test(eval_corpus, streaming_gives_what_loading_gives, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the streaming comparison is skipped");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/sigma/regression_data/rules", corpus);
  char events[] = "/tmp/sigmac-regression-XXXXXX";
  int fd = mkstemp(events);
  cr_assert_geq(fd, 0);
  compact_out = fdopen(fd, "w");
  cr_assert(compact_out);
  cr_assert_eq(nftw(dir, append_event, 16, FTW_PHYS), 0);
  fclose(compact_out);
  /* every Windows rule: many anchors, regexes, negations and keyword searches among them */
  char rules_dir[4096];
  snprintf(rules_dir, sizeof rules_dir, "%s/sigma/rules/windows", corpus);
  compare_stream_and_load(rules_dir, events, NULL);
  unlink(events);
}

/* The golden events whose text says less than their tree (routing facts the JSON check cannot
 * read, keyword searches over keys no rule names), or repeats of others (remembered verdicts):
 * the streaming router, prefilter and memo must still give what loading gives. */
Test(eval_corpus, golden_events_stream_as_they_load) {
  compare_stream_and_load("golden/eval/logsource.yml", "golden/eval/logsource.ndjson", NULL);
  compare_stream_and_load("golden/eval/keywords.yml", "golden/eval/keywords.ndjson", NULL);
  compare_stream_and_load("golden/eval/remembered.yml", "golden/eval/remembered.ndjson", NULL);
}

/* Events read in chunks of 1 MiB: golden/eval/remembered.ndjson's lines repeated over 3 MiB,
 * so that lines cross the chunks' ends, among them an event of 1.5 MiB (the buffer grows), the
 * last line without a newline: streamed, they give what loading gives, line numbers included. */
Test(eval_corpus, events_stream_across_read_chunks) {
  char *lines = test_read_file("golden/eval/remembered.ndjson", NULL);
  cr_assert(lines);
  char events[] = "/tmp/sigmac-chunks-XXXXXX";
  int fd = mkstemp(events);
  cr_assert_geq(fd, 0);
  FILE *f = fdopen(fd, "w");
  cr_assert(f);
  for (size_t written = 0, round = 0; written < 3u * 1024 * 1024; round++) {
    fputs(lines, f);
    written += strlen(lines);
    if (round == 700) { /* past the first chunk: a long event, matching */
      fputs("{\"Event\": {\"System\": {\"Channel\": \"Microsoft-Windows-Sysmon/Operational\", "
            "\"EventID\": 1}, \"EventData\": {\"Image\": \"C:\\\\w\\\\runner.exe\", "
            "\"CommandLine\": \"runner.exe run ",
            f);
      for (size_t i = 0; i < 1536u * 1024; i++)
        fputc('a' + (int)(i % 26), f);
      fputs("\"}}}\n", f);
    }
  }
  fputs("{\"Event\": {\"System\": {\"Channel\": \"Microsoft-Windows-Sysmon/Operational\", "
        "\"EventID\": 1}, \"EventData\": {\"Image\": \"C:\\\\w\\\\runner.exe\", "
        "\"CommandLine\": \"runner.exe run last\"}}}",
        f);
  fclose(f);
  free(lines);
  compare_stream_and_load("golden/eval/remembered.yml", events, NULL);
  unlink(events);
}

/* The cases of golden/eval/stream/ (its README says what each once got wrong): each case's
 * rules (case.yml, .eql, .kql) over case.ndjson. */
Test(eval_corpus, stream_cases_stream_as_they_load) {
  static const struct {
    const char *name, *category;
  } cases[] = {{"category", "cat"},     {"containers", NULL},    {"paths", NULL},
               {"nested", NULL},        {"facts", NULL},         {"numbers", NULL},
               {"backslash", NULL},     {"bigint", NULL},        {"bignumber", NULL},
               {"zeros", NULL},         {"regex_flags", NULL},   {"regex_classes", NULL},
               {"regex_escapes", NULL}, {"value_map", NULL},     {"empty_key", NULL},
               {"question_mark", NULL}, {"regex_quoting", NULL}, {"eql_caseless", NULL},
               {"eql_extended", NULL},  {"ordering", NULL},      {"remembered_order", NULL},
               {"unread_last", NULL},   {"two_byte", NULL},      {"whole_numbers", NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char rules[256], events[256];
    snprintf(rules, sizeof rules, "golden/eval/stream/%s", cases[i].name);
    snprintf(events, sizeof events, "golden/eval/stream/%s.ndjson", cases[i].name);
    char dir[] = "/tmp/sigmac-case-XXXXXX"; /* the case's rules alone, in a folder of their own */
    cr_assert(mkdtemp(dir));
    static const char *const kinds[] = {".yml", ".eql", ".kql"};
    for (size_t k = 0; k < 3; k++) {
      char from[300], to[300];
      snprintf(from, sizeof from, "%s%s", rules, kinds[k]);
      snprintf(to, sizeof to, "%s/%s%s", dir, cases[i].name, kinds[k]);
      char *text = test_read_file(from, NULL);
      if (!text)
        continue;
      FILE *out = fopen(to, "w");
      cr_assert(out);
      fputs(text, out);
      fclose(out);
      free(text);
    }
    compare_stream_and_load(dir, events, cases[i].category);
    for (size_t k = 0; k < 3; k++) {
      char to[300];
      snprintf(to, sizeof to, "%s/%s%s", dir, cases[i].name, kinds[k]);
      unlink(to);
    }
    rmdir(dir);
  }
}
