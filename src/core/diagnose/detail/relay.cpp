// The relay's own failures: network errors on the way to the provider (the reach step),
// a base URL the relay cannot use or that redirects (the endpoint step), its limits and
// its sign-in (nobody's model setting). One table row per relay error kind.
//
// Verdicts come from the relay's structured fields only: kind, phase, reason, category,
// location, status, detail (docs/contracts.md, "Relay errors"). The message is for
// people: it is shown as evidence and never read, so rewording it changes no verdict. Within
// a kind, one table per concept maps a reason code to what it means; a reason the table
// does not know, or none, gets the kind's generic advice.
#include "core/diagnose/detail/relay_failure.h"

#include <cstdio>
#include <string_view>

namespace pg::diag {

namespace relay_detail {

bool reason_is(std::string_view reason, std::string_view code) {
  if (!code.empty() && code.back() == '*') {
    code.remove_suffix(1);
    return reason.size() > code.size() && reason.compare(0, code.size(), code) == 0;
  }
  return reason == code;
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
  c.conditions.push_back(
      Condition{std::move(kind), std::move(side), headline + ": " + relay_evidence(r), std::move(advice)});
  return c;
}

bool reached_loopback(const RelayFailure& r) { return r.category == "loopback" || r.category == "unspecified"; }
}  // namespace relay_detail

namespace {

using namespace relay_detail;

// --- endpoint -------------------------------------------------------------------------

// config: the relay's `detail` says what is wrong with the base URL (the core's plan).
Cause config(const RelayFailure& r, const Outcome&) {
  Cause c =
      fail_at(kEndpoint, r, "fix the model's base URL: " + (r.detail.empty() ? "the relay cannot use it" : r.detail),
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
      return relay_condition(r, "relay_limit", "relay",
                             "the provider's answer is larger than the relay's response size limit",
                             "lower max tokens, or ask for a shorter answer");
    case TooLarge::Request:
      return relay_condition(r, "relay_limit", "relay", "the request passed the relay's size limit",
                             "send less: shrink or remove the image, or shorten the conversation");
    case TooLarge::Unknown: break;
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
    headline =
        idle ? "the provider went silent in the middle of the answer" : "the answer took longer than the relay allows";
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
