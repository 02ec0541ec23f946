/* The condition of a detection: grammar/sigma-condition.ebnf. A hand-written parser with a
 * precedence table for 'and' / 'or'; identifiers are replaced by copies of their selections' IR. */
#include <string.h>

#include "sigma/sigma_internal.h"

#define COND_TOKENS(X)                                                                             \
  X(TK_IDENT, "identifier")                                                                        \
  X(TK_PATTERN, "identifier pattern")                                                              \
  X(TK_AND, "'and'")                                                                               \
  X(TK_OR, "'or'")                                                                                 \
  X(TK_NOT, "'not'")                                                                               \
  X(TK_LPAREN, "'('")                                                                              \
  X(TK_RPAREN, "')'")                                                                              \
  X(TK_ONE, "'1'")                                                                                 \
  X(TK_ANY, "'any'")                                                                               \
  X(TK_ALL, "'all'")                                                                               \
  X(TK_OF, "'of'")                                                                                 \
  X(TK_THEM, "'them'")                                                                             \
  X(TK_PIPE, "'|'")                                                                                \
  X(TK_END, "the end of the condition")                                                            \
  X(TK_BAD, "character")

typedef enum TokenKind {
#define X(kind, name) kind,
  COND_TOKENS(X)
#undef X
} TokenKind;

static const char *const token_names[] = {
#define X(kind, name) [kind] = name,
    COND_TOKENS(X)
#undef X
};

typedef struct Token {
  TokenKind kind;
  size_t start; /* byte index into the condition text */
  size_t len;
} Token;

typedef struct Parser {
  SigmaCtx *ctx;
  const YamlNode *scalar;
  const char *text;
  size_t at; /* next byte to lex */
  Token tok; /* current token */
  SigmaSelections *selections;
  size_t depth;
  bool failed;
} Parser;

/* Binary operators, weakest first: 'or' < 'and'; both left-associative. */
static const struct {
  TokenKind token;
  IrNodeKind node;
  int precedence;
} binary_ops[] = {{TK_OR, IR_OR, 1}, {TK_AND, IR_AND, 2}};

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '*';
}

static TokenKind keyword(const char *word, size_t len) {
  static const struct {
    const char *word;
    TokenKind kind;
  } words[] = {{"and", TK_AND}, {"or", TK_OR},   {"not", TK_NOT}, {"1", TK_ONE},
               {"any", TK_ANY}, {"all", TK_ALL}, {"of", TK_OF},   {"them", TK_THEM}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].word) == len && memcmp(words[i].word, word, len) == 0)
      return words[i].kind;
  return memchr(word, '*', len) ? TK_PATTERN : TK_IDENT;
}

static void next(Parser *p) {
  while (p->text[p->at] == ' ' || p->text[p->at] == '\t' || p->text[p->at] == '\n' ||
         p->text[p->at] == '\r')
    p->at++;
  Token tok = {TK_END, p->at, 0};
  char c = p->text[p->at];
  if (c == '\0') {
    tok.len = 0;
  } else if (c == '(' || c == ')' || c == '|') {
    tok.kind = c == '(' ? TK_LPAREN : c == ')' ? TK_RPAREN : TK_PIPE;
    tok.len = 1;
  } else if (word_char(c)) {
    while (word_char(p->text[p->at + tok.len]))
      tok.len++;
    tok.kind = keyword(p->text + p->at, tok.len);
  } else {
    tok.kind = TK_BAD;
    tok.len = 1;
    while ((p->text[p->at + tok.len] & 0xC0) == 0x80)
      tok.len++;
  }
  p->at += tok.len;
  p->tok = tok;
}

static Span token_span(const Parser *p, const Token *tok) {
  Span span = {yaml_scalar_offset(p->ctx->src, p->scalar, tok->start),
               yaml_scalar_offset(p->ctx->src, p->scalar, tok->start + tok->len)};
  if (span.end <= span.start)
    span.end = span.start + 1;
  return span;
}

static void error_at(Parser *p, const Token *tok, const char *message) {
  if (!p->failed)
    sigma_error_at(p->ctx, token_span(p, tok), "sigma-condition", "%s", message);
  p->failed = true;
}

/* "expected X, saw 'tok'" for the current token, then the hint if any. */
static void expected_hint(Parser *p, const char *what, const char *hint) {
  const Token *tok = &p->tok;
  const char *saw = tok->kind == TK_END ? token_names[TK_END]
                                        : arena_printf(p->ctx->arena, "'%.*s'", (int)tok->len,
                                                       p->text + tok->start);
  error_at(p, tok, arena_printf(p->ctx->arena, "expected %s, saw %s%s", what, saw, hint));
}

