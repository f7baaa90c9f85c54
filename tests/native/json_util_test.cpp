#include <doctest/doctest.h>

#include "core/base/json_util.h"

#include <string>

using namespace pg;

TEST_CASE("parse_json accepts a document and refuses garbage with a reason") {
  auto ok = parse_json(R"({"a":[1,2,{"b":null}]})");
  REQUIRE(ok.value);
  CHECK((*ok.value)["a"][2]["b"].is_null());

  CHECK(parse_json("").error == "empty body where JSON was expected");
  CHECK(parse_json("   \n").error == "empty body where JSON was expected");
  CHECK(parse_json("<html>").error.find("not JSON") == 0);
  CHECK(parse_json(R"({"a":)").error == "malformed or truncated JSON: expected a value at byte 5");
  CHECK(parse_json(R"({"a" 1})").error == "malformed or truncated JSON: expected ':' after a key at byte 5");
}

TEST_CASE("parse_json refuses nesting beyond the bound without recursing") {
  std::string deep(100000, '[');
  auto r = parse_json(deep);
  CHECK_FALSE(r.value);
  CHECK(r.error.find("deeper than") != std::string::npos);
  // Brackets inside strings do not count as nesting.
  std::string quoted = "\"" + std::string(1000, '[') + "\"";
  CHECK(parse_json(quoted).value);
}

TEST_CASE("parse_json rejects invalid UTF-8 inside strings, dump_json never fails on it") {
  CHECK_FALSE(parse_json("\"\xff\"").value);
  json j = std::string(
      "a\xff"
      "b");
  CHECK(dump_json(j) ==
        "\"a\xEF\xBF\xBD"
        "b\"");
}

TEST_CASE("typed accessors return nothing on a type mismatch instead of throwing") {
  json j = {{"s", "x"}, {"n", 2.5}, {"o", json::object()}};
  CHECK(*string_member(j, "s") == "x");
  CHECK(string_member(j, "n") == nullptr);
  CHECK(*number_member(j, "n") == 2.5);
  CHECK_FALSE(number_member(j, "s"));
  CHECK(member(json::array(), "s") == nullptr);
}

TEST_CASE("string_or_empty: a string member's text, else empty") {
  json j = {{"s", "x"}, {"e", ""}, {"n", 2.5}, {"z", nullptr}, {"o", json::object()}};
  CHECK(string_or_empty(j, "s") == "x");
  CHECK(string_or_empty(j, "e").empty());
  CHECK(string_or_empty(j, "n").empty());
  CHECK(string_or_empty(j, "z").empty());
  CHECK(string_or_empty(j, "o").empty());
  CHECK(string_or_empty(j, "missing").empty());
  CHECK(string_or_empty(json::array({"s"}), "s").empty());
  CHECK(string_or_empty(json("s"), "s").empty());
}

TEST_CASE("media_type and excerpt") {
  CHECK(media_type("Text/HTML; charset=UTF-8") == "text/html");
  CHECK(media_type("") == "");
  CHECK(excerpt("  a\n\n b  ") == "a b");
  CHECK(excerpt(std::string(300, 'x'), 10) == "xxxxxxxxxx...");
  // Never cuts a multi-byte character: "é" is two bytes.
  std::string e;
  for (int i = 0; i < 20; ++i) e += "\xC3\xA9";
  auto cut = excerpt(e, 5);
  CHECK(cut.size() == 4 + 3);
}
