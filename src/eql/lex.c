/* EQL tokens (Elasticsearch's EqlBase.g4 lexer rules, eql-semantics.md section 2 and 11). */
#include "eql/lex.h"

#include <string.h>

#include "base/strbuf.h"
#include "base/utf8.h"

static const char *const token_names[] = {
#define X(kind, name) [kind] = name,
    EQL_TOKENS(X)
#undef X
};

const char *lex_token_name(TokenKind kind) { return token_names[kind]; }

void lex_init(Lexer *lx, Arena *arena, const Source *src, DiagSink *diags, bool endgame) {
  memset(lx, 0, sizeof *lx);
  lx->arena = arena;
  lx->src = src;
  lx->diags = diags;
  lx->endgame = endgame;
}

static char peek(const Lexer *lx, size_t ahead) {
  return lx->at + ahead < lx->src->len ? lx->src->text[lx->at + ahead] : '\0';
}

static void lex_error(Lexer *lx, size_t start, size_t end, const char *message) {
  if (lx->diags) /* a look-ahead copy reports nothing: the real lexer will, once */
    diag_report(lx->diags, DIAG_ERROR, lx->src, (Span){start, end > start ? end : start + 1},
                "eql-syntax", "%s", message);
  lx->errors++;
}

Token lex_peek(const Lexer *lx) {
  Lexer probe = *lx;
  probe.diags = NULL;
  return lex_next(&probe);
}

/* Whitespace, // line comments and nestable block comments. */
static void skip_space(Lexer *lx) {
  for (;;) {
    char c = peek(lx, 0);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      lx->at++;
    } else if (c == '/' && peek(lx, 1) == '/') {
      while (lx->at < lx->src->len && peek(lx, 0) != '\n')
        lx->at++;
    } else if (c == '/' && peek(lx, 1) == '*') {
      size_t start = lx->at, depth = 0;
      do {
        if (peek(lx, 0) == '/' && peek(lx, 1) == '*')
          depth++, lx->at += 2;
        else if (peek(lx, 0) == '*' && peek(lx, 1) == '/')
          depth--, lx->at += 2;
        else
          lx->at++;
      } while (depth > 0 && lx->at < lx->src->len);
      if (depth > 0)
        lex_error(lx, start, start + 2, "unclosed comment '/*'");
    } else {
      return;
    }
  }
}

static bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
}

static bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static TokenKind keyword(const char *word, size_t len) {
  static const struct {
    const char *word;
    TokenKind kind;
  } words[] = {{"and", TK_AND},     {"any", TK_ANY},         {"by", TK_BY},
               {"false", TK_FALSE}, {"in", TK_IN},           {"join", TK_JOIN},
               {"like", TK_LIKE},   {"maxspan", TK_MAXSPAN}, {"not", TK_NOT},
               {"null", TK_NULL},   {"of", TK_OF},           {"or", TK_OR},
               {"regex", TK_REGEX}, {"sample", TK_SAMPLE},   {"sequence", TK_SEQUENCE},
               {"true", TK_TRUE},   {"until", TK_UNTIL},     {"where", TK_WHERE},
               {"with", TK_WITH}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].word) == len && memcmp(words[i].word, word, len) == 0)
      return words[i].kind;
  return TK_IDENT;
}

static Token word(Lexer *lx, size_t start) {
  lx->at++; /* the first character ('@' may only stand there) */
  while (ident_char(peek(lx, 0)))
    lx->at++;
  TokenKind kind = keyword(lx->src->text + start, lx->at - start);
  if (peek(lx, 0) == '~') {
    TokenKind tilde = kind == TK_IN      ? TK_IN_TILDE
                      : kind == TK_LIKE  ? TK_LIKE_TILDE
                      : kind == TK_REGEX ? TK_REGEX_TILDE
                      : kind == TK_IDENT ? TK_FUNCTION_TILDE
                                         : kind;
    if (tilde != kind) {
      lx->at++;
      kind = tilde;
    }
  }
  return (Token){kind, {start, lx->at}};
}

static Token number(Lexer *lx, size_t start) {
  bool decimal = false;
  while (peek(lx, 0) >= '0' && peek(lx, 0) <= '9')
    lx->at++;
  if (peek(lx, 0) == '.' && !(peek(lx, 1) == '.')) {
    decimal = true;
    lx->at++;
    while (peek(lx, 0) >= '0' && peek(lx, 0) <= '9')
      lx->at++;
  }
  if ((peek(lx, 0) == 'e' || peek(lx, 0) == 'E') &&
      ((peek(lx, 1) >= '0' && peek(lx, 1) <= '9') ||
       ((peek(lx, 1) == '+' || peek(lx, 1) == '-') && peek(lx, 2) >= '0' && peek(lx, 2) <= '9'))) {
    decimal = true;
    lx->at += 2;
    while (peek(lx, 0) >= '0' && peek(lx, 0) <= '9')
      lx->at++;
  }
  return (Token){decimal ? TK_DECIMAL : TK_INTEGER, {start, lx->at}};
}

