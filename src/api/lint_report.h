/* The report of a lint run in the formats `sigmac lint --format` writes: text (the diagnostics
 * with carets, then a count line), json, sarif (2.1.0) and junit. */
#ifndef SIGMAC_API_LINT_REPORT_H
#define SIGMAC_API_LINT_REPORT_H

#include <stdbool.h>

#include "base/diag.h"
#include "base/strbuf.h"

typedef struct LintReport {
  const DiagSink *diags;
  const char *const *files; /* the files linted, in order */
  size_t file_count;
  const char *version; /* sigmac's */
} LintReport;

/* Writes the report in format; false for an unknown format. */
bool lint_report_write(const LintReport *report, const char *format, StrBuf *out);

#endif
