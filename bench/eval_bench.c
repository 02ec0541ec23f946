/* The evaluator's throughput: rules (files or folders of Sigma/EQL) over an NDJSON file of events,
 * streamed as `sigmac test` streams it, on one core. Prints events per second, how many events
 * the prefilter let through to parsing, rule evaluations per event, and peak memory.
 *
 *   bench_eval EVENTS.ndjson RULE|DIR...            (bench/run builds and runs it) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/diag.h"
#include "cli/cli.h"
#include "eval/stream.h"
#include "schema/mapping.h"
#include "sigmac/sigmac.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: bench_eval EVENTS.ndjson RULE|DIR...\n", stderr);
    return 2;
  }
  PathList paths = {0};
  for (int i = 2; i < argc; i++)
    cli_collect_inputs(argv[i], &paths);
  SigmacSession *session = sigmac_session_new();
  for (size_t i = 0; i < paths.count; i++)
    sigmac_add_file(session, paths.items[i]);
  sigmac_finish(session);
  const IrRuleSet *rules = sigmac_rules(session);
  size_t detection = 0;
  for (size_t i = 0; i < rules->count; i++)
    detection += rules->rules[i]->kind == IR_RULE_DETECTION;
  if (!stream_possible(rules)) {
    fputs("bench_eval: the rules hold sequences or correlations, which are not streamed\n", stderr);
    return 2;
  }
  Arena arena;
  arena_init(&arena);
  DiagSink diags;
  diag_sink_init(&diags, &arena);
  Mapping *mapping = mapping_builtin(&arena, "ecs_windows", &diags);
  StreamInput events = {argv[1], NULL};
  size_t count;
  StreamStats stats;
  double start = now();
  RuleResult *results =
      stream_rules(&arena, &diags, rules, mapping, NULL, NULL, &events, 1, &count, &stats);
  double seconds = now() - start;
  size_t matches = 0, unevaluated = 0;
  for (size_t i = 0; i < count; i++) {
    matches += results[i].matches.count;
    unevaluated += !results[i].evaluated;
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("rules %zu (detection %zu, not evaluated %zu)\n", count, detection, unevaluated);
  printf("prefilter: %zu rules without anchors, %zu anchors, %zu KiB\n", stats.unanchored,
         stats.anchors, stats.prefilter_bytes / 1024);
  printf("events %zu, parsed %zu (%.1f%%), verdicts remembered %zu (%.1f%%), rule evaluations "
         "%.2f per event, matches %zu\n",
         stats.events, stats.parsed,
         100.0 * (double)stats.parsed / (double)(stats.events ? stats.events : 1), stats.remembered,
         100.0 * (double)stats.remembered / (double)(stats.events ? stats.events : 1),
         (double)stats.candidates / (double)(stats.events ? stats.events : 1), matches);
  printf("values of keys whose values are new, scanned without the memo: %.2f per event\n",
         (double)stats.unremembered / (double)(stats.events ? stats.events : 1));
  printf("evaluation arena: %zu MiB\n", arena.bytes_used >> 20);
  printf("seconds %.3f, events/s %.0f, peak RSS %ld MiB\n", seconds, (double)stats.events / seconds,
         usage.ru_maxrss / 1024);
  arena_free(&arena);
  sigmac_session_free(session);
  cli_free_paths(&paths);
  return 0;
}
