// Response validation: whole completions (validate_completion), streamed completions
// (ChatStream) and the small parts the stream is built from.
#include <doctest/doctest.h>

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

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/responses/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count(const Result& r, Severity severity) {
  std::size_t n = 0;
  for (const auto& f : r.findings) n += f.severity == severity;
  return n;
}

// The finding at `path` whose message contains `text` (nullptr when there is none).
const Finding* find(const Result& r, Severity severity, const std::string& path, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.severity == severity && f.path == path && f.message.find(text) != std::string::npos) return &f;
  return nullptr;
}

std::string dump_findings(const Result& r) { return dump_json(to_json(r.findings)); }

#define CHECK_FINDING(r, sev, path, text) CHECK_MESSAGE(find(r, sev, path, text) != nullptr, dump_findings(r))

// --- streams ---------------------------------------------------------------------------

struct StreamRun {
  Result result;
  json deltas = json::array();  // every delta of every push, in order
};

StreamRun run_pieces(const std::vector<std::string_view>& pieces, SseLimits limits = {}) {
  StreamRun run;
  ChatStream stream(limits);
  // The same pushes through the WebAssembly binding's encoded output must give the same
  // deltas, push by push, and end_rest() only what those deltas did not hand out.
  ChatStream encoded_stream(limits);
  std::string pushed_content, pushed_reasoning;
  for (auto piece : pieces) {
    const std::size_t before = run.deltas.size();
    stream.push(piece, run.deltas);
    std::string encoded;
    encoded_stream.push(piece, encoded);
    const json decoded = decode_delta_records(encoded);
    CHECK(decoded == json(json::array_t(run.deltas.begin() + static_cast<std::ptrdiff_t>(before), run.deltas.end())));
    for (const auto& d : decoded) {
      if (const auto* c = string_member(d, "content")) pushed_content += *c;
      if (const auto* r = string_member(d, "reasoning")) pushed_reasoning += *r;
    }
  }
  run.result = stream.end();
  const Result rest = encoded_stream.end_rest();
  CHECK(pushed_content + rest.content == run.result.content);
  CHECK(pushed_reasoning + rest.reasoning == run.result.reasoning);
  Result rest_whole = rest;
  rest_whole.content = run.result.content;
  rest_whole.reasoning = run.result.reasoning;
  CHECK(to_json(rest_whole) == to_json(run.result));
  CHECK(to_json(encoded_stream.end()) == to_json(run.result));  // end_rest() left the whole Result in place
  return run;
}

StreamRun run_whole(std::string_view bytes, SseLimits limits = {}) { return run_pieces({bytes}, limits); }

StreamRun run_bytewise(std::string_view bytes) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < bytes.size(); ++i) pieces.push_back(bytes.substr(i, 1));
  return run_pieces(pieces);
}

StreamRun run_random(std::string_view bytes, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t n = std::uniform_int_distribution<std::size_t>(1, 40)(rng);
    pieces.push_back(bytes.substr(at, n));
    at += n;
  }
  return run_pieces(pieces);
}

using pg_test::coalesce;

// Feeds a fixture whole, byte by byte and in random splits; all must agree.
StreamRun run_every_way(const std::string& name) {
  const std::string bytes = fixture(name);
  StreamRun whole = run_whole(bytes);
  const json expected = to_json(whole.result);
  const json expected_deltas = coalesce(whole.deltas);
  StreamRun bytewise = run_bytewise(bytes);
  CHECK(to_json(bytewise.result) == expected);
  CHECK(coalesce(bytewise.deltas) == expected_deltas);
  for (unsigned seed : {1u, 2u, 3u}) {
    StreamRun split = run_random(bytes, seed);
    CHECK(to_json(split.result) == expected);
    CHECK(coalesce(split.deltas) == expected_deltas);
  }
  return whole;
}

// run_every_way for bytes that are not a fixture file.
StreamRun run_every_way_bytes(const std::string& bytes) {
  StreamRun whole = run_whole(bytes);
  const json expected = to_json(whole.result);
  CHECK(to_json(run_bytewise(bytes).result) == expected);
  CHECK(coalesce(run_bytewise(bytes).deltas) == coalesce(whole.deltas));
  for (unsigned seed : {1u, 2u, 3u}) CHECK(to_json(run_random(bytes, seed).result) == expected);
  return whole;
}

std::string data(const json& chunk) { return "data: " + dump_json(chunk) + "\n\n"; }

json chunk(json delta, json finish = nullptr) {
  return json{
      {"id", "c1"},
      {"object", "chat.completion.chunk"},
      {"created", 1},
      {"model", "m"},
      {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}};
}

const std::string kUsageChunk =
    data(json{{"id", "c1"},
              {"object", "chat.completion.chunk"},
              {"created", 1},
              {"model", "m"},
              {"choices", json::array()},
              {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 2}, {"total_tokens", 3}}}});
const std::string kDone = "data: [DONE]\n\n";

}  // namespace

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

// =========================================================================================
// The stream's parts
// =========================================================================================

TEST_CASE("DeltaBuilder merges adjacent additions of one kind, never across begin()") {
  json out = json::array();
  DeltaBuilder b;
  b.begin(out);
  b.reasoning("a");
  b.reasoning("b");
  b.content("c");
  b.content("");
  b.content("d");
  b.tool_call({{"index", 0}});
  b.tool_call({{"index", 1}});
  b.finish_reason("length");
  b.finish_reason("stop");
  b.error({{"message", "x"}});
  b.usage({{"total_tokens", 1}});
  b.flush();
  CHECK(out == json::parse(R"([{"reasoning":"ab"},{"content":"cd"},{"toolCalls":[{"index":0},{"index":1}]},
    {"finishReason":"stop"},{"error":{"message":"x"}},{"usage":{"total_tokens":1}}])"));

  b.begin(out);
  b.content("e");
  b.flush();
  CHECK(out.size() == 7);
  CHECK(out.back() == json{{"content", "e"}});
}

