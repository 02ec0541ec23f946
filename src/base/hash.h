/* String hashes for the project's open-addressing tables (names, join keys, event keys). djb2:
 * the keys are short and the tables probe linearly, so a cheap hash is enough. */
#ifndef SIGMAC_BASE_HASH_H
#define SIGMAC_BASE_HASH_H

#include <stddef.h>

size_t hash_bytes(const char *text, size_t len);
size_t hash_text(const char *text); /* NUL-terminated */

#endif
