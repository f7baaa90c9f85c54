// The text/event-stream decoder: WHATWG field rules, line endings, chunk splits anywhere,
// UTF-8 replacement as TextDecoder does it, and the memory limits.
#include <doctest/doctest.h>

#include "core/answer/sse.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace pg {
// Reads the decoder's buffers so a test can show memory stays bounded (declared a friend
// in sse.h; the public API stays as it is).
struct SseDecoderProbe {
  static std::size_t buffered_capacity(const SseDecoder& d) {
    return d.line_.capacity() + d.data_.capacity() + d.event_type_.capacity() +
           (d.last_event_id_ ? d.last_event_id_->capacity() : 0) + d.utf8_carry_.capacity();
  }
};
}  // namespace pg

using namespace pg;

namespace {

struct Outcome {
  std::vector<SseEvent> events;
  bool failed = false;
  std::string error;
  bool ended_mid_event = false;
};

Outcome decode_chunks(const std::vector<std::string>& chunks, SseLimits limits = {}) {
  SseDecoder decoder(limits);
  Outcome o;
  for (const auto& c : chunks) decoder.push(c, o.events);
  decoder.end(o.events);
  o.failed = decoder.failed();
  o.error = decoder.error();
  o.ended_mid_event = decoder.ended_mid_event();
  return o;
}

// A string literal with its embedded NULs (std::string(const char*) would stop at one).
template <std::size_t N>
std::string bytes_of(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

Outcome decode(const std::string& stream, SseLimits limits = {}) { return decode_chunks({stream}, limits); }

// An unambiguous rendering of events, so a mismatch prints something readable.
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + static_cast<char>(c);
    else if (c < 0x20 || c >= 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else
      out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string show(const std::vector<SseEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += "{event=" + quote(e.event) + " data=" + quote(e.data) + " id=" + (e.id ? quote(*e.id) : "null") +
           " retry=" + (e.retry ? std::to_string(*e.retry) : "null") + "}\n";
  }
  return out;
}

SseEvent ev(std::string data, std::string event = "message", std::optional<std::string> id = std::nullopt,
            std::optional<long long> retry = std::nullopt) {
  SseEvent e;
  e.event = std::move(event);
  e.data = std::move(data);
  e.id = std::move(id);
  e.retry = retry;
  return e;
}

// A stream that exercises every rule at once: mixed line endings, comments, BOM, fields
// with and without the space, multi-line data, ids (one with NUL), retry, unicode.
const std::string kMixedStream = bytes_of(
    "\xEF\xBB\xBF"
    ": keep-alive\r\n"
    "data: first\n\n"
    "event: update\r"
    "id: 7\r"
    "data:{\"a\":1}\r"
    "data:  two spaces\r\r"
    "retry: 1500\n"
    "id: bad\0id\n"
    "data\n"
    "data: \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\r\n"
    "unknown: x\r\n"
    "\r\n"
    "id\n"
    "event:\n"
    "data: \xE0\x80 and \xF0\x9F\x98\n"
    "\n"
    "data: no blank line at the end");

}  // namespace

TEST_CASE("a single event: type defaults to message, id and retry unset") {
  auto o = decode("data: hello\n\n");
  CHECK(show(o.events) == show({ev("hello")}));
  CHECK_FALSE(o.failed);
  CHECK_FALSE(o.ended_mid_event);
}

TEST_CASE("each line-ending style, and a mix of them, gives the same events") {
  const std::vector<SseEvent> expected = {ev("a\nb", "x", "1"), ev("c", "message", "1")};  // the id persists
  for (const std::string eol : {"\n", "\r", "\r\n"}) {
    CAPTURE(quote(eol));
    auto o = decode("event: x" + eol + "id: 1" + eol + "data: a" + eol + "data: b" + eol + eol + "data: c" + eol + eol);
    CHECK(show(o.events) == show(expected));
  }
  auto mixed = decode("event: x\r\nid: 1\rdata: a\ndata: b\r\n\rdata: c\n\r\n");
  CHECK(show(mixed.events) == show(expected));
}

TEST_CASE("CR at the end of one push and LF at the start of the next are one line end") {
  auto o = decode_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  CHECK(show(o.events) == show({ev("a\nb")}));
  // An empty push between them does not break the pair.
  auto with_empty = decode_chunks({"data: a\r", "", "\ndata: b\r\n\r\n"});
  CHECK(show(with_empty.events) == show({ev("a\nb")}));
  // A lone CR at the end of a push is a line end by itself when no LF follows.
  auto lone = decode_chunks({"data: a\r", "\r", "data: b\n\n"});
  CHECK(show(lone.events) == show({ev("a"), ev("b")}));
}

TEST_CASE("comments are ignored and never dispatch") {
  auto o = decode(": comment\n:\n\n: another\ndata: x\n: inside\n\n");
  CHECK(show(o.events) == show({ev("x")}));
  CHECK_FALSE(o.ended_mid_event);
}

TEST_CASE("field syntax: one optional space, no colon, case-sensitive names, unknown fields") {
  CHECK(show(decode("data:x\n\n").events) == show({ev("x")}));
  CHECK(show(decode("data: x\n\n").events) == show({ev("x")}));
  CHECK(show(decode("data:  x\n\n").events) == show({ev(" x")}));
  CHECK(show(decode("data:\tx\n\n").events) == show({ev("\tx")}));
  CHECK(show(decode("data: a:b: c\n\n").events) == show({ev("a:b: c")}));
  // A line without a colon is a field name with an empty value.
  CHECK(show(decode("data\n\n").events) == show({ev("")}));
  CHECK(show(decode("data:\n\n").events) == show({ev("")}));
  CHECK(show(decode("data \n\n").events).empty());  // "data " is not "data"
  CHECK(show(decode("Data: x\n\n").events).empty());
  CHECK(show(decode("DATA: x\nEvent: y\n\n").events).empty());
  CHECK(show(decode("foo: bar\nretryx: 5\ndata: x\nid : 9\n\n").events) == show({ev("x")}));
}

TEST_CASE("data lines join with LF; the trailing LF is removed") {
  CHECK(show(decode("data: a\ndata: b\ndata: c\n\n").events) == show({ev("a\nb\nc")}));
  CHECK(show(decode("data:\ndata:\n\n").events) == show({ev("\n")}));
  CHECK(show(decode("data: a\ndata\n\n").events) == show({ev("a\n")}));
  CHECK(show(decode("data: {\"x\":1}\n\ndata: {\"x\":2}\n\n").events) == show({ev("{\"x\":1}"), ev("{\"x\":2}")}));
}

TEST_CASE("a blank line with an empty data buffer dispatches nothing and resets the type") {
  auto o = decode("event: ping\n\ndata: x\n\n");
  CHECK(show(o.events) == show({ev("x")}));
  CHECK(decode("event: a\nid: 1\nretry: 5\n\n\n\n").events.empty());
  // An empty `event` value means the default type.
  CHECK(show(decode("event: a\nevent:\ndata: x\n\n").events) == show({ev("x")}));
  // The type applies to one event only.
  CHECK(show(decode("event: a\ndata: 1\n\ndata: 2\n\n").events) == show({ev("1", "a"), ev("2")}));
}

TEST_CASE("id follows the WHATWG last-event-id rules") {
  // It persists across events until changed.
  CHECK(show(decode("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n").events) ==
        show({ev("a", "message", "1"), ev("b", "message", "1"), ev("c", "message", "2")}));
  // A value with NUL is ignored: the previous id stays.
  CHECK(show(decode(bytes_of("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n")).events) ==
        show({ev("a", "message", "1"), ev("b", "message", "1")}));
  CHECK(show(decode(bytes_of("id: \0\ndata: a\n\n")).events) == show({ev("a")}));
  // An empty value sets the buffer to "" (it does not unset it).
  CHECK(show(decode("id: 1\ndata: a\n\nid:\ndata: b\n\n").events) ==
        show({ev("a", "message", "1"), ev("b", "message", "")}));
  CHECK(show(decode("id\ndata: a\n\n").events) == show({ev("a", "message", "")}));
  // Set in a block that dispatches nothing, it still carries to the next event.
  CHECK(show(decode("id: 5\n\ndata: a\n\n").events) == show({ev("a", "message", "5")}));
  // The last id of a block wins; a space after the colon is removed, others kept.
  CHECK(show(decode("id: 1\nid:  2\ndata: a\n\n").events) == show({ev("a", "message", " 2")}));
}

TEST_CASE("retry: only ASCII digits count, reported on the next dispatched event") {
  CHECK(show(decode("retry: 1500\ndata: a\n\ndata: b\n\n").events) ==
        show({ev("a", "message", std::nullopt, 1500), ev("b")}));
  CHECK(show(decode("retry: 007\ndata: a\n\n").events) == show({ev("a", "message", std::nullopt, 7)}));
  for (const char* bad : {"retry: 12a\n", "retry:  12\n", "retry: -1\n", "retry: 1.5\n", "retry:\n", "retry\n",
                          "retry: +3\n", "retry: 1 \n", "retry: \xD9\xA1\n", "retry: 99999999999999999999\n"}) {
    CAPTURE(quote(bad));
    CHECK(show(decode(std::string(bad) + "data: a\n\n").events) == show({ev("a")}));
  }
  // An invalid value does not erase an earlier valid one; the last valid one wins.
  CHECK(show(decode("retry: 10\nretry: x\ndata: a\n\n").events) == show({ev("a", "message", std::nullopt, 10)}));
  CHECK(show(decode("retry: 10\nretry: 20\ndata: a\n\n").events) == show({ev("a", "message", std::nullopt, 20)}));
  // The largest long long still fits.
  CHECK(show(decode("retry: 9223372036854775807\ndata: a\n\n").events) ==
        show({ev("a", "message", std::nullopt, 9223372036854775807LL)}));
  // Carried over a block that dispatches nothing.
  CHECK(show(decode("retry: 3000\n\ndata: a\n\n").events) == show({ev("a", "message", std::nullopt, 3000)}));
}

TEST_CASE("an event without its blank line is discarded at the end") {
  auto o = decode("data: a\n\ndata: b\n");
  CHECK(show(o.events) == show({ev("a")}));
  CHECK(o.ended_mid_event);

  auto partial = decode("data: a\n\ndata: b");
  CHECK(show(partial.events) == show({ev("a")}));
  CHECK(partial.ended_mid_event);

  CHECK(decode("id: 3\n").ended_mid_event);
  CHECK(decode("data: a\n\n: ping").ended_mid_event);  // a partial line is pending
  CHECK_FALSE(decode("data: a\n\n: ping\n").ended_mid_event);
  CHECK_FALSE(decode("data: a\r\n\r\n").ended_mid_event);
  CHECK_FALSE(decode("").ended_mid_event);
  // A stream that ends inside a UTF-8 sequence ends inside a line.
  CHECK(decode("data: a\n\n\xF0\x9F\x98").ended_mid_event);
}

TEST_CASE("a leading BOM is dropped once, even split across pushes") {
  const std::string body = "data: x\n\n";
  const std::string bom = "\xEF\xBB\xBF";
  CHECK(show(decode(bom + body).events) == show({ev("x")}));
  for (std::size_t cut = 0; cut <= 3; ++cut) {
    CAPTURE(cut);
    CHECK(show(decode_chunks({bom.substr(0, cut), bom.substr(cut) + body}).events) == show({ev("x")}));
  }
  CHECK(show(decode_chunks({"\xEF", "", "\xBB", "\xBF", body}).events) == show({ev("x")}));
  // Only one: a second BOM is part of the first line, whose field name is then unknown.
  CHECK(decode(bom + bom + body).events.empty());
  CHECK(show(decode(bom + "\n" + bom + body).events).empty());
  // Not at the start: kept as U+FEFF.
  CHECK(show(decode("data: " + bom + "x\n\n").events) == show({ev(bom + "x")}));
  // A broken BOM is an invalid sequence (one U+FFFD), not silently dropped.
  CHECK(decode_chunks({"\xEF\xBB", "data: x\n\n"}).events.empty());
  CHECK(show(decode_chunks({"\xEF\xBB", "\n\ndata: y\n\n"}).events) == show({ev("y")}));
  auto only_prefix = decode("\xEF\xBB");
  CHECK(only_prefix.ended_mid_event);
  CHECK_FALSE(decode(bom).ended_mid_event);
}

TEST_CASE("UTF-8 split inside 2, 3 and 4-byte sequences") {
  const std::string text = "\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  const std::string stream = "data: " + text + "\n\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    CAPTURE(cut);
    CHECK(show(decode_chunks({stream.substr(0, cut), stream.substr(cut)}).events) == show({ev(text)}));
  }
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  CHECK(show(decode_chunks(bytes).events) == show({ev(text)}));
}

