/* The Kibana KQL front end: KQL text (grammar/kql.ebnf, as Kibana's kuery grammar parses it) into
 * an AST that mirrors Kibana's own nodes, and from there into IR rules evaluated with
 * Elasticsearch's semantics. Used to parse back what the KQL backend emits (`sigmac prove`) and
 * to test KQL queries over events. */
#ifndef SIGMAC_KQL_H
#define SIGMAC_KQL_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "schema/ecs.h"
#include "sigmac/ir.h"

/* A value or field name as written: its text with escapes resolved, and where the unescaped '*'
 * wildcards are (pattern: literal runs and IR_SEG_ANY). */
typedef struct KqlLiteral {
  IrString pattern;
  const char *text; /* the value with every '*' as written resolved: for printing and tests */
  bool quoted;      /* "..." : a phrase, '*' literal */
  bool wildcard;    /* unquoted with an unescaped '*' */
  Span span;
} KqlLiteral;

#define KQL_NODE_KINDS(X)                                                                          \
  X(KQL_OR, "or")                                                                                  \
  X(KQL_AND, "and")                                                                                \
  X(KQL_NOT, "not")                                                                                \
  X(KQL_IS, "is")         /* field:value; field absent: free text */                               \
  X(KQL_RANGE, "range")   /* field < value ... */                                                  \
  X(KQL_NESTED, "nested") /* path:{ query } */                                                     \
  X(KQL_MATCH_ALL, "match_all")

typedef enum KqlNodeKind {
#define X(kind, name) kind,
  KQL_NODE_KINDS(X)
#undef X
} KqlNodeKind;

typedef struct KqlNode KqlNode;
struct KqlNode {
  KqlNodeKind kind;
  KqlNode **children; /* OR, AND (two or more), NOT and NESTED (one) */
  size_t count;
  bool has_field;   /* IS: false for free text */
  KqlLiteral field; /* IS, RANGE; NESTED: the path */
  KqlLiteral value; /* IS, RANGE */
  const char *op;   /* RANGE: "lt", "lte", "gt", "gte" */
  Span span;
};

typedef struct KqlOptions {
  size_t max_depth; /* nesting of parentheses, not and nested queries */
} KqlOptions;

extern const KqlOptions kql_default_options;

/* Parses a whole KQL query (an empty one is KQL_MATCH_ALL). NULL after reporting a syntax error
 * with its position. */
KqlNode *kql_parse(Arena *arena, const Source *src, Span span, const KqlOptions *options,
                   DiagSink *diags);

/* Lowers a parsed query into an IR condition with Elasticsearch's KQL semantics: values match
 * whole values case-sensitively (keyword fields), '*' is the only wildcard, 'field:*' means the
 * field has a value, a network value on an ip field is a CIDR test. schema (may be NULL) types
 * the fields. NULL after reporting what the IR cannot evaluate (nested queries over several
 * fields, ranges over non-numbers, wildcard field names). */
IrNode *kql_lower(Arena *arena, const Source *src, const KqlNode *query, const EcsSchema *schema,
                  DiagSink *diags);

/* Compiles a .kql file: each non-empty line not starting with '//' is a query and becomes a rule
 * of its own (origin IR_LANG_KQL). False when an error was reported. */
bool kql_compile(Arena *arena, const Source *src, const KqlOptions *options,
                 const EcsSchema *schema, DiagSink *diags, IrRuleSet *rules);

#endif
