// Response validation of whole completions (validate_completion): the answer, the Result's
// JSON shape, providers' shapes that are fine, bodies that are not JSON, error envelopes.
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

// =========================================================================================
// validate_completion
// =========================================================================================

TEST_CASE("validate_completion: an OpenAI completion yields its content, usage and model, no findings") {
  Result r = validate_completion(fixture("openai-completion.json"));
  CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  CHECK(r.ok());
  CHECK(r.content == "Paris is the capital of France.");
  CHECK(r.finish_reason == std::optional<std::string>("stop"));
  CHECK(r.model == std::optional<std::string>("gpt-4o-mini-2024-07-18"));
  REQUIRE(r.usage);
  CHECK(*r.usage == json{{"prompt_tokens", 14},
                         {"completion_tokens", 8},
                         {"total_tokens", 22},
                         {"reasoning_tokens", 0},
                         {"cached_tokens", 0}});
  CHECK_FALSE(r.done);
}

TEST_CASE("to_json gives the Result shape (docs/contracts.md) with null where absent") {
  json j = to_json(validate_completion("not json"));
  CHECK(j.size() == 12);
  for (const char* key : {"ok", "content", "reasoning", "toolCalls", "functionCall", "finishReason", "usage", "model",
                          "done", "relayEvent", "providerError", "findings"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(j["ok"] == false);
  CHECK(j["content"] == "");
  CHECK(j["toolCalls"] == json::array());
  CHECK(j["functionCall"].is_null());
  CHECK(j["finishReason"].is_null());
  CHECK(j["usage"].is_null());
  CHECK(j["model"].is_null());
  CHECK(j["done"] == false);
  CHECK(j["relayEvent"].is_null());
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["severity"] == "error");
}

TEST_CASE("validate_completion: tool calls with null content are a valid answer") {
  Result r = validate_completion(fixture("openai-tool-calls.json"));
  CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  CHECK(r.content.empty());
  REQUIRE(r.tool_calls.size() == 2);
  CHECK(r.tool_calls[0] == json{{"id", "call_a1"},
                                {"type", "function"},
                                {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Oslo\"}"}}}});
  CHECK(r.tool_calls[1]["function"]["name"] == "get_time");
  CHECK(r.finish_reason == std::optional<std::string>("tool_calls"));
}

TEST_CASE("validate_completion: providers' shapes that are fine") {
  SUBCASE("Anthropic's OpenAI-compatible endpoint") {
    Result r = validate_completion(fixture("anthropic-compat-completion.json"));
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.content == "Bonjour ! Comment puis-je vous aider ?");
    CHECK(r.model == std::optional<std::string>("claude-sonnet-4-5"));
  }
  SUBCASE("DeepSeek reasoner: reasoning_content is the reasoning") {
    Result r = validate_completion(fixture("deepseek-reasoner-completion.json"));
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.reasoning == "Compare 9.11 and 9.8: 0.11 < 0.80, so 9.11 is smaller.");
    CHECK(r.content == "9.11 is smaller than 9.8.");
    CHECK((*r.usage)["reasoning_tokens"] == 98);
  }
  SUBCASE("OpenRouter: reasoning, extra fields such as provider and native_finish_reason") {
    Result r = validate_completion(fixture("openrouter-completion.json"));
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.reasoning == "The user wants the answer to everything.");
    CHECK(r.content == "42");
  }
  SUBCASE("Azure: filter results are extra fields, not problems") {
    Result r = validate_completion(fixture("azure-completion.json"));
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.content == "Hello from Azure.");
  }
}

TEST_CASE("validate_completion: Ollama-style body without id, created and usage only warns") {
  Result r = validate_completion(fixture("ollama-style-completion.json"));
  CHECK(r.ok());
  CHECK(r.content == "Hi! How can I help?");
  CHECK(count(r, Severity::Warning) == 3);
  CHECK_FINDING(r, Severity::Warning, "id", "missing");
  CHECK_FINDING(r, Severity::Warning, "created", "missing");
  CHECK_FINDING(r, Severity::Warning, "usage", "missing");
  CHECK_FALSE(r.usage);
}

