// Base-URL normalisation and the chat-completions call plan, mirroring how the AISIX
// gateway builds upstream URLs (aisix-resources.md §2 and §9), except that the playground
// always calls an OpenAI-compatible chat-completions endpoint.
//
// Error messages never repeat the parts of a URL that may hold a secret (user info, query,
// fragment); they name hosts, schemes and ports only.
#include "core/upstream.h"

#include "core/address.h"

#include <cstddef>

namespace pg {
namespace {

constexpr std::string_view kOpenAIDefaultBase = "https://api.openai.com/v1";
constexpr std::string_view kAnthropicDefaultBase = "https://api.anthropic.com";
// Far beyond any real base URL; keeps every later step and every message small.
constexpr std::size_t kMaxBaseUrlLength = 2048;

// The OpenAI-family endpoints people paste by mistake; longest first, since
// "/completions" is also the end of "/chat/completions".
constexpr std::string_view kPastedEndpoints[] = {"/chat/completions", "/completions", "/embeddings",
                                                 "/responses"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

void strip_trailing_slashes(std::string& path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
}

std::string in_quotes(std::string_view s, std::size_t max_chars = 60) {
  return "\"" + excerpt(s, max_chars) + "\"";
}

std::string shown(std::string_view s) { return s.empty() ? "(none)" : in_quotes(s, 40); }

// Where a query string or fragment is refused, what the person should do instead.
enum class Context { Generic, Azure };

// A base URL taken apart. `path` is "" or starts with '/', never ends with '/'.
struct Base {
  bool ok = false;
  std::string error;
  std::string scheme, host, port, path;
  std::vector<std::string> notes;

  std::string url() const { return scheme + "://" + host + (port.empty() ? "" : ":" + port) + path; }
};

Base refuse(std::string message) {
  Base b;
  b.error = std::move(message);
  return b;
}

// The first character no base URL may carry, as a sentence; "" when there is none.
// Browsers' URL parsers silently drop tabs/newlines and turn '\' into '/'; refusing them
// keeps what we check identical to what is called.
std::string forbidden_character(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ') return "the base URL contains a space";
    if (c < 0x20 || c == 0x7f) return "the base URL contains a control character (a tab or a line break?)";
    if (c >= 0x80)
      return "the base URL contains a non-ASCII character: write the host in its xn-- (punycode) form "
             "and percent-encode the path";
    if (c == '\\') return "the base URL contains a backslash: URLs use '/'";
    if (std::string_view("\"<>^`{|}").find(ch) != std::string_view::npos)
      return std::string("the base URL contains '") + ch + "', which is not allowed in a URL";
  }
  return "";
}

bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// True when the last dot-separated label is a number (digits, or 0x + hex): the URL
// standard then reads the whole host as an IPv4 address, and so must we.
bool ends_in_number(std::string_view host) {
  std::size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool digits = true;
  for (char c : last) digits = digits && is_digit(c);
  if (digits) return true;
  if (last.size() < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X')) return false;
  for (char c : last.substr(2))
    if (!is_hex(c)) return false;
  return true;
}

// DNS names as resolvers take them: labels of 1–63 letters, digits, '-' (not first or
// last) and '_' (accepted: Docker/Compose service names such as "vllm_server" use it and
// getaddrinfo resolves them), at most 253 characters. `host` is already lower-case.
std::string dns_name_error(std::string_view host) {
  if (host.size() > 253) return "the host name is longer than 253 characters";
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    std::string_view label = host.substr(start, end - start);
    if (label.empty()) return "the host " + in_quotes(host) + " has an empty label (two dots in a row?)";
    if (label.size() > 63) return "the host " + in_quotes(host) + " has a label longer than 63 characters";
    if (label.front() == '-' || label.back() == '-')
      return "the host " + in_quotes(host) + " has a label that starts or ends with '-'";
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
      if (!ok)
        return "the host " + in_quotes(host) + " contains '" + std::string(1, c) +
               "', which is not allowed in a host name";
    }
    start = end + 1;
  }
  return "";
}

bool is_dot_segment(std::string_view segment) {
  std::string s = lower(segment);
  return s == "." || s == ".." || s == "%2e" || s == ".%2e" || s == "%2e." || s == "%2e%2e";
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
  std::string_view remainder = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  remainder = remainder.substr(0, remainder.find_first_of("?#"));
  std::string out;
  out.reserve(s.size());
  out.append(head).append(authority).append(remainder);
  return out;
}

// Parses and normalises a base URL. `strip_endpoint` removes a pasted OpenAI-family
// endpoint (the gateway does that for the OpenAI family, not for Azure).
Base parse_base(std::string_view raw, bool strip_endpoint, Context context) {
  std::string_view s = trim(raw);
  if (s.empty()) return refuse("the base URL is empty");
  if (s.size() > kMaxBaseUrlLength) return refuse("the base URL is longer than 2048 characters");
  if (auto bad = forbidden_character(s); !bad.empty()) return refuse(bad);

  Base b;
  std::string_view rest;
  std::size_t sep = s.find("://");
  if (sep != std::string_view::npos && is_scheme(s.substr(0, sep))) {
    b.scheme = lower(s.substr(0, sep));
    rest = s.substr(sep + 3);
    if (b.scheme != "http" && b.scheme != "https")
      return refuse("the scheme " + in_quotes(b.scheme + ":", 24) +
                    " is not supported: use https:// (or http:// for a server on your own network)");
  } else if (s.substr(0, 2) == "//") {
    b.scheme = "https";
    rest = s.substr(2);
    b.notes.push_back("added https: in front of the base URL, which started with //");
  } else if (starts_with_ci(s, "http:") || starts_with_ci(s, "https:")) {
    return refuse("the base URL needs \"//\" after the scheme, as in https://host/v1");
  } else {
    b.scheme = "https";
    rest = s;
    b.notes.push_back("added https:// in front of the base URL, which had no scheme");
  }

  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view remainder = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  if (authority.find('@') != std::string_view::npos)
    return refuse("the base URL contains credentials (user:password@ before the host): remove them and put the "
                  "key in the provider key's api_key instead");
  if (remainder.find('?') != std::string_view::npos)
    return refuse(context == Context::Azure
                      ? "the base URL contains a query string (?…): give only the resource root, e.g. "
                        "https://<resource>.openai.azure.com; the api-version is added for you"
                      : "the base URL contains a query string (?…): keys or options in query strings are not "
                        "supported; put the key in the provider key's api_key");
  if (remainder.find('#') != std::string_view::npos)
    return refuse("the base URL contains a fragment (#…): remove it");
  if (authority.empty()) return refuse("the base URL has no host");

  // Host and port.
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return refuse("the base URL has a '[' without a closing ']'");
    std::string_view literal = authority.substr(1, close - 1);
    if (literal.find('%') != std::string_view::npos)
      return refuse("the base URL has an IPv6 zone id ('%'), which URLs cannot carry to the relay");
    auto address = parse_ipv6(literal);
    if (!address) return refuse("the host " + in_quotes(literal) + " in brackets is not a valid IPv6 address");
    b.host = "[" + format_ipv6(*address) + "]";
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return refuse("the base URL has text after the IPv6 host's ']'");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    std::size_t colon = authority.find(':');
    std::string host_text = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host_text.size() > 1 && host_text.back() == '.') {
      host_text.pop_back();
      b.notes.push_back("removed the trailing dot of the host name");
    }
    if (host_text.empty()) return refuse("the base URL has no host");
    if (ends_in_number(host_text)) {
      auto address = parse_ipv4(host_text);
      if (!address)
        return refuse("the host " + in_quotes(host_text) + " looks like an IPv4 address but is not a valid one");
      std::string dotted = format_ipv4(*address);
      if (dotted != host_text)
        b.notes.push_back("the host " + in_quotes(host_text) + " is a numeric form of the IPv4 address " + dotted +
                          "; using " + dotted);
      b.host = dotted;
    } else {
      if (auto bad = dns_name_error(host_text); !bad.empty()) return refuse(bad);
      b.host = host_text;
    }
  }
  if (has_port) {
    if (port_text.empty()) return refuse("the base URL has ':' after the host but no port number");
    unsigned long port = 0;
    for (char c : port_text) {
      if (!is_digit(c)) return refuse("the port " + in_quotes(port_text, 20) + " is not a number");
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) return refuse("the port " + in_quotes(port_text, 20) + " is out of range (1–65535)");
    }
    if (port == 0) return refuse("the port 0 is out of range (1–65535)");
    bool default_port = (b.scheme == "https" && port == 443) || (b.scheme == "http" && port == 80);
    if (!default_port) b.port = std::to_string(port);
  }

  // Path: percent-encoding kept as given; dot segments refused because URL parsers
  // resolve them (even as %2e) and the call would go somewhere other than what was shown.
  b.path = std::string(remainder);
  for (std::size_t start = 0; start < b.path.size();) {
    std::size_t end = b.path.find('/', start);
    if (end == std::string::npos) end = b.path.size();
    if (is_dot_segment(std::string_view(b.path).substr(start, end - start)))
      return refuse("the base URL's path contains a \".\" or \"..\" segment: write the path out without it");
    start = end + 1;
  }
  strip_trailing_slashes(b.path);
  if (strip_endpoint) {
    for (std::string_view endpoint : kPastedEndpoints) {
      if (ends_with(b.path, endpoint)) {
        b.path.resize(b.path.size() - endpoint.size());
        strip_trailing_slashes(b.path);
        b.notes.push_back("removed " + std::string(endpoint) +
                          " from the end of the base URL: the base URL stops before the endpoint");
        break;
      }
    }
  }
  b.ok = true;
  return b;
}

