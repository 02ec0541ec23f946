/* The EQL front end's driver: statements of a source, checked and lowered into IR rules. */
#include <string.h>

#include "eql/ast.h"
#include "eql/eql.h"
#include "ir/ir_build.h"

const EqlOptions eql_default_options = {.endgame = false, .max_depth = 100};

static IrRule *rule_of(Arena *arena, const Source *src, const EqlStatement *st, size_t index) {
  IrRule *rule = arena_alloc(arena, sizeof *rule);
  rule->kind = IR_RULE_DETECTION;
  rule->origin = IR_LANG_EQL;
  rule->src = src;
  rule->span = st->span;
  rule->document = index;
  rule->taxonomy_out = "ecs";
  rule->queries = arena_alloc(arena, sizeof(IrQuery *));
  rule->queries[0] = eql_lower(arena, src, st);
  rule->query_count = 1;
  return rule;
}

bool eql_compile(Arena *arena, const Source *src, const EqlOptions *options, DiagSink *diags,
                 IrRuleSet *rules) {
  if (!options)
    options = &eql_default_options;
  size_t errors_before = diags->errors;
  EqlParser p;
  eql_parser_init(&p, arena, src, diags, options->endgame, options->max_depth);
  size_t index = 0;
  for (EqlStatement *st; (st = eql_parse_statement(&p)) != NULL; index++) {
    if (index > 0)
      diag_report(diags, DIAG_ERROR, src, st->keyword_span, "eql-multiple-queries",
                  "another query starts here; an EQL rule holds one query: put each in a file "
                  "(or rule) of its own");
    if (p.failed)
      continue;
    size_t before = diags->errors;
    eql_check(&p, st);
    if (diags->errors == before)
      ir_ruleset_push(arena, rules, rule_of(arena, src, st, index));
  }
  if (index == 0)
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "eql-syntax",
                "empty query: expected an EQL query such as 'process where ...'");
  return diags->errors == errors_before;
}
