/* Index mappings. */
#include "eval/index_mapping.h"

#include <stdlib.h>
#include <string.h>

#include "eval/timeline.h"

/* ---- loading ------------------------------------------------------------------------------------
 */

static void free_json(void *value) { json_decref(value); }

static void collect(Arena *arena, json_t *properties, const char *prefix, IndexMapping *out) {
  const char *name;
  json_t *field;
  json_object_foreach(properties, name, field) {
    char *path = *prefix ? arena_printf(arena, "%s.%s", prefix, name) : arena_strdup(arena, name);
    const char *type = json_string_value(json_object_get(field, "type"));
    MappedField f = {path, FIELD_OTHER, NULL, NULL, NULL};
    if (type && strcmp(type, "alias") == 0) {
      f.kind = FIELD_ALIAS;
      f.alias_of = arena_strdup(arena, json_string_value(json_object_get(field, "path"))
                                           ? json_string_value(json_object_get(field, "path"))
                                           : "");
    } else if (type && (strcmp(type, "date") == 0 || strcmp(type, "date_nanos") == 0)) {
      f.kind = FIELD_DATE;
      const char *format = json_string_value(json_object_get(field, "format"));
      f.format = format ? arena_strdup(arena, format) : NULL;
    } else if (type && strcmp(type, "version") == 0) {
      f.kind = FIELD_VERSION;
    }
    json_t *null_value = json_object_get(field, "null_value");
    if (null_value) {
      f.null_value = json_deep_copy(null_value);
      arena_on_free(arena, free_json, f.null_value);
    }
    if (f.kind != FIELD_OTHER || f.null_value) {
      out->fields = arena_grow(arena, out->fields, out->count, out->count + 1, sizeof(MappedField));
      out->fields[out->count++] = f;
    }
    json_t *children = json_object_get(field, "properties");
    if (json_is_object(children))
      collect(arena, children, path, out);
  }
}

IndexMapping *index_mapping_load(Arena *arena, const Source *src, DiagSink *diags) {
  char *text = arena_strndup(arena, src->text, src->len);
  for (char *line = text; *line;) { /* '#' lines are comments */
    size_t len = strcspn(line, "\n");
    if (line[strspn(line, " \t")] == '#')
      memset(line, ' ', len);
    line += len + (line[len] == '\n');
  }
  json_error_t error;
  json_t *root = json_loads(text, 0, &error);
  json_t *mappings = json_object_get(root, "mappings");
  json_t *properties = json_object_get(mappings ? mappings : root, "properties");
  if (!json_is_object(properties)) {
    size_t offset = root ? 0 : (error.position > 0 ? (size_t)error.position - 1 : 0);
    diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "index-mapping",
                root ? "an index mapping has 'properties' (or 'mappings.properties')"
                     : "invalid JSON: %s",
                error.text);
    json_decref(root);
    return NULL;
  }
  IndexMapping *mapping = arena_alloc(arena, sizeof *mapping);
  mapping->path = src->path;
  collect(arena, properties, "", mapping);
  json_decref(root);
  return mapping;
}

FieldKind index_mapping_kind(const IndexMapping *mapping, const char *path) {
  for (size_t i = 0; mapping && i < mapping->count; i++)
    if (strcmp(mapping->fields[i].path, path) == 0)
      return mapping->fields[i].kind;
  return FIELD_OTHER;
}

/* ---- dates
 * ----------------------------------------------------------------------------------------- */

