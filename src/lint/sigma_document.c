/* Checks of a Sigma document's metadata: dates that are real days, and tags in the forms the
 * specification's appendix gives each namespace, ATT&CK ones against the ATT&CK table. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lint/json_schema.h"
#include "lint/lint_internal.h"
#include "lint/yaml_json.h"
#include "schema/embedded.h"

/* ---- dates ------------------------------------------------------------------------------------
 */

static bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

/* Whether text, already YYYY-MM-DD in form (the schema checks that), is a day of the calendar. */
static bool calendar_day(const char *text) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
    return true; /* another form: the schema's to report */
  int year = atoi(text), month = atoi(text + 5), day = atoi(text + 8);
  if (month < 1 || month > 12)
    return true;
  return day >= 1 && day <= days[month - 1] + (month == 2 && leap(year));
}

static void check_date(LintCtx *ctx, const Source *src, const YamlNode *root, const char *key) {
  const YamlNode *node = yaml_map_get(root, key);
  if (node && node->kind == YAML_SCALAR && !calendar_day(node->text))
    lint_report(ctx, "sigma-date", src, node->span, "%s '%s' is not a day of the calendar", key,
                node->text);
}

/* ---- tags -------------------------------------------------------------------------------------
 */

/* Whether text is prefix then digits (count of them, 0: one or more), then the rest matching. */
static bool digits_after(const char *text, const char *prefix, size_t count) {
  size_t n = strlen(prefix);
  if (strncmp(text, prefix, n) != 0)
    return false;
  size_t d = strspn(text + n, "0123456789");
  return count ? d == count && text[n + d] == '\0' : d > 0 && text[n + d] == '\0';
}

static bool one_of(const char *text, const char *const *words) {
  for (; *words; words++)
    if (strcmp(text, *words) == 0)
      return true;
  return false;
}

/* attack.<x>: a tactic's shortname, or an id the table must know (T1553.002, G0001, S0001);
 * data sources, mitigations and assets (ds, m, a) are checked for form only. */
static void attack_tag(LintCtx *ctx, const Source *src, const YamlNode *node, const char *value) {
  bool technique = value[0] == 't' && strspn(value + 1, "0123456789") == 4 &&
                   (value[5] == '\0' || (value[5] == '.' && digits_after(value + 6, "", 3)));
  bool group = digits_after(value, "g", 4), software = digits_after(value, "s", 4);
  bool other =
      digits_after(value, "ds", 4) || digits_after(value, "m", 4) || digits_after(value, "a", 4);
  bool slug = !technique && !group && !software && !other;
  for (const char *c = value; slug && *c; c++)
    slug = islower((unsigned char)*c) || *c == '-';
  if (other)
    return;
  if (!technique && !group && !software && !slug) {
    lint_report(ctx, "sigma-tag", src, node->span,
                "'attack.%s' is no ATT&CK tag: a tactic (attack.defense-evasion), technique "
                "(attack.t1553.002), group (attack.g0001) or software (attack.s0001)",
                value);
    return;
  }
  if (!ctx->attack)
    return;
  if (slug ? attack_tactic(ctx->attack, value) != NULL : attack_by_id(ctx->attack, value) != NULL)
    return;
  lint_report(ctx, "sigma-attack-tag", src, node->span,
              "ATT&CK 18.1 has no %s '%s' (a newer ATT&CK may: give its table to sigmac)",
              slug        ? "tactic"
              : technique ? "technique"
              : group     ? "group"
                          : "software",
              value);
}

