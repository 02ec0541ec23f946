/* Checks of a Sigma rule's detection: search identifiers the condition never uses or uses in a
 * way that says less than it seems, and detection items whose values or modifiers do not say
 * what their author most likely meant (docs/checks.md has an example of each). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lint/lint_internal.h"

/* ---- the condition ----------------------------------------------------------------------------
 */

/* What the condition names: identifiers, and 'of' patterns (sel*, them) with their quantifier. */
typedef struct Use {
  const char *name; /* an identifier, or a pattern after 'of' ("them" for them) */
  bool pattern;
  bool all; /* 'all of' */
} Use;

typedef struct Uses {
  Use *items;
  size_t count;
} Uses;

static void use(Arena *arena, Uses *uses, const char *name, size_t len, bool pattern, bool all) {
  uses->items = arena_push_slot(arena, uses->items, uses->count, sizeof(Use));
  uses->items[uses->count++] = (Use){arena_strndup(arena, name, len), pattern, all};
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '*'; }

static void condition_uses(Arena *arena, const char *text, Uses *uses) {
  const char *prev = NULL, *before = NULL; /* the last two words */
  size_t prev_len = 0, before_len = 0;
  for (const char *p = text; *p;) {
    if (!ident_char(*p)) {
      p++;
      continue;
    }
    const char *start = p;
    while (ident_char(*p))
      p++;
    size_t len = (size_t)(p - start);
    bool after_of = prev && prev_len == 2 && strncmp(prev, "of", 2) == 0;
    bool all = after_of && before && before_len == 3 && strncmp(before, "all", 3) == 0;
    static const char *const keywords[] = {"and", "or", "not", "of", "all", "any", "them", NULL};
    bool keyword = strspn(start, "0123456789") == len;
    for (const char *const *k = keywords; !keyword && *k; k++)
      keyword = strlen(*k) == len && strncmp(start, *k, len) == 0;
    if (after_of || !keyword)
      use(arena, uses, start, len, after_of, all);
    before = prev;
    before_len = prev_len;
    prev = start;
    prev_len = len;
  }
}

/* Whether name matches a condition pattern: '*' any run of characters, "them" everything. */
static bool glob(const char *pattern, const char *name) {
  if (strcmp(pattern, "them") == 0)
    return true;
  if (*pattern == '\0')
    return *name == '\0';
  if (*pattern == '*')
    return glob(pattern + 1, name) || (*name && glob(pattern, name + 1));
  return *name == *pattern && glob(pattern + 1, name + 1);
}

static bool identifier_key(const YamlNode *key) {
  return strcmp(key->text, "condition") != 0 && strcmp(key->text, "timeframe") != 0;
}

static void check_condition(LintCtx *ctx, const Source *src, const YamlNode *detection,
                            const YamlNode *condition) {
  Uses uses = {NULL, 0};
  const YamlNode *const *texts = condition->kind == YAML_SEQUENCE
                                     ? (const YamlNode *const *)condition->items
                                     : (const YamlNode *const *)&condition;
  size_t text_count = condition->kind == YAML_SEQUENCE ? condition->count : 1;
  for (size_t t = 0; t < text_count; t++)
    if (texts[t]->kind == YAML_SCALAR)
      condition_uses(ctx->arena, texts[t]->text, &uses);
  for (size_t u = 0; u < uses.count; u++) { /* all of X over one identifier */
    if (!uses.items[u].pattern || !uses.items[u].all)
      continue;
    size_t matched = 0;
    for (size_t i = 0; i < detection->count; i++)
      matched +=
          identifier_key(detection->keys[i]) && glob(uses.items[u].name, detection->keys[i]->text);
    if (matched == 1)
      lint_report(ctx, "sigma-all-of-one", src, condition->span,
                  "'all of %s' covers one search identifier: name it instead", uses.items[u].name);
  }
  for (size_t i = 0; i < detection->count; i++) {
    const YamlNode *key = detection->keys[i];
    if (!identifier_key(key))
      continue;
    bool used = false;
    for (size_t u = 0; u < uses.count && !used; u++)
      used = uses.items[u].pattern ? glob(uses.items[u].name, key->text)
                                   : strcmp(uses.items[u].name, key->text) == 0;
    if (!used)
      lint_report(ctx, "sigma-unused-selection", src, key->span,
                  "the condition never uses the search identifier '%s'", key->text);
  }
}

