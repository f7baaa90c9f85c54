// core.diagnose on the relay's own failures: verdicts from facts, never from wording. Each
// relay error kind reads its reason code through one table (src/core/diagnose/detail/relay.cpp);
// these cases pin the table by structure — which step fails, which conditions, and which
// reasons share advice — not by the advice's words. Then: the same failure with its message
// replaced by any text (even one that names another cause) gives the same diagnosis.
#include <doctest/doctest.h>

#include "core/diagnose/diagnose.h"

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace pg;

namespace {

json model_at(const char* api_base) {
  return json{{"provider", "openai"}, {"model_name", "m"}, {"api_base", api_base}};
}

// A relay failure before the provider answered, with these structured fields.
json failure(const std::string& kind, json fields, const char* api_base = "https://llm.example.com/v1",
             const std::string& message = "a message for people") {
  json error = {{"source", "relay"}, {"kind", kind}, {"message", message}};
  error.update(fields);
  return json{{"relayError", error}, {"status", 502}, {"model", model_at(api_base)}};
}

char letter(const std::string& status) { return status == "pass" ? 'P' : status == "fail" ? 'F' : 'N'; }

std::string steps_of(const json& d) {
  std::string out;
  for (const auto& s : d["steps"]) out += letter(s["status"].get<std::string>());
  return out;
}

std::string conditions_of(const json& d) {
  std::string out;
  for (const auto& c : d["conditions"]) out += (out.empty() ? "" : ",") + c["kind"].get<std::string>();
  return out;
}

// The advice a user acts on: the failed step's, or the conditions'.
std::string advice_of(const json& d) {
  for (const auto& s : d["steps"])
    if (s["status"] == "fail") return s["advice"].get<std::string>();
  std::string out;
  for (const auto& c : d["conditions"]) out += c["advice"].get<std::string>() + "|";
  return out;
}

// Everything of a diagnosis but the evidence and condition messages (which quote the
// relay's message, for people).
json decision(const json& d) {
  json out = {
      {"verdict", d["verdict"]}, {"summary", d["summary"]}, {"steps", json::array()}, {"conditions", json::array()}};
  for (const auto& s : d["steps"]) out["steps"].push_back({s["step"], s["status"], s["advice"]});
  for (const auto& c : d["conditions"]) out["conditions"].push_back({c["kind"], c["side"], c["advice"]});
  return out;
}

json run(const json& outcome) { return to_json(diagnose(outcome)); }

// One cause of a kind: its reason codes, the steps, the condition kinds. Causes of the same
// kind must give different advice; the reasons of one cause the same advice.
struct Cause {
  const char* name;
  std::vector<const char*> reasons;  // "" : no reason field at all
  const char* steps;
  const char* conditions;
};

void check_causes(const std::string& kind, const std::vector<Cause>& causes,
                  const char* api_base = "https://llm.example.com/v1", json fields = json::object()) {
  std::map<std::string, std::string> advice_by_cause;
  for (const Cause& cause : causes) {
    std::string first_advice;
    for (const char* reason : cause.reasons) {
      json f = fields;
      if (*reason) f["reason"] = reason;
      const json d = run(failure(kind, f, api_base));
      INFO(kind << " / " << cause.name << " / reason " << (*reason ? reason : "(none)") << "\n" << d.dump(2));
      CHECK(steps_of(d) == cause.steps);
      CHECK(conditions_of(d) == cause.conditions);
      CHECK(d["verdict"] == "fail");
      const std::string advice = advice_of(d);
      CHECK(!advice.empty());
      if (first_advice.empty()) first_advice = advice;
      CHECK_MESSAGE(advice == first_advice, "every reason of one cause gives the same advice");
    }
    for (const auto& [other, advice] : advice_by_cause)
      CHECK_MESSAGE(advice != first_advice,
                    kind << ": causes " << other << " and " << cause.name << " give the same advice");
    advice_by_cause[cause.name] = first_advice;
  }
}

}  // namespace

