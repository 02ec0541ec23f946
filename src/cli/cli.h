/* Helpers of the command line: input discovery and safe output files. */
#ifndef SIGMAC_CLI_H
#define SIGMAC_CLI_H

#include <stdbool.h>
#include <stddef.h>

typedef struct PathList {
  char **items; /* malloc'd paths */
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

#endif
