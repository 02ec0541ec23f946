/* The public session API (include/sigmac/sigmac.h) over the stages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/lint_report.h"
#include "api/prove_report.h"
#include "api/session.h"
#include "api/test_report.h"
#include "base/diag.h"
#include "base/json_out.h"
#include "emit/emit.h"
#include "eql/eql.h"
#include "eval/evaluate.h"
#include "eval/index_mapping.h"
#include "eval/stream.h"
#include "ir/ir_build.h"
#include "ir/ir_json.h"
#include "ir/ir_limits.h"
#include "kql/kql.h"
#include "lint/lint.h"
#include "schema/mapping.h"
#include "sigma/sigma.h"
#include "sigmac/sigmac.h"
#include "spl/spl.h"

SigmacSession *sigmac_session_new(void) {
  SigmacSession *session = calloc(1, sizeof *session);
  if (!session)
    abort();
  arena_init(&session->arena);
  diag_sink_init(&session->diags, &session->arena);
  session->sigma = sigma_default_options;
  session->eql = eql_default_options;
  session->fields = eval_default_fields;
  session->limits = search_default_limits;
  return session;
}

void sigmac_session_free(SigmacSession *session) {
  if (!session)
    return;
  arena_free(&session->arena);
  free(session);
}

static const Source *load(SigmacSession *session, const char *path) {
  const char *error;
  const Source *src =
      source_from_file(&session->arena, path, session->sigma.max_input_bytes, &error);
  if (!src)
    diag_report_file(&session->diags, DIAG_ERROR, path, "io", "%s", error);
  return src;
}

bool sigmac_set_eql_syntax(SigmacSession *session, const char *syntax) {
  if (strcmp(syntax, "elasticsearch") != 0 && strcmp(syntax, "endgame") != 0)
    return false;
  session->eql.endgame = strcmp(syntax, "endgame") == 0;
  return true;
}

bool sigmac_set_input_language(SigmacSession *session, const char *language) {
  static const char *const languages[] = {"sigma", "eql", "kql", "spl", "elastic", NULL};
  for (const char *const *l = languages; *l; l++)
    if (strcmp(*l, language) == 0) {
      session->from = *l;
      return true;
    }
  return false;
}

bool sigmac_set_metadata(SigmacSession *session, const char *key, const char *value) {
  EmitMeta *m = &session->meta;
  const char *copy = arena_strdup(&session->arena, value);
  if (strcmp(key, "tag") == 0) {
    m->tags.items = arena_push_slot(&session->arena, m->tags.items, m->tags.count, sizeof(char *));
    m->tags.items[m->tags.count++] = copy;
    return true;
  }
  const char **slot = strcmp(key, "title") == 0         ? &m->title
                      : strcmp(key, "id") == 0          ? &m->id
                      : strcmp(key, "level") == 0       ? &m->level
                      : strcmp(key, "author") == 0      ? &m->author
                      : strcmp(key, "date") == 0        ? &m->date
                      : strcmp(key, "description") == 0 ? &m->description
                                                        : NULL;
  if (slot)
    *slot = copy;
  return slot != NULL;
}

bool sigmac_load_placeholders(SigmacSession *session, const char *path) {
  const Source *src = load(session, path);
  if (!src)
    return false;
  bool ok = sigma_load_placeholders(&session->arena, src, &session->diags, &session->placeholders);
  session->sigma.placeholders = &session->placeholders;
  return ok;
}

static bool has_suffix(const char *path, const char *suffix) {
  size_t n = strlen(path), k = strlen(suffix);
  return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* The front end by file name: .eql is EQL text, .kql KQL, .spl SPL, anything else Sigma YAML. */
static bool compile(SigmacSession *session, const Source *src) {
  const char *from = session->from;
  if ((from && strcmp(from, "elastic") == 0) ||
      (!from && (has_suffix(src->path, ".json") || has_suffix(src->path, ".ndjson"))))
    return eql_compile_export(&session->arena, src, &session->eql, &session->diags,
                              &session->rules);
  if ((from && strcmp(from, "eql") == 0) || (!from && has_suffix(src->path, ".eql")))
    return eql_compile(&session->arena, src, &session->eql, &session->diags, &session->rules);
  if ((from && strcmp(from, "kql") == 0) || (!from && has_suffix(src->path, ".kql"))) {
    if (!session->mapping && !session_default_mapping(session, "ecs_windows"))
      return false;
    return kql_compile(&session->arena, src, NULL, session->mapping->ecs, &session->diags,
                       &session->rules);
  }
  if ((from && strcmp(from, "spl") == 0) || (!from && has_suffix(src->path, ".spl")))
    return spl_compile(&session->arena, src, &session->diags, &session->rules);
  session->sigma_sources = arena_push_slot(&session->arena, session->sigma_sources,
                                           session->sigma_source_count, sizeof(Source *));
  session->sigma_sources[session->sigma_source_count++] = src;
  return sigma_compile(&session->arena, src, &session->sigma, &session->diags, &session->rules);
}

