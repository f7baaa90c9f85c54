// IP address classification for the relay's SSRF guard. The ranges follow the IANA IPv4
// and IPv6 special-purpose address registries (plus the multicast and reserved blocks of
// the address-space registries) and the metadata endpoints of the common clouds. Everything
// is first-match-wins over tables ordered from most to least specific.
#include "core/upstream/address.h"

#include "core/base/text.h"

#include <cstddef>

namespace pg {
namespace {

// One inet_aton part starting at text[i] (which must be a digit): C-style base detection
// like strtoul(…, 0). Stops at the first character that is not a digit of the base, as
// strtoul does, so "08" reads as "0" followed by a stray "8" (which the caller refuses).
// Values above 32 bits are refused, however many leading zeros come first.
std::optional<std::uint32_t> read_aton_part(std::string_view text, std::size_t& i) {
  std::uint64_t value = 0;
  unsigned base = 10;
  if (text[i] == '0') {
    base = 8;
    if (i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X') && i + 2 < text.size() &&
        hex_value(text[i + 2]) >= 0) {
      base = 16;
      i += 2;
    }
  }
  for (; i < text.size(); ++i) {
    int d = hex_value(text[i]);
    if (d < 0 || static_cast<unsigned>(d) >= base) break;
    value = value * base + static_cast<unsigned>(d);
    if (value > 0xffffffffULL) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

// The strict dotted quad inet_pton uses for the tail of an IPv6 address: exactly four
// decimal parts 0–255, no leading zeros.
std::optional<std::uint32_t> parse_dotted_quad(std::string_view text) {
  std::uint32_t out = 0;
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    std::size_t start = i;
    unsigned value = 0;
    while (i < text.size() && is_digit(text[i]) && i - start < 3) value = value * 10 + (text[i++] - '0');
    std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && text[start] == '0')) return std::nullopt;
    out = (out << 8) | value;
  }
  if (i != text.size()) return std::nullopt;
  return out;
}

struct Range4 {
  std::uint32_t base;
  int prefix;
  const char* category;
  const char* detail;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Most specific first: the metadata hosts sit inside link-local / CGNAT, and the limited
// broadcast address inside 240/4.
constexpr Range4 kIpv4Ranges[] = {
    {v4(169, 254, 169, 254), 32, "metadata",
     "169.254.169.254: cloud instance metadata service (AWS, GCP, Azure, OCI, …)"},
    {v4(169, 254, 170, 2), 32, "metadata", "169.254.170.2: AWS ECS task metadata and credentials endpoint"},
    {v4(169, 254, 170, 23), 32, "metadata", "169.254.170.23: AWS EKS Pod Identity credentials agent"},
    {v4(100, 100, 100, 200), 32, "metadata", "100.100.100.200: Alibaba Cloud metadata service"},
    // A public-space address, so only this entry keeps it from being "public".
    {v4(168, 63, 129, 16), 32, "metadata", "168.63.129.16: Azure platform endpoint (WireServer, DNS, health probes)"},
    {v4(255, 255, 255, 255), 32, "broadcast", "255.255.255.255: limited broadcast"},
    {v4(0, 0, 0, 0), 8, "unspecified", "0.0.0.0/8: \"this network\"; connecting to it reaches the local host"},
    {v4(10, 0, 0, 0), 8, "private", "10.0.0.0/8: private network (RFC 1918)"},
    {v4(100, 64, 0, 0), 10, "cgnat", "100.64.0.0/10: carrier-grade NAT shared space (RFC 6598)"},
    {v4(127, 0, 0, 0), 8, "loopback", "127.0.0.0/8: loopback (this machine)"},
    {v4(169, 254, 0, 0), 16, "link_local", "169.254.0.0/16: link-local"},
    {v4(172, 16, 0, 0), 12, "private", "172.16.0.0/12: private network (RFC 1918)"},
    {v4(192, 0, 0, 0), 24, "reserved", "192.0.0.0/24: IETF protocol assignments"},
    {v4(192, 0, 2, 0), 24, "documentation", "192.0.2.0/24: documentation (TEST-NET-1)"},
    {v4(192, 88, 99, 0), 24, "reserved", "192.88.99.0/24: 6to4 relay anycast (deprecated)"},
    {v4(192, 168, 0, 0), 16, "private", "192.168.0.0/16: private network (RFC 1918)"},
    {v4(198, 18, 0, 0), 15, "benchmarking", "198.18.0.0/15: benchmarking (RFC 2544)"},
    {v4(198, 51, 100, 0), 24, "documentation", "198.51.100.0/24: documentation (TEST-NET-2)"},
    {v4(203, 0, 113, 0), 24, "documentation", "203.0.113.0/24: documentation (TEST-NET-3)"},
    {v4(224, 0, 0, 0), 4, "multicast", "224.0.0.0/4: multicast"},
    {v4(240, 0, 0, 0), 4, "reserved", "240.0.0.0/4: reserved for future use"},
};

bool in_range4(std::uint32_t address, std::uint32_t base, int prefix) {
  std::uint32_t mask = prefix == 0 ? 0 : 0xffffffffU << (32 - prefix);
  return (address & mask) == (base & mask);
}

AddressClass classify_ipv4(std::uint32_t address) {
  AddressClass out;
  out.normalized = format_ipv4(address);
  for (const auto& r : kIpv4Ranges) {
    if (in_range4(address, r.base, r.prefix)) {
      out.category = r.category;
      out.detail = r.detail;
      return out;
    }
  }
  out.category = "public";
  out.detail = "public unicast address";
  out.allowed_by_default = true;
  return out;
}

struct Range6 {
  Ipv6Bytes base;
  int prefix;
  const char* category;
  const char* detail;
};

bool in_range6(const Ipv6Bytes& a, const Ipv6Bytes& base, int prefix) {
  for (int bit = 0; bit < prefix; bit += 8) {
    int bits = prefix - bit >= 8 ? 8 : prefix - bit;
    auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a[bit / 8] & mask) != (base[bit / 8] & mask)) return false;
  }
  return true;
}

