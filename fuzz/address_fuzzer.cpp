// classify_address() and the IPv4/IPv6 parsers behind it, on arbitrary text. Invariants:
// only "public" is allowed; an address is invalid exactly when it has no normalised form;
// classifying the normalised form gives the same answer (no second reading can differ,
// which is what the SSRF guard relies on); the printers round-trip through the parsers.
#include "core/upstream/address.h"
#include "fuzz_util.h"

#include <set>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::set<std::string> kCategories = {"public",    "loopback",    "private",       "link_local",
                                                    "metadata",  "cgnat",       "unique_local",  "multicast",
                                                    "broadcast", "unspecified", "documentation", "benchmarking",
                                                    "reserved",  "site_local",  "invalid"};
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const pg::AddressClass c = pg::classify_address(text);
  pgfuzz::checked_dump(pg::to_json(c));
  PGFUZZ_CHECK(kCategories.count(c.category) == 1);
  PGFUZZ_CHECK(c.allowed_by_default == (c.category == "public"));
  PGFUZZ_CHECK((c.category == "invalid") == c.normalized.empty());
  if (!c.normalized.empty()) {
    const pg::AddressClass again = pg::classify_address(c.normalized);
    PGFUZZ_CHECK(again.category == c.category);
    PGFUZZ_CHECK(again.normalized == c.normalized);
    PGFUZZ_CHECK(again.allowed_by_default == c.allowed_by_default);
  }

  if (auto v4 = pg::parse_ipv4(text)) PGFUZZ_CHECK(pg::parse_ipv4(pg::format_ipv4(*v4)) == v4);
  if (auto v6 = pg::parse_ipv6(text)) PGFUZZ_CHECK(pg::parse_ipv6(pg::format_ipv6(*v6)) == v6);
  return 0;
}
