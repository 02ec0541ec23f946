/* sigmac as a pre-commit hook, run the way pre-commit runs it: `pre-commit try-repo` on this
 * repository's .pre-commit-hooks.yaml, in a rules repository of its own, with sigmac on the
 * PATH. Skipped (saying why) without pre-commit or git (scripts/deps --test installs both). */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Runs a shell command in dir; its output (both streams) in *out, its exit status returned. */
static int shell(const char *dir, const char *command, char **out) {
  char line[8192];
  snprintf(line, sizeof line, "cd '%s' && (%s) 2>&1", dir, command);
  return test_shell(line, out);
}

Test(precommit, the_hook_fails_on_errors_and_passes_clean_rules, .timeout = 120) {
  char *out;
  if (shell(".", "command -v pre-commit && command -v git", &out) != 0)
    cr_skip("pre-commit or git is not installed (scripts/deps --test installs them)");
  free(out);
  if (shell(SIGMAC_SOURCE_DIR, "git rev-parse --git-dir", &out) != 0)
    cr_skip("the sources are not a git repository: pre-commit cannot take the hook from them");
  free(out);
  char dir[128], binary[1024];
  snprintf(dir, sizeof dir, "/tmp/sigmac-precommit-%d", (int)getpid());
  snprintf(binary, sizeof binary, "%s", SIGMAC_BINARY);
  char setup[4096];
  snprintf(setup, sizeof setup,
           "rm -rf '%s' && mkdir -p '%s' && cd '%s' && git init -q && "
           "printf 'title: Whoami\\ndate: 2024-02-30\\nlogsource: {product: windows, category: "
           "process_creation}\\ndetection:\\n  selection:\\n    Image|endswith: x.exe\\n  "
           "condition: selection\\n' > bad.yml && sed 's/02-30/02-29/' bad.yml > good.yml && "
           "git add bad.yml good.yml",
           dir, dir, dir);
  cr_assert_eq(shell(".", setup, &out), 0, "%s", out);
  free(out);
  char run[4096];
  snprintf(run, sizeof run,
           "PRE_COMMIT_HOME='%s/home' PATH='%s':\"$PATH\" pre-commit try-repo '%s' sigmac-lint "
           "--files bad.yml good.yml",
           dir, dirname(binary), SIGMAC_SOURCE_DIR);
  cr_assert_neq(shell(dir, run, &out), 0, "the hook passed a rule with an error:\n%s", out);
  cr_assert(strstr(out, "bad.yml:2:7: error: date '2024-02-30' is not a day of the calendar "
                        "[sigma-date]"),
            "%s", out);
  cr_assert(strstr(out, "Failed"), "%s", out);
  free(out);
  char *files = strstr(run, "bad.yml good.yml");
  memcpy(files, "        good.yml", 16); /* the clean rule alone */
  cr_assert_eq(shell(dir, run, &out), 0, "the hook failed a clean rule:\n%s", out);
  cr_assert(strstr(out, "Passed"), "%s", out);
  free(out);
  snprintf(setup, sizeof setup, "rm -rf '%s'", dir);
  cr_assert_eq(shell(".", setup, &out), 0);
  free(out);
}
