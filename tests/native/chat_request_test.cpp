#include <doctest/doctest.h>

#include "core/request/chat_request.h"

#include <string>

using namespace pg;

namespace {

ChatTarget target(const char* model_name = "gpt-4.1-mini", const char* provider = "openai") {
  ChatTarget t;
  t.model_name = model_name;
  t.provider = provider;
  return t;
}

// The relay's earlier path on the core's side: the body as JSON.parse gave it, through the
// binding's JSON ({"body": …}) into check_chat_body, dumped.
std::string old_path(const json& body, const ChatTarget& t) {
  const BuildResult r = check_chat_body(body, t.model_name, t.provider);
  if (!r.ok) {
    json errors = json::array();
    for (const auto& e : r.errors) errors.push_back(json{{"field", e.field}, {"message", e.message}});
    return dump_json(errors);
  }
  json shaped = r.body;
  if (t.shaped) shape_call(shaped, t.shaping, t.request_id);
  return dump_json(shaped);
}

std::string new_path(const std::string& bytes, const ChatTarget& t) {
  ChatRequest request(bytes);
  REQUIRE(request.ok());
  const CheckedRequest c = request.check(t);
  if (!c.ok) return dump_json((*parse_json(meta_text(c)).value)["errors"]);
  return c.body;
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("a chat request: the model id at open, then the body checked, shaped and written once") {
  ChatRequest r(
      R"({"model":"m1","body":{"model":"from-browser","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"Hi é 🙂"}]}})");
  REQUIRE(r.ok());
  CHECK(r.model() == "m1");
  CHECK(r.open_json() == json{{"model", "m1"}});
  const CheckedRequest c = r.check(target("o3-mini"));
  REQUIRE(c.ok);
  CHECK(c.stream);
  const json sent = *parse_json(c.body).value;
  CHECK(sent["model"] == "o3-mini");
  CHECK(sent["max_completion_tokens"] == 64);
  CHECK(sent["messages"][0]["content"] == "Hi é 🙂");
  CHECK(meta_text(c) == R"({"changes":[],"headers":[],"ok":true,"stream":true})");
  // Once: the body was given up to the result.
  const CheckedRequest again = r.check(target());
  CHECK_FALSE(again.ok);
  CHECK(again.bad_input);
}

TEST_CASE("a chat request's envelope errors are the relay's two, in JSON.parse's order") {
  for (const char* text :
       {"", "   ", "{\"model\": \"m1\", \"body\": ", "{\xff\xfe}", "[1,]", "{\"model\":\"m\"} x", "\"\\x\"",
        "{\"model\":\"m\",\"body\":{\"a\":01}}", "{\"model\":\"m\",\"body\":[" /* truncated deep */}) {
    ChatRequest r(text);
    CHECK_MESSAGE(r.error_code() == "not_json", text);
    CHECK(r.error_message() == "the request body is not valid JSON");
    CHECK(r.open_json()["error"]["code"] == "not_json");
  }
  for (const char* text : {"{}", "[]", "null", "3", "\"m\"", "{\"model\":\"\"}", "{\"model\":7,\"body\":{}}",
                           "{\"body\":{}}", "{\"model\":\"m\",\"model\":null}", "[{\"model\":\"m\"}]"}) {
    ChatRequest r(text);
    CHECK_MESSAGE(r.error_code() == "no_model", text);
    CHECK(r.error_message() == R"(send {"model": "<model id>", "body": {...}})");
  }
  // Later duplicates win, as in JSON.parse; a leading byte-order mark is dropped, as TextDecoder does.
  CHECK(ChatRequest(R"({"model":7,"model":"m2"})").model() == "m2");
  CHECK(ChatRequest("\xEF\xBB\xBF{\"model\":\"m3\"}").model() == "m3");
  CHECK(ChatRequest(R"({"mod\u0065l":"m\u00e9"})").model() == "m\xC3\xA9");
  // Without a body, the check says the body must be an object.
  ChatRequest none(R"({"model":"m"})");
  const CheckedRequest c = none.check(target());
  REQUIRE_FALSE(c.ok);
  CHECK_FALSE(c.bad_input);
  CHECK(c.errors[0].field == "body");
}

