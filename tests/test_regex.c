/* Unit tests of src/eval/regex.c: flags, search against whole-value match, error offsets and
 * messages, limits on catastrophic patterns, and subjects that are not valid UTF-8. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>
#include <time.h>

#include "eval/regex.h"
#include "sigmac/ir.h"

static Arena arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(regex, .init = setup, .fini = teardown);

/* Compiles a pattern that must be valid (NUL-terminated for convenience). */
static Regex *compile(const char *pattern, unsigned flags) {
  size_t offset = 0;
  const char *error = NULL;
  Regex *regex = regex_compile(&arena, pattern, strlen(pattern), flags, &offset, &error);
  cr_assert_not_null(regex, "'%s' failed at %zu: %s", pattern, offset, error ? error : "?");
  return regex;
}

static RegexResult search(const char *pattern, unsigned flags, const char *subject) {
  return regex_search(compile(pattern, flags), subject, strlen(subject));
}

static RegexResult full(const char *pattern, unsigned flags, const char *subject) {
  return regex_full_match(compile(pattern, flags), subject, strlen(subject));
}

/* ---- flags ----------------------------------------------------------------------------------- */

Test(regex, ignorecase) {
  cr_assert_eq(search("abc", 0, "xABCx"), REGEX_NO_MATCH);
  cr_assert_eq(search("abc", IR_RE_IGNORECASE, "xABCx"), REGEX_MATCH);
  cr_assert_eq(search("(?i)abc", 0, "xABCx"), REGEX_MATCH);
  /* UTF mode: case folding beyond ASCII */
  cr_assert_eq(search("\xc3\xa9t\xc3\xa9", 0, "\xc3\x89T\xc3\x89"), REGEX_NO_MATCH);
  cr_assert_eq(search("\xc3\xa9t\xc3\xa9", IR_RE_IGNORECASE, "\xc3\x89T\xc3\x89"), REGEX_MATCH);
}

Test(regex, multiline) {
  cr_assert_eq(search("^b$", 0, "a\nb\nc"), REGEX_NO_MATCH);
  cr_assert_eq(search("^b$", IR_RE_MULTILINE, "a\nb\nc"), REGEX_MATCH);
}

Test(regex, dotall) {
  cr_assert_eq(search("a.b", 0, "a\nb"), REGEX_NO_MATCH);
  cr_assert_eq(search("a.b", IR_RE_DOTALL, "a\nb"), REGEX_MATCH);
  cr_assert_eq(search("a.b", IR_RE_DOTALL | IR_RE_IGNORECASE | IR_RE_MULTILINE, "A\nB"),
               REGEX_MATCH);
}

Test(regex, dot_is_one_character_in_utf_mode) {
  cr_assert_eq(full("a.b", 0, "a\303\251b"), REGEX_MATCH);
  cr_assert_eq(full("a..b", 0, "a\303\251b"), REGEX_NO_MATCH);
}

/* ---- search against full match --------------------------------------------------------------- */

Test(regex, search_is_unanchored) {
  cr_assert_eq(search("b", 0, "abc"), REGEX_MATCH);
  cr_assert_eq(search("^b", 0, "abc"), REGEX_NO_MATCH);
  cr_assert_eq(search("", 0, ""), REGEX_MATCH);
  cr_assert_eq(search("x", 0, "abc"), REGEX_NO_MATCH);
}

Test(regex, full_match_needs_the_whole_subject) {
  cr_assert_eq(full("b", 0, "abc"), REGEX_NO_MATCH);
  cr_assert_eq(full("abc", 0, "xabc"), REGEX_NO_MATCH);
  cr_assert_eq(full("abc", 0, "abcx"), REGEX_NO_MATCH);
  cr_assert_eq(full("abc", 0, "abc"), REGEX_MATCH);
  cr_assert_eq(full("", 0, ""), REGEX_MATCH);
  cr_assert_eq(full("", 0, "x"), REGEX_NO_MATCH);
  cr_assert_eq(full("a.*", 0, "abc"), REGEX_MATCH);
}

/* The end anchor must make the matcher backtrack into other alternatives, not just test where
 * the first match ended. */
Test(regex, full_match_tries_every_alternative) {
  cr_assert_eq(full("a|ab", 0, "ab"), REGEX_MATCH);
  cr_assert_eq(full("(a|ab)(c|bcd)", 0, "abcd"), REGEX_MATCH);
  cr_assert_eq(full("a+?", 0, "aaa"), REGEX_MATCH);
}

