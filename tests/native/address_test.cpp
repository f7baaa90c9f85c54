#include <doctest/doctest.h>

#include "core/upstream/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace pg;

namespace {

struct Case {
  const char* ip;
  const char* category;
  const char* normalized;  // nullptr: same as ip
};

void check_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.ip);
    AddressClass got = classify_address(c.ip);
    CHECK(got.category == c.category);
    CHECK(got.normalized == (c.normalized ? c.normalized : c.ip));
    CHECK(got.allowed_by_default == (std::string(c.category) == "public"));
    CHECK_FALSE(got.detail.empty());
  }
}

}  // namespace

TEST_CASE("address: IPv4 range boundaries, first and last inside and just outside") {
  check_cases({
      {"0.0.0.0", "unspecified", nullptr},
      {"0.255.255.255", "unspecified", nullptr},
      {"1.0.0.0", "public", nullptr},
      {"9.255.255.255", "public", nullptr},
      {"10.0.0.0", "private", nullptr},
      {"10.255.255.255", "private", nullptr},
      {"11.0.0.0", "public", nullptr},
      {"100.63.255.255", "public", nullptr},
      {"100.64.0.0", "cgnat", nullptr},
      {"100.127.255.255", "cgnat", nullptr},
      {"100.128.0.0", "public", nullptr},
      {"126.255.255.255", "public", nullptr},
      {"127.0.0.0", "loopback", nullptr},
      {"127.0.0.1", "loopback", nullptr},
      {"127.255.255.255", "loopback", nullptr},
      {"128.0.0.0", "public", nullptr},
      {"169.253.255.255", "public", nullptr},
      {"169.254.0.0", "link_local", nullptr},
      {"169.254.255.255", "link_local", nullptr},
      {"169.255.0.0", "public", nullptr},
      {"172.15.255.255", "public", nullptr},
      {"172.16.0.0", "private", nullptr},
      {"172.31.255.255", "private", nullptr},
      {"172.32.0.0", "public", nullptr},
      {"191.255.255.255", "public", nullptr},
      {"192.0.0.0", "reserved", nullptr},
      {"192.0.0.255", "reserved", nullptr},
      {"192.0.1.0", "public", nullptr},
      {"192.0.1.255", "public", nullptr},
      {"192.0.2.0", "documentation", nullptr},
      {"192.0.2.255", "documentation", nullptr},
      {"192.0.3.0", "public", nullptr},
      {"192.88.98.255", "public", nullptr},
      {"192.88.99.0", "reserved", nullptr},
      {"192.88.99.255", "reserved", nullptr},
      {"192.88.100.0", "public", nullptr},
      {"192.167.255.255", "public", nullptr},
      {"192.168.0.0", "private", nullptr},
      {"192.168.255.255", "private", nullptr},
      {"192.169.0.0", "public", nullptr},
      {"198.17.255.255", "public", nullptr},
      {"198.18.0.0", "benchmarking", nullptr},
      {"198.19.255.255", "benchmarking", nullptr},
      {"198.20.0.0", "public", nullptr},
      {"198.51.99.255", "public", nullptr},
      {"198.51.100.0", "documentation", nullptr},
      {"198.51.100.255", "documentation", nullptr},
      {"198.51.101.0", "public", nullptr},
      {"203.0.112.255", "public", nullptr},
      {"203.0.113.0", "documentation", nullptr},
      {"203.0.113.255", "documentation", nullptr},
      {"203.0.114.0", "public", nullptr},
      {"223.255.255.255", "public", nullptr},
      {"224.0.0.0", "multicast", nullptr},
      {"239.255.255.255", "multicast", nullptr},
      {"240.0.0.0", "reserved", nullptr},
      {"255.255.255.254", "reserved", nullptr},
      {"255.255.255.255", "broadcast", nullptr},
      {"8.8.8.8", "public", nullptr},
      {"1.1.1.1", "public", nullptr},
  });
}