// Joins with exactly one slash; "" adds nothing.
std::string join(const std::string& base, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.empty() ? base : base + "/" + std::string(path);
}

bool valid_endpoint_path(std::string_view path) {
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == '\\' || ch == '?' || ch == '#') return false;
  }
  return true;
}

// RFC 3986 unreserved characters stay, everything else is %XX: a deployment name cannot
// add path segments or a query.
std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// "myres": the gateway accepts an Azure resource name alone (a single DNS label).
bool is_resource_name(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  return true;
}

UpstreamPlan refuse_plan(UpstreamPlan p, std::string message) {
  p.ok = false;
  p.error = std::move(message);
  p.url.clear();
  p.notes.clear();
  return p;
}

void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

UpstreamPlan plan_openai(UpstreamPlan p, std::string_view provider, std::string_view api_base) {
  std::string_view base = trim(api_base);
  if (base.empty()) {
    if (!provider.empty() && provider != "openai")
      return refuse_plan(p, "provider " + in_quotes(provider, 40) +
                                " needs an api_base: only provider openai has a default (https://api.openai.com/v1)");
    base = kOpenAIDefaultBase;
    p.notes.push_back("no api_base set: using OpenAI's https://api.openai.com/v1, as the gateway does");
  }
  Base b = parse_base(base, true, Context::Generic);
  if (!b.ok) return refuse_plan(p, b.error);
  append(p.notes, b.notes);
  if (b.url() == "https://api.openai.com") {
    b.path = "/v1";
    p.notes.push_back("added /v1 to https://api.openai.com, as the gateway does");
  }
  p.url = join(b.url(), "/chat/completions");
  p.auth_header = "authorization";
  p.auth_scheme = "Bearer ";
  p.ok = true;
  return p;
}

