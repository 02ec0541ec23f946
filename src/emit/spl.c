/* The Splunk SPL backend: one search per single-event rule, in Splunk's own field names (the
 * splunk_windows mapping by default: Sysmon names, EventCode, source="WinEventLog:<channel>").
 *
 * The search command matches values case-insensitively with '*' wildcards, as Sigma does, and
 * 'NOT f=v' keeps events without f, as Sigma's 'not' does; so most rules are one search. What
 * search cannot say (a literal '*', a '?' wildcard, a case-sensitive match, a regex) goes after a
 * pipe as '| regex field="..."', which filters what the search returned: that is an AND, so it is
 * written only for a conjunct of the whole rule, never for a part of an OR or under a NOT, where
 * it would change the rule's meaning (the bug class of other converters); those rules are
 * refused with the reason. In search, OR binds tighter than AND, the reverse of eval, so every
 * compound operand is parenthesised and either reading gives the same query. Facts:
 * ../shared/docs/spl-semantics.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/utf8.h"
#include "emit/emit.h"
#include "emit/emit_common.h"
#include "emit/output.h"
#include "emit/spl_emit.h"
#include "emit/spl_text.h"
#include "ir/ir_build.h"

typedef struct Printer {
  EmitCtx *ctx;
  const IrRule *rule;
  const MapLogsource *row; /* the logsource row of the rule: its conditions */
  bool failed;
  const IrPredicate **deferred; /* tested by rex + eval, read in the search as sigmac_cN="true" */
  size_t deferred_count;
} Printer;

