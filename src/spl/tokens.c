/* SPL tokens (tokens.h). */
#include "spl/tokens.h"

#include <string.h>

#include "base/strbuf.h"

void spl_lex_error(Parser *p, Span span, const char *id, const char *message) {
  if (!p->failed)
    diag_report(p->diags, DIAG_ERROR, p->src, span, id, "%s", message);
  p->failed = true;
}

static bool word_char(char c) { return c && !strchr(" \t\r\n()[]=!<>,|\"", c); }

void spl_lex_next(Parser *p) {
  while (p->pos < p->end && strchr(" \t\r\n", p->text[p->pos]))
    p->pos++;
  size_t start = p->pos;
  Tok t = {T_END, {start, start}, NULL};
  if (p->pos >= p->end) {
    p->tok = t;
    return;
  }
  char c = p->text[p->pos];
  static const char punctuation[] = "()[]|,";
  static const TokKind kinds[] = {T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_PIPE, T_COMMA};
  const char *at = c ? strchr(punctuation, c) : NULL;
  if (at) {
    t.kind = kinds[at - punctuation];
    p->pos++;
  } else if (c == '"') {
    t.kind = T_STRING;
    for (p->pos++; p->pos < p->end && p->text[p->pos] != '"'; p->pos++)
      if (p->text[p->pos] == '\\' && p->pos + 1 < p->end)
        p->pos++;
    if (p->pos >= p->end) {
      spl_lex_error(p, (Span){start, start + 1}, "spl-syntax",
                    "this quoted string is never closed");
      t.kind = T_END; /* nothing more is read after an error */
    } else {
      p->pos++;
    }
  } else if (strchr("=!<>", c)) {
    static const char *const ops[] = {"!=", "<=", ">=", "==", "=", "<", ">"};
    t.kind = T_OP;
    for (size_t i = 0; i < 7 && !t.op; i++)
      if (p->pos + strlen(ops[i]) <= p->end &&
          strncmp(p->text + p->pos, ops[i], strlen(ops[i])) == 0) {
        t.op = ops[i];
        p->pos += strlen(ops[i]);
      }
    if (!t.op) {
      spl_lex_error(p, (Span){start, start + 1}, "spl-syntax",
                    "expected a comparison such as '=' or '!='");
      p->pos++;
      t.kind = T_END; /* nothing more is read after an error */
    }
  } else {
    t.kind = T_WORD;
    while (p->pos < p->end && word_char(p->text[p->pos]))
      p->pos++;
  }
  t.span.end = p->pos;
  p->tok = t;
}

bool spl_lex_word_is(const Parser *p, const char *word) {
  size_t len = p->tok.span.end - p->tok.span.start;
  return p->tok.kind == T_WORD && strlen(word) == len &&
         memcmp(p->text + p->tok.span.start, word, len) == 0;
}

const char *spl_lex_text(const Parser *p) {
  return arena_strndup(p->arena, p->text + p->tok.span.start, p->tok.span.end - p->tok.span.start);
}

/* Whether the current token is the word word, consumed if so. */
bool spl_lex_take_word(Parser *p, const char *word) {
  if (!spl_lex_word_is(p, word))
    return false;
  spl_lex_next(p);
  return true;
}

bool spl_lex_take(Parser *p, TokKind kind) {
  if (p->tok.kind != kind)
    return false;
  spl_lex_next(p);
  return true;
}

/* A single-quoted field name of eval ('F'), or NULL. */
const char *spl_lex_quoted_field(Parser *p) {
  size_t len = p->tok.span.end - p->tok.span.start;
  const char *t = p->text + p->tok.span.start;
  if (p->tok.kind != T_WORD || len < 3 || t[0] != '\'' || t[len - 1] != '\'')
    return NULL;
  const char *field = arena_strndup(p->arena, t + 1, len - 2);
  spl_lex_next(p);
  return field;
}

void spl_lex_init(Parser *p, Arena *arena, const Source *src, Span span, size_t max_depth,
                  DiagSink *diags) {
  *p = (Parser){.arena = arena,
                .src = src,
                .diags = diags,
                .text = src->text,
                .pos = span.start,
                .end = span.end,
                .max_depth = max_depth};
  spl_lex_next(p);
}

const char *spl_lex_name(const Parser *p, Tok tok) {
  if (tok.kind == T_WORD)
    return arena_strndup(p->arena, p->text + tok.span.start, tok.span.end - tok.span.start);
  StrBuf name = STRBUF_INIT;
  for (size_t i = tok.span.start + 1; i + 1 < tok.span.end; i++) {
    if (p->text[i] == '\\' && i + 2 < tok.span.end)
      i++;
    sb_putc(&name, p->text[i]);
  }
  const char *out = arena_strdup(p->arena, sb_text(&name));
  sb_free(&name);
  return out;
}
