#include <doctest/doctest.h>

#include "core/answer/cost.h"
#include "core/upstream/curl.h"

using namespace pg;

TEST_CASE("cost is usage times the per-1k prices") {
  auto c = compute_cost(json{{"prompt_tokens", 1500}, {"completion_tokens", 500}},
                        json{{"input_per_1k", 0.002}, {"output_per_1k", 0.01}});
  REQUIRE(c.known);
  CHECK(c.input_usd == doctest::Approx(0.003));
  CHECK(c.output_usd == doctest::Approx(0.005));
  CHECK(c.total_usd == doctest::Approx(0.008));
}

TEST_CASE("cost is unknown, with a reason, when prices or usage are missing or bad") {
  const json usage = {{"prompt_tokens", 10}, {"completion_tokens", 2}};
  CHECK_FALSE(compute_cost(usage, nullptr).known);
  CHECK(compute_cost(usage, nullptr).note.find("no prices") != std::string::npos);
  CHECK_FALSE(compute_cost(usage, json{{"input_per_1k", 1}}).known);
  CHECK_FALSE(compute_cost(usage, json{{"input_per_1k", -1}, {"output_per_1k", 1}}).known);
  CHECK_FALSE(compute_cost(nullptr, json{{"input_per_1k", 1}, {"output_per_1k", 1}}).known);
  CHECK_FALSE(compute_cost(json{{"prompt_tokens", "10"}, {"completion_tokens", 2}},
                           json{{"input_per_1k", 1}, {"output_per_1k", 1}})
                  .known);
  auto cached = compute_cost(
      json{{"prompt_tokens", 10}, {"completion_tokens", 2}, {"prompt_tokens_details", {{"cached_tokens", 5}}}},
      json{{"input_per_1k", 1}, {"output_per_1k", 1}});
  CHECK(cached.known);
  CHECK(cached.note.find("cached") != std::string::npos);
}

TEST_CASE("shell_quote survives quotes and shell metacharacters") {
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's $HOME `x`") == "'it'\\''s $HOME `x`'");
}

TEST_CASE("curl_command never holds a key and reads it from $PROVIDER_KEY") {
  UpstreamPlan plan;
  plan.ok = true;
  plan.url = "https://api.openai.com/v1/chat/completions";
  plan.auth_header = "authorization";
  plan.auth_scheme = "Bearer ";
  auto cmd = curl_command(plan, json{{"model", "gpt-4.1-mini"},
                                     {"stream", true},
                                     {"messages", json::array({{{"role", "user"}, {"content", "it's"}}})}});
  CHECK(cmd.find("curl 'https://api.openai.com/v1/chat/completions'") == 0);
  CHECK(cmd.find("-H \"authorization: Bearer $PROVIDER_KEY\"") != std::string::npos);
  CHECK(cmd.find(" -N ") != std::string::npos);
  CHECK(cmd.find("it'\\''s") != std::string::npos);

  plan.auth_header = "api-key";
  plan.auth_scheme = "";
  CHECK(curl_command(plan, json::object()).find("-H \"api-key: $PROVIDER_KEY\"") != std::string::npos);
  plan.ok = false;
  plan.error = "no api_base";
  CHECK(curl_command(plan, json::object()) == "# the base URL cannot be used: no api_base");
}
