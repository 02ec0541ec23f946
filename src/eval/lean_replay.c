/* Lean trees from the values json_check() recorded. */
#include "eval/lean_replay.h"

#include <stdlib.h>
#include <string.h>

/* A container the values being replayed are in: its tree (NULL when the tree leaves it out),
 * its kind, and whether the tree keeps all it holds (lean_parse()'s keep_all: below an array,
 * below UserData) or only the members whose key it wants. */
typedef struct Frame {
  json_t *tree;
  char kind;
  bool all;
} Frame;

/* The tree of a scalar value, its string decoded into *buffer (grown as need be). */
static json_t *scalar_tree(const RecordedValue *v, char **buffer, size_t *capacity) {
  switch (v->kind) {
  case '"':
    if (v->len > *capacity) {
      *capacity = 2 * v->len;
      free(*buffer);
      *buffer = malloc(*capacity);
      if (!*buffer)
        abort();
    }
    /* json_check() has checked the text: valid UTF-8, valid escapes */
    return json_stringn_nocheck(*buffer, lean_decode_string(v->text, v->len, *buffer));
  case '0':
    return lean_number(v->text, v->len);
  case 't':
    return json_true();
  case 'f':
    return json_false();
  default:
    return json_null();
  }
}

json_t *lean_replay(const LeanKeys *keys, const RecordedValue *values, size_t count,
                    const JsonStep *steps) {
  if (count == 0 || values[0].depth != 0 || values[0].kind != '{')
    return NULL;
  Frame frames[JSON_PATH_MAX + 1];
  json_t *root = json_object();
  frames[0] = (Frame){root, '{', false};
  char *buffer = NULL;
  size_t capacity = 0;
  for (size_t i = 1; i < count; i++) {
    const RecordedValue *v = &values[i];
    size_t depth = v->depth;
    if (depth == 0 || depth > JSON_PATH_MAX) /* JSON_PATH_UNKNOWN too */
      goto cannot;
    /* in document order: the container at depth - 1 seen last holds it */
    const Frame *parent = &frames[depth - 1];
    const JsonStep *step = &steps[v->path + depth - 1];
    const char *key = NULL;
    size_t key_len = 0;
    bool kept = parent->tree != NULL;
    if (kept && parent->kind == '{') {
      if (step->code & JSON_STEP_TEXT) { /* a key no table looked up: under keep_all alone */
        key = step->key;
        key_len = step->code & ~JSON_STEP_TEXT;
        if (!parent->all || memchr(key, '\\', key_len))
          goto cannot; /* an escaped key: lean_parse() decodes it, and may want it or not */
      } else if (step->code & JSON_STEP_ITEM) {
        goto cannot; /* an item in an object: never so */
      } else {
        key = lean_slot_text(keys, (int32_t)step->code, &key_len);
        kept = parent->all || lean_slot_kept(keys, (int32_t)step->code);
      }
    }
    json_t *tree = !kept            ? NULL
                   : v->kind == '{' ? json_object()
                   : v->kind == '[' ? json_array()
                                    : scalar_tree(v, &buffer, &capacity);
    if (v->kind == '{' || v->kind == '[') /* what it holds comes next */
      frames[depth] = (Frame){tree, v->kind,
                              parent->all || parent->kind == '[' ||
                                  (key && key_len == 8 && memcmp(key, "UserData", 8) == 0)};
    if (!kept)
      continue;
    if (!tree ||
        (parent->kind == '{' ? json_object_setn_new_nocheck(parent->tree, key, key_len, tree)
                             : json_array_append_new(parent->tree, tree)) != 0) {
      if (v->kind == '{' || v->kind == '[')
        frames[depth].tree = NULL;
      goto cannot;
    }
  }
  free(buffer);
  return root;
cannot:
  free(buffer);
  json_decref(root);
  return NULL;
}
