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
  PREFIX_MIN = 16,    /* a value's head up to its last backslash, remembered when this long */
  MEMO_VALUE = 0,     /* the kinds of memo entries: a whole value's texts, */
  MEMO_PREFIX = 1,    /* the texts wholly within a value's head */
  CLAUSE_SLOTS = 8,   /* clauses of a rule tested: the corpus's rules have at most 8; a rule's
                         further clauses are left out, which only adds candidates */
  PENDING_MAX = 64,   /* values whose memo slots are loaded together */
  LAST_SLOTS = 256,   /* keys whose last unread value is remembered, */
  LAST_TEXT = 64,     /* if it is this long at most, */
  LAST_TEXTS = 4,     /* with this many keyword texts at most */
  UNREAD_MAX = 128,   /* values no field reads, searched at the end of the event */
  KEYWORD_SETS = 8,   /* scanners of the keyword texts of some keyword rules, kept */
  LAST_STRIDE = 4,    /* a scanner looking at every fourth byte or fewer beats a compare */
  NEW_IN_A_ROW = PREFILTER_NEW_IN_A_ROW, /* a key whose last values were all new: its values
                                           skip the memo, */
  RETRY_EVERY = 32,  /* but for one in this many, which tells when they repeat again */
  WHOLE_SLOTS = 256, /* whole-value texts (ANCHOR_WHOLE): at most 108 integers, -9 to 99 */
};

/* A whole-value text (an integer of one or two digits, its sign included), and its text's
 * number; len 0: a free slot. */
typedef struct Whole {
  char text[2];
  uint8_t len;
  uint32_t id;
} Whole;

/* A value no field reads, the member of key[0..key_len) (0: not known): searched for the
 * keyword texts of the rules the event's logsource leaves, once they are known. */
typedef struct Unread {
  const char *key, *text;
  size_t key_len, len;
} Unread;

/* A value fed that a rule's field reads, looked up in the memo at the end of the event (its
 * slot is loaded meanwhile). */
typedef struct Pending {
  const char *text;
  size_t len;
  uint64_t hash;   /* 0: the memo is skipped */
  uint8_t *misses; /* its key's new values in a row, or NULL */
} Pending;

/* The last value of a key no rule reads, and the keyword texts it holds. */
typedef struct LastValue {
  uint32_t len;     /* 0: none */
  uint32_t scanner; /* the number of the scanner that found its texts */
  uint32_t count;
  uint32_t texts[LAST_TEXTS];
  char text[LAST_TEXT];
} LastValue;

/* A scanner of some of the anchor texts, and its ids' texts. */
typedef struct Subset {
  Grams *grams; /* NULL: no text */
  uint32_t *text;
  size_t count;    /* texts */
  size_t shortest; /* the shortest text's length: a shorter value holds none */
  uint32_t number; /* told apart from every other scanner made (LastValue.scanner) */
} Subset;

/* The scanner of the keyword texts of some of the rules that read every value: those the
 * logsource of some events leaves (a Sysmon event: one rule's twenty long texts, looked for at
 * every sixth byte). */
typedef struct KeywordSet {
  Arena arena;     /* the scanner's: freed when another set takes the slot, so that a stream
                      cycling through more sets than the slots keeps its memory */
  uint64_t *rules; /* per word of keyword_words: the rules */
  Subset subset;
  bool used;
} KeywordSet;

