/* Predicates against event values. */
#include "eval/match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cidr.h"
#include "base/swar.h"
#include "eval/aho.h"
#include "eval/expr.h"
#include "eval/regex.h"
#include "eval/timeline.h"
#include "ir/ir_build.h"

struct PredCache {
  const void *pred; /* the predicate (or expression) it is for; NULL: a free slot */
  IrString pattern; /* string kinds: the pattern with its wildcards */
  bool has_pattern;
  Regex *regex; /* NULL when it could not be compiled */
  bool has_regex;
  Cidr network;
  bool network_ok;
  bool has_network;
  const char *mapped; /* the field's name under the mapping, NULL when it has none */
  bool has_mapped;
  struct LiteralSet *set; /* an OR node of many literal tests of one field, made one scan */
  bool has_set;
  int memo; /* matcher_memo() */
};

static size_t slot_of(const void *pred, size_t capacity) {
  size_t h = (size_t)pred;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15ULL;
  return (h ^ (h >> 29)) & (capacity - 1);
}

/* The cache entry of a predicate, made on first use (evaluation runs per event; the work that
 * depends on the rule alone is done once). */
static PredCache *cached(Matcher *m, const void *pred) {
  if (m->cache_count * 2 >= m->cache_capacity) {
    PredCache *old = m->cache;
    size_t old_capacity = m->cache_capacity;
    m->cache_capacity = old_capacity ? old_capacity * 2 : 64;
    m->cache = arena_array(m->arena, m->cache_capacity, sizeof(PredCache));
    for (size_t i = 0; i < old_capacity; i++)
      if (old[i].pred) {
        size_t k = slot_of(old[i].pred, m->cache_capacity);
        while (m->cache[k].pred)
          k = (k + 1) & (m->cache_capacity - 1);
        m->cache[k] = old[i];
      }
  }
  size_t k = slot_of(pred, m->cache_capacity);
  while (m->cache[k].pred && m->cache[k].pred != pred)
    k = (k + 1) & (m->cache_capacity - 1);
  if (!m->cache[k].pred) {
    m->cache[k].pred = pred;
    m->cache_count++;
  }
  return &m->cache[k];
}

int *matcher_memo(Matcher *m, const void *key) { return &cached(m, key)->memo; }

static void free_json_value(void *value) { json_decref(value); }

/* A mapped field's value as the rule reads it: what a value map rewrote is read back
 * (network.direction "egress" is Initiated "true"), in arrays element by element. */
static const json_t *valued_back(Matcher *m, const char *target, const json_t *v) {
  if (!m->mapping->value_map_count)
    return v;
  if (json_is_string(v)) {
    const char *back = mapping_value_back(m->mapping, m->logsource, target, json_string_value(v));
    if (!back)
      return v;
    json_t *value = json_string(back);
    arena_on_free(m->arena, free_json_value, value);
    return value;
  }
  if (!json_is_array(v))
    return v;
  size_t i;
  json_t *item;
  bool any = false;
  json_array_foreach(v, i, item) {
    any = any || (json_is_string(item) &&
                  mapping_value_back(m->mapping, m->logsource, target, json_string_value(item)));
  }
  if (!any)
    return v;
  json_t *items = json_array();
  json_array_foreach(v, i, item) {
    json_array_append(items, (json_t *)valued_back(m, target, item));
  }
  arena_on_free(m->arena, free_json_value, items);
  return items;
}

/* Inside a nested query the event is one object of the nested array, and the query's fields,
 * written in full, are read without the path that leads to it. */
static const char *in_scope(const Matcher *m, const char *field) {
  if (m->scope_len && strncmp(field, m->scope, m->scope_len) == 0 && field[m->scope_len] == '.')
    return field + m->scope_len + 1;
  return field;
}

/* A field's value: its own name first, then (Sigma rules) the mapped name. */
static const json_t *field_value(Matcher *m, const IrPredicate *pred, const char *field,
                                 const Event *event) {
  const char *name = in_scope(m, field);
  const json_t *v = event_field(event, name, m->sigma_names);
  if (!v && !m->sigma_names) { /* ECS data: objects in arrays are flattened */
    json_t *flat = event_field_flattened(event, name);
    if (flat)
      arena_on_free(m->arena, free_json_value, flat);
    v = flat;
  }
  if (v || !m->mapping || !m->logsource)
    return v;
  PredCache *c = cached(m, pred);
  if (!c->has_mapped || field != pred->field) {
    const char *mapped = mapping_field(m->arena, m->mapping, m->logsource, field);
    if (field != pred->field) /* a fieldref's other field: not cached */
      return mapped ? event_field(event, mapped, false) : NULL;
    c = cached(m, pred);
    c->mapped = mapped;
    c->has_mapped = true;
  }
  const json_t *mapped = c->mapped ? event_field(event, c->mapped, false) : NULL;
  return mapped ? valued_back(m, c->mapped, mapped) : NULL;
}

