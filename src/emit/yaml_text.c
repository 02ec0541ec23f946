/* YAML scalars and Sigma patterns (sigma-spec-notes.md section 3 for the escapes). */
#include "emit/yaml_text.h"

#include <string.h>

#include "base/utf8.h"

static bool needs_double(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F)
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
    if (c == '"' || c == '\\')
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
