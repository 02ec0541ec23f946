/* The EQL backend (Elasticsearch 8.x/9.x EQL): one query per rule, Sigma semantics kept.
 *
 * Sigma strings compare case-insensitively, so string matches use ':' (case-insensitive, with '*'
 * and '?' wildcards), lists of them on one field become one ':' over a list, and cased matches
 * use '==', 'in' and 'like'. ':' has no escape for a literal '*' or '?' (toLikePattern), so a value
 * holding one goes through 'regex~' with the character escaped. Numbers, IP addresses, dates and
 * booleans on fields of those ECS types compare with '=='. Whatever EQL cannot say (field
 * references, keywords, time parts, some regexes) is refused with the reason. Facts:
 * ../shared/docs/eql-semantics.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cidr.h"
#include "emit/emit.h"
#include "emit/emit_common.h"
#include "emit/eql_expr.h"
#include "emit/eql_text.h"
#include "emit/lucene_regex.h"
#include "emit/output.h"
#include "ir/ir_build.h"

typedef struct Printer {
  EmitCtx *ctx;
  const IrRule *rule;
  bool failed;
  int guard_scripts; /* inside a 'not' over several fields: a script on a missing field is null,
                        and null under 'or' and 'not' drops the event Sigma keeps */
} Printer;

/* How a predicate prints: the grouped forms share one field and collect values into a list. */
typedef enum Form {
  FORM_COLON, /* field : value      (lists: field : (a, b)) */
  FORM_EQ,    /* field == value     (lists: field in (a, b)) */
  FORM_LIKE,  /* field like value   (lists: like (a, b); 'in' when no value has a wildcard) */
  FORM_CIDR,  /* cidrMatch(field, value, ...) */
  FORM_WHOLE, /* printed whole */
} Form;

static void refuse(Printer *p, const IrPredicate *pred, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void refuse(Printer *p, const IrPredicate *pred, const char *id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  emit_refusal(p->ctx->diags, p->ctx->arena, p->rule, pred, id, fmt, args);
  va_end(args);
  p->failed = true;
}

static const EcsField *ecs_field(const Printer *p, const char *field) {
  return p->ctx->mapping && p->ctx->mapping->ecs ? ecs_lookup(p->ctx->mapping->ecs, field) : NULL;
}

/* Fields outside ECS (when the target is ECS) are written '?field': unmapped in every searched
 * index, they then read as null instead of failing the whole query. */
static bool optional_field(const Printer *p, const char *field) {
  return p->rule->origin == IR_LANG_SIGMA && p->ctx->mapping && p->ctx->mapping->ecs &&
         !ecs_field(p, field); /* EQL rules say themselves which fields are optional */
}

static EcsFamily family(const Printer *p, const char *field) {
  const EcsField *f = ecs_field(p, field);
  return f ? f->family : ECS_STRING;
}

/* Writes an EQL string, refusing bytes that are not UTF-8 (left by wide/utf16 encodings). */
static bool string_literal(Printer *p, const IrPredicate *pred, StrBuf *out, const char *text,
                           size_t len) {
  if (eql_string(out, text, len))
    return true;
  refuse(p, pred, "eql-refused-bytes",
         "the value holds bytes that are not UTF-8 (from a wide/utf16 modifier without base64); "
         "EQL strings cannot hold them");
  return false;
}

/* The pattern in ':' / like syntax, or false when a literal holds '*' or '?' (no escape). */
static bool like_pattern(const IrString *s, StrBuf *out) {
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    switch (seg->kind) {
    case IR_SEG_LITERAL:
      if (memchr(seg->text, '*', seg->len) || memchr(seg->text, '?', seg->len))
        return false;
      sb_putn(out, seg->text, seg->len);
      break;
    case IR_SEG_ANY:
      sb_putc(out, '*');
      break;
    case IR_SEG_ONE:
      sb_putc(out, '?');
      break;
    }
  }
  return true;
}

/* The pattern as a Lucene regex matching the whole value. */
static void regex_pattern(const IrString *s, StrBuf *out) {
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    switch (seg->kind) {
    case IR_SEG_LITERAL:
      lucene_escape_literal(out, seg->text, seg->len);
      break;
    case IR_SEG_ANY:
      sb_puts(out, ".*");
      break;
    case IR_SEG_ONE:
      sb_putc(out, '.');
      break;
    }
  }
}

/* A predicate's field, '?' when EQL wrote it so or ECS does not know it. */
static void pred_field(const Printer *p, StrBuf *out, const IrPredicate *pred) {
  eql_field(out, pred->field, pred->optional || optional_field(p, pred->field));
}

