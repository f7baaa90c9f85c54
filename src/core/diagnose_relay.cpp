// The relay's own failures: network errors on the way to the provider (the reach step),
// a base URL the relay cannot use or that redirects (the endpoint step), its limits and
// its sign-in (nobody's model setting). One table row per relay error kind.
//
// Verdicts come from the relay's structured fields only: kind, phase, reason, category,
// location, status, detail (docs/contracts.md, "Relay errors"). The message is for
// people: it is shown as evidence and never read, so rewording it changes no verdict. Within
// a kind, one table per concept maps a reason code to what it means; a reason the table
// does not know, or none, gets the kind's generic advice.
#include "core/address.h"

#include <cstdio>
#include "core/diagnose_rules.h"

#include <string_view>

namespace pg::diag {

namespace {

// A reason code → T. A code ending in '*' is a family: every reason with that prefix.
template <typename T>
struct ReasonRow {
  const char* code;
  T value;
};

bool reason_is(std::string_view reason, std::string_view code) {
  if (!code.empty() && code.back() == '*') {
    code.remove_suffix(1);
    return reason.size() > code.size() && reason.compare(0, code.size(), code) == 0;
  }
  return reason == code;
}

// The first row for `reason` (exact codes are listed before their family), or `otherwise`.
template <typename T, std::size_t N>
T by_reason(const ReasonRow<T> (&table)[N], const std::string& reason, T otherwise) {
  for (const auto& row : table)
    if (!reason.empty() && reason_is(reason, row.code)) return row.value;
  return otherwise;
}

std::string sentence(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s + ".";
}

std::string relay_evidence(const RelayFailure& r) {
  return "relay error " + (r.kind.empty() ? std::string("(no kind)") : r.kind) +
         (r.message.empty() ? std::string() : ": " + r.message);
}

Cause fail_at(int step, const RelayFailure& r, std::string advice, const std::string& headline) {
  Cause c;
  c.passed = step - 1;
  c.failed = step;
  c.evidence = relay_evidence(r);
  c.summary = sentence(headline + ": " + advice);
  c.advice = std::move(advice);
  return c;
}

// The relay refused or could not start the call: no step was checked.
Cause relay_condition(const RelayFailure& r, std::string kind, std::string side, std::string headline,
                      std::string advice) {
  Cause c;
  c.summary = sentence("Not a settings problem: " + headline + "; " + advice);
  c.stop_reason = "the relay did not call the provider";
  c.conditions.push_back(Condition{std::move(kind), std::move(side), headline + ": " + relay_evidence(r), std::move(advice)});
  return c;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0)) return true;
  const std::string category = classify_address(host).category;
  return category == "loopback" || category == "unspecified";
}

bool is_private_host(const std::string& host) {
  const AddressClass c = classify_address(host);
  return !c.normalized.empty() && !c.allowed_by_default;
}

// --- reach ----------------------------------------------------------------------------

// dns: the resolver's code.
enum class DnsCause { Unknown, NoSuchName, ResolverFailed, NoAddress };
// clang-format off
const ReasonRow<DnsCause> kDnsReasons[] = {
  {"ENOTFOUND",  DnsCause::NoSuchName},
  {"EAI_AGAIN",  DnsCause::ResolverFailed},  // a temporary failure (or a name a network-local resolver does not know)
  {"EAI_FAIL",   DnsCause::ResolverFailed},
  {"ENODATA",    DnsCause::NoAddress},       // the name exists, with no A or AAAA record
  {"no_address", DnsCause::NoAddress},       // the relay's own: the lookup answered with no address
};
// clang-format on

