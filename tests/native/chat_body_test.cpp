#include <doctest/doctest.h>

#include "core/request/chat_body.h"

using namespace pg;

namespace {
json user_says(const char* text) { return json::array({{{"role", "user"}, {"content", text}}}); }
}  // namespace

TEST_CASE("the relay's check sets the configured model name, whatever the browser sent") {
  auto r =
      check_chat_body(json{{"model", "gpt-4-from-browser"}, {"messages", user_says("hi")}}, "gpt-4.1-mini", "openai");
  REQUIRE(r.ok);
  CHECK(r.body["model"] == "gpt-4.1-mini");
  CHECK(r.body["messages"][0]["content"] == "hi");
}

TEST_CASE("the relay's check applies the form's rules to the body's fields") {
  auto r = check_chat_body(
      json{{"messages", user_says("hi")}, {"temperature", 9}, {"stop", json::array({"a", "b", "c", "d", "e"})}},
      "gpt-4.1-mini", "openai");
  REQUIRE_FALSE(r.ok);
  bool temperature = false, stop = false;
  for (const auto& e : r.errors) {
    temperature |= e.field == "temperature";
    stop |= e.field.rfind("stop", 0) == 0;
  }
  CHECK(temperature);
  CHECK(stop);
}

TEST_CASE("the relay's check keeps streaming and the usage request, and passes provider extras through") {
  auto r = check_chat_body(json{{"messages", user_says("hi")},
                                {"stream", true},
                                {"stream_options", {{"include_usage", false}}},
                                {"logit_bias", {{"50256", -100}}}},
                           "gpt-4.1-mini", "openai");
  REQUIRE(r.ok);
  CHECK(r.body["stream"] == true);
  CHECK(r.body["stream_options"]["include_usage"] == true);
  CHECK(r.body["logit_bias"]["50256"] == -100);
}

TEST_CASE("max_completion_tokens from a reasoning-model body is accepted and stays right for the family") {
  auto reasoning =
      check_chat_body(json{{"messages", user_says("hi")}, {"max_completion_tokens", 256}}, "o4-mini", "openai");
  REQUIRE(reasoning.ok);
  CHECK(reasoning.body["max_completion_tokens"] == 256);
  CHECK_FALSE(reasoning.body.contains("max_tokens"));
  auto chat =
      check_chat_body(json{{"messages", user_says("hi")}, {"max_completion_tokens", 256}}, "gpt-4.1-mini", "openai");
  REQUIRE(chat.ok);
  CHECK(chat.body["max_tokens"] == 256);
}

TEST_CASE("a body that is not an object, or has no messages, is refused with a field error") {
  CHECK_FALSE(check_chat_body(json::array(), "m", "openai").ok);
  CHECK(check_chat_body(json::array(), "m", "openai").errors[0].field == "body");
  auto none = check_chat_body(json::object(), "m", "openai");
  CHECK_FALSE(none.ok);
  CHECK(none.errors[0].field.find("messages") != std::string::npos);
}

TEST_CASE("fields that steer the call to other models, endpoints or credentials are refused, each with its own error") {
  for (const char* field : {"api_base", "base_url", "api_key", "extra_headers", "models", "route", "fallbacks"}) {
    CAPTURE(field);
    auto r = check_chat_body(json{{"messages", user_says("hi")}, {field, "https://attacker.example/v1"}},
                             "gpt-4.1-mini", "openai");
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == std::string("extra.") + field);
  }
  // OpenRouter's fallback list as it is really sent: an array of model names.
  auto r = check_chat_body(
      json{{"messages", user_says("hi")}, {"models", json::array({"openai/gpt-4o", "anthropic/claude-3.5-sonnet"})}},
      "gpt-4.1-mini", "openrouter");
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.body.contains("models"));
}

TEST_CASE("the relay's check and the builder read one list of parameters") {
  for (const auto& p : kParameters) {
    CAPTURE(p.key);
    CHECK(is_parameter(p.key));
  }
  CHECK_FALSE(is_parameter("max_completion_tokens"));  // a body name of max_tokens, mapped by the check
  CHECK_FALSE(is_parameter("logit_bias"));             // an extra, passed through
  // Every listed number parameter's range is enforced in a body as in a form.
  for (const auto& p : kParameters) {
    if (!p.ranged) continue;
    CAPTURE(p.key);
    auto r =
        check_chat_body(json{{"messages", user_says("hi")}, {std::string(p.key), p.max + 1}}, "gpt-4.1-mini", "openai");
    CHECK_FALSE(r.ok);
  }
}

TEST_CASE("the relay's check passes a body's reasoning_effort as it passes extra fields") {
  // A body cannot say whether the page had it in params (checked against the family there) or
  // in extra (free-form): the relay's re-check keeps both working.
  for (const char* model : {"o4-mini", "deepseek-reasoner"}) {
    CAPTURE(model);
    auto r = check_chat_body(json{{"messages", user_says("hi")}, {"reasoning_effort", "minimal"}}, model, "openai");
    REQUIRE(r.ok);
    CHECK(r.body["reasoning_effort"] == "minimal");
  }
  auto none = check_chat_body(json{{"messages", user_says("hi")}, {"reasoning_effort", "none"}, {"temperature", 0.2}},
                              "gpt-5.1", "openai");
  REQUIRE(none.ok);
  CHECK(none.body["temperature"] == 0.2);
}
