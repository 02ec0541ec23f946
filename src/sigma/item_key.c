/* Parsing "field|mod|mod" and checking the modifier chain against the specification's rules
 * (sigma-appendix-modifiers) and pySigma's, so that every accepted chain has one meaning. */
#include "sigma/item_key.h"

#include <string.h>

static size_t edit_distance(const char *a, size_t a_len, const char *b) {
  size_t b_len = strlen(b);
  if (a_len > 32 || b_len > 32)
    return 99;
  size_t row[33];
  for (size_t j = 0; j <= b_len; j++)
    row[j] = j;
  for (size_t i = 1; i <= a_len; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b_len; j++) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diagonal + cost;
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diagonal = above;
    }
  }
  return row[b_len];
}

static void report_unknown(SigmaCtx *ctx, Span span, const char *name, size_t len) {
  const char *best = NULL;
  size_t best_distance = 3;
  for (int mod = 0; mod < MOD_COUNT; mod++) {
    size_t distance = edit_distance(name, len, modifier_name((Modifier)mod));
    if (distance < best_distance && strlen(modifier_name((Modifier)mod)) > 2) {
      best_distance = distance;
      best = modifier_name((Modifier)mod);
    }
  }
  if (best)
    sigma_error_at(ctx, span, "sigma-modifier-unknown",
                   "unknown modifier '%.*s'; did you mean '%s'?", (int)len, name, best);
  else
    sigma_error_at(ctx, span, "sigma-modifier-unknown", "unknown modifier '%.*s'", (int)len, name);
}

static bool split(SigmaCtx *ctx, const YamlNode *key, ItemKey *out) {
  const char *text = key->text;
  const char *bar = memchr(text, '|', key->len);
  size_t field_len = bar ? (size_t)(bar - text) : key->len;
  out->field = field_len ? arena_strndup(ctx->arena, text, field_len) : NULL;
  bool ok = true;
  size_t at = field_len;
  while (at < key->len) {
    size_t start = at + 1, end = start;
    while (end < key->len && text[end] != '|')
      end++;
    Span span = {yaml_scalar_offset(ctx->src, key, start), yaml_scalar_offset(ctx->src, key, end)};
    if (end == start) {
      span.start = yaml_scalar_offset(ctx->src, key, at);
      span.end = span.start + 1;
      sigma_error_at(ctx, span, "sigma-modifier-unknown", "empty modifier after '|'");
      ok = false;
    } else if (out->count == ITEM_MAX_MODIFIERS) {
      sigma_error_at(ctx, span, "sigma-limit", "more than %d modifiers", ITEM_MAX_MODIFIERS);
      return false;
    } else {
      Modifier mod = modifier_lookup(text + start, end - start);
      if (mod == MOD_COUNT) {
        report_unknown(ctx, span, text + start, end - start);
        ok = false;
      } else {
        out->spans[out->count] = span;
        out->mods[out->count++] = mod;
      }
    }
    at = end;
  }
  return ok;
}

static unsigned regex_flag(Modifier mod) {
  switch (mod) {
  case MOD_I:
  case MOD_IGNORECASE:
    return IR_RE_IGNORECASE;
  case MOD_M:
  case MOD_MULTILINE:
    return IR_RE_MULTILINE;
  default:
    return IR_RE_DOTALL;
  }
}

static IrTimePart time_part(Modifier mod) {
  switch (mod) {
  case MOD_MINUTE:
    return IR_TIME_MINUTE;
  case MOD_HOUR:
    return IR_TIME_HOUR;
  case MOD_DAY:
    return IR_TIME_DAY;
  case MOD_WEEK:
    return IR_TIME_WEEK;
  case MOD_MONTH:
    return IR_TIME_MONTH;
  default:
    return IR_TIME_YEAR;
  }
}

static bool conflict(SigmaCtx *ctx, const ItemKey *key, size_t i, Modifier earlier) {
  sigma_error_at(ctx, key->spans[i], "sigma-modifier-conflict",
                 "modifier '%s' cannot be combined with '%s'", modifier_name(key->mods[i]),
                 modifier_name(earlier));
  return false;
}

