/* The sigmac IR: one representation of a detection that every front end (Sigma YAML, native EQL)
 * produces and every pass and backend consumes. docs/ir.md describes it with its JSON form.
 *
 * Ownership: every IR object lives in the arena of the compilation that built it; nothing here is
 * freed on its own. Strings are NUL-terminated; literal segments carry a length as well because
 * encodings (wide, utf16) put NUL bytes inside them. */
#ifndef SIGMAC_IR_H
#define SIGMAC_IR_H

#include <stdbool.h>
#include <stddef.h>

#include "sigmac/source.h"

/* ---- values ---------------------------------------------------------------------------------- */

#define IR_SEGMENT_KINDS(X)                                                                        \
  X(IR_SEG_LITERAL, "literal") /* text[0..len) matched as it is */                                 \
  X(IR_SEG_ANY, "any")         /* unescaped '*': any run of characters, empty included */          \
  X(IR_SEG_ONE, "one")         /* unescaped '?': exactly one character */

typedef enum IrSegmentKind {
#define X(kind, name) kind,
  IR_SEGMENT_KINDS(X)
#undef X
} IrSegmentKind;

typedef struct IrSegment {
  IrSegmentKind kind;
  const char *text; /* IR_SEG_LITERAL only: the bytes, wildcards and escapes already resolved */
  size_t len;       /* IR_SEG_LITERAL only */
} IrSegment;

/* A string pattern: literal runs kept apart from wildcards, so that a literal '*' can never be
 * confused with a wildcard by a backend. Adjacent literals are merged; an empty string has no
 * segments. */
typedef struct IrString {
  IrSegment *segs;
  size_t count;
} IrString;

typedef struct IrNumber {
  const char *text; /* as written in the rule (kept for printing back) */
  double value;
  bool is_integer; /* the text is an integer that fits long long */
  long long integer;
} IrNumber;

#define IR_VALUE_KINDS(X)                                                                          \
  X(IR_VALUE_STRING, "string")                                                                     \
  X(IR_VALUE_NUMBER, "number")                                                                     \
  X(IR_VALUE_BOOL, "bool")                                                                         \
  X(IR_VALUE_NULL, "null")

typedef enum IrValueKind {
#define X(kind, name) kind,
  IR_VALUE_KINDS(X)
#undef X
} IrValueKind;

typedef struct IrValue {
  IrValueKind kind;
  union {
    IrString string; /* IR_VALUE_STRING */
    IrNumber number; /* IR_VALUE_NUMBER */
    bool boolean;    /* IR_VALUE_BOOL */
  };
} IrValue;

/* ---- predicates and the boolean tree --------------------------------------------------------- */

/* What a predicate tests. The string kinds are normalised: a value with wildcards only at its ends
 * becomes contains/startswith/endswith over its literal middle; any other wildcard is "wildcard".
 */
#define IR_MATCH_KINDS(X)                                                                          \
  X(IR_MATCH_EQUALS, "equals")         /* value: string (literal only), number or bool */          \
  X(IR_MATCH_CONTAINS, "contains")     /* value: literal string found anywhere */                  \
  X(IR_MATCH_STARTSWITH, "startswith") /* value: literal prefix */                                 \
  X(IR_MATCH_ENDSWITH, "endswith")     /* value: literal suffix */                                 \
  X(IR_MATCH_WILDCARD, "wildcard")     /* value: string with IR_SEG_ANY / IR_SEG_ONE inside */     \
  X(IR_MATCH_REGEX, "regex")           /* pattern: PCRE-style, searched anywhere; regex_flags */   \
  X(IR_MATCH_CIDR, "cidr")             /* pattern: "address/prefix", IPv4 or IPv6, validated */    \
  X(IR_MATCH_EXISTS, "exists")         /* the field has a value: not missing, null, [] or [null] */\
  X(IR_MATCH_NULL, "null")             /* the field is missing or null */                          \
  X(IR_MATCH_LT, "lt")                 /* value: number */                                         \
  X(IR_MATCH_LTE, "lte")                                                                           \
  X(IR_MATCH_GT, "gt")                                                                             \
  X(IR_MATCH_GTE, "gte")                                                                           \
  X(IR_MATCH_FIELDREF, "fieldref") /* pattern: the other field; ref_anchor says how */             \
  X(IR_MATCH_EXPR, "expression")   /* expr: an EQL boolean expression no other kind says */

