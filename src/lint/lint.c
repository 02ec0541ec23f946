/* The lint driver (lint.h): every Sigma file's documents through the document checks, then the
 * checks across files (duplicate ids and titles). */
#include <stdarg.h>
#include <string.h>

#include "base/hash.h"
#include "base/source.h"
#include "lint/checks.h"
#include "lint/config.h"
#include "lint/lint_internal.h"
#include "schema/ecs.h"
#include "schema/embedded.h"

void lint_report(LintCtx *ctx, const char *id, const Source *src, Span span, const char *fmt, ...) {
  const LintCheck *check = lint_check(id);
  va_list args;
  va_start(args, fmt);
  char *message = arena_vprintf(ctx->arena, fmt, args);
  va_end(args);
  diag_report(ctx->diags, check ? check->severity : DIAG_WARNING, src, span, id, "%s", message);
}

/* The compiled-in data files, parsed on first use and kept for the process: they are constants,
 * and a run (a fuzz target's, a hook's) should not parse 800 lines of YAML per rule file. */
static Arena builtin_arena;
static bool builtin_ready;

static Arena *builtins(void) {
  if (!builtin_ready) {
    arena_init(&builtin_arena);
    builtin_ready = true;
  }
  return &builtin_arena;
}

const YamlNode *lint_builtin_yaml(const char *name, const unsigned char *text, size_t len) {
  static struct {
    const unsigned char *text;
    const YamlNode *root;
  } parsed[4];
  for (size_t i = 0; i < 4 && parsed[i].text; i++)
    if (parsed[i].text == text)
      return parsed[i].root;
  Arena *arena = builtins();
  const Source *src = source_from_text(arena, arena_printf(arena, "<builtin>/data/%s", name),
                                       (const char *)text, len);
  DiagSink quiet; /* compiled-in data, checked by the tests */
  diag_sink_init(&quiet, arena);
  YamlFile file;
  const YamlNode *root = yaml_load(arena, src, &yaml_default_limits, &quiet, &file) && file.count
                             ? file.documents[0].root
                             : NULL;
  for (size_t i = 0; i < 4; i++)
    if (!parsed[i].text) {
      parsed[i].text = text;
      parsed[i].root = root;
      break;
    }
  return root;
}

static const AttackTable *builtin_attack(void) {
  static const AttackTable *table;
  if (!table)
    table = attack_builtin(builtins());
  return table;
}

/* A value seen once per run (an id, a title), where it was first written. */
typedef struct Seen {
  const char *text;
  const Source *src;
  const YamlNode *node;
} Seen;

/* The values seen, by text: open addressing, at most half full (a run lints thousands of rules,
 * each looked up once). */
typedef struct SeenList {
  Seen *slots; /* text NULL: free */
  size_t count, capacity;
} SeenList;

/* The slot of text in seen: its own, or the free one it would take. */
static Seen *seen_slot(const SeenList *seen, const char *text) {
  size_t at = hash_text(text) & (seen->capacity - 1);
  while (seen->slots[at].text && strcmp(seen->slots[at].text, text) != 0)
    at = (at + 1) & (seen->capacity - 1);
  return &seen->slots[at];
}

static void seen_grow(Arena *arena, SeenList *seen) {
  SeenList grown = {arena_array(arena, seen->capacity ? 2 * seen->capacity : 256, sizeof(Seen)),
                    seen->count, seen->capacity ? 2 * seen->capacity : 256};
  for (size_t i = 0; i < seen->capacity; i++)
    if (seen->slots[i].text)
      *seen_slot(&grown, seen->slots[i].text) = seen->slots[i];
  *seen = grown;
}

/* Reports node when its text was seen before under the same key; remembers it otherwise. */
static void once_per_run(LintCtx *ctx, SeenList *seen, const char *id, const char *what,
                         const Source *src, const YamlNode *node) {
  if (!node || node->kind != YAML_SCALAR || node->len == 0)
    return;
  if (2 * (seen->count + 1) > seen->capacity)
    seen_grow(ctx->arena, seen);
  Seen *slot = seen_slot(seen, node->text);
  if (slot->text) {
    size_t line, column;
    source_locate(slot->src, slot->node->span.start, &line, &column);
    lint_report(ctx, id, src, node->span, "%s '%s' is also the %s of the rule at %s:%zu:%zu", what,
                node->text, what, slot->src->path, line, column);
    return;
  }
  *slot = (Seen){node->text, src, node};
  seen->count++;
}

/* A file a .sigmac.yml names, read whole; NULL (reported) when it cannot be. */
static const Source *config_file(Arena *arena, DiagSink *diags, const char *path) {
  const char *error;
  const Source *src = path ? source_from_file(arena, path, (size_t)64 << 20, &error) : NULL;
  if (path && !src)
    diag_report_file(diags, DIAG_ERROR, path, "config", "%s", error);
  return src;
}

void lint_run(Arena *arena, DiagSink *diags, const LintInput *in) {
  LintConfigs *configs = lint_configs_new(arena, diags);
  const Source *attack = config_file(arena, diags, lint_configs_path(configs, "attack"));
  const Source *fields = config_file(arena, diags, lint_configs_path(configs, "fields"));
  LintCtx ctx = {.arena = arena,
                 .diags = diags,
                 .in = in,
                 .attack =
                     attack ? attack_load(arena, attack->text, attack->len) : builtin_attack(),
                 .taxonomy = lint_builtin_yaml("sigma-taxonomy-fields.yml", embedded_sigma_taxonomy,
                                               embedded_sigma_taxonomy_len),
                 .extra_fields = fields ? ecs_load(arena, fields->text, fields->len) : NULL};
  const Source *patterns = config_file(arena, diags, lint_configs_path(configs, "index-patterns"));
  YamlFile patterns_file;
  if (patterns && yaml_load(arena, patterns, &yaml_default_limits, diags, &patterns_file) &&
      patterns_file.count) {
    ctx.extra_patterns = yaml_map_get(patterns_file.documents[0].root, "patterns");
    if (!ctx.extra_patterns)
      diag_report(diags, DIAG_ERROR, patterns, (Span){0, 1}, "config",
                  "an index-patterns file is a map with the key patterns (as "
                  "data/index-patterns/index-patterns.yml)");
  }
  SeenList ids = {NULL, 0, 0}, titles = {NULL, 0, 0};
  for (size_t s = 0; s < in->sigma_source_count; s++) {
    const Source *src = in->sigma_sources[s];
    DiagSink quiet; /* YAML errors were the front end's to report */
    diag_sink_init(&quiet, arena);
    YamlFile file;
    yaml_load(arena, src, &yaml_default_limits, &quiet, &file);
    for (size_t d = 0; d < file.count; d++) {
      const YamlNode *root = file.documents[d].root;
      if (!root || root->kind != YAML_MAP)
        continue;
      lint_sigma_document(&ctx, src, root);
      lint_sigma_detection(&ctx, src, root);
      lint_sigma_logsource(&ctx, src, root);
      once_per_run(&ctx, &ids, "sigma-duplicate-id", "id", src, yaml_map_get(root, "id"));
      once_per_run(&ctx, &titles, "sigma-duplicate-title", "title", src,
                   yaml_map_get(root, "title"));
    }
  }
  lint_fields(&ctx);
  lint_configs_apply(configs);
}