static void refuse(Printer *p, const IrPredicate *pred, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void refuse(Printer *p, const IrPredicate *pred, const char *id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  emit_refusal(p->ctx->diags, p->ctx->arena, p->rule, pred, id, fmt, args);
  va_end(args);
  p->failed = true;
}

/* Whether pred is one of the logsource's conditions (source, EventCode): values from the data
 * source's own vocabulary, searched as Splunk's own content searches them. */
static bool logsource_condition(const Printer *p, const IrPredicate *pred) {
  if (!p->row || pred->match != IR_MATCH_EQUALS || pred->value.kind != IR_VALUE_STRING ||
      pred->value.string.count != 1)
    return false;
  for (size_t c = 0; c < p->row->condition_count; c++) {
    const MapCondition *cond = &p->row->conditions[c];
    for (size_t v = 0; strcmp(cond->field, pred->field) == 0 && v < cond->values.count; v++)
      if (strcmp(cond->values.items[v], pred->value.string.segs[0].text) == 0)
        return true;
  }
  return false;
}

static bool string_match(IrMatchKind match) {
  return match == IR_MATCH_EQUALS || match == IR_MATCH_CONTAINS || match == IR_MATCH_STARTSWITH ||
         match == IR_MATCH_ENDSWITH || match == IR_MATCH_WILDCARD;
}

/* The pattern a keyword is searched with in _raw: a plain keyword or number anywhere in it
 * (Sigma's keywords are found inside values), a pattern as written. */
static IrString keyword_pattern(Arena *arena, const IrPredicate *pred) {
  IrStringBuilder b;
  ir_sb_init(&b, arena);
  bool plain = pred->match == IR_MATCH_EQUALS || pred->value.kind == IR_VALUE_NUMBER;
  if (plain)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  if (pred->value.kind == IR_VALUE_NUMBER) {
    const char *text = pred->value.number.text ? pred->value.number.text : "";
    ir_sb_literal(&b, text, strlen(text));
  } else {
    IrString pattern = ir_pattern_of(arena, pred);
    for (size_t i = 0; i < pattern.count; i++)
      if (pattern.segs[i].kind == IR_SEG_LITERAL)
        ir_sb_literal(&b, pattern.segs[i].text, pattern.segs[i].len);
      else
        ir_sb_wildcard(&b, pattern.segs[i].kind);
  }
  if (plain)
    ir_sb_wildcard(&b, IR_SEG_ANY);
  return ir_sb_finish(&b);
}

/* How a predicate can be written. */
typedef enum Way {
  WAY_SEARCH, /* in the search command */
  WAY_PIPE,   /* only as '| regex', after the search */
  WAY_NONE,   /* not at all (refused when written) */
} Way;

static Way keyword_way(const Printer *p, const IrPredicate *pred) {
  if (pred->cased || (pred->value.kind != IR_VALUE_STRING && pred->value.kind != IR_VALUE_NUMBER) ||
      (pred->match != IR_MATCH_EQUALS && !string_match(pred->match)))
    return WAY_NONE;
  IrString pattern = keyword_pattern(p->ctx->arena, pred);
  StrBuf probe = STRBUF_INIT;
  SplValueError error = spl_value(&probe, &pattern);
  sb_free(&probe);
  return error == SPL_VALUE_OK ? WAY_SEARCH : WAY_NONE;
}

static Way way_of(const Printer *p, const IrPredicate *pred) {
  if (pred->time_part != IR_TIME_NONE || pred->match == IR_MATCH_EXPR ||
      pred->match == IR_MATCH_FIELDREF)
    return WAY_NONE;
  if (!pred->field) /* a keyword: a term of _raw, with wildcards; no regex fallback */
    return keyword_way(p, pred);
  if (pred->match == IR_MATCH_REGEX)
    return WAY_PIPE;
  if (pred->value.kind == IR_VALUE_NUMBER && pred->match != IR_MATCH_CIDR) {
    StrBuf probe = STRBUF_INIT; /* infinity and NaN have no literal */
    bool ok = emit_number_text(&probe, &pred->value.number);
    sb_free(&probe);
    char shown[64];
    if (!ok ||
        (pred->match == IR_MATCH_EQUALS && !emit_number_as_shown(&pred->value.number, shown)))
      return WAY_NONE;
  }
  if (!string_match(pred->match) || pred->value.kind != IR_VALUE_STRING)
    return WAY_SEARCH;
  IrString pattern = ir_pattern_of(p->ctx->arena, pred);
  StrBuf probe = STRBUF_INIT;
  SplValueError error = spl_value(&probe, &pattern);
  sb_free(&probe);
  if (error == SPL_VALUE_BYTES)
    return WAY_NONE; /* control characters are written in a regex as \xNN */
  if (error != SPL_VALUE_OK || (pred->cased && !logsource_condition(p, pred)))
    return WAY_PIPE;
  Cidr network; /* search reads a value in CIDR notation as a network */
  const IrString *lit = &pred->value.string;
  if (pred->match == IR_MATCH_EQUALS && lit->count == 1 &&
      memchr(lit->segs[0].text, '/', lit->segs[0].len) &&
      cidr_parse(lit->segs[0].text, lit->segs[0].len, &network, NULL, NULL, NULL))
    return WAY_PIPE;
  return WAY_SEARCH;
}

/* Why a predicate cannot be written where it stands. */
static void refuse_pred(Printer *p, const IrPredicate *pred, bool pipe_possible) {
  if (!pred->field) {
    refuse(p, pred, "spl-refused-keyword",
           "this keyword cannot be searched in _raw: it is case-sensitive, holds a literal '*', "
           "a '?' wildcard, control characters, or is no string");
  } else if (pred->time_part != IR_TIME_NONE) {
    refuse(p, pred, "spl-refused-time-part", "the '%s' modifier is not written for SPL yet",
           ir_time_part_name(pred->time_part));
  } else if (pred->match == IR_MATCH_FIELDREF) {
    refuse(p, pred, "spl-refused-fieldref",
           "comparing two fields needs '| where', which compares case-sensitively; not written "
           "for SPL yet ('fieldref' against '%s')",
           pred->pattern);
  } else if (pred->match == IR_MATCH_EXPR) {
    refuse(p, pred, "spl-refused-expression", "SPL has no form for this EQL expression here");
  } else if (pipe_possible || (pred->field && !spl_regex_field(pred->field))) {
    refuse(p, pred, "spl-refused-value",
           "this needs a regex (a regex, a literal '*', a '?' wildcard, a case-sensitive match or "
           "control characters), and the rex and regex commands name their field bare: '%s' "
           "has other characters than letters, digits, '_', '.' and '-'",
           pred->field ? pred->field : "");
  } else if (pred->value.kind == IR_VALUE_NUMBER && isfinite(pred->value.number.value)) {
    char shown[64];
    emit_number_as_shown(&pred->value.number, shown);
    refuse(p, pred, "spl-refused-value",
           "SPL has no number type: %s would match only that text, not an event's number %s, "
           "which the rule's number equals; write it as %s",
           pred->value.number.text, shown, shown);
  } else if (pred->value.kind == IR_VALUE_NUMBER) {
    refuse(p, pred, "spl-refused-value", "SPL has no literal for infinity or NaN");
  } else {
    refuse(p, pred, "spl-refused-value",
           "the value holds bytes that are not UTF-8, which no SPL text can hold");
  }
}

/* A search-form predicate: field=value (value alone into value when it can join an IN list). */
static bool search_pred(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  static const char *const operators[] = {
      [IR_MATCH_LT] = "<", [IR_MATCH_LTE] = "<=", [IR_MATCH_GT] = ">", [IR_MATCH_GTE] = ">="};
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    if (pred->value.kind == IR_VALUE_NUMBER) {
      if (!emit_number_text(value, &pred->value.number))
        sb_puts(value, "\"\""); /* never written: way_of refuses infinities and NaN */
      return true;
    }
    if (pred->value.kind == IR_VALUE_BOOL) {
      sb_puts(value, pred->value.boolean ? "\"true\"" : "\"false\"");
      return true;
    }
    /* fall through */
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD: {
    IrString pattern = ir_pattern_of(p->ctx->arena, pred);
    spl_value(value, &pattern);
    return true;
  }
  case IR_MATCH_CIDR:
    sb_printf(value, "\"%s\"", pred->pattern);
    return true;
  case IR_MATCH_EXISTS:
  case IR_MATCH_NULL:
    sb_puts(whole, pred->match == IR_MATCH_NULL ? "NOT " : "");
    spl_field(whole, pred->field);
    sb_puts(whole, "=*");
    return false;
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
    spl_field(whole, pred->field);
    sb_puts(whole, operators[pred->match]);
    emit_number_text(whole, &pred->value.number);
    return false;
  case IR_MATCH_REGEX:
  case IR_MATCH_FIELDREF:
  case IR_MATCH_EXPR:
    break;
  }
  return false;
}

