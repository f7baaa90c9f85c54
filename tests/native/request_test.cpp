// The request builder: every form rule and boundary, model and provider rules, hostile
// input, and the shared fixtures in tests/fixtures/request (also run by the Node tests).
#include <doctest/doctest.h>

#include "core/request/request.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

namespace {

json parse(const std::string& text) {
  auto parsed = parse_json(text);
  REQUIRE_MESSAGE(parsed.value, parsed.error);
  return *parsed.value;
}

// A form with one user message plus whatever the test adds.
json form_with(const json& extra_fields) {
  json form = {{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
  for (auto it = extra_fields.begin(); it != extra_fields.end(); ++it) form[it.key()] = it.value();
  return form;
}

json form_with_params(const json& params, const json& model = nullptr) {
  json form = form_with({{"params", params}});
  if (!model.is_null()) form["model"] = model;
  return form;
}

json model(const std::string& name, const std::string& provider = "openai") {
  return {{"model_name", name}, {"provider", provider}};
}

// By value: the result is often a temporary.
std::optional<FieldError> error_at(const BuildResult& r, const std::string& field) {
  for (const auto& e : r.errors)
    if (e.field == field) return e;
  return std::nullopt;
}

std::optional<Finding> warning_at(const BuildResult& r, const std::string& path) {
  for (const auto& w : r.warnings)
    if (w.path == path) return w;
  return std::nullopt;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string all_errors(const BuildResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += "[" + e.field + "] " + e.message + "\n";
  return out;
}

// Builds a form that only sets params.<key> = value and returns the result.
BuildResult with_param(const std::string& key, const json& value, const json& m = nullptr) {
  return build_request(form_with_params({{key, value}}, m));
}

const std::string kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAE/8EISAAAHfED/XkOi+8AAAAASUVORK5CYII=";
const std::string kJpegHead = "/9j/4AAQSkZJRgAB";

json image_message(const std::string& url, const std::string& role = "user") {
  return {{"messages",
           json::array({{{"role", role},
                         {"content", json::array({{{"type", "image_url"}, {"image_url", {{"url", url}}}}})}}})}};
}

}  // namespace

TEST_CASE("request: a minimal form becomes a minimal body") {
  auto r = build_request(form_with(json::object()));
  REQUIRE_MESSAGE(r.ok, all_errors(r));
  CHECK(r.body == parse(R"({"messages":[{"role":"user","content":"hi"}]})"));
  CHECK(r.warnings.empty());
  CHECK(r.errors.empty());
}

TEST_CASE("request: the form itself must be an object with known fields") {
  for (const char* text : {"null", "[]", "\"hi\"", "3", "true"}) {
    auto r = build_request(parse(text));
    CHECK_FALSE(r.ok);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "");
    CHECK(r.errors[0].message == "the form must be an object");
    CHECK(r.body.is_null());
  }
  auto r = build_request(form_with({{"temprature", 1}, {"model_id", "x"}}));
  CHECK_FALSE(r.ok);
  REQUIRE(error_at(r, "temprature"));
  CHECK(contains(error_at(r, "temprature")->message, "not a form field"));
  CHECK(error_at(r, "model_id"));
  CHECK(r.body.is_null());
}

TEST_CASE("request: system prompt") {
  SUBCASE("becomes the first message") {
    auto r = build_request(form_with({{"system", "Be brief."}}));
    REQUIRE(r.ok);
    CHECK(r.body["messages"][0] == json{{"role", "system"}, {"content", "Be brief."}});
    CHECK(r.body["messages"][1]["role"] == "user");
  }
  SUBCASE("empty, whitespace or null means absent") {
    for (json s : {json(""), json("  \n\t"), json(nullptr)}) {
      auto r = build_request(form_with({{"system", s}}));
      REQUIRE(r.ok);
      CHECK(r.body["messages"].size() == 1);
    }
  }
  SUBCASE("must be a string") {
    auto r = build_request(form_with({{"system", json::array({"a"})}}));
    REQUIRE(error_at(r, "system"));
    CHECK(contains(error_at(r, "system")->message, "must be a string"));
  }
  SUBCASE("reasoning models get it as a developer message; others as system") {
    for (const char* name : {"o1", "o3-mini", "gpt-5", "openai/o4-mini"}) {
      auto r = build_request(form_with({{"system", "S"}, {"model", model(name)}}));
      REQUIRE(r.ok);
      CHECK_MESSAGE(r.body["messages"][0]["role"] == "developer", name);
    }
    for (const char* name : {"gpt-4o", "gpt-5-chat-latest", "deepseek-reasoner"}) {
      auto r = build_request(form_with({{"system", "S"}, {"model", model(name)}}));
      REQUIRE(r.ok);
      CHECK_MESSAGE(r.body["messages"][0]["role"] == "system", name);
    }
  }
}

TEST_CASE("request: messages array") {
  CHECK(error_at(build_request(json::object()), "messages"));
  CHECK(error_at(build_request(parse(R"({"messages":null})")), "messages"));
  CHECK(contains(error_at(build_request(parse(R"({"messages":[]})")), "messages")->message, "at least one"));
  CHECK(contains(error_at(build_request(parse(R"({"messages":"hi"})")), "messages")->message, "must be an array"));

  RequestLimits limits;
  limits.max_messages = 3;
  json three = parse(R"({"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                                      {"role":"user","content":"c"}]})");
  CHECK(build_request(three, limits).ok);
  json four = three;
  four["messages"].push_back({{"role", "user"}, {"content", "d"}});
  auto r = build_request(four, limits);
  REQUIRE(error_at(r, "messages"));
  CHECK(error_at(r, "messages")->message == "has 4 messages; the limit is 3");
}

TEST_CASE("request: each message's role and content") {
  auto r = build_request(parse(R"({"messages":[
      "hi",
      {"content":"no role"},
      {"role":"tool","content":"x"},
      {"role":"User","content":"x"},
      {"role":"user"},
      {"role":"user","content":""},
      {"role":"user","content":"   "},
      {"role":"user","content":42},
      {"role":"user","content":[]},
      {"role":"user","content":"ok","name":"bob"}
  ]})"));
  CHECK_FALSE(r.ok);
  CHECK(contains(error_at(r, "messages[0]")->message, "must be an object"));
  CHECK(contains(error_at(r, "messages[1].role")->message, "got nothing"));
  REQUIRE(error_at(r, "messages[2].role"));
  CHECK(error_at(r, "messages[2].role")->message == "must be one of system, developer, user, assistant (got \"tool\")");
  CHECK(error_at(r, "messages[3].role"));  // roles are case-sensitive on the wire
  CHECK(contains(error_at(r, "messages[4].content")->message, "empty"));
  CHECK(contains(error_at(r, "messages[5].content")->message, "empty"));
  CHECK(contains(error_at(r, "messages[6].content")->message, "empty"));
  CHECK(contains(error_at(r, "messages[7].content")->message, "got a number"));
  CHECK(contains(error_at(r, "messages[8].content")->message, "no parts"));
  CHECK(contains(error_at(r, "messages[9].name")->message, "only role and content"));
  CHECK(r.errors.size() == 10);
}