TEST_CASE("a chat request: the earlier path's answers, field errors and bytes alike") {
  const ChatTarget t = target();
  ChatTarget shaped = target("claude-sonnet-4", "anthropic");
  shaped.shaped = true;
  shaped.shaping = shaping_from_json(json{{"protocol", "openai"},
                                          {"paramRenames", {{"max_tokens", "max_output_tokens"}}},
                                          {"temperatureMax", 1},
                                          {"defaultBodyFields", {{"user", "playground"}}},
                                          {"defaultHeaders", {{"x-team", "${request.id}"}}}});
  shaped.request_id = "req-1";
  const char* bodies[] = {
      R"({"messages":[{"role":"user","content":"hi"}]})",
      R"({"messages":[{"role":"user","content":"hi"}],"temperature":9,"stop":["a","b","c","d","e"]})",
      R"({"messages":[{"role":"pilot","content":3}],"temperature":"hot"})",
      R"({"messages":[{"role":"user","content":"hi"}],"api_base":"https://attacker.example/v1","max_tokens":12})",
      R"({"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":7,"stream":true,"stream_options":{"x":1}})",
      R"({"messages":[{"role":"user","content":[{"type":"text","text":"what"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],"seed":"9007199254740993"})",
      R"([1,2])",
      R"("text")",
  };
  for (const char* body : bodies) {
    const std::string bytes = std::string(R"({"model":"id","body":)") + body + "}";
    for (const ChatTarget* tt : {&t, static_cast<const ChatTarget*>(&shaped)}) {
      CHECK_MESSAGE(new_path(bytes, *tt) == old_path(*parse_json(body).value, *tt), body);
    }
  }
  // The shaped call's headers and notes are shape_call's.
  ChatRequest r(R"({"model":"id","body":{"stream":true,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}})");
  const CheckedRequest c = r.check(shaped);
  REQUIRE(c.ok);
  CHECK(c.stream);
  REQUIRE(c.headers.size() == 1);
  CHECK(c.headers[0].name == "x-team");
  CHECK(c.headers[0].value == "req-1");
  CHECK_FALSE(c.changes.empty());
  CHECK(parse_json(c.body).value->contains("max_output_tokens"));
}

TEST_CASE("a checked request's facts are written as their JSON tree would be") {
  // The oracle: the facts as a tree, dumped (the binding's reply before it was written
  // straight to text). The text must be the same bytes, members in the tree's order.
  const auto tree = [](const CheckedRequest& c) {
    json out = json::object();
    out["ok"] = c.ok;
    if (!c.ok) {
      json errors = json::array();
      for (const auto& e : c.errors) errors.push_back(json{{"field", e.field}, {"message", e.message}});
      out["errors"] = errors;
      if (c.bad_input) out["badInput"] = true;
      return dump_json(out);
    }
    out["stream"] = c.stream;
    json headers = json::array();
    for (const auto& h : c.headers) headers.push_back(json{{"name", h.name}, {"value", h.value}});
    out["headers"] = headers;
    json changes = json::array();
    for (const auto& n : c.changes) changes.push_back(to_json(n));
    out["changes"] = changes;
    return dump_json(out);
  };
  ChatTarget shaped = target("claude-sonnet-4", "anthropic");
  shaped.shaped = true;
  shaped.shaping = shaping_from_json(json{{"protocol", "openai"},
                                          {"temperatureMax", 1},
                                          {"defaultHeaders", {{"x-team", "${request.id}"}, {"x-b", "two \"q\""}}}});
  shaped.request_id = "req-\"1\"";
  const std::string bad_utf8 = "\xff\xfe";
  const char* bodies[] = {
      R"({"messages":[{"role":"user","content":"hi"}]})",
      R"({"stream":true,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]})",
      R"({"messages":[{"role":"pilot \"x\"\n","content":3}],"temperature":"hot"})",
  };
  std::size_t oks = 0, errors = 0;
  for (const char* body : bodies) {
    for (const ChatTarget& t : {target(), shaped}) {
      ChatRequest r(std::string(R"({"model":"id","body":)") + body + "}");
      const CheckedRequest c = r.check(t);
      (c.ok ? oks : errors) += 1;
      CHECK(meta_text(c) == tree(c));
      const CheckedRequest again = r.check(t);  // bad_input: checked already
      CHECK(again.bad_input);
      CHECK(meta_text(again) == tree(again));
    }
  }
  CHECK(oks == 4);
  CHECK(errors == 2);
  // Texts a browser or a configuration chose: quotes, controls, invalid UTF-8.
  CheckedRequest made;
  made.ok = true;
  made.headers = {{"x-" + bad_utf8, "a\"b\\c\n\x01" + bad_utf8}};
  made.changes = {{"header_added", "header `x` added \"" + bad_utf8 + "\""}};
  CHECK(meta_text(made) == tree(made));
  made = {};
  made.errors = {{"messages[0]." + bad_utf8, "bad \"\t\""}, {"", ""}};
  CHECK(meta_text(made) == tree(made));
  made.bad_input = true;
  CHECK(meta_text(made) == tree(made));
}

