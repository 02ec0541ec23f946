/* Fields against ECS and the index patterns a rule searches: Sigma rules after the field mapping,
 * native EQL as written. What Elasticsearch rejects or misreads is an error (a type clash), what
 * most likely finds nothing a warning (an unknown field, a field of another event category, an
 * index that holds no event of the category, a registry path form the source never writes), and
 * a leading wildcard on a keyword field a note on cost. Facts: data/ecs (ECS 9.4 types),
 * data/index-patterns/index-patterns.yml (categories and non-ECS fields per source). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/cidr.h"
#include "emit/emit_common.h"
#include "ir/ir_build.h"
#include "lint/lint_internal.h"
#include "schema/ecs.h"
#include "schema/embedded.h"

/* ---- the index patterns -----------------------------------------------------------------------
 */

/* The patterns a .sigmac.yml adds (extra, first: its entries win) and the compiled-in ones. */
static const YamlNode *index_patterns(Arena *arena, const YamlNode *extra) {
  const YamlNode *builtin = yaml_map_get(
      lint_builtin_yaml("index-patterns.yml", embedded_index_patterns, embedded_index_patterns_len),
      "patterns");
  if (!extra || extra->kind != YAML_MAP || !builtin)
    return builtin;
  YamlNode *merged = arena_alloc(arena, sizeof *merged);
  *merged = *builtin;
  size_t total = extra->count + builtin->count;
  merged->keys = arena_array(arena, total, sizeof(YamlNode *));
  merged->items = arena_array(arena, total, sizeof(YamlNode *));
  merged->count = 0;
  const YamlNode *maps[2] = {extra, builtin};
  for (size_t m = 0; m < 2; m++)
    for (size_t i = 0; i < maps[m]->count; i++) {
      if (m == 1 && yaml_map_get(extra, builtin->keys[i]->text))
        continue; /* the user's entry for it */
      merged->keys[merged->count] = maps[m]->keys[i];
      merged->items[merged->count++] = maps[m]->items[i];
    }
  return merged;
}

static bool glob(const char *pattern, const char *text) {
  if (*pattern == '\0')
    return *text == '\0';
  if (*pattern == '*')
    return glob(pattern + 1, text) || (*text && glob(pattern, text + 1));
  return *text == *pattern && glob(pattern + 1, text + 1);
}

/* The entries of the patterns file for the rule's index list (an entry and an index name match
 * when either, as a glob, matches the other: logs-windows.forwarded* and -forwarded-*). */
typedef struct Sources {
  const YamlNode *entries[32];
  const char *names[32];
  size_t count;
  bool all; /* the rule names no index: every entry */
} Sources;

static Sources sources_of(const YamlNode *patterns, const IrStrList *index) {
  Sources s = {{NULL}, {NULL}, 0, index->count == 0};
  for (size_t i = 0; patterns && i < patterns->count && s.count < 32; i++) {
    bool wanted = s.all;
    const char *name = patterns->keys[i]->text;
    for (size_t k = 0; k < index->count && !wanted; k++) /* an entry of its own, else globs */
      wanted = yaml_map_get(patterns, index->items[k])
                   ? strcmp(name, index->items[k]) == 0
                   : glob(name, index->items[k]) || glob(index->items[k], name);
    if (wanted) {
      s.entries[s.count] = patterns->items[i];
      s.names[s.count++] = patterns->keys[i]->text;
    }
  }
  return s;
}

/* Whether a list (or a "prefix.{A, B}" string of names) of an entry holds field. */
static bool names_field(const YamlNode *list, const char *field) {
  if (!list)
    return false;
  if (list->kind == YAML_SEQUENCE) {
    for (size_t i = 0; i < list->count; i++)
      if (names_field(list->items[i], field))
        return true;
    return false;
  }
  if (list->kind != YAML_SCALAR)
    return false;
  const char *brace = strstr(list->text, ".{");
  if (!brace)
    return strcmp(list->text, field) == 0;
  size_t prefix = (size_t)(brace - list->text) + 1;
  if (strncmp(field, list->text, prefix) != 0)
    return false;
  const char *name = field + prefix;
  size_t len = strlen(name);
  for (const char *p = brace + 2; *p && *p != '}';) {
    p += strspn(p, " ,");
    size_t n = strcspn(p, ",}");
    if (n == len && strncmp(p, name, n) == 0)
      return true;
    p += n;
  }
  return false;
}