typedef enum IrMatchKind {
#define X(kind, name) kind,
  IR_MATCH_KINDS(X)
#undef X
} IrMatchKind;

/* Regex flags (Sigma re|i|m|s). */
enum { IR_RE_IGNORECASE = 1, IR_RE_MULTILINE = 2, IR_RE_DOTALL = 4 };

/* A field reference compares with the other field's value: whole, as a prefix, suffix or part. */
#define IR_ANCHOR_KINDS(X)                                                                         \
  X(IR_ANCHOR_WHOLE, "whole")                                                                      \
  X(IR_ANCHOR_PREFIX, "startswith")                                                                \
  X(IR_ANCHOR_SUFFIX, "endswith")                                                                  \
  X(IR_ANCHOR_INSIDE, "contains")

typedef enum IrAnchor {
#define X(kind, name) kind,
  IR_ANCHOR_KINDS(X)
#undef X
} IrAnchor;

/* Sigma 2.1 time-part modifiers: the comparison applies to one part of the field's timestamp. */
#define IR_TIME_PARTS(X)                                                                           \
  X(IR_TIME_NONE, "none")                                                                          \
  X(IR_TIME_MINUTE, "minute")                                                                      \
  X(IR_TIME_HOUR, "hour")                                                                          \
  X(IR_TIME_DAY, "day")                                                                            \
  X(IR_TIME_WEEK, "week")                                                                          \
  X(IR_TIME_MONTH, "month")                                                                        \
  X(IR_TIME_YEAR, "year")

typedef enum IrTimePart {
#define X(kind, name) kind,
  IR_TIME_PARTS(X)
#undef X
} IrTimePart;

/* EQL expressions that no predicate kind says (functions, arithmetic, comparisons between
 * expressions, lineage): kept as a tree so they print back and evaluate as Elasticsearch does. */
#define IR_EXPR_KINDS(X)                                                                           \
  X(IR_EXPR_FIELD, "field")   /* text: dotted name; optional: written ?field */                    \
  X(IR_EXPR_STRING, "string") /* text, len */                                                      \
  X(IR_EXPR_NUMBER, "number") /* number */                                                         \
  X(IR_EXPR_BOOL, "bool")     /* boolean */                                                        \
  X(IR_EXPR_NULL, "null")                                                                          \
  X(IR_EXPR_CALL, "call")       /* text: function name; args; insensitive: name~ */                \
  X(IR_EXPR_ARITH, "arith")     /* op: + - * / %; args[0], args[1] */                              \
  X(IR_EXPR_NEG, "neg")         /* args[0] */                                                      \
  X(IR_EXPR_COMPARE, "compare") /* op: == != < <= > >=; args[0], args[1] */                        \
  X(IR_EXPR_IN, "in")           /* args[0] in args[1..]; insensitive: in~ */                       \
  X(IR_EXPR_MATCH, "match")     /* op: ":" like regex; args[0] against args[1..] */                \
  X(IR_EXPR_AND, "and")                                                                            \
  X(IR_EXPR_OR, "or")                                                                              \
  X(IR_EXPR_NOT, "not")         /* args[0] */                                                      \
  X(IR_EXPR_LINEAGE, "lineage") /* text: descendant, child, event; query: the subquery */

typedef enum IrExprKind {
#define X(kind, name) kind,
  IR_EXPR_KINDS(X)
#undef X
} IrExprKind;

typedef struct IrQuery IrQuery;
typedef struct IrExpr IrExpr;
struct IrExpr {
  IrExprKind kind;
  const char *text; /* FIELD, STRING, CALL, LINEAGE */
  size_t len;       /* STRING */
  const char *op;   /* ARITH, COMPARE, MATCH */
  IrNumber number;  /* NUMBER */
  bool boolean;     /* BOOL */
  bool optional;    /* FIELD */
  bool insensitive; /* CALL, IN, MATCH: the '~' form */
  IrExpr **args;
  size_t count;
  IrQuery *query; /* LINEAGE */
  Span span;
};

