// The chat plans. The gateway's rules are read off its bridges (OpenAI family, Anthropic,
// Azure OpenAI; docs/gateway-parity.md names the files and commits): string steps on the
// trimmed api_base, then its HTTP client's URL parse. The prediction comes first; the
// playground then calls the same URL (the same base for Anthropic) unless its own stricter
// reading refuses it, and says when the gateway's call goes somewhere that fails.
#include "core/upstream/detail/upstream_plans.h"

#include "core/upstream/detail/upstream_url.h"

namespace pg::upstream_detail {

namespace {

constexpr std::string_view kOpenAIDefaultBase = "https://api.openai.com/v1";
constexpr std::string_view kAnthropicDefaultBase = "https://api.anthropic.com";
constexpr std::string_view kCohereCompatibilityPath = "/compatibility/v1";

std::string shown(std::string_view s) { return s.empty() ? "(none)" : in_quotes(s, 40); }

// The gateway compares vendor names trimmed and lower-cased before it picks a default base.
std::string vendor(std::string_view provider) { return lower_ascii(trim(provider)); }

UpstreamPlan refuse_plan(UpstreamPlan p, std::string message) {
  p.ok = false;
  p.error = std::move(message);
  p.url.clear();
  p.notes.clear();
  return p;
}

// Refused by the gateway itself, before any request.
UpstreamPlan config_error(UpstreamPlan p, std::string message) {
  p.gateway_outcome = GatewayOutcome::ConfigError;
  p.gateway_url.clear();
  return refuse_plan(std::move(p), std::move(message));
}

// Removes the first OpenAI-family endpoint the gateway removes, trailing slashes on both
// sides; `removed` names it ("" when none).
std::string_view strip_openai_endpoint(std::string_view base, std::string_view& removed) {
  std::string_view trimmed = trim_trailing_slashes(base);
  for (std::string_view suffix : kOpenAIEndpointSuffixes) {
    if (ends_with(trimmed, suffix)) {
      removed = suffix;
      return trim_trailing_slashes(trimmed.substr(0, trimmed.size() - suffix.size()));
    }
  }
  removed = {};
  return trimmed;
}

std::string removed_note(std::string_view endpoint) {
  return "removed " + std::string(endpoint) +
         " from the end of the base URL, as the gateway does: the base URL stops before the endpoint";
}

// The path of a URL string ("" when it has none), without query or fragment.
std::string_view path_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (start == std::string_view::npos) return {};
  return url.substr(start, url.find_first_of("?#", start) - start);
}

// Why the gateway's URL, though sent, is not the chat endpoint meant ("" when it is).
std::string misroute(const GatewayUrl& g, std::string_view base, std::string_view endpoint, const char* fix) {
  if (g.query || g.fragment)
    return std::string("the base URL's ") + (g.query ? "query string (?…)" : "fragment (#…)") + " swallows " +
           std::string(endpoint) + ", so the gateway POSTs to the base URL's own path, which fails; " + "remove the " +
           (g.query ? "query" : "fragment") + " from api_base";
  const std::string_view path = trim_trailing_slashes(path_of(base));
  for (std::string_view pasted : {"/responses", "/messages", "/chat/completions", "/completions", "/embeddings"}) {
    if (!ends_with(path, pasted)) continue;
    return "api_base ends with " + std::string(pasted) + ", which the gateway keeps: it POSTs to " + g.url +
           ", which fails; " + fix;
  }
  return "";
}

// The prediction is made; now the playground's own reading of the base it would call.
// Returns false (and refuses the plan) when the playground will not call it.
bool read_base(UpstreamPlan& p, std::string_view gateway_base, Context context, Base& out,
               const std::string& misrouted) {
  out = parse_base(gateway_base, false, context);
  if (out.ok) return true;
  std::string why = out.error;
  if (!misrouted.empty())
    why = misrouted + " (and the playground does not call it: " + why + ")";
  else if (p.gateway_outcome == GatewayOutcome::Dispatch)
    why += " (the gateway would still send to it)";
  p = refuse_plan(std::move(p), why);
  return false;
}

void set_gateway(UpstreamPlan& p, const GatewayUrl& g, const std::string& misrouted) {
  p.gateway_url = g.url;
  p.gateway_outcome = misrouted.empty() ? GatewayOutcome::Dispatch : GatewayOutcome::Misrouted;
}

// "provider_key of vendor X has no base URL" — the gateway refuses to send another vendor's
// key to a default host.
std::string no_default_base(std::string_view provider, std::string_view only, std::string_view base) {
  return "provider " + in_quotes(provider, 40) + " needs an api_base: the gateway defaults to " + std::string(base) +
         " only for provider " + std::string(only) +
         " (compared trimmed and lower-cased), and refuses to send "
         "another vendor's key there; set api_base to the vendor's base URL";
}

std::string unparsable(const GatewayUrl& g) { return "the gateway cannot call this base URL: " + g.error; }

// The gateway's call to gateway_base + endpoint predicted (`misrouted` says why it fails,
// with `fix`), then the playground's reading of the same base into `b`. False, with the plan
// refused, when the gateway cannot parse that URL or the playground will not call the base.
bool predict_and_read(UpstreamPlan& p, const std::string& gateway_base, std::string_view endpoint, const char* fix,
                      Base& b, std::string& misrouted) {
  const GatewayUrl g = parse_gateway_url(gateway_base + std::string(endpoint));
  if (!g.ok) {
    p = config_error(std::move(p), unparsable(g));
    return false;
  }
  misrouted = misroute(g, gateway_base, endpoint, fix);
  set_gateway(p, g, misrouted);
  return read_base(p, gateway_base, Context::Generic, b, misrouted);
}

// A plan that calls `url`, the key in `auth_header` after `auth_scheme`. Its notes in order:
// why the gateway's call fails (when it does), the plan's own steps, the base URL's reading.
UpstreamPlan ready(UpstreamPlan p, const std::string& misrouted, std::vector<std::string> notes,
                   std::vector<std::string> base_notes, std::string url, const char* auth_header,
                   const char* auth_scheme) {
  p.notes = std::move(notes);
  if (!misrouted.empty()) p.notes.insert(p.notes.begin(), misrouted);
  for (auto& n : base_notes) p.notes.push_back(std::move(n));
  p.url = std::move(url);
  p.auth_header = auth_header;
  p.auth_scheme = auth_scheme;
  p.ok = true;
  return p;
}

bool is_resource_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = is_alnum(c) || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

UpstreamPlan plan_openai(UpstreamPlan p, std::string_view provider, std::string_view api_base) {
  const std::string_view base = trim(api_base);
  std::string gateway_base;
  std::vector<std::string> notes;
  std::string_view removed;
  if (base.empty()) {
    const std::string v = vendor(provider);
    if (!v.empty() && v != "openai")
      return config_error(std::move(p), no_default_base(provider, "openai", kOpenAIDefaultBase));
    gateway_base = kOpenAIDefaultBase;
    notes.push_back("no api_base set: using OpenAI's https://api.openai.com/v1, as the gateway does");
  } else if (vendor(provider) == "cohere") {
    // Cohere serves OpenAI-compatible chat under <host>/compatibility/v1; the gateway derives
    // it from the host root whatever version path the base carries.
    std::string_view root = strip_openai_endpoint(base, removed);
    for (std::string_view suffix : {kCohereCompatibilityPath, std::string_view("/v1"), std::string_view("/v2")}) {
      if (ends_with(root, suffix)) {
        root.remove_suffix(suffix.size());
        break;
      }
    }
    gateway_base = std::string(trim_trailing_slashes(root)) + std::string(kCohereCompatibilityPath);
    if (!removed.empty()) notes.push_back(removed_note(removed));
    if (trim_trailing_slashes(strip_openai_endpoint(base, removed)) != gateway_base)
      notes.push_back(
          "provider cohere: the gateway calls Cohere's OpenAI-compatible API under the host root's "
          "/compatibility/v1, as here");
  } else {
    gateway_base = std::string(strip_openai_endpoint(base, removed));
    if (!removed.empty()) notes.push_back(removed_note(removed));
    // Exactly these two strings: not another case, port or path (the gateway compares text).
    if (gateway_base == "https://api.openai.com" || gateway_base == "http://api.openai.com") {
      gateway_base += "/v1";
      notes.push_back("added /v1 to " + gateway_base.substr(0, gateway_base.size() - 3) + ", as the gateway does");
    }
  }

  Base b;
  std::string misrouted;
  if (!predict_and_read(p, gateway_base, "/chat/completions",
                        "remove the endpoint from api_base (the gateway adds /chat/completions itself)", b, misrouted))
    return p;
  return ready(std::move(p), misrouted, std::move(notes), std::move(b.notes), join(b.url(), "/chat/completions"),
               "authorization", "Bearer ");
}

UpstreamPlan plan_anthropic(UpstreamPlan p, std::string_view provider, std::string_view api_base) {
  const std::string_view base = trim(api_base);
  std::string gateway_base;
  std::vector<std::string> notes;
  if (base.empty()) {
    const std::string v = vendor(provider);
    if (!v.empty() && v != "anthropic")
      return config_error(std::move(p), no_default_base(provider, "anthropic", kAnthropicDefaultBase));
    gateway_base = kAnthropicDefaultBase;
    notes.push_back("no api_base set: using https://api.anthropic.com, as the gateway does");
  } else {
    std::string_view t = trim_trailing_slashes(base);
    for (std::string_view suffix : {std::string_view("/v1/messages"), std::string_view("/v1")}) {
      if (!ends_with(t, suffix)) continue;
      t = trim_trailing_slashes(t.substr(0, t.size() - suffix.size()));
      if (suffix == "/v1/messages")
        notes.push_back(
            "removed /v1/messages (Anthropic's native Messages API) from the base URL, as the gateway "
            "does; the playground calls the OpenAI-compatible /v1/chat/completions on the same base");
      break;
    }
    gateway_base = std::string(t);
  }

  Base b;
  std::string misrouted;
  if (!predict_and_read(p, gateway_base, "/v1/messages",
                        "set api_base to the host root (e.g. https://api.anthropic.com): the gateway adds "
                        "/v1/messages itself",
                        b, misrouted))
    return p;
  if (b.host != "api.anthropic.com")
    b.notes.push_back(
        "this base is not api.anthropic.com: the playground calls /v1/chat/completions (Anthropic's "
        "OpenAI-compatible endpoint) while the gateway calls /v1/messages; a proxy that only "
        "forwards /v1/messages answers 404 here");
  // Anthropic's OpenAI-compatible layer takes the key as a Bearer token.
  return ready(std::move(p), misrouted, std::move(notes), std::move(b.notes), b.url() + "/v1/chat/completions",
               "authorization", "Bearer ");
}

UpstreamPlan plan_azure(UpstreamPlan p, std::string_view api_base, std::string_view model_name) {
  // The gateway checks the deployment first: it becomes a path segment of the URL.
  if (model_name.empty())
    return config_error(std::move(p), "model_name is empty: for Azure OpenAI it is the deployment name");
  if (!is_resource_token(model_name))
    return config_error(std::move(p),
                        "model_name " + in_quotes(model_name) +
                            " is not a deployment name the gateway accepts: only letters, digits, '-' and '_' (no "
                            "'.', '/', '?', '#' or spaces; rename the Azure deployment, e.g. gpt-4-1)");
  const std::string_view base = trim(api_base);
  if (base.empty())
    return config_error(std::move(p),
                        "adapter azure-openai needs an api_base: https://<resource>.openai.azure.com, "
                        "the resource name alone, or another http(s) root");
  std::vector<std::string> notes;
  std::string root;
  bool override_root = false;
  const bool https = starts_with(base, "https://");
  if (https || starts_with(base, "http://")) {
    const std::string_view rest = base.substr(https ? 8 : 7);
    const std::size_t dot = rest.find('.');
    std::string_view tail =
        dot == std::string_view::npos ? std::string_view() : trim_trailing_slashes(rest.substr(dot + 1));
    tail = tail.substr(0, tail.find('/'));
    if (dot != std::string_view::npos && tail == "openai.azure.com") {
      const std::string_view resource = rest.substr(0, dot);
      // Not quoted: text before the host may be user info with a password.
      if (!is_resource_token(resource))
        return config_error(std::move(p),
                            "the part of api_base before .openai.azure.com is not an Azure resource "
                            "name the gateway accepts (only letters, digits, '-' and '_'; no user info)");
      root = "https://" + lower_ascii(resource) + ".openai.azure.com";
      if (trim_trailing_slashes(rest.substr(dot + 1)).size() > tail.size())
        notes.push_back("api_base has a path after " + lower_ascii(resource) +
                        ".openai.azure.com: the gateway keeps only the "
                        "resource and adds /openai/deployments/… itself, as here");
      if (!https) notes.push_back("the gateway calls an *.openai.azure.com resource over https, as here");
    } else {
      if (rest.find('@') != std::string_view::npos)
        return config_error(std::move(p),
                            "api_base contains user info (…@): the gateway refuses it for Azure; put "
                            "the key in api_key");
      if (base.find('?') != std::string_view::npos)
        return config_error(std::move(p),
                            "api_base contains a query string (?…): the gateway refuses it for Azure "
                            "(it adds ?api-version= itself); give only the root");
      if (base.find('#') != std::string_view::npos)
        return config_error(std::move(p), "api_base contains a fragment (#…): the gateway refuses it for Azure");
      root = std::string(trim_trailing_slashes(base));
      override_root = true;
    }
  } else {
    if (!is_resource_token(base))
      return config_error(std::move(p),
                          "api_base is neither an http(s) URL (starting https:// or http://, in lower "
                          "case) nor an Azure resource name (letters, digits, '-' and '_'); write "
                          "https://<resource>.openai.azure.com");
    root = "https://" + lower_ascii(base) + ".openai.azure.com";
    notes.push_back("api_base " + in_quotes(base) + " is an Azure resource name: using " + root +
                    ", as the gateway does");
  }
  const std::string endpoint = "/openai/deployments/" + std::string(model_name) +
                               "/chat/completions?api-version=" + std::string(kAzureApiVersion);
  const GatewayUrl g = parse_gateway_url(root + endpoint);
  if (!g.ok) return config_error(std::move(p), unparsable(g));

  std::string misrouted;
  if (override_root) {
    const std::string path = lower_ascii(trim_trailing_slashes(path_of(root)));
    for (std::string_view pasted : {"/openai/deployments", "/openai/v1", "/openai", "/chat/completions"}) {
      if (path.find(pasted) == std::string::npos || (pasted != "/openai/deployments" && !ends_with(path, pasted)))
        continue;
      misrouted = "api_base already holds " + std::string(pasted) +
                  ": the gateway adds /openai/deployments/<deployment>/"
                  "chat/completions to any root that is not *.openai.azure.com, so it POSTs to " +
                  g.url + ", which fails; set api_base to the root only";
      break;
    }
  }
  set_gateway(p, g, misrouted);
  Base b;
  if (override_root) {
    if (!read_base(p, root, Context::Azure, b, misrouted)) return p;
    root = b.url();
  }
  return ready(std::move(p), misrouted, std::move(notes), std::move(b.notes), root + endpoint, "api-key", "");
}

UpstreamPlan plan_unsupported(UpstreamPlan p, std::string_view provider, std::string_view adapter) {
  std::string message = "provider " + shown(provider) + " with adapter " + shown(adapter) +
                        " cannot be tested here: the playground speaks only the OpenAI-compatible chat-completions "
                        "protocol (provider openai or anthropic, or adapter openai, anthropic or azure-openai)";
  if (adapter == "bedrock" || adapter == "vertex") {
    p.gateway_outcome = GatewayOutcome::OtherProtocol;
    message += "; " + std::string(adapter) + " keys use their cloud's own API and credentials";
  } else {
    // No specialised bridge for the provider and no family bridge for the adapter: 503.
    p.gateway_outcome = GatewayOutcome::NoRoute;
    if (adapter.empty())
      message +=
          "; without an adapter the gateway has no route for this key either (503): set adapter (openai for "
          "an OpenAI-compatible vendor)";
  }
  return refuse_plan(std::move(p), message);
}

}  // namespace pg::upstream_detail
