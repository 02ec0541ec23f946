/* Regular expressions for the evaluator: the project's only PCRE2 user.
 *
 * Patterns are Sigma's 're' flavour, which is PCRE2 syntax. A pattern that is valid UTF-8 is
 * compiled in UTF mode with PCRE2_MATCH_INVALID_UTF, so '.' and case folding work on characters
 * and a subject holding invalid UTF-8 never makes a match fail with an error: the invalid bytes
 * simply match nothing (not even '.'). A pattern that is not valid UTF-8 (it can only come from a
 * non-YAML source) is compiled byte-wise instead, where every byte is one character. \w, \d and \b
 * stay ASCII (no PCRE2_UCP), which is PCRE2's default.
 *
 * Every match runs under limits, so a catastrophic pattern reports REGEX_LIMIT instead of hanging
 * the evaluator. JIT code is used when PCRE2 has it; JIT honours the match limit (counted in its
 * own way) but not the depth and heap limits, and has its own stack limit instead. */
#ifndef SIGMAC_EVAL_REGEX_H
#define SIGMAC_EVAL_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Limits of one match. The match limit caps backtracking steps (interpreter and JIT alike); the
 * depth limit caps the interpreter's nested backtracking points and the heap limit (KiB) the memory
 * they take; JIT code runs on a stack that grows on demand up to REGEX_JIT_STACK_MAX bytes. */
enum {
  REGEX_MATCH_LIMIT = 1000000,
  REGEX_DEPTH_LIMIT = 10000,
  REGEX_HEAP_LIMIT_KIB = 20 * 1024,
  REGEX_JIT_STACK_MAX = 1024 * 1024,
};

/* A compiled pattern with its match data and limits. Owned by the arena it was compiled in; not
 * safe to use from two threads at once (the match data is shared between calls). */
typedef struct Regex Regex;

typedef enum RegexResult {
  REGEX_MATCH,    /* the pattern matched */
  REGEX_NO_MATCH, /* it did not */
  REGEX_LIMIT,    /* a match, depth, heap or JIT stack limit stopped the search: no answer */
  REGEX_ERROR,    /* any other PCRE2 failure (out of memory): no answer */
} RegexResult;

/* Whether patterns are JIT-compiled: yes, unless the environment holds SIGMAC_REGEX_NO_JIT (not
 * empty). For memory checkers: PCRE2's JIT code reads whole vectors past a subject's end on
 * purpose, which valgrind reports as invalid reads. The interpreter gives the same answers on
 * valid UTF-8; on subjects holding invalid sequences, PCRE2 10.42's interpreter takes the edges
 * of the valid fragments for the subject's in '\z' and '$' (JIT does not); whole-value matches
 * are decided before PCRE2 there (no match). */
bool regex_jit_wanted(void);

/* Compiles pattern[0..len) (NUL bytes allowed) with flags, a set of IR_RE_IGNORECASE,
 * IR_RE_MULTILINE and IR_RE_DOTALL from "sigmac/ir.h". Returns the regex, owned by arena: its PCRE2
 * objects are registered with arena_on_free() and die with the arena. On a syntax error returns
 * NULL, sets *error_offset to the byte offset in pattern where PCRE2 stopped and *error to PCRE2's
 * message (first letter lower-cased, no final period), allocated in arena. JIT compilation is
 * attempted; when it fails the interpreter is used, which is not an error. */
Regex *regex_compile(Arena *arena, const char *pattern, size_t len, unsigned flags,
                     size_t *error_offset, const char **error);

/* Searches subject[0..len) for the pattern anywhere in it (unanchored). The subject is borrowed
 * for the call only. */
RegexResult regex_search(Regex *regex, const char *subject, size_t len);

/* Matches the whole of subject[0..len): the match must start at 0 and end at len, trying every
 * alternative ('a|ab' matches "ab"). For engines whose regex matches the whole value. The anchored
 * variant of the pattern is compiled (and JIT-compiled) on the first call and dies with the regex's
 * arena; if that compilation fails (out of memory) the result is REGEX_ERROR. */
RegexResult regex_full_match(Regex *regex, const char *subject, size_t len);

/* A Lucene regex (EQL's regex and regex~) as the PCRE pattern that matches what it matches: the
 * whole value, '^' and '$' read literally as Lucene reads them. Allocated in arena. */
char *regex_from_lucene(Arena *arena, const char *lucene);

#endif
