/* The text of the validator's messages. Values of the instance are quoted, cut after
 * SHOWN_CHARS_MAX code points and escaped, so that no message can flood or steer a terminal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "lint/json_schema_internal.h"

static const char *const kind_phrases[KIND_COUNT] = {
#define X(kind, name, phrase) [kind] = phrase,
    JSON_KINDS(X)
#undef X
};

/* Code points that must not reach a terminal raw: C0 and C1 controls, DEL, line and paragraph
 * separators, and the bidirectional overrides that can make text read other than it is. */
static bool needs_escape(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x200E ||
         c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static uint32_t decode(const char *text, size_t n) {
  const unsigned char *p = (const unsigned char *)text;
  uint32_t c = n == 1 ? p[0] : n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
  for (size_t i = 1; i < n; i++)
    c = (c << 6) | (p[i] & 0x3Fu);
  return c;
}

void schema_put_text(StrBuf *sb, const char *text, size_t len, size_t max_chars) {
  size_t shown = 0;
  for (size_t i = 0; i < len; shown++) {
    if (shown == max_chars) {
      sb_puts(sb, "...");
      return;
    }
    size_t n = utf8_sequence_length(text + i, len - i);
    if (n == 0) {
      sb_printf(sb, "\\x%02x", (unsigned char)text[i++]);
      continue;
    }
    uint32_t c = decode(text + i, n);
    if (c == '\n' || c == '\t' || c == '\r')
      sb_printf(sb, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
    else if (needs_escape(c))
      sb_printf(sb, "\\u%04x", (unsigned)c);
    else
      sb_putn(sb, text + i, n);
    i += n;
  }
}

/* The shortest %g form that reads back as the same double. */
static void put_real(StrBuf *sb, double d) {
  char text[32];
  for (int precision = 15; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*g", precision, d);
    if (strtod(text, NULL) == d)
      break;
  }
  sb_puts(sb, text);
}

void schema_put_value(StrBuf *sb, const json_t *value, bool quoted) {
  switch (json_typeof(value)) {
  case JSON_STRING:
    if (quoted)
      sb_putc(sb, '\'');
    schema_put_text(sb, json_string_value(value), json_string_length(value), SHOWN_CHARS_MAX);
    if (quoted)
      sb_putc(sb, '\'');
    return;
  case JSON_INTEGER:
    sb_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    return;
  case JSON_REAL:
    put_real(sb, json_real_value(value));
    return;
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
  case JSON_ARRAY:
  case JSON_OBJECT: {
    char *json = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    if (json)
      schema_put_text(sb, json, strlen(json), SHOWN_CHARS_MAX);
    free(json);
    return;
  }
  }
}

/* Writes the separator before item i of n in a list read as "a, b or c". */
static void put_separator(StrBuf *sb, size_t i, size_t n, const char *last) {
  if (i > 0)
    sb_puts(sb, i + 1 == n ? last : ", ");
}

/* Writes what the instance is, for "..., not <it>". */
static void put_kind_of(StrBuf *sb, const json_t *instance, const Expect *expect) {
  bool wants_integer = memchr(expect->kinds, KIND_INTEGER, expect->kind_count) != NULL;
  switch (json_typeof(instance)) {
  case JSON_OBJECT:
    sb_puts(sb, "an object");
    return;
  case JSON_ARRAY:
    sb_puts(sb, "an array");
    return;
  case JSON_STRING:
    sb_puts(sb, "a string");
    return;
  case JSON_TRUE:
  case JSON_FALSE:
    sb_puts(sb, "a boolean");
    return;
  case JSON_NULL:
    sb_puts(sb, "null");
    return;
  case JSON_INTEGER:
  case JSON_REAL:
    if (wants_integer) /* it is a number, just not a whole one: show it */
      schema_put_value(sb, instance, false);
    else
      sb_puts(sb, "a number");
    return;
  }
}

static void put_must_be(StrBuf *sb, const Expect *expect, const json_t *instance) {
  sb_puts(sb, "must be ");
  for (size_t i = 0; i < expect->kind_count; i++) {
    put_separator(sb, i, expect->kind_count, " or ");
    sb_puts(sb, kind_phrases[expect->kinds[i]]);
  }
  if (expect->value_count == 1 && expect->kind_count == 0) {
    schema_put_value(sb, expect->values[0], true);
    return;
  }
  if (expect->value_count) {
    sb_puts(sb, expect->kind_count ? " or one of: " : "one of: ");
    for (size_t i = 0; i < expect->value_count; i++) {
      sb_puts(sb, i ? ", " : "");
      schema_put_value(sb, expect->values[i], false);
    }
    return;
  }
  sb_puts(sb, ", not ");
  put_kind_of(sb, instance, expect);
}

char *schema_finish(Arena *arena, StrBuf *sb) {
  char *text = arena_strndup(arena, sb_text(sb), sb->len);
  sb_free(sb);
  return text;
}

char *schema_must_be(Arena *arena, const Expect *expect, const json_t *instance) {
  StrBuf sb = STRBUF_INIT;
  put_must_be(&sb, expect, instance);
  return schema_finish(arena, &sb);
}

char *schema_about(Arena *arena, const json_t *value, const char *rest) {
  StrBuf sb = STRBUF_INIT;
  schema_put_value(&sb, value, true);
  sb_putc(&sb, ' ');
  sb_puts(&sb, rest);
  return schema_finish(arena, &sb);
}

char *schema_must_have(Arena *arena, const Problems *cuts, const bool *tied, size_t n) {
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "must have ");
  size_t count = 0, i_th = 0;
  for (size_t i = 0; i < n; i++)
    count += tied[i];
  for (size_t i = 0; i < n; i++) {
    if (!tied[i])
      continue;
    put_separator(&sb, i_th++, count, " or ");
    for (size_t j = 0; j < cuts[i].count; j++) {
      put_separator(&sb, j, cuts[i].count, " and ");
      sb_putc(&sb, '\'');
      schema_put_text(&sb, cuts[i].items[j].missing, strlen(cuts[i].items[j].missing),
                      SHOWN_CHARS_MAX);
      sb_putc(&sb, '\'');
    }
  }
  return schema_finish(arena, &sb);
}