/* A string match on a field that is not a string in ECS. */
static Form refuse_type(Printer *p, const IrPredicate *pred, const char *text) {
  const EcsField *f = ecs_field(p, pred->field);
  refuse(p, pred, "eql-refused-type",
         "'%s' is an ECS %s field and '%s' is no such value; Elasticsearch would reject the query",
         pred->field, f ? f->type : "typed", text);
  return FORM_WHOLE;
}

/* A string value on a field that ECS types as a number, ip, date or boolean: the value in that
 * type, or a refusal when it is none (Elasticsearch rejects a query whose term does not parse). */
static Form typed_string(Printer *p, const IrPredicate *pred, StrBuf *value, EcsFamily fam) {
  const IrString *literal = &pred->value.string;
  const char *text = literal->count ? literal->segs[0].text : "";
  size_t len = literal->count ? literal->segs[0].len : 0;
  if (pred->match == IR_MATCH_EQUALS) {
    const char *typed;
    if (!emit_typed_text(fam, text, len, &typed))
      return refuse_type(p, pred, text);
    if (fam == ECS_NUMBER || fam == ECS_BOOLEAN) {
      sb_puts(value, typed);
      return FORM_EQ;
    }
    return string_literal(p, pred, value, text, len) ? FORM_EQ : FORM_WHOLE;
  }
  StrBuf network = STRBUF_INIT;
  if (fam == ECS_IP && pred->match == IR_MATCH_STARTSWITH &&
      emit_octet_prefix_network(text, len, &network)) {
    sb_printf(value, "\"%s\"", sb_text(&network));
    sb_free(&network);
    return FORM_CIDR;
  }
  sb_free(&network);
  const EcsField *f = ecs_field(p, pred->field);
  refuse(p, pred, "eql-refused-wildcard-type",
         "'%s' is an ECS %s field and EQL matches wildcards only on strings%s", pred->field,
         f ? f->type : "non-string",
         fam == ECS_IP ? "; use the cidr modifier for address ranges" : "");
  return FORM_WHOLE;
}

static Form string_pred(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  Arena *arena = p->ctx->arena;
  IrString pattern = ir_pattern_of(arena, pred);
  EcsFamily fam = family(p, pred->field);
  if (fam == ECS_NUMBER || fam == ECS_IP || fam == ECS_DATE || fam == ECS_BOOLEAN)
    return typed_string(p, pred, value, fam);
  if (fam == ECS_TEXT) {
    const EcsField *f = ecs_field(p, pred->field);
    refuse(p, pred, "eql-refused-text-field",
           "'%s' is an ECS %s field: EQL cannot match analysed text exactly", pred->field,
           f ? f->type : "text");
    return FORM_WHOLE;
  }
  bool wild = pred->match != IR_MATCH_EQUALS;
  StrBuf like = STRBUF_INIT;
  bool likeable = like_pattern(&pattern, &like);
  Form form = FORM_WHOLE;
  if (pred->cased && !wild && !likeable) { /* a literal '*' or '?': only '==' says it */
    const IrString *lit = &pred->value.string;
    form = string_literal(p, pred, value, lit->count ? lit->segs[0].text : "",
                          lit->count ? lit->segs[0].len : 0)
               ? FORM_EQ
               : FORM_WHOLE;
  } else if (likeable) {
    if (string_literal(p, pred, value, sb_text(&like), like.len))
      form = pred->cased ? FORM_LIKE : FORM_COLON;
  } else {
    StrBuf regex = STRBUF_INIT;
    regex_pattern(&pattern, &regex);
    pred_field(p, whole, pred);
    sb_puts(whole, pred->cased ? " regex " : " regex~ ");
    string_literal(p, pred, whole, sb_text(&regex), regex.len);
    sb_free(&regex);
  }
  sb_free(&like);
  return form;
}

static void regex_pred(Printer *p, const IrPredicate *pred, StrBuf *whole) {
  if (pred->lucene) { /* from EQL: already Lucene syntax; case follows 'cased' */
    pred_field(p, whole, pred);
    sb_puts(whole, pred->cased ? " regex " : " regex~ ");
    string_literal(p, pred, whole, pred->pattern, strlen(pred->pattern));
    return;
  }
  LuceneRegex lucene;
  size_t offset;
  const char *error;
  if (!lucene_from_pcre(p->ctx->arena, pred->pattern, pred->regex_flags, &lucene, &offset,
                        &error)) {
    refuse(p, pred, "eql-refused-regex",
           "EQL regexes use Lucene syntax, which has no %s (at offset %zu of '%s')", error, offset,
           pred->pattern);
    return;
  }
  pred_field(p, whole, pred);
  sb_puts(whole, lucene.ignore_case ? " regex~ " : " regex ");
  string_literal(p, pred, whole, lucene.text, lucene.len);
}