/* ---- values -----------------------------------------------------------------------------------
 */

typedef struct Item {
  const char *field; /* NULL: keywords */
  const YamlNode *key;
  char mods[8][16]; /* modifier names as written, lower case */
  size_t mod_count;
} Item;

static bool has_mod(const Item *item, const char *name) {
  for (size_t i = 0; i < item->mod_count; i++)
    if (strcmp(item->mods[i], name) == 0)
      return true;
  return false;
}

/* Where an unescaped wildcard is in a Sigma string ('*' or '?'), and whether an escaped one is. */
typedef struct Wildcards {
  size_t count;     /* unescaped */
  bool first, last; /* an unescaped '*' opens / closes the value */
  bool inner;       /* an unescaped wildcard elsewhere */
  bool escaped;     /* \* or \? */
} Wildcards;

static Wildcards wildcards_of(const char *text, size_t len) {
  Wildcards w = {0, false, false, false, false};
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\\' && i + 1 < len && strchr("*?\\", text[i + 1])) {
      w.escaped = w.escaped || text[i + 1] != '\\';
      i++;
      continue;
    }
    if (text[i] != '*' && text[i] != '?')
      continue;
    w.count++;
    if (text[i] == '*' && i == 0)
      w.first = true;
    else if (text[i] == '*' && i == len - 1)
      w.last = true;
    else
      w.inner = true;
  }
  return w;
}

/* Sigma fields whose values are numbers in every source that has them. */
static bool numeric_field(const char *field) {
  static const char *const numeric[] = {"EventID",           "LogonType",  "ProcessId",
                                        "ParentProcessId",   "SourcePort", "DestinationPort",
                                        "TerminalSessionId", NULL};
  for (const char *const *n = numeric; *n; n++)
    if (strcmp(*n, field) == 0)
      return true;
  return false;
}

/* The first regex construct some target cannot run, or NULL: EQL's Lucene regexes and RE2 have
 * no lookaround, atomic groups, backreferences or possessive quantifiers. */
static const char *unportable_regex(const char *re) {
  static const struct {
    const char *text;
    const char *name;
  } constructs[] = {{"(?=", "a lookahead"},
                    {"(?!", "a negative lookahead"},
                    {"(?<=", "a lookbehind"},
                    {"(?<!", "a negative lookbehind"},
                    {"(?>", "an atomic group"},
                    {"*+", "a possessive quantifier"},
                    {"++", "a possessive quantifier"},
                    {"?+", "a possessive quantifier"}};
  for (const char *p = re; *p; p++) {
    if (*p == '\\' && p[1]) {
      if (p[1] >= '1' && p[1] <= '9')
        return "a backreference";
      if (p[1] == 'k' && (p[2] == '<' || p[2] == '{' || p[2] == '\''))
        return "a named backreference";
      p++;
      continue;
    }
    for (size_t c = 0; c < sizeof constructs / sizeof *constructs; c++)
      if (strncmp(p, constructs[c].text, strlen(constructs[c].text)) == 0)
        return constructs[c].name;
  }
  return NULL;
}

static bool has_dash(const char *text) {
  return strchr(text, '-') || strchr(text, '/') || strstr(text, "\xE2\x80\x93") ||
         strstr(text, "\xE2\x80\x94") || strstr(text, "\xE2\x80\x95");
}

