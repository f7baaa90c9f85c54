// STUB
#include "core/response.h"
namespace pg {
json to_json(const Result& r) { return json{{"ok", r.ok()}}; }
Result validate_completion(std::string_view) { return {}; }
ChatStream::ChatStream(SseLimits limits) : decoder_(limits) {}
void ChatStream::push(std::string_view, json&) {}
Result ChatStream::end() { return {}; }
void ChatStream::on_event(const SseEvent&, json&) {}
}
