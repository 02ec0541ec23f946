/* tests/bad/: malformed inputs of every kind (tools/bad_inputs.py writes them): truncated YAML,
 * tabs, BOMs, CRLF, a wrong type everywhere a type is expected, broken conditions and modifiers,
 * deep nesting, alias bombs, NULs, invalid UTF-8, empty and binary files, broken EQL, KQL and
 * SPL of every kind, malformed events. Each must give exactly its diagnostics
 * (tests/bad/<name>.err, UPDATE_GOLDEN=1 rewrites them), exit 1, and leave no output file behind.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static bool ends_with(const char *text, const char *suffix) {
  size_t n = strlen(text), k = strlen(suffix);
  return n >= k && strcmp(text + n - k, suffix) == 0;
}

Test(bad, every_malformed_input_is_a_located_error_and_leaves_no_output, .timeout = 300) {
  DIR *dir = opendir("tests/bad");
  cr_assert(dir, "tests/bad is missing (python3 tools/bad_inputs.py)");
  char output[64];
  snprintf(output, sizeof output, "/tmp/sigmac-bad-%d.out", (int)getpid());
  size_t count = 0, failed = 0;
  bool update = getenv("UPDATE_GOLDEN") != NULL;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    const char *name = e->d_name;
    if (name[0] == '.' || ends_with(name, ".err") || strcmp(name, "README.md") == 0)
      continue;
    char command[1024];
    if (ends_with(name, ".ndjson")) /* events: read by sigmac test */
      snprintf(
          command, sizeof command,
          "%s test --events tests/bad/%s rules/t1553_002.yml 2>&1 >/dev/null; echo \"exit $?\"",
          test_sigmac_command(), name);
    else
      snprintf(command, sizeof command,
               "timeout 20 %s -t eql -o %s tests/bad/%s 2>&1 >/dev/null; echo \"exit $?\"",
               test_sigmac_command(), output, name);
    char *out;
    test_shell(command, &out);
    char golden[512];
    snprintf(golden, sizeof golden, "tests/bad/%s.err", name);
    if (update)
      cr_assert(test_write_file(golden, out, strlen(out)));
    char *expected = test_read_file(golden, NULL);
    char *why = expected ? test_first_difference(expected, out) : strdup("no .err golden");
    if (why) {
      cr_log_error("%s: %s", name, why);
      failed++;
    }
    cr_expect(strstr(out, "exit 1\n") && strlen(strstr(out, "exit 1\n")) == 7, "%s: %s", name, out);
    cr_expect(access(output, F_OK) != 0, "%s left an output file behind", name);
    unlink(output);
    free(why);
    free(expected);
    free(out);
    count++;
  }
  closedir(dir);
  printf("bad inputs: %zu, %zu differing from their diagnostics\n", count, failed);
  cr_assert_eq(failed, 0);
  cr_assert_geq(count, 150, "tests/bad holds %zu inputs", count);
}
