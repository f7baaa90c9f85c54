// Real providers' quirks, unit by unit (tests/fixtures/recordings holds the recordings they
// come from; tests/wasm/real-recordings.test.mjs reads those whole). The rule: an error
// only where an OpenAI client could not use the answer; a deviation the official SDK
// tolerates is a warning that names the provider's quirk. Every stream here is read whole,
// a byte at a time, split at every CR/LF and at random points, through both delta outputs,
// and must give the identical Result.
#include "support/response.h"

#include "core/answer/detail/chunk_scanner.h"  // internal under test
#include "core/diagnose/diagnose.h"

#include <random>
#include <string>
#include <vector>

using namespace pg;

namespace {

std::size_t errors(const Result& r) { return count(r, Severity::Error); }
bool mentions(const Result& r, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.message.find(text) != std::string::npos) return true;
  return false;
}

// The whole reading, checked against every split: a byte at a time, at every CR and LF
// (before and after it), and at random points.
StreamRun read_every_way(const std::string& bytes) {
  const StreamRun whole = run_pieces({bytes});
  const json expected = to_json(whole.result);
  const json expected_deltas = coalesce(whole.deltas);
  auto same = [&](const std::vector<std::string_view>& pieces, const char* how) {
    const StreamRun split = run_pieces(pieces);
    CHECK_MESSAGE(to_json(split.result) == expected, how);
    CHECK_MESSAGE(coalesce(split.deltas) == expected_deltas, how);
  };
  std::vector<std::string_view> bytewise, at_line_ends, random;
  for (std::size_t i = 0; i < bytes.size(); ++i) bytewise.push_back(std::string_view(bytes).substr(i, 1));
  same(bytewise, "byte by byte");
  std::size_t from = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != '\r' && bytes[i] != '\n') continue;
    if (i > from) at_line_ends.push_back(std::string_view(bytes).substr(from, i - from));
    at_line_ends.push_back(std::string_view(bytes).substr(i, 1));
    from = i + 1;
  }
  at_line_ends.push_back(std::string_view(bytes).substr(from));
  same(at_line_ends, "at every CR and LF");
  for (unsigned seed : {3u, 17u, 2024u}) {
    std::mt19937 rng(seed);
    random.clear();
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 23)(rng);
      random.push_back(std::string_view(bytes).substr(at, n));
      at += n;
    }
    same(random, "random pieces");
  }
  return whole;
}

json usage(int prompt, int completion) {
  return json{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}
json with_usage(json c, json u) {
  c["usage"] = std::move(u);
  return c;
}

std::string body_with(const std::string& choice, const std::string& extra = "") {
  return R"({"id":"x","object":"chat.completion","created":1,"model":"m","choices":[)" + choice +
         R"(],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})" + extra + "}";
}

// Whether the fast chunk reader takes the chunk (false: the full path reads it).
bool fast(const json& c) {
  ChunkScanner scanner;
  FastChunk f;
  return scanner.scan(dump_json(c), f);
}

json diagnosed(json outcome) { return to_json(diagnose(outcome)); }

}  // namespace

TEST_CASE("quirk: Mistral Magistral streams content as typed parts: text is the answer, thinking the reasoning") {
  auto parts = [](json p) { return chunk(json{{"content", std::move(p)}}); };
  const std::string bytes =
      data(chunk({{"role", "assistant"}, {"content", ""}})) +
      data(parts(json::parse(R"([{"type":"thinking","thinking":[{"type":"text","text":"Okay"}]}])"))) +
      data(parts(json::parse(
          R"([{"type":"thinking","thinking":[{"type":"text","text":", the user"},{"type":"text","text":" asks."}]}])"))) +
      data(parts(json::parse(R"([{"type":"thinking","thinking":"Then "}])"))) +
      data(parts(json::parse(R"([{"type":"text","text":"Look "},{"type":"text","text":"both ways."}])"))) +
      data(chunk({{"content", " Then cross."}})) + data(with_usage(chunk({{"content", ""}}, "stop"), usage(10, 232))) +
      kDone;
  const StreamRun run = read_every_way(bytes);
  const Result& r = run.result;
  CHECK(r.ok());
  CHECK(r.content == "Look both ways. Then cross.");
  CHECK(r.reasoning == "Okay, the user asks.Then ");
  CHECK(r.finish_reason == std::optional<std::string>("stop"));
  CHECK(r.usage->at("total_tokens") == 242);
  CHECK(errors(r) == 0);
  CHECK_FINDING(r, Severity::Warning, "chunks[1].choices[0].delta.content",
                "array of typed parts (Mistral's reasoning models)");
  CHECK(mentions(r, "(in 4 chunks)"));
  // The reasoning arrives before the answer, as it was sent.
  CHECK(coalesce(run.deltas).at(0) == json{{"reasoning", "Okay, the user asks.Then "}});
  CHECK(coalesce(run.deltas).at(1) == json{{"content", "Look both ways. Then cross."}});
  CHECK_FALSE(fast(parts(json::array())));  // an array is the full path's, never a string

  SUBCASE("a part of another type is skipped with a warning, never an error") {
    const Result odd =
        read_every_way(data(parts(json::parse(R"([{"type":"reference","ids":[1]},7,{"type":"text","text":"a"}])"))) +
                       data(chunk(json::object(), "stop")) + kDone)
            .result;
    CHECK(odd.ok());
    CHECK(odd.content == "a");
    CHECK(mentions(odd, "neither text nor thinking was ignored"));
  }
  SUBCASE("content of another type is still an error") {
    const Result bad = read_every_way(data(chunk({{"content", 5}}, "stop")) + kDone).result;
    CHECK_FINDING(bad, Severity::Error, "chunks[0].choices[0].delta.content", "content is not a string");
  }
}

