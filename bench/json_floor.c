/* The floor for evaluation: jansson parsing every line of an NDJSON file into a tree and freeing
 * it, no rule run (../shared/docs/performance-notes.md measured the same). bench/run compares the
 * evaluator against it in the same run. Prints the number of events parsed. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  FILE *file = fopen(argv[1], "rb");
  if (!file)
    return 2;
  char *line = NULL;
  size_t capacity = 0;
  ssize_t len;
  long events = 0;
  while ((len = getline(&line, &capacity, file)) > 0) {
    json_t *event = json_loadb(line, (size_t)len, 0, NULL);
    events += event != NULL;
    json_decref(event);
  }
  free(line);
  fclose(file);
  printf("%ld\n", events);
  return 0;
}
