/* Round trips between Sigma and EQL: what the backends write reads back to the same queries.
 *  - the corrected T1553.002 EQL: EQL -> Sigma -> EQL gives the EQL of rules/t1553_002.yml;
 *  - every SigmaHQ rule R: EQL(Sigma(R)) == EQL(R), and EQL(Sigma(EQL(R))) == EQL(R). */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigmac/sigmac.h"
#include "support.h"

/* Converts text (a .yml or .eql source named name) to target; NULL when it fails. */
static char *convert(const char *name, const char *text, const char *target, char **why) {
  SigmacSession *session = sigmac_session_new();
  sigmac_add_text(session, name, text, strlen(text));
  sigmac_finish(session);
  char *out = NULL;
  bool ok = sigmac_error_count(session) == 0 && sigmac_convert(session, target, NULL, &out);
  if (!ok) {
    if (why && !*why)
      *why = sigmac_render_diagnostics(session);
    free(out);
    out = NULL;
  }
  sigmac_session_free(session);
  return out;
}

/* The queries of an EQL output without its '//' label lines and blank lines. */
static char *queries_only(const char *eql) {
  char *out = malloc(strlen(eql) + 1);
  size_t n = 0;
  for (const char *line = eql; *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
    if (strncmp(line, "//", 2) != 0 && line[0] != '\n') {
      memcpy(out + n, line, len);
      n += len;
    }
    line += len;
  }
  out[n] = '\0';
  return out;
}

Test(roundtrip, corrected_t1553_002_eql_goes_through_sigma_unchanged) {
  static const char *const files[] = {
      "signing_tool_suspicious_parent", "cert_file_user_writable_path",
      "cert_store_registry_modification", "cert_drop_then_signing_tool"};
  for (size_t i = 0; i < 4; i++) {
    char path[256];
    snprintf(path, sizeof path, "rules/t1553_002_eql/%s.eql", files[i]);
    char *eql = test_read_file(path, NULL), *why = NULL;
    cr_assert(eql, "%s", path);
    char *sigma = convert(path, eql, "sigma", &why);
    cr_assert(sigma, "%s to Sigma: %s", path, why ? why : "");
    char *back = convert("back.yml", sigma, "eql", &why);
    cr_assert(back, "%s back to EQL: %s", path, why ? why : "");
    char *expected = queries_only(eql), *actual = queries_only(back);
    /* the sequence's Sigma holds its steps as rules of their own too: keep the sequence */
    char *sequence = strstr(actual, "sequence ");
    char *difference = test_first_difference(expected, i == 3 && sequence ? sequence : actual);
    cr_assert_null(difference, "%s: %s", path, difference);
    free(eql), free(sigma), free(back), free(expected), free(actual), free(why);
  }
}

static size_t seen, checked, sigma_differs, eql_differs, refused;

static int round_trip_rule(const char *path, const struct stat *info, int type, struct FTW *ftw) {
  (void)info, (void)ftw;
  size_t len = strlen(path);
  if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".yml") != 0 ||
      seen++ % test_stride() != 0)
    return 0;
  char *text = test_read_file(path, NULL), *why = NULL;
  char *eql = convert("rule.yml", text, "eql", NULL);
  if (!eql) { /* refused by EQL: the conversion test counts those */
    free(text);
    return 0;
  }
  checked++;
  char *sigma = convert("rule.yml", text, "sigma", &why);
  char *eql_of_sigma = sigma ? convert("again.yml", sigma, "eql", &why) : NULL;
  if (!eql_of_sigma || strcmp(eql_of_sigma, eql) != 0) {
    sigma_differs++;
    printf("Sigma -> Sigma -> EQL differs for %s\n%s\n", path, why ? why : "");
  }
  free(why);
  why = NULL;
  char *sigma_of_eql = convert("rule.eql", eql, "sigma", &why);
  char *eql_again = sigma_of_eql ? convert("again.yml", sigma_of_eql, "eql", &why) : NULL;
  if (!sigma_of_eql) {
    refused++;
  } else if (!eql_again || strcmp(eql_again, eql) != 0) {
    eql_differs++;
    printf("Sigma -> EQL -> Sigma -> EQL differs for %s\nfirst:\n%s\nagain:\n%s\n%s\n", path, eql,
           eql_again ? eql_again : "", why ? why : "");
  }
  free(text), free(eql), free(sigma), free(eql_of_sigma), free(sigma_of_eql), free(eql_again);
  free(why);
  return 0;
}

Test(roundtrip, sigmahq_rules_keep_their_eql_through_sigma, .timeout = 900) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the round-trip run is skipped");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/sigma/rules", corpus);
  cr_assert_eq(nftw(dir, round_trip_rule, 16, FTW_PHYS), 0);
  printf("round trips over %zu rules: Sigma->Sigma->EQL differs %zu; Sigma->EQL->Sigma->EQL "
         "differs %zu (EQL->Sigma refused %zu)\n",
         checked, sigma_differs, eql_differs, refused);
  fflush(stdout);
  cr_assert_eq(sigma_differs, 0);
  cr_assert_eq(eql_differs, 0);
}
