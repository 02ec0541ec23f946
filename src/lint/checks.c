/* The checks (checks.h), in the order docs/checks.md lists them. */
#include "lint/checks.h"

#include <string.h>

const LintCheck lint_checks[] = {
    /* ---- Sigma rule shape: the specification --------------------------------------------- */
    {"sigma-schema", DIAG_ERROR,
     "the rule does not match the Sigma specification's JSON schema (keys, types, values)"},
    {"sigma-date", DIAG_ERROR, "date or modified is not a calendar date written YYYY-MM-DD"},
    {"sigma-tag", DIAG_WARNING,
     "a tag outside the specification's namespaces, or not in its namespace's form"},
    {"sigma-attack-tag", DIAG_WARNING,
     "an ATT&CK tag that names no tactic, technique, group or software of the ATT&CK table"},
    {"sigma-duplicate-id", DIAG_ERROR, "two rules of the run have the same id"},
    {"sigma-duplicate-title", DIAG_WARNING, "two rules of the run have the same title"},
    {"sigma-unused-selection", DIAG_WARNING, "a search identifier the condition never uses"},
    {"sigma-all-of-one", DIAG_WARNING,
     "'all of' over a single search identifier, which is that identifier"},
    {"sigma-wildcard-modifier", DIAG_WARNING,
     "a value wrapped in wildcards where a modifier (contains, startswith, endswith) says it"},
    {"sigma-escaped-wildcard", DIAG_WARNING,
     "an escaped wildcard (\\* or \\?): a literal star or question mark, which is rarely meant"},
    {"sigma-number-string", DIAG_WARNING,
     "a number written as a quoted string where the field holds numbers"},
    {"sigma-control-character", DIAG_WARNING, "a control character in a value"},
    {"sigma-base64offset-contains", DIAG_ERROR,
     "base64offset without contains: its encodings only match inside a value"},
    {"sigma-windash-no-dash", DIAG_WARNING, "windash on a value that holds no dash to vary"},
    {"sigma-regex-portability", DIAG_WARNING,
     "a regex construct some target cannot run (lookaround, atomic group, backreference, "
     "possessive quantifier)"},
    {"sigma-taxonomy-field", DIAG_WARNING,
     "a field name outside SigmaHQ's taxonomy for the rule's logsource"},
    {"sigma-generic-logsource", DIAG_WARNING,
     "a service logsource with an event ID where a specific category exists"},
    /* ---- Sigma front end ----------------------------------------------------------------------
     */
    {"yaml-syntax", DIAG_ERROR, "the file is not valid YAML"},
    {"yaml-duplicate-key", DIAG_ERROR, "a key is given twice in one map"},
    {"yaml-limit", DIAG_ERROR, "nesting or alias expansion beyond sigmac's limits"},
    {"yaml-nul", DIAG_ERROR, "a NUL character in a YAML scalar"},
    {"sigma-required", DIAG_ERROR, "a key the rule needs is missing"},
    {"sigma-type", DIAG_ERROR, "a key holds a value of the wrong kind"},
    {"sigma-value", DIAG_ERROR, "a value a key cannot take"},
    {"sigma-condition", DIAG_ERROR, "the condition does not parse or names no search identifier"},
    {"sigma-modifier-unknown", DIAG_ERROR, "a modifier the specification does not define"},
    {"sigma-modifier-conflict", DIAG_ERROR, "modifiers that cannot be combined"},
    {"sigma-regex", DIAG_ERROR, "a regex that does not compile"},
    {"sigma-cidr", DIAG_ERROR, "a network that is not an address/prefix"},
    {"sigma-cidr-host-bits", DIAG_WARNING, "a network with host bits set"},
    {"sigma-placeholder", DIAG_ERROR, "an expand placeholder with no values"},
    {"sigma-reference", DIAG_ERROR, "a correlation or filter names no rule of the run"},
    {"sigma-correlation", DIAG_ERROR, "a correlation that cannot be evaluated as written"},
    {"sigma-limit", DIAG_ERROR, "a rule beyond sigmac's limits (depth, expansions, size)"},
    {"sigma-no-taxonomy-name", DIAG_WARNING, "a field the Sigma taxonomy has no name for"},
    {"mapping-unmapped-field", DIAG_WARNING,
     "a field the field mapping has no target name for under the rule's logsource"},
    /* ---- EQL front end ------------------------------------------------------------------------
     */
    {"eql-syntax", DIAG_ERROR, "the EQL does not parse"},
    {"eql-pipe", DIAG_ERROR, "a pipe EQL does not have, or in the wrong place"},
    {"eql-sequence", DIAG_ERROR, "a sequence that breaks EQL's rules (steps, maxspan, until)"},
    {"eql-sample", DIAG_ERROR, "a sample that breaks EQL's rules"},
    {"eql-join-keys", DIAG_ERROR, "join keys that do not line up across steps"},
    {"eql-multiple-queries", DIAG_ERROR, "more than one query in one rule"},
    {"eql-function-unknown", DIAG_ERROR, "a function EQL does not have"},
    {"eql-function-arity", DIAG_ERROR, "a function called with the wrong number of arguments"},
    {"eql-function-argument", DIAG_ERROR, "a function argument of the wrong kind"},
    {"eql-function-tilde", DIAG_ERROR, "'~' on a function that has no case-insensitive form"},
    {"eql-type", DIAG_ERROR, "an operator over values of the wrong type"},
    {"eql-field-comparison", DIAG_ERROR, "a comparison of two fields, which EQL does not allow"},
    {"eql-endgame", DIAG_ERROR, "Endgame EQL that Elasticsearch does not run"},
    {"kql-syntax", DIAG_ERROR, "the KQL does not parse"},
    {"spl-syntax", DIAG_ERROR, "the SPL does not parse"},
    {"io", DIAG_ERROR, "a file that cannot be read"},
};

const size_t lint_check_count = sizeof lint_checks / sizeof lint_checks[0];

const LintCheck *lint_check(const char *id) {
  for (size_t i = 0; id && i < lint_check_count; i++)
    if (strcmp(lint_checks[i].id, id) == 0)
      return &lint_checks[i];
  return NULL;
}
