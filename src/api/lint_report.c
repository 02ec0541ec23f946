/* Lint reports (lint_report.h): JSON for scripts, SARIF 2.1.0 for code scanning (GitHub reads
 * ruleId, level, message, the physical location's uri and region, and the rules' help), JUnit
 * XML for CI dashboards (a test case per file, failing on its errors). */
#include "api/lint_report.h"

#include <stdlib.h>
#include <string.h>

#include "base/json_out.h"
#include "base/xml.h"
#include "lint/checks.h"

/* A diagnostic's place: 1-based line and column (in code points) of its start and end. */
typedef struct Place {
  size_t line, column, end_line, end_column;
} Place;

static size_t code_points(const char *text, size_t from, size_t to) {
  size_t count = 0;
  for (size_t i = from; i < to; i++)
    count += ((unsigned char)text[i] & 0xC0) != 0x80;
  return count;
}

static Place place_of(const Diag *d) {
  Place p = {0, 0, 0, 0};
  if (!d->src || !d->has_span)
    return p;
  size_t byte_column;
  source_locate(d->src, d->span.start, &p.line, &byte_column);
  size_t line_start = d->span.start - (byte_column - 1);
  p.column = code_points(d->src->text, line_start, d->span.start) + 1;
  size_t end = d->span.end > d->span.start ? d->span.end : d->span.start + 1;
  if (end > d->src->len)
    end = d->src->len;
  source_locate(d->src, end > 0 ? end - 1 : 0, &p.end_line, &byte_column);
  size_t end_line_start = (end > 0 ? end - 1 : 0) - (byte_column - 1);
  p.end_column = code_points(d->src->text, end_line_start, end) + 1; /* exclusive, as SARIF */
  return p;
}

static const char *file_of(const Diag *d) { return d->src ? d->src->path : d->path; }

/* ---- JSON -------------------------------------------------------------------------------------
 */

static void json_report(const LintReport *r, StrBuf *out) {
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_kv_int(&j, "files", (long long)r->file_count);
  jout_kv_int(&j, "errors", (long long)r->diags->errors);
  jout_kv_int(&j, "warnings", (long long)r->diags->warnings);
  jout_key(&j, "diagnostics");
  jout_array_begin(&j);
  for (size_t i = 0; i < r->diags->count; i++) {
    const Diag *d = &r->diags->items[i];
    Place p = place_of(d);
    jout_object_begin(&j);
    jout_kv_string(&j, "file", file_of(d));
    if (p.line) {
      jout_kv_int(&j, "line", (long long)p.line);
      jout_kv_int(&j, "column", (long long)p.column);
      jout_kv_int(&j, "end_line", (long long)p.end_line);
      jout_kv_int(&j, "end_column", (long long)p.end_column);
    }
    jout_kv_string(&j, "severity", diag_severity_name(d->severity));
    jout_kv_string(&j, "check", d->check_id);
    jout_kv_string(&j, "message", d->message);
    jout_object_end(&j);
  }
  jout_array_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
}

/* ---- SARIF ------------------------------------------------------------------------------------
 */

static const char *sarif_level(DiagSeverity severity) {
  return severity == DIAG_ERROR ? "error" : severity == DIAG_WARNING ? "warning" : "note";
}

/* The index in the run's rules of a check id: the registry's, then the ids met that it lacks. */
static size_t rule_index(const char *const *ids, size_t count, const char *id) {
  for (size_t i = 0; i < count; i++)
    if (strcmp(ids[i], id) == 0)
      return i;
  return count;
}

static void sarif_rule(JsonOut *j, const char *id) {
  const LintCheck *check = lint_check(id);
  const char *summary = check ? check->summary : "a diagnostic of sigmac";
  jout_object_begin(j);
  jout_kv_string(j, "id", id);
  jout_key(j, "shortDescription");
  jout_object_begin(j);
  jout_kv_string(j, "text", summary);
  jout_object_end(j);
  jout_key(j, "help");
  jout_object_begin(j);
  jout_kv_string(j, "text", summary);
  jout_object_end(j);
  jout_key(j, "defaultConfiguration");
  jout_object_begin(j);
  jout_kv_string(j, "level", sarif_level(check ? check->severity : DIAG_WARNING));
  jout_object_end(j);
  jout_object_end(j);
}

static void sarif_location(JsonOut *j, const Diag *d) {
  const char *file = file_of(d);
  if (!file)
    return;
  Place p = place_of(d);
  jout_key(j, "locations");
  jout_array_begin(j);
  jout_object_begin(j);
  jout_key(j, "physicalLocation");
  jout_object_begin(j);
  jout_key(j, "artifactLocation");
  jout_object_begin(j);
  jout_kv_string(j, "uri", file + (strncmp(file, "./", 2) == 0 ? 2 : 0));
  jout_object_end(j);
  if (p.line) {
    jout_key(j, "region");
    jout_object_begin(j);
    jout_kv_int(j, "startLine", (long long)p.line);
    jout_kv_int(j, "startColumn", (long long)p.column);
    jout_kv_int(j, "endLine", (long long)p.end_line);
    jout_kv_int(j, "endColumn", (long long)p.end_column);
    jout_object_end(j);
  }
  jout_object_end(j);
  jout_object_end(j);
  jout_array_end(j);
}