/* The namespaces a source writes beyond ECS and beyond the fields its entry lists (its package
 * field lists are not copied): Elastic Defend's *.Ext.* and *.caseless, the Windows
 * integrations' and Winlogbeat's winlog.*, powershell.*, sysmon.*. */
static bool source_namespace(const char *name, const char *field) {
  bool defend = strncmp(name, "logs-endpoint", 13) == 0 || strcmp(name, "endgame-*") == 0;
  bool windows = strncmp(name, "logs-windows", 12) == 0 || strncmp(name, "logs-system", 11) == 0 ||
                 strcmp(name, "winlogbeat-*") == 0;
  if (defend && (strstr(field, ".Ext.") || strstr(field, ".caseless")))
    return true;
  return windows && (strncmp(field, "winlog.", 7) == 0 || strncmp(field, "powershell.", 11) == 0 ||
                     strncmp(field, "sysmon.", 7) == 0);
}

static bool declared(const Sources *s, const char *field) {
  for (size_t i = 0; i < s->count; i++)
    if (names_field(yaml_map_get(s->entries[i], "non_ecs_fields_used"), field) ||
        names_field(yaml_map_get(s->entries[i], "non_ecs_declared"), field) ||
        source_namespace(s->names[i], field))
      return true;
  return false;
}

/* ---- per predicate ----------------------------------------------------------------------------
 */

typedef struct FieldPass {
  LintCtx *ctx;
  const IrRule *rule;
  const EcsSchema *ecs;
  Sources sources;
  const char *category;     /* the query's EQL category, NULL for any */
  const char *index_text;   /* the index list, for messages */
  const YamlNode *patterns; /* the whole patterns file */
} FieldPass;

static bool string_match(IrMatchKind match) {
  return match == IR_MATCH_EQUALS || match == IR_MATCH_CONTAINS || match == IR_MATCH_STARTSWITH ||
         match == IR_MATCH_ENDSWITH || match == IR_MATCH_WILDCARD;
}

/* A namespace that belongs to some event categories only, and whether category is one of them:
 * registry.* in registry (and Sysmon's configuration) events, dll.* in library events, dns.* in
 * network events, file.* not in registry or network events. */
static const char *foreign_namespace(const char *field, const char *category) {
  static const struct {
    const char *prefix;
    const char *categories; /* where it is found, space-separated; NULL: see 'not' */
    const char * not ;      /* where it is not */
  } namespaces[] = {
      {"registry.", " registry configuration ", NULL},
      {"dll.", " library process ", NULL},
      {"dns.", " network ", NULL},
      {"file.", NULL, " registry network "},
  };
  char key[64];
  snprintf(key, sizeof key, " %s ", category);
  for (size_t i = 0; i < sizeof namespaces / sizeof *namespaces; i++) {
    if (strncmp(field, namespaces[i].prefix, strlen(namespaces[i].prefix)) != 0)
      continue;
    bool ok = namespaces[i].categories ? strstr(namespaces[i].categories, key) != NULL
                                       : strstr(namespaces[i].not, key) == NULL;
    return ok ? NULL : namespaces[i].prefix;
  }
  return NULL;
}

/* A value found anywhere in the field: '*x*' (an endswith, Sigma's most common test, reads the
 * terms too, but says what the rule means and has no cheaper form). */
static bool pattern_leads_with_wildcard(const IrPredicate *p) {
  if (p->match == IR_MATCH_CONTAINS)
    return true;
  return p->match == IR_MATCH_WILDCARD && p->value.kind == IR_VALUE_STRING &&
         p->value.string.count && p->value.string.segs[0].kind != IR_SEG_LITERAL;
}

