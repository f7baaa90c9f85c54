#include "core/base/detail/json_writer.h"

#include "core/base/text.h"
#include "core/base/utf8.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace pg {

namespace {

using json = nlohmann::json;

void write_unsigned(std::uint64_t n, std::string& out) {
  char digits[20];
  int i = 20;
  do {
    digits[--i] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out.append(digits + i, static_cast<std::size_t>(20 - i));
}

void write_float(double x, std::string& out) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  // nlohmann's own shortest round-trip formatting (Grisu2), so numbers print as before.
  char buffer[64];
  char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x);
  out.append(buffer, static_cast<std::size_t>(end - buffer));
}

void newline(std::string& out, int indent, int level) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
}

void write_value(const json& value, std::string& out, int indent, int level) {
  switch (value.type()) {
    case json::value_t::object: {
      const auto& members = *value.get_ptr<const json::object_t*>();
      if (members.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out.push_back(',');
        first = false;
        if (indent >= 0) newline(out, indent, level + 1);
        write_json_string(key, out);
        out.push_back(':');
        if (indent >= 0) out.push_back(' ');
        write_value(member, out, indent, level + 1);
      }
      if (indent >= 0) newline(out, indent, level);
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      const auto& items = *value.get_ptr<const json::array_t*>();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      bool first = true;
      for (const auto& item : items) {
        if (!first) out.push_back(',');
        first = false;
        if (indent >= 0) newline(out, indent, level + 1);
        write_value(item, out, indent, level + 1);
      }
      if (indent >= 0) newline(out, indent, level);
      out.push_back(']');
      return;
    }
    case json::value_t::string: write_json_string(*value.get_ptr<const std::string*>(), out); return;
    case json::value_t::boolean: out += *value.get_ptr<const bool*>() ? "true" : "false"; return;
    case json::value_t::number_integer: {
      const std::int64_t n = *value.get_ptr<const std::int64_t*>();
      if (n < 0) {
        out.push_back('-');
        write_unsigned(~static_cast<std::uint64_t>(n) + 1, out);
      } else {
        write_unsigned(static_cast<std::uint64_t>(n), out);
      }
      return;
    }
    case json::value_t::number_unsigned: write_unsigned(*value.get_ptr<const std::uint64_t*>(), out); return;
    case json::value_t::number_float: write_float(*value.get_ptr<const double*>(), out); return;
    // The core never builds binary values; a discarded value has no text.
    case json::value_t::null:
    case json::value_t::binary:
    case json::value_t::discarded: out += "null"; return;
  }
}

}  // namespace

void write_json_string(std::string_view text, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  // Written through a raw pointer into room made up front (the text plus its quotes, the
  // common case), growing only when escapes need more: one std::string call per string
  // instead of one per piece, which -Oz builds of libc++ do not inline.
  std::size_t at = out.size();
  out.resize(at + text.size() + 2);
  char* w = &out[0] + at;
  auto room = [&](std::size_t need) {
    const std::size_t used = static_cast<std::size_t>(w - &out[0]);
    const std::size_t left = static_cast<std::size_t>(end - p);
    if (out.size() - used < need + left + 1) {
      out.resize(used + need + left + 1 + (out.size() - at) / 2);
      w = &out[0] + used;
    }
  };
  *w++ = '"';
  while (p < end) {
    const std::size_t run = utf8::plain_run(p, end);
    std::memcpy(w, p, run);
    w += run;
    p += run;
    if (p >= end) break;
    const unsigned c = *p;
    if (c >= 0x80) {
      const int n = utf8::check_sequence(p, end);
      if (n > 0) {
        std::memcpy(w, p, static_cast<std::size_t>(n));
        w += n;
        p += n;
      } else {
        // Three bytes of U+FFFD may replace a single invalid byte.
        room(3);
        std::memcpy(w, "\xEF\xBF\xBD", 3);
        w += 3;
        p += -n;
      }
      continue;
    }
    ++p;
    room(6);
    *w++ = '\\';
    switch (c) {
      case '"': *w++ = '"'; break;
      case '\\': *w++ = '\\'; break;
      case '\b': *w++ = 'b'; break;
      case '\f': *w++ = 'f'; break;
      case '\n': *w++ = 'n'; break;
      case '\r': *w++ = 'r'; break;
      case '\t': *w++ = 't'; break;
      default:
        *w++ = 'u';
        *w++ = '0';
        *w++ = '0';
        *w++ = hex_digit(c >> 4);
        *w++ = hex_digit(c);
    }
  }
  *w++ = '"';
  out.resize(static_cast<std::size_t>(w - &out[0]));
}

std::size_t json_string_size(std::string_view text) {
  // The same walk as write_json_string, counting instead of copying.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  std::size_t n = 2;  // the quotes
  while (p < end) {
    const std::size_t run = utf8::plain_run(p, end);
    n += run;
    p += run;
    if (p >= end) break;
    const unsigned c = *p;
    if (c >= 0x80) {
      const int k = utf8::check_sequence(p, end);
      n += k > 0 ? static_cast<std::size_t>(k) : 3;  // an ill-formed subpart becomes U+FFFD
      p += k > 0 ? k : -k;
      continue;
    }
    ++p;
    const bool short_escape = c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t';
    n += short_escape ? 2 : 6;
  }
  return n;
}

void write_json(const json& value, std::string& out, int indent) { write_value(value, out, indent, 0); }

}  // namespace pg
