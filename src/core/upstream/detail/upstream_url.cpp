// The two URL readers behind a chat plan (see upstream_url.h). Error messages never repeat
// the parts of a URL that may hold a secret (user info, query, fragment); they name hosts,
// schemes and ports only.
#include "core/upstream/detail/upstream_url.h"

#include "core/base/json_util.h"
#include "core/upstream/address.h"

#include <algorithm>

namespace pg::upstream_detail {

const std::string_view kOpenAIEndpointSuffixes[7] = {
    "/chat/completions",     "/completions",        "/embeddings",   "/images/generations",
    "/audio/transcriptions", "/audio/translations", "/audio/speech",
};

namespace {

// Far beyond any real base URL; keeps every later step and every message small.
constexpr std::size_t kMaxBaseUrlLength = 2048;

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
  if (last.empty() && dot != std::string_view::npos && dot > 0) {
    // "1.2.3.4." — the standard ignores one trailing dot here.
    std::string_view rest = host.substr(0, dot);
    std::size_t prev = rest.rfind('.');
    last = prev == std::string_view::npos ? rest : rest.substr(prev + 1);
  }
  if (last.empty()) return false;
  bool digits = true;
  for (char c : last) digits = digits && is_digit(c);
  if (digits) return true;
  if (last.size() < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X')) return false;
  for (char c : last.substr(2))
    if (!is_hex_digit(c)) return false;
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

// ".", "..", and their %2e spellings: WHATWG URL parsers resolve them.
int dot_segment(std::string_view segment) {
  std::string s = lower_ascii(segment);
  if (s == "." || s == "%2e") return 1;
  if (s == ".." || s == ".%2e" || s == "%2e." || s == "%2e%2e") return 2;
  return 0;
}

std::string no_scheme_message(std::string_view s) {
  if (s.substr(0, 2) == "//")
    return "the base URL has no scheme: write https: (or http:) in front of its //; the gateway cannot call a "
           "base URL without one";
  return "the base URL has no scheme: write https:// (or http:// for a server on your own network) in front of it; "
         "the gateway cannot call a base URL without one";
}

}  // namespace

std::string_view trim_trailing_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

std::string in_quotes(std::string_view s, std::size_t max_chars) { return "\"" + excerpt(s, max_chars) + "\""; }

std::string join(const std::string& base, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.empty() ? base : base + "/" + std::string(path);
}

Base parse_base(std::string_view raw, bool strip_endpoint, Context context) {
  std::string_view s = trim(raw);
  if (s.empty()) return refuse("the base URL is empty");
  if (s.size() > kMaxBaseUrlLength) return refuse("the base URL is longer than 2048 characters");
  if (auto bad = forbidden_character(s); !bad.empty()) return refuse(bad);

  Base b;
  std::string_view rest;
  // "host:8080/v1" reads as scheme "host" to a URL parser; a digit after the colon says a
  // port was meant, so that is reported as a missing scheme.
  const std::size_t colon = s.find(':');
  const bool has_scheme = colon != std::string_view::npos && is_scheme(s.substr(0, colon)) &&
                          !(colon + 1 < s.size() && is_digit(s[colon + 1]));
  if (!has_scheme) return refuse(no_scheme_message(s));
  b.scheme = lower_ascii(s.substr(0, colon));
  if (b.scheme != "http" && b.scheme != "https")
    return refuse("the scheme " + in_quotes(b.scheme + ":", 24) +
                  " is not supported: use https:// (or http:// for a server on your own network)");
  if (s.substr(colon + 1, 2) != "//")
    return refuse("the base URL needs \"//\" after the scheme, as in https://host/v1");
  rest = s.substr(colon + 3);

  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view remainder =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  if (authority.find('@') != std::string_view::npos)
    return refuse(
        "the base URL contains credentials (user:password@ before the host): remove them and put the "
        "key in the provider key's api_key instead");
  if (remainder.find('?') != std::string_view::npos)
    return refuse(context == Context::Azure
                      ? "the base URL contains a query string (?…): give only the resource root, e.g. "
                        "https://<resource>.openai.azure.com; the api-version is added for you"
                      : "the base URL contains a query string (?…): keys or options in query strings are not "
                        "supported; put the key in the provider key's api_key");
  if (remainder.find('#') != std::string_view::npos) return refuse("the base URL contains a fragment (#…): remove it");
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
    const std::size_t port_at = authority.find(':');
    std::string host_text = lower_ascii(authority.substr(0, port_at));
    if (port_at != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(port_at + 1);
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

  // Path: percent-encoding kept as given. "." and ".." segments (even as %2e) are resolved
  // here, as every URL parser resolves them, so the URL shown is the URL called.
  std::vector<std::string_view> segments;
  bool dotted = false;
  for (std::size_t start = 1; start <= remainder.size() && !remainder.empty();) {
    std::size_t end = remainder.find('/', start);
    if (end == std::string_view::npos) end = remainder.size();
    const std::string_view segment = remainder.substr(start, end - start);
    const int dots = dot_segment(segment);
    dotted = dotted || dots != 0;
    if (dots == 2 && !segments.empty())
      segments.pop_back();
    else if (dots == 0)
      segments.push_back(segment);
    start = end + 1;
  }
  b.path.clear();
  for (std::string_view segment : segments) b.path.append("/").append(segment);
  if (dotted)
    b.notes.push_back("resolved the \".\" and \"..\" segments of the path, as URL parsers do: the path is " +
                      in_quotes(b.path.empty() ? "/" : b.path));
  b.path = std::string(trim_trailing_slashes(b.path));
  if (strip_endpoint) {
    for (std::string_view endpoint : kOpenAIEndpointSuffixes) {
      if (ends_with(b.path, endpoint)) {
        b.path =
            std::string(trim_trailing_slashes(std::string_view(b.path).substr(0, b.path.size() - endpoint.size())));
        b.notes.push_back("removed " + std::string(endpoint) +
                          " from the end of the base URL: the base URL stops before the endpoint");
        break;
      }
    }
  }
  b.ok = true;
  return b;
}

// --- the gateway's reading: WHATWG URL rules for http and https -----------------------------

namespace {

GatewayUrl unusable(std::string why) {
  GatewayUrl g;
  g.error = std::move(why);
  return g;
}

// Percent-encodes the bytes `encode` selects, keeping everything else (existing %XX too).
template <typename Pred>
std::string percent_encode_if(std::string_view s, Pred encode) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (encode(c)) {
      out.push_back('%');
      append_hex(out, c, /*upper=*/true);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool path_encoded(unsigned char c) {
  return c < 0x21 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
}
bool query_encoded(unsigned char c) { return c < 0x21 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '\''; }
bool fragment_encoded(unsigned char c) { return c < 0x21 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '`'; }

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex_digit(s[i + 1]) && is_hex_digit(s[i + 2])) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool forbidden_domain_byte(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' ||
         c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|';
}

std::string gateway_path(std::string_view raw) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  if (!raw.empty()) start = 1;  // the leading '/' or '\'
  while (start <= raw.size() && !raw.empty()) {
    std::size_t end = raw.find_first_of("/\\", start);
    const bool last = end == std::string_view::npos;
    if (last) end = raw.size();
    const std::string_view segment = raw.substr(start, end - start);
    const int dots = dot_segment(segment);
    if (dots == 2) {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (dots == 1) {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(percent_encode_if(segment, path_encoded));
    }
    if (last) break;
    start = end + 1;
  }
  std::string out;
  for (const auto& s : segments) out += "/" + s;
  return out.empty() ? "/" : out;
}

}  // namespace

GatewayUrl parse_gateway_url(std::string_view input) {
  // Leading and trailing C0 controls and spaces go; tabs and line breaks anywhere go.
  while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20) input.remove_prefix(1);
  while (!input.empty() && static_cast<unsigned char>(input.back()) <= 0x20) input.remove_suffix(1);
  std::string s;
  for (char c : input)
    if (c != '\t' && c != '\n' && c != '\r') s.push_back(c);

  std::size_t colon = s.find(':');
  if (colon == std::string::npos || !is_scheme(std::string_view(s).substr(0, colon)))
    return unusable("it has no scheme, so it is not a URL the gateway can send to (write https:// or http://)");
  const std::string scheme = lower_ascii(std::string_view(s).substr(0, colon));
  if (scheme != "http" && scheme != "https")
    return unusable("its scheme " + in_quotes(scheme + ":", 24) +
                    " is not http or https, the only ones the "
                    "gateway's HTTP client sends to");
  std::string_view rest = std::string_view(s).substr(colon + 1);
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);

