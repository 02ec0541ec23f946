/* PCRE to Lucene regex translation.
 *
 * Lucene's regex (org.apache.lucene.util.automaton.RegExp) matches the whole value, has no
 * anchors, no lazy or possessive quantifiers, no lookaround, no backreferences and no shorthand
 * classes, and reserves . ? + * | { } [ ] ( ) " \ and, with optional syntax, # @ & < > ~.
 * So: the unanchored search becomes ".*" context around the pattern (left out where the pattern
 * anchors itself with ^ or $), \d \w \s become explicit classes, '.' becomes "[^\n]" unless the s
 * flag is set, lazy quantifiers lose their '?' (laziness cannot change a whole-value match), and
 * everything else that Lucene cannot say is refused with its position. */
#include "emit/lucene_regex.h"
#include "base/utf8.h"

#include <string.h>

#include "sigmac/ir.h"

static const char lucene_reserved[] = ".?+*|{}[]()\"\\#@&<>~";

void lucene_escape_literal(StrBuf *out, const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] && strchr(lucene_reserved, text[i]))
      sb_putc(out, '\\');
    sb_putc(out, text[i]);
  }
}

typedef struct Translator {
  const char *p; /* pattern */
  size_t len;
  size_t at;
  unsigned flags;
  StrBuf out;
  int depth;          /* group nesting */
  bool top_level_alt; /* a '|' outside any group */
  bool ignore_case;   /* i flag or a leading (?i) */
  bool after_open;    /* the last thing written opened a group or an alternative */
  bool after_bar;     /* the last thing written was '|' */
  Arena *arena;
  const char *error;
  size_t error_offset;
} Translator;

static bool refuse(Translator *t, size_t at, const char *what) {
  if (!t->error) {
    t->error = what;
    t->error_offset = at;
  }
  return false;
}

static const char *class_body(char shorthand) {
  switch (shorthand) {
  case 'd':
  case 'D':
    return "0-9";
  case 'w':
  case 'W':
    return "A-Za-z0-9_";
  case 's':
  case 'S':
    return " \t\n\r\f\v";
  default:
    return NULL;
  }
}

/* A character escape (\t, \n, \x41, \., ...) as the byte it stands for; -1 if it is not one. */
static int escaped_char(Translator *t, size_t *width) {
  char c = t->p[t->at + 1];
  *width = 2;
  switch (c) {
  case 't':
    return '\t';
  case 'n':
    return '\n';
  case 'r':
    return '\r';
  case 'f':
    return '\f';
  case 'v':
    return '\v';
  case 'e':
    return 27;
  case 'a':
    return 7;
  case 'x': {
    int hi = hex_digit_value(t->p[t->at + 2]), lo = hi >= 0 ? hex_digit_value(t->p[t->at + 3]) : -1;
    if (hi < 0 || lo < 0)
      return -1;
    *width = 4;
    return hi * 16 + lo;
  }
  default:
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\0')
      return -1;
    return (unsigned char)c; /* an escaped punctuation character is itself */
  }
}

/* A character the pattern means literally; \xHH above 0x7F is that code point in UTF-8, as
 * PCRE2 reads it in UTF mode. */
static void literal_char(Translator *t, int c) {
  if (c >= 0x80) {
    sb_putc(&t->out, (char)(0xC0 | (c >> 6)));
    sb_putc(&t->out, (char)(0x80 | (c & 0x3F)));
    return;
  }
  char byte = (char)c;
  lucene_escape_literal(&t->out, &byte, 1);
}

/* One member of a bracket class: a byte range, or a multi-byte UTF-8 character kept whole. */
typedef struct ClassItem {
  int lo, hi;      /* bytes; lo == hi for one character */
  const char *raw; /* a multi-byte character, or NULL */
  size_t raw_len;
} ClassItem;

typedef struct ClassItems {
  ClassItem items[256];
  size_t count;
} ClassItems;

static bool add_item(Translator *t, ClassItems *c, int lo, int hi) {
  if (c->count == sizeof c->items / sizeof c->items[0])
    return refuse(t, t->at, "character class with too many members");
  c->items[c->count++] = (ClassItem){lo, hi, NULL, 0};
  return true;
}

