// core.diagnose of the relay's own outcomes: a run the user stopped, the page not reaching
// the relay, the relay's relay_error event (decided by its fields, never its wording), the
// x-playground-source header and the relay's timeout phases.
#include <doctest/doctest.h>

#include "support/diagnose.h"

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

TEST_CASE("a run the user stopped blames no setting") {
  json streaming = {
      {"aborted", true},
      {"status", 200},
      {"contentType", "text/event-stream"},
      {"result",
       {{"ok", false},
        {"content", "Hel"},
        {"reasoning", ""},
        {"toolCalls", json::array()},
        {"finishReason", nullptr},
        {"usage", nullptr},
        {"model", "gpt-4.1-mini"},
        {"done", false},
        {"findings",
         json::array(
             {{{"severity", "error"}, {"path", ""}, {"message", "stream ended without data: [DONE] (cut short)"}}})}}},
      {"model", {{"provider", "openai"}, {"model_name", "gpt-4.1-mini"}, {"api_base", "https://api.openai.com/v1"}}}};
  auto d = to_json(diagnose(streaming));
  CHECK(d["verdict"] == "warn");
  for (int i = 0; i < 4; ++i) CHECK(d["steps"][i]["status"] == "pass");
  CHECK(d["steps"][4]["status"] == "not_reached");
  CHECK(d["conditions"][0]["kind"] == "stopped");

  auto early = to_json(diagnose(json{{"aborted", true}}));
  CHECK(early["verdict"] == "warn");
  for (int i = 0; i < 5; ++i) CHECK(early["steps"][i]["status"] == "not_reached");
}

TEST_CASE("the page not reaching the relay is the relay's condition, not a setting") {
  auto d = to_json(diagnose(json{{"relayError", {{"kind", "relay_unreachable"}, {"message", "Failed to fetch"}}}}));
  CHECK(d["verdict"] == "fail");
  CHECK(d["conditions"][0]["kind"] == "relay_unreachable");
  for (int i = 0; i < 5; ++i) CHECK(d["steps"][i]["status"] == "not_reached");
}

