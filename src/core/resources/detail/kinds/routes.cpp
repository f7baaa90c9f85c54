// Passthrough routes (the gateway's passthrough_route schema and file desugaring): what a route
// matches (a path prefix, hosts, or both), where it sends (target_url or the inbound host), how
// callers authenticate and where the upstream credential comes from. In a file `provider_key`
// and `anonymous_key` are names, rewritten to derived ids.
#include "core/base/text.h"
#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

namespace {

// A header this route reads for itself: lower-case, and never a credential slot.
void own_header(EntryLog& l, const std::string& p, const json& v) {
  if (!check_string(l, p, v, true)) return;
  const std::string& s = v.get_ref<const std::string&>();
  if (!is_http_token(s, true)) return l.error(p, "must be a lower-case HTTP header name");
  for (const char* slot : {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
    if (s == slot) return l.error(p, "must not be a credential header (" + s + ")");
}

// "api.example.com", "*.example.com" or a single label.
bool host_pattern(const std::string& s) {
  std::string_view rest = s;
  if (rest.substr(0, 2) == "*.") rest.remove_prefix(2);
  if (rest.empty()) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('.', start);
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view label = rest.substr(start, end - start);
    if (label.empty() || label.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
                             std::string_view::npos)
      return false;
    ++labels;
    start = end + 1;
  }
  return labels >= (s.substr(0, 2) == "*." ? 2 : 1);
}

bool desugar(json& doc, const FileSugar& file, EntryLog& log) {
  static const struct {
    const char* name;
    const char* id;
    const char* kind;
    const char* label;
  } refs[] = {{"provider_key", "provider_key_id", "provider_keys", "provider key"},
              {"anonymous_key", "anonymous_key_id", "api_keys", "api key"}};
  for (const auto& r : refs) {
    const json* value = member(doc, r.name);
    if (!value) continue;
    if (!value->is_string()) {
      log.error(r.name, std::string("`") + r.name + "` must be a string (a " + r.label + " display_name)");
      return false;
    }
    if (member(doc, r.id)) {
      log.error(r.name, std::string("`") + r.name + "` (a name reference) and `" + r.id +
                            "` are mutually exclusive: set exactly one");
      return false;
    }
    auto id = resolve_name(file, r.kind, r.label, value->get<std::string>(), r.name, log);
    if (!id) return false;
    doc.erase(r.name);
    doc[r.id] = *id;
  }
  return true;
}

}  // namespace

bool check_passthrough_route(json& doc, EntryLog& log, const FileSugar* file) {
  if (!check_object(log, "", doc)) return false;
  if (file && !desugar(doc, *file, log)) return false;
  static const std::vector<FieldRule> rules = {
      {"anonymous_key_id", non_empty_string, false, true},
      {"auth_header_name", own_header, false, true},
      {"auth_mode",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"gateway_key", "header_key", "anonymous"});
       }},
      {"credential_mode",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"inject", "forward_client"});
       }},
      {"display_name", non_empty_string},
      {"enabled", boolean},
      {"forward_client_headers", string_list},
      {"forward_jwt_header", check_jwt_header_slot, false, true},
      {"hosts",
       [](EntryLog& l, const std::string& p, const json& v) {
         if (!check_strings(l, p, v, 1, std::numeric_limits<std::size_t>::max(), 1)) return;
         for (std::size_t i = 0; i < v.size(); ++i)
           if (!host_pattern(v[i].get_ref<const std::string&>()))
             l.error(index_path(p, i), "must be a host name, optionally starting with *.");
       },
       false, true},
      {"identity_header", own_header, false, true},
      {"name", non_empty_string},
      {"path_prefix",
       [](EntryLog& l, const std::string& p, const json& v) {
         if (check_string(l, p, v, true) && v.get_ref<const std::string&>().front() != '/')
           l.error(p, "must start with /");
       },
       false, true},
      {"preserve_host", boolean},
      {"provider_key_id", non_empty_string, false, true},
      {"source_cidrs", string_list, false, true},
      {"target_url", non_empty_string, false, true},
      {"timeout_ms", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1); }, false, true},
  };
  if (member(doc, "name") && member(doc, "display_name")) {
    log.error("display_name", "duplicate field: `name` and `display_name` (its alternative spelling) are both set");
    return false;
  }
  if (!check_fields(log, "", doc, rules)) return false;
  const std::size_t before = log.errors_logged();
  const bool has_prefix = present(doc, "path_prefix"), has_hosts = present(doc, "hosts");
  if (!has_prefix && !has_hosts) log.error("path_prefix", "is required, or hosts: a route matches by one or both");
  if (has_prefix && !has_hosts) {
    // Without hosts the typed routes would shadow a reserved namespace.
    const std::string& prefix = *string_member(doc, "path_prefix");
    for (const char* reserved : {"/v1", "/mcp", "/a2a", "/admin", "/livez", "/readyz", "/metrics"}) {
      const std::string r = reserved;
      if (prefix.compare(0, r.size(), r) == 0 && (prefix.size() == r.size() || prefix[r.size()] == '/'))
        log.error("path_prefix", "claims the gateway's own " + r + " namespace; add hosts, or choose another prefix");
    }
  }
  const json* preserve = member(doc, "preserve_host");
  const bool preserves = preserve && preserve->is_boolean() && preserve->get<bool>();
  const bool has_target = present(doc, "target_url");
  if (preserves == has_target)
    log.error("target_url", "exactly one of target_url and preserve_host: true says where the route sends");
  if (preserves && !has_hosts)
    log.error("hosts", "is required with preserve_host: the hosts allowlist is what it may reach");
  if (has_target) {
    const std::string& target = *string_member(doc, "target_url");
    if (target.compare(0, 7, "http://") != 0 && target.compare(0, 8, "https://") != 0)
      log.error("target_url", "must start with http:// or https://");
  }
  const std::string* auth = string_member(doc, "auth_mode");
  const std::string mode = auth ? *auth : "gateway_key";
  if (mode == "header_key" && !present(doc, "auth_header_name"))
    log.error("auth_header_name", "is required with auth_mode header_key");
  if (mode != "header_key" && member(doc, "auth_header_name"))
    log.error("auth_header_name", "is only used with auth_mode header_key");
  if (mode == "anonymous") {
    if (!present(doc, "anonymous_key_id")) log.error("anonymous_key_id", "is required with auth_mode anonymous");
    const json* cidrs = member(doc, "source_cidrs");
    if (!cidrs || !cidrs->is_array() || cidrs->empty())
      log.error("source_cidrs", "must list at least one CIDR with auth_mode anonymous");
    else
      for (std::size_t i = 0; i < cidrs->size(); ++i)
        if ((*cidrs)[i].get_ref<const std::string&>().empty())
          log.error(index_path("source_cidrs", i), "must not be empty");
  } else if (member(doc, "anonymous_key_id")) {
    log.error("anonymous_key_id", "is only used with auth_mode anonymous");
  }
  const std::string* credential = string_member(doc, "credential_mode");
  if (credential && *credential == "forward_client") {
    if (member(doc, "provider_key_id")) log.error("provider_key_id", "is not used with credential_mode forward_client");
  } else if (!present(doc, "provider_key_id")) {
    log.error("provider_key_id",
              "is required: the provider key whose secret the route injects (or credential_mode "
              "forward_client)");
  }
  return log.errors_logged() == before;
}

}  // namespace pg::resources_detail
