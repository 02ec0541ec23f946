/* Shared helpers of the Criterion tests. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

char *test_read_file(const char *path, size_t *len) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  size_t cap = 4096, used = 0;
  char *text = malloc(cap);
  size_t got;
  while (text && (got = fread(text + used, 1, cap - used - 1, file)) > 0) {
    used += got;
    if (cap - used < 2) {
      char *grown = realloc(text, cap * 2);
      if (!grown) {
        free(text);
        text = NULL;
        break;
      }
      text = grown;
      cap *= 2;
    }
  }
  fclose(file);
  if (!text)
    return NULL;
  text[used] = '\0';
  if (len)
    *len = used;
  return text;
}

bool test_write_file(const char *path, const char *text, size_t len) {
  FILE *file = fopen(path, "wb");
  if (!file)
    return false;
  bool ok = fwrite(text, 1, len, file) == len;
  return fclose(file) == 0 && ok;
}

const char *test_corpus_dir(void) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/../shared/corpus", SIGMAC_SOURCE_DIR);
  struct stat info;
  if (stat(path, &info) != 0 || !S_ISDIR(info.st_mode))
    return NULL;
  return path;
}

char *test_first_difference(const char *expected, const char *actual) {
  size_t line = 1;
  const char *e = expected, *a = actual;
  while (*e || *a) {
    const char *e_end = strchr(e, '\n'), *a_end = strchr(a, '\n');
    size_t e_len = e_end ? (size_t)(e_end - e) : strlen(e);
    size_t a_len = a_end ? (size_t)(a_end - a) : strlen(a);
    if (e_len != a_len || memcmp(e, a, e_len) != 0 || !e_end != !a_end) {
      size_t size = e_len + a_len + 128;
      char *message = malloc(size);
      if (message)
        snprintf(message, size, "line %zu:\n  expected: %.*s\n  actual:   %.*s", line, (int)e_len,
                 e, (int)a_len, a);
      return message;
    }
    e = e_end ? e_end + 1 : e + e_len;
    a = a_end ? a_end + 1 : a + a_len;
    line++;
  }
  return NULL;
}

int test_shell(const char *command, char **out) {
  FILE *pipe = popen(command, "r");
  if (!pipe)
    abort();
  size_t cap = 1 << 16, len = 0, got;
  char *text = malloc(cap);
  while (text && (got = fread(text + len, 1, cap - len - 1, pipe)) > 0) {
    len += got;
    if (cap - len < 2)
      text = realloc(text, cap *= 2);
  }
  if (!text)
    abort();
  text[len] = '\0';
  int status = pclose(pipe);
  *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *test_sigmac_command(void) {
  static char command[2048];
  if (!command[0]) {
    const char *wrapper = getenv("SIGMAC_TEST_WRAPPER");
    int len = snprintf(command, sizeof command, "%s %s", wrapper ? wrapper : "", SIGMAC_BINARY);
    if (len < 0 || (size_t)len >= sizeof command)
      abort(); /* a wrapper of two kilobytes is a mistake */
  }
  return command;
}

size_t test_stride(void) {
  const char *stride = getenv("SIGMAC_TEST_STRIDE");
  long n = stride ? atol(stride) : 1;
  return n > 1 ? (size_t)n : 1;
}

bool test_sigmac_on_terminal(const char *env, const char *args, char **out) {
  *out = NULL;
  char *found;
  bool present = test_shell("command -v script >/dev/null && echo yes", &found) == 0 &&
                 strstr(found, "yes") != NULL;
  free(found);
  if (!present)
    return false;
  char command[4096];
  snprintf(command, sizeof command, "%s script -qc '%s %s' /dev/null 2>&1", env,
           test_sigmac_command(), args);
  test_shell(command, out);
  return true;
}

int test_sigmac(const char *args, bool with_stderr, char **out) {
  char command[4096];
  snprintf(command, sizeof command, "%s %s %s", test_sigmac_command(), args,
           with_stderr ? "2>&1" : "2>/dev/null");
  return test_shell(command, out);
}
