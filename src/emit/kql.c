/* The Kibana KQL backend (Kibana Query Language, Elastic; not Microsoft's Kusto, which Sigma tools
 * elsewhere also call "KQL"): one query per single-event rule.
 *
 * KQL matches keyword fields exactly and case-sensitively and has no syntax for anything else,
 * so Sigma's case-insensitive matches become case-sensitive: the rule is converted and a warning
 * names the fields where that changes what matches (`sigmac prove` shows it on events). Exact
 * values are quoted phrases (a '*' inside quotes is literal); patterns are unquoted with every
 * special character escaped. What KQL cannot say is refused with the reason: '?' wildcards,
 * regexes, keywords (KQL's free text is analysed, not Sigma's substring search), field
 * references, time parts, sequences and correlations. Facts: ../shared/docs/kql-semantics.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cidr.h"
#include "base/utf8.h"
#include "emit/emit.h"
#include "emit/emit_common.h"
#include "emit/kql_text.h"
#include "emit/output.h"
#include "ir/ir_build.h"

typedef struct Printer {
  EmitCtx *ctx;
  const IrRule *rule;
  bool failed;
  StrBuf case_fields; /* fields whose case-insensitive matches became case-sensitive, ", "-joined */
  const char *scope; /* inside path:{ ... }: the path, which the fields there are written without */
} Printer;

/* A field's name as written where it stands: relative inside a nested query. */
static void field_name(const Printer *p, StrBuf *out, const char *field) {
  size_t len = p->scope ? strlen(p->scope) : 0;
  if (len && strncmp(field, p->scope, len) == 0 && field[len] == '.')
    field += len + 1;
  kql_field(out, field);
}

/* How a predicate prints: VALUE ones are field:value and group as field:(a or b). */
typedef enum Form { FORM_VALUE, FORM_WHOLE } Form;

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

static EcsFamily family(const Printer *p, const char *field) {
  const EcsField *f = ecs_field(p, field);
  return f ? f->family : ECS_STRING;
}

static const char *type_name(const Printer *p, const char *field) {
  const EcsField *f = ecs_field(p, field);
  return f ? f->type : "typed";
}

/* Records that a case-insensitive match on field became case-sensitive, when its value has a
 * letter whose case could differ. */
static void note_case(Printer *p, const IrPredicate *pred, const IrString *pattern) {
  if (pred->cased)
    return;
  bool letters = false;
  for (size_t i = 0; i < pattern->count && !letters; i++)
    for (size_t k = 0; k < pattern->segs[i].len && !letters; k++) {
      unsigned char c = (unsigned char)pattern->segs[i].text[k];
      letters = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
      letters = letters || c >= 0x80;
    }
  if (!letters)
    return;
  const char *at = sb_text(&p->case_fields);
  size_t len = strlen(pred->field);
  for (const char *hit = strstr(at, pred->field); hit; hit = strstr(hit + 1, pred->field))
    if ((hit == at || hit[-1] == ' ') && (hit[len] == ',' || hit[len] == '\0'))
      return;
  sb_printf(&p->case_fields, "%s%s", p->case_fields.len ? ", " : "", pred->field);
}

/* An address or network unquoted, its ':' (IPv6) escaped. */
static void address(StrBuf *out, const char *text) {
  for (const char *c = text; *c; c++) {
    if (*c == ':')
      sb_putc(out, '\\');
    sb_putc(out, *c);
  }
}

static Form refuse_type(Printer *p, const IrPredicate *pred, const char *text) {
  refuse(p, pred, "kql-refused-type",
         "'%s' is an ECS %s field and '%s' is no such value; Elasticsearch would reject the query",
         pred->field, type_name(p, pred->field), text);
  return FORM_WHOLE;
}

