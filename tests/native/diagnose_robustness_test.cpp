// core.diagnose against hostile input: secrets never reach the output, garbage never throws,
// huge inputs stay bounded, the JSON shape the page reads, and the other forms a page may
// hand the facts over in.
#include <doctest/doctest.h>

#include "support/diagnose.h"

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

TEST_CASE("diagnose: secrets never reach evidence, advice, conditions or summary") {
  const std::string key = "sk-or-v1-0123456789abcdef0123456789abcdef";
  const std::vector<json> outcomes = {
      // The key echoed whole in a provider message, in a header, and in a relay message.
      [&] {
        json o =
            http_json(401, R"j({"error":{"message":"key )j" + key + R"j( is not valid","code":401}})j", openrouter());
        o["headers"] = {{"x-debug-key", key}};
        return o;
      }(),
      [&] {
        return relay("redirect", ("redirecting to https://evil.example/?k=" + key).c_str(), openrouter(),
                     {{"location", "https://evil.example/login?k=" + key}});
      }(),
      // Masked echo, and JSON-escaped inside a stream error.
      http_json(
          401,
          R"j({"error":{"message":"Incorrect API key provided: sk-or-v****cdef.","type":"invalid_request_error","code":"invalid_api_key"}})j",
          openrouter()),
      [&] {
        json o = streamed("openai-stream-cut.sse", openrouter());
        o["result"]["findings"].push_back(
            {{"severity", "error"},
             {"path", "chunks[1]"},
             {"message", "the provider sent an error in the stream: bad key " + key + " (code 401)"}});
        return o;
      }(),
      // In the base URL (a key pasted as a query parameter).
      [&] {
        json o = relay("dns", "the host x could not be resolved", json::object());
        o["model"] = model("openrouter", "m", ("https://openrouter.example/api/v1?key=" + key).c_str());
        return o;
      }(),
  };
  for (json o : outcomes) {
    o["secrets"] = json::array({key});
    const std::string out = to_json(diagnose(o)).dump();
    INFO(out);
    CHECK(out.find(key) == std::string::npos);
    CHECK(out.find("cdef") == std::string::npos);
    CHECK(out.find("0123456789abcdef") == std::string::npos);
  }
  // Redaction is what keeps it out: without the secret listed the message is quoted as is.
  json plain = outcomes[0];
  const std::string out = to_json(diagnose(plain)).dump();
  CHECK(out.find(key) != std::string::npos);
}

TEST_CASE("diagnose: a long secret cut by the evidence limit leaves no prefix behind") {
  // The secret sits right where a 300-character line would cut it.
  const std::string key = "sk-ant-api03-" + std::string(80, 'Q') + "ZZ9z";
  const std::string message = std::string(250, 'm') + " " + key + " trailing";
  json o =
      http_json(401, R"j({"type":"error","error":{"type":"authentication_error","message":")j" + message + R"j("}})j",
                anthropic());
  o["secrets"] = json::array({key});
  const std::string out = to_json(diagnose(o)).dump();
  CHECK(out.find("sk-ant-api03-QQQ") == std::string::npos);
  CHECK(out.find("QQQQ") == std::string::npos);
}

