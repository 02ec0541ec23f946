/* The problems a call collects and the instance path they are reported at. Problems with the
 * instance go to the found list, where speculation (json_schema_branches.c) may cut them off
 * again; faults of the schema go to a list of their own that nothing discards. */
#include <string.h>

#include "base/hash.h"
#include "lint/json_schema_internal.h"

static bool same_problem(const Problem *a, const Problem *b) {
  return a->key == b->key && a->depth == b->depth && a->error.at_key == b->error.at_key &&
         strcmp(a->error.path, b->error.path) == 0 &&
         strcmp(a->error.keyword, b->error.keyword) == 0 &&
         strcmp(a->error.message, b->error.message) == 0;
}

static void append(Arena *arena, Problems *list, const Problem *p) {
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : 16;
    list->items = arena_grow(arena, list->items, list->count, capacity, sizeof *list->items);
    list->capacity = capacity;
  }
  list->items[list->count++] = *p;
}

void schema_add_problem(Validator *v, Problem p) {
  p.key = hash_text(p.error.path) ^ hash_text(p.error.keyword) * 31 ^ hash_text(p.error.message);
  for (size_t i = v->floor; i < v->found.count; i++)
    if (same_problem(&v->found.items[i], &p))
      return;
  append(v->arena, &v->found, &p);
}

void schema_report(Validator *v, Problem p) {
  p.error.path = arena_strndup(v->arena, sb_text(&v->path), v->path.len);
  p.depth = v->depth;
  size_t *trail = arena_array(v->arena, v->depth, sizeof *trail);
  if (v->depth)
    memcpy(trail, v->trail, v->depth * sizeof *trail);
  p.trail = trail;
  schema_add_problem(v, p);
}

void schema_report_text(Validator *v, const char *keyword, const char *message) {
  schema_report(v, (Problem){.error = {.keyword = keyword, .message = message}});
}

void schema_fault(Validator *v, const char *keyword, const char *message) {
  for (size_t i = 0; i < v->faults.count; i++)
    if (strcmp(v->faults.items[i].error.message, message) == 0)
      return;
  Problem p = {.error = {.keyword = keyword, .message = message}, .depth = v->depth};
  p.error.path = arena_strndup(v->arena, sb_text(&v->path), v->path.len);
  append(v->arena, &v->faults, &p);
}

/* The segment is the key with '~' and '/' escaped, as a JSON pointer has them. */
size_t schema_push_key(Validator *v, const char *key, size_t len, size_t position) {
  size_t old = v->path.len;
  v->trail[v->depth] = position;
  sb_putc(&v->path, '/');
  for (size_t i = 0; i < len; i++) {
    if (key[i] == '~' || key[i] == '/')
      sb_puts(&v->path, key[i] == '~' ? "~0" : "~1");
    else
      sb_putc(&v->path, key[i]);
  }
  v->depth++;
  return old;
}

size_t schema_push_index(Validator *v, size_t index) {
  size_t old = v->path.len;
  v->trail[v->depth] = index;
  sb_printf(&v->path, "/%zu", index);
  v->depth++;
  return old;
}

void schema_pop(Validator *v, size_t old) {
  v->path.len = old;
  v->path.data[old] = '\0';
  v->depth--;
}
