/* The KQL parser: a recursive descent over grammar/kql.ebnf, which follows Kibana's PEG grammar
 * (kuery grammar.peggy) rule by rule, backtracking where it does. Like a PEG parser it reports a
 * syntax error at the furthest position any alternative reached. */
#include <string.h>

#include "base/utf8.h"
#include "ir/ir_build.h"
#include "kql/kql.h"

const KqlOptions kql_default_options = {.max_depth = 100};

typedef struct Parser {
  Arena *arena;
  const Source *src;
  DiagSink *diags;
  const char *text;
  size_t pos, end;
  size_t furthest;      /* the furthest offset where an alternative failed */
  const char *expected; /* what was expected there */
  size_t depth, max_depth;
  bool too_deep;
} Parser;

static void expect(Parser *p, size_t at, const char *what) {
  if (at > p->furthest || !p->expected) {
    p->furthest = at;
    p->expected = what;
  }
}

static bool at_end(const Parser *p) { return p->pos >= p->end; }

static size_t space_at(const Parser *p, size_t at) {
  if (at >= p->end)
    return 0;
  char c = p->text[at];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
    return 1;
  if ((unsigned char)c == 0xC2 && at + 1 < p->end && (unsigned char)p->text[at + 1] == 0xA0)
    return 2; /* no-break space: Kibana's Space includes U+00A0 */
  return 0;
}

static size_t skip_space(const Parser *p, size_t at) {
  for (size_t n; (n = space_at(p, at)) != 0;)
    at += n;
  return at;
}

static bool word_at(const Parser *p, size_t at, const char *word) {
  size_t len = strlen(word);
  if (at + len > p->end)
    return false;
  for (size_t i = 0; i < len; i++)
    if ((p->text[at + i] | 0x20) != word[i])
      return false;
  return true;
}

/* Space+ word Space+ at at (Or, And); the offset after it, or 0. */
static size_t binary_keyword(const Parser *p, size_t at, const char *word) {
  size_t after = skip_space(p, at);
  if (after == at || !word_at(p, after, word))
    return 0;
  size_t end = after + strlen(word);
  size_t rest = skip_space(p, end);
  return rest == end ? 0 : rest;
}

/* 'not' Space+ at at; the offset after it, or 0. */
static size_t not_keyword(const Parser *p, size_t at) {
  if (!word_at(p, at, "not"))
    return 0;
  size_t rest = skip_space(p, at + 3);
  return rest == at + 3 ? 0 : rest;
}

static bool keyword_at(const Parser *p, size_t at) {
  return binary_keyword(p, at, "or") || binary_keyword(p, at, "and") || not_keyword(p, at);
}

static bool special(char c) { return c && strchr("\\():<>\"*{}", c); }

static KqlNode *node(Parser *p, KqlNodeKind kind, size_t start) {
  KqlNode *n = arena_alloc(p->arena, sizeof *n);
  n->kind = kind;
  n->span = (Span){start, p->pos};
  return n;
}

/* ---- literals -------------------------------------------------------------------------------- */

/* The characters of a literal as they are read: bytes, and where the wildcards are. */
typedef struct Chars {
  StrBuf bytes;
  size_t *wild; /* offsets in bytes where an unescaped '*' stands */
  size_t wild_count;
} Chars;

