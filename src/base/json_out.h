/* A small JSON writer into a StrBuf: two-space indentation, keys in the order written, so output
 * is stable for golden tests. It tracks commas; the caller pairs begin/end calls. */
#ifndef SIGMAC_BASE_JSON_OUT_H
#define SIGMAC_BASE_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"

enum { JSON_MAX_DEPTH = 256 };

typedef struct JsonOut {
  StrBuf *out;
  size_t depth;
  bool first[JSON_MAX_DEPTH]; /* no member written yet at this depth */
  bool pending_key;           /* a key was written; its value comes next */
  bool compact;               /* one line, no indentation (NDJSON) */
} JsonOut;

void jout_init(JsonOut *j, StrBuf *out, bool compact);
void jout_object_begin(JsonOut *j);
void jout_object_end(JsonOut *j);
void jout_array_begin(JsonOut *j);
void jout_array_end(JsonOut *j);
void jout_key(JsonOut *j, const char *key);
/* A string of len bytes: valid UTF-8 is kept, control characters and bytes that are not UTF-8
 * are escaped (\u00XX, one per byte, so nothing is lost or invalid). */
void jout_string_n(JsonOut *j, const char *text, size_t len);
void jout_string(JsonOut *j, const char *text); /* NULL writes null */
void jout_int(JsonOut *j, long long value);
void jout_double(JsonOut *j, double value);
void jout_bool(JsonOut *j, bool value);
void jout_null(JsonOut *j);
/* A value written as it is (the caller guarantees it is valid JSON, e.g. a long number). */
void jout_raw(JsonOut *j, const char *text);
/* Shorthands: key then value. */
void jout_kv_string(JsonOut *j, const char *key, const char *value);
void jout_kv_int(JsonOut *j, const char *key, long long value);
void jout_kv_bool(JsonOut *j, const char *key, bool value);
/* Writes the JSON text escape of bytes (no quotes) into out. */
void jout_escape_into(StrBuf *out, const char *text, size_t len);

#endif
