// Builds the chat-completions body from the playground form.
//
// Every check appends to one report instead of stopping at the first problem, so the page
// can mark every wrong field at once. Values that pass are copied into the body as they
// are read; the body is only handed out when nothing failed. The pieces it is built from
// (report, text, numbers, images, model rules, params) are in detail/builder.h.
#include "core/request/request.h"

#include "core/base/detail/json_writer.h"
#include "core/request/detail/builder.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg {

const Parameter kParameters[9] = {
    {"temperature", "number", 0, 2, true},
    {"max_tokens", "integer", 1, 0, false},
    {"top_p", "number", 0, 1, true},
    {"stop", "stop"},
    {"presence_penalty", "number", -2, 2, true},
    {"frequency_penalty", "number", -2, 2, true},
    {"seed", "integer", 0, 0, false},
    {"response_format", "response_format"},
    // Only for the model families that take it (request/probe.h, reasoning_effort_for): the
    // page offers it for those, the builder refuses it for the others.
    {"reasoning_effort", "reasoning_effort"},
};

bool is_parameter(std::string_view key) {
  for (const auto& p : kParameters)
    if (p.key == key) return true;
  return false;
}

json parameters_json() {
  json out = json::array();
  for (const auto& p : kParameters) {
    json row = {{"key", p.key}, {"kind", p.kind}};
    if (p.ranged) row["min"] = p.min, row["max"] = p.max;
    out.push_back(std::move(row));
  }
  return out;
}

using namespace request_detail;

