/* Conformance: every SigmaHQ rule of ../shared/corpus/sigma/rules compiles to IR without an
 * error. Skipped, with a message, where the shared corpus is absent (a user's machine). */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigmac/sigmac.h"
#include "support.h"

static SigmacSession *corpus_session;
static size_t corpus_files;

static int add_rule(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info;
  (void)ftw;
  size_t len = strlen(path);
  if (type == FTW_F && len > 4 && strcmp(path + len - 4, ".yml") == 0) {
    sigmac_add_file(corpus_session, path);
    corpus_files++;
  }
  return 0;
}

Test(corpus, sigmahq_rules_compile_without_errors, .timeout = 300) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the SigmaHQ conformance run is skipped");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/sigma/rules", corpus);
  corpus_session = sigmac_session_new();
  cr_assert_eq(nftw(dir, add_rule, 16, FTW_PHYS), 0);
  sigmac_finish(corpus_session);
  const IrRuleSet *rules = sigmac_rules(corpus_session);
  size_t errors = sigmac_error_count(corpus_session);
  printf("sigma corpus: %zu files, %zu rules compiled, %zu errors, %zu warnings\n", corpus_files,
         rules->count, errors, sigmac_warning_count(corpus_session));
  if (errors) {
    char *text = sigmac_render_diagnostics(corpus_session);
    fputs(text, stdout);
    free(text);
  }
  fflush(stdout);
  cr_assert_eq(errors, 0);
  cr_assert_eq(corpus_files, 3141);
  cr_assert_eq(rules->count, 3141);
  sigmac_session_free(corpus_session);
}

/* Refusals grouped by reason (the check id of the error that refused each rule). */
typedef struct Reason {
  char id[64];
  size_t rules;
} Reason;

static void count_reason(Reason *reasons, size_t *count, const char *id) {
  for (size_t i = 0; i < *count; i++)
    if (strcmp(reasons[i].id, id) == 0) {
      reasons[i].rules++;
      return;
    }
  snprintf(reasons[*count].id, sizeof reasons[*count].id, "%s", id);
  reasons[(*count)++].rules = 1;
}

/* Every SigmaHQ rule converts to EQL or is refused with a reason; no other error. The files are
 * converted one session each, so a refusal is counted once per rule with its first reason. */
static int convert_rule(const char *path, const struct stat *info, int type, struct FTW *ftw);
static size_t converted, refused, other_errors, reason_count, reparsed, unparsable;
static Reason reasons[64];

static int convert_rule(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info;
  (void)ftw;
  size_t len = strlen(path);
  if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".yml") != 0)
    return 0;
  SigmacSession *session = sigmac_session_new();
  sigmac_add_file(session, path);
  sigmac_finish(session);
  char *out = NULL;
  if (sigmac_convert(session, "eql", NULL, &out)) {
    converted++;
    /* what the backend wrote must parse with our own EQL front end */
    SigmacSession *back = sigmac_session_new();
    sigmac_add_text(back, "emitted.eql", out, strlen(out));
    if (sigmac_error_count(back) == 0) {
      reparsed++;
    } else {
      unparsable++;
      char *why = sigmac_render_diagnostics(back);
      printf("emitted EQL of %s does not parse:\n%s\n%s\n", path, out, why);
      free(why);
    }
    sigmac_session_free(back);
  } else {
    refused++;
    for (size_t i = 0; i < sigmac_diagnostic_count(session); i++) {
      const char *severity, *id, *message;
      sigmac_diagnostic(session, i, &severity, &id, &message);
      if (strcmp(severity, "error") != 0)
        continue;
      if (strncmp(id, "eql-refused-", 12) != 0) {
        other_errors++;
        printf("unexpected error in %s: %s [%s]\n", path, message, id);
      }
      count_reason(reasons, &reason_count, id);
      break;
    }
  }
  free(out);
  sigmac_session_free(session);
  return 0;
}

Test(corpus, sigmahq_rules_convert_to_eql_or_are_refused_with_a_reason, .timeout = 600) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the SigmaHQ EQL conversion run is skipped");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/sigma/rules", corpus);
  cr_assert_eq(nftw(dir, convert_rule, 16, FTW_PHYS), 0);
  printf("eql: converted %zu, refused %zu\n", converted, refused);
  printf("emitted eql parsed back: %zu passed, %zu failed\n", reparsed, unparsable);
  for (size_t i = 0; i < reason_count; i++)
    printf("  refused %zu: %s\n", reasons[i].rules, reasons[i].id);
  fflush(stdout);
  cr_assert_eq(converted + refused, 3141);
  cr_assert_eq(other_errors, 0);
  cr_assert_eq(unparsable, 0);
}
