/* Literals found through their rarest grams. */
#include "eval/grams.h"

#include "eval/aho.h"

#include "base/swar.h"

#include <stdlib.h>
#include <string.h>

enum {
  GRAM_MAX = 4,         /* bytes in a gram: one 32-bit word */
  FILTER_BITS_MAX = 16, /* 2^16 words of 32 bits, 256 KB */
  FILTER_BITS_MIN = 10, /* a few literals get a filter of 4 KB, which stays in the L1 cache */
  SLOT_MAX = 32, /* literals filed under one gram: past this, a position costs too many compares */
  PREFIX_MAX = 16,    /* bytes of a literal kept where it is filed */
  OFFSET_MAX = 65535, /* a gram starts at most this far into its literal */
  WIDE = 8,           /* bytes from a gram by which the wide filter tells its literals */
};

/* A literal filed under a gram that starts offset bytes into it, with its first bytes: most
 * literals are compared without a look elsewhere. */
typedef struct Filed {
  uint16_t offset;
  uint8_t prefix_len; /* bytes of the literal in prefix */
  uint32_t literal, len;
  char prefix[PREFIX_MAX]; /* lower-cased */
} Filed;

/* A gram literals are filed under: theirs are filed[first .. first + count). */
typedef struct Head {
  uint32_t gram;
  uint8_t size;  /* the gram's; 0: an empty entry */
  uint8_t count; /* SLOT_MAX at most */
  uint32_t first;
} Head;

struct Grams {
  /* Grams of three and four bytes filed for a literal that ends within eight bytes of them: per
   * hash of a gram's first three bytes, bit 16 for a three-byte gram, bit (fourth byte & 15) for
   * a four-byte one. 2^filter_bits words, eight or more per such gram. NULL when there are no
   * grams of three or four bytes. */
  uint32_t *filter;
  unsigned filter_bits;
  /* The other four-byte grams (most: a literal of eight bytes or more is filed under one of its
   * first len - 7): a bit per hash of the eight bytes from the gram in its literal, 2^wide_bits
   * bits, thirty-two or more per gram. A position of a hash or of a new name often starts a
   * gram some literal has, seldom the eight bytes: the 5,600 hashes among the corpus's anchors
   * held every fifth position of a hash value by its four bytes. Set with filter. */
  uint64_t *wide;
  unsigned wide_bits;
  size_t wide_count;       /* literals filed in it */
  uint64_t *short_bits[3]; /* grams of one and two bytes (literals that short): a bit per gram */
  bool short_high;         /* every such gram starts with a byte from 0x80: ASCII text holds none */
  Head *heads; /* open addressing on (gram, size), half of it free: a look-up for a gram nobody
                  filed (most) ends soon, and one for a gram with thirty-two literals does not
                  pass others' on its way */
  size_t head_mask;
  Filed *filed; /* the literals, a gram's one after another */
  size_t filed_count;
  char **literals; /* lower-cased copies */
  uint32_t *lens;
  int32_t *same_next; /* the next literal of the same text (only the first of them is filed), -1 */
  size_t stride;      /* the positions looked at: every one, or every stride-th (sampled) */
  Aho *overflow;      /* the literals whose every gram was full (such as "aaaaa", "aaaaaa", ...
                         when 32 others hold only "aaaa"), or NULL: scanned the linear way */
  uint32_t *overflow_literal; /* overflow's id -> literal */
};

static uint8_t lower(uint8_t c) { return (uint8_t)(c + ((unsigned)(c - 'A') < 26u ? 0x20 : 0)); }

/* The up to four bytes at p (of which avail remain), lower-cased, first byte lowest; missing
 * bytes are 0. Written byte by byte so that the word is the same on every byte order. */
static uint32_t word_at(const char *p, size_t avail) {
  uint32_t w = 0;
  for (size_t i = 0; i < GRAM_MAX && i < avail; i++)
    w |= (uint32_t)lower((uint8_t)p[i]) << (8 * i);
  return w;
}

/* The filter's word for a gram's first three bytes (the low 24 bits of gram). */
static uint32_t filter_hash(const Grams *gr, uint32_t gram) {
  return (uint32_t)((gram & 0xffffffu) * 2654435761u) >> (32 - gr->filter_bits);
}

static uint32_t filter_bit(uint32_t gram, uint32_t size) {
  return size == 3 ? 1u << 16 : 1u << (gram >> 24 & 15);
}

