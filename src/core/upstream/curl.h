// "Copy as curl": the upstream call as a shell command, with $PROVIDER_KEY where the key goes.
#pragma once

#include "core/base/json_util.h"
#include "core/upstream/upstream.h"

#include <string>

namespace pg {

// The command for `plan` (from plan_chat_call) and the exact body the relay would send.
// The key never appears: the command reads it from the PROVIDER_KEY environment variable.
std::string curl_command(const UpstreamPlan& plan, const json& body);

// POSIX shell single-quoting: the text comes back as one word, whatever it holds.
std::string shell_quote(std::string_view text);

}  // namespace pg