/* The literal text a predicate's value starts with, or NULL. */
static const char *literal_start(Arena *arena, const IrPredicate *p) {
  if (p->value.kind != IR_VALUE_STRING || !p->value.string.count ||
      p->value.string.segs[0].kind != IR_SEG_LITERAL || p->match == IR_MATCH_CONTAINS ||
      p->match == IR_MATCH_ENDSWITH)
    return NULL;
  return arena_strndup(arena, p->value.string.segs[0].text, p->value.string.segs[0].len);
}

/* The registry path forms each data source writes, and those it never writes (the T1553.002
 * fixtures' notes, golden/t1553_002_events/README.md, and Elastic's rules' own prefixes): Sysmon
 * (and the integrations and Winlogbeat that copy its TargetObject) writes HKLM\..., HKU\<SID>\...
 * and HKCR\...; Elastic Defend HKLM\... and HKEY_USERS\<SID>\.... Neither writes HKCU\. */
static const struct {
  const char *name;
  const char *sources[3]; /* index patterns of the source */
  const char *never[5];   /* path prefixes it never writes */
  const char *writes;
} registry_forms[] = {
    {"Sysmon",
     {"logs-windows.sysmon_operational-*", "winlogbeat-*", NULL},
     {"HKEY_", "HKCU\\", "\\REGISTRY\\", NULL},
     "HKLM\\..., HKU\\<SID>\\... and HKCR\\..."},
    {"Elastic Defend",
     {"logs-endpoint.events.registry-*", "logs-endpoint.events.*", NULL},
     {"HKEY_LOCAL_MACHINE\\", "HKU\\", "HKCU\\", "HKEY_CURRENT_USER\\", NULL},
     "HKLM\\... and HKEY_USERS\\<SID>\\..."},
};

static bool listed_source(const char *const *sources, const char *name) {
  for (; *sources; sources++)
    if (strcmp(*sources, name) == 0)
      return true;
  return false;
}

/* A registry path literal that begins with a form the rule's only data source never writes. */
static void registry_form(FieldPass *f, const IrPredicate *p, const char *field) {
  if (strcmp(field, "registry.path") != 0 && strcmp(field, "registry.key") != 0)
    return;
  const char *start = f->sources.count && !f->sources.all ? literal_start(f->ctx->arena, p) : NULL;
  for (size_t r = 0; start && r < sizeof registry_forms / sizeof *registry_forms; r++) {
    bool only = true;
    for (size_t i = 0; i < f->sources.count && only; i++)
      only = listed_source(registry_forms[r].sources, f->sources.names[i]);
    for (const char *const *n = registry_forms[r].never; only && *n; n++)
      if (strncasecmp(start, *n, strlen(*n)) == 0) {
        lint_report(f->ctx, "registry-path-form", p->src, p->span,
                    "%s writes registry paths as %s: '%s...' never matches what %s holds",
                    registry_forms[r].name, registry_forms[r].writes, *n, f->index_text);
        return;
      }
  }
}

/* The whole literal value of a predicate without wildcards, or NULL. */
static const char *literal_value(Arena *arena, const IrPredicate *p) {
  if (p->match != IR_MATCH_EQUALS || p->value.kind != IR_VALUE_STRING)
    return NULL;
  StrBuf text = STRBUF_INIT;
  for (size_t i = 0; i < p->value.string.count; i++) {
    if (p->value.string.segs[i].kind != IR_SEG_LITERAL) {
      sb_free(&text);
      return NULL;
    }
    sb_putn(&text, p->value.string.segs[i].text, p->value.string.segs[i].len);
  }
  const char *out = arena_strdup(arena, sb_text(&text));
  sb_free(&text);
  return out;
}

/* Type clashes Elasticsearch rejects or misreads: a term-level string test of an analysed text
 * field, text that is no number against a number field, wildcards or text that is no address
 * against an ip field. */
