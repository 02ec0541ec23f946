/* ATT&CK table. A linear scan is enough: lookups happen per tag of a rule being exported. */
#include "schema/attack.h"

#include <string.h>
#include <strings.h>

#include "schema/embedded.h"

static const char *field(Arena *arena, const char **at, const char *end) {
  const char *start = *at;
  const char *tab = memchr(start, '\t', (size_t)(end - start));
  const char *stop = tab ? tab : end;
  *at = tab ? tab + 1 : end;
  return arena_strndup(arena, start, (size_t)(stop - start));
}

AttackTable *attack_load(Arena *arena, const char *text, size_t len) {
  AttackTable *table = arena_alloc(arena, sizeof *table);
  size_t lines = 1;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  table->entries = arena_array(arena, lines, sizeof(AttackEntry));
  for (size_t at = 0; at < len;) {
    const char *line = text + at;
    const char *nl = memchr(line, '\n', len - at);
    const char *end = nl ? nl : text + len;
    at = (size_t)(end - text) + 1;
    if (line == end || *line == '#')
      continue;
    const char *cursor = line;
    const char *kind = field(arena, &cursor, end);
    AttackEntry *e = &table->entries[table->count];
    e->kind = strcmp(kind, "tactic") == 0      ? ATTACK_TACTIC
              : strcmp(kind, "technique") == 0 ? ATTACK_TECHNIQUE
              : strcmp(kind, "group") == 0     ? ATTACK_GROUP
                                               : ATTACK_SOFTWARE;
    e->id = field(arena, &cursor, end);
    if (e->kind == ATTACK_TACTIC)
      e->shortname = field(arena, &cursor, end);
    e->name = field(arena, &cursor, end);
    if (e->kind == ATTACK_TECHNIQUE)
      e->tactics = field(arena, &cursor, end);
    table->count++;
  }
  return table;
}

AttackTable *attack_builtin(Arena *arena) {
  return attack_load(arena, (const char *)embedded_attack, embedded_attack_len);
}

const AttackEntry *attack_by_id(const AttackTable *table, const char *id) {
  for (size_t i = 0; i < table->count; i++)
    if (strcasecmp(table->entries[i].id, id) == 0)
      return &table->entries[i];
  return NULL;
}

const AttackEntry *attack_tactic(const AttackTable *table, const char *shortname) {
  for (size_t i = 0; i < table->count; i++)
    if (table->entries[i].kind == ATTACK_TACTIC &&
        strcmp(table->entries[i].shortname, shortname) == 0)
      return &table->entries[i];
  return NULL;
}
