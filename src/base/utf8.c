/* UTF-8 validity. */
#include "base/utf8.h"

size_t utf8_sequence_length(const char *text, size_t len) {
  const unsigned char *p = (const unsigned char *)text;
  unsigned char c = p[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > len)
    return 0;
  unsigned code = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    code = (code << 6) | (p[i] & 0x3F);
  }
  static const unsigned minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < minimum[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
    return 0;
  return n;
}

bool utf8_valid(const char *text, size_t len) {
  for (size_t i = 0; i < len;) {
    size_t n = utf8_sequence_length(text + i, len - i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}