static bool compound(const IrNode *node) { return node->kind == IR_AND || node->kind == IR_OR; }

static void search_expr(Printer *p, const IrNode *node, StrBuf *out);
static size_t disjunction(Printer *p, const IrNode *node, StrBuf *out);

/* An operand, parenthesised when it is compound (so both precedence readings agree); an OR that
 * became one 'field IN (...)' is not. */
static void operand(Printer *p, const IrNode *node, StrBuf *out) {
  StrBuf inner = STRBUF_INIT;
  bool parens = compound(node);
  if (node->kind == IR_OR)
    parens = disjunction(p, node, &inner) > 1;
  else
    search_expr(p, node, &inner);
  sb_printf(out, parens ? "(%s)" : "%s", sb_text(&inner));
  sb_free(&inner);
}

/* An OR: the values of one field as 'field IN (a, b)', in the order of first appearance.
 * Returns how many operands the written OR has. */
static size_t disjunction(Printer *p, const IrNode *node, StrBuf *out) {
  Arena *arena = p->ctx->arena;
  EmitOperands ops = emit_operands(arena, node);
  char **values = arena_array(arena, ops.count, sizeof(char *));
  bool *done = arena_array(arena, ops.count, sizeof(bool));
  for (size_t i = 0; i < ops.count; i++) {
    if (ops.items[i]->kind != IR_PRED || !ops.items[i]->pred.field ||
        way_of(p, &ops.items[i]->pred) != WAY_SEARCH)
      continue;
    StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
    if (search_pred(p, &ops.items[i]->pred, &value, &whole))
      values[i] = arena_strdup(arena, sb_text(&value));
    sb_free(&value);
    sb_free(&whole);
  }
  size_t written = 0;
  for (size_t i = 0; i < ops.count; i++) {
    if (done[i])
      continue;
    sb_puts(out, written++ ? " OR " : "");
    if (!values[i]) {
      operand(p, ops.items[i], out);
      continue;
    }
    const char *field = ops.items[i]->pred.field;
    size_t count = 0;
    StrBuf list = STRBUF_INIT;
    bool anywhere = p->rule->origin == IR_LANG_SIGMA; /* parsed queries keep their order */
    for (size_t j = i; j < ops.count; j++)
      if (values[j] && !done[j] && strcmp(ops.items[j]->pred.field, field) == 0) {
        sb_printf(&list, "%s%s", count++ ? ", " : "", values[j]);
        done[j] = true;
      } else if (!anywhere && !done[j]) {
        break;
      }
    spl_field(out, field);
    sb_printf(out, count > 1 ? " IN (%s)" : "=%s", sb_text(&list));
    sb_free(&list);
  }
  return written;
}

