/* What the query printers share (emit_common.h). */
#include "emit/emit_common.h"

#include "base/cidr.h"
#include "base/utf8.h"

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
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*g", precision, n->value);
    if (strtod(text, NULL) == n->value)
      break;
  }
  sb_puts(out, text);
  return true;
}

static void collect(Arena *arena, const IrNode *node, IrNodeKind kind, EmitOperands *out) {
  for (size_t i = 0; i < node->count; i++) {
    const IrNode *child = node->children[i];
    if (child->kind == kind) {
      collect(arena, child, kind, out);
      continue;
    }
    out->items = arena_grow(arena, out->items, out->count, out->count + 1, sizeof(IrNode *));
    out->items[out->count++] = child;
  }
}

EmitOperands emit_operands(Arena *arena, const IrNode *node) {
  EmitOperands ops = {NULL, 0};
  collect(arena, node, node->kind, &ops);
  return ops;
}
