// The relay's failures on the way to the provider: the reach step (dns, refused, tls,
// timeout, blocked_address, upstream_reset). See relay.cpp for how verdicts are read.
#include "core/diagnose/detail/relay_failure.h"

#include "core/base/text.h"

#include <string_view>

namespace pg::diag::relay_detail {

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
  // A name without a dot (an address literal is never looked up, so this is a name).
  if (cause != DnsCause::NoAddress && !host.empty() && host.find_first_of(".:[") == std::string::npos &&
      host != "localhost")
    advice = "`" + excerpt(host, 80) +
             "` is a short name that only resolves inside its own network (a Docker or "
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
  const bool loopback = reached_loopback(r);
  const std::string on_relay =
      " on the relay's machine: localhost means the relay itself, not your computer; point "
      "the base URL at an address the relay can reach";
  std::string advice;
  if (cause == RefusedCause::Unreachable)
    advice = host_or_provider(o) +
             " is unreachable from the relay (no route): check the address and the network "
             "between the relay and the server";
  else if (cause == RefusedCause::NothingListens)
    advice =
        "nothing listens at " + host_port(o) +
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
      advice =
          "the server's certificate has expired (or is not valid yet): the server needs a renewed certificate "
          "(or the relay's clock is wrong)";
      break;
    case TlsCause::SelfSigned:
      advice =
          "the server's certificate is self-signed, so it is not trusted: give the server a publicly trusted "
          "certificate";
      break;
    case TlsCause::UnknownIssuer:
      advice =
          "the server's certificate is not trusted: it is signed by a private CA, or the server does not send "
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
bool model_deadline(const RelayFailure& r) { return r.reason == "model_timeout" || r.reason == "model_stream_timeout"; }

std::string model_deadline_advice(const RelayFailure& r) {
  const bool stream = r.reason == "model_stream_timeout" || r.limit == "model.stream_timeout";
  std::string length;
  if (r.limit_ms > 0) {
    const double seconds = r.limit_ms / 1000;  // printf's %.0f / %.3g: 1.5, 30, 1800
    length = " (" + (seconds >= 100 ? fixed_decimal(seconds, 0) : general_decimal(seconds, 3)) + " s)";
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
                   "could not connect to " + host_port(o) +
                       " in time: is the host reachable from the relay? A "
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
    advice =
        "a slow model on a non-streaming request can take longer than the relay waits for the first byte: "
        "turn streaming on; otherwise the server behind " +
        host_or_provider(o) + " is stuck";
  else if (o.request_streamed == true)
    advice = "the request streamed, yet not one byte came within the relay's first-byte limit: the server behind " +
             host_or_provider(o) + " is stuck or has queued the request; retry later, or check the server's load";
  else
    advice =
        "a non-streaming request to a slow model can take longer than the relay waits: turn streaming on; a "
        "streamed request that gets no byte means the server behind " +
        host_or_provider(o) + " is stuck or queued";
  c.summary =
      sentence("Not a settings problem: the provider accepted the connection but did not answer in time; " + advice);
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
    advice = host_or_provider(o) + " resolves to " + what +
             " address (cloud metadata lives there), never a model "
             "server: check the host in the base URL";
  else
    advice = host_or_provider(o) + " resolves to " + what +
             " address, which the relay refuses by default: if the "
             "model really runs there, an operator can allow it with ALLOWED_PRIVATE_UPSTREAMS=" +
             host_port(o) + " (or ALLOW_PRIVATE_UPSTREAMS=1)";
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
                     "what answers at " + host_port(o) +
                         " does not speak HTTP as expected: check the port and "
                         "http vs https",
                     not_api);
    case ResetCause::HugeHeaders:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) +
                         " sends response headers larger than the relay reads, which "
                         "no API does: check the base URL and the port",
                     not_api);
    case ResetCause::BadStatus:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) +
                         " sends an HTTP status no API answers a chat call with: "
                         "check the base URL and the port",
                     not_api);
    case ResetCause::Encoding:
      return fail_at(kEndpoint, r,
                     "what answers at " + host_port(o) +
                         " sends a body coding the relay cannot decode (it asked for "
                         "none): check the base URL, or a proxy in between that compresses answers",
                     not_api);
    case ResetCause::Dropped:
      return fail_at(kReach, r,
                     host_port(o) +
                         " dropped the connection before answering: check http vs https and the port; a "
                         "firewall or proxy may be cutting it",
                     unreachable);
    case ResetCause::Unknown: break;
  }
  return fail_at(kReach, r,
                 "the call to " + host_port(o) +
                     " failed before an answer came: check http vs https and the port; a "
                     "firewall or proxy may be in the way",
                 unreachable);
}
}  // namespace pg::diag::relay_detail
