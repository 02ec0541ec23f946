/* One detection item, "field|modifiers: value(s)", into IR: every value goes through the modifier
 * chain in written order, may expand into alternatives (OR), and the values are OR-ed, or AND-ed
 * under 'all'; 'neq' negates the whole item. */
#include "sigma/item.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "eval/regex.h"
#include "sigma/encode.h"

/* Alternatives one value has expanded into so far. */
typedef struct Alts {
  IrString *items;
  size_t count;
} Alts;

typedef struct Item {
  SigmaCtx *ctx;
  const ItemKey *key;
  const YamlNode *value; /* the scalar being converted */
} Item;

/* ---- numbers ----------------------------------------------------------------------------------
 */

bool sigma_number(Arena *arena, const YamlNode *scalar, IrNumber *out) {
  char *digits = arena_alloc(arena, scalar->len + 1);
  size_t n = 0;
  for (size_t i = 0; i < scalar->len; i++)
    if (scalar->text[i] != '_')
      digits[n++] = scalar->text[i];
  digits[n] = '\0';
  memset(out, 0, sizeof *out);
  out->text = scalar->text;
  if (scalar->type == YAML_INT) {
    const char *p = digits + (digits[0] == '-' || digits[0] == '+');
    int base = p[0] == '0' && (p[1] == 'x' || p[1] == 'X')   ? 16
               : p[0] == '0' && (p[1] == 'b' || p[1] == 'B') ? 2
               : p[0] == '0' && p[1]                         ? 8
                                                             : 10;
    const char *start = base == 16 || base == 2 ? p + 2 : p;
    errno = 0;
    char *end;
    unsigned long long magnitude = strtoull(start, &end, base);
    if (errno == 0 && *end == '\0' && magnitude <= (unsigned long long)LLONG_MAX) {
      out->is_integer = true;
      out->integer = digits[0] == '-' ? -(long long)magnitude : (long long)magnitude;
      out->value = (double)out->integer;
      return true;
    }
    out->value = strtod(digits, NULL);
    return true;
  }
  if (scalar->type == YAML_FLOAT) {
    const char *p = digits + (digits[0] == '-' || digits[0] == '+');
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0)
      out->value = digits[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    else if (p[0] == '.' && (p[1] == 'n' || p[1] == 'N'))
      out->value = NAN;
    else
      out->value = strtod(digits, NULL);
    return true;
  }
  return false;
}

/* The string a number stands for when a string modifier applies to it (pySigma: str(int)). */
static const char *number_as_string(Arena *arena, const YamlNode *scalar) {
  IrNumber number;
  sigma_number(arena, scalar, &number);
  if (number.is_integer)
    return arena_printf(arena, "%lld", number.integer);
  return scalar->text;
}

/* ---- string transformations -------------------------------------------------------------------
 */

static bool encode_utf16(Item *item, Alts *alts, EncUtf16 kind) {
  Arena *arena = item->ctx->arena;
  for (size_t a = 0; a < alts->count; a++) {
    IrString *s = &alts->items[a];
    IrStringBuilder b;
    ir_sb_init(&b, arena);
    if (kind == ENC_UTF16_BOM)
      ir_sb_literal(&b, "\xFF\xFE", 2);
    for (size_t i = 0; i < s->count; i++) {
      if (s->segs[i].kind != IR_SEG_LITERAL) {
        ir_sb_wildcard(&b, s->segs[i].kind);
        continue;
      }
      char *bytes;
      size_t len;
      const char *error;
      if (!enc_utf16(arena, s->segs[i].text, s->segs[i].len,
                     kind == ENC_UTF16_BOM ? ENC_UTF16LE : kind, &bytes, &len, &error)) {
        ir_sb_finish(&b);
        sigma_error(item->ctx, item->value, "sigma-value", "cannot encode as UTF-16: %s", error);
        return false;
      }
      ir_sb_literal(&b, bytes, len);
    }
    *s = ir_sb_finish(&b);
  }
  return true;
}

