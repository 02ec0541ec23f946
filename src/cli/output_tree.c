/* Output trees: a rules tree in, a tree of queries out that mirrors it, one file per rule file
 * with the format's extension. A file is written only when every rule of it converted; an output
 * an earlier run left for a file that no longer converts is removed, so the tree never holds a
 * query its rules no longer give. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* out_dir/<path below its argument> with the last extension of its name replaced (malloc'd). */
static char *output_path(const char *out_dir, const char *below, const char *extension) {
  const char *base = strrchr(below, '/');
  const char *dot = strrchr(base ? base + 1 : below, '.');
  size_t stem = dot && dot != (base ? base + 1 : below) ? (size_t)(dot - below) : strlen(below);
  size_t dir_len = strlen(out_dir);
  while (dir_len > 1 && out_dir[dir_len - 1] == '/')
    dir_len--;
  size_t size = dir_len + 1 + stem + strlen(extension) + 1;
  char *path = malloc(size);
  if (!path)
    abort();
  snprintf(path, size, "%.*s/%.*s%s", (int)dir_len, out_dir, (int)stem, below, extension);
  return path;
}

/* Creates the directories of path's parent, as mkdir -p does. */
static bool make_parents(const char *path) {
  char *copy = strdup(path);
  if (!copy)
    abort();
  bool ok = true;
  for (char *slash = strchr(copy + 1, '/'); slash && ok; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
      fprintf(stderr, "sigmac: cannot create directory '%s': %s\n", copy, strerror(errno));
      ok = false;
    }
    *slash = '/';
  }
  free(copy);
  return ok;
}

typedef struct Named {
  const char *output;
  const char *input;
} Named;

static int by_output(const void *a, const void *b) {
  return strcmp(((const Named *)a)->output, ((const Named *)b)->output);
}

/* A file as the system knows it, whatever path names it. */
typedef struct FileId {
  dev_t device;
  ino_t inode;
  const char *path;
} FileId;

static int by_file_id(const void *a, const void *b) {
  const FileId *x = a, *y = b;
  if (x->device != y->device)
    return x->device < y->device ? -1 : 1;
  return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* False, after saying which, when two inputs would be written to one file or an output is an
 * input itself (an output tree over its own rules tree). */
static bool outputs_distinct(char **outputs, const PathList *paths) {
  Named *named = malloc(paths->count * sizeof *named);
  if (!named)
    abort();
  for (size_t i = 0; i < paths->count; i++)
    named[i] = (Named){outputs[i], paths->items[i]};
  qsort(named, paths->count, sizeof *named, by_output);
  bool ok = true;
  for (size_t i = 1; i < paths->count && ok; i++)
    if (strcmp(named[i - 1].output, named[i].output) == 0) {
      fprintf(stderr, "sigmac: '%s' and '%s' would both be written to '%s'\n", named[i - 1].input,
              named[i].input, named[i].output);
      ok = false;
    }
  FileId *inputs = malloc((paths->count ? paths->count : 1) * sizeof *inputs);
  if (!inputs)
    abort();
  size_t input_count = 0;
  for (size_t i = 0; i < paths->count; i++) {
    struct stat info;
    if (stat(paths->items[i], &info) == 0)
      inputs[input_count++] = (FileId){info.st_dev, info.st_ino, paths->items[i]};
  }
  qsort(inputs, input_count, sizeof *inputs, by_file_id);
  for (size_t i = 0; i < paths->count && ok; i++) {
    struct stat info;
    if (stat(outputs[i], &info) != 0)
      continue;
    FileId key = {info.st_dev, info.st_ino, NULL};
    const FileId *same = bsearch(&key, inputs, input_count, sizeof key, by_file_id);
    if (same) {
      fprintf(stderr, "sigmac: the output '%s' is the input '%s'; choose another directory\n",
              outputs[i], same->path);
      ok = false;
    }
  }
  free(inputs);
  free(named);
  return ok;
}

/* Writes one input's queries, or removes what an earlier run wrote for it. */
static bool write_one(const char *output, const char *text, bool converted, size_t *written) {
  if (converted && *text) {
    if (!make_parents(output) || !cli_write_atomically(output, text, strlen(text)))
      return false;
    (*written)++;
    return true;
  }
  if (remove(output) != 0 && errno != ENOENT) {
    fprintf(stderr, "sigmac: cannot remove the stale output '%s': %s\n", output, strerror(errno));
    return false;
  }
  return true;
}

int cli_write_tree(SigmacSession *session, const TreeRun *run, const PathList *paths,
                   Progress *progress, size_t *written) {
  *written = 0;
  const char *extension = sigmac_format_extension(run->target, run->format);
  if (!extension) { /* unknown format: the conversion says so */
    char *none = NULL;
    sigmac_convert_file(session, run->target, run->format, "", &none);
    free(none);
    return 2;
  }
  char **outputs = malloc((paths->count ? paths->count : 1) * sizeof(char *));
  if (!outputs)
    abort();
  for (size_t i = 0; i < paths->count; i++)
    outputs[i] = output_path(run->out_dir, paths->items[i] + paths->below[i], extension);
  int status = outputs_distinct(outputs, paths) ? 0 : 2;
  for (size_t i = 0; i < paths->count && status != 2; i++) {
    progress_update(progress, "converting", i + 1, paths->count, paths->items[i]);
    char *text = NULL;
    bool converted = sigmac_convert_file(session, run->target, run->format, paths->items[i], &text);
    if (!converted && !text) {
      status = 2; /* unknown mapping or format: nothing converts */
    } else {
      if (!write_one(outputs[i], text, converted && run->read_ok[i], written))
        status = 2;
      if (!converted || !run->read_ok[i])
        status = status ? status : 1;
    }
    free(text);
  }
  for (size_t i = 0; i < paths->count; i++)
    free(outputs[i]);
  free(outputs);
  return status;
}
