/* Runs over rule trees as a user makes them: an output tree mirroring the rules tree, the
 * summary line, the progress bar on a terminal only, and the shell completion offering what the
 * binary knows. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* A fresh directory holding a copy of golden/cli/tree and a rule EQL refuses (c/keywords.yml). */
static void make_rules_tree(char *dir, size_t size) {
  snprintf(dir, size, "/tmp/sigmac-tree-%d", (int)getpid());
  char command[512], *out;
  snprintf(command, sizeof command,
           "rm -rf %s && mkdir -p %s/in/c && cp -r golden/cli/tree/. %s/in && "
           "cp golden/cli/keywords.yml %s/in/c/keywords.yml",
           dir, dir, dir, dir);
  cr_assert_eq(test_shell(command, &out), 0, "%s", out);
  free(out);
}

static void remove_tree(const char *dir) {
  char command[640], *out;
  snprintf(command, sizeof command, "rm -rf %s", dir);
  test_shell(command, &out);
  free(out);
}

/* The files below dir, sorted, one per line. */
static char *files_below(const char *dir) {
  char command[640], *out;
  snprintf(command, sizeof command, "cd %s 2>/dev/null && find . -type f | sort", dir);
  test_shell(command, &out);
  return out;
}

/* Replaces the seconds of a summary line "(0.01 s)" with "(T s)", in place. */
static void mask_seconds(char *text) {
  regex_t re;
  regmatch_t m;
  cr_assert_eq(regcomp(&re, "\\([0-9]+\\.[0-9]{2} s\\)", REG_EXTENDED), 0);
  if (regexec(&re, text, 1, &m, 0) == 0)
    memmove(text + m.rm_so, "(T s)", 5),
        memmove(text + m.rm_so + 5, text + m.rm_eo, strlen(text + m.rm_eo) + 1);
  regfree(&re);
}

Test(tree, output_tree_mirrors_the_rules_tree) {
  char dir[128], args[512], *out;
  make_rules_tree(dir, sizeof dir);
  /* an output an earlier run left for the refused rule goes: the tree holds this run only */
  char stale[256];
  snprintf(stale, sizeof stale, "%s/out/c/keywords.eql", dir);
  snprintf(args, sizeof args, "mkdir -p %s/out/c && echo stale > %s", dir, stale);
  cr_assert_eq(test_shell(args, &out), 0);
  free(out);
  snprintf(args, sizeof args, "%s -t eql --output-dir %s/out %s/in 2>&1 >/dev/null | tail -n 1",
           test_sigmac_command(), dir, dir);
  test_shell(args, &out);
  mask_seconds(out);
  char expected[512];
  snprintf(expected, sizeof expected,
           "sigmac: 3 files, 2 rules converted, 1 refused, 1 error, 0 warnings, 2 files written "
           "to %s/out (T s)\n",
           dir);
  cr_assert_str_eq(out, expected);
  free(out);
  snprintf(args, sizeof args, "-t eql --output-dir %s/out %s/in", dir, dir);
  cr_assert_eq(test_sigmac(args, false, &out), 1, "a refused rule fails the run");
  free(out);
  snprintf(args, sizeof args, "%s/out", dir);
  out = files_below(args);
  cr_assert_str_eq(out, "./a/one.eql\n./b.eql\n");
  free(out);
  snprintf(args, sizeof args, "%s/out/b.eql", dir);
  out = test_read_file(args, NULL);
  cr_assert_str_eq(out, "process where event.type == \"start\" and process.executable : "
                        "\"*\\\\cmd.exe\"\n");
  free(out);
  remove_tree(dir);
}

/* Each format's files carry its extension; a file given by name lands at the top. */
Test(tree, output_tree_extensions_per_format) {
  static const struct {
    const char *options, *files;
  } cases[] = {
      {"-t spl -f savedsearches", "./b.conf\n./one.conf\n"},
      {"-t kql -f kibana-ndjson", "./b.ndjson\n./one.ndjson\n"},
      {"-t sigma", "./b.yml\n./one.yml\n"},
      {"-t eql", "./b.eql\n./one.eql\n"},
  };
  char dir[128], args[512], *out;
  snprintf(dir, sizeof dir, "/tmp/sigmac-ext-%d", (int)getpid());
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    remove_tree(dir);
    snprintf(args, sizeof args,
             "%s -q --output-dir %s golden/cli/tree/b.yml golden/cli/tree/a/one.yml",
             cases[i].options, dir);
    cr_assert_eq(test_sigmac(args, true, &out), 0, "%s: %s", cases[i].options, out);
    cr_assert_null(strstr(out, "sigmac: "), "-q: no summary: %s", out);
    free(out);
    out = files_below(dir);
    cr_assert_str_eq(out, cases[i].files, "%s", cases[i].options);
    free(out);
  }
  remove_tree(dir);
}

