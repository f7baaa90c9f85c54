// The request builder: model and provider rules — reasoning families, reasoning_effort,
// Anthropic's compatible endpoint, o1-mini and o1-preview.
#include "support/request.h"

TEST_CASE("request: is_reasoning_model boundaries") {
  for (const char* yes : {"o1",
                          "o1-preview",
                          "o1-mini",
                          "o3",
                          "o3-mini",
                          "o3-pro",
                          "o4-mini",
                          "o4-mini-2025-04-16",
                          "gpt-5",
                          "gpt-5-mini",
                          "gpt-5-nano",
                          "gpt-5.1",
                          "gpt-5.1-chat-latest",
                          "gpt-5-codex",
                          "GPT-5",
                          "O3-MINI",
                          "openai/o3",
                          "openai/gpt-5.2",
                          " o1 ",
                          "ft:o4-mini-2025-04-16:acme::abc"}) {
    CHECK_MESSAGE(is_reasoning_model(yes), yes);
  }
  for (const char* no : {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "chatgpt-4o-latest", "gpt-5-chat", "gpt-5-chat-latest",
                         "openai/gpt-5-chat-latest", "o", "omni-x", "o10", "o3mini", "gpt-50", "gpt-5o", "gpt-6",
                         "deepseek-reasoner", "claude-opus-4", "", "/", "ft:gpt-4o-mini:acme::x"}) {
    CHECK_FALSE_MESSAGE(is_reasoning_model(no), no);
  }
}

