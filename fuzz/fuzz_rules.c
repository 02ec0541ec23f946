/* libFuzzer target for the rule front ends and what reads their output: a Sigma YAML file (first
 * byte even) or EQL text (odd) is compiled, linted (every check, the JSON schemas, the field
 * checks) and written by every backend (eql, kql, spl, sigma) under its default mapping. Nothing
 * is compared: the sanitizers and the limits are what is tested (no crash, no hang, no leak on
 * any input). Crashers are kept in tests/fuzz/rules/, which tests/test_fuzz_replay.c replays. */
#include <stdint.h>
#include <string.h>

#include "rules_pass.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  rules_pass(data[0] & 1, (const char *)data + 1, size - 1, false);
  return 0;
}
