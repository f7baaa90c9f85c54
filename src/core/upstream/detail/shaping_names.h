// Internal to the gateway shaping (gateway_shaping.cpp, shaping_config.cpp): which header and
// body field names carry a credential.
#pragma once

#include <string_view>

namespace pg::shaping_detail {

// A header or body field whose name says it carries a credential: its value is never shown
// to the browser, and answers are redacted against it like against the key itself.
bool credential_like(std::string_view name);

}  // namespace pg::shaping_detail