static const IrString *pattern_of(Matcher *m, const IrPredicate *pred) {
  PredCache *c = cached(m, pred);
  if (!c->has_pattern) {
    c->pattern = ir_pattern_of(m->arena, pred);
    c->has_pattern = true;
  }
  return &c->pattern;
}

const EvalFields eval_default_fields = {"event.category", "@timestamp", NULL};
const SearchLimits search_default_limits = {-1, 1};

void matcher_init(Matcher *m, Arena *arena, DiagSink *diags, bool sigma_names) {
  memset(m, 0, sizeof *m);
  m->fields = &eval_default_fields;
  m->limits = &search_default_limits;
  m->arena = arena;
  m->diags = diags;
  m->sigma_names = sigma_names;
}

/* ---- text --------------------------------------------------------------------------------------
 */

static char fold(char c, bool cased) {
  return !cased && c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

static size_t char_width(const char *text, size_t len) {
  unsigned char c = (unsigned char)text[0];
  size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return n <= len ? n : len;
}

/* Does the literal lit occur at text[at], byte for byte up to ASCII case? Eight bytes at a
 * time, then one by one. */
static bool literal_at(const IrSegment *lit, const char *text, size_t len, size_t at, bool cased) {
  if (at + lit->len > len)
    return false;
  size_t i = 0;
  for (; i + 8 <= lit->len; i += 8) {
    uint64_t a = swar_load(lit->text + i), b = swar_load(text + at + i);
    if (cased ? a != b : swar_lower(a) != swar_lower(b))
      return false;
  }
  for (; i < lit->len; i++)
    if (fold(lit->text[i], cased) != fold(text[at + i], cased))
      return false;
  return true;
}

/* Whether text[0..len) is ASCII: every offset is then a character boundary. */
static bool all_ascii(const char *text, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8)
    if (swar_load(text + i) & SWAR_TOPS)
      return false;
  for (; i < len; i++)
    if ((unsigned char)text[i] >= 0x80)
      return false;
  return true;
}

/* "*lit*" over ASCII text: the offsets whose byte is lit's first, up to case, found eight
 * bytes at a time, each then compared whole. */
static bool holds_literal_ascii(const IrSegment *lit, const char *text, size_t len, bool cased) {
  size_t last = len - lit->len; /* the caller made sure lit fits */
  uint64_t first = SWAR_ONES * (uint8_t)fold(lit->text[0], cased);
  for (size_t at = 0; at <= last;) {
    if (at + 8 <= len) {
      uint64_t word = swar_load(text + at);
      uint64_t hit = swar_zeros((cased ? word : swar_lower(word)) ^ first);
      if (!hit) {
        at += 8;
        continue;
      }
      at += swar_first(hit);
      if (at > last)
        return false;
    } else if (fold(text[at], cased) != (char)first) {
      at++;
      continue;
    }
    if (literal_at(lit, text, len, at, cased))
      return true;
    at++;
  }
  return false;
}

/* Whether at is a character boundary of text as the glob steps over it, char_width() at a time
 * from the start (for valid UTF-8, every offset not inside a character). */
static bool stepped_onto(const char *text, size_t len, size_t at) {
  size_t i = 0;
  while (i < at)
    i += char_width(text + i, len - i);
  return i == at;
}

/* Whether lit occurs at an offset the glob steps onto; offsets whose byte cannot start lit are
 * stepped over without comparing the rest. */
static bool holds_literal(const IrSegment *lit, const char *text, size_t len, bool cased) {
  if (lit->len > len)
    return false;
  if (all_ascii(text, len))
    return holds_literal_ascii(lit, text, len, cased);
  char first = fold(lit->text[0], cased);
  for (size_t at = 0; at + lit->len <= len; at += char_width(text + at, len - at))
    if (fold(text[at], cased) == first && literal_at(lit, text, len, at, cased))
      return true;
  return false;
}

/* The common shapes of Sigma values, decided without backtracking: "lit", "lit*", "*lit" and
 * "*lit*". Returns false when the pattern has another shape (*matched is then unset). */
