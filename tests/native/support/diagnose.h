// Test support shared by the diagnose_*_test.cpp files: fixtures, outcome builders and the
// table check (five step statuses, conditions, verdict, phrases, one-line bounded text).
#pragma once

#include <doctest/doctest.h>

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/diagnose/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json model(const char* provider, const char* name, const char* api_base) {
  return json{{"provider", provider}, {"model_name", name}, {"api_base", api_base}};
}
json openai() { return model("openai", "gpt-4o", "https://api.openai.com/v1"); }
json anthropic() { return model("anthropic", "claude-sonnet-4-5", "https://api.anthropic.com/v1/"); }
json azure() { return model("azure", "gpt4o-prod", "https://contoso.openai.azure.com"); }
json deepseek() { return model("deepseek", "deepseek-reasoner", "https://api.deepseek.com"); }
json openrouter() { return model("openrouter", "meta-llama/llama-3.3-70b-instruct", "https://openrouter.ai/api/v1"); }
json gemini() {
  return model("gemini", "gemini-2.5-flash", "https://generativelanguage.googleapis.com/v1beta/openai/");
}
json vllm() { return model("openai", "Qwen/Qwen3-8B", "http://10.0.0.5:8000/v1"); }
json vllm_without_v1() { return model("openai", "Qwen/Qwen3-8B", "http://10.0.0.5:8000"); }
json llamacpp() { return model("openai", "local", "http://127.0.0.1:8080/v1"); }
json ollama_without_v1() { return model("openai", "llama3.2", "http://localhost:11434"); }
json mistral() { return model("mistral", "mistral-large-latest", "https://api.mistral.ai/v1"); }

// An upstream HTTP answer.
json http(int status, const char* content_type, std::string body, json m) {
  return json{{"status", status}, {"contentType", content_type}, {"body", std::move(body)}, {"model", std::move(m)}};
}
json http_json(int status, std::string body, json m) {
  return http(status, "application/json", std::move(body), std::move(m));
}

// A relay failure before the provider answered (the page sees the relay's own status).
json relay(const char* kind, const char* message, json m, json extra = json::object()) {
  json error = {{"kind", kind}, {"message", message}};
  error.update(extra);
  return json{{"relayError", error}, {"status", 502}, {"model", std::move(m)}};
}

// A streamed answer, decoded by the core as the page decodes it.
json streamed(const std::string& sse_fixture, json m) {
  ChatStream stream;
  json deltas = json::array();
  const std::string bytes = fixture(sse_fixture);
  // Split in small pieces, as the network would.
  for (std::size_t at = 0; at < bytes.size(); at += 37) stream.push(bytes.substr(at, 37), deltas);
  return json{{"status", 200},
              {"contentType", "text/event-stream"},
              {"result", to_json(stream.end())},
              {"model", std::move(m)}};
}

// The nonce of tests/fixtures/diagnose/relay-idle-timeout.sse's relay_error event.
const char* const kFixtureNonce = "Q2hhdFN0cmVhbU5vbmNlMQ";

// The headers the relay puts on a forwarded answer: its source, and the nonce its own
// relay_error event carries.
json forwarded(const char* nonce = kFixtureNonce) {
  return json{{"x-playground-source", "upstream"}, {"x-playground-relay-nonce", nonce}};
}

// A stream whose last event is the relay's relay_error with these fields (nonce as given).
json relay_event_stream(json fields, json m) {
  json error = {{"source", "relay"}};
  error.update(fields);
  const std::string bytes =
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
      "[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
      "event: relay_error\ndata: " +
      json{{"error", error}}.dump() + "\n\n";
  ChatStream stream;
  json deltas = json::array();
  stream.push(bytes, deltas);
  return json{{"status", 200},
              {"contentType", "text/event-stream"},
              {"result", to_json(stream.end())},
              {"model", std::move(m)}};
}

struct Case {
  const char* name;
  json outcome;
  const char* steps;       // reach, endpoint, key, model, answer: P pass, F fail, N not reached
  const char* conditions;  // the condition kinds, comma-separated, in order
  const char* verdict;
  // "<where>:<text>": <text> is in that place. where: a step name (its evidence + advice),
  // "summary", "cond" (every condition's message + advice). "!<text>": nowhere in the output.
  std::vector<std::string> expect;
};

char letter(const std::string& status) { return status == "pass" ? 'P' : status == "fail" ? 'F' : 'N'; }

std::string place_text(const json& d, const std::string& where) {
  if (where == "summary") return d["summary"].get<std::string>();
  std::string out;
  if (where == "cond") {
    for (const auto& c : d["conditions"])
      out += c["message"].get<std::string>() + " | " + c["advice"].get<std::string>() + " || ";
    return out;
  }
  for (const auto& s : d["steps"])
    if (s["step"] == where) out = s["evidence"].get<std::string>() + " | " + s["advice"].get<std::string>();
  return out;
}

void check(const Case& c) {
  const json d = to_json(diagnose(c.outcome));
  const std::string dumped = d.dump(2);
  INFO("case: " << std::string(c.name) << "\n" << dumped);

  REQUIRE(d["steps"].size() == 5);
  std::string steps;
  for (const auto& s : d["steps"]) steps += letter(s["status"].get<std::string>());
  CHECK(steps == c.steps);
  std::string conditions;
  for (const auto& cond : d["conditions"])
    conditions += (conditions.empty() ? "" : ",") + cond["kind"].get<std::string>();
  CHECK(conditions == c.conditions);
  CHECK(d["verdict"] == c.verdict);

  for (const std::string& e : c.expect) {
    if (e[0] == '!') {
      CHECK_MESSAGE(dumped.find(e.substr(1)) == std::string::npos, "must not appear: " << e.substr(1));
      continue;
    }
    const auto colon = e.find(':');
    const std::string where = e.substr(0, colon), text = e.substr(colon + 1);
    CHECK_MESSAGE(place_text(d, where).find(text) != std::string::npos, where << " should contain: " << text);
  }
  // Every line is one line and short; a failing step always says what to do.
  for (const auto& s : d["steps"]) {
    const std::string ev = s["evidence"], adv = s["advice"];
    CHECK(!ev.empty());
    CHECK(ev.size() <= 300);
    CHECK(adv.size() <= 300);
    CHECK(ev.find('\n') == std::string::npos);
    if (s["status"] == "fail") CHECK(!adv.empty());
    if (s["status"] == "pass") CHECK(adv.empty());
  }
  CHECK(!d["summary"].get<std::string>().empty());
  CHECK(d["summary"].get<std::string>().find('\n') == std::string::npos);
}

}  // namespace
