/* The SPL parser (spl.h): tokens, then a recursive descent over grammar/spl.ebnf that builds the
 * IR as it goes. In the search command NOT binds tightest, then OR, then AND (juxtaposed terms
 * or the word AND), as Splunk's documentation orders them. */
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/source.h"
#include "ir/ir_build.h"
#include "spl/spl.h"

typedef enum TokKind { T_END, T_WORD, T_STRING, T_LPAREN, T_RPAREN, T_PIPE, T_COMMA, T_OP } TokKind;

typedef struct Tok {
  TokKind kind;
  Span span;
  const char *op; /* T_OP: "=", "!=", "<", "<=", ">", ">=" */
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
} Parser;

static void error(Parser *p, Span span, const char *id, const char *message) {
  if (!p->failed)
    diag_report(p->diags, DIAG_ERROR, p->src, span, id, "%s", message);
  p->failed = true;
}

static bool word_char(char c) { return c && !strchr(" \t\r\n()=!<>,|\"", c); }

static void next(Parser *p) {
  while (p->pos < p->end && strchr(" \t\r\n", p->text[p->pos]))
    p->pos++;
  size_t start = p->pos;
  Tok t = {T_END, {start, start}, NULL};
  if (p->pos >= p->end) {
    p->tok = t;
    return;
  }
  char c = p->text[p->pos];
  if (c == '(' || c == ')' || c == '|' || c == ',') {
    t.kind = c == '(' ? T_LPAREN : c == ')' ? T_RPAREN : c == '|' ? T_PIPE : T_COMMA;
    p->pos++;
  } else if (c == '"') {
    t.kind = T_STRING;
    for (p->pos++; p->pos < p->end && p->text[p->pos] != '"'; p->pos++)
      if (p->text[p->pos] == '\\' && p->pos + 1 < p->end)
        p->pos++;
    if (p->pos >= p->end) {
      error(p, (Span){start, start + 1}, "spl-syntax", "this quoted string is never closed");
      t.kind = T_END; /* nothing more is read after an error */
    } else {
      p->pos++;
    }
  } else if (strchr("=!<>", c)) {
    static const char *const ops[] = {"!=", "<=", ">=", "=", "<", ">"};
    t.kind = T_OP;
    for (size_t i = 0; i < 6 && !t.op; i++)
      if (p->pos + strlen(ops[i]) <= p->end &&
          strncmp(p->text + p->pos, ops[i], strlen(ops[i])) == 0) {
        t.op = ops[i];
        p->pos += strlen(ops[i]);
      }
    if (!t.op) {
      error(p, (Span){start, start + 1}, "spl-syntax", "expected a comparison such as '=' or '!='");
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

static bool word_is(const Parser *p, const char *word) {
  size_t len = p->tok.span.end - p->tok.span.start;
  return p->tok.kind == T_WORD && strlen(word) == len &&
         memcmp(p->text + p->tok.span.start, word, len) == 0;
}

static const char *tok_text(const Parser *p) {
  return arena_strndup(p->arena, p->text + p->tok.span.start, p->tok.span.end - p->tok.span.start);
}

/* A value token as a pattern: '*' is the wildcard; in quotes \\ and \" are escapes. */
static IrString pattern_of(Parser *p, bool *has_wildcard) {
  IrStringBuilder b;
  ir_sb_init(&b, p->arena);
  bool quoted = p->tok.kind == T_STRING;
  size_t from = p->tok.span.start + quoted, to = p->tok.span.end - quoted;
  *has_wildcard = false;
  for (size_t i = from; i < to; i++) {
    char c = p->text[i];
    if (quoted && c == '\\' && i + 1 < to && (p->text[i + 1] == '\\' || p->text[i + 1] == '"')) {
      ir_sb_literal(&b, p->text + i + 1, 1);
      i++;
    } else if (c == '*') {
      ir_sb_wildcard(&b, IR_SEG_ANY);
      *has_wildcard = true;
    } else {
      ir_sb_literal(&b, &c, 1);
    }
  }
  return ir_sb_finish(&b);
}

static IrPredicate base_pred(Parser *p, const char *field, Span span) {
  IrPredicate pred = {0};
  pred.field = field;
  pred.src = p->src;
  pred.span = span;
  return pred;
}

/* field=value as search compares it. */
static IrNode *equals(Parser *p, const char *field, Span span) {
  bool wild;
  IrString pattern = pattern_of(p, &wild);
  IrPredicate pred = base_pred(p, field, span);
  if (wild && pattern.count == 1 && pattern.segs[0].kind == IR_SEG_ANY) {
    pred.match = IR_MATCH_NULL; /* f=*: the field has a value */
    return ir_not(p->arena, ir_pred(p->arena, &pred));
  }
  Cidr network;
  if (!wild && pattern.count == 1 && memchr(pattern.segs[0].text, '/', pattern.segs[0].len) &&
      cidr_parse(pattern.segs[0].text, pattern.segs[0].len, &network, NULL, NULL, NULL)) {
    pred.match = IR_MATCH_CIDR; /* a value in CIDR notation is a network */
    pred.pattern = pattern.segs[0].text;
    return ir_pred(p->arena, &pred);
  }
  ir_classify_string(p->arena, &pred, &pattern); /* case-insensitive: cased stays false */
  return ir_pred(p->arena, &pred);
}

static IrNode *comparison(Parser *p, const char *field, const char *op, Span span) {
  char *text = arena_strndup(p->arena, p->text + p->tok.span.start + (p->tok.kind == T_STRING),
                             p->tok.span.end - p->tok.span.start - 2 * (p->tok.kind == T_STRING));
  char *end;
  double value = strtod(text, &end);
  if (!ir_plain_number(text)) {
    error(p, p->tok.span, "spl-unsupported",
          "a comparison with text is not evaluated (its order in Splunk is not documented); "
          "only numbers are");
    return NULL;
  }
  IrPredicate pred = base_pred(p, field, span);
  pred.match = strcmp(op, "<") == 0    ? IR_MATCH_LT
               : strcmp(op, "<=") == 0 ? IR_MATCH_LTE
               : strcmp(op, ">") == 0  ? IR_MATCH_GT
                                       : IR_MATCH_GTE;
  pred.value.kind = IR_VALUE_NUMBER;
  pred.value.number.text = text;
  pred.value.number.value = value;
  long long integer = strtoll(text, &end, 10);
  pred.value.number.is_integer = !*end;
  pred.value.number.integer = integer;
  return ir_pred(p->arena, &pred);
}

static IrNode *and_expr(Parser *p);

static bool value_token(const Parser *p) {
  return p->tok.kind == T_WORD || p->tok.kind == T_STRING;
}

/* field IN (v, v ...) */
static IrNode *in_list(Parser *p, const char *field, Span span) {
  next(p);
  if (p->tok.kind != T_LPAREN) {
    error(p, p->tok.span, "spl-syntax", "expected '(' after IN");
    return NULL;
  }
  IrNode **values = NULL;
  size_t count = 0;
  for (next(p); !p->failed; next(p)) {
    if (!value_token(p)) {
      error(p, p->tok.span, "spl-syntax", "expected a value in the IN list");
      return NULL;
    }
    values = arena_grow(p->arena, values, count, count + 1, sizeof(IrNode *));
    values[count++] = equals(p, field, (Span){span.start, p->tok.span.end});
    next(p);
    if (p->tok.kind == T_RPAREN)
      break;
    if (p->tok.kind != T_COMMA) {
      error(p, p->tok.span, "spl-syntax", "expected ',' or ')' in the IN list");
      return NULL;
    }
  }
  next(p);
  return p->failed ? NULL : ir_join(p->arena, IR_OR, values, count);
}

/* Whether the current value token is true or "true". */
static bool token_is_true(const Parser *p) {
  size_t len = p->tok.span.end - p->tok.span.start;
  const char *t = p->text + p->tok.span.start;
  return (len == 4 && memcmp(t, "true", 4) == 0) || (len == 6 && memcmp(t, "\"true\"", 6) == 0);
}

/* The deferred regex whose eval named condition, or NULL. */
static const Deferred *deferred_condition(const Parser *p, const char *condition) {
  for (size_t i = p->deferred_count; i-- > 0;) /* the last eval of a name is the one in force */
    if (p->deferred[i].condition && strcmp(p->deferred[i].condition, condition) == 0)
      return &p->deferred[i];
  return NULL;
}

/* The field a token names: a word, or a quoted name with \" and \\ resolved. */
static const char *field_name(Parser *p, Tok tok) {
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

/* A term: field op value, field IN (...), or a bare value (a term of _raw). */
static IrNode *term(Parser *p) {
  if (!value_token(p)) {
    error(p, p->tok.span, "spl-syntax", "expected a search term");
    return NULL;
  }
  Tok first = p->tok;
  Parser saved = *p;
  next(p);
  if (p->failed)
    return NULL;
  if (p->tok.kind == T_OP) { /* a quoted field name is a name, not a term */
    const char *field = field_name(p, first);
    const char *op = p->tok.op;
    next(p);
    if (!value_token(p)) {
      error(p, p->tok.span, "spl-syntax", "expected a value after the comparison");
      return NULL;
    }
    Span span = {first.span.start, p->tok.span.end};
    IrNode *out;
    const Deferred *d = strcmp(op, "=") == 0 ? deferred_condition(p, field) : NULL;
    if (d && !token_is_true(p)) {
      error(p, p->tok.span, "spl-unsupported",
            "a condition of sigmac's eval is read only as =\"true\"");
      return NULL;
    }
    if (d) { /* C="true": the regex its eval tested */
      IrPredicate pred = base_pred(p, d->field, span);
      pred.match = IR_MATCH_REGEX;
      pred.pattern = d->regex;
      pred.cased = true; /* PCRE's own case rules */
      out = ir_pred(p->arena, &pred);
    } else if (strcmp(op, "=") == 0) {
      out = equals(p, field, span);
    } else if (strcmp(op, "!=") == 0) { /* the field is there, with another value */
      IrPredicate has = base_pred(p, field, span);
      has.match = IR_MATCH_NULL;
      IrNode *parts[2] = {ir_not(p->arena, ir_pred(p->arena, &has)),
                          ir_not(p->arena, equals(p, field, span))};
      out = ir_join(p->arena, IR_AND, parts, 2);
    } else {
      out = comparison(p, field, op, span);
    }
    next(p);
    return out;
  }
  if (word_is(p, "IN")) {
    const char *field = field_name(p, first);
    return in_list(p, field, first.span);
  }
  *p = saved; /* a bare term */
  bool wild;
  IrString pattern = pattern_of(p, &wild);
  IrPredicate pred = base_pred(p, NULL, first.span);
  next(p);
  if (!wild) { /* a plain term is found inside the event's text, as '*term*' */
    IrStringBuilder b;
    ir_sb_init(&b, p->arena);
    ir_sb_wildcard(&b, IR_SEG_ANY);
    for (size_t i = 0; i < pattern.count; i++)
      ir_sb_literal(&b, pattern.segs[i].text, pattern.segs[i].len);
    ir_sb_wildcard(&b, IR_SEG_ANY);
    pattern = ir_sb_finish(&b);
  }
  if (pattern.count == 1 && pattern.segs[0].kind == IR_SEG_ANY)
    return NULL; /* '*' (or ""): every event */
  ir_classify_string(p->arena, &pred, &pattern);
  return ir_pred(p->arena, &pred);
}

static bool deeper(Parser *p) {
  if (++p->depth <= p->max_depth)
    return true;
  error(p, p->tok.span, "spl-too-deep", "the search nests too deeply");
  return false;
}

static IrNode *not_expr(Parser *p) {
  if (word_is(p, "NOT")) {
    Span span = p->tok.span;
    next(p);
    if (!deeper(p))
      return NULL;
    IrNode *child = not_expr(p);
    p->depth--;
    if (!child && !p->failed) {
      error(p, span, "spl-unsupported", "NOT * matches no event; a rule needs a condition");
      return NULL;
    }
    return child ? ir_not(p->arena, child) : NULL;
  }
  if (p->tok.kind == T_LPAREN) {
    Span open = p->tok.span;
    next(p);
    if (!deeper(p))
      return NULL;
    IrNode *inner = and_expr(p);
    p->depth--;
    if (p->tok.kind != T_RPAREN) {
      error(p, p->failed ? p->tok.span : open, "spl-syntax", "this parenthesis is never closed");
      return NULL;
    }
    next(p);
    return inner;
  }
  return term(p);
}

static bool starts_operand(const Parser *p) {
  return (p->tok.kind == T_LPAREN || value_token(p)) && !word_is(p, "OR") && !word_is(p, "AND");
}

static IrNode *or_expr(Parser *p) {
  IrNode *left = not_expr(p);
  while (!p->failed && word_is(p, "OR")) {
    next(p);
    IrNode *right = not_expr(p);
    if (!left || !right) { /* '*' OR x: every event */
      left = NULL;
      continue;
    }
    IrNode *parts[2] = {left, right};
    left = ir_join(p->arena, IR_OR, parts, 2);
  }
  return left;
}

/* Juxtaposed terms, or joined by AND; NULL (every event) parts drop out. */
static IrNode *and_expr(Parser *p) {
  IrNode **parts = NULL;
  size_t count = 0;
  while (!p->failed && starts_operand(p)) {
    IrNode *part = or_expr(p);
    if (part) {
      parts = arena_grow(p->arena, parts, count, count + 1, sizeof(IrNode *));
      parts[count++] = part;
    }
    if (word_is(p, "AND"))
      next(p);
  }
  return count ? ir_join(p->arena, IR_AND, parts, count) : NULL;
}

/* The PCRE in the current string token: only \" is an escape of the SPL string (read as \x22,
 * as the SPL backend writes a quote); PCRE reads the rest. */
static const char *regex_text(Parser *p) {
  StrBuf re = STRBUF_INIT;
  for (size_t i = p->tok.span.start + 1; i + 1 < p->tok.span.end; i++) {
    if (p->text[i] == '\\' && p->text[i + 1] == '"' && i + 2 < p->tok.span.end) {
      sb_puts(&re, "\\x22");
      i++;
      continue;
    }
    if (p->text[i] == '\\' && i + 2 < p->tok.span.end)
      sb_putc(&re, p->text[i++]); /* an escape pair, kept whole */
    sb_putc(&re, p->text[i]);
  }
  const char *out = arena_strdup(p->arena, sb_text(&re));
  sb_free(&re);
  return out;
}

/* Whether the current token is the word word, consumed if so. */
static bool take_word(Parser *p, const char *word) {
  if (!word_is(p, word))
    return false;
  next(p);
  return true;
}

static bool take(Parser *p, TokKind kind) {
  if (p->tok.kind != kind)
    return false;
  next(p);
  return true;
}

/* A single-quoted field name of eval ('F'), or NULL. */
static const char *quoted_field(Parser *p) {
  size_t len = p->tok.span.end - p->tok.span.start;
  const char *t = p->text + p->tok.span.start;
  if (p->tok.kind != T_WORD || len < 3 || t[0] != '\'' || t[len - 1] != '\'')
    return NULL;
  const char *field = arena_strndup(p->arena, t + 1, len - 2);
  next(p);
  return field;
}

/* | eval C=if(isnotnull('F') AND match('F', "re"), "true", "false"): the form the SPL backend
 * writes for a regex inside an OR or NOT; a later search reads C="true" as the regex. */
static void eval_command(Parser *p) {
  Span start = p->tok.span;
  next(p);
  const char *condition = p->tok.kind == T_WORD ? tok_text(p) : NULL;
  next(p);
  bool ok = condition && p->tok.kind == T_OP && strcmp(p->tok.op, "=") == 0;
  if (ok)
    next(p);
  ok = ok && take_word(p, "if") && take(p, T_LPAREN) && take_word(p, "isnotnull") &&
       take(p, T_LPAREN);
  const char *field = ok ? quoted_field(p) : NULL;
  ok = field && take(p, T_RPAREN) && take_word(p, "AND") && take_word(p, "match") &&
       take(p, T_LPAREN);
  const char *again = ok ? quoted_field(p) : NULL;
  ok = again && strcmp(again, field) == 0 && take(p, T_COMMA) && p->tok.kind == T_STRING;
  const char *re = ok ? regex_text(p) : NULL;
  if (ok)
    next(p);
  const char *texts[2] = {NULL, NULL};
  ok = ok && take(p, T_RPAREN) && take(p, T_COMMA);
  for (int k = 0; ok && k < 2; k++) {
    texts[k] = p->tok.kind == T_STRING ? tok_text(p) : NULL;
    ok = texts[k] && take(p, T_STRING) && take(p, k ? T_RPAREN : T_COMMA);
  }
  ok = ok && strcmp(texts[0], "\"true\"") == 0 && strcmp(texts[1], "\"false\"") == 0;
  if (!ok) {
    error(p, start, "spl-unsupported",
          "only 'eval C=if(isnotnull('F') AND match('F', \"regex\"), \"true\", \"false\")' "
          "is evaluated");
    return;
  }
  Deferred d = {field, re, condition};
  p->deferred =
      arena_grow(p->arena, p->deferred, p->deferred_count, p->deferred_count + 1, sizeof(Deferred));
  p->deferred[p->deferred_count++] = d;
}

/* | regex [field(=|!=)]"re": an unanchored PCRE over the field (_raw without one). */
static IrNode *regex_command(Parser *p) {
  next(p);
  const char *field = "_raw";
  bool negated = false;
  Span start = p->tok.span;
  if (p->tok.kind == T_WORD) {
    field = tok_text(p);
    next(p);
    if (p->tok.kind != T_OP || (strcmp(p->tok.op, "=") != 0 && strcmp(p->tok.op, "!=") != 0)) {
      error(p, p->tok.span, "spl-syntax", "expected '=' or '!=' after the regex field");
      return NULL;
    }
    negated = strcmp(p->tok.op, "!=") == 0;
    next(p);
  }
  if (p->tok.kind != T_STRING) {
    error(p, p->tok.span, "spl-syntax", "the regex command needs its regex in double quotes");
    return NULL;
  }
  IrPredicate pred = base_pred(p, field, (Span){start.start, p->tok.span.end});
  pred.match = IR_MATCH_REGEX;
  pred.pattern = regex_text(p);
  pred.cased = true; /* PCRE's own case rules: (?i) in the pattern says otherwise */
  next(p);
  IrNode *node = ir_pred(p->arena, &pred);
  return negated ? ir_not(p->arena, node) : node;
}

IrNode *spl_parse(Arena *arena, const Source *src, Span span, size_t max_depth, DiagSink *diags) {
  const char *nul = memchr(src->text + span.start, '\0', span.end - span.start);
  if (nul) { /* names and values are C strings from here on: refused, never cut short */
    size_t at = (size_t)(nul - src->text);
    diag_report(diags, DIAG_ERROR, src, (Span){at, at + 1}, "spl-syntax",
                "the search holds a NUL byte, which no Splunk search can");
    return NULL;
  }
  Parser p = {.arena = arena,
              .src = src,
              .diags = diags,
              .text = src->text,
              .pos = span.start,
              .end = span.end,
              .max_depth = max_depth};
  next(&p);
  if (word_is(&p, "search"))
    next(&p);
  IrNode **parts = NULL;
  size_t count = 0;
  IrNode *search = and_expr(&p);
  for (;;) {
    if (search) {
      parts = arena_grow(arena, parts, count, count + 1, sizeof(IrNode *));
      parts[count++] = search;
    }
    if (p.failed || p.tok.kind != T_PIPE)
      break;
    next(&p);
    if (word_is(&p, "regex")) {
      search = regex_command(&p);
    } else if (word_is(&p, "eval")) {
      eval_command(&p);
      search = NULL;
    } else if (word_is(&p, "search")) {
      next(&p);
      search = and_expr(&p);
    } else {
      error(&p, p.tok.span, "spl-unsupported",
            "only the search and regex commands and sigmac's eval form are "
            "evaluated after a pipe");
      break;
    }
  }
  if (!p.failed && p.tok.kind != T_END)
    error(&p, p.tok.span, "spl-syntax", "expected a search term, '|' or the end of the search");
  if (!p.failed && count == 0)
    error(&p, span, "spl-unsupported", "this search matches every event; a rule needs a condition");
  return p.failed ? NULL : ir_join(arena, IR_AND, parts, count);
}

/* Whether a line is blank or a ``` comment line (what the backend writes above each search). */
static bool separator_line(const char *text, size_t start, size_t end) {
  while (start < end && strchr(" \t\r", text[start]))
    start++;
  return start == end || (end - start >= 3 && strncmp(text + start, "```", 3) == 0);
}

bool spl_compile(Arena *arena, const Source *src, DiagSink *diags, IrRuleSet *rules) {
  size_t errors_before = diags->errors, index = 0, at = 0;
  for (Span span; source_next_block(src, &at, separator_line, &span); index++) {
    IrNode *where = spl_parse(arena, src, span, 100, diags);
    if (where)
      ir_ruleset_push(arena, rules,
                      ir_event_rule(arena, IR_LANG_SPL, src, span, index, "splunk", where));
  }
  if (index == 0)
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "spl-syntax",
                "empty file: expected a Splunk search such as 'Image=\"*\\\\cmd.exe\"'");
  return diags->errors == errors_before;
}
