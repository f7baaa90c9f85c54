// The closed code lists: finding codes (finding.h), step codes and condition kinds
// (diagnose.h) are the lists web/core.d.ts declares, and diagnose() never says anything else,
// whatever it is given. A new code is one row in C++ and one in core.d.ts; this file fails
// until both are there.
#include "core/answer/response.h"
#include "core/base/finding.h"
#include "core/diagnose/diagnose.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

using namespace pg;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The string literals of `export type <name> = 'a' | 'b' …;` in web/core.d.ts.
std::set<std::string> dts_union(const std::string& name) {
  const std::string dts = read_file(std::filesystem::path(PG_FIXTURES) / "../../web/core.d.ts");
  const std::string head = "export type " + name + " =";
  const std::size_t start = dts.find(head);
  REQUIRE_MESSAGE(start != std::string::npos, "core.d.ts declares no " << name);
  const std::size_t end = dts.find(';', start);
  std::set<std::string> out;
  for (std::size_t at = dts.find('\'', start); at < end; at = dts.find('\'', at)) {
    const std::size_t close = dts.find('\'', at + 1);
    out.insert(dts.substr(at + 1, close - at - 1));
    at = close + 1;
  }
  return out;
}

template <typename List>
std::set<std::string> as_set(const List& list) {
  std::set<std::string> out;
  for (const auto& item : list) out.insert(std::string(item));
  return out;
}

std::set<std::string> finding_names() {
  std::set<std::string> out;
  for (const auto& c : kFindingCodes) out.insert(std::string(c.text));
  return out;
}

}  // namespace

TEST_CASE("codes: finding codes are one list, in order, and core.d.ts's FindingCode is the same list") {
  const auto names = finding_names();
  CHECK(names.size() == std::size(kFindingCodes));  // no name twice
  for (std::size_t i = 0; i < std::size(kFindingCodes); ++i)
    CHECK(static_cast<std::size_t>(kFindingCodes[i].code) == i);  // to_string indexes by value
  CHECK(dts_union("FindingCode") == names);
}

TEST_CASE("codes: step codes and condition kinds are core.d.ts's StepCode and ConditionKind") {
  CHECK(as_set(kStepCodes).size() == std::size(kStepCodes));
  CHECK(as_set(kConditionKinds).size() == std::size(kConditionKinds));
  CHECK(dts_union("StepCode") == as_set(kStepCodes));
  CHECK(dts_union("ConditionKind") == as_set(kConditionKinds));
}

namespace {

void check_codes(const json& outcome, const std::string& label) {
  static const auto steps = as_set(kStepCodes);
  static const auto kinds = as_set(kConditionKinds);
  const Diagnosis d = diagnose(outcome);
  for (const Step& s : d.steps) {
    if (s.status == StepStatus::Fail)
      CHECK_MESSAGE(steps.count(s.code) == 1, label << ": step " << s.step << " failed with code '" << s.code << "'");
    else
      CHECK_MESSAGE(s.code.empty(), label << ": a step that did not fail has a code");
  }
  for (const Condition& c : d.conditions)
    CHECK_MESSAGE(kinds.count(c.kind) == 1, label << ": condition kind '" << c.kind << "'");
}

}  // namespace

TEST_CASE("codes: diagnose() says only listed codes, for every relay error, status and fixture") {
  // Every relay kind the relay sends (and one it does not), with and without an answer begun.
  for (const char* kind : {"dns",
                           "refused",
                           "tls",
                           "timeout",
                           "blocked_address",
                           "upstream_reset",
                           "config",
                           "redirect",
                           "too_large",
                           "busy",
                           "unauthorized",
                           "forbidden",
                           "cross_site",
                           "unknown_model",
                           "not_testable",
                           "invalid_request",
                           "unsupported_media_type",
                           "not_found",
                           "relay_unreachable",
                           "internal",
                           "made_up"}) {
    for (const char* phase : {"", "connect", "first_byte", "idle", "total"}) {
      json relay_error = {{"kind", kind}, {"message", "x"}, {"phase", phase}};
      check_codes(json{{"relayError", relay_error}}, std::string("relay ") + kind);
      check_codes(json{{"relayError", relay_error}, {"status", 200}, {"result", {{"content", "Hel"}}}},
                  std::string("relay mid-stream ") + kind);
    }
  }
  // Every fixture body at the statuses providers send.
  for (const char* folder : {"errors", "diagnose", "responses"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(PG_FIXTURES) / folder)) {
      const std::string body = read_file(entry.path());
      const std::string name = entry.path().filename().string();
      const bool stream = name.size() > 4 && name.compare(name.size() - 4, 4, ".sse") == 0;
      for (int status : {200, 301, 400, 401, 403, 404, 405, 408, 413, 422, 429, 500, 502, 503, 529}) {
        json outcome = {
            {"status", status}, {"body", body}, {"contentType", stream ? "text/event-stream" : "application/json"}};
        check_codes(outcome, name + " at " + std::to_string(status));
      }
    }
  }
}
