// Name-based UUIDs, version 5 (RFC 4122 §4.3): how the AISIX gateway derives a file
// resource's id from "<kind>/<identity>", so ids the relay shows match the gateway's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg {

using Uuid = std::array<std::uint8_t, 16>;

// "6ba7b811-9dad-11d1-80b4-00c04fd430c8" → bytes; nullopt unless exactly that 8-4-4-4-12 form.
std::optional<Uuid> parse_uuid(std::string_view text);
std::string format_uuid(const Uuid& uuid);  // lowercase 8-4-4-4-12

Uuid uuid_v5(const Uuid& name_space, std::string_view name);

}  // namespace pg
