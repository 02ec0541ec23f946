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
