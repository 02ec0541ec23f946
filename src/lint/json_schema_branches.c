/* allOf, anyOf, oneOf and if/then/else. anyOf and oneOf branches are tried speculatively: each
 * branch's problems are cut off the found list and set aside, and when no branch holds, the
 * branch that got furthest into the value speaks for all of them (explain_no_match). Faults of
 * the schema are not cut: a broken schema is reported even from inside a branch that lost. */
#include <stdint.h>
#include <string.h>

#include "lint/json_schema_internal.h"

/* Validates a branch speculatively: its problems are cut off the found list into *cut. */
static bool try_branch(Validator *v, const json_t *schema, const json_t *instance, const char *via,
                       Problems *cut) {
  size_t start = v->found.count, outer_floor = v->floor;
  v->floor = start;
  bool ok = schema_validate(v, schema, instance, via);
  cut->count = cut->capacity = v->found.count - start;
  cut->items = arena_array(v->arena, cut->count, sizeof *cut->items);
  if (cut->count)
    memcpy(cut->items, v->found.items + start, cut->count * sizeof *cut->items);
  v->found.count = start;
  v->floor = outer_floor;
  return ok;
}

static bool has_expect(const Problem *p) { return p->expect.kind_count || p->expect.value_count; }

/* How far a failing branch got into the value at depth: 0 when it rejects the value's kind (a
 * type, const or enum problem at the value itself) or failed only on a schema fault; 1 when it
 * takes the kind but fails at the value itself (a missing property, a pattern); 1 + k when
 * every problem is k levels deeper. */
static size_t branch_rank(const Problems *cut, size_t depth) {
  size_t least = SIZE_MAX;
  for (size_t i = 0; i < cut->count; i++) {
    const Problem *p = &cut->items[i];
    if (p->depth == depth && has_expect(p))
      return 0;
    if (p->depth < least)
      least = p->depth;
  }
  return least == SIZE_MAX ? 0 : 1 + (least - depth);
}

/* Adds the branch's expectation at depth (values preferred to kinds) into merged. */
static void merge_expect(Validator *v, Expect *merged, const Problems *cut, size_t depth) {
  const Expect *best = NULL;
  for (size_t i = 0; i < cut->count; i++) {
    const Problem *p = &cut->items[i];
    if (p->depth == depth && has_expect(p) &&
        (!best || (!best->value_count && p->expect.value_count)))
      best = &p->expect;
  }
  if (!best)
    return;
  for (size_t i = 0; i < best->kind_count; i++)
    if (!memchr(merged->kinds, best->kinds[i], merged->kind_count))
      merged->kinds[merged->kind_count++] = best->kinds[i];
  const json_t **values =
      arena_array(v->arena, merged->value_count + best->value_count, sizeof *values);
  if (merged->value_count)
    memcpy(values, merged->values, merged->value_count * sizeof *values);
  for (size_t i = 0; i < best->value_count; i++) {
    bool seen = false;
    for (size_t j = 0; j < merged->value_count && !seen; j++)
      seen = schema_same_value(values[j], best->values[i], 0);
    if (!seen)
      values[merged->value_count++] = best->values[i];
  }
  merged->values = values;
}

/* Every branch rejects the value's kind: one problem listing what it could have been. */
static void summarise_kinds(Validator *v, const char *keyword, const Problems *cuts, size_t n,
                            const json_t *instance) {
  Expect merged = {.kind_count = 0};
  for (size_t i = 0; i < n; i++)
    merge_expect(v, &merged, &cuts[i], v->depth);
  char *message = merged.kind_count || merged.value_count
                      ? schema_must_be(v->arena, &merged, instance)
                      : arena_strdup(v->arena, "matches none of the allowed forms");
  schema_report(v, (Problem){.error = {.keyword = keyword, .message = message}, .expect = merged});
}

/* True when every problem of the branch is a missing property of the value itself. */
static bool only_missing(const Problems *cut, size_t depth) {
  for (size_t i = 0; i < cut->count; i++)
    if (!cut->items[i].missing || cut->items[i].depth != depth)
      return false;
  return cut->count > 0;
}

/* No branch holds. The branch that got furthest speaks (its own problems are reported); when
 * all reject the value's kind, one summary says what it should be; when several tie, they are
 * summarised if they only differ in required names ("must have 'text' or 'id'"), else the first
 * speaks. */
static void explain_no_match(Validator *v, const char *keyword, const Problems *cuts, size_t n,
                             const json_t *instance) {
  size_t best = 0, top = 0, ties = 0;
  bool *tied = arena_array(v->arena, n, sizeof *tied);
  for (size_t i = 0; i < n; i++) {
    size_t rank = branch_rank(&cuts[i], v->depth);
    if (i == 0 || rank > top) {
      best = i, top = rank, ties = 0;
      memset(tied, 0, n * sizeof *tied);
    }
    if (rank == top)
      tied[i] = true, ties++;
  }
  if (top == 0) {
    summarise_kinds(v, keyword, cuts, n, instance);
    return;
  }
  bool all_missing = ties > 1;
  for (size_t i = 0; i < n && all_missing; i++)
    all_missing = !tied[i] || only_missing(&cuts[i], v->depth);
  if (all_missing) {
    schema_report_text(v, keyword, schema_must_have(v->arena, cuts, tied, n));
    return;
  }
  for (size_t i = 0; i < cuts[best].count; i++)
    schema_add_problem(v, cuts[best].items[i]);
}

/* anyOf (at least one branch holds) and oneOf (exactly one). */
bool schema_check_alternatives(Validator *v, const json_t *schema, const json_t *instance,
                               const char *keyword) {
  const json_t *branches = json_object_get(schema, keyword);
  if (!branches)
    return true;
  size_t n = json_array_size(branches), matches = 0;
  if (n == 0) {
    schema_fault(v, keyword,
                 arena_printf(v->arena, "the schema's %s is not a non-empty list", keyword));
    return false;
  }
  bool exactly_one = strcmp(keyword, "oneOf") == 0;
  Problems *cuts = arena_array(v->arena, n, sizeof *cuts);
  for (size_t i = 0; i < n; i++) {
    if (try_branch(v, json_array_get(branches, i), instance, keyword, &cuts[i]))
      matches++;
    if (matches && !exactly_one)
      return true;
  }
  if (matches == 1)
    return true;
  if (matches > 1)
    schema_report_text(v, keyword,
                       arena_strdup(v->arena, "matches more than one of the allowed forms"));
  else
    explain_no_match(v, keyword, cuts, n, instance);
  return false;
}

bool schema_check_all_of(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *all = json_object_get(schema, "allOf");
  bool ok = true;
  for (size_t i = 0; i < json_array_size(all); i++)
    ok = schema_validate(v, json_array_get(all, i), instance, "allOf") && ok;
  return ok;
}

/* if/then/else: the if's own problems are never reported, only which way it went. */
bool schema_check_conditional(Validator *v, const json_t *schema, const json_t *instance) {
  const json_t *condition = json_object_get(schema, "if");
  if (!condition)
    return true;
  Problems ignored;
  bool holds = try_branch(v, condition, instance, "if", &ignored);
  const char *keyword = holds ? "then" : "else";
  const json_t *next = json_object_get(schema, keyword);
  return !next || schema_validate(v, next, instance, keyword);
}
