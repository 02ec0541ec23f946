/* Regular expressions on PCRE2: compile with limits and JIT, search, and match whole values. */
#include "eval/regex.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "base/utf8.h"
#include "sigmac/ir.h"

struct Regex {
  const char *pattern;          /* copy of the pattern, kept to compile the anchored variant */
  size_t len;                   /* bytes of pattern */
  uint32_t options;             /* compile options shared by both variants */
  pcre2_code *search;           /* the pattern as written, for unanchored search */
  pcre2_code *full;             /* ANCHORED|ENDANCHORED variant; NULL until the first full match */
  pcre2_match_data *match_data; /* one offset pair: only whether it matched is ever read */
  pcre2_match_context *context; /* limits, and the JIT stack once one was needed */
  pcre2_jit_stack *jit_stack;   /* NULL until the default 32 KiB JIT stack ran out once */
};

/* Runs when the arena dies; every pointer may be NULL (the PCRE2 free functions accept it). */
static void free_regex(void *object) {
  Regex *regex = object;
  pcre2_code_free(regex->search);
  pcre2_code_free(regex->full);
  pcre2_match_data_free(regex->match_data);
  pcre2_match_context_free(regex->context);
  pcre2_jit_stack_free(regex->jit_stack);
}

static uint32_t compile_options(unsigned flags) {
  uint32_t options = 0;
  if (flags & IR_RE_IGNORECASE)
    options |= PCRE2_CASELESS;
  if (flags & IR_RE_MULTILINE)
    options |= PCRE2_MULTILINE;
  if (flags & IR_RE_DOTALL)
    options |= PCRE2_DOTALL;
  return options;
}

/* PCRE2's message in the house wording: first letter lower-cased unless it starts an acronym
 * ("UTF-8 error", "POSIX named classes"), and no final period. */
static const char *error_message(Arena *arena, int code) {
  PCRE2_UCHAR buffer[256];
  if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0)
    return arena_printf(arena, "PCRE2 error %d", code);
  char *text = arena_strdup(arena, (const char *)buffer);
  size_t n = strlen(text);
  if (n > 0 && text[n - 1] == '.')
    text[n - 1] = '\0';
  if (isupper((unsigned char)text[0]) && !isupper((unsigned char)text[1]))
    text[0] = (char)tolower((unsigned char)text[0]);
  return text;
}

static bool is_utf8_error(int code) {
  return code <= PCRE2_ERROR_UTF8_ERR1 && code >= PCRE2_ERROR_UTF8_ERR21;
}

bool regex_jit_wanted(void) {
  static int wanted = -1;
  if (wanted < 0) {
    const char *off = getenv("SIGMAC_REGEX_NO_JIT");
    wanted = !(off && *off);
  }
  return wanted;
}

/* Compiles one variant, JIT-compiled when possible; NULL with *code and *offset set on error. */
static pcre2_code *compile_variant(const char *pattern, size_t len, uint32_t options, int *code,
                                   size_t *offset) {
  PCRE2_SIZE where = 0;
  pcre2_code *compiled = pcre2_compile((PCRE2_SPTR)pattern, len, options, code, &where, NULL);
  *offset = where;
  if (compiled && regex_jit_wanted())
    (void)pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE); /* failure: the interpreter runs it */
  return compiled;
}

