/* YAML loading: the project's only libyaml user. Turns a source into a small tree of scalars,
 * sequences and maps with byte spans, one tree per document, within hard limits on nesting,
 * alias expansion and size. */
#ifndef SIGMAC_SIGMA_YAML_TREE_H
#define SIGMAC_SIGMA_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"

typedef enum YamlKind {
  YAML_SCALAR,
  YAML_SEQUENCE,
  YAML_MAP,
} YamlKind;

/* The type a plain scalar resolves to, as PyYAML (YAML 1.1, what pySigma reads rules with) does;
 * quoted scalars and '!!str' are always strings. Timestamps stay strings. */
typedef enum YamlType {
  YAML_STRING,
  YAML_INT,
  YAML_FLOAT,
  YAML_BOOL,
  YAML_NULL,
} YamlType;

typedef enum YamlStyle {
  YAML_STYLE_PLAIN,
  YAML_STYLE_SINGLE, /* 'text' */
  YAML_STYLE_DOUBLE, /* "text" */
  YAML_STYLE_BLOCK,  /* | or > */
} YamlStyle;

typedef struct YamlNode YamlNode;
struct YamlNode {
  YamlKind kind;
  Span span; /* the node as written, from its first to its last character */
  /* YAML_SCALAR */
  const char *text; /* the value after YAML unquoting; NUL-terminated */
  size_t len;
  YamlType type;
  YamlStyle style;
  bool boolean; /* YAML_BOOL */
  /* YAML_SEQUENCE: items[0..count); YAML_MAP: keys[i] (always scalars) -> items[i] */
  YamlNode **keys;
  YamlNode **items;
  size_t count;
  size_t weight; /* nodes in this subtree with aliases expanded; bounds alias bombs */
};

typedef struct YamlDocument {
  YamlNode *root; /* NULL for an empty document */
  Span span;
} YamlDocument;

typedef struct YamlFile {
  const Source *src;
  YamlDocument *documents;
  size_t count;
} YamlFile;

/* Bounds on hostile input; each overrun is an error diagnostic, never a crash or a hang. */
typedef struct YamlLimits {
  size_t max_depth;  /* nesting of sequences and maps */
  size_t max_weight; /* nodes per document counting alias expansions */
} YamlLimits;

extern const YamlLimits yaml_default_limits;

/* Parses every document of src into arena. Errors go to diags (at most one per document for
 * syntax errors, since libyaml cannot go on after one); returns false when any was reported. The
 * documents parsed before an error are kept in *out. */
bool yaml_load(Arena *arena, const Source *src, const YamlLimits *limits, DiagSink *diags,
               YamlFile *out);

/* The value of key in a map, or NULL. */
YamlNode *yaml_map_get(const YamlNode *map, const char *key);

/* The byte offset in the source of character index (byte of the unquoted text) of a scalar:
 * exact for one-line plain, single- and double-quoted scalars, the scalar's start otherwise. */
size_t yaml_scalar_offset(const Source *src, const YamlNode *scalar, size_t index);

/* The YAML type of a node as a word for messages: "a string", "a number", "a map", ... */
const char *yaml_describe(const YamlNode *node);

#endif
