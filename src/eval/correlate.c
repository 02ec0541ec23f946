/* Sigma correlations. Every match of a referenced rule is a "hit": its events, its time (its
 * last event's), its group (the values of the group-by fields, aliases applied, read from its
 * last event by Sigma name or through the mapping), the rule it is from. Hits are grouped, put in
 * time order, and scanned with a window of `timespan`:
 *
 *   event_count, value_count, value_sum/avg/median/percentile: a window starts at each hit and
 *   holds the hits up to timespan after it; the first window whose aggregate meets the
 *   condition is a match (its hits' events), and the scan goes on after it;
 *   temporal: the first window holding a hit of every rule (or, with a string condition, a set
 *   of rules that makes it true) is a match: the first hit of each rule in it, in time order;
 *   temporal_ordered: a hit of each rule in the order of `rules`, each after the previous, all
 *   within timespan of the first; the earliest such chain is a match, and the scan goes on
 *   after its last hit.
 *
 * Matches never share a hit, so a burst of events gives one match, as an alerting SIEM would. */
#include "eval/correlate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/timeline.h"
#include "ir/ir_build.h"

typedef struct Hit {
  const Event *const *events; /* the match's events (NULL entries for missing steps) */
  size_t count;
  EventTime time;
  const char *group;
  size_t rule;            /* index in the correlation's rules */
  const json_t *value;    /* value_* types: the condition field's value, or NULL */
  const char *value_text; /* value_count: that value as text, NULL for none (made once) */
} Hit;

typedef struct Scan {
  Arena *arena;
  DiagSink *diags;
  const Mapping *mapping;
  const EvalFields *fields;
  const IrRule *rule;
  const IrCorrelation *corr;
  long long span; /* timespan in nanoseconds */
  Chains *out;
} Scan;

/* ---- hits -------------------------------------------------------------------------------------
 */

/* A Sigma field of an event: its own name (EVTX-rendered names included), else the name the
 * mapping gives it under the rule's logsource. */
static const json_t *sigma_value(const Scan *s, const IrRule *rule, const Event *event,
                                 const char *name) {
  const json_t *v = event_field(event, name, true);
  if (!v && s->mapping) {
    const char *mapped = mapping_field(s->arena, s->mapping, &rule->logsource, name);
    if (mapped)
      v = event_field(event, mapped, false);
  }
  return v;
}

/* The time of a Sigma event: the time field, or the EVTX System/TimeCreated. */
static bool hit_time(const Scan *s, const Event *event, EventTime *out) {
  if (event_time(event, s->fields, out))
    return true;
  const json_t *v = event_field(event, "Event.System.TimeCreated.#attributes.SystemTime", false);
  return json_is_string(v) && timestamp_parse(json_string_value(v), json_string_length(v), out);
}

/* A group-by or condition field as the referenced rule names it (correlation aliases). */
static const char *field_for(const IrCorrelation *corr, const char *name, const IrRule *rule) {
  for (size_t a = 0; a < corr->alias_count; a++) {
    if (strcmp(corr->aliases[a].name, name) != 0)
      continue;
    for (size_t f = 0; f < corr->aliases[a].count; f++)
      if ((rule->meta.name && strcmp(corr->aliases[a].fields[f].rule, rule->meta.name) == 0) ||
          (rule->meta.id && strcmp(corr->aliases[a].fields[f].rule, rule->meta.id) == 0))
        return corr->aliases[a].fields[f].field;
  }
  return name;
}

static const char *scalar_text(Arena *arena, const json_t *v) {
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_integer(v))
    return arena_printf(arena, "%lld", (long long)json_integer_value(v));
  if (json_is_real(v))
    return arena_printf(arena, "%.17g", json_real_value(v));
  if (json_is_boolean(v))
    return json_is_true(v) ? "true" : "false";
  return NULL; /* null, arrays and objects group nothing */
}

/* The hit of one match of a referenced rule; false when it has no time or lacks a group-by
 * value (such a match takes no part, as a SIEM's aggregation drops it). */
