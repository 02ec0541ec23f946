/* Limits every front end's rules share, checked once on the IR: the items of one list (values of
 * a field, terms of an 'or' or 'and', arguments of 'in') and the bytes of one value or pattern.
 * Past them a rule is an error at the first item over the limit, never a slow or huge run; the
 * file size limit bounds both already, these make the error say what is too big. */
#ifndef SIGMAC_IR_LIMITS_H
#define SIGMAC_IR_LIMITS_H

#include <stdbool.h>

#include "base/diag.h"
#include "sigmac/ir.h"

enum {
  IR_LIST_LIMIT = 100000,        /* items in one list */
  IR_STRING_LIMIT = 1024 * 1024, /* bytes in one value or pattern */
};

/* Reports (check 'ir-limit') the first list and the first value of rule past the limits; false
 * when there was one. */
bool ir_check_limits(const IrRule *rule, DiagSink *diags);

#endif
