/* MITRE ATT&CK: tactics, techniques, groups and software by id (data/attack/attack.tsv, compiled
 * in; a newer table can be loaded at run time). */
#ifndef SIGMAC_SCHEMA_ATTACK_H
#define SIGMAC_SCHEMA_ATTACK_H

#include <stddef.h>

#include "base/arena.h"

typedef enum AttackKind {
  ATTACK_TACTIC,
  ATTACK_TECHNIQUE,
  ATTACK_GROUP,
  ATTACK_SOFTWARE
} AttackKind;

typedef struct AttackEntry {
  AttackKind kind;
  const char *id; /* TA0005, T1553.002, G0001, S0001 */
  const char *name;
  const char *shortname; /* tactics: defense-evasion */
  const char *tactics;   /* techniques: comma-separated tactic shortnames */
} AttackEntry;

typedef struct AttackTable {
  AttackEntry *entries;
  size_t count;
} AttackTable;

AttackTable *attack_load(Arena *arena, const char *text, size_t len);
AttackTable *attack_builtin(Arena *arena);
/* By id, case-insensitively (tags are lower case: t1553.002). */
const AttackEntry *attack_by_id(const AttackTable *table, const char *id);
/* A tactic by its shortname (defense-evasion). */
const AttackEntry *attack_tactic(const AttackTable *table, const char *shortname);

#endif