static Form compare_pred(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  static const char *const operators[] = {[IR_MATCH_LT] = " < ",
                                          [IR_MATCH_LTE] = " <= ",
                                          [IR_MATCH_GT] = " > ",
                                          [IR_MATCH_GTE] = " >= "};
  EcsFamily fam = family(p, pred->field);
  bool sigma = p->rule->origin == IR_LANG_SIGMA;
  bool on_string = sigma && (fam == ECS_STRING || fam == ECS_TEXT);
  if (pred->match == IR_MATCH_EQUALS && pred->value.kind == IR_VALUE_BOOL) {
    const char *word = pred->value.boolean ? "true" : "false";
    if (on_string && ecs_field(p, pred->field)) { /* Sigma's true on a string field is the text */
      eql_string(value, word, strlen(word));
      return FORM_COLON;
    }
    sb_puts(value, word);
    return FORM_EQ;
  }
  StrBuf number = STRBUF_INIT;
  if (!emit_number_text(&number, &pred->value.number)) {
    refuse(p, pred, "eql-refused-type", "EQL has no literal for infinity or NaN");
    sb_free(&number);
    return FORM_WHOLE;
  }
  Form form = FORM_WHOLE;
  char shown[64];
  if (pred->match == IR_MATCH_EQUALS && on_string &&
      !emit_number_as_shown(&pred->value.number, shown)) {
    refuse(p, pred, "eql-refused-type", EMIT_NUMBER_NOT_AS_SHOWN, pred->field,
           pred->value.number.text, shown, shown);
  } else if (pred->match == IR_MATCH_EQUALS && on_string) { /* Sigma numbers compare as text */
    eql_string(value, sb_text(&number), number.len);
    form = FORM_COLON;
  } else if (pred->match == IR_MATCH_EQUALS) {
    sb_puts(value, sb_text(&number));
    form = FORM_EQ;
  } else {
    if (sigma && !ecs_field(p, pred->field) && p->ctx->mapping && p->ctx->mapping->ecs)
      diag_report(p->ctx->diags, DIAG_WARNING, pred->src, pred->span, "eql-numeric-unknown-field",
                  EMIT_NUMERIC_UNKNOWN_FIELD, pred->field, ir_match_kind_name(pred->match));
    pred_field(p, whole, pred);
    sb_puts(whole, operators[pred->match]);
    sb_puts(whole, sb_text(&number));
  }
  sb_free(&number);
  return form;
}

/* EQL's function forms (startsWith~, cidrMatch, ...) run as scripts, which treat a missing field
 * differently under 'not'; a predicate that came from one is written as one again. */
static bool script_form(Printer *p, const IrPredicate *pred, StrBuf *whole) {
  const char *function = pred->match == IR_MATCH_STARTSWITH ? "startsWith"
                         : pred->match == IR_MATCH_ENDSWITH ? "endsWith"
                         : pred->match == IR_MATCH_CONTAINS ? "stringContains"
                                                            : NULL;
  if (!function)
    return false;
  sb_printf(whole, "%s%s(", function, pred->cased ? "" : "~");
  pred_field(p, whole, pred);
  sb_puts(whole, ", ");
  const IrString *lit = &pred->value.string;
  string_literal(p, pred, whole, lit->count ? lit->segs[0].text : "",
                 lit->count ? lit->segs[0].len : 0);
  sb_putc(whole, ')');
  return true;
}

static void expr_pred(Printer *p, const IrPredicate *pred, StrBuf *whole) {
  if (!eql_expr_print(pred->expr, whole))
    refuse(p, pred, "eql-refused-expression",
           "this expression has no Elasticsearch EQL form (an Endgame lineage such as "
           "'descendant of', or a string that is not UTF-8)");
}

/* Sorts a predicate into a form; grouped forms write only their value into value, the others
 * their whole text into whole. */