static size_t wide_hash(const Grams *gr, uint64_t eight) {
  return (size_t)((eight * 0x9E3779B97F4A7C15ull) >> (64 - gr->wide_bits));
}

static bool wide_has(const Grams *gr, uint64_t eight) {
  size_t h = wide_hash(gr, eight);
  return gr->wide[h / 64] >> (h % 64) & 1;
}

static uint64_t slot_key(uint32_t gram, uint32_t size) { return (uint64_t)size << 32 | gram; }

static size_t slot_hash(uint64_t key, size_t mask) {
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

/* ---- choosing each literal's gram --------------------------------------------------------- */

/* A power of two at least twice n: an open-addressing table stays at most half full. */
static size_t table_capacity(size_t n) {
  size_t capacity = 64;
  while (capacity < 2 * n)
    capacity *= 2;
  return capacity;
}

/* A count per slot key (never 0), by open addressing: how many literals hold each four-byte
 * gram, and how many are filed under each gram so far. */
typedef struct Counts {
  uint64_t *keys;
  uint32_t *counts;
  uint32_t *last; /* the literal that counted a key last, plus one: each counts once */
  size_t mask;
} Counts;

static void counts_init(Counts *c, Arena *scratch, size_t keys) {
  size_t capacity = table_capacity(keys);
  c->mask = capacity - 1;
  c->keys = arena_array(scratch, capacity, sizeof(uint64_t));
  c->counts = arena_array(scratch, capacity, sizeof(uint32_t));
  c->last = arena_array(scratch, capacity, sizeof(uint32_t));
}

/* The entry of key: its own, or the empty one it would take. */
static size_t counts_at(const Counts *c, uint64_t key) {
  size_t i = slot_hash(key, c->mask);
  while (c->keys[i] && c->keys[i] != key)
    i = (i + 1) & c->mask;
  return i;
}

static uint32_t count_of(const Counts *c, uint64_t key) {
  size_t i = counts_at(c, key);
  return c->keys[i] ? c->counts[i] : 0;
}

static void count_for(Counts *c, uint64_t key, size_t literal) {
  size_t i = counts_at(c, key);
  c->keys[i] = key;
  if (c->last[i] != literal + 1) {
    c->last[i] = (uint32_t)literal + 1;
    c->counts[i]++;
  }
}

/* How many literals hold each four-byte gram. */
static void count_grams(Arena *scratch, Counts *held, char *const *literals, const uint32_t *lens,
                        size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++)
    total += lens[i] > GRAM_MAX ? lens[i] - GRAM_MAX + 1 : 0;
  counts_init(held, scratch, total);
  for (size_t i = 0; i < count; i++)
    for (size_t p = 0; lens[i] > GRAM_MAX && p + GRAM_MAX <= lens[i]; p++)
      count_for(held, slot_key(word_at(literals[i] + p, GRAM_MAX), GRAM_MAX), i);
}

/* The gram literal is filed under: of those whose slot has room, one the wide filter tells by
 * the eight bytes from it when the literal has such, and of those the one fewest literals hold
 * (the last on a tie: literals end with what tells them apart more often than they begin with
 * it, "\\cmd.exe"). False when every slot it could go to is full. */
static bool choose_gram(const Counts *held, Counts *filed, const Grams *gr, size_t literal,
                        uint32_t *offset, uint64_t *key) {
  uint32_t len = gr->lens[literal], size = len < GRAM_MAX ? len : GRAM_MAX;
  uint32_t best_count = UINT32_MAX;
  bool found = false, best_long = false;
  for (uint32_t p = 0; p + size <= len && p <= OFFSET_MAX; p++) {
    uint64_t at = slot_key(word_at(gr->literals[literal] + p, size), size);
    uint32_t n = len > GRAM_MAX ? count_of(held, at) : 0;
    bool is_long = p + WIDE <= len;
    if ((best_long && !is_long) || (best_long == is_long && n > best_count) ||
        count_of(filed, at) >= SLOT_MAX)
      continue;
    best_count = n;
    best_long = is_long;
    *offset = p;
    *key = at;
    found = true;
  }
  if (found)
    count_for(filed, *key, literal);
  return found;
}

/* ---- literals of the same text ----------------------------------------------------------------
 */

/* A literal for sorting by text, ties by id (the lowest id of a text comes first). */
typedef struct ByText {
  const char *text;
  uint32_t len, id;
} ByText;