/* "..." with escapes, """...""" raw; in Endgame syntax also '...' and ?"..." / ?'...'. */
static Token string(Lexer *lx, size_t start) {
  char quote = peek(lx, 0);
  if (quote == '"' && peek(lx, 1) == '"' && peek(lx, 2) == '"') {
    lx->at += 3;
    while (lx->at < lx->src->len &&
           !(peek(lx, 0) == '"' && peek(lx, 1) == '"' && peek(lx, 2) == '"')) {
      if (peek(lx, 0) == '\n' || peek(lx, 0) == '\r')
        break;
      lx->at++;
    }
    if (!(peek(lx, 0) == '"' && peek(lx, 1) == '"' && peek(lx, 2) == '"')) {
      lex_error(lx, start, start + 3,
                "unterminated raw string '\"\"\"' (raw strings end on the same line)");
      return (Token){TK_ERROR, {start, lx->at}};
    }
    lx->at += 3;
    for (int extra = 0; extra < 2 && peek(lx, 0) == '"'; extra++)
      lx->at++; /* up to two quotes right before the closing ones belong to the value */
    return (Token){TK_STRING, {start, lx->at}};
  }
  lx->at++;
  while (lx->at < lx->src->len && peek(lx, 0) != quote) {
    if (peek(lx, 0) == '\n' || peek(lx, 0) == '\r')
      break;
    lx->at += peek(lx, 0) == '\\' && lx->at + 1 < lx->src->len ? 2 : 1;
  }
  if (peek(lx, 0) != quote) {
    lex_error(lx, start, start + 1,
              "unterminated string: a string ends with its quote on the same line");
    return (Token){TK_ERROR, {start, lx->at}};
  }
  lx->at++;
  return (Token){TK_STRING, {start, lx->at}};
}

static Token quoted_identifier(Lexer *lx, size_t start) {
  lx->at++;
  for (;;) {
    if (lx->at >= lx->src->len) {
      lex_error(lx, start, start + 1, "unterminated quoted identifier '`'");
      return (Token){TK_ERROR, {start, lx->at}};
    }
    if (peek(lx, 0) == '`' && peek(lx, 1) == '`') {
      lx->at += 2;
      continue;
    }
    if (peek(lx, 0) == '`')
      break;
    lx->at++;
  }
  lx->at++;
  return (Token){TK_QUOTED_IDENT, {start, lx->at}};
}

/* Two-character operators first, then one-character ones. */
static Token punctuation(Lexer *lx, size_t start) {
  static const struct {
    const char *text;
    TokenKind kind;
  } ops[] = {{"==", TK_EQ},      {"!=", TK_NEQ},   {"<=", TK_LTE},   {">=", TK_GTE},
             {"!:", TK_NCOLON},  {"<", TK_LT},     {">", TK_GT},     {"=", TK_ASSIGN},
             {":", TK_COLON},    {"(", TK_LPAREN}, {")", TK_RPAREN}, {"[", TK_LBRACKET},
             {"]", TK_RBRACKET}, {",", TK_COMMA},  {".", TK_DOT},    {"|", TK_PIPE},
             {"?", TK_QUESTION}, {"!", TK_BANG},   {"+", TK_PLUS},   {"-", TK_MINUS},
             {"*", TK_STAR},     {"/", TK_SLASH},  {"%", TK_PERCENT}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    size_t n = strlen(ops[i].text);
    if (lx->at + n <= lx->src->len && memcmp(lx->src->text + lx->at, ops[i].text, n) == 0) {
      lx->at += n;
      return (Token){ops[i].kind, {start, lx->at}};
    }
  }
  size_t width = utf8_sequence_length(lx->src->text + lx->at, lx->src->len - lx->at);
  lx->at += width ? width : 1;
  lex_error(lx, start, lx->at,
            arena_printf(lx->arena, "unexpected character '%.*s'", (int)(lx->at - start),
                         lx->src->text + start));
  return (Token){TK_ERROR, {start, lx->at}};
}

Token lex_next(Lexer *lx) {
  skip_space(lx);
  size_t start = lx->at;
  if (lx->at >= lx->src->len)
    return (Token){TK_EOF, {start, start}};
  char c = peek(lx, 0);
  if (ident_start(c))
    return word(lx, start);
  if ((c >= '0' && c <= '9') || (c == '.' && peek(lx, 1) >= '0' && peek(lx, 1) <= '9'))
    return number(lx, start);
  if (c == '"')
    return string(lx, start);
  if (c == '\'' && lx->endgame)
    return string(lx, start);
  if (c == '\'') {
    string(lx, start); /* skip it whole, then say why */
    lex_error(lx, start, lx->at,
              "use double quotes [\"] to define string literals, not single quotes [']");
    return (Token){TK_ERROR, {start, lx->at}};
  }
  if (c == '?' && (peek(lx, 1) == '"' || peek(lx, 1) == '\'')) {
    lx->at++;
    Token raw = string(lx, start + 1);
    if (lx->endgame)
      return (Token){raw.kind, {start, raw.span.end}};
    lex_error(lx, start, lx->at,
              "use triple double quotes [\"\"\"] to define unescaped string literals, not [?\"]");
    return (Token){TK_ERROR, {start, lx->at}};
  }
  if (c == '`')
    return quoted_identifier(lx, start);
  return punctuation(lx, start);
}

