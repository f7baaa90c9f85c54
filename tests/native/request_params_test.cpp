// The request builder: each parameter's range and parsing (temperature, top_p, penalties,
// max_tokens, seed, stop, response_format), unknown params, stream and model.
#include "support/request.h"

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
