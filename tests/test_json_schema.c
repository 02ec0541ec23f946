/* The JSON Schema validator: every keyword it asserts, with a passing and a failing case and the
 * exact errors (path, keyword, message); how anyOf and oneOf explain a failure; $ref cycles, bad
 * patterns and deep values as errors, not crashes; the Sigma specification's own examples
 * (tests/data/json_schema/examples) against data/sigma-schema; SARIF 2.1.0 logs against the
 * schema in ../shared when it is there. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/strbuf.h"
#include "lint/json_schema.h"
#include "support.h"

static Arena arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(json_schema, .init = setup, .fini = teardown);

static void drop_json(void *value) { json_decref(value); }

/* Parses JSON owned by the arena. Tests write JSON with ' for ", which keeps it readable; an
 * apostrophe inside a value is written \u0027. */
static json_t *parse(const char *text) {
  char *copy = arena_strdup(&arena, text);
  for (char *c = copy; *c; c++)
    if (*c == '\'')
      *c = '"';
  json_error_t error;
  json_t *value = json_loads(copy, JSON_DECODE_ANY, &error);
  cr_assert(value, "%s: %s", text, error.text);
  arena_on_free(&arena, drop_json, value);
  return value;
}

static json_t *load(const char *path) {
  json_error_t error;
  json_t *value = json_load_file(path, 0, &error);
  cr_assert(value, "%s:%d: %s", path, error.line, error.text);
  arena_on_free(&arena, drop_json, value);
  return value;
}

/* The errors, one line each: "@<path> <keyword>: <message>", with " (key)" after the path when
 * the error points at a member's name; "" when the instance is valid. */
static const char *render(const SchemaErrors *errors) {
  StrBuf sb = STRBUF_INIT;
  for (size_t i = 0; i < errors->count; i++) {
    const SchemaError *e = &errors->items[i];
    sb_printf(&sb, "%s@%s%s %s: %s", i ? "\n" : "", e->path, e->at_key ? " (key)" : "", e->keyword,
              e->message);
  }
  char *text = arena_strdup(&arena, sb_text(&sb));
  sb_free(&sb);
  return text;
}

static const char *check_doc(const json_t *schema, const json_t *instance) {
  SchemaErrors errors = {0};
  bool valid = json_schema_validate(&arena, schema, instance, &errors);
  cr_assert_eq(valid, errors.count == 0, "the result disagrees with the error count");
  return render(&errors);
}

static const char *check(const char *schema, const char *instance) {
  return check_doc(parse(schema), parse(instance));
}

#define EXPECT(schema, instance, expected)                                                         \
  cr_expect_str_eq(check(schema, instance), expected, "%s against %s", instance, schema)
#define VALID(schema, instance) EXPECT(schema, instance, "")

/* ---- type ---- */

Test(json_schema, type_names_the_expected_and_the_actual_kind) {
  VALID("{'type':'string'}", "'x'");
  EXPECT("{'type':'string'}", "5", "@ type: must be a string, not a number");
  EXPECT("{'type':'object'}", "[]", "@ type: must be an object, not an array");
  EXPECT("{'type':'boolean'}", "null", "@ type: must be a boolean, not null");
  EXPECT("{'type':'null'}", "false", "@ type: must be null, not a boolean");
  VALID("{'type':['array','null']}", "null");
  VALID("{'type':['array','null']}", "[]");
  EXPECT("{'type':['array','null']}", "'x'", "@ type: must be an array or null, not a string");
  EXPECT("{'type':['string','integer','object']}", "true",
         "@ type: must be a string, an integer or an object, not a boolean");
}

/* JSON Schema: an integer is a number with no fractional part, however it is written. */
Test(json_schema, integer_accepts_a_real_with_no_fraction) {
  VALID("{'type':'integer'}", "3");
  VALID("{'type':'integer'}", "1.0");
  VALID("{'type':'integer'}", "-2e3");
  EXPECT("{'type':'integer'}", "1.5", "@ type: must be an integer, not 1.5");
  EXPECT("{'type':'integer'}", "'1'", "@ type: must be an integer, not a string");
  VALID("{'type':'number'}", "1.5");
  VALID("{'type':'number'}", "7");
}

/* ---- objects ---- */

Test(json_schema, properties_validate_each_declared_member) {
  const char *schema = "{'properties':{'a':{'type':'string'},'b':{'type':'integer'}}}";
  VALID(schema, "{'a':'x','b':2,'c':null}");
  EXPECT(schema, "{'a':1,'b':'y'}",
         "@/a type: must be a string, not a number\n"
         "@/b type: must be an integer, not a string");
  VALID(schema, "'not an object: properties does not apply'");
}

Test(json_schema, required_reports_every_missing_name) {
  const char *schema = "{'required':['title','logsource','detection']}";
  VALID(schema, "{'title':1,'logsource':2,'detection':3}");
  EXPECT(schema, "{'logsource':{}}",
         "@ required: 'title' is required\n"
         "@ required: 'detection' is required");
  VALID(schema, "[]");
}