Cause dns(const RelayFailure& r, const Outcome& o) {
  const std::string& host = o.base.host;
  const DnsCause cause = by_reason(kDnsReasons, r.reason, DnsCause::Unknown);
  std::string advice;
  if (cause != DnsCause::NoAddress && !host.empty() && host.find('.') == std::string::npos && host != "localhost" &&
      !is_private_host(host))
    advice = "`" + excerpt(host, 80) + "` is a short name that only resolves inside its own network (a Docker or "
             "Kubernetes service name): use a host name or address the relay can resolve";
  else if (cause == DnsCause::NoAddress)
    advice = "check the host name in the base URL: " + host_or_provider(o) +
             " exists but has no address the relay can connect to";
  else if (cause == DnsCause::ResolverFailed)
    advice = "the relay's resolver could not look up " + host_or_provider(o) +
             " (a DNS failure, or a name only your own network knows): check the host name in the base URL, retry, "
             "and if it repeats check the relay's DNS";
  else
    advice = "check the host name in the base URL: " + host_or_provider(o) +
             " does not resolve from the relay (a typo, or a name only your own network knows)";
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

// refused: how the connection failed.
enum class RefusedCause { Unknown, NothingListens, Unreachable };
// clang-format off
const ReasonRow<RefusedCause> kRefusedReasons[] = {
  {"ECONNREFUSED", RefusedCause::NothingListens},
  {"EHOSTUNREACH", RefusedCause::Unreachable},
  {"ENETUNREACH",  RefusedCause::Unreachable},
  {"EHOSTDOWN",    RefusedCause::Unreachable},
  {"ENETDOWN",     RefusedCause::Unreachable},
};
// clang-format on

Cause refused(const RelayFailure& r, const Outcome& o) {
  const RefusedCause cause = by_reason(kRefusedReasons, r.reason, RefusedCause::Unknown);
  const bool loopback = is_loopback_host(o.base.host);
  const std::string on_relay = " on the relay's machine: localhost means the relay itself, not your computer; point "
                               "the base URL at an address the relay can reach";
  std::string advice;
  if (cause == RefusedCause::Unreachable)
    advice = host_or_provider(o) + " is unreachable from the relay (no route): check the address and the network "
                                   "between the relay and the server";
  else if (cause == RefusedCause::NothingListens)
    advice = "nothing listens at " + host_port(o) +
             (loopback ? on_relay : ": check the port, that the server is running, and that a firewall lets the relay in");
  else
    advice = "the relay could not connect to " + host_port(o) +
             (loopback ? on_relay
                       : ": check the address and the port, that the server is running, and that a firewall lets the "
                         "relay in");
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

// tls: Node's and OpenSSL's codes (relay/errors.js passes err.code on as the reason).
enum class TlsCause { Unknown, NotTls, WrongHost, Expired, SelfSigned, UnknownIssuer, Untrusted, Revoked };
// clang-format off
const ReasonRow<TlsCause> kTlsReasons[] = {
  // The handshake met something that is not TLS: a plain-HTTP port (Node 20 says EPROTO).
  {"EPROTO",                             TlsCause::NotTls},
  {"ERR_SSL_WRONG_VERSION_NUMBER",       TlsCause::NotTls},
  {"ERR_SSL_PACKET_LENGTH_TOO_LONG",     TlsCause::NotTls},
  {"ERR_SSL_UNKNOWN_PROTOCOL",           TlsCause::NotTls},
  {"ERR_TLS_CERT_ALTNAME_INVALID",       TlsCause::WrongHost},
  {"HOSTNAME_MISMATCH",                  TlsCause::WrongHost},
  {"CERT_HAS_EXPIRED",                   TlsCause::Expired},
  {"CERT_NOT_YET_VALID",                 TlsCause::Expired},
  {"DEPTH_ZERO_SELF_SIGNED_CERT",        TlsCause::SelfSigned},
  {"SELF_SIGNED_CERT_IN_CHAIN",          TlsCause::SelfSigned},
  {"UNABLE_TO_VERIFY_LEAF_SIGNATURE",    TlsCause::UnknownIssuer},
  {"UNABLE_TO_GET_ISSUER_CERT",          TlsCause::UnknownIssuer},
  {"UNABLE_TO_GET_ISSUER_CERT_LOCALLY",  TlsCause::UnknownIssuer},
  {"CERT_UNTRUSTED",                     TlsCause::Untrusted},
  {"CERT_REJECTED",                      TlsCause::Untrusted},
  {"INVALID_CA",                         TlsCause::Untrusted},
  {"CERT_SIGNATURE_FAILURE",             TlsCause::Untrusted},
  {"PATH_LENGTH_EXCEEDED",               TlsCause::Untrusted},
  {"INVALID_PURPOSE",                    TlsCause::Untrusted},
  {"CERT_REVOKED",                       TlsCause::Revoked},
};
// clang-format on

Cause tls(const RelayFailure& r, const Outcome& o) {
  std::string advice;
  switch (by_reason(kTlsReasons, r.reason, TlsCause::Unknown)) {
    case TlsCause::NotTls:
      advice = host_port(o) + " does not speak TLS: use http:// for this port, or the server's HTTPS port";
      break;
    case TlsCause::WrongHost:
      advice = "the server's certificate is for another host name: check the host in the base URL";
      break;
    case TlsCause::Expired:
      advice = "the server's certificate has expired (or is not valid yet): the server needs a renewed certificate "
               "(or the relay's clock is wrong)";
      break;
    case TlsCause::SelfSigned:
      advice = "the server's certificate is self-signed, so it is not trusted: give the server a publicly trusted "
               "certificate";
      break;
    case TlsCause::UnknownIssuer:
      advice = "the server's certificate is not trusted: it is signed by a private CA, or the server does not send "
               "its intermediate certificates; give the server a publicly trusted certificate with its full chain";
      break;
    case TlsCause::Untrusted:
      advice = "the server's certificate is not trusted: give the server a valid, publicly trusted certificate";
      break;
    case TlsCause::Revoked:
      advice = "the server's certificate has been revoked: the server needs a new certificate";
      break;
    case TlsCause::Unknown:
      advice = "TLS with " + host_port(o) + " failed: check https vs http and the host name in the base URL";
      break;
  }
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

// timeout: the phase it came in. The relay names it in `phase`; its reason names it too.
// clang-format off
const ReasonRow<const char*> kTimeoutReasons[] = {
  {"connect_timeout",    "connect"},
  {"ETIMEDOUT",          "connect"},  // kind timeout: a connect that the system gave up on
  {"first_byte_timeout", "first_byte"},
  {"idle_timeout",       "idle"},
  {"total_timeout",      "total"},
};
// clang-format on

// The phase of a timeout: its `phase`, else its reason's; "" when neither says.
std::string relay_phase(const RelayFailure& r) {
  if (!r.phase.empty()) return r.phase;
  if (r.kind != "timeout") return {};
  return by_reason(kTimeoutReasons, r.reason, "");
}

// Without a phase or a reason that names one, a connect time the relay measured says the
// connection was made.
std::string timeout_phase(const RelayFailure& r, const Outcome& o) {
  if (std::string phase = relay_phase(r); !phase.empty()) return phase;
  return o.connect_ms ? "first_byte" : "connect";
}

// The model's own timeout / stream_timeout ended the call: the relay applies a model's
// deadlines as the gateway does, so gateway traffic will end the same way.
bool model_deadline(const RelayFailure& r) {
  return r.reason == "model_timeout" || r.reason == "model_stream_timeout";
}

std::string model_deadline_advice(const RelayFailure& r) {
  const bool stream = r.reason == "model_stream_timeout" || r.limit == "model.stream_timeout";
  std::string length;
  if (r.limit_ms > 0) {
    char text[32];
    const double seconds = r.limit_ms / 1000;
    std::snprintf(text, sizeof text, seconds >= 100 ? "%.0f" : "%.3g", seconds);  // 1.5, 30, 1800
    length = std::string(" (") + text + " s)";
  }
  return std::string("the model's own `") + (stream ? "stream_timeout" : "timeout") + "`" + length +
         " ended the call, as it will end gateway traffic: raise it in the model's settings if answers take longer, "
         "or ask for less (lower max tokens)";
}

Cause deadline_condition(const RelayFailure& r, int passed, const std::string& headline) {
  Cause c;
  c.passed = passed;
  const std::string advice = model_deadline_advice(r);
  c.stop_reason = "the model's deadline ended the call";
  c.summary = sentence("Not a key, base URL or model name problem: " + headline + "; " + advice);
  c.conditions.push_back(Condition{"model_deadline", "relay", headline + ": " + relay_evidence(r), advice});
  return c;
}

Cause timeout(const RelayFailure& r, const Outcome& o) {
  if (model_deadline(r) && timeout_phase(r, o) != "connect") {
    Cause c = deadline_condition(r, kReach, "the provider did not answer within the model's own deadline");
    c.pass_evidence[kReach] = "connected to " + host_port(o);
    return c;
  }
  if (timeout_phase(r, o) == "connect") {
    return fail_at(kReach, r,
                   "could not connect to " + host_port(o) + " in time: is the host reachable from the relay? A "
                   "firewall may be dropping the connection",
                   "The relay cannot reach the base URL's host");
  }
  // Connected, but no answer came: the host is reachable; the server is slow or stuck.
  // Streaming helps only a request that did not stream (its first byte waits for the whole
  // answer); a streamed request that got no byte at all met a stuck or queued server.
  Cause c;
  c.passed = kReach;
  c.stop_reason = "the provider accepted the connection but never answered";
  c.pass_evidence[kReach] = "connected to " + host_port(o);
  std::string advice;
  if (o.request_streamed == false)
    advice = "a slow model on a non-streaming request can take longer than the relay waits for the first byte: "
             "turn streaming on; otherwise the server behind " + host_or_provider(o) + " is stuck";
  else if (o.request_streamed == true)
    advice = "the request streamed, yet not one byte came within the relay's first-byte limit: the server behind " +
             host_or_provider(o) + " is stuck or has queued the request; retry later, or check the server's load";
  else
    advice = "a non-streaming request to a slow model can take longer than the relay waits: turn streaming on; a "
             "streamed request that gets no byte means the server behind " + host_or_provider(o) +
             " is stuck or queued";
  c.summary = sentence("Not a settings problem: the provider accepted the connection but did not answer in time; " +
                       advice);
  c.conditions.push_back(Condition{"timeout", "provider", "no answer in time: " + relay_evidence(r), advice});
  return c;
}

// blocked_address: the relay always sends the address's `category` (the core's
// classify_address); without one, the advice names no category.
Cause blocked_address(const RelayFailure& r, const Outcome& o) {
  std::string category = r.category;
  for (char& ch : category)
    if (ch == '_') ch = '-';
  const std::string what = "a " + (category.empty() ? std::string("non-public") : category);
  std::string advice;
  if (category == "metadata" || category == "link-local")
    advice = host_or_provider(o) + " resolves to " + what + " address (cloud metadata lives there), never a model "
             "server: check the host in the base URL";
  else
    advice = host_or_provider(o) + " resolves to " + what + " address, which the relay refuses by default: if the "
             "model really runs there, an operator can allow it with ALLOWED_PRIVATE_UPSTREAMS=" + host_port(o) +
             " (or ALLOW_PRIVATE_UPSTREAMS=1)";
  return fail_at(kReach, r, advice, "The relay refused the base URL's address");
}

// upstream_reset: what broke the call before an answer came.
enum class ResetCause { Unknown, Dropped, NotHttp, HugeHeaders, BadStatus, Encoding };
// clang-format off
const ReasonRow<ResetCause> kResetReasons[] = {
  {"ECONNRESET",                 ResetCause::Dropped},
  {"EPIPE",                      ResetCause::Dropped},
  {"ECONNABORTED",               ResetCause::Dropped},
  {"ERR_STREAM_PREMATURE_CLOSE", ResetCause::Dropped},
  {"ETIMEDOUT",                  ResetCause::Dropped},  // kind upstream_reset: after the connect
  {"closed_mid_response",        ResetCause::Dropped},
  {"HPE_HEADER_OVERFLOW",        ResetCause::HugeHeaders},
  {"HPE_*",                      ResetCause::NotHttp},  // Node's HTTP parser refused the answer
  {"invalid_status",             ResetCause::BadStatus},
  {"unsupported_encoding",       ResetCause::Encoding},
  {"bad_encoding",               ResetCause::Encoding},
};
// clang-format on

Cause reset(const RelayFailure& r, const Outcome& o) {
  const char* not_api = "The base URL does not lead to an OpenAI-compatible API";
  const char* unreachable = "The relay cannot reach the base URL's host";
  switch (by_reason(kResetReasons, r.reason, ResetCause::Unknown)) {
    case ResetCause::NotHttp:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) + " does not speak HTTP as expected: check the port and "
                     "http vs https",
                     not_api);
    case ResetCause::HugeHeaders:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) + " sends response headers larger than the relay reads, which "
                     "no API does: check the base URL and the port",
                     not_api);
    case ResetCause::BadStatus:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) + " sends an HTTP status no API answers a chat call with: "
                     "check the base URL and the port",
                     not_api);
    case ResetCause::Encoding:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) + " sends a body coding the relay cannot decode (it asked for "
                     "none): check the base URL, or a proxy in between that compresses answers",
                     not_api);
    case ResetCause::Dropped:
      return fail_at(kReach, r,
                     host_port(o) + " dropped the connection before answering: check http vs https and the port; a "
                     "firewall or proxy may be cutting it",
                     unreachable);
    case ResetCause::Unknown:
      break;
  }
  return fail_at(kReach, r,
                 "the call to " + host_port(o) + " failed before an answer came: check http vs https and the port; a "
                 "firewall or proxy may be in the way",
                 unreachable);
}