/* '$' allows a final newline; the whole-value match does not. */
Test(regex, full_match_is_not_dollar) {
  cr_assert_eq(search("^abc$", 0, "abc\n"), REGEX_MATCH);
  cr_assert_eq(full("abc", 0, "abc\n"), REGEX_NO_MATCH);
  cr_assert_eq(full("abc$", 0, "abc\n"), REGEX_NO_MATCH);
  cr_assert_eq(full("abc\\n", 0, "abc\n"), REGEX_MATCH);
}

/* One Regex serves both kinds of call, in any order. */
Test(regex, search_and_full_match_share_one_regex) {
  Regex *regex = compile("b+", IR_RE_IGNORECASE);
  cr_assert_eq(regex_search(regex, "aBbc", 4), REGEX_MATCH);
  cr_assert_eq(regex_full_match(regex, "aBbc", 4), REGEX_NO_MATCH);
  cr_assert_eq(regex_full_match(regex, "BbB", 3), REGEX_MATCH);
  cr_assert_eq(regex_search(regex, "ac", 2), REGEX_NO_MATCH);
  cr_assert_eq(regex_search(regex, "cab", 3), REGEX_MATCH);
}

Test(regex, nul_bytes_in_pattern_and_subject) {
  size_t offset;
  const char *error;
  Regex *regex = regex_compile(&arena, "a\0b", 3, 0, &offset, &error);
  cr_assert_not_null(regex);
  cr_assert_eq(regex_search(regex, "xa\0bx", 5), REGEX_MATCH);
  cr_assert_eq(regex_search(regex, "xa", 2), REGEX_NO_MATCH);
  cr_assert_eq(regex_full_match(regex, "a\0b", 3), REGEX_MATCH);
  cr_assert_eq(regex_search(compile("a\\x00b", 0), "a\0b", 3), REGEX_MATCH);
}