struct Prefilter {
  Grams *grams;            /* the anchor texts (ids: texts) */
  Subset keywords;         /* the texts of rules reading every value (whatever the logsource) */
  uint64_t *keyword_rules; /* per word of rules: those that read every value */
  uint32_t *keyword_words; /* the words that hold some, keyword_word_count of them */
  size_t keyword_word_count;
  KeywordSet sets[KEYWORD_SETS];
  size_t next_set;
  uint32_t scanners;   /* scanners made so far */
  uint64_t *set_rules; /* scratch: the keyword rules of the event's logsource */
  Unread unread[UNREAD_MAX];
  size_t unread_count;
  Arena *arena;            /* the prefilter's: its end frees the keyword scanners' arenas */
  const char **text_at;    /* each text, */
  const size_t *text_lens; /* and its length */
  Subset numbers;       /* the texts a JSON number can hold: digits, signs, points and exponents */
  Whole *wholes;        /* open addressing on the text: the texts that are whole values, or NULL */
  uint32_t *text_first; /* text t's anchors: text_anchors[text_first[t] .. text_first[t+1]) */
  uint32_t *text_anchors;
  /* What finding text t sets: held[bit_word[k]] |= bit_mask[k] for k in
   * [bit_first[t], bit_first[t+1]); the anchors of a text name hundreds of rules, packed here
   * into a few words. */
  uint32_t *bit_first;
  uint32_t *bit_word;
  uint64_t *bit_mask;
  uint32_t *text_stamp; /* per text: the last scan it was found in */
  size_t text_count;
  uint32_t *anchor_clause; /* anchor -> clause */
  size_t anchor_count;
  Memo *memo;      /* the anchor texts of values seen lately */
  LastValue *last; /* per hash of a key: its last unread value (NULL: no keyword texts) */
  Pending pending[PENDING_MAX];
  size_t pending_count;
  uint32_t heard[MEMO_TEXTS]; /* the texts found in the value being scanned, */
  size_t heard_count;
  bool heard_all; /* if that is all of them */
  /* A value scanned after its head (ending at split), from offset from: the texts ending in
   * the head (when they are to be remembered) or past it (when the head's are known) */
  size_t split, from;
  uint32_t head[MEMO_TEXTS];
  size_t head_count;
  bool head_all;
  size_t longest;         /* the longest text's length, */
  size_t shortest;        /* and the shortest's: a shorter value holds none */
  uint32_t *clause_rule;  /* clause -> rule */
  uint32_t *rule_clauses; /* per rule: its number of clauses */
  size_t unanchored_count;
  /* clause_slots bits per rule, interleaved by word: held[w * clause_slots + j] holds bit r % 64
   * of the rules r of word w = r / 64 whose clause j holds; a rule with fewer clauses holds the
   * others from the start (held_at_start). A rule is a candidate when it holds every one. */
  uint64_t *held, *held_at_start;
  size_t clause_slots;
  uint32_t scan;       /* the current scan's number */
  uint32_t always_new; /* values of keys whose values were all new of late */
  size_t skipped;      /* values that skipped the memo */
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
}

/* Whether a text holds only what a JSON number's text can: any other anchor text cannot occur
 * in a number. */
static bool number_text(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (!(text[i] >= '0' && text[i] <= '9') && !strchr("+-.eE", text[i]))
      return false;
  return true;
}

static bool whole_text(const char *text) { return text[0] == ANCHOR_WHOLE; }

static size_t whole_slot(const char *text, size_t len) {
  return ((unsigned char)text[0] * 31u + (len > 1 ? (unsigned char)text[1] : 0u) * 7u + len) %
         WHOLE_SLOTS;
}

/* The whole-value texts into a table of their own (the grams look for none of them). */
static void file_wholes(Prefilter *pf, Arena *arena) {
  for (size_t t = 0; t < pf->text_count; t++) {
    const char *text = pf->text_at[t] + 1;
    size_t len = pf->text_lens[t] - 1;
    if (!whole_text(pf->text_at[t]) || len > sizeof pf->wholes->text)
      continue;
    if (!pf->wholes)
      pf->wholes = arena_array(arena, WHOLE_SLOTS, sizeof(Whole));
    size_t at = whole_slot(text, len);
    while (pf->wholes[at].len)
      at = (at + 1) % WHOLE_SLOTS;
    pf->wholes[at] = (Whole){{text[0], len > 1 ? text[1] : 0}, (uint8_t)len, (uint32_t)t};
  }
}

/* Whether one of the rules of text t's anchors is one of rules (a bit per rule). */
static bool text_of_rules(const Prefilter *pf, size_t t, const uint64_t *rules) {
  for (uint32_t k = pf->text_first[t]; k < pf->text_first[t + 1]; k++) {
    uint32_t r = pf->clause_rule[pf->anchor_clause[pf->text_anchors[k]]];
    if (rules[r / 64] >> (r % 64) & 1)
      return true;
  }
  return false;
}

