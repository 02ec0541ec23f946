/* Escaping, as a property of every backend (eql, kql, spl, sigma): for 10,000 generated strings
 * each (quotes, backslashes, wildcards next to backslashes, line breaks, tabs and other control
 * characters, pipes, brackets, keywords of every language, long Unicode, bytes that are not
 * UTF-8), a rule testing that one value is either refused with a diagnostic, or written as a query
 * that parses back to exactly one predicate, which matches an event holding exactly that value
 * and none holding a near miss of it. So no value can break out of its string, add a condition
 * or make a query match more than its rule says. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/source.h"
#include "emit/emit.h"
#include "eql/eql.h"
#include "eval/evaluate.h"
#include "ir/ir_build.h"
#include "kql/kql.h"
#include "sigma/sigma.h"
#include "spl/spl.h"

enum { STRINGS_PER_BACKEND = 10000 };

/* A small deterministic generator (xorshift64*), so a failure names its seed. */
static unsigned long long next_random(unsigned long long *state) {
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * 2685821657736338717ULL;
}

/* The pieces hostile strings are made of. */
static const char *const hostile_pieces[] = {"\"",
                                             "'",
                                             "`",
                                             "\\",
                                             "\\\\",
                                             "*",
                                             "?",
                                             "\\*",
                                             "\\?",
                                             "\\\\*",
                                             "\n",
                                             "\r\n",
                                             "\t",
                                             "\x01",
                                             "\x1f",
                                             "\x7f",
                                             "|",
                                             "||",
                                             "(",
                                             ")",
                                             "[",
                                             "]",
                                             "{",
                                             "}",
                                             ":",
                                             "::",
                                             "<",
                                             ">",
                                             "=",
                                             "==",
                                             "!=",
                                             ",",
                                             ";",
                                             "#",
                                             "-",
                                             "--",
                                             "---",
                                             "%",
                                             "&",
                                             "@",
                                             "~",
                                             "$",
                                             " ",
                                             "  ",
                                             " or ",
                                             " and ",
                                             " not ",
                                             " OR ",
                                             " AND ",
                                             " NOT ",
                                             " IN ",
                                             "where",
                                             "search",
                                             "regex",
                                             "eval",
                                             "sigmac_c1=\"true\"",
                                             "\\u006Eot",
                                             "$(x)",
                                             "${x}",
                                             "%name%",
                                             "é",
                                             "漢字",
                                             "😀",
                                             "\xE2\x80\xA8",
                                             "\xEF\xBB\xBF",
                                             "\xFF",
                                             "\xC3",
                                             "\xED\xA0\x80",
                                             "a",
                                             "cmd.exe",
                                             "0",
                                             "42",
                                             "true",
                                             "null",
                                             "any",
                                             "- ",
                                             "? ",
                                             "! ",
                                             "&a ",
                                             "*a ",
                                             "/*",
                                             "*/",
                                             "//",
                                             "```"};

/* A hostile string of pieces: what ends strings, escapes, wildcards, operators and keywords of
 * the four languages, control characters, Unicode and broken UTF-8. */
static size_t hostile(unsigned long long *state, char *out, size_t size) {
  size_t count = 1 + next_random(state) % 8, len = 0;
  if (next_random(state) % 50 == 0) { /* a long one */
    for (size_t i = 0; i < 400 && len + 4 < size; i++)
      len += (size_t)snprintf(out + len, size - len, "%s", i % 3 ? "x" : "漢");
  }
  for (size_t i = 0; i < count; i++) {
    const char *piece =
        hostile_pieces[next_random(state) % (sizeof hostile_pieces / sizeof *hostile_pieces)];
    size_t n = strlen(piece);
    if (len + n + 1 >= size)
      break;
    memcpy(out + len, piece, n);
    len += n;
  }
  out[len] = '\0';
  return len;
}

/* The rule: process.name equals value exactly (Sigma's case-insensitive equality). */
static IrRule *rule_for(Arena *arena, const char *value, size_t len) {
  IrPredicate pred = {0};
  pred.field = "process.name";
  pred.match = IR_MATCH_EQUALS;
  pred.value.kind = IR_VALUE_STRING;
  pred.value.string = ir_string_literal(arena, value, len);
  IrRule *rule =
      ir_event_rule(arena, IR_LANG_SIGMA, NULL, (Span){0, 0}, 0, NULL, ir_pred(arena, &pred));
  rule->src = source_from_text(arena, "<rule>", "x", 1);
  rule->meta.title = "escaping";
  rule->logsource.product = "windows";
  rule->logsource.category = "process_creation";
  return rule;
}