Test(json_schema, additional_properties_false_points_at_the_key) {
  const char *schema = "{'properties':{'a':{},'b':{}},'additionalProperties':false}";
  VALID(schema, "{'a':1}");
  EXPECT(schema, "{'a':1,'sevrity':2,'x/y':3}",
         "@/sevrity (key) additionalProperties: 'sevrity' is not an allowed property "
         "(allowed: a, b)\n"
         "@/x~1y (key) additionalProperties: 'x/y' is not an allowed property (allowed: a, b)");
  EXPECT("{'additionalProperties':false}", "{'a':1}",
         "@/a (key) additionalProperties: 'a' is not an allowed property");
  /* Long lists of allowed names are left out. */
  EXPECT("{'properties':{'a':{},'b':{},'c':{},'d':{},'e':{},'f':{},'g':{},'h':{},'i':{},'j':{},"
         "'k':{}},'additionalProperties':false}",
         "{'z':1}", "@/z (key) additionalProperties: 'z' is not an allowed property");
}

Test(json_schema, additional_properties_schema_applies_to_undeclared_members) {
  const char *schema = "{'properties':{'a':{}},'additionalProperties':{'type':'string'}}";
  VALID(schema, "{'a':1,'b':'x'}");
  EXPECT(schema, "{'a':1,'b':2,'c':[]}",
         "@/b type: must be a string, not a number\n"
         "@/c type: must be a string, not an array");
  VALID("{'additionalProperties':true}", "{'a':1}");
}

/* A key's characters are escaped in messages; the path stays an exact JSON pointer. */
Test(json_schema, keys_and_values_are_escaped_and_cut_in_messages) {
  EXPECT("{'additionalProperties':false}", "{'a\\nb\\u001b[31m~':1}",
         "@/a\nb\x1b[31m~0 (key) additionalProperties: 'a\\nb\\u001b[31m~' is not an allowed "
         "property");
  EXPECT("{'pattern':'^x'}", "'\\t\\u0085\\u202e'",
         "@ pattern: '\\t\\u0085\\u202e' does not match ^x");
  EXPECT("{'maxLength':3}",
         "'0123456789012345678901234567890123456789012345678901234567890123456789'",
         "@ maxLength: '012345678901234567890123456789012345678901234567890123456789...' is "
         "longer than 3 characters (it has 70)");
}

/* ---- values ---- */

Test(json_schema, enum_lists_the_allowed_values) {
  const char *schema = "{'enum':['none','note','warning','error']}";
  VALID(schema, "'note'");
  EXPECT(schema, "'fatal'", "@ enum: must be one of: none, note, warning, error");
  VALID("{'enum':[1,[2],{'a':null}]}", "1.0");
  VALID("{'enum':[1,[2],{'a':null}]}", "[2.0]");
  VALID("{'enum':[1,[2],{'a':null}]}", "{'a':null}");
  EXPECT("{'enum':[1,[2],{'a':null}]}", "{'a':false}",
         "@ enum: must be one of: 1, [2], {\"a\":null}");
}

Test(json_schema, const_compares_by_json_equality) {
  VALID("{'const':'derived'}", "'derived'");
  EXPECT("{'const':'derived'}", "'Derived'", "@ const: must be 'derived'");
  EXPECT("{'const':true}", "'true'", "@ const: must be true");
  VALID("{'const':{'a':[1,2],'b':'c'}}", "{'b':'c','a':[1.0,2]}");
  EXPECT("{'const':{'a':[1,2]}}", "{'a':[2,1]}", "@ const: must be {\"a\":[1,2]}");
  VALID("{'const':null}", "null");
  EXPECT("{'const':null}", "0", "@ const: must be null");
}

/* A list of allowed values says more than the type, so the type error gives way to it. */
Test(json_schema, a_value_list_replaces_the_type_error) {
  EXPECT("{'type':'string','enum':['a','b']}", "5", "@ enum: must be one of: a, b");
  EXPECT("{'type':'string','const':'a'}", "[]", "@ const: must be 'a'");
  EXPECT("{'type':'string','minLength':2}", "5", "@ type: must be a string, not a number");
}

/* ---- strings ---- */

Test(json_schema, lengths_count_code_points_not_bytes) {
  VALID("{'maxLength':2}", "'日本'");            /* 6 bytes */
  VALID("{'minLength':1,'maxLength':1}", "'😀'"); /* 4 bytes */
  EXPECT("{'minLength':3}", "'日本'", "@ minLength: '日本' is shorter than 3 characters");
  EXPECT("{'minLength':1}", "''", "@ minLength: '' is shorter than 1 character");
  EXPECT("{'maxLength':1}", "'é!'", "@ maxLength: 'é!' is longer than 1 character (it has 2)");
  VALID("{'maxLength':1}", "5");
  /* a cut value never splits a character */
  EXPECT("{'maxLength':0}",
         "'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé'",
         "@ maxLength: 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé...' is "
         "longer than 0 characters (it has 70)");
}