static Form predicate_form(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  if (pred->script && script_form(p, pred, whole))
    return FORM_WHOLE;
  if (pred->match == IR_MATCH_EXPR) {
    expr_pred(p, pred, whole);
    return FORM_WHOLE;
  }
  if (!pred->field) {
    refuse(p, pred, "eql-refused-keyword",
           "EQL has no free-text search: keywords (values without a field) cannot be converted; "
           "name the field in the rule");
    return FORM_WHOLE;
  }
  if (pred->time_part != IR_TIME_NONE) {
    refuse(p, pred, "eql-refused-time-part",
           "EQL has no function for the %s of a timestamp ('%s' modifier)",
           ir_time_part_name(pred->time_part), ir_time_part_name(pred->time_part));
    return FORM_WHOLE;
  }
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    if (pred->value.kind != IR_VALUE_STRING)
      return compare_pred(p, pred, value, whole);
    return string_pred(p, pred, value, whole);
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    return string_pred(p, pred, value, whole);
  case IR_MATCH_REGEX:
    regex_pred(p, pred, whole);
    return FORM_WHOLE;
  case IR_MATCH_CIDR:
    if (ecs_field(p, pred->field) && family(p, pred->field) != ECS_IP) {
      refuse(p, pred, "eql-refused-type", "cidrMatch() needs an ip field, and ECS types '%s' as %s",
             pred->field, ecs_field(p, pred->field)->type);
      return FORM_WHOLE;
    }
    eql_string(value, pred->pattern, strlen(pred->pattern));
    return FORM_CIDR;
  case IR_MATCH_EXISTS:
  case IR_MATCH_NULL: /* Sigma's null and exists mean any document, mapped field or not */
    eql_field(whole, pred->field, pred->optional || p->rule->origin == IR_LANG_SIGMA);
    sb_puts(whole, pred->match == IR_MATCH_EXISTS ? " != null" : " == null");
    return FORM_WHOLE;
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
    return compare_pred(p, pred, value, whole);
  case IR_MATCH_EXPR:
    expr_pred(p, pred, whole);
    return FORM_WHOLE;
  case IR_MATCH_FIELDREF:
    refuse(p, pred, "eql-refused-fieldref",
           "EQL compares a field only with constants, never with another field ('fieldref' "
           "against '%s')",
           pred->pattern);
    return FORM_WHOLE;
  }
  return FORM_WHOLE;
}

/* Precedences of EQL's boolean operators, weakest first. */
enum { PREC_OR = 1, PREC_AND = 2, PREC_NOT = 3, PREC_ATOM = 4 };

static void expression(Printer *p, const IrNode *node, int context, StrBuf *out);

static void negation(Printer *p, const IrNode *node, StrBuf *out);

/* Writes a group of predicates of one field and form: field : (a, b), field in (a, b), ... */
static void write_group(Printer *p, const IrPredicate *first, Form form, const char *const *values,
                        size_t count, StrBuf *out) {
  if (form == FORM_CIDR) {
    bool guard = p->guard_scripts > 0 && p->rule->origin == IR_LANG_SIGMA;
    if (guard) { /* false, not null, when the field is missing */
      sb_putc(out, '(');
      eql_field(out, first->field, true);
      sb_puts(out, " != null and ");
    }
    sb_puts(out, "cidrMatch(");
    pred_field(p, out, first);
    for (size_t i = 0; i < count; i++) {
      bool repeated = false; /* Sigma lists may repeat a network; EQL rules print as written */
      for (size_t k = 0; p->rule->origin == IR_LANG_SIGMA && k < i; k++)
        repeated = repeated || strcmp(values[k], values[i]) == 0;
      if (!repeated)
        sb_printf(out, ", %s", values[i]);
    }
    sb_puts(out, guard ? "))" : ")");
    return;
  }
  pred_field(p, out, first);
  bool wild = false;
  for (size_t i = 0; form == FORM_LIKE && i < count; i++)
    wild = wild || strpbrk(values[i], "*?");
  if (form == FORM_LIKE && !wild)
    form = FORM_EQ; /* exact values: '==' and 'in' say it plainly */
  if (count == 1) {
    sb_printf(out,
              form == FORM_COLON  ? " : %s"
              : form == FORM_LIKE ? " like %s"
                                  : " == %s",
              values[0]);
    return;
  }
  sb_puts(out, form == FORM_COLON ? " : (" : form == FORM_LIKE ? " like (" : " in (");
  for (size_t i = 0; i < count; i++)
    sb_printf(out, "%s%s", i ? ", " : "", values[i]);
  sb_putc(out, ')');
}

static void predicate(Printer *p, const IrPredicate *pred, StrBuf *out) {
  StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
  Form form = predicate_form(p, pred, &value, &whole);
  if (form == FORM_WHOLE) {
    sb_putn(out, sb_text(&whole), whole.len);
  } else {
    const char *text = sb_text(&value);
    write_group(p, pred, form, &text, 1, out);
  }
  sb_free(&value);
  sb_free(&whole);
}

/* An OR: predicates on one field in one grouped form are written as one list. Returns how many
 * operands the written 'or' has (1 when everything fitted one list). */
