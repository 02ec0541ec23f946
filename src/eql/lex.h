/* The EQL lexer: grammar/eql.ebnf's lexical rules. Tokens are spans of the source; string
 * values are decoded on demand. */
#ifndef SIGMAC_EQL_LEX_H
#define SIGMAC_EQL_LEX_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"

#define EQL_TOKENS(X)                                                                              \
  X(TK_EOF, "the end of the query")                                                                \
  X(TK_IDENT, "an identifier")                                                                     \
  X(TK_QUOTED_IDENT, "a quoted identifier")                                                        \
  X(TK_FUNCTION_TILDE, "a function name with '~'") /* name~ right before '(' */                    \
  X(TK_STRING, "a string")                                                                         \
  X(TK_INTEGER, "a number")                                                                        \
  X(TK_DECIMAL, "a number")                                                                        \
  X(TK_LPAREN, "'('")                                                                              \
  X(TK_RPAREN, "')'")                                                                              \
  X(TK_LBRACKET, "'['")                                                                            \
  X(TK_RBRACKET, "']'")                                                                            \
  X(TK_COMMA, "','")                                                                               \
  X(TK_DOT, "'.'")                                                                                 \
  X(TK_PIPE, "'|'")                                                                                \
  X(TK_QUESTION, "'?'")                                                                            \
  X(TK_BANG, "'!'")                                                                                \
  X(TK_EQ, "'=='")                                                                                 \
  X(TK_NEQ, "'!='")                                                                                \
  X(TK_LT, "'<'")                                                                                  \
  X(TK_LTE, "'<='")                                                                                \
  X(TK_GT, "'>'")                                                                                  \
  X(TK_GTE, "'>='")                                                                                \
  X(TK_ASSIGN, "'='")                                                                              \
  X(TK_COLON, "':'")                                                                               \
  X(TK_NCOLON, "'!:'")                                                                             \
  X(TK_PLUS, "'+'")                                                                                \
  X(TK_MINUS, "'-'")                                                                               \
  X(TK_STAR, "'*'")                                                                                \
  X(TK_SLASH, "'/'")                                                                               \
  X(TK_PERCENT, "'%'")                                                                             \
  X(TK_AND, "'and'")                                                                               \
  X(TK_ANY, "'any'")                                                                               \
  X(TK_BY, "'by'")                                                                                 \
  X(TK_FALSE, "'false'")                                                                           \
  X(TK_IN, "'in'")                                                                                 \
  X(TK_IN_TILDE, "'in~'")                                                                          \
  X(TK_JOIN, "'join'")                                                                             \
  X(TK_LIKE, "'like'")                                                                             \
  X(TK_LIKE_TILDE, "'like~'")                                                                      \
  X(TK_MAXSPAN, "'maxspan'")                                                                       \
  X(TK_NOT, "'not'")                                                                               \
  X(TK_NULL, "'null'")                                                                             \
  X(TK_OF, "'of'")                                                                                 \
  X(TK_OR, "'or'")                                                                                 \
  X(TK_REGEX, "'regex'")                                                                           \
  X(TK_REGEX_TILDE, "'regex~'")                                                                    \
  X(TK_SAMPLE, "'sample'")                                                                         \
  X(TK_SEQUENCE, "'sequence'")                                                                     \
  X(TK_TRUE, "'true'")                                                                             \
  X(TK_UNTIL, "'until'")                                                                           \
  X(TK_WHERE, "'where'")                                                                           \
  X(TK_WITH, "'with'")                                                                             \
  X(TK_ERROR, "an invalid character")

typedef enum TokenKind {
#define X(kind, name) kind,
  EQL_TOKENS(X)
#undef X
} TokenKind;

typedef struct Token {
  TokenKind kind;
  Span span;
} Token;

typedef struct Lexer {
  Arena *arena;
  const Source *src;
  DiagSink *diags;
  size_t at;     /* next byte */
  bool endgame;  /* Endgame syntax: single-quoted and ?"raw" strings */
  size_t errors; /* lexical errors reported */
} Lexer;

void lex_init(Lexer *lx, Arena *arena, const Source *src, DiagSink *diags, bool endgame);
/* The next token; lexical errors are reported and come back as TK_ERROR. */
Token lex_next(Lexer *lx);
/* The token after the current one, reporting nothing and moving nothing. */
Token lex_peek(const Lexer *lx);
const char *lex_token_name(TokenKind kind);
/* The bytes of a STRING token, escapes resolved; false after reporting a bad escape. */
bool lex_string_value(Lexer *lx, Token tok, char **out, size_t *len);
/* The name of an identifier token (back-quotes removed, doubled back-quotes undone). */
char *lex_identifier(Lexer *lx, Token tok);

#endif