// Builds a 16-byte prefix from up to eight leading groups.
constexpr Ipv6Bytes v6(std::uint16_t g0, std::uint16_t g1 = 0, std::uint16_t g2 = 0, std::uint16_t g3 = 0,
                       std::uint16_t g4 = 0, std::uint16_t g5 = 0, std::uint16_t g6 = 0, std::uint16_t g7 = 0) {
  return Ipv6Bytes{
      static_cast<std::uint8_t>(g0 >> 8), static_cast<std::uint8_t>(g0),      static_cast<std::uint8_t>(g1 >> 8),
      static_cast<std::uint8_t>(g1),      static_cast<std::uint8_t>(g2 >> 8), static_cast<std::uint8_t>(g2),
      static_cast<std::uint8_t>(g3 >> 8), static_cast<std::uint8_t>(g3),      static_cast<std::uint8_t>(g4 >> 8),
      static_cast<std::uint8_t>(g4),      static_cast<std::uint8_t>(g5 >> 8), static_cast<std::uint8_t>(g5),
      static_cast<std::uint8_t>(g6 >> 8), static_cast<std::uint8_t>(g6),      static_cast<std::uint8_t>(g7 >> 8),
      static_cast<std::uint8_t>(g7)};
}

// Ranges that are classified on their own (the ones carrying an IPv4 address are handled
// in classify_ipv6 before this table). Most specific first. Whatever is left of 2001::/23
// after its named blocks is refused as "reserved", as 192.0.0.0/24 is for IPv4: no LLM
// endpoint lives in protocol-assignment space.
const Range6 kIpv6Ranges[] = {
    {v6(0x64, 0xff9b, 0x1), 48, "reserved", "64:ff9b:1::/48: local-use IPv4/IPv6 translation (RFC 8215)"},
    {v6(0x100), 64, "reserved", "100::/64: discard-only (RFC 6666)"},
    {v6(0x2001, 0xdb8), 32, "documentation", "2001:db8::/32: documentation"},
    {v6(0x2001, 0x2), 48, "benchmarking", "2001:2::/48: benchmarking (RFC 5180)"},
    {v6(0x2001, 0x10), 28, "reserved", "2001:10::/28: ORCHID (deprecated)"},
    {v6(0x2001, 0x20), 28, "reserved", "2001:20::/28: ORCHIDv2 (cryptographic identifiers, not locators)"},
    {v6(0x2001), 23, "reserved", "2001::/23: IETF protocol assignments"},
    {v6(0x3fff), 20, "documentation", "3fff::/20: documentation (RFC 9637)"},
    {v6(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254), 128, "metadata", "fd00:ec2::254: AWS instance metadata service (IPv6)"},
    {v6(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23), 128, "metadata",
     "fd00:ec2::23: AWS EKS Pod Identity credentials agent (IPv6)"},
    {v6(0xfc00), 7, "unique_local", "fc00::/7: unique local (private network)"},
    {v6(0xfe80), 10, "link_local", "fe80::/10: link-local"},
    {v6(0xfec0), 10, "site_local", "fec0::/10: site-local (deprecated)"},
    {v6(0xff00), 8, "multicast", "ff00::/8: multicast"},
};

