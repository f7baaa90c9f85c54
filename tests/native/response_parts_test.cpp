// The small parts the response stream is built from: DeltaBuilder, IssueLog and
// ToolCallAssembler.
#include <doctest/doctest.h>

#include "support/response.h"

#include "delta_support.h"

#include "core/answer/chat_stream.h"
#include "core/answer/delta_builder.h"
#include "core/answer/detail/completion_rules.h"     // internal under test
#include "core/answer/detail/issue_log.h"            // internal under test
#include "core/answer/detail/tool_call_assembler.h"  // internal under test

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace pg;

// =========================================================================================
// The stream's parts
// =========================================================================================

TEST_CASE("DeltaBuilder merges adjacent additions of one kind, never across begin()") {
  json out = json::array();
  DeltaBuilder b;
  b.begin(out);
  b.reasoning("a");
  b.reasoning("b");
  b.content("c");
  b.content("");
  b.content("d");
  b.tool_call({{"index", 0}});
  b.tool_call({{"index", 1}});
  b.finish_reason("length");
  b.finish_reason("stop");
  b.error({{"message", "x"}});
  b.usage({{"total_tokens", 1}});
  b.flush();
  CHECK(out == json::parse(R"([{"reasoning":"ab"},{"content":"cd"},{"toolCalls":[{"index":0},{"index":1}]},
    {"finishReason":"stop"},{"error":{"message":"x"}},{"usage":{"total_tokens":1}}])"));

  b.begin(out);
  b.content("e");
  b.flush();
  CHECK(out.size() == 7);
  CHECK(out.back() == json{{"content", "e"}});
}

TEST_CASE("DeltaBuilder's encoded records: text as is, other deltas as JSON, lengths little-endian") {
  std::string out;
  DeltaBuilder b;
  b.begin(out);
  b.content("h\xC3\xA9");
  b.content("!");
  b.reasoning("r");
  b.finish_reason("stop");
  b.flush();
  CHECK(out == std::string("c\x04\0\0\0h\xC3\xA9!", 9) + std::string("r\x01\0\0\0r", 6) +
                   std::string("j\x17\0\0\0", 5) + R"({"finishReason":"stop"})");
  CHECK(decode_delta_records(out) ==
        json::parse(R"([{"content":"h\u00e9!"},{"reasoning":"r"},{"finishReason":"stop"}])"));

  SUBCASE("a record of 300 bytes carries its length in two bytes") {
    std::string big;
    b.begin(big);
    b.content(std::string(300, 'x'));
    b.flush();
    CHECK(big.substr(0, 5) == std::string("c\x2C\x01\0\0", 5));
    CHECK(decode_delta_records(big)[0]["content"].get_ref<const std::string&>().size() == 300);
  }
  SUBCASE("a cut or malformed record ends the decoded list") {
    CHECK(decode_delta_records(out.substr(0, out.size() - 1)).size() == 2);
    CHECK(decode_delta_records(std::string("j\x01\0\0\0[", 6)).empty());
    CHECK(decode_delta_records(std::string("c\x09\0\0\0ab", 7)).empty());
    CHECK(decode_delta_records("").empty());
  }
}

TEST_CASE("IssueLog keeps the first findings of a kind and counts the rest") {
  Findings findings;
  IssueLog log;
  for (int i = 0; i < 5; ++i)
    log.note(findings, "chunks that repeat", 1, [&] {
      return Finding{Severity::Error, FindingCode::NotJson, "chunks[" + std::to_string(i) + "]", "bad"};
    });
  int built = 0;
  for (int i = 0; i < 30; ++i)
    log.note(findings, "chunks that are odd", 3, [&] {
      ++built;
      return Finding{Severity::Warning, FindingCode::IdChanged, "p", "odd"};
    });
  CHECK(built == 3);
  log.finish(findings);
  REQUIRE(findings.size() == 5);
  CHECK(findings[0].path == "chunks[0]");
  CHECK(findings[0].message == "bad (in 5 chunks)");
  CHECK(findings[4].severity == Severity::Warning);
  CHECK(findings[4].message == "… and 27 more chunks that are odd");
  CHECK(findings[4].code == FindingCode::IdChanged);  // the summary is more of the same
}

TEST_CASE("ToolCallAssembler joins fragments by index") {
  ToolCallAssembler a;
  CHECK(a.add(json::parse(R"({"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}})")) ==
        0);
  CHECK(a.add(json::parse(R"({"index":1,"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}})")) ==
        0);
  CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":"{\"a\""}})")) == 0);
  CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":":1}"}})")) == 0);
  CHECK(a.calls() == json::parse(R"([{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
                                     {"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}])"));

  SUBCASE("odd fragments are flagged") {
    CHECK(a.add(json(3)) == ToolCallAssembler::kNotObject);
    CHECK(a.add(json::parse(R"({"index":-1})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":"0"})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":5000})")) == ToolCallAssembler::kBadIndex);
    CHECK(a.add(json::parse(R"({"index":1,"function":{"arguments":7}})")) == ToolCallAssembler::kArgumentsBadType);
    CHECK(a.add(json::parse(R"({"index":1,"function":{"arguments":{"b":2}}})")) ==
          ToolCallAssembler::kArgumentsNotString);
    CHECK(a.calls()[1]["function"]["arguments"] == "{}{\"b\":2}");
    CHECK(a.calls().size() == 2);
  }
  SUBCASE("a new id at a used index starts a new call") {
    CHECK(a.add(json::parse(R"({"index":0,"id":"call_3","function":{"name":"h","arguments":"{}"}})")) ==
          ToolCallAssembler::kIndexReused);
    CHECK(a.add(json::parse(R"({"index":0,"function":{"arguments":"x"}})")) == 0);
    REQUIRE(a.calls().size() == 3);
    CHECK(a.calls()[2]["function"]["arguments"] == "{}x");
    CHECK(a.calls()[0]["function"]["arguments"] == "{\"a\":1}");
  }
  SUBCASE("without index, an id starts a call and the rest continue the last one") {
    ToolCallAssembler b;
    CHECK(b.add(json::parse(R"({"id":"c1","function":{"name":"f","arguments":"{"}})")) ==
          ToolCallAssembler::kMissingIndex);
    CHECK(b.add(json::parse(R"({"function":{"arguments":"}"}})")) == ToolCallAssembler::kMissingIndex);
    CHECK(b.add(json::parse(R"({"id":"c2","function":{"name":"g","arguments":"[]"}})")) ==
          ToolCallAssembler::kMissingIndex);
    CHECK(b.calls() == json::parse(R"([{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
                                       {"id":"c2","type":"function","function":{"name":"g","arguments":"[]"}}])"));
  }
  SUBCASE("the number of calls is bounded") {
    ToolCallAssembler c;
    unsigned last = 0;
    for (int i = 0; i <= 200; ++i) last = c.add(json{{"index", i}, {"id", "x" + std::to_string(i)}});
    CHECK(last == ToolCallAssembler::kTooManyCalls);
    CHECK(c.calls().size() == ToolCallAssembler::kMaxCalls);
  }
}