static void search_expr(Printer *p, const IrNode *node, StrBuf *out) {
  switch (node->kind) {
  case IR_OR:
    disjunction(p, node, out);
    break;
  case IR_AND: {
    EmitOperands ops = emit_operands(p->ctx->arena, node);
    for (size_t i = 0; i < ops.count; i++) {
      sb_puts(out, i ? " " : "");
      operand(p, ops.items[i], out);
    }
    break;
  }
  case IR_NOT: /* NOT takes one term: a list is put in parentheses too */
    if (node->children[0]->kind == IR_PRED && node->children[0]->pred.field &&
        node->children[0]->pred.match == IR_MATCH_NULL) {
      spl_field(out, node->children[0]->pred.field); /* not null: it has a value */
      sb_puts(out, "=*");
      break;
    }
    sb_puts(out, "NOT ");
    if (node->children[0]->kind == IR_OR) {
      sb_putc(out, '(');
      disjunction(p, node->children[0], out);
      sb_putc(out, ')');
    } else {
      operand(p, node->children[0], out);
    }
    break;
  case IR_NESTED: /* refused before printing (emit_nested_query) */
    break;
  case IR_PRED: {
    const IrPredicate *pred = &node->pred;
    for (size_t k = 0; k < p->deferred_count; k++)
      if (p->deferred[k] == pred) { /* its rex and eval ran before this search */
        sb_printf(out, "sigmac_c%zu=\"true\"", k + 1);
        return;
      }
    if (way_of(p, pred) != WAY_SEARCH) {
      refuse_pred(p, pred, way_of(p, pred) == WAY_PIPE);
      break;
    }
    if (!pred->field) { /* a term of the raw event, with wildcards */
      IrString pattern = keyword_pattern(p->ctx->arena, pred);
      spl_value(out, &pattern);
      break;
    }
    StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
    if (search_pred(p, pred, &value, &whole)) {
      spl_field(out, pred->field);
      sb_printf(out, "=%s", sb_text(&value));
    } else {
      sb_puts(out, sb_text(&whole));
    }
    sb_free(&value);
    sb_free(&whole);
    break;
  }
  }
}

/* Whether every predicate under node can be written in the search. */
static bool all_search(const Printer *p, const IrNode *node) {
  if (node->kind == IR_PRED)
    return way_of(p, &node->pred) == WAY_SEARCH;
  for (size_t i = 0; i < node->count; i++)
    if (!all_search(p, node->children[i]))
      return false;
  return true;
}

/* The PCRE a pipe-able predicate stands for: a Sigma regex with its flags, or a pattern
 * anchored at both ends. */
static void pipe_pattern(Printer *p, const IrPredicate *pred, StrBuf *regex) {
  if (pred->match == IR_MATCH_REGEX) {
    sb_printf(regex, "%s%s%s", pred->regex_flags & IR_RE_IGNORECASE ? "(?i)" : "",
              pred->regex_flags & IR_RE_MULTILINE ? "(?m)" : "",
              pred->regex_flags & IR_RE_DOTALL ? "(?s)" : "");
    sb_puts(regex, pred->pattern);
  } else {
    IrString pattern = ir_pattern_of(p->ctx->arena, pred);
    spl_pattern_regex(regex, &pattern, pred->cased);
  }
}

