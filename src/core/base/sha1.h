// SHA-1 (FIPS 180-4), only for UUIDv5 ids: the AISIX gateway derives a resource's id from its
// name with UUIDv5, and v5 is defined over SHA-1. Not for anything security-sensitive.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg {

using Sha1Digest = std::array<std::uint8_t, 20>;

// An incremental hasher, so a UUIDv5 can hash namespace bytes and name without joining them.
class Sha1 {
 public:
  Sha1();
  void update(std::string_view bytes);
  Sha1Digest finish();  // call once; the hasher is spent afterwards

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 5> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

Sha1Digest sha1(std::string_view bytes);
std::string to_hex(const Sha1Digest& digest);

}  // namespace pg
