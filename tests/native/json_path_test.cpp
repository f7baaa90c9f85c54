#include <doctest/doctest.h>

#include "core/base/json_path.h"

#include <string>

using namespace pg;

TEST_CASE("json_path: keys and indices") {
  CHECK(join_path("", "messages") == "messages");
  CHECK(join_path("params", "temperature") == "params.temperature");
  CHECK(index_path("messages", 2) == "messages[2]");
  CHECK(index_path("", 0) == "[0]");
  CHECK(join_path(index_path("messages", 0), "content") == "messages[0].content");
  CHECK(index_path(join_path("choices", "tool_calls"), 10) == "choices.tool_calls[10]");
  // A dotted tail is appended as given.
  CHECK(join_path("choices[0].message.tool_calls[1]", "function.name") ==
        "choices[0].message.tool_calls[1].function.name");
  const std::string base = "models[3]";
  CHECK(join_path(base, std::string("retry")) == "models[3].retry");
}

TEST_CASE("json_path: keys are written bare, never quoted") {
  CHECK(join_path("extra", "x-custom-header") == "extra.x-custom-header");
  CHECK(join_path("extra", "a b") == "extra.a b");
  CHECK(join_path("extra", "1st") == "extra.1st");
  CHECK(join_path("extra", "a.b[0]") == "extra.a.b[0]");
  CHECK(join_path("m", "clé") == "m.clé");
}

TEST_CASE("json_path: the empty key adds nothing after its dot") {
  CHECK(join_path("extra", "") == "extra.");
  CHECK(join_path("", "") == "");
  CHECK(join_path("extra", "   ") == "extra.");                         // nothing readable is left of it
  CHECK(join_path("effort_mapping", "\"\"") == "effort_mapping.\"\"");  // a caller may name it
}

TEST_CASE("json_path: keys from users and providers stay one short line") {
  const std::string long_key(200, 'k');
  const std::string shown = join_path("extra", long_key);
  CHECK(shown.size() <= std::string("extra.").size() + kMaxPathKeyChars + 3);
  CHECK(shown.rfind("extra.kkkk", 0) == 0);
  CHECK(shown.substr(shown.size() - 3) == "...");
  CHECK(join_path("extra", std::string(kMaxPathKeyChars, 'k')) == "extra." + std::string(kMaxPathKeyChars, 'k'));
  CHECK(join_path("extra", "line\nbreak") == "extra.line break");
  CHECK(join_path("extra", "  padded  ") == "extra.padded");
  CHECK(join_path("extra", "tab\there") == "extra.tab here");
  CHECK(join_path("extra", std::string("nul\0x", 5)) == "extra.nul x");
}