/* A string on a field ECS types as a number, ip, date or boolean. */
static Form typed_string(Printer *p, const IrPredicate *pred, StrBuf *value, EcsFamily fam) {
  const IrString *lit = &pred->value.string;
  const char *text = lit->count ? lit->segs[0].text : "";
  size_t len = lit->count ? lit->segs[0].len : 0;
  if (pred->match == IR_MATCH_EQUALS) {
    const char *typed;
    if (!emit_typed_text(fam, text, len, &typed))
      return refuse_type(p, pred, text);
    if (fam == ECS_NUMBER || fam == ECS_BOOLEAN) {
      sb_puts(value, typed);
      return FORM_VALUE;
    }
    if (fam == ECS_IP) {
      address(value, text);
      return FORM_VALUE;
    }
    kql_quoted(value, text, len);
    return FORM_VALUE;
  }
  if (fam == ECS_IP && pred->match == IR_MATCH_STARTSWITH &&
      emit_octet_prefix_network(text, len, value))
    return FORM_VALUE;
  refuse(p, pred, "kql-refused-wildcard-type",
         "'%s' is an ECS %s field and Elasticsearch runs wildcards only on strings%s", pred->field,
         type_name(p, pred->field),
         fam == ECS_IP ? "; use the cidr modifier for address ranges" : "");
  return FORM_WHOLE;
}

static Form string_pred(Printer *p, const IrPredicate *pred, StrBuf *value) {
  EcsFamily fam = family(p, pred->field);
  if (fam == ECS_NUMBER || fam == ECS_IP || fam == ECS_DATE || fam == ECS_BOOLEAN)
    return typed_string(p, pred, value, fam);
  if (fam == ECS_TEXT) {
    refuse(p, pred, "kql-refused-text-field",
           "'%s' is an ECS %s field: KQL matches analysed text by tokens, not the whole value",
           pred->field, type_name(p, pred->field));
    return FORM_WHOLE;
  }
  IrString pattern = ir_pattern_of(p->ctx->arena, pred);
  if (pred->match == IR_MATCH_EQUALS) {
    const IrString *lit = &pred->value.string;
    if (!kql_exact(value, lit->count ? lit->segs[0].text : "", lit->count ? lit->segs[0].len : 0)) {
      refuse(p, pred, "kql-refused-bytes",
             "the value holds bytes that are not UTF-8 (from a wide/utf16 modifier without "
             "base64); KQL strings cannot hold them");
      return FORM_WHOLE;
    }
    note_case(p, pred, &pattern);
    return FORM_VALUE;
  }
  switch (kql_unquoted(value, &pattern)) {
  case KQL_PATTERN_OK:
    note_case(p, pred, &pattern);
    return FORM_VALUE;
  case KQL_PATTERN_ONE:
    refuse(p, pred, "kql-refused-wildcard",
           "KQL has only the '*' wildcard; a '?' (exactly one character) cannot be written");
    break;
  case KQL_PATTERN_WHITESPACE:
    refuse(p, pred, "kql-refused-whitespace",
           "Kibana trims whitespace at the ends of an unquoted value, and a pattern with a "
           "wildcard cannot be quoted");
    break;
  case KQL_PATTERN_BYTES:
    refuse(p, pred, "kql-refused-bytes",
           "the value holds bytes that are not UTF-8 (from a wide/utf16 modifier without "
           "base64); KQL strings cannot hold them");
    break;
  }
  return FORM_WHOLE;
}

static Form compare_pred(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  static const char *const operators[] = {[IR_MATCH_LT] = " < ",
                                          [IR_MATCH_LTE] = " <= ",
                                          [IR_MATCH_GT] = " > ",
                                          [IR_MATCH_GTE] = " >= "};
  EcsFamily fam = family(p, pred->field);
  bool on_string = (fam == ECS_STRING || fam == ECS_TEXT) && ecs_field(p, pred->field);
  if (pred->match == IR_MATCH_EQUALS && pred->value.kind == IR_VALUE_BOOL) {
    const char *word = pred->value.boolean ? "true" : "false";
    if (on_string) /* Sigma's true on a string field is the text */
      kql_quoted(value, word, strlen(word));
    else
      sb_puts(value, word);
    return FORM_VALUE;
  }
  StrBuf number = STRBUF_INIT;
  if (!emit_number_text(&number, &pred->value.number)) {
    refuse(p, pred, "kql-refused-type", "KQL has no literal for infinity or NaN");
    sb_free(&number);
    return FORM_WHOLE;
  }
  Form form = FORM_WHOLE;
  char shown[64];
  bool as_text = on_string || (fam == ECS_STRING && p->rule->origin == IR_LANG_SIGMA);
  if (pred->match == IR_MATCH_EQUALS && as_text &&
      !emit_number_as_shown(&pred->value.number, shown)) {
    refuse(p, pred, "kql-refused-type", EMIT_NUMBER_NOT_AS_SHOWN, pred->field,
           pred->value.number.text, shown, shown);
  } else if (pred->match == IR_MATCH_EQUALS) {
    if (as_text)
      kql_quoted(value, sb_text(&number), number.len); /* Sigma numbers compare as strings */
    else
      sb_puts(value, sb_text(&number));
    form = FORM_VALUE;
  } else if (on_string) {
    refuse(p, pred, "kql-refused-type",
           "'%s' is an ECS %s field: a KQL range on it compares text, not numbers", pred->field,
           type_name(p, pred->field));
  } else {
    if (!ecs_field(p, pred->field) && p->ctx->mapping && p->ctx->mapping->ecs)
      diag_report(p->ctx->diags, DIAG_WARNING, pred->src, pred->span, "kql-numeric-unknown-field",
                  EMIT_NUMERIC_UNKNOWN_FIELD, pred->field, ir_match_kind_name(pred->match));
    field_name(p, whole, pred->field);
    sb_puts(whole, operators[pred->match]);
    sb_puts(whole, sb_text(&number));
  }
  sb_free(&number);
  return form;
}