// --- endpoint -------------------------------------------------------------------------

// config: the relay's `detail` says what is wrong with the base URL (the core's plan).
Cause config(const RelayFailure& r, const Outcome&) {
  Cause c = fail_at(kEndpoint, r, "fix the model's base URL: " + (r.detail.empty() ? "the relay cannot use it" : r.detail),
                    "The base URL cannot be used");
  c.passed = -1;  // nothing was called: reach was not tried either
  c.stop_reason = "the base URL cannot be used, so nothing was called";
  return c;
}

Cause redirect(const RelayFailure& r, const Outcome& o) {
  const std::string location = lower_ascii(r.location);  // where it points (a URL), read for advice
  std::string advice;
  if (o.base.scheme == "http" && location.rfind("https://" + o.base.host, 0) == 0)
    advice = "the server redirects http to https: use https:// in the base URL";
  else if (location.find("login") != std::string::npos || location.find("signin") != std::string::npos ||
           location.find("sign-in") != std::string::npos || location.find("sso") != std::string::npos ||
           location.find("oauth") != std::string::npos || location.find("/auth") != std::string::npos)
    advice = "the base URL leads to a login page (a web app or an SSO proxy), not the API: use the API's own URL";
  else
    advice = "the provider redirects elsewhere" +
             (r.location.empty() ? std::string() : " (" + excerpt(r.location, 120) + ")") +
             ": use the API's final URL as the base URL; the relay does not follow redirects";
  return fail_at(kEndpoint, r, advice, "The base URL does not lead to an OpenAI-compatible API");
}

