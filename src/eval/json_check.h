/* A JSON syntax check without building anything: whether a text is exactly one JSON value
 * (RFC 8259, UTF-8, whitespace around it allowed), nested at most JSON_CHECK_DEPTH deep. The
 * streaming evaluator checks every event line with it, so that a malformed event is reported even
 * when the prefilter says no rule can match it, at a fraction of the cost of parsing it. */
#ifndef SIGMAC_EVAL_JSON_CHECK_H
#define SIGMAC_EVAL_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json_space.h"

enum { JSON_CHECK_DEPTH = 2048 }; /* jansson's own limit, so both agree */

/* What the check notes on its way, for routing an event to the rules of its logsource before it
 * is parsed (the same facts event_facts_read() gets from a parsed event). Strings are spans of
 * the text, taken only when they hold no escape. */
typedef struct JsonFacts {
  bool evtx;           /* Event.System is an object */
  const char *channel; /* Event.System.Channel, or NULL */
  size_t channel_len;
  bool has_event_id; /* Event.System.EventID, a number or a string of digits */
  long long event_id;
  const char *os_type; /* host.os.type (nested or a flat key), or NULL */
  size_t os_type_len;
  bool has_category; /* event.category (nested or a flat key) */
  bool unsure;       /* the check cannot tell what a tree would show: the event ID is not a
                        number or a plain string (an element with attributes, an escape), or
                        a key on the way to a fact is written twice (a tree keeps the last) */
  bool odd_text;     /* a \u escape of a character the prefilter's anchors hold as it is (a
                           letter, a digit, most punctuation, any non-ASCII character) or as
                           \\ (a backslash), or a number written otherwise than as digits (a
                           fraction or an exponent, in a number or in a string that reads as
                           one): the anchors cannot be looked for in this text */
} JsonFacts;

/* A value the check hands on: every string (its text between the quotes, escapes as written),
 * number and literal, and where each object and array starts, not keys; the prefilter looks for its
 * anchors there, and the streaming evaluator remembers verdicts by the values rules read. Whether a
 * lean tree (lean.h) keeps it follows lean_parse()'s rules: a member is kept when its key is, and
 * everything below a kept array or a kept UserData object. A key written with an escape counts as
 * kept, with all below it (the check does not decode it). */
/* A step of a value's path: a key the sink numbered (key_slot()), or an item of an array
 * (JSON_STEP_ITEM | its index), or a key the sink did not number (JSON_STEP_TEXT | its length,
 * the key its text as written). Lengths and indexes fit their bits in a line of at most 64 MiB
 * (stream.c's limit); in a longer text, paths are not noted (JSON_PATH_UNKNOWN). */
typedef struct JsonStep {
  uint32_t code;
  const char *key;
} JsonStep;

enum { JSON_PATH_MAX = 16 }; /* steps noted: deeper values have JSON_PATH_UNKNOWN */
#define JSON_PATH_UNKNOWN ((size_t)-1)
#define JSON_STEP_ITEM 0x40000000u
#define JSON_STEP_TEXT 0x80000000u

typedef struct JsonValue {
  const char *text; /* a string's between its quotes, a number's or a literal's; where a
                       container starts */
  size_t len;
  char kind;      /* '"' a string, '0' a number, 't' true, 'f' false, 'n' null; '{' or '[' the
                     start of an object or an array (its members and items follow) */
  bool kept;      /* a lean tree keeps it */
  bool below_all; /* it is kept whatever its key: below a kept array, UserData, or an escaped key */
  int32_t key;    /* its key's number (key_slot()); -1 for an array's item or below_all */
  /* the steps from the root to it, depth of them, valid during the call: the first of an array
   * of JSON_PATH_MAX steps, every one readable (a sink may copy whole blocks of them) */
  const JsonStep *path;
  size_t depth;
} JsonValue;

typedef struct JsonValueSink {
  void (*value)(const JsonValue *value, void *context);
  /* A number for a key a lean tree keeps, -1 for the others; NULL: every key is kept. */
  int32_t (*key_slot)(const char *key, size_t len, void *context);
  void *context;
} JsonValueSink;

/* True when text[0..len) is one JSON value; *is_object says whether it is an object. facts and
 * sink (each may be NULL) receive what the check saw. */
bool json_check(const char *text, size_t len, bool *is_object, JsonFacts *facts,
                const JsonValueSink *sink);

#endif