/* Sorts a predicate into a form: VALUE ones write their value into value, the others their whole
 * text into whole. */
static Form predicate_form(Printer *p, const IrPredicate *pred, StrBuf *value, StrBuf *whole) {
  if (pred->match == IR_MATCH_EXPR) {
    refuse(p, pred, "kql-refused-expression",
           "KQL has no functions, arithmetic or comparisons between fields");
    return FORM_WHOLE;
  }
  if (!pred->field) {
    refuse(p, pred, "kql-refused-keyword",
           "KQL's free text is matched by analysed tokens over default fields, not as Sigma "
           "keywords (a substring of any value); name the field in the rule");
    return FORM_WHOLE;
  }
  if (pred->time_part != IR_TIME_NONE) {
    refuse(p, pred, "kql-refused-time-part",
           "KQL cannot compare the %s of a timestamp ('%s' modifier)",
           ir_time_part_name(pred->time_part), ir_time_part_name(pred->time_part));
    return FORM_WHOLE;
  }
  switch (pred->match) {
  case IR_MATCH_EQUALS:
    if (pred->value.kind != IR_VALUE_STRING)
      return compare_pred(p, pred, value, whole);
    return string_pred(p, pred, value);
  case IR_MATCH_CONTAINS:
  case IR_MATCH_STARTSWITH:
  case IR_MATCH_ENDSWITH:
  case IR_MATCH_WILDCARD:
    return string_pred(p, pred, value);
  case IR_MATCH_REGEX:
    refuse(p, pred, "kql-refused-regex", "KQL has no regular expressions; convert to EQL instead");
    return FORM_WHOLE;
  case IR_MATCH_CIDR:
    if (!ecs_field(p, pred->field) && p->ctx->mapping && p->ctx->mapping->ecs) {
      refuse(p, pred, "kql-refused-type",
             "'%s' is not an ECS field, so its type is unknown: a network matches only on an ip "
             "field, and a keyword field would take the text literally",
             pred->field);
      return FORM_WHOLE;
    }
    if (ecs_field(p, pred->field) && family(p, pred->field) != ECS_IP) {
      refuse(p, pred, "kql-refused-type",
             "KQL matches a network only on an ip field, and ECS types '%s' as %s", pred->field,
             type_name(p, pred->field));
      return FORM_WHOLE;
    }
    address(value, pred->pattern);
    return FORM_VALUE;
  case IR_MATCH_EXISTS: /* exists: present with a value; KQL's f:* is false for null */
  case IR_MATCH_NULL:
    sb_puts(whole, pred->match == IR_MATCH_NULL ? "not " : "");
    field_name(p, whole, pred->field);
    sb_puts(whole, ":*");
    return FORM_WHOLE;
  case IR_MATCH_LT:
  case IR_MATCH_LTE:
  case IR_MATCH_GT:
  case IR_MATCH_GTE:
    return compare_pred(p, pred, value, whole);
  case IR_MATCH_FIELDREF:
    refuse(p, pred, "kql-refused-fieldref",
           "KQL compares a field only with constants, never with another field ('fieldref' "
           "against '%s')",
           pred->pattern);
    return FORM_WHOLE;
  case IR_MATCH_EXPR:
    break;
  }
  return FORM_WHOLE;
}

