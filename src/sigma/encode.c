/* Value encodings of the Sigma transformation modifiers (contracts in encode.h).
 *
 * pySigma is the reference. Read for this file (SigmaHQ/pySigma): sigma/modifiers.py
 * (SigmaBase64OffsetModifier, _base64_input_bytes, SigmaWideModifier, SigmaUTF16*Modifier,
 * SigmaWindowsDashModifier), sigma/types.py (SigmaString.replace_with_placeholder and
 * replace_placeholders, which carry out windash), tests/test_modifiers.py (the test vectors reused
 * in tests/test_encode.c). Where we differ, the comment at the function says so. */
#include "sigma/encode.h"

#include <stdint.h>
#include <string.h>

/* ---- UTF-8 to UTF-16 ------------------------------------------------------------------------ */

/* What a UTF-8 lead byte announces (RFC 3629 §4): the sequence length and the range allowed for
 * the second byte, which is where overlongs, surrogates and code points above U+10FFFF show. */
typedef struct Utf8Lead {
  size_t len;       /* 1..4; 0: the byte cannot start a sequence */
  unsigned char lo; /* allowed second bytes, len >= 2 */
  unsigned char hi;
  const char *narrow; /* why a continuation byte outside lo..hi is wrong */
} Utf8Lead;

static Utf8Lead utf8_lead(unsigned char b) {
  if (b < 0x80)
    return (Utf8Lead){1, 0, 0, NULL};
  if (b >= 0xC2 && b <= 0xDF)
    return (Utf8Lead){2, 0x80, 0xBF, NULL};
  if (b == 0xE0)
    return (Utf8Lead){3, 0xA0, 0xBF, "overlong encoding"};
  if (b == 0xED)
    return (Utf8Lead){3, 0x80, 0x9F, "encoded surrogate"};
  if (b >= 0xE1 && b <= 0xEF)
    return (Utf8Lead){3, 0x80, 0xBF, NULL};
  if (b == 0xF0)
    return (Utf8Lead){4, 0x90, 0xBF, "overlong encoding"};
  if (b >= 0xF1 && b <= 0xF3)
    return (Utf8Lead){4, 0x80, 0xBF, NULL};
  if (b == 0xF4)
    return (Utf8Lead){4, 0x80, 0x8F, "code point above U+10FFFF"};
  return (Utf8Lead){0, 0, 0, NULL};
}

/* Why byte b cannot start a sequence. */
static const char *bad_lead(unsigned char b) {
  if (b <= 0xBF)
    return "unexpected continuation byte";
  if (b <= 0xC1)
    return "overlong encoding";
  if (b <= 0xF7)
    return "code point above U+10FFFF";
  return "invalid byte";
}

/* Decodes the sequence starting at s (avail >= 1 bytes readable) into *cp. Returns its length in
 * bytes, or 0 with *why set when it is not well-formed UTF-8. */
static size_t decode_utf8(const unsigned char *s, size_t avail, uint32_t *cp, const char **why) {
  Utf8Lead lead = utf8_lead(s[0]);
  if (lead.len == 0) {
    *why = bad_lead(s[0]);
    return 0;
  }
  if (lead.len == 1) {
    *cp = s[0];
    return 1;
  }
  uint32_t value = s[0] & (0x7Fu >> lead.len);
  for (size_t i = 1; i < lead.len; i++) {
    if (i >= avail) {
      *why = "truncated sequence";
      return 0;
    }
    if (s[i] < 0x80 || s[i] > 0xBF) {
      *why = "missing continuation byte";
      return 0;
    }
    if (i == 1 && (s[1] < lead.lo || s[1] > lead.hi)) {
      *why = lead.narrow;
      return 0;
    }
    value = value << 6 | (s[i] & 0x3Fu);
  }
  *cp = value;
  return lead.len;
}

/* Writes one UTF-16 code unit in the byte order of kind; returns the bytes written. */
static size_t put_unit(unsigned char *dst, uint32_t unit, EncUtf16 kind) {
  unsigned char high = (unsigned char)(unit >> 8), low = (unsigned char)(unit & 0xFF);
  switch (kind) {
  case ENC_UTF16BE:
    dst[0] = high;
    dst[1] = low;
    break;
  case ENC_UTF16LE:
  case ENC_UTF16_BOM:
    dst[0] = low;
    dst[1] = high;
    break;
  }
  return 2;
}