static void put_utf8(StrBuf *out, unsigned long code) {
  if (code < 0x80) {
    sb_putc(out, (char)code);
  } else if (code < 0x800) {
    sb_putc(out, (char)(0xC0 | (code >> 6)));
    sb_putc(out, (char)(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    sb_putc(out, (char)(0xE0 | (code >> 12)));
    sb_putc(out, (char)(0x80 | ((code >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (code & 0x3F)));
  } else {
    sb_putc(out, (char)(0xF0 | (code >> 18)));
    sb_putc(out, (char)(0x80 | ((code >> 12) & 0x3F)));
    sb_putc(out, (char)(0x80 | ((code >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (code & 0x3F)));
  }
}

/* \u{XX..}: 2 to 8 hex digits, no surrogates (Elasticsearch's handleUnicodePoints). */
static bool unicode_escape(Lexer *lx, size_t at, size_t *width, StrBuf *out) {
  const char *t = lx->src->text;
  size_t digits = 0;
  unsigned long code = 0;
  if (t[at + 2] != '{') {
    lex_error(lx, at, at + 2, "a unicode escape is written \\u{XXXX}");
    return false;
  }
  while (hex_digit_value(t[at + 3 + digits]) >= 0 && digits < 9)
    code = code * 16 + (unsigned long)hex_digit_value(t[at + 3 + digits++]);
  if (t[at + 3 + digits] != '}' || digits < 2 || digits > 8) {
    lex_error(lx, at, at + 3 + digits,
              arena_printf(lx->arena,
                           "unicode sequence should use [2-8] hex digits, [%.*s] has [%zu]",
                           (int)(digits + 4), t + at, digits));
    return false;
  }
  if (code >= 0xD800 && code <= 0xDFFF) {
    lex_error(lx, at, at + 4 + digits,
              arena_printf(lx->arena, "invalid unicode character code, [%.*s] is a surrogate code",
                           (int)digits, t + at + 3));
    return false;
  }
  if (code > 0x10FFFF) {
    lex_error(lx, at, at + 4 + digits,
              arena_printf(lx->arena, "invalid unicode character code [%.*s], past U+10FFFF",
                           (int)digits, t + at + 3));
    return false;
  }
  put_utf8(out, code);
  *width = 4 + digits;
  return true;
}

static bool escaped(Lexer *lx, size_t at, size_t *width, StrBuf *out) {
  static const char from[] = "btnfr\"'\\", to[] = "\b\t\n\f\r\"'\\";
  char c = lx->src->text[at + 1];
  const char *hit = c ? strchr(from, c) : NULL;
  *width = 2;
  if (hit) {
    sb_putc(out, to[hit - from]);
    return true;
  }
  if (c == 'u')
    return unicode_escape(lx, at, width, out);
  if (lx->endgame) { /* Endgame keeps unknown escapes as written */
    sb_putn(out, lx->src->text + at, 2);
    return true;
  }
  lex_error(lx, at, at + 2,
            arena_printf(lx->arena,
                         "invalid escape sequence '\\%c' in a string; write '\\\\' for a backslash",
                         c));
  return false;
}

bool lex_string_value(Lexer *lx, Token tok, char **out, size_t *len) {
  const char *t = lx->src->text + tok.span.start;
  size_t n = tok.span.end - tok.span.start;
  bool raw = t[0] == '?' || (n >= 6 && memcmp(t, "\"\"\"", 3) == 0);
  size_t open = t[0] == '?' ? 2 : raw ? 3 : 1, close = raw && t[0] != '?' ? 3 : 1;
  if (raw) {
    *out = arena_strndup(lx->arena, t + open, n - open - close);
    *len = n - open - close;
    return true;
  }
  StrBuf value = STRBUF_INIT;
  bool ok = true;
  for (size_t i = tok.span.start + open; i < tok.span.end - close;) {
    size_t width = 1;
    if (lx->src->text[i] == '\\')
      ok = escaped(lx, i, &width, &value) && ok;
    else
      sb_putc(&value, lx->src->text[i]);
    i += width;
  }
  *out = arena_strndup(lx->arena, sb_text(&value), value.len);
  *len = value.len;
  sb_free(&value);
  return ok;
}

char *lex_identifier(Lexer *lx, Token tok) {
  const char *t = lx->src->text + tok.span.start;
  size_t n = tok.span.end - tok.span.start;
  if (tok.kind != TK_QUOTED_IDENT)
    return arena_strndup(lx->arena, t, tok.kind == TK_FUNCTION_TILDE ? n - 1 : n);
  StrBuf name = STRBUF_INIT;
  for (size_t i = 1; i + 1 < n; i++) {
    sb_putc(&name, t[i]);
    if (t[i] == '`')
      i++;
  }
  char *result = arena_strndup(lx->arena, sb_text(&name), name.len);
  sb_free(&name);
  return result;
}
