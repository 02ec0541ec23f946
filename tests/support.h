/* Shared helpers of the Criterion tests: reading files and locating the repository's data. */
#ifndef SIGMAC_TESTS_SUPPORT_H
#define SIGMAC_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole file into a malloc'd NUL-terminated buffer (caller frees); NULL if unreadable. */
char *test_read_file(const char *path, size_t *len);

/* Writes len bytes to path (creating or truncating it); false on failure. */
bool test_write_file(const char *path, const char *text, size_t len);

/* The shared corpus folder beside the repository (../shared/corpus), or NULL when absent. */
const char *test_corpus_dir(void);

/* Line-by-line comparison for golden files: returns a malloc'd description of the first
 * difference, or NULL when expected and actual are equal. */
char *test_first_difference(const char *expected, const char *actual);

/* Runs a shell command: its standard output in *out (malloc'd), its exit status returned. */
int test_shell(const char *command, char **out);

/* How tests run sigmac: the binary under test, after $SIGMAC_TEST_WRAPPER when it is set (the
 * valgrind stage of CI sets it to a valgrind command line, so that every sigmac a test runs is
 * checked too). */
const char *test_sigmac_command(void);

/* 1, or $SIGMAC_TEST_STRIDE: the corpus-wide tests that take longest take every Nth case then
 * (the valgrind stage of CI sets it; every case still runs natively and under ASan). */
size_t test_stride(void);

/* Runs the sigmac binary with args (a shell-quoted string): its standard output (and error,
 * with_stderr) in *out (malloc'd), its exit status returned. */
int test_sigmac(const char *args, bool with_stderr, char **out);

/* Runs sigmac with args on a terminal (script(1) gives it one), env (such as "NO_COLOR=1", or
 * "") set: what the terminal showed in *out (malloc'd). False, with *out NULL, when script(1) is
 * missing. */
bool test_sigmac_on_terminal(const char *env, const char *args, char **out);

#endif