TEST_CASE("DeltaBuilder's encoded records: text as is, other deltas as JSON, lengths little-endian") {
  std::string out;
  DeltaBuilder b;
  b.begin(out);
  b.content("h\xC3\xA9");
  b.content("!");
  b.reasoning("r");
  b.finish_reason("stop");
  b.flush();
  CHECK(out == std::string("c\x04\0\0\0h\xC3\xA9!", 9) + std::string("r\x01\0\0\0r", 6) +
                   std::string("j\x17\0\0\0", 5) + R"({"finishReason":"stop"})");
  CHECK(decode_delta_records(out) ==
        json::parse(R"([{"content":"h\u00e9!"},{"reasoning":"r"},{"finishReason":"stop"}])"));

  SUBCASE("a record of 300 bytes carries its length in two bytes") {
    std::string big;
    b.begin(big);
    b.content(std::string(300, 'x'));
    b.flush();
    CHECK(big.substr(0, 5) == std::string("c\x2C\x01\0\0", 5));
    CHECK(decode_delta_records(big)[0]["content"].get_ref<const std::string&>().size() == 300);
  }
  SUBCASE("a cut or malformed record ends the decoded list") {
    CHECK(decode_delta_records(out.substr(0, out.size() - 1)).size() == 2);
    CHECK(decode_delta_records(std::string("j\x01\0\0\0[", 6)).empty());
    CHECK(decode_delta_records(std::string("c\x09\0\0\0ab", 7)).empty());
    CHECK(decode_delta_records("").empty());
  }
}

TEST_CASE("IssueLog keeps the first findings of a kind and counts the rest") {
  Findings findings;
  IssueLog log;
  for (int i = 0; i < 5; ++i)
    log.note(findings, "chunks that repeat", 1, [&] {
      return Finding{Severity::Error, FindingCode::NotJson, "chunks[" + std::to_string(i) + "]", "bad"};
    });
  int built = 0;
  for (int i = 0; i < 30; ++i)
    log.note(findings, "chunks that are odd", 3, [&] {
      ++built;
      return Finding{Severity::Warning, FindingCode::IdChanged, "p", "odd"};
    });
  CHECK(built == 3);
  log.finish(findings);
  REQUIRE(findings.size() == 5);
  CHECK(findings[0].path == "chunks[0]");
  CHECK(findings[0].message == "bad (in 5 chunks)");
  CHECK(findings[4].severity == Severity::Warning);
  CHECK(findings[4].message == "… and 27 more chunks that are odd");
  CHECK(findings[4].code == FindingCode::IdChanged);  // the summary is more of the same
}

TEST_CASE("ToolCallAssembler joins fragments by index") {
  ToolCallAssembler a;
  CHECK(a.add(json::parse(R"({"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}})")) ==
        0);
  CHECK(a.add(json::parse(R"({"index":1,"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}})")) ==
        0);
  CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":"{\"a\""}})")) == 0);
  CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":":1}"}})")) == 0);
  CHECK(a.calls() == json::parse(R"([{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
                                     {"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}])"));

  SUBCASE("odd fragments are flagged") {
    CHECK(a.add(json(3)) == ToolCallAssembler::kNotObject);
    CHECK(a.add(json::parse(R"({"index":-1})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":"0"})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":5000})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":1,"function":{"arguments":7}})")) == ToolCallAssembler::kArgumentsBadType);
    CHECK(a.add(json::parse(R"({"index":1,"function":{"arguments":{"b":2}}})")) ==
          ToolCallAssembler::kArgumentsNotString);
    CHECK(a.calls()[1]["function"]["arguments"] == "{}{\"b\":2}");
    CHECK(a.calls().size() == 2);
  }
  SUBCASE("a new id at a used index starts a new call") {
    CHECK(a.add(json::parse(R"({"index":0,"id":"call_3","function":{"name":"h","arguments":"{}"}})")) ==
          ToolCallAssembler::kIndexReused);
    CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":"x"}})")) == 0);
    REQUIRE(a.calls().size() == 3);
    CHECK(a.calls()[2]["function"]["arguments"] == "{}x");
    CHECK(a.calls()[0]["function"]["arguments"] == "{\"a\":1}");
  }
  SUBCASE("without index, an id starts a call and the rest continue the last one") {
    ToolCallAssembler b;
    CHECK(b.add(json::parse(R"({"id":"c1","function":{"name":"f","arguments":"{"}})")) ==
          ToolCallAssembler::kMissingIndex);
    CHECK(b.add(json::parse(R"({"function":{"arguments":"}"}})")) == ToolCallAssembler::kMissingIndex);
    CHECK(b.add(json::parse(R"({"id":"c2","function":{"name":"g","arguments":"[]"}})")) ==
          ToolCallAssembler::kMissingIndex);
    CHECK(b.calls() == json::parse(R"([{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
                                       {"id":"c2","type":"function","function":{"name":"g","arguments":"[]"}}])"));
  }
  SUBCASE("the number of calls is bounded") {
    ToolCallAssembler c;
    unsigned last = 0;
    for (int i = 0; i <= 200; ++i) last = c.add(json{{"index", i}, {"id", "x" + std::to_string(i)}});
    CHECK(last == ToolCallAssembler::kTooManyCalls);
    CHECK(c.calls().size() == ToolCallAssembler::kMaxCalls);
  }
}

// =========================================================================================
// ChatStream (needs the SSE decoder)
// =========================================================================================

TEST_CASE("ChatStream: an OpenAI stream, pushed whole, merges its deltas") {
  StreamRun run = run_every_way("openai-content.sse");
  const Result& r = run.result;
  CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  CHECK(r.done);
  CHECK(r.content == "Paris é🙂 ok.");
  CHECK(r.finish_reason == std::optional<std::string>("stop"));
  CHECK(r.model == std::optional<std::string>("gpt-4o-mini-2024-07-18"));
  const json usage = {{"prompt_tokens", 14},
                      {"completion_tokens", 5},
                      {"total_tokens", 19},
                      {"reasoning_tokens", 0},
                      {"cached_tokens", 0}};
  CHECK(r.usage == std::optional<json>(usage));
  CHECK(run.deltas == json::array({{{"content", "Paris é🙂 ok."}}, {{"finishReason", "stop"}}, {{"usage", usage}}}));
}

