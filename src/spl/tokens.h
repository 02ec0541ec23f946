/* SPL tokens, and the parser state the search parser (parse.c) and the correlation pipeline
 * parser (correlation.c) share. */
#ifndef SIGMAC_SPL_TOKENS_H
#define SIGMAC_SPL_TOKENS_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"

typedef enum TokKind {
  T_END,
  T_WORD, /* any run of other characters: names, bare values, 'quoted' eval names, numbers */
  T_STRING,
  T_LPAREN,
  T_RPAREN,
  T_LBRACKET, /* [ and ]: a subsearch */
  T_RBRACKET,
  T_PIPE,
  T_COMMA,
  T_OP
} TokKind;

typedef struct Tok {
  TokKind kind;
  Span span;
  const char *op; /* T_OP: "=", "==", "!=", "<", "<=", ">", ">=" */
} Tok;

/* A regex tested by '| eval C=if(isnotnull('F') AND match('F', "re"), "true", "false")' (the form
 * the SPL backend writes for a regex inside an OR or NOT), read by a later search as C="true". */
typedef struct Deferred {
  const char *field;     /* F */
  const char *regex;     /* re */
  const char *condition; /* C */
} Deferred;

typedef struct Parser {
  Deferred *deferred;
  size_t deferred_count;
  Arena *arena;
  const Source *src;
  DiagSink *diags;
  const char *text;
  size_t pos, end;
  Tok tok;
  size_t depth, max_depth;
  bool failed;
  const char *datamodel; /* "<model>.<dataset>" of a '| datamodel' read, or NULL */
} Parser;

/* A parser over src[span) (no NUL byte in it), at its first token. */
void spl_lex_init(Parser *p, Arena *arena, const Source *src, Span span, size_t max_depth,
                  DiagSink *diags);

/* Reports the first error only: what follows it is not read. */
void spl_lex_error(Parser *p, Span span, const char *id, const char *message);

/* Reads the next token into p->tok. */
void spl_lex_next(Parser *p);

/* Whether the current token is the word word. */
bool spl_lex_word_is(const Parser *p, const char *word);

/* The current token's text. */
const char *spl_lex_text(const Parser *p);

/* Whether the current token is the word word, or of kind kind; consumed if so. */
bool spl_lex_take_word(Parser *p, const char *word);
bool spl_lex_take(Parser *p, TokKind kind);

/* What a word or a double-quoted token says: a quoted one with its escapes (\\ and \") resolved. */
const char *spl_lex_name(const Parser *p, Tok tok);

/* A single-quoted field name of eval ('F'), consumed; or NULL. */
const char *spl_lex_quoted_field(Parser *p);

#endif
