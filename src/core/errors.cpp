// STUB
#include "core/errors.h"
namespace pg {
ProviderError parse_error(int, std::string_view, std::string_view) { return {}; }
json to_json(const ProviderError& e) { return json{{"type", e.type}}; }
}
