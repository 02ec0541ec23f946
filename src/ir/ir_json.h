/* The IR as stable JSON (docs/ir.md): what `sigmac -t ir` prints and golden tests compare. */
#ifndef SIGMAC_IR_JSON_H
#define SIGMAC_IR_JSON_H

#include "base/strbuf.h"
#include "sigmac/ir.h"

/* Writes {"sigmac_ir": 1, "rules": [...]} for every rule of the set, then a newline. */
void ir_json_write(const IrRuleSet *rules, StrBuf *out);

#endif
