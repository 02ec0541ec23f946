/* Output of a whole run, and the backend table. */
#include "emit/output.h"

#include <string.h>

#include <stdio.h>

#include "base/json_out.h"
#include "schema/attack.h"

extern const Backend emit_eql_backend;
extern const Backend emit_kql_backend;
extern const Backend emit_sigma_backend;
extern const Backend emit_navigator_backend;
extern const Backend emit_spl_backend;

const Backend *const emit_backends[] = {&emit_eql_backend,       &emit_kql_backend,
                                        &emit_spl_backend,       &emit_sigma_backend,
                                        &emit_navigator_backend, NULL};

const Backend *emit_backend(const char *name) {
  for (const Backend *const *b = emit_backends; *b; b++)
    if (strcmp((*b)->name, name) == 0)
      return *b;
  return NULL;
}

bool emit_selected(const EmitCtx *ctx, size_t index) {
  return !ctx->selecting || (index >= ctx->select_first && index < ctx->select_end);
}

bool emit_counted(EmitCtx *ctx, bool ok) {
  if (ok)
    ctx->converted++;
  else
    ctx->refused++;
  return ok;
}

bool emit_standalone(const EmitCtx *ctx, size_t index) {
  const IrRule *rule = ctx->rules->rules[index];
  if (rule->kind == IR_RULE_FILTER || !emit_selected(ctx, index))
    return false;
  if (rule->kind == IR_RULE_CORRELATION)
    return true;
  for (size_t i = 0; i < ctx->rules->count; i++) {
    const IrCorrelation *c = ctx->rules->rules[i]->correlation;
    for (size_t k = 0; c && k < c->rule_count; k++)
      if (c->rules[k].rule == rule && !c->generate)
        return false;
  }
  return true;
}

static size_t standalone_count(const EmitCtx *ctx) {
  size_t count = 0;
  for (size_t i = 0; i < ctx->rules->count; i++)
    count += emit_standalone(ctx, i);
  return count;
}

/* Rule text in a comment line: line breaks and other control characters become spaces, so no
 * title can end the comment and put its own text into the query. */
static void comment_text(StrBuf *out, const char *text, bool backquotes) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    sb_putc(out, *p < 0x20 || *p == 0x7F ? ' ' : *p == '`' && !backquotes ? '\'' : (char)*p);
}

bool emit_output_default(EmitCtx *ctx, EmitQueryFn query, const char *comment,
                         const char *comment_end, StrBuf *out) {
  bool backquotes = !strchr(comment_end, '`'); /* a title cannot close an SPL comment */
  bool labelled = standalone_count(ctx) > 1, ok = true, first = true;
  for (size_t i = 0; i < ctx->rules->count; i++) {
    if (!emit_standalone(ctx, i))
      continue;
    StrBuf text = STRBUF_INIT;
    if (!emit_counted(ctx, query(ctx, i, &text))) {
      ok = false;
      sb_free(&text);
      continue;
    }
    const IrRule *rule = ctx->rules->rules[i];
    sb_puts(out, first ? "" : "\n");
    first = false;
    if (labelled) {
      sb_printf(out, "%s ", comment);
      comment_text(out, rule->src ? rule->src->path : "", backquotes);
      sb_printf(out, " #%zu: ", rule->document + 1);
      comment_text(out, rule->meta.title ? rule->meta.title : "(no title)", backquotes);
      sb_printf(out, "%s%s\n", *comment_end ? " " : "", comment_end);
    }
    sb_putn(out, sb_text(&text), text.len);
    sb_putc(out, '\n');
    sb_free(&text);
  }
  return ok;
}

/* ---- Kibana detection-rule import -------------------------------------------------------------
 */

static const char *severity_of(const char *level) {
  if (!level || strcmp(level, "informational") == 0 || strcmp(level, "low") == 0)
    return "low";
  return level; /* medium, high, critical are Kibana's words too */
}

/* Elastic's own rules use these risk scores for the four severities. */
static int risk_score_of(const char *severity) {
  return strcmp(severity, "critical") == 0 ? 99
         : strcmp(severity, "high") == 0   ? 73
         : strcmp(severity, "medium") == 0 ? 47
                                           : 21;
}