TEST_CASE("validate_completion: a body that is not JSON is an error that says what it was") {
  Result html = validate_completion("<!DOCTYPE html><html><title>404 Not Found</title></html>");
  CHECK_FALSE(html.ok());
  CHECK_FINDING(html, Severity::Error, "", "not JSON: starts with \"<!DOCTYPE html>");

  Result empty = validate_completion("");
  CHECK_FINDING(empty, Severity::Error, "", "empty body");

  Result cut = validate_completion(R"({"id":"x","choices":[{"message":)");
  CHECK_FINDING(cut, Severity::Error, "", "malformed or truncated JSON");

  Result streamed = validate_completion(data(chunk({{"content", "hi"}})) + kDone);
  CHECK_FINDING(streamed, Severity::Error, "", "event stream");
  CHECK(streamed.findings.size() == 1);

  Result deep = validate_completion(std::string(200, '[') + std::string(200, ']'));
  CHECK_FINDING(deep, Severity::Error, "", "deeper than");

  Result array = validate_completion("[1,2]");
  CHECK_FINDING(array, Severity::Error, "", "an array, not a JSON object");
}

TEST_CASE("validate_completion: an error envelope, even with HTTP 200, carries the provider's message") {
  SUBCASE("OpenAI nested") {
    Result r = validate_completion(fixture("openai-error-200.json"));
    REQUIRE(r.findings.size() == 1);
    CHECK_FINDING(r, Severity::Error, "error", "The model `gpt-9` does not exist");
    CHECK_FINDING(r, Severity::Error, "error", "type invalid_request_error, code model_not_found");
  }
  SUBCASE("vLLM flat object:error with a numeric code") {
    Result r = validate_completion(fixture("vllm-flat-error.json"));
    REQUIRE(r.findings.size() == 1);
    CHECK_FINDING(r, Severity::Error, "error", "maximum context length is 8192 tokens");
    CHECK_FINDING(r, Severity::Error, "error", "type BadRequestError, code 400");
  }
  SUBCASE("Anthropic type:error") {
    Result r = validate_completion(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
    CHECK_FINDING(r, Severity::Error, "error", "Overloaded (type overloaded_error)");
  }
  SUBCASE("Google's array-wrapped error") {
    Result r = validate_completion(
        R"([{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}}])");
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].code == FindingCode::ProviderError);
    // Read by the same rules as an HTTP error body: Gemini's status stands for the type.
    REQUIRE(r.provider_error);
    CHECK(r.provider_error->error.type == "INVALID_ARGUMENT");
    CHECK(r.provider_error->error.code == "400");
    CHECK(r.provider_error->error.message == "Request contains an invalid argument.");
    CHECK_FALSE(r.provider_error->mid_stream);
  }
  SUBCASE("a plain string error") {
    Result r = validate_completion(R"({"error":"model 'llama9' not found"})");
    CHECK_FINDING(r, Severity::Error, "error", "model 'llama9' not found");
  }
  SUBCASE("Mistral: message is an object") {
    Result r = validate_completion(
        R"({"object":"error","message":{"detail":[{"type":"extra_forbidden","msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error","param":null,"code":null})");
    CHECK_FINDING(r, Severity::Error, "error", "Extra inputs are not permitted");
  }
}

TEST_CASE("validate_completion: Anthropic's native Messages response points at the base URL") {
  Result r = validate_completion(fixture("anthropic-native-message.json"));
  REQUIRE(r.findings.size() == 1);
  CHECK_FINDING(r, Severity::Error, "type", "native Anthropic API");
  CHECK_FINDING(r, Severity::Error, "type", "OpenAI-compatible");
}

TEST_CASE("validate_completion: object must be chat.completion") {
  Result chunked = validate_completion(fixture("chunk-as-completion.json"));
  CHECK_FINDING(chunked, Severity::Error, "object", "\"chat.completion.chunk\"");
  CHECK_FINDING(chunked, Severity::Error, "object", "non-streaming request");
  CHECK_FINDING(chunked, Severity::Error, "choices[0].message", "delta");

  Result other = validate_completion(R"({"id":"x","object":"text_completion","created":1,"model":"m",
    "choices":[{"index":0,"text":"hi","finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})");
  CHECK_FINDING(other, Severity::Error, "object", "\"text_completion\", expected \"chat.completion\"");
  CHECK_FINDING(other, Severity::Error, "choices[0].message", "legacy /completions");

  Result missing = validate_completion(R"({"id":"x","created":1,"model":"m",
    "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})");
  CHECK(missing.ok());
  CHECK_FINDING(missing, Severity::Warning, "object", "missing");
}