TEST_CASE("request: all four roles are accepted and sent unchanged") {
  auto r = build_request(parse(R"({"messages":[{"role":"system","content":"s"},{"role":"developer","content":"d"},
      {"role":"assistant","content":"a"},{"role":"user","content":"u"}]})"));
  REQUIRE(r.ok);
  CHECK(r.body["messages"].size() == 4);
  CHECK(r.body["messages"][1] == json{{"role", "developer"}, {"content", "d"}});
}

TEST_CASE("request: a conversation that does not end with the user gets a warning") {
  auto r = build_request(parse(R"({"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]})"));
  REQUIRE(r.ok);
  REQUIRE(warning_at(r, "messages[1].role"));
  CHECK(warning_at(r, "messages[1].role")->message ==
        "the conversation ends with an assistant message; most providers expect it to end with a user message");
  CHECK(r.warnings[0].severity == Severity::Warning);
  CHECK(build_request(form_with(json::object())).warnings.empty());
}

TEST_CASE("request: content parts") {
  SUBCASE("text parts are rebuilt with only their own fields") {
    auto r = build_request(
        parse(R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]})"));
    REQUIRE(r.ok);
    CHECK(r.body["messages"][0]["content"] == parse(R"([{"type":"text","text":"a"},{"type":"text","text":"b"}])"));
  }
  SUBCASE("bad parts") {
    auto r = build_request(parse(R"({"messages":[{"role":"user","content":[
        "text", {"text":"no type"}, {"type":"audio"}, {"type":"text"}, {"type":"text","text":" "},
        {"type":"text","text":"x","cache_control":{}}, {"type":"image_url"}, {"type":"image_url","image_url":"https://a.b/c.png"},
        {"type":"image_url","image_url":{"url":"https://a.b/c.png","detail":"max"}},
        {"type":"image_url","image_url":{"url":"https://a.b/c.png","alt":"x"}}
    ]}]})"));
    CHECK_FALSE(r.ok);
    const std::string p = "messages[0].content";
    CHECK(error_at(r, p + "[0]"));
    CHECK(error_at(r, p + "[1].type"));
    CHECK(contains(error_at(r, p + "[2].type")->message, "\"audio\""));
    CHECK(error_at(r, p + "[3].text"));
    CHECK(error_at(r, p + "[4].text"));
    CHECK(error_at(r, p + "[5].cache_control"));
    CHECK(error_at(r, p + "[6].image_url"));
    CHECK(contains(error_at(r, p + "[7].image_url")->message, "got a string"));
    CHECK(contains(error_at(r, p + "[8].image_url.detail")->message, "\"auto\", \"low\" or \"high\""));
    CHECK(error_at(r, p + "[9].image_url.alt"));
    CHECK(r.errors.size() == 10);
  }
  SUBCASE("detail auto/low/high is kept") {
    for (const char* d : {"auto", "low", "high"}) {
      json f = image_message("https://cdn.example.com/cat.png");
      f["messages"][0]["content"][0]["image_url"]["detail"] = d;
      auto r = build_request(f);
      REQUIRE(r.ok);
      CHECK(r.body["messages"][0]["content"][0]["image_url"]["detail"] == d);
    }
  }
  SUBCASE("images only in user messages") {
    for (const char* role : {"assistant", "system", "developer"}) {
      json f = image_message("https://cdn.example.com/cat.png", role);
      f["messages"].push_back({{"role", "user"}, {"content", "and?"}});
      auto r = build_request(f);
      REQUIRE(error_at(r, "messages[0].content[0]"));
      CHECK(contains(error_at(r, "messages[0].content[0]")->message, "only allowed in user messages"));
    }
  }
}

TEST_CASE("request: image links") {
  auto url_error = [](const std::string& url) -> std::string {
    auto r = build_request(image_message(url));
    auto e = error_at(r, "messages[0].content[0].image_url.url");
    return e ? e->message : "";
  };
  for (const char* ok : {"https://cdn.example.com/cat.png", "HTTPS://cdn.example.com/cat.png", "https://1.2.3.4/a.jpg",
                         "https://example.com:8443/a.png?x=1#f", "https://[2001:db8::1]/a.png",
                         "https://[2001:db8::1]:443/a.png", "https://bücher.example/a.png", "https://example.com"}) {
    CHECK_MESSAGE(url_error(ok) == "", ok);
  }
  CHECK(contains(url_error("http://example.com/a.png"), "must use https"));
  CHECK(contains(url_error("ftp://example.com/a.png"), "must be an https: link"));
  CHECK(contains(url_error("cat.png"), "must be an https: link"));
  CHECK(contains(url_error("https://"), "needs a host"));
  CHECK(contains(url_error("https:///a.png"), "needs a host"));
  CHECK(contains(url_error("https://localhost/a.png"), "needs a host"));
  CHECK(contains(url_error("https://a..b/a.png"), "needs a host"));
  CHECK(contains(url_error("https://example.com:0/a.png"), "needs a host"));
  CHECK(contains(url_error("https://example.com:65536/a.png"), "needs a host"));
  CHECK(contains(url_error("https://example.com:/a.png"), "needs a host"));
  CHECK(contains(url_error("https://[zz::1]/a.png"), "needs a host"));
  CHECK(contains(url_error("https://exa mple.com/a.png"), "spaces"));
  CHECK(contains(url_error("https://user:pw@example.com/a.png"), "password"));
  CHECK(contains(url_error("https://example.com/" + std::string(9000, 'a')), "at most 8 KB"));
  CHECK(url_error("https://example.com/" + std::string(8000, 'a')) == "");

  auto r =
      build_request(parse(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":5}}]}]})"));
  CHECK(contains(error_at(r, "messages[0].content[0].image_url.url")->message, "must be a string"));
  r = build_request(parse(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})"));
  CHECK(contains(error_at(r, "messages[0].content[0].image_url.url")->message, "missing"));
}

