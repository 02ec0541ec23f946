/* Sigma correlations as Splunk pipelines (spl_emit.h). The referenced rules' searches are run
 * together (multisearch, each result tagged with its rule in sigmac_rule), events without a
 * group-by value dropped, put in time order, and streamstats computes per group, at each event,
 * over the events of the last timespan up to it (time_window):
 *
 *   event_count  count AS sigmac_count, then where on it;
 *   value_count  dc(field) AS sigmac_value_count, then where on it;
 *   temporal     per rule, the time of its latest event (max of _time where the tag is its own),
 *                then where on the number of rules seen within the timespan;
 *   temporal_ordered  a chain: per step, the start time of the latest chain that reached it (the
 *                first step's own time, then the previous step's value), and a where that the
 *                last step's event closes a chain no older than the timespan.
 *
 * A window ending at each event finds a match wherever a window starting at one does (Sigma's,
 * docs/evaluation.md) for these conditions: a set of events within the timespan lies between its
 * first and its last. Sums, averages, medians and percentiles are not monotone in the window, so
 * the two readings can differ, and they are refused. docs/spl.md has the limits (ties, the
 * window's boundary). Facts: ../shared/docs/spl-semantics.md; Splunk's search reference for
 * multisearch (at least two streaming subsearches) and streamstats. */
#include <stdarg.h>
#include <string.h>

#include "emit/emit_common.h"
#include "emit/spl_emit.h"
#include "emit/spl_text.h"
#include "ir/ir_build.h"

typedef struct Writer {
  EmitCtx *ctx;
  const IrRule *rule;
  const IrCorrelation *corr;
  bool failed;
} Writer;

/* What one referenced rule contributes. */
typedef struct Part {
  size_t index;      /* the rule in the run */
  IrStrList keys;    /* its group-by fields, mapped */
  const char *value; /* value_count: its condition field, mapped */
} Part;

