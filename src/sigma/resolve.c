/* Cross-file references: correlations and filters name other rules by id or name. Resolved once
 * every file of the run is compiled; a reference that names nothing, or a correlation chain that
 * comes back to itself, is an error at the reference. */
#include <string.h>

#include "sigma/sigma.h"

static IrRule *lookup(IrRuleSet *rules, const char *text) {
  for (size_t i = 0; i < rules->count; i++)
    if (rules->rules[i]->meta.id && strcmp(rules->rules[i]->meta.id, text) == 0)
      return rules->rules[i];
  for (size_t i = 0; i < rules->count; i++)
    if (rules->rules[i]->meta.name && strcmp(rules->rules[i]->meta.name, text) == 0)
      return rules->rules[i];
  return NULL;
}

static bool resolve_refs(IrRuleSet *rules, DiagSink *diags, IrRuleRef *refs, size_t count,
                         const IrRule *owner) {
  bool ok = true;
  for (size_t i = 0; i < count; i++) {
    refs[i].rule = lookup(rules, refs[i].text);
    if (!refs[i].rule) {
      diag_report(diags, DIAG_ERROR, refs[i].src, refs[i].span, "sigma-reference",
                  "'%s' names no rule of this run (by id or name); give its file too",
                  refs[i].text);
      ok = false;
    } else if (refs[i].rule == owner) {
      diag_report(diags, DIAG_ERROR, refs[i].src, refs[i].span, "sigma-reference",
                  "a correlation cannot refer to itself");
      ok = false;
    } else if (refs[i].rule->kind == IR_RULE_FILTER) {
      diag_report(diags, DIAG_ERROR, refs[i].src, refs[i].span, "sigma-reference",
                  "'%s' is a filter; correlations and filters refer to rules", refs[i].text);
      ok = false;
    }
  }
  return ok;
}

/* Depth-first walk over correlation chains: 1 = on the current path, 2 = done. */
static bool acyclic(IrRule *rule, IrRule **path, size_t depth, DiagSink *diags) {
  if (!rule->correlation)
    return true;
  for (size_t i = 0; i < depth; i++)
    if (path[i] == rule)
      return false;
  if (depth >= 64)
    return false;
  path[depth] = rule;
  for (size_t i = 0; i < rule->correlation->rule_count; i++) {
    IrRuleRef *ref = &rule->correlation->rules[i];
    if (ref->rule && !acyclic(ref->rule, path, depth + 1, diags)) {
      if (depth == 0)
        diag_report(
            diags, DIAG_ERROR, ref->src, ref->span, "sigma-reference",
            "correlation chain through '%s' comes back to this correlation (or is deeper than 64)",
            ref->text);
      return false;
    }
  }
  return true;
}

bool sigma_resolve_references(IrRuleSet *rules, DiagSink *diags) {
  bool ok = true;
  for (size_t i = 0; i < rules->count; i++) {
    IrRule *rule = rules->rules[i];
    if (rule->correlation)
      ok = resolve_refs(rules, diags, rule->correlation->rules, rule->correlation->rule_count,
                        rule) &&
           ok;
    if (rule->filter)
      ok = resolve_refs(rules, diags, rule->filter->rules, rule->filter->rule_count, rule) && ok;
  }
  IrRule *path[65];
  for (size_t i = 0; i < rules->count && ok; i++)
    ok = acyclic(rules->rules[i], path, 0, diags);
  return ok;
}