UpstreamPlan plan_anthropic(UpstreamPlan p, std::string_view provider, std::string_view api_base) {
  std::string_view base = trim(api_base);
  if (base.empty()) {
    if (!provider.empty() && provider != "anthropic")
      return refuse_plan(p, "provider " + in_quotes(provider, 40) +
                                " needs an api_base: only provider anthropic has a default (https://api.anthropic.com)");
    base = kAnthropicDefaultBase;
    p.notes.push_back("no api_base set: using https://api.anthropic.com, as the gateway does");
  }
  Base b = parse_base(base, true, Context::Generic);
  if (!b.ok) return refuse_plan(p, b.error);
  append(p.notes, b.notes);
  if (ends_with(b.path, "/v1/messages")) {
    b.path.resize(b.path.size() - std::string_view("/v1/messages").size());
    p.notes.push_back(
        "removed /v1/messages (Anthropic's native Messages API) from the base URL; the playground calls the "
        "OpenAI-compatible /v1/chat/completions on the same base");
  } else if (ends_with(b.path, "/v1")) {
    b.path.resize(b.path.size() - 3);
  }
  strip_trailing_slashes(b.path);
  if (b.host != "api.anthropic.com")
    p.notes.push_back("this base is not api.anthropic.com: the playground calls /v1/chat/completions (Anthropic's "
                      "OpenAI-compatible endpoint) while the gateway calls /v1/messages; a proxy that only "
                      "forwards /v1/messages answers 404 here");
  // Anthropic's OpenAI-compatible layer takes the key as a Bearer token.
  p.url = b.url() + "/v1/chat/completions";
  p.auth_header = "authorization";
  p.auth_scheme = "Bearer ";
  p.ok = true;
  return p;
}