TEST_CASE("request: image data URLs") {
  auto check = [](const std::string& url) { return build_request(image_message(url)); };
  const std::string field = "messages[0].content[0].image_url.url";

  auto ok = check("data:image/png;base64," + kPng);
  REQUIRE_MESSAGE(ok.ok, all_errors(ok));
  CHECK(ok.warnings.empty());
  CHECK(ok.body["messages"][0]["content"][0]["image_url"]["url"] == "data:image/png;base64," + kPng);
  CHECK(check("DATA:Image/PNG;BASE64," + kPng).ok);
  CHECK(check("data:image/jpeg;base64," + kJpegHead).warnings.empty());

  CHECK(contains(error_at(check("data:image/png;base64,"), field)->message, "no image data"));
  CHECK(contains(error_at(check("data:image/png;base64,iVBORw0KGgo!AAA"), field)->message, "not valid base64"));
  CHECK(contains(error_at(check("data:image/png;base64,iVBO Rw0K"), field)->message, "whitespace"));
  CHECK(contains(error_at(check("data:image/png;base64,iVBORw0KGg"), field)->message, "multiple of 4"));
  CHECK(contains(error_at(check("data:image/png;base64,iV=BORw0"), field)->message, "'=' before the end"));
  CHECK(contains(error_at(check("data:image/bmp;base64,Qk0="), field)->message, "PNG, JPEG, GIF or WebP"));
  CHECK(contains(error_at(check("data:image/jpg;base64," + kJpegHead), field)->message, "write image/jpeg"));
  CHECK(contains(error_at(check("data:text/plain;base64,aGk="), field)->message, "PNG, JPEG, GIF or WebP"));
  CHECK(contains(error_at(check("data:image/png," + kPng), field)->message, "base64-encoded"));
  CHECK(contains(error_at(check("data:image/png;charset=x;base64," + kPng), field)->message, "base64-encoded"));
  CHECK(contains(error_at(check("data:image/png;base64"), field)->message, "not a complete data URL"));

  // Declared PNG, really JPEG: sent, with a warning naming what it looks like.
  auto mismatch = check("data:image/png;base64," + kJpegHead);
  REQUIRE(mismatch.ok);
  REQUIRE(warning_at(mismatch, field));
  CHECK(contains(warning_at(mismatch, field)->message, "looks like jpeg"));
}

TEST_CASE("request: text size limits") {
  RequestLimits limits;
  limits.max_text_bytes = 10;
  CHECK(build_request(parse(R"({"system":"0123456789","messages":[{"role":"user","content":"0123456789"}]})"), limits)
            .ok);
  auto r = build_request(parse(R"({"system":"01234567890","messages":[
      {"role":"user","content":"01234567890"},
      {"role":"user","content":[{"type":"text","text":"01234567890"}]}],
      "params":{"stop":["01234567890"]}})"),
                         limits);
  CHECK(error_at(r, "system"));
  REQUIRE(error_at(r, "messages[0].content"));
  CHECK(error_at(r, "messages[0].content")->message == "is 11 bytes; one text may be at most 10 bytes");
  CHECK(error_at(r, "messages[1].content[0].text"));
  CHECK(error_at(r, "params.stop[0]"));

  // Default limit (4 MB) with human units.
  json big = form_with(json::object());
  big["messages"][0]["content"] = std::string((4u << 20) + 1, 'x');
  r = build_request(big);
  REQUIRE(error_at(r, "messages[0].content"));
  CHECK(error_at(r, "messages[0].content")->message == "is 4.1 MB; one text may be at most 4 MB");
}

TEST_CASE("request: temperature range and number parsing") {
  CHECK(with_param("temperature", 2).ok);
  CHECK(with_param("temperature", 0).ok);
  CHECK(with_param("temperature", 2).body["temperature"] == 2.0);
  CHECK(error_at(with_param("temperature", 2.0001), "params.temperature")->message ==
        "must be between 0 and 2 (got 2.0001)");
  CHECK(error_at(with_param("temperature", -0.0001), "params.temperature"));

  auto s = with_param("temperature", "0.7");
  REQUIRE(s.ok);
  CHECK(s.body["temperature"].is_number_float());  // sent as a number, not a string
  CHECK(s.body["temperature"] == 0.7);
  CHECK(with_param("temperature", " 1.25 ").body["temperature"] == 1.25);
  CHECK(with_param("temperature", ".5").body["temperature"] == 0.5);
  CHECK(with_param("temperature", "5e-1").body["temperature"] == 0.5);

  for (json unset : {json(""), json("   "), json(nullptr)}) {
    auto r = with_param("temperature", unset);
    REQUIRE(r.ok);
    CHECK_FALSE(r.body.contains("temperature"));
  }
  for (json bad : {json("abc"), json("0x1"), json("1,5"), json("Infinity"), json("NaN"), json("1e"), json("."),
                   json("- 1"), json(true), json::array({1}), json::object()}) {
    auto r = with_param("temperature", bad);
    REQUIRE_MESSAGE(error_at(r, "params.temperature"), bad.dump());
    CHECK_MESSAGE(contains(error_at(r, "params.temperature")->message, "must be a number"), bad.dump());
  }
  CHECK(error_at(with_param("temperature", "abc"), "params.temperature")->message == "must be a number (got \"abc\")");
  CHECK(error_at(with_param("temperature", "1e400"), "params.temperature")->message == "must be a finite number");
  // NaN and infinity cannot come through parse_json, but a native caller can build them.
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    auto r = with_param("temperature", v);
    REQUIRE(error_at(r, "params.temperature"));
    CHECK(error_at(r, "params.temperature")->message == "must be a finite number");
  }
  CHECK(error_at(with_param("temperature", std::string(200, '1')), "params.temperature"));
}

TEST_CASE("request: top_p and penalties ranges") {
  CHECK(with_param("top_p", 1).ok);
  CHECK(with_param("top_p", 0).ok);
  CHECK(error_at(with_param("top_p", 1.01), "params.top_p")->message == "must be between 0 and 1 (got 1.01)");
  CHECK(error_at(with_param("top_p", -0.1), "params.top_p"));
  for (const char* key : {"presence_penalty", "frequency_penalty"}) {
    CHECK(with_param(key, -2).ok);
    CHECK(with_param(key, "2").body[key] == 2.0);
    CHECK(error_at(with_param(key, 2.5), std::string("params.") + key)->message ==
          "must be between -2 and 2 (got 2.5)");
    CHECK(error_at(with_param(key, "-2.01"), std::string("params.") + key));
  }
}

