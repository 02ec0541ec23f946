/* The anchors of a rule: literals such that if the rule matches an event, one of each clause's
 * occurs in the event's JSON text, ignoring ASCII case (the prefilter's necessary condition,
 * prefilter.h). A predicate that tests a literal gives its longest run of characters that JSON
 * writes one way only (letters, digits, space, backslash as "\\", most punctuation, non-ASCII
 * characters as UTF-8; not '/', '<', '>', '&' or '"', which writers may escape; a regex's
 * non-ASCII characters neither, since PCRE2 folds their case); AND takes its most selective
 * operands' clauses (text common to nearly every Windows event left out when others remain),
 * OR a clause per choice of one clause of each operand (the union of their anchors); a regex
 * gives the literal its top level requires. A rule for which no anchors can be found (a regex
 * without literals, a negation, a numeric range alone) has no clause. */
#ifndef SIGMAC_EVAL_ANCHORS_H
#define SIGMAC_EVAL_ANCHORS_H

#include "base/arena.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

/* Shorter runs say too little to be worth a lookup, but for one character of two UTF-8 bytes
 * (a Cyrillic or Greek look-alike of a Latin letter), which event text seldom holds. */
enum { ANCHOR_MIN = 3, ANCHOR_MIN_WIDE = 2 };

/* The first byte of an anchor that is a value's whole text, not a part of one (no JSON text
 * holds it raw): an integer of one or two digits a field equals (port 88) is too short to look
 * for inside values, and a number equal to it, or a string the matcher compares with it, is
 * written as those digits exactly. */
#define ANCHOR_WHOLE '\x01'

/* One of these anchors occurs when the node holds (for one starting with ANCHOR_WHOLE: is a
 * value's whole text). */
typedef struct Clause {
  const char **items; /* as they appear in JSON text (a backslash doubled) */
  size_t count;
  size_t min_len; /* the shortest, unescaped */
} Clause;

/* Every clause holds when the node holds; none: the node may hold for any event. */
typedef struct Requirement {
  Clause *clauses;
  size_t count;
} Requirement;

/* The clauses of a rule (its queries OR-ed, a Sigma condition list). A test of time_field
 * (EQL's, a date) gives no anchor: date text need not appear as written. So does a test of an
 * optional field, which its absence may satisfy, and a Sigma test of a field whose values
 * mapping (may be NULL) rewrites in a value map. */
Requirement rule_requirement(Arena *arena, const IrRule *rule, const char *time_field,
                             const Mapping *mapping);

#endif
