/* The candidates of an event, from the anchors of rules (anchors.c). */
#include "eval/prefilter.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/anchors.h"
#include "eval/memo.h"

enum {
  MEMO_SLOTS = 16384, /* values remembered with their anchor texts: 5.6 MB */
  MEMO_TEXT = 256,    /* bytes of a value remembered */
  MEMO_TEXTS = 16,    /* anchor texts of a value remembered */
};

struct Prefilter {
  Grams *grams;           /* the anchor texts (ids: texts) */
  Grams *keyword_grams;   /* those of rules reading every value, or NULL: none */
  uint32_t *keyword_text; /* keyword_grams' id -> text */
  uint32_t *text_first;   /* text t's anchors: text_anchors[text_first[t] .. text_first[t+1]) */
  uint32_t *text_anchors;
  uint32_t *text_stamp; /* per text: the last scan it was found in */
  size_t text_count;
  uint32_t *texts; /* the texts found by the current scan, text_found of them */
  size_t text_found;
  uint32_t *anchor_clause; /* anchor -> clause */
  size_t anchor_count;
  Memo *memo;                 /* the anchor texts of values seen lately */
  uint32_t heard[MEMO_TEXTS]; /* the texts found in the value being scanned, */
  size_t heard_count;
  bool heard_all;         /* if that is all of them */
  uint32_t *clause_rule;  /* clause -> rule */
  uint32_t *clause_stamp; /* per clause: the last scan it was found in */
  uint32_t *rule_clauses; /* per rule: its number of clauses */
  uint32_t *rule_hits;    /* per rule: its clauses found by the current scan */
  uint32_t *unanchored;   /* rules that are candidates for every event */
  size_t unanchored_count;
  uint32_t *stamp; /* per rule: the last scan that touched it */
  uint32_t scan;   /* the current scan's number */
  uint64_t *found; /* the candidates of the current scan: a bit per rule */
  size_t found_words;
  size_t rule_count, clause_count;
};

/* ---- anchor texts -------------------------------------------------------------------------
 * Rules share anchors ("\\system32\\" is one of hundreds): the scanners look for each text once,
 * ASCII case folded as they compare, and a text found names its anchors. */

static uint64_t folded_hash(const char *text, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    h = (h ^ (c >= 'A' && c <= 'Z' ? c | 0x20 : c)) * 1099511628211ull;
  }
  return h;
}

static bool same_folded_text(const char *a, size_t a_len, const char *b, size_t b_len) {
  return a_len == b_len && strncasecmp(a, b, a_len) == 0;
}

/* The distinct texts of the anchors (up to ASCII case) into text_at and text_lens, each with the
 * anchors it stands for. */
static void distinct_texts(Prefilter *pf, Arena *arena, const char **texts, const size_t *lens,
                           const char **text_at, size_t *text_lens) {
  size_t capacity = 64;
  while (capacity < 2 * pf->anchor_count)
    capacity *= 2;
  uint32_t *table = arena_array(arena, capacity, sizeof(uint32_t)); /* text + 1; 0: free */
  uint32_t *text_of = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  uint32_t *per_text = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  for (size_t a = 0; a < pf->anchor_count; a++) {
    size_t i = folded_hash(texts[a], lens[a]) & (capacity - 1);
    while (table[i] &&
           !same_folded_text(text_at[table[i] - 1], text_lens[table[i] - 1], texts[a], lens[a]))
      i = (i + 1) & (capacity - 1);
    if (!table[i]) {
      text_at[pf->text_count] = texts[a];
      text_lens[pf->text_count] = lens[a];
      table[i] = (uint32_t)++pf->text_count;
    }
    text_of[a] = table[i] - 1;
    per_text[text_of[a]]++;
  }
  pf->text_first = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  for (size_t t = 0, at = 0; t <= pf->text_count; at += per_text[t++])
    pf->text_first[t] = (uint32_t)at;
  uint32_t *filled = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  pf->text_anchors = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  for (size_t a = 0; a < pf->anchor_count; a++)
    pf->text_anchors[pf->text_first[text_of[a]] + filled[text_of[a]]++] = (uint32_t)a;
  pf->text_stamp = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  pf->texts = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
}

/* The scanner of the texts of rules reading every value (keyword searches): values that no
 * field reads are searched for these alone. */