static bool match_shape(const IrString *p, const char *text, size_t len, bool cased,
                        bool *matched) {
  const IrSegment *s = p->segs;
  size_t n = p->count;
  bool lead = n > 0 && s[0].kind == IR_SEG_ANY, trail = n > 1 && s[n - 1].kind == IR_SEG_ANY;
  size_t body = n - lead - trail;
  if (body != 1 || s[lead].kind != IR_SEG_LITERAL || s[lead].len == 0)
    return false;
  const IrSegment *lit = &s[lead];
  if (!lead && !trail)
    *matched = len == lit->len && literal_at(lit, text, len, 0, cased);
  else if (!lead)
    *matched = literal_at(lit, text, len, 0, cased);
  else if (!trail)
    *matched = len >= lit->len && literal_at(lit, text, len, len - lit->len, cased) &&
               stepped_onto(text, len, len - lit->len);
  else
    *matched = holds_literal(lit, text, len, cased);
  return true;
}

/* Glob matching over segments with one backtracking point per '*': the last '*' seen takes one
 * more character when what follows it fails (linear in practice, quadratic at worst). */
bool match_pattern(const IrString *pattern, const char *text, size_t len, bool cased) {
  bool matched;
  if (match_shape(pattern, text, len, cased, &matched))
    return matched;
  size_t s = 0, at = 0, star_seg = (size_t)-1, star_at = 0;
  for (;;) {
    if (s < pattern->count && pattern->segs[s].kind == IR_SEG_ANY) {
      star_seg = s++;
      star_at = at;
      continue;
    }
    if (s == pattern->count && at == len)
      return true;
    bool step = false;
    if (s < pattern->count && at < len + 1) {
      const IrSegment *seg = &pattern->segs[s];
      if (seg->kind == IR_SEG_ONE && at < len) {
        at += char_width(text + at, len - at);
        s++;
        step = true;
      } else if (seg->kind == IR_SEG_LITERAL && literal_at(seg, text, len, at, cased)) {
        at += seg->len;
        s++;
        step = true;
      }
    }
    if (step)
      continue;
    if (star_seg == (size_t)-1 || star_at >= len)
      return false;
    star_at += char_width(text + star_at, len - star_at);
    at = star_at;
    s = star_seg + 1;
  }
}

/* A JSON scalar as text, as Sigma compares values: numbers in their plain form. */
static bool value_text(const json_t *v, char *buf, size_t size, const char **text, size_t *len) {
  switch (json_typeof(v)) {
  case JSON_STRING:
    *text = json_string_value(v);
    *len = json_string_length(v);
    return true;
  case JSON_INTEGER:
    *len = (size_t)snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    *text = buf;
    return true;
  case JSON_REAL: /* the shortest text that reads back as the number: 2.2, not 2.2000000000000002 */
    *len = ir_shortest_real(buf, size, json_real_value(v));
    *text = buf;
    return true;
  case JSON_TRUE:
  case JSON_FALSE:
    *text = json_is_true(v) ? "true" : "false";
    *len = strlen(*text);
    return true;
  case JSON_NULL:
  case JSON_OBJECT:
  case JSON_ARRAY:
    return false;
  }
  return false;
}

/* A value as a number: JSON numbers, and strings that hold one (Windows event data is text). */
/* Whether text is a decimal number as a log writes one: a sign, digits, a fraction, an
 * exponent; not hex, inf, nan or blanks, which strtod would read too. */
static bool decimal_text(const char *text) {
  const char *p = text + (*text == '-' || *text == '+');
  size_t digits = strspn(p, "0123456789");
  p += digits;
  if (*p == '.') {
    size_t fraction = strspn(p + 1, "0123456789");
    digits += fraction;
    p += 1 + fraction;
  }
  if (digits && (*p == 'e' || *p == 'E')) {
    p += 1 + (p[1] == '-' || p[1] == '+');
    size_t exponent = strspn(p, "0123456789");
    if (!exponent)
      return false;
    p += exponent;
  }
  return digits && *p == '\0';
}

static bool value_number(const json_t *v, double *out) {
  if (json_is_number(v)) {
    *out = json_number_value(v);
    return true;
  }
  if (!json_is_string(v) || !decimal_text(json_string_value(v)))
    return false;
  *out = strtod(json_string_value(v), NULL);
  return true;
}

/* ---- regexes -----------------------------------------------------------------------------------
 */

/* The compiled regex of key (a predicate, or an EQL expression's pattern), made on first use. */
static Regex *regex_for(Matcher *m, const void *key, const char *pattern, unsigned flags,
                        bool lucene, bool cased, const Source *src, Span span) {
  PredCache *c = cached(m, key);
  if (c->has_regex)
    return c->regex;
  if (lucene) { /* Lucene's '.' matches a newline; case follows the operator */
    pattern = regex_from_lucene(m->arena, pattern);
    flags = IR_RE_DOTALL | (cased ? 0 : IR_RE_IGNORECASE);
  }
  size_t offset;
  const char *error;
  Regex *regex = regex_compile(m->arena, pattern, strlen(pattern), flags, &offset, &error);
  c = cached(m, key); /* compiling may not move the cache, but look again to be sure */
  c->regex = regex;
  c->has_regex = true;
  if (!regex && src)
    diag_report(m->diags, DIAG_ERROR, src, span, "eval-regex", "this regex cannot be evaluated: %s",
                error);
  return regex;
}

