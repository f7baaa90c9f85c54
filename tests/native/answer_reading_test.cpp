// A key's `response` block read as the gateway reads it (core/answer/chat_stream.h's AnswerReading):
// reasoning from the field the key names, and streams with or without data: [DONE].
#include "core/answer/chat_stream.h"

#include <doctest/doctest.h>

#include <string>

using namespace pg;

namespace {

std::string chunk(const std::string& delta, const char* finish = nullptr) {
  return "data: "
         "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
         "\"delta\":" +
         delta + ",\"finish_reason\":" + (finish ? "\"" + std::string(finish) + "\"" : "null") +
         "}],\"usage\":null}\n\n";
}

Result read(const std::string& bytes, AnswerReading reading, std::size_t piece = 0) {
  ChatStream stream({}, std::move(reading));
  json deltas = json::array();
  if (piece == 0) {
    stream.push(bytes, deltas);
  } else {
    for (std::size_t at = 0; at < bytes.size(); at += piece)
      stream.push(std::string_view(bytes).substr(at, piece), deltas);
  }
  return stream.end();
}

bool has(const Result& r, FindingCode code) {
  for (const auto& f : r.findings)
    if (f.code == code) return true;
  return false;
}

}  // namespace

TEST_CASE("answer reading: reasoning comes from the field the key names, whole or in pieces") {
  const std::string body = chunk(R"({"role":"assistant","reasoning_text":"Let me think."})") +
                           chunk(R"({"meta":{"thought":" More."}})") + chunk(R"({"content":"Hi"})", "stop") +
                           "data: [DONE]\n\n";
  const Result plain = read(body, {});
  CHECK(plain.reasoning.empty());  // without the key's settings the field means nothing
  CHECK(plain.content == "Hi");

  for (std::size_t piece : {0, 1, 7}) {
    const Result r = read(body, AnswerReading{"delta.reasoning_text", ""}, piece);
    CHECK(r.reasoning == "Let me think.");
    CHECK(r.content == "Hi");
    CHECK(r.ok());
    const Result nested = read(body, AnswerReading{"delta.meta.thought", ""}, piece);
    CHECK(nested.reasoning == " More.");
  }
  // The named field wins over reasoning_content, as the gateway's copy replaces it.
  const Result both = read(chunk(R"({"reasoning_content":"a","reasoning_text":"b"})") +
                               chunk(R"({"content":"x"})", "stop") + "data: [DONE]\n\n",
                           AnswerReading{"delta.reasoning_text", ""});
  CHECK(both.reasoning == "b");
  // A field outside the delta, or empty, is not read; reasoning_content still is.
  const Result outside =
      read(chunk(R"({"reasoning_content":"a"})") + chunk(R"({"content":"x"})", "stop") + "data: [DONE]\n\n",
           AnswerReading{"choices.reasoning", ""});
  CHECK(outside.reasoning == "a");
}

TEST_CASE("answer reading: stream_done_marker none expects no [DONE], and says so when one comes") {
  const std::string whole = chunk(R"({"role":"assistant","content":"Hi"})", "stop");
  const Result default_reading = read(whole, {});
  CHECK(default_reading.ok());
  CHECK(has(default_reading, FindingCode::StreamEndedWithoutDone));

  const Result none = read(whole, AnswerReading{"", "none"});
  CHECK(none.ok());
  CHECK_FALSE(has(none, FindingCode::StreamEndedWithoutDone));

  const Result marked = read(whole + "data: [DONE]\n\n", AnswerReading{"", "none"});
  CHECK(marked.ok());  // the gateway only logs it
  CHECK(has(marked, FindingCode::DoneMarkerUnexpected));
  CHECK_FALSE(has(read(whole + "data: [DONE]\n\n", AnswerReading{"", "required"}), FindingCode::DoneMarkerUnexpected));

  // A stream cut before its finish_reason is cut, whatever the key says about [DONE].
  const Result cut = read(chunk(R"({"role":"assistant","content":"Hi"})"), AnswerReading{"", "none"});
  CHECK_FALSE(cut.ok());
  CHECK(has(cut, FindingCode::StreamCut));
}