static void check_value(LintCtx *ctx, const Source *src, const Item *item, const YamlNode *value,
                        bool *wildcard_reported) {
  if (value->kind != YAML_SCALAR)
    return;
  for (size_t i = 0; i < value->len; i++)
    if ((unsigned char)value->text[i] < 0x20 || value->text[i] == 0x7F) {
      lint_report(ctx, "sigma-control-character", src, value->span,
                  "the value holds the control character 0x%02X; if it is meant, say so in a "
                  "comment, else remove it",
                  (unsigned char)value->text[i]);
      break;
    }
  if (value->type != YAML_STRING)
    return;
  bool quoted = value->style == YAML_STYLE_SINGLE || value->style == YAML_STYLE_DOUBLE;
  size_t digits = strspn(value->text, "0123456789");
  if (item->field && quoted && numeric_field(item->field) && digits && digits == value->len &&
      item->mod_count == 0)
    lint_report(ctx, "sigma-number-string", src, value->span,
                "'%s' holds numbers: write %s unquoted", item->field, value->text);
  if (has_mod(item, "re")) {
    const char *construct = unportable_regex(value->text);
    if (construct)
      lint_report(ctx, "sigma-regex-portability", src, value->span,
                  "the regex uses %s, which EQL (Lucene regexes) and RE2-based engines cannot "
                  "run",
                  construct);
    return;
  }
  if (has_mod(item, "windash") && !has_dash(value->text))
    lint_report(ctx, "sigma-windash-no-dash", src, value->span,
                "windash varies the dashes of a value, and '%s' has none", value->text);
  if (has_mod(item, "cidr") || has_mod(item, "fieldref") || has_mod(item, "expand"))
    return;
  Wildcards w = wildcards_of(value->text, value->len);
  if (w.escaped)
    lint_report(ctx, "sigma-escaped-wildcard", src, value->span,
                "'\\*' and '\\?' are a literal star and question mark in Sigma; a backslash "
                "followed by a wildcard is written '\\\\*'");
  bool plain = item->mod_count == 0 || (item->mod_count == 1 && has_mod(item, "cased"));
  if (!plain || *wildcard_reported || w.inner || value->len < 2 ||
      w.count != (size_t)w.first + (size_t)w.last)
    return;
  const char *modifier = w.first && w.last ? "contains"
                         : w.first         ? "endswith"
                         : w.last          ? "startswith"
                                           : NULL;
  if (!modifier)
    return;
  *wildcard_reported = true; /* once per item: a list says it once */
  lint_report(ctx, "sigma-wildcard-modifier", src, value->span,
              "'%s' is what the %s modifier says: write '%s|%s' and the value without its "
              "wildcards",
              value->text, modifier, item->key ? item->key->text : "", modifier);
}

/* The field name of a key ("Image|endswith" -> "Image") in the arena, or NULL for keywords. */
static const char *field_of(Arena *arena, const YamlNode *key) {
  size_t len = strcspn(key->text, "|");
  return len ? arena_strndup(arena, key->text, len) : NULL;
}

static void split_key(Arena *arena, const YamlNode *key, Item *out) {
  memset(out, 0, sizeof *out);
  out->key = key;
  out->field = field_of(arena, key);
  for (const char *m = strchr(key->text, '|'); m && out->mod_count < 8; m = strchr(m + 1, '|')) {
    size_t len = strcspn(m + 1, "|");
    size_t n = len < 15 ? len : 15;
    for (size_t i = 0; i < n; i++)
      out->mods[out->mod_count][i] = (char)tolower((unsigned char)m[1 + i]);
    out->mods[out->mod_count++][n] = '\0';
  }
}

/* ---- the taxonomy -----------------------------------------------------------------------------
 */

static const YamlNode *taxonomy_list(const YamlNode *group, const char *name, const char *suffix) {
  char key[128];
  snprintf(key, sizeof key, "%s%s", name, suffix);
  const YamlNode *list = yaml_map_get(group, key);
  return list && list->kind == YAML_SEQUENCE ? list : NULL;
}

static bool listed(const YamlNode *list, const char *field) {
  for (size_t i = 0; list && i < list->count; i++)
    if (list->items[i]->kind == YAML_SCALAR && strcmp(list->items[i]->text, field) == 0)
      return true;
  return false;
}

/* SigmaHQ's field lists for the rule's logsource: category first, then service; NULL when the
 * logsource has none or an empty one (its fields are not checked, as SigmaHQ's test does). */
