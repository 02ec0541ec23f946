/* The KQL cases of ../shared/corpus/kql: Kibana's parser tests (the tree of each query, literal
 * typing, syntax errors at Kibana's position, printed queries reading back to their tree), its
 * escaping tests (our escaping reads back to the input), and detection-rules' evaluator tests
 * (whether a query matches a document). Each group prints "N passed, N failed"; every case not
 * passed is listed in docs/kql.md with its reason, and the test keeps that list exact. Skipped,
 * with a message, where ../shared/corpus is absent. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/source.h"
#include "emit/kql_text.h"
#include "eval/event.h"
#include "eval/match.h"
#include "ir/ir_build.h"
#include "kql/kql.h"
#include "schema/ecs.h"
#include "support.h"

static Arena arena;
static DiagSink diags;

static void setup(void) {
  arena_init(&arena);
  diag_sink_init(&diags, &arena);
}
static void teardown(void) { arena_free(&arena); }

TestSuite(kql_corpus, .init = setup, .fini = teardown);

static json_t *load(const char *relative) {
  char path[1024];
  snprintf(path, sizeof path, "%s/kql/%s", test_corpus_dir(), relative);
  json_error_t error;
  json_t *root = json_load_file(path, 0, &error);
  cr_assert(root, "%s: %s", path, error.text);
  return root;
}

static KqlNode *parse(const char *text) {
  Source *src = source_from_text(&arena, "<kql>", text, strlen(text));
  return kql_parse(&arena, src, (Span){0, src->len}, NULL, &diags);
}

/* A value as Kibana's nodes write it: quoted phrases keep their quotes. */
static json_t *value_json(const KqlLiteral *v) {
  if (v->quoted) {
    char *text = arena_printf(&arena, "\"%s\"", v->text);
    return json_string(text);
  }
  return json_string(v->text);
}

/* Our tree as Kibana's node JSON (the corpus' conventions: is, and, or, not, range, nested). */
static json_t *node_json(const KqlNode *n) {
  json_t *args = json_array();
  const char *function = "is";
  switch (n->kind) {
  case KQL_OR:
  case KQL_AND:
  case KQL_NOT:
    function = n->kind == KQL_OR ? "or" : n->kind == KQL_AND ? "and" : "not";
    for (size_t i = 0; i < n->count; i++)
      json_array_append_new(args, node_json(n->children[i]));
    break;
  case KQL_IS:
    json_array_append_new(args, n->has_field ? value_json(&n->field) : json_null());
    json_array_append_new(args, value_json(&n->value));
    break;
  case KQL_RANGE:
    function = "range";
    json_array_append_new(args, value_json(&n->field));
    json_array_append_new(args, json_string(n->op));
    json_array_append_new(args, value_json(&n->value));
    break;
  case KQL_NESTED:
    function = "nested";
    json_array_append_new(args, value_json(&n->field));
    json_array_append_new(args, node_json(n->children[0]));
    break;
  case KQL_MATCH_ALL:
    json_array_append_new(args, json_string("*"));
    json_array_append_new(args, json_string("*"));
    break;
  }
  return json_pack("{s:s, s:o}", "function", function, "arguments", args);
}

/* Kibana's node as the parser's JSON gives it: exists(f) is is(f, "*"), numbers and booleans are
 * their text (Kibana keeps unquoted literals as strings, the tests sometimes write numbers). */
static json_t *canonical(const json_t *node) {
  if (json_is_number(node) || json_is_boolean(node)) {
    char *text = json_dumps(node, JSON_ENCODE_ANY);
    json_t *out = json_string(text);
    free(text);
    return out;
  }
  if (json_is_object(node) && json_object_get(node, "type")) /* a literal node: free text */
    return json_pack("{s:s, s:[n, o]}", "function", "is", "arguments",
                     canonical(json_object_get(node, "value")));
  if (!json_is_object(node))
    return json_deep_copy(node);
  const char *function = json_string_value(json_object_get(node, "function"));
  json_t *args = json_object_get(node, "arguments");
  if (function && (strcmp(function, "and") == 0 || strcmp(function, "or") == 0) &&
      json_array_size(args) == 1) /* one operand prints as itself */
    return canonical(json_array_get(args, 0));
  if (function && strcmp(function, "exists") == 0)
    return json_pack("{s:s, s:[O, s]}", "function", "is", "arguments", json_array_get(args, 0),
                     "*");
  json_t *out_args = json_array();
  size_t i;
  json_t *arg;
  json_array_foreach(args, i, arg) { json_array_append_new(out_args, canonical(arg)); }
  return json_pack("{s:s, s:o}", "function", function, "arguments", out_args);
}

