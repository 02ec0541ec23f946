/* The report of `sigmac prove`: per rule and target, proven, differing only by case, diverging
 * (with the smallest event that shows it), refused or not evaluated; then counts per target. */
#ifndef SIGMAC_API_PROVE_REPORT_H
#define SIGMAC_API_PROVE_REPORT_H

#include "base/strbuf.h"
#include "prove/prove.h"

/* Writes results in format "text" (the default when NULL) or "json"; false for another. */
bool prove_report_write(const ProveResult *results, size_t count, const char *const *targets,
                        size_t target_count, const char *format, StrBuf *out);

#endif
