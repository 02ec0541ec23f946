/* CIDR networks: a strict hand-written parser (RFC 791 dotted quads, RFC 4291 section 2.2 IPv6
 * text), prefix membership, and RFC 5952 canonical text. inet_pton is not used: its leniencies
 * (and those of inet_aton) differ between C libraries, and it reports no error position. */
#include "base/cidr.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The cursor of one parse and its first error. */
typedef struct Scan {
  const char *text;
  size_t pos;          /* next byte to read */
  size_t end;          /* end of the part being parsed (the address stops at '/') */
  size_t error_offset; /* of the first error, in bytes from text */
  const char *error;   /* NULL until something failed */
} Scan;

static bool fail(Scan *s, size_t offset, const char *message) {
  s->error_offset = offset;
  s->error = message;
  return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool at(const Scan *s, char c) { return s->pos < s->end && s->text[s->pos] == c; }

/* Reads a run of decimal digits at s->pos; the value saturates at 1000, over any limit we check. */
static unsigned decimal(Scan *s) {
  unsigned value = 0;
  while (s->pos < s->end && is_digit(s->text[s->pos])) {
    value = value * 10 + (unsigned)(s->text[s->pos++] - '0');
    if (value > 1000)
      value = 1000;
  }
  return value;
}

/* octet: '0' | [1-9] [0-9]* with a value of at most 255 */
static bool parse_octet(Scan *s, unsigned char *out) {
  size_t start = s->pos;
  unsigned value = decimal(s);
  if (s->pos == start)
    return fail(s, start, "expected an IPv4 octet (a number from 0 to 255)");
  if (s->text[start] == '0' && s->pos - start > 1)
    return fail(s, start, "IPv4 octet has a leading zero (octal to some tools); remove it");
  if (value > 255)
    return fail(s, start, "IPv4 octet is over 255");
  *out = (unsigned char)value;
  return true;
}

/* ipv4: octet '.' octet '.' octet '.' octet, up to s->end */
static bool parse_ipv4(Scan *s, unsigned char out[4]) {
  for (int i = 0; i < 4; i++) {
    if (i > 0 && !at(s, '.')) {
      if (s->pos == s->end)
        return fail(s, s->pos, "IPv4 address needs 4 octets");
      return fail(s, s->pos, "invalid character in IPv4 address");
    }
    if (i > 0)
      s->pos++;
    if (!parse_octet(s, &out[i]))
      return false;
  }
  if (s->pos == s->end)
    return true;
  if (at(s, '.'))
    return fail(s, s->pos, "IPv4 address has more than 4 octets");
  return fail(s, s->pos, "invalid character in IPv4 address");
}

/* Why a group could not start at s->pos. */
static bool bad_group(Scan *s) {
  if (s->pos == s->end)
    return fail(s, s->pos - 1, "IPv6 address cannot end with a single ':'");
  if (at(s, '%'))
    return fail(s, s->pos, "zone index ('%...') is not allowed in an IPv6 network");
  return fail(s, s->pos, "expected a group of 1 to 4 hex digits");
}

/* What follows a group: the end, ':' before the next group, or '::'. Returns false on an error;
 * *done is set at the end of the address. */
static bool after_group(Scan *s, int n, int *gap, size_t *gap_offset, bool *done) {
  *done = s->pos == s->end;
  if (*done)
    return true;
  if (at(s, '%'))
    return fail(s, s->pos, "zone index ('%...') is not allowed in an IPv6 network");
  if (!at(s, ':'))
    return fail(s, s->pos, "invalid character in IPv6 address");
  s->pos++;
  if (!at(s, ':'))
    return s->pos < s->end || bad_group(s);
  if (*gap >= 0)
    return fail(s, s->pos - 1, "'::' may appear only once in an IPv6 address");
  *gap = n;
  *gap_offset = s->pos - 1;
  s->pos++;
  *done = s->pos == s->end;
  return true;
}

/* Copies the groups into out, with the zeros of the '::' at gap (if any) in between. */
static void expand(const uint16_t groups[8], int n, int gap, unsigned char out[16]) {
  memset(out, 0, 16);
  int skip = gap >= 0 ? 8 - n : 0;
  for (int i = 0; i < n; i++) {
    int slot = gap >= 0 && i >= gap ? i + skip : i;
    out[2 * slot] = (unsigned char)(groups[i] >> 8);
    out[2 * slot + 1] = (unsigned char)(groups[i] & 0xff);
  }
}

/* Reads one h16 (or, in the last two groups' place, an embedded IPv4 that ends the address) into
 * groups[*n]. */
static bool parse_group(Scan *s, uint16_t groups[8], int *n, bool *ipv4) {
  size_t start = s->pos;
  unsigned value = 0;
  while (s->pos < s->end && hex_digit_value(s->text[s->pos]) >= 0)
    value = (value << 4 | (unsigned)hex_digit_value(s->text[s->pos++])) & 0xfffff;
  if (at(s, '.')) { /* it was the first octet of an embedded IPv4 */
    if (*n > 6)
      return fail(s, start, "embedded IPv4 address leaves no room: over 8 groups");
    unsigned char quad[4];
    s->pos = start;
    if (!parse_ipv4(s, quad))
      return false;
    groups[(*n)++] = (uint16_t)(quad[0] << 8 | quad[1]);
    groups[(*n)++] = (uint16_t)(quad[2] << 8 | quad[3]);
    *ipv4 = true;
    return true;
  }
  if (s->pos == start)
    return bad_group(s);
  if (s->pos - start > 4)
    return fail(s, start, "IPv6 group has more than 4 hex digits");
  if (*n == 8)
    return fail(s, start, "IPv6 address has more than 8 groups");
  groups[(*n)++] = (uint16_t)value;
  return true;
}

/* ipv6: RFC 4291 2.2, h16 groups separated by ':', at most one '::' standing for one or more zero
 * groups, and an optional trailing ipv4 in place of the last two groups */
static bool parse_ipv6(Scan *s, unsigned char out[16]) {
  uint16_t groups[8];
  int n = 0, gap = -1;
  size_t gap_offset = s->pos;
  bool done = false, ipv4 = false;
  if (at(s, ':')) {
    s->pos++;
    if (!at(s, ':'))
      return fail(s, s->pos - 1, "IPv6 address cannot start with a single ':'");
    s->pos++;
    gap = 0;
    done = s->pos == s->end;
  }
  while (!done) {
    if (!parse_group(s, groups, &n, &ipv4))
      return false;
    if (ipv4)
      break;
    if (!after_group(s, n, &gap, &gap_offset, &done))
      return false;
  }
  if (gap < 0 && n < 8)
    return fail(s, s->end, "IPv6 address needs 8 groups or a '::'");
  if (gap >= 0 && n == 8)
    return fail(s, gap_offset, "'::' stands for no group: the address already has 8");
  expand(groups, n, gap, out);
  return true;
}

/* address: ipv6 when it holds a ':', else ipv4; reads [s->pos, s->end). */
static bool parse_address(Scan *s, unsigned char addr[16], unsigned char *family) {
  memset(addr, 0, 16);
  if (s->pos == s->end)
    return fail(s, s->pos, "expected an IP address");
  bool v6 = memchr(s->text + s->pos, ':', s->end - s->pos) != NULL;
  *family = v6 ? 6 : 4;
  return v6 ? parse_ipv6(s, addr) : parse_ipv4(s, addr);
}

/* prefix: '/' ('0' | [1-9] [0-9]*) with a value of at most the address width */
static bool parse_prefix(Scan *s, unsigned char family, unsigned *prefix) {
  size_t start = s->pos;
  unsigned width = family == 4 ? 32 : 128;
  *prefix = decimal(s);
  if (s->pos == start)
    return fail(s, start, "expected a prefix length (digits) after '/'");
  if (s->text[start] == '0' && s->pos - start > 1)
    return fail(s, start, "prefix length has a leading zero");
  if (s->pos < s->end)
    return fail(s, s->pos, "invalid character after the prefix length");
  if (*prefix > width)
    return fail(s, start,
                family == 4 ? "prefix length is over 32 for IPv4"
                            : "prefix length is over 128 for IPv6");
  return true;
}

/* Clears the bits of addr from bit prefix on (of width bits); true when any was set. */
static bool clear_host_bits(unsigned char *addr, unsigned width, unsigned prefix) {
  bool any = false;
  for (unsigned bit = prefix; bit < width; bit++) {
    unsigned char mask = (unsigned char)(0x80u >> (bit % 8));
    any |= (addr[bit / 8] & mask) != 0;
    addr[bit / 8] &= (unsigned char)~mask;
  }
  return any;
}

/* Whitespace anywhere is a mistake (a copied value with a trailing space or newline). */
static bool check_spaces(Scan *s) {
  for (size_t i = 0; i < s->end; i++) {
    char c = s->text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
      return fail(s, i, "whitespace is not allowed in an IP network");
  }
  return true;
}

static bool parse_network(Scan *s, size_t len, Cidr *out, bool *host_bits_set) {
  if (len == 0)
    return fail(s, 0, "empty IP network");
  if (!check_spaces(s))
    return false;
  const char *slash = memchr(s->text, '/', len);
  s->end = slash ? (size_t)(slash - s->text) : len;
  if (!parse_address(s, out->addr, &out->family))
    return false;
  unsigned width = out->family == 4 ? 32 : 128;
  out->prefix = width;
  if (slash) {
    s->pos++;
    s->end = len;
    if (!parse_prefix(s, out->family, &out->prefix))
      return false;
  }
  *host_bits_set = clear_host_bits(out->addr, width, out->prefix);
  return true;
}

bool cidr_parse(const char *text, size_t len, Cidr *out, bool *host_bits_set, size_t *error_offset,
                const char **error) {
  Scan s = {text, 0, len, 0, NULL};
  bool host_bits = false;
  Cidr network = {0};
  bool ok = parse_network(&s, len, &network, &host_bits);
  if (ok)
    *out = network;
  if (host_bits_set)
    *host_bits_set = ok && host_bits;
  if (!ok && error_offset)
    *error_offset = s.error_offset;
  if (!ok && error)
    *error = s.error;
  return ok;
}

/* Writes addr as the IPv6 form used for comparison: IPv4 becomes ::ffff:a.b.c.d. Returns the
 * prefix (given for the family's width) in IPv6 bits. */
static unsigned as_ipv6(const unsigned char *addr, unsigned char family, unsigned prefix,
                        unsigned char out[16]) {
  if (family == 6) {
    memcpy(out, addr, 16);
    return prefix;
  }
  memset(out, 0, 10);
  out[10] = out[11] = 0xff;
  memcpy(out + 12, addr, 4);
  return prefix + 96;
}

bool cidr_contains(const Cidr *network, const char *address, size_t len) {
  Scan s = {address, 0, len, 0, NULL};
  unsigned char addr[16], family;
  if (!check_spaces(&s) || !parse_address(&s, addr, &family))
    return false;
  unsigned char net6[16], addr6[16];
  unsigned prefix = as_ipv6(network->addr, network->family, network->prefix, net6);
  as_ipv6(addr, family, 0, addr6);
  unsigned whole = prefix / 8, rest = prefix % 8;
  if (memcmp(net6, addr6, whole) != 0)
    return false;
  if (rest == 0)
    return true;
  unsigned char mask = (unsigned char)(0xff00u >> rest);
  return (net6[whole] & mask) == (addr6[whole] & mask);
}

/* RFC 5952 4.2: the longest run of two or more zero groups, the first one on a tie. */
static void longest_zero_run(const unsigned groups[8], int *start, int *length) {
  *start = -1;
  *length = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0)
      j++;
    if (j - i > *length) {
      *start = i;
      *length = j - i;
    }
    i = j > i ? j : i + 1;
  }
}