/* \d \w \s spelled out as ranges. */
static bool add_shorthand(Translator *t, ClassItems *c, char s) {
  switch (s) {
  case 'd':
    return add_item(t, c, '0', '9');
  case 'w':
    return add_item(t, c, 'A', 'Z') && add_item(t, c, 'a', 'z') && add_item(t, c, '0', '9') &&
           add_item(t, c, '_', '_');
  default:
    for (const char *b = " \t\n\r\f\v"; *b; b++)
      if (!add_item(t, c, *b, *b))
        return false;
    return true;
  }
}

/* One character of a class at t->at: its byte, or -1 after reporting; a multi-byte UTF-8
 * character is added whole (returns -2). */
static int class_char(Translator *t, ClassItems *c) {
  unsigned char byte = (unsigned char)t->p[t->at];
  if (byte >= 0x80) {
    size_t n = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    if (c->count == sizeof c->items / sizeof c->items[0])
      return refuse(t, t->at, "character class with too many members"), -1;
    c->items[c->count++] = (ClassItem){0, 0, t->p + t->at, n};
    t->at += n;
    return -2;
  }
  if (byte != '\\') {
    t->at++;
    return byte;
  }
  size_t width;
  int value = escaped_char(t, &width);
  if (value < 0)
    return refuse(t, t->at, "escape sequence inside brackets"), -1;
  t->at += width;
  if (value >= 0x80) { /* a code point past ASCII: its UTF-8 bytes, kept whole */
    char *utf8 = arena_alloc(t->arena, 2);
    utf8[0] = (char)(0xC0 | (value >> 6));
    utf8[1] = (char)(0x80 | (value & 0x3F));
    if (c->count == sizeof c->items / sizeof c->items[0])
      return refuse(t, t->at, "character class with too many members"), -1;
    c->items[c->count++] = (ClassItem){0, 0, utf8, 2};
    return -2;
  }
  return value;
}

static void class_byte(StrBuf *out, int c) {
  bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (!plain)
    sb_putc(out, '\\'); /* escaping any other character is always safe in Lucene */
  sb_putc(out, (char)c);
}

/* A range, and with ignore-case its other-case letters too: Lucene's case-insensitive regexp
 * folds single characters but not ranges (Lucene issue 14378). */
static void emit_range(Translator *t, const ClassItem *item) {
  if (item->raw) {
    sb_putn(&t->out, item->raw, item->raw_len);
    return;
  }
  class_byte(&t->out, item->lo);
  if (item->hi != item->lo) {
    sb_putc(&t->out, '-');
    class_byte(&t->out, item->hi);
  }
  if (!t->ignore_case)
    return;
  static const int cases[2][2] = {{'a', 'z'}, {'A', 'Z'}};
  for (int k = 0; k < 2; k++) {
    int lo = item->lo > cases[k][0] ? item->lo : cases[k][0];
    int hi = item->hi < cases[k][1] ? item->hi : cases[k][1];
    if (lo > hi || item->lo == item->hi)
      continue;
    int shift = k == 0 ? 'A' - 'a' : 'a' - 'A';
    class_byte(&t->out, lo + shift);
    sb_putc(&t->out, '-');
    class_byte(&t->out, hi + shift);
  }
}

/* [...]: members read as ranges (shorthands spelled out, escapes resolved), then written with
 * every non-alphanumeric character escaped, so a '-' is a range only where PCRE meant one. */
