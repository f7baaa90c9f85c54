// The text/event-stream decoder (WHATWG HTML, "event stream interpretation").
//
// Bytes flow through three stages, each tolerant of a chunk split anywhere:
//   1. BOM:   one leading EF BB BF is dropped, even when it arrives a byte at a time.
//   2. UTF-8: a validating scan; valid runs are passed on as views of the caller's bytes
//             (no copy), each maximal invalid subpart becomes U+FFFD (as TextDecoder does)
//             and an incomplete sequence at the end of a push waits in utf8_carry_.
//   3. Lines: memchr finds line ends; a line that lies whole inside one run is parsed in
//             place, only a line split across pushes is copied into line_.
// Every buffer is bounded by SseLimits, so no input can make memory grow without bound.
#include "core/answer/sse.h"

#include "core/base/text.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace pg {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// What the bytes at a (non-ASCII) lead byte form, by the WHATWG UTF-8 decoder's rules.
struct Sequence {
  enum Kind { Complete, Incomplete, Invalid } kind;
  // Complete: the sequence's length. Invalid: the length of the maximal subpart that
  // becomes one U+FFFD (the byte after it starts afresh). Incomplete: unused.
  std::size_t length;
};

// Overlongs, surrogates (ED A0..BF) and code points past U+10FFFF are rejected through
// the narrowed range of the first continuation byte, exactly as the WHATWG decoder does,
// which is what makes the replacement count match TextDecoder's.
Sequence classify(const unsigned char* p, std::size_t n) {
  const unsigned char lead = p[0];
  if (lead < 0xC2 || lead > 0xF4) return {Sequence::Invalid, 1};
  const std::size_t continuations = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead == 0xE0) lo = 0xA0;
  if (lead == 0xED) hi = 0x9F;
  if (lead == 0xF0) lo = 0x90;
  if (lead == 0xF4) hi = 0x8F;
  for (std::size_t k = 1; k <= continuations; ++k) {
    if (k >= n) return {Sequence::Incomplete, 0};
    if (p[k] < lo || p[k] > hi) return {Sequence::Invalid, k};
    lo = 0x80;
    hi = 0xBF;
  }
  return {Sequence::Complete, continuations + 1};
}

// The length of the longest prefix of p[0, n) that is valid UTF-8 ending on a character
// boundary; `stop` tells what follows it (Complete means the whole input was valid).
std::size_t valid_prefix(const unsigned char* p, std::size_t n, Sequence& stop) {
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, eight bytes at a time: SSE streams are mostly ASCII JSON.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    while (i < n && p[i] < 0x80) ++i;
    if (i == n) break;
    const Sequence s = classify(p + i, n - i);
    if (s.kind != Sequence::Complete) {
      stop = s;
      return i;
    }
    i += s.length;
  }
  stop = {Sequence::Complete, 0};
  return n;
}

std::string_view field_value(std::string_view rest) {
  // One optional space after the colon is not part of the value.
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

}  // namespace

SseDecoder::SseDecoder(SseLimits limits) : limits_(limits) {}

namespace {

// Collects events into a vector, for callers that want them all at once.
class VectorSink final : public SseSink {
 public:
  explicit VectorSink(std::vector<SseEvent>& out) : out_(out) {}
  void on_event(SseEvent& event) override {
    SseEvent& copy = out_.emplace_back();
    copy.event = event.event;
    copy.data = std::move(event.data);
    copy.id = event.id;
    copy.retry = event.retry;
  }

 private:
  std::vector<SseEvent>& out_;
};

}  // namespace

bool SseDecoder::push(std::string_view bytes, std::vector<SseEvent>& out) {
  VectorSink sink(out);
  return push(bytes, sink);
}

bool SseDecoder::push(std::string_view bytes, SseSink& sink) {
  if (failed()) return false;
  if (ended_) return true;
  sink_ = &sink;
  if (!bom_checked_) {
    // Hold bytes while they could still be a BOM; utf8_carry_ keeps the prefix seen so far.
    while (utf8_carry_.size() < kBom.size() && !bytes.empty() && bytes.front() == kBom[utf8_carry_.size()]) {
      utf8_carry_.push_back(bytes.front());
      bytes.remove_prefix(1);
    }
    if (utf8_carry_.size() == kBom.size()) {
      utf8_carry_.clear();
      bom_checked_ = true;
    } else if (!bytes.empty()) {
      // Not a BOM. Whatever prefix was held (EF or EF BB) is an ordinary incomplete
      // UTF-8 sequence, which the decoder below completes or replaces.
      bom_checked_ = true;
    }
  }
  if (bom_checked_) decode(bytes);
  sink_ = nullptr;
  return !failed();
}

void SseDecoder::decode(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();

  if (!utf8_carry_.empty() && n > 0) {
    // Finish (or reject) the sequence the previous push left incomplete.
    unsigned char seq[4];
    const std::size_t held = utf8_carry_.size();
    std::memcpy(seq, utf8_carry_.data(), held);
    const std::size_t taken = std::min(n, sizeof seq - held);
    std::memcpy(seq + held, p, taken);
    const Sequence s = classify(seq, held + taken);
    if (s.kind == Sequence::Incomplete) {
      utf8_carry_.append(reinterpret_cast<const char*>(p), taken);
      return;  // taken == n here: a sequence is at most 4 bytes
    }
    utf8_carry_.clear();
    std::size_t consumed;
    if (s.kind == Sequence::Complete) {
      feed_text(std::string_view(reinterpret_cast<const char*>(seq), s.length));
      consumed = s.length - held;
    } else {
      ++invalid_utf8_;
      feed_text(kReplacement);
      consumed = s.length - held;  // the held bytes were all valid, so s.length >= held
    }
    p += consumed;
    n -= consumed;
  }

  while (n > 0 && !failed()) {
    Sequence stop{};
    const std::size_t good = valid_prefix(p, n, stop);
    if (good > 0) feed_text(std::string_view(reinterpret_cast<const char*>(p), good));
    // A failure in that text ends decoding here: the bytes after it are never looked at,
    // so their invalid sequences are not counted, however the stream was split.
    if (failed() || stop.kind == Sequence::Complete) return;
    if (stop.kind == Sequence::Incomplete) {
      utf8_carry_.assign(reinterpret_cast<const char*>(p + good), n - good);
      return;
    }
    ++invalid_utf8_;
    feed_text(kReplacement);
    p += good + stop.length;
    n -= good + stop.length;
  }
}

