/* The SPL front end's two levels: a search with the commands that filter it (parse.c), and the
 * correlation pipeline sigmac writes over such searches (correlation.c). */
#ifndef SIGMAC_SPL_PIPELINE_H
#define SIGMAC_SPL_PIPELINE_H

#include "sigmac/ir.h"
#include "spl/tokens.h"

/* [search] terms {| regex ... | eval sigmac_cN=... | search ...}: the condition (NULL when it
 * matches every event, or after an error). Stops at the end, at ']', at '| eval sigmac_rule' and
 * before a pipe into any other command, which is the caller's to read. */
IrNode *spl_search_pipeline(Parser *p);

/* The rest of block (file index index) as sigmac's correlation pipeline (grammar/spl.ebnf),
 * after single, the search already read, or at '| multisearch' when single is NULL: the rules
 * it searches and the correlation over them are added to rules. False after an error. */
bool spl_correlation(Parser *p, Span block, size_t index, IrNode *single, IrRuleSet *rules);

#endif
