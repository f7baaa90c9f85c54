// SHA-256, for the one place the resources file needs it: an `api_keys` entry's `key_env`
// plaintext becomes its `key_hash` (lowercase hex), as the gateway hashes it, so two entries
// holding the same caller key are found whichever way each was written.
#pragma once

#include <string>
#include <string_view>

namespace pg::resources_detail {

std::string sha256_hex(std::string_view data);

}  // namespace pg::resources_detail