static void tag(LintCtx *ctx, const Source *src, const YamlNode *node) {
  static const char *const tlp[] = {"clear", "green", "amber", "amber-strict", "red", NULL};
  static const char *const detection[] = {"dfir", "emerging-threats", "threat-hunting", NULL};
  if (node->kind != YAML_SCALAR)
    return; /* the schema's to report */
  const char *dot = strchr(node->text, '.');
  if (!dot)
    return; /* no namespace: the schema's pattern reports it */
  size_t ns = (size_t)(dot - node->text);
  const char *value = dot + 1;
  const char *expected = NULL;
  if (ns == 6 && strncmp(node->text, "attack", ns) == 0) {
    attack_tag(ctx, src, node, value);
    return;
  } else if (ns == 3 && strncmp(node->text, "cve", ns) == 0) {
    bool ok = strspn(value, "0123456789") == 4 && value[4] == '-' &&
              strspn(value + 5, "0123456789") >= 4 &&
              value[5 + strspn(value + 5, "0123456789")] == '\0';
    expected = ok ? NULL : "cve.<year>-<number>, such as cve.2021-44228";
  } else if (ns == 3 && strncmp(node->text, "car", ns) == 0) {
    bool ok = strlen(value) == 11 && strspn(value, "0123456789") == 4 && value[4] == '-' &&
              strspn(value + 5, "0123456789") == 2 && value[7] == '-' &&
              strspn(value + 8, "0123456789") == 3;
    expected = ok ? NULL : "car.<year>-<month>-<number>, such as car.2016-04-005";
  } else if (ns == 3 && strncmp(node->text, "tlp", ns) == 0) {
    expected =
        one_of(value, tlp) ? NULL : "tlp.clear, tlp.green, tlp.amber, tlp.amber-strict or tlp.red";
  } else if (ns == 9 && strncmp(node->text, "detection", ns) == 0) {
    expected = one_of(value, detection)
                   ? NULL
                   : "detection.dfir, detection.emerging-threats or detection.threat-hunting";
  } else if (ns == 3 && strncmp(node->text, "stp", ns) == 0) {
    bool ok = value[0] >= '1' && value[0] <= '5' &&
              (value[1] == '\0' || (strchr("auk", value[1]) && value[2] == '\0'));
    expected = ok ? NULL : "stp.<score 1-5>[a|u|k], such as stp.3k";
  } else if (ns == 6 && strncmp(node->text, "d3fend", ns) == 0) {
    expected = strncmp(value, "d3-", 3) == 0 || strncmp(value, "d3f-", 4) == 0
                   ? NULL
                   : "d3fend.d3-<technique> or d3fend.d3f-<artifact>";
  } else {
    lint_report(ctx, "sigma-tag", src, node->span,
                "'%.*s' is no namespace of the specification (attack, car, cve, d3fend, "
                "detection, stp, tlp)",
                (int)ns, node->text);
    return;
  }
  if (expected)
    lint_report(ctx, "sigma-tag", src, node->span, "'%s' is not in its namespace's form: %s",
                node->text, expected);
}

/* ---- the specification's JSON schemas ------------------------------------------------------ */

static void free_json(void *value) { json_decref(value); }

/* The schema for a document: a correlation, a filter or a detection rule; each parsed once per
 * run (the arena drops them). */
static const json_t *schema_for(LintCtx *ctx, const YamlNode *root) {
  static const struct {
    const char *key; /* the key that makes a document of this kind; NULL: the rest */
    const unsigned char *text;
    const size_t *len;
  } kinds[] = {
      {"correlation", embedded_sigma_schema_correlation, &embedded_sigma_schema_correlation_len},
      {"filter", embedded_sigma_schema_filter, &embedded_sigma_schema_filter_len},
      {NULL, embedded_sigma_schema_detection, &embedded_sigma_schema_detection_len},
  };
  size_t k = 0;
  while (kinds[k].key && !yaml_map_get(root, kinds[k].key))
    k++;
  if (!ctx->schemas[k]) {
    json_t *schema = json_loadb((const char *)kinds[k].text, *kinds[k].len, 0, NULL);
    if (schema)
      arena_on_free(ctx->arena, free_json, schema);
    ctx->schemas[k] = schema;
  }
  return ctx->schemas[k];
}

/* Whether the front end already reported an error inside the document: its message says more
 * about the rule than the schema's would. */
static bool front_end_errors(const LintCtx *ctx, const Source *src, const YamlNode *root) {
  for (size_t i = 0; i < ctx->diags->count; i++) {
    const Diag *d = &ctx->diags->items[i];
    if (d->severity == DIAG_ERROR && d->src == src && d->has_span &&
        d->span.start >= root->span.start && d->span.start <= root->span.end)
      return true;
  }
  return false;
}

/* A JSON pointer for people: "/detection/condition" as detection.condition. */
static const char *subject(Arena *arena, const char *pointer) {
  char *text = arena_strdup(arena, pointer + (*pointer == '/'));
  for (char *c = text; *c; c++)
    if (*c == '/')
      *c = '.';
  return text;
}

static void check_schema(LintCtx *ctx, const Source *src, const YamlNode *root) {
  if (front_end_errors(ctx, src, root))
    return;
  const json_t *schema = schema_for(ctx, root);
  json_t *instance = yaml_to_json(root);
  SchemaErrors errors = {NULL, 0};
  if (schema && instance)
    json_schema_validate(ctx->arena, schema, instance, &errors);
  for (size_t i = 0; i < errors.count; i++) {
    const SchemaError *e = &errors.items[i];
    const YamlNode *at = yaml_at_pointer(root, e->path, e->at_key);
    Span span = at ? at->span : (Span){root->span.start, root->span.start + 1};
    if (*e->path)
      lint_report(ctx, "sigma-schema", src, span, "%s: %s", subject(ctx->arena, e->path),
                  e->message);
    else
      lint_report(ctx, "sigma-schema", src, span, "%s", e->message);
  }
  json_decref(instance);
}

void lint_sigma_document(LintCtx *ctx, const Source *src, const YamlNode *root) {
  check_schema(ctx, src, root);
  check_date(ctx, src, root, "date");
  check_date(ctx, src, root, "modified");
  const YamlNode *tags = yaml_map_get(root, "tags");
  for (size_t i = 0; tags && tags->kind == YAML_SEQUENCE && i < tags->count; i++)
    tag(ctx, src, tags->items[i]);
}
