#include "core/answer/detail/chunk_scanner.h"

#include "core/base/json_util.h"
#include "core/base/utf8.h"

#include <cstddef>
#include <cstdint>

namespace pg {

namespace {

// The module is built for size (-Oz), which inlines almost nothing; the few helpers every
// byte goes through are inlined by hand.
#if defined(__GNUC__) || defined(__clang__)
#define PG_HOT inline __attribute__((always_inline))
#else
#define PG_HOT inline
#endif

// Bytes a string can hold with no further look: printable ASCII except '"' and '\\'.
struct PlainBytes {
  bool table[256] = {};
  constexpr PlainBytes() {
    for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  }
};
constexpr PlainBytes kPlain;

// Numbers longer than this, or with an exponent, may be out of a double's range, which
// nlohmann refuses: they take the full path, which says so.
constexpr std::size_t kMaxNumberChars = 18;

// The length of the well-formed UTF-8 sequence at p (first byte >= 0x80), or 0.
PG_HOT std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const int n = utf8::check_sequence(p, end);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// An object key: a view without std::string_view, whose members -Oz would not inline.
struct Key {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
};

// A strict, non-recursive JSON reader over one chunk. Every method returns false at the
// first thing it does not accept; the caller then gives up on the fast path.
class Cursor {
 public:
  Cursor(std::string_view text, std::string& skip_buffer)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), end_(p_ + text.size()), skip_(skip_buffer) {}

  PG_HOT void ws() {
    const unsigned char* q = p_;
    while (q < end_ && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t')) ++q;
    p_ = q;
  }
  PG_HOT bool at_end() {
    ws();
    return p_ == end_;
  }
  PG_HOT bool eat(char c) {
    ws();
    if (p_ < end_ && *p_ == static_cast<unsigned char>(c)) {
      ++p_;
      return true;
    }
    return false;
  }
  PG_HOT char peek() {
    ws();
    return p_ < end_ ? static_cast<char>(*p_) : '\0';
  }

  // A string: `out` views the text itself when it has no escape, else its decoded copy
  // in `scratch`.
  bool string(std::string_view& out, std::string& scratch) {
    if (!eat('"')) return false;
    const unsigned char* start = p_;
    while (p_ < end_) {
      // A local pointer: stores through p_ could alias the bytes (they are chars), which
      // would make the compiler reload both on every byte.
      const unsigned char* q = p_;
      while (q < end_ && kPlain.table[*q]) ++q;
      p_ = q;
      if (p_ >= end_) break;
      const unsigned c = *p_;
      if (c == '"') {
        out = view(start, p_);
        ++p_;
        return true;
      }
      if (c == '\\') break;
      if (c < 0x80) return false;  // a control character
      const std::size_t n = utf8_length(p_, end_);
      if (n == 0) return false;
      p_ += n;
    }
    if (p_ >= end_) return false;
    scratch.assign(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
    return decode_rest(out, scratch);
  }

  // An object key and its colon. Keys with escapes or non-ASCII bytes (no chat chunk has
  // them) are left to the full path.
  bool key(Key& out) {
    if (!eat('"')) return false;
    const unsigned char* q = p_;
    while (q < end_ && kPlain.table[*q]) ++q;
    if (q >= end_ || *q != '"') return false;
    out.data = p_;
    out.size = static_cast<std::size_t>(q - p_);
    p_ = q + 1;
    return eat(':');
  }

  bool null() { return peek() == 'n' && literal(); }

  // A number; `is_zero` when it is exactly "0".
  bool number(bool& is_zero) {
    ws();
    const unsigned char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || *p_ < '0' || *p_ > '9') return false;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) return false;
    if (static_cast<std::size_t>(p_ - start) > kMaxNumberChars) return false;
    is_zero = p_ - start == 1 && *start == '0';
    return true;
  }

