// STUB
#include "core/request.h"
namespace pg {
BuildResult build_request(const json&, const RequestLimits&) { return {}; }
bool is_reasoning_model(std::string_view) { return false; }
json to_json(const BuildResult& r) { return json{{"ok", r.ok}}; }
}
