// Base-URL joining and the chat-completions call plan, mirroring how the AISIX gateway
// builds upstream URLs (docs/gateway-parity.md, "URLs: the rules implemented"), except that
// the playground always calls an OpenAI-compatible chat-completions endpoint. The URL
// readers live in upstream_url.cpp, the per-protocol plans in upstream_plans.cpp.
//
// Error messages never repeat the parts of a URL that may hold a secret (user info, query,
// fragment); they name hosts, schemes and ports only.
#include "core/upstream/upstream.h"

#include "core/upstream/detail/upstream_plans.h"
#include "core/upstream/detail/upstream_url.h"

namespace pg {

using namespace upstream_detail;

namespace {

bool valid_endpoint_path(std::string_view path) {
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == '\\' || ch == '?' || ch == '#') return false;
  }
  return true;
}

std::string shown_base_url_impl(std::string_view s) {
  std::size_t sep = s.find("://");
  const std::size_t authority_at = sep == std::string_view::npos ? 0 : sep + 3;
  std::string_view head = s.substr(0, authority_at);
  std::string_view rest = s.substr(authority_at);
  // `//host` (no scheme) has its authority after the slashes too.
  if (head.empty() && rest.substr(0, 2) == "//") head = rest.substr(0, 2), rest = rest.substr(2);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view remainder =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  remainder = remainder.substr(0, remainder.find_first_of("?#"));
  std::string out;
  out.reserve(s.size());
  out.append(head).append(authority).append(remainder);
  return out;
}

}  // namespace

std::string shown_base_url(std::string_view api_base) { return shown_base_url_impl(api_base); }

UrlResult upstream_url(std::string_view api_base, std::string_view path) {
  UrlResult r;
  Base b = parse_base(api_base, true, Context::Generic);
  if (!b.ok) {
    r.error = b.error;
    return r;
  }
  if (!valid_endpoint_path(path)) {
    r.error = "the endpoint path " + in_quotes(path, 40) + " is not a valid URL path";
    return r;
  }
  r.ok = true;
  r.url = join(b.url(), path);
  r.notes = std::move(b.notes);
  return r;
}

WireProtocol wire_protocol(std::string_view provider, std::string_view adapter) {
  // The gateway's two-tier dispatch: specialised bridges by exact provider, then the
  // family bridge by adapter.
  if (provider == "openai") return WireProtocol::OpenAI;
  if (provider == "anthropic") return WireProtocol::Anthropic;
  if (adapter == "openai") return WireProtocol::OpenAI;
  if (adapter == "anthropic") return WireProtocol::Anthropic;
  if (adapter == "azure-openai") return WireProtocol::AzureOpenAI;
  return WireProtocol::Unsupported;
}

std::string_view to_string(WireProtocol protocol) {
  switch (protocol) {
    case WireProtocol::OpenAI: return "openai";
    case WireProtocol::Anthropic: return "anthropic";
    case WireProtocol::AzureOpenAI: return "azure-openai";
    case WireProtocol::Unsupported: break;
  }
  return "unsupported";
}

std::string_view to_string(GatewayOutcome outcome) {
  switch (outcome) {
    case GatewayOutcome::Dispatch: return "dispatch";
    case GatewayOutcome::Misrouted: return "misrouted";
    case GatewayOutcome::ConfigError: return "config_error";
    case GatewayOutcome::OtherProtocol: return "other_protocol";
    case GatewayOutcome::NoRoute: break;
  }
  return "no_route";
}

UpstreamPlan plan_chat_call(std::string_view provider, std::string_view adapter, std::string_view api_base,
                            std::string_view model_name) {
  UpstreamPlan p;
  p.protocol = wire_protocol(provider, adapter);
  switch (p.protocol) {
    case WireProtocol::OpenAI: return plan_openai(std::move(p), provider, api_base);
    case WireProtocol::Anthropic: return plan_anthropic(std::move(p), provider, api_base);
    case WireProtocol::AzureOpenAI: return plan_azure(std::move(p), api_base, model_name);
    case WireProtocol::Unsupported: break;
  }
  return plan_unsupported(std::move(p), provider, adapter);
}

json to_json(const UrlResult& r) {
  if (!r.ok) return json{{"ok", false}, {"error", r.error}};
  return json{{"ok", true}, {"url", r.url}, {"notes", r.notes}};
}

json to_json(const UpstreamPlan& p) {
  json out = p.ok ? json{{"ok", true},
                         {"url", p.url},
                         {"authHeader", p.auth_header},
                         {"authScheme", p.auth_scheme},
                         {"protocol", std::string(to_string(p.protocol))},
                         {"notes", p.notes}}
                  : json{{"ok", false}, {"error", p.error}, {"protocol", std::string(to_string(p.protocol))}};
  out["gatewayOutcome"] = std::string(to_string(p.gateway_outcome));
  if (!p.gateway_url.empty()) out["gatewayUrl"] = p.gateway_url;
  return out;
}

}  // namespace pg