TEST_CASE("diagnose: garbage outcomes never throw and still give five steps") {
  const std::vector<json> garbage = {
      json(nullptr),
      json(42),
      json("relayError"),
      json::array({1, 2}),
      json::object(),
      json{{"status", "abc"}},
      json{{"status", -1}},
      json{{"status", 1e300}},
      json{{"status", "404"}, {"body", 42}},
      json{{"relayError", 5}},
      json{{"relayError", json::array()}},
      json{{"relayError", "dns"}},
      json{{"relayError", {{"kind", 7}, {"message", {{"nested", true}}}}}},
      json{{"result", "x"}},
      json{{"result", {{"findings", "no"}}}},
      json{{"result", {{"findings", {1, "a", nullptr, {{"severity", 3}}}}}}},
      json{{"result", {{"ok", "yes"}, {"content", 5}, {"toolCalls", {{"a", 1}}}, {"finishReason", false}}}},
      json{{"model", json::array()}},
      json{{"model", {{"api_base", 5}, {"provider", nullptr}}}},
      json{{"model", {{"api_base", "://"}}}, {"relayError", {{"kind", "refused"}}}},
      json{{"model", {{"api_base", "http://[::1"}}}, {"relayError", {{"kind", "refused"}}}},
      json{{"model", {{"api_base", "@@@:::///"}}}, {"relayError", {{"kind", "blocked_address"}}}},
      json{{"headers", "x"}},
      json{{"headers", {{"retry-after", {1, 2}}}}, {"status", 429}},
      json{{"headers", json::array({json::array({"Retry-After", 3}), "junk", json::array({1, 2})})}, {"status", 429}},
      json{{"secrets", {1, "", nullptr}}, {"status", 401}, {"body", ""}},
      json{{"secrets", "s"}, {"status", 200}},
      json{{"timings", "x"}, {"relayError", {{"kind", "timeout"}}}},
      json{{"status", 200}, {"body", "data: not json\n\n"}},
      json{{"status", 200}, {"body", std::string("\xff\xfe\x00garbage", 10)}},
      json{{"status", 500}, {"body", "{\"error\":{\"message\":{\"deep\":[[[[[]]]]]}}}"}},
      json{{"status", 299}, {"body", "{\"error\":{\"code\":\"9999\",\"message\":\"x\"}}"}},
      json{{"status", 302}},
      json{{"status", 101}},
  };
  for (const json& g : garbage) {
    INFO(g.dump());
    const Diagnosis d = diagnose(g);
    REQUIRE(d.steps.size() == 5);
    CHECK((d.verdict == "pass" || d.verdict == "fail" || d.verdict == "warn"));
    CHECK(!d.summary.empty());
    const json j = to_json(d);
    CHECK(j["steps"][0]["step"] == "reach");
    CHECK(j["steps"][4]["step"] == "answer");
    for (const auto& s : j["steps"]) CHECK(s["evidence"].get<std::string>().size() <= 300);
  }
  // Nothing at all to go on: nothing is claimed to pass.
  const Diagnosis empty = diagnose(json::object());
  for (const Step& s : empty.steps) CHECK(s.status == StepStatus::NotReached);
  CHECK(empty.verdict == "fail");
  CHECK(empty.summary.find("Nothing to diagnose") != std::string::npos);
}

TEST_CASE("diagnose: huge inputs stay bounded") {
  std::string page = "<html><head><title>" + std::string(5000, 'T') + "</title></head><body>" +
                     std::string(4 * 1024 * 1024, 'x') + "</body></html>";
  const Diagnosis d = diagnose(http(404, "text/html", page, vllm_without_v1()));
  CHECK(d.steps[1].status == StepStatus::Fail);
  CHECK(d.steps[1].evidence.size() <= 300);
  CHECK(d.summary.size() <= 400);

  json many = streamed("openai-stream-cut.sse", openai());
  for (int i = 0; i < 5000; ++i)
    many["result"]["findings"].push_back({{"severity", "error"}, {"path", "p"}, {"message", std::string(2000, 'e')}});
  const Diagnosis m = diagnose(many);
  CHECK(m.steps[4].status == StepStatus::Fail);
  CHECK(m.steps[4].evidence.size() <= 300);

  json long_name =
      relay("refused", "refused",
            model("openai", std::string(10000, 'n').c_str(), ("http://" + std::string(5000, 'h') + ":1/v1").c_str()));
  const Diagnosis n = diagnose(long_name);
  CHECK(n.steps[0].advice.size() <= 300);
}

TEST_CASE("diagnose: the JSON shape is the contract the page reads") {
  const json j = to_json(diagnose(http_json(200, fixture("openai-completion-ok.json"), openai())));
  REQUIRE(j.is_object());
  CHECK(j["verdict"] == "pass");
  CHECK(j["conditions"].is_array());
  const char* names[] = {"reach", "endpoint", "key", "model", "answer"};
  for (int i = 0; i < 5; ++i) {
    CHECK(j["steps"][i]["step"] == names[i]);
    CHECK(j["steps"][i]["status"] == "pass");
    CHECK(j["steps"][i]["advice"] == "");
  }
  const json r = to_json(diagnose(relay("too_large", "too big", openai())));
  REQUIRE(r["conditions"].size() == 1);
  CHECK(r["conditions"][0]["side"] == "relay");
  CHECK(r["steps"][0]["status"] == "not_reached");
}

