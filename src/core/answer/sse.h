// An incremental text/event-stream decoder over raw bytes (WHATWG HTML, "event stream
// interpretation"). Chunks may split anywhere: inside a UTF-8 sequence, between CR and LF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

struct SseEvent {
  std::string event = "message";  // the `event` field, "message" when the block names none
  std::string data;               // data lines joined by "\n" (no trailing "\n")
  // The last-event-id after this event (WHATWG: it persists across events until an `id`
  // field changes it; an `id` value containing NUL is ignored). nullopt until one is set.
  std::optional<std::string> id;
  // The last valid `retry` field (ASCII digits only) seen since the previous dispatch.
  // WHATWG applies `retry` to the connection at once; a decoder that only returns events
  // reports it on the next event it dispatches, even when the `retry` sat in a block that
  // dispatched nothing (no data). A `retry` after the last event is never reported. A value
  // too large for long long is ignored, as if it were not digits.
  std::optional<long long> retry;
};

struct SseLimits {
  // A single line longer than this is an error (no unbounded buffering of a stream that
  // never sends a newline).
  std::size_t max_line_bytes = 1u << 20;
  // The data buffer of one event may not grow beyond this.
  std::size_t max_event_bytes = 16u << 20;
};

// Receives events as they are dispatched. The event (and its data buffer) belongs to the
// decoder and is reused for the next one: a sink that keeps it must copy or move from it.
// Reuse is the point: a chat stream dispatches an event per token, and allocating a
// buffer for each was a measurable part of decoding in WebAssembly.
class SseSink {
 public:
  virtual void on_event(SseEvent& event) = 0;

 protected:
  ~SseSink() = default;
};

class SseDecoder {
 public:
  explicit SseDecoder(SseLimits limits = {});

  // Feeds raw bytes and appends every event dispatched by them to `out`. Input is decoded
  // as UTF-8 with invalid sequences replaced by U+FFFD exactly as TextDecoder does
  // (maximal subparts), a leading BOM is dropped once. Returns false once the decoder has
  // failed (a limit was passed); after that input is ignored and error() says why.
  bool push(std::string_view bytes, std::vector<SseEvent>& out);
  // The same, handing each event to `sink` as it is dispatched.
  bool push(std::string_view bytes, SseSink& sink);

  // The end of the stream. WHATWG: an incomplete trailing event (no blank line yet) is
  // discarded, never dispatched; a dangling partial UTF-8 sequence becomes U+FFFD first.
  // Nothing is appended to `out` today; the parameter keeps push/end symmetric for callers.
  // After end(), push() ignores its input.
  void end(std::vector<SseEvent>& out);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // True when end() discarded buffered input: the stream stopped in the middle of an event.
  bool ended_mid_event() const { return ended_mid_event_; }
  // How many ill-formed UTF-8 sequences were replaced by U+FFFD so far: the text is still
  // readable, but a provider that sends non-UTF-8 bytes deserves a finding.
  std::size_t invalid_utf8() const { return invalid_utf8_; }

 private:
  friend struct SseDecoderProbe;  // lets the native tests measure buffered memory

  void decode(std::string_view bytes);
  void feed_text(std::string_view utf8);
  bool append_partial_line(std::string_view piece);
  void process_line(std::string_view line);
  void set_retry(std::string_view digits);
  void dispatch();
  void fail(std::string message);

  SseLimits limits_;
  std::string error_;
  bool ended_mid_event_ = false;
  std::size_t invalid_utf8_ = 0;
  bool ended_ = false;  // end() was called: later input is ignored

  // UTF-8 decoding state: the bytes of an incomplete sequence carried to the next push
  // (at most 3). Before the BOM is decided it holds the prefix of a BOM seen so far.
  std::string utf8_carry_;
  bool bom_checked_ = false;

  // Line splitting state.
  std::string line_;          // the current, not yet terminated line (only when split)
  bool last_was_cr_ = false;  // a CR ended the previous text: swallow a following LF

  // The event being built. data_ holds the data lines joined by "\n" (WHATWG's buffer
  // without its trailing LF); has_data_ tells an empty data line from no data line.
  std::string data_;
  bool has_data_ = false;
  std::string event_type_;
  std::optional<std::string> last_event_id_;
  std::optional<long long> retry_;
  bool have_fields_ = false;  // any field seen since the last blank line (for ended_mid_event)
  SseSink* sink_ = nullptr;   // where the push being handled dispatches to
  SseEvent current_;          // the event handed to the sink, reused (see SseSink)
};

}  // namespace pg
