// Internal to upstream.cpp and upstream_plans.cpp: the two URL readers behind a chat plan.
//
// - parse_base(): the playground's own, strict reading of a base URL. It refuses what it
//   will not call (credentials, a query, a fragment, spaces, dot segments, non-ASCII, an
//   invalid host) and says why; what it accepts is already in the form Node's URL parser
//   gives, so what the relay checks is what it calls.
// - parse_gateway_url(): how the gateway's HTTP stack reads the URL string the gateway
//   built (the WHATWG URL rules Rust's url crate follows), to predict the URL it calls.
//   It accepts more than parse_base does (it percent-encodes a space, resolves "..").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pg::upstream_detail {

// --- small string helpers -------------------------------------------------------------------
bool is_space(char c);
std::string_view trim(std::string_view s);          // ASCII white space, both ends
std::string lower(std::string_view s);
bool ends_with(std::string_view s, std::string_view suffix);
bool starts_with(std::string_view s, std::string_view prefix);
std::string_view trim_trailing_slashes(std::string_view s);
std::string in_quotes(std::string_view s, std::size_t max_chars = 60);
// Joins with exactly one slash; "" adds nothing.
std::string join(const std::string& base, std::string_view path);

// --- the playground's reading ---------------------------------------------------------------

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

// The OpenAI-family endpoints the gateway removes from the end of a base (in its order:
// "/completions" is also the end of "/chat/completions"). Not "/responses": the gateway
// keeps it, and so calls base + "/responses/chat/completions".
extern const std::string_view kOpenAIEndpointSuffixes[7];

// Parses and normalises a base URL. A scheme is required (http or https): the gateway cannot
// call a base without one. `strip_endpoint` removes one pasted OpenAI-family endpoint.
Base parse_base(std::string_view raw, bool strip_endpoint, Context context);

// --- the gateway's reading ------------------------------------------------------------------

struct GatewayUrl {
  bool ok = false;
  std::string error;   // why the gateway's HTTP client cannot send to it (never quotes secrets)
  std::string url;     // serialised as sent: no user info (the client moves it into a header)
  bool userinfo = false, query = false, fragment = false;
};

GatewayUrl parse_gateway_url(std::string_view raw);

}  // namespace pg::upstream_detail