TEST_CASE("invalid UTF-8 becomes U+FFFD per maximal subpart, as TextDecoder does") {
  const std::string R = "\xEF\xBF\xBD";
  // {input, what the WHATWG UTF-8 decoder (TextDecoder) yields for it}
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"\xF0\x9F\x98", R},          // truncated 4-byte sequence
      {"\xE0\x80", R + R},          // overlong lead: E0 needs A0..BF next
      {"\xED\xA0\x80", R + R + R},  // a surrogate (U+D800)
      {"\xED\xBF\xBF", R + R + R},  // U+DFFF
      {"\xC0\xAF", R + R},          // overlong '/'
      {"\xC1\xBF", R + R},
      {"\xF4\x90\x80\x80", R + R + R + R},  // past U+10FFFF
      {"\xF5\x80\x80\x80", R + R + R + R},
      {"\xF8\x88\x80\x80\x80", R + R + R + R + R},
      {"\xFF\xFE", R + R},
      {"\x80\xBF", R + R},  // lone continuations
      {"\xE2\x82"
       "A",
       R + "A"},  // truncated, then ASCII
      {"\xF0\x90\x80\xF0\x90\x80\x80", R + "\xF0\x90\x80\x80"},
      {"\xC2\xC2\xA9", R + "\xC2\xA9"},
      {"\xF0\x80\x80\x80", R + R + R + R},  // overlong 4-byte
      {"\xE0\x9F\xBF", R + R + R},
      // Valid edge cases stay as they are.
      {"\xE0\xA0\x80", "\xE0\xA0\x80"},          // U+0800
      {"\xED\x9F\xBF", "\xED\x9F\xBF"},          // U+D7FF
      {"\xEE\x80\x80", "\xEE\x80\x80"},          // U+E000
      {"\xEF\xBF\xBF", "\xEF\xBF\xBF"},          // U+FFFF
      {"\xF0\x90\x80\x80", "\xF0\x90\x80\x80"},  // U+10000
      {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},  // U+10FFFF
      {"\x7F", "\x7F"},
  };
  for (const auto& [input, expected] : vectors) {
    CAPTURE(quote(input));
    const std::string stream = "data: <" + input + ">\n\n";
    const std::string want = show({ev("<" + expected + ">")});
    CHECK(show(decode(stream).events) == want);
    for (std::size_t cut = 1; cut < stream.size(); ++cut) {
      CAPTURE(cut);
      CHECK(show(decode_chunks({stream.substr(0, cut), stream.substr(cut)}).events) == want);
    }
    // A truncated sequence right before the line end: the LF is never swallowed.
    CHECK(show(decode("data: " + input + "\n\n").events) == show({ev(expected)}));
  }
  // Invalid bytes can never hide a line end: the replacement is per subpart, then LF.
  CHECK(show(decode("data: \xF0\x9F\n\ndata: \xE2\r\r").events) == show({ev(R), ev(R)}));
}