static void attack_object(JsonOut *j, const AttackEntry *e, const char *path) {
  jout_object_begin(j);
  jout_kv_string(j, "id", e->id);
  jout_kv_string(j, "name", e->name);
  char reference[128];
  char id[32];
  snprintf(id, sizeof id, "%s", e->id);
  for (char *dot = strchr(id, '.'); dot; dot = strchr(dot, '.'))
    *dot = '/';
  snprintf(reference, sizeof reference, "https://attack.mitre.org/%s/%s/", path, id);
  jout_kv_string(j, "reference", reference);
}

static bool has_tactic(const AttackEntry *technique, const char *shortname) {
  size_t len = strlen(shortname);
  for (const char *t = technique->tactics; (t = strstr(t, shortname)) != NULL; t += len)
    if ((t == technique->tactics || t[-1] == ',') && (t[len] == ',' || t[len] == '\0'))
      return true;
  return false;
}

/* One threat entry: a tactic with the rule's techniques of that tactic, sub-techniques under
 * their parent. */
static void threat_entry(JsonOut *j, const AttackTable *attack, const AttackEntry *tactic,
                         const AttackEntry **techniques, size_t count) {
  jout_object_begin(j);
  jout_kv_string(j, "framework", "MITRE ATT&CK");
  jout_key(j, "tactic");
  attack_object(j, tactic, "tactics");
  jout_object_end(j);
  jout_key(j, "technique");
  jout_array_begin(j);
  for (size_t i = 0; i < count; i++) {
    const AttackEntry *t = techniques[i];
    if (strchr(t->id, '.') || !has_tactic(t, tactic->shortname))
      continue;
    attack_object(j, t, "techniques");
    jout_key(j, "subtechnique");
    jout_array_begin(j);
    for (size_t k = 0; k < count; k++)
      if (strchr(techniques[k]->id, '.') && strncmp(techniques[k]->id, t->id, strlen(t->id)) == 0) {
        attack_object(j, techniques[k], "techniques");
        jout_object_end(j);
      }
    jout_array_end(j);
    jout_object_end(j);
  }
  jout_array_end(j);
  jout_object_end(j);
  (void)attack;
}

/* Techniques named by tags, with the parent of each sub-technique added when missing. */
static size_t tagged_techniques(Arena *arena, const AttackTable *attack, const IrStrList *tags,
                                const AttackEntry ***out) {
  *out = arena_array(arena, tags->count * 2 + 1, sizeof(AttackEntry *));
  size_t count = 0;
  for (size_t i = 0; i < tags->count; i++) {
    const char *tag = tags->items[i];
    if (strncmp(tag, "attack.t", 8) != 0)
      continue;
    const AttackEntry *t = attack_by_id(attack, tag + 7);
    if (!t || t->kind != ATTACK_TECHNIQUE)
      continue;
    if (strchr(t->id, '.')) {
      char parent[16];
      snprintf(parent, sizeof parent, "%.*s", (int)(strchr(t->id, '.') - t->id), t->id);
      const AttackEntry *p = attack_by_id(attack, parent);
      bool seen = false;
      for (size_t k = 0; k < count; k++)
        seen = seen || (*out)[k] == p;
      if (p && !seen)
        (*out)[count++] = p;
    }
    (*out)[count++] = t;
  }
  return count;
}

static bool tagged_tactic(const IrMeta *meta, const char *shortname) {
  for (size_t k = 0; k < meta->tags.count; k++)
    if (strncmp(meta->tags.items[k], "attack.", 7) == 0 &&
        strcmp(meta->tags.items[k] + 7, shortname) == 0)
      return true;
  return false;
}

