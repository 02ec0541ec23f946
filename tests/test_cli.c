/* The sigmac command as a user runs it: exit codes, where output and diagnostics go, and that a
 * failed run leaves no output file behind. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static int run(const char *args, char **out) { return test_sigmac(args, true, out); }

Test(cli, compiles_our_rule_with_exit_0) {
  char *out;
  cr_assert_eq(run("-t ir rules/t1553_002.yml", &out), 0);
  cr_assert(strstr(out, "\"sigmac_ir\": 1"));
  cr_assert(strstr(out, "t1553_002_cert_drop_then_signing_tool"));
  free(out);
}

Test(cli, errors_in_the_input_exit_1_with_file_line_col) {
  char *out;
  cr_assert_eq(run("-t ir golden/cli/broken_condition.yml", &out), 1);
  cr_assert(strstr(out, "golden/cli/broken_condition.yml:7:16: error: unknown search identifier "
                        "'selektion' [sigma-condition]\n"),
            "%s", out);
  free(out);
}

Test(cli, usage_errors_exit_2) {
  char *out;
  cr_assert_eq(run("rules/t1553_002.yml", &out), 2);
  cr_assert(strstr(out, "sigmac: no target given; use -t eql, -t kql, -t spl, -t sigma or -t ir"),
            "%s", out);
  free(out);
  cr_assert_eq(run("-t nonsense rules/t1553_002.yml", &out), 2);
  free(out);
  cr_assert_eq(run("-t ir --bogus rules/t1553_002.yml", &out), 2);
  free(out);
  cr_assert_eq(run("-t ir", &out), 2);
  free(out);
}

Test(cli, missing_input_file_exits_2) {
  char *out;
  cr_assert_eq(run("-t ir no/such/file.yml", &out), 2);
  cr_assert(strstr(out, "no/such/file.yml"), "%s", out);
  free(out);
}

Test(cli, failed_run_leaves_no_output_file) {
  char path[] = "/tmp/sigmac-cli-XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  unlink(path);
  char args[512], *out;
  snprintf(args, sizeof args, "-t ir -o %s rules/t1553_002.yml golden/cli/broken_condition.yml",
           path);
  cr_assert_eq(run(args, &out), 1);
  free(out);
  cr_assert(access(path, F_OK) != 0, "output file written by a failed run");
  snprintf(args, sizeof args, "-t ir -o %s rules/t1553_002.yml", path);
  cr_assert_eq(run(args, &out), 0);
  free(out);
  char *written = test_read_file(path, NULL);
  cr_assert(written && strstr(written, "\"sigmac_ir\": 1"));
  free(written);
  unlink(path);
}

Test(cli, directories_are_searched_recursively_in_order) {
  char *out;
  cr_assert_eq(run("-t ir golden/cli/tree", &out), 0);
  char *first = strstr(out, "golden/cli/tree/a/one.yml");
  char *second = strstr(out, "golden/cli/tree/b.yml");
  cr_assert(first && second && first < second, "%s", out);
  cr_assert_null(strstr(out, "ignored.txt"));
  free(out);
}

Test(cli, eql_of_our_rule_exits_0) {
  char *out;
  cr_assert_eq(run("-t eql rules/t1553_002.yml", &out), 0);
  cr_assert(strstr(out, "sequence by host.name with maxspan=5m\n"), "%s", out);
  cr_assert(strstr(out, "process where event.type == \"start\" and\n"), "%s", out);
  free(out);
}

Test(cli, refused_rule_exits_1_and_the_others_still_convert) {
  char *out;
  cr_assert_eq(run("-t eql golden/cli/keywords.yml rules/t1553_002.yml", &out), 1);
  cr_assert(strstr(out, "golden/cli/keywords.yml:7:11: error: EQL has no free-text search"), "%s",
            out);
  cr_assert(strstr(out, "sequence by host.name"), "%s", out);
  free(out);
}

Test(cli, unknown_format_or_mapping_exits_2) {
  char *out;
  cr_assert_eq(run("-t eql -f yaml rules/t1553_002.yml", &out), 2);
  cr_assert(strstr(out, "target 'eql' has no output format 'yaml'"), "%s", out);
  free(out);
  cr_assert_eq(run("-t eql -p qradar_leef rules/t1553_002.yml", &out), 2);
  cr_assert(strstr(out, "unknown mapping 'qradar_leef'"), "%s", out);
  free(out);
}

Test(cli, mapping_file_given_with_p) {
  char *out;
  cr_assert_eq(run("-t eql -p golden/cli/tiny_mapping.yml golden/cli/tree/b.yml", &out), 0);
  cr_assert_str_eq(out, "process where proc.path : \"*\\\\cmd.exe\"\n");
  free(out);
}

Test(cli, kibana_ndjson_format) {
  char *out;
  cr_assert_eq(run("-t eql -f kibana-ndjson golden/cli/tree/b.yml", &out), 0);
  cr_assert(strstr(out, "\"type\":\"eql\",\"language\":\"eql\""), "%s", out);
  free(out);
}

Test(cli, keywords_search_the_mapping_keyword_field) {
  char *out;
  cr_assert_eq(run("-t eql -p golden/cli/keyword_mapping.yml golden/cli/keywords.yml", &out), 0);
  cr_assert_str_eq(out, "any where message : \"*mimikatz*\"\n");
  free(out);
}

Test(cli, elastic_export_to_sigma_keeps_its_metadata) {
  char *out;
  /* the second rule is KQL, which is not read: exit 1, the EQL rule still written */
  cr_assert_eq(run("-t sigma golden/cli/export.ndjson", &out), 1);
  cr_assert(strstr(out, "title: 'Certutil adds a trusted publisher'\n"), "%s", out);
  cr_assert(strstr(out, "id: '0b4a5b1e-5d7f-4a63-9c5a-1f2e3d4c5b6a'\n"), "%s", out);
  cr_assert(strstr(out, "    - 'attack.defense-evasion'\n    - 'attack.t1553.004'\n"), "%s", out);
  cr_assert(strstr(out, "level: 'high'\n"), "%s", out);
  cr_assert(strstr(out, "    category: process_creation\n"), "%s", out);
  cr_assert(strstr(out, "        Image|endswith: '\\certutil.exe'\n"), "%s", out);
  cr_assert(strstr(out, "is not an EQL rule (language 'kuery')"), "%s", out);
  free(out);
}

