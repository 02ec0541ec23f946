/* Unit tests of src/base/cidr.c: parsing (valid forms and every error with its offset), membership
 * at the edges of a prefix, IPv4-mapped addresses, and canonical text. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <string.h>

#include "base/cidr.h"

/* ---- parse and format: valid networks -------------------------------------------------------- */

/* Parameters are rebuilt in each Criterion worker process, where pointers into the parent's
 * string literals are not valid: texts are held in arrays. */
struct Good {
  char text[48];
  unsigned family;
  unsigned prefix;
  char canonical[48]; /* cidr_format() of the parsed network */
  bool host_bits_set;
};

static struct Good good_cases[] = {
    {"10.0.0.0/8", 4, 8, "10.0.0.0/8", false},
    {"10.1.2.3/8", 4, 8, "10.0.0.0/8", true},
    {"192.168.1.1", 4, 32, "192.168.1.1/32", false},
    {"192.168.1.0/31", 4, 31, "192.168.1.0/31", false},
    {"192.168.1.1/31", 4, 31, "192.168.1.0/31", true},
    {"0.0.0.0/0", 4, 0, "0.0.0.0/0", false},
    {"1.2.3.4/0", 4, 0, "0.0.0.0/0", true},
    {"255.255.255.255/32", 4, 32, "255.255.255.255/32", false},
    {"0.0.0.0", 4, 32, "0.0.0.0/32", false},
    {"::/0", 6, 0, "::/0", false},
    {"::", 6, 128, "::/128", false},
    {"::1", 6, 128, "::1/128", false},
    {"1::", 6, 128, "1::/128", false},
    {"0:0:0:0:0:0:0:0/0", 6, 0, "::/0", false},
    {"2001:DB8::/32", 6, 32, "2001:db8::/32", false},
    {"2001:0db8:0000:0000:0000:ff00:0042:8329", 6, 128, "2001:db8::ff00:42:8329/128", false},
    {"2001:db8:0:0:1:0:0:1", 6, 128, "2001:db8::1:0:0:1/128", false},
    {"2001:0:0:1:0:0:0:1", 6, 128, "2001:0:0:1::1/128", false},
    {"2001:db8:0:1:1:1:1:1", 6, 128, "2001:db8:0:1:1:1:1:1/128", false},
    {"1:2:3:4:5:6:7::", 6, 128, "1:2:3:4:5:6:7:0/128", false},
    {"::2:3:4:5:6:7:8", 6, 128, "0:2:3:4:5:6:7:8/128", false},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6, 128,
     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", false},
    {"fe80::1:2/64", 6, 64, "fe80::/64", true},
    {"fe80:0:0:0:0:0:0:0/10", 6, 10, "fe80::/10", false},
    {"a::b/127", 6, 127, "a::a/127", true},
    {"::ffff:1.2.3.4", 6, 128, "::ffff:1.2.3.4/128", false},
    {"::FFFF:0102:0304/120", 6, 120, "::ffff:1.2.3.0/120", true},
    {"::ffff:0:0/96", 6, 96, "::ffff:0.0.0.0/96", false},
    {"::1.2.3.4", 6, 128, "::102:304/128", false},
    {"1:2:3:4:5:6:1.2.3.4", 6, 128, "1:2:3:4:5:6:102:304/128", false},
    {"64:ff9b::192.0.2.33/96", 6, 96, "64:ff9b::/96", true},
};

ParameterizedTestParameters(cidr, parse) {
  return cr_make_param_array(struct Good, good_cases, sizeof good_cases / sizeof good_cases[0]);
}

