/* EQL expressions kept whole in the IR (IR_MATCH_EXPR): printed back as EQL. */
#ifndef SIGMAC_EMIT_EQL_EXPR_H
#define SIGMAC_EMIT_EQL_EXPR_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "sigmac/ir.h"

/* Appends expr as EQL text, parenthesised where precedence needs it. False when something in it
 * has no Elasticsearch EQL form (a string that is not UTF-8, an Endgame lineage); the text is
 * then incomplete and must not be used. */
bool eql_expr_print(const IrExpr *expr, StrBuf *out);

#endif
