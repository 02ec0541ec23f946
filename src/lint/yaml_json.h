/* A YAML document as the JSON a schema validates, and the way back from a place in that JSON
 * (a JSON pointer) to the YAML node written there, for diagnostics at file:line:col. */
#ifndef SIGMAC_LINT_YAML_JSON_H
#define SIGMAC_LINT_YAML_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "sigma/yaml_tree.h"

/* The document as JSON (new reference): plain scalars typed as PyYAML types them (numbers,
 * booleans, null), dates and everything quoted as strings, as the Sigma schemas expect. */
json_t *yaml_to_json(const YamlNode *node);

/* The node at a JSON pointer ("/detection/condition", "/tags/2"; "" the root); with key, the
 * key of the last member rather than its value. NULL when the pointer leads nowhere. */
const YamlNode *yaml_at_pointer(const YamlNode *root, const char *pointer, bool key);

#endif