static bool run_regex(Matcher *m, Regex *regex, const char *text, size_t len, const Source *src,
                      Span span) {
  if (!regex) {
    m->failed = true;
    return false;
  }
  RegexResult result = regex_search(regex, text, len);
  if (result == REGEX_LIMIT || result == REGEX_ERROR) {
    if (src)
      diag_report(m->diags, DIAG_ERROR, src, span, "eval-regex-limit",
                  "the regex hit PCRE2's match limit on an event; the rule is not evaluated");
    m->failed = true;
    return false;
  }
  return result == REGEX_MATCH;
}

static bool regex_matches(Matcher *m, const IrPredicate *pred, const char *text, size_t len) {
  Regex *regex = regex_for(m, pred, pred->pattern, pred->regex_flags, pred->lucene, pred->cased,
                           pred->src, pred->span);
  return run_regex(m, regex, text, len, pred->src, pred->span);
}

bool match_lucene_regex(Matcher *m, const void *key, const char *pattern, bool cased,
                        const char *text, size_t len, const Source *src, Span span) {
  Regex *regex = regex_for(m, key, pattern, 0, true, cased, src, span);
  return run_regex(m, regex, text, len, src, span);
}

/* ---- one value ------------------------------------------------------------------------------- */

static int time_part_of(const char *text, IrTimePart part) {
  int year, month, day, hour = 0, minute = 0;
  if (sscanf(text, "%d-%d-%d%*c%d:%d", &year, &month, &day, &hour, &minute) < 3)
    return -1;
  switch (part) {
  case IR_TIME_MINUTE:
    return minute;
  case IR_TIME_HOUR:
    return hour;
  case IR_TIME_DAY:
    return day;
  case IR_TIME_MONTH:
    return month;
  case IR_TIME_YEAR:
    return year;
  case IR_TIME_WEEK: { /* ISO-8601 week number, from the day of the year */
    static const int days_before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int yday = days_before[(month - 1) % 12] + day + (leap && month > 2);
    int y = year - 1; /* weekday of Jan 1 by Gauss: 0 Sunday */
    int jan1 = (1 + 5 * (y % 4) + 4 * (y % 100) + 6 * (y % 400)) % 7;
    int monday_based = (jan1 + 6) % 7;
    return (yday + monday_based - 1) / 7 + (monday_based <= 3 ? 1 : 0);
  }
  case IR_TIME_NONE:
    return -1;
  }
  return -1;
}

static bool compare_number(IrMatchKind match, double a, double b) {
  switch (match) {
  case IR_MATCH_LT:
    return a < b;
  case IR_MATCH_LTE:
    return a <= b;
  case IR_MATCH_GT:
    return a > b;
  case IR_MATCH_GTE:
    return a >= b;
  default:
    return a == b;
  }
}

static bool match_text(Matcher *m, const IrPredicate *pred, const json_t *v) {
  char buf[64];
  const char *text;
  size_t len;
  if (!value_text(v, buf, sizeof buf, &text, &len))
    return false;
  return match_pattern(pattern_of(m, pred), text, len, pred->cased);
}

/* A scalar value against a predicate (arrays are handled by the caller, element by element). */
/* An integer written with more digits than 64 bits hold. */
static bool big_integer(const IrNumber *n) {
  if (n->is_integer || !n->text)
    return false;
  const char *t = n->text + (n->text[0] == '-' || n->text[0] == '+');
  return *t && strspn(t, "0123456789") == strlen(t);
}

/* An equality: a number as a number (or, past 64 bits, by its digits; a string by the digits
 * the rule writes), a boolean as itself or its text, anything else as text. */