ParameterizedTest(struct Good *c, cidr, parse) {
  Cidr network;
  bool host_bits = !c->host_bits_set;
  size_t offset = 0;
  const char *error = NULL;
  bool ok = cidr_parse(c->text, strlen(c->text), &network, &host_bits, &offset, &error);
  cr_assert(ok, "'%s': %s at %zu", c->text, error ? error : "?", offset);
  cr_assert_eq(network.family, c->family, "'%s'", c->text);
  cr_assert_eq(network.prefix, c->prefix, "'%s'", c->text);
  cr_assert_eq(host_bits, c->host_bits_set, "'%s'", c->text);
  char text[64];
  cidr_format(&network, text, sizeof text);
  cr_assert_str_eq(text, c->canonical, "'%s'", c->text);
}

ParameterizedTestParameters(cidr, format_round_trips) {
  return cr_make_param_array(struct Good, good_cases, sizeof good_cases / sizeof good_cases[0]);
}

/* The canonical text parses back to itself. */
ParameterizedTest(struct Good *c, cidr, format_round_trips) {
  Cidr network, again;
  char text[64], text_again[64];
  cr_assert(cidr_parse(c->text, strlen(c->text), &network, NULL, NULL, NULL));
  cidr_format(&network, text, sizeof text);
  bool host_bits = true;
  cr_assert(cidr_parse(text, strlen(text), &again, &host_bits, NULL, NULL), "'%s'", text);
  cr_assert_not(host_bits, "'%s'", text);
  cidr_format(&again, text_again, sizeof text_again);
  cr_assert_str_eq(text_again, text);
  cr_assert_eq(memcmp(network.addr, again.addr, 16), 0);
}

/* ---- parse: errors --------------------------------------------------------------------------- */

struct Bad {
  char text[32];
  size_t offset; /* of the problem in text */
  char message[80];
};

