// The chat-body builder's second half (detail/builder.h): the form's params (sampling,
// max_tokens, seed, stop, response_format), stream, and the extra fields passed through.
#include "core/request/detail/builder.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::request_detail {

namespace {

// ----------------------------------------------------------------- params

struct SamplingParam {
  std::string_view key;
  double min, max;
  double reasoning_default;  // the only value OpenAI reasoning models accept
};

// The sampling rows of kParameters (their ranges from there), with the value reasoning
// models take.
SamplingParam sampling(std::string_view key, double reasoning_default) {
  for (const auto& p : kParameters)
    if (p.key == key) return {key, p.min, p.max, reasoning_default};
  return {key, 0, 0, reasoning_default};
}

const SamplingParam kSampling[] = {
    sampling("temperature", 1),
    sampling("top_p", 1),
    sampling("presence_penalty", 0),
    sampling("frequency_penalty", 0),
};

std::string number_problem(Num kind, const json& v) {
  switch (kind) {
    case Num::NotFinite: return "must be a finite number";
    case Num::NotWhole: return "must be a whole number (got " + shown_value(v) + ")";
    default: return "must be a number (got " + shown_value(v) + ")";
  }
}

void read_sampling(Build& b, const json& params, const SamplingParam& spec) {
  const json* v = member(params, spec.key);
  if (!v) return;
  const std::string field = "params." + std::string(spec.key);
  const NumberRead n = read_number(*v);
  if (n.kind == Num::Unset) return;
  b.params_set.emplace_back(spec.key);
  if (n.kind != Num::Ok) {
    b.report.error(field, number_problem(n.kind, *v));
    return;
  }
  if (n.value < spec.min || n.value > spec.max) {
    b.report.error(field, "must be between " + pretty_number(spec.min) + " and " + pretty_number(spec.max) + " (got " +
                              pretty_number(n.value) + ")");
    return;
  }
  if (!b.sampling_allowed) {
    if (n.value == spec.reasoning_default) return;  // the default: sending nothing is the same
    b.report.error(field, b.model_name + " is a reasoning model and accepts only the default " + std::string(spec.key) +
                              " (" + pretty_number(spec.reasoning_default) + "); clear this field");
    return;
  }
  b.body[std::string(spec.key)] = n.value;
  if (spec.key == "temperature" && b.provider && b.provider->max_temperature >= 0 &&
      n.value > b.provider->max_temperature) {
    b.report.warn(FindingCode::ValueCapped, field,
                  std::string(b.provider->label) + " caps temperature at " +
                      pretty_number(b.provider->max_temperature) + "; " + pretty_number(n.value) + " behaves as " +
                      pretty_number(b.provider->max_temperature));
  }
  b.warn_if_ignored(spec.key);
}

// max_tokens is read as a 32-bit signed count: providers parse it into an int32.
constexpr std::int64_t kMaxTokensLimit = std::numeric_limits<std::int32_t>::max();

void read_max_tokens(Build& b, const json& params) {
  const json* v = member(params, "max_tokens");
  if (!v) return;
  const IntegerRead n = read_integer(*v);
  if (n.kind == Num::Unset) return;
  b.params_set.emplace_back("max_tokens");
  const std::string field = "params.max_tokens";
  if (n.kind == Num::OutOfRange || (n.kind == Num::Ok && (n.value < 1 || n.value > kMaxTokensLimit))) {
    b.report.error(field, "must be a whole number between 1 and " + std::to_string(kMaxTokensLimit) +
                              (n.kind == Num::Ok ? " (got " + std::to_string(n.value) + ")" : std::string()));
    return;
  }
  if (n.kind != Num::Ok) {
    b.report.error(field, number_problem(n.kind, *v));
    return;
  }
  if (b.reasoning) {
    // Reasoning models answer 400 unsupported_parameter to max_tokens. Everyone else gets
    // max_tokens, the most widely accepted name (Mistral rejects max_completion_tokens,
    // Ollama documents only max_tokens).
    b.body["max_completion_tokens"] = n.value;
    b.report.warn(FindingCode::ParameterRenamed, field,
                  b.model_name +
                      " takes max_completion_tokens instead of max_tokens, so the limit is "
                      "sent as max_completion_tokens; it also counts hidden reasoning tokens, "
                      "so a small limit can end the answer before any text");
  } else {
    b.body["max_tokens"] = n.value;
  }
}

void read_seed(Build& b, const json& params) {
  const json* v = member(params, "seed");
  if (!v) return;
  const IntegerRead n = read_integer(*v);
  if (n.kind == Num::Unset) return;
  b.params_set.emplace_back("seed");
  if (n.kind == Num::OutOfRange) {
    b.report.error("params.seed", "must be a whole number between -9223372036854775808 and 9223372036854775807");
    return;
  }
  if (n.kind != Num::Ok) {
    b.report.error("params.seed", number_problem(n.kind, *v));
    return;
  }
  b.body["seed"] = n.value;
  b.warn_if_ignored("seed");
}

void read_stop(Build& b, const json& params) {
  const json* v = member(params, "stop");
  if (!v || v->is_null()) return;
  const std::string field = "params.stop";
  if (v->is_string() && v->get_ptr<const std::string*>()->empty()) return;  // an empty input
  if (v->is_array() && v->empty()) return;
  if (!v->is_string() && !v->is_array()) {
    b.params_set.emplace_back("stop");
    b.report.error(field, "must be a string or an array of up to " + std::to_string(b.limits.max_stop) +
                              " strings (got " + type_name(*v) + ")");
    return;
  }
  b.params_set.emplace_back("stop");
  const std::size_t before = b.report.error_count();
  bool blank = false;
  if (v->is_string()) {
    // Not trimmed: "\n" is a common, meaningful stop sequence.
    const std::string& s = *v->get_ptr<const std::string*>();
    b.text_fits(field, s);
    blank = is_blank(s);
  } else {
    if (v->size() > b.limits.max_stop)
      b.report.error(field, "has " + std::to_string(v->size()) + " stop sequences; the limit is " +
                                std::to_string(b.limits.max_stop));
    std::size_t i = 0;
    for (const auto& s : *v) {
      const std::string item = index_path(field, i++);
      if (!s.is_string())
        b.report.error(item, "must be a string (got " + type_name(s) + ")");
      else if (s.get_ptr<const std::string*>()->empty())
        b.report.error(item, "must not be empty");
      else if (b.text_fits(item, *s.get_ptr<const std::string*>()))
        blank = blank || is_blank(*s.get_ptr<const std::string*>());
    }
  }
  if (b.report.error_count() != before) return;
  b.body["stop"] = *v;  // a single string is sent as it is
  if (b.reasoning)
    b.report.warn(FindingCode::ParameterMayBeRejected, field,
                  b.model_name + " is a reasoning model; most of them reject stop sequences");
  if (blank && b.provider && b.provider->stop_needs_visible_text)
    b.report.warn(FindingCode::ParameterIgnored, field,
                  std::string(b.provider->label) + " ignores stop sequences made only of whitespace");
}

// json_schema: {name?, schema, strict?, description?} -> the body's json_schema object.
bool read_json_schema(Build& b, const json* js, const std::string& path, json& out) {
  if (!js || !js->is_object()) {
    b.report.error(path, "must be an object {name, schema, strict?} (got " + (js ? type_name(*js) : "nothing") + ")");
    return false;
  }
  const std::size_t before = b.report.error_count();
  static constexpr std::string_view allowed[] = {"name", "schema", "strict", "description"};
  reject_unknown_keys(b.report, *js, path, allowed, "is not part of json_schema (name, schema, strict, description)");

  out = json::object();
  std::string name = "response";  // OpenAI requires a name; the form may leave it blank
  if (const json* n = member(*js, "name"); n && !n->is_null()) {
    const std::string* s = n->is_string() ? n->get_ptr<const std::string*>() : nullptr;
    bool ok = s != nullptr && s->size() <= 64;
    if (ok)
      for (char c : *s) ok = ok && (is_alnum(c) || c == '_' || c == '-');
    if (s && s->empty()) ok = true;  // blank input: use the default
    if (!ok)
      b.report.error(path + ".name", "must be 1 to 64 letters, digits, _ or - (got " + shown_value(*n) + ")");
    else if (!s->empty())
      name = *s;
  }
  out["name"] = name;
  if (const json* d = member(*js, "description"); d && !d->is_null()) {
    if (!d->is_string())
      b.report.error(path + ".description", "must be a string (got " + type_name(*d) + ")");
    else if (b.text_fits(path + ".description", *d->get_ptr<const std::string*>()))
      out["description"] = *d;
  }
  const json* schema = member(*js, "schema");
  const std::string* text = schema && schema->is_string() ? schema->get_ptr<const std::string*>() : nullptr;
  if (text && !is_blank(*text)) {
    // Text where the schema belongs: the page sends a schema it cannot read as typed, so this
    // one error says what is wrong with it (never "missing" beside the page's own complaint).
    ParseOutcome parsed = parse_json(*text);
    b.report.error(path + ".schema", parsed.value
                                         ? "must be a JSON object, not text holding one (got a string holding " +
                                               type_name(*parsed.value) + ")"
                                         : "is not valid JSON (" + parsed.error +
                                               "): give the JSON Schema the answer must follow, "
                                               "e.g. {\"type\": \"object\", \"properties\": {…}}");
  } else if (!schema || schema->is_null() || text) {
    b.report.error(path + ".schema",
                   "is missing: give the JSON Schema the answer must follow, "
                   "e.g. {\"type\": \"object\", \"properties\": {…}}");
  } else if (!schema->is_object()) {
    b.report.error(path + ".schema", "must be a JSON object, e.g. {\"type\": \"object\", \"properties\": {…}} (got " +
                                         type_name(*schema) + ")");
  } else if (nests_deeper_than(*schema, kMaxJsonDepth)) {
    b.report.error(path + ".schema", "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  } else {
    out["schema"] = *schema;
  }
  if (const json* strict = member(*js, "strict"); strict && !strict->is_null()) {
    if (!strict->is_boolean())
      b.report.error(path + ".strict", "must be true or false (got " + shown_value(*strict) + ")");
    else
      out["strict"] = *strict;
  }
  return b.report.error_count() == before;
}

void read_response_format(Build& b, const json& params) {
  const json* v = member(params, "response_format");
  if (!v || v->is_null()) return;
  const std::string field = "params.response_format";
  std::string type;
  const json* js = nullptr;
  if (v->is_string()) {
    type = *v->get_ptr<const std::string*>();
    if (type.empty()) return;
    if (type == "json_schema") {
      b.params_set.emplace_back("response_format");
      b.report.error(field, "json_schema needs a schema: send {type: \"json_schema\", json_schema: {name, schema}}");
      return;
    }
  } else if (v->is_object()) {
    const json* t = member(*v, "type");
    if (!t || !t->is_string()) {
      b.params_set.emplace_back("response_format");
      b.report.error(field + ".type", "must be \"text\", \"json_object\" or \"json_schema\" (got " +
                                          (t ? shown_value(*t) : std::string("nothing")) + ")");
      return;
    }
    type = *t->get_ptr<const std::string*>();
    if (type == "json_schema") {
      static constexpr std::string_view allowed[] = {"type", "json_schema"};
      reject_unknown_keys(b.report, *v, field, allowed,
                          "is not part of a json_schema response_format (type, json_schema)");
      js = member(*v, "json_schema");
    } else {
      static constexpr std::string_view allowed[] = {"type"};
      reject_unknown_keys(b.report, *v, field, allowed, "is not used with this response_format type");
    }
  } else {
    b.params_set.emplace_back("response_format");
    b.report.error(field, "must be \"text\", \"json_object\" or a {type: …} object (got " + type_name(*v) + ")");
    return;
  }
  b.params_set.emplace_back("response_format");

  if (type == "text") return;  // the default: omitted from the body
  if (type == "json_object") {
    b.body["response_format"] = object_of("type", "json_object");
    if (!b.prompt_mentions_json)
      b.report.warn(FindingCode::JsonNotMentioned, field,
                    "OpenAI rejects json_object unless a message mentions JSON; say so in the prompt "
                    "(e.g. \"Reply in JSON.\")");
    b.warn_if_ignored("response_format");
    return;
  }
  if (type == "json_schema") {
    json schema_out;
    if (read_json_schema(b, js, field + ".json_schema", schema_out)) {
      b.body["response_format"] = object_of("type", "json_schema", "json_schema", std::move(schema_out));
      b.warn_if_ignored("response_format");
    }
    return;
  }
  b.report.error(v->is_object() ? field + ".type" : field,
                 "must be \"text\", \"json_object\" or \"json_schema\" (got " + quote_user(type) + ")");
}

// "low, medium or high"
std::string listed(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

// reasoning_effort: one of the values the model's family takes (model_rules.cpp). A model in
// no family we know of is refused with where to put it instead (extra, sent as it is).
void read_reasoning_effort(Build& b, const json& params) {
  const json* v = member(params, "reasoning_effort");
  if (!v || v->is_null()) return;
  if (v->is_string() && v->get_ptr<const std::string*>()->empty()) return;  // the select's "default"
  b.params_set.emplace_back("reasoning_effort");
  const std::string field = "params.reasoning_effort";
  const EffortFamily* family = b.model_name.empty() ? nullptr : effort_family(b.model_name);
  if (!b.model_name.empty() && !family) {
    b.report.error(field, excerpt(b.model_name, 80) +
                              " is in no model family the playground knows to take reasoning_effort (OpenAI's "
                              "o1, o3, o4-mini and gpt-5 reasoning models); if its provider takes it, set "
                              "reasoning_effort under extra, where it is sent as it is");
    return;
  }
  if (family && family->values.empty()) {
    b.report.error(field, "which reasoning_effort values " + std::string(family->name) +
                              " take is not known to the playground; set it under extra to send it as it is");
    return;
  }
  const std::vector<std::string_view>& values = family ? family->values : all_efforts();
  const std::string* s = v->is_string() ? v->get_ptr<const std::string*>() : nullptr;
  bool ok = false;
  if (s)
    for (auto value : values) ok = ok || *s == value;
  if (!ok) {
    b.report.error(field, "must be " + listed(values) + (family ? " for " + excerpt(b.model_name, 80) : std::string()) +
                              " (got " + shown_value(*v) + ")");
    return;
  }
  b.body["reasoning_effort"] = *s;
  b.warn_if_ignored("reasoning_effort");
}

}  // namespace

void read_params(Build& b, const json& form) {
  const json* p = member(form, "params");
  if (!p || p->is_null()) return;
  if (!p->is_object()) {
    b.report.error("params", "must be an object (got " + type_name(*p) + ")");
    return;
  }
  for (auto it = p->begin(); it != p->end(); ++it)
    if (!is_parameter(it.key()))
      b.report.error(join_path("params", it.key()),
                     "is not a playground parameter; put provider-specific fields in extra");
  for (const auto& spec : kSampling) read_sampling(b, *p, spec);
  read_max_tokens(b, *p);
  read_seed(b, *p);
  read_stop(b, *p);
  read_response_format(b, *p);
  read_reasoning_effort(b, *p);
}

// ----------------------------------------------------------------- stream and extra

void read_stream(Build& b, const json& form) {
  const json* s = member(form, "stream");
  if (!s || s->is_null()) return;
  if (!s->is_boolean()) {
    b.report.error("stream", "must be true or false (got " + shown_value(*s) + ")");
    return;
  }
  if (s->get<bool>()) {
    b.body["stream"] = true;
    // Without it a stream carries no token counts, and the page shows tokens and cost.
    b.body["stream_options"] = object_of("include_usage", true);
  }
}

namespace {

// The fields the playground owns, with what to use instead.
struct Reserved {
  std::string_view key;
  std::string_view instead;
};
constexpr Reserved kReserved[] = {
    {"model", "pick the model instead"},
    {"messages", "edit the conversation instead"},
    {"stream", "use the stream switch instead"},
    {"stream_options", "the playground always asks for usage when streaming"},
};

// Fields some OpenAI-compatible gateways and proxies honour to pick another model, endpoint
// or credential than the one in the body's URL and auth header (OpenRouter's `models`
// fallback list and `route`, LiteLLM's `api_base`/`api_key`/`fallbacks`, …). Passed on from
// the playground they would let a user call other models or endpoints on the operator's
// key; the model's configuration decides those, so they are refused.
constexpr std::string_view kSteering[] = {
    "api_base",
    "base_url",
    "api_key",
    "api_version",
    "extra_headers",
    "headers",
    "extra_body",
    "models",
    "route",
    "fallbacks",
    "custom_llm_provider",
    "organization",
    "azure_ad_token",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "vertex_credentials",
    "credentials",
    "user_config",
};

bool is_steering(std::string_view key) {
  for (auto s : kSteering)
    if (s == key) return true;
  return false;
}

}  // namespace

void read_extra(Build& b, const json& form) {
  const json* e = member(form, "extra");
  if (!e || e->is_null()) return;
  if (!e->is_object()) {
    b.report.error("extra", "must be an object of additional body fields (got " + type_name(*e) + ")");
    return;
  }
  for (auto it = e->begin(); it != e->end(); ++it) {
    const std::string& key = it.key();
    const std::string field = join_path("extra", key);
    if (key.empty()) {
      b.report.error(field, "a field needs a name");
      continue;
    }
    const Reserved* reserved = nullptr;
    for (const auto& r : kReserved)
      if (r.key == key) reserved = &r;
    if (reserved) {
      b.report.error(
          field, "cannot override " + key + ", which the playground sets itself; " + std::string(reserved->instead));
      continue;
    }
    if (is_steering(key)) {
      b.report.error(field,
                     "is refused: it would steer the call to another model, endpoint or credential "
                     "than the model's configuration (change the model in the control plane instead)");
      continue;
    }
    // max_tokens and max_completion_tokens are one setting under two names.
    const std::string param = key == "max_completion_tokens" ? "max_tokens" : key;
    if (b.param_set(param)) {
      b.report.error(field, "conflicts with params." + param + "; set it in one place");
      continue;
    }
    if (nests_deeper_than(it.value(), kMaxJsonDepth)) {
      b.report.error(field, "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      continue;
    }
    if (key == "max_tokens" && b.reasoning)
      b.report.warn(FindingCode::ParameterRenamed, field,
                    b.model_name +
                        " rejects max_tokens; set Max tokens in params instead "
                        "(it is sent as max_completion_tokens)");
    b.body[key] = it.value();
  }
}

// Lets gpt-5.1+ with reasoning_effort "none" (params or extra) take sampling parameters; read
// before params so that the rule applies to them.
void apply_reasoning_effort(Build& b, const json& form) {
  if (!b.reasoning || !takes_sampling_without_reasoning(b.model_name)) return;
  for (const char* where : {"params", "extra"}) {
    const json* e = member(form, where);
    const std::string* effort = e ? string_member(*e, "reasoning_effort") : nullptr;
    if (effort && *effort == "none") b.sampling_allowed = true;
  }
}

}  // namespace pg::request_detail
