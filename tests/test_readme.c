/* The README's walkthrough, run: every ```console block after a "<!-- walkthrough -->" line holds
 * commands ("$ " lines, continued by a trailing backslash) each followed by the exact output it
 * prints (standard output and error together). Each command runs from the repository root with
 * ./build/sigmac standing for the binary under test, and must print exactly that and exit 0, or
 * N when the command ends with "# exit N". Seconds "(0.01 s)" are compared as "(T s)".
 * UPDATE_GOLDEN=1 writes the outputs of this build into README.md instead. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "support.h"

static const char marker[] = "<!-- walkthrough -->\n```console\n";

/* The text of out as a malloc'd string; out is emptied. */
static char *take(StrBuf *out) {
  char *text = strdup(sb_text(out));
  sb_free(out);
  return text;
}

/* text with each "(N.NN s)" as "(T s)" (malloc'd). */
static char *masked(const char *text) {
  regex_t re;
  regmatch_t m;
  cr_assert_eq(regcomp(&re, "\\([0-9]+\\.[0-9]+ s\\)", REG_EXTENDED), 0);
  StrBuf out = STRBUF_INIT;
  while (regexec(&re, text, 1, &m, 0) == 0) {
    sb_putn(&out, text, (size_t)m.rm_so);
    sb_puts(&out, "(T s)");
    text += m.rm_eo;
  }
  sb_puts(&out, text);
  regfree(&re);
  return take(&out);
}

/* The command as it runs here: ./build/sigmac replaced by the binary under test. */
static char *command_here(const char *command) {
  StrBuf out = STRBUF_INIT;
  static const char placeholder[] = "./build/sigmac";
  for (const char *at; (at = strstr(command, placeholder)) != NULL;
       command = at + sizeof placeholder - 1) {
    sb_putn(&out, command, (size_t)(at - command));
    sb_puts(&out, test_sigmac_command());
  }
  sb_puts(&out, command);
  return take(&out);
}

/* The exit status the command line states ("# exit N" at its end), 0 without. */
static int stated_status(const char *command) {
  const char *note = strstr(command, "# exit ");
  return note ? atoi(note + 7) : 0;
}

/* Runs the commands of one block (from its first line to its closing fence); appends the block
 * as this build prints it to updated, and counts the commands that differ. */
static size_t run_block(const char *block, const char *end, StrBuf *updated) {
  size_t differ = 0;
  const char *line = block;
  while (line < end) {
    StrBuf command = STRBUF_INIT, shown = STRBUF_INIT, expected = STRBUF_INIT;
    do { /* the command and its continuation lines */
      const char *eol = strchr(line, '\n');
      sb_putn(&shown, line, (size_t)(eol + 1 - line));
      sb_putn(&command, line + (command.len ? 0 : 2), (size_t)(eol - line) - (command.len ? 0 : 2));
      sb_putc(&command, '\n');
      line = eol + 1;
    } while (command.len >= 2 && sb_text(&command)[command.len - 2] == '\\' && line < end);
    while (line < end && strncmp(line, "$ ", 2) != 0) {
      const char *eol = strchr(line, '\n');
      sb_putn(&expected, line, (size_t)(eol + 1 - line));
      line = eol + 1;
    }
    char *here = command_here(sb_text(&command)), *run, *output;
    size_t size = strlen(here) + 32;
    run = malloc(size);
    snprintf(run, size, "(%s) 2>&1", here); /* the newline ends a "# exit N" comment */
    int status = test_shell(run, &output);
    char *want = masked(sb_text(&expected)), *got = masked(output);
    char *difference = test_first_difference(want, got);
    if (difference || status != stated_status(sb_text(&command))) {
      differ++;
      fprintf(stderr, "README walkthrough: %s  exit %d (stated %d)\n  %s\n", sb_text(&command),
              status, stated_status(sb_text(&command)), difference ? difference : "same output");
    }
    sb_putn(updated, sb_text(&shown), shown.len);
    sb_puts(updated, output);
    free(difference), free(want), free(got), free(output), free(run), free(here);
    sb_free(&command), sb_free(&shown), sb_free(&expected);
  }
  return differ;
}

Test(readme, walkthrough_prints_what_it_shows) {
  char *readme = test_read_file("README.md", NULL);
  cr_assert(readme, "README.md is missing");
  StrBuf updated = STRBUF_INIT;
  size_t blocks = 0, differ = 0;
  const char *at = readme;
  for (const char *found; (found = strstr(at, marker)) != NULL;) {
    const char *block = found + sizeof marker - 1, *end = strstr(block, "\n```\n");
    cr_assert(end, "a walkthrough block without its closing fence");
    end++;
    cr_assert(strncmp(block, "$ ", 2) == 0, "a walkthrough block starts with a command");
    sb_putn(&updated, at, (size_t)(block - at));
    differ += run_block(block, end, &updated);
    blocks++;
    at = end;
  }
  sb_puts(&updated, at);
  cr_assert_geq(blocks, 5, "the walkthrough has its blocks (%zu found)", blocks);
  if (getenv("UPDATE_GOLDEN"))
    cr_assert(test_write_file("README.md", sb_text(&updated), updated.len));
  else
    cr_assert_eq(differ, 0, "%zu walkthrough commands print something else", differ);
  sb_free(&updated);
  free(readme);
}