/* The bytes of a string without wildcards, or NULL after reporting (base64 cannot encode them). */
/* The shape modifier written before position at, or MOD_COUNT. */
static Modifier shape_before(const ItemKey *key, Modifier mod) {
  for (size_t i = 0; i < key->count && key->mods[i] != mod; i++)
    if (modifier_family(key->mods[i]) == MODF_SHAPE)
      return key->mods[i];
  return MOD_COUNT;
}

static const IrSegment *plain_bytes(Item *item, const IrString *s, Modifier mod, IrSegment *empty) {
  if (ir_string_has_wildcards(s)) {
    Modifier shape = shape_before(item->key, mod);
    if (shape != MOD_COUNT)
      sigma_error(item->ctx, item->value, "sigma-modifier-conflict",
                  "'%s' before '%s' asks to encode its wildcards; write '|%s|%s' to find the "
                  "encoded value inside a field",
                  modifier_name(shape), modifier_name(mod), modifier_name(mod),
                  modifier_name(shape));
    else
      sigma_error(
          item->ctx, item->value, "sigma-modifier-conflict",
          "'%s' cannot encode a value with wildcards; escape '*' and '?' as '\\*' and '\\?'",
          modifier_name(mod));
    return NULL;
  }
  if (s->count == 0) {
    empty->kind = IR_SEG_LITERAL;
    empty->text = "";
    empty->len = 0;
    return empty;
  }
  return &s->segs[0];
}

static bool encode_base64(Item *item, Alts *alts, Modifier mod) {
  Arena *arena = item->ctx->arena;
  size_t per = mod == MOD_BASE64OFFSET ? 3 : 1;
  Alts out = {arena_array(arena, alts->count * per, sizeof(IrString)), 0};
  for (size_t a = 0; a < alts->count; a++) {
    IrSegment empty;
    const IrSegment *bytes = plain_bytes(item, &alts->items[a], mod, &empty);
    if (!bytes)
      return false;
    if (mod == MOD_BASE64) {
      const char *encoded = enc_base64(arena, bytes->text, bytes->len);
      out.items[out.count++] = ir_string_literal(arena, encoded, strlen(encoded));
      continue;
    }
    char *variants[3];
    size_t lengths[3];
    enc_base64offset(arena, bytes->text, bytes->len, variants, lengths);
    for (int k = 0; k < 3; k++)
      out.items[out.count++] = ir_string_literal(arena, variants[k], lengths[k]);
  }
  *alts = out;
  return true;
}

static bool encode_windash(Item *item, Alts *alts) {
  Arena *arena = item->ctx->arena;
  size_t limit = item->ctx->options->max_expansions;
  IrString *all = NULL;
  size_t count = 0;
  for (size_t a = 0; a < alts->count; a++) {
    IrString *variants;
    const char *error;
    size_t n = enc_windash(arena, &alts->items[a], limit, &variants, &error);
    if (n == 0 || count + n > limit) {
      sigma_error(item->ctx, item->value, "sigma-limit", "windash: %s",
                  n == 0 ? error : "the value expands into too many variants");
      return false;
    }
    all = arena_grow(arena, all, count, count + n, sizeof(IrString));
    memcpy(all + count, variants, n * sizeof(IrString));
    count += n;
  }
  alts->items = all;
  alts->count = count;
  return true;
}

static void add_shape(Item *item, Alts *alts, Modifier shape) {
  for (size_t a = 0; a < alts->count; a++) {
    IrString *s = &alts->items[a];
    IrStringBuilder b;
    ir_sb_init(&b, item->ctx->arena);
    if (shape != MOD_STARTSWITH)
      ir_sb_wildcard(&b, IR_SEG_ANY);
    for (size_t i = 0; i < s->count; i++) {
      if (s->segs[i].kind == IR_SEG_LITERAL)
        ir_sb_literal(&b, s->segs[i].text, s->segs[i].len);
      else
        ir_sb_wildcard(&b, s->segs[i].kind);
    }
    if (shape != MOD_ENDSWITH)
      ir_sb_wildcard(&b, IR_SEG_ANY);
    *s = ir_sb_finish(&b);
  }
}