static bool bracket(Translator *t) {
  size_t start = t->at++;
  bool negated = t->p[t->at] == '^';
  t->at += negated;
  ClassItems c;
  c.count = 0;
  bool first = true;
  while (t->at < t->len && (t->p[t->at] != ']' || first)) {
    first = false;
    if (t->p[t->at] == '[' && t->p[t->at + 1] == ':')
      return refuse(t, t->at, "POSIX character class");
    char next = t->p[t->at + 1];
    if (t->p[t->at] == '\\' && class_body(next)) {
      if (next >= 'A' && next <= 'Z')
        return refuse(t, t->at, "negated shorthand class inside brackets");
      if (!add_shorthand(t, &c, next))
        return false;
      t->at += 2;
      continue;
    }
    int lo = class_char(t, &c);
    if (lo == -1)
      return false;
    if (lo == -2)
      continue;
    int hi = lo;
    if (t->p[t->at] == '-' && t->at + 1 < t->len && t->p[t->at + 1] != ']') {
      t->at++;
      hi = class_char(t, &c);
      if (hi < 0)
        return hi == -1 ? false : refuse(t, t->at, "range to a multi-byte character");
      if (hi < lo)
        return refuse(t, t->at, "range out of order");
    }
    if (!add_item(t, &c, lo, hi))
      return false;
  }
  if (t->at >= t->len)
    return refuse(t, start, "unclosed character class");
  t->at++;
  sb_puts(&t->out, negated ? "[^" : "[");
  for (size_t i = 0; i < c.count; i++)
    emit_range(t, &c.items[i]);
  sb_putc(&t->out, ']');
  return true;
}

static bool escape(Translator *t) {
  char c = t->p[t->at + 1];
  if (class_body(c)) { /* written as a bracket class would write it, so it reads back the same */
    ClassItems items;
    items.count = 0;
    char lower = (char)(c | 0x20);
    if (!add_shorthand(t, &items, lower))
      return false;
    sb_puts(&t->out, c >= 'A' && c <= 'Z' ? "[^" : "[");
    for (size_t i = 0; i < items.count; i++)
      emit_range(t, &items.items[i]);
    sb_putc(&t->out, ']');
    t->at += 2;
    return true;
  }
  size_t width;
  int value = escaped_char(t, &width);
  if (value >= 0) {
    literal_char(t, value);
    t->at += width;
    return true;
  }
  switch (c) {
  case 'b':
  case 'B':
    return refuse(t, t->at, "word boundary \\b");
  case 'A':
  case 'z':
  case 'Z':
  case 'G':
    return refuse(t, t->at, "anchor inside the pattern");
  case 'p':
  case 'P':
    return refuse(t, t->at, "Unicode property class");
  case 'Q':
    return refuse(t, t->at, "quoted sequence \\Q...\\E");
  default:
    if (c >= '1' && c <= '9')
      return refuse(t, t->at, "backreference");
    return refuse(t, t->at, "escape sequence");
  }
}

static bool group_open(Translator *t) {
  if (t->p[t->at + 1] == '?') {
    if (t->p[t->at + 2] != ':')
      return refuse(t, t->at,
                    t->p[t->at + 2] == '=' || t->p[t->at + 2] == '!' || t->p[t->at + 2] == '<'
                        ? "lookaround or named group"
                        : "special group (?...)");
    t->at += 2; /* (?:x) is (x): Lucene groups capture nothing anyway */
  }
  sb_putc(&t->out, '(');
  t->depth++;
  t->at++;
  return true;
}

static bool quantifier(Translator *t) {
  char c = t->p[t->at];
  if (c == '{') {
    size_t end = t->at + 1;
    while (end < t->len && ((t->p[end] >= '0' && t->p[end] <= '9') || t->p[end] == ','))
      end++;
    bool counted = end < t->len && t->p[end] == '}' && t->p[t->at + 1] != ',' && end > t->at + 1;
    if (!counted) { /* PCRE reads a '{' that starts no count as a literal */
      literal_char(t, '{');
      t->at++;
      return true;
    }
    sb_putn(&t->out, t->p + t->at, end + 1 - t->at);
    t->at = end + 1;
  } else {
    sb_putc(&t->out, c);
    t->at++;
  }
  if (t->p[t->at] == '?')
    t->at++; /* lazy: the same set of whole-value matches */
  else if (t->p[t->at] == '+')
    return refuse(t, t->at, "possessive quantifier");
  return true;
}

static bool atom(Translator *t, char c);

/* Lucene reads an empty alternative as a literal '|' or an error: write "()" for it. */
static void empty_alternative(Translator *t) {
  if (t->after_open)
    sb_puts(&t->out, "()");
}

static bool step(Translator *t) {
  char c = t->p[t->at];
  bool opens = c == '(' || c == '|';
  bool ok = atom(t, c);
  t->after_open = opens;
  t->after_bar = c == '|';
  return ok;
}