/* Writes cp as one code unit or, above U+FFFF, a surrogate pair; returns the bytes written. */
static size_t put_code_point(unsigned char *dst, uint32_t cp, EncUtf16 kind) {
  if (cp < 0x10000)
    return put_unit(dst, cp, kind);
  cp -= 0x10000;
  put_unit(dst, 0xD800 | cp >> 10, kind);
  put_unit(dst + 2, 0xDC00 | (cp & 0x3FF), kind);
  return 4;
}

/* pySigma encodes with item.encode("utf-16le").decode("utf-8"), which fails unless the UTF-16
 * bytes happen to be valid UTF-8, so it refuses nearly every non-ASCII value. We encode any valid
 * UTF-8: a value pySigma accepts gives the same bytes here. */
bool enc_utf16(Arena *arena, const char *in, size_t len, EncUtf16 kind, char **out, size_t *out_len,
               const char **error) {
  const unsigned char *s = (const unsigned char *)in;
  /* UTF-8 sequences of 1, 2, 3, 4 bytes give 2, 2, 2, 4 bytes: at most twice the input, plus the
   * byte-order mark and a NUL. */
  unsigned char *buf = arena_array(arena, len + 2, 2);
  size_t n = 0;
  if (kind == ENC_UTF16_BOM)
    n += put_unit(buf, 0xFEFF, ENC_UTF16LE);
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    const char *why = NULL;
    size_t used = decode_utf8(s + i, len - i, &cp, &why);
    if (used == 0) {
      *out = NULL;
      *out_len = 0;
      *error = arena_printf(arena, "invalid UTF-8 at byte %zu: %s", i, why);
      return false;
    }
    n += put_code_point(buf + n, cp, kind);
    i += used;
  }
  *out = (char *)buf;
  *out_len = n;
  return true;
}

/* ---- Base64 --------------------------------------------------------------------------------- */

static const char BASE64_ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Characters in the padded encoding of len bytes (written so that len + 2 cannot overflow). */
static size_t base64_size(size_t len) { return (len / 3 + (len % 3 != 0)) * 4; }

/* Writes the padded encoding of src[0..len) to dst (no NUL); returns base64_size(len). */
static size_t base64_into(char *dst, const unsigned char *src, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i += 3) {
    size_t rest = len - i;
    uint32_t group = (uint32_t)src[i] << 16;
    if (rest > 1)
      group |= (uint32_t)src[i + 1] << 8;
    if (rest > 2)
      group |= src[i + 2];
    dst[n++] = BASE64_ALPHABET[group >> 18 & 63];
    dst[n++] = BASE64_ALPHABET[group >> 12 & 63];
    dst[n++] = rest > 1 ? BASE64_ALPHABET[group >> 6 & 63] : '=';
    dst[n++] = rest > 2 ? BASE64_ALPHABET[group & 63] : '=';
  }
  return n;
}

char *enc_base64(Arena *arena, const char *in, size_t len) {
  char *out = arena_alloc(arena, base64_size(len) + 1);
  base64_into(out, (const unsigned char *)in, len);
  return out;
}

/* One base64offset value: the value behind `shift` filler bytes, encoded, then cut to the
 * characters that depend on the value's bytes alone. This is pySigma's
 *
 *   b64encode(i * b" " + data)[start_offsets[i] : end_offsets[(len(data) + i) % 3]]
 *   start_offsets = (0, 2, 3), end_offsets = (None, -3, -2)
 *
 * Head: 1 filler byte fills character 0 and 2 bits of character 1, 2 filler bytes fill
 * characters 0-1 and 4 bits of character 2, hence 2 and 3 characters dropped (so the filler's
 * value never shows). Tail, by the length n = len + shift: n % 3 == 1 ends in "XY==" where Y holds
 * 2 bits of the last byte and 4 bits of whatever follows, so "Y==" goes (3 characters); n % 3 == 2
 * ends in "XYZ=" where Z is half unknown, so "Z=" goes (2). The cut is made on the padded
 * encoding: '=' is never stripped first (that would cut real characters too), and no result keeps
 * a '='. Python's slice of a too-short string is empty, hence the clamp of start.
 *
 * len is the byte count, as in current pySigma ("the cut depends on the encoded byte length, not
 * the character count"); releases before that fix used the SigmaString's character count, which
 * differs for non-ASCII values. Current pySigma also rewrites the U+FEFF its utf16 modifier
 * prepends into FF FE before encoding (_base64_input_bytes); ENC_UTF16_BOM writes FF FE directly,
 * so the same bytes are encoded. */