/* Whether every predicate under node can be written, in the search or after a pipe. */
static bool all_writable(const Printer *p, const IrNode *node) {
  if (node->kind == IR_PRED)
    return way_of(p, &node->pred) != WAY_NONE &&
           (way_of(p, &node->pred) == WAY_SEARCH || spl_regex_field(node->pred.field));
  for (size_t i = 0; i < node->count; i++)
    if (!all_writable(p, node->children[i]))
      return false;
  return true;
}

/* The first predicate under node that cannot be written at all (all_writable is false). */
static const IrPredicate *unwritable(const Printer *p, const IrNode *node) {
  if (node->kind == IR_PRED)
    return all_writable(p, node) ? NULL : &node->pred;
  for (size_t i = 0; i < node->count; i++) {
    const IrPredicate *bad = unwritable(p, node->children[i]);
    if (bad)
      return bad;
  }
  return NULL;
}

/* Defers the pipe-able predicates under node: each gets
 * '| eval sigmac_cN=if(isnotnull('F') AND match('F', "re"), "true", "false")', so that a search
 * after them can test it anywhere in a boolean, under OR and NOT too (an event without F gets
 * "false"). match() is PCRE, unanchored, as the regex command; eval names a field in single
 * quotes, since '.' and '-' are operators there. */
static void defer_pipes(Printer *p, const IrNode *node, StrBuf *pipes) {
  if (node->kind != IR_PRED) {
    for (size_t i = 0; i < node->count; i++)
      defer_pipes(p, node->children[i], pipes);
    return;
  }
  if (way_of(p, &node->pred) != WAY_PIPE)
    return;
  size_t k = ++p->deferred_count;
  p->deferred = arena_grow(p->ctx->arena, p->deferred, k - 1, k, sizeof(IrPredicate *));
  p->deferred[k - 1] = &node->pred;
  StrBuf regex = STRBUF_INIT;
  pipe_pattern(p, &node->pred, &regex);
  const char *f = node->pred.field;
  sb_printf(pipes, " | eval sigmac_c%zu=if(isnotnull('%s') AND match('%s', ", k, f, f);
  if (!spl_regex_string(pipes, sb_text(&regex)))
    refuse(p, &node->pred, "spl-refused-value",
           "the regex holds control characters, bytes that are not UTF-8 or a final lone "
           "backslash, which an SPL string cannot hold");
  sb_puts(pipes, "), \"true\", \"false\")");
  sb_free(&regex);
}

/* '| regex field="..."' for a conjunct of the whole rule. */
static void pipe_regex(Printer *p, const IrPredicate *pred, StrBuf *out) {
  StrBuf regex = STRBUF_INIT;
  pipe_pattern(p, pred, &regex);
  if (!spl_regex_field(pred->field)) {
    refuse(p, pred, "spl-refused-value",
           "the regex command names its field bare, and '%s' is no such name", pred->field);
    sb_free(&regex);
    return;
  }
  sb_printf(out, " | regex %s=", pred->field);
  if (!spl_regex_string(out, sb_text(&regex)))
    refuse(p, pred, "spl-refused-value",
           "the regex holds control characters, bytes that are not UTF-8 or a final lone "
           "backslash, which an SPL string cannot hold");
  sb_free(&regex);
}

/* base [| regex ...] [| rex ... | eval ... | search rest]: the conjuncts search can say first
 * (they use the index), a pipe-able conjunct as '| regex', and a conjunct with a pipe-able part
 * inside an OR or NOT through rex and eval, tested by a search after them. */
