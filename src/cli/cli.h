/* Helpers of the command line: input discovery and safe output files. */
#ifndef SIGMAC_CLI_H
#define SIGMAC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "sigmac/sigmac.h"

typedef struct PathList {
  char **items;  /* malloc'd paths */
  size_t *below; /* per item: where its path below the argument naming it starts (output
                    trees mirror that part); a file named itself: its base name */
  size_t count;
  size_t capacity;
} PathList;

/* Adds path, or every .yml/.yaml file below it when it is a directory (sorted, so runs are
 * repeatable). Prints an error and returns false when path cannot be read. */
bool cli_collect_inputs(const char *path, PathList *out);
void cli_free_paths(PathList *paths);

/* Writes text to path through a temporary file renamed into place, so a failed run never leaves
 * a half-written file. Prints an error and returns false on failure. */
bool cli_write_atomically(const char *path, const char *text, size_t len);

/* Prints the help of command (convert, lint, test, prove, list), or the overview for NULL or an
 * unknown command (help.c). */
void cli_print_help(const char *command);

/* What an output tree run writes (output_tree.c). */
typedef struct TreeRun {
  const char *target, *format; /* format NULL: the target's default */
  const char *out_dir;
  const bool *read_ok; /* per input: read without errors (a file with errors is not written) */
} TreeRun;

typedef struct Progress Progress;

/* Converts each input on its own into run->out_dir, mirroring the paths below the arguments that
 * named them (PathList.below), and counts the files written. Returns the exit status: 0, 1 when
 * a rule was refused or invalid (its file is not written), 2 for outputs that collide, overwrite
 * an input or cannot be written (nothing more is written then). */
int cli_write_tree(SigmacSession *session, const TreeRun *run, const PathList *paths,
                   Progress *progress, size_t *written);

/* A progress bar on standard error, shown only when it is a terminal and the run has more than
 * one file (progress.c). */
struct Progress {
  bool shown;       /* a terminal, and more than one file */
  bool drawn;       /* something is on the line now */
  size_t files;     /* of the run: more than one shows the bar */
  double last_draw; /* seconds, monotonic */
  int columns;
};

void progress_begin(Progress *progress, size_t files);
/* Shows done of total at stage ("reading") with item (a path), at most every 50 ms and always
 * at the last. */
void progress_update(Progress *progress, const char *stage, size_t done, size_t total,
                     const char *item);
/* progress_update() for the library's long runs (SigmacProgressFn); user is the Progress. */
void progress_from_library(void *user, const char *stage, size_t done, size_t total,
                           const char *item);
/* Erases the bar, so that diagnostics and the summary start on a clean line. */
void progress_end(Progress *progress);

#endif
