/* Growing byte buffer. */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(StrBuf *sb, size_t extra) {
  size_t need = sb->len + extra + 1;
  if (need <= sb->capacity)
    return;
  size_t capacity = sb->capacity ? sb->capacity : 256;
  while (capacity < need)
    capacity *= 2;
  char *data = realloc(sb->data, capacity);
  if (!data) {
    fputs("sigmac: out of memory\n", stderr);
    abort();
  }
  sb->data = data;
  sb->capacity = capacity;
}

void sb_putn(StrBuf *sb, const char *bytes, size_t len) {
  reserve(sb, len);
  if (len)
    memcpy(sb->data + sb->len, bytes, len);
  sb->len += len;
  sb->data[sb->len] = '\0';
}

void sb_puts(StrBuf *sb, const char *text) { sb_putn(sb, text, strlen(text)); }

void sb_putc(StrBuf *sb, char c) { sb_putn(sb, &c, 1); }

void sb_repeat(StrBuf *sb, char c, size_t count) {
  reserve(sb, count);
  memset(sb->data + sb->len, c, count);
  sb->len += count;
  sb->data[sb->len] = '\0';
}

void sb_vprintf(StrBuf *sb, const char *fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  int len = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (len <= 0)
    return;
  reserve(sb, (size_t)len);
  vsnprintf(sb->data + sb->len, (size_t)len + 1, fmt, args);
  sb->len += (size_t)len;
}

void sb_printf(StrBuf *sb, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  sb_vprintf(sb, fmt, args);
  va_end(args);
}

void sb_clear(StrBuf *sb) {
  sb->len = 0;
  if (sb->data)
    sb->data[0] = '\0';
}

const char *sb_text(const StrBuf *sb) { return sb->data ? sb->data : ""; }

void sb_free(StrBuf *sb) {
  free(sb->data);
  sb->data = NULL;
  sb->len = sb->capacity = 0;
}
