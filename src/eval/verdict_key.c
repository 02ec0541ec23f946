/* Verdict keys. */
#include "eval/verdict_key.h"

#include <stdbool.h>
#include <string.h>

#include "eval/prefilter.h"

/* Appends n bytes at key + *len; false when they do not fit. */
static bool put(char *key, size_t *len, const void *bytes, size_t n) {
  if (n > VERDICT_KEY - *len)
    return false;
  memcpy(key + *len, bytes, n);
  *len += n;
  return true;
}

size_t verdict_key(char *key, const uint32_t *candidates, size_t candidate_count,
                   const RecordedValue *values, size_t value_count, const JsonStep *steps,
                   const LeanKeys *keys, const uint8_t *misses) {
  size_t len = 0;
  uint32_t n = (uint32_t)candidate_count;
  if (!put(key, &len, &n, sizeof n) ||
      !put(key, &len, candidates, candidate_count * sizeof(uint32_t)))
    return 0;
  for (size_t i = 0; i < value_count; i++) {
    const RecordedValue *v = &values[i];
    if (!v->kept || (!v->below_all && v->key >= 0 && !lean_slot_read(keys, v->key)))
      continue; /* no tree of these rules holds it */
    if (v->depth == JSON_PATH_UNKNOWN)
      return 0; /* too deep to say where it is */
    if (misses && v->key >= 0 && misses[v->key] >= PREFILTER_NEW_IN_A_ROW)
      return 0; /* new every time: so would the key be */
    uint32_t depth = (uint32_t)v->depth, value_len = (uint32_t)v->len;
    if (!put(key, &len, &depth, sizeof depth))
      return 0;
    for (size_t d = 0; d < v->depth; d++) { /* the path: keys by number, or by text */
      const JsonStep *step = &steps[v->path + d];
      if (!put(key, &len, &step->code, sizeof step->code) ||
          ((step->code & JSON_STEP_TEXT) &&
           !put(key, &len, step->key, step->code & ~JSON_STEP_TEXT)))
        return 0;
    }
    if (!put(key, &len, &v->kind, 1) || !put(key, &len, &value_len, sizeof value_len) ||
        !put(key, &len, v->text, v->len))
      return 0;
  }
  return len;
}