/* Runs the string modifiers in written order over the alternatives. */
static bool transform(Item *item, Alts *alts) {
  const ItemKey *key = item->key;
  for (size_t i = 0; i < key->count; i++) {
    Modifier mod = key->mods[i];
    bool ok = true;
    switch (mod) {
    case MOD_UTF16LE:
    case MOD_WIDE:
      ok = encode_utf16(item, alts, ENC_UTF16LE);
      break;
    case MOD_UTF16BE:
      ok = encode_utf16(item, alts, ENC_UTF16BE);
      break;
    case MOD_UTF16:
      ok = encode_utf16(item, alts, ENC_UTF16_BOM);
      break;
    case MOD_BASE64:
    case MOD_BASE64OFFSET:
      ok = encode_base64(item, alts, mod);
      break;
    case MOD_WINDASH:
      ok = encode_windash(item, alts);
      break;
    case MOD_CONTAINS:
    case MOD_STARTSWITH:
    case MOD_ENDSWITH:
      add_shape(item, alts, mod);
      break;
    default:
      break; /* comparison, list and negation modifiers act elsewhere */
    }
    if (!ok)
      return false;
  }
  return true;
}

/* ---- placeholders ('expand') ------------------------------------------------------------------
 */

static const IrStrList *placeholder_values(SigmaCtx *ctx, const char *name, size_t len) {
  const SigmaPlaceholders *table = ctx->options->placeholders;
  for (size_t i = 0; table && i < table->count; i++)
    if (strlen(table->items[i].name) == len && memcmp(table->items[i].name, name, len) == 0)
      return &table->items[i].values;
  return NULL;
}

/* Replaces every %name% of raw by each of its values (the product over several placeholders);
 * '\%' stays a literal percent sign. Results are raw Sigma strings (wildcards still to parse). */
static bool expand(Item *item, const char *raw, IrStrList *out) {
  SigmaCtx *ctx = item->ctx;
  StrBuf prefix = STRBUF_INIT;
  for (size_t i = 0; raw[i]; i++) {
    if (raw[i] == '\\' && raw[i + 1] == '%') {
      sb_putc(&prefix, '%');
      i++;
      continue;
    }
    const char *close = raw[i] == '%' ? strchr(raw + i + 1, '%') : NULL;
    if (!close || close == raw + i + 1) {
      sb_putc(&prefix, raw[i]);
      continue;
    }
    size_t name_len = (size_t)(close - raw - i - 1);
    const IrStrList *values = placeholder_values(ctx, raw + i + 1, name_len);
    if (!values) {
      sigma_error(ctx, item->value, "sigma-placeholder",
                  ctx->options->placeholders
                      ? "placeholder '%%%.*s%%' is not defined in the placeholder file"
                      : "placeholder '%%%.*s%%' has no values; give them with --placeholders FILE",
                  (int)name_len, raw + i + 1);
      sb_free(&prefix);
      return false;
    }
    IrStrList rests;
    if (!expand(item, close + 1, &rests)) {
      sb_free(&prefix);
      return false;
    }
    size_t total = values->count * rests.count;
    if (total > ctx->options->max_expansions) {
      sigma_error(ctx, item->value, "sigma-limit", "placeholders expand into more than %zu values",
                  ctx->options->max_expansions);
      sb_free(&prefix);
      return false;
    }
    out->items = arena_array(ctx->arena, total, sizeof(char *));
    out->count = 0;
    for (size_t v = 0; v < values->count; v++)
      for (size_t r = 0; r < rests.count; r++)
        out->items[out->count++] =
            arena_printf(ctx->arena, "%s%s%s", sb_text(&prefix), values->items[v], rests.items[r]);
    sb_free(&prefix);
    return true;
  }
  out->items = arena_alloc(ctx->arena, sizeof(char *));
  out->items[0] = arena_strdup(ctx->arena, sb_text(&prefix));
  out->count = 1;
  sb_free(&prefix);
  return true;
}

/* ---- predicates -------------------------------------------------------------------------------
 */

static IrPredicate base_pred(const Item *item) {
  IrPredicate pred;
  memset(&pred, 0, sizeof pred);
  pred.field = item->key->field;
  pred.cased = item->key->has[MOD_CASED];
  pred.time_part = item->key->time;
  pred.src = item->ctx->src;
  pred.span = item->value->span;
  return pred;
}

