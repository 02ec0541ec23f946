/* The checks (checks.h), in the order docs/checks.md lists them. */
#include "lint/checks.h"

#include <string.h>

#define CHECK(id_, severity_, summary_)                                                            \
  { .id = id_, .severity = severity_, .summary = summary_ }
#define CHECK_OFF(id_, severity_, summary_)                                                        \
  { .id = id_, .severity = severity_, .summary = summary_, .off_by_default = true }

const LintCheck lint_checks[] = {
    /* ---- Sigma rule shape: the specification --------------------------------------------- */
    CHECK("sigma-schema", DIAG_ERROR,
          "the rule does not match the Sigma specification's JSON schema (keys, types, values)"),
    CHECK("sigma-date", DIAG_ERROR, "date or modified is not a calendar date written YYYY-MM-DD"),
    CHECK("sigma-tag", DIAG_WARNING,
          "a tag outside the specification's namespaces, or not in its namespace's form"),
    CHECK("sigma-attack-tag", DIAG_WARNING,
          "an ATT&CK tag that names no tactic, technique, group or software of the ATT&CK table"),
    CHECK("sigma-duplicate-id", DIAG_ERROR, "two rules of the run have the same id"),
    CHECK("sigma-duplicate-title", DIAG_WARNING, "two rules of the run have the same title"),
    CHECK("sigma-unused-selection", DIAG_WARNING, "a search identifier the condition never uses"),
    CHECK("sigma-all-of-one", DIAG_WARNING,
          "'all of' over a single search identifier, which is that identifier"),
    CHECK("sigma-wildcard-modifier", DIAG_WARNING,
          "a value wrapped in wildcards where a modifier (contains, startswith, endswith) says it"),
    CHECK(
        "sigma-escaped-wildcard", DIAG_WARNING,
        "an escaped wildcard (\\* or \\?): a literal star or question mark, which is rarely meant"),
    CHECK("sigma-number-string", DIAG_WARNING,
          "a number written as a quoted string where the field holds numbers"),
    CHECK("sigma-control-character", DIAG_WARNING, "a control character in a value"),
    CHECK("sigma-base64offset-contains", DIAG_ERROR,
          "base64offset without contains: its encodings only match inside a value"),
    CHECK("sigma-windash-no-dash", DIAG_WARNING, "windash on a value that holds no dash to vary"),
    CHECK("sigma-regex-portability", DIAG_WARNING,
          "a regex construct some target cannot run (lookaround, atomic group, backreference, "
          "possessive quantifier)"),
    CHECK("sigma-taxonomy-field", DIAG_WARNING,
          "a field name outside SigmaHQ's taxonomy for the rule's logsource"),
    CHECK("sigma-generic-logsource", DIAG_WARNING,
          "a service logsource with an event ID where a specific category exists"),
    /* ---- fields against ECS and index patterns ---------------------------------------------- */
    CHECK(
        "ecs-unknown-field", DIAG_WARNING,
        "a field neither ECS nor the data sources of the rule's index patterns are known to write"),
    CHECK("ecs-type-clash", DIAG_ERROR,
          "a value Elasticsearch rejects or misreads for the field's type (text, number, ip)"),
    CHECK("ecs-category-field", DIAG_WARNING, "a field events of the query's category never carry"),
    CHECK("index-category", DIAG_WARNING,
          "an index pattern whose source holds no event of the category"),
    CHECK("registry-path-form", DIAG_WARNING,
          "a registry path form the rule's data source never writes"),
    CHECK_OFF("leading-wildcard", DIAG_NOTE,
              "a leading wildcard on a keyword field: every term is read (a cost, not an error)"),
    /* ---- Sigma front end ----------------------------------------------------------------------
     */
    CHECK("yaml-syntax", DIAG_ERROR, "the file is not valid YAML"),
    CHECK("yaml-duplicate-key", DIAG_ERROR, "a key is given twice in one map"),
    CHECK("yaml-limit", DIAG_ERROR, "nesting or alias expansion beyond sigmac's limits"),
    CHECK("yaml-nul", DIAG_ERROR, "a NUL character in a YAML scalar"),
    CHECK("sigma-required", DIAG_ERROR, "a key the rule needs is missing"),
    CHECK("sigma-type", DIAG_ERROR, "a key holds a value of the wrong kind"),
    CHECK("sigma-value", DIAG_ERROR, "a value a key cannot take"),
    CHECK("sigma-condition", DIAG_ERROR,
          "the condition does not parse or names no search identifier"),
    CHECK("sigma-modifier-unknown", DIAG_ERROR, "a modifier the specification does not define"),
    CHECK("sigma-modifier-conflict", DIAG_ERROR, "modifiers that cannot be combined"),
    CHECK("sigma-regex", DIAG_ERROR, "a regex that does not compile"),
    CHECK("sigma-cidr", DIAG_ERROR, "a network that is not an address/prefix"),
    CHECK("sigma-cidr-host-bits", DIAG_WARNING, "a network with host bits set"),
    CHECK("sigma-placeholder", DIAG_ERROR, "an expand placeholder with no values"),
    CHECK("sigma-reference", DIAG_ERROR, "a correlation or filter names no rule of the run"),
    CHECK("sigma-correlation", DIAG_ERROR, "a correlation that cannot be evaluated as written"),
    CHECK("sigma-limit", DIAG_ERROR, "a rule beyond sigmac's limits (depth, expansions, size)"),
    CHECK("sigma-no-taxonomy-name", DIAG_WARNING, "a field the Sigma taxonomy has no name for"),
    CHECK("mapping-unmapped-field", DIAG_WARNING,
          "a field the field mapping has no target name for under the rule's logsource"),
    /* ---- EQL front end ------------------------------------------------------------------------
     */
    CHECK("eql-syntax", DIAG_ERROR, "the EQL does not parse"),
    CHECK("eql-pipe", DIAG_ERROR, "a pipe EQL does not have, or in the wrong place"),
    CHECK("eql-sequence", DIAG_ERROR, "a sequence that breaks EQL's rules (steps, maxspan, until)"),
    CHECK("eql-sample", DIAG_ERROR, "a sample that breaks EQL's rules"),
    CHECK("eql-join-keys", DIAG_ERROR, "join keys that do not line up across steps"),
    CHECK("eql-multiple-queries", DIAG_ERROR, "more than one query in one rule"),
    CHECK("eql-function-unknown", DIAG_ERROR, "a function EQL does not have"),
    CHECK("eql-function-arity", DIAG_ERROR, "a function called with the wrong number of arguments"),
    CHECK("eql-function-argument", DIAG_ERROR, "a function argument of the wrong kind"),
    CHECK("eql-function-tilde", DIAG_ERROR, "'~' on a function that has no case-insensitive form"),
    CHECK("eql-type", DIAG_ERROR, "an operator over values of the wrong type"),
    CHECK("eql-regex", DIAG_ERROR, "a regex that does not compile: Elasticsearch rejects it"),
    CHECK("eql-field-comparison", DIAG_ERROR,
          "a comparison of two fields, which EQL does not allow"),
    CHECK("eql-endgame", DIAG_ERROR, "Endgame EQL that Elasticsearch does not run"),
    CHECK("kql-syntax", DIAG_ERROR, "the KQL does not parse"),
    CHECK("spl-syntax", DIAG_ERROR, "the SPL does not parse"),
    CHECK("io", DIAG_ERROR, "a file that cannot be read"),
    CHECK("config", DIAG_ERROR, "a .sigmac.yml that cannot be read or holds an unknown key"),
};

const size_t lint_check_count = sizeof lint_checks / sizeof lint_checks[0];

const LintCheck *lint_check(const char *id) {
  for (size_t i = 0; id && i < lint_check_count; i++)
    if (strcmp(lint_checks[i].id, id) == 0)
      return &lint_checks[i];
  return NULL;
}
