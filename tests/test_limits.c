/* Memory stays bounded on hostile input: the worst cases within the limits (a rule file just
 * under the 4 MiB input limit holding 250,000 values in one list, or one value of 3.9 MB, an alias
 * bomb, nesting at the limit) converted by every backend and linted, each run's peak memory
 * measured with GNU time. The bound is loose (3 GB, for the sanitizer build too): it catches the
 * quadratic growth that once took 24 GB for the first case, not a few megabytes more. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

enum { PEAK_LIMIT_KIB = 3 * 1024 * 1024 };

/* Writes the case to path. */
static void write_case(const char *path, const char *kind) {
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs("title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n"
        "  sel:\n",
        f);
  if (strcmp(kind, "list") == 0) {
    fputs("    CommandLine|contains:\n", f);
    for (int i = 0; i < 250000; i++)
      fprintf(f, "      - x%d\n", i);
  } else {
    fputs("    CommandLine|contains: '", f);
    for (int i = 0; i < 3900000; i++)
      fputc("abc*?\\ "[i % 7], f);
    fputs("'\n", f);
  }
  fputs("  condition: sel\n", f);
  fclose(f);
}

/* Peak resident memory of sigmac ARGS in KiB, or 0 when GNU time is missing. */
static long peak_kib(const char *args) {
  char command[1024], *out;
  snprintf(command, sizeof command,
           "/usr/bin/time -f 'peak %%M' %s %s 2>&1 >/dev/null | grep '^peak' | tail -1",
           SIGMAC_BINARY, args);
  test_shell(command, &out);
  long kib = strncmp(out, "peak ", 5) == 0 ? atol(out + 5) : 0;
  free(out);
  return kib;
}

Test(limits, worst_cases_keep_memory_bounded, .timeout = 600) {
  if (access("/usr/bin/time", X_OK) != 0)
    cr_skip("GNU time (/usr/bin/time) is missing: peak memory is not measured");
  static const char *const kinds[] = {"list", "value"};
  static const char *const commands[] = {"-t eql", "-t kql", "-t spl", "-t sigma", "lint"};
  char path[64], args[256];
  for (size_t k = 0; k < 2; k++) {
    snprintf(path, sizeof path, "/tmp/sigmac-limits-%d-%s.yml", (int)getpid(), kinds[k]);
    write_case(path, kinds[k]);
    for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) {
      snprintf(args, sizeof args, "%s %s", commands[c], path);
      long kib = peak_kib(args);
      printf("%s, sigmac %s: %ld MiB at most\n", kinds[k], commands[c], kib / 1024);
      cr_expect(kib > 0 && kib < PEAK_LIMIT_KIB, "%s on the %s case took %ld KiB", commands[c],
                kinds[k], kib);
    }
    unlink(path);
  }
  static const char *const bad[] = {"tests/bad/yaml-alias-bomb.yml",
                                    "tests/bad/yaml-deep-nesting.yml",
                                    "tests/bad/sigma-condition-deep.yml"};
  for (size_t b = 0; b < 3; b++) {
    snprintf(args, sizeof args, "-t eql %s", bad[b]);
    long kib = peak_kib(args);
    cr_expect(kib > 0 && kib < PEAK_LIMIT_KIB, "%s took %ld KiB", bad[b], kib);
  }
}
