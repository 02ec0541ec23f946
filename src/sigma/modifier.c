/* The modifier table's lookups. */
#include "sigma/modifier.h"

#include <string.h>

static const struct {
  const char *name;
  ModFamily family;
} modifiers[MOD_COUNT] = {
#define X(kind, name, family) [kind] = {name, family},
    SIGMA_MODIFIERS(X)
#undef X
};

Modifier modifier_lookup(const char *name, size_t len) {
  for (int mod = 0; mod < MOD_COUNT; mod++)
    if (strlen(modifiers[mod].name) == len && memcmp(modifiers[mod].name, name, len) == 0)
      return (Modifier)mod;
  return MOD_COUNT;
}

const char *modifier_name(Modifier mod) { return mod < MOD_COUNT ? modifiers[mod].name : "?"; }

ModFamily modifier_family(Modifier mod) { return modifiers[mod].family; }
