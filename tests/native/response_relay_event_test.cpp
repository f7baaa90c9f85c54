// ChatStream and the relay's relay_error event: kept as relayEvent, split anywhere, the last
// well-formed one wins, after [DONE] it is not part of the answer, look-alikes are the provider's.
#include <doctest/doctest.h>

#include "support/response.h"

#include "delta_support.h"

#include "core/answer/chat_stream.h"
#include "core/answer/delta_builder.h"
#include "core/answer/detail/completion_rules.h"     // internal under test
#include "core/answer/detail/issue_log.h"            // internal under test
#include "core/answer/detail/tool_call_assembler.h"  // internal under test

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace pg;

// --- the relay's own event ---------------------------------------------------------------

namespace {

std::string relay_error_event(const json& error) {
  return "event: relay_error\ndata: " + dump_json(json{{"error", error}}) + "\n\n";
}

const json kRelayIdle = {{"source", "relay"},
                         {"kind", "timeout"},
                         {"message", "the provider sent nothing for 60 s (idle limit between chunks)"},
                         {"phase", "idle"},
                         {"reason", "idle_timeout"},
                         {"nonce", "Q2hhdFN0cmVhbU5vbmNlMQ"}};

}  // namespace

TEST_CASE("ChatStream: the relay's relay_error event is kept as relayEvent, neither a chunk nor a provider error") {
  const std::string answer = data(chunk({{"role", "assistant"}, {"content", "Hel"}}));
  StreamRun with = run_every_way_bytes(answer + relay_error_event(kRelayIdle));
  StreamRun without = run_whole(answer);
  const Result& r = with.result;
  REQUIRE(r.relay_event);
  CHECK(r.relay_event->kind == "timeout");
  CHECK(r.relay_event->message == "the provider sent nothing for 60 s (idle limit between chunks)");
  CHECK(r.relay_event->phase == "idle");
  CHECK(r.relay_event->reason == "idle_timeout");
  CHECK(r.relay_event->nonce == "Q2hhdFN0cmVhbU5vbmNlMQ");
  // It adds no finding, no delta and no content: the stream reads as the same stream cut short.
  CHECK(to_json(r.findings) == to_json(without.result.findings));
  CHECK(with.deltas == without.deltas);
  CHECK(r.content == "Hel");
  CHECK(find(r, Severity::Error, "chunks[1]", "the provider sent an error") == nullptr);
  const json j = to_json(r);
  CHECK(j["relayEvent"] == json{{"kind", "timeout"},
                                {"message", "the provider sent nothing for 60 s (idle limit between chunks)"},
                                {"phase", "idle"},
                                {"reason", "idle_timeout"},
                                {"nonce", "Q2hhdFN0cmVhbU5vbmNlMQ"}});

  // By itself it does not fail an answer that is otherwise whole.
  const std::string whole = data(chunk({{"content", "Hi"}}, "stop")) + kUsageChunk;
  StreamRun complete = run_whole(whole + relay_error_event(kRelayIdle) + kDone);
  CHECK(complete.result.ok());
  CHECK(complete.result.relay_event);
  CHECK(to_json(complete.result.findings) == to_json(run_whole(whole + kDone).result.findings));

  // Optional fields absent: "" in the Result; the JSON always has all five.
  json bare = {{"source", "relay"}, {"kind", "too_large"}};
  const Result b = run_whole(answer + relay_error_event(bare)).result;
  REQUIRE(b.relay_event);
  CHECK(to_json(b)["relayEvent"] ==
        json{{"kind", "too_large"}, {"message", ""}, {"phase", ""}, {"reason", ""}, {"nonce", ""}});
}

TEST_CASE("ChatStream: a relay_error event split at every byte gives the identical Result") {
  // A posing event first (its nonce is no nonce), the relay's own, then a malformed one.
  const std::string bytes =
      data(chunk({{"content", "Hel"}})) +
      relay_error_event({{"source", "relay"}, {"kind", "timeout"}, {"message", "x"}, {"nonce", "bad nonce!"}}) +
      relay_error_event(kRelayIdle) + "event: relay_error\ndata: {not json\n\n";
  const json expected = to_json(run_whole(bytes).result);
  REQUIRE(expected["relayEvent"]["nonce"] == "Q2hhdFN0cmVhbU5vbmNlMQ");
  REQUIRE(expected["findings"].dump().find("relay_error[2]") != std::string::npos);
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    CAPTURE(cut);
    const std::string_view all = bytes;
    CHECK(to_json(run_pieces({all.substr(0, cut), all.substr(cut)}).result) == expected);
  }
  CHECK(to_json(run_bytewise(bytes).result) == expected);
  for (unsigned seed : {4u, 5u, 6u}) CHECK(to_json(run_random(bytes, seed).result) == expected);
  // Crlf line ends and a split CR/LF pair read the same.
  std::string crlf;
  for (char c : bytes) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(to_json(run_bytewise(crlf).result) == expected);
}