typedef struct Tally {
  size_t passed, failed;
} Tally;

static void result(Tally *t, bool ok, const char *group, const char *test, const char *detail) {
  if (ok) {
    t->passed++;
    return;
  }
  t->failed++;
  printf("FAIL %s: %s: %s\n", group, test, detail);
}

static void from_kuery_expression(json_t *cases, Tally *t) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    const char *kql = json_string_value(json_object_get(c, "kql"));
    KqlNode *tree = parse(kql);
    json_t *ours = tree ? node_json(tree) : NULL;
    json_t *expected = canonical(json_object_get(c, "expected_ast"));
    char *dump = ours ? json_dumps(ours, JSON_COMPACT) : strdup("syntax error");
    result(t, ours && json_equal(ours, expected), "from_kuery_expression",
           json_string_value(json_object_get(c, "test")), dump);
    free(dump);
    json_decref(ours);
    json_decref(expected);
  }
}

static void from_literal_expression(json_t *cases, Tally *t) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    const char *input = json_string_value(json_object_get(c, "input"));
    json_t *expected = json_object_get(c, "expected");
    KqlNode *tree = parse(input);
    bool ok = tree && tree->kind == KQL_IS && !tree->has_field;
    if (ok) {
      const KqlLiteral *v = &tree->value;
      json_t *value = json_object_get(expected, "value");
      /* unquoted true/false are booleans in Kibana; every other literal is its text */
      bool boolean = !v->quoted && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0);
      if (json_is_boolean(value))
        ok = boolean && json_is_true(value) == (v->text[0] == 't');
      else
        ok = json_is_string(value) && strcmp(json_string_value(value), v->text) == 0 && !boolean;
      const char *type = json_string_value(json_object_get(expected, "type"));
      if (ok && type)
        ok = strcmp(type, v->wildcard ? "wildcard" : "literal") == 0;
    }
    result(t, ok, "from_literal_expression", input, "a different literal");
  }
}

/* The caret column of a peggy message: the dashes before '^' on its last line. */
static size_t caret_column(const char *message) {
  const char *last = strrchr(message, '\n');
  last = last ? last + 1 : message;
  return strspn(last, "-");
}

static void syntax_errors(json_t *cases, Tally *t) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    const char *kql = json_string_value(json_object_get(c, "kql"));
    size_t before = diags.count;
    KqlNode *tree = parse(kql);
    bool ok = !tree && diags.count > before;
    size_t expected = caret_column(json_string_value(json_object_get(c, "expected_error")));
    char detail[128] = "parsed";
    if (ok) {
      ok = diags.items[before].span.start == expected;
      snprintf(detail, sizeof detail, "error at %zu, Kibana at %zu", diags.items[before].span.start,
               expected);
    }
    result(t, ok, "syntax_errors", json_string_value(json_object_get(c, "test")), detail);
  }
}

/* Printing: Kibana's printed form of a tree reads back to that tree. */
static void to_kql_expression(json_t *cases, Tally *t, const char *group, const char *key) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    const char *text = json_string_value(json_object_get(c, "expected"));
    json_t *node = json_object_get(c, key);
    KqlNode *tree = parse(text);
    json_t *ours = tree ? node_json(tree) : NULL;
    json_t *expected = node ? canonical(node) : NULL;
    if (!node && tree) { /* a round trip: the query itself */
      KqlNode *original = parse(json_string_value(json_object_get(c, "kql")));
      expected = original ? node_json(original) : NULL;
    }
    char *dump = ours ? json_dumps(ours, JSON_COMPACT) : strdup("syntax error");
    result(t, ours && expected && json_equal(ours, expected), group,
           json_string_value(json_object_get(c, "test")), dump);
    free(dump);
    json_decref(ours);
    json_decref(expected);
  }
}