TEST_CASE("ChatStream: byte-wise pushes give one delta per chunk") {
  StreamRun run = run_bytewise(fixture("openai-content.sse"));
  CHECK(run.deltas.size() == 5);  // three content pieces, the finish reason, the usage
  CHECK(run.deltas[0] == json{{"content", "Par"}});
}

TEST_CASE("ChatStream: tool calls are assembled, and their fragments passed on as received") {
  StreamRun run = run_every_way("openai-tool-calls.sse");
  const Result& r = run.result;
  CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
  CHECK(r.tool_calls == json::parse(R"([
    {"id":"call_a1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Oslo\"}"}},
    {"id":"call_b2","type":"function","function":{"name":"get_time","arguments":"{\"tz\":\"Europe/Oslo\"}"}}])"));
  CHECK(r.finish_reason == std::optional<std::string>("tool_calls"));
  REQUIRE(run.deltas.size() == 3);
  REQUIRE(run.deltas[0]["toolCalls"].size() == 5);
  CHECK(run.deltas[0]["toolCalls"][1] == json::parse(R"({"index":0,"function":{"arguments":"{\"ci"}})"));
}

TEST_CASE("ChatStream: providers' streams") {
  SUBCASE("Anthropic's OpenAI-compatible endpoint") {
    Result r = run_every_way("anthropic-compat.sse").result;
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.content == "Hello from Claude.");
    CHECK((*r.usage)["total_tokens"] == 18);
  }
  SUBCASE("DeepSeek reasoner: reasoning_content before content") {
    StreamRun run = run_every_way("deepseek-reasoner.sse");
    CHECK_MESSAGE(run.result.findings.empty(), dump_findings(run.result));
    CHECK(run.result.reasoning == "Compare the decimals.");
    CHECK(run.result.content == "9.8 is larger.");
    CHECK(run.deltas[0] == json{{"reasoning", "Compare the decimals."}});
    CHECK(run.deltas[1] == json{{"content", "9.8 is larger."}});
  }
  SUBCASE("Azure: an empty first chunk with prompt_filter_results, CRLF lines") {
    Result r = run_every_way("azure.sse").result;
    CHECK_MESSAGE(r.findings.empty(), dump_findings(r));
    CHECK(r.content == "Hello from Azure.");
    CHECK(r.model == std::optional<std::string>("gpt-4o-2024-11-20"));
  }
  SUBCASE("Ollama style: no id, created or usage") {
    Result r = run_every_way("ollama-style.sse").result;
    CHECK(r.ok());
    CHECK(r.content == "Hi there!");
    CHECK(count(r, Severity::Warning) == 3);
    CHECK_FINDING(r, Severity::Warning, "usage", "include_usage");
    CHECK_FINDING(r, Severity::Warning, "id", "no chunk has an id");
    CHECK_FINDING(r, Severity::Warning, "created", "no chunk has created");
  }
  SUBCASE("OpenRouter: keep-alive comments and reasoning") {
    StreamRun run = run_every_way("openrouter-reasoning.sse");
    CHECK_MESSAGE(run.result.findings.empty(), dump_findings(run.result));
    CHECK(run.result.reasoning == "Units: km to miles.");
    CHECK(run.result.content == "About 6.2 miles.");
    CHECK((*run.result.usage)["reasoning_tokens"] == 12);
  }
}

TEST_CASE("ChatStream: a mid-stream error after HTTP 200") {
  SUBCASE("OpenRouter: error object beside finish_reason error, then the stream stops") {
    StreamRun run = run_every_way("openrouter-midstream-error.sse");
    const Result& r = run.result;
    CHECK_FALSE(r.ok());
    CHECK(r.content == "The answer");
    CHECK(r.reasoning == "Checking units...");
    CHECK(r.finish_reason == std::optional<std::string>("error"));
    CHECK_FINDING(r, Severity::Error, "chunks[2]", "Upstream provider disconnected (code 502)");
    CHECK_FINDING(r, Severity::Error, "", "without data: [DONE]");
    CHECK(count(r, Severity::Error) == 2);  // no second error for finish_reason "error"
    const json error_delta = {{"error", {{"code", "502"}, {"message", "Upstream provider disconnected"}}}};
    CHECK(run.deltas == json::array({{{"reasoning", "Checking units..."}},
                                     {{"content", "The answer"}},
                                     error_delta,
                                     {{"finishReason", "error"}}}));
  }
  SUBCASE("vLLM: a flat object:error chunk") {
    StreamRun run = run_every_way("vllm-midstream-error.sse");
    CHECK(run.result.done);
    CHECK_FINDING(run.result, Severity::Error, "chunks[2]", "CUDA out of memory. (type InternalServerError, code 500)");
    CHECK(run.deltas.back() == json{{"error",
                                     {{"type", "InternalServerError"},
                                      {"code", "500"},
                                      {"message", "The engine loop has stopped: CUDA out of memory."}}}});
    CHECK(find(run.result, Severity::Warning, "choices[0].finish_reason", "no chunk") == nullptr);
  }
  SUBCASE("an SSE event named error with plain text") {
    Result r = run_whole("event: error\ndata: upstream exploded\n\n").result;
    CHECK_FINDING(r, Severity::Error, "chunks[0]", "upstream exploded");
  }
}

