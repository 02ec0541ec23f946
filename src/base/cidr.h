/* IP networks in CIDR notation: strict parsing (with the offset of the first problem), membership
 * of an address, and canonical text. Used by the Sigma 'cidr' modifier, EQL cidrMatch() and the
 * evaluator. No allocation: errors are static strings. */
#ifndef SIGMAC_BASE_CIDR_H
#define SIGMAC_BASE_CIDR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Cidr {
  unsigned char family;   /* 4 or 6 */
  unsigned char addr[16]; /* network address, host bits cleared; IPv4 uses addr[0..4), rest 0 */
  unsigned prefix;        /* 0..32 for IPv4, 0..128 for IPv6 */
} Cidr;

/* Parses text[0..len) as "a.b.c.d/len", an IPv6 network "x:x::x/len" in any RFC 4291 text form
 * ('::', embedded IPv4 as in "::ffff:1.2.3.4"; hex digits in either case), or an address without
 * "/len" (prefix 32 or 128). Stricter than inet_pton: rejects empty text, spaces, IPv4 octets with
 * a leading zero ("010" reads as octal to some tools), zone indexes ("%eth0"), and prefixes with a
 * sign or a leading zero.
 *
 * On success fills *out with the host bits below the prefix cleared and sets *host_bits_set when
 * any were set in the text ("10.1.2.3/8"), which is allowed but worth a lint warning. On failure
 * returns false, sets *error to a short static message (lowercase, no final period) and
 * *error_offset to the byte offset of the problem in text; *out is then unspecified.
 * host_bits_set, error_offset and error may be NULL. */
bool cidr_parse(const char *text, size_t len, Cidr *out, bool *host_bits_set, size_t *error_offset,
                const char **error);

/* True when the address text[0..len) (IPv4 or IPv6, no prefix, same strict syntax) lies inside
 * network; false for an unparsable address. Like Elasticsearch's ip type, IPv4 addresses are
 * compared as IPv4-mapped IPv6 addresses (::ffff:a.b.c.d): "::ffff:10.1.2.3" is inside 10.0.0.0/8,
 * and 10.1.2.3 is inside ::ffff:0:0/96 (and ::/0). */
bool cidr_contains(const Cidr *network, const char *address, size_t len);

/* Writes the canonical text of network into buf, NUL-terminated and truncated to size: IPv4 as a
 * dotted quad, IPv6 as RFC 5952 (lower case, no leading zeros, the longest run of two or more zero
 * groups written '::', IPv4-mapped addresses as "::ffff:a.b.c.d"), then "/prefix". 64 bytes are
 * always enough. */
void cidr_format(const Cidr *network, char *buf, size_t size);

#endif