TEST_CASE("every split position of a multi-event stream gives the unsplit result") {
  const auto whole = decode(kMixedStream);
  // The expected events, worked out by hand from the WHATWG rules.
  const std::string R = "\xEF\xBF\xBD";
  const std::vector<SseEvent> expected = {
      ev("first"),
      ev("{\"a\":1}\n two spaces", "update", "7"),
      ev("\n\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80", "message", "7", 1500),
      ev(R + R + " and " + R, "message", ""),
  };
  REQUIRE(show(whole.events) == show(expected));
  CHECK(whole.ended_mid_event);

  const std::string& s = kMixedStream;
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    CAPTURE(cut);
    auto o = decode_chunks({s.substr(0, cut), s.substr(cut)});
    CHECK(show(o.events) == show(expected));
    CHECK(o.ended_mid_event);
  }
  // Every pair of split positions: three pushes.
  std::size_t mismatches = 0;
  for (std::size_t a = 0; a <= s.size(); ++a)
    for (std::size_t b = a; b <= s.size(); ++b)
      if (show(decode_chunks({s.substr(0, a), s.substr(a, b - a), s.substr(b)}).events) != show(expected)) ++mismatches;
  CHECK(mismatches == 0);
  // Byte by byte.
  std::vector<std::string> bytes;
  for (char c : s) bytes.emplace_back(1, c);
  CHECK(show(decode_chunks(bytes).events) == show(expected));
}