void SseDecoder::feed_text(std::string_view text) {
  if (text.empty() || failed()) return;
  if (last_was_cr_) {
    last_was_cr_ = false;
    if (text.front() == '\n') text.remove_prefix(1);  // the LF of a CRLF split in two
  }
  const char* p = text.data();
  const char* const end = p + text.size();
  // The next CR is looked up once and again only after it is passed, and LF only up to
  // it, so a text with many lines and a far (or no) CR is still scanned in linear time.
  const char* cr = static_cast<const char*>(std::memchr(p, '\r', text.size()));
  while (p < end) {
    if (cr && cr < p) cr = static_cast<const char*>(std::memchr(p, '\r', end - p));
    const char* lf_limit = cr ? cr : end;
    const char* lf = static_cast<const char*>(std::memchr(p, '\n', lf_limit - p));
    const char* eol = lf ? lf : cr;
    if (!eol) {
      append_partial_line(std::string_view(p, end - p));
      return;
    }
    const std::string_view piece(p, eol - p);
    if (!line_.empty()) {
      if (!append_partial_line(piece)) return;
      process_line(line_);
      line_.clear();  // keeps its capacity for the next split line
    } else if (piece.size() > limits_.max_line_bytes) {
      fail("SSE line exceeds " + std::to_string(limits_.max_line_bytes) + " bytes");
      return;
    } else {
      process_line(piece);
    }
    if (failed()) return;
    p = eol + 1;
    if (*eol == '\r') {
      if (p == end)
        last_was_cr_ = true;
      else if (*p == '\n')
        ++p;
    }
  }
}

bool SseDecoder::append_partial_line(std::string_view piece) {
  if (piece.size() > limits_.max_line_bytes - line_.size()) {  // line_.size() <= limit always
    fail("SSE line exceeds " + std::to_string(limits_.max_line_bytes) + " bytes");
    return false;
  }
  line_.append(piece);
  return true;
}

void SseDecoder::process_line(std::string_view line) {
  if (line.empty()) {
    have_fields_ = false;
    dispatch();
    return;
  }
  if (line.front() == ':') return;  // a comment (keep-alives such as ": OPENROUTER PROCESSING")
  have_fields_ = true;

  std::string_view field = line;
  std::string_view value;
  if (const void* colon = std::memchr(line.data(), ':', line.size())) {
    const std::size_t at = static_cast<const char*>(colon) - line.data();
    field = line.substr(0, at);
    value = field_value(line.substr(at + 1));
  }

  // Field names are compared literally (case matters); unknown fields are ignored.
  if (field == "data") {
    const std::size_t separator = has_data_ ? 1 : 0;
    if (value.size() + separator > limits_.max_event_bytes - data_.size()) {
      fail("SSE event data exceeds " + std::to_string(limits_.max_event_bytes) + " bytes");
      return;
    }
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) {
      if (!last_event_id_) last_event_id_.emplace();
      last_event_id_->assign(value);
    }
  } else if (field == "retry") {
    set_retry(value);
  }
}

void SseDecoder::set_retry(std::string_view digits) {
  if (digits.empty()) return;
  long long value = 0;
  constexpr long long kMax = std::numeric_limits<long long>::max();
  for (char c : digits) {
    if (!is_digit(c)) return;
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) return;  // too large to represent: ignored
    value = value * 10 + digit;
  }
  retry_ = value;
}

void SseDecoder::dispatch() {
  if (!has_data_) {
    // WHATWG: an empty data buffer dispatches nothing; the event type is reset too.
    event_type_.clear();
    return;
  }
  SseEvent& event = current_;
  if (event_type_.empty())
    event.event.assign("message");
  else
    event.event.assign(event_type_);
  // Swapping hands the buffer to the event and takes the event's old one back, so neither
  // side allocates once both have grown to the size of a typical event.
  event.data.swap(data_);
  data_.clear();
  if (last_event_id_)
    event.id = last_event_id_;
  else
    event.id.reset();
  event.retry = retry_;
  retry_.reset();
  sink_->on_event(event);
  has_data_ = false;
  event_type_.clear();
}

void SseDecoder::fail(std::string message) {
  error_ = std::move(message);
  // Stop buffering: release what the failed stream held.
  std::string().swap(line_);
  std::string().swap(data_);
  utf8_carry_.clear();
  has_data_ = false;
}

void SseDecoder::end(std::vector<SseEvent>&) {
  if (ended_) return;
  ended_ = true;
  if (failed()) return;
  // A dangling UTF-8 sequence would become U+FFFD, but it belongs to the unterminated last
  // line, which is discarded with the rest of the incomplete event: nothing to decode.
  ended_mid_event_ = have_fields_ || !line_.empty() || !utf8_carry_.empty();
  std::string().swap(line_);
  std::string().swap(data_);
  utf8_carry_.clear();
  has_data_ = false;
  event_type_.clear();
  retry_.reset();
}

}  // namespace pg
