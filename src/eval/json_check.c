/* The JSON check: a recursive-descent recogniser with an explicit depth bound. */
#include "eval/json_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json_plain.h"
#include "base/utf8.h"

/* Where a value sits, as far as the facts care. */
typedef enum Place {
  AT_OTHER,
  AT_ROOT,
  AT_EVENT,     /* Event */
  AT_SYSTEM,    /* Event.System */
  AT_CHANNEL,   /* Event.System.Channel */
  AT_EVENT_ID,  /* Event.System.EventID */
  AT_HOST,      /* host */
  AT_OS,        /* host.os */
  AT_OS_TYPE,   /* host.os.type */
  AT_ECS_EVENT, /* event */
  AT_CATEGORY,  /* event.category */
  AT_SOURCE,    /* source: Splunk's "WinEventLog:<channel>" makes an EVTX event (event.c) */
} Place;

/* Whether a lean tree keeps what sits here: nothing, the members whose key it reads, or all. */
typedef enum Reach { REACH_NONE, REACH_KEYED, REACH_ALL } Reach;

typedef struct Cursor {
  const char *p, *end;
  int depth;
  unsigned noted; /* a bit per Place noted so far: a second time makes the facts unsure */
  bool escaped;   /* the last string read holds an escape */
  JsonStep path[JSON_PATH_MAX]; /* the steps to the value being read, c->depth of them */
  JsonValue handed;             /* the value handed to the sink */
  bool paths; /* a sink reads paths, and the text is short enough for their steps' bits */
  JsonFacts *facts;
  const JsonValueSink *sink;
} Cursor;