/* A Java date pattern (yyyy MM dd HH mm ss SSS and literals, 'quoted' text), in UTC. */
static bool pattern_parse(const char *pattern, size_t plen, const char *text, size_t len,
                          double *millis) {
  const char *p = text, *end = text + len;
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0;
  for (size_t i = 0; i < plen;) {
    char c = pattern[i];
    size_t run = 1;
    while (i + run < plen && pattern[i + run] == c)
      run++;
    int *slot = c == 'y' || c == 'u' ? &year
                : c == 'M'           ? &month
                : c == 'd'           ? &day
                : c == 'H'           ? &hour
                : c == 'm'           ? &minute
                : c == 's'           ? &second
                : c == 'S'           ? &milli
                                     : NULL;
    if (slot) {
      int width = c == 'y' || c == 'u' ? (run == 2 ? 2 : 4) : (int)(run < 2 ? 2 : run);
      if (c == 'S')
        width = (int)run;
      if (!read_digits(&p, end, width, slot))
        return false;
      if (c == 'S')
        for (size_t k = run; k < 3; k++)
          milli *= 10;
      i += run;
      continue;
    }
    if (c == '\'') { /* quoted literal text */
      size_t close = i + 1;
      while (close < plen && pattern[close] != '\'')
        close++;
      size_t n = close - i - 1;
      if ((size_t)(end - p) < n || memcmp(p, pattern + i + 1, n) != 0)
        return false;
      p += n;
      i = close + 1;
      continue;
    }
    if (p >= end || *p != c)
      return false;
    p++;
    i++;
  }
  if (p != end || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60)
    return false;
  *millis = ((double)days_from_civil(year, (unsigned)month, (unsigned)day) * 86400.0 +
             hour * 3600.0 + minute * 60.0 + second) *
                1000.0 +
            milli;
  return true;
}

static bool named_parse(const char *name, size_t n, const char *text, size_t len, double *millis) {
#define IS(word) (n == strlen(word) && memcmp(name, word, n) == 0)
  EventTime t;
  if (IS("epoch_millis") || IS("epoch_second")) {
    char buf[40];
    if (len == 0 || len >= sizeof buf)
      return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end || strspn(buf, "-+0123456789.") != len)
      return false;
    *millis = IS("epoch_second") ? v * 1000.0 : v;
    return true;
  }
  if (IS("strict_date_optional_time") || IS("date_optional_time") || IS("strict_date_time") ||
      IS("date_time") || IS("strict_date_optional_time_nanos") || IS("strict_date") || IS("date") ||
      IS("iso8601")) {
    if (!timestamp_parse(text, len, &t) || memchr(text, '-', len) == NULL)
      return false; /* epoch text is not an ISO date here */
    *millis = (double)t / EVENT_NS_PER_MS;
    return true;
  }
  if (IS("basic_date") || IS("strict_basic_date"))
    return pattern_parse("yyyyMMdd", 8, text, len, millis);
#undef IS
  return pattern_parse(name, n, text, len, millis);
}

bool date_parse(const char *format, const char *text, size_t len, double *millis) {
  if (!format)
    format = "strict_date_optional_time||epoch_millis";
  for (const char *alt = format;;) {
    const char *bar = strstr(alt, "||");
    size_t n = bar ? (size_t)(bar - alt) : strlen(alt);
    if (named_parse(alt, n, text, len, millis))
      return true;
    if (!bar)
      return false;
    alt = bar + 2;
  }
}

/* ---- versions ----------------------------------------------------------------------------------
 */

typedef struct Version {
  bool valid;
  long long parts[3];
  const char *pre; /* pre-release identifiers, or NULL */
  size_t pre_len;
} Version;

static Version version_of(const char *s, size_t len) {
  Version v = {false, {0, 0, 0}, NULL, 0};
  const char *p = s, *end = s + len;
  for (int i = 0; i < 3; i++) {
    if (p >= end || *p < '0' || *p > '9')
      return v;
    long long n = 0;
    while (p < end && *p >= '0' && *p <= '9')
      n = n * 10 + (*p++ - '0');
    v.parts[i] = n;
    if (i < 2 && (p >= end || *p++ != '.'))
      return v;
  }
  const char *plus = memchr(p, '+', (size_t)(end - p));
  const char *stop = plus ? plus : end;
  if (p < stop) {
    if (*p != '-' || p + 1 == stop)
      return v;
    v.pre = p + 1;
    v.pre_len = (size_t)(stop - p - 1);
  }
  v.valid = true;
  return v;
}

