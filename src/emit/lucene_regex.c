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

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
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
    int hi = hex_value(t->p[t->at + 2]), lo = hi >= 0 ? hex_value(t->p[t->at + 3]) : -1;
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

static void literal_char(Translator *t, int c) {
  char byte = (char)c;
  lucene_escape_literal(&t->out, &byte, 1);
}

/* Inside [...]: shorthand classes are spelled out, escapes become escaped literals. */
static bool bracket(Translator *t) {
  size_t start = t->at;
  sb_putc(&t->out, '[');
  t->at++;
  if (t->p[t->at] == '^') {
    sb_putc(&t->out, '^');
    t->at++;
  }
  bool first = true;
  while (t->at < t->len && (t->p[t->at] != ']' || first)) {
    char c = t->p[t->at];
    first = false;
    if (c == '[' && t->p[t->at + 1] == ':')
      return refuse(t, t->at, "POSIX character class");
    if (c == '\\') {
      const char *body = class_body(t->p[t->at + 1]);
      char s = t->p[t->at + 1];
      if (body && (s == 'd' || s == 'w' || s == 's')) {
        sb_puts(&t->out, body);
        t->at += 2;
        continue;
      }
      if (body)
        return refuse(t, t->at, "negated shorthand class inside brackets");
      size_t width;
      int value = escaped_char(t, &width);
      if (value < 0)
        return refuse(t, t->at, "escape sequence inside brackets");
      sb_putc(&t->out, '\\');
      sb_putc(&t->out, (char)value);
      t->at += width;
      continue;
    }
    if (c == '-' || ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     (unsigned char)c >= 0x80))
      sb_putc(&t->out, c);
    else {
      sb_putc(&t->out, '\\');
      sb_putc(&t->out, c);
    }
    t->at++;
  }
  if (t->at >= t->len)
    return refuse(t, start, "unclosed character class");
  sb_putc(&t->out, ']');
  t->at++;
  return true;
}

static bool escape(Translator *t) {
  char c = t->p[t->at + 1];
  const char *body = class_body(c);
  if (body) {
    sb_printf(&t->out, "[%s%s]", c >= 'A' && c <= 'Z' ? "^" : "", body);
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

static bool step(Translator *t) {
  char c = t->p[t->at];
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
    t->depth--;
    sb_putc(&t->out, ')');
    t->at++;
    return true;
  case '|':
    if (t->depth == 0)
      t->top_level_alt = true;
    sb_putc(&t->out, '|');
    t->at++;
    return true;
  case '.':
    sb_puts(&t->out, t->flags & IR_RE_DOTALL ? "." : "[^\n]");
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
  Translator t = {.p = pattern, .len = strlen(pattern), .flags = flags};
  out->ignore_case = (flags & IR_RE_IGNORECASE) != 0;
  if (strncmp(pattern, "(?i)", 4) == 0) {
    out->ignore_case = true;
    t.at = 4;
  }
  bool anchored_start = t.at < t.len && pattern[t.at] == '^';
  if (anchored_start)
    t.at++;
  size_t end = t.len;
  bool anchored_end = end > t.at && pattern[end - 1] == '$' && unescaped_at(pattern, end - 1);
  if (anchored_end)
    t.len = end - 1;
  while (t.at < t.len && step(&t))
    ;
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
  sb_puts(&whole, anchored_start ? (multiline ? "(.*\n)?" : "") : ".*");
  sb_puts(&whole, t.top_level_alt ? "(" : "");
  sb_putn(&whole, sb_text(&t.out), t.out.len);
  sb_puts(&whole, t.top_level_alt ? ")" : "");
  sb_puts(&whole, anchored_end ? (multiline ? "(\n.*)?" : "\n?") : ".*");
  out->text = arena_strndup(arena, sb_text(&whole), whole.len);
  sb_free(&whole);
  sb_free(&t.out);
  return true;
}