/* The rules the written text parses back into with the target's front end. */
static IrRuleSet parse_back(Arena *arena, const char *target, const char *text, DiagSink *diags) {
  const Source *src = source_from_text(arena, "<written>", text, strlen(text));
  IrRuleSet rules = {0};
  if (strcmp(target, "eql") == 0)
    eql_compile(arena, src, &eql_default_options, diags, &rules);
  else if (strcmp(target, "kql") == 0)
    kql_compile(arena, src, NULL, NULL, diags, &rules);
  else if (strcmp(target, "spl") == 0)
    spl_compile(arena, src, diags, &rules);
  else
    sigma_compile(arena, src, &sigma_default_options, diags, &rules);
  return rules;
}

static size_t predicates(const IrNode *node) {
  if (node->kind == IR_PRED)
    return 1;
  size_t n = 0;
  for (size_t i = 0; i < node->count; i++)
    n += predicates(node->children[i]);
  return n;
}

/* Whether the parsed rule matches an event {"process.name": value}. */
static bool matches(Arena *arena, const IrRule *rule, const char *value, size_t len) {
  json_t *root = json_object();
  json_object_set_new(root, "process.name", json_stringn_nocheck(value, len));
  Event event = {.root = root};
  event_ready(&event, NULL);
  DiagSink diags;
  diag_sink_init(&diags, arena);
  Matcher m;
  eval_matcher_for(&m, arena, &diags, rule, NULL, NULL, NULL);
  bool hit = eval_event_matches(&m, rule, &event);
  json_decref(root);
  return hit;
}

/* The value as hex, for failure messages. */
static const char *hex(Arena *arena, const char *value, size_t len) {
  StrBuf out = STRBUF_INIT;
  for (size_t i = 0; i < len; i++)
    sb_printf(&out, "%02x", (unsigned char)value[i]);
  const char *text = arena_strdup(arena, sb_text(&out));
  sb_free(&out);
  return text;
}

static void check_backend(const char *target) {
  unsigned long long state = 0x5eed0000ULL + (unsigned char)target[0];
  size_t written = 0, refused = 0;
  for (size_t n = 0; n < STRINGS_PER_BACKEND; n++) {
    Arena arena;
    arena_init(&arena);
    char value[2048];
    size_t len = hostile(&state, value, sizeof value);
    IrRule *rule = rule_for(&arena, value, len);
    IrRuleSet rules = {&rule, 1, 1};
    DiagSink diags;
    diag_sink_init(&diags, &arena);
    EmitMeta meta = {0};
    EmitCtx ctx = {&arena, &diags, NULL, &rules, &rules, &meta, false, 0, 0, 0, 0};
    StrBuf text = STRBUF_INIT;
    const Backend *backend = emit_backend(target);
    bool ok = strcmp(target, "sigma") == 0 ? backend->output(&ctx, "default", &text)
                                           : backend->query(&ctx, 0, &text);
    if (!ok) {
      cr_assert(diags.errors > 0, "%s refused #%zu without a diagnostic", target, n);
      refused++;
    } else {
      DiagSink parse_diags;
      diag_sink_init(&parse_diags, &arena);
      IrRuleSet back = parse_back(&arena, target, sb_text(&text), &parse_diags);
      cr_assert(back.count == 1 && parse_diags.errors == 0,
                "%s #%zu: what was written does not parse back as one rule:\n%s", target, n,
                sb_text(&text));
      const IrRule *parsed = back.rules[0];
      cr_assert_eq(parsed->query_count, 1, "%s #%zu:\n%s", target, n, sb_text(&text));
      cr_assert_eq(predicates(parsed->queries[0]->where), 1,
                   "%s #%zu: the value added a condition:\n%s", target, n, sb_text(&text));
      cr_assert(matches(&arena, parsed, value, len),
                "%s #%zu: the query does not match its own value (%s):\n%s", target, n,
                hex(&arena, value, len), sb_text(&text));
      char miss[2100];
      memcpy(miss, value, len);
      memcpy(miss + len, "x", 1);
      cr_assert_not(matches(&arena, parsed, miss, len + 1),
                    "%s #%zu: the query matches more than its value:\n%s", target, n,
                    sb_text(&text));
      miss[0] = 'x';
      memcpy(miss + 1, value, len);
      cr_assert_not(matches(&arena, parsed, miss, len + 1),
                    "%s #%zu: the query matches more than its value:\n%s", target, n,
                    sb_text(&text));
      if (len > 1)
        cr_assert_not(matches(&arena, parsed, value, len - 1),
                      "%s #%zu: the query matches a prefix of its value:\n%s", target, n,
                      sb_text(&text));
      written++;
    }
    sb_free(&text);
    arena_free(&arena);
  }
  printf("escaping %s: %zu strings, %zu written and read back exactly, %zu refused\n", target,
         (size_t)STRINGS_PER_BACKEND, written, refused);
  cr_assert_gt(written, STRINGS_PER_BACKEND / 2, "%s refused most strings", target);
}

Test(escaping, eql, .timeout = 300) { check_backend("eql"); }
Test(escaping, kql, .timeout = 300) { check_backend("kql"); }
Test(escaping, spl, .timeout = 300) { check_backend("spl"); }
Test(escaping, sigma, .timeout = 300) { check_backend("sigma"); }