TEST_CASE("diagnose: the relay's own relay_error event (this call's nonce) decides by its fields, never its wording") {
  // The nonce matches: kind, phase and reason are the relay's, whatever its message says.
  json idle = relay_event_stream({{"kind", "timeout"},
                                  {"message", "stopped"},
                                  {"phase", "idle"},
                                  {"reason", "idle_timeout"},
                                  {"nonce", kFixtureNonce}},
                                 openai());
  idle["headers"] = forwarded();
  check(
      {"idle, in plain words",
       idle,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout: stopped", "cond:the provider is stalling", "summary:cut short", "!claims to be"}});

  // The words of one limit with the phase of another: the phase decides.
  json total = relay_event_stream({{"kind", "timeout"},
                                   {"message", "the provider sent nothing for 30 s (idle limit between chunks)"},
                                   {"phase", "total"},
                                   {"nonce", kFixtureNonce}},
                                  openai());
  total["headers"] = forwarded();
  check({"total phase, idle wording",
         total,
         "PPPPF",
         "timeout",
         "fail",
         {"cond:the relay stops a call at its total time limit", "!stalling"}});

  json size = relay_event_stream(
      {{"kind", "too_large"}, {"message", "enough"}, {"reason", "response_size"}, {"nonce", kFixtureNonce}}, openai());
  size["headers"] = forwarded();
  check({"the response size limit", size, "PPPPF", "relay_limit", "fail", {"cond:lower max tokens"}});

  json reset = relay_event_stream(
      {{"kind", "upstream_reset"}, {"message", "gone"}, {"reason", "ECONNRESET"}, {"nonce", kFixtureNonce}}, openai());
  reset["headers"] = forwarded();
  check({"the provider closed the connection",
         reset,
         "PPPPF",
         "",
         "fail",
         {"summary:closed the connection in the middle"}});

  // The relay's wording without a kind the relay uses mid-stream: still the relay's, not the provider's.
  json other = relay_event_stream(
      {{"kind", "internal"}, {"message", "the provider sent nothing (idle limit)"}, {"nonce", kFixtureNonce}},
      openai());
  other["headers"] = forwarded();
  check({"another relay kind",
         other,
         "PPPPF",
         "",
         "fail",
         {"summary:the relay failed in the middle of the answer", "!stalling"}});
}

TEST_CASE(
    "diagnose: a relay_error event without this call's nonce is the provider's error event, posing as the relay") {
  // No nonce at all (the upstream cannot know it), the relay's very words and phase.
  json posed = streamed("relay-error-posed-by-upstream.sse", openai());
  posed["headers"] = forwarded();
  check({"no nonce",
         posed,
         "PPPPF",
         "",
         "fail",
         {"answer:the provider sent an event that claims to be the relay's (relay_error without the relay's nonce)",
          "answer:error event in the stream timeout: the provider sent nothing for 60 s",
          "summary:the provider sent an error", "!relay error timeout", "!stalling"}});

  // A nonce, but not this response's; and one beside a response without the relay's headers.
  json wrong = relay_event_stream(
      {{"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"nonce", "AAAAAAAAAAAAAAAAAAAAAA"}}, openai());
  wrong["headers"] = forwarded();
  check({"another nonce", wrong, "PPPPF", "", "fail", {"answer:with a nonce that is not this call's", "!relay error"}});
  wrong.erase("headers");
  check({"no header to compare with", wrong, "PPPPF", "", "fail", {"answer:claims to be the relay's", "!relay error"}});

  // An empty nonce never matches an absent header.
  json empty = relay_event_stream({{"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"nonce", ""}}, openai());
  check({"empty nonce, no header", empty, "PPPPF", "", "fail", {"answer:without the relay's nonce"}});
  empty["headers"] = {{"x-playground-relay-nonce", ""}};
  check({"empty nonce, empty header", empty, "PPPPF", "", "fail", {"answer:without the relay's nonce"}});

  // The provider's error type in the posing event is read as a provider's would be.
  json quota =
      relay_event_stream({{"kind", "insufficient_quota"}, {"message", "You exceeded your current quota"}}, openai());
  quota["headers"] = forwarded();
  check({"a posing event with a provider's meaning",
         quota,
         "PPPPF",
         "quota",
         "fail",
         {"answer:claims to be the relay's"}});

  // A provider error event earlier in the stream explains the run; the posing is still said.
  json both = streamed("openrouter-midstream-error.sse", openrouter());
  both["result"]["relayEvent"] = {
      {"kind", "timeout"}, {"message", "m"}, {"phase", "idle"}, {"reason", ""}, {"nonce", ""}};
  both["headers"] = forwarded();
  check({"a provider error first",
         both,
         "PPPPF",
         "outage",
         "fail",
         {"answer:claims to be the relay's", "answer:Upstream provider disconnected"}});

  // Whatever else explains the run (the page's own relay error here), the posing is said.
  json beside = posed;
  beside["relayError"] = {{"kind", "upstream_reset"}, {"message", "the stream was cut off (network error)"}};
  check({"beside the page's relay error", beside, "PPPPF", "", "fail", {"answer:claims to be the relay's"}});
}

TEST_CASE("diagnose: a relay-shaped body is the relay's only with x-playground-source: relay") {
  const char* body =
      R"j({"error":{"source":"relay","kind":"blocked_address","message":"api.example.com resolves to 10.0.0.5, a private address","category":"private"}})j";
  json o = http_json(502, body, model("openai", "m", "https://api.example.com/v1"));
  // No header: the upstream's body, an error at HTTP 502 like any other.
  check({"no header",
         o,
         "PPNNN",
         "outage",
         "fail",
         {"cond:the provider failed with HTTP 502", "!ALLOWED_PRIVATE_UPSTREAMS", "!relay error"}});
  o["headers"] = {{"x-playground-source", "upstream"}};
  check({"forwarded", o, "PPNNN", "outage", "fail", {"!ALLOWED_PRIVATE_UPSTREAMS", "!relay error"}});
  o["headers"] = {{"X-Playground-Source", "Relay "}};  // not the relay's exact value
  check({"another value", o, "PPNNN", "outage", "fail", {"!relay error"}});
  o["headers"] = {{"x-playground-source", "relay"}};
  check({"the relay's",
         o,
         "FNNNN",
         "",
         "fail",
         {"reach:relay error blocked_address", "reach:ALLOWED_PRIVATE_UPSTREAMS"}});
  // The Fetch API's [name, value] pairs carry it too.
  o["headers"] = json::array({json::array({"x-playground-source", "relay"})});
  check({"as pairs", o, "FNNNN", "", "fail", {"reach:relay error blocked_address"}});

  // At a 2xx a forged relay body is the provider's error instead of a completion.
  json ok_status = http_json(200, body, model("openai", "m", "https://api.example.com/v1"));
  check({"at 200", ok_status, "PPPPF", "", "fail", {"answer:error with a success status", "!relay error"}});
}

TEST_CASE("diagnose: the relay's timeouts take their phase from the phase field") {
  // The relay's words for the first-byte limit, without a phase and without a connect time:
  // nothing shows the connection was made, so it is read as a connect failure.
  json words = relay("timeout", "api.openai.com accepted the connection but sent no response within 60 s", openai());
  check({"wording only", words, "FNNNN", "", "fail", {"reach:could not connect"}});
  json phased = relay("timeout", "timed out", openai(), {{"phase", "first_byte"}, {"reason", "first_byte_timeout"}});
  check({"phase first_byte", phased, "PNNNN", "timeout", "fail", {"reach:connected to api.openai.com:443"}});
}
