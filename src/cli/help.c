/* The help texts: the overview (sigmac --help) and each command's own, with examples. Kept
 * beside each other so that they read, and are checked, as one text; docs/sigmac.1 says the
 * same at length. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* The overview, in parts: C11 promises string literals of 4095 characters, no more. */
static const char *const usage_text[] = {
    "usage: sigmac -t TARGET [options] FILE|DIR...\n"
    "       sigmac convert -t TARGET [-p MAPPING] [-f FORMAT] [-o FILE | --output-dir DIR]\n"
    "                      [-q] [-s] FILE|DIR...\n"
    "       sigmac lint [--format text|json|sarif|junit] [--werror]\n"
    "                   [--syntax elasticsearch|endgame] FILE|DIR...\n"
    "       sigmac test --events FILE [--events FILE]... [--expect FILE]\n"
    "                   [--format text|json|junit] RULE|DIR...\n"
    "       sigmac prove [--events FILE]... [-t eql,kql,spl] [-p MAPPING] [--format text|json]\n"
    "                    RULE|DIR...\n"
    "       sigmac list targets|formats|pipelines|checks\n"
    "\n"
    "Compiles Sigma rules (.yml, .yaml) and EQL, KQL and SPL queries (.eql, .kql, .spl);\n"
    "directories are searched recursively. 'lint' reports every problem of the rules and\n"
    "converts nothing.\n"
    "\n"
    "targets:\n"
    "  eql           Elasticsearch EQL (Elastic Security); formats: default, kibana-ndjson\n"
    "  kql           Kibana Query Language (Elastic's KQL, not Microsoft's Kusto, which other\n"
    "                Sigma tools also call KQL); formats: default, kibana-ndjson\n"
    "  spl           Splunk SPL searches (mapping splunk_windows by default); formats:\n"
    "                default, savedsearches\n"
    "  sigma         portable Sigma YAML (from EQL: fields mapped back to the Sigma taxonomy)\n"
    "  navigator     an ATT&CK Navigator layer of the techniques the rules' tags name\n"
    "  ir            the sigmac IR as JSON (docs/ir.md), before field mapping\n"
    "\n",
    "options:\n"
    "  -t, --target TARGET     what to produce\n"
    "  -p, --pipeline MAPPING  field mapping: a built-in name (ecs_windows, the default;\n"
    "                          splunk_windows, the default of -t spl; splunk_cim, Splunk's\n"
    "                          CIM data models) or a mapping file (data/mappings/README.md)\n"
    "  -f, --format FORMAT     output format of the target (default: default)\n"
    "  -o, --output FILE       write the output to FILE (only when every rule compiled)\n"
    "      --output-dir DIR    write a tree mirroring the inputs: a file per rule file, with\n"
    "                          the format's extension (a file whose rules were refused is not\n"
    "                          written, and one an earlier run left there is removed)\n"
    "  -q, --quiet             no summary line after runs over several files\n"
    "  -s, --skip-unsupported  rules the target cannot express (each still said, with why)\n"
    "                          do not fail the run: -o and --output-dir write the others\n"
    "      --placeholders FILE values for the 'expand' modifier's %name% placeholders\n"
    "      --from LANGUAGE     read every input as sigma, eql, kql, spl or elastic (a rule\n"
    "                          export); by default .eql is EQL, .kql KQL, .spl SPL,\n"
    "                          .json/.ndjson exports, others Sigma\n"
    "      --title, --id, --level, --author, --date, --description TEXT, --tag TAG (repeatable)\n"
    "                          metadata for rules read from EQL, when writing Sigma\n"
    "\n",
    "test options:\n"
    "      --events FILE       events: NDJSON, a JSON array, or raw lines (.log, .raw)\n"
    "      --index-mapping FILE the Elasticsearch index mapping of the --events files after\n"
    "                          it: aliases, null values, date formats, version fields\n"
    "      --expect FILE       the events each rule must match (docs/evaluation.md); a\n"
    "                          difference is listed and the exit status is 1\n"
    "      --format FORMAT     text (default), json or junit\n"
    "      --category-field F  the field of an event's EQL category (event.category)\n"
    "      --timestamp-field F the field of its time (@timestamp)\n"
    "      --tiebreaker-field F the field ordering events of the same time (input order)\n"
    "      --size N            at most N results per EQL query (no limit)\n"
    "      --max-samples-per-key N  samples per join key of an EQL sample (1)\n"
    "  -h, --help              this text\n"
    "      --version           the version\n"
    "\n"
    "prove: for each rule and target, the query written is parsed back and run with the\n"
    "target's semantics next to the rule, over the events given and probe events made from\n"
    "the rule: proven, differs-by-case (as the conversion warned), diverges (with the smallest\n"
    "event that shows it; exit status 1), refused or not-evaluated.\n"
    "\n"
    "exit status: 0 every rule converted, 1 a rule was refused or invalid, 2 usage or I/O error\n",
};