  // Any value, validated and skipped; `depth` is the nesting of the container holding it.
  bool skip_value(std::size_t depth) {
    char closers[kMaxJsonDepth];
    std::size_t open = 0;
    std::string_view ignored;
    Key ignored_key;
    for (;;) {
      // A value starts here.
      switch (peek()) {
        case '"':
          if (!string(ignored, skip_)) return false;
          break;
        case '{':
        case '[': {
          const char opener = static_cast<char>(*p_++);
          if (depth + open + 1 > kMaxJsonDepth) return false;
          closers[open++] = opener == '{' ? '}' : ']';
          if (eat(closers[open - 1])) {
            --open;
            break;
          }
          if (opener == '{' && !key(ignored_key)) return false;
          continue;  // the first member's value
        }
        case 't':
        case 'f':
        case 'n':
          if (!literal()) return false;
          break;
        default: {
          bool zero = false;
          if (!number(zero)) return false;
        }
      }
      // After a value: close containers, or move to the next member.
      for (;;) {
        if (open == 0) return true;
        if (eat(',')) {
          if (closers[open - 1] == '}' && !key(ignored_key)) return false;
          break;
        }
        if (!eat(closers[open - 1])) return false;
        --open;
      }
    }
  }

 private:
  PG_HOT static std::string_view view(const unsigned char* from, const unsigned char* to) {
    return std::string_view(reinterpret_cast<const char*>(from), static_cast<std::size_t>(to - from));
  }

  // true, false or null at p_ (after spaces).
  bool literal() {
    const std::size_t n = utf8::literal_length(p_, end_);
    p_ += n;
    return n != 0;
  }