typedef struct Taxonomy {
  const YamlNode *fields, *addon, *common;
  const char *where;
} Taxonomy;

static Taxonomy taxonomy_for(LintCtx *ctx, const YamlNode *root) {
  Taxonomy t = {NULL, NULL, NULL, NULL};
  const YamlNode *logsource = yaml_map_get(root, "logsource");
  const YamlNode *product = yaml_map_get(logsource, "product");
  const YamlNode *category = yaml_map_get(logsource, "category");
  const YamlNode *service = yaml_map_get(logsource, "service");
  const YamlNode *products = yaml_map_get(ctx->taxonomy, "products");
  const char *product_name = product && product->kind == YAML_SCALAR ? product->text : "empty";
  const YamlNode *node = yaml_map_get(products, product_name);
  if (!node && product)
    return t; /* a product SigmaHQ does not list: its fields are not known */
  const YamlNode *by = category && category->kind == YAML_SCALAR ? category : service;
  const char *kind = by == category ? "category" : "service";
  if (!by || by->kind != YAML_SCALAR)
    return t;
  const YamlNode *group = yaml_map_get(node, kind);
  t.fields = taxonomy_list(group, by->text, "");
  if (!t.fields || t.fields->count == 0)
    return (Taxonomy){NULL, NULL, NULL, NULL};
  t.addon = taxonomy_list(group, by->text, "__addon");
  t.common = yaml_map_get(node, "common");
  t.where = arena_printf(ctx->arena, "product %s %s %s", product_name, kind, by->text);
  return t;
}

static void check_field(LintCtx *ctx, const Source *src, const Taxonomy *t, const Item *item) {
  if (!t->fields || !item->field)
    return;
  const char *field = item->field;
  if (listed(t->fields, field) || listed(t->addon, field) || listed(t->common, field))
    return;
  lint_report(ctx, "sigma-taxonomy-field", src, item->key->span,
              "'%s' is not a field of SigmaHQ's taxonomy for %s", field, t->where);
}

/* ---- items ------------------------------------------------------------------------------------
 */

static void check_item(LintCtx *ctx, const Source *src, const Taxonomy *t, const YamlNode *key,
                       const YamlNode *values) {
  Item item;
  split_key(ctx->arena, key, &item);
  check_field(ctx, src, t, &item);
  if (has_mod(&item, "base64offset") && !has_mod(&item, "contains"))
    lint_report(ctx, "sigma-base64offset-contains", src, key->span,
                "base64offset's encodings only match inside a value: add '|contains'");
  bool reported = false;
  if (values->kind == YAML_SEQUENCE) {
    for (size_t i = 0; i < values->count; i++)
      check_value(ctx, src, &item, values->items[i], &reported);
  } else {
    check_value(ctx, src, &item, values, &reported);
  }
}

static void check_selection(LintCtx *ctx, const Source *src, const Taxonomy *t,
                            const YamlNode *selection) {
  if (selection->kind == YAML_MAP) {
    for (size_t i = 0; i < selection->count; i++)
      check_item(ctx, src, t, selection->keys[i], selection->items[i]);
    return;
  }
  if (selection->kind != YAML_SEQUENCE)
    return;
  Item keywords = {0};
  bool reported = false;
  for (size_t i = 0; i < selection->count; i++) {
    if (selection->items[i]->kind == YAML_MAP)
      check_selection(ctx, src, t, selection->items[i]);
    else
      check_value(ctx, src, &keywords, selection->items[i], &reported);
  }
}

void lint_sigma_detection(LintCtx *ctx, const Source *src, const YamlNode *root) {
  const YamlNode *detection = yaml_map_get(root, "detection");
  if (!detection || detection->kind != YAML_MAP)
    return;
  const YamlNode *condition = yaml_map_get(detection, "condition");
  if (condition)
    check_condition(ctx, src, detection, condition);
  Taxonomy t = taxonomy_for(ctx, root);
  for (size_t i = 0; i < detection->count; i++)
    if (identifier_key(detection->keys[i]))
      check_selection(ctx, src, &t, detection->items[i]);
}
