// Wording shared by the explainers: how evidence names an HTTP error, and the advice for
// a base URL that does not lead to an OpenAI-compatible API (the most common mistake: a
// missing /v1, a web site, a provider's native API).
#include "core/diagnose/detail/rules.h"

namespace pg::diag {

namespace {

// A path segment such as "v1", "v2", "v1beta", "v1alpha1": the version that OpenAI-style
// APIs put before /chat/completions.
bool is_version_segment(std::string_view seg) {
  if (seg.size() < 2 || (seg[0] != 'v' && seg[0] != 'V')) return false;
  std::size_t i = 1;
  while (i < seg.size() && is_digit(seg[i])) ++i;
  if (i == 1) return false;
  const std::string rest = lower_ascii(seg.substr(i));
  return rest.empty() || starts_with(rest, "beta") || starts_with(rest, "alpha");
}

// Whether the path already looks like an API root (so "add /v1" would be wrong advice).
bool looks_like_api_path(std::string_view path) {
  std::size_t at = 0;
  while (at < path.size()) {
    std::size_t next = path.find('/', at);
    if (next == std::string_view::npos) next = path.size();
    const std::string_view seg = path.substr(at, next - at);
    if (is_version_segment(seg) || lower_ascii(seg) == "openai") return true;
    at = next + 1;
  }
  return false;
}

std::string display_base(const BaseUrl& b) {
  std::string host = b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host;
  const bool default_port = (b.scheme == "https" && b.port == "443") || (b.scheme == "http" && b.port == "80");
  return b.scheme + "://" + host + (default_port ? "" : ":" + b.port) + b.path;
}

}  // namespace

std::string first_upper(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string http_evidence(const ProviderFacts& f) {
  std::string label = f.type;
  const std::string status_text = std::to_string(f.http_status);
  if (!f.code.empty() && f.code != f.type && f.code != status_text && f.code != std::to_string(f.status))
    label += (label.empty() ? "" : "/") + f.code;
  const std::string prefix = f.mid_stream ? std::string("error event in the stream") +
                                                (f.status ? " (code " + std::to_string(f.status) + ")" : "")
                             : f.http_status ? "HTTP " + status_text
                                             : std::string("the provider's error");
  switch (f.shape) {
    case BodyShape::Envelope: return prefix + (label.empty() ? "" : " " + label) + ": " + f.message;
    case BodyShape::Html: return prefix + " HTML page \"" + excerpt(f.message, 120) + "\"";
    case BodyShape::Text: return prefix + " plain text: " + f.message;
    case BodyShape::Empty: return prefix + " with an empty body";
    case BodyShape::Json: return prefix + " JSON that is not an error envelope: " + f.message;
  }
  return prefix;
}

bool is_azure(const Outcome& o) {
  const std::string& h = o.base.host;
  return o.provider.find("azure") != std::string::npos || ends_with(h, ".azure.com") || ends_with(h, ".azure-api.net");
}

std::string endpoint_advice(const Outcome& o, bool web_page) {
  const std::string prefix = web_page ? "a web page answered, not an API: " : "";
  const std::string& host = o.base.host;
  if (is_azure(o))
    return prefix +
           "Azure needs the resource endpoint (https://<resource>.openai.azure.com) as the base URL, "
           "a valid api-version, and the deployment name as the model name";
  if (host == "api.anthropic.com")
    return prefix + "use Anthropic's OpenAI-compatible base URL https://api.anthropic.com/v1/";
  if (host == "generativelanguage.googleapis.com")
    return prefix + "use Gemini's OpenAI-compatible base URL https://generativelanguage.googleapis.com/v1beta/openai/";
  if (host == "api.openai.com") return prefix + "use OpenAI's base URL https://api.openai.com/v1";
  if (!o.base.present) return prefix + "check the base URL: it does not point at an OpenAI-compatible API";
  if (!looks_like_api_path(o.base.path))
    return prefix +
           "does the base URL end in /v1? OpenAI-compatible servers (vLLM, llama.cpp, Ollama, "
           "LM Studio) usually need it: try " +
           display_base(o.base) + "/v1";
  return prefix + "the base URL does not point at an OpenAI-compatible API: " + display_base(o.base) +
         "/chat/completions is not a chat endpoint; check the base URL in the provider's documentation";
}

std::string quoted_model(const Outcome& o, const std::string& message) {
  if (!o.model_name.empty()) return "`" + excerpt(o.model_name, 80) + "`";
  // The provider often names it: "The model `gpt-99` does not exist …".
  const std::size_t open = message.find('`');
  if (open != std::string::npos) {
    const std::size_t close = message.find('`', open + 1);
    if (close != std::string::npos && close > open + 1 && close - open <= 81)
      return message.substr(open, close - open + 1);
  }
  return "the model";
}

std::string host_or_provider(const Outcome& o) {
  if (o.base.host.empty()) return "the provider";
  return o.base.host.find(':') != std::string::npos ? "[" + o.base.host + "]" : o.base.host;
}

std::string host_port(const Outcome& o) {
  if (o.base.host.empty()) return "the provider's host";
  return host_or_provider(o) + ":" + o.base.port;
}

}  // namespace pg::diag

namespace pg::diag {

namespace {

// Why the model list could not be had, by its problem code (model_list.h).
std::string unavailable_reason(const ModelSuggestions& s, const Outcome& o) {
  const std::string& why = s.unavailable;
  if (why == "not_listed")
    return is_azure(o) ? "Azure lists deployments in the portal, not to the key"
                       : "this provider lists no models to the key";
  if (why == "bad_base_url") return "the base URL cannot be called";
  if (why == "http_error")
    return s.status ? "it answered GET /models with HTTP " + std::to_string(s.status) : "it refused GET /models";
  if (why == "not_a_list") return "its answer to GET /models is not a model list";
  if (why == "too_large") return "the list is too large to read";
  if (why == "empty") return "the list is empty";
  if (why == "unreachable") return "the relay could not get it";
  return "it could not be read";
}

std::string names_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " and " : ", ";
    out += "`" + names[i] + "`";
  }
  return out;
}

}  // namespace

std::string model_advice(const Outcome& o, std::string refused, const std::string& fix) {
  if (!o.suggestions) return refused + ": " + fix;
  const ModelSuggestions& s = *o.suggestions;
  if (!s.unavailable.empty())
    return refused + ": " + fix + "; the provider's model list could not be had (" + unavailable_reason(s, o) +
           "), so no close name can be suggested";
  if (s.names.empty()) {
    const std::string count = s.listed ? std::to_string(s.listed) + " " : std::string();
    return refused + ": " + fix + "; none of the " + count +
           "models this key can list is close to it (see Models this "
           "key can use)";
  }
  // The names first: a one-line cut (the advice's, or a table's summary column) keeps them.
  const std::string which = s.names.size() == 1 ? "it" : "one of them";
  const std::string advice =
      "the provider serves " + names_list(s.names) + " for this key; did you mean " + which + "?";
  const std::string whole = advice + " (" + refused + ")";
  return whole.size() <= 290 ? whole : advice;
}

}  // namespace pg::diag
