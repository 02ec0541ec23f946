/* libFuzzer target, differential: events streamed (an .ndjson file: the JSON check, the
 * prefilter and its memos, the router, remembered verdicts, lean trees) must give the report
 * that the same events read whole (a .json file: every rule on every event, no shortcut) give,
 * for a fixed set of rules that reach each shortcut. An input whose lines are not each one JSON
 * object by jansson's reading, or that holds a carriage return or a NUL byte, is skipped: the
 * two readers differ there by design (docs/evaluation.md). Findings are kept as cases of
 * golden/eval/stream/, which tests/test_eval_corpus.c runs both ways. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sigmac/sigmac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Field tests, keywords, numbers, a rule of ten clauses, a regex, EVTX routing, a value list
 * and a correlation over the matches. */
static const char sigma_rules[] =
    "title: field\nname: field\nlogsource: {product: windows}\n"
    "detection:\n  sel: {CommandLine|contains: 'mimikatz', Image|endswith: '\\tool.exe'}\n"
    "  condition: sel\n---\n"
    "title: keywords\nlogsource: {product: windows}\n"
    "detection:\n  keywords: ['sekurlsa::', 'Kiwi Legit', '4688x']\n  condition: keywords\n---\n"
    "title: number\nlogsource: {product: windows}\n"
    "detection:\n  sel: {EventID: 4688, ProcessId: 1234}\n  condition: sel\n---\n"
    "title: ten clauses\nlogsource: {product: linux}\n"
    "detection:\n  sel: {f0: tok0, f1: tok1, f2: tok2, f3: tok3, f4: tok4, f5: tok5, f6: tok6,"
    " f7: tok7, f8: tok8, f9: tok9}\n  condition: sel\n---\n"
    "title: regex\nlogsource: {product: linux}\n"
    "detection:\n  sel: {a|re: 'ab+c[0-9]'}\n  condition: sel\n---\n"
    "title: process creation\nlogsource: {product: windows, category: process_creation}\n"
    "detection:\n  sel: {ParentImage|startswith: 'C:\\Windows\\'}\n  condition: sel\n---\n"
    "title: list\nlogsource: {product: linux}\n"
    "detection:\n  sel:\n    b|contains: [one, two, three, four, five, six, seven, eight, nine]\n"
    "  condition: sel\n---\n"
    "title: the field rule twice on one host\nname: twice\ncorrelation:\n"
    "  type: event_count\n  rules: [field]\n  group-by: [Computer]\n  timespan: 10m\n"
    "  condition: {gte: 2}\n";
static const char eql_rule[] = "any where process.name : \"cmd.exe\" and process.pid > 100\n";

static char dir[] = "/tmp/sigmac-fuzz-stream-XXXXXX", stream_path[64], loaded_path[64];

static void clean_up(void) {
  unlink(stream_path);
  unlink(loaded_path);
  rmdir(dir);
}

static void setup(void) {
  if (!mkdtemp(dir))
    abort();
  atexit(clean_up);
  snprintf(stream_path, sizeof stream_path, "%s/events.ndjson", dir);
  snprintf(loaded_path, sizeof loaded_path, "%s/events.json", dir);
  FILE *f = fopen(stream_path, "w");
  if (!f)
    abort();
  fclose(f);
  if (link(stream_path, loaded_path) != 0) /* one file, two names: the same bytes each run */
    abort();
}

/* Whether every line is one JSON object by jansson's reading (blank lines aside). */
static bool plain_lines(const char *text, size_t size) {
  if (memchr(text, '\r', size) || memchr(text, '\0', size))
    return false;
  for (size_t at = 0; at < size;) {
    const char *end = memchr(text + at, '\n', size - at);
    size_t len = end ? (size_t)(end - (text + at)) : size - at;
    bool blank = true;
    for (size_t i = 0; i < len && blank; i++)
      blank = text[at + i] == ' ' || text[at + i] == '\t';
    if (!blank) {
      json_t *value = json_loadb(text + at, len, 0, NULL);
      bool object = json_is_object(value);
      json_decref(value);
      if (!object)
        return false;
    }
    at += len + 1;
  }
  return true;
}

static void drop_all(char *text, const char *what) {
  for (char *at; (at = strstr(text, what));)
    memmove(at, at + strlen(what), strlen(at + strlen(what)) + 1);
}

static char *report(const char *events) {
  SigmacSession *session = sigmac_session_new();
  if (!sigmac_add_text(session, "rules.yml", sigma_rules, strlen(sigma_rules)) ||
      !sigmac_add_text(session, "rule.eql", eql_rule, strlen(eql_rule)))
    abort(); /* the target's own rules must compile */
  sigmac_add_events(session, events);
  sigmac_finish(session);
  char *out = NULL;
  sigmac_test(session, "text", &out);
  sigmac_session_free(session);
  if (!out)
    abort();
  drop_all(out, events);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!stream_path[0])
    setup();
  if (size > 16384 || !plain_lines((const char *)data, size))
    return 0;
  FILE *f = fopen(stream_path, "w");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    abort();
  char *streamed = report(stream_path), *loaded = report(loaded_path);
  if (strcmp(streamed, loaded) != 0) {
    fprintf(stderr, "streamed:\n%s\nloaded:\n%s\n", streamed, loaded);
    abort();
  }
  free(streamed);
  free(loaded);
  return 0;
}