static void check_type(FieldPass *f, const IrPredicate *p, const char *field, const EcsField *e) {
  if (!e || !string_match(p->match) || p->value.kind != IR_VALUE_STRING)
    return;
  const char *literal = literal_value(f->ctx->arena, p);
  Cidr address;
  switch (e->family) {
  case ECS_TEXT:
    lint_report(f->ctx, "ecs-type-clash", p->src, p->span,
                "'%s' is a %s field: Elasticsearch analyses it into words, and EQL's term-level "
                "tests (==, :, like, wildcards) cannot match its value",
                field, e->type);
    return;
  case ECS_NUMBER:
    if (!literal || !ir_plain_number(literal))
      lint_report(f->ctx, "ecs-type-clash", p->src, p->span,
                  "'%s' is a number field (%s): a text or wildcard value is rejected by "
                  "Elasticsearch",
                  field, e->type);
    return;
  case ECS_IP:
    if (p->match == IR_MATCH_STARTSWITH && p->value.string.count == 1 &&
        p->value.string.segs[0].kind == IR_SEG_LITERAL) {
      StrBuf network = STRBUF_INIT; /* whole octets: the backends write the network */
      bool octets = emit_octet_prefix_network(p->value.string.segs[0].text,
                                              p->value.string.segs[0].len, &network);
      sb_free(&network);
      if (octets)
        return;
    }
    if (!literal)
      lint_report(f->ctx, "ecs-type-clash", p->src, p->span,
                  "'%s' is an ip field: Elasticsearch rejects wildcards on it; a network is "
                  "written with cidr (Sigma |cidr, EQL cidrMatch)",
                  field);
    else if (!cidr_parse(literal, strlen(literal), &address, NULL, NULL, NULL))
      lint_report(f->ctx, "ecs-type-clash", p->src, p->span,
                  "'%s' is an ip field, and '%s' is no address: Elasticsearch rejects it", field,
                  literal);
    return;
  case ECS_STRING:
  case ECS_DATE:
  case ECS_BOOLEAN:
  case ECS_OTHER:
    return;
  }
}

static void check_pred(FieldPass *f, const IrPredicate *p) {
  if (!p->field || p->match == IR_MATCH_EXPR)
    return;
  const char *field = p->field + (p->field[0] == '?');
  const EcsField *e = f->ecs ? ecs_lookup(f->ecs, field) : NULL;
  if (!e && f->ctx->extra_fields)
    e = ecs_lookup(f->ctx->extra_fields, field);
  const Mapping *m = f->ctx->in->mapping;
  bool prefixed = m && m->unmapped_prefix && f->rule->origin == IR_LANG_SIGMA &&
                  strncmp(field, m->unmapped_prefix, strlen(m->unmapped_prefix)) == 0;
  /* a Sigma name the mapping left as it was has had its warning (mapping-unmapped-field) */
  bool unmapped = f->rule->origin == IR_LANG_SIGMA && !strchr(field, '.');
  if (f->ecs && !e && !prefixed && !unmapped && !declared(&f->sources, field))
    lint_report(f->ctx, "ecs-unknown-field", p->src, p->span,
                "'%s' is neither an ECS 9.4 field nor one %s is known to write", field,
                f->index_text);
  const char *foreign = f->category ? foreign_namespace(field, f->category) : NULL;
  if (foreign)
    lint_report(f->ctx, "ecs-category-field", p->src, p->span,
                "%s events do not carry %s* fields: '%s' is never found by a %s query", f->category,
                foreign, field, f->category);
  check_type(f, p, field, e);
  registry_form(f, p, field);
  if (e && strcmp(e->type, "keyword") == 0 && pattern_leads_with_wildcard(p))
    lint_report(f->ctx, "leading-wildcard", p->src, p->span,
                "a leading wildcard on '%s' reads every term of the keyword field (ECS types it "
                "keyword, not wildcard): fine for a rule, slow for a search over much data",
                field);
}