TEST_CASE("diagnose relay reasons: dns") {
  check_causes("dns", {
                          {"no such name", {"ENOTFOUND"}, "FNNNN", ""},
                          {"resolver failed", {"EAI_AGAIN", "EAI_FAIL"}, "FNNNN", ""},
                          {"no address", {"ENODATA", "no_address"}, "FNNNN", ""},
                      });
  // Unknown or missing reason: the kind's generic advice (here the no-such-name wording).
  const std::string generic = advice_of(run(failure("dns", json::object())));
  CHECK(advice_of(run(failure("dns", {{"reason", "ESOMETHING"}}))) == generic);
  // A short (Docker/Kubernetes) name is read from the base URL, whatever the resolver said.
  const std::string short_name = advice_of(run(failure("dns", {{"reason", "EAI_AGAIN"}}, "http://ollama:11434/v1")));
  CHECK(advice_of(run(failure("dns", {{"reason", "ENOTFOUND"}}, "http://ollama:11434/v1"))) == short_name);
  CHECK(short_name != generic);
}

TEST_CASE("diagnose relay reasons: refused") {
  check_causes("refused", {
                              {"nothing listens", {"ECONNREFUSED"}, "FNNNN", ""},
                              {"unreachable", {"EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN"}, "FNNNN", ""},
                              {"generic", {"", "EWHATEVER"}, "FNNNN", ""},
                          });
  // On loopback, "nothing listens" and the generic advice both say localhost is the relay.
  check_causes("refused",
               {
                   {"nothing listens on loopback", {"ECONNREFUSED"}, "FNNNN", ""},
                   {"unreachable", {"EHOSTUNREACH"}, "FNNNN", ""},
                   {"generic on loopback", {""}, "FNNNN", ""},
               },
               "http://127.0.0.1:8080/v1");
}