TEST_CASE("a line longer than the limit fails with a clear error") {
  SseLimits limits;
  limits.max_line_bytes = 16;
  // Exactly at the limit is fine, one byte more is not, whole or split.
  CHECK(show(decode("data: 0123456789\n\n", limits).events) == show({ev("0123456789")}));
  auto whole = decode("data: 01234567890\n\n", limits);
  CHECK(whole.failed);
  CHECK(whole.error == "SSE line exceeds 16 bytes");
  auto split = decode_chunks({"data: 01234", "567890\n\n"}, limits);
  CHECK(split.failed);
  CHECK(split.error == "SSE line exceeds 16 bytes");
  // Events before the long line are still delivered; nothing after it is.
  auto before = decode("data: a\n\ndata: 01234567890123456789\n\ndata: b\n\n", limits);
  CHECK(show(before.events) == show({ev("a")}));
  CHECK(before.failed);
  // The default limit names its size.
  auto big = decode(std::string(1048577, 'x'));
  CHECK(big.error == "SSE line exceeds 1048576 bytes");
}

TEST_CASE("invalid UTF-8 after a decoding failure is not counted, however the input was split") {
  // Found by the chat_stream fuzzer: the whole input counted the bad bytes that follow the
  // line that failed, while byte-by-byte pushes (which stop at the failure) did not.
  SseLimits limits;
  limits.max_line_bytes = 8;
  const std::string input = "data: 0123456789\xFF\xFE\n\n";
  SseDecoder whole(limits);
  std::vector<SseEvent> out;
  whole.push(input, out);
  CHECK(whole.failed());
  CHECK(whole.invalid_utf8() == 0);
  SseDecoder split(limits);
  for (char c : input) split.push(std::string_view(&c, 1), out);
  CHECK(split.failed());
  CHECK(split.invalid_utf8() == whole.invalid_utf8());
  // Before the failure they are counted, in both.
  SseDecoder early(limits);
  early.push(
      "\xFF\xFE"
      "data: 0123456789\n\n",
      out);
  CHECK(early.invalid_utf8() == 2);
}