static void build_keyword_grams(Prefilter *pf, Arena *arena, const char **text_at,
                                const size_t *text_lens, const bool *whole_event) {
  size_t n = 0;
  const char **kept = arena_array(arena, pf->text_count + 1, sizeof(char *));
  size_t *kept_lens = arena_array(arena, pf->text_count + 1, sizeof(size_t));
  pf->keyword_text = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  for (size_t t = 0; t < pf->text_count; t++) {
    bool keyword = false;
    for (uint32_t k = pf->text_first[t]; k < pf->text_first[t + 1] && !keyword; k++)
      keyword = whole_event[pf->clause_rule[pf->anchor_clause[pf->text_anchors[k]]]];
    if (keyword) {
      kept[n] = text_at[t];
      kept_lens[n] = text_lens[t];
      pf->keyword_text[n++] = (uint32_t)t;
    }
  }
  if (n)
    pf->keyword_grams = grams_build(arena, kept, kept_lens, n);
}

Prefilter *prefilter_build(Arena *arena, const IrRule *const *rules, size_t count,
                           const char *time_field, const bool *whole_event,
                           const Mapping *mapping) {
  Prefilter *pf = arena_alloc(arena, sizeof *pf);
  pf->rule_count = count;
  pf->stamp = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->found_words = count / 64 + 1;
  pf->found = arena_array(arena, pf->found_words, sizeof(uint64_t));
  pf->unanchored = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->rule_clauses = arena_array(arena, count + 1, sizeof(uint32_t));
  pf->rule_hits = arena_array(arena, count + 1, sizeof(uint32_t));
  Requirement *per_rule = arena_array(arena, count + 1, sizeof(Requirement));
  size_t anchors = 0;
  for (size_t r = 0; r < count; r++) {
    per_rule[r] = rule_requirement(arena, rules[r], time_field, mapping);
    pf->rule_clauses[r] = (uint32_t)per_rule[r].count;
    pf->clause_count += per_rule[r].count;
    if (per_rule[r].count == 0)
      pf->unanchored[pf->unanchored_count++] = (uint32_t)r;
    for (size_t c = 0; c < per_rule[r].count; c++)
      anchors += per_rule[r].clauses[c].count;
  }
  const char **texts = arena_array(arena, anchors + 1, sizeof(char *));
  size_t *lens = arena_array(arena, anchors + 1, sizeof(size_t));
  pf->anchor_clause = arena_array(arena, anchors + 1, sizeof(uint32_t));
  pf->clause_rule = arena_array(arena, pf->clause_count + 1, sizeof(uint32_t));
  pf->clause_stamp = arena_array(arena, pf->clause_count + 1, sizeof(uint32_t));
  for (size_t r = 0, clause = 0; r < count; r++)
    for (size_t c = 0; c < per_rule[r].count; c++, clause++) {
      pf->clause_rule[clause] = (uint32_t)r;
      for (size_t i = 0; i < per_rule[r].clauses[c].count; i++) {
        texts[pf->anchor_count] = per_rule[r].clauses[c].items[i];
        lens[pf->anchor_count] = strlen(texts[pf->anchor_count]);
        pf->anchor_clause[pf->anchor_count++] = (uint32_t)clause;
      }
    }
  const char **text_at = arena_array(arena, pf->anchor_count + 1, sizeof(char *));
  size_t *text_lens = arena_array(arena, pf->anchor_count + 1, sizeof(size_t));
  distinct_texts(pf, arena, texts, lens, text_at, text_lens);
  pf->grams = grams_build(arena, text_at, text_lens, pf->text_count);
  if (whole_event)
    build_keyword_grams(pf, arena, text_at, text_lens, whole_event);
  pf->memo = memo_new(arena, MEMO_SLOTS, MEMO_TEXT, MEMO_TEXTS);
  return pf;
}

/* The number of the lowest bit set in bits (nonzero). */
static unsigned lowest_bit(uint64_t bits) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(bits);
#else
  unsigned n = 0;
  while (!(bits & 1)) {
    bits >>= 1;
    n++;
  }
  return n;
#endif
}

