/* libFuzzer target for the streaming evaluator's readers of untrusted event lines: the JSON check
 * must agree with jansson on what is JSON (but for NUL bytes, where jansson stops reading and the
 * check sees garbage), and the lean tree must be built from any object the check accepts
 * without a crash. Crashers found are kept as cases in tests/test_prefilter.c. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/json_check.h"
#include "eval/lean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (memchr(data, 0, size))
    return 0;
  bool is_object;
  JsonFacts facts;
  bool ok = json_check((const char *)data, size, &is_object, &facts, NULL);
  json_t *parsed = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
  if (ok != (parsed != NULL))
    abort(); /* the check and jansson disagree */
  json_decref(parsed);
  if (ok && is_object) {
    static Arena arena;
    static LeanKeys *keys;
    static bool whole[1];
    if (!keys) {
      static const char *const names[] = {"a.b", "x", "Event.System.Channel", "UserData"};
      arena_init(&arena);
      keys = lean_keys(&arena, NULL, 0, NULL, names, 4, whole);
    }
    json_decref(lean_parse(keys, (const char *)data, size));
  }
  return 0;
}
