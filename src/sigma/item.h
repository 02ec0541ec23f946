/* One detection item of a selection into IR. */
#ifndef SIGMAC_SIGMA_ITEM_H
#define SIGMAC_SIGMA_ITEM_H

#include "sigma/item_key.h"

/* The IR of "key: value" (value a scalar or a list of scalars); NULL after reporting errors. */
IrNode *sigma_item(SigmaCtx *ctx, const YamlNode *key_node, const ItemKey *key,
                   const YamlNode *value);

/* The number a YAML int or float scalar stands for; false for other scalars. */
bool sigma_number(Arena *arena, const YamlNode *scalar, IrNumber *out);

#endif
