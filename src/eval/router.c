/* Routing by facts: the rules a set of facts leaves, worked out once per distinct facts. */
#include "eval/router.h"

#include <string.h>

#include "base/hash.h"

enum {
  KEPT_FACTS_BITS = 6,
  KEPT_FACTS = 1 << KEPT_FACTS_BITS, /* sets of facts whose rules are kept */
  KEPT_PROBES = 8,                   /* slots a set of facts may take */
  CHANNEL_MAX = 96, /* a channel or an OS type longer than this is worked out every time */
  OS_TYPE_MAX = 32,
};

/* A set of facts, as the tests read them, and the rules it leaves. */
typedef struct KeptFacts {
  bool used, evtx, has_event_id, has_category, has_channel, has_os_type;
  long long event_id;
  uint8_t channel_len, os_type_len;
  char channel[CHANNEL_MAX];
  char os_type[OS_TYPE_MAX];
  uint64_t *allowed;
} KeptFacts;

struct Router {
  const LogsourceTest *const *tests;
  const LogsourceTest **distinct; /* the distinct tests, */
  uint32_t *test_of;              /* per rule: the number of its test among them */
  bool *test_verdict;             /* per distinct test: whether its rules stay, for some facts */
  size_t test_count, rule_count, words;
  KeptFacts kept[KEPT_FACTS];
  uint64_t *scratch; /* the rules of facts too long to keep */
};

Router *router_new(Arena *arena, const LogsourceTest *const *tests, size_t rule_count) {
  Router *r = arena_alloc(arena, sizeof *r);
  r->tests = tests;
  r->rule_count = rule_count;
  r->words = rule_count / 64 + 1;
  r->distinct = arena_array(arena, rule_count + 1, sizeof(void *));
  r->test_of = arena_array(arena, rule_count + 1, sizeof(uint32_t));
  for (size_t i = 0; i < rule_count; i++) {
    size_t t = 0;
    while (tests[i] && t < r->test_count && !logsource_same_test(r->distinct[t], tests[i]))
      t++;
    if (tests[i] && t == r->test_count)
      r->distinct[r->test_count++] = tests[i];
    r->test_of[i] = (uint32_t)t;
  }
  r->test_verdict = arena_array(arena, r->test_count + 1, sizeof(bool));
  for (size_t k = 0; k < KEPT_FACTS; k++)
    r->kept[k].allowed = arena_array(arena, r->words, sizeof(uint64_t));
  r->scratch = arena_array(arena, r->words, sizeof(uint64_t));
  return r;
}

/* The rules facts leave, into allowed: each distinct test decided once. */
static void work_out(Router *r, const EventFacts *facts, uint64_t *allowed) {
  for (size_t t = 0; t < r->test_count; t++)
    r->test_verdict[t] = logsource_verdict(r->distinct[t], facts) != LOGSOURCE_NO;
  memset(allowed, 0, r->words * sizeof(uint64_t));
  for (size_t i = 0; i < r->rule_count; i++)
    if (!r->tests[i] || r->test_verdict[r->test_of[i]])
      allowed[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Whether k holds exactly these facts. */
static bool same_facts(const KeptFacts *k, const EventFacts *f) {
  return k->used && k->evtx == f->evtx && k->has_event_id == f->has_event_id &&
         (!f->has_event_id || k->event_id == f->event_id) && k->has_category == f->has_category &&
         k->has_channel == (f->channel != NULL) && k->has_os_type == (f->os_type != NULL) &&
         (!f->channel || (k->channel_len == f->channel_len &&
                          memcmp(k->channel, f->channel, f->channel_len) == 0)) &&
         (!f->os_type || (k->os_type_len == f->os_type_len &&
                          memcmp(k->os_type, f->os_type, f->os_type_len) == 0));
}

const uint64_t *router_allowed(Router *r, const JsonFacts *seen) {
  if (seen->unsure)
    return NULL; /* the tree will tell */
  EventFacts facts = {.evtx = seen->evtx,
                      .channel = seen->channel,
                      .channel_len = seen->channel_len,
                      .has_event_id = seen->has_event_id,
                      .event_id = seen->has_event_id ? seen->event_id : 0,
                      .os_type = seen->os_type,
                      .os_type_len = seen->os_type_len,
                      .has_category = seen->has_category}; /* no tree yet: no containers */
  if ((facts.channel && facts.channel_len > CHANNEL_MAX) ||
      (facts.os_type && facts.os_type_len > OS_TYPE_MAX)) {
    work_out(r, &facts, r->scratch);
    return r->scratch;
  }
  uint64_t h = 1469598103934665603ull ^ (uint64_t)facts.event_id * 0x9E3779B97F4A7C15ull;
  if (facts.channel) /* a word at a time: a channel's name is forty bytes */
    h ^= hash_words(facts.channel, facts.channel_len, 1);
  if (facts.os_type)
    h ^= hash_words(facts.os_type, facts.os_type_len, 2);
  h ^= (uint64_t)facts.evtx << 1 | (uint64_t)facts.has_event_id << 2 |
       (uint64_t)facts.has_category << 3 | (uint64_t)(facts.channel != NULL) << 4;
  /* open addressing over a few slots: facts whose hashes meet do not take turns at the one slot
   * (a set of facts is worked out in microseconds); with none free, the first is taken */
  size_t first = (size_t)((h * 0x9E3779B97F4A7C15ull) >> (64 - KEPT_FACTS_BITS));
  KeptFacts *k = &r->kept[first];
  for (size_t probe = 0; probe < KEPT_PROBES; probe++) {
    KeptFacts *at = &r->kept[(first + probe) & (KEPT_FACTS - 1)];
    if (same_facts(at, &facts))
      return at->allowed;
    if (!at->used) {
      k = at;
      break;
    }
  }
  work_out(r, &facts, k->allowed);
  k->used = true;
  k->evtx = facts.evtx;
  k->has_event_id = facts.has_event_id;
  k->event_id = facts.event_id;
  k->has_category = facts.has_category;
  k->has_channel = facts.channel != NULL;
  k->has_os_type = facts.os_type != NULL;
  k->channel_len = (uint8_t)(facts.channel ? facts.channel_len : 0);
  k->os_type_len = (uint8_t)(facts.os_type ? facts.os_type_len : 0);
  if (facts.channel)
    memcpy(k->channel, facts.channel, facts.channel_len);
  if (facts.os_type)
    memcpy(k->os_type, facts.os_type, facts.os_type_len);
  return k->allowed;
}
