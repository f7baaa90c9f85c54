// The request builder: the form itself, the system prompt, messages, roles, content parts,
// images and text size limits.
#include "support/request.h"

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