TEST_CASE("request: reasoning models take max_completion_tokens and only default sampling") {
  for (const char* name : {"o1", "o3-mini", "gpt-5"}) {
    CAPTURE(name);
    auto r = build_request(form_with_params({{"max_tokens", 100}}, model(name)));
    REQUIRE(r.ok);
    CHECK(r.body["max_completion_tokens"] == 100);
    CHECK_FALSE(r.body.contains("max_tokens"));
    REQUIRE(warning_at(r, "params.max_tokens"));
    CHECK(contains(warning_at(r, "params.max_tokens")->message, "max_completion_tokens"));

    auto bad = build_request(form_with_params(
        {{"temperature", 0.5}, {"top_p", "0.9"}, {"presence_penalty", 1}, {"frequency_penalty", -1}}, model(name)));
    CHECK_FALSE(bad.ok);
    REQUIRE(error_at(bad, "params.temperature"));
    CHECK(error_at(bad, "params.temperature")->message ==
          std::string(name) + " is a reasoning model and accepts only the default temperature (1); clear this field");
    CHECK(contains(error_at(bad, "params.top_p")->message, "default top_p (1)"));
    CHECK(contains(error_at(bad, "params.presence_penalty")->message, "default presence_penalty (0)"));
    CHECK(error_at(bad, "params.frequency_penalty"));

    auto defaults = build_request(form_with_params(
        {{"temperature", "1"}, {"top_p", 1.0}, {"presence_penalty", 0}, {"frequency_penalty", "0.0"}}, model(name)));
    REQUIRE(defaults.ok);
    for (const char* k : {"temperature", "top_p", "presence_penalty", "frequency_penalty"})
      CHECK_FALSE(defaults.body.contains(k));
    CHECK(defaults.warnings.empty());

    // Out of range stays a range error, not a reasoning one.
    CHECK(contains(
        error_at(build_request(form_with_params({{"temperature", 3}}, model(name))), "params.temperature")->message,
        "between 0 and 2"));

    auto stop = build_request(form_with_params({{"stop", "END"}}, model(name)));
    REQUIRE(stop.ok);
    CHECK(stop.body["stop"] == "END");
    CHECK(contains(warning_at(stop, "params.stop")->message, "reject stop"));
  }
  for (const char* name : {"gpt-4o", "gpt-5-chat-latest"}) {
    CAPTURE(name);
    auto r = build_request(form_with_params({{"max_tokens", 100}, {"temperature", 0.5}, {"stop", "END"}}, model(name)));
    REQUIRE(r.ok);
    CHECK(r.body["max_tokens"] == 100);
    CHECK(r.body["temperature"] == 0.5);
    CHECK_FALSE(r.body.contains("max_completion_tokens"));
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("request: gpt-5.1+ with reasoning_effort none takes sampling parameters") {
  auto form = form_with_params({{"temperature", 0.3}}, model("gpt-5.1"));
  form["extra"] = {{"reasoning_effort", "none"}};
  auto r = build_request(form);
  REQUIRE_MESSAGE(r.ok, all_errors(r));
  CHECK(r.body["temperature"] == 0.3);
  CHECK(r.body["reasoning_effort"] == "none");
  form["extra"]["reasoning_effort"] = "low";
  CHECK(error_at(build_request(form), "params.temperature"));
  form["model"] = model("gpt-5");  // gpt-5 has no "none" effort
  form["extra"]["reasoning_effort"] = "none";
  CHECK(error_at(build_request(form), "params.temperature"));
}

TEST_CASE("request: params.reasoning_effort takes the values of the model's family") {
  for (const char* v : {"low", "medium", "high"}) {
    CAPTURE(v);
    auto r = with_param("reasoning_effort", v, model("o4-mini"));
    REQUIRE_MESSAGE(r.ok, all_errors(r));
    CHECK(r.body["reasoning_effort"] == v);
  }
  CHECK(with_param("reasoning_effort", "none", model("gpt-5.1")).body["reasoning_effort"] == "none");
  CHECK(with_param("reasoning_effort", "", model("o4-mini")).body.count("reasoning_effort") == 0);  // "default"
  CHECK(with_param("reasoning_effort", nullptr, model("gpt-4o")).ok);

  // A value the family does not take: the field, the values it takes, what was given.
  auto none = with_param("reasoning_effort", "none", model("gpt-5"));
  REQUIRE(error_at(none, "params.reasoning_effort"));
  CHECK(contains(error_at(none, "params.reasoning_effort")->message, "must be low, medium or high for gpt-5"));
  CHECK(contains(error_at(none, "params.reasoning_effort")->message, "(got \"none\")"));
  CHECK(error_at(with_param("reasoning_effort", "Low", model("o3")), "params.reasoning_effort"));
  CHECK(error_at(with_param("reasoning_effort", "minimal", model("gpt-5.1")), "params.reasoning_effort"));
  auto number = with_param("reasoning_effort", 2, model("o3"));
  REQUIRE(error_at(number, "params.reasoning_effort"));
  CHECK(contains(error_at(number, "params.reasoning_effort")->message, "(got 2)"));

  // A model in no family that takes it: refused, with where to put it instead.
  for (const char* name : {"gpt-4o", "gpt-5-chat-latest", "deepseek-reasoner", "llama3.2"}) {
    CAPTURE(name);
    auto r = with_param("reasoning_effort", "low", model(name));
    REQUIRE(error_at(r, "params.reasoning_effort"));
    CHECK(contains(error_at(r, "params.reasoning_effort")->message, "under extra"));
  }
  // A reasoning family whose values nobody told us: not guessed.
  auto first = with_param("reasoning_effort", "low", model("o1-mini"));
  REQUIRE(error_at(first, "params.reasoning_effort"));
  CHECK(contains(error_at(first, "params.reasoning_effort")->message, "not known"));
  // No model yet: any value some family takes.
  CHECK(with_param("reasoning_effort", "medium").ok);
  CHECK(error_at(with_param("reasoning_effort", "max"), "params.reasoning_effort"));

  // extra stays free-form, and the two places conflict.
  auto free = build_request(form_with({{"extra", {{"reasoning_effort", "minimal"}}}, {"model", model("gpt-5")}}));
  REQUIRE(free.ok);
  CHECK(free.body["reasoning_effort"] == "minimal");
  auto both = build_request(form_with(
      {{"params", {{"reasoning_effort", "low"}}}, {"extra", {{"reasoning_effort", "low"}}}, {"model", model("o3")}}));
  CHECK(error_at(both, "extra.reasoning_effort"));
}

TEST_CASE("request: gpt-5.1+ with params.reasoning_effort none takes sampling parameters too") {
  auto form = form_with_params({{"temperature", 0.3}, {"reasoning_effort", "none"}}, model("gpt-5.1"));
  auto r = build_request(form);
  REQUIRE_MESSAGE(r.ok, all_errors(r));
  CHECK(r.body["temperature"] == 0.3);
  form["params"]["reasoning_effort"] = "low";
  CHECK(error_at(build_request(form), "params.temperature"));
}

TEST_CASE("request: provider rules for Anthropic's compatible endpoint") {
  const json anthropic = model("claude-sonnet-4-5", "Anthropic");
  auto hot = build_request(form_with_params({{"temperature", 1.5}}, anthropic));
  REQUIRE(hot.ok);
  CHECK(hot.body["temperature"] == 1.5);
  REQUIRE(warning_at(hot, "params.temperature"));
  CHECK(contains(warning_at(hot, "params.temperature")->message, "caps temperature at 1; 1.5 behaves as 1"));
  CHECK(build_request(form_with_params({{"temperature", 1}}, anthropic)).warnings.empty());

  auto ignored = build_request(form_with_params(
      {{"presence_penalty", 0.5}, {"frequency_penalty", 0.5}, {"seed", 1}, {"response_format", "json_object"}},
      anthropic));
  REQUIRE(ignored.ok);
  for (const char* p : {"params.presence_penalty", "params.frequency_penalty", "params.seed"}) {
    REQUIRE_MESSAGE(warning_at(ignored, p), p);
    CHECK(contains(warning_at(ignored, p)->message, "ignores"));
  }
  CHECK(ignored.warnings.size() == 5);  // + response_format ignored + "mention JSON"
  CHECK(build_request(form_with_params({{"response_format", "text"}}, anthropic)).warnings.empty());
  CHECK(warning_at(build_request(form_with_params({{"stop", {" ", "END"}}}, anthropic)), "params.stop"));
  CHECK(build_request(form_with_params({{"stop", "END"}}, anthropic)).warnings.empty());

  // The same values for OpenAI: no provider warnings.
  auto openai = build_request(
      form_with_params({{"temperature", 1.5}, {"presence_penalty", 0.5}, {"seed", 1}, {"stop", " "}}, model("gpt-4o")));
  REQUIRE(openai.ok);
  CHECK(openai.warnings.empty());
}

TEST_CASE("request: o1-mini and o1-preview take no instructions: a warning before sending, not a 400 after") {
  for (const char* name : {"o1-mini", "o1-mini-2024-09-12", "openai/o1-preview"}) {
    CAPTURE(name);
    auto r = build_request(form_with({{"system", "Be brief."}, {"model", model(name)}}));
    REQUIRE(r.ok);
    REQUIRE(warning_at(r, "system"));
    CHECK(contains(warning_at(r, "system")->message, "takes no system or developer message"));
    json messages = json::array({{{"role", "system"}, {"content", "S"}}, {{"role", "user"}, {"content", "hi"}}});
    auto m = build_request(json{{"messages", messages}, {"model", model(name)}});
    CHECK(warning_at(m, "messages[0].role"));
  }
  // o1 itself and later reasoning models take the instructions (as developer).
  for (const char* name : {"o1", "o3-mini", "gpt-4.1-mini"}) {
    CAPTURE(name);
    CHECK_FALSE(warning_at(build_request(form_with({{"system", "S"}, {"model", model(name)}})), "system"));
  }
}
