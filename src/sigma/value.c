/* Sigma string values: wildcards and their backslash escapes, exactly as the specification
 * (sigma-rules-specification, "Wildcards" and "Escaping") defines them:
 *   '*' any run, '?' one character; '\*' '\?' '\\' are the literal characters; a backslash before
 *   anything else, or at the end, is a literal backslash (both characters kept). */
#include "sigma/sigma_internal.h"

IrString sigma_parse_string(Arena *arena, const char *text, size_t len) {
  IrStringBuilder b;
  ir_sb_init(&b, arena);
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '*' || c == '?') {
      ir_sb_wildcard(&b, c == '*' ? IR_SEG_ANY : IR_SEG_ONE);
    } else if (c == '\\' && i + 1 < len &&
               (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
      ir_sb_literal(&b, &text[i + 1], 1);
      i++;
    } else {
      ir_sb_literal(&b, &c, 1);
    }
  }
  return ir_sb_finish(&b);
}