TEST_CASE("diagnose: the same facts in the other forms a page may hand them over") {
  // The relay's error as the body, not lifted into relayError.
  json body_only = http_json(
      502,
      R"j({"error":{"source":"relay","kind":"dns","message":"the host api.openai.cmo could not be resolved (ENOTFOUND)"}})j",
      model("openai", "gpt-4o", "https://api.openai.cmo/v1"));
  body_only["headers"] = {{"x-playground-source", "relay"}};
  check({"relay error in the body",
         body_only,
         "FNNNN",
         "",
         "fail",
         {"reach:check the host name", "reach:relay error dns"}});

  // A stream's raw bytes instead of a decoded result.
  check({"raw stream body, whole",
         http(200, "text/event-stream", fixture("openai-stream-ok.sse"), openai()),
         "PPPPP",
         "",
         "pass",
         {"answer:12 characters"}});
  check({"raw stream body with a mid-stream error",
         http(200, "text/event-stream", fixture("openrouter-midstream-error.sse"), openrouter()),
         "PPPPF",
         "outage",
         "fail",
         {"answer:error event in the stream (code 502): Upstream provider disconnected"}});
  json raw_relay_event = http(200, "text/event-stream", fixture("relay-idle-timeout.sse"), vllm());
  raw_relay_event["headers"] = forwarded();
  check({"raw stream body ending in the relay's event",
         raw_relay_event,
         "PPPPF",
         "timeout",
         "fail",
         {"answer:relay error timeout", "cond:the provider is stalling"}});
  raw_relay_event["headers"] = forwarded("AAAAAAAAAAAAAAAAAAAAAA");
  check({"raw stream body ending in another nonce's event",
         raw_relay_event,
         "PPPPF",
         "",
         "fail",
         {"answer:claims to be the relay's", "!relay error timeout"}});

  // A page that always hands over a result, even an empty one beside a connect failure.
  json empty_result = relay("timeout", "could not connect to api.example.com within 10 s",
                            model("openai", "m", "https://api.example.com/v1"));
  empty_result["result"] = {
      {"ok", false},
      {"content", ""},
      {"toolCalls", json::array()},
      {"done", false},
      {"findings",
       json::array(
           {{{"severity", "error"},
             {"path", ""},
             {"message",
              "the stream carried no data events: it is not a chat-completion event stream, or it was empty"}}})}};
  check({"connect timeout beside an empty result", empty_result, "FNNNN", "", "fail", {"reach:could not connect"}});

  // Groq's wording for a field it refuses.
  check(
      {"Groq unsupported property",
       http_json(
           400,
           R"j({"error":{"message":"'messages.0' : for 'role:user' the following must be satisfied[('messages.0.name' : property 'name' is unsupported)]","type":"invalid_request_error"}})j",
           model("groq", "llama-3.3-70b-versatile", "https://api.groq.com/openai/v1")),
       "PPPPF",
       "unsupported_parameter",
       "fail",
       {"answer:property 'name' is unsupported"}});
}

TEST_CASE("diagnose: every field of real outcomes replaced by values of every type") {
  const std::vector<json> bases = {
      http_json(
          401,
          R"j({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})j",
          openai()),
      relay("blocked_address", "x resolves to 10.0.0.1, a private address", vllm(), {{"category", "private"}}),
      streamed("openrouter-midstream-error.sse", openrouter()),
      streamed("relay-idle-timeout.sse", vllm()),
      http(404, "text/html", fixture("nginx-404.html"), vllm_without_v1()),
  };
  const std::vector<json> values = {
      json(nullptr),
      json(true),
      json(0),
      json(-7),
      json(3.5),
      json(""),
      json("x"),
      json("404"),
      json::array(),
      json::array({"a", 1}),
      json::object(),
      json{{"kind", "timeout"}, {"message", 3}},
      json{{"findings", json::array({{{"severity", "error"}, {"message", nullptr}}})}},
  };
  std::size_t runs = 0;
  for (const json& base : bases) {
    for (auto it = base.begin(); it != base.end(); ++it) {
      for (const json& v : values) {
        json o = base;
        o[it.key()] = v;
        const Diagnosis d = diagnose(o);
        CHECK(d.steps.size() == 5);
        ++runs;
        // One level down too (result.*, model.*, relayError.*).
        if (base[it.key()].is_object()) {
          for (auto inner = base[it.key()].begin(); inner != base[it.key()].end(); ++inner) {
            json deeper = base;
            deeper[it.key()][inner.key()] = v;
            CHECK(diagnose(deeper).steps.size() == 5);
            ++runs;
          }
        }
      }
    }
  }
  CHECK(runs > 300);
}
