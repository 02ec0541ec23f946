/* Diagnostics: library code never prints. Every error, warning and note goes to a sink with
 * counts; the CLI renders the sink as text (with a caret line), JSON or SARIF. */
#ifndef SIGMAC_BASE_DIAG_H
#define SIGMAC_BASE_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/source.h"
#include "base/strbuf.h"

typedef enum DiagSeverity {
  DIAG_ERROR,   /* the input is wrong: no output for that rule, exit code 1 */
  DIAG_WARNING, /* output is produced, but something deserves a look */
  DIAG_NOTE,    /* extra context attached to the diagnostic before it */
} DiagSeverity;

typedef struct Diag {
  DiagSeverity severity;
  const Source *src; /* NULL for diagnostics about no particular file */
  const char *path;  /* the file named when src is NULL (may be NULL too) */
  Span span;         /* valid when has_span */
  bool has_span;
  const char *message;  /* lowercase, no final period */
  const char *check_id; /* stable id such as "sigma-modifier-unknown" */
} Diag;

/* Errors kept per file before the rest are dropped with one note. */
enum { DIAG_PER_FILE_LIMIT = 20 };

typedef struct DiagSink {
  Arena *arena; /* owns messages and the items array; outlives rule arenas */
  Diag *items;
  size_t count;
  size_t capacity;
  size_t errors; /* errors reported, including those dropped over the limit */
  size_t warnings;
  const Source *limit_src; /* the source whose errors are being counted for the limit */
  size_t limit_count;
} DiagSink;

void diag_sink_init(DiagSink *sink, Arena *arena);

/* Reports a diagnostic at span of src. The message is formatted into the sink's arena. */
void diag_report(DiagSink *sink, DiagSeverity severity, const Source *src, Span span,
                 const char *check_id, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Reports a diagnostic about a file (or nothing) without a position, e.g. an I/O error. */
void diag_report_file(DiagSink *sink, DiagSeverity severity, const char *path, const char *check_id,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Renders one diagnostic: "file:line:col: error: message [id]", the source line, a caret line. */
void diag_render(const Diag *diag, StrBuf *out);

/* The same, with ANSI colours when colour is true (a terminal that wants them). */
void diag_render_styled(const Diag *diag, bool colour, StrBuf *out);

/* Renders every diagnostic of the sink in order. */
void diag_render_all(const DiagSink *sink, StrBuf *out);

const char *diag_severity_name(DiagSeverity severity);

#endif