Test(json_schema, pattern_is_an_unanchored_ecma_search) {
  const char *tags = "{'pattern':'^[a-z0-9_-]+\\\\.[a-z0-9._-]+$'}";
  VALID(tags, "'attack.t1059.001'");
  EXPECT(tags, "'Attack.T1059'",
         "@ pattern: 'Attack.T1059' does not match ^[a-z0-9_-]+\\.[a-z0-9._-]+$");
  VALID("{'pattern':'[^/]+/.+'}", "'see text/plain here'");
  EXPECT("{'pattern':'[^/]+/.+'}", "'plain'", "@ pattern: 'plain' does not match [^/]+/.+");
  VALID("{'pattern':'x'}", "5"); /* applies to strings only */
}

/* ECMA-262, not PCRE: '$' is the very end, \uXXXX is a character, '[^]' is any character,
 * '.' is one code point. */
Test(json_schema, pattern_follows_ecma_262) {
  const char *date = "{'pattern':'^\\\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$'}";
  VALID(date, "'2024-01-31'");
  EXPECT(date, "'2024-01-31\\n'",
         "@ pattern: '2024-01-31\\n' does not match "
         "^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$");
  VALID("{'pattern':'^\\\\u00e9$'}", "'é'");
  VALID("{'pattern':'^[^]$'}", "'\\n'");
  VALID("{'pattern':'^.{3}$'}", "'日本語'");
  EXPECT("{'pattern':'^\\\\d$'}", "'٣'", "@ pattern: '٣' does not match ^\\d$"); /* \d is ASCII */
}

/* A pattern that does not compile is reported once, however many values meet it. */
Test(json_schema, a_bad_pattern_is_one_error_not_a_crash) {
  EXPECT("{'items':{'pattern':'(a'}}", "['x','y']",
         "@/0 pattern: the schema's pattern '(a' does not compile: missing closing parenthesis "
         "(at offset 2)");
  EXPECT("{'pattern':'a{2,1}'}", "'aa'",
         "@ pattern: the schema's pattern 'a{2,1}' does not compile: numbers out of order in {} "
         "quantifier (at offset 5)");
}

/* A pattern that backtracks without end stops at the match limit: the value is not accepted. */
Test(json_schema, a_runaway_pattern_stops_at_the_match_limit) {
  EXPECT("{'pattern':'^(a|aa)+$'}", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'",
         "@ pattern: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' could not be matched "
         "with ^(a|aa)+$: match limit exceeded");
}

Test(json_schema, format_uuid) {
  VALID("{'format':'uuid'}", "'545a5da6-f103-4919-a519-e9aec1026ee4'");
  VALID("{'format':'uuid'}", "'545A5DA6-F103-4919-A519-E9AEC1026EE4'");
  EXPECT("{'format':'uuid'}", "'545a5da6f1034919a519e9aec1026ee4'",
         "@ format: '545a5da6f1034919a519e9aec1026ee4' is not a uuid (8-4-4-4-12 hex digits)");
  EXPECT("{'format':'uuid'}", "'545a5da6-f103-4919-a519-e9aec1026eeg'",
         "@ format: '545a5da6-f103-4919-a519-e9aec1026eeg' is not a uuid (8-4-4-4-12 hex digits)");
  VALID("{'format':'uuid'}", "42"); /* applies to strings only */
}

Test(json_schema, format_date_is_a_calendar_day) {
  VALID("{'format':'date'}", "'2024-02-29'");
  VALID("{'format':'date'}", "'2000-02-29'");
  EXPECT("{'format':'date'}", "'2024-13-01'", "@ format: '2024-13-01' is not a date (YYYY-MM-DD)");
  EXPECT("{'format':'date'}", "'2023-02-29'", "@ format: '2023-02-29' is not a date (YYYY-MM-DD)");
  EXPECT("{'format':'date'}", "'1900-02-29'", "@ format: '1900-02-29' is not a date (YYYY-MM-DD)");
  EXPECT("{'format':'date'}", "'2024/01/01'", "@ format: '2024/01/01' is not a date (YYYY-MM-DD)");
  EXPECT("{'format':'date'}", "'2024-1-01'", "@ format: '2024-1-01' is not a date (YYYY-MM-DD)");
}