TEST_CASE("ChatStream: relay_error events: the last well-formed one wins, malformed ones are ignored with a warning") {
  const std::string answer = data(chunk({{"content", "Hel"}}));
  json first = kRelayIdle;
  first["message"] = "first";
  json second = kRelayIdle;
  second["kind"] = "too_large";
  second["message"] = "second";
  const Result r = run_whole(answer + relay_error_event(first) + relay_error_event(second)).result;
  REQUIRE(r.relay_event);
  CHECK(r.relay_event->kind == "too_large");
  CHECK(r.relay_event->message == "second");

  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"event: relay_error\ndata: the relay gave up\n\n", "its data is not JSON"},
      {"event: relay_error\ndata:\n\n", "its data is not JSON"},
      {"event: relay_error\ndata: [1,2]\n\n", "no error object"},
      {relay_error_event({{"kind", "timeout"}, {"message", "no source"}}), "error.source is not \"relay\""},
      {relay_error_event({{"source", "upstream"}, {"kind", "timeout"}}), "error.source is not \"relay\""},
      {relay_error_event({{"source", "relay"}, {"message", "no kind"}}), "error.kind is missing"},
      {relay_error_event({{"source", "relay"}, {"kind", 7}}), "error.kind is missing"},
  };
  for (const auto& [event, problem] : malformed) {
    CAPTURE(event);
    // After a good one: the good one stays.
    const Result m = run_whole(answer + relay_error_event(first) + event).result;
    REQUIRE(m.relay_event);
    CHECK(m.relay_event->message == "first");
    CHECK_FINDING(m, Severity::Warning, "relay_error[1]", problem);
    CHECK(count(m, Severity::Error) == count(run_whole(answer).result, Severity::Error));
    // Alone: no relayEvent at all.
    CHECK_FALSE(run_whole(answer + event).result.relay_event);
  }
  // Many are summarised like other repeated findings.
  std::string many = answer;
  for (int i = 0; i < 30; ++i) many += "event: relay_error\ndata: nope\n\n";
  const Result lots = run_whole(many).result;
  CHECK_FINDING(lots, Severity::Warning, "relay_error[19]", "not JSON");
  CHECK_FINDING(lots, Severity::Warning, "", "… and 10 more relay_error events");

  // Texts are bounded; a nonce that is not base64url, or too long to be the relay's, is kept as "".
  json huge = kRelayIdle;
  huge["message"] = std::string(100000, 'm');
  huge["kind"] = std::string(1000, 'k');
  huge["phase"] = std::string(1000, 'p');
  huge["reason"] = std::string(1000, 'r');
  huge["nonce"] = std::string(65, 'n');
  const Result h = run_whole(answer + relay_error_event(huge)).result;
  REQUIRE(h.relay_event);
  CHECK(h.relay_event->message.size() <= 503);
  CHECK(h.relay_event->kind.size() <= 43);
  CHECK(h.relay_event->phase.size() <= 43);
  CHECK(h.relay_event->reason.size() <= 83);
  CHECK(h.relay_event->nonce.empty());
  for (const char* bad : {"has space", "plus+slash/", "line\nbreak", "\xC3\xA9t\xC3\xA9"}) {
    json e = kRelayIdle;
    e["nonce"] = bad;
    const Result n = run_whole(answer + relay_error_event(e)).result;
    REQUIRE(n.relay_event);
    CHECK(n.relay_event->nonce.empty());
  }
  json exact = kRelayIdle;
  exact["nonce"] = std::string(64, 'A');
  CHECK(run_whole(answer + relay_error_event(exact)).result.relay_event->nonce == std::string(64, 'A'));
}

TEST_CASE("ChatStream: a relay_error event after [DONE] is not part of the answer") {
  // A provider that keeps the connection open after [DONE] until the relay's idle limit.
  const std::string whole = data(chunk({{"content", "Hi"}}, "stop")) + kUsageChunk + kDone;
  const Result r = run_whole(whole + relay_error_event(kRelayIdle)).result;
  CHECK_FALSE(r.relay_event);
  CHECK(r.ok());
  CHECK_FINDING(r, Severity::Warning, "chunks[2]", "data arrived after data: [DONE] and was ignored");
}

TEST_CASE("ChatStream: other events that look like the relay's are the provider's") {
  // The relay's JSON as a plain data event or an error event: a provider error, as before.
  const std::string answer = data(chunk({{"content", "Hel"}}));
  const Result plain = run_whole(answer + "data: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(plain.relay_event);
  CHECK_FINDING(plain, Severity::Error, "chunks[1]", "the provider sent an error in the stream");
  const Result named =
      run_whole(answer + "event: error\ndata: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(named.relay_event);
  CHECK_FINDING(named, Severity::Error, "chunks[1]", "the provider sent an error in the stream");
  // Only the exact event name counts.
  const Result other =
      run_whole(answer + "event: Relay_Error\ndata: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(other.relay_event);
}
