/* Private to src/eql/: a parsed EQL statement before it is checked and lowered into the IR.
 * Conditions are IrExpr trees; the query structure keeps every span the checks point at. */
#ifndef SIGMAC_EQL_AST_H
#define SIGMAC_EQL_AST_H

#include "eql/lex.h"
#include "sigmac/ir.h"

typedef struct EqlTerm {
  Span span;            /* the whole term, brackets and suffixes included */
  const char *category; /* NULL for 'any' */
  Span category_span;
  IrExpr *where;
  IrExpr **by;
  size_t by_count;
  Span by_span;
  bool missing; /* '!' */
  long runs;    /* 1 when absent */
  Span runs_span;
  bool fork; /* Endgame 'fork' (warned about; the IR cannot hold it) */
} EqlTerm;

typedef struct EqlPipe {
  const char *name;
  Span span; /* the name */
  IrExpr **args;
  size_t count;
} EqlPipe;

typedef enum EqlShape { EQL_EVENT, EQL_SEQUENCE, EQL_SAMPLE, EQL_JOIN } EqlShape;

typedef struct EqlStatement {
  EqlShape shape;
  Span span;         /* the whole statement */
  Span keyword_span; /* 'sequence', 'sample', 'join', or the event category */
  EqlTerm *terms;    /* EQL_EVENT: one */
  size_t term_count;
  IrExpr **by; /* shared join keys */
  size_t by_count;
  Span by_span;
  const char *maxspan_text;
  long long maxspan_ms; /* 0: none */
  Span maxspan_span;
  EqlTerm *until;
  EqlPipe *pipes;
  size_t pipe_count;
} EqlStatement;

typedef struct EqlParser {
  Lexer lx;
  Arena *arena;
  DiagSink *diags;
  const Source *src;
  Token tok;  /* current */
  Token prev; /* last consumed */
  size_t depth;
  size_t max_depth;
  bool failed; /* a syntax error in the current statement */
  bool endgame;
} EqlParser;

/* parse.c: the next statement, or NULL at the end of the input. After a syntax error the
 * statement is returned with failed set, and parsing resumes at the next query. */
EqlStatement *eql_parse_statement(EqlParser *p);
void eql_parser_init(EqlParser *p, Arena *arena, const Source *src, DiagSink *diags, bool endgame,
                     size_t max_depth);

/* check.c: the language's semantic rules, reported at their positions. */
void eql_check(EqlParser *p, const EqlStatement *st);

/* lower.c: the statement as an IR query (conditions as predicates where the IR has them). */
IrQuery *eql_lower(Arena *arena, const Source *src, const EqlStatement *st);

#endif
