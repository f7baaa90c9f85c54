// The relay's check of a chat body sent by a browser: never trust it. The body is mapped
// back onto the playground form and built again by build_request, so the browser and the
// relay apply exactly the same rules; the model name always comes from the configuration.
#pragma once

#include "core/request/request.h"

#include <string_view>

namespace pg {

BuildResult check_chat_body(const json& body, std::string_view model_name, std::string_view provider,
                            const RequestLimits& limits = {});
// The same for a body the caller gives up (ChatRequest's): its parts are moved, not copied.
BuildResult check_chat_body(json&& body, std::string_view model_name, std::string_view provider,
                            const RequestLimits& limits = {});

}  // namespace pg