TEST_CASE("ChatStream: a stream cut short") {
  Result r = run_every_way("missing-done.sse").result;
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.done);
  CHECK(r.content == "The quick brown fox");
  CHECK_FINDING(r, Severity::Error, "", "stream ended without data: [DONE] (cut short)");
  CHECK_FINDING(r, Severity::Warning, "choices[0].finish_reason", "no chunk carried a finish_reason");
  CHECK_FINDING(r, Severity::Warning, "usage", "no usage");

  Result mid = run_whole(data(chunk({{"content", "a"}})) + "data: {\"id\":").result;
  CHECK_FINDING(mid, Severity::Error, "", "middle of an event");
  CHECK(mid.content == "a");
}

TEST_CASE("ChatStream: no chunks at all") {
  Result nothing = run_whole("").result;
  CHECK_FINDING(nothing, Severity::Error, "", "no data events");
  CHECK_FINDING(nothing, Severity::Error, "", "cut short");
  Result json_body = run_whole(R"({"error":{"message":"bad key"}})").result;
  CHECK_FINDING(json_body, Severity::Error, "", "middle of an event");
  Result only_done = run_whole(kDone).result;
  CHECK(only_done.done);
  CHECK_FINDING(only_done, Severity::Error, "", "[DONE] before any chunk");
}

TEST_CASE("ChatStream: chunks that are not JSON are reported one by one, then summarised") {
  std::string bytes;
  for (int i = 0; i < 25; ++i) bytes += "data: {not json\n\n";
  bytes += data(chunk({{"content", "ok"}}, "stop")) + kUsageChunk + kDone;
  Result r = run_whole(bytes).result;
  CHECK_FINDING(r, Severity::Error, "chunks[0]", "chunk 1 is not JSON: malformed or truncated JSON");
  CHECK_FINDING(r, Severity::Error, "chunks[19]", "chunk 20 is not JSON");
  CHECK(find(r, Severity::Error, "chunks[20]", "not JSON") == nullptr);
  CHECK_FINDING(r, Severity::Error, "", "… and 5 more chunks that are not JSON");
  CHECK(count(r, Severity::Error) == 21);
  CHECK(r.content == "ok");
}

TEST_CASE("ChatStream: chunk shape rules") {
  SUBCASE("a wrong object is one error with a count") {
    json c = chunk({{"content", "x"}});
    c["object"] = "text_completion";
    Result r = run_whole(data(c) + data(c) + data(c) + kUsageChunk + kDone).result;
    CHECK_FINDING(r, Severity::Error, "chunks[0].object",
                  "\"text_completion\", expected \"chat.completion.chunk\" (in 3 chunks)");
    CHECK(count(r, Severity::Error) == 1);
    CHECK(r.content == "xxx");
  }
  SUBCASE("object \"chat.completion\" on chunks (Perplexity) is one warning with a count") {
    json c = chunk({{"content", "x"}});
    c["object"] = "chat.completion";
    Result r = run_whole(data(c) + data(c) + data(c) + kUsageChunk + kDone).result;
    CHECK(r.ok());
    CHECK_FINDING(r, Severity::Warning, "chunks[0].object",
                  "(Perplexity names its stream chunks so): the deltas were read as usual (in 3 chunks)");
    CHECK(r.content == "xxx");
  }
  SUBCASE("missing choices is an error, empty choices is fine") {
    json c = chunk({{"content", "x"}}, "stop");
    json no_choices = c;
    no_choices.erase("choices");
    Result r = run_whole(data(c) + data(no_choices) + kUsageChunk + kDone).result;
    CHECK_FINDING(r, Severity::Error, "chunks[1].choices", "choices is missing");
    CHECK(count(r, Severity::Error) == 1);
  }
  SUBCASE("data after [DONE] is a warning and is not added") {
    Result r =
        run_whole(data(chunk({{"content", "x"}}, "stop")) + kUsageChunk + kDone + data(chunk({{"content", "late"}})))
            .result;
    CHECK(r.ok());
    CHECK(r.content == "x");
    CHECK_FINDING(r, Severity::Warning, "chunks[2]", "after data: [DONE]");
  }
  SUBCASE("a second choice is a warning and is not mixed in") {
    json c = chunk({{"content", "two"}});
    c["choices"][0]["index"] = 1;
    Result r = run_whole(data(chunk({{"content", "one"}}, "stop")) + data(c) + kUsageChunk + kDone).result;
    CHECK(r.ok());
    CHECK(r.content == "one");
    CHECK_FINDING(r, Severity::Warning, "chunks[1].choices[0].index", "more than one choice");
  }
  SUBCASE("content that is not a string, a delta that is not an object") {
    json bad_content = chunk({{"content", 5}});
    json bad_delta = chunk("text");
    Result r =
        run_whole(data(bad_content) + data(bad_delta) + data(chunk({{"content", "x"}}, "stop")) + kUsageChunk + kDone)
            .result;
    CHECK_FINDING(r, Severity::Error, "chunks[0].choices[0].delta.content", "not a string");
    CHECK_FINDING(r, Severity::Error, "chunks[1].choices[0].delta", "not an object");
  }
  SUBCASE("an id that changes mid-stream") {
    json other = chunk({{"content", "b"}}, "stop");
    other["id"] = "c2";
    Result r = run_whole(data(chunk({{"content", "a"}})) + data(other) + kUsageChunk + kDone).result;
    CHECK_FINDING(r, Severity::Warning, "chunks[1].id", "changed mid-stream");
  }
  SUBCASE("Anthropic's native stream events") {
    std::string bytes =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n"
        "event: content_block_delta\ndata: "
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";
    Result r = run_whole(bytes).result;
    CHECK_FINDING(r, Severity::Error, "chunks[0].type", "native Anthropic API");
  }
  SUBCASE("an unknown finish_reason, a refusal") {
    Result r = run_whole(data(chunk({{"refusal", "I can't"}})) + data(chunk({{"refusal", " do that."}}, "eos")) +
                         kUsageChunk + kDone)
                   .result;
    CHECK(r.ok());
    CHECK_FINDING(r, Severity::Warning, "choices[0].finish_reason", "\"eos\" is not one of OpenAI's");
    CHECK_FINDING(r, Severity::Warning, "choices[0].delta.refusal", "the model refused: I can't do that.");
  }
}