TEST_CASE("address: cloud metadata addresses and their neighbours") {
  check_cases({
      {"169.254.169.253", "link_local", nullptr},
      {"169.254.169.254", "metadata", nullptr},
      {"169.254.169.255", "link_local", nullptr},
      {"169.254.170.1", "link_local", nullptr},
      {"169.254.170.2", "metadata", nullptr},
      {"169.254.170.3", "link_local", nullptr},
      {"169.254.170.23", "metadata", nullptr},
      {"100.100.100.199", "cgnat", nullptr},
      {"100.100.100.200", "metadata", nullptr},
      {"100.100.100.201", "cgnat", nullptr},
      // Azure's platform endpoint is in public space: only the explicit entry catches it.
      {"168.63.129.15", "public", nullptr},
      {"168.63.129.16", "metadata", nullptr},
      {"168.63.129.17", "public", nullptr},
      {"fd00:ec2::253", "unique_local", nullptr},
      {"fd00:ec2::254", "metadata", nullptr},
      {"fd00:ec2::23", "metadata", nullptr},
  });
  CHECK(classify_address("169.254.169.254").detail.find("metadata") != std::string::npos);
}

TEST_CASE("address: every numeric IPv4 form the network stack accepts") {
  check_cases({
      {"2130706433", "loopback", "127.0.0.1"},    // one 32-bit number
      {"0x7f000001", "loopback", "127.0.0.1"},    // hex
      {"0X7F000001", "loopback", "127.0.0.1"},    // upper-case prefix and digits
      {"017700000001", "loopback", "127.0.0.1"},  // octal
      {"0x7f.1", "loopback", "127.0.0.1"},        // 2 parts: 8 + 24 bits
      {"127.1", "loopback", "127.0.0.1"},
      {"127.0.1", "loopback", "127.0.0.1"},     // 3 parts: 8 + 8 + 16 bits
      {"0177.0.0.1", "loopback", "127.0.0.1"},  // leading-0 octal part
      {"0x7f.0x00.0x00.0x01", "loopback", "127.0.0.1"},
      {"127.0.0.01", "loopback", "127.0.0.1"},
      {"10.65537", "private", "10.1.0.1"},
      {"10.1.258", "private", "10.1.1.2"},
      {"169.254.43518", "metadata", "169.254.169.254"},
      {"0xa9fea9fe", "metadata", "169.254.169.254"},
      {"0xA9.0xFE.0xA9.0xFE", "metadata", "169.254.169.254"},
      {"2852039166", "metadata", "169.254.169.254"},
      {"0", "unspecified", "0.0.0.0"},
      {"0x0", "unspecified", "0.0.0.0"},
      {"4294967295", "broadcast", "255.255.255.255"},
      {"0xffffffff", "broadcast", "255.255.255.255"},
      {"037777777777", "broadcast", "255.255.255.255"},
      {"255.16777215", "broadcast", "255.255.255.255"},         // largest 2-part tail
      {"255.255.65535", "broadcast", "255.255.255.255"},        // largest 3-part tail
      {"0x00000000000000000000001", "unspecified", "0.0.0.1"},  // leading zeros do not overflow
      {"0000000000000000000000000177.0.0.1", "loopback", "127.0.0.1"},
      {"134744072", "public", "8.8.8.8"},
  });
  // Any number of leading zeros is still zero, as strtoul reads it.
  check_cases({{std::string(10000, '0').c_str(), "unspecified", "0.0.0.0"}});
}

TEST_CASE("address: out-of-range and malformed IPv4 forms are invalid") {
  const char* bad[] = {
      "",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.256.1.1",
      "1.1.256.1",
      "1.1.1.256",
      "127.16777216",
      "127.0.65536",
      "4294967296",
      "0x100000000",
      "99999999999999999999999",
      "08",
      "09.1.1.1",
      "0x",
      "0xg",
      "0x.1",
      "1..1",
      "1.2.3.",
      ".1.2.3",
      " 1.2.3.4",
      "1.2.3.4 ",
      "+1.2.3.4",
      "-1",
      "1.2.3.-4",
      "1.2.3.4x",
      "abc",
      "localhost",
      "1.2.3.4%eth0",
      "1,2,3,4",
      "[1.2.3.4]",
      "[]",
      "[",
      "]",
  };
  for (const char* ip : bad) {
    CAPTURE(ip);
    AddressClass got = classify_address(ip);
    CHECK(got.category == "invalid");
    CHECK_FALSE(got.allowed_by_default);
    CHECK(got.normalized.empty());
  }
}