static bool match_equals(Matcher *m, const IrPredicate *pred, const json_t *v) {
  char buf[64];
  const char *text;
  size_t len;
  if (pred->value.kind == IR_VALUE_NUMBER && big_integer(&pred->value.number)) {
    /* past 64 bits a double rounds (1e20 would equal 99999999999999999999): the digits */
    const char *digits = pred->value.number.text + (pred->value.number.text[0] == '+');
    return value_text(v, buf, sizeof buf, &text, &len) && len == strlen(digits) &&
           memcmp(text, digits, len) == 0;
  }
  if (pred->value.kind == IR_VALUE_NUMBER && json_is_string(v)) {
    /* "4688" is 4688, as every target compares text with text; "04688" and "4688.0" are not */
    const IrNumber *n = &pred->value.number;
    char canonical[40];
    if (n->is_integer)
      snprintf(canonical, sizeof canonical, "%lld", n->integer);
    else if (!n->text)
      snprintf(canonical, sizeof canonical, "%.17g", n->value);
    const char *want = n->is_integer || !n->text ? canonical : n->text + (n->text[0] == '+');
    return strcmp(json_string_value(v), want) == 0;
  }
  if (pred->value.kind == IR_VALUE_NUMBER) { /* 4688 equals 4688 and 4688.0 */
    double number;
    return value_number(v, &number) && number == pred->value.number.value;
  }
  if (pred->value.kind == IR_VALUE_BOOL) {
    if (json_is_boolean(v))
      return json_is_true(v) == pred->value.boolean;
    return json_is_string(v) &&
           strcmp(json_string_value(v), pred->value.boolean ? "true" : "false") == 0;
  }
  return match_text(m, pred, v);
}

/* A value compared with another field's (Sigma's fieldref): equal, or holding it at the end,
 * the start or inside, as the predicate anchors it. */
static bool match_fieldref(Matcher *m, const IrPredicate *pred, const json_t *v,
                           const Event *event) {
  const json_t *other = field_value(m, pred, pred->pattern, event);
  char buf[64], other_buf[64];
  const char *text, *other_text;
  size_t len, other_len;
  if (!other || !value_text(other, other_buf, sizeof other_buf, &other_text, &other_len) ||
      !value_text(v, buf, sizeof buf, &text, &len))
    return false;
  IrStringBuilder b;
  ir_sb_init(&b, m->arena);
  if (pred->ref_anchor == IR_ANCHOR_SUFFIX || pred->ref_anchor == IR_ANCHOR_INSIDE)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  ir_sb_literal(&b, other_text, other_len);
  if (pred->ref_anchor == IR_ANCHOR_PREFIX || pred->ref_anchor == IR_ANCHOR_INSIDE)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  IrString pattern = ir_sb_finish(&b);
  return match_pattern(&pattern, text, len, pred->cased);
}

/* Whether one value (not an array: its items are tried one by one) satisfies a predicate. */
static bool match_scalar(Matcher *m, const IrPredicate *pred, const json_t *v, const Event *event) {
  char buf[64];
  const char *text;
  size_t len;
  if (pred->time_part != IR_TIME_NONE) {
    if (!json_is_string(v))
      return false;
    int part = time_part_of(json_string_value(v), pred->time_part);
    return part >= 0 && compare_number(pred->match, part, pred->value.number.value);
  }
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    return match_equals(m, pred, v);
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    return match_text(m, pred, v);
  case IR_MATCH_REGEX:
    return value_text(v, buf, sizeof buf, &text, &len) && regex_matches(m, pred, text, len);
  case IR_MATCH_CIDR: {
    PredCache *c = cached(m, pred);
    if (!c->has_network) {
      c->network_ok =
          cidr_parse(pred->pattern, strlen(pred->pattern), &c->network, NULL, NULL, NULL);
      c->has_network = true;
    }
    return json_is_string(v) && c->network_ok &&
           cidr_contains(&c->network, json_string_value(v), json_string_length(v));
  }
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE: {
    double number;
    return value_number(v, &number) &&
           compare_number(pred->match, number, pred->value.number.value);
  }
  case IR_MATCH_FIELDREF:
    return match_fieldref(m, pred, v, event);
  case IR_MATCH_EXISTS:
  case IR_MATCH_NULL:
  case IR_MATCH_EXPR:
    return false;
  }
  return false;
}

/* ---- predicates and trees -------------------------------------------------------------------- */

/* Sigma keywords: found in any string of the event, at any depth; a plain keyword anywhere in
 * the string, a pattern as written. */
static bool keyword_in(Matcher *m, const IrPredicate *pred, const IrString *pattern,
                       const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_STRING:
    return match_pattern(pattern, json_string_value(v), json_string_length(v), pred->cased);
  case JSON_OBJECT: {
    const char *key;
    json_t *child;
    json_object_foreach((json_t *)v, key, child) {
      if (keyword_in(m, pred, pattern, child))
        return true;
    }
    return false;
  }
  case JSON_ARRAY: {
    size_t i;
    json_t *child;
    json_array_foreach(v, i, child) {
      if (keyword_in(m, pred, pattern, child))
        return true;
    }
    return false;
  }
  default:
    return false;
  }
}