static int by_text(const void *a, const void *b) {
  const ByText *x = a, *y = b;
  if (x->len != y->len)
    return x->len < y->len ? -1 : 1;
  int c = memcmp(x->text, y->text, x->len);
  return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Chains the literals of one text through same_next, first the lowest id; first[i] says whether
 * literal i is the first of its text (the one filed). */
static void chain_same(Grams *gr, Arena *scratch, size_t count, bool *first) {
  ByText *order = arena_array(scratch, count + 1, sizeof(ByText));
  for (size_t i = 0; i < count; i++)
    order[i] = (ByText){gr->literals[i], gr->lens[i], (uint32_t)i};
  qsort(order, count, sizeof(ByText), by_text);
  for (size_t k = 0; k < count; k++) {
    uint32_t i = order[k].id;
    bool same = k > 0 && order[k - 1].len == order[k].len &&
                memcmp(order[k - 1].text, order[k].text, order[k].len) == 0;
    first[i] = !same;
    gr->same_next[i] = -1;
    if (same)
      gr->same_next[order[k - 1].id] = (int32_t)i;
  }
}

/* ---- filing -----------------------------------------------------------------------------------
 */

typedef struct Entry {
  uint64_t key;
  uint32_t literal, offset;
} Entry;

static int by_key(const void *a, const void *b) {
  uint64_t x = ((const Entry *)a)->key, y = ((const Entry *)b)->key;
  return x < y ? -1 : x > y;
}

/* Whether entry goes in the wide filter: a four-byte gram with eight bytes of its literal from
 * it. */
static bool wide_entry(const Grams *gr, const Entry *entry) {
  return entry->key >> 32 == GRAM_MAX && gr->lens[entry->literal] - entry->offset >= WIDE;
}

/* The filters' bits of the grams of entries[0..n): each gram's in filter, or the eight bytes
 * from it in its literal in the wide filter. */
static void set_filters(Grams *gr, Arena *arena, const Entry *entries, size_t n) {
  gr->wide_bits = 16;
  while (gr->wide_bits < 20 && ((size_t)1 << gr->wide_bits) < 32 * n)
    gr->wide_bits++;
  size_t narrow = 0; /* entries of three and four bytes in filter */
  for (size_t i = 0; i < n; i++)
    narrow += entries[i].key >> 32 >= 3 && !wide_entry(gr, &entries[i]);
  gr->filter_bits = FILTER_BITS_MIN;
  while (gr->filter_bits < FILTER_BITS_MAX && ((size_t)1 << gr->filter_bits) < 8 * narrow)
    gr->filter_bits++;
  for (size_t i = 0; i < n; i++) {
    uint32_t gram = (uint32_t)entries[i].key, size = (uint32_t)(entries[i].key >> 32);
    if (size < 3)
      continue; /* set_bit() has */
    if (!gr->filter) {
      gr->filter = arena_array(arena, (size_t)1 << gr->filter_bits, sizeof(uint32_t));
      gr->wide = arena_array(arena, ((size_t)1 << gr->wide_bits) / 64, sizeof(uint64_t));
    }
    if (!wide_entry(gr, &entries[i])) {
      gr->filter[filter_hash(gr, gram)] |= filter_bit(gram, size);
      continue;
    }
    uint64_t eight;
    gr->wide_count++;
    memcpy(&eight, gr->literals[entries[i].literal] + entries[i].offset, WIDE);
    size_t h = wide_hash(gr, eight);
    gr->wide[h / 64] |= (uint64_t)1 << (h % 64);
  }
}

/* The bit of a gram of one or two bytes (three and four: set_filters()). */
static void set_bit(Grams *gr, Arena *arena, uint32_t size, uint32_t gram) {
  if (size >= 3)
    return;
  if (!gr->short_bits[size])
    gr->short_bits[size] = arena_array(arena, 65536 / 64, sizeof(uint64_t));
  gr->short_bits[size][gram / 64] |= (uint64_t)1 << (gram % 64);
  gr->short_high &= (gram & 0xff) >= 0x80; /* the first byte is the word's lowest */
}

/* The tables of entries[0..n), sorted by key (a gram's literals come one after another). */
static void file_entries(Grams *gr, Arena *arena, const Entry *entries, size_t n) {
  size_t keys = 0;
  for (size_t i = 0; i < n; i++)
    keys += i == 0 || entries[i].key != entries[i - 1].key;
  gr->head_mask = table_capacity(keys) - 1;
  gr->heads = arena_array(arena, gr->head_mask + 1, sizeof(Head));
  gr->filed = arena_array(arena, n + 1, sizeof(Filed));
  gr->filed_count = n;
  for (size_t i = 0, end; i < n; i = end) {
    for (end = i; end < n && entries[end].key == entries[i].key; end++)
      ;
    size_t at = slot_hash(entries[i].key, gr->head_mask);
    while (gr->heads[at].size)
      at = (at + 1) & gr->head_mask;
    gr->heads[at] = (Head){(uint32_t)entries[i].key, (uint8_t)(entries[i].key >> 32),
                           (uint8_t)(end - i), (uint32_t)i};
  }
  for (size_t i = 0; i < n; i++) {
    Filed *f = &gr->filed[i];
    uint32_t len = gr->lens[entries[i].literal];
    f->prefix_len = (uint8_t)(len < PREFIX_MAX ? len : PREFIX_MAX);
    f->offset = (uint16_t)entries[i].offset;
    f->literal = entries[i].literal;
    f->len = len;
    memcpy(f->prefix, gr->literals[entries[i].literal], f->prefix_len);
  }
}

static void build_overflow(Grams *gr, Arena *arena, Arena *scratch, const uint32_t *ids,
                           size_t count) {
  const char **texts = arena_array(scratch, count, sizeof(char *));
  size_t *lens = arena_array(scratch, count, sizeof(size_t));
  gr->overflow_literal = arena_array(arena, count, sizeof(uint32_t));
  for (size_t i = 0; i < count; i++) {
    gr->overflow_literal[i] = ids[i];
    texts[i] = gr->literals[ids[i]];
    lens[i] = gr->lens[ids[i]];
  }
  gr->overflow = aho_build(arena, texts, lens, count);
}

/* A literal of a sampled scanner filed under its grams at its first stride offsets, into
 * entries[*n ..): all of them, or none (false) when a slot is full. */
static bool file_sampled(const Grams *gr, Counts *filed, size_t literal, size_t stride,
                         Entry *entries, size_t *n) {
  for (uint32_t p = 0; p < stride; p++)
    if (count_of(filed, slot_key(word_at(gr->literals[literal] + p, GRAM_MAX), GRAM_MAX)) >=
        SLOT_MAX)
      return false;
  for (uint32_t p = 0; p < stride; p++) {
    uint64_t key = slot_key(word_at(gr->literals[literal] + p, GRAM_MAX), GRAM_MAX);
    count_for(filed, key, literal);
    entries[(*n)++] = (Entry){key, (uint32_t)literal, p};
  }
  return true;
}

/* The shortest nonempty length of lens[0..count), or 0. */
static size_t shortest(const size_t *lens, size_t count) {
  size_t least = 0;
  for (size_t i = 0; i < count; i++)
    if (lens[i] && (!least || lens[i] < least))
      least = lens[i];
  return least;
}

static Grams *build(Arena *arena, const char *const *literals, const size_t *lens, size_t count,
                    size_t stride) {
  Grams *gr = arena_alloc(arena, sizeof *gr);
  gr->stride = stride;
  gr->short_high = true;
  gr->literals = arena_array(arena, count + 1, sizeof(char *));
  gr->lens = arena_array(arena, count + 1, sizeof(uint32_t));
  for (size_t i = 0; i < count; i++) {
    gr->lens[i] = (uint32_t)lens[i];
    gr->literals[i] = arena_alloc(arena, lens[i] + 1);
    for (size_t k = 0; k < lens[i]; k++)
      gr->literals[i][k] = (char)lower((uint8_t)literals[i][k]);
  }
  Arena scratch;
  arena_init(&scratch);
  gr->same_next = arena_array(arena, count + 1, sizeof(int32_t));
  bool *first = arena_array(&scratch, count + 1, sizeof(bool));
  chain_same(gr, &scratch, count, first);
  Counts held, filed;
  count_grams(&scratch, &held, gr->literals, gr->lens, count);
  counts_init(&filed, &scratch, stride * count);
  Entry *entries = arena_array(&scratch, stride * count + 1, sizeof(Entry));
  uint32_t *overflow = arena_array(&scratch, count + 1, sizeof(uint32_t));
  size_t n = 0, overflow_count = 0;
  for (size_t i = 0; i < count; i++) {
    uint32_t offset;
    uint64_t key;
    if (gr->lens[i] == 0 || !first[i])
      continue;
    if (stride > 1) {
      if (!file_sampled(gr, &filed, i, stride, entries, &n))
        overflow[overflow_count++] = (uint32_t)i;
      continue;
    }
    if (!choose_gram(&held, &filed, gr, i, &offset, &key)) {
      overflow[overflow_count++] = (uint32_t)i;
      continue;
    }
    set_bit(gr, arena, (uint32_t)(key >> 32), (uint32_t)key);
    entries[n++] = (Entry){key, (uint32_t)i, offset};
  }
  qsort(entries, n, sizeof(Entry), by_key);
  set_filters(gr, arena, entries, n);
  file_entries(gr, arena, entries, n);
  if (overflow_count)
    build_overflow(gr, arena, &scratch, overflow, overflow_count);
  arena_free(&scratch);
  return gr;
}

Grams *grams_build(Arena *arena, const char *const *literals, const size_t *lens, size_t count) {
  return build(arena, literals, lens, count, 1);
}

Grams *grams_build_sampled(Arena *arena, const char *const *literals, const size_t *lens,
                           size_t count) {
  size_t least = shortest(lens, count); /* a position every least - 3 bytes: a gram of four
                                           bytes at it lies within any occurrence */
  return build(arena, literals, lens, count, least >= GRAM_MAX + 2 ? least - GRAM_MAX + 1 : 1);
}

size_t grams_stride(const Grams *grams) { return grams->stride; }

size_t grams_wide_count(const Grams *grams) { return grams->wide_count; }

/* ---- scanning ----------------------------------------------------------------------------------
 */

static bool same_folded(const char *text, const char *folded, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t a, b;
    memcpy(&a, text + i, 8);
    memcpy(&b, folded + i, 8);
    if (swar_lower(a) != b)
      return false;
  }
  for (; i < len; i++)
    if (lower((uint8_t)text[i]) != (uint8_t)folded[i])
      return false;
  return true;
}