static void put_code_point(StrBuf *out, unsigned cp) {
  if (cp < 0x80) {
    sb_putc(out, (char)cp);
  } else if (cp < 0x800) {
    sb_putc(out, (char)(0xC0 | (cp >> 6)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  } else if (cp >= 0x10000) {
    sb_putc(out, (char)(0xF0 | (cp >> 18)));
    sb_putc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
    sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  } else {
    sb_putc(out, (char)(0xE0 | (cp >> 12)));
    sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  }
}

/* \uXXXX at at: the offset after it (the character appended), or 0. */
/* The code unit of \uXXXX at at, or -1. */
static long code_unit(const Parser *p, size_t at) {
  if (at + 6 > p->end || p->text[at] != '\\' || p->text[at + 1] != 'u')
    return -1;
  long unit = 0;
  for (size_t i = 0; i < 4; i++) {
    int digit = hex_digit_value(p->text[at + 2 + i]);
    if (digit < 0)
      return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

/* \uXXXX at at (a UTF-16 surrogate pair as one character): the offset after it, or 0; a lone
 * surrogate, which UTF-8 cannot hold, becomes U+FFFD. */
static size_t unicode_escape(const Parser *p, size_t at, StrBuf *out) {
  long unit = code_unit(p, at);
  if (unit < 0)
    return 0;
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    long low = code_unit(p, at + 6);
    if (low >= 0xDC00 && low <= 0xDFFF) {
      put_code_point(out, 0x10000 + (((unsigned)unit - 0xD800) << 10) + ((unsigned)low - 0xDC00));
      return at + 12;
    }
  }
  put_code_point(out, unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : (unsigned)unit);
  return at + 6;
}

/* \t \r \n at at: the offset after it, or 0. */
static size_t whitespace_escape(const Parser *p, size_t at, StrBuf *out) {
  if (at + 2 > p->end || p->text[at] != '\\')
    return 0;
  char c = p->text[at + 1];
  char resolved = c == 't' ? '\t' : c == 'r' ? '\r' : c == 'n' ? '\n' : 0;
  if (!resolved)
    return 0;
  sb_putc(out, resolved);
  return at + 2;
}

/* Length of a JavaScript trim() whitespace character ending at bytes[end] (exclusive), or 0. */
static size_t trailing_space(const char *bytes, size_t end) {
  const unsigned char *b = (const unsigned char *)bytes;
  if (end >= 1 && (b[end - 1] == ' ' || (b[end - 1] >= '\t' && b[end - 1] <= '\r')))
    return 1;
  if (end >= 2 && b[end - 2] == 0xC2 && b[end - 1] == 0xA0)
    return 2;
  if (end >= 3 && b[end - 3] == 0xE2 && b[end - 2] == 0x80 &&
      (b[end - 1] <= 0x8A || b[end - 1] == 0xA8 || b[end - 1] == 0xA9 || b[end - 1] == 0xAF))
    return 3;
  if (end >= 3 && ((b[end - 3] == 0xE3 && b[end - 2] == 0x80 && b[end - 1] == 0x80) ||
                   (b[end - 3] == 0xEF && b[end - 2] == 0xBB && b[end - 1] == 0xBF) ||
                   (b[end - 3] == 0xE1 && b[end - 2] == 0x9A && b[end - 1] == 0x80) ||
                   (b[end - 3] == 0xE2 && b[end - 2] == 0x81 && b[end - 1] == 0x9F)))
    return 3;
  return 0;
}

static size_t leading_space(const char *bytes, size_t len) {
  for (size_t n = 1; n <= 3 && n <= len; n++)
    if (trailing_space(bytes, n) == n)
      return n;
  return 0;
}

static bool is_wild_at(const Chars *c, size_t offset) {
  for (size_t i = 0; i < c->wild_count; i++)
    if (c->wild[i] == offset)
      return true;
  return false;
}

/* The literal from chars[from, to): its pattern and display text. */
static void finish_literal(Parser *p, Chars *c, size_t from, size_t to, KqlLiteral *out) {
  IrStringBuilder b;
  ir_sb_init(&b, p->arena);
  StrBuf shown = STRBUF_INIT;
  const char *bytes = sb_text(&c->bytes);
  size_t run = from;
  for (size_t i = from; i < to; i++) {
    if (!is_wild_at(c, i))
      continue;
    ir_sb_literal(&b, bytes + run, i - run);
    ir_sb_wildcard(&b, IR_SEG_ANY);
    run = i + 1;
  }
  ir_sb_literal(&b, bytes + run, to - run);
  sb_putn(&shown, bytes + from, to - from);
  out->pattern = ir_sb_finish(&b);
  out->text = arena_strndup(p->arena, sb_text(&shown), shown.len);
  out->wildcard = ir_string_has_wildcards(&out->pattern);
  sb_free(&shown);
}

/* QuotedString; false (nothing consumed) when there is none at pos. */
static bool quoted(Parser *p, KqlLiteral *out) {
  size_t start = p->pos, at = p->pos;
  if (at >= p->end || p->text[at] != '"')
    return false;
  at++;
  Chars c = {STRBUF_INIT, NULL, 0};
  for (;;) {
    if (at >= p->end) {
      expect(p, start, "a closing '\"'");
      sb_free(&c.bytes);
      return false;
    }
    char ch = p->text[at];
    if (ch == '"')
      break;
    size_t next;
    if ((next = whitespace_escape(p, at, &c.bytes)) || (next = unicode_escape(p, at, &c.bytes))) {
      at = next;
    } else if (ch == '\\' && at + 1 < p->end &&
               (p->text[at + 1] == '\\' || p->text[at + 1] == '"')) {
      sb_putc(&c.bytes, p->text[at + 1]);
      at += 2;
    } else {
      sb_putc(&c.bytes, ch);
      at++;
    }
  }
  p->pos = at + 1;
  out->quoted = true;
  out->span = (Span){start, p->pos};
  finish_literal(p, &c, 0, c.bytes.len, out);
  out->wildcard = false; /* '*' inside quotes is a literal */
  out->pattern = ir_string_literal(p->arena, out->text, c.bytes.len);
  sb_free(&c.bytes);
  return true;
}

/* UnquotedLiteral; false (nothing consumed) when there is none at pos. */
static bool unquoted(Parser *p, KqlLiteral *out) {
  size_t start = p->pos, at = p->pos;
  Chars c = {STRBUF_INIT, NULL, 0};
  while (at < p->end) {
    char ch = p->text[at];
    size_t next;
    if ((next = whitespace_escape(p, at, &c.bytes))) { /* first, as in Kibana: \not is \n + ot */
      at = next;
    } else if ((next = unicode_escape(p, at, &c.bytes))) {
      at = next;
    } else if (ch == '\\' && (word_at(p, at + 1, "or") || word_at(p, at + 1, "and") ||
                              word_at(p, at + 1, "not"))) { /* EscapedKeyword */
      size_t len = word_at(p, at + 1, "or") ? 2 : 3;
      sb_putn(&c.bytes, p->text + at + 1, len);
      at += 1 + len;
    } else if (ch == '\\' && at + 1 < p->end && special(p->text[at + 1])) {
      sb_putc(&c.bytes, p->text[at + 1]);
      at += 2;
    } else if (ch == '*') {
      c.wild = arena_push_slot(p->arena, c.wild, c.wild_count, sizeof(size_t));
      c.wild[c.wild_count++] = c.bytes.len;
      sb_putc(&c.bytes, '*');
      at++;
    } else if (special(ch) || keyword_at(p, at)) {
      break;
    } else {
      sb_putc(&c.bytes, ch);
      at++;
    }
  }
  /* trimmed as Kibana trims the joined characters; a wildcard is never trimmed */
  const char *bytes = sb_text(&c.bytes);
  size_t from = 0, to = c.bytes.len;
  for (size_t n;
       from < to && !is_wild_at(&c, from) && (n = leading_space(bytes + from, to - from));)
    from += n;
  for (size_t n;
       to > from && !is_wild_at(&c, to - 1) && (n = trailing_space(bytes, to)) && to - n >= from;)
    to -= n;
  if (from == to) {
    expect(p, start, "a value");
    sb_free(&c.bytes);
    return false;
  }
  p->pos = at;
  out->quoted = false;
  out->span = (Span){start, at};
  finish_literal(p, &c, from, to, out);
  sb_free(&c.bytes);
  return true;
}

static bool literal(Parser *p, KqlLiteral *out) {
  memset(out, 0, sizeof *out);
  return quoted(p, out) || unquoted(p, out);
}

/* ---- queries --------------------------------------------------------------------------------- */

/* A parser of a part of a query; field: the field of a value list, NULL for queries. */
typedef KqlNode *(*Operand)(Parser *p, const KqlLiteral *field);

static KqlNode *or_query(Parser *p, const KqlLiteral *field);

static bool deeper(Parser *p) {
  if (++p->depth <= p->max_depth)
    return true;
  p->too_deep = true;
  expect(p, p->pos, "less nesting");
  return false;
}

/* A bracketed part at pos: '(' or '{', inner, then close, with spaces allowed inside. */
static KqlNode *group(Parser *p, char close, Operand inner, const KqlLiteral *field) {
  if (!deeper(p))
    return NULL;
  p->pos = skip_space(p, p->pos + 1);
  KqlNode *n = inner(p, field);
  if (!n)
    return NULL;
  p->pos = skip_space(p, p->pos);
  p->depth--;
  if (at_end(p) || p->text[p->pos] != close) {
    expect(p, p->pos, close == ')' ? "')'" : "'}'");
    return NULL;
  }
  p->pos++;
  return n;
}

/* Joins a run of one operator: a or b or c is one 'or' of three. */
static KqlNode *join(Parser *p, KqlNodeKind kind, KqlNode *left, KqlNode *right, size_t start) {
  KqlNode *n = left->kind == kind ? left : NULL;
  if (!n) {
    n = node(p, kind, start);
    n->children = arena_alloc(p->arena, sizeof(KqlNode *));
    n->children[n->count++] = left;
  }
  n->children = arena_push_slot(p->arena, n->children, n->count, sizeof(KqlNode *));
  n->children[n->count++] = right;
  n->span = (Span){start, p->pos};
  return n;
}

/* Value: an 'is' of the field (or free text) with a quoted or unquoted literal. */
static KqlNode *value(Parser *p, const KqlLiteral *field) {
  size_t start = p->pos;
  KqlLiteral v;
  if (!literal(p, &v)) {
    expect(p, start, "a value");
    return NULL;
  }
  KqlNode *n = node(p, KQL_IS, start);
  if (field) {
    n->has_field = true;
    n->field = *field;
    n->span.start = field->span.start;
  }
  n->value = v;
  return n;
}

static KqlNode *or_list(Parser *p, const KqlLiteral *field);

/* ListOfValues: '(' OrListOfValues ')' or one Value. */
static KqlNode *list_of_values(Parser *p, const KqlLiteral *field) {
  if (p->pos < p->end && p->text[p->pos] == '(')
    return group(p, ')', or_list, field);
  return value(p, field);
}

static KqlNode *not_list(Parser *p, const KqlLiteral *field) {
  size_t start = p->pos, after = not_keyword(p, p->pos);
  if (!after)
    return list_of_values(p, field);
  if (!deeper(p))
    return NULL;
  p->pos = after;
  KqlNode *child = list_of_values(p, field);
  p->depth--;
  if (!child)
    return NULL;
  KqlNode *n = node(p, KQL_NOT, start);
  n->children = arena_alloc(p->arena, sizeof(KqlNode *));
  n->children[n->count++] = child;
  return n;
}

/* A run of operands joined by word (or, and): operand { word operand }. field: the field of a
 * value list, NULL for queries. */

static KqlNode *run(Parser *p, const char *word, KqlNodeKind kind, Operand operand,
                    const KqlLiteral *field) {
  size_t start = p->pos;
  KqlNode *left = operand(p, field);
  for (size_t after; left && (after = binary_keyword(p, p->pos, word));) {
    p->pos = after;
    KqlNode *right = operand(p, field);
    if (!right)
      return NULL;
    left = join(p, kind, left, right, start);
  }
  return left;
}

static KqlNode *and_list(Parser *p, const KqlLiteral *field) {
  return run(p, "and", KQL_AND, not_list, field);
}

static KqlNode *or_list(Parser *p, const KqlLiteral *field) {
  return run(p, "or", KQL_OR, and_list, field);
}

static const char *range_operator(Parser *p) {
  static const struct {
    const char *text, *name;
  } ops[] = {{"<=", "lte"}, {">=", "gte"}, {"<", "lt"}, {">", "gt"}};
  for (size_t i = 0; i < 4; i++) {
    size_t len = strlen(ops[i].text);
    if (p->pos + len <= p->end && memcmp(p->text + p->pos, ops[i].text, len) == 0) {
      p->pos += len;
      return ops[i].name;
    }
  }
  return NULL;
}

/* NestedQuery / FieldRangeExpression / FieldValueExpression / ValueExpression. */
static KqlNode *expression(Parser *p) {
  size_t start = p->pos;
  KqlLiteral field;
  if (literal(p, &field)) {
    size_t after_field = p->pos;
    p->pos = skip_space(p, p->pos);
    const char *op = range_operator(p);
    if (op) {
      p->pos = skip_space(p, p->pos);
      KqlLiteral v;
      if (!literal(p, &v)) {
        expect(p, p->pos, "a literal");
        return NULL;
      }
      KqlNode *n = node(p, KQL_RANGE, start);
      n->has_field = true;
      n->field = field;
      n->value = v;
      n->op = op;
      return n;
    }
    if (p->pos < p->end && p->text[p->pos] == ':') {
      p->pos = skip_space(p, p->pos + 1);
      if (p->pos < p->end && p->text[p->pos] == '{') { /* path:{ query } */
        KqlNode *inner = group(p, '}', or_query, NULL);
        if (!inner)
          return NULL;
        KqlNode *n = node(p, KQL_NESTED, start);
        n->has_field = true;
        n->field = field;
        n->children = arena_alloc(p->arena, sizeof(KqlNode *));
        n->children[n->count++] = inner;
        return n;
      }
      return list_of_values(p, &field);
    }
    expect(p, skip_space(p, after_field), "':', a range operator, AND, OR or the end");
    p->pos = start; /* not a field: the literal is free text */
  }
  return value(p, NULL);
}

/* SubQuery: '(' OrQuery ')' or an expression. */
static KqlNode *sub_query(Parser *p) {
  if (p->pos < p->end && p->text[p->pos] == '(')
    return group(p, ')', or_query, NULL);
  return expression(p);
}

static KqlNode *not_query(Parser *p, const KqlLiteral *field) {
  (void)field; /* queries have none */
  size_t start = p->pos, after = not_keyword(p, p->pos);
  if (!after)
    return sub_query(p);
  if (!deeper(p))
    return NULL;
  p->pos = after;
  KqlNode *child = sub_query(p);
  p->depth--;
  if (!child)
    return NULL;
  KqlNode *n = node(p, KQL_NOT, start);
  n->children = arena_alloc(p->arena, sizeof(KqlNode *));
  n->children[n->count++] = child;
  return n;
}

static KqlNode *and_query(Parser *p, const KqlLiteral *field) {
  return run(p, "and", KQL_AND, not_query, field);
}

static KqlNode *or_query(Parser *p, const KqlLiteral *field) {
  return run(p, "or", KQL_OR, and_query, field);
}

KqlNode *kql_parse(Arena *arena, const Source *src, Span span, const KqlOptions *options,
                   DiagSink *diags) {
  if (!options)
    options = &kql_default_options;
  Parser p = {.arena = arena,
              .src = src,
              .diags = diags,
              .text = src->text,
              .pos = span.start,
              .end = span.end,
              .furthest = span.start,
              .max_depth = options->max_depth};
  const char *nul = memchr(src->text + span.start, '\0', span.end - span.start);
  if (nul) { /* names and values are C strings from here on: refused, never cut short */
    size_t at = (size_t)(nul - src->text);
    diag_report(diags, DIAG_ERROR, src, (Span){at, at + 1}, "kql-syntax",
                "the query holds a NUL byte; write it as \\u0000 inside a value");
    return NULL;
  }
  p.pos = skip_space(&p, p.pos);
  if (at_end(&p))
    return node(&p, KQL_MATCH_ALL, span.start);
  KqlNode *query = or_query(&p, NULL);
  if (query) {
    p.pos = skip_space(&p, p.pos);
    if (at_end(&p))
      return query;
    expect(&p, p.pos, "AND, OR or the end of the query");
  }
  size_t at = p.furthest < span.end ? p.furthest : span.end;
  size_t next = at < span.end ? at + utf8_sequence_length(src->text + at, span.end - at) : at;
  if (next == at && at < span.end)
    next = at + 1;
  if (p.too_deep)
    diag_report(diags, DIAG_ERROR, src, (Span){at, next}, "kql-too-deep",
                "the query nests deeper than %zu levels", p.max_depth);
  else if (at >= span.end)
    diag_report(diags, DIAG_ERROR, src, (Span){at, at}, "kql-syntax",
                "expected %s, but the query ends here", p.expected ? p.expected : "a query");
  else
    diag_report(diags, DIAG_ERROR, src, (Span){at, next}, "kql-syntax",
                "expected %s, but found '%.*s'", p.expected ? p.expected : "a query",
                (int)(next - at), src->text + at);
  return NULL;
}
