// core.diagnose, "the answer matches what was asked": with the request's response_format in
// the Outcome (outcome.request), a 2xx answer that is not the JSON asked for fails the answer
// step instead of passing every check. The answers are validated by the real
// validate_completion / ChatStream, as the page hands them over.
#include <doctest/doctest.h>

#include "core/answer/chat_stream.h"
#include "core/diagnose/diagnose.h"

#include <string>

using namespace pg;

namespace {

json completion(const std::string& content, const char* finish = "stop") {
  return json{
      {"id", "c"},
      {"object", "chat.completion"},
      {"created", 1},
      {"model", "gpt-4o"},
      {"choices",
       json::array(
           {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", finish}}})},
      {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 2}, {"total_tokens", 3}}}};
}

json outcome(const std::string& content, json request, const char* finish = "stop") {
  const std::string body = dump_json(completion(content, finish));
  json o = {{"status", 200},
            {"contentType", "application/json"},
            {"body", body},
            {"result", to_json(validate_completion(body))},
            {"model", {{"provider", "openai"}, {"model_name", "gpt-4o"}, {"api_base", "https://api.openai.com/v1"}}}};
  if (!request.is_null()) o["request"] = std::move(request);
  return o;
}

json json_object() { return json{{"response_format", {{"type", "json_object"}}}}; }

json schema(json required, bool closed) {
  json s = {{"type", "object"},
            {"properties", {{"name", {{"type", "string"}}}, {"age", {{"type", "integer"}}}}},
            {"required", std::move(required)}};
  if (closed) s["additionalProperties"] = false;
  return json{{"messages", json::array({{{"role", "user"}, {"content", "Who?"}}})},
              {"response_format",
               {{"type", "json_schema"}, {"json_schema", {{"name", "person"}, {"strict", true}, {"schema", s}}}}}};
}

struct Seen {
  std::string verdict, answer, evidence, advice, summary;
};

Seen diagnosed(const json& o) {
  const json d = to_json(diagnose(o));
  Seen s{d["verdict"], d["steps"][4]["status"], d["steps"][4]["evidence"], d["steps"][4]["advice"], d["summary"]};
  for (int i = 0; i < 4; ++i) CHECK(d["steps"][i]["status"] == "pass");
  CHECK(s.evidence.size() <= 300);
  return s;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("diagnose: response_format json_object answered in prose is a finding on the answer step") {
  const Seen s = diagnosed(outcome("Sure! Here is the person you asked about: Ada, 36.", json_object()));
  CHECK(s.verdict == "fail");
  CHECK(s.answer == "fail");
  CHECK(has(s.evidence, "the request asked for JSON (response_format json_object), but the content is not JSON"));
  CHECK(has(s.advice, "ignored response_format"));
  CHECK(has(s.summary, "not the JSON the request asked for"));
  CHECK_FALSE(has(s.summary, "All checks passed"));
}

TEST_CASE("diagnose: response_format json_object answered with JSON passes") {
  const Seen s = diagnosed(outcome(" {\"name\":\"Ada\",\"age\":36}\n", json_object()));
  CHECK(s.verdict == "pass");
  CHECK(s.answer == "pass");
  CHECK(has(s.summary, "All checks passed"));
  // Without a response_format the same prose passes: nothing was asked of its form.
  CHECK(diagnosed(outcome("Ada, 36.", nullptr)).verdict == "pass");
  CHECK(diagnosed(outcome("Ada, 36.", json{{"response_format", {{"type", "text"}}}})).verdict == "pass");
}

TEST_CASE("diagnose: json_object wants an object; a code fence is refused by JSON parsers") {
  const Seen array = diagnosed(outcome("[1, 2]", json_object()));
  CHECK(array.answer == "fail");
  CHECK(has(array.evidence, "JSON but an array, not an object"));
  const Seen fenced = diagnosed(outcome("```json\n{\"name\":\"Ada\"}\n```", json_object()));
  CHECK(fenced.answer == "fail");
  CHECK(has(fenced.evidence, "Markdown code fence"));
}

TEST_CASE("diagnose: json_schema: a missing required key is a finding") {
  const Seen s = diagnosed(outcome("{\"name\":\"Ada\"}", schema({"name", "age"}, false)));
  CHECK(s.verdict == "fail");
  CHECK(s.answer == "fail");
  CHECK(has(s.evidence, "response_format json_schema `person`"));
  CHECK(has(s.evidence, "required key `age` is missing"));
  CHECK(has(s.advice, "did not follow the schema"));
  const Seen two = diagnosed(outcome("{}", schema({"name", "age"}, false)));
  CHECK(has(two.evidence, "`name` (and 1 more) is missing"));
  CHECK(diagnosed(outcome("{\"name\":\"Ada\",\"age\":36,\"x\":1}", schema({"name", "age"}, false))).verdict == "pass");
}

TEST_CASE("diagnose: json_schema with additionalProperties false: an extra top-level key is a finding") {
  const Seen s = diagnosed(outcome("{\"name\":\"Ada\",\"age\":36,\"nickname\":\"A\"}", schema({"name", "age"}, true)));
  CHECK(s.verdict == "fail");
  CHECK(s.answer == "fail");
  CHECK(has(s.evidence, "the key `nickname`, which the schema does not allow (additionalProperties: false)"));
  CHECK(diagnosed(outcome("{\"name\":\"Ada\",\"age\":36}", schema({"name", "age"}, true))).verdict == "pass");
  CHECK(diagnosed(outcome("Ada is 36.", schema({"name"}, true))).answer == "fail");
}

TEST_CASE("diagnose: response_format checks leave the other explanations first") {
  // Cut by the token limit: the cut explains the broken JSON.
  const json cut = to_json(diagnose(outcome("{\"name\":\"A", json_object(), "length")));
  CHECK(cut["verdict"] == "warn");
  CHECK(cut["conditions"][0]["kind"] == "truncated");
  // A tool call instead of content asks nothing of the content.
  const std::string tools =
      R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})";
  json o = outcome("", json_object());
  o["body"] = tools;
  o["result"] = to_json(validate_completion(tools));
  CHECK(to_json(diagnose(o))["verdict"] == "pass");
  // Only the start of a long answer came (contentLength): prose is still told apart.
  json start = outcome("Sure, here", json_object());
  start["result"]["contentLength"] = 100000;
  CHECK(diagnosed(start).answer == "fail");
  json json_start = outcome("{\"name\":", json_object());
  json_start["result"]["contentLength"] = 100000;
  json_start.erase("body");
  CHECK(diagnosed(json_start).answer == "pass");
}

TEST_CASE("diagnose: a streamed answer is checked against response_format too") {
  ChatStream stream;
  json deltas = json::array();
  stream.push(
      "data: "
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
      "\"delta\":{\"content\":\"Hello there\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
      "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\ndata: [DONE]\n\n",
      deltas);
  const json o = {{"status", 200},
                  {"contentType", "text/event-stream"},
                  {"result", to_json(stream.end())},
                  {"request", json_object()}};
  CHECK(diagnosed(o).answer == "fail");
}

TEST_CASE("diagnose: the request is read bounded and never trusted for its types") {
  // Thousands of required keys and properties: read up to the bound, no crash, still one line.
  json required = json::array(), properties = json::object();
  for (int i = 0; i < 5000; ++i) {
    required.push_back("k" + std::to_string(i));
    properties["k" + std::to_string(i)] = json::object();
  }
  json big = schema(required, true);
  big["response_format"]["json_schema"]["schema"]["properties"] = properties;
  const Seen s = diagnosed(outcome("{\"k0\":1}", big));
  CHECK(s.answer == "fail");
  CHECK(has(s.evidence, "`k1` (and 254 more) is missing"));  // the first 256 required keys are read
  // Past the bound of properties, additionalProperties is not checked (no key can be told extra).
  json open = schema(json::array(), true);
  open["response_format"]["json_schema"]["schema"]["properties"] = properties;
  CHECK(diagnosed(outcome("{\"anything\":1}", open)).verdict == "pass");
  // Wrong types anywhere ask nothing.
  for (const json& odd :
       {json("json_object"), json{{"response_format", "json_object"}}, json{{"response_format", {{"type", 7}}}},
        json{{"response_format", {{"type", "json_schema"}, {"json_schema", "x"}}}},
        json{{"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", {{"required", "name"}}}}}}}}}) {
    const json d = to_json(diagnose(outcome("Ada", odd)));
    CHECK(d["steps"].size() == 5);
  }
  // A schema with no object rules still wants JSON.
  CHECK(diagnosed(outcome("Ada", json{{"response_format", {{"type", "json_schema"}, {"json_schema", "x"}}}})).answer ==
        "fail");
  CHECK(diagnosed(
            outcome("\"Ada\"", json{{"response_format",
                                     {{"type", "json_schema"}, {"json_schema", {{"schema", {{"type", "string"}}}}}}}}))
            .answer == "pass");
}