/* An anchor found: its clause holds; a rule whose clauses all hold is a candidate. */
static void found_anchor(Prefilter *pf, uint32_t id) {
  uint32_t clause = pf->anchor_clause[id];
  if (pf->clause_stamp[clause] == pf->scan)
    return;
  pf->clause_stamp[clause] = pf->scan;
  uint32_t rule = pf->clause_rule[clause];
  if (pf->stamp[rule] != pf->scan) {
    pf->stamp[rule] = pf->scan;
    pf->rule_hits[rule] = 0;
  }
  if (++pf->rule_hits[rule] == pf->rule_clauses[rule])
    pf->found[rule / 64] |= (uint64_t)1 << (rule % 64);
}

/* A text found in the event: noted the first time (its anchors are taken at the end). */
static void found_text(Prefilter *pf, uint32_t text) {
  if (pf->text_stamp[text] == pf->scan)
    return;
  pf->text_stamp[text] = pf->scan;
  pf->texts[pf->text_found++] = text;
}

/* A text found by a scan of a value: noted for the memo too. */
static void heard_text(Prefilter *pf, uint32_t text) {
  bool known = false;
  for (size_t i = 0; i < pf->heard_count && !known; i++)
    known = pf->heard[i] == text;
  if (!known && pf->heard_count < MEMO_TEXTS)
    pf->heard[pf->heard_count++] = text;
  else if (!known)
    pf->heard_all = false;
  found_text(pf, text);
}

static bool found_by_grams(uint32_t id, size_t end, void *context) {
  (void)end;
  heard_text(context, id);
  return false;
}

static bool found_by_keyword_grams(uint32_t id, size_t end, void *context) {
  (void)end;
  Prefilter *pf = context;
  heard_text(pf, pf->keyword_text[id]);
  return false;
}

void prefilter_begin(Prefilter *pf) {
  if (++pf->scan == 0) { /* the stamps wrapped around: start them again */
    memset(pf->stamp, 0, pf->rule_count * sizeof(uint32_t));
    memset(pf->clause_stamp, 0, pf->clause_count * sizeof(uint32_t));
    memset(pf->text_stamp, 0, pf->text_count * sizeof(uint32_t));
    pf->scan = 1;
  }
  pf->text_found = 0;
  memset(pf->found, 0, pf->found_words * sizeof(uint64_t)); /* a scan may end without end() */
  for (size_t i = 0; i < pf->unanchored_count; i++)
    pf->found[pf->unanchored[i] / 64] |= (uint64_t)1 << (pf->unanchored[i] % 64);
}

void prefilter_feed(Prefilter *pf, const char *text, size_t len, bool read) {
  const Grams *grams = read ? pf->grams : pf->keyword_grams;
  if (!grams || len < ANCHOR_MIN)
    return;
  uint64_t hash = memo_hash(text, len, read);
  size_t count;
  const uint32_t *texts = memo_find(pf->memo, hash, text, len, read, &count);
  if (texts) { /* seen lately: its texts are known */
    for (size_t i = 0; i < count; i++)
      found_text(pf, texts[i]);
    return;
  }
  pf->heard_count = 0;
  pf->heard_all = true;
  grams_scan(grams, text, len, read ? found_by_grams : found_by_keyword_grams, pf);
  if (pf->heard_all)
    memo_keep(pf->memo, hash, text, len, read, pf->heard, pf->heard_count);
}

size_t prefilter_end(Prefilter *pf, uint32_t *out) {
  for (size_t t = 0; t < pf->text_found; t++) /* each text's anchors hold their clauses */
    for (uint32_t k = pf->text_first[pf->texts[t]]; k < pf->text_first[pf->texts[t] + 1]; k++)
      found_anchor(pf, pf->text_anchors[k]);
  size_t n = 0; /* the bits in ascending order */
  for (size_t w = 0; w < pf->found_words; w++)
    for (uint64_t bits = pf->found[w]; bits; bits &= bits - 1)
      out[n++] = (uint32_t)(w * 64 + lowest_bit(bits));
  return n;
}

size_t prefilter_candidates(Prefilter *pf, const char *text, size_t len, uint32_t *out) {
  prefilter_begin(pf);
  prefilter_feed(pf, text, len, true);
  return prefilter_end(pf, out);
}

size_t prefilter_unanchored(const Prefilter *pf) { return pf->unanchored_count; }
size_t prefilter_anchor_count(const Prefilter *pf) { return pf->anchor_count; }
size_t prefilter_bytes(const Prefilter *pf) {
  return grams_bytes(pf->grams) + (pf->keyword_grams ? grams_bytes(pf->keyword_grams) : 0) +
         memo_bytes(pf->memo);
}
