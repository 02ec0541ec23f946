/* A JSON syntax check without building anything: whether a text is exactly one JSON value
 * (RFC 8259, UTF-8, whitespace around it allowed), nested at most JSON_CHECK_DEPTH deep. The
 * streaming evaluator checks every event line with it, so that a malformed event is reported even
 * when the prefilter says no rule can match it, at a fraction of the cost of parsing it. */
#ifndef SIGMAC_EVAL_JSON_CHECK_H
#define SIGMAC_EVAL_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum { JSON_CHECK_DEPTH = 2048 }; /* jansson's own limit, so both agree */

/* True when text[0..len) is one JSON value; *is_object says whether it is an object. */
bool json_check(const char *text, size_t len, bool *is_object);

#endif
