/* Unit tests of src/sigma/encode.c: UTF-16, Base64, base64offset and windash encodings.
 * Expected values come from RFC 4648 §10, pySigma's tests/test_modifiers.py and the spec notes
 * §5; the rest were computed with pySigma's own base64offset expression in Python. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sigma/encode.h"

static Arena arena;

static void setup(void) { arena_init(&arena); }
static void teardown(void) { arena_free(&arena); }

TestSuite(encode, .init = setup, .fini = teardown);

/* ---- helpers -------------------------------------------------------------------------------- */

/* Hex of bytes, for failure messages. */
static const char *hex(const char *bytes, size_t len) {
  char *out = arena_alloc(&arena, len * 3 + 1);
  for (size_t i = 0; i < len; i++)
    snprintf(out + i * 3, 4, "%02x ", (unsigned char)bytes[i]);
  return out;
}

static void assert_bytes(const char *got, size_t got_len, const char *want, size_t want_len) {
  cr_assert(got_len == want_len && memcmp(got, want, want_len) == 0, "got [%s], want [%s]",
            hex(got, got_len), hex(want, want_len));
}

/* utf16 of a string literal (sizeof - 1 keeps embedded NULs) must succeed and give want. */
#define ASSERT_UTF16(kind, in, want)                                                               \
  do {                                                                                             \
    char *out_ = NULL;                                                                             \
    size_t len_ = 0;                                                                               \
    const char *error_ = NULL;                                                                     \
    cr_assert(enc_utf16(&arena, in, sizeof(in) - 1, kind, &out_, &len_, &error_), "error: %s",     \
              error_);                                                                             \
    assert_bytes(out_, len_, want, sizeof(want) - 1);                                              \
  } while (0)

static IrString segments(size_t count, const IrSegment *segs) {
  IrSegment *copy = arena_array(&arena, count, sizeof *copy);
  memcpy(copy, segs, count * sizeof *copy);
  return (IrString){copy, count};
}

static IrSegment lit(const char *text) { return (IrSegment){IR_SEG_LITERAL, text, strlen(text)}; }
static IrSegment any(void) { return (IrSegment){IR_SEG_ANY, NULL, 0}; }

/* A Sigma-like pattern: '*' and '?' are wildcards, everything else literal (merged). */
static IrString pattern(const char *p) {
  size_t n = strlen(p);
  IrSegment *segs = arena_array(&arena, n, sizeof *segs);
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '*' || p[i] == '?') {
      segs[count++] = (IrSegment){p[i] == '*' ? IR_SEG_ANY : IR_SEG_ONE, NULL, 0};
    } else if (count && segs[count - 1].kind == IR_SEG_LITERAL) {
      segs[count - 1].len++;
    } else {
      segs[count++] = (IrSegment){IR_SEG_LITERAL, p + i, 1};
    }
  }
  return (IrString){segs, count};
}

/* The pattern text of s ('*' / '?' for wildcards), checking the IR invariants on the way:
 * adjacent literals merged, no empty literal, each literal NUL-terminated. */
static const char *render(const IrString *s) {
  size_t len = 0;
  for (size_t i = 0; i < s->count; i++)
    len += s->segs[i].kind == IR_SEG_LITERAL ? s->segs[i].len : 1;
  char *out = arena_alloc(&arena, len + 1);
  size_t at = 0;
  for (size_t i = 0; i < s->count; i++) {
    const IrSegment *seg = &s->segs[i];
    if (seg->kind != IR_SEG_LITERAL) {
      out[at++] = seg->kind == IR_SEG_ANY ? '*' : '?';
      continue;
    }
    cr_assert(seg->len > 0, "empty literal segment %zu", i);
    cr_assert(i == 0 || s->segs[i - 1].kind != IR_SEG_LITERAL, "unmerged literal at %zu", i);
    cr_assert(seg->text[seg->len] == '\0', "literal %zu not NUL-terminated", i);
    memcpy(out + at, seg->text, seg->len);
    at += seg->len;
  }
  return out;
}