/* Pre-release precedence: identifiers one by one, numbers by value below words by bytes. */
static int pre_compare(const char *a, size_t alen, const char *b, size_t blen) {
  while (alen && blen) {
    size_t an = strcspn(a, "."), bn = strcspn(b, ".");
    an = an < alen ? an : alen;
    bn = bn < blen ? bn : blen;
    bool anum = strspn(a, "0123456789") >= an, bnum = strspn(b, "0123456789") >= bn;
    int c;
    if (anum && bnum)
      c = an != bn ? (an < bn ? -1 : 1) : memcmp(a, b, an);
    else if (anum != bnum)
      c = anum ? -1 : 1;
    else {
      c = memcmp(a, b, an < bn ? an : bn);
      if (!c)
        c = an < bn ? -1 : an > bn;
    }
    if (c)
      return c < 0 ? -1 : 1;
    a += an + (an < alen);
    alen -= an + (an < alen);
    b += bn + (bn < blen);
    blen -= bn + (bn < blen);
  }
  return alen ? 1 : blen ? -1 : 0;
}

int version_compare(const char *a, size_t alen, const char *b, size_t blen) {
  Version x = version_of(a, alen), y = version_of(b, blen);
  if (x.valid != y.valid)
    return x.valid ? -1 : 1; /* text that is no version sorts after every version */
  if (!x.valid) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? (c < 0 ? -1 : 1) : (alen < blen ? -1 : alen > blen);
  }
  for (int i = 0; i < 3; i++)
    if (x.parts[i] != y.parts[i])
      return x.parts[i] < y.parts[i] ? -1 : 1;
  if (!x.pre || !y.pre)
    return x.pre ? -1 : y.pre ? 1 : 0; /* a pre-release comes before its release */
  return pre_compare(x.pre, x.pre_len, y.pre, y.pre_len);
}

/* ---- applying
 * ------------------------------------------------------------------------------------- */

/* The object holding path and the key of it there (a flat key or nested objects). */
static bool locate(json_t *object, const char *path, json_t **parent, const char **key) {
  if (!json_is_object(object))
    return false;
  if (json_object_get(object, path)) {
    *parent = object;
    *key = path;
    return true;
  }
  for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
    json_t *child = json_object_getn(object, path, (size_t)(dot - path));
    if (child && locate(child, dot + 1, parent, key))
      return true;
  }
  return false;
}

/* A date as whole epoch milliseconds; NULL when it is no date, or finer than a millisecond (a
 * date_nanos value stays text, which the evaluator reads to the nanosecond). */
static json_t *as_date(const char *format, json_t *value) {
  double millis;
  if (json_is_string(value) &&
      date_parse(format, json_string_value(value), json_string_length(value), &millis) &&
      millis == (double)(long long)millis)
    return json_integer((long long)millis);
  return NULL;
}

void index_mapping_apply(const IndexMapping *mapping, json_t *root) {
  for (size_t i = 0; mapping && i < mapping->count; i++) {
    const MappedField *f = &mapping->fields[i];
    json_t *parent;
    const char *key;
    if (f->kind == FIELD_ALIAS || !locate(root, f->path, &parent, &key))
      continue;
    json_t *value = json_object_get(parent, key);
    if (f->null_value && json_is_null(value))
      json_object_set(parent, key, f->null_value);
    if (f->kind != FIELD_DATE)
      continue;
    value = json_object_get(parent, key);
    json_t *date = as_date(f->format, value);
    if (date) {
      json_object_set_new(parent, key, date);
    } else if (json_is_array(value)) {
      size_t k;
      json_t *item;
      json_array_foreach(value, k, item) {
        json_t *d = as_date(f->format, item);
        if (d)
          json_array_set_new(value, k, d);
      }
    }
  }
  for (size_t i = 0; mapping && i < mapping->count; i++) { /* aliases read the rewritten values */
    const MappedField *f = &mapping->fields[i];
    json_t *parent;
    const char *key;
    if (f->kind == FIELD_ALIAS && locate(root, f->alias_of, &parent, &key))
      json_object_set(root, f->path, json_object_get(parent, key));
  }
}