static void walk(FieldPass *f, const IrNode *node) {
  if (!node)
    return;
  if (node->kind == IR_PRED) {
    check_pred(f, &node->pred);
    return;
  }
  for (size_t i = 0; i < node->count; i++)
    walk(f, node->children[i]);
}

static const char *index_text(Arena *arena, const IrStrList *index) {
  if (!index->count)
    return "any index";
  StrBuf text = STRBUF_INIT;
  for (size_t i = 0; i < index->count; i++)
    sb_printf(&text, "%s%s", i ? ", " : "", index->items[i]);
  const char *out = arena_strdup(arena, sb_text(&text));
  sb_free(&text);
  return out;
}

/* An index pattern none of whose sources writes events of the category (the sources it covers,
 * each with its event_categories list; a source whose list is not known keeps it quiet). */
static void index_category(FieldPass *f, const IrRule *rule, const YamlNode *patterns) {
  if (!f->category)
    return;
  for (size_t k = 0; k < rule->index.count; k++) {
    const char *index = rule->index.items[k];
    size_t known = 0;
    bool holds = false, unknown = false, many = false;
    const char *other = NULL;
    bool exact = yaml_map_get(patterns, index) != NULL; /* an entry of its own: that one */
    for (size_t i = 0; patterns && i < patterns->count && !holds; i++) {
      const char *name = patterns->keys[i]->text;
      if (exact ? strcmp(name, index) != 0 : !glob(name, index) && !glob(index, name))
        continue;
      const YamlNode *categories = yaml_map_get(patterns->items[i], "event_categories");
      if (!categories || categories->kind != YAML_SEQUENCE) {
        unknown = true; /* "per module", "same as the originating channel" */
        continue;
      }
      known++;
      for (size_t c = 0; c < categories->count && !holds; c++)
        holds = strcmp(categories->items[c]->text, f->category) == 0;
      if (!other && categories->count)
        other = categories->items[0]->text;
      many = many || categories->count > 1 || known > 1;
    }
    if (known && !holds && !unknown)
      lint_report(f->ctx, "index-category", rule->src,
                  (Span){rule->span.start, rule->span.start + 1},
                  "%s holds no %s events: its data source writes %s events%s", index, f->category,
                  other, many ? " and others" : "");
  }
}

static void query_fields(FieldPass *f, const IrRule *rule, const IrQuery *q) {
  if (q->kind == IR_QUERY_EVENT) {
    f->category = q->category;
    index_category(f, rule, f->patterns);
    walk(f, q->where);
    return;
  }
  for (size_t s = 0; s < q->step_count; s++) {
    f->category = q->steps[s].category;
    index_category(f, rule, f->patterns);
    walk(f, q->steps[s].where);
  }
}

void lint_fields(LintCtx *ctx) {
  const YamlNode *patterns = index_patterns(ctx->arena, ctx->extra_patterns);
  const Mapping *mapping = ctx->in->mapping;
  const EcsSchema *ecs = mapping && mapping->ecs ? mapping->ecs : ecs_builtin(ctx->arena);
  for (size_t r = 0; r < ctx->in->rules->count; r++) {
    const IrRule *rule = ctx->in->rules->rules[r];
    if (rule->kind != IR_RULE_DETECTION)
      continue;
    const IrRule *mapped = rule;
    if (rule->origin == IR_LANG_SIGMA) {
      if (!mapping || !mapping->ecs)
        continue; /* fields of another schema */
      mapped = mapping_apply(ctx->arena, mapping, rule, ctx->diags);
    } else if (rule->origin != IR_LANG_EQL) {
      continue;
    }
    FieldPass f = {.ctx = ctx,
                   .rule = mapped,
                   .ecs = ecs,
                   .sources = sources_of(patterns, &mapped->index),
                   .index_text = index_text(ctx->arena, &mapped->index),
                   .patterns = patterns};
    for (size_t q = 0; q < mapped->query_count; q++)
      query_fields(&f, mapped, mapped->queries[q]);
  }
}
