/* sigmac: the command line. The only code that prints to the terminal or exits; everything else
 * is libsigmac (include/sigmac/sigmac.h).
 *
 *   sigmac -t TARGET [-p MAPPING] [-f FORMAT] [--placeholders FILE] [-o OUT] FILE|DIR...
 *
 * Exit codes: 0 every rule compiled, 1 errors in the input, 2 usage or I/O errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sigmac/sigmac.h"

typedef struct Meta {
  const char *key;
  const char *value;
} Meta;

typedef struct Options {
  bool lint;
  bool werror; /* lint: warnings fail the run too */
  bool test;
  bool prove;
  const char **events;
  const char **event_mappings; /* per events file: the --index-mapping given before it */
  size_t event_count;
  const char *index_mapping;
  const char *from;
  Meta *meta;
  size_t meta_count;
  const char *syntax;
  const char *target;
  const char *mapping;
  const char *format;
  const char *output;
  const char *output_dir; /* convert: an output tree instead of one output */
  bool quiet;             /* convert: no summary line */
  bool skip_unsupported;  /* convert: rules a target cannot express do not fail the run */
  const char *placeholders;
  const char *category_field, *timestamp_field, *tiebreaker_field; /* test */
  const char *expect, *size, *max_samples_per_key;                 /* test */
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

