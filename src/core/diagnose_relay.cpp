// The relay's own failures: network errors on the way to the provider (the reach step),
// a base URL the relay cannot use or that redirects (the endpoint step), its limits and
// its sign-in (nobody's model setting). One table row per relay error kind.
#include "core/address.h"
#include "core/diagnose_rules.h"

namespace pg::diag {

namespace {

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

Cause dns(const RelayFailure& r, const Outcome& o) {
  const std::string& host = o.base.host;
  std::string advice;
  if (!host.empty() && host.find('.') == std::string::npos && host != "localhost" && !is_private_host(host))
    advice = "`" + excerpt(host, 80) + "` is a short name that only resolves inside its own network (a Docker or "
             "Kubernetes service name): use a host name or address the relay can resolve";
  else
    advice = "check the host name in the base URL: " + host_or_provider(o) +
             " does not resolve from the relay (a typo, or a name only your own network knows)";
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

Cause refused(const RelayFailure& r, const Outcome& o) {
  std::string advice;
  if (contains_ci(r.message, "unreachable"))
    advice = host_or_provider(o) + " is unreachable from the relay (no route): check the address and the network "
                                   "between the relay and the server";
  else if (is_loopback_host(o.base.host))
    advice = "nothing listens at " + host_port(o) + " on the relay's machine: localhost means the relay itself, "
             "not your computer; point the base URL at an address the relay can reach";
  else
    advice = "nothing listens at " + host_port(o) + ": check the port, that the server is running, and that a "
             "firewall lets the relay in";
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

Cause tls(const RelayFailure& r, const Outcome& o) {
  const std::string m = lower_ascii(r.message);
  std::string advice;
  if (m.find("wrong version number") != std::string::npos || m.find("eproto") != std::string::npos ||
      m.find("packet length too long") != std::string::npos)
    advice = host_port(o) + " does not speak TLS: use http:// for this port, or the server's HTTPS port";
  else if (m.find("altname") != std::string::npos || m.find("hostname") != std::string::npos ||
           m.find("does not match") != std::string::npos)
    advice = "the server's certificate is for another host name: check the host in the base URL";
  else if (m.find("self") != std::string::npos || m.find("unable to verify") != std::string::npos ||
           m.find("issuer") != std::string::npos || m.find("expired") != std::string::npos ||
           m.find("untrusted") != std::string::npos)
    advice = "the server's certificate is not trusted (self-signed, a private CA, or expired): give the server a "
             "publicly trusted certificate";
  else
    advice = "TLS with " + host_port(o) + " failed: check https vs http and the host name in the base URL";
  return fail_at(kReach, r, advice, "The relay cannot reach the base URL's host");
}

// The relay names the phase of every timeout; its message is for people and may be
// reworded, so it decides nothing. Without a phase, a connect time the relay measured says
// the connection was made.
std::string timeout_phase(const RelayFailure& r, const Outcome& o) {
  if (!r.phase.empty()) return r.phase;
  return o.connect_ms ? "first_byte" : "connect";
}

Cause timeout(const RelayFailure& r, const Outcome& o) {
  if (timeout_phase(r, o) == "connect") {
    return fail_at(kReach, r,
                   "could not connect to " + host_port(o) + " in time: is the host reachable from the relay? A "
                   "firewall may be dropping the connection",
                   "The relay cannot reach the base URL's host");
  }
  // Connected, but no answer came: the host is reachable; the server is slow or stuck.
  Cause c;
  c.passed = kReach;
  c.stop_reason = "the provider accepted the connection but never answered";
  c.pass_evidence[kReach] = "connected to " + host_port(o);
  const std::string advice =
      "a slow model on a non-streaming request can take longer than the relay waits: turn streaming on; "
      "otherwise the server behind " + host_or_provider(o) + " is stuck";
  c.summary = sentence("Not a settings problem: the provider accepted the connection but did not answer in time; " +
                       advice);
  c.conditions.push_back(Condition{"timeout", "provider", "no answer in time: " + relay_evidence(r), advice});
  return c;
}

Cause blocked_address(const RelayFailure& r, const Outcome& o) {
  std::string category = r.category;
  if (category.empty()) {
    for (const char* known : {"loopback", "private", "link_local", "link-local", "metadata", "cgnat", "unique_local",
                              "unique-local", "unspecified", "multicast", "reserved"}) {
      if (contains_ci(r.message, std::string("a ") + known)) {
        category = known;
        break;
      }
    }
  }
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

Cause reset(const RelayFailure& r, const Outcome& o) {
  if (contains_ci(r.message, "malformed http") || contains_ci(r.message, "content-encoding"))
    return fail_at(kEndpoint, r,
                   "what answers at " + host_port(o) + " does not speak HTTP as expected: check the port and "
                   "http vs https",
                   "The base URL does not lead to an OpenAI-compatible API");
  return fail_at(kReach, r,
                 host_port(o) + " dropped the connection before answering: check http vs https and the port; a "
                 "firewall or proxy may be cutting it",
                 "The relay cannot reach the base URL's host");
}

// --- endpoint -------------------------------------------------------------------------

Cause config(const RelayFailure& r, const Outcome&) {
  std::string why = r.message;
  if (const auto at = why.find("cannot be used: "); at != std::string::npos) why = why.substr(at + 16);
  Cause c = fail_at(kEndpoint, r, "fix the model's base URL: " + (why.empty() ? "the relay cannot use it" : why),
                    "The base URL cannot be used");
  c.passed = -1;  // nothing was called: reach was not tried either
  c.stop_reason = "the base URL cannot be used, so nothing was called";
  return c;
}

Cause redirect(const RelayFailure& r, const Outcome& o) {
  const std::string location = lower_ascii(r.location.empty() ? r.message : r.location);
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

Cause too_large(const RelayFailure& r, const Outcome&) {
  // Before any answer byte, too_large is either the request or a provider that announced a
  // response larger than the relay's limit; the relay's message names which.
  const bool answer = r.message.find("response size limit") != std::string::npos;
  if (answer)
    return relay_condition(r, "relay_limit", "relay", "the provider's answer is larger than the relay's response size limit",
                           "lower max tokens, or ask for a shorter answer");
  return relay_condition(r, "relay_limit", "relay", "the request passed the relay's size limit",
                         "send less: shrink or remove the image, or shorten the conversation");
}
Cause busy(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "relay_limit", "relay", "you have too many calls running on the relay",
                         "wait for one to finish, or stop it");
}
Cause session(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "session", "relay", "the relay did not accept your playground session",
                         "sign in to the playground again (open its login link)");
}
Cause cross_site(const RelayFailure& r, const Outcome&) {
  return relay_condition(r, "session", "relay", "the relay refused the call as cross-site",
                         "open the playground from its own address");
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
  {"unauthorized",           session},
  {"forbidden",              session},
  {"cross_site",             cross_site},
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
  if (r.kind == "timeout") {
    const bool idle = r.phase == "idle";  // else "total", or a page that did not say
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
  const bool before_answer = r.kind == "timeout" && (r.phase == "connect" || r.phase == "first_byte");
  if (started && !before_answer &&
      (r.kind == "timeout" || r.kind == "too_large" || r.kind == "upstream_reset" || r.kind == "internal"))
    return mid_stream(r, o);
  for (const RelayRule& rule : kRelayRules)
    if (r.kind == rule.kind) return rule.explain(r, o);
  return internal(r, o);
}

}  // namespace pg::diag
