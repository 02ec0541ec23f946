/* libsigmac: compile detection rules (Sigma YAML today; native EQL next) into one IR, and print it.
 *
 * A session holds one run: every file added, the rules compiled from them, and the diagnostics.
 * Everything the session hands out stays valid until sigmac_session_free(). Strings returned as
 * `char *` are malloc'd and owned by the caller (free them); `const` results are the session's. */
#ifndef SIGMAC_SIGMAC_H
#define SIGMAC_SIGMAC_H

#include <stdbool.h>
#include <stddef.h>

#include "sigmac/ir.h"

typedef struct SigmacSession SigmacSession;

/* A new, empty session; never NULL (aborts on out-of-memory). */
SigmacSession *sigmac_session_new(void);
/* Frees the session and everything it handed out as const. NULL is allowed. */
void sigmac_session_free(SigmacSession *session);

/* Reads placeholder values for the 'expand' modifier (a YAML map of name -> list of values) from
 * path; later files are compiled with them. False (with diagnostics) when the file is unusable. */
bool sigmac_load_placeholders(SigmacSession *session, const char *path);

/* Chooses the EQL dialect of later .eql inputs: "elasticsearch" (the default) or "endgame"
 * (the legacy syntax: '=' equality, single-quoted strings, space-separated pipe arguments).
 * False for an unknown name. */
bool sigmac_set_eql_syntax(SigmacSession *session, const char *syntax);

/* Chooses the front end for every later input: "sigma", "eql" or "elastic" (an Elastic Security
 * rule export, .json or .ndjson). Without a call it goes by file name: .eql is EQL, .json and
 * .ndjson are exports, anything else Sigma. False for an unknown name. */
bool sigmac_set_input_language(SigmacSession *session, const char *language);

/* Metadata for rules whose source has none (EQL text), used when writing Sigma: key is one of
 * title, id, level, author, date, description, tag (tag may be given several times). False for
 * an unknown key. */
bool sigmac_set_metadata(SigmacSession *session, const char *key, const char *value);

/* Compiles the Sigma file at path (every YAML document in it) and adds its rules. False when the
 * file had errors (reported as diagnostics) or could not be read. */
bool sigmac_add_file(SigmacSession *session, const char *path);

/* The same for len bytes of text, reported under the name path. The text is copied. */
bool sigmac_add_text(SigmacSession *session, const char *path, const char *text, size_t len);

/* Resolves references between rules (correlations and filters name rules by id or name) once
 * every file is added. False when a reference names no rule. */
bool sigmac_finish(SigmacSession *session);

/* The rules compiled so far, in the order of files and documents. */
const IrRuleSet *sigmac_rules(const SigmacSession *session);

/* Runs the lint checks (docs/checks.md) over the files added and their rules, after
 * sigmac_finish(); findings join the diagnostics. False when there is any error. */
bool sigmac_lint(SigmacSession *session);

/* The diagnostics of the run as a lint report in format: "text" (with carets, then a count
 * line), "json", "sarif" (SARIF 2.1.0) or "junit" (a test case per file of files); NULL for an
 * unknown format. */
char *sigmac_lint_report(const SigmacSession *session, const char *format, const char *const *files,
                         size_t file_count);

/* Counts of diagnostics reported so far. */
size_t sigmac_error_count(const SigmacSession *session);
size_t sigmac_warning_count(const SigmacSession *session);

/* Every diagnostic as text: "file:line:col: error: message [id]", the source line, a caret line. */
char *sigmac_render_diagnostics(const SigmacSession *session);

/* The same, with ANSI colours when colour is true (for a terminal; the CLI asks only when
 * standard error is one and NO_COLOR is unset). */
char *sigmac_render_diagnostics_styled(const SigmacSession *session, bool colour);

/* Chooses the field mapping for conversions: a built-in mapping's name ("ecs_windows") or the
 * path of a mapping file (data/mappings/README.md). False (with diagnostics) when it cannot be
 * loaded. Without a call, conversions use "ecs_windows". */
bool sigmac_set_mapping(SigmacSession *session, const char *name_or_path);

/* Called as a long run goes (sigmac_prove(): after each rule) with what it does ("proving"), how
 * many of total are done and the path of the rule's file. */
typedef void (*SigmacProgressFn)(void *user, const char *stage, size_t done, size_t total,
                                 const char *item);

/* Chooses the progress callback of the session's long runs; NULL: none. */
void sigmac_set_progress(SigmacSession *session, SigmacProgressFn progress, void *user);

/* Converts every rule of the session for target ("eql") in format (NULL: the target's default),
 * after mapping their fields. *out receives the malloc'd text of every rule that converted.
 * Returns false when a rule was refused (each with a diagnostic saying why), or the target or
 * format is unknown (*out is then NULL and a diagnostic says so). */
