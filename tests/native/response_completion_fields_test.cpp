// Response validation of whole completions (validate_completion), field by field: choices,
// the message, tool_calls, finish_reason and usage.
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

namespace {
// A valid completion with `choice` as choices[0] (JSON text) and the given usage.
std::string completion_with(
    const std::string& choice,
    const std::string& usage = R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":8})") {
  return R"({"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"m","choices":[)" + choice +
         R"(],"usage":)" + usage + "}";
}
}  // namespace

TEST_CASE("validate_completion: choices must be a non-empty array") {
  Result missing = validate_completion(R"({"id":"x","object":"chat.completion","created":1,"model":"m"})");
  CHECK_FINDING(missing, Severity::Error, "choices", "choices is missing");
  Result object = validate_completion(R"({"id":"x","object":"chat.completion","created":1,"model":"m","choices":{}})");
  CHECK_FINDING(object, Severity::Error, "choices", "an object, not an array");
  Result empty = validate_completion(completion_with(""));
  CHECK_FINDING(empty, Severity::Error, "choices", "empty");
  Result not_object = validate_completion(completion_with("42"));
  CHECK_FINDING(not_object, Severity::Error, "choices[0]", "a number, not an object");

  Result two = validate_completion(completion_with(
      R"({"index":0,"message":{"role":"assistant","content":"one"},"finish_reason":"stop"},
         {"index":1,"message":{"role":"assistant","content":"two"},"finish_reason":"stop"})"));
  CHECK(two.ok());
  CHECK(two.content == "one");
  CHECK_FINDING(two, Severity::Warning, "choices", "2 choices");
}

TEST_CASE("validate_completion: the message") {
  SUBCASE("missing message") {
    Result r = validate_completion(completion_with(R"({"index":0,"finish_reason":"stop"})"));
    CHECK_FINDING(r, Severity::Error, "choices[0].message", "missing");
  }
  SUBCASE("role other than assistant, or none") {
    Result r = validate_completion(
        completion_with(R"({"index":0,"message":{"role":"user","content":"hi"},"finish_reason":"stop"})"));
    CHECK(r.ok());
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.role", "\"user\", expected \"assistant\"");
    Result none =
        validate_completion(completion_with(R"({"index":0,"message":{"content":"hi"},"finish_reason":"stop"})"));
    CHECK_FINDING(none, Severity::Warning, "choices[0].message.role", "missing");
  }
  SUBCASE("null content without tool calls or refusal is an empty answer") {
    Result r = validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":null},"finish_reason":"stop"})"));
    CHECK_FALSE(r.ok());
    CHECK_FINDING(r, Severity::Error, "choices[0].message.content", "null and there are no tool_calls");
    Result absent =
        validate_completion(completion_with(R"({"index":0,"message":{"role":"assistant"},"finish_reason":"stop"})"));
    CHECK_FINDING(absent, Severity::Error, "choices[0].message.content", "missing and there are no tool_calls");
  }
  SUBCASE("null content cut by the token limit is a warning that says so") {
    Result r = validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"})"));
    CHECK(r.ok());
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.content", "token limit cut the answer before any text");
  }
  SUBCASE("empty content with stop is a warning") {
    Result r = validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"})"));
    CHECK(r.ok());
    CHECK(count(r, Severity::Warning) == 1);
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.content", "the answer is empty");
  }
  SUBCASE("a reasoning model that spent the limit on reasoning") {
    Result r = validate_completion(fixture("openai-reasoning-length.json"));
    CHECK(r.ok());
    CHECK(count(r, Severity::Warning) == 1);
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.content", "reasoning models can spend the whole limit");
    CHECK((*r.usage)["reasoning_tokens"] == 64);
  }
  SUBCASE("a refusal is a warning with the refusal text") {
    Result r = validate_completion(fixture("openai-refusal.json"));
    CHECK(r.ok());
    CHECK(r.findings.size() == 1);
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.refusal", "the model refused: I can't help");
  }
  SUBCASE("content of another type is an error") {
    Result r = validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":7},"finish_reason":"stop"})"));
    CHECK_FINDING(r, Severity::Error, "choices[0].message.content", "a number, not a string");
  }
  SUBCASE("content as parts (Mistral reasoning models)") {
    Result r = validate_completion(completion_with(
        R"({"index":0,"message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]},{"type":"text","text":"Yes."}]},"finish_reason":"stop"})"));
    CHECK(r.ok());
    CHECK(r.content == "Yes.");
    CHECK(r.reasoning == "hmm");
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.content", "array of typed parts (Mistral");
  }
  SUBCASE("reasoning_content wins over reasoning when both are set") {
    Result r = validate_completion(completion_with(
        R"({"index":0,"message":{"role":"assistant","content":"a","reasoning_content":"rc","reasoning":"r"},"finish_reason":"stop"})"));
    CHECK(r.reasoning == "rc");
  }
}

