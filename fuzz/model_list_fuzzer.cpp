// read_model_list() on an arbitrary GET /models answer, closest_models() of an arbitrary
// wanted name over what it read, and diagnose() given those names. Invariants: the list is
// valid UTF-8 JSON, ok with 1..kMaxModelIds distinct usable ids (each at most
// kMaxModelIdBytes, valid UTF-8, no control character) or not ok with a listed problem code;
// at most kMaxSuggestions names, each from the list and never the wanted name itself; and the
// suggestions change only the words of a diagnosis, never its steps, codes or verdict.
//
// Input: [wanted model name up to '\n'][body].
#include "core/base/text.h"
#include "core/diagnose/closest_models.h"
#include "core/diagnose/diagnose.h"
#include "core/provider/model_list.h"
#include "fuzz_util.h"

#include <algorithm>
#include <set>

namespace {

pg::json facts(const pg::Diagnosis& d) {
  pg::json out = pg::json::array();
  for (const pg::Step& s : d.steps) out.push_back({s.step, pg::to_string(s.status), s.code});
  for (const pg::Condition& c : d.conditions) out.push_back({c.kind, c.side});
  out.push_back(d.verdict);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::string wanted(in.until('\n'));
  const std::string_view body = in.rest();

  const pg::ModelList list = pg::read_model_list(body);
  pgfuzz::checked_dump(pg::to_json(list));
  if (!list.ok) {
    PGFUZZ_CHECK(list.ids.empty());
    PGFUZZ_CHECK(std::find(std::begin(pg::kModelListProblems), std::end(pg::kModelListProblems), list.problem) !=
                 std::end(pg::kModelListProblems));
    return 0;
  }
  PGFUZZ_CHECK(!list.ids.empty() && list.ids.size() <= pg::kMaxModelIds);
  PGFUZZ_CHECK(std::set<std::string>(list.ids.begin(), list.ids.end()).size() == list.ids.size());
  for (const std::string& id : list.ids) {
    PGFUZZ_CHECK(!id.empty() && id.size() <= pg::kMaxModelIdBytes && pgfuzz::valid_utf8(id));
    for (char c : id) PGFUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  }

  const std::vector<std::string> closest = pg::closest_models(wanted, list.ids);
  PGFUZZ_CHECK(closest.size() <= pg::kMaxSuggestions);
  for (const std::string& name : closest) {
    PGFUZZ_CHECK(std::find(list.ids.begin(), list.ids.end(), name) != list.ids.end());
    PGFUZZ_CHECK(name != pg::trim(wanted));
  }

  // The refused model's outcome, with and without the names: the same facts.
  pg::json outcome = {
      {"status", 404},
      {"contentType", "application/json"},
      {"body", R"j({"error":{"message":"no such model","type":"invalid_request_error","code":"model_not_found"}})j"},
      {"model", {{"provider", "openai"}, {"model_name", wanted}, {"api_base", "https://api.openai.com/v1"}}}};
  const pg::Diagnosis plain = pg::diagnose(outcome);
  outcome["modelSuggestions"] = {{"names", closest}, {"listed", list.ids.size()}};
  const pg::Diagnosis named = pg::diagnose(outcome);
  pgfuzz::checked_dump(pg::to_json(named));
  PGFUZZ_CHECK(facts(plain) == facts(named));
  for (const pg::Step& s : named.steps)
    PGFUZZ_CHECK(s.advice.size() <= 300 && s.advice.find('\n') == std::string::npos);
  return 0;
}
