/* UTF-8 validity: JSON and query-language strings may only hold valid UTF-8, while rule values
 * (after wide/utf16 encodings) may hold any bytes. */
#ifndef SIGMAC_BASE_UTF8_H
#define SIGMAC_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at text (len bytes available), or 0 when the bytes
 * there are not valid UTF-8 (overlong forms, surrogates and code points past U+10FFFF included). */
size_t utf8_sequence_length(const char *text, size_t len);

/* The value of a hexadecimal digit (0-9, a-f, A-F), or -1 for any other character. */
int hex_digit_value(char c);

/* True when all len bytes are valid UTF-8. */
bool utf8_valid(const char *text, size_t len);

#endif