static bool make_hit(const Scan *s, const IrRule *source, size_t rule_index, const Chain *chain,
                     Hit *out) {
  const Event *last = NULL;
  for (size_t e = chain->count; e-- > 0 && !last;)
    last = chain->events[e];
  if (!last || !hit_time(s, last, &out->time))
    return false;
  char *group = arena_strdup(s->arena, "");
  for (size_t g = 0; g < s->corr->group_by.count; g++) {
    const char *name = field_for(s->corr, s->corr->group_by.items[g], source);
    const char *text = scalar_text(s->arena, sigma_value(s, source, last, name));
    if (!text)
      return false;
    group = arena_printf(s->arena, "%s\x1f%s", group, text);
  }
  out->events = chain->events;
  out->count = chain->count;
  out->group = group;
  out->rule = rule_index;
  out->value = NULL;
  out->value_text = NULL;
  if (s->corr->condition_fields.count) {
    const char *name = field_for(s->corr, s->corr->condition_fields.items[0], source);
    out->value = sigma_value(s, source, last, name);
    out->value_text = scalar_text(s->arena, out->value);
  }
  return true;
}

static int by_group_then_time(const void *a, const void *b) {
  const Hit *x = a, *y = b;
  int c = strcmp(x->group, y->group);
  if (c)
    return c;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return x->events[0] && y->events[0] ? (x->events[0]->index > y->events[0]->index) -
                                            (x->events[0]->index < y->events[0]->index)
                                      : 0;
}

/* ---- conditions --------------------------------------------------------------------------------
 */

static int by_text(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static bool number_of(const json_t *v, double *out) {
  if (json_is_number(v))
    return (*out = json_number_value(v)), true;
  if (!json_is_string(v))
    return false;
  char *end;
  *out = strtod(json_string_value(v), &end);
  return end != json_string_value(v) && *end == '\0';
}

/* The aggregate of a window of hits for the correlation's type. */
static double aggregate(const Scan *s, const Hit *hits, size_t n) {
  IrCorrelationKind kind = s->corr->kind;
  if (kind == IR_CORR_EVENT_COUNT)
    return (double)n;
  if (kind == IR_CORR_VALUE_COUNT) { /* distinct texts: sorted, then counted */
    const char **texts = arena_array(s->arena, n + 1, sizeof(char *));
    size_t m = 0, distinct = 0;
    for (size_t i = 0; i < n; i++)
      if (hits[i].value_text)
        texts[m++] = hits[i].value_text;
    if (m)
      qsort(texts, m, sizeof(char *), by_text);
    for (size_t i = 0; i < m; i++)
      distinct += i == 0 || strcmp(texts[i - 1], texts[i]) != 0;
    return (double)distinct;
  }
  double *values = arena_array(s->arena, n + 1, sizeof(double));
  size_t m = 0;
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    if (number_of(hits[i].value, &values[m]))
      sum += values[m++];
  if (kind == IR_CORR_VALUE_SUM)
    return sum;
  if (m == 0)
    return NAN; /* no numbers: no average, median or percentile meets any condition */
  if (kind == IR_CORR_VALUE_AVG)
    return sum / (double)m;
  qsort(values, m, sizeof(double), by_double);
  double p = kind == IR_CORR_VALUE_MEDIAN || !s->corr->percentile ? 50 : atof(s->corr->percentile);
  size_t rank = (size_t)ceil(p / 100.0 * (double)m); /* nearest rank */
  return values[rank ? rank - 1 : 0];
}

/* ---- the rule-name expression of a temporal correlation (pySigma's string condition) ----------
 */

typedef struct Expr {
  const char *p;
  const bool *present; /* per referenced rule */
  const IrCorrelation *corr;
  bool bad;
} Expr;

static bool expr_or(Expr *x);

static void skip_space(Expr *x) {
  while (*x->p == ' ' || *x->p == '\t' || *x->p == '\n')
    x->p++;
}

static bool word_is(Expr *x, const char *word) {
  size_t n = strlen(word);
  return strncmp(x->p, word, n) == 0 && !(isalnum((unsigned char)x->p[n]) || x->p[n] == '_');
}

static bool expr_atom(Expr *x) {
  skip_space(x);
  if (word_is(x, "not")) {
    x->p += 3;
    return !expr_atom(x);
  }
  if (*x->p == '(') {
    x->p++;
    bool v = expr_or(x);
    skip_space(x);
    if (*x->p++ != ')')
      x->bad = true;
    return v;
  }
  const char *start = x->p;
  while (isalnum((unsigned char)*x->p) || *x->p == '_' || *x->p == '-' || *x->p == '.')
    x->p++;
  size_t n = (size_t)(x->p - start);
  for (size_t r = 0; r < x->corr->rule_count && n; r++) {
    const char *name = x->corr->rules[r].text;
    if (strlen(name) == n && strncmp(name, start, n) == 0)
      return x->present[r];
  }
  x->bad = true;
  return false;
}

static bool expr_and(Expr *x) {
  bool v = expr_atom(x);
  for (skip_space(x); word_is(x, "and"); skip_space(x)) {
    x->p += 3;
    v = expr_atom(x) && v;
  }
  return v;
}

static bool expr_or(Expr *x) {
  bool v = expr_and(x);
  for (skip_space(x); word_is(x, "or"); skip_space(x)) {
    x->p += 2;
    v = expr_and(x) || v;
  }
  return v;
}

/* Whether the rules present satisfy a temporal correlation: its expression, its condition on
 * the number of distinct rules, or else all of them. */
static bool temporal_holds(const Scan *s, const bool *present, bool *bad) {
  size_t distinct = 0;
  for (size_t r = 0; r < s->corr->rule_count; r++)
    distinct += present[r];
  if (s->corr->expression) {
    Expr x = {s->corr->expression, present, s->corr, false};
    bool v = expr_or(&x);
    skip_space(&x);
    *bad = x.bad || *x.p;
    return v && !*bad;
  }
  if (s->corr->threshold_count)
    return ir_correlation_meets(s->corr, (double)distinct);
  return distinct == s->corr->rule_count;
}

/* ---- scanning a group --------------------------------------------------------------------------
 */

/* Emits the events of hits (in time order) as one chain. */
static void emit(const Scan *s, const Hit *const *hits, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += hits[i]->count;
  const Event **events = arena_array(s->arena, total + 1, sizeof(Event *));
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t e = 0; e < hits[i]->count; e++)
      if (hits[i]->events[e])
        events[k++] = hits[i]->events[e];
  chains_push(s->arena, s->out, events, k, NULL);
}

