/* .sigmac.yml and inline disables (config.h): what a rule repository says about the checks.
 *
 *   checks:                       # per check id: off, note, warning or error
 *     sigma-escaped-wildcard: off
 *     leading-wildcard: note      # a check that is off by default, turned on
 *   attack: tools/attack-19.tsv   # a newer ATT&CK table (data/attack/attack.tsv's form)
 *   fields: schema/fields.tsv     # more fields and their types (data/ecs/ecs_fields.tsv's form)
 *   index-patterns: schema/patterns.yml  # more index patterns (data/index-patterns' form)
 *
 * The file that applies to a linted file is the first .sigmac.yml found in its directory or
 * above; attack, fields and index-patterns are read from the one found from the working
 * directory. A comment
 * '# sigmac: disable=id[,id]' in a YAML document (or '// sigmac: disable=...' in an EQL file)
 * turns those checks off for that document. */
#include "lint/config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "lint/checks.h"
#include "sigma/yaml_tree.h"

typedef struct CheckSetting {
  const char *id;
  bool off;
  DiagSeverity severity;
} CheckSetting;

struct LintConfig {
  const char *path; /* the file, or NULL when none was found */
  CheckSetting *settings;
  size_t count;
  const char *attack; /* paths, joined to the file's directory when relative */
  const char *fields;
  const char *index_patterns;
};

/* One directory's configuration, looked up once. */
typedef struct DirConfig {
  const char *dir;
  const LintConfig *config;
} DirConfig;

struct LintConfigs {
  Arena *arena;
  DiagSink *diags;
  DirConfig *dirs;
  size_t count;
};
typedef struct LintConfigs Configs;

static const char *parent_of(Arena *arena, const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return ".";
  if (slash == path)
    return "/";
  return arena_strndup(arena, path, (size_t)(slash - path));
}

static bool read_severity(const char *text, CheckSetting *out) {
  static const struct {
    const char *name;
    DiagSeverity severity;
  } names[] = {{"error", DIAG_ERROR}, {"warning", DIAG_WARNING}, {"note", DIAG_NOTE}};
  out->off = strcmp(text, "off") == 0;
  for (size_t i = 0; i < 3 && !out->off; i++)
    if (strcmp(text, names[i].name) == 0) {
      out->severity = names[i].severity;
      return true;
    }
  return out->off;
}

static const LintConfig *parse(Configs *c, const char *path, const char *dir) {
  LintConfig *config = arena_alloc(c->arena, sizeof *config);
  config->path = path;
  const char *error;
  const Source *src = source_from_file(c->arena, path, 1 << 20, &error);
  if (!src) {
    diag_report_file(c->diags, DIAG_ERROR, path, "config", "%s", error);
    return config;
  }
  YamlFile file;
  if (!yaml_load(c->arena, src, &yaml_default_limits, c->diags, &file) || !file.count ||
      !file.documents[0].root)
    return config;
  const YamlNode *root = file.documents[0].root;
  if (root->kind != YAML_MAP) {
    diag_report(c->diags, DIAG_ERROR, src, root->span, "config",
                "a .sigmac.yml is a map with the keys checks, attack, fields and index-patterns");
    return config;
  }
  for (size_t i = 0; i < root->count; i++) {
    const char *key = root->keys[i]->text;
    const YamlNode *value = root->items[i];
    const char **path_slot = strcmp(key, "attack") == 0           ? &config->attack
                             : strcmp(key, "fields") == 0         ? &config->fields
                             : strcmp(key, "index-patterns") == 0 ? &config->index_patterns
                                                                  : NULL;
    if (path_slot) {
      if (value->kind != YAML_SCALAR)
        diag_report(c->diags, DIAG_ERROR, src, value->span, "config", "'%s' is a file path", key);
      else
        *path_slot =
            value->text[0] == '/' ? value->text : arena_printf(c->arena, "%s/%s", dir, value->text);
    } else if (strcmp(key, "checks") == 0 && value->kind == YAML_MAP) {
      config->settings = arena_array(c->arena, value->count, sizeof(CheckSetting));
      for (size_t k = 0; k < value->count; k++) {
        CheckSetting *s = &config->settings[config->count];
        s->id = value->keys[k]->text;
        if (value->items[k]->kind != YAML_SCALAR || !read_severity(value->items[k]->text, s)) {
          diag_report(c->diags, DIAG_ERROR, src, value->items[k]->span, "config",
                      "a check is set to off, note, warning or error");
          continue;
        }
        if (!lint_check(s->id))
          diag_report(c->diags, DIAG_WARNING, src, value->keys[k]->span, "config",
                      "sigmac has no check '%s' (sigmac list checks, docs/checks.md)", s->id);
        config->count++;
      }
    } else {
      diag_report(c->diags, DIAG_ERROR, src, root->keys[i]->span, "config",
                  "'%s' is no key of .sigmac.yml (checks, attack, fields, index-patterns)", key);
    }
  }
  return config;
}

/* dir as an absolute path without '.' or '..' components (textually: a symbolic link is
 * followed the way the path says). */
