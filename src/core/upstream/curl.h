// "Copy as curl": the relay's upstream call as a shell command, with $PROVIDER_KEY where the
// key goes.
#pragma once

#include "core/base/json_util.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

// A call as the relay makes it (its model list's `call`: docs/contracts.md). The command is
// made from that plan, never planned again here, so it shows the URL and headers the relay
// sends; the page then needs none of the URL planner.
struct CurlCall {
  std::string url;
  std::string key_header;  // the header that carries the key ("authorization", "api-key")
  std::string key_scheme;  // written before the key ("Bearer " or "")
  // Every other header in the order sent: the relay's own, then the key's default headers. A
  // later header replaces an earlier one of the same name in its place, as the relay's header
  // object does; one named key_header is left out (the relay's list shows the key as a
  // placeholder there).
  std::vector<std::pair<std::string, std::string>> headers;
};

// The command for `call` and the exact body the relay would send. The key never appears: the
// command reads it from the PROVIDER_KEY environment variable.
std::string curl_command(const CurlCall& call, const json& body);

// POSIX shell single-quoting: the text comes back as one word, whatever it holds.
std::string shell_quote(std::string_view text);

}  // namespace pg