/* Creates the per-regex match data and limits; false when PCRE2 is out of memory. */
static bool prepare_matching(Regex *regex) {
  regex->match_data = pcre2_match_data_create(1, NULL);
  regex->context = pcre2_match_context_create(NULL);
  if (!regex->match_data || !regex->context)
    return false;
  pcre2_set_match_limit(regex->context, REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(regex->context, REGEX_DEPTH_LIMIT);
  pcre2_set_heap_limit(regex->context, REGEX_HEAP_LIMIT_KIB);
  return true;
}

Regex *regex_compile(Arena *arena, const char *pattern, size_t len, unsigned flags,
                     size_t *error_offset, const char **error) {
  if (!pattern)
    pattern = "";
  uint32_t options = compile_options(flags) | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  int code = 0;
  size_t offset = 0;
  pcre2_code *search = compile_variant(pattern, len, options, &code, &offset);
  if (!search && is_utf8_error(code)) {
    options = compile_options(flags); /* not UTF-8: match bytes */
    search = compile_variant(pattern, len, options, &code, &offset);
  }
  if (!search) {
    *error_offset = offset;
    *error = error_message(arena, code);
    return NULL;
  }
  Regex *regex = arena_alloc(arena, sizeof *regex);
  regex->search = search;
  regex->options = options;
  arena_on_free(arena, free_regex, regex);
  if (!prepare_matching(regex)) {
    *error_offset = 0;
    *error = "out of memory compiling the regular expression";
    return NULL;
  }
  regex->pattern = arena_strndup(arena, pattern, len);
  regex->len = len;
  return regex;
}

/* Gives the regex its own growable JIT stack after the default one ran out; false if it already
 * had one (the limit is real) or none could be made. */
static bool grow_jit_stack(Regex *regex) {
  if (regex->jit_stack)
    return false;
  regex->jit_stack = pcre2_jit_stack_create(32 * 1024, REGEX_JIT_STACK_MAX, NULL);
  if (!regex->jit_stack)
    return false;
  pcre2_jit_stack_assign(regex->context, NULL, regex->jit_stack);
  return true;
}

static RegexResult run(Regex *regex, pcre2_code *code, const char *subject, size_t len) {
  if (!subject)
    subject = "";
  for (;;) {
    int rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, regex->match_data, regex->context);
    if (rc >= 0) /* 0: matched, but the one-pair match data was too small for the captures */
      return REGEX_MATCH;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
      return REGEX_NO_MATCH;
    case PCRE2_ERROR_JIT_STACKLIMIT:
      if (grow_jit_stack(regex))
        continue;
      return REGEX_LIMIT;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
      return REGEX_LIMIT;
    default:
      return REGEX_ERROR;
    }
  }
}

RegexResult regex_search(Regex *regex, const char *subject, size_t len) {
  return run(regex, regex->search, subject, len);
}

/* The whole-value variant is compiled with the anchoring options rather than passing them to
 * pcre2_match(): match-time PCRE2_ANCHORED/PCRE2_ENDANCHORED silently turn JIT off. */
RegexResult regex_full_match(Regex *regex, const char *subject, size_t len) {
  /* an invalid sequence matches nothing, so no match spans a subject holding one; said here
     because PCRE2 10.42's interpreter (no JIT) takes a valid fragment's edges for the subject's
     under ANCHORED/ENDANCHORED and would match */
  if ((regex->options & PCRE2_UTF) && !utf8_valid(subject, len))
    return REGEX_NO_MATCH;
  if (!regex->full) {
    int code = 0;
    size_t offset = 0;
    uint32_t options = regex->options | PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    regex->full = compile_variant(regex->pattern, regex->len, options, &code, &offset);
    if (!regex->full)
      return REGEX_ERROR;
  }
  return run(regex, regex->full, subject, len);
}

/* A Lucene regex (EQL) as PCRE matching the whole value: Lucene reads '^' and '$' literally. */
char *regex_from_lucene(Arena *arena, const char *lucene) {
  size_t len = strlen(lucene);
  char *out = arena_alloc(arena, len * 2 + 16);
  size_t n = 0;
  bool in_class = false;
  out[n++] = '^', out[n++] = '(', out[n++] = '?', out[n++] = ':';
  for (size_t i = 0; i < len; i++) {
    char c = lucene[i];
    if (c == '\\' && i + 1 < len) {
      out[n++] = c;
      out[n++] = lucene[++i];
      continue;
    }
    if (in_class)
      in_class = c != ']';
    else if (c == '[')
      in_class = true;
    else if (c == '$' || c == '^')
      out[n++] = '\\';
    out[n++] = c;
  }
  memcpy(out + n, ")\\z", 4);
  return out;
}
