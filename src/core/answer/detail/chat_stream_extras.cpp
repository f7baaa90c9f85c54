// ChatStream's rarely taken paths, apart from the per-event ones in chat_stream.cpp and a
// chunk read whole in chat_stream_chunk.cpp: the relay's own relay_error event, content sent
// as typed parts (Mistral) and the legacy function_call. They run for a few chunks of a few
// providers' streams, so they are built for size in the WebAssembly module (cmake/wasm.cmake's
// hot list names chat_stream.cpp, not this file).
#include "core/answer/chat_stream.h"

#include "core/answer/detail/chat_stream_findings.h"
#include "core/answer/detail/completion_rules.h"
#include "core/base/text.h"

namespace pg {

using namespace answer_detail;

namespace {

// The relay's own event (event: relay_error) carries
// {"error":{"source":"relay","kind","message","phase"?,"reason"?,"nonce"}}. Its texts are cut
// to a line each: a stream is outside input even where it claims to be the relay.
constexpr std::size_t kRelayKindChars = 40;
constexpr std::size_t kRelayMessageChars = 500;
constexpr std::size_t kRelayReasonChars = 80;
constexpr std::size_t kRelayNonceMaxBytes = 64;

// The relay's nonce is base64url; anything else (or longer) cannot be it, so it is kept as
// "" rather than cut (a cut value must never be compared with the header).
bool is_nonce(std::string_view s) {
  if (s.empty() || s.size() > kRelayNonceMaxBytes) return false;
  for (char c : s)
    if (!(is_alnum(c) || c == '-' || c == '_')) return false;
  return true;
}

// nullopt, with `problem` set, when the data is not the relay's error JSON.
std::optional<RelayEvent> read_relay_event(const std::string& data, std::string& problem) {
  auto parsed = parse_json(data);
  if (!parsed.value) {
    problem = "its data is not JSON";
    return std::nullopt;
  }
  const json* error = member(*parsed.value, "error");
  if (!error || !error->is_object()) {
    problem = "its data has no error object";
    return std::nullopt;
  }
  const auto* source = string_member(*error, "source");
  if (!source || *source != "relay") {
    problem = "its error.source is not \"relay\"";
    return std::nullopt;
  }
  const auto* kind = string_member(*error, "kind");
  if (!kind || kind->empty()) {
    problem = "its error.kind is missing";
    return std::nullopt;
  }
  auto text = [&](const char* name, std::size_t max_chars) {
    const auto* value = string_member(*error, name);
    return value ? excerpt(*value, max_chars) : std::string();
  };
  RelayEvent e;
  e.kind = excerpt(*kind, kRelayKindChars);
  e.message = text("message", kRelayMessageChars);
  e.phase = text("phase", kRelayKindChars);
  e.reason = text("reason", kRelayReasonChars);
  if (const auto* nonce = string_member(*error, "nonce"); nonce && is_nonce(*nonce)) e.nonce = *nonce;
  return e;
}

}  // namespace

// The last well-formed relay_error event wins (the relay writes one, last); a malformed one
// is ignored, with a warning: it says nothing about the answer's validity.
void ChatStream::on_relay_event(const std::string& data) {
  const std::size_t number = relay_events_++;
  std::string problem;
  auto event = read_relay_event(data, problem);
  if (!event) {
    issues_.note(result_.findings, "relay_error events that are not the relay's error JSON", kKeepEach, [&] {
      return warn(FindingCode::RelayEventMalformed, "relay_error[" + std::to_string(number) + "]",
                  "an event named relay_error was ignored: " + problem +
                      " (the relay's is {\"error\":{\"source\":\"relay\",\"kind\":…,\"message\":…,\"nonce\":…}})");
    });
    return;
  }
  result_.relay_event = std::move(*event);
}

void ChatStream::on_content_parts(const json& parts, std::size_t number, std::size_t i) {
  const std::string path = choice_path(number, i, ".delta.content");
  issues_.note(result_.findings, "deltas whose content is an array of parts", 1,
               [&] { return warn(FindingCode::ContentParts, path, kContentPartsNote); });
  const std::size_t skipped = read_content_parts(
      parts,
      [&](const std::string& text) {
        result_.content += text;
        deltas_.content(text);
      },
      [&](const std::string& text) {
        result_.reasoning += text;
        deltas_.reasoning(text);
      });
  if (skipped)
    issues_.note(result_.findings, "content parts of other types", 1, [&] {
      return warn(FindingCode::ContentPartIgnored, path,
                  "a content part that is neither text nor thinking was ignored");
    });
}

// OpenAI streams a legacy function call as the name first, then the arguments in pieces.
void ChatStream::on_function_call(const json& fragment, std::size_t number, std::size_t i) {
  if (!fragment.is_object()) {
    issues_.note(result_.findings, "function_calls that are not objects", 1, [&] {
      return err(FindingCode::FunctionCallNotObject, choice_path(number, i, ".delta.function_call"),
                 "function_call is not an object");
    });
    return;
  }
  function_call_ = true;
  if (const auto* name = string_member(fragment, "name"); name && !name->empty()) function_name_ = *name;
  const json* arguments = member(fragment, "arguments");
  if (arguments && arguments->is_string()) {
    function_arguments_ += arguments->get_ref<const std::string&>();
  } else if (arguments && !arguments->is_null()) {
    issues_.note(result_.findings, "function_call arguments that are not strings", 1, [&] {
      return warn(FindingCode::FunctionCallArgumentsInvalid, choice_path(number, i, ".delta.function_call.arguments"),
                  "function_call.arguments is not a string; the piece was ignored");
    });
  }
}

}  // namespace pg
