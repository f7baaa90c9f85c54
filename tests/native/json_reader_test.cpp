// The core's own JSON reader and writer against nlohmann's parser and serializer, which
// they replace on the hot paths: same documents accepted, same values, same text out.
#include <doctest/doctest.h>

#include "core/base/detail/json_reader.h"  // internal under test
#include "core/base/detail/json_writer.h"  // internal under test
#include "core/base/json_util.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace pg;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every JSON-ish fixture we have, plus hand-made edge cases of the grammar.
std::vector<std::string> corpus() {
  std::vector<std::string> texts;
  for (const char* dir : {PG_FIXTURES, PG_FIXTURES "/../scenarios"}) {
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.file_size() < 200000) texts.push_back(read_file(entry.path()));
    }
  }
  const char* cases[] = {
      "0",
      "-0",
      "1",
      "-1",
      "1.5",
      "-1.5e3",
      "1E5",
      "0.0e-0",
      "1e400",
      "-1e400",
      "1e-400",
      "18446744073709551615",
      "18446744073709551616",
      "-9223372036854775808",
      "-9223372036854775809",
      "01",
      "1.",
      ".5",
      "1e",
      "1e+",
      "-",
      "--1",
      "+1",
      "0x10",
      "NaN",
      "Infinity",
      "true",
      "false",
      "null",
      "tru",
      "nul",
      "True",
      "nulll",
      "\"\"",
      "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
      "\"\\u0041\\u00e9\\u20AC\"",
      "\"\\ud83d\\ude00\"",
      "\"\\ud83d\"",
      "\"\\ude00\"",
      "\"\\ud83d\\u0041\"",
      "\"\\ud83dx\"",
      "\"\\u00\"",
      "\"\\x\"",
      "\"\\",
      "\"a\x01\"",
      "\"\x7f\"",
      "\"\xC3\xA9\"",
      "\"\xC0\x80\"",
      "\"\xE0\x80\x80\"",
      "\"\xED\xA0\x80\"",
      "\"\xF4\x90\x80\x80\"",
      "\"\xF0\x9F\x98\x80\"",
      "\"\xF5\x80\x80\x80\"",
      "\"\xE2\x82\"",
      "\"\xE2\x82",
      "\xEF\xBB\xBF{}",
      "\xEF\xBB{}",
      " \t\r\n[ 1 , 2 ] \n",
      "\f[]",
      "\v[]",
      "[1,]",
      "[,1]",
      "{,}",
      "{\"a\":1,}",
      "{\"a\":1,\"a\":2}",
      "{\"b\":1,\"a\":[{},[]],\"c\":{\"d\":null}}",
      "{\"a\"}",
      "{\"a\":}",
      "{1:2}",
      "[1 2]",
      "[1,2",
      "{\"a\":1",
      "[] []",
      "[]x",
      "",
      "   ",
      "\"abc",
      "{\"a\":\"b\"}garbage",
  };
  for (const char* c : cases) texts.emplace_back(c);
  return texts;
}

// What nlohmann makes of the text: nullopt when it refuses it.
std::optional<json> nlohmann_parse(const std::string& text) {
  json v = json::parse(text.begin(), text.end(), nullptr, false);
  if (v.is_discarded()) return std::nullopt;
  return v;
}

std::optional<json> ours(const std::string& text) {
  json v;
  JsonReadError error;
  if (!read_json(text, 100000, v, error)) {
    CHECK(error.kind != JsonReadError::Kind::None);
    CHECK(error.offset <= text.size());
    return std::nullopt;
  }
  return v;
}

void compare(const std::string& text) {
  const auto theirs = nlohmann_parse(text);
  const auto mine = ours(text);
  INFO("text: ", text);
  REQUIRE(theirs.has_value() == mine.has_value());
  if (!theirs) return;
  // dump() shows the number types too (1 vs 1.0), so equal dumps mean equal values.
  CHECK(theirs->dump() == mine->dump());
  std::string written;
  write_json(*mine, written);
  CHECK(written == theirs->dump(-1, ' ', false, json::error_handler_t::replace));
  std::string pretty;
  write_json(*mine, pretty, 2);
  CHECK(pretty == theirs->dump(2, ' ', false, json::error_handler_t::replace));
}

}  // namespace

TEST_CASE("read_json accepts and refuses exactly what nlohmann does, with the same values") {
  for (const auto& text : corpus()) compare(text);
}

TEST_CASE("read_json matches nlohmann on random mutations of the corpus") {
  const auto texts = corpus();
  std::mt19937 rng(20261125);
  const std::string alphabet = "{}[]:,\"\\/ 0123456789-+.eEtfnulrsa\xC3\xA9\xED\xA0\x80\xFF\x01\n";
  for (int round = 0; round < 20000; ++round) {
    std::string text = texts[rng() % texts.size()];
    if (text.size() > 4000) text.resize(4000);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
      switch (rng() % 4) {
        case 0:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2:
          if (at < text.size()) text.erase(at, 1);
          break;
        case 3: text.resize(at); break;
      }
    }
    compare(text);
  }
}

TEST_CASE("read_json reports where and why, and the depth bound") {
  json v;
  JsonReadError error;
  CHECK_FALSE(read_json("{\"a\": [1, 2,, 3]}", 128, v, error));
  CHECK(error.kind == JsonReadError::Kind::Malformed);
  CHECK(error.offset == 12);
  CHECK(error.detail == "expected a value");

  CHECK_FALSE(read_json("{\"content\": \"cut he", 128, v, error));
  CHECK(error.kind == JsonReadError::Kind::Truncated);
  CHECK(error.detail == "the text ends inside a string");

  CHECK_FALSE(read_json(std::string(129, '[') + std::string(129, ']'), 128, v, error));
  CHECK(error.kind == JsonReadError::Kind::TooDeep);
  CHECK(read_json(std::string(128, '[') + std::string(128, ']'), 128, v, error));

  CHECK_FALSE(read_json("  ", 128, v, error));
  CHECK(error.kind == JsonReadError::Kind::Empty);
}

TEST_CASE("write_json_string replaces invalid UTF-8 exactly as nlohmann's replace mode does") {
  std::mt19937 rng(7);
  const unsigned char bytes[] = {'a',  '"',  '\\', 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xA9, 0xE0, 0xA0,
                                 0xED, 0x9F, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF, 0xE2, 0x82, 0xAC, '\n'};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const std::size_t n = rng() % 24;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(bytes[rng() % sizeof bytes]));
    std::string mine;
    write_json_string(s, mine);
    INFO("bytes: ", json(s).dump(-1, ' ', true, json::error_handler_t::replace));
    CHECK(mine == json(s).dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST_CASE("write_json prints numbers as nlohmann does") {
  for (double d : {0.0, -0.0, 0.1, 1.0, 100.0, 1e20, 1e21, 1.5e-7, 123456.789, -2.5, 1e308}) {
    std::string mine;
    write_json(json(d), mine);
    CHECK(mine == json(d).dump());
  }
  for (std::int64_t i : {INT64_MIN, std::int64_t{-1}, std::int64_t{0}, INT64_MAX}) {
    std::string mine;
    write_json(json(i), mine);
    CHECK(mine == json(i).dump());
  }
  std::string mine;
  write_json(json(UINT64_MAX), mine);
  CHECK(mine == "18446744073709551615");
  std::string nan;
  write_json(json(std::nan("")), nan);
  CHECK(nan == "null");
}