TEST_CASE("ChatStream: an empty answer") {
  Result stop = run_whole(data(chunk({{"content", ""}}, "stop")) + kUsageChunk + kDone).result;
  CHECK(stop.ok());
  CHECK_FINDING(stop, Severity::Warning, "choices[0].delta.content", "the answer is empty");
  Result length = run_whole(data(chunk({{"content", ""}}, "length")) + kUsageChunk + kDone).result;
  CHECK(length.ok());
  CHECK(length.findings.size() == 1);
  CHECK_FINDING(length, Severity::Warning, "choices[0].delta.content", "token limit cut the answer before any text");
  Result some = run_whole(data(chunk({{"content", "Once"}}, "length")) + kUsageChunk + kDone).result;
  CHECK_FINDING(some, Severity::Warning, "choices[0].finish_reason", "may be cut off");
}

TEST_CASE("ChatStream: tool-call fragment problems become findings") {
  json bad = chunk({{"tool_calls", json::array({{{"index", "zero"}}})}});
  json no_name = chunk(
      {{"tool_calls", json::array({{{"index", 0}, {"id", "c"}, {"function", {{"arguments", "{}"}}}}})}}, "tool_calls");
  Result r = run_whole(data(bad) + data(no_name) + kUsageChunk + kDone).result;
  CHECK_FINDING(r, Severity::Error, "chunks[0].choices[0].delta.tool_calls[0]",
                "index is not a small non-negative integer");
  CHECK_FINDING(r, Severity::Error, "tool_calls[0].function.name", "no function name");
  json not_array = chunk({{"tool_calls", "x"}});
  Result r2 = run_whole(data(not_array) + kDone).result;
  CHECK_FINDING(r2, Severity::Error, "chunks[0].choices[0].delta.tool_calls", "not an array");
}

TEST_CASE("ChatStream: a line longer than the decoder allows is an error finding and an error delta") {
  SseLimits limits;
  limits.max_line_bytes = 64;
  StreamRun run = run_whole("data: " + std::string(200, 'x') + "\n\n", limits);
  CHECK_FINDING(run.result, Severity::Error, "", "could not be decoded");
  REQUIRE(run.deltas.size() == 1);
  CHECK(run.deltas[0]["error"]["code"] == "sse_limit");
}

TEST_CASE("ChatStream: end() twice gives the same result, push() after end() does nothing") {
  ChatStream stream;
  json deltas = json::array();
  const std::string bytes = data(chunk({{"content", "hi"}}, "stop")) + kUsageChunk + kDone;
  stream.push(bytes, deltas);
  Result first = stream.end();
  stream.push(data(chunk({{"content", "more"}})), deltas);
  Result second = stream.end();
  CHECK(to_json(first) == to_json(second));
  CHECK(second.content == "hi");
  CHECK(deltas.size() == 3);
}

// =========================================================================================
// ChunkScanner: the fast path must read exactly what the full path reads, or decline
// =========================================================================================