namespace {

// ----------------------------------------------------------------- model

void read_model(Build& b, const json& form) {
  const json* m = member(form, "model");
  if (!m || m->is_null()) return;
  if (!m->is_object()) {
    b.report.error("model", "must be an object {model_name, provider} (got " + type_name(*m) + ")");
    return;
  }
  // Other members (id, display_name, api_base…) come from the relay's model list: ignored.
  if (const json* name = member(*m, "model_name"); name && !name->is_null()) {
    if (!name->is_string()) {
      b.report.error("model.model_name", "must be a string (got " + type_name(*name) + ")");
    } else if (const std::string_view n = trim(*name->get_ptr<const std::string*>()); n.size() > 256) {
      b.report.error("model.model_name",
                     "is " + std::to_string(n.size()) + " characters long; no model name is longer than 256");
    } else if (!n.empty()) {
      // Surrounding spaces are always a paste accident and would make the name unknown.
      b.model_name = std::string(n);
      b.body["model"] = b.model_name;
      b.reasoning = is_reasoning_model(b.model_name);
      b.sampling_allowed = !b.reasoning;
    }
  }
  if (const json* p = member(*m, "provider"); p && !p->is_null()) {
    if (!p->is_string())
      b.report.error("model.provider", "must be a string (got " + type_name(*p) + ")");
    else
      b.provider = find_provider_rule(*p->get_ptr<const std::string*>());
  }
}

// ----------------------------------------------------------------- messages

constexpr std::string_view kRoles[] = {"system", "developer", "user", "assistant"};

void note_text(Build& b, const std::string& text) {
  if (!b.prompt_mentions_json && mentions_json(text)) b.prompt_mentions_json = true;
}

// One content part; returns false when it is not usable.
bool read_part(Build& b, const json& part, const std::string& path, std::string_view role, json& out) {
  if (!part.is_object()) {
    b.report.error(path, "must be a {type: \"text\", text} or {type: \"image_url\", image_url} part (got " +
                             type_name(part) + ")");
    return false;
  }
  const json* type = member(part, "type");
  if (!type || !type->is_string()) {
    b.report.error(path + ".type", "must be \"text\" or \"image_url\"");
    return false;
  }
  const std::string& t = *type->get_ptr<const std::string*>();
  if (t == "text") {
    static constexpr std::string_view allowed[] = {"type", "text"};
    const std::size_t before = b.report.error_count();
    reject_unknown_keys(b.report, part, path, allowed, "is not part of a text part (type, text)");
    const json* text = member(part, "text");
    if (!text || !text->is_string()) {
      b.report.error(path + ".text", "must be a string (got " + (text ? type_name(*text) : "nothing") + ")");
      return false;
    }
    const std::string& s = *text->get_ptr<const std::string*>();
    if (is_blank(s)) {
      b.report.error(path + ".text", "is empty");
      return false;
    }
    if (!b.text_fits(path + ".text", s) || b.report.error_count() != before) return false;
    note_text(b, s);
    out = object_of("type", "text", "text", s);
    return true;
  }
  if (t == "image_url") {
    static constexpr std::string_view allowed[] = {"type", "image_url"};
    const std::size_t before = b.report.error_count();
    reject_unknown_keys(b.report, part, path, allowed, "is not part of an image part (type, image_url)");
    if (role == "assistant" || role == "system" || role == "developer")
      b.report.error(path, "images are only allowed in user messages, not in " + std::string(role) + " messages");
    const json* image = member(part, "image_url");
    const std::string ipath = path + ".image_url";
    if (!image || !image->is_object()) {
      b.report.error(ipath, "must be an object {url, detail?} (got " + (image ? type_name(*image) : "nothing") + ")");
      return false;
    }
    static constexpr std::string_view image_keys[] = {"url", "detail"};
    reject_unknown_keys(b.report, *image, ipath, image_keys, "is not part of image_url (url, detail)");
    check_image_url(b.report, ipath + ".url", member(*image, "url"));
    json image_out;
    if (const std::string* url = string_member(*image, "url")) image_out["url"] = *url;
    if (const json* detail = member(*image, "detail"); detail && !detail->is_null()) {
      const std::string* d = detail->is_string() ? detail->get_ptr<const std::string*>() : nullptr;
      if (!d || (*d != "auto" && *d != "low" && *d != "high"))
        b.report.error(ipath + ".detail", "must be \"auto\", \"low\" or \"high\" (got " + shown_value(*detail) + ")");
      else
        image_out["detail"] = *d;
    }
    if (b.report.error_count() != before) return false;
    out = object_of("type", "image_url", "image_url", std::move(image_out));
    return true;
  }
  b.report.error(path + ".type", "must be \"text\" or \"image_url\" (got " + quote_user(t) + ")");
  return false;
}

// Content: a non-blank string or a non-empty array of parts.
bool read_content(Build& b, const json* content, const std::string& path, std::string_view role, json& out) {
  if (!content || content->is_null()) {
    b.report.error(path, "is empty: write the message text");
    return false;
  }
  if (content->is_string()) {
    const std::string& s = *content->get_ptr<const std::string*>();
    if (is_blank(s)) {
      b.report.error(path, "is empty: write the message text");
      return false;
    }
    if (!b.text_fits(path, s)) return false;
    note_text(b, s);
    out = s;
    return true;
  }
  if (!content->is_array()) {
    b.report.error(path, "must be a string or an array of content parts (got " + type_name(*content) + ")");
    return false;
  }
  if (content->empty()) {
    b.report.error(path, "has no parts: add a text or image part");
    return false;
  }
  out = json::array();
  bool ok = true;
  std::size_t i = 0;
  for (const auto& part : *content) {
    json part_out;
    if (read_part(b, part, index_path(path, i++), role, part_out))
      out.push_back(std::move(part_out));
    else
      ok = false;
  }
  return ok;
}

std::string no_instructions(const std::string& model_name) {
  return excerpt(model_name, 80) +
         " takes no system or developer message and answers 400 to one: put the "
         "instructions at the start of the first user message instead";
}

// Returns the message's role when valid ("" otherwise).
std::string read_message(Build& b, const json& message, std::size_t index) {
  const std::string path = index_path("messages", index);
  if (!message.is_object()) {
    b.report.error(path, "must be an object {role, content} (got " + type_name(message) + ")");
    return {};
  }
  static constexpr std::string_view allowed[] = {"role", "content"};
  reject_unknown_keys(b.report, message, path, allowed, "is not supported: the playground sends only role and content");

  std::string role;
  const json* r = member(message, "role");
  if (!r || !r->is_string()) {
    b.report.error(path + ".role", "must be one of system, developer, user, assistant (got " +
                                       (r ? shown_value(*r) : std::string("nothing")) + ")");
  } else {
    const std::string& s = *r->get_ptr<const std::string*>();
    for (auto known : kRoles)
      if (s == known) role = s;
    if (role.empty())
      b.report.error(path + ".role", "must be one of system, developer, user, assistant (got " + quote_user(s) + ")");
  }
  json content;
  if (!read_content(b, member(message, "content"), path + ".content", role, content) || role.empty()) return role;
  if ((role == "system" || role == "developer") && takes_no_instructions(b.model_name))
    b.report.warn(FindingCode::SystemMessageUnsupported, path + ".role", no_instructions(b.model_name));
  b.messages.push_back(object_of("role", role, "content", std::move(content)));
  return role;
}

void read_system(Build& b, const json& form) {
  const json* s = member(form, "system");
  if (!s || s->is_null()) return;
  if (!s->is_string()) {
    b.report.error("system", "must be a string (got " + type_name(*s) + ")");
    return;
  }
  const std::string& text = *s->get_ptr<const std::string*>();
  if (is_blank(text) || !b.text_fits("system", text)) return;
  note_text(b, text);
  if (takes_no_instructions(b.model_name))
    b.report.warn(FindingCode::SystemMessageUnsupported, "system", no_instructions(b.model_name));
  // OpenAI's reasoning models read instructions from the "developer" role; early ones
  // (o1-mini) refused "system" outright, later ones only translate it.
  b.messages.push_back(object_of("role", b.reasoning ? "developer" : "system", "content", text));
}

void read_messages(Build& b, const json& form) {
  const json* m = member(form, "messages");
  if (!m || m->is_null()) {
    b.report.error("messages", "is missing: add at least one message");
    return;
  }
  if (!m->is_array()) {
    b.report.error("messages", "must be an array of {role, content} messages (got " + type_name(*m) + ")");
    return;
  }
  if (m->empty()) {
    b.report.error("messages", "is empty: add at least one message");
    return;
  }
  if (m->size() > b.limits.max_messages) {
    b.report.error("messages", "has " + std::to_string(m->size()) + " messages; the limit is " +
                                   std::to_string(b.limits.max_messages));
    return;
  }
  std::string last_role;
  for (std::size_t i = 0; i < m->size(); ++i) last_role = read_message(b, (*m)[i], i);
  if (!last_role.empty() && last_role != "user") {
    b.report.warn(FindingCode::LastMessageNotUser, index_path("messages", m->size() - 1) + ".role",
                  std::string("the conversation ends with ") + (last_role == "assistant" ? "an " : "a ") + last_role +
                      " message; most providers expect it to end with a user message");
  }
}

constexpr std::string_view kFormKeys[] = {"system", "messages", "params", "stream", "model", "extra"};

}  // namespace