TEST_CASE("address: IPv6 ranges, boundaries and the 2000::/3 rule") {
  check_cases({
      {"::", "unspecified", nullptr},
      {"::1", "loopback", nullptr},
      {"::2", "unspecified", nullptr},  // IPv4-compatible form of 0.0.0.2
      {"64:ff9b:1::", "reserved", nullptr},
      {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"64:ff9b:2::", "reserved", nullptr},  // outside 2000::/3 all the same
      {"100::", "reserved", nullptr},
      {"100::ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"2000::", "public", nullptr},
      {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "public", nullptr},
      {"2001:db8::", "documentation", nullptr},
      {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation", nullptr},
      {"2001:db9::", "public", nullptr},
      {"2001:1::1", "reserved", nullptr},  // rest of 2001::/23
      {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"2001:200::", "public", nullptr},
      {"2001:2::", "benchmarking", nullptr},
      {"2001:2:0:ffff:ffff:ffff:ffff:ffff", "benchmarking", nullptr},
      {"2001:2:1::", "reserved", nullptr},
      {"2001:10::", "reserved", nullptr},
      {"2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"2001:20::1", "reserved", nullptr},
      {"2002::", "unspecified", nullptr},  // 6to4 of 0.0.0.0
      {"2003::", "public", nullptr},
      {"2606:4700:4700::1111", "public", nullptr},
      {"2a00:1450:4001:82a::200e", "public", nullptr},
      {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public", nullptr},
      {"3fff::", "documentation", nullptr},
      {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation", nullptr},
      {"3fff:1000::", "public", nullptr},
      {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "public", nullptr},
      {"4000::", "reserved", nullptr},
      {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"fc00::", "unique_local", nullptr},
      {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique_local", nullptr},
      {"fe00::", "reserved", nullptr},
      {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", nullptr},
      {"fe80::", "link_local", nullptr},
      {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link_local", nullptr},
      {"fec0::", "site_local", nullptr},
      {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site_local", nullptr},
      {"ff00::", "multicast", nullptr},
      {"ff02::1", "multicast", nullptr},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast", nullptr},
  });
}

TEST_CASE("address: IPv6 text forms, normalisation (RFC 5952) and zone ids") {
  check_cases({
      {"0:0:0:0:0:0:0:1", "loopback", "::1"},
      {"0000:0000:0000:0000:0000:0000:0000:0001", "loopback", "::1"},
      {"::0:1", "loopback", "::1"},
      {"[::1]", "loopback", "::1"},
      {"FE80::1", "link_local", "fe80::1"},
      {"fe80::1%eth0", "link_local", "fe80::1"},
      {"fe80::1%3", "link_local", "fe80::1"},
      {"[fe80::a%en0]", "link_local", "fe80::a"},
      {"2001:DB8:0:0:1:0:0:1", "documentation", "2001:db8::1:0:0:1"},     // first of equal runs
      {"2001:db8:0:1:1:1:1:1", "documentation", "2001:db8:0:1:1:1:1:1"},  // a lone 0 stays
      {"2001:db8::0:0:1", "documentation", "2001:db8::1"},
      {"2001:0db8:0000:0000:0000:0000:0002:0001", "documentation", "2001:db8::2:1"},
      {"1:0:0:1:0:0:0:1", "reserved", "1:0:0:1::1"},  // the longer run wins
      {"2600::", "public", "2600::"},
      {"2600:1:2:3:4:5:6::", "public", "2600:1:2:3:4:5:6:0"},  // "::" for one group
      {"2600:1:2:3:4:5:0:0", "public", "2600:1:2:3:4:5::"},
      {"2600:0:0:3:4:5:6:7", "public", "2600::3:4:5:6:7"},
      {"2600::1.2.3.4", "public", "2600::102:304"},  // dotted tail outside the embedding ranges
      {"2600:1:2:3:4:5:1.2.3.4", "public", "2600:1:2:3:4:5:102:304"},
  });
}

TEST_CASE("address: IPv6 that embeds IPv4 is classified by the IPv4 inside") {
  check_cases({
      // IPv4-mapped (dotted and hex tails; normalised with a dotted tail).
      {"::ffff:10.0.0.1", "private", nullptr},
      {"::ffff:a00:1", "private", "::ffff:10.0.0.1"},
      {"::FFFF:127.0.0.1", "loopback", "::ffff:127.0.0.1"},
      {"::ffff:169.254.169.254", "metadata", nullptr},
      {"::ffff:8.8.8.8", "public", nullptr},
      {"0:0:0:0:0:ffff:192.168.1.1", "private", "::ffff:192.168.1.1"},
      {"::ffff:0.0.0.0", "unspecified", nullptr},
      // IPv4-compatible (deprecated).
      {"::127.0.0.1", "loopback", "::7f00:1"},
      {"::10.0.0.1", "private", "::a00:1"},
      {"::169.254.169.254", "metadata", "::a9fe:a9fe"},
      {"::8.8.8.8", "public", "::808:808"},
      // NAT64 well-known prefix.
      {"64:ff9b::10.0.0.1", "private", "64:ff9b::a00:1"},
      {"64:ff9b::127.0.0.1", "loopback", "64:ff9b::7f00:1"},
      {"64:ff9b::a9fe:a9fe", "metadata", nullptr},
      {"64:ff9b::808:808", "public", nullptr},
      // 6to4: the IPv4 address sits in bits 16-47.
      {"2002:a00:1::1", "private", nullptr},
      {"2002:7f00:1::", "loopback", nullptr},
      {"2002:a9fe:a9fe::1", "metadata", nullptr},
      {"2002:c0a8:101::1", "private", nullptr},
      {"2002:808:808::1", "public", nullptr},
      // Teredo: the client address is the last 32 bits inverted.
      {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "documentation", "2001:0:4136:e378:8000:63bf:3fff:fdd2"},  // 192.0.2.45
      {"2001::f5ff:fffe", "private", nullptr},                                                            // 10.0.0.1
      {"2001::80ff:fffe", "loopback", nullptr},                                                           // 127.0.0.1
      {"2001::5601:5601", "metadata", nullptr},  // 169.254.169.254
      {"2001::f7f7:f7f7", "public", nullptr},    // 8.8.8.8
  });
  AddressClass mapped = classify_address("::ffff:10.0.0.1");
  CHECK(mapped.detail.find("IPv4-mapped") != std::string::npos);
  CHECK(mapped.detail.find("10.0.0.1") != std::string::npos);
  CHECK(classify_address("2001::f5ff:fffe").detail.find("Teredo") != std::string::npos);
  CHECK(classify_address("2001::f5ff:fffe").detail.find("10.0.0.1") != std::string::npos);
  CHECK(classify_address("2002:a00:1::1").detail.find("6to4") != std::string::npos);
  CHECK(classify_address("64:ff9b::a00:1").detail.find("NAT64") != std::string::npos);
  CHECK(classify_address("::a00:1").detail.find("IPv4-compatible") != std::string::npos);
}

TEST_CASE("address: malformed IPv6 is invalid") {
  const char* bad[] = {
      ":",
      ":::",
      "::1::",
      "1::2::3",
      "gggg::",
      "::g",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      ":1::",
      "1::2:",
      ":1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8:",
      "::ffff:1.2.3",
      "::ffff:1.2.3.4.5",
      "::ffff:256.1.1.1",
      "::ffff:01.2.3.4",
      "::ffff:1.2.3.4:1",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3.4x",
      "fe80::1%",
      "fe80::1%eth 0",
      "fe80::1%a%b",
      "[::1",
      "::1]",
      "[[::1]]",
      "1:2:3:4:5:6:7:8%",
      "- ::1",
      "::1 ",
      " ::1",
      "::-1",
      "0x1::",
      "1.2.3.4::",
  };
  for (const char* ip : bad) {
    CAPTURE(ip);
    CHECK(classify_address(ip).category == "invalid");
  }
}

TEST_CASE("address: huge inputs are refused quickly, not crashed on") {
  const std::string inputs[] = {
      std::string(10240, '1'),
      std::string(10240, 'a'),
      std::string(10240, ':'),
      std::string(10240, '.'),
      "fe80::1%" + std::string(10240, 'e'),
      [] {
        std::string s;
        for (int i = 0; i < 2048; ++i) s += "1:";
        return s;
      }(),
      [] {
        std::string s = "1";
        for (int i = 0; i < 2048; ++i) s += ".1";
        return s;
      }(),
      "::ffff:" + std::string(10240, '9'),
  };
  for (const auto& ip : inputs) CHECK(classify_address(ip).category == "invalid");
}

TEST_CASE("address: to_json has the binding's shape") {
  json j = to_json(classify_address("::ffff:169.254.169.254"));
  CHECK(j["category"] == "metadata");
  CHECK(j["allowedByDefault"] == false);
  CHECK(j["normalized"] == "::ffff:169.254.169.254");
  CHECK(j["detail"].is_string());
  CHECK(j.size() == 4);
  CHECK(to_json(classify_address("8.8.8.8"))["allowedByDefault"] == true);
  CHECK(to_json(classify_address("nope"))["category"] == "invalid");
}

// Differential checks against glibc: the guard must read every text exactly as the resolver
// and the socket layer do. A fixed-seed generator keeps failures reproducible.
namespace {

struct Rng {
  std::uint64_t state;
  std::uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  }
  std::size_t below(std::size_t n) { return next() % n; }
};

std::string random_text(Rng& rng, const char* alphabet, std::size_t max_len) {
  std::size_t n = std::strlen(alphabet);
  std::string s(1 + rng.below(max_len), ' ');
  for (char& c : s) c = alphabet[rng.below(n)];
  return s;
}

std::string random_ipv6_like(Rng& rng) {
  static const char* kPieces[] = {
      "0", "1", "ffff", "FFFF", "db8", "0000", "12345", "a", "", "1.2.3.4", "01.2.3.4", "255.255.255.255", "7f00", "g"};
  std::string s;
  std::size_t parts = rng.below(11);
  for (std::size_t i = 0; i < parts; ++i) {
    if (i > 0) s += rng.below(6) == 0 ? "::" : ":";
    s += kPieces[rng.below(sizeof kPieces / sizeof *kPieces)];
  }
  if (rng.below(4) == 0) s = "::" + s;
  return s;
}

}  // namespace

TEST_CASE("address: parse_ipv4 accepts exactly what glibc inet_aton accepts") {
  Rng rng{42};
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s = random_text(rng, i % 2 ? "0123456789." : "0123456789xXaAfFg.", 16);
    struct in_addr glibc_addr {};
    int glibc_ok = inet_aton(s.c_str(), &glibc_addr);
    auto ours = parse_ipv4(s);
    CAPTURE(s);
    REQUIRE(ours.has_value() == (glibc_ok != 0));
    if (ours) {
      REQUIRE(*ours == ntohl(glibc_addr.s_addr));
      ++accepted;
    }
  }
  CHECK(accepted > 1000);  // the generator reaches the accepting paths too
}

TEST_CASE("address: parse_ipv6 and format_ipv6 agree with glibc inet_pton / inet_ntop") {
  Rng rng{7};
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s = i % 3 ? random_ipv6_like(rng) : random_text(rng, "0123456789abcdefABCDEF:.g", 40);
    unsigned char glibc_bytes[16];
    int glibc_ok = inet_pton(AF_INET6, s.c_str(), glibc_bytes);
    auto ours = parse_ipv6(s);
    CAPTURE(s);
    REQUIRE(ours.has_value() == (glibc_ok == 1));
    if (!ours) continue;
    ++accepted;
    REQUIRE(std::memcmp(ours->data(), glibc_bytes, 16) == 0);
    // glibc prints ::a.b.c.d for IPv4-compatible addresses where RFC 5952 (and we) print
    // hex; compare the text elsewhere.
    bool compat = true;
    for (int k = 0; k < 10; ++k) compat = compat && glibc_bytes[k] == 0;
    if (compat) continue;
    char text[INET6_ADDRSTRLEN];
    REQUIRE(inet_ntop(AF_INET6, glibc_bytes, text, sizeof text) != nullptr);
    REQUIRE(format_ipv6(*ours) == text);
    // And the canonical text reads back as the same address.
    REQUIRE(parse_ipv6(format_ipv6(*ours)) == ours);
  }
  CHECK(accepted > 1000);
}