/* Reports every literal of first's text, ending at end; true when found asked to stop. */
static bool report(const Grams *gr, uint32_t first, size_t end,
                   bool (*found)(uint32_t, size_t, void *), void *context) {
  for (int32_t id = (int32_t)first; id >= 0; id = gr->same_next[id])
    if (found((uint32_t)id, end, context))
      return true;
  return false;
}

/* The literals filed under the gram of size at text[at]: each that occurs there is reported. */
static bool try_slot(const Grams *gr, const char *text, size_t len, size_t at, uint32_t gram,
                     uint32_t size, bool (*found)(uint32_t, size_t, void *), void *context) {
  const Head *h;
  for (size_t s = slot_hash(slot_key(gram, size), gr->head_mask);; s = (s + 1) & gr->head_mask) {
    h = &gr->heads[s];
    if (!h->size)
      return false;
    if (h->gram == gram && h->size == size)
      break;
  }
  for (const Filed *f = &gr->filed[h->first], *end = f + h->count; f < end; f++) {
    if (at < f->offset || at - f->offset + f->len > len)
      continue;
    size_t start = at - f->offset;
    if (same_folded(text + start, f->prefix, f->prefix_len) &&
        (f->len == f->prefix_len ||
         same_folded(text + start + f->prefix_len, gr->literals[f->literal] + f->prefix_len,
                     f->len - f->prefix_len)) &&
        report(gr, f->literal, start + f->len, found, context))
      return true;
  }
  return false;
}