Test(cli, metadata_flags_for_eql_input) {
  char *out;
  cr_assert_eq(run("-t sigma --title 'Signing tools' --level high --tag attack.t1553.002 "
                   "rules/t1553_002_eql/signing_tool_suspicious_parent.eql",
                   &out),
               0);
  cr_assert(strstr(out, "title: 'Signing tools'\n"), "%s", out);
  cr_assert(strstr(out, "tags:\n    - 'attack.t1553.002'\n"), "%s", out);
  cr_assert(strstr(out, "level: 'high'\n"), "%s", out);
  free(out);
}

Test(cli, test_lists_the_events_each_rule_matches) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/events.ndjson "
                   "rules/t1553_002_eql/signing_tool_suspicious_parent.eql "
                   "rules/t1553_002_eql/cert_file_user_writable_path.eql",
                   &out),
               0);
  cr_assert(strstr(out, "signing_tool_suspicious_parent.eql #1: (no title): 1 of 3 events: "
                        "golden/cli/events.ndjson:1\n"),
            "%s", out);
  cr_assert(strstr(out, "cert_file_user_writable_path.eql #1: (no title): 1 of 3 events: "
                        "golden/cli/events.ndjson:2\n"),
            "%s", out);
  free(out);
}

Test(cli, test_reads_sigma_rules_over_ecs_and_evtx_events) {
  char *out;
  /* the events have no host and no time: the correlation finds nothing */
  cr_assert_eq(run("test --events golden/cli/events.ndjson rules/t1553_002.yml", &out), 0);
  cr_assert(strstr(out, "#1: Code Signing Or Certificate Store Use Of Signtool Or Certutil From "
                        "Suspicious Parent: 2 of 3 events: golden/cli/events.ndjson:1, "
                        "golden/cli/events.ndjson:3\n"),
            "%s", out);
  cr_assert(strstr(out, "On Same Host: 0 correlations\n"), "%s", out);
  free(out);
}