static void sarif_report(const LintReport *r, StrBuf *out) {
  /* the rules: every registered check, then any id a diagnostic has that the registry lacks */
  size_t count = lint_check_count;
  const char **ids = malloc((lint_check_count + r->diags->count + 1) * sizeof(char *));
  if (!ids)
    abort();
  for (size_t i = 0; i < lint_check_count; i++)
    ids[i] = lint_checks[i].id;
  for (size_t i = 0; i < r->diags->count; i++) {
    const char *id = r->diags->items[i].check_id ? r->diags->items[i].check_id : "sigmac";
    if (rule_index(ids, count, id) == count)
      ids[count++] = id;
  }
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_kv_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  jout_kv_string(&j, "version", "2.1.0");
  jout_key(&j, "runs");
  jout_array_begin(&j);
  jout_object_begin(&j);
  jout_key(&j, "tool");
  jout_object_begin(&j);
  jout_key(&j, "driver");
  jout_object_begin(&j);
  jout_kv_string(&j, "name", "sigmac");
  jout_kv_string(&j, "version", r->version);
  jout_key(&j, "rules");
  jout_array_begin(&j);
  for (size_t i = 0; i < count; i++)
    sarif_rule(&j, ids[i]);
  jout_array_end(&j);
  jout_object_end(&j);
  jout_object_end(&j);
  jout_kv_string(&j, "columnKind", "unicodeCodePoints");
  jout_key(&j, "results");
  jout_array_begin(&j);
  for (size_t i = 0; i < r->diags->count; i++) {
    const Diag *d = &r->diags->items[i];
    const char *id = d->check_id ? d->check_id : "sigmac";
    jout_object_begin(&j);
    jout_kv_string(&j, "ruleId", id);
    jout_kv_int(&j, "ruleIndex", (long long)rule_index(ids, count, id));
    jout_kv_string(&j, "level", sarif_level(d->severity));
    jout_key(&j, "message");
    jout_object_begin(&j);
    jout_kv_string(&j, "text", d->message);
    jout_object_end(&j);
    sarif_location(&j, d);
    jout_object_end(&j);
  }
  jout_array_end(&j);
  jout_object_end(&j);
  jout_array_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
  free(ids);
}

/* ---- JUnit ------------------------------------------------------------------------------------
 */

static void junit_report(const LintReport *r, StrBuf *out) {
  size_t failures = 0;
  for (size_t f = 0; f < r->file_count; f++)
    for (size_t i = 0; i < r->diags->count; i++)
      if (r->diags->items[i].severity == DIAG_ERROR && file_of(&r->diags->items[i]) &&
          strcmp(file_of(&r->diags->items[i]), r->files[f]) == 0) {
        failures++;
        break;
      }
  sb_printf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite "
            "name=\"sigmac lint\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            r->file_count, failures);
  for (size_t f = 0; f < r->file_count; f++) {
    StrBuf found = STRBUF_INIT;
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < r->diags->count; i++) {
      const Diag *d = &r->diags->items[i];
      if (!file_of(d) || strcmp(file_of(d), r->files[f]) != 0)
        continue;
      errors += d->severity == DIAG_ERROR;
      warnings += d->severity == DIAG_WARNING;
      diag_render(d, &found);
    }
    sb_puts(out, "    <testcase classname=\"sigmac.lint\" name=\"");
    xml_text(out, r->files[f]);
    sb_puts(out, "\">\n");
    if (errors) {
      sb_printf(out, "      <failure message=\"%zu error%s, %zu warning%s\">", errors,
                errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
      xml_text(out, sb_text(&found));
      sb_puts(out, "</failure>\n");
    } else if (warnings) {
      sb_puts(out, "      <system-out>");
      xml_text(out, sb_text(&found));
      sb_puts(out, "</system-out>\n");
    }
    sb_puts(out, "    </testcase>\n");
    sb_free(&found);
  }
  sb_puts(out, "  </testsuite>\n</testsuites>\n");
}

bool lint_report_write(const LintReport *r, const char *format, StrBuf *out) {
  if (!format || strcmp(format, "text") == 0) {
    diag_render_all(r->diags, out);
    sb_printf(out, "%zu file%s, %zu error%s, %zu warning%s\n", r->file_count,
              r->file_count == 1 ? "" : "s", r->diags->errors, r->diags->errors == 1 ? "" : "s",
              r->diags->warnings, r->diags->warnings == 1 ? "" : "s");
  } else if (strcmp(format, "json") == 0) {
    json_report(r, out);
  } else if (strcmp(format, "sarif") == 0) {
    sarif_report(r, out);
  } else if (strcmp(format, "junit") == 0) {
    junit_report(r, out);
  } else {
    return false;
  }
  return true;
}