/* The caller's callback, for the overflow automaton's ids. */
typedef struct Relay {
  const Grams *grams;
  bool (*found)(uint32_t id, size_t end, void *context);
  void *context;
  bool stopped; /* found returned true */
} Relay;

static bool relay(uint32_t id, size_t end, void *context) {
  Relay *r = context;
  r->stopped = report(r->grams, r->grams->overflow_literal[id], end, r->found, r->context);
  return r->stopped;
}

/* Whether text[0..len) holds a byte from 0x80, eight bytes at a time. */
static bool has_high_byte(const char *text, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8)
    if (swar_load(text + i) & SWAR_TOPS)
      return true;
  for (; i < len; i++)
    if ((unsigned char)text[i] >= 0x80)
      return true;
  return false;
}

/* Literals of one and two bytes, found bit by bit; true when found asked to stop. */
static bool scan_short(const Grams *gr, const char *text, size_t len,
                       bool (*found)(uint32_t, size_t, void *), void *context) {
  for (size_t at = 0; at < len; at++)
    for (uint32_t size = 1; size <= 2 && at + size <= len; size++) {
      uint32_t gram = word_at(text + at, size);
      if (gr->short_bits[size] && gr->short_bits[size][gram / 64] >> (gram % 64) & 1 &&
          try_slot(gr, text, len, at, gram, size, found, context))
        return true;
    }
  return false;
}