TEST_CASE("request: max_tokens") {
  auto r = with_param("max_tokens", "256");
  REQUIRE(r.ok);
  CHECK(r.body["max_tokens"].is_number_integer());
  CHECK(r.body["max_tokens"] == 256);
  CHECK(with_param("max_tokens", 3.0).body["max_tokens"] == 3);
  CHECK(with_param("max_tokens", "1e3").body["max_tokens"] == 1000);
  CHECK(with_param("max_tokens", 1).ok);
  CHECK(with_param("max_tokens", 2147483647).ok);
  for (json bad : {json(0), json(-1), json("0"), json(2147483648LL), json("99999999999999999999999")}) {
    auto e = error_at(with_param("max_tokens", bad), "params.max_tokens");
    REQUIRE_MESSAGE(e, bad.dump());
    CHECK(contains(e->message, "between 1 and 2147483647"));
  }
  CHECK(error_at(with_param("max_tokens", 1.5), "params.max_tokens")->message == "must be a whole number (got 1.5)");
  CHECK(error_at(with_param("max_tokens", "1.5"), "params.max_tokens")->message ==
        "must be a whole number (got \"1.5\")");
  CHECK(contains(error_at(with_param("max_tokens", "many"), "params.max_tokens")->message, "must be a number"));
  CHECK(with_param("max_tokens", "").body.count("max_tokens") == 0);
}

TEST_CASE("request: seed") {
  CHECK(with_param("seed", 3.0).body["seed"] == 3);
  CHECK(with_param("seed", -5).body["seed"] == -5);
  CHECK(error_at(with_param("seed", 3.5), "params.seed")->message == "must be a whole number (got 3.5)");
  CHECK(with_param("seed", std::numeric_limits<std::int64_t>::max()).body["seed"] ==
        std::numeric_limits<std::int64_t>::max());
  CHECK(with_param("seed", std::numeric_limits<std::int64_t>::min()).body["seed"] ==
        std::numeric_limits<std::int64_t>::min());
  // Digit strings are exact, beyond a double's 53 bits.
  auto exact = with_param("seed", "9007199254740993");
  REQUIRE(exact.ok);
  CHECK(exact.body["seed"].get<std::int64_t>() == 9007199254740993LL);
  CHECK(with_param("seed", "+12").body["seed"] == 12);
  CHECK(with_param("seed", "-9223372036854775808").ok);
  for (json bad :
       {json("9223372036854775808"), json(std::numeric_limits<std::uint64_t>::max()), json(1e19), json(-1e19)}) {
    auto e = error_at(with_param("seed", bad), "params.seed");
    REQUIRE_MESSAGE(e, bad.dump());
    CHECK(contains(e->message, "between -9223372036854775808 and 9223372036854775807"));
  }
  CHECK(contains(error_at(with_param("seed", "lucky"), "params.seed")->message, "must be a number"));
  CHECK(contains(error_at(with_param("seed", false), "params.seed")->message, "got false"));
}

TEST_CASE("request: stop sequences") {
  CHECK(with_param("stop", "END").body["stop"] == "END");  // a single string is sent as-is
  CHECK(with_param("stop", "\n").body["stop"] == "\n");    // whitespace is meaningful
  CHECK(with_param("stop", "").body.count("stop") == 0);
  CHECK(with_param("stop", json::array()).body.count("stop") == 0);
  CHECK(with_param("stop", nullptr).body.count("stop") == 0);
  auto four = with_param("stop", json::array({"a", "b", "c", "d"}));
  REQUIRE(four.ok);
  CHECK(four.body["stop"] == json::array({"a", "b", "c", "d"}));

  auto five = with_param("stop", json::array({"a", "b", "c", "d", "e"}));
  REQUIRE(error_at(five, "params.stop"));
  CHECK(error_at(five, "params.stop")->message == "has 5 stop sequences; the limit is 4");
  auto bad = with_param("stop", json::array({"a", "", 3}));
  CHECK(error_at(bad, "params.stop[1]")->message == "must not be empty");
  CHECK(error_at(bad, "params.stop[2]")->message == "must be a string (got a number)");
  CHECK(error_at(with_param("stop", json::object()), "params.stop"));
  CHECK(error_at(with_param("stop", 5), "params.stop"));

  RequestLimits two;
  two.max_stop = 2;
  CHECK_FALSE(build_request(form_with_params({{"stop", {"a", "b", "c"}}}), two).ok);
}

TEST_CASE("request: response_format") {
  SUBCASE("text is the default and is omitted") {
    for (json rf : {json("text"), json{{"type", "text"}}, json(""), json(nullptr)}) {
      auto r = with_param("response_format", rf);
      REQUIRE(r.ok);
      CHECK_FALSE(r.body.contains("response_format"));
    }
  }
  SUBCASE("json_object warns unless a message mentions JSON") {
    for (json rf : {json("json_object"), json{{"type", "json_object"}}}) {
      auto r = with_param("response_format", rf);
      REQUIRE(r.ok);
      CHECK(r.body["response_format"] == json{{"type", "json_object"}});
      REQUIRE(warning_at(r, "params.response_format"));
      CHECK(contains(warning_at(r, "params.response_format")->message, "mentions JSON"));
    }
    json f = form_with_params({{"response_format", "json_object"}});
    f["system"] = "Answer as Json.";
    CHECK(build_request(f).warnings.empty());
    json g = form_with_params({{"response_format", "json_object"}});
    g["messages"][0]["content"] = json::array({{{"type", "text"}, {"text", "give me JSON"}}});
    CHECK(build_request(g).warnings.empty());
  }
  SUBCASE("json_schema") {
    auto r = with_param("response_format", parse(R"({"type":"json_schema","json_schema":
        {"name":"person_v2","schema":{"type":"object"},"strict":false,"description":"a person"}})"));
    REQUIRE_MESSAGE(r.ok, all_errors(r));
    CHECK(r.body["response_format"] == parse(R"({"type":"json_schema","json_schema":
        {"name":"person_v2","schema":{"type":"object"},"strict":false,"description":"a person"}})"));
    auto unnamed =
        with_param("response_format", parse(R"({"type":"json_schema","json_schema":{"name":"","schema":{}}})"));
    REQUIRE(unnamed.ok);
    CHECK(unnamed.body["response_format"]["json_schema"] == parse(R"({"name":"response","schema":{}})"));
    CHECK(with_param("response_format", {{"type", "json_schema"},
                                         {"json_schema", {{"name", std::string(64, 'n')}, {"schema", json::object()}}}})
              .ok);
  }
  SUBCASE("json_schema: a schema that is not valid JSON is one error, naming the field") {
    // The page sends the text as typed when it cannot read it (issue 20 item 7): one error
    // says it is not valid JSON, never a second one saying the schema is missing.
    auto r = with_param("response_format",
                        parse(R"({"type":"json_schema","json_schema":{"schema":"{\"type\": \"object\","}})"));
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].field == "params.response_format.json_schema.schema");
    CHECK(contains(r.errors[0].message, "is not valid JSON"));
    CHECK_FALSE(contains(r.errors[0].message, "missing"));
    for (json blank : {json(""), json("  \n")})
      CHECK(contains(
          error_at(with_param("response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", blank}}}}),
                   "params.response_format.json_schema.schema")
              ->message,
          "missing"));
  }
  SUBCASE("json_schema errors") {
    const std::string p = "params.response_format";
    auto named = [](const json& name) {
      return with_param("response_format",
                        {{"type", "json_schema"}, {"json_schema", {{"name", name}, {"schema", json::object()}}}});
    };
    CHECK(error_at(named(std::string(65, 'n')), p + ".json_schema.name"));
    CHECK(error_at(named("my schema"), p + ".json_schema.name"));
    CHECK(error_at(named("é"), p + ".json_schema.name"));
    CHECK(error_at(named(5), p + ".json_schema.name"));
    auto r = with_param(
        "response_format",
        parse(R"({"type":"json_schema","json_schema":{"schema":"{\"type\":\"object\"}","strict":"yes","extra":1}})"));
    CHECK(contains(error_at(r, p + ".json_schema.schema")->message, "must be a JSON object"));
    CHECK(contains(error_at(r, p + ".json_schema.schema")->message, "got a string holding an object"));
    CHECK(error_at(r, p + ".json_schema.strict"));
    CHECK(error_at(r, p + ".json_schema.extra"));
    CHECK(contains(error_at(with_param("response_format", parse(R"({"type":"json_schema","json_schema":{}})")),
                            p + ".json_schema.schema")
                       ->message,
                   "missing"));
    CHECK(error_at(with_param("response_format", parse(R"({"type":"json_schema"})")), p + ".json_schema"));
    CHECK(contains(error_at(with_param("response_format", "json_schema"), p)->message, "needs a schema"));
    CHECK(error_at(with_param("response_format", "yaml"), p));
    CHECK(error_at(with_param("response_format", parse(R"({"type":"yaml"})")), p + ".type"));
    CHECK(error_at(with_param("response_format", parse(R"({})")), p + ".type"));
    CHECK(error_at(with_param("response_format", parse(R"({"type":"json_object","schema":{}})")), p + ".schema"));
    CHECK(error_at(with_param("response_format", 1), p));
  }
}

