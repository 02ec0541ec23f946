/* sigmac: the command line. The only code that prints to the terminal or exits; everything else
 * is libsigmac (include/sigmac/sigmac.h).
 *
 *   sigmac -t TARGET [-p MAPPING] [-f FORMAT] [--placeholders FILE] [-o OUT] FILE|DIR...
 *
 * Exit codes: 0 every rule compiled, 1 errors in the input, 2 usage or I/O errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sigmac/sigmac.h"

static const char usage_text[] =
    "usage: sigmac -t TARGET [options] FILE|DIR...\n"
    "       sigmac lint [--syntax elasticsearch|endgame] FILE|DIR...\n"
    "       sigmac test --events FILE [--events FILE]... [--format text|json] RULE|DIR...\n"
    "                   [--category-field F] [--timestamp-field F] [--tiebreaker-field F]\n"
    "\n"
    "Compiles Sigma rules (.yml, .yaml) and EQL queries (.eql); directories are searched\n"
    "recursively. 'lint' reports every problem of the rules and converts nothing.\n"
    "\n"
    "targets:\n"
    "  eql           Elasticsearch EQL (Elastic Security); formats: default, kibana-ndjson\n"
    "  sigma         portable Sigma YAML (from EQL: fields mapped back to the Sigma taxonomy)\n"
    "  ir            the sigmac IR as JSON (docs/ir.md), before field mapping\n"
    "\n"
    "options:\n"
    "  -t, --target TARGET     what to produce\n"
    "  -p, --pipeline MAPPING  field mapping: a built-in name (ecs_windows, the default) or a\n"
    "                          mapping file (data/mappings/README.md)\n"
    "  -f, --format FORMAT     output format of the target (default: default)\n"
    "  -o, --output FILE       write the output to FILE (only when every rule compiled)\n"
    "      --placeholders FILE values for the 'expand' modifier's %%name%% placeholders\n"
    "      --from LANGUAGE     read every input as sigma, eql or elastic (a rule export);\n"
    "                          by default .eql is EQL, .json/.ndjson exports, others Sigma\n"
    "      --title, --id, --level, --author, --date, --description TEXT, --tag TAG (repeatable)\n"
    "                          metadata for rules read from EQL, when writing Sigma\n"
    "      --category-field F  test: the field of an event's EQL category (event.category)\n"
    "      --timestamp-field F test: the field of its time (@timestamp)\n"
    "      --tiebreaker-field F test: the field ordering events of the same time (input order)\n"
    "  -h, --help              this text\n"
    "      --version           the version\n"
    "\n"
    "exit status: 0 every rule converted, 1 a rule was refused or invalid, 2 usage or I/O error\n";

typedef struct Meta {
  const char *key;
  const char *value;
} Meta;

typedef struct Options {
  bool lint;
  bool test;
  const char **events;
  size_t event_count;
  const char *from;
  Meta *meta;
  size_t meta_count;
  const char *syntax;
  const char *target;
  const char *mapping;
  const char *format;
  const char *output;
  const char *placeholders;
  const char *category_field, *timestamp_field, *tiebreaker_field; /* test */
  const char **inputs;
  size_t input_count;
} Options;

static int usage_error(const char *message, const char *arg) {
  fprintf(stderr, "sigmac: %s%s%s\n", message, arg ? " " : "", arg ? arg : "");
  fputs("try 'sigmac --help'\n", stderr);
  return 2;
}

static bool meta_flag(const char *arg) {
  static const char *const flags[] = {"--title", "--id",          "--level", "--author",
                                      "--date",  "--description", "--tag",   NULL};
  for (const char *const *f = flags; *f; f++)
    if (strcmp(*f, arg) == 0)
      return true;
  return false;
}

