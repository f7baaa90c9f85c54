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

TEST_CASE("curl_command is the relay's call, the key read from $PROVIDER_KEY") {
  CurlCall call{"https://api.openai.com/v1/chat/completions",
                "authorization",
                "Bearer ",
                {{"content-type", "application/json"}, {"Authorization", "Bearer ***"}, {"x-tenant", "it's"}}};
  auto cmd = curl_command(call, json{{"model", "gpt-4.1-mini"},
                                     {"stream", true},
                                     {"messages", json::array({{{"role", "user"}, {"content", "it's"}}})}});
  CHECK(cmd.find("curl 'https://api.openai.com/v1/chat/completions' \\\n") == 0);
  CHECK(cmd.find("\n  -H \"authorization: Bearer $PROVIDER_KEY\" \\\n") != std::string::npos);
  CHECK(cmd.find("-H 'content-type: application/json'") != std::string::npos);
  CHECK(cmd.find("***") == std::string::npos);  // the list's placeholder for the key is left out
  CHECK(cmd.find("-H 'x-tenant: it'\\''s'") != std::string::npos);
  CHECK(cmd.find("-H 'content-type: application/json' \\\n  -H 'x-tenant") != std::string::npos);  // in order
  CHECK(cmd.find(" -N ") != std::string::npos);
  CHECK(cmd.find("it'\\''s") != std::string::npos);

  call.key_header = "api-key";
  call.key_scheme = "";
  CHECK(curl_command(call, json::object()).find("-H \"api-key: $PROVIDER_KEY\"") != std::string::npos);
  CHECK(curl_command(call, json::object()).find(" -N ") == std::string::npos);
  // A key's default header replaces the relay's of the same name, in its place, as the relay does.
  call.headers = {{"user-agent", "relay/1"}, {"content-type", "application/json"}, {"User-Agent", "acme/2"}};
  const std::string replaced = curl_command(call, json::object());
  CHECK(replaced.find("-H 'User-Agent: acme/2' \\\n  -H 'content-type: application/json'") != std::string::npos);
  CHECK(replaced.find("relay/1") == std::string::npos);
  // Whatever a plan's header name and scheme hold, only $PROVIDER_KEY expands.
  call.key_scheme = "$HOME `id` \"x\\";
  CHECK(curl_command(call, json::object()).find("-H \"api-key: \\$HOME \\`id\\` \\\"x\\\\$PROVIDER_KEY\"") !=
        std::string::npos);
}

TEST_CASE("estimate_tokens: on the high side of a tokenizer, never zero for visible text") {
  CHECK(estimate_tokens("") == 0);
  CHECK(estimate_tokens("   \n\t") == 0);
  CHECK(estimate_tokens("OK") == 1);
  CHECK(estimate_tokens("Reply with OK") == 4);  // Reply(2) with(1) OK(1)
  CHECK(estimate_tokens("hello, world!") == 6);  // hello(2) ,(1) world(2) !(1)
  CHECK(estimate_tokens("2026") == 2);           // digits: a token per 3
  CHECK(estimate_tokens("日本語") == 3);         // a token per non-ASCII character
  CHECK(estimate_tokens("naïve") == 3);          // na(1) ï(1) ve(1)
  CHECK(estimate_tokens("\xff\xfe") == 2);       // stray bytes count, never skip the rest
  const std::string long_word(4000, 'a');
  CHECK(estimate_tokens(long_word) == 1000);
}

TEST_CASE("worst_case_cost: estimated prompt + the completion limit, at the model's prices") {
  const json prices{{"input_per_1k", 0.002}, {"output_per_1k", 0.01}};
  const json body{{"model", "gpt-4.1-mini"},
                  {"messages", json::array({{{"role", "system"}, {"content", "Be brief."}},
                                            {{"role", "user"}, {"content", "Reply with OK"}}})},
                  {"max_tokens", 256}};
  const WorstCase w = worst_case_cost(body, prices);
  REQUIRE(w.known);
  // 3 for the reply, 4 a message, "Be brief." 4, "Reply with OK" 4
  CHECK(w.prompt_tokens == 3 + 4 + 4 + 4 + 4);
  CHECK(w.max_tokens == 256);
  CHECK(w.input_usd == doctest::Approx(19 / 1000.0 * 0.002));
  CHECK(w.output_usd == doctest::Approx(0.00256));
  CHECK(w.total_usd == doctest::Approx(w.input_usd + w.output_usd));
  CHECK(w.note.find("estimated") != std::string::npos);
  const json j = to_json(w);
  CHECK(j["promptTokens"] == 19);
  CHECK(j["maxTokens"] == 256);
  CHECK(j["known"] == true);
  CHECK(j["reason"] == "");

  // A reasoning model's limit (max_completion_tokens) counts its reasoning: the same bound.
  json reasoning = body;
  reasoning.erase("max_tokens");
  reasoning["max_completion_tokens"] = 1024;
  CHECK(worst_case_cost(reasoning, prices).output_usd == doctest::Approx(0.01024));

  // Images: a large fixed estimate each, said in the note.
  json with_image = body;
  with_image["messages"][1]["content"] = json::array(
      {{{"type", "text"}, {"text", "What is it?"}}, {{"type", "image_url"}, {"image_url", {{"url", "x"}}}}});
  const WorstCase img = worst_case_cost(with_image, prices);
  CHECK(img.prompt_tokens == 3 + 4 + 4 + 4 + 4 + kImageTokensEstimate);  // "What is it?" 4
  CHECK(img.note.find("image") != std::string::npos);
}

TEST_CASE("worst_case_cost: unknown, with the reason, without prices, messages or a limit") {
  const json prices{{"input_per_1k", 0.002}, {"output_per_1k", 0.01}};
  const json body{{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"max_tokens", 16}};
  const WorstCase none = worst_case_cost(body, nullptr);
  CHECK_FALSE(none.known);
  CHECK(none.note.find("no prices") != std::string::npos);
  CHECK(none.reason == "no_prices");
  CHECK(none.prompt_tokens > 0);  // the estimate is still there
  CHECK_FALSE(worst_case_cost(body, json{{"input_per_1k", 1}}).known);
  CHECK_FALSE(worst_case_cost(body, json{{"input_per_1k", -1}, {"output_per_1k", 1}}).known);
  json unlimited = body;
  unlimited.erase("max_tokens");
  const WorstCase open = worst_case_cost(unlimited, prices);
  CHECK_FALSE(open.known);
  CHECK(open.note.find("Max tokens") != std::string::npos);
  CHECK(open.reason == "no_limit");
  for (const json& bad :
       {json(nullptr), json("text"), json::array(), json{{"messages", 3}, {"max_tokens", 16}},
        json{{"messages", json::array()}, {"max_tokens", 16}},
        json{{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"max_tokens", 0}},
        json{{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"max_tokens", 1.5}},
        json{{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"max_tokens", "9"}}}) {
    CAPTURE(bad.dump());
    CHECK_FALSE(worst_case_cost(bad, prices).known);
  }
}
