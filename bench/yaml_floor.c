/* The floor for Sigma conversion: libyaml's event parser alone over every file named on the
 * command line (no tree, no work). bench/run compares sigmac against it in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

static long parse_file(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return -1;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, file);
  long events = 0;
  for (;;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event))
      break;
    events++;
    int done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    if (done)
      break;
  }
  yaml_parser_delete(&parser);
  fclose(file);
  return events;
}

int main(int argc, char **argv) {
  long total = 0;
  for (int i = 1; i < argc; i++) {
    long events = parse_file(argv[i]);
    if (events < 0) {
      fprintf(stderr, "yaml_floor: cannot read %s\n", argv[i]);
      return 2;
    }
    total += events;
  }
  printf("%d files, %ld YAML events\n", argc - 1, total);
  return 0;
}
