// The readable text of an HTML error page (detail/html_page.h).
#include "core/provider/detail/html_page.h"

#include "core/base/text.h"
#include "core/base/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace pg::provider_detail {

namespace {

// Decodes the entity at s[i] == '&' into out; returns the bytes consumed (0: not one).
std::size_t decode_entity(std::string_view s, std::size_t i, std::string& out) {
  // Entity names are short: look for the ';' nearby only, so a page full of bare '&'
  // stays linear.
  const std::size_t semi = s.substr(0, std::min(s.size(), i + 12)).find(';', i + 1);
  if (semi == std::string_view::npos) return 0;
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  if (!name.empty() && name[0] == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t cp = 0;
    for (char c : digits) {
      const int v = hex ? hex_value(c) : (is_digit(c) ? c - '0' : -1);
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    utf8::append_code_point(out, cp);
    return semi - i + 1;
  }
  static const struct {
    const char* name;
    const char* text;
  } kEntities[] = {{"amp", "&"},        {"lt", "<"},          {"gt", ">"},          {"quot", "\""},
                   {"apos", "'"},       {"nbsp", " "},        {"copy", "\u00A9"},   {"reg", "\u00AE"},
                   {"mdash", "\u2014"}, {"ndash", "\u2013"},  {"hellip", "\u2026"}, {"laquo", "\u00AB"},
                   {"raquo", "\u00BB"}, {"lsquo", "\u2018"},  {"rsquo", "\u2019"},  {"ldquo", "\u201C"},
                   {"rdquo", "\u201D"}, {"middot", "\u00B7"}, {"bull", "\u2022"}};
  for (const auto& e : kEntities) {
    if (name == e.name) {
      out += e.text;
      return semi - i + 1;
    }
  }
  return 0;
}

}  // namespace

// Text of an HTML fragment: tags dropped (script/style/comments with their content),
// entities decoded. Stops once `limit` bytes of text are gathered.
std::string html_text(std::string_view s, std::size_t limit) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < limit) {
    const char c = s[i];
    if (c == '<') {
      std::size_t resume = std::string_view::npos;
      const std::string_view tag = s.substr(i);
      if (starts_with(tag, "<!--")) {
        const std::size_t close = s.find("-->", i + 4);
        resume = close == std::string_view::npos ? s.size() : close + 3;
      } else if (starts_with_nocase(tag, "<script") || starts_with_nocase(tag, "<style")) {
        const std::string_view closing = starts_with_nocase(tag, "<script") ? "</script" : "</style";
        const std::size_t close = find_nocase(s, closing, i + 1);
        const std::size_t gt = close == std::string_view::npos ? std::string_view::npos : s.find('>', close);
        resume = gt == std::string_view::npos ? s.size() : gt + 1;
      } else {
        const std::size_t gt = s.find('>', i + 1);
        resume = gt == std::string_view::npos ? s.size() : gt + 1;
      }
      // Tags separate words ("<td>a</td><td>b</td>"); one space is enough, so a page of
      // markup alone cannot fill the budget with spaces.
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      i = resume;
    } else if (c == '&') {
      const std::size_t used = decode_entity(s, i, out);
      if (used == 0) out.push_back('&');
      i += used ? used : 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

// Text inside the first <tag ...>…</tag>; nullopt when the element is not there. A
// missing closing tag ends the element at the next tag (or a bounded stretch of text).
std::optional<std::string> element_text(std::string_view html, std::string_view tag_lower) {
  const std::string open = "<" + std::string(tag_lower);
  html = html.substr(0, std::min(html.size(), kMaxElementSearchBytes));
  std::size_t at = 0;
  for (;;) {
    at = find_nocase(html, open, at);
    if (at == std::string_view::npos) return std::nullopt;
    const std::size_t after = at + open.size();
    if (after >= html.size()) return std::nullopt;
    const char next = html[after];
    if (next == '>' || next == '/' || is_space(next)) break;
    at = after;  // "<titlebar", "<h10": another tag
  }
  const std::size_t gt = html.find('>', at);
  if (gt == std::string_view::npos) return std::nullopt;
  const std::size_t start = gt + 1;
  const std::string_view rest = html.substr(start, std::min(html.size() - start, kMaxElementBytes));
  const std::string closing = "</" + std::string(tag_lower);
  std::size_t end = find_nocase(rest, closing);
  if (end == std::string_view::npos && tag_lower == "title") end = rest.find('<');  // <title> never closed
  if (end == std::string_view::npos) end = rest.size();
  return html_text(rest.substr(0, end), kMaxElementBytes);
}

}  // namespace pg::provider_detail