/* The pattern a keyword is searched with (made once): a plain keyword or number anywhere. */
static const IrString *keyword_pattern(Matcher *m, const IrPredicate *pred) {
  PredCache *c = cached(m, pred);
  if (c->has_pattern)
    return &c->pattern;
  IrString pattern;
  if (pred->value.kind == IR_VALUE_NUMBER) {
    const char *text = pred->value.number.text;
    pattern = ir_string_literal(m->arena, text, strlen(text));
  } else {
    pattern = ir_pattern_of(m->arena, pred);
  }
  if (!pred->free_text && (pred->match == IR_MATCH_EQUALS || pred->value.kind == IR_VALUE_NUMBER)) {
    IrStringBuilder b;
    ir_sb_init(&b, m->arena);
    ir_sb_wildcard(&b, IR_SEG_ANY);
    for (size_t i = 0; i < pattern.count; i++)
      ir_sb_literal(&b, pattern.segs[i].text, pattern.segs[i].len);
    ir_sb_wildcard(&b, IR_SEG_ANY);
    pattern = ir_sb_finish(&b);
  }
  c = cached(m, pred);
  c->pattern = pattern;
  c->has_pattern = true;
  return &c->pattern;
}

/* KQL free text: a whole value of any field, numbers and booleans as their text. */
static bool free_text_in(Matcher *m, const IrPredicate *pred, const IrString *pattern,
                         const json_t *v) {
  const char *key;
  size_t i;
  json_t *child;
  char buf[64];
  const char *text;
  size_t len;
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    json_object_foreach((json_t *)v, key, child) {
      if (free_text_in(m, pred, pattern, child))
        return true;
    }
    return false;
  case JSON_ARRAY:
    json_array_foreach(v, i, child) {
      if (free_text_in(m, pred, pattern, child))
        return true;
    }
    return false;
  default:
    return value_text(v, buf, sizeof buf, &text, &len) &&
           match_pattern(pattern, text, len, pred->cased);
  }
}

static Truth keyword(Matcher *m, const IrPredicate *pred, const Event *event) {
  if (pred->value.kind != IR_VALUE_STRING && pred->value.kind != IR_VALUE_NUMBER)
    return T_FALSE;
  const IrString *pattern = keyword_pattern(m, pred);
  if (pred->free_text)
    return free_text_in(m, pred, pattern, event->root) ? T_TRUE : T_FALSE;
  return keyword_in(m, pred, pattern, event->root) ? T_TRUE : T_FALSE;
}

/* Whether a value is no value: null, or an array with nothing but nulls (Elasticsearch indexes
 * nothing for [] and [null], so exists is false and '== null' true). */
static bool no_value(const json_t *v) {
  if (!v || json_is_null(v))
    return true;
  if (!json_is_array(v))
    return false;
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item) {
    if (!json_is_null(item))
      return false;
  }
  return true;
}

/* Whether the predicate is 'field == "null"' (or ':' "null"). */
static bool reads_null_text(const IrPredicate *pred) {
  if (pred->match != IR_MATCH_EQUALS || pred->value.kind != IR_VALUE_STRING ||
      pred->value.string.count != 1 || pred->value.string.segs[0].kind != IR_SEG_LITERAL ||
      pred->value.string.segs[0].len != 4)
    return false;
  const char *text = pred->value.string.segs[0].text;
  return pred->cased ? memcmp(text, "null", 4) == 0 : strncasecmp(text, "null", 4) == 0;
}

/* EQL's time field is a date (Elasticsearch requires its timestamp field to be one): it compares
 * with date text or epoch milliseconds as a time, to the nanosecond. False when pred is not such
 * a comparison; otherwise *out is its truth. */
static bool time_comparison(Matcher *m, const IrPredicate *pred, const Event *event, Truth *out) {
  if (m->sigma_names || !m->fields->time || strcmp(pred->field, m->fields->time) != 0 ||
      (pred->match != IR_MATCH_EQUALS && pred->match != IR_MATCH_LT &&
       pred->match != IR_MATCH_LTE && pred->match != IR_MATCH_GT && pred->match != IR_MATCH_GTE))
    return false;
  EventTime literal, time;
  if (pred->value.kind == IR_VALUE_NUMBER) {
    literal = time_from_millis(pred->value.number.value);
  } else if (pred->value.kind == IR_VALUE_STRING && pred->value.string.count == 1 &&
             pred->value.string.segs[0].kind == IR_SEG_LITERAL) {
    if (!timestamp_parse(pred->value.string.segs[0].text, pred->value.string.segs[0].len, &literal))
      return false;
  } else {
    return false;
  }
  if (!event_time(event, m->fields, &time)) {
    *out = T_FALSE;
    return true;
  }
  bool holds = pred->match == IR_MATCH_EQUALS ? time == literal
               : pred->match == IR_MATCH_LT   ? time < literal
               : pred->match == IR_MATCH_LTE  ? time <= literal
               : pred->match == IR_MATCH_GT   ? time > literal
                                              : time >= literal;
  *out = holds ? T_TRUE : T_FALSE;
  return true;
}