static void expected(Parser *p, const char *what) { expected_hint(p, what, ""); }

static SigmaSelection *find(Parser *p, const char *name, size_t len) {
  for (size_t i = 0; i < p->selections->count; i++) {
    SigmaSelection *sel = &p->selections->items[i];
    if (strlen(sel->name) == len && memcmp(sel->name, name, len) == 0)
      return sel;
  }
  return NULL;
}

/* True when the token is a condition keyword written in another case ('AND', 'Or'). */
static bool upper_keyword(const Parser *p, const Token *tok) {
  char word[8];
  if (tok->kind != TK_IDENT || tok->len >= sizeof word)
    return false;
  for (size_t i = 0; i < tok->len; i++)
    word[i] = (char)(p->text[tok->start + i] | 0x20);
  TokenKind kind = keyword(word, tok->len);
  return kind != TK_IDENT && kind != TK_PATTERN;
}

/* A selection's IR, copied so that no two places of a tree share nodes. */
static IrNode *use(Parser *p, SigmaSelection *sel) {
  sel->used = true;
  if (!sel->tree) {
    p->failed = true; /* its errors were reported where it is written */
    return NULL;
  }
  return ir_clone(p->ctx->arena, sel->tree);
}

/* identifier */
static IrNode *identifier(Parser *p) {
  Token tok = p->tok;
  next(p);
  SigmaSelection *sel = find(p, p->text + tok.start, tok.len);
  if (sel)
    return use(p, sel);
  const char *name = arena_printf(p->ctx->arena, "%.*s", (int)tok.len, p->text + tok.start);
  error_at(p, &tok,
           upper_keyword(p, &tok)
               ? arena_printf(p->ctx->arena,
                              "unknown search identifier '%s'; condition keywords are lower case",
                              name)
               : arena_printf(p->ctx->arena, "unknown search identifier '%s'", name));
  return NULL;
}

/* '*' in a pattern matches any run of characters; the classic single-backtrack walk keeps this
 * linear in practice and quadratic at worst, whatever the pattern. */
static bool glob(const char *pattern, size_t plen, const char *name) {
  size_t p = 0, n = 0, star = (size_t)-1, mark = 0;
  size_t nlen = strlen(name);
  while (n < nlen) {
    if (p < plen && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < plen && pattern[p] == name[n]) {
      p++;
      n++;
    } else if (star != (size_t)-1) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < plen && pattern[p] == '*')
    p++;
  return p == plen;
}

/* target = "them" | pattern | identifier ;   selections whose name starts with '_' are left
 * out of 'them' and of patterns that do not start with '_' themselves (pySigma). */
static IrNode *quantified(Parser *p, IrNodeKind kind, const Token *quantifier) {
  Token target = p->tok;
  if (target.kind != TK_THEM && target.kind != TK_PATTERN && target.kind != TK_IDENT) {
    expected(p, "'them' or a search identifier pattern after 'of'");
    return NULL;
  }
  next(p);
  const char *pattern = p->text + target.start;
  bool them = target.kind == TK_THEM;
  IrNode **nodes = arena_array(p->ctx->arena, p->selections->count, sizeof(IrNode *));
  size_t count = 0;
  for (size_t i = 0; i < p->selections->count; i++) {
    SigmaSelection *sel = &p->selections->items[i];
    bool hidden = sel->name[0] == '_' && (them || pattern[0] != '_');
    if (hidden || !(them || glob(pattern, target.len, sel->name)))
      continue;
    nodes[count++] = use(p, sel);
  }
  if (count == 0) {
    error_at(p, &target,
             arena_printf(p->ctx->arena, "'%.*s' matches no search identifier", (int)target.len,
                          pattern));
    return NULL;
  }
  (void)quantifier;
  if (p->failed)
    return NULL;
  return ir_join(p->ctx->arena, kind, nodes, count);
}

static IrNode *expression(Parser *p, int min_precedence);

/* primary = "(" expression ")" | quantifier "of" target | identifier ;
 * quantifier = "1" | "any" | "all" ; */
