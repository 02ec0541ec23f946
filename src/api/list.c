/* sigmac list targets|formats|pipelines|checks: what this build knows, from the registries
 * themselves (the backends, the built-in mappings, the lint checks), so the list cannot drift. */
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "emit/emit.h"
#include "lint/checks.h"
#include "schema/mapping.h"
#include "sigmac/sigmac.h"

static void targets(StrBuf *out) {
  for (const Backend *const *b = emit_backends; *b; b++)
    sb_printf(out, "%-8s %s\n", (*b)->name, (*b)->description);
  sb_printf(out, "%-8s %s\n", "ir", "the sigmac IR as JSON (docs/ir.md), before field mapping");
}

static void formats(StrBuf *out) {
  for (const Backend *const *b = emit_backends; *b; b++) {
    sb_printf(out, "%-8s", (*b)->name);
    for (const char *const *f = (*b)->formats; *f; f++) /* the first is the default */
      sb_printf(out, " %s", *f);
    sb_putc(out, '\n');
  }
}

static void pipelines(StrBuf *out) {
  static const char *const names[] = {"ecs_windows", "splunk_windows", "splunk_cim", NULL};
  Arena arena;
  arena_init(&arena);
  DiagSink quiet;
  diag_sink_init(&quiet, &arena);
  for (const char *const *n = names; *n; n++) {
    const Mapping *m = mapping_builtin(&arena, *n, &quiet);
    sb_printf(out, "%-15s %s\n", *n, m && m->description ? m->description : "");
  }
  arena_free(&arena);
}

static void checks(StrBuf *out) {
  for (size_t i = 0; i < lint_check_count; i++) {
    const LintCheck *c = &lint_checks[i];
    sb_printf(out, "%-28s %-7s %s%s\n", c->id, diag_severity_name(c->severity), c->summary,
              c->off_by_default ? " (off by default)" : "");
  }
}

char *sigmac_list(const char *what) {
  static const struct {
    const char *name;
    void (*write)(StrBuf *out);
  } lists[] = {
      {"targets", targets}, {"formats", formats}, {"pipelines", pipelines}, {"checks", checks}};
  for (size_t i = 0; what && i < sizeof lists / sizeof *lists; i++)
    if (strcmp(what, lists[i].name) == 0) {
      StrBuf out = STRBUF_INIT;
      lists[i].write(&out);
      return out.data ? out.data : strdup("");
    }
  return NULL;
}