/* Precedences of KQL's boolean operators, weakest first. */
enum { PREC_OR = 1, PREC_AND = 2, PREC_NOT = 3, PREC_ATOM = 4 };

static void expression(Printer *p, const IrNode *node, int context, StrBuf *out);

/* field:value, or field:(a or b ...) for several values. */
static void write_group(const Printer *p, const IrPredicate *first, const char *const *values,
                        size_t count, StrBuf *out) {
  field_name(p, out, first->field);
  sb_putc(out, ':');
  if (count == 1) {
    sb_puts(out, values[0]);
    return;
  }
  sb_putc(out, '(');
  for (size_t i = 0; i < count; i++)
    sb_printf(out, "%s%s", i ? " or " : "", values[i]);
  sb_putc(out, ')');
}

static void predicate(Printer *p, const IrPredicate *pred, StrBuf *out) {
  StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
  if (predicate_form(p, pred, &value, &whole) == FORM_WHOLE) {
    sb_putn(out, sb_text(&whole), whole.len);
  } else {
    const char *text = sb_text(&value);
    write_group(p, pred, &text, 1, out);
  }
  sb_free(&value);
  sb_free(&whole);
}

/* An OR: values of one field are written as one list, in the order of their first appearance.
 * Returns how many operands the written 'or' has. */
static size_t disjunction(Printer *p, const IrNode *or_node, StrBuf *out) {
  Arena *arena = p->ctx->arena;
  EmitOperands ops = emit_operands(arena, or_node);
  size_t n = ops.count;
  Form *forms = arena_array(arena, n, sizeof(Form));
  char **values = arena_array(arena, n, sizeof(char *));
  char **wholes = arena_array(arena, n, sizeof(char *)); /* printed once: refusals too */
  bool *done = arena_array(arena, n, sizeof(bool));
  for (size_t i = 0; i < n; i++) {
    forms[i] = FORM_WHOLE;
    if (ops.items[i]->kind != IR_PRED)
      continue;
    StrBuf value = STRBUF_INIT, whole = STRBUF_INIT;
    forms[i] = predicate_form(p, &ops.items[i]->pred, &value, &whole);
    values[i] = arena_strdup(arena, sb_text(&value));
    wholes[i] = arena_strdup(arena, sb_text(&whole));
    sb_free(&value);
    sb_free(&whole);
  }
  size_t written = 0;
  for (size_t i = 0; i < n; i++) {
    if (done[i])
      continue;
    sb_puts(out, written++ ? " or " : "");
    if (forms[i] == FORM_WHOLE) {
      if (wholes[i])
        sb_puts(out, wholes[i]);
      else
        expression(p, ops.items[i], PREC_OR, out);
      continue;
    }
    const IrPredicate *first = &ops.items[i]->pred;
    const char **group = arena_array(arena, n, sizeof(char *));
    size_t count = 0;
    bool anywhere = p->rule->origin == IR_LANG_SIGMA; /* parsed rules keep their order */
    for (size_t j = i; j < n; j++) {
      const IrPredicate *other = &ops.items[j]->pred;
      if (!done[j] && forms[j] == FORM_VALUE && strcmp(other->field, first->field) == 0) {
        group[count++] = values[j];
        done[j] = true;
      } else if (!anywhere && !done[j]) {
        break;
      }
    }
    write_group(p, first, group, count, out);
  }
  return written;
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
  case IR_NOT: {
    const IrNode *child = node->children[0];
    if (child->kind == IR_PRED && child->pred.field && child->pred.match == IR_MATCH_NULL) {
      field_name(p, out, child->pred.field); /* not null: it has a value */
      sb_puts(out, ":*");
      break;
    }
    sb_puts(out, "not ");
    expression(p, child, PREC_NOT + 1, out);
    break;
  }
  case IR_PRED:
    predicate(p, &node->pred, out);
    break;
  case IR_NESTED: {
    const char *outer = p->scope;
    field_name(p, out, node->path);
    sb_puts(out, ":{ ");
    p->scope = node->path;
    expression(p, node->children[0], PREC_OR, out);
    p->scope = outer;
    sb_puts(out, " }");
    break;
  }
  }
  sb_puts(out, parens ? ")" : "");
}