static bool atom(Translator *t, char c) {
  switch (c) {
  case '\\':
    return escape(t);
  case '[':
    return bracket(t);
  case '(':
    return group_open(t);
  case ')':
    if (t->depth == 0)
      return refuse(t, t->at, "unbalanced ')'");
    if (t->after_bar)
      empty_alternative(t); /* (a|) ; an empty group () stays as it is */
    t->depth--;
    sb_putc(&t->out, ')');
    t->at++;
    return true;
  case '|':
    empty_alternative(t);
    if (t->depth == 0)
      t->top_level_alt = true;
    sb_putc(&t->out, '|');
    t->at++;
    return true;
  case '.':
    sb_puts(&t->out, t->flags & IR_RE_DOTALL ? "." : "[^\\\n]"); /* as a class writes it */
    t->at++;
    return true;
  case '*':
  case '+':
  case '?':
  case '{':
    return quantifier(t);
  case '^':
  case '$':
    return refuse(t, t->at, "anchor inside the pattern");
  default:
    literal_char(t, c);
    t->at++;
    return true;
  }
}

/* True when the $ at index i is unescaped (an even number of backslashes before it). */
static bool unescaped_at(const char *p, size_t i) {
  size_t backslashes = 0;
  while (i > backslashes && p[i - 1 - backslashes] == '\\')
    backslashes++;
  return backslashes % 2 == 0;
}

bool lucene_from_pcre(Arena *arena, const char *pattern, unsigned flags, LuceneRegex *out,
                      size_t *error_offset, const char **error) {
  Translator t = {.p = pattern, .len = strlen(pattern), .flags = flags, .arena = arena};
  out->ignore_case = (flags & IR_RE_IGNORECASE) != 0;
  if (strncmp(pattern, "(?i)", 4) == 0) {
    out->ignore_case = true;
    t.at = 4;
  }
  t.ignore_case = out->ignore_case;
  t.after_open = true;
  /* ^ or \A at the start, $ or \z at the end: the pattern anchors itself there (\z allows
   * no final newline, $ does) */
  bool start_a = strncmp(pattern + t.at, "\\A", 2) == 0;
  bool anchored_start = t.at < t.len && (pattern[t.at] == '^' || start_a);
  if (anchored_start)
    t.at += start_a ? 2 : 1;
  size_t end = t.len;
  bool end_z = end >= t.at + 2 && pattern[end - 1] == 'z' && pattern[end - 2] == '\\' &&
               unescaped_at(pattern, end - 2);
  bool anchored_end =
      end_z || (end > t.at && pattern[end - 1] == '$' && unescaped_at(pattern, end - 1));
  if (anchored_end)
    t.len = end - (end_z ? 2 : 1);
  while (t.at < t.len && step(&t))
    ;
  if (t.top_level_alt)
    empty_alternative(&t); /* a pattern ending in '|' */
  if (!t.error && t.depth != 0)
    refuse(&t, t.len, "unclosed group");
  if (!t.error && t.top_level_alt && (anchored_start || anchored_end))
    refuse(&t, 0, "anchor on one branch of a top-level alternation");
  if (t.error) {
    *error = t.error;
    *error_offset = t.error_offset;
    sb_free(&t.out);
    return false;
  }
  bool multiline = (flags & IR_RE_MULTILINE) != 0;
  StrBuf whole = STRBUF_INIT;
  /* ^ with m matches after any newline; $ matches before a final newline (and with m, any). */
  sb_puts(&whole, !anchored_start ? ".*" : multiline && !start_a ? "(.*\n)?" : "");
  sb_puts(&whole, t.top_level_alt ? "(" : "");
  sb_putn(&whole, sb_text(&t.out), t.out.len);
  sb_puts(&whole, t.top_level_alt ? ")" : "");
  sb_puts(&whole, !anchored_end ? ".*" : end_z ? "" : multiline ? "(\n.*)?" : "\n?");
  out->text = arena_strndup(arena, sb_text(&whole), whole.len);
  out->len = whole.len;
  sb_free(&whole);
  sb_free(&t.out);
  return true;
}
