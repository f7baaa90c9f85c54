// The pieces the chat-body builder (request.cpp) is made of, one file each: the error
// report and text helpers (report.cpp), number reading (numbers.cpp), image
// checks (images.cpp), per-model / per-provider rules (model_rules.cpp), and the form's
// params, stream and extra (params.cpp).
// Internal to the builder: nothing outside src/core/request/ uses it.
#pragma once

#include "core/base/json_path.h"
#include "core/base/json_util.h"
#include "core/base/text.h"
#include "core/request/request.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::request_detail {

// ----------------------------------------------------------------- the report

class Report {
 public:
  explicit Report(std::size_t max_errors) : max_errors_(max_errors) {}

  void error(std::string field, std::string message) {
    ++error_count_;
    if (errors_.size() < max_errors_) errors_.push_back({std::move(field), std::move(message)});
  }
  void warn(FindingCode code, std::string path, std::string message) {
    if (warnings_.size() < max_errors_) warnings_.push_back(warning_finding(code, std::move(path), std::move(message)));
  }
  std::size_t error_count() const { return error_count_; }

  void move_into(BuildResult& out) {
    if (error_count_ > errors_.size()) {
      const std::size_t more = error_count_ - errors_.size();
      errors_.push_back({"", std::to_string(more) + " more error" + (more == 1 ? "" : "s") +
                                 " not listed; fix the ones above first"});
    }
    out.errors = std::move(errors_);
    out.warnings = std::move(warnings_);
  }

 private:
  std::size_t max_errors_;
  std::size_t error_count_ = 0;
  std::vector<FieldError> errors_;
  Findings warnings_;
};

// ----------------------------------------------------------------- text (report.cpp)
// (trim, is_blank, lower_ascii, starts_with_nocase, all_digits, … are core/base/text.h's; paths
// are built with core/base/json_path.h's join_path / index_path.)

// OpenAI refuses response_format json_object unless the prompt says "JSON" somewhere.
bool mentions_json(std::string_view s);
// User text shown inside a message: bounded, single-line, quoted.
std::string quote_user(std::string_view s);
// "a string", "an array", "true", …: a value's kind for messages.
std::string type_name(const json& v);
// What the user gave, for "(got …)": strings quoted, numbers as numbers, the rest by kind.
std::string shown_value(const json& v);
// 0, 2, -2, 0.7, 2.0001: integers without a trailing ".0".
std::string pretty_number(double v);
// Sizes for people. Measured sizes round up so that "just over the limit" never prints
// as the limit itself.
std::string human_bytes(std::size_t n, bool round_up = false);
// Depth of nested arrays/objects, iteratively: a native caller can hand over values far
// deeper than parse_json allows, and copying or dumping them would recurse that deep.
bool nests_deeper_than(const json& root, std::size_t limit);

// Names not in `allowed` become errors at base.key.
template <std::size_t N>
void reject_unknown_keys(Report& report, const json& object, std::string_view base,
                         const std::string_view (&allowed)[N], const std::string& why) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (auto a : allowed) known = known || it.key() == a;
    if (!known) report.error(join_path(base, it.key()), why);
  }
}

// ----------------------------------------------------------------- numbers (numbers.cpp)

enum class Num { Unset, Ok, NotNumber, NotFinite, NotWhole, OutOfRange };

struct NumberRead {
  Num kind = Num::Unset;
  double value = 0;
};

// A JSON number or a numeric string (HTML inputs give strings); "" and null mean "not set".
NumberRead read_number(const json& v);

struct IntegerRead {
  Num kind = Num::Unset;
  std::int64_t value = 0;
};

// An integer in int64 range. Digit strings are parsed exactly (a seed such as
// "9007199254740993" must not go through a double); 3.0 is accepted, 3.5 is not.
IntegerRead read_integer(const json& v);

// ----------------------------------------------------------------- images (images.cpp)

// An image_url.url: an https: link a provider can fetch, or a base64 data: URL of a PNG,
// JPEG, GIF or WebP image whose bytes match its declared type (a warning otherwise).
void check_image_url(Report& report, const std::string& field, const json* url);

// ----------------------------------------------------------------- model rules (model_rules.cpp)