static void scan_aggregate(const Scan *s, const Hit *hits, size_t n) {
  const Hit **window = arena_array(s->arena, n + 1, sizeof(Hit *));
  size_t j = 0; /* the window's end only moves forward as its start does */
  for (size_t i = 0; i < n;) {
    if (j < i)
      j = i;
    while (j < n && hits[j].time - hits[i].time <= s->span)
      j++;
    if (ir_correlation_meets(s->corr, aggregate(s, &hits[i], j - i))) {
      for (size_t k = i; k < j; k++)
        window[k - i] = &hits[k];
      emit(s, window, j - i);
      i = j;
    } else {
      i++;
    }
  }
}

static bool scan_temporal(const Scan *s, const Hit *hits, size_t n) {
  size_t rules = s->corr->rule_count;
  bool *present = arena_array(s->arena, rules + 1, sizeof(bool));
  const Hit **first = arena_array(s->arena, rules + 1, sizeof(Hit *));
  const Hit **chosen = arena_array(s->arena, rules + 1, sizeof(Hit *));
  for (size_t i = 0; i < n;) {
    memset(present, 0, rules * sizeof(bool));
    memset(first, 0, rules * sizeof(Hit *));
    size_t j = i, end = n;
    bool bad = false, found = false;
    for (; j < n && hits[j].time - hits[i].time <= s->span && !found; j++) {
      if (!present[hits[j].rule])
        first[hits[j].rule] = &hits[j];
      present[hits[j].rule] = true;
      found = temporal_holds(s, present, &bad);
      end = j + 1;
    }
    if (bad)
      return false;
    if (!found) {
      i++;
      continue;
    }
    size_t k = 0;
    for (size_t h = i; h < end; h++) /* the first hit of each rule, in time order */
      if (first[hits[h].rule] == &hits[h])
        chosen[k++] = &hits[h];
    emit(s, chosen, k);
    i = end;
  }
  return true;
}