bool sigmac_convert(SigmacSession *session, const char *target, const char *format, char **out);

/* Converts only the rules read from the file path (as given to sigmac_add_file()), for output
 * trees of one file per rule file; otherwise as sigmac_convert(). Fields are mapped at the first
 * call and reused by the next ones (so a mapping warning is reported once, not once per file):
 * choose the mapping before it. *out is "" when the file gave no query (no rule, or only rules that
 * a correlation uses and does not generate). */
bool sigmac_convert_file(SigmacSession *session, const char *target, const char *format,
                         const char *path, char **out);

/* How many rules the session's conversions so far wrote and refused. */
void sigmac_convert_counts(const SigmacSession *session, size_t *converted, size_t *refused);

/* The file name extension (".eql") of target's format (NULL: its default); NULL when either is
 * unknown. */
const char *sigmac_format_extension(const char *target, const char *format);

/* Adds events for sigmac_test(): NDJSON (one object per line), a JSON array of objects, or one
 * object; raw log lines for .log and .raw. NDJSON files (.ndjson, .jsonl) are read by
 * sigmac_test() itself, as a stream when every rule is a single-event rule; other files are read
 * now. False (with diagnostics at their lines) when the file is unreadable or, when read now,
 * malformed (the well-formed events are kept); malformed lines of a stream are reported by
 * sigmac_test(). */
bool sigmac_add_events(SigmacSession *session, const char *path);

/* The Elasticsearch index mapping (the JSON of PUT <index>/_mapping) of the events files added
 * after this call, or none (NULL). Events are then read as that index holds them: aliases, null
 * values, dates in the field's format, version ordering (src/eval/index_mapping.h). False (with
 * diagnostics) when the file is no mapping. */
bool sigmac_set_index_mapping(SigmacSession *session, const char *path);

/* Names the event fields sigmac_test() reads an event's EQL category, time and tiebreaker from
 * (Elasticsearch's event_category_field, timestamp_field, tiebreaker_field); NULL keeps the
 * current one. Defaults: event.category, @timestamp, none (input order breaks ties). */
void sigmac_set_event_fields(SigmacSession *session, const char *category, const char *timestamp,
                             const char *tiebreaker);

/* Limits of sigmac_test() as Elasticsearch's EQL search request has them: at most size results
 * per query (< 0: no limit, the default) and max_samples_per_key samples per join key (default 1).
 */
void sigmac_set_search_limits(SigmacSession *session, long long size,
                              long long max_samples_per_key);

/* Reads expectations for sigmac_test() (src/eval/expect.h has the format: per rule, the events
 * it must match as FILE:LINE). False (with diagnostics) when the file is unusable. */
bool sigmac_set_expectations(SigmacSession *session, const char *path);

/* Runs every rule over the loaded events with the semantics of its language, and writes which
 * events each rule matches into *out (malloc'd): format "text" (one line per rule with its
 * matches as file:line), "json" or "junit" (a test case per rule). With expectations, each
 * rule's differences from them are reported too. Returns false when a rule could not be
 * evaluated or differs from its expectations, or the format is unknown. */
bool sigmac_test(SigmacSession *session, const char *format, char **out);

/* Proves every rule's translations (src/prove/prove.h): for each target of targets (a
 * comma-separated list of eql and kql; NULL: both), the query the backend writes, parsed back
 * and run with the target's semantics, against the rule run with Sigma's, over the events added
 * and probe events made from the rule. *out receives the report in format "text" (NULL) or
 * "json". Returns false when a translation diverges without an explanation (exit status 1);
 * refusals and differences the conversion warned about are reported, not failures. */
bool sigmac_prove(SigmacSession *session, const char *targets, const char *format, char **out);

/* The session's diagnostics one by one: index < sigmac_diagnostic_count(). Strings are the
 * session's. severity is "error", "warning" or "note". */
size_t sigmac_diagnostic_count(const SigmacSession *session);
void sigmac_diagnostic(const SigmacSession *session, size_t index, const char **severity,
                       const char **check_id, const char **message);

/* The same for the diagnostics from number first on (first = sigmac_diagnostic_count() taken
 * before a step gives what that step reported). */
char *sigmac_render_diagnostics_since(const SigmacSession *session, size_t first);

/* The rules as the IR's JSON form (docs/ir.md). */
char *sigmac_ir_json(const SigmacSession *session);

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *sigmac_version(void);

/* What this build knows, one per line: "targets" (with their descriptions), "formats" (per
 * target, the default first), "pipelines" (the built-in field mappings) or "checks" (the lint
 * checks: id, default severity, what each finds). Malloc'd; NULL for an unknown list. */
char *sigmac_list(const char *what);

#endif
