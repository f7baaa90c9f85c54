#include "core/request/chat_request.h"

#include "core/base/detail/json_reader.h"
#include "core/base/detail/json_writer.h"
#include "core/request/detail/js_json.h"

#include <utility>

namespace pg {

namespace {

constexpr const char* kNotJson = "the request body is not valid JSON";
constexpr const char* kNoModel = "send {\"model\": \"<model id>\", \"body\": {...}}";
// Room past the built body's size for what shaping adds (a renamed key, stream_options, a
// key's default fields) and for the facts the binding appends to the same buffer.
constexpr std::size_t kBodyRoom = 4096;
// The earlier path's words for a body its core could not read (the binding's bad_input).
const std::string kUnreadable = "the core was given invalid JSON: ";

}  // namespace

ChatTarget chat_target_from_json(const json& value) {
  ChatTarget t;
  t.model_name = string_or_empty(value, "model_name");
  t.provider = string_or_empty(value, "provider");
  if (const json* shaping = member(value, "shaping"); shaping && shaping->is_object()) {
    t.shaped = true;
    t.shaping = shaping_from_json(*shaping);
    t.request_id = string_or_empty(value, "requestId");
  }
  return t;
}

ChatRequest::ChatRequest(std::string_view bytes, const RequestLimits& limits) : limits_(limits) {
  // Nearly every request: one read of the bytes, and the body is kept as it was read.
  json document;
  JsonReadError error;
  if (read_json(bytes, kMaxJsonDepth, document, error)) {
    if (document.is_object()) {
      auto model = document.find("model");
      if (model != document.end() && model->is_string() && !model->get_ptr<const std::string*>()->empty()) {
        model_ = std::move(*model->get_ptr<std::string*>());
        if (auto body = document.find("body"); body != document.end()) body_ = std::move(*body);
        return;
      }
    }
    error_code_ = "no_model";
    error_message_ = kNoModel;
    return;
  }
  // Refused by the core's reader: read as JSON.parse would have read it (js_json.h).
  const request_detail::JsEnvelope envelope = request_detail::read_js_envelope(bytes);
  if (!envelope.valid) {
    error_code_ = "not_json";
    error_message_ = kNotJson;
    return;
  }
  if (!envelope.object || !envelope.model || envelope.model->empty()) {
    error_code_ = "no_model";
    error_message_ = kNoModel;
    return;
  }
  model_ = *envelope.model;
  if (!envelope.has_body) return;  // a null body, refused by the check
  const std::string body =
      request_detail::normalise_js_value(bytes.substr(envelope.body_begin, envelope.body_end - envelope.body_begin));
  // The body sat one level down in the earlier path's input: the same limit applies to it.
  if (read_json(body, kMaxJsonDepth - 1, body_, error)) return;
  body_ = nullptr;
  body_error_ = kUnreadable + (error.kind == JsonReadError::Kind::TooDeep
                                   ? "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                                   : "malformed or truncated JSON: " + error.detail + " at byte " +
                                         std::to_string(envelope.body_begin + error.offset));
}

json ChatRequest::open_json() const {
  if (!ok()) return object_of("error", object_of("code", error_code_, "message", error_message_));
  return object_of("model", model_);
}

CheckedRequest ChatRequest::check(const ChatTarget& target, std::string_view request_id) {
  CheckedRequest out;
  const bool again = checked_;
  checked_ = true;
  if (again || !ok() || !body_error_.empty()) {
    out.bad_input = true;
    out.errors.push_back({"body", again ? "this request was checked already" : !ok() ? error_message_ : body_error_});
    return out;
  }
  BuildResult built = check_chat_body(std::move(body_), target.model_name, target.provider, limits_);
  body_ = nullptr;
  if (!built.ok) {
    out.errors = std::move(built.errors);
    return out;
  }
  if (target.shaped) {
    // The gateway decides streaming from the request, before the key's settings touch it.
    ShapedCall call = shape_call(built.body, target.shaping, request_id);
    out.stream = call.stream;
    out.headers = std::move(call.headers);
    out.changes = std::move(call.changes);
  } else {
    const json* stream = member(built.body, "stream");
    out.stream = stream && stream->is_boolean() && stream->get<bool>();
  }
  out.ok = true;
  // Written once into a buffer of about its size (the builder measured it for the size limit):
  // grown by doubling, a 25 MiB body's text was copied at each step and, at the last, held
  // twice over at once.
  out.body.reserve(built.body_bytes + kBodyRoom);
  write_json(built.body, out.body);
  return out;
}

namespace {

// An array of two-member objects, {"<first>": "…", "<second>": "…"} each, both values strings.
template <typename Items, typename Values>
void append_pairs(std::string& out, const Items& items, std::string_view first, std::string_view second,
                  Values values) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto [a, b] = values(items[i]);
    out += i ? ",{\"" : "{\"";
    out += first;
    out += "\":";
    append_json_string(out, a);
    out += ",\"";
    out += second;
    out += "\":";
    append_json_string(out, b);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string meta_text(const CheckedRequest& checked) {
  // Written straight to text, members in the order nlohmann's objects keep (sorted), as the
  // tree this replaced wrote them: the relay reads this for every call.
  std::string out;
  if (!checked.ok) {
    out = checked.bad_input ? "{\"badInput\":true,\"errors\":" : "{\"errors\":";
    append_pairs(out, checked.errors, "field", "message",
                 [](const FieldError& e) { return std::pair<std::string_view, std::string_view>(e.field, e.message); });
    out += ",\"ok\":false}";
    return out;
  }
  out = "{\"changes\":[";
  for (std::size_t i = 0; i < checked.changes.size(); ++i) {
    if (i) out += ',';
    out += dump_json(to_json(checked.changes[i]));
  }
  out += "],\"headers\":";
  append_pairs(out, checked.headers, "name", "value",
               [](const OutboundHeader& h) { return std::pair<std::string_view, std::string_view>(h.name, h.value); });
  out += checked.stream ? ",\"ok\":true,\"stream\":true}" : ",\"ok\":true,\"stream\":false}";
  return out;
}

}  // namespace pg
