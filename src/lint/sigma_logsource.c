/* A Windows service logsource narrowed by EventID to what a category of the taxonomy stands for
 * (service: sysmon with EventID: 1 is category: process_creation): the category is what every
 * backend's mapping knows, and the rule then reaches every source of it. Facts:
 * data/windows/evtx_logsources.tsv, compiled in. */
#include <stdlib.h>
#include <string.h>

#include "lint/lint_internal.h"
#include "schema/embedded.h"

/* The EventID values the detection compares with (plain items, numbers or digit strings); false
 * when one is anything else, which the check then leaves alone. */
static bool event_ids(const YamlNode *node, long *ids, size_t *count, size_t max) {
  if (!node)
    return true;
  if (node->kind == YAML_SEQUENCE) {
    for (size_t i = 0; i < node->count; i++)
      if (!event_ids(node->items[i], ids, count, max))
        return false;
    return true;
  }
  if (node->kind == YAML_MAP) {
    for (size_t i = 0; i < node->count; i++) {
      if (strcmp(node->keys[i]->text, "EventID") == 0) {
        const YamlNode *v = node->items[i];
        const YamlNode *const *values =
            v->kind == YAML_SEQUENCE ? (const YamlNode *const *)v->items : &v;
        size_t n = v->kind == YAML_SEQUENCE ? v->count : 1;
        for (size_t k = 0; k < n; k++) {
          if (values[k]->kind != YAML_SCALAR || !values[k]->len ||
              strspn(values[k]->text, "0123456789") != values[k]->len || *count == max)
            return false;
          ids[(*count)++] = strtol(values[k]->text, NULL, 10);
        }
      } else if (strncmp(node->keys[i]->text, "EventID|", 8) == 0) {
        return false; /* a range or another comparison */
      } else if (node->items[i]->kind == YAML_MAP || node->items[i]->kind == YAML_SEQUENCE) {
        if (!event_ids(node->items[i], ids, count, max))
          return false;
      }
    }
  }
  return true;
}

/* Whether every id is in the comma-separated list. */
static bool all_listed(const long *ids, size_t count, const char *list, size_t len) {
  for (size_t i = 0; i < count; i++) {
    bool found = false;
    for (const char *p = list; p < list + len && !found;) {
      found = strtol(p, NULL, 10) == ids[i];
      const char *comma = memchr(p, ',', (size_t)(list + len - p));
      p = comma ? comma + 1 : list + len;
    }
    if (!found)
      return false;
  }
  return true;
}

/* The single category row whose channel is channel and whose IDs hold every id, or NULL. */
static const char *category_for(Arena *arena, const char *channel, const long *ids, size_t count) {
  const char *text = (const char *)embedded_evtx_logsources,
             *end = text + embedded_evtx_logsources_len;
  const char *found = NULL;
  size_t matches = 0;
  for (const char *line = text; line < end;) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    eol = eol ? eol : end;
    const char *f[4] = {line, NULL, NULL, NULL};
    size_t n = 1;
    for (const char *p = line; p < eol && n < 4; p++)
      if (*p == '\t')
        f[n++] = p + 1;
    if (n == 4 && strncmp(line, "category\t", 9) == 0 &&
        (size_t)(f[3] - 1 - f[2]) == strlen(channel) &&
        strncmp(f[2], channel, strlen(channel)) == 0 && eol > f[3] &&
        all_listed(ids, count, f[3], (size_t)(eol - f[3]))) {
      found = arena_strndup(arena, f[1], (size_t)(f[2] - 1 - f[1]));
      matches++;
    }
    line = eol + 1;
  }
  return matches == 1 ? found : NULL;
}

/* The channel of a Windows service, or NULL. */
static const char *service_channel(Arena *arena, const char *service) {
  const char *text = (const char *)embedded_evtx_logsources,
             *end = text + embedded_evtx_logsources_len;
  size_t n = strlen(service);
  for (const char *line = text; line < end;) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    eol = eol ? eol : end;
    if (strncmp(line, "service\t", 8) == 0 && strncmp(line + 8, service, n) == 0 &&
        line[8 + n] == '\t') {
      const char *channel = line + 9 + n;
      const char *tab = memchr(channel, '\t', (size_t)(eol - channel));
      return arena_strndup(arena, channel, (size_t)((tab ? tab : eol) - channel));
    }
    line = eol + 1;
  }
  return NULL;
}

void lint_sigma_logsource(LintCtx *ctx, const Source *src, const YamlNode *root) {
  const YamlNode *logsource = yaml_map_get(root, "logsource");
  const YamlNode *service = yaml_map_get(logsource, "service");
  const YamlNode *product = yaml_map_get(logsource, "product");
  if (!service || service->kind != YAML_SCALAR || yaml_map_get(logsource, "category") ||
      (product && (product->kind != YAML_SCALAR || strcmp(product->text, "windows") != 0)))
    return;
  const char *channel = service_channel(ctx->arena, service->text);
  long ids[64];
  size_t count = 0;
  if (!channel || !event_ids(yaml_map_get(root, "detection"), ids, &count, 64) || count == 0)
    return;
  const char *category = category_for(ctx->arena, channel, ids, count);
  if (category)
    lint_report(ctx, "sigma-generic-logsource", src, service->span,
                "the event IDs the rule selects in service %s are what category %s stands for: "
                "write 'category: %s' (with the taxonomy's field names), which every mapping "
                "routes to all of its sources",
                service->text, category, category);
}