Test(json_schema, format_date_time_is_rfc_3339) {
  const char *schema = "{'format':'date-time'}";
  VALID(schema, "'2024-01-31T12:00:00Z'");
  VALID(schema, "'2024-01-31t12:00:00.123456+05:30'");
  VALID(schema, "'1998-12-31T23:59:60Z'");      /* a leap second */
  VALID(schema, "'1998-12-31T15:59:60-08:00'"); /* the same leap second, in California */
  const char *bad[] = {"1998-12-31T22:59:60Z", "2024-01-31 12:00:00Z",    "2024-01-31T24:00:00Z",
                       "2024-01-31T12:00:00",  "2024-01-31T12:00Z",       "2024-01-31T12:00:00.Z",
                       "2024-02-30T12:00:00Z", "2024-01-31T12:00:00+5:30"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char instance[64], expected[160];
    snprintf(instance, sizeof instance, "'%s'", bad[i]);
    snprintf(expected, sizeof expected,
             "@ format: '%s' is not a date-time (RFC 3339, like 2024-01-31T12:00:00Z)", bad[i]);
    EXPECT(schema, instance, expected);
  }
}

Test(json_schema, format_uri_and_uri_reference) {
  VALID("{'format':'uri'}", "'https://github.com/SigmaHQ/sigma'");
  VALID("{'format':'uri'}", "'urn:ietf:rfc:3986'");
  EXPECT("{'format':'uri'}", "'//example.com/x'",
         "@ format: '//example.com/x' is not a URI (a scheme like 'https:' first, no spaces)");
  EXPECT("{'format':'uri'}", "'https://a b'",
         "@ format: 'https://a b' is not a URI (a scheme like 'https:' first, no spaces)");
  EXPECT("{'format':'uri'}", "'1http:x'",
         "@ format: '1http:x' is not a URI (a scheme like 'https:' first, no spaces)");
  VALID("{'format':'uri-reference'}", "'../rules/x.yml#L3'");
  VALID("{'format':'uri-reference'}", "''");
  EXPECT("{'format':'uri-reference'}", "'my rules/x.yml'",
         "@ format: 'my rules/x.yml' is not a URI reference (it holds a space or a control "
         "character)");
  EXPECT("{'format':'uri-reference'}", "'a\\u0085'",
         "@ format: 'a\\u0085' is not a URI reference (it holds a space or a control character)");
}

Test(json_schema, other_formats_are_annotations) {
  VALID("{'format':'email'}", "'not an email'");
  VALID("{'format':'ipv4'}", "'999.1'");
}

/* ---- numbers ---- */

Test(json_schema, minimum_and_maximum_are_inclusive) {
  VALID("{'minimum':0,'maximum':100.0}", "0");
  VALID("{'minimum':0,'maximum':100.0}", "100");
  EXPECT("{'minimum':0}", "-1", "@ minimum: must be at least 0, not -1");
  EXPECT("{'minimum':-1.0}", "-1.5", "@ minimum: must be at least -1, not -1.5");
  EXPECT("{'maximum':100}", "100.5", "@ maximum: must be at most 100, not 100.5");
  VALID("{'minimum':1}", "'0'");
  /* exact even past 2^53, where a double cannot tell the integers apart */
  EXPECT("{'maximum':9007199254740992.0}", "9007199254740993",
         "@ maximum: must be at most 9007199254740992, not 9007199254740993");
  VALID("{'maximum':9007199254740992.0}", "9007199254740992");
}

/* ---- arrays ---- */

Test(json_schema, items_reports_each_bad_item) {
  const char *schema = "{'items':{'type':'string'}}";
  VALID(schema, "['a','b']");
  VALID(schema, "[]");
  EXPECT(schema, "[1,'a',{}]",
         "@/0 type: must be a string, not a number\n"
         "@/2 type: must be a string, not an object");
  VALID("{'items':true}", "[1]");
  EXPECT("{'items':false}", "[1]", "@/0 items: no value is allowed here");
}

Test(json_schema, min_items_and_max_items) {
  VALID("{'minItems':1,'maxItems':3}", "[1,2,3]");
  EXPECT("{'minItems':1}", "[]", "@ minItems: must have at least 1 item, not 0");
  EXPECT("{'minItems':2}", "[1]", "@ minItems: must have at least 2 items, not 1");
  EXPECT("{'maxItems':3}", "[1,2,3,4,5]", "@ maxItems: must have at most 3 items, not 5");
  VALID("{'minItems':1}", "{}"); /* applies to arrays only */
}

Test(json_schema, unique_items_uses_json_equality) {
  const char *schema = "{'uniqueItems':true}";
  VALID(schema, "['a','b',1,'1',true,[1],[[1]],{'a':1},{'a':'1'}]");
  EXPECT(schema, "['attack.t1059','b','attack.t1059','attack.t1059']",
         "@/2 uniqueItems: 'attack.t1059' is a duplicate of item 0\n"
         "@/3 uniqueItems: 'attack.t1059' is a duplicate of item 0");
  EXPECT(schema, "[1,1.0]", "@/1 uniqueItems: 1 is a duplicate of item 0");
  EXPECT(schema, "[0,-0.0]", "@/1 uniqueItems: -0 is a duplicate of item 0");
  EXPECT(schema, "[{'a':1,'b':[2]},{'b':[2.0],'a':1}]",
         "@/1 uniqueItems: {\"b\":[2.0],\"a\":1} is a duplicate of item 0");
  VALID("{'uniqueItems':false}", "[1,1]");
}