TEST_CASE("10 MB without a newline: error, buffering stops, memory stays bounded") {
  SseDecoder decoder;  // default limits: 1 MiB lines
  std::vector<SseEvent> out;
  decoder.push("data: before\n\n", out);
  const std::string chunk(64 * 1024, 'a');
  std::size_t pushed = 0, max_capacity = 0;
  bool returned_false = false;
  while (pushed < 10u * 1024 * 1024) {
    returned_false = !decoder.push(chunk, out) || returned_false;
    pushed += chunk.size();
    max_capacity = std::max(max_capacity, SseDecoderProbe::buffered_capacity(decoder));
  }
  CHECK(decoder.failed());
  CHECK(returned_false);
  CHECK(decoder.error() == "SSE line exceeds 1048576 bytes");
  CHECK(max_capacity <= 2u * 1048576);
  CHECK(SseDecoderProbe::buffered_capacity(decoder) < 1024);  // released on failure
  CHECK(show(out) == show({ev("before")}));
  // Later input, even a valid event, is ignored.
  CHECK_FALSE(decoder.push("\n\ndata: after\n\n", out));
  CHECK(out.size() == 1);
  decoder.end(out);
  CHECK(out.size() == 1);
}

TEST_CASE("the data buffer of one event is bounded by max_event_bytes") {
  SseLimits limits;
  limits.max_event_bytes = 10;
  // "01234\n5678" is 10 bytes: allowed. One more byte is not.
  CHECK(show(decode("data: 01234\ndata: 5678\n\n", limits).events) == show({ev("01234\n5678")}));
  auto over = decode("data: 01234\ndata: 56789\n\n", limits);
  CHECK(over.failed);
  CHECK(over.error == "SSE event data exceeds 10 bytes");
  CHECK(over.events.empty());
  // The bound is per event: many events of 10 bytes each are fine.
  std::string many;
  for (int i = 0; i < 100; ++i) many += "data: 0123456789\n\n";
  auto fine = decode(many, limits);
  CHECK_FALSE(fine.failed);
  CHECK(fine.events.size() == 100);
  // Many short lines cannot grow one event past the bound either (default limits).
  SseDecoder decoder;
  std::vector<SseEvent> out;
  const std::string line = "data: " + std::string(1000, 'z') + "\n";
  std::size_t max_capacity = 0;
  for (int i = 0; i < 20000 && !decoder.failed(); ++i) {
    decoder.push(line, out);
    max_capacity = std::max(max_capacity, SseDecoderProbe::buffered_capacity(decoder));
  }
  CHECK(decoder.failed());
  CHECK(decoder.error() == "SSE event data exceeds 16777216 bytes");
  CHECK(max_capacity <= 2u * (16u << 20));
  CHECK(out.empty());
}

TEST_CASE("one long line in many small pushes is reassembled") {
  const std::string payload(300000, 'q');
  std::vector<std::string> chunks;
  const std::string stream = "data: " + payload + "\r\n\r\n";
  for (std::size_t i = 0; i < stream.size(); i += 3) chunks.push_back(stream.substr(i, 3));
  auto o = decode_chunks(chunks);
  REQUIRE(o.events.size() == 1);
  CHECK(o.events[0].data == payload);
}

TEST_CASE("after end() the decoder ignores further input") {
  SseDecoder decoder;
  std::vector<SseEvent> out;
  decoder.push("data: a\n\ndata: b\n", out);
  decoder.end(out);
  CHECK(decoder.ended_mid_event());
  CHECK(decoder.push("\ndata: c\n\n", out));
  CHECK(show(out) == show({ev("a")}));
}
