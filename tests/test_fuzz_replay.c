/* The crashers and findings of the rule fuzz targets, replayed: tests/fuzz/rules/ (fuzz_rules:
 * the first byte chooses the language, odd for EQL) must go through the front ends, lint and
 * every backend under the sanitizers, and tests/fuzz/prove/ (fuzz_prove: Sigma rules) must be
 * proven for every target without a divergence. Each file once failed. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_pass.h"
#include "support.h"

/* Runs every file of dir through the pass; the number of files. */
static size_t replay(const char *dir_path, bool prove) {
  DIR *dir = opendir(dir_path);
  cr_assert(dir, "%s is missing", dir_path);
  size_t count = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
    size_t len;
    char *data = test_read_file(path, &len);
    cr_assert(data, "%s", path);
    bool ok = prove ? rules_pass(false, data, len, true)
                    : len < 1 || rules_pass(data[0] & 1, data + 1, len - 1, false);
    cr_assert(ok, "%s diverges", path);
    free(data);
    count++;
  }
  closedir(dir);
  return count;
}

Test(fuzz_replay, rule_front_ends_lint_and_backends) {
  size_t count = replay("tests/fuzz/rules", false);
  printf("fuzz_rules cases replayed: %zu\n", count);
}

Test(fuzz_replay, prover_differential) {
  size_t count = replay("tests/fuzz/prove", true);
  printf("fuzz_prove cases replayed: %zu\n", count);
}