static size_t disjunction(Printer *p, const IrNode *or_node, StrBuf *out) {
  EmitOperands ops = emit_operands(p->ctx->arena, or_node);
  IrNode flat = {.kind = IR_OR, .children = (IrNode **)ops.items, .count = ops.count};
  const IrNode *node = &flat;
  size_t n = node->count;
  Form *forms = arena_array(p->ctx->arena, n, sizeof(Form));
  char **values = arena_array(p->ctx->arena, n, sizeof(char *));
  char **wholes = arena_array(p->ctx->arena, n, sizeof(char *)); /* printed once: refusals too */
  bool *done = arena_array(p->ctx->arena, n, sizeof(bool));
  for (size_t i = 0; i < n; i++) {
    forms[i] = FORM_WHOLE;
    const IrNode *child = node->children[i];
    if (child->kind != IR_PRED || !child->pred.field)
      continue;
    StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
    forms[i] = predicate_form(p, &child->pred, &value, &whole);
    values[i] = arena_strdup(p->ctx->arena, sb_text(&value));
    wholes[i] = arena_strdup(p->ctx->arena, sb_text(&whole));
    sb_free(&value);
    sb_free(&whole);
  }
  size_t operands = 0;
  for (size_t i = 0; i < n; i++) {
    if (done[i])
      continue;
    sb_puts(out, operands++ ? " or " : "");
    if (forms[i] == FORM_WHOLE) {
      if (wholes[i])
        sb_puts(out, wholes[i]);
      else
        expression(p, node->children[i], PREC_OR, out);
      continue;
    }
    const IrPredicate *first = &node->children[i]->pred;
    const char **group = arena_array(p->ctx->arena, n, sizeof(char *));
    size_t count = 0;
    /* Sigma's lists may gather from anywhere in the OR; an EQL rule keeps its order (so it
       prints back to the same IR), so only neighbours gather */
    bool anywhere = p->rule->origin == IR_LANG_SIGMA;
    for (size_t j = i; j < n; j++) {
      const IrPredicate *other = &node->children[j]->pred;
      bool same = !done[j] && forms[j] == forms[i] && node->children[j]->kind == IR_PRED &&
                  other->field && strcmp(other->field, first->field) == 0 &&
                  other->optional == first->optional;
      if (same) {
        group[count++] = values[j];
        done[j] = true;
      } else if (!anywhere && !done[j]) {
        break;
      }
    }
    write_group(p, first, forms[i], group, count, out);
  }
  return operands;
}

/* Whether a Sigma predicate is written as cidrMatch(), a script: a missing field makes it null,
 * and 'not null' is null too, where Sigma's 'not' keeps the event. */
static bool printed_as_script(const Printer *p, const IrPredicate *pred) {
  return p->rule->origin == IR_LANG_SIGMA && pred->field &&
         (pred->match == IR_MATCH_CIDR ||
          (pred->match == IR_MATCH_STARTSWITH && family(p, pred->field) == ECS_IP));
}

/* The one field a Sigma predicate (or an 'or' of them) tests, when a missing value of it must be
 * let through a 'not' explicitly: written '?field', or tested by a script. */
static const char *optional_subject(const Printer *p, const IrNode *node) {
  if (node->kind == IR_PRED)
    return node->pred.field && node->pred.match != IR_MATCH_NULL &&
                   node->pred.match != IR_MATCH_EXISTS &&
                   (optional_field(p, node->pred.field) || printed_as_script(p, &node->pred))
               ? node->pred.field
               : NULL;
  if (node->kind != IR_OR)
    return NULL;
  const char *field = optional_subject(p, node->children[0]);
  for (size_t i = 1; field && i < node->count; i++) {
    const char *other = optional_subject(p, node->children[i]);
    if (!other || strcmp(other, field) != 0)
      return NULL;
  }
  return field;
}

/* not X. When X tests an optional field, an index without that field reads it as null and
 * 'not null' drops every event; a script (cidrMatch) reads a missing value as null the same way.
 * Sigma's 'not' keeps events without the field, so such an event is let through explicitly:
 * (?f == null or not X). */
static void negation(Printer *p, const IrNode *node, StrBuf *out) {
  const IrNode *child = node->children[0];
  const char *field = optional_subject(p, child);
  if (child->kind == IR_PRED && child->pred.match == IR_MATCH_EXISTS) {
    eql_field(out, child->pred.field, true); /* not exists: the field is null */
    sb_puts(out, " == null");
    return;
  }
  if (field) {
    sb_puts(out, "(");
    eql_field(out, field, true);
    sb_puts(out, " == null or not ");
    expression(p, child, PREC_NOT, out);
    sb_puts(out, ")");
    return;
  }
  sb_puts(out, "not ");
  p->guard_scripts++;
  expression(p, child, PREC_NOT, out);
  p->guard_scripts--;
}

