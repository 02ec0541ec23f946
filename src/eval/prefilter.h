/* The prefilter: which rules an event can possibly match, found from the event's JSON text alone,
 * before it is parsed. Each rule gets anchor clauses (anchors.h): literals such that if the rule
 * matches an event, one anchor of each clause occurs in the event's JSON text, ignoring ASCII
 * case. A rule without clauses is a candidate for every event. One pass of the gram scanner
 * (grams.h) over each value then gives the candidates; a memo of recent values (memo.h) gives
 * a value's anchor texts without a scan. Only a necessary condition: candidates are evaluated in
 * full. It holds for JSON text that escapes no ASCII letter, digit or such punctuation and no
 * non-ASCII character; a line that does (json_check() notes it) is not prefiltered, nor are
 * events read with an index mapping, whose null values and dates are not in the text. */
#ifndef SIGMAC_EVAL_PREFILTER_H
#define SIGMAC_EVAL_PREFILTER_H

#include "eval/grams.h"
#include "schema/mapping.h"
#include "sigmac/ir.h"

typedef struct Prefilter Prefilter;

/* The prefilter of rules[0..count) (detection rules; the index is the rule's number). A test of
 * time_field (EQL's, a date) gives no anchor: date text need not appear as written. So does a
 * test of an optional field, which its absence may satisfy. whole_event[i] (NULL: none) says
 * that rule i reads every value of an event (Sigma keywords), not only its fields' values;
 * mapping (NULL: none) is the one Sigma rules are read with (anchors.h). */
Prefilter *prefilter_build(Arena *arena, const IrRule *const *rules, size_t count,
                           const char *time_field, const bool *whole_event, const Mapping *mapping);

/* The candidate rules for an event whose JSON text is text[0..len), taken as one value: their
 * numbers, ascending, into out (room for every rule); returns how many. An anchor that is a
 * whole value (ANCHOR_WHOLE) is found only when text is that value: a caller that walks the
 * event feeds its values one by one (below). */
size_t prefilter_candidates(Prefilter *pf, const char *text, size_t len, uint32_t *out);

/* The same in steps, for a caller that walks the event: begin, feed each value's text (the
 * anchors are literals of values, so keys need not be read), end with the candidates. A value
 * no field of any rule reads (read false: its key is none of theirs) is searched only for the
 * anchors of rules that read every value. */
void prefilter_begin(Prefilter *pf);
void prefilter_feed(Prefilter *pf, const char *text, size_t len, bool read);
/* A value a rule's field reads, as prefilter_feed() takes it, with its key's count of values
 * in a row that were not remembered (NULL: none kept): a key whose values are new every time
 * (a hash, a GUID) has them scanned without the memo, which they would only crowd. */
void prefilter_feed_read(Prefilter *pf, const char *text, size_t len, uint8_t *misses);
enum { PREFILTER_NEW_IN_A_ROW = 16 }; /* such a count at which the memo is skipped */
/* A value no field of any rule reads, the member of key[0..key_len) (0: an item, or not known):
 * its keyword texts. */
void prefilter_feed_unread(Prefilter *pf, const char *key, size_t key_len, const char *text,
                           size_t len);
/* A JSON number's text that a rule's field reads: only the anchor texts a number can hold are
 * looked for. */
void prefilter_feed_number(Prefilter *pf, const char *text, size_t len);
/* The candidates among the rules allowed leaves (bit r % 64 of word r / 64 for rule r; NULL:
 * every rule), as prefilter_candidates() gives them. */
size_t prefilter_end(Prefilter *pf, const uint64_t *allowed, uint32_t *out);

/* How many rules are candidates for every event (they have no anchors), and how many anchors
 * the others have in all; for the benchmark's report. */
size_t prefilter_unanchored(const Prefilter *pf);
/* How many values skipped the memo (prefilter_feed_read()) so far. */
size_t prefilter_skipped(const Prefilter *pf);
size_t prefilter_anchor_count(const Prefilter *pf);
size_t prefilter_bytes(const Prefilter *pf);

#endif
