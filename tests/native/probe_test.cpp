// The cost-safe probe ("Test connection", `node relay/main.js check`): its form per model
// family, and what the diagnosis makes of recorded reasoning-model answers to it.
#include <doctest/doctest.h>

#include "core/answer/chat_stream.h"
#include "core/answer/cost.h"
#include "core/diagnose/diagnose.h"
#include "core/request/probe.h"
#include "core/request/request.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace pg;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(std::string(PG_FIXTURES) + "/" + path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json recording(const std::string& id) {
  auto parsed = parse_json(read_text("recordings/" + id + ".json"));
  REQUIRE(parsed.value);
  return *parsed.value;
}

json built_probe(const char* model_name, const char* provider = "openai") {
  const BuildResult r = build_request(probe_form(model_name, provider));
  REQUIRE_MESSAGE(r.ok, (r.errors.empty() ? std::string() : r.errors[0].field + " " + r.errors[0].message));
  return r.body;
}

// The Outcome the page assembles for a recorded answer (a whole body, or a stream decoded by the core).
json outcome_of(const json& rec) {
  const std::string body = rec["body"].get<std::string>();
  json outcome{{"status", rec["status"]}, {"contentType", rec["contentType"]}, {"model", rec["model"]}};
  if (rec["kind"] == "stream") {
    ChatStream stream;
    json deltas = json::array();
    for (std::size_t at = 0; at < body.size(); at += 41) stream.push(body.substr(at, 41), deltas);
    outcome["result"] = to_json(stream.end());
  } else {
    outcome["body"] = body;
  }
  return outcome;
}

}  // namespace

TEST_CASE("probe: a reasoning family gets its lowest reasoning_effort and a budget to answer in") {
  for (const char* name :
       {"o3", "o3-mini", "o4-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini", "openai/gpt-5-nano"}) {
    CAPTURE(name);
    const json body = built_probe(name);
    CHECK(body["reasoning_effort"] == "low");
    CHECK(body["max_completion_tokens"] == kProbeBudgetThinking);
    CHECK_FALSE(body.contains("max_tokens"));
    CHECK_FALSE(body.contains("stream"));
    CHECK(body["messages"][0]["content"] == "Reply with OK");
  }
  for (const char* name : {"gpt-5.1", "gpt-5.2-mini"}) {
    CAPTURE(name);
    const json body = built_probe(name);
    CHECK(body["reasoning_effort"] == "none");
    CHECK(body["max_completion_tokens"] == kProbeBudgetThinking);
  }
}

TEST_CASE("probe: no reasoning_effort where the family's values are unknown or it takes none") {
  // o1-mini / o1-preview: reasoning models, but nothing we have says they take reasoning_effort.
  const json o1mini = built_probe("o1-mini");
  CHECK_FALSE(o1mini.contains("reasoning_effort"));
  CHECK(o1mini["max_completion_tokens"] == kProbeBudgetThinking);
  // DeepSeek's reasoner thinks inside its token limit: the budget, no effort (not documented).
  const json reasoner = built_probe("deepseek-reasoner", "deepseek");
  CHECK_FALSE(reasoner.contains("reasoning_effort"));
  CHECK(reasoner["max_tokens"] == kProbeBudgetThinking);
  CHECK(built_probe("deepseek-ai/DeepSeek-R1-0528", "openai-compatible")["max_tokens"] == kProbeBudgetThinking);
  // Everyone else: the small budget, nothing more.
  for (const char* name : {"gpt-4o", "gpt-4.1-mini", "gpt-5-chat-latest", "deepseek-chat", "llama3.2"}) {
    CAPTURE(name);
    const json body = built_probe(name);
    CHECK(body["max_tokens"] == kProbeBudget);
    CHECK_FALSE(body.contains("reasoning_effort"));
  }
  const json claude = built_probe("claude-sonnet-4-5", "anthropic");
  CHECK_FALSE(claude.contains("reasoning_effort"));
}

TEST_CASE("probe: its form has the PlaygroundForm shape and names the model") {
  const json form = probe_form("o4-mini", "azure");
  CHECK(form["stream"] == false);
  CHECK(form["model"]["model_name"] == "o4-mini");
  CHECK(form["model"]["provider"] == "azure");
  CHECK(form["params"]["max_tokens"] == kProbeBudgetThinking);
  CHECK(form["params"]["reasoning_effort"] == "low");
  CHECK(probe_form("", "")["params"]["max_tokens"] == kProbeBudget);
}