static bool is_count(const char *text) {
  if (!*text || strlen(text) > 12)
    return false;
  for (const char *p = text; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  return true;
}

/* Returns -1 to go on, or the exit code to stop with. */
/* Whether arg is the option of that short name (or none) and name. */
static bool names_option(const char *arg, const char *short_name, const char *name) {
  return (short_name && strcmp(arg, short_name) == 0) || strcmp(arg, name) == 0;
}

/* Where the value of an option that takes one goes, or NULL for an option that takes none (or
 * is handled apart: --events, --index-mapping, the metadata flags). */
static const char **value_slot(Options *opts, const char *arg) {
  const struct {
    const char *short_name, *name;
    const char **slot;
  } options[] = {{"-t", "--target", &opts->target},
                 {"-o", "--output", &opts->output},
                 {NULL, "--output-dir", &opts->output_dir},
                 {"-p", "--pipeline", &opts->mapping},
                 {"-f", "--format", &opts->format},
                 {NULL, "--syntax", &opts->syntax},
                 {NULL, "--from", &opts->from},
                 {NULL, "--placeholders", &opts->placeholders},
                 {NULL, "--category-field", &opts->category_field},
                 {NULL, "--timestamp-field", &opts->timestamp_field},
                 {NULL, "--tiebreaker-field", &opts->tiebreaker_field},
                 {NULL, "--expect", &opts->expect},
                 {NULL, "--size", &opts->size},
                 {NULL, "--max-samples-per-key", &opts->max_samples_per_key},
                 {NULL, "--index-mapping", &opts->index_mapping}};
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    if (names_option(arg, options[i].short_name, options[i].name))
      return options[i].slot;
  return NULL;
}

/* Where an option without a value goes, or NULL. */
static bool *flag_slot(Options *opts, const char *arg) {
  const struct {
    const char *short_name, *name;
    bool *slot;
  } flags[] = {{NULL, "--werror", &opts->werror},
               {"-q", "--quiet", &opts->quiet},
               {"-s", "--skip-unsupported", &opts->skip_unsupported},
               {NULL, "--fail-unsupported", &opts->skip_unsupported}};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (names_option(arg, flags[i].short_name, flags[i].name))
      return flags[i].slot;
  return NULL;
}

/* The checks of a 'test' run's options, and of test options given to another command. */
static int check_test_options(const Options *opts) {
  if (!opts->test) {
    if (opts->expect || opts->size || opts->max_samples_per_key || opts->category_field ||
        opts->index_mapping || opts->timestamp_field || opts->tiebreaker_field || opts->event_count)
      return usage_error("--events, --expect and the other test options belong to 'sigmac test'",
                         NULL);
    return -1;
  }
  if (opts->target)
    return usage_error("test converts nothing: -t does not apply", NULL);
  if (opts->event_count == 0)
    return usage_error("test needs events: --events FILE", NULL);
  if (opts->format && strcmp(opts->format, "text") != 0 && strcmp(opts->format, "json") != 0 &&
      strcmp(opts->format, "junit") != 0)
    return usage_error("test formats are text, json and junit, not", opts->format);
  if (opts->size && !is_count(opts->size))
    return usage_error("--size takes a number of results, not", opts->size);
  if (opts->max_samples_per_key &&
      (!is_count(opts->max_samples_per_key) || atoll(opts->max_samples_per_key) < 1))
    return usage_error("--max-samples-per-key takes a positive number, not",
                       opts->max_samples_per_key);
  return -1;
}

/* The checks of a 'prove' run: events, -t as a list of targets, text or JSON. */
static int check_prove_options(const Options *opts) {
  if (opts->expect || opts->size || opts->max_samples_per_key || opts->output || opts->output_dir ||
      opts->quiet || opts->skip_unsupported)
    return usage_error("prove takes --events, -t, -p, --format and --index-mapping; not --expect, "
                       "--size, --max-samples-per-key, -o, --output-dir, -q or -s",
                       NULL);
  if (opts->format && strcmp(opts->format, "text") != 0 && strcmp(opts->format, "json") != 0)
    return usage_error("prove formats are text and json, not", opts->format);
  if (opts->input_count == 0)
    return usage_error("no input files", NULL);
  return -1;
}

/* The checks once every argument is read; -1 to go on, or the exit code. */
static int check_options(const Options *opts) {
  if (opts->prove)
    return check_prove_options(opts);
  int stop = check_test_options(opts);
  if (stop >= 0)
    return stop;
  if (opts->werror && !opts->lint)
    return usage_error("--werror belongs to 'sigmac lint'", NULL);
  if ((opts->quiet || opts->skip_unsupported) && (opts->lint || opts->test))
    return usage_error("--quiet and --skip-unsupported belong to 'sigmac convert'", NULL);
  if (opts->lint && opts->format && strcmp(opts->format, "text") != 0 &&
      strcmp(opts->format, "json") != 0 && strcmp(opts->format, "sarif") != 0 &&
      strcmp(opts->format, "junit") != 0)
    return usage_error("lint formats are text, json, sarif and junit, not", opts->format);
  if (opts->lint || opts->test) {
    if (opts->target || opts->output_dir || (opts->lint && opts->output))
      return usage_error("lint and test convert nothing: -t, -o and --output-dir do not apply",
                         NULL);
    if (opts->input_count == 0)
      return usage_error("no input files", NULL);
    return -1;
  }
  if (!opts->target)
    return usage_error("no target given; use -t eql, -t kql, -t spl, -t sigma or -t ir", NULL);
  if (strcmp(opts->target, "ir") != 0 && strcmp(opts->target, "eql") != 0 &&
      strcmp(opts->target, "kql") != 0 && strcmp(opts->target, "spl") != 0 &&
      strcmp(opts->target, "sigma") != 0 && strcmp(opts->target, "navigator") != 0)
    return usage_error("unknown target (available: eql, kql, spl, sigma, navigator, ir):",
                       opts->target);
  if (opts->format && strcmp(opts->target, "ir") == 0 && strcmp(opts->format, "default") != 0)
    return usage_error("target ir has no format", opts->format);
  if (opts->output_dir && opts->output)
    return usage_error("-o writes one file, --output-dir a tree: choose one", NULL);
  if (opts->output_dir &&
      (strcmp(opts->target, "ir") == 0 || strcmp(opts->target, "navigator") == 0))
    return usage_error("--output-dir writes a file per rule file; this target writes one output "
                       "for the run (use -o):",
                       opts->target);
  if (opts->input_count == 0)
    return usage_error("no input files", NULL);
  return -1;
}

/* The subcommand arg names ("check" is sigma-cli's name for lint), or NULL: a conversion's
 * first argument. */
static const char *subcommand(const char *arg) {
  static const char *const names[] = {"lint", "test", "prove", "convert"};
  if (strcmp(arg, "check") == 0)
    return "lint";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(arg, names[i]) == 0)
      return names[i];
  return NULL;
}