TEST_CASE("request: unknown and malformed params") {
  auto r = build_request(form_with_params({{"temperature", 0.5}, {"top_k", 40}, {"n", 2}}));
  REQUIRE(error_at(r, "params.top_k"));
  CHECK(contains(error_at(r, "params.top_k")->message, "extra"));
  CHECK(error_at(r, "params.n"));
  CHECK(error_at(build_request(form_with({{"params", "temperature=1"}})), "params"));
  CHECK(build_request(form_with({{"params", nullptr}})).ok);
  CHECK(build_request(form_with({{"params", json::object()}})).ok);
}

TEST_CASE("request: stream") {
  auto on = build_request(form_with({{"stream", true}}));
  REQUIRE(on.ok);
  CHECK(on.body["stream"] == true);
  CHECK(on.body["stream_options"] == json{{"include_usage", true}});
  for (json off : {json(false), json(nullptr)}) {
    auto r = build_request(form_with({{"stream", off}}));
    REQUIRE(r.ok);
    CHECK_FALSE(r.body.contains("stream"));
    CHECK_FALSE(r.body.contains("stream_options"));
  }
  for (json bad : {json("yes"), json(1), json("true")}) {
    auto e = error_at(build_request(form_with({{"stream", bad}})), "stream");
    REQUIRE(e);
    CHECK(contains(e->message, "true or false"));
  }
}

TEST_CASE("request: model") {
  auto r = build_request(form_with({{"model", model("  gpt-4o  ")}}));
  REQUIRE(r.ok);
  CHECK(r.body["model"] == "gpt-4o");
  // The relay's model-list entry carries more fields; they are not the form's business.
  CHECK(build_request(form_with({{"model", {{"model_name", "m"}, {"id", "x"}, {"api_base", "https://a.b"}}}})).ok);
  CHECK_FALSE(build_request(form_with(json::object())).body.contains("model"));
  CHECK_FALSE(build_request(form_with({{"model", {{"model_name", ""}}}})).body.contains("model"));
  CHECK(error_at(build_request(form_with({{"model", "gpt-4o"}})), "model"));
  CHECK(error_at(build_request(form_with({{"model", {{"model_name", 4}}}})), "model.model_name"));
  CHECK(error_at(build_request(form_with({{"model", {{"model_name", std::string(300, 'm')}}}})), "model.model_name"));
  CHECK(error_at(build_request(form_with({{"model", {{"model_name", "m"}, {"provider", true}}}})), "model.provider"));
}

TEST_CASE("request: is_reasoning_model boundaries") {
  for (const char* yes : {"o1",
                          "o1-preview",
                          "o1-mini",
                          "o3",
                          "o3-mini",
                          "o3-pro",
                          "o4-mini",
                          "o4-mini-2025-04-16",
                          "gpt-5",
                          "gpt-5-mini",
                          "gpt-5-nano",
                          "gpt-5.1",
                          "gpt-5.1-chat-latest",
                          "gpt-5-codex",
                          "GPT-5",
                          "O3-MINI",
                          "openai/o3",
                          "openai/gpt-5.2",
                          " o1 ",
                          "ft:o4-mini-2025-04-16:acme::abc"}) {
    CHECK_MESSAGE(is_reasoning_model(yes), yes);
  }
  for (const char* no : {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "chatgpt-4o-latest", "gpt-5-chat", "gpt-5-chat-latest",
                         "openai/gpt-5-chat-latest", "o", "omni-x", "o10", "o3mini", "gpt-50", "gpt-5o", "gpt-6",
                         "deepseek-reasoner", "claude-opus-4", "", "/", "ft:gpt-4o-mini:acme::x"}) {
    CHECK_FALSE_MESSAGE(is_reasoning_model(no), no);
  }
}