/* 'sigmac COMMAND --help': the command's own options, with examples. */
static const struct {
  const char *command;
  const char *text;
} command_help[] = {
    {"convert",
     "usage: sigmac convert -t TARGET [-p MAPPING] [-f FORMAT] [-o FILE | --output-dir DIR]\n"
     "                      [-q] [-s] FILE|DIR...\n"
     "       (the same as sigmac -t TARGET ...)\n"
     "\n"
     "Writes each rule as TARGET's query: eql, kql, spl, sigma or ir (sigmac list targets).\n"
     "  -p MAPPING  ecs_windows (default), splunk_windows (default of spl), splunk_cim, a file\n"
     "  -f FORMAT   eql, kql: default, kibana-ndjson; spl: default, savedsearches\n"
     "  -o FILE     written only when every rule converted\n"
     "  --output-dir DIR  a file per rule file, mirroring the paths below each argument, with\n"
     "              the format's extension (.eql, .kql, .spl, .ndjson, .conf, .yml); files\n"
     "              whose rules were refused are not written\n"
     "  -q          no summary line (files, rules converted and refused, errors, warnings, time)\n"
     "  -s, --skip-unsupported  a rule the target cannot express is said and skipped, not a\n"
     "              failure (invalid rules still are); --fail-unsupported, the default\n"
     "\n"
     "On a terminal, runs over several files show a progress bar on standard error.\n"
     "\n"
     "examples:\n"
     "  sigmac convert -t eql rules/t1553_002.yml\n"
     "  sigmac convert -t kql -f kibana-ndjson -o rules.ndjson rules/\n"
     "  sigmac convert -t spl -p splunk_cim rules/windows/\n"
     "  sigmac convert -t kql -f kibana-ndjson --output-dir build/kibana rules/\n"
     "  sigmac convert -t eql -s -o sigmahq.eql sigma/rules/\n"},
    {"lint",
     "usage: sigmac lint [--format text|json|sarif|junit] [--werror] FILE|DIR...\n"
     "       (sigmac check is the same, as sigma-cli names it)\n"
     "\n"
     "Reports every problem of the rules (docs/checks.md, sigmac list checks); exit 1 on an\n"
     "error, or a warning with --werror. A .sigmac.yml found upward from a file sets the\n"
     "checks' severities; '# sigmac: disable=ID' turns one off for a document.\n"
     "\n"
     "examples:\n"
     "  sigmac lint rules/\n"
     "  sigmac lint --format sarif rules/ > sigmac.sarif\n"
     "  sigmac lint --werror --format junit rules/ > lint.xml\n"},
    {"test",
     "usage: sigmac test --events FILE [--events FILE]... [--expect FILE]\n"
     "                   [--format text|json|junit] RULE|DIR...\n"
     "\n"
     "Runs the rules over JSON events with their engine's semantics (docs/evaluation.md) and\n"
     "lists what each matches; with --expect, a difference is listed and the exit status is 1.\n"
     "\n"
     "examples:\n"
     "  sigmac test --events golden/t1553_002_events/endpoint.ndjson rules/t1553_002.yml\n"
     "  sigmac test --events events.ndjson --expect expect.yml --format junit rules/\n"},
    {"prove",
     "usage: sigmac prove [--events FILE]... [-t eql,kql,spl] [-p MAPPING] [--format text|json]\n"
     "                    RULE|DIR...\n"
     "\n"
     "For each rule and target, parses the query written back and runs it next to the rule\n"
     "over the events given and probe events made from the rule (docs/prove.md): proven,\n"
     "differs-by-case, diverges (exit status 1), refused or not-evaluated.\n"
     "\n"
     "examples:\n"
     "  sigmac prove rules/t1553_002.yml\n"
     "  sigmac prove -t spl -p splunk_cim --format json rules/\n"},
    {"list", "usage: sigmac list targets|formats|pipelines|checks\n"
             "\n"
             "What this build knows: targets with their descriptions, each target's formats (the\n"
             "default first), the built-in field mappings, the lint checks with their severities.\n"
             "\n"
             "example:\n"
             "  sigmac list checks\n"},
};

/* The help of command (lint, test, ...), or the overview for none. */
void cli_print_help(const char *command) {
  for (size_t c = 0; command && c < sizeof command_help / sizeof *command_help; c++)
    if (strcmp(command_help[c].command, command) == 0) {
      fputs(command_help[c].text, stdout);
      return;
    }
  for (size_t part = 0; part < sizeof usage_text / sizeof *usage_text; part++)
    fputs(usage_text[part], stdout);
}
