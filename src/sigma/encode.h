/* Value encodings behind the Sigma transformation modifiers: utf16le/wide, utf16be, utf16, base64,
 * base64offset and windash (spec notes §5). Pure functions: no diagnostics, no printing; every
 * result, error messages included, is allocated from the arena passed in and lives as long as it.
 * The modifier code in this folder decides which encoding applies and reports the errors. */
#ifndef SIGMAC_SIGMA_ENCODE_H
#define SIGMAC_SIGMA_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "sigmac/ir.h"

/* UTF-16 flavours of the wide/utf16le/utf16be/utf16 modifiers. */
typedef enum EncUtf16 {
  ENC_UTF16LE,  /* utf16le and its alias wide: 'c' -> 63 00 */
  ENC_UTF16BE,  /* utf16be: 'c' -> 00 63 */
  ENC_UTF16_BOM /* utf16: byte-order mark FF FE, then UTF-16LE */
} EncUtf16;

/* Converts len bytes of UTF-8 at in to UTF-16 bytes of the given flavour. Code points above U+FFFF
 * become surrogate pairs. On success, *out is an arena buffer of *out_len bytes (NUL bytes inside,
 * one extra NUL after) and the function returns true. On invalid UTF-8 (overlong forms, encoded
 * surrogates, code points above U+10FFFF, stray or missing continuation bytes) it returns false,
 * sets *out to NULL, *out_len to 0 and *error to an arena message such as
 * "invalid UTF-8 at byte 3: truncated sequence" (0-based offset of the sequence's first byte).
 * Unlike pySigma, which only accepts characters whose UTF-16 bytes happen to be valid UTF-8 (in
 * practice ASCII), any valid UTF-8 is accepted. */
bool enc_utf16(Arena *arena, const char *in, size_t len, EncUtf16 kind, char **out, size_t *out_len,
               const char **error);

/* Standard Base64 (RFC 4648 §4, alphabet A-Z a-z 0-9 + /, '=' padding) of len bytes at in.
 * Returns an arena string of 4 * ceil(len / 3) characters plus a NUL. */
char *enc_base64(Arena *arena, const char *in, size_t len);

/* The three values of the base64offset modifier: the Base64 forms of the len bytes at in as they
 * appear inside a larger Base64 blob when the value starts at byte offset 0, 1 or 2 (mod 3) of the
 * blob. out[i] is an arena string of out_len[i] characters (plus a NUL); it may be empty for values
 * of one or two bytes. The algorithm is pySigma's exactly; encode.c explains it. */
void enc_base64offset(Arena *arena, const char *in, size_t len, char *out[3], size_t out_len[3]);

/* Every variant of s in which each switch character is replaced by each of the five dashes '-',
 * '/', U+2013, U+2014, U+2015 (UTF-8 encoded). A switch character is a '-' or '/' in a literal
 * that is not preceded by a word character [A-Za-z0-9_] (the start of the string counts as not
 * preceded) and is followed by one: pySigma's \B[-/]\b, with wildcards counting as non-word
 * characters and adjacent literal segments read as one text.
 *
 * Order, as pySigma produces it: switches left to right with the leftmost varying slowest, dashes
 * in the order listed; with n switches variant i takes, for switch j (0-based from the left),
 * dash number (i / 5^(n-1-j)) % 5. The first variant is therefore all '-', not necessarily s; a
 * string without switches gives one variant equal to s.
 *
 * Returns the number of variants, 5^n, and stores an arena array of them in *out; each variant's
 * segments and texts are fresh arena memory, adjacent literals merged, no empty literals. Returns
 * 0, *out = NULL and sets *error (arena message) when 5^n exceeds max_variants. */
size_t enc_windash(Arena *arena, const IrString *s, size_t max_variants, IrString **out,
                   const char **error);

#endif
