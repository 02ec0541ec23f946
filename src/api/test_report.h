/* The report of `sigmac test`: which events each rule matched and, with expectations, how that
 * differs from them; as text, JSON or JUnit XML (for CI systems). */
#ifndef SIGMAC_API_TEST_REPORT_H
#define SIGMAC_API_TEST_REPORT_H

#include "base/strbuf.h"
#include "eval/expect.h"

typedef struct TestReport {
  Arena *arena;
  const RuleResult *results;
  size_t count;
  size_t event_count;
  const RuleVerdict *verdicts; /* one per result; NULL without expectations */
} TestReport;

/* Writes the report in format "text" (the default when NULL), "json" or "junit". False for an
 * unknown format. */
bool test_report_write(const TestReport *report, const char *format, StrBuf *out);

#endif