static void expression(Printer *p, const IrNode *node, int context, StrBuf *out) {
  int own = node->kind == IR_OR    ? PREC_OR
            : node->kind == IR_AND ? PREC_AND
            : node->kind == IR_NOT ? PREC_NOT
                                   : PREC_ATOM;
  bool parens = own < context;
  if (node->kind == IR_OR) { /* an 'or' that became one list needs no parentheses */
    StrBuf inner = STRBUF_INIT;
    parens = disjunction(p, node, &inner) > 1 && parens;
    sb_printf(out, parens ? "(%s)" : "%s", sb_text(&inner));
    sb_free(&inner);
    return;
  }
  sb_puts(out, parens ? "(" : "");
  switch (node->kind) {
  case IR_OR:
    break;
  case IR_AND: {
    EmitOperands ops = emit_operands(p->ctx->arena, node);
    for (size_t i = 0; i < ops.count; i++) {
      sb_puts(out, i ? " and " : "");
      expression(p, ops.items[i], PREC_AND + 1, out);
    }
    break;
  }
  case IR_NOT:
    negation(p, node, out);
    break;
  case IR_PRED:
    predicate(p, &node->pred, out);
    break;
  case IR_NESTED:
    refuse(p, &node->pred, "eql-refused-nested",
           "EQL has no nested query: '%s:{ ... }' needs one object of '%s' to satisfy the whole "
           "query, and EQL reads the objects' fields flattened",
           node->path, node->path);
    break;
  }
  sb_puts(out, parens ? ")" : "");
}

/* ---- queries ----------------------------------------------------------------------------------
 */

/* 'any', a category name, or a quoted one when it is a keyword or not a plain name. */
static void category(StrBuf *out, const char *name) {
  if (!name) {
    sb_puts(out, "any");
    return;
  }
  StrBuf probe = STRBUF_INIT;
  eql_field(&probe, name, false);
  bool plain = strcmp(sb_text(&probe), name) == 0 && !strchr(name, '.') && strcmp(name, "any") != 0;
  sb_free(&probe);
  if (plain)
    sb_puts(out, name);
  else
    eql_string(out, name, strlen(name));
}

enum { LINE_WIDTH = 100 };

/* category where condition. A long condition whose top is an 'and' gets one operand per line,
 * indented under the query (indent is the query's own indentation). */
static void event_query(Printer *p, const IrQuery *query, const char *indent, StrBuf *out) {
  category(out, query->category);
  sb_puts(out, " where ");
  const IrNode *where = query->where;
  if (where->kind != IR_AND) {
    expression(p, where, 0, out);
    return;
  }
  /* each operand printed once (refusals are reported once), then laid out */
  EmitOperands ops = emit_operands(p->ctx->arena, where);
  StrBuf *parts = arena_array(p->ctx->arena, ops.count, sizeof(StrBuf));
  size_t total = 0;
  for (size_t i = 0; i < ops.count; i++) {
    expression(p, ops.items[i], PREC_AND + 1, &parts[i]);
    total += parts[i].len + (i ? 5 : 0); /* " and " */
  }
  bool lines = total + 20 > LINE_WIDTH;
  for (size_t i = 0; i < ops.count; i++) {
    if (i)
      sb_printf(out, lines ? " and\n%s  " : " and ", indent);
    sb_putn(out, sb_text(&parts[i]), parts[i].len);
    sb_free(&parts[i]);
  }
}

static void timespan(StrBuf *out, long long seconds) {
  static const struct {
    long long seconds;
    const char *unit;
  } units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (seconds % units[i].seconds == 0) {
      sb_printf(out, "%lld%s", seconds / units[i].seconds, units[i].unit);
      return;
    }
}

static bool same_keys(const IrStrList *a, const IrStrList *b) {
  if (a->count != b->count)
    return false;
  for (size_t i = 0; i < a->count; i++)
    if (strcmp(a->items[i], b->items[i]) != 0)
      return false;
  return true;
}

/* Join keys are written plain: with '?', a missing key would be a value of its own and join
 * unrelated events (eql-semantics.md section 7), which no Sigma group-by means. */
static void key_list(Printer *p, StrBuf *out, const IrStrList *keys) {
  (void)p;
  for (size_t i = 0; i < keys->count; i++) {
    const char *key = keys->items[i];
    sb_puts(out, i ? ", " : "");
    eql_field(out, key + (key[0] == '?'), key[0] == '?'); /* '?' only where the EQL wrote it */
  }
}