// --- the relay's own refusals (no setting is at fault) --------------------------------

// too_large: before any answer byte, either the request or a provider that announced a
// response larger than the relay's limit; the reason says which.
enum class TooLarge { Unknown, Request, Response };
// clang-format off
const ReasonRow<TooLarge> kTooLargeReasons[] = {
  {"request_too_large",  TooLarge::Request},
  {"response_too_large", TooLarge::Response},
};
// clang-format on

Cause too_large(const RelayFailure& r, const Outcome&) {
  switch (by_reason(kTooLargeReasons, r.reason, TooLarge::Unknown)) {
    case TooLarge::Response:
      return relay_condition(r, "relay_limit", "relay", "the provider's answer is larger than the relay's response size limit",
                             "lower max tokens, or ask for a shorter answer");
    case TooLarge::Request:
      return relay_condition(r, "relay_limit", "relay", "the request passed the relay's size limit",
                             "send less: shrink or remove the image, or shorten the conversation");
    case TooLarge::Unknown:
      break;
  }
  return relay_condition(r, "relay_limit", "relay", "the request or the provider's answer passed a relay size limit",
                         "send less (a smaller image, a shorter conversation), or lower max tokens");
}
Cause busy(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "relay_limit", "relay", "you have too many calls running on the relay",
                         "wait for one to finish, or stop it");
}
Cause overloaded(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "relay_limit", "relay", "the relay is receiving too many uploads at once",
                         "try again in a moment");
}
Cause session(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "session", "relay", "the relay did not accept your playground session",
                         "sign in to the playground again (open its login link)");
}
Cause cross_site(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "session", "relay", "the relay refused the call as cross-site",
                         "open the playground from its own address");
}
Cause misdirected(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "session", "relay", "the relay does not serve the host name the page was opened by",
                         "open the playground by the name its operator set in ALLOWED_HOSTS");
}
Cause unknown_model(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "unknown_model", "relay", "the relay does not know this model (any more)",
                         "reload the model list and pick the model again");
}
Cause not_testable(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "not_testable", "relay", "this model cannot be tested here",
                         "only a single-target model (one provider key, one base URL) can be tested");
}
Cause invalid_request(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "invalid_request", "prompt", "the relay refused the request as invalid",
                         "fix the request as the message says");
}
Cause relay_unreachable(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "relay_unreachable", "relay", "the page could not reach the playground's relay",
                         "check that the playground is still running and your network connection, then run again");
}
Cause internal(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "relay_error", "relay", "the relay failed",
                         "retry; if it repeats, the relay's log has the cause");
}