Test(regex, null_subject_of_length_zero) {
  cr_assert_eq(regex_search(compile("^$", 0), NULL, 0), REGEX_MATCH);
  cr_assert_eq(regex_full_match(compile("a*", 0), NULL, 0), REGEX_MATCH);
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* Held in arrays: Criterion rebuilds parameters in each worker process, where pointers into the
 * parent's string literals are not valid. */
struct BadPattern {
  char pattern[24];
  size_t offset; /* where PCRE2 reports the error */
  char message[80];
};

ParameterizedTestParameters(regex, invalid_pattern) {
  static struct BadPattern cases[] = {
      {"a(b", 3, "missing closing parenthesis"},
      {"[z-a]", 3, "range out of order in character class"},
      {"a{2,1}", 5, "numbers out of order in {} quantifier"},
      {"*a", 0, "quantifier does not follow a repeatable item"},
      {"ab\\", 3, "\\ at end of pattern"},
      {"[[:foo:]]", 3, "unknown POSIX class name"},
      {"[a", 2, "missing terminating ] for character class"},
      {"a)", 1, "unmatched closing parenthesis"},
      {"(?<n>a)(?<n>b)", 12, "two named subpatterns have the same name (PCRE2_DUPNAMES not set)"},
      {"\\k<nope>", 3, "reference to non-existent subpattern"},
  };
  return cr_make_param_array(struct BadPattern, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct BadPattern *c, regex, invalid_pattern) {
  size_t offset = 999;
  const char *error = NULL;
  Regex *regex = regex_compile(&arena, c->pattern, strlen(c->pattern), 0, &offset, &error);
  cr_assert_null(regex, "'%s' compiled", c->pattern);
  cr_assert_str_eq(error, c->message, "'%s'", c->pattern);
  cr_assert_eq(offset, c->offset, "'%s': offset %zu, expected %zu", c->pattern, offset, c->offset);
}

Test(regex, error_messages_follow_house_wording) {
  static const char *patterns[] = {"(", "a**+", "(?P<1a>x)", "[\\d-z]", "x{99999999999}", "(?z)"};
  for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
    size_t offset;
    const char *error = NULL;
    cr_assert_null(regex_compile(&arena, patterns[i], strlen(patterns[i]), 0, &offset, &error));
    size_t n = strlen(error);
    cr_assert(n > 0 && error[n - 1] != '.', "'%s': '%s'", patterns[i], error);
    cr_assert(offset <= strlen(patterns[i]), "'%s': offset %zu", patterns[i], offset);
  }
}

/* ---- limits ---------------------------------------------------------------------------------- */

/* Exponential backtracking: stopped by the match limit (JIT and interpreter alike), fast. */
/* The limit is what stops it (the answer says so); the timeout only turns a hang into a failure,
 * generously, since valgrind runs this too. */
Test(regex, catastrophic_pattern_hits_the_limit, .timeout = 120) {
  const char *subject = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
  Regex *regex = compile("(a+)+$", 0);
  cr_assert_eq(regex_search(regex, subject, strlen(subject)), REGEX_LIMIT);
  cr_assert_eq(regex_full_match(regex, subject, strlen(subject)), REGEX_LIMIT);
  /* the regex stays usable after a limit */
  cr_assert_eq(regex_search(regex, "aaa", 3), REGEX_MATCH);
}

/* Deep backtracking on a long subject: a stack or depth limit, never a crash. A moderate subject
 * still matches (the JIT stack grows past its default 32 KiB on demand). */
Test(regex, deep_backtracking, .timeout = 120) {
  enum { LONG = 200000, MODERATE = 4000 };
  char *subject = arena_alloc(&arena, LONG);
  for (size_t i = 0; i < LONG; i++)
    subject[i] = i % 2 ? 'a' : 'b';
  Regex *regex = compile("^(a|b)*$", 0);
  cr_assert_eq(regex_search(regex, subject, MODERATE), REGEX_MATCH);
  cr_assert_eq(regex_full_match(regex, subject, MODERATE), REGEX_MATCH);
  cr_assert_eq(regex_search(regex, subject, LONG), REGEX_LIMIT);
  cr_assert_eq(regex_search(regex, subject, MODERATE), REGEX_MATCH);
}

/* ---- UTF-8 ----------------------------------------------------------------------------------- */

/* Invalid bytes in a subject never raise an error: they match nothing, not even '.'. */
Test(regex, invalid_utf8_subject) {
  const char subject[] = "\377abc\376\303";
  cr_assert_eq(regex_search(compile("abc", 0), subject, sizeof subject - 1), REGEX_MATCH);
  cr_assert_eq(regex_search(compile("b.", 0), subject, sizeof subject - 1), REGEX_MATCH);
  cr_assert_eq(regex_search(compile("c.", IR_RE_DOTALL), subject, sizeof subject - 1),
               REGEX_NO_MATCH);
  cr_assert_eq(regex_full_match(compile(".*", 0), subject, sizeof subject - 1), REGEX_NO_MATCH);
  cr_assert_eq(regex_search(compile("a.c", 0), "a\200c", 3), REGEX_NO_MATCH);
  cr_assert_eq(regex_search(compile("\\xff", 0), "\xff", 1), REGEX_NO_MATCH);
}

/* A pattern that is not valid UTF-8 is compiled byte-wise: one byte, one character. */
Test(regex, invalid_utf8_pattern_matches_bytes) {
  Regex *regex = compile("a\xff.", IR_RE_IGNORECASE);
  cr_assert_eq(regex_search(regex, "xA\xff\xfe", 4), REGEX_MATCH);
  cr_assert_eq(regex_search(regex, "xA\xfe\xfe", 4), REGEX_NO_MATCH);
  cr_assert_eq(regex_full_match(regex, "a\xff\xc3", 3), REGEX_MATCH);
  cr_assert_eq(regex_full_match(regex, "a\xff\xc3\xa9", 4), REGEX_NO_MATCH);
}

/* Many regexes die with their arena (LeakSanitizer checks this under -DSIGMAC_SANITIZE=ON). */
Test(regex, regexes_die_with_the_arena) {
  Arena scratch;
  arena_init(&scratch);
  for (int i = 0; i < 100; i++) {
    size_t offset;
    const char *error;
    Regex *regex = regex_compile(&scratch, "x(y|z)+", 7, (unsigned)i % 8, &offset, &error);
    cr_assert_not_null(regex);
    cr_assert_eq(regex_full_match(regex, "xyzy", 4), REGEX_MATCH);
    cr_assert_null(regex_compile(&scratch, "x(", 2, 0, &offset, &error));
  }
  arena_free(&scratch);
}

/* SIGMAC_REGEX_NO_JIT (set by the valgrind stage of CI) leaves every pattern to PCRE2's
 * interpreter, with the same answers and the same limits. */
Test(regex, interpreter_without_jit_gives_the_same_answers, .timeout = 120) {
  setenv("SIGMAC_REGEX_NO_JIT", "1", 1);
  cr_assert_not(regex_jit_wanted());
  cr_assert_eq(search("b+c", 0, "abbbcd"), REGEX_MATCH);
  cr_assert_eq(search("B+C", IR_RE_IGNORECASE, "abbbcd"), REGEX_MATCH);
  cr_assert_eq(full("b+c", 0, "abbbcd"), REGEX_NO_MATCH);
  const char *subject = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
  cr_assert_eq(search("(a+)+$", 0, subject), REGEX_LIMIT);
}