static char *offset_variant(Arena *arena, const char *in, size_t len, size_t shift, size_t *n) {
  static const size_t drop_head[3] = {0, 2, 3}; /* by shift */
  static const size_t drop_tail[3] = {0, 3, 2}; /* by (len + shift) % 3 */
  size_t blob_len = shift + len;
  unsigned char *blob = arena_alloc(arena, blob_len);
  memset(blob, ' ', shift);
  if (len)
    memcpy(blob + shift, in, len);
  char *encoded = arena_alloc(arena, base64_size(blob_len) + 1);
  size_t end = base64_into(encoded, blob, blob_len) - drop_tail[blob_len % 3];
  size_t start = drop_head[shift] < end ? drop_head[shift] : end;
  encoded[end] = '\0';
  *n = end - start;
  return encoded + start;
}

void enc_base64offset(Arena *arena, const char *in, size_t len, char *out[3], size_t out_len[3]) {
  for (size_t shift = 0; shift < 3; shift++)
    out[shift] = offset_variant(arena, in, len, shift, &out_len[shift]);
}

/* ---- windash -------------------------------------------------------------------------------- */

/* The spellings of a switch character, in pySigma's order. pySigma 1.x (SigmaWindowsDashModifier)
 * yields these same five; older releases yielded only '-' and '/'. */
static const struct {
  const char *text;
  size_t len;
} DASHES[] = {
    {"-", 1},
    {"/", 1},
    {"\xE2\x80\x93", 3}, /* U+2013 en dash */
    {"\xE2\x80\x94", 3}, /* U+2014 em dash */
    {"\xE2\x80\x95", 3}, /* U+2015 horizontal bar */
};
enum { DASH_COUNT = sizeof DASHES / sizeof DASHES[0], DASH_MAX_LEN = 3 };

/* s as one run of cells, one per literal byte or wildcard, so that the neighbours of a byte are
 * its index neighbours even across segment boundaries. */
typedef struct Cells {
  unsigned char *bytes; /* the literal byte; 0 in a wildcard cell */
  IrSegmentKind *kinds; /* kind of the segment the cell came from */
  size_t len;
  size_t segments_max; /* segments a variant can need: two per wildcard, plus one */
} Cells;

/* Positions (cell indexes, ascending) of the switch characters. */
typedef struct Switches {
  size_t *at;
  size_t count;
} Switches;

/* One variant being written: literal bytes go to text, a literal segment closes at a wildcard. */
typedef struct Builder {
  char *text; /* every literal of the variant, each followed by a NUL */
  size_t used;
  size_t run; /* where the open literal starts in text */
  IrSegment *segs;
  size_t count;
} Builder;

static size_t segment_cells(const IrSegment *seg) {
  switch (seg->kind) {
  case IR_SEG_LITERAL:
    return seg->len;
  case IR_SEG_ANY:
  case IR_SEG_ONE:
    return 1;
  }
  return 0;
}

static Cells flatten(Arena *arena, const IrString *s) {
  Cells cells = {0};
  for (size_t i = 0; i < s->count; i++) {
    cells.len += segment_cells(&s->segs[i]);
    cells.segments_max += s->segs[i].kind == IR_SEG_LITERAL ? 0 : 2;
  }
  cells.segments_max += 1;
  cells.bytes = arena_alloc(arena, cells.len);
  cells.kinds = arena_array(arena, cells.len, sizeof *cells.kinds);
  size_t at = 0;
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    size_t n = segment_cells(seg);
    if (seg->kind == IR_SEG_LITERAL && n)
      memcpy(cells.bytes + at, seg->text, n);
    for (size_t j = 0; j < n; j++)
      cells.kinds[at + j] = seg->kind;
    at += n;
  }
  return cells;
}

