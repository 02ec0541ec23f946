/* The SPL parser (spl.h): tokens, then a recursive descent over grammar/spl.ebnf that builds the
 * IR as it goes. In the search command NOT binds tightest, then OR, then AND (juxtaposed terms
 * or the word AND), as Splunk's documentation orders them. */
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/source.h"
#include "ir/ir_build.h"
#include "spl/pipeline.h"
#include "spl/spl.h"
#include "spl/tokens.h"

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
    spl_lex_error(
        p, p->tok.span, "spl-unsupported",
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
  spl_lex_next(p);
  if (p->tok.kind != T_LPAREN) {
    spl_lex_error(p, p->tok.span, "spl-syntax", "expected '(' after IN");
    return NULL;
  }
  IrNode **values = NULL;
  size_t count = 0;
  for (spl_lex_next(p); !p->failed; spl_lex_next(p)) {
    if (!value_token(p)) {
      spl_lex_error(p, p->tok.span, "spl-syntax", "expected a value in the IN list");
      return NULL;
    }
    values = arena_push_slot(p->arena, values, count, sizeof(IrNode *));
    values[count++] = equals(p, field, (Span){span.start, p->tok.span.end});
    spl_lex_next(p);
    if (p->tok.kind == T_RPAREN)
      break;
    if (p->tok.kind != T_COMMA) {
      spl_lex_error(p, p->tok.span, "spl-syntax", "expected ',' or ')' in the IN list");
      return NULL;
    }
  }
  spl_lex_next(p);
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

/* A term: field op value, field IN (...), or a bare value (a term of _raw). */
static IrNode *term(Parser *p) {
  if (!value_token(p)) {
    spl_lex_error(p, p->tok.span, "spl-syntax", "expected a search term");
    return NULL;
  }
  Tok first = p->tok;
  Parser saved = *p;
  spl_lex_next(p);
  if (p->failed)
    return NULL;
  if (p->tok.kind == T_OP) { /* a quoted field name is a name, not a term */
    const char *field = spl_lex_name(p, first);
    const char *op = p->tok.op;
    if (strcmp(op, "==") == 0) {
      spl_lex_error(p, p->tok.span, "spl-syntax", "the search command compares with '=', not '=='");
      return NULL;
    }
    spl_lex_next(p);
    if (!value_token(p)) {
      spl_lex_error(p, p->tok.span, "spl-syntax", "expected a value after the comparison");
      return NULL;
    }
    Span span = {first.span.start, p->tok.span.end};
    IrNode *out;
    const Deferred *d = strcmp(op, "=") == 0 ? deferred_condition(p, field) : NULL;
    if (d && !token_is_true(p)) {
      spl_lex_error(p, p->tok.span, "spl-unsupported",
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
    spl_lex_next(p);
    return out;
  }
  if (spl_lex_word_is(p, "IN")) {
    const char *field = spl_lex_name(p, first);
    return in_list(p, field, first.span);
  }
  *p = saved; /* a bare term */
  bool wild;
  IrString pattern = pattern_of(p, &wild);
  IrPredicate pred = base_pred(p, NULL, first.span);
  spl_lex_next(p);
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
  spl_lex_error(p, p->tok.span, "spl-too-deep", "the search nests too deeply");
  return false;
}

static IrNode *not_expr(Parser *p) {
  if (spl_lex_word_is(p, "NOT")) {
    Span span = p->tok.span;
    spl_lex_next(p);
    if (!deeper(p))
      return NULL;
    IrNode *child = not_expr(p);
    p->depth--;
    if (!child && !p->failed) {
      spl_lex_error(p, span, "spl-unsupported", "NOT * matches no event; a rule needs a condition");
      return NULL;
    }
    return child ? ir_not(p->arena, child) : NULL;
  }
  if (p->tok.kind == T_LPAREN) {
    Span open = p->tok.span;
    spl_lex_next(p);
    if (!deeper(p))
      return NULL;
    IrNode *inner = and_expr(p);
    p->depth--;
    if (p->tok.kind != T_RPAREN) {
      spl_lex_error(p, p->failed ? p->tok.span : open, "spl-syntax",
                    "this parenthesis is never closed");
      return NULL;
    }
    spl_lex_next(p);
    return inner;
  }
  return term(p);
}

static bool starts_operand(const Parser *p) {
  return (p->tok.kind == T_LPAREN || value_token(p)) && !spl_lex_word_is(p, "OR") &&
         !spl_lex_word_is(p, "AND");
}

static IrNode *or_expr(Parser *p) {
  IrNode *left = not_expr(p);
  while (!p->failed && spl_lex_word_is(p, "OR")) {
    spl_lex_next(p);
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
      parts = arena_push_slot(p->arena, parts, count, sizeof(IrNode *));
      parts[count++] = part;
    }
    if (spl_lex_word_is(p, "AND"))
      spl_lex_next(p);
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

/* | eval C=if(isnotnull('F') AND match('F', "re"), "true", "false"): the form the SPL backend
 * writes for a regex inside an OR or NOT; a later search reads C="true" as the regex. */
static void eval_command(Parser *p) {
  Span start = p->tok.span;
  spl_lex_next(p);
  const char *condition = p->tok.kind == T_WORD ? spl_lex_text(p) : NULL;
  spl_lex_next(p);
  bool ok = condition && p->tok.kind == T_OP && strcmp(p->tok.op, "=") == 0;
  if (ok)
    spl_lex_next(p);
  ok = ok && spl_lex_take_word(p, "if") && spl_lex_take(p, T_LPAREN) &&
       spl_lex_take_word(p, "isnotnull") && spl_lex_take(p, T_LPAREN);
  const char *field = ok ? spl_lex_quoted_field(p) : NULL;
  ok = field && spl_lex_take(p, T_RPAREN) && spl_lex_take_word(p, "AND") &&
       spl_lex_take_word(p, "match") && spl_lex_take(p, T_LPAREN);
  const char *again = ok ? spl_lex_quoted_field(p) : NULL;
  ok = again && strcmp(again, field) == 0 && spl_lex_take(p, T_COMMA) && p->tok.kind == T_STRING;
  const char *re = ok ? regex_text(p) : NULL;
  if (ok)
    spl_lex_next(p);
  const char *texts[2] = {NULL, NULL};
  ok = ok && spl_lex_take(p, T_RPAREN) && spl_lex_take(p, T_COMMA);
  for (int k = 0; ok && k < 2; k++) {
    texts[k] = p->tok.kind == T_STRING ? spl_lex_text(p) : NULL;
    ok = texts[k] && spl_lex_take(p, T_STRING) && spl_lex_take(p, k ? T_RPAREN : T_COMMA);
  }
  ok = ok && strcmp(texts[0], "\"true\"") == 0 && strcmp(texts[1], "\"false\"") == 0;
  if (!ok) {
    spl_lex_error(p, start, "spl-unsupported",
                  "only 'eval C=if(isnotnull('F') AND match('F', \"regex\"), \"true\", \"false\")' "
                  "is evaluated");
    return;
  }
  Deferred d = {field, re, condition};
  p->deferred = arena_push_slot(p->arena, p->deferred, p->deferred_count, sizeof(Deferred));
  p->deferred[p->deferred_count++] = d;
}

/* | regex [field(=|!=)]"re": an unanchored PCRE over the field (_raw without one). */
static IrNode *regex_command(Parser *p) {
  spl_lex_next(p);
  const char *field = "_raw";
  bool negated = false;
  Span start = p->tok.span;
  if (p->tok.kind == T_WORD) {
    field = spl_lex_text(p);
    spl_lex_next(p);
    if (p->tok.kind != T_OP || (strcmp(p->tok.op, "=") != 0 && strcmp(p->tok.op, "!=") != 0)) {
      spl_lex_error(p, p->tok.span, "spl-syntax", "expected '=' or '!=' after the regex field");
      return NULL;
    }
    negated = strcmp(p->tok.op, "!=") == 0;
    spl_lex_next(p);
  }
  if (p->tok.kind != T_STRING) {
    spl_lex_error(p, p->tok.span, "spl-syntax",
                  "the regex command needs its regex in double quotes");
    return NULL;
  }
  IrPredicate pred = base_pred(p, field, (Span){start.start, p->tok.span.end});
  pred.match = IR_MATCH_REGEX;
  pred.pattern = regex_text(p);
  pred.cased = true; /* PCRE's own case rules: (?i) in the pattern says otherwise */
  spl_lex_next(p);
  IrNode *node = ir_pred(p->arena, &pred);
  return negated ? ir_not(p->arena, node) : node;
}

/* Whether the current token is '|' and the command after it is eval sigmac_rule=...: the tag a
 * correlation's subsearch ends with (correlation.c reads it). */
static bool before_tag(const Parser *p) {
  Parser ahead = *p;
  if (ahead.tok.kind != T_PIPE)
    return false;
  spl_lex_next(&ahead);
  if (!spl_lex_take_word(&ahead, "eval"))
    return false;
  return spl_lex_word_is(&ahead, "sigmac_rule");
}

/* | datamodel <model> <dataset> search | search ...: the data set, then a search of it. The data
 * set's own constraints (its tags) are not evaluated: the events given stand for its events. */
static bool datamodel_command(Parser *p) {
  Parser ahead = *p;
  spl_lex_next(&ahead);
  if (p->tok.kind != T_PIPE || !spl_lex_word_is(&ahead, "datamodel"))
    return true;
  *p = ahead;
  spl_lex_next(p);
  bool ok = p->tok.kind == T_WORD;
  const char *model = ok ? spl_lex_text(p) : NULL;
  spl_lex_next(p);
  ok = ok && p->tok.kind == T_WORD;
  if (ok)
    p->datamodel = arena_printf(p->arena, "%s.%s", model, spl_lex_text(p));
  spl_lex_next(p);
  ok = ok && spl_lex_take_word(p, "search") && spl_lex_take(p, T_PIPE) &&
       spl_lex_word_is(p, "search");
  if (!ok)
    spl_lex_error(p, p->tok.span, "spl-unsupported",
                  "only '| datamodel <model> <dataset> search | search ...' is evaluated");
  return ok;
}

IrNode *spl_search_pipeline(Parser *p) {
  if (!datamodel_command(p))
    return NULL;
  if (spl_lex_word_is(p, "search"))
    spl_lex_next(p);
  IrNode **parts = NULL;
  size_t count = 0;
  IrNode *search = and_expr(p);
  for (;;) {
    if (search) {
      parts = arena_push_slot(p->arena, parts, count, sizeof(IrNode *));
      parts[count++] = search;
    }
    if (p->failed || p->tok.kind != T_PIPE || before_tag(p))
      break;
    Parser pipe = *p;
    spl_lex_next(p);
    if (spl_lex_word_is(p, "regex")) {
      search = regex_command(p);
    } else if (spl_lex_word_is(p, "eval")) {
      eval_command(p);
      search = NULL;
    } else if (spl_lex_word_is(p, "search")) {
      spl_lex_next(p);
      search = and_expr(p);
    } else {
      *p = pipe; /* another command: the caller's */
      break;
    }
  }
  return p->failed || !count ? NULL : ir_join(p->arena, IR_AND, parts, count);
}

/* What follows a search that is a rule of its own (where, as parsed): nothing. */
static IrNode *finish_search(Parser *p, Span span, IrNode *where) {
  if (!p->failed && p->tok.kind == T_PIPE) {
    Parser command = *p;
    spl_lex_next(&command);
    spl_lex_error(p, command.tok.span, "spl-unsupported",
                  "only the search and regex commands and sigmac's eval form are evaluated after a "
                  "pipe (and sigmac's correlation pipelines: docs/spl.md)");
  }
  if (!p->failed && p->tok.kind != T_END)
    spl_lex_error(p, p->tok.span, "spl-syntax",
                  "expected a search term, '|' or the end of the search");
  if (!p->failed && !where)
    spl_lex_error(p, span, "spl-unsupported",
                  "this search matches every event; a rule needs a condition");
  return p->failed ? NULL : where;
}

/* A NUL byte in src[span), reported; names and values are C strings from here on. */
static bool has_nul(const Source *src, Span span, DiagSink *diags) {
  const char *nul = memchr(src->text + span.start, '\0', span.end - span.start);
  if (!nul)
    return false;
  size_t at = (size_t)(nul - src->text);
  diag_report(diags, DIAG_ERROR, src, (Span){at, at + 1}, "spl-syntax",
              "the search holds a NUL byte, which no Splunk search can");
  return true;
}

IrNode *spl_parse(Arena *arena, const Source *src, Span span, size_t max_depth, DiagSink *diags) {
  if (has_nul(src, span, diags))
    return NULL;
  Parser p;
  spl_lex_init(&p, arena, src, span, max_depth, diags);
  return finish_search(&p, span, spl_search_pipeline(&p));
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
    if (has_nul(src, span, diags))
      continue;
    Parser p;
    spl_lex_init(&p, arena, src, span, 100, diags);
    Parser ahead = p; /* '| multisearch', or a search piped into where or sort: a correlation */
    spl_lex_next(&ahead);
    bool correlation = p.tok.kind == T_PIPE && spl_lex_word_is(&ahead, "multisearch");
    IrNode *single = NULL;
    if (!correlation) {
      single = spl_search_pipeline(&p);
      ahead = p;
      spl_lex_next(&ahead);
      correlation = !p.failed && p.tok.kind == T_PIPE &&
                    (spl_lex_word_is(&ahead, "where") || spl_lex_word_is(&ahead, "sort"));
      if (!correlation)
        single = finish_search(&p, span, single);
    }
    if (correlation) {
      spl_correlation(&p, span, index, single, rules);
    } else if (single) {
      IrRule *rule = ir_event_rule(arena, IR_LANG_SPL, src, span, index, "splunk", single);
      rule->datamodel = p.datamodel;
      ir_ruleset_push(arena, rules, rule);
    }
  }
  if (index == 0)
    diag_report(diags, DIAG_ERROR, src, (Span){0, 0}, "spl-syntax",
                "empty file: expected a Splunk search such as 'Image=\"*\\\\cmd.exe\"'");
  return diags->errors == errors_before;
}