/* Records modifier i in the key's summary, checking it against the ones before it. */
static bool take(SigmaCtx *ctx, ItemKey *key, size_t i) {
  Modifier mod = key->mods[i];
  bool repeatable = mod == MOD_BASE64;
  if (key->has[mod] && !repeatable) {
    sigma_error_at(ctx, key->spans[i], "sigma-modifier-conflict", "modifier '%s' given twice",
                   modifier_name(mod));
    return false;
  }
  key->has[mod] = true;
  switch (modifier_family(mod)) {
  case MODF_SHAPE:
    if (key->shape != MOD_COUNT)
      return conflict(ctx, key, i, key->shape);
    key->shape = mod;
    return true;
  case MODF_TYPE:
    if (mod == MOD_CASED || mod == MOD_EXPAND)
      return true;
    if (key->type != MOD_COUNT)
      return conflict(ctx, key, i, key->type);
    if ((mod == MOD_RE || mod == MOD_CIDR || mod == MOD_EXISTS) && i != 0) {
      sigma_error_at(ctx, key->spans[i], "sigma-modifier-conflict",
                     "modifier '%s' must come first, right after the field name",
                     modifier_name(mod));
      return false;
    }
    key->type = mod;
    return true;
  case MODF_REFLAG:
    if (key->type != MOD_RE) {
      sigma_error_at(ctx, key->spans[i], "sigma-modifier-conflict",
                     "'%s' is a regular expression flag; it needs 're' before it",
                     modifier_name(mod));
      return false;
    }
    key->regex_flags |= regex_flag(mod);
    return true;
  case MODF_TIME:
    if (key->time != IR_TIME_NONE) {
      sigma_error_at(ctx, key->spans[i], "sigma-modifier-conflict",
                     "only one time-part modifier may be given");
      return false;
    }
    key->time = time_part(mod);
    return true;
  case MODF_LIST:
  case MODF_ENCODE:
  case MODF_NEGATE:
    return true;
  }
  return true;
}

/* Which modifiers may go with the comparison modifier chosen ('re', 'cidr', ...). */
static bool allowed_with_type(Modifier type, Modifier mod) {
  ModFamily family = modifier_family(mod);
  if (mod == type || family == MODF_NEGATE || family == MODF_LIST)
    return type != MOD_EXISTS || mod == type;
  switch (type) {
  case MOD_RE: /* pySigma refuses 'expand' on a regex: placeholders are plain-string values */
    return family == MODF_REFLAG || family == MODF_SHAPE;
  case MOD_FIELDREF:
    return family == MODF_SHAPE || mod == MOD_CASED;
  case MOD_GT:
  case MOD_GTE:
  case MOD_LT:
  case MOD_LTE:
    return family == MODF_TIME;
  case MOD_CIDR:
  case MOD_EXISTS:
  default:
    return false;
  }
}

bool item_key_parse(SigmaCtx *ctx, const YamlNode *key, ItemKey *out) {
  memset(out, 0, sizeof *out);
  out->shape = out->type = MOD_COUNT;
  if (!split(ctx, key, out))
    return false;
  for (size_t i = 0; i < out->count; i++)
    if (!take(ctx, out, i))
      return false;
  for (size_t i = 0; i < out->count && out->type != MOD_COUNT; i++)
    if (!allowed_with_type(out->type, out->mods[i]))
      return conflict(ctx, out, i, out->type);
  if (out->time != IR_TIME_NONE) {
    for (size_t i = 0; i < out->count; i++) {
      ModFamily family = modifier_family(out->mods[i]);
      if (family == MODF_SHAPE || family == MODF_ENCODE || out->mods[i] == MOD_CASED)
        return conflict(ctx, out, i, MOD_MINUTE + (Modifier)(out->time - IR_TIME_MINUTE));
    }
  }
  if (!out->field && (out->type == MOD_EXISTS || out->type == MOD_FIELDREF)) {
    sigma_error_at(ctx, out->spans[0], "sigma-modifier-conflict",
                   "modifier '%s' needs a field name before it", modifier_name(out->type));
    return false;
  }
  return true;
}
