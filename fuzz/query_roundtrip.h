/* The KQL and SPL round trip the fuzz target and its regression test share: a query that parses
 * is written back by its backend and must parse to the same IR. */
#ifndef SIGMAC_FUZZ_QUERY_ROUNDTRIP_H
#define SIGMAC_FUZZ_QUERY_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text (KQL when kql, else SPL) round-trips: written back by its backend, it parses to
 * the same IR; an SPL query written with pipes (regexes for what search cannot say) must reach
 * that from its second trip on. True too when it does not parse or the backend refuses it
 * (*written_back says whether it was written). On false, *why (malloc'd) shows the IR reached. */
bool query_round_trips(bool kql, const char *text, size_t len, bool *written_back, char **why);

/* Parses a file of queries (KQL when kql, else SPL, whose correlation pipelines span lines),
 * for the sanitizers: nothing is compared. */
void query_file_parses(bool kql, const char *text, size_t len);

#endif
