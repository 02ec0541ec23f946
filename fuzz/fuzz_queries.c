/* libFuzzer target for the KQL and SPL front ends and their backends, as a round trip: any text
 * that parses and lowers is written back by the target's backend and parsed again, and the two
 * IRs must be the same: no value can change the structure of the query written for it. The first
 * byte chooses the language (odd: KQL). Crashers are kept in tests/fuzz/queries/, which
 * tests/test_query_roundtrip.c replays. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query_roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  if (memchr(data + 1, '\n', size - 1)) { /* a file of queries: SPL pipelines span lines */
    query_file_parses(data[0] & 1, (const char *)data + 1, size - 1);
    return 0;
  }
  bool written;
  char *why = NULL;
  if (!query_round_trips(data[0] & 1, (const char *)data + 1, size - 1, &written, &why))
    abort(); /* the round trip changed the query */
  free(why);
  return 0;
}
