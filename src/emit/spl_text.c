/* SPL field names, search values and regex strings (spl_text.h). */
#include "emit/spl_text.h"

#include <string.h>

#include "base/utf8.h"

/* text in double quotes, \\ and " backslash-escaped: how search and eval both quote. */
static void quoted(StrBuf *out, const char *text) {
  sb_putc(out, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '"' || *c == '\\')
      sb_putc(out, '\\');
    sb_putc(out, *c);
  }
  sb_putc(out, '"');
}

bool spl_field(StrBuf *out, const char *field) {
  static const char *const reserved[] = {"AND", "OR", "NOT", "IN", "search", NULL};
  bool plain = *field != '\0';
  for (const char *c = field; *c; c++) {
    if ((unsigned char)*c < 0x20 || *c == 0x7F)
      return false; /* no escape: a line break would end the search (and a .conf line) */
    plain = plain && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.');
  }
  for (const char *const *r = reserved; plain && *r; r++)
    plain = strcmp(*r, field) != 0;
  if (plain) {
    sb_puts(out, field);
    return true;
  }
  quoted(out, field);
  return true;
}

bool spl_regex_field(const char *field) {
  if (!*field)
    return false;
  for (const char *c = field; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          *c == '_' || *c == '.' || *c == '-'))
      return false;
  return true;
}

SplValueError spl_value(StrBuf *out, const IrString *pattern) {
  for (size_t i = 0; i < pattern->count; i++) {
    const IrSegment *seg = &pattern->segs[i];
    if (seg->kind == IR_SEG_ONE)
      return SPL_VALUE_ONE;
    if (seg->kind != IR_SEG_LITERAL)
      continue;
    if (!utf8_valid(seg->text, seg->len))
      return SPL_VALUE_BYTES;
    for (size_t k = 0; k < seg->len; k++) {
      unsigned char c = (unsigned char)seg->text[k];
      if (c == '*')
        return SPL_VALUE_STAR;
      if (c < 0x20 || c == 0x7F)
        return SPL_VALUE_CONTROL;
    }
  }
  sb_putc(out, '"');
  for (size_t i = 0; i < pattern->count; i++) {
    const IrSegment *seg = &pattern->segs[i];
    if (seg->kind == IR_SEG_ANY) {
      sb_putc(out, '*');
      continue;
    }
    for (size_t k = 0; k < seg->len; k++) {
      char c = seg->text[k];
      if (c == '"' || c == '\\')
        sb_putc(out, '\\');
      sb_putc(out, c);
    }
  }
  sb_putc(out, '"');
  return SPL_VALUE_OK;
}

bool spl_regex_string(StrBuf *out, const char *text) {
  size_t len = strlen(text);
  if (!utf8_valid(text, len))
    return false;
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F)
      return false;
    if (text[i] == '\\' && ++i == len) /* a lone final backslash would escape the closing quote */
      return false;
  }
  sb_putc(out, '"');
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '"' || (text[i] == '\\' && text[i + 1] == '"')) {
      sb_puts(out, "\\x22"); /* a quote, escaped or not, as PCRE's hex escape: none is left */
      i += text[i] == '\\';
    } else if (text[i] == '\\') {
      sb_putc(out, text[i]);
      sb_putc(out, text[++i]); /* an escape pair, kept whole */
    } else {
      sb_putc(out, text[i]);
    }
  }
  sb_putc(out, '"');
  return true;
}

void spl_pattern_regex(StrBuf *out, const IrString *pattern, bool cased) {
  sb_puts(out, cased ? "(?s)^" : "(?is)^");
  for (size_t i = 0; i < pattern->count; i++) {
    const IrSegment *seg = &pattern->segs[i];
    switch (seg->kind) {
    case IR_SEG_ANY:
      sb_puts(out, ".*");
      break;
    case IR_SEG_ONE:
      sb_putc(out, '.');
      break;
    case IR_SEG_LITERAL:
      for (size_t k = 0; k < seg->len; k++) {
        unsigned char c = (unsigned char)seg->text[k];
        if (c < 0x20 || c == 0x7F) {
          sb_printf(out, "\\x%02x", c);
          continue;
        }
        if (strchr("\\^$.|?*+()[]{}/-", c))
          sb_putc(out, '\\');
        sb_putc(out, (char)c);
      }
      break;
    }
  }
  sb_puts(out, "\\z"); /* '$' would also match before a final line break */
}

bool spl_eval_string(StrBuf *out, const char *text) {
  if (!utf8_valid(text, strlen(text)))
    return false;
  for (const char *c = text; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7F)
      return false;
  quoted(out, text);
  return true;
}