static IrNode *or_of_alternatives(Item *item, const Alts *alts) {
  Arena *arena = item->ctx->arena;
  IrNode **nodes = arena_array(arena, alts->count, sizeof(IrNode *));
  for (size_t a = 0; a < alts->count; a++) {
    IrPredicate pred = base_pred(item);
    ir_classify_string(arena, &pred, &alts->items[a]);
    nodes[a] = ir_pred(arena, &pred);
  }
  return ir_join(arena, IR_OR, nodes, alts->count);
}

/* A string (or number turned string) value through expand, wildcards and the transformations. */
static IrNode *string_value(Item *item, const char *raw) {
  Arena *arena = item->ctx->arena;
  IrStrList raws = {(const char **)&raw, 1};
  if (item->key->has[MOD_EXPAND] && !expand(item, raw, &raws))
    return NULL;
  Alts alts = {arena_array(arena, raws.count, sizeof(IrString)), raws.count};
  for (size_t i = 0; i < raws.count; i++)
    alts.items[i] = sigma_parse_string(arena, raws.items[i], strlen(raws.items[i]));
  if (!transform(item, &alts))
    return NULL;
  if (alts.count > item->ctx->options->max_expansions) {
    sigma_error(item->ctx, item->value, "sigma-limit",
                "the modifiers expand this value into %zu values, more than the limit of %zu",
                alts.count, item->ctx->options->max_expansions);
    return NULL;
  }
  return or_of_alternatives(item, &alts);
}

static bool needs_string(const ItemKey *key) {
  for (size_t i = 0; i < key->count; i++) {
    ModFamily family = modifier_family(key->mods[i]);
    if (family == MODF_SHAPE || family == MODF_ENCODE || key->mods[i] == MOD_CASED ||
        key->mods[i] == MOD_EXPAND)
      return true;
  }
  return false;
}

/* The raw text of a scalar that must be a string; numbers are turned into their text. */
static const char *text_of(Item *item, const char *what) {
  const YamlNode *v = item->value;
  if (v->type == YAML_STRING)
    return v->text;
  if (v->type == YAML_INT || v->type == YAML_FLOAT)
    return number_as_string(item->ctx->arena, v);
  sigma_error(item->ctx, v, "sigma-type", "%s expects a string, saw %s", what, yaml_describe(v));
  return NULL;
}

static IrNode *regex_value(Item *item) {
  SigmaCtx *ctx = item->ctx;
  const char *pattern = text_of(item, "'re'");
  if (!pattern)
    return NULL;
  size_t offset;
  const char *error;
  Arena scratch;
  arena_init(&scratch);
  Regex *regex =
      regex_compile(&scratch, pattern, strlen(pattern), item->key->regex_flags, &offset, &error);
  if (!regex) {
    Span span = {yaml_scalar_offset(ctx->src, item->value, offset), 0};
    span.end = span.start + 1;
    sigma_error_at(ctx, span, "sigma-regex", "invalid regular expression: %s", error);
  }
  arena_free(&scratch);
  if (!regex)
    return NULL;
  IrPredicate pred = base_pred(item);
  pred.match = IR_MATCH_REGEX;
  pred.pattern = pattern;
  pred.regex_flags = item->key->regex_flags;
  pred.cased = false;
  return ir_pred(ctx->arena, &pred);
}

static IrNode *cidr_value(Item *item) {
  SigmaCtx *ctx = item->ctx;
  const char *text = text_of(item, "'cidr'");
  if (!text)
    return NULL;
  Cidr network;
  bool host_bits;
  size_t offset;
  const char *error;
  if (!cidr_parse(text, strlen(text), &network, &host_bits, &offset, &error)) {
    Span span = {yaml_scalar_offset(ctx->src, item->value, offset), 0};
    span.end = span.start + 1;
    sigma_error_at(ctx, span, "sigma-cidr", "invalid CIDR network '%s': %s", text, error);
    return NULL;
  }
  if (host_bits)
    sigma_warning_at(
        ctx, item->value->span, "sigma-cidr-host-bits",
        "'%s' has address bits set below its prefix length; it means the whole network", text);
  IrPredicate pred = base_pred(item);
  pred.match = IR_MATCH_CIDR;
  pred.pattern = text;
  return ir_pred(ctx->arena, &pred);
}