static void event_query(Printer *p, const IrNode *where, StrBuf *out) {
  EmitOperands conjuncts = where->kind == IR_AND ? emit_operands(p->ctx->arena, where)
                                                 : (EmitOperands){(const IrNode **)&where, 1};
  StrBuf search = STRBUF_INIT, pipes = STRBUF_INIT, rex = STRBUF_INIT, rest = STRBUF_INIT;
  size_t terms = 0, later = 0;
  for (size_t i = 0; i < conjuncts.count; i++) {
    const IrNode *c = conjuncts.items[i];
    if (c->kind == IR_PRED && way_of(p, &c->pred) == WAY_PIPE) {
      pipe_regex(p, &c->pred, &pipes);
    } else if (all_search(p, c)) {
      sb_puts(&search, terms++ ? " " : "");
      operand(p, c, &search);
    } else if (all_writable(p, c)) {
      defer_pipes(p, c, &rex);
      sb_puts(&rest, later++ ? " " : "");
      operand(p, c, &rest);
    } else { /* refused, with the reason of its first predicate that cannot be written */
      refuse_pred(p, unwritable(p, c), false);
    }
  }
  sb_puts(out, terms ? sb_text(&search) : "*");
  sb_puts(out, sb_text(&pipes));
  if (later)
    sb_printf(out, "%s | search %s", sb_text(&rex), sb_text(&rest));
  sb_free(&search);
  sb_free(&pipes);
  sb_free(&rex);
  sb_free(&rest);
}

/* The first predicate on a field named like the conditions the eval form computes, or NULL. */
static const IrPredicate *reserved_field(const IrNode *node) {
  if (node->kind == IR_PRED) {
    const char *f = node->pred.field;
    bool reserved =
        f && strncmp(f, "sigmac_c", 8) == 0 && f[8] && strspn(f + 8, "0123456789") == strlen(f + 8);
    return reserved ? &node->pred : NULL;
  }
  for (size_t i = 0; i < node->count; i++) {
    const IrPredicate *hit = reserved_field(node->children[i]);
    if (hit)
      return hit;
  }
  return NULL;
}

bool spl_detection_search(EmitCtx *ctx, size_t index, StrBuf *out) {
  const IrRule *rule = ctx->mapped->rules[index];
  if (!emit_mapped(ctx, rule, "spl-refused-mapping"))
    return false;
  Printer p = {ctx, rule, NULL, false, NULL, 0};
  if (ctx->mapping && rule->origin == IR_LANG_SIGMA)
    p.row = mapping_logsource(ctx->mapping, &rule->logsource);
  if (rule->kind != IR_RULE_DETECTION) {
    refuse(&p, NULL, "spl-refused-correlation", "'%s' is a %s rule, not a search of events",
           rule->meta.name ? rule->meta.name : "the rule", ir_rule_kind_name(rule->kind));
    return false;
  }
  for (size_t i = 0; i < rule->query_count; i++)
    if (rule->queries[i]->kind != IR_QUERY_EVENT || rule->queries[i]->pipe_count ||
        rule->queries[i]->endgame) {
      refuse(&p, NULL, "spl-refused-sequence",
             "a sequence, sample or pipe is not written for SPL (a transaction or streamstats "
             "search would be needed)");
      return false;
    }
  for (size_t i = 0; i < rule->query_count; i++) {
    const IrPredicate *reserved = reserved_field(rule->queries[i]->where);
    if (reserved) {
      refuse(&p, reserved, "spl-refused-value",
             "fields named sigmac_c<number> are the conditions sigmac's eval computes; a field "
             "of that name would be read as one");
      return false;
    }
    const IrPredicate *bad = emit_unsafe_field(rule->queries[i]->where);
    if (bad) {
      refuse(&p, bad, "spl-refused-value",
             "the field name holds control characters or bytes that are not UTF-8");
      return false;
    }
    const IrNode *nested = emit_nested_query(rule->queries[i]->where);
    if (nested) {
      refuse(&p, &nested->pred, "spl-refused-nested",
             "SPL has no nested query: '%s:{ ... }' needs one object of '%s' to satisfy the "
             "whole query, and Splunk reads the objects' fields flattened",
             nested->path, nested->path);
      return false;
    }
  }
  for (size_t i = 0; i < rule->query_count; i++) {
    const char *category = rule->queries[i]->category;
    if (category && strcmp(category, "any") != 0) {
      refuse(&p, NULL, "spl-refused-category",
             "the query's event category '%s' is an Elastic notion with no Splunk form; "
             "write the rule in Sigma for a Splunk logsource",
             category);
      return false;
    }
  }
  const char *datamodel = p.row && p.row->datamodel ? p.row->datamodel : rule->datamodel;
  if (datamodel) { /* the CIM data set, then a search of it */
    size_t model = strcspn(datamodel, ".");
    sb_printf(out, "| datamodel %.*s %s search | search ", (int)model, datamodel,
              datamodel + model + (datamodel[model] == '.'));
  }
  if (rule->query_count == 1) {
    event_query(&p, rule->queries[0]->where, out);
  } else { /* a condition list: its queries or-ed */
    IrNode **wheres = arena_array(ctx->arena, rule->query_count, sizeof(IrNode *));
    for (size_t i = 0; i < rule->query_count; i++)
      wheres[i] = rule->queries[i]->where;
    event_query(&p, ir_join(ctx->arena, IR_OR, wheres, rule->query_count), out);
  }
  return !p.failed;
}