/* ---- anyOf, oneOf, allOf, if ---- */

/* Sigma's search identifier: a list (of strings, integers or maps) or a map. */
static const char *const search_identifier =
    "{'additionalProperties':{'anyOf':[{'type':'array','items':{'anyOf':[{'type':'string'},"
    "{'type':'integer'},{'type':'object'}]}},{'type':'object'}]}}";

Test(json_schema, any_of_with_no_branch_of_the_value_kind_names_the_kinds) {
  VALID(search_identifier, "{'sel':['a',1,{}],'filter':{'a':'b'}}");
  EXPECT(search_identifier, "{'sel':'cmd.exe'}",
         "@/sel anyOf: must be an array or an object, not a string");
}

/* The list branch takes the value and fails only deeper: its own error is the one reported. */
Test(json_schema, any_of_reports_the_branch_that_got_deepest) {
  EXPECT(search_identifier, "{'sel':['a',true,2.5]}",
         "@/sel/1 anyOf: must be a string, an integer or an object, not a boolean\n"
         "@/sel/2 anyOf: must be a string, an integer or an object, not 2.5");
  const char *falsepositives = "{'anyOf':[{'type':'string','minLength':2},"
                               "{'type':'array','items':{'type':'string','minLength':2}}]}";
  EXPECT(falsepositives, "['ok','x']", "@/1 minLength: 'x' is shorter than 2 characters");
  EXPECT(falsepositives, "'x'", "@ minLength: 'x' is shorter than 2 characters");
  EXPECT(falsepositives, "5", "@ anyOf: must be a string or an array, not a number");
}

/* Branches that each take the value's kind and fail at the value: the first one speaks, unless
 * they differ only in what they require. */
Test(json_schema, any_of_ties) {
  const char *rules =
      "{'anyOf':[{'type':'string','minLength':2},{'type':'string','format':'uuid'}]}";
  VALID(rules, "'rule_a'");
  EXPECT(rules, "'a'", "@ minLength: 'a' is shorter than 2 characters");
  const char *region = "{'anyOf':[{'required':['startLine']},{'required':['charOffset']},"
                       "{'required':['byteOffset']}]}";
  VALID(region, "{'charOffset':3}");
  EXPECT(region, "{'endLine':3}", "@ anyOf: must have 'startLine', 'charOffset' or 'byteOffset'");
  EXPECT("{'anyOf':[{'required':['a','b']},{'required':['c']}]}", "{}",
         "@ anyOf: must have 'a' and 'b' or 'c'");
}

Test(json_schema, one_of_of_constants_lists_them) {
  const char *status = "{'type':'string','oneOf':[{'const':'stable'},{'const':'test'},"
                       "{'const':'experimental'},{'const':'deprecated'},{'const':'unsupported'}]}";
  VALID(status, "'test'");
  EXPECT(status, "'testing'",
         "@ oneOf: must be one of: stable, test, experimental, deprecated, unsupported");
  EXPECT(status, "5",
         "@ oneOf: must be one of: stable, test, experimental, deprecated, unsupported");
}

Test(json_schema, one_of_rejects_more_than_one_match) {
  const char *graph =
      "{'oneOf':[{'required':['runGraphIndex']},{'required':['resultGraphIndex']}]}";
  VALID(graph, "{'runGraphIndex':0}");
  EXPECT(graph, "{'runGraphIndex':0,'resultGraphIndex':1}",
         "@ oneOf: matches more than one of the allowed forms");
  EXPECT(graph, "{}", "@ oneOf: must have 'runGraphIndex' or 'resultGraphIndex'");
  EXPECT("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1",
         "@ oneOf: matches more than one of the allowed forms");
  VALID("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1.5");
}

Test(json_schema, all_of_reports_each_failing_branch_once) {
  const char *schema = "{'required':['timespan'],'allOf':[{'required':['timespan','group-by']},"
                       "{'properties':{'type':{'type':'string'}}}]}";
  VALID(schema, "{'timespan':'1h','group-by':[],'type':'x'}");
  EXPECT(schema, "{'type':1}",
         "@ required: 'timespan' is required\n"
         "@ required: 'group-by' is required\n"
         "@/type type: must be a string, not a number");
}

Test(json_schema, if_then_else) {
  const char *schema = "{'if':{'properties':{'type':{'const':'event_count'}}},"
                       "'then':{'required':['condition']},'else':{'required':['aliases']}}";
  VALID(schema, "{'type':'event_count','condition':{}}");
  VALID(schema, "{'type':'temporal','aliases':{}}");
  EXPECT(schema, "{'type':'event_count'}", "@ required: 'condition' is required");
  EXPECT(schema, "{'type':'temporal'}", "@ required: 'aliases' is required");
  VALID("{'if':{'type':'string'}}", "1"); /* no then, no else */
}

