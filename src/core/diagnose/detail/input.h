// The Outcome that core.diagnose reads, normalised: every field has a known type whatever
// the page sent (missing fields, wrong types, numbers as strings), and every text is
// already redacted. Internal to core/diagnose*.
#pragma once

#include "core/base/json_util.h"
#include "core/base/text.h"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pg::diag {

// The relay's own failure ({error:{source:"relay", kind, message, …}}).
struct RelayFailure {
  std::string kind;      // "dns", "refused", "timeout", … ("" when the page sent none)
  std::string message;   // redacted, single line
  std::string category;  // blocked_address: the address category ("loopback", "private", …)
  std::string location;  // redirect: where the provider pointed
  std::string phase;     // timeout: "connect" | "first_byte" | "idle" | "total" ("" when unknown)
  std::string reason;    // the relay's machine-readable cause ("" when none; docs/contracts.md)
  std::string detail;    // config: the base URL's problem, as the core's plan said it (redacted)
  int status = 0;        // redirect: the provider's 3xx
  // timeout with reason model_timeout / model_stream_timeout: the model's own deadline
  // ("model.timeout" | "model.stream_timeout") and its length (0 when not sent).
  std::string limit;
  double limit_ms = 0;
};

// A stream's relay_error event as the Result carries it (docs/contracts.md, Result.relayEvent).
// Whose it is depends on its nonce: see Outcome::relay_event_verified.
struct RelayEventView {
  std::string kind;
  std::string message;  // redacted, single line
  std::string phase;
  std::string reason;
  std::string nonce;  // "" when the event carried none
};

// The provider's error in place of an answer (Result.providerError): its envelope's fields,
// bounded and redacted.
struct AnswerErrorView {
  std::string type;  // the provider's type, or the body's form ("error", "text", …)
  std::string code;  // "" when none
  std::string param;
  std::string message;  // redacted, single line
  bool mid_stream = false;
};

// The parts of the Result (docs/contracts.md) that the diagnosis needs.
struct ResultView {
  bool ok = true;
  std::string content;
  std::string reasoning;
  // The whole texts' sizes in UTF-8 bytes: a caller may send only the start of a long answer
  // with its size beside it (contentLength / reasoningLength); never less than what came.
  std::size_t content_bytes = 0;
  std::size_t reasoning_bytes = 0;
  std::size_t tool_calls = 0;
  bool function_call = false;  // a legacy function_call (Result.functionCall): an answer too
  std::string finish_reason;   // "" when none
  std::string model;           // the model that answered, "" when unknown
  bool done = false;
  // Findings: what decides is each one's code (finding.h's closed list; "" from a caller
  // that sent none); the "<path>: <message>" lines are evidence, for people.
  std::vector<std::string> errors;       // "<path>: <message>" of error findings, in order
  std::vector<std::string> error_codes;  // their codes, in the same order
  std::vector<std::string> warnings;     // the same for warnings
  std::vector<std::string> warning_codes;
  std::optional<RelayEventView> relay_event;
  std::optional<AnswerErrorView> provider_error;  // Result.providerError
};

// The base URL, read only for advice (the relay's upstreamUrl decides what is called).
struct BaseUrl {
  bool present = false;
  std::string text;    // as configured (bounded), credentials removed
  std::string scheme;  // "https" when none was given
  std::string host;    // lower case, IPv6 without brackets
  std::string port;    // as given, or the scheme's default
  std::string path;    // without query, fragment or trailing slashes ("" for the root)
};

// What the request asked of the answer's form: its response_format, read bounded (only
// what the answer step checks: the type, and for a schema its top-level object rules).
struct AskedFormat {
  std::string type;                   // "json_object" | "json_schema"
  std::string name;                   // json_schema.name ("" when none), bounded
  bool object_schema = false;         // the schema describes an object (type "object" or properties)
  std::vector<std::string> required;  // its top-level required keys (the first kMaxFormatKeys)
  // additionalProperties: false at the top level, with every property name read (past the
  // bound no extra key can be told apart, so the rule is not checked).
  bool closed = false;
  std::vector<std::string> properties;  // sorted, for the closed check
};

// outcome.modelSuggestions: the provider's names closest to the model it refused (the relay's
// upstream-models route ranks them with closest_models.h), or why its list could not be had.
struct ModelSuggestions {
  std::vector<std::string> names;  // at most kMaxSuggestions, each bounded and redacted
  std::string unavailable;         // model_list.h's problem code ("" when the list was read)
  int status = 0;                  // http_error: the provider's status (0: not said)
  std::size_t listed = 0;          // how many names the list held (0: not said)
};

struct Outcome {
  std::optional<RelayFailure> relay;
  int status = 0;  // the upstream's HTTP status (0: none)
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
  std::optional<std::string> body;             // redacted
  std::optional<ResultView> result;
  std::string provider;    // the model's provider ("openai", "azure", …)
  std::string model_name;  // the upstream model name (bounded)
  BaseUrl base;
  std::vector<std::string> secrets;
  std::optional<double> connect_ms;  // timings.connect, when the relay reported it
  bool aborted = false;              // the user pressed Stop (the page's outcome.aborted)
  // The relay's headers: what it wrote itself says x-playground-source: relay; a forwarded
  // answer carries x-playground-relay-nonce, the nonce of the relay's own stream event. An
  // upstream can set neither (the relay passes upstream headers through an allowlist).
  bool from_relay = false;
  std::string relay_nonce;  // as received, not redacted ("" when absent)
  // outcome.request.response_format when it asked for JSON (json_object or json_schema).
  std::optional<AskedFormat> asked;
  // outcome.request.stream: whether the request asked for a stream (nullopt: not said).
  std::optional<bool> request_streamed;
  std::optional<ModelSuggestions> suggestions;  // outcome.modelSuggestions, when sent
};

Outcome read_outcome(const json& outcome);

// A Result (docs/contracts.md; the page's, or validate_completion's) as the diagnosis reads it.
ResultView read_result(const json& result, const std::vector<std::string>& secrets);

BaseUrl read_base_url(std::string_view api_base);

// Whether a stream's relay_error event is the relay's own: its nonce is this response's
// x-playground-relay-nonce. Otherwise the upstream wrote it, posing as the relay.
bool is_relays(const Outcome& o, const RelayEventView& event);

// A header's value ("" when absent), by lower-case name.
std::string header(const Outcome& o, std::string_view lower_name);

// Whether a finding with `code` is among `codes` (ResultView's error_codes or warning_codes).
bool has_code(const std::vector<std::string>& codes, std::string_view code);

}  // namespace pg::diag
