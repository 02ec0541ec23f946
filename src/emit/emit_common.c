/* What the query printers share (emit_common.h). */
#include "emit/emit_common.h"

#include "base/cidr.h"
#include "base/utf8.h"
#include "ir/ir_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void emit_refusal(DiagSink *diags, Arena *arena, const IrRule *rule, const IrPredicate *pred,
                  const char *id, const char *fmt, va_list args) {
  char *message = arena_vprintf(arena, fmt, args);
  const Source *src = pred && pred->src ? pred->src : rule->src;
  Span span = pred && pred->src ? pred->span : (Span){rule->span.start, rule->span.start + 1};
  diag_report(diags, DIAG_ERROR, src, span, id, "%s", message);
}

const IrPredicate *emit_unsafe_field(const IrNode *node) {
  if (node->kind == IR_PRED) {
    const char *f = node->pred.field;
    bool bad = f && !utf8_valid(f, strlen(f));
    for (const char *c = f; c && *c && !bad; c++)
      bad = (unsigned char)*c < 0x20 || *c == 0x7F;
    return bad ? &node->pred : NULL;
  }
  for (size_t i = 0; i < node->count; i++) {
    const IrPredicate *bad = emit_unsafe_field(node->children[i]);
    if (bad)
      return bad;
  }
  return NULL;
}

const IrNode *emit_nested_query(const IrNode *node) {
  if (node->kind == IR_NESTED)
    return node;
  for (size_t i = 0; i < node->count; i++) {
    const IrNode *nested = emit_nested_query(node->children[i]);
    if (nested)
      return nested;
  }
  return NULL;
}

bool emit_typed_text(EcsFamily family, const char *text, size_t len, const char **canonical) {
  Cidr address;
  *canonical = text;
  switch (family) {
  case ECS_NUMBER:
    return emit_is_number_text(text);
  case ECS_BOOLEAN:
    *canonical = strcasecmp(text, "true") == 0 ? "true" : "false";
    return strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0;
  case ECS_IP:
    return cidr_parse(text, len, &address, NULL, NULL, NULL) && !memchr(text, '/', len);
  case ECS_STRING:
  case ECS_TEXT:
  case ECS_DATE:
  case ECS_OTHER:
    break;
  }
  return true;
}

bool emit_is_number_text(const char *text) {
  if (!*text)
    return false;
  char *end;
  strtod(text, &end);
  return *end == '\0' && strspn(text, "0123456789.-+") == strlen(text);
}

bool emit_octet_prefix_network(const char *prefix, size_t len, StrBuf *out) {
  unsigned octets[4], count = 0, value = 0;
  size_t digits = 0;
  for (size_t i = 0; i < len; i++) {
    if (prefix[i] >= '0' && prefix[i] <= '9' && digits < 3) {
      value = value * 10 + (unsigned)(prefix[i] - '0');
      digits++;
    } else if (prefix[i] == '.' && digits > 0 && value <= 255 && count < 3) {
      octets[count++] = value;
      value = digits = 0;
    } else {
      return false;
    }
  }
  if (digits != 0 || count == 0)
    return false;
  for (unsigned i = 0; i < 4; i++)
    sb_printf(out, "%s%u", i ? "." : "", i < count ? octets[i] : 0);
  sb_printf(out, "/%u", count * 8);
  return true;
}

bool emit_number_text(StrBuf *out, const IrNumber *n) {
  if (n->is_integer) {
    sb_printf(out, "%lld", n->integer);
    return true;
  }
  if (!isfinite(n->value))
    return false;
  const char *t = n->text ? n->text : "";
  t += t[0] == '+'; /* +60.0 is 60.0, and no query language needs the plus */
  size_t sign = t[0] == '-', digits = strspn(t + sign, "0123456789");
  if (*t && digits == strlen(t + sign)) {
    sb_puts(out, t); /* an integer past 64 bits: Elasticsearch reads it as a double */
    return true;
  }
  if (digits && t[sign + digits] == '.' && t[sign + digits + 1] &&
      strspn(t + sign + digits + 1, "0123456789") == strlen(t + sign + digits + 1) &&
      strtod(t, NULL) == n->value) {
    sb_puts(out, t); /* a plain decimal as written: 10.0 stays 10.0, never 1e+01 */
    return true;
  }
  char text[64];
  ir_shortest_real(text, sizeof text, n->value);
  double magnitude = fabs(n->value);
  if (strpbrk(text, "eE") && magnitude >= 1e-6 && magnitude < 1e15) {
    /* no exponent where a plain decimal says it (YAML's "90." is 90.0, not 9e+01): the KQL and
     * SPL readers take a number written with one for text */
    for (int decimals = 1; decimals <= 17; decimals++) {
      snprintf(text, sizeof text, "%.*f", decimals, n->value);
      if (strtod(text, NULL) == n->value)
        break;
    }
  }
  sb_puts(out, text);
  return true;
}

