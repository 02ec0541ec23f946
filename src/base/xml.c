/* XML text escaping for JUnit reports (xml.h). */
#include "base/xml.h"

void xml_text(StrBuf *out, const char *text) {
  for (; text && *text; text++) {
    switch (*text) {
    case '<':
      sb_puts(out, "&lt;");
      break;
    case '>':
      sb_puts(out, "&gt;");
      break;
    case '&':
      sb_puts(out, "&amp;");
      break;
    case '"':
      sb_puts(out, "&quot;");
      break;
    default:
      if ((unsigned char)*text < 0x20 && *text != '\n' && *text != '\t')
        sb_printf(out, "&#%d;", *text == '\r' ? 13 : 0xFFFD); /* XML 1.0 forbids the others */
      else
        sb_putc(out, *text);
    }
  }
}
