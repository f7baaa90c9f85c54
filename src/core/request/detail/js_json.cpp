#include "core/request/detail/js_json.h"

#include "core/base/detail/decimal.h"
#include "core/base/utf8.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace pg::request_detail {

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// One pass over JSON text with JSON.parse's leniencies (js_json.h). With `edits`, the text is
// also copied with what the old path changed (invalid UTF-8, overflowing numbers) changed.
class Scanner {
 public:
  Scanner(std::string_view text, std::string* edits)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()),
        mark_(begin_),
        edits_(edits) {}

  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  void skip_bom() {
    if (end_ - p_ >= 3 && p_[0] == 0xEF && p_[1] == 0xBB && p_[2] == 0xBF) p_ += 3;
  }
  bool peek(unsigned char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }
  bool take(unsigned char c) {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }
  void flush() {
    if (edits_) edits_->append(reinterpret_cast<const char*>(mark_), static_cast<std::size_t>(p_ - mark_));
    mark_ = p_;
  }

  // A string at p_ (after spaces); its text into `decoded` when given.
  bool string(std::string* decoded) {
    if (!take('"')) return false;
    for (;;) {
      const std::size_t run = utf8::plain_run(p_, end_);
      if (decoded) decoded->append(reinterpret_cast<const char*>(p_), run);
      p_ += run;
      if (p_ >= end_) return false;
      const unsigned c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape(decoded)) return false;
        continue;
      }
      if (c < 0x20) return false;
      const int n = utf8::check_sequence(p_, end_);
      if (n > 0) {
        if (decoded) decoded->append(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
        p_ += n;
        continue;
      }
      // TextDecoder replaces the maximal ill-formed subpart by one U+FFFD.
      if (decoded) decoded->append(kReplacement);
      if (edits_) {
        flush();
        edits_->append(kReplacement);
      }
      p_ += -n;
      mark_ = edits_ ? p_ : mark_;
    }
  }

  // Any value at p_ (after spaces), containers to any depth, without recursing.
  bool value() {
    std::vector<bool> open;  // true: an object
    for (;;) {
      skip_space();
      if (p_ >= end_) return false;
      bool done = true;  // a complete value was read
      switch (*p_) {
        case '{':
          ++p_;
          if (take('}')) break;
          if (!key()) return false;
          open.push_back(true);
          done = false;
          break;
        case '[':
          ++p_;
          if (take(']')) break;
          open.push_back(false);
          done = false;
          break;
        case '"':
          if (!string(nullptr)) return false;
          break;
        case 't':
        case 'f':
        case 'n': {  // true, false, null
          const std::size_t n = utf8::literal_length(p_, end_);
          if (n == 0) return false;
          p_ += n;
          break;
        }
        default:
          if (!number()) return false;
      }
      if (!done) continue;
      // After a value: close what ends here, or go on to the next member or item.
      for (;;) {
        if (open.empty()) return true;
        if (take(',')) {
          if (open.back() && !key()) return false;
          break;
        }
        if (!take(open.back() ? '}' : ']')) return false;
        open.pop_back();
      }
    }
  }

  // A member's key and its colon.
  bool key(std::string* decoded = nullptr) { return string(decoded) && take(':'); }

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

 private:
  bool escape(std::string* decoded) {
    ++p_;  // backslash
    if (p_ >= end_) return false;
    const unsigned c = *p_++;
    if (const char simple = utf8::simple_escape(c)) {
      if (decoded) decoded->push_back(simple);
      return true;
    }
    std::uint32_t cp;
    if (c != 'u' || !utf8::read_hex4(p_, end_, cp)) return false;
    // A high surrogate pairs with an escaped low one; alone, either is a JS string's lone
    // surrogate, which UTF-8 cannot carry: U+FFFD in the decoded text.
    if (utf8::is_high_surrogate(cp) && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
      const unsigned char* save = p_;
      p_ += 2;
      std::uint32_t low;
      if (utf8::read_hex4(p_, end_, low) && utf8::is_low_surrogate(low)) {
        cp = utf8::from_surrogates(cp, low);
      } else {
        p_ = save;  // read again as an escape of its own
      }
    }
    if (decoded) {
      if (utf8::is_surrogate(cp))
        decoded->append(kReplacement);
      else
        utf8::append_code_point(*decoded, cp);
    }
    return true;
  }

  bool number() {
    const unsigned char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    } else {
      return false;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !is_digit(*p_)) return false;
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    if (edits_) {
      // JSON.parse made a number past a double's range Infinity, and JSON.stringify null.
      const std::string_view token(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
      if (!std::isfinite(decimal_to_double(token))) {
        const unsigned char* after = p_;
        p_ = start;
        flush();
        edits_->append("null");
        p_ = after;
        mark_ = p_;
      }
    }
    return true;
  }

  static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  const unsigned char* mark_;  // what is not yet copied into edits_
  std::string* edits_;
};

}  // namespace

JsEnvelope read_js_envelope(std::string_view text) {
  JsEnvelope out;
  Scanner s(text, nullptr);
  s.skip_bom();  // TextDecoder drops a leading byte-order mark
  if (!s.peek('{')) {
    out.valid = s.value() && s.at_end();
    return out;
  }
  out.object = true;
  s.take('{');
  if (!s.take('}')) {
    std::string key;
    for (;;) {
      key.clear();
      if (!s.key(&key)) return out;
      if (key == "model" && s.peek('"')) {
        std::string model;
        if (!s.string(&model)) return out;
        out.model = std::move(model);
      } else {
        if (key == "model") out.model.reset();  // a later non-string replaces an earlier string
        const bool body = key == "body";
        if (body) s.skip_space();  // the value's bytes start after them
        const std::size_t begin = s.offset();
        if (!s.value()) return out;
        if (body) {
          out.has_body = true;
          out.body_begin = begin;
          out.body_end = s.offset();
        }
      }
      if (s.take(',')) continue;
      if (!s.take('}')) return out;
      break;
    }
  }
  out.valid = s.at_end();
  return out;
}

std::string normalise_js_value(std::string_view value) {
  std::string out;
  Scanner s(value, &out);
  if (!s.value()) return std::string(value);  // not expected: the caller found it valid
  s.at_end();
  s.flush();
  return out;
}

}  // namespace pg::request_detail
