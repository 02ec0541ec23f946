/* Conformance of the evaluator: each of the SigmaHQ regression cases (a rule and one Windows
 * event, EVTX rendered as JSON) must match. Skipped, with a message, without ../shared/corpus. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