static void refuse(Writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(Writer *w, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  emit_refusal(w->ctx->diags, w->ctx->arena, w->rule, NULL, "spl-refused-correlation", fmt, args);
  va_end(args);
  w->failed = true;
}

/* streamstats' BY clause and functions take a field bare, eval in single quotes without escapes:
 * only names of letters, digits, '_', '.' and '-' are written. */
static bool nameable(Writer *w, const char *field) {
  if (spl_regex_field(field))
    return true;
  refuse(w,
         "'%s' cannot be named in streamstats and eval, which take a field bare (letters, "
         "digits, '_', '.' and '-')",
         field);
  return false;
}

/* The kinds and conditions written; false after refusing the others. */
static bool writable(Writer *w) {
  const IrCorrelation *c = w->corr;
  switch (c->kind) {
  case IR_CORR_EVENT_COUNT:
  case IR_CORR_VALUE_COUNT:
    if (!c->threshold_count) {
      refuse(w, "a %s correlation needs a condition", ir_correlation_kind_name(c->kind));
      return false;
    }
    return true;
  case IR_CORR_TEMPORAL:
    if (c->expression && !emit_every_rule_needed(c)) {
      refuse(w, "a temporal condition over rule names other than all of them joined by 'and' "
                "is not written for SPL");
      return false;
    }
    return true;
  case IR_CORR_TEMPORAL_ORDERED:
    if (c->rule_count < 2 || !emit_every_rule_needed(c)) {
      refuse(w, "temporal_ordered is written for SPL as a chain through every rule in order: it "
                "needs at least two rules and a condition asking for all of them");
      return false;
    }
    return true;
  case IR_CORR_VALUE_SUM:
  case IR_CORR_VALUE_AVG:
  case IR_CORR_VALUE_PERCENTILE:
  case IR_CORR_VALUE_MEDIAN:
    break;
  }
  refuse(w,
         "a %s correlation is not written for SPL: streamstats' windows end at an event and "
         "Sigma's start at one, and for a sum, average, median or percentile the two can differ",
         ir_correlation_kind_name(c->kind));
  return false;
}

static bool same_fields(const Part *a, const Part *b) {
  if (a->keys.count != b->keys.count || (a->value == NULL) != (b->value == NULL) ||
      (a->value && strcmp(a->value, b->value) != 0))
    return false;
  for (size_t i = 0; i < a->keys.count; i++)
    if (strcmp(a->keys.items[i], b->keys.items[i]) != 0)
      return false;
  return true;
}

/* Each referenced rule: a detection rule of the run, named once, its fields nameable. */
static Part *parts_of(Writer *w, bool *shared) {
  const IrCorrelation *c = w->corr;
  Part *parts = arena_array(w->ctx->arena, c->rule_count, sizeof(Part));
  *shared = true;
  for (size_t i = 0; i < c->rule_count; i++) {
    const IrRule *ref = c->rules[i].rule;
    for (size_t j = 0; j < i; j++)
      if (c->rules[j].rule == ref) {
        refuse(w, "'%s' is named twice; the SPL pipeline tags each event with one rule",
               c->rules[i].text);
        return NULL;
      }
    size_t index = ref ? emit_rule_index(w->ctx, ref) : (size_t)-1;
    if (index != (size_t)-1 && ref->kind == IR_RULE_CORRELATION) {
      refuse(w, "'%s' is a correlation: a correlation over correlations is not written for SPL",
             c->rules[i].text);
      return NULL;
    }
    if (index == (size_t)-1 || ref->kind != IR_RULE_DETECTION) {
      refuse(w, "'%s' must be a detection rule of this run to be searched for in SPL",
             c->rules[i].text);
      return NULL;
    }
    parts[i].index = index;
    parts[i].keys = emit_correlation_keys(w->ctx, c, ref);
    parts[i].value = NULL;
    if (c->kind == IR_CORR_VALUE_COUNT) {
      IrCorrelation value_only = *c; /* the condition field, with its aliases and mapping */
      value_only.group_by = c->condition_fields;
      parts[i].value = emit_correlation_keys(w->ctx, &value_only, ref).items[0];
      if (!nameable(w, parts[i].value))
        return NULL;
    }
    for (size_t k = 0; k < parts[i].keys.count; k++)
      if (!nameable(w, parts[i].keys.items[k]))
        return NULL;
    *shared = *shared && same_fields(&parts[0], &parts[i]);
  }
  return parts;
}

/* The tag of referenced rule i, as an eval string. */
static void tag(Writer *w, size_t i, StrBuf *out) {
  if (!spl_eval_string(out, w->corr->rules[i].text))
    refuse(w, "the rule name '%s' holds control characters or bytes that are not UTF-8",
           w->corr->rules[i].text);
}

/* The referenced rules' searches: one as it is, several under multisearch, each tagged, and
 * each copying its group-by and condition fields to shared names when the rules name them
 * differently. */
static void searches(Writer *w, const Part *parts, bool shared, StrBuf *out) {
  const IrCorrelation *c = w->corr;
  if (c->rule_count == 1) { /* one rule: its fields are shared */
    w->failed = !spl_detection_search(w->ctx, parts[0].index, out);
    return;
  }
  sb_puts(out, "| multisearch");
  for (size_t i = 0; i < c->rule_count && !w->failed; i++) {
    StrBuf search = STRBUF_INIT;
    w->failed = !spl_detection_search(w->ctx, parts[i].index, &search);
    if (!w->failed && search.len && sb_text(&search)[0] == '|')
      refuse(w,
             "multisearch takes streaming searches, and '%s' searches a data model, a "
             "generating command",
             w->corr->rules[i].text);
    sb_printf(out, "\n  [search %s", sb_text(&search));
    sb_free(&search);
    sb_puts(out, " | eval sigmac_rule=");
    tag(w, i, out);
    for (size_t k = 0; !shared && k < parts[i].keys.count; k++)
      sb_printf(out, ", sigmac_by%zu='%s'", k + 1, parts[i].keys.items[k]);
    if (!shared && parts[i].value)
      sb_printf(out, ", sigmac_value='%s'", parts[i].value);
    sb_putc(out, ']');
  }
}

/* The where on an aggregate: the correlation's conditions, and-ed. */
static void condition(Writer *w, const char *aggregate, StrBuf *out) {
  static const char *const ops[] = {
      [IR_CMP_GT] = ">",   [IR_CMP_GTE] = ">=", [IR_CMP_LT] = "<",
      [IR_CMP_LTE] = "<=", [IR_CMP_EQ] = "==",  [IR_CMP_NEQ] = "!=",
  };
  for (size_t t = 0; t < w->corr->threshold_count; t++) {
    sb_printf(out, "%s%s %s ", t ? " AND " : "", aggregate, ops[w->corr->thresholds[t].op]);
    if (!emit_number_text(out, &w->corr->thresholds[t].number))
      refuse(w, "the condition's number has no SPL literal");
  }
}

static void temporal(Writer *w, const char *window, const char *by, StrBuf *out) {
  const IrCorrelation *c = w->corr;
  long long span = c->timespan_seconds;
  sb_puts(out, "\n| eval ");
  for (size_t i = 0; i < c->rule_count; i++) {
    sb_printf(out, "%ssigmac_t%zu=if(sigmac_rule=", i ? ", " : "", i + 1);
    tag(w, i, out);
    sb_puts(out, ", _time, null())");
  }
  sb_printf(out, "\n| streamstats %s", window);
  for (size_t i = 0; i < c->rule_count; i++)
    sb_printf(out, "%s max(sigmac_t%zu) AS sigmac_l%zu", i ? "," : "", i + 1, i + 1);
  sb_printf(out, "%s\n| where ", by);
  StrBuf seen = STRBUF_INIT;
  for (size_t i = 0; i < c->rule_count; i++)
    sb_printf(&seen, "%sif(_time - sigmac_l%zu <= %lld, 1, 0)", i ? " + " : "", i + 1, span);
  if (c->threshold_count) {
    condition(w, sb_text(&seen), out);
  } else {
    sb_printf(out, "%s >= %zu", sb_text(&seen), c->rule_count);
  }
  sb_free(&seen);
}

/* A temporal correlation of one rule: at each match of it, the rules seen within the timespan
 * are that one, so it fires on every match when its condition holds for one rule (no condition:
 * all rules, one), and never otherwise. Written as the event count it equals, which needs no
 * tag (a single search has none). */
static void single_temporal(Writer *w, const char *window, const char *by, StrBuf *out) {
  if (!ir_correlation_meets(w->corr, 1)) {
    refuse(w, "this temporal correlation of one rule never fires: its condition does not hold "
              "for the one rule there is");
    return;
  }
  sb_printf(out, "\n| streamstats %s count AS sigmac_count%s\n| where sigmac_count >= 1", window,
            by);
}

static void ordered(Writer *w, const char *window, const char *by, StrBuf *out) {
  const IrCorrelation *c = w->corr;
  size_t last = c->rule_count - 1;
  for (size_t i = 0; i < last; i++) {
    sb_printf(out, "\n| eval sigmac_s%zu=if(sigmac_rule=", i + 1);
    tag(w, i, out);
    if (i == 0)
      sb_puts(out, ", _time, null())");
    else
      sb_printf(out, ", sigmac_p%zu, null())", i);
    sb_printf(out, "\n| streamstats %s max(sigmac_s%zu) AS sigmac_p%zu%s", window, i + 1, i + 1,
              by);
  }
  sb_puts(out, "\n| where sigmac_rule=");
  tag(w, last, out);
  sb_printf(out, " AND _time - sigmac_p%zu <= %lld", last, c->timespan_seconds);
}

bool spl_correlation_search(EmitCtx *ctx, size_t index, StrBuf *out) {
  const IrRule *rule = ctx->rules->rules[index];
  Writer w = {ctx, rule, rule->correlation, false};
  bool shared;
  const Part *parts = writable(&w) ? parts_of(&w, &shared) : NULL;
  if (!parts)
    return false;
  const IrCorrelation *c = w.corr;
  StrBuf text = STRBUF_INIT, by = STRBUF_INIT;
  searches(&w, parts, shared, &text);
  for (size_t k = 0; k < c->group_by.count; k++) {
    const char *key =
        shared ? parts[0].keys.items[k] : arena_printf(ctx->arena, "sigmac_by%zu", k + 1);
    sb_printf(&text, "%sisnotnull('%s')", k ? " AND " : "\n| where ", key);
    sb_printf(&by, "%s%s", k ? ", " : " BY ", key);
  }
  sb_puts(&text, "\n| sort 0 _time");
  const char *window = arena_printf(ctx->arena, "time_window=%llds", c->timespan_seconds);
  switch (c->kind) {
  case IR_CORR_EVENT_COUNT:
    sb_printf(&text, "\n| streamstats %s count AS sigmac_count%s\n| where ", window, sb_text(&by));
    condition(&w, "sigmac_count", &text);
    break;
  case IR_CORR_VALUE_COUNT:
    sb_printf(&text, "\n| streamstats %s dc(%s) AS sigmac_value_count%s\n| where ", window,
              shared ? parts[0].value : "sigmac_value", sb_text(&by));
    condition(&w, "sigmac_value_count", &text);
    break;
  case IR_CORR_TEMPORAL:
    if (c->rule_count == 1) /* its one rule seen within the timespan: each match of it */
      single_temporal(&w, window, sb_text(&by), &text);
    else
      temporal(&w, window, sb_text(&by), &text);
    break;
  case IR_CORR_TEMPORAL_ORDERED:
    ordered(&w, window, sb_text(&by), &text);
    break;
  case IR_CORR_VALUE_SUM:
  case IR_CORR_VALUE_AVG:
  case IR_CORR_VALUE_PERCENTILE:
  case IR_CORR_VALUE_MEDIAN:
    break; /* refused by writable() */
  }
  if (!w.failed)
    sb_puts(out, sb_text(&text));
  sb_free(&text);
  sb_free(&by);
  return !w.failed;
}
