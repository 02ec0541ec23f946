/* Memory stays bounded on hostile input: the worst cases within the limits (100,000 values in
 * one list, one value of 1 MiB, an alias bomb, nesting at the limit) converted by every backend
 * and linted, each run's peak memory measured with GNU time. The bound is loose (3 GB, for the
 * sanitizer build too): it catches the quadratic growth that once took 24 GB for 250,000 values,
 * not a few megabytes more. And one past each limit is an error at its place. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval/event.h"
#include "ir/ir_limits.h"
#include "support.h"

enum { PEAK_LIMIT_KIB = 3 * 1024 * 1024 };

/* Writes the case to path: a list of size values, or one value of size bytes. */
static void write_case(const char *path, const char *kind, size_t size) {
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs("title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n"
        "  sel:\n",
        f);
  if (strcmp(kind, "list") == 0) {
    fputs("    CommandLine|contains:\n", f);
    for (size_t i = 0; i < size; i++)
      fprintf(f, "      - x%zu\n", i);
  } else {
    fputs("    CommandLine|contains: '", f);
    for (size_t i = 0; i < size; i++) /* hostile within the limit, plain past it */
      fputc(size <= IR_STRING_LIMIT ? "abc*?\\ "[i % 7] : 'a', f);
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
    write_case(path, kinds[k], k == 0 ? IR_LIST_LIMIT : IR_STRING_LIMIT);
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

/* sigmac ARGS exits with 1 and its first diagnostic line is path followed by rest. */
static void fails_with(const char *args, const char *path, const char *rest) {
  char command[1024], *line, *ignored, expected[512];
  snprintf(command, sizeof command, "%s %s 2>&1 >/dev/null | head -c 300 | head -n 1",
           test_sigmac_command(), args);
  test_shell(command, &line);
  snprintf(expected, sizeof expected, "%s%s", path, rest);
  cr_assert_str_eq(line, expected);
  free(line);
  snprintf(command, sizeof command, "%s %s >/dev/null 2>&1", test_sigmac_command(), args);
  cr_assert_eq(test_shell(command, &ignored), 1, "%s", args);
  free(ignored);
}

/* One past each limit: an error at the first item past it (or the value), exit status 1. */
Test(limits, past_each_limit_an_error_at_its_place, .timeout = 600) {
  char path[64], args[128];
  snprintf(path, sizeof path, "/tmp/sigmac-past-%d.yml", (int)getpid());
  write_case(path, "list", IR_LIST_LIMIT + 1);
  snprintf(args, sizeof args, "-t eql %s", path);
  fails_with(args, path,
             ":100006:9: error: a list of 100001 items; sigmac takes at most 100000 [ir-limit]\n");
  write_case(path, "value", IR_STRING_LIMIT + 1);
  fails_with(args, path,
             ":5:27: error: a value of 1048577 bytes; sigmac takes at most 1048576 [ir-limit]\n");
  unlink(path);
  /* EQL's 'in' list, as any front end's */
  snprintf(path, sizeof path, "/tmp/sigmac-past-%d.eql", (int)getpid());
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs("process where process.name in (", f);
  for (size_t i = 0; i <= IR_LIST_LIMIT; i++)
    fprintf(f, "%s\"x%zu\"", i ? ", " : "", i);
  fputs(")\n", f);
  fclose(f);
  snprintf(args, sizeof args, "-t kql %s", path);
  fails_with(args, path,
             ":1:15: error: a list of 100001 items; sigmac takes at most 100000 [ir-limit]\n");
  unlink(path);
  /* events: one JSON value holding more than EVENT_ARRAY_LIMIT */
  snprintf(path, sizeof path, "/tmp/sigmac-past-%d.ndjson", (int)getpid());
  f = fopen(path, "w");
  cr_assert(f);
  for (size_t i = 0; i <= EVENT_ARRAY_LIMIT; i++)
    fputs(i ? ",{}" : "[{}", f);
  fputs("]\n", f);
  fclose(f);
  snprintf(args, sizeof args, "test --events %s golden/cli/tree/b.yml", path);
  fails_with(args, path,
             ":1:1: error: an array of 1000001 events; sigmac reads at most 1000000 from one JSON "
             "value [event-json]\n");
  unlink(path);
}

/* An event line longer than 64 MiB is reported by its first bytes and passed over, the lines
 * around it read and numbered as before, the last one without a newline; a line of 64 MiB
 * exactly (spaces: no event) is no error. */
Test(limits, an_overlong_event_line_is_reported_and_passed_over, .timeout = 300) {
  static const char event[] = "{\"Event\":{\"System\":{\"Channel\":\"Microsoft-Windows-Sysmon/"
                              "Operational\",\"EventID\":1},\"EventData\":{\"Image\":\"C:\\\\w\\\\"
                              "cmd.exe\"}}}";
  char path[64], command[512], *out;
  snprintf(path, sizeof path, "/tmp/sigmac-long-%d.ndjson", (int)getpid());
  for (int over = 1; over >= 0; over--) {
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "%s\n", event);
    size_t filler = 64u * 1024 * 1024 - 1 + (size_t)over; /* the newline makes it 64 MiB + over */
    for (size_t i = 0; i < filler; i++)
      fputc(over ? 'x' : ' ', f);
    fprintf(f, "\n%s", event);
    fclose(f);
    snprintf(command, sizeof command, "%s test --events %s golden/cli/tree/b.yml 2>&1",
             test_sigmac_command(), path);
    int status = test_shell(command, &out);
    char expected[1024], error[256] = "";
    if (over)
      snprintf(error, sizeof error,
               "%s:2:1: error: this line is longer than an event may be (64 MiB) [event-json]\n"
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n^\n",
               path);
    snprintf(expected, sizeof expected,
             "%sgolden/cli/tree/b.yml #1: Directory walk: 2 of 2 events: %s:1, %s:3\n", error, path,
             path);
    cr_assert_str_eq(out, expected);
    cr_assert_eq(status, over, "exit status");
    free(out);
  }
  unlink(path);
}
