/* A detection item's key, "field|mod|mod": the field and the checked modifier chain. */
#ifndef SIGMAC_SIGMA_ITEM_KEY_H
#define SIGMAC_SIGMA_ITEM_KEY_H

#include "sigma/modifier.h"
#include "sigma/sigma_internal.h"

enum { ITEM_MAX_MODIFIERS = 16 };

typedef struct ItemKey {
  const char *field;                 /* NULL: a keyword item ('|all', '|contains') */
  Modifier mods[ITEM_MAX_MODIFIERS]; /* in written order */
  Span spans[ITEM_MAX_MODIFIERS];
  size_t count;
  bool has[MOD_COUNT];
  Modifier shape; /* contains / startswith / endswith, or MOD_COUNT */
  Modifier type;  /* re, cidr, exists, fieldref, gt, gte, lt, lte, or MOD_COUNT */
  IrTimePart time;
  unsigned regex_flags;
} ItemKey;

/* Splits and checks the key of a detection item; false after reporting errors. */
bool item_key_parse(SigmaCtx *ctx, const YamlNode *key, ItemKey *out);

#endif