/* Compiles src and drops its rules that are past the IR limits (each with its error). */
static bool compile_within_limits(SigmacSession *session, const Source *src) {
  size_t first = session->rules.count;
  bool ok = compile(session, src);
  size_t kept = first;
  for (size_t i = first; i < session->rules.count; i++) {
    if (ir_check_limits(session->rules.rules[i], &session->diags))
      session->rules.rules[kept++] = session->rules.rules[i];
    else
      ok = false;
  }
  session->rules.count = kept;
  return ok;
}

bool sigmac_add_file(SigmacSession *session, const char *path) {
  const Source *src = load(session, path);
  return src && compile_within_limits(session, src);
}

bool sigmac_add_text(SigmacSession *session, const char *path, const char *text, size_t len) {
  if (len > session->sigma.max_input_bytes) {
    diag_report_file(&session->diags, DIAG_ERROR, path, "io",
                     "input is larger than the limit of %zu bytes", session->sigma.max_input_bytes);
    return false;
  }
  return compile_within_limits(session, source_from_text(&session->arena, path, text, len));
}

bool sigmac_finish(SigmacSession *session) {
  return sigma_resolve_references(&session->rules, &session->diags);
}

const IrRuleSet *sigmac_rules(const SigmacSession *session) { return &session->rules; }

char *sigmac_lint_report(const SigmacSession *session, const char *format, const char *const *files,
                         size_t file_count) {
  LintReport report = {&session->diags, files, file_count, SIGMAC_VERSION};
  StrBuf out = STRBUF_INIT;
  if (!lint_report_write(&report, format, &out)) {
    sb_free(&out);
    return NULL;
  }
  return session_take(&out);
}

bool sigmac_lint(SigmacSession *session) {
  if (!session->mapping && !session_default_mapping(session, "ecs_windows"))
    return false;
  LintInput input = {session->sigma_sources, session->sigma_source_count, &session->rules,
                     session->mapping};
  lint_run(&session->arena, &session->diags, &input);
  return session->diags.errors == 0;
}

size_t sigmac_error_count(const SigmacSession *session) { return session->diags.errors; }

size_t sigmac_warning_count(const SigmacSession *session) { return session->diags.warnings; }

char *session_take(StrBuf *sb) {
  if (!sb->data)
    return strdup("");
  return sb->data;
}

char *sigmac_render_diagnostics(const SigmacSession *session) {
  return sigmac_render_diagnostics_styled(session, false);
}

char *sigmac_render_diagnostics_styled(const SigmacSession *session, bool colour) {
  StrBuf out = STRBUF_INIT;
  for (size_t i = 0; i < session->diags.count; i++)
    diag_render_styled(&session->diags.items[i], colour, &out);
  return session_take(&out);
}

char *sigmac_render_diagnostics_since(const SigmacSession *session, size_t first) {
  StrBuf out = STRBUF_INIT;
  for (size_t i = first; i < session->diags.count; i++)
    diag_render(&session->diags.items[i], &out);
  return session_take(&out);
}

char *sigmac_ir_json(const SigmacSession *session) {
  StrBuf out = STRBUF_INIT;
  ir_json_write(&session->rules, &out);
  return session_take(&out);
}

bool session_default_mapping(SigmacSession *session, const char *name) {
  if (session->mapping_chosen || (session->mapping && strcmp(session->mapping->name, name) == 0))
    return session->mapping != NULL;
  bool ok = sigmac_set_mapping(session, name);
  session->mapping_chosen = false;
  return ok;
}

bool sigmac_set_mapping(SigmacSession *session, const char *name_or_path) {
  session->mapping_chosen = true;
  session->mapping = mapping_builtin(&session->arena, name_or_path, &session->diags);
  if (session->mapping)
    return true;
  if (!strchr(name_or_path, '/') && !strstr(name_or_path, ".yml") &&
      !strstr(name_or_path, ".yaml")) {
    diag_report_file(
        &session->diags, DIAG_ERROR, NULL, "usage",
        "unknown mapping '%s' (built in: ecs_windows, splunk_windows, splunk_cim; or give a "
        "mapping file)",
        name_or_path);
    return false;
  }
  const Source *src = load(session, name_or_path);
  session->mapping = src ? mapping_load(&session->arena, src, &session->diags) : NULL;
  return session->mapping != NULL;
}

