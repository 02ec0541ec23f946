/* Embedding libsigmac: compile a Sigma rule, convert it to EQL, and evaluate it over an event.
 * Build against an installed sigmac:
 *   cc embed.c $(pkg-config --cflags --libs sigmac) -o embed && ./embed
 * (tests/install_example.sh does exactly that in CI, against a fresh `cmake --install`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sigmac/sigmac.h>

static const char rule[] = "title: Whoami\n"
                           "logsource: {product: windows, category: process_creation}\n"
                           "detection:\n"
                           "  selection:\n"
                           "    Image|endswith: '\\whoami.exe'\n"
                           "  condition: selection\n";

static const char event[] = "{\"@timestamp\": \"2026-01-01T00:00:00Z\", \"event.category\": "
                            "[\"process\"], \"event.type\": [\"start\"], "
                            "\"process.executable\": \"C:\\\\Windows\\\\System32\\\\whoami.exe\"}\n";

int main(void) {
  SigmacSession *session = sigmac_session_new();
  if (!sigmac_add_text(session, "whoami.yml", rule, strlen(rule)) || !sigmac_finish(session)) {
    char *diagnostics = sigmac_render_diagnostics(session);
    fputs(diagnostics, stderr);
    free(diagnostics);
    sigmac_session_free(session);
    return 1;
  }
  char *eql = NULL;
  bool converted = sigmac_convert(session, "eql", "default", &eql);
  printf("%s", eql ? eql : "");
  free(eql);

  /* the evaluator reads events from files: one line of NDJSON */
  char path[] = "/tmp/sigmac-example-XXXXXX";
  int fd = mkstemp(path);
  FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!file || fputs(event, file) < 0 || fclose(file) != 0) {
    sigmac_session_free(session);
    return 1;
  }
  char *report = NULL;
  bool evaluated = sigmac_add_events(session, path) && sigmac_test(session, "text", &report);
  printf("%s", report ? report : "");
  free(report);
  remove(path);
  sigmac_session_free(session);
  return converted && evaluated ? 0 : 1;
}