TEST_CASE("request: reasoning models take max_completion_tokens and only default sampling") {
  for (const char* name : {"o1", "o3-mini", "gpt-5"}) {
    CAPTURE(name);
    auto r = build_request(form_with_params({{"max_tokens", 100}}, model(name)));
    REQUIRE(r.ok);
    CHECK(r.body["max_completion_tokens"] == 100);
    CHECK_FALSE(r.body.contains("max_tokens"));
    REQUIRE(warning_at(r, "params.max_tokens"));
    CHECK(contains(warning_at(r, "params.max_tokens")->message, "max_completion_tokens"));

    auto bad = build_request(form_with_params(
        {{"temperature", 0.5}, {"top_p", "0.9"}, {"presence_penalty", 1}, {"frequency_penalty", -1}}, model(name)));
    CHECK_FALSE(bad.ok);
    REQUIRE(error_at(bad, "params.temperature"));
    CHECK(error_at(bad, "params.temperature")->message ==
          std::string(name) + " is a reasoning model and accepts only the default temperature (1); clear this field");
    CHECK(contains(error_at(bad, "params.top_p")->message, "default top_p (1)"));
    CHECK(contains(error_at(bad, "params.presence_penalty")->message, "default presence_penalty (0)"));
    CHECK(error_at(bad, "params.frequency_penalty"));

    auto defaults = build_request(form_with_params(
        {{"temperature", "1"}, {"top_p", 1.0}, {"presence_penalty", 0}, {"frequency_penalty", "0.0"}}, model(name)));
    REQUIRE(defaults.ok);
    for (const char* k : {"temperature", "top_p", "presence_penalty", "frequency_penalty"})
      CHECK_FALSE(defaults.body.contains(k));
    CHECK(defaults.warnings.empty());

    // Out of range stays a range error, not a reasoning one.
    CHECK(contains(
        error_at(build_request(form_with_params({{"temperature", 3}}, model(name))), "params.temperature")->message,
        "between 0 and 2"));

    auto stop = build_request(form_with_params({{"stop", "END"}}, model(name)));
    REQUIRE(stop.ok);
    CHECK(stop.body["stop"] == "END");
    CHECK(contains(warning_at(stop, "params.stop")->message, "reject stop"));
  }
  for (const char* name : {"gpt-4o", "gpt-5-chat-latest"}) {
    CAPTURE(name);
    auto r = build_request(form_with_params({{"max_tokens", 100}, {"temperature", 0.5}, {"stop", "END"}}, model(name)));
    REQUIRE(r.ok);
    CHECK(r.body["max_tokens"] == 100);
    CHECK(r.body["temperature"] == 0.5);
    CHECK_FALSE(r.body.contains("max_completion_tokens"));
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("request: gpt-5.1+ with reasoning_effort none takes sampling parameters") {
  auto form = form_with_params({{"temperature", 0.3}}, model("gpt-5.1"));
  form["extra"] = {{"reasoning_effort", "none"}};
  auto r = build_request(form);
  REQUIRE_MESSAGE(r.ok, all_errors(r));
  CHECK(r.body["temperature"] == 0.3);
  CHECK(r.body["reasoning_effort"] == "none");
  form["extra"]["reasoning_effort"] = "low";
  CHECK(error_at(build_request(form), "params.temperature"));
  form["model"] = model("gpt-5");  // gpt-5 has no "none" effort
  form["extra"]["reasoning_effort"] = "none";
  CHECK(error_at(build_request(form), "params.temperature"));
}

TEST_CASE("request: params.reasoning_effort takes the values of the model's family") {
  for (const char* v : {"low", "medium", "high"}) {
    CAPTURE(v);
    auto r = with_param("reasoning_effort", v, model("o4-mini"));
    REQUIRE_MESSAGE(r.ok, all_errors(r));
    CHECK(r.body["reasoning_effort"] == v);
  }
  CHECK(with_param("reasoning_effort", "none", model("gpt-5.1")).body["reasoning_effort"] == "none");
  CHECK(with_param("reasoning_effort", "", model("o4-mini")).body.count("reasoning_effort") == 0);  // "default"
  CHECK(with_param("reasoning_effort", nullptr, model("gpt-4o")).ok);

  // A value the family does not take: the field, the values it takes, what was given.
  auto none = with_param("reasoning_effort", "none", model("gpt-5"));
  REQUIRE(error_at(none, "params.reasoning_effort"));
  CHECK(contains(error_at(none, "params.reasoning_effort")->message, "must be low, medium or high for gpt-5"));
  CHECK(contains(error_at(none, "params.reasoning_effort")->message, "(got \"none\")"));
  CHECK(error_at(with_param("reasoning_effort", "Low", model("o3")), "params.reasoning_effort"));
  CHECK(error_at(with_param("reasoning_effort", "minimal", model("gpt-5.1")), "params.reasoning_effort"));
  auto number = with_param("reasoning_effort", 2, model("o3"));
  REQUIRE(error_at(number, "params.reasoning_effort"));
  CHECK(contains(error_at(number, "params.reasoning_effort")->message, "(got 2)"));

  // A model in no family that takes it: refused, with where to put it instead.
  for (const char* name : {"gpt-4o", "gpt-5-chat-latest", "deepseek-reasoner", "llama3.2"}) {
    CAPTURE(name);
    auto r = with_param("reasoning_effort", "low", model(name));
    REQUIRE(error_at(r, "params.reasoning_effort"));
    CHECK(contains(error_at(r, "params.reasoning_effort")->message, "under extra"));
  }
  // A reasoning family whose values nobody told us: not guessed.
  auto first = with_param("reasoning_effort", "low", model("o1-mini"));
  REQUIRE(error_at(first, "params.reasoning_effort"));
  CHECK(contains(error_at(first, "params.reasoning_effort")->message, "not known"));
  // No model yet: any value some family takes.
  CHECK(with_param("reasoning_effort", "medium").ok);
  CHECK(error_at(with_param("reasoning_effort", "max"), "params.reasoning_effort"));

  // extra stays free-form, and the two places conflict.
  auto free = build_request(form_with({{"extra", {{"reasoning_effort", "minimal"}}}, {"model", model("gpt-5")}}));
  REQUIRE(free.ok);
  CHECK(free.body["reasoning_effort"] == "minimal");
  auto both = build_request(form_with(
      {{"params", {{"reasoning_effort", "low"}}}, {"extra", {{"reasoning_effort", "low"}}}, {"model", model("o3")}}));
  CHECK(error_at(both, "extra.reasoning_effort"));
}

TEST_CASE("request: gpt-5.1+ with params.reasoning_effort none takes sampling parameters too") {
  auto form = form_with_params({{"temperature", 0.3}, {"reasoning_effort", "none"}}, model("gpt-5.1"));
  auto r = build_request(form);
  REQUIRE_MESSAGE(r.ok, all_errors(r));
  CHECK(r.body["temperature"] == 0.3);
  form["params"]["reasoning_effort"] = "low";
  CHECK(error_at(build_request(form), "params.temperature"));
}

TEST_CASE("request: provider rules for Anthropic's compatible endpoint") {
  const json anthropic = model("claude-sonnet-4-5", "Anthropic");
  auto hot = build_request(form_with_params({{"temperature", 1.5}}, anthropic));
  REQUIRE(hot.ok);
  CHECK(hot.body["temperature"] == 1.5);
  REQUIRE(warning_at(hot, "params.temperature"));
  CHECK(contains(warning_at(hot, "params.temperature")->message, "caps temperature at 1; 1.5 behaves as 1"));
  CHECK(build_request(form_with_params({{"temperature", 1}}, anthropic)).warnings.empty());

  auto ignored = build_request(form_with_params(
      {{"presence_penalty", 0.5}, {"frequency_penalty", 0.5}, {"seed", 1}, {"response_format", "json_object"}},
      anthropic));
  REQUIRE(ignored.ok);
  for (const char* p : {"params.presence_penalty", "params.frequency_penalty", "params.seed"}) {
    REQUIRE_MESSAGE(warning_at(ignored, p), p);
    CHECK(contains(warning_at(ignored, p)->message, "ignores"));
  }
  CHECK(ignored.warnings.size() == 5);  // + response_format ignored + "mention JSON"
  CHECK(build_request(form_with_params({{"response_format", "text"}}, anthropic)).warnings.empty());
  CHECK(warning_at(build_request(form_with_params({{"stop", {" ", "END"}}}, anthropic)), "params.stop"));
  CHECK(build_request(form_with_params({{"stop", "END"}}, anthropic)).warnings.empty());

  // The same values for OpenAI: no provider warnings.
  auto openai = build_request(
      form_with_params({{"temperature", 1.5}, {"presence_penalty", 0.5}, {"seed", 1}, {"stop", " "}}, model("gpt-4o")));
  REQUIRE(openai.ok);
  CHECK(openai.warnings.empty());
}

TEST_CASE("request: extra fields") {
  auto r = build_request(form_with({{"extra", {{"n", 1}, {"user", "tester"}, {"logit_bias", {{"50256", -100}}}}}}));
  REQUIRE(r.ok);
  CHECK(r.body["n"] == 1);
  CHECK(r.body["user"] == "tester");
  CHECK(r.body["logit_bias"]["50256"] == -100);
  CHECK(build_request(form_with({{"extra", nullptr}})).ok);

  auto over = build_request(form_with({{"stream", true},
                                       {"extra",
                                        {{"model", "x"},
                                         {"messages", json::array()},
                                         {"stream", false},
                                         {"stream_options", json::object()},
                                         {"", 1}}}}));
  CHECK_FALSE(over.ok);
  CHECK(contains(error_at(over, "extra.model")->message, "cannot override model"));
  CHECK(contains(error_at(over, "extra.messages")->message, "cannot override messages"));
  CHECK(error_at(over, "extra.stream"));
  CHECK(error_at(over, "extra.stream_options"));
  CHECK(error_at(over, "extra."));

  auto clash =
      build_request(form_with({{"params", {{"temperature", 0.5}, {"max_tokens", 10}, {"top_p", ""}}},
                               {"extra", {{"temperature", 0.1}, {"max_completion_tokens", 5}, {"top_p", 0.5}}}}));
  CHECK(error_at(clash, "extra.temperature")->message == "conflicts with params.temperature; set it in one place");
  CHECK(contains(error_at(clash, "extra.max_completion_tokens")->message, "params.max_tokens"));
  CHECK_FALSE(error_at(clash, "extra.top_p"));  // params.top_p was left empty: no conflict
  CHECK(clash.errors.size() == 2);

  for (json bad : {json("n=1"), json::array({1}), json(3)})
    CHECK(error_at(build_request(form_with({{"extra", bad}})), "extra"));

  auto reasoning = build_request(form_with({{"model", model("o3")}, {"extra", {{"max_tokens", 10}}}}));
  REQUIRE(reasoning.ok);
  CHECK(warning_at(reasoning, "extra.max_tokens"));
}

TEST_CASE("request: the whole body is bounded") {
  RequestLimits limits;
  limits.max_body_bytes = 100;
  auto r = build_request(form_with({{"system", std::string(100, 's')}}), limits);
  REQUIRE(error_at(r, ""));
  CHECK(contains(error_at(r, "")->message, "the request body is "));
  CHECK(contains(error_at(r, "")->message, "the limit is 100 bytes"));

  // A large image: default limit, human units, reported beside another error.
  json f = image_message("data:image/jpeg;base64," + kJpegHead + std::string((21u << 20) + 4, 'A'));
  f["params"] = {{"temperature", 9}};
  auto big = build_request(f);
  REQUIRE(error_at(big, ""));
  CHECK(error_at(big, "")->message ==
        "the request body is 21.1 MB; the limit is 20 MB: attach smaller images or shorten the conversation");
  CHECK(error_at(big, "params.temperature"));
}

TEST_CASE("request: many errors are reported at once, up to a cap") {
  auto r = build_request(parse(R"({"messages":[{"role":"bot","content":""}],
      "params":{"temperature":"x","top_p":2,"max_tokens":-1,"seed":"s","stop":[1]},"stream":"no","extra":[]})"));
  CHECK_FALSE(r.ok);
  for (const char* f : {"messages[0].role", "messages[0].content", "params.temperature", "params.top_p",
                        "params.max_tokens", "params.seed", "params.stop[0]", "stream", "extra"})
    CHECK_MESSAGE(error_at(r, f), f);
  CHECK(r.errors.size() == 9);

  json many = json::object();
  many["messages"] = json::array();
  for (int i = 0; i < 300; ++i) many["messages"].push_back(i);
  auto capped = build_request(many);
  REQUIRE(capped.errors.size() == 101);
  CHECK(capped.errors.back().field == "");
  CHECK(capped.errors.back().message == "200 more errors not listed; fix the ones above first");
}

TEST_CASE("request: hostile input never throws and stays bounded") {
  SUBCASE("a 10 MB string wherever a value goes") {
    const std::string huge(10u << 20, '9');
    json f = form_with({{"system", huge},
                        {"params", {{"temperature", huge}, {"stop", huge}, {"seed", huge}}},
                        {"model", {{"model_name", huge}}}});
    f[huge] = 1;  // an unknown key 10 MB long
    auto r = build_request(f);
    CHECK_FALSE(r.ok);
    CHECK(error_at(r, "system"));
    CHECK(error_at(r, "params.temperature"));
    CHECK(error_at(r, "params.seed"));
    CHECK(error_at(r, "params.stop"));
    CHECK(error_at(r, "model.model_name"));
    for (const auto& e : r.errors) {
      CHECK(e.field.size() < 100);
      CHECK(e.message.size() < 400);
    }
  }
  SUBCASE("wrong types everywhere") {
    for (json v : {json(nullptr), json(true), json(1), json(-1.5), json("s"), json::array(), json::object(),
                   json::array({json::object()})}) {
      json f = {{"system", v}, {"messages", v}, {"params", v}, {"stream", v}, {"model", v}, {"extra", v}};
      auto r = build_request(f);
      CHECK_FALSE(r.ok);
      json p = {{"messages", json::array({{{"role", v}, {"content", v}}})},
                {"params",
                 {{"temperature", v},
                  {"top_p", v},
                  {"max_tokens", v},
                  {"stop", v},
                  {"presence_penalty", v},
                  {"frequency_penalty", v},
                  {"seed", v},
                  {"response_format", v}}},
                {"model", {{"model_name", v}, {"provider", v}}}};
      auto q = build_request(p);
      CHECK_FALSE(q.ok);
      CHECK_NOTHROW(dump_json(to_json(q)));
    }
  }
  SUBCASE("invalid UTF-8 from a native caller survives to_json") {
    json f = form_with(json::object());
    f["messages"][0]["content"] = std::string("caf\xC3") + "\xFF";
    f["messages"][0]["role"] = std::string(
        "us\xFF"
        "er");
    auto r = build_request(f);
    REQUIRE(error_at(r, "messages[0].role"));
    auto text = dump_json(to_json(r));
    CHECK(parse_json(text).value);
    f["messages"][0]["role"] = "user";
    auto ok = build_request(f);
    REQUIRE(ok.ok);
    CHECK(parse_json(dump_json(to_json(ok))).value);
  }
  SUBCASE("deep nesting from a native caller is refused in extra and schemas") {
    json deep = json::array();
    for (int i = 0; i < 1000; ++i) {
      json outer = json::array();
      outer.push_back(std::move(deep));
      deep = std::move(outer);
    }
    json f = form_with(
        {{"extra", {{"deep", deep}}},
         {"params", {{"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", {{"x", deep}}}}}}}}}});
    auto r = build_request(f);
    REQUIRE(error_at(r, "extra.deep"));
    CHECK(contains(error_at(r, "extra.deep")->message, "deeper than 128"));
    CHECK(error_at(r, "params.response_format.json_schema.schema"));
    // 128 levels are fine.
    json ok = json::object();
    for (int i = 0; i < 127; ++i) {
      json outer = json::array();
      outer.push_back(std::move(ok));
      ok = std::move(outer);
    }
    CHECK(build_request(form_with({{"extra", {{"ok", ok}}}})).ok);
  }
}