/* ---- $ref ---- */

Test(json_schema, ref_follows_local_pointers) {
  const char *schema = "{'definitions':{'name':{'type':'string'},'a/b~c':{'minimum':1}},"
                       "'$defs':{'list':{'type':'array','items':{'$ref':'#/definitions/name'}}},"
                       "'properties':{'names':{'$ref':'#/$defs/list'},"
                       "'n':{'$ref':'#/definitions/a~1b~0c'},"
                       "'first':{'$ref':'#/$defs/list/items'}}}";
  VALID(schema, "{'names':['a'],'n':1,'first':'x'}");
  EXPECT(schema, "{'names':['a',2],'n':0,'first':3}",
         "@/names/1 type: must be a string, not a number\n"
         "@/n minimum: must be at least 1, not 0\n"
         "@/first type: must be a string, not a number");
}

Test(json_schema, ref_to_the_root_recurses_through_the_value) {
  const char *tree = "{'type':'object','required':['name'],"
                     "'properties':{'name':{'type':'string'},'children':{'type':'array',"
                     "'items':{'$ref':'#'}}}}";
  VALID(tree, "{'name':'a','children':[{'name':'b','children':[{'name':'c'}]}]}");
  EXPECT(tree, "{'name':'a','children':[{'name':'b','children':[{'name':3}, {}]}]}",
         "@/children/0/children/0/name type: must be a string, not a number\n"
         "@/children/0/children/1 required: 'name' is required");
}

Test(json_schema, a_dangling_ref_is_an_error) {
  EXPECT("{'properties':{'a':{'$ref':'#/definitions/nothing'}}}", "{'a':1}",
         "@/a $ref: the schema's $ref '#/definitions/nothing' points nowhere (only local JSON "
         "pointers such as '#/definitions/x' are followed)");
  EXPECT("{'$ref':'other.json#/x'}", "1",
         "@ $ref: the schema's $ref 'other.json#/x' points nowhere (only local JSON pointers "
         "such as '#/definitions/x' are followed)");
  EXPECT("{'$ref':'#/definitions/a~2'}", "1",
         "@ $ref: the schema's $ref '#/definitions/a~2' points nowhere (only local JSON pointers "
         "such as '#/definitions/x' are followed)");
}

Test(json_schema, a_ref_cycle_is_an_error_not_a_stack_overflow) {
  EXPECT("{'$ref':'#'}", "1",
         "@ $ref: nesting deeper than 200 levels (a $ref cycle or a too deeply nested value)");
  EXPECT(
      "{'definitions':{'a':{'$ref':'#/definitions/b'},'b':{'anyOf':[{'$ref':'#/definitions/a'}]}},"
      "'$ref':'#/definitions/a'}",
      "1",
      "@ $ref: nesting deeper than 200 levels (a $ref cycle or a too deeply nested value)\n"
      "@ anyOf: matches none of the allowed forms");
}

Test(json_schema, a_deep_value_is_an_error_not_a_stack_overflow) {
  enum { DEPTH = 2000 };
  json_t *deep = json_string("bottom");
  for (int i = 0; i < DEPTH; i++) {
    json_t *array = json_array();
    json_array_append_new(array, deep);
    deep = array;
  }
  arena_on_free(&arena, drop_json, deep);
  const char *errors = check_doc(parse("{'type':'array','items':{'$ref':'#'}}"), deep);
  cr_assert(strstr(errors, "$ref: nesting deeper than 200 levels"), "%s", errors);
  cr_assert_null(strchr(errors, '\n'), "reported more than once: %s", errors);
  /* Equality gives up at its depth limit: two such values count as different. */
  json_t *twins = json_pack("[OO]", deep, deep);
  arena_on_free(&arena, drop_json, twins);
  cr_assert_str_eq(check_doc(parse("{'uniqueItems':true}"), twins), "");
}

/* ---- annotations and the API ---- */

Test(json_schema, annotations_and_unknown_keywords_are_ignored) {
  VALID("{'$schema':'http://json-schema.org/draft-04/schema#','$id':'x','id':'y','title':'t',"
        "'description':'d','default':5,'gt':{'type':'integer'},'examples':[1]}",
        "'anything'");
  VALID("true", "1");
  EXPECT("false", "1", "@ : no value is allowed here");
}

Test(json_schema, errors_are_appended_and_the_result_says_whether_this_call_found_any) {
  SchemaErrors errors = {0};
  cr_assert_not(json_schema_validate(&arena, parse("{'type':'string'}"), parse("1"), &errors));
  cr_assert(json_schema_validate(&arena, parse("{'type':'string'}"), parse("'x'"), &errors));
  cr_assert_not(json_schema_validate(&arena, parse("{'required':['a']}"), parse("{}"), &errors));
  cr_assert_str_eq(render(&errors), "@ type: must be a string, not a number\n"
                                    "@ required: 'a' is required");
}

