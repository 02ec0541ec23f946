/* Finding the rule files of a run and writing output files whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static void push(PathList *out, char *path, size_t below) {
  if (out->count == out->capacity) {
    out->capacity = out->capacity ? out->capacity * 2 : 64;
    char **items = realloc(out->items, out->capacity * sizeof(char *));
    size_t *belows = realloc(out->below, out->capacity * sizeof(size_t));
    if (!items || !belows)
      abort();
    out->items = items;
    out->below = belows;
  }
  out->below[out->count] = below;
  out->items[out->count++] = path;
}

static bool has_rule_extension(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot && (strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0 ||
                 strcmp(dot, ".eql") == 0 || strcmp(dot, ".kql") == 0 || strcmp(dot, ".spl") == 0);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the rule files below dir; below is where paths below the argument start. */
static bool walk(const char *dir, PathList *out, size_t below, int depth) {
  if (depth > 64) {
    fprintf(stderr, "sigmac: %s: directories nested too deep\n", dir);
    return false;
  }
  DIR *handle = opendir(dir);
  if (!handle) {
    fprintf(stderr, "sigmac: cannot open directory '%s': %s\n", dir, strerror(errno));
    return false;
  }
  PathList entries = {0};
  struct dirent *entry;
  while ((entry = readdir(handle)) != NULL) {
    if (entry->d_name[0] == '.')
      continue; /* ., .. and hidden files such as .git */
    size_t size = strlen(dir) + strlen(entry->d_name) + 2;
    char *path = malloc(size);
    if (!path)
      abort();
    snprintf(path, size, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", entry->d_name);
    push(&entries, path, 0);
  }
  closedir(handle);
  qsort(entries.items, entries.count, sizeof(char *), compare_names);
  bool ok = true;
  for (size_t i = 0; i < entries.count; i++) {
    struct stat info;
    char *path = entries.items[i];
    if (stat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
      ok = walk(path, out, below, depth + 1) && ok;
      free(path);
    } else if (has_rule_extension(path)) {
      push(out, path, below);
    } else {
      free(path);
    }
  }
  free(entries.items);
  free(entries.below);
  return ok;
}

bool cli_collect_inputs(const char *path, PathList *out) {
  struct stat info;
  if (stat(path, &info) != 0) {
    fprintf(stderr, "sigmac: cannot open '%s': %s\n", path, strerror(errno));
    return false;
  }
  size_t len = strlen(path);
  if (S_ISDIR(info.st_mode))
    return walk(path, out, len + (len > 0 && path[len - 1] != '/'), 0);
  char *copy = strdup(path);
  if (!copy)
    abort();
  const char *base = strrchr(copy, '/');
  push(out, copy, base ? (size_t)(base + 1 - copy) : 0);
  return true;
}

void cli_free_paths(PathList *paths) {
  for (size_t i = 0; i < paths->count; i++)
    free(paths->items[i]);
  free(paths->items);
  free(paths->below);
  memset(paths, 0, sizeof *paths);
}

bool cli_write_atomically(const char *path, const char *text, size_t len) {
  size_t size = strlen(path) + 32;
  char *temp = malloc(size);
  if (!temp)
    abort();
  snprintf(temp, size, "%s.tmp.%ld", path, (long)getpid());
  FILE *file = fopen(temp, "wb");
  bool ok = file && fwrite(text, 1, len, file) == len;
  if (file && fclose(file) != 0)
    ok = false;
  if (ok && rename(temp, path) != 0)
    ok = false;
  if (!ok) {
    fprintf(stderr, "sigmac: cannot write '%s': %s\n", path, strerror(errno));
    remove(temp);
  }
  free(temp);
  return ok;
}