namespace {

// What the full path (parse_json + the DOM) reads from a chunk the fast path may take,
// and whether the chunk is within the fast path's shape at all.
struct DomView {
  bool fast_shape = false;
  FastChunk fields;
  std::string storage[7];  // the views in `fields` point here
};

void dom_view(const json& v, DomView& out) {
  out = DomView{};
  const auto* object = string_member(v, "object");
  const json* choices = member(v, "choices");
  const json* usage = member(v, "usage");
  const json* groq = member(v, "x_groq");  // may hold the usage (Groq): the full path's
  out.fast_shape = object && *object == "chat.completion.chunk" && !member(v, "error") && !member(v, "type") &&
                   choices && choices->is_array() && choices->size() <= 1 && (!usage || usage->is_null()) &&
                   (!groq || groq->is_null());
  auto keep = [&](int slot, const std::string* s, std::string_view& view, bool* present = nullptr) {
    if (!s) return;
    out.storage[slot] = *s;
    view = out.storage[slot];
    if (present) *present = true;
  };
  keep(0, string_member(v, "id"), out.fields.id);
  keep(1, string_member(v, "model"), out.fields.model);
  out.fields.has_created = number_member(v, "created").has_value();
  if (!out.fast_shape || choices->empty()) return;
  const json& choice = choices->front();
  const json* index = member(choice, "index");
  out.fields.has_choice = true;
  if (!index || !index->is_number() || index->get<double>() != 0) out.fast_shape = false;
  keep(2, string_member(choice, "finish_reason"), out.fields.finish_reason, &out.fields.has_finish_reason);
  const json* delta = member(choice, "delta");
  if (!delta || delta->is_null()) return;
  if (!delta->is_object()) {
    out.fast_shape = false;
    return;
  }
  for (const char* key : {"tool_calls", "refusal", "function_call"})
    if (const json* m = member(*delta, key); m && !m->is_null()) out.fast_shape = false;
  keep(3, string_member(*delta, "content"), out.fields.content, &out.fields.has_content);
  keep(4, string_member(*delta, "reasoning_content"), out.fields.reasoning_content, &out.fields.has_reasoning_content);
  keep(5, string_member(*delta, "reasoning"), out.fields.reasoning, &out.fields.has_reasoning);
}

// When the scanner accepts `text`, the full parser must accept it too and read the same.
// Returns whether the scanner accepted.
bool scan_agrees_with_dom(ChunkScanner& scanner, const std::string& text) {
  FastChunk fast;
  const bool accepted = scanner.scan(text, fast);
  if (!accepted) return false;
  auto parsed = parse_json(text);
  REQUIRE_MESSAGE(parsed.value, "scanner accepted what parse_json refuses: " << text);
  DomView dom;
  dom_view(*parsed.value, dom);
  INFO(text);
  CHECK(dom.fast_shape);
  CHECK(fast.id == dom.fields.id);
  CHECK(fast.model == dom.fields.model);
  CHECK(fast.has_created == dom.fields.has_created);
  CHECK(fast.has_choice == dom.fields.has_choice);
  CHECK(fast.content == dom.fields.content);
  CHECK(fast.has_content == dom.fields.has_content);
  CHECK(fast.reasoning_content == dom.fields.reasoning_content);
  CHECK(fast.has_reasoning_content == dom.fields.has_reasoning_content);
  CHECK(fast.reasoning == dom.fields.reasoning);
  CHECK(fast.has_reasoning == dom.fields.has_reasoning);
  CHECK(fast.finish_reason == dom.fields.finish_reason);
  CHECK(fast.has_finish_reason == dom.fields.has_finish_reason);
  return true;
}

// Every `data:` payload of every stream fixture.
std::vector<std::string> fixture_chunks() {
  std::vector<std::string> out;
  for (const char* name : {"openai-content.sse", "openai-tool-calls.sse", "anthropic-compat.sse",
                           "deepseek-reasoner.sse", "azure.sse", "ollama-style.sse", "openrouter-reasoning.sse",
                           "openrouter-midstream-error.sse", "vllm-midstream-error.sse", "missing-done.sse"}) {
    const std::string text = fixture(name);
    std::size_t at = 0;
    while ((at = text.find("data: ", at)) != std::string::npos) {
      at += 6;
      std::size_t end = text.find_first_of("\r\n", at);
      out.push_back(text.substr(at, end - at));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("ChunkScanner reads the fixtures' ordinary chunks as the full parser does") {
  ChunkScanner scanner;
  std::size_t accepted = 0, total = 0;
  for (const std::string& chunk_text : fixture_chunks()) {
    ++total;
    accepted += scan_agrees_with_dom(scanner, chunk_text);
  }
  // Most chunks are ordinary; usage, tool-call, error and Azure filter chunks are not.
  CHECK(accepted >= 30);
  CHECK(accepted < total);
}

TEST_CASE("ChunkScanner: what it takes and what it leaves to the full path") {
  ChunkScanner scanner;
  FastChunk f;
  const std::string head = R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[)";
  auto with_choice = [&](const std::string& choice) { return head + choice + "]}"; };

  REQUIRE(scan_agrees_with_dom(
      scanner, with_choice(R"({"index":0,"delta":{"content":"a\"b\\c\/\n\u00e9\ud83d\ude42\u0000"}})")));
  CHECK(scanner.scan(with_choice(R"({"index":0,"delta":{"content":"x\u00e9"}})"), f));
  CHECK(f.content == "x\xC3\xA9");
  CHECK(scan_agrees_with_dom(
      scanner,
      with_choice(
          R"({"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"r"},"finish_reason":"stop","logprobs":{"content":[{"token":"a","logprob":-0.25,"bytes":[97],"top":[true,false,null]}]}})")));
  CHECK(scan_agrees_with_dom(scanner, head + "]}"));
  CHECK(scan_agrees_with_dom(scanner, " \n" + with_choice(R"({"index":0,"delta":null})") + " \r\n"));

  const std::vector<std::string> declined = {
      with_choice(R"({"index":0,"delta":{"content":"\ud83d"}})"),                     // lone surrogate
      with_choice(R"({"index":0,"delta":{"content":"\udc00x"}})"),                    // lone low surrogate
      with_choice("{\"index\":0,\"delta\":{\"content\":\"\xC0\xAF\"}}"),              // overlong UTF-8
      with_choice("{\"index\":0,\"delta\":{\"content\":\"\xED\xA0\x80\"}}"),          // UTF-8 surrogate
      with_choice("{\"index\":0,\"delta\":{\"content\":\"a\tb\"}}"),                  // raw control character
      with_choice(R"({"index":0,"delta":{"content":"a"},"delta":{"content":"b"}})"),  // duplicate key
      with_choice(R"({"index":1,"delta":{"content":"a"}})"),
      with_choice(R"({"index":-0,"delta":{"content":"a"}})"),
      with_choice(R"({"delta":{"content":"a"}})"),
      with_choice(R"({"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}})"),
      with_choice(R"({"index":0,"delta":{"content":5}})"),
      with_choice(R"({"index":0,"delta":{"role":"user","content":"a"}})"),
      with_choice(R"({"index":0,"delta":{"refusal":"no"}})"),
      with_choice(R"({"index":0,"delta":{"tool_calls":[]}})"),
      with_choice(R"({"index":0,"delta":{"function_call":{"name":"f"}}})"),            // legacy function call
      with_choice(R"({"index":0,"delta":{"content":[{"type":"text","text":"a"}]}})"),  // content parts
      head + R"(],"x_groq":{"usage":{"total_tokens":1}}})",                            // Groq's usage
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":1e400})"),                 // out of a double's range
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":01})"),
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":[1,]})"),
      with_choice(R"({"index":0,"delta":{"con\u0074ent":"a"}})"),  // escaped key
      R"({"id":"c","object":"chat.completion","choices":[]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"total_tokens":1}})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"error":{"message":"x"}})",
      R"({"id":"c","object":"chat.completion.chunk"})",
      R"({"id":7,"object":"chat.completion.chunk","choices":[]})",
      head + "]} x",
      head + "]",
      "\xEF\xBB\xBF" + head + "]}",
  };
  for (const std::string& text : declined) CHECK_MESSAGE(!scanner.scan(text, f), text);

  // Nesting: as deep as parse_json allows is fine, one level more is the full path's to refuse.
  auto nested = [&](std::size_t depth) {  // total depth of the document
    const std::size_t extra = depth - 1;
    return R"({"object":"chat.completion.chunk","choices":[],"x":)" + std::string(extra, '[') +
           std::string(extra, ']') + "}";
  };
  CHECK(scan_agrees_with_dom(scanner, nested(kMaxJsonDepth)));
  CHECK_FALSE(scanner.scan(nested(kMaxJsonDepth + 1), f));
}