Test(tree, output_tree_refuses_collisions_and_overwriting_inputs) {
  char dir[128], args[512], *out;
  make_rules_tree(dir, sizeof dir);
  snprintf(args, sizeof args, "-t eql --output-dir %s/out golden/cli/tree golden/cli/tree/b.yml",
           dir);
  cr_assert_eq(test_sigmac(args, true, &out), 2);
  char expected[512];
  snprintf(expected, sizeof expected,
           "sigmac: 'golden/cli/tree/b.yml' and 'golden/cli/tree/b.yml' would both be written to "
           "'%s/out/b.eql'\n",
           dir);
  cr_assert(strstr(out, expected), "%s", out);
  free(out);
  snprintf(args, sizeof args, "%s/out", dir);
  out = files_below(args);
  cr_assert_str_eq(out, "", "nothing written after a collision");
  free(out);
  snprintf(args, sizeof args, "-t sigma --output-dir %s/in %s/in/b.yml", dir, dir);
  cr_assert_eq(test_sigmac(args, true, &out), 2);
  snprintf(expected, sizeof expected,
           "sigmac: the output '%s/in/b.yml' is the input '%s/in/b.yml'; choose another "
           "directory\n",
           dir, dir);
  cr_assert(strstr(out, expected), "%s", out);
  free(out);
  snprintf(args, sizeof args, "%s/in/b.yml", dir);
  char *kept = test_read_file(args, NULL),
       *original = test_read_file("golden/cli/tree/b.yml", NULL);
  cr_assert_str_eq(kept, original, "the input is untouched");
  free(kept);
  free(original);
  static const char *const usage[][2] = {
      {"-t eql -o x.eql --output-dir out golden/cli/tree",
       "sigmac: -o writes one file, --output-dir a tree: choose one\n"},
      {"-t navigator --output-dir out golden/cli/tree",
       "sigmac: --output-dir writes a file per rule file; this target writes one output for the "
       "run (use -o): navigator\n"},
      {"lint --output-dir out golden/cli/tree",
       "sigmac: lint and test convert nothing: -t, -o and --output-dir do not apply\n"},
      {"lint -q golden/cli/tree",
       "sigmac: --quiet and --skip-unsupported belong to 'sigmac convert'\n"},
  };
  for (size_t i = 0; i < sizeof usage / sizeof *usage; i++) {
    cr_assert_eq(test_sigmac(usage[i][0], true, &out), 2, "%s", usage[i][0]);
    cr_assert(strncmp(out, usage[i][1], strlen(usage[i][1])) == 0, "%s: %s", usage[i][0], out);
    free(out);
  }
  remove_tree(dir);
}

/* The summary closes runs over several files; one file's run keeps its output alone, and a run a
 * usage or I/O error stopped (exit 2) has said so and counts nothing. */
