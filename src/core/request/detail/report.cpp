// Text helpers and messages for the chat-body builder (detail/builder.h).
#include "core/request/detail/builder.h"

#include <cmath>

namespace pg::request_detail {

bool mentions_json(std::string_view s) { return contains_nocase(s, "json"); }

std::string quote_user(std::string_view s) { return "\"" + excerpt(s, 60) + "\""; }

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "a number";
  }
}

std::string shown_value(const json& v) {
  if (v.is_string()) return quote_user(*v.get_ptr<const std::string*>());
  if (v.is_number()) return excerpt(dump_json(v), 40);
  return type_name(v);
}

std::string pretty_number(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return dump_json(json(v));
}

std::string human_bytes(std::size_t n, bool round_up) {
  if (n < 1024) return std::to_string(n) + (n == 1 ? " byte" : " bytes");
  const bool mb = n >= (1u << 20);
  double units = static_cast<double>(n) / (mb ? 1048576.0 : 1024.0);
  units = round_up ? std::ceil(units * 10.0) / 10.0 : std::round(units * 10.0) / 10.0;
  return fixed_decimal(units, std::floor(units) == units ? 0 : 1) + (mb ? " MB" : " KB");
}

bool nests_deeper_than(const json& root, std::size_t limit) {
  struct Frame {
    const json* value;
    std::size_t depth;
  };
  std::vector<Frame> stack{{&root, 1}};
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    if (!f.value->is_structured()) continue;
    if (f.depth > limit) return true;
    for (const auto& child : *f.value) stack.push_back({&child, f.depth + 1});
  }
  return false;
}

}  // namespace pg::request_detail