TEST_CASE("ChunkScanner never accepts what the full parser reads differently (mutation fuzz)") {
  std::vector<std::string> seeds = fixture_chunks();
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a\"\u00e9\ud83d\ude42","reasoning":null},"finish_reason":null,"x":[{"y":[true,false,null,-1.5,0]}]}]})");
  // The quirks' chunks: x_groq, a legacy function_call, content as parts.
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a","function_call":null},"finish_reason":"stop"}],"x_groq":null})");
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"a"}]}}],"x_groq":{"usage":{"total_tokens":1}}})");
  const std::string alphabet = "{}[]\",:\\0123456789-.eEtrufalsn ux\xC3\xA9\x80\xFF\n";
  std::mt19937 rng(20240611);
  ChunkScanner scanner;
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, c); break;
        case 2: text[at] = c; break;
        default: text.resize(at); break;
      }
    }
    accepted += scan_agrees_with_dom(scanner, text);
  }
  CHECK(accepted > 100);  // the fuzz also reaches the accepting side
}

TEST_CASE("ChatStream gives the same result whether chunks take the fast path or not") {
  // The same answer as ordinary chunks (fast path) and with a harmless exponent in an
  // extra field (full path).
  std::string fast, full;
  for (const char* piece : {"Hel", "lo \\\"", "w\\u00f6rld\\n"}) {
    const std::string c =
        std::string(
            R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":")") +
        piece + R"("},"finish_reason":null}]})";
    fast += "data: " + c + "\n\n";
    full += "data: " + c.substr(0, c.size() - 1) + R"(,"x":1e0})" + "\n\n";
  }
  const std::string tail = data(chunk(json::object(), "stop")) + kUsageChunk + kDone;
  StreamRun a = run_whole(fast + tail), b = run_whole(full + tail);
  CHECK(a.result.content == "Hello \"w\xC3\xB6rld\n");
  CHECK(to_json(a.result) == to_json(b.result));
  CHECK(a.deltas == b.deltas);
}

TEST_CASE(
    "ChatStream: invalid UTF-8 bytes are shown as U+FFFD and counted in one warning, however the bytes are split") {
  const std::string base =
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)";
  const std::string bytes = "data: " + base + "{\"content\":\"ok \xFF\xC3\"},\"finish_reason\":null}]}\n\n" +
                            "data: " + base + "{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
  for (const auto& run : {run_whole(bytes), run_bytewise(bytes), run_random(bytes, 3)}) {
    CHECK(run.result.content == "ok \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_FINDING(run.result, Severity::Warning, "", "2 invalid UTF-8 sequences");
    CHECK(run.result.ok());
  }
  CHECK_FALSE(find(
      run_whole("data: " + base + "{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n").result,
      Severity::Warning, "", "UTF-8"));
}

// --- the relay's own event ---------------------------------------------------------------

namespace {

std::string relay_error_event(const json& error) {
  return "event: relay_error\ndata: " + dump_json(json{{"error", error}}) + "\n\n";
}

const json kRelayIdle = {{"source", "relay"},
                         {"kind", "timeout"},
                         {"message", "the provider sent nothing for 60 s (idle limit between chunks)"},
                         {"phase", "idle"},
                         {"reason", "idle_timeout"},
                         {"nonce", "Q2hhdFN0cmVhbU5vbmNlMQ"}};

}  // namespace

TEST_CASE("ChatStream: the relay's relay_error event is kept as relayEvent, neither a chunk nor a provider error") {
  const std::string answer = data(chunk({{"role", "assistant"}, {"content", "Hel"}}));
  StreamRun with = run_every_way_bytes(answer + relay_error_event(kRelayIdle));
  StreamRun without = run_whole(answer);
  const Result& r = with.result;
  REQUIRE(r.relay_event);
  CHECK(r.relay_event->kind == "timeout");
  CHECK(r.relay_event->message == "the provider sent nothing for 60 s (idle limit between chunks)");
  CHECK(r.relay_event->phase == "idle");
  CHECK(r.relay_event->reason == "idle_timeout");
  CHECK(r.relay_event->nonce == "Q2hhdFN0cmVhbU5vbmNlMQ");
  // It adds no finding, no delta and no content: the stream reads as the same stream cut short.
  CHECK(to_json(r.findings) == to_json(without.result.findings));
  CHECK(with.deltas == without.deltas);
  CHECK(r.content == "Hel");
  CHECK(find(r, Severity::Error, "chunks[1]", "the provider sent an error") == nullptr);
  const json j = to_json(r);
  CHECK(j["relayEvent"] == json{{"kind", "timeout"},
                                {"message", "the provider sent nothing for 60 s (idle limit between chunks)"},
                                {"phase", "idle"},
                                {"reason", "idle_timeout"},
                                {"nonce", "Q2hhdFN0cmVhbU5vbmNlMQ"}});

  // By itself it does not fail an answer that is otherwise whole.
  const std::string whole = data(chunk({{"content", "Hi"}}, "stop")) + kUsageChunk;
  StreamRun complete = run_whole(whole + relay_error_event(kRelayIdle) + kDone);
  CHECK(complete.result.ok());
  CHECK(complete.result.relay_event);
  CHECK(to_json(complete.result.findings) == to_json(run_whole(whole + kDone).result.findings));

  // Optional fields absent: "" in the Result; the JSON always has all five.
  json bare = {{"source", "relay"}, {"kind", "too_large"}};
  const Result b = run_whole(answer + relay_error_event(bare)).result;
  REQUIRE(b.relay_event);
  CHECK(to_json(b)["relayEvent"] ==
        json{{"kind", "too_large"}, {"message", ""}, {"phase", ""}, {"reason", ""}, {"nonce", ""}});
}