TEST_CASE("quirk: a legacy function_call is an answer, with a warning that names the legacy form") {
  SUBCASE("a whole body (OpenAI, finish_reason function_call, content null)") {
    const Result r = validate_completion(body_with(
        R"({"index":0,"message":{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"location\":\"Boston\"}"},"refusal":null},"finish_reason":"function_call"})"));
    CHECK(r.ok());
    CHECK(r.tool_calls == json::array());
    REQUIRE(r.function_call);
    CHECK(*r.function_call == json{{"name", "get_weather"}, {"arguments", "{\"location\":\"Boston\"}"}});
    CHECK(to_json(r)["functionCall"] == *r.function_call);
    CHECK_FINDING(r, Severity::Warning, "choices[0].message.function_call", "legacy function_call");
    CHECK_FALSE(mentions(r, "empty"));
    CHECK_FALSE(mentions(r, "finish_reason"));

    const json d = diagnosed(
        json{{"status", 200},
             {"contentType", "application/json"},
             {"result", to_json(r)},
             {"model",
              {{"provider", "openai"}, {"model_name", "gpt-3.5-turbo"}, {"api_base", "https://api.openai.com/v1"}}}});
    CHECK(d["verdict"] == "pass");
    CHECK(d["steps"][4]["evidence"].get<std::string>().find("function call") != std::string::npos);
  }
  SUBCASE("a function call without a name cannot be called: an error") {
    const Result r = validate_completion(body_with(
        R"({"index":0,"message":{"role":"assistant","content":null,"function_call":{"arguments":"{}"}},"finish_reason":"function_call"})"));
    CHECK_FINDING(r, Severity::Error, "choices[0].message.function_call.name", "no name");
  }
  SUBCASE("streamed: the name, then the arguments in pieces") {
    const std::string bytes = data(chunk({{"role", "assistant"},
                                          {"content", nullptr},
                                          {"function_call", {{"name", "get_weather"}, {"arguments", ""}}}})) +
                              data(chunk({{"function_call", {{"arguments", "{\"loc"}}}})) +
                              data(chunk({{"function_call", {{"arguments", "ation\":\"Boston\"}"}}}})) +
                              data(chunk(json::object(), "function_call")) + kDone;
    const Result r = read_every_way(bytes).result;
    CHECK(r.ok());
    REQUIRE(r.function_call);
    CHECK(*r.function_call == json{{"name", "get_weather"}, {"arguments", "{\"location\":\"Boston\"}"}});
    CHECK(r.tool_calls == json::array());
    CHECK_FINDING(r, Severity::Warning, "choices[0].delta.function_call", "legacy function_call");
    CHECK_FALSE(mentions(r, "empty"));
    CHECK_FALSE(fast(chunk({{"function_call", {{"arguments", "x"}}}})));
    CHECK(fast(chunk({{"content", "x"}, {"function_call", nullptr}})));
  }
  SUBCASE("a function_call that is not an object is an error") {
    const Result r = read_every_way(data(chunk({{"function_call", "f"}}, "stop")) + kDone).result;
    CHECK_FINDING(r, Severity::Error, "chunks[0].choices[0].delta.function_call", "not an object");
    CHECK_FALSE(r.function_call);
  }
}