/* The position at of text: the grams starting there (word: its next four bytes, lower-cased,
 * of which only three when four is false; eight: its next eight, lower-cased, when has_eight)
 * looked up when a filter lets them; true when found asked to stop. */
static inline bool probe(const Grams *gr, const char *text, size_t len, size_t at, uint32_t word,
                         bool four, uint64_t eight, bool has_eight,
                         bool (*found)(uint32_t, size_t, void *), void *context) {
  uint32_t bits =
      gr->filter[filter_hash(gr, word)] & (filter_bit(word, 3) | (four ? filter_bit(word, 4) : 0));
  bool wide = has_eight && wide_has(gr, eight);
  if (!(bits | wide)) /* the usual case, and the better predicted for testing the bits alone */
    return false;
  if (bits & filter_bit(word, 3) &&
      try_slot(gr, text, len, at, word & 0xffffffu, 3, found, context))
    return true;
  if (!(wide || (bits & filter_bit(word, 4))))
    return false;
  return try_slot(gr, text, len, at, word, 4, found, context);
}

void grams_scan(const Grams *gr, const char *text, size_t len,
                bool (*found)(uint32_t id, size_t end, void *context), void *context) {
  if (gr->overflow) {
    Relay r = {gr, found, context, false};
    aho_scan(gr->overflow, text, len, relay, &r);
    if (r.stopped)
      return;
  }
  if ((gr->short_bits[1] || gr->short_bits[2]) && (!gr->short_high || has_high_byte(text, len)) &&
      scan_short(gr, text, len, found, context))
    return;
  if (!gr->filter)
    return;
  if (gr->stride > 1) { /* sampled: every literal's grams are of four bytes */
    for (size_t at = 0; at + GRAM_MAX <= len; at += gr->stride) {
      bool has_eight = at + WIDE <= len;
      uint64_t eight = has_eight ? swar_lower(swar_load(text + at)) : 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      uint32_t word = has_eight ? (uint32_t)eight : word_at(text + at, GRAM_MAX);
#else
      uint32_t word = word_at(text + at, GRAM_MAX);
#endif
      if (probe(gr, text, len, at, word, true, eight, has_eight, found, context))
        return;
    }
    return;
  }
  size_t at = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* eight positions from two loads of eight bytes folded at once: the eight bytes at at + i
   * are lo's from byte i on and hi's first i, first byte lowest as word_at() gives it */
  for (; at + 2 * WIDE <= len; at += WIDE) {
    uint64_t lo = swar_lower(swar_load(text + at)), hi = swar_lower(swar_load(text + at + WIDE));
    if (probe(gr, text, len, at, (uint32_t)lo, true, lo, true, found, context))
      return;
    for (unsigned i = 1; i < WIDE; i++) {
      uint64_t eight = lo >> (8 * i) | hi << (64 - 8 * i);
      if (probe(gr, text, len, at + i, (uint32_t)eight, true, eight, true, found, context))
        return;
    }
  }
#endif
  uint32_t word = word_at(text + at, len - at); /* the bytes at 'at', rolled on one at a time */
  for (; at + 3 <= len; at++, word >>= 8) {
    bool four = at + GRAM_MAX <= len;
    if (four)
      word |= (uint32_t)lower((uint8_t)text[at + GRAM_MAX - 1]) << 24;
    bool has_eight = at + WIDE <= len;
    if (probe(gr, text, len, at, word, four, has_eight ? swar_lower(swar_load(text + at)) : 0,
              has_eight, found, context))
      return;
  }
}

size_t grams_bytes(const Grams *gr) {
  size_t bytes = gr->filter ? ((size_t)1 << gr->filter_bits) * sizeof(uint32_t) : 0;
  bytes += gr->wide ? ((size_t)1 << gr->wide_bits) / 8 : 0;
  for (size_t size = 1; size <= 2; size++)
    bytes += gr->short_bits[size] ? 65536 / 8 : 0;
  bytes += (gr->head_mask + 1) * sizeof(Head) + gr->filed_count * sizeof(Filed);
  for (size_t i = 0; i < gr->filed_count; i++)
    bytes += gr->filed[i].len + 1 + sizeof(char *) + sizeof(uint32_t);
  return bytes;
}