TEST_CASE("request: to_json has the BuildResult shape (docs/contracts.md)") {
  auto ok = to_json(build_request(form_with({{"messages", json::array({{{"role", "assistant"}, {"content", "a"}}})}})));
  CHECK(ok["ok"] == true);
  CHECK(ok["body"]["messages"].size() == 1);
  REQUIRE(ok["warnings"].size() == 1);
  CHECK(ok["warnings"][0]["severity"] == "warning");
  CHECK(ok["warnings"][0]["path"] == "messages[0].role");
  CHECK_FALSE(ok.contains("errors"));

  auto bad = to_json(build_request(form_with_params({{"top_p", 5}})));
  CHECK(bad["ok"] == false);
  CHECK_FALSE(bad.contains("body"));
  CHECK(bad["errors"] == parse(R"J([{"field":"params.top_p","message":"must be between 0 and 1 (got 5)"}])J"));
  CHECK(bad["warnings"] == json::array());
}

TEST_CASE("request: shared fixtures") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(PG_FIXTURES) / "request";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    CAPTURE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const json fixture = parse(text.str());
    const json& expect = fixture["expect"];
    auto r = build_request(fixture["form"]);
    CHECK_MESSAGE(r.ok == expect["ok"].get<bool>(), all_errors(r));
    if (expect.contains("body")) CHECK(r.body == expect["body"]);
    if (expect.contains("error_fields")) {
      std::vector<std::string> want = expect["error_fields"].get<std::vector<std::string>>(), got;
      for (const auto& e : r.errors) got.push_back(e.field);
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      CHECK(got == want);
    }
    std::vector<std::string> want = expect["warning_paths"].get<std::vector<std::string>>(), got;
    for (const auto& w : r.warnings) got.push_back(w.path);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    CHECK(got == want);
  }
  CHECK(seen >= 8);
}

