/* Elastic Security rule exports (Kibana's detection-rule JSON, one object or NDJSON lines): each
 * EQL rule's query through the EQL front end, with the rule's metadata (name, description,
 * severity, threat, false positives, references, rule_id) kept for writing Sigma. */
#include <jansson.h>
#include <string.h>

#include "base/json_space.h"
#include "eql/eql.h"
#include "ir/ir_build.h"

static const char *text_of(Arena *arena, json_t *rule, const char *key) {
  const char *value = json_string_value(json_object_get(rule, key));
  return value ? arena_strdup(arena, value) : NULL;
}

static IrStrList strings_of(Arena *arena, json_t *array) {
  IrStrList list = {arena_array(arena, json_array_size(array) + 1, sizeof(char *)), 0};
  size_t i;
  json_t *item;
  json_array_foreach(array, i, item) {
    if (json_is_string(item))
      list.items[list.count++] = arena_strdup(arena, json_string_value(item));
  }
  return list;
}

/* ATT&CK tags from the threat mapping: the tactic's shortname (defense-evasion), technique and
 * sub-technique ids in lower case (t1553.002). */
static IrStrList tags_of(Arena *arena, json_t *threat) {
  IrStrList tags = {arena_array(arena, 64, sizeof(char *)), 0};
  size_t i, k, m;
  json_t *entry, *technique, *sub;
  json_array_foreach(threat, i, entry) {
    const char *tactic =
        json_string_value(json_object_get(json_object_get(entry, "tactic"), "name"));
    if (tactic && tags.count < 63) {
      char *tag = arena_printf(arena, "attack.%s", tactic);
      for (char *c = tag; *c; c++)
        *c = *c == ' ' ? '-' : (char)(*c | 0x20);
      tags.items[tags.count++] = tag;
    }
    json_array_foreach(json_object_get(entry, "technique"), k, technique) {
      const char *id = json_string_value(json_object_get(technique, "id"));
      json_t *subs = json_object_get(technique, "subtechnique");
      if (id && json_array_size(subs) == 0 && tags.count < 63)
        tags.items[tags.count++] = arena_printf(arena, "attack.t%s", id + 1);
      json_array_foreach(subs, m, sub) {
        const char *sub_id = json_string_value(json_object_get(sub, "id"));
        if (sub_id && tags.count < 63)
          tags.items[tags.count++] = arena_printf(arena, "attack.t%s", sub_id + 1);
      }
    }
  }
  return tags;
}

static const char *level_of(const char *severity) {
  return severity && (strcmp(severity, "low") == 0 || strcmp(severity, "medium") == 0 ||
                      strcmp(severity, "high") == 0 || strcmp(severity, "critical") == 0)
             ? severity
             : NULL;
}

/* One exported rule: its query compiled, its metadata set on the rules it gave. */
static bool one_rule(Arena *arena, const Source *file, json_t *rule, size_t index,
                     const EqlOptions *options, DiagSink *diags, IrRuleSet *rules) {
  const char *language = json_string_value(json_object_get(rule, "language"));
  const char *query = json_string_value(json_object_get(rule, "query"));
  const char *name = json_string_value(json_object_get(rule, "name"));
  if (!query || !language || strcmp(language, "eql") != 0) {
    diag_report_file(diags, DIAG_ERROR, file->path, "export",
                     "rule %zu ('%s') is not an EQL rule (language '%s'); only EQL rules are read",
                     index + 1, name ? name : "?", language ? language : "none");
    return false;
  }
  const Source *src = source_from_text(
      arena, arena_printf(arena, "%s#%zu.eql", file->path, index + 1), query, strlen(query));
  size_t first = rules->count;
  bool ok = eql_compile(arena, src, options, diags, rules);
  for (size_t i = first; i < rules->count; i++) {
    IrMeta *meta = &rules->rules[i]->meta;
    meta->title = text_of(arena, rule, "name");
    meta->id = text_of(arena, rule, "rule_id");
    meta->description = text_of(arena, rule, "description");
    const char *level = level_of(json_string_value(json_object_get(rule, "severity")));
    meta->level = level ? arena_strdup(arena, level) : NULL; /* the JSON dies before the rule */
    meta->references = strings_of(arena, json_object_get(rule, "references"));
    meta->falsepositives = strings_of(arena, json_object_get(rule, "false_positives"));
    meta->tags = tags_of(arena, json_object_get(rule, "threat"));
    meta->license = text_of(arena, rule, "license");
    rules->rules[i]->index = strings_of(arena, json_object_get(rule, "index"));
  }
  return ok;
}

bool eql_compile_export(Arena *arena, const Source *src, const EqlOptions *options, DiagSink *diags,
                        IrRuleSet *rules) {
  bool ok = true;
  size_t index = 0;
  for (size_t at = 0; at < src->len;) {
    /* one JSON value after another: a whole file, or NDJSON lines */
    json_error_t error;
    json_t *rule = json_loadb(src->text + at, src->len - at, JSON_DISABLE_EOF_CHECK, &error);
    if (!rule) {
      size_t offset = at + (error.position > 0 ? (size_t)error.position - 1 : 0);
      diag_report(diags, DIAG_ERROR, src, (Span){offset, offset + 1}, "export", "invalid JSON: %s",
                  error.text);
      return false;
    }
    at += (size_t)error.position;
    while (at < src->len && json_is_space(src->text[at]))
      at++;
    if (json_is_array(rule)) {
      size_t i;
      json_t *item;
      json_array_foreach(rule, i, item) {
        ok = one_rule(arena, src, item, index++, options, diags, rules) && ok;
      }
    } else {
      ok = one_rule(arena, src, rule, index++, options, diags, rules) && ok;
    }
    json_decref(rule);
  }
  return ok;
}
