// The body sniffers (body_sniff.h).
#include "core/provider/body_sniff.h"

#include "core/base/text.h"

#include <algorithm>

namespace pg::sniff {

namespace {

bool media_is(std::string_view content_type, std::string_view a, std::string_view b = {}) {
  if (content_type.empty()) return false;
  const std::string media = media_type(content_type);
  return media == a || (!b.empty() && media == b);
}

// The value of an event-stream field line: what follows "<name>:" and one optional space.
std::string_view field_value(std::string_view line, std::string_view lower_name_colon) {
  if (!starts_with_nocase(line, lower_name_colon)) return {};
  std::string_view value = line.substr(lower_name_colon.size());
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

}  // namespace

std::string_view content_start(std::string_view body) { return trim_start(skip_bom(body)); }

bool is_html(std::string_view body, std::string_view content_type) {
  if (media_is(content_type, "text/html", "application/xhtml+xml")) return true;
  const std::string_view t = content_start(body);
  if (t.empty() || t.front() != '<') return false;
  for (std::string_view tag : {"<!doctype html", "<html", "<head", "<body", "<title", "<h1"})
    if (starts_with_nocase(t, tag)) return true;
  if (starts_with_nocase(t, "<?xml") || starts_with_nocase(t, "<!--")) {
    // A prologue or a comment first: look a little further for the document element.
    return find_nocase(t.substr(0, std::min(t.size(), kLookAheadBytes)), "<html") != std::string_view::npos;
  }
  return false;
}

bool is_event_stream(std::string_view body, std::string_view content_type) {
  if (media_is(content_type, "text/event-stream")) return true;
  const std::string_view t = content_start(body);
  for (std::string_view field : {"data:", "event:", "id:", "retry:", ":"})
    if (starts_with_nocase(t, field)) return true;
  return false;
}

bool is_anthropic_message(const json& value) {
  const auto* type = string_member(value, "type");
  const json* content = member(value, "content");
  return type && *type == "message" && content && content->is_array() && !member(value, "choices");
}

bool is_anthropic_stream_event(const json& value) {
  const auto* type = string_member(value, "type");
  if (!type || member(value, "choices")) return false;
  for (std::string_view name : {"message_start", "message_delta", "message_stop", "content_block_start",
                                "content_block_delta", "content_block_stop", "ping"})
    if (*type == name) return true;
  return false;
}

bool is_anthropic_native(std::string_view body) {
  const std::string_view t = content_start(body);
  if (t.empty()) return false;
  if (t.front() == '{') {
    if (t.size() > kMaxParsedBytes) return false;
    auto parsed = parse_json(t);
    return parsed.value && is_anthropic_message(*parsed.value);
  }
  if (!is_event_stream(t)) return false;
  // Whole lines within the look-ahead window only.
  const bool whole_body = t.size() <= kLookAheadBytes;
  std::string_view window = t.substr(0, std::min(t.size(), kLookAheadBytes));
  while (!window.empty()) {
    const std::size_t end = window.find_first_of("\r\n");
    if (end == std::string_view::npos && !whole_body) break;  // a line cut by the window
    const std::string_view line = window.substr(0, end);
    window = end == std::string_view::npos ? std::string_view() : window.substr(end + 1);
    if (field_value(line, "event:") == "message_start") return true;
    const std::string_view data = trim(field_value(line, "data:"));
    if (!data.empty() && data.front() == '{') {
      auto parsed = parse_json(data);
      if (parsed.value) {
        const auto* type = string_member(*parsed.value, "type");
        if (type && *type == "message_start" && is_anthropic_stream_event(*parsed.value)) return true;
      }
    }
  }
  return false;
}

}  // namespace pg::sniff
