// A provider's model list: the call that asks for it (derived from the chat call's plan, so
// it goes to the same host with the same key) and a bounded reader of its answer. Nothing
// here trusts the answer: any shape that is not a list is a problem code, never a crash, and
// what is kept is bounded in count and size.
#include "core/provider/model_list.h"

#include "core/base/text.h"
#include "core/base/utf8.h"
#include "core/upstream/upstream.h"

#include <unordered_set>

namespace pg {

namespace {

constexpr std::string_view kChatPath = "/chat/completions";
constexpr std::string_view kAnthropicVersion = "2023-06-01";

ModelListCall refused(std::string problem, std::string error) {
  ModelListCall c;
  c.problem = std::move(problem);
  c.error = std::move(error);
  return c;
}

ModelList failed(std::string problem, std::string error) {
  ModelList l;
  l.problem = std::move(problem);
  l.error = std::move(error);
  return l;
}

// A name worth suggesting: valid UTF-8, no control character, not empty, not too long.
bool usable_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxModelIdBytes) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(id.data());
  const auto* end = p + id.size();
  while (p < end) {
    if (*p < 0x80) {
      if (*p < 0x20 || *p == 0x7f) return false;
      ++p;
      continue;
    }
    const int n = utf8::check_sequence(p, end);
    if (n <= 0) return false;
    p += n;
  }
  return true;
}

// The name an entry of a list gives: a string, or an object's id (then model, then name).
// Gemini's ids ("models/gemini-2.0-flash") lose the prefix its chat endpoint does not take.
const std::string* entry_name(const json& entry) {
  if (entry.is_string()) return &entry.get_ref<const std::string&>();
  if (!entry.is_object()) return nullptr;
  for (const char* field : {"id", "model", "name"})
    if (const std::string* s = string_member(entry, field)) return s;
  return nullptr;
}

std::string_view without_models_prefix(std::string_view id) { return starts_with(id, "models/") ? id.substr(7) : id; }

// The array that holds the models: OpenAI's `data`, Gemini's and Ollama's `models`, or the
// body itself when it is an array.
const json* list_of(const json& body) {
  if (body.is_array()) return &body;
  if (!body.is_object()) return nullptr;
  for (const char* field : {"data", "models"})
    if (const json* list = member(body, field); list && list->is_array()) return list;
  return nullptr;
}

}  // namespace

ModelListCall plan_model_list(std::string_view provider, std::string_view adapter, std::string_view api_base,
                              std::string_view model_name) {
  const UpstreamPlan chat = plan_chat_call(provider, adapter, api_base, model_name);
  if (chat.protocol == WireProtocol::AzureOpenAI)
    return refused("not_listed",
                   "Azure OpenAI lists a resource's deployments in the Azure portal (or its management API), "
                   "not to the key: open the resource's deployments there");
  if (!chat.ok)
    return refused("bad_base_url", chat.error.empty() ? "the model's base URL cannot be called" : chat.error);
  const std::size_t query = chat.url.find('?');
  const std::string_view path = std::string_view(chat.url).substr(0, query);
  if (!ends_with(path, kChatPath))
    return refused("not_listed",
                   "the chat endpoint of this base is not …/chat/completions, so the model list's "
                   "place is not known");
  ModelListCall c;
  c.ok = true;
  c.url = std::string(path.substr(0, path.size() - kChatPath.size())) + "/models" +
          (query == std::string::npos ? std::string() : chat.url.substr(query));
  if (chat.protocol == WireProtocol::Anthropic) {
    // Anthropic's list (GET /v1/models) is its own API's: the key in x-api-key, with a version.
    c.auth_header = "x-api-key";
    c.auth_scheme = "";
    c.headers.emplace_back("anthropic-version", std::string(kAnthropicVersion));
  } else {
    c.auth_header = chat.auth_header;
    c.auth_scheme = chat.auth_scheme;
  }
  return c;
}

ModelList read_model_list(std::string_view body) {
  if (body.size() > kMaxModelListBytes)
    return failed("too_large", "the model list is larger than " + std::to_string(kMaxModelListBytes / (1024 * 1024)) +
                                   " MiB, more than the playground reads");
  auto parsed = parse_json(body);
  if (!parsed.value) return failed("not_a_list", "the answer to GET /models is not JSON");
  const json* list = list_of(*parsed.value);
  if (!list)
    return failed("not_a_list", "the answer to GET /models is JSON, but not a model list (no data or models array)");

  ModelList out;
  std::unordered_set<std::string_view> seen;
  for (const json& entry : *list) {
    const std::string* name = entry_name(entry);
    const std::string_view id = name ? without_models_prefix(*name) : std::string_view();
    if (!usable_id(id) || out.ids.size() >= kMaxModelIds) {
      ++out.left_out;
      continue;
    }
    if (!seen.insert(id).second) continue;
    out.ids.emplace_back(id);
  }
  if (out.ids.empty())
    return failed(list->empty() ? "empty" : "not_a_list",
                  list->empty() ? "the provider's model list is empty"
                                : "the model list holds no usable name (each entry needs an id or a name)");
  out.ok = true;
  return out;
}

json to_json(const ModelListCall& call) {
  if (!call.ok) return json{{"ok", false}, {"problem", call.problem}, {"error", call.error}};
  json headers = json::array();
  for (const auto& [name, value] : call.headers) headers.push_back({{"name", name}, {"value", value}});
  return json{{"ok", true},
              {"url", call.url},
              {"authHeader", call.auth_header},
              {"authScheme", call.auth_scheme},
              {"headers", std::move(headers)}};
}

json to_json(const ModelList& list) {
  if (!list.ok) return json{{"ok", false}, {"problem", list.problem}, {"error", list.error}};
  return json{{"ok", true}, {"ids", list.ids}, {"leftOut", list.left_out}};
}

}  // namespace pg