TEST_CASE("probe: recorded reasoning answers fit in its budget and pass") {
  // Real answers of reasoning models to a one-word prompt, at their default effort (the probe
  // asks for less): the reasoning they spent is far inside the probe's budget.
  for (const char* id :
       {"openai-json-gpt5-reasoning-tokens", "azure-json-gpt5-mini", "openai-stream-o4-mini-reasoning-usage",
        "openai-stream-gpt5-reasoning-usage", "vercel-gateway-stream-gpt5", "deepseek-reasoner-stream"}) {
    CAPTURE(id);
    const json rec = recording(id);
    const json& usage = rec["expect"]["usage"];
    REQUIRE(usage.contains("reasoning_tokens"));
    CHECK(usage["reasoning_tokens"].get<int>() > 0);
    CHECK(usage["completion_tokens"].get<std::int64_t>() * 4 <= kProbeBudgetThinking);
    const json d = to_json(diagnose(outcome_of(rec)));
    CHECK(d["verdict"] == "pass");
  }
}

TEST_CASE("probe: reasoning spent, no text, finish length: reached, answered, cut short — never a failed model") {
  // The answer a too-small budget gets from o4-mini (tests/fixtures/responses/openai-reasoning-length.json).
  const json outcome{
      {"status", 200},
      {"contentType", "application/json"},
      {"body", read_text("responses/openai-reasoning-length.json")},
      {"model", {{"provider", "openai"}, {"model_name", "o4-mini"}, {"api_base", "https://api.openai.com/v1"}}}};
  const json d = to_json(diagnose(outcome));
  CHECK(d["verdict"] == "warn");
  for (const auto& step : d["steps"]) {
    CAPTURE(step["step"]);
    CHECK(step["status"] == "pass");
  }
  REQUIRE(d["conditions"].size() == 1);
  CHECK(d["conditions"][0]["kind"] == "truncated");
  CHECK(d["steps"][4]["evidence"].get<std::string>().find("reached, answered, cut short") != std::string::npos);
  // A recorded DeepSeek-R1 answer cut inside its <think> is the same: a warning.
  const json r1 = to_json(diagnose(outcome_of(recording("hf-router-json-r1-length"))));
  CHECK(r1["verdict"] == "warn");
}

TEST_CASE("probe: its worst case is bounded by its budget") {
  const json prices{{"input_per_1k", 0.0011}, {"output_per_1k", 0.0044}};
  const WorstCase w = worst_case_cost(built_probe("o4-mini"), prices);
  REQUIRE(w.known);
  CHECK(w.max_tokens == kProbeBudgetThinking);
  CHECK(w.output_usd == doctest::Approx(kProbeBudgetThinking / 1000.0 * 0.0044));
  CHECK(w.prompt_tokens > 0);
  CHECK(w.prompt_tokens < 20);
}

TEST_CASE("reasoning_effort_for: values per family, lowest first; a reason when not offered") {
  const ReasoningEffort o = reasoning_effort_for("o4-mini");
  CHECK(o.supported);
  CHECK(o.values == std::vector<std::string>{"low", "medium", "high"});
  CHECK(reasoning_effort_for("gpt-5.1").values == std::vector<std::string>{"none", "low", "medium", "high"});
  CHECK(reasoning_effort_for("gpt-5").values.front() == "low");  // "none" is gpt-5.1's and later
  for (const char* name : {"gpt-4o", "gpt-5-chat-latest", "deepseek-reasoner", "claude-sonnet-4-5", "", "o30"}) {
    CAPTURE(name);
    const ReasoningEffort e = reasoning_effort_for(name);
    CHECK_FALSE(e.supported);
    CHECK(e.values.empty());
    CHECK(e.note.find("extra") != std::string::npos);
  }
  const ReasoningEffort first = reasoning_effort_for("o1-preview");
  CHECK_FALSE(first.supported);
  CHECK(first.note.find("not known") != std::string::npos);
  const json j = to_json(o);
  CHECK(j["lowest"] == "low");
  CHECK(to_json(reasoning_effort_for("gpt-4o"))["lowest"].is_null());
}