std::uint32_t embedded_ipv4(const Ipv6Bytes& a, std::size_t first_byte) {
  return (std::uint32_t{a[first_byte]} << 24) | (std::uint32_t{a[first_byte + 1]} << 16) |
         (std::uint32_t{a[first_byte + 2]} << 8) | std::uint32_t{a[first_byte + 3]};
}

// An IPv6 address that carries an IPv4 address is as dangerous as that IPv4 address: the
// stack or a translator on the path may deliver it there.
AddressClass via_ipv4(const Ipv6Bytes& a, std::uint32_t inner, const char* kind) {
  AddressClass in = classify_ipv4(inner);
  AddressClass out;
  out.category = in.category;
  out.allowed_by_default = in.allowed_by_default;
  out.detail = std::string(kind) + " of " + in.normalized + ": " + in.detail;
  out.normalized = format_ipv6(a);
  return out;
}

AddressClass classify_ipv6(const Ipv6Bytes& a) {
  static const Ipv6Bytes kZero{};
  AddressClass out;
  out.normalized = format_ipv6(a);
  if (a == kZero) {
    out.category = "unspecified";
    out.detail = "::/128: unspecified address; connecting to it reaches the local host";
    return out;
  }
  if (a == v6(0, 0, 0, 0, 0, 0, 0, 1)) {
    out.category = "loopback";
    out.detail = "::1/128: loopback (this machine)";
    return out;
  }
  if (in_range6(a, v6(0, 0, 0, 0, 0, 0xffff), 96))
    return via_ipv4(a, embedded_ipv4(a, 12), "IPv4-mapped IPv6 (::ffff:0:0/96)");
  if (in_range6(a, kZero, 96)) return via_ipv4(a, embedded_ipv4(a, 12), "IPv4-compatible IPv6 (::/96, deprecated)");
  if (in_range6(a, v6(0x64, 0xff9b), 96)) return via_ipv4(a, embedded_ipv4(a, 12), "NAT64 IPv6 (64:ff9b::/96)");
  if (in_range6(a, v6(0x2001), 32))  // Teredo: the client's IPv4 is stored inverted
    return via_ipv4(a, embedded_ipv4(a, 12) ^ 0xffffffffU, "Teredo IPv6 (2001::/32) of client");
  if (in_range6(a, v6(0x2002), 16)) return via_ipv4(a, embedded_ipv4(a, 2), "6to4 IPv6 (2002::/16)");
  for (const auto& r : kIpv6Ranges) {
    if (in_range6(a, r.base, r.prefix)) {
      out.category = r.category;
      out.detail = r.detail;
      return out;
    }
  }
  if (!in_range6(a, v6(0x2000), 3)) {
    out.category = "reserved";
    out.detail = "outside the global unicast range 2000::/3";
    return out;
  }
  out.category = "public";
  out.detail = "public unicast address";
  out.allowed_by_default = true;
  return out;
}

// Interface names and numeric indices; anything else after '%' is not a zone id.
bool valid_zone(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return false;
  for (char c : zone) {
    bool ok = is_alnum(c) || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

AddressClass invalid(const char* why) {
  AddressClass out;
  out.category = "invalid";
  out.detail = why;
  return out;
}

}  // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  // Each part must start with a digit (no sign, no space, no empty part), at most four
  // parts, each dotted part is one byte, and the last fills what is left.
  static constexpr std::uint32_t kLastPartMax[4] = {0xffffffffU, 0xffffffU, 0xffffU, 0xffU};
  std::uint32_t high = 0;
  int dotted = 0;
  std::size_t i = 0;
  for (;;) {
    if (i >= text.size() || !is_digit(text[i])) return std::nullopt;
    auto part = read_aton_part(text, i);
    if (!part) return std::nullopt;
    if (i < text.size() && text[i] == '.') {
      if (dotted >= 3 || *part > 0xff) return std::nullopt;
      high |= *part << (24 - 8 * dotted);
      ++dotted;
      ++i;
      continue;
    }
    if (i != text.size() || *part > kLastPartMax[dotted]) return std::nullopt;
    return high | *part;
  }
}