static int format_ipv6(const unsigned char *addr, char *out, size_t size) {
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (memcmp(addr, mapped, 12) == 0) /* RFC 5952 5: IPv4-mapped addresses in mixed notation */
    return snprintf(out, size, "::ffff:%u.%u.%u.%u", addr[12], addr[13], addr[14], addr[15]);
  unsigned groups[8];
  for (int i = 0; i < 8; i++)
    groups[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
  int run, length;
  longest_zero_run(groups, &run, &length);
  int used = 0;
  for (int i = 0; i < 8; i++) {
    if (i == run) {
      used += snprintf(out + used, size - (size_t)used, "::");
      i += length - 1;
      continue;
    }
    bool colon = i > 0 && i != run + length;
    used += snprintf(out + used, size - (size_t)used, "%s%x", colon ? ":" : "", groups[i]);
  }
  return used;
}

void cidr_format(const Cidr *network, char *buf, size_t size) {
  char text[64];
  const unsigned char *a = network->addr;
  int used = network->family == 4
                 ? snprintf(text, sizeof text, "%u.%u.%u.%u", a[0], a[1], a[2], a[3])
                 : format_ipv6(a, text, sizeof text);
  snprintf(text + used, sizeof text - (size_t)used, "/%u", network->prefix);
  if (size > 0)
    snprintf(buf, size, "%s", text);
}
