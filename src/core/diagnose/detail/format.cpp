// "The answer matches what was asked": when the request asked for JSON (response_format
// json_object or json_schema), the content must be JSON a client can parse, an object when
// one was asked for, and for a schema hold its required top-level keys and no key that
// additionalProperties: false forbids. A provider that accepts response_format and ignores
// it answers in prose with a 200 — every other check passes, and the client's JSON.parse
// throws. Only the top level is checked: it is what tells "ignored the format" from "kept
// it", and a whole JSON Schema validator is not worth its weight in the page's module.
#include "core/diagnose/detail/rules.h"

#include <algorithm>

namespace pg::diag {

namespace {

constexpr std::size_t kMaxKeyChars = 60;

std::string asked_label(const AskedFormat& f) {
  if (f.type != "json_schema") return "response_format json_object";
  return "response_format json_schema" + (f.name.empty() ? std::string() : " `" + f.name + "`");
}

const char* json_kind(const json& v) {
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  return "null";
}

const char* const kIgnoredAdvice =
    "the provider or model ignored response_format: check that this model supports JSON output (some "
    "OpenAI-compatible servers accept the field and drop it), and ask for JSON in the prompt too";
const char* const kSchemaAdvice =
    "the model did not follow the schema: check that this provider enforces json_schema (strict structured "
    "outputs); some accept a schema and only ask for JSON";

Cause mismatch(const AskedFormat& f, const std::string& what, const char* advice) {
  Cause c;
  c.passed = kModel;
  c.failed = kAnswer;
  c.code = "format_mismatch";
  c.evidence = "the request asked for JSON (" + asked_label(f) + "), but " + what;
  c.advice = advice;
  c.summary =
      "The settings work (the key, base URL and model name answered), but the answer is not the JSON the "
      "request asked for: " +
      std::string(advice) + ".";
  return c;
}

// "`a`" or "`a` (and 3 more)" for the first of `keys`.
std::string first_of(const std::vector<std::string>& keys) {
  std::string s = "`" + excerpt(keys.front(), kMaxKeyChars) + "`";
  if (keys.size() > 1) s += " (and " + std::to_string(keys.size() - 1) + " more)";
  return s;
}

}  // namespace

std::optional<Cause> explain_format(const Outcome& o, const ResultView& r) {
  if (!o.asked || r.content.empty()) return std::nullopt;  // no format asked, or tool calls only
  const AskedFormat& f = *o.asked;
  const std::string_view text = trim_start(r.content);
  if (text.substr(0, 3) == "```")
    return mismatch(f, "the content is wrapped in a Markdown code fence (```), which a JSON parser refuses",
                    kIgnoredAdvice);
  const bool want_object = f.type == "json_object" || f.object_schema;
  if (r.content_bytes > r.content.size()) {
    // Only the start of a long answer was handed over: it can still be told from prose.
    if (text.empty() || (text.front() != '{' && (want_object || text.front() != '[')))
      return mismatch(f, "the content does not start as JSON: \"" + excerpt(text, 60) + "\"", kIgnoredAdvice);
    return std::nullopt;
  }
  const auto parsed = parse_json(r.content);
  if (!parsed.value) return mismatch(f, "the content is not JSON (" + excerpt(parsed.error, 120) + ")", kIgnoredAdvice);
  const json& value = *parsed.value;
  if (want_object && !value.is_object())
    return mismatch(f, std::string("the content is JSON but ") + json_kind(value) + ", not an object", kIgnoredAdvice);
  if (f.type != "json_schema" || !value.is_object()) return std::nullopt;

  std::vector<std::string> missing;
  for (const std::string& key : f.required)
    if (value.find(key) == value.end()) missing.push_back(key);
  if (!missing.empty())
    return mismatch(f, "the schema's required key " + first_of(missing) + " is missing from the content",
                    kSchemaAdvice);
  if (f.closed) {
    std::vector<std::string> extra;
    for (auto it = value.begin(); it != value.end(); ++it)
      if (!std::binary_search(f.properties.begin(), f.properties.end(), it.key())) extra.push_back(it.key());
    if (!extra.empty())
      return mismatch(f,
                      "the content has the key " + first_of(extra) +
                          ", which the schema does not allow (additionalProperties: false)",
                      kSchemaAdvice);
  }
  return std::nullopt;
}

}  // namespace pg::diag
