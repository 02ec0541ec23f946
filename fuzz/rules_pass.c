/* The rule fuzz targets' pass (rules_pass.h). */
#include "rules_pass.h"

#include <string.h>

#include "base/source.h"
#include "emit/emit.h"
#include "eql/eql.h"
#include "eval/event.h"
#include "ir/ir_build.h"
#include "lint/lint.h"
#include "prove/prove.h"
#include "schema/mapping.h"
#include "sigma/sigma.h"

/* Every backend's default output of the rules, under its default mapping. */
static void write_all(Arena *arena, DiagSink *diags, const IrRuleSet *rules, const Mapping *ecs,
                      const Mapping *splunk) {
  static const char *const targets[] = {"eql", "kql", "spl", "sigma"};
  EmitMeta meta = {0};
  for (size_t t = 0; t < 4; t++) {
    const Backend *backend = emit_backend(targets[t]);
    const Mapping *mapping = strcmp(targets[t], "spl") == 0 ? splunk : ecs;
    IrRuleSet mapped = {0};
    for (size_t i = 0; i < rules->count; i++)
      ir_ruleset_push(arena, &mapped,
                      rules->rules[i]->origin == IR_LANG_SIGMA && backend->maps_fields
                          ? mapping_apply(arena, mapping, rules->rules[i], diags)
                          : rules->rules[i]);
    EmitCtx ctx = {arena, diags, mapping, rules, &mapped, &meta, false, 0, 0, 0, 0};
    StrBuf out = STRBUF_INIT;
    backend->output(&ctx, backend->formats[0], &out);
    sb_free(&out);
  }
}

/* Proves every Sigma rule for eql, kql and spl; false on a divergence. */
static bool proven(Arena *arena, DiagSink *diags, const IrRuleSet *rules, const Mapping *ecs,
                   const Mapping *splunk) {
  static const char *const names[] = {"eql", "kql", "spl"};
  ProveTarget targets[3];
  for (size_t t = 0; t < 3; t++) {
    IrRuleSet *mapped = arena_alloc(arena, sizeof *mapped);
    const Mapping *mapping = t == 2 ? splunk : ecs;
    for (size_t i = 0; i < rules->count; i++)
      ir_ruleset_push(arena, mapped,
                      rules->rules[i]->origin == IR_LANG_SIGMA
                          ? mapping_apply(arena, mapping, rules->rules[i], diags)
                          : rules->rules[i]);
    targets[t] = (ProveTarget){names[t], mapping, mapped};
  }
  EmitMeta meta = {0};
  EventSet events = {0};
  ProveInput input = {rules, &meta, &events, targets, 3, 50, NULL, NULL};
  size_t count;
  ProveResult *results = prove_run(arena, &input, &count);
  for (size_t i = 0; i < count; i++)
    if (results[i].verdict == PROVE_DIVERGES)
      return false;
  return true;
}

bool rules_pass(bool eql, const char *text, size_t len, bool prove) {
  Arena arena;
  arena_init(&arena);
  DiagSink diags;
  diag_sink_init(&diags, &arena);
  const Source *src = source_from_text(&arena, eql ? "<fuzz>.eql" : "<fuzz>.yml", text, len);
  IrRuleSet rules = {0};
  if (eql)
    eql_compile(&arena, src, &eql_default_options, &diags, &rules);
  else
    sigma_compile(&arena, src, &sigma_default_options, &diags, &rules);
  sigma_resolve_references(&rules, &diags);
  static Arena data; /* the built-in mappings, read once per process and kept */
  static const Mapping *ecs, *splunk;
  if (!ecs) {
    arena_init(&data);
    DiagSink quiet;
    diag_sink_init(&quiet, &data);
    ecs = mapping_builtin(&data, "ecs_windows", &quiet);
    splunk = mapping_builtin(&data, "splunk_windows", &quiet);
  }
  bool ok = true;
  if (prove) {
    ok = proven(&arena, &diags, &rules, ecs, splunk);
  } else {
    const Source *sources[1] = {src};
    LintInput lint = {eql ? NULL : sources, eql ? 0 : 1, &rules, ecs};
    lint_run(&arena, &diags, &lint);
    write_all(&arena, &diags, &rules, ecs, splunk);
  }
  arena_free(&arena);
  return ok;
}