/* The single event query of a referenced rule, mapped; NULL after refusing. */
static const IrQuery *step_query(Printer *p, const IrRuleRef *ref) {
  const IrRule *target = ref->rule;
  if (!target || target->kind != IR_RULE_DETECTION || target->query_count != 1) {
    refuse(p, NULL, "eql-refused-correlation",
           "'%s' must be a detection rule with one condition to be a step of an EQL sequence",
           ref->text);
    return NULL;
  }
  size_t index = emit_rule_index(p->ctx, target);
  return index == (size_t)-1 ? NULL : p->ctx->mapped->rules[index]->queries[0];
}

/* sequence by k with maxspan=T [step] [step] ...; runs > 1 repeats the single step. */
static void sequence(Printer *p, const IrCorrelation *c, long runs, StrBuf *out) {
  size_t n = c->rule_count;
  IrStrList *keys = arena_array(p->ctx->arena, n, sizeof(IrStrList));
  const IrQuery **steps = arena_array(p->ctx->arena, n, sizeof(IrQuery *));
  bool shared = true;
  for (size_t i = 0; i < n; i++) {
    steps[i] = step_query(p, &c->rules[i]);
    if (!steps[i])
      return;
    keys[i] = emit_correlation_keys(p->ctx, c, c->rules[i].rule);
    shared = shared && same_keys(&keys[0], &keys[i]);
  }
  sb_puts(out, "sequence");
  if (shared && keys[0].count) {
    sb_puts(out, " by ");
    key_list(p, out, &keys[0]);
  }
  sb_puts(out, " with maxspan=");
  timespan(out, c->timespan_seconds);
  for (size_t i = 0; i < n; i++) {
    sb_puts(out, "\n  [");
    event_query(p, steps[i], "  ", out);
    sb_putc(out, ']');
    if (!shared && keys[i].count) {
      sb_puts(out, " by ");
      key_list(p, out, &keys[i]);
    }
    if (runs > 1)
      sb_printf(out, " with runs=%ld", runs);
  }
}

/* EQL's sequences are a state machine: one pending sequence per key and state, a newer match
 * replacing an older one, and concurrent events never chained (eql-semantics.md section 7). */
static void approximation(Printer *p, const char *what) {
  diag_report(p->ctx->diags, DIAG_WARNING, p->rule->src,
              (Span){p->rule->span.start, p->rule->span.start + 1}, "eql-approximation",
              "%s becomes an EQL sequence, which keeps one pending match per key and step: "
              "overlapping matches can be missed",
              what);
}

/* event_count: at least N events of the rule per group within the timespan is a one-step
 * sequence with runs=N (EQL allows 1..100). Upper bounds cannot be said. */
static void event_count(Printer *p, const IrCorrelation *c, StrBuf *out) {
  long long at_least = 0;
  if (c->threshold_count == 1 && c->thresholds[0].number.is_integer) {
    long long n = c->thresholds[0].number.integer;
    at_least = c->thresholds[0].op == IR_CMP_GTE ? n : c->thresholds[0].op == IR_CMP_GT ? n + 1 : 0;
  }
  if (at_least < 1 || at_least > 100 || c->rule_count != 1) {
    refuse(p, NULL, "eql-refused-correlation",
           "EQL can count events only as 'at least N' (N from 1 to 100) of one rule, with a "
           "sequence step 'with runs=N'; this event_count condition cannot be expressed");
    return;
  }
  if (at_least == 1) {
    const IrQuery *step = step_query(p, &c->rules[0]);
    if (step)
      event_query(p, step, "", out);
    return;
  }
  approximation(p, "an event_count correlation");
  sequence(p, c, (long)at_least, out);
}

static void correlation(Printer *p, const IrCorrelation *c, StrBuf *out) {
  switch (c->kind) {
  case IR_CORR_TEMPORAL_ORDERED:
    if (c->rule_count < 2) {
      refuse(p, NULL, "eql-refused-correlation", "an EQL sequence needs at least two rules");
      return;
    }
    if (!emit_every_rule_needed(c)) {
      refuse(p, NULL, "eql-refused-correlation",
             "an EQL sequence needs every rule in order; a condition that lets some rules be "
             "left out cannot be expressed");
      return;
    }
    approximation(p, "a temporal_ordered correlation");
    sequence(p, c, 1, out);
    return;
  case IR_CORR_EVENT_COUNT:
    event_count(p, c, out);
    return;
  case IR_CORR_TEMPORAL:
    refuse(p, NULL, "eql-refused-correlation",
           "EQL cannot express 'temporal' (any order within a timespan): a sequence fixes the "
           "order and a sample has no time window");
    return;
  case IR_CORR_VALUE_COUNT:
  case IR_CORR_VALUE_SUM:
  case IR_CORR_VALUE_AVG:
  case IR_CORR_VALUE_PERCENTILE:
  case IR_CORR_VALUE_MEDIAN:
    refuse(p, NULL, "eql-refused-correlation",
           "EQL has no aggregation: a %s correlation cannot be expressed",
           ir_correlation_kind_name(c->kind));
    return;
  }
}