/* Python's \w restricted to ASCII; a wildcard or the string's edges are not word characters. */
static bool is_word(const Cells *cells, size_t i) {
  if (i >= cells->len || cells->kinds[i] != IR_SEG_LITERAL)
    return false;
  unsigned char c = cells->bytes[i];
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* pySigma's \B[-/]\b at cell i. pySigma runs re.finditer over each plain-string part of the
 * SigmaString on its own (types.py, replace_with_placeholder), so a part's edges, next to a
 * wildcard or at either end, count as non-word: the same as here. Its \w is Unicode-aware while
 * ours is ASCII, so a dash touching a non-ASCII letter or digit differs: 'é-x' has a switch here
 * and not in pySigma, '-é' has one in pySigma and not here. */
static bool is_switch(const Cells *cells, size_t i) {
  if (cells->kinds[i] != IR_SEG_LITERAL || (cells->bytes[i] != '-' && cells->bytes[i] != '/'))
    return false;
  return !(i > 0 && is_word(cells, i - 1)) && is_word(cells, i + 1);
}

static Switches find_switches(Arena *arena, const Cells *cells) {
  Switches sw = {arena_array(arena, cells->len, sizeof *sw.at), 0};
  for (size_t i = 0; i < cells->len; i++)
    if (is_switch(cells, i))
      sw.at[sw.count++] = i;
  return sw;
}

/* 5^switches into *total, or false when it exceeds max (checked before multiplying, so no
 * overflow). */
static bool count_variants(size_t switches, size_t max, size_t *total) {
  size_t n = 1;
  for (size_t i = 0; i < switches; i++) {
    if (n > max / DASH_COUNT)
      return false;
    n *= DASH_COUNT;
  }
  *total = n;
  return n <= max;
}

static void end_literal(Builder *b) {
  if (b->used == b->run)
    return;
  b->segs[b->count++] = (IrSegment){IR_SEG_LITERAL, b->text + b->run, b->used - b->run};
  b->text[b->used++] = '\0';
  b->run = b->used;
}

static void put_bytes(Builder *b, const char *bytes, size_t len) {
  memcpy(b->text + b->used, bytes, len);
  b->used += len;
}

/* The variant in which switch j is written as DASHES[dash[j]]. */
static IrString build_variant(Arena *arena, const Cells *cells, const Switches *sw,
                              const unsigned char *dash) {
  Builder b = {0};
  b.text = arena_alloc(arena, cells->len * DASH_MAX_LEN + cells->segments_max + 1);
  b.segs = arena_array(arena, cells->segments_max, sizeof *b.segs);
  size_t next = 0;
  for (size_t i = 0; i < cells->len; i++) {
    if (cells->kinds[i] != IR_SEG_LITERAL) {
      end_literal(&b);
      b.segs[b.count++] = (IrSegment){cells->kinds[i], NULL, 0};
    } else if (next < sw->count && sw->at[next] == i) {
      put_bytes(&b, DASHES[dash[next]].text, DASHES[dash[next]].len);
      next++;
    } else {
      put_bytes(&b, (const char *)&cells->bytes[i], 1);
    }
  }
  end_literal(&b);
  return (IrString){b.count ? b.segs : NULL, b.count};
}

/* Steps the dash choice to the next variant, the rightmost switch fastest: the order of pySigma's
 * replace_placeholders, which recurses on the suffix after the leftmost placeholder. */
static void next_choice(unsigned char *dash, size_t n) {
  for (size_t j = n; j-- > 0;) {
    if (++dash[j] < DASH_COUNT)
      return;
    dash[j] = 0;
  }
}

size_t enc_windash(Arena *arena, const IrString *s, size_t max_variants, IrString **out,
                   const char **error) {
  Cells cells = flatten(arena, s);
  Switches sw = find_switches(arena, &cells);
  size_t total = 0;
  if (!count_variants(sw.count, max_variants, &total)) {
    *out = NULL;
    *error = arena_printf(arena,
                          "the value would expand into 5^%zu variants, more than the limit of %zu",
                          sw.count, max_variants);
    return 0;
  }
  IrString *variants = arena_array(arena, total, sizeof *variants);
  unsigned char *dash = arena_alloc(arena, sw.count);
  for (size_t v = 0; v < total; v++) {
    variants[v] = build_variant(arena, &cells, &sw, dash);
    next_choice(dash, sw.count);
  }
  *out = variants;
  return total;
}