static IrNode *exists_value(Item *item) {
  if (item->value->type != YAML_BOOL) {
    sigma_error(item->ctx, item->value, "sigma-type", "'exists' expects true or false, saw %s",
                yaml_describe(item->value));
    return NULL;
  }
  IrPredicate pred = base_pred(item);
  pred.match = IR_MATCH_EXISTS;
  IrNode *node = ir_pred(item->ctx->arena, &pred);
  return item->value->boolean ? node : ir_not(item->ctx->arena, node);
}

static IrNode *fieldref_value(Item *item) {
  const char *field = text_of(item, "'fieldref'");
  if (!field)
    return NULL;
  if (!*field || strpbrk(field, "*?")) {
    sigma_error(item->ctx, item->value, "sigma-value",
                "'fieldref' expects a field name, without wildcards");
    return NULL;
  }
  IrPredicate pred = base_pred(item);
  pred.match = IR_MATCH_FIELDREF;
  pred.pattern = field;
  Modifier shape = item->key->shape;
  pred.ref_anchor = shape == MOD_CONTAINS     ? IR_ANCHOR_INSIDE
                    : shape == MOD_STARTSWITH ? IR_ANCHOR_PREFIX
                    : shape == MOD_ENDSWITH   ? IR_ANCHOR_SUFFIX
                                              : IR_ANCHOR_WHOLE;
  return ir_pred(item->ctx->arena, &pred);
}

static IrMatchKind compare_kind(Modifier mod) {
  switch (mod) {
  case MOD_GT:
    return IR_MATCH_GT;
  case MOD_GTE:
    return IR_MATCH_GTE;
  case MOD_LT:
    return IR_MATCH_LT;
  default:
    return IR_MATCH_LTE;
  }
}

static bool looks_numeric(const char *text) {
  char *end;
  if (!*text)
    return false;
  strtod(text, &end);
  return *end == '\0';
}

/* The ranges of the time parts (sigma-appendix-modifiers); years are open-ended. */
static bool time_part_in_range(IrTimePart part, long long value) {
  switch (part) {
  case IR_TIME_MINUTE:
    return value >= 0 && value <= 59;
  case IR_TIME_HOUR:
    return value >= 0 && value <= 23;
  case IR_TIME_DAY:
    return value >= 1 && value <= 31;
  case IR_TIME_WEEK:
    return value >= 1 && value <= 53;
  case IR_TIME_MONTH:
    return value >= 1 && value <= 12;
  case IR_TIME_YEAR:
  case IR_TIME_NONE:
    return true;
  }
  return true;
}

/* gt/gte/lt/lte and the time parts compare numbers. */
static IrNode *number_value(Item *item) {
  const YamlNode *v = item->value;
  bool integral = item->key->time != IR_TIME_NONE;
  if (v->type != YAML_INT && !(v->type == YAML_FLOAT && !integral)) {
    sigma_error(item->ctx, v, "sigma-type", "'%s' expects %s, saw %s%s",
                item->key->type != MOD_COUNT ? modifier_name(item->key->type)
                                             : ir_time_part_name(item->key->time),
                integral ? "an integer" : "a number", yaml_describe(v),
                v->type == YAML_STRING && v->style != YAML_STYLE_PLAIN && looks_numeric(v->text)
                    ? "; write the number without quotes"
                    : "");
    return NULL;
  }
  IrPredicate pred = base_pred(item);
  pred.match = item->key->type != MOD_COUNT ? compare_kind(item->key->type) : IR_MATCH_EQUALS;
  pred.value.kind = IR_VALUE_NUMBER;
  sigma_number(item->ctx->arena, v, &pred.value.number);
  if (integral && !time_part_in_range(item->key->time, pred.value.number.integer)) {
    sigma_error(item->ctx, v, "sigma-value", "%lld is not a valid %s", pred.value.number.integer,
                ir_time_part_name(item->key->time));
    return NULL;
  }
  return ir_pred(item->ctx->arena, &pred);
}

