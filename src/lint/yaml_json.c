/* YAML documents as JSON, and JSON pointers back to YAML nodes (yaml_json.h). */
#include "lint/yaml_json.h"

#include <stdlib.h>
#include <string.h>

static json_t *scalar(const YamlNode *node) {
  switch (node->type) {
  case YAML_INT: {
    char *end;
    long long value = strtoll(node->text, &end, 0);
    if (*end == '\0')
      return json_integer(value);
    return json_stringn(node->text, node->len); /* 0o17, 1_000: kept as written */
  }
  case YAML_FLOAT:
    return json_real(strtod(node->text, NULL));
  case YAML_BOOL:
    return json_boolean(node->boolean);
  case YAML_NULL:
    return json_null();
  case YAML_STRING:
    break;
  }
  json_t *text = json_stringn(node->text, node->len);
  return text ? text : json_string(""); /* not UTF-8: the front end reports it */
}

json_t *yaml_to_json(const YamlNode *node) {
  if (!node)
    return json_null();
  switch (node->kind) {
  case YAML_SCALAR:
    return scalar(node);
  case YAML_SEQUENCE: {
    json_t *list = json_array();
    for (size_t i = 0; i < node->count; i++)
      json_array_append_new(list, yaml_to_json(node->items[i]));
    return list;
  }
  case YAML_MAP: {
    json_t *map = json_object();
    for (size_t i = 0; i < node->count; i++)
      json_object_setn_new_nocheck(map, node->keys[i]->text, node->keys[i]->len,
                                   yaml_to_json(node->items[i]));
    return map;
  }
  }
  return json_null();
}

/* The next reference token of a JSON pointer into out (~1 is '/', ~0 is '~'); the rest. */
static const char *token(const char *pointer, char *out, size_t size) {
  size_t n = 0;
  for (; *pointer && *pointer != '/'; pointer++) {
    char c = *pointer;
    if (c == '~' && (pointer[1] == '0' || pointer[1] == '1'))
      c = *++pointer == '1' ? '/' : '~';
    if (n + 1 < size)
      out[n++] = c;
  }
  out[n] = '\0';
  return pointer;
}

const YamlNode *yaml_at_pointer(const YamlNode *root, const char *pointer, bool key) {
  const YamlNode *node = root, *key_node = NULL;
  char name[1024];
  while (node && *pointer == '/') {
    pointer = token(pointer + 1, name, sizeof name);
    const YamlNode *next = NULL;
    key_node = NULL;
    if (node->kind == YAML_MAP) {
      for (size_t i = 0; i < node->count && !next; i++)
        if (strcmp(node->keys[i]->text, name) == 0) {
          next = node->items[i];
          key_node = node->keys[i];
        }
    } else if (node->kind == YAML_SEQUENCE) {
      char *end;
      unsigned long index = strtoul(name, &end, 10);
      if (*name && *end == '\0' && index < node->count)
        next = node->items[index];
    }
    node = next;
  }
  return key && key_node ? key_node : node;
}