/* Returns -1 to go on, or the exit code to stop with. */
static int parse_args(int argc, char **argv, Options *opts) {
  opts->inputs = calloc((size_t)argc, sizeof(char *));
  opts->meta = calloc((size_t)argc, sizeof(Meta));
  opts->events = calloc((size_t)argc, sizeof(char *));
  int first = 1;
  if (argc > 1 && (strcmp(argv[1], "lint") == 0 || strcmp(argv[1], "test") == 0)) {
    opts->lint = strcmp(argv[1], "lint") == 0;
    opts->test = !opts->lint;
    first = 2;
  }
  for (int i = first; i < argc; i++) {
    const char *arg = argv[i];
    const char **slot = NULL;
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      printf(usage_text);
      return 0;
    }
    if (strcmp(arg, "--version") == 0) {
      printf("sigmac %s\n", sigmac_version());
      return 0;
    }
    if (strcmp(arg, "-t") == 0 || strcmp(arg, "--target") == 0)
      slot = &opts->target;
    else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0)
      slot = &opts->output;
    else if (strcmp(arg, "-p") == 0 || strcmp(arg, "--pipeline") == 0)
      slot = &opts->mapping;
    else if (strcmp(arg, "-f") == 0 || strcmp(arg, "--format") == 0)
      slot = &opts->format;
    else if (strcmp(arg, "--syntax") == 0)
      slot = &opts->syntax;
    else if (strcmp(arg, "--from") == 0)
      slot = &opts->from;
    else if (strcmp(arg, "--category-field") == 0)
      slot = &opts->category_field;
    else if (strcmp(arg, "--timestamp-field") == 0)
      slot = &opts->timestamp_field;
    else if (strcmp(arg, "--tiebreaker-field") == 0)
      slot = &opts->tiebreaker_field;
    else if (strcmp(arg, "--events") == 0) {
      if (i + 1 >= argc)
        return usage_error("missing value after", arg);
      opts->events[opts->event_count++] = argv[++i];
      continue;
    } else if (meta_flag(arg)) {
      if (i + 1 >= argc)
        return usage_error("missing value after", arg);
      opts->meta[opts->meta_count].key = arg + 2;
      opts->meta[opts->meta_count++].value = argv[++i];
      continue;
    } else if (strcmp(arg, "--placeholders") == 0)
      slot = &opts->placeholders;
    else if (arg[0] == '-' && arg[1] != '\0' && strcmp(arg, "--") != 0)
      return usage_error("unknown option", arg);
    if (slot) {
      if (i + 1 >= argc)
        return usage_error("missing value after", arg);
      *slot = argv[++i];
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      while (++i < argc)
        opts->inputs[opts->input_count++] = argv[i];
      break;
    }
    opts->inputs[opts->input_count++] = arg;
  }
  if (opts->test) {
    if (opts->target)
      return usage_error("test converts nothing: -t does not apply", NULL);
    if (opts->event_count == 0)
      return usage_error("test needs events: --events FILE", NULL);
    if (opts->format && strcmp(opts->format, "text") != 0 && strcmp(opts->format, "json") != 0)
      return usage_error("test formats are text and json, not", opts->format);
  }
  if (opts->lint || opts->test) {
    if (opts->target || (opts->lint && opts->output))
      return usage_error("lint converts nothing: -t and -o do not apply", NULL);
    if (opts->input_count == 0)
      return usage_error("no input files", NULL);
    return -1;
  }
  if (!opts->target)
    return usage_error("no target given; use -t eql or -t ir", NULL);
  if (strcmp(opts->target, "ir") != 0 && strcmp(opts->target, "eql") != 0 &&
      strcmp(opts->target, "sigma") != 0)
    return usage_error("unknown target (available: eql, sigma, ir):", opts->target);
  if (opts->format && strcmp(opts->target, "ir") == 0 && strcmp(opts->format, "default") != 0)
    return usage_error("target ir has no format", opts->format);
  if (opts->input_count == 0)
    return usage_error("no input files", NULL);
  return -1;
}

/* The last line of a lint run: what was read and what was found. */
static char *lint_summary(const SigmacSession *session, size_t files) {
  size_t errors = sigmac_error_count(session), warnings = sigmac_warning_count(session);
  char *text = malloc(160);
  if (!text)
    abort();
  snprintf(text, 160, "%zu file%s, %zu error%s, %zu warning%s\n", files, files == 1 ? "" : "s",
           errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return text;
}

int main(int argc, char **argv) {
  Options opts = {0};
  int stop = parse_args(argc, argv, &opts);
  if (stop >= 0) {
    free(opts.inputs);
    free(opts.meta);
    free(opts.events);
    return stop;
  }
  PathList paths = {0};
  int status = 0;
  for (size_t i = 0; i < opts.input_count; i++)
    if (!cli_collect_inputs(opts.inputs[i], &paths))
      status = 2;
  free(opts.inputs);
  SigmacSession *session = sigmac_session_new();
  if (opts.syntax && !sigmac_set_eql_syntax(session, opts.syntax)) {
    fprintf(stderr, "sigmac: unknown EQL syntax '%s' (elasticsearch or endgame)\n", opts.syntax);
    status = 2;
  }
  if (opts.from && !sigmac_set_input_language(session, opts.from)) {
    fprintf(stderr, "sigmac: unknown input language '%s' (sigma, eql or elastic)\n", opts.from);
    status = 2;
  }
  for (size_t i = 0; i < opts.meta_count; i++)
    sigmac_set_metadata(session, opts.meta[i].key, opts.meta[i].value);
  free(opts.meta);
  if (opts.placeholders && !sigmac_load_placeholders(session, opts.placeholders))
    status = status ? status : 1;
  for (size_t i = 0; i < paths.count; i++)
    sigmac_add_file(session, paths.items[i]);
  for (size_t i = 0; i < opts.event_count; i++)
    if (!sigmac_add_events(session, opts.events[i]))
      status = status ? status : 1;
  free(opts.events);
  sigmac_set_event_fields(session, opts.category_field, opts.timestamp_field,
                          opts.tiebreaker_field);
  sigmac_finish(session);
  char *output = NULL;
  if (opts.lint) {
    output = lint_summary(session, paths.count);
  } else if (opts.test) {
    sigmac_test(session, opts.format, &output);
  } else if (strcmp(opts.target, "ir") == 0) {
    output = sigmac_ir_json(session);
  } else {
    bool usable = !opts.mapping || sigmac_set_mapping(session, opts.mapping);
    if (!usable)
      status = 2;
    else if (!sigmac_convert(session, opts.target, opts.format, &output) && !output)
      status = 2; /* unknown format */
  }
  char *diagnostics = sigmac_render_diagnostics(session);
  fputs(diagnostics, stderr);
  free(diagnostics);
  bool failed = sigmac_error_count(session) > 0;
  if (output && opts.output) {
    if (!failed && status == 0 && !cli_write_atomically(opts.output, output, strlen(output)))
      status = 2;
  } else if (output) {
    fputs(output, opts.lint ? stderr : stdout);
  }
  free(output);
  sigmac_session_free(session);
  cli_free_paths(&paths);
  if (status == 0 && failed)
    status = 1;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fputs("sigmac: cannot write the output\n", stderr);
    status = 2;
  }
  return status;
}