/* The scanner of the texts that keyword rules (a bit per rule) or numbers (NULL) may find,
 * among texts within[0..count) (NULL: every text): values that no field reads are searched for
 * the first alone, numbers for the second. */
static Subset build_subset(Prefilter *pf, Arena *arena, const uint64_t *rules,
                           const uint32_t *within, size_t count) {
  Subset subset = {NULL, arena_array(arena, count + 1, sizeof(uint32_t)), 0, 0, ++pf->scanners};
  const char **kept = arena_array(arena, count + 1, sizeof(char *));
  size_t *kept_lens = arena_array(arena, count + 1, sizeof(size_t));
  for (size_t i = 0; i < count; i++) {
    size_t t = within ? within[i] : i;
    if (whole_text(pf->text_at[t]))
      continue; /* found by the table of whole values, not in a value */
    if (rules ? text_of_rules(pf, t, rules) : number_text(pf->text_at[t], pf->text_lens[t])) {
      kept[subset.count] = pf->text_at[t];
      kept_lens[subset.count] = pf->text_lens[t];
      if (!subset.shortest || pf->text_lens[t] < subset.shortest)
        subset.shortest = pf->text_lens[t];
      subset.text[subset.count++] = (uint32_t)t;
    }
  }
  if (subset.count)
    subset.grams = rules ? grams_build_sampled(arena, kept, kept_lens, subset.count)
                         : grams_build(arena, kept, kept_lens, subset.count);
  return subset;
}

/* ---- the bits each text sets ------------------------------------------------------------- */