/* Returns -1 to go on, or the exit code to stop with. */
static int parse_args(int argc, char **argv, Options *opts) {
  opts->inputs = calloc((size_t)argc, sizeof(char *));
  opts->meta = calloc((size_t)argc, sizeof(Meta));
  opts->events = calloc((size_t)argc, sizeof(char *));
  opts->event_mappings = calloc((size_t)argc, sizeof(char *));
  int first = 1;
  /* lint, test, prove, convert: what --help is about */
  const char *command = argc > 1 ? subcommand(argv[1]) : NULL;
  if (command) {
    opts->lint = strcmp(command, "lint") == 0;
    opts->test = strcmp(command, "test") == 0;
    opts->prove = strcmp(command, "prove") == 0;
    first = 2;
  }
  for (int i = first; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      cli_print_help(command);
      return 0;
    }
    bool *flag = flag_slot(opts, arg);
    if (flag) {
      *flag = strcmp(arg, "--fail-unsupported") != 0; /* sigma-cli's default, said aloud */
      continue;
    }
    if (strcmp(arg, "--version") == 0) {
      printf("sigmac %s\n", sigmac_version());
      return 0;
    }
    const char **slot = value_slot(opts, arg);
    bool events = strcmp(arg, "--events") == 0, meta = meta_flag(arg);
    if ((slot || events || meta) && i + 1 >= argc)
      return usage_error("missing value after", arg);
    if (slot) {
      *slot = argv[++i];
    } else if (events) { /* with the --index-mapping given before it */
      opts->event_mappings[opts->event_count] = opts->index_mapping;
      opts->events[opts->event_count++] = argv[++i];
    } else if (meta) {
      opts->meta[opts->meta_count].key = arg + 2;
      opts->meta[opts->meta_count++].value = argv[++i];
    } else if (strcmp(arg, "--") == 0) {
      while (++i < argc)
        opts->inputs[opts->input_count++] = argv[i];
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return usage_error("unknown option", arg);
    } else {
      opts->inputs[opts->input_count++] = arg;
    }
  }
  return check_options(opts);
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

/* Session settings from the options; the exit status so far (0, or 2 for a bad value). */
static int configure(SigmacSession *session, Options *opts) {
  int status = 0;
  if (opts->syntax && !sigmac_set_eql_syntax(session, opts->syntax)) {
    fprintf(stderr, "sigmac: unknown EQL syntax '%s' (elasticsearch or endgame)\n", opts->syntax);
    status = 2;
  }
  if (opts->from && !sigmac_set_input_language(session, opts->from)) {
    fprintf(stderr, "sigmac: unknown input language '%s' (sigma, eql, kql, spl or elastic)\n",
            opts->from);
    status = 2;
  }
  for (size_t i = 0; i < opts->meta_count; i++)
    sigmac_set_metadata(session, opts->meta[i].key, opts->meta[i].value);
  if (opts->placeholders && !sigmac_load_placeholders(session, opts->placeholders))
    status = status ? status : 1;
  sigmac_set_event_fields(session, opts->category_field, opts->timestamp_field,
                          opts->tiebreaker_field);
  sigmac_set_search_limits(session, opts->size ? atoll(opts->size) : -1,
                           opts->max_samples_per_key ? atoll(opts->max_samples_per_key) : 1);
  return status;
}

/* Reads the rules and, for 'test', the events and expectations; read_ok[i]: the rule file i had
 * no error. */