/* event.category:X and condition: the EQL category a logsource maps to, as KQL must say it. */
static void event_query(Printer *p, const IrQuery *query, StrBuf *out) {
  if (query->category) {
    sb_puts(out, "event.category:");
    IrString name = ir_string_literal(p->ctx->arena, query->category, strlen(query->category));
    if (kql_unquoted(out, &name) != KQL_PATTERN_OK)
      refuse(p, NULL, "kql-refused-bytes",
             "the event category '%s' has no KQL form (bytes that are not UTF-8, or whitespace "
             "at an end)",
             query->category);
    sb_puts(out, " and ");
    expression(p, query->where, PREC_AND, out); /* an 'and' continues the category's */
    return;
  }
  expression(p, query->where, 0, out);
}

static bool kql_query(EmitCtx *ctx, size_t index, StrBuf *out) {
  const IrRule *rule = ctx->mapped->rules[index];
  if (!emit_mapped(ctx, rule, "kql-refused-mapping"))
    return false;
  Printer p = {ctx, rule, false, STRBUF_INIT, NULL};
  switch (rule->kind) {
  case IR_RULE_DETECTION:
    for (size_t i = 0; i < rule->query_count && !p.failed; i++)
      if (rule->queries[i]->kind != IR_QUERY_EVENT || rule->queries[i]->pipe_count ||
          rule->queries[i]->endgame)
        refuse(&p, NULL, "kql-refused-sequence", "KQL matches single documents: a %s needs EQL",
               rule->queries[i]->kind == IR_QUERY_SEQUENCE ? "sequence"
               : rule->queries[i]->kind == IR_QUERY_SAMPLE ? "sample"
               : rule->queries[i]->endgame                 ? "query in Endgame EQL"
                                                           : "pipe (head, tail)");
    for (size_t i = 0; i < rule->query_count && !p.failed; i++) {
      const IrPredicate *bad = emit_unsafe_field(rule->queries[i]->where);
      if (bad)
        refuse(&p, bad, "kql-refused-bytes",
               "the field name holds control characters or bytes that are not UTF-8");
    }
    if (p.failed)
      break;
    if (rule->query_count == 1) {
      event_query(&p, rule->queries[0], out);
    } else { /* a condition list: its queries or-ed */
      for (size_t i = 0; i < rule->query_count; i++) {
        sb_puts(out, i ? " or (" : "(");
        event_query(&p, rule->queries[i], out);
        sb_putc(out, ')');
      }
    }
    break;
  case IR_RULE_CORRELATION:
    refuse(&p, NULL, "kql-refused-correlation",
           "KQL matches single documents: a correlation needs EQL or a threshold rule");
    break;
  case IR_RULE_FILTER:
    break;
  }
  if (!p.failed && p.case_fields.len)
    diag_report(ctx->diags, DIAG_WARNING, rule->src, (Span){rule->span.start, rule->span.start + 1},
                "kql-case-sensitive",
                "KQL matches keyword fields case-sensitively and cannot say otherwise; the "
                "case-insensitive matches of this rule on %s become case-sensitive",
                sb_text(&p.case_fields));
  sb_free(&p.case_fields);
  return !p.failed;
}

static const char *const kql_formats[] = {"default", "kibana-ndjson", NULL};
static const char *const kql_extensions[] = {".kql", ".ndjson"};

static bool kql_output(EmitCtx *ctx, const char *format, StrBuf *out) {
  if (strcmp(format, "kibana-ndjson") == 0)
    return emit_output_kibana(ctx, kql_query, "query", "kuery", out);
  return emit_output_default(ctx, kql_query, "//", "", out);
}

const Backend emit_kql_backend = {
    .name = "kql",
    .description = "Kibana Query Language (KQL, Elastic; not Microsoft's Kusto), Elastic Security "
                   "query rules",
    .formats = kql_formats,
    .extensions = kql_extensions,
    .query = kql_query,
    .output = kql_output,
    .maps_fields = true,
};