/* Escaping: what Kibana escapes, ours escapes too, so that the text reads back as the input. */
static void escape_kuery(json_t *cases, Tally *t) {
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c) {
    const char *input = json_string_value(json_object_get(c, "input"));
    bool quotes = strcmp(json_string_value(json_object_get(c, "fn")), "escapeQuotes") == 0;
    StrBuf text = STRBUF_INIT;
    sb_puts(&text, "f:");
    IrString literal = ir_string_literal(&arena, input, strlen(input));
    bool ok = quotes ? kql_quoted(&text, input, strlen(input))
                     : kql_unquoted(&text, &literal) == KQL_PATTERN_OK;
    KqlNode *tree = ok ? parse(sb_text(&text)) : NULL;
    ok = tree && tree->kind == KQL_IS && !tree->value.wildcard &&
         strcmp(tree->value.text, input) == 0;
    result(t, ok, "escape_kuery", json_string_value(json_object_get(c, "test")), sb_text(&text));
    sb_free(&text);
  }
}

Test(kql_corpus, kibana_parser_printer_and_escaping) {
  if (!test_corpus_dir())
    cr_skip("../shared/corpus is absent: the KQL cases are skipped");
  json_t *root = load("kibana/kuery_tests.json");
  Tally parse_tally = {0, 0}, print_tally = {0, 0}, escape_tally = {0, 0};
  from_kuery_expression(json_object_get(root, "from_kuery_expression"), &parse_tally);
  from_literal_expression(json_object_get(root, "from_literal_expression"), &parse_tally);
  syntax_errors(json_object_get(root, "syntax_errors"), &parse_tally);
  to_kql_expression(json_object_get(root, "to_kql_expression"), &print_tally, "to_kql_expression",
                    "node");
  to_kql_expression(json_object_get(root, "kuery_round_trip"), &print_tally, "kuery_round_trip",
                    "no node");
  escape_kuery(json_object_get(root, "escape_kuery"), &escape_tally);
  printf("KQL parse (Kibana): %zu passed, %zu failed\n", parse_tally.passed, parse_tally.failed);
  printf("KQL printing (Kibana): %zu passed, %zu failed\n", print_tally.passed, print_tally.failed);
  printf("KQL escaping (Kibana): %zu passed, %zu failed\n", escape_tally.passed,
         escape_tally.failed);
  json_decref(root);
  cr_assert_eq(parse_tally.failed, 0);
  cr_assert_eq(print_tally.failed, 0);
  cr_assert_eq(escape_tally.failed, 0);
}

/* detection-rules' evaluator: each query against its document. */
Test(kql_corpus, matching_on_documents) {
  if (!test_corpus_dir())
    cr_skip("../shared/corpus is absent: the KQL cases are skipped");
  json_t *root = load("detection-rules/evaluator.json");
  json_t *documents = json_object_get(root, "documents");
  /* the documents' mapping, as Elasticsearch would have it: KQL's meaning of a value depends on
     its field's type (a network on an ip field, a number on a numeric one) */
  static const char types[] = "number\tlong\nnumber_list\tlong\nboolean\tboolean\n"
                              "boolean_list\tboolean\nip\tip\nstring\tkeyword\n"
                              "string_list\tkeyword\nstructured.a.b\tlong\n";
  EcsSchema *schema = ecs_load(&arena, types, sizeof types - 1);
  Tally tally = {0, 0};
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(root, "cases"), i, c) {
    const char *kql = json_string_value(json_object_get(c, "kql"));
    json_t *document =
        json_object_get(documents, json_string_value(json_object_get(c, "document")));
    KqlNode *tree = parse(kql);
    Source *src = source_from_text(&arena, "<kql>", kql, strlen(kql));
    IrNode *where = tree ? kql_lower(&arena, src, tree, schema, &diags) : NULL;
    bool ok = false;
    const char *detail = "not lowered";
    if (where) {
      Event e = {.root = document};
      Matcher m;
      matcher_init(&m, &arena, &diags, false);
      bool matched = match_node(&m, where, &e) == T_TRUE;
      ok = matched == json_is_true(json_object_get(c, "result"));
      detail = matched ? "matched" : "did not match";
    }
    result(&tally, ok, "evaluator", kql, detail);
  }
  printf("KQL matching on documents (detection-rules): %zu passed, %zu failed\n", tally.passed,
         tally.failed);
  json_decref(root);
  cr_assert_eq(tally.failed, 0);
}