  // The rest of a string from its first backslash, decoded into `out_buffer`.
  bool decode_rest(std::string_view& out, std::string& buffer) {
    while (p_ < end_) {
      const unsigned c = *p_;
      if (c == '"') {
        ++p_;
        out = buffer;
        return true;
      }
      if (c == '\\') {
        if (++p_ >= end_) return false;
        const unsigned e = *p_++;
        if (const char simple = utf8::simple_escape(e)) {
          buffer.push_back(simple);
          continue;
        }
        std::uint32_t cp;
        if (e != 'u' || !utf8::read_hex4(p_, end_, cp)) return false;
        if (utf8::is_high_surrogate(cp)) {
          std::uint32_t low;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          if (!utf8::read_hex4(p_, end_, low) || !utf8::is_low_surrogate(low)) return false;
          cp = utf8::from_surrogates(cp, low);
        } else if (utf8::is_low_surrogate(cp)) {
          return false;
        }
        utf8::append_code_point(buffer, cp);
        continue;
      }
      if (c < 0x20) return false;
      if (c < 0x80) {
        buffer.push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      const std::size_t n = utf8_length(p_, end_);
      if (n == 0) return false;
      buffer.append(reinterpret_cast<const char*>(p_), n);
      p_ += n;
    }
    return false;
  }

  const unsigned char* p_;
  const unsigned char* end_;
  std::string& skip_;  // decoded text nobody reads (skipped strings, keys)
};

// key == literal, with the literal's length known at compile time: in a size-optimised
// build std::string_view's operator== is an out-of-line call plus a strlen per compare.
template <std::size_t N>
PG_HOT bool is(const Key& text, const char (&literal)[N]) {
  if (text.size != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)  // keys are short: no call to memcmp
    if (text.data[i] != static_cast<unsigned char>(literal[i])) return false;
  return true;
}
template <std::size_t N>
PG_HOT bool is(std::string_view text, const char (&literal)[N]) {
  return is(Key{reinterpret_cast<const unsigned char*>(text.data()), text.size()}, literal);
}

// Each reader below handles one level of the chunk; `seen` bits refuse duplicate keys
// (nlohmann keeps the last, the fast path would have acted on the first).
PG_HOT bool take(unsigned& seen, unsigned bit) {
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

}  // namespace

bool ChunkScanner::scan(std::string_view data, FastChunk& out) {
  out = FastChunk{};
  Cursor c(data, buffers_[kSkip]);
  std::string_view object;
  Key key;

  auto nullable_string = [&](std::string_view& value, bool& present, Slot slot) {
    if (c.peek() == 'n') return c.null();
    present = true;
    return c.string(value, buffers_[slot]);
  };

  auto read_delta = [&]() {
    if (c.peek() == 'n') return c.null();
    if (!c.eat('{')) return false;
    if (c.eat('}')) return true;
    unsigned seen = 0;
    do {
      if (!c.key(key)) return false;
      bool ok;
      if (is(key, "content"))
        ok = take(seen, 1) && nullable_string(out.content, out.has_content, kContent);
      else if (is(key, "reasoning_content"))
        ok = take(seen, 2) && nullable_string(out.reasoning_content, out.has_reasoning_content, kReasoningContent);
      else if (is(key, "reasoning"))
        ok = take(seen, 4) && nullable_string(out.reasoning, out.has_reasoning, kReasoning);
      else if (is(key, "role")) {
        std::string_view role;
        bool present = false;
        ok = take(seen, 8) && nullable_string(role, present, kSkip) && (!present || is(role, "assistant"));
      } else if (is(key, "refusal") || is(key, "tool_calls") || is(key, "function_call")) {
        ok = c.null();  // a refusal, tool calls or a legacy function call: the full path
      } else {
        ok = c.skip_value(4);
      }
      if (!ok) return false;
    } while (c.eat(','));
    return c.eat('}');
  };

  auto read_choice = [&]() {
    if (!c.eat('{')) return false;
    unsigned seen = 0;
    if (c.peek() == '}') return false;  // no index
    do {
      if (!c.key(key)) return false;
      bool ok;
      if (is(key, "index")) {
        bool zero = false;
        ok = take(seen, 1) && c.number(zero) && zero;  // choices beyond 0: the full path
      } else if (is(key, "delta")) {
        ok = take(seen, 2) && read_delta();
      } else if (is(key, "finish_reason")) {
        ok = take(seen, 4) && nullable_string(out.finish_reason, out.has_finish_reason, kFinishReason);
      } else {
        ok = c.skip_value(3);
      }
      if (!ok) return false;
    } while (c.eat(','));
    out.has_choice = true;
    return (seen & 1) && c.eat('}');
  };

  auto read_choices = [&]() {
    if (!c.eat('[')) return false;
    if (c.eat(']')) return true;
    return read_choice() && c.eat(']');  // a second choice: the full path
  };

  if (!c.eat('{')) return false;
  unsigned seen = 0;
  do {
    if (!c.key(key)) return false;
    bool ok;
    if (is(key, "object")) {
      ok = take(seen, 1) && c.string(object, buffers_[kObject]);
    } else if (is(key, "id")) {
      ok = take(seen, 2) && c.string(out.id, buffers_[kId]);
    } else if (is(key, "model")) {
      ok = take(seen, 4) && c.string(out.model, buffers_[kModel]);
    } else if (is(key, "created")) {
      bool zero = false;
      const char next = c.peek();
      out.has_created = next == '-' || (next >= '0' && next <= '9');
      ok = take(seen, 8) && (out.has_created ? c.number(zero) : c.skip_value(1));
    } else if (is(key, "choices")) {
      ok = take(seen, 16) && read_choices();
    } else if (is(key, "usage") || is(key, "x_groq")) {
      // Token counts (Groq's own field may hold them): the full path validates them.
      ok = (!is(key, "usage") || take(seen, 32)) && c.null();
    } else if (is(key, "error") || is(key, "type")) {
      ok = false;  // an error envelope, or another API's event
    } else {
      ok = c.skip_value(1);
    }
    if (!ok) return false;
  } while (c.eat(','));
  if (!c.eat('}') || !c.at_end()) return false;
  return (seen & 16) && is(object, "chat.completion.chunk");
}

}  // namespace pg
