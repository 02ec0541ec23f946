/* Conversion through the backends: a whole session at once, or one input file at a time for
 * output trees, with the rules' fields mapped once per session and target family. */
#include <stdlib.h>
#include <string.h>

#include "api/session.h"
#include "ir/ir_build.h"
#include "sigma/sigma.h"

static bool known_format(const Backend *backend, const char *format, size_t *index) {
  for (size_t f = 0; backend->formats[f]; f++)
    if (strcmp(backend->formats[f], format) == 0) {
      *index = f;
      return true;
    }
  return false;
}

/* The backend of target and the format to write, with a diagnostic when either is unknown. */
static const Backend *choose_backend(SigmacSession *session, const char *target,
                                     const char **format) {
  const Backend *backend = emit_backend(target);
  if (!backend) {
    diag_report_file(&session->diags, DIAG_ERROR, NULL, "usage", "unknown target '%s'", target);
    return NULL;
  }
  if (!*format)
    *format = backend->formats[0];
  size_t index;
  if (!known_format(backend, *format, &index)) {
    diag_report_file(&session->diags, DIAG_ERROR, NULL, "usage",
                     "target '%s' has no output format '%s'", target, *format);
    return NULL;
  }
  return backend;
}

/* The session's rules with filters applied and fields mapped (Sigma rules only: EQL and KQL
 * rules are written in ECS already), with the mapping's warnings. With reuse (one file at a
 * time), a second call with the same mapping and rules gives the first call's rules, so the
 * warnings are reported once per run and not once per file. */
static const IrRuleSet *mapped_rules(SigmacSession *session, bool reuse) {
  if (reuse && session->mapped_with == session->mapping &&
      session->mapped.count == session->rules.count)
    return &session->mapped;
  session->mapped = (IrRuleSet){0};
  for (size_t i = 0; i < session->rules.count; i++) {
    IrRule *rule = session->rules.rules[i];
    IrRule *filtered = sigma_filtered(&session->arena, &session->rules, rule);
    ir_ruleset_push(&session->arena, &session->mapped,
                    rule->origin != IR_LANG_SIGMA ? rule
                                                  : mapping_apply(&session->arena, session->mapping,
                                                                  filtered, &session->diags));
  }
  session->mapped_with = session->mapping;
  return &session->mapped;
}

/* The rules read from one file: a run of the session's rules, as files are compiled one after
 * the other. */
struct FileRules {
  const char *path;
  size_t first, end;
};

static int by_path(const void *a, const void *b) {
  return strcmp(((const struct FileRules *)a)->path, ((const struct FileRules *)b)->path);
}

/* Where the rules of path are among the session's rules; false when it gave none. Indexed once
 * per set of rules, so that an output tree of n files costs n lookups and not n scans. */
static bool file_rules(SigmacSession *session, const char *path, size_t *first, size_t *end) {
  const IrRuleSet *rules = &session->rules;
  if (!session->files || session->files_indexed != rules->count) {
    session->files = arena_alloc(&session->arena, (rules->count + 1) * sizeof *session->files);
    session->file_count = 0;
    for (size_t i = 0; i < rules->count; i++) {
      const Source *src = rules->rules[i]->src;
      struct FileRules *last = session->file_count ? &session->files[session->file_count - 1] : 0;
      if (last && src && strcmp(last->path, src->path) == 0)
        last->end = i + 1;
      else if (src)
        session->files[session->file_count++] = (struct FileRules){src->path, i, i + 1};
    }
    qsort(session->files, session->file_count, sizeof *session->files, by_path);
    session->files_indexed = rules->count;
  }
  struct FileRules key = {path, 0, 0};
  const struct FileRules *found =
      bsearch(&key, session->files, session->file_count, sizeof key, by_path);
  *first = found ? found->first : 0;
  *end = found ? found->end : 0;
  return found != NULL;
}

/* Writes the rules of only_path (NULL: every rule, mapped anew: each conversion of a session
 * reports its mapping's warnings) as target's query in format. */
static bool convert(SigmacSession *session, const char *target, const char *format,
                    const char *only_path, char **out) {
  *out = NULL;
  const Backend *backend = choose_backend(session, target, &format);
  if (!backend)
    return false;
  const char *mapping = strcmp(target, "spl") == 0 ? "splunk_windows" : "ecs_windows";
  if (!session_default_mapping(session, mapping))
    return false;
  EmitCtx ctx = {&session->arena,
                 &session->diags,
                 session->mapping,
                 &session->rules,
                 backend->maps_fields ? mapped_rules(session, only_path != NULL) : &session->rules,
                 &session->meta,
                 only_path != NULL,
                 0,
                 0,
                 0,
                 0};
  if (only_path)
    file_rules(session, only_path, &ctx.select_first, &ctx.select_end);
  StrBuf text = STRBUF_INIT;
  bool ok = backend->output(&ctx, format, &text);
  session->converted += ctx.converted;
  session->refused += ctx.refused;
  *out = session_take(&text);
  return ok;
}

bool sigmac_convert(SigmacSession *session, const char *target, const char *format, char **out) {
  return convert(session, target, format, NULL, out);
}

bool sigmac_convert_file(SigmacSession *session, const char *target, const char *format,
                         const char *path, char **out) {
  return convert(session, target, format, path, out);
}

void sigmac_convert_counts(const SigmacSession *session, size_t *converted, size_t *refused) {
  *converted = session->converted;
  *refused = session->refused;
}

const char *sigmac_format_extension(const char *target, const char *format) {
  const Backend *backend = emit_backend(target);
  size_t index;
  if (!backend)
    return NULL;
  if (!format)
    return backend->extensions[0];
  return known_format(backend, format, &index) ? backend->extensions[index] : NULL;
}