static Truth predicate(Matcher *m, const IrPredicate *pred, const Event *event) {
  Truth timed;
  if (pred->field && time_comparison(m, pred, event, &timed))
    return timed;
  if (pred->match == IR_MATCH_EXPR) {
    bool failed_before = m->failed;
    size_t diags_before = m->diags->count;
    Truth t = expr_truth(m, pred->expr, event);
    if (m->failed && !failed_before && pred->src && m->diags->count == diags_before)
      diag_report(m->diags, DIAG_ERROR, pred->src, pred->span, "eval-expression",
                  "this expression uses Endgame EQL (a function or lineage Elasticsearch lacks) "
                  "and is not evaluated");
    return t;
  }
  if (!pred->field)
    return keyword(m, pred, event);
  const json_t *v = field_value(m, pred, pred->field, event);
  bool missing = !v || json_is_null(v);
  if (pred->match == IR_MATCH_NULL)
    return no_value(v) ? T_TRUE : T_FALSE;
  if (pred->match == IR_MATCH_EXISTS) /* a value: as every backend's test (f:*, f=*, != null) */
    return no_value(v) ? T_FALSE : T_TRUE;
  if (missing && pred->optional && reads_null_text(pred))
    return T_TRUE; /* Elasticsearch: an optional field without a value equals the string "null" */
  if (missing)     /* a term query finds nothing; a script (function) reads null */
    return pred->script ? T_NULL : T_FALSE;
  if (!json_is_array(v))
    return match_scalar(m, pred, v, event) ? T_TRUE : T_FALSE;
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item) { /* an array matches when one element does */
    if (match_scalar(m, pred, item, event))
      return T_TRUE;
  }
  return T_FALSE;
}

/* ---- OR nodes of many literals ----------------------------------------------------------------
 * A Sigma value list ("CommandLine|contains: [...]", a thousand driver hashes) is an OR of literal
 * tests of one field. Tried one by one it costs a pass over the value per literal; as a set it
 * is one Aho-Corasick pass, whatever the number of literals. Same results: the tests are ASCII
 * case-insensitive, on the value's text (numbers and booleans as text), any array element. */

enum { LITERAL_SET_MIN = 8 };

typedef struct LiteralSet {
  const IrPredicate *first; /* resolves the field (and caches its mapped name) */
  Aho *aho;
  IrMatchKind *kinds; /* per literal: equals, contains, startswith, endswith */
  size_t *lens;
  size_t longest;
  /* every literal is held at the value's end (endswith, equals), or at its start (startswith,
   * equals): only that many bytes at that end are scanned (a list of file extensions reads the
   * last five bytes of a path, not all of it) */
  bool at_end, at_start;
} LiteralSet;

static bool set_member(const IrPredicate *p, const IrPredicate *first, const Matcher *m) {
  if (p->match != IR_MATCH_EQUALS && p->match != IR_MATCH_CONTAINS &&
      p->match != IR_MATCH_STARTSWITH && p->match != IR_MATCH_ENDSWITH)
    return false;
  if (!p->field || p->cased || p->optional || p->script || p->time_part != IR_TIME_NONE ||
      p->value.kind != IR_VALUE_STRING || p->value.string.count != 1 ||
      p->value.string.segs[0].kind != IR_SEG_LITERAL || p->value.string.segs[0].len == 0)
    return false;
  if (m->fields->time && strcmp(p->field, m->fields->time) == 0)
    return false; /* EQL's time field compares as a date */
  return strcmp(p->field, first->field) == 0;
}

static LiteralSet *literal_set(Matcher *m, const IrNode *node) {
  PredCache *c = cached(m, node);
  if (c->has_set)
    return c->set;
  LiteralSet *set = NULL;
  bool eligible = node->count >= LITERAL_SET_MIN && node->children[0]->kind == IR_PRED;
  for (size_t i = 0; eligible && i < node->count; i++)
    eligible = node->children[i]->kind == IR_PRED &&
               set_member(&node->children[i]->pred, &node->children[0]->pred, m);
  if (eligible) {
    set = arena_alloc(m->arena, sizeof *set);
    set->first = &node->children[0]->pred;
    set->kinds = arena_array(m->arena, node->count, sizeof(IrMatchKind));
    set->lens = arena_array(m->arena, node->count, sizeof(size_t));
    const char **texts = arena_array(m->arena, node->count, sizeof(char *));
    set->at_end = set->at_start = true;
    for (size_t i = 0; i < node->count; i++) {
      const IrPredicate *p = &node->children[i]->pred;
      set->kinds[i] = p->match;
      texts[i] = p->value.string.segs[0].text;
      set->lens[i] = p->value.string.segs[0].len;
      set->longest = set->lens[i] > set->longest ? set->lens[i] : set->longest;
      set->at_end &= p->match == IR_MATCH_ENDSWITH || p->match == IR_MATCH_EQUALS;
      set->at_start &= p->match == IR_MATCH_STARTSWITH || p->match == IR_MATCH_EQUALS;
    }
    set->aho = aho_build(m->arena, texts, set->lens, node->count);
  }
  c = cached(m, node);
  c->set = set;
  c->has_set = true;
  return set;
}

