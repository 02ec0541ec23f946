/* libFuzzer differential target: a Sigma rule is compiled, written for every target (eql, kql,
 * spl), each query parsed back and run next to the rule on probe events made from it (the
 * prover's check, docs/prove.md). A divergence the conversion did not announce aborts: some
 * rule text changed what a query means. Crashers are kept in tests/fuzz/prove/, which
 * tests/test_fuzz_replay.c replays. */
#include <stdint.h>
#include <stdlib.h>

#include "rules_pass.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!rules_pass(false, (const char *)data, size, true))
    abort(); /* a translation diverges from its rule */
  return 0;
}
