/* What the query printers share: number texts, whole-octet networks, and the operands of
 * and/or runs. */
#ifndef SIGMAC_EMIT_COMMON_H
#define SIGMAC_EMIT_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include <stdarg.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/strbuf.h"
#include "emit/emit.h"
#include "schema/ecs.h"
#include "sigmac/ir.h"

/* Reports why a backend refuses a rule: an error at the predicate when it has a place in the
 * rule's text, else at the rule's first character. */
void emit_refusal(DiagSink *diags, Arena *arena, const IrRule *rule, const IrPredicate *pred,
                  const char *id, const char *fmt, va_list args);

/* The first predicate under node whose field name is not UTF-8 or holds control characters (no
 * query language names it safely), or NULL. */
const IrPredicate *emit_unsafe_field(const IrNode *node);

/* The first nested query (KQL's path:{ ... }) under node, or NULL: only KQL can write one. */
const IrNode *emit_nested_query(const IrNode *node);

/* Whether text[0..len) is a value of an ECS type family that Elasticsearch accepts in a term
 * query on such a field (a number, true or false, an address without a prefix; any text for
 * the string, text, date and other families). *canonical is then the text to write for it
 * ("true" or "false" for a boolean in any case; text itself otherwise). */
bool emit_typed_text(EcsFamily family, const char *text, size_t len, const char **canonical);

/* Whether text is a plain number (digits, sign, point): a value a numeric field takes. */
bool emit_is_number_text(const char *text);

/* 'startswith' on an ip field: a prefix of whole IPv4 octets ("10.", "192.168.") written as the
 * network it stands for ("10.0.0.0/8"); false (nothing written) for any other prefix. */
bool emit_octet_prefix_network(const char *prefix, size_t len, StrBuf *out);

/* A number as query languages write one: integers exactly (past 64 bits as written), others in
 * the shortest form that reads back; false for infinities and NaN, which have no literal. */
bool emit_number_text(StrBuf *out, const IrNumber *n);

/* Whether an event holding the number n shows it as n is written, the form it shows into shown.
 * Where a number is compared as text (SPL, which has no number type; a string field in EQL or
 * KQL), "10.0" matches only that text, not an event's 10 the rule's 10.0 equals: such a number
 * cannot be written there. */
bool emit_number_as_shown(const IrNumber *n, char shown[64]);

/* The refusal of such a number, and the warning on a comparison of a field the schema does not
 * know, as the EQL and KQL backends word them (arguments: the field, the number as written, its
 * form shown twice; the field, the comparison's name). */
#define EMIT_NUMBER_NOT_AS_SHOWN                                                                   \
  "'%s' holds text: %s would match only that text, not an event's number %s, which the rule's "    \
  "number equals; write it as %s"
#define EMIT_NUMERIC_UNKNOWN_FIELD                                                                 \
  "'%s' is not an ECS field; if the data keeps it as a string, '%s' compares text, not numbers"

/* The operands of an 'and' (or an 'or') with nested ones of the same kind spliced in: 'and' and
 * 'or' are associative, and text printed from a flat list reads back flat. */
typedef struct EmitOperands {
  const IrNode **items;
  size_t count;
} EmitOperands;

EmitOperands emit_operands(Arena *arena, const IrNode *node);

/* The index in ctx->rules of rule, or (size_t)-1. */
size_t emit_rule_index(const EmitCtx *ctx, const IrRule *rule);

/* The group-by fields of a correlation as one referenced rule has them: an alias names the field
 * per rule, and the mapping renames it under that rule's logsource. */
IrStrList emit_correlation_keys(const EmitCtx *ctx, const IrCorrelation *c, const IrRule *ref);

/* False, after reporting why under id, when a strict mapping (splunk_cim) has no form for the
 * mapped rule. */
bool emit_mapped(const EmitCtx *ctx, const IrRule *mapped, const char *id);

/* Whether a temporal correlation's condition asks for every rule: none (the default), gte the
 * number of rules, or pySigma's expression naming each rule joined by 'and'. */
bool emit_every_rule_needed(const IrCorrelation *c);

#endif
