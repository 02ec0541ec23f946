/* The public session API (include/sigmac/sigmac.h) over the stages. */
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "ir/ir_build.h"
#include "ir/ir_json.h"
#include "sigma/sigma.h"
#include "sigmac/sigmac.h"

struct SigmacSession {
  Arena arena;          /* sources, rules and diagnostics of the whole run */
  DiagSink diags;
  IrRuleSet rules;
  SigmaOptions sigma;
  SigmaPlaceholders placeholders;
};

SigmacSession *sigmac_session_new(void) {
  SigmacSession *session = calloc(1, sizeof *session);
  if (!session)
    abort();
  arena_init(&session->arena);
  diag_sink_init(&session->diags, &session->arena);
  session->sigma = sigma_default_options;
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

bool sigmac_load_placeholders(SigmacSession *session, const char *path) {
  const Source *src = load(session, path);
  if (!src)
    return false;
  bool ok = sigma_load_placeholders(&session->arena, src, &session->diags, &session->placeholders);
  session->sigma.placeholders = &session->placeholders;
  return ok;
}

static bool compile(SigmacSession *session, const Source *src) {
  return sigma_compile(&session->arena, src, &session->sigma, &session->diags, &session->rules);
}

bool sigmac_add_file(SigmacSession *session, const char *path) {
  const Source *src = load(session, path);
  return src && compile(session, src);
}

bool sigmac_add_text(SigmacSession *session, const char *path, const char *text, size_t len) {
  if (len > session->sigma.max_input_bytes) {
    diag_report_file(&session->diags, DIAG_ERROR, path, "io",
                     "input is larger than the limit of %zu bytes", session->sigma.max_input_bytes);
    return false;
  }
  return compile(session, source_from_text(&session->arena, path, text, len));
}

bool sigmac_finish(SigmacSession *session) {
  return sigma_resolve_references(&session->rules, &session->diags);
}

const IrRuleSet *sigmac_rules(const SigmacSession *session) { return &session->rules; }

size_t sigmac_error_count(const SigmacSession *session) { return session->diags.errors; }

size_t sigmac_warning_count(const SigmacSession *session) { return session->diags.warnings; }

/* Hands a StrBuf's text to the caller as a malloc'd string. */
static char *take(StrBuf *sb) {
  if (!sb->data)
    return strdup("");
  return sb->data;
}

char *sigmac_render_diagnostics(const SigmacSession *session) {
  StrBuf out = STRBUF_INIT;
  diag_render_all(&session->diags, &out);
  return take(&out);
}

char *sigmac_ir_json(const SigmacSession *session) {
  StrBuf out = STRBUF_INIT;
  ir_json_write(&session->rules, &out);
  return take(&out);
}

const char *sigmac_version(void) { return SIGMAC_VERSION; }