static void scan_ordered(const Scan *s, const Hit *hits, size_t n) {
  size_t rules = s->corr->rule_count;
  const Hit **chain = arena_array(s->arena, rules + 1, sizeof(Hit *));
  for (size_t i = 0; i < n;) {
    if (hits[i].rule != 0) {
      i++;
      continue;
    }
    size_t have = 1, at = i;
    chain[0] = &hits[i];
    for (size_t j = i + 1; j < n && have < rules && hits[j].time - hits[i].time <= s->span; j++)
      if (hits[j].rule == have && hits[j].time >= chain[have - 1]->time) {
        chain[have++] = &hits[j];
        at = j;
      }
    if (have == rules) {
      emit(s, chain, rules);
      i = at + 1;
    } else {
      i++;
    }
  }
}

/* ---- the correlation
 * ----------------------------------------------------------------------------- */

/* The result of rule itself, else of its copy (a run holds copies with filters applied, from the
 * same document; the searches of an SPL correlation share their block's). */
static RuleResult *result_of(RuleResult *results, size_t count, const IrRule *rule) {
  for (size_t i = 0; i < count; i++)
    if (results[i].rule == rule)
      return &results[i];
  for (size_t i = 0; i < count; i++)
    if (results[i].rule->src == rule->src && results[i].rule->document == rule->document)
      return &results[i];
  return NULL;
}

static void report(const Scan *s, const char *fmt, const char *what) {
  diag_report(s->diags, DIAG_ERROR, s->rule->src,
              (Span){s->rule->span.start, s->rule->span.start + 1}, "eval-unsupported", fmt, what);
}

void correlate_run(Arena *arena, DiagSink *diags, const Mapping *mapping, const EvalFields *fields,
                   RuleResult *results, size_t count, RuleResult *result) {
  const IrCorrelation *corr = result->rule->correlation;
  Scan s = {arena,
            diags,
            mapping,
            fields,
            result->rule,
            corr,
            corr->timespan_seconds * 1000000000LL,
            &result->matches};
  memset(&result->matches, 0, sizeof result->matches);
  if (corr->expression && corr->kind == IR_CORR_TEMPORAL_ORDERED) {
    report(&s, "%s: a temporal_ordered correlation with a condition expression is not evaluated",
           result->rule->meta.title ? result->rule->meta.title : "correlation");
    return;
  }
  size_t total = 0;
  for (size_t r = 0; r < corr->rule_count; r++) {
    const RuleResult *ref =
        corr->rules[r].rule ? result_of(results, count, corr->rules[r].rule) : NULL;
    if (!ref || !ref->evaluated) {
      report(&s, "the correlation's rule '%s' could not be evaluated", corr->rules[r].text);
      return;
    }
    total += ref->matches.count;
  }
  Hit *hits = arena_array(arena, total + 1, sizeof(Hit));
  size_t n = 0;
  for (size_t r = 0; r < corr->rule_count; r++) {
    const RuleResult *ref = result_of(results, count, corr->rules[r].rule);
    for (size_t m = 0; m < ref->matches.count; m++)
      n += make_hit(&s, ref->rule, r, &ref->matches.items[m], &hits[n]);
  }
  if (n)
    qsort(hits, n, sizeof(Hit), by_group_then_time);
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && strcmp(hits[j].group, hits[i].group) == 0;)
      j++;
    if (corr->kind == IR_CORR_TEMPORAL) {
      if (!scan_temporal(&s, &hits[i], j - i)) {
        report(&s,
               "the condition expression '%s' is not made of the correlation's rule names, "
               "'and', 'or', 'not' and parentheses",
               corr->expression);
        return;
      }
    } else if (corr->kind == IR_CORR_TEMPORAL_ORDERED) {
      scan_ordered(&s, &hits[i], j - i);
    } else {
      scan_aggregate(&s, &hits[i], j - i);
    }
  }
  result->evaluated = true;
}