  GatewayUrl g;
  const std::size_t authority_end = rest.find_first_of("/\\?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    g.userinfo = true;
    authority.remove_prefix(at + 1);
  }

  std::string host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return unusable("its IPv6 host has no closing ']'");
    auto address = parse_ipv6(authority.substr(1, close - 1));
    if (!address) return unusable("its IPv6 host is not a valid address");
    host = "[" + format_ipv6(*address) + "]";
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return unusable("it has text after the IPv6 host's ']'");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const std::size_t port_at = authority.find(':');
    if (port_at != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(port_at + 1);
    }
    host = lower_ascii(percent_decode(authority.substr(0, port_at)));
    if (host.empty()) return unusable("it has no host");
    for (char c : host) {
      const auto u = static_cast<unsigned char>(c);
      // A non-ASCII name would be converted to its punycode form; that is not predicted here.
      if (u >= 0x80) return unusable("its host is not ASCII (write it in its xn-- form)");
      if (forbidden_domain_byte(u)) return unusable("its host contains a character no host name may hold");
    }
    if (ends_in_number(host)) {
      std::string_view numeric = host;
      if (numeric.back() == '.') numeric.remove_suffix(1);
      auto address = parse_ipv4(numeric);
      if (!address) return unusable("its host looks like an IPv4 address but is not a valid one");
      host = format_ipv4(*address);
    }
  }
  std::string port;
  if (has_port && !port_text.empty()) {
    unsigned long value = 0;
    for (char c : port_text) {
      if (!is_digit(c)) return unusable("its port is not a number");
      value = value * 10 + static_cast<unsigned long>(c - '0');
      if (value > 65535) return unusable("its port is out of range");
    }
    const bool default_port = (scheme == "https" && value == 443) || (scheme == "http" && value == 80);
    if (!default_port) port = std::to_string(value);
  }