TEST_CASE("diagnose relay reasons: tls — one advice per certificate problem, from err.code") {
  check_causes(
      "tls",
      {
          {"not TLS", {"EPROTO", "ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG"}, "FNNNN", ""},
          {"wrong host", {"ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"}, "FNNNN", ""},
          {"expired", {"CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"}, "FNNNN", ""},
          {"self-signed", {"DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN"}, "FNNNN", ""},
          {"unknown issuer",
           {"UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
           "FNNNN",
           ""},
          {"untrusted", {"CERT_UNTRUSTED", "CERT_REJECTED", "INVALID_CA", "CERT_SIGNATURE_FAILURE"}, "FNNNN", ""},
          {"revoked", {"CERT_REVOKED"}, "FNNNN", ""},
          // Another OpenSSL or Node TLS code, an unknown one, or none.
          {"generic",
           {"", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "ERR_TLS_HANDSHAKE_TIMEOUT", "unknown"},
           "FNNNN",
           ""},
      });
}

TEST_CASE("diagnose relay reasons: upstream_reset — not HTTP (endpoint) vs dropped (reach)") {
  check_causes(
      "upstream_reset",
      {
          {"dropped",
           {"ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE", "ETIMEDOUT", "closed_mid_response"},
           "FNNNN",
           ""},
          {"not HTTP", {"HPE_INVALID_CONSTANT", "HPE_INVALID_CONTENT_LENGTH", "HPE_INVALID_CHUNK_SIZE"}, "PFNNN", ""},
          {"huge headers", {"HPE_HEADER_OVERFLOW"}, "PFNNN", ""},
          {"invalid status", {"invalid_status"}, "PFNNN", ""},
          {"encoding", {"unsupported_encoding", "bad_encoding"}, "PFNNN", ""},
          {"generic", {"", "unknown", "HPE"}, "FNNNN", ""},
      });
}

TEST_CASE("diagnose relay reasons: timeout — the phase, from `phase` or from the reason") {
  check_causes("timeout", {
                              {"connect", {"connect_timeout", "ETIMEDOUT"}, "FNNNN", ""},
                              {"first byte", {"first_byte_timeout"}, "PNNNN", "timeout"},
                          });
  // `phase` decides over the reason; without both, a measured connect time says "connected".
  CHECK(steps_of(run(failure("timeout", {{"phase", "first_byte"}, {"reason", "connect_timeout"}}))) == "PNNNN");
  CHECK(steps_of(run(failure("timeout", json::object()))) == "FNNNN");
  json connected = failure("timeout", json::object());
  connected["timings"] = {{"connect", 12}};
  CHECK(steps_of(run(connected)) == "PNNNN");
}

TEST_CASE("diagnose relay reasons: the first-byte timeout advises streaming only when the request did not stream") {
  auto with_stream = [](std::optional<bool> stream) {
    json o = failure("timeout", {{"phase", "first_byte"}, {"reason", "first_byte_timeout"}});
    if (stream) o["request"] = {{"stream", *stream}};
    return run(o);
  };
  const json not_streamed = with_stream(false), streamed = with_stream(true), unknown = with_stream(std::nullopt);
  for (const json* d : {&not_streamed, &streamed, &unknown}) {
    CHECK(steps_of(*d) == "PNNNN");
    CHECK(conditions_of(*d) == "timeout");
  }
  CHECK(advice_of(not_streamed) != advice_of(streamed));
  CHECK(advice_of(unknown) != advice_of(streamed));
  CHECK(advice_of(unknown) != advice_of(not_streamed));
  // The one property this is about: a request that streamed is not told to turn streaming on.
  CHECK(advice_of(not_streamed).find("turn streaming on") != std::string::npos);
  CHECK(advice_of(streamed).find("turn streaming on") == std::string::npos);
  // request.stream of another type is not read.
  json odd = failure("timeout", {{"phase", "first_byte"}});
  odd["request"] = {{"stream", "true"}};
  CHECK(advice_of(run(odd)) == advice_of(unknown));
}

TEST_CASE("diagnose relay reasons: too_large — the request or the response, from the reason") {
  check_causes("too_large", {
                                {"request", {"request_too_large"}, "NNNNN", "relay_limit"},
                                {"response", {"response_too_large"}, "NNNNN", "relay_limit"},
                                {"either", {"", "unknown"}, "NNNNN", "relay_limit"},
                            });
}

TEST_CASE("diagnose relay reasons: config reads `detail`, never the message") {
  const json with_detail =
      run(failure("config", {{"reason", "bad_base_url"}, {"detail", "the scheme ftp is not http or https"}},
                  "https://llm.example.com/v1", "the model's base URL cannot be used: something else entirely"));
  CHECK(steps_of(with_detail) == "NFNNN");
  CHECK(advice_of(with_detail).find("the scheme ftp is not http or https") != std::string::npos);
  CHECK(advice_of(with_detail).find("something else entirely") == std::string::npos);
  const json without = run(failure("config", {{"reason", "bad_base_url"}}, "https://llm.example.com/v1",
                                   "the model's base URL cannot be used: something else entirely"));
  CHECK(steps_of(without) == "NFNNN");
  CHECK(advice_of(without).find("something else entirely") == std::string::npos);
  // detail is redacted like the message.
  json secret = failure(
      "config", {{"reason", "bad_base_url"}, {"detail", "https://u:sk-abcdefghijklmnop0123@x/ has credentials"}});
  secret["secrets"] = {"sk-abcdefghijklmnop0123"};
  CHECK(run(secret).dump().find("sk-abcdefghijklmnop0123") == std::string::npos);
}

TEST_CASE("diagnose relay reasons: blocked_address reads `category` only") {
  check_causes("blocked_address",
               {
                   {"metadata", {"metadata"}, "FNNNN", ""},
               },
               "http://meta.internal/v1", {{"category", "metadata"}});
  // No category: the generic advice, whatever the message names.
  const json none = run(failure("blocked_address", json::object(), "http://h.example/v1",
                                "h.example resolves to 169.254.169.254, a metadata address"));
  const json none_plain = run(failure("blocked_address", json::object(), "http://h.example/v1", "refused"));
  CHECK(advice_of(none) == advice_of(none_plain));
  CHECK(advice_of(none) !=
        advice_of(run(failure("blocked_address", {{"category", "metadata"}}, "http://h.example/v1"))));
}

TEST_CASE("diagnose relay reasons: the relay's own refusals by kind") {
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"busy", "relay_limit"},          {"overloaded", "relay_limit"},
      {"unauthorized", "session"},      {"cross_site", "session"},
      {"misdirected", "session"},       {"unknown_model", "unknown_model"},
      {"not_testable", "not_testable"}, {"invalid_request", "invalid_request"},
      {"internal", "relay_error"},
  };
  for (const auto& [kind, condition] : kinds) {
    const json d = run(failure(kind, json::object()));
    INFO(kind << "\n" << d.dump(2));
    CHECK(steps_of(d) == "NNNNN");
    CHECK(conditions_of(d) == condition);
  }
}

