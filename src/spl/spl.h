/* The Splunk SPL front end: a search (grammar/spl.ebnf: the search command, '| search' and
 * '| regex'; the forms the SPL backend writes and the common ones people write) parsed straight
 * into an IR condition with Splunk's semantics: values compare case-insensitively with '*'
 * wildcards, 'NOT f=v' keeps events without f, 'f!=v' needs f, a value in CIDR notation is a
 * network, '| regex' is an unanchored PCRE that filters what the search returned. Used to parse
 * back what the SPL backend writes (`sigmac prove`) and to run .spl files in `sigmac test`. */
#ifndef SIGMAC_SPL_H
#define SIGMAC_SPL_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "sigmac/ir.h"

/* Parses the search in src[span) into a condition; NULL after reporting a syntax error, or a
 * command the IR cannot evaluate, at its position. Nesting is bounded by max_depth. */
IrNode *spl_parse(Arena *arena, const Source *src, Span span, size_t max_depth, DiagSink *diags);

/* Compiles a .spl file: each search (its lines up to a blank line or a ``` comment line) becomes
 * a rule of its own (origin IR_LANG_SPL). False when an error was reported. */
bool spl_compile(Arena *arena, const Source *src, DiagSink *diags, IrRuleSet *rules);

#endif
