/* Expectations: reading them, and comparing results with them. */
#include "eval/expect.h"

#include <stdlib.h>
#include <string.h>

#include "sigma/yaml_tree.h"

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* "file:line" with a positive line, or "missing". */
static bool valid_ref(const char *text) {
  if (strcmp(text, "missing") == 0)
    return true;
  const char *colon = strrchr(text, ':');
  if (!colon || colon == text || !colon[1])
    return false;
  for (const char *p = colon + 1; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  return atol(colon + 1) > 0;
}

/* A reference as it is compared: the file's base name and the line. */
static const char *normal_ref(Arena *arena, const char *text) {
  if (strcmp(text, "missing") == 0)
    return text;
  const char *colon = strrchr(text, ':');
  char *file = arena_strndup(arena, text, (size_t)(colon - text));
  return arena_printf(arena, "%s:%ld", base_name(file), atol(colon + 1));
}

static bool load_match(Arena *arena, const Source *src, DiagSink *diags, const YamlNode *node,
                       ExpectedMatch *out) {
  out->span = node->span;
  const YamlNode *const *items = &node;
  size_t n = 1;
  if (node->kind == YAML_SEQUENCE) {
    items = (const YamlNode *const *)node->items;
    n = node->count;
  }
  out->refs = arena_array(arena, n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    if (items[i]->kind != YAML_SCALAR || !valid_ref(items[i]->text)) {
      diag_report(diags, DIAG_ERROR, src, items[i]->span, "expect-syntax",
                  "an expected event is written FILE:LINE (or 'missing' in a chain), not %s",
                  items[i]->kind == YAML_SCALAR ? "this" : yaml_describe(items[i]));
      return false;
    }
    out->refs[out->count++] = normal_ref(arena, items[i]->text);
  }
  return n > 0;
}

bool expect_load(Arena *arena, const Source *src, DiagSink *diags, Expectations *out) {
  memset(out, 0, sizeof *out);
  out->src = src;
  YamlFile file;
  if (!yaml_load(arena, src, &yaml_default_limits, diags, &file))
    return false;
  const YamlNode *root = file.count ? file.documents[0].root : NULL;
  const YamlNode *rules = root && root->kind == YAML_MAP ? yaml_map_get(root, "rules") : NULL;
  if (!rules || rules->kind != YAML_MAP) {
    diag_report(diags, DIAG_ERROR, src, root ? root->span : (Span){0, 0}, "expect-syntax",
                "an expectations file is a map with the key 'rules': rule -> expected events");
    return false;
  }
  bool ok = true;
  out->rules = arena_array(arena, rules->count + 1, sizeof(ExpectedRule));
  for (size_t i = 0; i < rules->count; i++) {
    const YamlNode *list = rules->items[i];
    ExpectedRule *rule = &out->rules[out->count++];
    rule->key = rules->keys[i]->text;
    rule->span = rules->keys[i]->span;
    if (list->kind == YAML_SCALAR && list->type == YAML_NULL)
      continue; /* 'name:' alone: nothing expected */
    if (list->kind != YAML_SEQUENCE) {
      diag_report(diags, DIAG_ERROR, src, list->span, "expect-syntax",
                  "the expected events of a rule are a list, not %s", yaml_describe(list));
      ok = false;
      continue;
    }
    rule->matches = arena_array(arena, list->count + 1, sizeof(ExpectedMatch));
    for (size_t k = 0; k < list->count; k++)
      if (load_match(arena, src, diags, list->items[k], &rule->matches[rule->count]))
        rule->count++;
      else
        ok = false;
  }
  return ok;
}

const char *expect_rule_key(Arena *arena, const IrRule *rule) {
  if (rule->meta.name)
    return rule->meta.name;
  if (rule->meta.id)
    return rule->meta.id;
  if (rule->meta.title)
    return rule->meta.title;
  const char *file = rule->src ? base_name(rule->src->path) : "";
  return rule->document ? arena_printf(arena, "%s#%zu", file, rule->document + 1) : file;
}

const char *expect_match_text(Arena *arena, const Chain *chain, bool chain_form, bool full_paths) {
  char *text = arena_strdup(arena, chain_form ? "[" : "");
  for (size_t e = 0; e < chain->count; e++) {
    const Event *event = chain->events[e];
    const char *path = event ? event->src->path : NULL;
    const char *ref =
        event ? arena_printf(arena, "%s:%zu", full_paths ? path : base_name(path), event->line)
              : "missing";
    text = arena_printf(arena, "%s%s%s", text, e ? ", " : "", ref);
  }
  return chain_form ? arena_printf(arena, "%s]", text) : text;
}

const char *expect_expected_text(Arena *arena, const ExpectedMatch *match, bool chain_form) {
  char *text = arena_strdup(arena, chain_form ? "[" : "");
  for (size_t i = 0; i < match->count; i++)
    text = arena_printf(arena, "%s%s%s", text, i ? ", " : "", match->refs[i]);
  return chain_form ? arena_printf(arena, "%s]", text) : text;
}

static ExpectedRule *listed(Expectations *expected, const char *key) {
  for (size_t i = 0; i < expected->count; i++)
    if (strcmp(expected->rules[i].key, key) == 0)
      return &expected->rules[i];
  return NULL;
}

static void judge(Arena *arena, ExpectedRule *rule, const RuleResult *result, RuleVerdict *v) {
  bool chains = result->rule->kind == IR_RULE_CORRELATION ||
                (result->rule->query_count && result->rule->queries[0]->kind != IR_QUERY_EVENT);
  size_t made = result->matches.count, wanted = rule ? rule->count : 0;
  v->unexpected = arena_array(arena, made + 1, sizeof(char *));
  v->unmatched = arena_array(arena, wanted + 1, sizeof(ExpectedMatch *));
  for (size_t k = 0; k < made; k++) {
    const char *text = expect_match_text(arena, &result->matches.items[k], chains, false);
    bool found = false;
    for (size_t i = 0; i < wanted && !found; i++) {
      ExpectedMatch *m = &rule->matches[i];
      if (!m->found && strcmp(expect_expected_text(arena, m, chains), text) == 0)
        m->found = found = true;
    }
    if (!found)
      v->unexpected[v->unexpected_count++] = text;
  }
  for (size_t i = 0; i < wanted; i++)
    if (!rule->matches[i].found)
      v->unmatched[v->unmatched_count++] = &rule->matches[i];
  v->as_expected = result->evaluated && v->unexpected_count == 0 && v->unmatched_count == 0;
}

RuleVerdict *expect_compare(Arena *arena, DiagSink *diags, Expectations *expected,
                            const RuleResult *results, size_t count) {
  RuleVerdict *verdicts = arena_array(arena, count + 1, sizeof(RuleVerdict));
  for (size_t r = 0; r < count; r++) {
    verdicts[r].key = expect_rule_key(arena, results[r].rule);
    ExpectedRule *rule = listed(expected, verdicts[r].key);
    if (rule)
      rule->ran = true;
    judge(arena, rule, &results[r], &verdicts[r]);
  }
  for (size_t i = 0; i < expected->count; i++)
    if (!expected->rules[i].ran)
      diag_report(diags, DIAG_ERROR, expected->src, expected->rules[i].span, "expect-no-rule",
                  "no rule '%s' was run (a Sigma rule is listed by its name, else its id, else "
                  "its title; an EQL rule by its file name)",
                  expected->rules[i].key);
  return verdicts;
}
