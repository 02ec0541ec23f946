/* The Sigma value modifiers (sigma-appendix-modifiers, specification 2.1.0), declared once. */
#ifndef SIGMAC_SIGMA_MODIFIER_H
#define SIGMAC_SIGMA_MODIFIER_H

#include <stddef.h>

/* Families: what a modifier does to a detection item. */
typedef enum ModFamily {
  MODF_SHAPE,  /* adds wildcards around the value: contains, startswith, endswith */
  MODF_LIST,   /* all: the values are AND-ed */
  MODF_ENCODE, /* rewrites the string value: base64, base64offset, utf16*, wide, windash */
  MODF_TYPE,   /* decides the comparison: re, cidr, exists, fieldref, gt..lte, cased, expand */
  MODF_REFLAG, /* regex flags, only after re */
  MODF_TIME,   /* compare a part of a timestamp */
  MODF_NEGATE, /* neq: the item is negated */
} ModFamily;

/* X(enum, name as written, family) */
#define SIGMA_MODIFIERS(X)                                                                         \
  X(MOD_CONTAINS, "contains", MODF_SHAPE)                                                          \
  X(MOD_STARTSWITH, "startswith", MODF_SHAPE)                                                      \
  X(MOD_ENDSWITH, "endswith", MODF_SHAPE)                                                          \
  X(MOD_ALL, "all", MODF_LIST)                                                                     \
  X(MOD_BASE64, "base64", MODF_ENCODE)                                                             \
  X(MOD_BASE64OFFSET, "base64offset", MODF_ENCODE)                                                 \
  X(MOD_UTF16LE, "utf16le", MODF_ENCODE)                                                           \
  X(MOD_WIDE, "wide", MODF_ENCODE)                                                                 \
  X(MOD_UTF16BE, "utf16be", MODF_ENCODE)                                                           \
  X(MOD_UTF16, "utf16", MODF_ENCODE)                                                               \
  X(MOD_WINDASH, "windash", MODF_ENCODE)                                                           \
  X(MOD_RE, "re", MODF_TYPE)                                                                       \
  X(MOD_CIDR, "cidr", MODF_TYPE)                                                                   \
  X(MOD_EXISTS, "exists", MODF_TYPE)                                                               \
  X(MOD_FIELDREF, "fieldref", MODF_TYPE)                                                           \
  X(MOD_GT, "gt", MODF_TYPE)                                                                       \
  X(MOD_GTE, "gte", MODF_TYPE)                                                                     \
  X(MOD_LT, "lt", MODF_TYPE)                                                                       \
  X(MOD_LTE, "lte", MODF_TYPE)                                                                     \
  X(MOD_CASED, "cased", MODF_TYPE)                                                                 \
  X(MOD_EXPAND, "expand", MODF_TYPE)                                                               \
  X(MOD_I, "i", MODF_REFLAG)                                                                       \
  X(MOD_IGNORECASE, "ignorecase", MODF_REFLAG)                                                     \
  X(MOD_M, "m", MODF_REFLAG)                                                                       \
  X(MOD_MULTILINE, "multiline", MODF_REFLAG)                                                       \
  X(MOD_S, "s", MODF_REFLAG)                                                                       \
  X(MOD_DOTALL, "dotall", MODF_REFLAG)                                                             \
  X(MOD_MINUTE, "minute", MODF_TIME)                                                               \
  X(MOD_HOUR, "hour", MODF_TIME)                                                                   \
  X(MOD_DAY, "day", MODF_TIME)                                                                     \
  X(MOD_WEEK, "week", MODF_TIME)                                                                   \
  X(MOD_MONTH, "month", MODF_TIME)                                                                 \
  X(MOD_YEAR, "year", MODF_TIME)                                                                   \
  X(MOD_NEQ, "neq", MODF_NEGATE)

typedef enum Modifier {
#define X(kind, name, family) kind,
  SIGMA_MODIFIERS(X)
#undef X
      MOD_COUNT
} Modifier;

/* The modifier named name[0..len), or MOD_COUNT when there is none. */
Modifier modifier_lookup(const char *name, size_t len);
const char *modifier_name(Modifier mod);
ModFamily modifier_family(Modifier mod);

#endif
