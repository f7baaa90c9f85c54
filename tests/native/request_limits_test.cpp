// The request builder: extra fields, the whole body's bounds, many errors at once, hostile
// input, the BuildResult shape, the shared fixtures in tests/fixtures/request (also run by
// the Node tests) and body_size.
#include "support/request.h"

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

TEST_CASE("request: a built body carries its serialised length (what the relay's check writes it into)") {
  const std::vector<json> forms = {
      form_with(json::object()),
      form_with({{"system", "Be \"brief\".\n"}, {"params", {{"temperature", 0.7}, {"stop", {"END", "\xFF"}}}}}),
      form_with({{"extra", {{"user", "caf\xC3\xA9"}, {"metadata", {{"k", std::string("\x01\x1f", 2)}}}}}}),
  };
  for (const json& form : forms) {
    const BuildResult r = build_request(form);
    REQUIRE_MESSAGE(r.ok, all_errors(r));
    CHECK(r.body_bytes == dump_json(r.body).size());
  }
  CHECK(build_request(form_with({{"system", 3}})).body_bytes == 0);  // not built: nothing measured
}
