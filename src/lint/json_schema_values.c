/* JSON values as JSON Schema sees them: equality and a hash that agrees with it (const, enum,
 * uniqueItems), numbers compared by value, the kinds the type keyword names, and string lengths
 * in code points. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/hash.h"
#include "base/utf8.h"
#include "lint/json_schema_internal.h"

enum {
  EQUALITY_DEPTH_MAX = 1000, /* nesting that const, enum and uniqueItems compare */
};

_Static_assert(sizeof(json_int_t) == 8, "number comparisons assume 64-bit jansson integers");

/* Compares an integer with a real exactly: <0, 0, >0. */
static int compare_integer_real(json_int_t i, double r) {
  if (r >= 9223372036854775808.0)
    return -1;
  if (r < -9223372036854775808.0)
    return 1;
  double whole = floor(r);
  json_int_t w = (json_int_t)whole;
  if (i != w)
    return i < w ? -1 : 1;
  return whole < r ? -1 : 0;
}

int schema_compare_numbers(const json_t *a, const json_t *b) {
  if (json_is_integer(a) && json_is_integer(b)) {
    json_int_t x = json_integer_value(a), y = json_integer_value(b);
    return (x > y) - (x < y);
  }
  if (json_is_real(a) && json_is_real(b)) {
    double x = json_real_value(a), y = json_real_value(b);
    return (x > y) - (x < y);
  }
  if (json_is_integer(a))
    return compare_integer_real(json_integer_value(a), json_real_value(b));
  return -compare_integer_real(json_integer_value(b), json_real_value(a));
}

bool schema_same_value(const json_t *a, const json_t *b, size_t depth) {
  if (depth > EQUALITY_DEPTH_MAX)
    return false;
  if (json_is_number(a) && json_is_number(b))
    return schema_compare_numbers(a, b) == 0;
  if (json_typeof(a) != json_typeof(b))
    return false;
  switch (json_typeof(a)) {
  case JSON_STRING:
    return json_string_length(a) == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
  case JSON_ARRAY:
    if (json_array_size(a) != json_array_size(b))
      return false;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!schema_same_value(json_array_get(a, i), json_array_get(b, i), depth + 1))
        return false;
    return true;
  case JSON_OBJECT: {
    if (json_object_size(a) != json_object_size(b))
      return false;
    const char *key;
    size_t key_len;
    json_t *member;
    json_object_keylen_foreach((json_t *)a, key, key_len, member) {
      const json_t *other = json_object_getn(b, key, key_len);
      if (!other || !schema_same_value(member, other, depth + 1))
        return false;
    }
    return true;
  }
  case JSON_INTEGER:
  case JSON_REAL: /* compared above */
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_NULL:
    return true;
  }
  return false;
}

static size_t hash_number(double d) {
  if (d == 0)
    d = 0; /* -0.0 equals 0.0 */
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return (size_t)(bits ^ (bits >> 31)) * 0x9E3779B97F4A7C15u;
}

size_t schema_value_hash(const json_t *value, size_t depth) {
  if (depth > EQUALITY_DEPTH_MAX)
    return 0;
  size_t hash = 0;
  switch (json_typeof(value)) {
  case JSON_OBJECT: {
    const char *key;
    size_t key_len;
    json_t *member;
    json_object_keylen_foreach((json_t *)value, key, key_len, member) {
      hash += hash_bytes(key, key_len) * 31 + schema_value_hash(member, depth + 1); /* order-free */
    }
    return hash ^ 0x0B;
  }
  case JSON_ARRAY:
    for (size_t i = 0; i < json_array_size(value); i++)
      hash = hash * 31 + schema_value_hash(json_array_get(value, i), depth + 1);
    return hash ^ 0xA7;
  case JSON_STRING:
    return hash_bytes(json_string_value(value), json_string_length(value));
  case JSON_INTEGER: /* as a double, so that 1 and 1.0 hash alike */
    return hash_number((double)json_integer_value(value));
  case JSON_REAL:
    return hash_number(json_real_value(value));
  case JSON_TRUE:
    return 1;
  case JSON_FALSE:
    return 2;
  case JSON_NULL:
    return 3;
  }
  return 0;
}

bool schema_has_kind(const json_t *instance, JsonKind kind) {
  switch (kind) {
  case KIND_NULL:
    return json_is_null(instance);
  case KIND_BOOLEAN:
    return json_is_boolean(instance);
  case KIND_OBJECT:
    return json_is_object(instance);
  case KIND_ARRAY:
    return json_is_array(instance);
  case KIND_NUMBER:
    return json_is_number(instance);
  case KIND_STRING:
    return json_is_string(instance);
  case KIND_INTEGER:
    return json_is_integer(instance) ||
           (json_is_real(instance) &&
            json_real_value(instance) == floor(json_real_value(instance)));
  case KIND_COUNT:
    break;
  }
  return false;
}

size_t schema_code_points(const char *text, size_t len) {
  size_t count = 0;
  for (size_t i = 0; i < len; count++) {
    size_t n = utf8_sequence_length(text + i, len - i);
    i += n ? n : 1; /* a byte that is not UTF-8 counts as one */
  }
  return count;
}
