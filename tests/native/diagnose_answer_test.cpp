// core.diagnose, the answer step: 2xx bodies and streams decoded by the real ChatStream, and a
// page-built Result used without the body.
#include <doctest/doctest.h>

#include "support/diagnose.h"

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

TEST_CASE("diagnose: answer — 2xx bodies and streams") {
  json relay_idle = streamed("relay-idle-timeout.sse", vllm());
  relay_idle["headers"] = forwarded();
  json timeout_mid = streamed("openai-stream-cut.sse", openai());
  timeout_mid["relayError"] = {{"kind", "timeout"},
                               {"message", "the provider did not finish within 120 s (total time limit)"}};
  json cut_by_relay_size = streamed("openai-stream-cut.sse", openai());
  cut_by_relay_size["relayError"] = {
      {"kind", "too_large"},
      {"message", "the provider's response passed 8388608 bytes (the relay's response size limit)"}};

  const std::vector<Case> cases = {
      {"OpenAI completion body, validated by the core",
       http_json(200, fixture("openai-completion-ok.json"), openai()),
       "PPPPP",
       "",
       "pass",
       {"summary:All checks passed: the key, base URL and model name work.", "answer:a valid chat completion",
        "answer:finish_reason stop", "model:model `gpt-4o` answered (reported as `gpt-4o-2024-08-06`)"}},
      {"OpenAI stream",
       streamed("openai-stream-ok.sse", openai()),
       "PPPPP",
       "",
       "pass",
       {"answer:12 characters", "summary:All checks passed"}},
      {"Azure stream with a prompt-filter chunk first",
       streamed("azure-stream-ok.sse", azure()),
       "PPPPP",
       "",
       "pass",
       {}},
      {"DeepSeek reasoner stream", streamed("deepseek-reasoner-stream.sse", deepseek()), "PPPPP", "", "pass", {}},
      {"a tool-call answer with null content",
       http_json(200, fixture("tool-call-answer.json"), openai()),
       "PPPPP",
       "",
       "pass",
       {"answer:1 tool call"}},
      {"reasoning model cut by max tokens, no text (body)",
       http_json(200, fixture("reasoning-cut-by-length.json"), model("openai", "o4-mini", "https://api.openai.com/v1")),
       "PPPPP",
       "truncated",
       "warn",
       {"answer:reached, answered, cut short by the token limit",
        "cond:raise max tokens (reasoning models spend tokens thinking first)", "summary:The settings work", "!fail"}},
      {"reasoning model cut by max tokens (stream)",
       streamed("reasoning-stream-cut-by-length.sse", model("openai", "gpt-5-mini", "https://api.openai.com/v1")),
       "PPPPP",
       "truncated",
       "warn",
       {"cond:raise max tokens"}},
      {"stream cut before [DONE]",
       streamed("openai-stream-cut.sse", openai()),
       "PPPPF",
       "",
       "fail",
       {"answer:[DONE]", "answer:retry", "summary:not with a valid chat completion"}},
      {"malformed JSON body",
       http_json(200, R"j({"id":"x","object":"chat.completion","choices":[{"index":0,"message":)j", vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:not a JSON chat completion", "answer:OpenAI-compatible API"}},
      {"JSON without choices",
       http_json(200, R"j({"id":"x","object":"chat.completion","created":1,"model":"m"})j", vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:choices", "answer:chat-completion shape"}},
      {"OpenRouter error event mid-stream",
       streamed("openrouter-midstream-error.sse", openrouter()),
       "PPPPF",
       "outage",
       "fail",
       {"answer:Upstream provider disconnected", "summary:in the middle of the answer"}},
      {"Anthropic-compatible overloaded event mid-stream",
       streamed("anthropic-compat-overloaded.sse", anthropic()),
       "PPPPF",
       "overloaded",
       "fail",
       {"answer:overloaded_error", "cond:backoff"}},
      {"the relay's idle timeout as an event in the stream",
       relay_idle,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout: the provider sent nothing for 30 s", "cond:the provider is stalling",
        "summary:cut short"}},
      {"the relay's total timeout reported beside the result",
       timeout_mid,
       "PPPPF",
       "timeout",
       "fail",
       {"answer:relay error timeout", "cond:lower max tokens"}},
      {"the relay's response size limit mid-stream",
       cut_by_relay_size,
       "PPPPF",
       "relay_limit",
       "fail",
       {"cond:lower max tokens"}},
      {"content_filter finish",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}})j",
           azure()),
       "PPPPP",
       "content_filter",
       "warn",
       {"cond:content filter stopped the answer"}},
      {"llama.cpp error body at 200",
       http_json(
           200,
           R"j({"error":{"code":400,"message":"request (9000 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error"}})j",
           llamacpp()),
       "PPPPF",
       "context_length",
       "fail",
       {"answer:exceeds the available context size"}},
      {"empty answer",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}})j",
           vllm()),
       "PPPPF",
       "",
       "fail",
       {"answer:the answer is empty (finish_reason stop)", "summary:the answer is empty"}},
      {"a refusal",
       http_json(
           200,
           R"j({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6,"total_tokens":11}})j",
           openai()),
       "PPPPP",
       "refusal",
       "warn",
       {"cond:I can't help with that."}},
  };
  for (const Case& c : cases) check(c);
}

TEST_CASE("diagnose: a page-built Result works without the body (the page's result wins)") {
  json o = {{"status", 200},
            {"contentType", "text/event-stream"},
            {"model", openai()},
            {"result",
             {{"ok", true},
              {"content", "Hi"},
              {"reasoning", ""},
              {"toolCalls", json::array()},
              {"finishReason", "stop"},
              {"usage", nullptr},
              {"model", "gpt-4o"},
              {"done", true},
              {"findings", json::array()}}}};
  check({"page result", o, "PPPPP", "", "pass", {"answer:2 characters"}});
  // A page may send only the start of a long answer, with its whole size beside it.
  o["result"]["contentLength"] = 1000000;
  check({"an excerpt with its length", o, "PPPPP", "", "pass", {"answer:1000000 characters"}});
  // A length smaller than the text, negative or fractional is not believed.
  for (const json& bogus : {json(1), json(-5), json(3.5), json("9")}) {
    o["result"]["contentLength"] = bogus;
    check({"a bogus length", o, "PPPPP", "", "pass", {"answer:2 characters"}});
  }
  o["result"].erase("contentLength");
  // ok:true but an error finding: the finding wins (docs/contracts.md: ok is false when any finding is an error).
  o["result"]["findings"] =
      json::array({{{"severity", "error"}, {"path", "chunks[3]"}, {"message", "chunk 4 is not JSON: syntax error"}}});
  check({"ok contradicted by a finding", o, "PPPPF", "", "fail", {"answer:chunks[3]: chunk 4 is not JSON"}});
}