std::optional<Ipv6Bytes> parse_ipv6(std::string_view text) {
  std::uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // index in `groups` where "::" stands
  std::size_t i = 0;
  if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
    gap = 0;
    i = 2;
  } else if (!text.empty() && text[0] == ':') {
    return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  while (i < text.size()) {
    if (count >= 8) return std::nullopt;
    std::size_t start = i;
    while (i < text.size() && hex_value(text[i]) >= 0) ++i;
    if (i < text.size() && text[i] == '.') {
      // A dotted IPv4 tail fills the last two groups and ends the address.
      if (count > 6) return std::nullopt;
      auto tail = parse_dotted_quad(text.substr(start));
      if (!tail) return std::nullopt;
      groups[count++] = static_cast<std::uint16_t>(*tail >> 16);
      groups[count++] = static_cast<std::uint16_t>(*tail & 0xffff);
      i = text.size();
      break;
    }
    std::size_t digits = i - start;
    if (digits == 0 || digits > 4) return std::nullopt;
    unsigned value = 0;
    for (std::size_t k = start; k < i; ++k) value = value * 16 + static_cast<unsigned>(hex_value(text[k]));
    groups[count++] = static_cast<std::uint16_t>(value);
    if (i == text.size()) break;
    if (text[i] != ':') return std::nullopt;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (gap >= 0) return std::nullopt;  // a second "::"
      gap = count;
      ++i;
    } else if (i == text.size()) {
      return std::nullopt;  // a single trailing ':'
    }
  }
  if (gap < 0 && count != 8) return std::nullopt;
  if (gap >= 0 && count > 7) return std::nullopt;  // "::" must stand for at least one group
  std::uint16_t full[8] = {};
  if (gap < 0) {
    for (int k = 0; k < 8; ++k) full[k] = groups[k];
  } else {
    int tail = count - gap;
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = groups[gap + k];
  }
  Ipv6Bytes out{};
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
    out[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xff);
  }
  return out;
}

std::string format_ipv4(std::uint32_t address) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (shift != 24) out.push_back('.');
    out += std::to_string((address >> shift) & 0xff);
  }
  return out;
}

std::string format_ipv6(const Ipv6Bytes& a) {
  std::uint16_t g[8];
  for (int k = 0; k < 8; ++k) g[k] = static_cast<std::uint16_t>((a[2 * k] << 8) | a[2 * k + 1]);
  bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
  int groups = mapped ? 6 : 8;  // a mapped address prints its last 32 bits dotted
  int best = -1, best_len = 0;
  for (int k = 0; k < groups;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int run = k;
    while (k < groups && g[k] == 0) ++k;
    if (k - run > best_len) {
      best = run;
      best_len = k - run;
    }
  }
  if (best_len < 2) best = -1;  // RFC 5952 §4.2.2: a lone zero group stays "0"
  std::string out;
  for (int k = 0; k < groups; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nibble = (g[k] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out.push_back(hex_digit(nibble));
        started = true;
      }
    }
  }
  if (mapped) {
    if (out.back() != ':') out.push_back(':');
    out += format_ipv4(embedded_ipv4(a, 12));
  }
  return out;
}

AddressClass classify_address(std::string_view ip) {
  if (ip.empty()) return invalid("empty address");
  // A URL host carries an IPv6 literal in brackets; accept it so callers need not strip.
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') {
    ip = ip.substr(1, ip.size() - 2);
    if (ip.find(':') == std::string_view::npos) return invalid("brackets hold only IPv6 addresses");
  }
  if (ip.find(':') != std::string_view::npos) {
    std::size_t percent = ip.find('%');
    if (percent != std::string_view::npos) {
      // The zone only picks the interface; the address alone decides where it goes.
      if (!valid_zone(ip.substr(percent + 1))) return invalid("malformed IPv6 zone id after '%'");
      ip = ip.substr(0, percent);
    }
    auto a = parse_ipv6(ip);
    if (!a) return invalid("not a valid IPv6 address");
    return classify_ipv6(*a);
  }
  auto a = parse_ipv4(ip);
  if (!a) return invalid("not a valid IPv4 or IPv6 address");
  return classify_ipv4(*a);
}

json to_json(const AddressClass& c) {
  return json{{"category", c.category},
              {"allowedByDefault", c.allowed_by_default},
              {"detail", c.detail},
              {"normalized", c.normalized}};
}

}  // namespace pg