Test(cli, test_needs_events) {
  char *out;
  cr_assert_eq(run("test rules/t1553_002.yml", &out), 2);
  cr_assert(strstr(out, "test needs events: --events FILE"), "%s", out);
  free(out);
}

#define TWO_EQL_RULES                                                                              \
  "rules/t1553_002_eql/signing_tool_suspicious_parent.eql "                                        \
  "rules/t1553_002_eql/cert_file_user_writable_path.eql"

Test(cli, test_expect_passes_with_exit_0) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/events.ndjson --expect "
                   "golden/cli/events.good.expect.yml " TWO_EQL_RULES,
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "2 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

Test(cli, test_expect_lists_each_difference_with_exit_1) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/events.ndjson --expect "
                   "golden/cli/events.expect.yml " TWO_EQL_RULES,
                   &out),
               1);
  cr_assert(strstr(out, "1 of 3 events: golden/cli/events.ndjson:1\n"
                        "  expected, not matched: events.ndjson:2\n"),
            "%s", out);
  cr_assert(strstr(out, "1 of 3 events: golden/cli/events.ndjson:2\n"
                        "  matched, not expected: events.ndjson:2\n"),
            "%s", out);
  cr_assert(strstr(out, "0 rules as expected, 2 differ\n"), "%s", out);
  free(out);
}

Test(cli, test_expect_file_errors_are_located) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/events.ndjson --expect "
                   "golden/cli/broken.expect.yml " TWO_EQL_RULES,
                   &out),
               1);
  cr_assert(strstr(out, "golden/cli/broken.expect.yml:3:7: error: an expected event is written "
                        "FILE:LINE (or 'missing' in a chain), not this [expect-syntax]\n"),
            "%s", out);
  free(out);
}

Test(cli, test_junit_report) {
  char *out;
  cr_assert_eq(run("test --format junit --events golden/cli/events.ndjson --expect "
                   "golden/cli/events.expect.yml " TWO_EQL_RULES " 2>/dev/null",
                   &out),
               1);
  cr_assert(strstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<testsuites name=\"sigmac test\" tests=\"2\" failures=\"2\">\n"),
            "%s", out);
  cr_assert(strstr(out, "<testcase classname=\"rules/t1553_002_eql/signing_tool_suspicious_parent"
                        ".eql\" name=\"signing_tool_suspicious_parent.eql\">\n      <failure "
                        "message=\"matches differ from the expectations\">expected, not matched: "
                        "events.ndjson:2\n</failure>\n    </testcase>\n"),
            "%s", out);
  free(out);
}