typedef struct IrPredicate {
  const char *field; /* NULL: a keyword, searched in the whole event */
  IrMatchKind match;
  IrValue value;        /* equals .. wildcard, lt .. gte */
  const char *pattern;  /* regex, cidr, fieldref */
  unsigned regex_flags; /* regex: IR_RE_* */
  IrAnchor ref_anchor;  /* fieldref */
  IrTimePart time_part; /* compare a part of a timestamp instead of the field itself */
  bool cased;           /* strings compare case-sensitively (Sigma 'cased'; regex follows flags) */
  bool optional;        /* EQL '?field': an unmapped field reads as null */
  bool script;          /* EQL function form (startsWith, cidrMatch, ...): Elasticsearch runs it as
                           a script, so a missing field makes it false even under 'not' */
  bool lucene;          /* regex: Lucene syntax matching the whole value (EQL regex), not PCRE
                           searched anywhere (Sigma re) */
  bool free_text;       /* keyword (no field) from KQL: equals (or, with '*', matches) a whole
                           value of any field, numbers and booleans included; a Sigma keyword is
                           found inside strings */
  IrExpr *expr;         /* IR_MATCH_EXPR */
  const Source *src;    /* where the predicate was written */
  Span span;
} IrPredicate;

#define IR_NODE_KINDS(X)                                                                           \
  X(IR_AND, "and")        /* children: all hold (count >= 1) */                                    \
  X(IR_OR, "or")          /* children: one holds (count >= 1) */                                   \
  X(IR_NOT, "not")        /* children[0] does not hold (count == 1) */                             \
  X(IR_PRED, "predicate") /* pred */                                                               \
  X(IR_NESTED, "nested")  /* one object of the array at path satisfies children[0] (count == 1) */

typedef enum IrNodeKind {
#define X(kind, name) kind,
  IR_NODE_KINDS(X)
#undef X
} IrNodeKind;

typedef struct IrNode IrNode;
struct IrNode {
  IrNodeKind kind;
  IrNode **children; /* IR_AND, IR_OR, IR_NOT */
  size_t count;
  IrPredicate pred;  /* IR_PRED */
  const char *path;  /* IR_NESTED: the dotted name of the objects; the fields of children[0] are
                        written in full, path and dot first (KQL's path:{ query }) */
  const char *label; /* the Sigma search identifier this subtree came from, or NULL */
};

/* ---- queries: what one event, or several in order, must satisfy --------------------------------
 */

typedef struct IrStrList {
  const char **items;
  size_t count;
} IrStrList;

/* One step of a sequence or sample. */
typedef struct IrStep {
  const char *category; /* EQL event category of the step, NULL for any */
  IrNode *where;        /* the step's condition */
  IrStrList by;         /* per-step join keys (after the sequence-level ones) */
  bool missing;         /* EQL '!' step: the event must not occur */
  long runs;            /* 'with runs=N'; 1 when absent */
} IrStep;

#define IR_PIPE_KINDS(X)                                                                           \
  X(IR_PIPE_HEAD, "head")                                                                          \
  X(IR_PIPE_TAIL, "tail")

typedef enum IrPipeKind {
#define X(kind, name) kind,
  IR_PIPE_KINDS(X)
#undef X
} IrPipeKind;

typedef struct IrPipe {
  IrPipeKind kind;
  long long count;
} IrPipe;

#define IR_QUERY_KINDS(X)                                                                          \
  X(IR_QUERY_EVENT, "event")       /* one event satisfies where */                                 \
  X(IR_QUERY_SEQUENCE, "sequence") /* steps in order, joined by 'by', within maxspan */            \
  X(IR_QUERY_SAMPLE, "sample")     /* steps in any order, joined by 'by' */

typedef enum IrQueryKind {
#define X(kind, name) kind,
  IR_QUERY_KINDS(X)
#undef X
} IrQueryKind;

