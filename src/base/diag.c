/* Diagnostic sink and the text rendering with a caret line. */
#include "base/diag.h"

#include <stdarg.h>
#include <string.h>

void diag_sink_init(DiagSink *sink, Arena *arena) {
  memset(sink, 0, sizeof *sink);
  sink->arena = arena;
}

const char *diag_severity_name(DiagSeverity severity) {
  switch (severity) {
  case DIAG_ERROR:
    return "error";
  case DIAG_WARNING:
    return "warning";
  case DIAG_NOTE:
    return "note";
  }
  return "error";
}

static Diag *push(DiagSink *sink) {
  if (sink->count == sink->capacity) {
    size_t capacity = sink->capacity ? sink->capacity * 2 : 16;
    sink->items = arena_grow(sink->arena, sink->items, sink->count, capacity, sizeof(Diag));
    sink->capacity = capacity;
  }
  Diag *diag = &sink->items[sink->count++];
  memset(diag, 0, sizeof *diag);
  return diag;
}

/* Counts errors per file; past the limit they are counted but not kept, and one note says so. */
static bool over_limit(DiagSink *sink, const Source *src) {
  if (src != sink->limit_src) {
    sink->limit_src = src;
    sink->limit_count = 0;
  }
  sink->limit_count++;
  if (sink->limit_count <= DIAG_PER_FILE_LIMIT)
    return false;
  if (sink->limit_count == DIAG_PER_FILE_LIMIT + 1) {
    Diag *note = push(sink);
    note->severity = DIAG_NOTE;
    note->src = NULL;
    note->path = src ? src->path : NULL;
    note->message = "too many errors in this file; the rest are not shown";
    note->check_id = "too-many-errors";
  }
  return true;
}

static void report(DiagSink *sink, DiagSeverity severity, const Source *src, const char *path,
                   const Span *span, const char *check_id, const char *fmt, va_list args) {
  if (severity == DIAG_ERROR)
    sink->errors++;
  else if (severity == DIAG_WARNING)
    sink->warnings++;
  if (severity == DIAG_ERROR && over_limit(sink, src))
    return;
  Diag *diag = push(sink);
  diag->severity = severity;
  diag->src = src;
  diag->path = src ? src->path : (path ? arena_strdup(sink->arena, path) : NULL);
  if (span) {
    diag->span = *span;
    diag->has_span = true;
  }
  diag->message = arena_vprintf(sink->arena, fmt, args);
  diag->check_id = check_id;
}

void diag_report(DiagSink *sink, DiagSeverity severity, const Source *src, Span span,
                 const char *check_id, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  report(sink, severity, src, NULL, &span, check_id, fmt, args);
  va_end(args);
}

void diag_report_file(DiagSink *sink, DiagSeverity severity, const char *path, const char *check_id,
                      const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  report(sink, severity, NULL, path, NULL, check_id, fmt, args);
  va_end(args);
}

static bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

/* ANSI styles of the parts of a diagnostic, when colours are wanted: the place bold, the
 * severity in its colour, the caret green, as compilers show them. */
static const char *style(bool colour, const char *code) { return colour ? code : ""; }

static const char *severity_colour(DiagSeverity severity) {
  return severity == DIAG_ERROR     ? "\x1b[1;31m"
         : severity == DIAG_WARNING ? "\x1b[1;35m"
                                    : "\x1b[1;36m";
}

/* How much of a long source line is shown: a 1 MiB line (a hostile rule, a minified event) would
 * flood the terminal, so a window around the span is cut out of it. */
enum { LINE_SHOWN = 500, CONTEXT_BEFORE = 200 };

/* The shown part [*from, *to) of text[0..len), with the span starting at start; cut at character
 * boundaries. */
static void line_window(const char *text, size_t len, size_t start, size_t *from, size_t *to) {
  *from = 0;
  *to = len;
  if (len <= LINE_SHOWN)
    return;
  *from = start > CONTEXT_BEFORE ? start - CONTEXT_BEFORE : 0;
  while (*from > 0 && is_continuation((unsigned char)text[*from]))
    (*from)--;
  *to = *from + LINE_SHOWN < len ? *from + LINE_SHOWN : len;
  while (*to < len && is_continuation((unsigned char)text[*to]))
    (*to)++;
}

/* The source line (or its window, "..." where it was cut), then the caret line: blanks (tabs
 * kept, so it lines up) up to the span, then ^~~~ as wide as the span's characters shown on that
 * line, at least one. */
static void render_caret(const Diag *diag, size_t line, bool colour, StrBuf *out) {
  const char *text;
  size_t len, from, to;
  source_line(diag->src, line, &text, &len);
  size_t line_start = (size_t)(text - diag->src->text);
  size_t start = diag->span.start - line_start;
  line_window(text, len, start, &from, &to);
  sb_puts(out, from > 0 ? "..." : "");
  sb_putn(out, text + from, to - from);
  sb_puts(out, to < len ? "...\n" : "\n");
  sb_puts(out, from > 0 ? "   " : "");
  for (size_t i = from; i < start && i < to; i++)
    if (!is_continuation((unsigned char)text[i]))
      sb_putc(out, text[i] == '\t' ? '\t' : ' ');
  size_t end = diag->span.end > diag->span.start ? diag->span.end - line_start : start + 1;
  if (end > to)
    end = to > start ? to : start + 1;
  sb_puts(out, style(colour, "\x1b[1;32m"));
  sb_putc(out, '^');
  for (size_t i = start + 1; i < end; i++)
    if (i >= len || !is_continuation((unsigned char)text[i]))
      sb_putc(out, '~');
  sb_puts(out, style(colour, "\x1b[0m"));
  sb_putc(out, '\n');
}

void diag_render_styled(const Diag *diag, bool colour, StrBuf *out) {
  size_t line = 0, column = 0;
  sb_puts(out, style(colour, "\x1b[1m"));
  if (diag->src && diag->has_span) {
    source_locate(diag->src, diag->span.start, &line, &column);
    sb_printf(out, "%s:%zu:%zu: ", diag->src->path, line, column);
  } else if (diag->path) {
    sb_printf(out, "%s: ", diag->path);
  } else {
    sb_puts(out, "sigmac: ");
  }
  sb_printf(out, "%s%s%s: %s", style(colour, severity_colour(diag->severity)),
            diag_severity_name(diag->severity), style(colour, "\x1b[0m"), diag->message);
  if (diag->check_id)
    sb_printf(out, " [%s]", diag->check_id);
  sb_putc(out, '\n');
  if (diag->src && diag->has_span)
    render_caret(diag, line, colour, out);
}

void diag_render(const Diag *diag, StrBuf *out) { diag_render_styled(diag, false, out); }

void diag_render_all(const DiagSink *sink, StrBuf *out) {
  for (size_t i = 0; i < sink->count; i++)
    diag_render(&sink->items[i], out);
}
