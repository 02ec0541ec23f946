/* JSON writer. */
#include "base/json_out.h"

#include "base/utf8.h"

#include <math.h>
#include <string.h>

void jout_init(JsonOut *j, StrBuf *out, bool compact) {
  memset(j, 0, sizeof *j);
  j->out = out;
  j->compact = compact;
  j->first[0] = true;
}

static void newline(JsonOut *j) {
  if (j->compact)
    return;
  sb_putc(j->out, '\n');
  sb_repeat(j->out, ' ', j->depth * 2);
}

/* Before any value: a comma and a new line unless it follows its key or opens the container. */
static void before_value(JsonOut *j) {
  if (j->pending_key) {
    j->pending_key = false;
    return;
  }
  if (j->depth == 0)
    return;
  if (!j->first[j->depth])
    sb_putc(j->out, ',');
  j->first[j->depth] = false;
  newline(j);
}

static void open_container(JsonOut *j, char c) {
  before_value(j);
  sb_putc(j->out, c);
  if (j->depth + 1 < JSON_MAX_DEPTH)
    j->depth++;
  j->first[j->depth] = true;
}

static void close_container(JsonOut *j, char c) {
  bool empty = j->first[j->depth];
  if (j->depth > 0)
    j->depth--;
  if (!empty)
    newline(j);
  sb_putc(j->out, c);
}

void jout_object_begin(JsonOut *j) { open_container(j, '{'); }
void jout_object_end(JsonOut *j) { close_container(j, '}'); }
void jout_array_begin(JsonOut *j) { open_container(j, '['); }
void jout_array_end(JsonOut *j) { close_container(j, ']'); }

void jout_key(JsonOut *j, const char *key) {
  before_value(j);
  sb_putc(j->out, '"');
  jout_escape_into(j->out, key, strlen(key));
  sb_puts(j->out, j->compact ? "\":" : "\": ");
  j->pending_key = true;
}

void jout_escape_into(StrBuf *out, const char *text, size_t len) {
  const unsigned char *p = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      sb_putc(out, '\\');
      sb_putc(out, (char)c);
      i++;
    } else if (c == '\n' || c == '\t' || c == '\r') {
      sb_puts(out, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
      i++;
    } else if (c < 0x20 || c == 0x7F) {
      sb_printf(out, "\\u%04x", c);
      i++;
    } else {
      size_t n = utf8_sequence_length(text + i, len - i);
      if (n == 0) {
        sb_printf(out, "\\u%04x", c);
        i++;
      } else {
        sb_putn(out, text + i, n);
        i += n;
      }
    }
  }
}

void jout_string_n(JsonOut *j, const char *text, size_t len) {
  before_value(j);
  sb_putc(j->out, '"');
  jout_escape_into(j->out, text, len);
  sb_putc(j->out, '"');
}

void jout_string(JsonOut *j, const char *text) {
  if (!text)
    jout_null(j);
  else
    jout_string_n(j, text, strlen(text));
}

void jout_int(JsonOut *j, long long value) {
  before_value(j);
  sb_printf(j->out, "%lld", value);
}

void jout_double(JsonOut *j, double value) {
  before_value(j);
  if (isfinite(value))
    sb_printf(j->out, "%.17g", value);
  else
    sb_puts(j->out, isnan(value) ? "\"nan\"" : value > 0 ? "\"inf\"" : "\"-inf\"");
}

void jout_bool(JsonOut *j, bool value) {
  before_value(j);
  sb_puts(j->out, value ? "true" : "false");
}

void jout_raw(JsonOut *j, const char *text) {
  before_value(j);
  sb_puts(j->out, text);
}

void jout_null(JsonOut *j) {
  before_value(j);
  sb_puts(j->out, "null");
}

void jout_kv_string(JsonOut *j, const char *key, const char *value) {
  jout_key(j, key);
  jout_string(j, value);
}

void jout_kv_int(JsonOut *j, const char *key, long long value) {
  jout_key(j, key);
  jout_int(j, value);
}

void jout_kv_bool(JsonOut *j, const char *key, bool value) {
  jout_key(j, key);
  jout_bool(j, value);
}