TEST_CASE("ChatStream: a relay_error event split at every byte gives the identical Result") {
  // A posing event first (its nonce is no nonce), the relay's own, then a malformed one.
  const std::string bytes =
      data(chunk({{"content", "Hel"}})) +
      relay_error_event({{"source", "relay"}, {"kind", "timeout"}, {"message", "x"}, {"nonce", "bad nonce!"}}) +
      relay_error_event(kRelayIdle) + "event: relay_error\ndata: {not json\n\n";
  const json expected = to_json(run_whole(bytes).result);
  REQUIRE(expected["relayEvent"]["nonce"] == "Q2hhdFN0cmVhbU5vbmNlMQ");
  REQUIRE(expected["findings"].dump().find("relay_error[2]") != std::string::npos);
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    CAPTURE(cut);
    const std::string_view all = bytes;
    CHECK(to_json(run_pieces({all.substr(0, cut), all.substr(cut)}).result) == expected);
  }
  CHECK(to_json(run_bytewise(bytes).result) == expected);
  for (unsigned seed : {4u, 5u, 6u}) CHECK(to_json(run_random(bytes, seed).result) == expected);
  // Crlf line ends and a split CR/LF pair read the same.
  std::string crlf;
  for (char c : bytes) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(to_json(run_bytewise(crlf).result) == expected);
}

TEST_CASE("ChatStream: relay_error events: the last well-formed one wins, malformed ones are ignored with a warning") {
  const std::string answer = data(chunk({{"content", "Hel"}}));
  json first = kRelayIdle;
  first["message"] = "first";
  json second = kRelayIdle;
  second["kind"] = "too_large";
  second["message"] = "second";
  const Result r = run_whole(answer + relay_error_event(first) + relay_error_event(second)).result;
  REQUIRE(r.relay_event);
  CHECK(r.relay_event->kind == "too_large");
  CHECK(r.relay_event->message == "second");

  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"event: relay_error\ndata: the relay gave up\n\n", "its data is not JSON"},
      {"event: relay_error\ndata:\n\n", "its data is not JSON"},
      {"event: relay_error\ndata: [1,2]\n\n", "no error object"},
      {relay_error_event({{"kind", "timeout"}, {"message", "no source"}}), "error.source is not \"relay\""},
      {relay_error_event({{"source", "upstream"}, {"kind", "timeout"}}), "error.source is not \"relay\""},
      {relay_error_event({{"source", "relay"}, {"message", "no kind"}}), "error.kind is missing"},
      {relay_error_event({{"source", "relay"}, {"kind", 7}}), "error.kind is missing"},
  };
  for (const auto& [event, problem] : malformed) {
    CAPTURE(event);
    // After a good one: the good one stays.
    const Result m = run_whole(answer + relay_error_event(first) + event).result;
    REQUIRE(m.relay_event);
    CHECK(m.relay_event->message == "first");
    CHECK_FINDING(m, Severity::Warning, "relay_error[1]", problem);
    CHECK(count(m, Severity::Error) == count(run_whole(answer).result, Severity::Error));
    // Alone: no relayEvent at all.
    CHECK_FALSE(run_whole(answer + event).result.relay_event);
  }
  // Many are summarised like other repeated findings.
  std::string many = answer;
  for (int i = 0; i < 30; ++i) many += "event: relay_error\ndata: nope\n\n";
  const Result lots = run_whole(many).result;
  CHECK_FINDING(lots, Severity::Warning, "relay_error[19]", "not JSON");
  CHECK_FINDING(lots, Severity::Warning, "", "… and 10 more relay_error events");

  // Texts are bounded; a nonce that is not base64url, or too long to be the relay's, is kept as "".
  json huge = kRelayIdle;
  huge["message"] = std::string(100000, 'm');
  huge["kind"] = std::string(1000, 'k');
  huge["phase"] = std::string(1000, 'p');
  huge["reason"] = std::string(1000, 'r');
  huge["nonce"] = std::string(65, 'n');
  const Result h = run_whole(answer + relay_error_event(huge)).result;
  REQUIRE(h.relay_event);
  CHECK(h.relay_event->message.size() <= 503);
  CHECK(h.relay_event->kind.size() <= 43);
  CHECK(h.relay_event->phase.size() <= 43);
  CHECK(h.relay_event->reason.size() <= 83);
  CHECK(h.relay_event->nonce.empty());
  for (const char* bad : {"has space", "plus+slash/", "line\nbreak", "\xC3\xA9t\xC3\xA9"}) {
    json e = kRelayIdle;
    e["nonce"] = bad;
    const Result n = run_whole(answer + relay_error_event(e)).result;
    REQUIRE(n.relay_event);
    CHECK(n.relay_event->nonce.empty());
  }
  json exact = kRelayIdle;
  exact["nonce"] = std::string(64, 'A');
  CHECK(run_whole(answer + relay_error_event(exact)).result.relay_event->nonce == std::string(64, 'A'));
}

TEST_CASE("ChatStream: a relay_error event after [DONE] is not part of the answer") {
  // A provider that keeps the connection open after [DONE] until the relay's idle limit.
  const std::string whole = data(chunk({{"content", "Hi"}}, "stop")) + kUsageChunk + kDone;
  const Result r = run_whole(whole + relay_error_event(kRelayIdle)).result;
  CHECK_FALSE(r.relay_event);
  CHECK(r.ok());
  CHECK_FINDING(r, Severity::Warning, "chunks[2]", "data arrived after data: [DONE] and was ignored");
}

TEST_CASE("ChatStream: other events that look like the relay's are the provider's") {
  // The relay's JSON as a plain data event or an error event: a provider error, as before.
  const std::string answer = data(chunk({{"content", "Hel"}}));
  const Result plain = run_whole(answer + "data: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(plain.relay_event);
  CHECK_FINDING(plain, Severity::Error, "chunks[1]", "the provider sent an error in the stream");
  const Result named =
      run_whole(answer + "event: error\ndata: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(named.relay_event);
  CHECK_FINDING(named, Severity::Error, "chunks[1]", "the provider sent an error in the stream");
  // Only the exact event name counts.
  const Result other =
      run_whole(answer + "event: Relay_Error\ndata: " + dump_json(json{{"error", kRelayIdle}}) + "\n\n").result;
  CHECK_FALSE(other.relay_event);
}
