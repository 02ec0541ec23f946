/* Constructors and small utilities over the IR (include/sigmac/ir.h). Every node is allocated in
 * the arena given; nothing is freed on its own. */
#ifndef SIGMAC_IR_BUILD_H
#define SIGMAC_IR_BUILD_H

#include "base/arena.h"
#include "base/strbuf.h"
#include "sigmac/ir.h"

IrNode *ir_pred(Arena *arena, const IrPredicate *pred);
IrNode *ir_not(Arena *arena, IrNode *child);
IrNode *ir_nested(Arena *arena, const char *path, IrNode *child);
/* An AND or OR over children[0..count) (copied). One child is returned as it is. */
IrNode *ir_join(Arena *arena, IrNodeKind kind, IrNode **children, size_t count);
/* A deep copy: passes that rewrite trees never share nodes between rules or selections. */
IrNode *ir_clone(Arena *arena, const IrNode *node);

/* Strings: building an IrString segment by segment, merging adjacent literals. */
typedef struct IrStringBuilder {
  Arena *arena;
  IrSegment *segs;
  size_t count;
  size_t capacity;
  StrBuf literal; /* the literal run being collected */
} IrStringBuilder;

void ir_sb_init(IrStringBuilder *b, Arena *arena);
void ir_sb_literal(IrStringBuilder *b, const char *text, size_t len);
void ir_sb_wildcard(IrStringBuilder *b, IrSegmentKind kind);
/* Finishes the string (the builder's scratch memory is released; segments live in the arena).
 * Runs of IR_SEG_ANY collapse into one. */
IrString ir_sb_finish(IrStringBuilder *b);

/* An IrString of one literal (none when len is 0). */
IrString ir_string_literal(Arena *arena, const char *text, size_t len);
bool ir_string_has_wildcards(const IrString *s);

/* Sorts a string pattern into the match kinds of the IR: equals, contains, startswith, endswith
 * over a literal, or wildcard; sets pred->match and pred->value. */
void ir_classify_string(Arena *arena, IrPredicate *pred, const IrString *pattern);

/* The pattern a string predicate stands for, wildcards included (contains 'x' is '*x*'). */
IrString ir_pattern_of(Arena *arena, const IrPredicate *pred);

void ir_ruleset_push(Arena *arena, IrRuleSet *set, IrRule *rule);

/* Whether text is a plain decimal number: an optional sign, digits, and digits after a point if
 * there is one ("20", "-1.5"; not "20.", ".5" or "1e5"), which every backend writes back as it
 * is. */
bool ir_plain_number(const char *text);

/* The shortest "%g" text that reads back as value (2.2, not 2.2000000000000002), into out[size]
 * (32 bytes hold any); returns its length. */
size_t ir_shortest_real(char *out, size_t size, double value);

/* Whether value meets every threshold of a correlation's condition (none: true). */
bool ir_correlation_meets(const IrCorrelation *corr, double value);

/* A detection rule of one event query (a parsed KQL or SPL query): where, written at span of src,
 * the index-th of its file; its fields named in taxonomy ("ecs", "splunk"). */
IrRule *ir_event_rule(Arena *arena, IrLanguage origin, const Source *src, Span span, size_t index,
                      const char *taxonomy, IrNode *where);

#endif