using Explainer = Cause (*)(const RelayFailure&, const Outcome&);

struct RelayRule {
  const char* kind;  // the relay's error kind (relay/errors.js)
  Explainer explain;
};

// clang-format off
const RelayRule kRelayRules[] = {
  {"dns",                    dns},
  {"refused",                refused},
  {"tls",                    tls},
  {"timeout",                timeout},
  {"blocked_address",        blocked_address},
  {"upstream_reset",         reset},
  {"config",                 config},
  {"redirect",               redirect},
  {"too_large",              too_large},
  {"busy",                   busy},
  {"overloaded",             overloaded},
  {"unauthorized",           session},
  {"forbidden",              session},
  {"cross_site",             cross_site},
  {"misdirected",            misdirected},
  {"unknown_model",          unknown_model},
  {"not_testable",           not_testable},
  {"invalid_request",        invalid_request},
  {"unsupported_media_type", invalid_request},
  {"not_found",              invalid_request},
  {"relay_unreachable",      relay_unreachable},  // the page's own kind: fetch() to the relay failed
};
// clang-format on

// The relay cut a stream that had started: every setting worked, the answer did not come
// whole.
Cause mid_stream(const RelayFailure& r, const Outcome&) {
  Cause c;
  c.passed = kModel;
  c.failed = kAnswer;
  c.evidence = relay_evidence(r);
  std::string headline;
  if (r.kind == "timeout" && model_deadline(r)) {
    headline = "the model's own deadline ended the answer";
    c.advice = model_deadline_advice(r);
    c.conditions.push_back(Condition{"model_deadline", "relay", headline + ": " + c.evidence, c.advice});
  } else if (r.kind == "timeout") {
    const bool idle = relay_phase(r) == "idle";  // else "total", or a page that did not say
    headline = idle ? "the provider went silent in the middle of the answer" : "the answer took longer than the relay allows";
    c.advice = idle ? "retry; if it repeats, the provider is stalling (the relay stops after its idle limit)"
                    : "lower max tokens or retry; the relay stops a call at its total time limit";
    c.conditions.push_back(Condition{"timeout", "relay", headline + ": " + c.evidence, c.advice});
  } else if (r.kind == "too_large") {
    headline = "the answer passed the relay's response size limit";
    c.advice = "lower max tokens";
    c.conditions.push_back(Condition{"relay_limit", "relay", headline + ": " + c.evidence, c.advice});
  } else if (r.kind == "upstream_reset") {
    headline = "the provider closed the connection in the middle of the answer";
    c.advice = "retry; if it repeats, a proxy between the relay and the provider may be cutting long answers";
  } else {
    headline = "the relay failed in the middle of the answer";
    c.advice = "retry; if it repeats, the relay's log has the cause";
  }
  c.summary = sentence("The settings work, but the answer was cut short: " + headline + "; " + c.advice);
  return c;
}

}  // namespace

Cause explain_relay_failure(const RelayFailure& r, const Outcome& o, bool started) {
  // Only these can happen once the provider's answer is flowing.
  const std::string phase = relay_phase(r);
  const bool before_answer = r.kind == "timeout" && (phase == "connect" || phase == "first_byte");
  if (started && !before_answer &&
      (r.kind == "timeout" || r.kind == "too_large" || r.kind == "upstream_reset" || r.kind == "internal"))
    return mid_stream(r, o);
  for (const RelayRule& rule : kRelayRules)
    if (r.kind == rule.kind) return rule.explain(r, o);
  return internal(r, o);
}

}  // namespace pg::diag
