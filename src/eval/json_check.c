/* The JSON check: a recursive-descent recogniser with an explicit depth bound. */
#include "eval/json_check.h"

#include "base/utf8.h"

typedef struct Cursor {
  const char *p, *end;
  int depth;
} Cursor;

static void space(Cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static bool literal(Cursor *c, const char *word, size_t n) {
  if ((size_t)(c->end - c->p) < n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (c->p[i] != word[i])
      return false;
  c->p += n;
  return true;
}

/* Four hex digits into *unit. */
static bool hex4(Cursor *c, unsigned *unit) {
  *unit = 0;
  for (int i = 0; i < 4; i++, c->p++) {
    if (c->p >= c->end)
      return false;
    char h = *c->p;
    unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
                 : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                 : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                        : 16;
    if (d == 16)
      return false;
    *unit = *unit * 16 + d;
  }
  return true;
}

/* A \u escape as jansson takes it: no NUL, surrogates only as a high-low pair. */
static bool unicode_escape(Cursor *c) {
  unsigned unit, low;
  if (!hex4(c, &unit) || unit == 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
    return false;
  if (unit < 0xD800 || unit > 0xDBFF)
    return true;
  return c->end - c->p >= 2 && c->p[0] == '\\' && c->p[1] == 'u' && (c->p += 2, hex4(c, &low)) &&
         low >= 0xDC00 && low <= 0xDFFF;
}

static bool string(Cursor *c) {
  c->p++; /* the opening quote */
  while (c->p < c->end) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '"') {
      c->p++;
      return true;
    }
    if (ch < 0x20)
      return false;
    if (ch == '\\') {
      if (++c->p >= c->end)
        return false;
      char e = *c->p++;
      if (e == 'u') {
        if (!unicode_escape(c))
          return false;
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                 e != 'r' && e != 't') {
        return false;
      }
      continue;
    }
    if (ch < 0x80) {
      c->p++;
      continue;
    }
    size_t n = utf8_sequence_length(c->p, (size_t)(c->end - c->p));
    if (n == 0)
      return false;
    c->p += n;
  }
  return false;
}

static bool digits(Cursor *c) {
  const char *start = c->p;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
    c->p++;
  return c->p > start;
}

static bool number(Cursor *c) {
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!digits(c))
    return false;
  if (c->p < c->end && *c->p == '.') {
    c->p++;
    if (!digits(c))
      return false;
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
      c->p++;
    if (!digits(c))
      return false;
  }
  return true;
}

static bool value(Cursor *c);

static bool container(Cursor *c, char close, bool object) {
  if (++c->depth > JSON_CHECK_DEPTH)
    return false;
  c->p++;
  space(c);
  if (c->p < c->end && *c->p == close) {
    c->p++;
    c->depth--;
    return true;
  }
  for (;;) {
    if (object) {
      if (c->p >= c->end || *c->p != '"' || !string(c))
        return false;
      space(c);
      if (c->p >= c->end || *c->p++ != ':')
        return false;
      space(c);
    }
    if (!value(c))
      return false;
    space(c);
    if (c->p >= c->end)
      return false;
    char next = *c->p++;
    if (next == close) {
      c->depth--;
      return true;
    }
    if (next != ',')
      return false;
    space(c);
  }
}

static bool value(Cursor *c) {
  if (c->p >= c->end)
    return false;
  switch (*c->p) {
  case '{':
    return container(c, '}', true);
  case '[':
    return container(c, ']', false);
  case '"':
    return string(c);
  case 't':
    return literal(c, "true", 4);
  case 'f':
    return literal(c, "false", 5);
  case 'n':
    return literal(c, "null", 4);
  default:
    return (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) && number(c);
  }
}

bool json_check(const char *text, size_t len, bool *is_object) {
  Cursor c = {text, text + len, 0};
  space(&c);
  *is_object = c.p < c.end && *c.p == '{';
  if (!value(&c))
    return false;
  space(&c);
  return c.p == c.end;
}
