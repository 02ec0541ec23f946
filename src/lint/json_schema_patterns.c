/* The pattern keyword: ECMA-262 regular expressions run on PCRE2 (the evaluator's eval/regex
 * speaks Sigma's PCRE flavour and has no way to ask for ECMA's '$', '\u' and '[^]'). Each schema
 * string is compiled once per call, on first use, and freed when the call ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcre2.h>

#include "lint/json_schema_internal.h"

enum {
  PATTERN_MATCH_LIMIT = 1000000,
  PATTERN_DEPTH_LIMIT = 10000,
  PATTERN_HEAP_LIMIT_KIB = 20 * 1024,
};

/* ECMA-262 as far as PCRE2 goes: '$' only at the very end (not before a final newline), \uXXXX
 * and \u{X} escapes, '[^]' as any character, '.' stopping at CR and LF. Known differences: ECMA's
 * '.' also stops at U+2028 and U+2029, and PCRE2 10.42 refuses variable-length lookbehinds (an
 * error message, like any pattern that does not compile). \d and \w stay ASCII, as in ECMA.
 * A subject that is not UTF-8 cannot make a match fail with an error. */
static const uint32_t ECMA_OPTIONS = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
                                     PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS;

/* A compiled pattern, cached by the schema string it came from. */
typedef struct Pattern {
  const json_t *source; /* the schema's "pattern" string: the key; NULL for a free slot */
  pcre2_code *code;     /* NULL when it does not compile */
  const char *fault;    /* why it does not compile, ready to report */
} Pattern;

struct PatternSet {
  Pattern *slots; /* open addressing, capacity a power of two, at most half full */
  size_t capacity;
  size_t count;
  pcre2_compile_context *compile_context; /* newline convention and ECMA's \u{...} */
  pcre2_match_context *match_context;     /* the match limits */
  pcre2_match_data *match_data;           /* shared by every match of the call */
};

PatternSet *schema_patterns_open(Arena *arena) {
  PatternSet *set = arena_alloc(arena, sizeof *set);
  set->compile_context = pcre2_compile_context_create(NULL);
  set->match_context = pcre2_match_context_create(NULL);
  set->match_data = pcre2_match_data_create(1, NULL);
  if (!set->compile_context || !set->match_context || !set->match_data)
    abort();
  pcre2_set_newline(set->compile_context, PCRE2_NEWLINE_ANYCRLF);
#ifdef PCRE2_EXTRA_ALT_BSUX
  pcre2_set_compile_extra_options(set->compile_context, PCRE2_EXTRA_ALT_BSUX);
#endif
  pcre2_set_match_limit(set->match_context, PATTERN_MATCH_LIMIT);
  pcre2_set_depth_limit(set->match_context, PATTERN_DEPTH_LIMIT);
  pcre2_set_heap_limit(set->match_context, PATTERN_HEAP_LIMIT_KIB);
  return set;
}

void schema_patterns_close(PatternSet *set) {
  for (size_t i = 0; i < set->capacity; i++)
    pcre2_code_free(set->slots[i].code);
  pcre2_compile_context_free(set->compile_context);
  pcre2_match_context_free(set->match_context);
  pcre2_match_data_free(set->match_data);
}

static uint32_t pointer_hash(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  return (uint32_t)((x >> 4) * 0x9E3779B97F4A7C15u >> 32);
}

static Pattern *find_slot(Pattern *slots, size_t capacity, const json_t *source) {
  size_t i = pointer_hash(source) & (capacity - 1);
  while (slots[i].source && slots[i].source != source)
    i = (i + 1) & (capacity - 1);
  return &slots[i];
}

static void grow(PatternSet *set, Arena *arena) {
  size_t capacity = set->capacity ? 2 * set->capacity : 16;
  Pattern *slots = arena_array(arena, capacity, sizeof *slots);
  for (size_t i = 0; i < set->capacity; i++)
    if (set->slots[i].source)
      *find_slot(slots, capacity, set->slots[i].source) = set->slots[i];
  set->slots = slots;
  set->capacity = capacity;
}

static void compile(Validator *v, Pattern *slot) {
  int code;
  PCRE2_SIZE offset;
  const json_t *source = slot->source;
  slot->code = pcre2_compile((PCRE2_SPTR)json_string_value(source), json_string_length(source),
                             ECMA_OPTIONS, &code, &offset, v->patterns->compile_context);
  if (slot->code)
    return;
  PCRE2_UCHAR reason[256];
  if (pcre2_get_error_message(code, reason, sizeof reason) < 0)
    snprintf((char *)reason, sizeof reason, "PCRE2 error %d", code);
  StrBuf sb = STRBUF_INIT;
  sb_puts(&sb, "the schema's pattern '");
  schema_put_text(&sb, json_string_value(source), json_string_length(source), SIZE_MAX);
  sb_printf(&sb, "' does not compile: %s (at offset %zu)", (const char *)reason, (size_t)offset);
  slot->fault = schema_finish(v->arena, &sb);
}

/* The compiled pattern of a schema string, compiled on first use. */
static Pattern *pattern_for(Validator *v, const json_t *source) {
  PatternSet *set = v->patterns;
  if (2 * (set->count + 1) > set->capacity)
    grow(set, v->arena);
  Pattern *slot = find_slot(set->slots, set->capacity, source);
  if (!slot->source) {
    slot->source = source;
    set->count++;
    compile(v, slot);
  }
  return slot;
}

/* pattern: an unanchored ECMA-262 search. */
bool schema_check_pattern(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *source = json_object_get(schema, "pattern");
  if (!source)
    return true;
  if (!json_is_string(source)) {
    schema_fault(v, "pattern", arena_strdup(v->arena, "the schema's pattern is not a string"));
    return false;
  }
  Pattern *pattern = pattern_for(v, source);
  if (!pattern->code) {
    schema_fault(v, "pattern", pattern->fault);
    return false;
  }
  int rc = pcre2_match(pattern->code, (PCRE2_SPTR)json_string_value(instance),
                       json_string_length(instance), 0, 0, v->patterns->match_data,
                       v->patterns->match_context);
  if (rc >= 0)
    return true;
  StrBuf sb = STRBUF_INIT;
  schema_put_value(&sb, instance, true);
  sb_puts(&sb, rc == PCRE2_ERROR_NOMATCH ? " does not match " : " could not be matched with ");
  schema_put_text(&sb, json_string_value(source), json_string_length(source), SIZE_MAX);
  if (rc == PCRE2_ERROR_NOMATCH) {
    schema_report_text(v, "pattern", schema_finish(v->arena, &sb));
    return false;
  }
  PCRE2_UCHAR reason[256];
  if (pcre2_get_error_message(rc, reason, sizeof reason) > 0)
    sb_printf(&sb, ": %s", (const char *)reason);
  /* A match limit stopped it: that says nothing about the value, so it is the schema's fault. */
  schema_fault(v, "pattern", schema_finish(v->arena, &sb));
  return false;
}