/* What a review found: as in Kibana's grammar \n comes before the escaped keyword (so \not is a
 * line feed and "ot"), a surrogate pair is one character, a quoted value is a string whatever it
 * looks like. */
Test(kql_corpus, escapes_and_quoted_values) {
  KqlNode *tree = parse("f:a\\not");
  cr_assert(tree && tree->kind == KQL_IS);
  cr_assert_str_eq(tree->value.text, "a\not");
  tree = parse("f:\\uD83D\\uDE00");
  cr_assert(tree && tree->kind == KQL_IS);
  cr_assert_str_eq(tree->value.text, "\xF0\x9F\x98\x80");
  Source *src = source_from_text(&arena, "<kql>", "x", 1);
  IrNode *where = kql_lower(&arena, src, parse("f:\"10.0.0.0/8\""), NULL, &diags);
  cr_assert(where && where->kind == IR_PRED);
  cr_assert_eq(where->pred.match, IR_MATCH_EQUALS);
  cr_assert_eq(where->pred.value.kind, IR_VALUE_STRING);
}

/* kql over the document doc (JSON text): whether it matches. */
static bool nested_matches(const char *kql, const char *doc) {
  Source *src = source_from_text(&arena, "<kql>", kql, strlen(kql));
  KqlNode *tree = parse(kql);
  cr_assert(tree, "%s does not parse", kql);
  IrNode *where = kql_lower(&arena, src, tree, NULL, &diags);
  cr_assert(where, "%s is not lowered", kql);
  json_t *root = json_loads(doc, 0, NULL);
  cr_assert(root, "%s is not JSON", doc);
  Event e = {.root = root};
  Matcher m;
  matcher_init(&m, &arena, &diags, false);
  bool matched = match_node(&m, where, &e) == T_TRUE;
  json_decref(root);
  return matched;
}

/* path:{ query } as Elasticsearch's nested query: one object must satisfy the whole query, a
 * 'not' inside needs an object that is not so, and flattened fields would say otherwise. */
Test(kql_corpus, nested_queries_need_one_object) {
  const char *two = "{\"p\": [{\"f\": \"a\", \"g\": 1}, {\"f\": \"b\", \"g\": 2}]}";
  cr_assert(nested_matches("p:{ f:a and g:1 }", two));
  cr_assert_not(nested_matches("p:{ f:a and g:2 }", two)); /* flattened, both are there */
  cr_assert(nested_matches("p:{ f:a or g:2 }", two));
  cr_assert(nested_matches("p:{ not f:a }", two)); /* the second object */
  cr_assert_not(nested_matches("p:{ not f:a }", "{\"p\": [{\"f\": \"a\"}]}"));
  cr_assert_not(nested_matches("p:{ not f:a }", "{}")); /* no object at all */
  cr_assert_not(nested_matches("not p:{ f:a }", two));
  cr_assert(nested_matches("p:{ not f:a }", "{\"p\": {\"f\": \"b\"}}")); /* a lone object */
  cr_assert(nested_matches("p:{ q:{ r:1 and s:x } }",
                           "{\"p\": [{\"q\": [{\"r\": 1}, {\"r\": 2, \"s\": \"x\"}]}, "
                           "{\"q\": {\"r\": 1, \"s\": \"x\"}}]}"));
  cr_assert_not(nested_matches("p:{ q:{ r:1 and s:x } }",
                               "{\"p\": [{\"q\": [{\"r\": 1}, {\"r\": 2, \"s\": \"x\"}]}]}"));
  cr_assert(nested_matches("p:{ f:a } and p.f:b", two)); /* outside, fields are flattened */
}