static const char *absolute(Arena *arena, const char *dir) {
  char cwd[4096];
  StrBuf path = STRBUF_INIT;
  if (dir[0] != '/' && getcwd(cwd, sizeof cwd))
    sb_puts(&path, cwd);
  const char *rest = dir;
  size_t len = strlen(dir);
  for (size_t at = 0; at < len;) {
    size_t n = strcspn(rest + at, "/");
    if (n == 2 && strncmp(rest + at, "..", 2) == 0) {
      while (path.len && path.data[path.len - 1] != '/')
        path.len--;
      if (path.len)
        path.len--;
      path.data[path.len] = '\0';
    } else if (n && !(n == 1 && rest[at] == '.')) {
      sb_putc(&path, '/');
      sb_putn(&path, rest + at, n);
    }
    at += n + 1;
  }
  const char *out = arena_strdup(arena, path.len ? sb_text(&path) : "/");
  sb_free(&path);
  return out;
}

/* The configuration of the absolute directory dir: its .sigmac.yml, else its parent's. */
static const LintConfig *config_at(Configs *c, const char *dir) {
  for (size_t i = 0; i < c->count; i++)
    if (strcmp(c->dirs[i].dir, dir) == 0)
      return c->dirs[i].config;
  const char *path = arena_printf(c->arena, "%s/.sigmac.yml", strcmp(dir, "/") == 0 ? "" : dir);
  const LintConfig *config;
  if (access(path, F_OK) == 0)
    config = parse(c, path, dir);
  else if (strcmp(dir, "/") == 0)
    config = arena_alloc(c->arena, sizeof(LintConfig)); /* none: the defaults */
  else
    config = config_at(c, parent_of(c->arena, dir));
  c->dirs = arena_push_slot(c->arena, c->dirs, c->count, sizeof(DirConfig));
  c->dirs[c->count++] = (DirConfig){dir, config};
  return config;
}

static const LintConfig *config_of(Configs *c, const char *dir) {
  return config_at(c, absolute(c->arena, dir));
}

/* Whether the YAML document (or EQL file) around offset says 'sigmac: disable=' id. */
static bool disabled_inline(const Source *src, size_t offset, const char *id) {
  size_t start = offset, end = offset;
  while (start > 0 && !(src->text[start - 1] == '\n' && strncmp(src->text + start, "---", 3) == 0))
    start--;
  while (end < src->len && !(src->text[end] == '\n' && strncmp(src->text + end + 1, "---", 3) == 0))
    end++;
  size_t id_len = strlen(id);
  for (size_t at = start; at + 16 <= end;) {
    const char *hit = NULL;
    for (size_t k = at; k + 16 <= end && !hit; k++)
      if (strncmp(src->text + k, "sigmac: disable=", 16) == 0)
        hit = src->text + k;
    if (!hit)
      return false;
    const char *list = hit + 16;
    for (const char *p = list; p < src->text + end && *p != '\n';) {
      size_t n = strcspn(p, ", \n");
      if (n == id_len && strncmp(p, id, n) == 0)
        return true;
      p += n;
      p += strspn(p, ", ");
      if (n == 0)
        break;
    }
    at = (size_t)(list - src->text);
  }
  return false;
}

/* The severity a diagnostic keeps; false when it is turned off. */
static bool setting_for(Configs *c, const Diag *d, DiagSeverity *out) {
  const LintCheck *check = lint_check(d->check_id);
  *out = d->severity;
  bool on = !check || !check->off_by_default;
  const char *path = d->src ? d->src->path : d->path;
  const LintConfig *config = path && d->check_id ? config_of(c, parent_of(c->arena, path)) : NULL;
  for (size_t i = 0; config && i < config->count; i++)
    if (strcmp(config->settings[i].id, d->check_id) == 0) {
      on = !config->settings[i].off;
      *out = config->settings[i].severity;
    }
  if (on && d->src && d->has_span && d->check_id &&
      disabled_inline(d->src, d->span.start, d->check_id))
    on = false;
  return on;
}

LintConfigs *lint_configs_new(Arena *arena, DiagSink *diags) {
  LintConfigs *c = arena_alloc(arena, sizeof *c);
  c->arena = arena;
  c->diags = diags;
  return c;
}

const char *lint_configs_path(LintConfigs *c, const char *key) {
  const LintConfig *here = config_of(c, ".");
  return strcmp(key, "attack") == 0   ? here->attack
         : strcmp(key, "fields") == 0 ? here->fields
                                      : here->index_patterns;
}

void lint_configs_apply(LintConfigs *c) {
  DiagSink *diags = c->diags;
  size_t count = diags->count, kept = 0;
  for (size_t i = 0; i < count; i++) {
    Diag d = diags->items[i];
    DiagSeverity severity = d.severity;
    bool keep = (d.severity == DIAG_NOTE && !d.check_id) || setting_for(c, &d, &severity);
    diags->errors -= d.severity == DIAG_ERROR;
    diags->warnings -= d.severity == DIAG_WARNING;
    if (!keep)
      continue;
    d.severity = severity;
    diags->errors += severity == DIAG_ERROR;
    diags->warnings += severity == DIAG_WARNING;
    diags->items[kept++] = d;
  }
  /* what the configuration files themselves drew, after the diagnostics read before them */
  for (size_t i = count; i < diags->count; i++)
    diags->items[kept++] = diags->items[i];
  diags->count = kept;
}
