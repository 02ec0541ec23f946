/* EQL string literals and field names (Elasticsearch EqlBase.g4: STRING, IDENTIFIER,
 * QUOTED_IDENTIFIER; ../shared/docs/eql-semantics.md sections 2 and 11). */
#include "emit/eql_text.h"

#include <string.h>

#include "base/utf8.h"

bool eql_string(StrBuf *out, const char *text, size_t len) {
  if (!utf8_valid(text, len))
    return false;
  sb_putc(out, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    switch (c) {
    case '"':
      sb_puts(out, "\\\"");
      break;
    case '\\':
      sb_puts(out, "\\\\");
      break;
    case '\n':
      sb_puts(out, "\\n");
      break;
    case '\r':
      sb_puts(out, "\\r");
      break;
    case '\t':
      sb_puts(out, "\\t");
      break;
    default:
      if (c < 0x20 || c == 0x7F)
        sb_printf(out, "\\u{%02x}", c); /* 2 to 8 hex digits */
      else
        sb_putc(out, (char)c);
    }
  }
  sb_putc(out, '"');
  return true;
}

static bool reserved(const char *word, size_t len) {
  static const char *const words[] = {
      "and", "any", "by",    "false",  "in",       "join", "like",  "maxspan", "not",  "null",
      "of",  "or",  "regex", "sample", "sequence", "true", "until", "where",   "with", NULL};
  for (const char *const *w = words; *w; w++)
    if (strlen(*w) == len && memcmp(*w, word, len) == 0)
      return true;
  return false;
}

static bool plain_identifier(const char *segment, size_t len) {
  if (len == 0)
    return false;
  char first = segment[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_' ||
        first == '@'))
    return false;
  for (size_t i = 1; i < len; i++) {
    char c = segment[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return !reserved(segment, len);
}

void eql_field(StrBuf *out, const char *field, bool optional) {
  if (optional)
    sb_putc(out, '?');
  const char *segment = field;
  for (;;) {
    const char *dot = strchr(segment, '.');
    size_t len = dot ? (size_t)(dot - segment) : strlen(segment);
    if (plain_identifier(segment, len)) {
      sb_putn(out, segment, len);
    } else {
      sb_putc(out, '`');
      for (size_t i = 0; i < len; i++) {
        if (segment[i] == '`')
          sb_putc(out, '`');
        sb_putc(out, segment[i]);
      }
      sb_putc(out, '`');
    }
    if (!dot)
      break;
    sb_putc(out, '.');
    segment = dot + 1;
  }
}