static size_t windash(const IrString *s, size_t max, IrString **out) {
  const char *error = NULL;
  size_t n = enc_windash(&arena, s, max, out, &error);
  cr_assert(n > 0, "windash refused: %s", error);
  return n;
}

#define EN "\xE2\x80\x93"
#define EM "\xE2\x80\x94"
#define BAR "\xE2\x80\x95"

/* ---- UTF-16 --------------------------------------------------------------------------------- */

Test(encode, utf16_ascii) {
  ASSERT_UTF16(ENC_UTF16LE, "cmd", "c\0m\0d\0");
  ASSERT_UTF16(ENC_UTF16BE, "cmd", "\0c\0m\0d");
  ASSERT_UTF16(ENC_UTF16_BOM, "cmd",
               "\xFF\xFE"
               "c\0m\0d\0");
}

Test(encode, utf16_empty_and_nul) {
  ASSERT_UTF16(ENC_UTF16LE, "", "");
  ASSERT_UTF16(ENC_UTF16_BOM, "", "\xFF\xFE");
  ASSERT_UTF16(ENC_UTF16LE, "a\0b", "a\0\0\0b\0");
}

Test(encode, utf16_two_byte_utf8) {
  ASSERT_UTF16(ENC_UTF16LE, "\xC3\xA9", "\xE9\0"); /* U+00E9 */
  ASSERT_UTF16(ENC_UTF16BE, "\xC3\xA9", "\0\xE9");
  ASSERT_UTF16(ENC_UTF16LE, "\xC2\x80", "\x80\0");   /* U+0080, smallest 2-byte */
  ASSERT_UTF16(ENC_UTF16BE, "\xDF\xBF", "\x07\xFF"); /* U+07FF, largest 2-byte */
}

Test(encode, utf16_three_byte_utf8) {
  ASSERT_UTF16(ENC_UTF16LE, "\xE2\x82\xAC", "\xAC\x20"); /* U+20AC euro sign */
  ASSERT_UTF16(ENC_UTF16BE, "\xE2\x82\xAC", "\x20\xAC");
  ASSERT_UTF16(ENC_UTF16_BOM, "\xE2\x82\xAC", "\xFF\xFE\xAC\x20");
  ASSERT_UTF16(ENC_UTF16BE, "\xE0\xA0\x80", "\x08\x00"); /* U+0800, smallest 3-byte */
  ASSERT_UTF16(ENC_UTF16BE, "\xED\x9F\xBF", "\xD7\xFF"); /* U+D7FF, just below surrogates */
  ASSERT_UTF16(ENC_UTF16BE, "\xEE\x80\x80", "\xE0\x00"); /* U+E000, just above */
  ASSERT_UTF16(ENC_UTF16LE, "\xEF\xBF\xBF", "\xFF\xFF"); /* U+FFFF */
}

Test(encode, utf16_four_byte_utf8_is_surrogate_pair) {
  ASSERT_UTF16(ENC_UTF16LE, "\xF0\x9F\x98\x80", "\x3D\xD8\x00\xDE"); /* U+1F600 = D83D DE00 */
  ASSERT_UTF16(ENC_UTF16BE, "\xF0\x9F\x98\x80", "\xD8\x3D\xDE\x00");
  ASSERT_UTF16(ENC_UTF16_BOM, "\xF0\x9F\x98\x80", "\xFF\xFE\x3D\xD8\x00\xDE");
  ASSERT_UTF16(ENC_UTF16BE, "\xF0\x90\x80\x80", "\xD8\x00\xDC\x00"); /* U+10000 */
  ASSERT_UTF16(ENC_UTF16LE, "\xF4\x8F\xBF\xBF", "\xFF\xDB\xFF\xDF"); /* U+10FFFF */
  ASSERT_UTF16(ENC_UTF16LE, "a\xF0\x9F\x98\x80z", "a\0\x3D\xD8\x00\xDEz\0");
}