Test(cli, test_evaluates_every_correlation_type) {
  char *out;
  cr_assert_eq(run("test --events golden/eval/correlations.ndjson --expect "
                   "golden/eval/correlations.expect.yml golden/eval/correlations.yml",
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "\n10 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

/* The T1553.002 fixtures (golden/t1553_002_events/README.md): every rule of the detection, in
 * Sigma and in EQL, over each form of the Atomic tests' events, as the expectations say. */
Test(cli, t1553_002_fixtures_match_as_expected) {
  static const char *const ecs_forms[] = {"endpoint", "winlogbeat", "macos-endpoint"};
  char command[1024], *out;
  for (size_t i = 0; i < 3; i++) {
    snprintf(command, sizeof command,
             "test --events golden/t1553_002_events/%s.ndjson --expect "
             "golden/t1553_002_events/%s.expect.yml rules/t1553_002.yml rules/t1553_002_macos.yml "
             "rules/t1553_002_eql",
             ecs_forms[i], ecs_forms[i]);
    cr_assert_eq(run(command, &out), 0, "%s: %s", ecs_forms[i], out);
    cr_assert(strstr(out, "\n10 rules as expected, 0 differ\n"), "%s", out);
    free(out);
  }
  /* EVTX-rendered Sysmon: the Sigma rules only (EQL reads ECS names) */
  cr_assert_eq(run("test --events golden/t1553_002_events/sysmon-evtx.ndjson --expect "
                   "golden/t1553_002_events/sysmon-evtx.expect.yml rules/t1553_002.yml "
                   "rules/t1553_002_macos.yml",
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "\n5 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

Test(cli, test_streamed_ndjson_reports_malformed_lines_and_goes_on) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/malformed.ndjson golden/cli/certutil.eql", &out), 1);
  cr_assert(strstr(out, "certutil.eql #1: (no title): 1 of 2 events: "
                        "golden/cli/malformed.ndjson:5\n"),
            "%s", out);
  cr_assert(strstr(out, "golden/cli/malformed.ndjson:2:62: error: invalid JSON: '}' expected near "
                        "end of file [event-json]\n"),
            "%s", out);
  cr_assert(strstr(out, "golden/cli/malformed.ndjson:3:1: error: item 1 of the array is not a "
                        "JSON object [event-json]\n"),
            "%s", out);
  cr_assert(strstr(out, "golden/cli/malformed.ndjson:4:1: error: an event must be a JSON object "
                        "[event-json]\n"),
            "%s", out);
  free(out);
}

Test(cli, test_tries_sigma_rules_on_their_logsource_only) {
  char *out;
  cr_assert_eq(run("test --events golden/eval/logsource.ndjson --expect "
                   "golden/eval/logsource.expect.yml golden/eval/logsource.yml",
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "\n5 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

/* The prefilter looks for a field test's anchors in the values of keys rules read, and for a
 * keyword search's in every value. */
Test(cli, test_keyword_rules_read_values_no_field_names) {
  char *out;
  cr_assert_eq(run("test --events golden/eval/keywords.ndjson --expect "
                   "golden/eval/keywords.expect.yml golden/eval/keywords.yml",
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "\n2 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

Test(cli, test_remembers_verdicts_by_the_values_rules_read) {
  char *out;
  cr_assert_eq(run("test --events golden/eval/remembered.ndjson --expect "
                   "golden/eval/remembered.expect.yml golden/eval/remembered.yml",
                   &out),
               0, "%s", out);
  cr_assert(strstr(out, "\n3 rules as expected, 0 differ\n"), "%s", out);
  free(out);
}

Test(cli, test_expectations_name_rules_as_listed) {
  char *out;
  cr_assert_eq(run("test --events golden/eval/keywords.ndjson --expect golden/cli/by_title.yml "
                   "golden/eval/keywords.yml",
                   &out),
               1, "%s", out);
  cr_assert(strstr(out, "golden/cli/by_title.yml:3:3: error: no rule 'Mimikatz Image' was run (a "
                        "Sigma rule is listed by its name, else its id, else its title; an EQL "
                        "rule by its file name) [expect-no-rule]\n"),
            "%s", out);
  free(out);
}

/* A JSON writer may escape any character (\u0063 for 'c'): the streamed line's text then does
 * not show the rule's literal, and the prefilter must not skip it. */
Test(cli, test_streaming_reads_lines_with_unusual_escapes) {
  char *out;
  cr_assert_eq(run("test --events golden/cli/escaped.ndjson golden/cli/certutil.eql", &out), 0);
  cr_assert(strstr(out, "1 of 2 events: golden/cli/escaped.ndjson:1\n"), "%s", out);
  free(out);
}

Test(cli, test_reads_events_as_their_index_mapping_says) {
  char *out;
  cr_assert_eq(
      run("test --index-mapping golden/eval/index.mapping --events golden/eval/index.ndjson "
          "--expect golden/eval/index.expect.yml golden/eval/index_version.eql "
          "golden/eval/index_date.eql golden/eval/index_null.eql",
          &out),
      0, "%s", out);
  cr_assert(strstr(out, "\n3 rules as expected, 0 differ\n"), "%s", out);
  free(out);
  /* without the mapping, versions compare as text and null is null */
  cr_assert_eq(run("test --events golden/eval/index.ndjson --expect golden/eval/index.expect.yml "
                   "golden/eval/index_version.eql golden/eval/index_date.eql "
                   "golden/eval/index_null.eql",
                   &out),
               1);
  free(out);
}

/* Removes the lines that start with '//' from text. */
static void strip_labels(char *text) {
  char *to = text;
  for (char *line = text; *line;) {
    char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line + 1) : strlen(line);
    if (strncmp(line, "//", 2) != 0) {
      memmove(to, line, len);
      to += len;
    }
    line += len;
  }
  *to = '\0';
}

/* sigmac prove ARGS: exit 0 and the summary line. */
static void proves(const char *args, const char *summary) {
  char command[512], *out;
  snprintf(command, sizeof command, "prove %s", args);
  cr_assert_eq(run(command, &out), 0, "%s", out);
  cr_assert(strstr(out, summary), "%s", out);
  free(out);
}

/* prove: a proof exits 0, an unknown target or format is a usage error (2), and the KQL written
 * for our rule reads back through --from kql to the same query. */
Test(cli, prove_and_kql_round_trip) {
  char *out;
  proves("-t eql rules/t1553_002.yml",
         "eql: 4 proven, 0 differs-by-case, 0 diverges, 0 refused, 0 not-evaluated\n");
  cr_assert_eq(run("prove -t eql,lucene rules/t1553_002.yml", &out), 2, "%s", out);
  cr_assert(strstr(out, "prove knows the targets eql, kql and spl, not 'lucene'"), "%s", out);
  free(out);
  cr_assert_eq(run("prove --format junit rules/t1553_002.yml", &out), 2, "%s", out);
  free(out);
  char path[] = "/tmp/sigmac-kql-XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
  char command[1024];
  snprintf(command, sizeof command, "%s -t kql rules/t1553_002.yml > %s 2>/dev/null",
           test_sigmac_command(), path);
  cr_assert_eq(WEXITSTATUS(system(command)), 1); /* #4, a sequence, is refused */
  char *kql = test_read_file(path, NULL);
  char args[256];
  snprintf(args, sizeof args, "--from kql -t kql %s", path);
  cr_assert_eq(run(args, &out), 0, "%s", out);
  strip_labels(kql); /* the '//' labels name the files, which differ */
  strip_labels(out);
  cr_assert_str_eq(out, kql);
  free(out);
  free(kql);
  unlink(path);
}

/* KQL's nested queries: written back as they were, refused by the targets that read nested
 * objects flattened, at the place of each. */
Test(cli, kql_nested_queries) {
  char *out;
  cr_assert_eq(run("-t kql golden/cli/nested.kql", &out), 0, "%s", out);
  cr_assert_str_eq(out, "p:{ f:a and not g:1 } or p.q:{ r:\"x y\" }\n");
  free(out);
  cr_assert_eq(run("-t eql golden/cli/nested.kql", &out), 1, "%s", out);
  cr_assert(strstr(out, "golden/cli/nested.kql:1:26: error: EQL has no nested query: 'p.q:{ ... }' "
                        "needs one object of 'p.q' to satisfy the whole query, and EQL reads the "
                        "objects' fields flattened [eql-refused-nested]\n"),
            "%s", out);
  free(out);
  cr_assert_eq(run("-t spl golden/cli/nested.kql", &out), 1, "%s", out);
  cr_assert(strstr(out, "golden/cli/nested.kql:1:1: error: SPL has no nested query: 'p:{ ... }'"),
            "%s", out);
  free(out);
}

/* -p splunk_cim: each logsource searches its CIM data set in the data model's field names; a
 * field or logsource the tables do not name is refused at its place (the mapping is strict),
 * and what is written is proven as the Splunk Windows form is. */
Test(cli, splunk_cim_data_models) {
  char *out;
  cr_assert_eq(run("-t spl -p splunk_cim golden/cli/cim_refusals.yml", &out), 1, "%s", out);
  cr_assert(strstr(out, "golden/cli/cim_refusals.yml:6:22: error: field 'Hashes' has no splunk_cim "
                        "mapping for logsource product windows category process_creation (a "
                        "strict mapping writes only what its tables name) [spl-refused-mapping]\n"),
            "%s", out);
  cr_assert(strstr(out,
                   "golden/cli/cim_refusals.yml:9:1: error: the splunk_cim mapping has no data "
                   "set for logsource product windows category image_load (a strict mapping "
                   "writes only what its tables name) [spl-refused-mapping]\n"),
            "%s", out);
  cr_assert(strstr(out, "| datamodel Endpoint Processes search | search "
                        "Processes.process_path=\"/usr/bin/curl\" Processes.user=\"root\"\n"),
            "%s", out);
  free(out);
  proves("-t spl -p splunk_cim rules/t1553_002.yml",
         "spl: 3 proven, 0 differs-by-case, 0 diverges, 1 refused, 0 not-evaluated\n");
  cr_assert_eq(run("--from spl -t spl golden/t1553_002/t1553_002.cim.spl", &out), 0, "%s", out);
  cr_assert(strstr(out, "| datamodel Endpoint Registry search | search "
                        "Registry.registry_key_name IN (\"*\\\\ROOT\\\\Certificates\\\\*\""),
            "%s", out);
  free(out);
}

/* sigmac list: what this build knows, from its registries; an unknown list is a usage error. */
Test(cli, list_targets_formats_pipelines_and_checks) {
  char *out;
  cr_assert_eq(run("list targets", &out), 0, "%s", out);
  cr_assert(strstr(out, "spl      Splunk Search Processing Language (SPL), Splunk searches\n"),
            "%s", out);
  free(out);
  cr_assert_eq(run("list formats", &out), 0, "%s", out);
  cr_assert(strstr(out, "kql      default kibana-ndjson\n"), "%s", out);
  free(out);
  cr_assert_eq(run("list pipelines", &out), 0, "%s", out);
  cr_assert(strstr(out, "splunk_cim      Sigma fields to Splunk CIM data model fields"), "%s", out);
  free(out);
  cr_assert_eq(run("list checks", &out), 0, "%s", out);
  cr_assert(strstr(out, "leading-wildcard             note    a leading wildcard on a keyword "
                        "field: every term is read (a cost, not an error) (off by default)\n"),
            "%s", out);
  free(out);
  cr_assert_eq(run("list rules", &out), 2, "%s", out);
  cr_assert(strstr(out, "list takes one of targets, formats, pipelines or checks"), "%s", out);
  free(out);
}

/* Two command lines print the same and exit with status. */
static void same_output(const char *first, const char *second, int status) {
  char *first_out, *second_out;
  cr_assert_eq(run(first, &first_out), status, "%s", first_out);
  cr_assert_eq(run(second, &second_out), status, "%s", second_out);
  cr_assert_str_eq(second_out, first_out);
  free(first_out);
  free(second_out);
}

/* sigmac convert is the long form of sigmac -t, and check sigma-cli's name for lint; every
 * command has its own --help, with examples. */
Test(cli, convert_long_form_and_help_per_command) {
  same_output("-t eql rules/t1553_002.yml", "convert -t eql rules/t1553_002.yml", 0);
  same_output("lint docs/walkthrough/draft.yml", "check docs/walkthrough/draft.yml", 1);
  static const char *const commands[] = {"convert", "lint", "test", "prove", "list"};
  for (size_t i = 0; i < 5; i++) {
    char args[64], *out, expected[64];
    snprintf(args, sizeof args, "%s --help", commands[i]);
    cr_assert_eq(run(args, &out), 0, "%s", out);
    snprintf(expected, sizeof expected, "usage: sigmac %s", commands[i]);
    cr_assert(strncmp(out, expected, strlen(expected)) == 0, "%s", out);
    cr_assert(strstr(out, "\nexample"), "%s: no examples", commands[i]);
    free(out);
  }
  char *check;
  cr_assert_eq(run("check --help", &check), 0);
  cr_assert(strncmp(check, "usage: sigmac lint", 18) == 0, "%s", check);
  free(check);
}

/* Colours in diagnostics on a terminal only (script(1) gives sigmac one), and never with
 * NO_COLOR set. */
Test(cli, colours_on_a_terminal_only) {
  char *out;
  if (!test_sigmac_on_terminal("", "-t eql tests/bad/yaml-empty.yml", &out))
    cr_skip("script(1) is missing: no terminal to test colours on");
  cr_assert(strstr(out, "\x1b[1;31merror\x1b[0m: empty file"), "%s", out);
  free(out);
  test_sigmac_on_terminal("NO_COLOR=1", "-t eql tests/bad/yaml-empty.yml", &out);
  cr_assert(strstr(out, "error: empty file") && !strchr(out, '\x1b'), "%s", out);
  free(out);
  cr_assert_eq(run("-t eql tests/bad/yaml-empty.yml", &out), 1);
  cr_assert(!strchr(out, '\x1b'), "%s", out); /* a pipe: no colours */
  free(out);
}

/* -t navigator: an ATT&CK Navigator layer of the techniques the rules' tags name, by id, each
 * scored with the number of rules and commented with their titles; tactics are not techniques. */
Test(cli, navigator_layer_of_a_rule_tree) {
  char path[64], args[128], *out;
  snprintf(path, sizeof path, "/tmp/sigmac-navigator-%d.yml", (int)getpid());
  static const char rules[] = "title: A\ntags: [attack.discovery, attack.t1059.001, attack.t1033]\n"
                              "logsource: {product: windows, category: process_creation}\n"
                              "detection:\n  sel: {Image|endswith: a.exe}\n  condition: sel\n---\n"
                              "title: B\ntags: [attack.t1033, attack.g0016]\n"
                              "logsource: {product: windows, category: process_creation}\n"
                              "detection:\n  sel: {Image|endswith: b.exe}\n  condition: sel\n";
  cr_assert(test_write_file(path, rules, sizeof rules - 1));
  snprintf(args, sizeof args, "-t navigator %s", path);
  cr_assert_eq(run(args, &out), 0, "%s", out);
  json_t *layer = json_loads(out, 0, NULL);
  cr_assert(layer, "%s", out);
  json_t *techniques = json_object_get(layer, "techniques");
  cr_assert_eq(json_array_size(techniques), 2, "%s", out);
  json_t *first = json_array_get(techniques, 0), *second = json_array_get(techniques, 1);
  cr_assert_str_eq(json_string_value(json_object_get(first, "techniqueID")), "T1033");
  cr_assert_eq(json_integer_value(json_object_get(first, "score")), 2);
  cr_assert_str_eq(json_string_value(json_object_get(first, "comment")), "A; B");
  cr_assert_str_eq(json_string_value(json_object_get(second, "techniqueID")), "T1059.001");
  cr_assert_str_eq(json_string_value(json_object_get(layer, "domain")), "enterprise-attack");
  json_decref(layer);
  free(out);
  unlink(path);
}