TEST_CASE("a chat request JSON.parse accepts but the core's reader does not: as the earlier path answered") {
  const ChatTarget t = target();
  // Nested past the core's limit: the model still opens (the relay looks it up first), the check says why.
  for (std::size_t depth : {130, 100000}) {
    ChatRequest r(R"({"model":"m","body":{"messages":[],"metadata":)" + nested(depth) + "}}");
    REQUIRE(r.ok());
    CHECK(r.model() == "m");
    const CheckedRequest c = r.check(t);
    REQUIRE(c.bad_input);
    CHECK(c.errors[0].field == "body");
    CHECK(c.errors[0].message == "the core was given invalid JSON: JSON nests deeper than 128 levels");
  }
  // At the limit's edge, the same answers as before: the body one level down in the binding's input.
  for (std::size_t depth = 120; depth <= 130; ++depth) {
    const std::string body = R"({"messages":[{"role":"user","content":"hi"}],"metadata":)" + nested(depth) + "}";
    auto old_input = parse_json(R"({"body":)" + body + "}");
    ChatRequest r(R"({"model":"m","body":)" + body + "}");
    REQUIRE(r.ok());
    const CheckedRequest c = r.check(t);
    CHECK_MESSAGE(c.bad_input == !old_input.value, depth);
    if (old_input.value)
      CHECK((c.ok ? c.body : dump_json((*parse_json(meta_text(c)).value)["errors"])) ==
            old_path((*old_input.value)["body"], t));
  }
  // Deep nesting elsewhere in the envelope was never the core's business.
  ChatRequest elsewhere(R"({"model":"m","x":)" + nested(100000) +
                        R"(,"body":{"messages":[{"role":"user","content":"hi"}]}})");
  REQUIRE(elsewhere.ok());
  CHECK(elsewhere.check(t).ok);
  // Invalid UTF-8 inside a string: U+FFFD, as TextDecoder made it.
  ChatRequest utf8(
      "{\"model\":\"m\xff\",\"body\":{\"messages\":[{\"role\":\"user\",\"content\":\"a\xC3\x28z\xF0\x9F\x99\"}]}}");
  REQUIRE(utf8.ok());
  CHECK(utf8.model() == "m\xEF\xBF\xBD");
  const CheckedRequest u = utf8.check(t);
  REQUIRE(u.ok);
  CHECK((*parse_json(u.body).value)["messages"][0]["content"] == "a\xEF\xBF\xBD(z\xEF\xBF\xBD");
  // A number past a double's range: JSON.parse's Infinity, which JSON.stringify wrote as null.
  ChatRequest big(
      R"({"model":"m","body":{"messages":[{"role":"user","content":"hi"}],"temperature":1e400,"metadata":{"n":-1e999}}})");
  REQUIRE(big.ok());
  const std::string expected = old_path(json{{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})},
                                             {"temperature", nullptr},
                                             {"metadata", {{"n", nullptr}}}},
                                        t);
  CHECK(
      new_path(
          R"({"model":"m","body":{"messages":[{"role":"user","content":"hi"}],"temperature":1e400,"metadata":{"n":-1e999}}})",
          t) == expected);
  // A lone surrogate escape: the earlier path's core refused the body (bad_input).
  ChatRequest lone(R"({"model":"m","body":{"messages":[{"role":"user","content":"\ud800"}]}})");
  REQUIRE(lone.ok());
  const CheckedRequest l = lone.check(t);
  CHECK(l.bad_input);
  CHECK(l.errors[0].message.find("the core was given invalid JSON: malformed or truncated JSON: ") == 0);
  CHECK(ChatRequest(R"({"model":"a\udc00b"})").model() ==
        "a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("a huge or hostile chat request gives a clear answer, never a crash") {
  // 5 MB of '[': not JSON (never closed), read without recursing.
  CHECK(ChatRequest(std::string(5u << 20, '[')).error_code() == "not_json");
  CHECK(ChatRequest(R"({"model":"m","body":)" + std::string(5u << 20, '{')).error_code() == "not_json");
  // A body past the core's size limit: the builder's field error.
  const std::string text(21u << 20, 'x');
  ChatRequest large(R"({"model":"m","body":{"messages":[{"role":"user","content":")" + text + R"("}]}})");
  REQUIRE(large.ok());
  const CheckedRequest c = large.check(target());
  CHECK_FALSE(c.ok);
  CHECK_FALSE(c.errors.empty());
  // NUL bytes, control characters, half an escape: not JSON.
  CHECK(ChatRequest(std::string("{\"model\":\"m\0\"}", 14)).error_code() == "not_json");
  CHECK(ChatRequest(R"({"model":"m\u12"})").error_code() == "not_json");
  CHECK(ChatRequest(R"({"model":"m\ud800\u"})").error_code() == "not_json");
}