static bool load_events(SigmacSession *session, const char *path, const IndexMapping *mapping) {
  const char *error;
  /* event files may be large: their limit is their own, far above the rules' */
  const Source *src = source_from_file(&session->arena, path, (size_t)1 << 32, &error);
  if (!src) {
    diag_report_file(&session->diags, DIAG_ERROR, path, "io", "%s", error);
    return false;
  }
  session->events.mapping = mapping;
  if (has_suffix(path, ".raw") || has_suffix(path, ".log"))
    return event_load_lines(&session->arena, src, &session->events);
  return event_load(&session->arena, src, &session->diags, &session->events);
}

bool sigmac_add_events(SigmacSession *session, const char *path) {
  if (!stream_file(path))
    return load_events(session, path, session->index_mapping);
  FILE *file = fopen(path, "rb"); /* read when the rules run; said unreadable now */
  if (!file) {
    diag_report_file(&session->diags, DIAG_ERROR, path, "io", "cannot read the events");
    return false;
  }
  fclose(file);
  session->streams = arena_push_slot(&session->arena, session->streams, session->stream_count,
                                     sizeof(StreamInput));
  session->streams[session->stream_count++] =
      (StreamInput){arena_strdup(&session->arena, path), session->index_mapping};
  return true;
}

bool sigmac_set_index_mapping(SigmacSession *session, const char *path) {
  session->index_mapping = NULL;
  if (!path)
    return true;
  const Source *src = load(session, path);
  if (!src)
    return false;
  session->index_mapping = index_mapping_load(&session->arena, src, &session->diags);
  return session->index_mapping != NULL;
}

void sigmac_set_event_fields(SigmacSession *session, const char *category, const char *timestamp,
                             const char *tiebreaker) {
  if (category)
    session->fields.category = arena_strdup(&session->arena, category);
  if (timestamp)
    session->fields.time = arena_strdup(&session->arena, timestamp);
  if (tiebreaker)
    session->fields.tiebreaker = arena_strdup(&session->arena, tiebreaker);
}

void sigmac_set_search_limits(SigmacSession *session, long long size,
                              long long max_samples_per_key) {
  session->limits.size = size;
  session->limits.max_samples_per_key = max_samples_per_key > 0 ? max_samples_per_key : 1;
}

bool sigmac_set_expectations(SigmacSession *session, const char *path) {
  const Source *src = load(session, path);
  if (!src)
    return false;
  Expectations *expected = arena_alloc(&session->arena, sizeof *expected);
  if (!expect_load(&session->arena, src, &session->diags, expected))
    return false;
  session->expected = expected;
  return true;
}

bool sigmac_test(SigmacSession *session, const char *format, char **out) {
  *out = NULL;
  if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
      strcmp(format, "junit") != 0) {
    diag_report_file(&session->diags, DIAG_ERROR, format, "usage",
                     "unknown test report format (text, json or junit)");
    return false;
  }
  if (!session->mapping && !session_default_mapping(session, "ecs_windows"))
    return false;
  IrRuleSet filtered = {0}; /* Sigma filters apply when rules run, as when they convert */
  for (size_t i = 0; i < session->rules.count; i++)
    ir_ruleset_push(&session->arena, &filtered,
                    sigma_filtered(&session->arena, &session->rules, session->rules.rules[i]));
  size_t count, event_count = session->events.count;
  RuleResult *results;
  if (session->stream_count && session->events.count == 0 && stream_possible(&filtered)) {
    StreamStats stats;
    results = stream_rules(&session->arena, &session->diags, &filtered, session->mapping,
                           &session->fields, &session->limits, session->streams,
                           session->stream_count, &count, &stats);
    event_count = stats.events;
  } else {
    for (size_t i = 0; i < session->stream_count; i++) /* the events are needed together */
      load_events(session, session->streams[i].path, session->streams[i].mapping);
    session->stream_count = 0;
    results = eval_rules(&session->arena, &session->diags, &filtered, session->mapping,
                         &session->fields, &session->limits, &session->events, &count);
    event_count = session->events.count;
  }
  TestReport report = {&session->arena, results, count, event_count, NULL};
  if (session->expected)
    report.verdicts =
        expect_compare(&session->arena, &session->diags, session->expected, results, count);
  StrBuf text = STRBUF_INIT;
  test_report_write(&report, format, &text);
  *out = session_take(&text);
  bool ok = true;
  for (size_t i = 0; i < count; i++)
    ok = ok && results[i].evaluated && (!report.verdicts || report.verdicts[i].as_expected);
  return ok;
}

