/* YAML scalars and Sigma patterns (sigma-spec-notes.md section 3 for the escapes). */
#include "emit/yaml_text.h"

#include <string.h>

#include "base/utf8.h"

/* The escape of a line break YAML 1.1 (libyaml, PyYAML) reads in a scalar besides \n and \r:
 * NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR, which a quoted scalar would fold to a space. NULL
 * when text (len bytes left) starts with none; *width its length. */
static const char *unicode_break(const char *text, size_t len, size_t *width) {
  static const struct {
    const char *utf8, *escape;
  } breaks[] = {{"\xC2\x85", "\\N"}, {"\xE2\x80\xA8", "\\L"}, {"\xE2\x80\xA9", "\\P"}};
  for (size_t b = 0; b < 3; b++) {
    size_t n = strlen(breaks[b].utf8);
    if (len >= n && memcmp(text, breaks[b].utf8, n) == 0) {
      *width = n;
      return breaks[b].escape;
    }
  }
  return NULL;
}

static bool needs_double(const char *text, size_t len) {
  size_t width;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F ||
        unicode_break(text + i, len - i, &width))
      return true;
  return false;
}

bool yaml_scalar(StrBuf *out, const char *text, size_t len) {
  if (!utf8_valid(text, len))
    return false;
  if (!needs_double(text, len)) {
    sb_putc(out, '\'');
    for (size_t i = 0; i < len; i++) {
      if (text[i] == '\'')
        sb_putc(out, '\'');
      sb_putc(out, text[i]);
    }
    sb_putc(out, '\'');
    return true;
  }
  sb_putc(out, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    size_t width;
    const char *line_break = unicode_break(text + i, len - i, &width);
    if (line_break) {
      sb_puts(out, line_break);
      i += width - 1;
    } else if (c == '"' || c == '\\')
      sb_printf(out, "\\%c", c);
    else if (c == '\n')
      sb_puts(out, "\\n");
    else if (c == '\t')
      sb_puts(out, "\\t");
    else if (c == '\r')
      sb_puts(out, "\\r");
    else if (c < 0x20 || c == 0x7F)
      sb_printf(out, "\\x%02x", c);
    else
      sb_putc(out, (char)c);
  }
  sb_putc(out, '"');
  return true;
}

/* The character that follows position i of segment s in the written pattern ('\0' at the end;
 * '*' for a following wildcard, which a backslash before it would escape). */
static char next_char(const IrString *pattern, size_t s, size_t i) {
  const IrSegment *seg = &pattern->segs[s];
  if (i + 1 < seg->len)
    return seg->text[i + 1];
  if (s + 1 < pattern->count)
    return pattern->segs[s + 1].kind == IR_SEG_LITERAL ? pattern->segs[s + 1].text[0] : '*';
  return '\0';
}

bool yaml_sigma_pattern(StrBuf *out, const IrString *pattern) {
  StrBuf text = STRBUF_INIT;
  for (size_t s = 0; s < pattern->count; s++) {
    const IrSegment *seg = &pattern->segs[s];
    if (seg->kind != IR_SEG_LITERAL) {
      sb_putc(&text, seg->kind == IR_SEG_ANY ? '*' : '?');
      continue;
    }
    for (size_t i = 0; i < seg->len; i++) {
      char c = seg->text[i];
      if (c == '*' || c == '?')
        sb_putc(&text, '\\');
      else if (c == '\\') {
        char next = next_char(pattern, s, i);
        if (next == '*' || next == '?' || next == '\\')
          sb_putc(&text, '\\'); /* else a lone backslash is literal, as the rule writes paths */
      }
      sb_putc(&text, c);
    }
  }
  bool ok = yaml_scalar(out, sb_text(&text), text.len);
  sb_free(&text);
  return ok;
}

void yaml_key(StrBuf *out, const char *key) {
  bool plain = *key && strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
                                   ".-|@") == strlen(key);
  if (plain)
    sb_puts(out, key);
  else
    yaml_scalar(out, key, strlen(key));
}
