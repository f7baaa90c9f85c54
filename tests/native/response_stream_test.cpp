// Response validation of streamed completions (ChatStream): deltas, tool calls, providers'
// streams, mid-stream errors, cut streams, chunk shape rules and end().
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