static IrNode *primary(Parser *p) {
  Token tok = p->tok;
  switch (tok.kind) {
  case TK_LPAREN: {
    next(p);
    IrNode *inner = expression(p, 1);
    if (p->tok.kind != TK_RPAREN) {
      size_t line, column;
      source_locate(p->ctx->src, token_span(p, &tok).start, &line, &column);
      expected(p, arena_printf(p->ctx->arena, "')' (to close '(' at column %zu)", column));
      return NULL;
    }
    next(p);
    return inner;
  }
  case TK_ONE:
  case TK_ANY:
  case TK_ALL:
    next(p);
    if (p->tok.kind != TK_OF) {
      expected(p, "'of'");
      return NULL;
    }
    next(p);
    return quantified(p, tok.kind == TK_ALL ? IR_AND : IR_OR, &tok);
  case TK_IDENT:
    if (strspn(p->text + tok.start, "0123456789") == tok.len) {
      Parser ahead = *p;
      next(&ahead);
      if (ahead.tok.kind == TK_OF) {
        error_at(p, &tok, "only '1 of', 'any of' and 'all of' exist in Sigma");
        return NULL;
      }
    }
    return identifier(p);
  case TK_PATTERN:
    error_at(p, &tok, "a pattern with '*' needs '1 of' or 'all of' before it");
    return NULL;
  case TK_PIPE:
    error_at(p, &tok, "aggregations after '|' were removed in Sigma 2; use a correlation rule");
    return NULL;
  case TK_BAD:
    error_at(p, &tok,
             arena_printf(p->ctx->arena, "unexpected character '%.*s' in the condition",
                          (int)tok.len, p->text + tok.start));
    return NULL;
  case TK_AND:
  case TK_OR:
  case TK_NOT:
  case TK_RPAREN:
  case TK_OF:
  case TK_THEM:
  case TK_END:
    expected(p, "a search identifier, 'not', '(' or '1 of' / 'all of'");
    return NULL;
  }
  return NULL;
}

/* unary = "not" unary | primary ; */
static IrNode *unary(Parser *p) {
  if (++p->depth > p->ctx->options->max_condition_depth) {
    error_at(p, &p->tok,
             arena_printf(p->ctx->arena, "condition nested deeper than %zu levels",
                          p->ctx->options->max_condition_depth));
    return NULL;
  }
  IrNode *node;
  if (p->tok.kind == TK_NOT) {
    next(p);
    IrNode *inner = unary(p);
    /* not not X is X (Sigma's logic has two values): a run of 'not's, kept, would nest the
     * queries written for it as deep (KQL: two levels a 'not'), past what readers take */
    node = !inner                  ? NULL
           : inner->kind == IR_NOT ? inner->children[0]
                                   : ir_not(p->ctx->arena, inner);
  } else {
    node = primary(p);
  }
  p->depth--;
  return node;
}

static int binary_op(TokenKind kind) {
  for (int i = 0; i < (int)(sizeof binary_ops / sizeof binary_ops[0]); i++)
    if (binary_ops[i].token == kind)
      return i;
  return -1;
}

/* expression = unary { ("and" | "or") unary } ;  with 'and' binding tighter than 'or' */
static IrNode *expression(Parser *p, int min_precedence) {
  IrNode *left = unary(p);
  IrNode *built = NULL; /* the n-ary node this loop made, so a chain stays flat */
  for (;;) {
    int op = binary_op(p->tok.kind);
    if (op < 0 || binary_ops[op].precedence < min_precedence || p->failed)
      break;
    next(p);
    IrNode *right = expression(p, binary_ops[op].precedence + 1);
    if (!left || !right) {
      left = NULL;
      continue;
    }
    IrNodeKind kind = binary_ops[op].node;
    if (built && built == left && built->kind == kind) {
      built->children = arena_grow(p->ctx->arena, built->children, built->count, built->count + 1,
                                   sizeof(IrNode *));
      built->children[built->count++] = right;
    } else {
      IrNode *pair[2] = {left, right};
      built = left = ir_join(p->ctx->arena, kind, pair, 2);
    }
  }
  return p->failed ? NULL : left;
}

IrNode *sigma_condition(SigmaCtx *ctx, const YamlNode *condition, SigmaSelections *selections) {
  Parser p = {.ctx = ctx, .scalar = condition, .text = condition->text, .selections = selections};
  next(&p);
  if (p.tok.kind == TK_END) {
    error_at(&p, &p.tok, "empty condition");
    return NULL;
  }
  IrNode *tree = expression(&p, 1);
  if (!p.failed && p.tok.kind != TK_END) {
    if (p.tok.kind == TK_PIPE)
      error_at(&p, &p.tok,
               "aggregations after '|' were removed in Sigma 2; use a correlation rule");
    else if (upper_keyword(&p, &p.tok))
      expected_hint(&p, "'and', 'or' or the end of the condition",
                    "; condition keywords are lower case");
    else
      expected(&p, "'and', 'or' or the end of the condition");
  }
  return p.failed ? NULL : tree;
}