TEST_CASE("diagnose relay reasons: the message decides nothing — any text gives the same diagnosis") {
  // Every kind with the reasons and fields the relay sends, before and after the answer began.
  std::vector<json> outcomes;
  const std::vector<std::pair<std::string, std::vector<json>>> kinds = {
      {"dns", {{{"reason", "ENOTFOUND"}}, {{"reason", "EAI_AGAIN"}}, {{"reason", "no_address"}}, json::object()}},
      {"refused", {{{"reason", "ECONNREFUSED"}}, {{"reason", "EHOSTUNREACH"}}, json::object()}},
      {"tls",
       {{{"reason", "EPROTO"}},
        {{"reason", "ERR_TLS_CERT_ALTNAME_INVALID"}},
        {{"reason", "CERT_HAS_EXPIRED"}},
        {{"reason", "DEPTH_ZERO_SELF_SIGNED_CERT"}},
        {{"reason", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"}},
        json::object()}},
      {"timeout",
       {{{"phase", "connect"}, {"reason", "connect_timeout"}},
        {{"phase", "first_byte"}, {"reason", "first_byte_timeout"}},
        {{"phase", "idle"}, {"reason", "idle_timeout"}},
        {{"phase", "total"}, {"reason", "total_timeout"}},
        json::object()}},
      {"blocked_address",
       {{{"category", "private"}, {"reason", "private"}},
        {{"category", "metadata"}, {"reason", "metadata"}},
        json::object()}},
      {"upstream_reset",
       {{{"reason", "ECONNRESET"}},
        {{"reason", "HPE_INVALID_CONSTANT"}},
        {{"reason", "HPE_HEADER_OVERFLOW"}},
        {{"reason", "invalid_status"}, {"status", 101}},
        {{"reason", "unsupported_encoding"}},
        json::object()}},
      {"config",
       {{{"reason", "bad_base_url"}, {"detail", "the scheme ftp is not http or https"}, {"field", "api_base"}},
        json::object()}},
      {"redirect",
       {{{"reason", "redirect"}, {"status", 302}, {"location", "https://sso.example.com/login"}},
        {{"reason", "redirect"}, {"status", 301}, {"location", "https://llm.example.com/v1/chat/completions"}},
        json::object()}},
      {"too_large", {{{"reason", "request_too_large"}}, {{"reason", "response_too_large"}}, json::object()}},
      {"busy", {{{"reason", "per_user_limit"}}}},
      {"overloaded", {{{"reason", "upload_budget"}}}},
      {"unauthorized", {{{"reason", "no_session"}}}},
      {"cross_site", {{{"reason", "missing_playground_header"}}}},
      {"misdirected", {{{"reason", "host_not_served"}}}},
      {"unknown_model", {{{"reason", "unknown_model"}}}},
      {"not_testable", {{{"reason", "not_testable"}}}},
      {"invalid_request", {{{"reason", "invalid_body"}}}},
      {"internal", {{{"reason", "internal"}}}},
  };
  for (const auto& [kind, variants] : kinds) {
    for (const json& fields : variants) {
      for (const char* base : {"http://llm.example.com/v1", "http://127.0.0.1:8080/v1", "http://ollama:11434/v1"}) {
        outcomes.push_back(failure(kind, fields, base));
        json o = failure(kind, fields, base);
        o["status"] = 200;  // the answer had begun: the mid-stream path
        outcomes.push_back(o);
        json s = failure(kind, fields, base);
        s["request"] = {{"stream", true}};
        s["timings"] = {{"connect", 5}};
        outcomes.push_back(s);
      }
    }
  }
  // Messages that name other causes, as the old word matching would have read them.
  const std::vector<std::string> misleading = {
      "",
      "wrong version number",
      "Hostname/IP does not match certificate's altnames",
      "self-signed certificate",
      "certificate has expired",
      "10.0.0.5 is unreachable (EHOSTUNREACH)",
      "a malformed HTTP response",
      "content-encoding gzip failed",
      "the model's base URL cannot be used: use https",
      "the relay's response size limit",
      "resolves to 169.254.169.254, a metadata address",
      "a loopback address",
      "redirecting to https://sso.example/login",
      "timed out in phase connect",
      "first_byte",
      "ECONNREFUSED",
      "ENOTFOUND EPROTO CERT_HAS_EXPIRED",
  };
  std::mt19937 rng(20240607);
  auto random_text = [&] {
    std::uniform_int_distribution<int> len(0, 120), ch(32, 126);
    std::string s(static_cast<std::size_t>(len(rng)), ' ');
    for (char& c : s) c = static_cast<char>(ch(rng));
    return s;
  };
  for (const json& outcome : outcomes) {
    const json base = decision(run(outcome));
    for (std::size_t i = 0; i < misleading.size() + 8; ++i) {
      json other = outcome;
      other["relayError"]["message"] = i < misleading.size() ? misleading[i] : random_text();
      if (i == misleading.size()) other["relayError"].erase("message");
      const json d = decision(run(other));
      INFO(outcome["relayError"].dump() << " status " << outcome["status"] << " with message "
                                        << other["relayError"].value("message", std::string("(none)")));
      CHECK(d == base);
    }
  }
}

TEST_CASE(
    "diagnose relay reasons: a model's own timeout / stream_timeout is a model_deadline, before or during the answer") {
  for (const char* reason : {"model_timeout", "model_stream_timeout"}) {
    const json before =
        run(failure("timeout", {{"phase", "first_byte"},
                                {"reason", reason},
                                {"limit", std::string("model.") + (reason[6] == 's' ? "stream_timeout" : "timeout")},
                                {"limitMs", 1500}}));
    CHECK(steps_of(before) == "PNNNN");
    CHECK(conditions_of(before) == "model_deadline");
    CHECK(before["verdict"] == "fail");
    // The advice names the model's setting and its length (from limit / limitMs, not the message).
    CHECK(advice_of(before).find(reason[6] == 's' ? "`stream_timeout` (1.5 s)" : "`timeout` (1.5 s)") !=
          std::string::npos);

    json during = failure("timeout", {{"phase", "idle"}, {"reason", reason}});
    during["status"] = 200;
    during["result"] = {{"content", "Hel"}};
    const json d = run(during);
    CHECK(steps_of(d) == "PPPPF");
    CHECK(conditions_of(d) == "model_deadline");
  }
  // The relay's own limits stay what they were.
  CHECK(conditions_of(run(failure("timeout", {{"phase", "first_byte"}, {"reason", "first_byte_timeout"}}))) ==
        "timeout");
}