struct IrQuery {
  IrQueryKind kind;
  const char *category; /* IR_QUERY_EVENT: EQL event category, NULL when the front end has none */
  IrNode *where;        /* IR_QUERY_EVENT */
  IrStep *steps;        /* IR_QUERY_SEQUENCE, IR_QUERY_SAMPLE */
  size_t step_count;
  IrStrList by;         /* join keys shared by every step */
  long long maxspan_ms; /* 0: no maxspan */
  const char *maxspan_text;
  IrStep *until; /* sequence 'until' step, or NULL */
  IrPipe *pipes;
  size_t pipe_count;
  const char *endgame; /* an Endgame-only construct the query used ("pipe count", "join ... until"),
                          which the IR cannot hold: backends refuse the query, naming it */
};

/* ---- rule metadata -----------------------------------------------------------------------------
 */

/* Custom data kept as written (unknown Sigma keys, logsource extras), so rules print back. */
#define IR_DATA_KINDS(X)                                                                           \
  X(IR_DATA_STRING, "string")                                                                      \
  X(IR_DATA_NUMBER, "number")                                                                      \
  X(IR_DATA_BOOL, "bool")                                                                          \
  X(IR_DATA_NULL, "null")                                                                          \
  X(IR_DATA_LIST, "list")                                                                          \
  X(IR_DATA_MAP, "map")

typedef enum IrDataKind {
#define X(kind, name) kind,
  IR_DATA_KINDS(X)
#undef X
} IrDataKind;

typedef struct IrData IrData;
typedef struct IrEntry {
  const char *key;
  IrData *value;
} IrEntry;

struct IrData {
  IrDataKind kind;
  const char *text; /* STRING, NUMBER (as written), BOOL ("true"/"false") */
  IrData **items;   /* LIST */
  IrEntry *entries; /* MAP, in written order */
  size_t count;     /* items or entries */
};

typedef struct IrRelated {
  const char *id;
  const char *type; /* derived, obsolete, merged, renamed, similar */
} IrRelated;

typedef struct IrMeta {
  const char *title;
  const char *id;
  const char *name;
  const char *status;
  const char *description;
  const char *license;
  const char *author;
  const char *date; /* YYYY-MM-DD as written */
  const char *modified;
  const char *level;
  const char *taxonomy;
  IrStrList references;
  IrStrList fields;
  IrStrList falsepositives;
  IrStrList tags;
  IrStrList scope;
  IrRelated *related;
  size_t related_count;
  IrEntry *custom; /* keys the specification does not define, in written order */
  size_t custom_count;
} IrMeta;

typedef struct IrLogsource {
  const char *product;
  const char *category;
  const char *service;
  const char *definition;
  IrEntry *custom; /* further logsource keys */
  size_t custom_count;
} IrLogsource;

/* ---- correlations and filters ------------------------------------------------------------------
 */

#define IR_CORRELATION_KINDS(X)                                                                    \
  X(IR_CORR_EVENT_COUNT, "event_count")                                                            \
  X(IR_CORR_VALUE_COUNT, "value_count")                                                            \
  X(IR_CORR_TEMPORAL, "temporal")                                                                  \
  X(IR_CORR_TEMPORAL_ORDERED, "temporal_ordered")                                                  \
  X(IR_CORR_VALUE_SUM, "value_sum")                                                                \
  X(IR_CORR_VALUE_AVG, "value_avg")                                                                \
  X(IR_CORR_VALUE_PERCENTILE, "value_percentile")                                                  \
  X(IR_CORR_VALUE_MEDIAN, "value_median")

typedef enum IrCorrelationKind {
#define X(kind, name) kind,
  IR_CORRELATION_KINDS(X)
#undef X
} IrCorrelationKind;

#define IR_COMPARE_KINDS(X)                                                                        \
  X(IR_CMP_GT, "gt")                                                                               \
  X(IR_CMP_GTE, "gte")                                                                             \
  X(IR_CMP_LT, "lt")                                                                               \
  X(IR_CMP_LTE, "lte")                                                                             \
  X(IR_CMP_EQ, "eq")                                                                               \
  X(IR_CMP_NEQ, "neq")

typedef enum IrCompareKind {
#define X(kind, name) kind,
  IR_COMPARE_KINDS(X)
#undef X
} IrCompareKind;

typedef struct IrThreshold {
  IrCompareKind op;
  IrNumber number;
} IrThreshold;

typedef struct IrRule IrRule;

