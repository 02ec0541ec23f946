/* KQL field names, phrases and unquoted patterns (Kibana grammar.peggy: Field, QuotedString,
 * UnquotedLiteral, SpecialCharacter, Keyword; ../shared/docs/kql-semantics.md section 2). */
#include "emit/kql_text.h"

#include <string.h>
#include <strings.h>

#include "base/utf8.h"

void kql_field(StrBuf *out, const char *field) {
  static const char *const words[] = {"and", "or", "not", "true", "false", "null", NULL};
  bool plain = *field != '\0';
  for (const char *c = field; *c && plain; c++)
    plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("._@-", *c);
  for (const char *const *w = words; plain && *w; w++)
    plain = strcasecmp(*w, field) != 0; /* 'null:a' would read as free text */
  size_t len = strlen(field);           /* 'xnot < 5': 'not' before a space is an operator */
  plain = plain && !(len >= 3 && strcasecmp(field + len - 3, "not") == 0);
  if (plain) {
    sb_puts(out, field);
    return;
  }
  kql_quoted(out, field, strlen(field));
}

/* Control characters as KQL writes them; false for any other byte. */
static bool control(StrBuf *out, unsigned char c) {
  switch (c) {
  case '\t':
    sb_puts(out, "\\t");
    return true;
  case '\r':
    sb_puts(out, "\\r");
    return true;
  case '\n':
    sb_puts(out, "\\n");
    return true;
  default:
    if (c >= 0x20 && c != 0x7F)
      return false;
    sb_printf(out, "\\u%04X", c);
    return true;
  }
}

bool kql_quoted(StrBuf *out, const char *text, size_t len) {
  if (!utf8_valid(text, len))
    return false;
  sb_putc(out, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\\') {
      sb_putc(out, '\\');
      sb_putc(out, (char)c);
    } else if (!control(out, c)) {
      sb_putc(out, (char)c);
    }
  }
  sb_putc(out, '"');
  return true;
}

bool kql_exact(StrBuf *out, const char *text, size_t len) {
  static const char *const words[] = {"and", "or", "not", "true", "false", "null", NULL};
  bool plain = len > 0, digits_only = true;
  for (size_t i = 0; i < len && plain; i++) {
    char c = text[i];
    plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '.' || c == '-';
    digits_only = digits_only && ((c >= '0' && c <= '9') || c == '.' || c == '-');
  }
  for (const char *const *w = words; plain && *w; w++)
    plain = !(strlen(*w) == len && strncasecmp(*w, text, len) == 0);
  /* 'not' before a space is an operator even inside a word: "4NOT or" is 4, then NOT */
  plain = plain && !(len >= 3 && strncasecmp(text + len - 3, "not", 3) == 0);
  if (!plain || digits_only)
    return kql_quoted(out, text, len);
  sb_putn(out, text, len);
  return true;
}

/* Length of the whitespace character JavaScript's trim() removes at text (n bytes), or 0. */
static size_t js_space(const unsigned char *text, size_t n) {
  if (n >= 1 && (text[0] == ' ' || (text[0] >= '\t' && text[0] <= '\r')))
    return 1;
  if (n >= 2 && text[0] == 0xC2 && text[1] == 0xA0)
    return 2; /* no-break space */
  if (n >= 3 && text[0] == 0xE1 && text[1] == 0x9A && text[2] == 0x80)
    return 3; /* U+1680 */
  if (n >= 3 && text[0] == 0xE2 && text[1] == 0x80 &&
      (text[2] <= 0x8A || text[2] == 0xA8 || text[2] == 0xA9 || text[2] == 0xAF))
    return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
  if (n >= 3 && text[0] == 0xE2 && text[1] == 0x81 && text[2] == 0x9F)
    return 3; /* U+205F */
  if (n >= 3 && text[0] == 0xE3 && text[1] == 0x80 && text[2] == 0x80)
    return 3; /* U+3000 */
  if (n >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF)
    return 3; /* U+FEFF */
  return 0;
}

