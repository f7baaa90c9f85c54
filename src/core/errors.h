// Parses provider error bodies into one shape, whatever the provider's envelope.
#pragma once

#include "core/json_util.h"

#include <optional>
#include <string>
#include <string_view>

namespace pg {

struct ProviderError {
  // The provider's error type when it gives one ("invalid_request_error",
  // "authentication_error", "not_found_error", …). Otherwise what the body was:
  // "html" (a web page; message = its <title>), "text" (plain text), "empty" (no body),
  // "json" (JSON without a known envelope), or "error" (an envelope without a type, Azure).
  std::string type;
  std::optional<std::string> code;   // string or number code, as a string ("invalid_api_key", "401", "DeploymentNotFound")
  std::string message;               // the provider's message, single line, bounded length
  std::optional<std::string> param;  // OpenAI's `param` when present
};

ProviderError parse_error(int status, std::string_view content_type, std::string_view body);

json to_json(const ProviderError& error);  // {type, code, message, param?}

}  // namespace pg
