/* The formats the validator asserts, as checks on the bytes of a string. Each check quotes the
 * grammar it follows; a format not listed in SCHEMA_FORMATS is an annotation and always fits. */
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "lint/json_schema_internal.h"

static bool all_digits(const char *text, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

static int two_digits(const char *text) { return (text[0] - '0') * 10 + (text[1] - '0'); }

/* full-date = date-fullyear "-" date-month "-" date-mday   (RFC 3339), a real calendar day */
static bool is_date(const char *text, size_t len) {
  if (len != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text, 4) ||
      !all_digits(text + 5, 2) || !all_digits(text + 8, 2))
    return false;
  int year = atoi(text), month = two_digits(text + 5), day = two_digits(text + 8);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1)
    return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= days[month - 1] + (month == 2 && leap);
}

/* time-numoffset = ("+" / "-") time-hour ":" time-minute; sets *minutes east of UTC. */
static bool is_offset(const char *text, size_t len, int *minutes) {
  if (len == 1 && (text[0] == 'Z' || text[0] == 'z')) {
    *minutes = 0;
    return true;
  }
  if (len != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' ||
      !all_digits(text + 1, 2) || !all_digits(text + 4, 2))
    return false;
  int hour = two_digits(text + 1), minute = two_digits(text + 4);
  *minutes = (text[0] == '-' ? -1 : 1) * (hour * 60 + minute);
  return hour <= 23 && minute <= 59;
}

/* date-time = full-date "T" partial-time time-offset   (RFC 3339; T and Z in either case)
 * partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
 * A leap second (:60) is allowed only where UTC is 23:59. */
static bool is_date_time(const char *text, size_t len) {
  if (len < 20 || !is_date(text, 10) || (text[10] != 'T' && text[10] != 't'))
    return false;
  const char *t = text + 11;
  if (t[2] != ':' || t[5] != ':' || !all_digits(t, 2) || !all_digits(t + 3, 2) ||
      !all_digits(t + 6, 2))
    return false;
  int hour = two_digits(t), minute = two_digits(t + 3), second = two_digits(t + 6);
  size_t at = 19;
  if (text[at] == '.') {
    size_t digits = 0;
    while (at + 1 + digits < len && all_digits(text + at + 1 + digits, 1))
      digits++;
    if (digits == 0)
      return false;
    at += 1 + digits;
  }
  int offset;
  if (!is_offset(text + at, len - at, &offset) || hour > 23 || minute > 59 || second > 60)
    return false;
  int utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440;
  return second < 60 || utc == 23 * 60 + 59;
}

static bool is_hex(const char *text, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (hex_digit_value(text[i]) < 0)
      return false;
  return true;
}

/* 8-4-4-4-12 hexadecimal digits, either case. */
static bool is_uuid(const char *text, size_t len) {
  return len == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-' &&
         is_hex(text, 8) && is_hex(text + 9, 4) && is_hex(text + 14, 4) && is_hex(text + 19, 4) &&
         is_hex(text + 24, 12);
}

/* No space, no C0 or C1 control character and no DEL: what every URI reference avoids. */
static bool is_uri_reference(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c <= 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] < 0xA0))
      return false;
  }
  return true;
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' (RFC 3986): a URI is absolute. */
static bool is_uri(const char *text, size_t len) {
  size_t i = 0;
  while (i < len && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
                     (i > 0 && ((text[i] >= '0' && text[i] <= '9') || text[i] == '+' ||
                                text[i] == '-' || text[i] == '.'))))
    i++;
  return i > 0 && i < len && text[i] == ':' && is_uri_reference(text, len);
}

/* The formats asserted: X(name, check, what a failing value is not). Others are annotations. */
#define SCHEMA_FORMATS(X)                                                                          \
  X("uuid", is_uuid, "is not a uuid (8-4-4-4-12 hex digits)")                                      \
  X("date", is_date, "is not a date (YYYY-MM-DD)")                                                 \
  X("date-time", is_date_time, "is not a date-time (RFC 3339, like 2024-01-31T12:00:00Z)")         \
  X("uri", is_uri, "is not a URI (a scheme like 'https:' first, no spaces)")                       \
  X("uri-reference", is_uri_reference,                                                             \
    "is not a URI reference (it holds a space or a control "                                       \
    "character)")

const char *schema_format_problem(const char *format, const char *text, size_t len) {
#define CHECK_FORMAT(name, check, problem)                                                         \
  if (strcmp(format, name) == 0)                                                                   \
    return check(text, len) ? NULL : problem;
  SCHEMA_FORMATS(CHECK_FORMAT)
#undef CHECK_FORMAT
  return NULL;
}
