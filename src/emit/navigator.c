/* An ATT&CK Navigator layer of a rule tree (-t navigator): the techniques the rules' tags name
 * (attack.t1553.002 is T1553.002), each scored with the number of rules that cover it and
 * commented with their titles, for https://mitre-attack.github.io/attack-navigator/ (layer
 * format 4.5). Techniques are listed by id, so the layer of a tree is the same on every run. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_out.h"
#include "emit/emit.h"

typedef struct Technique {
  const char *id; /* T1553.002 */
  size_t rules;
  StrBuf titles;
} Technique;

/* T1553.002 from attack.t1553.002, or NULL for any other tag (tactics, groups, software). */
static const char *technique_of(Arena *arena, const char *tag) {
  if (strncmp(tag, "attack.t", 8) != 0 || strspn(tag + 8, "0123456789") != 4)
    return NULL;
  const char *rest = tag + 12;
  if (*rest && !(rest[0] == '.' && strspn(rest + 1, "0123456789") == 3 && rest[4] == '\0'))
    return NULL;
  char *id = arena_strdup(arena, tag + 7);
  id[0] = (char)toupper((unsigned char)id[0]);
  return id;
}

static int by_id(const void *a, const void *b) {
  return strcmp(((const Technique *)a)->id, ((const Technique *)b)->id);
}

static bool navigator_output(EmitCtx *ctx, const char *format, StrBuf *out) {
  (void)format;
  ctx->converted += ctx->rules->count; /* every rule is read for its tags, none refused */
  Technique *found = NULL;
  size_t count = 0;
  for (size_t r = 0; r < ctx->rules->count; r++) {
    const IrRule *rule = ctx->rules->rules[r];
    for (size_t t = 0; t < rule->meta.tags.count; t++) {
      const char *id = technique_of(ctx->arena, rule->meta.tags.items[t]);
      if (!id)
        continue;
      Technique *tech = NULL;
      for (size_t k = 0; k < count && !tech; k++)
        if (strcmp(found[k].id, id) == 0)
          tech = &found[k];
      if (!tech) {
        found = arena_push_slot(ctx->arena, found, count, sizeof(Technique));
        tech = &found[count++];
        *tech = (Technique){id, 0, STRBUF_INIT};
      }
      const char *title = rule->meta.title ? rule->meta.title : "(no title)";
      sb_printf(&tech->titles, "%s%s", tech->rules++ ? "; " : "", title);
    }
  }
  if (count)
    qsort(found, count, sizeof(Technique), by_id);
  size_t most = 0;
  for (size_t k = 0; k < count; k++)
    most = found[k].rules > most ? found[k].rules : most;
  JsonOut j;
  jout_init(&j, out, false);
  jout_object_begin(&j);
  jout_kv_string(&j, "name", "sigmac: techniques covered");
  jout_key(&j, "versions");
  jout_object_begin(&j);
  jout_kv_string(&j, "attack", "18");
  jout_kv_string(&j, "navigator", "5.1.0");
  jout_kv_string(&j, "layer", "4.5");
  jout_object_end(&j);
  jout_kv_string(&j, "domain", "enterprise-attack");
  jout_kv_string(&j, "description", "ATT&CK techniques named by the rules' tags; score: rules");
  jout_key(&j, "techniques");
  jout_array_begin(&j);
  for (size_t k = 0; k < count; k++) {
    jout_object_begin(&j);
    jout_kv_string(&j, "techniqueID", found[k].id);
    jout_kv_int(&j, "score", (long long)found[k].rules);
    jout_kv_string(&j, "comment", sb_text(&found[k].titles));
    jout_kv_bool(&j, "enabled", true);
    jout_object_end(&j);
    sb_free(&found[k].titles);
  }
  jout_array_end(&j);
  jout_key(&j, "gradient");
  jout_object_begin(&j);
  jout_key(&j, "colors");
  jout_array_begin(&j);
  jout_string(&j, "#ffffff");
  jout_string(&j, "#66b1ff");
  jout_array_end(&j);
  jout_kv_int(&j, "minValue", 0);
  jout_kv_int(&j, "maxValue", (long long)(most ? most : 1));
  jout_object_end(&j);
  jout_object_end(&j);
  sb_putc(out, '\n');
  return true;
}

/* A layer is of the whole run: one rule alone is the same layer. */
static bool navigator_query(EmitCtx *ctx, size_t index, StrBuf *out) {
  (void)index;
  return navigator_output(ctx, "default", out);
}

static const char *const navigator_formats[] = {"default", NULL};
static const char *const navigator_extensions[] = {".json"};

const Backend emit_navigator_backend = {
    .name = "navigator",
    .description = "an ATT&CK Navigator layer of the techniques the rules' tags name",
    .formats = navigator_formats,
    .extensions = navigator_extensions,
    .query = navigator_query,
    .output = navigator_output,
    .maps_fields = false,
};
