/* JSON's whitespace, for the readers that skip it between values. */
#ifndef SIGMAC_BASE_JSON_SPACE_H
#define SIGMAC_BASE_JSON_SPACE_H

#include <stdbool.h>

/* Space, tab, line feed, carriage return; not NUL (which strchr would also find in the string
 * of the four). */
static inline bool json_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

#endif