/* The targets of a prove run from a comma-separated list; false (reported) for an unknown one. */
static bool prove_targets(SigmacSession *session, const char *list, const char **targets,
                          size_t *count) {
  static const char *const known[] = {"eql", "kql", "spl", NULL};
  *count = 0;
  const char *at = list ? list : "eql,kql,spl";
  while (*at && *count < 8) {
    size_t len = strcspn(at, ",");
    const char *found = NULL;
    for (const char *const *k = known; *k; k++)
      if (strlen(*k) == len && strncmp(*k, at, len) == 0)
        found = *k;
    if (!found) {
      diag_report_file(&session->diags, DIAG_ERROR, NULL, "usage",
                       "prove knows the targets eql, kql and spl, not '%.*s'", (int)len, at);
      return false;
    }
    targets[(*count)++] = found;
    at += len + (at[len] == ',');
  }
  return *count > 0;
}

bool sigmac_prove(SigmacSession *session, const char *targets, const char *format, char **out) {
  *out = NULL;
  const char *chosen[8];
  size_t target_count;
  if (!prove_targets(session, targets, chosen, &target_count))
    return false;
  if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    diag_report_file(&session->diags, DIAG_ERROR, format, "usage",
                     "unknown prove report format (text or json)");
    return false;
  }
  if (!session->mapping && !session_default_mapping(session, "ecs_windows"))
    return false;
  for (size_t i = 0; i < session->stream_count; i++) /* every event is compared in memory */
    load_events(session, session->streams[i].path, session->streams[i].mapping);
  session->stream_count = 0;
  IrRuleSet filtered = {0};
  for (size_t i = 0; i < session->rules.count; i++)
    ir_ruleset_push(&session->arena, &filtered,
                    sigma_filtered(&session->arena, &session->rules, session->rules.rules[i]));
  DiagSink mapping_diags; /* mapping warnings were the conversion's to report, not prove's */
  diag_sink_init(&mapping_diags, &session->arena);
  ProveTarget prove_targets_[8];
  for (size_t t = 0; t < target_count; t++) {
    ProveTarget *pt = &prove_targets_[t];
    pt->name = chosen[t];
    pt->mapping = session->mapping; /* SPL has its own default, as for conversion */
    if (strcmp(chosen[t], "spl") == 0 && !session->mapping_chosen)
      pt->mapping = mapping_builtin(&session->arena, "splunk_windows", &session->diags);
    IrRuleSet *mapped = arena_alloc(&session->arena, sizeof *mapped);
    for (size_t i = 0; i < filtered.count; i++) {
      IrRule *rule = filtered.rules[i];
      ir_ruleset_push(&session->arena, mapped,
                      rule->origin != IR_LANG_SIGMA
                          ? rule
                          : mapping_apply(&session->arena, pt->mapping, rule, &mapping_diags));
    }
    pt->mapped = mapped;
  }
  ProveInput input = {&filtered,    &session->meta, &session->events,  prove_targets_,
                      target_count, 2000,           session->progress, session->progress_user};
  size_t count;
  ProveResult *results = prove_run(&session->arena, &input, &count);
  StrBuf text = STRBUF_INIT;
  prove_report_write(results, count, chosen, target_count, format, &text);
  *out = session_take(&text);
  bool ok = true;
  for (size_t i = 0; i < count; i++)
    ok = ok && results[i].verdict != PROVE_DIVERGES;
  return ok;
}

void sigmac_set_progress(SigmacSession *session, SigmacProgressFn progress, void *user) {
  session->progress = progress;
  session->progress_user = user;
}

size_t sigmac_diagnostic_count(const SigmacSession *session) { return session->diags.count; }

void sigmac_diagnostic(const SigmacSession *session, size_t index, const char **severity,
                       const char **check_id, const char **message) {
  const Diag *diag = &session->diags.items[index];
  *severity = diag_severity_name(diag->severity);
  *check_id = diag->check_id ? diag->check_id : "";
  *message = diag->message;
}

const char *sigmac_version(void) { return SIGMAC_VERSION; }
