// Classifies an IP address for the relay's SSRF guard (docs/relay.md): only public unicast
// addresses are allowed by default.
#pragma once

#include "core/base/json_util.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg {

struct AddressClass {
  // "public", "loopback", "private", "link_local", "metadata", "cgnat", "unique_local",
  // "multicast", "broadcast", "unspecified", "documentation", "benchmarking", "reserved",
  // "site_local", "invalid". IPv4-mapped / -compatible IPv6, NAT64, 6to4 and Teredo are
  // classified by the IPv4 address they embed (category says which, e.g. "private").
  std::string category;
  bool allowed_by_default = false;  // true only for "public"
  std::string detail;               // e.g. "IPv4-mapped IPv6 of 10.0.0.1", "AWS/GCP/Azure metadata"
  std::string normalized;           // canonical text of the address ("" when invalid)
};

// `ip` is an address as a resolver returns it ("10.1.2.3", "::ffff:10.1.2.3", "fe80::1%eth0").
// Also accepts the numeric IPv4 forms the network stack accepts (2130706433, 0x7f.1,
// 0177.0.0.1, 127.1) so a literal host cannot slip past the guard.
AddressClass classify_address(std::string_view ip);

json to_json(const AddressClass& c);  // {category, allowedByDefault, detail, normalized}

// The parsers and printers behind classify_address, shared with upstream.cpp so that a
// literal host in a base URL is read exactly as the guard reads it.
using Ipv6Bytes = std::array<std::uint8_t, 16>;

// IPv4 in every form glibc's inet_aton accepts (1 to 4 parts; each part decimal, 0x-hex or
// 0-octal; the last part fills the remaining bytes), with no trailing text (like the
// resolver's own __inet_aton_exact). Host byte order.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);

// IPv6 text (RFC 4291 §2.2: groups, one "::", a dotted-quad tail), case-insensitive; no
// brackets and no zone id ("%eth0") here: classify_address strips those.
std::optional<Ipv6Bytes> parse_ipv6(std::string_view text);

std::string format_ipv4(std::uint32_t address);  // dotted decimal
// RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of two or more
// zero groups as "::"; IPv4-mapped addresses keep a dotted tail (::ffff:192.0.2.1, §5).
std::string format_ipv6(const Ipv6Bytes& address);

}  // namespace pg
