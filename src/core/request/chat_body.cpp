#include "core/request/chat_body.h"

namespace pg {

namespace {

// Errors name form fields ("params.temperature"); for a body, the body's own key is clearer.
void rename_fields(BuildResult& r) {
  for (auto& e : r.errors) {
    if (e.field.rfind("params.", 0) == 0) e.field.erase(0, 7);
  }
  for (auto& w : r.warnings) {
    if (w.path.rfind("params.", 0) == 0) w.path.erase(0, 7);
  }
}

}  // namespace

BuildResult check_chat_body(const json& body, std::string_view model_name, std::string_view provider,
                            const RequestLimits& limits) {
  return check_chat_body(json(body), model_name, provider, limits);
}

BuildResult check_chat_body(json&& body, std::string_view model_name, std::string_view provider,
                            const RequestLimits& limits) {
  if (!body.is_object()) {
    BuildResult r;
    r.errors.push_back({"body", "the chat body must be a JSON object"});
    return r;
  }
  json form = json::object();
  // Null until a member is set (operator[] makes it an object then): most bodies have no
  // parameters and no extra fields, and an empty object is an allocation each.
  json params;
  json extra;
  const bool has_max_tokens = body.contains("max_tokens");
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& key = it.key();
    if (key == "messages")
      form["messages"] = std::move(it.value());
    else if (key == "stream")
      form["stream"] = std::move(it.value());
    else if (key == "model" || key == "stream_options")
      continue;  // set from the configuration / by the builder
    else if (key == "max_completion_tokens") {
      if (!has_max_tokens) params["max_tokens"] = std::move(it.value());
    } else if (is_parameter(key) && key != "reasoning_effort") {
      params[key] = std::move(it.value());  // max_completion_tokens: above
    } else {
      // reasoning_effort too: a body cannot say whether the form had it in params (checked
      // against the model's family) or in extra (sent as it is), so it passes as extra does.
      extra[key] = std::move(it.value());
    }
  }
  if (!form.contains("messages")) form["messages"] = nullptr;  // reported by the builder
  if (!params.is_null()) form["params"] = std::move(params);
  if (!extra.is_null()) form["extra"] = std::move(extra);
  form["model"] = object_of("model_name", model_name, "provider", provider);
  BuildResult r = build_request(form, limits);
  rename_fields(r);
  return r;
}

}  // namespace pg
