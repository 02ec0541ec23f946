/* The native EQL front end: EQL text (Elasticsearch 8.x/9.x, grammar/eql.ebnf) into IR rules. */
#ifndef SIGMAC_EQL_H
#define SIGMAC_EQL_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "sigmac/ir.h"

typedef struct EqlOptions {
  bool endgame;     /* Endgame syntax: '=' equality, single-quoted strings, ?"raw" */
  size_t max_depth; /* expression nesting */
} EqlOptions;

extern const EqlOptions eql_default_options;

/* Parses every query of src (a file should hold one; each further one is an error, and becomes a
 * rule of its own so that it is checked too), checks them against the language, and appends
 * their IR rules. Returns false when an error was reported. */
bool eql_compile(Arena *arena, const Source *src, const EqlOptions *options, DiagSink *diags,
                 IrRuleSet *rules);

/* An Elastic Security rule export (.json: one rule object or an array; .ndjson: one per line):
 * every EQL rule's query compiled as eql_compile() does, with the rule's name, rule_id,
 * description, severity, threat (as ATT&CK tags), false positives and references as metadata.
 * Rules in other languages are errors naming them. */
bool eql_compile_export(Arena *arena, const Source *src, const EqlOptions *options, DiagSink *diags,
                        IrRuleSet *rules);

#endif
