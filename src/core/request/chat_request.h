// The relay's chat request, bytes in and bytes out: `{"model": "<id>", "body": {...}}` as the
// browser sent it is read once, the model id handed out (the relay looks the model up), and
// the kept body then checked by check_chat_body with the model's configuration, shaped as
// the gateway shapes it, and written out as the bytes the relay sends upstream. So a body is
// parsed once and serialised once, whatever its size (25 MiB of images), instead of passing
// through JSON.parse and JSON.stringify in JavaScript on its way in and out.
//
// The answers are those of the relay's earlier path (JSON.parse of the request, then
// check_chat_body on the body): a request JSON.parse would refuse is `not_json`; a top level
// that is not an object with a non-empty string `model` is `no_model`; a request JSON.parse
// accepts but the core's reader refuses (nested past kMaxJsonDepth, a lone surrogate escape)
// opens, and its check then says so (`bad_input`), after the relay has looked the model up.
// Invalid UTF-8 inside strings becomes U+FFFD and a number past a double's range null, as
// TextDecoder and JSON.stringify made them (request/detail/js_json.h).
#pragma once

#include "core/request/chat_body.h"
#include "core/upstream/gateway_shaping.h"

#include <string>
#include <string_view>
#include <vector>

namespace pg {

// What the relay's configuration says about the model called.
struct ChatTarget {
  std::string model_name;
  std::string provider;
  bool shaped = false;  // with the model's shaping (the relay's, from load_resources)
  CallShaping shaping;
  std::string request_id;  // this call's x-aisix-request-id
};
// {model_name, provider, shaping?, requestId?} as the relay sends them; anything else ignored.
// The relay reads one per model and configuration snapshot and checks every call against it.
ChatTarget chat_target_from_json(const json& value);

struct CheckedRequest {
  bool ok = false;
  bool bad_input = false;               // the core could not read the body: errors[0] says why (field "body")
  std::vector<FieldError> errors;       // when !ok: every problem found
  bool stream = false;                  // when ok: the gateway decides streaming from the request, before shaping
  std::vector<OutboundHeader> headers;  // when ok and shaped: what the key's default_headers add
  std::vector<ShapingNote> changes;     // when ok and shaped: what the key's settings changed
  std::string body;                     // when ok: the body as the relay sends it (JSON, UTF-8)
};
// {ok, errors} | {ok, badInput, errors} | {ok, stream, headers, changes}: everything but the
// body, as JSON text (written without a tree: the relay reads it for every call).
std::string meta_text(const CheckedRequest& checked);

class ChatRequest {
 public:
  // Reads the request; keeps only its body (parsed) and the model id.
  explicit ChatRequest(std::string_view bytes, const RequestLimits& limits = {});

  bool ok() const { return error_code_.empty(); }
  const std::string& error_code() const { return error_code_; }  // "not_json" | "no_model"
  const std::string& error_message() const { return error_message_; }
  const std::string& model() const { return model_; }
  // {"model": "…"} | {"error": {"code", "message"}}
  json open_json() const;

  // Checks, shapes and serialises the body: once (the body is given up to the result).
  // `request_id` is this call's, for a target kept across calls (the relay keeps one per
  // model and configuration snapshot); the one-argument form uses the target's own.
  CheckedRequest check(const ChatTarget& target, std::string_view request_id);
  CheckedRequest check(const ChatTarget& target) { return check(target, target.request_id); }

 private:
  RequestLimits limits_;
  std::string error_code_, error_message_;
  std::string model_;
  json body_;
  std::string body_error_;  // why the core could not read the body ("" when it could)
  bool checked_ = false;
};

}  // namespace pg