// "OpenAI/o3-mini" -> "o3-mini"; "ft:o4-mini:acme::x" -> "o4-mini:acme::x".
std::string normalized_model(std::string_view name);
// "o3" names the family only when what follows is the end or a separator: "o3-mini" and
// "o4-mini-2025-04-16" are in, "o30" or "omni" are not.
bool is_family(std::string_view name, std::string_view family);
// GPT-5.1 and later accept sampling parameters when reasoning_effort is "none" (OpenAI's
// "GPT-5.1 parameter compatibility"); gpt-5 itself never does.
bool takes_sampling_without_reasoning(std::string_view model_name);
// The first o1 models (o1-mini, o1-preview) take no instructions at all: a system or a
// developer message is refused with 400 unsupported_value on messages[i].role.
bool takes_no_instructions(std::string_view model_name);

// The reasoning_effort values a model family takes, lowest (cheapest) first. `values` is
// empty for a reasoning family whose values nobody has told us (see model_rules.cpp).
struct EffortFamily {
  std::string_view name;  // for messages: "OpenAI's o-series and gpt-5 reasoning models"
  std::vector<std::string_view> values;
};
// The model's family, or null when it is in none the playground knows to take reasoning_effort.
const EffortFamily* effort_family(std::string_view model_name);
// Every value some family takes ("none", "low", "medium", "high"): what a form without a
// model may carry.
const std::vector<std::string_view>& all_efforts();
// Models that think before they answer and count the thinking in their token limit: the
// OpenAI reasoning families, and DeepSeek's R1 / reasoner (model_rules.cpp says where from).
bool thinks_before_answering(std::string_view model_name);

// Behaviours of OpenAI-compatible endpoints that accept a request but do not honour all
// of it. One row per provider (models' `provider` field, lower case); add rows freely.
struct ProviderRule {
  std::string_view provider;
  std::string_view label;                 // for messages
  double max_temperature;                 // higher values are capped by the provider; <0 = none
  std::vector<std::string_view> ignored;  // params accepted but without effect
  bool stop_needs_visible_text;           // whitespace-only stop sequences do nothing
};

// The rule for a provider (case and surrounding spaces ignored), or null.
const ProviderRule* find_provider_rule(std::string_view provider);

// ----------------------------------------------------------------- the build (request.cpp)

// One build_request() in progress: the report, the body so far and what later reads need.
struct Build {
  const RequestLimits& limits;
  Report report;
  json body = json::object();
  json messages = json::array();
  std::string model_name;  // as sent; empty when the relay sets it
  bool reasoning = false;
  bool sampling_allowed = true;  // false: reasoning model, default sampling only
  const ProviderRule* provider = nullptr;
  bool prompt_mentions_json = false;
  std::vector<std::string> params_set;  // params the form gave a value (for extra)

  Build(const RequestLimits& l) : limits(l), report(l.max_errors) {}

  bool param_set(std::string_view key) const {
    for (const auto& p : params_set)
      if (p == key) return true;
    return false;
  }

  void warn_if_ignored(std::string_view key) {
    if (!provider) return;
    for (auto k : provider->ignored)
      if (k == key)
        report.warn(FindingCode::ParameterIgnored, "params." + std::string(key),
                    std::string(provider->label) + " ignores " + std::string(key) + "; it is sent but has no effect");
  }

  // Text size bound shared by every text field.
  bool text_fits(const std::string& field, const std::string& text) {
    if (text.size() <= limits.max_text_bytes) return true;
    report.error(field, "is " + human_bytes(text.size(), true) + "; one text may be at most " +
                            human_bytes(limits.max_text_bytes));
    return false;
  }
};

// ----------------------------------------------------------------- params, stream and extra (params.cpp)

// Lets gpt-5.1+ with reasoning_effort "none" (params or extra) take sampling parameters;
// read before params so that the rule applies to them.
void apply_reasoning_effort(Build& b, const json& form);
// params.*: sampling, max_tokens, seed, stop, response_format (after the messages:
// json_object checks that they mention JSON), reasoning_effort.
void read_params(Build& b, const json& form);
void read_stream(Build& b, const json& form);
// extra.*: what the form passes through, minus what the playground reserves or steers.
void read_extra(Build& b, const json& form);

}  // namespace pg::request_detail