Test(tree, summary_line_after_runs_over_many_files) {
  static const char *const cases[][2] = {
      {"-t eql golden/cli/tree",
       "sigmac: 2 files, 2 rules converted, 0 refused, 0 errors, 0 warnings (T s)\n"},
      {"-t eql golden/cli/tree/b.yml golden/cli/keywords.yml",
       "sigmac: 2 files, 1 rule converted, 1 refused, 1 error, 0 warnings (T s)\n"},
      {"-t eql -q golden/cli/tree", ""},
      {"-t eql golden/cli/tree/b.yml", ""},
      {"-t eql golden/cli/tree golden/cli/missing.yml",
       "sigmac: cannot open 'golden/cli/missing.yml': No such file or directory\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char command[512], *out;
    snprintf(command, sizeof command, "%s %s 2>&1 >/dev/null | grep '^sigmac: '",
             test_sigmac_command(), cases[i][0]);
    test_shell(command, &out);
    mask_seconds(out);
    cr_assert_str_eq(out, cases[i][1], "%s", cases[i][0]);
    free(out);
  }
}

/* A bar redrawn in place on a terminal (script(1) gives sigmac one) and erased at the end; none
 * on a pipe or a dumb terminal. */
Test(tree, progress_bar_on_a_terminal_only) {
  char *out, command[512];
  if (!test_sigmac_on_terminal("TERM=xterm", "-t eql golden/cli/tree >/dev/null", &out))
    cr_skip("script(1) is missing: no terminal to draw on");
  cr_assert(strstr(out, "\r[========================] 2/2 reading golden/cli/tree/b.yml\x1b[K"),
            "%s", out);
  cr_assert(strstr(out, "\r\x1b[Ksigmac: 2 files"), "erased before the summary: %s", out);
  free(out);
  test_sigmac_on_terminal("TERM=xterm", "prove golden/cli/tree >/dev/null", &out);
  cr_assert(strstr(out, "] 2/2 proving golden/cli/tree/b.yml\x1b[K"), "%s", out);
  free(out);
  test_sigmac_on_terminal("TERM=dumb", "-t eql golden/cli/tree >/dev/null", &out);
  cr_assert(strstr(out, "sigmac: 2 files") && !strchr(out, '\x1b'), "%s", out);
  free(out);
  snprintf(command, sizeof command, "%s -t eql golden/cli/tree 2>&1 >/dev/null",
           test_sigmac_command());
  test_shell(command, &out);
  cr_assert(strstr(out, "sigmac: 2 files") && !strchr(out, '\r') && !strchr(out, '\x1b'),
            "a pipe: no bar: %s", out);
  free(out);
}

/* bash completion offers exactly the binary's targets after -t and each target's formats after
 * -f (sigmac list), so neither can fall behind the other. */
Test(tree, bash_completion_offers_what_the_binary_knows) {
  char *targets, *formats, *offered, command[1024];
  test_sigmac("list targets | cut -d' ' -f1 | tr '\\n' ' ' | sed 's/ $/\\n/'", false, &targets);
  cr_assert_eq(test_shell("bash -c '. completion/sigmac.bash; COMP_WORDS=(sigmac -t \"\"); "
                          "COMP_CWORD=2; _sigmac; echo \"${COMPREPLY[*]}\"'",
                          &offered),
               0);
  cr_assert_str_eq(offered, targets);
  free(offered);
  free(targets);
  test_sigmac("list formats", false, &formats);
  for (char *line = strtok(formats, "\n"); line; line = strtok(NULL, "\n")) {
    char target[32], list[256];
    cr_assert_eq(sscanf(line, "%31s %254[^\n]", target, list), 2, "%s", line);
    snprintf(command, sizeof command,
             "bash -c '. completion/sigmac.bash; COMP_WORDS=(sigmac -t %s -f \"\"); "
             "COMP_CWORD=4; _sigmac; echo \"${COMPREPLY[*]}\"'",
             target);
    cr_assert_eq(test_shell(command, &offered), 0);
    strcat(list, "\n");
    cr_assert_str_eq(offered, list, "formats of %s", target);
    free(offered);
  }
  free(formats);
  cr_assert_eq(test_shell("bash -c '. completion/sigmac.bash; COMP_WORDS=(sigmac lint -f \"\"); "
                          "COMP_CWORD=3; _sigmac; echo \"${COMPREPLY[*]}\"'",
                          &offered),
               0);
  cr_assert_str_eq(offered, "text json sarif junit\n");
  free(offered);
}

/* zsh's completion parses and names the same targets. */
Test(tree, zsh_completion_names_the_targets) {
  char *out, *targets;
  if (test_shell("command -v zsh >/dev/null && echo yes", &out) != 0 || !strstr(out, "yes")) {
    free(out);
    cr_skip("zsh is missing (scripts/deps --test installs it)");
  }
  free(out);
  cr_assert_eq(test_shell("zsh -n completion/_sigmac 2>&1", &out), 0, "%s", out);
  free(out);
  test_shell("sed -n 's/.*:target:(\\([^)]*\\)).*/\\1/p' completion/_sigmac", &out);
  test_sigmac("list targets | cut -d' ' -f1 | tr '\\n' ' ' | sed 's/ $/\\n/'", false, &targets);
  cr_assert_str_eq(out, targets);
  free(out);
  free(targets);
}

/* -s (sigma-cli's --skip-unsupported): a rule the target cannot express is said and skipped, and
 * the others are written; an invalid rule still fails the run; --fail-unsupported is the default
 * said aloud. */
Test(tree, skip_unsupported_writes_the_rules_that_converted) {
  char path[64], args[512], *out;
  snprintf(path, sizeof path, "/tmp/sigmac-skip-%d.eql", (int)getpid());
  unlink(path);
  snprintf(args, sizeof args, "-t eql -s -o %s golden/cli/keywords.yml golden/cli/tree/b.yml",
           path);
  cr_assert_eq(test_sigmac(args, true, &out), 0, "%s", out);
  cr_assert(strstr(out, "error: EQL has no free-text search"), "the reason is still said: %s", out);
  char *summary = strstr(out, "sigmac: ");
  cr_assert(summary, "%s", out);
  mask_seconds(summary);
  cr_assert_str_eq(summary, "sigmac: 2 files, 1 rule converted, 1 refused (skipped), 1 error, 0 "
                            "warnings (T s)\n");
  free(out);
  out = test_read_file(path, NULL);
  cr_assert_str_eq(out, "// golden/cli/tree/b.yml #1: Directory walk\nprocess where event.type == "
                        "\"start\" and process.executable : \"*\\\\cmd.exe\"\n");
  free(out);
  unlink(path);
  snprintf(args, sizeof args, "-t eql --fail-unsupported -o %s golden/cli/keywords.yml", path);
  cr_assert_eq(test_sigmac(args, true, &out), 1);
  free(out);
  snprintf(args, sizeof args, "-t eql -s -o %s golden/cli/broken_condition.yml golden/cli/tree",
           path);
  cr_assert_eq(test_sigmac(args, true, &out), 1, "an invalid rule is no unsupported one");
  free(out);
  cr_assert(access(path, F_OK) != 0, "nothing written by a failed run");
  char dir[128];
  make_rules_tree(dir, sizeof dir);
  snprintf(args, sizeof args, "-t eql -s -q --output-dir %s/out %s/in", dir, dir);
  cr_assert_eq(test_sigmac(args, false, &out), 0);
  free(out);
  snprintf(args, sizeof args, "%s/out", dir);
  out = files_below(args);
  cr_assert_str_eq(out, "./a/one.eql\n./b.eql\n");
  free(out);
  remove_tree(dir);
}