static void write_threat(JsonOut *j, Arena *arena, const IrMeta *meta) {
  const AttackTable *attack = attack_builtin(arena);
  bool any_tactic = false;
  for (size_t i = 0; i < attack->count; i++)
    any_tactic = any_tactic || (attack->entries[i].kind == ATTACK_TACTIC &&
                                tagged_tactic(meta, attack->entries[i].shortname));
  const AttackEntry **techniques;
  size_t count = tagged_techniques(arena, attack, &meta->tags, &techniques);
  jout_key(j, "threat");
  jout_array_begin(j);
  for (size_t i = 0; i < attack->count; i++) {
    const AttackEntry *tactic = &attack->entries[i];
    if (tactic->kind != ATTACK_TACTIC)
      continue;
    bool used = false;
    for (size_t k = 0; k < count; k++)
      used = used || has_tactic(techniques[k], tactic->shortname);
    /* the rule's tactic tags; a rule that tags no tactic gets every tactic of its techniques */
    if (tagged_tactic(meta, tactic->shortname) || (used && !any_tactic))
      threat_entry(j, attack, tactic, techniques, count);
  }
  jout_array_end(j);
}

static void write_list(JsonOut *j, const char *key, const IrStrList *list) {
  jout_key(j, key);
  jout_array_begin(j);
  for (size_t i = 0; i < list->count; i++)
    jout_string(j, list->items[i]);
  jout_array_end(j);
}

static bool has_item(const IrStrList *list, const char *item) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->items[i], item) == 0)
      return true;
  return false;
}

/* A correlation searches the indices of every rule it names, each once, in order. */
static IrStrList correlation_index(const EmitCtx *ctx, const IrRule *rule) {
  IrStrList all = {NULL, 0};
  for (size_t r = 0; r < rule->correlation->rule_count; r++)
    for (size_t i = 0; i < ctx->rules->count; i++) {
      if (ctx->rules->rules[i] != rule->correlation->rules[r].rule)
        continue;
      const IrStrList *index = &ctx->mapped->rules[i]->index;
      all.items =
          arena_grow(ctx->arena, all.items, all.count, all.count + index->count, sizeof(char *));
      for (size_t k = 0; k < index->count; k++)
        if (!has_item(&all, index->items[k]))
          all.items[all.count++] = index->items[k];
    }
  return all;
}

static void kibana_rule(EmitCtx *ctx, size_t index, const char *query, const char *type,
                        const char *language, StrBuf *out) {
  const IrRule *rule = ctx->mapped->rules[index];
  const IrMeta *m = &rule->meta;
  const char *severity = severity_of(m->level);
  JsonOut j;
  jout_init(&j, out, true);
  jout_object_begin(&j);
  jout_kv_string(&j, "rule_id", m->id ? m->id : m->name);
  jout_kv_string(&j, "name", m->title);
  jout_kv_string(&j, "description", m->description ? m->description : m->title);
  jout_kv_string(&j, "type", type);
  jout_kv_string(&j, "language", language);
  jout_kv_string(&j, "query", query);
  IrStrList index_patterns =
      rule->kind == IR_RULE_CORRELATION ? correlation_index(ctx, rule) : rule->index;
  write_list(&j, "index", &index_patterns);
  jout_kv_string(&j, "severity", severity);
  jout_kv_int(&j, "risk_score", risk_score_of(severity));
  write_threat(&j, ctx->arena, m);
  write_list(&j, "false_positives", &m->falsepositives);
  write_list(&j, "references", &m->references);
  write_list(&j, "tags", &m->tags);
  if (m->author) {
    jout_key(&j, "author");
    jout_array_begin(&j);
    jout_string(&j, m->author);
    jout_array_end(&j);
  }
  if (m->license)
    jout_kv_string(&j, "license", m->license);
  jout_kv_bool(&j, "enabled", false);
  jout_kv_string(&j, "interval", "5m");
  jout_kv_string(&j, "from", "now-6m");
  jout_kv_int(&j, "max_signals", 100);
  jout_kv_int(&j, "version", 1);
  jout_object_end(&j);
  sb_putc(out, '\n');
}

bool emit_output_kibana(EmitCtx *ctx, EmitQueryFn query, const char *type, const char *language,
                        StrBuf *out) {
  bool ok = true;
  for (size_t i = 0; i < ctx->rules->count; i++) {
    if (!emit_standalone(ctx, i))
      continue;
    StrBuf text = STRBUF_INIT;
    if (emit_counted(ctx, query(ctx, i, &text)))
      kibana_rule(ctx, i, sb_text(&text), type, language, out);
    else
      ok = false;
    sb_free(&text);
  }
  return ok;
}