UpstreamPlan plan_azure(UpstreamPlan p, std::string_view api_base, std::string_view model_name) {
  std::string_view base = trim(api_base);
  if (base.empty())
    return refuse_plan(p, "adapter azure-openai needs an api_base: https://<resource>.openai.azure.com or just the "
                          "resource name");
  if (model_name.empty()) return refuse_plan(p, "model_name is empty: for Azure OpenAI it is the deployment name");
  if (model_name == "." || model_name == "..")
    return refuse_plan(p, "model_name " + in_quotes(model_name) + " is not a deployment name");
  Base b;
  if (is_resource_name(base)) {
    b.ok = true;
    b.scheme = "https";
    b.host = lower(base) + ".openai.azure.com";
    b.notes.push_back("api_base " + in_quotes(base) + " is an Azure resource name: using https://" + b.host);
  } else {
    b = parse_base(base, false, Context::Azure);
    if (!b.ok) return refuse_plan(p, b.error);
  }
  // The gateway appends /openai/deployments/… to the root verbatim, so a longer api_base
  // fails there; say so instead of quietly repairing it here.
  std::string path = lower(b.path);
  if (path.find("/openai/deployments") != std::string::npos)
    return refuse_plan(p, "api_base already contains /openai/deployments/…: the gateway adds that itself; set api_base "
                          "to the resource root, e.g. https://<resource>.openai.azure.com");
  if (ends_with(path, "/openai/v1"))
    return refuse_plan(p, "api_base ends with /openai/v1, Azure's OpenAI-compatible v1 API: either use adapter openai "
                          "with this api_base, or set api_base to the resource root for adapter azure-openai");
  if (ends_with(path, "/openai"))
    return refuse_plan(p, "api_base ends with /openai: the gateway adds /openai/deployments/… itself; set api_base to "
                          "the resource root, e.g. https://<resource>.openai.azure.com");
  append(p.notes, b.notes);
  p.url = b.url() + "/openai/deployments/" + percent_encode(model_name) +
          "/chat/completions?api-version=" + std::string(kAzureApiVersion);
  p.auth_header = "api-key";
  p.auth_scheme = "";
  p.ok = true;
  return p;
}

UpstreamPlan plan_unsupported(UpstreamPlan p, std::string_view provider, std::string_view adapter) {
  std::string message = "provider " + shown(provider) + " with adapter " + shown(adapter) +
                        " cannot be tested here: the playground speaks only the OpenAI-compatible chat-completions "
                        "protocol (provider openai or anthropic, or adapter openai, anthropic or azure-openai)";
  if (adapter.empty())
    message += "; without an adapter the gateway has no route for this key either: set adapter (openai for an "
               "OpenAI-compatible vendor)";
  else if (adapter == "bedrock" || adapter == "vertex")
    message += "; " + std::string(adapter) + " keys use their cloud's own API and credentials";
  return refuse_plan(p, message);
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
  if (!p.ok) return json{{"ok", false}, {"error", p.error}, {"protocol", std::string(to_string(p.protocol))}};
  return json{{"ok", true},
              {"url", p.url},
              {"authHeader", p.auth_header},
              {"authScheme", p.auth_scheme},
              {"protocol", std::string(to_string(p.protocol))},
              {"notes", p.notes}};
}

}  // namespace pg