/* ---- the Sigma schemas ---- */

static const json_t *sigma_schema(const char *kind) {
  char path[4096];
  snprintf(path, sizeof path, "%s/data/sigma-schema/sigma-%s-schema.json", SIGMAC_SOURCE_DIR, kind);
  return load(path);
}

/* The specification's own examples, converted by tools/sigma_schema_examples.py. */
Test(json_schema, the_sigma_specification_examples_validate) {
  static const struct {
    const char *folder, *schema, *names[9];
  } groups[] = {
      {"rules", "detection-rule", {"rule_1", "rule_ecs", NULL}},
      {"correlation",
       "correlation-rules",
       {"event_count", "event_count_ecs", "temporal", "temporal_ordered", "value_avg",
        "value_count", "value_percentile", "value_sum", NULL}},
      {"filter", "filters", {"filter_1", "filter_ecs", NULL}},
  };
  size_t checked = 0;
  for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
    const json_t *schema = sigma_schema(groups[g].schema);
    for (size_t i = 0; groups[g].names[i]; i++, checked++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/tests/data/json_schema/examples/%s/%s.json",
               SIGMAC_SOURCE_DIR, groups[g].folder, groups[g].names[i]);
      cr_expect_str_eq(check_doc(schema, load(path)), "", "%s", path);
    }
  }
  cr_assert_eq(checked, 12);
}

Test(json_schema, a_bad_sigma_rule_gets_every_error_once) {
  const char *rule = "{'title':'x','id':'not-a-uuid','status':'testing','date':'2024-13-01',"
                     "'tags':['attack.t1059','Attack.T1059','attack.t1059'],"
                     "'related':[{'id':'545a5da6-f103-4919-a519-e9aec1026ee4','type':'derive'}],"
                     "'logsource':{'product':7},"
                     "'detection':{'sel':'cmd.exe','list':['a',null],'condition':['sel']},"
                     "'falsepositives':['x'],'level':5}";
  cr_assert_str_eq(
      check_doc(sigma_schema("detection-rule"), parse(rule)),
      "@/id format: 'not-a-uuid' is not a uuid (8-4-4-4-12 hex digits)\n"
      "@/status oneOf: must be one of: stable, test, experimental, deprecated, unsupported\n"
      "@/date pattern: '2024-13-01' does not match "
      "^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$\n"
      "@/tags/1 pattern: 'Attack.T1059' does not match ^[a-z0-9_-]+\\.[a-z0-9._-]+$\n"
      "@/tags/2 uniqueItems: 'attack.t1059' is a duplicate of item 0\n"
      "@/related/0/type oneOf: must be one of: derived, obsolete, merged, renamed, similar\n"
      "@/logsource/product type: must be a string, not a number\n"
      "@/detection/sel anyOf: must be an array or an object, not a string\n"
      "@/detection/list/1 anyOf: must be a string, an integer or an object, not null\n"
      "@/detection/condition type: must be a string, not an array\n"
      "@/falsepositives/0 minLength: 'x' is shorter than 2 characters\n"
      "@/level oneOf: must be one of: informational, low, medium, high, critical");
  cr_assert_str_eq(check_doc(sigma_schema("detection-rule"), parse("{'detection':{}}")),
                   "@ required: 'title' is required\n"
                   "@ required: 'logsource' is required\n"
                   "@/detection required: 'condition' is required");
}

/* The schema's if/then pairs repeat 'timespan', which the correlation object requires already:
 * it is reported once. */
Test(json_schema, a_bad_sigma_correlation) {
  const char *correlation = "{'title':'x','correlation':{'type':'event_count','rules':['a']}}";
  cr_assert_str_eq(check_doc(sigma_schema("correlation-rules"), parse(correlation)),
                   "@/correlation required: 'timespan' is required\n"
                   "@/correlation required: 'condition' is required\n"
                   "@/correlation required: 'group-by' is required\n"
                   "@/correlation/rules/0 minLength: 'a' is shorter than 2 characters");
  cr_assert_str_eq(
      check_doc(sigma_schema("correlation-rules"),
                parse("{'title':'x','correlation':{'type':'count','rules':'a','timespan':'1h',"
                      "'group-by':['a','a']}}")),
      "@/correlation/type oneOf: must be one of: event_count, temporal, temporal_ordered, "
      "value_count, value_sum, value_avg, value_percentile\n"
      "@/correlation/rules anyOf: must be an array, not a string\n"
      "@/correlation/group-by/1 uniqueItems: 'a' is a duplicate of item 0");
}

/* ---- SARIF 2.1.0 (the schema stays in ../shared: it is not ours to copy) ---- */

static const json_t *sarif_schema(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/../shared/data/sarif/sarif-schema-2.1.0.json", SIGMAC_SOURCE_DIR);
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  fclose(file);
  return load(path);
}