typedef struct SetScan {
  const LiteralSet *set;
  size_t len;  /* of the value */
  size_t from; /* where the part of it scanned starts */
  bool hit;
} SetScan;

static bool set_found(uint32_t id, size_t end, void *context) {
  SetScan *scan = context;
  size_t n = scan->set->lens[id];
  end += scan->from;
  switch (scan->set->kinds[id]) {
  case IR_MATCH_CONTAINS:
    scan->hit = true;
    break;
  case IR_MATCH_STARTSWITH:
    scan->hit = end == n;
    break;
  case IR_MATCH_ENDSWITH:
    scan->hit = end == scan->len;
    break;
  default: /* equals */
    scan->hit = end == n && end == scan->len;
    break;
  }
  return scan->hit;
}

static bool set_scalar(const LiteralSet *set, const json_t *v) {
  char buf[64];
  const char *text;
  size_t len;
  if (!value_text(v, buf, sizeof buf, &text, &len))
    return false;
  SetScan scan = {set, len, 0, false};
  size_t scanned = len;
  if (set->at_end && len > set->longest)
    scan.from = len - set->longest;
  else if (set->at_start && len > set->longest)
    scanned = set->longest;
  aho_scan(set->aho, text + scan.from, scanned - scan.from, set_found, &scan);
  return scan.hit;
}

static Truth set_truth(Matcher *m, const LiteralSet *set, const Event *event) {
  const json_t *v = field_value(m, set->first, set->first->field, event);
  if (!v || json_is_null(v))
    return T_FALSE; /* a term test of a missing field */
  if (!json_is_array(v))
    return set_scalar(set, v) ? T_TRUE : T_FALSE;
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item) {
    if (set_scalar(set, item))
      return T_TRUE;
  }
  return T_FALSE;
}

/* path:{ query } as Elasticsearch's nested query runs it: true when one object of the array at
 * path (a lone object counts as an array of one) satisfies the whole query on its own; a
 * missing path or one holding no object is false. Each object is tried as an event of its own. */
static Truth nested(Matcher *m, const IrNode *node, const Event *event) {
  const json_t *v = event_field(event, in_scope(m, node->path), false);
  if (!v)
    return T_FALSE;
  const char *outer = m->scope;
  size_t outer_len = m->scope_len;
  m->scope = node->path;
  m->scope_len = strlen(node->path);
  Truth found = T_FALSE;
  size_t count = json_is_array(v) ? json_array_size(v) : 1;
  for (size_t i = 0; i < count && found != T_TRUE; i++) {
    const json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
    if (!json_is_object(item))
      continue;
    Event object = *event;
    object.root = (json_t *)item;
    object.cache = NULL; /* the event's cached lookups start from its root, not this object */
    found = match_node(m, node->children[0], &object) == T_TRUE ? T_TRUE : T_FALSE;
  }
  m->scope = outer;
  m->scope_len = outer_len;
  return found;
}

Truth match_node(Matcher *m, const IrNode *node, const Event *event) {
  switch (node->kind) {
  case IR_AND:
  case IR_OR: {
    const LiteralSet *set =
        node->kind == IR_OR && node->count >= LITERAL_SET_MIN ? literal_set(m, node) : NULL;
    if (set)
      return set_truth(m, set, event);
    bool is_and = node->kind == IR_AND;
    Truth result = is_and ? T_TRUE : T_FALSE;
    for (size_t i = 0; i < node->count; i++) {
      Truth t = match_node(m, node->children[i], event);
      if (t == (is_and ? T_FALSE : T_TRUE))
        return t; /* decided */
      if (t == T_NULL)
        result = T_NULL;
    }
    return result;
  }
  case IR_NOT: {
    Truth t = match_node(m, node->children[0], event);
    return t == T_NULL ? T_NULL : t == T_TRUE ? T_FALSE : T_TRUE;
  }
  case IR_PRED:
    return predicate(m, &node->pred, event);
  case IR_NESTED:
    return nested(m, node, event);
  }
  return T_FALSE;
}