/* A sequence or sample the IR holds as such (from EQL): written back step by step. */
static void written_step(Printer *p, const IrStep *step, bool sequence, StrBuf *out) {
  sb_puts(out, step->missing ? "\n  ![" : "\n  [");
  IrQuery event = {.kind = IR_QUERY_EVENT, .category = step->category, .where = step->where};
  event_query(p, &event, "  ", out);
  sb_putc(out, ']');
  if (step->by.count) {
    sb_puts(out, " by ");
    key_list(p, out, &step->by);
  }
  if (sequence && step->runs > 1)
    sb_printf(out, " with runs=%ld", step->runs);
}

static void written_multi(Printer *p, const IrQuery *q, StrBuf *out) {
  bool sequence = q->kind == IR_QUERY_SEQUENCE;
  sb_puts(out, sequence ? "sequence" : "sample");
  if (q->by.count) {
    sb_puts(out, " by ");
    key_list(p, out, &q->by);
  }
  if (q->maxspan_text)
    sb_printf(out, " with maxspan=%s", q->maxspan_text);
  for (size_t i = 0; i < q->step_count; i++)
    written_step(p, &q->steps[i], sequence, out);
  if (q->until) {
    sb_puts(out, "\nuntil");
    written_step(p, q->until, sequence, out);
  }
}

static void pipes(const IrQuery *q, StrBuf *out) {
  for (size_t i = 0; i < q->pipe_count; i++)
    sb_printf(out, "\n| %s %lld", ir_pipe_kind_name(q->pipes[i].kind), q->pipes[i].count);
}

static void any_query(Printer *p, const IrQuery *q, StrBuf *out) {
  if (q->endgame) {
    refuse(p, NULL, "eql-refused-endgame",
           "the query uses %s, which is Endgame EQL: Elasticsearch does not run it", q->endgame);
    return;
  }
  if (q->kind == IR_QUERY_SAMPLE && q->until) {
    refuse(p, NULL, "eql-refused-endgame", "a sample has no 'until'");
    return;
  }
  switch (q->kind) {
  case IR_QUERY_EVENT:
    event_query(p, q, "", out);
    break;
  case IR_QUERY_SEQUENCE:
  case IR_QUERY_SAMPLE:
    written_multi(p, q, out);
    break;
  }
  pipes(q, out);
}

/* A Sigma condition list means its queries OR-ed; one EQL statement holds one query, so event
 * queries of one category (one logsource: always) become one 'or'. */
static const IrQuery *single_query(Arena *arena, const IrRule *rule) {
  if (rule->query_count == 1)
    return rule->queries[0];
  IrNode **wheres = arena_array(arena, rule->query_count, sizeof(IrNode *));
  for (size_t i = 0; i < rule->query_count; i++)
    wheres[i] = rule->queries[i]->where;
  IrQuery *joined = arena_alloc(arena, sizeof *joined);
  *joined = *rule->queries[0];
  joined->where = ir_join(arena, IR_OR, wheres, rule->query_count);
  return joined;
}

static bool eql_query(EmitCtx *ctx, size_t index, StrBuf *out) {
  const IrRule *rule = ctx->mapped->rules[index];
  if (!emit_mapped(ctx, rule, "eql-refused-mapping"))
    return false;
  Printer p = {ctx, rule, false, 0};
  switch (rule->kind) {
  case IR_RULE_DETECTION:
    any_query(&p, single_query(ctx->arena, rule), out);
    break;
  case IR_RULE_CORRELATION:
    correlation(&p, rule->correlation, out);
    break;
  case IR_RULE_FILTER:
    break;
  }
  return !p.failed;
}

static const char *const eql_formats[] = {"default", "kibana-ndjson", NULL};
static const char *const eql_extensions[] = {".eql", ".ndjson"};

static bool eql_output(EmitCtx *ctx, const char *format, StrBuf *out) {
  if (strcmp(format, "kibana-ndjson") == 0)
    return emit_output_kibana(ctx, eql_query, "eql", "eql", out);
  return emit_output_default(ctx, eql_query, "//", "", out);
}

const Backend emit_eql_backend = {
    .name = "eql",
    .description = "Elasticsearch Event Query Language (EQL), Elastic Security rules",
    .formats = eql_formats,
    .extensions = eql_extensions,
    .query = eql_query,
    .output = eql_output,
    .maps_fields = true,
};