static bool key_is(const char *key, size_t len, const char *name) {
  return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* The place of a member named key[0..len) of an object at place. */
static Place child_place(Place parent, const char *key, size_t len) {
  switch (parent) {
  case AT_ROOT:
    return key_is(key, len, "Event")            ? AT_EVENT
           : key_is(key, len, "host")           ? AT_HOST
           : key_is(key, len, "event")          ? AT_ECS_EVENT
           : key_is(key, len, "host.os.type")   ? AT_OS_TYPE
           : key_is(key, len, "host.os")        ? AT_OS
           : key_is(key, len, "event.category") ? AT_CATEGORY
           : key_is(key, len, "source")         ? AT_SOURCE
                                                : AT_OTHER;
  case AT_EVENT:
    return key_is(key, len, "System") ? AT_SYSTEM : AT_OTHER;
  case AT_SYSTEM:
    return key_is(key, len, "Channel")   ? AT_CHANNEL
           : key_is(key, len, "EventID") ? AT_EVENT_ID
                                         : AT_OTHER;
  case AT_HOST:
    return key_is(key, len, "os") ? AT_OS : key_is(key, len, "os.type") ? AT_OS_TYPE : AT_OTHER;
  case AT_OS:
    return key_is(key, len, "type") ? AT_OS_TYPE : AT_OTHER;
  case AT_ECS_EVENT:
    return key_is(key, len, "category") ? AT_CATEGORY : AT_OTHER;
  default:
    return AT_OTHER;
  }
}

/* The event ID of a number or a plain string, read as event.c reads it from a tree (strtoll:
 * leading space and a sign allowed, a real is no ID); false when it cannot be read here. */
static bool note_event_id(JsonFacts *f, char kind, bool plain, const char *start, const char *end) {
  char text[64];
  size_t len = (size_t)(end - start);
  if ((kind != '0' && !plain) || len >= sizeof text)
    return false;
  memcpy(text, start, len);
  text[len] = '\0';
  if (kind == '0' && strpbrk(text, ".eE")) {
    f->has_event_id = false; /* a real */
    return true;
  }
  char *stop;
  f->event_id = strtoll(text, &stop, 10);
  f->has_event_id = len > 0 && *stop == '\0';
  return true;
}

/* Whether start..end begins with prefix, ignoring ASCII case. */
static bool begins(const char *start, const char *end, const char *prefix) {
  size_t n = strlen(prefix);
  return (size_t)(end - start) >= n && strncasecmp(start, prefix, n) == 0;
}

/* Notes a value's facts; start..end is its text (a string's without the quotes). */
static void note(Cursor *c, Place place, char kind, const char *start, const char *end) {
  JsonFacts *f = c->facts;
  bool plain = kind == '"' && !memchr(start, '\\', (size_t)(end - start));
  if (place != AT_CATEGORY) { /* a category's values only ever keep a rule (see route()) */
    if (c->noted & 1u << place)
      f->unsure = true;
    c->noted |= 1u << place;
  }
  switch (place) {
  case AT_SYSTEM:
    f->evtx = kind == '{';
    break;
  case AT_CHANNEL:
    if (plain) {
      f->channel = start;
      f->channel_len = (size_t)(end - start);
    }
    break;
  case AT_EVENT_ID:
    if (kind == '0' || kind == '"' || kind == '{')
      f->unsure |= !note_event_id(f, kind, plain, start, end);
    break;
  case AT_OS_TYPE:
    if (plain) {
      f->os_type = start;
      f->os_type_len = (size_t)(end - start);
    }
    break;
  case AT_CATEGORY:
    f->has_category = true;
    break;
  case AT_SOURCE: /* the check does not read Splunk's facts: the tree will */
    f->unsure |= kind == '"' && (!plain || begins(start, end, "WinEventLog") ||
                                 begins(start, end, "XmlWinEventLog"));
    break;
  default:
    break;
  }
}

static void space(Cursor *c) {
  while (c->p < c->end && json_is_space(*c->p))
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
    unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
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
  /* anchors hold a backslash as \\ and non-ASCII characters as UTF-8; they hold no '"', '/',
   * '<', '>' or '&', which writers escape */
  if (c->facts && ((unit >= 0x20 && unit < 0x7f && unit != '"' && unit != '/' && unit != '<' &&
                    unit != '>' && unit != '&') ||
                   unit >= 0x80))
    c->facts->odd_text = true;
  if (unit < 0xD800 || unit > 0xDBFF)
    return true;
  return c->end - c->p >= 2 && c->p[0] == '\\' && c->p[1] == 'u' && (c->p += 2, hex4(c, &low)) &&
         low >= 0xDC00 && low <= 0xDFFF;
}

static bool string(Cursor *c) {
  c->p++; /* the opening quote */
  c->escaped = false;
  while (c->p < c->end) {
    c->p += json_plain_run(c->p, (size_t)(c->end - c->p));
    if (c->p == c->end)
      break;
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '"') {
      c->p++;
      return true;
    }
    if (ch < 0x20)
      return false;
    if (ch == '\\') {
      c->escaped = true;
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

/* An integer jansson can hold (it rejects larger ones as "too big integer"). */
static bool integer_fits(const char *start, const char *end) {
  bool negative = *start == '-';
  const char *digits_start = start + negative;
  size_t n = (size_t)(end - digits_start);
  const char *limit = negative ? "9223372036854775808" : "9223372036854775807";
  return n < 19 || (n == 19 && memcmp(digits_start, limit, 19) <= 0);
}

/* A real jansson can hold: it reads the text with strtod() and rejects what overflows to
 * infinity; so does this, on a copy of the text ending in NUL. */
static bool real_fits(const char *start, const char *end) {
  char buffer[128];
  size_t n = (size_t)(end - start);
  char *text = n < sizeof buffer ? buffer : malloc(n + 1);
  if (!text)
    abort();
  memcpy(text, start, n);
  text[n] = '\0';
  bool fits = isfinite(strtod(text, NULL));
  if (text != buffer)
    free(text);
  return fits;
}

static bool number(Cursor *c) {
  const char *start = c->p;
  bool integer = true;
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!digits(c))
    return false;
  if (c->p < c->end && *c->p == '.') {
    c->p++;
    integer = false;
    if (!digits(c))
      return false;
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    integer = false;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
      c->p++;
    if (!digits(c))
      return false;
  }
  return integer ? integer_fits(start, c->p) : real_fits(start, c->p);
}

/* Where a value sits for the sink: whether a lean tree keeps it, its key's number, its path. */
typedef struct Site {
  Reach reach;
  int32_t key;
} Site;

static bool value(Cursor *c, Place place, Site site);

/* Whether a number's text is a real's: it holds a point or an exponent. */
static bool real_text(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (text[i] == '.' || text[i] == 'e' || text[i] == 'E')
      return true;
  return false;
}

/* Whether a string may read as a number written with an exponent ("4.688e3"), which the
 * evaluator compares with a rule's number as a number: its digits need not be the rule's.
 * (A fraction keeps them: 4688.0 holds "4688".) */
static bool exponent_number(const char *text, size_t len) {
  if (len < 2 || len > 64 ||
      !(text[0] == '-' || text[0] == '+' || text[0] == '.' || (text[0] >= '0' && text[0] <= '9')))
    return false;
  bool exponent = false;
  for (size_t i = 0; i < len; i++) {
    char ch = text[i];
    bool e = ch == 'e' || ch == 'E';
    if (!e && !(ch >= '0' && ch <= '9') && ch != '+' && ch != '-' && ch != '.')
      return false;
    exponent |= e;
  }
  return exponent;
}

/* The site of a member named key[0..len) (as written) of an object at parent. */
static Site member_site(const Cursor *c, Site parent, const char *key, size_t len) {
  Site site = {parent.reach, -1};
  if (parent.reach == REACH_KEYED && c->escaped) /* the key, just read */
    site.reach = REACH_ALL;
  else if (parent.reach == REACH_KEYED)
    site.key = c->sink->key_slot(key, len, c->sink->context);
  if (parent.reach == REACH_KEYED && site.reach == REACH_KEYED)
    site.reach = site.key < 0                   ? REACH_NONE
                 : key_is(key, len, "UserData") ? REACH_ALL /* its wrapper is any name */
                                                : REACH_KEYED;
  return site;
}

/* Hands a value to the sink: a scalar, or where a container starts. */
static void hand_on(Cursor *c, Site site, char kind, const char *text, size_t len) {
  if (!c->sink)
    return;
  /* in the cursor, not on the stack: value() and container() recurse thousands deep */
  size_t depth = c->paths && c->depth <= JSON_PATH_MAX ? (size_t)c->depth : JSON_PATH_UNKNOWN;
  c->handed = (JsonValue){
      text, len, kind, site.reach != REACH_NONE, site.reach == REACH_ALL, site.key, c->path, depth};
  c->sink->value(&c->handed, c->sink->context);
}

/* Notes the step to the next member or item, when a sink reads paths. */
static void step(Cursor *c, uint32_t code, const char *key) {
  if (c->paths && c->depth <= JSON_PATH_MAX)
    c->path[c->depth - 1] = (JsonStep){code, key};
}

/* The key of an object's member and its colon (at the key's opening quote): where its value
 * sits, into *child and *child_site. Apart from container() to keep the frames of the
 * recursion small: it runs thousands deep. */
static bool member_key(Cursor *c, Place place, Site site, Place *child, Site *child_site) {
  const char *key = c->p + 1;
  if (c->p >= c->end || *c->p != '"' || !string(c))
    return false;
  size_t key_len = (size_t)(c->p - 1 - key);
  if (c->facts && place != AT_OTHER)
    *child = child_place(place, key, key_len);
  if (c->facts && place != AT_OTHER && c->escaped)
    c->facts->unsure = true; /* it may name a fact ("\u0045vent"), which is not read here */
  *child_site = member_site(c, site, key, key_len);
  /* a key's length and an item's index fit their bits: a line is at most 64 MiB */
  step(c, child_site->key >= 0 ? (uint32_t)child_site->key : JSON_STEP_TEXT | (uint32_t)key_len,
       key);
  space(c);
  if (c->p >= c->end || *c->p++ != ':')
    return false;
  space(c);
  return true;
}

static bool container(Cursor *c, char close, bool object, Place place, Site site) {
  if (++c->depth > JSON_CHECK_DEPTH)
    return false;
  c->p++;
  space(c);
  if (c->p < c->end && *c->p == close) {
    c->p++;
    c->depth--;
    return true;
  }
  for (uint32_t index = 0;; index++) {
    Place child = !object && place == AT_CATEGORY ? AT_CATEGORY : AT_OTHER;
    Site child_site = {site.reach == REACH_KEYED ? REACH_ALL : site.reach, -1}; /* an item */
    if (object ? !member_key(c, place, site, &child, &child_site) : false)
      return false;
    if (!object)
      step(c, JSON_STEP_ITEM | index, NULL);
    if (!value(c, child, child_site))
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

/* A string, a number or a literal. Apart from value() to keep the recursion's frames small. */
static bool scalar(Cursor *c, Place place, Site site) {
  const char *start = c->p;
  char kind = *c->p;
  bool ok;
  switch (kind) {
  case '"':
    ok = string(c);
    if (ok && c->facts && exponent_number(start + 1, (size_t)(c->p - 1 - (start + 1))))
      c->facts->odd_text = true;
    if (ok)
      hand_on(c, site, '"', start + 1, (size_t)(c->p - 1 - (start + 1)));
    if (ok && place != AT_OTHER && c->facts)
      note(c, place, '"', start + 1, c->p - 1);
    return ok;
  case 't':
  case 'f':
  case 'n':
    ok = kind == 't'   ? literal(c, "true", 4)
         : kind == 'f' ? literal(c, "false", 5)
                       : literal(c, "null", 4);
    if (ok)
      hand_on(c, site, kind, start, (size_t)(c->p - start));
    if (ok && place != AT_OTHER && c->facts) /* a fact written twice, the last a literal */
      note(c, place, kind, start, c->p);
    return ok;
  default:
    ok = (kind == '-' || (kind >= '0' && kind <= '9')) && number(c);
    if (ok && c->facts && real_text(start, (size_t)(c->p - start)))
      c->facts->odd_text = true; /* a real: the digits a rule's number has need not show */
    if (ok)
      hand_on(c, site, '0', start, (size_t)(c->p - start));
    if (ok && place != AT_OTHER && c->facts)
      note(c, place, '0', start, c->p);
    return ok;
  }
}

static bool value(Cursor *c, Place place, Site site) {
  if (c->p >= c->end)
    return false;
  char kind = *c->p;
  if (kind != '{' && kind != '[')
    return scalar(c, place, site);
  const char *start = c->p;
  hand_on(c, site, kind, start, 0);
  bool ok = container(c, kind == '{' ? '}' : ']', kind == '{', place, site);
  if (ok && place != AT_OTHER && c->facts)
    note(c, place, kind, start, c->p);
  return ok;
}

bool json_check(const char *text, size_t len, bool *is_object, JsonFacts *facts,
                const JsonValueSink *sink) {
  Cursor c = {.p = text, .end = text + len, .facts = facts, .sink = sink};
  c.paths = sink && len < JSON_STEP_ITEM; /* lengths and indexes below it fit their steps */
  if (facts)
    memset(facts, 0, sizeof *facts);
  space(&c);
  *is_object = c.p < c.end && *c.p == '{';
  Site root = {sink && sink->key_slot ? REACH_KEYED : REACH_ALL, -1};
  if (!value(&c, facts ? AT_ROOT : AT_OTHER, root))
    return false;
  space(&c);
  return c.p == c.end;
}
