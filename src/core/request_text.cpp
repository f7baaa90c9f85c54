// Text helpers and messages for the chat-body builder (request_detail.h).
#include "core/request_detail.h"

#include <cmath>
#include <cstdio>

namespace pg::request_detail {

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool starts_with_nocase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i)
    if (lower(s[i]) != lower_prefix[i]) return false;
  return true;
}

bool mentions_json(std::string_view s) {
  for (std::size_t i = 0; i + 4 <= s.size(); ++i)
    if (starts_with_nocase(s.substr(i, 4), "json")) return true;
  return false;
}

std::string quote_user(std::string_view s) { return "\"" + excerpt(s, 60) + "\""; }

std::string path_key(std::string_view base, std::string_view key) {
  std::string shown = excerpt(key, 64);  // keys come from the user too
  return base.empty() ? shown : std::string(base) + "." + shown;
}
std::string path_index(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

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
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return dump_json(json(v));
}

std::string human_bytes(std::size_t n, bool round_up) {
  if (n < 1024) return std::to_string(n) + (n == 1 ? " byte" : " bytes");
  const bool mb = n >= (1u << 20);
  double units = static_cast<double>(n) / (mb ? 1048576.0 : 1024.0);
  units = round_up ? std::ceil(units * 10.0) / 10.0 : std::round(units * 10.0) / 10.0;
  char buf[32];
  if (std::floor(units) == units) std::snprintf(buf, sizeof buf, "%.0f", units);
  else std::snprintf(buf, sizeof buf, "%.1f", units);
  return std::string(buf) + (mb ? " MB" : " KB");
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

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

}  // namespace pg::request_detail