bool is_reasoning_model(std::string_view model_name) {
  const std::string n = normalized_model(model_name);
  if (is_family(n, "o1") || is_family(n, "o3") || is_family(n, "o4")) return true;
  // gpt-5-chat* is the chat-tuned, non-reasoning variant: it takes temperature and max_tokens.
  return is_family(n, "gpt-5") && !starts_with(n, "gpt-5-chat");
}

BuildResult build_request(const json& form, const RequestLimits& limits) {
  BuildResult result;
  result.body = nullptr;
  if (!form.is_object()) {
    result.errors.push_back({"", "the form must be an object"});
    return result;
  }
  Build b(limits);
  reject_unknown_keys(b.report, form, "", kFormKeys,
                      "is not a form field (system, messages, params, stream, model, extra)");
  read_model(b, form);
  apply_reasoning_effort(b, form);
  read_system(b, form);
  read_messages(b, form);
  b.body["messages"] = std::move(b.messages);
  read_params(b, form);  // after the messages: json_object checks that they mention JSON
  read_stream(b, form);
  read_extra(b, form);

  // Measured even when something else failed, so that an oversized image is reported in
  // the same round as a wrong temperature.
  const std::size_t size = body_size(b.body);
  if (size > limits.max_body_bytes) {
    b.report.error("", "the request body is " + human_bytes(size, true) + "; the limit is " +
                           human_bytes(limits.max_body_bytes) + ": attach smaller images or shorten the conversation");
  }

  result.ok = b.report.error_count() == 0;
  if (result.ok) {
    result.body = std::move(b.body);
    result.body_bytes = size;
  }
  b.report.move_into(result);
  return result;
}

std::size_t body_size(const json& body) {
  std::size_t total = 0;
  std::vector<const json*> stack{&body};  // iterative: a native caller's value may nest deep
  while (!stack.empty()) {
    const json* v = stack.back();
    stack.pop_back();
    if (v->is_object()) {
      total += 2 + (v->empty() ? 0 : v->size() - 1);  // braces and commas
      for (auto it = v->begin(); it != v->end(); ++it) {
        total += json_string_size(it.key()) + 1;  // "key":
        stack.push_back(&it.value());
      }
    } else if (v->is_array()) {
      total += 2 + (v->empty() ? 0 : v->size() - 1);
      for (const auto& child : *v) stack.push_back(&child);
    } else if (v->is_string()) {
      total += json_string_size(*v->get_ptr<const std::string*>());
    } else {
      total += dump_json(*v).size();  // numbers, booleans, null: a few bytes each
    }
  }
  return total;
}

json to_json(const BuildResult& result) {
  if (result.ok) return json{{"ok", true}, {"body", result.body}, {"warnings", to_json(result.warnings)}};
  json errors = json::array();
  for (const auto& e : result.errors) errors.push_back(json{{"field", e.field}, {"message", e.message}});
  return json{{"ok", false}, {"errors", std::move(errors)}, {"warnings", to_json(result.warnings)}};
}

}  // namespace pg