  const std::size_t query_at = tail.find('?');
  const std::size_t fragment_at = tail.find('#');
  const std::size_t path_end = std::min(query_at, fragment_at);
  g.url = scheme + "://" + host + (port.empty() ? "" : ":" + port) + gateway_path(tail.substr(0, path_end));
  if (query_at != std::string_view::npos && query_at < fragment_at) {
    g.query = true;
    g.url += "?" + percent_encode_if(
                       tail.substr(query_at + 1, fragment_at == std::string_view::npos ? std::string_view::npos
                                                                                       : fragment_at - query_at - 1),
                       query_encoded);
  }
  if (fragment_at != std::string_view::npos) {
    g.fragment = true;
    g.url += "#" + percent_encode_if(tail.substr(fragment_at + 1), fragment_encoded);
  }
  g.ok = true;
  return g;
}

// --- the lenient reading ----------------------------------------------------------------------

LenientBase parse_base_lenient(std::string_view raw) {
  LenientBase b;
  const std::string_view s = trim(raw.substr(0, std::min(raw.size(), kMaxBaseUrlLength)));
  if (s.empty()) return b;
  b.present = true;
  std::string_view rest = s;
  b.scheme = "https";
  if (const auto sep = rest.find("://"); sep != std::string_view::npos && sep < 16) {
    b.scheme = lower_ascii(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
  }
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view after = rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    b.credentials = true;
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    host = authority.substr(1, close == std::string_view::npos ? authority.size() - 1 : close - 1);
    if (close != std::string_view::npos && close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  b.host = lower_ascii(host);
  b.port = port.empty() ? (b.scheme == "http" ? "80" : "443") : std::string(port);
  b.path = std::string(trim_trailing_slashes(after.substr(0, std::min(after.find_first_of("?#"), after.size()))));
  b.text = b.scheme + "://" + std::string(authority) + std::string(after);
  return b;
}

}  // namespace pg::upstream_detail