static bool spl_query(EmitCtx *ctx, size_t index, StrBuf *out) {
  switch (ctx->mapped->rules[index]->kind) {
  case IR_RULE_DETECTION:
    return spl_detection_search(ctx, index, out);
  case IR_RULE_CORRELATION:
    return spl_correlation_search(ctx, index, out);
  case IR_RULE_FILTER:
    break;
  }
  return true;
}

/* A savedsearches.conf stanza name or value on one line: line breaks become spaces, and a
 * stanza name cannot close its brackets early. */
static void conf_text(StrBuf *out, const char *text, bool stanza) {
  for (const unsigned char *c = (const unsigned char *)text; *c; c++)
    sb_putc(out, *c < 0x20 || *c == 0x7F              ? ' '
                 : stanza && (*c == '[' || *c == ']') ? '_'
                                                      : (char)*c);
}

/* Splunk savedsearches.conf: one stanza per rule with its search and description. */
static bool spl_savedsearches(EmitCtx *ctx, StrBuf *out) {
  bool ok = true, first = true;
  for (size_t i = 0; i < ctx->rules->count; i++) {
    if (!emit_standalone(ctx, i))
      continue;
    StrBuf text = STRBUF_INIT;
    if (!emit_counted(ctx, spl_query(ctx, i, &text))) {
      ok = false;
      sb_free(&text);
      continue;
    }
    const IrRule *rule = ctx->rules->rules[i];
    const char *title = rule->meta.title ? rule->meta.title : ctx->meta->title;
    sb_puts(out, first ? "[" : "\n[");
    first = false;
    conf_text(out, title ? title : "sigmac rule", true);
    sb_puts(out, "]\nsearch = ");
    conf_text(out, sb_text(&text), false); /* one line: nothing can add a setting */
    const char *description =
        rule->meta.description ? rule->meta.description : ctx->meta->description;
    if (description) {
      sb_puts(out, "\ndescription = ");
      conf_text(out, description, false);
    }
    if (rule->meta.id) {
      sb_puts(out, "\naction.sigmac.rule_id = ");
      conf_text(out, rule->meta.id, false);
    }
    sb_putc(out, '\n');
    sb_free(&text);
  }
  return ok;
}

static const char *const spl_formats[] = {"default", "savedsearches", NULL};
static const char *const spl_extensions[] = {".spl", ".conf"};

static bool spl_output(EmitCtx *ctx, const char *format, StrBuf *out) {
  if (strcmp(format, "savedsearches") == 0)
    return spl_savedsearches(ctx, out);
  return emit_output_default(ctx, spl_query, "```", "```", out);
}

const Backend emit_spl_backend = {
    .name = "spl",
    .description = "Splunk Search Processing Language (SPL), Splunk searches",
    .formats = spl_formats,
    .extensions = spl_extensions,
    .query = spl_query,
    .output = spl_output,
    .maps_fields = true,
};