typedef struct BadUtf8 {
  const char *in;
  size_t len;
  const char *error;
} BadUtf8;

/* Every UTF-16 form refuses c's bytes with c's error and no output. */
static void rejects_invalid_utf8(const BadUtf8 *c) {
  static const EncUtf16 kinds[] = {ENC_UTF16LE, ENC_UTF16BE, ENC_UTF16_BOM};
  for (size_t k = 0; k < 3; k++) {
    char *out = (char *)"untouched";
    size_t out_len = 99;
    const char *error = NULL;
    cr_assert_not(enc_utf16(&arena, c->in, c->len, kinds[k], &out, &out_len, &error),
                  "accepted [%s]", hex(c->in, c->len));
    cr_assert_null(out);
    cr_assert_eq(out_len, 0);
    cr_assert_str_eq(error, c->error);
  }
}

/* One test looping over its cases, not a parameterized one: under valgrind, Criterion's workers
 * crash in the setup of the tests run after a parameterized test of the same suite. */
Test(encode, utf16_rejects_invalid_utf8) {
  static const BadUtf8 cases[] = {
      {"\x80", 1, "invalid UTF-8 at byte 0: unexpected continuation byte"},
      {"ab\xBF", 3, "invalid UTF-8 at byte 2: unexpected continuation byte"},
      {"\xC0\xAF", 2, "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xC1\xBF", 2, "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xE0\x80\xAF", 3, "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xE0\x9F\xBF", 3, "invalid UTF-8 at byte 0: overlong encoding"},
      {"\xF0\x8F\xBF\xBF", 4, "invalid UTF-8 at byte 0: overlong encoding"},
      {"x\xED\xA0\x80", 4, "invalid UTF-8 at byte 1: encoded surrogate"},
      {"\xED\xBF\xBF", 3, "invalid UTF-8 at byte 0: encoded surrogate"},
      {"\xF4\x90\x80\x80", 4, "invalid UTF-8 at byte 0: code point above U+10FFFF"},
      {"\xF5\x80\x80\x80", 4, "invalid UTF-8 at byte 0: code point above U+10FFFF"},
      {"\xF8\x88\x80\x80\x80", 5, "invalid UTF-8 at byte 0: invalid byte"},
      {"\xFF", 1, "invalid UTF-8 at byte 0: invalid byte"},
      {"ok\xE2\x82", 4, "invalid UTF-8 at byte 2: truncated sequence"},
      {"\xF0\x9F\x98", 3, "invalid UTF-8 at byte 0: truncated sequence"},
      {"\xC3", 1, "invalid UTF-8 at byte 0: truncated sequence"},
      {"\xC3\x28", 2, "invalid UTF-8 at byte 0: missing continuation byte"},
      {"\xE2\x82\x28", 3, "invalid UTF-8 at byte 0: missing continuation byte"},
      {"\xE2\x28\xA1", 3, "invalid UTF-8 at byte 0: missing continuation byte"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    rejects_invalid_utf8(&cases[i]);
}

/* ---- Base64 --------------------------------------------------------------------------------- */

Test(encode, base64_rfc4648_vectors) {
  static const char *vectors[][2] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
    cr_assert_str_eq(enc_base64(&arena, vectors[i][0], strlen(vectors[i][0])), vectors[i][1]);
}

Test(encode, base64_binary_bytes) {
  cr_assert_str_eq(enc_base64(&arena, "\xFF\xFE\xFD", 3), "//79");
  cr_assert_str_eq(enc_base64(&arena, "\xFB\xEF\xBE", 3), "++++");
  cr_assert_str_eq(enc_base64(&arena, "\0\0\0\0", 4), "AAAAAA==");
  /* pySigma's test_base64 */
  cr_assert_str_eq(enc_base64(&arena, "foobar", 6), "Zm9vYmFy");
}

/* ---- base64offset --------------------------------------------------------------------------- */

static void assert_offsets(const char *in, size_t len, const char *a, const char *b,
                           const char *c) {
  char *out[3];
  size_t out_len[3];
  enc_base64offset(&arena, in, len, out, out_len);
  const char *want[3] = {a, b, c};
  for (size_t i = 0; i < 3; i++) {
    cr_assert_str_eq(out[i], want[i], "shift %zu of [%s]", i, hex(in, len));
    cr_assert_eq(out_len[i], strlen(want[i]));
  }
}

Test(encode, base64offset_spec_example) {
  assert_offsets("/bin/sh", 7, "L2Jpbi9za", "9iaW4vc2", "vYmluL3No");
}

Test(encode, base64offset_pysigma_vectors) {
  /* tests/test_modifiers.py, test_base64offset */
  assert_offsets("foobar", 6, "Zm9vYmFy", "Zvb2Jhc", "mb29iYX");
  assert_offsets("/bin/bash", 9, "L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2");
  assert_offsets("http://", 7, "aHR0cDovL", "h0dHA6Ly", "odHRwOi8v");
}

Test(encode, base64offset_short_values) {
  /* Python slices of too-short strings are empty: one- and two-byte values lose whole variants */
  assert_offsets("", 0, "", "", "");
  assert_offsets("a", 1, "Y", "", "h");
  assert_offsets("ab", 2, "YW", "Fi", "hY");
  assert_offsets("abc", 3, "YWJj", "FiY", "hYm");
}

Test(encode, base64offset_cuts_by_bytes_not_characters) {
  /* current pySigma: the tail depends on len(bytes); 'é' is two bytes */
  assert_offsets("\xC3\xA9/bin", 6, "w6kvYmlu", "OpL2Jpb", "DqS9iaW");
}

static const char *offsets_utf16(const char *in, EncUtf16 kind, char *out[3], size_t out_len[3]) {
  char *wide = NULL;
  size_t wide_len = 0;
  const char *error = NULL;
  cr_assert(enc_utf16(&arena, in, strlen(in), kind, &wide, &wide_len, &error));
  enc_base64offset(&arena, wide, wide_len, out, out_len);
  return wide;
}

Test(encode, wide_then_base64offset) {
  char *out[3];
  size_t out_len[3];
  offsets_utf16("cmd", ENC_UTF16LE, out, out_len);
  cr_assert_str_eq(out[0], "YwBtAGQA");
  cr_assert_str_eq(out[1], "MAbQBkA");
  cr_assert_str_eq(out[2], "jAG0AZA");
  offsets_utf16("ping", ENC_UTF16LE, out, out_len);
  cr_assert_str_eq(out[0], "cABpAG4AZw");
  cr_assert_str_eq(out[1], "AAaQBuAGcA");
  cr_assert_str_eq(out[2], "wAGkAbgBnA");
  offsets_utf16("IEX", ENC_UTF16LE, out, out_len);
  cr_assert_str_eq(out[0], "SQBFAFgA");
  cr_assert_str_eq(out[1], "kARQBYA");
  cr_assert_str_eq(out[2], "JAEUAWA");
}

Test(encode, utf16_bom_then_base64) {
  char *wide = NULL;
  size_t wide_len = 0;
  const char *error = NULL;
  cr_assert(enc_utf16(&arena, "ping", 4, ENC_UTF16_BOM, &wide, &wide_len, &error));
  cr_assert_str_eq(enc_base64(&arena, wide, wide_len), "//5wAGkAbgBnAA==");
  cr_assert(enc_utf16(&arena, "ping", 4, ENC_UTF16BE, &wide, &wide_len, &error));
  cr_assert_str_eq(enc_base64(&arena, wide, wide_len), "AHAAaQBuAGc=");
  char *out[3];
  size_t out_len[3];
  offsets_utf16("cmd", ENC_UTF16_BOM, out, out_len);
  cr_assert_str_eq(out[0], "//5jAG0AZA");
  cr_assert_str_eq(out[1], "/+YwBtAGQA");
  cr_assert_str_eq(out[2], "//mMAbQBkA");
}

/* What the modifier is for: wherever the value sits in a blob, one of the three variants appears
 * in the blob's Base64, and no variant carries padding. */
Test(encode, base64offset_found_at_every_offset) {
  static const char *values[] = {"/bin/sh", "x", "xy", "powershell -enc", "\xFF\x00\x80\x7F"};
  static const size_t lens[] = {7, 1, 2, 15, 4};
  unsigned seed = 12345;
  for (size_t v = 0; v < 5; v++) {
    char *out[3];
    size_t out_len[3];
    enc_base64offset(&arena, values[v], lens[v], out, out_len);
    for (size_t i = 0; i < 3; i++)
      cr_assert_null(strchr(out[i], '='), "padding in %s", out[i]);
    for (size_t before = 0; before < 6; before++) {
      for (size_t after = 0; after < 4; after++) {
        unsigned char blob[32];
        for (size_t i = 0; i < before + after; i++) {
          seed = seed * 1103515245u + 12345u;
          blob[i < before ? i : lens[v] + i] = (unsigned char)(seed >> 16);
        }
        memcpy(blob + before, values[v], lens[v]);
        const char *encoded = enc_base64(&arena, (const char *)blob, before + lens[v] + after);
        cr_assert_not_null(strstr(encoded, out[before % 3]), "'%s' not in %s (offset %zu)",
                           out[before % 3], encoded, before);
      }
    }
  }
}

/* ---- windash -------------------------------------------------------------------------------- */

static void assert_variants(const IrString *s, const char *const *want, size_t count) {
  IrString *out = NULL;
  size_t n = windash(s, 1000, &out);
  cr_assert_eq(n, count, "%zu variants of '%s', want %zu", n, render(s), count);
  for (size_t i = 0; i < n; i++)
    cr_assert_str_eq(render(&out[i]), want[i], "variant %zu", i);
}

Test(encode, windash_one_switch) {
  static const char *want[] = {"a -b", "a /b", "a " EN "b", "a " EM "b", "a " BAR "b"};
  IrString s = pattern("a -b");
  assert_variants(&s, want, 5);
}

Test(encode, windash_slash_is_a_switch_too) {
  static const char *want[] = {"-c", "/c", EN "c", EM "c", BAR "c"};
  IrString s = pattern("/c");
  assert_variants(&s, want, 5);
}

Test(encode, windash_only_leading_dash_of_param_name) {
  static const char *want[] = {"-param-name", "/param-name", EN "param-name", EM "param-name",
                               BAR "param-name"};
  IrString s = pattern("-param-name");
  assert_variants(&s, want, 5);
}

Test(encode, windash_two_switches_give_25_in_pysigma_order) {
  IrString s = pattern("-param-1 -param2"); /* pySigma's test_windash value */
  IrString *out = NULL;
  size_t n = windash(&s, 1000, &out);
  cr_assert_eq(n, 25);
  cr_assert_str_eq(render(&out[0]), "-param-1 -param2");
  cr_assert_str_eq(render(&out[1]), "-param-1 /param2");
  cr_assert_str_eq(render(&out[2]), "-param-1 " EN "param2");
  cr_assert_str_eq(render(&out[5]), "/param-1 -param2");
  cr_assert_str_eq(render(&out[6]), "/param-1 /param2");
  cr_assert_str_eq(render(&out[13]), EN "param-1 " EM "param2");
  cr_assert_str_eq(render(&out[14]), EN "param-1 " BAR "param2");
  cr_assert_str_eq(render(&out[24]), BAR "param-1 " BAR "param2");
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      cr_assert_str_neq(render(&out[i]), render(&out[j]), "variants %zu and %zu", i, j);
}

Test(encode, windash_no_switch_gives_the_original) {
  static const char *const cases[] = {"x-y", "a/b", "a -", "--", "x", "a - b", "C:\\w/x"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    IrString s = pattern(cases[i]);
    assert_variants(&s, &cases[i], 1);
  }
}

Test(encode, windash_double_dash_varies_the_second) {
  static const char *want[] = {"--x", "-/x", "-" EN "x", "-" EM "x", "-" BAR "x"};
  IrString s = pattern("--x");
  assert_variants(&s, want, 5);
}

Test(encode, windash_empty_string) {
  IrString s = {NULL, 0};
  IrString *out = NULL;
  cr_assert_eq(windash(&s, 5, &out), 1);
  cr_assert_eq(out[0].count, 0);
}

Test(encode, windash_wildcards_are_non_word) {
  static const char *after_any[] = {"*-b", "*/b", "*" EN "b", "*" EM "b", "*" BAR "b"};
  IrString s = pattern("*-b");
  assert_variants(&s, after_any, 5);
  s = pattern("x?/b");
  IrString *out = NULL;
  cr_assert_eq(windash(&s, 1000, &out), 5);
  cr_assert_str_eq(render(&out[0]), "x?-b");
  cr_assert_str_eq(render(&out[1]), "x?/b");
  cr_assert_eq(out[0].count, 3);
  cr_assert_eq(out[0].segs[1].kind, IR_SEG_ONE);
  static const char *before_wildcard[] = {" -*"};
  s = pattern(" -*");
  assert_variants(&s, before_wildcard, 1);
}

Test(encode, windash_reads_across_literal_segments) {
  /* preceded by a word character in the previous segment: no switch, literals come out merged */
  IrSegment word_before[] = {lit("a"), lit("-b")};
  IrString s = segments(2, word_before);
  static const char *merged[] = {"a-b"};
  assert_variants(&s, merged, 1);
  IrString *out = NULL;
  windash(&s, 1000, &out);
  cr_assert_eq(out[0].count, 1);

  /* the word character that follows is in the next segment */
  IrSegment word_after[] = {lit("a -"), lit(""), lit("b")};
  s = segments(3, word_after);
  static const char *split[] = {"a -b", "a /b", "a " EN "b", "a " EM "b", "a " BAR "b"};
  assert_variants(&s, split, 5);

  IrSegment around_any[] = {lit("x "), any(), lit("/y")};
  s = segments(3, around_any);
  cr_assert_eq(windash(&s, 1000, &out), 5);
  cr_assert_str_eq(render(&out[0]), "x *-y");
}

Test(encode, windash_refuses_too_many_variants) {
  IrString s = pattern("-a -b -c");
  IrString sentinel = {NULL, 0};
  IrString *out = &sentinel;
  const char *error = NULL;
  cr_assert_eq(enc_windash(&arena, &s, 124, &out, &error), 0);
  cr_assert_null(out);
  cr_assert_str_eq(error, "the value would expand into 5^3 variants, more than the limit of 124");
  cr_assert_eq(enc_windash(&arena, &s, 125, &out, &error), 125);
  cr_assert_str_eq(render(&out[124]), BAR "a " BAR "b " BAR "c");

  /* 5^n beyond size_t must be refused, not wrapped */
  char many[3 * 40 + 1] = "";
  for (size_t i = 0; i < 40; i++)
    strcat(many, " -x");
  s = pattern(many);
  cr_assert_eq(enc_windash(&arena, &s, SIZE_MAX, &out, &error), 0);
  char want[128];
  snprintf(want, sizeof want,
           "the value would expand into 5^40 variants, more than the limit of %zu",
           (size_t)SIZE_MAX);
  cr_assert_str_eq(error, want);
}