/* A value with no comparison modifier: string pattern, number, boolean or null. */
static IrNode *plain_value(Item *item) {
  const YamlNode *v = item->value;
  if (v->type == YAML_NULL) {
    if (needs_string(item->key)) {
      sigma_error(item->ctx, v, "sigma-type", "null takes no string modifier");
      return NULL;
    }
    IrPredicate pred = base_pred(item);
    pred.match = IR_MATCH_NULL;
    if (!pred.field) {
      sigma_error(item->ctx, v, "sigma-type", "a keyword cannot be null");
      return NULL;
    }
    return ir_pred(item->ctx->arena, &pred);
  }
  if (v->type == YAML_STRING || needs_string(item->key)) {
    const char *raw = text_of(
        item, item->key->has[MOD_CASED] && item->key->count == 1 ? "'cased'" : "a string modifier");
    return raw ? string_value(item, raw) : NULL;
  }
  IrPredicate pred = base_pred(item);
  pred.match = IR_MATCH_EQUALS;
  if (v->type == YAML_BOOL) {
    pred.value.kind = IR_VALUE_BOOL;
    pred.value.boolean = v->boolean;
  } else {
    pred.value.kind = IR_VALUE_NUMBER;
    sigma_number(item->ctx->arena, v, &pred.value.number);
  }
  return ir_pred(item->ctx->arena, &pred);
}

static IrNode *one_value(Item *item) {
  switch (item->key->type) {
  case MOD_RE:
    return regex_value(item);
  case MOD_CIDR:
    return cidr_value(item);
  case MOD_EXISTS:
    return exists_value(item);
  case MOD_FIELDREF:
    return fieldref_value(item);
  case MOD_GT:
  case MOD_GTE:
  case MOD_LT:
  case MOD_LTE:
    return number_value(item);
  default:
    return item->key->time != IR_TIME_NONE ? number_value(item) : plain_value(item);
  }
}

/* Checks the shape of the value node: a scalar or a non-empty list of scalars, null alone. */
static bool check_values(SigmaCtx *ctx, const ItemKey *key, const YamlNode *value) {
  if (value->kind == YAML_MAP) {
    sigma_error(ctx, value, "sigma-type", "expected a value or a list of values, saw a map");
    return false;
  }
  if (value->kind == YAML_SCALAR) {
    if (key->has[MOD_ALL]) {
      sigma_error_at(ctx, value->span, "sigma-modifier-conflict",
                     "'all' needs a list of values; with one value drop 'all'");
      return false;
    }
    return true;
  }
  if (value->count == 0) {
    sigma_error(ctx, value, "sigma-value", "empty list of values");
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < value->count; i++) {
    const YamlNode *v = value->items[i];
    if (v->kind != YAML_SCALAR) {
      sigma_error(ctx, v, "sigma-type", "expected a value, saw %s", yaml_describe(v));
      ok = false;
    } else if (v->type == YAML_NULL && value->count > 1 && key->type == MOD_COUNT) {
      sigma_error(ctx, v, "sigma-value",
                  "null cannot stand in a list with other values; put it in a selection of its own "
                  "and combine with 'or'");
      ok = false;
    }
  }
  return ok;
}

IrNode *sigma_item(SigmaCtx *ctx, const YamlNode *key_node, const ItemKey *key,
                   const YamlNode *value) {
  if (!check_values(ctx, key, value))
    return NULL;
  bool many = value->kind == YAML_SEQUENCE;
  size_t count = many ? value->count : 1;
  IrNode **nodes = arena_array(ctx->arena, count, sizeof(IrNode *));
  bool ok = true;
  for (size_t i = 0; i < count; i++) {
    Item item = {ctx, key, many ? value->items[i] : value};
    nodes[i] = one_value(&item);
    ok = ok && nodes[i];
  }
  if (!ok)
    return NULL;
  (void)key_node;
  IrNode *node = ir_join(ctx->arena, key->has[MOD_ALL] ? IR_AND : IR_OR, nodes, count);
  return key->has[MOD_NEQ] ? ir_not(ctx->arena, node) : node;
}
