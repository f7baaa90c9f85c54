// Internal to the provider error parser (provider_error.cpp): the readable text of an HTML
// error page — tags dropped, entities decoded, an element's text found — each a bounded,
// forward scan, so a hostile page costs milliseconds.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pg::provider_detail {

// HTML: where we look for the title's text, and how much page text we gather at most.
inline constexpr std::size_t kMaxElementBytes = 4096;
// A page's <title> sits in its head and its first <h1> near the top; looking further only
// costs time on hostile pages.
inline constexpr std::size_t kMaxElementSearchBytes = 1024 * 1024;

// Text of an HTML fragment: tags dropped (script/style/comments with their content),
// entities decoded. Stops once `limit` bytes of text are gathered.
std::string html_text(std::string_view s, std::size_t limit);

// Text inside the first <tag ...>…</tag>; nullopt when the element is not there. A
// missing closing tag ends the element at the next tag (or a bounded stretch of text).
std::optional<std::string> element_text(std::string_view html, std::string_view tag_lower);

}  // namespace pg::provider_detail