static int load_inputs(SigmacSession *session, const Options *opts, const PathList *paths,
                       Progress *progress, bool *read_ok) {
  int status = 0;
  for (size_t i = 0; i < paths->count; i++) {
    progress_update(progress, "reading", i + 1, paths->count, paths->items[i]);
    size_t errors = sigmac_error_count(session);
    read_ok[i] = sigmac_add_file(session, paths->items[i]) && sigmac_error_count(session) == errors;
  }
  for (size_t i = 0; i < opts->event_count; i++) {
    if (!sigmac_set_index_mapping(session, opts->event_mappings[i]))
      status = 1;
    if (!sigmac_add_events(session, opts->events[i]))
      status = 1;
  }
  if (opts->expect && !sigmac_set_expectations(session, opts->expect))
    status = 1;
  sigmac_finish(session);
  return status;
}

/* What a run keeps beside its session: the progress bar, which inputs read well, the time. */
typedef struct RunState {
  Progress progress;
  bool *read_ok;      /* per input file */
  size_t written;     /* output trees: the files written */
  size_t errors_read; /* errors before converting: invalid rules, not unsupported ones */
  struct timespec started;
} RunState;

/* Converts into an output tree: the exit status so far, raised to the tree's. */
static void convert_tree(SigmacSession *session, const Options *opts, const PathList *paths,
                         RunState *state, int *status) {
  TreeRun tree = {opts->target, opts->format, opts->output_dir, state->read_ok};
  int tree_status = cli_write_tree(session, &tree, paths, &state->progress, &state->written);
  if (tree_status == 1 && opts->skip_unsupported && state->errors_read == 0)
    tree_status = 0; /* only refusals, which -s skips */
  if (tree_status > *status)
    *status = tree_status;
}

/* The command's output (malloc'd, or NULL); *status becomes 1 or 2 on failure. */
static char *run(SigmacSession *session, const Options *opts, const PathList *paths,
                 RunState *state, int *status) {
  size_t files = paths->count;
  char *output = NULL;
  if (opts->lint) {
    sigmac_lint(session);
    if (opts->werror && sigmac_warning_count(session) && *status == 0)
      *status = 1;
    if (!opts->format || strcmp(opts->format, "text") == 0)
      return lint_summary(session, files);
    return sigmac_lint_report(session, opts->format, (const char *const *)paths->items,
                              paths->count);
  }
  if (opts->prove) {
    if (opts->mapping && !sigmac_set_mapping(session, opts->mapping)) {
      *status = 2;
      return NULL;
    }
    if (!sigmac_prove(session, opts->target, opts->format, &output) && *status == 0)
      *status = output ? 1 : 2; /* a divergence, or a bad target */
    return output;
  }
  if (opts->test) {
    if (!sigmac_test(session, opts->format, &output))
      *status = *status ? *status : 1; /* a rule not evaluated, or differing from --expect */
    return output;
  }
  if (strcmp(opts->target, "ir") == 0)
    return sigmac_ir_json(session);
  if (opts->mapping && !sigmac_set_mapping(session, opts->mapping))
    *status = 2;
  else if (opts->output_dir)
    convert_tree(session, opts, paths, state, status);
  else if (!sigmac_convert(session, opts->target, opts->format, &output) && !output)
    *status = 2; /* unknown format */
  return output;
}