static int by_word(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* held_at_start, and each text's (word, mask) pairs: its anchors' clauses, those of one word
 * merged. */
static void file_bits(Prefilter *pf, Arena *arena) {
  size_t slots = pf->clause_slots ? pf->clause_slots : 1, words = pf->found_words * slots;
  pf->clause_slots = slots;
  pf->held = arena_array(arena, words, sizeof(uint64_t));
  pf->held_at_start = arena_array(arena, words, sizeof(uint64_t));
  Arena scratch;
  arena_init(&scratch);
  uint32_t *first_clause = arena_array(&scratch, pf->rule_count + 1, sizeof(uint32_t));
  for (size_t r = 0, c = 0; r < pf->rule_count; c += pf->rule_clauses[r++]) {
    first_clause[r] = (uint32_t)c;
    for (size_t j = pf->rule_clauses[r]; j < slots; j++)
      pf->held_at_start[r / 64 * slots + j] |= (uint64_t)1 << (r % 64);
  }
  /* per anchor of a text: its bit's word, then its bit (sorted by word, then merged) */
  uint32_t *pairs = arena_array(&scratch, 2 * pf->anchor_count + 2, sizeof(uint32_t));
  pf->bit_first = arena_array(arena, pf->text_count + 1, sizeof(uint32_t));
  pf->bit_word = arena_array(arena, pf->anchor_count + 1, sizeof(uint32_t));
  pf->bit_mask = arena_array(arena, pf->anchor_count + 1, sizeof(uint64_t));
  size_t filed = 0;
  for (size_t t = 0; t < pf->text_count; t++) {
    pf->bit_first[t] = (uint32_t)filed;
    size_t n = 0;
    for (uint32_t k = pf->text_first[t]; k < pf->text_first[t + 1]; k++) {
      uint32_t clause = pf->anchor_clause[pf->text_anchors[k]];
      uint32_t rule = pf->clause_rule[clause], j = clause - first_clause[rule];
      if (j >= slots)
        continue; /* a clause past the slots: left out */
      pairs[2 * n] = (uint32_t)(rule / 64 * slots + j);
      pairs[2 * n++ + 1] = rule % 64;
    }
    qsort(pairs, n, 2 * sizeof(uint32_t), by_word);
    for (size_t i = 0; i < n; i++) {
      if (i == 0 || pairs[2 * i] != pairs[2 * i - 2])
        pf->bit_word[filed++] = pairs[2 * i];
      pf->bit_mask[filed - 1] |= (uint64_t)1 << pairs[2 * i + 1];
    }
  }
  pf->bit_first[pf->text_count] = (uint32_t)filed;
  arena_free(&scratch);
}

Prefilter *prefilter_build(Arena *arena, const IrRule *const *rules, size_t count,
                           const char *time_field, const bool *whole_event,
                           const Mapping *mapping) {
  Prefilter *pf = arena_alloc(arena, sizeof *pf);
  pf->rule_count = count;
  pf->found_words = count / 64 + 1;
  pf->rule_clauses = arena_array(arena, count + 1, sizeof(uint32_t));
  Requirement *per_rule = arena_array(arena, count + 1, sizeof(Requirement));
  size_t anchors = 0;
  for (size_t r = 0; r < count; r++) {
    per_rule[r] = rule_requirement(arena, rules[r], time_field, mapping);
    pf->rule_clauses[r] = (uint32_t)per_rule[r].count;
    pf->clause_count += per_rule[r].count;
    pf->unanchored_count += per_rule[r].count == 0;
    if (per_rule[r].count > pf->clause_slots)
      pf->clause_slots = per_rule[r].count < CLAUSE_SLOTS ? per_rule[r].count : CLAUSE_SLOTS;
    for (size_t c = 0; c < per_rule[r].count; c++)
      anchors += per_rule[r].clauses[c].count;
  }
  const char **texts = arena_array(arena, anchors + 1, sizeof(char *));
  size_t *lens = arena_array(arena, anchors + 1, sizeof(size_t));
  pf->anchor_clause = arena_array(arena, anchors + 1, sizeof(uint32_t));
  pf->clause_rule = arena_array(arena, pf->clause_count + 1, sizeof(uint32_t));
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
  size_t *scanned_lens = arena_array(arena, pf->text_count + 1, sizeof(size_t)); /* 0: whole */
  for (size_t t = 0; t < pf->text_count; t++) {
    if (whole_text(text_at[t]))
      continue;
    scanned_lens[t] = text_lens[t];
    pf->longest = text_lens[t] > pf->longest ? text_lens[t] : pf->longest;
    pf->shortest = !pf->shortest || text_lens[t] < pf->shortest ? text_lens[t] : pf->shortest;
  }
  file_bits(pf, arena);
  pf->grams = grams_build(arena, text_at, scanned_lens, pf->text_count);
  pf->arena = arena;
  pf->text_at = text_at;
  pf->text_lens = text_lens;
  file_wholes(pf, arena);
  pf->keyword_rules = arena_array(arena, pf->found_words, sizeof(uint64_t));
  pf->keyword_words = arena_array(arena, pf->found_words, sizeof(uint32_t));
  pf->set_rules = arena_array(arena, pf->found_words, sizeof(uint64_t));
  for (size_t r = 0; whole_event && r < count; r++)
    pf->keyword_rules[r / 64] |= (uint64_t)whole_event[r] << (r % 64);
  for (size_t w = 0; w < pf->found_words; w++)
    if (pf->keyword_rules[w])
      pf->keyword_words[pf->keyword_word_count++] = (uint32_t)w;
  if (pf->keyword_word_count)
    pf->keywords = build_subset(pf, arena, pf->keyword_rules, NULL, pf->text_count);
  pf->numbers = build_subset(pf, arena, NULL, NULL, pf->text_count);
  if (pf->keywords.grams)
    pf->last = arena_array(arena, LAST_SLOTS, sizeof(LastValue));
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

/* A text found in the event: the first time, the clauses of its anchors hold. */
static void found_text(Prefilter *pf, uint32_t text) {
  if (pf->text_stamp[text] == pf->scan)
    return;
  pf->text_stamp[text] = pf->scan;
  for (uint32_t k = pf->bit_first[text]; k < pf->bit_first[text + 1]; k++)
    pf->held[pf->bit_word[k]] |= pf->bit_mask[k];
}

/* Adds text to list[0..*count) (MEMO_TEXTS at most) unless it is there; false when it does
 * not fit. */
static bool note_text(uint32_t *list, size_t *count, uint32_t text) {
  for (size_t i = 0; i < *count; i++)
    if (list[i] == text)
      return true;
  if (*count == MEMO_TEXTS)
    return false;
  list[(*count)++] = text;
  return true;
}

/* A text found by a scan of a value: noted for the memo too. */
static void heard_text(Prefilter *pf, uint32_t text) {
  if (!note_text(pf->heard, &pf->heard_count, text))
    pf->heard_all = false;
  found_text(pf, text);
}

static bool found_by_grams(uint32_t id, size_t end, void *context) {
  (void)end;
  heard_text(context, id);
  return false;
}

/* A text found by a scan of a whole value, noted also as its head's when it ends there. */
static bool found_with_head(uint32_t id, size_t end, void *context) {
  Prefilter *pf = context;
  heard_text(pf, id);
  if (end <= pf->split && !note_text(pf->head, &pf->head_count, id))
    pf->head_all = false;
  return false;
}

/* A text found by a scan of a value's tail (from pf->from on): the ones ending in the head are
 * known already. */
static bool found_past_head(uint32_t id, size_t end, void *context) {
  Prefilter *pf = context;
  if (pf->from + end > pf->split)
    heard_text(pf, id);
  return false;
}

/* Where a value's head ends: past its last backslash (a folder's path, a registry key's), when
 * that leaves a head of PREFIX_MIN bytes and a tail; 0 when it has none. Values that miss the
 * memo are mostly new names in known folders. */
static size_t head_end(const char *text, size_t len) {
  for (size_t i = len - 1; i >= PREFIX_MIN; i--)
    if (text[i - 1] == '\\')
      return i;
  return 0;
}

/* A scan of a subset's texts. */
typedef struct SubsetScan {
  Prefilter *pf;
  const Subset *subset;
} SubsetScan;

static bool found_in_subset(uint32_t id, size_t end, void *context) {
  (void)end;
  SubsetScan *scan = context;
  heard_text(scan->pf, scan->subset->text[id]);
  return false;
}

/* text[0..len) searched for a subset's texts. */
static void scan_subset(Prefilter *pf, const Subset *subset, const char *text, size_t len) {
  SubsetScan scan = {pf, subset};
  if (subset->grams)
    grams_scan(subset->grams, text, len, found_in_subset, &scan);
}

void prefilter_begin(Prefilter *pf) {
  if (++pf->scan == 0) { /* the stamps wrapped around: start them again */
    memset(pf->text_stamp, 0, pf->text_count * sizeof(uint32_t));
    pf->scan = 1;
  }
  pf->pending_count = 0;
  pf->unread_count = 0;
  memcpy(pf->held, pf->held_at_start, pf->found_words * pf->clause_slots * sizeof(uint64_t));
}

/* The texts of a value the memo has not seen, into pf->heard (and found): when its head is
 * remembered, the head's texts and a scan of the rest (from where a text ending past the head can
 * start); else a scan of it all, its head's texts remembered. */
static void scan_value(Prefilter *pf, const Pending *v) {
  size_t split = v->len > PREFIX_MIN ? head_end(v->text, v->len) : 0;
  if (!split) {
    grams_scan(pf->grams, v->text, v->len, found_by_grams, pf);
    return;
  }
  pf->split = split;
  uint64_t hash = memo_hash(v->text, split, MEMO_PREFIX);
  size_t count;
  const uint32_t *texts = memo_find(pf->memo, hash, v->text, split, MEMO_PREFIX, &count);
  if (texts) {
    for (size_t k = 0; k < count; k++)
      heard_text(pf, texts[k]);
    pf->from = split + 1 > pf->longest ? split + 1 - pf->longest : 0;
    grams_scan(pf->grams, v->text + pf->from, v->len - pf->from, found_past_head, pf);
    return;
  }
  pf->head_count = 0;
  pf->head_all = true;
  grams_scan(pf->grams, v->text, v->len, found_with_head, pf);
  if (pf->head_all)
    memo_keep(pf->memo, hash, v->text, split, MEMO_PREFIX, pf->head, pf->head_count);
}

/* The texts of the pending values, in the order they were fed: remembered, or scanned for and
 * remembered. */
static void take_pending(Prefilter *pf) {
  for (size_t i = 0; i < pf->pending_count; i++) {
    const Pending *v = &pf->pending[i];
    size_t count;
    const uint32_t *texts =
        v->hash ? memo_find(pf->memo, v->hash, v->text, v->len, MEMO_VALUE, &count) : NULL;
    if (texts) { /* seen lately: its texts are known */
      if (v->misses)
        *v->misses = 0;
      for (size_t k = 0; k < count; k++)
        found_text(pf, texts[k]);
      continue;
    }
    if (v->misses && v->hash && *v->misses < NEW_IN_A_ROW)
      ++*v->misses;
    pf->heard_count = 0;
    pf->heard_all = true;
    scan_value(pf, v);
    if (v->hash && pf->heard_all)
      memo_keep(pf->memo, v->hash, v->text, v->len, MEMO_VALUE, pf->heard, pf->heard_count);
  }
  pf->pending_count = 0;
}

/* A value of one or two bytes: the whole-value text it is, if any. */
static void find_whole(Prefilter *pf, const char *text, size_t len) {
  if (!pf->wholes || len == 0 || len > sizeof pf->wholes->text)
    return;
  for (size_t at = whole_slot(text, len); pf->wholes[at].len; at = (at + 1) % WHOLE_SLOTS) {
    const Whole *w = &pf->wholes[at];
    if (w->len == len && w->text[0] == text[0] && (len == 1 || w->text[1] == text[1])) {
      found_text(pf, w->id);
      return;
    }
  }
}

void prefilter_feed_read(Prefilter *pf, const char *text, size_t len, uint8_t *misses) {
  if (len < ANCHOR_MIN)
    find_whole(pf, text, len);
  if (len < pf->shortest)
    return;
  if (pf->pending_count == PENDING_MAX)
    take_pending(pf);
  uint64_t hash = 0;
  if (misses && *misses >= NEW_IN_A_ROW && ++pf->always_new % RETRY_EVERY != 0) {
    pf->skipped++;
  } else {
    hash = memo_hash(text, len, MEMO_VALUE);
    memo_prefetch(pf->memo, hash);
  }
  pf->pending[pf->pending_count++] = (Pending){text, len, hash, misses};
}

void prefilter_feed(Prefilter *pf, const char *text, size_t len, bool read) {
  if (read)
    prefilter_feed_read(pf, text, len, NULL);
  else
    prefilter_feed_unread(pf, NULL, 0, text, len);
}

/* An unread value searched for the texts of a keyword scanner. */
static void search_unread(Prefilter *pf, const Subset *subset, const Unread *u) {
  if (u->len < subset->shortest)
    return;
  if (!u->key_len || u->len > LAST_TEXT || grams_stride(subset->grams) >= LAST_STRIDE) {
    /* the few keyword texts: a scan whose tables stay in the cache beats a look-up in the memo,
     * and one that looks at every fourth byte or fewer a compare with the last value */
    scan_subset(pf, subset, u->text, u->len);
    return;
  }
  /* most such values are their key's last one (a provider's name, a schema's address): a
   * compare in a table that stays in the cache instead of a scan; the key only says where to
   * look, the texts found depend on the value alone (and the scanner) */
  const char *key = u->key;
  size_t key_len = u->key_len, len = u->len;
  uint32_t mix = (uint32_t)key_len * 0x9E3779B1u ^ (uint8_t)key[0] * 0x85EBCA77u ^
                 (uint8_t)key[key_len / 2] * 0xC2B2AE3Du ^ (uint8_t)key[key_len - 1];
  LastValue *last = &pf->last[(mix * 0x27D4EB2Fu) >> 24];
  if (last->len == len && last->scanner == subset->number &&
      memcmp(last->text, u->text, len) == 0) {
    for (uint32_t k = 0; k < last->count; k++)
      found_text(pf, last->texts[k]);
    return;
  }
  pf->heard_count = 0;
  pf->heard_all = true;
  scan_subset(pf, subset, u->text, len);
  last->len = 0;
  if (!pf->heard_all || pf->heard_count > LAST_TEXTS)
    return;
  memcpy(last->texts, pf->heard, pf->heard_count * sizeof(uint32_t));
  memcpy(last->text, u->text, len);
  last->count = (uint32_t)pf->heard_count;
  last->scanner = subset->number;
  last->len = (uint32_t)len;
}

static void free_set(void *set) { arena_free(&((KeywordSet *)set)->arena); }

/* The scanner of the keyword texts of the keyword rules allowed leaves (kept, or made now);
 * NULL when it leaves none. */
static const Subset *keyword_scanner(Prefilter *pf, const uint64_t *allowed) {
  bool any = false;
  for (size_t i = 0; i < pf->keyword_word_count; i++) {
    uint32_t w = pf->keyword_words[i];
    pf->set_rules[i] = allowed[w] & pf->keyword_rules[w];
    any |= pf->set_rules[i] != 0;
  }
  if (!any)
    return NULL;
  size_t bytes = pf->keyword_word_count * sizeof(uint64_t);
  for (size_t k = 0; k < KEYWORD_SETS; k++)
    if (pf->sets[k].used && memcmp(pf->sets[k].rules, pf->set_rules, bytes) == 0)
      return &pf->sets[k].subset;
  KeywordSet *set = &pf->sets[pf->next_set++ % KEYWORD_SETS];
  if (set->used)
    arena_free(&set->arena);
  else
    arena_on_free(pf->arena, free_set, set); /* the prefilter's end frees the last one */
  arena_init(&set->arena);
  set->used = true;
  set->rules = arena_alloc(&set->arena, bytes);
  memcpy(set->rules, pf->set_rules, bytes);
  uint64_t *rules = arena_array(&set->arena, pf->found_words, sizeof(uint64_t)); /* by word */
  for (size_t i = 0; i < pf->keyword_word_count; i++)
    rules[pf->keyword_words[i]] = pf->set_rules[i];
  set->subset = build_subset(pf, &set->arena, rules, pf->keywords.text, pf->keywords.count);
  return &set->subset;
}

/* The event's unread values, searched for the keyword texts of the rules allowed leaves (NULL:
 * every keyword rule). */
static void take_unread(Prefilter *pf, const uint64_t *allowed) {
  const Subset *subset = allowed ? keyword_scanner(pf, allowed) : &pf->keywords;
  for (size_t i = 0; subset && subset->grams && i < pf->unread_count; i++)
    search_unread(pf, subset, &pf->unread[i]);
  pf->unread_count = 0;
}

void prefilter_feed_unread(Prefilter *pf, const char *key, size_t key_len, const char *text,
                           size_t len) {
  if (!pf->keywords.grams || len < pf->keywords.shortest)
    return;
  if (pf->unread_count == UNREAD_MAX) /* many: those so far searched for every keyword text */
    take_unread(pf, NULL);
  pf->unread[pf->unread_count++] = (Unread){key, text, key_len, len};
}

void prefilter_feed_number(Prefilter *pf, const char *text, size_t len) {
  if (len >= ANCHOR_MIN) /* a few texts: no memo (process IDs and record numbers seldom repeat) */
    scan_subset(pf, &pf->numbers, text, len);
  else
    find_whole(pf, text, len);
}

size_t prefilter_end(Prefilter *pf, const uint64_t *allowed, uint32_t *out) {
  take_pending(pf);
  take_unread(pf, allowed);
  size_t n = 0, slots = pf->clause_slots; /* the candidates in ascending order */
  for (size_t w = 0; w < pf->found_words; w++) {
    uint64_t bits = allowed ? allowed[w] : ~(uint64_t)0;
    for (size_t j = 0; j < slots && bits; j++) /* most words are out after a clause or two */
      bits &= pf->held[w * slots + j];
    for (; bits; bits &= bits - 1)
      out[n++] = (uint32_t)(w * 64 + lowest_bit(bits));
  }
  return n;
}

size_t prefilter_candidates(Prefilter *pf, const char *text, size_t len, uint32_t *out) {
  prefilter_begin(pf);
  prefilter_feed(pf, text, len, true);
  return prefilter_end(pf, NULL, out);
}

size_t prefilter_unanchored(const Prefilter *pf) { return pf->unanchored_count; }
size_t prefilter_skipped(const Prefilter *pf) { return pf->skipped; }
size_t prefilter_anchor_count(const Prefilter *pf) { return pf->anchor_count; }
size_t prefilter_bytes(const Prefilter *pf) {
  return grams_bytes(pf->grams) + (pf->keywords.grams ? grams_bytes(pf->keywords.grams) : 0) +
         (pf->numbers.grams ? grams_bytes(pf->numbers.grams) : 0) + memo_bytes(pf->memo);
}
