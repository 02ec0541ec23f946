/* What the rule fuzz targets run on one input, shared with the test that replays their crashers
 * (tests/test_fuzz_replay.c). */
#ifndef SIGMAC_FUZZ_RULES_PASS_H
#define SIGMAC_FUZZ_RULES_PASS_H

#include <stdbool.h>
#include <stddef.h>

/* Compiles text (EQL when eql, else Sigma YAML), lints it and writes it with every backend; with
 * prove, also proves each Sigma rule for eql, kql and spl over its probes. False when a proof
 * finds a divergence; true otherwise (errors in the input are fine: they are diagnostics). */
bool rules_pass(bool eql, const char *text, size_t len, bool prove);

#endif