/* The last line of a conversion over many files or into a tree, on standard error. */
static void print_summary(const SigmacSession *session, const Options *opts, const PathList *paths,
                          const RunState *state) {
  if (opts->quiet || opts->lint || opts->test || opts->prove || strcmp(opts->target, "ir") == 0 ||
      (paths->count < 2 && !opts->output_dir))
    return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double seconds = (double)(now.tv_sec - state->started.tv_sec) +
                   (double)(now.tv_nsec - state->started.tv_nsec) / 1e9;
  size_t converted, refused, errors = sigmac_error_count(session);
  size_t warnings = sigmac_warning_count(session);
  sigmac_convert_counts(session, &converted, &refused);
  fprintf(stderr,
          "sigmac: %zu file%s, %zu rule%s converted, %zu refused%s, %zu error%s, %zu warning%s",
          paths->count, paths->count == 1 ? "" : "s", converted, converted == 1 ? "" : "s", refused,
          opts->skip_unsupported && refused ? " (skipped)" : "", errors, errors == 1 ? "" : "s",
          warnings, warnings == 1 ? "" : "s");
  if (opts->output_dir)
    fprintf(stderr, ", %zu file%s written to %s", state->written, state->written == 1 ? "" : "s",
            opts->output_dir);
  fprintf(stderr, " (%.2f s)\n", seconds);
}

static void free_options(Options *opts) {
  free(opts->inputs);
  free(opts->meta);
  free(opts->events);
  free(opts->event_mappings);
}

/* sigmac list targets|formats|pipelines|checks */
static int list_command(int argc, char **argv) {
  if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
    cli_print_help("list");
    return 0;
  }
  char *text = argc == 3 ? sigmac_list(argv[2]) : NULL;
  if (!text) {
    fputs("sigmac: list takes one of targets, formats, pipelines or checks\n", stderr);
    return 2;
  }
  fputs(text, stdout);
  free(text);
  return fflush(stdout) == 0 ? 0 : 2;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "list") == 0)
    return list_command(argc, argv);
  Options opts = {0};
  int stop = parse_args(argc, argv, &opts);
  if (stop >= 0) {
    free_options(&opts);
    return stop;
  }
  RunState state = {0};
  clock_gettime(CLOCK_MONOTONIC, &state.started);
  PathList paths = {0};
  int status = 0;
  for (size_t i = 0; i < opts.input_count; i++)
    if (!cli_collect_inputs(opts.inputs[i], &paths))
      status = 2;
  SigmacSession *session = sigmac_session_new();
  int configured = configure(session, &opts);
  status = status ? status : configured;
  state.read_ok = calloc(paths.count ? paths.count : 1, sizeof(bool));
  if (!state.read_ok)
    abort();
  progress_begin(&state.progress, paths.count);
  sigmac_set_progress(session, progress_from_library, &state.progress);
  int loaded = load_inputs(session, &opts, &paths, &state.progress, state.read_ok);
  status = status ? status : loaded;
  state.errors_read = sigmac_error_count(session);
  char *output = run(session, &opts, &paths, &state, &status);
  progress_end(&state.progress);
  bool report = opts.lint && opts.format && strcmp(opts.format, "text") != 0;
  if (!report) {                               /* a lint report holds the diagnostics itself */
    const char *no_color = getenv("NO_COLOR"); /* https://no-color.org: any value turns them off */
    bool colour = isatty(STDERR_FILENO) && !(no_color && *no_color);
    char *diagnostics = sigmac_render_diagnostics_styled(session, colour);
    fputs(diagnostics, stderr);
    free(diagnostics);
  }
  bool converting = !opts.lint && !opts.test && !opts.prove;
  bool failed =
      (opts.skip_unsupported && converting ? state.errors_read : sigmac_error_count(session)) > 0;
  if (output && opts.output) {
    if (!failed && status == 0 && !cli_write_atomically(opts.output, output, strlen(output)))
      status = 2;
  } else if (output) {
    fputs(output, opts.lint && !report ? stderr : stdout);
  }
  free(output);
  if (status != 2) /* a usage or I/O error stopped the run: said above, counts would mislead */
    print_summary(session, &opts, &paths, &state);
  free(state.read_ok);
  sigmac_session_free(session);
  cli_free_paths(&paths);
  free_options(&opts);
  if (status == 0 && failed)
    status = 1;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fputs("sigmac: cannot write the output\n", stderr);
    status = 2;
  }
  return status;
}
