// Internal to upstream.cpp and upstream_plans.cpp: the two URL readers behind a chat plan.
//
// - parse_base(): the playground's own, strict reading of a base URL. It refuses what it
//   will not call (credentials, a query, a fragment, spaces, dot segments, non-ASCII, an
//   invalid host) and says why; what it accepts is already in the form Node's URL parser
//   gives, so what the relay checks is what it calls.
// - parse_gateway_url(): how the gateway's HTTP stack reads the URL string the gateway
//   built (the WHATWG URL rules Rust's url crate follows), to predict the URL it calls.
//   It accepts more than parse_base does (it percent-encodes a space, resolves "..").
// - parse_base_lenient(): a reading that never refuses, for advice about any base URL
//   (the diagnosis names the host and port even of a base parse_base refuses).
#pragma once

#include "core/base/text.h"

#include <string>
#include <string_view>
#include <vector>

namespace pg::upstream_detail {

// --- small string helpers (trim, lower_ascii, starts_with, ends_with, … are core/base/text.h's) ---
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
  std::string error;  // why the gateway's HTTP client cannot send to it (never quotes secrets)
  std::string url;    // serialised as sent: no user info (the client moves it into a header)
  bool userinfo = false, query = false, fragment = false;
};

GatewayUrl parse_gateway_url(std::string_view raw);

// --- the lenient reading --------------------------------------------------------------------

// A base URL read as far as it can be, whatever parse_base would say of it: never refuses,
// and normalises nothing but the case of the scheme and the host. Only the first
// kMaxBaseUrlLength (2048) bytes are read, then is_space() bytes are trimmed from both ends.
// User info (user:password@) is dropped from every field. A scheme is what comes before a
// "://" found within the first 16 bytes; without one, the base reads as https.
struct LenientBase {
  bool present = false;      // something other than white space was given
  std::string text;          // scheme "://" authority without user info, then the rest as given
  std::string scheme;        // lower case; "https" when none was given
  std::string host;          // lower case; an IPv6 literal without its brackets
  std::string port;          // as given, or the scheme's default ("80" for http, "443" otherwise)
  std::string path;          // without query, fragment or trailing slashes ("" for the root)
  bool credentials = false;  // user info was there (and was dropped)
};

LenientBase parse_base_lenient(std::string_view raw);

}  // namespace pg::upstream_detail