/* A reference to another rule by id or name, resolved across the files of one run. */
typedef struct IrRuleRef {
  const char *text; /* as written */
  IrRule *rule;     /* NULL until resolved (and when it cannot be) */
  const Source *src;
  Span span;
} IrRuleRef;

typedef struct IrAliasField {
  const char *rule; /* rule name as written */
  const char *field;
} IrAliasField;

typedef struct IrAlias {
  const char *name;
  IrAliasField *fields;
  size_t count;
} IrAlias;

typedef struct IrCorrelation {
  IrCorrelationKind kind;
  IrRuleRef *rules;
  size_t rule_count;
  IrStrList group_by;
  const char *timespan_text;
  long long timespan_seconds;
  IrThreshold *thresholds; /* AND-ed; none for temporal types without a condition */
  size_t threshold_count;
  IrStrList condition_fields; /* value_* types */
  const char *percentile;     /* value_percentile: the percentile, when given (pySigma extra) */
  const char *expression; /* temporal types: a boolean expression over rule names (pySigma extra) */
  IrAlias *aliases;
  size_t alias_count;
  bool generate;
} IrCorrelation;

typedef struct IrFilter {
  IrRuleRef *rules; /* none: every rule with a matching logsource */
  size_t rule_count;
  IrNode *where; /* the filter's condition over its own identifiers */
} IrFilter;

/* ---- rules -------------------------------------------------------------------------------------
 */

#define IR_RULE_KINDS(X)                                                                           \
  X(IR_RULE_DETECTION, "detection")                                                                \
  X(IR_RULE_CORRELATION, "correlation")                                                            \
  X(IR_RULE_FILTER, "filter")

typedef enum IrRuleKind {
#define X(kind, name) kind,
  IR_RULE_KINDS(X)
#undef X
} IrRuleKind;

#define IR_LANGUAGE_KINDS(X)                                                                       \
  X(IR_LANG_SIGMA, "sigma")                                                                        \
  X(IR_LANG_EQL, "eql")                                                                            \
  X(IR_LANG_KQL, "kql")                                                                            \
  X(IR_LANG_SPL, "spl")

typedef enum IrLanguage {
#define X(kind, name) kind,
  IR_LANGUAGE_KINDS(X)
#undef X
} IrLanguage;

struct IrRule {
  IrRuleKind kind;
  IrLanguage origin;
  const Source *src;
  Span span;       /* the whole document */
  size_t document; /* 0-based index of the document in its file */
  IrMeta meta;
  IrLogsource logsource;
  IrQuery **queries; /* detection: one per condition (a Sigma condition list gives several) */
  size_t query_count;
  IrCorrelation *correlation;
  IrFilter *filter;
  /* Set by the field-mapping pass (src/schema/mapping.c): */
  const char *taxonomy_out; /* the field naming of the queries ("ecs"), NULL before mapping */
  IrStrList index;          /* index patterns the rule's events are found in */
  const char *datamodel;    /* SPL read back: the CIM data set searched (| datamodel), or NULL */
  const char *unmappable;   /* a strict mapping has no form for the rule: why (backends refuse) */
  const IrPredicate *unmappable_at; /* the field it has none for, or NULL (the logsource) */
};

typedef struct IrRuleSet {
  IrRule **rules;
  size_t count;
  size_t capacity;
} IrRuleSet;

/* Names of the enum members as written in the JSON form (docs/ir.md). */
const char *ir_segment_kind_name(IrSegmentKind kind);
const char *ir_value_kind_name(IrValueKind kind);
const char *ir_match_kind_name(IrMatchKind kind);
const char *ir_anchor_name(IrAnchor kind);
const char *ir_time_part_name(IrTimePart kind);
const char *ir_node_kind_name(IrNodeKind kind);
const char *ir_expr_kind_name(IrExprKind kind);
const char *ir_pipe_kind_name(IrPipeKind kind);
const char *ir_query_kind_name(IrQueryKind kind);
const char *ir_data_kind_name(IrDataKind kind);
const char *ir_correlation_kind_name(IrCorrelationKind kind);
const char *ir_compare_kind_name(IrCompareKind kind);
const char *ir_rule_kind_name(IrRuleKind kind);
const char *ir_language_name(IrLanguage kind);

#endif