TEST_CASE("request: body_size is exactly the serialised length") {
  std::vector<json> samples = {
      json::object(),
      json::array(),
      nullptr,
      true,
      0,
      -12,
      18446744073709551615ULL,
      0.1,
      1e300,
      -2.5e-7,
      std::nan(""),
      "",
      "plain",
      "quote \" backslash \\ slash /",
      std::string("\b\f\n\r\t\x01\x1f\x7f", 8),
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",                                  // 2-, 3- and 4-byte sequences
      std::string("bad \xFF \xC3 \xE0\x80\x80 \xED\xA0\x80 \xF4\x90\x80\x80 end"),  // invalid in several ways
      std::string("trunc \xF0\x9F\x98"),
      parse(R"({"messages":[{"role":"user","content":[{"type":"text","text":"a\nb"}]}],"n":1,"x":{"y":[1,2,{}]}})"),
  };
  for (const auto& s : samples) CHECK_MESSAGE(body_size(s) == dump_json(s).size(), dump_json(s));
  json keys = {{"k\"ey", 1}, {std::string("\xFF"), "v"}, {"", json::array({json::array()})}};
  CHECK(body_size(keys) == dump_json(keys).size());
  // Every single byte, alone and inside text.
  for (int c = 0; c < 256; ++c) {
    json one = std::string(1, static_cast<char>(c));
    json mid = "a" + std::string(1, static_cast<char>(c)) + "b";
    CHECK(body_size(one) == dump_json(one).size());
    CHECK(body_size(mid) == dump_json(mid).size());
  }
  // Random byte strings, deterministic.
  std::uint32_t state = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (int i = 0; i < 12; ++i) {
      state = state * 1103515245u + 12345u;
      text.push_back(static_cast<char>((state >> 16) & 0xFF));
    }
    json j = text;
    CHECK(body_size(j) == dump_json(j).size());
  }
}

TEST_CASE("request: o1-mini and o1-preview take no instructions: a warning before sending, not a 400 after") {
  for (const char* name : {"o1-mini", "o1-mini-2024-09-12", "openai/o1-preview"}) {
    CAPTURE(name);
    auto r = build_request(form_with({{"system", "Be brief."}, {"model", model(name)}}));
    REQUIRE(r.ok);
    REQUIRE(warning_at(r, "system"));
    CHECK(contains(warning_at(r, "system")->message, "takes no system or developer message"));
    json messages = json::array({{{"role", "system"}, {"content", "S"}}, {{"role", "user"}, {"content", "hi"}}});
    auto m = build_request(json{{"messages", messages}, {"model", model(name)}});
    CHECK(warning_at(m, "messages[0].role"));
  }
  // o1 itself and later reasoning models take the instructions (as developer).
  for (const char* name : {"o1", "o3-mini", "gpt-4.1-mini"}) {
    CAPTURE(name);
    CHECK_FALSE(warning_at(build_request(form_with({{"system", "S"}, {"model", model(name)}})), "system"));
  }
}
