#include "core/json_util.h"

#include <cctype>

namespace pg {

namespace {

// Maximum nesting of arrays/objects in `text`, stopping early once `limit` is passed.
// Brackets inside strings do not count.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

ParseOutcome parse_json(std::string_view text, std::size_t max_depth) {
  ParseOutcome out;
  if (nesting_depth(text, max_depth) > max_depth) {
    out.error = "JSON nests deeper than " + std::to_string(max_depth) + " levels";
    return out;
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    // nlohmann does not report a position without exceptions; find the first
    // non-space character to at least say whether it was empty or not JSON at all.
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) out.error = "empty body where JSON was expected";
    else if (text[i] != '{' && text[i] != '[' && text[i] != '"')
      out.error = "not JSON: starts with \"" + excerpt(text.substr(i), 40) + "\"";
    else out.error = "malformed or truncated JSON";
    return out;
  }
  out.value = std::move(value);
  return out;
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

const json* member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* string_member(const json& object, std::string_view key) {
  const json* m = member(object, key);
  return (m && m->is_string()) ? m->get_ptr<const std::string*>() : nullptr;
}

std::optional<double> number_member(const json& object, std::string_view key) {
  const json* m = member(object, key);
  if (!m || !m->is_number()) return std::nullopt;
  return m->get<double>();
}

std::string media_type(std::string_view content_type) {
  std::string out;
  for (char c : content_type) {
    if (c == ';') break;
    if (!std::isspace(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars + 3));
  bool last_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      if (!last_space && !out.empty()) out.push_back(' ');
      last_space = true;
      continue;
    }
    last_space = false;
    if (out.size() >= max_chars) {
      while (!out.empty() && out.back() == ' ') out.pop_back();  // stay within max_chars + "..."
      // Do not cut a UTF-8 sequence in half.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
      out += "...";
      return out;
    }
    out.push_back(static_cast<char>(c < 0x20 ? ' ' : c));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace pg