TEST_CASE("quirk: Groq reports usage only in x_groq.usage: read as the usage, with a warning naming x_groq") {
  json first = chunk({{"role", "assistant"}, {"content", ""}});
  first["x_groq"] = {{"id", "req_1"}};
  json last = chunk(json::object(), "stop");
  last["x_groq"] = {{"id", "req_1"},
                    {"usage",
                     {{"queue_time", 0.28},
                      {"prompt_tokens", 18},
                      {"prompt_time", 0.002},
                      {"completion_tokens", 73},
                      {"total_tokens", 91}}}};
  const std::string bytes = data(first) + data(chunk({{"content", "A joke"}})) + data(last) + kDone;
  const StreamRun run = read_every_way(bytes);
  const Result& r = run.result;
  CHECK(r.ok());
  CHECK(r.content == "A joke");
  REQUIRE(r.usage);
  CHECK(*r.usage == usage(18, 73));
  CHECK_FINDING(r, Severity::Warning, "x_groq.usage", "x_groq.usage (Groq's own field)");
  CHECK_FALSE(mentions(r, "stream_options"));
  CHECK(run.deltas.back() == json{{"usage", usage(18, 73)}});
  CHECK_FALSE(fast(last));
  CHECK_FALSE(fast(first));  // any x_groq goes the full path, which alone reads its usage
  json null_groq = chunk({{"content", "x"}});
  null_groq["x_groq"] = nullptr;
  CHECK(fast(null_groq));

  SUBCASE("a top-level usage wins, before or after x_groq") {
    json standard = chunk(json::object());
    standard["choices"] = json::array();
    standard["usage"] = usage(5, 5);
    for (const std::string& s : {data(chunk({{"content", "a"}})) + data(standard) + data(last) + kDone,
                                 data(chunk({{"content", "a"}})) + data(last) + data(standard) + kDone}) {
      const Result both = read_every_way(s).result;
      CHECK(*both.usage == usage(5, 5));
      CHECK_FALSE(mentions(both, "x_groq"));
    }
  }
  SUBCASE("a whole body with only x_groq.usage") {
    const Result body = validate_completion(
        R"({"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"x_groq":{"id":"r","usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}})");
    CHECK(body.ok());
    CHECK(*body.usage == usage(3, 4));
    CHECK_FINDING(body, Severity::Warning, "x_groq.usage", "Groq's own field");
  }
}

TEST_CASE("quirk: Groq compound streams executed_tools and reasoning beside the answer") {
  json tool =
      chunk({{"executed_tools", json::parse(R"([{"index":0,"type":"search","arguments":"{\"query\":\"w\"}"}])")}});
  tool["id"] = "chatcmpl-b";
  json last = chunk(json::object(), "stop");
  last["id"] = "stub";
  last["x_groq"] = {{"usage", usage(5003, 359)}};
  const Result r = read_every_way(data(chunk({{"reasoning", "<think>search"}})) + data(tool) +
                                  data(chunk({{"reasoning", "</think>"}})) + data(chunk({{"content", "Cloudy."}})) +
                                  data(last) + kDone)
                       .result;
  CHECK(r.ok());
  CHECK(r.reasoning == "<think>search</think>");
  CHECK(r.content == "Cloudy.");
  CHECK(*r.usage == usage(5003, 359));
  CHECK(r.tool_calls == json::array());  // executed on Groq's side: not calls for the client
}

TEST_CASE("quirk: Azure's content filter leaves the message out of a whole body: valid, a prompt-side condition") {
  const std::string body =
      R"({"choices":[{"content_filter_results":{"hate":{"filtered":true,"severity":"high"}},"finish_reason":"content_filter","index":0,"logprobs":null}],"created":1714038380,"id":"chatcmpl-9","model":"gpt-35-turbo","object":"chat.completion","usage":{"completion_tokens":19,"prompt_tokens":15,"total_tokens":34}})";
  const Result r = validate_completion(body);
  CHECK(r.ok());
  CHECK(r.finish_reason == std::optional<std::string>("content_filter"));
  CHECK_FINDING(r, Severity::Warning, "choices[0].message", "content filter removed the answer");
  CHECK(r.findings.size() == 1);
  const json d = diagnosed(json{
      {"status", 200},
      {"contentType", "application/json"},
      {"body", body},
      {"model", {{"provider", "azure"}, {"model_name", "gpt-35-turbo"}, {"api_base", "https://r.openai.azure.com"}}}});
  CHECK(d["verdict"] == "warn");
  REQUIRE(d["conditions"].size() == 1);
  CHECK(d["conditions"][0]["kind"] == "content_filter");
  CHECK(d["conditions"][0]["side"] == "prompt");
  for (const auto& s : d["steps"]) CHECK(s["status"] == "pass");

  SUBCASE("without the filter's finish reason a missing message is still an error") {
    std::string stop = body;
    stop.replace(stop.find("\"content_filter\","), 17, "\"stop\",");
    CHECK_FINDING(validate_completion(stop), Severity::Error, "choices[0].message", "message is missing");
  }
}

TEST_CASE("quirk: Perplexity: chunks named chat.completion, CRLF, cumulative usage and no [DONE]") {
  auto event = [](const char* piece, const char* so_far, json finish, int completion) {
    json c = chunk({{"role", "assistant"}, {"content", piece}}, std::move(finish), "chat.completion");
    c["choices"][0]["message"] = {{"role", "assistant"}, {"content", so_far}};
    c["usage"] = usage(12, completion);
    c["usage"]["search_context_size"] = "low";
    c["citations"] = json::array({"https://en.wikipedia.org/wiki/Russia"});
    return data(c, "\r\n");
  };
  const std::string bytes = event("The", "The", nullptr, 1) + event(" largest", "The largest", nullptr, 3) +
                            event(" is Russia [2].", "The largest is Russia [2].", "stop", 43);
  const Result r = read_every_way(bytes).result;
  CHECK(r.ok());
  CHECK_FALSE(r.done);
  CHECK(r.content == "The largest is Russia [2].");  // the deltas, not the cumulative message
  CHECK(*r.usage == usage(12, 43));
  CHECK_FINDING(r, Severity::Warning, "", "ended without data: [DONE], after a finish_reason on every choice");
  CHECK_FINDING(r, Severity::Warning, "chunks[0].object", "(Perplexity names its stream chunks so)");
  const json d = diagnosed(json{{"status", 200}, {"contentType", "text/event-stream"}, {"result", to_json(r)}});
  CHECK(d["verdict"] == "pass");

  SUBCASE("without a finish_reason the missing [DONE] is still a cut") {
    const Result cut = read_every_way(event("The", "The", nullptr, 1)).result;
    CHECK_FINDING(cut, Severity::Error, "", "stream ended without data: [DONE] (cut short)");
  }
  SUBCASE("every choice must have finished: n=2 with choice 1 open is a cut") {
    json second = chunk({{"content", "b"}});
    second["choices"][0]["index"] = 1;
    const Result cut = read_every_way(data(chunk({{"content", "a"}}, "stop")) + data(second)).result;
    CHECK_FINDING(cut, Severity::Error, "", "(cut short)");
    json done = chunk(json::object(), "stop");
    done["choices"][0]["index"] = 1;
    const Result whole = read_every_way(data(chunk({{"content", "a"}}, "stop")) + data(second) + data(done)).result;
    CHECK(whole.ok());
    // Choice 0, the one shown, must be among the finished ones.
    const Result only_other = read_every_way(data(done)).result;
    CHECK_FINDING(only_other, Severity::Error, "", "(cut short)");
  }
  SUBCASE("a stream that ended on the provider's error keeps the cut as an error") {
    json error = chunk({{"content", ""}}, "error");
    error["error"] = {{"code", 502}, {"message", "Upstream provider disconnected"}};
    const Result failed = read_every_way(data(chunk({{"content", "a"}})) + data(error)).result;
    CHECK_FINDING(failed, Severity::Error, "", "(cut short)");
  }
}

TEST_CASE("quirk: Azure's asynchronous-filter annotation chunks (object \"\", no delta) do not fail a stream") {
  const json annotation =
      json::parse(R"({"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,
      "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},
      "content_filter_offsets":{"check_offset":44,"start_offset":44,"end_offset":198}}],"system_fingerprint":null})");
  const json prompt_filter = json::parse(R"({"id":"","object":"","created":0,"model":"","choices":[],
      "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]})");
  json last = chunk(json::object(), "stop");
  last["usage"] = usage(1, 2);
  const std::string bytes = data(prompt_filter) + data(chunk({{"role", "assistant"}, {"content", "Hi"}})) +
                            data(annotation) + data(chunk({{"content", " there"}})) + data(last) + data(annotation) +
                            kDone;
  const Result r = read_every_way(bytes).result;
  CHECK_MESSAGE(r.ok(), dump_json(to_json(r.findings)));
  CHECK(r.content == "Hi there");
  CHECK(r.findings.empty());
  CHECK(r.finish_reason == std::optional<std::string>("stop"));

  SUBCASE("object \"\" on a chunk that does carry a delta is still wrong") {
    json odd = chunk({{"content", "x"}}, "stop");
    odd["object"] = "";
    CHECK_FINDING(read_every_way(data(odd) + kDone).result, Severity::Error, "chunks[0].object", "object is \"\"");
  }
}
