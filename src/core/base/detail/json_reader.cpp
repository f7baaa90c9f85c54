#include "core/base/detail/json_reader.h"

#include "core/base/detail/decimal.h"
#include "core/base/text.h"
#include "core/base/utf8.h"

#include <cstdint>
#include <utility>

namespace pg {

namespace {

using json = nlohmann::json;
using Kind = JsonReadError::Kind;

class Reader {
 public:
  Reader(std::string_view text, std::size_t max_depth, JsonReadError& error)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()),
        max_depth_(max_depth),
        error_(error) {}

  bool document(json& out) {
    // nlohmann skips a UTF-8 byte-order mark at the very start; so do we.
    if (end_ - p_ >= 3 && p_[0] == 0xEF && p_[1] == 0xBB && p_[2] == 0xBF) p_ += 3;
    skip_space();
    if (p_ == end_) return fail(Kind::Empty, "no value");
    if (!value(out, 0)) return false;
    skip_space();
    if (p_ != end_) return fail(Kind::Malformed, "unexpected text after the JSON value");
    return true;
  }

 private:
  bool fail(Kind kind, const char* detail) {
    if (error_.kind == Kind::None) {
      error_.kind = kind;
      error_.offset = static_cast<std::size_t>(p_ - begin_);
      error_.detail = detail;
    }
    return false;
  }
  // Running out of text is "truncated"; anything else at the same spot is "malformed".
  bool fail_here(const char* detail) { return fail(p_ >= end_ ? Kind::Truncated : Kind::Malformed, detail); }

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool value(json& out, std::size_t depth) {
    if (p_ >= end_) return fail_here("expected a value");
    switch (*p_) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': {
        out = std::string();
        return string(*out.get_ptr<std::string*>());
      }
      case 't': return literal("true", 4, out, json(true));
      case 'f': return literal("false", 5, out, json(false));
      case 'n': return literal("null", 4, out, json(nullptr));
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number(out);
        return fail_here("expected a value");
    }
  }

  bool literal(const char* word, std::size_t n, json& out, json value) {
    for (std::size_t i = 0; i < n; ++i, ++p_) {
      if (p_ >= end_ || *p_ != static_cast<unsigned char>(word[i])) return fail_here("expected true, false or null");
    }
    out = std::move(value);
    return true;
  }

  bool object(json& out, std::size_t depth) {
    if (depth > max_depth_) return fail(Kind::TooDeep, "nested too deeply");
    ++p_;  // '{'
    out = json::object();
    auto& members = *out.get_ptr<json::object_t*>();
    skip_space();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    std::string key;
    for (;;) {
      skip_space();
      if (p_ >= end_ || *p_ != '"') return fail_here("expected a key in quotes");
      key.clear();
      if (!string(key)) return false;
      skip_space();
      if (p_ >= end_ || *p_ != ':') return fail_here("expected ':' after a key");
      ++p_;
      skip_space();
      json member;
      if (!value(member, depth)) return false;
      // Later duplicates replace earlier ones, as nlohmann does.
      members.insert_or_assign(std::move(key), std::move(member));
      skip_space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        return true;
      }
      return fail_here("expected ',' or '}' in an object");
    }
  }

  bool array(json& out, std::size_t depth) {
    if (depth > max_depth_) return fail(Kind::TooDeep, "nested too deeply");
    ++p_;  // '['
    out = json::array();
    auto& items = *out.get_ptr<json::array_t*>();
    skip_space();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      items.emplace_back();
      if (!value(items.back(), depth)) return false;
      skip_space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        return true;
      }
      return fail_here("expected ',' or ']' in an array");
    }
  }

  // p_ is at the opening quote; appends the decoded text to `out`.
  bool string(std::string& out) {
    ++p_;
    for (;;) {
      const std::size_t run = utf8::plain_run(p_, end_);
      out.append(reinterpret_cast<const char*>(p_), run);
      p_ += run;
      if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside a string");
      const unsigned c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape(out)) return false;
        continue;
      }
      if (c < 0x20) return fail(Kind::Malformed, "a control character inside a string (it must be escaped)");
      const int n = utf8::check_sequence(p_, end_);
      if (n < 0) {
        if (p_ - n >= end_) return fail(Kind::Truncated, "the text ends inside a string");
        return fail(Kind::Malformed, "invalid UTF-8 inside a string");
      }
      out.append(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
      p_ += n;
    }
  }

  bool hex4(std::uint32_t& value) {
    value = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside a \\u escape");
      const int digit = hex_value(static_cast<char>(*p_));
      if (digit < 0) return fail(Kind::Malformed, "a \\u escape needs four hexadecimal digits");
      value = (value << 4) | static_cast<std::uint32_t>(digit);
    }
    return true;
  }

  bool escape(std::string& out) {
    ++p_;  // backslash
    if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside an escape");
    const unsigned c = *p_++;
    if (c != 'u') {
      const char simple = utf8::simple_escape(c);
      if (!simple) {
        --p_;
        return fail(Kind::Malformed, "an unknown escape inside a string");
      }
      out.push_back(simple);
      return true;
    }
    std::uint32_t cp;
    if (!hex4(cp)) return false;
    if (utf8::is_low_surrogate(cp)) return fail(Kind::Malformed, "a lone low surrogate in a \\u escape");
    if (utf8::is_high_surrogate(cp)) {
      // A high surrogate must be followed by an escaped low one.
      if (end_ - p_ < 2) {
        const bool cut_short = p_ == end_ || *p_ == '\\';
        return fail(cut_short ? Kind::Truncated : Kind::Malformed, "a high surrogate without its low half");
      }
      if (p_[0] != '\\' || p_[1] != 'u') return fail(Kind::Malformed, "a high surrogate without its low half");
      p_ += 2;
      std::uint32_t low;
      if (!hex4(low)) return false;
      if (!utf8::is_low_surrogate(low)) return fail(Kind::Malformed, "a high surrogate without its low half");
      cp = utf8::from_surrogates(cp, low);
    }
    utf8::append_code_point(out, cp);
    return true;
  }

  bool number(json& out) {
    const unsigned char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside a number");
    if (*p_ == '0') {
      ++p_;
    } else if (is_digit(*p_)) {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return fail(Kind::Malformed, "a number needs a digit here");
    }
    const unsigned char* integer_end = p_;
    bool is_float = false;
    if (p_ < end_ && *p_ == '.') {
      is_float = true;
      ++p_;
      if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside a number");
      if (!is_digit(*p_)) return fail(Kind::Malformed, "a number needs a digit after '.'");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      is_float = true;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_) return fail(Kind::Truncated, "the text ends inside a number");
      if (!is_digit(*p_)) return fail(Kind::Malformed, "a number needs a digit in its exponent");
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (!is_float) {
      // Integers stay exact when they fit, as nlohmann keeps them: uint64 when not
      // negative, int64 when negative; otherwise they become doubles.
      std::uint64_t magnitude = 0;
      bool overflow = false;
      for (const unsigned char* d = start + (negative ? 1 : 0); d < integer_end; ++d) {
        const unsigned digit = *d - '0';
        if (magnitude > (UINT64_MAX - digit) / 10) {
          overflow = true;
          break;
        }
        magnitude = magnitude * 10 + digit;
      }
      if (!overflow) {
        if (!negative) {
          out = magnitude;
          return true;
        }
        if (magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
          out = magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1 ? INT64_MIN
                                                                       : -static_cast<std::int64_t>(magnitude);
          return true;
        }
      }
    }
    // The grammar above already vouched for the text.
    const double value =
        decimal_to_double(std::string_view(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start)));
    // nlohmann refuses numbers that overflow a double rather than storing infinity.
    if (value - value != 0) {
      p_ = start;
      return fail(Kind::Malformed, "a number too large for a double");
    }
    out = value;
    return true;
  }

  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  std::size_t max_depth_;
  JsonReadError& error_;
};

}  // namespace

bool read_json(std::string_view text, std::size_t max_depth, json& out, JsonReadError& error) {
  error = JsonReadError{};
  Reader reader(text, max_depth, error);
  json value;
  if (!reader.document(value)) return false;
  out = std::move(value);
  return true;
}

}  // namespace pg