TEST_CASE("validate_completion: tool_calls shape") {
  auto with_calls = [](const std::string& calls, const std::string& finish = "tool_calls") {
    return validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":null,"tool_calls":)" + calls +
                        R"(},"finish_reason":")" + finish + "\"}"));
  };
  Result not_array = with_calls(R"({"id":"a"})");
  CHECK_FINDING(not_array, Severity::Error, "choices[0].message.tool_calls", "an object, not an array");

  Result no_name = with_calls(R"([{"id":"a","type":"function","function":{"arguments":"{}"}}])");
  CHECK_FINDING(no_name, Severity::Error, "choices[0].message.tool_calls[0].function.name", "no function name");

  Result no_function = with_calls(R"([{"id":"a","type":"function"}])");
  CHECK_FINDING(no_function, Severity::Error, "choices[0].message.tool_calls[0].function", "no function object");

  Result bad_args = with_calls(R"([{"id":"a","type":"function","function":{"name":"f","arguments":"{\"city\":"}}])");
  CHECK(bad_args.ok());
  CHECK_FINDING(bad_args, Severity::Warning, "choices[0].message.tool_calls[0].function.arguments", "not valid JSON");

  Result object_args = with_calls(R"([{"id":"a","type":"function","function":{"name":"f","arguments":{"x":1}}}])");
  CHECK(object_args.ok());
  CHECK(object_args.tool_calls[0]["function"]["arguments"] == "{\"x\":1}");
  CHECK_FINDING(object_args, Severity::Warning, "choices[0].message.tool_calls[0].function.arguments",
                "JSON-encoded string");

  Result no_id = with_calls(R"([{"type":"function","function":{"name":"f","arguments":"{}"}}])");
  CHECK(no_id.ok());
  CHECK(no_id.tool_calls[0]["id"].is_null());
  CHECK_FINDING(no_id, Severity::Warning, "choices[0].message.tool_calls[0].id", "no id");

  Result finish_without_calls = validate_completion(
      completion_with(R"({"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"tool_calls"})"));
  CHECK_FINDING(finish_without_calls, Severity::Warning, "choices[0].finish_reason", "no tool_calls");
}

TEST_CASE("validate_completion: finish_reason") {
  auto with_finish = [](const std::string& finish) {
    return validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":)" + finish + "}"));
  };
  for (const char* known : {"\"stop\"", "\"function_call\""}) {
    Result r = with_finish(known);
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  }
  CHECK_FINDING(with_finish("\"eos\""), Severity::Warning, "choices[0].finish_reason",
                "\"eos\" is not one of OpenAI's");
  CHECK_FINDING(with_finish("null"), Severity::Warning, "choices[0].finish_reason", "null");
  CHECK_FINDING(with_finish("3"), Severity::Warning, "choices[0].finish_reason", "a number, not a string");
  CHECK_FINDING(with_finish("\"length\""), Severity::Warning, "choices[0].finish_reason", "may be cut off");
  CHECK_FINDING(with_finish("\"content_filter\""), Severity::Warning, "choices[0].finish_reason", "content filter");
  Result error = with_finish("\"error\"");
  CHECK_FALSE(error.ok());
  CHECK_FINDING(error, Severity::Error, "choices[0].finish_reason", "finish_reason \"error\"");
}

TEST_CASE("validate_completion: usage") {
  auto with_usage = [](const std::string& usage) {
    return validate_completion(
        completion_with(R"({"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"})", usage));
  };
  SUBCASE("negative and fractional counts") {
    Result r = with_usage(R"({"prompt_tokens":-1,"completion_tokens":2.5,"total_tokens":3})");
    CHECK(r.ok());
    CHECK_FINDING(r, Severity::Warning, "usage.prompt_tokens", "negative");
    CHECK_FINDING(r, Severity::Warning, "usage.completion_tokens", "not a non-negative integer");
    CHECK((*r.usage)["prompt_tokens"].is_null());
    CHECK((*r.usage)["total_tokens"] == 3);
  }
  SUBCASE("a total that does not add up") {
    Result r = with_usage(R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":9})");
    CHECK_FINDING(r, Severity::Warning, "usage.total_tokens",
                  "total_tokens (9) is not prompt_tokens + completion_tokens (8)");
  }
  SUBCASE("a total that also counts reasoning beside completion_tokens") {
    Result r = with_usage(
        R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":20,"completion_tokens_details":{"reasoning_tokens":12}})");
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  }
  SUBCASE("a missing total is computed, with a warning") {
    Result r = with_usage(R"({"prompt_tokens":5,"completion_tokens":3})");
    CHECK_FINDING(r, Severity::Warning, "usage.total_tokens", "missing");
    CHECK((*r.usage)["total_tokens"] == 8);
  }
  SUBCASE("integral floats are accepted") {
    Result r = with_usage(R"({"prompt_tokens":5.0,"completion_tokens":3,"total_tokens":8})");
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK((*r.usage)["prompt_tokens"] == 5);
  }
  SUBCASE("wrong types") {
    CHECK_FINDING(with_usage("[]"), Severity::Warning, "usage", "an array, not an object");
    CHECK_FINDING(with_usage(R"({"prompt_tokens":"5","completion_tokens":3,"total_tokens":8})"), Severity::Warning,
                  "usage.prompt_tokens", "not a number");
  }
  SUBCASE("DeepSeek's cache hits stand in for prompt_tokens_details") {
    Result r = with_usage(R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,"prompt_cache_hit_tokens":4})");
    CHECK((*r.usage)["cached_tokens"] == 4);
    CHECK_FALSE(r.usage->contains("reasoning_tokens"));
  }
}