/* Whether the character before text[i] (or the start of the value) can open a keyword. */
static bool space_before(const unsigned char *text, size_t i, bool value_start) {
  if (i == 0)
    return value_start;
  unsigned char c = text[i - 1];
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
         (i >= 2 && text[i - 2] == 0xC2 && c == 0xA0);
}

/* Whether text[i..] (n bytes) starts with whitespace, or the value ends there. */
static bool space_after(const unsigned char *text, size_t i, size_t n, bool value_end) {
  if (i == n)
    return value_end;
  unsigned char c = text[i];
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
         (i + 1 < n && c == 0xC2 && text[i + 1] == 0xA0);
}

static bool word_at(const unsigned char *text, size_t i, size_t n, const char *word) {
  size_t len = strlen(word);
  if (i + len > n)
    return false;
  for (size_t k = 0; k < len; k++)
    if ((text[i + k] | 0x20) != (unsigned char)word[k])
      return false;
  return true;
}

/* Writes one literal segment. first/last: whether it opens or closes the whole value, where a
 * keyword could begin or end. Kibana reads ' and ', ' or ' and 'not ' as operators inside an
 * unquoted value; 'and' and 'or' are escaped as \and \or (escapeKuery's form), and 'not' with its
 * first letter as \u006E, since '\n' also begins a newline escape. The value is followed by
 * ' or ', ')' or the end, so a keyword at its end is treated as followed by a space. */
static void literal(StrBuf *out, const unsigned char *text, size_t n, bool first) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = text[i];
    if ((c | 0x20) == 'a' && word_at(text, i, n, "and") && space_before(text, i, first) &&
        space_after(text, i + 3, n, true)) {
      sb_putc(out, '\\');
      sb_putn(out, (const char *)text + i, 3);
      i += 2;
      continue;
    }
    if ((c | 0x20) == 'o' && word_at(text, i, n, "or") && space_before(text, i, first) &&
        space_after(text, i + 2, n, true)) {
      sb_putc(out, '\\');
      sb_putn(out, (const char *)text + i, 2);
      i += 1;
      continue;
    }
    if ((c | 0x20) == 'n' && word_at(text, i, n, "not") && space_after(text, i + 3, n, true)) {
      sb_printf(out, "\\u%04X", c);
      continue;
    }
    if (strchr("\\():<>\"*{}", c) && c) {
      sb_putc(out, '\\');
      sb_putc(out, (char)c);
    } else if (!control(out, c)) {
      sb_putc(out, (char)c);
    }
  }
}

KqlPatternError kql_unquoted(StrBuf *out, const IrString *pattern) {
  for (size_t i = 0; i < pattern->count; i++) {
    const IrSegment *seg = &pattern->segs[i];
    if (seg->kind == IR_SEG_ONE)
      return KQL_PATTERN_ONE;
    if (seg->kind == IR_SEG_LITERAL && !utf8_valid(seg->text, seg->len))
      return KQL_PATTERN_BYTES;
  }
  if (pattern->count == 0)
    return KQL_PATTERN_WHITESPACE; /* an empty unquoted value is no value at all */
  const IrSegment *head = &pattern->segs[0], *tail = &pattern->segs[pattern->count - 1];
  if (head->kind == IR_SEG_LITERAL && js_space((const unsigned char *)head->text, head->len))
    return KQL_PATTERN_WHITESPACE;
  if (tail->kind == IR_SEG_LITERAL) {
    for (size_t back = 1; back <= 3 && back <= tail->len; back++)
      if (js_space((const unsigned char *)tail->text + tail->len - back, back) == back)
        return KQL_PATTERN_WHITESPACE;
  }
  for (size_t i = 0; i < pattern->count; i++) {
    const IrSegment *seg = &pattern->segs[i];
    if (seg->kind == IR_SEG_ANY)
      sb_putc(out, '*');
    else
      literal(out, (const unsigned char *)seg->text, seg->len, i == 0);
  }
  return KQL_PATTERN_OK;
}