/* capacity: the room of out->items; it doubles, so a list of 250,000 values costs two
 * megabytes, not the 250 GB that growing by one element in an arena (which frees nothing) would */
static void collect(Arena *arena, const IrNode *node, IrNodeKind kind, EmitOperands *out,
                    size_t *capacity) {
  for (size_t i = 0; i < node->count; i++) {
    const IrNode *child = node->children[i];
    if (child->kind == kind) {
      collect(arena, child, kind, out, capacity);
      continue;
    }
    if (out->count == *capacity) {
      *capacity = *capacity ? *capacity * 2 : 16;
      out->items = arena_grow(arena, out->items, out->count, *capacity, sizeof(IrNode *));
    }
    out->items[out->count++] = child;
  }
}

EmitOperands emit_operands(Arena *arena, const IrNode *node) {
  EmitOperands ops = {NULL, 0};
  size_t capacity = 0;
  collect(arena, node, node->kind, &ops, &capacity);
  return ops;
}

size_t emit_rule_index(const EmitCtx *ctx, const IrRule *rule) {
  for (size_t i = 0; i < ctx->rules->count; i++)
    if (ctx->rules->rules[i] == rule)
      return i;
  return (size_t)-1;
}

IrStrList emit_correlation_keys(const EmitCtx *ctx, const IrCorrelation *c, const IrRule *ref) {
  IrStrList keys = {arena_array(ctx->arena, c->group_by.count, sizeof(char *)), 0};
  for (size_t i = 0; i < c->group_by.count; i++) {
    const char *field = c->group_by.items[i];
    for (size_t a = 0; a < c->alias_count; a++)
      if (strcmp(c->aliases[a].name, field) == 0)
        for (size_t k = 0; k < c->aliases[a].count; k++)
          if ((ref->meta.name && strcmp(c->aliases[a].fields[k].rule, ref->meta.name) == 0) ||
              (ref->meta.id && strcmp(c->aliases[a].fields[k].rule, ref->meta.id) == 0))
            field = c->aliases[a].fields[k].field;
    const char *mapped =
        ctx->mapping ? mapping_field(ctx->arena, ctx->mapping, &ref->logsource, field) : NULL;
    keys.items[keys.count++] = mapped ? mapped : field;
  }
  return keys;
}

bool emit_every_rule_needed(const IrCorrelation *c) {
  if (c->threshold_count == 1 && c->thresholds[0].number.is_integer) {
    long long n = c->thresholds[0].number.integer;
    IrCompareKind op = c->thresholds[0].op;
    long long count = (long long)c->rule_count;
    return (op == IR_CMP_GTE && n == count) || (op == IR_CMP_GT && n == count - 1) ||
           (op == IR_CMP_EQ && n == count);
  }
  if (c->threshold_count)
    return false;
  if (!c->expression)
    return true;
  size_t named = 0;
  for (const char *at = c->expression; *at;) {
    size_t len = strcspn(at, " \t");
    bool joiner = len == 3 && strncmp(at, "and", 3) == 0;
    bool found = false;
    for (size_t i = 0; !joiner && i < c->rule_count; i++)
      found = found || (strlen(c->rules[i].text) == len && strncmp(at, c->rules[i].text, len) == 0);
    if (!joiner && !found)
      return false; /* 'or', 'not', parentheses or an unknown name */
    named += found;
    at += len;
    at += strspn(at, " \t");
  }
  return named == c->rule_count;
}

bool emit_mapped(const EmitCtx *ctx, const IrRule *mapped, const char *id) {
  if (!mapped->unmappable)
    return true;
  const IrPredicate *at = mapped->unmappable_at;
  const Source *src = at && at->src ? at->src : mapped->src;
  Span span = at && at->src ? at->span : (Span){mapped->span.start, mapped->span.start + 1};
  diag_report(ctx->diags, DIAG_ERROR, src, span, id,
              "%s (a strict mapping writes only what its tables name)", mapped->unmappable);
  return false;
}

bool emit_number_as_shown(const IrNumber *n, char shown[64]) {
  snprintf(shown, 64, "%s", n->text ? n->text : "");
  if (n->is_integer)
    return true;
  const char *t = n->text ? n->text : "";
  t += t[0] == '+';
  size_t sign = t[0] == '-';
  if (t[sign] && strspn(t + sign, "0123456789") == strlen(t + sign))
    return true; /* an integer past 64 bits: compared digit by digit everywhere */
  if (n->value == floor(n->value) && fabs(n->value) < 9007199254740992.0) {
    snprintf(shown, 64, "%.0f", n->value); /* an integer's digits, never 1e+01 */
    return strcmp(t, shown) == 0;
  }
  ir_shortest_real(shown, 64, n->value);
  return strcmp(t, shown) == 0;
}
