/* Whether a Sigma rule's logsource applies to an event, so that a rule is only tried on the
 * events it was written for (a file_delete rule is not a file_event rule, though both read
 * TargetFilename):
 *   - an EVTX-rendered Windows event: the product is windows (or unset), and the event's channel
 *     and event ID are those of the rule's category and service (data/windows/evtx_logsources.tsv;
 *     an event without an ID is of no category whose rows name IDs, as the queries written for
 *     it test EventCode="1");
 *   - an ECS event (it has event.category): the product agrees with host.os.type, and the event
 *     holds the EQL category and conditions the mapping gives the logsource, exactly as the EQL
 *     the rule converts to would test them;
 *   - any other event: no condition (nothing says what it is).
 * A category or service the table or mapping does not know puts no condition. */
#ifndef SIGMAC_EVAL_LOGSOURCE_H
#define SIGMAC_EVAL_LOGSOURCE_H

#include "eval/event.h"
#include "schema/mapping.h"

typedef struct LogsourceTest LogsourceTest;

/* The test of a rule's logsource (built once per rule); mapping may be NULL. A rule whose every
 * query requires "EventID" to be one of some numbers (an AND holding such a test) is also tried
 * only on EVTX events with one of them: Windows rules of a service often name their event IDs in
 * the detection rather than in the logsource. */
const LogsourceTest *logsource_test(Arena *arena, const IrRule *rule, const Mapping *mapping);

bool logsource_applies(const LogsourceTest *test, const Event *event);

/* Whether two tests say the same of every event (rules of one logsource and event IDs). */
bool logsource_same_test(const LogsourceTest *a, const LogsourceTest *b);

typedef enum LogsourceVerdict {
  LOGSOURCE_NO,     /* the rule does not apply */
  LOGSOURCE_YES,    /* it does */
  LOGSOURCE_FIELDS, /* it depends on the event's fields (an ECS event's conditions) */
} LogsourceVerdict;

/* The same from an event's facts alone, before it is parsed. */
LogsourceVerdict logsource_verdict(const LogsourceTest *test, const EventFacts *facts);

#endif
