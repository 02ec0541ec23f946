/* The KQL and SPL round trip the fuzz target and its regression test share: a query that parses
 * is written back by its backend and must parse to the same IR. */
#ifndef SIGMAC_FUZZ_QUERY_ROUNDTRIP_H
#define SIGMAC_FUZZ_QUERY_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text (KQL when kql, else SPL) round-trips; true too when it does not parse or the
 * backend refuses it (*written_back says whether it was written). On false, *why (malloc'd)
 * says where the IRs differ. */
bool query_round_trips(bool kql, const char *text, size_t len, bool *written_back, char **why);

#endif