static const char *const sarif_log =
    "{'$schema':'https://json.schemastore.org/sarif-2.1.0.json','version':'2.1.0',"
    "'runs':[{'tool':{'driver':{'name':'sigmac','version':'0.1.0',"
    "'informationUri':'https://example.com/sigmac',"
    "'rules':[{'id':'sigma-schema','shortDescription':{'text':'rule breaks the Sigma schema'},"
    "'defaultConfiguration':{'level':'error','rank':50.5}}]}},"
    "'invocations':[{'executionSuccessful':true,'startTimeUtc':'2024-01-31T12:00:00Z'}],"
    "'results':[{'ruleId':'sigma-schema','ruleIndex':0,'level':'error',"
    "'message':{'text':'\\u0027title\\u0027 is required'},"
    "'locations':[{'physicalLocation':{'artifactLocation':{'uri':'rules/x.yml'},"
    "'region':{'startLine':3,'startColumn':1,'endColumn':6}}}],"
    "'partialFingerprints':{'primaryLocationLineHash':'abc'}}],"
    "'columnKind':'unicodeCodePoints'}]}";

Test(json_schema, a_sarif_log_validates) {
  const json_t *schema = sarif_schema();
  if (!schema)
    cr_skip("../shared/data/sarif is absent: the SARIF schema checks are skipped");
  cr_assert_str_eq(check_doc(schema, parse(sarif_log)), "");
  cr_assert_str_eq(check_doc(schema, parse("{'version':'2.1.0','runs':null}")), "");
}

/* Sets member (a JSON pointer to an object, then a name) of a copy of the valid log. */
static const char *sarif_with(const json_t *schema, const char *object, const char *name,
                              const char *value) {
  json_t *log = parse(sarif_log);
  json_t *target = log;
  char *path = arena_strdup(&arena, object);
  for (char *segment = strtok(path, "/"); segment; segment = strtok(NULL, "/"))
    target = json_is_array(target) ? json_array_get(target, (size_t)atoi(segment))
                                   : json_object_get(target, segment);
  cr_assert(target, "%s", object);
  if (value)
    json_object_set(target, name, parse(value));
  else
    json_object_del(target, name);
  return check_doc(schema, log);
}

Test(json_schema, invalid_sarif_logs_are_reported_where_they_break) {
  const json_t *schema = sarif_schema();
  if (!schema)
    cr_skip("../shared/data/sarif is absent: the SARIF schema checks are skipped");
  cr_expect_str_eq(sarif_with(schema, "", "version", NULL), "@ required: 'version' is required");
  cr_expect_str_eq(sarif_with(schema, "", "version", "'2.0.0'"), "@/version enum: must be '2.1.0'");
  cr_expect_str_eq(sarif_with(schema, "", "extra", "1"),
                   "@/extra (key) additionalProperties: 'extra' is not an allowed property "
                   "(allowed: $schema, version, runs, inlineExternalProperties, properties)");
  cr_expect_str_eq(sarif_with(schema, "runs/0/results/0", "level", "'fatal'"),
                   "@/runs/0/results/0/level enum: must be one of: none, note, warning, error");
  cr_expect_str_eq(sarif_with(schema, "runs/0/results/0", "message", "{}"),
                   "@/runs/0/results/0/message anyOf: must have 'text' or 'id'");
  cr_expect_str_eq(
      sarif_with(schema, "runs/0/results/0/locations/0/physicalLocation", "region",
                 "{'startLine':0}"),
      "@/runs/0/results/0/locations/0/physicalLocation/region/startLine minimum: must be at "
      "least 1, not 0");
  cr_expect_str_eq(
      sarif_with(schema, "runs/0/results/0/locations/0/physicalLocation/artifactLocation", "uri",
                 "'my rules/x.yml'"),
      "@/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri format: 'my "
      "rules/x.yml' is not a URI reference (it holds a space or a control character)");
  cr_expect_str_eq(sarif_with(schema, "runs/0/results/0", "guid", "'1234'"),
                   "@/runs/0/results/0/guid pattern: '1234' does not match "
                   "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-"
                   "9a-fA-F]{12}$");
  cr_expect_str_eq(sarif_with(schema, "runs/0/invocations/0", "startTimeUtc", "'yesterday'"),
                   "@/runs/0/invocations/0/startTimeUtc format: 'yesterday' is not a date-time "
                   "(RFC 3339, like 2024-01-31T12:00:00Z)");
  cr_expect_str_eq(
      sarif_with(schema, "runs/0/tool/driver/rules/0/defaultConfiguration", "rank", "100.5"),
      "@/runs/0/tool/driver/rules/0/defaultConfiguration/rank maximum: must be at "
      "most 100, not 100.5");
  cr_expect_str_eq(sarif_with(schema, "runs/0", "results", "[]"), "");
  cr_expect_str_eq(sarif_with(schema, "runs/0/tool", "driver", "{}"),
                   "@/runs/0/tool/driver required: 'name' is required");
}