ParameterizedTestParameters(cidr, parse_error) {
  static struct Bad cases[] = {
      {"", 0, "empty IP network"},
      {"/8", 0, "expected an IP address"},
      {"10.0.0.0/33", 9, "prefix length is over 32 for IPv4"},
      {"10.0.0.0/999999999999", 9, "prefix length is over 32 for IPv4"},
      {"::/129", 3, "prefix length is over 128 for IPv6"},
      {"10.0.0.0/", 9, "expected a prefix length (digits) after '/'"},
      {"10.0.0.0/+8", 9, "expected a prefix length (digits) after '/'"},
      {"10.0.0.0/-8", 9, "expected a prefix length (digits) after '/'"},
      {"10.0.0.0/08", 9, "prefix length has a leading zero"},
      {"10.0.0.0/8x", 10, "invalid character after the prefix length"},
      {"10.0.0.0/8/8", 10, "invalid character after the prefix length"},
      {"010.0.0.1", 0, "IPv4 octet has a leading zero (octal to some tools); remove it"},
      {"10.0.0.010", 7, "IPv4 octet has a leading zero (octal to some tools); remove it"},
      {"10.00.0.1", 3, "IPv4 octet has a leading zero (octal to some tools); remove it"},
      {"256.0.0.0", 0, "IPv4 octet is over 255"},
      {"1.2.3.1000", 6, "IPv4 octet is over 255"},
      {"1.2.3", 5, "IPv4 address needs 4 octets"},
      {"1.2.3/8", 5, "IPv4 address needs 4 octets"},
      {"1.2.3.4.5", 7, "IPv4 address has more than 4 octets"},
      {"1.2..4", 4, "expected an IPv4 octet (a number from 0 to 255)"},
      {"1.2.3.x", 6, "expected an IPv4 octet (a number from 0 to 255)"},
      {"0x1.2.3.4", 1, "invalid character in IPv4 address"},
      {"1.2.3.4x", 7, "invalid character in IPv4 address"},
      {"a.b.c.d", 0, "expected an IPv4 octet (a number from 0 to 255)"},
      {" 10.0.0.0", 0, "whitespace is not allowed in an IP network"},
      {"10.0.0.0 /8", 8, "whitespace is not allowed in an IP network"},
      {"10.0.0.0/ 8", 9, "whitespace is not allowed in an IP network"},
      {"10.0.0.0/8\n", 10, "whitespace is not allowed in an IP network"},
      {"1::2::3", 4, "'::' may appear only once in an IPv6 address"},
      {":1::", 0, "IPv6 address cannot start with a single ':'"},
      {":", 0, "IPv6 address cannot start with a single ':'"},
      {"1::2:", 4, "IPv6 address cannot end with a single ':'"},
      {"1:::2", 3, "expected a group of 1 to 4 hex digits"},
      {":::", 2, "expected a group of 1 to 4 hex digits"},
      {"::g", 2, "expected a group of 1 to 4 hex digits"},
      {"1:-2::", 2, "expected a group of 1 to 4 hex digits"},
      {"1g::", 1, "invalid character in IPv6 address"},
      {"12345::", 0, "IPv6 group has more than 4 hex digits"},
      {"::00000", 2, "IPv6 group has more than 4 hex digits"},
      {"1:2:3:4:5:6:7:8:9", 16, "IPv6 address has more than 8 groups"},
      {"1:2:3:4:5:6:7", 13, "IPv6 address needs 8 groups or a '::'"},
      {"1:2:3:4:5:6:7/64", 13, "IPv6 address needs 8 groups or a '::'"},
      {"1:2:3:4::5:6:7:8", 7, "'::' stands for no group: the address already has 8"},
      {"::1:2:3:4:5:6:7:8", 0, "'::' stands for no group: the address already has 8"},
      {"fe80::1%eth0", 7, "zone index ('%...') is not allowed in an IPv6 network"},
      {"fe80::%eth0", 6, "zone index ('%...') is not allowed in an IPv6 network"},
      {"1:2:3:4:5:6:7:1.2.3.4", 14, "embedded IPv4 address leaves no room: over 8 groups"},
      {"::1.2.3", 7, "IPv4 address needs 4 octets"},
      {"::1.2.3.4:5", 9, "invalid character in IPv4 address"},
      {"::1.2.3.4::", 9, "invalid character in IPv4 address"},
      {"::01.2.3.4", 2, "IPv4 octet has a leading zero (octal to some tools); remove it"},
      {"::ffff:1.2.3.256", 13, "IPv4 octet is over 255"},
      {"1.2.3.4:80", 7, "invalid character in IPv4 address"},
  };
  return cr_make_param_array(struct Bad, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct Bad *c, cidr, parse_error) {
  Cidr network;
  bool host_bits = true;
  size_t offset = 999;
  const char *error = NULL;
  bool ok = cidr_parse(c->text, strlen(c->text), &network, &host_bits, &offset, &error);
  cr_assert_not(ok, "'%s' parsed", c->text);
  cr_assert_not(host_bits, "'%s'", c->text);
  cr_assert_str_eq(error, c->message, "'%s'", c->text);
  cr_assert_eq(offset, c->offset, "'%s': offset %zu, expected %zu", c->text, offset, c->offset);
}

Test(cidr, text_is_not_read_past_len) {
  Cidr network;
  cr_assert(cidr_parse("10.0.0.0/8 junk", 10, &network, NULL, NULL, NULL));
  cr_assert_eq(network.prefix, 8);
  cr_assert(cidr_parse("::1/128", 3, &network, NULL, NULL, NULL));
  cr_assert_eq(network.prefix, 128);
  cr_assert_not(cidr_parse("1.2.3.4\0", 8, &network, NULL, NULL, NULL));
}

/* ---- contains -------------------------------------------------------------------------------- */

struct Member {
  char network[48];
  char address[48];
  bool inside;
};

ParameterizedTestParameters(cidr, contains) {
  static struct Member cases[] = {
      {"0.0.0.0/0", "0.0.0.0", true},
      {"0.0.0.0/0", "255.255.255.255", true},
      {"0.0.0.0/0", "::ffff:1.2.3.4", true},
      {"0.0.0.0/0", "::1", false},
      {"0.0.0.0/0", "::", false},
      {"10.0.0.0/8", "10.0.0.0", true},
      {"10.0.0.0/8", "10.255.255.255", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"10.0.0.0/8", "9.255.255.255", false},
      {"10.1.2.3/8", "10.200.0.1", true},
      {"192.168.1.0/31", "192.168.1.0", true},
      {"192.168.1.0/31", "192.168.1.1", true},
      {"192.168.1.0/31", "192.168.1.2", false},
      {"192.168.1.0/31", "192.168.0.255", false},
      {"192.168.1.7/32", "192.168.1.7", true},
      {"192.168.1.7/32", "192.168.1.6", false},
      {"192.168.1.7/32", "192.168.1.8", false},
      {"172.16.0.0/12", "172.31.255.255", true},
      {"172.16.0.0/12", "172.32.0.0", false},
      {"::/0", "::", true},
      {"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
      {"::/0", "1.2.3.4", true},
      {"::1/128", "::1", true},
      {"::1/128", "0:0:0:0:0:0:0:1", true},
      {"::1/128", "0000:0000:0000:0000:0000:0000:0000:0001", true},
      {"::1/128", "::2", false},
      {"::1/128", "::", false},
      {"2001:db8::/32", "2001:db8::", true},
      {"2001:db8::/32", "2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", true},
      {"2001:db8::/32", "2001:db9::", false},
      {"2001:db8::/32", "2001:db7:ffff::", false},
      {"2001:db8::/127", "2001:db8::1", true},
      {"2001:db8::/127", "2001:db8::2", false},
      {"fe80::/10", "febf:ffff::1", true},
      {"fe80::/10", "fec0::1", false},
      {"10.0.0.0/8", "::ffff:10.1.2.3", true},
      {"10.0.0.0/8", "::ffff:a01:203", true},
      {"10.0.0.0/8", "::FFFF:0A01:0203", true},
      {"10.0.0.0/8", "::ffff:11.0.0.0", false},
      {"10.0.0.0/8", "::10.1.2.3", false},
      {"10.0.0.0/8", "::fffe:10.1.2.3", false},
      {"::ffff:0:0/96", "1.2.3.4", true},
      {"::ffff:10.0.0.0/104", "10.9.9.9", true},
      {"::ffff:10.0.0.0/104", "11.9.9.9", false},
      {"10.0.0.0/8", "10.1.2.3/32", false},
      {"10.0.0.0/8", "010.0.0.1", false},
      {"10.0.0.0/8", "10.1.2", false},
      {"10.0.0.0/8", "", false},
      {"10.0.0.0/8", "10.0.0.1 ", false},
      {"fe80::/10", "fe80::1%eth0", false},
      {"fe80::/10", "fe80::1::", false},
  };
  return cr_make_param_array(struct Member, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct Member *c, cidr, contains) {
  Cidr network;
  cr_assert(cidr_parse(c->network, strlen(c->network), &network, NULL, NULL, NULL));
  cr_assert_eq(cidr_contains(&network, c->address, strlen(c->address)), c->inside, "%s in %s",
               c->address, c->network);
}

/* ---- format ---------------------------------------------------------------------------------- */

Test(cidr, format_truncates_to_size) {
  Cidr network;
  cr_assert(cidr_parse("10.20.30.40/24", 14, &network, NULL, NULL, NULL));
  char buf[6] = "xxxxx";
  cidr_format(&network, buf, sizeof buf);
  cr_assert_str_eq(buf, "10.20");
  cidr_format(&network, buf, 0);
  cr_assert_str_eq(buf, "10.20");
}

Test(cidr, format_of_a_built_network) {
  Cidr network = {.family = 6, .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .prefix = 128};
  char text[64];
  cidr_format(&network, text, sizeof text);
  cr_assert_str_eq(text, "2001:db8::1/128");
}
